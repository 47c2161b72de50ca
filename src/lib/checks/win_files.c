/* win_files.c - win.files: programs and scripts in the places Windows miners drop their
 * files (Windows\Fonts and its fake subdirectories, Temp, SpeechsTracing, AppDiagnostics,
 * debug, ProgramData, Users\Public, the Recycle Bin, the top of the Windows directory),
 * judged by content: a miner or its MSR driver is critical wherever it is; any other
 * program where Windows keeps none is reported once per directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../collect/walk.h"
#include "win_common.h"

#define MAX_DIRS        128
#define MAX_SCRIPT_READ (1u << 20)
#define ID_READ         (64u * 1024 * 1024)

typedef struct place {
	const char *dir;
	unsigned depth;
	mt_severity other_pe; /* an unidentified program here; MT_SEV_INFO: not reported */
	const char *why_en, *why_zh;
} place;

static const place places[] = {
	{"/Windows/Fonts", 5, MT_SEV_HIGH, "Windows keeps only fonts there", "该目录只应存放字体"},
	{"/Windows/SpeechsTracing", 5, MT_SEV_HIGH, "Windows keeps only trace logs there",
         "该目录只应存放跟踪日志"},
	{"/Windows/AppDiagnostics", 5, MT_SEV_HIGH, "Windows keeps no programs there",
         "Windows不会在该目录存放程序"},
	{"/Windows/debug", 4, MT_SEV_HIGH, "Windows keeps only logs there", "该目录只应存放日志"},
	{"/Windows/NetworkDistribution", 4, MT_SEV_HIGH, "not a Windows directory",
         "不是Windows自带目录"},
	{"/Windows/SecureBootThemes", 4, MT_SEV_HIGH, "not a Windows directory",
         "不是Windows自带目录"},
	{"/Windows/Help", 4, MT_SEV_MEDIUM, "Windows keeps only help files there",
         "该目录只应存放帮助文件"},
	{"/Windows/Temp", 4, MT_SEV_INFO, NULL, NULL},
	/* places with Windows' or vendors' own programs: by content only */
	{"/Windows/IME", 6, MT_SEV_INFO, NULL, NULL},
	{"/Windows/Logs", 5, MT_SEV_INFO, NULL, NULL},
	{"/Windows/addins", 3, MT_SEV_INFO, NULL, NULL},
	{"/Windows/INF", 2, MT_SEV_INFO, NULL, NULL},
	{"/Windows/Tasks", 2, MT_SEV_INFO, NULL, NULL},
	{"/Windows/System32/Tasks", 8, MT_SEV_INFO, NULL, NULL},
	{"/ProgramData", 7, MT_SEV_INFO, NULL, NULL},
	{"/Users/Public", 4, MT_SEV_MEDIUM, "a directory every user can write",
         "所有用户都可写的目录"},
	{"/PerfLogs", 3, MT_SEV_MEDIUM, "Windows keeps only performance logs there",
         "该目录只应存放性能日志"},
	{"/$Recycle.Bin", 4, MT_SEV_INFO, NULL, NULL},
	{"/Intel", 3, MT_SEV_INFO, NULL, NULL},
	{"/Windows", 1, MT_SEV_INFO, NULL, NULL}, /* scripts at its top */
};

typedef struct dir_acc {
	char dir[MT_MAX_PATH];
	const place *pl;
	unsigned count;
	char names[512];  /* shown: "a.exe, b.dll" */
	char files[1024]; /* the same names '\n'-separated, for the remedies */
	int64_t newest;
} dir_acc;

typedef struct wf_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	const place *pl;
	const char *user; /* profile of a user Temp, or NULL */
	dir_acc *acc;
	size_t nacc;
	mt_err err;
} wf_state;

static void add_other(wf_state *s, const char *path, const struct stat *st)
{
	char dir[MT_MAX_PATH];
	snprintf(dir, sizeof(dir), "%s", path);
	char *sl = strrchr(dir, '/');
	if (sl)
		*sl = '\0';
	dir_acc *a = NULL;
	for (size_t i = 0; i < s->nacc && !a; i++)
		if (strcmp(s->acc[i].dir, dir) == 0)
			a = &s->acc[i];
	if (!a) {
		if (s->nacc >= MAX_DIRS)
			return;
		a = &s->acc[s->nacc++];
		memset(a, 0, sizeof(*a));
		snprintf(a->dir, sizeof(a->dir), "%s", dir);
		a->pl = s->pl;
	}
	a->count++;
	size_t l = strlen(a->names);
	if (l + strlen(mt_basename(path)) + 3 < sizeof(a->names))
		snprintf(a->names + l, sizeof(a->names) - l, "%s%s", l ? ", " : "",
		         mt_basename(path));
	const char *bn = mt_basename(path);
	size_t fl = strlen(a->files);
	if (!strchr(bn, '\n') && fl + strlen(bn) + 2 < sizeof(a->files))
		snprintf(a->files + fl, sizeof(a->files) - fl, "%s%s", fl ? "\n" : "", bn);
	if ((int64_t)st->st_mtime > a->newest)
		a->newest = (int64_t)st->st_mtime;
}

static void report_file(wf_state *s, const char *path, const struct stat *st, const win_target *t,
                        const mt_cmd_verdict *v, const char *kind)
{
	mt_finding *f = mt_finding_new(s->self, v->severity, win_confidence(v->severity));
	if (t->id.what == MT_ID_XMRIG || t->id.what == MT_ID_MINER) {
		mt_finding_text(f, MT_LANG_EN, "Cryptocurrency miner program on disk",
		                "%s is %s by its content (%s)", path, t->id.family, t->id.reasons);
		mt_finding_text(f, MT_LANG_ZH, "磁盘上的挖矿程序", "%s 按内容判定为 %s(%s)", path,
		                t->id.family, t->id.reasons);
	} else if (t->id.what == MT_ID_WINRING0) {
		mt_finding_text(f, MT_LANG_EN, "MSR driver of miners (WinRing0) on disk",
		                "%s is the WinRing0 driver that miners load to tune the CPU", path);
		mt_finding_text(f, MT_LANG_ZH, "挖矿程序使用的MSR驱动(WinRing0)",
		                "%s 是挖矿程序用于调整CPU的WinRing0驱动", path);
	} else {
		mt_finding_text(f, MT_LANG_EN, "Malicious or suspicious file in a drop place",
		                "%s %s", kind, path);
		mt_finding_text(f, MT_LANG_ZH, "落地目录中的恶意或可疑文件", "%s %s",
		                strcmp(kind, "Script") == 0    ? "脚本"
		                : strcmp(kind, "Program") == 0 ? "程序"
		                                               : "文件",
		                path);
	}
	mt_finding_str(f, "path", path, 1);
	mt_finding_int(f, "size", (long long)st->st_size, 0);
	mt_finding_int(f, "mtime", (long long)st->st_mtime, 0);
	mt_finding_int(f, "ctime", (long long)st->st_ctime, 0);
	if (t->drop)
		mt_finding_str(f, "place", t->drop, 0);
	if (t->id.what != MT_ID_NONE) {
		mt_finding_str(f, "identified_as", t->id.family, 0);
		mt_finding_str(f, "id_features", t->id.reasons, 0);
		mt_finding_int(f, "id_confidence", t->id.confidence, 0);
	}
	if (t->company[0])
		mt_finding_str(f, "company", t->company, 0);
	if (t->sha256[0])
		mt_finding_str(f, "sha256", t->sha256, 0);
	mt_verdict_explain(f, v);
	mt_finding_quarantine(f, path);
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

static int is_script(const char *name)
{
	static const char *const ext[] = {".vbs", ".vbe", ".js",  ".jse", ".wsf",
	                                  ".hta", ".ps1", ".bat", ".cmd", ".psm1"};
	size_t nl = strlen(name);
	for (size_t i = 0; i < MT_ARRAY_LEN(ext); i++) {
		size_t l = strlen(ext[i]);
		if (nl > l && strcasecmp(name + nl - l, ext[i]) == 0)
			return 1;
	}
	return 0;
}

static void add_path_rule(mt_cmd_verdict *v, const mt_rule *pr, const char *path)
{
	if (pr)
		mt__verdict_add(v, "ioc_path", pr->has_sev ? pr->sev : MT_SEV_HIGH, pr, path,
		                strlen(path));
}

static void judge_script(wf_state *s, const char *path, const struct stat *st, const mt_rule *pr)
{
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(s->ctx->host, path, MAX_SCRIPT_READ, &data, &len, &trunc) != MT_OK)
		return;
	/* the whole script as one text: statements span lines in PowerShell and VBScript */
	mt_cmd_verdict v;
	mt_judge_wincmd(s->ctx->rules, data, len, &v);
	free(data);
	add_path_rule(&v, pr, path);
	if (v.severity < MT_SEV_MEDIUM)
		return;
	win_target t;
	memset(&t, 0, sizeof(t));
	t.drop = mt_win_drop_dir(path);
	report_file(s, path, st, &t, &v, "Script");
}

static int on_entry(void *p, const mt_walk_entry *e)
{
	wf_state *s = p;
	if (s->err != MT_OK)
		return MT_WALK_STOP;
	if (!S_ISREG(e->st->st_mode))
		return MT_WALK_CONTINUE;
	/* a file a campaign is known to leave (marker files too), whatever it holds */
	const mt_rule *pr = win_path_rule(s->ctx, e->path);
	if (!pr && e->st->st_size < 64)
		return MT_WALK_CONTINUE;
	/* the top of Windows: only scripts, which Windows keeps none of there */
	if (!pr && s->pl->depth == 1 && !is_script(e->name))
		return MT_WALK_CONTINUE;
	if (is_script(e->name)) {
		judge_script(s, e->path, e->st, pr);
		return MT_WALK_CONTINUE;
	}
	int fd;
	if (mt_host_open_file(s->ctx->host, e->path, &fd, NULL) != MT_OK)
		return MT_WALK_CONTINUE;
	char head[2];
	ssize_t r = read(fd, head, 2);
	close(fd);
	int elf = 0;
	if (r != 2 ||
	    !((head[0] == 'M' && head[1] == 'Z') || (elf = head[0] == 0x7f && head[1] == 'E'))) {
		if (pr) {
			win_target t;
			memset(&t, 0, sizeof(t));
			t.drop = mt_win_drop_dir(e->path);
			mt_cmd_verdict v;
			memset(&v, 0, sizeof(v));
			add_path_rule(&v, pr, e->path);
			report_file(s, e->path, e->st, &t, &v, "File");
		}
		return MT_WALK_CONTINUE;
	}
	win_target t;
	memset(&t, 0, sizeof(t));
	snprintf(t.tree, sizeof(t.tree), "%s", e->path);
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(s->ctx->host, e->path, ID_READ, &data, &len, &trunc) != MT_OK)
		return MT_WALK_CONTINUE;
	mt_miner_identify(data, len, &t.id);
	if (!trunc) {
		mt_sha256_hex(data, len, t.sha256);
		t.ioc = mt_rules_find(s->ctx->rules, MT_RK_SHA256, t.sha256);
	}
	mt_pe pe;
	if (!elf && mt_pe_parse(data, len, &pe) == MT_OK &&
	    mt_pe_version_string(&pe, "CompanyName", t.company, sizeof(t.company)) != 0)
		t.company[0] = '\0';
	free(data);
	t.drop = mt_win_drop_dir(e->path);
	t.fake_system = mt_win_system_name(e->name, &t.imitates);
	mt_cmd_verdict v;
	memset(&v, 0, sizeof(v));
	if (t.id.what == MT_ID_XMRIG || t.id.what == MT_ID_MINER)
		mt__verdict_add(&v, "miner_file", MT_SEV_CRITICAL, NULL, e->path, strlen(e->path));
	else if (t.id.what == MT_ID_WINRING0)
		mt__verdict_add(&v, "msr_driver", MT_SEV_HIGH, NULL, e->path, strlen(e->path));
	if (t.ioc && t.id.what != MT_ID_WINRING0)
		mt__verdict_add(&v, "ioc_hash", MT_SEV_CRITICAL, t.ioc, e->path, strlen(e->path));
	add_path_rule(&v, pr, e->path);
	if (t.fake_system)
		mt__verdict_add(&v, "fake_system", MT_SEV_HIGH, NULL, e->name, strlen(e->name));
	else if (t.imitates)
		mt__verdict_add(&v, "lookalike", MT_SEV_HIGH, NULL, t.imitates, strlen(t.imitates));
	if (v.nreasons)
		report_file(s, e->path, e->st, &t, &v, "Program");
	else if (s->pl->other_pe > MT_SEV_INFO)
		add_other(s, e->path, e->st);
	return MT_WALK_CONTINUE;
}

static void flush_dirs(wf_state *s)
{
	for (size_t i = 0; i < s->nacc && s->err == MT_OK; i++) {
		dir_acc *a = &s->acc[i];
		mt_severity sev = a->pl->other_pe;
		mt_finding *f = mt_finding_new(s->self, sev, win_confidence(sev));
		mt_finding_text(f, MT_LANG_EN, "Programs where Windows keeps none",
		                "%u program(s) in %s (%s): %s", a->count, a->dir, a->pl->why_en,
		                a->names);
		mt_finding_text(f, MT_LANG_ZH, "不应存放程序的目录中出现程序",
		                "%s 中有%u个程序(%s)：%s", a->dir, a->count, a->pl->why_zh,
		                a->names);
		mt_finding_str(f, "path", a->dir, 1);
		mt_finding_int(f, "programs", a->count, 0);
		mt_finding_str(f, "names", a->names, 0);
		mt_finding_int(f, "mtime", (long long)a->newest, 0);
		for (char *n = a->files; *n;) {
			char *nl = strchr(n, '\n');
			if (nl)
				*nl = '\0';
			char full[MT_MAX_PATH * 2];
			snprintf(full, sizeof(full), "%s/%s", a->dir, n);
			mt_finding_quarantine(f, full);
			if (!nl)
				break;
			n = nl + 1;
		}
		if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
			s->err = MT_ERR_NOMEM;
	}
}

static void walk_place(wf_state *s, const place *pl, const char *dir)
{
	mt_walk_opts o = {pl->depth, 0, "win.files", MT_WALK_SCOPED};
	s->pl = pl;
	mt_err e = mt_walk(s->ctx->host, s->ctx->report, dir, &o, on_entry, s, NULL);
	if (e == MT_ERR_NOMEM)
		s->err = e;
}

mt_err mt_check_win_files(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	wf_state s;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.self = self;
	s.acc = calloc(MAX_DIRS, sizeof(*s.acc));
	if (!s.acc)
		return MT_ERR_NOMEM;
	for (size_t i = 0; i < MT_ARRAY_LEN(places) && s.err == MT_OK; i++)
		walk_place(&s, &places[i], places[i].dir);
	static const place temp = {"", 4, MT_SEV_INFO, NULL, NULL};
	static const place roaming = {"", 7, MT_SEV_INFO, NULL, NULL};
	for (size_t i = 0; w && i < w->nusers && s.err == MT_OK; i++) {
		char dir[MT_MAX_PATH + 32];
		snprintf(dir, sizeof(dir), "%s/AppData/Local/Temp", w->users[i].profile);
		walk_place(&s, &temp, dir);
		snprintf(dir, sizeof(dir), "%s/AppData/Roaming", w->users[i].profile);
		walk_place(&s, &roaming, dir);
	}
	flush_dirs(&s);
	free(s.acc);
	return s.err;
}
