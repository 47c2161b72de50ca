#!/bin/sh
# bench/offline.sh - measures an offline scan of a mounted/extracted root: minetrace scan
# --root build/debroot (the cached clean Debian root of tests/live/debroot.sh) against
# chkrootkit -r build/debroot and rkhunter --check. RUNS runs each (default 3); prints median
# wall time, peak RSS (/usr/bin/time -f '%e %M') and the ratio to minetrace.
# Debian's rkhunter (1.4.6) has deprecated --rootdir: it prints a notice and scans the LIVE
# system, so its row is not the same work; the script says so when that is the case.
# A benchmark, not a test: it asserts nothing about speed.
# Env: MINETRACE (default build-bench/minetrace), DEBROOT (default build/debroot), RUNS.
set -u
cd "$(dirname "$0")/.." || exit 2
MT=${MINETRACE:-build-bench/minetrace}
DEBROOT=${DEBROOT:-build/debroot}
RUNS=${RUNS:-3}
[ -x "$MT" ] || { echo "no minetrace binary at $MT: make -j2 B=build-bench all"; exit 2; }
if [ ! -f "$DEBROOT/.minetrace-debroot" ]; then
	echo "no cached Debian root at $DEBROOT: building it with tests/live/debroot.sh (debootstrap, takes minutes)"
	MINETRACE=$MT DEBROOT=$DEBROOT sh tests/live/debroot.sh || { echo "debroot.sh failed"; exit 2; }
fi
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
DEBROOT=$(cd "$DEBROOT" && pwd)

need=""
[ -x /usr/bin/time ] || need="$need time"
command -v chkrootkit >/dev/null 2>&1 || [ -x /usr/sbin/chkrootkit ] || need="$need chkrootkit"
command -v rkhunter >/dev/null 2>&1 || [ -x /usr/bin/rkhunter ] || need="$need rkhunter"
if [ -n "$need" ]; then
	echo "installing:$need"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $need >/dev/null || { echo "apt-get install failed"; exit 2; }
fi
PATH=$PATH:/usr/sbin:/sbin

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

# Does this rkhunter honour a root directory option? Debian's 1.4.6 says "deprecated".
rk_root=no
if rkhunter --rootdir "$DEBROOT" --version 2>&1 | grep -qi deprecated; then
	rk_root=no
elif rkhunter --help 2>&1 | grep -q -- '--rootdir'; then
	rk_root=yes
fi

run() {
	name=$1; shift
	: >"$work/$name.t"
	i=1
	while [ "$i" -le "$RUNS" ]; do
		/usr/bin/time -o "$work/$name.one" -f '%e %M' "$@" >"$work/$name.out" 2>"$work/$name.err"
		tail -1 "$work/$name.one" >>"$work/$name.t"
		echo "  $name run $i: $(tail -1 "$work/$name.one") (wall s, peak KB)" >&2
		i=$((i + 1))
	done
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "offline bench: root $DEBROOT ($(du -sh "$DEBROOT" 2>/dev/null | cut -f1)), $RUNS runs each, $(nproc) CPUs" >&2
run minetrace "$MT" scan --root "$DEBROOT" --format json
run chkrootkit chkrootkit -r "$DEBROOT"
if [ "$rk_root" = yes ]; then
	rk_label="rkhunter --rootdir"
	run rkhunter rkhunter --check --sk --rwo --nocolors --logfile "$work/rkhunter.log" --rootdir "$DEBROOT"
else
	rk_label="rkhunter (LIVE system)"
	run rkhunter rkhunter --check --sk --rwo --nocolors --logfile "$work/rkhunter.log"
fi

mt_wall=$(cut -d' ' -f1 "$work/minetrace.t" | median)
mt_rss=$(cut -d' ' -f2 "$work/minetrace.t" | sort -n | tail -1)
echo
printf '%-26s %12s %9s %10s %9s\n' tool "median wall s" "peak MB" "wall ratio" "RSS ratio"
for t in minetrace chkrootkit rkhunter; do
	case $t in
	minetrace) label="minetrace --root";;
	chkrootkit) label="chkrootkit -r";;
	rkhunter) label=$rk_label;;
	esac
	w=$(cut -d' ' -f1 "$work/$t.t" | median)
	r=$(cut -d' ' -f2 "$work/$t.t" | sort -n | tail -1)
	awk -v l="$label" -v w="$w" -v r="$r" -v mw="$mt_wall" -v mr="$mt_rss" 'BEGIN {
		printf "%-26s %12.2f %9.1f %9.2fx %8.2fx\n", l, w, r / 1024, (mw > 0 ? w / mw : 0), (mr > 0 ? r / mr : 0) }'
done
echo "(ratio = tool / minetrace; peak MB = max RSS over the runs)"
[ "$rk_root" = yes ] || echo "note: this rkhunter has no working --rootdir (deprecated); its row scanned the live system, not $DEBROOT"
python3 - "$work/minetrace.out" <<'EOT' || true
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
s = json.loads(lines[-1]); c = s["counts"]
print("minetrace findings on the root: " + " ".join("%s=%d" % (k, c.get(k, 0)) for k in
      ("critical", "high", "medium", "low", "info")) + " total=%d" % s.get("total", 0))
EOT
echo "goal: at least 10 times faster than chkrootkit on the same root"
