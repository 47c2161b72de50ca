/* persist_shell_rc.c - persist.shell_rc: shell start-up files (profile, bashrc, zshrc,
 * environment) that hide processes with aliases, preload libraries, trap signals, or run
 * downloads and hidden programs at every login */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acct_common.h"
#include "checks.h"

static const char *const system_files[] = {"/etc/profile",    "/etc/bash.bashrc",  "/etc/bashrc",
                                           "/etc/zsh/zshrc",  "/etc/zsh/zprofile", "/etc/zshrc",
                                           "/etc/environment"};
static const char *const user_files[] = {".bashrc",  ".bash_profile", ".bash_login",
                                         ".profile", ".zshrc",        ".bash_logout"};

/* Commands whose output a miner hides from, or that see credentials. */
static const char *const watched[] = {
	"ps",      "netstat", "ls",     "top",      "ss",      "lsof",     "kill", "crontab",
	"history", "pstree",  "htop",   "pkill",    "killall", "sudo",     "su",   "ssh",
	"passwd",  "chattr",  "lsattr", "ifconfig", "ip",      "iptables", "w",    "who",
	"last",    "uptime",  "free",   "find",     "strace",  "ldd"};

typedef struct rc_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_err err;
	char **seen;
	size_t nseen, aseen;
} rc_state;

typedef struct line_eval {
	char kinds[256];
	size_t klen;
	mt_severity sev;
	unsigned conf;
	char alias[64];
	char value[1024];
	char preload[512];
	mt_cmd_verdict v; /* merged verdicts of the pieces judged */
} line_eval;

static void kind(line_eval *le, const char *code, mt_severity sev, unsigned conf)
{
	size_t cl = strlen(code);
	for (const char *k = le->kinds; (k = strstr(k, code)) != NULL; k += cl)
		if ((k == le->kinds || k[-1] == ',') && (k[cl] == '\0' || k[cl] == ','))
			return; /* already listed */
	int w = snprintf(le->kinds + le->klen, sizeof(le->kinds) - le->klen, "%s%s",
	                 le->klen ? "," : "", code);
	if (w > 0 && (size_t)w < sizeof(le->kinds) - le->klen)
		le->klen += (size_t)w;
	if (sev > le->sev)
		le->sev = sev;
	if (conf > le->conf)
		le->conf = conf;
}

static int is_watched(const char *name)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(watched); i++)
		if (strcmp(name, watched[i]) == 0)
			return 1;
	return 0;
}

/* Judges a piece of shell and merges the verdict into le. */
static void judge(rc_state *s, line_eval *le, const char *cmd, size_t n)
{
	mt_cmd_verdict v;
	mt_judge_command(s->ctx->rules, cmd, n, &v);
	mt_judge_targets(s->ctx, cmd, n, &v);
	for (unsigned i = 0; i < v.nreasons; i++) {
		int dup = 0;
		for (unsigned j = 0; j < le->v.nreasons && !dup; j++)
			dup = strcmp(le->v.reasons[j].code, v.reasons[i].code) == 0 &&
			      le->v.reasons[j].rule == v.reasons[i].rule;
		if (!dup && le->v.nreasons < MT_ARRAY_LEN(le->v.reasons))
			le->v.reasons[le->v.nreasons++] = v.reasons[i];
	}
	if (v.severity > le->v.severity)
		le->v.severity = v.severity;
}

/* Reads one shell word (quotes removed) into out; returns the position after it. */
static const char *word(const char *p, const char *end, char *out, size_t outlen)
{
	size_t o = 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && !strchr(" \t;&|<>()", *p)) {
		char q = *p;
		if (q == '\'' || q == '"') {
			p++;
			while (p < end && *p != q) {
				if (q == '"' && *p == '\\' && p + 1 < end)
					p++;
				if (o + 1 < outlen)
					out[o++] = *p;
				p++;
			}
			if (p < end)
				p++;
			continue;
		}
		if (q == '\\' && p + 1 < end)
			p++;
		if (o + 1 < outlen)
			out[o++] = *p;
		p++;
	}
	out[o] = '\0';
	return p;
}

/* An alias that only adds options to the command it shadows: "ls --color=auto". */
static int options_only(const char *name, const char *value)
{
	if (strpbrk(value, "|;&`$<>()\n"))
		return 0;
	const char *p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\\')
		p++;
	if (strncmp(p, "command ", 8) == 0)
		p += 8;
	size_t fl = strcspn(p, " \t");
	char first[256];
	snprintf(first, sizeof(first), "%.*s", (int)(fl < 255 ? fl : 255), p);
	if (strcmp(mt_basename(first), name) != 0)
		return 0;
	for (p += fl; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p != '-')
			return 0;
		p += strcspn(p, " \t");
	}
	return 1;
}

static void eval_alias(rc_state *s, line_eval *le, const char *p, const char *end)
{
	char w[1100];
	while (p < end) {
		p = word(p, end, w, sizeof(w));
		if (!w[0])
			break;
		if (w[0] == '-')
			continue; /* alias -p */
		char *eq = strchr(w, '=');
		if (!eq || eq == w)
			continue;
		*eq = '\0';
		const char *name = w, *value = eq + 1;
		if (is_watched(name) && !options_only(name, value)) {
			snprintf(le->alias, sizeof(le->alias), "%.63s", name);
			snprintf(le->value, sizeof(le->value), "%.1023s", value);
			/* "ps -ef | grep -v xmrig" or any extra command: hides or captures */
			int meta = strpbrk(value, "|;&`$<>()") != NULL;
			kind(le, meta ? "alias_hides_output" : "alias_replaces_command",
			     meta ? MT_SEV_HIGH : MT_SEV_LOW, meta ? 85 : 40);
		}
		judge(s, le, value, strlen(value));
	}
}

/* "NAME () {" or "function NAME" with NAME a watched command. */
static void eval_function(line_eval *le, const char *p, const char *end)
{
	char name[64];
	size_t n = 0;
	if ((size_t)(end - p) > 9 && strncmp(p, "function", 8) == 0 &&
	    isspace((unsigned char)p[8])) {
		p += 8;
		while (p < end && isspace((unsigned char)*p))
			p++;
	}
	while (p < end && n + 1 < sizeof(name) &&
	       (isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
		name[n++] = *p++;
	name[n] = '\0';
	if (!n || !is_watched(name))
		return;
	const char *q = p;
	while (q < end && isspace((unsigned char)*q))
		q++;
	int def = (q < end && *q == '(' && q + 1 < end) || (q < end && *q == '{');
	if (def && q[0] == '(') {
		q++;
		while (q < end && isspace((unsigned char)*q))
			q++;
		def = q < end && *q == ')';
	}
	if (def) {
		snprintf(le->alias, sizeof(le->alias), "%.63s", name);
		kind(le, "function_shadows_command", MT_SEV_HIGH, 80);
	}
}

/* The value of "NAME=value" found in the line (export, declare -x, setenv allowed). */
static int assigned(const char *line, const char *end, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (const char *p = line; p + nl < end; p++) {
		if (strncmp(p, name, nl) != 0 ||
		    (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '$' ||
		                  p[-1] == '{')))
			continue;
		const char *q = p + nl;
		if (*q == '=' || (q[-1] && (*q == ' ' || *q == '\t') && p >= line + 7 &&
		                  strncmp(p - 7, "setenv ", 7) == 0)) {
			q++;
			word(q, end, out, outlen);
			return 1;
		}
	}
	return 0;
}

static void eval_line(rc_state *s, line_eval *le, const char *line, size_t n)
{
	const char *p = line, *end = line + n;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end || *p == '#')
		return;
	if ((size_t)(end - p) > 6 && strncmp(p, "alias", 5) == 0 && isspace((unsigned char)p[5]))
		eval_alias(s, le, p + 5, end);
	else
		eval_function(le, p, end);
	if ((size_t)(end - p) > 5 && strncmp(p, "trap", 4) == 0 && isspace((unsigned char)p[4])) {
		char cmd[1024];
		word(p + 4, end, cmd, sizeof(cmd));
		if (cmd[0] && cmd[0] != '-') {
			snprintf(le->value, sizeof(le->value), "%s", cmd);
			kind(le, "trap_command", MT_SEV_MEDIUM, 55);
			judge(s, le, cmd, strlen(cmd));
		}
	}
	char val[1024];
	if (assigned(p, end, "LD_PRELOAD", val, sizeof(val)) && val[0]) {
		snprintf(le->preload, sizeof(le->preload), "%.511s", val);
		kind(le, "ld_preload", MT_SEV_HIGH, 85);
		judge(s, le, val, strlen(val));
	}
	if (assigned(p, end, "PROMPT_COMMAND", val, sizeof(val)) && val[0]) {
		unsigned before = le->v.nreasons;
		judge(s, le, val, strlen(val));
		if (le->v.nreasons > before) {
			snprintf(le->value, sizeof(le->value), "%s", val);
			kind(le, "prompt_command", MT_SEV_HIGH, 80);
		}
	}
	judge(s, le, p, (size_t)(end - p));
	if (le->v.nreasons)
		kind(le, "command", le->v.severity, le->v.severity >= MT_SEV_CRITICAL ? 90 : 70);
}

static void report_line(rc_state *s, const char *path, const mt_user *owner, const struct stat *st,
                        unsigned lineno, const char *line, size_t n, line_eval *le)
{
	const char *te = "Suspicious line in a shell start-up file",
		   *tz = "shell启动文件中的可疑内容";
	if (strstr(le->kinds, "alias_hides") || strstr(le->kinds, "function_shadows")) {
		te = "Shell alias or function hides what a command shows";
		tz = "shell别名或函数篡改系统命令的输出";
	} else if (strstr(le->kinds, "ld_preload")) {
		te = "Shell start-up file preloads a library";
		tz = "shell启动文件设置LD_PRELOAD预加载库";
	} else if (strstr(le->kinds, "prompt_command")) {
		te = "PROMPT_COMMAND runs a suspicious command";
		tz = "PROMPT_COMMAND执行可疑命令";
	} else if (strstr(le->kinds, "trap_command")) {
		te = "Shell start-up file traps signals to run a command";
		tz = "shell启动文件通过trap在信号时执行命令";
	} else if (strstr(le->kinds, "alias_replaces")) {
		te = "Shell alias replaces a system command";
		tz = "shell别名替换了系统命令";
	}
	mt_finding *f = mt_finding_new(s->self, le->sev, le->conf);
	mt_finding_text(f, MT_LANG_EN, te, "Line %u of %s, read by every %s shell (%s)", lineno,
	                path, owner ? "of this user's login or interactive" : "user's login",
	                le->kinds);
	mt_finding_text(f, MT_LANG_ZH, tz, "%s第%u行,%s shell启动时都会执行(%s)", path, lineno,
	                owner ? "该用户每次登录或交互" : "所有用户", le->kinds);
	mt_finding_str(f, "path", path, 1);
	mt_finding_strn(f, "line", line, n, 1);
	mt_finding_int(f, "lineno", lineno, 0);
	if (owner)
		mt_finding_str(f, "user", owner->name, 0);
	mt_finding_str(f, "kind", le->kinds, 0);
	if (le->alias[0])
		mt_finding_str(f, "alias", le->alias, 0);
	if (le->value[0])
		mt_finding_str(f, "command", le->value, 0);
	if (le->preload[0])
		mt_finding_str(f, "ld_preload", le->preload, 0);
	if (st) {
		mt_finding_int(f, "mtime", (long long)st->st_mtime, 0);
		mt_finding_int(f, "ctime", (long long)st->st_ctime, 0);
		if (acct_changed_in_window(s->ctx->opts, st)) {
			mt_finding_int(f, "changed_in_window", 1, 0);
			acct_confidence_add(f, 5);
		}
	}
	if (le->v.nreasons)
		mt_verdict_explain(f, &le->v);
	acct_remedy_remove_line(f, path, lineno, line, n);
	const char *q[8];
	size_t nq = 0;
	if (le->preload[0] == '/')
		q[nq++] = le->preload;
	for (unsigned i = 0; i < le->v.nreasons && nq < MT_ARRAY_LEN(q); i++) {
		const char *code = le->v.reasons[i].code;
		const char *d = le->v.reasons[i].detail;
		if ((!strcmp(code, "tmp_exec") || !strcmp(code, "hidden_exec") ||
		     !strcmp(code, "miner_name")) &&
		    d[0] == '/') {
			int dup = 0;
			for (size_t j = 0; j < nq; j++)
				dup |= strcmp(q[j], d) == 0;
			if (!dup)
				q[nq++] = d;
		}
	}
	for (size_t j = 0; j < nq; j++) {
		mt_action *a = mt_finding_action(f, "quarantine_file");
		mt_action_str(f, a, "path", q[j]);
	}
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

static void scan_file(rc_state *s, const char *path, const mt_user *owner)
{
	for (size_t i = 0; i < s->nseen; i++)
		if (strcmp(s->seen[i], path) == 0)
			return;
	if (s->nseen == s->aseen) {
		size_t na = s->aseen ? s->aseen * 2 : 64;
		char **ns = realloc(s->seen, na * sizeof(*ns));
		if (!ns) {
			s->err = MT_ERR_NOMEM;
			return;
		}
		s->seen = ns;
		s->aseen = na;
	}
	if (!(s->seen[s->nseen] = mt_strdup(path))) {
		s->err = MT_ERR_NOMEM;
		return;
	}
	s->nseen++;
	int fd;
	struct stat st;
	mt_err e = mt_host_open_file(s->ctx->host, path, &fd, &st);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT && e != MT_ERR_NOTDIR)
			mt_report_diag(s->ctx->report, "%s: %s", path, mt_strerror(e));
		return;
	}
	char *data;
	size_t len;
	int trunc;
	e = mt_read_fd(fd, MT_MAX_FILE_READ, &data, &len, &trunc);
	close(fd);
	if (e != MT_OK) {
		mt_report_diag(s->ctx->report, "%s: %s", path, mt_strerror(e));
		return;
	}
	if (trunc)
		mt_report_diag(s->ctx->report, "%s: only the first %u bytes were read", path,
		               (unsigned)MT_MAX_FILE_READ);
	const char *p = data, *end = data + len;
	unsigned lineno = 0, longl = 0;
	line_eval *le = malloc(sizeof(*le));
	if (!le) {
		free(data);
		s->err = MT_ERR_NOMEM;
		return;
	}
	while (p < end && s->err == MT_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *lend = nl ? nl : end;
		size_t n = (size_t)(lend - p);
		lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n > MT_MAX_LINE) {
			longl++;
		} else {
			memset(le, 0, sizeof(*le));
			eval_line(s, le, p, n);
			if (le->klen)
				report_line(s, path, owner, &st, lineno, p, n, le);
		}
		p = nl ? nl + 1 : end;
	}
	if (longl)
		mt_report_diag(s->ctx->report, "%s: %u line(s) longer than %u bytes not judged",
		               path, longl, (unsigned)MT_MAX_LINE);
	free(le);
	free(data);
}

mt_err mt_check_persist_shell_rc(mt_ctx *ctx, const mt_check_info *self)
{
	rc_state s = {ctx, self, MT_OK, NULL, 0, 0};
	for (size_t i = 0; i < MT_ARRAY_LEN(system_files) && s.err == MT_OK; i++)
		scan_file(&s, system_files[i], NULL);
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_host_list(ctx->host, "/etc/profile.d", MT_LIST_GETDENTS, &ents, &n);
	if (e == MT_OK) {
		for (size_t i = 0; i < n && s.err == MT_OK; i++) {
			char p[MT_MAX_PATH];
			int w = snprintf(p, sizeof(p), "/etc/profile.d/%s", ents[i].name);
			if (w > 0 && (size_t)w < sizeof(p) && ents[i].type != DT_DIR)
				scan_file(&s, p, NULL);
		}
		mt_dirents_free(ents, n);
	} else if (e != MT_ERR_NOENT) {
		mt_report_diag(ctx->report, "/etc/profile.d: %s", mt_strerror(e));
	}
	const mt_users *us = mt_ctx_users(ctx);
	for (size_t i = 0; i < us->n && s.err == MT_OK; i++) {
		const mt_user *u = &us->v[i];
		if (!u->home || u->home[0] != '/')
			continue;
		for (size_t j = 0; j < MT_ARRAY_LEN(user_files) && s.err == MT_OK; j++) {
			char p[MT_MAX_PATH];
			size_t hl = strlen(u->home);
			int w = snprintf(p, sizeof(p), "%s%s%s", u->home,
			                 u->home[hl - 1] == '/' ? "" : "/", user_files[j]);
			if (w > 0 && (size_t)w < sizeof(p))
				scan_file(&s, p, u);
		}
	}
	for (size_t i = 0; i < s.nseen; i++)
		free(s.seen[i]);
	free(s.seen);
	return s.err;
}
