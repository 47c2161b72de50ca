/* window.c - the attack window the evidence gives: the attacker's files among the findings
 * of a scan (and their timestomping), the last burst of their times, the login before it;
 * or, when the files date nothing, the attacker's own commands and account changes */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "window.h"

/* ---- artifacts from the findings of a scan ------------------------------------- */

static int art_find(const mt__artifacts *set, const char *path)
{
	for (size_t i = 0; i < set->nart; i++)
		if (strcmp(set->art[i].path, path) == 0)
			return (int)i;
	return -1;
}

static void art_add(mt__artifacts *set, mt_host *host, const char *path, const char *check,
                    mt_severity sev, int window_only)
{
	int i = art_find(set, path);
	if (i >= 0) {
		if (!window_only && set->art[i].in_window_only) {
			set->art[i].in_window_only = 0;
			mt_copy(set->art[i].check, sizeof(set->art[i].check), check);
		}
		if (sev > set->art[i].sev)
			set->art[i].sev = sev;
		return;
	}
	if (set->nart >= MT__MAX_ARTIFACTS || !path || path[0] != '/')
		return;
	struct stat st;
	if (mt_host_stat(host, path, 1, &st) != MT_OK || !S_ISREG(st.st_mode))
		return;
	for (size_t k = 0; k < set->nart; k++) /* /bin/dhpcd and /usr/bin/dhpcd: one file */
		if (set->art[k].dev == (uint64_t)st.st_dev &&
		    set->art[k].ino == (uint64_t)st.st_ino) {
			/* name the file by its own path, not by a symlink to it */
			struct stat l1, l2;
			if (mt_host_stat(host, set->art[k].path, 0, &l1) == MT_OK &&
			    S_ISLNK(l1.st_mode) && mt_host_stat(host, path, 0, &l2) == MT_OK &&
			    !S_ISLNK(l2.st_mode))
				mt_copy(set->art[k].path, sizeof(set->art[k].path), path);
			if (!window_only && set->art[k].in_window_only) {
				set->art[k].in_window_only = 0;
				mt_copy(set->art[k].check, sizeof(set->art[k].check), check);
			}
			if (sev > set->art[k].sev)
				set->art[k].sev = sev;
			return;
		}
	mt__artifact *a = &set->art[set->nart++];
	a->dev = (uint64_t)st.st_dev;
	a->ino = (uint64_t)st.st_ino;
	mt_copy(a->path, sizeof(a->path), path);
	mt_copy(a->check, sizeof(a->check), check);
	a->sev = sev;
	a->mtime = (int64_t)st.st_mtime;
	a->mtime_ns = st.st_mtim.tv_nsec;
	a->ctime = (int64_t)st.st_ctime;
	a->when = a->mtime;
	a->in_window_only = window_only;
}

static int check_is(const mt_finding *f, const char *prefix)
{
	return strncmp(f->check->id, prefix, strlen(prefix)) == 0;
}

/* The program a command runs: its first absolute word. */
static void first_abs_word(const char *cmd, char *out, size_t n)
{
	out[0] = '\0';
	const char *p = strchr(cmd ? cmd : "", '/');
	if (!p || (p > cmd && p[-1] != ' ' && p[-1] != '"' && p[-1] != '\''))
		return;
	size_t k = strcspn(p, " \t;&|'\"><)");
	if (k >= n)
		return;
	memcpy(out, p, k);
	out[k] = '\0';
}

void mt__collect_artifacts(mt__artifacts *set, mt_host *host, const mt_report *r)
{
	for (size_t i = 0; i < mt_report_count(r); i++) {
		const mt_finding *f = mt_report_get(r, i);
		char buf[64];
		if (check_is(f, "hardening.") || check_is(f, "auth.") || check_is(f, "logs.") ||
		    check_is(f, "history."))
			continue;
		int window_only = strcmp(f->check->id, "files.window") == 0;
		if (!window_only && f->severity < MT_SEV_HIGH)
			continue;
		if (window_only && f->severity < MT_SEV_LOW)
			continue; /* a package file with its packaged content */
		const char *path = mt_finding_evidence(f, "path", buf, sizeof(buf));
		if (path)
			art_add(set, host, path, f->check->id, f->severity, window_only);
		if (window_only)
			continue;
		static const char *const keys[] = {"command", "exe"};
		for (size_t k = 0; k < MT_ARRAY_LEN(keys); k++) {
			const char *c = mt_finding_evidence(f, keys[k], buf, sizeof(buf));
			char prog[256];
			first_abs_word(c, prog, sizeof(prog));
			if (prog[0] && strncmp(prog, "/proc/", 6) != 0)
				art_add(set, host, prog, f->check->id, f->severity, 0);
		}
	}
}

/* ---- their times, and the login before them ------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Timestomping: artifacts (files the attacker left) sharing their exact mtime, to the
 * nanosecond, were set with touch -d or touch -r (files written by programs differ in
 * the nanoseconds; two written in the same clock tick share them too, but then their
 * ctime is their mtime: a shared mtime counts when it has no nanoseconds or lies a day
 * before the ctime). Their mtimes do not place the burst; on the live host their
 * ctime does (it is when touch ran; a root copy has the copy's ctime instead). */
void mt__mark_stomped(mt__artifacts *set, int live)
{
	set->nstomped = 0;
	for (size_t i = 0; i < set->nart; i++) {
		mt__artifact *a = &set->art[i];
		a->stomped = 0;
		a->when = a->mtime;
		if (a->in_window_only)
			continue;
		for (size_t k = 0; k < set->nart && !a->stomped; k++)
			if (k != i && !set->art[k].in_window_only &&
			    set->art[k].mtime == a->mtime && set->art[k].mtime_ns == a->mtime_ns &&
			    (a->mtime_ns == 0 || a->ctime > a->mtime + 86400))
				a->stomped = 1;
		if (a->stomped) {
			set->nstomped++;
			a->when = live && a->ctime > a->mtime ? a->ctime : MT_TIME_NONE;
		}
	}
}

/* The last cluster of the sorted times t[0..n): from the latest back while the gaps
 * stay under MT__BURST_GAP; skip leaves out that many of the latest clusters. */
static int cluster(const int64_t *t, size_t n, size_t skip, int64_t *first, int64_t *last)
{
	size_t end = n;
	for (;;) {
		if (end == 0)
			return 0;
		size_t k = end - 1;
		while (k > 0 && t[k] - t[k - 1] <= MT__BURST_GAP)
			k--;
		if (skip-- == 0) {
			*first = t[k];
			*last = t[end - 1];
			return 1;
		}
		end = k;
	}
}

/* The last burst of artifact times: from the latest plausible one back while the gaps
 * stay under MT__BURST_GAP; timestomped mtimes only with stomped (when nothing else is
 * left). 0 when there is none. */
int mt__artifact_burst(const mt__artifacts *set, int64_t from, int stomped, int64_t *first,
                       int64_t *last)
{
	int64_t t[MT__MAX_ARTIFACTS];
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);
	for (size_t i = 0; i < set->nart; i++) {
		if (set->art[i].in_window_only)
			continue;
		int64_t m = stomped && set->art[i].stomped ? set->art[i].mtime : set->art[i].when;
		if (m < 631152000 || m > now + 86400 || (from != MT_TIME_NONE && m < from))
			continue; /* before 1990 or in the future: set by hand, not evidence */
		t[n++] = m;
	}
	if (n == 0)
		return 0;
	qsort(t, n, sizeof(t[0]), cmp_i64);
	return cluster(t, n, 0, first, last);
}

/* Times of what the attacker did that the logs date by themselves, whatever the files'
 * mtimes say: suspicious shell commands (judged with rules; without rules, the
 * history.suspicious findings of r) and account changes. Sorted; *out is the caller's. */
static size_t attacker_times(const mt_logs *l, const mt_rules *rules, const mt_report *r,
                             int64_t **out)
{
	size_t n = 0, cap = 4096;
	int64_t *t = malloc(cap * sizeof(*t));
	*out = t;
	if (!t)
		return 0;
	for (size_t i = 0; l && i < l->nev && n < cap; i++) {
		unsigned k = l->ev[i].kind;
		if (k == MT_LE_USERADD || k == MT_LE_USERMOD || k == MT_LE_PASSWD)
			t[n++] = l->ev[i].time;
	}
	if (rules && l) {
		for (size_t i = 0; i < l->nhist; i++)
			for (size_t k = 0; k < l->hist[i].n && n < cap; k++) {
				const mt_histline *hl = &l->hist[i].lines[k];
				if (hl->time == MT_TIME_NONE)
					continue;
				mt_cmd_verdict v;
				mt_hist_judge(rules, hl->cmd, strlen(hl->cmd), &v);
				if (v.severity >= MT_SEV_MEDIUM)
					t[n++] = hl->time;
			}
	} else if (r) {
		for (size_t i = 0; i < mt_report_count(r) && n < cap; i++) {
			const mt_finding *f = mt_report_get(r, i);
			char buf[64];
			const char *ts;
			if (strcmp(f->check->id, "history.suspicious") == 0 &&
			    (ts = mt_finding_evidence(f, "time", buf, sizeof(buf))) != NULL)
				t[n++] = strtoll(ts, NULL, 10);
		}
	}
	qsort(t, n, sizeof(*t), cmp_i64);
	return n;
}

/* A wtmp session of the same user and address within seconds of an Accepted line. */
static int wtmp_backs(const mt_logs *l, size_t i)
{
	const mt_logev *a = &l->ev[i];
	size_t lo = i > 64 ? i - 64 : 0, hi = i + 64 < l->nev ? i + 64 : l->nev;
	for (size_t j = lo; j < hi; j++) {
		const mt_logev *w = &l->ev[j];
		if (w->kind == MT_LE_LOGIN && w->ip[0] && strcmp(w->ip, a->ip) == 0 &&
		    strcmp(w->user, a->user) == 0 && w->time - a->time <= 5 &&
		    a->time - w->time <= 5)
			return 1;
	}
	return 0;
}

/* The initial access among the successful logins before t (within MT__ACCESS_BEFORE):
 * a line anyone can forge (logger) must not hide the real one, so the latest login
 * backed by a PAM session of the same pid or a wtmp record wins over a later unbacked
 * one; wtmp sessions with an address when the logs have no sshd line. *ncand gets the
 * number of candidates, *why the reason of the choice. */
const mt_logev *mt__access_before(const mt_logs *l, int64_t t, size_t *ncand, const char **why)
{
	const mt_logev *best = NULL, *backed = NULL;
	const char *bwhy = NULL;
	*ncand = 0;
	for (int pass = 0; pass < 2 && !best; pass++)
		for (size_t i = 0; i < l->nev; i++) {
			const mt_logev *e = &l->ev[i];
			if (e->time > t)
				break;
			if (e->time < t - MT__ACCESS_BEFORE)
				continue;
			if (pass == 0 && e->kind == MT_LE_ACCEPTED) {
				best = e;
				(*ncand)++;
				if (e->backed) {
					backed = e;
					bwhy = "pam_session";
				} else if (wtmp_backs(l, i)) {
					backed = e;
					bwhy = "wtmp";
				}
			} else if (pass == 1 && e->kind == MT_LE_LOGIN && e->ip[0]) {
				best = e;
				(*ncand)++;
			}
		}
	if (backed) {
		*why = bwhy;
		return backed;
	}
	*why = !best                       ? ""
	       : best->kind == MT_LE_LOGIN ? "wtmp_only"
	       : *ncand == 1               ? "only"
	                                   : "latest_unbacked";
	return best;
}

/* When the artifacts' times place no burst after a login (all timestomped, or set to
 * times of no login), the attacker's own commands and account changes do: the latest
 * burst of them that a login precedes. 1 with *first, *last and the access. */
int mt__anchor_on_attacker(const mt_logs *l, const mt_rules *rules, const mt_report *r,
                           int64_t *first, int64_t *last, const mt_logev **acc, size_t *ncand,
                           const char **why)
{
	int64_t *t = NULL;
	size_t n = attacker_times(l, rules, r, &t);
	int found = 0;
	int64_t f, e;
	for (size_t skip = 0; !found && skip < 16 && cluster(t, n, skip, &f, &e); skip++) {
		const mt_logev *a = mt__access_before(l, f, ncand, why);
		if (a) {
			*first = f;
			*last = e;
			*acc = a;
			found = 1;
		}
	}
	free(t);
	return found;
}

/* ---- the window for scan (files.window without --since) ------------------------ */

mt_err mt_attack_window(mt_host *host, const mt_report *r, const struct mt_logs *l, int64_t *since,
                        int64_t *until)
{
	mt__artifacts *set = calloc(1, sizeof(*set));
	if (!set)
		return MT_ERR_NOMEM;
	mt__collect_artifacts(set, host, r);
	mt__mark_stomped(set, mt_host_is_live(host));
	int64_t first, last;
	mt_err e = MT_ERR_NOENT;
	size_t ncand;
	const char *why;
	const mt_logev *acc = NULL;
	int have = mt__artifact_burst(set, MT_TIME_NONE, 0, &first, &last);
	if (have && l)
		acc = mt__access_before(l, first, &ncand, &why);
	if (!acc && (have || set->nstomped) && l &&
	    mt__anchor_on_attacker(l, NULL, r, &first, &last, &acc, &ncand, &why))
		have = 1;
	else if (!have && (have = mt__artifact_burst(set, MT_TIME_NONE, 1, &first, &last)) != 0 &&
	         l)
		acc = mt__access_before(l, first, &ncand, &why);
	if (have) {
		*since = acc ? acc->time : first - 600;
		*until = last + 600;
		e = MT_OK;
	}
	free(set);
	return e;
}
