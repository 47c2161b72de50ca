#!/bin/sh
# respond-firewall.sh - block_ip actions become an nftables rules file (and iptables
# files), loaded by `respond --apply --firewall` with nft — only inside a private network
# namespace, so the machine's own rules are never touched. Loopback and malformed
# addresses are refused; the addresses end up in the namespace's ruleset.
set -eu
MT=${MINETRACE:-build/minetrace}
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-firewall: $*"; exit 1; }
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || { echo "SKIP respond-firewall: no nft (apt-get install nftables)"; exit 0; }

cat >"$work/report.jsonl" <<'EOT'
{"type":"finding","id":"MT-00000000000000f1","check":"net.connections","severity":"high","title":"pool","evidence":{"remote":"198.51.100.7:3333"},"remedy":[{"action":"block_ip","ip":"198.51.100.7"},{"action":"block_ip","ip":"2001:db8::7"}]}
{"type":"finding","id":"MT-00000000000000f2","check":"net.connections","severity":"high","title":"pool","evidence":{},"remedy":[{"action":"block_ip","ip":"203.0.113.9"},{"action":"block_ip","ip":"127.0.0.1"},{"action":"block_ip","ip":"1.2.3.4 } ; flush ruleset"}]}
{"type":"summary"}
EOT
unshare -n sh -eu -c '
	work=$1 mt=$2
	ip link set lo up
	rc=0
	"$mt" respond "$work/report.jsonl" --apply --firewall --no-verify --quarantine "$work/q" >"$work/out.txt" 2>&1 || rc=$?
	echo $rc >"$work/rc"
	nft list table inet minetrace_block >"$work/ruleset.txt" 2>&1 || true
	# a second run replaces the table instead of failing or doubling it
	"$mt" respond "$work/report.jsonl" --apply --firewall --no-verify --quarantine "$work/q2" >"$work/out2.txt" 2>&1 || true
	nft list tables >"$work/tables.txt" 2>&1 || true
	# restore --firewall takes the block off again
	rc=0
	"$mt" restore --firewall --quarantine "$work/q2" >"$work/undo.txt" 2>&1 || rc=$?
	echo $rc >"$work/undo.rc"
	nft list tables >"$work/tables-after.txt" 2>&1 || true
' sh "$work" "$MT"
[ "$(cat "$work/rc")" = 1 ] || { cat "$work/out.txt"; fail "exit $(cat "$work/rc"), expected 1 (two refusals)"; }
grep -q "loaded with nft" "$work/out.txt" || { cat "$work/out.txt"; fail "not loaded"; }
grep -q "127.0.0.1 is a loopback address: not blocked" "$work/out.txt" || fail "loopback"
grep -q "is not an IP address: not blocked" "$work/out.txt" || fail "malformed address"
grep -q "198.51.100.7" "$work/ruleset.txt" && grep -q "203.0.113.9" "$work/ruleset.txt" &&
	grep -q "2001:db8::7" "$work/ruleset.txt" || { cat "$work/ruleset.txt"; fail "addresses not in the ruleset"; }
grep -q "flush" "$work/q/firewall.nft" && fail "attacker text reached the rules file"
grep -q -- "-A MINETRACE-BLOCK -d 198.51.100.7 -j DROP" "$work/q/firewall.iptables" || fail "iptables file"
grep -q "loaded with nft" "$work/out2.txt" || { cat "$work/out2.txt"; fail "second load"; }
[ "$(grep -c minetrace_block "$work/tables.txt")" = 1 ] || fail "table doubled"
[ "$(cat "$work/undo.rc")" = 0 ] && grep -q "taken off with nft" "$work/undo.txt" ||
	{ cat "$work/undo.txt"; fail "restore --firewall"; }
grep -q minetrace_block "$work/tables-after.txt" && fail "the block is still loaded after restore --firewall"
rc=0
"$MT" restore --firewall --root "$work" --quarantine "$work/q2" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "restore --firewall with --root: exit $rc (it is the live system's)"
echo "ok respond-firewall: rules file written and loaded in a private network namespace, and taken off by restore --firewall"
