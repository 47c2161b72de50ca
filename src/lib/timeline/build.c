/* build.c - mt_timeline_build: the logs read, the scans run (the second one on the
 * window), the stages called in order (window, initial access, brute force, events), the
 * events and artifacts sorted; and the timeline's life cycle */
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "timeline/timeline_int.h"

void mt_timeline_opts_init(mt_timeline_opts *o)
{
	o->since = MT_TIME_NONE;
	o->until = MT_TIME_NONE;
	o->sample_ms = 1000;
}

void mt_timeline_free(mt_timeline *tl)
{
	if (!tl)
		return;
	for (size_t i = 0; i < tl->n; i++) {
		free(tl->ev[i].source);
		free(tl->ev[i].text[0]);
		free(tl->ev[i].text[1]);
		free(tl->ev[i].json);
	}
	free(tl->ev);
	free(tl->brute);
	mt_logs_free(tl->logs);
	for (size_t i = 0; i < tl->ndiag; i++)
		free(tl->diag[i]);
	free(tl->diag);
	free(tl);
}

int mt_timeline_has_attack(const mt_timeline *tl)
{
	size_t flagged = 0;
	for (size_t i = 0; i < tl->arts.nart; i++)
		flagged += !tl->arts.art[i].in_window_only;
	return tl->has_access || flagged > 0;
}

size_t mt_timeline_event_count(const mt_timeline *tl)
{
	return tl->n;
}

/* Scan with the file checks (and the process checks on the live root), without the
 * log checks the timeline does itself. With a window (the second pass) only the checks
 * whose verdicts weigh it run again: the rest said all they had in the first pass. */
static mt_err run_scan(mt_host *host, const mt_rules *rules, const mt_timeline_opts *o,
                       int64_t since, int64_t until, mt_report **out)
{
	mt_scan_opts so;
	mt_scan_opts_init(&so);
	so.sample_ms = since == MT_TIME_NONE ? o->sample_ms : 0;
	so.since = since;
	so.until = until;
	so.checks = 0;
	for (size_t i = 0; i < mt_checks_count(); i++) {
		const mt_check_info *c = mt_checks_get(i);
		if (strncmp(c->id, "auth.", 5) == 0 || strncmp(c->id, "logs.", 5) == 0 ||
		    strncmp(c->id, "history.", 8) == 0 || strncmp(c->id, "hardening.", 10) == 0 ||
		    (c->needs_live && !mt_host_is_live(host)))
			continue;
		if (since == MT_TIME_NONE && strcmp(c->id, "files.window") == 0)
			continue;
		if (since != MT_TIME_NONE && !c->weighs_window)
			continue;
		so.checks |= 1ull << i;
	}
	mt_report *r = NULL;
	mt_err e = mt_report_new(&r);
	if (e != MT_OK)
		return e;
	if ((e = mt_scan(host, rules, &so, r)) != MT_OK) {
		mt_report_free(r);
		return e;
	}
	*out = r;
	return MT_OK;
}

static void keep_diag(mt_timeline *tl, const mt_report *r)
{
	size_t total;
	const char *const *d;
	size_t n = mt__report_ndiag(r, &total, &d);
	tl->diag_total += total;
	for (size_t i = 0; i < n && tl->ndiag < MT_MAX_DIAGNOSTICS; i++) {
		if (strstr(d[i], "skipped, it reads the running system"))
			continue;
		char **nd = realloc(tl->diag, (tl->ndiag + 1) * sizeof(*nd));
		if (!nd)
			return;
		tl->diag = nd;
		if ((tl->diag[tl->ndiag] = mt_strdup(d[i])) != NULL)
			tl->ndiag++;
	}
}

static int art_cmp(const void *a, const void *b)
{
	const mt__artifact *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int ev_cmp(const void *a, const void *b)
{
	const tl_event *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

mt_err mt_timeline_build(mt_host *host, const mt_rules *rules, const mt_timeline_opts *o,
                         mt_timeline **out)
{
	*out = NULL;
	if (!host || !rules || !o)
		return MT_ERR_INVAL;
	mt_timeline *tl = calloc(1, sizeof(*tl));
	mt_report *r0 = NULL, *r1 = NULL, *r2 = NULL;
	mt_logs *l = NULL;
	mt_err e;
	if (!tl)
		return MT_ERR_NOMEM;
	tl->wstart = tl->wend = MT_TIME_NONE;
	if ((e = mt_report_new(&r0)) != MT_OK)
		goto out;
	if ((e = mt_logs_load(host, rules, r0, &l)) != MT_OK)
		goto out;
	for (size_t i = 0; i < l->nfiles; i++) {
		tl->lines += l->files[i].lines;
		tl->skipped += l->files[i].skipped;
		tl->events_read += l->files[i].events;
	}
	tl->nlogs = l->nfiles;
	if ((e = run_scan(host, rules, o, MT_TIME_NONE, MT_TIME_NONE, &r1)) != MT_OK)
		goto out;
	mt__collect_artifacts(&tl->arts, host, r1);
	if (mt__report_host(r1)) {
		tl->host = *mt__report_host(r1);
		tl->has_host = 1;
	}
	tl->built = (int64_t)time(NULL);
	mt_copy(tl->root, sizeof(tl->root), mt_host_root(host) ? mt_host_root(host) : "/");
	int live = mt_host_is_live(host);
	mt__mark_stomped(&tl->arts, live);

	int64_t first, last;
	size_t ncand = 0;
	const char *why = "";
	const mt_logev *acc = NULL;
	int have = mt__artifact_burst(&tl->arts, MT_TIME_NONE, 0, &first, &last);
	if (have)
		acc = mt__access_before(l, first, &ncand, &why);
	tl->anchor = "artifact_times";
	if (!acc && (have || tl->arts.nstomped) &&
	    mt__anchor_on_attacker(l, rules, NULL, &first, &last, &acc, &ncand, &why)) {
		have = 1;
		tl->anchor = "attacker_commands";
	} else if (!have &&
	           (have = mt__artifact_burst(&tl->arts, MT_TIME_NONE, 1, &first, &last)) != 0) {
		acc = mt__access_before(l, first, &ncand, &why); /* nothing better than those */
	}
	if (have) {
		int64_t start = acc ? acc->time : first;
		if (acc) {
			tl->has_access = 1;
			tl->access_candidates = ncand;
			tl->access_why = why;
			/* the logins of the look-back period that contest the choice are attacker
			 * IPs too: the later ones when a backed login was chosen (a forged line
			 * comes after the real one to replace it), all of them when none is
			 * backed (no way to tell which one is real) */
			int64_t from = (strcmp(why, "latest_unbacked") == 0)
			                       ? first - MT__ACCESS_BEFORE
			                       : acc->time;
			for (size_t i = 0; i < l->nev && l->ev[i].time <= first; i++)
				if (l->ev[i].kind == acc->kind && l->ev[i].ip[0] &&
				    l->ev[i].time >= from)
					mt__tl_add_ip(tl, l->ev[i].ip);
			tl->access = *acc;
			mt_copy(tl->access_source, sizeof(tl->access_source),
			        mt__tl_file_name(l, acc->file));
		}
		/* again with the window: files changed in it, and checks that weigh it */
		if ((e = run_scan(host, rules, o, start, last + 600, &r2)) != MT_OK)
			goto out;
		mt__collect_artifacts(&tl->arts, host, r2);
		mt__mark_stomped(&tl->arts, live);
		int64_t f2, l2;
		if (mt__artifact_burst(&tl->arts, start, 0, &f2, &l2) && l2 > last)
			last = l2;
		/* suspicious commands typed right after the last artifact belong to it */
		for (size_t i = 0; i < l->nhist; i++)
			for (size_t k = 0; k < l->hist[i].n; k++) {
				const mt_histline *hl = &l->hist[i].lines[k];
				if (hl->time == MT_TIME_NONE || hl->time < start ||
				    hl->time <= last || hl->time > last + 3600)
					continue;
				mt_cmd_verdict v;
				mt_hist_judge(rules, hl->cmd, strlen(hl->cmd), &v);
				if (v.severity >= MT_SEV_MEDIUM)
					last = hl->time;
			}
		tl->wstart = start;
		tl->wend = last;
		if (acc) {
			mt__tl_add_ip(tl, acc->ip);
			for (size_t i = 0; i < l->nfail; i++)
				if (strcmp(l->fail[i].ip, acc->ip) == 0 &&
				    strcmp(l->fail[i].user, acc->user) == 0 &&
				    l->fail[i].first <= acc->time)
					tl->access_failures += l->fail[i].count;
			tl->access_failures_unknown = mt_logs_fail_unknown(l, acc->ip, acc->user);
			if (mt__tl_pw_method(acc->method) || acc->kind == MT_LE_LOGIN)
				mt__tl_add_pw_user(tl, acc->user);
			else if (acc->detail[0] && tl->nkeys < MT_ARRAY_LEN(tl->keys))
				mt_copy(tl->keys[tl->nkeys++], MT_LOG_DETAIL, acc->detail);
		}
		/* other logins inside the window come from the attacker too */
		for (size_t i = 0; i < l->nev; i++) {
			const mt_logev *ev = &l->ev[i];
			if (ev->kind == MT_LE_ACCEPTED && ev->time >= start && ev->time <= last) {
				mt__tl_add_ip(tl, ev->ip);
				if (mt__tl_pw_method(ev->method))
					mt__tl_add_pw_user(tl, ev->user);
			}
		}
	}
	if ((e = mt__tl_find_brute(tl, l)) != MT_OK)
		goto out;
	/* artifacts that date nothing (stomped) are no gap */
	if (!tl->has_access && tl->arts.nart == 0)
		mt__tl_access_from_brute(tl, l);
	for (size_t k = 0; k < tl->nbrute; k++)
		if (tl->brute[k].success != MT_TIME_NONE && tl->brute[k].failures >= TL_BRUTE_MIN &&
		    mt__tl_pw_method(tl->brute[k].method))
			mt__tl_add_pw_user(tl, tl->brute[k].success_user);

	/* the events */
	for (size_t i = 0; i < l->nev && e == MT_OK; i++)
		if (mt__tl_wanted(o, l->ev[i].time) && mt__tl_shown_kind(&l->ev[i]))
			e = mt__tl_lazy_add(tl, l->ev[i].time, &l->ev[i], NULL);
	for (size_t i = 0; i < tl->nbrute && e == MT_OK; i++)
		if (mt__tl_wanted(o, tl->brute[i].first) || mt__tl_wanted(o, tl->brute[i].last))
			e = mt__tl_lazy_add(tl, tl->brute[i].first, NULL, &tl->brute[i]);
	if (e == MT_OK)
		e = mt__tl_history_events(tl, l, rules, o);
	if (e == MT_OK)
		e = mt__tl_file_events(tl, o);
	if (e == MT_OK)
		e = mt__tl_process_events(tl, r1, o);
	if (e != MT_OK)
		goto out;
	if (tl->arts.nstomped) {
		char when[40];
		const mt__artifact *sa = NULL;
		for (size_t i = 0; i < tl->arts.nart && !sa; i++)
			if (tl->arts.art[i].stomped)
				sa = &tl->arts.art[i];
		mt_time_iso(sa->mtime, when, sizeof(when));
		mt_report_diag(r0,
		               "possible timestomping: %zu attacker files share their exact "
		               "mtime (%s, e.g. %s): set with touch; %s",
		               tl->arts.nstomped, when, sa->path,
		               live ? "their ctime is used instead"
		                    : "their mtimes are not used to place the attack window");
	}
	if (tl->n > 1)
		qsort(tl->ev, tl->n, sizeof(*tl->ev), ev_cmp);
	if (tl->arts.nart > 1)
		qsort(tl->arts.art, tl->arts.nart, sizeof(tl->arts.art[0]), art_cmp);
	keep_diag(tl, r0);
	keep_diag(tl, r1);
	/* a Windows event log's logons are not SSH ones */
	for (size_t i = 0; i < tl->n; i++)
		if (tl->ev[i].le && tl->ev[i].le->kind == MT_LE_ACCEPTED &&
		    tl->ev[i].le->file < l->nfiles && l->files[tl->ev[i].le->file].kind == 6)
			tl->ev[i].what = "windows_logon";
	tl->logs = l;
	l = NULL;
	*out = tl;
	tl = NULL;
out:
	mt_logs_free(l);
	mt_report_free(r0);
	mt_report_free(r1);
	mt_report_free(r2);
	mt_timeline_free(tl);
	return e;
}
