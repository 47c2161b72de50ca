#!/bin/sh
# clean.sh - a live scan of this machine, with no miner running, has no finding at high
# or above (every check, the live ones included). Run before the tests that plant things.
# The project's own checkout is left out of the judgement: it holds real miner samples,
# test trees and fixtures on purpose, and may itself live under /tmp or a home.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd -P)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT TERM HUP
rc=0
"$MT" scan --format json --fail-on high >"$out" || rc=$?
[ $rc -le 1 ] || { echo "FAIL clean: exit $rc"; exit 1; }
python3 "$here/../scenario/contract.py" "$out" || { echo "FAIL clean: contract"; exit 1; }
python3 - "$out" "$repo" <<'EOT' || exit 1
import json, sys
out, repo = sys.argv[1], sys.argv[2].rstrip("/") + "/"
bad, ours = [], 0
for l in open(out):
    o = json.loads(l)
    if o["type"] != "finding" or o["severity"] not in ("high", "critical"):
        continue
    if any(isinstance(v, str) and repo in v for v in o["evidence"].values()):
        ours += 1
        continue
    bad.append(o)
for o in bad:
    print("  ", o["severity"], o["check"], json.dumps(o["evidence"])[:300])
if bad:
    print("FAIL clean: %d finding(s) at high or above on this machine" % len(bad))
    sys.exit(1)
print("clean: no finding at high or above on this machine (%d about this checkout's own test material left aside)" % ours)
EOT
