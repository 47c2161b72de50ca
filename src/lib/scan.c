/* scan.c - runs the selected checks against a host and collects their findings */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/collect.h"
#include "collect/facts.h"
#include "collect/hostid.h"
#include "collect/win/winhost.h"
#include "internal.h"
#include "logs/logs.h"
#include "window.h"

void mt_scan_opts_init(mt_scan_opts *o)
{
	memset(o, 0, sizeof(*o));
	mt_checks_select(NULL, &o->checks, NULL, 0);
	o->since = MT_TIME_NONE;
	o->until = MT_TIME_NONE;
	o->sample_ms = 1000;
}

/* The live snapshot with its CPU sample (a second by default) is taken by a thread of its
 * own from the start of the scan: the file checks run meanwhile, the live checks after. */
struct mt_live_bg {
	pthread_t th;
	unsigned sample_ms;
	mt_live *live;
	mt_err err;
};

static void *live_bg_main(void *p)
{
	struct mt_live_bg *bg = p;
	bg->err = mt_live_load(bg->sample_ms, &bg->live);
	return NULL;
}

static void live_bg_take(mt_ctx *ctx)
{
	struct mt_live_bg *bg = ctx->live_bg;
	if (!bg)
		return;
	pthread_join(bg->th, NULL);
	ctx->live_bg = NULL;
	if (bg->err == MT_OK && !ctx->live) {
		ctx->live = bg->live;
	} else {
		mt_live_free(bg->live);
		if (!ctx->live) {
			ctx->live_failed = 1;
			mt_report_diag(ctx->report, "/proc: %s", mt_strerror(bg->err));
		}
	}
	free(bg);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

mt_err mt_scan(mt_host *host, const mt_rules *rules, const mt_scan_opts *opts, mt_report *report)
{
	if (!host || !rules || !opts || !report)
		return MT_ERR_INVAL;
	mt_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.host = host;
	ctx.rules = rules;
	ctx.opts = opts;
	ctx.report = report;
	ctx.auto_since = MT_TIME_NONE;
	ctx.auto_until = MT_TIME_NONE;
	int64_t t0 = now_ms();
	time_t started = time(NULL);
	uint64_t ran = 0;
	/* without --since/--until, files.window runs last, on the attack window the other
	 * findings and the logs give (the timeline's rule) */
	size_t win_i = SIZE_MAX;
	for (size_t i = 0; i < mt_checks_count(); i++)
		if (strcmp(mt_checks_get(i)->id, "files.window") == 0)
			win_i = i;
	int auto_win = win_i != SIZE_MAX && (opts->checks & (1ull << win_i)) &&
	               opts->since == MT_TIME_NONE && opts->until == MT_TIME_NONE;
	unsigned other_os = 0;
	int os = mt_host_os(host);
	int want_live = 0;
	for (size_t i = 0; i < mt_checks_count(); i++) {
		const mt_check_info *c = mt_checks_get(i);
		if ((opts->checks & (1ull << i)) && c->needs_live && (c->os_mask & (1u << os)) &&
		    (!c->needs_content || opts->content))
			want_live = 1;
	}
	if (want_live && mt_host_is_live(host) && opts->sample_ms) {
		struct mt_live_bg *bg = calloc(1, sizeof(*bg));
		if (bg) {
			bg->sample_ms = opts->sample_ms;
			if (pthread_create(&bg->th, NULL, live_bg_main, bg) == 0)
				ctx.live_bg = bg;
			else
				free(bg);
		}
	}
	/* the checks of files first, then the live ones (by then the CPU sample is done) */
	for (size_t k = 0; k < 2 * mt_checks_count(); k++) {
		size_t i = k % mt_checks_count();
		if (!(opts->checks & (1ull << i)) || (auto_win && i == win_i))
			continue;
		const mt_check_info *c = mt_checks_get(i);
		if ((k < mt_checks_count()) == (c->needs_live != 0))
			continue;
		if (c->needs_content && !opts->content)
			continue;
		if (!(c->os_mask & (1u << os))) {
			other_os++;
			continue;
		}
		if (c->needs_live && !mt_host_is_live(host)) {
			mt_report_diag(report,
			               "%s: skipped, it reads the running system and the root "
			               "is not the live host",
			               c->id);
			continue;
		}
		mt_err e = mt_check_run(i, &ctx);
		ran |= 1ull << i;
		if (e != MT_OK)
			mt_report_diag(report, "%s: stopped early: %s", c->id, mt_strerror(e));
	}
	if (other_os)
		mt_report_diag(report,
		               "%u selected check(s) read %s systems only: not run on this %s root",
		               other_os, os == MT_OS_WINDOWS ? "Linux" : "Windows",
		               os == MT_OS_WINDOWS ? "Windows" : "Linux");
	if (auto_win && (mt_checks_get(win_i)->os_mask & (1u << os))) {
		mt_scan_opts wo = *opts;
		char a[40], b[40];
		if (mt_attack_window(host, report, mt_ctx_logs(&ctx), &wo.since, &wo.until) ==
		    MT_OK) {
			mt_time_iso(wo.since, a, sizeof(a));
			mt_time_iso(wo.until, b, sizeof(b));
			mt_report_diag(report,
			               "files.window: no --since given; used the attack window "
			               "the evidence gives: %s to %s",
			               a, b);
			ctx.opts = &wo;
			mt_err e = mt_check_run(win_i, &ctx);
			ctx.opts = opts;
			ran |= 1ull << win_i;
			if (e != MT_OK)
				mt_report_diag(report, "files.window: stopped early: %s",
				               mt_strerror(e));
		}
	}
	live_bg_take(&ctx);
	mt_users_free(ctx.users);
	mt_pkgdb_free(ctx.pkgdb);
	mt_live_free(ctx.live);
	mt_logs_free(ctx.logs);
	mt_hostid hid;
	mt_hostid_collect(host, os == MT_OS_WINDOWS ? mt_ctx_win(&ctx) : NULL, &hid);
	mt__report_set_host(report, &hid);
	mt_win_free(ctx.win);
	mt_report_hash_quarantines(report, host);
	mt_report_sort(report);
	mt_report_set_meta(report, mt_host_root(host), (int64_t)started, now_ms() - t0, ran);
	return MT_OK;
}

const mt_users *mt_ctx_users(mt_ctx *ctx)
{
	if (!ctx->users && mt_users_load(ctx->host, ctx->report, &ctx->users) != MT_OK) {
		ctx->users = calloc(1, sizeof(*ctx->users));
		mt_report_diag(ctx->report, "accounts: out of memory");
	}
	static const mt_users empty;
	return ctx->users ? ctx->users : &empty;
}

mt_pkgdb *mt_ctx_pkgdb(mt_ctx *ctx)
{
	if (!ctx->pkgdb && mt_pkgdb_load(ctx->host, ctx->report, &ctx->pkgdb) != MT_OK)
		mt_report_diag(ctx->report, "package database: out of memory");
	return ctx->pkgdb;
}

const mt_live *mt_ctx_live(mt_ctx *ctx)
{
	live_bg_take(ctx);
	if (!ctx->live && !ctx->live_failed) {
		mt_err e = mt_live_load(ctx->opts->sample_ms, &ctx->live);
		if (e != MT_OK) {
			ctx->live_failed = 1;
			mt_report_diag(ctx->report, "/proc: %s", mt_strerror(e));
		}
	}
	return ctx->live;
}
