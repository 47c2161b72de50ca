/* utmp.c - wtmp, btmp and utmp records (glibc struct utmp, 384 bytes) and lastlog
 * (292 bytes per uid), decoded field by field through a bounded reader */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../collect/facts.h"
#include "logs.h"

/* struct utmp of glibc on Linux:
 *   0 int16 ut_type, 4 int32 ut_pid, 8 char ut_line[32], 40 char ut_id[4],
 *   44 char ut_user[32], 76 char ut_host[256], 332 int16 e_termination, e_exit,
 *   336 int32 ut_session, 340 int32 tv_sec, 344 int32 tv_usec, 348 int32 ut_addr_v6[4],
 *   364 char reserved[20]; 384 in all (little-endian on the machines we read). */
#define UT_TYPE 0
#define UT_LINE 8
#define UT_USER 44
#define UT_HOST 76
#define UT_SEC  340
#define UT_ADDR 348

#define UT_BOOT_TIME     2
#define UT_LOGIN_PROCESS 6
#define UT_USER_PROCESS  7

static uint32_t rd32(const unsigned char *p, size_t n, size_t off)
{
	if (off > n || n - off < 4)
		return 0;
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
	       (uint32_t)p[off + 3] << 24;
}

static uint16_t rd16(const unsigned char *p, size_t n, size_t off)
{
	if (off > n || n - off < 2)
		return 0;
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

/* A fixed-size text field: up to its first NUL. */
static void rdstr(const unsigned char *p, size_t n, size_t off, size_t len, char *dst, size_t cap)
{
	dst[0] = '\0';
	if (off > n || n - off < len)
		return;
	const unsigned char *z = memchr(p + off, 0, len);
	size_t k = z ? (size_t)(z - (p + off)) : len;
	if (k >= cap)
		k = cap - 1;
	memcpy(dst, p + off, k);
	dst[k] = '\0';
}

int mt_utmp_parse_record(const unsigned char *p, size_t n, int btmp, mt_logev *ev, int *zeroed)
{
	*zeroed = 0;
	if (n < MT_UTMP_SIZE)
		return MT_AL_BAD;
	size_t i = 0;
	while (i < MT_UTMP_SIZE && p[i] == 0)
		i++;
	if (i == MT_UTMP_SIZE) {
		*zeroed = 1;
		return MT_AL_OTHER;
	}
	memset(ev, 0, sizeof(*ev));
	ev->count = 1;
	unsigned type = rd16(p, n, UT_TYPE);
	if (type > 9)
		return MT_AL_BAD;
	uint32_t sec = rd32(p, n, UT_SEC);
	ev->time = (int64_t)sec;
	rdstr(p, n, UT_USER, 32, ev->user, sizeof(ev->user));
	char host[257], line[33];
	rdstr(p, n, UT_HOST, 256, host, sizeof(host));
	rdstr(p, n, UT_LINE, 32, line, sizeof(line));
	/* the address field: IPv4 in the first word when the other three are zero */
	const unsigned char *a = p + UT_ADDR;
	int v6 = rd32(p, n, UT_ADDR + 4) || rd32(p, n, UT_ADDR + 8) || rd32(p, n, UT_ADDR + 12);
	char addr[64] = "";
	if (v6)
		inet_ntop(AF_INET6, a, addr, sizeof(addr));
	else if (rd32(p, n, UT_ADDR))
		inet_ntop(AF_INET, a, addr, sizeof(addr));
	if (addr[0])
		mt_copy(ev->ip, sizeof(ev->ip), addr);
	else if (host[0] && mt_ip_canon(host, strlen(host), ev->ip, sizeof(ev->ip)) != 0)
		ev->ip[0] = '\0';
	mt_copy(ev->method, sizeof(ev->method), line);
	mt_logev_set_detail(ev, host, strlen(host));
	if (btmp) {
		if (type != UT_LOGIN_PROCESS && type != UT_USER_PROCESS)
			return MT_AL_OTHER;
		ev->kind = MT_LE_BTMP;
		return MT_AL_EVENT;
	}
	if (type == UT_BOOT_TIME) {
		ev->kind = MT_LE_BOOT;
		return MT_AL_EVENT;
	}
	if (type == UT_USER_PROCESS && ev->user[0]) {
		ev->kind = MT_LE_LOGIN;
		return MT_AL_EVENT;
	}
	return MT_AL_OTHER;
}

/* Reads the last cap bytes of a file larger than cap, starting on a record boundary
 * counted from the start of the file: records are appended, so the newest are at the end
 * (and a file padded with a hole by an attacker must not hide them). */
static mt_err read_tail(mt_host *host, const char *path, uint64_t size, size_t cap, char **data,
                        size_t *len, uint64_t *start)
{
	int fd;
	struct stat st;
	mt_err e = mt_host_open_file(host, path, &fd, &st);
	if (e != MT_OK)
		return e;
	if ((uint64_t)st.st_size < size)
		size = (uint64_t)st.st_size;
	uint64_t from = size > cap ? size - cap : 0;
	from = (from + MT_UTMP_SIZE - 1) / MT_UTMP_SIZE * MT_UTMP_SIZE;
	size_t want = from < size ? (size_t)(size - from) : 0;
	char *d = malloc(want + 1);
	if (!d) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	size_t got = 0;
	while (got < want) {
		ssize_t r = pread(fd, d + got, want - got, (off_t)(from + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	d[got] = '\0';
	*data = d;
	*len = got;
	*start = from;
	return MT_OK;
}

mt_err mt_logs_read_utmp(mt_logs *l, mt_host *host, mt_report *rep, const char *path, unsigned kind)
{
	char *data = NULL;
	size_t len = 0;
	int trunc = 0;
	uint64_t start = 0; /* file offset of data[0] */
	struct stat st;
	if (mt_host_stat(host, path, 1, &st) != MT_OK)
		return MT_OK;
	mt_err e;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > MT_MAX_UTMP_FILE) {
		e = read_tail(host, path, (uint64_t)st.st_size, MT_MAX_UTMP_FILE, &data, &len,
		              &start);
		if (e == MT_OK)
			mt_report_diag(
				rep, "%s: %llu bytes: only the last %zu read (the newest records)",
				path, (unsigned long long)st.st_size, len);
	} else {
		e = mt_host_read_file(host, path, MT_MAX_UTMP_FILE, &data, &len, &trunc);
	}
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: not read: %s", path, mt_strerror(e));
		return e == MT_ERR_NOMEM ? e : MT_OK;
	}
	int fi = mt_logs_file(l, path, kind);
	if (fi < 0) {
		free(data);
		return MT_ERR_NOMEM;
	}
	mt_logfile *f = &l->files[fi];
	f->mtime = (int64_t)st.st_mtime;
	f->size = (uint64_t)st.st_size;
	f->truncated = trunc;
	int64_t prev = MT_TIME_NONE;
	/* btmp failures where a text auth log covers the time were counted from it */
	size_t ntext = 0;
	for (size_t i = 0; i < l->nfiles; i++)
		ntext += l->files[i].kind == 0 && l->files[i].first != MT_TIME_NONE;
	for (size_t off = 0; off + MT_UTMP_SIZE <= len && e == MT_OK; off += MT_UTMP_SIZE) {
		mt_logev ev;
		int zeroed;
		f = &l->files[fi];
		f->lines++;
		int k = mt_utmp_parse_record((const unsigned char *)data + off, len - off,
		                             kind == 2, &ev, &zeroed);
		if (zeroed) {
			f->zeroed++;
			continue;
		}
		if (k == MT_AL_BAD) {
			f->skipped++;
			continue;
		}
		if (k != MT_AL_EVENT)
			continue;
		if (f->first == MT_TIME_NONE || ev.time < f->first)
			f->first = ev.time;
		if (ev.time > f->last || f->last == MT_TIME_NONE)
			f->last = ev.time;
		if (prev != MT_TIME_NONE && prev - ev.time > f->max_back)
			f->max_back = prev - ev.time;
		prev = ev.time;
		if (kind == 3)
			continue; /* utmp: who is on now; wtmp has the same logins */
		if (kind == 2 && ntext && mt_logs_text_covers(l, ev.time))
			continue; /* the auth log counted these failures already */
		ev.file = (uint32_t)fi;
		uint64_t recno = (start + off) / MT_UTMP_SIZE + 1;
		ev.lineno = recno > UINT32_MAX ? UINT32_MAX : (uint32_t)recno;
		f->events++;
		e = mt_logs_add(l, &ev);
	}
	f = &l->files[fi];
	if (start == 0 && len % MT_UTMP_SIZE) {
		f->skipped++;
		mt_report_diag(rep,
		               "%s: %zu bytes are not a multiple of the %d-byte record: "
		               "the file was cut or edited",
		               path, len, MT_UTMP_SIZE);
	}
	if (f->skipped)
		mt_report_diag(rep, "%s: %llu of %llu records skipped (not valid utmp records)",
		               path, (unsigned long long)f->skipped, (unsigned long long)f->lines);
	free(data);
	return e;
}

/* lastlog: a sparse file indexed by uid; only the uids of passwd are read. */
mt_err mt_logs_read_lastlog(mt_logs *l, mt_host *host, mt_report *rep)
{
	const char *path = "/var/log/lastlog";
	int fd;
	struct stat st;
	if (mt_host_open_file(host, path, &fd, &st) != MT_OK)
		return MT_OK;
	mt_users *users = NULL;
	mt_err e = mt_users_load(host, rep, &users);
	if (e != MT_OK) {
		close(fd);
		return e;
	}
	int fi = mt_logs_file(l, path, 4);
	if (fi < 0) {
		close(fd);
		mt_users_free(users);
		return MT_ERR_NOMEM;
	}
	l->files[fi].mtime = (int64_t)st.st_mtime;
	l->files[fi].size = (uint64_t)st.st_size;
	for (size_t i = 0; i < users->n && e == MT_OK; i++) {
		unsigned char rec[MT_LASTLOG_SIZE];
		off_t off = (off_t)users->v[i].uid * MT_LASTLOG_SIZE;
		if ((uint64_t)off + MT_LASTLOG_SIZE > (uint64_t)st.st_size)
			continue;
		ssize_t k = pread(fd, rec, sizeof(rec), off);
		if (k != (ssize_t)sizeof(rec))
			continue;
		uint32_t t = rd32(rec, sizeof(rec), 0);
		if (t == 0)
			continue;
		mt_logev ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = MT_LE_LASTLOG;
		ev.count = 1;
		ev.time = (int64_t)t;
		mt_copy(ev.user, sizeof(ev.user), users->v[i].name);
		char line[33], h[257];
		rdstr(rec, sizeof(rec), 4, 32, line, sizeof(line));
		rdstr(rec, sizeof(rec), 36, 256, h, sizeof(h));
		mt_copy(ev.method, sizeof(ev.method), line);
		mt_logev_set_detail(&ev, h, strlen(h));
		if (h[0] && mt_ip_canon(h, strlen(h), ev.ip, sizeof(ev.ip)) != 0)
			ev.ip[0] = '\0';
		ev.file = (uint32_t)fi;
		ev.lineno = users->v[i].uid;
		l->files[fi].lines++;
		l->files[fi].events++;
		e = mt_logs_add(l, &ev);
	}
	close(fd);
	mt_users_free(users);
	return e;
}
