/* collect.c - the evidence bundle: what is taken and the manifest (docs/collect.md).
 * Files are read through the host layer (inside the root, no FIFO opened, O_NOATIME so
 * their access times stay), each up to MAX_FILE bytes and MAX_TOTAL in all; what is named
 * but not taken is listed in the manifest with the reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect/hostid.h"
#include "minetrace/collect.h"
#include "minetrace/timeline.h"
#include "tar.h"

#define MAX_FILE  (256ull << 20)
#define MAX_TOTAL (4ull << 30)
#define MAX_FILES 20000

typedef struct item {
	char *path;
	char why[160]; /* finding ids, or the kind of artifact */
} item;

typedef struct coll {
	mt_host *host;
	item *v;
	size_t n, cap;
	mt_buf man; /* the manifest's file lines */
	mt_tarw *w;
	uint64_t total;
	mt_collect_stats *st;
	mt_err err;
} coll;

static void want(coll *c, const char *path, const char *why)
{
	if (!path || path[0] != '/' || strlen(path) >= MT_MAX_PATH)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].path, path)) {
			size_t l = strlen(c->v[i].why);
			if (!strstr(c->v[i].why, why) && l + strlen(why) + 2 < sizeof(c->v[i].why))
				snprintf(c->v[i].why + l, sizeof(c->v[i].why) - l, ",%s", why);
			return;
		}
	if (c->n >= MAX_FILES)
		return;
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 256;
		item *nv = realloc(c->v, nc * sizeof(*nv));
		if (!nv) {
			c->err = MT_ERR_NOMEM;
			return;
		}
		c->v = nv;
		c->cap = nc;
	}
	item *it = &c->v[c->n];
	if (!(it->path = strdup(path))) {
		c->err = MT_ERR_NOMEM;
		return;
	}
	snprintf(it->why, sizeof(it->why), "%s", why);
	c->n++;
}

/* every file of dir (depth levels down) whose name starts with prefix */
static void want_dir(coll *c, const char *dir, const char *prefix, const char *suffix, int depth,
                     const char *why)
{
	mt_dirent *e = NULL;
	size_t n = 0;
	if (mt_host_list(c->host, dir, MT_LIST_GETDENTS, &e, &n) != MT_OK)
		return;
	for (size_t i = 0; i < n && i < 4096; i++) {
		char p[MT_MAX_PATH];
		int k = snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", e[i].name);
		if (k < 0 || (size_t)k >= sizeof(p))
			continue;
		struct stat st;
		if (mt_host_stat(c->host, p, 0, &st) != MT_OK)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0)
				want_dir(c, p, prefix, suffix, depth - 1, why);
			continue;
		}
		size_t nl = strlen(e[i].name), sl = strlen(suffix);
		if (!strncmp(e[i].name, prefix, strlen(prefix)) &&
		    (nl >= sl && !strcmp(e[i].name + nl - sl, suffix)))
			want(c, p, why);
	}
	mt_dirents_free(e, n);
}

static void want_artifacts(coll *c)
{
	if (mt_host_os(c->host) == MT_OS_WINDOWS) {
		static const char *const hives[] = {"SYSTEM", "SOFTWARE", "SAM", "SECURITY"};
		for (size_t i = 0; i < 4; i++) {
			char p[128];
			static const char *const ext[] = {"", ".LOG1", ".LOG2", ".LOG"};
			for (size_t k = 0; k < 4; k++) {
				snprintf(p, sizeof(p), "/Windows/System32/config/%s%s", hives[i],
				         ext[k]);
				struct stat st;
				if (mt_host_stat(c->host, p, 0, &st) == MT_OK)
					want(c, p, "hive");
			}
		}
		want_dir(c, "/Windows/System32/winevt/Logs", "", ".evtx", 0, "event_log");
		want_dir(c, "/Windows/System32/Tasks", "", "", 4, "task");
		want(c, "/Windows/System32/wbem/Repository/OBJECTS.DATA", "wmi");
		want(c, "/Windows/System32/drivers/etc/hosts", "hosts");
		mt_dirent *u = NULL;
		size_t nu = 0;
		if (mt_host_list(c->host, "/Users", MT_LIST_GETDENTS, &u, &nu) == MT_OK) {
			for (size_t i = 0; i < nu && i < 512; i++) {
				char p[MT_MAX_PATH];
				snprintf(p, sizeof(p), "/Users/%s", u[i].name);
				want_dir(c, p, "NTUSER.DAT", "", 0, "hive");
			}
			mt_dirents_free(u, nu);
		}
		return;
	}
	static const char *const files[] = {
		"/etc/passwd",
		"/etc/shadow",
		"/etc/group",
		"/etc/sudoers",
		"/etc/crontab",
		"/etc/rc.local",
		"/etc/rc.d/rc.local",
		"/etc/ld.so.preload",
		"/etc/hosts",
		"/etc/hostname",
		"/etc/ssh/sshd_config",
		"/etc/os-release",
		"/root/.ssh/authorized_keys",
		"/root/.bash_history",
		"/var/log/lastlog",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(files); i++) {
		struct stat st;
		if (mt_host_stat(c->host, files[i], 0, &st) == MT_OK)
			want(c, files[i], "artifact");
	}
	want_dir(c, "/etc/cron.d", "", "", 0, "cron");
	want_dir(c, "/var/spool/cron", "", "", 2, "cron");
	want_dir(c, "/etc/sudoers.d", "", "", 0, "sudo");
	static const char *const logs[] = {"auth.log", "secure", "messages", "syslog",
	                                   "wtmp",     "btmp",   "cron"};
	for (size_t i = 0; i < MT_ARRAY_LEN(logs); i++)
		want_dir(c, "/var/log", logs[i], "", 0, "log");
	mt_dirent *u = NULL;
	size_t nu = 0;
	if (mt_host_list(c->host, "/home", MT_LIST_GETDENTS, &u, &nu) == MT_OK) {
		for (size_t i = 0; i < nu && i < 512; i++) {
			char p[MT_MAX_PATH];
			snprintf(p, sizeof(p), "/home/%s/.ssh/authorized_keys", u[i].name);
			struct stat st;
			if (mt_host_stat(c->host, p, 0, &st) == MT_OK)
				want(c, p, "artifact");
			snprintf(p, sizeof(p), "/home/%s/.bash_history", u[i].name);
			if (mt_host_stat(c->host, p, 0, &st) == MT_OK)
				want(c, p, "artifact");
		}
		mt_dirents_free(u, nu);
	}
}

static void want_findings(coll *c, const mt_report *r)
{
	for (size_t i = 0; i < mt_report_count(r); i++) {
		const mt_finding *f = mt_report_get(r, i);
		for (size_t k = 0; k < f->nev; k++)
			if (f->ev[k].sval && f->ev[k].sval[0] == '/')
				want(c, f->ev[k].sval, f->id);
		for (size_t a = 0; a < f->nact; a++)
			for (size_t k = 0; k < f->act[a].nparams; k++)
				if (f->act[a].params[k].sval &&
				    !strcmp(f->act[a].params[k].key, "path"))
					want(c, f->act[a].params[k].sval, f->id);
	}
}

static void jstr(mt_buf *b, const char *s)
{
	mt_buf_addc(b, '"');
	mt_escape_json(b, s, strlen(s));
	mt_buf_addc(b, '"');
}

static void jtime(mt_buf *b, const char *key, int64_t t)
{
	char x[40];
	mt_time_iso(t, x, sizeof(x));
	mt_buf_printf(b, ",\"%s\":\"%s\"", key, x);
}

/* one file into the bundle as files/<path>, and its manifest line */
static void take(coll *c, const item *it)
{
	int fd;
	struct stat st;
	mt_buf *m = &c->man;
	mt_buf_adds(m, "{\"path\":");
	jstr(m, it->path);
	mt_buf_adds(m, ",\"why\":");
	jstr(m, it->why);
	mt_err e = mt_host_open_file(c->host, it->path, &fd, &st);
	const char *skip = e == MT_ERR_NOTREG                ? "not a regular file"
	                   : e != MT_OK                      ? mt_strerror(e)
	                   : (uint64_t)st.st_size > MAX_FILE ? "larger than 256 MiB"
	                   : c->total + (uint64_t)st.st_size > MAX_TOTAL
	                           ? "over the 4 GiB of the bundle"
	                           : NULL;
	if (skip) {
		if (e == MT_OK)
			close(fd);
		mt_buf_adds(m, ",\"taken\":false,\"reason\":");
		jstr(m, skip);
		mt_buf_adds(m, "}\n");
		c->st->skipped++;
		return;
	}
	char name[MT_MAX_PATH + 8], sha[65];
	snprintf(name, sizeof(name), "files%s", it->path);
	mt_tar_meta tm = {st.st_mode, st.st_uid, st.st_gid, st.st_mtime};
	uint64_t got = 0;
	mt_err we = mt_tarw_add_fd(c->w, name, &tm, fd, (uint64_t)st.st_size, &got, sha);
	struct stat after;
	int changed = fstat(fd, &after) == 0 &&
	              (after.st_mtime != st.st_mtime || after.st_size != st.st_size);
	close(fd);
	if (we != MT_OK) {
		c->err = we;
		return;
	}
	c->total += (uint64_t)st.st_size;
	c->st->files++;
	c->st->bytes += (uint64_t)st.st_size;
	mt_buf_adds(m, ",\"taken\":true,\"member\":");
	jstr(m, name);
	mt_buf_printf(m, ",\"sha256\":\"%s\",\"size\":%lld,\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u",
	              sha, (long long)st.st_size, (unsigned)(st.st_mode & 07777),
	              (unsigned)st.st_uid, (unsigned)st.st_gid);
	jtime(m, "mtime", st.st_mtime);
	jtime(m, "atime", st.st_atime);
	jtime(m, "ctime", st.st_ctime);
	if (got != (uint64_t)st.st_size)
		mt_buf_printf(m, ",\"short_read\":%llu", (unsigned long long)got);
	if (changed)
		mt_buf_adds(m, ",\"changed_while_read\":true");
	mt_buf_adds(m, "}\n");
}

typedef struct membuf {
	mt_buf b;
} membuf;

static int to_buf(void *ctx, const char *data, size_t len)
{
	mt_buf_add(&((membuf *)ctx)->b, data, len);
	return ((membuf *)ctx)->b.err == MT_OK ? 0 : -1;
}

static void add_member(coll *c, const char *name, const mt_buf *b, const char *why)
{
	if (c->err != MT_OK || b->err != MT_OK)
		return;
	char sha[65];
	mt_sha256_hex(b->data ? b->data : "", b->len, sha);
	mt_tar_meta tm = {0600, 0, 0, (int64_t)time(NULL)};
	c->err = mt_tarw_add(c->w, name, &tm, b->data ? b->data : "", b->len);
	mt_buf_adds(&c->man, "{\"member\":");
	jstr(&c->man, name);
	mt_buf_adds(&c->man, ",\"why\":");
	jstr(&c->man, why);
	mt_buf_printf(&c->man, ",\"sha256\":\"%s\",\"size\":%zu}\n", sha, b->len);
}

/* the running system: processes and sockets as /proc says */
static void live_lists(coll *c)
{
	membuf p;
	mt_buf_init(&p.b, 64u << 20);
	mt_buf_adds(&p.b, "pid\tppid\tuid\tcomm\texe\tcmdline\n");
	mt_dirent *e = NULL;
	size_t n = 0;
	if (mt_host_list(c->host, "/proc", MT_LIST_GETDENTS, &e, &n) == MT_OK) {
		for (size_t i = 0; i < n; i++) {
			const char *pid = e[i].name;
			if (pid[0] < '1' || pid[0] > '9')
				continue;
			char path[64], exe[MT_MAX_PATH] = "", *d = NULL;
			size_t len = 0;
			int trunc;
			snprintf(path, sizeof(path), "/proc/%s/exe", pid);
			char real[80];
			snprintf(real, sizeof(real), "/proc/%s/exe", pid);
			ssize_t l = readlink(real, exe, sizeof(exe) - 1);
			exe[l > 0 ? l : 0] = '\0';
			unsigned ppid = 0, uid = 0;
			char comm[64] = "";
			snprintf(path, sizeof(path), "/proc/%s/status", pid);
			if (mt_host_read_file(c->host, path, 1 << 16, &d, &len, &trunc) == MT_OK) {
				char *s;
				if ((s = strstr(d, "Name:\t")))
					sscanf(s + 6, "%63[^\n]", comm);
				if ((s = strstr(d, "PPid:\t")))
					ppid = (unsigned)strtoul(s + 6, NULL, 10);
				if ((s = strstr(d, "Uid:\t")))
					uid = (unsigned)strtoul(s + 5, NULL, 10);
				free(d);
			}
			snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
			d = NULL;
			len = 0;
			mt_host_read_file(c->host, path, 1 << 16, &d, &len, &trunc);
			for (size_t k = 0; d && k + 1 < len; k++)
				if (d[k] == '\0')
					d[k] = ' ';
			mt_buf_printf(&p.b, "%s\t%u\t%u\t", pid, ppid, uid);
			mt_escape_term(&p.b, comm, strlen(comm), 64);
			mt_buf_addc(&p.b, '\t');
			mt_escape_term(&p.b, exe, strlen(exe), MT_MAX_PATH);
			mt_buf_addc(&p.b, '\t');
			if (d)
				mt_escape_term(&p.b, d, strlen(d), 4096);
			mt_buf_addc(&p.b, '\n');
			free(d);
		}
		mt_dirents_free(e, n);
	}
	add_member(c, "live/processes.tsv", &p.b, "live");
	mt_buf_free(&p.b);
	static const char *const net[] = {"tcp", "tcp6", "udp", "udp6", "unix"};
	for (size_t i = 0; i < MT_ARRAY_LEN(net); i++) {
		char path[64], name[64], *d = NULL;
		size_t len = 0;
		int trunc;
		snprintf(path, sizeof(path), "/proc/net/%s", net[i]);
		if (mt_host_read_file(c->host, path, 64u << 20, &d, &len, &trunc) != MT_OK)
			continue;
		membuf s;
		mt_buf_init(&s.b, 64u << 20);
		mt_buf_add(&s.b, d, len);
		free(d);
		snprintf(name, sizeof(name), "live/proc_net_%s", net[i]);
		add_member(c, name, &s.b, "live");
		mt_buf_free(&s.b);
	}
}

static mt_err file_sha(const char *path, char out[65])
{
	FILE *f = fopen(path, "re");
	if (!f)
		return MT_ERR_IO;
	mt_sha256 c;
	mt_sha256_init(&c);
	unsigned char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		mt_sha256_update(&c, buf, n);
	int bad = ferror(f);
	fclose(f);
	uint8_t d[32];
	mt_sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return bad ? MT_ERR_IO : MT_OK;
}

mt_err mt_collect(mt_host *host, const mt_rules *rules, const char *output, mt_collect_stats *st,
                  char *msg, size_t msglen)
{
	memset(st, 0, sizeof(*st));
	coll c = {host, NULL, 0, 0, {0}, NULL, 0, st, MT_OK};
	mt_err e = mt_tarw_open(output, &c.w);
	if (e != MT_OK) {
		snprintf(msg, msglen, "%s: %s (a new file)", output, mt_strerror(e));
		return e;
	}
	int64_t started = (int64_t)time(NULL);
	mt_buf_init(&c.man, 256u << 20);
	/* the reports first: what they point at is what is taken */
	mt_report *r = NULL;
	mt_scan_opts so;
	mt_scan_opts_init(&so);
	membuf scan = {{0}}, tl = {{0}};
	mt_buf_init(&scan.b, 256u << 20);
	mt_buf_init(&tl.b, 256u << 20);
	if ((e = mt_report_new(&r)) == MT_OK && (e = mt_scan(host, rules, &so, r)) == MT_OK) {
		mt_output_opts oo = {MT_LANG_EN, 0, 0};
		e = mt_report_write_json(r, &oo, to_buf, &scan);
	}
	if (e == MT_OK) {
		mt_timeline_opts to;
		mt_timeline_opts_init(&to);
		mt_timeline *t = NULL;
		if (mt_timeline_build(host, rules, &to, &t) == MT_OK) {
			mt_output_opts oo = {MT_LANG_EN, 0, 0};
			mt_timeline_write_json(t, &oo, to_buf, &tl);
		}
		mt_timeline_free(t);
	}
	if (e != MT_OK) {
		snprintf(msg, msglen, "the scan failed: %s", mt_strerror(e));
	} else {
		add_member(&c, "reports/scan.jsonl", &scan.b, "report");
		add_member(&c, "reports/timeline.jsonl", &tl.b, "report");
		want_findings(&c, r);
		want_artifacts(&c);
		for (size_t i = 0; i < c.n && c.err == MT_OK; i++)
			take(&c, &c.v[i]);
		if (mt_host_is_live(host) && c.err == MT_OK)
			live_lists(&c);
	}
	/* the manifest last: it knows every member's hash */
	if (e == MT_OK && c.err == MT_OK) {
		mt_hostid hid;
		mt_hostid_collect(host, NULL, &hid);
		mt_buf head;
		mt_buf_init(&head, 1u << 20);
		mt__hostinfo_json(&head, &hid, "collect", mt_host_root(host), started);
		membuf man;
		mt_buf_init(&man.b, 512u << 20);
		mt_buf_printf(&man.b, "{\"type\":\"manifest\",\"version\":\"%s\"", MT_VERSION);
		jtime(&man.b, "started", started);
		jtime(&man.b, "finished", (int64_t)time(NULL));
		mt_buf_printf(&man.b, ",\"files_taken\":%u,\"files_skipped\":%u,\"bytes\":%llu}\n",
		              st->files, st->skipped, (unsigned long long)st->bytes);
		mt_buf_add(&man.b, head.data ? head.data : "", head.len);
		mt_buf_add(&man.b, c.man.data ? c.man.data : "", c.man.len);
		add_member(&c, "manifest.jsonl", &man.b, "manifest");
		mt_buf_free(&man.b);
		mt_buf_free(&head);
	}
	if (e == MT_OK && c.err != MT_OK) {
		e = c.err;
		snprintf(msg, msglen, "writing the bundle: %s", mt_strerror(e));
	}
	mt_err ce = mt_tarw_close(c.w);
	if (e == MT_OK && ce != MT_OK) {
		e = ce;
		snprintf(msg, msglen, "writing the bundle: %s", mt_strerror(e));
	}
	if (e == MT_OK && (e = file_sha(output, st->sha256)) == MT_OK) {
		char side[MT_MAX_PATH + 16];
		snprintf(side, sizeof(side), "%s.sha256", output);
		FILE *f = fopen(side, "wxe");
		const char *base = strrchr(output, '/');
		if (!f || fprintf(f, "%s  %s\n", st->sha256, base ? base + 1 : output) < 0 ||
		    fclose(f) != 0) {
			e = MT_ERR_IO;
			snprintf(msg, msglen, "%s: %s", side, strerror(errno));
		}
	}
	if (e != MT_OK)
		unlink(output); /* no half bundle is left to be taken for a whole one */
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].path);
	free(c.v);
	mt_buf_free(&c.man);
	mt_buf_free(&scan.b);
	mt_buf_free(&tl.b);
	mt_report_free(r);
	return e;
}

/* ---- verify ---- */

typedef struct member {
	char *name, sha[65];
	uint64_t size;
} member;

typedef struct vstate {
	member *m;
	size_t n, cap;
	char *manifest;
	int nomem;
} vstate;

static int on_member(void *ctx, const char *name, uint64_t size, const char sha[65],
                     const char *data, size_t len)
{
	vstate *v = ctx;
	if (!strcmp(name, "manifest.jsonl") && data && !v->manifest)
		v->manifest = strndup(data, len);
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 256;
		member *nm = realloc(v->m, nc * sizeof(*nm));
		if (!nm) {
			v->nomem = 1;
			return 1;
		}
		v->m = nm;
		v->cap = nc;
	}
	member *x = &v->m[v->n++];
	x->name = strdup(name);
	memcpy(x->sha, sha, 65);
	x->size = size;
	return 0;
}

mt_err mt_collect_verify(const char *bundle, mt_verify_fn fn, void *ctx, unsigned *problems,
                         unsigned *members, char *msg, size_t msglen)
{
	*problems = 0;
	*members = 0;
	char line[1200];
	char side[MT_MAX_PATH + 16];
	snprintf(side, sizeof(side), "%s.sha256", bundle);
	FILE *sf = fopen(side, "re");
	if (sf) {
		char want[65] = "", got[65];
		if (fscanf(sf, "%64s", want) != 1)
			want[0] = '\0';
		fclose(sf);
		if (file_sha(bundle, got) != MT_OK) {
			snprintf(msg, msglen, "cannot read the bundle");
			return MT_ERR_IO;
		}
		if (strcmp(want, got) != 0) {
			snprintf(line, sizeof(line),
			         "the bundle's SHA-256 is %s, its .sha256 file says %s", got, want);
			fn(ctx, line);
			(*problems)++;
		}
	}
	vstate v = {0};
	mt_err e = mt_tar_read(bundle, 512u << 20, on_member, &v, msg, msglen);
	if (e == MT_OK && v.nomem)
		e = MT_ERR_NOMEM;
	if (e == MT_OK && !v.manifest) {
		snprintf(msg, msglen, "no manifest.jsonl in the bundle");
		e = MT_ERR_PARSE;
	}
	*members = (unsigned)v.n;
	/* every manifest entry: its member with that hash and size */
	unsigned char *used = e == MT_OK ? calloc(v.n ? v.n : 1, 1) : NULL;
	for (char *l = v.manifest, *nl; e == MT_OK && l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		mt_json *j = NULL;
		size_t at;
		if (mt_json_parse(l, strlen(l), &j, &at) != MT_OK) {
			fn(ctx, "a manifest line that is not JSON");
			(*problems)++;
			continue;
		}
		const char *mem = mt_json_str(j, "member"), *sha = mt_json_str(j, "sha256");
		int64_t size = -1;
		mt_json_int(j, "size", &size);
		if (mem && sha && strcmp(mem, "manifest.jsonl") != 0) {
			size_t k = 0;
			for (; k < v.n && strcmp(v.m[k].name, mem); k++)
				;
			if (k == v.n) {
				snprintf(line, sizeof(line),
				         "%.600s: in the manifest, not in the bundle", mem);
				fn(ctx, line);
				(*problems)++;
			} else {
				used[k] = 1;
				if (strcmp(v.m[k].sha, sha) ||
				    (size >= 0 && v.m[k].size != (uint64_t)size)) {
					snprintf(
						line, sizeof(line),
						"%.600s: SHA-256 %s, the manifest says %s (changed)",
						mem, v.m[k].sha, sha);
					fn(ctx, line);
					(*problems)++;
				}
			}
		}
		mt_json_free(j);
	}
	for (size_t k = 0; e == MT_OK && k < v.n; k++)
		if (!used[k] && strcmp(v.m[k].name, "manifest.jsonl")) {
			snprintf(line, sizeof(line), "%.600s: in the bundle, not in the manifest",
			         v.m[k].name);
			fn(ctx, line);
			(*problems)++;
		}
	free(used);
	for (size_t k = 0; k < v.n; k++)
		free(v.m[k].name);
	free(v.m);
	free(v.manifest);
	return e;
}
