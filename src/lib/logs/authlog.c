/* authlog.c - parser of auth log lines (secure, auth.log: classic syslog and RFC 3339
 * times, sshd/su/sudo/useradd/passwd messages) and the reader of plain and .gz logs */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "logs.h"

/* ---- small bounded scanners ---------------------------------------------------- */

static int dig2(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* Finds needle (length k) in [s, s+n); NULL when absent. */
static const char *find(const char *s, size_t n, const char *needle, size_t k)
{
	if (k == 0 || n < k)
		return NULL;
	const char *end = s + n - k + 1;
	while (s < end) {
		const char *c = memchr(s, needle[0], (size_t)(end - s));
		if (!c)
			return NULL;
		if (memcmp(c, needle, k) == 0)
			return c;
		s = c + 1;
	}
	return NULL;
}

/* The last occurrence of needle in [s, s+n). */
static const char *rfind(const char *s, size_t n, const char *needle, size_t k)
{
	if (k == 0 || n < k)
		return NULL;
	for (size_t i = n - k + 1; i-- > 0;)
		if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

static int starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(s, lit, k) == 0;
}

/* Copies [s, s+n) into dst[cap] (cut), always terminated. */
static void put(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The detail of the event being parsed lives here until mt_logs_add keeps a copy. */
static _Thread_local char detail_buf[MT_LOG_DETAIL_LONG];

void mt_logev_set_detail(mt_logev *ev, const char *s, size_t n)
{
	put(detail_buf, MT_LOG_DETAIL, s, n);
	ev->detail = detail_buf;
}

void mt_logev_set_detail_long(mt_logev *ev, const char *s, size_t n)
{
	put(detail_buf, sizeof(detail_buf), s, n);
	ev->detail = detail_buf;
}

/* Length of the word at s (up to a blank). */
static size_t word_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

/* A dotted quad already in canonical form ("1.2.3.4": no leading zeros, parts <= 255). */
static int plain_ipv4(const char *s, size_t n)
{
	if (n < 7 || n > 15)
		return 0;
	int parts = 0, digits = 0, v = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (digits == 0 || v > 255 || (digits > 1 && s[i - digits] == '0'))
				return 0;
			parts++;
			digits = v = 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (s[i] - '0');
			if (++digits > 3)
				return 0;
		} else {
			return 0;
		}
	}
	return parts == 4;
}

static void put_ip(mt_logev *ev, const char *s, size_t n)
{
	if (plain_ipv4(s, n)) { /* the common case, without inet_pton and back */
		memcpy(ev->ip, s, n);
		ev->ip[n] = '\0';
		return;
	}
	if (mt_ip_canon(s, n, ev->ip, sizeof(ev->ip)) != 0)
		put(ev->ip, sizeof(ev->ip), s, n); /* a host name (UseDNS yes) */
}

const char *mt_logev_kind_name(mt_logev_kind k)
{
	static const char *const names[MT_LE_COUNT] = {"ssh_accepted",
	                                               "ssh_failed",
	                                               "ssh_invalid_user",
	                                               "auth_failure",
	                                               "ssh_preauth_close",
	                                               "ssh_disconnect",
	                                               "su",
	                                               "sudo",
	                                               "account_added",
	                                               "account_changed",
	                                               "password_changed",
	                                               "login",
	                                               "boot",
	                                               "login_failed",
	                                               "last_login",
	                                               "ssh_session",
	                                               "service_installed",
	                                               "task_registered",
	                                               "log_cleared",
	                                               "explicit_logon",
	                                               "powershell_script",
	                                               "process_created",
	                                               "network_connection",
	                                               "file_created",
	                                               "registry_set"};
	return (unsigned)k < MT_LE_COUNT ? names[k] : "unknown";
}

/* "... from IP port N ssh2[: KEYTYPE SHA256:fp]" at the end of rest: the last " from "
 * wins so a user name cannot inject a fake address before it. */
static int tail_from(const char *s, size_t n, mt_logev *ev, const char **user_end)
{
	const char *f = rfind(s, n, " from ", 6);
	if (!f)
		return -1;
	const char *ip = f + 6, *end = s + n;
	size_t il = word_len(ip, (size_t)(end - ip));
	if (il == 0)
		return -1;
	put_ip(ev, ip, il);
	const char *p = ip + il;
	if (starts(p, (size_t)(end - p), " port ")) {
		p += 6;
		unsigned port = 0;
		size_t k = 0;
		while (p + k < end && k < 6 && p[k] >= '0' && p[k] <= '9')
			port = port * 10 + (unsigned)(p[k++] - '0');
		if (k && port <= 65535)
			ev->port = (uint16_t)port;
		p += k;
	}
	/* Accepted publickey for root from ... ssh2: RSA SHA256:xxxx */
	const char *c = find(p, (size_t)(end - p), ": ", 2);
	if (c)
		mt_logev_set_detail(ev, c + 2, (size_t)(end - c - 2));
	*user_end = f;
	return 0;
}

/* sshd messages. */
static int parse_sshd(const char *m, size_t n, mt_logev *ev)
{
	const char *ue;
	switch (m[0]) {
	case 'A': /* Accepted METHOD for USER from IP port N ssh2 */
	case 'F': /* Failed METHOD for [invalid user ]USER from IP port N ssh2 */
	{
		int acc = m[0] == 'A';
		size_t skip = acc ? 9 : 7;
		if (!starts(m, n, acc ? "Accepted " : "Failed "))
			return MT_AL_OTHER;
		const char *p = m + skip, *end = m + n;
		size_t ml = word_len(p, (size_t)(end - p));
		if (ml == 0 || ml >= sizeof(ev->method))
			return MT_AL_OTHER;
		put(ev->method, sizeof(ev->method), p, ml);
		p += ml;
		if (!starts(p, (size_t)(end - p), " for "))
			return MT_AL_OTHER;
		p += 5;
		if (!acc && starts(p, (size_t)(end - p), "invalid user ")) {
			ev->invalid_user = 1;
			p += 13;
		}
		if (tail_from(p, (size_t)(end - p), ev, &ue) != 0 || ue < p)
			return MT_AL_OTHER;
		put(ev->user, sizeof(ev->user), p, (size_t)(ue - p));
		if (!acc)
			ev->detail = "";
		ev->kind = acc ? MT_LE_ACCEPTED : MT_LE_FAILED;
		return MT_AL_EVENT;
	}
	case 'I': /* Invalid user USER from IP[ port N] */
	{
		if (!starts(m, n, "Invalid user "))
			return MT_AL_OTHER;
		const char *p = m + 13;
		if (tail_from(p, n - 13, ev, &ue) != 0 || ue < p)
			return MT_AL_OTHER;
		put(ev->user, sizeof(ev->user), p, (size_t)(ue - p));
		ev->detail = "";
		ev->kind = MT_LE_INVALID_USER;
		ev->invalid_user = 1;
		return MT_AL_EVENT;
	}
	case 'C': /* Connection closed by [invalid|authenticating user U ]IP port N [preauth] */
	case 'D': /* Disconnected from [user U|invalid user U|authenticating user U ]IP port N */
	case 'R': /* Received disconnect from IP port N:11: ... [preauth] */
	{
		const char *p;
		if (starts(m, n, "Connection closed by "))
			p = m + 21;
		else if (starts(m, n, "Disconnected from "))
			p = m + 18;
		else if (starts(m, n, "Received disconnect from "))
			p = m + 25;
		else
			return MT_AL_OTHER;
		const char *end = m + n;
		int preauth = n >= 9 && memcmp(end - 9, "[preauth]", 9) == 0;
		static const char *const pre[] = {"invalid user ", "authenticating user ", "user "};
		for (size_t i = 0; i < MT_ARRAY_LEN(pre); i++)
			if (starts(p, (size_t)(end - p), pre[i])) {
				p += strlen(pre[i]);
				/* the user ends at the last " IP port " */
				const char *po = rfind(p, (size_t)(end - p), " port ", 6);
				if (!po)
					return MT_AL_OTHER;
				const char *sp = po;
				while (sp > p && sp[-1] != ' ')
					sp--;
				if (sp <= p)
					return MT_AL_OTHER;
				put(ev->user, sizeof(ev->user), p, (size_t)(sp - 1 - p));
				p = sp;
				break;
			}
		size_t il = word_len(p, (size_t)(end - p));
		while (il && p[il - 1] == ':')
			il--;
		if (il == 0)
			return MT_AL_OTHER;
		put_ip(ev, p, il);
		const char *po = p + il;
		if (starts(po, (size_t)(end - po), " port ")) {
			unsigned port = 0;
			size_t k = 0;
			po += 6;
			while (po + k < end && k < 6 && po[k] >= '0' && po[k] <= '9')
				port = port * 10 + (unsigned)(po[k++] - '0');
			if (k && port <= 65535)
				ev->port = (uint16_t)port;
		}
		if (!preauth && m[0] == 'R')
			return MT_AL_OTHER; /* the Disconnected line of the same session says it */
		ev->kind = preauth ? MT_LE_PREAUTH_CLOSE : MT_LE_DISCONNECT;
		return MT_AL_EVENT;
	}
	case 'p': /* pam_unix(sshd:auth): authentication failure; ... rhost=IP  user=U */
	{
		if (starts(m, n, "pam_unix(sshd:session): session opened for user ")) {
			const char *u = m + 48, *end = m + n; /* after "...for user " */
			size_t ul = word_len(u, (size_t)(end - u));
			const char *par = memchr(u, '(', ul); /* Debian: "root(uid=0)" */
			put(ev->user, sizeof(ev->user), u, par ? (size_t)(par - u) : ul);
			ev->kind = MT_LE_SESSION;
			return MT_AL_EVENT;
		}
		if (!find(m, n, "authentication failure", 22))
			return MT_AL_OTHER;
		const char *r = find(m, n, "rhost=", 6), *end = m + n;
		if (r) {
			size_t il = word_len(r + 6, (size_t)(end - r - 6));
			if (il)
				put_ip(ev, r + 6, il);
		}
		const char *u = rfind(m, n, " user=", 6);
		if (u)
			put(ev->user, sizeof(ev->user), u + 6,
			    word_len(u + 6, (size_t)(end - u - 6)));
		ev->kind = MT_LE_AUTHFAIL;
		put(ev->method, sizeof(ev->method), "sshd", 4);
		return MT_AL_EVENT;
	}
	case 'm': /* message repeated N times: [ Failed password for root from ...] */
	{
		if (!starts(m, n, "message repeated "))
			return MT_AL_OTHER;
		const char *p = m + 17, *end = m + n;
		uint64_t cnt = 0;
		size_t k = word_len(p, (size_t)(end - p));
		if (mt_parse_u64(p, k, 1000000000u, &cnt) != 0 || cnt == 0)
			return MT_AL_OTHER;
		const char *b = find(p, (size_t)(end - p), "[ ", 2);
		if (!b || end[-1] != ']')
			return MT_AL_OTHER;
		int r = parse_sshd(b + 2, (size_t)(end - 1 - (b + 2)), ev);
		if (r == MT_AL_EVENT)
			ev->count = (uint32_t)cnt;
		return r;
	}
	}
	return MT_AL_OTHER;
}

/* The text after "key" up to a blank, ',' or ';'. */
static size_t field(const char *m, size_t n, const char *key, const char **val)
{
	size_t k = strlen(key);
	const char *f = find(m, n, key, k), *end = m + n;
	if (!f)
		return 0;
	const char *v = f + k;
	size_t i = 0;
	while (v + i < end && v[i] != ' ' && v[i] != ',' && v[i] != ';' && v[i] != '\'')
		i++;
	*val = v;
	return i;
}

static int parse_account(const char *prog, size_t pl, const char *m, size_t n, mt_logev *ev)
{
	const char *v;
	size_t vl;
	if (find(m, n, "password changed for ", 21)) { /* passwd, chpasswd (pam_unix) */
		const char *f = find(m, n, "password changed for ", 21);
		put(ev->user, sizeof(ev->user), f + 21, word_len(f + 21, (size_t)(m + n - f - 21)));
		put(ev->method, sizeof(ev->method), prog, pl);
		ev->kind = MT_LE_PASSWD;
		return MT_AL_EVENT;
	}
	if (pl == 7 && memcmp(prog, "useradd", 7) == 0 && starts(m, n, "new user: ")) {
		if ((vl = field(m, n, "name=", &v)) == 0)
			return MT_AL_OTHER;
		put(ev->user, sizeof(ev->user), v, vl);
		mt_logev_set_detail(ev, m + 10, n - 10);
		put(ev->method, sizeof(ev->method), "useradd", 7);
		ev->kind = MT_LE_USERADD;
		return MT_AL_EVENT;
	}
	if ((pl == 7 && memcmp(prog, "usermod", 7) == 0) ||
	    (pl == 7 && memcmp(prog, "userdel", 7) == 0) ||
	    (pl == 7 && memcmp(prog, "gpasswd", 7) == 0) ||
	    (pl == 8 && memcmp(prog, "groupadd", 8) == 0) ||
	    (pl == 7 && memcmp(prog, "useradd", 7) == 0)) {
		/* change user 'x' password; add 'x' to group 'wheel'; delete user 'x' */
		const char *q = memchr(m, '\'', n);
		if (q) {
			const char *q2 = memchr(q + 1, '\'', (size_t)(m + n - q - 1));
			if (q2)
				put(ev->user, sizeof(ev->user), q + 1, (size_t)(q2 - q - 1));
		} else if ((vl = field(m, n, "name=", &v)) != 0) {
			put(ev->user, sizeof(ev->user), v, vl);
		}
		mt_logev_set_detail(ev, m, n);
		put(ev->method, sizeof(ev->method), prog, pl);
		ev->kind = (pl == 8 || starts(m, n, "new ")) ? MT_LE_USERADD : MT_LE_USERMOD;
		return MT_AL_EVENT;
	}
	return MT_AL_OTHER;
}

/* sshd, and OpenSSH 9.8+'s per-connection programs sshd-session and sshd-auth, which
 * log the Accepted/Failed lines under their own names. */
static int is_sshd(const char *prog, size_t pl)
{
	return (pl == 4 && memcmp(prog, "sshd", 4) == 0) ||
	       (pl == 12 && memcmp(prog, "sshd-session", 12) == 0) ||
	       (pl == 9 && memcmp(prog, "sshd-auth", 9) == 0);
}

int mt_authlog_parse_msg(const char *prog, size_t pl, const char *m, size_t n, mt_logev *ev)
{
	ev->detail = "";
	if (n == 0 || pl == 0)
		return MT_AL_OTHER;
	ev->count = 1;
	if (is_sshd(prog, pl))
		return parse_sshd(m, n, ev);
	if (pl == 2 && memcmp(prog, "su", 2) == 0) {
		const char *f;
		if ((f = find(m, n, "session opened for user ", 24)) != NULL) {
			const char *t = f + 24, *end = m + n;
			size_t tl = word_len(t, (size_t)(end - t));
			mt_logev_set_detail(ev, t, tl);
			const char *by = find(t, (size_t)(end - t), " by ", 4);
			if (by) {
				const char *u = by + 4;
				size_t ul = 0;
				while (u + ul < end && u[ul] != '(' && u[ul] != ' ')
					ul++;
				put(ev->user, sizeof(ev->user), u, ul);
			}
			ev->kind = MT_LE_SU;
			return MT_AL_EVENT;
		}
		if (starts(m, n, "(to ")) { /* Debian: (to root) lighthouse on pts/0 */
			const char *c = memchr(m, ')', n), *end = m + n;
			if (!c)
				return MT_AL_OTHER;
			mt_logev_set_detail(ev, m + 4, (size_t)(c - m - 4));
			const char *u = c + 1;
			while (u < end && *u == ' ')
				u++;
			put(ev->user, sizeof(ev->user), u, word_len(u, (size_t)(end - u)));
			ev->kind = MT_LE_SU;
			return MT_AL_EVENT;
		}
		if (find(m, n, "authentication failure", 22)) {
			const char *u = rfind(m, n, " user=", 6);
			if (u)
				put(ev->user, sizeof(ev->user), u + 6,
				    word_len(u + 6, (size_t)(m + n - u - 6)));
			put(ev->method, sizeof(ev->method), "su", 2);
			ev->kind = MT_LE_AUTHFAIL;
			return MT_AL_EVENT;
		}
		return MT_AL_OTHER;
	}
	if (pl == 4 && memcmp(prog, "sudo", 4) == 0) {
		/* "  lighthouse : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/bash" */
		const char *c = find(m, n, " : ", 3), *end = m + n;
		const char *cmd = find(m, n, "COMMAND=", 8);
		if (!c || !cmd)
			return MT_AL_OTHER;
		const char *u = m;
		while (u < c && *u == ' ')
			u++;
		put(ev->user, sizeof(ev->user), u, (size_t)(c - u));
		mt_logev_set_detail(ev, cmd + 8, (size_t)(end - cmd - 8));
		const char *tu;
		size_t tl = field(m, n, "USER=", &tu);
		if (tl)
			put(ev->method, sizeof(ev->method), tu, tl);
		ev->kind = MT_LE_SUDO;
		return MT_AL_EVENT;
	}
	if ((pl == 6 && memcmp(prog, "passwd", 6) == 0) ||
	    (pl == 8 && memcmp(prog, "chpasswd", 8) == 0) ||
	    (pl >= 7 && pl <= 8 &&
	     (memcmp(prog, "useradd", 7) == 0 || memcmp(prog, "usermod", 7) == 0 ||
	      memcmp(prog, "userdel", 7) == 0 || memcmp(prog, "gpasswd", 7) == 0)) ||
	    (pl == 8 && memcmp(prog, "groupadd", 8) == 0))
		return parse_account(prog, pl, m, n, ev);
	return MT_AL_OTHER;
}

/* ---- times --------------------------------------------------------------------- */

/* mktime of a local date and time, cached per hour (a log has millions of lines and
 * mktime reads the zone each call). */
static int64_t local_time(int y, int mo, int d, int h, int mi, int s)
{
	static _Thread_local int cy = -1, cmo, cd, ch;
	static _Thread_local int64_t cbase;
	if (y != cy || mo != cmo || d != cd || h != ch) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		if (t == (time_t)-1)
			return MT_TIME_NONE;
		cy = y, cmo = mo, cd = d, ch = h;
		cbase = (int64_t)t;
	}
	return cbase + mi * 60 + s;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int ref_year(int64_t ref)
{
	static _Thread_local int64_t cref = INT64_MIN;
	static _Thread_local int cyear;
	if (ref != cref) {
		struct tm tm;
		time_t t = (time_t)ref;
		cyear = localtime_r(&t, &tm) ? tm.tm_year + 1900 : 1970;
		cref = ref;
	}
	return cyear;
}

static int leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* Parses the timestamp at the start of s; returns its length or 0. */
static size_t parse_stamp(const char *s, size_t n, int64_t ref, int64_t *out)
{
	int mo, d, h, mi, sec;
	if (n >= 16 && s[0] >= 'A' && s[0] <= 'S' && s[3] == ' ' && s[6] == ' ' && s[9] == ':' &&
	    s[12] == ':' && s[15] == ' ') {
		/* a log has thousands of lines in the same minute: "Jan 24 08:10:" of the line
		 * before, with the same ref, gives the minute without parsing it again */
		static _Thread_local char cmin[12];
		static _Thread_local int64_t cref = MT_TIME_NONE, cbase = MT_TIME_NONE;
		if (cbase != MT_TIME_NONE && ref == cref && memcmp(s, cmin, 12) == 0 &&
		    !dig2(s + 13, &sec) && sec <= 60) {
			*out = cbase + sec;
			return 15;
		}
		static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
		mo = 0;
		for (int i = 0; i < 12; i++)
			if (memcmp(s, months + 3 * i, 3) == 0) {
				mo = i + 1;
				break;
			}
		char dd[2] = {s[4] == ' ' ? '0' : s[4], s[5]};
		if (!mo || dig2(dd, &d) || dig2(s + 7, &h) || dig2(s + 10, &mi) ||
		    dig2(s + 13, &sec) || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
		    sec > 60)
			return 0;
		/* Feb 29 exists in leap years only: the latest leap year, as for the rest */
		int y = ref == MT_TIME_NONE ? 1970 + 54 : ref_year(ref);
		int feb29 = mo == 2 && d == 29;
		while (feb29 && !leap_year(y))
			y--;
		int64_t t = local_time(y, mo, d, h, mi, sec);
		int64_t m0 = t == MT_TIME_NONE ? MT_TIME_NONE : t - sec; /* the minute, first try */
		if (ref != MT_TIME_NONE && t != MT_TIME_NONE && t > ref + 86400) {
			y--;
			while (feb29 && !leap_year(y))
				y--;
			t = local_time(y, mo, d, h, mi, sec);
		}
		if (t == MT_TIME_NONE)
			return 0;
		/* cached only when the whole minute falls on the same side of ref + 1 day (the
		 * year decision must not depend on which second came first) */
		if (ref == MT_TIME_NONE || m0 > ref + 86400 || m0 + 60 <= ref + 86400) {
			memcpy(cmin, s, 12);
			cref = ref;
			cbase = t - sec;
		} else {
			cbase = MT_TIME_NONE;
		}
		*out = t;
		return 15;
	}
	/* 2024-01-24T08:10:27[.frac](Z|+08:00|+0800) */
	int y1, y2;
	if (n >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' &&
	    !dig2(s, &y1) && !dig2(s + 2, &y2) && !dig2(s + 5, &mo) && !dig2(s + 8, &d) &&
	    !dig2(s + 11, &h) && !dig2(s + 14, &mi) && !dig2(s + 17, &sec)) {
		int y = y1 * 100 + y2;
		if (y < 1990 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
		    (mo == 2 && d == 29 && !leap_year(y)) || h > 23 || mi > 59 || sec > 60)
			return 0;
		size_t i = 19;
		if (i < n && s[i] == '.')
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
		int64_t off = 0;
		if (i < n && s[i] == 'Z') {
			i++;
		} else if (i + 5 <= n && (s[i] == '+' || s[i] == '-')) {
			int oh, om;
			if (dig2(s + i + 1, &oh))
				return 0;
			size_t j = i + 3;
			if (j < n && s[j] == ':')
				j++;
			if (j + 2 > n || dig2(s + j, &om) || oh > 23 || om > 59)
				return 0;
			off = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
			i = j + 2;
		} else {
			return 0;
		}
		int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
		/* the line carries its year: a file mtime set back does not make it wrong (the
		 * reader reports the mismatch); only a time in the future is impossible */
		(void)ref;
		if (t > (int64_t)time(NULL) + 2 * 86400)
			return 0;
		*out = t;
		return i;
	}
	return 0;
}

/* fast: the reader's prefilter: sshd lines the store would drop anyway (invalid user,
 * PAM failures, pre-auth closes) are answered MT_AL_OTHER without being parsed. */
static int parse_line(const char *s, size_t n, int64_t ref, mt_logev *ev, int fast)
{
	int64_t t;
	size_t k = parse_stamp(s, n, ref, &t);
	if (k == 0 || k >= n || s[k] != ' ')
		return MT_AL_BAD;
	ev->time = t;
	const char *p = s + k + 1, *end = s + n;
	size_t hl = word_len(p, (size_t)(end - p)); /* host */
	if (hl == 0 || p + hl >= end)
		return MT_AL_BAD;
	p += hl + 1;
	/* prog[pid]: or prog: */
	const char *colon = memchr(p, ':', (size_t)(end - p) < 128 ? (size_t)(end - p) : 128);
	if (!colon)
		return MT_AL_OTHER; /* a valid line of another kind ("last message repeated") */
	const char *br = memchr(p, '[', (size_t)(colon - p));
	size_t pl = (size_t)((br ? br : colon) - p);
	const char *m = colon + 1;
	if (m < end && *m == ' ')
		m++;
	/* prefilter: only a few programs matter */
	if (pl < 2 || pl > 12 ||
	    (p[0] != 's' && p[0] != 'u' && p[0] != 'p' && p[0] != 'c' && p[0] != 'g'))
		return MT_AL_OTHER;
	ev->kind = MT_LE_COUNT;
	if (fast && is_sshd(p, pl) && m < end &&
	    (*m == 'I' || *m == 'C' || *m == 'R' ||
	     (*m == 'p' && !starts(m, (size_t)(end - m), "pam_unix(sshd:session): session o")) ||
	     (*m == 'D' && !starts(m, (size_t)(end - m), "Disconnected from user "))))
		return MT_AL_OTHER;
	ev->invalid_user = 0;
	ev->port = 0;
	ev->pid = 0;
	ev->backed = 0;
	if (br) /* prog[pid]: */
		for (const char *q = br + 1;
		     q < colon && *q >= '0' && *q <= '9' && ev->pid < 100000000u; q++)
			ev->pid = ev->pid * 10 + (uint32_t)(*q - '0');
	ev->user[0] = ev->ip[0] = ev->method[0] = '\0';
	ev->detail = "";
	return mt_authlog_parse_msg(p, pl, m, (size_t)(end - m), ev);
}

int mt_authlog_parse_line(const char *s, size_t n, int64_t ref, mt_logev *ev)
{
	return parse_line(s, n, ref, ev, 0);
}

/* ---- the year of yearless lines, cross-checked ---------------------------------- */

/* The same local date and time k years later (earlier for k < 0). */
static int64_t shift_years(int64_t t, int k)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (k == 0 || !localtime_r(&tt, &tm))
		return t;
	tm.tm_year += k;
	tm.tm_isdst = -1;
	time_t r = mktime(&tm);
	return r == (time_t)-1 ? t : (int64_t)r;
}

/* Whether a record that carries its year backs a login of user from ip at about t: a
 * wtmp session, a lastlog entry or the Accepted line of the journal or an RFC 3339 log. */
static int year_backed(const mt_logs *l, int64_t t, const char *user, const char *ip)
{
	size_t lo = 0, hi = l->nev;
	while (lo < hi) { /* the first event at t - 5 or later */
		size_t mid = lo + (hi - lo) / 2;
		if (l->ev[mid].time < t - 5)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->nev && l->ev[i].time <= t + 5 && i < lo + 256; i++) {
		const mt_logev *e = &l->ev[i];
		if (e->file >= l->nfiles || strcmp(e->user, user) != 0 || strcmp(e->ip, ip) != 0)
			continue;
		const mt_logfile *f = &l->files[e->file];
		if (e->kind == MT_LE_LOGIN || e->kind == MT_LE_LASTLOG ||
		    (e->kind == MT_LE_ACCEPTED &&
		     (f->kind == 5 || (f->kind == 0 && f->yearless == 0))))
			return 1;
	}
	return 0;
}

#define YEAR_SPAN 3 /* years either way a set-back or set-forward mtime is looked for */

/* A record that carries its year (what year_backed looks for). */
static int full_year(const mt_logs *l, const mt_logev *e)
{
	if (e->file >= l->nfiles)
		return 0;
	const mt_logfile *f = &l->files[e->file];
	return e->kind == MT_LE_LOGIN || e->kind == MT_LE_LASTLOG ||
	       (e->kind == MT_LE_ACCEPTED && (f->kind == 5 || (f->kind == 0 && f->yearless == 0)));
}

size_t mt_logs_check_years(const mt_logs *l, mt_report *rep, mt_yearfix *fix, size_t cap)
{
	size_t nfix = 0;
	/* the time the records with a year cover: a login outside it cannot be matched */
	int64_t cmin = MT_TIME_NONE, cmax = MT_TIME_NONE;
	for (size_t i = 0; i < l->nev; i++)
		if (full_year(l, &l->ev[i])) {
			if (cmin == MT_TIME_NONE)
				cmin = l->ev[i].time;
			cmax = l->ev[i].time;
		}
	if (cmin == MT_TIME_NONE)
		return 0;
	/* one pass over the events: per file, its logins matched at each shift */
	typedef struct tally {
		uint64_t m[2 * YEAR_SPAN + 1], in[2 * YEAR_SPAN + 1];
		size_t seen;
	} tally;
	tally *ta = calloc(l->nfiles ? l->nfiles : 1, sizeof(*ta));
	if (!ta)
		return 0;
	for (size_t i = 0; i < l->nev; i++) {
		const mt_logev *e = &l->ev[i];
		if (e->kind != MT_LE_ACCEPTED || !e->ip[0] || e->file >= l->nfiles)
			continue;
		const mt_logfile *f = &l->files[e->file];
		tally *c = &ta[e->file];
		if (f->kind != 0 || f->yearless == 0 || f->year_shift != 0 || c->seen >= 4096)
			continue;
		c->seen++;
		for (int k = -YEAR_SPAN; k <= YEAR_SPAN; k++) {
			int64_t t = shift_years(e->time, k);
			if (t < cmin - 60 || t > cmax + 60)
				continue;
			c->in[k + YEAR_SPAN]++;
			c->m[k + YEAR_SPAN] += year_backed(l, t, e->user, e->ip);
		}
	}
	for (size_t fi = 0; fi < l->nfiles && nfix < cap; fi++) {
		const mt_logfile *f = &l->files[fi];
		const uint64_t *m = ta[fi].m, *in = ta[fi].in;
		if (ta[fi].seen == 0)
			continue;
		int best = 0;
		for (int k = -YEAR_SPAN; k <= YEAR_SPAN; k++)
			if (m[k + YEAR_SPAN] > m[best + YEAR_SPAN])
				best = k;
		/* the mtime's year is backed, or nothing says otherwise, or only a few logins
		 * match (a job logging in at the same second every day) */
		if (best == 0 || m[YEAR_SPAN] != 0 ||
		    m[best + YEAR_SPAN] * 2 <= in[best + YEAR_SPAN])
			continue;
		int y = ref_year(f->mtime);
		char mt[40], ct[40] = "";
		mt_time_iso(f->mtime, mt, sizeof(mt));
		if (f->ctime != MT_TIME_NONE && f->ctime > f->mtime + 86400)
			mt_time_iso(f->ctime, ct, sizeof(ct));
		mt_report_diag(rep,
		               "%s: its mtime %s dates its yearless lines in %d, but %llu of "
		               "its %llu logins in the time of wtmp, lastlog or the journal are "
		               "there %d year(s) %s: read as of that year (mtime set %s?%s%s)",
		               f->path, mt, y, (unsigned long long)m[best + YEAR_SPAN],
		               (unsigned long long)in[best + YEAR_SPAN], best < 0 ? -best : best,
		               best > 0 ? "later" : "earlier", best > 0 ? "back" : "forward",
		               ct[0] ? " its ctime is " : "", ct);
		mt_copy(fix[nfix].path, sizeof(fix[nfix].path), f->path);
		fix[nfix++].shift = best;
	}
	free(ta);
	return nfix;
}

/* ---- the event store ----------------------------------------------------------- */

/* A source of failures: its address and its users' counters in l->fail (entry + 1;
 * the last one, for every other user, once MT_LOG_FAIL_USERS are named). */
typedef struct mt_failsrc {
	char ip[MT_LOG_IP];
	uint8_t nusers, last;
	uint8_t lost; /* failures of it were not counted (the counters' cap) */
	uint32_t user[MT_LOG_FAIL_USERS + 1];
} mt_failsrc;

/* Equal C strings; short ones (addresses, user names) compare faster inline than
 * through a call. */
static inline int same_str(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

typedef struct src_key {
	const mt_logs *l;
	const char *ip;
} src_key;

static int src_eq(const void *ctx, uint32_t idx)
{
	const src_key *k = ctx;
	return same_str(k->l->fsrc[idx].ip, k->ip);
}

/* The source of address ip, added when new; NULL over the cap (*e stays MT_OK) or out
 * of memory. */
static mt_failsrc *src_get(mt_logs *l, const char *ip, mt_err *e)
{
	if (l->src_last < l->nsrc && same_str(l->fsrc[l->src_last].ip, ip))
		return &l->fsrc[l->src_last];
	size_t n = strlen(ip);
	uint32_t h = mt__str_hash(ip, n);
	src_key k = {l, ip};
	int64_t i = mt__itab_find(&l->src_index, h, src_eq, &k);
	if (i < 0) {
		mt_err ge = MT_OK;
		l->fsrc = mt__grow(l->fsrc, &l->asrc, l->nsrc + 1, sizeof(*l->fsrc),
		                   MT_MAX_LOG_FAILSRC, &ge);
		if (ge != MT_OK || (ge = mt__itab_add(&l->src_index, h, l->nsrc)) != MT_OK) {
			if (ge == MT_ERR_NOMEM)
				*e = ge;
			return NULL;
		}
		memcpy(l->fsrc[l->nsrc].ip, ip, n + 1);
		i = l->nsrc++;
	}
	l->src_last = (uint32_t)i;
	return &l->fsrc[i];
}

/* A new counter of source s for user; NULL over the cap or out of memory. */
static mt_failagg *pair_new(mt_logs *l, mt_failsrc *s, uint32_t *slot, const char *user, mt_err *e)
{
	mt_err ge = MT_OK;
	l->fail = mt__grow(l->fail, &l->afail, (uint32_t)l->nfail + 1, sizeof(*l->fail),
	                   MT_MAX_LOG_FAILAGG, &ge);
	if (ge != MT_OK) {
		if (ge == MT_ERR_NOMEM)
			*e = ge;
		return NULL;
	}
	mt_failagg *a = &l->fail[l->nfail];
	memcpy(a->ip, s->ip, sizeof(a->ip));
	mt_copy(a->user, sizeof(a->user), user);
	a->first = INT64_MAX;
	a->last = INT64_MIN;
	*slot = (uint32_t)++l->nfail;
	return a;
}

static mt_err agg_add(mt_logs *l, const mt_logev *ev)
{
	mt_err e = MT_OK;
	mt_failsrc *s = src_get(l, ev->ip, &e);
	mt_failagg *a = NULL;
	if (s) {
		/* the user of the last failure first: guessing repeats a user or two */
		if (s->nusers && same_str(l->fail[s->user[s->last] - 1].user, ev->user))
			a = &l->fail[s->user[s->last] - 1];
		for (unsigned i = 0; !a && i < s->nusers; i++)
			if (same_str(l->fail[s->user[i] - 1].user, ev->user)) {
				a = &l->fail[s->user[i] - 1];
				s->last = (uint8_t)i;
			}
		if (!a && s->nusers < MT_LOG_FAIL_USERS) {
			a = pair_new(l, s, &s->user[s->nusers], ev->user, &e);
			if (a)
				s->last = s->nusers++;
		} else if (!a) {
			uint32_t *o = &s->user[MT_LOG_FAIL_USERS];
			a = *o ? &l->fail[*o - 1] : pair_new(l, s, o, MT_LOG_FAIL_OTHERS, &e);
		}
	}
	if (!a) {
		if (s)
			s->lost = 1;
		l->fail_dropped += ev->count;
		return e;
	}
	a->count += ev->count;
	if (ev->invalid_user)
		a->invalid += ev->count;
	if (ev->time < a->first)
		a->first = ev->time;
	if (ev->time > a->last)
		a->last = ev->time;
	return MT_OK;
}

int mt_logs_fail_unknown(const mt_logs *l, const char *ip, const char *user)
{
	if (!l->nsrc && !l->fail_dropped)
		return 0;
	src_key k = {l, ip};
	int64_t i = mt__itab_find(&l->src_index, mt__str_hash(ip, strlen(ip)), src_eq, &k);
	if (i < 0) /* never counted: because the sources were full, or it had none */
		return l->nsrc >= MT_MAX_LOG_FAILSRC && l->fail_dropped;
	const mt_failsrc *s = &l->fsrc[i];
	if (s->lost)
		return 1;
	for (unsigned u = 0; u < s->nusers; u++)
		if (same_str(l->fail[s->user[u] - 1].user, user))
			return 0;
	return s->user[MT_LOG_FAIL_USERS] != 0; /* under "...", with other users */
}

/* What an event is worth when the store is full: 3 never dropped (the logins and
 * account changes the conclusion rests on), 0 the first to go. */
static unsigned ev_prio(const mt_logev *ev)
{
	switch (ev->kind) {
	case MT_LE_ACCEPTED:
	case MT_LE_USERADD:
	case MT_LE_USERMOD:
	case MT_LE_PASSWD:
	case MT_LE_SERVICE:
	case MT_LE_TASK:
	case MT_LE_LOG_CLEARED:
		return 3;
	case MT_LE_DISCONNECT:
		return 0;
	case MT_LE_BOOT:
	case MT_LE_LASTLOG:
		return 1;
	default:
		return 2;
	}
}

typedef struct text_key {
	const mt_logs *l;
	const char *s;
} text_key;

static int text_eq(const void *ctx, uint32_t idx)
{
	const text_key *k = ctx;
	return same_str(k->l->tstr[idx], k->s);
}

#define TEXT_BLOCK (64u * 1024)

/* The store's copy of detail text s (the same text is kept once: a key fingerprint or a
 * sudo command repeats thousands of times); "" over MT_MAX_LOG_TEXT (counted), NULL
 * out of memory. */
static const char *text_keep(mt_logs *l, const char *s)
{
	if (!s || !*s)
		return "";
	char cut[MT_LOG_DETAIL_LONG];
	size_t n = strnlen(s, MT_LOG_DETAIL_LONG);
	if (n == MT_LOG_DETAIL_LONG) { /* not from a parser: cut like one */
		n = MT_LOG_DETAIL_LONG - 1;
		memcpy(cut, s, n);
		cut[n] = '\0';
		s = cut;
	}
	uint32_t h = mt__str_hash(s, n);
	text_key k = {l, s};
	int64_t i = mt__itab_find(&l->tidx, h, text_eq, &k);
	if (i >= 0)
		return l->tstr[i];
	mt_err e = MT_OK;
	if (l->ntblk == 0 || l->tused + n + 1 > TEXT_BLOCK) {
		l->tblk = mt__grow(l->tblk, &l->atblk, l->ntblk + 1, sizeof(*l->tblk),
		                   MT_MAX_LOG_TEXT / TEXT_BLOCK, &e);
		char *b = e == MT_OK ? malloc(TEXT_BLOCK) : NULL;
		if (!b)
			goto fail;
		l->tblk[l->ntblk++] = b;
		l->tused = 0;
	}
	l->tstr = mt__grow(l->tstr, &l->atstr, l->ntstr + 1, sizeof(*l->tstr), UINT32_MAX - 1, &e);
	if (e != MT_OK || (e = mt__itab_add(&l->tidx, h, l->ntstr)) != MT_OK)
		goto fail;
	char *d = l->tblk[l->ntblk - 1] + l->tused;
	memcpy(d, s, n);
	d[n] = '\0';
	l->tused += n + 1;
	l->tstr[l->ntstr++] = d;
	return d;
fail:
	if (e == MT_ERR_NOMEM)
		return NULL;
	l->detail_dropped++;
	return "";
}

/* ev as the store keeps it: its detail a string of the store. */
static mt_err ev_keep(mt_logs *l, const mt_logev *ev, mt_logev *slot)
{
	const char *d = text_keep(l, ev->detail);
	if (!d)
		return MT_ERR_NOMEM;
	*slot = *ev;
	slot->detail = d;
	return MT_OK;
}

mt_err mt_logs_add(mt_logs *l, const mt_logev *ev)
{
	/* failures from a source add up per (source, user); the rest are events */
	if (ev->kind == MT_LE_FAILED || ev->kind == MT_LE_BTMP)
		return agg_add(l, ev);
	if (ev->kind == MT_LE_SESSION) {
		/* the PAM session of an Accepted login: a forged "Accepted" line written with
		 * logger has none. The same file, pid and user, within a minute. */
		for (size_t i = l->nev, k = 0; i > 0 && k < 256; i--, k++) {
			mt_logev *a = &l->ev[i - 1];
			if (a->kind == MT_LE_ACCEPTED && ev->pid && a->pid == ev->pid &&
			    a->file == ev->file && strcmp(a->user, ev->user) == 0 &&
			    ev->time >= a->time && ev->time - a->time <= 60) {
				a->backed = 1;
				break;
			}
		}
		return MT_OK;
	}
	if (ev->kind == MT_LE_INVALID_USER || ev->kind == MT_LE_PREAUTH_CLOSE ||
	    (ev->kind == MT_LE_AUTHFAIL && strcmp(ev->method, "sshd") == 0))
		return MT_OK; /* the Failed line of the same attempt says it */
	size_t max = l->ev_max ? l->ev_max : MT_MAX_LOG_EVENTS;
	if (l->nev >= max) {
		/* over the cap: an event of more value replaces one of less (the store is
		 * sorted after loading); logins and account changes are never dropped */
		unsigned p = ev_prio(ev);
		for (unsigned v = 0; v < p && v < 2; v++) { /* su/sudo are not replaced */
			size_t i = l->evict_cur[v];
			while (i < l->nev && ev_prio(&l->ev[i]) != v)
				i++;
			l->evict_cur[v] = i;
			if (i < l->nev) {
				l->evict_cur[v] = i + 1;
				l->ev_dropped++;
				return ev_keep(l, ev, &l->ev[i]);
			}
		}
		if (p < 3 || l->nev >= 2 * max) {
			l->ev_dropped++;
			return MT_OK;
		}
	}
	if (l->nev == l->ev_cap) {
		size_t nc = l->ev_cap ? l->ev_cap * 2 : 256;
		mt_logev *nv = realloc(l->ev, nc * sizeof(*nv));
		if (!nv)
			return MT_ERR_NOMEM;
		l->ev = nv;
		l->ev_cap = nc;
	}
	mt_err e = ev_keep(l, ev, &l->ev[l->nev]);
	if (e == MT_OK)
		l->nev++;
	return e;
}

int mt_logs_file(mt_logs *l, const char *path, unsigned kind)
{
	if (l->nfiles >= MT_MAX_LOG_FILES)
		return -1;
	mt_logfile *nf = realloc(l->files, (l->nfiles + 1) * sizeof(*nf));
	if (!nf)
		return -1;
	l->files = nf;
	mt_logfile *f = &nf[l->nfiles];
	memset(f, 0, sizeof(*f));
	mt_copy(f->path, sizeof(f->path), path);
	f->kind = kind;
	f->first = f->last = MT_TIME_NONE;
	f->mtime = MT_TIME_NONE;
	f->ctime = MT_TIME_NONE;
	return (int)l->nfiles++;
}

/* ---- reading a text log -------------------------------------------------------- */

typedef struct reader {
	mt_logs *l;
	uint32_t file;
	int64_t ref;
	int64_t prev;
	mt_err err;
} reader;

static void on_line(reader *r, const char *s, size_t n)
{
	mt_logfile *f = &r->l->files[r->file];
	if (n && s[n - 1] == '\r')
		n--;
	f->lines++;
	if (n == 0)
		return;
	if (n > MT_MAX_LINE) {
		f->skipped++;
		return;
	}
	mt_logev ev;
	int k = parse_line(s, n, r->ref, &ev, 1);
	/* a NUL byte: binary data, not a line (looked for only where it would matter) */
	if (k == MT_AL_BAD || (k == MT_AL_EVENT && memchr(s, '\0', n))) {
		f->skipped++;
		return;
	}
	if (f->first == MT_TIME_NONE)
		f->first = ev.time;
	if (s[0] >= 'A') /* "Jan 24 08:10:27": the year was inferred */
		f->yearless++;
	if (r->prev != MT_TIME_NONE) {
		int64_t d = ev.time - r->prev;
		if (-d > f->max_back)
			f->max_back = -d;
		if (d > f->max_gap) {
			f->max_gap = d;
			f->gap_from = r->prev;
		}
	}
	if (ev.time > f->last || f->last == MT_TIME_NONE)
		f->last = ev.time;
	r->prev = ev.time;
	if (r->ref != MT_TIME_NONE && ev.time > r->ref + 2 * 86400)
		f->after_mtime++; /* an RFC 3339 line after the file was last written */
	if (k != MT_AL_EVENT || ev.kind >= MT_LE_COUNT)
		return;
	ev.file = r->file;
	ev.lineno = f->lines > UINT32_MAX ? UINT32_MAX : (uint32_t)f->lines;
	if (ev.kind != MT_LE_SESSION)
		f->events++;
	if (r->err == MT_OK)
		r->err = mt_logs_add(r->l, &ev);
}

/* Splits [buf, buf+end) into lines; returns the bytes of the unfinished last line. */
typedef struct splitter {
	char *buf;
	size_t have;  /* bytes of a carried partial line at buf */
	int skipping; /* inside a line longer than MT_MAX_LINE */
} splitter;

#define RBUF (1u << 20)

static void split_feed(reader *r, splitter *sp, size_t got)
{
	size_t end = sp->have + got, p = 0;
	char *b = sp->buf;
	if (sp->skipping) {
		char *nl = memchr(b, '\n', end);
		if (!nl) {
			sp->have = 0;
			return;
		}
		p = (size_t)(nl - b) + 1;
		sp->skipping = 0;
	}
	char *nl;
	while (p < end && (nl = memchr(b + p, '\n', end - p)) != NULL) {
		on_line(r, b + p, (size_t)(nl - (b + p)));
		p = (size_t)(nl - b) + 1;
	}
	size_t rest = end - p;
	if (rest > MT_MAX_LINE) {
		r->l->files[r->file].skipped++;
		r->l->files[r->file].lines++;
		sp->skipping = 1;
		sp->have = 0;
	} else {
		memmove(b, b + p, rest);
		sp->have = rest;
	}
}

static void split_end(reader *r, splitter *sp)
{
	if (sp->have && !sp->skipping)
		on_line(r, sp->buf, sp->have);
	sp->have = 0;
}

mt_err mt_logs_parse_buffer(mt_logs *l, const char *name, const char *data, size_t len, int64_t ref)
{
	int fi = mt_logs_file(l, name, 0);
	if (fi < 0)
		return MT_ERR_NOMEM;
	reader r = {l, (uint32_t)fi, ref, MT_TIME_NONE, MT_OK};
	size_t p = 0;
	while (p < len) {
		const char *nl = memchr(data + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - data) : len;
		if (e - p > MT_MAX_LINE) {
			l->files[fi].lines++;
			l->files[fi].skipped++;
		} else {
			on_line(&r, data + p, e - p);
		}
		p = e + 1;
	}
	return r.err;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

mt_err mt_logs_read_authlog(mt_logs *l, mt_host *host, mt_report *rep, const char *path)
{
	int fd = -1;
	struct stat st;
	/* one budget of text for all the logs of a root, the newest read first: a small
	 * .gz can hold gigabytes of one repeated line */
	uint64_t budget = l->text_max ? l->text_max : MT_MAX_LOG_TOTAL;
	if (l->text_read >= budget) {
		mt_report_diag(rep,
		               "%s: not read: the logs read before it gave %llu MB of text, "
		               "the limit for one root",
		               path, (unsigned long long)(budget >> 20));
		return MT_OK;
	}
	mt_err e = mt_host_open_file(host, path, &fd, &st);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(rep, "%s: not read: %s", path, mt_strerror(e));
		return e == MT_ERR_NOMEM ? e : MT_OK;
	}
	int fi = mt_logs_file(l, path, 0);
	if (fi < 0) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	mt_logfile *f = &l->files[fi];
	f->mtime = (int64_t)st.st_mtime;
	f->ctime = (int64_t)st.st_ctime;
	f->size = (uint64_t)st.st_size;
	f->gz = ends_with(path, ".gz");
	reader r = {l, (uint32_t)fi, f->mtime, MT_TIME_NONE, MT_OK};
	for (size_t i = 0; i < l->nyearfix; i++)
		if (strcmp(l->yearfix[i].path, path) == 0) {
			/* the cross-check found the lines to be of another year */
			f->year_shift = l->yearfix[i].shift;
			r.ref = shift_years(f->mtime, f->year_shift);
		}
	splitter sp = {malloc(RBUF + MT_MAX_LINE + 1), 0, 0};
	unsigned char *in = f->gz ? malloc(1u << 18) : NULL;
	z_stream z;
	int zinit = 0;
	memset(&z, 0, sizeof(z));
	if (!sp.buf || (f->gz && !in)) {
		e = MT_ERR_NOMEM;
		goto out;
	}
	if (f->gz) {
		if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
			e = MT_ERR_NOMEM;
			goto out;
		}
		zinit = 1;
	}
	uint64_t total = 0;
	int zdone = 0, in_member = 0;
	for (;;) {
		size_t got = 0;
		if (!f->gz) {
			ssize_t k = read(fd, sp.buf + sp.have, RBUF);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				mt_report_diag(rep, "%s: read error: %s", path, strerror(errno));
				break;
			}
			got = (size_t)k;
		} else if (!zdone) {
			z.next_out = (unsigned char *)sp.buf + sp.have;
			z.avail_out = RBUF;
			while (z.avail_out > 0) {
				if (z.avail_in == 0) {
					ssize_t k = read(fd, in, 1u << 18);
					if (k < 0 && errno == EINTR)
						continue;
					if (k <= 0) {
						if (in_member) {
							mt_report_diag(
								rep,
								"%s: gzip data ends early (the file was cut); "
								"the lines before the cut were read",
								path);
							f->truncated = 1;
						}
						zdone = 1;
						break;
					}
					in_member = 1;
					z.next_in = in;
					z.avail_in = (unsigned)k;
				}
				int zr = inflate(&z, Z_NO_FLUSH);
				if (zr == Z_STREAM_END) {
					in_member = 0;
					if (z.avail_in == 0) {
						/* another gzip member may follow in the next read */
						inflateReset(&z);
						continue;
					}
					inflateReset(&z);
				} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
					mt_report_diag(
						rep, "%s: gzip data damaged after %llu bytes: %s",
						path,
						(unsigned long long)(total + (RBUF - z.avail_out)),
						z.msg ? z.msg : "inflate error");
					f->skipped++;
					zdone = 1;
					break;
				} else if (zr == Z_BUF_ERROR && z.avail_in != 0) {
					break;
				}
			}
			got = RBUF - z.avail_out;
		}
		if (got == 0)
			break;
		total += got;
		uint64_t cap = f->gz ? MT_MAX_GZ_OUT : MT_MAX_TEXT_FILE;
		if (total > cap || l->text_read + total > budget) {
			/* the whole lines up to the limit are read, the cut one is not */
			uint64_t before = total - got, room = cap - before;
			if (budget - l->text_read - before < room)
				room = budget - l->text_read - before;
			split_feed(&r, &sp, (size_t)room);
			sp.have = 0;
			sp.skipping = 0;
			total = before + room;
			f = &l->files[fi];
			f->truncated = 1;
			if (room == cap - before)
				mt_report_diag(rep, "%s: more than %llu bytes%s, the rest not read",
				               path, (unsigned long long)cap,
				               f->gz ? " once uncompressed" : "");
			else
				mt_report_diag(rep,
				               "%s: read up to %llu MB of text in all the logs of "
				               "this root (the limit), the rest not read",
				               path, (unsigned long long)(budget >> 20));
			break;
		}
		split_feed(&r, &sp, got);
		f = &l->files[fi];
		if (r.err != MT_OK)
			break;
	}
	split_end(&r, &sp);
	l->text_read += total;
	e = r.err;
	f = &l->files[fi];
	if (f->skipped)
		mt_report_diag(rep,
		               "%s: %llu of %llu lines skipped (not log lines: binary data, "
		               "lines over %u bytes or times out of range)",
		               path, (unsigned long long)f->skipped, (unsigned long long)f->lines,
		               MT_MAX_LINE);
out:
	if (zinit)
		inflateEnd(&z);
	free(in);
	free(sp.buf);
	close(fd);
	return e;
}
