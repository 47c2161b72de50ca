/* test_pcap.c - the packet path of minetrace pcap: link types, IPv6 extension headers,
 * malformed packets counted, TCP reassembly (split, retransmitted, gapped), request and
 * answer pairing, getwork over HTTP, EternalBlue and DoublePulsar state, beacons */
#include "internal.h"
#include "minetrace/pcap.h"
#include "net/net.h"
#include "t.h"

static mt_rules *rules;
static int64_t now = 1700000000ll * 1000000;

typedef struct pk {
	uint8_t b[2048];
	size_t n;
} pk;

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* IPv4 + TCP (or UDP when flags < 0) carrying payload. */
static void ip4(pk *k, const uint8_t src[4], const uint8_t dst[4], unsigned sp, unsigned dp,
                uint32_t seq, int flags, const void *pl, size_t n)
{
	uint8_t *p = k->b;
	int udp = flags < 0;
	size_t th = udp ? 8 : 20;
	memset(p, 0, 20 + th);
	p[0] = 0x45;
	put16(p + 2, (unsigned)(20 + th + n));
	p[8] = 64;
	p[9] = udp ? 17 : 6;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 20, sp);
	put16(p + 22, dp);
	if (udp) {
		put16(p + 24, (unsigned)(8 + n));
	} else {
		put32(p + 24, seq);
		p[32] = 0x50;
		p[33] = (uint8_t)flags;
	}
	memcpy(p + 20 + th, pl, n);
	k->n = 20 + th + n;
}

static const uint8_t CLI[4] = {10, 0, 0, 5}, SRV[4] = {203, 0, 113, 9};

static void feed(mt_pcap *p, int link, const pk *k)
{
	now += 1000;
	ASSERT_INT_EQ(mt_pcap_packet(p, link, now, k->b, k->n), MT_OK);
}

/* Wraps the IP packet in k for a link type. */
static void wrap(pk *k, int link)
{
	uint8_t h[32];
	size_t hl = 0;
	memset(h, 0, sizeof(h));
	switch (link) {
	case MT_LINK_ETHERNET: /* QinQ: 802.1ad outer, 802.1Q inner */
		put16(h + 12, 0x88a8);
		put16(h + 16, 0x8100);
		put16(h + 20, 0x0800);
		hl = 22;
		break;
	case MT_LINK_SLL:
		put16(h + 14, 0x0800);
		hl = 16;
		break;
	case MT_LINK_SLL2:
		put16(h, 0x0800);
		hl = 20;
		break;
	case MT_LINK_NULL:
		h[0] = 2; /* AF_INET, host order (little-endian) */
		hl = 4;
		break;
	default:
		return;
	}
	memmove(k->b + hl, k->b, k->n);
	memcpy(k->b, h, hl);
	k->n += hl;
}

static mt_report *finish(mt_pcap *p)
{
	mt_report *r = NULL;
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	REQUIRE_INT_EQ(mt_pcap_finish(p, r, "unit"), MT_OK);
	return r;
}

static const mt_finding *get(const mt_report *r, const char *check)
{
	for (size_t i = 0; i < mt_report_count(r); i++)
		if (strcmp(mt_finding_check(mt_report_get(r, i)), check) == 0)
			return mt_report_get(r, i);
	return NULL;
}

static const char *ev(const mt_finding *f, const char *key)
{
	static char buf[512];
	const char *v = f ? mt_finding_evidence(f, key, buf, sizeof(buf)) : NULL;
	return v ? v : "(none)";
}

static int collect(void *ctx, const char *d, size_t n)
{
	return mt_buf_add(ctx, d, n) == MT_OK ? 0 : -1;
}

static const char LOGIN[] =
	"{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{\"login\":"
	"\"4wallet\",\"pass\":\"x\",\"agent\":\"XMRig/6.16.0\"}}\n";
static const char ANSWER[] =
	"{\"id\":1,\"jsonrpc\":\"2.0\",\"error\":null,\"result\":{\"id\":\"1\","
	"\"job\":{\"blob\":\"07\",\"job_id\":\"1\",\"target\":\"ff\","
	"\"algo\":\"rx/0\"},\"status\":\"OK\"}}\n";

/* A login split in three segments, the middle one retransmitted overlapping, on one link. */
static void login_session(mt_pcap *p, int link, unsigned port, int answer, int gap)
{
	pk k;
	size_t n = strlen(LOGIN), a = 10, b = 50;
	ip4(&k, CLI, SRV, 40000, port, 100, 0x02, "", 0);
	wrap(&k, link);
	feed(p, link, &k);
	ip4(&k, SRV, CLI, port, 40000, 900, 0x12, "", 0);
	wrap(&k, link);
	feed(p, link, &k);
	ip4(&k, CLI, SRV, 40000, port, 101, 0x18, LOGIN, a);
	wrap(&k, link);
	feed(p, link, &k);
	if (!gap) {
		ip4(&k, CLI, SRV, 40000, port, (uint32_t)(101 + a), 0x18, LOGIN + a, b - a);
		wrap(&k, link);
		feed(p, link, &k);
		/* retransmission overlapping the old bytes and carrying new ones */
		ip4(&k, CLI, SRV, 40000, port, (uint32_t)(101 + a), 0x18, LOGIN + a, b - a + 5);
		wrap(&k, link);
		feed(p, link, &k);
	}
	ip4(&k, CLI, SRV, 40000, port, (uint32_t)(101 + b + 5), 0x18, LOGIN + b + 5, n - b - 5);
	wrap(&k, link);
	feed(p, link, &k);
	if (answer) {
		ip4(&k, SRV, CLI, port, 40000, 901, 0x18, ANSWER, strlen(ANSWER));
		wrap(&k, link);
		feed(p, link, &k);
	}
}

static void test_links(void)
{
	static const int links[] = {MT_LINK_RAW, MT_LINK_ETHERNET, MT_LINK_SLL, MT_LINK_SLL2,
	                            MT_LINK_NULL};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		TEST_START("stratum login split, retransmitted, answered, on each link type");
		mt_pcap *p;
		REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
		login_session(p, links[i], 443, 1, 0);
		mt_report *r = finish(p);
		const mt_finding *f = get(r, "net.stratum");
		ASSERT_NOT_NULL(f);
		ASSERT_INT_EQ(f ? (int)mt_finding_severity(f) : -1, MT_SEV_CRITICAL);
		ASSERT_STR_EQ(ev(f, "login"), "4wallet");
		ASSERT_STR_EQ(ev(f, "agent"), "XMRig/6.16.0");
		ASSERT_STR_EQ(ev(f, "algo"), "rx/0");
		ASSERT_STR_EQ(ev(f, "src"), "10.0.0.5:40000");
		ASSERT_STR_EQ(ev(f, "dst"), "203.0.113.9:443");
		mt_pcap_stats st;
		mt_pcap_stats_get(p, &st);
		ASSERT_U64_EQ(st.malformed, 0);
		mt_report_free(r);
		mt_pcap_free(p);
		TEST_DONE();
	}
}

static void test_pairing(void)
{
	TEST_START("a login nobody answers is an attempt (medium), a gap loses the line");
	mt_pcap *p;
	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	login_session(p, MT_LINK_RAW, 3333, 0, 0);
	mt_report *r = finish(p);
	const mt_finding *f = get(r, "net.stratum");
	ASSERT_INT_EQ(f ? (int)mt_finding_severity(f) : -1, MT_SEV_MEDIUM);
	ASSERT_STR_EQ(ev(f, "confirmed"), "no");
	mt_report_free(r);
	mt_pcap_free(p);

	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	login_session(p, MT_LINK_RAW, 3333, 1, 1);
	r = finish(p);
	ASSERT_NULL(get(r, "net.stratum"));
	mt_report_free(r);
	mt_pcap_free(p);
	TEST_DONE();

	TEST_START("JSON-RPC that is not mining stays quiet");
	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	pk k;
	const char *req = "{\"id\":1,\"method\":\"login\",\"params\":[\"alice\",\"secret\"]}\n";
	const char *ans = "{\"id\":1,\"result\":true,\"error\":null}\n";
	ip4(&k, CLI, SRV, 40001, 8080, 1, 0x18, req, strlen(req));
	feed(p, MT_LINK_RAW, &k);
	ip4(&k, SRV, CLI, 8080, 40001, 1, 0x18, ans, strlen(ans));
	feed(p, MT_LINK_RAW, &k);
	r = finish(p);
	ASSERT_SIZE_EQ(mt_report_count(r), 0);
	mt_report_free(r);
	mt_pcap_free(p);
	TEST_DONE();

	TEST_START("getwork over HTTP, paired with its answer");
	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	const char *post = "POST / HTTP/1.1\r\nHost: 203.0.113.9:8332\r\nContent-Length: 39\r\n\r\n"
			   "{\"id\":1,\"method\":\"getwork\",\"params\":[]}";
	const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n"
			   "{\"id\":1,\"result\":{\"data\":\"00\"},\"error\":null}";
	ip4(&k, CLI, SRV, 40002, 8332, 1, 0x18, post, strlen(post));
	feed(p, MT_LINK_RAW, &k);
	ip4(&k, SRV, CLI, 8332, 40002, 1, 0x18, resp, strlen(resp));
	feed(p, MT_LINK_RAW, &k);
	r = finish(p);
	f = get(r, "net.stratum");
	ASSERT_INT_EQ(f ? (int)mt_finding_severity(f) : -1, MT_SEV_CRITICAL);
	ASSERT_STR_EQ(ev(f, "protocol"), "getwork-http");
	mt_report_free(r);
	mt_pcap_free(p);
	TEST_DONE();
}

static void test_ipv6_and_malformed(void)
{
	TEST_START("IPv6 with hop-by-hop and destination options headers");
	mt_pcap *p;
	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	pk k, t;
	for (int dir = 0; dir < 2; dir++) {
		const char *pl = dir ? ANSWER : LOGIN;
		ip4(&t, CLI, SRV, dir ? 3333 : 40000, dir ? 40000 : 3333, dir ? 5 : 1, 0x18, pl,
		    strlen(pl));
		size_t tl = t.n - 20;
		uint8_t *b = k.b;
		memset(b, 0, 40 + 16);
		b[0] = 0x60;
		put16(b + 4, (unsigned)(16 + tl));
		b[6] = 0; /* hop-by-hop */
		b[7] = 64;
		b[8] = 0xfd;
		b[23] = 5;
		b[24] = 0x20;
		b[25] = 0x01;
		b[39] = 9;
		if (dir) { /* swap addresses */
			uint8_t x[16];
			memcpy(x, b + 8, 16);
			memcpy(b + 8, b + 24, 16);
			memcpy(b + 24, x, 16);
		}
		b[40] = 60; /* next: destination options */
		b[48] = 6;  /* next: TCP */
		memcpy(b + 56, t.b + 20, tl);
		k.n = 56 + tl;
		feed(p, MT_LINK_IPV6, &k);
	}
	mt_report *r = finish(p);
	const mt_finding *f = get(r, "net.stratum");
	ASSERT_INT_EQ(f ? (int)mt_finding_severity(f) : -1, MT_SEV_CRITICAL);
	ASSERT_STR_EQ(ev(f, "src"), "[fd00::5]:40000");
	mt_report_free(r);
	mt_pcap_free(p);
	TEST_DONE();

	TEST_START("malformed packets are skipped and counted, fragments counted");
	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	ip4(&k, CLI, SRV, 1, 2, 1, 0x18, "x", 1);
	pk bad = k;
	bad.n = 15; /* IPv4 header cut short */
	feed(p, MT_LINK_RAW, &bad);
	bad = k;
	bad.b[0] = 0x44; /* IHL 4 */
	feed(p, MT_LINK_RAW, &bad);
	bad = k;
	bad.b[32] = 0x40; /* TCP data offset 4 */
	feed(p, MT_LINK_RAW, &bad);
	bad = k;
	bad.b[6] = 0x20; /* more fragments */
	feed(p, MT_LINK_RAW, &bad);
	bad = k;
	bad.n = 0;
	feed(p, MT_LINK_ETHERNET, &bad);
	mt_pcap_stats st;
	mt_pcap_stats_get(p, &st);
	ASSERT_U64_EQ(st.malformed, 4);
	ASSERT_U64_EQ(st.fragments, 1);
	ASSERT_U64_EQ(st.flows, 0);
	r = finish(p);
	ASSERT_SIZE_EQ(mt_report_count(r), 0);
	mt_report_free(r);
	mt_pcap_free(p);
	TEST_DONE();
}

static size_t smb(uint8_t *b, uint8_t cmd, uint32_t status, uint8_t flags, unsigned mid,
                  const uint8_t *words, size_t nw)
{
	memset(b, 0, 64 + nw);
	b[4] = 0xff;
	memcpy(b + 5, "SMB", 3);
	b[8] = cmd;
	b[9] = (uint8_t)status;
	b[10] = (uint8_t)(status >> 8);
	b[11] = (uint8_t)(status >> 16);
	b[12] = (uint8_t)(status >> 24);
	b[13] = flags;
	b[34] = (uint8_t)mid;
	b[35] = (uint8_t)(mid >> 8);
	b[36] = (uint8_t)(nw / 2);
	memcpy(b + 37, words, nw);
	size_t len = 37 + nw + 2 - 4;
	b[1] = (uint8_t)(len >> 16);
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	return len + 4;
}

static void test_smb(void)
{
	TEST_START("EternalBlue by protocol state, the DoublePulsar reply, the verdicts");
	mt_pcap *p;
	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	const uint8_t att[4] = {192, 168, 1, 4}, vic[4] = {192, 168, 1, 3};
	uint8_t m[256], words[40];
	pk k;
	memset(words, 0, sizeof(words));
	size_t n = smb(m, 0xa0, 0, 0x18, 65, words, 38); /* NT Trans request */
	ip4(&k, att, vic, 50000, 445, 1, 0x18, m, n);
	feed(p, MT_LINK_RAW, &k);
	uint32_t seq = 1 + (uint32_t)n;
	n = smb(m, 0x33, 0, 0x18, 65, words, 18); /* Trans2 secondary, same MID */
	ip4(&k, att, vic, 50000, 445, seq, 0x18, m, n);
	feed(p, MT_LINK_RAW, &k);
	seq += (uint32_t)n;
	uint8_t ping[30];
	memset(ping, 0, sizeof(ping));
	ping[28] = 0x0e; /* Trans2 SESSION_SETUP: the DoublePulsar ping, MID 0x41 */
	n = smb(m, 0x32, 0, 0x18, 0x41, ping, sizeof(ping));
	ip4(&k, att, vic, 50000, 445, seq, 0x18, m, n);
	feed(p, MT_LINK_RAW, &k);
	n = smb(m, 0x32, 0xc0000002u, 0x98, 0x51, words, 0); /* the implant answers */
	ip4(&k, vic, att, 445, 50000, 1, 0x18, m, n);
	feed(p, MT_LINK_RAW, &k);
	mt_report *r = finish(p);
	const mt_finding *eb = get(r, "net.eternalblue"), *dp = get(r, "net.doublepulsar");
	ASSERT_STR_EQ(ev(eb, "attacker"), "192.168.1.4");
	ASSERT_STR_CONTAINS(ev(eb, "indicator"), "continues NT Trans");
	ASSERT_STR_EQ(ev(dp, "victim"), "192.168.1.3");
	ASSERT_STR_EQ(ev(get(r, "net.infection_chain"), "patient_zero"), "192.168.1.4");
	mt_buf b;
	mt_buf_init(&b, 1 << 20);
	mt_output_opts o = {MT_LANG_EN, 0, 0};
	ASSERT_INT_EQ(mt_report_write_json(r, &o, collect, &b), MT_OK);
	mt_buf_addc(&b, 0);
	ASSERT_STR_CONTAINS(b.data,
	                    "\"ip\":\"192.168.1.3\",\"internal\":true,\"verdicts\":[\"exploited\"");
	ASSERT_STR_CONTAINS(
		b.data, "\"ip\":\"192.168.1.4\",\"internal\":true,\"verdicts\":[\"worm-attacker\"");
	mt_buf_free(&b);
	mt_report_free(r);
	mt_pcap_free(p);
	TEST_DONE();
}

static void test_beacon(void)
{
	TEST_START("regular connections are a beacon, irregular ones are not");
	for (int regular = 0; regular < 2; regular++) {
		mt_pcap *p;
		REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
		pk k;
		for (unsigned i = 0; i < 8; i++) {
			now += regular ? 10000000 : (int64_t)(1 + i * i * 3) * 1000000;
			ip4(&k, CLI, SRV, 41000 + i, 8080, 1, 0x02, "", 0);
			ASSERT_INT_EQ(mt_pcap_packet(p, MT_LINK_RAW, now, k.b, k.n), MT_OK);
			ip4(&k, CLI, SRV, 41000 + i, 8080, 2, 0x18, "GET /task HTTP/1.1\r\n\r\n",
			    22);
			ASSERT_INT_EQ(mt_pcap_packet(p, MT_LINK_RAW, now + 1000, k.b, k.n), MT_OK);
		}
		mt_report *r = finish(p);
		const mt_finding *f = get(r, "net.beacon");
		if (regular) {
			ASSERT_NOT_NULL(f);
			ASSERT_STR_EQ(ev(f, "interval_ms"), "10000");
		} else {
			ASSERT_NULL(f);
		}
		mt_report_free(r);
		mt_pcap_free(p);
	}
	TEST_DONE();
}

/* review 4: the flow hash is symmetric, spreads LAND endpoints (src == dst, the old
 * h(a) ^ h(b) was 0 for all of them) and is keyed per run */
static void test_flow_hash(void)
{
	TEST_START("flow hash: symmetric, LAND endpoints spread, keyed per run");
	mt_pcap *p = NULL, *q = NULL;
	REQUIRE_INT_EQ(mt_pcap_new(rules, &p), MT_OK);
	REQUIRE_INT_EQ(mt_pcap_new(rules, &q), MT_OK);
	mt_addr a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.b[10] = a.b[11] = b.b[10] = b.b[11] = 0xff;
	a.b[12] = 10;
	b.b[12] = 93;
	ASSERT_INT_EQ(mt__flow_hash(p, &a, 40000, &b, 443, 6),
	              mt__flow_hash(p, &b, 443, &a, 40000, 6));
	static uint8_t used[1024];
	unsigned buckets = 0, same_key = 0;
	for (unsigned i = 0; i < 4096; i++) {
		a.b[13] = (uint8_t)(i >> 8);
		a.b[14] = (uint8_t)i;
		uint32_t h = mt__flow_hash(p, &a, 445, &a, 445, 6);
		if (!used[h & 1023]++)
			buckets++;
		same_key += h == mt__flow_hash(q, &a, 445, &a, 445, 6);
	}
	ASSERT_INT_GT(buckets, 900); /* 4096 keys over 1024 buckets: ~1005 expected */
	ASSERT_INT_LT(same_key, 4);  /* another run, another key */
	mt_pcap_free(p);
	mt_pcap_free(q);
	TEST_DONE();
}

/* The index of the tables: removing entries (backward shift) never hides the entries
 * after them in the same probe run; hashes chosen to collide in long runs. */
static uint32_t itab_h[2000];
static int itab_eq(const void *ctx, uint32_t idx)
{
	return *(const uint32_t *)ctx == itab_h[idx];
}

static void test_itab(void)
{
	TEST_START("table index: entries removed in any order, the others still found");
	mt_itab t = {0};
	for (uint32_t i = 0; i < 2000; i++) {
		itab_h[i] = (i % 7) * 64 + (i / 7) * 0x10000u + 1; /* 7 home slots, long runs */
		ASSERT_INT_EQ(mt__itab_add(&t, itab_h[i], i), MT_OK);
	}
	for (uint32_t i = 0; i < 2000; i += 3)
		mt__itab_del(&t, itab_h[i], i);
	mt__itab_del(&t, 12345, 1); /* not there: nothing happens */
	int bad = 0;
	for (uint32_t i = 0; i < 2000; i++) {
		int64_t got = mt__itab_find(&t, itab_h[i], itab_eq, &itab_h[i]);
		bad += i % 3 == 0 ? got != -1 : got != (int64_t)i;
	}
	ASSERT_INT_EQ(bad, 0);
	ASSERT_INT_EQ((int)t.n, 2000 - 667);
	mt__itab_free(&t);
	TEST_DONE();
}

/* JA3 and JA4 of a browser-like hello with GREASE everywhere, SNI and ALPN; the expected
 * values come from tests/pcap/ja4.py and Python's md5 over the JA3 text
 * "771,4865-4866-49195,0-16-43-13-10-11,29-23,0" (GREASE left out) */
static void test_tls_fingerprints(void)
{
	TEST_START("JA3 and JA4 without GREASE, with SNI and ALPN");
	static const uint8_t ext[] = {
		0x1a, 0x1a, 0, 0,                                                    /* GREASE */
		0, 0, 0, 17, 0, 15, 0, 0, 12, 'p', 'o', 'o', 'l', '.', 'e', 'x', 'a', 'm', 'p', 'l',
		'e',                                                                  /* SNI */
		0, 16, 0, 14, 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1', /* ALPN */
		0, 43, 0, 7, 6, 0x2a, 0x2a, 3, 4, 3, 3, /* supported_versions */
		0, 13, 0, 6, 0, 4, 4, 3, 8, 4,          /* signature_algorithms */
		0, 10, 0, 8, 0, 6, 0x3a, 0x3a, 0, 29, 0, 23, /* groups */
		0, 11, 0, 2, 1, 0,                           /* point formats */
	};
	uint8_t b[512];
	size_t o = 0, hs_at, rec_at;
	b[o++] = 0x16, b[o++] = 3, b[o++] = 1;
	rec_at = o, o += 2;
	b[o++] = 1;
	hs_at = o, o += 3;
	b[o++] = 3, b[o++] = 3;
	memset(b + o, 0x11, 32), o += 32;
	b[o++] = 0;                       /* session id */
	b[o++] = 0, b[o++] = 8;           /* ciphers */
	b[o++] = 0x0a, b[o++] = 0x0a, b[o++] = 0x13, b[o++] = 0x01, b[o++] = 0x13, b[o++] = 0x02;
	b[o++] = 0xc0, b[o++] = 0x2b;
	b[o++] = 1, b[o++] = 0;           /* compression */
	b[o++] = 0, b[o++] = (uint8_t)sizeof(ext);
	memcpy(b + o, ext, sizeof(ext)), o += sizeof(ext);
	put16(b + rec_at, (unsigned)(o - rec_at - 2));
	size_t hl = o - hs_at - 3;
	b[hs_at] = 0, b[hs_at + 1] = (uint8_t)(hl >> 8), b[hs_at + 2] = (uint8_t)hl;
	char j3[33], j4[40];
	mt__tls_fingerprints(b, o, j3, j4);
	ASSERT_STR_EQ(j3, "b6054e0e02245fd7f644c40961be115e");
	ASSERT_STR_EQ(j4, "t13d0306h2_5559582ccdc4_fb71836bce29");
	mt__tls_fingerprints(b, o - 5, j3, j4); /* cut inside the extensions: still no crash */
	mt__tls_fingerprints(b, 20, j3, j4);    /* cut in the hello: nothing */
	ASSERT_STR_EQ(j3, "");
	TEST_DONE();
}

int main(void)
{
	REQUIRE_INT_EQ(mt_rules_new(&rules), MT_OK);
	REQUIRE_INT_EQ(mt_rules_load_builtin(rules, NULL, NULL), MT_OK);
	test_links();
	test_pairing();
	test_ipv6_and_malformed();
	test_smb();
	test_beacon();
	test_flow_hash();
	test_itab();
	test_tls_fingerprints();
	mt_rules_free(rules);
	return T_DONE();
}
