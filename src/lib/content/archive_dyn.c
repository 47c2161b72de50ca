/* archive_dyn.c - the members of tar, tar.gz/bz2/xz/zst, zip, 7z, rar, cpio, ar and
 * single compressed streams through libarchive, within the limits of content.h: a
 * member is read up to CT_MEMBER_MAX, an archive up to CT_ARCHIVE_TOTAL, and one that
 * unpacks to more than CT_ARCHIVE_RATIO times its size is a bomb and is left */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"

int ct_archive_magic(const unsigned char *p, size_t n)
{
	if (n < 6)
		return 0;
	if (p[0] == 0x1f && p[1] == 0x8b)
		return 1; /* gzip */
	if (p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
		return 1;
	if (!memcmp(p,
	            "\xfd"
	            "7zXZ\0",
	            6) ||
	    !memcmp(p, "\x28\xb5\x2f\xfd", 4) || !memcmp(p, "\x04\x22\x4d\x18", 4))
		return 1; /* xz, zstd, lz4 */
	if (!memcmp(p, "PK\3\4", 4) || !memcmp(p, "7z\xbc\xaf\x27\x1c", 6) ||
	    !memcmp(p, "Rar!\x1a\x07", 6) || !memcmp(p, "MSCF", 4))
		return 1;
	if (!memcmp(p, "070701", 6) || !memcmp(p, "070707", 6) ||
	    (n >= 8 && !memcmp(p, "!<arch>\n", 8)))
		return 1;
	if (n >= 262 && !memcmp(p + 257, "ustar", 5))
		return 1;
	return 0;
}

mt_err ct_archive_walk(const unsigned char *data, size_t len, int fd, uint64_t packed,
                       unsigned char *buf, ct_member_fn fn, void *ctx, ct_arc_result *res)
{
	memset(res, 0, sizeof(*res));
	struct archive *a = archive_read_new();
	if (!a)
		return MT_ERR_NOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	archive_read_support_format_raw(a); /* a single compressed file: one member */
	int r;
	if (fd >= 0) {
		if (lseek(fd, 0, SEEK_SET) != 0) {
			archive_read_free(a);
			return MT_ERR_IO;
		}
		r = archive_read_open_fd(a, fd, 64 * 1024);
	} else {
		r = archive_read_open_memory(a, data, len);
		packed = len;
	}
	if (packed == 0)
		packed = 1;
	if (r != ARCHIVE_OK) {
		snprintf(res->error, sizeof(res->error), "%s",
		         archive_error_string(a) ? archive_error_string(a) : "not an archive");
		archive_read_free(a);
		return MT_ERR_PARSE;
	}
	mt_err e = MT_OK;
	struct archive_entry *ent;
	int stop = 0;
	while (!stop && (r = archive_read_next_header(a, &ent)) != ARCHIVE_EOF) {
		if (r == ARCHIVE_FATAL || (r != ARCHIVE_OK && r != ARCHIVE_WARN)) {
			snprintf(res->error, sizeof(res->error), "%s",
			         archive_error_string(a) ? archive_error_string(a) : "damaged");
			if (!res->members)
				e = MT_ERR_PARSE;
			break;
		}
		if (!res->format[0] && archive_format_name(a))
			snprintf(res->format, sizeof(res->format), "%s", archive_format_name(a));
		/* the raw reader takes any bytes: a plain file in a single stream is fine, a
		 * stream that is no compressed one is not an archive */
		if (archive_format(a) == ARCHIVE_FORMAT_RAW && archive_filter_count(a) <= 1) {
			e = MT_ERR_PARSE;
			break;
		}
		if (archive_entry_filetype(ent) != AE_IFREG)
			continue;
		if (res->members >= CT_ARCHIVE_FILES) {
			res->limited = 1;
			break;
		}
		if (archive_entry_is_encrypted(ent)) {
			res->encrypted++;
			continue;
		}
		res->members++;
		size_t got = 0;
		int trunc = 0;
		for (;;) {
			size_t room = CT_MEMBER_MAX - got;
			la_ssize_t n;
			if (room == 0) {
				unsigned char sink[16384];
				n = archive_read_data(a, sink, sizeof(sink));
				if (n > 0)
					trunc = 1;
			} else {
				n = archive_read_data(a, buf + got, room);
				if (n > 0)
					got += (size_t)n;
			}
			if (n == 0)
				break;
			if (n < 0) {
				if (archive_entry_is_encrypted(ent))
					res->encrypted++;
				else
					snprintf(res->error, sizeof(res->error), "%s",
					         archive_error_string(a) ? archive_error_string(a)
					                                 : "damaged member");
				break;
			}
			res->unpacked += (uint64_t)n;
			if (res->unpacked > 16u * 1024 * 1024 &&
			    res->unpacked / packed > CT_ARCHIVE_RATIO) {
				res->bomb = 1;
				stop = 1;
				break;
			}
			if (res->unpacked > CT_ARCHIVE_TOTAL) {
				res->limited = 1;
				stop = 1;
				break;
			}
		}
		if (res->bomb)
			break;
		const char *name = archive_entry_pathname(ent);
		if (got && fn(ctx, name ? name : "?", buf, got, trunc))
			break;
	}
	archive_read_free(a);
	return e;
}
