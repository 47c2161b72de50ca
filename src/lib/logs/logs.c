/* logs.c - finds and reads every login log of a root (auth logs, journal, wtmp, btmp,
 * utmp, lastlog, histories) into one sorted, de-duplicated event store */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs.h"

/* secure, secure.1, secure-20240128, secure.2.gz, auth.log, auth.log.1, auth.log.2.gz */
static int is_auth_log(const char *name)
{
	static const char *const bases[] = {"secure", "auth.log", "auth"};
	for (size_t i = 0; i < MT_ARRAY_LEN(bases); i++) {
		size_t k = strlen(bases[i]);
		if (strncmp(name, bases[i], k) != 0)
			continue;
		const char *r = name + k;
		if (*r == '\0')
			return i != 2; /* "auth" alone is not one */
		if (i == 2)
			continue;
		if (*r != '.' && *r != '-')
			continue;
		r++;
		while (*r >= '0' && *r <= '9')
			r++;
		if (*r == '\0' || strcmp(r, ".gz") == 0)
			return r != name + k + 1;
	}
	return 0;
}

static mt_err load_pass(mt_host *host, const mt_rules *rules, mt_report *rep, const mt_yearfix *fix,
                        size_t nfix, mt_logs **out)
{
	*out = NULL;
	mt_logs *l = calloc(1, sizeof(*l));
	if (!l)
		return MT_ERR_NOMEM;
	l->rules = rules;
	l->yearfix = fix;
	l->nyearfix = nfix;
	mt_err e = MT_OK;
	mt_dirent *ents = NULL;
	size_t n = 0;
	if (mt_host_list(host, "/var/log", MT_LIST_GETDENTS, &ents, &n) == MT_OK) {
		for (size_t i = 0; i < n && e == MT_OK; i++) {
			if (!is_auth_log(ents[i].name))
				continue;
			char p[320];
			snprintf(p, sizeof(p), "/var/log/%s", ents[i].name);
			e = mt_logs_read_authlog(l, host, rep, p);
		}
		mt_dirents_free(ents, n);
	}
	static const char *const ut[] = {"/var/log/wtmp", "/var/log/btmp", "/var/run/utmp",
	                                 "/var/log/wtmp.1", "/var/log/btmp.1"};
	static const unsigned utk[] = {1, 2, 3, 1, 2};
	for (size_t i = 0; i < MT_ARRAY_LEN(ut) && e == MT_OK; i++)
		e = mt_logs_read_utmp(l, host, rep, ut[i], utk[i]);
	if (e == MT_OK)
		e = mt_logs_read_lastlog(l, host, rep);
	if (e == MT_OK) {
		mt_err je = mt_logs_read_journal(l, host, rep);
		if (je == MT_ERR_NOMEM)
			e = je;
	}
	if (e == MT_OK)
		e = mt_logs_read_histories(l, host, rep);
	if (e == MT_OK)
		e = mt_logs_read_evtx(l, host, rep);
	if (e != MT_OK) {
		mt_logs_free(l);
		return e;
	}
	for (size_t i = 0; i < l->nfiles; i++)
		if (l->files[i].after_mtime)
			mt_report_diag(rep,
			               "%s: %llu lines dated after the file was last written: "
			               "its mtime was set back (kept; the lines carry their year)",
			               l->files[i].path,
			               (unsigned long long)l->files[i].after_mtime);
	if (l->ev_dropped)
		mt_report_diag(rep,
		               "logs: %llu events over the limit of %u were not kept "
		               "(disconnects, boots, lastlog first; logins and account "
		               "changes are kept)",
		               (unsigned long long)l->ev_dropped, MT_MAX_LOG_EVENTS);
	if (l->detail_dropped)
		mt_report_diag(rep,
		               "logs: the details (commands, keys) of %llu events over the "
		               "limit of %u MB of such text were not kept",
		               (unsigned long long)l->detail_dropped, MT_MAX_LOG_TEXT >> 20);
	if (l->fail_dropped)
		mt_report_diag(rep,
		               "logs: %llu failed logins from new sources over the limit of "
		               "%u sources (%u source and user pairs) were not counted",
		               (unsigned long long)l->fail_dropped, MT_MAX_LOG_FAILSRC,
		               MT_MAX_LOG_FAILAGG);
	mt_logs_finish(l);
	l->yearfix = NULL;
	*out = l;
	return MT_OK;
}

mt_err mt_logs_load(mt_host *host, const mt_rules *rules, mt_report *rep, mt_logs **out)
{
	mt_err e = load_pass(host, rules, rep, NULL, 0, out);
	mt_yearfix fix[MT_MAX_YEARFIX];
	size_t nfix;
	if (e != MT_OK || (nfix = mt_logs_check_years(*out, rep, fix, MT_MAX_YEARFIX)) == 0)
		return e;
	/* yearless lines of another year than their file's mtime says (logs review 7): read
	 * again with the year fixed (the first pass said everything else already) */
	mt_report *again = NULL;
	if ((e = mt_report_new(&again)) != MT_OK)
		return MT_OK; /* keep the first reading */
	mt_logs_free(*out);
	e = load_pass(host, rules, again, fix, nfix, out);
	mt_report_free(again);
	return e;
}

void mt_logs_free(mt_logs *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nhist; i++) {
		for (size_t k = 0; k < l->hist[i].n; k++)
			free(l->hist[i].lines[k].cmd);
		free(l->hist[i].lines);
	}
	free(l->hist);
	free(l->ev);
	free(l->fail);
	free(l->fsrc);
	for (uint32_t i = 0; i < l->ntblk; i++)
		free(l->tblk[i]);
	free(l->tblk);
	free(l->tstr);
	mt__itab_free(&l->tidx);
	mt__itab_free(&l->src_index);
	free(l->files);
	free(l);
}

/* Sort keys: integers only, so sorting a million events moves 24 bytes each and never
 * compares strings. Ties keep the reading order (file, line). */
typedef struct ev_key {
	int64_t time;
	uint32_t file, lineno;
	uint32_t idx;
} ev_key;

static int key_cmp(const void *a, const void *b)
{
	const ev_key *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->lineno != y->lineno)
		return x->lineno < y->lineno ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The same event seen in two files (the journal and auth.log, overlapping rotations). */
static int same_event(const mt_logev *a, const mt_logev *b)
{
	return a->time == b->time && a->kind == b->kind && a->port == b->port &&
	       a->file != b->file && strcmp(a->ip, b->ip) == 0 && strcmp(a->user, b->user) == 0 &&
	       strcmp(a->method, b->method) == 0 &&
	       a->detail == b->detail; /* kept once each: the same text, the same pointer */
}

/* Puts the events in the order of k, in place (a new array of a million 300-byte events
 * costs more than following the permutation's cycles). */
static void permute(mt_logev *ev, ev_key *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (k[i].idx == i || k[i].idx == UINT32_MAX)
			continue;
		mt_logev tmp = ev[i];
		size_t j = i;
		for (;;) {
			size_t from = k[j].idx;
			k[j].idx = UINT32_MAX;
			if (from == i) {
				ev[j] = tmp;
				break;
			}
			ev[j] = ev[from];
			j = from;
		}
	}
}

void mt_logs_finish(mt_logs *l)
{
	if (l->nev < 2)
		return;
	int in_order = 1;
	for (size_t i = 1; i < l->nev && in_order; i++) {
		const mt_logev *p = &l->ev[i - 1], *e = &l->ev[i];
		in_order = p->time < e->time ||
		           (p->time == e->time &&
		            (p->file < e->file || (p->file == e->file && p->lineno <= e->lineno)));
	}
	if (!in_order) {
		ev_key *k = malloc(l->nev * sizeof(*k));
		if (!k) /* keep the file order; the timeline sorts its own events */
			return;
		for (size_t i = 0; i < l->nev; i++) {
			k[i].time = l->ev[i].time;
			k[i].file = l->ev[i].file;
			k[i].lineno = l->ev[i].lineno;
			k[i].idx = (uint32_t)i;
		}
		qsort(k, l->nev, sizeof(*k), key_cmp);
		permute(l->ev, k, l->nev);
		free(k);
	}
	/* drop an event equal to one already kept in the same second from another file */
	size_t w = 0, run = 0;
	for (size_t i = 0; i < l->nev; i++) {
		const mt_logev *e = &l->ev[i];
		if (w && l->ev[run].time != e->time)
			run = w;
		if (w - run > 64) /* a hostile log with a million lines in one second */
			run = w - 64;
		int dup = 0;
		for (size_t j = run; j < w && !dup; j++)
			if ((dup = same_event(&l->ev[j], e)) != 0 && e->backed)
				l->ev[j].backed = 1; /* the copy with the PAM session backs both */
		if (!dup) {
			if (w != i)
				l->ev[w] = *e;
			w++;
		}
	}
	l->nev = w;
}

int mt_logs_text_covers(const mt_logs *l, int64_t t)
{
	for (size_t i = 0; i < l->nfiles; i++) {
		const mt_logfile *f = &l->files[i];
		if (f->kind == 0 && f->first != MT_TIME_NONE && t >= f->first && t <= f->last &&
		    !(f->max_gap > 3600 && t > f->gap_from && t < f->gap_from + f->max_gap))
			return 1; /* inside its lines, not in its longest silence (lines cut out) */
	}
	return 0;
}

const mt_logs *mt_ctx_logs(mt_ctx *ctx)
{
	static const mt_logs empty;
	if (!ctx->logs && mt_logs_load(ctx->host, ctx->rules, ctx->report, &ctx->logs) != MT_OK) {
		ctx->logs = calloc(1, sizeof(*ctx->logs));
		mt_report_diag(ctx->report, "logs: out of memory");
	}
	return ctx->logs ? ctx->logs : &empty;
}
