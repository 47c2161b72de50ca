/* archive_stub.c - the static and Windows builds carry no libarchive (Debian's
 * libarchive.a pulls libxml2, libnettle and libacl): archives are judged as bytes there,
 * their members are not opened */
#include <stdio.h>
#include <string.h>

#include "content.h"

int ct_archive_magic(const unsigned char *p, size_t n)
{
	(void)p;
	(void)n;
	return 0;
}

mt_err ct_archive_walk(const unsigned char *data, size_t len, int fd, uint64_t packed,
                       unsigned char *buf, ct_member_fn fn, void *ctx, ct_arc_result *res)
{
	(void)data;
	(void)len;
	(void)fd;
	(void)packed;
	(void)buf;
	(void)fn;
	(void)ctx;
	memset(res, 0, sizeof(*res));
	snprintf(res->error, sizeof(res->error), "archives need the dynamically linked build");
	return MT_ERR_UNSUPPORTED;
}
