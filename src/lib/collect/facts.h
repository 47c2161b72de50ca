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
	int has_shadow; /* a shadow entry exists */
	char *hash;     /* the shadow password field; NULL without shadow */
	long lastchg;   /* days since 1970 of the last password change; -1 when empty */
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

/* The package database of the root: dpkg (var/lib/dpkg/info/\*.list) when the root has
 * one, else rpm (rpmdb.sqlite or the Berkeley DB Packages file under var/lib/rpm or
 * usr/lib/sysimage/rpm; see docs/pkgdb.md). A root without either, or whose rpm
 * database cannot be read, gives an empty database (mt_pkgdb_present says 0). */
mt_err mt_pkgdb_load(mt_host *host, mt_report *rep, mt_pkgdb **out);
void mt_pkgdb_free(mt_pkgdb *db);
int mt_pkgdb_present(const mt_pkgdb *db);
size_t mt_pkgdb_count(const mt_pkgdb *db); /* paths known */
/* "dpkg" or "rpm" (the tool a responder verifies with), NULL when none is present. */
const char *mt_pkgdb_source(const mt_pkgdb *db);
/* The package that installed path, or NULL: "procps:amd64" as dpkg names it,
 * "procps-ng-3.3.10-28.el7.x86_64" (name-version-release.arch) as rpm does. /bin, /sbin
 * and /lib* are the same as their /usr counterparts (merged /usr), both ways. The
 * string lives as long as db. */
const char *mt_pkgdb_owner(const mt_pkgdb *db, const char *path);

/* Digest algorithms of package databases (rpm's numbers) */
typedef enum mt_digest_algo { MT_DIGEST_MD5 = 1, MT_DIGEST_SHA256 = 8 } mt_digest_algo;
#define MT_DIGEST_HEX 65                      /* the longest hex digest (SHA-256) and its NUL */
const char *mt_digest_name(mt_digest_algo a); /* "md5", "sha256" */

/* The digest the database recorded for path, as lower-case hex in out (32 digits for
 * MD5, 64 for SHA-256) with its algorithm in *algo: dpkg's MD5 from the owner's
 * .md5sums, rpm's FILEDIGESTS. MT_ERR_NOENT when the path is not owned or has no sum
 * that must hold (directories, links, dpkg conffiles, rpm %config and %ghost files);
 * MT_ERR_UNSUPPORTED for rpm's SHA-1/384/512 packages; MT_ERR_PARSE for a malformed
 * recorded digest. */
mt_err mt_pkgdb_digest(mt_pkgdb *db, mt_host *host, const char *path, mt_digest_algo *algo,
                       char out[MT_DIGEST_HEX]);

/* ---- access through the scan context (loaded on first use, freed by mt_scan) ---- */
const mt_users *mt_ctx_users(mt_ctx *ctx); /* never NULL: empty on failure */
mt_pkgdb *mt_ctx_pkgdb(mt_ctx *ctx);       /* NULL only when out of memory */

#endif
