/* dns.c - DNS queries and answers (UDP): pool, browser-miner and campaign names of the
 * rules, the addresses they resolved to (remembered so later flows are attributed), and
 * one finding per name (and per pool address) for all the clients that used it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* Reads a (possibly compressed) name at off into out as lower-case dotted text. */
static int dns_name(const uint8_t *m, size_t len, size_t *off, char *out, size_t outlen)
{
	size_t o = *off, w = 0, jumps = 0;
	int jumped = 0;
	for (;;) {
		if (o >= len)
			return -1;
		uint8_t l = m[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= len || ++jumps > 16)
				return -1;
			size_t to = (size_t)(l & 0x3f) << 8 | m[o + 1];
			if (!jumped)
				*off = o + 2;
			jumped = 1;
			o = to;
			continue;
		}
		if (l & 0xc0)
			return -1;
		o++;
		if (l == 0)
			break;
		if ((size_t)l > len - o)
			return -1;
		if (w && w + 1 < outlen)
			out[w++] = '.';
		for (size_t i = 0; i < l; i++) {
			char c = (char)m[o + i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (w + 1 < outlen)
				out[w++] = c;
		}
		o += l;
	}
	if (!jumped)
		*off = o;
	out[w < outlen ? w : outlen - 1] = '\0';
	return 0;
}

const mt_dnsrec *mt__dns_lookup(const mt_pcap *p, const mt_addr *ip)
{
	int created;
	if (!p->ndns)
		return NULL;
	return mt__addr_table((mt_pcap *)p, (void **)&((mt_pcap *)p)->dns, &((mt_pcap *)p)->ndns,
	                      &((mt_pcap *)p)->adns, &((mt_pcap *)p)->didx, sizeof(*p->dns),
	                      MT_PCAP_MAX_DNS, ip, 11, 0, &created);
}

static void remember(mt_pcap *p, const mt_addr *ip, const char *name, const mt_rule *rule)
{
	int created;
	int full = p->ndns >= MT_PCAP_MAX_DNS;
	mt_dnsrec *d = mt__addr_table(p, (void **)&p->dns, &p->ndns, &p->adns, &p->didx,
	                              sizeof(*p->dns), MT_PCAP_MAX_DNS, ip, 11, !full, &created);
	if (!d && full) {
		/* full: the oldest answer makes room (a ring), so answers that came first
		 * cannot keep later ones out (review 8) */
		uint32_t j = p->dcur++ % p->ndns;
		d = &p->dns[j];
		mt__itab_del(&p->didx, mt__hash_bytes(d->ip.b, 16, 11), j);
		memset(d, 0, sizeof(*d));
		if (mt__itab_add(&p->didx, mt__hash_bytes(ip->b, 16, 11), j) != MT_OK) {
			p->err = MT_ERR_NOMEM;
			return;
		}
		d->ip = *ip;
		p->st.dropped++;
	}
	if (!d)
		return;
	d->used = 1;
	d->rule = rule;
	mt_copy(d->name, sizeof(d->name), name);
}

static const mt_rule *name_rule(const mt_rules *R, const char *name, size_t n, int *det)
{
	const mt_rule *x;
	if ((x = mt_rules_find_domain(R, MT_RK_POOL_DOMAIN, name, n))) {
		*det = MT_DET_pool_dns;
		return x;
	}
	if ((x = mt_rules_find_domain(R, MT_RK_BROWSER_DOMAIN, name, n))) {
		*det = MT_DET_browser_miner;
		return x;
	}
	if ((x = mt_rules_find_domain(R, MT_RK_C2_DOMAIN, name, n))) {
		*det = MT_DET_c2;
		return x;
	}
	return NULL;
}

static const char *const how_name[] = {"dns", "tls-sni", "http-host"};

typedef struct name_key {
	const mt_pcap *p;
	const char *name;
	uint8_t det, how;
} name_key;

static int name_eq(const void *ctx, uint32_t idx)
{
	const name_key *k = ctx;
	const mt_namerec *o = &k->p->names[idx];
	return o->det == k->det && o->how == k->how && strcmp(o->name, k->name) == 0;
}

typedef struct ncli_key {
	const mt_pcap *p;
	const mt_addr *cli;
	uint32_t rec;
} ncli_key;

static int ncli_eq(const void *ctx, uint32_t idx)
{
	const ncli_key *k = ctx;
	const mt_namecli *o = &k->p->ncli[idx];
	return o->rec == k->rec && !memcmp(&o->cli, k->cli, 16);
}

/* 1 when cli is new for record rec (counted), 0 when seen before, -1 not told apart */
static int name_client(mt_pcap *p, uint32_t rec, const mt_addr *cli)
{
	uint8_t m[20];
	memcpy(m, cli->b, 16);
	memcpy(m + 16, &rec, 4);
	uint32_t h = mt__hash_bytes(m, sizeof(m), 17);
	ncli_key k = {p, cli, rec};
	if (mt__itab_find(&p->ncidx, h, ncli_eq, &k) >= 0)
		return 0;
	mt_err e = MT_OK;
	p->ncli = mt__grow(p->ncli, &p->ancli, p->nncli + 1, sizeof(*p->ncli),
	                   MT_PCAP_MAX_NAME_CLIENTS, &e);
	if (e == MT_OK)
		e = mt__itab_add(&p->ncidx, h, p->nncli);
	if (e != MT_OK) {
		if (e == MT_ERR_NOMEM)
			p->err = e;
		return -1;
	}
	p->ncli[p->nncli].cli = *cli;
	p->ncli[p->nncli++].rec = rec;
	return 1;
}

/* The record of (name, detector, way), made if need be; -1 at the cap. */
static int64_t name_rec(mt_pcap *p, const char *nm, size_t c, uint8_t det, uint8_t hw,
                        const mt_rule *x, const mt_addr *srv, unsigned sport, unsigned dport,
                        int64_t ts)
{
	uint32_t h = mt__hash_bytes(nm, c, 19) ^ (uint32_t)det * 0x9e3779b1u ^ hw;
	name_key k = {p, nm, det, hw};
	int64_t i = mt__itab_find(&p->nidx, h, name_eq, &k);
	if (i >= 0)
		return i;
	mt_err e = MT_OK;
	p->names = mt__grow(p->names, &p->anames, p->nnames + 1, sizeof(*p->names),
	                    MT_PCAP_MAX_NAMES, &e);
	if (e == MT_OK)
		e = mt__itab_add(&p->nidx, h, p->nnames);
	if (e != MT_OK) {
		if (e == MT_ERR_NOMEM)
			p->err = e;
		else
			p->st.dropped++;
		return -1;
	}
	i = p->nnames++;
	mt_namerec *o = &p->names[i];
	memset(o, 0, sizeof(*o));
	o->hash = h;
	o->det = det;
	o->how = hw;
	o->rule = x;
	memcpy(o->name, nm, c < sizeof(o->name) - 1 ? c : sizeof(o->name) - 1);
	o->srv = *srv;
	o->sport = (uint16_t)sport;
	o->dport = (uint16_t)dport;
	o->first_us = ts;
	return i;
}

/* counts cli in record i: 1 when it is a new client */
static int name_count(mt_pcap *p, int64_t i, const mt_addr *cli)
{
	mt_namerec *o = &p->names[i];
	o->seen++;
	int fresh = name_client(p, (uint32_t)i, cli);
	if (fresh < 0)
		o->more = 1;
	if (fresh > 0 || o->clients == 0) {
		o->clients++;
		if (o->nlist < MT_NAME_LIST)
			o->list[o->nlist++] = *cli;
		return 1;
	}
	return 0;
}

void mt__dst_seen(mt_pcap *p, int det, mt_severity sev, unsigned conf, const mt_rule *x,
                  const mt_rule *x2, const char *pool, const mt_addr *cli, unsigned cport,
                  const mt_addr *dst, unsigned dport, unsigned proto, int64_t ts)
{
	char key[80];
	mt__endpoint_text(dst, dport, key, sizeof(key));
	int64_t i = name_rec(p, key, strlen(key), (uint8_t)det, 3, x, dst, cport, dport, ts);
	if (i < 0)
		return;
	mt_namerec *o = &p->names[i];
	if (!o->seen || sev > o->sev) {
		o->sev = (uint8_t)sev;
		o->conf = (uint8_t)conf;
		o->rule = x;
		o->rule2 = x2 != x ? x2 : NULL;
	}
	o->proto = (uint8_t)proto;
	if (pool[0] && !o->pool[0])
		mt_copy(o->pool, sizeof(o->pool), pool);
	name_count(p, i, cli);
}

/* What a sighting of a name or address of detector det says a client did. */
static void det_verb(int det, const char **en, const char **zh)
{
	switch (det) {
	case MT_DET_pool_dns:
		*en = "looked up mining pool";
		*zh = "解析矿池域名";
		break;
	case MT_DET_pool_addr:
		*en = "connected to mining pool";
		*zh = "连接矿池";
		break;
	case MT_DET_browser_miner:
		*en = "reached browser-miner host";
		*zh = "访问网页挖矿站点";
		break;
	default:
		*en = "reached mining campaign host";
		*zh = "访问挖矿团伙站点";
		break;
	}
}

/* A name of the rules seen from cli: counted in the name's record (one finding per name
 * and way, with the number of clients, review 5); the client's host gets the flag. */
void mt__name_seen(mt_pcap *p, const mt_addr *cli, const mt_addr *srv, unsigned sport,
                   unsigned dport, const char *name, size_t n, const char *how, int64_t ts)
{
	int det;
	char nm[256];
	size_t c = n < sizeof(nm) - 1 ? n : sizeof(nm) - 1;
	for (size_t i = 0; i < c; i++)
		nm[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	nm[c] = '\0';
	while (c && nm[c - 1] == '.')
		nm[--c] = '\0';
	const mt_rule *x = name_rule(p->rules, nm, c, &det);
	if (!x)
		return;
	uint8_t hw = strcmp(how, "dns") == 0 ? 0 : strcmp(how, "tls-sni") == 0 ? 1 : 2;
	if (det == MT_DET_pool_dns && hw != 0)
		det = MT_DET_pool_addr;
	int64_t i = name_rec(p, nm, c, (uint8_t)det, hw, x, srv, sport, dport, ts);
	if (i < 0)
		return;
	mt_namerec *o;
	o = &p->names[i];
	if (!name_count(p, i, cli) && !o->more)
		return; /* this client's flag and reason are set already */
	const char *en, *zh;
	det_verb(det, &en, &zh);
	char why[320], whyzh[320];
	snprintf(why, sizeof(why), "%s %s (%s)", en, nm, how);
	snprintf(whyzh, sizeof(whyzh), "%s %s (%s)", zh, nm, how);
	uint32_t flag = det == MT_DET_browser_miner ? MT_HF_BROWSER
	                : det == MT_DET_c2          ? MT_HF_C2
	                                            : MT_HF_POOL;
	mt__host_flag(p, cli, flag, why, whyzh);
}

/* "10.0.0.5" or "10.0.0.5 and 41 more hosts" (zh: "10.0.0.5 等 42 台主机") */
static void clients_text(const mt_namerec *o, char *en, size_t ne, char *zh, size_t nz)
{
	char src[64];
	mt__addr_text(&o->list[0], src, sizeof(src));
	if (o->clients > 1 || o->more) {
		snprintf(en, ne, "%s and %s%u more hosts", src, o->more ? "at least " : "",
		         o->clients - 1);
		snprintf(zh, nz, "%s 等%s %u 台主机", src, o->more ? "至少" : "", o->clients);
	} else {
		snprintf(en, ne, "%s", src);
		snprintf(zh, nz, "%s", src);
	}
}

static void clients_ev(const mt_namerec *o, mt_finding *f)
{
	char list[MT_NAME_LIST * 48] = "";
	for (unsigned k = 0; k < o->nlist; k++) {
		char ip[64];
		size_t l = strlen(list);
		mt__addr_text(&o->list[k], ip, sizeof(ip));
		snprintf(list + l, sizeof(list) - l, "%s%s", l ? ", " : "", ip);
	}
	mt_finding_int(f, "clients", o->clients, 0);
	mt_finding_str(f, "client_list", list, 0);
	mt_finding_int(f, "seen", o->seen, 0);
	char t[40];
	mt_time_iso(o->first_us / 1000000, t, sizeof(t));
	mt_finding_str(f, "first_seen", t, 0);
}

static mt_err dst_report(mt_pcap *p, const mt_namerec *o, mt_report *r)
{
	(void)p;
	int det = o->det;
	mt_finding *g = mt_finding_new(mt__det(det), (mt_severity)o->sev, o->conf);
	if (!g)
		return MT_ERR_NOMEM;
	char who[160], whozh[160];
	clients_text(o, who, sizeof(who), whozh, sizeof(whozh));
	const char *dst = o->name, *name = o->pool;
	if (det == MT_DET_c2) {
		mt_finding_text(g, MT_LANG_EN, mt__det(det)->title[0], "%s: connection to %s%s%s%s",
		                who, dst, name[0] ? " (" : "", name, name[0] ? ")" : "");
		mt_finding_text(g, MT_LANG_ZH, mt__det(det)->title[1], "%s: 连接 %s%s%s%s", whozh,
		                dst, name[0] ? " (" : "", name, name[0] ? ")" : "");
	} else {
		mt_finding_text(g, MT_LANG_EN, mt__det(det)->title[0],
		                "%s: connection to mining pool %s%s%s%s", who, dst,
		                name[0] ? " (" : "", name, name[0] ? ")" : "");
		mt_finding_text(g, MT_LANG_ZH, mt__det(det)->title[1], "%s: 连接矿池 %s%s%s%s",
		                whozh, dst, name[0] ? " (" : "", name, name[0] ? ")" : "");
	}
	char s[80], ip[64];
	mt__endpoint_text(&o->list[0], o->sport, s, sizeof(s));
	mt_finding_str(g, "src", s, 0);
	mt_finding_str(g, "dst", dst, 0);
	mt__addr_text(&o->list[0], ip, sizeof(ip));
	mt_finding_str(g, "src_ip", ip, 0);
	mt__addr_text(&o->srv, ip, sizeof(ip));
	mt_finding_str(g, "dst_ip", ip, 1);
	mt_action *a = mt_finding_action(g, "block_ip");
	mt_action_str(g, a, "ip", ip);
	mt_finding_int(g, "dst_port", o->dport, 1);
	mt_finding_str(g, "proto", o->proto == 6 ? "tcp" : "udp", 0);
	if (name[0])
		mt_finding_str(g, "pool", name, 0);
	clients_ev(o, g);
	mt_finding_rule(g, o->rule);
	if (o->rule2)
		mt_finding_rule(g, o->rule2);
	return mt_report_add(r, g) == MT_ERR_NOMEM ? MT_ERR_NOMEM : MT_OK;
}

mt_err mt__names_report(mt_pcap *p, mt_report *r)
{
	for (uint32_t i = 0; i < p->nnames; i++) {
		const mt_namerec *o = &p->names[i];
		if (o->how == 3) {
			if (dst_report(p, o, r) != MT_OK)
				return MT_ERR_NOMEM;
			continue;
		}
		int det = o->det, dns = o->how == 0;
		const char *how = how_name[o->how];
		mt_severity sev = mt__det(det)->severity;
		if (o->rule->has_sev && o->rule->sev < sev)
			sev = o->rule->sev;
		mt_finding *f = mt_finding_new(mt__det(det), sev, dns ? 80 : 85);
		if (!f)
			return MT_ERR_NOMEM;
		const char *en, *zh;
		det_verb(det, &en, &zh);
		char who[160], whozh[160];
		clients_text(o, who, sizeof(who), whozh, sizeof(whozh));
		mt_finding_text(f, MT_LANG_EN, mt__det(det)->title[0], "%s %s %s (%s)", who, en,
		                o->name, how);
		mt_finding_text(f, MT_LANG_ZH, mt__det(det)->title[1], "%s %s %s (%s)", whozh, zh,
		                o->name, how);
		char s[80], d[80], ip[64];
		mt__endpoint_text(&o->list[0], o->sport, s, sizeof(s));
		mt__endpoint_text(&o->srv, o->dport, d, sizeof(d));
		mt_finding_str(f, "src", s, 0);
		mt_finding_str(f, "dst", d, 0);
		mt__addr_text(&o->list[0], ip, sizeof(ip));
		mt_finding_str(f, "src_ip", ip, 0);
		mt__addr_text(&o->srv, ip, sizeof(ip));
		mt_finding_str(f, "dst_ip", ip, 0);
		if (!dns) {
			mt_action *a = mt_finding_action(f, "block_ip");
			mt_action_str(f, a, "ip", ip);
		}
		mt_finding_str(f, "name", o->name, 1);
		mt_finding_str(f, "seen_in", how, 1);
		clients_ev(o, f);
		mt_finding_rule(f, o->rule);
		if (mt_report_add(r, f) == MT_ERR_NOMEM)
			return MT_ERR_NOMEM;
	}
	return MT_OK;
}

void mt__dns_packet(mt_pcap *p, const mt_pkt *k)
{
	const uint8_t *m = k->payload;
	size_t len = k->plen, off = 12;
	if (len < 12)
		return;
	unsigned flags = (unsigned)(m[2] << 8 | m[3]);
	unsigned qd = (unsigned)(m[4] << 8 | m[5]), an = (unsigned)(m[6] << 8 | m[7]);
	int resp = (flags & 0x8000) != 0;
	char q[256];
	if (qd == 0 || qd > 4 || dns_name(m, len, &off, q, sizeof(q)) != 0 || len - off < 4)
		return;
	off += 4;
	int det;
	const mt_rule *x = name_rule(p->rules, q, strlen(q), &det);
	if (!x)
		return;
	uint32_t nh = 2166136261u;
	for (const char *c = q; *c; c++)
		nh = (nh ^ (uint8_t)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c)) * 16777619u;
	unsigned qid = (unsigned)(m[0] << 8 | m[1]);
	if (!resp) {
		/* remember the query: only an answer to it is believed (review 6c) */
		struct mt_dnsq *o = &p->dnsq[((nh ^ qid * 2654435761u) >> 7) % MT_PCAP_DNS_QUERIES];
		o->cli = k->src;
		o->srv = k->dst;
		o->id = (uint16_t)qid;
		o->cport = (uint16_t)k->sport;
		o->sport = (uint16_t)k->dport;
		o->nh = nh;
		o->used = 1;
		mt__name_seen(p, &k->src, &k->dst, k->sport, k->dport, q, strlen(q), "dns",
		              k->ts_us);
		return;
	}
	/* an answer counts only when it pairs with a query of the same client for the same
	 * name and id, from the server asked: an unsolicited (spoofed) answer is ignored */
	struct mt_dnsq *o = &p->dnsq[((nh ^ qid * 2654435761u) >> 7) % MT_PCAP_DNS_QUERIES];
	if (!o->used || o->nh != nh || o->id != qid || o->cport != k->dport ||
	    o->sport != k->sport || memcmp(&o->cli, &k->dst, sizeof(o->cli)) != 0 ||
	    memcmp(&o->srv, &k->src, sizeof(o->srv)) != 0)
		return;
	o->used = 0; /* answered: a second (spoofed) answer pairs with nothing */
	/* answers: remember addresses of pool and campaign names (CDN addresses of browser
	 * miners are shared with unrelated sites, so they are not remembered) */
	for (unsigned i = 1; i < qd; i++) {
		char skip[256];
		if (dns_name(m, len, &off, skip, sizeof(skip)) != 0 || len - off < 4)
			return;
		off += 4;
	}
	for (unsigned i = 0; i < an && i < 64; i++) {
		char owner[256];
		if (dns_name(m, len, &off, owner, sizeof(owner)) != 0 || len - off < 10)
			return;
		unsigned type = (unsigned)(m[off] << 8 | m[off + 1]);
		size_t rdl = (size_t)(m[off + 8] << 8 | m[off + 9]);
		off += 10;
		if (rdl > len - off)
			return;
		mt_addr a;
		if (type == 1 && rdl == 4) {
			memset(a.b, 0, 10);
			a.b[10] = a.b[11] = 0xff;
			memcpy(a.b + 12, m + off, 4);
		} else if (type == 28 && rdl == 16) {
			memcpy(a.b, m + off, 16);
		} else {
			off += rdl;
			continue;
		}
		off += rdl;
		if (det != MT_DET_browser_miner)
			remember(p, &a, q, x);
	}
}
