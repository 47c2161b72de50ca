/* regf.c - a bounded reader of Windows registry hives (regf) with .LOG/.LOG1/.LOG2 replay
 * (the new "HvLE" log entries of Windows 8.1+ and the old "DIRT" dirty vector). Every
 * read goes through the little-endian getters below after a bounds check that cannot
 * overflow; cells are only used where the hive bin walk found an allocated cell. */
#include <stdlib.h>
#include <string.h>

#include "regf.h"

#define BASE_LEN     4096u /* base block of a primary file */
#define LOG_BASE_LEN 512u  /* base block copy at the start of a log */
#define HBIN_ALIGN   4096u
#define HBIN_HDR     32u
#define NK_MIN       76u
#define VK_MIN       20u
#define DB_SEG_MAX   16344u /* data bytes of one big-data segment */
#define NIL          0xffffffffu

#define FT_PRIMARY    0
#define FT_LOG_OLD    1
#define FT_LOG_OLDER  2
#define FT_LOG_NEW    6
#define KEY_COMP_NAME 0x0020
#define VAL_COMP_NAME 0x0001

#define MARVIN_SEED 0x82EF4D887A4E55C5ull

/* the longest path mt_regf_walk builds (names joined by '\\') */
#define WALK_PATH_MAX (1u << 20)

struct mt_regf {
	uint8_t *data; /* base block and hive bins, after replay */
	size_t len;
	size_t bins_end; /* file offset where the usable hive bins end */
	uint32_t root;
	uint8_t *cells;     /* bit per 4 bytes of the bins: an allocated cell starts here */
	unsigned *bad;      /* info.bad_cells, counted by const readers too */
	mt_regf_info info;  /* what mt_regf_open reported */
	mt_buf name;        /* the current value's name */
	mt_buf big;         /* the current value's joined big data */
	uint8_t inl[4];     /* the current value's inline data */
	unsigned bad_cells; /* storage of *bad */
};

/* ---- little-endian getters over a checked range ---------------------------------- */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* [off, off+size) lies inside len bytes; cannot overflow. */
static int fits(size_t len, uint64_t off, uint64_t size)
{
	return size <= len && off <= len - size;
}

/* ---- hashes and checksums ------------------------------------------------------- */

static uint32_t base_checksum(const uint8_t *p)
{
	uint32_t c = 0;
	for (unsigned i = 0; i < 508; i += 4)
		c ^= le32(p + i);
	if (c == 0)
		c = 1;
	else if (c == 0xffffffffu)
		c = 0xfffffffeu;
	return c;
}

static int base_valid(const uint8_t *p, size_t len)
{
	return len >= LOG_BASE_LEN && memcmp(p, "regf", 4) == 0 &&
	       base_checksum(p) == le32(p + 508);
}

static uint32_t rotl32(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void marvin_mix(uint32_t *lo, uint32_t *hi, uint32_t v)
{
	*lo += v;
	*hi ^= *lo;
	*lo = rotl32(*lo, 20) + *hi;
	*hi = rotl32(*hi, 9) ^ *lo;
	*lo = rotl32(*lo, 27) + *hi;
	*hi = rotl32(*hi, 19);
}

/* Marvin32 (the hash of log entries), 64 bits as stored: high word after low. */
static uint64_t marvin32(const uint8_t *p, size_t n)
{
	uint32_t lo = (uint32_t)MARVIN_SEED, hi = (uint32_t)(MARVIN_SEED >> 32);
	for (; n >= 4; p += 4, n -= 4)
		marvin_mix(&lo, &hi, le32(p));
	uint32_t fin = 0x80;
	for (size_t i = n; i > 0; i--)
		fin = (fin << 8) | p[i - 1];
	marvin_mix(&lo, &hi, fin);
	marvin_mix(&lo, &hi, 0);
	return ((uint64_t)hi << 32) | lo;
}

/* ---- log replay ------------------------------------------------------------------- */

/* Makes the hive hold at least need bytes (zero-filled growth), at most MT_MAX_HIVE_FILE. */
static int hive_reserve(uint8_t **data, size_t *len, uint64_t need)
{
	if (need <= *len)
		return 0;
	if (need > MT_MAX_HIVE_FILE)
		return -1;
	uint8_t *p = realloc(*data, (size_t)need);
	if (!p)
		return -1;
	memset(p + *len, 0, (size_t)need - *len);
	*data = p;
	*len = (size_t)need;
	return 0;
}

/* Whether the sequence number a comes before b (serial number arithmetic). */
static int seq_before(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(b - a) < 0x80000000u;
}

typedef struct log_entry {
	const uint8_t *p; /* the entry inside its log */
	uint32_t size, seq, hbins, npages;
	size_t log;
} log_entry;

/* Checks the new-format entry at off of log[0..len); 1 when usable, 0 when there is no
 * entry (not "HvLE"), -1 when it is one but damaged. */
static int check_entry(const uint8_t *log, size_t len, size_t off, log_entry *e)
{
	if (!fits(len, off, 40) || memcmp(log + off, "HvLE", 4) != 0)
		return 0;
	const uint8_t *p = log + off;
	uint32_t size = le32(p + 4);
	e->p = p;
	e->size = size;
	e->seq = le32(p + 12);
	e->hbins = le32(p + 16);
	e->npages = le32(p + 20);
	if (size < 512 || size % 512 || !fits(len, off, size))
		return -1;
	if (e->hbins < HBIN_ALIGN || e->hbins % HBIN_ALIGN ||
	    e->hbins > MT_MAX_HIVE_FILE - BASE_LEN)
		return -1;
	if (e->npages == 0 || e->npages > (size - 40) / 8)
		return -1;
	uint64_t data = 40 + (uint64_t)e->npages * 8, total = 0;
	for (uint32_t i = 0; i < e->npages; i++) {
		uint32_t poff = le32(p + 40 + 8 * i), psz = le32(p + 44 + 8 * i);
		total += psz;
		if (total > size - data || !fits(e->hbins, poff, psz))
			return -1;
	}
	if (marvin32(p, 32) != le64(p + 32) || marvin32(p + 40, size - 40) != le64(p + 24))
		return -1;
	return 1;
}

/* Writes the dirty pages of a checked entry into the hive. */
static int apply_entry(uint8_t **data, size_t *len, const log_entry *e)
{
	/* a hive grows by bins the entry carries: a bigger claim is refused, so that a
	   small log cannot make us allocate a gigabyte */
	if ((uint64_t)BASE_LEN + e->hbins > (uint64_t)*len + e->size + HBIN_ALIGN)
		return -1;
	if (hive_reserve(data, len, (uint64_t)BASE_LEN + e->hbins))
		return -1;
	const uint8_t *src = e->p + 40 + (size_t)e->npages * 8;
	for (uint32_t i = 0; i < e->npages; i++) {
		uint32_t poff = le32(e->p + 40 + 8 * i), psz = le32(e->p + 44 + 8 * i);
		memcpy(*data + BASE_LEN + poff, src, psz);
		src += psz;
	}
	put32(*data + 40, e->hbins);
	return 0;
}

/* Replays the new-format logs: entries in sequence order from start, stopping at the
 * first sequence number no log continues with. Returns entries applied. */
static unsigned replay_new(uint8_t **data, size_t *len, const uint8_t *const *logs,
                           const size_t *lens, const int *kind, size_t nlogs, uint32_t start,
                           mt_regf_info *info, uint32_t *last)
{
	log_entry *ents = NULL;
	size_t nents = 0, alloc = 0;
	unsigned applied = 0;
	unsigned used_mask = 0;
	for (size_t i = 0; i < nlogs; i++) {
		if (kind[i] != FT_LOG_NEW)
			continue;
		for (size_t off = LOG_BASE_LEN; off < lens[i];) {
			log_entry e;
			int r = check_entry(logs[i], lens[i], off, &e);
			if (r <= 0) {
				if (r < 0)
					info->log_bad++;
				break;
			}
			if (nents == alloc) {
				size_t na = alloc ? alloc * 2 : 16;
				log_entry *ne = realloc(ents, na * sizeof(*ne));
				if (!ne)
					goto out;
				ents = ne;
				alloc = na;
			}
			e.log = i;
			ents[nents++] = e;
			off += e.size;
		}
	}
	uint32_t want = start;
	for (;;) {
		size_t k;
		for (k = 0; k < nents && ents[k].seq != want; k++)
			;
		if (k == nents)
			break;
		if (apply_entry(data, len, &ents[k])) {
			info->log_bad++;
			break;
		}
		if (ents[k].log < 8 * sizeof(used_mask))
			used_mask |= 1u << ents[k].log;
		*last = want;
		applied++;
		want++;
		if (applied > nents) /* every entry once at most (sequence wrapping) */
			break;
	}
out:
	free(ents);
	info->log_entries += applied;
	for (unsigned m = used_mask; m; m &= m - 1)
		info->logs_used++;
	return applied;
}

/* Replays an old-format log (dirty vector and 512-byte dirty pages). Returns the pages
 * written, or -1 when the log does not fit. */
static long replay_old(uint8_t **data, size_t *len, const uint8_t *log, size_t llen)
{
	uint32_t hbins = le32(log + 40);
	if (hbins < HBIN_ALIGN || hbins % HBIN_ALIGN || hbins > MT_MAX_HIVE_FILE - BASE_LEN)
		return -1;
	size_t vec = hbins / 4096; /* bitmap bytes: one bit per 512 bytes */
	if (!fits(llen, LOG_BASE_LEN, 4 + (uint64_t)vec) ||
	    memcmp(log + LOG_BASE_LEN, "DIRT", 4) != 0)
		return -1;
	size_t pages = LOG_BASE_LEN + 4 + vec;
	pages = (pages + 511) / 512 * 512;
	/* growth beyond the pages the log holds is refused, as for the new format */
	if ((uint64_t)BASE_LEN + hbins > (uint64_t)*len + llen + HBIN_ALIGN ||
	    hive_reserve(data, len, (uint64_t)BASE_LEN + hbins))
		return -1;
	const uint8_t *bits = log + LOG_BASE_LEN + 4;
	long n = 0;
	for (size_t bit = 0; bit < vec * 8; bit++) {
		if (!(bits[bit / 8] >> (bit % 8) & 1))
			continue;
		uint64_t src = pages + (uint64_t)n * 512;
		if (!fits(llen, src, 512))
			return n ? n : -1;
		memcpy(*data + BASE_LEN + bit * 512, log + src, 512);
		n++;
	}
	put32(*data + 40, hbins);
	return n;
}

/* Replays the logs into the hive when its base block is dirty or bad. */
static void replay(uint8_t **data, size_t *len, const uint8_t *const *logs, const size_t *lens,
                   size_t nlogs, mt_regf_info *info)
{
	int kind[64];
	if (nlogs > MT_ARRAY_LEN(kind))
		nlogs = MT_ARRAY_LEN(kind);
	int base_ok = *len >= BASE_LEN && base_valid(*data, *len);
	int any_new = 0, any_old = 0;
	size_t newest = SIZE_MAX; /* the new-format log whose base block is latest */
	for (size_t i = 0; i < nlogs; i++) {
		kind[i] = -1;
		if (!logs || !lens || !logs[i] || lens[i] > MT_MAX_HIVE_LOG)
			continue;
		if (!base_valid(logs[i], lens[i]) || le32(logs[i] + 4) != le32(logs[i] + 8)) {
			if (lens[i] >= 4)
				info->log_bad++;
			continue;
		}
		uint32_t t = le32(logs[i] + 28);
		if (t == FT_LOG_NEW) {
			kind[i] = FT_LOG_NEW;
			any_new = 1;
			if (newest == SIZE_MAX ||
			    seq_before(le32(logs[newest] + 4), le32(logs[i] + 4)))
				newest = i;
		} else if (t == FT_LOG_OLD || t == FT_LOG_OLDER) {
			kind[i] = FT_LOG_OLD;
			any_old = 1;
		}
	}
	if (*len < BASE_LEN && (any_new || any_old) && hive_reserve(data, len, BASE_LEN))
		return;
	if (any_new) {
		uint32_t start, last = 0;
		const uint8_t *lb = NULL;
		if (base_ok) {
			start = le32(*data + 8);
		} else {
			lb = logs[newest];
			start = le32(lb + 4);
		}
		unsigned n = replay_new(data, len, logs, lens, kind, nlogs, start, info, &last);
		if (lb) {
			uint32_t hb = le32(*data + 40);
			memcpy(*data, lb, LOG_BASE_LEN);
			if (n)
				put32(*data + 40, hb);
			info->base_from_log = 1;
			if (!n)
				info->logs_used++;
		}
		if (n || lb) {
			uint32_t seq = n ? last + 1 : start;
			put32(*data + 4, seq);
			put32(*data + 8, seq);
			put32(*data + 28, FT_PRIMARY);
			put32(*data + 508, base_checksum(*data));
		}
		return;
	}
	if (!any_old)
		return;
	/* old format: the first log written at or after the hive's last write */
	uint64_t hive_ts = base_ok ? le64(*data + 12) : 0;
	if (!base_ok && *len >= BASE_LEN + HBIN_HDR && memcmp(*data + BASE_LEN, "hbin", 4) == 0)
		hive_ts = le64(*data + BASE_LEN + 20);
	for (size_t i = 0; i < nlogs; i++) {
		if (kind[i] != FT_LOG_OLD || le64(logs[i] + 12) < hive_ts)
			continue;
		uint8_t save[LOG_BASE_LEN];
		memcpy(save, *data, LOG_BASE_LEN);
		long n = replay_old(data, len, logs[i], lens[i]);
		if (n < 0) {
			info->log_bad++;
			continue;
		}
		uint32_t hb = le32(*data + 40);
		if (!base_ok) {
			memcpy(*data, logs[i], LOG_BASE_LEN);
			info->base_from_log = 1;
		} else {
			memcpy(*data, save, LOG_BASE_LEN);
			put32(*data + 36, le32(logs[i] + 36));
		}
		put32(*data + 40, hb);
		put32(*data + 4, le32(logs[i] + 4));
		put32(*data + 8, le32(logs[i] + 4));
		put32(*data + 28, FT_PRIMARY);
		put32(*data + 508, base_checksum(*data));
		info->logs_used++;
		info->log_entries += (unsigned)n;
		return;
	}
}

/* ---- hive bins and cells ------------------------------------------------------------ */

/* Walks the hive bins from the base block, marks where allocated cells start, and sets
 * bins_end to the end of the last good bin. */
static mt_err index_cells(mt_regf *h, uint32_t hbins, mt_regf_info *inf)
{
	uint64_t want = (uint64_t)BASE_LEN + hbins;
	size_t end = want <= h->len ? (size_t)want : h->len;
	if (want > h->len)
		inf->truncated = 1;
	size_t nbits = end > BASE_LEN ? (end - BASE_LEN) / 4 : 0;
	h->cells = calloc(nbits / 8 + 1, 1);
	if (!h->cells)
		return MT_ERR_NOMEM;
	size_t pos = BASE_LEN;
	while (pos < end && fits(end, pos, HBIN_HDR)) {
		const uint8_t *b = h->data + pos;
		uint32_t bsize = le32(b + 8);
		if (memcmp(b, "hbin", 4) != 0 || le32(b + 4) != pos - BASE_LEN ||
		    bsize < HBIN_ALIGN || bsize % HBIN_ALIGN || !fits(end, pos, bsize))
			break;
		size_t c = pos + HBIN_HDR, bend = pos + bsize;
		while (c + 4 <= bend) {
			int32_t sz = (int32_t)le32(h->data + c);
			uint32_t abs = sz < 0 ? (uint32_t)0 - (uint32_t)sz : (uint32_t)sz;
			if (abs < 8 || abs % 4 || abs > bend - c) {
				(*h->bad)++;
				break;
			}
			if (sz < 0) {
				size_t bit = (c - BASE_LEN) / 4;
				h->cells[bit / 8] |= (uint8_t)(1u << (bit % 8));
			}
			c += abs;
		}
		pos += bsize;
	}
	if (pos < end)
		inf->truncated = 1;
	h->bins_end = pos;
	return MT_OK;
}

/* The data of the allocated cell at hive offset off and its length; NULL when no
 * allocated cell starts there. */
static const uint8_t *cell(const mt_regf *h, uint32_t off, size_t *n)
{
	if (off == NIL || off % 4 || (uint64_t)off + BASE_LEN + 4 > h->bins_end)
		return NULL;
	size_t bit = off / 4;
	if (!(h->cells[bit / 8] >> (bit % 8) & 1))
		return NULL;
	const uint8_t *p = h->data + BASE_LEN + off;
	uint32_t abs = (uint32_t)0 - le32(p);
	*n = abs - 4;
	return p + 4;
}

/* The nk cell of k, NULL when k is not a key. */
static const uint8_t *nk_cell(const mt_regf *h, mt_regf_key k, size_t *n)
{
	const uint8_t *p = cell(h, k, n);
	if (!p || *n < NK_MIN || memcmp(p, "nk", 2) != 0 || le16(p + 72) > *n - NK_MIN)
		return NULL;
	return p;
}

/* ---- names -------------------------------------------------------------------------- */

static size_t utf8_put(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Appends UTF-16LE p[0..n) as UTF-8 (unpaired surrogates as U+FFFD); stops at a NUL
 * when stop_nul. */
static mt_err utf16_add(mt_buf *b, const uint8_t *p, size_t n, int stop_nul)
{
	char o[4];
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t c = le16(p + i);
		if (c == 0 && stop_nul)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < n) {
			uint32_t d = le16(p + i + 2);
			if (d >= 0xdc00 && d < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i += 2;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		mt_buf_add(b, o, utf8_put(c, o));
	}
	return b->err;
}

static mt_err latin1_add(mt_buf *b, const uint8_t *p, size_t n)
{
	char o[4];
	for (size_t i = 0; i < n; i++)
		mt_buf_add(b, o, utf8_put(p[i], o));
	return b->err;
}

/* A name as UTF-8 into out[n]; returns its full length. */
static int name_out(const uint8_t *p, size_t len, int comp, char *out, size_t n)
{
	mt_buf b;
	mt_buf_init(&b, 4 * 65536);
	mt_err e = comp ? latin1_add(&b, p, len) : utf16_add(&b, p, len, 0);
	int r = e == MT_OK ? (int)b.len : -1;
	if (out && n)
		mt_copy(out, n, e == MT_OK && b.data ? b.data : "");
	mt_buf_free(&b);
	return r;
}

/* Decodes one code point of UTF-8 at s (invalid bytes as themselves). */
static uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = p[0];
	unsigned n = 0;
	if (c >= 0xf0 && c < 0xf8)
		n = 3, c &= 7;
	else if (c >= 0xe0)
		n = 2, c &= 15;
	else if (c >= 0xc0)
		n = 1, c &= 31;
	for (unsigned i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += 1;
			return p[0];
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	*s += n + 1;
	return c;
}

/* Upper case as Windows compares these names: ASCII, Latin-1, Greek and Cyrillic. */
static uint32_t fold(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return c - 32;
	if (c == 0xff)
		return 0x178;
	if (c >= 0x3b1 && c <= 0x3cb && c != 0x3c2)
		return c - 32;
	if (c >= 0x430 && c <= 0x44f)
		return c - 32;
	if (c >= 0x450 && c <= 0x45f)
		return c - 80;
	return c;
}

/* Case-insensitive equality of UTF-8 a[0..an) and b[0..bn). */
static int name_eq(const char *a, size_t an, const char *b, size_t bn)
{
	const char *ae = a + an, *be = b + bn;
	while (a < ae && b < be) {
		if (fold(utf8_next(&a)) != fold(utf8_next(&b)))
			return 0;
	}
	return a >= ae && b >= be;
}

/* ---- open and free -------------------------------------------------------------------- */

mt_err mt_regf_open(uint8_t *data, size_t len, const uint8_t *const *logs, const size_t *lens,
                    size_t nlogs, mt_regf **out, mt_regf_info *info)
{
	mt_regf_info inf;
	memset(&inf, 0, sizeof(inf));
	if (info)
		memset(info, 0, sizeof(*info));
	if (!out) {
		free(data);
		return MT_ERR_INVAL;
	}
	*out = NULL;
	if (!data || len > MT_MAX_HIVE_FILE) {
		free(data);
		return data ? MT_ERR_TOOBIG : MT_ERR_INVAL;
	}
	mt_regf *h = calloc(1, sizeof(*h));
	if (!h) {
		free(data);
		return MT_ERR_NOMEM;
	}
	h->data = data;
	h->len = len;
	h->bad = &h->bad_cells;
	mt_buf_init(&h->name, 4 * 65536);
	mt_buf_init(&h->big, MT_MAX_REG_DATA);
	mt_err r = MT_ERR_PARSE;

	int sig = len >= LOG_BASE_LEN && memcmp(data, "regf", 4) == 0;
	if (sig) {
		inf.bad_checksum = base_checksum(data) != le32(data + 508);
		inf.dirty = le32(data + 4) != le32(data + 8);
	}
	if ((!sig || inf.bad_checksum || inf.dirty) && nlogs)
		replay(&h->data, &h->len, logs, lens, nlogs, &inf);
	if (h->len < BASE_LEN + HBIN_HDR || memcmp(h->data, "regf", 4) != 0)
		goto out;
	inf.last_written = le64(h->data + 12);
	uint32_t hbins = le32(h->data + 40);
	if (!base_valid(h->data, h->len) || hbins < HBIN_ALIGN || hbins % HBIN_ALIGN) {
		/* an untrusted size: as much as the file holds, in whole bins */
		uint64_t guess = (h->len - BASE_LEN) / HBIN_ALIGN * HBIN_ALIGN;
		if (hbins < HBIN_ALIGN || hbins % HBIN_ALIGN || hbins > guess)
			hbins = (uint32_t)guess;
	}
	r = index_cells(h, hbins, &inf);
	if (r != MT_OK)
		goto out;
	r = MT_ERR_PARSE;
	h->root = le32(h->data + 36);
	size_t n;
	if (!nk_cell(h, h->root, &n))
		goto out;
	r = MT_OK;
out:
	inf.bad_cells = h->bad_cells;
	h->info = inf;
	if (info)
		*info = inf;
	if (r != MT_OK) {
		mt_regf_free(h);
		return r;
	}
	*out = h;
	return MT_OK;
}

void mt_regf_free(mt_regf *h)
{
	if (!h)
		return;
	free(h->data);
	free(h->cells);
	mt_buf_free(&h->name);
	mt_buf_free(&h->big);
	free(h);
}

const uint8_t *mt_regf_bytes(const mt_regf *h, size_t *len)
{
	if (len)
		*len = h ? h->len : 0;
	return h ? h->data : NULL;
}

unsigned mt_regf_bad_cells(const mt_regf *h)
{
	return h ? *h->bad : 0;
}

mt_regf_key mt_regf_root(const mt_regf *h)
{
	return h ? h->root : 0;
}

/* ---- keys ------------------------------------------------------------------------------ */

int mt_regf_key_name(const mt_regf *h, mt_regf_key k, char *out, size_t n)
{
	size_t cn;
	const uint8_t *p = h ? nk_cell(h, k, &cn) : NULL;
	if (!p) {
		if (out && n)
			out[0] = '\0';
		return -1;
	}
	return name_out(p + NK_MIN, le16(p + 72), le16(p + 2) & KEY_COMP_NAME, out, n);
}

/* The name of key k as UTF-8 into b (reset first). */
static mt_err key_name_buf(const mt_regf *h, mt_regf_key k, mt_buf *b)
{
	size_t cn;
	const uint8_t *p = nk_cell(h, k, &cn);
	mt_buf_reset(b);
	if (!p)
		return MT_ERR_PARSE;
	mt_buf_add(b, "", 0);
	if (le16(p + 2) & KEY_COMP_NAME)
		return latin1_add(b, p + NK_MIN, le16(p + 72));
	return utf16_add(b, p + NK_MIN, le16(p + 72), 0);
}

uint64_t mt_regf_key_mtime(const mt_regf *h, mt_regf_key k)
{
	size_t n;
	const uint8_t *p = h ? nk_cell(h, k, &n) : NULL;
	return p ? le64(p + 4) : 0;
}

int64_t mt_filetime_unix(uint64_t ft)
{
	if (ft == 0)
		return INT64_MIN;
	return (int64_t)(ft / 10000000u) - 11644473600ll;
}

typedef struct sub_walk {
	const mt_regf *h;
	mt_regf_key_fn fn;
	void *ctx;
	size_t seen;  /* subkeys given */
	size_t steps; /* list entries looked at, good or bad */
	size_t max;   /* the most steps allowed */
	int stop, limit;
} sub_walk;

/* Walks one subkey list (li, lf, lh, or at the top an ri of them) at off. An ri inside an
 * ri is refused (Windows never writes one), and the entries looked at are capped, so
 * that lists listing themselves or one big list many times cannot make the walk
 * exponential or endless. */
static void walk_list(sub_walk *w, uint32_t off, unsigned depth)
{
	size_t n;
	const uint8_t *p = cell(w->h, off, &n);
	if (!p || n < 4) {
		(*w->h->bad)++;
		return;
	}
	unsigned cnt = le16(p + 2);
	int ri = memcmp(p, "ri", 2) == 0, li = memcmp(p, "li", 2) == 0;
	size_t step = ri || li ? 4 : 8;
	if ((ri && depth > 0) ||
	    (!ri && !li && memcmp(p, "lf", 2) != 0 && memcmp(p, "lh", 2) != 0)) {
		(*w->h->bad)++;
		return;
	}
	if (cnt > (n - 4) / step) {
		(*w->h->bad)++;
		cnt = (unsigned)((n - 4) / step);
	}
	for (unsigned i = 0; i < cnt && !w->stop; i++) {
		uint32_t o = le32(p + 4 + step * i);
		if (++w->steps > w->max) {
			w->stop = w->limit = 1;
			break;
		}
		if (ri) {
			walk_list(w, o, depth + 1);
			continue;
		}
		size_t kn;
		if (!nk_cell(w->h, o, &kn)) {
			(*w->h->bad)++;
			continue;
		}
		if (w->seen >= MT_MAX_REG_SUBKEYS) {
			w->stop = w->limit = 1;
			break;
		}
		w->seen++;
		if (w->fn(w->ctx, o))
			w->stop = 1;
	}
}

/* mt_regf_each_subkey with a budget of list entries shared by several calls (the walk
 * of a whole tree); *budget is lowered by the entries looked at. */
static mt_err each_subkey(const mt_regf *h, mt_regf_key k, mt_regf_key_fn fn, void *ctx,
                          size_t *budget)
{
	size_t n;
	const uint8_t *p = h && fn ? nk_cell(h, k, &n) : NULL;
	if (!p)
		return MT_ERR_INVAL;
	if (le32(p + 20) == 0 || le32(p + 28) == NIL)
		return MT_OK;
	sub_walk w = {h, fn, ctx, 0, 0, *budget, 0, 0};
	walk_list(&w, le32(p + 28), 0);
	*budget -= w.steps < *budget ? w.steps : *budget;
	return w.limit ? MT_ERR_LIMIT : MT_OK;
}

mt_err mt_regf_each_subkey(const mt_regf *h, mt_regf_key k, mt_regf_key_fn fn, void *ctx)
{
	size_t budget = 4 * (size_t)MT_MAX_REG_SUBKEYS;
	return each_subkey(h, k, fn, ctx, &budget);
}

typedef struct find_ctx {
	const mt_regf *h;
	const char *want;
	size_t wn;
	mt_buf name;
	mt_regf_key found;
} find_ctx;

static int find_one(void *p, mt_regf_key sub)
{
	find_ctx *f = p;
	if (key_name_buf(f->h, sub, &f->name) != MT_OK || !f->name.data)
		return 0;
	if (name_eq(f->name.data, f->name.len, f->want, f->wn)) {
		f->found = sub;
		return 1;
	}
	return 0;
}

mt_err mt_regf_find(const mt_regf *h, mt_regf_key k, const char *path, mt_regf_key *out)
{
	size_t n;
	if (out)
		*out = 0;
	if (!h || !out || !nk_cell(h, k, &n))
		return MT_ERR_INVAL;
	if (!path)
		path = "";
	find_ctx f = {h, NULL, 0, {0}, 0};
	mt_buf_init(&f.name, 4 * 65536);
	mt_err r = MT_OK;
	unsigned depth = 0;
	while (*path) {
		size_t len = strcspn(path, "\\/");
		if (len == 0) {
			path++;
			continue;
		}
		if (++depth > MT_MAX_REG_DEPTH) {
			r = MT_ERR_LIMIT;
			break;
		}
		f.want = path;
		f.wn = len;
		f.found = 0;
		r = mt_regf_each_subkey(h, k, find_one, &f);
		if (r == MT_OK && !f.found)
			r = MT_ERR_NOENT;
		if (r != MT_OK)
			break;
		k = f.found;
		path += len;
	}
	mt_buf_free(&f.name);
	if (r == MT_OK)
		*out = k;
	return r;
}

/* ---- walk ------------------------------------------------------------------------------ */

typedef struct walk {
	const mt_regf *h;
	mt_regf_walk_fn fn;
	void *ctx;
	uint8_t *visited; /* bit per 4 bytes, like the cell index */
	mt_buf path;
	mt_buf name;
	size_t nkeys;
	size_t budget; /* list entries the whole walk may look at */
	unsigned depth;
	int stop;
	mt_err err;
} walk;

static int visit(walk *w, mt_regf_key k);

static int walk_sub(void *p, mt_regf_key sub)
{
	walk *w = p;
	size_t keep = w->path.len;
	if (key_name_buf(w->h, sub, &w->name) != MT_OK) {
		(*w->h->bad)++;
		return 0;
	}
	if (w->path.len)
		mt_buf_addc(&w->path, '\\');
	mt_buf_add(&w->path, w->name.data, w->name.len);
	if (w->path.err != MT_OK) {
		(*w->h->bad)++;
		mt_buf_reset(&w->path);
		if (keep)
			w->err = MT_ERR_LIMIT;
		w->stop = 1;
		return 1;
	}
	visit(w, sub);
	w->path.len = keep;
	if (w->path.data)
		w->path.data[keep] = '\0';
	return w->stop;
}

static int visit(walk *w, mt_regf_key k)
{
	size_t bit = k / 4;
	if (w->visited[bit / 8] >> (bit % 8) & 1) {
		(*w->h->bad)++; /* a loop or a key listed twice */
		return 0;
	}
	w->visited[bit / 8] |= (uint8_t)(1u << (bit % 8));
	if (w->nkeys >= MT_MAX_WALK_ENTRIES) {
		w->err = MT_ERR_LIMIT;
		w->stop = 1;
		return 1;
	}
	w->nkeys++;
	if (w->fn(w->ctx, k, w->path.data ? w->path.data : "", w->depth)) {
		w->stop = 1;
		return 1;
	}
	if (w->depth >= MT_MAX_REG_DEPTH) {
		w->err = MT_ERR_LIMIT;
		return 0;
	}
	w->depth++;
	mt_err r = each_subkey(w->h, k, walk_sub, w, &w->budget);
	if (r != MT_OK && w->err == MT_OK)
		w->err = r;
	w->depth--;
	return w->stop;
}

mt_err mt_regf_walk(const mt_regf *h, mt_regf_key from, mt_regf_walk_fn fn, void *ctx)
{
	size_t n;
	if (!h || !fn || !nk_cell(h, from, &n))
		return MT_ERR_INVAL;
	walk w;
	memset(&w, 0, sizeof(w));
	w.h = h;
	w.fn = fn;
	w.ctx = ctx;
	w.budget = 16 * (size_t)MT_MAX_WALK_ENTRIES;
	w.visited = calloc((h->bins_end - BASE_LEN) / 32 + 1, 1);
	if (!w.visited)
		return MT_ERR_NOMEM;
	mt_buf_init(&w.path, WALK_PATH_MAX);
	mt_buf_init(&w.name, 4 * 65536);
	visit(&w, from);
	free(w.visited);
	mt_buf_free(&w.path);
	mt_buf_free(&w.name);
	return w.err;
}

/* ---- values ------------------------------------------------------------------------------ */

/* Reads the vk cell at off into v (name into h->name, data pointers into the hive or
 * h->big / h->inl). -1 when it is not a vk cell; 1 when the data is unreadable (len 0). */
static int read_value(mt_regf *h, uint32_t off, mt_regf_value *v)
{
	size_t n;
	const uint8_t *p = cell(h, off, &n);
	memset(v, 0, sizeof(*v));
	v->name = "";
	if (!p || n < VK_MIN || memcmp(p, "vk", 2) != 0)
		return -1;
	unsigned nlen = le16(p + 2);
	if (nlen > n - VK_MIN)
		return -1;
	mt_buf_reset(&h->name);
	mt_buf_add(&h->name, "", 0);
	if (le16(p + 16) & VAL_COMP_NAME)
		latin1_add(&h->name, p + VK_MIN, nlen);
	else
		utf16_add(&h->name, p + VK_MIN, nlen, 0);
	if (h->name.err != MT_OK)
		return -1;
	v->name = h->name.data ? h->name.data : "";
	v->type = le32(p + 12);
	v->cell = off;
	uint32_t raw = le32(p + 4), size = raw & 0x7fffffffu, doff = le32(p + 8);
	v->data = h->inl;
	if (raw & 0x80000000u) {
		if (size > 4)
			return 1;
		put32(h->inl, doff);
		v->len = size;
		return 0;
	}
	if (size == 0)
		return 0;
	if (size > MT_MAX_REG_DATA)
		return 1;
	size_t cn;
	const uint8_t *d = cell(h, doff, &cn);
	if (!d)
		return 1;
	if (size > DB_SEG_MAX && cn >= 8 && memcmp(d, "db", 2) == 0) {
		unsigned nseg = le16(d + 2);
		size_t ln;
		const uint8_t *list = cell(h, le32(d + 4), &ln);
		if (!list || nseg > ln / 4)
			return 1;
		mt_buf_reset(&h->big);
		size_t left = size;
		for (unsigned i = 0; i < nseg && left; i++) {
			size_t sn;
			const uint8_t *s = cell(h, le32(list + 4 * i), &sn);
			if (!s)
				return 1;
			size_t take = left < DB_SEG_MAX ? left : DB_SEG_MAX;
			if (take > sn)
				take = sn;
			if (mt_buf_add(&h->big, s, take) != MT_OK)
				return 1;
			left -= take;
		}
		if (left)
			return 1;
		v->data = (const uint8_t *)h->big.data;
		v->len = size;
		return 0;
	}
	if (size > cn)
		return 1;
	v->data = d;
	v->len = size;
	return 0;
}

/* The values list of k: its entries and count (capped to the cell). */
static const uint8_t *value_list(const mt_regf *h, mt_regf_key k, uint32_t *count)
{
	size_t n;
	const uint8_t *p = nk_cell(h, k, &n);
	*count = 0;
	if (!p)
		return NULL;
	uint32_t cnt = le32(p + 36);
	if (cnt == 0 || le32(p + 40) == NIL)
		return NULL;
	size_t ln;
	const uint8_t *l = cell(h, le32(p + 40), &ln);
	if (!l) {
		(*h->bad)++;
		return NULL;
	}
	if (cnt > ln / 4) {
		(*h->bad)++;
		cnt = (uint32_t)(ln / 4);
	}
	if (cnt > MT_MAX_REG_VALUES)
		cnt = MT_MAX_REG_VALUES;
	*count = cnt;
	return l;
}

mt_err mt_regf_each_value(mt_regf *h, mt_regf_key k, mt_regf_value_fn fn, void *ctx)
{
	size_t n;
	if (!h || !fn || !nk_cell(h, k, &n))
		return MT_ERR_INVAL;
	uint32_t cnt;
	const uint8_t *l = value_list(h, k, &cnt);
	for (uint32_t i = 0; i < cnt; i++) {
		mt_regf_value v;
		int r = read_value(h, le32(l + 4 * i), &v);
		if (r < 0) {
			(*h->bad)++;
			continue;
		}
		if (r > 0) {
			(*h->bad)++;
			v.len = 0;
		}
		if (fn(ctx, &v))
			break;
	}
	return MT_OK;
}

mt_err mt_regf_value_get(mt_regf *h, mt_regf_key k, const char *name, mt_regf_value *v)
{
	size_t n;
	if (!h || !v || !nk_cell(h, k, &n))
		return MT_ERR_INVAL;
	if (!name)
		name = "";
	size_t wn = strlen(name);
	uint32_t cnt;
	const uint8_t *l = value_list(h, k, &cnt);
	for (uint32_t i = 0; i < cnt; i++) {
		int r = read_value(h, le32(l + 4 * i), v);
		if (r < 0)
			continue;
		if (name_eq(v->name, h->name.len, name, wn)) {
			if (r > 0) {
				(*h->bad)++;
				v->len = 0;
			}
			return MT_OK;
		}
	}
	memset(v, 0, sizeof(*v));
	v->name = "";
	return MT_ERR_NOENT;
}

mt_err mt_regf_value_text(const mt_regf_value *v, mt_buf *out)
{
	if (!v || !out)
		return MT_ERR_INVAL;
	uint64_t u;
	switch (v->type) {
	case MT_REG_SZ:
	case MT_REG_EXPAND_SZ:
	case MT_REG_LINK:
		mt_buf_add(out, "", 0);
		return utf16_add(out, v->data, v->len, 1);
	case MT_REG_MULTI_SZ: {
		mt_buf_add(out, "", 0);
		size_t i = 0, first = 1;
		while (i + 1 < v->len) {
			size_t j = i;
			while (j + 1 < v->len && le16(v->data + j) != 0)
				j += 2;
			if (j == i) /* an empty string ends the list */
				break;
			if (!first)
				mt_buf_addc(out, '\n');
			first = 0;
			utf16_add(out, v->data + i, j - i, 0);
			i = j + 2;
		}
		return out->err;
	}
	case MT_REG_DWORD:
	case MT_REG_DWORD_BE:
	case MT_REG_QWORD:
		if (mt_regf_value_u64(v, &u) == 0)
			return mt_buf_printf(out, "%llu", (unsigned long long)u);
		break;
	default:
		break;
	}
	mt_buf_add(out, "", 0);
	char hx[3];
	for (size_t i = 0; i < v->len; i++) {
		mt_hex(v->data + i, 1, hx);
		mt_buf_add(out, hx, 2);
	}
	return out->err;
}

int mt_regf_value_u64(const mt_regf_value *v, uint64_t *out)
{
	if (!v || !out)
		return -1;
	const uint8_t *d = v->data;
	switch (v->type) {
	case MT_REG_DWORD:
	case MT_REG_BINARY:
	case MT_REG_QWORD:
		if (v->len == 4 && v->type != MT_REG_QWORD) {
			*out = le32(d);
			return 0;
		}
		if (v->len == 8 && v->type != MT_REG_DWORD) {
			*out = le64(d);
			return 0;
		}
		return -1;
	case MT_REG_DWORD_BE:
		if (v->len != 4)
			return -1;
		*out = (uint64_t)d[0] << 24 | (uint64_t)d[1] << 16 | (uint64_t)d[2] << 8 | d[3];
		return 0;
	case MT_REG_SZ:
	case MT_REG_EXPAND_SZ: {
		char num[24];
		size_t n = 0;
		for (size_t i = 0; i + 1 < v->len; i += 2) {
			uint16_t c = le16(d + i);
			if (c == 0)
				break;
			if (c < '0' || c > '9' || n >= sizeof(num) - 1)
				return -1;
			num[n++] = (char)c;
		}
		if (n == 0 || mt_parse_u64(num, n, UINT64_MAX, out) != 0)
			return -1;
		return 0;
	}
	default:
		return -1;
	}
}

mt_err mt_regf_get_text(mt_regf *h, mt_regf_key k, const char *path, const char *name, char **out)
{
	if (!out)
		return MT_ERR_INVAL;
	*out = NULL;
	mt_regf_key key;
	mt_err r = mt_regf_find(h, k, path, &key);
	if (r != MT_OK)
		return r;
	mt_regf_value v;
	r = mt_regf_value_get(h, key, name, &v);
	if (r != MT_OK)
		return r;
	mt_buf b;
	mt_buf_init(&b, MT_MAX_REG_DATA * 2 + 1);
	mt_buf_add(&b, "", 0);
	r = mt_regf_value_text(&v, &b);
	if (r != MT_OK) {
		mt_buf_free(&b);
		return r;
	}
	*out = mt_buf_take(&b, NULL);
	return *out ? MT_OK : MT_ERR_NOMEM;
}

mt_err mt_regf_get_u64(mt_regf *h, mt_regf_key k, const char *path, const char *name, uint64_t *out)
{
	if (!out)
		return MT_ERR_INVAL;
	mt_regf_key key;
	mt_err r = mt_regf_find(h, k, path, &key);
	if (r != MT_OK)
		return r;
	mt_regf_value v;
	r = mt_regf_value_get(h, key, name, &v);
	if (r != MT_OK)
		return r;
	return mt_regf_value_u64(&v, out) == 0 ? MT_OK : MT_ERR_PARSE;
}
