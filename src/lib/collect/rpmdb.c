/* rpmdb.c - bounded readers of rpm header blobs and of Berkeley DB hash files (rpm's
 * /var/lib/rpm/Packages up to RHEL 8): every offset and length is checked before use */
#include <stdlib.h>
#include <string.h>

#include "rpmdb.h"

/* ---- header blobs ---- */

enum { T_INT16 = 3, T_INT32 = 4, T_STRING = 6, T_STRING_ARRAY = 8, T_I18NSTRING = 9 };

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A NUL-terminated string at off of the data store, or NULL. */
static const char *str_at(const mt_rpm_hdr *h, uint32_t off)
{
	if (off >= h->dl || !memchr(h->data + off, 0, h->dl - off))
		return NULL;
	return (const char *)h->data + off;
}

/* Records an array tag after checking that count items of size bytes fit (strings:
 * at least one byte each; the walk checks each one). */
static mt_err array(const mt_rpm_hdr *h, uint32_t type, uint32_t want, uint32_t off, uint32_t count,
                    uint32_t size, mt_rpm_tag *t)
{
	if (type != want || off > h->dl || count > (h->dl - off) / size)
		return MT_ERR_PARSE;
	t->off = off;
	t->count = count;
	t->present = 1;
	return MT_OK;
}

mt_err mt_rpm_header(const uint8_t *blob, size_t len, mt_rpm_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->digest_algo = 1;
	if (!blob || len < 8)
		return MT_ERR_PARSE;
	uint32_t il = be32(blob), dl = be32(blob + 4);
	if (il > MT_MAX_RPM_TAGS || dl > MT_MAX_RPM_HEADER)
		return MT_ERR_LIMIT;
	if ((uint64_t)il * 16 + dl > len - 8)
		return MT_ERR_PARSE;
	const uint8_t *idx = blob + 8;
	h->data = idx + (size_t)il * 16;
	h->dl = dl;
	mt_err e = MT_OK;
	for (uint32_t i = 0; i < il && e == MT_OK; i++) {
		const uint8_t *ent = idx + (size_t)i * 16;
		uint32_t tag = be32(ent), type = be32(ent + 4), off = be32(ent + 8),
			 count = be32(ent + 12);
		const char **s = NULL;
		switch (tag) {
		case MT_RPMTAG_NAME:
			s = &h->name;
			break;
		case MT_RPMTAG_VERSION:
			s = &h->version;
			break;
		case MT_RPMTAG_RELEASE:
			s = &h->release;
			break;
		case MT_RPMTAG_ARCH:
			s = &h->arch;
			break;
		case MT_RPMTAG_BASENAMES:
			e = array(h, type, T_STRING_ARRAY, off, count, 1, &h->basenames);
			break;
		case MT_RPMTAG_DIRNAMES:
			e = array(h, type, T_STRING_ARRAY, off, count, 1, &h->dirnames);
			break;
		case MT_RPMTAG_OLDFILENAMES:
			e = array(h, type, T_STRING_ARRAY, off, count, 1, &h->oldnames);
			break;
		case MT_RPMTAG_FILEDIGESTS:
			e = array(h, type, T_STRING_ARRAY, off, count, 1, &h->digests);
			break;
		case MT_RPMTAG_DIRINDEXES:
			e = array(h, type, T_INT32, off, count, 4, &h->dirindexes);
			break;
		case MT_RPMTAG_FILEFLAGS:
			e = array(h, type, T_INT32, off, count, 4, &h->flags);
			break;
		case MT_RPMTAG_FILEMODES:
			e = array(h, type, T_INT16, off, count, 2, &h->modes);
			break;
		case MT_RPMTAG_FILEDIGESTALGO: {
			mt_rpm_tag t;
			e = array(h, type, T_INT32, off, count, 4, &t);
			if (e == MT_OK && count >= 1)
				h->digest_algo = be32(h->data + off);
			break;
		}
		default:
			break;
		}
		if (s) {
			if ((type != T_STRING && type != T_I18NSTRING) || !(*s = str_at(h, off)))
				e = MT_ERR_PARSE;
		}
	}
	if (e != MT_OK)
		return e;
	h->nfiles = h->basenames.present ? h->basenames.count : h->oldnames.count;
	if (h->nfiles > MT_MAX_RPM_FILES || h->dirnames.count > MT_MAX_RPM_FILES)
		return MT_ERR_LIMIT;
	return MT_OK;
}

/* The next string of an array tag at *pos; -1 when it runs off the data store. */
static int next_str(const mt_rpm_hdr *h, uint32_t *pos, const char **s, size_t *n)
{
	if (*pos >= h->dl)
		return -1;
	const uint8_t *nul = memchr(h->data + *pos, 0, h->dl - *pos);
	if (!nul)
		return -1;
	*s = (const char *)h->data + *pos;
	*n = (size_t)(nul - (h->data + *pos));
	*pos += (uint32_t)*n + 1;
	return 0;
}

typedef struct dirname {
	const char *s;
	size_t n;
} dirname;

mt_err mt_rpm_files(const mt_rpm_hdr *h, mt_rpm_file_fn fn, void *arg, unsigned *bad)
{
	unsigned skipped = 0;
	dirname *dirs = NULL;
	mt_err e = MT_OK;
	int modern = h->basenames.present;
	if (!h->nfiles)
		goto out;
	if (modern &&
	    (!h->dirindexes.present || !h->dirnames.present || h->dirindexes.count != h->nfiles)) {
		e = MT_ERR_PARSE;
		goto out;
	}
	if ((h->digests.present && h->digests.count != h->nfiles) ||
	    (h->flags.present && h->flags.count != h->nfiles) ||
	    (h->modes.present && h->modes.count != h->nfiles)) {
		e = MT_ERR_PARSE;
		goto out;
	}
	if (modern && h->dirnames.count) {
		dirs = calloc(h->dirnames.count, sizeof(*dirs));
		if (!dirs) {
			e = MT_ERR_NOMEM;
			goto out;
		}
		uint32_t pos = h->dirnames.off;
		for (uint32_t i = 0; i < h->dirnames.count; i++)
			if (next_str(h, &pos, &dirs[i].s, &dirs[i].n) != 0) {
				e = MT_ERR_PARSE;
				goto out;
			}
	}
	uint32_t bpos = modern ? h->basenames.off : h->oldnames.off;
	uint32_t dpos = h->digests.off;
	for (uint32_t i = 0; i < h->nfiles; i++) {
		mt_rpm_file f;
		memset(&f, 0, sizeof(f));
		f.dir = f.digest = "";
		if (next_str(h, &bpos, &f.base, &f.baselen) != 0 ||
		    (h->digests.present && next_str(h, &dpos, &f.digest, &f.digestlen) != 0)) {
			e = MT_ERR_PARSE;
			goto out;
		}
		if (h->flags.present)
			f.flags = be32(h->data + h->flags.off + (size_t)i * 4);
		if (h->modes.present)
			f.mode = be16(h->data + h->modes.off + (size_t)i * 2);
		if (modern) {
			uint32_t di = be32(h->data + h->dirindexes.off + (size_t)i * 4);
			if (di >= h->dirnames.count) {
				skipped++;
				continue;
			}
			f.dir = dirs[di].s;
			f.dirlen = dirs[di].n;
		}
		if (fn(arg, &f))
			break;
	}
out:
	free(dirs);
	if (bad)
		*bad += skipped;
	return e;
}

/* ---- Berkeley DB hash files ---- */

#define BDB_HASH_MAGIC  0x061561u
#define P_HASH_UNSORTED 2
#define P_OVERFLOW      7
#define P_HASHMETA      8
#define P_HASH          13
#define H_KEYDATA       1
#define H_OFFPAGE       3
#define PAGE_HDR        26 /* lsn, pgno, prev, next, entries, hf_offset, level, type */

typedef struct bdb {
	mt_bdb_read_fn rd;
	void *rarg;
	int swapped;
	uint32_t pagesize;
	uint32_t last; /* last page number that exists in the file */
	uint8_t *ovf;  /* one overflow page */
} bdb;

static uint32_t le32s(const uint8_t *p, int swapped)
{
	uint32_t v =
		(uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return swapped ? be32(p) : v;
}

static uint16_t le16s(const uint8_t *p, int swapped)
{
	return swapped ? be16(p) : (uint16_t)(p[0] | p[1] << 8);
}

/* Assembles an overflow item of tlen bytes starting at page pgno into *out. Each page
 * must be an overflow page inside the file that adds at least one byte, and a chain
 * can visit no more pages than the file holds: a cycle or a lie ends it. 1 when the
 * item is bad, -1 on a read error or no memory (in *err). */
static int overflow(bdb *b, uint32_t pgno, uint32_t tlen, size_t cap, uint8_t **out, mt_err *err)
{
	*out = NULL;
	if (tlen == 0 || tlen > cap)
		return 1;
	uint8_t *buf = malloc(tlen);
	if (!buf) {
		*err = MT_ERR_NOMEM;
		return -1;
	}
	uint32_t got = 0, steps = 0;
	while (got < tlen) {
		if (pgno == 0 || pgno > b->last || steps++ >= b->last)
			goto bad;
		mt_err e = b->rd(b->rarg, (uint64_t)pgno * b->pagesize, b->ovf, b->pagesize);
		if (e != MT_OK) {
			*err = e;
			free(buf);
			return -1;
		}
		uint32_t n = le16s(b->ovf + 22, b->swapped); /* bytes on this page */
		if (b->ovf[25] != P_OVERFLOW || n == 0 || n > b->pagesize - PAGE_HDR ||
		    n > tlen - got)
			goto bad;
		memcpy(buf + got, b->ovf + PAGE_HDR, n);
		got += n;
		pgno = le32s(b->ovf + 16, b->swapped);
	}
	*out = buf;
	return 0;
bad:
	free(buf);
	return 1;
}

/* One item of a hash page: inline bytes, or an overflow chain copied into *owned. */
static int item(bdb *b, const uint8_t *pg, uint32_t start, uint32_t end, size_t cap,
                const uint8_t **p, size_t *n, uint8_t **owned, mt_err *err)
{
	*owned = NULL;
	if (start >= end)
		return 1;
	if (pg[start] == H_KEYDATA) {
		*p = pg + start + 1;
		*n = end - start - 1;
		return *n > cap;
	}
	if (pg[start] == H_OFFPAGE && end - start >= 12) {
		uint32_t pgno = le32s(pg + start + 4, b->swapped);
		uint32_t tlen = le32s(pg + start + 8, b->swapped);
		int r = overflow(b, pgno, tlen, cap, owned, err);
		if (r == 0) {
			*p = *owned;
			*n = tlen;
		}
		return r;
	}
	return 1; /* duplicates (H_DUPLICATE, H_OFFDUP): rpm does not use them */
}

mt_err mt_bdb_hash_each(mt_bdb_read_fn rd, void *rarg, uint64_t size, size_t item_cap,
                        mt_bdb_item_fn fn, void *arg, unsigned *bad, int *swapped)
{
	uint8_t meta[512];
	unsigned nbad = 0;
	bdb b = {rd, rarg, 0, 0, 0, NULL};
	uint8_t *pg = NULL;
	mt_err e;
	if (swapped)
		*swapped = 0;
	if (size < sizeof(meta))
		return MT_ERR_PARSE;
	e = rd(rarg, 0, meta, sizeof(meta));
	if (e != MT_OK)
		return e;
	if (le32s(meta + 12, 0) == BDB_HASH_MAGIC)
		b.swapped = 0;
	else if (le32s(meta + 12, 1) == BDB_HASH_MAGIC)
		b.swapped = 1;
	else
		return MT_ERR_PARSE;
	if (meta[25] != P_HASHMETA)
		return MT_ERR_PARSE;
	if (meta[24] != 0)
		return MT_ERR_UNSUPPORTED; /* encrypted */
	b.pagesize = le32s(meta + 20, b.swapped);
	if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1)))
		return MT_ERR_PARSE;
	uint64_t pages = size / b.pagesize;
	uint32_t last = le32s(meta + 32, b.swapped);
	if (pages == 0)
		return MT_ERR_PARSE;
	uint64_t maxp = pages - 1 < UINT32_MAX - 1 ? pages - 1 : UINT32_MAX - 1;
	b.last = last < maxp ? last : (uint32_t)maxp; /* never past the end of the file */
	if (swapped)
		*swapped = b.swapped;
	pg = malloc(b.pagesize);
	b.ovf = malloc(b.pagesize);
	if (!pg || !b.ovf) {
		e = MT_ERR_NOMEM;
		goto out;
	}
	int stop = 0;
	for (uint32_t p = 1; p <= b.last && !stop; p++) {
		e = rd(rarg, (uint64_t)p * b.pagesize, pg, b.pagesize);
		if (e != MT_OK)
			goto out;
		if (pg[25] != P_HASH && pg[25] != P_HASH_UNSORTED)
			continue; /* overflow, free and other pages */
		uint32_t entries = le16s(pg + 20, b.swapped);
		uint32_t lowest = PAGE_HDR + 2 * entries; /* items lie above the offsets */
		if (lowest > b.pagesize || (entries & 1)) {
			nbad++;
			continue;
		}
		/* item i spans [off[i], off[i-1]) with off[-1] = page size */
		uint32_t prev = b.pagesize;
		for (uint32_t i = 0; i + 1 < entries && !stop; i += 2) {
			uint32_t ko = le16s(pg + PAGE_HDR + 2 * i, b.swapped);
			uint32_t dof = le16s(pg + PAGE_HDR + 2 * (i + 1), b.swapped);
			if (ko < lowest || ko >= prev || dof < lowest || dof >= ko) {
				nbad++;
				break; /* the offsets of this page cannot be trusted further */
			}
			const uint8_t *k, *d;
			size_t kl, dlen;
			uint8_t *kown, *down;
			int r = item(&b, pg, ko, prev, item_cap, &k, &kl, &kown, &e);
			if (r < 0)
				goto out;
			if (r == 0) {
				r = item(&b, pg, dof, ko, item_cap, &d, &dlen, &down, &e);
				if (r < 0) {
					free(kown);
					goto out;
				}
				if (r == 0)
					stop = fn(arg, k, kl, d, dlen) != 0;
				free(down);
			}
			free(kown);
			if (r > 0)
				nbad++;
			prev = dof;
		}
	}
	e = MT_OK;
out:
	free(pg);
	free(b.ovf);
	if (bad)
		*bad += nbad;
	return e;
}

typedef struct memfile {
	const uint8_t *p;
	size_t n;
} memfile;

static mt_err mem_read(void *arg, uint64_t off, void *buf, size_t n)
{
	const memfile *m = arg;
	if (off > m->n || n > m->n - off)
		return MT_ERR_IO;
	memcpy(buf, m->p + off, n);
	return MT_OK;
}

mt_err mt_bdb_hash_each_mem(const uint8_t *file, size_t size, size_t item_cap, mt_bdb_item_fn fn,
                            void *arg, unsigned *bad, int *swapped)
{
	memfile m = {file, size};
	return mt_bdb_hash_each(mem_read, &m, size, item_cap, fn, arg, bad, swapped);
}
