/* winpath.c - Windows paths and command lines mapped onto a Windows system tree */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "winpath.h"

static int has_prefix_ci(const char *s, size_t n, const char *p)
{
	size_t l = strlen(p);
	return n >= l && strncasecmp(s, p, l) == 0;
}

/* The tree path a variable stands for, into out; -1 when unknown. */
static int var_value(const char *name, size_t nl, const mt_winenv *env, char *out, size_t n)
{
	static const struct {
		const char *name, *path;
	} fixed[] = {
		{"systemroot", "/Windows"},
		{"windir", "/Windows"},
		{"systemdrive", ""},
		{"homedrive", ""},
		{"programdata", "/ProgramData"},
		{"allusersprofile", "/ProgramData"},
		{"programfiles", "/Program Files"},
		{"programw6432", "/Program Files"},
		{"programfiles(x86)", "/Program Files (x86)"},
		{"commonprogramfiles", "/Program Files/Common Files"},
		{"commonprogramfiles(x86)", "/Program Files (x86)/Common Files"},
		{"commonprogramw6432", "/Program Files/Common Files"},
		{"public", "/Users/Public"},
		{"comspec", "/Windows/System32/cmd.exe"},
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(fixed); i++)
		if (strlen(fixed[i].name) == nl && strncasecmp(name, fixed[i].name, nl) == 0)
			return (size_t)snprintf(out, n, "%s", fixed[i].path) < n ? 0 : -1;
	const char *prof = env ? env->profile : NULL;
	static const struct {
		const char *name, *sub, *machine; /* machine: without a profile */
	} user[] = {
		{"userprofile", "", NULL},
		{"homepath", "", NULL},
		{"appdata", "/AppData/Roaming", NULL},
		{"localappdata", "/AppData/Local", NULL},
		{"temp", "/AppData/Local/Temp", "/Windows/Temp"},
		{"tmp", "/AppData/Local/Temp", "/Windows/Temp"},
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(user); i++) {
		if (strlen(user[i].name) != nl || strncasecmp(name, user[i].name, nl) != 0)
			continue;
		int w;
		if (prof)
			w = snprintf(out, n, "%s%s", prof, user[i].sub);
		else if (user[i].machine)
			w = snprintf(out, n, "%s", user[i].machine);
		else
			return -1;
		return w >= 0 && (size_t)w < n ? 0 : -1;
	}
	return -1;
}

int mt_win_path_to_root(const char *p, size_t len, const mt_winenv *env, char *out, size_t n)
{
	char exp[MT_MAX_PATH];
	size_t el = 0;
	if (n == 0)
		return -1;
	out[0] = '\0';
	/* trim quotes and blanks around the path */
	while (len && (*p == '"' || *p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len && (p[len - 1] == '"' || p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0)
		return -1;
	/* expand %VAR% */
	for (size_t i = 0; i < len;) {
		if (p[i] == '%') {
			const char *end = memchr(p + i + 1, '%', len - i - 1);
			if (!end)
				return -1;
			char val[MT_MAX_PATH];
			if (var_value(p + i + 1, (size_t)(end - p - i - 1), env, val,
			              sizeof(val)) != 0)
				return -1;
			size_t vl = strlen(val);
			if (el + vl >= sizeof(exp))
				return -1;
			for (size_t k = 0; k < vl; k++)
				exp[el + k] = val[k] == '/' ? '\\' : val[k];
			el += vl;
			i = (size_t)(end - p) + 1;
			continue;
		}
		if (el + 1 >= sizeof(exp))
			return -1;
		exp[el++] = p[i] == '/' ? '\\' : p[i];
		i++;
	}
	exp[el] = '\0';
	const char *s = exp;
	size_t sl = el;
	char base[32] = "";
	if (s[0] == '\\' && (has_prefix_ci(s, sl, "\\??\\") || has_prefix_ci(s, sl, "\\\\?\\") ||
	                     has_prefix_ci(s, sl, "\\\\.\\"))) {
		s += 4;
		sl -= 4;
	}
	if (has_prefix_ci(s, sl, "\\SystemRoot\\") || has_prefix_ci(s, sl, "SystemRoot\\")) {
		size_t skip = s[0] == '\\' ? 12 : 11;
		s += skip;
		sl -= skip;
		snprintf(base, sizeof(base), "/Windows/");
	} else if (sl >= 2 && isalpha((unsigned char)s[0]) && s[1] == ':') {
		if (tolower((unsigned char)s[0]) != 'c')
			return -1;
		s += 2;
		sl -= 2;
	} else if (has_prefix_ci(s, sl, "\\\\") || has_prefix_ci(s, sl, "UNC\\")) {
		return -1; /* a share */
	} else if (has_prefix_ci(s, sl, "system32\\") || has_prefix_ci(s, sl, "syswow64\\")) {
		snprintf(base, sizeof(base), "/Windows/"); /* drivers' relative ImagePath */
	} else if (s[0] != '\\') {
		return -1; /* a bare name: where it is depends on the search path */
	}
	size_t o = 0, bl = strlen(base);
	if (bl + sl + 2 > n)
		return -1;
	memcpy(out, base, bl);
	o = bl;
	for (size_t i = 0; i < sl; i++) {
		char c = s[i] == '\\' ? '/' : s[i];
		if (c == '/' && o > 0 && out[o - 1] == '/')
			continue;
		out[o++] = c;
	}
	if (o == 0 || out[0] != '/') {
		memmove(out + 1, out, o);
		out[0] = '/';
		o++;
	}
	out[o] = '\0';
	return 0;
}

static int exec_ext(const char *s, size_t n)
{
	static const char *const ext[] = {".exe", ".com", ".bat", ".cmd", ".ps1", ".vbs",
	                                  ".js",  ".dll", ".sys", ".scr", ".cpl", ".hta"};
	for (size_t i = 0; i < MT_ARRAY_LEN(ext); i++) {
		size_t l = strlen(ext[i]);
		if (n >= l && strncasecmp(s + n - l, ext[i], l) == 0)
			return 1;
	}
	return 0;
}

size_t mt_win_cmd_program(const char *cmd, size_t len, char *out, size_t n, size_t *args_off)
{
	size_t i = 0, start, end;
	if (n)
		out[0] = '\0';
	if (args_off)
		*args_off = len;
	while (i < len && (cmd[i] == ' ' || cmd[i] == '\t'))
		i++;
	if (i >= len)
		return 0;
	if (cmd[i] == '"') {
		start = ++i;
		while (i < len && cmd[i] != '"')
			i++;
		end = i;
		if (i < len)
			i++;
	} else {
		start = i;
		end = 0;
		size_t w1 = i;
		while (w1 < len && cmd[w1] != ' ' && cmd[w1] != '\t')
			w1++;
		/* a path with blanks ("C:\Program Files\x.exe -a"): the shortest prefix that
		 * ends in an executable's extension at a word end; a first word without a
		 * directory or with an extension is the program itself */
		int path = memchr(cmd + i, '\\', w1 - i) || memchr(cmd + i, '/', w1 - i);
		if (!path || exec_ext(cmd + i, w1 - i))
			end = w1;
		for (size_t k = i; k < len && !end; k++) {
			if (k + 1 == len || cmd[k + 1] == ' ' || cmd[k + 1] == '\t') {
				if (exec_ext(cmd + start, k + 1 - start)) {
					end = k + 1;
					break;
				}
			}
		}
		if (!end) {
			end = start;
			while (end < len && cmd[end] != ' ' && cmd[end] != '\t')
				end++;
		}
		i = end;
	}
	if (args_off) {
		while (i < len && (cmd[i] == ' ' || cmd[i] == '\t'))
			i++;
		*args_off = i;
	}
	size_t l = end - start;
	if (n) {
		size_t c = l < n - 1 ? l : n - 1;
		memcpy(out, cmd + start, c);
		out[c] = '\0';
	}
	return l;
}

/* Whether tree path p starts with the directory d (both '/'-separated), ignoring case;
 * returns what follows it or NULL. */
static const char *under(const char *p, const char *d)
{
	size_t l = strlen(d);
	if (strncasecmp(p, d, l) != 0 || p[l] != '/')
		return NULL;
	return p + l + 1;
}

const char *mt_win_drop_dir(const char *p)
{
	static const struct {
		const char *dir, *name;
		int top_only; /* only files directly in it, or one level down */
	} places[] = {
		{"/Windows/Fonts", "Fonts", 0},
		{"/Windows/Temp", "Temp", 0},
		{"/Windows/debug", "debug", 0},
		{"/Windows/Help", "Help", 0},
		{"/Windows/IME", "IME", 0},
		{"/Windows/AppDiagnostics", "AppDiagnostics", 0},
		{"/Windows/SpeechsTracing", "SpeechsTracing", 0},
		{"/Windows/System32/SpeechsTracing", "SpeechsTracing", 0},
		{"/Windows/SysWOW64/SpeechsTracing", "SpeechsTracing", 0},
		{"/Windows/System32/Tasks", "Tasks", 0},
		{"/Windows/Tasks", "Tasks", 0},
		{"/Windows/NetworkDistribution", "NetworkDistribution", 0},
		{"/Windows/SecureBootThemes", "SecureBootThemes", 0},
		{"/ProgramData", "ProgramData", 1},
		{"/Users/Public", "Public", 0},
		{"/$Recycle.Bin", "Recycle.Bin", 0},
		{"/RECYCLER", "Recycle.Bin", 0},
		{"/PerfLogs", "PerfLogs", 0},
		{"/System Volume Information", "System Volume Information", 0},
		{"/Intel", "Intel", 0},
		{"/Temp", "Temp", 0},
		{"/tmp", "Temp", 0},
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(places); i++) {
		const char *rest = under(p, places[i].dir);
		if (!rest)
			continue;
		if (places[i].top_only) {
			/* ProgramData\x.exe or ProgramData\Dir\x.exe, not deeper vendor trees */
			const char *s = strchr(rest, '/');
			if (s && strchr(s + 1, '/'))
				continue;
		}
		return places[i].name;
	}
	/* a script at the top of the Windows directory, where Windows keeps none
	 * (C:\Windows\servicecrsssr.vbs) */
	const char *top = under(p, "/Windows");
	if (top && !strchr(top, '/')) {
		static const char *const scripts[] = {".vbs", ".vbe", ".js",  ".jse", ".wsf",
		                                      ".hta", ".ps1", ".bat", ".cmd"};
		size_t tl = strlen(top);
		for (size_t i = 0; i < MT_ARRAY_LEN(scripts); i++) {
			size_t l = strlen(scripts[i]);
			if (tl > l && strcasecmp(top + tl - l, scripts[i]) == 0)
				return "Windows";
		}
	}
	/* a user's temporary directory */
	const char *rest = under(p, "/Users");
	if (rest) {
		const char *s = strchr(rest, '/');
		if (s && (under(s, "/AppData/Local/Temp") || under(s, "/Local Settings/Temp")))
			return "Temp";
	}
	return NULL;
}

/* Programs of Windows that miners name themselves after. */
static const char *const sysnames[] = {
	"svchost",       "lsass",       "csrss",         "smss",     "wininit",     "winlogon",
	"services",      "explorer",    "spoolsv",       "taskhost", "taskhostw",   "taskmgr",
	"conhost",       "dllhost",     "rundll32",      "regsvr32", "wuauclt",     "ctfmon",
	"sihost",        "wmiprvse",    "logonui",       "userinit", "msdtc",       "audiodg",
	"searchindexer", "dwm",         "lsm",           "mshta",    "powershell",  "cmd",
	"notepad",       "smartscreen", "runtimebroker", "wudfhost", "dashost",     "unsecapp",
	"sppsvc",        "wmiapsrv",    "tasklist",      "schtasks", "fontdrvhost", "lsaiso",
};

static char fold(char c)
{
	c = (char)tolower((unsigned char)c);
	/* digits that stand in for letters */
	return c == '0'   ? 'o'
	       : c == '1' ? 'l'
	       : c == '3' ? 'e'
	       : c == '5' ? 's'
	       : c == 'i' ? 'l'
	                  : c;
}

/* Damerau-Levenshtein distance of at most 1 (one insertion, deletion, substitution or
 * transposition), after folding look-alike characters. */
static int near1(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0;
	while (i < al && i < bl && fold(a[i]) == fold(b[i]))
		i++;
	if (i == al && i == bl)
		return 1; /* equal after folding: "1sass" and "lsass" */
	if (al == bl) {
		/* one substitution, or one transposition */
		size_t k = i + 1;
		while (k < al && fold(a[k]) == fold(b[k]))
			k++;
		if (k == al)
			return 1;
		if (i + 1 < al && fold(a[i]) == fold(b[i + 1]) && fold(a[i + 1]) == fold(b[i])) {
			k = i + 2;
			while (k < al && fold(a[k]) == fold(b[k]))
				k++;
			return k == al;
		}
		return 0;
	}
	if (al + 1 == bl || bl + 1 == al) {
		const char *l = al > bl ? a : b, *s = al > bl ? b : a;
		size_t ll = al > bl ? al : bl;
		size_t k = i;
		for (; k + 1 < ll && fold(l[k + 1]) == fold(s[k]); k++)
			;
		return k + 1 == ll;
	}
	return 0;
}

int mt_win_system_name(const char *name, const char **like)
{
	if (like)
		*like = NULL;
	size_t nl = strlen(name);
	if (nl > 4 && strcasecmp(name + nl - 4, ".exe") == 0)
		nl -= 4;
	else
		return 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(sysnames); i++)
		if (strlen(sysnames[i]) == nl && strncasecmp(name, sysnames[i], nl) == 0)
			return 1;
	if (nl < 5)
		return 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(sysnames); i++) {
		size_t sl = strlen(sysnames[i]);
		if (sl < 5)
			continue;
		if (near1(name, nl, sysnames[i], sl)) {
			if (like)
				*like = sysnames[i];
			return 0;
		}
	}
	return 0;
}
