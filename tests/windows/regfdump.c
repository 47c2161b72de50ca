/* regfdump.c - the test hook of the regf reader: every key path and value of a hive (with
 * its logs replayed) in one canonical sorted form, for tests/windows/regf_oracle.sh and
 * test_regf.c to compare with hivexml and with the hives Windows recovered.
 *
 *   regfdump [--hivex] HIVE [LOG...]
 *
 * Lines: "K <path>" for each key (the root is ""), "V <path>\t<name>\t<type>\t<data>" for
 * each value; bytes below 0x20, 0x7f and '%' of names as %XX. Data is the hex of the
 * raw bytes, or with --hivex the form hivexml gives: type names as hivexml writes them,
 * strings decoded ("s:"), string lists ("l:" items joined by ','), numbers ("i:").
 * Exit 0 when the hive opened, 1 when it was refused (MT_ERR_PARSE), 2 on other errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/win/regf.h"

typedef struct dump {
	mt_regf *h;
	int hivex;
	mt_buf line;
	char **lines;
	size_t n, alloc;
	int err;
	const char *path;
} dump;

static void esc(mt_buf *b, const char *s, size_t n, int list)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '%' || (list && c == ','))
			mt_buf_printf(b, "%%%02X", c);
		else
			mt_buf_addc(b, (char)c);
	}
}

static void push(dump *d)
{
	if (d->line.err != MT_OK) {
		d->err = 1;
		return;
	}
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 1024;
		char **nl = realloc(d->lines, na * sizeof(*nl));
		if (!nl) {
			d->err = 1;
			return;
		}
		d->lines = nl;
		d->alloc = na;
	}
	d->lines[d->n] = mt_buf_take(&d->line, NULL);
	if (!d->lines[d->n]) {
		d->err = 1;
		return;
	}
	d->n++;
}

static const char *hivex_type(uint32_t t)
{
	static const char *const names[] = {"none",
	                                    "string",
	                                    "expand",
	                                    "binary",
	                                    "int32",
	                                    "int32",
	                                    "link",
	                                    "string-list",
	                                    "resource-list",
	                                    "resource-description",
	                                    "resource-requirements",
	                                    "int64"};
	return t < MT_ARRAY_LEN(names) ? names[t] : "unknown";
}

static void hex(mt_buf *b, const uint8_t *p, size_t n)
{
	char h[3];
	for (size_t i = 0; i < n; i++) {
		mt_hex(p + i, 1, h);
		mt_buf_add(b, h, 2);
	}
}

static void data_hivex(mt_buf *b, const mt_regf_value *v)
{
	mt_buf t;
	mt_buf_init(&t, 64u << 20);
	mt_buf_add(&t, "", 0);
	switch (v->type) {
	case MT_REG_SZ:
	case MT_REG_EXPAND_SZ:
	case MT_REG_LINK:
		mt_regf_value_text(v, &t);
		mt_buf_adds(b, "s:");
		esc(b, t.data, t.len, 0);
		break;
	case MT_REG_MULTI_SZ: {
		/* hivex gives every NUL-terminated piece up to the end of the data, the
		   empty ones too (mt_regf_value_text stops at the first empty one) */
		mt_buf_adds(b, "l:");
		size_t i = 0;
		while (i + 1 < v->len) {
			size_t j = i;
			while (j + 1 < v->len && (v->data[j] || v->data[j + 1]))
				j += 2;
			mt_regf_value one = *v;
			one.type = MT_REG_SZ;
			one.data = v->data + i;
			one.len = j - i;
			mt_buf_reset(&t);
			mt_buf_add(&t, "", 0);
			mt_regf_value_text(&one, &t);
			if (i)
				mt_buf_addc(b, ',');
			esc(b, t.data, t.len, 1);
			i = j + 2;
		}
		break;
	}
	case MT_REG_DWORD:
	case MT_REG_DWORD_BE:
	case MT_REG_QWORD: {
		/* hivexml prints -1 for a number of the wrong size (hivex's error value) */
		uint64_t u;
		int ok = (v->type == MT_REG_QWORD ? v->len == 8 : v->len == 4) &&
		         mt_regf_value_u64(v, &u) == 0;
		if (!ok)
			mt_buf_adds(b, "i:-1");
		else if (v->type == MT_REG_QWORD)
			mt_buf_printf(b, "i:%lld", (long long)u);
		else
			mt_buf_printf(b, "i:%d", (int32_t)(uint32_t)u);
		break;
	}
	default:
		mt_buf_adds(b, "x:");
		hex(b, v->data, v->len);
	}
	mt_buf_free(&t);
}

static int on_value(void *ctx, const mt_regf_value *v)
{
	dump *d = ctx;
	mt_buf_adds(&d->line, "V ");
	esc(&d->line, d->path, strlen(d->path), 0);
	mt_buf_addc(&d->line, '\t');
	esc(&d->line, v->name, strlen(v->name), 0);
	if (d->hivex) {
		mt_buf_printf(&d->line, "\t%s\t", hivex_type(v->type));
		data_hivex(&d->line, v);
	} else {
		mt_buf_printf(&d->line, "\t%u\t", (unsigned)v->type);
		hex(&d->line, v->data, v->len);
	}
	push(d);
	return d->err;
}

static int on_key(void *ctx, mt_regf_key k, const char *path, unsigned depth)
{
	dump *d = ctx;
	(void)depth;
	mt_buf_adds(&d->line, "K ");
	esc(&d->line, path, strlen(path), 0);
	push(d);
	d->path = path;
	if (mt_regf_each_value(d->h, k, on_value, d) != MT_OK)
		d->err = 1;
	return d->err;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint8_t *slurp(const char *path, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *p = NULL;
	size_t n = 0, alloc = 0;
	for (;;) {
		if (n == alloc) {
			if (alloc >= cap)
				break;
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
	if (!p)
		p = malloc(1);
	*len = n;
	return p;
}

int main(int argc, char **argv)
{
	int a = 1, hivex = 0;
	if (a < argc && strcmp(argv[a], "--hivex") == 0) {
		hivex = 1;
		a++;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: regfdump [--hivex] HIVE [LOG...]\n");
		return 2;
	}
	size_t len;
	uint8_t *data = slurp(argv[a], MT_MAX_HIVE_FILE, &len);
	if (!data) {
		perror(argv[a]);
		return 2;
	}
	size_t nlogs = (size_t)(argc - a - 1);
	const uint8_t **logs = calloc(nlogs + 1, sizeof(*logs));
	size_t *lens = calloc(nlogs + 1, sizeof(*lens));
	if (!logs || !lens)
		return 2;
	for (size_t i = 0; i < nlogs; i++) {
		logs[i] = slurp(argv[a + 1 + (int)i], MT_MAX_HIVE_LOG, &lens[i]);
		if (!logs[i]) {
			perror(argv[a + 1 + (int)i]);
			return 2;
		}
	}
	mt_regf *h;
	mt_regf_info info;
	mt_err r = mt_regf_open(data, len, logs, lens, nlogs, &h, &info);
	for (size_t i = 0; i < nlogs; i++)
		free((void *)logs[i]);
	free(logs);
	free(lens);
	if (r != MT_OK) {
		fprintf(stderr, "regfdump: %s: %s\n", argv[a], mt_strerror(r));
		return r == MT_ERR_PARSE ? 1 : 2;
	}
	dump d = {h, hivex, {0}, NULL, 0, 0, 0, ""};
	mt_buf_init(&d.line, 64u << 20);
	r = mt_regf_walk(h, mt_regf_root(h), on_key, &d);
	qsort(d.lines, d.n, sizeof(*d.lines), cmp);
	for (size_t i = 0; i < d.n; i++) {
		puts(d.lines[i]);
		free(d.lines[i]);
	}
	free(d.lines);
	mt_buf_free(&d.line);
	fprintf(stderr,
	        "regfdump: %zu lines, dirty %d, bad_checksum %d, base_from_log %d, logs_used %u, "
	        "log_entries %u, log_bad %u, bad_cells %u, truncated %d, walk %s\n",
	        d.n, info.dirty, info.bad_checksum, info.base_from_log, info.logs_used,
	        info.log_entries, info.log_bad, mt_regf_bad_cells(h), info.truncated,
	        mt_strerror(r));
	mt_regf_free(h);
	return d.err ? 2 : 0;
}
