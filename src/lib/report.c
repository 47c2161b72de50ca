/* report.c - reporters: text for a terminal (escaped, grouped, with a to-do table) and
 * JSON Lines as in the command-line contract (HTML: report_html.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/hostid.h"
#include "internal.h"

/* What each remedy action is called in the to-do table. */
static const struct {
	const char *type;
	const char *label[MT_LANG_COUNT];
} action_labels[] = {
	{"kill_tree", {"freeze and kill the process tree", "冻结并终止进程树"}},
	{"quarantine_file", {"quarantine the file", "隔离该文件"}},
	{"remove_line", {"remove the line", "删除该行"}},
	{"block_ip", {"block the address at the border", "在边界封堵该地址"}},
	{"disable_unit", {"disable the service", "禁用该服务"}},
	{"remove_key", {"remove the SSH key", "删除该SSH公钥"}},
	{"change_password", {"change the password", "修改密码"}},
	{"delete_reg_value", {"export, then delete the registry value", "导出后删除该注册表值"}},
	{"delete_reg_key", {"export, then delete the registry key", "导出后删除该注册表项"}},
	{"disable_service", {"stop and disable the service", "停止并禁用该服务"}},
	{"delete_task", {"export, then delete the scheduled task", "导出后删除该计划任务"}},
	{"delete_wmi",
         {"remove the WMI subscription (filter, consumer, binding)",
          "删除该WMI订阅(过滤器、消费者、绑定)"}},
	{"remove_portproxy", {"remove the port proxy", "删除该端口转发"}},
	{"remove_fw_rule", {"remove the firewall rule", "删除该防火墙规则"}},
	{"disable_account", {"disable the account", "禁用该账户"}},
	{"harden", {"apply the hardening", "执行该加固措施"}},
	{"reinstall_package",
         {"reinstall the package (verify with rpm -V or dpkg --verify)",
          "重装该软件包(可先用 rpm -V 或 dpkg --verify 校验)"}},
};

const char *mt__action_label(const char *type, mt_lang lang)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(action_labels); i++)
		if (strcmp(action_labels[i].type, type) == 0)
			return action_labels[i].label[lang];
	return type;
}

static const char *const sev_label[MT_LANG_COUNT][MT_SEV_COUNT] = {
	{"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"},
	{"提示", "低危", "中危", "高危", "严重"},
};

const char *mt__sev_label(mt_lang lang, mt_severity sev)
{
	return sev_label[lang][sev];
}
static const char *const sev_color[MT_SEV_COUNT] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m",
                                                    "\033[1;41;37m"};

void mt_time_iso(int64_t t, char *out, size_t outlen)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!localtime_r(&tt, &tm)) {
		snprintf(out, outlen, "%lld", (long long)t);
		return;
	}
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 3600,
	         (off % 3600) / 60);
}

static mt_err flush(mt_buf *b, mt_write_fn write, void *ctx)
{
	if (b->len && write(ctx, b->data, b->len) != 0)
		return MT_ERR_IO;
	mt_buf_reset(b);
	return MT_OK;
}

/* Evidence keys whose values are times (Unix seconds), printed as ISO 8601. */
int mt__is_time_key(const char *k)
{
	return strcmp(k, "mtime") == 0 || strcmp(k, "ctime") == 0 || strcmp(k, "start_time") == 0 ||
	       strcmp(k, "atime") == 0 || strcmp(k, "time") == 0 || strcmp(k, "first") == 0 ||
	       strcmp(k, "last") == 0 || strcmp(k, "success") == 0 ||
	       strcmp(k, "key_written") == 0 || strcmp(k, "created") == 0 ||
	       strcmp(k, "last_logon") == 0;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull; /* a separator: "ab","c" differs from "a","bc" */
}

int mt__act_new(mt__act_seen *seen, const mt_action *a)
{
	uint64_t h = fnv(1469598103934665603ull, a->type);
	for (size_t k = 0; k < a->nparams; k++) {
		char num[32];
		h = fnv(h, a->params[k].key);
		if (!a->params[k].sval)
			snprintf(num, sizeof(num), "%lld", a->params[k].ival);
		h = fnv(h, a->params[k].sval ? a->params[k].sval : num);
	}
	if (h == 0)
		h = 1;
	if ((seen->n + 1) * 2 > seen->cap) {
		size_t ncap = seen->cap ? seen->cap * 2 : 64;
		uint64_t *ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return 1;
		for (size_t i = 0; i < seen->cap; i++)
			if (seen->slot[i])
				for (size_t j = seen->slot[i] & (ncap - 1);;
				     j = (j + 1) & (ncap - 1))
					if (!ns[j]) {
						ns[j] = seen->slot[i];
						break;
					}
		free(seen->slot);
		seen->slot = ns;
		seen->cap = ncap;
	}
	for (size_t j = h & (seen->cap - 1);; j = (j + 1) & (seen->cap - 1)) {
		if (seen->slot[j] == h)
			return 0;
		if (!seen->slot[j]) {
			seen->slot[j] = h;
			seen->n++;
			return 1;
		}
	}
}

void mt__act_seen_free(mt__act_seen *seen)
{
	free(seen->slot);
	seen->slot = NULL;
	seen->cap = seen->n = 0;
}

int mt__action_param_shown(const char *key)
{
	return strcmp(key, "line_sha256") != 0 && strcmp(key, "sha256") != 0 &&
	       strcmp(key, "start_time") != 0;
}

void mt__report_head_get(const mt_report *r, const mt_output_opts *o, mt__report_head *h)
{
	int64_t started;
	uint64_t checks;
	memset(h, 0, sizeof(*h));
	h->lang = o && o->lang == MT_LANG_ZH ? MT_LANG_ZH : MT_LANG_EN;
	mt__report_meta(r, &h->root, &started, &h->duration_ms, &checks, &h->dropped);
	if (!h->root)
		h->root = "/";
	mt_time_iso(started, h->when, sizeof(h->when));
	h->n = mt_report_count(r);
	for (size_t i = 0; i < h->n; i++) {
		const mt_finding *f = mt_report_get(r, i);
		h->counts[f->severity]++;
		h->nact += f->nact;
	}
}

static void term_kv(mt_buf *b, const mt_kv *kv)
{
	if (kv->sval) {
		mt_escape_term(b, kv->sval, strlen(kv->sval), MT_MAX_SHOWN_STRING);
	} else if (mt__is_time_key(kv->key)) {
		char t[40];
		mt_time_iso(kv->ival, t, sizeof(t));
		mt_buf_adds(b, t);
	} else {
		mt_buf_printf(b, "%lld", kv->ival);
	}
}

/* The first screen of the text report: the verdict, then one line per incident. */
static void text_verdict(mt_buf *b, const mt_report *r, const mt__incidents *inc, mt_lang lang,
                         int color)
{
	const char *v = mt__verdict(inc);
	size_t high = 0;
	for (size_t k = 0; k < inc->n; k++)
		high += inc->v[k].severity >= MT_SEV_HIGH;
	if (strcmp(v, "compromised") == 0)
		mt_buf_printf(b,
		              lang == MT_LANG_ZH
		                      ? "%s结论: 已失陷%s — %zu 个高危及以上事件\n"
		                      : "%sVerdict: compromised%s — %zu incident%s at high or "
		                        "above\n",
		              color ? "\033[1;31m" : "", color ? "\033[0m" : "", high,
		              lang == MT_LANG_ZH || high == 1 ? "" : "s");
	else if (strcmp(v, "suspicious") == 0)
		mt_buf_adds(b, lang == MT_LANG_ZH
		                       ? "结论: 可疑 — 无高危事件，请复核以下中危事件\n"
		                       : "Verdict: suspicious — nothing at high or above; "
		                         "review the incidents below\n");
	else
		mt_buf_adds(b, lang == MT_LANG_ZH ? "结论: 未发现挖矿或入侵迹象(无中危及以上发现)\n"
		                                  : "Verdict: clean — no sign of a miner or an "
		                                    "intrusion (nothing at medium or above)\n");
	size_t shown = 0;
	for (size_t k = 0; k < inc->n && shown < 12; k++, shown++) {
		const mt_finding *lead = mt_report_get(r, inc->v[k].lead);
		mt_buf_printf(b, "  #%zu %-8s ", k + 1, mt_severity_name(inc->v[k].severity));
		mt_escape_term(b, lead->title[lang], strlen(lead->title[lang]), 200);
		const char *subj = mt__incident_subject(lead);
		if (subj[0]) {
			mt_buf_adds(b, ": ");
			mt_escape_term(b, subj, strlen(subj), 200);
		}
		mt_buf_printf(b, lang == MT_LANG_ZH ? "  (%zu 个发现:" : "  (%zu finding%s:",
		              inc->v[k].count,
		              lang == MT_LANG_ZH || inc->v[k].count == 1 ? "" : "s");
		size_t listed = 0;
		for (size_t i = 0; i < mt_report_count(r) && listed < 8; i++)
			if (inc->of[i] == k + 1) {
				mt_buf_printf(b, " [%zu]", i + 1);
				listed++;
			}
		mt_buf_adds(b, inc->v[k].count > listed ? " ...)\n" : ")\n");
	}
	if (inc->n > shown)
		mt_buf_printf(b,
		              lang == MT_LANG_ZH ? "  另有 %zu 个事件\n"
		                                 : "  ... %zu more incidents\n",
		              inc->n - shown);
}

/* Lows and infos of one kind (check and title) beyond this many are one line. */
#define COLLAPSE_MIN 4
#define MAX_GROUPS   256

typedef struct lgroup {
	const char *check, *title;
	size_t n, shown;
} lgroup;

static lgroup *group_of(lgroup *g, size_t *ng, const mt_finding *f, mt_lang lang)
{
	for (size_t i = 0; i < *ng; i++)
		if (g[i].check == f->check->id && strcmp(g[i].title, f->title[lang]) == 0)
			return &g[i];
	if (*ng >= MAX_GROUPS)
		return NULL;
	g[*ng] = (lgroup){f->check->id, f->title[lang], 0, 0};
	return &g[(*ng)++];
}

/* The evidence value that tells one finding of a group from the others: its path, else
 * its first value. */
static const mt_kv *tell_apart(const mt_finding *f)
{
	for (size_t k = 0; k < f->nev; k++)
		if (strcmp(f->ev[k].key, "path") == 0)
			return &f->ev[k];
	return f->nev ? &f->ev[0] : NULL;
}

mt_err mt_report_write_text(const mt_report *r, const mt_output_opts *o, mt_write_fn write,
                            void *ctx)
{
	int color = o && o->color;
	mt_buf b;
	mt_err e = MT_OK;
	mt__report_head h;

	mt__report_head_get(r, o, &h);
	mt_lang lang = h.lang;
	size_t n = h.n, *counts = h.counts;
	mt_buf_init(&b, 1u << 20);
	int pcap = mt__report_kind(r) && strcmp(mt__report_kind(r), "pcap") == 0;
	mt_buf_printf(&b,
	              lang == MT_LANG_ZH ? (pcap ? "minetrace %s 流量分析 " : "minetrace %s 扫描 ")
	                                 : (pcap ? "minetrace %s capture analysis of "
	                                         : "minetrace %s scan of "),
	              MT_VERSION);
	mt_escape_term(&b, h.root, strlen(h.root), MT_MAX_SHOWN_STRING);
	mt_buf_printf(&b, "  %s  %lld ms\n", h.when, (long long)h.duration_ms);
	if (lang == MT_LANG_ZH)
		mt_buf_printf(&b, "发现: 严重 %zu, 高危 %zu, 中危 %zu, 低危 %zu, 提示 %zu\n",
		              counts[4], counts[3], counts[2], counts[1], counts[0]);
	else
		mt_buf_printf(&b,
		              "Findings: %zu critical, %zu high, %zu medium, %zu low, %zu info\n",
		              counts[4], counts[3], counts[2], counts[1], counts[0]);
	if (n == 0)
		mt_buf_adds(&b, lang == MT_LANG_ZH ? "未发现问题。\n" : "Nothing found.\n");
	mt__incidents inc;
	if ((e = mt__incidents_build(r, &inc)) != MT_OK) {
		mt_buf_free(&b);
		return e;
	}
	if (n && !pcap)
		text_verdict(&b, r, &inc, lang, color);

	/* lows and infos of a kind seen often are one line each kind, unless --all */
	lgroup *groups = NULL;
	size_t ngroups = 0;
	if (!(o && o->all) && (groups = calloc(MAX_GROUPS, sizeof(*groups))) != NULL)
		for (size_t i = 0; i < n; i++) {
			const mt_finding *f = mt_report_get(r, i);
			lgroup *g = f->severity <= MT_SEV_LOW ? group_of(groups, &ngroups, f, lang)
			                                      : NULL;
			if (g)
				g->n++;
		}
	int cur = -1;
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		const mt_finding *f = mt_report_get(r, i);
		lgroup *g = groups && f->severity <= MT_SEV_LOW
		                    ? group_of(groups, &ngroups, f, lang)
		                    : NULL;
		if (g && g->n >= COLLAPSE_MIN && g->shown++) {
			/* a later member: named in the group line already, or counted there */
			continue;
		}
		if (g && g->n >= COLLAPSE_MIN) {
			if ((int)f->severity != cur) {
				cur = (int)f->severity;
				mt_buf_printf(&b, "\n%s== %s ==%s\n", color ? sev_color[cur] : "",
				              sev_label[lang][cur], color ? "\033[0m" : "");
			}
			mt_buf_printf(&b,
			              lang == MT_LANG_ZH ? "[%zu] %s  (%s) ×%zu: "
			                                 : "[%zu] %s  (%s) x%zu: ",
			              i + 1, f->title[lang], f->check->id, g->n);
			size_t shown = 0;
			for (size_t j = i; j < n && shown < 3; j++) {
				const mt_finding *x = mt_report_get(r, j);
				if (x->check->id != g->check ||
				    strcmp(x->title[lang], g->title) != 0)
					continue;
				const mt_kv *kv = tell_apart(x);
				if (!kv)
					break;
				mt_buf_adds(&b, shown ? ", " : "");
				term_kv(&b, kv);
				shown++;
			}
			mt_buf_adds(&b, g->n > shown
			                        ? (lang == MT_LANG_ZH ? " 等 (--all 逐条列出)\n"
			                                              : " ... (--all lists each)\n")
			                        : "\n");
			e = flush(&b, write, ctx);
			continue;
		}
		if ((int)f->severity != cur) {
			cur = (int)f->severity;
			mt_buf_printf(&b, "\n%s== %s ==%s\n", color ? sev_color[cur] : "",
			              sev_label[lang][cur], color ? "\033[0m" : "");
		}
		mt_buf_printf(&b, "[%zu] %s%s%s  (%s, ATT&CK %s, ", i + 1, color ? "\033[1m" : "",
		              f->title[lang], color ? "\033[0m" : "", f->check->id,
		              f->check->attack);
		mt_buf_printf(&b, lang == MT_LANG_ZH ? "置信度 %u%%)  %s" : "confidence %u%%)  %s",
		              f->confidence, f->id);
		if (inc.of && inc.of[i] && inc.v[inc.of[i] - 1].count > 1)
			mt_buf_printf(&b, lang == MT_LANG_ZH ? "  事件#%zu" : "  incident #%zu",
			              inc.of[i]);
		mt_buf_addc(&b, '\n');
		if (f->explain[lang] && f->explain[lang][0]) {
			mt_buf_adds(&b, "    ");
			mt_escape_term(&b, f->explain[lang], strlen(f->explain[lang]), 2048);
			mt_buf_addc(&b, '\n');
		}
		for (size_t k = 0; k < f->nev; k++) {
			mt_buf_printf(&b, "    %s: ", f->ev[k].key);
			term_kv(&b, &f->ev[k]);
			mt_buf_addc(&b, '\n');
		}
		e = flush(&b, write, ctx);
	}

	/* Extra sections of a subsystem (pcap: one verdict per host). */
	if (e == MT_OK) {
		mt_buf_adds(&b, mt__report_extra(r, 0, lang));
		e = flush(&b, write, ctx);
	}

	/* The responder's to-do table: every remedy action, in report order. */
	if (h.nact && e == MT_OK) {
		mt_buf_adds(&b, lang == MT_LANG_ZH ? "\n建议处置 (后续待办)\n"
		                                   : "\nRecommended actions\n");
		size_t no = 0;
		mt__act_seen seen = {NULL, 0, 0};
		for (size_t i = 0; i < n && e == MT_OK; i++) {
			const mt_finding *f = mt_report_get(r, i);
			for (size_t a = 0; a < f->nact; a++) {
				const mt_action *act = &f->act[a];
				if (!mt__act_new(&seen, act))
					continue;
				mt_buf_printf(&b, "%3zu. %s: ", ++no,
				              mt__action_label(act->type, lang));
				int first = 1;
				for (size_t k = 0; k < act->nparams; k++) {
					const mt_kv *kv = &act->params[k];
					if (!mt__action_param_shown(kv->key))
						continue;
					mt_buf_printf(&b, "%s%s=", first ? "" : ", ", kv->key);
					term_kv(&b, kv);
					first = 0;
				}
				mt_buf_printf(&b, "  [%zu]\n", i + 1);
			}
			e = flush(&b, write, ctx);
		}
		mt__act_seen_free(&seen);
		mt_buf_adds(&b,
		            lang == MT_LANG_ZH
		                    ? "用 --format json --output report.json 保存报告, "
		                      "再用 minetrace respond report.json 审阅处置计划。\n"
		                    : "Save the report with --format json --output report.json, "
		                      "then review the plan with minetrace respond report.json.\n");
	}
	size_t ndtotal;
	const char *const *diag;
	size_t nd = mt__report_ndiag(r, &ndtotal, &diag);
	if (ndtotal) {
		mt_buf_printf(
			&b, lang == MT_LANG_ZH ? "\n未能检查的项目: %zu\n" : "\nNot checked: %zu\n",
			ndtotal);
		for (size_t i = 0; i < nd; i++) {
			mt_buf_adds(&b, "  ");
			mt_escape_term(&b, diag[i], strlen(diag[i]), MT_MAX_SHOWN_STRING);
			mt_buf_addc(&b, '\n');
		}
		if (ndtotal > nd)
			mt_buf_printf(&b, "  ... (%zu more)\n", ndtotal - nd);
	}
	free(groups);
	mt__incidents_free(&inc);
	if (e == MT_OK)
		e = flush(&b, write, ctx);
	mt_buf_free(&b);
	return e;
}

static void json_str(mt_buf *b, const char *s)
{
	mt_buf_addc(b, '"');
	mt_escape_json(b, s, strlen(s));
	mt_buf_addc(b, '"');
}

void mt__hostinfo_json(mt_buf *b, const struct mt_hostid *h, const char *kind, const char *root,
                       int64_t when)
{
	char t[40];
	mt_time_iso(when, t, sizeof(t));
	mt_buf_adds(b, "{\"type\":\"host_info\",\"hostname\":");
	json_str(b, h->hostname);
	if (h->domain[0]) {
		mt_buf_adds(b, ",\"domain\":");
		json_str(b, h->domain);
	}
	mt_buf_adds(b, ",\"addresses\":[");
	for (unsigned i = 0; i < h->naddr; i++) {
		if (i)
			mt_buf_addc(b, ',');
		json_str(b, h->addr[i]);
	}
	mt_buf_adds(b, "],\"address_source\":");
	json_str(b, h->addr_source);
	mt_buf_adds(b, ",\"os\":");
	json_str(b, h->os);
	mt_buf_adds(b, ",\"root\":");
	json_str(b, root ? root : "/");
	mt_buf_adds(b, ",\"report\":");
	json_str(b, kind);
	mt_buf_adds(b, ",\"version\":");
	json_str(b, MT_VERSION);
	mt_buf_adds(b, ",\"scan_time\":");
	json_str(b, t);
	mt_buf_adds(b, "}\n");
}

static void json_kv_obj(mt_buf *b, const mt_kv *kv, size_t n, int first)
{
	for (size_t i = 0; i < n; i++) {
		if (!first || i)
			mt_buf_addc(b, ',');
		json_str(b, kv[i].key);
		mt_buf_addc(b, ':');
		if (kv[i].sval) {
			json_str(b, kv[i].sval);
		} else if (mt__is_time_key(kv[i].key)) {
			char t[40];
			mt_time_iso(kv[i].ival, t, sizeof(t));
			json_str(b, t);
		} else {
			mt_buf_printf(b, "%lld", kv[i].ival);
		}
	}
}

mt_err mt_report_write_json(const mt_report *r, const mt_output_opts *o, mt_write_fn write,
                            void *ctx)
{
	mt_lang lang = o && o->lang == MT_LANG_ZH ? MT_LANG_ZH : MT_LANG_EN;
	mt_buf b;
	mt_err e = MT_OK;
	size_t counts[MT_SEV_COUNT] = {0};
	size_t n = mt_report_count(r);

	mt_buf_init(&b, 8u << 20);
	mt__incidents inc;
	if ((e = mt__incidents_build(r, &inc)) != MT_OK) {
		mt_buf_free(&b);
		return e;
	}
	const struct mt_hostid *hid = mt__report_host(r);
	if (hid) {
		const char *root;
		int64_t started, dur;
		uint64_t checks;
		size_t dropped;
		mt__report_meta(r, &root, &started, &dur, &checks, &dropped);
		mt__hostinfo_json(&b, hid, mt__report_kind(r) ? mt__report_kind(r) : "scan", root,
		                  started);
	}
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		const mt_finding *f = mt_report_get(r, i);
		counts[f->severity]++;
		mt_buf_adds(&b, "{\"type\":\"finding\",\"id\":");
		json_str(&b, f->id);
		mt_buf_adds(&b, ",\"check\":");
		json_str(&b, f->check->id);
		mt_buf_adds(&b, ",\"severity\":");
		json_str(&b, mt_severity_name(f->severity));
		mt_buf_printf(&b, ",\"confidence\":%u,\"title\":", f->confidence);
		json_str(&b, f->title[lang]);
		mt_buf_adds(&b, ",\"explanation\":");
		json_str(&b, f->explain[lang]);
		mt_buf_adds(&b, ",\"title_en\":");
		json_str(&b, f->title[MT_LANG_EN]);
		mt_buf_adds(&b, ",\"title_zh\":");
		json_str(&b, f->title[MT_LANG_ZH]);
		mt_buf_adds(&b, ",\"explanation_en\":");
		json_str(&b, f->explain[MT_LANG_EN]);
		mt_buf_adds(&b, ",\"explanation_zh\":");
		json_str(&b, f->explain[MT_LANG_ZH]);
		mt_buf_adds(&b, ",\"attack\":");
		json_str(&b, f->check->attack);
		if (inc.of && inc.of[i])
			mt_buf_printf(&b, ",\"incident\":%zu", inc.of[i]);
		mt_buf_adds(&b, ",\"evidence\":{");
		json_kv_obj(&b, f->ev, f->nev, 1);
		mt_buf_adds(&b, "},\"remedy\":[");
		for (size_t a = 0; a < f->nact; a++) {
			mt_buf_adds(&b, a ? ",{\"action\":" : "{\"action\":");
			json_str(&b, f->act[a].type);
			json_kv_obj(&b, f->act[a].params, f->act[a].nparams, 0);
			mt_buf_addc(&b, '}');
		}
		mt_buf_adds(&b, "]}\n");
		e = b.err; /* one finding is one whole line or an error, never half a line */
		if (e == MT_OK)
			e = flush(&b, write, ctx);
	}
	if (e != MT_OK) {
		mt__incidents_free(&inc);
		mt_buf_free(&b);
		return e;
	}

	mt_buf_adds(&b, mt__report_extra(r, 1, lang));
	if ((e = flush(&b, write, ctx)) != MT_OK) {
		mt_buf_free(&b);
		return e;
	}

	const char *root;
	int64_t started, dur;
	uint64_t checks;
	size_t dropped, ndtotal;
	const char *const *diag;
	char when[40];
	mt__report_meta(r, &root, &started, &dur, &checks, &dropped);
	size_t nd = mt__report_ndiag(r, &ndtotal, &diag);
	mt_time_iso(started, when, sizeof(when));
	mt_buf_adds(&b, "{\"type\":\"summary\",\"version\":");
	json_str(&b, MT_VERSION);
	mt_buf_adds(&b, ",\"root\":");
	json_str(&b, root ? root : "/");
	mt_buf_adds(&b, ",\"started\":");
	json_str(&b, when);
	mt_buf_printf(&b, ",\"duration_ms\":%lld,\"checks\":[", (long long)dur);
	int first = 1;
	for (size_t i = 0; i < mt_checks_count(); i++)
		if (checks & (1ull << i)) {
			if (!first)
				mt_buf_addc(&b, ',');
			json_str(&b, mt_checks_get(i)->id);
			first = 0;
		}
	mt_buf_adds(&b, "],\"counts\":{");
	for (int s = 0; s < MT_SEV_COUNT; s++)
		mt_buf_printf(&b, "%s\"%s\":%zu", s ? "," : "", mt_severity_name((mt_severity)s),
		              counts[s]);
	mt_buf_printf(&b,
	              "},\"total\":%zu,\"findings_dropped\":%zu,\"diagnostics_total\":%zu,"
	              "\"diagnostics\":[",
	              n, dropped, ndtotal);
	for (size_t i = 0; i < nd; i++) {
		if (i)
			mt_buf_addc(&b, ',');
		json_str(&b, diag[i]);
	}
	mt_buf_adds(&b, "],\"verdict\":");
	json_str(&b, mt__verdict(&inc));
	mt_buf_adds(&b, ",\"incidents\":[");
	/* the findings of each incident in one pass (a counting sort by incident) */
	size_t *start = inc.n ? calloc(inc.n + 1, sizeof(*start)) : NULL;
	size_t *member = inc.n ? malloc(n * sizeof(*member)) : NULL;
	if (inc.n && (!start || !member))
		e = MT_ERR_NOMEM;
	if (e == MT_OK && inc.n) {
		for (size_t i = 0; i < n; i++)
			if (inc.of[i])
				start[inc.of[i]]++;
		for (size_t k = 1; k <= inc.n; k++)
			start[k] += start[k - 1];
		size_t *fill = calloc(inc.n, sizeof(*fill));
		if (!fill)
			e = MT_ERR_NOMEM;
		for (size_t i = 0; fill && i < n; i++)
			if (inc.of[i]) {
				size_t k = inc.of[i] - 1;
				member[start[k] + fill[k]++] = i;
			}
		free(fill);
	}
	for (size_t k = 0; k < inc.n && e == MT_OK; k++) {
		const mt_finding *lead = mt_report_get(r, inc.v[k].lead);
		mt_buf_printf(&b, "%s{\"id\":%zu,\"severity\":", k ? "," : "", k + 1);
		json_str(&b, mt_severity_name(inc.v[k].severity));
		mt_buf_adds(&b, ",\"title\":");
		json_str(&b, lead->title[lang]);
		mt_buf_adds(&b, ",\"subject\":");
		json_str(&b, mt__incident_subject(lead));
		mt_buf_adds(&b, ",\"lead\":");
		json_str(&b, lead->id);
		mt_buf_adds(&b, ",\"findings\":[");
		for (size_t j = start[k]; j < start[k + 1]; j++) {
			mt_buf_adds(&b, j > start[k] ? "," : "");
			json_str(&b, mt_report_get(r, member[j])->id);
		}
		mt_buf_adds(&b, "]}");
		if (b.len > (4u << 20)) /* a summary of many incidents goes out in pieces */
			e = flush(&b, write, ctx);
	}
	free(start);
	free(member);
	mt_buf_adds(&b, "]}\n");
	mt__incidents_free(&inc);
	if (e == MT_OK)
		e = b.err;
	if (e == MT_OK)
		e = flush(&b, write, ctx);
	mt_buf_free(&b);
	return e;
}
