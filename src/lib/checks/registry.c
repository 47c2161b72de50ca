/* registry.c - the table of checks built from checks.def, and check selection */
#include <stdio.h>
#include <string.h>

#include "checks.h"

static const mt_check_info checks[] = {
#define MT_CHECK(sym, id, attack, sev, flags, en, zh) \
	{id,                                          \
	 attack,                                      \
	 sev,                                         \
	 {en, zh},                                    \
	 ((flags)&MT_CF_LIVE) != 0,                   \
	 ((flags)&MT_CF_WINDOW) != 0,                 \
	 ((flags)&MT_CF_ANYOS) ? 3u                   \
	 : ((flags)&MT_CF_WIN) ? 1u << MT_OS_WINDOWS  \
	                       : 1u << MT_OS_LINUX,   \
	 ((flags)&MT_CF_CONTENT) != 0},
#include "checks.def"
#undef MT_CHECK
};

typedef mt_err (*check_fn)(mt_ctx *, const mt_check_info *);
static const check_fn check_fns[] = {
#define MT_CHECK(sym, id, attack, sev, live, en, zh) mt_check_##sym,
#include "checks.def"
#undef MT_CHECK
};

_Static_assert(MT_ARRAY_LEN(checks) <= 64, "the check set is a 64-bit mask");

size_t mt_checks_count(void)
{
	return MT_ARRAY_LEN(checks);
}

const mt_check_info *mt_checks_get(size_t i)
{
	return i < MT_ARRAY_LEN(checks) ? &checks[i] : NULL;
}

const mt_check_info *mt_check_by_id(const char *id)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(checks); i++)
		if (strcmp(checks[i].id, id) == 0)
			return &checks[i];
	return NULL;
}

mt_err mt_check_run(size_t i, mt_ctx *ctx)
{
	if (i >= MT_ARRAY_LEN(checks))
		return MT_ERR_INVAL;
	return check_fns[i](ctx, &checks[i]);
}

mt_err mt_checks_select(const char *list, uint64_t *set, char *bad, size_t badlen)
{
	size_t n = MT_ARRAY_LEN(checks);
	uint64_t all = n >= 64 ? ~0ull : ((1ull << n) - 1);
	*set = 0;
	if (bad && badlen)
		bad[0] = '\0';
	if (!list || !*list || strcmp(list, "all") == 0) {
		*set = all;
		return MT_OK;
	}
	const char *p = list;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int matched = 0;
		if (len == 3 && strncmp(p, "all", 3) == 0) {
			*set |= all;
			matched = 1;
		}
		for (size_t i = 0; i < n && len; i++) {
			const char *id = checks[i].id;
			int hit;
			if (p[len - 1] == '*')
				hit = strncmp(id, p, len - 1) == 0;
			else if (p[len - 1] == '.')
				hit = strncmp(id, p, len) == 0;
			else
				hit = strlen(id) == len && strncmp(id, p, len) == 0;
			if (hit) {
				*set |= 1ull << i;
				matched = 1;
			}
		}
		if (!matched) {
			if (bad && badlen)
				snprintf(bad, badlen, "%.*s", (int)(len < 200 ? len : 200), p);
			*set = 0;
			return MT_ERR_INVAL;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return MT_OK;
}
