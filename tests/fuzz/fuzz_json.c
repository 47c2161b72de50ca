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
			check(j->str != NULL && strlen(j->str) == j->len, "string without NUL inside");
		}
		if (j->type == MT_JSON_ARR || j->type == MT_JSON_OBJ) {
			size_t n = 0;
			for (const mt_json *c = j->child; c; c = c->next) {
				n++;
				check((j->type == MT_JSON_OBJ) == (c->key != NULL), "keys only in objects");
			}
			check(n == j->count, "member count");
			walk(j->child, depth + 1);
		}
	}
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
	mt_plan_free(p);
	return 0;
}
