/* account_login.c - account.login: system accounts that can log in, empty passwords,
 * and passwords changed during the attack window (or the most recent changes) */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acct_common.h"
#include "checks.h"

static void day_text(long day, char *out, size_t n)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(out, n, "%Y-%m-%d", &tm) == 0)
		snprintf(out, n, "day %ld", day);
}

/* The UTC day [day*86400, day*86400+86400) meets the window. */
static int day_in_window(const mt_scan_opts *o, long day)
{
	int64_t a = (int64_t)day * 86400, b = a + 86399;
	return (o->until == MT_TIME_NONE || a <= o->until) &&
	       (o->since == MT_TIME_NONE || b >= o->since);
}

static void common_evidence(mt_finding *f, const mt_user *u, const char *hs)
{
	mt_finding_str(f, "user", u->name, 1);
	mt_finding_int(f, "uid", u->uid, 0);
	mt_finding_str(f, "shell", u->shell, 0);
	mt_finding_str(f, "password", hs, 0);
}

static mt_err system_login(mt_ctx *ctx, const mt_check_info *self, const mt_user *u,
                           unsigned uid_min)
{
	const char *hs = acct_hash_state(u);
	int pw = strcmp(hs, "usable") == 0;
	/* services such as postgres ship with /bin/bash: low; a password on top makes it a
	 * target for SSH password guessing */
	mt_finding *f = mt_finding_new(self, pw ? MT_SEV_MEDIUM : MT_SEV_LOW, pw ? 60 : 40);
	mt_finding_text(f, MT_LANG_EN, "System account with a login shell",
	                "The system account %s (uid %u, below UID_MIN %u) has the login shell "
	                "%s%s; service accounts normally use nologin",
	                u->name, u->uid, uid_min, u->shell,
	                pw ? " and a password that can be used to log in" : "");
	mt_finding_text(f, MT_LANG_ZH, "系统账户拥有可登录的shell",
	                "系统账户%s(UID %u,小于UID_MIN %u)的shell为%s%s;服务账户通常应为nologin",
	                u->name, u->uid, uid_min, u->shell, pw ? ",且设置了可登录的口令" : "");
	mt_finding_str(f, "kind", "system_login_shell", 1);
	mt_finding_str(f, "path", "/etc/passwd", 0);
	mt_finding_int(f, "lineno", u->passwd_line, 0);
	common_evidence(f, u, hs);
	acct_remedy_user(f, "lock_account", u->name);
	return mt_report_add(ctx->report, f);
}

static mt_err empty_password(mt_ctx *ctx, const mt_check_info *self, const mt_user *u)
{
	int login = acct_login_shell(u->shell);
	mt_finding *f =
		mt_finding_new(self, login ? MT_SEV_CRITICAL : MT_SEV_MEDIUM, login ? 90 : 60);
	mt_finding_text(f, MT_LANG_EN, "Account without a password",
	                "The shadow entry of %s has an empty password field: %s", u->name,
	                login ? "anyone can log in as this account without a password"
	                      : "its shell does not give a login, but su and PAM services may "
	                        "still accept it");
	mt_finding_text(f, MT_LANG_ZH, "账户口令为空", "账户%s在shadow中的口令字段为空:%s", u->name,
	                login ? "任何人无需口令即可登录该账户"
	                      : "其shell不可登录,但su和PAM服务仍可能接受");
	mt_finding_str(f, "kind", "empty_password", 1);
	mt_finding_str(f, "path", "/etc/shadow", 0);
	mt_finding_int(f, "lineno", u->shadow_line, 0);
	common_evidence(f, u, "empty");
	acct_remedy_user(f, "lock_account", u->name);
	acct_remedy_user(f, "change_password", u->name);
	return mt_report_add(ctx->report, f);
}

static mt_err password_changed(mt_ctx *ctx, const mt_check_info *self, const mt_user *u,
                               int in_window, long newest)
{
	char day[32];
	day_text(u->lastchg, day, sizeof(day));
	mt_severity sev;
	unsigned conf;
	if (in_window) {
		sev = u->uid == 0 ? MT_SEV_HIGH : MT_SEV_MEDIUM;
		conf = u->uid == 0 ? 75 : 60;
	} else {
		/* every fresh install looks like this: information for the timeline only */
		sev = MT_SEV_INFO;
		conf = 30;
	}
	mt_finding *f = mt_finding_new(self, sev, conf);
	if (in_window) {
		mt_finding_text(f, MT_LANG_EN, "Password changed during the attack window",
		                "The password of %s was last changed on %s (UTC day of the shadow "
		                "file), inside the time window given; attackers reset passwords to "
		                "keep access and to lock out rivals",
		                u->name, day);
		mt_finding_text(
			f, MT_LANG_ZH, "口令在攻击时间窗口内被修改",
			"账户%s的口令最后修改于%s(shadow文件记录的UTC日期),位于指定的时间窗口内;"
			"攻击者常修改口令以维持访问并排挤其他入侵者",
			u->name, day);
	} else {
		char nd[32];
		day_text(newest, nd, sizeof(nd));
		mt_finding_text(f, MT_LANG_EN, "Password among the latest changed",
		                "The password of %s was last changed on %s, within 7 days of the "
		                "newest change in the shadow file (%s); not suspicious by itself, "
		                "compare with the time of the incident",
		                u->name, day, nd);
		mt_finding_text(f, MT_LANG_ZH, "口令属于最近修改的一批",
		                "账户%s的口令最后修改于%s,距shadow文件中最新的修改(%s)不超过7天;"
		                "这本身并不可疑,请与事件时间对照",
		                u->name, day, nd);
	}
	mt_finding_str(f, "kind", in_window ? "password_changed_in_window" : "password_changed", 1);
	mt_finding_str(f, "path", "/etc/shadow", 0);
	mt_finding_int(f, "lineno", u->shadow_line, 0);
	common_evidence(f, u, acct_hash_state(u));
	mt_finding_int(f, "lastchg", u->lastchg, 0);
	mt_finding_str(f, "lastchg_date", day, 0);
	acct_remedy_user(f, "change_password", u->name);
	return mt_report_add(ctx->report, f);
}

mt_err mt_check_account_login(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_users *us = mt_ctx_users(ctx);
	unsigned uid_min = acct_uid_min(ctx->host);
	int window = acct_window_set(ctx->opts);
	long newest = -1;
	mt_err e;
	for (size_t i = 0; i < us->n; i++)
		if (us->v[i].has_shadow && us->v[i].lastchg > newest)
			newest = us->v[i].lastchg;
	for (size_t i = 0; i < us->n; i++) {
		const mt_user *u = &us->v[i];
		const char *hs = acct_hash_state(u);
		/* uid 0 accounts other than root are account.uid0's */
		if (u->uid != 0 && acct_is_system(u->uid, uid_min) && acct_login_shell(u->shell) &&
		    (e = system_login(ctx, self, u, uid_min)) == MT_ERR_NOMEM)
			return e;
		if (strcmp(hs, "empty") == 0 && (e = empty_password(ctx, self, u)) == MT_ERR_NOMEM)
			return e;
		if (!u->has_shadow || u->lastchg <= 0 || strcmp(hs, "locked") == 0)
			continue;
		if (window) {
			if (day_in_window(ctx->opts, u->lastchg) &&
			    (e = password_changed(ctx, self, u, 1, newest)) == MT_ERR_NOMEM)
				return e;
		} else if (strcmp(hs, "usable") == 0 && u->lastchg + 7 >= newest &&
		           (e = password_changed(ctx, self, u, 0, newest)) == MT_ERR_NOMEM) {
			return e;
		}
	}
	return MT_OK;
}
