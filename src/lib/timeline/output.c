/* output.c - the timeline written: JSON Lines (one "event" object per event, then the
 * "conclusion") and text for a terminal in English or Chinese, every host string escaped */
#include <stdlib.h>
#include <string.h>

#include "timeline/timeline_int.h"

typedef struct out {
	mt_buf b;
	mt_write_fn write;
	void *ctx;
	mt_err err;
} out;

static void flush(out *w)
{
	if (w->err == MT_OK && w->b.len && w->write(w->ctx, w->b.data, w->b.len) != 0)
		w->err = MT_ERR_IO;
	mt_buf_reset(&w->b);
}

static void jq(mt_buf *b, const char *s)
{
	size_t n = strlen(s);
	mt_buf_addc(b, '"');
	if (n < 4096 && mt__tl_plain(s, n < 200 ? n : 200) &&
	    (n <= 200 || mt__tl_plain(s + 200, n - 200)))
		mt_buf_add(b, s, n);
	else
		mt_escape_json(b, s, n);
	mt_buf_addc(b, '"');
}

static void jt(mt_buf *b, int64_t t)
{
	char iso[40];
	if (t == MT_TIME_NONE) {
		mt_buf_adds(b, "null");
		return;
	}
	mt__tl_iso(t, iso, sizeof(iso));
	jq(b, iso);
}

static int outside_window(const mt_timeline *tl, const tl_brute *b)
{
	if (b->success == MT_TIME_NONE || b->failures < TL_BRUTE_MIN)
		return 0;
	if (tl->has_access && strcmp(b->ip, tl->access.ip) == 0)
		return 0;
	return tl->wstart == MT_TIME_NONE || b->success < tl->wstart || b->success > tl->wend;
}

static int is_attacker_ip(const mt_timeline *tl, const char *ip)
{
	for (size_t i = 0; i < tl->nips; i++)
		if (strcmp(tl->ips[i], ip) == 0)
			return 1;
	return 0;
}

static int brute_cmp(const void *a, const void *b)
{
	const tl_brute *x = a, *y = b;
	return x->failures < y->failures ? 1 : x->failures > y->failures ? -1 : 0;
}

mt_err mt_timeline_write_json(const mt_timeline *tl, const mt_output_opts *opts, mt_write_fn write,
                              void *ctx)
{
	out w = {{0}, write, ctx, MT_OK};
	mt_buf_init(&w.b, 64u * 1024 * 1024);
	evb sc;
	mt__tl_evb_init(&sc);
	unsigned lang = opts && opts->lang == MT_LANG_ZH ? W_ZH : W_EN;
	if (tl->has_host)
		mt__hostinfo_json(&w.b, &tl->host, "timeline", tl->root, tl->built);
	for (size_t i = 0; i < tl->n && w.err == MT_OK; i++) {
		const tl_event *e = &tl->ev[i];
		const char *text, *json, *src;
		mt__tl_event_parts(tl, e, &sc, lang | W_JSON, &text, &json, &src);
		mt_buf_adds(&w.b, "{\"type\":\"event\",\"time\":");
		jt(&w.b, e->time);
		mt_buf_adds(&w.b, ",\"source\":");
		jq(&w.b, src);
		mt_buf_adds(&w.b, ",\"what\":");
		jq(&w.b, e->what);
		mt_buf_adds(&w.b, ",\"text\":");
		jq(&w.b, text);
		mt_buf_adds(&w.b, ",\"evidence\":");
		mt_buf_adds(&w.b, json);
		mt_buf_adds(&w.b, "}\n");
		if (w.b.len > 1u << 20)
			flush(&w);
	}
	mt__tl_evb_free(&sc);
	mt_buf *b = &w.b;
	mt_buf_adds(b, "{\"type\":\"conclusion\",\"initial_access\":");
	if (tl->has_access) {
		const mt_logev *a = &tl->access;
		mt_buf_adds(b, "{\"time\":");
		jt(b, a->time);
		mt_buf_adds(b, ",\"source_ip\":");
		jq(b, a->ip);
		mt_buf_adds(b, ",\"user\":");
		jq(b, a->user);
		mt_buf_adds(b, ",\"method\":");
		jq(b, a->kind == MT_LE_LOGIN ? "login" : a->method);
		if (a->kind == MT_LE_ACCEPTED && a->detail[0]) {
			mt_buf_adds(b, ",\"key\":");
			jq(b, a->detail);
		}
		mt_buf_printf(b, ",\"failures_before\":%llu,\"failures_complete\":%s,\"path\":",
		              (unsigned long long)tl->access_failures,
		              tl->access_failures_unknown ? "false" : "true");
		jq(b, tl->access_source);
		mt_buf_printf(b, ",\"candidates\":%zu,\"chosen_because\":", tl->access_candidates);
		jq(b, tl->access_why ? tl->access_why : "");
		mt_buf_adds(b, "}");
	} else {
		mt_buf_adds(b, "null");
	}
	mt_buf_adds(b, ",\"window\":");
	if (tl->wstart != MT_TIME_NONE) {
		mt_buf_adds(b, "{\"start\":");
		jt(b, tl->wstart);
		mt_buf_adds(b, ",\"end\":");
		jt(b, tl->wend);
		mt_buf_adds(b, ",\"anchor\":");
		jq(b, tl->anchor ? tl->anchor : "artifact_times");
		mt_buf_adds(b, "}");
	} else {
		mt_buf_adds(b, "null");
	}
	mt_buf_adds(b, ",\"artifacts\":[");
	int n = 0;
	for (size_t i = 0; i < tl->arts.nart; i++) {
		const mt__artifact *a = &tl->arts.art[i];
		if (a->in_window_only)
			continue;
		mt_buf_adds(b, n++ ? ",{\"path\":" : "{\"path\":");
		jq(b, a->path);
		mt_buf_adds(b, ",\"check\":");
		jq(b, a->check);
		mt_buf_printf(b, ",\"severity\":\"%s\",\"mtime\":", mt_severity_name(a->sev));
		jt(b, a->mtime);
		mt_buf_adds(b, ",\"ctime\":");
		jt(b, a->ctime);
		mt_buf_printf(b, ",\"timestomp_suspected\":%s}", a->stomped ? "true" : "false");
	}
	mt_buf_adds(b, "],\"changed_in_window\":[");
	n = 0;
	for (size_t i = 0; i < tl->arts.nart; i++)
		if (tl->arts.art[i].in_window_only) {
			if (n++)
				mt_buf_addc(b, ',');
			jq(b, tl->arts.art[i].path);
		}
	mt_buf_adds(b, "],\"attacker_ips\":[");
	for (size_t i = 0; i < tl->nips; i++) {
		if (i)
			mt_buf_addc(b, ',');
		jq(b, tl->ips[i]);
	}
	mt_buf_adds(b, "],\"bruteforce_outside_window\":[");
	n = 0;
	for (size_t i = 0; i < tl->nbrute; i++) {
		const tl_brute *br = &tl->brute[i];
		if (!outside_window(tl, br))
			continue;
		mt_buf_adds(b, n++ ? ",{\"ip\":" : "{\"ip\":");
		jq(b, br->ip);
		mt_buf_adds(b, ",\"user\":");
		jq(b, br->success_user);
		mt_buf_printf(b, ",\"failures\":%llu,\"first_failure\":",
		              (unsigned long long)br->failures);
		jt(b, br->first);
		mt_buf_adds(b, ",\"success\":");
		jt(b, br->success);
		mt_buf_adds(b, "}");
	}
	uint64_t bf_ips = 0, bf_fail = 0;
	for (size_t i = 0; i < tl->nbrute; i++)
		if (tl->brute[i].failures >= TL_BRUTE_MIN) {
			bf_ips++;
			bf_fail += tl->brute[i].failures;
		}
	mt_buf_printf(b, "],\"bruteforce\":{\"sources\":%llu,\"failures\":%llu}",
	              (unsigned long long)bf_ips, (unsigned long long)bf_fail);
	/* follow-ups, structured like remedy actions */
	mt_buf_adds(b, ",\"followups\":[");
	n = 0;
	for (size_t i = 0; i < tl->nips; i++) {
		mt_buf_adds(b, n++ ? ",{\"action\":\"block_ip\",\"ip\":"
		                   : "{\"action\":\"block_ip\",\"ip\":");
		jq(b, tl->ips[i]);
		mt_buf_adds(b, "}");
	}
	for (size_t i = 0; i < tl->nbrute; i++)
		if (outside_window(tl, &tl->brute[i]) && !is_attacker_ip(tl, tl->brute[i].ip)) {
			mt_buf_adds(b, n++ ? ",{\"action\":\"block_ip\",\"ip\":"
			                   : "{\"action\":\"block_ip\",\"ip\":");
			jq(b, tl->brute[i].ip);
			mt_buf_adds(b, "}");
		}
	for (size_t i = 0; i < tl->npw; i++) {
		mt_buf_adds(b, n++ ? ",{\"action\":\"change_password\",\"user\":"
		                   : "{\"action\":\"change_password\",\"user\":");
		jq(b, tl->pw_users[i]);
		mt_buf_adds(b, "}");
	}
	for (size_t i = 0; i < tl->nkeys; i++) {
		mt_buf_adds(b, n++ ? ",{\"action\":\"remove_key\",\"fingerprint\":"
		                   : "{\"action\":\"remove_key\",\"fingerprint\":");
		jq(b, tl->keys[i]);
		mt_buf_adds(b, "}");
	}
	mt_buf_printf(b,
	              "],\"events\":%zu,\"events_dropped\":%llu,\"logs_read\":%zu,"
	              "\"lines_read\":%llu,\"lines_skipped\":%llu,\"diagnostics_total\":%zu,"
	              "\"diagnostics\":[",
	              tl->n, (unsigned long long)tl->dropped, tl->nlogs,
	              (unsigned long long)tl->lines, (unsigned long long)tl->skipped,
	              tl->diag_total);
	for (size_t i = 0; i < tl->ndiag; i++) {
		if (i)
			mt_buf_addc(b, ',');
		jq(b, tl->diag[i]);
	}
	mt_buf_adds(b, "]}\n");
	flush(&w);
	mt_err e = w.err;
	mt_buf_free(&w.b);
	return e;
}

static void tq(mt_buf *b, const char *s)
{
	mt_escape_term(b, s, strlen(s), MT_MAX_SHOWN_STRING);
}

static void tt(mt_buf *b, int64_t t)
{
	char iso[40];
	mt__tl_iso(t, iso, sizeof(iso));
	/* "2024-01-24T08:10:27+08:00" -> "2024-01-24 08:10:27 +08:00" */
	if (strlen(iso) == 25)
		mt_buf_printf(b, "%.10s %.8s %s", iso, iso + 11, iso + 19);
	else
		mt_buf_adds(b, iso);
}

mt_err mt_timeline_write_text(const mt_timeline *tl, const mt_output_opts *opts, mt_write_fn write,
                              void *ctx)
{
	int zh = opts && opts->lang == MT_LANG_ZH;
	int color = opts && opts->color;
	out w = {{0}, write, ctx, MT_OK};
	mt_buf_init(&w.b, 64u * 1024 * 1024);
	mt_buf *b = &w.b;
	mt_buf_adds(b, zh ? "== 时间线 ==\n" : "== Timeline ==\n");
	evb sc;
	mt__tl_evb_init(&sc);
	for (size_t i = 0; i < tl->n && w.err == MT_OK; i++) {
		const tl_event *e = &tl->ev[i];
		const char *text, *json, *src;
		mt__tl_event_parts(tl, e, &sc, zh ? W_ZH : W_EN, &text, &json, &src);
		tt(b, e->time);
		mt_buf_adds(b, "  ");
		mt_buf_adds(b, text);
		mt_buf_adds(b, "  <");
		tq(b, src);
		mt_buf_adds(b, ">\n");
		if (b->len > 1u << 20)
			flush(&w);
	}
	mt__tl_evb_free(&sc);
	if (tl->n == 0)
		mt_buf_adds(b, zh ? "(没有事件)\n" : "(no events)\n");
	mt_buf_adds(b, color ? "\n\033[1m" : "\n");
	mt_buf_adds(b, zh ? "== 溯源结论 ==" : "== Conclusion ==");
	mt_buf_adds(b, color ? "\033[0m\n" : "\n");
	if (tl->has_access) {
		const mt_logev *a = &tl->access;
		tt(b, a->time);
		if (zh) {
			mt_buf_adds(b, " 初始入侵：攻击源IP ");
			tq(b, a->ip);
			mt_buf_adds(b, " 通过SSH(");
			tq(b, a->kind == MT_LE_LOGIN ? "login" : a->method);
			mt_buf_adds(b, ")登录 ");
			tq(b, a->user);
			mt_buf_adds(b, " 账户");
			if (tl->access_failures_unknown)
				mt_buf_printf(
					b,
					"，此前至少有%llu次失败（部分失败超出计数上限或未按用户记录）",
					(unsigned long long)tl->access_failures);
			else if (tl->access_failures)
				mt_buf_printf(b, "，此前有%llu次失败",
				              (unsigned long long)tl->access_failures);
			else
				mt_buf_adds(b, "，没有登录失败记录");
			mt_buf_adds(b, "。\n");
		} else {
			mt_buf_adds(b, " initial access: ");
			tq(b, a->ip);
			mt_buf_adds(b, " logged in to ");
			tq(b, a->user);
			mt_buf_adds(b, " over SSH with ");
			tq(b, a->kind == MT_LE_LOGIN ? "a login" : a->method);
			if (tl->access_failures_unknown)
				mt_buf_printf(
					b,
					", after at least %llu failed attempts (some were over "
					"the counting limit or not counted by user)",
					(unsigned long long)tl->access_failures);
			else if (tl->access_failures)
				mt_buf_printf(b, ", after %llu failed attempts",
				              (unsigned long long)tl->access_failures);
			else
				mt_buf_adds(b, ", with no failed attempts");
			mt_buf_adds(b, ".\n");
		}
		if (a->kind == MT_LE_ACCEPTED && a->detail[0]) {
			mt_buf_adds(b, zh ? "  使用的公钥：" : "  key used: ");
			tq(b, a->detail);
			mt_buf_addc(b, '\n');
		}
		if (tl->access_candidates > 1) {
			const char *aw = tl->access_why ? tl->access_why : "";
			int pam = strcmp(aw, "pam_session") == 0, wt = strcmp(aw, "wtmp") == 0;
			if (zh)
				mt_buf_printf(
					b,
					"  选择依据：攻击痕迹前24小时内共有%zu次成功登录，%s；"
					"它们的来源IP都列为攻击者IP。\n",
					tl->access_candidates,
					pam ? "这是有同一进程号PAM会话记录的最近一次"
					: wt ? "这是有wtmp登录记录的最近一次"
					     : "都没有PAM会话或wtmp记录佐证，取最近一次（可能是伪造的日志行）");
			else
				mt_buf_printf(
					b,
					"  chosen among %zu successful logins in the 24 hours "
					"before the artifacts: %s; every one of their sources is "
					"listed as an attacker IP.\n",
					tl->access_candidates,
					pam  ? "the latest backed by a PAM session of the same pid"
					: wt ? "the latest backed by a wtmp record"
					     : "none is backed by a PAM session or a wtmp record, so "
					       "the latest (it may be a forged line)");
		}
	} else {
		mt_buf_adds(
			b, zh ? "未找到与攻击痕迹对应的成功登录。\n"
			      : "No successful login was found before the attacker's artifacts.\n");
	}
	if (tl->wstart != MT_TIME_NONE) {
		mt_buf_adds(b, zh ? "攻击时间窗口：" : "attack window: ");
		tt(b, tl->wstart);
		mt_buf_adds(b, zh ? " 至 " : " to ");
		tt(b, tl->wend);
		mt_buf_addc(b, '\n');
		mt_buf_adds(b,
		            zh ? "攻击者留下的文件：\n" : "files the attacker left or changed:\n");
		for (size_t i = 0; i < tl->arts.nart; i++) {
			const mt__artifact *a = &tl->arts.art[i];
			if (a->in_window_only)
				continue;
			mt_buf_adds(b, "  ");
			tt(b, a->mtime);
			mt_buf_adds(b, "  ");
			tq(b, a->path);
			mt_buf_printf(b, "  [%s, %s]%s\n", a->check, mt_severity_name(a->sev),
			              !a->stomped ? ""
			              : zh        ? "  (mtime疑被篡改)"
			                          : "  (mtime set by hand?)");
		}
		if (tl->arts.nstomped)
			mt_buf_printf(
				b,
				zh ? "  %zu个文件的mtime完全相同，疑似被touch篡改(timestomping)%s。\n"
				   : "  %zu files share their exact mtime: possible timestomping "
				     "(touch)%s.\n",
				tl->arts.nstomped,
				tl->anchor && strcmp(tl->anchor, "attacker_commands") == 0
					? (zh ? "；攻击时间窗口依据攻击者的命令历史和账号变更日志确定"
			                      : "; the window is placed by the attacker's commands and "
			                        "account changes in the logs")
					: "");
		int any = 0;
		for (size_t i = 0; i < tl->arts.nart; i++)
			if (tl->arts.art[i].in_window_only) {
				if (!any++)
					mt_buf_adds(
						b,
						zh ? "窗口内还变动了(未判定为恶意，请核查)：\n"
						   : "also changed inside the window (not flagged, "
						     "review them):\n");
				mt_buf_adds(b, "  ");
				tq(b, tl->arts.art[i].path);
				mt_buf_addc(b, '\n');
			}
	}
	if (tl->nips) {
		mt_buf_adds(b, zh ? "攻击者IP：" : "attacker IPs: ");
		for (size_t i = 0; i < tl->nips; i++) {
			if (i)
				mt_buf_adds(b, ", ");
			tq(b, tl->ips[i]);
		}
		mt_buf_addc(b, '\n');
	}
	tl_brute *sorted = NULL;
	if (tl->nbrute && (sorted = malloc(tl->nbrute * sizeof(*sorted))) != NULL) {
		memcpy(sorted, tl->brute, tl->nbrute * sizeof(*sorted));
		qsort(sorted, tl->nbrute, sizeof(*sorted), brute_cmp);
	}
	for (size_t i = 0; sorted && i < tl->nbrute; i++) {
		const tl_brute *br = &sorted[i];
		if (!outside_window(tl, br))
			continue;
		if (zh) {
			tq(b, br->ip);
			mt_buf_printf(b, " 暴力破解(%llu次失败)后于 ",
			              (unsigned long long)br->failures);
			tt(b, br->success);
			mt_buf_adds(b, " 成功登录 ");
			tq(b, br->success_user);
			mt_buf_adds(b, "，但与攻击时间窗口不吻合(口令同样已泄露)。\n");
		} else {
			tq(b, br->ip);
			mt_buf_printf(b, " brute-forced (%llu failures) and logged in to ",
			              (unsigned long long)br->failures);
			tq(b, br->success_user);
			mt_buf_adds(b, " at ");
			tt(b, br->success);
			mt_buf_adds(b,
			            ", but that login does not fit the attack window (the password "
			            "is known to it all the same).\n");
		}
	}
	uint64_t bf = 0;
	for (size_t i = 0; i < tl->nbrute; i++)
		bf += tl->brute[i].failures >= TL_BRUTE_MIN && tl->brute[i].success == MT_TIME_NONE;
	if (bf)
		mt_buf_printf(b,
		              zh ? "另有%llu个IP暴力破解未成功。\n"
		                 : "%llu more sources brute-forced without success.\n",
		              (unsigned long long)bf);
	/* follow-ups */
	mt_buf_adds(b, zh ? "\n后续待办：\n" : "\nfollow-ups:\n");
	int todo = 0;
	for (size_t i = 0; i < tl->nips; i++) {
		mt_buf_adds(b, zh ? "  在边界封禁IP " : "  block at the border: ");
		tq(b, tl->ips[i]);
		mt_buf_addc(b, '\n');
		todo++;
	}
	for (size_t i = 0; sorted && i < tl->nbrute; i++)
		if (outside_window(tl, &sorted[i]) && !is_attacker_ip(tl, sorted[i].ip)) {
			mt_buf_adds(b, zh ? "  在边界封禁IP " : "  block at the border: ");
			tq(b, sorted[i].ip);
			mt_buf_addc(b, '\n');
			todo++;
		}
	free(sorted);
	for (size_t i = 0; i < tl->npw; i++) {
		mt_buf_adds(b, zh ? "  修改口令：passwd " : "  change the password: passwd ");
		tq(b, tl->pw_users[i]);
		mt_buf_addc(b, '\n');
		todo++;
	}
	for (size_t i = 0; i < tl->nkeys; i++) {
		mt_buf_adds(b, zh ? "  删除公钥：" : "  remove the key: ");
		tq(b, tl->keys[i]);
		mt_buf_addc(b, '\n');
		todo++;
	}
	if (tl->arts.nart) {
		mt_buf_adds(b, zh ? "  清除上述文件与持久化：minetrace scan --format json 然后 "
		                    "minetrace respond\n"
		                  : "  remove the files and persistence above: minetrace scan "
		                    "--format json, then minetrace respond\n");
		todo++;
	}
	if (!todo)
		mt_buf_adds(b, zh ? "  (无)\n" : "  (none)\n");
	mt_buf_printf(b,
	              zh ? "\n读取日志%zu个，%llu行，跳过%llu行无法解析的行。\n"
	                 : "\n%zu logs read, %llu lines, %llu lines skipped (not readable "
	                   "as log lines).\n",
	              tl->nlogs, (unsigned long long)tl->lines, (unsigned long long)tl->skipped);
	if (tl->ndiag) {
		mt_buf_adds(b, zh ? "未能完整检查：\n" : "not fully checked:\n");
		for (size_t i = 0; i < tl->ndiag; i++) {
			mt_buf_adds(b, "  ");
			tq(b, tl->diag[i]);
			mt_buf_addc(b, '\n');
		}
	}
	flush(&w);
	mt_err e = w.err;
	mt_buf_free(&w.b);
	return e;
}
