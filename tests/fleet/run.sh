#!/bin/sh
# run.sh - the fleet: one network of hosts (mknet.py: the attacker enters web1 from
# outside, hops to app2 with a stolen password, fails on db3; the operators' routine login
# from bastion to app2 the evening before), each scanned and its timeline made by
# minetrace, the reports ingested into one SQLite database, and the fleet report read:
# patient zero, the edge, the attempt, the ruled-out login, the bystanders. Ingesting a
# report again changes nothing; a file that is no report is refused and stores nothing.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL fleet: $*"; exit 1; }
sh "$here/mkfleet.sh" linux "$work" || exit 1
# FLEET_DB / FLEET_DB_WIN / FLEET_DB_PSEXEC: the databases to use (tests/fleet/pg.sh gives
# PostgreSQL ones); SQLite files in the scratch directory otherwise
db=${FLEET_DB:-$work/fleet.db}
"$MT" fleet ingest --db "$db" "$work"/*.scan.jsonl "$work"/*.tl.jsonl 2>"$work/ingest.err" ||
	{ cat "$work/ingest.err"; fail "ingest"; }
count() {
	if [ -n "${FLEET_DB:-}" ]; then
		for t in hosts host_addresses reports findings events records; do
			"${PSQL:-psql}" -At "$db" -c "select count(*) from $t"
		done | tr '\n' ' '
	else
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(" ".join(str(c.execute("select count(*) from "+t).fetchone()[0]) for t in ("hosts","host_addresses","reports","findings","events","records")))' "$db"
	fi
}
before=$(count)
"$MT" fleet ingest --db "$db" "$work/web1.scan.jsonl" - <"$work/app2.tl.jsonl" 2>"$work/ingest.err" ||
	{ cat "$work/ingest.err"; fail "ingest again"; }
[ "$(count)" = "$before" ] || fail "ingesting the same reports again changed the database: $before -> $(count)"
printf 'not a report\n' >"$work/junk.jsonl"
head -c 300 "$work/web1.scan.jsonl" >"$work/cut.jsonl"
for bad in junk cut; do
	rc=0
	"$MT" fleet ingest --db "$db" "$work/$bad.jsonl" 2>"$work/bad.err" || rc=$?
	[ $rc -eq 2 ] && grep -q "refused" "$work/bad.err" || fail "$bad: exit $rc, $(cat "$work/bad.err")"
done
[ "$(count)" = "$before" ] || fail "a refused report left rows: $before -> $(count)"
rc=0
"$MT" fleet report --db "$db" --format json >"$work/fleet.jsonl" || rc=$?
[ $rc -eq 1 ] || fail "fleet report: exit $rc, expected 1 (infected hosts)"
python3 - "$work/fleet.jsonl" <<'EOT' || fail "the fleet report"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
hosts = {o["host"]: o for o in objs if o["type"] == "fleet_host"}
assert sorted(hosts) == ["app2.corp.example", "bastion.corp.example", "db3.corp.example", "web1.corp.example"], hosts
assert [h for h in hosts if hosts[h]["infected"]] == ["app2.corp.example", "web1.corp.example"], hosts
assert hosts["web1.corp.example"]["addresses"] == ["10.50.0.11"] and hosts["db3.corp.example"]["addresses"] == ["10.50.0.13"]
pz = [o for o in objs if o["type"] == "patient_zero"]
assert len(pz) == 1 and pz[0]["host"] == "web1.corp.example", pz
assert pz[0]["source"] == "198.51.100.66" and pz[0]["user"] == "root" and pz[0]["time"] == "2024-03-10T01:06:10+00:00", pz
assert pz[0]["chain"] == [{"from": "web1.corp.example", "to": "app2.corp.example", "time": "2024-03-10T02:10:00+00:00", "method": "login password"}], pz
prop = [o for o in objs if o["type"] == "propagation"]
assert len(prop) == 1 and prop[0]["from"] == "web1.corp.example" and prop[0]["to"] == "app2.corp.example" and prop[0]["user"] == "deploy", prop
att = [o for o in objs if o["type"] == "attempt"]
assert len(att) == 1 and att[0]["to"] == "db3.corp.example" and att[0]["count"] == 8 and att[0]["method"] == "failed login", att
ro = [o for o in objs if o["type"] == "ruled_out" and o["to"] == "app2.corp.example"]
assert len(ro) == 1 and ro[0]["from"] == "bastion.corp.example" and ro[0]["time"] == "2024-03-09T18:00:02+00:00", ro
assert hosts["app2.corp.example"]["way_in"]["host"] == "web1.corp.example", hosts["app2.corp.example"]
s = objs[-1]
assert s["type"] == "fleet_summary" and s["hosts"] == 4 and s["infected"] == 2 and s["patient_zero"] == "web1.corp.example", s
print("fleet: patient zero web1 from 198.51.100.66, web1 -> app2, an attempt on db3 (8 failures), bastion's login ruled out")
EOT
"$MT" fleet report --db "$db" --lang zh >"$work/fleet.zh" || true
grep -q "零号病人: web1.corp.example" "$work/fleet.zh" && grep -q "例行登录, 不是入侵入口" "$work/fleet.zh" &&
	! grep -q "routine login" "$work/fleet.zh" || { cat "$work/fleet.zh"; fail "text report (zh): the verdict and the reasons in Chinese"; }
grep -q '"why_zh":"bastion.corp.example 未见失陷迹象' "$work/fleet.jsonl" || fail "JSON edges without their Chinese reason"
"$MT" fleet report --db "$db" >"$work/fleet.en" || true
grep -q "Patient zero: web1.corp.example" "$work/fleet.en" && grep -q "Ruled out:" "$work/fleet.en" ||
	{ cat "$work/fleet.en"; fail "text report (en)"; }
[ "$(wc -l <"$work/fleet.en")" -le 40 ] || fail "the text report is longer than a screen"
# usage
rc=0; "$MT" fleet report >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "report without --db: exit $rc"
rc=0; "$MT" fleet bogus >/dev/null 2>&1 || rc=$?; [ $rc -eq 2 ] || fail "fleet bogus: exit $rc"
rc=0; "$MT" fleet report --db "postgresql://u:topsecret@/x?host=$work/nosock&password=alsosecret" >/dev/null 2>"$work/err" || rc=$?
[ $rc -eq 2 ] && ! grep -q "secret" "$work/err" || fail "a database URI's password shown in the error: $(cat "$work/err")"
MTS=$(dirname "$MT")/minetrace-static
if [ -x "$MTS" ]; then
	rc=0; "$MTS" fleet report --db "postgresql:///x?host=$work/nosock" >/dev/null 2>"$work/err" || rc=$?
	[ $rc -eq 2 ] && grep -q "no PostgreSQL client" "$work/err" || fail "static binary and PostgreSQL: exit $rc, $(cat "$work/err")"
fi
printf 'x' >"$work/notdb"; rc=0
"$MT" fleet report --db "$work/notdb" >/dev/null 2>"$work/err" || rc=$?
[ $rc -eq 2 ] || fail "a file that is no database: exit $rc"
# Windows logons: a network logon then the PSEXESVC service (reports as minetrace writes
# them, tests/fleet/psexec.py)
p=$work/psexec
mkdir -p "$p"
python3 "$here/psexec.py" "$p" || fail "psexec.py"
pdb=${FLEET_DB_PSEXEC:-$p/fleet.db}
"$MT" fleet ingest --db "$pdb" "$p"/*.jsonl || fail "psexec ingest"
"$MT" fleet report --db "$pdb" --format json >"$p/fleet.jsonl"
python3 - "$p/fleet.jsonl" <<'EOT' || fail "the PsExec fleet"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
prop = [o for o in objs if o["type"] == "propagation"]
assert len(prop) == 1 and prop[0]["from"] == "ws-1" and prop[0]["to"] == "srv-2", prop
assert prop[0]["method"] == "login network (3) + psexec service" and "PSEXESVC" in prop[0]["why"], prop
att = [o for o in objs if o["type"] == "attempt"]
assert len(att) == 1 and att[0]["to"] == "fs-3" and "psexec" not in att[0]["method"], att
pz = [o for o in objs if o["type"] == "patient_zero"]
assert pz and pz[0]["host"] == "ws-1" and pz[0]["source"] == "185.220.101.7", pz
print("fleet: Windows logons: ws-1 -> srv-2 by a network logon and PSEXESVC; fs-3 an attempt; patient zero ws-1 from 185.220.101.7")
EOT

# Windows: two WannaMine hosts and the real EternalBlue and DoublePulsar captures between
# their addresses; no logins join them, the captures do
w=$work/win
sh "$here/mkfleet.sh" windows "$w"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 3 ] || exit 1
if [ $rc -eq 0 ]; then
	wdb=${FLEET_DB_WIN:-$w/fleet.db}
	"$MT" fleet ingest --db "$wdb" "$w"/*.jsonl 2>"$w/err" || { cat "$w/err"; fail "windows ingest"; }
	"$MT" fleet report --db "$wdb" --format json >"$w/fleet.jsonl"
	python3 - "$w/fleet.jsonl" <<'EOT' || fail "the Windows fleet report"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
hosts = {o["host"]: o for o in objs if o["type"] == "fleet_host"}
assert sorted(hosts) == ["srv-b", "ws-a"] and all(h["infected"] for h in hosts.values()), hosts
assert hosts["srv-b"]["addresses"] == ["192.168.198.203"], hosts["srv-b"]
pz = [o for o in objs if o["type"] == "patient_zero"]
assert pz and pz[0]["host"] == "ws-a", pz
prop = sorted((o["from"], o["to"], o["method"]) for o in objs if o["type"] == "propagation")
assert prop == [("ws-a", "srv-b", "doublepulsar"), ("ws-a", "srv-b", "eternalblue")], prop
groups = {(o["what"], o["value"]): o for o in objs if o["type"] == "group"}
g = groups.get(("exposure", "ms17_010_missing"))
assert g and g["all_infected"] and sorted(g["hosts"]) == ["srv-b", "ws-a"], groups
assert [o for o in groups.values() if o["what"] == "miner" and o["all_infected"]], groups
print("fleet: Windows: ws-a -> srv-b by EternalBlue and DoublePulsar from the captures; every infected host lacks MS17-010 and shares the miner")
EOT
else
	echo "skip fleet Windows part: no captures or no hivexregedit"
fi
echo "fleet: all passed${FLEET_DB:+ (PostgreSQL)}"
