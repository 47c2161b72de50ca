/* files_window.c - files.window: files of the usual drop and persistence places whose
 * mtime or ctime falls inside the --since/--until window (find -newerct, and mtime too) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../collect/facts.h"
#include "../collect/walk.h"
#include "checks.h"

/* Findings this check gives at most: a window around a package upgrade touches
 * thousands of files; past this the rest is counted in a diagnostic. */
#define WINDOW_MAX_FINDINGS 5000
/* Package files whose digest is compared (each is read), and the size read for it. */
#define WINDOW_MAX_MD5      2000
#define WINDOW_MD5_CAP      (64ull * 1024 * 1024)

typedef struct win_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_err err;
	mt_pkgdb *db;
	size_t reported, over, md5_done;
} win_state;

static int in_window(const mt_scan_opts *o, int64_t t)
{
	return (o->since == MT_TIME_NONE || t >= o->since) &&
	       (o->until == MT_TIME_NONE || t <= o->until);
}

/* MD5 or SHA-256 of a file of the root as hex, 0 on success. */
static int file_digest(mt_host *host, const char *path, const struct stat *lst, mt_digest_algo algo,
                       char out[MT_DIGEST_HEX])
{
	int fd;
	struct stat st;
	if (mt_host_open_file(host, path, &fd, &st) != MT_OK)
		return -1;
	if (st.st_ino != lst->st_ino || st.st_dev != lst->st_dev ||
	    (uint64_t)st.st_size > WINDOW_MD5_CAP) {
		close(fd);
		return -1;
	}
	mt_md5 c;
	mt_sha256 c2;
	mt_md5_init(&c);
	mt_sha256_init(&c2);
	static _Thread_local unsigned char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (algo == MT_DIGEST_MD5)
			mt_md5_update(&c, buf, (size_t)n);
		else
			mt_sha256_update(&c2, buf, (size_t)n);
	}
	close(fd);
	if (n < 0)
		return -1;
	uint8_t d[32];
	if (algo == MT_DIGEST_MD5) {
		mt_md5_final(&c, d);
		mt_hex(d, 16, out);
	} else {
		mt_sha256_final(&c2, d);
		mt_hex(d, 32, out);
	}
	return 0;
}

static int on_entry(void *p, const mt_walk_entry *e)
{
	win_state *w = p;
	const mt_scan_opts *o = w->ctx->opts;
	if (w->err != MT_OK)
		return MT_WALK_STOP;
	if (!S_ISREG(e->st->st_mode))
		return MT_WALK_CONTINUE;
	int m_in = in_window(o, (int64_t)e->st->st_mtime);
	int c_in = in_window(o, (int64_t)e->st->st_ctime);
	if (!m_in && !c_in)
		return MT_WALK_CONTINUE;
	if (w->reported >= WINDOW_MAX_FINDINGS) {
		w->over++;
		return MT_WALK_CONTINUE;
	}

	const char *pkg = w->db ? mt_pkgdb_owner(w->db, e->path) : NULL;
	const char *md5_state = NULL; /* "match", "differs", "no_sum", "not_checked" */
	char want[MT_DIGEST_HEX], have[MT_DIGEST_HEX];
	mt_digest_algo algo = MT_DIGEST_MD5;
	mt_severity sev = MT_SEV_LOW;
	if (pkg) {
		mt_err me = mt_pkgdb_digest(w->db, w->ctx->host, e->path, &algo, want);
		if (me == MT_ERR_NOMEM) {
			w->err = me;
			return MT_WALK_STOP;
		}
		if (me != MT_OK)
			md5_state = "no_sum"; /* a conffile, or a file the package makes */
		else if (w->md5_done >= WINDOW_MAX_MD5 ||
		         file_digest(w->ctx->host, e->path, e->st, algo, have) != 0)
			md5_state = "not_checked";
		else {
			w->md5_done++;
			md5_state = strcmp(want, have) == 0 ? "match" : "differs";
			sev = strcmp(want, have) == 0 ? MT_SEV_INFO : MT_SEV_MEDIUM;
		}
	}
	/* ctime inside while mtime is older than the window: times set back (touch -d,
	 * touch -r), a copy that kept them (cp -p, tar), or an unpacked package */
	int set_back = !pkg && c_in && !m_in && o->since != MT_TIME_NONE &&
	               (int64_t)e->st->st_mtime < o->since;

	mt_finding *f = mt_finding_new(w->self, sev, sev == MT_SEV_MEDIUM ? 60 : 40);
	const char *which = m_in && c_in ? "mtime,ctime" : m_in ? "mtime" : "ctime";
	const char *which_en = m_in && c_in ? "mtime and ctime fall"
	                       : m_in       ? "mtime falls"
	                                    : "ctime falls";
	if (sev == MT_SEV_MEDIUM) {
		mt_finding_text(f, MT_LANG_EN, "Package file modified in the time window",
		                "Its content differs from what package %s installed, and it was "
		                "changed inside the time window (%s).",
		                pkg, which);
		mt_finding_text(f, MT_LANG_ZH, "时间窗口内被修改的软件包文件",
		                "内容与软件包%s安装的不一致，且在时间窗口内被改动(%s)。", pkg,
		                which);
	} else if (sev == MT_SEV_INFO) {
		mt_finding_text(
			f, MT_LANG_EN, "Package file touched in the time window",
			"Changed inside the time window (%s) but its content is what package "
			"%s installed (an upgrade or reinstall).",
			which, pkg);
		mt_finding_text(f, MT_LANG_ZH, "时间窗口内变动的软件包文件",
		                "在时间窗口内有变动(%s)，但内容与软件包%s安装的一致(升级或重装)。",
		                which, pkg);
	} else {
		mt_finding_text(f, MT_LANG_EN, "File changed in the time window",
		                "Its %s inside the time window: look at what it is and who put it "
		                "there.%s",
		                which_en,
		                set_back
		                        ? " Its mtime is older than the window while its ctime is "
		                          "inside: the times may have been set back (timestomping) "
		                          "or kept by a copy."
		                        : "");
		mt_finding_text(f, MT_LANG_ZH, "时间窗口内变动的文件",
		                "其%s落在时间窗口内：请查看文件内容及来源。%s", which,
		                set_back ? "mtime早于时间窗口而ctime在窗口内：时间可能被篡改"
		                           "(timestomp)或由复制保留。"
		                         : "");
	}
	mt_finding_str(f, "path", e->path, 1);
	mt_finding_str(f, "changed", which, 0);
	mt_finding_int(f, "mtime", (long long)e->st->st_mtime, 0);
	mt_finding_int(f, "ctime", (long long)e->st->st_ctime, 0);
	mt_finding_int(f, "size", (long long)e->st->st_size, 0);
	mt_finding_int(f, "uid", (long long)e->st->st_uid, 0);
	char mode[8];
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(e->st->st_mode & 07777));
	mt_finding_str(f, "mode", mode, 0);
	const mt_user *u = mt_users_by_uid(mt_ctx_users(w->ctx), (unsigned)e->st->st_uid);
	if (u)
		mt_finding_str(f, "user", u->name, 0);
	if (pkg) {
		mt_finding_str(f, "package", pkg, 0);
		/* package_md5 (dpkg, old rpm) or package_sha256 (rpm) */
		mt_finding_str(f, algo == MT_DIGEST_MD5 ? "package_md5" : "package_sha256",
		               md5_state, 0);
	}
	if (set_back)
		mt_finding_str(f, "reasons", "mtime_before_window", 0);
	mt_err err = mt_report_add(w->ctx->report, f);
	if (err == MT_ERR_NOMEM) {
		w->err = err;
		return MT_WALK_STOP;
	}
	w->reported++;
	return MT_WALK_CONTINUE;
}

mt_err mt_check_files_window(mt_ctx *ctx, const mt_check_info *self)
{
	static const char *const dirs[] = {"/etc",
	                                   "/usr/bin",
	                                   "/usr/sbin",
	                                   "/bin",
	                                   "/sbin",
	                                   "/usr/local",
	                                   "/var/spool/cron",
	                                   "/root",
	                                   "/home",
	                                   "/tmp",
	                                   "/var/tmp",
	                                   "/dev/shm",
	                                   "/opt",
	                                   "/lib/systemd/system"};
	const mt_scan_opts *o = ctx->opts;
	if (o->since == MT_TIME_NONE && o->until == MT_TIME_NONE)
		return MT_OK; /* no window, nothing to look at */
	win_state w = {ctx, self, MT_OK, mt_ctx_pkgdb(ctx), 0, 0, 0};
	mt_walk_opts wo = {MT_MAX_DEPTH, 0, self->id, 0};
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs) && w.err == MT_OK; i++) {
		mt_err e = mt_walk(ctx->host, ctx->report, dirs[i], &wo, on_entry, &w, NULL);
		if (e == MT_ERR_NOMEM)
			return e;
	}
	if (w.over)
		mt_report_diag(ctx->report,
		               "%s: %zu more files changed in the window were not reported "
		               "(limit %d): narrow the window",
		               self->id, w.over, WINDOW_MAX_FINDINGS);
	return w.err;
}
