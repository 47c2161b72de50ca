/* fuzz_evtx.c - libFuzzer target: EVTX bytes through mt_evtx_read_mem as they are, with
 * every chunk header checksum made right (so mutated chunk headers and string/template
 * tables get past the CRC32 check), and with an only_ids filter; every string of a record
 * must be terminated and the counts must add up */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/evtx.h"
#include "logs/winlogs.h"

typedef struct fz {
	uint64_t n;
	const unsigned *only;
	size_t nonly;
	mt_logs *logs; /* every record also through the timeline's reader (winlogs.c) */
} fz;

static mt_rules *rules; /* the built-in pack, loaded once */

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_evtx: invariant failed: %s\n", what);
		abort();
	}
}

static volatile size_t sink;

static int on_rec(void *p, const mt_evtx_record *r)
{
	fz *z = p;
	z->n++;
	check(r->provider && r->channel && r->computer && r->user_sid, "strings set");
	sink += strlen(r->provider) + strlen(r->channel) + strlen(r->computer) +
	        strlen(r->user_sid);
	check(r->nfields <= MT_MAX_EVTX_FIELDS, "field cap");
	check(r->nfields == 0 || r->fields, "fields set");
	for (size_t i = 0; i < r->nfields; i++) {
		check(r->fields[i].name && r->fields[i].value, "field strings set");
		sink += strlen(r->fields[i].name) + strlen(r->fields[i].value);
		check(mt_evtx_field_get(r, r->fields[i].name) != NULL, "field lookup");
	}
	if (z->logs) {
		mt_err e = mt_winlogs_record(z->logs, 0, r);
		check(e == MT_OK || e == MT_ERR_NOMEM, "winlogs: a record adds an event or none");
	}
	if (z->nonly) {
		int ok = 0;
		for (size_t i = 0; i < z->nonly; i++)
			ok |= z->only[i] == r->event_id;
		check(ok, "only_ids honoured");
	}
	return 0;
}

static void on_diag(void *p, const char *msg)
{
	(void)p;
	sink += strlen(msg);
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

static void run(const uint8_t *buf, size_t size, const unsigned *only, size_t nonly)
{
	fz z = {0, only, nonly, NULL};
	if (!rules && mt_rules_new(&rules) == MT_OK)
		mt_rules_load_builtin(rules, NULL, NULL);
	if (!only && (z.logs = calloc(1, sizeof(*z.logs))) != NULL) {
		z.logs->rules = rules;
		if (mt_logs_file(z.logs, "/Windows/System32/winevt/Logs/x.evtx", 6) != 0) {
			mt_logs_free(z.logs);
			z.logs = NULL;
		}
	}
	mt_evtx_opts o = {on_rec, on_diag, &z, only, nonly};
	mt_evtx_stats st;
	mt_err e = mt_evtx_read_mem(buf, size, &o, &st);
	check(e == MT_OK || e == MT_ERR_PARSE, "known result");
	check(z.n == st.records, "records counted");
	check(e != MT_ERR_PARSE || st.chunks == 0, "parse error only without chunks");
	check(st.chunks + st.bad_chunks <= size / 512 + 1, "chunk count bound");
	mt_logs_free(z.logs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy: ASan sees any read past the end */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	run(buf, size, NULL, 0);
	/* the checksums made right, where the reader looks for chunks */
	size_t base = size >= 8 && memcmp(buf, "ElfChnk", 8) == 0 ? 0 : 4096;
	for (size_t off = base; off + 512 <= size; off += 65536) {
		if (memcmp(buf + off, "ElfChnk", 8) != 0)
			continue;
		uint32_t c = crc32(buf + off + 128, 512 - 128, crc32(buf + off, 120, 0));
		buf[off + 124] = (uint8_t)c;
		buf[off + 125] = (uint8_t)(c >> 8);
		buf[off + 126] = (uint8_t)(c >> 16);
		buf[off + 127] = (uint8_t)(c >> 24);
	}
	run(buf, size, NULL, 0);
	static const unsigned ids[] = {4624, 1, 7045};
	run(buf, size, ids, 3);
	free(buf);
	return 0;
}
