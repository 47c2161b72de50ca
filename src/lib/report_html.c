/* report_html.c - the HTML reporter: one self-contained page a responder can mail or
 * attach to a ticket (no script, no external resource, every host string escaped) */
#include <stdint.h>
#include <string.h>

#include "internal.h"

static void html_s(mt_buf *b, const char *s)
{
	if (s)
		mt_escape_html(b, s, strlen(s), MT_MAX_SHOWN_STRING);
}

static void html_kv(mt_buf *b, const mt_kv *kv)
{
	if (kv->sval) {
		html_s(b, kv->sval);
	} else if (mt__is_time_key(kv->key)) {
		char t[40];
		mt_time_iso(kv->ival, t, sizeof(t));
		mt_buf_adds(b, t);
	} else {
		mt_buf_printf(b, "%lld", kv->ival);
	}
}

static mt_err flush(mt_buf *b, mt_write_fn write, void *ctx)
{
	mt_err e = b->err;
	if (e == MT_OK && b->len && write(ctx, b->data, b->len) != 0)
		e = MT_ERR_IO;
	mt_buf_reset(b);
	return e;
}

static const char *const sev_class[MT_SEV_COUNT] = {"info", "low", "medium", "high", "critical"};

static const char style[] =
	"body{font:14px/1.45 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
	"margin:2em auto;max-width:70em;padding:0 1em;color:#222}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}"
	"code,td.v{font-family:ui-monospace,monospace;word-break:break-all}"
	"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;"
	"padding:.2em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}"
	".sev{display:inline-block;min-width:5.5em;text-align:center;border-radius:3px;"
	"padding:0 .4em;font-weight:600;color:#fff}"
	".critical{background:#8b0000}.high{background:#d33}.medium{background:#e69500}"
	".low{background:#2a7ab0}.info{background:#888}"
	"details{border:1px solid #ddd;border-radius:4px;margin:.6em 0;padding:.4em .8em}"
	"summary{cursor:pointer}.id{color:#666;font-size:.9em}";

/* The first time value (mtime, ctime, time...) of a finding's evidence, or INT64_MIN. */
static int64_t finding_time(const mt_finding *f)
{
	static const char *const pref[] = {"mtime", "time", "start_time", "ctime", "first_seen"};
	for (size_t p = 0; p < sizeof(pref) / sizeof(pref[0]); p++)
		for (size_t k = 0; k < f->nev; k++)
			if (!f->ev[k].sval && strcmp(f->ev[k].key, pref[p]) == 0 &&
			    f->ev[k].ival > 0)
				return f->ev[k].ival;
	return INT64_MIN;
}

/* The attack on a time axis, as inline SVG (no script): one mark per finding at medium
 * or above that has a time, coloured by severity, with the first and last times. */
static void html_timeline(mt_buf *b, const mt_report *r, const mt__incidents *inc, int zh)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	size_t n = mt_report_count(r), marks = 0;
	for (size_t i = 0; i < n; i++) {
		const mt_finding *f = mt_report_get(r, i);
		int64_t t = finding_time(f);
		if (f->severity < MT_SEV_MEDIUM || t == INT64_MIN)
			continue;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		marks++;
	}
	if (!marks)
		return;
	static const char *const fill[MT_SEV_COUNT] = {"#888", "#2a7ab0", "#e69500", "#d33",
	                                               "#8b0000"};
	const double w = 900, x0 = 20, x1 = 880;
	size_t drawn = 0;
	double span = hi > lo ? (double)(hi - lo) : 1;
	mt_buf_printf(b,
	              "<h2>%s</h2>\n<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
	              "width=\"%.0f\" height=\"90\" viewBox=\"0 0 %.0f 90\" role=\"img\">"
	              "<line x1=\"%.0f\" y1=\"50\" x2=\"%.0f\" y2=\"50\" stroke=\"#444\"/>\n",
	              zh ? "时间轴" : "On a time axis", w, w, x0, x1);
	for (size_t i = 0; i < n; i++) {
		const mt_finding *f = mt_report_get(r, i);
		int64_t t = finding_time(f);
		if (f->severity < MT_SEV_MEDIUM || t == INT64_MIN)
			continue;
		if (drawn++ >= 500)
			break; /* the worst 500 (the report is sorted): a page stays a page */
		double x = x0 + (x1 - x0) * (double)(t - lo) / span;
		size_t k = inc->of ? inc->of[i] : 0;
		mt_buf_printf(
			b,
			"<a href=\"#%s\"><circle class=\"mark\" cx=\"%.1f\" cy=\"%d\" r=\"6\" "
			"fill=\"%s\"><title>[%zu] ",
			f->id, x, 50 - (int)(k % 4) * 9, fill[f->severity], i + 1);
		html_s(b, f->title[zh ? MT_LANG_ZH : MT_LANG_EN]);
		char when[40];
		mt_time_iso(t, when, sizeof(when));
		mt_buf_printf(b, " %s</title></circle></a>\n", when);
	}
	char a[40], z[40];
	mt_time_iso(lo, a, sizeof(a));
	mt_time_iso(hi, z, sizeof(z));
	mt_buf_printf(b,
	              "<text x=\"%.0f\" y=\"78\" font-size=\"11\">%s</text>"
	              "<text x=\"%.0f\" y=\"78\" font-size=\"11\" text-anchor=\"end\">%s</text>"
	              "</svg>\n",
	              x0, a, x1, z);
}

static void html_verdict(mt_buf *b, const mt_report *r, const mt__incidents *inc, mt_lang lang)
{
	int zh = lang == MT_LANG_ZH;
	const char *v = mt__verdict(inc);
	const char *cls = strcmp(v, "compromised") == 0  ? "critical"
	                  : strcmp(v, "suspicious") == 0 ? "medium"
	                                                 : "info";
	const char *text = strcmp(v, "compromised") == 0 ? (zh ? "已失陷" : "compromised")
	                   : strcmp(v, "suspicious") == 0
	                           ? (zh ? "可疑：请复核" : "suspicious: review")
	                           : (zh ? "未发现挖矿或入侵迹象"
	                                 : "clean: no sign of a miner or an intrusion");
	mt_buf_printf(b, "<p id=\"verdict\" data-verdict=\"%s\"><span class=\"sev %s\">%s</span> ",
	              v, cls, zh ? "结论" : "verdict");
	mt_buf_printf(b, "<b>%s</b></p>\n", text);
	if (!inc->n)
		return;
	mt_buf_printf(b, "<h2>%s</h2>\n<ol id=\"incidents\">\n", zh ? "事件" : "Incidents");
	for (size_t k = 0; k < inc->n && k < 50; k++) {
		const mt_finding *lead = mt_report_get(r, inc->v[k].lead);
		mt_buf_printf(b, "<li><span class=\"sev %s\">%s</span> <a href=\"#%s\">",
		              sev_class[inc->v[k].severity],
		              mt__sev_label(lang, inc->v[k].severity), lead->id);
		html_s(b, lead->title[lang]);
		mt_buf_adds(b, "</a> <code>");
		html_s(b, mt__incident_subject(lead));
		mt_buf_printf(b, "</code> (%zu %s)</li>\n", inc->v[k].count,
		              zh                     ? "个发现"
		              : inc->v[k].count == 1 ? "finding"
		                                     : "findings");
	}
	mt_buf_adds(b, "</ol>\n");
	if (inc->n > 50)
		mt_buf_printf(b, "<p>%s %zu</p>\n",
		              zh ? "另有事件:" : "More incidents:", inc->n - 50);
}

mt_err mt_report_write_html(const mt_report *r, const mt_output_opts *o, mt_write_fn write,
                            void *ctx)
{
	mt_buf b;
	mt_err e = MT_OK;
	mt__report_head h;

	mt__report_head_get(r, o, &h);
	mt_lang lang = h.lang;
	int zh = lang == MT_LANG_ZH;
	const char *root = h.root;
	size_t n = h.n, *counts = h.counts;
	mt_buf_init(&b, 1u << 20);
	mt_buf_printf(&b,
	              "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
	              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	              "style-src 'unsafe-inline'\">\n<meta name=\"generator\" content=\"minetrace "
	              "%s\">\n<title>minetrace ",
	              zh ? "zh-CN" : "en", MT_VERSION);
	html_s(&b, root);
	int pcap = mt__report_kind(r) && strcmp(mt__report_kind(r), "pcap") == 0;
	mt_buf_printf(&b, "</title>\n<style>%s</style></head><body>\n<h1>minetrace %s %s <code>",
	              style, MT_VERSION,
	              zh ? (pcap ? "流量分析" : "扫描")
	                 : (pcap ? "capture analysis of" : "scan of"));
	html_s(&b, root);
	mt_buf_printf(&b, "</code></h1>\n<p>%s %s · %lld ms</p>\n<p>", zh ? "开始于" : "started",
	              h.when, (long long)h.duration_ms);
	for (int s = MT_SEV_COUNT - 1; s >= 0; s--)
		mt_buf_printf(&b, "<span class=\"sev %s\">%s %zu</span> ", sev_class[s],
		              mt__sev_label(lang, (mt_severity)s), counts[s]);
	mt_buf_adds(&b, "</p>\n");
	if (n == 0)
		mt_buf_adds(&b, zh ? "<p>未发现问题。</p>\n" : "<p>Nothing found.</p>\n");
	mt__incidents inc;
	if ((e = mt__incidents_build(r, &inc)) != MT_OK) {
		mt_buf_free(&b);
		return e;
	}
	if (!pcap) {
		html_verdict(&b, r, &inc, lang);
		html_timeline(&b, r, &inc, zh);
	}
	mt__incidents_free(&inc);
	e = flush(&b, write, ctx);

	int cur = -1;
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		const mt_finding *f = mt_report_get(r, i);
		if ((int)f->severity != cur) {
			cur = (int)f->severity;
			mt_buf_printf(&b, "<h2><span class=\"sev %s\">%s</span></h2>\n",
			              sev_class[cur], mt__sev_label(lang, f->severity));
		}
		mt_buf_printf(&b,
		              "<details open id=\"%s\"><summary><span class=\"sev %s\">%s</span> "
		              "<b>[%zu] ",
		              f->id, sev_class[f->severity], mt__sev_label(lang, f->severity),
		              i + 1);
		html_s(&b, f->title[lang]);
		mt_buf_printf(&b,
		              "</b> <span class=\"id\">%s · ATT&amp;CK %s · %s %u%% · %s</span>"
		              "</summary>\n",
		              f->check->id, f->check->attack, zh ? "置信度" : "confidence",
		              f->confidence, f->id);
		if (f->explain[lang] && f->explain[lang][0]) {
			mt_buf_adds(&b, "<p>");
			mt_escape_html(&b, f->explain[lang], strlen(f->explain[lang]), 2048);
			mt_buf_adds(&b, "</p>\n");
		}
		if (f->nev) {
			mt_buf_adds(&b, "<table>\n");
			for (size_t k = 0; k < f->nev; k++) {
				mt_buf_printf(&b, "<tr><th>%s</th><td class=\"v\">", f->ev[k].key);
				html_kv(&b, &f->ev[k]);
				mt_buf_adds(&b, "</td></tr>\n");
			}
			mt_buf_adds(&b, "</table>\n");
		}
		mt_buf_adds(&b, "</details>\n");
		e = flush(&b, write, ctx);
	}

	/* the responder's to-do table, as in the text report */
	if (h.nact && e == MT_OK) {
		mt_buf_printf(&b,
		              "<h2>%s</h2>\n<table><tr><th>#</th><th>%s</th><th>%s</th>"
		              "<th>%s</th></tr>\n",
		              zh ? "建议处置" : "Recommended actions", zh ? "动作" : "action",
		              zh ? "对象" : "target", zh ? "发现" : "finding");
		size_t no = 0;
		mt__act_seen seen = {NULL, 0, 0};
		for (size_t i = 0; i < n && e == MT_OK; i++) {
			const mt_finding *f = mt_report_get(r, i);
			for (size_t a = 0; a < f->nact; a++) {
				const mt_action *act = &f->act[a];
				if (!mt__act_new(&seen, act))
					continue;
				mt_buf_printf(&b, "<tr><td>%zu</td><td>", ++no);
				html_s(&b, mt__action_label(act->type, lang));
				mt_buf_adds(&b, "</td><td class=\"v\">");
				int first = 1;
				for (size_t k = 0; k < act->nparams; k++) {
					const mt_kv *kv = &act->params[k];
					if (!mt__action_param_shown(kv->key))
						continue;
					mt_buf_printf(&b, "%s%s=", first ? "" : ", ", kv->key);
					html_kv(&b, kv);
					first = 0;
				}
				mt_buf_printf(&b, "</td><td><a href=\"#%s\">[%zu]</a></td></tr>\n",
				              f->id, i + 1);
			}
			e = flush(&b, write, ctx);
		}
		mt__act_seen_free(&seen);
		mt_buf_printf(
			&b, "</table>\n<p>%s</p>\n",
			zh ? "用 <code>--format json --output report.json</code> 保存报告, 再用 "
			     "<code>minetrace respond report.json</code> 审阅处置计划。"
			   : "Save the report with <code>--format json --output report.json"
			     "</code>, then review the plan with <code>minetrace respond "
			     "report.json</code>.");
	}
	size_t ndtotal;
	const char *const *diag;
	size_t nd = mt__report_ndiag(r, &ndtotal, &diag);
	if (ndtotal && e == MT_OK) {
		mt_buf_printf(&b, "<h2>%s: %zu</h2>\n<ul>\n", zh ? "未能检查的项目" : "Not checked",
		              ndtotal);
		for (size_t i = 0; i < nd; i++) {
			mt_buf_adds(&b, "<li><code>");
			html_s(&b, diag[i]);
			mt_buf_adds(&b, "</code></li>\n");
		}
		if (ndtotal > nd)
			mt_buf_printf(&b, "<li>... (%zu more)</li>\n", ndtotal - nd);
		mt_buf_adds(&b, "</ul>\n");
	}
	if (h.dropped && e == MT_OK)
		mt_buf_printf(&b, "<p>%s: %zu</p>\n",
		              zh ? "超出上限未列出的发现" : "Findings over the limit, not listed",
		              h.dropped);
	mt_buf_adds(&b, "</body></html>\n");
	if (e == MT_OK)
		e = flush(&b, write, ctx);
	mt_buf_free(&b);
	return e;
}
