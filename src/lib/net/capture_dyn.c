/* capture_dyn.c - captures through libpcap: pcap and pcapng files, BPF filters, and live
 * capture on an interface for a number of seconds */
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"

static mt_err apply_filter(pcap_t *h, const char *filter, char *err, size_t errlen)
{
	if (!filter || !filter[0])
		return MT_OK;
	struct bpf_program prog;
	if (pcap_compile(h, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "bad --filter: %s", pcap_geterr(h));
		return MT_ERR_INVAL;
	}
	int rc = pcap_setfilter(h, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errlen, "--filter: %s", pcap_geterr(h));
		return MT_ERR_INVAL;
	}
	return MT_OK;
}

static int64_t hdr_us(const struct pcap_pkthdr *hd)
{
	return (int64_t)hd->ts.tv_sec * 1000000 + hd->ts.tv_usec;
}

/* Reads every packet of h; a read error (a file cut short) ends it with a message. */
static mt_err drain(mt_pcap *p, pcap_t *h, char *err, size_t errlen)
{
	struct pcap_pkthdr *hd;
	const u_char *data;
	int link = pcap_datalink(h), rc;
	while ((rc = pcap_next_ex(h, &hd, &data)) == 1) {
		size_t cap = hd->caplen;
		mt_err e = mt_pcap_packet(p, link, hdr_us(hd), data, cap);
		if (e != MT_OK)
			return e;
	}
	if (rc == PCAP_ERROR) {
		p->st.capture_errors++;
		snprintf(err, errlen, "%s", pcap_geterr(h));
		return MT_ERR_PARSE;
	}
	return MT_OK;
}

/* Files: minetrace's own streaming reader (pcap, pcapng) unless a BPF filter is given or
 * the format is one only libpcap knows; then libpcap, with a large stdio buffer. */
mt_err mt_pcap_read_file(mt_pcap *p, const char *path, const char *filter, char *err, size_t errlen)
{
	if (!p || !path)
		return MT_ERR_INVAL;
	int fd;
	mt_err e = mt__open_capture(path, &fd, err, errlen);
	if (e != MT_OK)
		return e;
	if (!filter || !filter[0]) {
		e = mt__pcapfile_fd(p, fd, err, errlen);
		if (e != MT_ERR_UNSUPPORTED) {
			close(fd);
			return e;
		}
		if (lseek(fd, 0, SEEK_SET) != 0) {
			close(fd);
			return MT_ERR_IO;
		}
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	setvbuf(f, NULL, _IOFBF, 1u << 20);
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *h = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!h) {
		fclose(f);
		snprintf(err, errlen, "%s", ebuf);
		return MT_ERR_PARSE;
	}
	e = apply_filter(h, filter, err, errlen);
	if (e == MT_OK)
		e = drain(p, h, err, errlen);
	pcap_close(h); /* closes f */
	return e;
}

typedef struct live_ctx {
	mt_pcap *p;
	int link;
	mt_err err;
} live_ctx;

static void live_packet(u_char *user, const struct pcap_pkthdr *hd, const u_char *data)
{
	live_ctx *lc = (live_ctx *)(void *)user;
	if (lc->err == MT_OK)
		lc->err = mt_pcap_packet(lc->p, lc->link, hdr_us(hd), data, hd->caplen);
}

mt_err mt_pcap_live(mt_pcap *p, const char *iface, unsigned seconds, const char *filter,
                    volatile int *stop, char *err, size_t errlen)
{
	if (!p || !iface || (!seconds && !stop))
		return MT_ERR_INVAL;
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *h = pcap_create(iface, ebuf);
	if (!h) {
		snprintf(err, errlen, "%s", ebuf);
		return MT_ERR_IO;
	}
	mt_err e = MT_OK;
	pcap_set_snaplen(h, MT_PCAP_MAX_SNAP);
	pcap_set_promisc(h, 1);
	pcap_set_timeout(h, 200);
	pcap_set_immediate_mode(h, 1);
	pcap_set_buffer_size(h, 16 << 20);
	int rc = pcap_activate(h);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", iface, pcap_geterr(h));
		e = rc == PCAP_ERROR_PERM_DENIED      ? MT_ERR_PERM
		    : rc == PCAP_ERROR_NO_SUCH_DEVICE ? MT_ERR_NOENT
		                                      : MT_ERR_IO;
		goto out;
	}
	if ((e = apply_filter(h, filter, err, errlen)) != MT_OK)
		goto out;
	/* non-blocking reads and our own poll: on Linux (TPACKET_V3) the read timeout only
	 * starts with the first packet, so a quiet interface would block a blocking read */
	if (pcap_setnonblock(h, 1, ebuf) != 0) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		e = MT_ERR_IO;
		goto out;
	}
	int fd = pcap_get_selectable_fd(h);
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	live_ctx lc = {p, pcap_datalink(h), MT_OK};
	for (;;) {
		if (stop && *stop)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (seconds && now.tv_sec - t0.tv_sec >= (time_t)seconds)
			break;
		rc = pcap_dispatch(h, -1, live_packet, (u_char *)&lc);
		if (lc.err != MT_OK) {
			e = lc.err;
			break;
		}
		if (rc < 0) {
			snprintf(err, errlen, "%s: %s", iface, pcap_geterr(h));
			e = MT_ERR_IO;
			break;
		}
		if (rc == 0 && fd >= 0) {
			struct pollfd pfd = {fd, POLLIN, 0};
			poll(&pfd, 1, 200);
		} else if (rc == 0) {
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
out:
	pcap_close(h);
	return e;
}
