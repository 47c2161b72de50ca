/* util.c - capped buffers, string helpers and output escaping */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void mt_buf_init(mt_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
	b->err = MT_OK;
}

void mt_buf_free(mt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void mt_buf_reset(mt_buf *b)
{
	b->len = 0;
	b->err = MT_OK;
	if (b->data)
		b->data[0] = '\0';
}

static mt_err buf_fail(mt_buf *b, mt_err e)
{
	if (b->err == MT_OK)
		b->err = e;
	return e;
}

mt_err mt_buf_add(mt_buf *b, const void *p, size_t n)
{
	if (n > b->cap || b->len > b->cap - n)
		return buf_fail(b, MT_ERR_TOOBIG);
	if (b->len + n + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc : 64;
		while (want < b->len + n + 1)
			want *= 2;
		if (want > b->cap + 1)
			want = b->cap + 1;
		char *d = realloc(b->data, want);
		if (!d)
			return buf_fail(b, MT_ERR_NOMEM);
		b->data = d;
		b->alloc = want;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return MT_OK;
}

mt_err mt_buf_adds(mt_buf *b, const char *s)
{
	return mt_buf_add(b, s, strlen(s));
}

mt_err mt_buf_addc(mt_buf *b, char c)
{
	return mt_buf_add(b, &c, 1);
}

mt_err mt_buf_printf(mt_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return MT_ERR_INVAL;
	if ((size_t)n < sizeof(small))
		return mt_buf_add(b, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big)
		return MT_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	mt_err e = mt_buf_add(b, big, (size_t)n);
	free(big);
	return e;
}

char *mt_buf_take(mt_buf *b, size_t *len)
{
	char *d = b->data;
	if (!d) {
		d = calloc(1, 1);
		if (len)
			*len = 0;
	} else if (len) {
		*len = b->len;
	}
	b->data = NULL;
	b->len = b->alloc = 0;
	b->err = MT_OK;
	return d;
}

char *mt_strdup(const char *s)
{
	return s ? mt_strndup(s, strlen(s)) : NULL;
}

char *mt_strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int mt_strcaseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* Iterative glob with single-star backtracking: O(n*m) worst case, no recursion. */
int mt_glob_match(const char *pat, const char *s, size_t n)
{
	const char *p = pat, *star = NULL;
	size_t i = 0, mark = 0;
	while (i < n) {
		if (*p == '*') {
			star = p++;
			mark = i;
		} else if (*p && (*p == '?' ||
		                  tolower((unsigned char)*p) == tolower((unsigned char)s[i]))) {
			p++;
			i++;
		} else if (star) {
			p = star + 1;
			i = ++mark;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

int mt_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		/* d > max first: max - d would wrap around for a small max */
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

void mt_hex(const uint8_t *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

char *mt_copy(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);
	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
	return dst;
}

const char *mt_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

mt_err mt_utf16le_to_utf8(const uint8_t *p, size_t nbytes, int stop_nul, mt_buf *out)
{
	size_t n = nbytes / 2;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
		if (c == 0 && stop_nul)
			break;
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
			uint32_t d = (uint32_t)p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
			if (d >= 0xdc00 && d <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i++;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;
		}
		char u[4];
		size_t l;
		if (c < 0x80) {
			u[0] = (char)c;
			l = 1;
		} else if (c < 0x800) {
			u[0] = (char)(0xc0 | c >> 6);
			u[1] = (char)(0x80 | (c & 0x3f));
			l = 2;
		} else if (c < 0x10000) {
			u[0] = (char)(0xe0 | c >> 12);
			u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[2] = (char)(0x80 | (c & 0x3f));
			l = 3;
		} else {
			u[0] = (char)(0xf0 | c >> 18);
			u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[3] = (char)(0x80 | (c & 0x3f));
			l = 4;
		}
		mt_err e = mt_buf_add(out, u, l);
		if (e != MT_OK)
			return e;
	}
	if (!out->data)
		return mt_buf_add(out, "", 0);
	return MT_OK;
}

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

long mt_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=')
			break;
		int v = b64_val(c);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)o;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0 when invalid.
 * Rejects overlongs, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls U+0080..U+009F can move a terminal's cursor too */
	if (len == 2 && cp < 0xa0)
		return 0;
	return len;
}

mt_err mt_escape_term(mt_buf *b, const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	mt_err e = MT_OK;
	while (i < n && e == MT_OK) {
		if (i >= max) {
			e = mt_buf_adds(b, "...");
			break;
		}
		size_t l = utf8_len(u + i, n - i);
		if (l == 1 && u[i] >= 0x20 && u[i] < 0x7f) {
			e = u[i] == '\\' ? mt_buf_adds(b, "\\\\") : mt_buf_addc(b, (char)u[i]);
			i++;
		} else if (l > 1) {
			e = mt_buf_add(b, u + i, l);
			i += l;
		} else {
			e = mt_buf_printf(b, "\\x%02x", u[i]);
			i++;
		}
	}
	return e;
}

mt_err mt_escape_html(mt_buf *b, const char *s, size_t n, size_t max)
{
	mt_buf t;
	mt_buf_init(&t, max * 4 + 16);
	if (mt_escape_term(&t, s, n, max) != MT_OK && t.len == 0) {
		mt_buf_free(&t);
		return b->err;
	}
	for (size_t i = 0; i < t.len; i++) {
		switch (t.data[i]) {
		case '&':
			mt_buf_adds(b, "&amp;");
			break;
		case '<':
			mt_buf_adds(b, "&lt;");
			break;
		case '>':
			mt_buf_adds(b, "&gt;");
			break;
		case '"':
			mt_buf_adds(b, "&quot;");
			break;
		case '\'':
			mt_buf_adds(b, "&#39;");
			break;
		default:
			mt_buf_addc(b, t.data[i]);
			break;
		}
	}
	mt_buf_free(&t);
	return b->err;
}

mt_err mt_escape_json(mt_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	mt_err e = MT_OK;
	while (i < n && e == MT_OK) {
		unsigned c = u[i];
		size_t l = utf8_len(u + i, n - i);
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			e = mt_buf_add(b, esc, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n':
				e = mt_buf_adds(b, "\\n");
				break;
			case '\t':
				e = mt_buf_adds(b, "\\t");
				break;
			case '\r':
				e = mt_buf_adds(b, "\\r");
				break;
			default:
				e = mt_buf_printf(b, "\\u%04x", c);
				break;
			}
			i++;
		} else if (l >= 1) {
			e = mt_buf_add(b, u + i, l);
			i += l;
		} else if (c >= 0x80 && c < 0xa0) {
			e = mt_buf_printf(b, "\\\\x%02x", c);
			i++;
		} else {
			/* invalid UTF-8 (or a C1 control encoded as UTF-8) */
			if (c == 0xc2 && n - i >= 2 && u[i + 1] >= 0x80 && u[i + 1] < 0xa0) {
				e = mt_buf_printf(b, "\\u%04x", u[i + 1]);
				i += 2;
			} else {
				e = mt_buf_printf(b, "\\\\x%02x", c);
				i++;
			}
		}
	}
	return e;
}

mt_err mt_errno_to_err(int e)
{
	switch (e) {
	case ENOENT:
		return MT_ERR_NOENT;
	case ENOMEM:
		return MT_ERR_NOMEM;
	case EACCES:
	case EPERM:
		return MT_ERR_PERM;
	case ELOOP:
		return MT_ERR_LOOP;
	case EXDEV:
		return MT_ERR_ESCAPE;
	case ENOTDIR:
		return MT_ERR_NOTDIR;
	case EFBIG:
	case ENAMETOOLONG:
		return MT_ERR_TOOBIG; /* as the portable walk says it */
	case ENOSYS:
		return MT_ERR_UNSUPPORTED;
	default:
		return MT_ERR_IO;
	}
}

const char *mt_strerror(mt_err err)
{
	switch (err) {
	case MT_OK:
		return "success";
	case MT_ERR_NOMEM:
		return "out of memory";
	case MT_ERR_INVAL:
		return "invalid argument";
	case MT_ERR_IO:
		return "input/output error";
	case MT_ERR_NOENT:
		return "no such file or directory";
	case MT_ERR_ESCAPE:
		return "path leaves the scan root";
	case MT_ERR_NOTREG:
		return "not a regular file";
	case MT_ERR_TOOBIG:
		return "input larger than its limit";
	case MT_ERR_PARSE:
		return "malformed input";
	case MT_ERR_LIMIT:
		return "too many items";
	case MT_ERR_UNSUPPORTED:
		return "not supported here";
	case MT_ERR_PERM:
		return "permission denied";
	case MT_ERR_LOOP:
		return "too many symbolic links";
	case MT_ERR_CHANGED:
		return "file changed while being opened";
	case MT_ERR_NOTDIR:
		return "not a directory";
	}
	return "unknown error";
}

static const char *const sev_names[MT_SEV_COUNT] = {"info", "low", "medium", "high", "critical"};

const char *mt_severity_name(mt_severity sev)
{
	return (unsigned)sev < MT_SEV_COUNT ? sev_names[sev] : "unknown";
}

mt_err mt_severity_parse(const char *name, mt_severity *out)
{
	for (unsigned i = 0; name && i < MT_SEV_COUNT; i++)
		if (strcmp(name, sev_names[i]) == 0) {
			*out = (mt_severity)i;
			return MT_OK;
		}
	return MT_ERR_INVAL;
}

mt_lang mt_lang_from_locale(const char *lc_all, const char *lc_messages, const char *lang)
{
	const char *v = NULL;
	if (lc_all && *lc_all)
		v = lc_all;
	else if (lc_messages && *lc_messages)
		v = lc_messages;
	else if (lang && *lang)
		v = lang;
	if (v && (v[0] == 'z' || v[0] == 'Z') && (v[1] == 'h' || v[1] == 'H') &&
	    (v[2] == '\0' || v[2] == '_' || v[2] == '-' || v[2] == '.'))
		return MT_LANG_ZH;
	return MT_LANG_EN;
}
