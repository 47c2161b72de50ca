/* fileinfo.c - collector of file facts for the integrity checks: hashes, first bytes,
 * chattr flags, bounded directory walks without following links, dpkg diversions */
#include <errno.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fileinfo.h"

mt_err mt_fi_hash(mt_host *h, const char *path, uint64_t cap, char *md5, char *sha256,
                  struct stat *st, int *truncated)
{
	int fd;
	struct stat s;
	if (truncated)
		*truncated = 0;
	mt_err e = mt_host_open_file(h, path, &fd, &s);
	if (e != MT_OK)
		return e;
	mt_md5 m;
	mt_sha256 c;
	mt_md5_init(&m);
	mt_sha256_init(&c);
	static _Thread_local uint8_t buf[65536];
	uint64_t total = 0;
	for (;;) {
		size_t want = sizeof(buf);
		if (cap - total < want)
			want = (size_t)(cap - total);
		if (want == 0) {
			char probe;
			if (read(fd, &probe, 1) > 0 && truncated)
				*truncated = 1;
			break;
		}
		ssize_t r = read(fd, buf, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = mt_errno_to_err(errno);
			break;
		}
		if (r == 0)
			break;
		if (md5)
			mt_md5_update(&m, buf, (size_t)r);
		if (sha256)
			mt_sha256_update(&c, buf, (size_t)r);
		total += (uint64_t)r;
	}
	close(fd);
	if (e != MT_OK)
		return e;
	uint8_t d[32];
	if (md5) {
		mt_md5_final(&m, d);
		mt_hex(d, 16, md5);
	}
	if (sha256) {
		mt_sha256_final(&c, d);
		mt_hex(d, 32, sha256);
	}
	if (st)
		*st = s;
	return MT_OK;
}

mt_err mt_fi_head(mt_host *h, const char *path, void *buf, size_t n, size_t *got)
{
	int fd;
	*got = 0;
	mt_err e = mt_host_open_file(h, path, &fd, NULL);
	if (e != MT_OK)
		return e;
	while (*got < n) {
		ssize_t r = read(fd, (char *)buf + *got, n - *got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = mt_errno_to_err(errno);
			break;
		}
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	close(fd);
	return e;
}

mt_err mt_fi_flags(mt_host *h, const char *path, unsigned *flags)
{
	int fd;
	*flags = 0;
	mt_err e = mt_host_open_file(h, path, &fd, NULL);
	if (e == MT_ERR_NOTREG)
		e = mt_host_open_dir(h, path, &fd); /* a directory: O_RDONLY|O_DIRECTORY */
	if (e != MT_OK)
		return e;
	int v = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &v) != 0) {
		int err = errno;
		close(fd);
		if (err == ENOTTY || err == EOPNOTSUPP || err == EINVAL || err == ENOSYS)
			return MT_ERR_UNSUPPORTED;
		return mt_errno_to_err(err);
	}
	close(fd);
	*flags = (unsigned)v;
	return MT_OK;
}

/* ---- diversions ---- */

void mt_fi_diversions_free(mt_fi_diversions *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->paths[i]);
	free(d->paths);
	d->paths = NULL;
	d->n = 0;
}

mt_err mt_fi_diversions_parse(const char *data, size_t len, mt_fi_diversions *out, unsigned *bad)
{
	memset(out, 0, sizeof(*out));
	size_t alloc = 0;
	const char *lines[3];
	size_t lens[3];
	unsigned k = 0;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		lines[k] = p;
		lens[k] = (size_t)(le - p);
		p = eol ? eol + 1 : end;
		if (++k < 3)
			continue;
		k = 0;
		if (!lens[0] || !lens[1] || lines[0][0] != '/' || lines[1][0] != '/' ||
		    lens[0] >= MT_MAX_PATH || lens[1] >= MT_MAX_PATH) {
			if (bad)
				(*bad)++;
			continue;
		}
		if (out->n + 2 > alloc) {
			size_t na = alloc ? alloc * 2 : 32;
			char **np = realloc(out->paths, na * sizeof(*np));
			if (!np)
				goto nomem;
			out->paths = np;
			alloc = na;
		}
		for (int j = 0; j < 2; j++) {
			out->paths[out->n] = mt_strndup(lines[j], lens[j]);
			if (!out->paths[out->n])
				goto nomem;
			out->n++;
		}
	}
	if (k && bad)
		(*bad)++; /* a triple cut short at the end */
	return MT_OK;
nomem:
	mt_fi_diversions_free(out);
	return MT_ERR_NOMEM;
}

mt_err mt_fi_diversions_load(mt_host *h, mt_report *report, mt_fi_diversions *out)
{
	char *data;
	size_t len;
	int trunc;
	memset(out, 0, sizeof(*out));
	mt_err e = mt_host_read_file(h, "/var/lib/dpkg/diversions", MT_MAX_FILE_READ, &data, &len,
	                             &trunc);
	if (e == MT_ERR_NOENT)
		return MT_OK;
	if (e != MT_OK) {
		mt_report_diag(report, "/var/lib/dpkg/diversions: %s", mt_strerror(e));
		return MT_OK;
	}
	unsigned bad = 0;
	e = mt_fi_diversions_parse(data, len, out, &bad);
	free(data);
	if (bad)
		mt_report_diag(report, "/var/lib/dpkg/diversions: %u malformed entr%s skipped", bad,
		               bad == 1 ? "y" : "ies");
	return e;
}

/* "/usr/bin/x" -> "/bin/x" for the directories merged /usr joins; others unchanged. */
static const char *unmerged(const char *p)
{
	static const char *const dirs[] = {"/bin/",   "/sbin/",  "/lib/",
	                                   "/lib32/", "/lib64/", "/libx32/"};
	if (strncmp(p, "/usr/", 5) != 0)
		return p;
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++)
		if (strncmp(p + 4, dirs[i], strlen(dirs[i])) == 0)
			return p + 4;
	return p;
}

int mt_fi_same_path(const char *a, const char *b)
{
	return strcmp(unmerged(a), unmerged(b)) == 0;
}

int mt_fi_diverted(const mt_fi_diversions *d, const char *path)
{
	for (size_t i = 0; d && i < d->n; i++)
		if (mt_fi_same_path(d->paths[i], path))
			return 1;
	return 0;
}
