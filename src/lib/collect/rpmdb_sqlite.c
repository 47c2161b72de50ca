/* rpmdb_sqlite.c - reads the header blobs of rpmdb.sqlite (Fedora 33+, RHEL 9) with
 * libsqlite3 through a private read-only VFS that serves one already opened descriptor:
 * SQLite never opens a path, a journal or a WAL file of the suspect host by itself */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rpmdb.h"

#define VFS_NAME "minetrace-ro-fd"

typedef struct ro_file {
	sqlite3_file base;
	int fd;
} ro_file;

static int ro_close(sqlite3_file *f)
{
	(void)f; /* the descriptor is the caller's */
	return SQLITE_OK;
}

static int ro_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	ro_file *rf = (ro_file *)f;
	size_t got = 0;
	if (amt < 0 || off < 0)
		return SQLITE_IOERR_READ;
	while (got < (size_t)amt) {
		ssize_t r = pread(rf->fd, (char *)buf + got, (size_t)amt - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return SQLITE_IOERR_READ;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got < (size_t)amt) {
		memset((char *)buf + got, 0, (size_t)amt - got); /* SQLite requires it */
		return SQLITE_IOERR_SHORT_READ;
	}
	return SQLITE_OK;
}

static int ro_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	(void)f, (void)buf, (void)amt, (void)off;
	return SQLITE_READONLY;
}

static int ro_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	(void)f, (void)size;
	return SQLITE_READONLY;
}

static int ro_sync(sqlite3_file *f, int flags)
{
	(void)f, (void)flags;
	return SQLITE_OK;
}

static int ro_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct stat st;
	if (fstat(((ro_file *)f)->fd, &st) != 0)
		return SQLITE_IOERR_FSTAT;
	*size = (sqlite3_int64)st.st_size;
	return SQLITE_OK;
}

static int ro_lock(sqlite3_file *f, int level)
{
	(void)f, (void)level;
	return SQLITE_OK;
}

static int ro_reserved(sqlite3_file *f, int *out)
{
	(void)f;
	*out = 0;
	return SQLITE_OK;
}

static int ro_control(sqlite3_file *f, int op, void *arg)
{
	(void)f, (void)op, (void)arg;
	return SQLITE_NOTFOUND;
}

static int ro_sector(sqlite3_file *f)
{
	(void)f;
	return 4096;
}

static int ro_device(sqlite3_file *f)
{
	(void)f;
	return SQLITE_IOCAP_IMMUTABLE; /* no locks, no journal, no WAL */
}

static const sqlite3_io_methods ro_methods = {
	1,       ro_close, ro_read,     ro_write,   ro_truncate, ro_sync,   ro_size,
	ro_lock, ro_lock,  ro_reserved, ro_control, ro_sector,   ro_device, NULL,
	NULL,    NULL,     NULL,        NULL,       NULL};

/* Opens only the main database, named "fd:N"; nothing else can be opened. */
static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)vfs;
	ro_file *rf = (ro_file *)f;
	rf->base.pMethods = NULL;
	if (!name || !(flags & SQLITE_OPEN_MAIN_DB) || strncmp(name, "fd:", 3) != 0)
		return SQLITE_CANTOPEN;
	uint64_t fd;
	if (mt_parse_u64(name + 3, strlen(name + 3), 1u << 30, &fd) != 0)
		return SQLITE_CANTOPEN;
	rf->fd = (int)fd;
	rf->base.pMethods = &ro_methods;
	if (out_flags)
		*out_flags = SQLITE_OPEN_READONLY;
	return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs, (void)name, (void)sync;
	return SQLITE_IOERR_DELETE;
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs, (void)name, (void)flags;
	*out = 0; /* no journal, no WAL */
	return SQLITE_OK;
}

static int vfs_fullname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	if (snprintf(out, (size_t)n, "%s", name) >= n)
		return SQLITE_CANTOPEN;
	return SQLITE_OK;
}

static int vfs_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	memset(out, 0x5a, (size_t)n);
	return n;
}

static int vfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return us;
}

static int vfs_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	*out = 2440587.5; /* the epoch as a Julian day: nothing here needs the clock */
	return SQLITE_OK;
}

static int vfs_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	if (n > 0)
		out[0] = '\0';
	return 0;
}

static sqlite3_vfs ro_vfs = {1,          (int)sizeof(ro_file),
                             64,         NULL,
                             VFS_NAME,   NULL,
                             vfs_open,   vfs_delete,
                             vfs_access, vfs_fullname,
                             NULL,       NULL,
                             NULL,       NULL,
                             vfs_random, vfs_sleep,
                             vfs_time,   vfs_error,
                             NULL,       NULL,
                             NULL,       NULL};

/* Stops a statement after 10^9 virtual machine steps. */
static int progress(void *arg)
{
	unsigned long *n = arg;
	return ++*n > 100000;
}

mt_err mt_rpm_sqlite_each(int fd, mt_rpm_blob_fn fn, void *arg, char *why, size_t whylen)
{
	static int registered;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	mt_err e = MT_ERR_PARSE;
	char name[32];
	if (why && whylen)
		why[0] = '\0';
	if (!registered) {
		if (sqlite3_vfs_register(&ro_vfs, 0) != SQLITE_OK)
			return MT_ERR_UNSUPPORTED;
		registered = 1;
	}
	snprintf(name, sizeof(name), "fd:%d", fd);
	int rc = sqlite3_open_v2(name, &db, SQLITE_OPEN_READONLY, VFS_NAME);
	if (rc == SQLITE_NOMEM) {
		e = MT_ERR_NOMEM;
		goto out;
	}
	if (rc != SQLITE_OK)
		goto out;
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)MT_MAX_RPM_HEADER);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	/* a planted schema must not run forever: a budget of virtual machine steps */
	unsigned long budget = 0;
	sqlite3_progress_handler(db, 10000, progress, &budget);
	/* Packages must be a plain table: a view could compute anything */
	rc = sqlite3_prepare_v2(db, "SELECT type FROM sqlite_master WHERE name = 'Packages'", -1,
	                        &st, NULL);
	if (rc != SQLITE_OK)
		goto out;
	rc = sqlite3_step(st);
	int table = rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT &&
	            strcmp((const char *)sqlite3_column_text(st, 0), "table") == 0;
	sqlite3_finalize(st);
	st = NULL;
	if (!table) {
		if (why && whylen)
			snprintf(why, whylen, "no Packages table");
		why = NULL;
		goto out;
	}
	rc = sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto out;
	unsigned rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++rows > MT_MAX_RPM_PACKAGES) {
			e = MT_ERR_LIMIT;
			goto out;
		}
		const void *b = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		if (!b || n <= 0)
			continue;
		if (fn(arg, b, (size_t)n))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto out;
	e = MT_OK;
out:
	if (e != MT_OK && why && whylen)
		snprintf(why, whylen, "%s", db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return e;
}
