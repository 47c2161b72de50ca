#!/bin/sh
# run.sh - minetrace pcap against the real captures of ../shared/data/pcaps: every capture
# gives the expected findings and host verdicts (tests/pcap/expect/<capture>.jsonl,
# compared field by field by check.py; where each address comes from: README.md), with
# libpcap (MINETRACE) and with the static binary's own reader (MINETRACE_STATIC, when
# built). Then every capture cut at many offsets and with bytes flipped: no crash, no
# sanitizer report, exit 0, 1 or 2.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
PCAPS=${MINETRACE_PCAPS:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/../pcaps}
[ -d "$PCAPS" ] || PCAPS=/work/shared/data/pcaps
[ -d "$PCAPS" ] || { echo "SKIP pcap: no captures at $PCAPS"; exit 0; }
STATIC=${MINETRACE_STATIC:-$(dirname "$MT")/minetrace-static}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
export TZ=UTC
pass=0 failed=0
bins="$MT"
STATIC_RUN=
[ -x "$STATIC" ] && bins="$bins $STATIC" && STATIC_RUN=$STATIC
for exp in "$here"/expect/*.jsonl; do
	name=$(basename "$exp" .jsonl)
	cap="$PCAPS/$name"
	[ -f "$cap" ] || { echo "FAIL $name: capture missing"; failed=$((failed + 1)); continue; }
	# the normal binary with its own reader, with libpcap (a --filter takes that path),
	# and the static binary
	for run in "$MT" "$MT --filter" ${STATIC_RUN:-}; do
		bin=${run%% *}
		set -- pcap "$cap" --format json
		case "$run" in *--filter*) set -- "$@" --filter "ip or ip6 or vlan" ;; esac
		"$bin" "$@" >"$work/out.jsonl" 2>"$work/err"
		rc=$?
		# exit 1 exactly when something at or above medium (the default --fail-on) is there
		want=0
		grep -q '"severity": "\(medium\|high\|critical\)"' "$exp" && want=1
		if [ $rc -ne $want ]; then
			echo "FAIL $name ($run): exit $rc, expected $want"; cat "$work/err"
			failed=$((failed + 1)); continue
		fi
		if python3 "$here/check.py" "$work/out.jsonl" "$exp"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name ($run)"; failed=$((failed + 1))
		fi
	done
done

# nDPI's own expected result for mining.pcapng: every flow it calls Mining is a stratum
# session of minetrace with the same two endpoints
if [ -f "$PCAPS/mining.pcapng.out" ]; then
	"$MT" pcap "$PCAPS/mining.pcapng" --format json >"$work/mining.jsonl"
	if python3 - "$PCAPS/mining.pcapng.out" "$work/mining.jsonl" <<'EOT'
import json, re, sys
ndpi = set()
for line in open(sys.argv[1]):
    m = re.match(r"\s*\d+\s+TCP ([\d.]+:\d+) <-> ([\d.]+:\d+) \[proto: [\d.]+/Mining\]", line)
    if m:
        ndpi.add(frozenset(m.groups()))
ours = set()
for line in open(sys.argv[2]):
    o = json.loads(line)
    if o.get("check") == "net.stratum" and o["severity"] == "critical":
        ours.add(frozenset((o["evidence"]["src"], o["evidence"]["dst"])))
assert len(ndpi) == 4, ndpi
missing = ndpi - ours
assert not missing, "nDPI Mining flows minetrace missed: %r" % missing
print("pcap: all %d Mining flows of nDPI's mining.pcapng.out are stratum sessions" % len(ndpi))
EOT
	then pass=$((pass + 1)); else echo "FAIL mining.pcapng against nDPI's result"; failed=$((failed + 1)); fi
fi

# all captures in one run: the same findings as one by one, and text output in both
# languages with the host verdicts
set -- "$PCAPS"/*.pcap "$PCAPS"/*.pcapng
"$MT" pcap "$@" --format json >"$work/all.jsonl"
rc=$?
if [ $rc -eq 1 ] && python3 "$here/check.py" --merged "$work/all.jsonl" "$here"/expect/*.jsonl; then
	pass=$((pass + 1))
else
	echo "FAIL all captures in one run (exit $rc)"; failed=$((failed + 1))
fi
for lang in en zh; do
	"$MT" pcap "$PCAPS/eternalblue-success-unpatched-win7.pcap" --lang $lang >"$work/text-$lang" 2>&1
	case $lang in en) want='192.168.198.203 *exploited' ;; zh) want='192.168.198.203 *已被入侵' ;; esac
	if grep -q "$want" "$work/text-$lang" && grep -q 'net.eternalblue' "$work/text-$lang"; then
		pass=$((pass + 1))
	else
		echo "FAIL text --lang $lang"; cat "$work/text-$lang"; failed=$((failed + 1))
	fi
done

# --fail-on: the patched target is clean even at info; the scan is not clean at high
"$MT" pcap "$PCAPS/eternalblue-failed-patched-win7.pcap" --fail-on info >/dev/null
rc1=$?
"$MT" pcap "$PCAPS/445_scan.pcap" --fail-on critical >/dev/null
rc2=$?
"$MT" pcap "$PCAPS/445_scan.pcap" --fail-on high >/dev/null
rc3=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -eq 1 ]; then pass=$((pass + 1)); else
	echo "FAIL --fail-on: $rc1 $rc2 $rc3 (expected 0 0 1)"; failed=$((failed + 1)); fi

# not a capture, a missing file: exit 2 with a message
"$MT" pcap "$here/check.py" >/dev/null 2>"$work/err"
rc1=$?
"$MT" pcap "$work/nonexistent.pcap" >/dev/null 2>>"$work/err"
rc2=$?
if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ "$(wc -l <"$work/err")" -ge 2 ]; then pass=$((pass + 1)); else
	echo "FAIL bad files: exit $rc1 $rc2"; failed=$((failed + 1)); fi

# usage errors exit 2 with a message; the static binary says what needs libpcap
usage_ok=1
for args in "" "--live" "--seconds 5 $PCAPS/smbv1.pcap" "--format xml $PCAPS/smbv1.pcap" \
	"--fail-on bad $PCAPS/smbv1.pcap" "--bogus $PCAPS/smbv1.pcap" "--live lo $PCAPS/smbv1.pcap" \
	"--filter (((( $PCAPS/smbv1.pcap"; do
	# shellcheck disable=SC2086
	"$MT" pcap $args >/dev/null 2>"$work/err"
	rc=$?
	if [ $rc -ne 2 ] || [ ! -s "$work/err" ]; then echo "FAIL usage '$args': exit $rc"; usage_ok=0; fi
done
"$MT" pcap --list-detectors >"$work/det"
for id in net.stratum net.pool_dns net.pool_addr net.browser_miner net.smb_scan net.eternalblue net.eternalromance net.eternalchampion \
	net.doublepulsar net.infection_chain net.beacon net.c2; do
	grep -q "^$id	T" "$work/det" || { echo "FAIL --list-detectors lacks $id"; usage_ok=0; }
done
if [ -x "$STATIC" ]; then
	# the static binary captures live on its own (tests/live/pcap-xmrig.sh), filters only
	# with libpcap, and names an interface that does not exist
	"$STATIC" pcap --live lo --seconds 1 --filter "tcp port 3333" >/dev/null 2>"$work/err"
	rc=$?
	{ [ $rc -eq 2 ] && grep -q "libpcap" "$work/err"; } || { echo "FAIL static --live --filter: exit $rc"; usage_ok=0; }
	"$STATIC" pcap --live mt-no-such0 --seconds 1 >/dev/null 2>"$work/err"
	rc=$?
	{ [ $rc -eq 2 ] && grep -q "no such interface" "$work/err"; } || { echo "FAIL static --live on no interface: exit $rc"; usage_ok=0; }
fi
if [ $usage_ok -eq 1 ]; then pass=$((pass + 1)); else failed=$((failed + 1)); fi

# truncated and corrupted captures: no crash, every packet problem counted
python3 - "$work/mut" "$PCAPS"/*.pcap "$PCAPS"/*.pcapng <<'EOT'
import os, random, sys
out = sys.argv[1]
os.makedirs(out)
rnd = random.Random(6)
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    base = os.path.basename(path)
    for i, cut in enumerate(sorted(set([1, 4, 23, 24, 25, 40, 100] +
                                       [rnd.randrange(len(data)) for _ in range(12)]))):
        open("%s/%s.cut%d" % (out, base, i), "wb").write(data[:cut])
    for i in range(8):
        b = bytearray(data)
        for _ in range(1 + len(b) // 200):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        open("%s/%s.flip%d" % (out, base, i), "wb").write(bytes(b))
EOT
bad=0 n=0
for f in "$work"/mut/*; do
	for bin in $bins; do
		n=$((n + 1))
		"$bin" pcap "$f" --format json >"$work/m.jsonl" 2>"$work/m.err"
		rc=$?
		if [ $rc -gt 2 ] || grep -q "Sanitizer\|runtime error" "$work/m.err"; then
			echo "FAIL mutated $(basename "$f") ($(basename "$bin")): exit $rc"
			head -20 "$work/m.err"; bad=$((bad + 1))
		elif [ $rc -le 1 ] && ! tail -n 1 "$work/m.jsonl" | grep -q '"type":"summary"'; then
			echo "FAIL mutated $(basename "$f"): no summary"; bad=$((bad + 1))
		fi
	done
done
if [ $bad -eq 0 ]; then pass=$((pass + 1)); echo "pcap: $n runs on cut and corrupted captures survived"; else failed=$((failed + 1)); fi

echo "pcap: $pass passed, $failed failed"
[ $failed -eq 0 ] && [ $pass -gt 0 ]
