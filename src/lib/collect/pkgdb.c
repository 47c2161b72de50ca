/* pkgdb.c - collector for the package database of the root (dpkg): which package owns
 * a path, and the MD5 it installed it with */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

struct mt_pkgdb {
	char **pkgs;       /* package names ("libc6:amd64") */
	size_t npkgs, apkgs;
	char **paths;      /* owned paths */
	uint32_t *owner;   /* package number of each path */
	size_t npaths, apaths;
	uint32_t *index;   /* open addressing: path number + 1 */
	size_t index_size;
	int present;
	/* the .md5sums of the last package asked, kept for the next question */
	char *md5_pkg;
	char *md5_data;
};

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

void mt_pkgdb_free(mt_pkgdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->npkgs; i++)
		free(db->pkgs[i]);
	for (size_t i = 0; i < db->npaths; i++)
		free(db->paths[i]);
	free(db->pkgs);
	free(db->paths);
	free(db->owner);
	free(db->index);
	free(db->md5_pkg);
	free(db->md5_data);
	free(db);
}

int mt_pkgdb_present(const mt_pkgdb *db)
{
	return db && db->present;
}

size_t mt_pkgdb_count(const mt_pkgdb *db)
{
	return db ? db->npaths : 0;
}

static const char *lookup(const mt_pkgdb *db, const char *path)
{
	if (!db->index_size)
		return NULL;
	uint64_t h = hash_path(path) & (db->index_size - 1);
	while (db->index[h]) {
		size_t i = db->index[h] - 1;
		if (strcmp(db->paths[i], path) == 0)
			return db->pkgs[db->owner[i]];
		h = (h + 1) & (db->index_size - 1);
	}
	return NULL;
}

static mt_err add_path(mt_pkgdb *db, const char *path, size_t n, uint32_t pkg)
{
	if (db->npaths == db->apaths) {
		size_t na = db->apaths ? db->apaths * 2 : 4096;
		char **np = realloc(db->paths, na * sizeof(*np));
		if (!np)
			return MT_ERR_NOMEM;
		db->paths = np;
		uint32_t *no = realloc(db->owner, na * sizeof(*no));
		if (!no)
			return MT_ERR_NOMEM;
		db->owner = no;
		db->apaths = na;
	}
	char *p = mt_strndup(path, n);
	if (!p)
		return MT_ERR_NOMEM;
	db->paths[db->npaths] = p;
	db->owner[db->npaths] = pkg;
	db->npaths++;
	return MT_OK;
}

static mt_err build_index(mt_pkgdb *db)
{
	size_t ns = 1024;
	while (ns < db->npaths * 2)
		ns *= 2;
	db->index = calloc(ns, sizeof(*db->index));
	if (!db->index)
		return MT_ERR_NOMEM;
	db->index_size = ns;
	for (size_t i = 0; i < db->npaths; i++) {
		uint64_t h = hash_path(db->paths[i]) & (ns - 1);
		int dup = 0;
		while (db->index[h]) {
			if (strcmp(db->paths[db->index[h] - 1], db->paths[i]) == 0) {
				dup = 1; /* directories are listed by many packages: first wins */
				break;
			}
			h = (h + 1) & (ns - 1);
		}
		if (!dup)
			db->index[h] = (uint32_t)i + 1;
	}
	return MT_OK;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

mt_err mt_pkgdb_load(mt_host *h, mt_report *rep, mt_pkgdb **out)
{
	mt_dirent *ents = NULL;
	size_t n = 0;
	mt_err e;
	*out = NULL;
	mt_pkgdb *db = calloc(1, sizeof(*db));
	if (!db)
		return MT_ERR_NOMEM;
	e = mt_host_list(h, "/var/lib/dpkg/info", MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(rep, "/var/lib/dpkg/info: %s", mt_strerror(e));
		*out = db;
		return MT_OK;
	}
	db->present = 1;
	e = MT_OK;
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		if (!ends_with(ents[i].name, ".list"))
			continue;
		char path[MT_MAX_PATH];
		snprintf(path, sizeof(path), "/var/lib/dpkg/info/%s", ents[i].name);
		char *data;
		size_t len;
		int trunc;
		mt_err fe = mt_host_read_file(h, path, MT_MAX_FILE_READ, &data, &len, &trunc);
		if (fe != MT_OK) {
			mt_report_diag(rep, "%s: %s", path, mt_strerror(fe));
			continue;
		}
		if (db->npkgs == db->apkgs) {
			size_t na = db->apkgs ? db->apkgs * 2 : 256;
			char **np = realloc(db->pkgs, na * sizeof(*np));
			if (!np) {
				free(data);
				e = MT_ERR_NOMEM;
				break;
			}
			db->pkgs = np;
			db->apkgs = na;
		}
		size_t nl = strlen(ents[i].name) - 5;
		db->pkgs[db->npkgs] = mt_strndup(ents[i].name, nl);
		if (!db->pkgs[db->npkgs]) {
			free(data);
			e = MT_ERR_NOMEM;
			break;
		}
		uint32_t pkg = (uint32_t)db->npkgs++;
		for (char *line = data, *next; line < data + len && e == MT_OK; line = next) {
			char *eol = memchr(line, '\n', (size_t)(data + len - line));
			next = eol ? eol + 1 : data + len;
			size_t ll = (size_t)((eol ? eol : data + len) - line);
			if (ll && line[0] == '/' && ll < MT_MAX_PATH)
				e = add_path(db, line, ll, pkg);
		}
		free(data);
	}
	mt_dirents_free(ents, n);
	if (e == MT_OK)
		e = build_index(db);
	if (e != MT_OK) {
		mt_pkgdb_free(db);
		return e;
	}
	*out = db;
	return MT_OK;
}

/* The other name of a path under merged /usr: "/usr/bin/ls" <-> "/bin/ls". */
static int alias(const char *path, char *out, size_t n)
{
	static const char *const dirs[] = {"/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/",
	                                   "/libx32/"};
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++) {
		size_t l = strlen(dirs[i]);
		if (strncmp(path, "/usr", 4) == 0 && strncmp(path + 4, dirs[i], l) == 0)
			return snprintf(out, n, "%s", path + 4) < (int)n ? 0 : -1;
		if (strncmp(path, dirs[i], l) == 0)
			return snprintf(out, n, "/usr%s", path) < (int)n ? 0 : -1;
	}
	return -1;
}

const char *mt_pkgdb_owner(const mt_pkgdb *db, const char *path)
{
	if (!db)
		return NULL;
	const char *o = lookup(db, path);
	char other[MT_MAX_PATH];
	if (!o && alias(path, other, sizeof(other)) == 0)
		o = lookup(db, other);
	return o;
}

mt_err mt_pkgdb_md5(mt_pkgdb *db, mt_host *h, const char *path, char out[33])
{
	const char *pkg = mt_pkgdb_owner(db, path);
	if (!pkg)
		return MT_ERR_NOENT;
	if (!db->md5_pkg || strcmp(db->md5_pkg, pkg) != 0) {
		char file[MT_MAX_PATH];
		char *data;
		size_t len;
		int trunc;
		snprintf(file, sizeof(file), "/var/lib/dpkg/info/%s.md5sums", pkg);
		mt_err e = mt_host_read_file(h, file, MT_MAX_FILE_READ, &data, &len, &trunc);
		if (e != MT_OK)
			return e;
		free(db->md5_pkg);
		free(db->md5_data);
		db->md5_pkg = mt_strdup(pkg);
		db->md5_data = data;
		if (!db->md5_pkg)
			return MT_ERR_NOMEM;
	}
	/* lines are "<32 hex>  <path without the leading slash>" */
	char other[MT_MAX_PATH];
	const char *names[2] = {path + (path[0] == '/'), NULL};
	if (alias(path, other, sizeof(other)) == 0)
		names[1] = other + 1;
	for (const char *line = db->md5_data; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		if (ll > 34 && line[32] == ' ' && line[33] == ' ')
			for (int k = 0; k < 2; k++)
				if (names[k] && strlen(names[k]) == ll - 34 &&
				    strncmp(line + 34, names[k], ll - 34) == 0) {
					memcpy(out, line, 32);
					out[32] = '\0';
					return MT_OK;
				}
		line = eol ? eol + 1 : NULL;
	}
	return MT_ERR_NOENT;
}
