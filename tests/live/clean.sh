#!/bin/sh
# clean.sh - a live scan of this machine, with no miner running, has no finding at high
# or above (every check, the live ones included). Run before the tests that plant things.
# The project's own checkout is left out of the judgement: it holds real miner samples,
# test trees and fixtures on purpose, and may itself live under /tmp or a home.
# The scan runs in a mount namespace of its own with empty /tmp and /var/tmp (the
# checkout bound back in when it lives there): what other work left in the machine's
# temporary directories is not this test's business, and nothing it sees depends on it.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd -P)
MT=$(cd "$(dirname "$MT")" && pwd -P)/$(basename "$MT")
hold=$(mktemp -d /run/minetrace-clean.XXXXXX)
out=$(dirname "$MT")/clean-scan.json # in the checkout: the scan leaves it aside
trap 'rmdir "$hold" 2>/dev/null; rm -f "$out"' EXIT
trap 'exit 130' INT TERM HUP
rc=0
# shellcheck disable=SC2016
unshare -m sh -c '
	set -e
	repo=$1 hold=$2 mt=$3
	mount --make-rprivate /
	mount --bind "$repo" "$hold"
	for d in /tmp /var/tmp; do mount -t tmpfs -o mode=1777 mt-clean "$d"; done
	case "$repo/" in
	/tmp/*|/var/tmp/*) mkdir -p "$repo"; mount --bind "$hold" "$repo" ;;
	esac
	umount "$hold"
	exec "$mt" scan --format json --fail-on high
' sh "$repo" "$hold" "$MT" >"$out" || rc=$?
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
