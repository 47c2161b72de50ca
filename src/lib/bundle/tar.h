/* tar.h - the evidence bundle's container: POSIX tar (ustar with pax headers for long or
 * non-ASCII names) compressed with gzip (zlib). Our own, not libarchive: the static
 * binary collects on suspect hosts and libarchive's static link drags in libxml2, nettle
 * and libacl; GNU tar and bsdtar read what this writes (tests/collect is the oracle). */
#ifndef MT_BUNDLE_TAR_H
#define MT_BUNDLE_TAR_H

#include <stdint.h>
#include <stdio.h>

#include "internal.h"

typedef struct mt_tarw mt_tarw;

/* Creates path (a new file, 0600; an existing one is refused). */
mt_err mt_tarw_open(const char *path, mt_tarw **out);
/* A member: name inside the bundle, its metadata, then len bytes of data. */
typedef struct mt_tar_meta {
	uint32_t mode, uid, gid;
	int64_t mtime;
} mt_tar_meta;
mt_err mt_tarw_add(mt_tarw *w, const char *name, const mt_tar_meta *m, const void *data,
                   size_t len);
/* A member streamed from fd (len bytes as fstat said; fewer read is padded and *got says
 * how many came); the SHA-256 of what was written into sha. */
mt_err mt_tarw_add_fd(mt_tarw *w, const char *name, const mt_tar_meta *m, int fd, uint64_t len,
                      uint64_t *got, char sha[65]);
/* Ends the archive and the gzip stream and closes the file. */
mt_err mt_tarw_close(mt_tarw *w);

/* Reads a .tar.gz: fn is called for each regular member with its name and data (at most
 * cap bytes held; larger members are hashed but not held: data NULL). */
typedef int (*mt_tar_member_fn)(void *ctx, const char *name, uint64_t size, const char sha[65],
                                const char *data, size_t len);
mt_err mt_tar_read(const char *path, size_t cap, mt_tar_member_fn fn, void *ctx, char *msg,
                   size_t msglen);

#endif
