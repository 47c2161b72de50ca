/* rootkit_ld_preload.c - rootkit.ld_preload: libraries the dynamic linker forces into
 * every program (/etc/ld.so.preload, LD_PRELOAD in /etc/environment), judged by the libc
 * functions they replace, and library directories in ld.so.conf that an attacker owns */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../collect/elf.h"
#include "../collect/facts.h"
#include "checks.h"

/* Functions a process or file hider replaces (libprocesshider, Kinsing's libsystem.so,
 * Azazel, Jynx): directory listing hides /proc/PID and files, the others hide paths. */
static const char *const hider_fns[] = {"readdir", "readdir64", "readdir_r", "readdir64_r"};
static const char *const file_fns[] = {"opendir", "fopen",    "fopen64",   "open",      "open64",
                                       "access",  "stat",     "lstat",     "stat64",    "lstat64",
                                       "__xstat", "__lxstat", "__xstat64", "__lxstat64"};

typedef struct lib_info {
	int found; /* the file exists in the root */
	char path[MT_MAX_PATH];
	char sha256[65];
	char md5[33];
	long long size;
	int elf;           /* parsed as ELF with a dynamic symbol table */
	int hider;         /* exports a readdir hook */
	char hooks[512];   /* "readdir,readdir64,..." */
	uint32_t hookmask; /* bit i: hider_fns[i], then file_fns */
	const char *package;
	int verified; /* owned by a package and its MD5 matches dpkg's */
} lib_info;

struct conf_state;
typedef struct pl_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_err err;
	struct conf_state *conf; /* the ld.so.conf walk */
} pl_state;

static int on_sym(void *p, const mt_elf_sym *s)
{
	lib_info *li = p;
	if (!mt_elf_sym_exported(s))
		return 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(hider_fns); i++)
		if (strlen(hider_fns[i]) == s->name_len &&
		    memcmp(hider_fns[i], s->name, s->name_len) == 0)
			li->hookmask |= 1u << i;
	for (size_t i = 0; i < MT_ARRAY_LEN(file_fns); i++)
		if (strlen(file_fns[i]) == s->name_len &&
		    memcmp(file_fns[i], s->name, s->name_len) == 0)
			li->hookmask |= 1u << (MT_ARRAY_LEN(hider_fns) + i);
	return 0;
}

/* The hooks found, in the order of the lists (the same text on every build). */
static void hooks_text(lib_info *li)
{
	size_t n = 0;
	li->hooks[0] = '\0';
	li->hider = (li->hookmask & ((1u << MT_ARRAY_LEN(hider_fns)) - 1)) != 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(hider_fns) + MT_ARRAY_LEN(file_fns); i++) {
		if (!(li->hookmask & (1u << i)))
			continue;
		const char *name = i < MT_ARRAY_LEN(hider_fns)
		                           ? hider_fns[i]
		                           : file_fns[i - MT_ARRAY_LEN(hider_fns)];
		int w = snprintf(li->hooks + n, sizeof(li->hooks) - n, "%s%s", n ? "," : "", name);
		if (w < 0 || (size_t)w >= sizeof(li->hooks) - n)
			break;
		n += (size_t)w;
	}
}

/* Finds the file an entry names: absolute paths as they are; "$LIB" as the dynamic
 * linker expands it; a bare name in the default library directories. */
static int resolve(mt_host *h, const char *entry, char *out, size_t outlen)
{
	static const char *const libdirs[] = {"lib/x86_64-linux-gnu", "lib64", "lib",
	                                      "lib/aarch64-linux-gnu", "lib/i386-linux-gnu"};
	static const char *const search[] = {"/lib/x86_64-linux-gnu",
	                                     "/usr/lib/x86_64-linux-gnu",
	                                     "/lib64",
	                                     "/usr/lib64",
	                                     "/lib",
	                                     "/usr/lib",
	                                     "/usr/local/lib"};
	struct stat st;
	const char *tok = strstr(entry, "$LIB");
	size_t toklen = 4;
	if (!tok && (tok = strstr(entry, "${LIB}")) != NULL)
		toklen = 6;
	if (tok) {
		for (size_t i = 0; i < MT_ARRAY_LEN(libdirs); i++) {
			int n = snprintf(out, outlen, "%.*s%s%s", (int)(tok - entry), entry,
			                 libdirs[i], tok + toklen);
			if (n > 0 && (size_t)n < outlen && mt_host_stat(h, out, 1, &st) == MT_OK)
				return 1;
		}
		snprintf(out, outlen, "%s", entry);
		return 0;
	}
	if (strchr(entry, '/')) {
		int n = snprintf(out, outlen, "%s", entry);
		return n > 0 && (size_t)n < outlen && mt_host_stat(h, out, 1, &st) == MT_OK;
	}
	for (size_t i = 0; i < MT_ARRAY_LEN(search); i++) {
		int n = snprintf(out, outlen, "%s/%s", search[i], entry);
		if (n > 0 && (size_t)n < outlen && mt_host_stat(h, out, 1, &st) == MT_OK)
			return 1;
	}
	snprintf(out, outlen, "%s", entry);
	return 0;
}

static void inspect(pl_state *ps, const char *entry, lib_info *li)
{
	memset(li, 0, sizeof(*li));
	li->size = -1;
	if (!resolve(ps->ctx->host, entry, li->path, sizeof(li->path)))
		return;
	char *data;
	size_t len;
	int trunc;
	mt_err e =
		mt_host_read_file(ps->ctx->host, li->path, MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e != MT_OK) {
		mt_report_diag(ps->ctx->report, "%s: %s", li->path, mt_strerror(e));
		li->found = e != MT_ERR_NOENT;
		return;
	}
	li->found = 1;
	li->size = (long long)len;
	if (trunc)
		mt_report_diag(ps->ctx->report, "%s: larger than %u bytes, inspected in part",
		               li->path, MT_MAX_FILE_READ);
	mt_sha256_hex(data, len, li->sha256);
	mt_md5 m;
	uint8_t d[16];
	mt_md5_init(&m);
	mt_md5_update(&m, data, len);
	mt_md5_final(&m, d);
	mt_hex(d, 16, li->md5);

	mt_elf elf;
	if (mt_elf_parse(data, len, &elf) == MT_OK) {
		/* both ways: the loader reads PT_DYNAMIC, analysts' tools the sections; an
		 * attacker may make one of them a decoy */
		unsigned bad = 0;
		mt_err a = mt_elf_dynsyms(&elf, MT_ELF_DYN_SECTIONS, on_sym, li, &bad);
		mt_err b = mt_elf_dynsyms(&elf, MT_ELF_DYN_SEGMENTS, on_sym, li, &bad);
		li->elf = a == MT_OK || b == MT_OK;
		hooks_text(li);
		if (!li->elf)
			mt_report_diag(ps->ctx->report, "%s: no readable dynamic symbol table",
			               li->path);
		if (bad)
			mt_report_diag(ps->ctx->report, "%s: %u bad symbol(s) skipped", li->path,
			               bad);
	}
	free(data);

	mt_pkgdb *db = mt_ctx_pkgdb(ps->ctx);
	li->package = mt_pkgdb_owner(db, li->path);
	char want[MT_DIGEST_HEX];
	mt_digest_algo algo;
	if (li->package && !trunc &&
	    mt_pkgdb_digest(db, ps->ctx->host, li->path, &algo, want) == MT_OK &&
	    strcmp(want, algo == MT_DIGEST_MD5 ? li->md5 : li->sha256) == 0)
		li->verified = 1;
}

/* One finding for one preloaded library. how: 0 ld.so.preload, 1 /etc/environment. */
static void report_lib(pl_state *ps, int how, const char *file, unsigned lineno, const char *line,
                       size_t ll, const char *entry)
{
	lib_info li;
	inspect(ps, entry, &li);
	mt_severity sev;
	unsigned conf;
	if (li.verified) {
		sev = li.hooks[0] ? MT_SEV_MEDIUM : MT_SEV_LOW;
		conf = 40;
	} else if (!li.found) {
		sev = MT_SEV_HIGH;
		conf = 60;
	} else {
		sev = MT_SEV_CRITICAL;
		conf = li.hider ? 98 : li.hooks[0] ? 95 : 85;
	}
	mt_finding *f = mt_finding_new(ps->self, sev, conf);
	const char *where = how == 0 ? "/etc/ld.so.preload" : "LD_PRELOAD in /etc/environment";
	const char *where_zh = how == 0 ? "/etc/ld.so.preload" : "/etc/environment 中的 LD_PRELOAD";
	if (li.hider) {
		mt_finding_text(f, MT_LANG_EN,
		                "Process and file hider preloaded into every program",
		                "%s names %.300s, which the dynamic linker loads into every "
		                "dynamically linked program. It replaces %s: the functions ps, top "
		                "and ls use to list /proc and directories, so a miner's processes "
		                "and files disappear from them (libprocesshider, Kinsing's "
		                "libsystem.so).",
		                where, li.path, li.hooks);
		mt_finding_text(
			f, MT_LANG_ZH, "预加载到所有程序中的进程/文件隐藏库",
			"%s 指定了 %.300s，动态链接器会把它加载进每一个动态链接的程序。它替换了 "
			"%s：ps、top、ls 列出 /proc 和目录时所用的函数，挖矿进程和文件因此从它们的"
			"输出中消失（libprocesshider、Kinsing 的 libsystem.so）。",
			where_zh, li.path, li.hooks);
	} else if (li.verified) {
		mt_finding_text(f, MT_LANG_EN, "Packaged library preloaded into every program",
		                "%s names %.300s, installed by package %s and unchanged. Make sure "
		                "this preload is wanted.%s%s",
		                where, li.path, li.package, li.hooks[0] ? " It replaces: " : "",
		                li.hooks);
		mt_finding_text(
			f, MT_LANG_ZH, "预加载到所有程序中的软件包库",
			"%s 指定了 %.300s，它属于软件包 %s 且未被修改。请确认这项预加载是有意为之。"
			"%s%s",
			where_zh, li.path, li.package, li.hooks[0] ? "它替换了：" : "", li.hooks);
	} else if (!li.found) {
		mt_finding_text(f, MT_LANG_EN, "Preload entry names a missing library",
		                "%s names %.300s, which is not on disk: removed, hidden "
		                "or on another mount. A preload entry is how hooking rootkits load "
		                "themselves; no package puts one there.",
		                where, li.path);
		mt_finding_text(
			f, MT_LANG_ZH, "预加载条目指向不存在的库",
			"%s 指定了 %.300s，但文件系统中找不到它（已删除、被隐藏或在其他挂载点）。"
			"预加载条目是劫持型 rootkit 的加载方式，正常软件包不会写入。",
			where_zh, li.path);
	} else {
		mt_finding_text(f, MT_LANG_EN, "Unknown library preloaded into every program",
		                "%s names %.300s, which the dynamic linker loads into every "
		                "dynamically linked program%s. No package installed it%s%s.",
		                where, li.path, li.elf ? "" : " (it is not a readable ELF library)",
		                li.hooks[0] ? "; it replaces " : "", li.hooks);
		mt_finding_text(f, MT_LANG_ZH, "预加载到所有程序中的未知库",
		                "%s 指定了 %.300s，动态链接器会把它加载进每一个动态链接的程序%s。"
		                "它不属于任何软件包%s%s。",
		                where_zh, li.path, li.elf ? "" : "（不是可读的 ELF 库）",
		                li.hooks[0] ? "；它替换了 " : "", li.hooks);
	}
	mt_finding_str(f, "path", file, 1);
	mt_finding_int(f, "lineno", lineno, 0);
	mt_finding_strn(f, "line", line, ll, 0);
	mt_finding_str(f, "library", li.path, 1);
	if (li.found && li.sha256[0]) {
		mt_finding_str(f, "sha256", li.sha256, 0);
		mt_finding_int(f, "size", li.size, 0);
	}
	if (li.hooks[0])
		mt_finding_str(f, "hooks", li.hooks, 0);
	if (li.package)
		mt_finding_str(f, "package", li.package, 0);
	mt_finding_str(f, "reasons",
	               li.hider      ? "hider_hooks"
	               : li.verified ? "packaged_preload"
	               : !li.found   ? "missing_library"
	               : li.hooks[0] ? "libc_hooks"
	                             : "unknown_preload",
	               0);

	char lh[65];
	mt_sha256_hex(line, ll, lh);
	if (!li.verified) {
		mt_action *a = mt_finding_action(f, "remove_line");
		mt_action_str(f, a, "path", file);
		mt_action_int(f, a, "lineno", lineno);
		mt_action_str(f, a, "line_sha256", lh);
		if (li.found) {
			a = mt_finding_action(f, "quarantine_file");
			mt_action_str(f, a, "path", li.path);
		}
	}
	if (mt_report_add(ps->ctx->report, f) == MT_ERR_NOMEM)
		ps->err = MT_ERR_NOMEM;
}

/* Calls fn for each line of data: (line, length, number). */
typedef void (*line_fn)(pl_state *ps, const char *file, const char *line, size_t ll,
                        unsigned lineno);

static void each_line(pl_state *ps, const char *file, const char *data, size_t len, line_fn fn)
{
	unsigned lineno = 0;
	for (const char *p = data, *end = data + len; p < end && ps->err == MT_OK;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		lineno++;
		if ((size_t)(le - p) <= MT_MAX_LINE)
			fn(ps, file, p, (size_t)(le - p), lineno);
		else
			mt_report_diag(ps->ctx->report, "%s:%u: line too long, skipped", file,
			               lineno);
		p = eol ? eol + 1 : end;
	}
}

static int is_sep(char c, const char *seps)
{
	return strchr(seps, c) != NULL && c != '\0';
}

/* ld.so.preload: names separated by blanks or ':', '#' starts a comment (glibc rtld). */
static void preload_line(pl_state *ps, const char *file, const char *line, size_t ll,
                         unsigned lineno)
{
	const char *hash = memchr(line, '#', ll);
	size_t use = hash ? (size_t)(hash - line) : ll;
	for (size_t i = 0; i < use;) {
		while (i < use && is_sep(line[i], " \t\r\v\f:"))
			i++;
		size_t s = i;
		while (i < use && !is_sep(line[i], " \t\r\v\f:"))
			i++;
		if (i > s) {
			char entry[MT_MAX_PATH];
			snprintf(entry, sizeof(entry), "%.*s", (int)(i - s), line + s);
			report_lib(ps, 0, file, lineno, line, ll, entry);
		}
	}
}

/* /etc/environment (pam_env): NAME=value, optionally "export ", value maybe quoted. */
static void environment_line(pl_state *ps, const char *file, const char *line, size_t ll,
                             unsigned lineno)
{
	size_t i = 0;
	while (i < ll && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (ll - i > 7 && memcmp(line + i, "export", 6) == 0 &&
	    (line[i + 6] == ' ' || line[i + 6] == '\t')) {
		i += 6;
		while (i < ll && (line[i] == ' ' || line[i] == '\t'))
			i++;
	}
	if (ll - i < 11 || memcmp(line + i, "LD_PRELOAD", 10) != 0)
		return;
	i += 10;
	while (i < ll && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i >= ll || line[i] != '=')
		return;
	i++;
	int any = 0;
	while (i < ll) {
		while (i < ll && is_sep(line[i], " \t\r:\"'"))
			i++;
		size_t s = i;
		while (i < ll && !is_sep(line[i], " \t\r:\"'#"))
			i++;
		if (i > s) {
			char entry[MT_MAX_PATH];
			snprintf(entry, sizeof(entry), "%.*s", (int)(i - s), line + s);
			report_lib(ps, 1, file, lineno, line, ll, entry);
			any = 1;
		}
		if (i < ll && line[i] == '#')
			break;
	}
	(void)any;
}

/* ---- ld.so.conf ---- */

typedef struct conf_state {
	pl_state *ps;
	char seen[64][MT_MAX_PATH / 16]; /* files read, against include loops */
	unsigned nseen;
} conf_state;

static int bad_libdir(const char *dir, const char **why)
{
	static const char *const tmp[] = {"/tmp",     "/var/tmp",     "/dev/shm",
	                                  "/run/shm", "/var/run/shm", "/run/user"};
	for (size_t i = 0; i < MT_ARRAY_LEN(tmp); i++) {
		size_t l = strlen(tmp[i]);
		if (strncmp(dir, tmp[i], l) == 0 && (dir[l] == '\0' || dir[l] == '/')) {
			*why = "tmp_libdir";
			return 1;
		}
	}
	for (const char *p = dir; (p = strchr(p, '/')) != NULL; p++)
		if (p[1] == '.' && p[2] != '\0' && p[2] != '/' &&
		    !(p[2] == '.' && (p[3] == '/' || !p[3]))) {
			*why = "hidden_libdir";
			return 1;
		}
	if (strncmp(dir, "/home/", 6) == 0 || strcmp(dir, "/root") == 0 ||
	    strncmp(dir, "/root/", 6) == 0) {
		*why = "home_libdir";
		return 1;
	}
	return 0;
}

static void conf_read(conf_state *cs, const char *path, unsigned depth);

static void conf_include(conf_state *cs, const char *from, const char *pat, unsigned depth)
{
	char full[MT_MAX_PATH];
	if (pat[0] == '/') {
		snprintf(full, sizeof(full), "%s", pat);
	} else {
		const char *slash = strrchr(from, '/');
		snprintf(full, sizeof(full), "%.*s/%s", (int)(slash ? slash - from : 0), from, pat);
	}
	char *slash = strrchr(full, '/');
	if (!slash)
		return;
	const char *glob = slash + 1;
	if (!strpbrk(glob, "*?[")) {
		conf_read(cs, full, depth + 1);
		return;
	}
	char dir[MT_MAX_PATH];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - full), full);
	mt_dirent *ents;
	size_t n;
	if (mt_host_list(cs->ps->ctx->host, dir[0] ? dir : "/", MT_LIST_GETDENTS, &ents, &n) !=
	    MT_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		if (ents[i].name[0] == '.' && glob[0] != '.')
			continue; /* glob(3) leaves hidden names out */
		if (!mt_glob_match(glob, ents[i].name, strlen(ents[i].name)))
			continue;
		char p[MT_MAX_PATH];
		if (snprintf(p, sizeof(p), "%s/%s", dir, ents[i].name) < (int)sizeof(p))
			conf_read(cs, p, depth + 1);
	}
	mt_dirents_free(ents, n);
}

static void conf_line(pl_state *ps, const char *file, const char *line, size_t ll, unsigned lineno)
{
	conf_state *cs = ps->conf;
	const char *hash = memchr(line, '#', ll);
	size_t use = hash ? (size_t)(hash - line) : ll;
	size_t i = 0;
	while (i < use && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (use - i > 8 && memcmp(line + i, "include", 7) == 0 &&
	    (line[i + 7] == ' ' || line[i + 7] == '\t')) {
		for (i += 7; i < use;) {
			while (i < use && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
				i++;
			size_t s = i;
			while (i < use && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
				i++;
			if (i > s && cs->nseen < MT_ARRAY_LEN(cs->seen)) {
				char pat[MT_MAX_PATH];
				snprintf(pat, sizeof(pat), "%.*s", (int)(i - s), line + s);
				conf_include(cs, file, pat, 0);
			}
		}
		return;
	}
	if (use - i > 6 && memcmp(line + i, "hwcap", 5) == 0 &&
	    (line[i + 5] == ' ' || line[i + 5] == '\t'))
		return;
	for (; i < use;) {
		while (i < use && is_sep(line[i], " \t\r:,="))
			i++;
		size_t s = i;
		while (i < use && !is_sep(line[i], " \t\r:,="))
			i++;
		if (i == s)
			continue;
		size_t e = i;
		if (i < use && line[i] == '=') /* "dir=TYPE" of old ldconfig */
			while (i < use && !is_sep(line[i], " \t\r:,"))
				i++;
		char dir[MT_MAX_PATH];
		snprintf(dir, sizeof(dir), "%.*s", (int)(e - s), line + s);
		const char *why;
		if (dir[0] != '/' || !bad_libdir(dir, &why))
			continue;
		mt_finding *f = mt_finding_new(ps->self, MT_SEV_HIGH, 75);
		mt_finding_text(f, MT_LANG_EN,
		                "Library search path in a temporary, hidden or home "
		                "directory",
		                "%.200s adds %.300s to the directories ldconfig and the dynamic "
		                "linker search: a library planted there (a fake libc dependency) "
		                "is loaded by system programs.",
		                file, dir);
		mt_finding_text(
			f, MT_LANG_ZH, "动态库搜索路径位于临时、隐藏或家目录",
			"%.200s 把 %.300s 加入了 ldconfig 和动态链接器的搜索目录：放在那里的库"
			"（伪装的 libc 依赖）会被系统程序加载。",
			file, dir);
		mt_finding_str(f, "path", file, 1);
		mt_finding_int(f, "lineno", lineno, 0);
		mt_finding_strn(f, "line", line, ll, 1);
		mt_finding_str(f, "libdir", dir, 0);
		mt_finding_str(f, "reasons", why, 0);
		char lh[65];
		mt_sha256_hex(line, ll, lh);
		mt_action *a = mt_finding_action(f, "remove_line");
		mt_action_str(f, a, "path", file);
		mt_action_int(f, a, "lineno", lineno);
		mt_action_str(f, a, "line_sha256", lh);
		if (mt_report_add(ps->ctx->report, f) == MT_ERR_NOMEM)
			ps->err = MT_ERR_NOMEM;
		return; /* one finding a line */
	}
}

static void conf_read(conf_state *cs, const char *path, unsigned depth)
{
	if (depth > 4 || cs->nseen >= MT_ARRAY_LEN(cs->seen) || strlen(path) >= sizeof(cs->seen[0]))
		return;
	for (unsigned i = 0; i < cs->nseen; i++)
		if (strcmp(cs->seen[i], path) == 0)
			return;
	snprintf(cs->seen[cs->nseen++], sizeof(cs->seen[0]), "%s", path);
	char *data;
	size_t len;
	int trunc;
	mt_err e =
		mt_host_read_file(cs->ps->ctx->host, path, MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(cs->ps->ctx->report, "%s: %s", path, mt_strerror(e));
		return;
	}
	each_line(cs->ps, path, data, len, conf_line);
	free(data);
}

static void read_lines(pl_state *ps, const char *path, line_fn fn)
{
	char *data;
	size_t len;
	int trunc;
	mt_err e = mt_host_read_file(ps->ctx->host, path, MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(ps->ctx->report, "%s: %s", path, mt_strerror(e));
		return;
	}
	if (trunc)
		mt_report_diag(ps->ctx->report, "%s: larger than %u bytes, read in part", path,
		               MT_MAX_FILE_READ);
	each_line(ps, path, data, len, fn);
	free(data);
}

mt_err mt_check_rootkit_ld_preload(mt_ctx *ctx, const mt_check_info *self)
{
	pl_state ps = {ctx, self, MT_OK, NULL};
	read_lines(&ps, "/etc/ld.so.preload", preload_line);
	read_lines(&ps, "/etc/environment", environment_line);

	conf_state *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return MT_ERR_NOMEM;
	cs->ps = &ps;
	ps.conf = cs;
	conf_read(cs, "/etc/ld.so.conf", 0);
	conf_include(cs, "/etc/ld.so.conf", "/etc/ld.so.conf.d/*.conf", 0);
	ps.conf = NULL;
	free(cs);
	return ps.err;
}
