#!/bin/sh
# respond-parent.sh - kill_tree must kill the miner's tree only, in a private PID, mount and
# network namespace: a service ("redis-server", a copy of the shell) starts a miner
# ("xmrig", a copy of sleep) and an innocent "sleep 300". The scan does not name the
# service as the miner's parent, and a report edited to name it is not obeyed either:
# the miner dies, the service and its other child live on.
set -eu
MT=${MINETRACE:-build/minetrace}
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-parent: $*"; exit 1; }

cat >"$work/ns.sh" <<'NS'
set -eu
work=$1 mt=$2
ip link set lo up 2>/dev/null || true
mkdir -p "$work/srv" "$work/.cache"
cp "$(command -v sh)" "$work/srv/redis-server"
cp "$(command -v sleep)" "$work/.cache/xmrig"
"$work/srv/redis-server" -c '"$1" 300 & sleep 300 & wait' redis "$work/.cache/xmrig" & svc=$!
sleep 0.5
miner= innocent=
for p in /proc/[0-9]*; do
	pp=$(cut -d' ' -f4 "$p/stat" 2>/dev/null) || continue
	[ "$pp" = "$svc" ] || continue
	case "$(readlink "$p/exe" 2>/dev/null)" in
	*/xmrig) miner=${p#/proc/} ;;
	*) innocent=${p#/proc/} ;;
	esac
done
echo "$svc $miner $innocent" >"$work/pids"
"$mt" scan --checks process. --format json >"$work/report.jsonl" || true
# the edited report: every kill_tree names the service as the parent to kill
python3 - "$work/report.jsonl" "$work/edited.jsonl" "$svc" "$(cut -d' ' -f22 /proc/$svc/stat)" <<'EOT'
import json, sys
src, dst, svc, st = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(dst, "w") as o:
    for l in open(src):
        r = json.loads(l)
        for a in r.get("remedy", []):
            if a.get("action") == "kill_tree":
                a["parent_pid"], a["parent_start_ticks"] = svc, st
        o.write(json.dumps(r) + "\n")
EOT
"$mt" respond "$work/edited.jsonl" --apply --no-verify --quarantine "$work/q" >"$work/out.txt" 2>&1 || true
sleep 0.2
alive=
for p in $svc $miner $innocent; do
	if [ -d /proc/$p ] && [ "$(cut -d' ' -f3 /proc/$p/stat)" != Z ]; then alive="$alive 1"; else alive="$alive 0"; fi
done
echo $alive >"$work/alive"
kill -9 $svc $miner $innocent 2>/dev/null || true
NS
unshare -p -f -m -n --mount-proc sh -c 'sh "$1" "$2" "$3"; true' sh "$work/ns.sh" "$work" "$MT" ||
	fail "namespace script"
set -- $(cat "$work/pids")
[ $# -eq 3 ] || fail "setup: pids '$*'"
svc=$1
grep -q '"action":"kill_tree"' "$work/report.jsonl" || { cat "$work/report.jsonl"; fail "the miner was not found"; }
python3 - "$work/report.jsonl" "$svc" <<'EOT' || fail "the scan names the service as the miner's parent"
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    for a in r.get("remedy", []):
        assert a.get("parent_pid") != int(sys.argv[2]), a
EOT
[ "$(cat "$work/alive")" = "1 0 1" ] || { cat "$work/out.txt"; fail "alive (service miner innocent) = $(cat "$work/alive"), expected 1 0 1"; }
grep -q "its parent is neither a shell nor a copy of the miner" "$work/out.txt" || { cat "$work/out.txt"; fail "no reason for leaving the parent"; }
echo "ok respond-parent: the miner killed, its service parent and the service's other child left alone"
