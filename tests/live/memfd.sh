#!/bin/sh
# memfd.sh - process.suspicious on programs that run from memory (memfd_create + fexecve),
# in a PID and mount namespace of the test's own: an unsealed in-memory copy (what
# fileless loaders start miners from) is medium, a copy sealed against writes (what runc
# and sandboxes keep of themselves) is low, and the plain program beside them is quiet.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL memfd: $*"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
cc -O2 -o "$work/memfd_exec" "$here/../fixtures/memfd_exec.c"
sleep_bin=$(command -v sleep)

unshare -p -f -m --mount-proc sh -eu -c '
	work=$1 mt=$2 sleep_bin=$3
	"$work/memfd_exec" open kworker "$sleep_bin" 30 & echo $! >"$work/pid-open"
	"$work/memfd_exec" sealed runc_cloned "$sleep_bin" 31 & echo $! >"$work/pid-sealed"
	"$sleep_bin" 32 & echo $! >"$work/pid-plain"
	sleep 0.3
	"$mt" scan --checks process.suspicious --sample 0 --format json >"$work/out.json" || true
	kill $(cat "$work/pid-open") $(cat "$work/pid-sealed") $(cat "$work/pid-plain")
' sh "$work" "$MT" "$sleep_bin"

python3 - "$work" <<'PY' || fail "see above"
import json, sys
w = sys.argv[1]
pid = {k: int(open(f"{w}/pid-{k}").read()) for k in ("open", "sealed", "plain")}
by = {}
for line in open(f"{w}/out.json"):
    o = json.loads(line)
    if o["type"] == "finding" and "pid" in o["evidence"]:
        by[o["evidence"]["pid"]] = o
def need(k, sev, reason):
    f = by.get(pid[k])
    assert f, f"no finding for the {k} memfd process (pid {pid[k]}): {sorted(by)}"
    assert f["severity"] == sev, f"{k}: severity {f['severity']}, want {sev}"
    assert reason in f["evidence"].get("reasons", ""), f"{k}: reasons {f['evidence']}"
    assert f["evidence"]["exe"].startswith("/memfd:"), f["evidence"]["exe"]
need("open", "medium", "exe_memfd")
need("sealed", "low", "exe_memfd_sealed")
assert "exe_memfd_sealed" not in by[pid["open"]]["evidence"]["reasons"]
assert pid["plain"] not in by, "the plain sleep was flagged"
PY
echo "memfd: unsealed in-memory program medium, sealed copy low, plain program quiet"
