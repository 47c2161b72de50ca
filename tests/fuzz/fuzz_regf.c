/* fuzz_regf.c - libFuzzer target: registry hives (and transaction logs) through
 * mt_regf_open, the whole tree walked, every value read and turned into text, every key
 * looked up again by its path. The input is a hive, optionally followed by logs, each
 * after the separator "MTLOG>>>" (tests/fuzz/seed_fuzz_regf.sh writes such seeds from the shared hives at run time). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/win/regf.h"

#define SEP     "MTLOG>>>"
#define SEP_LEN 8

typedef struct fz {
	mt_regf *h;
	const uint8_t *hive;
	size_t hive_len;
	size_t keys, values;
	mt_buf text;
} fz;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_regf: invariant failed: %s\n", what);
		abort();
	}
}

static int on_value(void *p, const mt_regf_value *v)
{
	fz *z = p;
	check(v->name != NULL, "value name set");
	check(v->len == 0 || v->data != NULL, "value data set");
	check(v->len <= MT_MAX_REG_DATA, "value data capped");
	if (v->len) { /* touch every byte: ASan sees any pointer outside the buffers */
		volatile uint8_t sum = 0;
		for (size_t i = 0; i < v->len; i++)
			sum ^= v->data[i];
		(void)sum;
	}
	mt_buf_reset(&z->text);
	mt_err r = mt_regf_value_text(v, &z->text);
	check(r == MT_OK || r == MT_ERR_TOOBIG, "value text");
	uint64_t u;
	(void)mt_regf_value_u64(v, &u);
	z->values++;
	return z->values > 200000;
}

static int on_key(void *p, mt_regf_key k, const char *path, unsigned depth)
{
	fz *z = p;
	check(depth <= MT_MAX_REG_DEPTH, "depth capped");
	char name[64];
	int n = mt_regf_key_name(z->h, k, name, sizeof(name));
	check(n >= 0, "a walked key has a name");
	check(strlen(name) < sizeof(name), "name terminated");
	(void)mt_regf_key_mtime(z->h, k);
	mt_regf_each_value(z->h, k, on_value, z);
	/* looking the path up again finds a key (maybe another of the same name) */
	if (depth <= 8 && !strchr(path, '/')) {
		mt_regf_key again;
		mt_err r = mt_regf_find(z->h, mt_regf_root(z->h), path, &again);
		check(r == MT_OK || r == MT_ERR_NOENT || r == MT_ERR_LIMIT, "find result");
		mt_regf_value v;
		(void)mt_regf_value_get(z->h, k, "", &v);
	}
	z->keys++;
	return z->keys > 50000;
}

static const uint8_t *find_sep(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + SEP_LEN <= n; i++)
		if (p[i] == 'M' && memcmp(p + i, SEP, SEP_LEN) == 0)
			return p + i;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *parts[3];
	size_t lens[3], nparts = 0;
	const uint8_t *p = data, *end = data + size;
	while (nparts < 3) {
		const uint8_t *s = nparts < 2 ? find_sep(p, (size_t)(end - p)) : NULL;
		parts[nparts] = p;
		lens[nparts] = s ? (size_t)(s - p) : (size_t)(end - p);
		nparts++;
		if (!s)
			break;
		p = s + SEP_LEN;
	}
	/* exact-size copies: ASan sees any read past the end */
	uint8_t *hive = malloc(lens[0] ? lens[0] : 1);
	uint8_t *logs[2] = {NULL, NULL};
	size_t loglens[2] = {0, 0};
	if (!hive)
		return 0;
	memcpy(hive, parts[0], lens[0]);
	for (size_t i = 1; i < nparts; i++) {
		logs[i - 1] = malloc(lens[i] ? lens[i] : 1);
		if (logs[i - 1])
			memcpy(logs[i - 1], parts[i], lens[i]);
		loglens[i - 1] = logs[i - 1] ? lens[i] : 0;
	}
	mt_regf *h;
	mt_regf_info info;
	mt_err r = mt_regf_open(hive, lens[0], (const uint8_t *const *)logs, loglens, nparts - 1,
	                        &h, &info);
	if (r != MT_OK) {
		check(r == MT_ERR_PARSE || r == MT_ERR_NOMEM, "open fails only with MT_ERR_PARSE");
		check(h == NULL, "no handle on failure");
	} else {
		size_t blen;
		const uint8_t *b = mt_regf_bytes(h, &blen);
		check(b != NULL && blen >= 4096, "bytes of an opened hive");
		fz z = {h, b, blen, 0, 0, {0}};
		mt_buf_init(&z.text, 4 * MT_MAX_REG_DATA);
		mt_err w = mt_regf_walk(h, mt_regf_root(h), on_key, &z);
		check(w == MT_OK || w == MT_ERR_LIMIT, "walk result");
		check(z.keys >= 1, "the root is walked");
		mt_buf_free(&z.text);
		mt_regf_free(h);
	}
	free(logs[0]);
	free(logs[1]);
	return 0;
}
