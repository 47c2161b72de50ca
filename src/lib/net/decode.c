/* decode.c - link, IP and transport headers of one captured packet through a bounded
 * reader: Ethernet with 802.1Q/QinQ, Linux cooked v1/v2, BSD loopback, raw IP, IPv4
 * (fragments handed to frag.c), IPv6 with extension headers, TCP and UDP */
#include <stdio.h>
#include <string.h>

#include "net.h"

int mt__addr_is_v4(const mt_addr *a)
{
	static const uint8_t pfx[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(a->b, pfx, 12) == 0;
}

void mt__addr_text(const mt_addr *a, char *out, size_t n)
{
	if (mt__addr_is_v4(a)) {
		snprintf(out, n, "%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], a->b[15]);
		return;
	}
	/* RFC 5952: lower case, the longest run of two or more zero groups as "::" */
	uint16_t g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
	int best = -1, bestlen = 1;
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < 8 && o < n; i++) {
		if (i == best) {
			o += (size_t)snprintf(out + o, n - o, "::");
			i += bestlen - 1;
			continue;
		}
		int lead = !(i == 0 || i == best + bestlen);
		o += (size_t)snprintf(out + o, n - o, "%s%x", lead ? ":" : "", g[i]);
	}
}

void mt__endpoint_text(const mt_addr *a, unsigned port, char *out, size_t n)
{
	char ip[64];
	mt__addr_text(a, ip, sizeof(ip));
	if (mt__addr_is_v4(a))
		snprintf(out, n, "%s:%u", ip, port);
	else
		snprintf(out, n, "[%s]:%u", ip, port);
}

int mt__addr_internal(const mt_addr *a)
{
	const uint8_t *b = a->b;
	if (mt__addr_is_v4(a)) {
		const uint8_t *v = b + 12;
		return v[0] == 10 || (v[0] == 172 && (v[1] & 0xf0) == 16) ||
		       (v[0] == 192 && v[1] == 168) || (v[0] == 100 && (v[1] & 0xc0) == 64) ||
		       (v[0] == 169 && v[1] == 254) || v[0] == 127;
	}
	static const uint8_t lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
	       memcmp(b, lo, 16) == 0;
}

uint32_t mt__hash_bytes(const void *p, size_t n, uint32_t seed)
{
	/* FNV-1a with a final mix */
	const uint8_t *s = p;
	uint32_t h = 2166136261u ^ seed;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static void v4(mt_addr *a, const uint8_t *p)
{
	memset(a->b, 0, 10);
	a->b[10] = a->b[11] = 0xff;
	memcpy(a->b + 12, p, 4);
}

static int transport(mt_rd *r, uint8_t proto, mt_pkt *k, mt_pcap_stats *st)
{
	k->proto = proto;
	if (proto == 6) {
		uint16_t sp, dp, offfl;
		uint32_t seq, ack;
		if (rd_u16be(r, &sp) || rd_u16be(r, &dp) || rd_u32be(r, &seq) ||
		    rd_u32be(r, &ack) || rd_u16be(r, &offfl))
			goto trunc;
		size_t hl = (size_t)(offfl >> 12) * 4;
		if (hl < 20)
			goto bad;
		if (rd_skip(r, hl - 14))
			goto trunc;
		k->sport = sp;
		k->dport = dp;
		k->seq = seq;
		k->flags = (uint8_t)(offfl & 0xff);
		k->payload = r->p + r->off;
		k->plen = rd_left(r);
		return 0;
	}
	if (proto == 17) {
		uint16_t sp, dp, ulen, sum;
		if (rd_u16be(r, &sp) || rd_u16be(r, &dp) || rd_u16be(r, &ulen) || rd_u16be(r, &sum))
			goto trunc;
		if (ulen < 8 && ulen != 0) /* 0: jumbogram */
			goto bad;
		k->sport = sp;
		k->dport = dp;
		k->flags = 0;
		k->seq = 0;
		k->payload = r->p + r->off;
		k->plen = rd_left(r);
		if (ulen >= 8 && (size_t)(ulen - 8) < k->plen)
			k->plen = (size_t)ulen - 8;
		return 0;
	}
	st->non_ip++; /* ICMP, SCTP, GRE...: not judged */
	return 1;
trunc:
	st->truncated++;
bad:
	st->malformed++;
	return -1;
}

static int ipv4(mt_rd *r, mt_pkt *k, mt_pcap_stats *st)
{
	uint8_t vihl, tos, ttl, proto;
	uint16_t tot, id, frag, sum;
	const uint8_t *s, *d;
	size_t start = r->off;
	if (rd_u8(r, &vihl) || rd_u8(r, &tos) || rd_u16be(r, &tot) || rd_u16be(r, &id) ||
	    rd_u16be(r, &frag) || rd_u8(r, &ttl) || rd_u8(r, &proto) || rd_u16be(r, &sum) ||
	    rd_bytes(r, 4, &s) || rd_bytes(r, 4, &d))
		goto trunc;
	size_t hl = (size_t)(vihl & 15) * 4;
	if ((vihl >> 4) != 4 || hl < 20 || tot < hl)
		goto bad;
	if (rd_skip(r, hl - 20))
		goto trunc;
	/* shrink the bound to the datagram (Ethernet padding follows short packets) */
	if ((size_t)tot < r->len - start)
		r->len = start + tot;
	v4(&k->src, s);
	v4(&k->dst, d);
	if (frag & 0x3fff) {
		st->fragments++;
		k->frag = 1;
		k->frag_more = (frag & 0x2000) != 0;
		k->frag_off = (uint32_t)(frag & 0x1fff) * 8;
		k->ip_id = id;
		k->proto = proto;
		k->payload = r->p + r->off;
		k->plen = rd_left(r);
		return 1;
	}
	return transport(r, proto, k, st);
trunc:
	st->truncated++;
bad:
	st->malformed++;
	return -1;
}

static int ipv6(mt_rd *r, mt_pkt *k, mt_pcap_stats *st)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh, hop;
	const uint8_t *s, *d;
	if (rd_u32be(r, &vtf) || rd_u16be(r, &plen) || rd_u8(r, &nh) || rd_u8(r, &hop) ||
	    rd_bytes(r, 16, &s) || rd_bytes(r, 16, &d))
		goto trunc;
	if ((vtf >> 28) != 6)
		goto bad;
	if (plen && (size_t)plen < rd_left(r))
		r->len = r->off + plen;
	memcpy(k->src.b, s, 16);
	memcpy(k->dst.b, d, 16);
	for (int i = 0; i < 8; i++) {
		uint8_t next, hlen;
		switch (nh) {
		case 0:  /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			if (rd_u8(r, &next) || rd_u8(r, &hlen) || rd_skip(r, (size_t)hlen * 8 + 6))
				goto trunc;
			nh = next;
			continue;
		case 51: /* AH: length in 4-byte units minus 2 */
			if (rd_u8(r, &next) || rd_u8(r, &hlen) || rd_skip(r, (size_t)hlen * 4 + 6))
				goto trunc;
			nh = next;
			continue;
		case 44: { /* fragment */
			uint8_t res;
			uint16_t off;
			uint32_t ident;
			if (rd_u8(r, &next) || rd_u8(r, &res) || rd_u16be(r, &off) ||
			    rd_u32be(r, &ident))
				goto trunc;
			if (off & 0xfff9) {
				st->fragments++;
				return 1;
			}
			nh = next; /* an atomic fragment */
			continue;
		}
		default:
			return transport(r, nh, k, st);
		}
	}
	goto bad; /* too many extension headers */
trunc:
	st->truncated++;
bad:
	st->malformed++;
	return -1;
}

static int by_version(mt_rd *r, mt_pkt *k, mt_pcap_stats *st)
{
	if (rd_left(r) < 1) {
		st->truncated++;
		st->malformed++;
		return -1;
	}
	unsigned v = r->p[r->off] >> 4;
	if (v == 4)
		return ipv4(r, k, st);
	if (v == 6)
		return ipv6(r, k, st);
	st->malformed++;
	return -1;
}

static int by_ethertype(mt_rd *r, uint16_t et, mt_pkt *k, mt_pcap_stats *st)
{
	for (int tags = 0; et == 0x8100 || et == 0x88a8 || et == 0x9100; tags++) {
		uint16_t tci;
		if (tags >= 4) {
			st->malformed++;
			return -1;
		}
		if (rd_u16be(r, &tci) || rd_u16be(r, &et)) {
			st->truncated++;
			st->malformed++;
			return -1;
		}
	}
	if (et == 0x0800)
		return ipv4(r, k, st);
	if (et == 0x86dd)
		return ipv6(r, k, st);
	st->non_ip++;
	return 1;
}

int mt__decode(int linktype, const uint8_t *data, size_t caplen, mt_pkt *k, mt_pcap_stats *st)
{
	mt_rd r;
	rd_init(&r, data, caplen);
	uint16_t et;
	uint32_t fam;
	k->frag = 0;
	switch (linktype) {
	case MT_LINK_ETHERNET:
		if (rd_skip(&r, 12) || rd_u16be(&r, &et))
			break;
		return by_ethertype(&r, et, k, st);
	case MT_LINK_SLL:
		if (rd_skip(&r, 14) || rd_u16be(&r, &et))
			break;
		return by_ethertype(&r, et, k, st);
	case MT_LINK_SLL2:
		if (rd_u16be(&r, &et) || rd_skip(&r, 18))
			break;
		return by_ethertype(&r, et, k, st);
	case MT_LINK_NULL:
	case MT_LINK_LOOP:
		if (rd_u32le(&r, &fam))
			break;
		if (linktype == MT_LINK_LOOP || fam > 0xffff)
			fam = __builtin_bswap32(fam);
		if (fam == 2)
			return ipv4(&r, k, st);
		if (fam == 24 || fam == 28 || fam == 30 || fam == 10)
			return ipv6(&r, k, st);
		st->non_ip++;
		return 1;
	case MT_LINK_RAW:
	case 12: /* DLT_RAW on most systems */
	case 14: /* DLT_RAW on OpenBSD */
		return by_version(&r, k, st);
	case MT_LINK_IPV4:
		return ipv4(&r, k, st);
	case MT_LINK_IPV6:
		return ipv6(&r, k, st);
	default:
		st->non_ip++;
		return 1;
	}
	st->truncated++;
	st->malformed++;
	return -1;
}
