/* pcap.c - the network analysis: detector registry, packet entry point, host facts and
 * verdicts, and the hand-over of findings to the report */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <unistd.h>

#include "../collect/hostid.h"
#include "net.h"

static const mt_check_info detectors[MT_DET_COUNT] = {
#define MT_DETECTOR(sym, id, attack, sev, en, zh) {id, attack, sev, {en, zh}, 0, 0, 3u, 0},
#include "detectors.def"
#undef MT_DETECTOR
};

const mt_check_info *mt__det(int which)
{
	return &detectors[which];
}
size_t mt_pcap_detectors_count(void)
{
	return MT_DET_COUNT;
}
const mt_check_info *mt_pcap_detector_get(size_t i)
{
	return i < MT_DET_COUNT ? &detectors[i] : NULL;
}

mt_err mt_pcap_new(const mt_rules *rules, mt_pcap **out)
{
	*out = NULL;
	mt_pcap *p = calloc(1, sizeof(*p));
	if (!p)
		return MT_ERR_NOMEM;
	p->rules = rules;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	p->started_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	/* the flow hash key: random per run (getrandom), else from the clock and addresses */
	if (getrandom(p->hkey, sizeof(p->hkey), GRND_NONBLOCK) != (ssize_t)sizeof(p->hkey)) {
		p->hkey[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
		p->hkey[1] = (uint64_t)(uintptr_t)p * 0xbf58476d1ce4e5b9ull ^ (uint64_t)getpid();
	}
	for (int i = 0; i < 3; i++)
		p->slh[i] = p->slt[i] = -1;
	p->fmask = 1023;
	p->ftab = calloc((size_t)p->fmask + 1, sizeof(*p->ftab));
	p->bufs = calloc(MT_PCAP_MAX_BUFS, sizeof(*p->bufs));
	if (!p->ftab || !p->bufs || mt_report_new(&p->pending) != MT_OK) {
		mt_pcap_free(p);
		return MT_ERR_NOMEM;
	}
	*out = p;
	return MT_OK;
}

void mt_pcap_free(mt_pcap *p)
{
	if (!p)
		return;
	mt__frag_free(p);
	for (mt_flow *f = p->lru_head, *n; f; f = n) {
		n = f->lnext;
		for (int d = 0; d < 2; d++) {
			free(f->s[d].buf);
			free(f->s[d].ooo);
		}
		free(f);
	}
	for (mt_flow *f = p->ffree, *n; f; f = n) {
		n = f->hnext;
		free(f);
	}
	for (uint32_t i = 0; i < p->nfreebuf; i++)
		free(p->bufs[i]);
	free(p->bufs);
	free(p->ftab);
	free(p->sess);
	free(p->hosts);
	free(p->dns);
	free(p->names);
	free(p->ncli);
	mt__itab_free(&p->nidx);
	mt__itab_free(&p->ncidx);
	free(p->scan);
	free(p->pairs);
	mt__itab_free(&p->hidx);
	mt__itab_free(&p->sessidx);
	mt__itab_free(&p->didx);
	mt__itab_free(&p->sidx);
	mt__itab_free(&p->pidx);
	free(p->chain);
	mt_report_free(p->pending);
	for (size_t i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p);
}

void mt_pcap_stats_get(const mt_pcap *p, mt_pcap_stats *out)
{
	*out = p->st;
}

mt_err mt_pcap_packet(mt_pcap *p, int linktype, int64_t ts_us, const uint8_t *data, size_t caplen)
{
	if (!p)
		return MT_ERR_INVAL;
	p->st.packets++;
	p->st.bytes += caplen;
	/* any 64-bit time may come from a pcapng file: clamp to [0, 2^53] so that sums and
	 * differences of times (idle timeouts, windows) never overflow (review 9) */
	if (ts_us < 0)
		ts_us = 0;
	else if (ts_us > MT_PCAP_MAX_TS_US)
		ts_us = MT_PCAP_MAX_TS_US;
	if (!p->first_us || ts_us < p->first_us)
		p->first_us = ts_us;
	if (ts_us > p->last_us)
		p->last_us = ts_us;
	mt_pkt k;
	if (mt__decode(linktype, data, caplen, &k, &p->st) != 0) {
		if (k.frag) {
			k.ts_us = ts_us;
			mt__frag_packet(p, &k);
		}
		return p->err;
	}
	k.ts_us = ts_us;
	if (k.proto == 17 &&
	    (k.sport == 53 || k.dport == 53 || k.sport == 5353 || k.dport == 5353) && k.plen)
		mt__dns_packet(p, &k);
	mt__flow_packet(p, &k);
	return p->err;
}

/* ---- verdicts ---- */

static const struct {
	uint32_t flag;
	const char *name;
	mt_severity sev;
} verdicts[] = {
	{MT_HF_EXPLOITED, "exploited", MT_SEV_CRITICAL},
	{MT_HF_MINING, "mining", MT_SEV_CRITICAL},
	{MT_HF_ATTACKER, "worm-attacker", MT_SEV_CRITICAL},
	{MT_HF_SCANNER, "worm-scanner", MT_SEV_HIGH},
	{MT_HF_BROWSER, "browser-miner", MT_SEV_HIGH},
	{MT_HF_POOL, "pool-contact", MT_SEV_HIGH},
	{MT_HF_C2, "campaign-contact", MT_SEV_HIGH},
	{MT_HF_MINING_TRY, "mining-attempt", MT_SEV_MEDIUM},
	{MT_HF_ATTACKED, "attacked", MT_SEV_MEDIUM},
	{MT_HF_BEACON, "beaconing", MT_SEV_MEDIUM},
};

/* ---- hosts ---- */

typedef struct addr_key {
	const void *arr;
	size_t esz;
	const mt_addr *ip;
} addr_key;

/* Records whose first member is an mt_addr (hosts, DNS answers, scanners). */
static int addr_eq(const void *ctx, uint32_t idx)
{
	const addr_key *k = ctx;
	return memcmp((const char *)k->arr + (size_t)idx * k->esz, k->ip->b, 16) == 0;
}

void *mt__addr_table(mt_pcap *p, void **arr, uint32_t *n, uint32_t *alloc, mt_itab *idx, size_t esz,
                     uint32_t cap, const mt_addr *ip, uint32_t seed, int create, int *created)
{
	addr_key k = {*arr, esz, ip};
	uint32_t h = mt__hash_bytes(ip->b, 16, seed);
	int64_t i = mt__itab_find(idx, h, addr_eq, &k);
	*created = 0;
	if (i >= 0)
		return (char *)*arr + (size_t)i * esz;
	if (!create)
		return NULL;
	mt_err e = MT_OK;
	*arr = mt__grow(*arr, alloc, *n + 1, esz, cap, &e);
	if (e == MT_OK)
		e = mt__itab_add(idx, h, *n);
	if (e != MT_OK) {
		if (e == MT_ERR_NOMEM)
			p->err = e;
		else
			p->st.dropped++;
		return NULL;
	}
	char *rec = (char *)*arr + (size_t)(*n)++ * esz;
	memcpy(rec, ip->b, 16);
	*created = 1;
	return rec;
}

/* 0 clean, else 1 + the severity of the worst verdict */
static unsigned host_rank(uint32_t flags)
{
	unsigned r = 0;
	for (size_t k = 0; k < MT_ARRAY_LEN(verdicts); k++)
		if ((flags & verdicts[k].flag) && (unsigned)verdicts[k].sev + 1 > r)
			r = (unsigned)verdicts[k].sev + 1;
	return r;
}

/* The host table is full: a host of the lowest rank held, below want, makes room (a clean
 * host for a flagged one, a pool contact for an exploited one), so spoofed sources that
 * came first cannot keep the real verdicts out (review 7). -1: none. */
static int64_t host_victim(mt_pcap *p, unsigned want)
{
	unsigned low = 0;
	while (low < want && !p->hrank[low])
		low++;
	if (low >= want)
		return -1;
	for (uint32_t k = 0; k < p->nhosts; k++) {
		uint32_t j = (p->hcur + k) % p->nhosts;
		if (host_rank(p->hosts[j].flags) == low) {
			p->hcur = j + 1;
			return j;
		}
	}
	return -1;
}

static mt_hostrec *host_new(mt_pcap *p, const mt_addr *ip, unsigned want);

mt_hostrec *mt__host(mt_pcap *p, const mt_addr *ip, int create)
{
	int created;
	if (create && p->nhosts >= MT_PCAP_MAX_HOSTS)
		return host_new(p, ip, 0);
	mt_hostrec *h =
		mt__addr_table(p, (void **)&p->hosts, &p->nhosts, &p->ahosts, &p->hidx,
	                       sizeof(*p->hosts), MT_PCAP_MAX_HOSTS, ip, 7, create, &created);
	if (h && created) {
		h->used = 1;
		h->internal = (uint8_t)mt__addr_internal(ip);
		p->hrank[0]++;
	}
	return h;
}

/* The record of ip, made if need be; at the cap it takes the place of a host ranked
 * below want (0: of none). */
static mt_hostrec *host_new(mt_pcap *p, const mt_addr *ip, unsigned want)
{
	if (p->nhosts < MT_PCAP_MAX_HOSTS)
		return mt__host(p, ip, 1);
	mt_hostrec *h = mt__host(p, ip, 0);
	if (h)
		return h;
	int64_t j = host_victim(p, want);
	if (j < 0) {
		p->hosts_lost++;
		return NULL;
	}
	h = &p->hosts[j];
	p->hrank[host_rank(h->flags)]--;
	mt__itab_del(&p->hidx, mt__hash_bytes(h->ip.b, 16, 7), (uint32_t)j);
	p->hosts_lost++;
	memset(h, 0, sizeof(*h)); /* unused until it is in the index again */
	p->hrank[0]++;
	if (mt__itab_add(&p->hidx, mt__hash_bytes(ip->b, 16, 7), (uint32_t)j) != MT_OK) {
		p->err = MT_ERR_NOMEM;
		return NULL;
	}
	h->ip = *ip;
	h->used = 1;
	h->internal = (uint8_t)mt__addr_internal(ip);
	return h;
}

static void add_reason(char *to, size_t size, const char *reason)
{
	if (!reason || strstr(to, reason))
		return;
	size_t l = strlen(to), rl = strlen(reason);
	if (l + rl + 3 >= size)
		return;
	if (l) {
		memcpy(to + l, "; ", 2);
		l += 2;
	}
	memcpy(to + l, reason, rl + 1);
}

void mt__host_flag(mt_pcap *p, const mt_addr *ip, uint32_t flag, const char *en, const char *zh)
{
	mt_hostrec *h = host_new(p, ip, host_rank(flag));
	if (!h)
		return;
	p->hrank[host_rank(h->flags)]--;
	h->flags |= flag;
	p->hrank[host_rank(h->flags)]++;
	if (!h->first_us)
		h->first_us = h->last_us = p->last_us;
	add_reason(h->reasons[MT_LANG_EN], sizeof(h->reasons[0]), en);
	add_reason(h->reasons[MT_LANG_ZH], sizeof(h->reasons[0]), zh ? zh : en);
}

void mt__add(mt_pcap *p, mt_finding *f)
{
	if (!f) {
		p->err = MT_ERR_NOMEM;
		return;
	}
	/* over MT_MAX_FINDINGS the report keeps the most severe; what it drops it counts
	 * (handed on to the final report at finish) */
	if (mt_report_add(p->pending, f) == MT_ERR_NOMEM)
		p->err = MT_ERR_NOMEM;
}

void mt__ev_endpoints(mt_finding *f, const mt_addr *src, unsigned sport, const mt_addr *dst,
                      unsigned dport, int block_dst)
{
	char s[80], d[80], ip[64];
	mt__endpoint_text(src, sport, s, sizeof(s));
	mt__endpoint_text(dst, dport, d, sizeof(d));
	mt_finding_str(f, "src", s, 0);
	mt_finding_str(f, "dst", d, 0);
	mt__addr_text(src, ip, sizeof(ip));
	mt_finding_str(f, "src_ip", ip, 1);
	mt__addr_text(dst, ip, sizeof(ip));
	mt_finding_str(f, "dst_ip", ip, 1);
	if (block_dst) {
		mt_action *a = mt_finding_action(f, "block_ip");
		mt_action_str(f, a, "ip", ip);
	}
}

/* worst verdict first, then in order of appearance */
static int host_cmp(const void *a, const void *b)
{
	const mt_hostrec *x = *(const mt_hostrec *const *)a, *y = *(const mt_hostrec *const *)b;
	unsigned rx = host_rank(x->flags), ry = host_rank(y->flags);
	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->first_us != y->first_us)
		return x->first_us < y->first_us ? -1 : 1;
	return memcmp(x->ip.b, y->ip.b, 16);
}

static void json_s(mt_buf *b, const char *s)
{
	mt_buf_addc(b, '"');
	mt_escape_json(b, s, strlen(s));
	mt_buf_addc(b, '"');
}

#define HOSTS_JSON_MAX (7u << 20)
#define HOSTS_TEXT_MAX (900u << 10)

static mt_err host_lines(mt_pcap *p, mt_report *r)
{
	/* only hosts with a verdict are listed, the clean ones counted; the section stays
	 * within what the writers hold (report.c: 1 MB text, 8 MB JSON), worst hosts first,
	 * and what does not fit is named in a diagnostic (review 7) */
	mt_hostrec **v = NULL;
	size_t n = 0, clean = 0, unlisted = 0;
	if (p->nhosts) {
		v = malloc(p->nhosts * sizeof(*v));
		if (!v)
			return MT_ERR_NOMEM;
		for (uint32_t i = 0; i < p->nhosts; i++) {
			if (p->hosts[i].flags)
				v[n++] = &p->hosts[i];
			else if (p->hosts[i].internal && p->hosts[i].used)
				clean++;
		}
		qsort(v, n, sizeof(*v), host_cmp);
	}
	mt_buf js, tx[MT_LANG_COUNT];
	mt_buf_init(&js, 64u << 20);
	for (int l = 0; l < MT_LANG_COUNT; l++)
		mt_buf_init(&tx[l], 64u << 20);
	mt_buf_adds(&tx[0], n ? "\nHosts\n" : "");
	mt_buf_adds(&tx[1], n ? "\n主机结论\n" : "");
	static const char *const vzh[] = {"已被入侵", "挖矿",     "蠕虫攻击源",   "蠕虫扫描",
	                                  "网页挖矿", "连接矿池", "连接挖矿团伙", "疑似挖矿",
	                                  "遭受攻击", "周期外联"};
	size_t i;
	for (i = 0; i < n; i++) {
		const mt_hostrec *h = v[i];
		size_t mark[3] = {js.len, tx[0].len, tx[1].len};
		char ip[64], t1[40], t2[40];
		mt__addr_text(&h->ip, ip, sizeof(ip));
		mt_time_iso(h->first_us / 1000000, t1, sizeof(t1));
		mt_time_iso(h->last_us / 1000000, t2, sizeof(t2));
		const char *top = "clean", *topzh = "未见异常";
		mt_severity sev = MT_SEV_INFO;
		int first = 1;
		mt_buf_adds(&js, "{\"type\":\"host\",\"ip\":");
		json_s(&js, ip);
		mt_buf_printf(&js, ",\"internal\":%s,\"verdicts\":[",
		              h->internal ? "true" : "false");
		for (size_t k = 0; k < MT_ARRAY_LEN(verdicts); k++) {
			if (!(h->flags & verdicts[k].flag))
				continue;
			if (first) {
				top = verdicts[k].name;
				topzh = vzh[k];
				sev = verdicts[k].sev;
			}
			mt_buf_printf(&js, "%s\"%s\"", first ? "" : ",", verdicts[k].name);
			first = 0;
		}
		mt_buf_adds(&js, "],\"verdict\":");
		json_s(&js, top);
		mt_buf_adds(&js, ",\"severity\":");
		json_s(&js, mt_severity_name(sev));
		mt_buf_printf(&js, ",\"flows\":%llu,\"first_seen\":", (unsigned long long)h->flows);
		json_s(&js, t1);
		mt_buf_adds(&js, ",\"last_seen\":");
		json_s(&js, t2);
		mt_buf_adds(&js, ",\"reasons\":");
		json_s(&js, h->reasons[MT_LANG_EN]);
		mt_buf_adds(&js, ",\"reasons_zh\":");
		json_s(&js, h->reasons[MT_LANG_ZH]);
		mt_buf_adds(&js, "}\n");
		mt_buf_printf(&tx[0], "  %-39s %-14s %s%s", ip, top,
		              h->internal ? "" : "(external) ", "");
		mt_buf_printf(&tx[1], "  %-39s %-14s %s", ip, topzh,
		              h->internal ? "" : "(外部地址) ");
		for (int l = 0; l < MT_LANG_COUNT; l++) {
			mt_escape_term(&tx[l], h->reasons[l], strlen(h->reasons[l]), 1024);
			mt_buf_addc(&tx[l], '\n');
		}
		if (js.len > HOSTS_JSON_MAX || tx[0].len > HOSTS_TEXT_MAX ||
		    tx[1].len > HOSTS_TEXT_MAX) {
			/* this one does not fit: cut back to the last whole line */
			js.len = mark[0];
			tx[0].len = mark[1];
			tx[1].len = mark[2];
			js.data[js.len] = tx[0].data[tx[0].len] = tx[1].data[tx[1].len] = '\0';
			break;
		}
	}
	unlisted = n - i;
	free(v);
	if (unlisted) {
		mt_buf_printf(&tx[0],
		              "  ... %zu more hosts with a verdict not listed (output limit)\n",
		              unlisted);
		mt_buf_printf(&tx[1], "  ... 另有 %zu 台有结论的主机未列出 (输出上限)\n", unlisted);
		mt_report_diag(r,
		               "pcap: %zu hosts with a verdict not listed: the host section is "
		               "limited to %u KB of JSON, %u KB of text (least severe left out)",
		               unlisted, HOSTS_JSON_MAX >> 10, HOSTS_TEXT_MAX >> 10);
	}
	if (p->hosts_lost)
		mt_report_diag(
			r,
			"pcap: %llu host records refused or replaced at the host limit (%u); flagged hosts "
			"replace clean or less severe ones",
			(unsigned long long)p->hosts_lost, (unsigned)MT_PCAP_MAX_HOSTS);
	if (clean) {
		mt_buf_printf(&tx[0],
		              "%s  %zu internal hosts without a verdict (clean) not listed\n",
		              n ? "" : "\nHosts\n", clean);
		mt_buf_printf(&tx[1], "%s  另有 %zu 台内网主机未见异常, 未列出\n",
		              n ? "" : "\n主机结论\n", clean);
	}
	mt_err e = MT_OK;
	if (mt_buf_addc(&js, '\0') != MT_OK || mt_buf_addc(&tx[0], '\0') != MT_OK ||
	    mt_buf_addc(&tx[1], '\0') != MT_OK)
		e = MT_ERR_TOOBIG;
	else
		e = mt__report_set_extra(r, js.data ? js.data : "", tx[0].data ? tx[0].data : "",
		                         tx[1].data ? tx[1].data : "");
	mt_buf_free(&js);
	for (int l = 0; l < MT_LANG_COUNT; l++)
		mt_buf_free(&tx[l]);
	return e;
}

void mt_pcap_note(mt_pcap *p, const char *msg)
{
	if (p && msg && p->nnotes < MT_MAX_DIAGNOSTICS && (p->notes[p->nnotes] = mt_strdup(msg)))
		p->nnotes++;
}

mt_err mt_pcap_finish(mt_pcap *p, mt_report *r, const char *label)
{
	if (!p || !r)
		return MT_ERR_INVAL;
	for (size_t i = 0; i < p->nnotes; i++)
		mt_report_diag(r, "%s", p->notes[i]);
	mt__flows_finish(p);
	mt_err e = MT_OK;
	if ((e = mt__sessions_report(p, r)) != MT_OK || (e = mt__names_report(p, r)) != MT_OK ||
	    (e = mt__smb_report(p, r)) != MT_OK || (e = mt__beacon_report(p, r)) != MT_OK)
		return e;
	/* findings made while packets flowed: copy them over (the report owns its findings) */
	for (size_t i = 0; i < mt_report_count(p->pending); i++) {
		const mt_finding *src = mt_report_get(p->pending, i);
		mt_finding *f = mt_finding_new(src->check, src->severity, src->confidence);
		if (!f)
			return MT_ERR_NOMEM;
		for (int l = 0; l < MT_LANG_COUNT; l++)
			mt_finding_text(f, (mt_lang)l, src->title[l], "%s", src->explain[l]);
		for (size_t k = 0; k < src->nev; k++) {
			if (src->ev[k].sval)
				mt_finding_str(f, src->ev[k].key, src->ev[k].sval,
				               src->ev[k].identity);
			else
				mt_finding_int(f, src->ev[k].key, src->ev[k].ival,
				               src->ev[k].identity);
		}
		for (size_t a = 0; a < src->nact; a++) {
			mt_action *act = mt_finding_action(f, src->act[a].type);
			for (size_t k = 0; k < src->act[a].nparams; k++) {
				const mt_kv *kv = &src->act[a].params[k];
				if (kv->sval)
					mt_action_str(f, act, kv->key, kv->sval);
				else
					mt_action_int(f, act, kv->key, kv->ival);
			}
		}
		if ((e = mt_report_add(r, f)) == MT_ERR_NOMEM)
			return e;
	}
	{
		const char *root;
		int64_t started, dur;
		uint64_t checks;
		size_t dropped;
		mt__report_meta(p->pending, &root, &started, &dur, &checks, &dropped);
		mt__report_add_dropped(r, dropped); /* the real number: pending drops too */
	}
	if (p->st.malformed)
		mt_report_diag(r, "pcap: %llu malformed packets skipped (%llu cut short)",
		               (unsigned long long)p->st.malformed,
		               (unsigned long long)p->st.truncated);
	if (p->st.capture_errors)
		mt_report_diag(r, "pcap: %llu capture records could not be read",
		               (unsigned long long)p->st.capture_errors);
	if (p->st.fragments)
		mt_report_diag(
			r,
			"pcap: %llu IP fragments: %llu IPv4 datagrams reassembled, %llu given "
			"up (overlapping, incomplete or over the limits; IPv6 fragments are "
			"not reassembled)",
			(unsigned long long)p->st.fragments, (unsigned long long)p->frag_done,
			(unsigned long long)p->frag_dropped);
	if (p->st.flows_evicted)
		mt_report_diag(r, "pcap: %llu flows evicted at the flow-table limit or idle",
		               (unsigned long long)p->st.flows_evicted);
	if (p->sess_evicted)
		mt_report_diag(r,
		               "pcap: %llu unanswered mining sessions forgotten at the session "
		               "limit (%u), oldest first; confirmed sessions are all kept",
		               (unsigned long long)p->sess_evicted, (unsigned)MT_PCAP_MAX_SESSIONS);
	if (p->st.dropped)
		mt_report_diag(r, "pcap: %llu items dropped at a limit",
		               (unsigned long long)p->st.dropped);
	mt_report_sort(r);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	mt_report_set_meta(r, label ? label : "pcap", p->started_ms / 1000, now - p->started_ms, 0);
	mt__report_set_kind(r, "pcap");
	mt_hostid hid; /* the machine that read or captured the traffic */
	mt_hostid_collect(NULL, NULL, &hid);
	mt__report_set_host(r, &hid);
	return host_lines(p, r);
}
