/* capture_stub.c - captures in the static binary: files through minetrace's own pcap and
 * pcapng reader (mapped read-only), live capture unsupported (no libpcap) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net.h"

mt_err mt_pcap_read_file(mt_pcap *p, const char *path, const char *filter, char *err,
                         size_t errlen)
{
	if (!p || !path)
		return MT_ERR_INVAL;
	if (filter && filter[0]) {
		snprintf(err, errlen, "--filter needs libpcap: this is the static build");
		return MT_ERR_UNSUPPORTED;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return mt_errno_to_err(errno);
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "not a regular file");
		return MT_ERR_NOTREG;
	}
	if (st.st_size == 0) {
		close(fd);
		snprintf(err, errlen, "empty file");
		return MT_ERR_PARSE;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		return MT_ERR_IO;
	}
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	mt_err e = mt__pcapfile_read(p, m, (size_t)st.st_size, err, errlen);
	munmap(m, (size_t)st.st_size);
	return e;
}

mt_err mt_pcap_live(mt_pcap *p, const char *iface, unsigned seconds, const char *filter,
                    volatile int *stop, char *err, size_t errlen)
{
	(void)p;
	(void)iface;
	(void)seconds;
	(void)filter;
	(void)stop;
	snprintf(err, errlen, "live capture needs libpcap: use the normal (dynamic) build, or "
	                      "record with tcpdump -w and read the file with this binary");
	return MT_ERR_UNSUPPORTED;
}
