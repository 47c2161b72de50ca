/* win_hijack.c - win.hijack: the places where Windows is made to start something else
 * than it should: Winlogon Shell and Userinit (machine and user), Image File Execution
 * Options debuggers and silent-exit monitors (on taskmgr.exe, to kill the monitor; on
 * sethc.exe, a logon-screen backdoor), AppInit_DLLs, AppCertDlls, BootExecute and the
 * LSA packages. Each entry is compared with what Windows has by default. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "win_common.h"

typedef struct hj_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_win *w;
	mt_err err;
} hj_state;

/* Monitors and security tools an attacker keeps from starting. */
static const char *const monitors[] = {
	"taskmgr.exe",
	"procexp.exe",
	"procexp64.exe",
	"processhacker.exe",
	"autoruns.exe",
	"autoruns64.exe",
	"perfmon.exe",
	"resmon.exe",
	"msconfig.exe",
	"regedit.exe",
	"mmc.exe",
	"pchunter32.exe",
	"pchunter64.exe",
	"powertool.exe",
	"powertool64.exe",
	"msmpeng.exe",
	"mrt.exe",
	"360tray.exe",
	"360sd.exe",
	"zhudongfangyu.exe",
	"hipstray.exe",
	"kxetray.exe",
	"qqpctray.exe",
	"avp.exe",
	"mbam.exe",
	"systemexplorer.exe",
	"tcpview.exe",
	"procmon.exe",
	"procmon64.exe",
	"wireshark.exe",
	"sysmon.exe",
	"sysmon64.exe",
	"antimalware_service.exe",
	"systeminformer.exe",
	"hrsword.exe",
	"hipsmain.exe",
	"hipsdaemon.exe",
	"usysdiag.exe",
	"qqpcrtp.exe",
	"kxescore.exe",
	"360rp.exe",
	"procexp64a.exe",
	"taskmgr64.exe",
	"processexplorer.exe",
	"powershell.exe",
};
/* Programs of the logon screen: a debugger on them opens a shell before logon. */
static const char *const accessibility[] = {
	"sethc.exe",    "utilman.exe",       "osk.exe",      "magnify.exe",
	"narrator.exe", "displayswitch.exe", "atbroker.exe", "editionupgrademanager.exe"};

static int in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, list[i]) == 0)
			return 1;
	return 0;
}

typedef struct entry {
	const char *area;      /* "winlogon", "ifeo", "appinit", ... */
	const char *technique; /* the ATT&CK sub-technique */
	const char *hive, *key, *value;
	const char *data; /* what it holds */
	const char *cmd;  /* the command it runs, or NULL (judged when given) */
	mt_regf *h;
	mt_regf_key k;
	mt_severity base;      /* severity without other reasons */
	const char *base_code; /* reason code of base, or NULL */
	const char *title_en, *title_zh;
} entry;

static void report(hj_state *s, const entry *e)
{
	mt_cmd_verdict v;
	memset(&v, 0, sizeof(v));
	win_target t;
	memset(&t, 0, sizeof(t));
	if (e->cmd && *e->cmd)
		win_judge(s->ctx, e->cmd, NULL, &v, &t);
	if (e->base_code)
		mt__verdict_add(&v, e->base_code, e->base, NULL, e->data, strlen(e->data));
	if (v.nreasons == 0)
		return;
	mt_finding *f = mt_finding_new(s->self, v.severity, win_confidence(v.severity));
	mt_finding_text(f, MT_LANG_EN, e->title_en, "%s\\%s value \"%s\" = %s", e->hive, e->key,
	                e->value, e->data);
	mt_finding_text(f, MT_LANG_ZH, e->title_zh, "%s\\%s 的值\"%s\" = %s", e->hive, e->key,
	                e->value, e->data);
	mt_finding_str(f, "area", e->area, 0);
	mt_finding_str(f, "technique", e->technique, 0);
	mt_finding_str(f, "hive", e->hive, 1);
	mt_finding_str(f, "key", e->key, 1);
	mt_finding_str(f, "value", e->value, 1);
	mt_finding_str(f, "data", e->data, 0);
	win_key_time(f, e->h, e->k);
	win_target_evidence(f, &t);
	mt_verdict_explain(f, &v);
	win_remedy_reg_value(f, e->hive, e->key, e->value);
	if (v.severity >= MT_SEV_HIGH) {
		win_target_quarantine(f, &t);
		mt_verdict_remedies(f, &v, t.system_dir ? t.tree : NULL);
	}
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

/* Compares a comma-separated list ("C:\Windows\system32\userinit.exe,") with the
 * program Windows puts there: every other item is an extra program. */
static void winlogon(hj_state *s, mt_regf *h, const char *hive, const char *prefix, int user)
{
	char key[200];
	snprintf(key, sizeof(key), "%sMicrosoft\\Windows NT\\CurrentVersion\\Winlogon", prefix);
	mt_regf_key k;
	if (mt_regf_find(h, mt_regf_root(h), key, &k) != MT_OK)
		return;
	static const struct {
		const char *value, *expect;
	} vals[] = {{"Shell", "explorer.exe"},
	            {"Userinit", "userinit.exe"},
	            {"Taskman", NULL},
	            {"AppSetup", NULL}};
	for (size_t i = 0; i < MT_ARRAY_LEN(vals) && s->err == MT_OK; i++) {
		char *data = NULL;
		if (mt_regf_get_text(h, k, "", vals[i].value, &data) != MT_OK || !data)
			continue;
		char *p = data;
		while (*p && s->err == MT_OK) {
			char *c = strchr(p, ',');
			if (c)
				*c = '\0';
			while (*p == ' ')
				p++;
			if (*p) {
				char prog[MT_MAX_PATH];
				mt_win_cmd_program(p, strlen(p), prog, sizeof(prog), NULL);
				const char *b = prog;
				for (const char *q = prog; *q; q++)
					if (*q == '\\' || *q == '/')
						b = q + 1;
				int ok = vals[i].expect && !user &&
				         (strcasecmp(b, vals[i].expect) == 0 ||
				          (strncasecmp(b, vals[i].expect, strlen(b)) == 0 &&
				           strlen(b) + 4 == strlen(vals[i].expect)));
				if (!ok) {
					entry e = {"winlogon",
					           "T1547.004",
					           hive,
					           key,
					           vals[i].value,
					           data,
					           p,
					           h,
					           k,
					           MT_SEV_HIGH,
					           "unexpected_entry",
					           "Winlogon starts another program at logon",
					           "Winlogon在登录时启动了其他程序"};
					report(s, &e);
				}
			}
			if (!c)
				break;
			*c = ',';
			p = c + 1;
		}
		free(data);
	}
}

typedef struct ifeo_ctx {
	hj_state *s;
	mt_regf *h;
	const char *hive, *base;
} ifeo_ctx;

static int on_ifeo(void *p, mt_regf_key k)
{
	ifeo_ctx *c = p;
	char image[256];
	if (mt_regf_key_name(c->h, k, image, sizeof(image)) <= 0)
		return 0;
	/* the sample entry Windows itself ships */
	if (strcasecmp(image, "Your Image File Name Here without a path") == 0)
		return 0;
	char key[600];
	snprintf(key, sizeof(key), "%s\\%s", c->base, image);
	char *dbg = NULL;
	if (mt_regf_get_text(c->h, k, "", "Debugger", &dbg) == MT_OK && dbg && *dbg) {
		int acc = in(image, accessibility, MT_ARRAY_LEN(accessibility));
		int mon = in(image, monitors, MT_ARRAY_LEN(monitors));
		/* a "debugger" that only makes the program not start: ntsd -d, cmd /c exit,
		 * svchost.exe, rundll32.exe */
		char dprog[MT_MAX_PATH];
		mt_win_cmd_program(dbg, strlen(dbg), dprog, sizeof(dprog), NULL);
		const char *db = dprog;
		for (const char *q = dprog; *q; q++)
			if (*q == '\\' || *q == '/')
				db = q + 1;
		if (!acc &&
		    (strcasestr(dbg, "ntsd -d") || strcasestr(dbg, "/c exit") ||
		     strcasecmp(db, "svchost.exe") == 0 || strcasecmp(db, "rundll32.exe") == 0))
			mon = 1;
		entry e = {"ifeo",
		           acc ? "T1546.008" : "T1546.012",
		           c->hive,
		           key,
		           "Debugger",
		           dbg,
		           dbg,
		           c->h,
		           k,
		           acc   ? MT_SEV_CRITICAL
		           : mon ? MT_SEV_HIGH
		                 : MT_SEV_MEDIUM,
		           acc   ? "accessibility_backdoor"
		           : mon ? "monitor_blocked"
		                 : "unexpected_entry",
		           acc ? "Logon-screen program replaced (sticky-keys backdoor)"
		               : "Program start hijacked by an IFEO debugger",
		           acc ? "登录界面辅助程序被替换(粘滞键后门)"
		               : "程序启动被映像劫持(IFEO Debugger)"};
		report(c->s, &e);
	}
	free(dbg);
	return c->s->err != MT_OK;
}

/* SilentProcessExit\<image>\MonitorProcess runs when that program ends. */
static int on_silent_exit(void *p, mt_regf_key k)
{
	ifeo_ctx *c = p;
	char image[256];
	if (mt_regf_key_name(c->h, k, image, sizeof(image)) <= 0)
		return 0;
	char key[600];
	snprintf(key, sizeof(key), "%s\\%s", c->base, image);
	char *mon = NULL;
	if (mt_regf_get_text(c->h, k, "", "MonitorProcess", &mon) == MT_OK && mon && *mon) {
		entry e = {"silent_exit",
		           "T1546.012",
		           c->hive,
		           key,
		           "MonitorProcess",
		           mon,
		           mon,
		           c->h,
		           k,
		           MT_SEV_MEDIUM,
		           "unexpected_entry",
		           "Program started whenever another one exits (SilentProcessExit)",
		           "程序退出时触发启动其他程序(SilentProcessExit)"};
		report(c->s, &e);
	}
	free(mon);
	return c->s->err != MT_OK;
}

static void software_lists(hj_state *s)
{
	mt_regf *h = s->w->software.h;
	if (!h)
		return;
	static const char *const bases[] = {
		"Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options",
		"Wow6432Node\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(bases) && s->err == MT_OK; i++) {
		mt_regf_key k;
		ifeo_ctx c = {s, h, "HKLM\\SOFTWARE", bases[i]};
		if (mt_regf_find(h, mt_regf_root(h), bases[i], &k) == MT_OK)
			mt_regf_each_subkey(h, k, on_ifeo, &c);
	}
	mt_regf_key k;
	const char *se = "Microsoft\\Windows NT\\CurrentVersion\\SilentProcessExit";
	ifeo_ctx c = {s, h, "HKLM\\SOFTWARE", se};
	if (mt_regf_find(h, mt_regf_root(h), se, &k) == MT_OK)
		mt_regf_each_subkey(h, k, on_silent_exit, &c);

	static const char *const appinit[] = {
		"Microsoft\\Windows NT\\CurrentVersion\\Windows",
		"Wow6432Node\\Microsoft\\Windows NT\\CurrentVersion\\Windows",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(appinit) && s->err == MT_OK; i++) {
		if (mt_regf_find(h, mt_regf_root(h), appinit[i], &k) != MT_OK)
			continue;
		char *dlls = NULL;
		uint64_t load = 0;
		mt_regf_get_u64(h, k, "", "LoadAppInit_DLLs", &load);
		if (mt_regf_get_text(h, k, "", "AppInit_DLLs", &dlls) == MT_OK && dlls) {
			char *p = dlls;
			while (*p == ' ')
				p++;
			if (*p) {
				char first[MT_MAX_PATH];
				size_t l = strcspn(p, ", ");
				snprintf(first, sizeof(first), "%.*s", (int)l, p);
				entry e = {"appinit",
				           "T1546.010",
				           "HKLM\\SOFTWARE",
				           appinit[i],
				           "AppInit_DLLs",
				           dlls,
				           first,
				           h,
				           k,
				           load ? MT_SEV_HIGH : MT_SEV_LOW,
				           "unexpected_entry",
				           "DLL loaded into every program (AppInit_DLLs)",
				           "加载到所有程序中的DLL(AppInit_DLLs)"};
				report(s, &e);
			}
		}
		free(dlls);
	}
}

/* Items of a REG_MULTI_SZ (as '\n'-joined text) not among the defaults. */
static void system_list(hj_state *s, const char *sub, const char *value, const char *const *defs,
                        size_t ndefs, const char *area, const char *tech, mt_severity sev,
                        const char *en, const char *zh, int dll_in_system32)
{
	mt_regf *h = s->w->system.h;
	mt_regf_key k;
	if (!h || !s->w->ccs || mt_regf_find(h, s->w->ccs, sub, &k) != MT_OK)
		return;
	char *data = NULL;
	if (mt_regf_get_text(h, k, "", value, &data) != MT_OK || !data)
		return;
	char key[300];
	snprintf(key, sizeof(key), "%s\\%s", s->w->ccs_name, sub);
	for (char *p = data; p && *p && s->err == MT_OK;) {
		char *e = strchr(p, '\n');
		if (e)
			*e = '\0';
		if (*p && !in(p, defs, ndefs)) {
			char cmd[MT_MAX_PATH];
			if (dll_in_system32 && !strchr(p, '\\'))
				snprintf(cmd, sizeof(cmd), "C:\\Windows\\System32\\%s%s", p,
				         strchr(p, '.') ? "" : ".dll");
			else
				snprintf(cmd, sizeof(cmd), "%s", p);
			entry en_ = {area, tech, "HKLM\\SYSTEM",     key, value, p, cmd, h,
			             k,    sev,  "unexpected_entry", en,  zh};
			report(s, &en_);
		}
		if (!e)
			break;
		p = e + 1;
	}
	free(data);
}

typedef struct appcert_ctx {
	hj_state *s;
	mt_regf *h;
	mt_regf_key k;
	char key[300];
} appcert_ctx;

static int on_appcert(void *p, const mt_regf_value *v)
{
	appcert_ctx *c = p;
	mt_buf b;
	mt_buf_init(&b, 8192);
	if (mt_regf_value_text(v, &b) == MT_OK && b.data && *b.data) {
		char name[256];
		snprintf(name, sizeof(name), "%s", v->name);
		entry e = {"appcert",
		           "T1546.009",
		           "HKLM\\SYSTEM",
		           c->key,
		           name,
		           b.data,
		           b.data,
		           c->h,
		           c->k,
		           MT_SEV_HIGH,
		           "unexpected_entry",
		           "DLL loaded into every program that creates processes (AppCertDlls)",
		           "加载到所有创建进程的程序中的DLL(AppCertDlls)"};
		report(c->s, &e);
	}
	mt_buf_free(&b);
	return c->s->err != MT_OK;
}

mt_err mt_check_win_hijack(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	if (!w)
		return MT_OK;
	hj_state s = {ctx, self, w, MT_OK};
	if (w->software.h)
		winlogon(&s, w->software.h, "HKLM\\SOFTWARE", "", 0);
	for (size_t i = 0; i < w->nusers && s.err == MT_OK; i++) {
		if (!w->users[i].ntuser.h)
			continue;
		char hive[200];
		snprintf(hive, sizeof(hive), "HKU\\%s", mt_win_user_label(&w->users[i]));
		winlogon(&s, w->users[i].ntuser.h, hive, "Software\\", 1);
	}
	software_lists(&s);

	static const char *const boot[] = {"autocheck autochk *", "autocheck autochk /q /v *"};
	system_list(&s, "Control\\Session Manager", "BootExecute", boot, MT_ARRAY_LEN(boot),
	            "bootexecute", "T1547.012", MT_SEV_HIGH,
	            "Program run before Windows starts (BootExecute)",
	            "Windows启动前执行的程序(BootExecute)", 0);
	static const char *const auth[] = {"msv1_0", "\"\""};
	system_list(&s, "Control\\Lsa", "Authentication Packages", auth, MT_ARRAY_LEN(auth), "lsa",
	            "T1547.002", MT_SEV_HIGH, "Unknown LSA authentication package",
	            "未知的LSA认证包", 1);
	static const char *const secp[] = {"kerberos", "msv1_0", "schannel", "wdigest",
	                                   "tspkg",    "pku2u",  "cloudAP",  "negoexts",
	                                   "livessp",  "\"\"",   "msoidssp", "kerberos.dll"};
	system_list(&s, "Control\\Lsa", "Security Packages", secp, MT_ARRAY_LEN(secp), "lsa",
	            "T1547.005", MT_SEV_HIGH, "Unknown LSA security package", "未知的LSA安全包", 1);
	static const char *const notif[] = {"scecli", "rassfm", "passfilt", "fpnwclnt", "pwdssp"};
	system_list(&s, "Control\\Lsa", "Notification Packages", notif, MT_ARRAY_LEN(notif), "lsa",
	            "T1556.002", MT_SEV_HIGH, "Unknown password filter (LSA notification package)",
	            "未知的密码过滤器(LSA通知包)", 1);

	mt_regf_key k;
	if (w->system.h && w->ccs &&
	    mt_regf_find(w->system.h, w->ccs, "Control\\Session Manager\\AppCertDlls", &k) ==
	            MT_OK) {
		appcert_ctx c = {&s, w->system.h, k, ""};
		snprintf(c.key, sizeof(c.key), "%s\\Control\\Session Manager\\AppCertDlls",
		         w->ccs_name);
		mt_regf_each_value(w->system.h, k, on_appcert, &c);
	}
	return s.err;
}
