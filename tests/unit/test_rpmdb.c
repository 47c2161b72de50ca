/* test_rpmdb.c - unit tests of collect/rpmdb.c and the rpm side of collect/pkgdb.c: the
 * real databases of tests/fixtures/rpmdb (rpm, db5.3_load) read back as rpm -qa lists
 * them, and hand-made headers and Berkeley DB pages that lie (truncated blobs, lengths
 * past the data, cyclic and broken overflow chains, offsets outside the page) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/facts.h"
#include "collect/rpmdb.h"
#include "t.h"

#define FX "tests/fixtures/rpmdb/"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	REQUIRE_NOT_NULL(f);
	uint8_t *buf = malloc(1 << 20);
	REQUIRE_NOT_NULL(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* ---- what a database holds, as rpm -qa --qf prints it ---- */

typedef struct listing {
	char pkgs[4096], files[8192];
	unsigned headers, bad, items, key0;
	int lenient; /* damaged input: errors are expected, only no crash */
} listing;

static int on_file(void *arg, const mt_rpm_file *f)
{
	listing *l = arg;
	size_t n = strlen(l->files);
	snprintf(l->files + n, sizeof(l->files) - n, "%.*s%.*s %.*s %u\n", (int)f->dirlen, f->dir,
	         (int)f->baselen, f->base, (int)f->digestlen, f->digest, f->flags);
	return 0;
}

static int on_blob(void *arg, const uint8_t *blob, size_t len)
{
	listing *l = arg;
	mt_rpm_hdr h;
	if (mt_rpm_header(blob, len, &h) != MT_OK) {
		l->bad++;
		return 0;
	}
	l->headers++;
	size_t n = strlen(l->pkgs);
	snprintf(l->pkgs + n, sizeof(l->pkgs) - n, "%s-%s-%s.%s\n", h.name, h.version, h.release,
	         h.arch);
	mt_err e = mt_rpm_files(&h, on_file, l, &l->bad);
	if (!l->lenient)
		ASSERT_INT_EQ(e, MT_OK);
	return 0;
}

static int on_item(void *arg, const uint8_t *key, size_t klen, const uint8_t *data,
                   size_t dlen)
{
	listing *l = arg;
	l->items++;
	if (klen == 4 && !(key[0] | key[1] | key[2] | key[3])) {
		l->key0++; /* rpm's counter record */
		return 0;
	}
	return on_blob(arg, data, dlen);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the lines of s in place. */
static void sort_lines(char *s)
{
	char *lines[256], copy[8192];
	size_t n = 0;
	snprintf(copy, sizeof(copy), "%s", s);
	for (char *p = strtok(copy, "\n"); p && n < 256; p = strtok(NULL, "\n"))
		lines[n++] = p;
	qsort(lines, n, sizeof(*lines), cmp_line);
	s[0] = '\0';
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(s + used, 8192 - used, "%s\n", lines[i]);
}

static void same_as_rpm(listing *l)
{
	size_t n;
	char *want = (char *)slurp(FX "packages.txt", &n);
	want[n] = '\0';
	sort_lines(l->pkgs);
	ASSERT_STR_EQ(l->pkgs, want);
	free(want);
	want = (char *)slurp(FX "files.txt", &n);
	want[n] = '\0';
	sort_lines(l->files);
	ASSERT_STR_EQ(l->files, want);
	free(want);
	ASSERT_INT_EQ(l->headers, 3);
	ASSERT_INT_EQ(l->bad, 0);
}

/* ---- hand-made headers ---- */

typedef struct ent {
	uint32_t tag, type, count;
	const void *data;
	size_t len;
} ent;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
	p[3] = (uint8_t)v;
}

/* A header blob of the entries, each entry's data appended in order (4-aligned). */
static size_t build(const ent *e, size_t n, uint8_t *out, size_t cap)
{
	size_t dl = 0;
	uint8_t data[2048];
	uint32_t offs[16];
	for (size_t i = 0; i < n; i++) {
		while (dl % 4)
			data[dl++] = 0;
		offs[i] = (uint32_t)dl;
		memcpy(data + dl, e[i].data, e[i].len);
		dl += e[i].len;
	}
	size_t len = 8 + 16 * n + dl;
	REQUIRE_TRUE(len <= cap);
	put32(out, (uint32_t)n);
	put32(out + 4, (uint32_t)dl);
	for (size_t i = 0; i < n; i++) {
		uint8_t *x = out + 8 + 16 * i;
		put32(x, e[i].tag), put32(x + 4, e[i].type), put32(x + 8, offs[i]);
		put32(x + 12, e[i].count);
	}
	memcpy(out + 8 + 16 * n, data, dl);
	return len;
}

static const uint8_t idx00[] = {0, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t idx05[] = {0, 0, 0, 0, 0, 0, 0, 5};
static const uint8_t flags01[] = {0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t algo8[] = {0, 0, 0, 8};

static size_t good_header(uint8_t *out, size_t cap, const uint8_t *idx)
{
	ent e[] = {
		{1000, 6, 1, "a", 2},
		{1001, 6, 1, "1", 2},
		{1002, 6, 1, "2.el7", 6},
		{1022, 6, 1, "x86_64", 7},
		{1118, 8, 1, "/usr/bin/", 10},
		{1117, 8, 2, "ps\0ls", 6},
		{1116, 4, 2, idx, 8},
		{1035, 8, 2, "aa\0bb", 6},
		{1037, 4, 2, flags01, 8},
		{5011, 4, 1, algo8, 4},
	};
	return build(e, MT_ARRAY_LEN(e), out, cap);
}

typedef struct seen {
	char text[512];
	unsigned n;
} seen;

static int on_seen(void *arg, const mt_rpm_file *f)
{
	seen *s = arg;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof(s->text) - n, "%.*s|%.*s|%.*s|%u;", (int)f->dirlen, f->dir,
	         (int)f->baselen, f->base, (int)f->digestlen, f->digest, f->flags);
	s->n++;
	return 0;
}

/* ---- hand-made Berkeley DB files (little-endian, 512-byte pages) ---- */

#define PS 512

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
	p[3] = (uint8_t)(v >> 24);
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

/* page 0 meta, page 1 a hash page with key "\1\0\0\0" and an H_OFFPAGE data item
 * (first page 2, total tlen), page 2 an overflow page holding len bytes, next page
 * next, page 3 free. */
static void mkdb(uint8_t *f, uint32_t tlen, uint16_t len, uint32_t next)
{
	memset(f, 0, 4 * PS);
	le32(f + 12, 0x061561), le32(f + 16, 9), le32(f + 20, PS), f[25] = 8, le32(f + 32, 3);
	uint8_t *p = f + PS;
	le32(p + 8, 1), p[25] = 13, le16(p + 20, 2);
	uint16_t ko = PS - 5, dof = PS - 5 - 12;
	le16(p + 26, ko), le16(p + 28, dof), le16(p + 22, dof);
	p[ko] = 1, p[ko + 1] = 1;
	p[dof] = 3, le32(p + dof + 4, 2), le32(p + dof + 8, tlen);
	uint8_t *o = f + 2 * PS;
	le32(o + 8, 2), o[25] = 7, le32(o + 16, next), le16(o + 22, len);
	memset(o + 26, 'x', len);
}

typedef struct got {
	unsigned calls;
	size_t dlen;
} got;

static int on_got(void *arg, const uint8_t *k, size_t kl, const uint8_t *d, size_t dl)
{
	got *g = arg;
	(void)k, (void)kl, (void)d;
	g->calls++;
	g->dlen = dl;
	return 0;
}

static void copy_file(const char *from, const char *to)
{
	size_t n;
	uint8_t *b = slurp(from, &n);
	FILE *f = fopen(to, "wb");
	REQUIRE_NOT_NULL(f);
	REQUIRE_TRUE(fwrite(b, 1, n, f) == n);
	fclose(f);
	free(b);
}

static void mkdirs(const char *root, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static mt_pkgdb *load_root(const char *root, mt_report **rep)
{
	mt_host *h;
	mt_pkgdb *db = NULL;
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);
	REQUIRE_INT_EQ(mt_report_new(rep), MT_OK);
	ASSERT_INT_EQ(mt_pkgdb_load(h, *rep, &db), MT_OK);
	mt_host_close(h);
	REQUIRE_NOT_NULL(db);
	return db;
}

static void rpm_root_checks(mt_pkgdb *db)
{
	char hex[MT_DIGEST_HEX];
	mt_digest_algo a;
	ASSERT_TRUE(mt_pkgdb_present(db));
	ASSERT_STR_EQ(mt_pkgdb_source(db), "rpm");
	ASSERT_STR_EQ(mt_pkgdb_owner(db, "/usr/bin/ps"), "procps-ng-3.3.10-28.el7.x86_64");
	ASSERT_STR_EQ(mt_pkgdb_owner(db, "/bin/ps"), "procps-ng-3.3.10-28.el7.x86_64");
	ASSERT_STR_EQ(mt_pkgdb_owner(db, "/usr/bin/netstat"),
	              "net-tools-2.0-0.25.20131004git.el7.x86_64");
	ASSERT_NULL(mt_pkgdb_owner(db, "/usr/bin/dhpcd"));
	ASSERT_INT_EQ(mt_pkgdb_digest(db, NULL, "/bin/ps", &a, hex), MT_OK);
	ASSERT_INT_EQ(a, MT_DIGEST_SHA256);
	ASSERT_STR_EQ(mt_digest_name(a), "sha256");
	ASSERT_STR_EQ(hex, "99f60e9a1cbda99eaa828569a4cf6f324627bfb09e3db402c47efaf14ec402ae");
	ASSERT_INT_EQ(mt_pkgdb_digest(db, NULL, "/usr/bin/netstat", &a, hex), MT_OK);
	ASSERT_INT_EQ(a, MT_DIGEST_MD5);
	ASSERT_STR_EQ(hex, "136ef9bd2244bd254698f1a0a4938627");
	/* %config: may differ, so no sum that must hold */
	ASSERT_STR_EQ(mt_pkgdb_owner(db, "/etc/coreutils.conf"), "coreutils-8.22-24.el7.x86_64");
	ASSERT_INT_EQ(mt_pkgdb_digest(db, NULL, "/etc/coreutils.conf", &a, hex), MT_ERR_NOENT);
	ASSERT_INT_EQ(mt_pkgdb_digest(db, NULL, "/usr/bin/dhpcd", &a, hex), MT_ERR_NOENT);
	ASSERT_SIZE_EQ(mt_pkgdb_count(db), 6);
}

int main(void)
{
	size_t n;

	TEST_START("rpmdb.sqlite (rpm's own, WAL mode) reads as rpm -qa lists it");
	{
		listing l;
		memset(&l, 0, sizeof(l));
		int fd = open(FX "rpmdb.sqlite", O_RDONLY);
		REQUIRE_TRUE(fd >= 0);
		char why[128];
		ASSERT_INT_EQ(mt_rpm_sqlite_each(fd, on_blob, &l, why, sizeof(why)), MT_OK);
		close(fd);
		same_as_rpm(&l);
		/* not a database: an error, not a crash */
		fd = open(FX "files.txt", O_RDONLY);
		REQUIRE_TRUE(fd >= 0);
		ASSERT_INT_EQ(mt_rpm_sqlite_each(fd, on_blob, &l, why, sizeof(why)), MT_ERR_PARSE);
		ASSERT_TRUE(why[0] != '\0');
		close(fd);
	}
	TEST_DONE();

	TEST_START("Berkeley DB Packages, native order, 4 KiB pages (db5.3_load)");
	{
		listing l;
		memset(&l, 0, sizeof(l));
		uint8_t *f = slurp(FX "Packages", &n);
		unsigned bad = 0;
		int sw = -1;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, n, 1 << 20, on_item, &l, &bad, &sw), MT_OK);
		ASSERT_INT_EQ(sw, 0);
		ASSERT_INT_EQ(bad, 0);
		ASSERT_INT_EQ(l.items, 4);
		ASSERT_INT_EQ(l.key0, 1);
		same_as_rpm(&l);
		/* every truncation: no crash, never more than the whole */
		for (size_t cut = 0; cut < n; cut += 97) {
			listing t;
			memset(&t, 0, sizeof(t));
			mt_err e = mt_bdb_hash_each_mem(f, cut, 1 << 20, on_item, &t, &bad, &sw);
			ASSERT_TRUE(e == MT_OK || e == MT_ERR_PARSE);
			ASSERT_TRUE(t.headers <= 3);
		}
		free(f);
	}
	TEST_DONE();

	TEST_START("Berkeley DB Packages, big-endian, 512-byte pages: overflow chains");
	{
		listing l;
		memset(&l, 0, sizeof(l));
		uint8_t *f = slurp(FX "Packages.be512", &n);
		unsigned bad = 0, ovf = 0;
		int sw = -1;
		for (size_t p = 1; p < n / 512; p++)
			ovf += f[p * 512 + 25] == 7;
		ASSERT_INT_GT(ovf, 6); /* the headers do not fit a page: chains of pages */
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, n, 1 << 20, on_item, &l, &bad, &sw), MT_OK);
		ASSERT_INT_EQ(sw, 1);
		ASSERT_INT_EQ(bad, 0);
		same_as_rpm(&l);
		/* an item cap below the header size: skipped and counted */
		listing c;
		memset(&c, 0, sizeof(c));
		bad = 0;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, n, 256, on_item, &c, &bad, &sw), MT_OK);
		ASSERT_INT_EQ(c.headers, 0);
		ASSERT_INT_EQ(bad, 3);
		/* a byte flipped anywhere: never a crash or a hang */
		for (size_t i = 0; i < n; i += 7) {
			listing t;
			memset(&t, 0, sizeof(t));
			t.lenient = 1;
			f[i] ^= 0xa5;
			mt_bdb_hash_each_mem(f, n, 1 << 20, on_item, &t, &bad, &sw);
			f[i] ^= 0xa5;
		}
		free(f);
	}
	TEST_DONE();

	TEST_START("overflow chains that lie");
	{
		uint8_t f[4 * PS];
		got g;
		unsigned bad;
		memset(&g, 0, sizeof(g));
		mkdb(f, 100, 100, 0); /* honest */
		bad = 0;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, &bad, NULL), MT_OK);
		ASSERT_INT_EQ(g.calls, 1);
		ASSERT_SIZE_EQ(g.dlen, 100);
		ASSERT_INT_EQ(bad, 0);
		struct {
			uint32_t tlen;
			uint16_t len;
			uint32_t next;
			const char *what;
		} lies[] = {
			{1000, 100, 2, "cycle: the page points at itself"},
			{1000, 100, 0, "total longer than the chain"},
			{50, 100, 0, "page holds more than the total"},
			{100, 600, 0, "page length past the page"},
			{100, 0, 2, "empty page in a cycle"},
			{1000, 100, 9, "next page past the end of the file"},
			{0, 100, 0, "zero total"},
			{100000, 100, 0, "total over the item cap"},
		};
		for (size_t i = 0; i < MT_ARRAY_LEN(lies); i++) {
			memset(&g, 0, sizeof(g));
			bad = 0;
			mkdb(f, lies[i].tlen, lies[i].len > PS - 26 ? PS - 26 : lies[i].len, lies[i].next);
			if (lies[i].len > PS - 26)
				le16(f + 2 * PS + 22, lies[i].len);
			ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, &bad, NULL),
			              MT_OK);
			if (g.calls != 0 || bad != 1)
				fprintf(stderr, "  lie: %s\n", lies[i].what);
			ASSERT_INT_EQ(g.calls, 0);
			ASSERT_INT_EQ(bad, 1);
		}
		/* a two-page cycle 2 -> 3 -> 2 */
		mkdb(f, 100000, 100, 3);
		memcpy(f + 3 * PS, f + 2 * PS, PS);
		le32(f + 3 * PS + 16, 2);
		memset(&g, 0, sizeof(g));
		bad = 0;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 1 << 20, on_got, &g, &bad, NULL),
		              MT_OK);
		ASSERT_INT_EQ(g.calls, 0);
		ASSERT_INT_EQ(bad, 1);
		/* page offsets that lie */
		mkdb(f, 100, 100, 0);
		le16(f + PS + 20, 400); /* 400 entries cannot fit */
		bad = 0;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, &bad, NULL), MT_OK);
		ASSERT_INT_EQ(bad, 1);
		mkdb(f, 100, 100, 0);
		le16(f + PS + 26, PS + 40); /* key offset past the page */
		bad = 0;
		memset(&g, 0, sizeof(g));
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, &bad, NULL), MT_OK);
		ASSERT_INT_EQ(g.calls, 0);
		ASSERT_INT_EQ(bad, 1);
		mkdb(f, 100, 100, 0);
		le16(f + PS + 28, PS - 2); /* data above its key: items overlap */
		bad = 0;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, &bad, NULL), MT_OK);
		ASSERT_INT_EQ(bad, 1);
		/* the metadata page */
		mkdb(f, 100, 100, 0);
		f[12] = 0x62;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, NULL, NULL),
		              MT_ERR_PARSE);
		mkdb(f, 100, 100, 0);
		f[24] = 1;
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, NULL, NULL),
		              MT_ERR_UNSUPPORTED);
		mkdb(f, 100, 100, 0);
		le32(f + 20, 1000);
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, NULL, NULL),
		              MT_ERR_PARSE);
		mkdb(f, 100, 100, 0);
		le32(f + 32, 0xffffffffu); /* last page past the file: bounded by its size */
		memset(&g, 0, sizeof(g));
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, sizeof(f), 4096, on_got, &g, NULL, NULL), MT_OK);
		ASSERT_INT_EQ(g.calls, 1);
		ASSERT_INT_EQ(mt_bdb_hash_each_mem(f, 100, 4096, on_got, &g, NULL, NULL), MT_ERR_PARSE);
	}
	TEST_DONE();

	TEST_START("header blob: the tags read");
	{
		uint8_t b[4096];
		size_t len = good_header(b, sizeof(b), idx00);
		mt_rpm_hdr h;
		REQUIRE_INT_EQ(mt_rpm_header(b, len, &h), MT_OK);
		ASSERT_STR_EQ(h.name, "a");
		ASSERT_STR_EQ(h.release, "2.el7");
		ASSERT_STR_EQ(h.arch, "x86_64");
		ASSERT_INT_EQ(h.digest_algo, 8);
		ASSERT_INT_EQ(h.nfiles, 2);
		seen s;
		memset(&s, 0, sizeof(s));
		ASSERT_INT_EQ(mt_rpm_files(&h, on_seen, &s, NULL), MT_OK);
		ASSERT_STR_EQ(s.text, "/usr/bin/|ps|aa|0;/usr/bin/|ls|bb|1;");
		/* a directory index out of range: that file skipped and counted */
		len = good_header(b, sizeof(b), idx05);
		REQUIRE_INT_EQ(mt_rpm_header(b, len, &h), MT_OK);
		memset(&s, 0, sizeof(s));
		unsigned bad = 0;
		ASSERT_INT_EQ(mt_rpm_files(&h, on_seen, &s, &bad), MT_OK);
		ASSERT_STR_EQ(s.text, "/usr/bin/|ps|aa|0;");
		ASSERT_INT_EQ(bad, 1);
		/* legacy OLDFILENAMES, no FILEDIGESTALGO: MD5 */
		ent old[] = {{1000, 6, 1, "old", 4}, {1027, 8, 2, "/bin/ls\0/bin/ps", 16}};
		len = build(old, 2, b, sizeof(b));
		REQUIRE_INT_EQ(mt_rpm_header(b, len, &h), MT_OK);
		ASSERT_INT_EQ(h.digest_algo, 1);
		ASSERT_NULL(h.arch);
		memset(&s, 0, sizeof(s));
		ASSERT_INT_EQ(mt_rpm_files(&h, on_seen, &s, NULL), MT_OK);
		ASSERT_STR_EQ(s.text, "|/bin/ls||0;|/bin/ps||0;");
	}
	TEST_DONE();

	TEST_START("header blob: truncated and lying");
	{
		uint8_t b[4096], c[4096];
		size_t len = good_header(b, sizeof(b), idx00);
		mt_rpm_hdr h;
		for (size_t cut = 0; cut < len; cut++)
			ASSERT_INT_NE(mt_rpm_header(b, cut, &h), MT_OK);
		ASSERT_INT_EQ(mt_rpm_header(NULL, 0, &h), MT_ERR_PARSE);
		/* data size past the blob, and over the cap */
		memcpy(c, b, len);
		put32(c + 4, (uint32_t)(len - 8 - 16 * 10 + 1));
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_PARSE);
		put32(c + 4, 0x7fffffffu);
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_LIMIT);
		memcpy(c, b, len);
		put32(c, 0x00ffffffu); /* index count */
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_LIMIT);
		memcpy(c, b, len);
		put32(c, 11); /* one entry more than there is */
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_PARSE);
		/* entry 5 (BASENAMES): offset past the data, count past the data */
		memcpy(c, b, len);
		put32(c + 8 + 16 * 5 + 8, 0xfffffff0u);
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_PARSE);
		memcpy(c, b, len);
		put32(c + 8 + 16 * 5 + 12, 0x40000000u);
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_PARSE);
		/* DIRINDEXES (entry 6) with a count that fits the data but not the files */
		memcpy(c, b, len);
		put32(c + 8 + 16 * 6 + 12, 1);
		REQUIRE_INT_EQ(mt_rpm_header(c, len, &h), MT_OK);
		ASSERT_INT_EQ(mt_rpm_files(&h, on_seen, &(seen){{0}, 0}, NULL), MT_ERR_PARSE);
		/* BASENAMES says 3 strings, only 2 follow before the data ends... */
		memcpy(c, b, len);
		put32(c + 8 + 16 * 5 + 12, 3);
		put32(c + 8 + 16 * 6 + 12, 3);
		put32(c + 8 + 16 * 7 + 12, 3);
		put32(c + 8 + 16 * 8 + 12, 3);
		REQUIRE_INT_EQ(mt_rpm_header(c, len, &h), MT_OK);
		ASSERT_INT_EQ(mt_rpm_files(&h, on_seen, &(seen){{0}, 0}, NULL), MT_OK);
		/* ...and a name that is not terminated inside the data */
		ent noterm[] = {{1000, 6, 1, "abc", 3}};
		len = build(noterm, 1, c, sizeof(c));
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_PARSE);
		ent badtype[] = {{1000, 4, 1, "abcd", 4}};
		len = build(badtype, 1, c, sizeof(c));
		ASSERT_INT_EQ(mt_rpm_header(c, len, &h), MT_ERR_PARSE);
		ent unterminated[] = {{1000, 6, 1, "a", 2}, {1027, 8, 1, "/bin/ls", 7}};
		len = build(unterminated, 2, c, sizeof(c));
		REQUIRE_INT_EQ(mt_rpm_header(c, len, &h), MT_OK);
		ASSERT_INT_EQ(mt_rpm_files(&h, on_seen, &(seen){{0}, 0}, NULL), MT_ERR_PARSE);
	}
	TEST_DONE();

	TEST_START("pkgdb: rpm roots (Berkeley DB, SQLite), dpkg first, unreadable ones");
	{
		char root[] = "/tmp/mt-rpmdb-XXXXXX", p[512];
		REQUIRE_NOT_NULL(mkdtemp(root));
		mt_report *rep;
		mkdirs(root, "var/lib/rpm");
		snprintf(p, sizeof(p), "%s/var/lib/rpm/Packages", root);
		copy_file(FX "Packages", p);
		mt_pkgdb *db = load_root(root, &rep);
		rpm_root_checks(db);
		mt_pkgdb_free(db);
		mt_report_free(rep);

		/* garbage: no packages, so not present (every file would look unowned) */
		FILE *f = fopen(p, "wb");
		REQUIRE_NOT_NULL(f);
		fputs("not a database at all, but long enough? no.", f);
		fclose(f);
		db = load_root(root, &rep);
		ASSERT_FALSE(mt_pkgdb_present(db));
		ASSERT_NULL(mt_pkgdb_source(db));
		mt_pkgdb_free(db);
		mt_report_free(rep);
		unlink(p);

		/* ndb: named in a diagnostic, not read */
		snprintf(p, sizeof(p), "%s/var/lib/rpm/Packages.db", root);
		copy_file(FX "files.txt", p);
		db = load_root(root, &rep);
		ASSERT_FALSE(mt_pkgdb_present(db));
		mt_pkgdb_free(db);
		mt_report_free(rep);
		unlink(p);

		/* SQLite under /usr/lib/sysimage/rpm */
		mkdirs(root, "usr/lib/sysimage/rpm");
		snprintf(p, sizeof(p), "%s/usr/lib/sysimage/rpm/rpmdb.sqlite", root);
		copy_file(FX "rpmdb.sqlite", p);
		db = load_root(root, &rep);
		rpm_root_checks(db);
		mt_pkgdb_free(db);
		mt_report_free(rep);

		/* dpkg wins when both are there */
		mkdirs(root, "var/lib/dpkg/info");
		snprintf(p, sizeof(p), "%s/var/lib/dpkg/info/procps.list", root);
		f = fopen(p, "wb");
		REQUIRE_NOT_NULL(f);
		fputs("/usr/bin/ps\n", f);
		fclose(f);
		db = load_root(root, &rep);
		ASSERT_STR_EQ(mt_pkgdb_source(db), "dpkg");
		ASSERT_STR_EQ(mt_pkgdb_owner(db, "/bin/ps"), "procps");
		mt_pkgdb_free(db);
		mt_report_free(rep);
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		ASSERT_INT_EQ(system(cmd), 0);
	}
	TEST_DONE();
	return T_DONE();
}
