#!/bin/sh
# run.sh - timeline tests: each tests/timeline/<case>/ has setup.sh (builds a scratch root
# in $1: logs, zone, artifacts and their times) and check.py (asserts on the outputs).
# For every case: `timeline --format json`, `timeline` as text (en and zh) and `scan
# --format json` on the same root, with openat2 and with the portable walk; and with the
# static binary when it is built next to the normal one (MINETRACE_STATIC; the journal
# cases too: both binaries read the journal with our own reader). TIMELINE_STATIC=1
# makes a missing static binary a failure.
set -u
MT=${MINETRACE:-build/minetrace}
MTS=${MINETRACE_STATIC:-$(dirname "$MT")/minetrace-static}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
pass=0 failed=0
only=${1:-}
if [ "${TIMELINE_STATIC:-0}" = 1 ] && [ ! -x "$MTS" ]; then
	echo "FAIL: no static binary at $MTS"; exit 1
fi
for dir in "$here"/*/; do
	name=$(basename "$dir")
	[ -f "$dir/setup.sh" ] || continue
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	root="$work/$name"
	mkdir -p "$root"
	if ! sh "$dir/setup.sh" "$root" >"$work/setup.log" 2>&1; then
		if grep -q '^SKIP' "$work/setup.log"; then
			echo "skip $name: $(grep '^SKIP' "$work/setup.log")"; continue
		fi
		echo "FAIL $name: setup.sh failed"; cat "$work/setup.log"; failed=$((failed + 1)); continue
	fi
	runs="openat2 portable"
	[ -x "$MTS" ] && runs="$runs static"
	for walk in $runs; do
		if [ $walk = portable ]; then export MINETRACE_NO_OPENAT2=1; else unset MINETRACE_NO_OPENAT2; fi
		bin=$MT
		[ $walk = static ] && bin=$MTS
		o="$work/$name-$walk"
		mkdir -p "$o"
		timeout 120 "$bin" timeline --root "$root" --format json >"$o/tl.jsonl" 2>"$o/tl.err"
		echo $? >"$o/tl.rc"
		timeout 120 "$bin" timeline --root "$root" --lang en >"$o/tl.en" 2>>"$o/tl.err"
		timeout 120 "$bin" timeline --root "$root" --lang zh >"$o/tl.zh" 2>>"$o/tl.err"
		timeout 120 "$bin" scan --root "$root" --format json >"$o/scan.jsonl" 2>"$o/scan.err"
		echo $? >"$o/scan.rc"
		if python3 "$dir/check.py" "$o"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name ($walk)"; head -5 "$o/tl.err"; failed=$((failed + 1))
		fi
	done
done
echo "timeline: $pass passed, $failed failed"
[ $failed -eq 0 ] && [ $pass -gt 0 ]
