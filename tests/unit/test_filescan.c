/* test_filescan.c - content scanners: Monero wallet shape, miner configuration, miner
 * strings fed in chunks, browser-miner script sources */
#include "collect/filescan.h"
#include "t.h"

#define W95 "4ATestWa11etMinetraceScenarioNotRea1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static int scan_cfg(const char *text, char *codes, size_t len, mt_minercfg *c)
{
	mt_minercfg_scan(text, strlen(text), c);
	return mt_minercfg_verdict(c, codes, len);
}

typedef struct hits {
	char what[8][64];
	size_t n;
} hits;

static int on_hit(void *p, const mt_webhit *h)
{
	hits *x = p;
	if (x->n < 8) {
		if (h->host)
			snprintf(x->what[x->n], sizeof(x->what[0]), "%s:%.*s", h->what, (int)h->host_len,
			         h->host);
		else
			snprintf(x->what[x->n], sizeof(x->what[0]), "%s", h->what);
		x->n++;
	}
	return 0;
}

static hits web(const char *t, int is_js)
{
	hits h;
	memset(&h, 0, sizeof(h));
	mt_webscan(t, strlen(t), is_js, on_hit, &h);
	return h;
}

int main(void)
{
	char codes[128];
	mt_minercfg c;

	TEST_START("wallet shape");
	ASSERT_INT_EQ(strlen(W95), 95);
	ASSERT_TRUE(mt_is_monero_wallet(W95, 95));
	ASSERT_TRUE(mt_is_monero_wallet("47D8WQoJKydhTkk26bqZCVF7FaNhzRtNG15u1XiRQ83nfYqogyLjPMnYEKa"
	                                "rjAiCz93oV6sETE9kkL3bkbvTX6nMU24CND8", 95));
	ASSERT_FALSE(mt_is_monero_wallet(W95, 94));                   /* short */
	char bad[96];
	memcpy(bad, W95, 96);
	bad[0] = '5'; /* must start with 4 */
	ASSERT_FALSE(mt_is_monero_wallet(bad, 95));
	memcpy(bad, W95, 96);
	bad[1] = 'C'; /* second character must be 0-9, A or B */
	ASSERT_FALSE(mt_is_monero_wallet(bad, 95));
	memcpy(bad, W95, 96);
	bad[50] = '0'; /* 0, O, I and l are not base58 */
	ASSERT_FALSE(mt_is_monero_wallet(bad, 95));
	bad[50] = 'l';
	ASSERT_FALSE(mt_is_monero_wallet(bad, 95));
	bad[50] = 'O';
	ASSERT_FALSE(mt_is_monero_wallet(bad, 95));
	ASSERT_FALSE(mt_is_monero_wallet(NULL, 95));
	TEST_DONE();

	TEST_START("xmrig config.json");
	ASSERT_TRUE(scan_cfg("{\n \"donate-level\": 1,\n \"pools\": [\n  {\"url\": \"xmrpool.eu:9999\", "
	                     "\"user\": \"" W95 "\", \"pass\": \"x\"}\n ]\n}\n",
	                     codes, sizeof(codes), &c));
	ASSERT_STR_EQ(codes, "pools,donate_level,wallet");
	ASSERT_STR_EQ(c.first_url, "xmrpool.eu:9999");
	ASSERT_STR_EQ(c.first_wallet, W95);
	ASSERT_TRUE(mt_minercfg_looks_json("\xef\xbb\xbf  {\"a\":1}", 11));
	TEST_DONE();

	TEST_START("pools without donate-level, wallet with a worker suffix");
	ASSERT_TRUE(scan_cfg("{\"pools\":[{\"url\":\"stratum+tcp://p.example:3333\",\"user\":\"" W95
	                     ".rig1\"}]}",
	                     codes, sizeof(codes), &c));
	ASSERT_STR_EQ(codes, "pools,wallet,stratum_url");
	ASSERT_STR_EQ(c.first_url, "stratum+tcp://p.example:3333");
	TEST_DONE();

	TEST_START("benign JSON with url and user but no pools");
	ASSERT_FALSE(scan_cfg("{\"name\": \"project\", \"url\": \"https://example.org\", \"user\": "
	                      "\"alice\"}",
	                      codes, sizeof(codes), &c));
	ASSERT_STR_EQ(codes, "");
	ASSERT_INT_EQ(c.url, 1);
	ASSERT_INT_EQ(c.user, 1);
	/* "pools" that is not an array (a storage config) */
	ASSERT_FALSE(scan_cfg("{\"pools\": 4, \"url\": \"zfs://tank\"}", codes, sizeof(codes), &c));
	/* the key names inside a value do not count as keys */
	ASSERT_FALSE(scan_cfg("{\"text\": \"pools: [ url, donate-level ]\"}", codes, sizeof(codes),
	                      &c));
	ASSERT_FALSE(scan_cfg("{\"text\": \"\\\"donate-level\\\": 1\"}", codes, sizeof(codes), &c));
	/* a wallet-shaped key is not a value; 94 characters is not a wallet */
	ASSERT_FALSE(scan_cfg("{\"" W95 "\": 1}", codes, sizeof(codes), &c));
	TEST_DONE();

	TEST_START("JSON Lines are not a configuration");
	ASSERT_FALSE(scan_cfg("{\"type\":\"finding\",\"evidence\":{\"wallet\":\"" W95 "\"}}\n"
	                      "{\"type\":\"summary\",\"pools\":[],\"url\":1}\n",
	                      codes, sizeof(codes), &c));
	ASSERT_INT_EQ(c.documents, 2);
	ASSERT_INT_EQ(c.wallet, 1);
	ASSERT_TRUE(scan_cfg("{\"wallet\":\"" W95 "\"}\n", codes, sizeof(codes), &c));
	ASSERT_INT_EQ(c.documents, 1);
	TEST_DONE();

	TEST_START("xmr-stak pools.txt with comments");
	ASSERT_TRUE(mt_minercfg_looks_json("/* pools */\n// more\n\"pool_list\" : [", 34));
	ASSERT_TRUE(scan_cfg("/* \"donate-level\": in a comment does not count */\n"
	                     "\"pool_list\" : [ {\"pool_address\" : \"pool.usxmrpool.com:3333\", "
	                     "\"wallet_address\" : \"x\", \"pool_password\" : \"\"} ],\n",
	                     codes, sizeof(codes), &c));
	ASSERT_STR_EQ(codes, "pool_list");
	ASSERT_STR_EQ(c.first_url, "pool.usxmrpool.com:3333");
	ASSERT_FALSE(mt_minercfg_looks_json("# just text\nhello", 18));
	ASSERT_FALSE(mt_minercfg_looks_json("", 0));
	TEST_DONE();

	TEST_START("truncated and hostile text");
	const char *trunc = "{\"pools\": [{\"url\": \"a:1\", \"user\": \"" W95;
	for (size_t n = 0; n <= strlen(trunc); n++) {
		mt_minercfg_scan(trunc, n, &c); /* must not read past n */
		mt_minercfg_verdict(&c, codes, sizeof(codes));
	}
	mt_minercfg_scan(trunc, strlen(trunc), &c);
	ASSERT_INT_EQ(c.pools, 1);
	ASSERT_INT_EQ(c.wallet, 0); /* the string never closed: not a value seen whole */
	ASSERT_FALSE(scan_cfg("\"\\", codes, sizeof(codes), &c));
	ASSERT_FALSE(scan_cfg("/*", codes, sizeof(codes), &c));
	char small[8];
	ASSERT_TRUE(scan_cfg("{\"donate-level\":1,\"pools\":[{\"url\":\"a\"}]}", small, sizeof(small),
	                     &c));
	ASSERT_INT_LT(strlen(small), sizeof(small));
	TEST_DONE();

	TEST_START("miner strings across chunk seams");
	static const char bin[] = "\x7f" "ELF....stratum+tcp://....\0\0xmrig/6.16\0donate-level";
	mt_strscan s;
	mt_strscan_init(&s);
	for (size_t i = 0; i < sizeof(bin) - 1; i++)
		mt_strscan_feed(&s, bin + i, 1); /* one byte at a time */
	ASSERT_INT_EQ(mt_strscan_count(&s), 3);
	char names[160];
	mt_strscan_names(&s, names, sizeof(names));
	ASSERT_STR_EQ(names, "stratum+tcp://,xmrig,donate-level");
	ASSERT_INT_EQ(s.self, 0);
	mt_strscan_init(&s);
	mt_strscan_feed(&s, bin, 9);
	mt_strscan_feed(&s, bin + 9, 13);
	mt_strscan_feed(&s, bin + 22, sizeof(bin) - 23);
	ASSERT_INT_EQ(mt_strscan_count(&s), 3);
	mt_strscan_init(&s);
	mt_strscan_feed(&s, "randomx only, and RandomX", 25);
	ASSERT_INT_EQ(mt_strscan_count(&s), 1); /* one string: not a miner by itself */
	mt_strscan_init(&s);
	static const char sub[] = "mining.subscribe";
	mt_strscan_feed(&s, sub, 10);
	mt_strscan_feed(&s, "xx", 0);
	mt_strscan_feed(&s, sub + 10, 6);
	ASSERT_INT_EQ(mt_strscan_count(&s), 1);
	mt_strscan_init(&s);
	mt_strscan_feed(&s, "\n@source minetrace ", 19);
	mt_strscan_feed(&s, "maintainers; CPU miners", 23);
	ASSERT_INT_EQ(s.self, 1); /* the rules compiled into minetrace itself */
	TEST_DONE();

	TEST_START("browser miners in pages");
	hits h = web("<script src=\"https://coinhive.com/lib/coinhive.min.js\"></script>\n"
	             "<script>var m = new CoinHive.Anonymous('k');</script>",
	             0);
	ASSERT_SIZE_EQ(h.n, 3);
	ASSERT_STR_EQ(h.what[0], "coinhive.min.js");
	ASSERT_STR_EQ(h.what[1], "CoinHive.Anonymous");
	ASSERT_STR_EQ(h.what[2], "script_src:coinhive.com");
	h = web("<SCRIPT type='text/javascript' SRC='//Miner.Example.ORG:8080/x.js'>", 0);
	ASSERT_SIZE_EQ(h.n, 1);
	ASSERT_STR_EQ(h.what[0], "script_src:Miner.Example.ORG");
	h = web("<img src=\"https://authedmine.com/a.png\"><a href=\"https://crypto-loot.com\">x</a>"
	        "<script src=\"/local/app.js\"></script>",
	        0);
	ASSERT_SIZE_EQ(h.n, 0); /* an image, a link and a relative script */
	h = web("s.src = \"https://user@authedmine.com/lib/a.js\"; x.src='/rel.js'; img.src", 1);
	ASSERT_SIZE_EQ(h.n, 1);
	ASSERT_STR_EQ(h.what[0], "script_src:authedmine.com");
	h = web("var CryptoLoot = 1; datasrc=\"https://a.example/x.js\"", 1);
	ASSERT_SIZE_EQ(h.n, 1);
	ASSERT_STR_EQ(h.what[0], "CryptoLoot");
	h = web("<script src=", 0);
	ASSERT_SIZE_EQ(h.n, 0);
	TEST_DONE();

	return T_DONE();
}
