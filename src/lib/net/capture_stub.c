/* capture_stub.c - captures in the static binary: files through minetrace's own pcap and
 * pcapng reader, live capture and BPF filters unsupported (no libpcap) */
#include <stdio.h>
#include <unistd.h>

#include "net.h"

mt_err mt_pcap_read_file(mt_pcap *p, const char *path, const char *filter, char *err, size_t errlen)
{
	if (!p || !path)
		return MT_ERR_INVAL;
	if (filter && filter[0]) {
		snprintf(err, errlen, "--filter needs libpcap: this is the static build");
		return MT_ERR_UNSUPPORTED;
	}
	int fd;
	mt_err e = mt__open_capture(path, &fd, err, errlen);
	if (e != MT_OK)
		return e;
	e = mt__pcapfile_fd(p, fd, err, errlen);
	close(fd);
	return e == MT_ERR_UNSUPPORTED ? MT_ERR_PARSE : e;
}

mt_err mt_pcap_live(mt_pcap *p, const char *iface, unsigned seconds, const char *filter,
                    volatile int *stop, char *err, size_t errlen)
{
	(void)p;
	(void)iface;
	(void)seconds;
	(void)filter;
	(void)stop;
	snprintf(err, errlen,
	         "live capture needs libpcap: use the normal (dynamic) build, or "
	         "record with tcpdump -w and read the file with this binary");
	return MT_ERR_UNSUPPORTED;
}
