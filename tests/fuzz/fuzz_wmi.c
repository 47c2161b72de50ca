/* fuzz_wmi.c - libFuzzer target: repository bytes through mt_wmi_carve; every object
 * has its fields, strings are terminated and capped, offsets lie in the input, the
 * count keeps to the cap and stopping is honoured */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/win/wmi.h"

typedef struct fz {
	size_t size, n, stop_after;
} fz;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_wmi: invariant failed: %s\n", what);
		abort();
	}
}

static int on_obj(void *p, const mt_wmi_obj *o)
{
	fz *z = p;
	check(o->kind >= MT_WMI_FILTER && o->kind <= MT_WMI_BINDING, "kind");
	check(o->class_name && o->name && o->a && o->b && o->c, "fields never NULL");
	check(strlen(o->name) <= MT_MAX_WMI_STRING && strlen(o->a) <= MT_MAX_WMI_STRING &&
	              strlen(o->b) <= MT_MAX_WMI_STRING && strlen(o->c) <= MT_MAX_WMI_STRING,
	      "strings capped");
	check(o->offset < z->size, "offset inside the input");
	(void)mt_wmi_known_benign(o);
	z->n++;
	return z->stop_after && z->n >= z->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	fz z = {size, 0, 0};
	size_t n = mt_wmi_carve(buf, size, on_obj, &z);
	check(n == z.n, "count is what was given");
	check(n <= MT_MAX_WMI_OBJECTS, "object cap");
	if (n >= 2) {
		fz y = {size, 0, n / 2};
		check(mt_wmi_carve(buf, size, on_obj, &y) == n / 2, "the walk stops when asked");
	}
	free(buf);
	return 0;
}
