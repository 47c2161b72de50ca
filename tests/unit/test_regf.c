/* test_regf.c - unit tests of collect/win/regf.c on the real hives of
 * ../shared/data/windows/hives (yarp's test set): every file opens or is refused with
 * MT_ERR_PARSE, known keys and values read back, the bad base block is flagged, the
 * dirty hives replayed with their logs give exactly the hives Windows recovered (new
 * HvLE and old DIRT formats), damaged logs stop the replay, and damaged copies of the
 * hives never make the reader read outside them. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/win/regf.h"
#include "t.h"

static char hives[4096];

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *p = NULL;
	size_t n = 0, alloc = 0;
	for (;;) {
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 65536;
			uint8_t *np = realloc(p, na);
			if (!np) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = np;
			alloc = na;
		}
		size_t r = fread(p + n, 1, alloc - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return p;
}

/* A hive of the data set, NULL when it cannot be read. */
static uint8_t *hive(const char *name, size_t *len)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", hives, name);
	return slurp(path, len);
}

/* Opens name with up to two logs (names, NULL for none). */
static mt_err open_hive(const char *name, const char *log1, const char *log2, mt_regf **h,
                        mt_regf_info *info)
{
	size_t len, lens[2] = {0, 0};
	const uint8_t *logs[2] = {NULL, NULL};
	*h = NULL;
	uint8_t *data = hive(name, &len);
	if (!data)
		return MT_ERR_NOENT;
	if (log1)
		logs[0] = hive(log1, &lens[0]);
	if (log2)
		logs[1] = hive(log2, &lens[1]);
	mt_err r = mt_regf_open(data, len, logs, lens, 2, h, info);
	free((void *)logs[0]);
	free((void *)logs[1]);
	return r;
}

/* ---- a canonical dump: sorted "K path" and "V path\tname\ttype\thex" lines ---- */

typedef struct dump {
	mt_regf *h;
	mt_buf out;
	char **lines;
	size_t n, alloc;
	const char *path;
	size_t nvalues;
} dump;

static void add_line(dump *d, mt_buf *line)
{
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 256;
		d->lines = realloc(d->lines, d->alloc * sizeof(*d->lines));
		REQUIRE_NOT_NULL(d->lines);
	}
	d->lines[d->n] = mt_buf_take(line, NULL);
	REQUIRE_NOT_NULL(d->lines[d->n]);
	d->n++;
}

static int dump_value(void *ctx, const mt_regf_value *v)
{
	dump *d = ctx;
	mt_buf line;
	mt_buf_init(&line, 64u << 20);
	mt_buf_printf(&line, "V %s\t%s\t%u\t", d->path, v->name, (unsigned)v->type);
	char hx[3];
	for (size_t i = 0; i < v->len; i++) {
		mt_hex(v->data + i, 1, hx);
		mt_buf_add(&line, hx, 2);
	}
	add_line(d, &line);
	mt_buf_free(&line);
	d->nvalues++;
	return 0;
}

static int dump_key(void *ctx, mt_regf_key k, const char *path, unsigned depth)
{
	dump *d = ctx;
	(void)depth;
	mt_buf line;
	mt_buf_init(&line, 1u << 22);
	mt_buf_printf(&line, "K %s", path);
	add_line(d, &line);
	mt_buf_free(&line);
	d->path = path;
	mt_regf_each_value(d->h, k, dump_value, d);
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole tree of h as one string (the caller frees); *nkeys keys. */
static char *dump_tree(mt_regf *h, size_t *nlines)
{
	dump d;
	memset(&d, 0, sizeof(d));
	d.h = h;
	mt_err r = mt_regf_walk(h, mt_regf_root(h), dump_key, &d);
	ASSERT_INT_EQ(r, MT_OK);
	qsort(d.lines, d.n, sizeof(*d.lines), cmp_lines);
	mt_buf all;
	mt_buf_init(&all, 1u << 30);
	mt_buf_add(&all, "", 0);
	for (size_t i = 0; i < d.n; i++) {
		mt_buf_adds(&all, d.lines[i]);
		mt_buf_addc(&all, '\n');
		free(d.lines[i]);
	}
	free(d.lines);
	if (nlines)
		*nlines = d.n;
	return mt_buf_take(&all, NULL);
}

static char *dump_file(const char *name, const char *log1, const char *log2, mt_regf_info *info)
{
	mt_regf *h;
	mt_err r = open_hive(name, log1, log2, &h, info);
	ASSERT_INT_EQ(r, MT_OK);
	if (r != MT_OK)
		return NULL;
	char *s = dump_tree(h, NULL);
	mt_regf_free(h);
	return s;
}

/* ---- tests ---- */

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int count_keys(void *ctx, mt_regf_key k, const char *path, unsigned depth)
{
	(void)k;
	(void)path;
	(void)depth;
	(*(size_t *)ctx)++;
	return 0;
}

static int count_values(void *ctx, const mt_regf_value *v)
{
	ASSERT_TRUE(v->len == 0 || v->data != NULL);
	(*(size_t *)ctx)++;
	return 0;
}

typedef struct all_ctx {
	mt_regf *h;
	size_t values;
} all_ctx;

static int all_values(void *ctx, mt_regf_key k, const char *path, unsigned depth)
{
	all_ctx *a = ctx;
	(void)path;
	(void)depth;
	mt_regf_each_value(a->h, k, count_values, &a->values);
	char name[256];
	mt_regf_key_name(a->h, k, name, sizeof(name));
	return 0;
}

/* Opens every file of dir (recursively) as a hive without logs. */
static void open_all(const char *dir, unsigned *opened, unsigned *refused)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[8192];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			open_all(path, opened, refused);
			continue;
		}
		size_t len;
		uint8_t *data = slurp(path, &len);
		if (!data)
			continue;
		mt_regf *h;
		mt_regf_info info;
		mt_err r = mt_regf_open(data, len, NULL, NULL, 0, &h, &info);
		if (r != MT_OK && r != MT_ERR_PARSE)
			fprintf(stderr, "%s: %s\n", path, mt_strerror(r));
		ASSERT_TRUE(r == MT_OK || r == MT_ERR_PARSE);
		if (r == MT_OK) {
			all_ctx a = {h, 0};
			mt_err w = mt_regf_walk(h, mt_regf_root(h), all_values, &a);
			ASSERT_INT_EQ(w, MT_OK);
			(*opened)++;
			mt_regf_free(h);
		} else {
			ASSERT_NULL(h);
			(*refused)++;
		}
	}
	closedir(d);
}

static void test_every_hive(void)
{
	TEST_START("every file of the data set opens or is refused with MT_ERR_PARSE");
	unsigned opened = 0, refused = 0;
	open_all(hives, &opened, &refused);
	/* 22 hives (one with a bad base block, one truncated) and the 6 files that are
	   not hives: the 4 logs, TruncatedHiveBin (an hbin without a base block) */
	ASSERT_INT_GE(opened, 22);
	ASSERT_INT_EQ(refused, 5);
	TEST_DONE();
}

static void test_strings(void)
{
	TEST_START("StringValuesHive: REG_SZ, REG_EXPAND_SZ, REG_BINARY, case-insensitive lookup");
	mt_regf *h;
	mt_regf_info info;
	REQUIRE_INT_EQ(open_hive("StringValuesHive", NULL, NULL, &h, &info), MT_OK);
	ASSERT_INT_EQ(info.dirty, 0);
	ASSERT_INT_EQ(info.bad_checksum, 0);
	ASSERT_U64_EQ(info.last_written != 0, 1);
	mt_regf_key k;
	ASSERT_INT_EQ(mt_regf_find(h, mt_regf_root(h), "KEY", &k), MT_OK);
	char name[64];
	ASSERT_INT_EQ(mt_regf_key_name(h, k, name, sizeof(name)), 3);
	ASSERT_STR_EQ(name, "key");
	ASSERT_INT_EQ(mt_regf_find(h, mt_regf_root(h), "nokey", &k), MT_ERR_NOENT);
	char *s = NULL;
	ASSERT_INT_EQ(mt_regf_get_text(h, mt_regf_root(h), "key", "", &s), MT_OK);
	ASSERT_STR_EQ(s, "test тест");
	free(s);
	ASSERT_INT_EQ(mt_regf_get_text(h, mt_regf_root(h), "\\key\\", "2", &s), MT_OK);
	ASSERT_STR_EQ(s, "test тест");
	free(s);
	ASSERT_INT_EQ(mt_regf_get_text(h, mt_regf_root(h), "key", "3", &s), MT_OK);
	ASSERT_STR_EQ(s, "test тест ");
	free(s);
	ASSERT_INT_EQ(mt_regf_get_text(h, mt_regf_root(h), "key", "1", &s), MT_OK);
	ASSERT_STR_EQ(s, "74657374"); /* REG_BINARY as hex */
	free(s);
	ASSERT_INT_EQ(mt_regf_get_text(h, mt_regf_root(h), "key", "4", &s), MT_ERR_NOENT);
	ASSERT_NULL(s);
	mt_regf_value v;
	ASSERT_INT_EQ(mt_regf_find(h, mt_regf_root(h), "key", &k), MT_OK);
	ASSERT_INT_EQ(mt_regf_value_get(h, k, "2", &v), MT_OK);
	ASSERT_INT_EQ(v.type, MT_REG_EXPAND_SZ);
	ASSERT_SIZE_EQ(v.len, 20);
	ASSERT_INT_EQ(mt_regf_value_get(h, k, "1", &v), MT_OK);
	ASSERT_INT_EQ(v.type, MT_REG_BINARY);
	ASSERT_SIZE_EQ(v.len, 4);
	ASSERT_MEM_EQ(v.data, "test", 4);
	size_t nv = 0;
	ASSERT_INT_EQ(mt_regf_each_value(h, k, count_values, &nv), MT_OK);
	ASSERT_SIZE_EQ(nv, 4);
	mt_regf_free(h);
	TEST_DONE();
}

static void test_names(void)
{
	TEST_START("Latin-1 and UTF-16 names, folded case");
	mt_regf *h;
	mt_regf_info info;
	REQUIRE_INT_EQ(open_hive("ExtendedASCIIHive", NULL, NULL, &h, &info), MT_OK);
	mt_regf_key k;
	ASSERT_INT_EQ(mt_regf_find(h, mt_regf_root(h), "ËIGENAARDIG", &k), MT_OK);
	char name[64];
	mt_regf_key_name(h, k, name, sizeof(name));
	ASSERT_STR_EQ(name, "ëigenaardig");
	char *s = NULL;
	ASSERT_INT_EQ(mt_regf_get_text(h, mt_regf_root(h), "ëigenaardig", "ËIGENAARDIG", &s),
	              MT_OK);
	ASSERT_STR_EQ(s, "ëigenaardig");
	free(s);
	mt_regf_free(h);

	REQUIRE_INT_EQ(open_hive("UnicodeHive", NULL, NULL, &h, &info), MT_OK);
	ASSERT_INT_EQ(mt_regf_find(h, mt_regf_root(h), "Привет/Ключ", &k), MT_OK);
	mt_regf_key_name(h, k, name, sizeof(name));
	ASSERT_STR_EQ(name, "Ключ");
	ASSERT_INT_EQ(mt_regf_find(h, mt_regf_root(h), "ПРИВЕТ\\ключ", &k), MT_OK);
	/* a name cut to the output buffer, the full length returned */
	char small[5];
	ASSERT_INT_EQ(mt_regf_key_name(h, k, small, sizeof(small)), 8);
	ASSERT_STR_EQ(small, "Кл");
	mt_regf_free(h);

	REQUIRE_INT_EQ(open_hive("WrongOrderHive", NULL, NULL, &h, &info), MT_OK);
	ASSERT_INT_EQ(mt_regf_find(h, mt_regf_root(h), "2\\Г", &k), MT_OK);
	char *d = dump_tree(h, NULL);
	ASSERT_STR_EQ(d, "K \nK 1\nK 1\\1\nK 1\\2\nK 1\\3\nK 1\\4\nK 2\nK 2\\а\nK 2\\б\nK "
	                 "2\\в\nK 2\\г\n");
	free(d);
	mt_regf_free(h);
	TEST_DONE();
}

static int big_check(void *ctx, const mt_regf_value *v)
{
	int *ok = ctx;
	char c = v->name[0] ? '2' : '1';
	size_t want = v->name[0] ? 81725 : 16345;
	int same = v->len == want;
	for (size_t i = 0; same && i < v->len; i++)
		same = v->data[i] == (uint8_t)c;
	*ok += same;
	return 0;
}

static void test_big_data(void)
{
	TEST_START("BigDataHive: db cells joined");
	mt_regf *h;
	mt_regf_info info;
	REQUIRE_INT_EQ(open_hive("BigDataHive", NULL, NULL, &h, &info), MT_OK);
	mt_regf_key k;
	REQUIRE_INT_EQ(mt_regf_find(h, mt_regf_root(h), "key_with_bigdata", &k), MT_OK);
	int ok = 0;
	ASSERT_INT_EQ(mt_regf_each_value(h, k, big_check, &ok), MT_OK);
	ASSERT_INT_EQ(ok, 2);
	mt_regf_value v;
	ASSERT_INT_EQ(mt_regf_value_get(h, k, "V", &v), MT_OK);
	ASSERT_SIZE_EQ(v.len, 81725);
	ASSERT_INT_EQ(mt_regf_bad_cells(h), 0);
	mt_regf_free(h);
	TEST_DONE();
}

static void test_system(void)
{
	TEST_START("System_Delta: a real SYSTEM hive (numbers, times)");
	mt_regf *h;
	mt_regf_info info;
	REQUIRE_INT_EQ(open_hive("System_Delta", NULL, NULL, &h, &info), MT_OK);
	mt_regf_key root = mt_regf_root(h), k;
	char *s = NULL;
	ASSERT_INT_EQ(mt_regf_get_text(h, root,
	                               "ControlSet001\\Control\\ComputerName\\ComputerName",
	                               "computername", &s),
	              MT_OK);
	ASSERT_STR_EQ(s, "D59F6865D8A6");
	free(s);
	uint64_t u = 0;
	ASSERT_INT_EQ(mt_regf_get_u64(h, root, "ControlSet001/Control/Lsa", "LsaPid", &u), MT_OK);
	ASSERT_U64_EQ(u, 420);
	ASSERT_INT_EQ(mt_regf_get_text(h, root, "ControlSet001\\Control\\Lsa", "LsaPid", &s),
	              MT_OK);
	ASSERT_STR_EQ(s, "420");
	free(s);
	ASSERT_INT_EQ(mt_regf_get_u64(h, root,
	                              "ControlSet001\\Control\\Session Manager\\Environment",
	                              "NUMBER_OF_PROCESSORS", &u),
	              MT_OK); /* a REG_SZ holding a number */
	ASSERT_U64_EQ(u, 2);
	ASSERT_INT_EQ(mt_regf_get_u64(h, root,
	                              "ControlSet001\\Control\\Session Manager\\Environment", "OS",
	                              &u),
	              MT_ERR_PARSE);
	ASSERT_INT_EQ(mt_regf_find(h, root, "ControlSet001\\Control", &k), MT_OK);
	uint64_t ft = mt_regf_key_mtime(h, k);
	int64_t t = mt_filetime_unix(ft);
	ASSERT_TRUE(t > 1262304000 && t < 1893456000); /* between 2010 and 2030 */
	size_t n = 0;
	ASSERT_INT_EQ(mt_regf_walk(h, root, count_keys, &n), MT_OK);
	ASSERT_SIZE_EQ(n, 586);
	mt_regf_free(h);
	TEST_DONE();
}

static int stop_at_3(void *ctx, mt_regf_key sub)
{
	(void)sub;
	return ++*(size_t *)ctx == 3;
}

static void test_many_subkeys(void)
{
	TEST_START("ManySubkeysHive: 5000 subkeys through an index root");
	mt_regf *h;
	mt_regf_info info;
	REQUIRE_INT_EQ(open_hive("ManySubkeysHive", NULL, NULL, &h, &info), MT_OK);
	mt_regf_key k, sub;
	REQUIRE_INT_EQ(mt_regf_find(h, mt_regf_root(h), "key_with_many_subkeys", &k), MT_OK);
	size_t n = 0;
	ASSERT_INT_EQ(mt_regf_walk(h, k, count_keys, &n), MT_OK);
	ASSERT_SIZE_EQ(n, 5002); /* 5000 and 2119\\find_me */
	n = 0;
	ASSERT_INT_EQ(mt_regf_each_subkey(h, k, stop_at_3, &n), MT_OK);
	ASSERT_SIZE_EQ(n, 3);
	ASSERT_INT_EQ(mt_regf_find(h, k, "2119\\FIND_ME", &sub), MT_OK);
	ASSERT_INT_EQ(mt_regf_find(h, k, "4500", &sub), MT_OK);
	ASSERT_INT_EQ(mt_regf_find(h, k, "5001", &sub), MT_ERR_NOENT);
	mt_regf_free(h);

	REQUIRE_INT_EQ(open_hive("EmptyHive", NULL, NULL, &h, &info), MT_OK);
	n = 0;
	ASSERT_INT_EQ(mt_regf_walk(h, mt_regf_root(h), count_keys, &n), MT_OK);
	ASSERT_SIZE_EQ(n, 1);
	mt_regf_free(h);
	TEST_DONE();
}

static void test_damaged(void)
{
	TEST_START("bad base block, truncated hives, bad lists");
	mt_regf *h;
	mt_regf_info info;
	REQUIRE_INT_EQ(open_hive("BadBaseBlockHive/BadBaseBlockHive", NULL, NULL, &h, &info),
	               MT_OK);
	ASSERT_INT_EQ(info.bad_checksum, 1);
	ASSERT_INT_EQ(info.base_from_log, 0);
	mt_regf_free(h);

	REQUIRE_INT_EQ(open_hive("TruncatedHive", NULL, NULL, &h, &info), MT_OK);
	ASSERT_INT_EQ(info.truncated, 1);
	mt_regf_free(h);
	ASSERT_INT_EQ(open_hive("TruncatedHiveBin", NULL, NULL, &h, &info), MT_ERR_PARSE);
	ASSERT_NULL(h);

	/* hivex refuses these; we skip the bad list or subkey and count it */
	REQUIRE_INT_EQ(open_hive("BadListHive", NULL, NULL, &h, &info), MT_OK);
	size_t n = 0;
	ASSERT_INT_EQ(mt_regf_walk(h, mt_regf_root(h), count_keys, &n), MT_OK);
	ASSERT_SIZE_EQ(n, 6);
	ASSERT_INT_GT(mt_regf_bad_cells(h), 0);
	mt_regf_free(h);
	REQUIRE_INT_EQ(open_hive("BadSubkeyHive", NULL, NULL, &h, &info), MT_OK);
	ASSERT_INT_EQ(mt_regf_walk(h, mt_regf_root(h), count_keys, &n), MT_OK);
	ASSERT_INT_GT(mt_regf_bad_cells(h), 0);
	mt_regf_free(h);

	/* too small, not a hive, NULL */
	uint8_t *p = calloc(1, 100);
	ASSERT_INT_EQ(mt_regf_open(p, 100, NULL, NULL, 0, &h, &info), MT_ERR_PARSE);
	ASSERT_INT_EQ(mt_regf_open(NULL, 0, NULL, NULL, 0, &h, &info), MT_ERR_INVAL);
	mt_regf_free(NULL);
	TEST_DONE();
}

static void test_new_log(void)
{
	TEST_START("NewDirtyHive + .LOG1 + .LOG2 = RecoveredHive_Windows10");
	mt_regf_info info, ri;
	char *want = dump_file("NewDirtyHive1/RecoveredHive_Windows10", NULL, NULL, &ri);
	char *got = dump_file("NewDirtyHive1/NewDirtyHive", "NewDirtyHive1/NewDirtyHive.LOG1",
	                      "NewDirtyHive1/NewDirtyHive.LOG2", &info);
	REQUIRE_NOT_NULL(want);
	REQUIRE_NOT_NULL(got);
	ASSERT_STR_EQ(got, want);
	ASSERT_STR_CONTAINS(got, "K Key3\\Key3_3\n");
	ASSERT_INT_EQ(info.dirty, 1);
	ASSERT_INT_EQ(info.logs_used, 2);
	ASSERT_INT_EQ(info.log_entries, 4);
	ASSERT_INT_EQ(info.log_bad, 0);
	free(got);

	/* the logs in the other order give the same */
	got = dump_file("NewDirtyHive1/NewDirtyHive", "NewDirtyHive1/NewDirtyHive.LOG2",
	                "NewDirtyHive1/NewDirtyHive.LOG1", &info);
	ASSERT_STR_EQ(got, want);
	free(got);
	/* without the logs, or with .LOG2 only (its entries do not continue the sequence
	   of the base block), the hive is not the recovered one */
	got = dump_file("NewDirtyHive1/NewDirtyHive", NULL, NULL, &info);
	ASSERT_STR_NE(got, want);
	ASSERT_STR_CONTAINS(got, "K Key2\\Key2_2\n");
	free(got);
	got = dump_file("NewDirtyHive1/NewDirtyHive", NULL, "NewDirtyHive1/NewDirtyHive.LOG2",
	                &info);
	ASSERT_INT_EQ(info.log_entries, 0);
	ASSERT_STR_NE(got, want);
	free(got);

	/* the base block after replay: synchronised, valid, the sequence after the last */
	mt_regf *h;
	REQUIRE_INT_EQ(open_hive("NewDirtyHive1/NewDirtyHive", "NewDirtyHive1/NewDirtyHive.LOG1",
	                         "NewDirtyHive1/NewDirtyHive.LOG2", &h, &info),
	               MT_OK);
	size_t len, rlen;
	const uint8_t *b = mt_regf_bytes(h, &len);
	uint8_t *rec = hive("NewDirtyHive1/RecoveredHive_Windows10", &rlen);
	REQUIRE_NOT_NULL(rec);
	ASSERT_MEM_EQ(b + 4, rec + 4, 8);   /* sequence numbers 6 and 6 */
	ASSERT_MEM_EQ(b + 36, rec + 36, 8); /* root cell, hive bins size */
	mt_regf_free(h);
	/* the replayed bytes open again as a clean hive */
	uint8_t *copy = malloc(rlen);
	REQUIRE_NOT_NULL(copy);
	REQUIRE_INT_EQ(open_hive("NewDirtyHive1/NewDirtyHive", "NewDirtyHive1/NewDirtyHive.LOG1",
	                         "NewDirtyHive1/NewDirtyHive.LOG2", &h, &info),
	               MT_OK);
	b = mt_regf_bytes(h, &len);
	memcpy(copy, b, len < rlen ? len : rlen);
	mt_regf *h2;
	ASSERT_INT_EQ(mt_regf_open(copy, len < rlen ? len : rlen, NULL, NULL, 0, &h2, &ri), MT_OK);
	ASSERT_INT_EQ(ri.dirty, 0);
	ASSERT_INT_EQ(ri.bad_checksum, 0);
	if (h2) {
		got = dump_tree(h2, NULL);
		ASSERT_STR_EQ(got, want);
		free(got);
	}
	mt_regf_free(h2);
	mt_regf_free(h);
	free(rec);
	free(want);
	TEST_DONE();
}

/* Opens NewDirtyHive with LOG1 and a LOG2 changed by fn. */
static void damaged_log2(void (*fn)(uint8_t *log, size_t len), mt_regf_info *info, char **out)
{
	size_t len, l1, l2;
	uint8_t *data = hive("NewDirtyHive1/NewDirtyHive", &len);
	uint8_t *log1 = hive("NewDirtyHive1/NewDirtyHive.LOG1", &l1);
	uint8_t *log2 = hive("NewDirtyHive1/NewDirtyHive.LOG2", &l2);
	REQUIRE_TRUE(data && log1 && log2);
	fn(log2, l2);
	const uint8_t *logs[2] = {log1, log2};
	size_t lens[2] = {l1, l2};
	mt_regf *h;
	REQUIRE_INT_EQ(mt_regf_open(data, len, logs, lens, 2, &h, info), MT_OK);
	*out = dump_tree(h, NULL);
	mt_regf_free(h);
	free(log1);
	free(log2);
}

static void flip_entry2_page(uint8_t *log, size_t len)
{
	/* entry seq 4 at 8192: a byte of its dirty page (hash-1 no longer matches) */
	if (len > 8192 + 1000)
		log[8192 + 1000] ^= 0x55;
}

static void flip_entry2_seq(uint8_t *log, size_t len)
{
	/* entry seq 4 renumbered 9 (hash-2 no longer matches) */
	if (len > 8192 + 16)
		log[8192 + 12] = 9;
}

static void cut_log(uint8_t *log, size_t len)
{
	(void)len;
	memset(log + 8192, 0, 4); /* "HvLE" of the second entry gone */
}

static void test_bad_new_log(void)
{
	TEST_START("new format: replay stops at an entry failing its hash or sequence");
	mt_regf_info info;
	char *want = dump_file("NewDirtyHive1/RecoveredHive_Windows10", NULL, NULL, &info);
	char *got;
	damaged_log2(flip_entry2_page, &info, &got);
	ASSERT_INT_EQ(info.log_entries, 2); /* seq 2 (LOG1) and 3 (LOG2) */
	ASSERT_INT_EQ(info.log_bad, 1);
	ASSERT_STR_NE(got, want);
	free(got);
	damaged_log2(flip_entry2_seq, &info, &got);
	ASSERT_INT_EQ(info.log_entries, 2);
	ASSERT_INT_EQ(info.log_bad, 1);
	free(got);
	damaged_log2(cut_log, &info, &got);
	ASSERT_INT_EQ(info.log_entries, 2);
	ASSERT_INT_EQ(info.log_bad, 0);
	free(got);
	free(want);
	TEST_DONE();
}

static void test_old_log(void)
{
	TEST_START("OldDirtyHive + .LOG1 = RecoveredHive_Windows7 (dirty vector)");
	mt_regf_info info, ri;
	char *want = dump_file("OldDirtyHive/RecoveredHive_Windows7", NULL, NULL, &ri);
	char *got = dump_file("OldDirtyHive/OldDirtyHive", "OldDirtyHive/OldDirtyHive.LOG1", NULL,
	                      &info);
	REQUIRE_NOT_NULL(want);
	REQUIRE_NOT_NULL(got);
	ASSERT_STR_EQ(got, want);
	ASSERT_STR_CONTAINS(got, "K key_with_many_subkeys\\5000\\find_me_in_log\n");
	ASSERT_INT_EQ(info.dirty, 1);
	ASSERT_INT_EQ(info.logs_used, 1);
	ASSERT_INT_GT(info.log_entries, 0);
	free(got);
	got = dump_file("OldDirtyHive/OldDirtyHive", NULL, NULL, &info);
	ASSERT_STR_NE(got, want);
	free(got);

	/* a log older than the hive's last write, or itself unfinished (sequence numbers
	   differ), is not applied */
	for (int how = 0; how < 2; how++) {
		size_t len, llen;
		uint8_t *data = hive("OldDirtyHive/OldDirtyHive", &len);
		uint8_t *log = hive("OldDirtyHive/OldDirtyHive.LOG1", &llen);
		REQUIRE_TRUE(data && log && llen > 512);
		if (how == 0)
			memset(log + 12, 0, 8); /* the timestamp: 1601 */
		else
			log[8] ^= 1; /* secondary sequence number */
		uint32_t c = 0;
		for (int i = 0; i < 508; i += 4)
			c ^= (uint32_t)log[i] | (uint32_t)log[i + 1] << 8 |
			     (uint32_t)log[i + 2] << 16 | (uint32_t)log[i + 3] << 24;
		put32le(log + 508, c);
		const uint8_t *logs[1] = {log};
		mt_regf *h;
		REQUIRE_INT_EQ(mt_regf_open(data, len, logs, &llen, 1, &h, &info), MT_OK);
		ASSERT_INT_EQ(info.logs_used, 0);
		ASSERT_INT_EQ(info.log_entries, 0);
		ASSERT_INT_EQ(info.log_bad, how == 1);
		mt_regf_free(h);
		free(log);
	}

	/* the bad base block is taken from the log, and the log replayed */
	got = dump_file("BadBaseBlockHive/BadBaseBlockHive",
	                "BadBaseBlockHive/BadBaseBlockHive.LOG1", NULL, &info);
	ASSERT_INT_EQ(info.bad_checksum, 1);
	ASSERT_INT_EQ(info.base_from_log, 1);
	ASSERT_STR_EQ(got, want);
	free(got);
	free(want);
	TEST_DONE();
}

static void test_values(void)
{
	TEST_START("value text and numbers");
	mt_buf b;
	mt_buf_init(&b, 1024);
	static const uint8_t multi[] = {'a', 0, 0, 0, 'b', 0, 'b', 0, 0, 0, 0, 0, 'x', 0};
	mt_regf_value v = {"", MT_REG_MULTI_SZ, multi, sizeof(multi), 0};
	ASSERT_INT_EQ(mt_regf_value_text(&v, &b), MT_OK);
	ASSERT_STR_EQ(b.data, "a\nbb");
	static const uint8_t be[] = {0, 0, 1, 2};
	mt_regf_value d = {"", MT_REG_DWORD_BE, be, 4, 0};
	uint64_t u;
	ASSERT_INT_EQ(mt_regf_value_u64(&d, &u), 0);
	ASSERT_U64_EQ(u, 258);
	mt_buf_reset(&b);
	ASSERT_INT_EQ(mt_regf_value_text(&d, &b), MT_OK);
	ASSERT_STR_EQ(b.data, "258");
	static const uint8_t q[] = {1, 0, 0, 0, 0, 0, 0, 0x80};
	mt_regf_value qv = {"", MT_REG_QWORD, q, 8, 0};
	ASSERT_INT_EQ(mt_regf_value_u64(&qv, &u), 0);
	ASSERT_U64_EQ(u, 0x8000000000000001ull);
	qv.len = 5;
	ASSERT_INT_EQ(mt_regf_value_u64(&qv, &u), -1);
	mt_buf_reset(&b);
	ASSERT_INT_EQ(mt_regf_value_text(&qv, &b), MT_OK);
	ASSERT_STR_EQ(b.data, "0100000000");
	static const uint8_t bad16[] = {0x00, 0xd8, 'a', 0};
	mt_regf_value s = {"", MT_REG_SZ, bad16, 4, 0};
	mt_buf_reset(&b);
	ASSERT_INT_EQ(mt_regf_value_text(&s, &b), MT_OK);
	ASSERT_STR_EQ(b.data, "\xef\xbf\xbd"
	                      "a");
	ASSERT_INT_EQ(mt_regf_value_u64(&s, &u), -1);
	mt_buf_free(&b);
	ASSERT_TRUE(mt_filetime_unix(0) == INT64_MIN);
	ASSERT_INT_EQ(mt_filetime_unix(116444736000000000ull), 0);
	TEST_DONE();
}

/* Damaged copies: every prefix length step, and bytes changed over the first bins. */
static void test_hostile(void)
{
	TEST_START("damaged copies of real hives and logs");
	static const char *const names[] = {"StringValuesHive", "BigDataHive", "WrongOrderHive",
	                                    "NewDirtyHive1/NewDirtyHive"};
	size_t l1, l2;
	uint8_t *log1 = hive("NewDirtyHive1/NewDirtyHive.LOG1", &l1);
	uint8_t *log2 = hive("NewDirtyHive1/NewDirtyHive.LOG2", &l2);
	REQUIRE_TRUE(log1 && log2);
	unsigned opened = 0, runs = 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(names); i++) {
		size_t len;
		uint8_t *orig = hive(names[i], &len);
		REQUIRE_NOT_NULL(orig);
		size_t lim = len < 40000 ? len : 40000;
		for (size_t cut = 0; cut <= lim; cut += cut < 4200 ? 97 : 1531) {
			for (int flip = 0; flip < 3; flip++) {
				uint8_t *p = malloc(cut ? cut : 1);
				REQUIRE_NOT_NULL(p);
				memcpy(p, orig, cut);
				if (flip && cut > 4096) { /* one byte changed in the bins */
					size_t at = 4096 + (cut * 7919u + (size_t)flip * 104729u) %
					                           (cut - 4096);
					p[at] ^= (uint8_t)(0x5a + flip);
				}
				const uint8_t *logs[2] = {log1, log2};
				size_t lens[2] = {l1, l2};
				if (flip == 2) /* a log cut at the same point */
					lens[1] = cut < l2 ? cut : l2;
				mt_regf *h;
				mt_regf_info info;
				mt_err r = mt_regf_open(p, cut, logs, lens, 2, &h, &info);
				runs++;
				if (r != MT_OK && r != MT_ERR_PARSE)
					ASSERT_INT_EQ(r, MT_ERR_PARSE);
				if (r == MT_OK) {
					opened++;
					all_ctx a = {h, 0};
					mt_regf_walk(h, mt_regf_root(h), all_values, &a);
					mt_regf_free(h);
				}
			}
		}
		free(orig);
	}
	ASSERT_INT_GT(opened, 0);
	ASSERT_INT_GT(runs, opened);
	free(log1);
	free(log2);
	TEST_DONE();
}

static int count_sub(void *ctx, mt_regf_key sub)
{
	(void)sub;
	(*(size_t *)ctx)++;
	return 0;
}

/* A hand-made hive whose root lists itself: an ri holding itself and an lf that names
 * the root twice. The walk must end, visit the root once and count the bad cells. */
static void test_loops(void)
{
	TEST_START("hand-made hive: an index root holding itself, a key its own subkey");
	size_t len = 4096 + 4096;
	uint8_t *h = calloc(1, len);
	REQUIRE_NOT_NULL(h);
	memcpy(h, "regf", 4);
	put32le(h + 4, 1);
	put32le(h + 8, 1);
	put32le(h + 20, 1);
	put32le(h + 24, 5);
	put32le(h + 32, 1);
	put32le(h + 36, 0x20);
	put32le(h + 40, 4096);
	put32le(h + 44, 1);
	uint32_t c = 0;
	for (int i = 0; i < 508; i += 4)
		c ^= (uint32_t)h[i] | (uint32_t)h[i + 1] << 8 | (uint32_t)h[i + 2] << 16 |
		     (uint32_t)h[i + 3] << 24;
	put32le(h + 508, c);
	uint8_t *b = h + 4096;
	memcpy(b, "hbin", 4);
	put32le(b + 8, 4096);
	/* root nk at 0x20 */
	put32le(b + 0x20, (uint32_t)-0x60);
	uint8_t *nk = b + 0x24;
	memcpy(nk, "nk", 2);
	nk[2] = 0x2c;
	put32le(nk + 16, 0xffffffff);
	put32le(nk + 20, 3);
	put32le(nk + 28, 0x80);
	put32le(nk + 32, 0xffffffff);
	put32le(nk + 40, 0xffffffff);
	put32le(nk + 44, 0xffffffff);
	put32le(nk + 48, 0xffffffff);
	nk[72] = 1;
	nk[76] = 'R';
	/* ri at 0x80: itself and the lf */
	put32le(b + 0x80, (uint32_t)-0x10);
	memcpy(b + 0x84, "ri", 2);
	b[0x86] = 2;
	put32le(b + 0x88, 0x80);
	put32le(b + 0x8c, 0x90);
	/* lf at 0x90: the root twice */
	put32le(b + 0x90, (uint32_t)-0x18);
	memcpy(b + 0x94, "lf", 2);
	b[0x96] = 2;
	put32le(b + 0x98, 0x20);
	memcpy(b + 0x9c, "R\0\0\0", 4);
	put32le(b + 0xa0, 0x20);
	memcpy(b + 0xa4, "R\0\0\0", 4);
	put32le(b + 0xa8, 0x1000 - 0xa8);

	mt_regf *r;
	mt_regf_info info;
	REQUIRE_INT_EQ(mt_regf_open(h, len, NULL, NULL, 0, &r, &info), MT_OK);
	ASSERT_INT_EQ(info.bad_checksum, 0);
	size_t n = 0;
	ASSERT_INT_EQ(mt_regf_each_subkey(r, mt_regf_root(r), count_sub, &n), MT_OK);
	ASSERT_SIZE_EQ(n, 2); /* the lf's two entries; the ri inside the ri refused */
	unsigned bad = mt_regf_bad_cells(r);
	ASSERT_INT_GE(bad, 1);
	n = 0;
	ASSERT_INT_EQ(mt_regf_walk(r, mt_regf_root(r), count_keys, &n), MT_OK);
	ASSERT_SIZE_EQ(n, 1);
	ASSERT_INT_GE(mt_regf_bad_cells(r), bad + 2); /* the root met again twice */
	mt_regf_key k;
	ASSERT_INT_EQ(mt_regf_find(r, mt_regf_root(r), "r\\R\\r\\R", &k), MT_OK);
	ASSERT_INT_EQ(k, mt_regf_root(r));
	char name[8];
	ASSERT_INT_EQ(mt_regf_key_name(r, mt_regf_root(r), name, sizeof(name)), 1);
	ASSERT_STR_EQ(name, "R");
	ASSERT_INT_EQ(mt_regf_key_name(r, 0x90, name, sizeof(name)), -1); /* an lf, not a key */
	ASSERT_INT_EQ(mt_regf_key_name(r, 0x24, name, sizeof(name)), -1); /* inside a cell */
	mt_regf_free(r);
	TEST_DONE();
}

int main(void)
{
	struct stat st;
	const char *env = getenv("MT_HIVES");
	if (env && stat(env, &st) == 0)
		snprintf(hives, sizeof(hives), "%s", env);
	else if (stat("../shared/data/windows/hives", &st) == 0)
		snprintf(hives, sizeof(hives), "../shared/data/windows/hives");
	else if (stat("/work/shared/data/windows/hives", &st) == 0)
		snprintf(hives, sizeof(hives), "/work/shared/data/windows/hives");
	test_values();
	test_loops();
	if (!hives[0]) {
		fprintf(stderr, "test_regf: SKIP the hive tests: ../shared/data/windows/hives is "
		                "absent (the yarp test hives)\n");
		return T_DONE();
	}
	test_every_hive();
	test_strings();
	test_names();
	test_big_data();
	test_system();
	test_many_subkeys();
	test_damaged();
	test_new_log();
	test_bad_new_log();
	test_old_log();
	test_hostile();
	return T_DONE();
}
