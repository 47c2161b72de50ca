#!/bin/sh
# pg.sh - tests/fleet/run.sh against PostgreSQL: Debian's server, started by this test as
# the postgres user in a temporary directory, on a Unix socket only (no TCP), trust
# authentication, two databases; stopped and removed at the end.
set -u
here=$(cd "$(dirname "$0")" && pwd)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || { echo "FAIL fleet-pg: no PostgreSQL server (apt-get install postgresql)"; exit 1; }
id postgres >/dev/null 2>&1 || { echo "FAIL fleet-pg: no postgres user"; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
mkdir "$work/data" "$work/sock" "$work/log"
chown postgres "$work/data" "$work/sock" "$work/log"
as_pg() { runuser -u postgres -- "$@"; }
stop() {
	as_pg "$PGBIN/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM HUP PIPE
as_pg "$PGBIN/initdb" -D "$work/data" -A trust -U postgres >"$work/initdb.log" 2>&1 ||
	{ cat "$work/initdb.log"; echo "FAIL fleet-pg: initdb"; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$work/data" -l "$work/log/pg.log" -w \
	-o "-k $work/sock -c listen_addresses= -c fsync=off" start >/dev/null ||
	{ cat "$work/log/pg.log"; echo "FAIL fleet-pg: the server did not start"; exit 1; }
for d in fleet fleetwin fleetpsexec; do
	as_pg "$PGBIN/createdb" -h "$work/sock" "$d" || { echo "FAIL fleet-pg: createdb $d"; exit 1; }
done
FLEET_DB="postgresql:///fleet?host=$work/sock&user=postgres" \
FLEET_DB_WIN="postgresql:///fleetwin?host=$work/sock&user=postgres" \
FLEET_DB_PSEXEC="postgresql:///fleetpsexec?host=$work/sock&user=postgres" \
PSQL="$PGBIN/psql" sh "$here/run.sh"
