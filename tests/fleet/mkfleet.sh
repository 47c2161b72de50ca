#!/bin/sh
# mkfleet.sh linux|windows DIR - the reports of a fleet test network, made by minetrace,
# under DIR: linux: the four hosts of mknet.py (DIR/<host>.scan.jsonl, .tl.jsonl);
# windows: the two WannaMine hosts of mkwinnet.sh and the reports of the real EternalBlue
# and DoublePulsar captures (DIR/eb.jsonl, dp.jsonl). Exit 3 when the Windows part cannot
# be made here (no captures or no hivexregedit), 1 on failure. MINETRACE, MINETRACE_PCAPS
# as in run.sh.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
d=$2
fail() { echo "FAIL fleet: $*"; exit 1; }
mkdir -p "$d" || fail "mkdir $d"
case $1 in
linux)
	python3 "$here/mknet.py" "$d" || fail "mknet.py"
	for h in web1 app2 db3 bastion; do
		"$MT" scan --root "$d/$h" --format json >"$d/$h.scan.jsonl" 2>"$d/$h.err"
		[ $? -le 1 ] || { cat "$d/$h.err"; fail "scan $h"; }
		"$MT" timeline --root "$d/$h" --format json >"$d/$h.tl.jsonl" 2>"$d/$h.err"
		[ $? -le 1 ] || { cat "$d/$h.err"; fail "timeline $h"; }
		rm -f "$d/$h.err"
	done
	;;
windows)
	PCAPS=${MINETRACE_PCAPS:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/../pcaps}
	[ -d "$PCAPS" ] || PCAPS=/work/shared/data/pcaps
	[ -f "$PCAPS/eternalblue-success-unpatched-win7.pcap" ] && command -v hivexregedit >/dev/null ||
		exit 3
	sh "$here/mkwinnet.sh" "$d" || fail "mkwinnet.sh"
	for h in ws-a srv-b; do
		"$MT" scan --root "$d/$h" --format json >"$d/$h.scan.jsonl" 2>/dev/null
		"$MT" timeline --root "$d/$h" --format json >"$d/$h.tl.jsonl" 2>/dev/null
	done
	"$MT" pcap "$PCAPS/eternalblue-success-unpatched-win7.pcap" --format json >"$d/eb.jsonl" 2>/dev/null
	"$MT" pcap "$PCAPS/doublepulsar-backdoor-connect-win7.pcap" --format json >"$d/dp.jsonl" 2>/dev/null
	;;
*)
	fail "usage: mkfleet.sh linux|windows DIR"
	;;
esac
exit 0
