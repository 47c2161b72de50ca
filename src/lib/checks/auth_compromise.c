/* auth_compromise.c - auth.compromise: successful logins that look like a break-in: a
 * success after failures from the same source, a first success from a new source */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../logs/logs.h"
#include "checks.h"

/* Earlier successes of a user (from other sources) that make a source "new". */
#define BASELINE_MIN            2
#define COMPROMISE_MAX_FINDINGS 200

/* A set of 64-bit key hashes with counts (open addressing; a collision only merges). */
typedef struct hset {
	uint64_t *k;
	uint32_t *v;
	size_t cap, n;
} hset;

static uint64_t h64(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ull;
	for (; *a; a++)
		h = (h ^ (uint8_t)*a) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (; b && *b; b++)
		h = (h ^ (uint8_t)*b) * 1099511628211ull;
	return h | 1; /* 0 marks a free slot */
}

/* The count slot of key, added when absent; NULL when out of memory. */
static uint32_t *hset_get(hset *s, uint64_t key)
{
	if (s->n * 2 >= s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 1024;
		uint64_t *nk = calloc(nc, sizeof(*nk));
		uint32_t *nv = calloc(nc, sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return NULL;
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->k[i]) {
				size_t j = s->k[i] & (nc - 1);
				while (nk[j])
					j = (j + 1) & (nc - 1);
				nk[j] = s->k[i];
				nv[j] = s->v[i];
			}
		free(s->k);
		free(s->v);
		s->k = nk;
		s->v = nv;
		s->cap = nc;
	}
	size_t j = key & (s->cap - 1);
	while (s->k[j] && s->k[j] != key)
		j = (j + 1) & (s->cap - 1);
	if (!s->k[j]) {
		s->k[j] = key;
		s->n++;
	}
	return &s->v[j];
}

static int by_ip(const void *a, const void *b)
{
	return strcmp(((const mt_failagg *)a)->ip, ((const mt_failagg *)b)->ip);
}

/* Failures from ok's address before it (agg sorted by address). */
static uint64_t failures_before(const mt_failagg *agg, size_t n, const mt_logev *ok, int64_t *first)
{
	uint64_t c = 0;
	*first = MT_TIME_NONE;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(agg[mid].ip, ok->ip) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && strcmp(agg[i].ip, ok->ip) == 0; i++) {
		if (agg[i].first > ok->time)
			continue;
		c += agg[i].count;
		if (*first == MT_TIME_NONE || agg[i].first < *first)
			*first = agg[i].first;
	}
	return c;
}

mt_err mt_check_auth_compromise(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_logs *l = mt_ctx_logs(ctx);
	mt_err e = MT_OK;
	size_t made = 0;
	hset pairs = {0}, users = {0};
	mt_failagg *agg = l->nfail ? malloc(l->nfail * sizeof(*agg)) : NULL;
	if (l->nfail && !agg)
		return MT_ERR_NOMEM;
	if (agg) {
		memcpy(agg, l->fail, l->nfail * sizeof(*agg));
		qsort(agg, l->nfail, sizeof(*agg), by_ip);
	}
	for (size_t i = 0; i < l->nev && e == MT_OK && made < COMPROMISE_MAX_FINDINGS; i++) {
		const mt_logev *ok = &l->ev[i];
		if (ok->kind != MT_LE_ACCEPTED || !ok->ip[0])
			continue;
		/* was this source seen succeeding for this user before? how many others? */
		uint32_t *pv = hset_get(&pairs, h64(ok->user, ok->ip));
		uint32_t *uv = hset_get(&users, h64(ok->user, NULL));
		if (!pv || !uv) {
			e = MT_ERR_NOMEM;
			break;
		}
		int seen = (*pv)++ > 0;
		size_t others = (*uv)++; /* earlier successes of this user, from other sources */
		if (seen)
			continue;
		int64_t ffirst;
		uint64_t fails = failures_before(agg, l->nfail, ok, &ffirst);
		int new_src = others >= BASELINE_MIN;
		if (!fails && !new_src)
			continue;
		mt_severity sev = fails ? MT_SEV_HIGH : MT_SEV_MEDIUM;
		if (fails && strcmp(ok->user, "root") == 0)
			sev = MT_SEV_CRITICAL;
		mt_finding *f = mt_finding_new(self, sev, fails ? 80 : 50);
		char t[40];
		mt_time_iso(ok->time, t, sizeof(t));
		if (fails) {
			mt_finding_text(
				f, MT_LANG_EN, "Successful login after failed attempts",
				"%s logged in as %s with %s at %s after %llu failed attempts "
				"from the same address",
				ok->ip, ok->user, ok->method, t, (unsigned long long)fails);
			mt_finding_text(f, MT_LANG_ZH, "多次失败后登录成功",
			                "%s在同一地址登录失败%llu次后，于%s通过%s登录%s成功",
			                ok->ip, (unsigned long long)fails, t, ok->method, ok->user);
		} else {
			mt_finding_text(
				f, MT_LANG_EN, "First login from a new source",
				"%s logged in as %s with %s at %s; the logs show %zu earlier "
				"logins of %s, none from this address",
				ok->ip, ok->user, ok->method, t, others, ok->user);
			mt_finding_text(
				f, MT_LANG_ZH, "来自新地址的首次登录",
				"%s于%s通过%s登录%s；日志中%s此前有%zu次登录，均不来自该地址",
				ok->ip, t, ok->method, ok->user, ok->user, others);
		}
		mt_finding_str(f, "kind", fails ? "success_after_failures" : "new_source", 0);
		mt_finding_str(f, "remote", ok->ip, 1);
		mt_finding_str(f, "user", ok->user, 1);
		mt_finding_int(f, "time", ok->time, 1);
		mt_finding_str(f, "method", ok->method, 0);
		if (ok->detail[0])
			mt_finding_str(f, "key", ok->detail, 0);
		if (fails) {
			mt_finding_int(f, "failures", (long long)fails, 0);
			mt_finding_int(f, "first", ffirst, 0);
		}
		if (ok->file < l->nfiles)
			mt_finding_str(f, "path", l->files[ok->file].path, 0);
		if (ok->lineno && ok->file < l->nfiles && l->files[ok->file].kind == 0)
			mt_finding_int(f, "lineno", ok->lineno, 0);
		mt_action *a = mt_finding_action(f, "block_ip");
		mt_action_str(f, a, "ip", ok->ip);
		if (strcmp(ok->method, "password") == 0 ||
		    strncmp(ok->method, "keyboard-interactive", 20) == 0) {
			a = mt_finding_action(f, "change_password");
			mt_action_str(f, a, "user", ok->user);
		}
		e = mt_report_add(ctx->report, f);
		made++;
	}
	free(pairs.k);
	free(pairs.v);
	free(users.k);
	free(users.v);
	free(agg);
	return e;
}
