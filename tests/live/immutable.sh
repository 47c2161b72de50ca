#!/bin/sh
# immutable.sh - files.immutable against real inode flags: a crontab and an
# authorized_keys locked with chattr +i, rc.local with chattr +a, a miner binary locked
# in /usr/bin, next to unlocked look-alikes. The flags are set on a scratch tree and
# cleared again on every exit (an immutable file would make rm -rf fail). Skips with a
# message when the file system or the user cannot set the flags.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cleanup() {
	chattr -R -i -a "$work" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL immutable: $*"; exit 1; }

root=$work/root
mkdir -p "$root/var/spool/cron/crontabs" "$root/etc/cron.d" "$root/home/alice/.ssh" \
	"$root/root/.ssh" "$root/usr/bin" "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n' \
	>"$root/etc/passwd"
printf '* * * * * /tmp/.x/kdevtmpfsi\n' >"$root/var/spool/cron/crontabs/root"
printf '17 * * * * root cd / && run-parts --report /etc/cron.hourly\n' >"$root/etc/crontab"
printf '30 3 * * * root /usr/sbin/logrotate /etc/logrotate.conf\n' >"$root/etc/cron.d/logrotate"
printf 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 attacker\n' >"$root/home/alice/.ssh/authorized_keys"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIadmin admin@laptop\n' >"$root/root/.ssh/authorized_keys"
printf '#!/bin/sh\n/usr/bin/dhpcd &\nexit 0\n' >"$root/etc/rc.local"
printf 'ELF-ish miner\n' >"$root/usr/bin/dhpcd"
printf 'ELF-ish tool\n' >"$root/usr/bin/true"

if ! chattr +i "$root/var/spool/cron/crontabs/root" 2>/dev/null; then
	echo "immutable: skipped: cannot set chattr +i under $work (file system or permissions)"
	exit 0
fi
chattr +i "$root/home/alice/.ssh/authorized_keys"
chattr +a "$root/etc/rc.local"
chattr +i "$root/usr/bin/dhpcd"

cat >"$work/expect.jsonl" <<'X'
{"check":"files.immutable","severity":"high","attack":"T1222.002","evidence":{"path":"/var/spool/cron/crontabs/root","flags":"immutable","kind":"cron"},"remedy":[{"action":"clear_flags","path":"/var/spool/cron/crontabs/root","flags":"i"}]}
{"check":"files.immutable","severity":"high","evidence":{"path":"/home/alice/.ssh/authorized_keys","flags":"immutable","kind":"ssh_key","user":"alice"},"remedy":[{"action":"clear_flags","path":"/home/alice/.ssh/authorized_keys","flags":"i"}]}
{"check":"files.immutable","severity":"high","evidence":{"path":"/etc/rc.local","flags":"append_only","kind":"rc"},"remedy":[{"action":"clear_flags","path":"/etc/rc.local","flags":"a"}]}
{"check":"files.immutable","severity":"medium","evidence":{"path":"/usr/bin/dhpcd","flags":"immutable","kind":"binary"},"remedy":[{"action":"clear_flags","path":"/usr/bin/dhpcd","flags":"i"}]}
X
for walk in openat2 portable; do
	if [ $walk = portable ]; then export MINETRACE_NO_OPENAT2=1; else unset MINETRACE_NO_OPENAT2; fi
	rc=0
	"$MT" scan --root "$root" --checks files.immutable --format json >"$work/out.jsonl" || rc=$?
	[ $rc -eq 1 ] || fail "exit $rc, expected 1 ($walk)"
	python3 "$here/../scenario/contract.py" "$work/out.jsonl" "$work/expect.jsonl" ||
		fail "findings ($walk)"
done
echo "immutable: chattr +i and +a found on cron, keys, rc.local and a binary; look-alikes quiet"
