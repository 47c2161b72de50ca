/* wmi.c - WMI permanent subscriptions carved from a CIM repository objects file
 * (OBJECTS.DATA) by their class names, without the page map (deleted pages included)
 *
 * What the carver relies on, in the real format (libyal dtformats "WMI repository file
 * format"; fox-it dissect.cim; mandiant flare-wmi python-cim; davidpany
 * PyWMIPersistenceFinder.py):
 *   1. An instance's data heap starts with its class name as a CIM string (a flag byte,
 *      0 for 8-bit text or 1 for UTF-16LE, then the terminated name) and is preceded by
 *      the heap size as a u32 with its top bit set. Each hit of "\0ClassName\0" (or its
 *      UTF-16 form) behind such a size is a candidate; the size bounds the heap.
 *   2. When the record header is found shortly before (the class name hash in UTF-16LE
 *      hex: SHA-256 on Vista and later, MD5 on XP, either case; two FILETIMEs; the record
 *      size), the record size bounds the heap further and the property values table
 *      between header and heap tells which heap offsets are property strings, so bytes
 *      of binary values (the CreatorSID) are never taken for strings. Without a header
 *      (overwritten, or a page cut) strings must look like text, and a heap holding the
 *      class's own property names ("CommandLineTemplate", "Query", ...) is a class
 *      definition and skipped.
 *   3. Property strings lie in the heap in property order, which is case-insensitive
 *      alphabetical over the class and its superclasses (PyWMIPersistenceFinder's
 *      expressions: CommandLineTemplate ... Name; Name, ScriptingEngine, ScriptText;
 *      Name, Query). Which string is which is decided by that order and by content: a
 *      WQL query starts with SELECT, a scripting engine is a ...Script word, paths look
 *      like paths, and names that bindings reference are names.
 * Nothing else of the page layout (descriptors, CRCs, the mapping files) is needed.
 * Work stays linear in the input: records read with a header do not overlap (the next
 * candidate of a pass starts after the last one's end), a heap walk reads no byte twice
 * for the same kind of string and ends after GAP_CAP bytes without one, and candidates
 * without a header share a budget of 16 bytes walked per input byte (past it they are
 * skipped: only a flood of fake heaps gets there). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wmi.h"

#define MAX_STRS   64                               /* property strings of one record */
#define HEAP_CAP   (16 * (size_t)MT_MAX_WMI_STRING) /* bytes of one heap walked */
#define GAP_CAP    4096                             /* bytes without a string that end a walk */
#define HDR_WINDOW 4096                             /* header searched before a heap */
#define TOC_CAP    4096                             /* bytes of values table read */
#define MAX_REFS   256                              /* names bindings reference */
#define SEEN_SLOTS (2 * MT_MAX_WMI_OBJECTS)

typedef struct wclass {
	const char *name;
	int kind;
	const char *props[4]; /* property names only a class definition's heap holds */
} wclass;

static const wclass classes[] = {
	{"__FilterToConsumerBinding", MT_WMI_BINDING, {"Consumer", "Filter", "DeliveryQoS", NULL}},
	{"__EventFilter", MT_WMI_FILTER, {"Query", "QueryLanguage", "EventNamespace", NULL}},
	{"CommandLineEventConsumer",
         MT_WMI_CMDLINE,
         {"CommandLineTemplate", "ExecutablePath", "WorkingDirectory", NULL}},
	{"ActiveScriptEventConsumer",
         MT_WMI_SCRIPT,
         {"ScriptText", "ScriptingEngine", "ScriptFileName", NULL}},
	{"NTEventLogEventConsumer",
         MT_WMI_OTHER,
         {"SourceName", "InsertionStringTemplates", "EventID", NULL}},
	{"LogFileEventConsumer", MT_WMI_OTHER, {"Filename", "Text", "MaximumFileSize", NULL}},
	{"SMTPEventConsumer", MT_WMI_OTHER, {"ToLine", "Subject", "SMTPServer", NULL}},
};

/* Strings of class definition heaps (an inherited property name, CIMTYPE qualifier
 * values), never a value of these classes' instances. */
static const char *const def_words[] = {"CreatorSID", "MaximumQueueSize", "string", "uint8",
                                        "uint16",     "uint32",           "uint64", "sint32",
                                        "boolean",    "datetime",         "object", "CIMTYPE"};

typedef struct wstr {
	char *s;   /* UTF-8, owned */
	size_t at; /* heap offset */
	int cut;   /* ran into the end of the heap */
} wstr;

typedef struct wref {
	char cls[64];
	char name[512];
} wref;

typedef struct carver {
	const uint8_t *d;
	size_t n;
	mt_wmi_fn fn;
	void *ctx;
	size_t given;
	int stop;
	uint8_t (*seen)[32]; /* digests of the objects given, open addressing */
	wref refs[MAX_REFS];
	size_t nrefs;
	/* the class name hash of the class carved now, UTF-16LE hex: sha/md5, upper/lower */
	uint8_t hash[4][128];
	size_t hashlen[4];
	/* the record being read */
	wstr s[MAX_STRS];
	size_t ns;
	uint32_t toc[TOC_CAP];
	size_t ntoc;
	int have_toc;
	size_t floor;    /* the end of the last record read with a header in this pass */
	uint64_t budget; /* bytes headerless candidates may still walk */
} carver;

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_utf8(mt_buf *b, uint32_t c)
{
	char u[4];
	size_t n;
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
	if (b->len + n <= b->cap)
		mt_buf_add(b, u, n); /* past the cap the string is cut, not failed */
}

/* Reads a CIM string at p (flag byte, text, terminator) of at most avail bytes into out
 * (UTF-8, cut at MT_MAX_WMI_STRING). Returns the bytes it spans, or 0 when it is not a
 * string that looks like text, with *stop at the byte or unit that failed; *cut when it
 * runs into the end. */
static size_t cim_string(const uint8_t *p, size_t avail, mt_buf *out, int *cut, size_t *stop)
{
	size_t i;
	*cut = 0;
	*stop = 1;
	mt_buf_reset(out);
	if (avail < 2)
		return 0;
	if (p[0] == 0) {
		for (i = 1; i < avail && p[i]; i++) {
			uint8_t c = p[i];
			if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f ||
			    (c >= 0x80 && c < 0xa0)) {
				*stop = i;
				return 0;
			}
			put_utf8(out, c); /* 8-bit text as Latin-1 */
		}
		if (i >= avail)
			*cut = 1;
		return i < avail ? i + 1 : avail;
	}
	if (p[0] != 1)
		return 0;
	for (i = 1; i + 1 < avail; i += 2) {
		uint32_t u = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
		if (u == 0)
			return i + 2;
		*stop = i;
		if ((u < 0x20 && u != '\t' && u != '\r' && u != '\n') || u == 0xfffe ||
		    u == 0xffff || (u >= 0xdc00 && u <= 0xdfff))
			return 0;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 3 >= avail) {
				*cut = 1;
				return avail;
			}
			uint32_t l = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8;
			if (l < 0xdc00 || l > 0xdfff)
				return 0;
			u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
			i += 2;
		}
		put_utf8(out, u);
	}
	*cut = 1;
	return avail;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int in_toc(const carver *c, size_t at)
{
	uint32_t k = (uint32_t)at;
	return bsearch(&k, c->toc, c->ntoc, sizeof(k), cmp_u32) != NULL;
}

static void clear_strs(carver *c)
{
	for (size_t i = 0; i < c->ns; i++)
		free(c->s[i].s);
	c->ns = 0;
}

/* Looks for the record header of the heap whose size field is at hdr; on success sets
 * *rec (record start) and *end (record end) and fills the values table. */
static int find_header(carver *c, size_t hdr, size_t *rec, size_t *end)
{
	size_t from = hdr > HDR_WINDOW ? hdr - HDR_WINDOW : 0, best = SIZE_MAX, bl = 0;
	if (from < c->floor)
		from = c->floor; /* records read with a header do not overlap */
	for (int v = 0; v < 4; v++) {
		size_t hl = c->hashlen[v], at = from;
		while (at < hdr) {
			const uint8_t *m = memmem(c->d + at, hdr - at, c->hash[v], hl);
			if (!m)
				break;
			size_t o = (size_t)(m - c->d);
			if (best == SIZE_MAX || o > best) {
				best = o;
				bl = hl;
			}
			at = o + 1;
		}
	}
	if (best == SIZE_MAX)
		return 0;
	size_t fixed = best + bl + 16; /* the record size field */
	if (fixed + 9 > hdr)
		return 0;
	uint64_t ds = le32(c->d + fixed);
	if ((uint64_t)fixed + ds < (uint64_t)hdr + 4 + 2)
		return 0; /* the heap would not be inside this record */
	*rec = best;
	*end = (uint64_t)fixed + ds > c->n ? c->n : (size_t)(fixed + ds);
	size_t t0 = fixed + 9, t1 = hdr;
	if (t1 - t0 > TOC_CAP)
		t0 = t1 - TOC_CAP;
	c->ntoc = 0;
	for (size_t k = t0; k + 4 <= t1 && c->ntoc < TOC_CAP; k++)
		c->toc[c->ntoc++] = le32(c->d + k);
	qsort(c->toc, c->ntoc, sizeof(c->toc[0]), cmp_u32);
	return 1;
}

/* Collects the property strings of the heap [h, hend) after the class name (nl bytes);
 * *walked is where the walk ended. Linear in the heap: a UTF-16 string that failed is
 * not read again from a later start of the same alignment (it would fail the same
 * way), an 8-bit one ends at its first NUL or control byte, and GAP_CAP bytes without
 * a string end the walk. */
static int read_strings(carver *c, size_t h, size_t nl, size_t hend, int have_toc, size_t *walked)
{
	mt_buf b;
	int err = 0;
	size_t bad16[2] = {0, 0}, last = h + nl;
	mt_buf_init(&b, MT_MAX_WMI_STRING);
	size_t q = h + nl;
	while (q < hend && c->ns < MAX_STRS && q - last <= GAP_CAP) {
		int cut;
		uint8_t f = c->d[q];
		if ((f != 0 && f != 1) || (have_toc && !in_toc(c, q - h)) ||
		    (f == 1 && q < bad16[q & 1])) {
			q++;
			continue;
		}
		size_t stop, span = cim_string(c->d + q, hend - q, &b, &cut, &stop);
		if (!span) {
			if (f == 1) /* starts of this alignment before there fail the same way */
				bad16[q & 1] = q + stop;
			q++;
			continue;
		}
		last = q + span;
		if (b.len && (have_toc || !cut)) { /* without a header a cut string may be
		                                       part of a class definition: dropped */
			char *s = mt_strndup(b.data, b.len);
			if (!s) {
				err = 1;
				break;
			}
			c->s[c->ns].s = s;
			c->s[c->ns].at = q - h;
			c->s[c->ns].cut = cut;
			c->ns++;
		}
		q += span;
	}
	*walked = q;
	mt_buf_free(&b);
	return err ? -1 : 0;
}

static int looks_path(const char *s)
{
	return (isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/')) ||
	       (s[0] == '\\' && s[1] == '\\') || s[0] == '%';
}

/* "root", "root\cimv2", "ROOT/subscription" */
static int is_namespace(const char *s)
{
	return strncasecmp(s, "root", 4) == 0 && (s[4] == 0 || s[4] == '\\' || s[4] == '/');
}

static int starts_select(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return strncasecmp(s, "select", 6) == 0 &&
	       (s[6] == ' ' || s[6] == '\t' || s[6] == '\r' || s[6] == '\n');
}

/* A scripting engine of Windows Script Host by name (strict), or any one-word name
 * ending in "Script" (loose). */
static int is_engine(const char *s, int strict)
{
	static const char *const known[] = {
		"VBScript",   "JScript",      "JavaScript", "VBScript.Encode", "JScript.Encode",
		"PerlScript", "PythonScript", "Python",     "ECMAScript",      "RubyScript"};
	for (size_t i = 0; i < MT_ARRAY_LEN(known); i++)
		if (strcasecmp(s, known[i]) == 0)
			return 1;
	if (strict)
		return 0;
	size_t n = strlen(s);
	if (n < 6 || n > 32 || strcasecmp(s + n - 6, "script") != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Index of the string that a binding names as an instance of cls, or -1. */
static int ref_match(const carver *c, const char *cls)
{
	for (size_t i = 0; i < c->ns; i++)
		for (size_t r = 0; r < c->nrefs; r++)
			if (strcasecmp(c->refs[r].cls, cls) == 0 &&
			    strcmp(c->refs[r].name, c->s[i].s) == 0)
				return (int)i;
	return -1;
}

/* Remembers the class and name of a reference such as
 * \\.\root\subscription:CommandLineEventConsumer.Name="x" (quotes escaped with \). */
static void add_ref(carver *c, const char *ref)
{
	const char *dot = strstr(ref, ".Name=\"");
	if (!dot || c->nrefs >= MAX_REFS)
		return;
	const char *start = dot;
	while (start > ref && start[-1] != ':' && start[-1] != '\\')
		start--;
	wref *w = &c->refs[c->nrefs];
	size_t cl = (size_t)(dot - start), k = 0;
	if (cl == 0 || cl >= sizeof(w->cls))
		return;
	memcpy(w->cls, start, cl);
	w->cls[cl] = 0;
	for (const char *p = dot + 7; *p && *p != '"'; p++) {
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		if (k + 1 >= sizeof(w->name))
			return;
		w->name[k++] = *p;
	}
	w->name[k] = 0;
	for (size_t r = 0; r < c->nrefs; r++)
		if (!strcmp(c->refs[r].cls, w->cls) && !strcmp(c->refs[r].name, w->name))
			return;
	c->nrefs++;
}

static const char *str_at(const carver *c, int i)
{
	return i >= 0 && (size_t)i < c->ns ? c->s[i].s : "";
}

/* Assigns the strings of the record to the object's fields (see the file comment). */
static int build(carver *c, const wclass *k, mt_wmi_obj *o)
{
	int n = (int)c->ns, namei = -1, i;
	const char *a = "", *b = "", *x = "";
	o->kind = k->kind;
	o->class_name = k->name;
	switch (k->kind) {
	case MT_WMI_BINDING:
		for (i = 0; i < n; i++) {
			if (!*a && strcasestr(c->s[i].s, "__EventFilter."))
				a = c->s[i].s;
			else if (!*b && strcasestr(c->s[i].s, "EventConsumer."))
				b = c->s[i].s;
		}
		if (!*a && !*b)
			return 0;
		break;
	case MT_WMI_FILTER: {
		int qi = -1;
		for (i = 0; i < n && qi < 0; i++)
			if (starts_select(c->s[i].s))
				qi = i;
		for (i = 1; i < n && qi < 0; i++)
			if (strcasecmp(c->s[i].s, "WQL") == 0)
				qi = i - 1;
		namei = ref_match(c, "__EventFilter");
		if (qi >= 0) {
			a = str_at(c, qi);
			if (qi + 1 < n && strlen(c->s[qi + 1].s) < 16)
				b = str_at(c, qi + 1);
			if (namei < 0)
				namei = qi - 1;
		} else if (namei < 0) { /* no query (cut): the name is no namespace */
			for (i = 0; i < n && namei < 0; i++)
				if (!is_namespace(c->s[i].s))
					namei = i;
		}
		if (namei >= 1 && is_namespace(c->s[namei - 1].s))
			x = str_at(c, namei - 1);
		for (i = 0; i < n && !*x && namei < 0; i++)
			if (is_namespace(c->s[i].s))
				x = c->s[i].s;
		break;
	}
	case MT_WMI_CMDLINE:
		namei = ref_match(c, k->name);
		if (namei < 0) {
			for (i = n - 1; i >= 0 && namei < 0; i--)
				if (!looks_path(c->s[i].s) && !c->s[i].cut)
					namei = i;
		}
		if (namei != 0)
			a = str_at(c, 0);
		for (i = 1; i < namei; i++)
			if (looks_path(c->s[i].s))
				b = c->s[i].s;
		for (i = namei < 0 ? n : namei + 1; i < n && !*x; i++)
			if (looks_path(c->s[i].s))
				x = c->s[i].s;
		break;
	case MT_WMI_SCRIPT: {
		int ei = -1;
		for (i = 0; i < n && ei < 0; i++)
			if (is_engine(c->s[i].s, 1))
				ei = i;
		for (i = n - 1; i >= 0 && ei < 0; i--)
			if (is_engine(c->s[i].s, 0))
				ei = i;
		namei = ref_match(c, k->name);
		if (namei < 0 && ei >= 1) {
			namei = ei - 1;
			if (namei >= 1 && looks_path(c->s[namei].s))
				namei--;
		} else if (namei < 0 && ei != 0) {
			namei = 0;
		}
		if (ei >= 0) {
			b = c->s[ei].s;
			a = str_at(c, ei + 1 < n ? ei + 1 : -1);
			for (i = namei + 1; i < ei; i++)
				if (looks_path(c->s[i].s))
					x = c->s[i].s;
		} else {
			for (i = 0; i < n; i++) /* no engine: the longest other string */
				if (i != namei && strlen(c->s[i].s) > strlen(a))
					a = c->s[i].s;
		}
		break;
	}
	default: {
		namei = ref_match(c, k->name);
		for (i = 0; i < n && namei < 0; i++)
			if (!looks_path(c->s[i].s) && !strchr(c->s[i].s, '%') && !c->s[i].cut)
				namei = i;
		const char **f[3] = {&a, &b, &x};
		int nf = 0;
		for (i = 0; i < n && nf < 3; i++)
			if (i != namei)
				*f[nf++] = c->s[i].s;
		break;
	}
	}
	o->name = k->kind == MT_WMI_BINDING ? "" : str_at(c, namei);
	o->a = a;
	o->b = b;
	o->c = x;
	if (k->kind != MT_WMI_BINDING && !*o->name && !*a && !*b && !*x)
		return 0;
	return 1;
}

/* Whether o was given before; remembers it otherwise. -1 when the table is missing. */
static int seen_before(carver *c, const mt_wmi_obj *o)
{
	uint8_t d[32];
	mt_sha256 h;
	uint8_t kind = (uint8_t)o->kind;
	mt_sha256_init(&h);
	mt_sha256_update(&h, &kind, 1);
	const char *f[5] = {o->class_name, o->name, o->a, o->b, o->c};
	for (int i = 0; i < 5; i++)
		mt_sha256_update(&h, f[i], strlen(f[i]) + 1);
	mt_sha256_final(&h, d);
	if (!c->seen) {
		c->seen = calloc(SEEN_SLOTS, sizeof(*c->seen));
		if (!c->seen)
			return -1;
	}
	static const uint8_t zero[32];
	size_t slot = le32(d) % SEEN_SLOTS;
	for (;;) {
		if (memcmp(c->seen[slot], zero, 32) == 0) {
			memcpy(c->seen[slot], d, 32);
			return 0;
		}
		if (memcmp(c->seen[slot], d, 32) == 0)
			return 1;
		slot = (slot + 1) % SEEN_SLOTS;
	}
}

/* One candidate heap at h (its flag byte) of class k, marker length ml. */
static void carve_at(carver *c, const wclass *k, size_t h, size_t ml)
{
	if (h < 4)
		return;
	uint32_t sz = le32(c->d + h - 4);
	if (!(sz & 0x80000000u) || (sz & 0x7fffffffu) < ml)
		return;
	size_t hs = sz & 0x7fffffffu, hend = h + (hs < c->n - h ? hs : c->n - h), rec, rend;
	if (hend - h > HEAP_CAP)
		hend = h + HEAP_CAP;
	if (h < c->floor)
		return; /* inside the record read before */
	int hdr = find_header(c, h - 4, &rec, &rend);
	if (hdr && rend < hend)
		hend = rend;
	if (!hdr && c->budget == 0)
		return; /* headerless candidates have walked enough: a flood of them */
	size_t walked;
	if (read_strings(c, h, ml, hend, hdr, &walked) < 0) {
		c->stop = 1;
		goto out;
	}
	if (hdr)
		c->floor = hend;
	else
		c->budget -= walked - h < c->budget ? walked - h + 1 : c->budget;
	if (!hdr)
		for (size_t i = 0; i < c->ns; i++) {
			for (int p = 0; p < 4 && k->props[p]; p++)
				if (strcmp(c->s[i].s, k->props[p]) == 0)
					goto out; /* a class definition */
			for (size_t p = 0; p < MT_ARRAY_LEN(def_words); p++)
				if (strcmp(c->s[i].s, def_words[p]) == 0)
					goto out;
		}
	mt_wmi_obj o;
	memset(&o, 0, sizeof(o));
	o.offset = hdr ? rec : h - 4;
	if (!build(c, k, &o))
		goto out;
	if (k->kind == MT_WMI_BINDING) {
		add_ref(c, o.a);
		add_ref(c, o.b);
	}
	int s = seen_before(c, &o);
	if (s < 0) {
		c->stop = 1;
		goto out;
	}
	if (s == 0) {
		c->given++;
		if (c->fn(c->ctx, &o) || c->given >= MT_MAX_WMI_OBJECTS)
			c->stop = 1;
	}
out:
	clear_strs(c);
}

static void hex_utf16(const uint8_t *digest, size_t n, int upper, uint8_t *out)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const char *hx = upper ? up : lo;
	for (size_t i = 0; i < n; i++) {
		out[4 * i] = (uint8_t)hx[digest[i] >> 4];
		out[4 * i + 1] = 0;
		out[4 * i + 2] = (uint8_t)hx[digest[i] & 15];
		out[4 * i + 3] = 0;
	}
}

static void set_hashes(carver *c, const char *name)
{
	uint8_t u16[128], d[32];
	size_t n = 0;
	for (const char *p = name; *p && n + 2 <= sizeof(u16); p++) {
		u16[n++] = (uint8_t)toupper((unsigned char)*p);
		u16[n++] = 0;
	}
	mt_sha256 s;
	mt_sha256_init(&s);
	mt_sha256_update(&s, u16, n);
	mt_sha256_final(&s, d);
	hex_utf16(d, 32, 1, c->hash[0]);
	hex_utf16(d, 32, 0, c->hash[1]);
	c->hashlen[0] = c->hashlen[1] = 128;
	mt_md5 m;
	mt_md5_init(&m);
	mt_md5_update(&m, u16, n);
	mt_md5_final(&m, d);
	hex_utf16(d, 16, 1, c->hash[2]);
	hex_utf16(d, 16, 0, c->hash[3]);
	c->hashlen[2] = c->hashlen[3] = 64;
}

static void carve_class(carver *c, const wclass *k)
{
	uint8_t m[2 + 2 * 64 + 2];
	size_t nl = strlen(k->name), ml;
	set_hashes(c, k->name);
	for (int wide = 0; wide < 2 && !c->stop; wide++) {
		ml = 0;
		m[ml++] = (uint8_t)wide;
		for (size_t i = 0; i < nl; i++) {
			m[ml++] = (uint8_t)k->name[i];
			if (wide)
				m[ml++] = 0;
		}
		m[ml++] = 0;
		if (wide)
			m[ml++] = 0;
		size_t at = 0;
		c->floor = 0;
		while (at < c->n && !c->stop) {
			const uint8_t *p = memmem(c->d + at, c->n - at, m, ml);
			if (!p)
				break;
			size_t h = (size_t)(p - c->d);
			carve_at(c, k, h, ml);
			at = h + 1;
		}
	}
}

size_t mt_wmi_carve(const uint8_t *data, size_t len, mt_wmi_fn fn, void *ctx)
{
	if (!data || !fn)
		return 0;
	carver *c = calloc(1, sizeof(*c));
	if (!c)
		return 0;
	c->d = data;
	c->n = len > MT_MAX_WMI_REPO ? MT_MAX_WMI_REPO : len;
	c->fn = fn;
	c->ctx = ctx;
	c->budget = 16 * (uint64_t)c->n + (16u << 20);
	for (size_t i = 0; i < MT_ARRAY_LEN(classes) && !c->stop; i++)
		carve_class(c, &classes[i]);
	size_t given = c->given;
	free(c->seen);
	free(c);
	return given;
}

/* Equal ignoring case and runs of white space. */
static int same_words(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t')
			a++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		while (*a && *b && *a != ' ' && *a != '\t' && *b != ' ' && *b != '\t') {
			if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
				return 0;
			a++;
			b++;
		}
		if ((*a && *a != ' ' && *a != '\t') || (*b && *b != ' ' && *b != '\t'))
			return 0;
	}
}

/* Whether ref names an instance of cls called name ("\\.\root\subscription:" allowed). */
static int ref_is(const char *ref, const char *cls, const char *name)
{
	const char *colon = strrchr(ref, ':');
	if (colon) {
		if (strncasecmp(ref, "\\\\.\\root\\subscription:", 22) != 0 || colon != ref + 21)
			return 0;
		ref = colon + 1;
	}
	size_t cl = strlen(cls), nl = strlen(name);
	return strncasecmp(ref, cls, cl) == 0 && strncmp(ref + cl, ".Name=\"", 7) == 0 &&
	       strncmp(ref + cl + 7, name, nl) == 0 && strcmp(ref + cl + 7 + nl, "\"") == 0;
}

static const char bvt_query[] = "SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE "
				"TargetInstance ISA \"Win32_Processor\" AND "
				"TargetInstance.LoadPercentage > 99";

int mt_wmi_known_benign(const mt_wmi_obj *o)
{
	if (!o || !o->name || !o->class_name)
		return 0;
	const char *a = o->a ? o->a : "", *b = o->b ? o->b : "", *c = o->c ? o->c : "";
	switch (o->kind) {
	case MT_WMI_FILTER:
		if (strcmp(o->name, "SCM Event Log Filter") == 0)
			return same_words(a, "select * from MSFT_SCMEventLogEvent") &&
			       (!*b || strcasecmp(b, "WQL") == 0);
		if (strcmp(o->name, "BVTFilter") == 0)
			return same_words(a, bvt_query) && (!*b || strcasecmp(b, "WQL") == 0);
		return 0;
	case MT_WMI_CMDLINE:
		return strcmp(o->class_name, "CommandLineEventConsumer") == 0 &&
		       strcmp(o->name, "BVTConsumer") == 0 &&
		       same_words(a, "cscript KernCap.vbs") &&
		       (!*b || strcasecmp(b, "C:\\Windows\\System32\\cscript.exe") == 0) &&
		       (!*c || strcasecmp(c, "C:\\tools\\kernrate") == 0);
	case MT_WMI_OTHER: /* writes an event log entry: runs nothing */
		return strcmp(o->class_name, "NTEventLogEventConsumer") == 0 &&
		       strcmp(o->name, "SCM Event Log Consumer") == 0 &&
		       (!*a || strcmp(a, "Service Control Manager") == 0);
	case MT_WMI_BINDING:
		return (ref_is(a, "__EventFilter", "SCM Event Log Filter") &&
		        ref_is(b, "NTEventLogEventConsumer", "SCM Event Log Consumer")) ||
		       (ref_is(a, "__EventFilter", "BVTFilter") &&
		        ref_is(b, "CommandLineEventConsumer", "BVTConsumer"));
	default:
		return 0;
	}
}
