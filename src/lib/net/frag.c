/* frag.c - IPv4 fragments put back together, so that a stratum login or a pool name
 * split over fragments (on purpose, to slip past a sensor, or by a small MTU) is read.
 *
 * Bounded like the rest of the capture code: MT_FRAG_MAX datagrams in flight, the oldest
 * given up when a new one needs room, each forgotten 30 s (capture time) after its first
 * fragment, at most 65515 bytes of payload. Fragments that overlap what arrived before
 * drop the whole datagram: targets reassemble overlaps in different ways (first wins,
 * last wins), and a sensor that picks one can be shown a different stream than the host
 * receives (Ptacek and Newsham, 1998); dropping it is counted, not guessed. */
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define FRAG_PAYLOAD 65515 /* 65535 less the 20 bytes of the smallest header */
#define FRAG_TIMEOUT (30 * INT64_C(1000000))

struct mt_frag {
	int used;
	mt_addr src, dst;
	uint16_t id;
	uint8_t proto;
	int64_t first_us;
	uint32_t total; /* the datagram's payload length, once the last fragment came */
	uint32_t have;  /* payload bytes received */
	uint8_t *buf;
	uint8_t *map; /* one bit per 8 bytes received */
};

static void drop(struct mt_frag *f)
{
	free(f->buf);
	free(f->map);
	memset(f, 0, sizeof(*f));
}

void mt__frag_free(mt_pcap *p)
{
	if (!p->frags)
		return;
	for (unsigned i = 0; i < MT_FRAG_MAX; i++)
		drop(&p->frags[i]);
	free(p->frags);
	p->frags = NULL;
}

static int same(const struct mt_frag *f, const mt_pkt *k)
{
	return f->used && f->id == k->ip_id && f->proto == k->proto &&
	       memcmp(&f->src, &k->src, sizeof(f->src)) == 0 &&
	       memcmp(&f->dst, &k->dst, sizeof(f->dst)) == 0;
}

/* The whole datagram as one raw IPv4 packet, through the decoder and the detectors. */
static void deliver(mt_pcap *p, const struct mt_frag *f, int64_t ts_us)
{
	size_t n = 20 + (size_t)f->total;
	uint8_t *d = malloc(n);
	if (!d) {
		p->err = MT_ERR_NOMEM;
		return;
	}
	memset(d, 0, 20);
	d[0] = 0x45;
	d[2] = (uint8_t)(n >> 8);
	d[3] = (uint8_t)n;
	d[8] = 64;
	d[9] = f->proto;
	memcpy(d + 12, f->src.b + 12, 4); /* mt_addr holds IPv4 as ::ffff:a.b.c.d */
	memcpy(d + 16, f->dst.b + 12, 4);
	memcpy(d + 20, f->buf, f->total);
	mt_pkt k;
	if (mt__decode(MT_LINK_IPV4, d, n, &k, &p->st) == 0) {
		k.ts_us = ts_us;
		if (k.proto == 17 &&
		    (k.sport == 53 || k.dport == 53 || k.sport == 5353 || k.dport == 5353) &&
		    k.plen)
			mt__dns_packet(p, &k);
		mt__flow_packet(p, &k);
	}
	free(d);
}

void mt__frag_packet(mt_pcap *p, const mt_pkt *k)
{
	if (k->frag_off + k->plen > FRAG_PAYLOAD || (k->frag_more && (k->plen & 7))) {
		p->frag_dropped++; /* past the largest datagram, or a middle piece not 8-aligned */
		return;
	}
	if (!p->frags && !(p->frags = calloc(MT_FRAG_MAX, sizeof(*p->frags)))) {
		p->err = MT_ERR_NOMEM;
		return;
	}
	struct mt_frag *f = NULL, *oldest = NULL, *empty = NULL;
	for (unsigned i = 0; i < MT_FRAG_MAX; i++) {
		struct mt_frag *x = &p->frags[i];
		if (x->used && k->ts_us - x->first_us > FRAG_TIMEOUT) {
			p->frag_dropped++; /* never completed */
			drop(x);
		}
		if (same(x, k))
			f = x;
		else if (!x->used && !empty)
			empty = x;
		else if (x->used && (!oldest || x->first_us < oldest->first_us))
			oldest = x;
	}
	if (!f) {
		f = empty;
		if (!f) {
			p->frag_dropped++;
			drop(oldest);
			f = oldest;
		}
		f->buf = malloc(FRAG_PAYLOAD);
		f->map = calloc(FRAG_PAYLOAD / 8 + 1, 1);
		if (!f->buf || !f->map) {
			drop(f);
			p->err = MT_ERR_NOMEM;
			return;
		}
		f->used = 1;
		f->src = k->src;
		f->dst = k->dst;
		f->id = k->ip_id;
		f->proto = k->proto;
		f->first_us = k->ts_us;
	}
	uint32_t a = k->frag_off / 8, b = (uint32_t)((k->frag_off + k->plen + 7) / 8);
	for (uint32_t i = a; i < b; i++)
		if (f->map[i / 8] & (1u << (i % 8))) {
			p->frag_dropped++; /* an overlap: which copy the host keeps is unknown */
			drop(f);
			return;
		}
	for (uint32_t i = a; i < b; i++)
		f->map[i / 8] |= (uint8_t)(1u << (i % 8));
	memcpy(f->buf + k->frag_off, k->payload, k->plen);
	f->have += (uint32_t)k->plen;
	if (!k->frag_more) {
		if (f->total) {
			p->frag_dropped++; /* two last fragments */
			drop(f);
			return;
		}
		f->total = k->frag_off + (uint32_t)k->plen;
	}
	if (f->total && f->have == f->total) {
		p->frag_done++;
		deliver(p, f, k->ts_us);
		drop(f);
	}
}
