/* store.c - the fleet database (SQLite): its schema and migrations, and ingest of
 * reports. Every line of a report is kept as it came (body), with the columns the report
 * queries on beside it, so nothing of a report is lost and a later minetrace can read
 * fields this one does not know. A report is known by the SHA-256 of its bytes:
 * ingesting it again changes nothing. docs/fleet.md describes the schema. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fleet_int.h"

/* Migration N takes the schema from version N to N + 1; never edit a released one. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE hosts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE," /* the host name, lower case (else the first address) */
	"  hostname TEXT NOT NULL,"
	"  os TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE host_addresses ("
	"  host_id INTEGER NOT NULL REFERENCES hosts(id),"
	"  address TEXT NOT NULL,"
	"  PRIMARY KEY (host_id, address));"
	"CREATE INDEX host_addresses_address ON host_addresses(address);"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
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

static void set_msg(char *msg, size_t n, const char *what, sqlite3 *db)
{
	if (msg && n)
		snprintf(msg, n, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

mt_err mt_fleet_open(const char *path, mt_fleet **out, char *msg, size_t msglen)
{
	*out = NULL;
	/* an existing file that is not SQLite is never written over (SQLite would take a
	 * short one for an empty database) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		char head[16];
		struct stat st;
		ssize_t r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, 16) : -2;
		close(fd);
		if (r == -2 || (r != 0 && (r != 16 || memcmp(head, "SQLite format 3", 16) != 0))) {
			if (msg)
				snprintf(msg, msglen, "%s",
				         r == -2 ? "not a regular file"
				                 : "the file is not an SQLite database");
			return MT_ERR_UNSUPPORTED;
		}
	}
	mt_fleet *f = calloc(1, sizeof(*f));
	if (!f)
		return MT_ERR_NOMEM;
	if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		set_msg(msg, msglen, "cannot open the database", f->db);
		mt_fleet_close(f);
		return MT_ERR_IO;
	}
	sqlite3_busy_timeout(f->db, 10000); /* several ingests at once wait for each other */
	exec(f->db, "PRAGMA foreign_keys = ON");
	if (exec(f->db, "BEGIN IMMEDIATE") != 0) {
		set_msg(msg, msglen, "cannot lock the database", f->db);
		mt_fleet_close(f);
		return MT_ERR_IO;
	}
	int v = user_version(f->db);
	if (v < 0 || v > SCHEMA_VERSION) {
		if (msg)
			snprintf(msg, msglen,
			         v < 0 ? "not a database (or not SQLite)"
			               : "schema version %d is newer than this minetrace's (%d)",
			         v, SCHEMA_VERSION);
		exec(f->db, "ROLLBACK");
		mt_fleet_close(f);
		return MT_ERR_UNSUPPORTED;
	}
	for (; v < SCHEMA_VERSION; v++) {
		char pragma[48];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (exec(f->db, migrations[v]) != 0 || exec(f->db, pragma) != 0) {
			set_msg(msg, msglen, "migrating the schema", f->db);
			exec(f->db, "ROLLBACK");
			mt_fleet_close(f);
			return MT_ERR_IO;
		}
	}
	if (exec(f->db, "COMMIT") != 0) {
		set_msg(msg, msglen, "migrating the schema", f->db);
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
	sqlite3_close(f->db);
	free(f);
}

/* ---- ingest ---- */

typedef struct line {
	const char *s;
	size_t n;
	mt_json *j;
	const char *type;
} line;

static int64_t insert(sqlite3 *db, const char *sql, const char *const *text, size_t ntext,
                      const int64_t *ints, size_t nints)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int k = 1;
	for (size_t i = 0; i < nints; i++)
		sqlite3_bind_int64(st, k++, ints[i]);
	for (size_t i = 0; i < ntext; i++)
		sqlite3_bind_text(st, k++, text[i] ? text[i] : "", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? sqlite3_last_insert_rowid(db) : -1;
}

static int64_t lookup(sqlite3 *db, const char *sql, const char *key)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		id = -1;
	sqlite3_finalize(st);
	return id;
}

/* the host a scan or timeline report is about: by its name, else by an address it
 * shares with a known host, else new */
static int64_t host_of(sqlite3 *db, const mt_json *hi, const char *report_name)
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
	const char *t[] = {name, hn && hn[0] ? hn : name, hi ? mt_json_str(hi, "os") : ""};
	return insert(db, "INSERT INTO hosts (name, hostname, os) VALUES (?, ?, ?)", t, 3, NULL, 0);
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
	int64_t known = lookup(f->db, "SELECT id FROM reports WHERE sha256 = ?", sha);
	if (known < 0) {
		set_msg(msg, msglen, "reading the database", f->db);
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
		mt_err pe = mt_json_parse(data + i, l, &L->j, &at);
		L->type = pe == MT_OK ? mt_json_str(L->j, "type") : NULL;
		if (pe != MT_OK || !L->type) {
			if (msg)
				snprintf(msg, msglen, "%s line %zu: %s", name, lineno,
				         pe == MT_OK ? "a record without \"type\""
				                     : "not JSON (not a minetrace report)");
			if (pe == MT_OK)
				mt_json_free(L->j);
			free_lines(v, n);
			return pe == MT_ERR_NOMEM ? pe : MT_ERR_PARSE;
		}
		n++;
		if (!strcmp(L->type, "host_info") && !hi)
			hi = L->j;
		else if (!strcmp(L->type, "summary"))
			summary = L->j;
		else if (!strcmp(L->type, "conclusion"))
			conclusion = L->j;
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
	if (exec(f->db, "BEGIN IMMEDIATE") != 0) {
		set_msg(msg, msglen, "cannot lock the database", f->db);
		free_lines(v, n);
		return MT_ERR_IO;
	}
	int64_t host = 0;
	if (strcmp(kind, "pcap") != 0) {
		host = host_of(f->db, hi, name);
		const mt_json *addrs = hi ? mt_json_get(hi, "addresses") : NULL;
		for (const mt_json *a = addrs && addrs->type == MT_JSON_ARR ? addrs->child : NULL;
		     a && host > 0; a = a->next)
			if (a->type == MT_JSON_STR) {
				const char *t[] = {a->str};
				int64_t hid[] = {host};
				insert(f->db,
				       "INSERT OR IGNORE INTO host_addresses (host_id, address) "
				       "VALUES (?, ?)",
				       t, 1, hid, 1);
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
		if (v[i].j == hi)
			hitext = strndup(v[i].s, v[i].n);
	const char *t[] = {sha,
	                   kind,
	                   name,
	                   hi ? mt_json_str(hi, "root") : "",
	                   hi ? mt_json_str(hi, "scan_time") : "",
	                   hi ? mt_json_str(hi, "version") : "",
	                   verdict ? verdict : "",
	                   now,
	                   hitext ? hitext : ""};
	int64_t rep = -1;
	if (err == MT_OK) {
		int64_t hid[] = {host};
		rep = insert(
			f->db,
			host ? "INSERT INTO reports (host_id, sha256, kind, name, root, scan_time, "
			       "version, verdict, ingested, host_info) VALUES "
			       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     : "INSERT INTO reports (sha256, kind, name, root, scan_time, "
			       "version, verdict, ingested, host_info) VALUES "
			       "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
			t, 9, hid, host ? 1 : 0);
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
		int64_t ids[] = {rep, (int64_t)i};
		int64_t r;
		if (!strcmp(L->type, "finding")) {
			const char *ft[] = {mt_json_str(L->j, "id"), mt_json_str(L->j, "check"),
			                    mt_json_str(L->j, "severity"), body};
			r = insert(f->db,
			           "INSERT INTO findings (report_id, seq, finding_id, check_id, "
			           "severity, body) VALUES (?, ?, ?, ?, ?, ?)",
			           ft, 4, ids, 2);
		} else if (!strcmp(L->type, "event")) {
			const char *et[] = {mt_json_str(L->j, "time"), mt_json_str(L->j, "what"),
			                    body};
			r = insert(f->db,
			           "INSERT INTO events (report_id, seq, time, what, body) VALUES "
			           "(?, ?, ?, ?, ?)",
			           et, 3, ids, 2);
		} else if (L->j == hi) {
			r = 1;
		} else {
			const char *rt[] = {L->type, body};
			r = insert(
				f->db,
				"INSERT INTO records (report_id, seq, type, body) VALUES (?, ?, ?, ?)",
				rt, 2, ids, 2);
		}
		free(body);
		if (r < 0)
			err = MT_ERR_IO;
	}
	if (err == MT_OK && exec(f->db, "COMMIT") != 0)
		err = MT_ERR_IO;
	if (err != MT_OK) {
		set_msg(msg, msglen, "storing the report", f->db);
		exec(f->db, "ROLLBACK");
	}
	free_lines(v, n);
	return err;
}
