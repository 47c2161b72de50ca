/* fuzz_pcap.c - libFuzzer target for the packet path of minetrace pcap. The first byte
 * chooses: bit 7 set, the rest is a whole capture, read by minetrace's own pcap/pcapng
 * reader and by libpcap (pcap_fopen_offline on fmemopen); else the link type comes from
 * the low bits and the rest is a series of packets, each a 2-byte big-endian length and
 * its bytes, fed one flow-time apart (with bit 4 set, each packet is preceded by an 8-byte
 * big-endian time of any value, pcapng allows any 64-bit time). The analysis is finished and written as JSON. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minetrace/pcap.h"

static mt_rules *rules;

static int sink(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mt_rules_new(&rules) != MT_OK || mt_rules_load_builtin(rules, NULL, NULL) != MT_OK)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int links[8] = {MT_LINK_ETHERNET, MT_LINK_RAW,  MT_LINK_SLL,  MT_LINK_SLL2,
	                             MT_LINK_NULL,     MT_LINK_LOOP, MT_LINK_IPV4, MT_LINK_IPV6};
	if (size < 1)
		return 0;
	mt_pcap *p = NULL;
	mt_report *r = NULL;
	if (mt_pcap_new(rules, &p) != MT_OK || mt_report_new(&r) != MT_OK)
		abort();
	char err[256];
	if (data[0] & 0x80) {
		mt_pcap_read_buffer(p, data + 1, size - 1, err, sizeof(err));
		FILE *f = fmemopen((void *)(data + 1), size - 1, "rb");
		char ebuf[PCAP_ERRBUF_SIZE];
		pcap_t *h = f ? pcap_fopen_offline(f, ebuf) : NULL;
		if (h) {
			struct pcap_pkthdr *hd;
			const u_char *pkt;
			int link = pcap_datalink(h);
			while (pcap_next_ex(h, &hd, &pkt) == 1)
				mt_pcap_packet(p, link, (int64_t)hd->ts.tv_sec * 1000000 + hd->ts.tv_usec,
				               pkt, hd->caplen);
			pcap_close(h); /* closes f */
		} else if (f) {
			fclose(f);
		}
	} else {
		int link = links[data[0] & 7];
		size_t off = 1;
		int64_t ts = 1500000000ll * 1000000;
		while (size - off >= 2) {
			if (data[0] & 0x10) {
				if (size - off < 10)
					break;
				uint64_t t = 0;
				for (int i = 0; i < 8; i++)
					t = t << 8 | data[off + i];
				ts = (int64_t)t;
				off += 8;
			}
			size_t n = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
			if (n > size - off)
				n = size - off;
			/* copy so that ASan sees reads past the packet */
			uint8_t *pkt = malloc(n ? n : 1);
			if (!pkt)
				abort();
			memcpy(pkt, data + off, n);
			mt_pcap_packet(p, link, ts, pkt, n);
			free(pkt);
			off += n;
			if (ts < INT64_MAX - 10000000)
				ts += (data[0] & 8) ? 10000000 : 1000;
		}
	}
	if (mt_pcap_finish(p, r, "fuzz") == MT_OK) {
		mt_output_opts o = {MT_LANG_EN, 0, 0};
		mt_report_write_json(r, &o, sink, NULL);
		mt_report_write_text(r, &o, sink, NULL);
	}
	mt_report_free(r);
	mt_pcap_free(p);
	return 0;
}
