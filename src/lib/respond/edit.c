/* edit.c - the line editor of respond: take out exactly one line, every other byte kept */
#include <stdlib.h>
#include <string.h>

#include "respond/respond_int.h"

/* 1 when [s, s+n) or, with a final '\r', [s, s+n-1) hashes to sha_hex. */
static int line_matches(const char *s, size_t n, const char *sha_hex)
{
	char h[65];
	mt_sha256_hex(s, n, h);
	if (strcmp(h, sha_hex) == 0)
		return 1;
	if (n && s[n - 1] == '\r') {
		mt_sha256_hex(s, n - 1, h);
		return strcmp(h, sha_hex) == 0;
	}
	return 0;
}

mt_err mt_edit_remove_line(const char *data, size_t len, unsigned lineno, const char *sha_hex,
                           char **out, size_t *outlen, unsigned *at)
{
	*out = NULL;
	*outlen = 0;
	*at = 0;
	if (!sha_hex || strlen(sha_hex) != 64)
		return MT_ERR_INVAL;
	size_t hit_off = 0, hit_end = 0, want_off = 0, want_end = 0;
	unsigned hits = 0, hit_line = 0, n = 0;
	int want = 0;
	size_t off = 0;
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t next = nl ? end + 1 : len;
		n++;
		if (line_matches(data + off, end - off, sha_hex)) {
			if (n == lineno) {
				want = 1;
				want_off = off;
				want_end = next;
			}
			hits++;
			hit_line = n;
			hit_off = off;
			hit_end = next;
		}
		off = next;
	}
	if (want) {
		hit_off = want_off;
		hit_end = want_end;
		hit_line = lineno;
	} else if (hits == 0) {
		return MT_ERR_CHANGED;
	} else if (hits > 1) {
		return MT_ERR_LIMIT;
	}
	size_t ol = len - (hit_end - hit_off);
	char *o = malloc(ol + 1);
	if (!o)
		return MT_ERR_NOMEM;
	memcpy(o, data, hit_off);
	memcpy(o + hit_off, data + hit_end, len - hit_end);
	o[ol] = '\0';
	*out = o;
	*outlen = ol;
	*at = hit_line;
	return MT_OK;
}
