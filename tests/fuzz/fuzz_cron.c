/* fuzz_cron.c - libFuzzer target: cron files through mt_cron_parse in every format, each
 * entry judged with the built-in rules and explained on a throw-away finding */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collect.h"

static mt_rules *rules;

typedef struct cron_ctx {
	const char *data;
	size_t size;
	mt_cron_format fmt;
	const char *owner;
	const struct stat *st;
	unsigned entries;
	unsigned stop_after; /* 0: never stop early */
	unsigned last_line;
	int no_judge;
	uint32_t *judged; /* by command offset: length + 1 of a command already judged */
} cron_ctx;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_cron: invariant failed: %s\n", what);
		abort();
	}
}

/* [p, p+n) lies inside the input. */
static int inside(const cron_ctx *c, const char *p, size_t n)
{
	return p >= c->data && n <= c->size && (size_t)(p - c->data) <= c->size - n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mt_rules_new(&rules) != MT_OK || mt_rules_load_builtin(rules, NULL, NULL) != MT_OK ||
	    mt_rules_count(rules) == 0) {
		fprintf(stderr, "fuzz_cron: the built-in rules do not load\n");
		abort();
	}
	return 0;
}

static void judge(const cron_ctx *c, const mt_cron_entry *e)
{
	mt_cmd_verdict v;
	mt_judge_command(rules, e->command, e->command_len, &v);
	check(v.nreasons <= MT_ARRAY_LEN(v.reasons), "reasons fit");
	check((unsigned)v.severity < MT_SEV_COUNT, "verdict severity in range");
	check(v.nreasons > 0 || v.severity == MT_SEV_INFO, "no reason, no severity");
	for (unsigned i = 0; i < v.nreasons; i++) {
		check(v.reasons[i].code && v.reasons[i].code[0], "reason has a code");
		check(memchr(v.reasons[i].detail, '\0', sizeof(v.reasons[i].detail)) != NULL,
		      "reason detail is terminated");
		check(v.reasons[i].severity <= v.severity, "verdict is the worst reason");
	}

	const mt_check_info *ci = mt_checks_get(0);
	check(ci != NULL, "check 0 exists");
	mt_finding *f = mt_finding_new(ci, v.severity, 50);
	if (!f)
		return;
	if (e->lineno & 1) /* half the time with an explanation to extend */
		mt_finding_text(f, (e->lineno & 2) ? MT_LANG_ZH : MT_LANG_EN, "title",
		                "A %s entry", c->fmt == MT_CRON_SCRIPT ? "script" : "cron");
	mt_finding_strn(f, "command", e->command, e->command_len, 1);
	mt_verdict_explain(f, &v);
	if (f->err == MT_OK) {
		char buf[64];
		check(mt_finding_evidence(f, "reasons", buf, sizeof(buf)) != NULL,
		      "explained finding has reasons");
		for (int l = 0; l < MT_LANG_COUNT; l++)
			check(!f->explain[l] || strlen(f->explain[l]) < MT_MAX_TEXT,
			      "explanation within its cap");
	}
	mt_finding_free(f);
}

static int on_entry(void *p, const mt_cron_entry *e)
{
	cron_ctx *c = p;
	check(e->format == c->fmt, "entry has the format asked for");
	check(e->st == c->st, "entry carries the stat");
	check(e->lineno > c->last_line, "line numbers grow");
	c->last_line = e->lineno;
	check(inside(c, e->line, e->line_len), "line inside the input");
	check(e->line_len <= MT_MAX_LINE, "line within MT_MAX_LINE");
	check(e->command && inside(c, e->command, e->command_len), "command inside the input");
	check(e->command_len > 0, "command not empty");
	check(e->command >= e->line && e->command + e->command_len <= e->line + e->line_len,
	      "command inside its line");
	check(e->schedule != NULL, "schedule set");
	if (c->fmt == MT_CRON_SCRIPT) {
		check(e->schedule_len == 0, "scripts have no schedule");
	} else {
		check(inside(c, e->schedule, e->schedule_len) && e->schedule_len > 0,
		      "schedule inside the input");
		check(e->schedule + e->schedule_len <= e->command, "schedule before the command");
	}
	if (c->fmt == MT_CRON_SYSTEM) {
		check(e->user && inside(c, e->user, e->user_len) && e->user_len > 0,
		      "system entries have a user field");
	} else if (c->fmt == MT_CRON_USER || c->fmt == MT_CRON_ANACRON) {
		check(c->owner ? e->user == c->owner : e->user == NULL, "user is the owner");
	}
	/* the same command met in another format is judged once (the matchers are slow
	 * under instrumentation) */
	size_t off = (size_t)(e->command - c->data);
	if (!c->no_judge && (!c->judged || c->judged[off] != e->command_len + 1)) {
		judge(c, e);
		if (c->judged)
			c->judged[off] = (uint32_t)e->command_len + 1;
	}
	c->entries++;
	return c->stop_after && c->entries >= c->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"/etc/crontab", "/var/spool/cron/root",
	                                    "/etc/anacrontab", "/etc/cron.daily/0anacron"};
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	st.st_mtime = 1706055027;
	st.st_ctime = 1706055027;
	uint32_t *judged = calloc(size ? size : 1, sizeof(*judged));
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (size && data[size - 1] != '\n')
		lines++;
	for (int fmt = MT_CRON_SYSTEM; fmt <= MT_CRON_SCRIPT; fmt++) {
		cron_ctx c;
		memset(&c, 0, sizeof(c));
		c.data = (const char *)data;
		c.size = size;
		c.fmt = (mt_cron_format)fmt;
		c.owner = fmt == MT_CRON_USER ? "root" : NULL;
		c.st = fmt == MT_CRON_ANACRON ? NULL : &st;
		c.judged = judged;
		unsigned bad = 0;
		mt_err e = mt_cron_parse(paths[fmt], c.data, size, c.fmt, c.owner, c.st, on_entry,
		                         &c, &bad);
		check(e == MT_OK, "parse succeeds");
		check(c.entries + bad <= lines, "at most one entry or bad count a line");

		unsigned all = c.entries;

		/* in two pieces cut at a line end, as the collector reads a file in chunks:
		 * the same entries with the same line numbers */
		const uint8_t *cut = size > 1 ? memchr(data + size / 2, '\n', size - size / 2) : NULL;
		if (cut) {
			size_t upto = (size_t)(cut - data) + 1;
			unsigned first_lines = 0;
			for (size_t i = 0; i < upto; i++)
				first_lines += data[i] == '\n';
			memset(&c, 0, sizeof(c));
			c.data = (const char *)data;
			c.size = size;
			c.fmt = (mt_cron_format)fmt;
			c.owner = fmt == MT_CRON_USER ? "root" : NULL;
			c.st = fmt == MT_CRON_ANACRON ? NULL : &st;
			c.no_judge = 1;
			unsigned bad2 = 0;
			int stop = mt_cron_parse_at(paths[fmt], c.data, upto, 0, c.fmt, c.owner, c.st,
			                            on_entry, &c, &bad2);
			check(!stop, "no stop asked");
			stop = mt_cron_parse_at(paths[fmt], c.data + upto, size - upto, first_lines,
			                        c.fmt, c.owner, c.st, on_entry, &c, &bad2);
			check(!stop, "no stop asked");
			check(c.entries == all && bad2 == bad, "pieces give the same entries");
			check(c.last_line <= lines, "line numbers continue across pieces");
		}

		/* stopping early keeps the entries seen so far and ends the walk */
		if (all >= 2) {
			memset(&c, 0, sizeof(c));
			c.data = (const char *)data;
			c.size = size;
			c.fmt = (mt_cron_format)fmt;
			c.owner = fmt == MT_CRON_USER ? "root" : NULL;
			c.st = fmt == MT_CRON_ANACRON ? NULL : &st;
			c.stop_after = all / 2;
			c.no_judge = 1;
			bad = 0;
			mt_cron_parse(paths[fmt], c.data, size, c.fmt, c.owner, c.st, on_entry, &c,
			              &bad);
			check(c.entries == all / 2, "the walk stops when asked");
		}
	}
	free(judged);
	return 0;
}
