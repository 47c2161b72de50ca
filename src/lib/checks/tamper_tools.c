/* tamper_tools.c - tamper.tools: system tools replaced by wrappers (TeamTNT's ps that
 * greps out its miner, the real one moved to ps.original), files of the bin directories
 * that differ from the digest their package installed them with (dpkg's MD5, rpm's
 * SHA-256 or MD5), and renamed copies of chattr, curl,
 * wget and busybox that attackers keep out of reach of cleanup scripts */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../collect/facts.h"
#include "../collect/fileinfo.h"
#include "../collect/walk.h"
#include "checks.h"

static const char *const tools[] = {"ps", "top",  "pstree",  "netstat", "ss",   "lsof",
                                    "ls", "find", "crontab", "chattr",  "kill", "pkill"};
static const char *const backup_suffixes[] = {".original", ".orig", ".bak", ".old"};
/* /usr first: under merged /usr the files are named by their /usr path */
static const char *const bin_dirs[] = {"/usr/bin", "/usr/sbin",      "/bin",
                                       "/sbin",    "/usr/local/bin", "/usr/local/sbin"};
static const char *const copied[] = {"chattr", "curl", "wget", "busybox"};
static const char *const copy_dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};

typedef struct ref {
	const char *name;
	char path[64];
	long long size;          /* -1 when the file is not there */
	char sha256[65];         /* "" when unknown */
	char dig[MT_DIGEST_HEX]; /* the package database's digest; "" when unknown */
	mt_digest_algo algo;
} ref;

typedef struct tt_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_pkgdb *db;
	int have_db;
	mt_fi_diversions div;
	ref refs[MT_ARRAY_LEN(copied)];
	int refs_sized; /* every ref with a digest has a size: candidates filtered by size */
	mt_err err;
	unsigned unhashed;
	unsigned unchanged; /* not hashed: untouched since their package was installed */
	int dpkg;           /* the database is dpkg's: info/PKG.list tells the install time */
	struct inst {
		char pkg[96];
		int64_t t; /* mtime of var/lib/dpkg/info/PKG.list in ns, -1 when unknown */
	} inst[64];        /* a small cache: a bin directory is sorted, its packages repeat */
	unsigned ninst, next_inst;
} tt_state;

/* When dpkg last unpacked pkg: the time it wrote info/PKG.list (PKG or PKG:ARCH). */
static int64_t install_time(tt_state *ts, const char *pkg)
{
	for (unsigned i = 0; i < ts->ninst; i++)
		if (!strcmp(ts->inst[i].pkg, pkg))
			return ts->inst[i].t;
	int64_t t = -1;
	char p[MT_MAX_PATH], name[96];
	snprintf(name, sizeof(name), "%s", pkg);
	for (int k = 0; k < 2 && t < 0; k++) {
		struct stat st;
		snprintf(p, sizeof(p), "/var/lib/dpkg/info/%s.list", name);
		if (mt_host_stat(ts->ctx->host, p, 0, &st) == MT_OK && S_ISREG(st.st_mode))
			t = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		char *colon = strchr(name, ':');
		if (!colon)
			break;
		*colon = '\0';
	}
	struct inst *slot = ts->ninst < MT_ARRAY_LEN(ts->inst)
	                            ? &ts->inst[ts->ninst++]
	                            : &ts->inst[ts->next_inst++ % MT_ARRAY_LEN(ts->inst)];
	snprintf(slot->pkg, sizeof(slot->pkg), "%s", pkg);
	slot->t = t;
	return t;
}

static int is_tool(const char *name)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(tools); i++)
		if (strcmp(name, tools[i]) == 0)
			return 1;
	return 0;
}

static int is_local(const char *dir)
{
	return strncmp(dir, "/usr/local/", 11) == 0;
}

static const char *mismatch_reason(mt_digest_algo a)
{
	return a == MT_DIGEST_MD5 ? "md5_mismatch" : "sha256_mismatch";
}

static void add(tt_state *ts, mt_finding *f)
{
	if (mt_report_add(ts->ctx->report, f) == MT_ERR_NOMEM)
		ts->err = MT_ERR_NOMEM;
}

static void times(mt_finding *f, const struct stat *st)
{
	mt_finding_int(f, "size", (long long)st->st_size, 0);
	mt_finding_int(f, "mtime", (long long)st->st_mtime, 0);
	mt_finding_int(f, "ctime", (long long)st->st_ctime, 0);
}

/* respond reinstalls the owner ("procps:amd64" keeps its architecture, rpm's
 * "procps-ng-3.3.10-28.el7.x86_64" its version: `yum reinstall` takes it as it is) */
static void reinstall(mt_finding *f, const char *pkg)
{
	if (!pkg)
		return;
	mt_action *a = mt_finding_action(f, "reinstall_package");
	mt_action_str(f, a, "package", pkg);
}

/* The packaged chattr, curl, wget and busybox: their size and SHA-256 when the file is
 * there (and unchanged, when the package database knows its digest), and that digest. */
static void load_refs(tt_state *ts)
{
	static const char *const dirs[] = {"/usr/bin", "/bin", "/usr/sbin", "/sbin"};
	ts->refs_sized = 1;
	for (size_t i = 0; i < MT_ARRAY_LEN(copied); i++) {
		ref *r = &ts->refs[i];
		memset(r, 0, sizeof(*r));
		r->name = copied[i];
		r->size = -1;
		for (size_t d = 0; d < MT_ARRAY_LEN(dirs); d++) {
			char p[64];
			snprintf(p, sizeof(p), "%s/%s", dirs[d], copied[i]);
			struct stat st;
			int have_md5 = ts->have_db && mt_pkgdb_digest(ts->db, ts->ctx->host, p,
			                                              &r->algo, r->dig) == MT_OK;
			if (!have_md5)
				r->dig[0] = '\0';
			if (mt_host_stat(ts->ctx->host, p, 0, &st) != MT_OK ||
			    !S_ISREG(st.st_mode) || st.st_size > MT_MAX_COPY_SIZE) {
				if (have_md5) {
					snprintf(r->path, sizeof(r->path), "%s", p);
					break;
				}
				continue;
			}
			char md5[33], sha[65];
			int trunc;
			if (mt_fi_hash(ts->ctx->host, p, MT_MAX_COPY_SIZE, md5, sha, &st, &trunc) !=
			            MT_OK ||
			    trunc)
				continue;
			snprintf(r->path, sizeof(r->path), "%s", p);
			if (!have_md5 ||
			    strcmp(r->algo == MT_DIGEST_MD5 ? md5 : sha, r->dig) == 0) {
				memcpy(r->sha256, sha, sizeof(sha));
				r->size = (long long)st.st_size;
			}
			break;
		}
		if (r->dig[0] && r->size < 0)
			ts->refs_sized = 0;
	}
}

/* A file that is a copy of one of the refs under another name. */
static void check_copy(tt_state *ts, const char *path, const struct stat *st)
{
	const char *base = mt_basename(path);
	if (!S_ISREG(st->st_mode) || st->st_size > MT_MAX_COPY_SIZE || st->st_size == 0)
		return;
	int size_hit = 0, any = 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(ts->refs); i++) {
		const ref *r = &ts->refs[i];
		if (!r->sha256[0] && !r->dig[0])
			continue;
		any = 1;
		if (r->size < 0 || r->size == (long long)st->st_size)
			size_hit = 1;
	}
	if (!any || (!size_hit && ts->refs_sized))
		return;
	if (ts->have_db && mt_pkgdb_owner(ts->db, path))
		return; /* a packaged file is no hidden copy */
	char md5[33], sha[65];
	int trunc;
	struct stat real;
	if (mt_fi_hash(ts->ctx->host, path, MT_MAX_COPY_SIZE, md5, sha, &real, &trunc) != MT_OK ||
	    trunc)
		return;
	for (size_t i = 0; i < MT_ARRAY_LEN(ts->refs); i++) {
		const ref *r = &ts->refs[i];
		int hit = (r->sha256[0] && strcmp(r->sha256, sha) == 0 &&
		           r->size == (long long)real.st_size) ||
		          (r->dig[0] && strcmp(r->algo == MT_DIGEST_MD5 ? md5 : sha, r->dig) == 0);
		if (!hit || strcmp(base, r->name) == 0 || mt_fi_same_path(path, r->path))
			continue;
		mt_finding *f = mt_finding_new(ts->self, MT_SEV_HIGH, 90);
		mt_finding_text(f, MT_LANG_EN, "Renamed copy of a system tool",
		                "%.300s is a byte-for-byte copy of %s under another name. Mining "
		                "campaigns (TeamTNT) rename chattr, curl, wget or busybox so that "
		                "cleanup scripts and other miners' killers cannot find them, and "
		                "use the copy to lock their files or fetch payloads.",
		                path, r->path);
		mt_finding_text(
			f, MT_LANG_ZH, "被改名复制的系统工具",
			"%.300s 与 %s 内容完全相同，只是换了名字。挖矿团伙（TeamTNT）会把 chattr、"
			"curl、wget 或 busybox 改名藏起来，让清理脚本和其他挖矿木马找不到，再用它"
			"锁定自己的文件或下载载荷。",
			path, r->path);
		mt_finding_str(f, "path", path, 1);
		mt_finding_str(f, "copy_of", r->path, 0);
		mt_finding_str(f, "tool", r->name, 0);
		mt_finding_str(f, "sha256", sha, 1);
		times(f, &real);
		mt_finding_str(f, "reasons", "renamed_copy", 0);
		mt_action *a = mt_finding_action(f, "quarantine_file");
		mt_action_str(f, a, "path", path);
		add(ts, f);
		return;
	}
}

/* The first line of a script, for the evidence. */
static void script_head(const char *buf, size_t n, char *out, size_t outlen)
{
	size_t l = 0;
	while (l < n && buf[l] != '\n')
		l++;
	snprintf(out, outlen, "%.*s", (int)(l < 200 ? l : 200), buf);
}

/* One file of a bin directory: the digest its package recorded, and for ps & co the
 * wrapper test. The evidence names the algorithm: md5_expected/md5 (dpkg, old rpm) or
 * sha256_expected/sha256 (rpm). */
static void check_bin_file(tt_state *ts, const char *dir, const char *path, const struct stat *lst)
{
	mt_host *h = ts->ctx->host;
	const char *base = mt_basename(path);
	const char *pkg = ts->have_db ? mt_pkgdb_owner(ts->db, path) : NULL;
	int diverted = mt_fi_diverted(&ts->div, path);
	char want[MT_DIGEST_HEX] = "", md5[33] = "", sha[65] = "";
	mt_digest_algo algo = MT_DIGEST_MD5;
	int mismatch = 0, hashed = 0;
	struct stat st = *lst;

	/* a file whose inode has not changed since dpkg unpacked its package (its ctime is
	 * no later than the package's info/PKG.list, which dpkg writes after the files, to the
	 * nanosecond) is the package's: not hashed. Replacing
	 * or editing it moves its ctime, which no user call can set back; a copied tree has
	 * new ctimes everywhere and is hashed in full. */
	int64_t it = pkg && !diverted && ts->dpkg ? install_time(ts, pkg) : -1;
	int64_t ct = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
	int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if (it >= 0 && ct <= it && mt <= it) {
		hashed = 1; /* as good as: unchanged since the install */
		ts->unchanged++;
	} else if (pkg && !diverted && mt_pkgdb_digest(ts->db, h, path, &algo, want) == MT_OK) {
		int trunc;
		int is_md5 = algo == MT_DIGEST_MD5;
		/* the one digest the database has; with MD5 the SHA-256 (the slower half) is
		 * for the evidence of a mismatch */
		if (mt_fi_hash(h, path, MT_MAX_HASH_READ, is_md5 ? md5 : NULL, is_md5 ? NULL : sha,
		               &st, &trunc) == MT_OK &&
		    !trunc) {
			hashed = 1;
			mismatch = strcmp(is_md5 ? md5 : sha, want) != 0;
			if (mismatch && is_md5 &&
			    mt_fi_hash(h, path, MT_MAX_HASH_READ, NULL, sha, &st, &trunc) != MT_OK)
				sha[0] = '\0';
		} else {
			ts->unhashed++;
		}
	}

	if (is_tool(base)) {
		char head[256];
		size_t got = 0;
		int script = mt_fi_head(h, path, head, sizeof(head), &got) == MT_OK && got >= 2 &&
		             head[0] == '#' && head[1] == '!';
		char sib[MT_MAX_PATH] = "";
		for (size_t i = 0; i < MT_ARRAY_LEN(backup_suffixes) && !sib[0]; i++) {
			char p[MT_MAX_PATH];
			struct stat s2;
			snprintf(p, sizeof(p), "%s%s", path, backup_suffixes[i]);
			if (mt_host_stat(h, p, 0, &s2) == MT_OK && S_ISREG(s2.st_mode) &&
			    !(ts->have_db && mt_pkgdb_owner(ts->db, p)))
				snprintf(sib, sizeof(sib), "%s", p);
		}
		mt_severity sev = MT_SEV_INFO;
		unsigned conf = 0;
		const char *reasons = NULL;
		char rbuf[64];
		if (script && sib[0]) {
			sev = MT_SEV_CRITICAL, conf = 95, reasons = "wrapper_script,moved_original";
		} else if (!script && sib[0] && mismatch) {
			snprintf(rbuf, sizeof(rbuf), "%s,moved_original", mismatch_reason(algo));
			sev = MT_SEV_CRITICAL, conf = 90, reasons = rbuf;
		} else if (script && is_local(dir)) {
			sev = MT_SEV_MEDIUM, conf = 50, reasons = "shadow_wrapper";
		} else if (script && !(hashed && !mismatch)) {
			snprintf(rbuf, sizeof(rbuf), "wrapper_script%s%s", mismatch ? "," : "",
			         mismatch ? mismatch_reason(algo) : "");
			sev = MT_SEV_HIGH, conf = 80, reasons = rbuf;
		} else if (sib[0] && !diverted) {
			sev = MT_SEV_MEDIUM, conf = 40, reasons = "moved_original";
		}
		if (reasons) {
			mt_finding *f = mt_finding_new(ts->self, sev, conf);
			if (script) {
				mt_finding_text(
					f, MT_LANG_EN, "System tool replaced by a script",
					"%.300s is a shell script, not the program%s%s%s. Miners "
					"(TeamTNT) move the real %s aside and drop a wrapper that "
					"filters their processes, files or connections out of its "
					"output.%s%.300s%s",
					path, pkg ? " package " : "", pkg ? pkg : "",
					pkg ? " installed" : "", base,
					sib[0] ? " The real program is kept as " : "", sib,
					sib[0] ? "." : "");
				mt_finding_text(
					f, MT_LANG_ZH, "系统工具被脚本替换",
					"%.300s 是一个 shell 脚本，而不是%s%s%s的程序。挖矿木马（TeamTNT）会"
					"把真正的 %s 移走，换成一个包装脚本，从输出中过滤掉自己的进程、文件"
					"或连接。%s%.300s%s",
					path, pkg ? "软件包 " : "系统", pkg ? pkg : "",
					pkg ? " 安装" : "", base,
					sib[0] ? "真正的程序被保存为 " : "", sib,
					sib[0] ? "。" : "");
			} else {
				mt_finding_text(
					f, MT_LANG_EN, "System tool moved aside",
					"%.300s has a copy named %.300s next to it%s. Miners "
					"(TeamTNT) move ps and its kind to such a name and put a "
					"filtering wrapper or a trojaned binary in their place.",
					path, sib,
					mismatch
						? ", and it differs from what its package installed"
						: "");
				mt_finding_text(
					f, MT_LANG_ZH, "系统工具被移到别名",
					"%.300s 旁边有一个副本 %.300s%s。挖矿木马（TeamTNT）会把 ps 一类"
					"工具改成这样的名字，再在原处放上过滤输出的包装脚本或木马程序。",
					path, sib,
					mismatch ? "，且它与软件包安装时的内容不同" : "");
			}
			mt_finding_str(f, "path", path, 1);
			if (sib[0])
				mt_finding_str(f, "sibling", sib, 0);
			if (pkg) {
				mt_finding_str(f, "package", pkg, 0);
				mt_finding_str(f, "package_db", mt_pkgdb_source(ts->db), 0);
			}
			if (want[0])
				mt_finding_str(f,
				               algo == MT_DIGEST_MD5 ? "md5_expected"
				                                     : "sha256_expected",
				               want, 0);
			if (hashed && algo == MT_DIGEST_MD5)
				mt_finding_str(f, "md5", md5, 0);
			if (script) {
				char first[256];
				script_head(head, got, first, sizeof(first));
				mt_finding_str(f, "script_head", first, 0);
			}
			int t2;
			if (hashed && !sha[0] &&
			    mt_fi_hash(h, path, MT_MAX_HASH_READ, NULL, sha, NULL, &t2) != MT_OK)
				sha[0] = '\0';
			if (sha[0])
				mt_finding_str(f, "sha256", sha, 0);
			times(f, &st);
			mt_finding_str(f, "reasons", reasons, 0);
			if (script || mismatch) {
				mt_action *a = mt_finding_action(f, "quarantine_file");
				mt_action_str(f, a, "path", path);
				reinstall(f, pkg);
			}
			add(ts, f);
			return; /* the MD5 finding would say the same again */
		}
	}

	if (mismatch) {
		mt_finding *f = mt_finding_new(ts->self, MT_SEV_HIGH, 80);
		int is_md5 = algo == MT_DIGEST_MD5;
		const char *an = is_md5 ? "MD5" : "SHA-256";
		const char *src = mt_pkgdb_source(ts->db);
		mt_finding_text(f, MT_LANG_EN, "System program differs from its package",
		                "%.300s is not the file package %s installed: its %s is %s, %s "
		                "recorded %s. Attackers replace system programs with trojaned ones "
		                "that hide a miner or keep a backdoor.",
		                path, pkg, an, is_md5 ? md5 : sha, src, want);
		mt_finding_text(
			f, MT_LANG_ZH, "系统程序与软件包中的不一致",
			"%.300s 不是软件包 %s 安装的文件：它的 %s 是 %s，%s 记录的是 %s。攻击者"
			"会用木马程序替换系统程序，以隐藏挖矿进程或留下后门。",
			path, pkg, an, is_md5 ? md5 : sha, src, want);
		mt_finding_str(f, "path", path, 1);
		mt_finding_str(f, "package", pkg, 0);
		if (is_md5) {
			mt_finding_str(f, "md5_expected", want, 0);
			mt_finding_str(f, "md5", md5, 1);
			mt_finding_str(f, "sha256", sha, 0);
		} else {
			mt_finding_str(f, "sha256_expected", want, 0);
			mt_finding_str(f, "sha256", sha, 1);
		}
		mt_finding_str(f, "package_db", src, 0);
		times(f, &st);
		mt_finding_str(f, "reasons", mismatch_reason(algo), 0);
		mt_action *a = mt_finding_action(f, "quarantine_file");
		mt_action_str(f, a, "path", path);
		reinstall(f, pkg);
		add(ts, f);
		return;
	}
	if (!pkg)
		check_copy(ts, path, &st);
}

static int on_tmp_entry(void *p, const mt_walk_entry *e)
{
	tt_state *ts = p;
	if (S_ISREG(e->st->st_mode))
		check_copy(ts, e->path, e->st);
	return ts->err != MT_OK ? MT_WALK_STOP : MT_WALK_CONTINUE;
}

mt_err mt_check_tamper_tools(mt_ctx *ctx, const mt_check_info *self)
{
	tt_state ts;
	memset(&ts, 0, sizeof(ts));
	ts.ctx = ctx;
	ts.self = self;
	ts.db = mt_ctx_pkgdb(ctx);
	ts.have_db = mt_pkgdb_present(ts.db);
	ts.dpkg = ts.have_db && mt_pkgdb_source(ts.db) && !strcmp(mt_pkgdb_source(ts.db), "dpkg");
	if (ts.have_db) {
		mt_err e = mt_fi_diversions_load(ctx->host, ctx->report, &ts.div);
		if (e != MT_OK)
			return e;
	}
	load_refs(&ts);

	struct stat seen[MT_ARRAY_LEN(bin_dirs)];
	size_t nseen = 0;
	for (size_t d = 0; d < MT_ARRAY_LEN(bin_dirs) && ts.err == MT_OK; d++) {
		struct stat dst;
		if (mt_host_stat(ctx->host, bin_dirs[d], 1, &dst) != MT_OK || !S_ISDIR(dst.st_mode))
			continue;
		int dup = 0;
		for (size_t i = 0; i < nseen; i++)
			dup |= seen[i].st_dev == dst.st_dev && seen[i].st_ino == dst.st_ino;
		if (dup)
			continue; /* /bin -> usr/bin under merged /usr */
		seen[nseen++] = dst;
		mt_dirent *ents;
		size_t n;
		mt_err e = mt_host_list(ctx->host, bin_dirs[d], MT_LIST_GETDENTS, &ents, &n);
		if (e != MT_OK) {
			mt_report_diag(ctx->report, "%s: %s", bin_dirs[d], mt_strerror(e));
			continue;
		}
		for (size_t i = 0; i < n && ts.err == MT_OK; i++) {
			char path[MT_MAX_PATH];
			struct stat st;
			if (snprintf(path, sizeof(path), "%s/%s", bin_dirs[d], ents[i].name) >=
			    (int)sizeof(path))
				continue;
			if (mt_host_stat(ctx->host, path, 0, &st) != MT_OK || !S_ISREG(st.st_mode))
				continue;
			check_bin_file(&ts, bin_dirs[d], path, &st);
		}
		mt_dirents_free(ents, n);
	}

	mt_walk_opts wo = {5, 200000, self->id,
	                   MT_WALK_FOLLOW_START | MT_WALK_SAME_DEVICE | MT_WALK_SCOPED};
	for (size_t d = 0; d < MT_ARRAY_LEN(copy_dirs) && ts.err == MT_OK; d++) {
		mt_err e =
			mt_walk(ctx->host, ctx->report, copy_dirs[d], &wo, on_tmp_entry, &ts, NULL);
		if (e == MT_ERR_NOMEM)
			ts.err = e;
	}
	if (ts.unchanged)
		mt_report_diag(
			ctx->report,
			"tamper.tools: %u packaged file(s) unchanged since their package was "
			"installed (ctime) were not hashed",
			ts.unchanged);
	if (ts.unhashed)
		mt_report_diag(ctx->report, "tamper.tools: %u packaged file(s) could not be hashed",
		               ts.unhashed);
	mt_fi_diversions_free(&ts.div);
	return ts.err;
}
