/* fuzz_fleet.c - libFuzzer target: fleet ingest and report on any bytes. The input is cut
 * at its first form feed into two reports (so hosts, logins and captures can meet); each
 * goes through mt_fleet_ingest into a fresh in-memory SQLite database, then the report is
 * written as text, JSON Lines and HTML. Nothing may crash, leak or loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minetrace/fleet.h"

static int sink(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	mt_fleet *f = NULL;
	char msg[512];
	if (mt_fleet_open(":memory:", &f, msg, sizeof(msg)) != MT_OK)
		abort();
	const uint8_t *ff = memchr(d, '\f', n);
	size_t a = ff ? (size_t)(ff - d) : n;
	mt_ingest_result r;
	mt_fleet_ingest(f, "a", (const char *)d, a, &r, msg, sizeof(msg));
	if (ff)
		mt_fleet_ingest(f, "b", (const char *)ff + 1, n - a - 1, &r, msg, sizeof(msg));
	unsigned inf;
	for (int fmt = 0; fmt < 3; fmt++)
		mt_fleet_report(f, (mt_fleet_format)fmt, fmt == 2 ? MT_LANG_ZH : MT_LANG_EN, sink, NULL,
		                &inf);
	mt_fleet_close(f);
	return 0;
}
