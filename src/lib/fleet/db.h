/* db.h - the fleet's database, whichever it is: SQLite (a file, db.c) or PostgreSQL
 * (libpq, pg_dyn.c; not in the static binary: pg_stub.c). SQL is written once with "?"
 * placeholders in the dialect both accept (ON CONFLICT DO NOTHING, RETURNING); schema
 * text marks the id column @ID@. */
#ifndef MT_FLEET_DB_H
#define MT_FLEET_DB_H

#include "internal.h"

typedef struct mt_dbarg {
	const char *s; /* text, or NULL for the integer i */
	int64_t i;
} mt_dbarg;
static inline mt_dbarg mt_db_s(const char *x)
{
	mt_dbarg a = {x ? x : "", 0};
	return a;
}
#define DB_S(x) mt_db_s(x)
#define DB_I(x) ((mt_dbarg){NULL, (x)})

typedef struct mt_dbcur mt_dbcur;

typedef struct mt_db_ops {
	const char *name;   /* "sqlite", "postgresql" */
	const char *id_col; /* what @ID@ stands for */
	const char *begin;  /* the statement that starts a writing transaction */
	int (*exec)(void *h, const char *sql);
	mt_dbcur *(*query)(void *h, const char *sql, const mt_dbarg *a, size_t n);
	int (*next)(mt_dbcur *c); /* 1 a row, 0 no more, -1 an error */
	const char *(*text)(mt_dbcur *c, int col);
	void (*done)(mt_dbcur *c);
	const char *(*errmsg)(void *h);
	void (*close)(void *h);
} mt_db_ops;

typedef struct mt_db {
	const mt_db_ops *ops;
	void *h;
} mt_db;

/* Opens target: "postgresql://..." or "postgres://..." (a libpq connection URI),
 * anything else an SQLite file (never written over when it is no SQLite database). */
mt_err mt_db_open(const char *target, mt_db *db, char *msg, size_t msglen);
void mt_db_close(mt_db *db);
int mt_db_exec(mt_db *db, const char *sql);
mt_dbcur *mt_db_query(mt_db *db, const char *sql, const mt_dbarg *a, size_t n);
int mt_db_next(mt_db *db, mt_dbcur *c);
const char *mt_db_text(mt_db *db, mt_dbcur *c, int col); /* "" for NULL */
int64_t mt_db_int(mt_db *db, mt_dbcur *c, int col);
void mt_db_done(mt_db *db, mt_dbcur *c);
const char *mt_db_errmsg(mt_db *db);
/* The first column of the first row as an integer: 0 none, -1 error. */
int64_t mt_db_one(mt_db *db, const char *sql, const mt_dbarg *a, size_t n);

/* PostgreSQL (pg_dyn.c, or pg_stub.c: MT_ERR_UNSUPPORTED) */
mt_err mt__pg_open(const char *uri, mt_db *db, char *msg, size_t msglen);

#endif
