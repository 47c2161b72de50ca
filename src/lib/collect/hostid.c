/* hostid.c - who the scanned host is, for the host_info record every JSON report starts
 * with (a fleet joins reports by it): the host name, its addresses and its OS.
 *   live: gethostname(), the interfaces (getifaddrs), /etc/os-release;
 *   a Linux tree: /etc/hostname (or HOSTNAME= of /etc/sysconfig/network), the static
 *     addresses of ifcfg-*, /etc/network/interfaces(.d), netplan and NetworkManager
 *     keyfiles, /etc/os-release (or /etc/redhat-release);
 *   a Windows tree: ComputerName and Tcpip\Parameters (Hostname, Domain) of the current
 *     control set, the interfaces' IPAddress and DhcpIPAddress, ProductName and build of
 *     SOFTWARE\Microsoft\Windows NT\CurrentVersion.
 * Every file read is bounded and inside the root; a missing piece is an empty field. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostid.h"
#include "win/winhost.h"

#define FILE_CAP (256u * 1024)

static void add_addr(mt_hostid *h, const char *a, size_t n)
{
	char ip[64], canon[64];
	while (n && (a[n - 1] == ' ' || a[n - 1] == '"' || a[n - 1] == '\'' || a[n - 1] == ','))
		n--;
	while (n && (*a == ' ' || *a == '"' || *a == '\'' || *a == '[')) {
		a++;
		n--;
	}
	const char *slash = memchr(a, '/', n); /* 10.0.0.5/24 */
	if (slash)
		n = (size_t)(slash - a);
	if (!n || n >= sizeof(ip))
		return;
	memcpy(ip, a, n);
	ip[n] = '\0';
	if (mt_ip_canon(ip, n, canon, sizeof(canon)) != 0)
		return;
	if (!strcmp(canon, "127.0.0.1") || !strcmp(canon, "::1") || !strcmp(canon, "0.0.0.0"))
		return;
	for (unsigned i = 0; i < h->naddr; i++)
		if (!strcmp(h->addr[i], canon))
			return;
	if (h->naddr < MT_HOSTID_ADDRS)
		mt_copy(h->addr[h->naddr++], sizeof(h->addr[0]), canon);
}

static void set_source(mt_hostid *h, const char *src)
{
	if (!h->addr_source[0])
		mt_copy(h->addr_source, sizeof(h->addr_source), src);
}

/* the value of KEY=value lines (shell style, quotes dropped) */
static int kv_line(const char *line, size_t n, const char *key, const char **v, size_t *vn)
{
	size_t kl = strlen(key);
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	if (n <= kl || memcmp(line, key, kl) != 0 || line[kl] != '=')
		return 0;
	*v = line + kl + 1;
	*vn = n - kl - 1;
	while (*vn && ((*v)[*vn - 1] == '\r' || (*v)[*vn - 1] == ' '))
		(*vn)--;
	if (*vn >= 2 &&
	    ((**v == '"' && (*v)[*vn - 1] == '"') || (**v == '\'' && (*v)[*vn - 1] == '\''))) {
		(*v)++;
		*vn -= 2;
	}
	return 1;
}

typedef void (*line_fn)(mt_hostid *h, const char *line, size_t n);

static int each_line(mt_host *host, const char *path, mt_hostid *h, line_fn fn)
{
	char *d = NULL;
	size_t len = 0;
	int trunc = 0;
	if (mt_host_read_file(host, path, FILE_CAP, &d, &len, &trunc) != MT_OK)
		return 0;
	for (size_t i = 0; i < len;) {
		const char *e = memchr(d + i, '\n', len - i);
		size_t n = e ? (size_t)(e - (d + i)) : len - i;
		fn(h, d + i, n);
		i += n + 1;
	}
	free(d);
	return 1;
}

static void hostname_line(mt_hostid *h, const char *line, size_t n)
{
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	if (!n || *line == '#' || h->hostname[0] || n >= sizeof(h->hostname))
		return;
	memcpy(h->hostname, line, n);
	h->hostname[n] = '\0';
}

static void sysconfig_line(mt_hostid *h, const char *line, size_t n)
{
	const char *v;
	size_t vn;
	if (kv_line(line, n, "HOSTNAME", &v, &vn) && vn && vn < sizeof(h->hostname) &&
	    !h->hostname[0]) {
		memcpy(h->hostname, v, vn);
		h->hostname[vn] = '\0';
	}
}

static void osrel_line(mt_hostid *h, const char *line, size_t n)
{
	const char *v;
	size_t vn;
	if (kv_line(line, n, "PRETTY_NAME", &v, &vn) && vn && vn < sizeof(h->os)) {
		memcpy(h->os, v, vn);
		h->os[vn] = '\0';
	}
}

static void ifcfg_line(mt_hostid *h, const char *line, size_t n)
{
	const char *v;
	size_t vn;
	char key[16];
	/* IPADDR, IPADDR0..IPADDR9, IPV6ADDR */
	for (int k = -1; k < 10; k++) {
		if (k < 0)
			snprintf(key, sizeof(key), "IPADDR");
		else
			snprintf(key, sizeof(key), "IPADDR%d", k);
		if (kv_line(line, n, key, &v, &vn)) {
			add_addr(h, v, vn);
			return;
		}
	}
	if (kv_line(line, n, "IPV6ADDR", &v, &vn))
		add_addr(h, v, vn);
}

/* "address 10.0.0.5/24" or "address 10.0.0.5" inside an iface stanza */
static void interfaces_line(mt_hostid *h, const char *line, size_t n)
{
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	if (n > 8 && !memcmp(line, "address", 7) && (line[7] == ' ' || line[7] == '\t'))
		add_addr(h, line + 8, n - 8);
}

/* netplan: "addresses: [10.0.0.5/24, ...]" or a list of "- 10.0.0.5/24" under it; a
 * list item that is no address is skipped by add_addr */
static void netplan_line(mt_hostid *h, const char *line, size_t n)
{
	int indent = 0;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--, indent++;
	if (!n || *line == '#')
		return;
	/* the resolvers' addresses of a nameservers: block are not the host's */
	if (h->np_skip >= 0 && indent > h->np_skip)
		return;
	h->np_skip = -1;
	if (n >= 12 && !memcmp(line, "nameservers:", 12)) {
		h->np_skip = indent;
		return;
	}
	if (n > 10 && !memcmp(line, "addresses:", 10)) {
		const char *p = line + 10, *e = line + n;
		while (p < e && (*p == ' ' || *p == '['))
			p++;
		while (p < e) {
			const char *c = memchr(p, ',', (size_t)(e - p));
			const char *end = c ? c : e;
			const char *q = end;
			while (q > p && (q[-1] == ']' || q[-1] == ' ' || q[-1] == '\r'))
				q--;
			add_addr(h, p, (size_t)(q - p));
			p = c ? c + 1 : e;
		}
	} else if (n > 2 && line[0] == '-' && line[1] == ' ') {
		const char *q = line + 2;
		size_t m = n - 2;
		while (m && (q[m - 1] == '\r' || q[m - 1] == ' '))
			m--;
		if (m && memchr(q, '/', m)) /* an address with its prefix */
			add_addr(h, q, m);
	}
}

/* NetworkManager keyfile: address1=10.0.0.5/24,10.0.0.1 */
static void nm_line(mt_hostid *h, const char *line, size_t n)
{
	if (n > 8 && !memcmp(line, "address", 7) && (line[7] >= '1' && line[7] <= '9')) {
		const char *eq = memchr(line, '=', n);
		if (!eq)
			return;
		const char *v = eq + 1, *c = memchr(v, ',', n - (size_t)(v - line));
		add_addr(h, v, c ? (size_t)(c - v) : n - (size_t)(v - line));
	}
}

static void each_file(mt_host *host, const char *dir, const char *prefix, const char *suffix,
                      mt_hostid *h, line_fn fn, const char *source)
{
	mt_dirent *ents = NULL;
	size_t n = 0;
	if (mt_host_list(host, dir, MT_LIST_READDIR, &ents, &n) != MT_OK)
		return;
	for (size_t i = 0; i < n && i < 256; i++) {
		const char *nm = ents[i].name;
		size_t l = strlen(nm), pl = strlen(prefix), sl = strlen(suffix);
		if (l < pl + sl || strncmp(nm, prefix, pl) || strcmp(nm + l - sl, suffix))
			continue;
		if (!strcmp(nm, "ifcfg-lo"))
			continue;
		char path[MT_MAX_PATH];
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		unsigned before = h->naddr;
		each_line(host, path, h, fn);
		if (h->naddr > before)
			set_source(h, source);
	}
	mt_dirents_free(ents, n);
}

static void linux_tree(mt_host *host, mt_hostid *h)
{
	each_line(host, "/etc/hostname", h, hostname_line);
	if (!h->hostname[0])
		each_line(host, "/etc/sysconfig/network", h, sysconfig_line);
	if (!each_line(host, "/etc/os-release", h, osrel_line))
		each_line(host, "/usr/lib/os-release", h, osrel_line);
	if (!h->os[0]) { /* CentOS 6: the first line of redhat-release is the name */
		mt_hostid t;
		memset(&t, 0, sizeof(t));
		if (each_line(host, "/etc/redhat-release", &t, hostname_line))
			mt_copy(h->os, sizeof(h->os), t.hostname);
	}
	unsigned before = h->naddr;
	each_line(host, "/etc/network/interfaces", h, interfaces_line);
	if (h->naddr > before)
		set_source(h, "interfaces");
	each_file(host, "/etc/network/interfaces.d", "", "", h, interfaces_line, "interfaces");
	each_file(host, "/etc/sysconfig/network-scripts", "ifcfg-", "", h, ifcfg_line, "ifcfg");
	h->np_skip = -1;
	each_file(host, "/etc/netplan", "", ".yaml", h, netplan_line, "netplan");
	each_file(host, "/etc/NetworkManager/system-connections", "", "", h, nm_line,
	          "networkmanager");
}

static void win_text(mt_win_hive *hv, mt_regf_key base, const char *path, const char *name,
                     char *out, size_t n)
{
	char *t = mt_win_text(hv, base, path, name);
	if (t && t[0] && !out[0])
		mt_copy(out, n, t);
	free(t);
}

typedef struct ifctx {
	mt_hostid *h;
	mt_win_hive *hv;
} ifctx;

static int win_iface(void *c, mt_regf_key k)
{
	ifctx *x = c;
	static const char *const names[] = {"IPAddress", "DhcpIPAddress"};
	for (size_t i = 0; i < 2; i++) {
		char *t = mt_win_text(x->hv, k, "", names[i]);
		if (!t)
			continue;
		for (char *p = t; *p;) { /* REG_MULTI_SZ: one per line */
			char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			add_addr(x->h, p, n);
			p += n + (e != NULL);
		}
		free(t);
	}
	return 0;
}

static void windows_tree(mt_win *w, mt_hostid *h)
{
	if (w->system.h && w->ccs) {
		win_text(&w->system, w->ccs, "Control\\ComputerName\\ComputerName", "ComputerName",
		         h->hostname, sizeof(h->hostname));
		win_text(&w->system, w->ccs, "Services\\Tcpip\\Parameters", "Hostname", h->hostname,
		         sizeof(h->hostname));
		win_text(&w->system, w->ccs, "Services\\Tcpip\\Parameters", "Domain", h->domain,
		         sizeof(h->domain));
		mt_regf_key ifs;
		if (mt_regf_find(w->system.h, w->ccs, "Services\\Tcpip\\Parameters\\Interfaces",
		                 &ifs) == MT_OK) {
			ifctx x = {h, &w->system};
			unsigned before = h->naddr;
			mt_regf_each_subkey(w->system.h, ifs, win_iface, &x);
			if (h->naddr > before)
				set_source(h, "registry");
		}
	}
	if (w->software.h) {
		char prod[96] = "", build[32] = "", disp[32] = "";
		mt_regf_key root = mt_regf_root(w->software.h);
		const char *cv = "Microsoft\\Windows NT\\CurrentVersion";
		win_text(&w->software, root, cv, "ProductName", prod, sizeof(prod));
		win_text(&w->software, root, cv, "CurrentBuild", build, sizeof(build));
		win_text(&w->software, root, cv, "DisplayVersion", disp, sizeof(disp));
		if (prod[0])
			snprintf(h->os, sizeof(h->os), "%s%s%s%s%s", prod, disp[0] ? " " : "", disp,
			         build[0] ? " build " : "", build);
	}
	if (!h->os[0])
		mt_copy(h->os, sizeof(h->os), "Windows");
}

static void live_host(mt_hostid *h)
{
	if (gethostname(h->hostname, sizeof(h->hostname) - 1) != 0)
		h->hostname[0] = '\0';
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) != 0)
		return;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		int fam = i->ifa_addr->sa_family;
		if (fam != AF_INET && fam != AF_INET6)
			continue;
		char txt[64];
		if (fam == AF_INET) {
			const struct sockaddr_in *s = (const void *)i->ifa_addr;
			if (!inet_ntop(AF_INET, &s->sin_addr, txt, sizeof(txt)))
				continue;
		} else {
			const struct sockaddr_in6 *s = (const void *)i->ifa_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr) ||
			    !inet_ntop(AF_INET6, &s->sin6_addr, txt, sizeof(txt)))
				continue;
		}
		add_addr(h, txt, strlen(txt));
	}
	freeifaddrs(ifa);
	set_source(h, "live");
}

void mt_hostid_collect(mt_host *host, mt_win *w, mt_hostid *h)
{
	memset(h, 0, sizeof(*h));
	if (!host) { /* the machine minetrace runs on, without a host layer (pcap) */
		live_host(h);
		int fd = open("/etc/os-release", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		char *d = NULL;
		size_t len = 0;
		int trunc = 0;
		if (fd >= 0 && mt_read_fd(fd, FILE_CAP, &d, &len, &trunc) == MT_OK)
			for (size_t i = 0; i < len;) {
				const char *e = memchr(d + i, '\n', len - i);
				size_t n = e ? (size_t)(e - (d + i)) : len - i;
				osrel_line(h, d + i, n);
				i += n + 1;
			}
		free(d);
		if (fd >= 0)
			close(fd);
		if (!h->os[0])
			mt_copy(h->os, sizeof(h->os), "Linux");
		return;
	}
	if (mt_host_is_live(host)) {
		live_host(h);
		each_line(host, "/etc/os-release", h, osrel_line);
	} else if (mt_host_os(host) == MT_OS_WINDOWS) {
		if (w)
			windows_tree(w, h);
		else
			mt_copy(h->os, sizeof(h->os), "Windows");
	} else {
		linux_tree(host, h);
	}
	if (!h->os[0])
		mt_copy(h->os, sizeof(h->os),
		        mt_host_os(host) == MT_OS_WINDOWS ? "Windows" : "Linux");
}
