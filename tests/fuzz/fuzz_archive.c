/* fuzz_archive.c - libFuzzer target: the archive walker (src/lib/content/archive_dyn.c,
 * libarchive) on any bytes: every byte of each member handed over is read, members
 * within CT_MEMBER_MAX, counts and names as the header of content.h promises */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/content.h"

static unsigned char *buf;

typedef struct fctx {
	unsigned calls;
	uint64_t bytes;
	unsigned sum;
} fctx;

static int on_member(void *p, const char *name, const unsigned char *data, size_t len,
                     int truncated)
{
	fctx *c = p;
	if (!name || !data || len == 0 || len > CT_MEMBER_MAX)
		abort();
	if (truncated && len != CT_MEMBER_MAX)
		abort();
	(void)strlen(name);
	unsigned s = 0;
	for (size_t i = 0; i < len; i++)
		s = s * 31u + data[i];
	c->sum ^= s;
	c->calls++;
	c->bytes += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (!buf && !(buf = malloc(CT_MEMBER_MAX)))
		abort();
	fctx c = {0, 0, 0};
	ct_arc_result res;
	(void)ct_archive_magic(d, n);
	mt_err e = ct_archive_walk(d, n, -1, n, buf, on_member, &c, &res);
	if (e != MT_OK && e != MT_ERR_PARSE && e != MT_ERR_NOMEM)
		abort();
	if (c.calls > res.members || res.members > CT_ARCHIVE_FILES || c.bytes > res.unpacked)
		abort();
	if (!memchr(res.format, '\0', sizeof(res.format)) ||
	    !memchr(res.error, '\0', sizeof(res.error)))
		abort();
	return 0;
}
