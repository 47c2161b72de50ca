/* logs_tampered.c - logs.tampered: login logs emptied, cut or edited (empty or truncated
 * wtmp and secure, zeroed utmp records, time going backwards, long silent gaps) and shell
 * histories linked to /dev/null or emptied */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../logs/logs.h"
#include "checks.h"

/* A step back in time between consecutive lines that no clock change explains. */
#define BACK_MAX (2 * 3600)
/* A silence this long inside a log that otherwise writes many lines a day. */
#define GAP_MIN  (3 * 86400)
#define GAP_RATE 50 /* lines a day */

static mt_err emit(mt_ctx *ctx, const mt_check_info *self, mt_severity sev, const char *kind,
                   const char *path, const char *en_t, const char *zh_t, const char *en,
                   const char *zh)
{
	mt_finding *f = mt_finding_new(self, sev, 60);
	mt_finding_text(f, MT_LANG_EN, en_t, "%s", en);
	mt_finding_text(f, MT_LANG_ZH, zh_t, "%s", zh);
	mt_finding_str(f, "kind", kind, 1);
	mt_finding_str(f, "path", path, 1);
	return mt_report_add(ctx->report, f);
}

static const char *const kind_name[] = {"auth log", "wtmp", "btmp", "utmp", "lastlog", "journal"};

mt_err mt_check_logs_tampered(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_logs *l = mt_ctx_logs(ctx);
	mt_err e = MT_OK;
	char en[1400], zh[1400];
	/* a root that logs at all: some auth log or wtmp has content */
	int active = 0;
	for (size_t i = 0; i < l->nfiles; i++)
		if (l->files[i].size > 0 && l->files[i].kind != 4)
			active = 1;
	for (size_t i = 0; i < l->nfiles && e == MT_OK; i++) {
		const mt_logfile *f = &l->files[i];
		const char *kn = f->kind < MT_ARRAY_LEN(kind_name) ? kind_name[f->kind] : "log";
		int current = strchr(mt_basename(f->path), '.') == NULL ||
		              strcmp(mt_basename(f->path), "auth.log") == 0;
		if (f->size == 0 && f->kind != 5 && (f->kind == 1 || f->kind == 0) && current &&
		    active) {
			snprintf(en, sizeof(en),
			         "The %s %s is empty while the system logs elsewhere: "
			         "it may have been wiped (echo > %s)",
			         kn, f->path, f->path);
			snprintf(zh, sizeof(zh),
			         "%s(%s)为空而系统其他日志正常：可能被清空(echo > %s)", kn, f->path,
			         f->path);
			e = emit(ctx, self, MT_SEV_HIGH, "empty", f->path, "Login log emptied",
			         "登录日志被清空", en, zh);
			continue;
		}
		if (f->zeroed) {
			snprintf(en, sizeof(en),
			         "%llu records of %s are all NUL bytes: what log "
			         "cleaners (wtmp erasers) leave where they removed logins",
			         (unsigned long long)f->zeroed, f->path);
			snprintf(zh, sizeof(zh),
			         "%s中有%llu条记录全为零字节：日志清除工具删除登录记录后的痕迹",
			         f->path, (unsigned long long)f->zeroed);
			e = emit(ctx, self, MT_SEV_HIGH, "zeroed_records", f->path,
			         "Login records erased", "登录记录被抹除", en, zh);
		}
		if (e == MT_OK && (f->kind == 1 || f->kind == 2 || f->kind == 3) &&
		    f->size % MT_UTMP_SIZE) {
			snprintf(en, sizeof(en),
			         "%s is %llu bytes, not a whole number of %d-byte "
			         "records: it was cut or edited",
			         f->path, (unsigned long long)f->size, MT_UTMP_SIZE);
			snprintf(zh, sizeof(zh),
			         "%s大小为%llu字节，不是%d字节记录的整数倍：被截断或编辑过",
			         f->path, (unsigned long long)f->size, MT_UTMP_SIZE);
			e = emit(ctx, self, MT_SEV_MEDIUM, "truncated", f->path, "Login log cut",
			         "登录日志被截断", en, zh);
		}
		if (e == MT_OK && f->max_back > BACK_MAX) {
			snprintf(en, sizeof(en),
			         "Time in %s goes back by %lld seconds between two "
			         "entries: lines were inserted or the file was spliced",
			         f->path, (long long)f->max_back);
			snprintf(zh, sizeof(zh),
			         "%s中相邻两条记录的时间倒退了%lld秒：可能被插入或拼接过", f->path,
			         (long long)f->max_back);
			e = emit(ctx, self, MT_SEV_MEDIUM, "time_backwards", f->path,
			         "Log time goes backwards", "日志时间倒退", en, zh);
		}
		if (e == MT_OK && f->kind == 0 && f->max_gap >= GAP_MIN && f->last > f->first) {
			double days = (double)(f->last - f->first) / 86400.0;
			if (days > 0 && (double)f->lines / days >= GAP_RATE) {
				char from[40];
				mt_time_iso(f->gap_from, from, sizeof(from));
				snprintf(en, sizeof(en),
				         "%s is silent for %lld hours from %s although it "
				         "writes about %.0f lines a day: lines may have been "
				         "deleted",
				         f->path, (long long)(f->max_gap / 3600), from,
				         (double)f->lines / days);
				snprintf(
					zh, sizeof(zh),
					"%s自%s起%lld小时没有记录，而平时每天约%.0f行：可能有记录被删除",
					f->path, from, (long long)(f->max_gap / 3600),
					(double)f->lines / days);
				mt_finding *fd = mt_finding_new(self, MT_SEV_LOW, 40);
				mt_finding_text(fd, MT_LANG_EN, "Gap in a login log", "%s", en);
				mt_finding_text(fd, MT_LANG_ZH, "登录日志中的时间空白", "%s", zh);
				mt_finding_str(fd, "kind", "time_gap", 1);
				mt_finding_str(fd, "path", f->path, 1);
				mt_finding_int(fd, "first", f->gap_from, 0);
				mt_finding_int(fd, "last", f->gap_from + f->max_gap, 0);
				e = mt_report_add(ctx->report, fd);
			}
		}
	}
	for (size_t i = 0; i < l->nhist && e == MT_OK; i++) {
		const mt_history *h = &l->hist[i];
		if (h->state == 1) {
			snprintf(en, sizeof(en),
			         "The shell history %s of %s is a link to /dev/null: "
			         "nothing typed is kept (an attacker's habit)",
			         h->path, h->user);
			snprintf(
				zh, sizeof(zh),
				"用户%s的命令历史%s被链接到/dev/null：不再记录任何命令(攻击者常用手法)",
				h->user, h->path);
			e = emit(ctx, self, MT_SEV_HIGH, "history_devnull", h->path,
			         "Shell history disabled", "命令历史被禁用", en, zh);
		} else if (h->state == 2) {
			snprintf(en, sizeof(en),
			         "The shell history %s of %s is empty: it may have been "
			         "cleared (history -c, > ~/.bash_history)",
			         h->path, h->user);
			snprintf(
				zh, sizeof(zh),
				"用户%s的命令历史%s为空：可能被清除(history -c 或 > ~/.bash_history)",
				h->user, h->path);
			e = emit(ctx, self, MT_SEV_MEDIUM, "history_empty", h->path,
			         "Shell history emptied", "命令历史被清空", en, zh);
		}
	}
	return e;
}
