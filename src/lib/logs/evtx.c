/* evtx.c - bounded streaming reader of Windows EVTX event logs: the file header, 64 KiB
 * chunks (header CRC32 checked), records of binary XML; names and compiled template
 * definitions are cached per chunk, and only what the record struct holds is decoded
 * (System values, EventData/UserData fields). Hostile input: every read of chunk bytes
 * goes through the bounded cursor or checks its range first; nothing is cast to structs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "evtx.h"

#define FILE_HDR  4096u
#define CHUNK     65536u
#define CHUNK_HDR 512u
#define REC_HDR   24u

#define MAX_REC_TEXT (1u << 20) /* the strings of one record (values are expanded) */
#define MAX_NAMES    (1u << 20) /* UTF-8 names and template texts of one chunk */
#define MAX_TOPS     (1u << 18) /* compiled template operations of one chunk */
#define MAX_DOPS     (1u << 17) /* compiled operations of a record's own BinXML */
#define MAX_VALS     (1u << 16) /* substitution values in use at once */
#define MAX_STEPS \
	(1u << 22) /* operations run for one record (a real one runs hundreds;
                                   bounds records that expand one template many times) */

/* results of the decoding steps */
#define EV_OK    0
#define EV_BAD   (-1) /* malformed: the record is skipped */
#define EV_NOMEM (-2)
#define EV_SKIP  1 /* left out by only_ids */

/* ---- little-endian getters (the caller has checked the range) ---------------------- */

static inline uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A bounded cursor over [pos, end) of a chunk: a read that does not fit sets bad and
 * returns 0, so a run of reads is checked once. */
typedef struct cur {
	const uint8_t *c;
	uint32_t pos, end;
	int bad;
} cur;

static inline int need(cur *k, uint32_t n)
{
	if (k->bad || n > k->end - k->pos) {
		k->bad = 1;
		return 0;
	}
	return 1;
}

static inline uint32_t get8(cur *k)
{
	if (!need(k, 1))
		return 0;
	return k->c[k->pos++];
}

static inline uint32_t get16(cur *k)
{
	if (!need(k, 2))
		return 0;
	uint32_t v = le16(k->c + k->pos);
	k->pos += 2;
	return v;
}

static inline uint32_t get32(cur *k)
{
	if (!need(k, 4))
		return 0;
	uint32_t v = le32(k->c + k->pos);
	k->pos += 4;
	return v;
}

static inline void skip(cur *k, uint32_t n)
{
	if (need(k, n))
		k->pos += n;
}

/* ---- CRC32 (IEEE 802.3, as the chunk header checksum) --------------------------- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	if (crc_table[1])
		return;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int j = 0; j < 8; j++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_upd(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- a capped string buffer (offsets stay valid when it grows) --------------------- */

typedef struct sb {
	char *p;
	uint32_t len, alloc, cap;
	int err; /* EV_BAD (over the cap) or EV_NOMEM, the first one */
} sb;

static int sb_grow(sb *b, size_t n)
{
	if (b->err)
		return -1;
	if (n > b->cap - b->len) {
		b->err = EV_BAD;
		return -1;
	}
	size_t want = (size_t)b->len + n + 1, a = b->alloc ? b->alloc : 256;
	while (a < want)
		a *= 2;
	if (a > (size_t)b->cap + 1)
		a = (size_t)b->cap + 1;
	char *q = realloc(b->p, a);
	if (!q) {
		b->err = EV_NOMEM;
		return -1;
	}
	b->p = q;
	b->alloc = (uint32_t)a;
	return 0;
}

static inline void sb_add(sb *b, const void *s, size_t n)
{
	if ((size_t)b->len + n + 1 > b->alloc && sb_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += (uint32_t)n;
}

static inline void sb_c(sb *b, char c)
{
	if ((size_t)b->len + 2 > b->alloc && sb_grow(b, 1))
		return;
	b->p[b->len++] = c;
}

/* Appends code point u as UTF-8. */
static void sb_utf8(sb *b, uint32_t u)
{
	char t[4];
	if (u < 0x80) {
		sb_c(b, (char)u);
		return;
	}
	if (u < 0x800) {
		t[0] = (char)(0xc0 | u >> 6);
		t[1] = (char)(0x80 | (u & 0x3f));
		sb_add(b, t, 2);
	} else if (u < 0x10000) {
		t[0] = (char)(0xe0 | u >> 12);
		t[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		t[2] = (char)(0x80 | (u & 0x3f));
		sb_add(b, t, 3);
	} else {
		t[0] = (char)(0xf0 | u >> 18);
		t[1] = (char)(0x80 | ((u >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((u >> 6) & 0x3f));
		t[3] = (char)(0x80 | (u & 0x3f));
		sb_add(b, t, 4);
	}
}

/* Appends n UTF-16LE units at p as UTF-8, up to the first NUL when stop_nul; an unpaired
 * surrogate becomes U+FFFD. */
static void sb_utf16(sb *b, const uint8_t *p, size_t n, int stop_nul)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t u = le16(p + 2 * i);
		if (u < 0x80) {
			if (u == 0 && stop_nul)
				return;
			size_t j = i + 1; /* a run of ASCII at once */
			while (j < n && p[2 * j + 1] == 0 && p[2 * j] < 0x80 &&
			       (p[2 * j] || !stop_nul))
				j++;
			if ((size_t)b->len + (j - i) + 1 > b->alloc && sb_grow(b, j - i))
				return;
			for (size_t m = i; m < j; m++)
				b->p[b->len++] = (char)p[2 * m];
			i = j - 1;
			continue;
		}
		if (u >= 0xd800 && u < 0xdc00 && i + 1 < n) {
			uint32_t l = le16(p + 2 * i + 2);
			if (l >= 0xdc00 && l < 0xe000) {
				sb_utf8(b, 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00));
				i++;
				continue;
			}
		}
		if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd;
		sb_utf8(b, u);
	}
}

static void sb_u64(sb *b, uint64_t v)
{
	char t[24];
	int i = 24;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_add(b, t + i, (size_t)(24 - i));
}

static void sb_i64(sb *b, int64_t v)
{
	if (v < 0) {
		sb_c(b, '-');
		sb_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_u64(b, (uint64_t)v);
	}
}

/* "0x" and ndig hex digits (at least), lower case as evtxexport prints them. */
static void sb_hex(sb *b, uint64_t v, int ndig)
{
	static const char hx[] = "0123456789abcdef";
	char t[18];
	int i = 18;
	do {
		t[--i] = hx[v & 15];
		v >>= 4;
		ndig--;
	} while (v || ndig > 0);
	t[--i] = 'x';
	t[--i] = '0';
	sb_add(b, t + i, (size_t)(18 - i));
}

static void sb_pad(sb *b, uint64_t v, int width)
{
	char t[24];
	int i = 24;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while ((v || width > 0) && i > 0);
	sb_add(b, t + i, (size_t)(24 - i));
}

/* ---- time ----------------------------------------------------------------------- */

#define FT_UNIX_DIFF 11644473600ull /* seconds from 1601-01-01 to 1970-01-01 */

/* Civil date of day d since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil(int64_t d, int64_t *y, unsigned *m, unsigned *dd)
{
	d += 719468;
	int64_t era = (d >= 0 ? d : d - 146096) / 146097;
	unsigned doe = (unsigned)(d - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*dd = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void sb_datetime(sb *b, int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                        unsigned s)
{
	sb_pad(b, (uint64_t)(y < 0 ? 0 : y), 4);
	sb_c(b, '-');
	sb_pad(b, mo, 2);
	sb_c(b, '-');
	sb_pad(b, d, 2);
	sb_c(b, 'T');
	sb_pad(b, h, 2);
	sb_c(b, ':');
	sb_pad(b, mi, 2);
	sb_c(b, ':');
	sb_pad(b, s, 2);
}

/* FILETIME as evtxexport prints it: "2013-10-23T16:22:39.973500000Z". */
static void sb_filetime(sb *b, uint64_t ft)
{
	uint64_t secs = ft / 10000000u;
	int64_t days = (int64_t)(secs / 86400) - (int64_t)(FT_UNIX_DIFF / 86400);
	unsigned sod = (unsigned)(secs % 86400), mo, d;
	int64_t y;
	civil(days, &y, &mo, &d);
	sb_datetime(b, y, mo, d, sod / 3600, sod / 60 % 60, sod % 60);
	sb_c(b, '.');
	sb_pad(b, (ft % 10000000u) * 100, 9);
	sb_c(b, 'Z');
}

/* ---- decoder state -------------------------------------------------------------- */

enum { OP_OPEN = 1, OP_ATTR, OP_ATTRS_END, OP_END, OP_TEXT, OP_SUBST, OP_TINST };

/* One step of a compiled BinXML fragment. */
typedef struct op {
	uint8_t kind;
	uint8_t optional; /* OP_SUBST: an optional substitution */
	uint16_t idx;     /* OP_SUBST: the value index */
	uint32_t a;       /* OPEN/ATTR: name; TEXT: text (offsets in names); TINST: chunk offset */
	uint32_t b;       /* TEXT: its length; TINST: the end of the bytes it lies in */
} op;

typedef struct opvec {
	op *v;
	uint32_t n, alloc, cap;
} opvec;

typedef struct val {
	uint32_t off; /* chunk offset of the value's bytes */
	uint16_t size;
	uint8_t type;
} val;

/* A per-chunk map from chunk offsets to two numbers (open addressing; it grows to hold
 * every offset of a chunk at most, and is cleared for the next chunk). */
typedef struct slot {
	uint32_t key; /* offset + 1; 0 empty */
	uint32_t a, b;
} slot;

typedef struct cache {
	slot *s;
	uint32_t size, n; /* size: a power of two */
} cache;

static inline uint32_t slot_of(const cache *c, uint32_t key)
{
	return (key * 2654435761u) & (c->size - 1);
}

static slot *cache_find(const cache *c, uint32_t off)
{
	if (!c->n)
		return NULL;
	uint32_t key = off + 1;
	for (uint32_t i = slot_of(c, key);; i = (i + 1) & (c->size - 1)) {
		if (c->s[i].key == key)
			return &c->s[i];
		if (!c->s[i].key)
			return NULL;
	}
}

/* A new entry for off (not present); NULL when out of memory. */
static slot *cache_add(cache *c, uint32_t off)
{
	if (2 * (c->n + 1) > c->size) {
		uint32_t nsize = c->size ? c->size * 2 : 256;
		slot *ns = calloc(nsize, sizeof(*ns));
		if (!ns)
			return NULL;
		cache old = *c;
		c->s = ns;
		c->size = nsize;
		for (uint32_t i = 0; i < old.size; i++) {
			if (!old.s[i].key)
				continue;
			uint32_t j = slot_of(c, old.s[i].key);
			while (c->s[j].key)
				j = (j + 1) & (c->size - 1);
			c->s[j] = old.s[i];
		}
		free(old.s);
	}
	uint32_t key = off + 1, i = slot_of(c, key);
	while (c->s[i].key)
		i = (i + 1) & (c->size - 1);
	c->s[i].key = key;
	c->n++;
	return &c->s[i];
}

static void cache_clear(cache *c)
{
	if (c->n)
		memset(c->s, 0, (size_t)c->size * sizeof(*c->s));
	c->n = 0;
}

/* what an element or attribute is to the record */
enum {
	K_NONE = 0,
	K_EVENT,
	K_SYSTEM,
	K_EVDATA,
	K_USERDATA,
	K_EVENTID,
	K_LEVEL,
	K_CHANNEL,
	K_COMPUTER,
	K_PROVIDER,
	K_SECURITY,
	K_EXECUTION,
	K_RECID,
	K_DATA, /* EventData/Data: a field named by its Name attribute */
	K_ELEM  /* any other element under EventData/UserData: a field named by the element */
};
enum { A_NONE = 0, A_PROVNAME, A_QUAL, A_USERID, A_PID, A_TID, A_DATANAME };

/* The names the record looks for, known when a name is first read: its class is kept in
 * the byte before the name in x->names, so elements are told apart without strcmp. */
enum {
	N_OTHER = 0,
	N_SYSTEM,
	N_EVENTDATA,
	N_USERDATA,
	N_EVENTID,
	N_LEVEL,
	N_CHANNEL,
	N_COMPUTER,
	N_PROVIDER,
	N_SECURITY,
	N_EXECUTION,
	N_RECID,
	N_DATA,
	N_NAME,
	N_QUALIFIERS,
	N_USERID,
	N_PROCESSID,
	N_THREADID
};

static const char *const name_class[] = {
	[N_SYSTEM] = "System",       [N_EVENTDATA] = "EventData",   [N_USERDATA] = "UserData",
	[N_EVENTID] = "EventID",     [N_LEVEL] = "Level",           [N_CHANNEL] = "Channel",
	[N_COMPUTER] = "Computer",   [N_PROVIDER] = "Provider",     [N_SECURITY] = "Security",
	[N_EXECUTION] = "Execution", [N_RECID] = "EventRecordID",   [N_DATA] = "Data",
	[N_NAME] = "Name",           [N_QUALIFIERS] = "Qualifiers", [N_USERID] = "UserID",
	[N_PROCESSID] = "ProcessID", [N_THREADID] = "ThreadID",
};

static uint8_t classify(const char *nm)
{
	for (uint8_t i = 1; i < MT_ARRAY_LEN(name_class); i++)
		if (!strcmp(nm, name_class[i]))
			return i;
	return N_OTHER;
}

#define NAMEREF 0x80000000u /* a field name offset that is in names, not in the text */

typedef struct elem {
	uint8_t kind, has_child;
	uint8_t nulled; /* its content is an optional substitution without a value */
	uint32_t name;  /* offset in names */
	uint32_t text;  /* where its text starts in the record's text */
	uint32_t dname;
} elem;

typedef struct ex {
	const mt_evtx_opts *o;
	mt_evtx_stats *st;
	const uint8_t *c; /* the chunk: CHUNK bytes */
	uint64_t chunk_off;
	uint64_t base;       /* file offset of the first chunk */
	uint32_t hdr_chunks; /* the chunk count of a sound file header, 0 when unknown */
	cache ncache;        /* names: chunk offset -> offset in names */
	cache tcache;        /* template definitions: chunk offset -> compiled operations */
	sb names;
	opvec tops, dops;
	val *vals;
	uint32_t nvals, avals;
	/* the record being decoded */
	sb s;
	uint32_t f_name[MT_MAX_EVTX_FIELDS], f_val[MT_MAX_EVTX_FIELDS];
	size_t nf;
	uint32_t provider, channel, computer, user_sid;
	unsigned event_id, qualifiers, level, pid, tid;
	uint64_t recid;
	int have_recid;
	elem st_[MT_MAX_EVTX_DEPTH];
	int depth;
	int in_attr, want;
	uint8_t attr_kind;
	uint32_t attr_start;
	uint32_t steps; /* operations left for this record */
	mt_evtx_field fields[MT_MAX_EVTX_FIELDS];
} ex;

#define TPL_BAD UINT32_MAX

static void diag(ex *x, const char *fmt, ...) MT_PRINTF(2, 3);
static void diag(ex *x, const char *fmt, ...)
{
	if (!x->o->diag)
		return;
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->o->diag(x->o->ctx, msg);
}

static int op_add(opvec *v, uint8_t kind, uint32_t a, uint32_t b)
{
	if (v->n == v->alloc) {
		if (v->n >= v->cap)
			return EV_BAD;
		uint32_t na = v->alloc ? v->alloc * 2 : 256;
		if (na > v->cap)
			na = v->cap;
		op *q = realloc(v->v, (size_t)na * sizeof(*q));
		if (!q)
			return EV_NOMEM;
		v->v = q;
		v->alloc = na;
	}
	op *o = &v->v[v->n++];
	o->kind = kind;
	o->optional = 0;
	o->idx = 0;
	o->a = a;
	o->b = b;
	return EV_OK;
}

/* ---- names ----------------------------------------------------------------------- */

/* The name at chunk offset off as UTF-8: its offset in x->names, cached for the chunk;
 * -1 when it does not fit in the chunk. A name is: next offset (4), hash (2), number of
 * UTF-16 units (2), the units and a NUL unit. */
static int64_t name_at(ex *x, uint32_t off)
{
	if (off >= CHUNK)
		return -1;
	const slot *hit = cache_find(&x->ncache, off);
	if (hit)
		return hit->a;
	if (off > CHUNK - 8)
		return -1;
	uint32_t n = le16(x->c + off + 6);
	if (2 * n + 2 > CHUNK - 8 - off)
		return -1;
	sb_c(&x->names, N_OTHER);
	uint32_t start = x->names.len;
	sb_utf16(&x->names, x->c + off + 8, n, 1);
	sb_c(&x->names, '\0');
	if (x->names.err)
		return -1;
	x->names.p[start - 1] = (char)classify(x->names.p + start);
	slot *e = cache_add(&x->ncache, off);
	if (!e) {
		x->names.err = EV_NOMEM;
		return -1;
	}
	e->a = start;
	return start;
}

/* Reads a name reference at the cursor (and skips the name when it is written inline,
 * right there); *out is its offset in x->names. */
static int read_name(ex *x, cur *k, uint32_t *out)
{
	uint32_t off = get32(k);
	if (k->bad)
		return EV_BAD;
	if (off == k->pos) {
		if (!need(k, 8))
			return EV_BAD;
		skip(k, 8 + 2 * le16(k->c + k->pos + 6) + 2);
		if (k->bad)
			return EV_BAD;
	}
	int64_t s = name_at(x, off);
	if (s < 0)
		return EV_BAD;
	*out = (uint32_t)s;
	return EV_OK;
}

/* Whether an element start at chunk offset at, outside template definitions, has the
 * 16-bit dependency identifier after its token: libevtx reads one, other readers see none
 * in nested BinXML; the name offset that makes sense decides. */
static int has_dep_id(ex *x, uint32_t at, uint32_t end)
{
	if (end - at >= 11) {
		uint32_t off = le32(x->c + at + 7);
		if (off == at + 11 || (off < at && name_at(x, off) >= 0))
			return 1;
	}
	return 0;
}

/* ---- template instances ------------------------------------------------------------- */

typedef struct tinst {
	uint32_t def;    /* chunk offset of the definition */
	uint32_t nvals;  /* number of values */
	uint32_t desc;   /* chunk offset of the value descriptors (4 bytes each) */
	uint32_t values; /* chunk offset of the first value */
	uint32_t next;   /* the first byte after the instance */
} tinst;

/* Parses the template instance token at chunk offset at, within end: token (1), unknown
 * (1), template id (4), definition offset (4), [the definition, when written here: next
 * (4), GUID (16), data size (4), data], number of values (4), descriptors (size 2, type
 * 1, unused 1), values. */
static int tinst_parse(ex *x, uint32_t at, uint32_t end, tinst *t)
{
	cur k = {x->c, at, end, 0};
	skip(&k, 6);
	t->def = get32(&k);
	if (!k.bad && t->def == k.pos) {
		skip(&k, 20);
		uint32_t size = get32(&k);
		skip(&k, size);
	}
	t->nvals = get32(&k);
	if (k.bad || t->nvals > (k.end - k.pos) / 4)
		return EV_BAD;
	t->desc = k.pos;
	k.pos += 4 * t->nvals;
	t->values = k.pos;
	uint64_t total = 0;
	for (uint32_t i = 0; i < t->nvals; i++)
		total += le16(x->c + t->desc + 4 * i);
	if (total > k.end - k.pos)
		return EV_BAD;
	t->next = k.pos + (uint32_t)total;
	return EV_OK;
}

/* ---- compiling BinXML to operations --------------------------------------------------- */

static int text_add(ex *x, opvec *v, const uint8_t *p, uint32_t nunits)
{
	uint32_t start = x->names.len;
	sb_utf16(&x->names, p, nunits, 0);
	if (x->names.err)
		return EV_BAD;
	uint32_t len = x->names.len - start;
	sb_c(&x->names, '\0');
	return len ? op_add(v, OP_TEXT, start, len) : EV_OK;
}

static int text_lit(ex *x, opvec *v, const char *s)
{
	uint32_t start = x->names.len;
	sb_add(&x->names, s, strlen(s));
	sb_c(&x->names, '\0');
	if (x->names.err)
		return EV_BAD;
	return op_add(v, OP_TEXT, start, (uint32_t)strlen(s));
}

/* Turns the tokens of chunk bytes [pos, end) into operations appended to v, up to the
 * end-of-fragment token. In a template definition (in_tpl) elements carry a dependency
 * identifier and template instances are refused. */
static int compile(ex *x, uint32_t pos, uint32_t end, int in_tpl, opvec *v)
{
	cur k = {x->c, pos, end, 0};
	int depth = 0, r = EV_OK;
	while (r == EV_OK && k.pos < k.end) {
		uint32_t at = k.pos, name, n;
		uint32_t t = get8(&k);
		switch (t & 0xbf) {
		case 0x00: /* end of fragment */
			return EV_OK;
		case 0x0f: /* fragment header: major, minor, flags */
			skip(&k, 3);
			break;
		case 0x01: /* open start element */
			if (in_tpl || has_dep_id(x, at, end))
				skip(&k, 2);
			skip(&k, 4); /* data size */
			if (read_name(x, &k, &name))
				return EV_BAD;
			if (t & 0x40)
				skip(&k, 4); /* attribute list size */
			if (++depth > MT_MAX_EVTX_DEPTH)
				return EV_BAD;
			r = op_add(v, OP_OPEN, name, 0);
			break;
		case 0x02: /* close start element */
			r = op_add(v, OP_ATTRS_END, 0, 0);
			break;
		case 0x03: /* close empty element */
		case 0x04: /* end element */
			if (depth-- <= 0)
				return EV_BAD;
			if ((t & 0xbf) == 0x03)
				r = op_add(v, OP_ATTRS_END, 0, 0);
			if (r == EV_OK)
				r = op_add(v, OP_END, 0, 0);
			break;
		case 0x05: /* value text: type, then a counted UTF-16 string */
			if (get8(&k) != 0x01)
				return EV_BAD;
			/* fall through */
		case 0x07: /* CDATA section */
			n = get16(&k);
			if (!need(&k, 2 * n))
				return EV_BAD;
			r = text_add(x, v, k.c + k.pos, n);
			k.pos += 2 * n;
			break;
		case 0x08: { /* character reference */
			uint32_t u = get16(&k);
			uint32_t start = x->names.len;
			sb_utf8(&x->names, u >= 0xd800 && u < 0xe000 ? 0xfffd : u);
			uint32_t len = x->names.len - start;
			sb_c(&x->names, '\0');
			r = x->names.err ? EV_BAD : op_add(v, OP_TEXT, start, len);
			break;
		}
		case 0x09: { /* entity reference */
			if (read_name(x, &k, &name))
				return EV_BAD;
			const char *e = x->names.p + name;
			static const char *const ent[][2] = {{"amp", "&"},
			                                     {"lt", "<"},
			                                     {"gt", ">"},
			                                     {"quot", "\""},
			                                     {"apos", "'"}};
			const char *lit = NULL;
			for (size_t i = 0; i < MT_ARRAY_LEN(ent); i++)
				if (strcmp(e, ent[i][0]) == 0)
					lit = ent[i][1];
			if (lit) {
				r = text_lit(x, v, lit);
			} else {
				char tmp[80];
				snprintf(tmp, sizeof(tmp), "&%.70s;", e);
				r = text_lit(x, v, tmp);
			}
			break;
		}
		case 0x0a: /* processing instruction target */
			if (read_name(x, &k, &name))
				return EV_BAD;
			break;
		case 0x0b: /* processing instruction data */
			n = get16(&k);
			skip(&k, 2 * n);
			break;
		case 0x0c: { /* template instance */
			tinst ti;
			if (in_tpl || tinst_parse(x, at, end, &ti))
				return EV_BAD;
			r = op_add(v, OP_TINST, at, end);
			k.pos = ti.next;
			break;
		}
		case 0x0d: /* normal substitution */
		case 0x0e: /* optional substitution */
			n = get16(&k);
			get8(&k); /* the type; the value's own descriptor is used */
			if (k.bad)
				return EV_BAD;
			r = op_add(v, OP_SUBST, 0, 0);
			if (r == EV_OK) {
				v->v[v->n - 1].idx = (uint16_t)n;
				v->v[v->n - 1].optional = (t & 0xbf) == 0x0e;
			}
			break;
		case 0x06: /* attribute */
			if (read_name(x, &k, &name))
				return EV_BAD;
			r = op_add(v, OP_ATTR, name, 0);
			break;
		default:
			return EV_BAD;
		}
		if (k.bad)
			return EV_BAD;
	}
	return r;
}

/* The compiled operations of the template definition at chunk offset def (cached). */
static int tpl_get(ex *x, uint32_t def, uint32_t *start, uint32_t *n)
{
	if (def >= CHUNK - 24)
		return EV_BAD;
	slot *e = cache_find(&x->tcache, def);
	if (!e) {
		uint32_t size = le32(x->c + def + 20), data = def + 24;
		uint32_t s0 = x->tops.n, got = TPL_BAD;
		if (size <= CHUNK - data) {
			int r = compile(x, data, data + size, 1, &x->tops);
			if (r == EV_NOMEM)
				return r;
			if (r == EV_OK)
				got = x->tops.n - s0;
			else
				x->tops.n = s0;
		}
		if (!(e = cache_add(&x->tcache, def)))
			return EV_NOMEM;
		e->a = s0;
		e->b = got;
	}
	if (e->b == TPL_BAD)
		return EV_BAD;
	*start = e->a;
	*n = e->b;
	return EV_OK;
}

/* ---- the record: what the elements and attributes mean ------------------------------- */

static int text_kind(uint8_t k)
{
	return k == K_EVENTID || k == K_LEVEL || k == K_RECID || k == K_CHANNEL ||
	       k == K_COMPUTER || k == K_DATA || k == K_ELEM;
}

static unsigned num(const char *s)
{
	unsigned long v = 0;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 0xffffffffu)
			return 0;
	}
	return (unsigned)v;
}

/* A decimal number filling s (blanks around allowed); 1 when it is one. */
static int num64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	for (; *s >= '0' && *s <= '9'; s++, n++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (!n || *s)
		return 0;
	*out = v;
	return 1;
}

static void attr_done(ex *x)
{
	if (!x->in_attr)
		return;
	x->in_attr = 0;
	if (!x->attr_kind)
		return;
	uint32_t at = x->attr_start;
	sb_c(&x->s, '\0');
	if (x->s.err)
		return;
	const char *v = x->s.p + at;
	switch (x->attr_kind) {
	case A_PROVNAME:
		x->provider = at;
		break;
	case A_USERID:
		x->user_sid = at;
		break;
	case A_DATANAME:
		x->st_[x->depth - 1].dname = at;
		break;
	case A_QUAL:
		x->qualifiers = num(v);
		x->s.len = at;
		break;
	case A_PID:
		x->pid = num(v);
		x->s.len = at;
		break;
	case A_TID:
		x->tid = num(v);
		x->s.len = at;
		break;
	}
}

static int sink_open(ex *x, uint32_t name)
{
	attr_done(x);
	if (x->depth >= MT_MAX_EVTX_DEPTH)
		return EV_BAD;
	uint8_t cls = (uint8_t)x->names.p[name - 1], k = K_NONE;
	if (x->depth == 0) {
		k = K_EVENT;
	} else {
		elem *p = &x->st_[x->depth - 1];
		p->has_child = 1;
		switch (p->kind) {
		case K_EVENT:
			k = cls == N_SYSTEM      ? K_SYSTEM
			    : cls == N_EVENTDATA ? K_EVDATA
			    : cls == N_USERDATA  ? K_USERDATA
			                         : K_NONE;
			break;
		case K_SYSTEM:
			switch (cls) {
			case N_EVENTID:
				k = K_EVENTID;
				break;
			case N_LEVEL:
				k = K_LEVEL;
				break;
			case N_CHANNEL:
				k = K_CHANNEL;
				break;
			case N_COMPUTER:
				k = K_COMPUTER;
				break;
			case N_PROVIDER:
				k = K_PROVIDER;
				break;
			case N_SECURITY:
				k = K_SECURITY;
				break;
			case N_EXECUTION:
				k = K_EXECUTION;
				break;
			case N_RECID:
				k = K_RECID;
				break;
			}
			break;
		case K_EVDATA:
			k = cls == N_DATA ? K_DATA : K_ELEM;
			break;
		case K_USERDATA:
		case K_DATA:
		case K_ELEM:
			k = K_ELEM;
			break;
		}
	}
	elem *e = &x->st_[x->depth++];
	e->kind = k;
	e->has_child = 0;
	e->nulled = 0;
	e->name = name;
	e->text = x->s.len;
	e->dname = 0;
	x->want = text_kind(k);
	return EV_OK;
}

static void sink_attr(ex *x, uint32_t name)
{
	attr_done(x);
	if (x->depth == 0) {
		x->want = 0;
		return;
	}
	uint8_t cls = (uint8_t)x->names.p[name - 1], a = A_NONE;
	switch (x->st_[x->depth - 1].kind) {
	case K_PROVIDER:
		a = cls == N_NAME ? A_PROVNAME : A_NONE;
		break;
	case K_EVENTID:
		a = cls == N_QUALIFIERS ? A_QUAL : A_NONE;
		break;
	case K_SECURITY:
		a = cls == N_USERID ? A_USERID : A_NONE;
		break;
	case K_EXECUTION:
		a = cls == N_PROCESSID ? A_PID : cls == N_THREADID ? A_TID : A_NONE;
		break;
	case K_DATA:
		a = cls == N_NAME ? A_DATANAME : A_NONE;
		break;
	}
	x->in_attr = 1;
	x->attr_kind = a;
	x->attr_start = x->s.len;
	x->want = a != A_NONE;
}

static void sink_attrs_end(ex *x)
{
	attr_done(x);
	x->want = x->depth > 0 && text_kind(x->st_[x->depth - 1].kind);
	if (x->depth > 0)
		x->st_[x->depth - 1].text = x->s.len;
}

static int only_wanted(const mt_evtx_opts *o, unsigned id)
{
	for (size_t i = 0; i < o->nonly_ids; i++)
		if (o->only_ids[i] == id)
			return 1;
	return 0;
}

/* Ends the element on top: a leaf of a kind with text gives its value. */
static int sink_end(ex *x)
{
	attr_done(x);
	if (x->depth == 0)
		return EV_BAD;
	elem *e = &x->st_[--x->depth];
	int r = EV_OK;
	if (!e->has_child && text_kind(e->kind) &&
	    !(e->nulled && x->s.len == e->text)) { /* evtxexport leaves those out */
		sb_c(&x->s, '\0');
		if (x->s.err)
			return x->s.err;
		const char *t = x->s.p + e->text;
		switch (e->kind) {
		case K_EVENTID:
			x->event_id = num(t);
			if (x->o->nonly_ids && !only_wanted(x->o, x->event_id))
				r = EV_SKIP;
			break;
		case K_LEVEL:
			x->level = num(t);
			break;
		case K_RECID:
			x->have_recid = num64(t, &x->recid);
			break;
		case K_CHANNEL:
			x->channel = e->text;
			break;
		case K_COMPUTER:
			x->computer = e->text;
			break;
		case K_DATA:
		case K_ELEM:
			if (x->nf < MT_MAX_EVTX_FIELDS) {
				x->f_name[x->nf] =
					e->kind == K_DATA ? e->dname : (e->name | NAMEREF);
				x->f_val[x->nf] = e->text;
				x->nf++;
			}
			break;
		}
	}
	x->want = 0;
	return r;
}

/* An array value in the text of a field: each item after the first ends the field and
 * starts another of the same name (evtxexport writes the element once per item). */
static void sink_split(ex *x)
{
	if (x->in_attr || x->depth == 0)
		return;
	elem *e = &x->st_[x->depth - 1];
	if (e->has_child || (e->kind != K_DATA && e->kind != K_ELEM))
		return;
	elem keep = *e;
	sink_end(x); /* pops e and gives its field */
	keep.text = x->s.len;
	keep.nulled = 0;
	x->st_[x->depth++] = keep;
	x->want = 1;
}

/* ---- values --------------------------------------------------------------------------- */

static void put_guid(sb *b, const uint8_t *p)
{
	static const char hx[] = "0123456789ABCDEF";
	char t[38];
	int n = 0;
	uint32_t d1 = le32(p), d2 = le16(p + 4), d3 = le16(p + 6);
	t[n++] = '{';
	for (int i = 7; i >= 0; i--)
		t[n++] = hx[(d1 >> (4 * i)) & 15];
	t[n++] = '-';
	for (int i = 3; i >= 0; i--)
		t[n++] = hx[(d2 >> (4 * i)) & 15];
	t[n++] = '-';
	for (int i = 3; i >= 0; i--)
		t[n++] = hx[(d3 >> (4 * i)) & 15];
	t[n++] = '-';
	for (int i = 8; i < 16; i++) {
		if (i == 10)
			t[n++] = '-';
		t[n++] = hx[p[i] >> 4];
		t[n++] = hx[p[i] & 15];
	}
	t[n++] = '}';
	sb_add(b, t, (size_t)n);
}

/* A SID of at most size bytes; its length, 0 when it does not fit. */
static uint32_t put_sid(sb *b, const uint8_t *p, uint32_t size)
{
	if (size < 8)
		return 0;
	uint32_t nsub = p[1], len = 8 + 4 * nsub;
	if (len > size)
		return 0;
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	sb_add(b, "S-", 2);
	sb_u64(b, p[0]);
	sb_c(b, '-');
	sb_u64(b, auth);
	for (uint32_t i = 0; i < nsub; i++) {
		sb_c(b, '-');
		sb_u64(b, le32(p + 8 + 4 * i));
	}
	return len;
}

static void put_systemtime(sb *b, const uint8_t *p)
{
	sb_datetime(b, le16(p), le16(p + 2), le16(p + 6), le16(p + 8), le16(p + 10), le16(p + 12));
	sb_c(b, '.');
	sb_pad(b, le16(p + 14), 3);
	sb_c(b, 'Z');
}

static void put_hexbytes(sb *b, const uint8_t *p, uint32_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	if ((size_t)b->len + 2 * (size_t)n + 1 > b->alloc && sb_grow(b, 2 * (size_t)n))
		return;
	for (uint32_t i = 0; i < n; i++) {
		b->p[b->len++] = hx[p[i] >> 4];
		b->p[b->len++] = hx[p[i] & 15];
	}
}

/* A real as evtxexport prints it: "%.6e" with an exponent of at least three digits
 * ("1.500000e+000"). */
static void put_double(sb *b, double d)
{
	char t[48];
	int n = snprintf(t, sizeof(t), "%.6e", d);
	if (n <= 0 || (size_t)n >= sizeof(t))
		return;
	char *e = strchr(t, 'e');
	if (e && (e[1] == '+' || e[1] == '-') && strlen(e + 2) < 3) {
		size_t nd = strlen(e + 2);
		memmove(e + 2 + (3 - nd), e + 2, nd + 1);
		memset(e + 2, '0', 3 - nd);
		n = (int)strlen(t);
	}
	sb_add(b, t, (size_t)n);
}

/* The size of one item of a fixed-size type, 0 for variable ones. */
static uint32_t item_size(uint32_t t, uint32_t size)
{
	switch (t) {
	case 0x03:
	case 0x04:
		return 1;
	case 0x05:
	case 0x06:
		return 2;
	case 0x07:
	case 0x08:
	case 0x0b:
	case 0x0d:
	case 0x14:
		return 4;
	case 0x09:
	case 0x0a:
	case 0x0c:
	case 0x11:
	case 0x15:
		return 8;
	case 0x0f:
	case 0x12:
		return 16;
	case 0x10:
		return size == 4 ? 4 : 8;
	}
	return 0;
}

/* One value of scalar type t in [p, p+size) in the text evtxexport prints. */
static void put_scalar(sb *b, uint32_t t, const uint8_t *p, uint32_t size)
{
	uint32_t is = item_size(t, size);
	if (is && size < is)
		return; /* too short: nothing */
	switch (t) {
	case 0x01: /* UTF-16 string */
		sb_utf16(b, p, size / 2, 1);
		break;
	case 0x02: /* ANSI string (windows-1252 read as Latin-1) */
		for (uint32_t i = 0; i < size && p[i]; i++)
			sb_utf8(b, p[i]);
		break;
	case 0x03:
		sb_i64(b, (int8_t)p[0]);
		break;
	case 0x04:
		sb_u64(b, p[0]);
		break;
	case 0x05:
		sb_i64(b, (int16_t)le16(p));
		break;
	case 0x06:
		sb_u64(b, le16(p));
		break;
	case 0x07:
		sb_i64(b, (int32_t)le32(p));
		break;
	case 0x08:
		sb_u64(b, le32(p));
		break;
	case 0x09:
		sb_i64(b, (int64_t)le64(p));
		break;
	case 0x0a:
		sb_u64(b, le64(p));
		break;
	case 0x0b: {
		float f;
		uint32_t u = le32(p);
		memcpy(&f, &u, 4);
		put_double(b, f);
		break;
	}
	case 0x0c: {
		double d;
		uint64_t u = le64(p);
		memcpy(&d, &u, 8);
		put_double(b, d);
		break;
	}
	case 0x0d:
		sb_add(b, le32(p) ? "true" : "false", le32(p) ? 4 : 5);
		break;
	case 0x0e: /* binary */
		put_hexbytes(b, p, size);
		break;
	case 0x0f:
		put_guid(b, p);
		break;
	case 0x10: /* size_t: evtxexport prints it in decimal */
		sb_u64(b, is == 4 ? le32(p) : le64(p));
		break;
	case 0x11:
		sb_filetime(b, le64(p));
		break;
	case 0x12:
		put_systemtime(b, p);
		break;
	case 0x13:
		put_sid(b, p, size);
		break;
	case 0x14:
		sb_hex(b, le32(p), 8);
		break;
	case 0x15:
		sb_hex(b, le64(p), 16);
		break;
	default: /* handles (0x20), EvtXml (0x23), unknown: hex of the bytes */
		put_hexbytes(b, p, size);
		break;
	}
}

/* Appends a substitution value to the record's text (arrays item by item). */
static void put_value(ex *x, const val *v)
{
	const uint8_t *p = x->c + v->off;
	uint32_t t = v->type, size = v->size;
	if (t == 0x00 || size == 0)
		return;
	if (!(t & 0x80)) {
		put_scalar(&x->s, t, p, size);
		return;
	}
	t &= 0x7f;
	int first = 1;
	if (t == 0x01) { /* NUL-separated UTF-16 strings */
		uint32_t n = size / 2, i = 0;
		while (i < n) {
			uint32_t j = i;
			while (j < n && le16(p + 2 * j))
				j++;
			if (!first)
				sink_split(x);
			first = 0;
			sb_utf16(&x->s, p + 2 * i, j - i, 0);
			i = j + 1;
		}
		return;
	}
	if (t == 0x02) {
		uint32_t i = 0;
		while (i < size) {
			uint32_t j = i;
			while (j < size && p[j])
				j++;
			if (!first)
				sink_split(x);
			first = 0;
			for (uint32_t m = i; m < j; m++)
				sb_utf8(&x->s, p[m]);
			i = j + 1;
		}
		return;
	}
	if (t == 0x13) {
		uint32_t i = 0;
		while (i < size) {
			if (!first)
				sink_split(x);
			first = 0;
			uint32_t len = put_sid(&x->s, p + i, size - i);
			if (!len)
				break;
			i += len;
		}
		return;
	}
	uint32_t is = item_size(t, 8);
	if (!is) {
		put_hexbytes(&x->s, p, size);
		return;
	}
	for (uint32_t i = 0; i + is <= size; i += is) {
		if (!first)
			sink_split(x);
		first = 0;
		put_scalar(&x->s, t, p + i, is);
	}
}

/* ---- running compiled operations ------------------------------------------------------- */

static int run(ex *x, opvec *v, uint32_t a, uint32_t b, uint32_t vbase, uint32_t nv, int depth);

/* The BinXML of chunk bytes [pos, end) that is not a template definition. */
static int do_direct(ex *x, uint32_t pos, uint32_t end, int depth)
{
	if (depth > MT_MAX_EVTX_DEPTH || end - pos > x->steps)
		return EV_BAD;
	x->steps -= end - pos; /* compiling costs too */
	uint32_t mark = x->dops.n;
	int r = compile(x, pos, end, 0, &x->dops);
	if (r == EV_OK)
		r = run(x, &x->dops, mark, x->dops.n, 0, 0, depth + 1);
	x->dops.n = mark;
	return r;
}

static int do_tinst(ex *x, uint32_t at, uint32_t end, int depth)
{
	tinst t;
	uint32_t start, n;
	if (depth > MT_MAX_EVTX_DEPTH || tinst_parse(x, at, end, &t))
		return EV_BAD;
	int r = tpl_get(x, t.def, &start, &n);
	if (r)
		return r;
	if (t.nvals > MAX_VALS - x->nvals)
		return EV_BAD;
	uint32_t vbase = x->nvals;
	if (vbase + t.nvals > x->avals) {
		uint32_t na = x->avals ? x->avals : 256;
		while (na < vbase + t.nvals)
			na *= 2;
		val *q = realloc(x->vals, (size_t)na * sizeof(*q));
		if (!q)
			return EV_NOMEM;
		x->vals = q;
		x->avals = na;
	}
	uint32_t off = t.values;
	for (uint32_t i = 0; i < t.nvals; i++) {
		val *w = &x->vals[vbase + i];
		w->off = off;
		w->size = (uint16_t)le16(x->c + t.desc + 4 * i);
		w->type = x->c[t.desc + 4 * i + 2];
		off += w->size;
	}
	x->nvals = vbase + t.nvals;
	r = run(x, &x->tops, start, start + n, vbase, t.nvals, depth + 1);
	x->nvals = vbase;
	return r;
}

static int run(ex *x, opvec *v, uint32_t a, uint32_t b, uint32_t vbase, uint32_t nv, int depth)
{
	int r = EV_OK;
	if (b - a > x->steps)
		return EV_BAD;
	x->steps -= b - a;
	for (uint32_t i = a; i < b && r == EV_OK; i++) {
		op o = v->v[i]; /* a copy: v may move while a nested fragment is compiled */
		switch (o.kind) {
		case OP_OPEN:
			r = sink_open(x, o.a);
			break;
		case OP_ATTR:
			sink_attr(x, o.a);
			break;
		case OP_ATTRS_END:
			sink_attrs_end(x);
			break;
		case OP_END:
			r = sink_end(x);
			break;
		case OP_TEXT:
			if (x->want)
				sb_add(&x->s, x->names.p + o.a, o.b);
			break;
		case OP_SUBST: {
			if (o.idx >= nv || (o.optional && (x->vals[vbase + o.idx].type == 0 ||
			                                   x->vals[vbase + o.idx].size == 0))) {
				if (o.optional && !x->in_attr && x->depth > 0)
					x->st_[x->depth - 1].nulled = 1;
				break;
			}
			val w = x->vals[vbase + o.idx];
			if (w.type == 0x21) {
				if (!x->in_attr && w.size)
					r = do_direct(x, w.off, w.off + w.size, depth);
			} else if (x->want) {
				put_value(x, &w);
			}
			break;
		}
		case OP_TINST:
			r = do_tinst(x, o.a, o.b, depth);
			break;
		}
		if (r == EV_OK && x->s.err)
			r = x->s.err;
	}
	return r;
}

/* ---- records and chunks ------------------------------------------------------------------ */

static const char *str_of(ex *x, uint32_t off)
{
	return off & NAMEREF ? x->names.p + (off & ~NAMEREF) : x->s.p + off;
}

/* Decodes the record at chunk offset pos of size bytes and hands it to fn. Returns the
 * non-zero value of fn, EV_NOMEM, or 0. */
static int do_record(ex *x, uint32_t pos, uint32_t size)
{
	x->s.len = 0;
	x->s.err = 0;
	sb_c(&x->s, '\0'); /* offset 0 is "" */
	x->nf = 0;
	x->provider = x->channel = x->computer = x->user_sid = 0;
	x->event_id = x->qualifiers = x->level = x->pid = x->tid = 0;
	x->have_recid = 0;
	x->depth = 0;
	x->in_attr = x->want = 0;
	x->nvals = 0;
	x->dops.n = 0;
	x->steps = MAX_STEPS;
	uint64_t rid = le64(x->c + pos + 8), ft = le64(x->c + pos + 16);
	int r = do_direct(x, pos + REC_HDR, pos + size - 4, 0);
	if (r == EV_SKIP) {
		x->st->filtered++;
		return 0;
	}
	if (r == EV_NOMEM)
		return EV_NOMEM;
	if (r != EV_OK || x->s.err) {
		x->st->bad_records++;
		diag(x, "evtx: chunk at offset %llu: record %llu at +%u: bad binary XML",
		     (unsigned long long)x->chunk_off, (unsigned long long)rid, pos);
		return 0;
	}
	if (x->o->nonly_ids && !only_wanted(x->o, x->event_id)) {
		x->st->filtered++;
		return 0;
	}
	for (size_t i = 0; i < x->nf; i++) {
		x->fields[i].name = str_of(x, x->f_name[i]);
		x->fields[i].value = str_of(x, x->f_val[i]);
	}
	mt_evtx_record rec = {
		.record_id = x->have_recid ? x->recid : rid,
		.header_id = rid,
		.filetime = ft,
		.time = (int64_t)(ft / 10000000u) - (int64_t)FT_UNIX_DIFF,
		.time_ns = (uint32_t)(ft % 10000000u) * 100,
		.event_id = x->event_id,
		.qualifiers = x->qualifiers,
		.level = x->level,
		.provider = x->s.p + x->provider,
		.channel = x->s.p + x->channel,
		.computer = x->s.p + x->computer,
		.user_sid = x->s.p + x->user_sid,
		.pid = x->pid,
		.tid = x->tid,
		.fields = x->fields,
		.nfields = x->nf,
	};
	x->st->records++;
	return x->o->record ? x->o->record(x->o->ctx, &rec) : 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A new generation of the per-chunk caches. */
static void chunk_reset(ex *x)
{
	cache_clear(&x->ncache);
	cache_clear(&x->tcache);
	x->names.len = 0;
	x->names.err = 0;
	x->tops.n = 0;
}

/* Reads the records of the chunk c (CHUNK bytes, zero-padded when the file ends inside
 * it) at file offset off. Returns non-zero to stop (fn's value or EV_NOMEM). */
static int do_chunk(ex *x, const uint8_t *c, uint64_t off)
{
	if (memcmp(c, "ElfChnk", 8) != 0) {
		if (all_zero(c, CHUNK))
			return 0; /* never used */
		if (x->hdr_chunks && (off - x->base) / CHUNK >= x->hdr_chunks)
			return 0; /* slack after the chunks the header counts (evtxexport reads
			             the valid chunks there too, and so do we) */
		x->st->bad_chunks++;
		diag(x, "evtx: chunk at offset %llu: bad signature, skipped",
		     (unsigned long long)off);
		return 0;
	}
	uint32_t flags = le32(c + 120);
	if (!(flags & 4)) { /* flag 4: written without checksums */
		uint32_t crc = crc32_upd(0, c, 120);
		crc = crc32_upd(crc, c + 128, CHUNK_HDR - 128);
		if (crc != le32(c + 124)) {
			x->st->bad_crc++;
			diag(x, "evtx: chunk at offset %llu: header checksum mismatch, read anyway",
			     (unsigned long long)off);
		}
	}
	x->st->chunks++;
	x->c = c;
	x->chunk_off = off;
	chunk_reset(x);
	uint32_t free_off = le32(c + 48);
	if (free_off < CHUNK_HDR || free_off > CHUNK)
		free_off = CHUNK;
	uint32_t pos = CHUNK_HDR;
	while (free_off - pos >= REC_HDR) {
		if (memcmp(c + pos, "\x2a\x2a\x00\x00", 4) != 0) {
			if (!all_zero(c + pos, free_off - pos)) {
				x->st->bad_records++;
				diag(x,
				     "evtx: chunk at offset %llu: no record signature at +%u, rest "
				     "of the chunk skipped",
				     (unsigned long long)off, pos);
			}
			break;
		}
		uint32_t size = le32(c + pos + 4);
		if (size < REC_HDR + 4 || size > free_off - pos) {
			x->st->bad_records++;
			diag(x,
			     "evtx: chunk at offset %llu: record at +%u: bad size %u, rest of "
			     "the chunk skipped",
			     (unsigned long long)off, pos, size);
			break;
		}
		if (le32(c + pos + size - 4) != size) {
			x->st->bad_records++;
			diag(x,
			     "evtx: chunk at offset %llu: record at +%u: size copy differs, skipped",
			     (unsigned long long)off, pos);
			pos += size;
			continue;
		}
		int r = do_record(x, pos, size);
		if (r)
			return r;
		pos += size;
	}
	return 0;
}

static ex *ex_new(const mt_evtx_opts *o, mt_evtx_stats *st)
{
	crc_init();
	ex *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->o = o;
	x->st = st;
	x->names.cap = MAX_NAMES;
	x->s.cap = MAX_REC_TEXT;
	x->tops.cap = MAX_TOPS;
	x->dops.cap = MAX_DOPS;
	return x;
}

static void ex_free(ex *x)
{
	if (!x)
		return;
	free(x->ncache.s);
	free(x->tcache.s);
	free(x->names.p);
	free(x->s.p);
	free(x->tops.v);
	free(x->dops.v);
	free(x->vals);
	free(x);
}

/* Looks at the file header (the first min(n, 4096) bytes); returns where the chunks
 * start: 4096, or 0 for a bare chunk without a file header. */
static uint64_t file_header(ex *x, const uint8_t *h, size_t n)
{
	if (n >= 128 && memcmp(h, "ElfFile", 8) == 0) {
		uint32_t flags = le32(h + 120);
		x->st->dirty = (flags & 1) != 0;
		if (!(flags & 4) && crc32_upd(0, h, 120) != le32(h + 124)) {
			x->st->header_bad = 1;
			diag(x, "evtx: file header checksum mismatch");
		} else {
			x->hdr_chunks = le16(h + 42);
		}
		x->base = FILE_HDR;
		return FILE_HDR;
	}
	x->st->header_bad = 1;
	diag(x, "evtx: no file header signature");
	x->base = n >= 8 && memcmp(h, "ElfChnk", 8) == 0 ? 0 : FILE_HDR;
	return x->base;
}

mt_err mt_evtx_read_mem(const uint8_t *data, size_t len, const mt_evtx_opts *o,
                        mt_evtx_stats *stats)
{
	mt_evtx_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	if (!o || (!data && len))
		return MT_ERR_INVAL;
	if (len > MT_MAX_EVTX_FILE)
		return MT_ERR_TOOBIG;
	ex *x = ex_new(o, stats);
	if (!x)
		return MT_ERR_NOMEM;
	mt_err err = MT_OK;
	uint8_t *pad = NULL;
	uint64_t base = file_header(x, data, len);
	int r = 0;
	for (uint64_t off = base; off < len && off + CHUNK_HDR <= len && !r; off += CHUNK) {
		if (len - off >= CHUNK) {
			r = do_chunk(x, data + off, off);
			continue;
		}
		if (!pad && !(pad = malloc(CHUNK))) {
			err = MT_ERR_NOMEM;
			break;
		}
		memset(pad, 0, CHUNK);
		memcpy(pad, data + off, len - off);
		r = do_chunk(x, pad, off);
	}
	if (r == EV_NOMEM)
		err = MT_ERR_NOMEM;
	if (err == MT_OK && stats->header_bad && stats->chunks == 0)
		err = MT_ERR_PARSE;
	free(pad);
	ex_free(x);
	return err;
}

/* Reads up to n bytes at off; the count read, -1 on error. */
static ssize_t pread_full(int fd, uint8_t *p, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(fd, p + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

mt_err mt_evtx_read_fd(int fd, const mt_evtx_opts *o, mt_evtx_stats *stats)
{
	mt_evtx_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	if (!o || fd < 0)
		return MT_ERR_INVAL;
	uint8_t *buf = malloc(CHUNK);
	ex *x = buf ? ex_new(o, stats) : NULL;
	if (!x) {
		free(buf);
		return MT_ERR_NOMEM;
	}
	mt_err err = MT_OK;
	ssize_t n = pread_full(fd, buf, FILE_HDR, 0);
	if (n < 0) {
		err = MT_ERR_IO;
		goto out;
	}
	uint64_t off = file_header(x, buf, (size_t)n);
	int r = 0;
	while (!r && off < MT_MAX_EVTX_FILE) {
		n = pread_full(fd, buf, CHUNK, off);
		if (n < 0) {
			err = MT_ERR_IO;
			goto out;
		}
		if ((size_t)n < CHUNK_HDR)
			break;
		if ((size_t)n < CHUNK)
			memset(buf + n, 0, CHUNK - (size_t)n);
		r = do_chunk(x, buf, off);
		if ((size_t)n < CHUNK)
			break;
		off += CHUNK;
	}
	if (!r && off >= MT_MAX_EVTX_FILE)
		diag(x, "evtx: stopped at %llu bytes (MT_MAX_EVTX_FILE)", (unsigned long long)off);
	if (r == EV_NOMEM)
		err = MT_ERR_NOMEM;
	else if (stats->header_bad && stats->chunks == 0)
		err = MT_ERR_PARSE;
out:
	free(buf);
	ex_free(x);
	return err;
}

const char *mt_evtx_field_get(const mt_evtx_record *r, const char *name)
{
	if (!r || !name)
		return NULL;
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return r->fields[i].value;
	return NULL;
}
