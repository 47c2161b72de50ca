/* win_common.c - targets of Windows start-up entries, inspected by content */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "win_common.h"

/* a program is read whole for identification up to this size; larger ones by their start */
#define WIN_ID_READ (64u * 1024 * 1024)

static int in_system_dir(const char *tree)
{
	return strncasecmp(tree, "/Windows/System32/", 18) == 0 ||
	       strncasecmp(tree, "/Windows/SysWOW64/", 18) == 0 ||
	       (strncasecmp(tree, "/Windows/", 9) == 0 && !strchr(tree + 9, '/'));
}

static int on_path_rule(void *p, const mt_rule *r)
{
	win_target *t = p;
	if (!t->ioc)
		t->ioc = r;
	return 1;
}

/* A path rule of the rules written the Windows way (C:\Windows\...) against the tree path. */
static void match_path(mt_ctx *ctx, win_target *t)
{
	char w[MT_MAX_PATH + 4];
	snprintf(w, sizeof(w), "C:%s", t->tree);
	for (char *c = w; *c; c++)
		if (*c == '/')
			*c = '\\';
	mt_rules_each_match(ctx->rules, MT_RK_PATH, w, strlen(w), on_path_rule, t);
}

const mt_rule *win_path_rule(mt_ctx *ctx, const char *tree)
{
	win_target t;
	t.ioc = NULL;
	snprintf(t.tree, sizeof(t.tree), "%s", tree);
	match_path(ctx, &t);
	return t.ioc;
}

static void inspect(mt_ctx *ctx, win_target *t)
{
	const char *base = mt_basename(t->tree);
	int exact = mt_win_system_name(base, &t->imitates);
	t->system_dir = in_system_dir(t->tree);
	t->fake_system = exact && !t->system_dir && strcasecmp(base, "cmd.exe") != 0;
	t->drop = mt_win_drop_dir(t->tree);
	match_path(ctx, t);
	if (mt_host_stat(ctx->host, t->tree, 1, &t->st) != MT_OK || !S_ISREG(t->st.st_mode))
		return;
	t->exists = 1;
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(ctx->host, t->tree, WIN_ID_READ, &data, &len, &trunc) != MT_OK)
		return;
	mt_miner_identify(data, len, &t->id);
	if (!trunc) {
		mt_sha256_hex(data, len, t->sha256);
		const mt_rule *h = mt_rules_find(ctx->rules, MT_RK_SHA256, t->sha256);
		if (h)
			t->ioc = h;
	}
	mt_pe pe;
	if (mt_pe_parse(data, len, &pe) == MT_OK) {
		t->is_pe = 1;
		t->is_driver = pe.is_driver;
		t->is_signed = pe.signed_;
		if (mt_pe_version_string(&pe, "CompanyName", t->company, sizeof(t->company)) != 0)
			t->company[0] = '\0';
	}
	free(data);
}

void win_target_of_path(mt_ctx *ctx, const char *path, const mt_winenv *env, win_target *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->win, sizeof(t->win), "%s", path);
	size_t l = strlen(path);
	if (mt_win_path_to_root(path, l, env, t->tree, sizeof(t->tree)) != 0) {
		/* a bare name: Windows finds it on the search path, System32 first */
		if (l == 0 || strchr(path, '\\') || strchr(path, '/') || strchr(path, ':') ||
		    (size_t)snprintf(t->tree, sizeof(t->tree), "/Windows/System32/%s", path) >=
		            sizeof(t->tree)) {
			t->tree[0] = '\0';
			return;
		}
		struct stat st;
		if (mt_host_stat(ctx->host, t->tree, 1, &st) != MT_OK) {
			char alt[MT_MAX_PATH + 8];
			snprintf(alt, sizeof(alt), "%s.exe", t->tree);
			if (strlen(alt) < sizeof(t->tree) &&
			    mt_host_stat(ctx->host, alt, 1, &st) == MT_OK)
				snprintf(t->tree, sizeof(t->tree), "%s", alt);
		}
	}
	inspect(ctx, t);
}

void win_target_of_cmd(mt_ctx *ctx, const char *cmd, const mt_winenv *env, win_target *t)
{
	char prog[MT_MAX_PATH];
	mt_win_cmd_program(cmd, strlen(cmd), prog, sizeof(prog), NULL);
	win_target_of_path(ctx, prog, env, t);
}

void win_target_reasons(const win_target *t, mt_cmd_verdict *v)
{
	if (!t->tree[0])
		return;
	if (t->id.what == MT_ID_XMRIG || t->id.what == MT_ID_MINER)
		mt__verdict_add(v, "miner_file", MT_SEV_CRITICAL, NULL, t->tree, strlen(t->tree));
	else if (t->id.what == MT_ID_WINRING0)
		/* hardware monitors bring it too (Program Files, Downloads): high where miners
		 * drop it, or renamed among Windows' own drivers */
		mt__verdict_add(v, "msr_driver",
		                t->drop || (t->system_dir && !strcasestr(t->tree, "winring0"))
		                        ? MT_SEV_HIGH
		                        : MT_SEV_MEDIUM,
		                NULL, t->tree, strlen(t->tree));
	/* the WinRing0 driver is the same file in miners and hardware monitors: its hash in
	 * a miner's release says nothing more than its content does */
	if (t->ioc && !(t->id.what == MT_ID_WINRING0 && t->ioc->kind == MT_RK_SHA256))
		mt__verdict_add(v, t->ioc->kind == MT_RK_SHA256 ? "ioc_hash" : "ioc_path",
		                MT_SEV_CRITICAL, t->ioc, t->tree, strlen(t->tree));
	if (t->fake_system)
		mt__verdict_add(v, "fake_system", MT_SEV_HIGH, NULL, t->tree, strlen(t->tree));
	else if (t->imitates && !t->system_dir)
		mt__verdict_add(v, "lookalike", MT_SEV_HIGH, NULL, t->imitates,
		                strlen(t->imitates));
	/* an installer resuming from Temp carries its vendor's name or signature */
	if (t->drop && (t->exists || t->is_pe)) {
		int vendor = strcmp(t->drop, "Temp") == 0 && t->is_pe &&
		             (t->is_signed || t->company[0]) && t->id.what == MT_ID_NONE &&
		             !t->imitates && !t->fake_system && !t->ioc;
		mt__verdict_add(v, "drop_exec", vendor ? MT_SEV_MEDIUM : MT_SEV_HIGH, NULL, t->tree,
		                strlen(t->tree));
	}
}

#define SCRIPT_READ (1u << 20)

static int script_ext(const char *s, size_t n)
{
	static const char *const ext[] = {".vbs", ".vbe", ".js",  ".jse", ".wsf",
	                                  ".hta", ".ps1", ".bat", ".cmd", ".psm1"};
	for (size_t i = 0; i < MT_ARRAY_LEN(ext); i++) {
		size_t l = strlen(ext[i]);
		if (n > l && strncasecmp(s + n - l, ext[i], l) == 0)
			return 1;
	}
	return 0;
}

void win_judge(mt_ctx *ctx, const char *cmd, const mt_winenv *env, mt_cmd_verdict *v, win_target *t)
{
	size_t n = strlen(cmd);
	mt_judge_wincmd_as(ctx->rules, cmd, n, env ? env->profile : NULL, v);
	win_target_of_cmd(ctx, cmd, env, t);
	win_target_reasons(t, v);
	/* the DLL or file a loader of Windows runs: rundll32 x.dll,Entry; regsvr32 x.dll */
	const char *b = mt_basename(t->tree);
	if (t->tree[0] &&
	    (strcasecmp(b, "rundll32.exe") == 0 || strcasecmp(b, "regsvr32.exe") == 0 ||
	     strcasecmp(b, "regasm.exe") == 0 || strcasecmp(b, "installutil.exe") == 0)) {
		char prog[MT_MAX_PATH];
		size_t args = 0;
		mt_win_cmd_program(cmd, n, prog, sizeof(prog), &args);
		const char *a = cmd + args;
		while (*a == '/' || *a == '-') { /* flags: /s /n /u /i:... */
			while (*a && *a != ' ')
				a++;
			while (*a == ' ')
				a++;
		}
		char dll[MT_MAX_PATH];
		size_t dl = 0;
		int q = *a == '"';
		if (q)
			a++;
		while (a[dl] && dl + 1 < sizeof(dll) &&
		       (q ? a[dl] != '"' : a[dl] != ' ' && a[dl] != ','))
			dl++;
		memcpy(dll, a, dl);
		dll[dl] = '\0';
		char *comma = q ? NULL : strchr(dll, ',');
		if (comma)
			*comma = '\0';
		if (dll[0] && (strchr(dll, '\\') || strchr(dll, '/'))) {
			win_target d;
			win_target_of_path(ctx, dll, env, &d);
			win_target_reasons(&d, v);
			if (d.tree[0] && !d.system_dir &&
			    strncasecmp(d.tree, "/Program Files", 14) != 0)
				mt__verdict_add(v, "dll_outside_system32", MT_SEV_HIGH, NULL,
				                d.tree, strlen(d.tree));
			if (d.id.what != MT_ID_NONE || d.ioc)
				*t = d; /* the file that matters */
		}
	}
	/* script files among the arguments (and the program itself when it is one) */
	size_t i = 0;
	unsigned scripts = 0;
	while (i < n && scripts < 4) {
		while (i < n && (cmd[i] == ' ' || cmd[i] == '\t'))
			i++;
		size_t st = i;
		int q = i < n && cmd[i] == '"';
		if (q)
			st = ++i;
		while (i < n && (q ? cmd[i] != '"' : cmd[i] != ' ' && cmd[i] != '\t'))
			i++;
		size_t wl = i - st;
		if (i < n)
			i++;
		if (wl < 5 || !script_ext(cmd + st, wl))
			continue;
		char tree[MT_MAX_PATH];
		if (mt_win_path_to_root(cmd + st, wl, env, tree, sizeof(tree)) != 0)
			continue;
		char *data;
		size_t len;
		int trunc;
		if (mt_host_read_file(ctx->host, tree, SCRIPT_READ, &data, &len, &trunc) != MT_OK)
			continue;
		scripts++;
		mt_cmd_verdict sv;
		mt_judge_wincmd_as(ctx->rules, data, len, env ? env->profile : NULL, &sv);
		free(data);
		for (unsigned k = 0; k < sv.nreasons; k++)
			mt__verdict_add(v, sv.reasons[k].code, sv.reasons[k].severity,
			                sv.reasons[k].rule, sv.reasons[k].detail,
			                strlen(sv.reasons[k].detail));
		if (sv.nreasons && sv.severity >= MT_SEV_HIGH)
			mt__verdict_add(v, "script_exec", sv.severity, NULL, tree, strlen(tree));
	}
}

void win_target_evidence(mt_finding *f, const win_target *t)
{
	if (!t->tree[0])
		return;
	mt_finding_str(f, "program", t->tree, 0);
	mt_finding_int(f, "program_exists", t->exists, 0);
	if (!t->exists)
		return;
	mt_finding_int(f, "size", (long long)t->st.st_size, 0);
	mt_finding_int(f, "mtime", (long long)t->st.st_mtime, 0);
	if (t->company[0])
		mt_finding_str(f, "company", t->company, 0);
	if (t->is_pe)
		mt_finding_int(f, "signed", t->is_signed, 0);
	if (t->id.what != MT_ID_NONE) {
		mt_finding_str(f, "identified_as", t->id.family, 0);
		mt_finding_str(f, "id_features", t->id.reasons, 0);
	}
	if (t->sha256[0])
		mt_finding_str(f, "sha256", t->sha256, 0);
}

void win_target_quarantine(mt_finding *f, const win_target *t)
{
	if (!t->tree[0] || !t->exists)
		return;
	/* a Windows file in System32 that the entry merely names (svchost.exe, rundll32.exe)
	 * stays; a miner placed there by content does not */
	if (t->system_dir && t->id.what == MT_ID_NONE)
		return;
	mt_finding_quarantine(f, t->tree);
}

mt_action *win_remedy_reg_value(mt_finding *f, const char *hive, const char *key, const char *value)
{
	mt_action *a = mt_finding_action(f, "delete_reg_value");
	mt_action_str(f, a, "hive", hive);
	mt_action_str(f, a, "key", key);
	mt_action_str(f, a, "value", value);
	return a;
}

void win_remedy_reg_key(mt_finding *f, const char *hive, const char *key)
{
	mt_action *a = mt_finding_action(f, "delete_reg_key");
	mt_action_str(f, a, "hive", hive);
	mt_action_str(f, a, "key", key);
}

unsigned win_confidence(mt_severity s)
{
	return s >= MT_SEV_CRITICAL ? 95 : s >= MT_SEV_HIGH ? 80 : s >= MT_SEV_MEDIUM ? 60 : 40;
}

void win_key_time(mt_finding *f, const mt_regf *h, mt_regf_key k)
{
	int64_t t = mt_filetime_unix(mt_regf_key_mtime(h, k));
	if (t != INT64_MIN && t > 0)
		mt_finding_int(f, "key_written", (long long)t, 0);
}

int win_has_reason(const mt_cmd_verdict *v, const char *code)
{
	for (unsigned i = 0; i < v->nreasons; i++)
		if (strcmp(v->reasons[i].code, code) == 0)
			return 1;
	return 0;
}

static int first_rule(void *p, const mt_rule *r)
{
	*(const mt_rule **)p = r;
	return 1;
}

const mt_rule *win_name_rule(mt_ctx *ctx, mt_rule_kind k, const char *name, const char *code,
                             mt_cmd_verdict *v)
{
	const mt_rule *r = NULL;
	if (!name || !name[0])
		return NULL;
	mt_rules_each_match(ctx->rules, k, name, strlen(name), first_rule, &r);
	if (r)
		mt__verdict_add(v, code, r->has_sev ? r->sev : MT_SEV_HIGH, r, name, strlen(name));
	return r;
}
