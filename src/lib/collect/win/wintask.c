/* wintask.c - Task Scheduler XML (System32\Tasks\**) into mt_task: the bytes are decoded
 * to UTF-8 once, then a small bounded XML reader walks them keeping only a stack of
 * element names; the fields a check judges are picked by their path below <Task> */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "wintask.h"

/* ---- decoding to UTF-8 ------------------------------------------------------- */

static void put_utf8(mt_buf *b, uint32_t c)
{
	char u[4];
	size_t n;
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	mt_buf_add(b, u, n);
}

/* UTF-16 (be: big-endian) to UTF-8; unpaired surrogates become U+FFFD. *cut is set when
 * the input ends inside a code unit or a surrogate pair. */
static void utf16_to_utf8(const uint8_t *p, size_t n, int be, mt_buf *out, int *cut)
{
	size_t i = 0;
	while (i + 1 < n) {
		uint32_t u = be ? (uint32_t)p[i] << 8 | p[i + 1] : (uint32_t)p[i + 1] << 8 | p[i];
		i += 2;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 1 >= n) {
				*cut = 1;
				return;
			}
			uint32_t l = be ? (uint32_t)p[i] << 8 | p[i + 1]
			                : (uint32_t)p[i + 1] << 8 | p[i];
			if (l >= 0xdc00 && l <= 0xdfff) {
				i += 2;
				u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
			} else {
				u = 0xfffd;
			}
		}
		put_utf8(out, u);
		if (out->err != MT_OK)
			return;
	}
	if (i < n)
		*cut = 1;
}

/* ---- element names ----------------------------------------------------------- */

enum {
	T_OTHER = 0,
	T_TASK,
	T_REGINFO,
	T_URI,
	T_AUTHOR,
	T_DATE,
	T_DESC,
	T_PRINCIPALS,
	T_PRINCIPAL,
	T_USERID,
	T_RUNLEVEL,
	T_LOGONTYPE,
	T_SETTINGS,
	T_HIDDEN,
	T_ENABLED,
	T_ACTIONS,
	T_EXEC,
	T_COMMAND,
	T_ARGUMENTS,
	T_WORKDIR,
	T_COMHANDLER,
	T_CLASSID,
	T_DATA,
	T_SENDEMAIL,
	T_SHOWMESSAGE,
	T_TRIGGERS,
	T_STARTB,
	T_REPETITION,
	T_INTERVAL,
	T_TRIG_BOOT,
	T_TRIG_LOGON,
	T_TRIG_TIME,
	T_TRIG_CALENDAR,
	T_TRIG_IDLE,
	T_TRIG_EVENT,
	T_TRIG_REG,
	T_TRIG_SESSION,
};

static const struct {
	const char *name;
	int tag;
} tags[] = {
	{"Task", T_TASK},
	{"RegistrationInfo", T_REGINFO},
	{"URI", T_URI},
	{"Author", T_AUTHOR},
	{"Date", T_DATE},
	{"Description", T_DESC},
	{"Principals", T_PRINCIPALS},
	{"Principal", T_PRINCIPAL},
	{"UserId", T_USERID},
	{"RunLevel", T_RUNLEVEL},
	{"LogonType", T_LOGONTYPE},
	{"Settings", T_SETTINGS},
	{"Hidden", T_HIDDEN},
	{"Enabled", T_ENABLED},
	{"Actions", T_ACTIONS},
	{"Exec", T_EXEC},
	{"Command", T_COMMAND},
	{"Arguments", T_ARGUMENTS},
	{"WorkingDirectory", T_WORKDIR},
	{"ComHandler", T_COMHANDLER},
	{"ClassId", T_CLASSID},
	{"Data", T_DATA},
	{"SendEmail", T_SENDEMAIL},
	{"ShowMessage", T_SHOWMESSAGE},
	{"Triggers", T_TRIGGERS},
	{"StartBoundary", T_STARTB},
	{"Repetition", T_REPETITION},
	{"Interval", T_INTERVAL},
	{"BootTrigger", T_TRIG_BOOT},
	{"LogonTrigger", T_TRIG_LOGON},
	{"TimeTrigger", T_TRIG_TIME},
	{"CalendarTrigger", T_TRIG_CALENDAR},
	{"IdleTrigger", T_TRIG_IDLE},
	{"EventTrigger", T_TRIG_EVENT},
	{"RegistrationTrigger", T_TRIG_REG},
	{"SessionStateChangeTrigger", T_TRIG_SESSION},
};

static int tag_of(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n); /* namespaces: by local name */
	while (colon) {
		n -= (size_t)(colon + 1 - s);
		s = colon + 1;
		colon = memchr(s, ':', n);
	}
	for (size_t i = 0; i < MT_ARRAY_LEN(tags); i++)
		if (strlen(tags[i].name) == n && memcmp(tags[i].name, s, n) == 0)
			return tags[i].tag;
	return T_OTHER;
}

static int trigger_kind(int tag)
{
	switch (tag) {
	case T_TRIG_BOOT:
		return MT_TRIG_BOOT;
	case T_TRIG_LOGON:
		return MT_TRIG_LOGON;
	case T_TRIG_TIME:
		return MT_TRIG_TIME;
	case T_TRIG_CALENDAR:
		return MT_TRIG_CALENDAR;
	case T_TRIG_IDLE:
		return MT_TRIG_IDLE;
	case T_TRIG_EVENT:
		return MT_TRIG_EVENT;
	case T_TRIG_REG:
		return MT_TRIG_REG;
	case T_TRIG_SESSION:
		return MT_TRIG_SESSION;
	default:
		return MT_TRIG_OTHER;
	}
}

/* ---- values ------------------------------------------------------------------ */

static int xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* xs:boolean: 1 true, 0 false, -1 neither */
static int parse_bool(const char *s)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		return 0;
	return -1;
}

/* An ISO 8601 duration (PnYnMnWnDTnHnMnS; a year is 365 days, a month 30, fractions
 * of a second dropped) in seconds, at most UINT_MAX; 0 when it is not one. */
static unsigned parse_duration(const char *s)
{
	uint64_t total = 0;
	int in_time = 0, any = 0;
	if (*s++ != 'P')
		return 0;
	while (*s) {
		if (*s == 'T' && !in_time) {
			in_time = 1;
			s++;
			continue;
		}
		if (*s < '0' || *s > '9')
			return 0;
		uint64_t v = 0;
		while (*s >= '0' && *s <= '9') {
			if (v <= UINT_MAX)
				v = v * 10 + (uint64_t)(*s - '0');
			s++;
		}
		if (*s == '.' && in_time) { /* fraction of seconds */
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
			if (*s != 'S')
				return 0;
		}
		uint64_t unit;
		switch (*s) {
		case 'Y':
			unit = in_time ? 0 : 365 * 86400;
			break;
		case 'M':
			unit = in_time ? 60 : 30 * 86400;
			break;
		case 'W':
			unit = in_time ? 0 : 7 * 86400;
			break;
		case 'D':
			unit = in_time ? 0 : 86400;
			break;
		case 'H':
			unit = in_time ? 3600 : 0;
			break;
		case 'S':
			unit = in_time ? 1 : 0;
			break;
		default:
			unit = 0;
		}
		if (!unit)
			return 0;
		if (v > UINT_MAX)
			v = (uint64_t)UINT_MAX + 1;
		total += v * unit; /* v <= 2^32, unit < 2^25, total <= 2^32: no overflow */
		if (total > UINT_MAX)
			total = UINT_MAX;
		any = 1;
		s++;
	}
	return any ? (unsigned)total : 0;
}

/* ---- the reader -------------------------------------------------------------- */

typedef struct xp {
	const char *s; /* the document in UTF-8 */
	size_t n, i;
	mt_task *t;
	mt_buf text; /* character data of the element open now */
	struct {
		const char *name;
		size_t len;
		int tag;
	} st[MT_TASK_MAX_DEPTH];
	size_t depth;
	int root_seen, root_done;
	int principal; /* Principal elements seen */
	mt_task_action *act;
	mt_task_trigger *trig;
	mt_err err;
} xp;

static int name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
	       c >= 0x80;
}

static int name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Appends s[0..n) with entity and character references decoded; unknown or malformed
 * references are kept as written. */
static void add_text(mt_buf *b, const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
	size_t i = 0;
	while (i < n && b->err == MT_OK) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t run = amp ? (size_t)(amp - (s + i)) : n - i;
		mt_buf_add(b, s + i, run);
		i += run;
		if (!amp)
			break;
		const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
		int done = 0;
		if (semi) {
			const char *r = s + i + 1;
			size_t rl = (size_t)(semi - r);
			if (rl >= 2 && r[0] == '#') {
				uint32_t c = 0;
				int hex = r[1] == 'x', ok = rl > (size_t)(1 + hex);
				for (size_t k = 1 + (size_t)hex; k < rl && ok; k++) {
					char d = r[k];
					int v = d >= '0' && d <= '9'          ? d - '0'
					        : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
					        : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10
					                                      : -1;
					if (v < 0)
						ok = 0;
					else if (c <= 0x10ffff)
						c = c * (hex ? 16 : 10) + (uint32_t)v;
				}
				if (ok) {
					put_utf8(b, c == 0 ? 0xfffd : c);
					done = 1;
				}
			} else {
				for (size_t k = 0; k < MT_ARRAY_LEN(ents); k++)
					if (strlen(ents[k].name) == rl &&
					    memcmp(ents[k].name, r, rl) == 0) {
						mt_buf_addc(b, ents[k].c);
						done = 1;
					}
			}
		}
		if (done) {
			i = (size_t)(semi - s) + 1;
		} else {
			mt_buf_addc(b, '&');
			i++;
		}
	}
}

/* The trimmed text collected for the element being closed, a copy; NULL on no memory. */
static char *take_text(xp *x)
{
	const char *s = x->text.data ? x->text.data : "";
	size_t n = x->text.len;
	while (n && xml_space(*s)) {
		s++;
		n--;
	}
	while (n && xml_space(s[n - 1]))
		n--;
	char *r = mt_strndup(s, n);
	if (!r)
		x->err = MT_ERR_NOMEM;
	return r;
}

/* Sets *field from the element's text unless it was set before. */
static void set_once(xp *x, char **field)
{
	if (!*field)
		*field = take_text(x);
}

/* A start tag (after it was pushed at x->depth - 1). */
static void on_start(xp *x)
{
	size_t d = x->depth;
	int tag = x->st[d - 1].tag;
	mt_task *t = x->t;
	if (d == 3 && x->st[1].tag == T_ACTIONS) {
		int kind = tag == T_EXEC          ? MT_TASK_EXEC
		           : tag == T_COMHANDLER  ? MT_TASK_COM
		           : tag == T_SENDEMAIL   ? MT_TASK_EMAIL
		           : tag == T_SHOWMESSAGE ? MT_TASK_MSG
		                                  : 0;
		x->act = NULL;
		if (!kind)
			return;
		if (t->nactions >= MT_TASK_MAX_ACTIONS) {
			t->dropped++;
			return;
		}
		x->act = &t->actions[t->nactions++];
		x->act->kind = kind;
	} else if (d == 3 && x->st[1].tag == T_TRIGGERS) {
		x->trig = NULL;
		if (t->ntriggers >= MT_TASK_MAX_TRIGGERS) {
			t->dropped++;
			return;
		}
		x->trig = &t->triggers[t->ntriggers++];
		x->trig->kind = trigger_kind(tag);
		x->trig->enabled = 1;
	} else if (d == 3 && x->st[1].tag == T_PRINCIPALS && tag == T_PRINCIPAL) {
		x->principal++;
	}
}

/* An end tag, before its element is popped. */
static void on_end(xp *x)
{
	size_t d = x->depth;
	int tag = x->st[d - 1].tag, t1 = d > 1 ? x->st[1].tag : T_OTHER;
	mt_task *t = x->t;
	char *v;
	int b;
	if (d == 3 && t1 == T_REGINFO) {
		if (tag == T_URI)
			set_once(x, &t->uri);
		else if (tag == T_AUTHOR)
			set_once(x, &t->author);
		else if (tag == T_DATE)
			set_once(x, &t->date);
		else if (tag == T_DESC)
			set_once(x, &t->description);
	} else if (d == 4 && t1 == T_PRINCIPALS && x->st[2].tag == T_PRINCIPAL &&
	           x->principal == 1) {
		if (tag == T_USERID)
			set_once(x, &t->user_id);
		else if (tag == T_RUNLEVEL)
			set_once(x, &t->run_level);
		else if (tag == T_LOGONTYPE)
			set_once(x, &t->logon_type);
	} else if (d == 3 && t1 == T_SETTINGS && (tag == T_HIDDEN || tag == T_ENABLED)) {
		if (!(v = take_text(x)))
			return;
		b = parse_bool(v);
		if (tag == T_HIDDEN)
			t->hidden = b == 1;
		else
			t->enabled = b != 0;
		free(v);
	} else if (d == 4 && t1 == T_ACTIONS && x->act) {
		mt_task_action *a = x->act;
		if (a->kind == MT_TASK_EXEC && tag == T_COMMAND)
			set_once(x, &a->command);
		else if (a->kind == MT_TASK_EXEC && tag == T_ARGUMENTS)
			set_once(x, &a->arguments);
		else if (a->kind == MT_TASK_EXEC && tag == T_WORKDIR)
			set_once(x, &a->workdir);
		else if (a->kind == MT_TASK_COM && tag == T_CLASSID)
			set_once(x, &a->clsid);
		else if (a->kind == MT_TASK_COM && tag == T_DATA)
			set_once(x, &a->com_data);
	} else if (d == 4 && t1 == T_TRIGGERS && x->trig) {
		if (tag == T_STARTB) {
			set_once(x, &x->trig->start);
		} else if (tag == T_USERID) {
			set_once(x, &x->trig->user);
		} else if (tag == T_ENABLED) {
			if (!(v = take_text(x)))
				return;
			x->trig->enabled = parse_bool(v) != 0;
			free(v);
		}
	} else if (d == 5 && t1 == T_TRIGGERS && x->trig && x->st[3].tag == T_REPETITION &&
	           tag == T_INTERVAL) {
		if (!(v = take_text(x)))
			return;
		x->trig->interval = parse_duration(v);
		free(v);
	}
}

/* Finds the end marker m after x->i; returns its offset or n when absent. */
static size_t find(const xp *x, size_t from, const char *m)
{
	size_t ml = strlen(m);
	if (from > x->n)
		return x->n;
	const char *p = memmem(x->s + from, x->n - from, m, ml);
	return p ? (size_t)(p - x->s) : x->n;
}

#define R_OK_    0
#define R_EOF    1 /* the document ended inside a construct */
#define R_PARSE  2
#define R_LIMIT  3
#define R_NOMEM  4
#define R_ROOTED 5 /* the root element was closed */

static int skip_space(xp *x)
{
	while (x->i < x->n && xml_space(x->s[x->i]))
		x->i++;
	return x->i < x->n ? R_OK_ : R_EOF;
}

/* After "<!": a comment, CDATA section or a DOCTYPE (skipped with its internal subset). */
static int markup_decl(xp *x)
{
	const char *p = x->s + x->i;
	size_t left = x->n - x->i, e;
	if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
		e = find(x, x->i + 4, "-->");
		if (e >= x->n)
			return R_EOF;
		x->i = e + 3;
		return R_OK_;
	}
	if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
		if (x->depth == 0)
			return R_PARSE;
		e = find(x, x->i + 9, "]]>");
		if (e >= x->n)
			return R_EOF;
		mt_buf_add(&x->text, x->s + x->i + 9, e - (x->i + 9));
		x->i = e + 3;
		return R_OK_;
	}
	if (left >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0 && x->depth == 0 && !x->root_seen) {
		int br = 0;
		char q = 0;
		for (size_t k = x->i + 9; k < x->n; k++) {
			char c = x->s[k];
			if (q) {
				if (c == q)
					q = 0;
			} else if (c == '<' && x->n - k >= 4 && memcmp(x->s + k, "<!--", 4) == 0) {
				size_t e2 = find(x, k + 4, "-->");
				if (e2 >= x->n)
					return R_EOF;
				k = e2 + 2;
			} else if (c == '"' || c == '\'') {
				q = c;
			} else if (c == '[') {
				br++;
			} else if (c == ']') {
				br--;
			} else if (c == '>' && br <= 0) {
				x->i = k + 1;
				return R_OK_;
			}
		}
		return R_EOF;
	}
	return left < 9 ? R_EOF : R_PARSE;
}

static int end_tag(xp *x)
{
	size_t k = x->i + 2, start = k;
	while (k < x->n && name_char((unsigned char)x->s[k]))
		k++;
	if (k >= x->n)
		return R_EOF;
	size_t len = k - start;
	x->i = k;
	if (skip_space(x))
		return R_EOF;
	if (x->s[x->i] != '>' || x->depth == 0)
		return R_PARSE;
	if (x->st[x->depth - 1].len != len || memcmp(x->st[x->depth - 1].name, x->s + start, len))
		return R_PARSE;
	x->i++;
	on_end(x);
	mt_buf_reset(&x->text);
	if (--x->depth == 0) {
		x->root_done = 1;
		return R_ROOTED;
	}
	return R_OK_;
}

static int start_tag(xp *x)
{
	size_t k = x->i + 1, start = k;
	if (k >= x->n)
		return R_EOF;
	if (!name_start((unsigned char)x->s[k]))
		return R_PARSE;
	while (k < x->n && name_char((unsigned char)x->s[k]))
		k++;
	if (k >= x->n)
		return R_EOF;
	size_t len = k - start;
	x->i = k;
	unsigned nattr = 0;
	int empty = 0;
	for (;;) {
		size_t before = x->i;
		if (skip_space(x))
			return R_EOF;
		char c = x->s[x->i];
		if (c == '>') {
			x->i++;
			break;
		}
		if (c == '/') {
			if (x->i + 1 >= x->n)
				return R_EOF;
			if (x->s[x->i + 1] != '>')
				return R_PARSE;
			x->i += 2;
			empty = 1;
			break;
		}
		if (x->i == before || !name_start((unsigned char)c))
			return R_PARSE; /* attributes are separated by white space */
		while (x->i < x->n && name_char((unsigned char)x->s[x->i]))
			x->i++;
		if (skip_space(x))
			return R_EOF;
		if (x->s[x->i] != '=')
			return R_PARSE;
		x->i++;
		if (skip_space(x))
			return R_EOF;
		char q = x->s[x->i];
		if (q != '"' && q != '\'')
			return R_PARSE;
		const char *e = memchr(x->s + x->i + 1, q, x->n - x->i - 1);
		if (!e)
			return R_EOF;
		if (memchr(x->s + x->i + 1, '<', (size_t)(e - (x->s + x->i + 1))))
			return R_PARSE;
		x->i = (size_t)(e - x->s) + 1;
		if (++nattr > MT_TASK_MAX_ATTRS)
			return R_LIMIT;
	}
	if (x->depth == 0 && x->root_seen)
		return R_PARSE; /* a second root */
	if (x->depth >= MT_TASK_MAX_DEPTH)
		return R_LIMIT;
	int tag = tag_of(x->s + start, len);
	if (x->depth == 0 && tag != T_TASK)
		return R_PARSE;
	x->root_seen = 1;
	x->st[x->depth].name = x->s + start;
	x->st[x->depth].len = len;
	x->st[x->depth].tag = tag;
	x->depth++;
	mt_buf_reset(&x->text);
	on_start(x);
	if (empty) {
		on_end(x);
		if (--x->depth == 0) {
			x->root_done = 1;
			return R_ROOTED;
		}
	}
	return R_OK_;
}

static int step(xp *x)
{
	const char *p = x->s + x->i;
	size_t left = x->n - x->i;
	if (*p != '<') {
		const char *lt = memchr(p, '<', left);
		size_t run = lt ? (size_t)(lt - p) : left;
		if (x->depth == 0) {
			for (size_t k = 0; k < run; k++)
				if (!xml_space(p[k]))
					return R_PARSE;
		} else {
			add_text(&x->text, p, run);
		}
		x->i += run;
		return R_OK_;
	}
	if (left < 2)
		return R_EOF;
	if (p[1] == '?') {
		size_t e = find(x, x->i + 2, "?>");
		if (e >= x->n)
			return R_EOF;
		x->i = e + 2;
		return R_OK_;
	}
	if (p[1] == '!')
		return markup_decl(x);
	if (p[1] == '/')
		return end_tag(x);
	return start_tag(x);
}

mt_err mt_task_parse(const uint8_t *data, size_t len, mt_task *out, int *truncated)
{
	mt_buf doc;
	int cut = 0, r = R_OK_;
	mt_err err = MT_OK;
	xp x;
	memset(out, 0, sizeof(*out));
	out->enabled = 1;
	if (truncated)
		*truncated = 0;
	if (!data && len)
		return MT_ERR_INVAL;
	if (len > MT_MAX_TASK_FILE)
		return MT_ERR_TOOBIG;
	mt_buf_init(&doc, 2 * (size_t)MT_MAX_TASK_FILE + 16);
	memset(&x, 0, sizeof(x));
	mt_buf_init(&x.text, 2 * (size_t)MT_MAX_TASK_FILE + 16);
	if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
		mt_buf_add(&doc, data + 3, len - 3);
	else if (len >= 2 && data[0] == 0xff && data[1] == 0xfe)
		utf16_to_utf8(data + 2, len - 2, 0, &doc, &cut);
	else if (len >= 2 && data[0] == 0xfe && data[1] == 0xff)
		utf16_to_utf8(data + 2, len - 2, 1, &doc, &cut);
	else if (len >= 2 && data[1] == 0)
		utf16_to_utf8(data, len, 0, &doc, &cut);
	else if (len >= 2 && data[0] == 0)
		utf16_to_utf8(data, len, 1, &doc, &cut);
	else
		mt_buf_add(&doc, data, len);
	if (doc.err != MT_OK) {
		err = doc.err;
		goto out;
	}
	x.s = doc.data ? doc.data : "";
	x.n = doc.len;
	const char *nul = memchr(x.s, '\0', x.n);
	if (nul) {
		x.n = (size_t)(nul - x.s);
		cut = 1;
	}
	x.t = out;
	while (x.i < x.n && r == R_OK_ && x.err == MT_OK && x.text.err == MT_OK)
		r = step(&x);
	if (r == R_ROOTED) /* what follows the root is not read: misc or junk */
		r = R_OK_;
	if ((r == R_OK_ || r == R_EOF) && !x.root_done) /* cut short: keep the open values */
		while (x.depth && x.err == MT_OK) {
			on_end(&x);
			mt_buf_reset(&x.text);
			x.depth--;
		}
	if (x.err != MT_OK || x.text.err == MT_ERR_NOMEM) {
		err = MT_ERR_NOMEM;
	} else if (r == R_PARSE) {
		err = MT_ERR_PARSE;
	} else if (r == R_LIMIT) {
		err = MT_ERR_LIMIT;
	} else if (!x.root_seen) {
		err = MT_ERR_PARSE;
	} else if (!x.root_done || cut) {
		if (truncated)
			*truncated = 1;
	}
out:
	mt_buf_free(&x.text);
	mt_buf_free(&doc);
	return err;
}

void mt_task_free(mt_task *t)
{
	if (!t)
		return;
	free(t->uri);
	free(t->author);
	free(t->date);
	free(t->description);
	free(t->user_id);
	free(t->run_level);
	free(t->logon_type);
	for (size_t i = 0; i < t->nactions && i < MT_TASK_MAX_ACTIONS; i++) {
		free(t->actions[i].command);
		free(t->actions[i].arguments);
		free(t->actions[i].workdir);
		free(t->actions[i].clsid);
		free(t->actions[i].com_data);
	}
	for (size_t i = 0; i < t->ntriggers && i < MT_TASK_MAX_TRIGGERS; i++) {
		free(t->triggers[i].start);
		free(t->triggers[i].user);
	}
	memset(t, 0, sizeof(*t));
}

void mt_task_action_line(const mt_task_action *a, mt_buf *out)
{
	if (!a || a->kind != MT_TASK_EXEC || !a->command)
		return;
	mt_buf_adds(out, a->command);
	if (a->arguments && *a->arguments) {
		mt_buf_addc(out, ' ');
		mt_buf_adds(out, a->arguments);
	}
}
