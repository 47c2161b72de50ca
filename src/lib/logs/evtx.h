/* evtx.h - a bounded streaming reader of Windows event logs (EVTX: file header, 64 KiB
 * chunks, records of binary XML with templates).
 *
 * Our own reader rather than libevtx: libevtx is the engine of evtxexport, which reads
 * about 15 MB/s here, and the goal is ten times that on one core; and minetrace.exe is
 * built with mingw, for which Debian has no libevtx. evtxexport (libevtx-utils) is the
 * test oracle. Damaged chunks and records are skipped and counted, never fatal. */
#ifndef MT_EVTX_H
#define MT_EVTX_H

#include "../internal.h"

typedef struct mt_evtx_field {
	const char *name;  /* EventData <Data Name="..."> or the UserData element name; ""
	                      when the Data element has no name */
	const char *value; /* the text as UTF-8 (numbers, SIDs, GUIDs, times and hex in
	                      the forms evtxexport prints them) */
} mt_evtx_field;

typedef struct mt_evtx_record {
	uint64_t record_id;          /* System/EventRecordID (the header's number when absent) */
	uint64_t header_id;          /* the record header's number: the same but in damaged or
	                                recovered logs (volume shadow copies) */
	uint64_t filetime;           /* the record header's written time (FILETIME) */
	int64_t time;                /* the same as Unix seconds */
	uint32_t time_ns;            /* and its fraction in nanoseconds */
	unsigned event_id;           /* System/EventID (without the qualifiers) */
	unsigned qualifiers;         /* its Qualifiers attribute, 0 when absent */
	unsigned level;              /* System/Level */
	const char *provider;        /* System/Provider Name, "" when absent */
	const char *channel;         /* System/Channel */
	const char *computer;        /* System/Computer */
	const char *user_sid;        /* System/Security UserID, "" when absent */
	unsigned pid, tid;           /* System/Execution */
	const mt_evtx_field *fields; /* EventData/UserData values in document order, at most
	                                MT_MAX_EVTX_FIELDS: an array value gives one field per
	                                item, an element whose only content is an optional
	                                substitution without a value none (as evtxexport) */
	size_t nfields;
} mt_evtx_record;

typedef struct mt_evtx_stats {
	uint64_t chunks, bad_chunks;   /* chunks read; skipped (no "ElfChnk" signature; an
	                                  all-zero chunk, or one past the chunk count of
	                                  the file header, is unused space, not counted) */
	uint64_t bad_crc;              /* chunks read whose header CRC32 is wrong (evtxexport
	                                  reads them too; each record is still checked) */
	uint64_t records, bad_records; /* records given to fn; skipped (signature, size or its
	                                  trailing copy, binary XML) */
	uint64_t filtered;             /* records left out by only_ids */
	int header_bad;                /* the file header was unusable (chunks found anyway) */
	int dirty;                     /* the header says the file was not closed cleanly */
} mt_evtx_stats;

/* Called for each record in file order; r and every string in it are valid during the
 * call only. Non-zero stops the read. */
typedef int (*mt_evtx_fn)(void *ctx, const mt_evtx_record *r);
/* Called for each damaged chunk or record with a short description (where and why). */
typedef void (*mt_evtx_diag_fn)(void *ctx, const char *msg);

typedef struct mt_evtx_opts {
	mt_evtx_fn record;
	mt_evtx_diag_fn diag; /* may be NULL */
	void *ctx;
	/* when non-zero, only records with these event ids are decoded beyond the
	   header (the others are counted but not given to fn) */
	const unsigned *only_ids;
	size_t nonly_ids;
} mt_evtx_opts;

/* Reads an EVTX file from fd (from offset 0, with pread), one chunk in memory at a
 * time, at most MT_MAX_EVTX_FILE bytes. MT_ERR_PARSE when neither a file header nor
 * any chunk is found; MT_ERR_IO on a read error. stats may be NULL. A file that starts
 * with a chunk (carved, no file header) is read too (header_bad set); a last chunk cut
 * short is read up to its end. */
mt_err mt_evtx_read_fd(int fd, const mt_evtx_opts *o, mt_evtx_stats *stats);
/* The same over bytes in memory (fuzzing, tests). */
mt_err mt_evtx_read_mem(const uint8_t *data, size_t len, const mt_evtx_opts *o,
                        mt_evtx_stats *stats);

/* The field named name of r (first one), NULL when absent. */
const char *mt_evtx_field_get(const mt_evtx_record *r, const char *name);

#endif
