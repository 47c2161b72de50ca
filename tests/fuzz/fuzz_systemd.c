/* fuzz_systemd.c - libFuzzer target: unit files through mt_unit_parse, the input split at
 * the first NUL into a unit file and a drop-in applied on top, with invariants on the
 * merged result */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/systemd.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_systemd: invariant failed: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	const char *nul = memchr(d, '\0', size);
	size_t n1 = nul ? (size_t)(nul - d) : size;
	mt_unit u;
	memset(&u, 0, sizeof(u));
	if (mt_unit_parse(&u, "/lib/systemd/system/x.service", d, n1, 0) != MT_OK)
		goto out;
	if (nul && mt_unit_parse(&u, "/etc/systemd/system/x.service.d/o.conf", nul + 1,
	                         size - n1 - 1, 1) != MT_OK)
		goto out;
	check(u.nexec <= MT_MAX_UNIT_EXEC, "exec count capped");
	for (size_t i = 0; i < u.nexec; i++) {
		const mt_unit_exec *x = &u.exec[i];
		check(x->key && x->command && x->line && x->path, "exec fields set");
		check(x->command[0] != '\0', "no empty command");
		check(!strchr("-@:+!|", x->command[0]) || x->command[0] == '\0',
		      "prefixes removed");
		check(strlen(x->line) <= MT_MAX_LINE, "line within MT_MAX_LINE");
		check(x->lineno >= 1, "line numbers from 1");
		check(x->dropin == (strstr(x->path, ".conf") != NULL), "drop-in flag matches path");
	}
	check(!u.schedule || strlen(u.schedule) <= 1024, "schedule capped");
out:
	mt_unit_clear(&u);
	return 0;
}
