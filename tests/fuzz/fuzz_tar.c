/* fuzz_tar.c - libFuzzer target: the bundle reader (src/lib/bundle/tar.c) on any bytes
 * as a .tar.gz (a bundle to verify may come from anywhere): names terminated and bounded,
 * sizes as held, no crash on cut, corrupt or hostile gzip, ustar and pax headers */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bundle/tar.h"

static int on_member(void *ctx, const char *name, uint64_t size, const char sha[65],
                     const char *data, size_t len)
{
	(void)ctx;
	if (strlen(name) >= MT_MAX_PATH || strlen(sha) != 64 || (data && len != size))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	int fd = memfd_create("fuzz_tar", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, d, n) != (ssize_t)n) {
		close(fd);
		return 0;
	}
	char path[64], msg[256];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	mt_tar_read(path, 1u << 20, on_member, NULL, msg, sizeof(msg));
	close(fd);
	return 0;
}
