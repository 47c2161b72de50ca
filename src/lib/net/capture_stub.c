/* capture_stub.c - captures in the static binary: files through minetrace's own pcap and
 * pcapng reader, live capture through an AF_PACKET socket of its own; BPF filters
 * unsupported (no libpcap) */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
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

/* Live capture without libpcap: an AF_PACKET datagram socket gives each packet from the
 * network layer up on every kind of interface (loopback, Ethernet, tunnels), fed as raw
 * IP. Outgoing copies on the loopback are dropped (each packet would be seen twice), as
 * libpcap does. No BPF filter: --filter needs libpcap. */
mt_err mt_pcap_live(mt_pcap *p, const char *iface, unsigned seconds, const char *filter,
                    volatile int *stop, char *err, size_t errlen)
{
	if (!p || !iface || (!seconds && !stop))
		return MT_ERR_INVAL;
	if (filter && filter[0]) {
		snprintf(err, errlen,
		         "--filter needs libpcap: this is the static build (capture "
		         "everything, or use the dynamic build)");
		return MT_ERR_UNSUPPORTED;
	}
	unsigned idx = 0;
	if (strcmp(iface, "any") != 0 && (idx = if_nametoindex(iface)) == 0) {
		snprintf(err, errlen, "%s: no such interface", iface);
		return MT_ERR_NOENT;
	}
	unsigned lo = if_nametoindex("lo");
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (fd < 0) {
		int en = errno;
		snprintf(err, errlen, "%s: packet socket: %s", iface, strerror(en));
		return en == EPERM || en == EACCES ? MT_ERR_PERM : MT_ERR_IO;
	}
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	int rcv = 16 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		snprintf(err, errlen, "%s: bind: %s", iface, strerror(errno));
		close(fd);
		return MT_ERR_IO;
	}
	uint8_t *buf = malloc(MT_PCAP_MAX_SNAP);
	if (!buf) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	mt_err e = MT_OK;
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (e == MT_OK) {
		if (stop && *stop)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (seconds && now.tv_sec - t0.tv_sec >= (time_t)seconds)
			break;
		struct pollfd pfd = {fd, POLLIN, 0};
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		for (unsigned burst = 0; burst < 1024 && e == MT_OK; burst++) {
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(fd, buf, MT_PCAP_MAX_SNAP, MSG_TRUNC,
			                     (struct sockaddr *)&from, &fl);
			if (n < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
					snprintf(err, errlen, "%s: %s", iface, strerror(errno));
					e = MT_ERR_IO;
				}
				break;
			}
			if (from.sll_pkttype == PACKET_OUTGOING && (unsigned)from.sll_ifindex == lo)
				continue;
			unsigned proto = ntohs(from.sll_protocol);
			if (proto != ETH_P_IP && proto != ETH_P_IPV6)
				continue;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			size_t cap = (size_t)n < MT_PCAP_MAX_SNAP ? (size_t)n : MT_PCAP_MAX_SNAP;
			e = mt_pcap_packet(p, MT_LINK_RAW,
			                   (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, buf,
			                   cap);
		}
	}
	free(buf);
	close(fd);
	return e;
}
