/* pkgdb.c - collector for the package database of the root (dpkg, else rpm): which
 * package owns a path, and the digest it installed it with */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"
#include "rpmdb.h"

enum { KIND_NONE, KIND_DPKG, KIND_RPM };

struct mt_pkgdb {
	int kind;
	char **pkgs;       /* package names ("libc6:amd64", "procps-ng-3.3.10-28.el7.x86_64") */
	uint8_t *pkg_algo; /* rpm: the digest algorithm of each package (FILEDIGESTALGO) */
	size_t npkgs, apkgs;
	char **paths;    /* owned paths; rpm: "path\0digest\0" ("" without a digest) */
	uint32_t *owner; /* package number of each path */
	size_t npaths, apaths;
	uint32_t *index; /* open addressing: path number + 1 */
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
	free(db->pkg_algo);
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

const char *mt_pkgdb_source(const mt_pkgdb *db)
{
	if (!db || !db->present)
		return NULL;
	return db->kind == KIND_RPM ? "rpm" : "dpkg";
}

const char *mt_digest_name(mt_digest_algo a)
{
	return a == MT_DIGEST_SHA256 ? "sha256" : "md5";
}

/* The path number of path, or SIZE_MAX. */
static size_t lookup(const mt_pkgdb *db, const char *path)
{
	if (!db->index_size)
		return SIZE_MAX;
	uint64_t h = hash_path(path) & (db->index_size - 1);
	while (db->index[h]) {
		size_t i = db->index[h] - 1;
		if (strcmp(db->paths[i], path) == 0)
			return i;
		h = (h + 1) & (db->index_size - 1);
	}
	return SIZE_MAX;
}

/* Adds path[0..n) owned by pkg; with rpm, dig[0..dn) (may be empty) follows it. */
static mt_err add_path(mt_pkgdb *db, const char *path, size_t n, const char *dig, size_t dn,
                       uint32_t pkg)
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
	char *p;
	if (db->kind == KIND_RPM) {
		p = malloc(n + dn + 2);
		if (!p)
			return MT_ERR_NOMEM;
		memcpy(p, path, n);
		p[n] = '\0';
		memcpy(p + n + 1, dig, dn);
		p[n + 1 + dn] = '\0';
	} else {
		p = mt_strndup(path, n);
		if (!p)
			return MT_ERR_NOMEM;
	}
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

/* Adds a package name (the database takes name over, also on failure). */
static mt_err add_pkg(mt_pkgdb *db, char *name, uint8_t algo, uint32_t *num)
{
	if (!name)
		return MT_ERR_NOMEM;
	if (db->npkgs == db->apkgs) {
		size_t na = db->apkgs ? db->apkgs * 2 : 256;
		char **np = realloc(db->pkgs, na * sizeof(*np));
		if (!np) {
			free(name);
			return MT_ERR_NOMEM;
		}
		db->pkgs = np;
		uint8_t *nalg = realloc(db->pkg_algo, na);
		if (!nalg) {
			free(name);
			return MT_ERR_NOMEM;
		}
		db->pkg_algo = nalg;
		db->apkgs = na;
	}
	db->pkgs[db->npkgs] = name;
	db->pkg_algo[db->npkgs] = algo;
	*num = (uint32_t)db->npkgs++;
	return MT_OK;
}

static mt_err load_dpkg(mt_pkgdb *db, mt_host *h, mt_report *rep, mt_dirent *ents, size_t n)
{
	mt_err e = MT_OK;
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
		uint32_t pkg;
		size_t nl = strlen(ents[i].name) - 5;
		e = add_pkg(db, mt_strndup(ents[i].name, nl), MT_DIGEST_MD5, &pkg);
		for (char *line = data, *next; line < data + len && e == MT_OK; line = next) {
			char *eol = memchr(line, '\n', (size_t)(data + len - line));
			next = eol ? eol + 1 : data + len;
			size_t ll = (size_t)((eol ? eol : data + len) - line);
			if (ll && line[0] == '/' && ll < MT_MAX_PATH)
				e = add_path(db, line, ll, NULL, 0, pkg);
		}
		free(data);
	}
	return e;
}

/* ---- rpm ---- */

typedef struct rpm_load {
	mt_pkgdb *db;
	uint32_t pkg;
	mt_err err;
	unsigned bad_headers, bad_files, headers;
} rpm_load;

static int on_rpm_file(void *arg, const mt_rpm_file *f)
{
	rpm_load *L = arg;
	char path[MT_MAX_PATH];
	if (f->dirlen + f->baselen >= sizeof(path) || f->dirlen + f->baselen == 0) {
		L->bad_files++;
		return 0;
	}
	memcpy(path, f->dir, f->dirlen);
	memcpy(path + f->dirlen, f->base, f->baselen);
	size_t n = f->dirlen + f->baselen;
	path[n] = '\0';
	if (path[0] != '/') {
		L->bad_files++;
		return 0;
	}
	if (L->db->npaths >= MT_MAX_PKG_PATHS) {
		L->err = MT_ERR_LIMIT;
		return 1;
	}
	/* %config files may legitimately differ, %ghost ones are not in the payload */
	int sum = !(f->flags & (MT_RPMFILE_CONFIG | MT_RPMFILE_GHOST)) && f->digestlen <= 128;
	L->err = add_path(L->db, path, n, f->digest, sum ? f->digestlen : 0, L->pkg);
	return L->err != MT_OK;
}

/* One header blob: name-version-release.arch as rpm -q prints it, and its files. */
static int on_rpm_blob(void *arg, const uint8_t *blob, size_t len)
{
	rpm_load *L = arg;
	mt_rpm_hdr hd;
	if (mt_rpm_header(blob, len, &hd) != MT_OK || !hd.name || !hd.name[0]) {
		L->bad_headers++;
		return 0;
	}
	if (++L->headers > MT_MAX_RPM_PACKAGES) {
		L->err = MT_ERR_LIMIT;
		return 1;
	}
	char name[512];
	snprintf(name, sizeof(name), "%.200s%s%.100s%s%.100s%s%.50s", hd.name,
	         hd.version ? "-" : "", hd.version ? hd.version : "", hd.release ? "-" : "",
	         hd.release ? hd.release : "", hd.arch ? "." : "", hd.arch ? hd.arch : "");
	uint8_t algo = hd.digest_algo <= 255 ? (uint8_t)hd.digest_algo : 0;
	L->err = add_pkg(L->db, mt_strdup(name), algo, &L->pkg);
	if (L->err != MT_OK)
		return 1;
	mt_err e = mt_rpm_files(&hd, on_rpm_file, L, &L->bad_files);
	if (e == MT_ERR_NOMEM)
		L->err = e;
	else if (e != MT_OK)
		L->bad_headers++;
	return L->err != MT_OK;
}

/* rpm's key 0 holds a counter, not a header */
static int on_bdb_item(void *arg, const uint8_t *key, size_t klen, const uint8_t *data, size_t dlen)
{
	if (klen == 4 && !(key[0] | key[1] | key[2] | key[3]))
		return 0;
	return on_rpm_blob(arg, data, dlen);
}

static mt_err fd_read(void *arg, uint64_t off, void *buf, size_t n)
{
	int fd = *(const int *)arg;
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0)
			return mt_errno_to_err(errno);
		if (r == 0)
			return MT_ERR_IO; /* shorter than it said */
		got += (size_t)r;
	}
	return MT_OK;
}

/* Reads one database file; 1 when it was there (read or not), 0 when absent. */
static int load_rpm_file(mt_pkgdb *db, mt_host *h, mt_report *rep, const char *path, int sqlite,
                         mt_err *err)
{
	int fd;
	struct stat st;
	mt_err e = mt_host_open_file(h, path, &fd, &st);
	if (e == MT_ERR_NOENT)
		return 0;
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: %s", path, mt_strerror(e));
		return 1;
	}
	if ((uint64_t)st.st_size > MT_MAX_RPMDB_FILE) {
		close(fd);
		mt_report_diag(rep, "%s: %s (%lld bytes)", path, mt_strerror(MT_ERR_TOOBIG),
		               (long long)st.st_size);
		return 1;
	}
	rpm_load L = {db, 0, MT_OK, 0, 0, 0};
	char why[200] = "";
	unsigned bad_pages = 0;
	size_t before = db->npkgs;
	if (sqlite)
		e = mt_rpm_sqlite_each(fd, on_rpm_blob, &L, why, sizeof(why));
	else
		e = mt_bdb_hash_each(fd_read, &fd, (uint64_t)st.st_size, MT_MAX_RPM_HEADER,
		                     on_bdb_item, &L, &bad_pages, NULL);
	close(fd);
	if (e == MT_OK)
		e = L.err;
	if (e == MT_ERR_NOMEM) {
		*err = e;
		return 1;
	}
	if (e != MT_OK)
		mt_report_diag(rep, "%s: %s%s%s", path, mt_strerror(e), why[0] ? ": " : "", why);
	if (bad_pages || L.bad_headers || L.bad_files)
		mt_report_diag(rep,
		               "%s: %u bad page item(s), %u bad header(s), %u bad file "
		               "entr(ies) skipped",
		               path, bad_pages, L.bad_headers, L.bad_files);
	char wal[MT_MAX_PATH];
	struct stat wst;
	if (sqlite && snprintf(wal, sizeof(wal), "%s-wal", path) < (int)sizeof(wal) &&
	    mt_host_stat(h, wal, 0, &wst) == MT_OK && S_ISREG(wst.st_mode) && wst.st_size > 0)
		mt_report_diag(rep,
		               "%s: its write-ahead log is not read: packages installed since "
		               "its last checkpoint are not known",
		               path);
	if (db->npkgs > before)
		db->present = 1; /* an unreadable database must not make every file unowned */
	return 1;
}

static mt_err load_rpm(mt_pkgdb *db, mt_host *h, mt_report *rep)
{
	/* /var/lib/rpm is a link to /usr/lib/sysimage/rpm on Fedora and RHEL 9 */
	static const char *const dirs[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm"};
	mt_err e = MT_OK;
	db->kind = KIND_RPM;
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++) {
		char p[MT_MAX_PATH];
		snprintf(p, sizeof(p), "%s/rpmdb.sqlite", dirs[i]);
		if (load_rpm_file(db, h, rep, p, 1, &e))
			return e;
		snprintf(p, sizeof(p), "%s/Packages", dirs[i]);
		if (load_rpm_file(db, h, rep, p, 0, &e))
			return e;
		struct stat st;
		snprintf(p, sizeof(p), "%s/Packages.db", dirs[i]);
		if (mt_host_stat(h, p, 1, &st) == MT_OK) {
			mt_report_diag(rep,
			               "%s: the ndb format of rpm (SUSE) is not read: package "
			               "ownership and digests are unknown",
			               p);
			return MT_OK;
		}
	}
	return MT_OK;
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
	if (e == MT_OK) {
		db->present = 1;
		db->kind = KIND_DPKG;
		e = load_dpkg(db, h, rep, ents, n);
		mt_dirents_free(ents, n);
	} else {
		if (e != MT_ERR_NOENT)
			mt_report_diag(rep, "/var/lib/dpkg/info: %s", mt_strerror(e));
		e = load_rpm(db, h, rep);
	}
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
	static const char *const dirs[] = {"/bin/",   "/sbin/",  "/lib/",
	                                   "/lib32/", "/lib64/", "/libx32/"};
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++) {
		size_t l = strlen(dirs[i]);
		if (strncmp(path, "/usr", 4) == 0 && strncmp(path + 4, dirs[i], l) == 0)
			return snprintf(out, n, "%s", path + 4) < (int)n ? 0 : -1;
		if (strncmp(path, dirs[i], l) == 0)
			return snprintf(out, n, "/usr%s", path) < (int)n ? 0 : -1;
	}
	return -1;
}

/* The path number of path or of its merged-/usr alias, or SIZE_MAX. */
static size_t find(const mt_pkgdb *db, const char *path)
{
	size_t i = lookup(db, path);
	char other[MT_MAX_PATH];
	if (i == SIZE_MAX && alias(path, other, sizeof(other)) == 0)
		i = lookup(db, other);
	return i;
}

const char *mt_pkgdb_owner(const mt_pkgdb *db, const char *path)
{
	if (!db)
		return NULL;
	size_t i = find(db, path);
	return i == SIZE_MAX ? NULL : db->pkgs[db->owner[i]];
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/* rpm: the digest stored after the path in the index */
static mt_err rpm_digest(const mt_pkgdb *db, const char *path, mt_digest_algo *algo,
                         char out[MT_DIGEST_HEX])
{
	size_t i = find(db, path);
	if (i == SIZE_MAX)
		return MT_ERR_NOENT;
	const char *dig = db->paths[i] + strlen(db->paths[i]) + 1;
	size_t n = strlen(dig);
	if (n == 0)
		return MT_ERR_NOENT; /* directory, link, %config or %ghost */
	uint8_t a = db->pkg_algo[db->owner[i]];
	size_t want = a == MT_DIGEST_MD5 ? 32 : a == MT_DIGEST_SHA256 ? 64 : 0;
	if (!want)
		return MT_ERR_UNSUPPORTED; /* SHA-1, SHA-384, SHA-512: not computed here */
	if (n != want || !is_hex(dig, n))
		return MT_ERR_PARSE;
	for (size_t k = 0; k < n; k++)
		out[k] = (dig[k] >= 'A' && dig[k] <= 'F') ? (char)(dig[k] - 'A' + 'a') : dig[k];
	out[n] = '\0';
	*algo = (mt_digest_algo)a;
	return MT_OK;
}

mt_err mt_pkgdb_digest(mt_pkgdb *db, mt_host *h, const char *path, mt_digest_algo *algo,
                       char out[MT_DIGEST_HEX])
{
	*algo = MT_DIGEST_MD5;
	out[0] = '\0';
	if (!db)
		return MT_ERR_NOENT;
	if (db->kind == KIND_RPM)
		return rpm_digest(db, path, algo, out);
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
