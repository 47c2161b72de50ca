/* db.c - the fleet's database layer (db.h) and its SQLite backend */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"

struct mt_dbcur {
	sqlite3_stmt *st;
};

static int sq_exec(void *h, const char *sql)
{
	return sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static mt_dbcur *sq_query(void *h, const char *sql, const mt_dbarg *a, size_t n)
{
	mt_dbcur *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &c->st, NULL) != SQLITE_OK) {
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (a[i].s)
			sqlite3_bind_text(c->st, (int)i + 1, a[i].s, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(c->st, (int)i + 1, a[i].i);
	}
	return c;
}

static int sq_next(mt_dbcur *c)
{
	int rc = sqlite3_step(c->st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const char *sq_text(mt_dbcur *c, int col)
{
	const unsigned char *t = sqlite3_column_text(c->st, col);
	return t ? (const char *)t : "";
}

static void sq_done(mt_dbcur *c)
{
	sqlite3_finalize(c->st);
	free(c);
}

static const char *sq_errmsg(void *h)
{
	return h ? sqlite3_errmsg(h) : "out of memory";
}

static void sq_close(void *h)
{
	sqlite3_close(h);
}

static const mt_db_ops sqlite_ops = {
	"sqlite",          "INTEGER PRIMARY KEY",
	"BEGIN IMMEDIATE", sq_exec,
	sq_query,          sq_next,
	sq_text,           sq_done,
	sq_errmsg,         sq_close,
};

static mt_err sqlite_open(const char *path, mt_db *db, char *msg, size_t msglen)
{
	/* an existing file that is not SQLite is never written over (SQLite would take a
	 * short one for an empty database) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		char head[16];
		struct stat st;
		ssize_t r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, 16) : -2;
		close(fd);
		if (r == -2 || (r != 0 && (r != 16 || memcmp(head, "SQLite format 3", 16) != 0))) {
			snprintf(msg, msglen, "%s",
			         r == -2 ? "not a regular file"
			                 : "the file is not an SQLite database");
			return MT_ERR_UNSUPPORTED;
		}
	}
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(msg, msglen, "cannot open the database: %s", sq_errmsg(h));
		sqlite3_close(h);
		return MT_ERR_IO;
	}
	sqlite3_busy_timeout(h, 10000); /* several ingests at once wait for each other */
	sq_exec(h, "PRAGMA foreign_keys = ON");
	/* one commit a report: WAL without a sync at each commit (a crash may lose the last
	 * reports, never the database; the reports themselves are the source) */
	sq_exec(h, "PRAGMA journal_mode = WAL");
	sq_exec(h, "PRAGMA synchronous = NORMAL");
	db->ops = &sqlite_ops;
	db->h = h;
	return MT_OK;
}

mt_err mt_db_open(const char *target, mt_db *db, char *msg, size_t msglen)
{
	memset(db, 0, sizeof(*db));
	if (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11))
		return mt__pg_open(target, db, msg, msglen);
	return sqlite_open(target, db, msg, msglen);
}

void mt_db_close(mt_db *db)
{
	if (db->ops)
		db->ops->close(db->h);
	memset(db, 0, sizeof(*db));
}

int mt_db_exec(mt_db *db, const char *sql)
{
	return db->ops->exec(db->h, sql);
}

mt_dbcur *mt_db_query(mt_db *db, const char *sql, const mt_dbarg *a, size_t n)
{
	return db->ops->query(db->h, sql, a, n);
}

int mt_db_next(mt_db *db, mt_dbcur *c)
{
	return db->ops->next(c);
}

const char *mt_db_text(mt_db *db, mt_dbcur *c, int col)
{
	return db->ops->text(c, col);
}

int64_t mt_db_int(mt_db *db, mt_dbcur *c, int col)
{
	return strtoll(db->ops->text(c, col), NULL, 10);
}

void mt_db_done(mt_db *db, mt_dbcur *c)
{
	if (c)
		db->ops->done(c);
}

const char *mt_db_errmsg(mt_db *db)
{
	return db->ops->errmsg(db->h);
}

int64_t mt_db_one(mt_db *db, const char *sql, const mt_dbarg *a, size_t n)
{
	mt_dbcur *c = mt_db_query(db, sql, a, n);
	if (!c)
		return -1;
	int r = mt_db_next(db, c);
	int64_t v = r == 1 ? mt_db_int(db, c, 0) : r == 0 ? 0 : -1;
	mt_db_done(db, c);
	return v;
}
