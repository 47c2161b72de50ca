/* fuzz_utmp.c - libFuzzer target: wtmp/btmp records through mt_utmp_parse_record, at
 * every record offset of the input and with the input cut short */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_utmp: invariant failed: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t off = 0; off < size || off == 0; off += MT_UTMP_SIZE) {
		size_t n = size - (off < size ? off : size);
		unsigned char *rec = malloc(n ? n : 1); /* exact size: overreads are caught */
		if (!rec)
			return 0;
		memcpy(rec, data + off, n);
		for (int btmp = 0; btmp < 2; btmp++) {
			mt_logev ev;
			int z = -1;
			int r = mt_utmp_parse_record(rec, n, btmp, &ev, &z);
			check(r == MT_AL_EVENT || r == MT_AL_OTHER || r == MT_AL_BAD, "result");
			check(z == 0 || z == 1, "zeroed set");
			if (n < MT_UTMP_SIZE)
				check(r == MT_AL_BAD, "short record is bad");
			if (r == MT_AL_EVENT) {
				check(ev.kind == MT_LE_LOGIN || ev.kind == MT_LE_BOOT || ev.kind == MT_LE_BTMP,
				      "kind");
				check(memchr(ev.user, 0, sizeof(ev.user)) && memchr(ev.ip, 0, sizeof(ev.ip)) &&
				          ev.detail && memchr(ev.detail, 0, MT_LOG_DETAIL) &&
				          memchr(ev.method, 0, sizeof(ev.method)),
				      "strings terminated");
			}
		}
		free(rec);
		if (size == 0)
			break;
	}
	return 0;
}
