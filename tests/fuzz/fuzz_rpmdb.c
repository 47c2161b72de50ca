/* fuzz_rpmdb.c - libFuzzer target: the input as an rpm header blob (tags, files) and as
 * a Berkeley DB hash file whose items go through the header parser again; every
 * string handed out must lie inside the input and be terminated */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/rpmdb.h"

typedef struct fz {
	const uint8_t *lo, *hi; /* the buffer strings must lie in */
	unsigned files;
} fz;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_rpmdb: invariant failed: %s\n", what);
		abort();
	}
}

static void inside(const fz *z, const char *s, size_t n, const char *what)
{
	const uint8_t *p = (const uint8_t *)s;
	check(p >= z->lo && p + n < z->hi && p[n] == '\0', what);
}

static int on_file(void *arg, const mt_rpm_file *f)
{
	fz *z = arg;
	if (f->dirlen)
		inside(z, f->dir, f->dirlen, "dir");
	inside(z, f->base, f->baselen, "base");
	if (f->digestlen)
		inside(z, f->digest, f->digestlen, "digest");
	return ++z->files > 100000;
}

static void header(const uint8_t *p, size_t n)
{
	mt_rpm_hdr h;
	if (mt_rpm_header(p, n, &h) != MT_OK)
		return;
	fz z = {p, p + n, 0};
	const char *s[] = {h.name, h.version, h.release, h.arch};
	for (size_t i = 0; i < 4; i++)
		if (s[i])
			inside(&z, s[i], strlen(s[i]), "tag string");
	check(h.nfiles <= MT_MAX_RPM_FILES, "file count");
	unsigned bad = 0;
	mt_rpm_files(&h, on_file, &z, &bad);
	check(z.files + bad <= h.nfiles, "no more files than the header has");
}

static int on_item(void *arg, const uint8_t *k, size_t kl, const uint8_t *d, size_t dl)
{
	(void)k, (void)kl;
	unsigned *n = arg;
	header(d, dl);
	return ++*n > 10000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	header(data, size);
	unsigned n = 0, bad = 0;
	int sw;
	mt_bdb_hash_each_mem(data, size, 1u << 20, on_item, &n, &bad, &sw);
	return 0;
}
