/* json.c - a small bounded JSON parser for one line of a scan report (JSON Lines) */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct jp {
	const char *s;
	size_t n, i;
	size_t nodes;
	mt_err err;
} jp;

static void ws(jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r' ||
	                       p->s[p->i] == '\n'))
		p->i++;
}

static mt_json *node(jp *p, mt_json_type t)
{
	if (p->nodes >= MT_MAX_JSON_NODES) {
		p->err = MT_ERR_LIMIT;
		return NULL;
	}
	mt_json *j = calloc(1, sizeof(*j));
	if (!j) {
		p->err = MT_ERR_NOMEM;
		return NULL;
	}
	p->nodes++;
	j->type = t;
	return j;
}

void mt_json_free(mt_json *j)
{
	while (j) {
		mt_json *next = j->next;
		mt_json_free(j->child);
		free(j->key);
		free(j->str);
		free(j);
		j = next;
	}
}

static int hex4(jp *p, unsigned *out)
{
	unsigned v = 0;
	if (p->n - p->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		char c = p->s[p->i++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len;
	unsigned cp;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

static void put_utf8(mt_buf *b, unsigned cp, mt_err *e)
{
	char u[4];
	size_t k;
	if (cp < 0x80) {
		u[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (*e == MT_OK)
		*e = mt_buf_add(b, u, k);
}

/* Parses a string at p->i (on the opening quote); *out is NUL-terminated, no NUL inside. */
static mt_err str(jp *p, char **out, size_t *outlen)
{
	mt_buf b;
	mt_err e = MT_OK;
	*out = NULL;
	mt_buf_init(&b, MT_MAX_JSON_STRING);
	p->i++;
	for (;;) {
		if (p->i >= p->n) {
			e = MT_ERR_PARSE;
			break;
		}
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c < 0x20) {
			e = MT_ERR_PARSE;
			break;
		}
		if (c == '\\') {
			p->i++;
			if (p->i >= p->n) {
				e = MT_ERR_PARSE;
				break;
			}
			char x = p->s[p->i++];
			char o;
			switch (x) {
			case '"':
				o = '"';
				break;
			case '\\':
				o = '\\';
				break;
			case '/':
				o = '/';
				break;
			case 'b':
				o = '\b';
				break;
			case 'f':
				o = '\f';
				break;
			case 'n':
				o = '\n';
				break;
			case 'r':
				o = '\r';
				break;
			case 't':
				o = '\t';
				break;
			case 'u': {
				unsigned cp, lo;
				if (hex4(p, &cp) != 0) {
					e = MT_ERR_PARSE;
					goto out;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (p->n - p->i < 6 || p->s[p->i] != '\\' ||
					    p->s[p->i + 1] != 'u') {
						e = MT_ERR_PARSE;
						goto out;
					}
					p->i += 2;
					if (hex4(p, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff) {
						e = MT_ERR_PARSE;
						goto out;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					e = MT_ERR_PARSE;
					goto out;
				}
				if (cp == 0) { /* a NUL would cut a path short: refuse */
					e = MT_ERR_PARSE;
					goto out;
				}
				put_utf8(&b, cp, &e);
				if (e != MT_OK)
					goto out;
				continue;
			}
			default:
				e = MT_ERR_PARSE;
				goto out;
			}
			if ((e = mt_buf_addc(&b, o)) != MT_OK)
				goto out;
			continue;
		}
		size_t k = utf8_len((const unsigned char *)p->s + p->i, p->n - p->i);
		if (k == 0) {
			e = MT_ERR_PARSE;
			break;
		}
		if ((e = mt_buf_add(&b, p->s + p->i, k)) != MT_OK)
			break;
		p->i += k;
	}
out:
	if (e != MT_OK) {
		mt_buf_free(&b);
		return e;
	}
	size_t len = 0;
	*out = b.data ? mt_buf_take(&b, &len) : mt_strdup("");
	if (outlen)
		*outlen = len;
	return *out ? MT_OK : MT_ERR_NOMEM;
}

static mt_json *value(jp *p, unsigned depth);

static mt_json *number(jp *p)
{
	size_t start = p->i;
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	size_t digits = p->i;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	if (p->i == digits) {
		p->err = MT_ERR_PARSE;
		return NULL;
	}
	int integral = 1;
	if (p->i < p->n && p->s[p->i] == '.') {
		integral = 0;
		p->i++;
		size_t f = p->i;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (p->i == f) {
			p->err = MT_ERR_PARSE;
			return NULL;
		}
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		integral = 0;
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		size_t f = p->i;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
		if (p->i == f) {
			p->err = MT_ERR_PARSE;
			return NULL;
		}
	}
	if (p->i - start > 64) {
		p->err = MT_ERR_TOOBIG;
		return NULL;
	}
	mt_json *j = node(p, MT_JSON_NUM);
	if (!j)
		return NULL;
	j->str = mt_strndup(p->s + start, p->i - start);
	if (!j->str) {
		p->err = MT_ERR_NOMEM;
		free(j);
		return NULL;
	}
	j->len = p->i - start;
	if (integral) {
		uint64_t u;
		int neg = p->s[start] == '-';
		const char *d = p->s + start + neg;
		size_t dl = p->i - start - (size_t)neg;
		if (mt_parse_u64(d, dl, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &u) ==
		    0) {
			j->is_int = 1;
			j->num = neg ? (int64_t)(0 - u) : (int64_t)u;
		}
	}
	return j;
}

static int lit(jp *p, const char *w)
{
	size_t l = strlen(w);
	if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0)
		return 0;
	p->i += l;
	return 1;
}

static mt_json *container(jp *p, unsigned depth, int obj)
{
	mt_json *j = node(p, obj ? MT_JSON_OBJ : MT_JSON_ARR);
	if (!j)
		return NULL;
	mt_json **tail = &j->child;
	p->i++;
	ws(p);
	if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
		p->i++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		ws(p);
		if (obj) {
			if (p->i >= p->n || p->s[p->i] != '"') {
				p->err = MT_ERR_PARSE;
				goto fail;
			}
			if ((p->err = str(p, &key, NULL)) != MT_OK)
				goto fail;
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':') {
				free(key);
				p->err = MT_ERR_PARSE;
				goto fail;
			}
			p->i++;
		}
		mt_json *v = value(p, depth + 1);
		if (!v) {
			free(key);
			goto fail;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		j->count++;
		ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
			p->i++;
			return j;
		}
		p->err = MT_ERR_PARSE;
		goto fail;
	}
fail:
	mt_json_free(j);
	return NULL;
}

static mt_json *value(jp *p, unsigned depth)
{
	if (depth > MT_MAX_JSON_DEPTH) {
		p->err = MT_ERR_LIMIT;
		return NULL;
	}
	ws(p);
	if (p->i >= p->n) {
		p->err = MT_ERR_PARSE;
		return NULL;
	}
	char c = p->s[p->i];
	if (c == '{' || c == '[')
		return container(p, depth, c == '{');
	if (c == '"') {
		mt_json *j = node(p, MT_JSON_STR);
		if (!j)
			return NULL;
		if ((p->err = str(p, &j->str, &j->len)) != MT_OK) {
			free(j);
			return NULL;
		}
		return j;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(p);
	mt_json_type t;
	int b = 0;
	if (lit(p, "true")) {
		t = MT_JSON_BOOL;
		b = 1;
	} else if (lit(p, "false"))
		t = MT_JSON_BOOL;
	else if (lit(p, "null"))
		t = MT_JSON_NULL;
	else {
		p->err = MT_ERR_PARSE;
		return NULL;
	}
	mt_json *j = node(p, t);
	if (j)
		j->num = b;
	return j;
}

mt_err mt_json_parse(const char *s, size_t n, mt_json **out, size_t *erroff)
{
	*out = NULL;
	if (erroff)
		*erroff = 0;
	if (n > MT_MAX_JSON_LINE)
		return MT_ERR_TOOBIG;
	jp p = {s, n, 0, 0, MT_OK};
	mt_json *j = value(&p, 0);
	if (j) {
		ws(&p);
		if (p.i != p.n) {
			mt_json_free(j);
			j = NULL;
			p.err = MT_ERR_PARSE;
		}
	}
	if (!j) {
		if (erroff)
			*erroff = p.i;
		return p.err != MT_OK ? p.err : MT_ERR_PARSE;
	}
	*out = j;
	return MT_OK;
}

const mt_json *mt_json_get(const mt_json *obj, const char *key)
{
	if (!obj || obj->type != MT_JSON_OBJ)
		return NULL;
	const mt_json *found = NULL;
	for (const mt_json *c = obj->child; c; c = c->next)
		if (strcmp(c->key, key) == 0)
			found = c; /* the last one wins, as in most parsers */
	return found;
}

const char *mt_json_str(const mt_json *obj, const char *key)
{
	const mt_json *v = mt_json_get(obj, key);
	return v && v->type == MT_JSON_STR ? v->str : NULL;
}

int mt_json_int(const mt_json *obj, const char *key, int64_t *out)
{
	const mt_json *v = mt_json_get(obj, key);
	if (!v || v->type != MT_JSON_NUM || !v->is_int)
		return 0;
	*out = v->num;
	return 1;
}
