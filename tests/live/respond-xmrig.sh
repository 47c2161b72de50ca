#!/bin/sh
# respond-xmrig.sh - respond --apply against the real XMRig 6.16.0 kept alive by a
# respawning shell loop and a second copy of it running on its own, in private PID, mount and network namespaces (loopback only,
# the project's own pool on 127.0.0.1, one thread, seconds): after the apply nothing
# respawns, the verify step says clean and the binary is in the quarantine.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
SAMPLE=${XMRIG:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/xmrig}
[ -f "$SAMPLE" ] || SAMPLE=/work/shared/data/samples/xmrig
fail() { echo "FAIL respond-xmrig: $*"; exit 1; }
[ -f "$SAMPLE" ] || { echo "SKIP respond-xmrig: no sample at $SAMPLE"; exit 0; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")

rc=0
# the script goes in a file: a namespace init whose command line held XMRig's flags
# would itself look like a miner
cat >"$work/ns.sh" <<'NS'
set -eu
	work=$1 mt=$2 sample=$3 pool=$4
	ip link set lo up
	python3 "$pool" 3333 "$work/pool.log" & poolpid=$!
	exe=$work/xmrig
	cp "$sample" "$exe"
	chmod 700 "$exe"
	sleep 0.3
	# the watchdog: starts the miner again whenever it dies
	sh -c "while :; do \"$exe\" -o 127.0.0.1:3333 -u testwallet -p x --donate-level=1 \
		--randomx-wrmsr=-1 --randomx-no-rdmsr --no-huge-pages -t 1 -a cn/0 --asm=none \
		--no-color >>\"$work/xmrig.log\" 2>&1; sleep 0.2; done" & looppid=$!
	# a second copy of the same binary started on its own (as a cron job would)
	"$exe" -o 127.0.0.1:3333 -u testwallet -p x --donate-level=1 --randomx-wrmsr=-1 \
		--randomx-no-rdmsr --no-huge-pages -t 1 -a cn/0 --asm=none --no-color \
		>>"$work/xmrig2.log" 2>&1 & copypid=$!
	echo $copypid >"$work/copypid"
	i=0
	while [ "$(cat "$work/pool.log" 2>/dev/null | grep -c "\"method\": \"login\"")" -lt 2 ]; do
		i=$((i + 1)); [ $i -le 150 ] || break; sleep 0.1
	done
	sleep 0.5
	"$mt" scan --checks process.,net. --format json >"$work/report.jsonl" || true
	# only the finding of the looping miner: the lone copy must go as a sibling running
	# the same program
	only=$(python3 -c "import json,sys
print(\",\".join(o[\"id\"] for o in map(json.loads, open(sys.argv[1])) if o[\"type\"] == \"finding\" and o[\"evidence\"].get(\"ppid\") == int(sys.argv[2]) and o[\"evidence\"].get(\"exe\") == sys.argv[3]))" "$work/report.jsonl" $looppid "$exe")
	[ -n "$only" ] || { echo "no finding for the looping miner"; exit 1; }
	"$mt" respond "$work/report.jsonl" --only "$only" >"$work/plan.txt"
	rc=0
	"$mt" respond "$work/report.jsonl" --only "$only" --apply --quarantine "$work/q" >"$work/apply.txt" 2>&1 || rc=$?
	echo $rc >"$work/rc"
	sleep 2 # a loop that survived would have started the miner again by now
	n=0
	for p in /proc/[0-9]*; do
		e=$(readlink "$p/exe" 2>/dev/null || true)
		case "$e" in "$exe"*) n=$((n + 1));; esac
	done
	echo $n >"$work/miners"
	[ -d /proc/$looppid ] && echo alive >"$work/loop" || echo gone >"$work/loop"
	"$mt" scan --checks process.,net. --format json >"$work/after.jsonl" || true
	"$mt" restore --list --quarantine "$work/q" >"$work/list.txt"
	kill $looppid $poolpid 2>/dev/null || true
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/exe" 2>/dev/null || true)" in "$exe"*) kill -9 "${p#/proc/}" 2>/dev/null || true;; esac
	done
NS
unshare -n -p -f -m --mount-proc sh "$work/ns.sh" "$work" "$MT" "$SAMPLE" "$here/pool.py" || rc=$?
[ $rc -eq 0 ] || fail "the namespace script exit $rc"
grep -q '"method": "login"' "$work/pool.log" || fail "XMRig never logged in to the test pool"
grep -q '"kill_tree"' "$work/report.jsonl" || fail "no kill_tree in the report"
grep -q "freeze and kill the process tree" "$work/plan.txt" || fail "plan"
grep -q '^\[done\].*freeze and kill the process tree' "$work/apply.txt" || { cat "$work/apply.txt"; fail "kill step not done"; }
grep -q "froze and killed [3-9] process(es)" "$work/apply.txt" || { cat "$work/apply.txt"; fail "the loop parent and the other copy were not killed with the miner"; }
grep -q "froze and killed .* $(cat "$work/copypid")\b" "$work/apply.txt" || { cat "$work/apply.txt"; fail "the lone copy was not killed"; }
[ "$(cat "$work/rc")" = 0 ] || { cat "$work/apply.txt"; fail "respond --apply exit $(cat "$work/rc")"; }
grep -q "verify: clean" "$work/apply.txt" || { cat "$work/apply.txt"; fail "verify not clean"; }
[ "$(cat "$work/miners")" = 0 ] || fail "the miner respawned ($(cat "$work/miners") running)"
[ "$(cat "$work/loop")" = gone ] || fail "the watchdog loop is still alive"
python3 - "$work/after.jsonl" <<'EOT' || fail "a scan after the apply still finds the miner"
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
bad = [o for o in f if o["type"] == "finding" and o["severity"] in ("high", "critical")]
assert not bad, bad
EOT
grep -q " file $work/xmrig " "$work/list.txt" || { cat "$work/list.txt"; fail "the binary is not in the quarantine"; }
[ ! -e "$work/xmrig" ] || fail "the binary is still in place"
echo "ok respond-xmrig: loop and miner frozen and killed, nothing respawned, verify clean, binary quarantined"
