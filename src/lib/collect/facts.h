/* facts.h - shared facts of a scan that several checks read: the accounts of the root
 * and its package database. Loaded once, on first use, through the scan context. */
#ifndef MT_FACTS_H
#define MT_FACTS_H

#include "../internal.h"

/* ---- accounts (etc/passwd and etc/shadow of the root) ---- */

typedef struct mt_user {
	char *name;
	unsigned uid, gid;
	char *gecos, *home, *shell;
	unsigned passwd_line;
	int has_shadow;  /* a shadow entry exists */
	char *hash;      /* the shadow password field; NULL without shadow */
	long lastchg;    /* days since 1970 of the last password change; -1 when empty */
	unsigned shadow_line;
} mt_user;

typedef struct mt_users {
	mt_user *v;
	size_t n;
	int passwd_found, shadow_found;
} mt_users;

/* Reads etc/passwd and etc/shadow inside the root. Malformed lines are skipped and
 * recorded as diagnostics. Missing files give an empty set, not an error. */
mt_err mt_users_load(mt_host *host, mt_report *rep, mt_users **out);
void mt_users_free(mt_users *u);
const mt_user *mt_users_by_name(const mt_users *u, const char *name);
const mt_user *mt_users_by_uid(const mt_users *u, unsigned uid);

/* ---- the package database (dpkg; rpm not yet) ---- */

typedef struct mt_pkgdb mt_pkgdb;

/* Reads var/lib/dpkg/info/\*.list of the root into a path -> package index. A root
 * without dpkg gives an empty database (mt_pkgdb_present says 0). */
mt_err mt_pkgdb_load(mt_host *host, mt_report *rep, mt_pkgdb **out);
void mt_pkgdb_free(mt_pkgdb *db);
int mt_pkgdb_present(const mt_pkgdb *db);
size_t mt_pkgdb_count(const mt_pkgdb *db); /* paths known */
/* The package that installed path, or NULL. /bin, /sbin and /lib* are the same as their
 * /usr counterparts (merged /usr), both ways. */
const char *mt_pkgdb_owner(const mt_pkgdb *db, const char *path);
/* The MD5 dpkg recorded for path (from the owner's .md5sums), as 32 hex digits.
 * MT_ERR_NOENT when the path is not owned or has no recorded sum. */
mt_err mt_pkgdb_md5(mt_pkgdb *db, mt_host *host, const char *path, char out[33]);

/* ---- access through the scan context (loaded on first use, freed by mt_scan) ---- */
const mt_users *mt_ctx_users(mt_ctx *ctx);   /* never NULL: empty on failure */
mt_pkgdb *mt_ctx_pkgdb(mt_ctx *ctx);         /* NULL only when out of memory */

#endif
