/* live.c - the live snapshot: processes sampled for CPU, sockets of every network
 * namespace mapped to the processes holding them, and the process tree */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"

static const char *const tcp_states[] = {"",           "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
                                         "FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
                                         "CLOSE_WAIT", "LAST_ACK",    "LISTEN",    "CLOSING"};

const char *mt_tcp_state_name(unsigned st)
{
	return st < MT_ARRAY_LEN(tcp_states) ? tcp_states[st] : "?";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "0100007F:0D05" (IPv4) or 32 hex digits ":" port (IPv6), each 32-bit word printed
 * in host byte order by the kernel. */
static int parse_endpoint(const char *s, size_t n, char *ip, size_t iplen, unsigned *port)
{
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return -1;
	size_t al = (size_t)(colon - s), pl = n - al - 1;
	if ((al != 8 && al != 32) || pl != 4)
		return -1;
	unsigned char addr[16];
	for (size_t w = 0; w < al / 8; w++) {
		uint32_t v = 0;
		for (size_t i = 0; i < 8; i++) {
			int h = hexval(s[w * 8 + i]);
			if (h < 0)
				return -1;
			v = v << 4 | (uint32_t)h;
		}
		memcpy(addr + 4 * w, &v, 4);
	}
	unsigned p = 0;
	for (size_t i = 0; i < 4; i++) {
		int h = hexval(colon[1 + i]);
		if (h < 0)
			return -1;
		p = p << 4 | (unsigned)h;
	}
	*port = p;
	char raw[64];
	if (al == 8)
		snprintf(raw, sizeof(raw), "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
	else {
		size_t o = 0;
		for (int i = 0; i < 16; i += 2)
			o += (size_t)snprintf(raw + o, sizeof(raw) - o, "%s%02x%02x", i ? ":" : "",
			                      addr[i], addr[i + 1]);
	}
	return mt_ip_canon(raw, strlen(raw), ip, iplen);
}

/* Moves to the next blank-separated field of [*p, end). */
static size_t next_field(const char **p, const char *end, const char **f)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	*f = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	return (size_t)(*p - *f);
}

mt_err mt_sock_parse(const char *proto, const char *data, size_t len, mt_sock **v, size_t *n,
                     size_t *alloc, unsigned *bad)
{
	const char *s = data, *end = data + len;
	int first = 1;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *p = s, *f;
		s = nl ? nl + 1 : end;
		if (first) { /* the header line */
			first = 0;
			continue;
		}
		if (p == le)
			continue;
		mt_sock k;
		memset(&k, 0, sizeof(k));
		snprintf(k.proto, sizeof(k.proto), "%s", proto);
		k.pid = -1;
		size_t fl;
		next_field(&p, le, &f); /* sl */
		fl = next_field(&p, le, &f);
		if (parse_endpoint(f, fl, k.local, sizeof(k.local), &k.lport) != 0)
			goto bad;
		fl = next_field(&p, le, &f);
		if (parse_endpoint(f, fl, k.remote, sizeof(k.remote), &k.rport) != 0)
			goto bad;
		fl = next_field(&p, le, &f);
		if (fl != 2 || hexval(f[0]) < 0 || hexval(f[1]) < 0)
			goto bad;
		k.state = (unsigned)(hexval(f[0]) * 16 + hexval(f[1]));
		next_field(&p, le, &f); /* tx:rx queue */
		next_field(&p, le, &f); /* tr:when */
		next_field(&p, le, &f); /* retrnsmt */
		fl = next_field(&p, le, &f);
		uint64_t u;
		if (mt_parse_u64(f, fl, 0xffffffffu, &u) != 0)
			goto bad;
		k.uid = (unsigned)u;
		next_field(&p, le, &f); /* timeout */
		fl = next_field(&p, le, &f);
		if (mt_parse_u64(f, fl, UINT64_MAX, &u) != 0)
			goto bad;
		k.inode = u;
		if (*n == *alloc) {
			size_t na = *alloc ? *alloc * 2 : 256;
			if (na > (1u << 22))
				return MT_ERR_LIMIT;
			mt_sock *nv = realloc(*v, na * sizeof(*nv));
			if (!nv)
				return MT_ERR_NOMEM;
			*v = nv;
			*alloc = na;
		}
		(*v)[(*n)++] = k;
		continue;
	bad:
		(*bad)++;
	}
	return MT_OK;
}

void mt_live_free(mt_live *l)
{
	if (!l)
		return;
	mt_procs_free(l->procs, l->nprocs);
	free(l->socks);
	free(l);
}

const mt_proc *mt_live_proc(const mt_live *l, int pid)
{
	/* the list is in pid order (getdents of /proc sorted by name is not numeric) */
	for (size_t i = 0; i < l->nprocs; i++)
		if (l->procs[i].pid == pid)
			return &l->procs[i];
	return NULL;
}

static int read_stat_busy(unsigned long long *busy, unsigned long long *total, unsigned *ncpu)
{
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char *d;
	size_t n;
	int trunc;
	mt_err e = mt_read_fd(fd, 1u << 20, &d, &n, &trunc);
	close(fd);
	if (e != MT_OK)
		return -1;
	/* cpu  user nice system idle iowait irq softirq steal guest guest_nice */
	unsigned long long v[10] = {0};
	char *p = d + 3;
	for (int i = 0; i < 10 && strncmp(d, "cpu ", 4) == 0; i++)
		v[i] = strtoull(p, &p, 10);
	/* user, nice, system: the time processes are charged with (not irq or steal) */
	*busy = v[0] + v[1] + v[2];
	*total = *busy + v[3] + v[4] + v[5] + v[6] + v[7];
	unsigned c = 0;
	for (const char *q = d; (q = strstr(q, "\ncpu")) != NULL; q += 4)
		c++;
	*ncpu = c ? c : 1;
	free(d);
	return 0;
}

typedef struct tick {
	int pid;
	unsigned long long start, ticks, child;
} tick;

static int tick_cmp(const void *a, const void *b)
{
	int x = ((const tick *)a)->pid, y = ((const tick *)b)->pid;
	return x < y ? -1 : x > y;
}

/* A quick first pass for the CPU sample: pid, start time and CPU ticks only. */
static mt_err first_pass(tick **out, size_t *n)
{
	mt_proc *ps;
	size_t np;
	*out = NULL;
	*n = 0;
	mt_err e = mt_proc_list(&ps, &np);
	if (e != MT_OK)
		return e;
	tick *t = calloc(np ? np : 1, sizeof(*t));
	if (!t) {
		mt_procs_free(ps, np);
		return MT_ERR_NOMEM;
	}
	for (size_t i = 0; i < np; i++) {
		t[i].pid = ps[i].pid;
		t[i].start = ps[i].start_ticks;
		t[i].ticks = ps[i].cpu_ticks;
		t[i].child = ps[i].child_ticks;
	}
	mt_procs_free(ps, np);
	*out = t;
	*n = np;
	return MT_OK;
}

static int sock_inode_cmp(const void *a, const void *b)
{
	unsigned long long x = ((const mt_sock *)a)->inode, y = ((const mt_sock *)b)->inode;
	return x < y ? -1 : x > y;
}

/* Reads the socket tables of each network namespace once (through the first process
 * seen in it) and gives each socket the process that holds it. */
static mt_err load_sockets(mt_live *l)
{
	static const char *const protos[] = {"tcp", "tcp6", "udp", "udp6"};
	size_t alloc = 0;
	unsigned long long done[256];
	size_t ndone = 0;
	for (size_t i = 0; i <= l->nprocs; i++) {
		unsigned long long ns = i < l->nprocs ? l->procs[i].netns : 0;
		char base[64];
		if (i == l->nprocs) {
			if (ndone)
				break;
			snprintf(base, sizeof(base), "/proc/net"); /* no ns links readable */
		} else {
			int seen = 0;
			for (size_t k = 0; k < ndone; k++)
				seen |= done[k] == ns;
			if (seen || ns == 0 || ndone == MT_ARRAY_LEN(done))
				continue;
			done[ndone++] = ns;
			snprintf(base, sizeof(base), "/proc/%d/net", l->procs[i].pid);
		}
		for (size_t k = 0; k < MT_ARRAY_LEN(protos); k++) {
			char path[96];
			snprintf(path, sizeof(path), "%s/%s", base, protos[k]);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			char *d;
			size_t n;
			int trunc;
			mt_err e = mt_read_fd(fd, 64u << 20, &d, &n, &trunc);
			close(fd);
			if (e != MT_OK)
				continue;
			size_t before = l->nsocks;
			e = mt_sock_parse(protos[k], d, n, &l->socks, &l->nsocks, &alloc,
			                  &l->bad_lines);
			free(d);
			if (e != MT_OK)
				return e;
			for (size_t s = before; s < l->nsocks; s++)
				l->socks[s].netns = ns;
		}
	}
	if (l->nsocks > 1)
		qsort(l->socks, l->nsocks, sizeof(*l->socks), sock_inode_cmp);
	/* owners: the fds of each process that are "socket:[inode]" */
	for (size_t i = 0; i < l->nprocs; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/fd", l->procs[i].pid);
		int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		mt_dirent *ents;
		size_t n;
		if (mt_list_fd(dfd, MT_LIST_GETDENTS, &ents, &n) == MT_OK) {
			for (size_t f = 0; f < n; f++) {
				char link[64];
				ssize_t ll = readlinkat(dfd, ents[f].name, link, sizeof(link) - 1);
				if (ll < 9 || memcmp(link, "socket:[", 8) != 0)
					continue;
				link[ll] = '\0';
				mt_sock key;
				key.inode = strtoull(link + 8, NULL, 10);
				mt_sock *hit = bsearch(&key, l->socks, l->nsocks, sizeof(*l->socks),
				                       sock_inode_cmp);
				if (!hit)
					continue;
				/* all sockets with this inode (several namespaces may repeat none) */
				while (hit > l->socks && hit[-1].inode == key.inode)
					hit--;
				for (; hit < l->socks + l->nsocks && hit->inode == key.inode; hit++)
					if (hit->pid < 0)
						hit->pid = l->procs[i].pid;
			}
			mt_dirents_free(ents, n);
		}
		close(dfd);
	}
	return MT_OK;
}

mt_err mt_live_load(unsigned sample_ms, mt_live **out)
{
	*out = NULL;
	mt_live *l = calloc(1, sizeof(*l));
	if (!l)
		return MT_ERR_NOMEM;
	tick *t0 = NULL;
	size_t nt0 = 0;
	unsigned long long busy0 = 0, total0 = 0, busy1, total1;
	struct timespec a, b;
	mt_err e = MT_OK;
	if (sample_ms) {
		read_stat_busy(&busy0, &total0, &l->ncpu);
		clock_gettime(CLOCK_MONOTONIC, &a);
		e = first_pass(&t0, &nt0);
		if (e == MT_OK) {
			struct timespec d = {(time_t)(sample_ms / 1000),
			                     (long)(sample_ms % 1000) * 1000000L};
			while (nanosleep(&d, &d) != 0 && errno == EINTR)
				;
		}
	}
	if (e == MT_OK)
		e = mt_proc_list(&l->procs, &l->nprocs);
	if (e == MT_OK && sample_ms) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		read_stat_busy(&busy1, &total1, &l->ncpu);
		double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		long hz = sysconf(_SC_CLK_TCK);
		if (secs > 0 && hz > 0) {
			l->sampled = 1;
			l->sample_secs = secs;
			l->busy_pct = (double)(busy1 - busy0) * 100.0 / (double)hz / secs;
			qsort(t0, nt0, sizeof(*t0), tick_cmp);
			for (size_t i = 0; i < l->nprocs; i++) {
				mt_proc *p = &l->procs[i];
				tick key = {p->pid, 0, 0, 0};
				const tick *hit = bsearch(&key, t0, nt0, sizeof(*t0), tick_cmp);
				int found = hit && hit->start == p->start_ticks;
				unsigned long long before = found ? hit->ticks : 0;
				/* a process born during the sample used all its ticks inside it */
				unsigned long long delta = found && p->cpu_ticks >= before
				                                   ? p->cpu_ticks - before
				                                   : p->cpu_ticks;
				p->cpu_pct = (double)delta * 100.0 / (double)hz / secs;
				/* children that ran and were reaped inside the sample are visible too */
				unsigned long long cdelta = found && p->child_ticks >= hit->child
				                                    ? p->child_ticks - hit->child
				                                    : 0;
				l->visible_pct +=
					p->cpu_pct + (double)cdelta * 100.0 / (double)hz / secs;
			}
		}
	}
	free(t0);
	if (e == MT_OK)
		e = load_sockets(l);
	if (e != MT_OK) {
		mt_live_free(l);
		return e;
	}
	*out = l;
	return MT_OK;
}

mt_err mt_live_tree(const mt_live *l, int pid, mt_buf *anc, mt_buf *desc)
{
	int chain[64];
	size_t depth = 0;
	const mt_proc *p = mt_live_proc(l, pid);
	mt_err e = MT_OK;
	while (p && p->ppid > 0 && depth < MT_ARRAY_LEN(chain)) {
		int seen = 0;
		for (size_t i = 0; i < depth; i++)
			seen |= chain[i] == p->ppid;
		if (seen)
			break;
		chain[depth++] = p->ppid;
		p = mt_live_proc(l, p->ppid);
	}
	for (size_t i = depth; i-- > 0 && e == MT_OK;) {
		const mt_proc *a = mt_live_proc(l, chain[i]);
		e = mt_buf_printf(anc, "%s%d %s", i + 1 == depth ? "" : " > ", chain[i],
		                  a ? a->comm : "?");
	}
	/* descendants: breadth first over ppid links, bounded */
	int queue[1024];
	size_t qh = 0, qt = 0, shown = 0;
	queue[qt++] = pid;
	while (qh < qt && e == MT_OK) {
		int cur = queue[qh++];
		for (size_t i = 0; i < l->nprocs && e == MT_OK; i++) {
			if (l->procs[i].ppid != cur || l->procs[i].pid == cur)
				continue;
			if (qt < MT_ARRAY_LEN(queue))
				queue[qt++] = l->procs[i].pid;
			e = mt_buf_printf(desc, "%s%d %s", shown++ ? ", " : "", l->procs[i].pid,
			                  l->procs[i].comm);
		}
	}
	return e;
}

mt_err mt_live_sockets(const mt_live *l, int pid, mt_buf *out, size_t *count)
{
	mt_err e = MT_OK;
	*count = 0;
	for (size_t i = 0; i < l->nsocks && e == MT_OK; i++) {
		const mt_sock *s = &l->socks[i];
		if (s->pid != pid)
			continue;
		int v6l = strchr(s->local, ':') != NULL, v6r = strchr(s->remote, ':') != NULL;
		e = mt_buf_printf(out, "%s%s %s%s%s:%u -> %s%s%s:%u %s", (*count)++ ? "; " : "",
		                  s->proto, v6l ? "[" : "", s->local, v6l ? "]" : "", s->lport,
		                  v6r ? "[" : "", s->remote, v6r ? "]" : "", s->rport,
		                  s->proto[0] == 't' ? mt_tcp_state_name(s->state) : "");
	}
	return e;
}
