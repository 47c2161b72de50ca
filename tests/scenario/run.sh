#!/bin/sh
# run.sh - scenario tests: a planted tree in, JSON Lines out, compared field by field.
# Each tests/scenario/<name>/ holds tree/ (copied to a scratch root), optionally setup.sh
# (run with the scratch root as $1 to add what git cannot hold: FIFOs, devices, times),
# args (extra scan options, one line) and expect.jsonl (see contract.py).
# Every scenario runs twice: with openat2 and with the portable walk of the host layer.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
pass=0 failed=0
for dir in "$here"/*/; do
	name=$(basename "$dir")
	[ -f "$dir/expect.jsonl" ] || continue
	for walk in openat2 portable; do
		root="$work/$name-$walk"
		mkdir -p "$root"
		[ -d "$dir/tree" ] && cp -a "$dir/tree/." "$root/"
		if [ -f "$dir/setup.sh" ] && ! sh "$dir/setup.sh" "$root"; then
			echo "FAIL $name ($walk): setup.sh failed"; failed=$((failed + 1)); continue
		fi
		args=$(cat "$dir/args" 2>/dev/null || true)
		if [ $walk = portable ]; then export MINETRACE_NO_OPENAT2=1; else unset MINETRACE_NO_OPENAT2; fi
		# shellcheck disable=SC2086
		timeout 60 "$MT" scan --root "$root" --format json $args >"$work/out.jsonl" 2>"$work/err"
		rc=$?
		want=$(cat "$dir/exit" 2>/dev/null || echo 1)
		if [ "$rc" != "$want" ]; then
			echo "FAIL $name ($walk): exit $rc, expected $want"; cat "$work/err"
			failed=$((failed + 1)); continue
		fi
		if python3 "$here/contract.py" "$work/out.jsonl" "$dir/expect.jsonl"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name ($walk)"; failed=$((failed + 1))
		fi
	done
done
echo "scenarios: $pass passed, $failed failed"
[ $failed -eq 0 ] && [ $pass -gt 0 ]
