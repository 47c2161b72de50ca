/* beacon.c - regular connections to one destination: the seeds' C2 handed out a mining
 * task every 10 seconds; interval and size regularity per (source, destination, port) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define BEACON_MIN         6    /* connections */
#define BEACON_MIN_GAP     2.0  /* seconds between them, at least */
#define BEACON_MAX_CV      0.15 /* interval spread / mean */
#define BEACON_MAX_SIZE_CV 0.30

/* Square root by Newton's method (no libm in the static link). */
static double root2(double x)
{
	if (x <= 0)
		return 0;
	double r = x > 1 ? x : 1;
	for (int i = 0; i < 60; i++)
		r = 0.5 * (r + x / r);
	return r;
}

typedef struct pair_key {
	const mt_pcap *p;
	const mt_flow *f;
} pair_key;

static int pair_eq(const void *ctx, uint32_t idx)
{
	const pair_key *k = ctx;
	const mt_pair *q = &k->p->pairs[idx];
	return q->dport == k->f->bp && !memcmp(&q->src, &k->f->a, 16) &&
	       !memcmp(&q->dst, &k->f->b, 16);
}

#define PAIR_SAMPLE 64 /* records looked at for one replacement */

/* The pair table is full: of PAIR_SAMPLE records from a moving cursor, the one with the
 * fewest connections (then the oldest) makes room, so spoofed one-SYN pairs that came
 * first cannot keep a beacon out (review 8). */
static int64_t pair_victim(mt_pcap *p)
{
	int64_t best = -1;
	for (unsigned k = 0; k < PAIR_SAMPLE && k < p->npairs; k++) {
		uint32_t j = p->pcur++ % p->npairs;
		const mt_pair *q = &p->pairs[j];
		if (best < 0 || q->n < p->pairs[best].n ||
		    (q->n == p->pairs[best].n && q->last_us < p->pairs[best].last_us))
			best = j;
	}
	return best;
}

void mt__pair_start(mt_pcap *p, mt_flow *f)
{
	if (!mt__addr_internal(&f->a) || mt__addr_internal(&f->b))
		return; /* outbound connections of internal hosts only */
	uint8_t key[34];
	memcpy(key, f->a.b, 16);
	memcpy(key + 16, f->b.b, 16);
	key[32] = (uint8_t)(f->bp >> 8);
	key[33] = (uint8_t)f->bp;
	uint32_t h = mt__hash_bytes(key, sizeof(key), 9);
	pair_key k = {p, f};
	int64_t i = mt__itab_find(&p->pidx, h, pair_eq, &k);
	if (i >= 0) {
		mt_pair *q = &p->pairs[i];
		double gap = (double)(f->first_us - q->last_us) / 1e6;
		q->isum += gap;
		q->isq += gap * gap;
		q->n++;
		q->last_us = f->first_us;
		f->pair = (int32_t)i;
		return;
	}
	uint32_t at = p->npairs;
	if (p->npairs >= MT_PCAP_MAX_PAIRS) {
		int64_t j = pair_victim(p);
		if (j < 0) {
			p->st.dropped++;
			return;
		}
		at = (uint32_t)j;
		mt__itab_del(&p->pidx, p->pairs[at].hash, at);
		memset(&p->pairs[at], 0, sizeof(p->pairs[at]));
	} else {
		mt_err e = MT_OK;
		p->pairs = mt__grow(p->pairs, &p->apairs, p->npairs + 1, sizeof(*p->pairs),
		                    MT_PCAP_MAX_PAIRS, &e);
		if (e != MT_OK) {
			p->err = MT_ERR_NOMEM;
			return;
		}
		p->npairs++;
	}
	if (mt__itab_add(&p->pidx, h, at) != MT_OK) {
		p->err = MT_ERR_NOMEM;
		return; /* an unused record (n 0): never reported */
	}
	mt_pair *q = &p->pairs[at];
	q->hash = h;
	q->used = 1;
	q->src = f->a;
	q->dst = f->b;
	q->dport = f->bp;
	q->n = 1;
	q->first_us = q->last_us = f->first_us;
	f->pair = (int32_t)at;
}

void mt__pair_end(mt_pcap *p, mt_flow *f)
{
	if (f->pair < 0 || !p->pairs)
		return;
	mt_pair *q = &p->pairs[f->pair];
	if (q->dport != f->bp || memcmp(&q->src, &f->a, 16) || memcmp(&q->dst, &f->b, 16)) {
		f->pair = -1; /* its pair was replaced while the flow was open */
		return;
	}
	double sz = (double)(f->bytes[0] + f->bytes[1]);
	q->ssum += sz;
	q->ssq += sz * sz;
	q->nsz++;
	f->pair = -1;
}

mt_err mt__beacon_report(mt_pcap *p, mt_report *r)
{
	for (uint32_t i = 0; i < p->npairs; i++) {
		mt_pair *q = &p->pairs[i];
		if (!q->used || q->n < BEACON_MIN)
			continue;
		double k = (double)(q->n - 1);
		double mean = q->isum / k, var = q->isq / k - mean * mean;
		double cv = mean > 0 ? root2(var > 0 ? var : 0) / mean : 1;
		double smean = q->nsz ? q->ssum / q->nsz : 0;
		double svar = q->nsz ? q->ssq / q->nsz - smean * smean : 0;
		double scv = smean > 0 ? root2(svar > 0 ? svar : 0) / smean : 0;
		if (mean < BEACON_MIN_GAP || cv > BEACON_MAX_CV || scv > BEACON_MAX_SIZE_CV)
			continue;
		mt_finding *f = mt_finding_new(mt__det(MT_DET_beacon), MT_SEV_MEDIUM, 60);
		if (!f)
			return MT_ERR_NOMEM;
		char src[64], dst[80];
		mt__addr_text(&q->src, src, sizeof(src));
		mt__endpoint_text(&q->dst, q->dport, dst, sizeof(dst));
		mt_finding_text(
			f, MT_LANG_EN, mt__det(MT_DET_beacon)->title[0],
			"%s connected to %s %u times, every %.1f s (spread %.0f%%), about %.0f "
			"bytes each: a task or C2 poll",
			src, dst, q->n, mean, cv * 100, smean);
		mt_finding_text(
			f, MT_LANG_ZH, mt__det(MT_DET_beacon)->title[1],
			"%s 连接 %s 共 %u 次, 间隔约 %.1f 秒 (离散度 %.0f%%), 每次约 %.0f 字节: 疑似拉取任务或远控心跳",
			src, dst, q->n, mean, cv * 100, smean);
		mt__ev_endpoints(f, &q->src, 0, &q->dst, q->dport, 1);
		mt_finding_int(f, "dst_port", q->dport, 1);
		mt_finding_int(f, "connections", q->n, 0);
		mt_finding_int(f, "interval_ms", (long long)(mean * 1000), 0);
		mt_finding_int(f, "bytes_avg", (long long)smean, 0);
		if (mt_report_add(r, f) == MT_ERR_NOMEM)
			return MT_ERR_NOMEM;
		char why[160], whyzh[160];
		snprintf(why, sizeof(why), "beacons to %s every %.0f s", dst, mean);
		snprintf(whyzh, sizeof(whyzh), "每 %.0f 秒外联 %s", mean, dst);
		mt__host_flag(p, &q->src, MT_HF_BEACON, why, whyzh);
	}
	return MT_OK;
}
