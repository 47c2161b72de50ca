/* conclude.c - the timeline's conclusions besides the window: the attacker's addresses and
 * the accounts whose password is known to them, brute force per source address with its
 * first success, and the way in when only a brute force shows it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline/timeline_int.h"

void mt__tl_add_ip(mt_timeline *tl, const char *ip)
{
	if (!ip[0])
		return;
	for (size_t i = 0; i < tl->nips; i++)
		if (strcmp(tl->ips[i], ip) == 0)
			return;
	if (tl->nips < TL_MAX_IPS)
		mt_copy(tl->ips[tl->nips++], MT_LOG_IP, ip);
}

/* A login that proves the password: sshd's password methods, a Windows logon with
 * credentials (network, RDP, interactive...) */
int mt__tl_pw_method(const char *m)
{
	static const char *const pw[] = {
		"password",    "keyboard-interactive/pam", "network", "rdp",
		"interactive", "network-cleartext",        "cached",  "unlock"};
	for (size_t i = 0; i < MT_ARRAY_LEN(pw); i++)
		if (strcmp(m, pw[i]) == 0)
			return 1;
	return 0;
}

void mt__tl_add_pw_user(mt_timeline *tl, const char *u)
{
	for (size_t i = 0; i < tl->npw; i++)
		if (strcmp(tl->pw_users[i], u) == 0)
			return;
	if (tl->npw < MT_ARRAY_LEN(tl->pw_users))
		mt_copy(tl->pw_users[tl->npw++], MT_LOG_USER, u);
}

/* No artifact placed the attack (nothing found on disk yet, or nothing left): a password
 * login right after a brute force from the same address is the way in all the same. Of
 * several, the source with the most failures; the window runs from that login to the
 * last login from that address. */
void mt__tl_access_from_brute(mt_timeline *tl, const mt_logs *l)
{
	const tl_brute *best = NULL;
	for (size_t k = 0; k < tl->nbrute; k++) {
		const tl_brute *b = &tl->brute[k];
		if (b->success == MT_TIME_NONE || b->failures < TL_BRUTE_MIN ||
		    !mt__tl_pw_method(b->method))
			continue;
		if (!best || b->failures > best->failures)
			best = b;
	}
	if (!best)
		return;
	const mt_logev *acc = NULL;
	int64_t last = best->success;
	for (size_t i = 0; i < l->nev; i++) {
		const mt_logev *ev = &l->ev[i];
		if (ev->kind != MT_LE_ACCEPTED || strcmp(ev->ip, best->ip) != 0)
			continue;
		if (!acc && ev->time == best->success && strcmp(ev->user, best->success_user) == 0)
			acc = ev;
		if (acc && ev->time > last)
			last = ev->time;
	}
	if (!acc)
		return;
	tl->has_access = 1;
	tl->access = *acc;
	tl->access_candidates = 1;
	tl->access_why = "brute_force_success";
	mt_copy(tl->access_source, sizeof(tl->access_source), mt__tl_file_name(l, acc->file));
	mt__tl_add_ip(tl, acc->ip);
	mt__tl_add_pw_user(tl, acc->user);
	for (size_t i = 0; i < l->nfail; i++)
		if (strcmp(l->fail[i].ip, acc->ip) == 0 &&
		    strcmp(l->fail[i].user, acc->user) == 0 && l->fail[i].first <= acc->time)
			tl->access_failures += l->fail[i].count;
	tl->access_failures_unknown = mt_logs_fail_unknown(l, acc->ip, acc->user);
	if (tl->wstart == MT_TIME_NONE) {
		tl->wstart = acc->time;
		tl->wend = last;
		tl->anchor = "brute_force";
	}
}

static int agg_by_ip(const void *a, const void *b)
{
	return strcmp(((const mt_failagg *)a)->ip, ((const mt_failagg *)b)->ip);
}

/* Failures per source address (every user added up), and each source's first success
 * after its first failure. */
mt_err mt__tl_find_brute(mt_timeline *tl, const mt_logs *l)
{
	if (l->nfail == 0)
		return MT_OK;
	mt_failagg *agg = malloc(l->nfail * sizeof(*agg));
	tl->brute = calloc(l->nfail, sizeof(*tl->brute));
	if (!agg || !tl->brute) {
		free(agg);
		return MT_ERR_NOMEM;
	}
	memcpy(agg, l->fail, l->nfail * sizeof(*agg));
	qsort(agg, l->nfail, sizeof(*agg), agg_by_ip);
	for (size_t i = 0; i < l->nfail; i++) {
		const mt_failagg *a = &agg[i];
		if (!a->ip[0])
			continue;
		tl_brute *b = tl->nbrute ? &tl->brute[tl->nbrute - 1] : NULL;
		if (!b || strcmp(b->ip, a->ip) != 0) {
			b = &tl->brute[tl->nbrute++];
			mt_copy(b->ip, sizeof(b->ip), a->ip);
			b->first = a->first;
			b->last = a->last;
			b->success = MT_TIME_NONE;
		}
		b->failures += a->count;
		b->invalid += a->invalid;
		if (a->first < b->first)
			b->first = a->first;
		if (a->last > b->last)
			b->last = a->last;
		size_t ul = strlen(b->users);
		if (ul + strlen(a->user) + 2 < sizeof(b->users))
			snprintf(b->users + ul, sizeof(b->users) - ul, "%s%s", ul ? "," : "",
			         a->user);
	}
	free(agg);
	for (size_t i = 0; i < l->nev; i++) {
		const mt_logev *e = &l->ev[i];
		if (e->kind != MT_LE_ACCEPTED || !e->ip[0])
			continue;
		size_t lo = 0, hi = tl->nbrute;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(tl->brute[mid].ip, e->ip) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		tl_brute *b = lo < tl->nbrute ? &tl->brute[lo] : NULL;
		if (b && strcmp(b->ip, e->ip) == 0 && b->success == MT_TIME_NONE &&
		    e->time >= b->first) {
			b->success = e->time;
			mt_copy(b->success_user, sizeof(b->success_user), e->user);
			mt_copy(b->method, sizeof(b->method), e->method);
		}
	}
	return MT_OK;
}
