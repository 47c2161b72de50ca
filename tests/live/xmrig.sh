#!/bin/sh
# xmrig.sh - process.miner against the real XMRig 6.16.0, run as DESIGN.md says: in its
# own network and PID namespace (loopback only), against the project's own pool on
# 127.0.0.1, one thread, for seconds, killed at the end. Two runs: as it is, and copied
# into a hidden /tmp directory under a kernel-thread-like name, its file deleted after
# the start. (--asm=none: XMRig's hand-written cn/0 assembly dies of SIGILL on this
# virtual CPU; the portable code path mines the same.)
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
SAMPLE=${XMRIG:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/xmrig}
[ -f "$SAMPLE" ] || SAMPLE=/work/shared/data/samples/xmrig
fail() { echo "FAIL xmrig: $*"; exit 1; }
[ -f "$SAMPLE" ] || { echo "SKIP xmrig: no sample at $SAMPLE"; exit 0; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")

run() { # $1: how the miner is started (plain | hidden)
	unshare -n -p -f --mount-proc sh -eu -c '
		work=$1 mt=$2 sample=$3 how=$4 pool=$5
		ip link set lo up
		python3 "$pool" 3333 "$work/pool-$how.log" & poolpid=$!
		if [ "$how" = hidden ]; then
			mkdir -p "$work/tmp/.ICE-unix/..."
			exe="$work/tmp/.ICE-unix/.../kworker"
		else
			exe="$work/xmrig"
		fi
		cp "$sample" "$exe"
		chmod 700 "$exe"
		sleep 0.3
		"$exe" -o 127.0.0.1:3333 -u testwallet -p x --donate-level=1 --randomx-wrmsr=-1 \
			--randomx-no-rdmsr --no-huge-pages -t 1 -a cn/0 --asm=none --no-color \
			>"$work/xmrig-$how.log" 2>&1 & minerpid=$!
		# wait (at most 15 s) for its login to reach the pool: then it is surely running
		i=0
		while ! grep -q "\"method\": \"login\"" "$work/pool-$how.log" 2>/dev/null; do
			i=$((i + 1)); [ $i -le 150 ] || break; sleep 0.1
		done
		[ "$how" = hidden ] && rm -f "$exe"
		sleep 0.5
		echo $minerpid >"$work/pid-$how"
		rc=0
		"$mt" scan --checks process.miner --format json >"$work/out-$how.jsonl" || rc=$?
		kill $minerpid $poolpid 2>/dev/null || true
		wait $minerpid 2>/dev/null || true
		exit $rc
	' sh "$work" "$MT" "$SAMPLE" "$1" "$here/pool.py"
}

for how in plain hidden; do
	rc=0
	run $how || rc=$?
	grep -q '"method": "login"' "$work/pool-$how.log" ||
		fail "$how: XMRig never logged in to the test pool"
	[ $rc -eq 1 ] || { cat "$work/xmrig-$how.log" 2>/dev/null | tail -5; fail "$how: exit $rc, expected 1"; }
	python3 "$here/../scenario/contract.py" "$work/out-$how.jsonl" || fail "$how: contract"
	python3 - "$work/out-$how.jsonl" "$(cat "$work/pid-$how")" "$how" <<'EOT' || fail "$how: finding"
import json, sys
out, pid, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
f = [o for o in map(json.loads, open(out)) if o["type"] == "finding"]
mine = [o for o in f if o["evidence"].get("pid") == pid]
assert len(mine) == 1, "no single finding for the miner pid %d: %r" % (pid, f)
o = mine[0]
ev = o["evidence"]
# the hash of the real XMRig is in the shipped rules: certain in both runs
assert o["check"] == "process.miner" and o["severity"] == "critical", o
assert "127.0.0.1:3333" in ev["cmdline"] and "--donate-level=1" in ev["cmdline"], ev
assert "miner_cmdline" in ev["reasons"], ev
# its pool connection and its place in the tree come with it
assert "-> 127.0.0.1:3333 ESTABLISHED" in ev.get("sockets", ""), ev
assert ev.get("ancestors", "").startswith("1 "), ev
if how == "plain":
    assert ev["exe"].endswith("/xmrig"), ev
    assert "miner_name" in ev["reasons"], ev
    assert ev["sha256"] == "9c10c46476fe17167237c99b66b18d875ed95db9cde1a8e4d5f43f83e0daff26", ev
else:
    assert ev["exe"].endswith("/.../kworker (deleted)"), ev
    # the file is gone, yet the hash is read through /proc/PID/exe
    assert ev["sha256"] == "9c10c46476fe17167237c99b66b18d875ed95db9cde1a8e4d5f43f83e0daff26", ev
acts = [a["action"] for a in o["remedy"]]
assert acts[0] == "kill_tree" and o["remedy"][0]["pid"] == pid, o["remedy"]
print("xmrig %s: pid %d reported %s (%s)" % (how, pid, o["severity"], ev["reasons"]))
EOT
done
echo "xmrig: the real miner was found both times"
