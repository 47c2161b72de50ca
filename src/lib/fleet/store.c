/* store.c - the fleet database (SQLite): its schema and migrations, and ingest of
 * reports. Every line of a report is kept as it came (body), with the columns the report
 * queries on beside it, so nothing of a report is lost and a later minetrace can read
 * fields this one does not know. A report is known by the SHA-256 of its bytes:
 * ingesting it again changes nothing. docs/fleet.md describes the schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet_int.h"

/* Migration N takes the schema from version N to N + 1; never edit a released one. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE hosts ("
	"  id @ID@,"
	"  name TEXT NOT NULL UNIQUE," /* the host name, lower case (else the first address) */
	"  hostname TEXT NOT NULL,"
	"  os TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE host_addresses ("
	"  host_id INTEGER NOT NULL REFERENCES hosts(id),"
	"  address TEXT NOT NULL,"
	"  PRIMARY KEY (host_id, address));"
	"CREATE INDEX host_addresses_address ON host_addresses(address);"
	"CREATE TABLE reports ("
	"  id @ID@,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  host_id INTEGER REFERENCES hosts(id)," /* NULL for pcap reports */
	"  kind TEXT NOT NULL,"                   /* scan, timeline, pcap */
	"  name TEXT NOT NULL,"                   /* the file it came from */
	"  root TEXT NOT NULL DEFAULT '',"
	"  scan_time TEXT NOT NULL DEFAULT '',"
	"  version TEXT NOT NULL DEFAULT '',"
	"  verdict TEXT NOT NULL DEFAULT '',"
	"  ingested TEXT NOT NULL,"
	"  host_info TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE findings ("
	"  report_id INTEGER NOT NULL REFERENCES reports(id),"
	"  seq INTEGER NOT NULL,"
	"  finding_id TEXT NOT NULL,"
	"  check_id TEXT NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  PRIMARY KEY (report_id, seq));"
	"CREATE TABLE events ("
	"  report_id INTEGER NOT NULL REFERENCES reports(id),"
	"  seq INTEGER NOT NULL,"
	"  time TEXT NOT NULL,"
	"  what TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  PRIMARY KEY (report_id, seq));"
	"CREATE TABLE records (" /* summary, conclusion, pcap host lines */
	"  report_id INTEGER NOT NULL REFERENCES reports(id),"
	"  seq INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  PRIMARY KEY (report_id, seq));",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

static void set_msg(char *msg, size_t n, const char *what, mt_db *db)
{
	if (msg && n)
		snprintf(msg, n, "%s: %s", what, mt_db_errmsg(db));
}

/* migration text with @ID@ as this database writes an id column */
static char *dialect(const mt_db *db, const char *sql)
{
	mt_buf b;
	mt_buf_init(&b, 1u << 20);
	for (const char *p = sql; *p;) {
		const char *m = strstr(p, "@ID@");
		if (!m) {
			mt_buf_adds(&b, p);
			break;
		}
		mt_buf_add(&b, p, (size_t)(m - p));
		mt_buf_adds(&b, db->ops->id_col);
		p = m + 4;
	}
	if (b.err != MT_OK || !b.data) {
		mt_buf_free(&b);
		return NULL;
	}
	return b.data; /* the caller's */
}

mt_err mt_fleet_open(const char *path, mt_fleet **out, char *msg, size_t msglen)
{
	*out = NULL;
	mt_fleet *f = calloc(1, sizeof(*f));
	if (!f)
		return MT_ERR_NOMEM;
	mt_err e = mt_db_open(path, &f->db, msg, msglen);
	if (e != MT_OK) {
		free(f);
		return e;
	}
	/* the version table first (outside the lock: CREATE IF NOT EXISTS is safe twice) */
	if (mt_db_exec(&f->db, "CREATE TABLE IF NOT EXISTS mt_schema (version INTEGER NOT NULL)") !=
	            0 ||
	    mt_db_exec(&f->db, f->db.ops->begin) != 0) {
		set_msg(msg, msglen, "cannot prepare the database", &f->db);
		mt_fleet_close(f);
		return MT_ERR_IO;
	}
	if (!strcmp(f->db.ops->name, "postgresql"))
		mt_db_exec(&f->db, "LOCK TABLE mt_schema IN ACCESS EXCLUSIVE MODE");
	int64_t v = mt_db_one(&f->db, "SELECT COALESCE(MAX(version), 0) FROM mt_schema", NULL, 0);
	if (v < 0 || v > SCHEMA_VERSION) {
		if (v < 0)
			set_msg(msg, msglen, "reading the schema version", &f->db);
		else if (msg)
			snprintf(msg, msglen,
			         "schema version %lld is newer than this minetrace's (%d)",
			         (long long)v, SCHEMA_VERSION);
		mt_db_exec(&f->db, "ROLLBACK");
		mt_fleet_close(f);
		return v < 0 ? MT_ERR_IO : MT_ERR_UNSUPPORTED;
	}
	for (; v < SCHEMA_VERSION; v++) {
		char *sql = dialect(&f->db, migrations[v]);
		mt_dbarg a[] = {DB_I(v + 1)};
		mt_dbcur *c = NULL;
		int ok = sql && mt_db_exec(&f->db, sql) == 0 &&
		         (c = mt_db_query(&f->db, "INSERT INTO mt_schema (version) VALUES (?)", a,
		                          1)) &&
		         mt_db_next(&f->db, c) == 0;
		mt_db_done(&f->db, c);
		free(sql);
		if (!ok) {
			set_msg(msg, msglen, "migrating the schema", &f->db);
			mt_db_exec(&f->db, "ROLLBACK");
			mt_fleet_close(f);
			return MT_ERR_IO;
		}
	}
	if (mt_db_exec(&f->db, "COMMIT") != 0) {
		set_msg(msg, msglen, "migrating the schema", &f->db);
		mt_fleet_close(f);
		return MT_ERR_IO;
	}
	*out = f;
	return MT_OK;
}

void mt_fleet_close(mt_fleet *f)
{
	if (!f)
		return;
	mt_db_close(&f->db);
	free(f);
}

/* ---- ingest ---- */

typedef struct line {
	const char *s;
	size_t n;
	mt_json *j; /* kept for host_info, summary and conclusion only; the others' trees are
	             * freed once read: a report of a million lines holds only these fields */
	char type[32], a[40], b[64], c[16]; /* finding: id, check, severity; event: time, what */
	int is_hi;
} line;

/* an INSERT ... RETURNING id: the new id, 0 when nothing was inserted, -1 an error */
static int64_t insert(mt_db *db, const char *sql, const mt_dbarg *a, size_t n)
{
	return mt_db_one(db, sql, a, n);
}

static int64_t lookup(mt_db *db, const char *sql, const char *key)
{
	mt_dbarg a[] = {DB_S(key)};
	return mt_db_one(db, sql, a, 1);
}

/* the host a scan or timeline report is about: by its name, else by an address it
 * shares with a known host, else new */
static int64_t host_of(mt_db *db, const mt_json *hi, const char *report_name)
{
	const char *hn = hi ? mt_json_str(hi, "hostname") : NULL;
	const mt_json *addrs = hi ? mt_json_get(hi, "addresses") : NULL;
	const char *first = NULL;
	if (addrs && addrs->type == MT_JSON_ARR && addrs->child &&
	    addrs->child->type == MT_JSON_STR)
		first = addrs->child->str;
	char name[320];
	if (hn && hn[0]) {
		size_t i = 0;
		for (; hn[i] && i < sizeof(name) - 1; i++)
			name[i] = (char)(hn[i] >= 'A' && hn[i] <= 'Z' ? hn[i] - 'A' + 'a' : hn[i]);
		name[i] = '\0';
	} else {
		int64_t id = first ? lookup(db,
		                            "SELECT host_id FROM host_addresses WHERE address = ? "
		                            "ORDER BY host_id LIMIT 1",
		                            first)
		                   : 0;
		if (id)
			return id;
		snprintf(name, sizeof(name), "%s", first ? first : report_name);
	}
	int64_t id = lookup(db, "SELECT id FROM hosts WHERE name = ?", name);
	if (id)
		return id;
	const char *os = hi ? mt_json_str(hi, "os") : "";
	const char *shown = hn && hn[0] ? hn : name;
	mt_dbarg a[] = {DB_S(name), DB_S(shown), DB_S(os)};
	return insert(db, "INSERT INTO hosts (name, hostname, os) VALUES (?, ?, ?) RETURNING id", a,
	              3);
}

static void free_lines(line *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mt_json_free(v[i].j);
	free(v);
}

mt_err mt_fleet_ingest(mt_fleet *f, const char *name, const char *data, size_t len,
                       mt_ingest_result *res, char *msg, size_t msglen)
{
	char sha[65];
	mt_sha256_hex(data, len, sha);
	*res = MT_INGEST_ADDED;
	int64_t known = lookup(&f->db, "SELECT id FROM reports WHERE sha256 = ?", sha);
	if (known < 0) {
		set_msg(msg, msglen, "reading the database", &f->db);
		return MT_ERR_IO;
	}
	if (known) {
		*res = MT_INGEST_KNOWN;
		return MT_OK;
	}
	/* parse every line first: a report that is not whole is refused whole */
	line *v = NULL;
	size_t n = 0, cap = 0, lineno = 0;
	const mt_json *hi = NULL, *summary = NULL, *conclusion = NULL;
	for (size_t i = 0; i < len;) {
		const char *e = memchr(data + i, '\n', len - i);
		size_t l = e ? (size_t)(e - (data + i)) : len - i;
		lineno++;
		size_t at;
		if (l == 0 || (l == 1 && data[i] == '\r')) {
			i += l + 1;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			line *nv =
				cap <= SIZE_MAX / sizeof(*v) ? realloc(v, cap * sizeof(*v)) : NULL;
			if (!nv) {
				free_lines(v, n);
				return MT_ERR_NOMEM;
			}
			v = nv;
		}
		line *L = &v[n];
		L->s = data + i;
		L->n = l;
		memset(L, 0, sizeof(*L));
		L->s = data + i;
		L->n = l;
		mt_err pe = mt_json_parse(data + i, l, &L->j, &at);
		const char *type = pe == MT_OK ? mt_json_str(L->j, "type") : NULL;
		if (pe != MT_OK || !type || strlen(type) >= sizeof(L->type)) {
			if (msg)
				snprintf(msg, msglen, "%s line %zu: %s", name, lineno,
				         pe != MT_OK ? "not JSON (not a minetrace report)"
				         : !type     ? "a record without \"type\""
				                     : "an unknown record type");
			if (pe == MT_OK)
				mt_json_free(L->j);
			free_lines(v, n);
			return pe == MT_ERR_NOMEM ? pe : MT_ERR_PARSE;
		}
		mt_copy(L->type, sizeof(L->type), type);
		n++;
		int keep = 0;
		if (!strcmp(type, "host_info") && !hi)
			hi = L->j, keep = L->is_hi = 1;
		else if (!strcmp(type, "summary") && !summary)
			summary = L->j, keep = 1;
		else if (!strcmp(type, "conclusion") && !conclusion)
			conclusion = L->j, keep = 1;
		const char *ka = NULL, *kb = NULL, *kc = NULL;
		if (!strcmp(type, "finding"))
			ka = mt_json_str(L->j, "id"), kb = mt_json_str(L->j, "check"),
			kc = mt_json_str(L->j, "severity");
		else if (!strcmp(type, "event"))
			ka = mt_json_str(L->j, "time"), kb = mt_json_str(L->j, "what");
		mt_copy(L->a, sizeof(L->a), ka ? ka : "");
		mt_copy(L->b, sizeof(L->b), kb ? kb : "");
		mt_copy(L->c, sizeof(L->c), kc ? kc : "");
		if (!keep) {
			mt_json_free(L->j);
			L->j = NULL;
		}
		i += l + 1;
	}
	const char *kind = hi ? mt_json_str(hi, "report") : NULL;
	if (!kind)
		kind = conclusion ? "timeline" : summary ? "scan" : NULL;
	if (!kind || (!summary && !conclusion) ||
	    (strcmp(kind, "scan") && strcmp(kind, "timeline") && strcmp(kind, "pcap"))) {
		if (msg)
			snprintf(msg, msglen,
			         "%s: no summary or conclusion: not a report of minetrace scan, "
			         "timeline or pcap --format json",
			         name);
		free_lines(v, n);
		return MT_ERR_PARSE;
	}
	mt_err err = MT_OK;
	if (mt_db_exec(&f->db, f->db.ops->begin) != 0) {
		set_msg(msg, msglen, "cannot lock the database", &f->db);
		free_lines(v, n);
		return MT_ERR_IO;
	}
	int64_t host = 0;
	if (strcmp(kind, "pcap") != 0) {
		host = host_of(&f->db, hi, name);
		const mt_json *addrs = hi ? mt_json_get(hi, "addresses") : NULL;
		for (const mt_json *a = addrs && addrs->type == MT_JSON_ARR ? addrs->child : NULL;
		     a && host > 0; a = a->next)
			if (a->type == MT_JSON_STR) {
				mt_dbarg ha[] = {DB_I(host), DB_S(a->str)};
				insert(&f->db,
				       "INSERT INTO host_addresses (host_id, address) VALUES (?, ?) "
				       "ON CONFLICT DO NOTHING",
				       ha, 2);
			}
		if (host <= 0)
			err = MT_ERR_IO;
	}
	char now[40];
	mt_time_iso((int64_t)time(NULL), now, sizeof(now));
	const char *verdict = summary ? mt_json_str(summary, "verdict") : NULL;
	if (!verdict && conclusion)
		verdict = mt_json_get(conclusion, "initial_access") &&
		                          mt_json_get(conclusion, "initial_access")->type ==
		                                  MT_JSON_OBJ
		                  ? "attack"
		                  : "";
	char *hitext = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].is_hi)
			hitext = strndup(v[i].s, v[i].n);
	const char *root = hi ? mt_json_str(hi, "root") : "";
	const char *stime = hi ? mt_json_str(hi, "scan_time") : "";
	const char *ver = hi ? mt_json_str(hi, "version") : "";
	int64_t rep = -1;
	if (err == MT_OK) {
		mt_dbarg ra[] = {DB_S(sha), DB_S(kind),    DB_S(name), DB_S(root),   DB_S(stime),
		                 DB_S(ver), DB_S(verdict), DB_S(now),  DB_S(hitext), DB_I(host)};
		rep = insert(&f->db,
		             host ? "INSERT INTO reports (sha256, kind, name, root, scan_time, "
		                    "version, verdict, ingested, host_info, host_id) VALUES "
		                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
		                  : "INSERT INTO reports (sha256, kind, name, root, scan_time, "
		                    "version, verdict, ingested, host_info) VALUES "
		                    "(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		             ra, host ? 10 : 9);
		if (rep <= 0)
			err = MT_ERR_IO;
	}
	free(hitext);
	for (size_t i = 0; i < n && err == MT_OK; i++) {
		line *L = &v[i];
		char *body = strndup(L->s, L->n);
		if (!body) {
			err = MT_ERR_NOMEM;
			break;
		}
		int64_t r;
		if (!strcmp(L->type, "finding")) {
			mt_dbarg fa[] = {DB_I(rep),  DB_I((int64_t)i), DB_S(L->a),
			                 DB_S(L->b), DB_S(L->c),       DB_S(body)};
			r = insert(&f->db,
			           "INSERT INTO findings (report_id, seq, finding_id, check_id, "
			           "severity, body) VALUES (?, ?, ?, ?, ?, ?)",
			           fa, 6);
		} else if (!strcmp(L->type, "event")) {
			mt_dbarg ea[] = {DB_I(rep), DB_I((int64_t)i), DB_S(L->a), DB_S(L->b),
			                 DB_S(body)};
			r = insert(&f->db,
			           "INSERT INTO events (report_id, seq, time, what, body) VALUES "
			           "(?, ?, ?, ?, ?)",
			           ea, 5);
		} else if (L->is_hi) {
			r = 1;
		} else {
			mt_dbarg xa[] = {DB_I(rep), DB_I((int64_t)i), DB_S(L->type), DB_S(body)};
			r = insert(
				&f->db,
				"INSERT INTO records (report_id, seq, type, body) VALUES (?, ?, ?, ?)",
				xa, 4);
		}
		free(body);
		if (r < 0)
			err = MT_ERR_IO;
	}
	if (err == MT_OK && mt_db_exec(&f->db, "COMMIT") != 0)
		err = MT_ERR_IO;
	if (err != MT_OK) {
		set_msg(msg, msglen, "storing the report", &f->db);
		mt_db_exec(&f->db, "ROLLBACK");
	}
	free_lines(v, n);
	return err;
}
