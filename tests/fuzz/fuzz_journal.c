/* fuzz_journal.c - libFuzzer target: journal files through our reader (mt_journal_parse),
 * as given and with the header's arena fitted to the input, so mutations of the objects
 * are walked too; every value given must lie in the input or be a decompressed copy */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/journal_file.h"

static const char *const want[] = {"SYSLOG_IDENTIFIER", "MESSAGE", "_COMM", "_UID"};

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_journal: invariant failed: %s\n", what);
		abort();
	}
}

typedef struct fctx {
	uint64_t n;
	size_t len;
} fctx;

static int on_entry(void *ctx, const mt_jentry *e)
{
	fctx *c = ctx;
	c->n++;
	check(e->realtime > 0 && e->realtime < (1ull << 55), "realtime");
	check(e->seqnum > 0, "seqnum");
	check(e->offset < c->len, "offset");
	for (size_t i = 0; i < MT_ARRAY_LEN(want); i++) {
		const mt_jval *v = &e->f[i];
		check(!(v->p && v->big), "big with a value");
		if (v->p) {
			check(v->n <= MT_MAX_JOURNAL_FIELD, "value over the cap");
			volatile char sum = 0;
			for (size_t k = 0; k < v->n; k++) /* ASan catches a value out of bounds */
				sum = (char)(sum + v->p[k]);
			(void)sum;
		}
	}
	return 0;
}

static void one(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1); /* exact size: overreads are caught */
	if (!buf)
		return;
	memcpy(buf, data, size);
	uint64_t budget = 8u << 20;
	mt_jstats st;
	fctx c = {0, size};
	mt_err e = mt_journal_parse(buf, size, want, MT_ARRAY_LEN(want), &budget, &st, on_entry, &c);
	check(e == MT_OK || e == MT_ERR_PARSE || e == MT_ERR_UNSUPPORTED || e == MT_ERR_NOMEM,
	      "result");
	check(e != MT_OK || c.n == st.entries, "entries counted");
	check(budget <= (8u << 20), "budget");
	if (e == MT_OK && st.stop_off)
		check(st.stop_off < size && st.stop_why, "stop");
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size);
	if (size >= 208 && size < (1u << 24)) {
		uint8_t *fit = malloc(size);
		if (!fit)
			return 0;
		memcpy(fit, data, size);
		uint64_t hs = 0;
		for (int i = 7; i >= 0; i--)
			hs = (hs << 8) | fit[88 + i];
		if (hs <= size) {
			uint64_t arena = size - hs;
			for (int i = 0; i < 8; i++)
				fit[96 + i] = (uint8_t)(arena >> (8 * i));
			one(fit, size);
		}
		free(fit);
	}
	return 0;
}
