/* content.c - the content checks: every file of the root (content.files) and the memory
 * of every process (content.memory), both in content/ */
#include "../content/content.h"
#include "checks.h"

mt_err mt_check_content_files(mt_ctx *ctx, const mt_check_info *self)
{
	return ct_scan_files(ctx, self);
}

mt_err mt_check_content_memory(mt_ctx *ctx, const mt_check_info *self)
{
	return ct_scan_memory(ctx, self);
}
