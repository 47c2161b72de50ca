/* test_respond.c - unit tests of the respond JSON parser, the line editor and the plan */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "respond/respond_int.h"
#include "t.h"

static mt_err parse(const char *s, mt_json **j)
{
	size_t off;
	return mt_json_parse(s, strlen(s), j, &off);
}

static void test_json(void)
{
	mt_json *j = NULL;
	int64_t v = 0;

	TEST_START("json: a finding line with nesting, numbers, escapes");
	ASSERT_INT_EQ(parse("{\"type\":\"finding\",\"n\":-42,\"f\":1.5e3,\"b\":true,\"z\":null,"
	                    "\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00/\",\"arr\":[1,[2,{}],[]]}", &j),
	              MT_OK);
	if (j) {
		ASSERT_STR_EQ(mt_json_str(j, "type"), "finding");
		ASSERT_TRUE(mt_json_int(j, "n", &v));
		ASSERT_INT_EQ(v, -42);
		ASSERT_FALSE(mt_json_int(j, "f", &v)); /* not an integer */
		ASSERT_STR_EQ(mt_json_str(j, "s"), "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80/");
		ASSERT_NULL(mt_json_str(j, "n"));
		ASSERT_NULL(mt_json_get(j, "missing"));
		const mt_json *arr = mt_json_get(j, "arr");
		ASSERT_TRUE(arr && arr->type == MT_JSON_ARR && arr->count == 3);
	}
	mt_json_free(j);
	j = NULL;
	TEST_DONE();

	TEST_START("json: malformed and hostile input refused");
	static const char *const bad[] = {
		"", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "{\"a\":1} x", "\"\\ud800\"",
		"\"\\udc00\"", "\"\\u0000\"", "\"\\x41\"", "\"a\nb\"", "01", "1.", "-", "tru",
		"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "{1:2}", "\"\\u12\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_INT_NE(parse(bad[i], &j), MT_OK);
		ASSERT_NULL(j);
	}
	TEST_DONE();

	TEST_START("json: depth cap");
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	ASSERT_INT_EQ(mt_json_parse(deep, 200, &j, NULL), MT_ERR_LIMIT);
	ASSERT_INT_EQ(mt_json_parse(deep + 100 - MT_MAX_JSON_DEPTH, 2 * MT_MAX_JSON_DEPTH, &j, NULL), MT_OK);
	mt_json_free(j);
	j = NULL;
	TEST_DONE();

	TEST_START("json: integer range");
	ASSERT_INT_EQ(parse("{\"a\":9223372036854775807,\"b\":9223372036854775808,\"c\":-9223372036854775808}", &j), MT_OK);
	ASSERT_TRUE(mt_json_int(j, "a", &v) && v == INT64_MAX);
	ASSERT_FALSE(mt_json_int(j, "b", &v));
	ASSERT_TRUE(mt_json_int(j, "c", &v) && v == INT64_MIN);
	mt_json_free(j);
	TEST_DONE();
}

static void sha(const char *s, char out[65])
{
	mt_sha256_hex(s, strlen(s), out);
}

static void test_edit(void)
{
	const char *f = "# header\n7 * * * * /bin/dhpcd\r\n0 4 * * * logrotate\n7 * * * * /bin/dhpcd\nlast";
	char h[65], *out = NULL;
	size_t ol = 0;
	unsigned at = 0;

	TEST_START("edit: the line at its number, other bytes untouched");
	sha("7 * * * * /bin/dhpcd", h);
	ASSERT_INT_EQ(mt_edit_remove_line(f, strlen(f), 4, h, &out, &ol, &at), MT_OK);
	ASSERT_INT_EQ(at, 4);
	ASSERT_STR_EQ(out, "# header\n7 * * * * /bin/dhpcd\r\n0 4 * * * logrotate\nlast");
	free(out);
	TEST_DONE();

	TEST_START("edit: a CRLF line matches without its \\r, and is taken out whole");
	ASSERT_INT_EQ(mt_edit_remove_line(f, strlen(f), 2, h, &out, &ol, &at), MT_OK);
	ASSERT_STR_EQ(out, "# header\n0 4 * * * logrotate\n7 * * * * /bin/dhpcd\nlast");
	free(out);
	TEST_DONE();

	TEST_START("edit: moved line found once elsewhere; several places refused");
	sha("0 4 * * * logrotate", h);
	ASSERT_INT_EQ(mt_edit_remove_line(f, strlen(f), 1, h, &out, &ol, &at), MT_OK);
	ASSERT_INT_EQ(at, 3);
	free(out);
	sha("7 * * * * /bin/dhpcd", h);
	ASSERT_INT_EQ(mt_edit_remove_line(f, strlen(f), 1, h, &out, &ol, &at), MT_ERR_LIMIT);
	ASSERT_NULL(out);
	sha("not there", h);
	ASSERT_INT_EQ(mt_edit_remove_line(f, strlen(f), 1, h, &out, &ol, &at), MT_ERR_CHANGED);
	ASSERT_INT_EQ(mt_edit_remove_line(f, strlen(f), 1, "xyz", &out, &ol, &at), MT_ERR_INVAL);
	TEST_DONE();

	TEST_START("edit: last line without newline");
	sha("last", h);
	ASSERT_INT_EQ(mt_edit_remove_line(f, strlen(f), 5, h, &out, &ol, &at), MT_OK);
	ASSERT_STR_EQ(out, "# header\n7 * * * * /bin/dhpcd\r\n0 4 * * * logrotate\n7 * * * * /bin/dhpcd\n");
	free(out);
	TEST_DONE();
}

static void test_plan(void)
{
	const char *rep =
		"{\"type\":\"finding\",\"id\":\"MT-1\",\"check\":\"persist.cron\",\"severity\":\"high\","
		"\"title_en\":\"t\",\"evidence\":{\"path\":\"/c\"},\"remedy\":["
		"{\"action\":\"remove_line\",\"path\":\"/c\",\"lineno\":2,\"line_sha256\":\"aa\"},"
		"{\"action\":\"quarantine_file\",\"path\":\"/x\"},{\"action\":\"block_ip\",\"ip\":\"1.2.3.4\"}]}\n"
		"{\"type\":\"finding\",\"id\":\"MT-2\",\"check\":\"process.miner\",\"severity\":\"critical\","
		"\"remedy\":[{\"action\":\"quarantine_file\",\"path\":\"/x\"},{\"action\":\"kill_tree\","
		"\"pid\":5,\"start_ticks\":9},{\"action\":\"change_password\",\"user\":\"root\"},"
		"{\"action\":\"remove_line\",\"path\":\"/c\",\"lineno\":7,\"line_sha256\":\"bb\"}]}\n"
		"{\"type\":\"summary\"}\n";
	mt_plan *p = NULL;

	TEST_START("plan: order, de-duplication, manual steps");
	ASSERT_INT_EQ(mt_plan_parse(rep, strlen(rep), NULL, &p, NULL, NULL), MT_OK);
	REQUIRE_TRUE(p != NULL);
	ASSERT_SIZE_EQ(mt_plan_count(p), 6);
	ASSERT_SIZE_EQ(mt_plan_findings(p), 2);
	static const char *const want[] = {"kill_tree", "quarantine_file", "remove_line",
	                                   "remove_line", "block_ip", "change_password"};
	for (size_t i = 0; i < 6; i++)
		ASSERT_STR_EQ(mt_plan_get(p, i)->action, want[i]);
	ASSERT_STR_EQ(mt_plan_get(p, 1)->also, "MT-2");
	/* lines of one file from the bottom up */
	ASSERT_STR_EQ(mt_plan_get(p, 2)->target, "/c line 7");
	ASSERT_TRUE(mt_plan_get(p, 5)->manual);
	ASSERT_INT_EQ(mt_plan_get(p, 5)->state, MT_STEP_MANUAL);
	mt_plan_free(p);
	TEST_DONE();

	TEST_START("plan: --only");
	ASSERT_INT_EQ(mt_plan_parse(rep, strlen(rep), "MT-9,MT-1", &p, NULL, NULL), MT_OK);
	ASSERT_SIZE_EQ(mt_plan_count(p), 3);
	mt_plan_free(p);
	TEST_DONE();

	TEST_START("plan: a malformed line refuses the whole report");
	const char *bad = "{\"type\":\"finding\",\"id\":\"MT-1\",\"remedy\":[]}\n{\"type\":\n";
	p = (mt_plan *)1;
	ASSERT_INT_EQ(mt_plan_parse(bad, strlen(bad), NULL, &p, NULL, NULL), MT_ERR_PARSE);
	ASSERT_NULL(p);
	const char *noid = "{\"type\":\"finding\",\"remedy\":[]}\n";
	ASSERT_INT_EQ(mt_plan_parse(noid, strlen(noid), NULL, &p, NULL, NULL), MT_ERR_PARSE);
	ASSERT_INT_EQ(mt_plan_parse("", 0, NULL, &p, NULL, NULL), MT_ERR_PARSE);
	TEST_DONE();
}

static void test_critical(void)
{
	TEST_START("critical files: never removed");
	ASSERT_TRUE(mt_rs_critical("/etc/passwd"));
	ASSERT_TRUE(mt_rs_critical("/bin/sh"));
	ASSERT_TRUE(mt_rs_critical("/usr/lib/x86_64-linux-gnu/libc.so.6"));
	ASSERT_TRUE(mt_rs_critical("/etc/pam.d/sshd"));
	ASSERT_FALSE(mt_rs_critical("/usr/bin/dhpcd"));
	ASSERT_FALSE(mt_rs_critical("/tmp/.x/kdevtmpfsi"));
	TEST_DONE();
}

static void test_kill_refusals(void)
{
	/* a fake /proc: refusals happen before any signal, so nothing real is touched */
	char dir[] = "/tmp/mt-fakeproc-XXXXXX";
	REQUIRE_TRUE(mkdtemp(dir) != NULL);
	char p[256];
	snprintf(p, sizeof(p), "%s/50", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/50/stat", dir);
	FILE *f = fopen(p, "w");
	REQUIRE_TRUE(f != NULL);
	/* kworker: flags (field 9) carry PF_KTHREAD, start (field 22) is 15 */
	fputs("50 (kworker/0:1 x) I 2 0 0 0 -1 69238880 0 0 0 0 0 0 0 0 20 0 1 0 15 0 0\n", f);
	fclose(f);
	mt_buf m;
	mt_buf_init(&m, 4096);

	TEST_START("kill: kernel thread refused, reused pid skipped, gone pid nothing to do");
	ASSERT_INT_EQ(mt_kill_tree(dir, 50, 15, NULL, 0, 0, &m, NULL), MT_STEP_REFUSED);
	ASSERT_STR_CONTAINS(m.data, "kernel thread");
	mt_buf_reset(&m);
	ASSERT_INT_EQ(mt_kill_tree(dir, 50, 16, NULL, 0, 0, &m, NULL), MT_STEP_SKIPPED);
	ASSERT_STR_CONTAINS(m.data, "was reused");
	mt_buf_reset(&m);
	ASSERT_INT_EQ(mt_kill_tree(dir, 51, 16, NULL, 0, 0, &m, NULL), MT_STEP_ALREADY);
	ASSERT_STR_CONTAINS(m.data, "no longer running");
	TEST_DONE();
	mt_buf_free(&m);
	unlink(p);
	snprintf(p, sizeof(p), "%s/50", dir);
	rmdir(p);
	rmdir(dir);
}

static void put_file(const char *root, const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *q = p + strlen(root) + 1; (q = strchr(q, '/')); q++) {
		*q = '\0';
		mkdir(p, 0755);
		*q = '/';
	}
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_critset(void)
{
	char dir[] = "/tmp/mt-critset-XXXXXX";
	REQUIRE_TRUE(mkdtemp(dir) != NULL);
	put_file(dir, "usr/sbin/sshd", "ELF sshd");
	put_file(dir, "bin/bash", "ELF bash"); /* a root without merged /usr */
	put_file(dir, "usr/lib/x86_64-linux-gnu/libc.so.6", "libc");
	put_file(dir, "usr/lib/x86_64-linux-gnu/libz.so.1", "libz");
	put_file(dir, "etc/pam.d/sshd", "auth");
	put_file(dir, "tmp/miner", "ELF miner");
	char a[512], b[512];
	snprintf(a, sizeof(a), "%s/usr/sbin/sshd", dir);
	snprintf(b, sizeof(b), "%s/tmp/kworker", dir);
	REQUIRE_TRUE(link(a, b) == 0);
	mt_host *h = NULL;
	REQUIRE_INT_EQ(mt_host_open(dir, 0, &h), MT_OK);
	mt_rs_critset cs;
	TEST_START("critical files by dev/ino: another name of sshd, bash without /usr, libc");
	REQUIRE_INT_EQ(mt_rs_critset_load(h, &cs), MT_OK);
	struct stat st;
	REQUIRE_TRUE(stat(b, &st) == 0);
	const mt_rs_crit *c = mt_rs_critset_find(&cs, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	REQUIRE_TRUE(c != NULL);
	ASSERT_STR_EQ(c->path, "/usr/sbin/sshd");
	ASSERT_TRUE(c->proc);
	snprintf(a, sizeof(a), "%s/bin/bash", dir);
	REQUIRE_TRUE(stat(a, &st) == 0);
	c = mt_rs_critset_find(&cs, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	REQUIRE_TRUE(c != NULL);
	ASSERT_STR_EQ(c->path, "/bin/bash");
	ASSERT_FALSE(c->proc); /* a shell loop is killed */
	snprintf(a, sizeof(a), "%s/usr/lib/x86_64-linux-gnu/libc.so.6", dir);
	REQUIRE_TRUE(stat(a, &st) == 0);
	ASSERT_TRUE(mt_rs_critset_find(&cs, (uint64_t)st.st_dev, (uint64_t)st.st_ino) != NULL);
	snprintf(a, sizeof(a), "%s/etc/pam.d/sshd", dir);
	REQUIRE_TRUE(stat(a, &st) == 0);
	ASSERT_TRUE(mt_rs_critset_find(&cs, (uint64_t)st.st_dev, (uint64_t)st.st_ino) != NULL);
	snprintf(a, sizeof(a), "%s/usr/lib/x86_64-linux-gnu/libz.so.1", dir);
	REQUIRE_TRUE(stat(a, &st) == 0);
	ASSERT_NULL(mt_rs_critset_find(&cs, (uint64_t)st.st_dev, (uint64_t)st.st_ino));
	snprintf(a, sizeof(a), "%s/tmp/miner", dir);
	REQUIRE_TRUE(stat(a, &st) == 0);
	ASSERT_NULL(mt_rs_critset_find(&cs, (uint64_t)st.st_dev, (uint64_t)st.st_ino));
	/* an inode freed by an edit and given to a new file: the entry is checked again */
	snprintf(a, sizeof(a), "%s/tmp/miner", dir);
	REQUIRE_TRUE(stat(a, &st) == 0);
	snprintf(b, sizeof(b), "%s/usr/sbin/sshd", dir);
	struct stat sst;
	REQUIRE_TRUE(stat(b, &sst) == 0);
	mt_rs_crit *sc = (mt_rs_crit *)mt_rs_critset_find(&cs, (uint64_t)sst.st_dev, (uint64_t)sst.st_ino);
	REQUIRE_TRUE(sc != NULL);
	sc->ino = (uint64_t)st.st_ino; /* as if sshd's old inode were the miner's now */
	ASSERT_TRUE(mt_rs_critset_find(&cs, (uint64_t)st.st_dev, (uint64_t)st.st_ino) != NULL);
	ASSERT_NULL(mt_rs_critset_check(&cs, h, (uint64_t)st.st_dev, (uint64_t)st.st_ino));
	c = mt_rs_critset_check(&cs, h, (uint64_t)sst.st_dev, (uint64_t)sst.st_ino);
	REQUIRE_TRUE(c != NULL); /* the entry took sshd's identity of now */
	ASSERT_STR_EQ(c->path, "/usr/sbin/sshd");
	ASSERT_TRUE(mt_rs_same_name("/bin/bash", "/usr/bin/bash"));
	ASSERT_TRUE(mt_rs_same_name("/etc/passwd", "/etc/passwd"));
	ASSERT_FALSE(mt_rs_same_name("/tmp/e/passwd", "/etc/passwd"));
	TEST_DONE();
	mt_rs_critset_free(&cs);
	mt_host_close(h);
	static const char *const made[] = {
		"tmp/kworker", "tmp/miner", "tmp", "usr/sbin/sshd", "usr/sbin", "bin/bash", "bin",
		"usr/lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/libz.so.1",
		"usr/lib/x86_64-linux-gnu", "usr/lib", "usr", "etc/pam.d/sshd", "etc/pam.d", "etc"};
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(a, sizeof(a), "%s/%s", dir, made[i]);
		if (unlink(a) != 0)
			rmdir(a);
	}
	rmdir(dir);
}

static void test_bytes(void)
{
	TEST_START("\\xNN of the report back to bytes; hex of meta.json");
	char s[64];
	snprintf(s, sizeof(s), "/tmp/.x\\xff\nminer\\x41\\xZZ\\x8");
	ASSERT_TRUE(mt_rs_unescape_bytes(s));
	ASSERT_STR_EQ(s, "/tmp/.x\xff\nminer\\x41\\xZZ\\x8"); /* only 80..ff, whole pairs */
	char t[16] = "/plain";
	ASSERT_FALSE(mt_rs_unescape_bytes(t));
	char hx[64], back[64];
	mt_rs_hex("a\xff\n", hx, sizeof(hx));
	ASSERT_STR_EQ(hx, "61ff0a");
	ASSERT_INT_EQ(mt_rs_unhex(hx, back, sizeof(back)), 0);
	ASSERT_STR_EQ(back, "a\xff\n");
	ASSERT_INT_EQ(mt_rs_unhex("6", back, sizeof(back)), -1);
	ASSERT_INT_EQ(mt_rs_unhex("00", back, sizeof(back)), -1); /* no NUL in a name */
	ASSERT_INT_EQ(mt_rs_unhex("zz", back, sizeof(back)), -1);
	ASSERT_INT_EQ(mt_rs_unhex("", back, sizeof(back)), 0);
	TEST_DONE();
}

int main(void)
{
	test_critset();
	test_bytes();
	test_kill_refusals();
	test_json();
	test_edit();
	test_plan();
	test_critical();
	return T_DONE();
}
