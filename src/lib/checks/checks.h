/* checks.h - the check functions named in checks.def */
#ifndef MT_CHECKS_H
#define MT_CHECKS_H

#include "../internal.h"

/* The flags column of checks.def. */
#define MT_CF_LIVE    1u  /* reads the running system (/proc): skipped with --root */
#define MT_CF_WINDOW  2u  /* its verdicts weigh --since/--until (or the attack window) */
#define MT_CF_WIN     4u  /* reads a Windows system tree; the others read Linux ones */
#define MT_CF_ANYOS   8u  /* reads both (the login events of either system's logs) */
#define MT_CF_CONTENT 16u /* runs only with scan --content (every file, process memory) */

#define MT_CHECK(sym, id, attack, sev, flags, en, zh) \
	mt_err mt_check_##sym(mt_ctx *ctx, const mt_check_info *self);
#include "checks.def"
#undef MT_CHECK

#endif
