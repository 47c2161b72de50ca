#!/bin/sh
# content-memory.sh - content.memory against the real XMRig 6.16.0 started from a memfd
# (no file on disk) under a kernel-thread-like name, in its own network and PID namespace
# (loopback only) against the project's own pool on 127.0.0.1, killed at the end. Beside
# it a benign process holds a miner's README text in its memory (what an editor or a
# browser does), and a benign program (python) maps a miner's code into executable memory
# (an injector): the miner and the injector are found by their memory, the reader is not.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
SAMPLE=${XMRIG:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/xmrig}
[ -f "$SAMPLE" ] || SAMPLE=/work/shared/data/samples/xmrig
fail() { echo "FAIL content-memory: $*"; exit 1; }
[ -f "$SAMPLE" ] || { echo "SKIP content-memory: no sample at $SAMPLE"; exit 0; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
cp "$SAMPLE" "$work/payload"
cp "$SAMPLE" "$work/payload2"

cat >"$work/memfd_run.py" <<'PY'
import os, sys
# the loader: the program's bytes into an anonymous memory file, then exec it from there
data = open(sys.argv[1], "rb").read()
os.unlink(sys.argv[1])
fd = os.memfd_create("kworker", 0)
os.write(fd, data)
del data
os.execv("/proc/self/fd/%d" % fd, ["[kworker/u8:2]"] + sys.argv[2:])
PY
cat >"$work/injector.py" <<'PY'
import mmap, sys, time
# an injector: a benign program (python) that maps a miner's code into executable memory
data = open(sys.argv[1], "rb").read()
m = mmap.mmap(-1, len(data), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS,
              prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
m.write(data)
del data
time.sleep(30)
PY
cat >"$work/reader.py" <<'PY'
import time
# a responder's editor with a miner's documentation open: strings, no miner
text = ("XMRig README: run xmrig -o stratum+tcp://pool.example.org:3333 -u WALLET "
        "--donate-level=1 -a rx/0; randomx, cryptonight, mining.subscribe, mining.authorize\n") * 200
time.sleep(30)
print(len(text))
PY

rc=0
unshare -n -p -f --mount-proc sh -eu -c '
	work=$1 mt=$2 pool=$3
	ip link set lo up
	python3 "$pool" 3333 "$work/pool.log" & poolpid=$!
	python3 "$work/reader.py" & readerpid=$!
	python3 "$work/injector.py" "$work/payload2" & injpid=$!
	sleep 0.3
	python3 "$work/memfd_run.py" "$work/payload" -o 127.0.0.1:3333 -u testwallet -p x \
		--donate-level=1 --randomx-wrmsr=-1 --randomx-no-rdmsr --no-huge-pages -t 1 \
		-a cn/0 --asm=none --no-color >"$work/xmrig.log" 2>&1 & minerpid=$!
	i=0
	while ! grep -q "\"method\": \"login\"" "$work/pool.log" 2>/dev/null; do
		i=$((i + 1)); [ $i -le 150 ] || break; sleep 0.1
	done
	sleep 0.5
	echo $minerpid >"$work/pid-miner"
	echo $readerpid >"$work/pid-reader"
	echo $injpid >"$work/pid-injector"
	rc=0
	"$mt" scan --content --checks content.memory --sample 0 --format json \
		>"$work/out.jsonl" || rc=$?
	kill $minerpid $readerpid $injpid $poolpid 2>/dev/null || true
	wait $minerpid 2>/dev/null || true
	exit $rc
' sh "$work" "$MT" "$here/pool.py" || rc=$?
grep -q '"method": "login"' "$work/pool.log" || { tail -5 "$work/xmrig.log"; fail "XMRig never logged in to the test pool"; }
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
python3 "$here/../scenario/contract.py" "$work/out.jsonl" || fail "contract"
python3 - "$work/out.jsonl" "$(cat "$work/pid-miner")" "$(cat "$work/pid-reader")" "$(cat "$work/pid-injector")" <<'EOT' || fail "findings"
import json, sys
out, miner, reader, inj = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
f = [o for o in map(json.loads, open(out)) if o["type"] == "finding"]
mine = [o for o in f if o["evidence"].get("pid") == miner]
assert len(mine) == 1, "no single finding for the miner pid %d: %r" % (miner, f)
o = mine[0]
ev = o["evidence"]
assert o["check"] == "content.memory" and o["severity"] == "critical", o
assert ev["exe"].startswith("/memfd:kworker"), ev
assert "miner_code_in_memory" in ev["reasons"] and "stratum_login" in ev["reasons"], ev
assert ev.get("agent", "").startswith("XMRig/"), ev
assert o["remedy"][0]["action"] == "kill_tree" and o["remedy"][0]["pid"] == miner, o["remedy"]
assert not [o for o in f if o["evidence"].get("pid") == reader], "the README reader was flagged"
i = [o for o in f if o["evidence"].get("pid") == inj]
assert len(i) == 1 and i[0]["severity"] == "critical", "the injector: %r" % i
assert "miner_code_in_memory" in i[0]["evidence"]["reasons"], i[0]["evidence"]
assert "python" in i[0]["evidence"]["exe"], i[0]["evidence"]
assert len(f) == 2, "more findings than the miner: %r" % [(o["check"], o["evidence"].get("pid")) for o in f]
print("content-memory: the memfd XMRig (pid %d) found by its memory (%s), the miner code mapped by a python injector too; the README reader quiet" % (miner, ev["reasons"]))
EOT
