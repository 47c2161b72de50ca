/* t.h - tiny assertions for the unit tests (after OpenSSH regress/unittests/test_helper) */
#ifndef MT_T_H
#define MT_T_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Usage:
 *   int main(void) {
 *       TEST_START("buf cap");
 *       ASSERT_INT_EQ(mt_buf_add(&b, "x", 1), MT_OK);
 *       TEST_DONE();
 *       return T_DONE();
 *   }
 * ASSERT_* record a failure (file:line, both values) and go on; REQUIRE_* stop the
 * binary at once, for checks whose failure would make the next lines crash.
 * T_DONE() prints the totals and returns the exit status for main (0 only when every
 * assertion passed and at least one ran).
 */

static int t_nchecks, t_nfails, t_ntests, t_test_fails;
static const char *t_test_name = "(no test)";

static inline void t_put_escaped(const char *s, size_t n)
{
	if (!s) {
		fputs("NULL", stderr);
		return;
	}
	fputc('"', stderr);
	size_t shown = n > 400 ? 400 : n;
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' || c == '"')
			fprintf(stderr, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputc('"', stderr);
	if (shown < n)
		fprintf(stderr, "...(%zu bytes)", n);
}

static inline void t_fail_head(const char *file, int line, const char *what)
{
	t_nfails++;
	t_test_fails++;
	fprintf(stderr, "%s:%d: FAIL in test \"%s\": %s\n", file, line, t_test_name, what);
}

/* op is one of "==", "!=", "<", "<=", ">", ">=" */
static inline int t_cmp(const char *op, int c)
{
	if (op[0] == '=')
		return c == 0;
	if (op[0] == '!')
		return c != 0;
	if (op[0] == '<')
		return op[1] == '=' ? c <= 0 : c < 0;
	return op[1] == '=' ? c >= 0 : c > 0;
}

/* Each operand is evaluated exactly once (by the macro, before the call). */
static inline int t_int(const char *file, int line, const char *ea, const char *op,
                        const char *eb, long long a, long long b)
{
	int ok = t_cmp(op, (a > b) - (a < b));
	t_nchecks++;
	if (ok)
		return 1;
	t_fail_head(file, line, "integer comparison");
	fprintf(stderr, "    %s %s %s\n    left  = %lld (0x%llx)\n    right = %lld (0x%llx)\n",
	        ea, op, eb, a, (unsigned long long)a, b, (unsigned long long)b);
	return 0;
}

static inline int t_u64(const char *file, int line, const char *ea, const char *op,
                        const char *eb, unsigned long long a, unsigned long long b)
{
	int ok = t_cmp(op, (a > b) - (a < b));
	t_nchecks++;
	if (ok)
		return 1;
	t_fail_head(file, line, "unsigned comparison");
	fprintf(stderr, "    %s %s %s\n    left  = %llu\n    right = %llu\n", ea, op, eb, a, b);
	return 0;
}

static inline int t_str(const char *file, int line, const char *ea, const char *eb,
                        const char *a, const char *b, int want_eq)
{
	t_nchecks++;
	int eq = (a && b) ? strcmp(a, b) == 0 : a == b;
	if (eq == want_eq && a && b)
		return 1;
	t_fail_head(file, line, want_eq ? "strings differ" : "strings equal");
	fprintf(stderr, "    %s %s %s\n    left  = ", ea, want_eq ? "==" : "!=", eb);
	t_put_escaped(a, a ? strlen(a) : 0);
	fputs("\n    right = ", stderr);
	t_put_escaped(b, b ? strlen(b) : 0);
	fputc('\n', stderr);
	return 0;
}

static inline int t_contains(const char *file, int line, const char *ea, const char *eb,
                             const char *hay, const char *needle, int want)
{
	t_nchecks++;
	int has = hay && needle && strstr(hay, needle) != NULL;
	if (has == want && hay && needle)
		return 1;
	t_fail_head(file, line, want ? "substring missing" : "substring present");
	fprintf(stderr, "    %s %s %s\n    haystack = ", ea, want ? "contains" : "lacks", eb);
	t_put_escaped(hay, hay ? strlen(hay) : 0);
	fputs("\n    needle   = ", stderr);
	t_put_escaped(needle, needle ? strlen(needle) : 0);
	fputc('\n', stderr);
	return 0;
}

static inline int t_mem(const char *file, int line, const char *ea, const char *eb,
                        const void *a, const void *b, size_t n)
{
	t_nchecks++;
	if (a && b && memcmp(a, b, n) == 0)
		return 1;
	t_fail_head(file, line, "memory differs");
	fprintf(stderr, "    %s == %s (%zu bytes)\n    left  = ", ea, eb, n);
	t_put_escaped(a, n);
	fputs("\n    right = ", stderr);
	t_put_escaped(b, n);
	fputc('\n', stderr);
	return 0;
}

static inline int t_bool(const char *file, int line, const char *expr, int ok)
{
	t_nchecks++;
	if (ok)
		return 1;
	t_fail_head(file, line, "condition false");
	fprintf(stderr, "    %s\n", expr);
	return 0;
}

static inline void t_bail(void)
{
	fprintf(stderr, "stopping after a failed REQUIRE: %d assertions, %d failed\n",
	        t_nchecks, t_nfails);
	exit(1);
}

#define T__INT(a, op, b) \
	t_int(__FILE__, __LINE__, #a, #op, #b, (long long)(a), (long long)(b))
#define T__U64(a, op, b) \
	t_u64(__FILE__, __LINE__, #a, #op, #b, (unsigned long long)(a), (unsigned long long)(b))

#define ASSERT_INT_EQ(a, b) ((void)T__INT(a, ==, b))
#define ASSERT_INT_NE(a, b) ((void)T__INT(a, !=, b))
#define ASSERT_INT_LT(a, b) ((void)T__INT(a, <, b))
#define ASSERT_INT_LE(a, b) ((void)T__INT(a, <=, b))
#define ASSERT_INT_GT(a, b) ((void)T__INT(a, >, b))
#define ASSERT_INT_GE(a, b) ((void)T__INT(a, >=, b))
#define ASSERT_U64_EQ(a, b) ((void)T__U64(a, ==, b))
#define ASSERT_SIZE_EQ(a, b) ((void)T__U64(a, ==, b))
#define ASSERT_SIZE_GT(a, b) ((void)T__U64(a, >, b))
#define ASSERT_STR_EQ(a, b) ((void)t_str(__FILE__, __LINE__, #a, #b, (a), (b), 1))
#define ASSERT_STR_NE(a, b) ((void)t_str(__FILE__, __LINE__, #a, #b, (a), (b), 0))
#define ASSERT_STR_CONTAINS(h, n) ((void)t_contains(__FILE__, __LINE__, #h, #n, (h), (n), 1))
#define ASSERT_STR_LACKS(h, n) ((void)t_contains(__FILE__, __LINE__, #h, #n, (h), (n), 0))
#define ASSERT_MEM_EQ(a, b, n) ((void)t_mem(__FILE__, __LINE__, #a, #b, (a), (b), (n)))
#define ASSERT_TRUE(x) ((void)t_bool(__FILE__, __LINE__, #x, !!(x)))
#define ASSERT_FALSE(x) ((void)t_bool(__FILE__, __LINE__, "!(" #x ")", !(x)))
#define ASSERT_PTR_EQ(a, b) ((void)t_bool(__FILE__, __LINE__, #a " == " #b, (a) == (b)))
#define ASSERT_PTR_NE(a, b) ((void)t_bool(__FILE__, __LINE__, #a " != " #b, (a) != (b)))
#define ASSERT_NULL(a) ((void)t_bool(__FILE__, __LINE__, #a " == NULL", (a) == NULL))
#define ASSERT_NOT_NULL(a) ((void)t_bool(__FILE__, __LINE__, #a " != NULL", (a) != NULL))

#define REQUIRE_TRUE(x) do { if (!t_bool(__FILE__, __LINE__, #x, !!(x))) t_bail(); } while (0)
#define REQUIRE_NOT_NULL(a) \
	do { if (!t_bool(__FILE__, __LINE__, #a " != NULL", (a) != NULL)) t_bail(); } while (0)
#define REQUIRE_INT_EQ(a, b) do { if (!T__INT(a, ==, b)) t_bail(); } while (0)

#define TEST_START(name) \
	do { \
		t_test_name = (name); \
		t_test_fails = 0; \
		t_ntests++; \
	} while (0)
#define TEST_DONE() \
	do { \
		if (getenv("T_VERBOSE")) \
			fprintf(stderr, "  %s: %s\n", t_test_name, t_test_fails ? "FAIL" : "ok"); \
		t_test_name = "(between tests)"; \
	} while (0)

/* Prints the totals; the value to return from main. */
#define T_DONE() t_done(__FILE__)
static inline int t_done(const char *file)
{
	fprintf(stderr, "%s: %d tests, %d assertions, %d failed\n", file, t_ntests, t_nchecks,
	        t_nfails);
	if (t_nchecks == 0) {
		fprintf(stderr, "%s: no assertion ran\n", file);
		return 1;
	}
	return t_nfails ? 1 : 0;
}

#endif
