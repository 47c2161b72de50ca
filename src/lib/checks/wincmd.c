/* wincmd.c - judges one Windows command line (a Run value, a service's ImagePath, a
 * task's action, a WMI consumer's command or script): encoded PowerShell is decoded and
 * judged again, download cradles, script tricks of Windows' own programs (mshta,
 * regsvr32 /i:http, rundll32 javascript:), programs in the places miners drop files,
 * miner options, and the indicators of the rules. Nothing here is ever run. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../collect/win/winpath.h"
#include "../internal.h"

#define MAX_TOKENS    256
#define MAX_DECODED   (64 * 1024) /* an encoded command decoded, at most */
#define MAX_WIN_DEPTH 3           /* powershell -e of a powershell -e ... */

typedef struct wtoks {
	char buf[8192];
	const char *t[MAX_TOKENS];
	size_t n;
} wtoks;

/* Splits like CommandLineToArgvW would, roughly: blanks separate, quotes group; cmd.exe's
 * carets are dropped; ';', '|', '&', '(' and ')' end a word (PowerShell and cmd
 * statements). */
static void tokenize(const char *s, size_t n, wtoks *w)
{
	size_t o = 0;
	w->n = 0;
	size_t i = 0;
	while (i < n && w->n < MAX_TOKENS) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' ||
		                 s[i] == ';' || s[i] == '|' || s[i] == '&' || s[i] == '(' ||
		                 s[i] == ')' || s[i] == ','))
			i++;
		if (i >= n)
			break;
		size_t start = o;
		int q = 0;
		while (i < n) {
			char c = s[i];
			if (c == '"' || (c == '\'' && !q)) {
				q = !q;
				i++;
				continue;
			}
			if (c == '\'' && q) {
				q = 0;
				i++;
				continue;
			}
			if (!q && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' ||
			           c == '|' || c == '&' || c == '(' || c == ')' || c == ','))
				break;
			if (c == '^' && !q) {
				i++;
				if (i < n)
					c = s[i];
				else
					break;
			}
			if (o + 1 >= sizeof(w->buf))
				return;
			w->buf[o++] = c;
			i++;
		}
		if (o + 1 >= sizeof(w->buf))
			return;
		w->buf[o++] = '\0';
		w->t[w->n++] = w->buf + start;
	}
}

/* The file name of a Windows path, lower case and without ".exe", into out. */
static void prog_name(const char *p, char *out, size_t n)
{
	const char *b = p;
	for (const char *c = p; *c; c++)
		if (*c == '\\' || *c == '/')
			b = c + 1;
	size_t l = strlen(b);
	if (l > 4 && strcasecmp(b + l - 4, ".exe") == 0)
		l -= 4;
	if (l >= n)
		l = n - 1;
	for (size_t i = 0; i < l; i++)
		out[i] = (char)tolower((unsigned char)b[i]);
	out[l] = '\0';
}

static int contains_ci(const char *hay, size_t n, const char *needle)
{
	size_t l = strlen(needle);
	if (l == 0 || l > n)
		return 0;
	for (size_t i = 0; i + l <= n; i++)
		if (strncasecmp(hay + i, needle, l) == 0)
			return 1;
	return 0;
}

/* PowerShell's -EncodedCommand accepts any prefix of the word from "-e": -e, -en,
 * -enc, -encodedcommand, also with '/'. -ec is an alias. */
static int is_encoded_flag(const char *t)
{
	if (t[0] != '-' && t[0] != '/')
		return 0;
	const char *f = t + 1;
	if (strcasecmp(f, "ec") == 0)
		return 1;
	size_t l = strlen(f);
	return l >= 1 && l <= 14 && strncasecmp(f, "encodedcommand", l) == 0 &&
	       tolower((unsigned char)f[0]) == 'e';
}

static void judge(const mt_rules *r, const char *cmd, size_t n, mt_cmd_verdict *v, int depth,
                  const char *profile);

/* A file name a program or script has (not a log file a command writes). */
static int is_exec_name(const char *t)
{
	static const char *const ext[] = {".exe", ".dll", ".ps1", ".vbs", ".js",  ".bat", ".cmd",
	                                  ".hta", ".scr", ".com", ".jse", ".vbe", ".wsf", ".sys"};
	size_t tl = strlen(t);
	for (size_t i = 0; i < MT_ARRAY_LEN(ext); i++) {
		size_t l = strlen(ext[i]);
		if (tl > l && strcasecmp(t + tl - l, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* Decodes the base64 UTF-16LE of an encoded command and judges the script. */
static void judge_encoded(const mt_rules *r, const char *b64, mt_cmd_verdict *v, int depth)
{
	size_t bl = strlen(b64);
	uint8_t *raw = malloc(bl * 3 / 4 + 4);
	if (!raw)
		return;
	long got = mt_base64_decode(b64, bl, raw, bl * 3 / 4 + 4);
	if (got <= 0) {
		free(raw);
		return;
	}
	mt_buf text;
	mt_buf_init(&text, MAX_DECODED);
	mt_utf16le_to_utf8(raw, (size_t)got, 1, &text);
	free(raw);
	if (text.data && text.len) {
		mt__verdict_add(v, "encoded_ps", MT_SEV_HIGH, NULL, text.data, text.len);
		if (depth < MAX_WIN_DEPTH)
			judge(r, text.data, text.len, v, depth + 1, NULL);
	}
	mt_buf_free(&text);
}

static int on_rule(void *p, const mt_rule *rule)
{
	mt_cmd_verdict *v = p;
	mt__verdict_add(v, "miner_cmdline", MT_SEV_CRITICAL, rule, rule->value,
	                strlen(rule->value));
	return 0;
}

static int on_url(void *p, const mt_rule *rule)
{
	mt_cmd_verdict *v = p;
	mt__verdict_add(v, "ioc_url", MT_SEV_CRITICAL, rule, rule->value, strlen(rule->value));
	return 0;
}

/* A word that is a Windows path of a file in a drop place: reason with its tree path. */
static void judge_path_word(const char *t, const char *profile, mt_cmd_verdict *v, int is_program)
{
	size_t tl = strlen(t);
	if (tl < 3 || !(strchr(t, '\\') || strchr(t, '/')))
		return;
	char tree[MT_MAX_PATH];
	mt_winenv env = {profile};
	if (mt_win_path_to_root(t, tl, &env, tree, sizeof(tree)) != 0)
		return;
	const char *place = mt_win_drop_dir(tree);
	if (!place)
		return;
	/* installers run from Temp too: what the file is decides there (win_common.c) */
	if (is_program || is_exec_name(t))
		mt__verdict_add(v, "drop_exec",
		                strcmp(place, "Temp") == 0 ? MT_SEV_MEDIUM : MT_SEV_HIGH, NULL,
		                tree, strlen(tree));
}

/* The command without cmd.exe's carets, PowerShell's backtick escapes before letters and
 * string concatenations ('Down'+'loadString'), into a malloc'd copy. */
static char *deobfuscate(const char *cmd, size_t n, size_t *outlen)
{
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = cmd[i];
		if (c == '^')
			continue;
		if (c == '`' && i + 1 < n && isalpha((unsigned char)cmd[i + 1]))
			continue;
		/* 'a'+'b', "a"+"b", 'a' + 'b' */
		if ((c == '\'' || c == '"') && i + 1 < n) {
			size_t j = i + 1;
			while (j < n && cmd[j] == ' ')
				j++;
			if (j < n && cmd[j] == '+') {
				j++;
				while (j < n && cmd[j] == ' ')
					j++;
				if (j < n && (cmd[j] == '\'' || cmd[j] == '"')) {
					i = j;
					continue;
				}
			}
		}
		o[k++] = c;
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

static int b64_char(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/' || c == '=';
}

/* A Monero address: 4 or 8, then 94 (or 105, integrated) base58 characters. */
static int monero_address(const char *t)
{
	size_t l = strlen(t);
	if ((l != 95 && l != 106) || (t[0] != '4' && t[0] != '8'))
		return 0;
	for (size_t i = 0; i < l; i++)
		if (!isalnum((unsigned char)t[i]) || t[i] == '0' || t[i] == 'O' || t[i] == 'I' ||
		    t[i] == 'l')
			return 0;
	return 1;
}

/* Hosts whose downloads are installers of well-known software, not payloads. */
static int vendor_host(const char *h, size_t n)
{
	static const char *const hosts[] = {
		"microsoft.com",  "aka.ms",           "windowsupdate.com",
		"chocolatey.org", "visualstudio.com", "nodejs.org",
		"python.org",     "office.com",       "live.com"};
	for (size_t i = 0; i < MT_ARRAY_LEN(hosts); i++) {
		size_t l = strlen(hosts[i]);
		if (n >= l && strncasecmp(h + n - l, hosts[i], l) == 0 &&
		    (n == l || h[n - l - 1] == '.'))
			return 1;
	}
	return 0;
}

/* A host of the organisation itself: no dot, an internal suffix, a private address. */
static int internal_host(const char *h, size_t n)
{
	static const char *const sfx[] = {".local",    ".lan",         ".corp",     ".internal",
	                                  ".intranet", ".localdomain", ".home.arpa"};
	if (n == 0)
		return 0;
	if (!memchr(h, '.', n))
		return 1;
	for (size_t i = 0; i < MT_ARRAY_LEN(sfx); i++) {
		size_t l = strlen(sfx[i]);
		if (n > l && strncasecmp(h + n - l, sfx[i], l) == 0)
			return 1;
	}
	unsigned a, b;
	if (sscanf(h, "%u.%u.", &a, &b) == 2)
		return a == 10 || (a == 192 && b == 168) || (a == 172 && b >= 16 && b <= 31);
	return 0;
}

/* 1 when every URL of the text names a vendor host, 2 when every one is internal (or a
 * vendor's), 0 otherwise or without any. */
static int only_vendor_urls(const char *s)
{
	int seen = 0, internal = 0;
	for (const char *p = s; (p = strstr(p, "://")) != NULL; p += 3) {
		const char *h = p + 3;
		size_t hl = strcspn(h, "/:'\" )");
		if (internal_host(h, hl))
			internal = 1;
		else if (!vendor_host(h, hl))
			return 0;
		seen = 1;
	}
	return seen ? (internal ? 2 : 1) : 0;
}

/* Decodes the base64 literals handed to FromBase64String('...') and judges them. */
static void judge_b64_literals(const mt_rules *r, const char *s, mt_cmd_verdict *v, int depth)
{
	for (const char *p = s; (p = strcasestr(p, "frombase64string")) != NULL; p += 16) {
		const char *q = p + 16;
		while (*q == '(' || *q == ' ')
			q++;
		if (*q != '\'' && *q != '"')
			continue;
		char quote = *q++;
		const char *e = strchr(q, quote);
		if (!e || e - q < 16)
			continue;
		size_t bl = (size_t)(e - q);
		uint8_t *raw = malloc(bl);
		if (!raw)
			return;
		long got = mt_base64_decode(q, bl, raw, bl);
		if (got > 0) {
			mt_buf t;
			mt_buf_init(&t, MAX_DECODED);
			/* UTF-16LE when every other byte is zero, else UTF-8 text */
			size_t zeros = 0;
			for (long i = 1; i < got; i += 2)
				zeros += raw[i] == 0;
			if (zeros * 2 >= (size_t)got / 2)
				mt_utf16le_to_utf8(raw, (size_t)got, 1, &t);
			else
				mt_buf_add(&t, raw, (size_t)got);
			if (t.data && t.len) {
				mt__verdict_add(v, "encoded_ps", MT_SEV_HIGH, NULL, t.data, t.len);
				if (depth < MAX_WIN_DEPTH)
					judge(r, t.data, t.len, v, depth + 1, NULL);
			}
			mt_buf_free(&t);
		}
		free(raw);
	}
}

static void judge(const mt_rules *r, const char *raw, size_t rawn, mt_cmd_verdict *v, int depth,
                  const char *profile)
{
	size_t n;
	char *cmd = deobfuscate(raw, rawn, &n);
	wtoks *w = malloc(sizeof(*w));
	if (!w || !cmd) {
		free(w);
		free(cmd);
		return;
	}
	tokenize(cmd, n, w);

	char prog[MT_MAX_PATH];
	mt_win_cmd_program(cmd, n, prog, sizeof(prog), NULL);
	char pname[64];
	prog_name(prog, pname, sizeof(pname));
	int ps = 0, dl = 0, exec_expr = 0, stealth = 0;

	const mt_rule *x = mt_rules_find(r, MT_RK_MINER_NAME, pname);
	if (!x) {
		char withexe[72];
		snprintf(withexe, sizeof(withexe), "%s.exe", pname);
		x = mt_rules_find(r, MT_RK_MINER_NAME, withexe);
	}
	if (x) {
		char tree[MT_MAX_PATH];
		mt_winenv env = {profile};
		if (mt_win_path_to_root(prog, strlen(prog), &env, tree, sizeof(tree)) == 0)
			mt__verdict_add(v, "miner_name", MT_SEV_CRITICAL, x, tree, strlen(tree));
		else
			mt__verdict_add(v, "miner_name", MT_SEV_CRITICAL, x, prog, strlen(prog));
	}
	judge_path_word(prog, profile, v, 1);

	for (size_t i = 0; i < w->n; i++) {
		const char *t = w->t[i];
		char tn[64];
		prog_name(t, tn, sizeof(tn));
		if (strcmp(tn, "powershell") == 0 || strcmp(tn, "pwsh") == 0)
			ps = 1;
		if (i > 0)
			judge_path_word(t, profile, v, 0);
		if (is_encoded_flag(t) && i + 1 < w->n && (ps || depth > 0 || i > 0)) {
			/* base64 wrapped over several lines or words: joined again */
			mt_buf b;
			mt_buf_init(&b, 1u << 20);
			for (size_t k = i + 1; k < w->n; k++) {
				const char *c = w->t[k];
				int all = *c != '\0';
				for (const char *q = c; *q && all; q++)
					all = b64_char(*q);
				if (!all)
					break;
				mt_buf_adds(&b, c);
			}
			if (b.data)
				judge_encoded(r, b.data, v, depth);
			mt_buf_free(&b);
		}
		if ((t[0] == '-' || t[0] == '/') &&
		    (strcasecmp(t + 1, "w") == 0 || strcasecmp(t + 1, "windowstyle") == 0 ||
		     strcasecmp(t + 1, "win") == 0) &&
		    i + 1 < w->n &&
		    (strncasecmp(w->t[i + 1], "hid", 3) == 0 || strcmp(w->t[i + 1], "1") == 0))
			stealth = 1;
		if ((t[0] == '-' || t[0] == '/') &&
		    (strcasecmp(t + 1, "ep") == 0 || strcasecmp(t + 1, "exec") == 0 ||
		     strcasecmp(t + 1, "executionpolicy") == 0) &&
		    i + 1 < w->n && strcasecmp(w->t[i + 1], "bypass") == 0)
			stealth = 1;
		if (strcasecmp(t, "iex") == 0 || strcasecmp(t, "invoke-expression") == 0)
			exec_expr = 1;
		if (monero_address(t))
			mt__verdict_add(v, "miner_args", MT_SEV_CRITICAL, NULL, t, strlen(t));
		if (strstr(t, "://") || mt__domain_like(t, strcspn(t, "/:")))
			mt__judge_host(r, t, v);
	}
	/* the words of the whole text, quotes and brackets as separators too (the script of
	 * powershell -c "..." is one argument): Start-Process of a program file, or a
	 * program file named twice (fetched to a place, then run from it) */
	{
		wtoks *ww = malloc(sizeof(*ww));
		if (ww) {
			size_t o = 0;
			ww->n = 0;
			for (size_t i = 0; i < n && ww->n < MAX_TOKENS;) {
				while (i < n && strchr(" \t\r\n;,'\"()|&", cmd[i]))
					i++;
				size_t st = o;
				while (i < n && !strchr(" \t\r\n;,'\"()|&", cmd[i]) &&
				       o + 1 < sizeof(ww->buf))
					ww->buf[o++] = cmd[i++];
				if (o == st || o + 1 >= sizeof(ww->buf))
					break;
				ww->buf[o++] = '\0';
				ww->t[ww->n++] = ww->buf + st;
			}
			for (size_t i = 0; i < ww->n && !exec_expr; i++) {
				const char *t = ww->t[i];
				if ((strcasecmp(t, "start-process") == 0 ||
				     strcasecmp(t, "saps") == 0 || strcasecmp(t, "start") == 0 ||
				     strcasecmp(t, "invoke-item") == 0) &&
				    i + 1 < ww->n) {
					size_t k = i + 1;
					while (k < ww->n &&
					       (ww->t[k][0] == '-' || ww->t[k][0] == '/'))
						k++; /* -FilePath, /b, /min */
					if (k < ww->n &&
					    (strchr(ww->t[k], '\\') ||
					     strncasecmp(ww->t[k], "$env:", 5) == 0 ||
					     ww->t[k][0] == '%') &&
					    is_exec_name(ww->t[k]))
						exec_expr = 1;
				}
				if (is_exec_name(t) &&
				    (strchr(t, '\\') || strchr(t, '%') || strchr(t, '$')))
					for (size_t k = i + 1; k < ww->n; k++)
						if (strcasecmp(t, ww->t[k]) == 0)
							exec_expr = 1;
			}
			free(ww);
		}
	}

	/* download cradles and Windows programs that fetch */
	static const char *const fetch[] = {"downloadstring",
	                                    "downloadfile",
	                                    "downloaddata",
	                                    "invoke-webrequest",
	                                    "net.webclient",
	                                    "start-bitstransfer",
	                                    "invoke-restmethod",
	                                    "xmlhttp",
	                                    "winhttprequest",
	                                    "webrequest]::create",
	                                    "urlcache",
	                                    "bitsadmin",
	                                    "/transfer",
	                                    "wget ",
	                                    "curl ",
	                                    "iwr ",
	                                    "curl.exe",
	                                    "wget.exe",
	                                    "ftp -s:",
	                                    "ftp.exe -s:",
	                                    "-outfile"};
	for (size_t i = 0; i < MT_ARRAY_LEN(fetch); i++)
		if (contains_ci(cmd, n, fetch[i]))
			dl = 1;
	int in_memory = 0; /* the fetched text itself run: never an installer */
	if (contains_ci(cmd, n, "iex(") || contains_ci(cmd, n, "iex (") ||
	    contains_ci(cmd, n, "|iex") || contains_ci(cmd, n, "| iex") ||
	    contains_ci(cmd, n, "invoke-expression"))
		exec_expr = in_memory = 1;
	if (contains_ci(cmd, n, "ftp -s:") || contains_ci(cmd, n, "ftp.exe -s:"))
		exec_expr = 1;
	/* fetched, then a program of a drop place run (certutil ... & %TEMP%\a.exe) */
	for (unsigned i = 0; i < v->nreasons && dl; i++)
		if (strcmp(v->reasons[i].code, "drop_exec") == 0)
			exec_expr = 1;
	/* Installers fetched from vendors are downloads, not payloads; from the organisation's
	 * own hosts too, unless the fetched text is run in memory: worms such as WannaMine
	 * serve their scripts from hosts they already hold. */
	int vendor = only_vendor_urls(cmd);
	if (dl && exec_expr && (!vendor || (vendor == 2 && in_memory)))
		mt__verdict_add(v, "download_exec", MT_SEV_CRITICAL, NULL, cmd, n);
	else if (dl)
		mt__verdict_add(v, "download", vendor == 1 ? MT_SEV_LOW : MT_SEV_MEDIUM, NULL, cmd,
		                n);
	judge_b64_literals(r, cmd, v, depth);

	/* Windows' own programs running remote script code */
	int remote = contains_ci(cmd, n, "http:") || contains_ci(cmd, n, "https:") ||
	             contains_ci(cmd, n, "ftp:") || contains_ci(cmd, n, "\\\\");
	if (strcmp(pname, "mshta") == 0 &&
	    (remote || contains_ci(cmd, n, "javascript:") || contains_ci(cmd, n, "vbscript:")))
		mt__verdict_add(v, "lolbin_exec", MT_SEV_CRITICAL, NULL, "mshta", 5);
	if (strcmp(pname, "regsvr32") == 0 &&
	    (contains_ci(cmd, n, "/i:http") || contains_ci(cmd, n, "-i:http") ||
	     contains_ci(cmd, n, "scrobj.dll")))
		mt__verdict_add(v, "lolbin_exec", MT_SEV_CRITICAL, NULL, "regsvr32 /i", 11);
	if (strcmp(pname, "rundll32") == 0 &&
	    (contains_ci(cmd, n, "javascript:") || contains_ci(cmd, n, "mshtml,runhtml") || remote))
		mt__verdict_add(v, "lolbin_exec", MT_SEV_CRITICAL, NULL, "rundll32", 8);
	if (contains_ci(cmd, n, "wmic") && contains_ci(cmd, n, "process call create"))
		mt__verdict_add(v, "wmi_exec", MT_SEV_MEDIUM, NULL, "wmic process call create", 24);
	if (ps && stealth)
		mt__verdict_add(v, "ps_stealth", MT_SEV_LOW, NULL, "-w hidden / -ep bypass", 22);

	/* miner options: a pool URL, a wallet, the options only miners take */
	static const char *const minerop[] = {"stratum+tcp://",
	                                      "stratum+ssl://",
	                                      "stratum2+tcp://",
	                                      "--donate-level",
	                                      "--cpu-max-threads-hint",
	                                      "--randomx",
	                                      "--coin=monero",
	                                      "--coin monero",
	                                      "-a rx/0",
	                                      "--algo=rx",
	                                      "--nicehash",
	                                      "--rig-id"};
	for (size_t i = 0; i < MT_ARRAY_LEN(minerop); i++)
		if (contains_ci(cmd, n, minerop[i]))
			mt__verdict_add(v, "miner_args", MT_SEV_CRITICAL, NULL, minerop[i],
			                strlen(minerop[i]));
	mt_rules_each_match(r, MT_RK_CMDLINE, cmd, n, on_rule, v);
	mt_rules_each_match(r, MT_RK_URL, cmd, n, on_url, v);
	free(w);
	free(cmd);
}

void mt_judge_wincmd(const mt_rules *r, const char *cmd, size_t n, mt_cmd_verdict *v)
{
	mt_judge_wincmd_as(r, cmd, n, NULL, v);
}

void mt_judge_wincmd_as(const mt_rules *r, const char *cmd, size_t n, const char *profile,
                        mt_cmd_verdict *v)
{
	memset(v, 0, sizeof(*v));
	judge(r, cmd, n, v, 0, profile);
}
