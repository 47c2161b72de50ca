/* net.h - internals of minetrace pcap: decoded packets, flows, detectors, host facts */
#ifndef MT_NET_H
#define MT_NET_H

#include "../internal.h"
#include "minetrace/pcap.h"

/* ---- detectors registry (detectors.def) ---- */
enum {
#define MT_DETECTOR(sym, id, attack, sev, en, zh) MT_DET_##sym,
#include "detectors.def"
#undef MT_DETECTOR
	MT_DET_COUNT
};
const mt_check_info *mt__det(int which);

/* ---- bounded reader: every read consumes or fails ---- */
typedef struct mt_rd {
	const uint8_t *p;
	size_t len, off;
} mt_rd;
static inline void rd_init(mt_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}
static inline size_t rd_left(const mt_rd *r)
{
	return r->len - r->off;
}
static inline int rd_skip(mt_rd *r, size_t n)
{
	if (n > r->len - r->off)
		return -1;
	r->off += n;
	return 0;
}
static inline int rd_u8(mt_rd *r, uint8_t *v)
{
	if (r->off >= r->len)
		return -1;
	*v = r->p[r->off++];
	return 0;
}
static inline int rd_u16be(mt_rd *r, uint16_t *v)
{
	if (r->len - r->off < 2)
		return -1;
	*v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return 0;
}
static inline int rd_u16le(mt_rd *r, uint16_t *v)
{
	if (r->len - r->off < 2)
		return -1;
	*v = (uint16_t)(r->p[r->off + 1] << 8 | r->p[r->off]);
	r->off += 2;
	return 0;
}
static inline int rd_u32be(mt_rd *r, uint32_t *v)
{
	if (r->len - r->off < 4)
		return -1;
	const uint8_t *q = r->p + r->off;
	*v = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
	r->off += 4;
	return 0;
}
static inline int rd_u32le(mt_rd *r, uint32_t *v)
{
	if (r->len - r->off < 4)
		return -1;
	const uint8_t *q = r->p + r->off;
	*v = (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
	r->off += 4;
	return 0;
}
static inline int rd_bytes(mt_rd *r, size_t n, const uint8_t **out)
{
	if (n > r->len - r->off)
		return -1;
	*out = r->p + r->off;
	r->off += n;
	return 0;
}

/* ---- addresses: IPv4 kept as ::ffff:a.b.c.d so both families hash alike ---- */
typedef struct mt_addr {
	uint8_t b[16];
} mt_addr;
int mt__addr_is_v4(const mt_addr *a);
void mt__addr_text(const mt_addr *a, char *out, size_t n);                    /* "1.2.3.4" */
void mt__endpoint_text(const mt_addr *a, unsigned port, char *out, size_t n); /* "1.2.3.4:80" */
int mt__addr_internal(const mt_addr *a); /* RFC 1918, CGNAT, loopback, link-local, ULA */
uint32_t mt__hash_bytes(const void *p, size_t n, uint32_t seed);

/* ---- decoded packet ---- */
#define MT_TCP_FIN 0x01
#define MT_TCP_SYN 0x02
#define MT_TCP_RST 0x04
#define MT_TCP_ACK 0x10
typedef struct mt_pkt {
	int64_t ts_us;
	mt_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto; /* 6 TCP, 17 UDP */
	uint8_t flags; /* TCP flags */
	uint32_t seq;
	const uint8_t *payload;
	size_t plen;
	/* an IPv4 fragment (mt__decode returned 1): its id, offset in bytes, more to come;
	 * payload/plen are the fragment's data, proto the datagram's protocol */
	uint8_t frag, frag_more;
	uint16_t ip_id;
	uint32_t frag_off;
} mt_pkt;

/* IPv4 reassembly (frag.c): at most MT_FRAG_MAX datagrams in flight, each at most 65515
 * bytes, forgotten after 30 s of capture time; overlapping fragments (evasion, teardrop)
 * drop the datagram. A complete datagram is decoded as one packet. */
#define MT_FRAG_MAX 64
struct mt_frag;
void mt__frag_packet(mt_pcap *p, const mt_pkt *k);
void mt__frag_free(mt_pcap *p);

/* 0 decoded (TCP or UDP), 1 not for us (counted in st), -1 malformed (counted). */
int mt__decode(int linktype, const uint8_t *data, size_t caplen, mt_pkt *out, mt_pcap_stats *st);

/* times are clamped to [0, MT_PCAP_MAX_TS_US] on entry (mt_pcap_packet) */
#define MT_PCAP_MAX_TS_US (INT64_C(1) << 53)

/* ---- flows ---- */
enum {
	MT_DIR_MODE_NEW = 0,
	MT_DIR_MODE_JSON,
	MT_DIR_MODE_HTTP,
	MT_DIR_MODE_TLS,
	MT_DIR_MODE_SMB,
	MT_DIR_MODE_DNS,    /* DNS over TCP: messages behind a 2-byte length */
	MT_DIR_MODE_TLSREC, /* TLS records followed (tls.c) */
	MT_DIR_MODE_DONE
};

typedef struct mt_stream {
	uint8_t *buf; /* from the buffer pool, MT_PCAP_STREAM_BUF bytes, or NULL */
	uint8_t *ooo; /* from the pool too: segments that came early (flow.c), or NULL */
	uint32_t blen;
	uint32_t next_seq;
	uint32_t seen; /* payload bytes handled */
	uint32_t skip; /* SMB: bytes of the current message still to skip */
	uint8_t have_seq;
	uint8_t mode;
	uint8_t overflow; /* a line longer than the buffer is being dropped */
} mt_stream;

/* An SMB1 transaction a client opened (Trans, Trans2, NT Trans), by the identity all its
 * messages share (MS-CIFS 3.2.4.1.5: PID, MID, TID, UID) */
#define MT_SMB_TX 6
typedef struct mt_smbtx {
	uint16_t mid, pid, tid, uid;
	uint16_t fn;   /* NT Trans function, Trans2 subcommand */
	uint8_t cmd;   /* 0x25, 0x32 or 0xa0 */
	uint8_t state; /* MT_SMBTX_* bits */
} mt_smbtx;
#define MT_SMBTX_COMPLETE 1 /* the primary carried all its parameters and data */
#define MT_SMBTX_INTERIM  2 /* the server asked for the rest (interim response) */
#define MT_SMBTX_DONE     4 /* the server gave its final response */

typedef struct mt_flow {
	mt_addr a, b; /* a: the side that opened it (SYN sender, else first sender) */
	uint16_t ap, bp;
	uint8_t proto;
	uint8_t syn, synack, done, pool_noted, counted_beacon;
	uint32_t hash;
	int32_t session; /* mining session index, -1 none */
	int32_t pair;    /* beacon pair index, -1 none */
	int64_t first_us, last_us;
	uint64_t bytes[2];
	struct mt_flow *hnext, *lprev, *lnext;
	struct mt_flow *bprev, *bnext; /* list of flows holding a stream buffer */
	uint8_t inb;
	mt_stream s[2];             /* [0] a->b, [1] b->a */
	mt_smbtx smb_tx[MT_SMB_TX]; /* SMB1 transactions the client opened (smb.c) */
	uint8_t smb_ntx;
	uint32_t smb_t2_mid[4]; /* Trans2 SESSION_SETUP requests: MID | (direction + 1) << 16 */
	uint8_t smb_nt2;
	uint8_t smb_seen; /* exploits reported on this flow (smb.c SEEN_*) */
	uint8_t tls;      /* MT_FLOW_TLS_* */
} mt_flow;

#define MT_FLOW_TLS_FOLLOW 1 /* TLS records are followed (tls.c) */
#define MT_FLOW_TLS_CERT   2 /* the server's certificate was read, or cannot be any more */

/* ---- mining sessions ---- */
enum { MT_MP_STRATUM = 1, MT_MP_XMR, MT_MP_ETH, MT_MP_GETWORK, MT_MP_TLS };
typedef struct mt_session {
	mt_addr cli, srv;
	uint16_t cport, sport;
	uint8_t variant;
	uint8_t confirmed; /* a request answered with a result, or jobs for shares */
	uint8_t npend;
	uint8_t lst;   /* eviction list: 0 none (confirmed), 1 one message, 2 more */
	uint32_t hash; /* of the endpoints, in the session index */
	int32_t lprev, lnext;
	int64_t first_us, last_us;
	struct {
		char id[24];
		uint8_t what;
	} pend[8];
	uint32_t requests, answers, jobs, submits, accepted;
	char method[32]; /* first login-like method */
	char agent[128], login[192], algo[48], pool[256];
	/* MT_MP_TLS: the client's fingerprints and the rule they matched; records of
	 * application data per direction and the client's larger than a miner sends */
	char ja3[33], ja4[40];
	const mt_rule *tls_rule;
	uint32_t tls_big;
	uint8_t tls_sni;
} mt_session;

/* ---- hosts ---- */
#define MT_HF_MINING     0x01
#define MT_HF_MINING_TRY 0x02
#define MT_HF_BROWSER    0x04
#define MT_HF_SCANNER    0x08
#define MT_HF_ATTACKER   0x10
#define MT_HF_EXPLOITED  0x20
#define MT_HF_ATTACKED   0x40
#define MT_HF_POOL       0x80 /* resolved or contacted a pool */
#define MT_HF_BEACON     0x100
#define MT_HF_C2         0x200
typedef struct mt_hostrec {
	mt_addr ip;
	uint32_t flags;
	uint8_t internal, used;
	uint64_t flows;
	int64_t first_us, last_us;
	char reasons[MT_LANG_COUNT][768];
} mt_hostrec;

typedef struct mt_dnsrec {
	mt_addr ip;
	uint8_t used;
	const mt_rule *rule;
	char name[128];
} mt_dnsrec;

/* One pool / browser-miner / campaign name seen one way (DNS, SNI, Host): one finding for
 * all the clients that used it (review 5) */
#define MT_NAME_LIST 8 /* clients named in the finding */
typedef struct mt_namerec {
	uint32_t hash;
	uint8_t det, how; /* detector; 0 dns, 1 tls-sni, 2 http-host, 3 a flow to the address */
	uint8_t sev, conf, proto;    /* how 3: the worst severity seen, its confidence, 6/17 */
	const mt_rule *rule, *rule2; /* rule2 (how 3): the DNS name's rule */
	char pool[128];              /* how 3: the pool name the address was resolved from */
	char name[256];
	mt_addr srv; /* the first client's server */
	uint16_t sport, dport;
	uint32_t clients, seen; /* distinct clients (as far as tracked), times seen */
	uint8_t more;           /* clients beyond the client-pair limit were not told apart */
	uint8_t nlist;
	mt_addr list[MT_NAME_LIST];
	int64_t first_us;
} mt_namerec;
typedef struct mt_namecli { /* a client of a name record, to count clients once */
	mt_addr cli;
	uint32_t rec;
} mt_namecli;

typedef struct mt_scanrec {
	mt_addr src;
	uint8_t used;
	int64_t win_start, first_us, last_us;
	uint32_t ndst, best, syns, answered;
	uint32_t dsth[64]; /* hashes of distinct destinations in the window */
	char sample[160];
} mt_scanrec;

typedef struct mt_pair {
	mt_addr src, dst;
	uint16_t dport;
	uint8_t used;
	uint32_t hash;
	uint32_t n, nsz;
	int64_t last_us, first_us;
	double isum, isq, ssum, ssq; /* intervals (s) and flow sizes (bytes) */
} mt_pair;

typedef struct mt_chainev {
	int64_t ts_us;
	mt_addr from, to;
	uint8_t what; /* MT_DET_eternalblue, MT_DET_doublepulsar, MT_DET_smb_scan */
} mt_chainev;

struct mt_pcap {
	const mt_rules *rules;
	mt_pcap_stats st;
	struct mt_frag *frags; /* MT_FRAG_MAX datagrams being reassembled, allocated lazily */
	uint64_t frag_done, frag_dropped;
	mt_err err; /* first MT_ERR_NOMEM */
	/* flows */
	mt_flow **ftab; /* chained, grows with the number of flows */
	uint32_t fmask;
	uint64_t hkey[2]; /* random per run: key of the flow hash */
	mt_flow *fpool;   /* MT_PCAP_MAX_FLOWS, allocated lazily in chunks */
	mt_flow *ffree;
	uint32_t fused;
	mt_flow *lru_head, *lru_tail;   /* head: most recent */
	mt_flow *blru_head, *blru_tail; /* flows holding buffers, head: most recently fed */
	uint8_t **bufs;                 /* free stream buffers */
	uint32_t nfreebuf, nbufs;
	mt_session *sess;
	uint32_t nsess, asess;
	mt_itab sessidx;
	int32_t slh[3], slt[3]; /* unconfirmed sessions: [1] one message (by creation),
	                         * [2] more (most recently active first); head, tail */
	uint64_t sess_evicted;  /* unconfirmed sessions forgotten at the cap */
	mt_hostrec *hosts;
	uint32_t nhosts, ahosts;
	uint32_t hrank[MT_SEV_COUNT + 1]; /* hosts per rank (0 clean, 1 + worst severity) */
	uint32_t hcur;                    /* where the search for a host to replace goes on */
	uint64_t hosts_lost;              /* hosts not kept or replaced at the cap */
	mt_itab hidx;
	mt_dnsrec *dns;
	uint32_t ndns, adns;
	uint32_t dcur; /* the oldest answer, replaced next when full */
	mt_itab didx;
	struct mt_dnsq { /* open DNS queries for names of the rules, by hash of name and id */
		mt_addr cli, srv;
		uint16_t id, cport, sport;
		uint8_t used;
		uint32_t nh; /* hash of the name */
	} dnsq[MT_PCAP_DNS_QUERIES];
	mt_namerec *names;
	uint32_t nnames, anames;
	mt_itab nidx;
	mt_namecli *ncli;
	uint32_t nncli, ancli;
	mt_itab ncidx;
	mt_scanrec *scan;
	uint32_t nscan, ascan;
	uint32_t scur;          /* sampling cursor for replacements */
	uint64_t scan_replaced; /* scanner records replaced at the cap */
	mt_itab sidx;
	mt_pair *pairs;
	uint32_t npairs, apairs;
	uint32_t pcur; /* sampling cursor for replacements */
	mt_itab pidx;
	mt_chainev *chain;
	uint32_t nchain, achain;
	mt_report *pending; /* findings made while packets flow, moved at finish */
	int64_t first_us, last_us;
	int64_t started_ms;
	char *notes[MT_MAX_DIAGNOSTICS];
	size_t nnotes;
};

mt_hostrec *mt__host(mt_pcap *p, const mt_addr *ip, int create);
/* Finds (or with create adds) the record for ip in a dense array of records of esz bytes
 * whose first member is an mt_addr, indexed by idx; NULL when absent or at the cap. */
void *mt__addr_table(mt_pcap *p, void **arr, uint32_t *n, uint32_t *alloc, mt_itab *idx, size_t esz,
                     uint32_t cap, const mt_addr *ip, uint32_t seed, int create, int *created);
/* Sets flag on the host of ip and adds a reason in English and Chinese (either may be NULL). */
void mt__host_flag(mt_pcap *p, const mt_addr *ip, uint32_t flag, const char *en, const char *zh);
void mt__flow_packet(mt_pcap *p, const mt_pkt *k);
void mt__flows_finish(mt_pcap *p);
/* The flow of these endpoints (either direction), or NULL. */
mt_flow *mt__flow_find(mt_pcap *p, const mt_addr *a, unsigned ap, const mt_addr *b, unsigned bp,
                       unsigned proto);
void mt__dns_packet(mt_pcap *p, const mt_pkt *k);
const mt_dnsrec *mt__dns_lookup(const mt_pcap *p, const mt_addr *ip);
/* Keyed (per run), symmetric hash of a flow's endpoints. */
uint32_t mt__flow_hash(const mt_pcap *p, const mt_addr *a, unsigned ap, const mt_addr *b,
                       unsigned bp, unsigned proto);
/* stream handlers: data is the newly in-order bytes of direction dir */
void mt__json_stream(mt_pcap *p, mt_flow *f, int dir);
/* One JSON-RPC message of direction dir (http: it came in an HTTP body). */
void mt__jsonrpc_msg(mt_pcap *p, mt_flow *f, int dir, const char *m, size_t n, int http);
void mt__http_stream(mt_pcap *p, mt_flow *f, int dir);
void mt__jsonrpc_body(mt_pcap *p, mt_flow *f, int dir, const char *m, size_t n);
void mt__jsonrpc_prefix(mt_pcap *p, mt_flow *f, int dir, const char *m, size_t n);
void mt__session_http_hints(mt_pcap *p, mt_flow *f, const char *agent, size_t an, const char *user,
                            size_t un);
void mt__tls_client_hello(mt_pcap *p, mt_flow *f, const uint8_t *d, size_t n);
void mt__tls_records(mt_pcap *p, mt_flow *f, int dir);
void mt__tls_fingerprints(const uint8_t *d, size_t n, char ja3_out[33], char ja4_out[40]);
void mt__session_tls(mt_pcap *p, mt_flow *f, const char *ja3, const char *ja4, const mt_rule *x,
                     int sni);
void mt__session_tls_record(mt_pcap *p, mt_flow *f, int dir, uint8_t type, size_t len);
void mt__session_tls_name(mt_pcap *p, mt_flow *f, const char *name, size_t n);
void mt__smb_stream(mt_pcap *p, mt_flow *f, int dir, const uint8_t *d, size_t n, int64_t ts);
void mt__scan_syn(mt_pcap *p, const mt_pkt *k);
void mt__scan_answered(mt_pcap *p, const mt_addr *src);
void mt__chain_add(mt_pcap *p, int64_t ts, const mt_addr *from, const mt_addr *to, int what);
void mt__pair_start(mt_pcap *p, mt_flow *f);
void mt__pair_end(mt_pcap *p, mt_flow *f);
/* A name (SNI, HTTP Host, DNS) seen from a host: pool, browser-miner, campaign rules. */
void mt__name_seen(mt_pcap *p, const mt_addr *cli, const mt_addr *srv, unsigned sport,
                   unsigned dport, const char *name, size_t n, const char *how, int64_t ts);
/* A flow from cli to a pool or campaign address (how 3 of the name records): one finding
 * per address and port for all its clients (review 5). */
void mt__dst_seen(mt_pcap *p, int det, mt_severity sev, unsigned conf, const mt_rule *x,
                  const mt_rule *x2, const char *pool, const mt_addr *cli, unsigned cport,
                  const mt_addr *dst, unsigned dport, unsigned proto, int64_t ts);
void mt__url_seen(mt_pcap *p, const mt_flow *f, const char *host, size_t hn, const char *uri,
                  size_t un);
mt_err mt__sessions_report(mt_pcap *p, mt_report *r);
mt_err mt__names_report(mt_pcap *p, mt_report *r);
mt_err mt__smb_report(mt_pcap *p, mt_report *r);
mt_err mt__beacon_report(mt_pcap *p, mt_report *r);
/* adds src/dst evidence and a block_ip remedy */
void mt__ev_endpoints(mt_finding *f, const mt_addr *src, unsigned sport, const mt_addr *dst,
                      unsigned dport, int block_dst);
void mt__add(mt_pcap *p, mt_finding *f);

/* own pcap/pcapng reader: calls mt_pcap_packet for each record, from memory or streamed
 * from fd. The fd reader returns MT_ERR_UNSUPPORTED (nothing read) for another format. */
mt_err mt__pcapfile_read(mt_pcap *p, const uint8_t *data, size_t len, char *err, size_t errlen);
mt_err mt__pcapfile_fd(mt_pcap *p, int fd, char *err, size_t errlen);
/* opens a capture file for reading: a regular file, never a FIFO or device */
mt_err mt__open_capture(const char *path, int *fd, char *err, size_t errlen);

#endif
