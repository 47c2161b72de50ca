/* yara_stub.c - the static and Windows builds carry no libyara (Debian's libyara.a pulls
 * libmagic, libjansson and libcrypto statically): YARA rules are not available there,
 * minetrace's own identification of miners still is */
#include <stdio.h>

#include "content.h"

mt_err ct_yara_validate(const char *name, const char *text, size_t len, char *msg, size_t msgn)
{
	(void)name;
	(void)text;
	(void)len;
	if (msg && msgn)
		snprintf(msg, msgn, "YARA rules need the dynamically linked build (libyara)");
	return MT_ERR_UNSUPPORTED;
}

mt_err ct_yara_build(const mt_rules *rules, ct_yara **out, char *msg, size_t msgn)
{
	*out = NULL;
	if (!mt_rules_yara_count(rules))
		return MT_OK;
	if (msg && msgn)
		snprintf(msg, msgn, "YARA rules need the dynamically linked build (libyara)");
	return MT_ERR_UNSUPPORTED;
}

void ct_yara_free(ct_yara *y)
{
	(void)y;
}

unsigned ct_yara_count(const ct_yara *y)
{
	(void)y;
	return 0;
}

mt_err ct_yscan_new(ct_yara *y, ct_yscan **out)
{
	(void)y;
	*out = NULL;
	return MT_ERR_UNSUPPORTED;
}

void ct_yscan_free(ct_yscan *s)
{
	(void)s;
}

mt_err ct_yscan_run(ct_yscan *s, const void *data, size_t len, const char *path, ct_ymatches *out)
{
	(void)s;
	(void)data;
	(void)len;
	(void)path;
	(void)out;
	return MT_ERR_UNSUPPORTED;
}
