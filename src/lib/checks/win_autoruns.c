/* win_autoruns.c - win.autoruns: what Windows starts at logon from the Run keys (HKLM,
 * Wow6432Node, every user's NTUSER.DAT; Run, RunOnce, RunServices, Policies\Explorer\Run,
 * Windows\Load and Run, the logon script of Environment) and from the Startup folders
 * (programs, scripts and shortcuts, whose target and arguments are read from the .lnk) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "win_common.h"

#define MAX_STARTUP_FILE (1u << 20)

typedef struct ar_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_regf *h;
	mt_regf_key key;
	const char *hive;    /* "HKLM\SOFTWARE", "HKU\alice" */
	const char *keypath; /* relative to the hive */
	const char *user;    /* NULL for the machine */
	mt_winenv env;
	mt_err err;
} ar_state;

/* Reports one start-up command when it has reasons; where says what runs it. */
static void judge_entry(ar_state *s, const char *cmd, const char *value_name, const char *file,
                        unsigned lineno)
{
	mt_cmd_verdict v;
	win_target t;
	win_judge(s->ctx, cmd, &s->env, &v, &t);
	if (v.nreasons == 0)
		return;
	mt_finding *f = mt_finding_new(s->self, v.severity, win_confidence(v.severity));
	const char *who = s->user ? s->user : "every user";
	if (file) {
		mt_finding_text(f, MT_LANG_EN,
		                "Malicious or suspicious program in a Startup folder",
		                "%s (line %u), started at the logon of %s", file, lineno, who);
		mt_finding_text(f, MT_LANG_ZH, "启动文件夹中的恶意或可疑程序",
		                "%s(第%u行)，在%s登录时启动", file, lineno,
		                s->user ? s->user : "所有用户");
		mt_finding_str(f, "path", file, 1);
		if (lineno)
			mt_finding_int(f, "lineno", lineno, 1);
	} else {
		mt_finding_text(f, MT_LANG_EN, "Malicious or suspicious program started at logon",
		                "%s\\%s value \"%s\", run at the logon of %s", s->hive, s->keypath,
		                value_name, who);
		mt_finding_text(f, MT_LANG_ZH, "登录时自启动的恶意或可疑程序",
		                "%s\\%s 的值\"%s\"，在%s登录时执行", s->hive, s->keypath,
		                value_name, s->user ? s->user : "所有用户");
		mt_finding_str(f, "hive", s->hive, 1);
		mt_finding_str(f, "key", s->keypath, 1);
		mt_finding_str(f, "value", value_name, 1);
		win_key_time(f, s->h, s->key);
	}
	mt_finding_str(f, "command", cmd, 0);
	if (s->user)
		mt_finding_str(f, "user", s->user, 0);
	win_target_evidence(f, &t);
	mt_verdict_explain(f, &v);
	if (file) {
		if (!lineno)
			mt_finding_quarantine(f, file);
	} else {
		mt_action *a = win_remedy_reg_value(f, s->hive, s->keypath, value_name);
		if (s->env.profile) /* the script loads NTUSER.DAT when the user is not logged on */
			mt_action_str(f, a, "profile", s->env.profile);
	}
	if (v.severity >= MT_SEV_HIGH) {
		win_target_quarantine(f, &t);
		mt_verdict_remedies(f, &v, t.system_dir ? t.tree : NULL);
	}
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

static int on_value(void *p, const mt_regf_value *val)
{
	ar_state *s = p;
	if (val->type != MT_REG_SZ && val->type != MT_REG_EXPAND_SZ && val->type != MT_REG_MULTI_SZ)
		return 0;
	mt_buf b;
	mt_buf_init(&b, 64 * 1024);
	if (mt_regf_value_text(val, &b) == MT_OK && b.data && b.len) {
		char name[256];
		snprintf(name, sizeof(name), "%s", val->name);
		judge_entry(s, b.data, name, NULL, 0);
	}
	mt_buf_free(&b);
	return s->err != MT_OK;
}

/* The Run-like keys of one hive below prefix ("" for SOFTWARE, "Software\\" for NTUSER). */
static void run_keys(ar_state *s, mt_regf *h, const char *hive, const char *prefix,
                     const char *user, const char *profile)
{
	static const char *const keys[] = {
		"Microsoft\\Windows\\CurrentVersion\\Run",
		"Microsoft\\Windows\\CurrentVersion\\RunOnce",
		"Microsoft\\Windows\\CurrentVersion\\RunServices",
		"Microsoft\\Windows\\CurrentVersion\\RunServicesOnce",
		"Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer\\Run",
		"Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Run",
		"Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
		"Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer\\Run",
	};
	s->h = h;
	s->hive = hive;
	s->user = user;
	s->env.profile = profile;
	for (size_t i = 0; i < MT_ARRAY_LEN(keys) && s->err == MT_OK; i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s%s", prefix, keys[i]);
		if (mt_regf_find(h, mt_regf_root(h), path, &s->key) != MT_OK)
			continue;
		s->keypath = path;
		mt_regf_each_value(h, s->key, on_value, s);
	}
	/* HKCU\Software\Microsoft\Windows NT\CurrentVersion\Windows: Load and Run; and
	 * HKCU\Environment\UserInitMprLogonScript */
	if (user) {
		static const struct {
			const char *key, *value;
		} one[] = {
			{"Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows", "Load"},
			{"Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows", "Run"},
			{"Environment", "UserInitMprLogonScript"},
		};
		for (size_t i = 0; i < MT_ARRAY_LEN(one) && s->err == MT_OK; i++) {
			if (mt_regf_find(h, mt_regf_root(h), one[i].key, &s->key) != MT_OK)
				continue;
			mt_regf_value v;
			if (mt_regf_value_get(h, s->key, one[i].value, &v) != MT_OK)
				continue;
			s->keypath = one[i].key;
			on_value(s, &v);
		}
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The target and arguments of a shell link (MS-SHLLINK) as one command line. */
static int lnk_command(const uint8_t *d, size_t n, mt_buf *out)
{
	if (n < 0x4c || le32(d) != 0x4c)
		return -1;
	uint32_t flags = le32(d + 0x14);
	size_t off = 0x4c;
	if (flags & 0x1) { /* HasLinkTargetIDList */
		if (off + 2 > n)
			return -1;
		off += 2 + ((size_t)d[off] | (size_t)d[off + 1] << 8);
	}
	char target[MT_MAX_PATH] = "";
	if (flags & 0x2) { /* HasLinkInfo */
		if (off + 28 > n)
			return -1;
		uint32_t size = le32(d + off), lbp = le32(d + off + 16), suf = le32(d + off + 24);
		if (size < 28 || off + size > n)
			return -1;
		if ((le32(d + off + 8) & 1) && lbp && lbp < size) {
			const char *b = (const char *)d + off + lbp;
			size_t bl = strnlen(b, size - lbp);
			const char *sx = suf && suf < size ? (const char *)d + off + suf : "";
			size_t sl = suf && suf < size ? strnlen(sx, size - suf) : 0;
			snprintf(target, sizeof(target), "%.*s%.*s", (int)bl, b, (int)sl, sx);
		}
		off += size;
	}
	int uni = (flags & 0x80) != 0;
	char *strs[5] = {NULL};
	static const uint32_t bits[5] = {0x4, 0x8, 0x10, 0x20, 0x40};
	for (int i = 0; i < 5; i++) {
		if (!(flags & bits[i]))
			continue;
		if (off + 2 > n)
			break;
		size_t cnt = (size_t)d[off] | (size_t)d[off + 1] << 8;
		off += 2;
		size_t bytes = uni ? cnt * 2 : cnt;
		if (off + bytes > n)
			break;
		mt_buf b;
		mt_buf_init(&b, 32 * 1024);
		if (uni)
			mt_utf16le_to_utf8(d + off, bytes, 1, &b);
		else
			mt_buf_add(&b, d + off, bytes);
		strs[i] = mt_buf_take(&b, NULL);
		off += bytes;
	}
	int rc = -1;
	const char *prog = target[0] ? target : strs[1]; /* else RELATIVE_PATH */
	if (prog && *prog) {
		mt_buf_printf(out, "\"%s\"%s%s", prog, strs[3] ? " " : "", strs[3] ? strs[3] : "");
		rc = 0;
	}
	for (int i = 0; i < 5; i++)
		free(strs[i]);
	return rc;
}

static void startup_dir(ar_state *s, const char *dir, const char *user, const char *profile)
{
	mt_dirent *d;
	size_t n;
	if (mt_host_list(s->ctx->host, dir, MT_LIST_GETDENTS, &d, &n) != MT_OK)
		return;
	s->user = user;
	s->env.profile = profile;
	for (size_t i = 0; i < n && s->err == MT_OK; i++) {
		const char *nm = d[i].name;
		if (strcasecmp(nm, "desktop.ini") == 0)
			continue;
		char path[MT_MAX_PATH];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, nm) >= sizeof(path))
			continue;
		char *data;
		size_t len;
		int trunc;
		if (mt_host_read_file(s->ctx->host, path, MAX_STARTUP_FILE, &data, &len, &trunc) !=
		    MT_OK)
			continue;
		size_t nl = strlen(nm);
		const char *ext = nl > 4 ? nm + nl - 4 : "";
		if (strcasecmp(ext, ".lnk") == 0) {
			mt_buf b;
			mt_buf_init(&b, 64 * 1024);
			if (lnk_command((const uint8_t *)data, len, &b) == 0 && b.data)
				judge_entry(s, b.data, NULL, path, 0);
			mt_buf_free(&b);
		} else if (len >= 2 && data[0] == 'M' && data[1] == 'Z') {
			/* a program itself: the entry is the file */
			char cmd[MT_MAX_PATH + 8];
			snprintf(cmd, sizeof(cmd), "\"C:%s\"", path);
			for (char *c = cmd; *c; c++)
				if (*c == '/')
					*c = '\\';
			judge_entry(s, cmd, NULL, path, 0);
		} else {
			/* a script: each line is a command */
			unsigned ln = 0;
			for (char *line = data; line && *line && s->err == MT_OK;) {
				char *e = strchr(line, '\n');
				if (e)
					*e = '\0';
				ln++;
				size_t ll = strlen(line);
				if (ll && line[ll - 1] == '\r')
					line[ll - 1] = '\0';
				if (*line)
					judge_entry(s, line, NULL, path, ln);
				line = e ? e + 1 : NULL;
			}
		}
		free(data);
	}
	mt_dirents_free(d, n);
}

mt_err mt_check_win_autoruns(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	if (!w)
		return MT_OK;
	ar_state s;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.self = self;
	if (w->software.h)
		run_keys(&s, w->software.h, "HKLM\\SOFTWARE", "", NULL, NULL);
	for (size_t i = 0; i < w->nusers && s.err == MT_OK; i++) {
		mt_win_user *u = &w->users[i];
		if (!u->ntuser.h)
			continue;
		char hive[200];
		snprintf(hive, sizeof(hive), "HKU\\%s", mt_win_user_label(u));
		run_keys(&s, u->ntuser.h, hive, "Software\\", u->name, u->profile);
	}
	startup_dir(&s, "/ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp", NULL, NULL);
	for (size_t i = 0; i < w->nusers && s.err == MT_OK; i++) {
		char dir[MT_MAX_PATH + 80];
		snprintf(dir, sizeof(dir),
		         "%s/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup",
		         w->users[i].profile);
		startup_dir(&s, dir, w->users[i].name, w->users[i].profile);
	}
	return s.err;
}
