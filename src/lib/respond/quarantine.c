/* quarantine.c - quarantine entries (content that cannot run + metadata) and restore */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "respond/respond_int.h"

/* The stored content: this header, then every byte XORed with 0xA5, so it is neither
 * an ELF nor a script any interpreter would run, whatever its mode. */
static const char QHDR[] = "MINETRACE-QUARANTINE 1 xor-a5\n";
#define QXOR 0xA5

void mt_quarantine_default(const char *root, char *out, size_t outlen)
{
	if (!root || strcmp(root, "/") == 0)
		snprintf(out, outlen, "/var/lib/minetrace/quarantine");
	else
		snprintf(out, outlen, "%s%svar/lib/minetrace/quarantine", root,
		         root[strlen(root) - 1] == '/' ? "" : "/");
}

static int mkdir_walk(int fd, const char *rel, int create)
{
	/* creates (when create) and opens rel below fd, component by component, never
	 * through a link */
	char buf[MT_MAX_PATH];
	snprintf(buf, sizeof(buf), "%s", rel);
	int cur = dup(fd);
	char *save = buf;
	while (cur >= 0 && *save) {
		char *slash = strchr(save, '/');
		if (slash)
			*slash = '\0';
		if (*save) {
			if (create && mkdirat(cur, save, 0700) != 0 && errno != EEXIST) {
				close(cur);
				return -1;
			}
			int n = openat(cur, save, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int er = errno;
			close(cur);
			errno = er;
			cur = n;
		}
		if (!slash)
			break;
		save = slash + 1;
	}
	return cur;
}

/* The quarantine holds what restore puts back as root: it must be this user's alone. */
static mt_err check_owner(int fd, int create)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return mt_errno_to_err(errno);
	if (!S_ISDIR(st.st_mode))
		return MT_ERR_NOTDIR;
	if (st.st_uid != geteuid())
		return MT_ERR_PERM;
	if ((st.st_mode & 077) && create) {
		if (fchmod(fd, 0700) != 0)
			return mt_errno_to_err(errno);
		st.st_mode &= ~(mode_t)077;
	}
	return (st.st_mode & 077) ? MT_ERR_PERM : MT_OK;
}

mt_err mt_quar_open(const char *root, const char *qdir, int create, mt_quar *q)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	char def[MT_MAX_PATH];
	int base = -1;
	const char *rel;
	if (!qdir) {
		mt_quarantine_default(root, def, sizeof(def));
		qdir = def;
		base = open(root ? root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rel = "var/lib/minetrace/quarantine";
	} else {
		base = open(qdir[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rel = qdir[0] == '/' ? qdir + 1 : qdir;
	}
	if (base < 0)
		return mt_errno_to_err(errno);
	q->fd = mkdir_walk(base, rel, create);
	int er = errno;
	close(base);
	if (q->fd < 0)
		return er == ELOOP ? MT_ERR_ESCAPE : mt_errno_to_err(er);
	mt_err e = check_owner(q->fd, create);
	if (e != MT_OK) {
		close(q->fd);
		q->fd = -1;
		return e;
	}
	snprintf(q->path, sizeof(q->path), "%s", qdir);
	return MT_OK;
}

void mt_quar_close(mt_quar *q)
{
	if (q && q->fd >= 0)
		close(q->fd);
	if (q)
		q->fd = -1;
}

void mt_qmeta_from_stat(mt_qmeta *m, const struct stat *st)
{
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	m->mode = st->st_mode & 07777;
	m->size = (uint64_t)st->st_size;
	m->atime = st->st_atim.tv_sec;
	m->atime_ns = st->st_atim.tv_nsec;
	m->mtime = st->st_mtim.tv_sec;
	m->mtime_ns = st->st_mtim.tv_nsec;
}

static mt_err write_file(int dfd, const char *name, const char *hdr, const char *data, size_t len,
                         int xor, mode_t mode)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	unlinkat(dfd, tmp, 0);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return mt_errno_to_err(errno);
	mt_err e = MT_OK;
	char chunk[65536];
	size_t hl = hdr ? strlen(hdr) : 0;
	if (hl && write(fd, hdr, hl) != (ssize_t)hl)
		e = MT_ERR_IO;
	for (size_t off = 0; e == MT_OK && off < len;) {
		size_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
		for (size_t i = 0; i < n; i++)
			chunk[i] = (char)(xor? data[off + i] ^ QXOR : data[off + i]);
		ssize_t w = write(fd, chunk, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = mt_errno_to_err(errno);
			break;
		}
		off += (size_t)w;
	}
	if (e == MT_OK && (fchmod(fd, mode) != 0 || fsync(fd) != 0))
		e = mt_errno_to_err(errno);
	close(fd);
	if (e == MT_OK && renameat(dfd, tmp, dfd, name) != 0)
		e = mt_errno_to_err(errno);
	if (e != MT_OK)
		unlinkat(dfd, tmp, 0);
	return e;
}

static mt_err meta_json(const mt_qmeta *m, mt_buf *b)
{
	mt_err e = MT_OK;
#define S(k, v)                                                                        \
	do {                                                                           \
		if (!e)                                                                \
			e = mt_buf_printf(b, "%s\"" k "\":\"", b->len > 1 ? "," : ""); \
		if (!e)                                                                \
			e = mt_escape_json(b, v, strlen(v));                           \
		if (!e)                                                                \
			e = mt_buf_addc(b, '"');                                       \
	} while (0)
#define I(k, v)                                                                  \
	do {                                                                     \
		if (!e)                                                          \
			e = mt_buf_printf(b, ",\"" k "\":%lld", (long long)(v)); \
	} while (0)
	e = mt_buf_addc(b, '{');
	S("id", m->id);
	S("kind", m->kind);
	S("path", m->path);
	S("target", m->target);
	{
		/* the exact bytes: the JSON text of a name that is not UTF-8 is \xNN */
		char hx[2 * MT_MAX_PATH + 1];
		mt_rs_hex(m->path, hx, sizeof(hx));
		S("path_hex", hx);
		mt_rs_hex(m->target, hx, sizeof(hx));
		S("target_hex", hx);
	}
	S("sha256", m->sha256);
	S("after", m->after);
	S("finding", m->finding);
	S("key", m->key);
	S("time", m->time);
	I("uid", m->uid);
	I("gid", m->gid);
	I("mode", m->mode);
	I("size", m->size);
	I("flags", m->flags);
	I("dir_flags", m->dir_flags);
	I("dir_uid", m->dir_uid);
	I("dir_gid", m->dir_gid);
	I("dir_mode", m->dir_mode);
	I("atime", m->atime);
	I("atime_ns", m->atime_ns);
	I("mtime", m->mtime);
	I("mtime_ns", m->mtime_ns);
	if (!e)
		e = mt_buf_adds(b, "}\n");
#undef S
#undef I
	return e;
}

mt_err mt_quar_put(mt_quar *q, mt_qmeta *m, const char *content, size_t len)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	mt_rs_now_iso(m->time, sizeof(m->time));
	int dfd = -1;
	for (unsigned tries = 0; tries < 1000 && dfd < 0; tries++) {
		snprintf(m->id, sizeof(m->id), "%s-%03u-%.6s", ts, ++q->seq,
		         m->key[0] ? m->key : "000000");
		if (mkdirat(q->fd, m->id, 0700) != 0) {
			if (errno == EEXIST)
				continue;
			return mt_errno_to_err(errno);
		}
		dfd = openat(q->fd, m->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			return mt_errno_to_err(errno);
	}
	if (dfd < 0)
		return MT_ERR_LIMIT;
	mt_err e = MT_OK;
	if (content)
		e = write_file(dfd, "content", QHDR, content, len, 1, 0400);
	mt_buf b;
	mt_buf_init(&b, 3 * MT_MAX_PATH + 4096);
	if (e == MT_OK)
		e = meta_json(m, &b);
	if (e == MT_OK)
		e = write_file(dfd, "meta.json", NULL, b.data, b.len, 0, 0400);
	mt_buf_free(&b);
	if (e == MT_OK) {
		mt_rs_fsync_dir(dfd);
		mt_rs_fsync_dir(q->fd);
	}
	close(dfd);
	if (e != MT_OK)
		mt_quar_discard(q, m->id);
	return e;
}

void mt_quar_discard(mt_quar *q, const char *id)
{
	if (!id || !*id || strchr(id, '/') || id[0] == '.')
		return;
	int dfd = openat(q->fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0) {
		static const char *const names[] = {"content", "meta.json", ".content.tmp",
		                                    ".meta.json.tmp", "restored"};
		for (size_t i = 0; i < MT_ARRAY_LEN(names); i++)
			unlinkat(dfd, names[i], 0);
		close(dfd);
	}
	unlinkat(q->fd, id, AT_REMOVEDIR);
	mt_rs_fsync_dir(q->fd);
}

static void jcopy(char *dst, size_t n, const mt_json *o, const char *k)
{
	const char *s = mt_json_str(o, k);
	snprintf(dst, n, "%s", s ? s : "");
}

static uint64_t jint(const mt_json *o, const char *k)
{
	int64_t v = 0;
	mt_json_int(o, k, &v);
	return (uint64_t)v;
}

mt_err mt_quar_get(mt_quar *q, const char *id, mt_qmeta *m, char **content, size_t *len)
{
	memset(m, 0, sizeof(*m));
	if (content)
		*content = NULL;
	if (len)
		*len = 0;
	if (!id || !*id || strchr(id, '/') || id[0] == '.')
		return MT_ERR_INVAL;
	int dfd = openat(q->fd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return mt_errno_to_err(errno);
	char *mj = NULL;
	size_t ml = 0;
	struct stat mst;
	mt_err e = check_owner(dfd, 0);
	if (e == MT_OK)
		e = mt_rs_read(dfd, "meta.json", 64 * 1024, &mj, &ml, &mst);
	if (e == MT_OK && (mst.st_uid != geteuid() || mst.st_nlink != 1 || (mst.st_mode & 022)))
		e = MT_ERR_PERM; /* not written by respond */
	mt_json *o = NULL;
	if (e == MT_OK)
		e = mt_json_parse(mj, ml, &o, NULL);
	free(mj);
	if (e == MT_OK) {
		jcopy(m->id, sizeof(m->id), o, "id");
		jcopy(m->kind, sizeof(m->kind), o, "kind");
		jcopy(m->path, sizeof(m->path), o, "path");
		jcopy(m->target, sizeof(m->target), o, "target");
		const char *ph = mt_json_str(o, "path_hex"), *th = mt_json_str(o, "target_hex");
		if (!ph)
			mt_rs_unescape_bytes(m->path); /* an entry written before path_hex */
		else if (mt_rs_unhex(ph, m->path, sizeof(m->path)) != 0)
			e = MT_ERR_PARSE;
		if (th && mt_rs_unhex(th, m->target, sizeof(m->target)) != 0)
			e = MT_ERR_PARSE;
		jcopy(m->sha256, sizeof(m->sha256), o, "sha256");
		jcopy(m->after, sizeof(m->after), o, "after");
		jcopy(m->finding, sizeof(m->finding), o, "finding");
		jcopy(m->key, sizeof(m->key), o, "key");
		jcopy(m->time, sizeof(m->time), o, "time");
		m->uid = jint(o, "uid");
		m->gid = jint(o, "gid");
		m->mode = jint(o, "mode");
		m->size = jint(o, "size");
		m->flags = jint(o, "flags");
		m->dir_flags = jint(o, "dir_flags");
		m->dir_uid = jint(o, "dir_uid");
		m->dir_gid = jint(o, "dir_gid");
		m->dir_mode = jint(o, "dir_mode");
		m->atime = (int64_t)jint(o, "atime");
		m->atime_ns = (int64_t)jint(o, "atime_ns");
		m->mtime = (int64_t)jint(o, "mtime");
		m->mtime_ns = (int64_t)jint(o, "mtime_ns");
		mt_json_free(o);
	}
	if (e == MT_OK && content &&
	    (strcmp(m->kind, "file") == 0 || strcmp(m->kind, "edit") == 0)) {
		char *raw = NULL;
		size_t rl = 0;
		struct stat cst;
		e = mt_rs_read(dfd, "content", MT_MAX_QUARANTINE_FILE + sizeof(QHDR), &raw, &rl,
		               &cst);
		if (e == MT_OK &&
		    (cst.st_uid != geteuid() || cst.st_nlink != 1 || (cst.st_mode & 022)))
			e = MT_ERR_PERM;
		size_t hl = strlen(QHDR);
		if (e == MT_OK && (rl < hl || memcmp(raw, QHDR, hl) != 0))
			e = MT_ERR_PARSE;
		if (e == MT_OK) {
			memmove(raw, raw + hl, rl - hl);
			rl -= hl;
			for (size_t i = 0; i < rl; i++)
				raw[i] = (char)(raw[i] ^ QXOR);
			raw[rl] = '\0';
			char h[65];
			mt_sha256_hex(raw, rl, h);
			if (strcmp(h, m->sha256) != 0)
				e = MT_ERR_CHANGED;
		}
		if (e == MT_OK) {
			*content = raw;
			*len = rl;
		} else
			free(raw);
	}
	close(dfd);
	return e;
}

static int restored(int qfd, const char *id)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/restored", id);
	struct stat st;
	return fstatat(qfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int id_cmp(const void *a, const void *b)
{
	return strcmp(((const mt_dirent *)a)->name, ((const mt_dirent *)b)->name);
}

mt_err mt_quarantine_list(const char *root, const char *qdir, mt_qentry_fn fn, void *ctx)
{
	mt_quar q;
	mt_err e = mt_quar_open(root, qdir, 0, &q);
	if (e != MT_OK)
		return e;
	mt_dirent *ents = NULL;
	size_t n = 0;
	e = mt_list_fd(q.fd, MT_LIST_READDIR, &ents, &n);
	if (e == MT_OK) {
		qsort(ents, n, sizeof(*ents), id_cmp);
		for (size_t i = 0; i < n; i++) {
			mt_qmeta m;
			if (ents[i].name[0] == '.' ||
			    mt_quar_get(&q, ents[i].name, &m, NULL, NULL) != MT_OK)
				continue;
			mt_qentry qe = {m.id,
			                m.kind,
			                m.path,
			                m.time,
			                m.finding,
			                m.sha256,
			                restored(q.fd, m.id)};
			fn(ctx, &qe);
		}
	}
	mt_dirents_free(ents, n);
	mt_quar_close(&q);
	return e;
}

static void set_times(int dirfd, const char *name, const mt_qmeta *m, int flags)
{
	struct timespec ts[2];
	ts[0].tv_sec = m->atime;
	ts[0].tv_nsec = m->atime_ns;
	ts[1].tv_sec = m->mtime;
	ts[1].tv_nsec = m->mtime_ns;
	utimensat(dirfd, name, ts, flags);
}

mt_err mt_restore(const char *root, const char *qdir, const char *id, int force, char *why,
                  size_t whylen)
{
	why[0] = '\0';
	mt_quar q;
	mt_err e = mt_quar_open(root, qdir, 0, &q);
	if (e != MT_OK) {
		snprintf(why, whylen, "cannot open the quarantine directory: %s", mt_strerror(e));
		return e;
	}
	mt_qmeta m;
	char *data = NULL;
	size_t len = 0;
	int rootfd = -1, dfd = -1;
	char name[256], canon[MT_MAX_PATH];
	e = mt_quar_get(&q, id, &m, &data, &len);
	if (e != MT_OK) {
		snprintf(why, whylen,
		         e == MT_ERR_CHANGED ? "the stored content does not match its hash"
		                             : "no readable entry %.100s: %s",
		         id, mt_strerror(e));
		goto out;
	}
	rootfd = open(root ? root : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		e = mt_errno_to_err(errno);
		snprintf(why, whylen, "cannot open the root");
		goto out;
	}
	/* the refusals that need no walk first: a refused entry makes no directory */
	if (!force && (strcmp(m.kind, "file") == 0 || strcmp(m.kind, "link") == 0) &&
	    mt_rs_critical(m.path)) {
		snprintf(why, whylen,
		         "%.200s is a critical system path: restored only with --force", m.path);
		e = MT_ERR_PERM;
		goto out;
	}
	if (!force && (m.mode & 06000)) {
		snprintf(
			why, whylen,
			"the entry gives %.200s a setuid/setgid mode (%llo): restored only with --force",
			m.path, (unsigned long long)m.mode);
		e = MT_ERR_PERM;
		goto out;
	}
	char made[1024] = "";
	if (strcmp(m.kind, "flags") == 0) {
		e = mt_rs_walk(rootfd, m.path, &dfd, name, sizeof(name), canon, sizeof(canon), why,
		               whylen);
	} else {
		/* the directory that held it may be gone since: made again inside the root, with
		 * the owner and mode the entry recorded (0755 root where it has none) */
		mt_rs_mk mk = {(unsigned)(m.dir_mode & 07777), (unsigned)m.dir_uid,
		               (unsigned)m.dir_gid};
		e = mt_rs_walk_mk(rootfd, m.path, &mk, &dfd, name, sizeof(name), canon,
		                  sizeof(canon), made, sizeof(made), why, whylen);
	}
	if (e != MT_OK)
		goto out;
	/* respond edits critical files (passwd, rc.local) and clears their flags but never
	 * creates one: an
	 * entry that would is not one respond made */
	if (!force && (strcmp(m.kind, "file") == 0 || strcmp(m.kind, "link") == 0) &&
	    mt_rs_critical(canon)) {
		snprintf(why, whylen,
		         "%.200s is a critical system path: restored only with --force", canon);
		e = MT_ERR_PERM;
		goto out;
	}
	if (!force && (m.mode & 06000)) {
		/* respond never takes a set-id program to give one back: the entry says so */
		snprintf(
			why, whylen,
			"the entry gives %.200s a setuid/setgid mode (%llo): restored only with --force",
			canon, (unsigned long long)m.mode);
		e = MT_ERR_PERM;
		goto out;
	}
	struct stat cur;
	int exists = fstatat(dfd, name, &cur, AT_SYMLINK_NOFOLLOW) == 0;
	struct stat want;
	memset(&want, 0, sizeof(want));
	want.st_uid = (uid_t)m.uid;
	want.st_gid = (gid_t)m.gid;
	want.st_mode = (mode_t)m.mode;
	want.st_atim.tv_sec = m.atime;
	want.st_atim.tv_nsec = m.atime_ns;
	want.st_mtim.tv_sec = m.mtime;
	want.st_mtim.tv_nsec = m.mtime_ns;
	unsigned fl = 0;
	if (strcmp(m.kind, "file") == 0 || strcmp(m.kind, "edit") == 0) {
		int edit = m.kind[0] == 'e';
		if (exists && !edit) {
			snprintf(why, whylen, "something is at %.200s already: move it away first",
			         m.path);
			e = MT_ERR_CHANGED;
			goto out;
		}
		if (edit && exists) {
			if (!S_ISREG(cur.st_mode)) {
				snprintf(why, whylen, "%.200s is no longer a regular file", m.path);
				e = MT_ERR_NOTREG;
				goto out;
			}
			/* the backup replaces the whole file: only while the file is still what the
			 * edit made, else the work done since (a new password...) would be undone */
			char *now = NULL;
			size_t nl = 0;
			char h[65] = "";
			if (mt_rs_read(dfd, name, MT_MAX_EDIT_FILE, &now, &nl, NULL) == MT_OK)
				mt_sha256_hex(now, nl, h);
			free(now);
			if (!force && (!m.after[0] || strcmp(h, m.after) != 0)) {
				snprintf(
					why, whylen,
					"%.200s changed since the edit (sha256 %.16s..., the edit left %.16s...): "
					"restoring would undo that; see the backup or use --force",
					m.path, h[0] ? h : "unreadable",
					m.after[0] ? m.after : "unknown");
				e = MT_ERR_CHANGED;
				goto out;
			}
			if (mt_rs_getflags(dfd, name, &fl) == 0 &&
			    (fl & (MT_RS_FL_IMMUTABLE | MT_RS_FL_APPEND)))
				mt_rs_setflags(dfd, name,
				               fl & ~(MT_RS_FL_IMMUTABLE | MT_RS_FL_APPEND));
		}
		e = mt_rs_replace(dfd, name, data, len, &want, 1, !(edit && exists));
		if (e != MT_OK) {
			snprintf(why, whylen, "cannot write %.200s: %s", m.path, mt_strerror(e));
			if (fl)
				mt_rs_setflags(dfd, name, fl);
			goto out;
		}
		if (m.flags)
			mt_rs_setflags(dfd, name, (unsigned)m.flags);
	} else if (strcmp(m.kind, "link") == 0) {
		if (exists) {
			snprintf(why, whylen, "something is at %.200s already: move it away first",
			         m.path);
			e = MT_ERR_CHANGED;
			goto out;
		}
		if (symlinkat(m.target, dfd, name) != 0) {
			e = mt_errno_to_err(errno);
			snprintf(why, whylen, "cannot create the link %.200s: %s", m.path,
			         strerror(errno));
			goto out;
		}
		if (fchownat(dfd, name, (uid_t)m.uid, (gid_t)m.gid, AT_SYMLINK_NOFOLLOW) != 0) {
			/* not fatal: the link is back */
		}
		set_times(dfd, name, &m, AT_SYMLINK_NOFOLLOW);
		mt_rs_fsync_dir(dfd);
	} else if (strcmp(m.kind, "flags") == 0) {
		if (!exists) {
			snprintf(why, whylen, "%.200s is gone", m.path);
			e = MT_ERR_NOENT;
			goto out;
		}
		int r = mt_rs_setflags(dfd, name, (unsigned)m.flags);
		if (r != 0) {
			e = mt_errno_to_err(-r);
			snprintf(why, whylen, "cannot set the flags of %.200s: %s", m.path,
			         strerror(-r));
			goto out;
		}
	} else {
		snprintf(why, whylen, "unknown entry kind '%.20s'", m.kind);
		e = MT_ERR_PARSE;
		goto out;
	}
	if (made[0])
		snprintf(why, whylen, "recreated the directory %s", made);
	{
		char mark[128];
		snprintf(mark, sizeof(mark), "%s/restored", m.id);
		int fd = openat(q.fd, mark, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		                0400);
		if (fd >= 0) {
			char t[40];
			mt_rs_now_iso(t, sizeof(t));
			if (write(fd, t, strlen(t)) < 0) {
				/* the mark is informational */
			}
			fsync(fd);
			close(fd);
		}
	}
out:
	free(data);
	if (dfd >= 0)
		close(dfd);
	if (rootfd >= 0)
		close(rootfd);
	mt_quar_close(&q);
	return e;
}
