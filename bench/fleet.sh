#!/bin/sh
# bench/fleet.sh - the fleet at size (issue 18): 1,000 synthetic hosts, each a scan report
# of 100 findings and a timeline of 20 events (logins between hosts, so the report has
# edges to reason about), ingested into SQLite and then reported; the same into
# PostgreSQL (started here in a temporary directory on a Unix socket, as tests/fleet/pg.sh
# does) when Debian's server is installed. The peer in the same run is Python's sqlite3
# module inserting the same lines into the same kind of table, one transaction a report:
# the cost of the SQL alone. Goal: ingest + report on SQLite under 10 s.
#   sh bench/fleet.sh [HOSTS]      (MINETRACE=build/minetrace)
set -eu
MT=${MINETRACE:-build/minetrace}
N=${1:-1000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-fleet.XXXXXX")
chmod 755 "$dir"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
pgup=0
cleanup() {
	[ $pgup = 1 ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
python3 - "$dir/r" "$N" <<'EOT'
import json, os, random, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
random.seed(7)
sev = ["info", "low", "medium", "high", "critical"]
for h in range(n):
    ip = "10.%d.%d.%d" % (h // 65536 % 256, h // 256 % 256, h % 256 + 1 if h % 256 < 255 else 1)
    name = "host-%04d" % h
    hi = {"type": "host_info", "hostname": name, "addresses": [ip], "address_source": "interfaces",
          "os": "Debian GNU/Linux 12 (bookworm)", "root": "/", "report": "scan", "version": "0.1.0",
          "scan_time": "2024-06-01T10:00:00+00:00"}
    infected = h % 4 == 0
    with open(os.path.join(d, name + ".scan.jsonl"), "w") as f:
        f.write(json.dumps(hi) + "\n")
        counts = dict((s, 0) for s in sev)
        for i in range(100):
            s = sev[4 if infected and i < 3 else i % 3]
            counts[s] += 1
            f.write(json.dumps({"type": "finding", "id": "MT-%016x" % (h * 1000 + i), "check": "files.suspicious",
                                "severity": s, "confidence": 80, "title": "t", "title_en": "t", "title_zh": "t",
                                "attack": "T1496", "evidence": {"path": "/tmp/f%d" % i, "sha256": "%064x" % (i % 7),
                                "family": "xmrig" if i < 3 else ""}, "remedy": []}) + "\n")
        f.write(json.dumps({"type": "summary", "version": "0.1.0", "root": "/", "counts": counts, "total": 100,
                            "verdict": "compromised" if infected else "suspicious", "incidents": []}) + "\n")
    hi["report"] = "timeline"
    with open(os.path.join(d, name + ".tl.jsonl"), "w") as f:
        f.write(json.dumps(hi) + "\n")
        for k in range(20):
            src = random.randrange(n)
            sip = "10.%d.%d.%d" % (src // 65536 % 256, src // 256 % 256, src % 256 + 1 if src % 256 < 255 else 1)
            f.write(json.dumps({"type": "event", "time": "2024-06-01T%02d:%02d:00+00:00" % (k, h % 60),
                                "source": "/var/log/auth.log", "what": "ssh_accepted" if k % 3 else "ssh_failed",
                                "text": "x", "evidence": {"user": "ops", "source_ip": sip, "method": "password",
                                "count": 3}}) + "\n")
        win = {"start": "2024-06-01T%02d:00:00+00:00" % (h % 24), "end": "2024-06-01T23:00:00+00:00",
               "anchor": "artifact_times"} if infected else None
        f.write(json.dumps({"type": "conclusion", "initial_access": None, "window": win}) + "\n")
EOT
secs() { python3 -c 'import sys,time; print("%.2f" % (time.time() - float(sys.argv[1])))' "$1"; }
now() { python3 -c 'import time; print(time.time())'; }
t0=$(now)
"$MT" fleet ingest --db "$dir/f.db" "$dir"/r/*.jsonl
ing=$(secs "$t0")
t0=$(now)
"$MT" fleet report --db "$dir/f.db" --format json >"$dir/rep.jsonl" || true
rep=$(secs "$t0")
t0=$(now)
python3 - "$dir/peer.db" "$dir/r" <<'EOT'
import glob, json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("pragma journal_mode = wal")
c.execute("pragma synchronous = normal")  # as minetrace opens its database
c.execute("create table lines (report integer, seq integer, type text, body text)")
for r, p in enumerate(sorted(glob.glob(sys.argv[2] + "/*.jsonl"))):
    with c:
        for i, l in enumerate(open(p)):
            c.execute("insert into lines values (?, ?, ?, ?)", (r, i, json.loads(l)["type"], l))
EOT
peer=$(secs "$t0")
edges=$(grep -c '"type":"propagation"\|"type":"attempt"\|"type":"ruled_out"' "$dir/rep.jsonl" || true)
printf '%-34s %8s %8s %8s\n' "fleet of $N hosts (2 reports each)" ingest report total
printf '%-34s %8s %8s %8s\n' "minetrace, SQLite" "$ing" "$rep" "$(python3 -c "print('%.2f' % ($ing + $rep))")"
printf '%-34s %8s %8s %8s\n' "python sqlite3 (the peer: SQL only)" "$peer" "-" "$peer"
python3 -c "print('ratio minetrace ingest / peer: %.2fx; goal ingest + report < 10 s: %s; %s edges reasoned about' % ($ing / max($peer, 0.01), 'met' if $ing + $rep < 10 else 'NOT met', '$edges'))"
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] && [ "$(id -u)" = 0 ]; then
	mkdir "$dir/pg" "$dir/sock" "$dir/log"
	chown postgres "$dir/pg" "$dir/sock" "$dir/log"
	runuser -u postgres -- "$PGBIN/initdb" -D "$dir/pg" -A trust -U postgres >/dev/null 2>&1
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/log/pg.log" -w \
		-o "-k $dir/sock -c listen_addresses= -c fsync=off" start >/dev/null && pgup=1
	runuser -u postgres -- "$PGBIN/createdb" -h "$dir/sock" fleet
	uri="postgresql:///fleet?host=$dir/sock&user=postgres"
	t0=$(now)
	"$MT" fleet ingest --db "$uri" "$dir"/r/*.jsonl
	ing=$(secs "$t0")
	t0=$(now)
	"$MT" fleet report --db "$uri" --format json >/dev/null || true
	rep=$(secs "$t0")
	printf '%-34s %8s %8s %8s\n' "minetrace, PostgreSQL (socket)" "$ing" "$rep" "$(python3 -c "print('%.2f' % ($ing + $rep))")"
fi
