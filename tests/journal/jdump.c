/* jdump.c - test hook: one journal file through our reader (mt_journal_parse), every entry
 * printed as "realtime SYSLOG_IDENTIFIER MESSAGE _COMM _UID" (values in hex, "-" when
 * absent, "!" when over the cap) and a last "# stats" line; compare.py checks it
 * against journalctl -o export. Usage: jdump FILE */
#include <stdio.h>
#include <stdlib.h>

#include "logs/journal_file.h"

static const char *const want[] = {"SYSLOG_IDENTIFIER", "MESSAGE", "_COMM", "_UID"};

static int put(void *ctx, const mt_jentry *e)
{
	(void)ctx;
	printf("%llu", (unsigned long long)e->realtime);
	for (size_t i = 0; i < MT_ARRAY_LEN(want); i++) {
		const mt_jval *v = &e->f[i];
		if (v->big) {
			fputs(" !", stdout);
			continue;
		}
		if (!v->p) {
			fputs(" -", stdout);
			continue;
		}
		putchar(' ');
		if (v->n == 0)
			putchar('=');
		for (size_t k = 0; k < v->n; k++)
			printf("%02x", (unsigned char)v->p[k]);
	}
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: jdump FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	size_t cap = MT_MAX_JOURNAL_FILE, len = 0;
	unsigned char *buf = malloc(cap);
	if (!buf)
		return 2;
	len = fread(buf, 1, cap, f);
	fclose(f);
	uint64_t budget = MT_MAX_JOURNAL_INFLATE;
	mt_jstats st;
	mt_err e = mt_journal_parse(buf, len, want, MT_ARRAY_LEN(want), &budget, &st, put, NULL);
	printf("# stats err=%d compact=%d state=%u entries=%llu bad_entries=%llu bad_items=%llu "
	       "bad_data=%llu over_cap=%llu xz=%llu lz4=%llu zstd=%llu stop=%llu cut=%d\n",
	       (int)e, st.compact, (unsigned)st.state, (unsigned long long)st.entries,
	       (unsigned long long)st.bad_entries, (unsigned long long)st.bad_items,
	       (unsigned long long)st.bad_data, (unsigned long long)st.over_cap,
	       (unsigned long long)st.compressed[0], (unsigned long long)st.compressed[1],
	       (unsigned long long)st.compressed[2], (unsigned long long)st.stop_off, st.cut);
	free(buf);
	return e == MT_OK ? 0 : 1;
}
