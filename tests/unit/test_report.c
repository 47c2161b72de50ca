/* test_report.c - unit tests of finding.c and report.c: building findings, stable ids,
 * merging, and the text and JSON Lines reporters with hostile strings */
#include <string.h>

#include "internal.h"
#include "t.h"

static const mt_check_info *cron_check, *miner_check;

/* ---- a small JSON checker: syntax of one value, strict ------------------------ */

typedef struct jp {
	const char *p, *end;
	int depth;
} jp;

static void ws(jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jvalue(jp *j);

static int jstring(jp *j)
{
	if (j->p >= j->end || *j->p != '"')
		return 0;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return 1;
		}
		if (c < 0x20)
			return 0; /* raw control character */
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				return 0;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (j->p + i >= j->end ||
					    !strchr("0123456789abcdefABCDEF", j->p[i]))
						return 0;
				j->p += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", *j->p))
				return 0;
		}
		j->p++;
	}
	return 0;
}

static int jnumber(jp *j)
{
	const char *s = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s && j->p[-1] != '-';
}

static int jlit(jp *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int jvalue(jp *j)
{
	ws(j);
	if (j->p >= j->end || ++j->depth > 32)
		return 0;
	int ok = 0;
	char c = *j->p;
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			ok = 1;
		} else {
			for (;;) {
				ws(j);
				if (c == '{') {
					if (!jstring(j))
						break;
					ws(j);
					if (j->p >= j->end || *j->p != ':')
						break;
					j->p++;
				}
				if (!jvalue(j))
					break;
				ws(j);
				if (j->p < j->end && *j->p == ',') {
					j->p++;
					continue;
				}
				if (j->p < j->end && *j->p == close) {
					j->p++;
					ok = 1;
				}
				break;
			}
		}
	} else if (c == '"') {
		ok = jstring(j);
	} else if (c == 't') {
		ok = jlit(j, "true");
	} else if (c == 'f') {
		ok = jlit(j, "false");
	} else if (c == 'n') {
		ok = jlit(j, "null");
	} else {
		ok = jnumber(j);
	}
	j->depth--;
	return ok;
}

/* One line is exactly one JSON object. */
static int json_line_ok(const char *s, size_t n)
{
	jp j = {s, s + n, 0};
	ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return 0;
	if (!jvalue(&j))
		return 0;
	ws(&j);
	return j.p == j.end;
}

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		size_t l = c < 0x80         ? 1
		           : (c >> 5) == 6  ? 2
		           : (c >> 4) == 14 ? 3
		           : (c >> 3) == 30 ? 4
		                            : 0;
		if (!l || i + l > n || (l == 2 && c < 0xc2))
			return 0;
		for (size_t k = 1; k < l; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
		i += l;
	}
	return 1;
}

/* ---- output capture --------------------------------------------------------- */

typedef struct sink {
	mt_buf b;
	int fail_after; /* make the n-th write fail; 0 never */
	int writes;
} sink;

static int to_sink(void *ctx, const char *data, size_t len)
{
	sink *s = ctx;
	s->writes++;
	if (s->fail_after && s->writes >= s->fail_after)
		return -1;
	return mt_buf_add(&s->b, data, len) == MT_OK ? 0 : -1;
}

static const char hostile[] = "/tmp/.x/k \x1b[31mRED\x1b[0m \"quoted\" back\\slash \xff\xfe"
			      " \xc2\x9b"
			      "2J tab\there 挖矿";

static mt_finding *cron_finding(mt_severity sev, const char *path, long long line, const char *cmd)
{
	mt_finding *f = mt_finding_new(cron_check, sev, 80);
	REQUIRE_NOT_NULL(f);
	mt_finding_str(f, "path", path, 1);
	mt_finding_int(f, "lineno", line, 1);
	mt_finding_str(f, "command", cmd, 0);
	return f;
}

static int is_id(const char *id)
{
	if (!id || strlen(id) != 19 || strncmp(id, "MT-", 3) != 0)
		return 0;
	for (int i = 3; i < 19; i++)
		if (!strchr("0123456789abcdef", id[i]))
			return 0;
	return 1;
}

static void test_build_and_merge(void)
{
	mt_report *r = NULL;
	char buf[64];

	TEST_START("report_add: id format, pinned value, evidence read back");
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), 0);
	ASSERT_NULL(mt_report_get(r, 0));
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_HIGH, "/etc/cron.d/x", 3, "a")), MT_OK);
	REQUIRE_INT_EQ(mt_report_count(r), 1);
	const mt_finding *f = mt_report_get(r, 0);
	REQUIRE_NOT_NULL(f);
	ASSERT_TRUE(is_id(mt_finding_id(f)));
	/* SHA-256 of "persist.cron\0path\0/etc/cron.d/x\0lineno\0" "3\0" (Python hashlib):
	 * the same evidence must give this id on every run, host and release */
	ASSERT_STR_EQ(mt_finding_id(f), "MT-f109c83dc96af00a");
	ASSERT_STR_EQ(mt_finding_check(f), "persist.cron");
	ASSERT_INT_EQ(mt_finding_severity(f), MT_SEV_HIGH);
	ASSERT_STR_EQ(mt_finding_evidence(f, "path", buf, sizeof(buf)), "/etc/cron.d/x");
	ASSERT_STR_EQ(mt_finding_evidence(f, "lineno", buf, sizeof(buf)), "3");
	ASSERT_STR_EQ(mt_finding_evidence(f, "command", buf, sizeof(buf)), "a");
	ASSERT_NULL(mt_finding_evidence(f, "nope", buf, sizeof(buf)));
	/* no text given: the check's title */
	ASSERT_STR_EQ(f->title[MT_LANG_EN], cron_check->title[MT_LANG_EN]);
	ASSERT_STR_EQ(f->title[MT_LANG_ZH], cron_check->title[MT_LANG_ZH]);
	char first_id[32];
	snprintf(first_id, sizeof(first_id), "%s", mt_finding_id(f));
	TEST_DONE();

	TEST_START("report_add: same identity evidence merges, the higher severity wins");
	/* other non-identity evidence, higher severity: replaces */
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_CRITICAL, "/etc/cron.d/x", 3, "b")),
	              MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), 1);
	f = mt_report_get(r, 0);
	ASSERT_INT_EQ(mt_finding_severity(f), MT_SEV_CRITICAL);
	ASSERT_STR_EQ(mt_finding_id(f), first_id);
	ASSERT_STR_EQ(mt_finding_evidence(f, "command", buf, sizeof(buf)), "b");
	/* lower severity: dropped, the critical one stays */
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_LOW, "/etc/cron.d/x", 3, "c")), MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), 1);
	f = mt_report_get(r, 0);
	ASSERT_INT_EQ(mt_finding_severity(f), MT_SEV_CRITICAL);
	ASSERT_STR_EQ(mt_finding_evidence(f, "command", buf, sizeof(buf)), "b");
	/* equal severity: one finding still */
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_CRITICAL, "/etc/cron.d/x", 3, "d")),
	              MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), 1);
	TEST_DONE();

	TEST_START("report_add: different identity gives a different id");
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_HIGH, "/etc/cron.d/x", 4, "a")), MT_OK);
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_HIGH, "/etc/cron.d/y", 3, "a")), MT_OK);
	/* the same evidence under another check */
	mt_finding *g = mt_finding_new(miner_check, MT_SEV_HIGH, 80);
	mt_finding_str(g, "path", "/etc/cron.d/x", 1);
	mt_finding_int(g, "lineno", 3, 1);
	ASSERT_INT_EQ(mt_report_add(r, g), MT_OK);
	/* a value that only looks like the concatenation of two others */
	g = mt_finding_new(cron_check, MT_SEV_HIGH, 80);
	mt_finding_str(g, "path", "/etc/cron.d/xlineno", 1);
	mt_finding_str(g, "lineno", "3", 1);
	ASSERT_INT_EQ(mt_report_add(r, g), MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), 5);
	size_t distinct = 0;
	for (size_t i = 0; i < mt_report_count(r); i++) {
		int dup = 0;
		ASSERT_TRUE(is_id(mt_finding_id(mt_report_get(r, i))));
		for (size_t k = 0; k < i; k++)
			dup |= strcmp(mt_finding_id(mt_report_get(r, i)),
			              mt_finding_id(mt_report_get(r, k))) == 0;
		distinct += !dup;
	}
	ASSERT_SIZE_EQ(distinct, 5);
	TEST_DONE();

	TEST_START("non-identity evidence, before or after, does not change the id");
	mt_report *r2 = NULL;
	REQUIRE_INT_EQ(mt_report_new(&r2), MT_OK);
	g = mt_finding_new(cron_check, MT_SEV_INFO, 10);
	mt_finding_str(g, "schedule", "@reboot", 0);
	mt_finding_int(g, "mtime", 12345, 0);
	mt_finding_str(g, "path", "/etc/cron.d/x", 1);
	mt_finding_int(g, "lineno", 3, 1);
	ASSERT_INT_EQ(mt_report_add(r2, g), MT_OK);
	ASSERT_STR_EQ(mt_finding_id(mt_report_get(r2, 0)), first_id);
	mt_report_free(r2);
	TEST_DONE();

	TEST_START("sorting and counting by severity");
	mt_report_sort(r);
	ASSERT_SIZE_EQ(mt_report_count_at_least(r, MT_SEV_INFO), 5);
	ASSERT_SIZE_EQ(mt_report_count_at_least(r, MT_SEV_HIGH), 5);
	ASSERT_SIZE_EQ(mt_report_count_at_least(r, MT_SEV_CRITICAL), 1);
	ASSERT_INT_EQ(mt_finding_severity(mt_report_get(r, 0)), MT_SEV_CRITICAL);
	int ordered = 1;
	for (size_t i = 1; i < mt_report_count(r); i++) {
		const mt_finding *a = mt_report_get(r, i - 1), *b = mt_report_get(r, i);
		if (a->severity < b->severity ||
		    (a->severity == b->severity && strcmp(a->check->id, b->check->id) > 0))
			ordered = 0;
	}
	ASSERT_TRUE(ordered);
	/* the index still finds merged findings after the sort */
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_MEDIUM, "/etc/cron.d/x", 4, "z")),
	              MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), 5);
	mt_report_free(r);
	mt_report_free(NULL);
	TEST_DONE();

	TEST_START("builder errors: the finding is refused, nothing added");
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	static const char *const keys[] = {"k00", "k01", "k02", "k03", "k04", "k05", "k06",
	                                   "k07", "k08", "k09", "k10", "k11", "k12", "k13",
	                                   "k14", "k15", "k16", "k17", "k18", "k19", "k20",
	                                   "k21", "k22", "k23", "k24", "k25"};
	g = mt_finding_new(cron_check, MT_SEV_HIGH, 50);
	for (size_t i = 0; i < MT_ARRAY_LEN(keys); i++)
		mt_finding_int(g, keys[i], (long long)i, 1);
	ASSERT_INT_EQ(g->err, MT_ERR_LIMIT);
	ASSERT_INT_EQ(mt_report_add(r, g), MT_ERR_LIMIT);
	ASSERT_SIZE_EQ(mt_report_count(r), 0);
	ASSERT_INT_EQ(mt_report_add(r, NULL), MT_ERR_NOMEM);
	g = mt_finding_new(cron_check, MT_SEV_HIGH, 500);
	ASSERT_INT_EQ(g->confidence, 100);
	for (int i = 0; i < MT_MAX_ACTIONS + 1; i++)
		mt_finding_action(g, "kill_tree");
	ASSERT_INT_EQ(g->err, MT_ERR_LIMIT);
	mt_finding_free(g);
	/* a key set twice keeps one slot with the last value */
	g = mt_finding_new(cron_check, MT_SEV_HIGH, 50);
	mt_finding_str(g, "path", "/a", 1);
	mt_finding_str(g, "path", "/b", 1);
	ASSERT_SIZE_EQ(g->nev, 1);
	ASSERT_STR_EQ(mt_finding_evidence(g, "path", buf, sizeof(buf)), "/b");
	mt_finding_raise(g, MT_SEV_LOW);
	ASSERT_INT_EQ(g->severity, MT_SEV_HIGH);
	mt_finding_raise(g, MT_SEV_CRITICAL);
	ASSERT_INT_EQ(g->severity, MT_SEV_CRITICAL);
	mt_finding_free(g);
	mt_finding_free(NULL);
	mt_report_free(r);
	TEST_DONE();
}

/* A report with two findings, hostile strings in evidence, text, diagnostics, root. */
static mt_report *hostile_report(void)
{
	mt_report *r = NULL;
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	mt_finding *f = cron_finding(MT_SEV_CRITICAL, "/var/spool/cron/crontabs/root", 2, hostile);
	mt_finding_text(f, MT_LANG_EN, "Malicious scheduled task", "runs %s", hostile);
	mt_finding_text(f, MT_LANG_ZH, "恶意计划任务", "执行 %s", hostile);
	mt_finding_int(f, "mtime", 1706055027, 0);
	mt_action *a = mt_finding_action(f, "remove_line");
	mt_action_str(f, a, "path", "/var/spool/cron/crontabs/root");
	mt_action_int(f, a, "line", 2);
	mt_action_str(f, a, "note", hostile);
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	f = mt_finding_new(miner_check, MT_SEV_HIGH, 70);
	mt_finding_str(f, "exe", "/tmp/\x1b]0;pwned\x07kworker", 1);
	mt_finding_int(f, "pid", 4242, 1);
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	mt_report_diag(r, "%s: unreadable \x1b[2J", "/etc/cron.d/\x1b[1mbad");
	mt_report_set_meta(r, "/mnt/\x1b[31mimage", 1706055027, 1234, 3);
	mt_report_sort(r);
	return r;
}

static void test_json(void)
{
	sink s;
	mt_output_opts o = {MT_LANG_EN, 1, 0};
	mt_report *r = hostile_report();

	TEST_START("json: one valid object a line, findings then the summary");
	mt_buf_init(&s.b, 1 << 20);
	s.fail_after = s.writes = 0;
	ASSERT_INT_EQ(mt_report_write_json(r, &o, to_sink, &s), MT_OK);
	REQUIRE_NOT_NULL(s.b.data);
	const char *out = s.b.data;
	ASSERT_SIZE_EQ(strlen(out), s.b.len); /* no NUL byte inside */
	ASSERT_TRUE(utf8_valid(out, s.b.len));
	ASSERT_INT_EQ(out[s.b.len - 1], '\n');
	size_t lines = 0, findings = 0, summaries = 0, bad = 0;
	const char *last = NULL;
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		REQUIRE_NOT_NULL(nl);
		lines++;
		if (strncmp(p, "{\"type\":", 8) != 0 || !json_line_ok(p, (size_t)(nl - p))) {
			bad++;
			fprintf(stderr, "  bad line: %.*s\n", (int)(nl - p), p);
		}
		if (strncmp(p, "{\"type\":\"finding\",", 18) == 0) {
			findings++;
			ASSERT_SIZE_EQ(summaries, 0); /* findings come first */
		}
		if (strncmp(p, "{\"type\":\"summary\",", 18) == 0)
			summaries++;
		last = p;
		p = nl + 1;
	}
	ASSERT_SIZE_EQ(bad, 0);
	ASSERT_SIZE_EQ(lines, 3);
	ASSERT_SIZE_EQ(findings, 2);
	ASSERT_SIZE_EQ(summaries, 1);
	REQUIRE_NOT_NULL(last);
	ASSERT_TRUE(strncmp(last, "{\"type\":\"summary\",", 18) == 0);
	ASSERT_STR_CONTAINS(last, "\"counts\":{\"info\":0,\"low\":0,\"medium\":0,\"high\":1,"
	                          "\"critical\":1}");
	ASSERT_STR_CONTAINS(last, "\"total\":2");
	ASSERT_STR_CONTAINS(last, "\"diagnostics_total\":1");
	ASSERT_STR_CONTAINS(last, "\"duration_ms\":1234");
	TEST_DONE();

	TEST_START("json: hostile strings escaped, nothing raw reaches the output");
	ASSERT_TRUE(memchr(out, 0x1b, s.b.len) == NULL);
	ASSERT_TRUE(memchr(out, 0x07, s.b.len) == NULL);
	ASSERT_TRUE(memchr(out, '\t', s.b.len) == NULL);
	ASSERT_TRUE(memchr(out, 0xff, s.b.len) == NULL);
	ASSERT_STR_LACKS(out, "\xc2\x9b");
	ASSERT_STR_CONTAINS(out, "\\u001b[31mRED\\u001b[0m");
	ASSERT_STR_CONTAINS(out, "\\\"quoted\\\"");
	ASSERT_STR_CONTAINS(out, "back\\\\slash");
	ASSERT_STR_CONTAINS(out, "\\\\xff\\\\xfe");
	ASSERT_STR_CONTAINS(out, "\\u009b2J");
	ASSERT_STR_CONTAINS(out, "tab\\there");
	ASSERT_STR_CONTAINS(out, "挖矿"); /* valid UTF-8 stays readable */
	ASSERT_STR_CONTAINS(out, "\\u001b]0;pwned\\u0007kworker");
	ASSERT_STR_CONTAINS(out, "\"root\":\"/mnt/\\u001b[31mimage\"");
	ASSERT_STR_CONTAINS(out, "\"remedy\":[{\"action\":\"remove_line\",\"path\":"
	                         "\"/var/spool/cron/crontabs/root\",\"line\":2,");
	ASSERT_STR_CONTAINS(out, "\"lineno\":2");
	ASSERT_STR_CONTAINS(out, "\"severity\":\"critical\"");
	ASSERT_STR_CONTAINS(out, "\"check\":\"persist.cron\"");
	ASSERT_STR_CONTAINS(out, "\"title_zh\":\"恶意计划任务\"");
	ASSERT_STR_CONTAINS(out, "\"mtime\":\"20"); /* a time key as ISO 8601 text */
	mt_buf_free(&s.b);
	TEST_DONE();

	TEST_START("json: a failing writer stops with MT_ERR_IO");
	mt_buf_init(&s.b, 1 << 20);
	s.writes = 0;
	s.fail_after = 1;
	ASSERT_INT_EQ(mt_report_write_json(r, &o, to_sink, &s), MT_ERR_IO);
	s.writes = 0;
	s.fail_after = 3; /* the summary */
	ASSERT_INT_EQ(mt_report_write_json(r, &o, to_sink, &s), MT_ERR_IO);
	mt_buf_free(&s.b);
	TEST_DONE();

	TEST_START("json: an empty report is just a valid summary");
	mt_report *e = NULL;
	REQUIRE_INT_EQ(mt_report_new(&e), MT_OK);
	mt_buf_init(&s.b, 1 << 20);
	s.fail_after = s.writes = 0;
	ASSERT_INT_EQ(mt_report_write_json(e, NULL, to_sink, &s), MT_OK);
	REQUIRE_NOT_NULL(s.b.data);
	ASSERT_TRUE(strncmp(s.b.data, "{\"type\":\"summary\",", 18) == 0);
	ASSERT_TRUE(json_line_ok(s.b.data, s.b.len));
	ASSERT_STR_CONTAINS(s.b.data, "\"total\":0");
	ASSERT_STR_CONTAINS(s.b.data, "\"root\":\"/\"");
	mt_buf_free(&s.b);
	mt_report_free(e);
	TEST_DONE();

	TEST_START("json checker: it does reject broken JSON");
	ASSERT_TRUE(json_line_ok("{\"a\":[1,\"x\",{}],\"b\":null}", 25));
	ASSERT_FALSE(json_line_ok("{\"a\":\"x\x1b\"}", 10));
	ASSERT_FALSE(json_line_ok("{\"a\":\"\\x\"}", 10));
	ASSERT_FALSE(json_line_ok("{\"a\":1,}", 8));
	ASSERT_FALSE(json_line_ok("{\"a\":1} x", 9));
	ASSERT_FALSE(json_line_ok("{\"a\":\"\\u12\"}", 12));
	TEST_DONE();

	mt_report_free(r);
}

static void test_text(void)
{
	sink s;
	mt_report *r = hostile_report();

	TEST_START("text, color=0: no ESC byte even from hostile evidence");
	mt_output_opts o = {MT_LANG_EN, 0, 0};
	mt_buf_init(&s.b, 1 << 20);
	s.fail_after = s.writes = 0;
	ASSERT_INT_EQ(mt_report_write_text(r, &o, to_sink, &s), MT_OK);
	REQUIRE_NOT_NULL(s.b.data);
	const char *out = s.b.data;
	ASSERT_TRUE(memchr(out, 0x1b, s.b.len) == NULL);
	ASSERT_TRUE(memchr(out, 0x07, s.b.len) == NULL);
	ASSERT_TRUE(memchr(out, 0xff, s.b.len) == NULL);
	ASSERT_STR_LACKS(out, "\xc2\x9b");
	ASSERT_STR_CONTAINS(out, "\\x1b[31mRED\\x1b[0m"); /* visible, not interpreted */
	ASSERT_STR_CONTAINS(out, "\\x1b]0;pwned\\x07kworker");
	ASSERT_STR_CONTAINS(out, "\\xff\\xfe");
	ASSERT_STR_CONTAINS(out, "back\\\\slash");
	ASSERT_STR_CONTAINS(out, "/mnt/\\x1b[31mimage");
	ASSERT_STR_CONTAINS(out, "\\x1b[1mbad");
	ASSERT_STR_CONTAINS(out, "Findings: 1 critical, 1 high, 0 medium, 0 low, 0 info");
	ASSERT_STR_CONTAINS(out, "Malicious scheduled task");
	ASSERT_STR_CONTAINS(out, "Recommended actions");
	ASSERT_STR_CONTAINS(out, "Not checked: 1");
	ASSERT_STR_CONTAINS(out, mt_finding_id(mt_report_get(r, 0)));
	ASSERT_TRUE(utf8_valid(out, s.b.len));
	mt_buf_free(&s.b);
	TEST_DONE();

	TEST_START("text, color=1: colours are ours, evidence still escaped");
	o.color = 1;
	mt_buf_init(&s.b, 1 << 20);
	ASSERT_INT_EQ(mt_report_write_text(r, &o, to_sink, &s), MT_OK);
	REQUIRE_NOT_NULL(s.b.data);
	ASSERT_TRUE(memchr(s.b.data, 0x1b, s.b.len) != NULL);
	ASSERT_STR_LACKS(s.b.data, "\x1b[31mRED");
	ASSERT_STR_LACKS(s.b.data, "\x1b]0;");
	mt_buf_free(&s.b);
	TEST_DONE();

	TEST_START("text in Chinese");
	mt_output_opts zh = {MT_LANG_ZH, 0, 0};
	mt_buf_init(&s.b, 1 << 20);
	ASSERT_INT_EQ(mt_report_write_text(r, &zh, to_sink, &s), MT_OK);
	REQUIRE_NOT_NULL(s.b.data);
	ASSERT_STR_CONTAINS(s.b.data, "恶意计划任务");
	ASSERT_STR_CONTAINS(s.b.data, "严重 1");
	ASSERT_TRUE(memchr(s.b.data, 0x1b, s.b.len) == NULL);
	mt_buf_free(&s.b);
	TEST_DONE();

	TEST_START("text: a failing writer stops with MT_ERR_IO; empty report");
	mt_buf_init(&s.b, 1 << 20);
	s.writes = 0;
	s.fail_after = 1;
	ASSERT_INT_EQ(mt_report_write_text(r, &o, to_sink, &s), MT_ERR_IO);
	mt_buf_free(&s.b);
	mt_report *e = NULL;
	REQUIRE_INT_EQ(mt_report_new(&e), MT_OK);
	mt_buf_init(&s.b, 1 << 20);
	s.fail_after = s.writes = 0;
	ASSERT_INT_EQ(mt_report_write_text(e, NULL, to_sink, &s), MT_OK);
	ASSERT_STR_CONTAINS(s.b.data, "Nothing found.");
	mt_buf_free(&s.b);
	mt_report_free(e);
	TEST_DONE();

	mt_report_free(r);
}

static void test_html(void)
{
	sink s;
	mt_output_opts o = {MT_LANG_ZH, 1, 0};
	mt_report *r = hostile_report();
	mt_finding *f = mt_finding_new(miner_check, MT_SEV_MEDIUM, 60);
	mt_finding_str(f, "exe", "/tmp/<script>alert(1)</script>\" onmouseover='x'&amp;", 1);
	mt_action *a = mt_finding_action(f, "quarantine_file");
	mt_action_str(f, a, "path", "/tmp/<img src=x onerror=alert(2)>");
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	mt_report_sort(r);

	TEST_START("html: one page, markup from the host escaped, no script possible");
	mt_buf_init(&s.b, 1 << 20);
	s.fail_after = s.writes = 0;
	ASSERT_INT_EQ(mt_report_write_html(r, &o, to_sink, &s), MT_OK);
	REQUIRE_NOT_NULL(s.b.data);
	const char *out = s.b.data;
	ASSERT_TRUE(utf8_valid(out, s.b.len));
	ASSERT_TRUE(strncmp(out, "<!DOCTYPE html>", 15) == 0);
	ASSERT_STR_CONTAINS(out, "</body></html>\n");
	ASSERT_STR_CONTAINS(out, "Content-Security-Policy\" content=\"default-src 'none'");
	ASSERT_STR_LACKS(out, "<script");
	ASSERT_STR_LACKS(out, "<img");
	ASSERT_STR_LACKS(out, "\" onmouseover");
	ASSERT_STR_CONTAINS(out, "/tmp/&lt;script&gt;alert(1)&lt;/script&gt;&quot; "
	                         "onmouseover=&#39;x&#39;&amp;amp;");
	ASSERT_STR_CONTAINS(out, "/tmp/&lt;img src=x onerror=alert(2)&gt;");
	ASSERT_TRUE(memchr(out, 0x1b, s.b.len) == NULL);
	ASSERT_TRUE(memchr(out, 0x07, s.b.len) == NULL);
	ASSERT_STR_CONTAINS(out, "\\x1b[31mRED");
	ASSERT_STR_CONTAINS(out, "恶意计划任务"); /* --lang zh */
	ASSERT_STR_CONTAINS(out, "严重 1");       /* counts by severity */
	ASSERT_STR_CONTAINS(out, "建议处置");     /* the to-do table */
	ASSERT_STR_CONTAINS(out, "隔离该文件");
	ASSERT_STR_CONTAINS(out, "未能检查的项目: 1"); /* diagnostics */
	ASSERT_STR_CONTAINS(out, "2024-01-24T");       /* mtime as ISO 8601 */
	for (size_t i = 0; i < mt_report_count(r); i++)
		ASSERT_STR_CONTAINS(out, mt_finding_id(mt_report_get(r, i)));
	mt_buf_free(&s.b);
	TEST_DONE();

	TEST_START("html: a failing writer stops with MT_ERR_IO");
	mt_buf_init(&s.b, 1 << 20);
	s.writes = 0;
	s.fail_after = 2;
	ASSERT_INT_EQ(mt_report_write_html(r, &o, to_sink, &s), MT_ERR_IO);
	mt_buf_free(&s.b);
	TEST_DONE();
	mt_report_free(r);
}

static void test_todo_once(void)
{
	sink s;
	mt_output_opts o = {MT_LANG_EN, 0, 0};
	mt_report *r = NULL;
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	for (int i = 0; i < 3; i++) { /* three flows to one pool, one also to another */
		mt_finding *f = mt_finding_new(miner_check, MT_SEV_HIGH, 90);
		mt_finding_int(f, "pid", 100 + i, 1);
		mt_action *a = mt_finding_action(f, "block_ip");
		mt_action_str(f, a, "ip", "192.0.2.7");
		if (i == 2) {
			a = mt_finding_action(f, "block_ip");
			mt_action_str(f, a, "ip", "192.0.2.70");
		}
		REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	}
	mt_report_sort(r);
	TEST_START("to-do table: the same action once, different ones each");
	for (int html = 0; html < 2; html++) {
		mt_buf_init(&s.b, 1 << 20);
		s.fail_after = s.writes = 0;
		ASSERT_INT_EQ(html ? mt_report_write_html(r, &o, to_sink, &s)
		                   : mt_report_write_text(r, &o, to_sink, &s),
		              MT_OK);
		REQUIRE_NOT_NULL(s.b.data);
		const char *p = strstr(s.b.data, "ip=192.0.2.7");
		REQUIRE_NOT_NULL(p);
		ASSERT_NULL(strstr(p + 1, "ip=192.0.2.7<") ? strstr(p + 1, "ip=192.0.2.7<")
		                                           : strstr(p + 1, "ip=192.0.2.7 "));
		ASSERT_STR_CONTAINS(s.b.data, "ip=192.0.2.70");
		mt_buf_free(&s.b);
	}
	TEST_DONE();
	mt_report_free(r);
}

/* Over MT_MAX_FINDINGS the weakest findings give way: a critical one added to a report
 * full of low ones is kept, one low one goes, every refusal and replacement is counted
 * (pcap review 5: a flood of cheap findings hid EternalBlue). */
static void test_cap(void)
{
	TEST_START("findings cap: a full report gives up its lowest severity for a worse one");
	mt_report *r;
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	char cmd[32];
	for (int i = 0; i < MT_MAX_FINDINGS; i++) {
		snprintf(cmd, sizeof(cmd), "%d", i);
		mt_report_add(r, cron_finding(i % 2 ? MT_SEV_LOW : MT_SEV_MEDIUM, cmd, i, "a"));
	}
	ASSERT_SIZE_EQ(mt_report_count(r), MT_MAX_FINDINGS);
	/* a low one more: refused */
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_LOW, "x", -1, "a")), MT_ERR_LIMIT);
	/* critical ones: each replaces a low one, never a medium one */
	for (int i = 0; i < 3; i++)
		ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_CRITICAL, "crit", i, "a")),
		              MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), MT_MAX_FINDINGS);
	size_t crit = 0, med = 0;
	for (size_t i = 0; i < mt_report_count(r); i++) {
		crit += mt_finding_severity(mt_report_get(r, i)) == MT_SEV_CRITICAL;
		med += mt_finding_severity(mt_report_get(r, i)) == MT_SEV_MEDIUM;
	}
	ASSERT_SIZE_EQ(crit, 3);
	ASSERT_SIZE_EQ(med, MT_MAX_FINDINGS / 2);
	/* the index still finds every finding: the same critical again merges */
	ASSERT_INT_EQ(mt_report_add(r, cron_finding(MT_SEV_CRITICAL, "crit", 1, "b")), MT_OK);
	ASSERT_SIZE_EQ(mt_report_count(r), MT_MAX_FINDINGS);
	const char *root;
	int64_t st, dur;
	uint64_t checks;
	size_t dropped;
	mt__report_meta(r, &root, &st, &dur, &checks, &dropped);
	ASSERT_SIZE_EQ(dropped, 4);
	mt__report_add_dropped(r, 5);
	mt__report_meta(r, &root, &st, &dur, &checks, &dropped);
	ASSERT_SIZE_EQ(dropped, 9);
	mt_report_free(r);
	TEST_DONE();
}

/* Lows of one kind are one line in the text (with a count and three paths), each one
 * with all; a low finding proposes no change; a medium of the same check stays whole. */
static void test_collapse(void)
{
	sink s;
	mt_report *r = NULL;
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	for (int i = 0; i < 6; i++) {
		mt_finding *f = mt_finding_new(cron_check, MT_SEV_LOW, 40);
		mt_finding_text(f, MT_LANG_EN, "Script in a checkout", "why");
		char p[64];
		snprintf(p, sizeof(p), "/tmp/src/t%d.sh", i);
		mt_finding_str(f, "path", p, 1);
		mt_action *a = mt_finding_action(f, "quarantine_file");
		mt_action_str(f, a, "path", p);
		REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	}
	mt_finding *f = mt_finding_new(cron_check, MT_SEV_MEDIUM, 60);
	mt_finding_text(f, MT_LANG_EN, "Odd cron line", "why");
	mt_finding_str(f, "path", "/etc/cron.d/x", 1);
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	mt_report_sort(r);

	TEST_START("text: lows of one kind collapse, --all lists each");
	ASSERT_SIZE_EQ(mt_report_get(r, 1)->nact, 0); /* lows propose no quarantine */
	for (int all = 0; all < 2; all++) {
		mt_output_opts o = {MT_LANG_EN, 0, all};
		mt_buf_init(&s.b, 1 << 20);
		s.fail_after = s.writes = 0;
		ASSERT_INT_EQ(mt_report_write_text(r, &o, to_sink, &s), MT_OK);
		REQUIRE_NOT_NULL(s.b.data);
		const char *out = s.b.data;
		ASSERT_STR_CONTAINS(out, "Odd cron line");
		ASSERT_STR_CONTAINS(out, "/etc/cron.d/x");
		unsigned n = 0;
		for (const char *p = out; (p = strstr(p, "/tmp/src/t")) != NULL; p++)
			n++;
		if (all) {
			ASSERT_INT_EQ(n, 6);
			ASSERT_STR_LACKS(out, "x6");
		} else {
			ASSERT_INT_EQ(n, 3);
			ASSERT_STR_CONTAINS(out, "Script in a checkout  (persist.cron) x6:");
			ASSERT_STR_CONTAINS(out, "--all lists each");
		}
		ASSERT_STR_LACKS(out, "Recommended actions");
		mt_buf_free(&s.b);
	}
	TEST_DONE();
	mt_report_free(r);
}

/* Incidents: a miner file, the cron line that runs it, the process and its pool flow are
 * one incident; a second finding that only shares /bin/sh and a low stay apart. */
static void test_incidents(void)
{
	mt_report *r = NULL;
	REQUIRE_INT_EQ(mt_report_new(&r), MT_OK);
	mt_finding *f = mt_finding_new(cron_check, MT_SEV_CRITICAL, 95);
	mt_finding_str(f, "path", "/var/spool/cron/root", 1);
	mt_finding_str(f, "line", "* * * * * /bin/sh -c '/tmp/.x/kswapd0 -o p:3333'", 0);
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	f = mt_finding_new(miner_check, MT_SEV_CRITICAL, 95);
	mt_finding_int(f, "pid", 4242, 1);
	mt_finding_str(f, "exe", "/tmp/.X/KSWAPD0", 0); /* case does not matter */
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	f = mt_finding_new(miner_check, MT_SEV_HIGH, 80);
	mt_finding_int(f, "pid", 4242, 1);
	mt_finding_str(f, "remote", "198.51.100.7:3333", 1);
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	f = mt_finding_new(cron_check, MT_SEV_MEDIUM, 60);
	mt_finding_str(f, "path", "/etc/cron.d/backup", 1);
	mt_finding_str(f, "line", "0 3 * * * /bin/sh /opt/backup.sh", 0);
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	f = mt_finding_new(cron_check, MT_SEV_LOW, 40);
	mt_finding_str(f, "path", "/tmp/.x/kswapd0", 1);
	REQUIRE_INT_EQ(mt_report_add(r, f), MT_OK);
	mt_report_sort(r);

	TEST_START("incidents: joined by file, pid and address, not by /bin/sh");
	mt__incidents in;
	REQUIRE_INT_EQ(mt__incidents_build(r, &in), MT_OK);
	ASSERT_SIZE_EQ(in.n, 2);
	size_t first = 0, other = 0, low = 0;
	for (size_t i = 0; i < mt_report_count(r); i++) {
		const mt_finding *x = mt_report_get(r, i);
		if (x->severity == MT_SEV_LOW)
			low = in.of[i];
		else if (x->severity == MT_SEV_MEDIUM)
			other = in.of[i];
		else {
			ASSERT_SIZE_EQ(in.of[i], 1);
			first++;
		}
	}
	ASSERT_SIZE_EQ(first, 3);
	ASSERT_SIZE_EQ(other, 2);
	ASSERT_SIZE_EQ(low, 0);
	ASSERT_SIZE_EQ(in.v[0].count, 3);
	ASSERT_INT_EQ(in.v[0].severity, MT_SEV_CRITICAL);
	ASSERT_INT_EQ(in.v[1].severity, MT_SEV_MEDIUM);
	mt__incidents_free(&in);
	TEST_DONE();
	mt_report_free(r);
}

int main(void)
{
	cron_check = mt_check_by_id("persist.cron");
	miner_check = mt_check_by_id("process.miner");
	REQUIRE_NOT_NULL(cron_check);
	REQUIRE_NOT_NULL(miner_check);
	test_build_and_merge();
	test_json();
	test_text();
	test_html();
	test_todo_once();
	test_collapse();
	test_incidents();
	test_cap();
	return T_DONE();
}
