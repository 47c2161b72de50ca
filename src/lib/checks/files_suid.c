/* files_suid.c - files.suid: set-user-ID and set-group-ID programs that no package
 * installed, and any in temporary or home directories (a root shell kept as
 * "cp /bin/bash /tmp/.x; chmod u+s" survives a password change) */
#include <stdio.h>
#include <string.h>

#include "../collect/facts.h"
#include "../collect/fileinfo.h"
#include "../collect/walk.h"
#include "checks.h"

typedef enum where { W_EXEC = 0, W_TMP = 1, W_HOME = 2 } where;

static const struct {
	const char *dir;
	where kind;
	unsigned depth;
} roots[] = {
	/* /usr first: under merged /usr the files are named by their /usr path */
	{"/usr/bin", W_EXEC, 2}, {"/usr/sbin", W_EXEC, 2},      {"/bin", W_EXEC, 2},
	{"/sbin", W_EXEC, 2},    {"/usr/local/bin", W_EXEC, 2}, {"/usr/local/sbin", W_EXEC, 2},
	{"/usr/lib", W_EXEC, 3}, {"/usr/libexec", W_EXEC, 3},   {"/usr/lib64", W_EXEC, 3},
	{"/lib", W_EXEC, 3},     {"/lib64", W_EXEC, 3},         {"/usr/local/lib", W_EXEC, 3},
	{"/tmp", W_TMP, 8},      {"/var/tmp", W_TMP, 8},        {"/dev/shm", W_TMP, 8},
	{"/home", W_HOME, 8},    {"/root", W_HOME, 8},
};

typedef struct suid_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_pkgdb *db;
	int have_db;
	where kind;
	mt_err err;
} suid_state;

static int on_entry(void *p, const mt_walk_entry *we)
{
	suid_state *ss = p;
	const char *path = we->path;
	const struct stat *st = we->st;
	if (!S_ISREG(st->st_mode) || !(st->st_mode & (S_ISUID | S_ISGID)))
		return 0;
	/* a set-group-ID file without group execute is mandatory locking, not a program */
	if (!(st->st_mode & S_ISUID) && !(st->st_mode & S_IXGRP))
		return 0;
	if (ss->have_db && mt_pkgdb_owner(ss->db, path))
		return 0;
	if (ss->kind == W_EXEC && !ss->have_db)
		return 0; /* without a package database nothing tells a planted one apart */

	int suid = (st->st_mode & S_ISUID) != 0;
	int root = suid && st->st_uid == 0;
	int local = strncmp(path, "/usr/local/", 11) == 0;
	mt_severity sev;
	unsigned conf;
	const char *reason;
	if (ss->kind == W_TMP) {
		sev = root ? MT_SEV_CRITICAL : suid ? MT_SEV_HIGH : MT_SEV_MEDIUM;
		conf = root ? 90 : 75;
		reason = "suid_tmp";
	} else if (ss->kind == W_HOME) {
		sev = suid ? MT_SEV_HIGH : MT_SEV_MEDIUM;
		conf = root ? 80 : 65;
		reason = "suid_home";
	} else {
		sev = root && !local ? MT_SEV_HIGH : MT_SEV_MEDIUM;
		conf = root && !local ? 70 : 50;
		reason = "suid_unowned";
	}
	const char *bits = suid && (st->st_mode & S_ISGID) ? "set-user-ID and set-group-ID"
	                   : suid                          ? "set-user-ID"
	                                                   : "set-group-ID";
	const char *bits_zh = suid && (st->st_mode & S_ISGID) ? "SUID 和 SGID"
	                      : suid                          ? "SUID"
	                                                      : "SGID";
	const mt_user *u = mt_users_by_uid(mt_ctx_users(ss->ctx), st->st_uid);
	char owner[128];
	if (u)
		snprintf(owner, sizeof(owner), "%.100s", u->name);
	else
		snprintf(owner, sizeof(owner), "uid %u", (unsigned)st->st_uid);

	mt_finding *f = mt_finding_new(ss->self, sev, conf);
	if (ss->kind == W_EXEC) {
		mt_finding_text(f, MT_LANG_EN, "Set-ID program no package installed",
		                "%.300s is %s (owner %s) and no installed package owns it. Whoever "
		                "runs it gets the rights of its owner: a planted one is a way back "
		                "to root.",
		                path, bits, owner);
		mt_finding_text(
			f, MT_LANG_ZH, "不属于任何软件包的 SUID/SGID 程序",
			"%.300s 设置了 %s 位（属主 %s），且不属于任何已安装的软件包。运行它的人"
			"会获得属主的权限：被植入的此类程序是重新拿回 root 的后门。",
			path, bits_zh, owner);
	} else {
		mt_finding_text(f, MT_LANG_EN, "Set-ID program in a temporary or home directory",
		                "%.300s is %s (owner %s) in %s. Attackers keep a copy of a shell "
		                "there with the set-user-ID bit to get root back at any time.",
		                path, bits, owner,
		                ss->kind == W_TMP ? "a temporary directory" : "a home directory");
		mt_finding_text(
			f, MT_LANG_ZH, "临时目录或家目录中的 SUID/SGID 程序",
			"%.300s 设置了 %s 位（属主 %s），位于%s。攻击者会在这里放一个带 SUID 位的"
			"shell 副本，随时重新获得 root 权限。",
			path, bits_zh, owner, ss->kind == W_TMP ? "临时目录" : "家目录");
	}
	char mode[16];
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(st->st_mode & 07777));
	mt_finding_str(f, "path", path, 1);
	mt_finding_str(f, "mode", mode, 0);
	mt_finding_int(f, "uid", (long long)st->st_uid, 0);
	mt_finding_int(f, "gid", (long long)st->st_gid, 0);
	if (u)
		mt_finding_str(f, "user", u->name, 0);
	char sha[65];
	int trunc = 0;
	if (mt_fi_hash(ss->ctx->host, path, MT_MAX_HASH_READ, NULL, sha, NULL, &trunc) == MT_OK &&
	    !trunc)
		mt_finding_str(f, "sha256", sha, 0);
	mt_finding_int(f, "size", (long long)st->st_size, 0);
	mt_finding_int(f, "mtime", (long long)st->st_mtime, 0);
	mt_finding_int(f, "ctime", (long long)st->st_ctime, 0);
	mt_finding_str(f, "reasons", reason, 0);
	mt_action *a = mt_finding_action(f, "quarantine_file");
	mt_action_str(f, a, "path", path);
	if (mt_report_add(ss->ctx->report, f) == MT_ERR_NOMEM) {
		ss->err = MT_ERR_NOMEM;
		return 1;
	}
	return 0;
}

mt_err mt_check_files_suid(mt_ctx *ctx, const mt_check_info *self)
{
	suid_state ss;
	memset(&ss, 0, sizeof(ss));
	ss.ctx = ctx;
	ss.self = self;
	ss.db = mt_ctx_pkgdb(ctx);
	ss.have_db = mt_pkgdb_present(ss.db);
	struct stat seen[MT_ARRAY_LEN(roots)];
	size_t nseen = 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(roots) && ss.err == MT_OK; i++) {
		struct stat st;
		if (mt_host_stat(ctx->host, roots[i].dir, 1, &st) != MT_OK || !S_ISDIR(st.st_mode))
			continue;
		int dup = 0;
		for (size_t k = 0; k < nseen; k++)
			dup |= seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino;
		if (dup)
			continue; /* merged /usr: /bin is /usr/bin */
		seen[nseen++] = st;
		if (roots[i].kind == W_EXEC && !ss.have_db)
			continue;
		ss.kind = roots[i].kind;
		mt_walk_opts wo = {roots[i].depth + 1, 500000, self->id,
		                   MT_WALK_FOLLOW_START | MT_WALK_SAME_DEVICE | MT_WALK_SCOPED};
		if (mt_walk(ctx->host, ctx->report, roots[i].dir, &wo, on_entry, &ss, NULL) ==
		    MT_ERR_NOMEM)
			ss.err = MT_ERR_NOMEM;
	}
	return ss.err;
}
