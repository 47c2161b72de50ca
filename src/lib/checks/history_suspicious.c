/* history_suspicious.c - history.suspicious: what the shell histories say was typed
 * (downloads, chmod +x, history -c, deleted logs, chattr, miners) judged by the command
 * judge plus history-specific patterns */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../logs/logs.h"
#include "checks.h"

#define HIST_MAX_PER_FILE 50

static void reason(mt_cmd_verdict *v, const char *code, mt_severity sev, const char *d, size_t dn)
{
	for (unsigned i = 0; i < v->nreasons; i++)
		if (strcmp(v->reasons[i].code, code) == 0)
			return;
	if (sev > v->severity)
		v->severity = sev;
	if (v->nreasons >= MT_ARRAY_LEN(v->reasons))
		return;
	unsigned i = v->nreasons++;
	v->reasons[i].code = code;
	v->reasons[i].severity = sev;
	v->reasons[i].rule = NULL;
	if (dn >= sizeof(v->reasons[i].detail))
		dn = sizeof(v->reasons[i].detail) - 1;
	memcpy(v->reasons[i].detail, d, dn);
	v->reasons[i].detail[dn] = '\0';
}

/* Whether word w (bounded by blanks or shell punctuation) is in [s, s+n). */
static const char *has_word(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	for (size_t i = 0; i + k <= n; i++) {
		if (memcmp(s + i, w, k) != 0)
			continue;
		int lb = i == 0 || strchr(" \t;&|(`$'\"", s[i - 1]);
		int rb = i + k == n || strchr(" \t;&|)`'\"", s[i + k]);
		if (lb && rb)
			return s + i;
	}
	return NULL;
}

static const char *has(const char *s, size_t n, const char *sub)
{
	size_t k = strlen(sub);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, sub, k) == 0)
			return s + i;
	return NULL;
}

void mt_hist_judge(const mt_rules *rules, const char *cmd, size_t n, mt_cmd_verdict *v)
{
	mt_judge_command(rules, cmd, n, v);
	const char *p;
	if ((p = has_word(cmd, n, "history")) && (has(p, n - (size_t)(p - cmd), " -c") ||
	                                          has(p, n - (size_t)(p - cmd), " -w /dev/null")))
		reason(v, "history_cleared", MT_SEV_HIGH, p, n - (size_t)(p - cmd));
	if ((p = has(cmd, n, "HISTFILE")) &&
	    (has_word(cmd, n, "unset") || has(cmd, n, "/dev/null")))
		reason(v, "history_disabled", MT_SEV_HIGH, p, n - (size_t)(p - cmd));
	if ((p = has(cmd, n, "HISTSIZE=0")) || (p = has(cmd, n, "HISTFILESIZE=0")))
		reason(v, "history_disabled", MT_SEV_HIGH, p, n - (size_t)(p - cmd));
	if ((p = has(cmd, n, "/var/log/")) &&
	    (has_word(cmd, n, "rm") || has_word(cmd, n, "shred") || has_word(cmd, n, "truncate") ||
	     has(cmd, n, "> /var/log") || has(cmd, n, ">/var/log") || has_word(cmd, n, "sed")))
		reason(v, "log_deletion", MT_SEV_HIGH, p, n - (size_t)(p - cmd));
	if ((p = has_word(cmd, n, "chattr")))
		reason(v, "chattr", MT_SEV_MEDIUM, p, n - (size_t)(p - cmd));
	if ((p = has_word(cmd, n, "chmod")) &&
	    (has(p, n - (size_t)(p - cmd), "+x") || has(p, n - (size_t)(p - cmd), " 7") ||
	     has(p, n - (size_t)(p - cmd), " 0755")))
		reason(v, "chmod_exec", MT_SEV_MEDIUM, p, n - (size_t)(p - cmd));
	static const char *const dl[] = {"wget", "curl", "tftp", "scp", "lwp-download"};
	for (size_t i = 0; i < MT_ARRAY_LEN(dl); i++)
		if ((p = has_word(cmd, n, dl[i]))) {
			reason(v, "download", MT_SEV_MEDIUM, p, n - (size_t)(p - cmd));
			break;
		}
	if ((p = has(cmd, n, "authorized_keys")) && (has(cmd, n, ">>") || has(cmd, n, "echo")))
		reason(v, "ssh_key_added", MT_SEV_HIGH, p, n - (size_t)(p - cmd));
	if ((p = has_word(cmd, n, "crontab")) && !has(cmd, n, "crontab -l"))
		reason(v, "crontab", MT_SEV_MEDIUM, p, n - (size_t)(p - cmd));
	if ((p = has_word(cmd, n, "useradd")) || (p = has_word(cmd, n, "passwd")) ||
	    (p = has_word(cmd, n, "chpasswd")))
		reason(v, "account_change", MT_SEV_MEDIUM, p, n - (size_t)(p - cmd));
}

mt_err mt_check_history_suspicious(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_logs *l = mt_ctx_logs(ctx);
	mt_err e = MT_OK;
	for (size_t i = 0; i < l->nhist && e == MT_OK; i++) {
		const mt_history *h = &l->hist[i];
		size_t made = 0, over = 0;
		for (size_t k = 0; k < h->n && e == MT_OK; k++) {
			const mt_histline *hl = &h->lines[k];
			mt_cmd_verdict v;
			size_t cl = strlen(hl->cmd);
			mt_hist_judge(ctx->rules, hl->cmd, cl, &v);
			if (v.severity < MT_SEV_MEDIUM)
				continue;
			if (made >= HIST_MAX_PER_FILE) {
				over++;
				continue;
			}
			mt_finding *f = mt_finding_new(self, v.severity, 70);
			mt_finding_text(f, MT_LANG_EN, "Suspicious command in a shell history",
			                "%s typed it (line %u of %s)", h->user, hl->lineno,
			                h->path);
			mt_finding_text(f, MT_LANG_ZH, "命令历史中的可疑命令",
			                "用户%s执行过(%s第%u行)", h->user, h->path, hl->lineno);
			mt_verdict_explain(f, &v);
			mt_finding_str(f, "path", h->path, 1);
			mt_finding_int(f, "lineno", hl->lineno, 0);
			mt_finding_str(f, "line", hl->cmd, 1);
			mt_finding_str(f, "user", h->user, 0);
			if (hl->time != MT_TIME_NONE)
				mt_finding_int(f, "time", hl->time, 0);
			e = mt_report_add(ctx->report, f);
			made++;
		}
		if (over)
			mt_report_diag(ctx->report,
			               "%s: %s: %zu more suspicious lines not reported", self->id,
			               h->path, over);
	}
	return e;
}
