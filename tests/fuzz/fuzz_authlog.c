/* fuzz_authlog.c - libFuzzer target: auth log lines through mt_authlog_parse_line (both
 * time forms, every message parser) and whole buffers through the event store */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_authlog: invariant failed: %s\n", what);
		abort();
	}
}

static int terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int tz;
	if (!tz) {
		setenv("TZ", "CST-8", 1);
		tz = 1;
	}
	const char *d = (const char *)data;
	/* each line alone: a heap copy of exactly its length so reads past it are caught */
	size_t p = 0, lines = 0;
	while (p <= size) {
		const char *nl = p < size ? memchr(d + p, '\n', size - p) : NULL;
		size_t e = nl ? (size_t)(nl - d) : size;
		char *line = malloc(e - p + 1);
		if (!line)
			return 0;
		memcpy(line, d + p, e - p);
		mt_logev ev;
		memset(&ev, 0, sizeof(ev));
		int r = mt_authlog_parse_line(line, e - p, lines & 1 ? 1706382600 : MT_TIME_NONE, &ev);
		check(r == MT_AL_EVENT || r == MT_AL_OTHER || r == MT_AL_BAD, "result");
		if (r == MT_AL_EVENT) {
			check(ev.kind < MT_LE_COUNT, "kind");
			check(terminated(ev.user, sizeof(ev.user)) && terminated(ev.ip, sizeof(ev.ip)) &&
			          terminated(ev.method, sizeof(ev.method)) &&
			          ev.detail && terminated(ev.detail, MT_LOG_DETAIL),
			      "strings terminated");
			check(ev.count >= 1, "count");
		}
		free(line);
		lines++;
		if (!nl)
			break;
		p = e + 1;
	}
	/* the whole input through the store: skipped plus read never exceeds the lines */
	mt_logs *l = calloc(1, sizeof(*l));
	if (!l)
		return 0;
	if (mt_logs_parse_buffer(l, "fuzz", d, size, 1706382600) == MT_OK) {
		mt_logs_finish(l);
		check(l->nfiles == 1, "one file");
		check(l->files[0].skipped <= l->files[0].lines, "skipped within lines");
		check(l->files[0].events <= l->files[0].lines, "events within lines");
		for (size_t i = 1; i < l->nev; i++)
			check(l->ev[i - 1].time <= l->ev[i].time, "sorted");
		for (size_t i = 0; i < l->nfail; i++)
			check(l->fail[i].first <= l->fail[i].last && l->fail[i].count > 0, "aggregate");
		/* the year cross-check over what was read (RFC 3339 lines carry their year) */
		mt_report *rep = NULL;
		if (mt_report_new(&rep) == MT_OK) {
			mt_yearfix fix[2];
			size_t nf = mt_logs_check_years(l, rep, fix, 2);
			check(nf <= 2, "fixes within cap");
			for (size_t i = 0; i < nf; i++)
				check(fix[i].shift != 0 && fix[i].shift >= -3 && fix[i].shift <= 3, "shift");
			mt_report_free(rep);
		}
	}
	mt_logs_free(l);
	return 0;
}
