/* persist_ssh_key.c - persist.ssh_key: authorized_keys entries that are known attacker
 * keys, carry forced commands or were added during the attack window, and key files
 * with odd owners or permissions */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../collect/ssh.h"
#include "acct_common.h"
#include "checks.h"

typedef struct key_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	const mt_sshd_config *cfg;
	unsigned uid_min;
	int root_login; /* PermitRootLogin allows some kind of login */
	mt_err err;
} key_state;

typedef struct reasons {
	char codes[256];
	size_t len;
	mt_severity sev;
	unsigned conf;
} reasons;

static void add(reasons *r, const char *code, mt_severity sev, unsigned conf)
{
	int w = snprintf(r->codes + r->len, sizeof(r->codes) - r->len, "%s%s", r->len ? "," : "",
	                 code);
	if (w > 0 && (size_t)w < sizeof(r->codes) - r->len)
		r->len += (size_t)w;
	if (sev > r->sev)
		r->sev = sev;
	if (conf > r->conf)
		r->conf = conf;
}

/* The option value without the backslashes of \" escapes, NUL-terminated. */
static void opt_text(const char *v, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; v && i < n && o + 1 < outlen; i++) {
		if (v[i] == '\\' && i + 1 < n && v[i + 1] == '"')
			i++;
		out[o++] = v[i];
	}
	out[o] = '\0';
}

static int on_key(void *p, const mt_authkey_entry *e)
{
	key_state *ks = p;
	const mt_authkey *k = e->key;
	const mt_user *u = e->user;
	reasons r = {"", 0, MT_SEV_INFO, 30};
	const mt_rule *rule = NULL;
	mt_cmd_verdict v;
	int have_verdict = 0;
	memset(&v, 0, sizeof(v));
	char cmd[2048] = "", from[512] = "", env[512] = "";

	if (k->body_len < MT_MAX_RULE_VALUE) {
		char body[MT_MAX_RULE_VALUE];
		memcpy(body, k->body, k->body_len);
		body[k->body_len] = '\0';
		rule = mt_rules_find(ks->ctx->rules, MT_RK_SSH_KEY, body);
		if (rule)
			add(&r, "known_attacker_key", rule->has_sev ? rule->sev : MT_SEV_CRITICAL,
			    95);
	}
	const char *ov;
	size_t ol;
	if (mt_authkey_option(k, "command", &ov, &ol) && ov) {
		opt_text(ov, ol, cmd, sizeof(cmd));
		mt_judge_command(ks->ctx->rules, cmd, strlen(cmd), &v);
		have_verdict = v.nreasons > 0;
		if (have_verdict && v.severity >= MT_SEV_MEDIUM)
			add(&r, "forced_command_malicious",
			    v.severity > MT_SEV_HIGH ? v.severity : MT_SEV_HIGH, 85);
		else
			add(&r, "forced_command", MT_SEV_LOW, 40);
	}
	if (mt_authkey_option(k, "from", &ov, &ol) && ov) {
		opt_text(ov, ol, from, sizeof(from));
		add(&r, "from_option", MT_SEV_INFO, 30);
	}
	if (mt_authkey_option(k, "environment", &ov, &ol) && ov) {
		opt_text(ov, ol, env, sizeof(env));
		if (strstr(env, "LD_PRELOAD") || strstr(env, "LD_LIBRARY_PATH"))
			add(&r, "environment_preload", MT_SEV_HIGH, 80);
		else
			add(&r, "environment_option", MT_SEV_LOW, 40);
	}
	int win = acct_changed_in_window(ks->ctx->opts, e->st);
	if (win)
		add(&r, "changed_in_window", u->uid == 0 ? MT_SEV_HIGH : MT_SEV_MEDIUM,
		    u->uid == 0 ? 80 : 65);
	if (e->st && e->st->st_uid != u->uid && e->st->st_uid != 0)
		add(&r, "foreign_owner", MT_SEV_MEDIUM, 60);
	if (e->st && (e->st->st_mode & 022))
		add(&r, "writable_by_others", MT_SEV_LOW, 50);
	if (e->symlink)
		add(&r, "symlink", MT_SEV_LOW, 40);
	if (e->blob_type[0] && (strlen(e->blob_type) != k->type_len ||
	                        memcmp(e->blob_type, k->type, k->type_len) != 0))
		add(&r, "type_mismatch", MT_SEV_LOW, 40);
	if (u->uid == 0 && ks->root_login)
		add(&r, "root_login_key", MT_SEV_LOW, 40);
	else if (u->uid != 0 && acct_is_system(u->uid, ks->uid_min))
		/* a key for www-data or a service account; forced-command keys of git hosting
		 * accounts (gitolite) stay low */
		add(&r, "system_account_key",
		    cmd[0] && !(have_verdict && v.severity >= MT_SEV_MEDIUM) ? MT_SEV_LOW
		                                                             : MT_SEV_MEDIUM,
		    50);

	const char *te, *tz;
	if (rule) {
		te = "Known attacker SSH key";
		tz = "已知攻击者的SSH公钥";
	} else if (strstr(r.codes, "forced_command_malicious")) {
		te = "SSH key runs a malicious forced command";
		tz = "SSH公钥带有恶意的强制命令";
	} else if (win) {
		te = "SSH key file changed during the attack window";
		tz = "SSH公钥文件在攻击时间窗口内被修改";
	} else if (r.sev > MT_SEV_INFO) {
		te = "Suspicious SSH authorized key";
		tz = "可疑的SSH授权公钥";
	} else {
		te = "SSH authorized key";
		tz = "SSH授权公钥";
	}
	mt_finding *f = mt_finding_new(ks->self, r.sev, r.conf);
	char type[80], comment[256];
	snprintf(type, sizeof(type), "%.*s", (int)(k->type_len < 79 ? k->type_len : 79), k->type);
	snprintf(comment, sizeof(comment), "%.*s",
	         (int)(k->comment_len < 255 ? k->comment_len : 255), k->comment ? k->comment : "");
	mt_finding_text(f, MT_LANG_EN, te, "%s key %s of %s in %s line %u%s%s (reasons: %s)", type,
	                e->fingerprint, u->name, e->path, e->lineno, comment[0] ? ", comment " : "",
	                comment, r.len ? r.codes : "inventory");
	mt_finding_text(f, MT_LANG_ZH, tz, "账户%s的%s公钥%s,位于%s第%u行%s%s(原因:%s)", u->name,
	                type, e->fingerprint, e->path, e->lineno, comment[0] ? ",注释" : "",
	                comment, r.len ? r.codes : "清点");
	mt_finding_str(f, "path", e->path, 1);
	mt_finding_str(f, "fingerprint", e->fingerprint, 1);
	mt_finding_int(f, "lineno", e->lineno, 0);
	mt_finding_str(f, "user", u->name, 0);
	mt_finding_int(f, "uid", u->uid, 0);
	mt_finding_str(f, "key_type", type, 0);
	if (comment[0])
		mt_finding_str(f, "comment", comment, 0);
	if (k->options)
		mt_finding_strn(f, "options", k->options, k->options_len, 0);
	if (cmd[0])
		mt_finding_str(f, "command", cmd, 0);
	if (from[0])
		mt_finding_str(f, "from", from, 0);
	if (e->st) {
		mt_finding_int(f, "mtime", (long long)e->st->st_mtime, 0);
		mt_finding_int(f, "ctime", (long long)e->st->st_ctime, 0);
		mt_finding_int(f, "owner_uid", e->st->st_uid, 0);
		char mode[8];
		snprintf(mode, sizeof(mode), "%04o", (unsigned)(e->st->st_mode & 07777));
		mt_finding_str(f, "mode", mode, 0);
	}
	if (win)
		mt_finding_int(f, "changed_in_window", 1, 0);
	if (r.len)
		mt_finding_str(f, "kind", r.codes, 0);
	if (rule)
		mt_finding_rule(f, rule);
	if (have_verdict)
		mt_verdict_explain(f, &v);
	if (r.sev >= MT_SEV_LOW) {
		char h[65];
		mt_sha256_hex(e->line, e->line_len, h);
		mt_action *a = mt_finding_action(f, "remove_key");
		mt_action_str(f, a, "path", e->path);
		mt_action_int(f, a, "lineno", e->lineno);
		mt_action_str(f, a, "line_sha256", h);
	}
	if (mt_report_add(ks->ctx->report, f) == MT_ERR_NOMEM) {
		ks->err = MT_ERR_NOMEM;
		return 1;
	}
	return 0;
}

mt_err mt_check_persist_ssh_key(mt_ctx *ctx, const mt_check_info *self)
{
	mt_sshd_config cfg;
	mt_sshd_config_load(ctx->host, ctx->report, &cfg);
	const char *prl = cfg.permit_root_login.value;
	key_state ks = {
		ctx, self, &cfg, acct_uid_min(ctx->host), !(prl && mt_strcaseeq(prl, "no")), MT_OK};
	mt_err e =
		mt_authkeys_collect(ctx->host, ctx->report, mt_ctx_users(ctx), &cfg, on_key, &ks);
	mt_sshd_config_free(&cfg);
	return e != MT_OK ? e : ks.err;
}
