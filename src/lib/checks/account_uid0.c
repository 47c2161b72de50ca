/* account_uid0.c - account.uid0: accounts other than root with user id 0 (a second
 * superuser is a classic backdoor account) */
#include <stdlib.h>
#include <string.h>

#include "acct_common.h"
#include "checks.h"

mt_err mt_check_account_uid0(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_users *us = mt_ctx_users(ctx);
	for (size_t i = 0; i < us->n; i++) {
		const mt_user *u = &us->v[i];
		if (u->uid != 0 || strcmp(u->name, "root") == 0)
			continue;
		const char *hs = acct_hash_state(u);
		int login = acct_login_shell(u->shell);
		int pw = strcmp(hs, "usable") == 0 || strcmp(hs, "empty") == 0;
		/* usable from outside: a shell plus a password (or keys); without a shell it
		 * still holds root's rights for su, cron, sudo and services */
		mt_severity sev = login && pw ? MT_SEV_CRITICAL
		                  : login     ? MT_SEV_HIGH
		                              : MT_SEV_MEDIUM;
		mt_finding *f = mt_finding_new(self, sev, login ? 90 : 70);
		mt_finding_text(
			f, MT_LANG_EN, "Second superuser account (user id 0)",
			"The account %s has user id 0, the rights of root, but is not root; "
			"attackers add such accounts to keep access (shell %s, password %s)",
			u->name, u->shell, hs);
		mt_finding_text(
			f, MT_LANG_ZH, "存在第二个超级用户账户(UID为0)",
			"账户%s的UID为0,拥有root权限但不是root;攻击者常添加此类账户以维持访问"
			"(shell为%s,口令状态%s)",
			u->name, u->shell, hs);
		mt_finding_str(f, "path", "/etc/passwd", 1);
		mt_finding_str(f, "user", u->name, 1);
		mt_finding_int(f, "lineno", u->passwd_line, 0);
		mt_finding_int(f, "uid", u->uid, 0);
		mt_finding_int(f, "gid", u->gid, 0);
		mt_finding_str(f, "home", u->home, 0);
		mt_finding_str(f, "shell", u->shell, 0);
		mt_finding_str(f, "password", hs, 0);
		acct_remedy_user(f, "lock_account", u->name);
		char *line;
		size_t len;
		if (acct_file_line(ctx->host, "/etc/passwd", u->passwd_line, &line, &len) ==
		    MT_OK) {
			mt_finding_strn(f, "line", line, len, 0);
			acct_remedy_remove_line(f, "/etc/passwd", u->passwd_line, line, len);
			free(line);
		}
		if (mt_report_add(ctx->report, f) == MT_ERR_NOMEM)
			return MT_ERR_NOMEM;
	}
	return MT_OK;
}
