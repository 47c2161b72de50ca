/* pcap.h - public API of minetrace's network analysis: captures in, per-host verdicts out */
#ifndef MINETRACE_PCAP_H
#define MINETRACE_PCAP_H

#include "minetrace/minetrace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One analysis: packets of any number of captures go in, findings and host verdicts come
 * out. Opaque; create with mt_pcap_new, free with mt_pcap_free (accepts NULL). */
typedef struct mt_pcap mt_pcap;

/* rules must outlive the analysis (pool, browser-miner and campaign names and addresses). */
mt_err mt_pcap_new(const mt_rules *rules, mt_pcap **out);
void mt_pcap_free(mt_pcap *p);

/* Link types understood (the values of the pcap LINKTYPE_ registry). */
#define MT_LINK_NULL     0   /* BSD loopback: 4-byte family in host order */
#define MT_LINK_ETHERNET 1   /* Ethernet, with 802.1Q / 802.1ad (QinQ) tags */
#define MT_LINK_RAW      101 /* raw IPv4 or IPv6 (also DLT_RAW 12 and 14) */
#define MT_LINK_LOOP     108 /* OpenBSD loopback: family in network order */
#define MT_LINK_SLL      113 /* Linux cooked capture v1 */
#define MT_LINK_IPV4     228
#define MT_LINK_IPV6     229
#define MT_LINK_SLL2     276 /* Linux cooked capture v2 */

/* Feeds one captured packet: linktype as above, ts_us its time in microseconds since the
 * epoch, data[0..caplen) the captured bytes. A malformed or unknown packet is skipped and
 * counted (see mt_pcap_stats); returns MT_ERR_NOMEM only when memory ran out. */
mt_err mt_pcap_packet(mt_pcap *p, int linktype, int64_t ts_us, const uint8_t *data, size_t caplen);

/* Reads a pcap or pcapng file (libpcap in the normal build, minetrace's own reader in
 * the static one); filter is a BPF expression or NULL (libpcap build only). On an error
 * err[0..errlen) holds a message; packets read before it are kept. */
mt_err mt_pcap_read_file(mt_pcap *p, const char *path, const char *filter, char *err,
                         size_t errlen);
/* Reads a pcap or pcapng capture held in memory with minetrace's own bounded reader. */
mt_err mt_pcap_read_buffer(mt_pcap *p, const uint8_t *data, size_t len, char *err, size_t errlen);
/* Captures on a live interface for seconds (0: until *stop becomes non-zero; stop may
 * be NULL with seconds > 0). MT_ERR_UNSUPPORTED in the static build. */
mt_err mt_pcap_live(mt_pcap *p, const char *iface, unsigned seconds, const char *filter,
                    volatile int *stop, char *err, size_t errlen);

typedef struct mt_pcap_stats {
	uint64_t packets, bytes;       /* packets seen and their captured bytes */
	uint64_t malformed;            /* skipped: a header cut short or inconsistent */
	uint64_t truncated;            /* of those: cut by the snap length or the file */
	uint64_t non_ip;               /* not IPv4/IPv6 (ARP, LLDP...) or unknown link type */
	uint64_t fragments;            /* IPv4/IPv6 fragments (IPv4 ones reassembled) */
	uint64_t flows, flows_evicted; /* TCP/UDP flows created, and evicted when full */
	uint64_t dropped;              /* items dropped at a limit (sessions, hosts...) */
	uint64_t capture_errors;       /* records of the file that could not be read */
} mt_pcap_stats;
void mt_pcap_stats_get(const mt_pcap *p, mt_pcap_stats *out);

/* Records a problem met outside the packets (a capture file cut short); it becomes a
 * diagnostic of the report. At most MT_MAX_DIAGNOSTICS are kept. */
void mt_pcap_note(mt_pcap *p, const char *msg);

/* Ends the analysis: adds the findings to report, the host verdicts, the notes and the
 * counts of skipped packets (as diagnostics), and names the source (label: the files or
 * "live:IFACE") with the time the analysis took. Call once, after the last packet. */
mt_err mt_pcap_finish(mt_pcap *p, mt_report *report, const char *label);

/* The network detectors (id, ATT&CK, severity, titles), for docs and "--checks list". */
size_t mt_pcap_detectors_count(void);
const mt_check_info *mt_pcap_detector_get(size_t i); /* NULL when out of range */

#ifdef __cplusplus
}
#endif
#endif
