/* tls.c - the server name (SNI) of a TLS ClientHello, read with the bounded reader */
#include <string.h>

#include "net.h"

void mt__tls_client_hello(mt_pcap *p, mt_flow *f, const uint8_t *d, size_t n)
{
	mt_rd r;
	uint8_t u8;
	uint16_t u16, ver;
	uint32_t hs;
	rd_init(&r, d, n);
	if (rd_u8(&r, &u8) || u8 != 0x16 || rd_u16be(&r, &ver) || rd_u16be(&r, &u16))
		return;
	if (u16 < r.len - r.off)
		r.len = r.off + u16;
	if (rd_u32be(&r, &hs) || (hs >> 24) != 1) /* ClientHello */
		return;
	if (rd_skip(&r, 2 + 32) || rd_u8(&r, &u8) || rd_skip(&r, u8) || /* version, random, sid */
	    rd_u16be(&r, &u16) || rd_skip(&r, u16) ||                   /* cipher suites */
	    rd_u8(&r, &u8) || rd_skip(&r, u8) ||                        /* compression */
	    rd_u16be(&r, &u16))                                         /* extensions length */
		return;
	if (u16 < rd_left(&r))
		r.len = r.off + u16;
	while (rd_left(&r) >= 4) {
		uint16_t type, elen;
		if (rd_u16be(&r, &type) || rd_u16be(&r, &elen) || elen > rd_left(&r))
			return;
		if (type != 0) {
			rd_skip(&r, elen);
			continue;
		}
		mt_rd e;
		rd_init(&e, r.p + r.off, elen);
		uint16_t listlen, nlen;
		uint8_t nt;
		const uint8_t *name;
		if (rd_u16be(&e, &listlen) || rd_u8(&e, &nt) || nt != 0 || rd_u16be(&e, &nlen) ||
		    rd_bytes(&e, nlen, &name) || nlen == 0)
			return;
		mt__name_seen(p, &f->a, &f->b, f->ap, f->bp, (const char *)name, nlen, "tls-sni",
		              f->last_us);
		return;
	}
}
