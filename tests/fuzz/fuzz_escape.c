/* fuzz_escape.c - libFuzzer target: mt_escape_term and mt_escape_json never let a
 * control byte or invalid UTF-8 through, and the terminal form decodes back */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_escape: invariant failed: %s\n", what);
		abort();
	}
}

/* Strict UTF-8 decoder written apart from the library's: the code point at s (n > 0
 * bytes), its length in *len; -1 when invalid (overlong, surrogate, > U+10FFFF). */
static long utf8_cp(const unsigned char *s, size_t n, size_t *len)
{
	unsigned c = s[0];
	long cp;
	size_t l;
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		l = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		l = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		l = 4;
		cp = c & 0x07;
	} else {
		return -1;
	}
	if (n < l)
		return -1;
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	static const long min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[l] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = l;
	return cp;
}

/* Safe to show: valid UTF-8 with no C0, DEL or C1 control. */
static void check_clean(const char *what, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t l;
		long cp = utf8_cp(s + i, n - i, &l);
		if (cp < 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			fprintf(stderr, "fuzz_escape: %s output has byte 0x%02x at %zu (cp %ld)\n",
			        what, s[i], i, cp);
			abort();
		}
		i += l;
	}
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undoes mt_escape_term ("\\\\" and "\\xNN"); returns the decoded length. */
static size_t term_decode(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t j = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] != '\\') {
			out[j++] = s[i++];
			continue;
		}
		check(i + 1 < n, "terminal escape is complete");
		if (s[i + 1] == '\\') {
			out[j++] = '\\';
			i += 2;
			continue;
		}
		check(s[i + 1] == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0,
		      "terminal escape is \\\\ or \\xNN");
		out[j++] = (unsigned char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
		i += 4;
	}
	return j;
}

static void put_utf8(unsigned char *out, size_t *j, unsigned cp)
{
	if (cp < 0x80) {
		out[(*j)++] = (unsigned char)cp;
	} else {
		out[(*j)++] = (unsigned char)(0xc0 | (cp >> 6));
		out[(*j)++] = (unsigned char)(0x80 | (cp & 0x3f));
	}
}

/* Checks the grammar of a JSON string body and decodes it; returns the length. */
static size_t json_decode(const unsigned char *s, size_t n, unsigned char *out)
{
	size_t j = 0;
	for (size_t i = 0; i < n;) {
		check(s[i] != '"', "no bare quote in a JSON string");
		if (s[i] != '\\') {
			out[j++] = s[i++];
			continue;
		}
		check(i + 1 < n, "JSON escape is complete");
		unsigned char e = s[i + 1];
		i += 2;
		switch (e) {
		case '"': out[j++] = '"'; break;
		case '\\': out[j++] = '\\'; break;
		case '/': out[j++] = '/'; break;
		case 'b': out[j++] = '\b'; break;
		case 'f': out[j++] = '\f'; break;
		case 'n': out[j++] = '\n'; break;
		case 'r': out[j++] = '\r'; break;
		case 't': out[j++] = '\t'; break;
		case 'u': {
			check(i + 4 <= n, "\\u has four digits");
			unsigned cp = 0;
			for (int k = 0; k < 4; k++) {
				int h = hexval(s[i + (size_t)k]);
				check(h >= 0, "\\u has four hex digits");
				cp = cp * 16 + (unsigned)h;
			}
			i += 4;
			/* only controls are written as \u: C0, DEL and C1 */
			check(cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0),
			      "\\u only for control characters");
			put_utf8(out, &j, cp);
			break;
		}
		default: check(0, "JSON escape is one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
		}
	}
	return j;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t l;
		if (utf8_cp(s + i, n - i, &l) < 0)
			return 0;
		i += l;
	}
	return 1;
}

static void fuzz_term(const unsigned char *in, size_t n, size_t max, size_t cap)
{
	mt_buf b;
	mt_buf_init(&b, cap);
	mt_err e = mt_escape_term(&b, (const char *)in, n, max);
	check(e == MT_OK || e == MT_ERR_TOOBIG, "term escape result");
	check(b.len <= cap, "term output within cap");
	check(!b.data || b.data[b.len] == '\0', "term output terminated");
	const unsigned char *o = (const unsigned char *)(b.data ? b.data : "");
	check(memchr(o, '\0', b.len) == NULL, "no NUL in term output");
	for (size_t i = 0; i < b.len; i++)
		check(o[i] >= 0x20 && o[i] != 0x7f, "no C0 or DEL byte in term output");
	check_clean("term", o, b.len);

	if (e == MT_OK) {
		unsigned char *dec = malloc(b.len + 1);
		check(dec != NULL, "memory");
		size_t dl = term_decode(o, b.len, dec);
		if (!(dl == n && memcmp(dec, in, n) == 0)) {
			/* cut: "..." after at least max shown input bytes */
			check(n > max, "only a long string is cut");
			check(b.len >= 3 && memcmp(o + b.len - 3, "...", 3) == 0, "a cut ends in ...");
			dl = term_decode(o, b.len - 3, dec);
			check(dl >= max && dl < max + 4 && dl < n, "cut after max shown bytes");
			check(memcmp(dec, in, dl) == 0, "the shown part decodes to the input");
			check(b.len - 3 <= 4 * dl, "at most four bytes per input byte");
		} else {
			check(b.len <= 4 * n, "at most four bytes per input byte");
		}
		free(dec);
	}
	mt_buf_free(&b);
}

static void fuzz_json(const unsigned char *in, size_t n, size_t cap)
{
	mt_buf b;
	mt_buf_init(&b, cap);
	mt_err e = mt_escape_json(&b, (const char *)in, n);
	check(e == MT_OK || e == MT_ERR_TOOBIG, "json escape result");
	check(b.len <= cap, "json output within cap");
	check(!b.data || b.data[b.len] == '\0', "json output terminated");
	const unsigned char *o = (const unsigned char *)(b.data ? b.data : "");
	for (size_t i = 0; i < b.len; i++)
		check(o[i] >= 0x20 && o[i] != 0x7f, "no raw control byte in JSON output");
	check_clean("json", o, b.len);

	unsigned char *dec = malloc(b.len + 1);
	check(dec != NULL, "memory");
	size_t dl = json_decode(o, b.len, dec);
	/* valid UTF-8 comes back byte for byte; invalid bytes become the text \xNN */
	if (e == MT_OK && valid_utf8(in, n))
		check(dl == n && memcmp(dec, in, n) == 0, "valid UTF-8 round-trips through JSON");
	if (e == MT_OK && !valid_utf8(in, n))
		check(memmem(dec, dl, "\\x", 2) != NULL, "invalid UTF-8 is marked \\xNN");
	free(dec);
	mt_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* whole input, shown in full and cut at the CLI's limit and at a small one */
	fuzz_term(data, size, size, SIZE_MAX / 2);
	fuzz_term(data, size, MT_MAX_SHOWN_STRING, SIZE_MAX / 2);
	if (size > 0)
		fuzz_term(data + 1, size - 1, data[0] % 64, SIZE_MAX / 2);
	fuzz_json(data, size, SIZE_MAX / 2);
	/* a tight cap: output stops cleanly at an escape boundary */
	if (size > 1) {
		fuzz_term(data + 2, size - 2, size, data[1] % 32 + (size_t)data[0] % 7);
		fuzz_json(data + 2, size - 2, data[1] % 32 + (size_t)data[0] % 7);
	}
	return 0;
}
