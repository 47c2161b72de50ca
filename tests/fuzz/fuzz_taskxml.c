/* fuzz_taskxml.c - libFuzzer target: task files through mt_task_parse; every string it
 * gives is terminated, the counts keep to their caps, and freeing after any result is
 * safe (ASan sees leaks and reads past the input) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/win/wintask.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_taskxml: invariant failed: %s\n", what);
		abort();
	}
}

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0; /* ASan checks the string up to its NUL */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1); /* an exact-size copy */
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	mt_task t;
	int trunc = -1;
	mt_err r = mt_task_parse(buf, size, &t, &trunc);
	check(r == MT_OK || r == MT_ERR_PARSE || r == MT_ERR_LIMIT || r == MT_ERR_NOMEM,
	      "known result");
	check(trunc == 0 || trunc == 1, "truncated is set");
	check(r == MT_OK || trunc == 0, "truncated only with MT_OK");
	check(t.nactions <= MT_TASK_MAX_ACTIONS && t.ntriggers <= MT_TASK_MAX_TRIGGERS,
	      "caps kept");
	size_t n = touch(t.uri) + touch(t.author) + touch(t.date) + touch(t.description) +
	           touch(t.user_id) + touch(t.run_level) + touch(t.logon_type);
	mt_buf line;
	mt_buf_init(&line, 4 * (size_t)MT_MAX_TASK_FILE);
	for (size_t i = 0; i < t.nactions; i++) {
		const mt_task_action *a = &t.actions[i];
		check(a->kind >= MT_TASK_EXEC && a->kind <= MT_TASK_MSG, "action kind");
		n += touch(a->command) + touch(a->arguments) + touch(a->workdir) + touch(a->clsid) +
		     touch(a->com_data);
		mt_buf_reset(&line);
		mt_task_action_line(a, &line);
		check(line.len == 0 || (a->command && line.len >= strlen(a->command)), "line");
	}
	for (size_t i = 0; i < t.ntriggers; i++) {
		check(t.triggers[i].kind >= MT_TRIG_OTHER && t.triggers[i].kind <= MT_TRIG_SESSION,
		      "trigger kind");
		n += touch(t.triggers[i].start) + touch(t.triggers[i].user);
	}
	check(n <= 4 * size + 64, "no more text than the input can make");
	mt_buf_free(&line);
	mt_task_free(&t);
	mt_task_free(&t); /* twice: the first left it empty */
	free(buf);
	return 0;
}
