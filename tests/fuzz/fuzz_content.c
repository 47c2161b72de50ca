/* fuzz_content.c - libFuzzer target: the content engine's judgement (src/lib/content/
 * judge.c) on any bytes, as a shell script, a JSON configuration or a PowerShell script
 * by the first byte: kinds, configurations, script lines, encoded payloads (base64,
 * gzip, zlib, hex, UTF-16LE) and archive members, builtin rules, no YARA */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/content.h"

static mt_rules *rules;

static void check_str(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const char *const paths[] = {"/tmp/x.sh", "/tmp/.x/config.json", "C:/Users/u/a.ps1",
	                                    "/tmp/x"};
	if (!rules) {
		if (mt_rules_new(&rules) != MT_OK ||
		    mt_rules_load_builtin(rules, NULL, NULL) != MT_OK)
			abort();
	}
	if (n < 1)
		return 0;
	const char *path = paths[d[0] % 4];
	/* the bytes judged start after the selector, in a buffer of their own size so
	 * that ASan sees a read past their end */
	size_t len = n - 1;
	unsigned char *p = malloc(len ? len : 1);
	if (!p)
		return 0;
	memcpy(p, d + 1, len);
	ct_judge j = {.rules = rules, .ys = NULL, .want_hash = 1};
	ct_verdict *v = malloc(sizeof(*v));
	if (!v) {
		free(p);
		return 0;
	}
	ct_judge_bytes(&j, path, p, len, 0, v);
	check_str(v->what, sizeof(v->what));
	check_str(v->family, sizeof(v->family));
	check_str(v->reasons, sizeof(v->reasons));
	check_str(v->pool, sizeof(v->pool));
	check_str(v->wallet, sizeof(v->wallet));
	check_str(v->line, sizeof(v->line));
	check_str(v->decoded, sizeof(v->decoded));
	check_str(v->defender_what, sizeof(v->defender_what));
	if (v->sev < MT_SEV_INFO || v->sev > MT_SEV_CRITICAL || v->kind < CT_K_DATA ||
	    v->kind > CT_K_ARCHIVE)
		abort();
	if (v->nothing && v->sev != MT_SEV_INFO)
		abort();
	free(v);
	free(p);
	return 0;
}
