/* hardening_sshd.c - hardening.sshd: sshd settings that make brute force and backdoor
 * keys easier (root login with a password, password logins, empty passwords, key files
 * in unusual places); advice, not a sign of compromise by itself */
#include <stdio.h>
#include <string.h>

#include "../collect/ssh.h"
#include "acct_common.h"
#include "checks.h"

static mt_err advise(mt_ctx *ctx, const mt_check_info *self, mt_severity sev, const char *kind,
                     const mt_sshd_setting *s, const char *setting, const char *value,
                     const char *en_title, const char *en, const char *zh_title, const char *zh)
{
	mt_finding *f = mt_finding_new(self, sev, 90);
	mt_finding_text(f, MT_LANG_EN, en_title, "%s", en);
	mt_finding_text(f, MT_LANG_ZH, zh_title, "%s", zh);
	mt_finding_str(f, "kind", kind, 1);
	mt_finding_str(f, "path", s && s->path ? s->path : "/etc/ssh/sshd_config", 0);
	if (s && s->lineno)
		mt_finding_int(f, "lineno", s->lineno, 0);
	mt_finding_str(f, "setting", setting, 0);
	mt_finding_str(f, "value", value, 0);
	return mt_report_add(ctx->report, f);
}

/* AuthorizedKeysFile patterns seen on ordinary systems. */
static int usual_akf(const char *p)
{
	static const char *const ok[] = {".ssh/authorized_keys",    ".ssh/authorized_keys2",
	                                 "%h/.ssh/authorized_keys", "%h/.ssh/authorized_keys2",
	                                 "~/.ssh/authorized_keys",  "none"};
	for (size_t i = 0; i < MT_ARRAY_LEN(ok); i++)
		if (strcmp(p, ok[i]) == 0)
			return 1;
	/* central per-user key directories: /etc/ssh/authorized_keys/%u, /etc/ssh/keys/%u */
	return strncmp(p, "/etc/ssh/", 9) == 0 && (strstr(p, "%u") || strstr(p, "%U")) &&
	       !strstr(p, "/.");
}

mt_err mt_check_hardening_sshd(mt_ctx *ctx, const mt_check_info *self)
{
	mt_sshd_config c;
	mt_err e = MT_OK;
	mt_sshd_config_load(ctx->host, ctx->report, &c);
	if (!c.found)
		goto out;
	const char *v = c.permit_root_login.value;
	if (v && mt_strcaseeq(v, "yes") &&
	    (e = advise(ctx, self, MT_SEV_LOW, "permit_root_login", &c.permit_root_login,
	                "PermitRootLogin", v, "SSH allows root to log in with a password",
	                "PermitRootLogin yes: root can log in over SSH with its password, the "
	                "usual target of brute force (set prohibit-password or no)",
	                "SSH允许root使用口令登录",
	                "PermitRootLogin yes:root可通过口令登录SSH,是暴力破解的主要目标"
	                "(建议设为prohibit-password或no)")) == MT_ERR_NOMEM)
		goto out;
	v = c.password_auth.value;
	if (!v || mt_strcaseeq(v, "yes")) {
		e = advise(
			ctx, self, v ? MT_SEV_LOW : MT_SEV_INFO, "password_authentication",
			&c.password_auth, "PasswordAuthentication", v ? v : "yes (default)",
			"SSH accepts password logins",
			"PasswordAuthentication is yes (set or by default): passwords can be "
			"brute-forced over SSH, the entry of many mining intrusions; prefer keys",
			"SSH允许口令登录",
			"PasswordAuthentication为yes(显式设置或默认):口令可被SSH暴力破解,"
			"这是许多挖矿入侵的入口;建议仅使用密钥登录");
		if (e == MT_ERR_NOMEM)
			goto out;
	}
	v = c.permit_empty.value;
	if (v && mt_strcaseeq(v, "yes") &&
	    (e = advise(ctx, self, MT_SEV_LOW, "permit_empty_passwords", &c.permit_empty,
	                "PermitEmptyPasswords", v, "SSH accepts empty passwords",
	                "PermitEmptyPasswords yes: accounts with an empty password can log in "
	                "over SSH without any secret",
	                "SSH允许空口令登录",
	                "PermitEmptyPasswords yes:口令为空的账户无需任何凭据即可通过SSH登录")) ==
	            MT_ERR_NOMEM)
		goto out;
	for (size_t i = 0; i < c.nakf; i++) {
		if (usual_akf(c.akf[i]))
			continue;
		char en[512], zh[512];
		snprintf(en, sizeof(en),
		         "AuthorizedKeysFile names %s: keys are read from an unusual place that "
		         "responders and tools do not look at; check what it holds",
		         c.akf[i]);
		snprintf(zh, sizeof(zh),
		         "AuthorizedKeysFile指向%s:公钥从不常见的位置读取,容易被排查遗漏;"
		         "请检查其内容",
		         c.akf[i]);
		e = advise(ctx, self, MT_SEV_LOW, "authorized_keys_file", &c.akf_line,
		           "AuthorizedKeysFile", c.akf_line.value,
		           "SSH reads keys from an unusual file", en, "SSH从不常见的文件读取公钥",
		           zh);
		break;
	}
out:
	mt_sshd_config_free(&c);
	return e == MT_ERR_NOMEM ? e : MT_OK;
}
