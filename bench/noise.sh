#!/bin/sh
# bench/noise.sh - signal over noise (issue 17): findings by severity and the length of
# the text report for a host tree with no miner (this project's own git checkout under
# /tmp with its test scripts, scenario trees and fixtures, plus the developer's trees of
# tests/scenario/noise-worktree) and for the same tree with a real XMRig dropped in
# /tmp/.X25-unix/.rsync and started by a user crontab. Prints one table row per tree.
#   sh bench/noise.sh            (MINETRACE=build/minetrace; needs git, python3)
set -eu
MT=${MINETRACE:-build/minetrace}
repo=$(cd "$(dirname "$0")/.." && pwd)
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
samples=${MINETRACE_SAMPLES:-$repo/../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
[ -x "$MT" ] || { echo "bench/noise.sh: $MT missing (make)"; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-noise.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM HUP

build() { # $1: the root
	mkdir -p "$1/tmp/minetrace-src"
	(cd "$repo" && git archive HEAD) | tar -x -C "$1/tmp/minetrace-src"
	cp -a "$repo/.git" "$1/tmp/minetrace-src/.git"
	sh "$repo/tests/scenario/noise-worktree/setup.sh" "$1"
	# the loud parts of noise-worktree are a miner's: not on the clean host
	rm -rf "$1/tmp/.cache-x" "$1/tmp/fake" "$1/tmp/sectool/tests/fixtures/xmrig-sample"
	# the checkout and the other trees are a month old when the miner comes
	find "$1" -exec touch -h -d '30 days ago' {} +
}
row() { # $1: name, $2: root
	"$MT" scan --root "$2" --format json >"$dir/out.json" 2>/dev/null || true
	lines=$("$MT" scan --root "$2" 2>/dev/null | wc -l)
	python3 - "$dir/out.json" "$1" "$lines" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
c = s["counts"]
print("%-28s %8d %5d %6d %4d %4d %10s" % (sys.argv[2], c["critical"], c["high"], c["medium"],
                                        c["low"], c["info"], sys.argv[3]))
PY
}
build "$dir/clean"
cp -a "$dir/clean" "$dir/infected"
i=$dir/infected
mkdir -p "$i/tmp/.X25-unix/.rsync"
cp "$samples/xmrig" "$i/tmp/.X25-unix/.rsync/kswapd0"
chmod 0755 "$i/tmp/.X25-unix/.rsync/kswapd0"
mkdir -p "$i/var/spool/cron/crontabs"
printf '* * * * * /tmp/.X25-unix/.rsync/kswapd0 -o pool.supportxmr.com:443 >/dev/null 2>&1\n' \
	>"$i/var/spool/cron/crontabs/alice"
printf '%-28s %8s %5s %6s %4s %4s %10s\n' tree critical high medium low info "text lines"
row "clean (checkout, venv, ...)" "$dir/clean"
row "infected (+ XMRig, cron)" "$dir/infected"
echo "goal: clean has nothing at high or above and fits a screen; infected shows the miner"
echo "(the infected tree's lows are files.window's: touch cannot set a ctime back, so every"
echo " file of the month-old checkout looks changed in the miner's window, mtime before it)"
