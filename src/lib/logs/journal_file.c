/* journal_file.c - our own bounded reader of systemd journal files: header, a forward
 * walk over the objects, DATA objects (XZ, LZ4, ZSTD) and ENTRY objects with their items */
#include <limits.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "journal_file.h"

/* On-disk layout (little endian, objects 8-byte aligned); offsets into the header and the
 * objects as systemd's journal-def.h gives them. */
#define H_SIG         0
#define H_INCOMPAT    12
#define H_STATE       16
#define H_HEADER_SIZE 88
#define H_ARENA_SIZE  96
#define H_MIN         208 /* the header up to n_data: the oldest files still read by systemd */

#define INC_XZ         0x1u
#define INC_LZ4        0x2u
#define INC_KEYED_HASH 0x4u
#define INC_ZSTD       0x8u
#define INC_COMPACT    0x10u
#define INC_KNOWN      (INC_XZ | INC_LZ4 | INC_KEYED_HASH | INC_ZSTD | INC_COMPACT)

#define O_DATA     1
#define O_ENTRY    3
#define O_TYPE_MAX 8 /* UNUSED .. TAG */

#define F_XZ   0x1u
#define F_LZ4  0x2u
#define F_ZSTD 0x4u

#define OBJ_HDR              16
#define DATA_PAYLOAD         64 /* regular files */
#define DATA_PAYLOAD_COMPACT 72 /* two le32 of the tail entry array before the payload */
#define ENTRY_ITEMS          64
#define VALID_TS(u)          ((u) < (1ull << 55))
#define NAME_PEEK            64 /* bytes decompressed to learn a field's name */

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A wanted DATA object, found in the first walk. */
typedef struct dref {
	uint64_t off;  /* of the object */
	uint64_t vpos; /* value: offset into buf, or into the arena when arena is set */
	uint32_t n;
	uint8_t field; /* index into want */
	uint8_t big;
	uint8_t arena;
} dref;

typedef struct jctx {
	const unsigned char *buf;
	uint64_t hs, end;
	int compact;
	const char *const *want;
	size_t nwant;
	size_t wlen[MT_JF_MAX];
	uint64_t *budget;
	mt_jstats *st;
	dref *d;
	size_t nd, dcap;
	char *arena; /* decompressed values */
	size_t alen, acap;
	unsigned char *tmp; /* MT_MAX_JOURNAL_FIELD + 1, for compressed objects */
	ZSTD_DCtx *zd;
	mt_err err;
} jctx;

/* Decompresses src[0..n) of the object flag fl into out[0..cap): *got the bytes written
 * (cap when there is at least that much). -1 for data that does not decompress. */
static int inflate_obj(jctx *c, unsigned fl, const unsigned char *src, size_t n, unsigned char *out,
                       size_t cap, size_t *got)
{
	*got = 0;
	if (fl == F_XZ) {
		lzma_stream s = LZMA_STREAM_INIT;
		if (lzma_stream_decoder(&s, 64u << 20, 0) != LZMA_OK)
			return -1;
		s.next_in = src;
		s.avail_in = n;
		s.next_out = out;
		s.avail_out = cap;
		int rc = -1;
		for (int i = 0; i < (1 << 20); i++) {
			lzma_ret r = lzma_code(&s, LZMA_FINISH);
			if (r == LZMA_STREAM_END || s.avail_out == 0) {
				rc = 0; /* the end (trailing bytes ignored, as systemd does) or full */
				break;
			}
			if (r != LZMA_OK)
				break;
		}
		*got = cap - s.avail_out;
		lzma_end(&s);
		return rc;
	}
	if (fl == F_LZ4) {
		/* systemd's LZ4 blob: the size as le64, then one LZ4 block */
		if (n <= 8 || n - 8 > INT_MAX || cap > INT_MAX)
			return -1;
		uint64_t usz = le64(src);
		if (usz == 0)
			return -1;
		if (usz <= cap) {
			int r = LZ4_decompress_safe((const char *)src + 8, (char *)out,
			                            (int)(n - 8), (int)usz);
			if (r < 0 || (uint64_t)r != usz)
				return -1;
			*got = (size_t)usz;
			return 0;
		}
		int r = LZ4_decompress_safe_partial((const char *)src + 8, (char *)out,
		                                    (int)(n - 8), (int)cap, (int)cap);
		if (r < 0 || (size_t)r != cap)
			return -1; /* shorter than its size says */
		*got = cap;
		return 0;
	}
	if (fl == F_ZSTD) {
		if (!c->zd) {
			c->zd = ZSTD_createDCtx();
			if (!c->zd) {
				c->err = MT_ERR_NOMEM;
				return -1;
			}
			/* a frame may ask for a window of up to 2 GiB: 16 MiB is plenty for one field */
			ZSTD_DCtx_setParameter(c->zd, ZSTD_d_windowLogMax, 24);
		}
		ZSTD_DCtx_reset(c->zd, ZSTD_reset_session_only);
		ZSTD_inBuffer in = {src, n, 0};
		ZSTD_outBuffer ob = {out, cap, 0};
		for (int i = 0; i < (1 << 20); i++) {
			size_t k = ZSTD_decompressStream(c->zd, &ob, &in);
			if (ZSTD_isError(k))
				return -1;
			if (ob.pos == ob.size || (k == 0 && in.pos == in.size)) {
				*got = ob.pos;
				return 0;
			}
			if (in.pos == in.size)
				return -1; /* cut in the middle of a frame */
		}
		return -1;
	}
	return -1;
}

/* The wanted field a payload names, or -1; *vo the offset of its value. */
static int field_of(const jctx *c, const unsigned char *p, size_t n, size_t *vo)
{
	for (size_t i = 0; i < c->nwant; i++) {
		size_t wl = c->wlen[i];
		if (n > wl && p[wl] == '=' && memcmp(p, c->want[i], wl) == 0) {
			*vo = wl + 1;
			return (int)i;
		}
	}
	return -1;
}

static int add_ref(jctx *c, const dref *r)
{
	if (c->nd == c->dcap) {
		size_t nc = c->dcap ? c->dcap * 2 : 1024;
		dref *nd = realloc(c->d, nc * sizeof(*nd));
		if (!nd) {
			c->err = MT_ERR_NOMEM;
			return -1;
		}
		c->d = nd;
		c->dcap = nc;
	}
	c->d[c->nd++] = *r;
	return 0;
}

/* Spends n bytes of the decompression budget, or says it is spent. */
static int spend(jctx *c, size_t n)
{
	if (*c->budget < n)
		return -1;
	*c->budget -= n;
	return 0;
}

/* A DATA object of the first walk: its field looked at, kept when wanted. */
static void on_data(jctx *c, uint64_t off, unsigned flags, uint64_t size)
{
	uint64_t po = c->compact ? DATA_PAYLOAD_COMPACT : DATA_PAYLOAD;
	unsigned fl = flags & (F_XZ | F_LZ4 | F_ZSTD);
	if (size <= po || (fl & (fl - 1)) != 0) {
		c->st->bad_data++;
		return;
	}
	const unsigned char *p = c->buf + off + po;
	size_t n = (size_t)(size - po), vo = 0;
	dref r;
	memset(&r, 0, sizeof(r));
	r.off = off;
	if (!fl) {
		int f = field_of(c, p, n, &vo);
		if (f < 0)
			return;
		r.field = (uint8_t)f;
		r.vpos = off + po + vo;
		if (n - vo > MT_MAX_JOURNAL_FIELD)
			r.big = 1;
		else
			r.n = (uint32_t)(n - vo);
		add_ref(c, &r);
		return;
	}
	/* compressed: its name first (a few bytes), the whole value only when wanted */
	c->st->compressed[fl == F_XZ ? 0 : fl == F_LZ4 ? 1 : 2]++;
	if (!c->tmp && !(c->tmp = malloc(MT_MAX_JOURNAL_FIELD + 1))) {
		c->err = MT_ERR_NOMEM;
		return;
	}
	size_t got;
	if (spend(c, NAME_PEEK) != 0) {
		c->st->not_inflated++;
		return;
	}
	if (inflate_obj(c, fl, p, n, c->tmp, NAME_PEEK, &got) != 0) {
		c->st->bad_data++;
		return;
	}
	int f = field_of(c, c->tmp, got, &vo);
	if (f < 0)
		return;
	if (spend(c, MT_MAX_JOURNAL_FIELD + 1) != 0) {
		c->st->not_inflated++;
		return;
	}
	if (inflate_obj(c, fl, p, n, c->tmp, MT_MAX_JOURNAL_FIELD + 1, &got) != 0 || got < vo) {
		*c->budget += MT_MAX_JOURNAL_FIELD + 1;
		c->st->bad_data++;
		return;
	}
	*c->budget += MT_MAX_JOURNAL_FIELD + 1 - got; /* what was not used */
	r.field = (uint8_t)f;
	if (got > MT_MAX_JOURNAL_FIELD) {
		r.big = 1;
		c->st->over_cap++;
		add_ref(c, &r);
		return;
	}
	size_t vn = got - vo;
	if (c->alen + vn + 1 > MT_MAX_JOURNAL_ARENA) { /* many small bombs: values not kept */
		r.big = 1;
		c->st->over_cap++;
		add_ref(c, &r);
		return;
	}
	if (c->alen + vn + 1 > c->acap) {
		size_t nc = c->acap ? c->acap : 65536;
		while (nc < c->alen + vn + 1)
			nc *= 2;
		char *na = realloc(c->arena, nc);
		if (!na) {
			c->err = MT_ERR_NOMEM;
			return;
		}
		c->arena = na;
		c->acap = nc;
	}
	memcpy(c->arena + c->alen, c->tmp + vo, vn);
	r.vpos = c->alen;
	r.n = (uint32_t)vn;
	r.arena = 1;
	c->alen += vn;
	add_ref(c, &r);
}

static const dref *find_ref(const jctx *c, uint64_t off)
{
	size_t lo = 0, hi = c->nd;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->d[mid].off == off)
			return &c->d[mid];
		if (c->d[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Whether off holds a DATA object (one of no wanted field). */
static int is_data(const jctx *c, uint64_t off)
{
	uint64_t po = c->compact ? DATA_PAYLOAD_COMPACT : DATA_PAYLOAD;
	if (off % 8 || off < c->hs || off > c->end || c->end - off < OBJ_HDR ||
	    c->buf[off] != O_DATA)
		return 0;
	uint64_t size = le64(c->buf + off + 8);
	return size > po && size <= c->end - off;
}

/* An ENTRY object of the second walk; nonzero when the callback stops. */
static int on_entry(jctx *c, uint64_t off, uint64_t size, mt_jentry_fn fn, void *ctx)
{
	const unsigned char *o = c->buf + off;
	uint64_t isz = c->compact ? 4 : 16;
	if (size <= ENTRY_ITEMS || (size - ENTRY_ITEMS) % isz != 0) {
		c->st->bad_entries++;
		return 0;
	}
	mt_jentry e;
	memset(&e, 0, sizeof(e));
	e.offset = off;
	e.seqnum = le64(o + 16);
	e.realtime = le64(o + 24);
	e.monotonic = le64(o + 32);
	memcpy(e.boot_id, o + 40, 16);
	e.xor_hash = le64(o + 56);
	if (e.seqnum == 0 || e.realtime == 0 || !VALID_TS(e.realtime) || !VALID_TS(e.monotonic)) {
		c->st->bad_entries++;
		return 0;
	}
	uint64_t n = (size - ENTRY_ITEMS) / isz;
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *it = o + ENTRY_ITEMS + i * isz;
		uint64_t doff = c->compact ? le32(it) : le64(it);
		const dref *r = find_ref(c, doff);
		if (!r) {
			if (!is_data(c, doff))
				c->st->bad_items++;
			continue;
		}
		mt_jval *v = &e.f[r->field];
		if (v->p || v->big)
			continue; /* the first one counts, as in sd_journal_get_data */
		if (r->big) {
			v->big = 1;
			continue;
		}
		v->p = r->arena ? c->arena + r->vpos : (const char *)c->buf + r->vpos;
		v->n = r->n;
	}
	c->st->entries++;
	return fn(ctx, &e) != 0;
}

/* Walks the objects from the header to the end of the arena; pass 0 looks at DATA,
 * pass 1 at ENTRY objects. Every step goes forward by the object's (bounded) size. */
static void walk(jctx *c, int pass, mt_jentry_fn fn, void *ctx)
{
	uint64_t off = c->hs;
	while (c->err == MT_OK && off <= c->end && c->end - off >= OBJ_HDR) {
		const unsigned char *o = c->buf + off;
		unsigned type = o[0], flags = o[1];
		uint64_t size = le64(o + 8);
		if (type == 0 && size == 0)
			return; /* the unused rest of the arena */
		const char *why = NULL;
		if (size < OBJ_HDR)
			why = "an object smaller than its header";
		else if (size > c->end - off)
			why = c->st->cut ? "an object runs past the end of the file (cut)"
			                 : "an object runs past the end of the arena";
		else if (type == 0 || type >= O_TYPE_MAX)
			why = "an object of unknown type";
		if (why) {
			if (pass == 0) {
				c->st->stop_off = off;
				c->st->stop_why = why;
			}
			return;
		}
		if (pass == 0) {
			c->st->objects++;
			if (type == O_DATA)
				on_data(c, off, flags, size);
		} else if (type == O_ENTRY && on_entry(c, off, size, fn, ctx)) {
			return;
		}
		off += (size + 7) & ~7ull;
	}
}

mt_err mt_journal_parse(const unsigned char *buf, size_t len, const char *const *want, size_t nwant,
                        uint64_t *budget, mt_jstats *st, mt_jentry_fn fn, void *ctx)
{
	memset(st, 0, sizeof(*st));
	if (nwant > MT_JF_MAX)
		return MT_ERR_INVAL;
	if (len < H_MIN || memcmp(buf + H_SIG, "LPKSHHRH", 8) != 0)
		return MT_ERR_PARSE;
	st->incompatible = le32(buf + H_INCOMPAT);
	st->state = buf[H_STATE];
	if (st->incompatible & ~INC_KNOWN)
		return MT_ERR_UNSUPPORTED;
	st->compact = (st->incompatible & INC_COMPACT) != 0;
	uint64_t hs = le64(buf + H_HEADER_SIZE), arena = le64(buf + H_ARENA_SIZE);
	if (hs < H_MIN || hs % 8 || hs > len || arena > UINT64_MAX - hs)
		return MT_ERR_PARSE;
	jctx c;
	memset(&c, 0, sizeof(c));
	c.buf = buf;
	c.hs = hs;
	c.end = hs + arena;
	if (c.end > len) {
		st->cut = 1;
		c.end = len;
	}
	c.compact = st->compact;
	c.want = want;
	c.nwant = nwant;
	for (size_t i = 0; i < nwant; i++) {
		c.wlen[i] = strlen(want[i]);
		if (c.wlen[i] == 0 || c.wlen[i] >= NAME_PEEK)
			return MT_ERR_INVAL;
	}
	c.budget = budget;
	c.st = st;
	walk(&c, 0, fn, ctx);
	if (c.err == MT_OK)
		walk(&c, 1, fn, ctx);
	free(c.tmp);
	free(c.d);
	free(c.arena);
	if (c.zd)
		ZSTD_freeDCtx(c.zd);
	return c.err;
}
