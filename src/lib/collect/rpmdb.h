/* rpmdb.h - bounded readers of the RPM database: header blobs, Berkeley DB hash
 * "Packages" files and rpmdb.sqlite (parse only; pkgdb.c builds the index) */
#ifndef MT_COLLECT_RPMDB_H
#define MT_COLLECT_RPMDB_H

#include "../internal.h"

/* Header tags read */
#define MT_RPMTAG_NAME           1000
#define MT_RPMTAG_VERSION        1001
#define MT_RPMTAG_RELEASE        1002
#define MT_RPMTAG_ARCH           1022
#define MT_RPMTAG_OLDFILENAMES   1027
#define MT_RPMTAG_FILEMODES      1030
#define MT_RPMTAG_FILEDIGESTS    1035
#define MT_RPMTAG_FILEFLAGS      1037
#define MT_RPMTAG_DIRINDEXES     1116
#define MT_RPMTAG_BASENAMES      1117
#define MT_RPMTAG_DIRNAMES       1118
#define MT_RPMTAG_FILEDIGESTALGO 5011

#define MT_RPMFILE_CONFIG (1u << 0) /* %config: may differ from the package */
#define MT_RPMFILE_GHOST  (1u << 6) /* %ghost: not in the package's payload */

/* An array tag of a header: where its data starts and how many items it has. */
typedef struct mt_rpm_tag {
	uint32_t off, count;
	int present;
} mt_rpm_tag;

/* A parsed header. Every pointer points into the blob given to mt_rpm_header, which
 * must outlive it; strings are NUL-terminated inside the blob. */
typedef struct mt_rpm_hdr {
	const uint8_t *data;                         /* the data store */
	uint32_t dl;                                 /* its length */
	const char *name, *version, *release, *arch; /* NULL when absent */
	uint32_t digest_algo;                        /* FILEDIGESTALGO; 1 (MD5) when absent */
	uint32_t nfiles;
	mt_rpm_tag basenames, dirnames, dirindexes, digests, flags, modes, oldnames;
} mt_rpm_hdr;

/* One file of a package. dir ends with '/' ("/usr/bin/"); with the legacy
 * OLDFILENAMES dir is "" and base is the whole path. digest is "" when the package
 * records none (directories, symlinks, %ghost). */
typedef struct mt_rpm_file {
	const char *dir, *base, *digest;
	size_t dirlen, baselen, digestlen;
	uint32_t flags; /* FILEFLAGS, 0 when absent */
	uint16_t mode;  /* FILEMODES, 0 when absent */
} mt_rpm_file;

/* Parses a header blob (index count, data size, index entries, data: big-endian, as
 * rpm stores it in its database). Checks every entry it reads against the data size;
 * MT_ERR_PARSE for a blob that lies, MT_ERR_LIMIT past MT_MAX_RPM_TAGS or
 * MT_MAX_RPM_FILES. */
mt_err mt_rpm_header(const uint8_t *blob, size_t len, mt_rpm_hdr *h);

/* Calls fn for each file of the header in order; fn returns non-zero to stop. Files
 * whose directory index is out of range are skipped and counted in *bad (may be NULL).
 * MT_ERR_PARSE when the file arrays disagree in length or a string runs off the data;
 * MT_ERR_NOMEM. */
typedef int (*mt_rpm_file_fn)(void *arg, const mt_rpm_file *f);
mt_err mt_rpm_files(const mt_rpm_hdr *h, mt_rpm_file_fn fn, void *arg, unsigned *bad);

/* ---- Berkeley DB hash files ---- */

/* Reads exactly n bytes at off into buf; MT_OK or an error (short reads are errors). */
typedef mt_err (*mt_bdb_read_fn)(void *arg, uint64_t off, void *buf, size_t n);
/* One key/data pair; pointers live until the callback returns. Non-zero stops. */
typedef int (*mt_bdb_item_fn)(void *arg, const uint8_t *key, size_t klen, const uint8_t *data,
                              size_t dlen);

/* Walks every key/data pair of the hash pages of a Berkeley DB hash file of size
 * bytes (metadata page: magic 0x061561, either byte order, no encryption). Inline
 * (H_KEYDATA) items and overflow (H_OFFPAGE) chains are read; an item larger than
 * item_cap, a broken or cyclic chain, or a malformed page is skipped and counted in
 * *bad. *swapped says the file is of the other byte order (rpm's keys follow it).
 * MT_ERR_PARSE when the metadata page is not a hash database, MT_ERR_UNSUPPORTED for
 * an encrypted one, errors of rd, MT_ERR_NOMEM. */
mt_err mt_bdb_hash_each(mt_bdb_read_fn rd, void *rarg, uint64_t size, size_t item_cap,
                        mt_bdb_item_fn fn, void *arg, unsigned *bad, int *swapped);

/* The same over a file in memory (tests and fuzzing). */
mt_err mt_bdb_hash_each_mem(const uint8_t *file, size_t size, size_t item_cap, mt_bdb_item_fn fn,
                            void *arg, unsigned *bad, int *swapped);

/* ---- rpmdb.sqlite ---- */

/* One header blob of the Packages table; non-zero stops. */
typedef int (*mt_rpm_blob_fn)(void *arg, const uint8_t *blob, size_t len);

/* Reads every blob of the Packages table of the SQLite database open as fd (read-only,
 * through a private VFS that reads only this descriptor: no other file is opened, no
 * journal or WAL looked at). fd stays the caller's. MT_ERR_PARSE when SQLite cannot
 * read it; the message of SQLite goes to why (may be NULL). */
mt_err mt_rpm_sqlite_each(int fd, mt_rpm_blob_fn fn, void *arg, char *why, size_t whylen);

#endif
