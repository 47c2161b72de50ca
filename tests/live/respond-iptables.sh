#!/bin/sh
# respond-iptables.sh - the iptables fallback of `respond --apply --firewall`: inside a
# private network and mount namespace, nft is hidden (/dev/null bound over it, in that
# namespace only), so respond loads firewall.iptables and firewall.ip6tables with
# iptables-restore. The rules are there (one jump per chain, also after a second run),
# they drop a connection to a blocked address (put on the namespace's loopback), the
# firewall-undo.iptables file takes them off, and a new run puts them back.
set -eu
MT=${MINETRACE:-build/minetrace}
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-iptables: $*"; exit 1; }
[ -x /usr/sbin/iptables-restore ] && [ -x /usr/sbin/ip6tables-restore ] ||
	{ echo "SKIP respond-iptables: no iptables-restore (apt-get install iptables)"; exit 0; }

cat >"$work/report.jsonl" <<'EOT'
{"type":"finding","id":"MT-00000000000000f1","check":"net.connections","severity":"high","title":"pool","evidence":{"remote":"198.51.100.7:3333"},"remedy":[{"action":"block_ip","ip":"198.51.100.7"},{"action":"block_ip","ip":"2001:db8::7"}]}
{"type":"finding","id":"MT-00000000000000f2","check":"net.connections","severity":"high","title":"pool","evidence":{},"remedy":[{"action":"block_ip","ip":"203.0.113.9"}]}
{"type":"summary"}
EOT
cat >"$work/ns.sh" <<'NS'
set -eu
work=$1 mt=$2
for n in /usr/sbin/nft /sbin/nft; do
	[ -e "$n" ] && mount --bind /dev/null "$n"
done
ip link set lo up
# a TCP connection to 198.51.100.7 (on this namespace's loopback): 0 when it connects
reach() {
	ip addr add 198.51.100.7/32 dev lo
	r=0
	python3 - <<'EOT' || r=$?
import socket, sys
srv = socket.socket(); srv.bind(("198.51.100.7", 0)); srv.listen(1)
c = socket.socket(); c.settimeout(1)
try:
    c.connect(srv.getsockname())
except OSError:
    sys.exit(1)
EOT
	ip addr del 198.51.100.7/32 dev lo
	return $r
}
jumps() { iptables -S "$1" | grep -c -- "-j MINETRACE-BLOCK" || true; }
reach && echo before-ok >>"$work/log"
rc=0
"$mt" respond "$work/report.jsonl" --apply --firewall --no-verify --quarantine "$work/q" >"$work/out1.txt" 2>&1 || rc=$?
echo "rc1 $rc" >>"$work/log"
iptables-save >"$work/v4.txt"
ip6tables-save >"$work/v6.txt"
reach || echo blocked >>"$work/log"
rc=0
"$mt" respond "$work/report.jsonl" --apply --firewall --no-verify --quarantine "$work/q" >"$work/out2.txt" 2>&1 || rc=$?
echo "rc2 $rc" >>"$work/log"
echo "jumps2 $(jumps INPUT) $(jumps OUTPUT) $(jumps FORWARD)" >>"$work/log"
ip6tables -S INPUT >"$work/v6in.txt"
iptables-restore --noflush <"$work/q/firewall-undo.iptables" && echo undo4 >>"$work/log"
ip6tables-restore --noflush <"$work/q/firewall-undo.iptables" && echo undo6 >>"$work/log"
iptables-save >"$work/v4-undone.txt"
ip6tables-save >"$work/v6-undone.txt"
reach && echo after-undo-ok >>"$work/log"
rc=0
"$mt" respond "$work/report.jsonl" --apply --firewall --no-verify --quarantine "$work/q" >"$work/out3.txt" 2>&1 || rc=$?
echo "rc3 $rc" >>"$work/log"
reach || echo blocked-again >>"$work/log"
NS
: >"$work/log"
unshare -n -m sh "$work/ns.sh" "$work" "$MT"

grep -qx before-ok "$work/log" || fail "the test connection does not work before the block"
grep -qx "rc1 0" "$work/log" || { cat "$work/out1.txt"; fail "first run: $(grep rc1 "$work/log")"; }
grep -q "loaded with iptables-restore" "$work/out1.txt" || { cat "$work/out1.txt"; fail "not loaded with iptables-restore"; }
for r in "-A MINETRACE-BLOCK -d 198.51.100.7/32 -j DROP" "-A MINETRACE-BLOCK -s 198.51.100.7/32 -j DROP" \
	"-A MINETRACE-BLOCK -d 203.0.113.9/32 -j DROP" "-A INPUT -j MINETRACE-BLOCK" "-A OUTPUT -j MINETRACE-BLOCK" \
	"-A FORWARD -j MINETRACE-BLOCK"; do
	grep -q -- "$r" "$work/v4.txt" || { cat "$work/v4.txt"; fail "iptables lacks: $r"; }
done
grep -q -- "-A MINETRACE-BLOCK -d 2001:db8::7/128 -j DROP" "$work/v6.txt" || { cat "$work/v6.txt"; fail "ip6tables lacks the address"; }
grep -q "198.51.100.7" "$work/v6.txt" && fail "an IPv4 address in the IPv6 rules"
grep -qx blocked "$work/log" || fail "a connection to the blocked address still goes through"
grep -qx "rc2 0" "$work/log" || { cat "$work/out2.txt"; fail "second run"; }
grep -qx "jumps2 1 1 1" "$work/log" || fail "jumps after a second run (INPUT OUTPUT FORWARD): $(grep jumps2 "$work/log")"
[ "$(grep -c -- "-j MINETRACE-BLOCK" "$work/v6in.txt")" = 1 ] || { cat "$work/v6in.txt"; fail "ip6tables INPUT jumps doubled"; }
grep -qx undo4 "$work/log" && grep -qx undo6 "$work/log" || fail "firewall-undo.iptables does not load"
grep -q MINETRACE "$work/v4-undone.txt" "$work/v6-undone.txt" && fail "rules left after the undo"
grep -qx after-undo-ok "$work/log" || fail "the address still blocked after the undo"
grep -qx "rc3 0" "$work/log" && grep -q "loaded with iptables-restore" "$work/out3.txt" || { cat "$work/out3.txt"; fail "third run"; }
grep -qx blocked-again "$work/log" || fail "not blocked again after the undo and a new run"
echo "ok respond-iptables: nft hidden, rules loaded with iptables-restore, no doubled jumps, undone and loaded again"
