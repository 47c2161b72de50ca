/* test_logs.c - unit tests of the log parsers: auth log lines of CentOS and Debian
 * (classic and RFC 3339 times, year inference), sshd/su/sudo/account messages, utmp
 * records, the event store (failures aggregated, duplicates removed) */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs/logs.h"
#include <zlib.h>

#include "t.h"

static int parse(const char *line, int64_t ref, mt_logev *ev)
{
	memset(ev, 0x5a, sizeof(*ev)); /* garbage: the parser must set what it reports */
	return mt_authlog_parse_line(line, strlen(line), ref, ev);
}

static void test_times(void)
{
	mt_logev ev;
	setenv("TZ", "CST-8", 1); /* Asia/Shanghai without the zone file */
	tzset();
	/* 2024-01-28 03:10 +08:00 as the file's mtime: "Jan 24" is 2024 */
	int64_t ref = 1706382600;
	TEST_START("classic syslog time, year from the mtime, local zone");
	ASSERT_INT_EQ(parse("Jan 24 08:10:27 h sshd[1]: Accepted password for root from "
	                    "222.103.98.36 port 61122 ssh2", ref, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1706055027); /* 2024-01-24T00:10:27Z */
	TEST_DONE();
	TEST_START("a December line in a January file is the year before");
	ASSERT_INT_EQ(parse("Dec 31 23:59:59 h sshd[1]: Accepted password for a from 1.2.3.4 "
	                    "port 1 ssh2", ref, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1704038399); /* 2023-12-31T15:59:59Z */
	TEST_DONE();
	TEST_START("Feb 29 only in a leap year (logs review 7)");
	/* mtime 2023-06-01 12:00 +08:00: 2023 has no Feb 29, the line is from 2020 */
	ASSERT_INT_EQ(parse("Feb 29 10:00:00 h sshd[1]: Accepted password for a from 1.2.3.4 "
	                    "port 1 ssh2", 1685592000, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1582941600); /* 2020-02-29T02:00:00Z */
	/* mtime 2024-02-10: Feb 29 2024 is after it, the previous leap year is 2020 */
	ASSERT_INT_EQ(parse("Feb 29 10:00:00 h sshd[1]: Accepted password for a from 1.2.3.4 "
	                    "port 1 ssh2", 1707530400, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1582941600);
	/* mtime 2024-03-05: 2024 */
	ASSERT_INT_EQ(parse("Feb 29 10:00:00 h sshd[1]: Accepted password for a from 1.2.3.4 "
	                    "port 1 ssh2", 1709600000, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1709172000); /* 2024-02-29T02:00:00Z */
	ASSERT_INT_EQ(parse("2023-02-29T03:12:44Z h sshd[1]: x", ref, &ev), MT_AL_BAD);
	TEST_DONE();
	TEST_START("space-padded day");
	ASSERT_INT_EQ(parse("Jan  4 01:02:03 h sshd[1]: Accepted password for a from 1.2.3.4 "
	                    "port 1 ssh2", ref, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1704301323); /* 2024-01-03T17:02:03Z */
	TEST_DONE();
	TEST_START("RFC 3339 with fraction and offset");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44.512301+01:00 deb sshd[7]: Accepted password "
	                    "for debian from 203.0.113.77 port 51234 ssh2", ref + 86400 * 30, &ev),
	              MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1707963164);
	ASSERT_INT_EQ(parse("2024-02-15T02:12:44Z deb sshd[7]: Accepted password for d from "
	                    "1.1.1.1 port 2 ssh2", MT_TIME_NONE, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1707963164);
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44+0100 deb sshd[7]: Accepted password for d "
	                    "from 1.1.1.1 port 2 ssh2", MT_TIME_NONE, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1707963164);
	TEST_DONE();
	TEST_START("bad times are bad lines");
	ASSERT_INT_EQ(parse("Jan 32 08:10:27 h sshd[1]: x", ref, &ev), MT_AL_BAD);
	ASSERT_INT_EQ(parse("Jan 24 24:10:27 h sshd[1]: x", ref, &ev), MT_AL_BAD);
	ASSERT_INT_EQ(parse("Xyz 24 08:10:27 h sshd[1]: x", ref, &ev), MT_AL_BAD);
	ASSERT_INT_EQ(parse("2024-02-30T03:12:44Z h sshd[1]: x", ref, &ev), MT_AL_BAD);
	ASSERT_INT_EQ(parse("1969-02-01T03:12:44Z h sshd[1]: x", ref, &ev), MT_AL_BAD);
	/* in the future: impossible; after the file's mtime: kept (the line has its year) */
	ASSERT_INT_EQ(parse("2099-02-01T03:12:44Z h sshd[1]: x", ref, &ev), MT_AL_BAD);
	ASSERT_INT_EQ(parse("2025-02-01T03:12:44Z h sshd[1]: Accepted password for a from "
	                    "1.2.3.4 port 1 ssh2", ref, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.time, 1738379564);
	ASSERT_INT_EQ(parse("2024-01-24T08:10:27+08", ref, &ev), MT_AL_BAD);
	ASSERT_INT_EQ(parse("Jan 24 08:10:27", ref, &ev), MT_AL_BAD);
	ASSERT_INT_EQ(parse("", ref, &ev), MT_AL_BAD);
	TEST_DONE();
	TEST_START("other programs are valid lines without events");
	ASSERT_INT_EQ(parse("Jan 24 08:10:27 h CRON[5]: pam_unix(cron:session): session opened",
	                    ref, &ev), MT_AL_OTHER);
	ASSERT_INT_EQ(ev.time, 1706055027);
	ASSERT_INT_EQ(parse("Jan 24 08:10:27 h kernel: something", ref, &ev), MT_AL_OTHER);
	TEST_DONE();
}

static void test_sshd(void)
{
	mt_logev ev;
	const int64_t R = MT_TIME_NONE;
	TEST_START("Accepted publickey with the key fingerprint");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Accepted publickey for debian from "
	                    "203.0.113.77 port 51234 ssh2: ED25519 SHA256:abcDEF123", R, &ev),
	              MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_ACCEPTED);
	ASSERT_STR_EQ(ev.user, "debian");
	ASSERT_STR_EQ(ev.ip, "203.0.113.77");
	ASSERT_INT_EQ(ev.port, 51234);
	ASSERT_STR_EQ(ev.method, "publickey");
	ASSERT_STR_EQ(ev.detail, "ED25519 SHA256:abcDEF123");
	ASSERT_INT_EQ(ev.count, 1);
	TEST_DONE();
	TEST_START("OpenSSH 9.8+ logs as sshd-session and sshd-auth");
	ASSERT_INT_EQ(parse("Jan 24 08:10:27 h sshd-session[7]: Accepted password for root from "
	                    "203.0.113.77 port 51234 ssh2", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_ACCEPTED);
	ASSERT_STR_EQ(ev.user, "root");
	ASSERT_STR_EQ(ev.ip, "203.0.113.77");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd-session[7]: Failed password for root "
	                    "from 203.0.113.78 port 22 ssh2", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_FAILED);
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd-auth[7]: Failed password for root "
	                    "from 203.0.113.78 port 22 ssh2", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_FAILED);
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd-sessionx[7]: Accepted password for root "
	                    "from 203.0.113.78 port 22 ssh2", R, &ev), MT_AL_OTHER);
	TEST_DONE();
	TEST_START("Failed password for invalid user; IPv6 canonical");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Failed password for invalid user "
	                    "oracle from 2001:DB8::1 port 22 ssh2", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_FAILED);
	ASSERT_INT_EQ(ev.invalid_user, 1);
	ASSERT_STR_EQ(ev.user, "oracle");
	ASSERT_STR_EQ(ev.ip, "2001:db8::1");
	TEST_DONE();
	TEST_START("a user name cannot inject the address");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Failed password for invalid user a "
	                    "from 6.6.6.6 port 1 ssh2 from 192.0.2.5 port 2 ssh2", R, &ev),
	              MT_AL_EVENT);
	ASSERT_STR_EQ(ev.ip, "192.0.2.5");
	ASSERT_STR_EQ(ev.user, "a from 6.6.6.6 port 1 ssh2");
	TEST_DONE();
	TEST_START("message repeated N times");
	ASSERT_INT_EQ(parse("Jan 24 05:49:00 h sshd[9]: message repeated 7 times: [ Failed "
	                    "password for root from 222.186.16.186 port 50203 ssh2]", 1706382600,
	                    &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_FAILED);
	ASSERT_INT_EQ(ev.count, 7);
	ASSERT_STR_EQ(ev.ip, "222.186.16.186");
	TEST_DONE();
	TEST_START("Invalid user, pam failure, preauth closes, disconnect");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Invalid user admin from 1.2.3.4 "
	                    "port 4", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_INVALID_USER);
	ASSERT_STR_EQ(ev.user, "admin");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: pam_unix(sshd:auth): authentication "
	                    "failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root",
	                    R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_AUTHFAIL);
	ASSERT_STR_EQ(ev.ip, "1.2.3.4");
	ASSERT_STR_EQ(ev.user, "root");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Connection closed by authenticating "
	                    "user root 1.2.3.4 port 5 [preauth]", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_PREAUTH_CLOSE);
	ASSERT_STR_EQ(ev.user, "root");
	ASSERT_STR_EQ(ev.ip, "1.2.3.4");
	ASSERT_INT_EQ(ev.port, 5);
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Connection closed by 1.2.3.4 port 6 "
	                    "[preauth]", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_PREAUTH_CLOSE);
	ASSERT_STR_EQ(ev.ip, "1.2.3.4");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Disconnected from user root 1.2.3.4 "
	                    "port 7", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_DISCONNECT);
	ASSERT_STR_EQ(ev.user, "root");
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Received disconnect from 1.2.3.4 "
	                    "port 7:11: Bye", R, &ev), MT_AL_OTHER);
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Server listening on 0.0.0.0", R, &ev),
	              MT_AL_OTHER);
	ASSERT_INT_EQ(parse("2024-02-15T03:12:44Z h sshd[7]: Accepted password for root", R, &ev),
	              MT_AL_OTHER);
	TEST_DONE();
}

static void test_accounts(void)
{
	mt_logev ev;
	const int64_t R = MT_TIME_NONE;
	TEST_START("su on CentOS and Debian");
	ASSERT_INT_EQ(parse("2024-01-01T00:00:00Z h su: pam_unix(su-l:session): session opened "
	                    "for user root by lighthouse(uid=1000)", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_SU);
	ASSERT_STR_EQ(ev.user, "lighthouse");
	ASSERT_STR_EQ(ev.detail, "root");
	ASSERT_INT_EQ(parse("2024-01-01T00:00:00Z h su[5]: (to root) ops on pts/0", R, &ev),
	              MT_AL_EVENT);
	ASSERT_STR_EQ(ev.user, "ops");
	ASSERT_STR_EQ(ev.detail, "root");
	TEST_DONE();
	TEST_START("sudo");
	ASSERT_INT_EQ(parse("2024-01-01T00:00:00Z h sudo:   ops : TTY=pts/0 ; PWD=/ ; USER=root ; "
	                    "COMMAND=/bin/chattr -i /etc/passwd", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_SUDO);
	ASSERT_STR_EQ(ev.user, "ops");
	ASSERT_STR_EQ(ev.method, "root");
	ASSERT_STR_EQ(ev.detail, "/bin/chattr -i /etc/passwd");
	TEST_DONE();
	TEST_START("useradd, usermod, passwd, chpasswd");
	ASSERT_INT_EQ(parse("2024-01-01T00:00:00Z h useradd[9]: new user: name=x0, UID=0, GID=0, "
	                    "home=/root, shell=/bin/bash", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_USERADD);
	ASSERT_STR_EQ(ev.user, "x0");
	ASSERT_INT_EQ(parse("2024-01-01T00:00:00Z h usermod[9]: add 'x0' to group 'wheel'", R, &ev),
	              MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_USERMOD);
	ASSERT_STR_EQ(ev.user, "x0");
	ASSERT_INT_EQ(parse("2024-01-01T00:00:00Z h passwd: pam_unix(passwd:chauthtok): password "
	                    "changed for root", R, &ev), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_PASSWD);
	ASSERT_STR_EQ(ev.user, "root");
	ASSERT_INT_EQ(parse("2024-01-01T00:00:00Z h chpasswd[3]: pam_unix(chpasswd:chauthtok): "
	                    "password changed for ops", R, &ev), MT_AL_EVENT);
	ASSERT_STR_EQ(ev.method, "chpasswd");
	TEST_DONE();
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void test_utmp(void)
{
	unsigned char r[MT_UTMP_SIZE];
	mt_logev ev;
	int z;
	TEST_START("a USER_PROCESS record");
	memset(r, 0, sizeof(r));
	r[0] = 7;
	memcpy(r + 8, "pts/1", 5);
	memcpy(r + 44, "root", 4);
	memcpy(r + 76, "198.51.100.23", 13);
	put32(r + 340, 1710000030);
	r[348] = 198, r[349] = 51, r[350] = 100, r[351] = 23;
	ASSERT_INT_EQ(mt_utmp_parse_record(r, sizeof(r), 0, &ev, &z), MT_AL_EVENT);
	ASSERT_INT_EQ(z, 0);
	ASSERT_INT_EQ(ev.kind, MT_LE_LOGIN);
	ASSERT_STR_EQ(ev.user, "root");
	ASSERT_STR_EQ(ev.ip, "198.51.100.23");
	ASSERT_STR_EQ(ev.method, "pts/1");
	ASSERT_INT_EQ(ev.time, 1710000030);
	TEST_DONE();
	TEST_START("fields without a NUL stay inside their field");
	memset(r + 44, 'u', 32);
	memset(r + 76, 'h', 256);
	ASSERT_INT_EQ(mt_utmp_parse_record(r, sizeof(r), 0, &ev, &z), MT_AL_EVENT);
	ASSERT_SIZE_EQ(strlen(ev.user), 32);
	ASSERT_SIZE_EQ(strlen(ev.detail), MT_LOG_DETAIL - 1);
	TEST_DONE();
	TEST_START("btmp, zeroed, short and bad records");
	r[0] = 6;
	ASSERT_INT_EQ(mt_utmp_parse_record(r, sizeof(r), 1, &ev, &z), MT_AL_EVENT);
	ASSERT_INT_EQ(ev.kind, MT_LE_BTMP);
	memset(r, 0, sizeof(r));
	ASSERT_INT_EQ(mt_utmp_parse_record(r, sizeof(r), 0, &ev, &z), MT_AL_OTHER);
	ASSERT_INT_EQ(z, 1);
	ASSERT_INT_EQ(mt_utmp_parse_record(r, 100, 0, &ev, &z), MT_AL_BAD);
	r[0] = 0x41;
	ASSERT_INT_EQ(mt_utmp_parse_record(r, sizeof(r), 0, &ev, &z), MT_AL_BAD);
	TEST_DONE();
}

static void test_store(void)
{
	TEST_START("failures add up per source and user; duplicates across files removed");
	mt_logs *l = calloc(1, sizeof(*l));
	REQUIRE_NOT_NULL(l);
	const char *a = "2024-01-24T04:07:11Z h sshd[1]: Failed password for root from 1.2.3.4 port 1 ssh2\n"
	                "2024-01-24T04:07:12Z h sshd[1]: Failed password for root from 1.2.3.4 port 2 ssh2\n"
	                "2024-01-24T04:07:13Z h sshd[1]: message repeated 3 times: [ Failed password for root from 1.2.3.4 port 3 ssh2]\n"
	                "garbage\n"
	                "2024-01-24T04:07:17Z h sshd[1]: Accepted password for root from 1.2.3.4 port 4 ssh2\n"
	                "2024-01-24T04:07:18Z h sshd[1]: Failed password for admin from 1.2.3.4 port 5 ssh2";
	const char *b = "2024-01-24T04:07:17Z h sshd[1]: Accepted password for root from 1.2.3.4 port 4 ssh2\n";
	ASSERT_INT_EQ(mt_logs_parse_buffer(l, "a", a, strlen(a), MT_TIME_NONE), MT_OK);
	ASSERT_INT_EQ(mt_logs_parse_buffer(l, "b", b, strlen(b), MT_TIME_NONE), MT_OK);
	mt_logs_finish(l);
	ASSERT_SIZE_EQ(l->nev, 1);
	ASSERT_SIZE_EQ(l->nfail, 2);
	ASSERT_U64_EQ(l->files[0].skipped, 1);
	ASSERT_U64_EQ(l->files[0].lines, 6);
	for (size_t i = 0; i < l->nfail; i++)
		if (strcmp(l->fail[i].user, "root") == 0) {
			ASSERT_U64_EQ(l->fail[i].count, 5);
			ASSERT_INT_EQ(l->fail[i].first, 1706069231);
			ASSERT_INT_EQ(l->fail[i].last, 1706069233);
		}
	mt_logs_free(l);
	TEST_DONE();
}

static void test_cap(void)
{
	TEST_START("over the event cap: low-value events go first, logins are never dropped");
	mt_logs *l = calloc(1, sizeof(*l));
	REQUIRE_NOT_NULL(l);
	l->ev_max = 4;
	mt_logev ev;
	memset(&ev, 0, sizeof(ev));
	for (int i = 0; i < 6; i++) { /* 4 kept, 2 over */
		ev.kind = MT_LE_DISCONNECT;
		ev.time = 1000 + i;
		ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	}
	ev.kind = MT_LE_SUDO;
	ev.time = 2000;
	ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	ev.kind = MT_LE_BOOT;
	ev.time = 2001;
	ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	for (int i = 0; i < 6; i++) { /* more logins than the cap: all kept */
		ev.kind = i == 5 ? MT_LE_USERADD : MT_LE_ACCEPTED;
		ev.time = 3000 + i;
		snprintf(ev.ip, sizeof(ev.ip), "10.0.0.%d", i);
		ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	}
	mt_logs_finish(l);
	size_t acc = 0, add = 0, disc = 0, sudo = 0;
	for (size_t i = 0; i < l->nev; i++) {
		acc += l->ev[i].kind == MT_LE_ACCEPTED;
		add += l->ev[i].kind == MT_LE_USERADD;
		disc += l->ev[i].kind == MT_LE_DISCONNECT;
		sudo += l->ev[i].kind == MT_LE_SUDO;
	}
	ASSERT_SIZE_EQ(acc, 5);
	ASSERT_SIZE_EQ(add, 1);
	ASSERT_SIZE_EQ(disc, 0);
	ASSERT_SIZE_EQ(sudo, 1);
	ASSERT_INT_EQ(l->ev[l->nev - 1].time, 3005); /* sorted after the replacements */
	ASSERT_U64_EQ(l->ev_dropped, 7); /* 6 disconnects and the boot */
	mt_logs_free(l);
	TEST_DONE();
}

static const mt_failagg *pair_of(const mt_logs *l, const char *ip, const char *user)
{
	for (size_t i = 0; i < l->nfail; i++)
		if (strcmp(l->fail[i].ip, ip) == 0 && strcmp(l->fail[i].user, user) == 0)
			return &l->fail[i];
	return NULL;
}

static void test_failures(void)
{
	TEST_START("failures add up per source: named users, the rest under \"...\", no pair cap");
	mt_logs *l = calloc(1, sizeof(*l));
	REQUIRE_NOT_NULL(l);
	mt_logev ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = MT_LE_FAILED;
	ev.count = 1;
	/* a dictionary attack from one address: more users than the old 2^18 pair cap */
	for (uint32_t i = 0; i < (1u << 18) + 10; i++) {
		ev.time = 1000 + i;
		ev.invalid_user = i % 2;
		mt_copy(ev.ip, sizeof(ev.ip), "203.0.113.9");
		snprintf(ev.user, sizeof(ev.user), "u%u", i % 5000 == 0 ? 0 : i);
		ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
		/* a second source in between: the last-source shortcut must not mix them */
		mt_copy(ev.ip, sizeof(ev.ip), "198.51.100.7");
		mt_copy(ev.user, sizeof(ev.user), i % 2 ? "root" : "admin");
		ev.invalid_user = 0;
		if (i < 100)
			ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	}
	ASSERT_U64_EQ(l->fail_dropped, 0);
	ASSERT_SIZE_EQ(l->nfail, MT_LOG_FAIL_USERS + 1 + 2);
	const mt_failagg *u0 = pair_of(l, "203.0.113.9", "u0");
	const mt_failagg *other = pair_of(l, "203.0.113.9", MT_LOG_FAIL_OTHERS);
	REQUIRE_NOT_NULL(u0);
	REQUIRE_NOT_NULL(other);
	ASSERT_U64_EQ(u0->count, 53); /* i = 0, 5000, ..., 260000 */
	ASSERT_INT_EQ(u0->first, 1000);
	uint64_t sum = 0, inval = 0;
	for (size_t i = 0; i < l->nfail; i++)
		if (strcmp(l->fail[i].ip, "203.0.113.9") == 0) {
			sum += l->fail[i].count;
			inval += l->fail[i].invalid;
		}
	ASSERT_U64_EQ(sum, (1u << 18) + 10);
	ASSERT_U64_EQ(inval, ((1u << 18) + 10) / 2);
	ASSERT_INT_EQ(other->last, 1000 + (1 << 18) + 9);
	const mt_failagg *root = pair_of(l, "198.51.100.7", "root");
	REQUIRE_NOT_NULL(root);
	ASSERT_U64_EQ(root->count, 50);
	ASSERT_INT_EQ(root->first, 1001);
	ASSERT_INT_EQ(root->last, 1099);
	mt_logs_free(l);
	TEST_DONE();
}

static void test_details(void)
{
	TEST_START("event details are kept once each, whatever the parser's buffer does after");
	mt_logs *l = calloc(1, sizeof(*l));
	REQUIRE_NOT_NULL(l);
	mt_logev ev;
	for (int i = 0; i < 4; i++) {
		REQUIRE_INT_EQ(parse(i < 3 ? "Jan 24 08:10:27 h sshd[1]: Accepted publickey for root from "
		                             "1.2.3.4 port 22 ssh2: RSA SHA256:samekey"
		                           : "Jan 24 08:10:28 h sudo:   bob : TTY=pts/0 ; PWD=/ ; "
		                             "USER=root ; COMMAND=/bin/id",
		                     1706382600, &ev),
		             MT_AL_EVENT);
		ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	}
	/* the parser's buffer now holds the sudo command; the stored keys did not change */
	REQUIRE_INT_EQ((int)l->nev, 4);
	ASSERT_STR_EQ(l->ev[0].detail, "RSA SHA256:samekey");
	ASSERT_PTR_EQ(l->ev[0].detail, l->ev[2].detail);
	ASSERT_STR_EQ(l->ev[3].detail, "/bin/id");
	memset(&ev, 0, sizeof(ev)); /* detail NULL, as a memset record leaves it */
	ev.kind = MT_LE_BOOT;
	ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	ASSERT_STR_EQ(l->ev[4].detail, "");
	mt_logs_free(l);
	TEST_DONE();
}

/* Whether a diagnostic of rep contains both a and b. */
static int diag_has(const mt_report *rep, const char *a, const char *b)
{
	size_t total;
	const char *const *d;
	size_t n = mt__report_ndiag(rep, &total, &d);
	for (size_t i = 0; i < n; i++)
		if (strstr(d[i], a) && (!b || strstr(d[i], b)))
			return 1;
	return 0;
}

static void write_gz(const char *path, const char *line, unsigned copies)
{
	gzFile g = gzopen(path, "wb");
	REQUIRE_NOT_NULL(g);
	for (unsigned i = 0; i < copies; i++)
		gzputs(g, line);
	gzclose(g);
}

static void test_budget(void)
{
	char root[] = "/tmp/mt-logs-XXXXXX", p[512];
	REQUIRE_NOT_NULL(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/var", root);
	REQUIRE_INT_EQ(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/var/log", root);
	REQUIRE_INT_EQ(mkdir(p, 0755), 0);
	const char *line = "Jan 24 08:10:27 h sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2\n";
	size_t ll = strlen(line);
	/* a small .gz of many lines (a repeated line compresses 1000 to 1) */
	snprintf(p, sizeof(p), "%s/var/log/auth.log.1.gz", root);
	write_gz(p, line, 40000);
	snprintf(p, sizeof(p), "%s/var/log/auth.log.2.gz", root);
	write_gz(p, line, 10);
	/* a .gz damaged in the middle: the diagnostic names where */
	snprintf(p, sizeof(p), "%s/var/log/auth.log.3.gz", root);
	{
		FILE *f = fopen(p, "wb");
		REQUIRE_NOT_NULL(f);
		z_stream z;
		memset(&z, 0, sizeof(z));
		REQUIRE_INT_EQ(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
		               Z_OK);
		static unsigned char in[1 << 20], out[1 << 21];
		for (size_t i = 0; i < sizeof(in); i++) /* varied text, so it does not shrink to nothing */
			in[i] = (i % 97 == 96) ? '\n' : (unsigned char)('a' + (i * 7919 % 26));
		z.next_in = in;
		z.avail_in = sizeof(in);
		z.next_out = out;
		z.avail_out = sizeof(out);
		REQUIRE_INT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
		size_t n = sizeof(out) - z.avail_out;
		deflateEnd(&z);
		for (size_t i = n / 2; i < n / 2 + 64; i++)
			out[i] ^= 0x5a;
		REQUIRE_INT_EQ((int)fwrite(out, 1, n, f), (int)n);
		fclose(f);
	}
	mt_host *h = NULL;
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);
	mt_report *rep = NULL;
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);
	mt_logs *l = calloc(1, sizeof(*l));
	REQUIRE_NOT_NULL(l);

	TEST_START("one budget of text for all the logs of a root; damaged gzip says where");
	l->text_max = 1000 * ll;
	ASSERT_INT_EQ(mt_logs_read_authlog(l, h, rep, "/var/log/auth.log.1.gz"), MT_OK);
	ASSERT_TRUE(l->text_read <= l->text_max);
	ASSERT_TRUE(l->files[0].truncated);
	ASSERT_TRUE(diag_has(rep, "auth.log.1.gz: read up to", "the limit"));
	ASSERT_INT_EQ(mt_logs_read_authlog(l, h, rep, "/var/log/auth.log.2.gz"), MT_OK);
	ASSERT_SIZE_EQ(l->nfiles, 1); /* not even opened */
	ASSERT_TRUE(diag_has(rep, "auth.log.2.gz: not read", NULL));
	uint64_t counted = 0;
	for (size_t i = 0; i < l->nfail; i++)
		counted += l->fail[i].count;
	ASSERT_U64_EQ(counted, l->files[0].lines);
	ASSERT_TRUE(counted <= 1000);
	l->text_max = 0; /* the default budget */
	ASSERT_INT_EQ(mt_logs_read_authlog(l, h, rep, "/var/log/auth.log.3.gz"), MT_OK);
	ASSERT_TRUE(diag_has(rep, "auth.log.3.gz: gzip data damaged after", "bytes"));
	ASSERT_FALSE(diag_has(rep, "damaged after 0 bytes", NULL));
	TEST_DONE();
	mt_logs_free(l);
	mt_report_free(rep);
	mt_host_close(h);
	const char *names[] = {"auth.log.1.gz", "auth.log.2.gz", "auth.log.3.gz"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/var/log/%s", root, names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/var/log", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/var", root);
	rmdir(p);
	rmdir(root);
}

static void test_minute_cache(void)
{
	TEST_START("the year of a line does not depend on which second of its minute came first");
	/* ref (the file's mtime) 2024-03-09 16:00:30 CST: "Mar 10 16:00:10" is within a day
	 * of it (2024), "Mar 10 16:00:50" is not (2023), in either order */
	int64_t ref = 1709971230, a1, b1, a2, b2;
	mt_logev ev;
	const char *a = "Mar 10 16:00:10 h sshd[1]: Accepted password for root from 1.2.3.4 port 1 ssh2";
	const char *b = "Mar 10 16:00:50 h sshd[1]: Accepted password for root from 1.2.3.4 port 1 ssh2";
	REQUIRE_INT_EQ(parse(a, ref, &ev), MT_AL_EVENT);
	a1 = ev.time;
	REQUIRE_INT_EQ(parse(b, ref, &ev), MT_AL_EVENT);
	b1 = ev.time;
	REQUIRE_INT_EQ(parse(a, ref - 1, &ev), MT_AL_EVENT); /* another ref: no cache */
	REQUIRE_INT_EQ(parse(b, ref, &ev), MT_AL_EVENT);
	b2 = ev.time;
	REQUIRE_INT_EQ(parse(a, ref, &ev), MT_AL_EVENT);
	a2 = ev.time;
	ASSERT_INT_EQ(a1, 1710057610); /* 2024-03-10 16:00:10 +08:00 */
	ASSERT_INT_EQ(b1, 1678435250); /* 2023-03-10 16:00:50 +08:00 */
	ASSERT_INT_EQ(a2, a1);
	ASSERT_INT_EQ(b2, b1);
	TEST_DONE();
}

static void test_fail_unknown(void)
{
	TEST_START("failures over the counters' cap or under \"...\" are said to be unknown");
	mt_logs *l = calloc(1, sizeof(*l));
	REQUIRE_NOT_NULL(l);
	mt_logev ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = MT_LE_FAILED;
	ev.count = 1;
	ev.time = 1000;
	mt_copy(ev.ip, sizeof(ev.ip), "203.0.113.9");
	for (int u = 0; u < MT_LOG_FAIL_USERS + 2; u++) {
		snprintf(ev.user, sizeof(ev.user), "user%d", u);
		ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	}
	ASSERT_INT_EQ(mt_logs_fail_unknown(l, "203.0.113.9", "user0"), 0);
	ASSERT_INT_EQ(mt_logs_fail_unknown(l, "203.0.113.9", "user17"), 1); /* under "..." */
	ASSERT_INT_EQ(mt_logs_fail_unknown(l, "198.51.100.1", "root"), 0);  /* no failures */
	/* fill the counters with other sources, then one more source: not counted */
	for (uint32_t i = 0; l->nfail < MT_MAX_LOG_FAILAGG; i++) {
		snprintf(ev.ip, sizeof(ev.ip), "2001:db8::%x:%x", i >> 16, i & 0xffff);
		for (int u = 0; u < 4; u++) {
			snprintf(ev.user, sizeof(ev.user), "u%d", u);
			ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
		}
	}
	mt_copy(ev.ip, sizeof(ev.ip), "192.0.2.77");
	mt_copy(ev.user, sizeof(ev.user), "root");
	ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	ASSERT_TRUE(l->fail_dropped > 0);
	ASSERT_INT_EQ(mt_logs_fail_unknown(l, "192.0.2.77", "root"), 1);
	ASSERT_INT_EQ(mt_logs_fail_unknown(l, "203.0.113.9", "user0"), 0);
	mt_logs_free(l);
	TEST_DONE();
}

static void test_judge(void)
{
	mt_rules *r = NULL;
	mt_cmd_verdict v;
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	REQUIRE_INT_EQ(mt_rules_load_builtin(r, NULL, NULL), MT_OK);
	TEST_START("history judge");
	static const struct {
		const char *cmd;
		const char *code;
	} cases[] = {{"history -c", "history_cleared"},
	             {"unset HISTFILE", "history_disabled"},
	             {"export HISTSIZE=0", "history_disabled"},
	             {"rm -rf /var/log/secure", "log_deletion"},
	             {"echo > /var/log/wtmp", "log_deletion"},
	             {"chattr +i /etc/passwd", "chattr"},
	             {"chmod +x /tmp/x", "chmod_exec"},
	             {"wget http://example.org/a", "download"},
	             {"echo ssh-rsa AAAA >> /root/.ssh/authorized_keys", "ssh_key_added"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mt_hist_judge(r, cases[i].cmd, strlen(cases[i].cmd), &v);
		int found = 0;
		for (unsigned k = 0; k < v.nreasons; k++)
			found |= strcmp(v.reasons[k].code, cases[i].code) == 0;
		ASSERT_TRUE(found);
		ASSERT_INT_GE(v.severity, MT_SEV_MEDIUM);
	}
	static const char *const benign[] = {"ls -la", "cd /var/log", "history | tail",
	                                     "vim /etc/hosts", "chmod 644 a.txt"};
	for (size_t i = 0; i < sizeof(benign) / sizeof(benign[0]); i++) {
		mt_hist_judge(r, benign[i], strlen(benign[i]), &v);
		ASSERT_INT_LT(v.severity, MT_SEV_MEDIUM);
	}
	TEST_DONE();
	mt_rules_free(r);
}

/* A text log dated by a set-back mtime (2023-03-01) whose lines are of January 2024, and
 * wtmp sessions (records with their year) for some of its logins. */
static size_t years_case(const int64_t *wt, const char *const *wu, const char *const *wi,
                         size_t nw, mt_yearfix *fix)
{
	static const char text[] =
		"Jan 20 10:11:12 h sshd[1]: Accepted password for alice from 10.0.0.7 port 1 ssh2\n"
		"Jan 21 09:00:00 h sshd[2]: Accepted password for bob from 10.0.0.8 port 1 ssh2\n"
		"Jan 22 14:30:30 h sshd[3]: Accepted password for alice from 10.0.0.7 port 1 ssh2\n"
		"Jan 24 03:00:01 h sshd[4]: Accepted publickey for backup from 10.0.0.5 port 1 ssh2\n";
	mt_logs *l = calloc(1, sizeof(*l));
	mt_report *rep = NULL;
	if (!l || mt_report_new(&rep) != MT_OK) {
		free(l);
		return 99;
	}
	ASSERT_INT_EQ(mt_logs_parse_buffer(l, "/var/log/secure", text, strlen(text), 1677600000),
	              MT_OK);
	int fi = mt_logs_file(l, "/var/log/wtmp", 1);
	for (size_t i = 0; i < nw; i++) {
		mt_logev ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = MT_LE_LOGIN;
		ev.count = 1;
		ev.time = wt[i];
		ev.file = (uint32_t)fi;
		snprintf(ev.user, sizeof(ev.user), "%s", wu[i]);
		snprintf(ev.ip, sizeof(ev.ip), "%s", wi[i]);
		ASSERT_INT_EQ(mt_logs_add(l, &ev), MT_OK);
	}
	mt_logs_finish(l);
	ASSERT_U64_EQ(l->files[0].yearless, 4);
	size_t n = mt_logs_check_years(l, rep, fix, 4);
	mt_report_free(rep);
	mt_logs_free(l);
	return n;
}

static void test_years(void)
{
	mt_yearfix fix[4];
	TEST_START("yearless lines: a set-back mtime found through wtmp (logs review 7)");
	{
		const int64_t t[] = {1705716672, 1705798800, 1705905030, 1706036401};
		const char *const u[] = {"alice", "bob", "alice", "backup"};
		const char *const ip[] = {"10.0.0.7", "10.0.0.8", "10.0.0.7", "10.0.0.5"};
		ASSERT_SIZE_EQ(years_case(t, u, ip, 4, fix), 1);
		ASSERT_STR_EQ(fix[0].path, "/var/log/secure");
		ASSERT_INT_EQ(fix[0].shift, 1);
	}
	TEST_DONE();
	TEST_START("yearless lines: the mtime's year backed, or only a daily job matches");
	{
		/* wtmp has the logins in 2023: the mtime was right */
		const int64_t t[] = {1674180672};
		const char *const u[] = {"alice"};
		const char *const ip[] = {"10.0.0.7"};
		ASSERT_SIZE_EQ(years_case(t, u, ip, 1, fix), 0);
		/* wtmp of 2024 (15th to 30th) has the backup job's login of the same second
		 * only: one of four logins in its time is no proof */
		const int64_t t2[] = {1705276800, 1706036401, 1706572800};
		const char *const u2[] = {"carol", "backup", "carol"};
		const char *const ip2[] = {"10.0.0.9", "10.0.0.5", "10.0.0.9"};
		ASSERT_SIZE_EQ(years_case(t2, u2, ip2, 3, fix), 0);
		/* no records with a year at all */
		ASSERT_SIZE_EQ(years_case(NULL, NULL, NULL, 0, fix), 0);
	}
	TEST_DONE();
}

int main(void)
{
	test_times();
	test_sshd();
	test_accounts();
	test_utmp();
	test_store();
	test_cap();
	test_failures();
	test_details();
	test_budget();
	test_minute_cache();
	test_fail_unknown();
	test_judge();
	test_years();
	return T_DONE();
}
