/* engine.c - scan --content: one walker thread lists the tree by directory descriptors
 * (no path is resolved twice, no symbolic link followed, no FIFO or device opened, no
 * /proc, /sys or network file system entered, bind-mount loops cut) and hands open
 * files to N workers; each worker judges the bytes (judge.c) window by window, at low
 * CPU and I/O priority. Findings of content.files go into the report under a lock. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../checks/checks.h"
#include "../collect/facts.h"
#include "content.h"

#define QCAP      64u
#define MAX_DEPTH 64u
#define VISITED   (1u << 16) /* directories remembered against bind-mount loops */

typedef struct item {
	int fd;
	struct stat st;
	char *path;
	unsigned worktree; /* inside a version-controlled tree (a .git above it) */
} item;

typedef struct engine {
	mt_ctx *ctx;
	const mt_check_info *self;
	int live;
	mt_pkgdb *db;
	ct_yara *yara;
	ct_places *places;
	pthread_mutex_t qlock;
	pthread_cond_t can_take, can_put;
	item q[QCAP];
	size_t head, count;
	int walk_done, stop;
	pthread_mutex_t rlock; /* the report, the counters */
	uint64_t files, bytes, dirs, unreadable, self_files, defender_notes, bombs, quarantined;
	uint64_t total_est;
	mt_err err;
	char **debs; /* "name_version_arch.deb" of the installed packages, sorted */
	size_t ndebs;
	uint64_t debs_skipped;
	struct {
		dev_t dev;
		ino_t ino;
	} * visited;
	size_t nvisited;
	char path[MT_MAX_PATH];
} engine;

/* ---- priorities ---- */

static void low_priority(void)
{
	/* nice and the idle I/O class are per thread on Linux */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
#ifdef SYS_ioprio_set
	syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (3 << 13) /* IDLE */);
#endif
}

/* ---- the walker ---- */

static int skip_fs(const engine *g, int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case 0x9fa0:     /* proc */
	case 0x62656572: /* sysfs */
	case 0x1cd1:     /* devpts */
	case 0x27e0eb:   /* cgroup */
	case 0x63677270: /* cgroup2 */
	case 0x64626720: /* debugfs */
	case 0x74726163: /* tracefs */
	case 0x73636673: /* securityfs */
	case 0xcafe4a11: /* bpf */
	case 0x6165676c: /* pstore */
	case 0x0187:     /* autofs: entering mounts it */
	case 0x42494e4d: /* binfmt_misc */
	case 0x6969:     /* NFS */
	case 0x517b:     /* SMB */
	case 0xff534d42: /* CIFS */
	case 0xfe534d42: /* SMB2 */
	case 0x5346414f: /* AFS */
	case 0x00c36400: /* Ceph */
	case 0x01021997: /* 9p */
		return 1;
	case 0x65735546: /* FUSE: sshfs and friends on a live host; ntfs-3g images offline */
		return g->live;
	}
	return 0;
}

static int seen_dir(engine *g, const struct stat *st)
{
	size_t h = ((size_t)st->st_ino * 2654435761u ^ (size_t)st->st_dev) & (VISITED - 1);
	for (size_t k = 0; k < 32; k++) {
		size_t i = (h + k) & (VISITED - 1);
		if (g->visited[i].ino == 0 && g->visited[i].dev == 0) {
			g->visited[i].dev = st->st_dev;
			g->visited[i].ino = st->st_ino;
			return 0;
		}
		if (g->visited[i].ino == st->st_ino && g->visited[i].dev == st->st_dev)
			return 1;
	}
	return 0; /* table crowded: walk on (depth still bounds it) */
}

static void put(engine *g, item *it)
{
	pthread_mutex_lock(&g->qlock);
	while (g->count == QCAP && !g->stop)
		pthread_cond_wait(&g->can_put, &g->qlock);
	if (g->stop) {
		pthread_mutex_unlock(&g->qlock);
		close(it->fd);
		free(it->path);
		return;
	}
	g->q[(g->head + g->count) % QCAP] = *it;
	g->count++;
	pthread_cond_signal(&g->can_take);
	pthread_mutex_unlock(&g->qlock);
}

static int open_reg(int dfd, const char *name, const struct stat *st, int *out)
{
	int fd = openat(dfd, name,
	                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat b;
	if (fstat(fd, &b) != 0 || !S_ISREG(b.st_mode) || b.st_ino != st->st_ino ||
	    b.st_dev != st->st_dev) {
		close(fd);
		return -1;
	}
	*out = fd;
	return 0;
}

static int is_quarantine(const char *path)
{
	return strcmp(path, "/var/lib/minetrace/quarantine") == 0;
}

static void walk(engine *g, int dfd, size_t plen, unsigned depth, unsigned worktree)
{
	if (depth > MAX_DEPTH || g->stop)
		return;
	mt_dirent *ents;
	size_t n;
	if (mt_list_fd(dfd, MT_LIST_GETDENTS, &ents, &n) != MT_OK) {
		g->unreadable++;
		return;
	}
	for (size_t i = 0; i < n && !worktree; i++)
		if (!strcmp(ents[i].name, ".git"))
			worktree = 1;
	for (size_t i = 0; i < n && !g->stop; i++) {
		const char *name = ents[i].name;
		size_t nl = strlen(name);
		if (plen + 1 + nl >= sizeof(g->path))
			continue;
		g->path[plen] = '/';
		memcpy(g->path + plen + 1, name, nl + 1);
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (g->live && depth == 0 &&
			    (!strcmp(name, "proc") || !strcmp(name, "sys")))
				continue;
			if (is_quarantine(g->path)) {
				g->quarantined++;
				continue;
			}
			int sub =
				openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				g->unreadable++;
				continue;
			}
			struct stat ds;
			if (fstat(sub, &ds) != 0 || seen_dir(g, &ds) || skip_fs(g, sub)) {
				close(sub);
				continue;
			}
			g->dirs++;
			walk(g, sub, plen + 1 + nl, depth + 1, worktree);
			close(sub);
			g->path[plen] = '\0';
			continue;
		}
		if (!S_ISREG(st.st_mode) || st.st_size == 0)
			continue;
		item it = {-1, st, NULL, worktree};
		if (open_reg(dfd, name, &st, &it.fd) != 0) {
			g->unreadable++;
			continue;
		}
		it.path = mt_strdup(g->path);
		if (!it.path) {
			close(it.fd);
			g->err = MT_ERR_NOMEM;
			g->stop = 1;
			break;
		}
		put(g, &it);
	}
	g->path[plen] = '\0';
	mt_dirents_free(ents, n);
}

/* ---- apt's cache: the .deb files of installed versions ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* apt names a cached package name_version_arch.deb, the epoch's ':' as "%3a" */
static void load_debs(engine *g)
{
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(g->ctx->host, "/var/lib/dpkg/status", 64u * 1024 * 1024, &data, &len,
	                      &trunc) != MT_OK)
		return;
	char pkg[128] = "", ver[128] = "", arch[32] = "";
	int installed = 0;
	size_t cap = 0;
	for (char *line = data; line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, "Package: ", 9))
			snprintf(pkg, sizeof(pkg), "%s", line + 9);
		else if (!strncmp(line, "Version: ", 9))
			snprintf(ver, sizeof(ver), "%s", line + 9);
		else if (!strncmp(line, "Architecture: ", 14))
			snprintf(arch, sizeof(arch), "%s", line + 14);
		else if (!strncmp(line, "Status: ", 8))
			installed = strstr(line, " installed") != NULL;
		if (!line[0] || !nl) { /* the end of a stanza */
			if (installed && pkg[0] && ver[0] && arch[0] && g->ndebs < 100000) {
				char name[400], v[200];
				size_t o = 0;
				for (const char *c = ver; *c && o + 4 < sizeof(v); c++) {
					if (*c == ':') {
						memcpy(v + o, "%3a", 3);
						o += 3;
					} else {
						v[o++] = *c;
					}
				}
				v[o] = '\0';
				snprintf(name, sizeof(name), "%s_%s_%s.deb", pkg, v, arch);
				if (g->ndebs == cap) {
					cap = cap ? cap * 2 : 256;
					char **nv = realloc(g->debs, cap * sizeof(*nv));
					if (!nv)
						break;
					g->debs = nv;
				}
				if ((g->debs[g->ndebs] = mt_strdup(name)) != NULL)
					g->ndebs++;
			}
			pkg[0] = ver[0] = arch[0] = '\0';
			installed = 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(data);
	if (g->ndebs)
		qsort(g->debs, g->ndebs, sizeof(*g->debs), cmp_str);
}

/* A .deb of apt's cache that is the installed version of its package: its files are on
 * disk, owned and judged there; unpacking it again (xz) would only cost time. */
static int installed_deb(const engine *g, const char *path)
{
	static const char dir[] = "/var/cache/apt/archives/";
	if (!g->ndebs || strncmp(path, dir, sizeof(dir) - 1) != 0)
		return 0;
	const char *name = path + sizeof(dir) - 1;
	if (strchr(name, '/'))
		return 0;
	return bsearch(&name, g->debs, g->ndebs, sizeof(*g->debs), cmp_str) != NULL;
}

/* ---- the workers ---- */

typedef struct worker {
	engine *g;
	pthread_t th;
	ct_judge j;
	unsigned char *buf;
} worker;

static int take(engine *g, item *it)
{
	pthread_mutex_lock(&g->qlock);
	while (g->count == 0 && !g->walk_done && !g->stop)
		pthread_cond_wait(&g->can_take, &g->qlock);
	if (g->count == 0) {
		pthread_mutex_unlock(&g->qlock);
		return 0;
	}
	*it = g->q[g->head];
	g->head = (g->head + 1) % QCAP;
	g->count--;
	pthread_cond_signal(&g->can_put);
	pthread_mutex_unlock(&g->qlock);
	return 1;
}

static void merge(ct_verdict *into, const ct_verdict *v)
{
	if (v->nothing || v->self)
		return;
	if (into->nothing || v->sev > into->sev || (v->sev == into->sev && v->conf > into->conf)) {
		ct_ymatches y = into->y;
		int defender = into->defender;
		*into = *v;
		if (!into->y.n)
			into->y = y;
		into->defender |= defender;
	}
}

static const struct {
	const char *what;
	const char *title[MT_LANG_COUNT];
} titles[] = {
	{"miner", {"Miner program found by its code", "按代码识别出的挖矿程序"}},
	{"known_hash", {"Known miner or malware file (hash)", "已知挖矿或恶意文件(哈希)"}},
	{"miner_driver",
         {"MSR driver that miners load (WinRing0)", "挖矿程序加载的MSR驱动(WinRing0)"}},
	{"miner_config", {"Miner configuration (pool, wallet)", "挖矿配置文件(矿池、钱包)"}},
	{"wallet", {"File that names a Monero wallet", "含门罗币钱包地址的文件"}},
	{"script", {"Malicious script found by its content", "按内容发现的恶意脚本"}},
	{"yara", {"File matched by a YARA rule", "命中YARA规则的文件"}},
	{"archive_bomb",
         {"Archive that unpacks beyond the limits (bomb)", "解压超限的压缩包(压缩炸弹)"}},
};

static const char *title_of(const char *what, mt_lang l)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(titles); i++)
		if (!strcmp(titles[i].what, what))
			return titles[i].title[l];
	return titles[6].title[l];
}

static void file_sha256(int fd, unsigned char *buf, size_t bufn, char hex[65])
{
	mt_sha256 c;
	uint8_t d[32];
	mt_sha256_init(&c);
	off_t off = 0;
	ssize_t r;
	while ((r = pread(fd, buf, bufn, off)) > 0) {
		mt_sha256_update(&c, buf, (size_t)r);
		off += r;
	}
	mt_sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void yara_list(const ct_ymatches *y, char *out, size_t n, char *strs, size_t sn)
{
	size_t l = 0, sl = 0;
	out[0] = strs[0] = '\0';
	for (unsigned i = 0; i < y->n && l + 4 < n; i++) {
		l += (size_t)snprintf(out + l, n - l, "%s%s:%s", i ? "," : "", y->m[i].ns,
		                      y->m[i].rule);
		if (sl + 4 < sn && y->m[i].strings[0])
			sl += (size_t)snprintf(strs + sl, sn - sl, "%s%s: %s", i ? "; " : "",
			                       y->m[i].rule, y->m[i].strings);
	}
	if (l >= n)
		out[n - 1] = '\0';
	if (sl >= sn)
		strs[sn - 1] = '\0';
}

static void report_file(worker *w, const item *it, ct_verdict *v)
{
	engine *g = w->g;
	ct_place pl;
	int placed = g->places && ct_places_lookup(g->places, it->path, &pl);
	char sha[65] = "";
	if (v->sha256[0])
		memcpy(sha, v->sha256, sizeof(sha));
	else
		file_sha256(it->fd, w->buf, CT_STEP, sha);
	char member[200] = "";
	const char *m = strstr(v->reasons, "in_archive:");
	if (m) {
		m += 11;
		size_t k = strcspn(m, ",");
		snprintf(member, sizeof(member), "%.*s", (int)(k < 199 ? k : 199), m);
	}
	char yl[400], ys[400];
	yara_list(&v->y, yl, sizeof(yl), ys, sizeof(ys));

	mt_finding *f = mt_finding_new(g->self, v->sev, v->conf);
	for (int l = 0; l < MT_LANG_COUNT; l++) {
		int en = l == MT_LANG_EN;
		mt_buf b;
		mt_buf_init(&b, MT_MAX_TEXT - 1);
		const char *what = v->what;
		if (!strcmp(what, "miner"))
			mt_buf_printf(&b,
			              en ? "The file is %s by its code (%s), whatever its name."
			                 : "该文件按代码判定为%s（%s），与文件名无关。",
			              v->family[0] ? v->family : "a miner", v->reasons);
		else if (!strcmp(what, "known_hash"))
			mt_buf_printf(&b,
			              en ? "The file's SHA-256 is a known one (%s)."
			                 : "该文件的SHA-256为已知恶意哈希（%s）。",
			              v->rule && v->rule->note ? v->rule->note : "rules");
		else if (!strcmp(what, "miner_driver"))
			mt_buf_printf(&b,
			              en ? "The file is the MSR driver Windows miners load (%s)."
			                 : "该文件是Windows挖矿程序加载的MSR驱动（%s）。",
			              v->reasons);
		else if (!strcmp(what, "miner_config") || !strcmp(what, "wallet"))
			mt_buf_printf(
				&b,
				en ? "The file is a miner's configuration (%s): pool %s, wallet %s."
				   : "该文件是挖矿配置（%s）：矿池%s，钱包%s。",
				v->reasons, v->pool[0] ? v->pool : "-",
				v->wallet[0] ? v->wallet : "-");
		else if (!strcmp(what, "script"))
			mt_buf_printf(&b, en ? "The script %s (%s)." : "该脚本%s（%s）。",
			              en ? "downloads, runs or hides a program"
			                 : "下载、执行或隐藏程序",
			              v->reasons);
		else if (!strcmp(what, "archive_bomb"))
			mt_buf_printf(&b,
			              en ? "The archive unpacks to more than %u times its size: "
			                   "left unpacked."
			                 : "该压缩包解压后超过其大小的%u倍：未继续解压。",
			              CT_ARCHIVE_RATIO);
		else
			mt_buf_printf(&b, en ? "YARA rules match: %s." : "命中YARA规则：%s。", yl);
		if (strcmp(what, "yara") != 0 && v->y.n)
			mt_buf_printf(&b, en ? " YARA: %s." : " YARA：%s。", yl);
		if (member[0])
			mt_buf_printf(&b,
			              en ? " It is the member %s of the archive."
			                 : " 位于压缩包内：%s。",
			              member);
		if (v->decoded[0] && strcmp(v->decoded, "archive member") != 0)
			mt_buf_printf(&b,
			              en ? " Found after decoding (%s)." : " 解码（%s）后发现。",
			              v->decoded);
		if (placed && pl.layer_kind[0])
			mt_buf_printf(&b,
			              en ? " It lies in a container %s layer%s%s%s%s."
			                 : " 位于容器%s层%s%s%s%s。",
			              !strcmp(pl.layer_kind, "container")
			                      ? (en ? "writable" : "可写")
			                      : (en ? "image" : "镜像"),
			              pl.container[0] ? (en ? " of container " : "，容器") : "",
			              pl.container_name[0] ? pl.container_name : pl.container,
			              pl.image[0] ? (en ? ", image " : "，镜像") : "", pl.image);
		if (placed && pl.share[0])
			mt_buf_printf(&b,
			              en ? " It lies in the Samba share [%s]: Windows clients that "
			                   "open it run it."
			                 : " 位于Samba共享[%s]中：打开它的Windows客户端会运行它。",
			              pl.share);
		if (it->worktree && v->sev <= MT_SEV_LOW)
			mt_buf_adds(&b, en ? " It is part of a version-controlled work tree: low."
			                   : " 它属于版本库工作目录：低。");
		if (v->defender)
			mt_buf_printf(
				&b,
				en ? " The file is a defender's file (%s): it names miners, "
				     "it is none (informational)."
				   : " 该文件是防御方文件（%s）：仅提及挖矿，并非恶意（提示）。",
				v->defender_what);
		mt_finding_text(f, (mt_lang)l, title_of(what, (mt_lang)l), "%s",
		                b.data ? b.data : "");
		mt_buf_free(&b);
	}
	mt_finding_str(f, "path", it->path, 1);
	if (member[0])
		mt_finding_str(f, "member", member, 1);
	mt_finding_str(f, "what", v->what, 0);
	if (v->family[0])
		mt_finding_str(f, "family", v->family, 0);
	mt_finding_str(f, "reasons", v->reasons, 0);
	if (sha[0])
		mt_finding_str(f, "sha256", sha, 0);
	mt_finding_int(f, "size", (long long)it->st.st_size, 0);
	mt_finding_int(f, "mtime", (long long)it->st.st_mtime, 0);
	mt_finding_int(f, "ctime", (long long)it->st.st_ctime, 0);
	mt_finding_int(f, "uid", (long long)it->st.st_uid, 0);
	if (v->pool[0])
		mt_finding_str(f, "pool", v->pool, 0);
	if (v->wallet[0])
		mt_finding_str(f, "wallet", v->wallet, 0);
	if (v->decoded[0])
		mt_finding_str(f, "decoded", v->decoded, 0);
	if (v->line[0]) {
		mt_finding_str(f, "line", v->line, 0);
		if (v->lineno)
			mt_finding_int(f, "lineno", v->lineno, 0);
	}
	if (v->y.n) {
		mt_finding_str(f, "yara", yl, 0);
		if (ys[0])
			mt_finding_str(f, "yara_strings", ys, 0);
	}
	if (v->defender)
		mt_finding_str(f, "defender_file", v->defender_what, 0);
	if (placed) {
		if (pl.layer[0])
			mt_finding_str(f, "layer", pl.layer, 0);
		if (pl.layer_kind[0])
			mt_finding_str(f, "layer_kind", pl.layer_kind, 0);
		if (pl.container[0])
			mt_finding_str(f, "container", pl.container, 0);
		if (pl.container_name[0])
			mt_finding_str(f, "container_name", pl.container_name, 0);
		if (pl.image[0])
			mt_finding_str(f, "image", pl.image, 0);
		if (pl.share[0])
			mt_finding_str(f, "share", pl.share, 0);
	}
	if (v->rule)
		mt_finding_rule(f, v->rule);
	/* remedies fit the severity: only what is high or above is taken away */
	/* (a script under /etc is a start-up or configuration file: the persistence
	 * checks take its lines out, the file stays) */
	if (v->sev >= MT_SEV_HIGH &&
	    !(!strcmp(v->what, "script") && !strncmp(it->path, "/etc/", 5))) {
		mt_action *act = mt_finding_action(f, "quarantine_file");
		mt_action_str(f, act, "path", it->path);
		if (sha[0])
			mt_action_str(f, act, "sha256", sha);
	}
	pthread_mutex_lock(&g->rlock);
	mt_err e = mt_report_add(g->ctx->report, f);
	if (e == MT_ERR_NOMEM)
		g->err = e;
	pthread_mutex_unlock(&g->rlock);
}

/* whether what was found comes from the text alone (a configuration, a script line) */
static int text_only(const ct_verdict *v)
{
	return !strcmp(v->what, "miner_config") || !strcmp(v->what, "wallet") ||
	       !strcmp(v->what, "script");
}

static void one_file(worker *w, item *it)
{
	engine *g = w->g;
	ct_verdict v, win;
	memset(&v, 0, sizeof(v));
	v.nothing = 1;
	v.sev = MT_SEV_INFO;
	uint64_t size = (uint64_t)it->st.st_size, off = 0;
	size_t keep = 0;
	int self = 0;
	int owned = g->db && mt_pkgdb_owner(g->db, it->path) != NULL;
	size_t used = 0;
	while (off < size) {
		size_t want = CT_STEP - keep;
		ssize_t r = pread(it->fd, w->buf + keep, want, (off_t)off);
		if (r <= 0)
			break;
		/* a program is judged whole up to CT_WINDOW (its hash, its code in one piece);
		 * other bytes in steps of CT_STEP */
		if (off == 0 && (size_t)r == CT_STEP && size <= CT_WINDOW && r >= 4 &&
		    (!memcmp(w->buf,
		             "\x7f"
		             "ELF",
		             4) ||
		     (w->buf[0] == 'M' && w->buf[1] == 'Z'))) {
			ssize_t r2 =
				pread(it->fd, w->buf + r, (size_t)(size - (uint64_t)r), (off_t)r);
			if (r2 > 0)
				r += r2;
		}
		size_t have = keep + (size_t)r;
		if (have > used)
			used = have;
		/* known hashes: a whole file no package owns (a package's file is the
		 * package's, and its code is still judged) */
		w->j.want_hash = off == 0 && (uint64_t)r == size && !owned;
		/* the text of a file is judged in its first step (a log of gigabytes is no
		 * configuration); its code, its hash and YARA see every step */
		w->j.code_only = owned || off > 0;
		if (off == 0 && ct_archive_magic(w->buf, have) && installed_deb(g, it->path)) {
			pthread_mutex_lock(&g->rlock);
			g->debs_skipped++;
			g->bytes += size;
			pthread_mutex_unlock(&g->rlock);
			break; /* (still a file the walk counted) */
		}
		if (off == 0 && size > have && ct_archive_magic(w->buf, have)) {
			/* a large archive: its members from the file itself */
			ct_judge_archive_fd(&w->j, it->path, it->fd, size, &win);
			merge(&v, &win);
			pthread_mutex_lock(&g->rlock);
			g->bytes += size;
			pthread_mutex_unlock(&g->rlock);
			break;
		}
		ct_judge_bytes(&w->j, it->path, w->buf, have, 0, &win);
		if (win.self)
			self = 1;
		merge(&v, &win);
		pthread_mutex_lock(&g->rlock);
		if (strstr(win.reasons, "archive_bomb"))
			g->bombs++;
		g->bytes += (uint64_t)r;
		pthread_mutex_unlock(&g->rlock);
		off += (uint64_t)r;
		if (off >= size || self)
			break;
		keep = have > CT_OVERLAP ? CT_OVERLAP : have;
		memmove(w->buf, w->buf + have - keep, keep);
	}
	/* the pages a whole program took are given back: the resident size stays about one
	 * step a worker */
	if (used > CT_STEP)
		madvise(w->buf + CT_STEP, CT_WINDOW - CT_STEP, MADV_DONTNEED);
	pthread_mutex_lock(&g->rlock);
	g->files++;
	if (self && v.nothing)
		g->self_files++;
	pthread_mutex_unlock(&g->rlock);
	if (v.nothing || v.sev < MT_SEV_INFO)
		return;
	/* where it lies: a package's own script, a checkout's fixture */
	if (text_only(&v) && !v.rule && !v.y.n) {
		if (g->db && mt_pkgdb_owner(g->db, it->path))
			return;
		if (it->worktree && it->st.st_uid != 0 && v.sev > MT_SEV_LOW) {
			v.sev = MT_SEV_LOW;
			if (v.conf > 40)
				v.conf = 40;
		}
	}
	if (v.defender && v.sev <= MT_SEV_INFO) {
		pthread_mutex_lock(&g->rlock);
		g->defender_notes++;
		pthread_mutex_unlock(&g->rlock);
	}
	report_file(w, it, &v);
}

static void *work(void *p)
{
	worker *w = p;
	low_priority();
	item it;
	while (take(w->g, &it)) {
		one_file(w, &it);
		close(it.fd);
		free(it.path);
	}
	return NULL;
}

typedef struct walker {
	engine *g;
	int rootfd;
} walker;

static void *walk_main(void *p)
{
	walker *wk = p;
	engine *g = wk->g;
	low_priority();
	g->path[0] = '\0';
	walk(g, wk->rootfd, 0, 0, 0);
	pthread_mutex_lock(&g->qlock);
	g->walk_done = 1;
	pthread_cond_broadcast(&g->can_take);
	pthread_mutex_unlock(&g->qlock);
	return NULL;
}

static void human(uint64_t b, char *out, size_t n)
{
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double x = (double)b;
	int i = 0;
	while (x >= 1024 && i < 4) {
		x /= 1024;
		i++;
	}
	snprintf(out, n, i ? "%.1f %s" : "%.0f %s", x, u[i]);
}

static void progress(engine *g, double secs, int last)
{
	pthread_mutex_lock(&g->rlock);
	uint64_t files = g->files, bytes = g->bytes;
	pthread_mutex_unlock(&g->rlock);
	char a[32], r[32], eta[32] = "";
	human(bytes, a, sizeof(a));
	human(secs > 0 ? (uint64_t)((double)bytes / secs) : 0, r, sizeof(r));
	if (!last && g->total_est > bytes && bytes > 0 && secs > 1) {
		double left = (double)(g->total_est - bytes) / ((double)bytes / secs);
		snprintf(eta, sizeof(eta), ", ETA %d:%02d", (int)left / 60, (int)left % 60);
	}
	fprintf(stderr, "\rminetrace: content: %llu files, %s, %s/s%s        %s",
	        (unsigned long long)files, a, r, eta, last ? "\n" : "");
	fflush(stderr);
}

mt_err ct_scan_files(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_scan_opts *o = ctx->opts;
	engine *g = calloc(1, sizeof(*g));
	if (!g)
		return MT_ERR_NOMEM;
	g->visited = calloc(VISITED, sizeof(*g->visited));
	if (!g->visited) {
		free(g);
		return MT_ERR_NOMEM;
	}
	g->ctx = ctx;
	g->self = self;
	g->live = mt_host_is_live(ctx->host);
	g->db = mt_ctx_pkgdb(ctx);
	if (g->db && !mt_pkgdb_present(g->db))
		g->db = NULL;
	char msg[512];
	mt_err e = ct_yara_build(ctx->rules, &g->yara, msg, sizeof(msg));
	if (e == MT_ERR_UNSUPPORTED)
		mt_report_diag(ctx->report, "%s: %s: the YARA rules are not used", self->id, msg);
	else if (e != MT_OK)
		mt_report_diag(ctx->report, "%s: YARA: %s", self->id,
		               msg[0] ? msg : mt_strerror(e));
	ct_places_load(ctx->host, ctx->report, &g->places);
	load_debs(g);
	pthread_mutex_init(&g->qlock, NULL);
	pthread_mutex_init(&g->rlock, NULL);
	pthread_cond_init(&g->can_take, NULL);
	pthread_cond_init(&g->can_put, NULL);

	int rootfd;
	e = mt_host_open_dir(ctx->host, "/", &rootfd);
	if (e != MT_OK)
		goto out;
	struct statvfs sv;
	if (fstatvfs(rootfd, &sv) == 0)
		g->total_est = (uint64_t)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
	struct stat rs;
	if (fstat(rootfd, &rs) == 0)
		seen_dir(g, &rs);

	/* the shipped rules all ask for a program's magic: other files need not be shown
	 * to YARA unless the responder's rules are loaded too */
	int builtin_only = 1;
	for (size_t i = 0; i < mt_rules_yara_count(ctx->rules); i++) {
		const char *name;
		size_t len;
		mt_rules_yara(ctx->rules, i, &name, &len);
		if (strncmp(name, "builtin:", 8) != 0)
			builtin_only = 0;
	}
	unsigned jobs = o->jobs;
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (unsigned)n : 1;
	}
	if (jobs > CT_MAX_JOBS)
		jobs = CT_MAX_JOBS;
	worker *ws = calloc(jobs, sizeof(*ws));
	unsigned started = 0;
	for (unsigned i = 0; ws && i < jobs; i++) {
		ws[i].g = g;
		ws[i].j.rules = ctx->rules;
		ws[i].j.yara_programs_only = builtin_only;
		void *m = mmap(NULL, CT_WINDOW, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		               -1, 0);
		if (m == MAP_FAILED)
			break;
		ws[i].buf = m;
		if (g->yara && ct_yscan_new(g->yara, &ws[i].j.ys) != MT_OK) {
			munmap(ws[i].buf, CT_WINDOW);
			break;
		}
		if (pthread_create(&ws[i].th, NULL, work, &ws[i]) != 0) {
			ct_yscan_free(ws[i].j.ys);
			munmap(ws[i].buf, CT_WINDOW);
			break;
		}
		started++;
	}
	if (!started) {
		free(ws);
		close(rootfd);
		e = MT_ERR_NOMEM;
		goto out;
	}
	walker wk = {g, rootfd};
	pthread_t wt;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pthread_create(&wt, NULL, walk_main, &wk) != 0) {
		walk_main(&wk);
	} else {
		for (;;) {
			struct timespec ts = {0, 250 * 1000 * 1000};
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&g->qlock);
			int done = g->walk_done && g->count == 0;
			pthread_mutex_unlock(&g->qlock);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			double secs =
				(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
			if (o->progress)
				progress(g, secs, 0);
			if (done)
				break;
		}
		pthread_join(wt, NULL);
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(ws[i].th, NULL);
		ct_yscan_free(ws[i].j.ys);
		munmap(ws[i].buf, CT_WINDOW);
	}
	free(ws);
	close(rootfd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (o->progress)
		progress(g, secs, 1);
	char hb[32];
	human(g->bytes, hb, sizeof(hb));
	mt_report_diag(ctx->report,
	               "%s: %llu files (%s) in %llu directories judged by content in %.1f s "
	               "by %u workers, %u YARA rules; %llu unreadable",
	               self->id, (unsigned long long)g->files, hb, (unsigned long long)g->dirs,
	               secs, started, ct_yara_count(g->yara), (unsigned long long)g->unreadable);
	if (g->self_files)
		mt_report_diag(ctx->report,
		               "%s: %llu file(s) are minetrace's own (binary, rules): "
		               "not reported",
		               self->id, (unsigned long long)g->self_files);
	if (g->debs_skipped)
		mt_report_diag(ctx->report,
		               "%s: %llu .deb file(s) of apt's cache are the installed versions of "
		               "their packages: not unpacked (their files are judged on disk)",
		               self->id, (unsigned long long)g->debs_skipped);
	if (g->quarantined)
		mt_report_diag(ctx->report, "%s: minetrace's quarantine directory left out",
		               self->id);
	e = g->err;
out:
	pthread_mutex_destroy(&g->qlock);
	pthread_mutex_destroy(&g->rlock);
	pthread_cond_destroy(&g->can_take);
	pthread_cond_destroy(&g->can_put);
	ct_places_free(g->places);
	for (size_t i = 0; i < g->ndebs; i++)
		free(g->debs[i]);
	free(g->debs);
	ct_yara_free(g->yara);
	free(g->visited);
	free(g);
	return e;
}
