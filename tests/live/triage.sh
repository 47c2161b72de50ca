#!/bin/sh
# triage.sh - the live checks on real processes, all inside one network + PID + mount
# namespace of the test's own (nothing leaves it, nothing of the host is changed):
#   - the real XMRig kept alive by a parent shell loop, mining at the test's pool;
#   - a process connected to the seed case's pool address 139.99.125.38:443, which
#     exists here only on this namespace's loopback;
#   - a worm-like scanner sending SYNs to port 445 of 20 addresses routed nowhere;
#   - an LD_PRELOAD hider (tests/fixtures/proc_hider.c) that takes the miner out of
#     readdir: minetrace still lists it and reports the hiding;
#   - a bind mount over /proc/<miner pid>: reported.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
SAMPLE=${XMRIG:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/xmrig}
[ -f "$SAMPLE" ] || SAMPLE=/work/shared/data/samples/xmrig
fail() { echo "FAIL triage: $*"; exit 1; }
[ -f "$SAMPLE" ] || { echo "SKIP triage: no sample at $SAMPLE"; exit 0; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
cc -shared -fPIC -O2 -o "$work/hide.so" "$here/../fixtures/proc_hider.c" -ldl

unshare -n -p -f -m --mount-proc sh -eu -c '
	work=$1 mt=$2 sample=$3 pool=$4
	mount --make-rprivate /
	ip link set lo up
	ip addr add 139.99.125.38/32 dev lo
	ip route add 10.9.0.0/24 dev lo   # SYNs to these addresses are never answered
	python3 "$pool" 3333 "$work/pool.log" & echo $! >"$work/pid-pool"
	python3 "$pool" 443 "$work/pool443.log" 139.99.125.38 &
	cp "$sample" "$work/xmrig"
	chmod 700 "$work/xmrig"
	sleep 0.3
	sh -c "while :; do \"\$0\" -o 127.0.0.1:3333 -u testwallet -p x --donate-level=1 \
		--randomx-wrmsr=-1 --randomx-no-rdmsr --no-huge-pages -t 1 -a cn/0 --asm=none \
		--no-color >/dev/null 2>&1; sleep 1; done" "$work/xmrig" & echo $! >"$work/pid-loop"
	python3 -c "
import socket, time
s = socket.create_connection((\"139.99.125.38\", 443))
s.sendall(b\"{\\\"id\\\":1,\\\"method\\\":\\\"login\\\",\\\"params\\\":{}}\\n\")
time.sleep(60)" & echo $! >"$work/pid-client"
	python3 -c "
import socket, time
socks = []
for i in range(1, 21):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect((\"10.9.0.%d\" % i, 445))
    except BlockingIOError:
        pass
    socks.append(s)
time.sleep(60)" & echo $! >"$work/pid-scanner"
	i=0
	while ! grep -q "\"method\": \"login\"" "$work/pool.log" 2>/dev/null; do
		i=$((i + 1)); [ $i -le 150 ] || break; sleep 0.1
	done
	sleep 0.5
	miner=""
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = xmrig ] && miner=${d#/proc/}
	done
	echo "$miner" >"$work/pid-miner"
	rc=0
	"$mt" scan --checks process.,net.,rootkit. --format json >"$work/out-all.jsonl" || rc=$?
	echo $rc >"$work/rc-all"
	# the hider at work: ls no longer sees the miner; minetrace does, and says why
	LD_PRELOAD="$work/hide.so" ls /proc >"$work/ls-hidden.txt"
	ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$work/hide.so" \
		"$mt" scan --checks process.miner,rootkit.hidden_process --sample 0 --format json \
		>"$work/out-hider.jsonl" || true
	# a bind mount over the miner'"'"'s /proc entry
	mount --bind "/proc/$(cat "$work/pid-pool")" "/proc/$miner"
	"$mt" scan --checks rootkit.hidden_process --sample 0 --format json >"$work/out-bind.jsonl" || true
	umount "/proc/$miner"
	kill $(cat "$work/pid-loop") $(cat "$work/pid-client") $(cat "$work/pid-scanner") $miner 2>/dev/null || true
' sh "$work" "$MT" "$SAMPLE" "$here/pool.py" || fail "the namespace run failed"

for f in out-all out-hider out-bind; do
	python3 "$here/../scenario/contract.py" "$work/$f.jsonl" || fail "$f: contract"
done
python3 - "$work" <<'EOT' || fail "findings"
import json, os, sys
w = sys.argv[1]
pid = lambda name: int(open(os.path.join(w, "pid-" + name)).read())
miner, loop, client, scanner = pid("miner"), pid("loop"), pid("client"), pid("scanner")
def load(name):
    return [o for o in map(json.loads, open(os.path.join(w, name + ".jsonl"))) if o["type"] == "finding"]
def one(fs, check, **ev):
    hits = [f for f in fs if f["check"] == check and
            all(f["evidence"].get(k) == v for k, v in ev.items())]
    assert len(hits) == 1, "%s %r: %d findings in %r" % (check, ev, len(hits),
        [(f["check"], f["evidence"].get("pid"), f["evidence"].get("method")) for f in fs])
    return hits[0]
assert int(open(os.path.join(w, "rc-all")).read()) == 1

fs = load("out-all")
m = one(fs, "process.miner", pid=miner)
assert m["severity"] == "critical", m
ev = m["evidence"]
assert "-> 127.0.0.1:3333 ESTABLISHED" in ev["sockets"], ev
assert ("%d sh" % loop) in ev["ancestors"], ev
kt = [a for a in m["remedy"] if a["action"] == "kill_tree"][0]
assert kt["pid"] == miner and kt["parent_pid"] == loop, kt
print("loop-kept miner %d: critical, pool socket, parent loop %d named for the kill" % (miner, loop))

p = one(fs, "net.pool", pid=client)
assert p["severity"] == "critical" and p["evidence"]["remote"] == "139.99.125.38:443", p
assert "pool-ipport 139.99.125.38:443" in p["evidence"]["rule"], p
assert {"action": "block_ip", "ip": "139.99.125.38"} in p["remedy"], p["remedy"]
print("connection to the seed pool 139.99.125.38:443 from pid %d: critical" % client)

s = one(fs, "net.smb_scan", pid=scanner)
assert s["severity"] == "high" and s["evidence"]["targets_445"] == 20, s
assert s["evidence"]["syn_sent"] == 20, s
print("445 scanner %d: high, 20 targets" % scanner)

hid = [f["explanation"] for f in fs if f["check"] == "rootkit.hidden_process"]
assert not hid, "nothing is hidden yet: %r" % hid

listed = open(os.path.join(w, "ls-hidden.txt")).read().split()
assert str(miner) not in listed and str(loop) in listed, "the hider fixture does not hide"
fs = load("out-hider")
one(fs, "process.miner", pid=miner)
h = one(fs, "rootkit.hidden_process", pid=miner, method="readdir")
assert h["severity"] == "critical", h
print("readdir hider: miner %d still found, hiding reported" % miner)

fs = load("out-bind")
b = one(fs, "rootkit.hidden_process", pid=miner, method="bind_mount")
assert b["evidence"]["mountpoint"] == "/proc/%d" % miner, b
print("bind mount over /proc/%d reported" % miner)
EOT
echo "triage: all live scenarios found"
