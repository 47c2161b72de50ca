#!/bin/sh
# respond-pid.sh - kill_tree against processes it must not touch, in a private PID and
# mount namespace: a pid whose start time differs from the report (reused), pid 1, the
# shell that runs minetrace (an ancestor), an executable that differs — each refused or
# skipped with its reason, and every one of them still alive afterwards; and a bind mount
# over /proc/PID (a hidden process) taken off by the unmount action.
set -eu
MT=${MINETRACE:-build/minetrace}
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-pid: $*"; exit 1; }

cat >"$work/ns.sh" <<'NS'
set -eu
work=$1 mt=$2
sleep 300 & victim=$!
sleep 300 & other=$!
sleep 0.2
st() { cut -d' ' -f22 "/proc/$1/stat"; }
python3 - "$work/report.jsonl" "$victim" "$(st $victim)" "$other" "$(st $other)" "$$" "$(st $$)" "$(st 1)" <<'EOT'
import json, sys
out, v, vs, o, os_, me, mes, ones = sys.argv[1:]
def f(i, a):
    return {"type": "finding", "id": "MT-%016x" % i, "check": "process.miner", "severity": "critical",
            "title": "t", "evidence": {}, "remedy": [a]}
rows = [
    f(1, {"action": "kill_tree", "pid": int(v), "start_ticks": int(vs) + 1}),
    f(2, {"action": "kill_tree", "pid": 1, "start_ticks": int(ones)}),
    f(3, {"action": "kill_tree", "pid": int(me), "start_ticks": int(mes)}),
    f(4, {"action": "kill_tree", "pid": int(o), "start_ticks": int(os_), "exe": "/usr/bin/xmrig"}),
]
with open(out, "w") as fh:
    for r in rows: fh.write(json.dumps(r) + "\n")
    fh.write('{"type":"summary"}\n')
EOT
rc=0
"$mt" respond "$work/report.jsonl" --apply --no-verify --quarantine "$work/q" >"$work/out.txt" 2>&1 || rc=$?
echo $rc >"$work/rc"
alive=0
for p in $victim $other $$; do [ -d /proc/$p ] && alive=$((alive + 1)); done
echo $alive >"$work/alive"
kill $victim $other 2>/dev/null || true
NS
# pid 1 of the namespace is a plain shell; the script runs as its child, so that "$$"
# (an ancestor of minetrace) is not pid 1
unshare -p -f -m --mount-proc sh -c 'sh "$1" "$2" "$3"; true' sh "$work/ns.sh" "$work" "$MT" ||
	fail "namespace script"
[ "$(cat "$work/rc")" = 1 ] || { cat "$work/out.txt"; fail "exit $(cat "$work/rc"), expected 1"; }
want() { grep -q -- "$1" "$work/out.txt" || { cat "$work/out.txt"; fail "no '$1'"; }; }
want "was reused: start time"
want "pid 1 refused: pid 1 (init) is never killed"
want "refused: minetrace itself or one of its ancestors"
want "now runs another program"
[ "$(cat "$work/alive")" = 3 ] || fail "a process that had to be left alone was killed"
echo "ok respond-pid: reused pid, pid 1, an ancestor and another program left alone"

# ---- a process hidden by a bind mount over /proc/PID: the mount is taken off ----
cat >"$work/ns2.sh" <<'NS'
set -eu
work=$1 mt=$2
sleep 300 & victim=$!
sleep 0.2
mkdir -p "$work/empty"
mount --bind "$work/empty" /proc/$victim
echo $victim >"$work/victim"
"$mt" scan --checks rootkit.hidden_process --format json >"$work/hidden.jsonl" || true
rc=0
"$mt" respond "$work/hidden.jsonl" --apply --no-verify --quarantine "$work/q2" >"$work/hidden.txt" 2>&1 || rc=$?
grep -q " /proc/$victim " /proc/self/mountinfo && echo mounted >"$work/mount" || echo gone >"$work/mount"
[ -f /proc/$victim/stat ] && cut -d' ' -f2 /proc/$victim/stat >"$work/comm" || true
kill $victim 2>/dev/null || true
NS
unshare -p -f -m --mount-proc sh -c 'mount --make-rprivate / 2>/dev/null || true; sh "$1" "$2" "$3"; true' sh "$work/ns2.sh" "$work" "$MT" ||
	fail "namespace script 2"
grep -q '"unmount"' "$work/hidden.jsonl" || { cat "$work/hidden.jsonl"; fail "no unmount action in the report"; }
grep -q "^\[done\].*unmount the mount hiding a process" "$work/hidden.txt" || { cat "$work/hidden.txt"; fail "unmount not done"; }
grep -q "gives no start time for pid $(cat "$work/victim")" "$work/hidden.txt" || fail "kill without start time not refused"
[ "$(cat "$work/mount")" = gone ] || fail "the mount over /proc/PID is still there"
[ "$(cat "$work/comm" 2>/dev/null)" = "(sleep)" ] || fail "the hidden process is not visible again"
echo "ok respond-pid: the bind mount hiding a process taken off"
