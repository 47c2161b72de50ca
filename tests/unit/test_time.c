/* test_time.c - unit tests of time.c: the --since/--until time formats */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "t.h"

/* The seed-001 incident time, 2024-01-24 08:10:27 in China (UTC+8). */
#define T001 1706055027LL

static int64_t parse(const char *s)
{
	int64_t v = -424242;
	if (mt_time_parse(s, &v) != MT_OK)
		return -1;
	return v;
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void test_iso(void)
{
	set_tz("America/New_York"); /* an explicit offset must not depend on TZ */

	TEST_START("ISO 8601 with Z and numeric offsets");
	ASSERT_INT_EQ(parse("2024-01-24T00:10:27Z"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27+08:00"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27+0800"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27+08"), T001);
	ASSERT_INT_EQ(parse("2024-01-23T19:10:27-05:00"), T001);
	ASSERT_INT_EQ(parse("2024-01-23T19:10:27-0500"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T05:40:27+05:30"), T001);
	ASSERT_INT_EQ(parse("2024-01-24 00:10:27Z"), T001); /* blank instead of T */
	ASSERT_INT_EQ(parse("2024-01-24T00:10Z"), T001 - 27); /* no seconds */
	ASSERT_INT_EQ(parse("2024-01-24T08:10+08:00"), T001 - 27);
	ASSERT_INT_EQ(parse("1970-01-01T00:00:00Z"), 0);
	ASSERT_INT_EQ(parse("1970-01-01T08:00:00+08:00"), 0);
	ASSERT_INT_EQ(parse("2038-01-19T03:14:08Z"), 2147483648LL); /* past 32 bits */
	ASSERT_INT_EQ(parse("2100-03-01T00:00:00Z"), 4107542400LL);
	ASSERT_INT_EQ(parse("2024-12-31T23:59:59Z"), 1735689599LL);
	ASSERT_INT_EQ(parse("2024-07-01T12:00:00-04:00"), 1719849600LL);
	TEST_DONE();

	TEST_START("fractions of a second are accepted and dropped");
	ASSERT_INT_EQ(parse("2024-01-24T00:10:27.123Z"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T00:10:27.999999999Z"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27.5+08:00"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27,5+08:00"), -1); /* only '.' */
	TEST_DONE();

	TEST_START("leap days");
	ASSERT_INT_EQ(parse("2024-02-29T12:00:00Z"), 1709208000LL);
	ASSERT_INT_EQ(parse("2000-02-29T00:00:00Z"), 951782400LL);
	ASSERT_INT_EQ(parse("2023-02-29T00:00:00Z"), -1);
	ASSERT_INT_EQ(parse("2100-02-29T00:00:00Z"), -1); /* divisible by 100, not 400 */
	ASSERT_INT_EQ(parse("2024-02-30T00:00:00Z"), -1);
	TEST_DONE();
}

static void test_local(void)
{
	TEST_START("local time in TZ=Asia/Shanghai");
	set_tz("Asia/Shanghai");
	ASSERT_INT_EQ(parse("2024-01-24 08:10:27"), T001);
	ASSERT_INT_EQ(parse("2024-01-24 08:10"), T001 - 27);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27"), T001); /* T without zone: local too */
	ASSERT_INT_EQ(parse("2024-01-24 08:10:27.250"), T001);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27Z"), T001 + 8 * 3600); /* Z is not local */
	TEST_DONE();

	TEST_START("local time follows TZ (UTC, New York with DST)");
	set_tz("UTC");
	ASSERT_INT_EQ(parse("2024-01-24 00:10:27"), T001);
	set_tz("America/New_York");
	ASSERT_INT_EQ(parse("2024-01-23 19:10:27"), T001);        /* EST, UTC-5 */
	ASSERT_INT_EQ(parse("2024-07-01 12:00:00"), 1719849600LL); /* EDT, UTC-4 */
	set_tz("Asia/Shanghai");
	TEST_DONE();
}

static void test_invalid(void)
{
	static const char *const bad[] = {
		"",
		"yesterday",
		"2024-01-24",
		"2024-01-24 08",
		"2024-01-24 08:1",
		"2024-1-24 08:10",
		"2024/01/24 08:10",
		" 2024-01-24 08:10",
		"2024-01-24  08:10",
		"2024-01-24x08:10",
		"2024-01-24 08:10:",
		"2024-01-24 08:10:2",
		"2024-01-24 08:10:27 ",
		"2024-01-24 08:10:27junk",
		"2024-01-24T08:10:27ZZ",
		"2024-01-24T08:10:27Z ",
		"2024-01-24T08:10:27+8",
		"2024-01-24T08:10:27+800",
		"2024-01-24T08:10:27+08:0",
		"2024-01-24T08:10:27+08:00:00",
		"2024-01-24T08:10:27+08:60",
		"2024-01-24T08:10:27+24:00",
		"2024-01-24T08:10:27+ab:cd",
		"2024-01-24T08:10:27 +08:00",
		"2024-02-30 00:00",
		"2023-02-29 00:00",
		"2024-04-31 00:00",
		"2024-06-31 00:00",
		"2024-01-32 00:00",
		"2024-01-00 00:00",
		"2024-00-10 00:00",
		"2024-13-10 00:00",
		"2024-01-24 24:00",
		"2024-01-24 24:00:00",
		"2024-01-24 23:60",
		"2024-01-24 23:59:61",
		"1969-12-31 23:59:59",
		"1969-12-31T23:59:59Z",
		"0000-01-01T00:00:00Z",
		"2024-01-24T-1:10:27Z",
		"２０２４-01-24 08:10", /* full-width digits */
	};
	TEST_START("invalid dates and junk are rejected, output untouched");
	for (size_t i = 0; i < MT_ARRAY_LEN(bad); i++) {
		int64_t v = 777;
		mt_err e = mt_time_parse(bad[i], &v);
		if (e != MT_ERR_INVAL)
			fprintf(stderr, "  accepted: \"%s\" -> %lld\n", bad[i], (long long)v);
		ASSERT_INT_EQ(e, MT_ERR_INVAL);
		ASSERT_INT_EQ(v, 777);
	}
	int64_t v = 777;
	ASSERT_INT_EQ(mt_time_parse(NULL, &v), MT_ERR_INVAL);
	ASSERT_INT_EQ(v, 777);
	TEST_DONE();

	TEST_START("the edges that are valid");
	ASSERT_INT_EQ(parse("2024-01-24T23:59:59Z"), T001 + 86400 - 627 - 1);
	ASSERT_INT_EQ(parse("2024-01-24T00:00:00Z"), T001 - 627);
	ASSERT_INT_EQ(parse("2024-04-30T00:00:00Z"), 1714435200LL);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27+23:59"), T001 - 15 * 3600 - 59 * 60 + 0 * 1);
	TEST_DONE();
}

int main(void)
{
	test_iso();
	test_local();
	test_invalid();
	return T_DONE();
}
