/* fuzz_pe.c - libFuzzer target: PE files through mt_pe_parse, the RVA mapping, the version
 * strings, the import walk and mt_miner_identify; names and strings must be terminated and
 * bounded, counts within their caps */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/win/pe.h"

typedef struct fz {
	unsigned n, stop_after;
} fz;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_pe: invariant failed: %s\n", what);
		abort();
	}
}

static int on_import(void *p, const char *dll, const char *func)
{
	fz *z = p;
	check(dll && func, "names given");
	check(strlen(dll) > 0 && strlen(dll) < 256, "DLL name bounded");
	check(strlen(func) > 0 && strlen(func) < 256, "function name bounded");
	z->n++;
	return z->stop_after && z->n >= z->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy: ASan sees any read past the end */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	mt_miner_id id;
	mt_miner_identify(buf, size, &id);
	check(id.what >= MT_ID_NONE && id.what <= MT_ID_WINRING0, "known identity");
	check(id.confidence <= 100, "confidence");
	check(memchr(id.reasons, '\0', sizeof(id.reasons)) != NULL, "reasons terminated");
	check((id.what == MT_ID_NONE) == (id.family[0] == '\0'), "a family when identified");

	mt_pe pe;
	mt_err r = mt_pe_parse(buf, size, &pe);
	check(r == MT_OK || r == MT_ERR_PARSE, "parse fails only with MT_ERR_PARSE");
	check(r != MT_OK || mt_pe_magic(buf, size), "parsed files have the magic");
	if (r != MT_OK) {
		free(buf);
		return 0;
	}
	check(pe.nsec <= MT_PE_MAX_SECTIONS && pe.ndirs <= MT_PE_MAX_DIRS, "table caps");
	for (size_t i = 0; i < pe.nsec; i++)
		check(strlen(pe.sec[i].name) <= 8, "section names terminated");
	for (size_t i = 0; i < pe.ndirs; i++) {
		size_t off;
		uint32_t sz = pe.dir[i].size > 64 ? 64 : pe.dir[i].size;
		if (mt_pe_rva_to_off(&pe, pe.dir[i].rva, sz, &off) == 0)
			check(off <= size && sz <= size - off, "mapped ranges fit");
	}
	if (pe.has_version)
		check(pe.ver_off <= size && pe.ver_len <= size - pe.ver_off, "version block fits");
	static const char *const keys[] = {"CompanyName", "ProductName", "FileVersion",
	                                   "OriginalFilename"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char v[64];
		memset(v, 'x', sizeof(v));
		int got = mt_pe_version_string(&pe, keys[i], v, sizeof(v));
		check(memchr(v, '\0', sizeof(v)) != NULL, "version string terminated");
		check(got == 0 || v[0] == '\0', "nothing on a miss");
	}
	fz z = {0, 0};
	mt_err ir = mt_pe_imports(&pe, on_import, &z);
	check(ir == MT_OK || ir == MT_ERR_PARSE || ir == MT_ERR_LIMIT, "known import result");
	check(z.n <= MT_MAX_PE_IMPORTS, "import cap");
	if (ir == MT_OK && z.n >= 2) {
		fz y = {0, z.n / 2};
		mt_pe_imports(&pe, on_import, &y);
		check(y.n == z.n / 2, "the walk stops when asked");
	}
	free(buf);
	return 0;
}
