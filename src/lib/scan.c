/* scan.c - runs the selected checks against a host and collects their findings */
#include <string.h>
#include <time.h>

#include "internal.h"

void mt_scan_opts_init(mt_scan_opts *o)
{
	memset(o, 0, sizeof(*o));
	mt_checks_select(NULL, &o->checks, NULL, 0);
	o->since = MT_TIME_NONE;
	o->until = MT_TIME_NONE;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

mt_err mt_scan(mt_host *host, const mt_rules *rules, const mt_scan_opts *opts,
               mt_report *report)
{
	if (!host || !rules || !opts || !report)
		return MT_ERR_INVAL;
	mt_ctx ctx = {host, rules, opts, report};
	int64_t t0 = now_ms();
	time_t started = time(NULL);
	uint64_t ran = 0;
	for (size_t i = 0; i < mt_checks_count(); i++) {
		if (!(opts->checks & (1ull << i)))
			continue;
		const mt_check_info *c = mt_checks_get(i);
		if (c->needs_live && !mt_host_is_live(host)) {
			mt_report_diag(report, "%s: skipped, it reads the running system and the root "
			                       "is not the live host",
			               c->id);
			continue;
		}
		mt_err e = mt_check_run(i, &ctx);
		ran |= 1ull << i;
		if (e != MT_OK)
			mt_report_diag(report, "%s: stopped early: %s", c->id, mt_strerror(e));
	}
	mt_report_sort(report);
	mt_report_set_meta(report, mt_host_root(host), (int64_t)started, now_ms() - t0, ran);
	return MT_OK;
}
