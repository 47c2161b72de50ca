/* tls.c - TLS seen from outside: the ClientHello (server name, and the client's JA3 and
 * JA4 fingerprints, matched against the tls-ja3/tls-ja4 rules of miners), the names in the
 * server's certificate (TLS 1.2 and older send it in the clear), and the record shape of
 * a flow whose client has a miner's fingerprint (stratum.c counts it as a session). All
 * reads go through the bounded reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define MAXLIST 64 /* values of one list kept for the fingerprints */

typedef struct hello {
	uint16_t version; /* the legacy version field */
	uint16_t best;    /* highest of supported_versions, else version */
	uint8_t has_sv;   /* supported_versions was there */
	uint16_t ciphers[MAXLIST], exts[MAXLIST], groups[MAXLIST], sigalgs[MAXLIST];
	uint8_t formats[MAXLIST];
	unsigned nc, ne, ng, ns, nf;
	const uint8_t *sni, *alpn; /* the first server name and ALPN value, or NULL */
	uint16_t snil;
	uint8_t alpnl;
} hello;

/* GREASE values (RFC 8701) are left out of both fingerprints */
static int grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static void put(uint16_t *list, unsigned *n, uint16_t v)
{
	if (!grease(v) && *n < MAXLIST)
		list[(*n)++] = v;
}

/* the u16 list of length len (bytes) at r into list */
static int u16_list(mt_rd *r, size_t len, uint16_t *list, unsigned *n)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		uint16_t v;
		if (rd_u16be(r, &v))
			return -1;
		put(list, n, v);
	}
	return len & 1 ? rd_skip(r, 1) : 0;
}

static void extension(hello *h, uint16_t type, const uint8_t *d, uint16_t n)
{
	mt_rd e;
	uint16_t l16;
	uint8_t l8;
	rd_init(&e, d, n);
	switch (type) {
	case 0: { /* server_name: the first host_name */
		uint8_t nt;
		uint16_t nl;
		const uint8_t *name;
		if (!rd_u16be(&e, &l16) && !rd_u8(&e, &nt) && nt == 0 && !rd_u16be(&e, &nl) &&
		    !rd_bytes(&e, nl, &name) && nl) {
			h->sni = name;
			h->snil = nl;
		}
		break;
	}
	case 10: /* supported_groups */
		if (!rd_u16be(&e, &l16) && l16 <= rd_left(&e))
			u16_list(&e, l16, h->groups, &h->ng);
		break;
	case 11: /* ec_point_formats */
		if (!rd_u8(&e, &l8) && l8 <= rd_left(&e))
			for (unsigned i = 0; i < l8 && h->nf < MAXLIST; i++)
				rd_u8(&e, &h->formats[h->nf++]);
		break;
	case 13: /* signature_algorithms, in order */
		if (!rd_u16be(&e, &l16) && l16 <= rd_left(&e))
			u16_list(&e, l16, h->sigalgs, &h->ns);
		break;
	case 16: { /* ALPN: the first protocol */
		const uint8_t *pv;
		if (!rd_u16be(&e, &l16) && !rd_u8(&e, &l8) && l8 && !rd_bytes(&e, l8, &pv)) {
			h->alpn = pv;
			h->alpnl = l8;
		}
		break;
	}
	case 43: /* supported_versions */
		if (!rd_u8(&e, &l8) && l8 <= rd_left(&e))
			for (unsigned i = 0; i + 1 < l8; i += 2) {
				uint16_t v;
				if (rd_u16be(&e, &v))
					break;
				if (grease(v) || v > 0x0304)
					continue;
				if (!h->has_sv || v > h->best)
					h->best = v;
				h->has_sv = 1;
			}
		break;
	}
}

/* Parses the ClientHello at the start of d (a TLS record); 0 on success. */
static int parse_hello(const uint8_t *d, size_t n, hello *h)
{
	mt_rd r;
	uint8_t u8;
	uint16_t u16, ver;
	uint32_t hs;
	memset(h, 0, sizeof(*h));
	rd_init(&r, d, n);
	if (rd_u8(&r, &u8) || u8 != 0x16 || rd_u16be(&r, &ver) || rd_u16be(&r, &u16))
		return -1;
	if (u16 < r.len - r.off)
		r.len = r.off + u16;
	if (rd_u32be(&r, &hs) || (hs >> 24) != 1) /* ClientHello */
		return -1;
	if (rd_u16be(&r, &h->version) || rd_skip(&r, 32) || rd_u8(&r, &u8) || rd_skip(&r, u8) ||
	    rd_u16be(&r, &u16) || u16 > rd_left(&r) || u16_list(&r, u16, h->ciphers, &h->nc) ||
	    rd_u8(&r, &u8) || rd_skip(&r, u8))
		return -1;
	h->best = h->version;
	if (rd_u16be(&r, &u16))
		return 0; /* no extensions */
	if (u16 < rd_left(&r))
		r.len = r.off + u16;
	while (rd_left(&r) >= 4) {
		uint16_t type, elen;
		const uint8_t *ed;
		if (rd_u16be(&r, &type) || rd_u16be(&r, &elen) || rd_bytes(&r, elen, &ed))
			break;
		put(h->exts, &h->ne, type);
		extension(h, type, ed, elen);
	}
	return 0;
}

static void dec_list(mt_buf *b, const uint16_t *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		mt_buf_printf(b, "%s%u", i ? "-" : "", v[i]);
}

/* JA3: md5 of "version,ciphers,extensions,groups,formats" (decimal, '-' joined) */
static void ja3(const hello *h, char out[33])
{
	mt_buf b;
	mt_buf_init(&b, 512);
	mt_buf_printf(&b, "%u,", h->version);
	dec_list(&b, h->ciphers, h->nc);
	mt_buf_printf(&b, ",");
	dec_list(&b, h->exts, h->ne);
	mt_buf_printf(&b, ",");
	dec_list(&b, h->groups, h->ng);
	mt_buf_printf(&b, ",");
	for (unsigned i = 0; i < h->nf; i++)
		mt_buf_printf(&b, "%s%u", i ? "-" : "", h->formats[i]);
	mt_md5 c;
	uint8_t dg[16];
	mt_md5_init(&c);
	mt_md5_update(&c, b.data ? b.data : "", b.len);
	mt_md5_final(&c, dg);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", dg[i]);
	mt_buf_free(&b);
}

static int u16_cmp(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return x < y ? -1 : x > y;
}

/* the first 12 hex digits of sha256 of the text, or twelve zeros for an empty one */
static void trunc_hash(const mt_buf *b, char out[13])
{
	if (!b->len) {
		memcpy(out, "000000000000", 13);
		return;
	}
	char hex[65];
	mt_sha256_hex(b->data, b->len, hex);
	memcpy(out, hex, 12);
	out[12] = '\0';
}

static int alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* JA4 (FoxIO): t<version><d|i><ciphers><extensions><alpn>_<sorted ciphers>_<sorted
 * extensions without SNI and ALPN>_<signature algorithms> with the last two hashed */
static void ja4(const hello *h, char out[40])
{
	const char *v = h->best == 0x0304   ? "13"
	                : h->best == 0x0303 ? "12"
	                : h->best == 0x0302 ? "11"
	                : h->best == 0x0301 ? "10"
	                : h->best == 0x0300 ? "s3"
	                                    : "00";
	char al[3] = "00";
	if (h->alpn && h->alpnl) {
		uint8_t f = h->alpn[0], l = h->alpn[h->alpnl - 1];
		if (alnum(f) && alnum(l)) {
			al[0] = (char)f;
			al[1] = (char)l;
		} else { /* not alphanumeric: the first and last hex digits */
			static const char hx[] = "0123456789abcdef";
			al[0] = hx[f >> 4];
			al[1] = hx[l & 15];
		}
	}
	uint16_t c[MAXLIST], e[MAXLIST];
	unsigned nc = h->nc, ne = 0;
	memcpy(c, h->ciphers, nc * sizeof(c[0]));
	qsort(c, nc, sizeof(c[0]), u16_cmp);
	for (unsigned i = 0; i < h->ne; i++)
		if (h->exts[i] != 0 && h->exts[i] != 16)
			e[ne++] = h->exts[i];
	qsort(e, ne, sizeof(e[0]), u16_cmp);
	mt_buf b1, b2;
	mt_buf_init(&b1, 256);
	mt_buf_init(&b2, 256);
	for (unsigned i = 0; i < nc; i++)
		mt_buf_printf(&b1, "%s%04x", i ? "," : "", c[i]);
	for (unsigned i = 0; i < ne; i++)
		mt_buf_printf(&b2, "%s%04x", i ? "," : "", e[i]);
	if (h->ns) {
		mt_buf_printf(&b2, "_");
		for (unsigned i = 0; i < h->ns; i++)
			mt_buf_printf(&b2, "%s%04x", i ? "," : "", h->sigalgs[i]);
	}
	char x[13], y[13];
	trunc_hash(&b1, x);
	trunc_hash(ne || h->ns ? &b2 : &b1, y);
	if (!ne && !h->ns)
		memcpy(y, "000000000000", 13);
	snprintf(out, 40, "t%s%c%02u%02u%s_%s_%s", v, h->sni ? 'd' : 'i', nc > 99 ? 99 : nc,
	         h->ne > 99 ? 99 : h->ne, al, x, y);
	mt_buf_free(&b1);
	mt_buf_free(&b2);
}

void mt__tls_fingerprints(const uint8_t *d, size_t n, char ja3_out[33], char ja4_out[40])
{
	hello h;
	ja3_out[0] = ja4_out[0] = '\0';
	if (parse_hello(d, n, &h) == 0) {
		ja3(&h, ja3_out);
		ja4(&h, ja4_out);
	}
}

void mt__tls_client_hello(mt_pcap *p, mt_flow *f, const uint8_t *d, size_t n)
{
	hello h;
	if (parse_hello(d, n, &h) != 0)
		return;
	if (h.sni)
		mt__name_seen(p, &f->a, &f->b, f->ap, f->bp, (const char *)h.sni, h.snil, "tls-sni",
		              f->last_us);
	char j3[33], j4[40];
	ja3(&h, j3);
	ja4(&h, j4);
	const mt_rule *x = mt_rules_find(p->rules, MT_RK_TLS_JA4, j4);
	if (!x)
		x = mt_rules_find(p->rules, MT_RK_TLS_JA3, j3);
	if (x)
		mt__session_tls(p, f, j3, j4, x, h.sni != NULL);
	/* its records are followed when it is a miner's, or when it names no server (the
	 * certificate will) */
	if (x || !h.sni)
		f->tls |= MT_FLOW_TLS_FOLLOW;
}

/* ---- the server's certificate (TLS 1.2 and older) ---- */

/* one DER element at r: tag and content; -1 when it does not fit (a cut certificate) */
static int der(mt_rd *r, uint8_t *tag, mt_rd *content)
{
	uint8_t t, l;
	size_t len = 0;
	if (rd_u8(r, &t) || rd_u8(r, &l))
		return -1;
	if (l & 0x80) {
		unsigned k = l & 0x7f;
		if (k == 0 || k > 3)
			return -1;
		for (unsigned i = 0; i < k; i++) {
			uint8_t b;
			if (rd_u8(r, &b))
				return -1;
			len = len << 8 | b;
		}
	} else {
		len = l;
	}
	const uint8_t *c;
	if (rd_bytes(r, len, &c))
		return -1;
	*tag = t;
	rd_init(content, c, len);
	return 0;
}

static void cert_name(mt_pcap *p, mt_flow *f, const uint8_t *s, size_t n)
{
	if (!n || n > 253)
		return;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return;
	if (n > 2 && s[0] == '*' && s[1] == '.') { /* a wildcard names its parent */
		s += 2;
		n -= 2;
	}
	mt__name_seen(p, &f->a, &f->b, f->ap, f->bp, (const char *)s, n, "tls-cert", f->last_us);
	mt__session_tls_name(p, f, (const char *)s, n);
}

/* subject CN (2.5.4.3) of a Name */
static void name_cn(mt_pcap *p, mt_flow *f, mt_rd name)
{
	mt_rd set, atv;
	uint8_t t;
	while (rd_left(&name) && der(&name, &t, &set) == 0) {
		while (rd_left(&set) && der(&set, &t, &atv) == 0) {
			mt_rd oid, val;
			uint8_t ot, vt;
			if (der(&atv, &ot, &oid) || ot != 0x06 || der(&atv, &vt, &val))
				continue;
			if (oid.len == 3 && !memcmp(oid.p, "\x55\x04\x03", 3))
				cert_name(p, f, val.p, val.len);
		}
	}
}

/* Subject CN and subjectAltName dNSNames of the leaf certificate. */
static void leaf_cert(mt_pcap *p, mt_flow *f, const uint8_t *d, size_t n)
{
	mt_rd r, cert, tbs, x;
	uint8_t t;
	rd_init(&r, d, n);
	if (der(&r, &t, &cert) || t != 0x30 || der(&cert, &t, &tbs) || t != 0x30)
		return;
	if (rd_left(&tbs) && tbs.p[tbs.off] == 0xa0 && der(&tbs, &t, &x)) /* version */
		return;
	/* serial, signature, issuer, validity */
	for (int i = 0; i < 4; i++)
		if (der(&tbs, &t, &x))
			return;
	if (der(&tbs, &t, &x) || t != 0x30) /* subject */
		return;
	name_cn(p, f, x);
	if (der(&tbs, &t, &x)) /* subjectPublicKeyInfo */
		return;
	while (rd_left(&tbs) && der(&tbs, &t, &x) == 0) {
		if (t != 0xa3)
			continue;
		mt_rd exts, ext;
		if (der(&x, &t, &exts) || t != 0x30)
			return;
		while (rd_left(&exts) && der(&exts, &t, &ext) == 0) {
			mt_rd oid, val, names, gn;
			uint8_t ot, vt;
			if (der(&ext, &ot, &oid) || oid.len != 3 ||
			    memcmp(oid.p, "\x55\x1d\x11", 3))
				continue;
			if (rd_left(&ext) && ext.p[ext.off] == 0x01 && der(&ext, &vt, &val))
				continue; /* critical flag */
			if (der(&ext, &vt, &val) || vt != 0x04 || der(&val, &vt, &names) ||
			    vt != 0x30)
				continue;
			while (rd_left(&names) && der(&names, &vt, &gn) == 0)
				if (vt == 0x82) /* dNSName */
					cert_name(p, f, gn.p, gn.len);
		}
	}
}

/* The handshake messages of a server record's start d[0..n) (the record header gone):
 * the leaf of a Certificate message, as far as it is there. */
static void server_handshake(mt_pcap *p, mt_flow *f, const uint8_t *d, size_t n)
{
	mt_rd r;
	rd_init(&r, d, n);
	for (int k = 0; k < 8 && rd_left(&r) >= 4; k++) {
		uint32_t hs;
		rd_u32be(&r, &hs);
		size_t len = hs & 0xffffff, have = len < rd_left(&r) ? len : rd_left(&r);
		const uint8_t *body;
		rd_bytes(&r, have, &body);
		if ((hs >> 24) == 11 && have > 6) { /* Certificate: list length, cert length */
			size_t cl = (size_t)body[3] << 16 | (size_t)body[4] << 8 | body[5];
			leaf_cert(p, f, body + 6, cl < have - 6 ? cl : have - 6);
			f->tls |= MT_FLOW_TLS_CERT;
			return;
		}
		if (have < len)
			return;
	}
}

/* A direction of a flow whose records are followed (a miner's fingerprint, or no server
 * name: the certificate says who the server is): record headers are read, bodies
 * skipped; the server's first handshake records are read for the certificate. */
void mt__tls_records(mt_pcap *p, mt_flow *f, int dir)
{
	mt_stream *s = &f->s[dir];
	for (int rounds = 0; rounds < 64 && s->blen; rounds++) {
		if (s->skip) {
			size_t k = s->skip < s->blen ? s->skip : s->blen;
			memmove(s->buf, s->buf + k, s->blen - k);
			s->blen -= (uint32_t)k;
			s->skip -= (uint32_t)k;
			continue;
		}
		if (s->blen < 5)
			return;
		uint8_t type = s->buf[0];
		size_t len = (size_t)s->buf[3] << 8 | s->buf[4];
		if (type < 20 || type > 24 || s->buf[1] != 3) {
			s->mode = MT_DIR_MODE_DONE; /* not TLS (any more) */
			s->blen = 0;
			return;
		}
		if (type == 22 && dir == 1 && !(f->tls & MT_FLOW_TLS_CERT)) {
			/* a handshake record of the server: read what the buffer holds of it */
			if (s->blen < 5 + len && s->blen < MT_PCAP_STREAM_BUF)
				return;
			size_t have = s->blen - 5 < len ? s->blen - 5 : len;
			server_handshake(p, f, s->buf + 5, have);
		}
		if (type == 23 || type == 20)
			f->tls |= MT_FLOW_TLS_CERT; /* encrypted from here (TLS 1.3: always) */
		if (f->session < 0 && dir == 1 && (f->tls & MT_FLOW_TLS_CERT)) {
			s->mode = MT_DIR_MODE_DONE; /* only the certificate was wanted */
			s->blen = 0;
			return;
		}
		if (f->session >= 0)
			mt__session_tls_record(p, f, dir, type, len);
		size_t take = 5 + len < s->blen ? 5 + len : s->blen;
		s->skip = (uint32_t)(5 + len - take);
		memmove(s->buf, s->buf + take, s->blen - take);
		s->blen -= (uint32_t)take;
	}
}
