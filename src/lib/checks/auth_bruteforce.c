/* auth_bruteforce.c - auth.bruteforce: password guessing per source address (failures
 * from the auth logs, the journal or btmp, with counts and first/last times) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../logs/logs.h"
#include "checks.h"

/* Failures from one address that make a finding (the seed's brute-forcers needed 4). */
#define BRUTE_MIN          3
/* Findings at most: a host on the internet sees thousands of sources. */
#define BRUTE_MAX_FINDINGS 200

typedef struct src {
	const char *ip;
	uint64_t failures, invalid;
	int64_t first, last;
	char users[128];
	size_t nusers;
	int64_t success;
	const mt_logev *ok;
} src;

static int by_ip(const void *a, const void *b)
{
	const mt_failagg *x = a, *y = b;
	return strcmp(x->ip, y->ip);
}

static int by_failures(const void *a, const void *b)
{
	const src *x = a, *y = b;
	if ((x->success != MT_TIME_NONE) != (y->success != MT_TIME_NONE))
		return x->success != MT_TIME_NONE ? -1 : 1;
	return x->failures < y->failures ? 1 : x->failures > y->failures ? -1 : 0;
}

mt_err mt_check_auth_bruteforce(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_logs *l = mt_ctx_logs(ctx);
	if (l->nfail == 0)
		return MT_OK;
	mt_failagg *agg = malloc(l->nfail * sizeof(*agg));
	src *s = calloc(l->nfail, sizeof(*s));
	mt_err e = MT_OK;
	if (!agg || !s) {
		free(agg);
		free(s);
		return MT_ERR_NOMEM;
	}
	memcpy(agg, l->fail, l->nfail * sizeof(*agg));
	qsort(agg, l->nfail, sizeof(*agg), by_ip);
	size_t ns = 0;
	for (size_t i = 0; i < l->nfail; i++) {
		if (!agg[i].ip[0])
			continue;
		if (!ns || strcmp(s[ns - 1].ip, agg[i].ip) != 0) {
			s[ns].ip = agg[i].ip;
			s[ns].first = agg[i].first;
			s[ns].last = agg[i].last;
			s[ns].success = MT_TIME_NONE;
			ns++;
		}
		src *c = &s[ns - 1];
		c->failures += agg[i].count;
		c->invalid += agg[i].invalid;
		if (agg[i].first < c->first)
			c->first = agg[i].first;
		if (agg[i].last > c->last)
			c->last = agg[i].last;
		size_t ul = strlen(c->users);
		if (c->nusers < 8 && ul + strlen(agg[i].user) + 2 < sizeof(c->users)) {
			snprintf(c->users + ul, sizeof(c->users) - ul, "%s%s", ul ? "," : "",
			         agg[i].user);
			c->nusers++;
		}
	}
	/* the first success of each source after its first failure (s is in address
	 * order here, the events in time order) */
	for (size_t i = 0; i < l->nev; i++) {
		const mt_logev *ev = &l->ev[i];
		if (ev->kind != MT_LE_ACCEPTED || !ev->ip[0])
			continue;
		size_t lo = 0, hi = ns;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(s[mid].ip, ev->ip) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < ns && strcmp(s[lo].ip, ev->ip) == 0 && s[lo].success == MT_TIME_NONE &&
		    ev->time >= s[lo].first) {
			s[lo].success = ev->time;
			s[lo].ok = ev;
		}
	}
	qsort(s, ns, sizeof(*s), by_failures);
	size_t made = 0, over = 0;
	for (size_t k = 0; k < ns && e == MT_OK; k++) {
		src *c = &s[k];
		if (c->failures < BRUTE_MIN)
			continue;
		if (made >= BRUTE_MAX_FINDINGS) {
			over++;
			continue;
		}
		int ok = c->success != MT_TIME_NONE;
		mt_severity sev = ok                   ? MT_SEV_HIGH
		                  : c->failures >= 100 ? MT_SEV_MEDIUM
		                                       : MT_SEV_LOW;
		mt_finding *f = mt_finding_new(self, sev, ok ? 80 : 70);
		char first[40], last[40];
		mt_time_iso(c->first, first, sizeof(first));
		mt_time_iso(c->last, last, sizeof(last));
		if (ok) {
			mt_finding_text(
				f, MT_LANG_EN, "Password guessing that succeeded",
				"%llu failed logins from %s (%s) between %s and %s, then a "
				"successful login as %s: the password is known to this source",
				(unsigned long long)c->failures, c->ip, c->users, first, last,
				c->ok->user);
			mt_finding_text(
				f, MT_LANG_ZH, "暴力破解成功",
				"%s在%s至%s之间登录失败%llu次(用户%s)，随后以%s登录成功：口令已被对方掌握",
				c->ip, first, last, (unsigned long long)c->failures, c->users,
				c->ok->user);
		} else {
			mt_finding_text(
				f, MT_LANG_EN, "Password guessing",
				"%llu failed logins from %s (%s) between %s and %s, no success "
				"in the logs",
				(unsigned long long)c->failures, c->ip, c->users, first, last);
			mt_finding_text(f, MT_LANG_ZH, "暴力破解",
			                "%s在%s至%s之间登录失败%llu次(用户%s)，日志中没有成功记录",
			                c->ip, first, last, (unsigned long long)c->failures,
			                c->users);
		}
		mt_finding_str(f, "remote", c->ip, 1);
		mt_finding_int(f, "failures", (long long)c->failures, 0);
		if (c->invalid)
			mt_finding_int(f, "invalid_user", (long long)c->invalid, 0);
		mt_finding_str(f, "users", c->users, 0);
		mt_finding_int(f, "first", c->first, 0);
		mt_finding_int(f, "last", c->last, 0);
		if (ok) {
			mt_finding_int(f, "success", c->success, 0);
			mt_finding_str(f, "user", c->ok->user, 0);
			mt_finding_str(f, "method", c->ok->method, 0);
		}
		mt_action *a = mt_finding_action(f, "block_ip");
		mt_action_str(f, a, "ip", c->ip);
		/* a password login: sshd's "password", or a Windows logon (network, RDP...) */
		static const char *const pwm[] = {"password",    "network",           "rdp",
		                                  "interactive", "network-cleartext", "cached",
		                                  "unlock"};
		int pw = 0;
		for (size_t m = 0; ok && m < MT_ARRAY_LEN(pwm); m++)
			pw |= strcmp(c->ok->method, pwm[m]) == 0;
		if (pw) {
			a = mt_finding_action(f, "change_password");
			mt_action_str(f, a, "user", c->ok->user);
		}
		e = mt_report_add(ctx->report, f);
		made++;
	}
	if (over)
		mt_report_diag(ctx->report,
		               "%s: %zu more brute-force sources not reported (limit %d)", self->id,
		               over, BRUTE_MAX_FINDINGS);
	free(agg);
	free(s);
	return e;
}
