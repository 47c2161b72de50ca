/* checks.h - the check functions named in checks.def */
#ifndef MT_CHECKS_H
#define MT_CHECKS_H

#include "../internal.h"

#define MT_CHECK(sym, id, attack, sev, live, en, zh) \
	mt_err mt_check_##sym(mt_ctx *ctx, const mt_check_info *self);
#include "checks.def"
#undef MT_CHECK

#endif
