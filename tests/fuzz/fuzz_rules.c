/* fuzz_rules.c - libFuzzer target: rules files through mt_rules_load_buffer and lookups */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Bounds that keep one input fast: the glob and substring matchers are O(n*m). */
#define MAX_TOKENS 256
#define MAX_MATCH_TEXT 2048
#define MAX_MATCH_LINES 64

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_rules: invariant failed: %s\n", what);
		abort();
	}
}

static void on_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	unsigned *calls = ctx;
	(*calls)++;
	check(file != NULL && msg != NULL && msg[0] != '\0', "diag has a file and a message");
	(void)line;
}

static int count_match(void *ctx, const mt_rule *rule)
{
	size_t *n = ctx;
	check(rule != NULL && rule->value != NULL, "match callback gets a rule");
	(*n)++;
	return *n >= 1000; /* exercises the early stop too */
}

static mt_rule_kind kind_of(const char *name)
{
	for (int k = 0; k < MT_RK_COUNT; k++)
		if (strcmp(mt_rule_kind_name((mt_rule_kind)k), name) == 0)
			return (mt_rule_kind)k;
	return MT_RK_COUNT;
}

static int is_domain_kind(mt_rule_kind k)
{
	return k == MT_RK_POOL_DOMAIN || k == MT_RK_BROWSER_DOMAIN || k == MT_RK_C2_DOMAIN ||
	       k == MT_RK_PASTE_DOMAIN;
}

/* Every entry reads back, and every exact-value kind finds itself again. */
static void check_entries(const mt_rules *r)
{
	size_t n = mt_rules_count(r);
	mt_rule_info info;
	check(mt_rules_get(r, n, &info) == MT_ERR_INVAL, "get past the end fails");
	for (size_t i = 0; i < n; i++) {
		check(mt_rules_get(r, i, &info) == MT_OK, "get of an entry succeeds");
		check(info.kind && info.value && info.family && info.note && info.source &&
		          info.file,
		      "entry strings are set");
		check(info.value[0] != '\0', "entry value is not empty");
		check(info.source[0] != '\0', "entry has a source");
		check(info.line > 0, "entry has a line number");
		check(!info.has_sev || (unsigned)info.sev < MT_SEV_COUNT, "entry severity in range");
		mt_rule_kind k = kind_of(info.kind);
		check(k != MT_RK_COUNT, "entry kind is known");
		size_t vl = strlen(info.value);
		check(vl <= MT_MAX_RULE_VALUE + 80, "value fits the normalisation buffer");

		const mt_rule *x = mt_rules_find(r, k, info.value);
		check(x && x->kind == k && strcmp(x->value, info.value) == 0,
		      "exact lookup finds the entry's value");
		if (is_domain_kind(k)) {
			x = mt_rules_find_domain(r, k, info.value, vl);
			/* names of 256 bytes and more are out of range of the lookup */
			check(vl >= 256 || (x && x->kind == k), "domain lookup finds the entry");
		} else if (k == MT_RK_POOL_IP || k == MT_RK_C2_IP) {
			x = mt_rules_find_ip(r, k, info.value, vl);
			check(x && strcmp(x->value, info.value) == 0, "ip lookup finds the entry");
		} else if (k == MT_RK_POOL_IPPORT || k == MT_RK_C2_IPPORT) {
			char ip[80];
			const mt_rule *self = mt_rules_find(r, k, info.value);
			mt_rule_ip(self, ip, sizeof(ip));
			const char *colon = strrchr(info.value, ':');
			check(colon != NULL, "ip:port has a colon");
			unsigned port = (unsigned)strtoul(colon + 1, NULL, 10);
			x = mt_rules_find_ipport(r, k, ip, strlen(ip), port);
			check(x && strcmp(x->value, info.value) == 0, "ip:port lookup finds the entry");
		} else if (k == MT_RK_POOL_PORT) {
			unsigned port = (unsigned)strtoul(info.value, NULL, 10);
			check(mt_rules_is_pool_port(r, port), "pool port is set");
		}
	}
}

/* Looks up one token of the input under every kind that takes it. */
static void probe_token(const mt_rules *r, const char *t, size_t n)
{
	char tmp[MT_MAX_RULE_VALUE + 1];
	const mt_rule *x;
	static const mt_rule_kind dom[] = {MT_RK_POOL_DOMAIN, MT_RK_BROWSER_DOMAIN,
	                                   MT_RK_C2_DOMAIN, MT_RK_PASTE_DOMAIN};
	for (size_t i = 0; i < MT_ARRAY_LEN(dom); i++) {
		x = mt_rules_find_domain(r, dom[i], t, n);
		check(!x || x->kind == dom[i], "domain lookup returns its kind");
	}
	x = mt_rules_find_ip(r, MT_RK_POOL_IP, t, n);
	check(!x || x->kind == MT_RK_POOL_IP, "ip lookup returns its kind");
	if (x) {
		char ip[64];
		mt_rule_ip(x, ip, sizeof(ip));
	}
	x = mt_rules_find_ip(r, MT_RK_C2_IP, t, n);
	check(!x || x->kind == MT_RK_C2_IP, "ip lookup returns its kind");

	/* "ip:port" and "[v6]:port" split the way a socket table would give them */
	const char *colon = NULL;
	for (size_t i = n; i > 0; i--)
		if (t[i - 1] == ':') {
			colon = t + i - 1;
			break;
		}
	if (colon) {
		static const mt_rule_kind ipp[] = {MT_RK_POOL_IPPORT, MT_RK_C2_IPPORT};
		const char *ip = t;
		size_t il = (size_t)(colon - t);
		if (il >= 2 && ip[0] == '[' && ip[il - 1] == ']') {
			ip++;
			il -= 2;
		}
		uint64_t port = 0;
		(void)mt_parse_u64(colon + 1, (size_t)(t + n - colon - 1), 0xffffffffu, &port);
		for (size_t i = 0; i < MT_ARRAY_LEN(ipp); i++) {
			x = mt_rules_find_ipport(r, ipp[i], ip, il, (unsigned)port);
			check(!x || x->kind == ipp[i], "ipport lookup returns its kind");
			if (x) {
				char a[64];
				mt_rule_ip(x, a, sizeof(a));
			}
		}
		(void)mt_rules_is_pool_port(r, (unsigned)port);
	}
	uint64_t port;
	if (mt_parse_u64(t, n, 0xffffffffu, &port) == 0)
		(void)mt_rules_is_pool_port(r, (unsigned)port);

	/* exact lookups take a NUL-terminated, normalised value */
	if (n < sizeof(tmp)) {
		memcpy(tmp, t, n);
		tmp[n] = '\0';
		for (int k = 0; k < MT_RK_COUNT; k++) {
			x = mt_rules_find(r, (mt_rule_kind)k, tmp);
			check(!x || (x->kind == (mt_rule_kind)k && strcmp(x->value, tmp) == 0),
			      "exact lookup returns the value asked for");
		}
	}
}

static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '=';
}

static void probe_input(const mt_rules *r, const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	size_t ntok = 0;
	/* tokens: split on blanks, quotes, '=' and line ends, as values appear in a file */
	for (const char *p = s; p < end && ntok < MAX_TOKENS;) {
		while (p < end && is_sep(*p))
			p++;
		const char *t = p;
		while (p < end && !is_sep(*p))
			p++;
		if (p > t) {
			probe_token(r, t, (size_t)(p - t));
			ntok++;
		}
	}
	/* each line, and the whole input, as a command line and as text holding URLs */
	size_t lines = 0;
	for (const char *p = s; p < end && lines < MAX_MATCH_LINES; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (ll > MAX_MATCH_TEXT)
			ll = MAX_MATCH_TEXT;
		size_t hits = 0;
		mt_rules_each_match(r, MT_RK_CMDLINE, p, ll, count_match, &hits);
		mt_rules_each_match(r, MT_RK_URL, p, ll, count_match, &hits);
		mt_rules_each_match(r, MT_RK_PATH, p, ll, count_match, &hits);
		p = nl ? nl + 1 : end;
	}
	size_t hits = 0;
	size_t whole = size > MAX_MATCH_TEXT ? MAX_MATCH_TEXT : size;
	mt_rules_each_match(r, MT_RK_CMDLINE, s, whole, count_match, &hits);
	mt_rules_each_match(r, MT_RK_URL, s, whole, count_match, &hits);
	hits = 0;
	mt_rules_each_match(r, MT_RK_COUNT, s, whole, count_match, &hits);
	check(hits == 0, "an out-of-range kind matches nothing");
	mt_rules_each_match(r, MT_RK_CMDLINE, s, 0, count_match, &hits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mt_rules *r = NULL;
	unsigned diags = 0;
	if (mt_rules_new(&r) != MT_OK)
		return 0;

	mt_err e = mt_rules_load_buffer(r, "fuzz.rules", (const char *)data, size, on_diag,
	                                &diags);
	if (e == MT_OK) {
		check(diags == 0, "no diagnostic on success");
	} else {
		check(diags == 1, "exactly one diagnostic on failure");
		check(mt_rules_count(r) == 0, "a file with an error adds nothing");
	}
	size_t n1 = mt_rules_count(r);
	check_entries(r);
	probe_input(r, data, size);

	/* the same file again: duplicates, index growth, a second file name */
	diags = 0;
	mt_err e2 = mt_rules_load_buffer(r, NULL, (const char *)data, size, on_diag, &diags);
	check(e2 == e, "loading the same bytes twice gives the same result");
	check(mt_rules_count(r) == 2 * n1, "the second load adds as many entries");
	if (n1)
		check_entries(r);

	/* a third file into the same set: the second half of the input, from a line start
	 * (several --rules files accumulate; each adds all of itself or nothing) */
	const uint8_t *nl = size > 1 ? memchr(data + size / 2, '\n', size - size / 2) : NULL;
	if (nl) {
		size_t off = (size_t)(nl - data) + 1, before = mt_rules_count(r);
		e = mt_rules_load_buffer(r, "half.rules", (const char *)data + off, size - off, NULL,
		                         NULL);
		check(e == MT_OK || mt_rules_count(r) == before, "a failed load adds nothing");
		if (e == MT_OK && mt_rules_count(r) != before) {
			check_entries(r);
			probe_input(r, data + off, size - off);
		}
	}
	mt_rules_free(r);
	return 0;
}
