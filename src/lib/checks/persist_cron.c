/* persist_cron.c - persist.cron: scheduled jobs that download, run miners, or run from
 * temporary and hidden places */
#include <stdio.h>
#include <string.h>

#include "../collect/collect.h"
#include "checks.h"

typedef struct cron_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_err err;
} cron_state;

static const char *format_name(mt_cron_format f)
{
	switch (f) {
	case MT_CRON_SYSTEM:
		return "system crontab";
	case MT_CRON_USER:
		return "user crontab";
	case MT_CRON_ANACRON:
		return "anacrontab";
	case MT_CRON_SCRIPT:
		return "periodic script or at job";
	}
	return "cron";
}

static const char *format_name_zh(mt_cron_format f)
{
	switch (f) {
	case MT_CRON_SYSTEM:
		return "系统crontab";
	case MT_CRON_USER:
		return "用户crontab";
	case MT_CRON_ANACRON:
		return "anacrontab";
	case MT_CRON_SCRIPT:
		return "周期脚本或at任务";
	}
	return "计划任务";
}

static int in_window(const mt_scan_opts *o, int64_t t)
{
	if (o->since == MT_TIME_NONE && o->until == MT_TIME_NONE)
		return 0;
	return (o->since == MT_TIME_NONE || t >= o->since) &&
	       (o->until == MT_TIME_NONE || t <= o->until);
}

static int on_entry(void *p, const mt_cron_entry *e)
{
	cron_state *cs = p;
	mt_cmd_verdict v;
	mt_judge_command(cs->ctx->rules, e->command, e->command_len, &v);
	mt_judge_targets(cs->ctx, e->command, e->command_len, &v);
	if (v.nreasons == 0)
		return 0;

	unsigned conf = v.severity >= MT_SEV_CRITICAL ? 95 : v.severity >= MT_SEV_HIGH ? 80 : 50;
	mt_finding *f = mt_finding_new(cs->self, v.severity, conf);
	char sched[64];
	snprintf(sched, sizeof(sched), "%.*s", (int)(e->schedule_len < 60 ? e->schedule_len : 60),
	         e->schedule);
	int reboot = strncmp(e->schedule, "@reboot", 7) == 0;

	mt_finding_text(f, MT_LANG_EN,
	                reboot ? "Malicious job runs at every boot" : "Malicious scheduled task",
	                "A %s entry", format_name(e->format));
	mt_finding_text(f, MT_LANG_ZH, reboot ? "开机自动执行的恶意任务" : "恶意计划任务", "%s条目",
	                format_name_zh(e->format));
	mt_finding_str(f, "path", e->path, 1);
	mt_finding_int(f, "lineno", e->lineno, 0);
	mt_finding_strn(f, "line", e->line, e->line_len, 1);
	if (e->schedule_len)
		mt_finding_str(f, "schedule", sched, 0);
	if (e->user)
		mt_finding_strn(f, "user", e->user, e->user_len, 0);
	mt_finding_strn(f, "command", e->command, e->command_len, 0);
	if (e->st) {
		mt_finding_int(f, "mtime", (long long)e->st->st_mtime, 0);
		mt_finding_int(f, "ctime", (long long)e->st->st_ctime, 0);
		if (in_window(cs->ctx->opts, e->st->st_mtime) ||
		    in_window(cs->ctx->opts, e->st->st_ctime)) {
			mt_finding_int(f, "changed_in_window", 1, 0);
			if (f)
				f->confidence = f->confidence + 5 > 100 ? 100 : f->confidence + 5;
		}
	}

	mt_verdict_explain(f, &v);

	/* remedy: take out exactly this line (its hash re-validates it before removal) */
	char lh[65];
	mt_sha256_hex(e->line, e->line_len, lh);
	mt_action *a = mt_finding_action(f, e->format == MT_CRON_SCRIPT ? "quarantine_file"
	                                                                : "remove_line");
	mt_action_str(f, a, "path", e->path);
	if (e->format != MT_CRON_SCRIPT) {
		mt_action_int(f, a, "lineno", e->lineno);
		mt_action_str(f, a, "line_sha256", lh);
	}
	mt_verdict_remedies(f, &v, NULL);
	mt_err err = mt_report_add(cs->ctx->report, f);
	if (err == MT_ERR_NOMEM) {
		cs->err = err;
		return 1;
	}
	return 0;
}

mt_err mt_check_persist_cron(mt_ctx *ctx, const mt_check_info *self)
{
	cron_state cs = {ctx, self, MT_OK};
	mt_err e = mt_cron_collect(ctx->host, ctx->report, on_entry, &cs);
	return e != MT_OK ? e : cs.err;
}
