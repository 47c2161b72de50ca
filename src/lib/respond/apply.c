/* apply.c - respond --apply: re-validate, journal and carry out each step; verify */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/facts.h"
#include "respond/respond_int.h"

typedef struct ax {
	const mt_respond_opts *opts;
	int rootfd;
	int live;
	mt_quar q;
	mt_journal *j;
	mt_host *host;
	mt_report *rep;
	mt_pkgdb *db;
	unsigned ops;      /* journalled operations begun in this run */
	unsigned crash_at; /* test hook: _exit in the middle of this operation */
	int crash_after;   /* ... after its change instead of before */
	mt_plan *plan;
	mt_rs_critset crit; /* the critical files by dev/ino */
	int crit_ok;
} ax;

/* The documented test hook (MINETRACE_RESPOND_CRASH_AT=N): the process dies between
 * "begin" and "done" of its N-th operation, before (phase mid) or after (phase after)
 * the change itself, as a power cut would. */
static void crash_point(ax *a, int after)
{
	if (a->crash_at && a->ops == a->crash_at && after == a->crash_after)
		_exit(86);
}

static void subkey(const char *key, const char *path, char out[17])
{
	mt_buf b;
	mt_buf_init(&b, MT_MAX_PATH + 64);
	mt_buf_printf(&b, "%s|%s", key, path);
	char h[65];
	mt_sha256_hex(b.data ? b.data : "", b.len, h);
	mt_buf_free(&b);
	memcpy(out, h, 16);
	out[16] = '\0';
}

static void note(mt_pstep *s, const char *fmt, ...) MT_PRINTF(2, 3);
static void note(mt_pstep *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mt_rs_vnote(&s->detail, &s->detail_zh, fmt, ap);
	va_end(ap);
}

/* 1 (noted) when the file with stat st, named canon, is a critical file under another
 * name (a bind mount, another path to the same dev/ino). same_ok: the critical file under
 * its own name is fine (an edit of /etc/passwd). Without the whole set (the root could
 * not be listed, or it holds more than MT_MAX_CRITICAL_IDS) every file is refused. */
static int crit_other_name(ax *a, mt_pstep *s, const struct stat *st, const char *canon,
                           int same_ok)
{
	if (!a->crit_ok || a->crit.full) {
		note(s, "%s refused: the critical files of the root could not all be listed",
		     canon);
		return 1;
	}
	const mt_rs_crit *c =
		mt_rs_critset_check(&a->crit, a->host, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (!c || (same_ok && mt_rs_same_name(c->path, canon)))
		return 0;
	if (same_ok)
		note(s,
		     "%s is the critical system file %s under another name (same device and inode): not edited",
		     canon, c->path);
	else
		note(s,
		     "%s is the critical system file %s under another name (same device and inode): never quarantined",
		     canon, c->path);
	return 1;
}

static int worse(int a, int b)
{
	/* the state a step shows when it has several parts */
	static const int rank[] = {
		[MT_STEP_PLANNED] = 0, [MT_STEP_ALREADY] = 1, [MT_STEP_DONE] = 2,
		[MT_STEP_MANUAL] = 3,  [MT_STEP_SKIPPED] = 4, [MT_STEP_REFUSED] = 5,
		[MT_STEP_FAILED] = 6};
	return rank[a] >= rank[b] ? a : b;
}

static int already(ax *a, const char *key, mt_jstate *js)
{
	mt_journal_state(a->j, key, js);
	return js->state == 2 &&
	       (strcmp(js->result, "done") == 0 || strcmp(js->result, "recovered") == 0);
}

static int walk_err(mt_err e)
{
	return e == MT_ERR_ESCAPE || e == MT_ERR_INVAL || e == MT_ERR_TOOBIG ? MT_STEP_REFUSED
	                                                                     : MT_STEP_SKIPPED;
}

/* Clears i/a on name (and on its directory, which must let it be renamed or removed);
 * *fl and *dfl keep the old values for put_flags. */
static int take_flags(int dirfd, const char *name, unsigned *fl, unsigned *dfl)
{
	const unsigned m = MT_RS_FL_IMMUTABLE | MT_RS_FL_APPEND;
	*fl = *dfl = 0;
	if (mt_rs_getflags(dirfd, name, fl) == 0 && (*fl & m)) {
		int r = mt_rs_setflags(dirfd, name, *fl & ~m);
		if (r)
			return r;
	}
	if (mt_rs_getflags(dirfd, ".", dfl) == 0 && (*dfl & m)) {
		int r = mt_rs_setflags(dirfd, ".", *dfl & ~m);
		if (r) {
			if (*fl & m)
				mt_rs_setflags(dirfd, name, *fl);
			return r;
		}
	}
	return 0;
}

static void put_dir_flags(int dirfd, unsigned dfl)
{
	if (dfl & (MT_RS_FL_IMMUTABLE | MT_RS_FL_APPEND))
		mt_rs_setflags(dirfd, ".", dfl);
}

/* An interrupted run left the file in place with its i/a flags (and its directory's)
 * cleared: its entry, about to be discarded, keeps the old ones; put them back first so
 * that this run records and restores them. */
static void recover_flags(mt_quar *q, int dirfd, const char *name, const char *entry)
{
	const unsigned m = MT_RS_FL_IMMUTABLE | MT_RS_FL_APPEND;
	mt_qmeta qm;
	unsigned cur;
	if (!entry[0] || mt_quar_get(q, entry, &qm, NULL, NULL) != MT_OK)
		return;
	if ((qm.flags & m) && mt_rs_getflags(dirfd, name, &cur) == 0 && !(cur & m))
		mt_rs_setflags(dirfd, name, cur | ((unsigned)qm.flags & m));
	if ((qm.dir_flags & m) && mt_rs_getflags(dirfd, ".", &cur) == 0 && !(cur & m))
		mt_rs_setflags(dirfd, ".", cur | ((unsigned)qm.dir_flags & m));
}

/* The owner and mode of the directory holding an entry's file: restore makes it again
 * with them when it is gone. */
static void qmeta_dir(mt_qmeta *m, int dfd)
{
	struct stat d;
	if (fstat(dfd, &d) == 0) {
		m->dir_uid = d.st_uid;
		m->dir_gid = d.st_gid;
		m->dir_mode = d.st_mode & 07777;
	}
}

/* Resolves a symlink's target lexically against its directory, inside the root. */
static int link_target(const char *canon_link, const char *target, char *out, size_t n)
{
	char buf[2 * MT_MAX_PATH];
	if (target[0] == '/')
		snprintf(buf, sizeof(buf), "%s", target);
	else {
		const char *slash = strrchr(canon_link, '/');
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(slash - canon_link), canon_link,
		         target);
	}
	char *parts[MT_MAX_DEPTH * 4];
	size_t np = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			if (np == 0)
				return -1; /* above the root */
			np--;
			continue;
		}
		if (np >= MT_ARRAY_LEN(parts))
			return -1;
		parts[np++] = t;
	}
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < np; i++) {
		int w = snprintf(out + o, n - o, "/%s", parts[i]);
		if (w < 0 || (size_t)w >= n - o)
			return -1;
		o += (size_t)w;
	}
	return np ? 0 : -1;
}

/* op_quarantine's how: follow a link to its target (only when the report's sha256 is the
 * target's), or take a file that is not a program without a sha256 (unit files). */
#define QF_FOLLOW   1
#define QF_TEXT_OK  2
#define QF_VIA_LINK 4 /* reached through a link the plan names: only a program is taken */
static int op_quarantine(ax *a, mt_pstep *s, const char *path, const char *key, int how,
                         const char *sha);

static int quarantine_link(ax *a, mt_pstep *s, int dfd, const char *name, const char *path,
                           const char *canon, const char *key, const struct stat *st, int follow,
                           const char *sha)
{
	char target[MT_MAX_PATH];
	ssize_t tl = readlinkat(dfd, name, target, sizeof(target) - 1);
	if (tl < 0) {
		note(s, "cannot read the link %s: %s", path, strerror(errno));
		return MT_STEP_FAILED;
	}
	target[tl] = '\0';
	if (mt_rs_critical(canon)) {
		note(s, "%s is a critical system path: never removed", path);
		return MT_STEP_REFUSED;
	}
	mt_qmeta m;
	memset(&m, 0, sizeof(m));
	snprintf(m.kind, sizeof(m.kind), "link");
	snprintf(m.path, sizeof(m.path), "%s", canon);
	snprintf(m.target, sizeof(m.target), "%s", target);
	snprintf(m.finding, sizeof(m.finding), "%s", s->finding);
	snprintf(m.key, sizeof(m.key), "%s", key);
	mt_qmeta_from_stat(&m, st);
	qmeta_dir(&m, dfd);
	mt_err e = mt_quar_put(&a->q, &m, NULL, 0);
	if (e != MT_OK) {
		note(s, "cannot write the quarantine entry: %s", mt_strerror(e));
		return MT_STEP_FAILED;
	}
	a->ops++;
	if (mt_journal_begin(a->j, key, s->pub.n, "remove_link", canon, NULL, "absent", m.id)) {
		mt_quar_discard(&a->q, m.id);
		note(s, "cannot write the journal");
		return MT_STEP_FAILED;
	}
	crash_point(a, 0);
	unsigned fl, dfl;
	take_flags(dfd, ".", &fl, &dfl);
	if (unlinkat(dfd, name, 0) != 0) {
		int er = errno;
		put_dir_flags(dfd, dfl);
		mt_quar_discard(&a->q, m.id);
		mt_journal_done(a->j, key, "failed", strerror(er), NULL);
		note(s, "cannot remove the link %s: %s", path, strerror(er));
		return MT_STEP_FAILED;
	}
	mt_rs_fsync_dir(dfd);
	put_dir_flags(dfd, dfl);
	crash_point(a, 1);
	mt_journal_done(a->j, key, "done", NULL, "absent");
	mt_buf_printf(&s->entries, "%s%s", s->entries.len ? " " : "", m.id);
	note(s, "removed the symbolic link %s -> %s (entry %s)", path, target, m.id);
	int st2 = MT_STEP_DONE;
	if (follow) {
		/* the report names the link only: its target is taken too only when the
		 * report's sha256 is the target's content (op_quarantine checks it) */
		char t[MT_MAX_PATH], k2[17];
		if (!sha || !*sha) {
			note(s,
			     "its target %s is not named by the report with a sha256: not followed",
			     target);
			return MT_STEP_DONE;
		}
		if (link_target(canon, target, t, sizeof(t)) != 0) {
			note(s, "its target %s leaves the root: not followed", target);
			return MT_STEP_REFUSED;
		}
		subkey(key, t, k2);
		st2 = op_quarantine(a, s, t, k2, QF_VIA_LINK, sha);
	}
	return worse(MT_STEP_DONE, st2);
}

/* A link taken away by an earlier (or interrupted) run: the file it named may still be
 * there. */
static int follow_entry(ax *a, mt_pstep *s, const char *key, const char *entry, int st,
                        const char *sha)
{
	mt_qmeta lm;
	if (sha && *sha && entry[0] && mt_quar_get(&a->q, entry, &lm, NULL, NULL) == MT_OK &&
	    strcmp(lm.kind, "link") == 0) {
		char t[MT_MAX_PATH], k2[17];
		if (link_target(lm.path, lm.target, t, sizeof(t)) == 0) {
			subkey(key, t, k2);
			return worse(st, op_quarantine(a, s, t, k2, QF_VIA_LINK, sha));
		}
	}
	return st;
}

/* Moves path into the quarantine (content that cannot run + metadata) and removes it. */
/* Keys, credentials and the package database: never taken on a path alone. */
static int sensitive_path(const char *canon)
{
	static const char *const dirs[] = {"/etc/ssl/private/", "/var/lib/dpkg/", "/var/lib/rpm/",
	                                   "/etc/sudoers.d/",   "/etc/pki/",      "/etc/ssh/"};
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++)
		if (strncmp(canon, dirs[i], strlen(dirs[i])) == 0)
			return 1;
	return strstr(canon, "/.ssh/") != NULL || strstr(canon, "/.gnupg/") != NULL ||
	       strcmp(canon, "/etc/sudoers") == 0;
}

/* An ELF, or a script with #! and an x bit: what a flagged command line really runs. */
static int is_program(const char *data, size_t len, mode_t mode)
{
	if (len >= 4 && memcmp(data, "\177ELF", 4) == 0)
		return 1;
	return len >= 2 && data[0] == '#' && data[1] == '!' && (mode & 0111);
}

static int op_quarantine(ax *a, mt_pstep *s, const char *path, const char *key, int how,
                         const char *sha)
{
	const int follow = how & QF_FOLLOW;
	mt_jstate js;
	if (already(a, key, &js)) {
		/* done only while nothing is at the path again (a reinfection puts it back) */
		int pfd = -1;
		char nm[256], cn[MT_MAX_PATH], wy[512];
		struct stat xs;
		int back = mt_rs_walk(a->rootfd, path, &pfd, nm, sizeof(nm), cn, sizeof(cn), wy,
		                      sizeof(wy)) == MT_OK &&
		           fstatat(pfd, nm, &xs, AT_SYMLINK_NOFOLLOW) == 0;
		if (pfd >= 0)
			close(pfd);
		if (!back) {
			note(s, "%s: already done by an earlier run (journal)", path);
			return follow ? follow_entry(a, s, key, js.entry, MT_STEP_ALREADY, sha)
			              : MT_STEP_ALREADY;
		}
		note(s, "%s is there again since an earlier run took it: taken again", path);
		memset(&js, 0, sizeof(js));
	}
	int dfd = -1, st = MT_STEP_FAILED;
	char name[256], canon[MT_MAX_PATH], why[512];
	char *data = NULL;
	size_t len = 0;
	mt_err e = mt_rs_walk(a->rootfd, path, &dfd, name, sizeof(name), canon, sizeof(canon), why,
	                      sizeof(why));
	if (e != MT_OK) {
		note(s, "%s: %s", path, why);
		return walk_err(e);
	}
	struct stat lst;
	if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) != 0) {
		mt_qmeta m;
		if (js.state == 1 && js.entry[0] &&
		    mt_quar_get(&a->q, js.entry, &m, NULL, NULL) == MT_OK) {
			mt_journal_done(a->j, key, "recovered",
			                "the file was gone and its entry complete", "absent");
			note(s, "%s: recovered, an interrupted run had moved it (entry %s)", path,
			     js.entry);
			mt_buf_printf(&s->entries, "%s%s", s->entries.len ? " " : "", js.entry);
			st = follow ? follow_entry(a, s, key, js.entry, MT_STEP_DONE, sha)
			            : MT_STEP_DONE;
		} else {
			note(s, "%s is no longer there", path);
			st = MT_STEP_SKIPPED;
		}
		goto out;
	}
	if (js.state == 1 && js.entry[0]) {
		recover_flags(&a->q, dfd, name, js.entry);
		mt_quar_discard(&a->q, js.entry); /* an interrupted run left the file in place */
	}
	if (S_ISLNK(lst.st_mode)) {
		st = quarantine_link(a, s, dfd, name, path, canon, key, &lst, follow, sha);
		goto out;
	}
	if (S_ISDIR(lst.st_mode)) {
		note(s, "%s is a directory: never removed whole", path);
		st = MT_STEP_REFUSED;
		goto out;
	}
	if (!S_ISREG(lst.st_mode)) {
		note(s, "%s is not a regular file", path);
		st = MT_STEP_REFUSED;
		goto out;
	}
	if (mt_rs_critical(canon)) {
		note(s, "%s is a critical system file: never quarantined", path);
		st = MT_STEP_REFUSED;
		goto out;
	}
	if (lst.st_nlink > 1) {
		note(s, "%s has %lu hard links (one may be a system file): by hand", path,
		     (unsigned long)lst.st_nlink);
		st = MT_STEP_REFUSED;
		goto out;
	}
	if (crit_other_name(a, s, &lst, canon, 0)) {
		/* a bind mount or another name of sshd, bash, libc...: the same dev/ino */
		st = MT_STEP_REFUSED;
		goto out;
	}
	struct stat fst;
	e = mt_rs_read(dfd, name, MT_MAX_QUARANTINE_FILE, &data, &len, &fst);
	if (e != MT_OK) {
		note(s, "cannot read %s: %s", path, mt_strerror(e));
		goto out;
	}
	char h[65];
	mt_sha256_hex(data, len, h);
	if (sha && *sha && strcmp(h, sha) != 0) {
		note(s, "%s changed since the scan (sha256 %.16s..., the report says %.16s...)",
		     path, h, sha);
		st = MT_STEP_SKIPPED;
		goto out;
	}
	if ((how & QF_VIA_LINK) && (sensitive_path(canon) || !is_program(data, len, lst.st_mode))) {
		note(s,
		     "%s is only the target of a link and not a program: the plan does not name it, not quarantined",
		     path);
		st = MT_STEP_REFUSED;
		goto out;
	}
	if ((!sha || !*sha) && sensitive_path(canon)) {
		note(s,
		     "%s holds keys or system configuration: quarantined only when the report gives its sha256",
		     path);
		st = MT_STEP_REFUSED;
		goto out;
	}
	if ((!sha || !*sha) && !(how & QF_TEXT_OK) && !is_program(data, len, lst.st_mode)) {
		note(s,
		     "%s is not a program (no ELF, no #! with an x bit) and the report gives no sha256: not quarantined",
		     path);
		st = MT_STEP_REFUSED;
		goto out;
	}
	const char *pkg = a->db ? mt_pkgdb_owner(a->db, canon) : NULL;
	if (pkg) {
		char want[MT_DIGEST_HEX], hx[65];
		mt_digest_algo algo;
		int modified = 0;
		if (mt_pkgdb_digest(a->db, a->host, canon, &algo, want) == MT_OK) {
			if (algo == MT_DIGEST_SHA256) {
				mt_copy(hx, sizeof(hx), h); /* the SHA-256 of data, above */
			} else {
				mt_md5 c;
				uint8_t d[16];
				mt_md5_init(&c);
				mt_md5_update(&c, data, len);
				mt_md5_final(&c, d);
				mt_hex(d, 16, hx);
			}
			modified = strcmp(hx, want) != 0;
		}
		/* a packaged file is taken away only when it is no longer the package's */
		if (!modified) {
			note(s,
			     "%s belongs to package %s and matches what the package installed (or the "
			     "package database has no sum for it): not removed",
			     path, pkg);
			st = MT_STEP_REFUSED;
			goto out;
		}
	}
	unsigned fl = 0, dfl = 0; /* written down before they are cleared (recover_flags) */
	mt_rs_getflags(dfd, name, &fl);
	mt_rs_getflags(dfd, ".", &dfl);
	mt_qmeta m;
	memset(&m, 0, sizeof(m));
	snprintf(m.kind, sizeof(m.kind), "file");
	snprintf(m.path, sizeof(m.path), "%s", canon);
	snprintf(m.sha256, sizeof(m.sha256), "%s", h);
	snprintf(m.finding, sizeof(m.finding), "%s", s->finding);
	snprintf(m.key, sizeof(m.key), "%s", key);
	mt_qmeta_from_stat(&m, &lst);
	qmeta_dir(&m, dfd);
	m.flags = fl;
	m.dir_flags = dfl;
	e = mt_quar_put(&a->q, &m, data, len);
	if (e != MT_OK) {
		note(s, "cannot write the quarantine entry for %s: %s", path, mt_strerror(e));
		goto out;
	}
	a->ops++;
	if (mt_journal_begin(a->j, key, s->pub.n, "quarantine_file", canon, h, "absent", m.id)) {
		mt_quar_discard(&a->q, m.id);
		note(s, "cannot write the journal");
		goto out;
	}
	{
		unsigned f2, d2;
		int r = take_flags(dfd, name, &f2, &d2);
		if (r) {
			mt_journal_done(a->j, key, "failed", strerror(-r), h);
			mt_quar_discard(&a->q, m.id);
			note(s, "cannot clear the immutable/append-only flags of %s: %s", path,
			     strerror(-r));
			goto out;
		}
	}
	crash_point(a, 0);
	if (unlinkat(dfd, name, 0) != 0) {
		int er = errno;
		if (fl)
			mt_rs_setflags(dfd, name, fl);
		put_dir_flags(dfd, dfl);
		mt_quar_discard(&a->q, m.id);
		mt_journal_done(a->j, key, "failed", strerror(er), h);
		note(s, "cannot remove %s: %s (flags put back)", path, strerror(er));
		goto out;
	}
	mt_rs_fsync_dir(dfd);
	put_dir_flags(dfd, dfl);
	crash_point(a, 1);
	mt_journal_done(a->j, key, "done", NULL, "absent");
	mt_buf_printf(&s->entries, "%s%s", s->entries.len ? " " : "", m.id);
	note(s, "%s moved to quarantine entry %s (sha256 %.16s...)", path, m.id, h);
	st = MT_STEP_DONE;
out:
	free(data);
	if (dfd >= 0)
		close(dfd);
	return st;
}

/* The second half of every edit: i/a flags off, the old file into the quarantine (kind
 * edit), journal begin, the new content written beside and renamed over, flags back,
 * journal done. Returns MT_STEP_DONE or MT_STEP_FAILED (the file left as it was). */
static int commit_edit(ax *a, mt_pstep *s, int dfd, const char *name, const char *canon,
                       const struct stat *lst, const char *data, size_t len, const char *out,
                       size_t olen, const char *before, const char *after, char entry[64])
{
	entry[0] = '\0';
	if (lst->st_nlink > 1) {
		/* a hard link to passwd or shadow would be edited under another name */
		note(s, "%s has %lu hard links (one may be a system file): by hand", canon,
		     (unsigned long)lst->st_nlink);
		return MT_STEP_REFUSED;
	}
	if (crit_other_name(a, s, lst, canon, 1)) {
		/* /etc/passwd edited through a bind mount would escape the checks of its name */
		return MT_STEP_REFUSED;
	}
	/* the old flags go into the entry before the journal's begin and before they are
	 * cleared: a crash at any point leaves them written down (recover_flags) */
	unsigned fl = 0, dfl = 0;
	mt_rs_getflags(dfd, name, &fl);
	mt_rs_getflags(dfd, ".", &dfl);
	mt_qmeta m;
	memset(&m, 0, sizeof(m));
	snprintf(m.kind, sizeof(m.kind), "edit");
	snprintf(m.path, sizeof(m.path), "%s", canon);
	snprintf(m.sha256, sizeof(m.sha256), "%s", before);
	snprintf(m.after, sizeof(m.after), "%s", after);
	snprintf(m.finding, sizeof(m.finding), "%s", s->finding);
	snprintf(m.key, sizeof(m.key), "%s", s->key);
	mt_qmeta_from_stat(&m, lst);
	qmeta_dir(&m, dfd);
	m.flags = fl;
	m.dir_flags = dfl;
	mt_err e = mt_quar_put(&a->q, &m, data, len);
	if (e == MT_OK) {
		a->ops++;
		if (mt_journal_begin(a->j, s->key, s->pub.n, s->action, canon, before, after, m.id))
			e = MT_ERR_IO;
	}
	if (e != MT_OK) {
		if (m.id[0])
			mt_quar_discard(&a->q, m.id);
		note(s, "cannot back %s up: %s", canon, mt_strerror(e));
		return MT_STEP_FAILED;
	}
	{
		unsigned f2, d2;
		int r = take_flags(dfd, name, &f2, &d2);
		if (r) {
			mt_journal_done(a->j, s->key, "failed", strerror(-r), before);
			mt_quar_discard(&a->q, m.id);
			note(s, "cannot clear the immutable/append-only flags of %s: %s", canon,
			     strerror(-r));
			return MT_STEP_FAILED;
		}
	}
	crash_point(a, 0);
	e = mt_rs_replace(dfd, name, out, olen, lst, 0, 0);
	if (e != MT_OK) {
		if (fl)
			mt_rs_setflags(dfd, name, fl);
		put_dir_flags(dfd, dfl);
		mt_journal_done(a->j, s->key, "failed", mt_strerror(e), before);
		note(s, "cannot write %s: %s (left as it was)", canon, mt_strerror(e));
		return MT_STEP_FAILED;
	}
	if (fl & (MT_RS_FL_IMMUTABLE | MT_RS_FL_APPEND))
		mt_rs_setflags(dfd, name, fl); /* kept as they were; clear_flags takes them off */
	put_dir_flags(dfd, dfl);
	{
		/* a critical file edited (/etc/passwd) is a new inode now: the set follows it */
		struct stat nst;
		if (fstatat(dfd, name, &nst, AT_SYMLINK_NOFOLLOW) == 0)
			for (size_t i = 0; i < a->crit.n; i++)
				if (mt_rs_same_name(a->crit.v[i].path, canon)) {
					a->crit.v[i].dev = (uint64_t)nst.st_dev;
					a->crit.v[i].ino = (uint64_t)nst.st_ino;
				}
	}
	crash_point(a, 1);
	mt_journal_done(a->j, s->key, "done", NULL, after);
	mt_buf_printf(&s->entries, "%s%s", s->entries.len ? " " : "", m.id);
	snprintf(entry, 64, "%s", m.id);
	return MT_STEP_DONE;
}

static int is_account_file(const char *canon)
{
	return strcmp(canon, "/etc/passwd") == 0 || strcmp(canon, "/etc/shadow") == 0 ||
	       strcmp(canon, "/etc/group") == 0 || strcmp(canon, "/etc/gshadow") == 0;
}

/* sha256 of a file of the root, "" when it cannot be read */
static void file_hash(ax *a, const char *path, char h[65])
{
	int pfd = -1;
	char nm[256], cn[MT_MAX_PATH], wy[512];
	char *d = NULL;
	size_t l = 0;
	h[0] = '\0';
	if (mt_rs_walk(a->rootfd, path, &pfd, nm, sizeof(nm), cn, sizeof(cn), wy, sizeof(wy)) ==
	            MT_OK &&
	    mt_rs_read(pfd, nm, MT_MAX_EDIT_FILE, &d, &l, NULL) == MT_OK)
		mt_sha256_hex(d, l, h);
	free(d);
	if (pfd >= 0)
		close(pfd);
}

static int op_remove_line(ax *a, mt_pstep *s)
{
	mt_jstate js;
	int was_done = 0;
	if (already(a, s->key, &js)) {
		char h[65];
		file_hash(a, s->path ? s->path : "", h);
		if (!h[0] || strcmp(h, js.after) == 0) {
			note(s, "already done by an earlier run (journal)");
			return MT_STEP_ALREADY;
		}
		was_done = 1; /* the file changed since: the line may be back */
		memset(&js, 0, sizeof(js));
	}
	if (!s->path || !s->line_sha || s->lineno <= 0) {
		note(s, "the action lacks path, lineno or line_sha256");
		return MT_STEP_REFUSED;
	}
	int dfd = -1, st = MT_STEP_FAILED;
	char name[256], canon[MT_MAX_PATH], why[512];
	char *data = NULL, *out = NULL;
	size_t len = 0, olen = 0;
	mt_err e = mt_rs_walk(a->rootfd, s->path, &dfd, name, sizeof(name), canon, sizeof(canon),
	                      why, sizeof(why));
	if (e != MT_OK) {
		note(s, "%s", why);
		return walk_err(e);
	}
	struct stat lst;
	if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) != 0) {
		note(s, "%s is no longer there", s->path);
		st = MT_STEP_SKIPPED;
		goto done;
	}
	if (!S_ISREG(lst.st_mode)) {
		note(s, "%s is %s: not edited", s->path,
		     S_ISLNK(lst.st_mode) ? "a symbolic link" : "not a regular file");
		st = MT_STEP_REFUSED;
		goto done;
	}
	struct stat fst;
	e = mt_rs_read(dfd, name, MT_MAX_EDIT_FILE, &data, &len, &fst);
	if (e != MT_OK) {
		note(s, "cannot read %s: %s", s->path, mt_strerror(e));
		goto done;
	}
	if (memchr(data, '\0', len)) {
		note(s, "%s is not a text file: not edited", s->path);
		st = MT_STEP_REFUSED;
		goto done;
	}
	char before[65], after[65];
	mt_sha256_hex(data, len, before);
	if (js.state == 1) {
		if (strcmp(before, js.after) == 0) {
			mt_journal_done(a->j, s->key, "recovered", "the file already had the edit",
			                after);
			note(s, "recovered: an interrupted run had made the edit (backup entry %s)",
			     js.entry);
			mt_buf_printf(&s->entries, "%s%s", s->entries.len ? " " : "", js.entry);
			st = MT_STEP_DONE;
			goto done;
		}
		if (js.entry[0]) {
			recover_flags(&a->q, dfd, name, js.entry);
			mt_quar_discard(&a->q, js.entry);
		}
	}
	unsigned at = 0;
	e = mt_edit_remove_line(data, len, (unsigned)s->lineno, s->line_sha, &out, &olen, &at);
	if (was_done && e == MT_ERR_CHANGED) {
		note(s, "already done by an earlier run (journal)");
		st = MT_STEP_ALREADY;
		goto done;
	}
	if (e == MT_ERR_CHANGED || e == MT_ERR_LIMIT || e == MT_ERR_INVAL) {
		note(s,
		     e == MT_ERR_LIMIT
		             ? "the line is no longer at line %lld and is found at several "
		               "other places: not guessing"
		             : "the line is no longer in the file (line %lld changed since the scan)",
		     (long long)s->lineno);
		st = MT_STEP_SKIPPED;
		goto done;
	}
	if (e != MT_OK) {
		note(s, "%s", mt_strerror(e));
		goto done;
	}
	if (is_account_file(canon)) {
		/* the removed line is the difference: refuse to take out root */
		size_t off = 0;
		unsigned n = 1;
		while (n < at && off < len) {
			const char *nl = memchr(data + off, '\n', len - off);
			off = nl ? (size_t)(nl - data) + 1 : len;
			n++;
		}
		if (len - off >= 5 && memcmp(data + off, "root:", 5) == 0) {
			note(s, "the line is root's entry in %s: never removed", canon);
			st = MT_STEP_REFUSED;
			goto done;
		}
	}
	mt_sha256_hex(out, olen, after);
	char entry[64];
	st = commit_edit(a, s, dfd, name, canon, &lst, data, len, out, olen, before, after, entry);
	if (st == MT_STEP_DONE)
		note(s, "removed line %u of %s (backup in entry %s)", at, s->path, entry);
done:
	free(data);
	free(out);
	if (dfd >= 0)
		close(dfd);
	return st;
}

/* lock_account: in /etc/shadow, "!" before the password hash and the account expired
 * (field 8 = 1), as `usermod -L -e 1` does; root is never locked. */
static int op_lock_account(ax *a, mt_pstep *s)
{
	mt_jstate js;
	if (already(a, s->key, &js)) {
		char h[65];
		file_hash(a, "/etc/shadow", h);
		if (!h[0] || strcmp(h, js.after) == 0) {
			note(s, "already done by an earlier run (journal)");
			return MT_STEP_ALREADY;
		}
		memset(&js, 0, sizeof(js)); /* shadow changed since: look again */
	}
	const char *u = s->user;
	if (!u || !*u || strpbrk(u, ":\n/") || strlen(u) > 64) {
		note(s, "not a user name");
		return MT_STEP_REFUSED;
	}
	if (strcmp(u, "root") == 0) {
		note(s, "root is never locked: change its password instead");
		return MT_STEP_REFUSED;
	}
	int dfd = -1, st = MT_STEP_FAILED;
	char name[256], canon[MT_MAX_PATH], why[512];
	char *data = NULL;
	mt_buf nb;
	mt_buf_init(&nb, MT_MAX_EDIT_FILE);
	size_t len = 0;
	mt_err e = mt_rs_walk(a->rootfd, "/etc/shadow", &dfd, name, sizeof(name), canon,
	                      sizeof(canon), why, sizeof(why));
	if (e != MT_OK) {
		note(s, "%s", why);
		return walk_err(e);
	}
	struct stat lst;
	if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(lst.st_mode)) {
		note(s, "/etc/shadow is missing or not a regular file");
		st = MT_STEP_SKIPPED;
		goto out;
	}
	e = mt_rs_read(dfd, name, MT_MAX_EDIT_FILE, &data, &len, NULL);
	if (e != MT_OK) {
		note(s, "cannot read /etc/shadow: %s", mt_strerror(e));
		goto out;
	}
	char before[65], after[65];
	mt_sha256_hex(data, len, before);
	if (js.state == 1 && strcmp(before, js.after) == 0) {
		mt_journal_done(a->j, s->key, "recovered", "the file already had the edit",
		                js.after);
		note(s, "recovered: an interrupted run had locked %s (backup entry %s)", u,
		     js.entry);
		st = MT_STEP_DONE;
		goto out;
	}
	if (js.state == 1 && js.entry[0]) {
		recover_flags(&a->q, dfd, name, js.entry);
		mt_quar_discard(&a->q, js.entry);
	}
	size_t ul = strlen(u), found = 0, off = 0;
	int already_locked = 0, bad = 0;
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - data) : len, next = nl ? end + 1 : len;
		const char *l = data + off;
		size_t ll = end - off;
		if (ll > ul && memcmp(l, u, ul) == 0 && l[ul] == ':') {
			/* fields: name:password:lastchg:min:max:warn:inactive:expire:reserved */
			const char *f[9];
			size_t fl[9], nf = 0, p = 0;
			while (nf < 9) {
				const char *c = memchr(l + p, ':', ll - p);
				size_t fe = c ? (size_t)(c - l) : ll;
				f[nf] = l + p;
				fl[nf++] = fe - p;
				if (!c)
					break;
				p = fe + 1;
			}
			if (nf < 8) {
				note(s, "the shadow line of %s has %zu fields, not 9: not edited",
				     u, nf);
				st = MT_STEP_SKIPPED;
				goto out;
			}
			found++;
			already_locked = fl[1] && f[1][0] == '!' && fl[7] == 1 && f[7][0] == '1';
			bad |= mt_buf_add(&nb, l, fl[0]) != MT_OK;
			bad |= mt_buf_adds(&nb, ":") != MT_OK;
			if (!(fl[1] && f[1][0] == '!'))
				bad |= mt_buf_addc(&nb, '!') != MT_OK;
			bad |= mt_buf_add(&nb, f[1], fl[1]) != MT_OK;
			for (size_t k = 2; k < nf; k++) {
				bad |= mt_buf_addc(&nb, ':') != MT_OK;
				if (k == 7)
					bad |= mt_buf_addc(&nb, '1') != MT_OK;
				else
					bad |= mt_buf_add(&nb, f[k], fl[k]) != MT_OK;
			}
			if (nl)
				bad |= mt_buf_addc(&nb, '\n') != MT_OK;
		} else {
			bad |= mt_buf_add(&nb, l, next - off) != MT_OK;
		}
		off = next;
	}
	if (found != 1) {
		note(s,
		     found ? "%s is in /etc/shadow more than once: not guessing"
		           : "%s is not in /etc/shadow",
		     u);
		st = MT_STEP_SKIPPED;
		goto out;
	}
	if (already_locked) {
		note(s, "%s is locked and expired already", u);
		st = MT_STEP_DONE;
		goto out;
	}
	if (bad || !nb.data) {
		note(s, "out of memory");
		goto out;
	}
	mt_sha256_hex(nb.data, nb.len, after);
	char entry[64];
	st = commit_edit(a, s, dfd, name, canon, &lst, data, len, nb.data, nb.len, before, after,
	                 entry);
	if (st == MT_STEP_DONE)
		note(s, "locked %s: password disabled, account expired (backup in entry %s)", u,
		     entry);
out:
	free(data);
	mt_buf_free(&nb);
	close(dfd);
	return st;
}

static int op_clear_flags(ax *a, mt_pstep *s)
{
	mt_jstate js;
	unsigned mask = 0;
	for (const char *p = s->flags ? s->flags : "ia"; *p; p++)
		mask |= *p == 'i' ? MT_RS_FL_IMMUTABLE : *p == 'a' ? MT_RS_FL_APPEND : 0;
	if (already(a, s->key, &js)) {
		/* done only while the flags are still off */
		int pfd = -1;
		char nm[256], cn[MT_MAX_PATH], wy[512];
		unsigned cf = 0;
		int set = s->path &&
		          mt_rs_walk(a->rootfd, s->path, &pfd, nm, sizeof(nm), cn, sizeof(cn), wy,
		                     sizeof(wy)) == MT_OK &&
		          mt_rs_getflags(pfd, nm, &cf) == 0 && (cf & mask);
		if (pfd >= 0)
			close(pfd);
		if (!set) {
			note(s, "already done by an earlier run (journal)");
			return MT_STEP_ALREADY;
		}
	}
	if (!s->path || !mask) {
		note(s, "the action names no path or no flag (i, a)");
		return MT_STEP_REFUSED;
	}
	int dfd = -1, st = MT_STEP_FAILED;
	char name[256], canon[MT_MAX_PATH], why[512];
	mt_err e = mt_rs_walk(a->rootfd, s->path, &dfd, name, sizeof(name), canon, sizeof(canon),
	                      why, sizeof(why));
	if (e != MT_OK) {
		note(s, "%s", why);
		return walk_err(e);
	}
	struct stat lst;
	unsigned fl = 0;
	int r;
	if (fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) != 0) {
		note(s, "%s is no longer there", s->path);
		st = MT_STEP_SKIPPED;
	} else if (!S_ISREG(lst.st_mode) && !S_ISDIR(lst.st_mode)) {
		note(s, "%s is neither a file nor a directory", s->path);
		st = MT_STEP_REFUSED;
	} else if (S_ISREG(lst.st_mode) && lst.st_nlink > 1) {
		note(s, "%s has %lu hard links (one may be a system file): by hand", s->path,
		     (unsigned long)lst.st_nlink);
		st = MT_STEP_REFUSED;
	} else if ((r = mt_rs_getflags(dfd, name, &fl)) != 0) {
		note(s, "cannot read the flags of %s: %s", s->path, strerror(-r));
	} else if (!(fl & mask)) {
		note(s, "the flags of %s are already clear", s->path);
		st = MT_STEP_DONE;
	} else {
		mt_qmeta m;
		memset(&m, 0, sizeof(m));
		snprintf(m.kind, sizeof(m.kind), "flags");
		snprintf(m.path, sizeof(m.path), "%s", canon);
		snprintf(m.finding, sizeof(m.finding), "%s", s->finding);
		snprintf(m.key, sizeof(m.key), "%s", s->key);
		mt_qmeta_from_stat(&m, &lst);
		m.flags = fl;
		if (mt_quar_put(&a->q, &m, NULL, 0) != MT_OK ||
		    (a->ops++, mt_journal_begin(a->j, s->key, s->pub.n, s->action, canon, NULL,
		                                NULL, m.id))) {
			note(s, "cannot write the quarantine entry or the journal");
			goto out;
		}
		crash_point(a, 0);
		r = mt_rs_setflags(dfd, name, fl & ~mask);
		if (r) {
			mt_journal_done(a->j, s->key, "failed", strerror(-r), NULL);
			note(s, "cannot clear the flags of %s: %s", s->path, strerror(-r));
			goto out;
		}
		crash_point(a, 1);
		mt_journal_done(a->j, s->key, "done", NULL, NULL);
		mt_buf_printf(&s->entries, "%s%s", s->entries.len ? " " : "", m.id);
		note(s, "cleared the %s flag%s of %s (old flags in entry %s)",
		     s->flags ? s->flags : "ia", s->flags && strlen(s->flags) == 1 ? "" : "s",
		     s->path, m.id);
		st = MT_STEP_DONE;
	}
out:
	close(dfd);
	return st;
}

static int valid_unit_name(const char *u)
{
	return u && *u && u[0] != '.' && !strchr(u, '/') && strlen(u) < 256;
}

static int op_disable_unit(ax *a, mt_pstep *s)
{
	if (!valid_unit_name(s->unit)) {
		note(s, "not a unit name");
		return MT_STEP_REFUSED;
	}
	const char *dirs[2] = {"/etc/systemd/system", NULL};
	char pdir[MT_MAX_PATH];
	if (s->path && s->path[0] == '/') {
		snprintf(pdir, sizeof(pdir), "%s", s->path);
		char *sl = strrchr(pdir, '/');
		if (sl && sl != pdir) {
			*sl = '\0';
			if (strcmp(pdir, dirs[0]) != 0)
				dirs[1] = pdir;
		}
	}
	int st = MT_STEP_PLANNED, found = 0;
	for (size_t d = 0; d < 2; d++) {
		if (!dirs[d])
			continue;
		int pfd = -1, dfd = -1;
		char name[256], canon[MT_MAX_PATH], why[512];
		if (mt_rs_walk(a->rootfd, dirs[d], &pfd, name, sizeof(name), canon, sizeof(canon),
		               why, sizeof(why)) != MT_OK)
			continue;
		dfd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(pfd);
		if (dfd < 0)
			continue;
		mt_dirent *ents = NULL;
		size_t n = 0;
		if (mt_list_fd(dfd, MT_LIST_READDIR, &ents, &n) == MT_OK) {
			for (size_t i = 0; i < n; i++) {
				const char *en = ents[i].name;
				size_t l = strlen(en);
				if (!((l > 6 && strcmp(en + l - 6, ".wants") == 0) ||
				      (l > 9 && strcmp(en + l - 9, ".requires") == 0)))
					continue;
				char lp[MT_MAX_PATH];
				struct stat lst;
				snprintf(lp, sizeof(lp), "%s/%s", en, s->unit);
				if (fstatat(dfd, lp, &lst, AT_SYMLINK_NOFOLLOW) != 0 ||
				    !S_ISLNK(lst.st_mode))
					continue;
				char full[MT_MAX_PATH], k[17];
				if (snprintf(full, sizeof(full), "%s/%s/%s", canon, en, s->unit) >=
				    (int)sizeof(full))
					continue;
				subkey(s->key, full, k);
				found++;
				st = worse(st, op_quarantine(a, s, full, k, 0, NULL));
			}
		}
		mt_dirents_free(ents, n);
		close(dfd);
	}
	if (s->path) {
		/* the unit file itself: only a file named as the unit (the report names both) */
		char k[17];
		subkey(s->key, s->path, k);
		found++;
		if (strcmp(mt_basename(s->path), s->unit) != 0) {
			note(s, "%s is not named as the unit %s: not quarantined", s->path,
			     s->unit);
			st = worse(st, MT_STEP_REFUSED);
		} else
			st = worse(st, op_quarantine(a, s, s->path, k, QF_TEXT_OK, NULL));
	}
	if (!found) {
		note(s, "no unit file and no enabling link found");
		return MT_STEP_SKIPPED;
	}
	note(s, "systemd still holds the unit in memory until `systemctl daemon-reload`");
	return st;
}

static int op_unmount(ax *a, mt_pstep *s)
{
	if (!a->live) {
		note(s, "not the live host (--root): nothing to unmount");
		return MT_STEP_SKIPPED;
	}
	const char *p = s->path ? s->path : "";
	uint64_t pid;
	if (strncmp(p, "/proc/", 6) != 0 ||
	    mt_parse_u64(p + 6, strlen(p + 6), INT32_MAX, &pid) != 0) {
		note(s, "only a mount over /proc/PID is taken off, not %s", p);
		return MT_STEP_REFUSED;
	}
	struct stat a1, a2;
	if (stat("/proc", &a1) != 0 || lstat(p, &a2) != 0) {
		note(s, "%s is not there", p);
		return MT_STEP_SKIPPED;
	}
	if (a1.st_dev == a2.st_dev) {
		note(s, "nothing is mounted over %s any more", p);
		return MT_STEP_SKIPPED;
	}
	if (umount2(p, MNT_DETACH) != 0) {
		note(s, "cannot unmount %s: %s", p, strerror(errno));
		return MT_STEP_FAILED;
	}
	note(s, "unmounted %s: the process under it is visible again", p);
	return MT_STEP_DONE;
}

/* ---- firewall -------------------------------------------------------------- */

/* 1 when the 4 or 16 bytes at b are one of this machine's own addresses, its default
 * gateway (live root) or a name server of the root's resolv.conf */
static int own_address(ax *a, int v6, const unsigned char *b)
{
	size_t n = v6 ? 16 : 4;
	struct ifaddrs *ifs = NULL;
	int hit = 0;
	if (getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *i = ifs; i && !hit; i = i->ifa_next) {
			if (!i->ifa_addr)
				continue;
			if (!v6 && i->ifa_addr->sa_family == AF_INET)
				hit = memcmp(&((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
				             b, 4) == 0;
			else if (v6 && i->ifa_addr->sa_family == AF_INET6)
				hit = memcmp(&((struct sockaddr_in6 *)(void *)i->ifa_addr)
				                      ->sin6_addr,
				             b, 16) == 0;
		}
		freeifaddrs(ifs);
	}
	if (!hit && !v6 && a->live) {
		/* /proc/net/route: Iface Destination Gateway ..., hex in network order */
		char *d = NULL;
		size_t l = 0;
		int fd = open("/proc/net/route", O_RDONLY | O_CLOEXEC);
		int tr = 0;
		if (fd >= 0 && mt_read_fd(fd, 1 << 20, &d, &l, &tr) == MT_OK) {
			for (char *line = d, *nl; !hit && line && *line;
			     line = nl ? nl + 1 : NULL) {
				nl = strchr(line, '\n');
				char *t = strchr(line, '\t');
				char *g = t ? strchr(t + 1, '\t') : NULL;
				uint64_t v = 0;
				int okh = g && strlen(g + 1) >= 8;
				for (int k = 1; okh && k <= 8; k++) {
					char c = g[k];
					int dv = c >= '0' && c <= '9'   ? c - '0'
					         : c >= 'A' && c <= 'F' ? c - 'A' + 10
					                                : -1;
					okh = dv >= 0;
					v = v * 16 + (uint64_t)(dv < 0 ? 0 : dv);
				}
				if (okh && v) {
					uint32_t gw = (uint32_t)
						v; /* host order of a little-endian dump */
					unsigned char gb[4];
					memcpy(gb, &gw, 4);
					hit = memcmp(gb, b, 4) == 0;
				}
			}
		}
		free(d);
		if (fd >= 0)
			close(fd);
	}
	if (!hit) {
		int dfd = -1;
		char nm[256], cn[MT_MAX_PATH], wy[512];
		char *d = NULL;
		size_t l = 0;
		if (mt_rs_walk(a->rootfd, "/etc/resolv.conf", &dfd, nm, sizeof(nm), cn, sizeof(cn),
		               wy, sizeof(wy)) == MT_OK &&
		    mt_rs_read(dfd, nm, 1 << 16, &d, &l, NULL) == MT_OK) {
			for (char *line = d, *nl; !hit && line && *line;
			     line = nl ? nl + 1 : NULL) {
				nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				if (strncmp(line, "nameserver", 10) != 0)
					continue;
				char *v = line + 10;
				while (*v == ' ' || *v == '\t')
					v++;
				char *e = v;
				while (*e && *e != ' ' && *e != '\t' && *e != '%')
					e++;
				*e = '\0';
				unsigned char nb[16];
				hit = inet_pton(v6 ? AF_INET6 : AF_INET, v, nb) == 1 &&
				      memcmp(nb, b, n) == 0;
			}
		}
		free(d);
		if (dfd >= 0)
			close(dfd);
	}
	return hit;
}

static const char *ip_refused(ax *a, const char *ip, int *v6)
{
	unsigned char b[16];
	*v6 = 0;
	if (!ip)
		return "no address";
	if (inet_pton(AF_INET, ip, b) == 1) {
		if (b[0] == 127)
			return "a loopback address";
		if (b[0] == 169 && b[1] == 254)
			return "a link-local address (the cloud metadata service)";
		if (own_address(a, 0, b))
			return "this host's own address, gateway or name server";
		if (b[0] == 0 || (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255))
			return "not a host address";
		if (b[0] >= 224 && b[0] <= 239)
			return "a multicast address";
		return NULL;
	}
	if (inet_pton(AF_INET6, ip, b) == 1) {
		static const unsigned char lo[16] = {[15] = 1}, zero[16] = {0};
		*v6 = 1;
		if (memcmp(b, lo, 16) == 0)
			return "a loopback address";
		if (memcmp(b, zero, 16) == 0)
			return "not a host address";
		if (b[0] == 0xff)
			return "a multicast address";
		static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
		if (memcmp(b, mapped, 12) == 0)
			return "an IPv4-mapped address (give the IPv4 address)";
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
			return "a link-local address";
		if (own_address(a, 1, b))
			return "this host's own address, gateway or name server";
		return NULL;
	}
	return "not an IP address";
}

static int run_tool(const char *const argv[], const char *stdin_path, int quiet)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (stdin_path) {
			int fd = open(stdin_path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || dup2(fd, 0) < 0)
				_exit(127);
		} else if (quiet) {
			/* no input and no output: a probe's complaint is not the user's */
			int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Takes the jumps to MINETRACE-BLOCK out of INPUT, OUTPUT and FORWARD (bin: iptables or
 * ip6tables), however many an earlier load or a hand left: the rules file inserts them
 * again, once each, so a second run does not double them. */
static void ipt_unhook(const char *bin)
{
	static const char *const chains[] = {"INPUT", "OUTPUT", "FORWARD"};
	if (access(bin, X_OK) != 0)
		return;
	for (size_t c = 0; c < MT_ARRAY_LEN(chains); c++)
		for (unsigned k = 0; k < 64; k++) {
			const char *argv[] = {bin, "-w", "-D", chains[c], "-j", "MINETRACE-BLOCK",
			                      NULL};
			if (run_tool(argv, NULL, 1) != 0)
				break;
		}
}

static mt_err write_text(int dfd, const char *name, const mt_buf *b)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_uid = getuid();
	st.st_gid = getgid();
	st.st_mode = 0600;
	return mt_rs_replace(dfd, name, b->data ? b->data : "", b->len, &st, 0, 0);
}

static void firewall(ax *a)
{
	mt_buf v4, v6, nft, ipt, ip6t;
	mt_buf_init(&v4, 1 << 20);
	mt_buf_init(&v6, 1 << 20);
	mt_buf_init(&nft, 4 << 20);
	mt_buf_init(&ipt, 4 << 20);
	mt_buf_init(&ip6t, 4 << 20);
	size_t n4 = 0, n6 = 0;
	mt_buf_adds(&ipt,
	            "# minetrace: block attacker and pool addresses (iptables-restore --noflush)\n"
	            "*filter\n:MINETRACE-BLOCK - [0:0]\n-F MINETRACE-BLOCK\n");
	mt_buf_adds(&ip6t,
	            "# minetrace: block attacker and pool addresses (ip6tables-restore --noflush)\n"
	            "*filter\n:MINETRACE-BLOCK - [0:0]\n-F MINETRACE-BLOCK\n");
	for (size_t i = 0; i < a->plan->n; i++) {
		mt_pstep *s = a->plan->steps[i];
		if (s->phase != MT_PH_FIREWALL)
			continue;
		int v6a;
		const char *why = ip_refused(a, s->ip, &v6a);
		if (why) {
			note(s, "%s is %s: not blocked", s->ip ? s->ip : "?", why);
			s->pub.state = MT_STEP_REFUSED;
			continue;
		}
		/* canonical text from inet_pton: nothing else reaches the rules file */
		unsigned char b[16];
		char txt[INET6_ADDRSTRLEN];
		inet_pton(v6a ? AF_INET6 : AF_INET, s->ip, b);
		inet_ntop(v6a ? AF_INET6 : AF_INET, b, txt, sizeof(txt));
		mt_buf *set = v6a ? &v6 : &v4;
		mt_buf_printf(set, "%s%s", set->len ? ", " : "", txt);
		mt_buf_printf(
			v6a ? &ip6t : &ipt,
			"-A MINETRACE-BLOCK -d %s -j DROP\n-A MINETRACE-BLOCK -s %s -j DROP\n", txt,
			txt);
		if (v6a)
			n6++;
		else
			n4++;
		s->pub.state = MT_STEP_DONE;
	}
	if (n4 + n6 == 0)
		goto out;
	mt_buf_adds(
		&nft,
		"# minetrace: block attacker and pool addresses. Load with: nft -f firewall.nft\n"
		"table inet minetrace_block\ndelete table inet minetrace_block\n"
		"table inet minetrace_block {\n");
	if (n4)
		mt_buf_printf(&nft, "\tset v4 { type ipv4_addr; elements = { %s } }\n", v4.data);
	if (n6)
		mt_buf_printf(&nft, "\tset v6 { type ipv6_addr; elements = { %s } }\n", v6.data);
	static const char *const hooks[] = {"input", "output", "forward"};
	for (size_t h = 0; h < 3; h++) {
		mt_buf_printf(&nft, "\tchain %s { type filter hook %s priority 0; policy accept;\n",
		              hooks[h], hooks[h]);
		if (n4)
			mt_buf_adds(&nft, "\t\tip saddr @v4 drop\n\t\tip daddr @v4 drop\n");
		if (n6)
			mt_buf_adds(&nft, "\t\tip6 saddr @v6 drop\n\t\tip6 daddr @v6 drop\n");
		mt_buf_adds(&nft, "\t}\n");
	}
	mt_buf_adds(&nft, "}\n");
	static const char *const chains =
		"-D INPUT -j MINETRACE-BLOCK\n-I INPUT -j MINETRACE-BLOCK\n"
		"-I OUTPUT -j MINETRACE-BLOCK\n-I FORWARD -j MINETRACE-BLOCK\nCOMMIT\n";
	mt_buf_adds(&ipt, chains + 28);
	mt_buf_adds(&ip6t, chains + 28);
	/* and the files that take the block off again */
	mt_buf unft, uipt;
	mt_buf_init(&unft, 4096);
	mt_buf_init(&uipt, 4096);
	mt_buf_adds(&unft, "# minetrace: take the block off. Load with: nft -f firewall-undo.nft\n"
	                   "table inet minetrace_block\ndelete table inet minetrace_block\n");
	mt_buf_adds(
		&uipt,
		"# minetrace: take the block off (iptables-restore --noflush, ip6tables-restore "
		"--noflush), after a load by respond\n*filter\n-D INPUT -j MINETRACE-BLOCK\n"
		"-D OUTPUT -j MINETRACE-BLOCK\n-D FORWARD -j MINETRACE-BLOCK\n"
		"-F MINETRACE-BLOCK\n-X MINETRACE-BLOCK\nCOMMIT\n");
	mt_err e = write_text(a->q.fd, "firewall.nft", &nft);
	if (e == MT_OK)
		e = write_text(a->q.fd, "firewall.iptables", &ipt);
	if (e == MT_OK)
		e = write_text(a->q.fd, "firewall.ip6tables", &ip6t);
	if (e == MT_OK)
		e = write_text(a->q.fd, "firewall-undo.nft", &unft);
	if (e == MT_OK)
		e = write_text(a->q.fd, "firewall-undo.iptables", &uipt);
	mt_buf_free(&unft);
	mt_buf_free(&uipt);
	char applied[512] = "";
	if (e == MT_OK && a->opts->firewall) {
		char p[MT_MAX_PATH + 32];
		if (!a->live) {
			snprintf(applied, sizeof(applied), "; not loaded: not the live system");
		} else {
			snprintf(p, sizeof(p), "%s/firewall.nft", a->q.path);
			const char *nftbin = access("/usr/sbin/nft", X_OK) == 0 ? "/usr/sbin/nft"
			                     : access("/sbin/nft", X_OK) == 0   ? "/sbin/nft"
			                                                        : NULL;
			int rc = -1;
			if (nftbin) {
				const char *argv[] = {nftbin, "-f", p, NULL};
				rc = run_tool(argv, NULL, 0);
				snprintf(applied, sizeof(applied),
				         rc == 0 ? "; loaded with nft" : "; nft failed (exit %d)",
				         rc);
			}
			if (rc != 0 && access("/usr/sbin/iptables-restore", X_OK) == 0) {
				const char *argv[] = {"/usr/sbin/iptables-restore", "--noflush",
				                      NULL};
				snprintf(p, sizeof(p), "%s/firewall.iptables", a->q.path);
				if (n4)
					ipt_unhook("/usr/sbin/iptables");
				rc = n4 ? run_tool(argv, p, 0) : 0;
				if (rc == 0 && n6) {
					const char *argv6[] = {"/usr/sbin/ip6tables-restore",
					                       "--noflush", NULL};
					snprintf(p, sizeof(p), "%s/firewall.ip6tables", a->q.path);
					ipt_unhook("/usr/sbin/ip6tables");
					rc = run_tool(argv6, p, 0);
				}
				snprintf(applied, sizeof(applied),
				         rc == 0 ? "; loaded with iptables-restore"
				                 : "; iptables-restore failed (exit %d)",
				         rc);
			} else if (!nftbin) {
				snprintf(applied, sizeof(applied),
				         "; not loaded: neither nft nor iptables-restore found");
			}
			if (rc != 0)
				e = MT_ERR_IO;
		}
	}
	for (size_t i = 0; i < a->plan->n; i++) {
		mt_pstep *s = a->plan->steps[i];
		if (s->phase != MT_PH_FIREWALL || s->pub.state != MT_STEP_DONE)
			continue;
		if (e != MT_OK && !*applied) {
			s->pub.state = MT_STEP_FAILED;
			note(s, "cannot write the rules files: %s", mt_strerror(e));
		} else {
			if (e != MT_OK)
				s->pub.state = MT_STEP_FAILED;
			note(s,
			     "in %s/firewall.nft (and firewall.iptables, firewall.ip6tables; firewall-undo.* take it off)%s%s",
			     a->q.path, applied,
			     a->opts->firewall ? "" : "; load them with --firewall or nft -f");
		}
	}
out:
	mt_buf_free(&v4);
	mt_buf_free(&v6);
	mt_buf_free(&nft);
	mt_buf_free(&ipt);
	mt_buf_free(&ip6t);
}

/* 1 (noted) when the process runs a program that is never killed (sshd, systemd,
 * init...), under whatever name: the dev/ino of /proc/PID/exe. */
static int kill_critical(ax *a, mt_pstep *s)
{
	char p[64];
	struct stat st;
	snprintf(p, sizeof(p), "/proc/%lld/exe", (long long)s->pid);
	if (stat(p, &st) != 0)
		return 0; /* gone, or a kernel thread: mt_kill_tree says which */
	if (!a->crit_ok || a->crit.full) {
		note(s, "pid %lld refused: the critical programs of the root could not be listed",
		     (long long)s->pid);
		return 1;
	}
	const mt_rs_crit *c =
		mt_rs_critset_check(&a->crit, a->host, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	if (!c || !c->proc)
		return 0;
	note(s, "pid %lld runs %s (a critical system program, same device and inode): never killed",
	     (long long)s->pid, c->path);
	return 1;
}

/* 1 when something (not followed) is at path inside the root */
static int in_root(ax *a, const char *path)
{
	int dfd = -1;
	char nm[256], cn[MT_MAX_PATH], wy[512];
	struct stat st;
	int r = mt_rs_walk(a->rootfd, path, &dfd, nm, sizeof(nm), cn, sizeof(cn), wy, sizeof(wy)) ==
	                MT_OK &&
	        fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (dfd >= 0)
		close(dfd);
	return r;
}

static void manual(mt_pstep *s)
{
	if (strcmp(s->action, "change_password") == 0)
		note(s, "change the password of %s (passwd %s) and of every account that shares it",
		     s->user ? s->user : "?", s->user ? s->user : "?");
	else if (strcmp(s->action, "lock_account") == 0)
		note(s, "lock the account %s (usermod -L -e 1 %s) once you know it is not needed",
		     s->user ? s->user : "?", s->user ? s->user : "?");
	else if (strcmp(s->action, "reinstall_package") == 0)
		note(s,
		     "reinstall package %s from a trusted mirror (apt-get install --reinstall %s)",
		     s->package ? s->package : "?", s->package ? s->package : "?");
	else
		note(s, "unknown action '%s': by hand", s->action);
}

mt_err mt_respond_apply(mt_plan *plan, const mt_respond_opts *opts, mt_step_fn fn, void *ctx,
                        mt_diag_fn diag, void *dctx)
{
	ax a;
	memset(&a, 0, sizeof(a));
	a.opts = opts;
	a.plan = plan;
	a.q.fd = -1;
	const char *root = opts->root ? opts->root : "/";
	a.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a.rootfd < 0)
		return mt_errno_to_err(errno);
	struct stat r1, r2;
	a.live = stat("/", &r1) == 0 && fstat(a.rootfd, &r2) == 0 && r1.st_dev == r2.st_dev &&
	         r1.st_ino == r2.st_ino;
	mt_err e = mt_quar_open(root, opts->quarantine, 1, &a.q);
	if (e != MT_OK) {
		if (diag)
			diag(dctx, opts->quarantine, 0, "cannot create the quarantine directory");
		close(a.rootfd);
		return e;
	}
	e = mt_journal_open(&a.q, &a.j);
	if (e != MT_OK) {
		if (diag)
			diag(dctx, "journal.jsonl", 0, "cannot open the journal");
		goto out;
	}
	if (mt_host_open(root, 0, &a.host) == MT_OK && mt_report_new(&a.rep) == MT_OK)
		mt_pkgdb_load(a.host, a.rep, &a.db);
	a.crit_ok = a.host && mt_rs_critset_load(a.host, &a.crit) == MT_OK;
	const char *c = getenv("MINETRACE_RESPOND_CRASH_AT");
	uint64_t v;
	if (c && mt_parse_u64(c, strlen(c), 100000, &v) == 0)
		a.crash_at = (unsigned)v;
	c = getenv("MINETRACE_RESPOND_CRASH_PHASE");
	a.crash_after = c && strcmp(c, "after") == 0;

	int fw_done = 0;
	for (size_t i = 0; i < plan->n; i++) {
		mt_pstep *s = plan->steps[i];
		int st = MT_STEP_FAILED;
		if (s->path_lit && !in_root(&a, s->path) && in_root(&a, s->path_lit)) {
			/* the \xNN of the report were the name's own text, not escaped bytes */
			char *t = s->path;
			s->path = s->path_lit;
			s->path_lit = t;
			note(s, "%s: no file with the decoded name, the name as written is taken",
			     s->path);
		}
		switch (s->phase) {
		case MT_PH_UNMOUNT:
			st = op_unmount(&a, s);
			break;
		case MT_PH_KILL:
			if (!a.live) {
				note(s, "not the live host (--root): no process to kill");
				st = MT_STEP_SKIPPED;
			} else if (s->pid <= 0 || s->start == 0) {
				note(s,
				     "the report gives no start time for pid %lld (a hidden process?): "
				     "scan again (after the unmount) and respond to the new report",
				     (long long)s->pid);
				st = MT_STEP_REFUSED;
			} else if (kill_critical(&a, s)) {
				st = MT_STEP_REFUSED;
			} else {
				st = mt_kill_tree("/proc", s->pid, (uint64_t)s->start, s->exe,
				                  s->ppid, (uint64_t)s->pstart, &s->detail,
				                  &s->detail_zh);
			}
			break;
		case MT_PH_FLAGS:
			st = op_clear_flags(&a, s);
			break;
		case MT_PH_QUARANTINE:
			if (!s->path) {
				note(s, "the action names no path");
				st = MT_STEP_REFUSED;
			} else {
				/* a deleted program (live "... (deleted)") is gone from the disk already */
				size_t pl = strlen(s->path);
				if (pl > 10 && strcmp(s->path + pl - 10, " (deleted)") == 0) {
					note(s,
					     "the program file was deleted already: nothing on disk to quarantine");
					st = MT_STEP_SKIPPED;
				} else
					st = op_quarantine(&a, s, s->path, s->key, QF_FOLLOW,
					                   s->sha256);
			}
			break;
		case MT_PH_EDIT:
			st = strcmp(s->action, "lock_account") == 0 ? op_lock_account(&a, s)
			                                            : op_remove_line(&a, s);
			break;
		case MT_PH_UNIT:
			st = op_disable_unit(&a, s);
			break;
		case MT_PH_FIREWALL:
			if (!fw_done) {
				firewall(&a);
				fw_done = 1;
			}
			st = s->pub.state;
			break;
		default:
			manual(s);
			st = MT_STEP_MANUAL;
			break;
		}
		s->pub.state = st;
		if (s->phase == MT_PH_KILL || s->phase == MT_PH_UNMOUNT ||
		    s->phase == MT_PH_FIREWALL) {
			/* no file to recover here: the journal keeps what was done, for the record */
			static const char *const names[] = {"planned", "done",    "already",
			                                    "skipped", "refused", "failed",
			                                    "manual"};
			a.ops++;
			mt_journal_begin(a.j, s->key, s->pub.n, s->action, s->target, NULL, NULL,
			                 NULL);
			mt_journal_done(a.j, s->key, names[st], s->detail.data, NULL);
		}
		if (fn)
			fn(ctx, mt_plan_get(plan, i));
	}
out:
	mt_rs_critset_free(&a.crit);
	mt_pkgdb_free(a.db);
	mt_report_free(a.rep);
	mt_host_close(a.host);
	mt_journal_close(a.j);
	mt_quar_close(&a.q);
	close(a.rootfd);
	return e;
}

mt_err mt_respond_verify(const mt_plan *plan, const char *root, const mt_rules *rules,
                         mt_report *report)
{
	mt_buf list;
	mt_buf_init(&list, 64 * 1024);
	for (size_t i = 0; i < plan->n; i++) {
		const mt_pstep *s = plan->steps[i];
		if (!s->check || !*s->check || s->pub.manual)
			continue;
		if (s->pub.state != MT_STEP_DONE && s->pub.state != MT_STEP_ALREADY)
			continue;
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++) {
			const mt_pstep *t = plan->steps[j];
			seen = t->check && strcmp(t->check, s->check) == 0 &&
			       (t->pub.state == MT_STEP_DONE || t->pub.state == MT_STEP_ALREADY) &&
			       !t->pub.manual;
		}
		if (!seen)
			mt_buf_printf(&list, "%s%s", list.len ? "," : "", s->check);
	}
	if (!list.len) {
		mt_buf_free(&list);
		return MT_OK;
	}
	mt_scan_opts so;
	mt_scan_opts_init(&so);
	char bad[128];
	mt_err e = mt_checks_select(list.data, &so.checks, bad, sizeof(bad));
	mt_buf_free(&list);
	if (e != MT_OK)
		return e;
	mt_host *h = NULL;
	e = mt_host_open(root ? root : "/", 0, &h);
	if (e == MT_OK)
		e = mt_scan(h, rules, &so, report);
	mt_host_close(h);
	return e;
}

/* An undo file of the quarantine fit to hand to a firewall tool as root: a regular file
 * of root's that nobody else may write. */
static int undo_file_ok(int qfd, const char *name)
{
	struct stat st;
	return fstatat(qfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       st.st_uid == 0 && !(st.st_mode & 022);
}

mt_err mt_restore_firewall(const char *root, const char *qdir, char *why, size_t whylen)
{
	why[0] = '\0';
	if (!root || strcmp(root, "/") != 0) {
		snprintf(why, whylen, "the firewall is the live system's: only without --root");
		return MT_ERR_INVAL;
	}
	mt_quar q;
	mt_err e = mt_quar_open(root, qdir, 0, &q);
	if (e != MT_OK) {
		snprintf(why, whylen, "no quarantine directory to take the undo files from: %s",
		         mt_strerror(e));
		return e;
	}
	char p[MT_MAX_PATH + 32];
	int rc = -1;
	const char *nftbin = access("/usr/sbin/nft", X_OK) == 0 ? "/usr/sbin/nft"
	                     : access("/sbin/nft", X_OK) == 0   ? "/sbin/nft"
	                                                        : NULL;
	if (nftbin && undo_file_ok(q.fd, "firewall-undo.nft")) {
		snprintf(p, sizeof(p), "%s/firewall-undo.nft", q.path);
		const char *argv[] = {nftbin, "-f", p, NULL};
		rc = run_tool(argv, NULL, 0);
		snprintf(why, whylen,
		         rc == 0 ? "the block was taken off with nft (%s)" : "nft -f %s failed", p);
	}
	if (rc != 0 && undo_file_ok(q.fd, "firewall-undo.iptables") &&
	    access("/usr/sbin/iptables-restore", X_OK) == 0) {
		snprintf(p, sizeof(p), "%s/firewall-undo.iptables", q.path);
		const char *argv[] = {"/usr/sbin/iptables-restore", "--noflush", NULL};
		rc = run_tool(argv, p, 0);
		if (rc == 0 && access("/usr/sbin/ip6tables-restore", X_OK) == 0) {
			const char *argv6[] = {"/usr/sbin/ip6tables-restore", "--noflush", NULL};
			rc = run_tool(argv6, p, 0);
		}
		snprintf(why, whylen,
		         rc == 0 ? "the block was taken off with iptables-restore (%s)"
		                 : "iptables-restore < %s failed",
		         p);
	}
	if (rc != 0 && !why[0])
		snprintf(why, whylen,
		         "no undo file in %s (respond --apply wrote none) or no nft "
		         "or iptables-restore",
		         q.path);
	mt_quar_close(&q);
	return rc == 0 ? MT_OK : MT_ERR_IO;
}
