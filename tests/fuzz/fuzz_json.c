/* fuzz_json.c - libFuzzer target: the respond JSON parser on one record and the plan
 * builder on a whole report, with invariants on what they return */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respond/respond_int.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_json: invariant failed: %s\n", what);
		abort();
	}
}

static void walk(const mt_json *j, unsigned depth)
{
	check(depth <= MT_MAX_JSON_DEPTH + 1, "depth within the cap");
	for (; j; j = j->next) {
		if (j->type == MT_JSON_STR) {
			check(j->str != NULL && strlen(j->str) == j->len,
			      "string without NUL inside");
		}
		if (j->type == MT_JSON_ARR || j->type == MT_JSON_OBJ) {
			size_t n = 0;
			for (const mt_json *c = j->child; c; c = c->next) {
				n++;
				check((j->type == MT_JSON_OBJ) == (c->key != NULL),
				      "keys only in objects");
			}
			check(n == j->count, "member count");
			walk(j->child, depth + 1);
		}
	}
}

/* 1 when c starts a quote character of PowerShell's single-quoted literals (' and
 * U+2018..U+201B); *n is its length. */
static int ps_squote(const char *c, const char *end, size_t *n)
{
	if (*c == '\'') {
		*n = 1;
		return 1;
	}
	if (end - c >= 3 && (unsigned char)c[0] == 0xe2 && (unsigned char)c[1] == 0x80 &&
	    (unsigned char)c[2] >= 0x98 && (unsigned char)c[2] <= 0x9b) {
		*n = 3;
		return 1;
	}
	return 0;
}

/* The --script ps1 text: every single-quoted literal and double-quoted string closed,
 * braces outside them balanced (a name that ended its literal would break both). */
static void check_ps1(const char *s, size_t len)
{
	const char *c = s, *end = s + len;
	long depth = 0;
	size_t q;
	while (c < end) {
		if (ps_squote(c, end, &q)) {
			c += q;
			for (;;) {
				check(c < end, "single-quoted literal closed");
				if (ps_squote(c, end, &q)) {
					c += q;
					size_t q2;
					if (c < end && ps_squote(c, end, &q2)) {
						c += q2;
						continue;
					}
					break;
				}
				c++;
			}
		} else if (*c == '"') {
			for (c++;; c++) {
				check(c < end, "double-quoted string closed");
				if (*c == '`') {
					c++;
					continue;
				}
				if (*c == '"')
					break;
			}
			c++;
		} else if (*c == '#') {
			while (c < end && *c != '\n' && *c != '\r')
				c++;
		} else {
			depth += *c == '{';
			depth -= *c == '}';
			check(depth >= 0, "no } before its {");
			c++;
		}
	}
	check(depth == 0, "braces balanced");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mt_json *j = NULL;
	size_t off = 0;
	mt_err e = mt_json_parse((const char *)data, size, &j, &off);
	check((e == MT_OK) == (j != NULL), "a tree exactly on success");
	check(e == MT_OK || off <= size, "error offset inside the input");
	walk(j, 0);
	mt_json_free(j);

	mt_plan *p = NULL;
	e = mt_plan_parse((const char *)data, size, NULL, &p, NULL, NULL);
	check((e == MT_OK) == (p != NULL), "a plan exactly on success");
	for (size_t i = 0; i < mt_plan_count(p); i++) {
		const mt_step *s = mt_plan_get(p, i);
		check(s && s->n == i + 1 && s->action && s->target && s->evidence, "step fields");
		check(i == 0 || strcmp(s->action, "") != 0, "action named");
	}
	if (p) {
		char *text = NULL;
		size_t tl = 0;
		e = mt_plan_script_ps1(p, "fuzz'\n", &text, &tl);
		check(e != MT_OK || (text && strlen(text) == tl), "script without NUL");
		if (e == MT_OK)
			check_ps1(text, tl);
		free(text);
	}
	mt_plan_free(p);
	return 0;
}
