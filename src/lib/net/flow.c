/* flow.c - the bounded flow table (hash + LRU, idle and full eviction), TCP reassembly
 * into small per-direction buffers (a few early segments held), and the cheap
 * first-payload dispatch */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define IDLE_US (600ll * 1000000)

/* SipHash-1-3 of m[0..n) under the run's random key: an attacker who does not know the key
 * cannot make flows collide (review 4) */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                   \
	do {                       \
		v0 += v1;          \
		v1 = ROTL(v1, 13); \
		v1 ^= v0;          \
		v0 = ROTL(v0, 32); \
		v2 += v3;          \
		v3 = ROTL(v3, 16); \
		v3 ^= v2;          \
		v0 += v3;          \
		v3 = ROTL(v3, 21); \
		v3 ^= v0;          \
		v2 += v1;          \
		v1 = ROTL(v1, 17); \
		v1 ^= v2;          \
		v2 = ROTL(v2, 32); \
	} while (0)
static uint64_t siphash13(const uint64_t k[2], const uint8_t *m, size_t n)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ k[0], v1 = 0x646f72616e646f6dull ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ k[0], v3 = 0x7465646279746573ull ^ k[1];
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w = 0;
		for (int j = 7; j >= 0; j--)
			w = w << 8 | m[i + (size_t)j];
		v3 ^= w;
		SIPROUND;
		v0 ^= w;
	}
	uint64_t b = (uint64_t)n << 56;
	for (size_t j = 0; i + j < n; j++)
		b |= (uint64_t)m[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t mt__flow_hash(const mt_pcap *p, const mt_addr *a, unsigned ap, const mt_addr *b,
                       unsigned bp, unsigned proto)
{
	/* symmetric: the endpoints in a fixed order, so both directions land in the same
	 * bucket; never 0 for src == dst (LAND) as the old h(a) ^ h(b) was */
	int swap = memcmp(a->b, b->b, 16);
	if (swap > 0 || (swap == 0 && ap > bp)) {
		const mt_addr *t = a;
		a = b;
		b = t;
		unsigned tp = ap;
		ap = bp;
		bp = tp;
	}
	uint8_t m[37];
	memcpy(m, a->b, 16);
	m[16] = (uint8_t)(ap >> 8);
	m[17] = (uint8_t)ap;
	memcpy(m + 18, b->b, 16);
	m[34] = (uint8_t)(bp >> 8);
	m[35] = (uint8_t)bp;
	m[36] = (uint8_t)proto;
	uint64_t h = siphash13(p->hkey, m, sizeof(m));
	return (uint32_t)(h ^ h >> 32);
}

/* flows holding a stream buffer, most recently fed first: when the pool is empty the
 * least recently fed flow without a mining session gives its buffers back (review 1) */
static void blru_unlink(mt_pcap *p, mt_flow *f)
{
	if (!f->inb)
		return;
	if (f->bprev)
		f->bprev->bnext = f->bnext;
	else
		p->blru_head = f->bnext;
	if (f->bnext)
		f->bnext->bprev = f->bprev;
	else
		p->blru_tail = f->bprev;
	f->bprev = f->bnext = NULL;
	f->inb = 0;
}

static void blru_touch(mt_pcap *p, mt_flow *f)
{
	if (p->blru_head == f)
		return;
	blru_unlink(p, f);
	f->bnext = p->blru_head;
	f->bprev = NULL;
	if (p->blru_head)
		p->blru_head->bprev = f;
	p->blru_head = f;
	if (!p->blru_tail)
		p->blru_tail = f;
	f->inb = 1;
}

static int holds(const mt_flow *f)
{
	return f->s[0].buf || f->s[1].buf || f->s[0].ooo || f->s[1].ooo;
}

/* both buffers of direction dir back to the pool (nfreebuf < nbufs <= MT_PCAP_MAX_BUFS) */
static void buf_put(mt_pcap *p, mt_flow *f, int dir)
{
	mt_stream *s = &f->s[dir];
	if (s->buf) {
		p->bufs[p->nfreebuf++] = s->buf;
		s->buf = NULL;
		s->blen = 0;
	}
	if (s->ooo) {
		p->bufs[p->nfreebuf++] = s->ooo;
		s->ooo = NULL;
	}
	if (!holds(f))
		blru_unlink(p, f);
}

static void ooo_put(mt_pcap *p, mt_flow *f, int dir)
{
	mt_stream *s = &f->s[dir];
	if (!s->ooo)
		return;
	p->bufs[p->nfreebuf++] = s->ooo;
	s->ooo = NULL;
	if (!holds(f))
		blru_unlink(p, f);
}

static void stream_done(mt_pcap *p, mt_flow *f, int dir)
{
	f->s[dir].mode = MT_DIR_MODE_DONE;
	buf_put(p, f, dir);
	if (f->s[!dir].mode == MT_DIR_MODE_DONE)
		f->done = 1;
}

#define RECLAIM_SCAN 64 /* buffer holders looked at for one reclaim */

static uint8_t *buf_get(mt_pcap *p, const mt_flow *want)
{
	if (p->nfreebuf)
		return p->bufs[--p->nfreebuf];
	if (p->nbufs < MT_PCAP_MAX_BUFS) {
		uint8_t *b = malloc(MT_PCAP_STREAM_BUF);
		if (!b) {
			p->err = MT_ERR_NOMEM;
			return NULL;
		}
		p->nbufs++;
		return b;
	}
	/* all in use: take them back from the least recently fed flow that is not a
	 * confirmed mining session; it is judged on what it sent so far */
	mt_flow *g = p->blru_tail;
	for (int i = 0; g && i < RECLAIM_SCAN; i++, g = g->bprev) {
		if (g == want || (g->session >= 0 && p->sess[g->session].confirmed))
			continue;
		stream_done(p, g, 0);
		stream_done(p, g, 1);
		p->st.dropped++;
		return p->nfreebuf ? p->bufs[--p->nfreebuf] : NULL;
	}
	p->st.dropped++;
	return NULL;
}

static void lru_unlink(mt_pcap *p, mt_flow *f)
{
	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		p->lru_head = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		p->lru_tail = f->lprev;
	f->lprev = f->lnext = NULL;
}

static void lru_front(mt_pcap *p, mt_flow *f)
{
	f->lnext = p->lru_head;
	f->lprev = NULL;
	if (p->lru_head)
		p->lru_head->lprev = f;
	p->lru_head = f;
	if (!p->lru_tail)
		p->lru_tail = f;
}

static void flow_release(mt_pcap *p, mt_flow *f)
{
	mt__pair_end(p, f);
	buf_put(p, f, 0);
	buf_put(p, f, 1);
	mt_flow **pp = &p->ftab[f->hash & p->fmask];
	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	lru_unlink(p, f);
	f->hnext = p->ffree;
	p->ffree = f;
	p->fused--;
}

void mt__flows_finish(mt_pcap *p)
{
	while (p->lru_tail)
		flow_release(p, p->lru_tail);
}

/* What a new flow's addresses say: rules and names learned from DNS. */
static void flow_new_checks(mt_pcap *p, mt_flow *f, const mt_pkt *k)
{
	mt_hostrec *h;
	if (mt__addr_internal(&f->a) && (h = mt__host(p, &f->a, 1)) != NULL) {
		h->flows++;
		if (!h->first_us)
			h->first_us = k->ts_us;
		h->last_us = k->ts_us;
	}
	if (mt__addr_internal(&f->b) && (h = mt__host(p, &f->b, 1)) != NULL) {
		h->flows++;
		if (!h->first_us)
			h->first_us = k->ts_us;
		h->last_us = k->ts_us;
	}
	if (mt__addr_internal(&f->b))
		return; /* pools and campaign hosts are on the Internet */
	char ip[64];
	mt__addr_text(&f->b, ip, sizeof(ip));
	size_t il = strlen(ip);
	const mt_rules *R = p->rules;
	const mt_rule *x = NULL;
	int det = MT_DET_pool_addr;
	mt_severity sev = MT_SEV_HIGH;
	if ((x = mt_rules_find_ipport(R, MT_RK_C2_IPPORT, ip, il, f->bp)) ||
	    (x = mt_rules_find_ip(R, MT_RK_C2_IP, ip, il))) {
		det = MT_DET_c2;
	} else if ((x = mt_rules_find_ipport(R, MT_RK_POOL_IPPORT, ip, il, f->bp))) {
		sev = MT_SEV_CRITICAL;
	} else if ((x = mt_rules_find_ip(R, MT_RK_POOL_IP, ip, il))) {
		sev = x->has_sev ? x->sev : MT_SEV_HIGH;
	}
	const mt_dnsrec *dn = mt__dns_lookup(p, &f->b);
	if (!x && !dn)
		return;
	if (dn && (!x || det != MT_DET_c2)) {
		/* the name just resolved says more than an old address list */
		det = dn->rule->kind == MT_RK_C2_DOMAIN ? MT_DET_c2 : MT_DET_pool_addr;
		if (sev < MT_SEV_HIGH)
			sev = MT_SEV_HIGH;
		if (!x)
			x = dn->rule;
	}
	const char *name = dn ? dn->name : "";
	/* one finding per address and port for all clients (review 5) */
	mt__dst_seen(p, det, sev, x->kind == MT_RK_POOL_IPPORT ? 95 : 80, x, dn ? dn->rule : NULL,
	             name, &f->a, f->ap, &f->b, f->bp, k->proto, k->ts_us);
	char dst[80];
	mt__endpoint_text(&f->b, f->bp, dst, sizeof(dst));
	if (sev < MT_SEV_HIGH)
		return; /* an old or shared address alone does not make a verdict */
	char why[320], whyzh[320];
	snprintf(why, sizeof(why), "%s %s%s%s",
	         det == MT_DET_c2 ? "contacted campaign host" : "contacted pool", dst,
	         name[0] ? " " : "", name);
	snprintf(whyzh, sizeof(whyzh), "%s %s%s%s",
	         det == MT_DET_c2 ? "连接挖矿团伙主机" : "连接矿池", dst, name[0] ? " " : "", name);
	mt__host_flag(p, &f->a, det == MT_DET_c2 ? MT_HF_C2 : MT_HF_POOL, why, whyzh);
}

mt_flow *mt__flow_find(mt_pcap *p, const mt_addr *a, unsigned ap, const mt_addr *b, unsigned bp,
                       unsigned proto)
{
	uint32_t h = mt__flow_hash(p, a, ap, b, bp, proto);
	for (mt_flow *f = p->ftab[h & p->fmask]; f; f = f->hnext) {
		if (f->hash != h || f->proto != proto)
			continue;
		if ((f->ap == ap && f->bp == bp && !memcmp(&f->a, a, 16) &&
		     !memcmp(&f->b, b, 16)) ||
		    (f->ap == bp && f->bp == ap && !memcmp(&f->a, b, 16) && !memcmp(&f->b, a, 16)))
			return f;
	}
	return NULL;
}

static mt_flow *flow_get(mt_pcap *p, const mt_pkt *k, int *dir)
{
	uint32_t h = mt__flow_hash(p, &k->src, k->sport, &k->dst, k->dport, k->proto);
	for (mt_flow *f = p->ftab[h & p->fmask]; f; f = f->hnext) {
		if (f->hash != h || f->proto != k->proto)
			continue;
		if (f->ap == k->sport && f->bp == k->dport && !memcmp(&f->a, &k->src, 16) &&
		    !memcmp(&f->b, &k->dst, 16)) {
			*dir = 0;
			return f;
		}
		if (f->ap == k->dport && f->bp == k->sport && !memcmp(&f->a, &k->dst, 16) &&
		    !memcmp(&f->b, &k->src, 16)) {
			*dir = 1;
			return f;
		}
	}
	/* idle flows first, then the least recently used when the table is full */
	for (int i = 0; i < 2 && p->lru_tail && p->lru_tail->last_us + IDLE_US < k->ts_us; i++) {
		flow_release(p, p->lru_tail);
		p->st.flows_evicted++;
	}
	if (p->fused >= MT_PCAP_MAX_FLOWS && p->lru_tail) {
		flow_release(p, p->lru_tail);
		p->st.flows_evicted++;
	}
	if (p->fused >= p->fmask + 1 && p->fmask + 1 < MT_PCAP_MAX_FLOWS * 2) {
		/* grow the buckets with the flows: rehash every live flow */
		uint32_t nb = (p->fmask + 1) * 2;
		mt_flow **nt = calloc(nb, sizeof(*nt));
		if (nt) {
			for (mt_flow *g = p->lru_head; g; g = g->lnext) {
				g->hnext = nt[g->hash & (nb - 1)];
				nt[g->hash & (nb - 1)] = g;
			}
			free(p->ftab);
			p->ftab = nt;
			p->fmask = nb - 1;
		}
	}
	mt_flow *f = p->ffree;
	if (f) {
		p->ffree = f->hnext;
	} else if (!(f = malloc(sizeof(*f)))) {
		p->err = MT_ERR_NOMEM;
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	/* a SYN-ACK first: the receiver opened the connection */
	int rev = k->proto == 6 &&
	          (k->flags & (MT_TCP_SYN | MT_TCP_ACK)) == (MT_TCP_SYN | MT_TCP_ACK);
	if (!rev && k->proto == 6 && !(k->flags & MT_TCP_SYN) && k->sport < 1024 &&
	    k->dport >= 1024)
		rev = 1; /* mid-stream: the low port is the server */
	f->a = rev ? k->dst : k->src;
	f->b = rev ? k->src : k->dst;
	f->ap = rev ? k->dport : k->sport;
	f->bp = rev ? k->sport : k->dport;
	f->proto = k->proto;
	f->hash = h;
	f->session = -1;
	f->pair = -1;
	f->first_us = f->last_us = k->ts_us;
	f->hnext = p->ftab[h & p->fmask];
	p->ftab[h & p->fmask] = f;
	lru_front(p, f);
	p->fused++;
	p->st.flows++;
	*dir = rev;
	flow_new_checks(p, f, k);
	if (k->proto == 17)
		f->s[0].mode = f->s[1].mode = MT_DIR_MODE_DONE, f->done = 1;
	return f;
}

static int is_smb_port(unsigned a, unsigned b)
{
	return a == 445 || b == 445 || a == 139 || b == 139;
}

/* The first payload of a direction decides how the rest is read. */
static void classify(mt_pcap *p, mt_flow *f, int dir, const uint8_t *d, size_t n)
{
	mt_stream *s = &f->s[dir];
	size_t i = 0;
	/* any run of blank space may come before the first JSON line (review 10) */
	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	if (is_smb_port(f->ap, f->bp) &&
	    (d[0] == 0x00 || d[0] == 0x81 || d[0] == 0x82 || d[0] == 0x83 || d[0] == 0x85)) {
		s->mode = MT_DIR_MODE_SMB;
	} else if ((f->ap == 53 || f->bp == 53) && f->proto == 6) {
		s->mode = MT_DIR_MODE_DNS; /* zone transfers and large answers, or a miner
		                            * asking its pool's name over TCP on purpose */
	} else if (i == n) {
		return; /* only blank space so far: the next payload decides */
	} else if (d[i] == '{') {
		s->mode = MT_DIR_MODE_JSON;
	} else if (n >= 5 && (!memcmp(d, "POST ", 5) || !memcmp(d, "GET ", 4))) {
		s->mode = MT_DIR_MODE_HTTP;
	} else if (n >= 5 && !memcmp(d, "HTTP/", 5) && f->session >= 0) {
		s->mode = MT_DIR_MODE_HTTP; /* only the answers of a getwork session matter */
	} else if (dir == 0 && n >= 6 && d[0] == 0x16 && d[1] == 3 && d[5] == 1) {
		s->mode = MT_DIR_MODE_TLS;
	} else if (dir == 1 && (f->tls & MT_FLOW_TLS_FOLLOW) && n >= 6 && d[0] == 0x16 &&
	           d[1] == 3) {
		s->mode = MT_DIR_MODE_TLSREC; /* the server's side of a followed TLS flow */
	} else {
		stream_done(p, f, dir);
		return;
	}
	if (!(s->buf = buf_get(p, f)))
		stream_done(p, f, dir);
	else
		blru_touch(p, f);
}

/* DNS over TCP (RFC 7766): each whole message of the buffer to the DNS reader, as a
 * datagram of this direction would go. */
static void dns_stream(mt_pcap *p, mt_flow *f, int dir, int64_t ts)
{
	mt_stream *s = &f->s[dir];
	while (s->blen >= 2) {
		size_t ml = (size_t)(s->buf[0] << 8 | s->buf[1]);
		if (ml + 2 > MT_PCAP_STREAM_BUF) {
			stream_done(p, f, dir); /* larger than the buffer: not read */
			return;
		}
		if (s->blen < ml + 2)
			return;
		mt_pkt k;
		memset(&k, 0, sizeof(k));
		k.ts_us = ts;
		k.proto = 6;
		k.src = dir ? f->b : f->a;
		k.dst = dir ? f->a : f->b;
		k.sport = dir ? f->bp : f->ap;
		k.dport = dir ? f->ap : f->bp;
		k.payload = s->buf + 2;
		k.plen = ml;
		if (ml)
			mt__dns_packet(p, &k);
		memmove(s->buf, s->buf + ml + 2, s->blen - ml - 2);
		s->blen -= (uint32_t)(ml + 2);
	}
}

/* New in-order bytes of one direction. */
static void stream_data(mt_pcap *p, mt_flow *f, int dir, const uint8_t *d, size_t n, int64_t ts)
{
	mt_stream *s = &f->s[dir];
	if (s->mode == MT_DIR_MODE_NEW) {
		classify(p, f, dir, d, n);
		if (s->mode == MT_DIR_MODE_NEW) {
			/* blank space only: counted against the inspection budget */
			s->seen += (uint32_t)(n < MT_PCAP_INSPECT ? n : MT_PCAP_INSPECT);
			if (s->seen > MT_PCAP_INSPECT)
				stream_done(p, f, dir);
			return;
		}
	}
	if (s->mode == MT_DIR_MODE_DONE)
		return;
	s->seen += (uint32_t)(n < UINT32_MAX - s->seen ? n : UINT32_MAX - s->seen);
	if (s->buf)
		blru_touch(p, f);
	if (s->mode == MT_DIR_MODE_SMB) {
		mt__smb_stream(p, f, dir, d, n, ts);
		return;
	}
	while (n && s->mode != MT_DIR_MODE_DONE) {
		size_t room = MT_PCAP_STREAM_BUF - s->blen;
		if (room == 0) {
			/* a message longer than the buffer: JSON lines skip to the next newline */
			if (s->mode != MT_DIR_MODE_JSON) {
				stream_done(p, f, dir);
				return;
			}
			s->blen = 0;
			s->overflow = 1;
			room = MT_PCAP_STREAM_BUF;
		}
		size_t c = n < room ? n : room;
		if (s->overflow) {
			const uint8_t *nl = memchr(d, '\n', c);
			if (!nl) {
				d += c;
				n -= c;
				continue;
			}
			size_t skip = (size_t)(nl - d) + 1;
			d += skip;
			n -= skip;
			s->overflow = 0;
			continue;
		}
		memcpy(s->buf + s->blen, d, c);
		s->blen += (uint32_t)c;
		d += c;
		n -= c;
		if (s->mode == MT_DIR_MODE_JSON)
			mt__json_stream(p, f, dir);
		else if (s->mode == MT_DIR_MODE_DNS)
			dns_stream(p, f, dir, ts);
		else if (s->mode == MT_DIR_MODE_HTTP)
			mt__http_stream(p, f, dir);
		else if (s->mode == MT_DIR_MODE_TLSREC)
			mt__tls_records(p, f, dir);
		else if (s->mode == MT_DIR_MODE_TLS) {
			if (s->blen >= 5) {
				size_t rec = (size_t)(s->buf[3] << 8 | s->buf[4]) + 5;
				if (s->blen >= rec || s->blen == MT_PCAP_STREAM_BUF) {
					mt__tls_client_hello(p, f, s->buf, s->blen);
					if (!(f->tls & MT_FLOW_TLS_FOLLOW)) {
						stream_done(p, f, dir);
					} else { /* the hello is read: its records from here */
						size_t t = rec < s->blen ? rec : s->blen;
						s->skip = (uint32_t)(rec - t);
						memmove(s->buf, s->buf + t, s->blen - t);
						s->blen -= (uint32_t)t;
						s->mode = MT_DIR_MODE_TLSREC;
						mt__tls_records(p, f, dir);
					}
				}
			}
		}
	}
	/* a handler that gave up, or nothing found within the budget: buffer back to the pool */
	if (s->mode == MT_DIR_MODE_DONE || (f->session < 0 && s->seen > MT_PCAP_INSPECT) ||
	    s->seen > MT_PCAP_SESSION_BYTES)
		stream_done(p, f, dir);
}

/* ---- segments that come early: a few are held (review 10) ----
 * A segment after a hole is kept in a pool buffer (up to OOO_N of them, the buffer's
 * size in all) until the hole is filled; when they do not fit, the hole is given up on
 * and everything is read in sequence order as before (a gap: the line is lost). */
#define OOO_N     4
#define OOO_AHEAD (64u * 1024) /* further ahead than this is a jump, not reordering */
typedef struct ooo_hdr {
	uint32_t seq[OOO_N];
	uint16_t off[OOO_N], len[OOO_N];
	uint16_t used;
	uint8_t n;
} ooo_hdr;
#define OOO_DATA ((sizeof(ooo_hdr) + 7) & ~(size_t)7)

static void seg_in(mt_pcap *p, mt_flow *f, int dir, uint32_t seq, const uint8_t *d, size_t n,
                   int64_t ts, int hold);

static int ooo_hold(mt_pcap *p, mt_flow *f, int dir, uint32_t seq, const uint8_t *d, size_t n)
{
	mt_stream *s = &f->s[dir];
	if (n > MT_PCAP_STREAM_BUF - OOO_DATA || seq - s->next_seq > OOO_AHEAD)
		return 0;
	if (!s->ooo) {
		if (!(s->ooo = buf_get(p, f)))
			return 0;
		memset(s->ooo, 0, sizeof(ooo_hdr));
		blru_touch(p, f);
	}
	ooo_hdr *h = (ooo_hdr *)(void *)s->ooo;
	if (h->n == OOO_N || n > MT_PCAP_STREAM_BUF - OOO_DATA - h->used)
		return 0;
	h->seq[h->n] = seq;
	h->off[h->n] = h->used;
	h->len[h->n] = (uint16_t)n;
	h->n++;
	memcpy(s->ooo + OOO_DATA + h->used, d, n);
	h->used = (uint16_t)(h->used + n);
	return 1;
}

/* Takes entry i out of the list; its bytes stay in place until the next hold. */
static void ooo_take(ooo_hdr *h, unsigned i, uint32_t *seq, uint16_t *off, uint16_t *len)
{
	*seq = h->seq[i];
	*off = h->off[i];
	*len = h->len[i];
	for (unsigned j = i + 1; j < h->n; j++) {
		h->seq[j - 1] = h->seq[j];
		h->off[j - 1] = h->off[j];
		h->len[j - 1] = h->len[j];
	}
	if (--h->n == 0)
		h->used = 0;
}

/* The hole before the held segments was filled: read those that follow now. */
static void ooo_drain(mt_pcap *p, mt_flow *f, int dir, int64_t ts)
{
	for (;;) {
		mt_stream *s = &f->s[dir];
		if (!s->ooo)
			return;
		ooo_hdr *h = (ooo_hdr *)(void *)s->ooo;
		unsigned i = 0;
		while (i < h->n && (int32_t)(h->seq[i] - s->next_seq) > 0)
			i++;
		if (i == h->n) {
			if (!h->n)
				ooo_put(p, f, dir);
			return;
		}
		uint32_t seq;
		uint16_t off, len;
		ooo_take(h, i, &seq, &off, &len);
		/* the buffer goes back to the pool only after its bytes are read */
		uint8_t *keep = s->ooo;
		seg_in(p, f, dir, seq, keep + OOO_DATA + off, len, ts, 0);
	}
}

/* No room to hold the segment: the held ones and it are read in sequence order, the
 * holes treated as gaps. */
static void ooo_giveup(mt_pcap *p, mt_flow *f, int dir, uint32_t seq, const uint8_t *d, size_t n,
                       int64_t ts)
{
	mt_stream *s = &f->s[dir];
	struct seg {
		uint32_t seq;
		const uint8_t *d;
		size_t n;
	} e[OOO_N + 1];
	unsigned ne = 0;
	if (s->ooo) {
		ooo_hdr *h = (ooo_hdr *)(void *)s->ooo;
		for (unsigned i = 0; i < h->n; i++) {
			e[ne].seq = h->seq[i];
			e[ne].d = s->ooo + OOO_DATA + h->off[i];
			e[ne++].n = h->len[i];
		}
		h->n = 0;
		h->used = 0;
	}
	e[ne].seq = seq;
	e[ne].d = d;
	e[ne++].n = n;
	uint32_t base = s->next_seq;
	for (unsigned i = 1; i < ne; i++) /* insertion sort by distance from next_seq */
		for (unsigned j = i; j > 0 && e[j].seq - base < e[j - 1].seq - base; j--) {
			struct seg t = e[j];
			e[j] = e[j - 1];
			e[j - 1] = t;
		}
	/* s->ooo stays ours (not in the free pool) while its bytes are read */
	for (unsigned i = 0; i < ne; i++)
		seg_in(p, f, dir, e[i].seq, e[i].d, e[i].n, ts, 0);
	ooo_put(p, f, dir);
}

/* One TCP segment of direction dir; hold: a segment after a hole may be held. */
static void seg_in(mt_pcap *p, mt_flow *f, int dir, uint32_t seq, const uint8_t *d, size_t n,
                   int64_t ts, int hold)
{
	mt_stream *s = &f->s[dir];
	if (f->done || s->mode == MT_DIR_MODE_DONE)
		return;
	size_t plen = n;
	if (s->have_seq) {
		int32_t delta = (int32_t)(seq - s->next_seq);
		if (delta < 0) {
			/* retransmission or overlap: keep only the new part */
			uint32_t old = s->next_seq - seq;
			if (old >= n)
				return;
			d += old;
			n -= old;
		} else if (delta > 0) {
			if (hold) {
				if (!ooo_hold(p, f, dir, seq, d, n))
					ooo_giveup(p, f, dir, seq, d, n, ts);
				return;
			}
			/* bytes missing: what is buffered can no longer be completed */
			s->blen = 0;
			s->overflow = s->mode == MT_DIR_MODE_JSON;
			s->skip = 0;
			if (s->mode == MT_DIR_MODE_SMB || s->mode == MT_DIR_MODE_TLS ||
			    s->mode == MT_DIR_MODE_TLSREC || s->mode == MT_DIR_MODE_HTTP) {
				s->next_seq = seq + (uint32_t)plen;
				if (s->mode != MT_DIR_MODE_HTTP)
					stream_done(p, f, dir);
				return;
			}
		}
		s->next_seq += (uint32_t)n;
		if (delta > 0)
			s->next_seq = seq + (uint32_t)plen;
	} else {
		s->have_seq = 1;
		s->next_seq = seq + (uint32_t)n;
	}
	stream_data(p, f, dir, d, n, ts);
	if (hold && s->ooo)
		ooo_drain(p, f, dir, ts);
}

void mt__flow_packet(mt_pcap *p, const mt_pkt *k)
{
	int dir;
	mt_flow *f = flow_get(p, k, &dir);
	if (!f)
		return;
	f->last_us = k->ts_us;
	f->bytes[dir] += k->plen;
	if (p->lru_head != f) {
		lru_unlink(p, f);
		lru_front(p, f);
	}
	if (k->proto != 6)
		return;
	mt_stream *s = &f->s[dir];
	if (k->flags & MT_TCP_SYN) {
		if (!(k->flags & MT_TCP_ACK)) {
			if (!f->syn) {
				f->syn = 1;
				mt__pair_start(p, f);
			}
			if (k->dport == 445)
				mt__scan_syn(p, k);
		} else if (!f->synack) {
			f->synack = 1;
			if (k->sport == 445)
				mt__scan_answered(p, &k->dst);
		}
		s->next_seq = k->seq + 1;
		s->have_seq = 1;
		return;
	}
	if (!k->plen || f->done || s->mode == MT_DIR_MODE_DONE)
		return;
	seg_in(p, f, dir, k->seq, k->payload, k->plen, k->ts_us, 1);
}
