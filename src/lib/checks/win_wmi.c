/* win_wmi.c - win.wmi: WMI permanent event subscriptions (fileless miners' favourite
 * persistence) carved from the CIM repository: every CommandLine or ActiveScript consumer
 * that is not one of Windows' own, with the filter that triggers it through a binding,
 * judged by what it runs; the defaults (SCM Event Log, BVT) are recognised by name and
 * content, so a look-alike named BVTConsumer that runs PowerShell is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../collect/win/wmi.h"
#include "win_common.h"

#define MAX_OBJS 1024

typedef struct wobj {
	int kind, benign;
	char *cls, *name, *a, *b, *c;
	uint64_t offset;
} wobj;

typedef struct wm_state {
	wobj *o;
	size_t n;
	int nomem;
} wm_state;

static int on_obj(void *p, const mt_wmi_obj *o)
{
	wm_state *s = p;
	if (s->n >= MAX_OBJS)
		return 1;
	wobj *w = &s->o[s->n];
	w->kind = o->kind;
	w->benign = mt_wmi_known_benign(o);
	w->cls = mt_strdup(o->class_name);
	w->name = mt_strdup(o->name);
	w->a = mt_strdup(o->a);
	w->b = mt_strdup(o->b);
	w->c = mt_strdup(o->c);
	w->offset = o->offset;
	if (!w->cls || !w->name || !w->a || !w->b || !w->c) {
		free(w->cls), free(w->name), free(w->a), free(w->b), free(w->c);
		s->nomem = 1;
		return 1;
	}
	s->n++;
	return 0;
}

/* The Name="..." of a reference ("\\.\root\subscription:X.Name=\"y\"") into out. */
static void ref_name(const char *ref, char *cls, size_t cn, char *out, size_t n)
{
	out[0] = cls[0] = '\0';
	const char *colon = strrchr(ref, ':');
	const char *c = colon ? colon + 1 : ref;
	const char *dot = strstr(c, ".Name=");
	if (!dot)
		dot = strstr(c, ".name=");
	if (!dot)
		return;
	snprintf(cls, cn, "%.*s", (int)(dot - c), c);
	const char *q = dot + 6;
	if (*q == '"')
		q++;
	size_t l = strcspn(q, "\"");
	snprintf(out, n, "%.*s", (int)l, q);
}

static void report(mt_ctx *ctx, const mt_check_info *self, wm_state *s, const wobj *c,
                   const char *repo)
{
	/* the bindings that point at this consumer, and their filters */
	const wobj *filter = NULL;
	int bound = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->o[i].kind != MT_WMI_BINDING)
			continue;
		char cls[128], cn[512], fcls[128], fn[512];
		ref_name(s->o[i].b, cls, sizeof(cls), cn, sizeof(cn));
		if (strcasecmp(cls, c->cls) != 0 || strcmp(cn, c->name) != 0)
			continue;
		bound = 1;
		ref_name(s->o[i].a, fcls, sizeof(fcls), fn, sizeof(fn));
		for (size_t k = 0; k < s->n && !filter; k++)
			if (s->o[k].kind == MT_WMI_FILTER && strcmp(s->o[k].name, fn) == 0)
				filter = &s->o[k];
	}
	mt_cmd_verdict v;
	win_target t;
	memset(&t, 0, sizeof(t));
	const char *what = c->kind == MT_WMI_SCRIPT ? c->a : (c->a[0] ? c->a : c->b);
	if (c->kind == MT_WMI_CMDLINE)
		win_judge(ctx, what, NULL, &v, &t);
	else
		mt_judge_wincmd(ctx->rules, what, strlen(what), &v);
	/* names of campaigns: the consumer's, its filter's; class names in the text run */
	win_name_rule(ctx, MT_RK_WMI, c->name, "ioc_wmi", &v);
	if (filter) {
		win_name_rule(ctx, MT_RK_WMI, filter->name, "ioc_wmi", &v);
		win_name_rule(ctx, MT_RK_WMI, filter->a, "ioc_wmi", &v);
	}
	win_name_rule(ctx, MT_RK_WMI, what, "ioc_wmi", &v);
	/* a permanent consumer that runs code is itself the sign: Windows ships none */
	mt__verdict_add(&v, "wmi_consumer", bound ? MT_SEV_HIGH : MT_SEV_MEDIUM, NULL, c->name,
	                strlen(c->name));
	mt_finding *f = mt_finding_new(self, v.severity, win_confidence(v.severity));
	mt_finding_text(f, MT_LANG_EN, "Program run by a WMI event subscription",
	                "%s \"%s\"%s%s%s runs: %.200s", c->cls, c->name,
	                filter  ? ", triggered by filter \""
	                : bound ? ""
	                        : " (no binding found)",
	                filter ? filter->name : "", filter ? "\"" : "", what);
	mt_finding_text(f, MT_LANG_ZH, "WMI事件订阅执行的程序", "%s \"%s\"%s%s%s 执行：%.200s",
	                c->cls, c->name,
	                filter  ? "，由过滤器 \""
	                : bound ? ""
	                        : "(未找到绑定)",
	                filter ? filter->name : "", filter ? "\" 触发" : "", what);
	mt_finding_str(f, "consumer", c->name, 1);
	mt_finding_str(f, "consumer_class", c->cls, 1);
	if (c->kind == MT_WMI_SCRIPT) {
		mt_finding_str(f, "script_engine", c->b, 0);
		mt_finding_str(f, "script", c->a, 0);
	} else {
		mt_finding_str(f, "command", c->a, 0);
		if (c->b[0])
			mt_finding_str(f, "executable", c->b, 0);
	}
	mt_finding_int(f, "bound", bound, 0);
	if (filter) {
		mt_finding_str(f, "filter", filter->name, 0);
		mt_finding_str(f, "query", filter->a, 0);
	}
	mt_finding_str(f, "repository", repo, 0);
	mt_finding_int(f, "offset", (long long)c->offset, 1); /* old versions are their own */
	win_target_evidence(f, &t);
	mt_verdict_explain(f, &v);
	mt_action *a = mt_finding_action(f, "delete_wmi");
	mt_action_str(f, a, "consumer", c->name);
	mt_action_str(f, a, "consumer_class", c->cls);
	if (filter)
		mt_action_str(f, a, "filter", filter->name);
	if (v.severity >= MT_SEV_HIGH) {
		win_target_quarantine(f, &t);
		mt_verdict_remedies(f, &v, t.system_dir ? t.tree : NULL);
	}
	mt_report_add(ctx->report, f);
}

mt_err mt_check_win_wmi(mt_ctx *ctx, const mt_check_info *self)
{
	if (!mt_ctx_win(ctx))
		return MT_OK;
	static const char *const repos[] = {"/Windows/System32/wbem/Repository/OBJECTS.DATA",
	                                    "/Windows/System32/wbem/Repository/FS/OBJECTS.DATA"};
	mt_err err = MT_OK;
	for (size_t r = 0; r < MT_ARRAY_LEN(repos) && err == MT_OK; r++) {
		char *data;
		size_t len;
		int trunc;
		mt_err e = mt_host_read_file(ctx->host, repos[r], MT_MAX_WMI_REPO, &data, &len,
		                             &trunc);
		if (e == MT_ERR_NOENT)
			continue;
		if (e != MT_OK) {
			mt_report_diag(ctx->report, "%s: %s", repos[r], mt_strerror(e));
			if (e == MT_ERR_NOMEM)
				return e;
			continue;
		}
		if (trunc)
			mt_report_diag(ctx->report, "%s: only the first %u bytes were carved",
			               repos[r], (unsigned)MT_MAX_WMI_REPO);
		wm_state s = {calloc(MAX_OBJS, sizeof(wobj)), 0, 0};
		if (!s.o) {
			free(data);
			return MT_ERR_NOMEM;
		}
		mt_wmi_carve((const uint8_t *)data, len, on_obj, &s);
		free(data);
		if (s.nomem)
			err = MT_ERR_NOMEM;
		for (size_t i = 0; i < s.n && err == MT_OK; i++) {
			const wobj *c = &s.o[i];
			if ((c->kind == MT_WMI_CMDLINE || c->kind == MT_WMI_SCRIPT) && !c->benign)
				report(ctx, self, &s, c, repos[r]);
		}
		for (size_t i = 0; i < s.n; i++) {
			free(s.o[i].cls), free(s.o[i].name), free(s.o[i].a), free(s.o[i].b);
			free(s.o[i].c);
		}
		free(s.o);
	}
	return err;
}
