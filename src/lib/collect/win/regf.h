/* regf.h - a bounded reader of Windows registry hives (regf), with transaction-log replay.
 *
 * Our own reader rather than libhivex: hivex neither replays .LOG1/.LOG2 (where the
 * attacker's newest writes often are) nor opens a hive whose base block checksum is bad,
 * and it has no mingw build for minetrace.exe. libhivex (hivexml) is the test oracle.
 * The bytes are hostile: every cell offset and size is checked against the hive, nothing
 * is cast to a struct, recursion and list lengths are capped (limits.h). */
#ifndef MT_REGF_H
#define MT_REGF_H

#include "../../internal.h"

/* Value types */
#define MT_REG_NONE      0
#define MT_REG_SZ        1
#define MT_REG_EXPAND_SZ 2
#define MT_REG_BINARY    3
#define MT_REG_DWORD     4
#define MT_REG_DWORD_BE  5
#define MT_REG_LINK      6
#define MT_REG_MULTI_SZ  7
#define MT_REG_QWORD     11

typedef struct mt_regf mt_regf;
/* A key: the offset of its nk cell in the hive bins (0 is never a key). */
typedef uint32_t mt_regf_key;

typedef struct mt_regf_info {
	int dirty;             /* the base block's sequence numbers differ */
	int bad_checksum;      /* the base block checksum is wrong (opened anyway) */
	int base_from_log;     /* the base block was taken from a log */
	unsigned logs_used;    /* logs that contributed entries */
	unsigned log_entries;  /* log entries (new format) or dirty pages (old) replayed */
	unsigned log_bad;      /* log entries refused (hash, sequence, bounds) */
	unsigned bad_cells;    /* cells skipped: out of bounds, wrong signature */
	int truncated;         /* the hive bins end before the size the header says */
	uint64_t last_written; /* the base block's timestamp (FILETIME) */
} mt_regf_info;

/* Opens a hive from data[0..len), which the reader takes over (malloc'd; freed by
 * mt_regf_free, also on error) because replay writes into it. logs[i] (lens[i] bytes,
 * the caller's, only read during the call) are the hive's .LOG/.LOG1/.LOG2 files in any
 * order; NULL entries are skipped. Log entries are replayed in sequence order, stopping
 * at the first one that does not continue the sequence or fails its hash, as Windows
 * does. MT_ERR_PARSE when no usable base block or root key exists (neither in the hive
 * nor in a log); MT_ERR_TOOBIG over MT_MAX_HIVE_FILE, MT_ERR_INVAL for NULL data or out.
 * Logs over MT_MAX_HIVE_LOG, and more than 64, are not read. info may be NULL.
 * After a replay the base block is rewritten (both sequence numbers set to the one after
 * the last entry, as Windows does, or to the old-format log's; file type primary; the
 * checksum), so mt_regf_bytes is a clean hive. A log may grow the hive only by the bins it carries. */
mt_err mt_regf_open(uint8_t *data, size_t len, const uint8_t *const *logs, const size_t *lens,
                    size_t nlogs, mt_regf **out, mt_regf_info *info);
void mt_regf_free(mt_regf *h);

/* The bytes of the hive after replay (base block and bins), for tests that compare with
 * a hive Windows recovered; valid as long as h. */
const uint8_t *mt_regf_bytes(const mt_regf *h, size_t *len);

mt_regf_key mt_regf_root(const mt_regf *h);

/* The key's name as UTF-8 (compressed Latin-1 or UTF-16LE names converted; invalid
 * UTF-16 as U+FFFD), into out[n], always terminated. Returns the name's length or -1
 * when the key is unusable. */
int mt_regf_key_name(const mt_regf *h, mt_regf_key k, char *out, size_t n);
/* Last write time of the key as FILETIME (100 ns since 1601), 0 when unknown. */
uint64_t mt_regf_key_mtime(const mt_regf *h, mt_regf_key k);
/* FILETIME to Unix seconds (0 stays MT_TIME_NONE-like: returns INT64_MIN for 0). */
int64_t mt_filetime_unix(uint64_t ft);

/* Calls fn for each subkey of k in hive order (li/lf/lh/ri lists; subkeys that cannot
 * be read are skipped and counted in the info's bad_cells); stops when fn returns
 * non-zero. At most MT_MAX_REG_SUBKEYS. An ri inside an ri is refused (counted), and
 * at most 4 * MT_MAX_REG_SUBKEYS list entries are looked at; MT_ERR_LIMIT when a cap
 * stopped the listing, MT_ERR_INVAL when k is not a key. */
typedef int (*mt_regf_key_fn)(void *ctx, mt_regf_key sub);
mt_err mt_regf_each_subkey(const mt_regf *h, mt_regf_key k, mt_regf_key_fn fn, void *ctx);

/* Calls fn for from and every key below it, depth first in hive order, with its path
 * below from (names joined by '\\', "" for from itself; valid during the call) and its
 * depth (0 for from). Each key is visited once: a subkey met again (a loop, or a key
 * listed under two parents) is skipped and counted in bad_cells, so a hostile hive
 * cannot make the walk endless. Non-zero from fn stops the walk. MT_ERR_LIMIT when
 * keys were left out for depth (MT_MAX_REG_DEPTH), count (MT_MAX_WALK_ENTRIES), path
 * length (1 MiB) or list entries looked at (16 * MT_MAX_WALK_ENTRIES in all); the keys
 * before were given. A name holding '\\' makes its path ambiguous (use the key, not the
 * path, to go on). (Added with regf.c: every user walks the whole tree, and the visited
 * set belongs in the reader.) */
typedef int (*mt_regf_walk_fn)(void *ctx, mt_regf_key k, const char *path, unsigned depth);
mt_err mt_regf_walk(const mt_regf *h, mt_regf_key from, mt_regf_walk_fn fn, void *ctx);

/* Cells skipped so far (the info's bad_cells at open plus what the readers met since:
 * subkeys, value lists and values that could not be read). (Added with regf.c.) */
unsigned mt_regf_bad_cells(const mt_regf *h);

/* Looks up a path below k, components separated by '\\' (or '/'), compared
 * case-insensitively (ASCII and Latin-1 folding, as Windows does for these names; basic
 * Greek and Cyrillic letters are folded too). MT_ERR_NOENT when a component is missing.
 * "" or NULL is k itself. */
mt_err mt_regf_find(const mt_regf *h, mt_regf_key k, const char *path, mt_regf_key *out);

typedef struct mt_regf_value {
	const char *name;    /* UTF-8, "" for the default value */
	uint32_t type;       /* MT_REG_*, or any other number the hive holds */
	const uint8_t *data; /* raw bytes (inline, one cell, or big-data segments joined) */
	size_t len;
	uint32_t cell; /* offset of the vk cell */
} mt_regf_value;

/* Calls fn for each value of k in hive order; v and its pointers are valid during the
 * call only. Values whose data cannot be read are given with len 0 and counted. */
typedef int (*mt_regf_value_fn)(void *ctx, const mt_regf_value *v);
mt_err mt_regf_each_value(mt_regf *h, mt_regf_key k, mt_regf_value_fn fn, void *ctx);

/* The value named name (case-insensitive; "" is the default value) of k. v's pointers
 * stay valid until the next call on h. MT_ERR_NOENT when absent. */
mt_err mt_regf_value_get(mt_regf *h, mt_regf_key k, const char *name, mt_regf_value *v);

/* Appends the value as UTF-8 text: REG_SZ/EXPAND_SZ/LINK decoded from UTF-16LE up to
 * the first NUL, REG_MULTI_SZ entries joined with '\n', DWORD/QWORD/DWORD_BE as decimal,
 * anything else as lower-case hex. */
mt_err mt_regf_value_text(const mt_regf_value *v, mt_buf *out);
/* The number of a DWORD/QWORD/DWORD_BE value (also REG_BINARY of 4 or 8 bytes and a
 * REG_SZ holding a decimal number, as some writers store them); 0 when it is one. */
int mt_regf_value_u64(const mt_regf_value *v, uint64_t *out);

/* Convenience: the value name at path below k as text (mt_regf_value_text) into a
 * malloc'd string (the caller frees *out). MT_ERR_NOENT when key or value is absent. */
mt_err mt_regf_get_text(mt_regf *h, mt_regf_key k, const char *path, const char *name, char **out);
mt_err mt_regf_get_u64(mt_regf *h, mt_regf_key k, const char *path, const char *name,
                       uint64_t *out);

#endif
