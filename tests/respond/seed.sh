#!/bin/sh
# seed.sh - respond and restore on scratch copies of the seed case (tests/scenario/
# seed-centos7): the cron line, the rc.local line and the attacker's key go, every other
# byte stays; the miner is quarantined; restore brings every file back with its metadata;
# a run killed in the middle of each operation leaves each file before or after and a
# second run completes; hostile reports are refused with a reason. Scratch trees only.
set -eu
# The scratch trees go on a tmpfs of a private mount namespace when one can be had, so
# that nothing outside (another program reading files under /tmp) changes the atimes
# compared below.
if [ -z "${MT_SEED_NS:-}" ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	exec unshare -m env MT_SEED_NS=1 sh "$0" "$@"
fi
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
seed=$here/../scenario/seed-centos7
work=$(mktemp -d)
[ -z "${MT_SEED_NS:-}" ] || mount -t tmpfs -o mode=0700 tmpfs "$work"
trap '[ -n "${KEEP:-}" ] || { umount "$work" 2>/dev/null; rm -rf "$work"; }' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-seed: $*"; exit 1; }

mkroot() { # $1: directory
	mkdir -p "$1"
	cp -a "$seed/tree/." "$1/"
	sh "$seed/setup.sh" "$1"
	mkdir -p "$1/var/lib"   # as on any host: the quarantine goes below it
}
# content, mode, owner, size, mtime, link target of every file of a tree (not the quarantine)
snap() {
	python3 - "$1" <<'EOT'
import hashlib, os, stat, sys
root = sys.argv[1]
out = []
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if os.path.join(d, x) != os.path.join(root, "var/lib/minetrace")]
    for n in sorted(dirs + files):
        p = os.path.join(d, n)
        st = os.lstat(p)
        rel = "./" + os.path.relpath(p, root)
        if stat.S_ISLNK(st.st_mode):
            out.append("%s L %s %d %d %d" % (rel, os.readlink(p), st.st_uid, st.st_gid, st.st_mtime_ns))
        elif stat.S_ISREG(st.st_mode):
            fd = os.open(p, os.O_RDONLY | os.O_NOATIME)
            h = hashlib.sha256()
            while True:
                b = os.read(fd, 1 << 20)
                if not b: break
                h.update(b)
            os.close(fd)
            out.append("%s F %o %d %d %d %d %d %s" % (rel, st.st_mode & 0o7777, st.st_uid, st.st_gid,
                       st.st_size, st.st_mtime_ns, st.st_atime_ns, h.hexdigest()))
        else:
            out.append("%s D %o %d %d" % (rel, st.st_mode & 0o7777, st.st_uid, st.st_gid))
for l in sorted(out): print(l)
EOT
}

# ---- 1. the seed case: apply, check the edits byte for byte, restore everything ----
r=$work/seed
mkroot "$r"
# shellcheck disable=SC2046
"$MT" scan --root "$r" --format json $(cat "$seed/args") >"$work/seed.jsonl" || true
# (copies first: cp's reads move access times, and minetrace's reads must not)
cp "$r/var/spool/cron/root" "$work/cron.orig"
cp "$r/etc/rc.d/rc.local" "$work/rclocal.orig"
cp "$r/root/.ssh/authorized_keys" "$work/keys.orig"
snap "$r" >"$work/before.txt"
"$MT" respond "$work/seed.jsonl" --root "$r" >"$work/plan.txt" || fail "plan exit $?"
snap "$r" >"$work/after-plan.txt"
cmp -s "$work/before.txt" "$work/after-plan.txt" || { diff "$work/before.txt" "$work/after-plan.txt"; fail "the plan alone changed the tree"; }
grep -q "Nothing was changed" "$work/plan.txt" || fail "plan text"
rc=0
"$MT" respond "$work/seed.jsonl" --root "$r" --apply >"$work/apply.txt" || rc=$?
[ $rc -eq 0 ] || { cat "$work/apply.txt"; fail "apply exit $rc"; }
grep -q "verify: clean" "$work/apply.txt" || fail "verify not clean"
[ ! -e "$r/bin/dhpcd" ] && [ ! -L "$r/bin/dhpcd" ] || fail "/bin/dhpcd still there"
[ ! -e "$r/usr/bin/dhpcd" ] || fail "the miner binary is still there"
grep -v '^7 \* \* \* \* /bin/dhpcd$' "$work/cron.orig" | cmp -s - "$r/var/spool/cron/root" || fail "cron edit"
grep -v '^/bin/dhpcd &$' "$work/rclocal.orig" | cmp -s - "$r/etc/rc.d/rc.local" || fail "rc.local edit"
grep -v 'root@attacker$' "$work/keys.orig" | cmp -s - "$r/root/.ssh/authorized_keys" || fail "key edit"
[ "$(wc -l <"$work/keys.orig")" -gt "$(wc -l <"$r/root/.ssh/authorized_keys")" ] || fail "no key removed"
[ "$(stat -c '%a %u' "$r/etc/rc.d/rc.local")" = "$(stat -c '%a %u' "$work/rclocal.orig")" ] || fail "rc.local mode/owner"
q=$r/var/lib/minetrace/quarantine
mkdir -p "$work/after"
for f in var/spool/cron/root etc/rc.d/rc.local root/.ssh/authorized_keys; do
	mkdir -p "$work/after/$(dirname "$f")"; cp "$r/$f" "$work/after/$f"
done
"$MT" restore --list --root "$r" >"$work/list.txt"
[ "$(wc -l <"$work/list.txt")" -eq 5 ] || { cat "$work/list.txt"; fail "expected 5 entries"; }
grep -q ' file /usr/bin/dhpcd ' "$work/list.txt" || fail "the miner is not in the quarantine"
# stored so that it cannot run: mode 0400 and not an ELF
for c in "$q"/*/content; do
	[ "$(stat -c %a "$c")" = 400 ] || fail "content mode"
	head -c 4 "$c" | od -An -c | grep -q 'E   L   F' && fail "an ELF in the quarantine"
done
# a second run finds everything done
"$MT" respond "$work/seed.jsonl" --root "$r" --apply >"$work/again.txt" || fail "second run exit $?"
[ "$(grep -c '^\[already done\]' "$work/again.txt")" -eq 4 ] || fail "second run did not see the journal"
# restore every entry, newest first
for id in $(cut -d' ' -f1 "$work/list.txt" | sort -r); do
	"$MT" restore --root "$r" "$id" >/dev/null || fail "restore $id"
done
snap "$r" >"$work/restored.txt"
diff "$work/before.txt" "$work/restored.txt" || fail "restore is not identical"
echo "ok respond-seed: apply, byte-exact edits, quarantine, journal, restore"

# ---- 2. crash safety: die in the middle of each operation, before and after its change ----
for phase in mid after; do
	for n in 1 2 3 4 5; do
		r=$work/crash-$phase-$n
		mkroot "$r"
		snap "$r" >"$work/c-before.txt"
		rc=0
		MINETRACE_RESPOND_CRASH_AT=$n MINETRACE_RESPOND_CRASH_PHASE=$phase \
			"$MT" respond "$work/seed.jsonl" --root "$r" --apply --no-verify >/dev/null 2>&1 || rc=$?
		[ $rc -eq 86 ] || fail "crash $phase $n: exit $rc, expected the hook's 86"
		# every file is either as before or as after; the journal's last record is a begin
		for f in var/spool/cron/root etc/rc.d/rc.local root/.ssh/authorized_keys usr/bin/dhpcd; do
			if [ -e "$r/$f" ]; then
				h=$(sha256sum <"$r/$f" | cut -c1-64)
				grep -q "^./$f F .* $h\$" "$work/c-before.txt" || [ "$(sha256sum <"$work/after/$f" 2>/dev/null | cut -c1-64)" = "$h" ] ||
					fail "crash $phase $n: $f is neither before nor after"
			fi
		done
		tail -n 1 "$r/var/lib/minetrace/quarantine/journal.jsonl" | grep -q '"rec":"begin"' ||
			fail "crash $phase $n: the journal does not end in the begun action"
		"$MT" respond "$work/seed.jsonl" --root "$r" --apply >"$work/c-2.txt" ||
			{ cat "$work/c-2.txt"; fail "crash $phase $n: the second run exit $?"; }
		grep -q "verify: clean" "$work/c-2.txt" || fail "crash $phase $n: not clean after the second run"
		for f in var/spool/cron/root etc/rc.d/rc.local root/.ssh/authorized_keys; do
			cmp -s "$r/$f" "$work/after/$f" || fail "crash $phase $n: $f differs from a clean run"
		done
		[ ! -e "$r/usr/bin/dhpcd" ] || fail "crash $phase $n: the miner is back"
		rm -rf "$r"
	done
done
echo "ok respond-seed: crash at each of 5 operations, before and after the change, recovered"

# ---- 3. hostile reports ----
r=$work/hostile
mkroot "$r"
mkdir -p "$r/tmp"
ln -s ../etc "$r/tmp/evil"
ln -s /etc/shadow "$r/tmp/shadowlink"
echo 'keep me' >"$r/tmp/victim"
snap "$r" >"$work/h-before.txt"
pwh=$(head -n 1 "$r/etc/passwd" | tr -d '\n' | sha256sum | cut -c1-64)
python3 - "$work/hostile.jsonl" "$pwh" <<'EOT'
import json, sys
out, pwh = sys.argv[1], sys.argv[2]
def f(i, rem):
    return {"type": "finding", "id": "MT-%016x" % i, "check": "files.suspicious", "severity": "high",
            "title": "t", "evidence": {}, "remedy": rem}
rows = [
    f(1, [{"action": "quarantine_file", "path": "/etc/passwd"}]),
    f(2, [{"action": "quarantine_file", "path": "/tmp/../etc/shadow"}]),
    f(3, [{"action": "quarantine_file", "path": "/tmp/evil/group"}]),
    f(4, [{"action": "remove_line", "path": "/tmp/evil/passwd", "lineno": 1, "line_sha256": pwh}]),
    f(5, [{"action": "remove_line", "path": "/etc/passwd", "lineno": 1, "line_sha256": pwh}]),
    f(6, [{"action": "quarantine_file", "path": "/tmp/shadowlink"}]),
    f(7, [{"action": "quarantine_file", "path": "/etc"}]),
    f(8, [{"action": "quarantine_file", "path": "/tmp/victim", "sha256": "0" * 64}]),
    f(9, [{"action": "block_ip", "ip": "127.0.0.1"}, {"action": "block_ip", "ip": "1.2.3.4; rm -rf /"}]),
    f(10, [{"action": "lock_account", "user": "root"}, {"action": "lock_account", "user": "../x"}]),
]
with open(out, "w") as o:
    for r in rows: o.write(json.dumps(r) + "\n")
    o.write(json.dumps({"type": "summary"}) + "\n")
EOT
rc=0
"$MT" respond "$work/hostile.jsonl" --root "$r" --apply --no-verify >"$work/h.txt" 2>&1 || rc=$?
[ $rc -eq 1 ] || { cat "$work/h.txt"; fail "hostile: exit $rc, expected 1"; }
want() { grep -q -- "$1" "$work/h.txt" || { cat "$work/h.txt"; fail "hostile: no '$1'"; }; }
want "/etc/passwd is a critical system file: never quarantined"
want "path contains '..': refused"
want "path goes through a symbolic link at '/tmp/evil'"
want "the line is root's entry in /etc/passwd: never removed"
want "its target /etc/shadow is not named by the report with a sha256: not followed"
want "/etc is a directory: never removed whole"
want "/tmp/victim changed since the scan"
want "127.0.0.1 is a loopback address: not blocked"
want "is not an IP address: not blocked"
want "root is never locked"
want "not a user name"
for f in etc/passwd etc/shadow etc/group tmp/victim; do
	grep "^./$f " "$work/h-before.txt" | sed 's/ [0-9]* \([0-9a-f]\{64\}\)$/ \1/' >"$work/h1"
	snap "$r" | grep "^./$f " | sed 's/ [0-9]* \([0-9a-f]\{64\}\)$/ \1/' >"$work/h2"
	cmp -s "$work/h1" "$work/h2" || fail "hostile: $f changed"
done
# malformed JSON: the whole report is refused, nothing runs
printf '{"type":"finding","id":"MT-1","remedy":[{"action":"quarantine_file","path":"/tmp/victim"}]}\n{"type":"finding", "id": "MT-2", "remedy": [\n' >"$work/bad.jsonl"
rc=0
"$MT" respond "$work/bad.jsonl" --root "$r" --apply >"$work/bad.txt" 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "malformed: exit $rc, expected 2"
grep -q "report:2: not valid JSON" "$work/bad.txt" || { cat "$work/bad.txt"; fail "malformed: no reason"; }
[ -f "$r/tmp/victim" ] || fail "malformed: an action ran"
printf '{"type":"finding","id":"MT-3","path":"\\ud800x"}\n' >"$work/bad2.jsonl"
rc=0
"$MT" respond "$work/bad2.jsonl" --root "$r" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "lone surrogate: exit $rc"
echo "ok respond-seed: hostile reports refused with reasons"

# ---- 4. command line: usage errors, Chinese text, JSON plan ----
r=$work/cli
mkroot "$r"
rc=0; "$MT" respond >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "no report: exit $rc"
rc=0; "$MT" respond "$work/seed.jsonl" --firewall >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "--firewall without --apply: exit $rc"
rc=0; "$MT" respond "$work/seed.jsonl" --bogus >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "unknown option: exit $rc"
rc=0; "$MT" restore --root "$r" >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "restore without entry: exit $rc"
rc=0; "$MT" restore --root "$r" ../../etc >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "restore of a path: exit $rc"
"$MT" respond "$work/seed.jsonl" --root "$r" --lang zh >"$work/zh.txt"
grep -q "处置计划" "$work/zh.txt" && grep -q "删除该行" "$work/zh.txt" || fail "zh plan"
"$MT" respond "$work/seed.jsonl" --root "$r" --format json >"$work/plan.jsonl"
python3 - "$work/plan.jsonl" <<'EOT' || fail "json plan"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows and all(r["type"] == "step" for r in rows), rows
assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
acts = [r["action"] for r in rows]
assert acts == ["quarantine_file", "remove_line", "remove_line", "remove_key", "change_password"], acts
assert all(r["state"] in ("planned", "manual") for r in rows)
assert rows[-1]["manual"] is True
EOT
"$MT" respond "$work/seed.jsonl" --root "$r" --apply --lang zh >"$work/zh-apply.txt" || fail "zh apply exit $?"
grep -q "已删除 /var/spool/cron/root 第 1 行" "$work/zh-apply.txt" && grep -q "复查: 干净" "$work/zh-apply.txt" ||
	{ cat "$work/zh-apply.txt"; fail "zh apply text"; }
echo "ok respond-seed: command line"
