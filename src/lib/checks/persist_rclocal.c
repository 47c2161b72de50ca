/* persist_rclocal.c - persist.rclocal: commands of /etc/rc.local (and the
 * /etc/rc.d/rc.local of RHEL/CentOS) that download, mine or run hidden programs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../collect/collect.h"
#include "../collect/systemd.h"
#include "checks.h"

typedef struct rc_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	const char *via; /* the symlink it was reached through, or NULL */
	mt_err err;
} rc_state;

static int on_line(void *p, const mt_cron_entry *e)
{
	rc_state *rs = p;
	mt_cmd_verdict v;
	mt_judge_command(rs->ctx->rules, e->command, e->command_len, &v);
	mt_judge_targets(rs->ctx, e->command, e->command_len, &v);
	if (v.nreasons == 0)
		return 0;
	unsigned conf = v.severity >= MT_SEV_CRITICAL ? 95 : v.severity >= MT_SEV_HIGH ? 80 : 50;
	int exec = e->st && (e->st->st_mode & 0111);
	mt_finding *f = mt_finding_new(rs->self, v.severity, conf);
	mt_finding_text(f, MT_LANG_EN, "Malicious command runs at every boot from rc.local",
	                "Line %u of %s%s", e->lineno, e->path,
	                exec ? "" : " (the file is not executable: systemd's rc-local skips it)");
	mt_finding_text(f, MT_LANG_ZH, "rc.local开机自动执行恶意命令", "%s第%u行%s", e->path,
	                e->lineno, exec ? "" : "(文件没有执行权限，rc-local服务不会执行)");
	mt_finding_str(f, "path", e->path, 1);
	mt_finding_int(f, "lineno", e->lineno, 0);
	mt_finding_strn(f, "line", e->line, e->line_len, 1);
	mt_finding_strn(f, "command", e->command, e->command_len, 0);
	if (rs->via)
		mt_finding_str(f, "linked_from", rs->via, 0);
	mt_finding_int(f, "executable", exec, 0);
	if (e->st) {
		mt_finding_int(f, "mtime", (long long)e->st->st_mtime, 0);
		mt_finding_int(f, "ctime", (long long)e->st->st_ctime, 0);
	}
	mt_verdict_explain(f, &v);

	char lh[65];
	mt_sha256_hex(e->line, e->line_len, lh);
	mt_action *a = mt_finding_action(f, "remove_line");
	mt_action_str(f, a, "path", e->path);
	mt_action_int(f, a, "lineno", e->lineno);
	mt_action_str(f, a, "line_sha256", lh);
	mt_verdict_remedies(f, &v, NULL);
	mt_err err = mt_report_add(rs->ctx->report, f);
	if (err == MT_ERR_NOMEM) {
		rs->err = err;
		return 1;
	}
	return 0;
}

mt_err mt_check_persist_rclocal(mt_ctx *ctx, const mt_check_info *self)
{
	/* Debian and others run /etc/rc.local; RHEL/CentOS /etc/rc.d/rc.local, with
	 * /etc/rc.local a symlink to it. Each file is judged once, by its real path. */
	static const char *const paths[] = {"/etc/rc.d/rc.local", "/etc/rc.local"};
	struct stat seen[MT_ARRAY_LEN(paths)];
	size_t nseen = 0;
	rc_state rs = {ctx, self, NULL, MT_OK};
	for (int pass = 0; pass < 2 && rs.err == MT_OK; pass++) {
		for (size_t i = 0; i < MT_ARRAY_LEN(paths) && rs.err == MT_OK; i++) {
			struct stat lst, st;
			if (mt_host_stat(ctx->host, paths[i], 0, &lst) != MT_OK)
				continue;
			/* real files first, then symlinks to a file not read yet */
			if ((pass == 0) == S_ISLNK(lst.st_mode))
				continue;
			char real[MT_MAX_PATH];
			snprintf(real, sizeof(real), "%s", paths[i]);
			rs.via = NULL;
			if (S_ISLNK(lst.st_mode)) {
				char t[MT_MAX_PATH];
				if (mt_host_readlink_in(ctx->host, paths[i], t, sizeof(t)) ==
				            MT_OK &&
				    mt_link_target_abs(paths[i], t, real, sizeof(real)) == 0)
					rs.via = paths[i];
				else
					snprintf(real, sizeof(real), "%s", paths[i]);
			}
			mt_err se = mt_host_stat(ctx->host, paths[i], 1, &st);
			if (se != MT_OK) {
				mt_report_diag(ctx->report, "%s: %s", paths[i],
				               se == MT_ERR_NOENT
				                       ? "symbolic link to nothing inside the root"
				                       : mt_strerror(se));
				continue;
			}
			int dup = 0;
			for (size_t k = 0; k < nseen; k++)
				dup |= seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino;
			if (dup)
				continue;
			seen[nseen++] = st;
			/* a symlink to a symlink: the path that was read is the link's */
			struct stat rst;
			if (rs.via && (mt_host_stat(ctx->host, real, 0, &rst) != MT_OK ||
			               !S_ISREG(rst.st_mode))) {
				snprintf(real, sizeof(real), "%s", paths[i]);
				rs.via = NULL;
			}
			char *data;
			size_t len;
			int trunc;
			mt_err e = mt_host_read_file(ctx->host, real, MT_MAX_FILE_READ, &data, &len,
			                             &trunc);
			if (e != MT_OK) {
				mt_report_diag(ctx->report, "%s: %s", real, mt_strerror(e));
				if (e == MT_ERR_NOMEM)
					return e;
				continue;
			}
			if (trunc)
				mt_report_diag(ctx->report, "%s: only the first %u bytes were read",
				               real, (unsigned)MT_MAX_FILE_READ);
			unsigned bad = 0;
			mt_cron_parse(real, data, len, MT_CRON_SCRIPT, NULL, &st, on_line, &rs,
			              &bad);
			free(data);
			if (bad)
				mt_report_diag(ctx->report, "%s: %u line(s) too long to judge",
				               real, bad);
		}
	}
	return rs.err;
}
