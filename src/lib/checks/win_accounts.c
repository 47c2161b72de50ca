/* win_accounts.c - win.accounts: local accounts of the SAM hive that an intruder adds or
 * bends: names ending in '$' (net user does not list them), an account whose user record
 * carries another account's RID (RID hijacking: the Guest logs on as Administrator), and
 * administrators created in the time window (--since/--until). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../collect/win/winsam.h"
#include "win_common.h"

typedef struct ac_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_err err;
} ac_state;

static int on_user(void *p, const mt_sam_user *u)
{
	ac_state *s = p;
	size_t nl = strlen(u->name);
	int hidden = nl > 1 && u->name[nl - 1] == '$';
	int hijack = u->has_f && u->f_rid && u->rid && u->f_rid != u->rid;
	int64_t since = s->ctx->opts->since, until = s->ctx->opts->until;
	int in_window = since != MT_TIME_NONE && u->created != MT_TIME_NONE &&
	                u->created >= since && (until == MT_TIME_NONE || u->created <= until);
	int enabled = u->has_f && !(u->acb & MT_ACB_DISABLED);
	mt_cmd_verdict v;
	memset(&v, 0, sizeof(v));
	if (hidden)
		mt__verdict_add(&v, "hidden_account", enabled ? MT_SEV_HIGH : MT_SEV_MEDIUM, NULL,
		                u->name, nl);
	if (hijack)
		mt__verdict_add(&v, "rid_hijack", MT_SEV_CRITICAL, NULL, u->name, nl);
	if (in_window && u->rid >= 1000)
		mt__verdict_add(&v, "new_account", u->admin == 1 ? MT_SEV_HIGH : MT_SEV_MEDIUM,
		                NULL, u->name, nl);
	if (v.nreasons == 0)
		return 0;
	mt_finding *f = mt_finding_new(s->self, v.severity, win_confidence(v.severity));
	mt_finding_text(f, MT_LANG_EN, "Account added or changed by an intruder",
	                "Local account %s (RID %u%s%s)", u->name, u->rid,
	                u->admin == 1 ? ", administrator" : "", enabled ? "" : ", disabled");
	mt_finding_text(f, MT_LANG_ZH, "入侵者添加或篡改的账户", "本地账户%s(RID %u%s%s)", u->name,
	                u->rid, u->admin == 1 ? "，管理员" : "", enabled ? "" : "，已禁用");
	mt_finding_str(f, "account", u->name, 1);
	mt_finding_int(f, "rid", u->rid, 0);
	if (hijack)
		mt_finding_int(f, "record_rid", u->f_rid, 0);
	if (u->admin >= 0)
		mt_finding_int(f, "admin", u->admin, 0);
	mt_finding_int(f, "enabled", enabled, 0);
	if (u->created != MT_TIME_NONE)
		mt_finding_int(f, "created", (long long)u->created, 0);
	if (u->last_logon != MT_TIME_NONE)
		mt_finding_int(f, "last_logon", (long long)u->last_logon, 0);
	mt_finding_int(f, "logons", u->logons, 0);
	mt_verdict_explain(f, &v);
	mt_action *a = mt_finding_action(f, "disable_account");
	mt_action_str(f, a, "user", u->name);
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
	return s->err != MT_OK;
}

mt_err mt_check_win_accounts(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	if (!w || !w->sam.h)
		return MT_OK;
	ac_state s = {ctx, self, MT_OK};
	mt_sam_each_user(w->sam.h, on_user, &s);
	return s.err;
}
