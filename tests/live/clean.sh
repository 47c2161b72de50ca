#!/bin/sh
# clean.sh - a live scan of this machine, with no miner running, has no finding at high
# or above (every check, the live ones included). Run before the tests that plant things.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$MT" scan --format json --fail-on high >"$out" || rc=$?
python3 "$here/../scenario/contract.py" "$out" || { echo "FAIL clean: contract"; exit 1; }
if [ $rc -ne 0 ]; then
	echo "FAIL clean: findings at high or above on this machine (exit $rc):"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["type"] == "finding" and o["severity"] in ("high", "critical"):
        print(" ", o["severity"], o["check"], json.dumps(o["evidence"])[:300])' "$out"
	exit 1
fi
echo "clean: no finding at high or above on this machine"
