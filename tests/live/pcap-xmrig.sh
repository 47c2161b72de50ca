#!/bin/sh
# pcap-xmrig.sh - minetrace pcap on a capture the test makes itself: the real XMRig 6.16.0
# against the project's own pool (tests/live/pool.py) in a network and PID namespace of
# its own (loopback only), recorded with tcpdump -i lo inside that namespace, once on a
# pool-like port (3333) and once on 443. Both captures must show the stratum session
# (login answered with a job, XMRig's agent, the login), and the host verdict "mining";
# so must minetrace pcap --live lo --seconds 12 run beside it in the same namespace, with
# libpcap, and the static binary's own AF_PACKET capture when it is built (no filter).
# A third run speaks stratum inside TLS (XMRig --tls, the pool with a throw-away
# certificate): the session is found by the client's fingerprint and the flow's shape, and
# minetrace's JA3 is tshark's (and its JA4 the spec's, computed by tests/pcap/ja4.py from
# tshark's fields) when tshark is there.
# XMRig runs as DESIGN.md says: one thread, cn/0, --asm=none, for seconds, killed at the end.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
SAMPLE=${XMRIG:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/xmrig}
[ -f "$SAMPLE" ] || SAMPLE=/work/shared/data/samples/xmrig
fail() { echo "FAIL pcap-xmrig: $*"; exit 1; }
[ -f "$SAMPLE" ] || { echo "SKIP pcap-xmrig: no sample at $SAMPLE"; exit 0; }
command -v tcpdump >/dev/null || { echo "SKIP pcap-xmrig: no tcpdump"; exit 0; }
work=$(mktemp -d)
chmod 755 "$work"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
MTS=${MINETRACE_STATIC:-$(dirname "$MT")/minetrace-static}
[ -x "$MTS" ] || MTS=
TCPDUMP=$(command -v tcpdump)

record() { # $1: pool port
	unshare -n -p -f --mount-proc sh -eu -c '
		work=$1 sample=$2 port=$3 pool=$4 tcpdump=$5 mt=$6 mts=$7 tls=$8
		ip link set lo up
		tlsflag=
		if [ -n "$tls" ]; then
			export POOL_TLS="$work/cert.pem:$work/key.pem"
			tlsflag=--tls
		fi
		# minetrace itself on the interface as well (libpcap live capture)
		"$mt" pcap --live lo --seconds 12 --filter "tcp port $port" --format json \
			>"$work/live-$port.jsonl" 2>"$work/live-$port.err" & livepid=$!
		spid=
		if [ -n "$mts" ]; then
			"$mts" pcap --live lo --seconds 12 --format json \
				>"$work/static-$port.jsonl" 2>"$work/static-$port.err" & spid=$!
		fi
		"$tcpdump" -i lo -U -s 0 -w "$work/xmrig-$port.pcap" -Z root "tcp port $port" \
			2>"$work/tcpdump-$port.log" & dumppid=$!
		python3 "$pool" "$port" "$work/pool-$port.log" & poolpid=$!
		cp "$sample" "$work/xmrig"
		chmod 700 "$work/xmrig"
		# the captures must be up before the first packet (the TLS ClientHello is the
		# fingerprint): tcpdump says when it listens; the two minetrace ones get a second
		i=0
		while ! grep -q "listening on" "$work/tcpdump-$port.log" 2>/dev/null; do
			i=$((i + 1)); [ $i -le 100 ] || break; sleep 0.1
		done
		sleep 1
		# shellcheck disable=SC2086
		"$work/xmrig" -o "127.0.0.1:$port" $tlsflag -u testwallet-$port -p x --donate-level=1 \
			--randomx-wrmsr=-1 --randomx-no-rdmsr --no-huge-pages -t 1 -a cn/0 --asm=none \
			--no-color >"$work/xmrig-$port.log" 2>&1 & minerpid=$!
		# until a share was submitted (at most 20 s), then a little more traffic
		i=0
		while ! grep -q "\"method\": \"submit\"" "$work/pool-$port.log" 2>/dev/null; do
			i=$((i + 1)); [ $i -le 200 ] || break; sleep 0.1
		done
		sleep 0.5
		kill $minerpid $poolpid 2>/dev/null || true
		wait $minerpid 2>/dev/null || true
		sleep 0.3
		kill -INT $dumppid 2>/dev/null || true
		wait $dumppid 2>/dev/null || true
		wait $livepid 2>/dev/null || true
		[ -z "$spid" ] || wait $spid 2>/dev/null || true
	' sh "$work" "$SAMPLE" "$1" "$here/pool.py" "$TCPDUMP" "$MT" "$MTS" "${2:-}"
}

# a quiet interface: --seconds still ends the capture (no blocking read), nothing found
rc=0
unshare -n sh -c 'ip link set lo up; timeout 15 "$1" pcap --live lo --seconds 2 --format json' \
	sh "$MT" >"$work/quiet.jsonl" 2>"$work/quiet.err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/quiet.err"; fail "quiet lo: exit $rc (124: it did not stop)"; }
grep -q '"type":"summary".*"root":"live:lo"' "$work/quiet.jsonl" || fail "quiet lo: no summary"

for port in 3333 443; do
	record $port
	grep -q '"method": "login"' "$work/pool-$port.log" ||
		fail "port $port: XMRig never logged in to the test pool"
	[ -s "$work/xmrig-$port.pcap" ] || { cat "$work/tcpdump-$port.log"; fail "port $port: no capture"; }
	rc=0
	"$MT" pcap "$work/xmrig-$port.pcap" --format json >"$work/out-$port.jsonl" || rc=$?
	[ $rc -eq 1 ] || fail "port $port: exit $rc, expected 1"
	outs="out live"
	[ -z "$MTS" ] || outs="$outs static"
	for out in $outs; do
	python3 - "$work/$out-$port.jsonl" "$port" "$out" <<'EOT' || { cat "$work/live-$port.err" "$work/static-$port.err" 2>/dev/null; fail "port $port: findings ($out)"; }
import json, sys
out, port, how = sys.argv[1], sys.argv[2], sys.argv[3]
objs = [json.loads(l) for l in open(out)]
assert objs[-1]["type"] == "summary", objs[-1]
st = [o for o in objs if o["type"] == "finding" and o["check"] == "net.stratum"]
assert len(st) == 1, "expected one stratum session: %r" % objs
o = st[0]
ev = o["evidence"]
assert o["severity"] == "critical", o
assert ev["dst"] == "127.0.0.1:" + port and ev["src_ip"] == "127.0.0.1", ev
assert ev["protocol"] == "stratum-monero" and ev["method"] == "login", ev
assert ev["agent"].startswith("XMRig/6.16.0"), ev
assert ev["login"] == "testwallet-" + port, ev
assert ev["confirmed"] == "yes" and ev["algo"] == "cn/0", ev
assert {"action": "block_ip", "ip": "127.0.0.1"} in o["remedy"], o["remedy"]
hosts = [h for h in objs if h["type"] == "host" and h["ip"] == "127.0.0.1"]
assert hosts and hosts[0]["verdict"] == "mining", hosts
print("pcap-xmrig %s (%s): %s, %s shares, agent %s" % (port, {"out": "tcpdump file", "live": "minetrace --live", "static": "static minetrace --live, AF_PACKET"}[how], o["severity"], ev["shares"], ev["agent"]))
EOT
	done
done
# stratum inside TLS on a port that is no pool port
port=14433
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
	-subj "/CN=pool.test.invalid" >/dev/null 2>&1 || fail "tls: openssl req"
record $port tls
grep -q '"method": "login"' "$work/pool-$port.log" || fail "tls: XMRig never logged in over TLS"
grep -q '"method": "submit"' "$work/pool-$port.log" || fail "tls: XMRig submitted no share over TLS"
rc=0
"$MT" pcap "$work/xmrig-$port.pcap" --format json >"$work/out-$port.jsonl" || rc=$?
[ $rc -eq 1 ] || fail "tls: exit $rc, expected 1"
oracle=
if command -v tshark >/dev/null; then
	tshark -r "$work/xmrig-$port.pcap" -Y "tls.handshake.type==1" -T fields -E separator=';' \
		-e tls.handshake.ja3 -e tls.handshake.version -e tls.handshake.ciphersuite \
		-e tls.handshake.extension.type -e tls.handshake.extensions.supported_version \
		-e tls.handshake.sig_hash_alg -e tls.handshake.extensions_server_name \
		-e tls.handshake.extensions_alpn_str >"$work/tshark-$port.txt" 2>/dev/null ||
		fail "tls: tshark"
	oracle="$work/tshark-$port.txt"
fi
for out in out live; do
python3 - "$work/$out-$port.jsonl" "$oracle" "$here/../pcap/ja4.py" "$out" <<'EOT' || { cat "$work/live-$port.err" 2>/dev/null; fail "tls: findings ($out)"; }
import json, sys, runpy
out, oracle, ja4py, how = sys.argv[1:5]
objs = [json.loads(l) for l in open(out)]
st = [o for o in objs if o["type"] == "finding" and o["check"] == "net.stratum"]
assert len(st) == 1, "expected one TLS stratum session: %r" % objs
o, ev = st[0], st[0]["evidence"]
assert ev["protocol"] == "stratum-tls" and ev["confirmed"] == "shape", ev
assert o["severity"] == "high", o
assert ev["dst"] == "127.0.0.1:14433" and ev["sni"] == "no" and ev.get("family") == "xmrig", ev
if oracle:
    line = open(oracle).read().strip().splitlines()[0]
    ja3, ja4 = line.split(";")[0], runpy.run_path(ja4py)["ja4_of_tshark"](line)
    assert ev["ja3"] == ja3, "JA3 %s, tshark %s" % (ev["ja3"], ja3)
    assert ev["ja4"] == ja4, "JA4 %s, the spec %s" % (ev["ja4"], ja4)
print("pcap-xmrig tls (%s): %s, JA3 %s, JA4 %s%s" % (how, o["severity"], ev["ja3"], ev["ja4"], ", both as tshark's fields give" if oracle else ""))
EOT
done
echo "pcap-xmrig: the real miner was found in all three captures"
