/* pcapfile.c - minetrace's own bounded reader of pcap and pcapng captures, from memory or
 * streamed from a file descriptor through one bounded buffer (no libpcap needed: the static
 * binary, the fuzz target and the fast path of file reading use it) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net.h"

/* Where the bytes come from: all in memory, or read from fd into buf as needed. */
typedef struct src {
	const uint8_t *d; /* window: d[0..len) */
	size_t len, off;  /* off: cursor inside the window */
	uint64_t base;    /* file offset of d[0] */
	int fd;           /* -1: memory */
	uint8_t *buf;
	size_t cap;
	int eof, ioerr;
} src;

/* 1 when n bytes are available at the cursor. */
static int ensure(src *s, size_t n)
{
	if (s->len - s->off >= n)
		return 1;
	if (s->fd < 0 || s->eof || n > s->cap)
		return 0;
	size_t keep = s->len - s->off;
	memmove(s->buf, s->d + s->off, keep);
	s->base += s->off;
	s->off = 0;
	s->len = keep;
	s->d = s->buf;
	while (s->len < n && !s->eof) {
		/* read ahead in cache-sized steps, more only for a large block */
		size_t want = n - s->len > (256u << 10) ? n - s->len : (256u << 10);
		if (want > s->cap - s->len)
			want = s->cap - s->len;
		ssize_t r = read(s->fd, s->buf + s->len, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			s->ioerr = errno;
		if (r <= 0) {
			s->eof = 1;
			break;
		}
		s->len += (size_t)r;
	}
	return s->len - s->off >= n;
}

static size_t avail(const src *s)
{
	return s->len - s->off;
}
static int at_end(src *s)
{
	return !ensure(s, 1);
}

#define PCAPNG_MAX_IFACES 64

static uint32_t get32(const uint8_t *p, int swap)
{
	uint32_t v =
		(uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return swap ? __builtin_bswap32(v) : v;
}
static uint16_t get16(const uint8_t *p, int swap)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);
	return swap ? (uint16_t)(v >> 8 | v << 8) : v;
}

static mt_err classic(mt_pcap *p, src *s, char *err, size_t errlen)
{
	if (!ensure(s, 24)) {
		snprintf(err, errlen, "pcap file header cut short");
		return MT_ERR_PARSE;
	}
	const uint8_t *d = s->d + s->off;
	uint32_t magic = get32(d, 0);
	int swap = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
	int nano = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
	uint32_t link = get32(d + 20, swap) & 0xffff; /* upper bits: FCS length flags */
	s->off += 24;
	while (!at_end(s)) {
		if (!ensure(s, 16)) {
			p->st.capture_errors++;
			snprintf(err, errlen, "record header cut short at offset %llu",
			         (unsigned long long)(s->base + s->off));
			return MT_ERR_PARSE;
		}
		d = s->d + s->off;
		uint32_t sec = get32(d, swap), frac = get32(d + 4, swap);
		uint32_t cap = get32(d + 8, swap);
		if (cap > MT_PCAP_MAX_SNAP) {
			p->st.capture_errors++;
			snprintf(err, errlen, "record of %u bytes at offset %llu is over the limit",
			         cap, (unsigned long long)(s->base + s->off));
			return MT_ERR_PARSE;
		}
		s->off += 16;
		int whole = ensure(s, cap);
		size_t have = whole ? cap : avail(s);
		int64_t ts = (int64_t)sec * 1000000 + (nano ? frac / 1000 : frac);
		mt_err e = mt_pcap_packet(p, (int)link, ts, s->d + s->off, have);
		if (e != MT_OK)
			return e;
		if (!whole) {
			p->st.capture_errors++;
			snprintf(err, errlen, "last record cut short");
			return MT_ERR_PARSE;
		}
		s->off += cap;
	}
	return MT_OK;
}

typedef struct ngif {
	int link;
	uint64_t div; /* units per second of the timestamps */
} ngif;

static void idb_options(const uint8_t *o, size_t n, int swap, ngif *ifc)
{
	size_t off = 0;
	while (n - off >= 4) {
		uint16_t code = get16(o + off, swap), olen = get16(o + off + 2, swap);
		off += 4;
		if (code == 0 || olen > n - off)
			return;
		if (code == 9 && olen >= 1) { /* if_tsresol */
			uint8_t v = o[off];
			uint64_t div = 1;
			if (v & 0x80) {
				for (unsigned i = 0; i < (v & 0x7fu) && i < 63; i++)
					div *= 2;
			} else {
				for (unsigned i = 0; i < v && i < 19; i++)
					div *= 10;
			}
			ifc->div = div ? div : 1000000;
		}
		off += ((size_t)olen + 3) & ~(size_t)3;
		if (off > n)
			return;
	}
}

static int64_t ng_ts(const ngif *ifc, uint32_t hi, uint32_t lo)
{
	uint64_t t = (uint64_t)hi << 32 | lo;
	if (ifc->div == 1000000)
		return (int64_t)t;
	uint64_t sec = t / ifc->div, frac = t % ifc->div;
	return (int64_t)(sec * 1000000 + (uint64_t)((double)frac * 1e6 / (double)ifc->div));
}

static mt_err pcapng(mt_pcap *p, src *s, char *err, size_t errlen)
{
	ngif ifs[PCAPNG_MAX_IFACES];
	size_t nif = 0;
	int swap = 0;
	while (!at_end(s)) {
		if (!ensure(s, 12)) {
			p->st.capture_errors++;
			snprintf(err, errlen, "pcapng block cut short at offset %llu",
			         (unsigned long long)(s->base + s->off));
			return MT_ERR_PARSE;
		}
		const uint8_t *d = s->d + s->off;
		uint32_t type = get32(d, swap);
		if (type == 0x0a0d0d0a) { /* section header: byte order, interfaces restart */
			uint32_t bom = get32(d + 8, 0);
			if (bom == 0x1a2b3c4d)
				swap = 0;
			else if (bom == 0x4d3c2b1a)
				swap = 1;
			else {
				snprintf(err, errlen, "pcapng section with a bad byte-order magic");
				return MT_ERR_PARSE;
			}
			nif = 0;
		}
		uint32_t blen = get32(d + 4, swap);
		if (blen < 12 || (blen & 3) || blen > MT_PCAP_MAX_BLOCK || !ensure(s, blen)) {
			p->st.capture_errors++;
			snprintf(err, errlen, "pcapng block of %u bytes at offset %llu is invalid",
			         blen, (unsigned long long)(s->base + s->off));
			return MT_ERR_PARSE;
		}
		d = s->d + s->off; /* ensure may have moved the window */
		const uint8_t *b = d + 8;
		size_t bl = blen - 12; /* body */
		if (type == 1) {       /* interface description */
			if (bl >= 8 && nif < PCAPNG_MAX_IFACES) {
				ngif *ifc = &ifs[nif++];
				ifc->link = get16(b, swap);
				ifc->div = 1000000;
				idb_options(b + 8, bl - 8, swap, ifc);
			} else {
				p->st.capture_errors++;
			}
		} else if (type == 6 || type == 2) { /* enhanced / obsolete packet block */
			if (bl < 20) {
				p->st.capture_errors++;
			} else {
				uint32_t ifn = type == 6 ? get32(b, swap) : get16(b, swap);
				uint32_t hi = get32(b + 4, swap), lo = get32(b + 8, swap);
				uint32_t cap = get32(b + 12, swap);
				if (ifn >= nif || cap > bl - 20) {
					p->st.capture_errors++;
				} else {
					mt_err e = mt_pcap_packet(p, ifs[ifn].link,
					                          ng_ts(&ifs[ifn], hi, lo), b + 20,
					                          cap);
					if (e != MT_OK)
						return e;
				}
			}
		} else if (type == 3) { /* simple packet block: interface 0, no time */
			if (bl < 4 || nif == 0) {
				p->st.capture_errors++;
			} else {
				uint32_t orig = get32(b, swap);
				size_t cap = orig < bl - 4 ? orig : bl - 4;
				mt_err e = mt_pcap_packet(p, ifs[0].link, p->last_us, b + 4, cap);
				if (e != MT_OK)
					return e;
			}
		}
		s->off += blen;
	}
	return MT_OK;
}

static mt_err dispatch(mt_pcap *p, src *s, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	if (!ensure(s, 4)) {
		snprintf(err, errlen, "not a pcap or pcapng file (too short)");
		return MT_ERR_PARSE;
	}
	uint32_t magic = get32(s->d + s->off, 0);
	if (magic == 0xa1b2c3d4u || magic == 0xd4c3b2a1u || magic == 0xa1b23c4du ||
	    magic == 0x4d3cb2a1u)
		return classic(p, s, err, errlen);
	if (magic == 0x0a0d0d0au)
		return pcapng(p, s, err, errlen);
	snprintf(err, errlen, "not a pcap or pcapng file (magic %08x)", magic);
	return MT_ERR_UNSUPPORTED;
}

mt_err mt__pcapfile_read(mt_pcap *p, const uint8_t *data, size_t len, char *err, size_t errlen)
{
	src s = {data, len, 0, 0, -1, NULL, 0, 1, 0};
	mt_err e = dispatch(p, &s, err, errlen);
	return e == MT_ERR_UNSUPPORTED ? MT_ERR_PARSE : e;
}

mt_err mt__pcapfile_fd(mt_pcap *p, int fd, char *err, size_t errlen)
{
	/* the window holds the largest block and 4 MB of reading ahead */
	size_t cap = MT_PCAP_MAX_BLOCK + (4u << 20);
	src s = {NULL, 0, 0, 0, fd, malloc(cap), cap, 0, 0};
	if (!s.buf)
		return MT_ERR_NOMEM;
	s.d = s.buf;
	mt_err e = dispatch(p, &s, err, errlen);
	if (s.ioerr && e == MT_OK) {
		snprintf(err, errlen, "read: %s", strerror(s.ioerr));
		e = MT_ERR_IO;
	}
	free(s.buf);
	return e;
}

mt_err mt_pcap_read_buffer(mt_pcap *p, const uint8_t *data, size_t len, char *err, size_t errlen)
{
	if (!p || (!data && len))
		return MT_ERR_INVAL;
	return mt__pcapfile_read(p, data, len, err, errlen);
}

mt_err mt__open_capture(const char *path, int *fd, char *err, size_t errlen)
{
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (*fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s", strerror(e));
		return mt_errno_to_err(e);
	}
	struct stat st;
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(*fd);
		*fd = -1;
		snprintf(err, errlen, "not a regular file");
		return MT_ERR_NOTREG;
	}
	int fl = fcntl(*fd, F_GETFL);
	if (fl >= 0)
		fcntl(*fd, F_SETFL, fl & ~O_NONBLOCK);
	posix_fadvise(*fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return MT_OK;
}
