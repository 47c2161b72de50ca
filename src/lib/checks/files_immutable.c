/* files_immutable.c - files.immutable: persistence files and programs locked with the
 * immutable (chattr +i) or append-only (+a) attribute, which miners set so that cleanup
 * (rm, crontab -r, editing authorized_keys) silently fails */
#include <stdio.h>
#include <string.h>

#include "../collect/facts.h"
#include "../collect/fileinfo.h"
#include "../collect/walk.h"
#include "checks.h"

typedef enum kind {
	K_CRON = 0,
	K_RC,
	K_PRELOAD,
	K_ACCOUNT,
	K_SSH,
	K_UNIT,
	K_BINARY,
	K_TEMP,
	K_COUNT
} kind;

static const struct {
	const char *code;
	const char *en;
	const char *zh;
	int persistence;
} kinds[K_COUNT] = {
	{"cron", "a scheduled task file", "计划任务文件", 1},
	{"rc", "a boot script", "开机启动脚本", 1},
	{"preload", "the dynamic linker's preload list", "动态链接器预加载列表", 1},
	{"account", "an account database", "账户数据库", 1},
	{"ssh_key", "an SSH authorized keys file", "SSH 授权公钥文件", 1},
	{"unit", "a service definition", "服务定义文件", 1},
	{"binary", "a program", "程序文件", 0},
	{"temporary", "a file in a temporary directory", "临时目录中的文件", 0},
};

typedef struct imm_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	kind k;
	const char *user; /* for authorized_keys */
	mt_err err;
	struct stat seen_dirs[16]; /* directories already walked (merged /usr) */
	size_t nseen;
} imm_state;

static void judge(imm_state *s, const char *path, kind k, const char *user)
{
	unsigned flags;
	mt_err e = mt_fi_flags(s->ctx->host, path, &flags);
	if (e != MT_OK) {
		/* no flags on this file system, gone, a FIFO: nothing to say */
		if (e != MT_ERR_UNSUPPORTED && e != MT_ERR_NOENT && e != MT_ERR_NOTREG &&
		    e != MT_ERR_NOTDIR)
			mt_report_diag(s->ctx->report, "%s: flags: %s", path, mt_strerror(e));
		return;
	}
	flags &= MT_FI_IMMUTABLE | MT_FI_APPEND;
	if (!flags)
		return;
	struct stat st;
	int have_st = mt_host_stat(s->ctx->host, path, 0, &st) == MT_OK;
	int persist = kinds[k].persistence;
	int account = k == K_ACCOUNT;
	const char *letters = flags == (MT_FI_IMMUTABLE | MT_FI_APPEND) ? "ia"
	                      : flags == MT_FI_IMMUTABLE                ? "i"
	                                                                : "a";
	const char *names = flags == (MT_FI_IMMUTABLE | MT_FI_APPEND) ? "immutable,append_only"
	                    : flags == MT_FI_IMMUTABLE                ? "immutable"
	                                                              : "append_only";
	/* hardening guides lock the account files too: less sure there */
	mt_finding *f = mt_finding_new(s->self, persist ? MT_SEV_HIGH : MT_SEV_MEDIUM,
	                               account   ? 55
	                               : persist ? 80
	                                         : 60);
	const char *what =
		flags & MT_FI_IMMUTABLE ? "immutable (chattr +i)" : "append-only (chattr +a)";
	const char *what_zh =
		flags & MT_FI_IMMUTABLE ? "不可修改（chattr +i）" : "只可追加（chattr +a）";
	mt_finding_text(f, MT_LANG_EN,
	                persist ? "Persistence file locked against removal"
	                        : "File locked against removal",
	                "%.300s, %s, is %s: even root cannot change or delete it until the "
	                "attribute is cleared, so a cleanup by rm, crontab -r or an editor "
	                "fails. Mining malware locks its cron jobs, keys and binaries this "
	                "way.%s",
	                path, kinds[k].en, what,
	                account ? " Some hardening guides lock the account files too: check "
	                          "whether an administrator did it."
	                        : "");
	mt_finding_text(
		f, MT_LANG_ZH, persist ? "持久化文件被锁定无法删除" : "文件被锁定无法删除",
		"%.300s（%s）被设为%s：在清除该属性前，即使 root 也不能修改或删除它，"
		"因此用 rm、crontab -r 或编辑器清理都会失败。挖矿木马常这样锁住自己的计划任务、"
		"公钥和程序。%s",
		path, kinds[k].zh, what_zh,
		account ? "有些加固指南也会锁定账户文件：请确认是否为管理员所为。" : "");
	mt_finding_str(f, "path", path, 1);
	mt_finding_str(f, "flags", names, 0);
	mt_finding_str(f, "kind", kinds[k].code, 0);
	if (user)
		mt_finding_str(f, "user", user, 0);
	if (have_st) {
		mt_finding_int(f, "mtime", (long long)st.st_mtime, 0);
		mt_finding_int(f, "ctime", (long long)st.st_ctime, 0);
	}
	mt_finding_str(f, "reasons", flags & MT_FI_IMMUTABLE ? "immutable" : "append_only", 0);
	mt_action *a = mt_finding_action(f, "clear_flags");
	mt_action_str(f, a, "path", path);
	mt_action_str(f, a, "flags", letters);
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

static int on_entry(void *p, const mt_walk_entry *e)
{
	imm_state *s = p;
	if (S_ISREG(e->st->st_mode) || S_ISDIR(e->st->st_mode))
		judge(s, e->path, s->k, NULL);
	return s->err != MT_OK ? MT_WALK_STOP : MT_WALK_CONTINUE;
}

/* The directory itself and everything in it (not following symlinks). */
static void walk(imm_state *s, const char *dir, kind k, unsigned depth)
{
	struct stat st;
	if (mt_host_stat(s->ctx->host, dir, 1, &st) != MT_OK || !S_ISDIR(st.st_mode))
		return;
	for (size_t i = 0; i < s->nseen; i++)
		if (s->seen_dirs[i].st_dev == st.st_dev && s->seen_dirs[i].st_ino == st.st_ino)
			return;
	if (s->nseen < MT_ARRAY_LEN(s->seen_dirs))
		s->seen_dirs[s->nseen++] = st;
	judge(s, dir, k, NULL);
	s->k = k;
	mt_walk_opts wo = {depth + 1, 200000, s->self->id,
	                   MT_WALK_FOLLOW_START | MT_WALK_SAME_DEVICE | MT_WALK_SCOPED};
	if (mt_walk(s->ctx->host, s->ctx->report, dir, &wo, on_entry, s, NULL) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

mt_err mt_check_files_immutable(mt_ctx *ctx, const mt_check_info *self)
{
	static const char *const cron_files[] = {"/etc/crontab", "/etc/anacrontab"};
	static const char *const cron_dirs[] = {"/etc/cron.d",
	                                        "/etc/cron.hourly",
	                                        "/etc/cron.daily",
	                                        "/etc/cron.weekly",
	                                        "/etc/cron.monthly",
	                                        "/var/spool/cron",
	                                        "/var/spool/cron/crontabs",
	                                        "/var/spool/cron/atjobs"};
	static const char *const rc_files[] = {"/etc/rc.local", "/etc/rc.d/rc.local"};
	static const char *const account_files[] = {"/etc/passwd", "/etc/shadow", "/etc/group",
	                                            "/etc/gshadow", "/etc/sudoers"};
	static const char *const unit_dirs[] = {"/etc/systemd/system", "/etc/init.d",
	                                        "/etc/sudoers.d"};
	static const char *const bin_dirs[] = {"/usr/bin", "/usr/sbin",      "/bin",
	                                       "/sbin",    "/usr/local/bin", "/usr/local/sbin"};
	static const char *const tmp_dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};
	imm_state s;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.self = self;

	for (size_t i = 0; i < MT_ARRAY_LEN(cron_files); i++)
		judge(&s, cron_files[i], K_CRON, NULL);
	for (size_t i = 0; i < MT_ARRAY_LEN(cron_dirs); i++)
		walk(&s, cron_dirs[i], K_CRON, 0);
	for (size_t i = 0; i < MT_ARRAY_LEN(rc_files); i++)
		judge(&s, rc_files[i], K_RC, NULL);
	judge(&s, "/etc/ld.so.preload", K_PRELOAD, NULL);
	for (size_t i = 0; i < MT_ARRAY_LEN(account_files); i++)
		judge(&s, account_files[i], K_ACCOUNT, NULL);

	const mt_users *users = mt_ctx_users(ctx);
	for (size_t i = 0; i < users->n && s.err == MT_OK; i++) {
		const mt_user *u = &users->v[i];
		if (!u->home || u->home[0] != '/' || strcmp(u->home, "/") == 0)
			continue;
		/* several accounts may share a home: judge each file once */
		int dup = 0;
		for (size_t j = 0; j < i; j++)
			dup |= users->v[j].home && strcmp(users->v[j].home, u->home) == 0;
		if (dup)
			continue;
		static const char *const names[] = {"/.ssh", "/.ssh/authorized_keys",
		                                    "/.ssh/authorized_keys2"};
		for (size_t k = 0; k < MT_ARRAY_LEN(names); k++) {
			char p[MT_MAX_PATH];
			size_t hl = strlen(u->home);
			while (hl > 1 && u->home[hl - 1] == '/')
				hl--;
			if (snprintf(p, sizeof(p), "%.*s%s", (int)hl, u->home, names[k]) <
			    (int)sizeof(p))
				judge(&s, p, K_SSH, u->name);
		}
	}
	for (size_t i = 0; i < MT_ARRAY_LEN(unit_dirs) && s.err == MT_OK; i++)
		walk(&s, unit_dirs[i],
		     strcmp(unit_dirs[i], "/etc/sudoers.d") == 0 ? K_ACCOUNT : K_UNIT, 2);
	for (size_t i = 0; i < MT_ARRAY_LEN(bin_dirs) && s.err == MT_OK; i++)
		walk(&s, bin_dirs[i], K_BINARY, 0);
	for (size_t i = 0; i < MT_ARRAY_LEN(tmp_dirs) && s.err == MT_OK; i++)
		walk(&s, tmp_dirs[i], K_TEMP, 3);
	return s.err;
}
