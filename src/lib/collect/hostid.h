/* hostid.h - the identity of the scanned host (hostid.c): the host_info record */
#ifndef MT_HOSTID_H
#define MT_HOSTID_H

#include "../internal.h"

#define MT_HOSTID_ADDRS 16
typedef struct mt_hostid {
	char hostname[256];
	char domain[256]; /* Windows: Tcpip\Parameters\Domain */
	char os[160];
	char addr[MT_HOSTID_ADDRS][64]; /* canonical text, loopback left out */
	unsigned naddr;
	char addr_source[24]; /* live, interfaces, ifcfg, netplan, networkmanager, registry */
	int np_skip;          /* netplan reading: indent of a nameservers: block, or -1 */
} mt_hostid;

struct mt_win;
/* Fills h for host (NULL: the machine minetrace runs on); w: the Windows root's hives
 * when already loaded (else NULL). */
void mt_hostid_collect(mt_host *host, struct mt_win *w, mt_hostid *h);

#endif
