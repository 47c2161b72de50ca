/* judge.c - what some bytes are, by content alone: a miner's code (collect/win/pe.c's
 * identification, which survives renaming and patched strings), a known hash, a miner
 * configuration (JSON, INI, command-line style) with its pool and wallet, a script whose
 * lines or decoded payloads download and run or start a miner, YARA matches, archive
 * members; and whether the bytes are a defender's file (rules, IOC lists, documents)
 * that only mentions miners */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "../checks/checks.h"
#include "../collect/filescan.h"
#include "../collect/win/pe.h"
#include "content.h"

#define TEXT_SCAN_MAX (4u * 1024 * 1024) /* text judged line by line, at most (a step) */
#define LINES_MAX     20000u

/* ---- kinds ---- */

static int is_text(const unsigned char *p, size_t n)
{
	size_t k = n < 4096 ? n : 4096, bad = 0;
	if (k >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return 1; /* UTF-16 with a BOM */
	for (size_t i = 0; i < k; i++) {
		unsigned char c = p[i];
		if (c == 0)
			return 0;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
			bad++;
	}
	return bad * 50 < k + 1;
}

static int kind_of(const unsigned char *p, size_t n)
{
	if (n >= 4 && !memcmp(p,
	                      "\x7f"
	                      "ELF",
	                      4))
		return CT_K_ELF;
	if (n >= 64 && p[0] == 'M' && p[1] == 'Z')
		return CT_K_PE;
	if (ct_archive_magic(p, n))
		return CT_K_ARCHIVE;
	if (n >= 2 && p[0] == '#' && p[1] == '!')
		return CT_K_SCRIPT;
	return is_text(p, n) ? CT_K_TEXT : CT_K_DATA;
}

static const char *ext_of(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	const char *d = strrchr(b, '.');
	return d && d != b ? d + 1 : "";
}

static int ext_in(const char *ext, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(ext, *list))
			return 1;
	return 0;
}

/* Compressed or encrypted bytes: every byte value about equally often in the first 64 KiB.
 * No code is readable in them (a packed program is still an ELF or a PE and judged so). */
static int looks_random(const unsigned char *p, size_t n)
{
	size_t k = n < 65536 ? n : 65536;
	unsigned cnt[256] = {0};
	for (size_t i = 0; i < k; i++)
		cnt[p[i]]++;
	unsigned lo = (unsigned)(k / 256 / 2), hi = (unsigned)(k / 256 * 2);
	for (int c = 0; c < 256; c++)
		if (cnt[c] < lo || cnt[c] > hi)
			return 0;
	return 1;
}

/* ---- verdict helpers ---- */

static void add_reason(ct_verdict *v, const char *code)
{
	size_t l = strlen(v->reasons);
	if (strstr(v->reasons, code)) {
		size_t cl = strlen(code);
		for (const char *p = v->reasons; (p = strstr(p, code)) != NULL; p += cl)
			if ((p == v->reasons || p[-1] == ',') && (p[cl] == ',' || p[cl] == '\0'))
				return;
	}
	snprintf(v->reasons + l, sizeof(v->reasons) - l, "%s%s", l ? "," : "", code);
}

static void v_raise(ct_verdict *v, mt_severity sev, unsigned conf, const char *what)
{
	v->nothing = 0;
	if (sev > v->sev || (sev == v->sev && conf > v->conf)) {
		v->sev = sev;
		v->conf = conf;
		if (what)
			snprintf(v->what, sizeof(v->what), "%s", what);
	} else if (!v->what[0] && what) {
		snprintf(v->what, sizeof(v->what), "%s", what);
	}
}

static void set_line(ct_verdict *v, const char *text, size_t off, size_t n, unsigned lineno)
{
	if (v->line[0])
		return;
	size_t k = n < sizeof(v->line) - 1 ? n : sizeof(v->line) - 1;
	memcpy(v->line, text + off, k);
	v->line[k] = '\0';
	for (char *c = v->line; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	v->lineno = lineno;
}

/* ---- wallets ---- */

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int btc_base58check(const char *s, size_t n)
{
	if (n < 26 || n > 35 || (s[0] != '1' && s[0] != '3'))
		return 0;
	uint8_t out[25] = {0};
	for (size_t i = 0; i < n; i++) {
		const char *p = memchr(b58, s[i], 58);
		if (!p)
			return 0;
		unsigned carry = (unsigned)(p - b58);
		for (int k = 24; k >= 0; k--) {
			carry += 58u * out[k];
			out[k] = (uint8_t)carry;
			carry >>= 8;
		}
		if (carry)
			return 0;
	}
	/* canonical: one leading '1' for each leading zero byte, no more */
	size_t ones = 0, zeros = 0;
	while (ones < n && s[ones] == '1')
		ones++;
	while (zeros < sizeof(out) && out[zeros] == 0)
		zeros++;
	if (ones != zeros)
		return 0;
	if (out[0] != 0x00 && out[0] != 0x05)
		return 0;
	uint8_t h1[32], h2[32];
	mt_sha256 c;
	mt_sha256_init(&c);
	mt_sha256_update(&c, out, 21);
	mt_sha256_final(&c, h1);
	mt_sha256_init(&c);
	mt_sha256_update(&c, h1, 32);
	mt_sha256_final(&c, h2);
	return memcmp(h2, out + 21, 4) == 0;
}

static int bech32_ok(const char *s, size_t n)
{
	static const char cs[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	if (n < 14 || n > 74 || strncasecmp(s, "bc1", 3) != 0)
		return 0;
	uint32_t chk = 1;
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
#define POLY(v)                                       \
	do {                                          \
		uint32_t top = chk >> 25;             \
		chk = ((chk & 0x1ffffff) << 5) ^ (v); \
		for (int g = 0; g < 5; g++)           \
			if ((top >> g) & 1)           \
				chk ^= gen[g];        \
	} while (0)
	/* hrp "bc" expanded: high bits, 0, low bits */
	POLY(('b' >> 5));
	POLY(('c' >> 5));
	POLY(0);
	POLY(('b' & 31));
	POLY(('c' & 31));
	for (size_t i = 3; i < n; i++) {
		const char *p = memchr(cs, tolower((unsigned char)s[i]), 32);
		if (!p)
			return 0;
		POLY((uint32_t)(p - cs));
	}
#undef POLY
	/* BIP 173/350: one case; witness v0 takes bech32 and a program of 20 or 32 bytes,
	 * v1..v16 take bech32m and 2..40 bytes */
	int upper = 0, lower = 0;
	for (size_t i = 0; i < n; i++) {
		upper |= isupper((unsigned char)s[i]) != 0;
		lower |= islower((unsigned char)s[i]) != 0;
	}
	const char *vp = memchr(cs, tolower((unsigned char)s[3]), 32);
	size_t ver = (size_t)(vp - cs), bytes = (n - 10) * 5 / 8;
	if ((upper && lower) || ver > 16 || bytes < 2 || bytes > 40 ||
	    (ver == 0 && bytes != 20 && bytes != 32))
		return 0;
	return ver == 0 ? chk == 1 : chk == 0x2bc830a3;
}

const char *ct_wallet_kind(const char *s, size_t n)
{
	if (mt_is_monero_wallet(s, n))
		return "monero";
	if (n == 106 && s[0] == '4' && mt_is_monero_wallet(s, 95))
		return NULL;
	if (btc_base58check(s, n) || bech32_ok(s, n))
		return "bitcoin";
	if (n == 42 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (size_t i = 2; i < n; i++)
			if (!isxdigit((unsigned char)s[i]))
				return NULL;
		return "ethereum";
	}
	return NULL;
}

/* ---- defenders' files ---- */

static int line_is_indicator(const char *s, size_t n)
{
	/* one token: a domain, an address, address:port, a URL or a hash */
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	const char *hash = memchr(s, '#', n);
	if (hash && hash > s)
		n = (size_t)(hash - s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n < 4 || n > 300)
		return 0;
	unsigned dots = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '"' || c == '{' || c == '(' || c == '=')
			return 0;
		dots += c == '.' || c == ':';
	}
	return dots > 0 || n == 32 || n == 40 || n == 64;
}

int ct_defender_text(const char *path, const char *text, size_t len, char *what, size_t whatn)
{
	static const char *const clam_ext[] = {"ndb", "hdb", "hsb",  "ldb", "ldu", "cdb", "fp",
	                                       "sfp", "ign", "ign2", "cvd", "cld", "cud", "msb",
	                                       "mdb", "ndu", "pdb",  "wdb", "crb", NULL};
	static const char *const doc_ext[] = {"md",       "rst", "html", "htm", "adoc", "tex",
	                                      "markdown", "org", "1",    "8",   NULL};
	const char *ext = ext_of(path);
	size_t k = len < TEXT_SCAN_MAX ? len : TEXT_SCAN_MAX;
	const char *fill = NULL;
	if (memmem(text, k, mt_strscan_self_marker, strlen(mt_strscan_self_marker)))
		fill = "minetrace_rules";
	else if (memmem(text, k, "condition:", 10) &&
	         (!strncmp(text, "rule ", 5) || memmem(text, k, "\nrule ", 6) ||
	          memmem(text, k, "\nprivate rule ", 14) || memmem(text, k, "\nglobal rule ", 13)))
		fill = "yara_rules";
	else if ((memmem(text, k, "alert ", 6) || memmem(text, k, "drop ", 5)) &&
	         memmem(text, k, "msg:\"", 5) && memmem(text, k, "sid:", 4))
		fill = "ids_rules";
	else if (ext_in(ext, clam_ext))
		fill = "clamav_signatures";
	if (!fill) {
		/* an IOC list: most lines are one indicator each; a minetrace rules file:
		 * most lines are "KIND VALUE ..." or "@source ..." */
		unsigned lines = 0, ind = 0, mtr = 0;
		const char *s = text, *end = text + k;
		while (s < end && lines < 5000) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
			size_t i = 0;
			while (i < ll && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i < ll && s[i] != '#' && s[i] != ';' && s[i] != '\r') {
				lines++;
				ind += (unsigned)line_is_indicator(s + i, ll - i);
				if (ll - i > 8 && !strncmp(s + i, "@source ", 8))
					mtr++;
				for (int kk = 0; kk < MT_RK_COUNT; kk++) {
					const char *kn = mt_rule_kind_name((mt_rule_kind)kk);
					size_t kl = strlen(kn);
					if (ll - i > kl && !strncmp(s + i, kn, kl) &&
					    s[i + kl] == ' ') {
						mtr++;
						break;
					}
				}
			}
			s = nl ? nl + 1 : end;
		}
		if (lines >= 3 && mtr * 10 >= lines * 6)
			fill = "minetrace_rules";
		else if (lines >= 10 && ind * 10 >= lines * 8)
			fill = "ioc_list";
	}
	if (!fill && (ext_in(ext, doc_ext) || strstr(path, "/share/doc/") ||
	              strstr(path, "/share/man/") || strstr(path, "/share/info/")))
		fill = "documentation";
	if (fill && what && whatn)
		snprintf(what, whatn, "%s", fill);
	return fill != NULL;
}

/* ---- encoded payloads ---- */

/* case-insensitive search of needle (lower case) in s[0..n) */
static const char *strcasestr_n(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return NULL;
	unsigned char lo = (unsigned char)tolower((unsigned char)needle[0]);
	unsigned char up = (unsigned char)toupper((unsigned char)needle[0]);
	for (size_t i = 0; i + m <= n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c == lo || c == up) && !strncasecmp(s + i, needle, m))
			return s + i;
	}
	return NULL;
}

static int b64c(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

/* the longest base64 run in s[0..n) of at least 24 characters */
static int longest_b64(const char *s, size_t n, size_t *at, size_t *len)
{
	size_t best = 0, bi = 0;
	for (size_t i = 0; i < n;) {
		if (!b64c((unsigned char)s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && b64c((unsigned char)s[j]))
			j++;
		if (j - i > best) {
			best = j - i;
			bi = i;
		}
		i = j;
	}
	if (best < 24)
		return 0;
	*at = bi;
	*len = best;
	return 1;
}

static size_t inflate_into(const unsigned char *in, size_t n, unsigned char *out, size_t cap,
                           int wbits)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, wbits) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int r = inflate(&z, Z_FINISH);
	size_t got = cap - z.avail_out;
	inflateEnd(&z);
	return (r == Z_STREAM_END || r == Z_BUF_ERROR || r == Z_OK) ? got : 0;
}

/* hex digit pairs ("6375..." or "\x63\x75...") from s[i]: the characters they take */
static size_t hex_run(const char *s, size_t n, size_t i)
{
	size_t j = i;
	for (;;) {
		size_t k = j;
		if (k + 1 < n && s[k] == '\\' && (s[k + 1] == 'x' || s[k + 1] == 'X'))
			k += 2;
		if (k + 1 < n && isxdigit((unsigned char)s[k]) && isxdigit((unsigned char)s[k + 1]))
			j = k + 2;
		else
			return j - i;
	}
}

/* the longest word of s[0..n) that is all hex pairs, decoded: the hex digits of the
 * words around it ("echo", "printf", "cafe") are no part of the payload */
static size_t hex_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	size_t best = 0, bi = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && isalnum((unsigned char)s[i - 1]))
			continue;
		size_t r = hex_run(s, n, i);
		if (r > best && (i + r == n || !isalnum((unsigned char)s[i + r]))) {
			best = r;
			bi = i;
		}
	}
	size_t o = 0;
	for (size_t i = bi; i < bi + best && o < cap;) {
		if (s[i] == '\\')
			i += 2;
		char two[3] = {s[i], s[i + 1], 0};
		out[o++] = (unsigned char)strtoul(two, NULL, 16);
		i += 2;
	}
	return o;
}

static const struct {
	const char *needle;
	int after; /* the payload follows the needle (else it precedes it on the line) */
	int how;   /* 0 base64, 1 PowerShell base64 UTF-16LE, 2 hex */
	const char *name;
} wrappers[] = {
	{"base64 -d", 0, 0, "base64"},
	{"base64 --decode", 0, 0, "base64"},
	{"base64 -D", 0, 0, "base64"},
	{"base64 -di", 0, 0, "base64"},
	{"b64decode(", 1, 0, "base64"},
	{"frombase64string(", 1, 0, "base64"},
	{"-encodedcommand ", 1, 1, "powershell -e"},
	{" -enc ", 1, 1, "powershell -e"},
	{" -ec ", 1, 1, "powershell -e"},
	{" -e ", 1, 1, "powershell -e"},
	{"xxd -r -p", 0, 2, "hex"},
	{"xxd -p -r", 0, 2, "hex"},
	{"bytes.fromhex(", 1, 2, "hex"},
	{"openssl enc -base64 -d", 0, 0, "base64"},
	{"openssl base64 -d", 0, 0, "base64"},
};

/* the words one of the wrappers needs somewhere in the text (a quick first look) */
static int lower_is(const char *t, size_t n, size_t i, const char *w, size_t m)
{
	if (i + m > n)
		return 0;
	for (size_t k = 0; k < m; k++)
		if ((unsigned char)(t[i + k] | 0x20) != (unsigned char)w[k])
			return 0;
	return 1;
}

/* whether the text holds a word a wrapper needs: base64 and b64decode (found by their
 * "64"), powershell and pwsh (by their "w"), "xxd " and fromhex (by their "x"): memchr on
 * those rarer characters, then a look around */
static int may_wrap(const char *t, size_t n, int *ps)
{
	int any = 0;
	*ps = 0;
	for (const char *p = t; (p = memchr(p, '6', (size_t)(t + n - p))) != NULL; p++) {
		size_t i = (size_t)(p - t);
		if (i + 1 < n && p[1] == '4' &&
		    ((i >= 4 && lower_is(t, n, i - 4, "base", 4)) ||
		     (i >= 1 && (p[-1] | 0x20) == 'b'))) {
			any = 1;
			break;
		}
	}
	static const char wx[] = "wWxX";
	for (int c = 0; c < 4 && !*ps; c++) {
		for (const char *p = t; (p = memchr(p, wx[c], (size_t)(t + n - p))) != NULL; p++) {
			size_t i = (size_t)(p - t);
			if (c < 2) {
				if ((i >= 2 && lower_is(t, n, i - 2, "powershell", 10)) ||
				    (i >= 1 && lower_is(t, n, i - 1, "pwsh", 4))) {
					any = *ps = 1;
					break;
				}
			} else if (lower_is(t, n, i, "xxd ", 4) ||
			           (i >= 6 && lower_is(t, n, i - 6, "fromhex", 7))) {
				any = 1;
				break;
			}
		}
	}
	return any;
}

size_t ct_unwrap(const char *text, size_t len, unsigned char *out, size_t cap, const char **how,
                 size_t *line_off)
{
	size_t k = len < TEXT_SCAN_MAX ? len : TEXT_SCAN_MAX;
	int ps;
	if (!may_wrap(text, k, &ps))
		return 0;
	const char *s = text, *end = text + k;
	unsigned lines = 0;
	while (s < end && lines++ < LINES_MAX) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
		for (size_t w = 0; w < MT_ARRAY_LEN(wrappers); w++) {
			if (wrappers[w].how == 1 && !ps &&
			    strcmp(wrappers[w].needle, "-encodedcommand ") != 0)
				continue; /* " -e " is sed's and grep's too: PowerShell's only with it */
			const char *hit = strcasestr_n(s, ll, wrappers[w].needle);
			if (!hit)
				continue;
			size_t hoff = (size_t)(hit - s), nlen = strlen(wrappers[w].needle);
			const char *seg = wrappers[w].after ? hit + nlen : s;
			size_t segn = wrappers[w].after ? ll - hoff - nlen : hoff;
			size_t at, bl;
			size_t got = 0;
			if (wrappers[w].how == 2) {
				got = hex_decode(seg, segn, out, cap);
				if (got < 8)
					continue;
			} else {
				if (!longest_b64(seg, segn, &at, &bl))
					continue;
				long r = mt_base64_decode(seg + at, bl, out, cap);
				if (r <= 8)
					continue;
				got = (size_t)r;
				if (wrappers[w].how == 1) { /* UTF-16LE to bytes */
					size_t o = 0;
					for (size_t i = 0; i + 1 < got; i += 2)
						if (!out[i + 1])
							out[o++] = out[i];
					got = o;
				}
			}
			/* gzip or zlib inside */
			if (got > 2 && ((out[0] == 0x1f && out[1] == 0x8b) ||
			                (out[0] == 0x78 &&
			                 (out[1] == 0x9c || out[1] == 0xda || out[1] == 0x01)))) {
				unsigned char *tmp = malloc(got);
				if (tmp) {
					memcpy(tmp, out, got);
					int gz = out[0] == 0x1f;
					size_t z =
						inflate_into(tmp, got, out, cap, gz ? 16 + 15 : 15);
					free(tmp);
					if (z) {
						got = z;
						*how = gz ? "base64+gzip" : "base64+zlib";
						*line_off = (size_t)(s - text);
						return got;
					}
				}
			}
			*how = wrappers[w].name;
			*line_off = (size_t)(s - text);
			return got;
		}
		s = nl ? nl + 1 : end;
	}
	return 0;
}

/* ---- text: configurations and scripts ---- */

static unsigned char word_tab[256];
static pthread_once_t word_once = PTHREAD_ONCE_INIT;

static void word_init(void)
{
	for (int c = 0; c < 256; c++)
		word_tab[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		              (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_' ||
		              c == ':' || c == '/' || c == '+';
}

static inline int word_char(unsigned char c)
{
	return word_tab[c];
}

/* pool and wallet signals of one line of a configuration or command line */
typedef struct cfgscan {
	unsigned pool, wallet, keys;
	char pool_s[256], wallet_s[128];
	const char *wallet_kind;
	unsigned line_of_pool;
	size_t pool_off, pool_len;
} cfgscan;

static const char *const miner_keys[] = {
	"donate-level",  "donate_level", "rig-id",       "rig_id",         "cpu-priority",
	"max-cpu-usage", "randomx",      "algo",         "coin",           "threads",
	"huge-pages",    "worker",       "pool_address", "wallet_address", "nicehash",
	"keepalive",     "\"pass\"",     "--pass",       "pool_list",      NULL};

static void scan_tokens(const ct_judge *j, const char *s, size_t n, cfgscan *c)
{
	for (size_t i = 0; i < n;) {
		if (!word_char((unsigned char)s[i])) {
			i++;
			continue;
		}
		size_t b = i;
		while (i < n && word_char((unsigned char)s[i]))
			i++;
		size_t tl = i - b;
		const char *t = s + b;
		if (tl >= 12 &&
		    (!strncasecmp(t, "stratum+", 8) || !strncasecmp(t, "stratum2+", 9) ||
		     !strncasecmp(t, "stratum1+", 9))) {
			c->pool++;
			if (!c->pool_s[0])
				snprintf(c->pool_s, sizeof(c->pool_s), "%.*s", (int)tl, t);
			continue;
		}
		/* an address token, with a worker suffix cut */
		size_t wl = tl;
		for (size_t q = 0; q < tl; q++)
			if (t[q] == '.' || t[q] == '+' || t[q] == '/' || t[q] == ':') {
				wl = q;
				break;
			}
		if (wl >= 26 && wl <= 106) {
			const char *kind = ct_wallet_kind(t, wl);
			if (kind && strcmp(kind, "ethereum") != 0) {
				c->wallet++;
				c->wallet_kind = kind;
				if (!c->wallet_s[0])
					snprintf(c->wallet_s, sizeof(c->wallet_s), "%.*s", (int)wl,
					         t);
			} else if (kind && !c->wallet_s[0] && c->keys) {
				c->wallet++;
				c->wallet_kind = kind;
				snprintf(c->wallet_s, sizeof(c->wallet_s), "%.*s", (int)wl, t);
			}
		}
		/* a host of the pool rules: host or host:port */
		if (tl >= 4 && tl < 250 && memchr(t, '.', tl)) {
			char host[256];
			size_t hl = tl;
			const char *h = t;
			const char *sep = memmem(h, hl, "://", 3);
			if (sep) {
				hl -= (size_t)(sep + 3 - h);
				h = sep + 3;
			}
			for (size_t q = 0; q < hl; q++)
				if (h[q] == ':' || h[q] == '/') {
					hl = q;
					break;
				}
			snprintf(host, sizeof(host), "%.*s", (int)hl, h);
			for (char *p = host; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (hl && mt_rules_find(j->rules, MT_RK_POOL_DOMAIN, host)) {
				c->pool++;
				if (!c->pool_s[0])
					snprintf(c->pool_s, sizeof(c->pool_s), "%.*s", (int)tl, t);
			}
		}
	}
}

static void judge_config_text(const ct_judge *j, const char *text, size_t len, ct_verdict *v)
{
	pthread_once(&word_once, word_init);
	size_t k = len < TEXT_SCAN_MAX ? len : TEXT_SCAN_MAX;
	/* JSON configurations (XMRig, xmr-stak) first: the strict reader */
	if (mt_minercfg_looks_json(text, k)) {
		mt_minercfg cfg;
		memset(&cfg, 0, sizeof(cfg));
		mt_minercfg_scan(text, k, &cfg);
		char codes[128];
		if (mt_minercfg_verdict(&cfg, codes, sizeof(codes))) {
			v_raise(v, MT_SEV_HIGH, 85, "miner_config");
			add_reason(v, "miner_config");
			add_reason(v, codes);
			if (cfg.first_url[0] && !v->pool[0])
				snprintf(v->pool, sizeof(v->pool), "%s", cfg.first_url);
			if (cfg.first_wallet[0] && !v->wallet[0])
				snprintf(v->wallet, sizeof(v->wallet), "%s", cfg.first_wallet);
			return;
		}
	}
	/* INI, key=value, YAML and command-line style: pools, wallets and miner keys */
	cfgscan c;
	memset(&c, 0, sizeof(c));
	const char *s = text, *end = text + k;
	unsigned lines = 0;
	while (s < end && lines++ < LINES_MAX) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
		unsigned before = c.pool + c.wallet;
		scan_tokens(j, s, ll, &c);
		if (c.pool + c.wallet > before && !c.pool_len) {
			c.pool_off = (size_t)(s - text);
			c.pool_len = ll;
			c.line_of_pool = lines;
		}
		s = nl ? nl + 1 : end;
	}
	if (!c.pool && !c.wallet)
		return;
	for (size_t i = 0; miner_keys[i]; i++)
		if (memmem(text, k, miner_keys[i], strlen(miner_keys[i])))
			c.keys++;
	if (c.pool && (c.wallet || c.keys >= 2)) {
		v_raise(v, MT_SEV_HIGH, c.wallet ? 85 : 70, "miner_config");
		add_reason(v, "miner_config");
		add_reason(v, c.wallet ? "pool_and_wallet" : "pool_and_miner_keys");
	} else if (c.wallet && c.keys >= 2) {
		v_raise(v, MT_SEV_HIGH, 70, "miner_config");
		add_reason(v, "miner_config");
		add_reason(v, "wallet_and_miner_keys");
	} else if (c.wallet && c.wallet_kind && !strcmp(c.wallet_kind, "monero")) {
		v_raise(v, MT_SEV_MEDIUM, 50, "wallet");
		add_reason(v, "monero_wallet");
	} else {
		return;
	}
	if (c.pool_s[0] && !v->pool[0])
		snprintf(v->pool, sizeof(v->pool), "%s", c.pool_s);
	if (c.wallet_s[0] && !v->wallet[0])
		snprintf(v->wallet, sizeof(v->wallet), "%s", c.wallet_s);
	if (c.pool_len)
		set_line(v, text, c.pool_off, c.pool_len, c.line_of_pool);
}

static int is_windows_script(const char *path)
{
	static const char *const w[] = {"ps1", "psm1", "bat", "cmd", "vbs", "vbe",
	                                "js",  "jse",  "wsf", "hta", NULL};
	return ext_in(ext_of(path), w);
}

static int is_script_path(const char *path)
{
	static const char *const e[] = {"sh", "bash", "zsh", "ksh", "py", "pl", "rb", "php", NULL};
	return ext_in(ext_of(path), e) || is_windows_script(path);
}

/* the command judge's reasons that mark an attack in any script; the others (a download,
 * a program run from /tmp or a dot-directory, a stealthy PowerShell flag) weigh only in a
 * persistence entry */
static int strong_code(const char *code)
{
	static const char *const strong[] = {
		"download_exec", "base64_exec", "dev_tcp",   "miner_file", "miner_cmdline",
		"miner_args",    "ioc_host",    "ioc_ip",    "ioc_url",    "ioc_path",
		"ioc_hash",      "encoded_ps",  "drop_exec", "paste_host", NULL};
	for (size_t i = 0; strong[i]; i++)
		if (!strcmp(code, strong[i]))
			return 1;
	return 0;
}

static void judge_script_lines(const ct_judge *j, const char *path, const char *text, size_t len,
                               ct_verdict *v)
{
	size_t k = len < TEXT_SCAN_MAX ? len : TEXT_SCAN_MAX;
	int win = is_windows_script(path);
	const char *s = text, *end = text + k;
	unsigned lines = 0;
	while (s < end && lines++ < LINES_MAX) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
		size_t i = 0;
		while (i < ll && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < ll && s[i] != '#' && ll - i >= 6) {
			mt_cmd_verdict cv;
			memset(&cv, 0, sizeof(cv));
			if (win)
				mt_judge_wincmd(j->rules, s + i, ll - i, &cv);
			else
				mt_judge_command(j->rules, s + i, ll - i, &cv);
			/* a command inside a string literal: Python's os.system, C's and Perl's system,
			 * subprocess.call("...", shell=True), exec("...") */
			for (size_t q = i; !cv.nreasons && !win && q < ll; q++) {
				if (s[q] != '\'' && s[q] != '"')
					continue;
				const char *close = memchr(s + q + 1, s[q], ll - q - 1);
				if (!close)
					break;
				size_t litn = (size_t)(close - (s + q + 1));
				if (litn >= 8)
					mt_judge_command(j->rules, s + q + 1, litn, &cv);
				q = (size_t)(close - s);
			}
			/* only what says "attack" on its own: a script of a package or of an
			 * admin writes to /tmp, uses dot-files and wget as a matter of course */
			mt_severity strong = MT_SEV_INFO;
			for (unsigned r = 0; r < cv.nreasons; r++)
				if (strong_code(cv.reasons[r].code) &&
				    cv.reasons[r].severity > strong)
					strong = cv.reasons[r].severity;
			if (strong >= MT_SEV_MEDIUM) {
				mt_severity before = v->sev;
				v_raise(v, strong, 80, "script");
				for (unsigned r = 0; r < cv.nreasons; r++)
					if (strong_code(cv.reasons[r].code))
						add_reason(v, cv.reasons[r].code);
				if (cv.severity > before || !v->line[0]) {
					v->line[0] = '\0';
					set_line(v, s, i, ll - i, lines);
				}
			}
		}
		s = nl ? nl + 1 : end;
	}
}

/* ---- archives ---- */

typedef struct arc_ctx {
	ct_judge *j;
	const char *path;
	unsigned depth;
	ct_verdict *v;
	char member[200];
} arc_ctx;

static int on_member(void *p, const char *name, const unsigned char *data, size_t len,
                     int truncated)
{
	(void)truncated;
	arc_ctx *a = p;
	char mpath[MT_MAX_PATH];
	snprintf(mpath, sizeof(mpath), "%s!%s", a->path, name);
	ct_verdict *sub = malloc(sizeof(*sub));
	if (!sub)
		return 1;
	ct_judge_bytes(a->j, mpath, data, len, a->depth + 1, sub);
	if (!sub->nothing && !sub->self && sub->sev > MT_SEV_INFO &&
	    (sub->sev > a->v->sev || a->v->nothing)) {
		ct_ymatches keep = a->v->y;
		*a->v = *sub;
		if (!a->v->y.n)
			a->v->y = keep;
		snprintf(a->member, sizeof(a->member), "%s", name);
	}
	free(sub);
	return 0;
}

/* The members of an archive (data, or the file fd of size bytes when fd >= 0) judged
 * into v: the worst member names the finding, a bomb raises it to medium at least. */
static void walk_members(ct_judge *j, const char *path, unsigned depth, const unsigned char *data,
                         size_t len, int fd, uint64_t size, ct_verdict *v)
{
	unsigned char *buf = malloc(CT_MEMBER_MAX);
	if (!buf)
		return;
	arc_ctx a = {j, path, depth, v, ""};
	ct_arc_result res;
	mt_err e = ct_archive_walk(data, len, fd, size, buf, on_member, &a, &res);
	free(buf);
	if (e != MT_OK)
		return;
	if (a.member[0]) {
		char r[240];
		snprintf(r, sizeof(r), "in_archive:%s", a.member);
		for (char *c = r; *c; c++)
			if (*c == ',')
				*c = ';';
		add_reason(v, r);
		if (!v->decoded[0])
			snprintf(v->decoded, sizeof(v->decoded), "archive member");
	}
	if (res.bomb) {
		v_raise(v, v->sev > MT_SEV_MEDIUM ? v->sev : MT_SEV_MEDIUM, 60,
		        v->what[0] ? v->what : "archive_bomb");
		add_reason(v, "archive_bomb");
	}
}

static void judge_archive(ct_judge *j, const char *path, const unsigned char *data, size_t len,
                          unsigned depth, ct_verdict *v)
{
	if (depth >= CT_DEPTH_MAX) {
		add_reason(v, "archive_depth_limit");
		return;
	}
	walk_members(j, path, depth, data, len, -1, len, v);
}

void ct_judge_archive_fd(ct_judge *j, const char *path, int fd, uint64_t size, ct_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->nothing = 1;
	v->sev = MT_SEV_INFO;
	v->kind = CT_K_ARCHIVE;
	walk_members(j, path, 0, NULL, 0, fd, size, v);
}

/* ---- the whole judgement ---- */

void ct_judge_bytes(ct_judge *j, const char *path, const unsigned char *data, size_t len,
                    unsigned depth, ct_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->nothing = 1;
	v->sev = MT_SEV_INFO;
	if (!len)
		return;
	v->kind = kind_of(data, len);
	int program = v->kind == CT_K_ELF || v->kind == CT_K_PE;

	/* a known hash: programs and scripts (hashing everything would halve the speed) */
	if (j->want_hash && (program || v->kind == CT_K_SCRIPT)) {
		char hex[65];
		ct_sha256_hex(data, len, hex);
		if (depth == 0)
			memcpy(v->sha256, hex, sizeof(hex));
		const mt_rule *r = mt_rules_find(j->rules, MT_RK_SHA256, hex);
		if (r) {
			v->rule = r;
			v_raise(v, r->has_sev ? r->sev : MT_SEV_CRITICAL, 99, "known_hash");
			add_reason(v, "known_hash");
		}
	}
	/* the code of a miner or its driver: whatever its name says */
	if (program || (v->kind == CT_K_DATA && len >= 64 * 1024 && !looks_random(data, len))) {
		mt_miner_id id;
		mt_miner_identify(data, len, &id);
		if (id.what == MT_ID_XMRIG || id.what == MT_ID_MINER) {
			v_raise(v, MT_SEV_CRITICAL, id.confidence ? id.confidence : 90, "miner");
			snprintf(v->what, sizeof(v->what),
			         "miner"); /* over known_hash: says more */
			snprintf(v->family, sizeof(v->family), "%s", id.family);
			add_reason(v, "miner_code");
			add_reason(v, id.reasons);
		} else if (id.what == MT_ID_WINRING0) {
			v_raise(v, MT_SEV_HIGH, id.confidence ? id.confidence : 80, "miner_driver");
			snprintf(v->family, sizeof(v->family), "%s", id.family);
			add_reason(v, "msr_driver");
			add_reason(v, id.reasons);
		} else if (memmem(data, len, mt_strscan_self_marker,
		                  strlen(mt_strscan_self_marker)) &&
		           !v->rule) {
			v->self = 1;
			return;
		}
	}
	if (v->kind == CT_K_TEXT || v->kind == CT_K_SCRIPT) {
		const char *text = (const char *)data;
		if (memmem(text, len < TEXT_SCAN_MAX ? len : TEXT_SCAN_MAX, mt_strscan_self_marker,
		           strlen(mt_strscan_self_marker))) {
			char what[48];
			if (ct_defender_text(path, text, len, what, sizeof(what)) &&
			    !strcmp(what, "minetrace_rules")) {
				v->self = 1; /* minetrace's own rules */
				return;
			}
		}
		if (!j->code_only)
			judge_config_text(j, text, len, v);
		if (!j->code_only && (v->kind == CT_K_SCRIPT || is_script_path(path)))
			judge_script_lines(j, path, text, len, v);
		/* an encoded payload: decoded and judged as what it is */
		if (depth < CT_DEPTH_MAX && !j->code_only) {
			unsigned char *dec = malloc(CT_DECODED_MAX);
			const char *how = NULL;
			size_t off = 0;
			size_t dn = dec ? ct_unwrap(text, len, dec, CT_DECODED_MAX, &how, &off) : 0;
			if (dn) {
				ct_verdict *sub = malloc(sizeof(*sub));
				char dpath[MT_MAX_PATH];
				snprintf(dpath, sizeof(dpath), "%s#decoded.%s", path,
				         !strcmp(how, "powershell -e") || is_windows_script(path)
				                 ? "ps1"
				                 : "sh");
				if (sub) {
					ct_judge_bytes(j, dpath, dec, dn, depth + 1, sub);
					if (!sub->nothing && sub->sev >= MT_SEV_MEDIUM) {
						mt_severity s = sub->sev > MT_SEV_HIGH
						                        ? sub->sev
						                        : MT_SEV_HIGH;
						v_raise(v, s, sub->conf, sub->what);
						add_reason(v, "encoded_payload");
						add_reason(v, sub->reasons);
						snprintf(v->decoded, sizeof(v->decoded), "%s", how);
						if (sub->pool[0] && !v->pool[0])
							memcpy(v->pool, sub->pool, sizeof(v->pool));
						if (sub->wallet[0] && !v->wallet[0])
							memcpy(v->wallet, sub->wallet,
							       sizeof(v->wallet));
						if (!v->family[0])
							memcpy(v->family, sub->family,
							       sizeof(v->family));
						const char *nl =
							memchr(text + off, '\n', len - off);
						v->line[0] = '\0';
						set_line(v, text, off,
						         nl ? (size_t)(nl - text) - off : len - off,
						         0);
					}
					free(sub);
				}
			}
			free(dec);
		}
	}
	if (v->kind == CT_K_ARCHIVE)
		judge_archive(j, path, data, len, depth, v);

	/* YARA: the shipped rules and the responder's */
	if (j->ys && (program || !j->yara_programs_only)) {
		ct_ymatches ym;
		memset(&ym, 0, sizeof(ym));
		ct_yscan_run(j->ys, data, len, path, &ym);
		if (ym.n) {
			mt_severity s = program ? MT_SEV_HIGH : MT_SEV_MEDIUM;
			for (unsigned i = 0; i < ym.n; i++)
				if (ym.m[i].sev >= 0 && (mt_severity)ym.m[i].sev > s)
					s = (mt_severity)ym.m[i].sev;
			v_raise(v, s, 75, "yara");
			add_reason(v, "yara");
			if (!v->family[0])
				for (unsigned i = 0; i < ym.n; i++)
					if (ym.m[i].family[0]) {
						snprintf(v->family, sizeof(v->family), "%s",
						         ym.m[i].family);
						break;
					}
			if (!v->y.n)
				v->y = ym;
		}
	}
	/* whether a text that says something is a defender's: asked only then */
	if ((v->kind == CT_K_TEXT || v->kind == CT_K_SCRIPT) && !v->nothing) {
		char what[48];
		if (ct_defender_text(path, (const char *)data, len, what, sizeof(what))) {
			v->defender = 1;
			snprintf(v->defender_what, sizeof(v->defender_what), "%s", what);
		}
	}
	/* a defender's file mentions miners: that is its job */
	if (v->defender && !v->nothing && v->sev > MT_SEV_INFO && !v->rule &&
	    strcmp(v->what, "miner") != 0) {
		v->sev = MT_SEV_INFO;
		if (v->conf > 30)
			v->conf = 30;
		add_reason(v, "defender_file");
	}
}
