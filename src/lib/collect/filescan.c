/* filescan.c - content scanners for files: miner configuration text, Monero wallet
 * shape, miner strings in binaries (streamed), browser-miner script sources */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "filescan.h"

/* ---- Monero wallet shape ---- */

static int is_base58(unsigned char c)
{
	return (c >= '1' && c <= '9') || (c >= 'A' && c <= 'H') || (c >= 'J' && c <= 'N') ||
	       (c >= 'P' && c <= 'Z') || (c >= 'a' && c <= 'k') || (c >= 'm' && c <= 'z');
}

int mt_is_monero_wallet(const char *s, size_t n)
{
	if (!s || n != 95 || s[0] != '4')
		return 0;
	unsigned char c = (unsigned char)s[1];
	if (!((c >= '0' && c <= '9') || c == 'A' || c == 'B'))
		return 0;
	for (size_t i = 2; i < n; i++)
		if (!is_base58((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A wallet alone or followed by a worker or difficulty suffix: "4...95.rig1", "4...+5000". */
static int starts_with_wallet(const char *s, size_t n)
{
	if (n < 95 || !mt_is_monero_wallet(s, 95))
		return 0;
	return n == 95 || strchr(".+/:@-_ ", s[95]) != NULL;
}

/* ---- miner configuration ---- */

static size_t skip_blank(const char *t, size_t n, size_t i)
{
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n'))
		i++;
	return i;
}

/* Skips a comment starting at i ("//", "/\*" or "#"); returns i unchanged if none. */
static size_t skip_comment(const char *t, size_t n, size_t i)
{
	if (i < n && t[i] == '#') {
		const char *nl = memchr(t + i, '\n', n - i);
		return nl ? (size_t)(nl - t) + 1 : n;
	}
	if (i + 1 >= n || t[i] != '/')
		return i;
	if (t[i + 1] == '/') {
		const char *nl = memchr(t + i, '\n', n - i);
		return nl ? (size_t)(nl - t) + 1 : n;
	}
	if (t[i + 1] == '*') {
		for (size_t j = i + 2; j + 1 < n; j++)
			if (t[j] == '*' && t[j + 1] == '/')
				return j + 2;
		return n;
	}
	return i;
}

int mt_minercfg_looks_json(const char *t, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (;;) {
		i = skip_blank(t, n, i);
		size_t j = skip_comment(t, n, i);
		if (j == i)
			break;
		i = j;
	}
	return i < n && (t[i] == '{' || t[i] == '[' || t[i] == '"');
}

enum { K_NONE, K_URL, K_USER, K_POOLADDR, K_OTHER };

void mt_minercfg_scan(const char *t, size_t n, mt_minercfg *c)
{
	char s[1024];
	int key = K_NONE;
	size_t depth = 0;
	memset(c, 0, sizeof(*c));
	size_t i = 0;
	while (i < n) {
		size_t j = skip_comment(t, n, i);
		if (j != i) {
			i = j;
			continue;
		}
		if (t[i] != '"') {
			if (t[i] == '{' || t[i] == '}' || t[i] == ',' || t[i] == ']')
				key = K_NONE;
			if (t[i] == '{' || t[i] == '[')
				depth++;
			else if ((t[i] == '}' || t[i] == ']') && depth > 0 && --depth == 0)
				c->documents++;
			i++;
			continue;
		}
		/* a string: keep its first sizeof(s)-1 bytes, escapes reduced to one byte */
		size_t sl = 0, full = 0;
		i++;
		while (i < n && t[i] != '"') {
			char ch = t[i];
			if (ch == '\\' && i + 1 < n) {
				i++;
				ch = t[i] == 'u' ? '?' : t[i];
				if (t[i] == 'u')
					i += (n - i > 4) ? 4 : n - i - 1;
			}
			if (sl < sizeof(s) - 1)
				s[sl++] = ch;
			full++;
			i++;
		}
		s[sl] = '\0';
		if (i >= n)
			break; /* a string cut off: neither key nor value */
		i++;           /* closing quote */
		size_t k = skip_blank(t, n, i);
		if (k < n && t[k] == ':') {
			/* a key */
			c->keys++;
			i = skip_blank(t, n, k + 1);
			key = K_OTHER;
			if (strcmp(s, "pools") == 0) {
				if (i < n && t[i] == '[')
					c->pools = 1;
			} else if (strcmp(s, "url") == 0) {
				c->url = 1;
				key = K_URL;
			} else if (strcmp(s, "user") == 0) {
				c->user = 1;
				key = K_USER;
			} else if (strcmp(s, "donate-level") == 0) {
				c->donate = 1;
			} else if (strcmp(s, "pool_list") == 0) {
				c->pool_list = 1;
			} else if (strcmp(s, "pool_address") == 0 ||
			           strcmp(s, "wallet_address") == 0) {
				c->pool_address = 1;
				key = s[0] == 'p' ? K_POOLADDR : K_USER;
			}
			continue;
		}
		/* a value */
		if (full == sl && starts_with_wallet(s, sl)) {
			if (!c->wallet)
				snprintf(c->first_wallet, sizeof(c->first_wallet), "%.95s", s);
			c->wallet = 1;
		}
		if (strncmp(s, "stratum+", 8) == 0 || strncmp(s, "stratum1+", 9) == 0 ||
		    strncmp(s, "stratum2+", 9) == 0)
			c->stratum = 1;
		if ((key == K_URL || key == K_POOLADDR) && !c->first_url[0] && sl)
			snprintf(c->first_url, sizeof(c->first_url), "%.255s", s);
		key = K_NONE;
	}
}

static void add_code(char *codes, size_t len, size_t *used, const char *code)
{
	if (!codes || !len)
		return;
	int w = snprintf(codes + *used, len - *used, "%s%s", *used ? "," : "", code);
	if (w > 0 && (size_t)w < len - *used)
		*used += (size_t)w;
}

int mt_minercfg_verdict(const mt_minercfg *c, char *codes, size_t codeslen)
{
	size_t used = 0;
	int miner = 0;
	if (codes && codeslen)
		codes[0] = '\0';
	if (c->documents > 1)
		return 0; /* JSON Lines (a report, a log), not one configuration */
	if (c->pools && (c->url || c->user)) {
		add_code(codes, codeslen, &used, "pools");
		miner = 1;
	}
	if (c->pool_list && c->pool_address) {
		add_code(codes, codeslen, &used, "pool_list");
		miner = 1;
	}
	if (c->donate) {
		add_code(codes, codeslen, &used, "donate_level");
		miner = 1;
	}
	if (c->wallet) {
		add_code(codes, codeslen, &used, "wallet");
		miner = 1;
	}
	if (miner && c->stratum)
		add_code(codes, codeslen, &used, "stratum_url");
	return miner;
}

/* ---- miner strings ---- */

const char *const mt_miner_strings[MT_MINER_STRINGS] = {
	"stratum+tcp://", "cryptonight",      "randomx",          "xmrig",
	"donate-level",   "mining.subscribe", "mining.authorize",
};

/* minetrace's own binaries hold all the strings above in the rules compiled into them
 * (rules/miners.rules); the @source line of that file tells them apart. */
const char mt_strscan_self_marker[] = "@source minetrace maintainers";

void mt_strscan_init(mt_strscan *s)
{
	memset(s, 0, sizeof(*s));
}

static void search(mt_strscan *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < MT_MINER_STRINGS; i++)
		if (!(s->found & (1u << i)) &&
		    memmem(p, n, mt_miner_strings[i], strlen(mt_miner_strings[i])))
			s->found |= 1u << i;
	if (!s->self && memmem(p, n, mt_strscan_self_marker, sizeof(mt_strscan_self_marker) - 1))
		s->self = 1;
}

void mt_strscan_feed(mt_strscan *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	if (!n)
		return;
	/* the seam: the tail of the last chunk with the head of this one */
	if (s->tail_len) {
		unsigned char seam[128];
		size_t head = n < sizeof(s->tail) ? n : sizeof(s->tail);
		memcpy(seam, s->tail, s->tail_len);
		memcpy(seam + s->tail_len, p, head);
		search(s, seam, s->tail_len + head);
	}
	search(s, p, n);
	size_t keep = n < sizeof(s->tail) ? n : sizeof(s->tail);
	if (keep < sizeof(s->tail) && s->tail_len) {
		/* a short chunk: keep the end of the old tail in front of it */
		size_t old =
			s->tail_len + keep > sizeof(s->tail) ? sizeof(s->tail) - keep : s->tail_len;
		memmove(s->tail, s->tail + s->tail_len - old, old);
		memcpy(s->tail + old, p, keep);
		s->tail_len = old + keep;
	} else {
		memcpy(s->tail, p + n - keep, keep);
		s->tail_len = keep;
	}
}

unsigned mt_strscan_count(const mt_strscan *s)
{
	unsigned c = 0;
	for (size_t i = 0; i < MT_MINER_STRINGS; i++)
		c += (s->found >> i) & 1u;
	return c;
}

void mt_strscan_names(const mt_strscan *s, char *out, size_t outlen)
{
	size_t used = 0;
	if (outlen)
		out[0] = '\0';
	for (size_t i = 0; i < MT_MINER_STRINGS; i++)
		if (s->found & (1u << i))
			add_code(out, outlen, &used, mt_miner_strings[i]);
}

/* ---- browser miners ---- */

static const char *ci_find(const char *h, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++) {
		size_t j = 0;
		while (j < m && tolower((unsigned char)h[i + j]) == needle[j])
			j++;
		if (j == m)
			return h + i;
	}
	return NULL;
}

/* Is offset at inside an open "<script" tag (no '>' since its '<')? */
static int in_script_tag(const char *t, size_t at)
{
	size_t i = at;
	while (i > 0) {
		i--;
		if (t[i] == '>')
			return 0;
		if (t[i] == '<')
			return at - i > 7 && strncasecmp(t + i + 1, "script", 6) == 0 &&
			       !isalnum((unsigned char)t[i + 7]);
		if (at - i > 4096)
			return 0;
	}
	return 0;
}

/* The host of a URL at u (scheme://host..., //host...), or 0 when it has none. */
static size_t url_host(const char *u, size_t n, const char **host)
{
	size_t i = 0;
	while (i < n && i < 16 &&
	       (isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.'))
		i++;
	if (i < n && u[i] == ':')
		i++;
	else
		i = 0;
	if (i + 2 > n || u[i] != '/' || u[i + 1] != '/')
		return 0;
	i += 2;
	size_t start = i;
	while (i < n && !strchr("/:?#\"' \t\r\n>\\", u[i])) {
		if (u[i] == '@')
			start = i + 1;
		i++;
	}
	*host = u + start;
	return i - start;
}

void mt_webscan(const char *t, size_t n, int is_js, int (*fn)(void *, const mt_webhit *), void *ctx)
{
	static const char *const markers[] = {"coinhive.min.js", "CoinHive.Anonymous",
	                                      "CryptoLoot"};
	for (size_t m = 0; m < MT_ARRAY_LEN(markers); m++) {
		const char *p = memmem(t, n, markers[m], strlen(markers[m]));
		if (p) {
			mt_webhit h = {markers[m], NULL, 0, (size_t)(p - t)};
			if (fn(ctx, &h))
				return;
		}
	}
	size_t i = 0;
	while (i < n) {
		const char *p = ci_find(t + i, n - i, "src");
		if (!p)
			break;
		size_t at = (size_t)(p - t);
		i = at + 3;
		char prev = at ? t[at - 1] : ' ';
		int boundary = prev == ' ' || prev == '\t' || prev == '\n' || prev == '\r' ||
		               (is_js && (prev == '.' || prev == '"' || prev == '\''));
		if (!boundary)
			continue;
		size_t k = at + 3;
		if (is_js && k < n && (t[k] == '"' || t[k] == '\''))
			k++; /* {"src": ...} or ['src'] */
		while (k < n && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k >= n || (t[k] != '=' && t[k] != ':'))
			continue;
		k++;
		while (k < n && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k < n && (t[k] == '"' || t[k] == '\''))
			k++;
		if (!is_js && !in_script_tag(t, at))
			continue;
		const char *host;
		size_t hl = url_host(t + k, n - k, &host);
		if (!hl)
			continue;
		mt_webhit h = {"script_src", host, hl, at};
		if (fn(ctx, &h))
			return;
	}
}
