/* tar.c - writes and reads the evidence bundle: ustar members, a pax extended header
 * before a member whose name does not fit ustar or is not plain ASCII, gzip by zlib.
 * Reading is bounded: headers are checked (checksum, octal fields), sizes capped, names
 * taken from pax headers only when well-formed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "tar.h"

#define BLOCK 512

struct mt_tarw {
	int fd;
	z_stream z;
	unsigned char out[1 << 16];
	mt_err err;
};

static void zflush(mt_tarw *w, int flush)
{
	do {
		w->z.next_out = w->out;
		w->z.avail_out = sizeof(w->out);
		int r = deflate(&w->z, flush);
		if (r == Z_STREAM_ERROR) {
			w->err = MT_ERR_IO;
			return;
		}
		size_t have = sizeof(w->out) - w->z.avail_out;
		for (size_t off = 0; off < have;) {
			ssize_t n = write(w->fd, w->out + off, have - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				w->err = MT_ERR_IO;
				return;
			}
			off += (size_t)n;
		}
	} while (w->z.avail_out == 0);
}

static void put(mt_tarw *w, const void *p, size_t n)
{
	if (w->err != MT_OK)
		return;
	w->z.next_in = (unsigned char *)(uintptr_t)p;
	w->z.avail_in = (uInt)n;
	while (w->z.avail_in && w->err == MT_OK)
		zflush(w, Z_NO_FLUSH);
}

mt_err mt_tarw_open(const char *path, mt_tarw **out)
{
	*out = NULL;
	mt_tarw *w = calloc(1, sizeof(*w));
	if (!w)
		return MT_ERR_NOMEM;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0) {
		mt_err e = mt_errno_to_err(errno);
		free(w);
		return e;
	}
	if (deflateInit2(&w->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		close(w->fd);
		free(w);
		return MT_ERR_NOMEM;
	}
	*out = w;
	return MT_OK;
}

static void octal(char *f, size_t n, uint64_t v)
{
	/* n-1 digits and a NUL */
	for (size_t i = n - 1; i-- > 0;) {
		f[i] = (char)('0' + (v & 7));
		v >>= 3;
	}
	f[n - 1] = '\0';
}

static int plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static void header(mt_tarw *w, const char *name, char type, uint64_t size, const mt_tar_meta *m)
{
	unsigned char h[BLOCK];
	memset(h, 0, sizeof(h));
	size_t nl = strlen(name);
	memcpy(h, name, nl < 100 ? nl : 99);
	octal((char *)h + 100, 8, m ? m->mode & 07777 : 0644);
	octal((char *)h + 108, 8, m ? m->uid & 07777777 : 0);
	octal((char *)h + 116, 8, m ? m->gid & 07777777 : 0);
	octal((char *)h + 124, 12, size);
	octal((char *)h + 136, 12, m && m->mtime > 0 ? (uint64_t)m->mtime : 0);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	unsigned sum = 0;
	for (size_t i = 0; i < BLOCK; i++)
		sum += h[i];
	octal((char *)h + 148, 7, sum);
	h[155] = ' ';
	put(w, h, sizeof(h));
}

static void pad(mt_tarw *w, uint64_t size)
{
	static const unsigned char zero[BLOCK];
	if (size % BLOCK)
		put(w, zero, BLOCK - size % BLOCK);
}

/* the member's name: as is when ustar holds it, else a pax "path" record first */
static void name_header(mt_tarw *w, const char *name, uint64_t size, const mt_tar_meta *m)
{
	if (strlen(name) < 100 && plain(name)) {
		header(w, name, '0', size, m);
		return;
	}
	char rec[MT_MAX_PATH + 64];
	size_t body = strlen(name) + 7; /* " path=" and "\n" */
	size_t len = body + 1;
	for (int k = 0; k < 3; k++) { /* the length counts its own digits */
		char d[24];
		len = body + (size_t)snprintf(d, sizeof(d), "%zu", len);
	}
	int n = snprintf(rec, sizeof(rec), "%zu path=%s\n", len, name);
	if (n < 0 || (size_t)n >= sizeof(rec)) {
		w->err = MT_ERR_TOOBIG;
		return;
	}
	header(w, "././@PaxHeader", 'x', (uint64_t)n, m);
	put(w, rec, (size_t)n);
	pad(w, (uint64_t)n);
	char shortname[100];
	snprintf(shortname, sizeof(shortname), "%.80s", name);
	for (char *c = shortname; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '_';
	header(w, shortname, '0', size, m);
}

mt_err mt_tarw_add(mt_tarw *w, const char *name, const mt_tar_meta *m, const void *data, size_t len)
{
	name_header(w, name, len, m);
	put(w, data, len);
	pad(w, len);
	return w->err;
}

mt_err mt_tarw_add_fd(mt_tarw *w, const char *name, const mt_tar_meta *m, int fd, uint64_t len,
                      uint64_t *got, char sha[65])
{
	name_header(w, name, len, m);
	mt_sha256 c;
	mt_sha256_init(&c);
	unsigned char buf[1 << 16];
	uint64_t done = 0;
	while (done < len && w->err == MT_OK) {
		size_t want = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
		ssize_t n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shorter than it said: padded with zeros below */
		mt_sha256_update(&c, buf, (size_t)n);
		put(w, buf, (size_t)n);
		done += (uint64_t)n;
	}
	*got = done;
	memset(buf, 0, sizeof(buf));
	for (uint64_t left = len - done; left && w->err == MT_OK;) {
		size_t k = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		put(w, buf, k);
		mt_sha256_update(&c, buf, k);
		left -= k;
	}
	uint8_t d[32];
	mt_sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", d[i]);
	pad(w, len);
	return w->err;
}

mt_err mt_tarw_close(mt_tarw *w)
{
	static const unsigned char zero[2 * BLOCK];
	put(w, zero, sizeof(zero));
	if (w->err == MT_OK) {
		w->z.next_in = NULL;
		w->z.avail_in = 0;
		zflush(w, Z_FINISH);
	}
	deflateEnd(&w->z);
	if (fsync(w->fd) != 0 && w->err == MT_OK)
		w->err = MT_ERR_IO;
	if (close(w->fd) != 0 && w->err == MT_OK)
		w->err = MT_ERR_IO;
	mt_err e = w->err;
	free(w);
	return e;
}

/* ---- reading ---- */

static int from_octal(const unsigned char *f, size_t n, uint64_t *v)
{
	size_t i = 0;
	*v = 0;
	while (i < n && f[i] == ' ')
		i++;
	int any = 0;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++, any = 1) {
		if (*v >> 60)
			return -1;
		*v = *v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return any ? 0 : -1;
}

typedef struct zr {
	gzFile g;
} zr;

static int rd(zr *z, void *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		int r = gzread(z->g, (char *)p + got,
		               (unsigned)(n - got < (1u << 30) ? n - got : (1u << 30)));
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

mt_err mt_tar_read(const char *path, size_t cap, mt_tar_member_fn fn, void *ctx, char *msg,
                   size_t msglen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(msg, msglen, "cannot open: %s", strerror(errno));
		return MT_ERR_IO;
	}
	zr z = {gzdopen(fd, "rb")};
	if (!z.g) {
		close(fd);
		snprintf(msg, msglen, "not gzip");
		return MT_ERR_PARSE;
	}
	mt_err e = MT_OK;
	char pax_name[MT_MAX_PATH] = "";
	unsigned zeros = 0;
	char *data = NULL;
	for (uint64_t members = 0;; members++) {
		unsigned char h[BLOCK];
		if (rd(&z, h, BLOCK) != 0) {
			int ze;
			const char *zm = gzerror(z.g, &ze);
			if (ze != Z_OK && ze != Z_STREAM_END) {
				snprintf(msg, msglen, "gzip: %s", zm);
				e = MT_ERR_PARSE;
			} else if (zeros == 0) {
				snprintf(msg, msglen,
				         "the archive ends without its end blocks (cut?)");
				e = MT_ERR_PARSE;
			}
			break;
		}
		int allzero = 1;
		for (size_t i = 0; i < BLOCK && allzero; i++)
			allzero = h[i] == 0;
		if (allzero) {
			if (++zeros == 2)
				break;
			continue;
		}
		zeros = 0;
		uint64_t size, sum;
		if (from_octal(h + 124, 12, &size) != 0 || from_octal(h + 148, 8, &sum) != 0) {
			snprintf(msg, msglen, "member %llu: a malformed header",
			         (unsigned long long)members);
			e = MT_ERR_PARSE;
			break;
		}
		unsigned calc = 0;
		for (size_t i = 0; i < BLOCK; i++)
			calc += i >= 148 && i < 156 ? ' ' : h[i];
		if (calc != sum) {
			snprintf(msg, msglen, "member %llu: header checksum wrong",
			         (unsigned long long)members);
			e = MT_ERR_PARSE;
			break;
		}
		char type = (char)h[156];
		char name[MT_MAX_PATH];
		snprintf(name, sizeof(name), "%.100s", (const char *)h);
		if (pax_name[0]) {
			snprintf(name, sizeof(name), "%s", pax_name);
			pax_name[0] = '\0';
		}
		uint64_t padded = (size + BLOCK - 1) / BLOCK * BLOCK;
		if (type == 'x') {
			char rec[MT_MAX_PATH + 64];
			if (size >= sizeof(rec) || rd(&z, rec, (size_t)padded) != 0) {
				snprintf(msg, msglen, "a pax header too large or cut");
				e = MT_ERR_PARSE;
				break;
			}
			rec[size] = '\0';
			/* records "LEN key=value\n": only path is used */
			for (char *r = rec; *r;) {
				char *sp = strchr(r, ' ');
				unsigned long len = strtoul(r, NULL, 10);
				if (!sp || len == 0 || len > (size_t)(rec + size - r))
					break;
				if (!strncmp(sp + 1, "path=", 5) && r[len - 1] == '\n') {
					size_t vl = (size_t)(r + len - 1 - (sp + 6));
					if (vl < sizeof(pax_name)) {
						memcpy(pax_name, sp + 6, vl);
						pax_name[vl] = '\0';
					}
				}
				r += len;
			}
			continue;
		}
		/* stream the member: hash all, hold up to cap */
		int hold = (type == '0' || type == '\0') && size <= cap;
		free(data);
		data = hold ? malloc((size_t)size + 1) : NULL;
		if (hold && !data) {
			e = MT_ERR_NOMEM;
			break;
		}
		mt_sha256 c;
		mt_sha256_init(&c);
		unsigned char buf[1 << 16];
		uint64_t left = padded, seen = 0;
		while (left) {
			size_t k = left < sizeof(buf) ? (size_t)left : sizeof(buf);
			if (rd(&z, buf, k) != 0) {
				e = MT_ERR_PARSE;
				break;
			}
			size_t use = seen + k <= size ? k : size > seen ? (size_t)(size - seen) : 0;
			mt_sha256_update(&c, buf, use);
			if (data)
				memcpy(data + seen, buf, use);
			seen += use;
			left -= k;
		}
		if (e != MT_OK) {
			snprintf(msg, msglen, "member %s is cut", name);
			break;
		}
		if (type != '0' && type != '\0')
			continue;
		uint8_t d[32];
		char sha[65];
		mt_sha256_final(&c, d);
		for (int i = 0; i < 32; i++)
			snprintf(sha + 2 * i, 3, "%02x", d[i]);
		if (data)
			data[size] = '\0';
		if (fn(ctx, name, size, sha, data, data ? (size_t)size : 0) != 0)
			break;
	}
	free(data);
	gzclose(z.g);
	return e;
}
