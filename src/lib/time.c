/* time.c - parsing the --since/--until times of the command-line contract */
#include <string.h>
#include <time.h>

#include "internal.h"

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

mt_err mt_time_parse(const char *s, int64_t *out)
{
	int Y, M, D, h, m, sec = 0;
	size_t n = s ? strlen(s) : 0;
	if (n < 16 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
	    s[13] != ':' || digits(s, 4, &Y) || digits(s + 5, 2, &M) || digits(s + 8, 2, &D) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &m))
		return MT_ERR_INVAL;
	const char *p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &sec) || strlen(p) < 3)
			return MT_ERR_INVAL;
		p += 3;
	}
	if (*p == '.') /* fractions of a second are allowed and ignored */
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || m > 59 ||
	    sec > 60)
		return MT_ERR_INVAL;
	if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0))
		return MT_ERR_INVAL;
	if (*p == '\0') {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = Y - 1900;
		tm.tm_mon = M - 1;
		tm.tm_mday = D;
		tm.tm_hour = h;
		tm.tm_min = m;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		if (t == (time_t)-1)
			return MT_ERR_INVAL;
		*out = (int64_t)t;
		return MT_OK;
	}
	int64_t off = 0;
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		size_t rest = strlen(p + 1);
		if (rest == 5 && p[3] == ':' && !digits(p + 1, 2, &oh) && !digits(p + 4, 2, &om))
			;
		else if (rest == 4 && !digits(p + 1, 2, &oh) && !digits(p + 3, 2, &om))
			;
		else if (rest == 2 && !digits(p + 1, 2, &oh))
			om = 0;
		else
			return MT_ERR_INVAL;
		if (oh > 23 || om > 59)
			return MT_ERR_INVAL;
		off = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
	} else {
		return MT_ERR_INVAL;
	}
	*out = days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec - off;
	return MT_OK;
}
