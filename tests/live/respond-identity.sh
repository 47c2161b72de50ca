#!/bin/sh
# respond-identity.sh - critical files and programs are known by identity (st_dev,
# st_ino), not only by path: in a private mount and PID namespace, a bind mount of a
# scratch root's /usr/sbin (sshd under /tmp/.cache), a file bind mount of its libc, a
# bind mount of its /etc (passwd edited under another name) and a process running a
# file that is /usr/lib/systemd/systemd under another name (a bind mount inside the
# namespace) are each refused, and the files and the process are still there.
set -eu
MT=${MINETRACE:-build/minetrace}
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-identity: $*"; exit 1; }
[ -e /usr/lib/systemd/systemd ] || { echo "SKIP respond-identity: no /usr/lib/systemd/systemd to stand in for"; exit 0; }

cat >"$work/ns.sh" <<'NS'
set -eu
work=$1 mt=$2
R=$work/root
sha() { sha256sum <"$1" | cut -c1-64; }
mkdir -p "$R/etc" "$R/tmp/.cache" "$R/tmp/e" "$R/usr/sbin" "$R/usr/bin" "$R/usr/lib/x86_64-linux-gnu" "$R/var/lib"
printf 'root:x:0:0::/root:/bin/sh\nbackdoor:x:0:0::/root:/bin/sh\n' >"$R/etc/passwd"
cp /bin/sleep "$R/usr/sbin/sshd"
cp /bin/true "$R/usr/lib/x86_64-linux-gnu/libc.so.6"
: >"$R/tmp/kworker"
mount --bind "$R/usr/sbin" "$R/tmp/.cache"
mount --bind "$R/usr/lib/x86_64-linux-gnu/libc.so.6" "$R/tmp/kworker"
mount --bind "$R/etc" "$R/tmp/e"
line2=$(printf 'backdoor:x:0:0::/root:/bin/sh' | sha256sum | cut -c1-64)
cat >"$work/files.jsonl" <<EOT
{"type":"finding","id":"MT-00000000000000a1","check":"files.suspicious","severity":"high","title":"t","evidence":{},"remedy":[{"action":"quarantine_file","path":"/tmp/.cache/sshd","sha256":"$(sha "$R/usr/sbin/sshd")"}]}
{"type":"finding","id":"MT-00000000000000a2","check":"files.suspicious","severity":"high","title":"t","evidence":{},"remedy":[{"action":"quarantine_file","path":"/tmp/kworker","sha256":"$(sha "$R/usr/lib/x86_64-linux-gnu/libc.so.6")"}]}
{"type":"finding","id":"MT-00000000000000a3","check":"account.uid0","severity":"high","title":"t","evidence":{},"remedy":[{"action":"remove_line","path":"/tmp/e/passwd","lineno":2,"line_sha256":"$line2"}]}
{"type":"summary"}
EOT
rc=0
"$mt" respond "$work/files.jsonl" --root "$R" --apply --no-verify >"$work/files.txt" 2>&1 || rc=$?
echo $rc >"$work/files.rc"
[ -f "$R/usr/sbin/sshd" ] && echo sshd >>"$work/kept"
[ -f "$R/usr/lib/x86_64-linux-gnu/libc.so.6" ] && echo libc >>"$work/kept"
grep -q backdoor "$R/etc/passwd" && echo passwd >>"$work/kept"
umount "$R/tmp/.cache" "$R/tmp/kworker" "$R/tmp/e"

# a process whose program is systemd under another name (inside this namespace only)
cp /bin/sleep "$work/miner"
mount --bind "$work/miner" /usr/lib/systemd/systemd
"$work/miner" 300 & victim=$!
sleep 0.2
cat >"$work/kill.jsonl" <<EOT
{"type":"finding","id":"MT-00000000000000b1","check":"process.miner","severity":"critical","title":"t","evidence":{},"remedy":[{"action":"kill_tree","pid":$victim,"start_ticks":$(cut -d' ' -f22 /proc/$victim/stat),"exe":"$(readlink /proc/$victim/exe)"}]}
{"type":"summary"}
EOT
rc=0
"$mt" respond "$work/kill.jsonl" --apply --no-verify --quarantine "$work/q" >"$work/kill.txt" 2>&1 || rc=$?
echo $rc >"$work/kill.rc"
kill -0 "$victim" 2>/dev/null && echo victim >>"$work/kept"
kill -9 "$victim" 2>/dev/null || true
NS
: >"$work/kept"
unshare -m -p -f --mount-proc sh "$work/ns.sh" "$work" "$MT"

[ "$(cat "$work/files.rc")" = 1 ] || { cat "$work/files.txt"; fail "files: exit $(cat "$work/files.rc"), expected 1"; }
grep -qx sshd "$work/kept" || { cat "$work/files.txt"; fail "sshd removed through a bind mount of its directory"; }
grep -q "/tmp/.cache/sshd is the critical system file /usr/sbin/sshd under another name" "$work/files.txt" ||
	{ cat "$work/files.txt"; fail "no reason for sshd"; }
grep -qx libc "$work/kept" || fail "libc removed"
grep -q "/tmp/kworker is the critical system file /usr/lib/x86_64-linux-gnu/libc.so.6 under another name" "$work/files.txt" ||
	{ cat "$work/files.txt"; fail "no reason for the libc bind mount"; }
grep -qx passwd "$work/kept" || fail "passwd edited under another name"
grep -q "/tmp/e/passwd is the critical system file /etc/passwd under another name (same device and inode): not edited" "$work/files.txt" ||
	{ cat "$work/files.txt"; fail "no reason for passwd"; }
[ "$(cat "$work/kill.rc")" = 1 ] || { cat "$work/kill.txt"; fail "kill: exit $(cat "$work/kill.rc"), expected 1"; }
grep -qx victim "$work/kept" || { cat "$work/kill.txt"; fail "a process running systemd under another name was killed"; }
grep -q "runs /usr/lib/systemd/systemd (a critical system program, same device and inode): never killed" "$work/kill.txt" ||
	{ cat "$work/kill.txt"; fail "no reason for the kill refusal"; }
echo "ok respond-identity: bind mounts of sshd, libc, /etc/passwd and of systemd's program refused by dev/ino"
