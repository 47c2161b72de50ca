#!/bin/sh
# debroot.sh - the clean-Debian false-positive test: a debootstrap'ed bookworm root
# (minbase plus cron, ssh, sudo and friends) scanned with --root must give nothing at
# high or above. The root is built once into build/debroot and reused; the medium, low
# and info findings are printed for review.
# Env: MINETRACE (default build/minetrace), DEBROOT (default build/debroot),
# DEBROOT_SUITE (default bookworm), DEBROOT_MIRROR (default: the machine's apt mirror).
set -eu
MT=${MINETRACE:-build/minetrace}
DEBROOT=${DEBROOT:-build/debroot}
SUITE=${DEBROOT_SUITE:-bookworm}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL debroot: $*"; exit 1; }
[ -x "$MT" ] || fail "no minetrace binary at $MT (set MINETRACE)"

# The machine's configured Debian mirror: one-line sources.list or deb822 .sources.
mirror() {
	if [ -n "${DEBROOT_MIRROR:-}" ]; then echo "$DEBROOT_MIRROR"; return; fi
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
		/^[Uu][Rr][Ii][Ss]:/ { uri = $2 }
		/^[Ss]uites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-security$/ && $i !~ /-updates$/ && uri != "") { print uri; exit } }
		/^$/ { uri = "" }')
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { u = $2; if ($2 ~ /^\[/) { for (i = 2; i <= NF; i++) if ($i ~ /\]$/) { u = $(i + 1); break } }
			      if (u !~ /security/) { print u; exit } }')
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

if [ ! -f "$DEBROOT/.minetrace-debroot" ]; then
	[ "$(id -u)" = 0 ] || fail "debootstrap needs root"
	if ! command -v debootstrap >/dev/null 2>&1; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null ||
			fail "could not install debootstrap"
	fi
	url=$(mirror)
	tmp="$DEBROOT.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$(dirname "$DEBROOT")"
	echo "debroot: debootstrap --variant=minbase $SUITE from $url (once, cached in $DEBROOT)"
	t0=$(now)
	if ! debootstrap --variant=minbase \
		--include=cron,anacron,logrotate,openssh-server,sudo,procps,e2fsprogs,curl,wget \
		"$SUITE" "$tmp" "$url" >"$tmp.log" 2>&1; then
		tail -20 "$tmp.log"; rm -rf "$tmp"; fail "debootstrap failed (log above)"
	fi
	t1=$(now)
	echo "debroot: debootstrap took $(elapsed "$t0" "$t1") s"
	echo "$SUITE $url $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp/.minetrace-debroot"
	rm -f "$tmp.log"
	rm -rf "$DEBROOT"
	mv "$tmp" "$DEBROOT"
else
	echo "debroot: reusing $DEBROOT ($(cat "$DEBROOT/.minetrace-debroot"))"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT TERM HUP
t0=$(now)
rc=0
"$MT" scan --root "$DEBROOT" --format json --fail-on high >"$out" || rc=$?
t1=$(now)
echo "debroot: scan took $(elapsed "$t0" "$t1") s (exit $rc)"
[ $rc -le 1 ] || fail "scan exited $rc"
python3 "$here/../scenario/contract.py" "$out" || fail "the output breaks the contract"
python3 - "$out" <<'EOT' || fail "findings at high or above on a clean Debian root"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
summary = objs[-1]
findings = [o for o in objs if o["type"] == "finding"]
print("debroot: checks run: %s" % ",".join(summary.get("checks", [])))
print("debroot: %d findings %s, %d diagnostics" % (len(findings), json.dumps(summary["counts"]),
      summary.get("diagnostics_total", 0)))
bad = 0
for o in findings:
    ev = o["evidence"]
    where = ev.get("path") or ev.get("user") or ev.get("unit") or ""
    print("  %-8s %-20s %s  %s (%s)" % (o["severity"], o["check"], where, o["title_en"],
          ev.get("reasons", "")))
    if o["severity"] in ("high", "critical"):
        bad += 1
for d in summary.get("diagnostics", [])[:20]:
    print("  diag: %s" % d)
sys.exit(1 if bad else 0)
EOT
[ $rc -eq 0 ] || fail "scan exit $rc with --fail-on high"
echo "debroot: no finding at high or above"
# the same root by content (every file, YARA, archive members such as apt's cached .deb
# files): nothing reported at all
out2=$(mktemp)
trap 'rm -f "$out" "$out2"' EXIT
t0=$(now)
rc=0
"$MT" scan --content --root "$DEBROOT" --checks content.files --format json >"$out2" || rc=$?
t1=$(now)
echo "debroot: scan --content took $(elapsed "$t0" "$t1") s (exit $rc)"
[ $rc -eq 0 ] || fail "scan --content exit $rc"
python3 - "$out2" <<'EOT' || fail "content findings on a clean Debian root"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
f = [o for o in objs if o["type"] == "finding"]
for o in f:
    print("  %-8s %s %s (%s)" % (o["severity"], o["evidence"]["path"], o["evidence"].get("what"), o["evidence"].get("reasons")))
d = [x for x in objs[-1]["diagnostics"] if x.startswith("content.files:")]
print("debroot: %s" % d[0] if d else "debroot: no content diagnostic")
sys.exit(1 if f or not d else 0)
EOT
echo "debroot: scan --content: nothing reported"
