/* fileinfo.h - facts about files of the root for the integrity checks: bounded hashing,
 * the first bytes, inode flags (chattr), a bounded walk of directory trees that never
 * follows symbolic links, and dpkg's diversions */
#ifndef MT_FILEINFO_H
#define MT_FILEINFO_H

#include "../internal.h"

/* Hashes a regular file of the root (symlinks resolved inside the root), reading at
 * most cap bytes; *truncated (may be NULL) says whether more was there. md5 (33 bytes)
 * and sha256 (65 bytes) may each be NULL; st (may be NULL) gets the opened file's stat. */
mt_err mt_fi_hash(mt_host *host, const char *path, uint64_t cap, char *md5, char *sha256,
                  struct stat *st, int *truncated);

/* Reads the first n bytes (or fewer) of a regular file of the root into buf; *got is the
 * number read. */
mt_err mt_fi_head(mt_host *host, const char *path, void *buf, size_t n, size_t *got);

/* Inode flags (FS_IOC_GETFLAGS: FS_IMMUTABLE_FL 0x10, FS_APPEND_FL 0x20) of a regular
 * file or directory of the root. MT_ERR_UNSUPPORTED when the file system has no such
 * flags (ENOTTY, EOPNOTSUPP, EINVAL). */
#define MT_FI_IMMUTABLE 0x10u
#define MT_FI_APPEND    0x20u
mt_err mt_fi_flags(mt_host *host, const char *path, unsigned *flags);

/* ---- dpkg diversions (var/lib/dpkg/diversions: triples of lines: the diverted path,
 * where it went, the package or ":" for a local diversion) ---- */

typedef struct mt_fi_diversions {
	char **paths; /* both names of every diversion */
	size_t n;
} mt_fi_diversions;

/* A missing file gives an empty set. Malformed triples are skipped and counted in the
 * report's diagnostics. */
mt_err mt_fi_diversions_load(mt_host *host, mt_report *report, mt_fi_diversions *out);
/* Parses the text of the diversions file. */
mt_err mt_fi_diversions_parse(const char *data, size_t len, mt_fi_diversions *out, unsigned *bad);
void mt_fi_diversions_free(mt_fi_diversions *d);
/* Whether path (either name of a diversion, /bin and /usr/bin alike) is diverted. */
int mt_fi_diverted(const mt_fi_diversions *d, const char *path);

/* The same file name with and without the merged-/usr prefix compare equal:
 * "/usr/bin/ps" and "/bin/ps". */
int mt_fi_same_path(const char *a, const char *b);

#endif
