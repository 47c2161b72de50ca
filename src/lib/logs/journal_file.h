/* journal_file.h - our own bounded reader of one systemd journal file held in memory
 * (https://systemd.io/JOURNAL_FILE_FORMAT/): no libsystemd, the same in both binaries */
#ifndef MT_JOURNAL_FILE_H
#define MT_JOURNAL_FILE_H

#include "../internal.h"

#define MT_JF_MAX 8 /* fields one reader looks for */

/* One wanted field of an entry: the value without "NAME=". p is NULL when the entry has
 * no such field; big is set (and p NULL) when it decompressed past MT_MAX_JOURNAL_FIELD. */
typedef struct mt_jval {
	const char *p;
	size_t n;
	int big;
} mt_jval;

typedef struct mt_jentry {
	uint64_t offset; /* of the ENTRY object in the file */
	uint64_t seqnum, realtime, monotonic, xor_hash;
	uint8_t boot_id[16];
	mt_jval f[MT_JF_MAX]; /* in the order of the names given to mt_journal_parse */
} mt_jentry;

/* What one file gave. */
typedef struct mt_jstats {
	uint32_t incompatible; /* header flags */
	uint8_t state;         /* 0 offline, 1 online (being written or not closed), 2 archived */
	int compact;
	int cut;                /* the file ends before its arena (truncated, or over the cap) */
	uint64_t objects;       /* objects walked */
	uint64_t entries;       /* valid ENTRY objects (each given to the callback) */
	uint64_t bad_entries;   /* ENTRY objects not valid: skipped */
	uint64_t bad_items;     /* entry items naming no DATA object */
	uint64_t bad_data;      /* DATA objects not valid or not decompressible */
	uint64_t over_cap;      /* DATA objects decompressing past MT_MAX_JOURNAL_FIELD */
	uint64_t not_inflated;  /* compressed objects left: the decompression budget spent */
	uint64_t compressed[3]; /* DATA objects compressed with XZ, LZ4, ZSTD */
	uint64_t stop_off;      /* where the walk stopped on an inconsistent object, 0 if none */
	const char *stop_why;   /* static text for stop_off */
} mt_jstats;

/* Called for each valid entry in file order; a nonzero return stops the walk. */
typedef int (*mt_jentry_fn)(void *ctx, const mt_jentry *e);

/* Reads the journal file buf[0..len): validates the header, walks the objects from the
 * header to the end of the arena (each bounds-checked; the walk only goes forward, so it
 * ends), decompresses DATA objects (XZ, LZ4, ZSTD; at most MT_MAX_JOURNAL_FIELD each and
 * *budget bytes in all, which it lowers) and gives every ENTRY object with the fields
 * named in want (at most MT_JF_MAX, e.g. "MESSAGE") to fn. Returns MT_ERR_PARSE when
 * buf is not a journal file, MT_ERR_UNSUPPORTED for unknown incompatible header flags,
 * MT_ERR_NOMEM; MT_OK otherwise, also when objects were bad (counted in st). */
mt_err mt_journal_parse(const unsigned char *buf, size_t len, const char *const *want, size_t nwant,
                        uint64_t *budget, mt_jstats *st, mt_jentry_fn fn, void *ctx);

#endif
