#!/bin/sh
# bench/triage.sh - measures a live triage: `minetrace scan --sample 1` of the live checks
# (process., net., rootkit.; the reference row) and the full scan (all checks,
# live system) against unhide brute, unhide quick (unhide-linux) and chkrootkit -q on the
# same machine in the same run. Each tool is run RUNS times (default 3); prints median wall
# time, peak RSS (/usr/bin/time -f '%e %M') and the ratio to minetrace, plus minetrace's
# finding counts by severity. A benchmark, not a test: it asserts nothing about speed.
# Env: MINETRACE (default build-bench/minetrace), RUNS (default 3).
# Needs root (installs unhide, chkrootkit, time with apt-get when missing).
set -u
cd "$(dirname "$0")/.." || exit 2
MT=${MINETRACE:-build-bench/minetrace}
RUNS=${RUNS:-3}
[ -x "$MT" ] || { echo "no minetrace binary at $MT: make -j2 B=build-bench all"; exit 2; }
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")

need=""
[ -x /usr/bin/time ] || need="$need time"
command -v unhide-linux >/dev/null 2>&1 || [ -x /usr/sbin/unhide-linux ] || need="$need unhide"
command -v chkrootkit >/dev/null 2>&1 || [ -x /usr/sbin/chkrootkit ] || need="$need chkrootkit"
if [ -n "$need" ]; then
	echo "installing:$need"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $need >/dev/null || { echo "apt-get install failed"; exit 2; }
fi
PATH=$PATH:/usr/sbin:/sbin
# Debian's unhide ships /usr/sbin/unhide-linux (and unhide -> unhide-linux, unhide-posix).
UNHIDE_Q=unhide-linux
command -v unhide-linux >/dev/null 2>&1 || UNHIDE_Q=unhide

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2   # unhide/chkrootkit may leave logs in the working directory

# run NAME CMD...: RUNS timed runs; appends "wall rss_kb" lines to $work/NAME.t
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

echo "triage bench: $RUNS runs each, $(nproc) CPUs, $(uname -r)" >&2
# the triage itself (live checks: processes, sockets, hiding) is the reference row; the
# full scan adds the file-system audit (hashing every program of /usr/bin and friends)
run minetrace "$MT" scan --sample 1 --checks process.,net.,rootkit. --format json --output /dev/null
run minetrace_full "$MT" scan --sample 1 --format json --output /dev/null
run unhide_brute unhide brute
run unhide_quick "$UNHIDE_Q" quick
run chkrootkit chkrootkit -q
# One more minetrace run writing to a file, for the finding counts (not timed in the table).
"$MT" scan --sample 1 --format json --output "$work/report.json" >/dev/null 2>&1

mt_wall=$(cut -d' ' -f1 "$work/minetrace.t" | median)
mt_rss=$(cut -d' ' -f2 "$work/minetrace.t" | sort -n | tail -1)
echo
printf '%-22s %12s %9s %10s %9s\n' tool "median wall s" "peak MB" "wall ratio" "RSS ratio"
for t in minetrace minetrace_full unhide_brute unhide_quick chkrootkit; do
	case $t in
	minetrace) label="minetrace triage";;
	minetrace_full) label="minetrace full scan";;
	unhide_brute) label="unhide brute";;
	unhide_quick) label="$UNHIDE_Q quick";;
	chkrootkit) label="chkrootkit -q";;
	esac
	w=$(cut -d' ' -f1 "$work/$t.t" | median)
	r=$(cut -d' ' -f2 "$work/$t.t" | sort -n | tail -1)
	awk -v l="$label" -v w="$w" -v r="$r" -v mw="$mt_wall" -v mr="$mt_rss" 'BEGIN {
		printf "%-22s %12.2f %9.1f %9.2fx %8.2fx\n", l, w, r / 1024, (mw > 0 ? w / mw : 0), (mr > 0 ? r / mr : 0) }'
done
echo "(ratio = tool / minetrace; peak MB = max RSS over the runs)"
echo "goal: full triage with a 1 s sample under 2 s and 30 MB"
python3 - "$work/report.json" <<'EOT' || echo "minetrace findings: no summary line in the report"
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
s = json.loads(lines[-1])
c = s["counts"]
print("minetrace findings: " + " ".join("%s=%d" % (k, c.get(k, 0)) for k in
      ("critical", "high", "medium", "low", "info")) + " total=%d, diagnostics=%d, scan %d ms"
      % (s.get("total", 0), s.get("diagnostics_total", 0), s.get("duration_ms", 0)))
EOT
