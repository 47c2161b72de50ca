/* cmdjudge.c - judges one shell command line (cron, rc.local, ExecStart, shell start-up)
 * for download-and-execute, encoded payloads, temporary or hidden programs, miner names
 * and indicators from the rules */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "../collect/win/pe.h"
#include "../internal.h"

#define MAX_WORDS 256

typedef struct word {
	const char *s;   /* NUL-terminated, quotes removed */
	unsigned cmdpos; /* first word of a simple command (what gets executed) */
	unsigned piped;  /* the command it starts reads a pipe */
	unsigned subst;  /* inside $( ), <( ) or backticks */
} word;

typedef struct words {
	word w[MAX_WORDS];
	size_t n;
	char scratch[8192];
	size_t used;
} words;

static const char *const shells[] = {"sh",      "bash",   "dash",    "zsh",     "ksh", "ash",
                                     "busybox", "python", "python2", "python3", "perl"};
static const char *const prefixes[] = {"nohup",  "exec",    "sudo",    "env",    "setsid", "nice",
                                       "ionice", "timeout", "command", "time",   "su",     "chroot",
                                       "xargs",  "flock",   "stdbuf",  "runuser"};
static const char *const downloaders[] = {"curl",         "wget",   "fetch", "tftp",
                                          "lwp-download", "aria2c", "ftp",   "busybox-wget"};

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static int is_shell(const char *w)
{
	return in_list(mt_basename(w), shells, MT_ARRAY_LEN(shells));
}

/* Splits a command into words the way a shell roughly would, marking which words are
 * executed. Good enough to judge, not to run: nothing here is ever executed. */
static void split(const char *cmd, size_t n, words *ws, int depth)
{
	unsigned cmdpos = 1, piped = 0, subst = 0, prefix_next = 0, redir = 0;
	size_t i = 0;
	while (i < n && ws->n < MAX_WORDS) {
		char c = cmd[i];
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '`' ||
		    c == '\n' || c == '{' || c == '}') {
			if (c == '|' && !(i + 1 < n && cmd[i + 1] == '|'))
				piped = 1;
			else if (c == '|')
				i++, piped = 0;
			else
				piped = 0;
			if (c == '`' || c == '(')
				subst = 1;
			if (c == ')')
				subst = 0;
			cmdpos = 1;
			i++;
			continue;
		}
		if (c == '$' && i + 1 < n && cmd[i + 1] == '(') {
			subst = 1;
			cmdpos = 1;
			piped = 0;
			i += 2;
			continue;
		}
		if (c == '<' || c == '>') {
			if (i + 1 < n && cmd[i + 1] == '(') {
				subst = 1;
				cmdpos = 1;
				i += 2;
				continue;
			}
			while (i < n && (cmd[i] == '<' || cmd[i] == '>' || cmd[i] == '&'))
				i++;
			/* the next word is a redirection target, not a command; it is kept as
			 * an argument, since ">& /dev/tcp/host/port" is what a reverse shell is */
			redir = 1;
			continue;
		}
		/* a word */
		char *out = ws->scratch + ws->used;
		size_t room = sizeof(ws->scratch) - ws->used;
		size_t len = 0;
		if (room < 2)
			return;
		while (i < n && !strchr(" \t\r;|&()<>`\n", cmd[i])) {
			char d = cmd[i];
			if (d == '\'' || d == '"') {
				size_t j = i + 1;
				while (j < n && cmd[j] != d) {
					if (d == '"' && cmd[j] == '\\' && j + 1 < n)
						j++;
					if (len + 1 < room)
						out[len++] = cmd[j];
					j++;
				}
				i = j < n ? j + 1 : n;
				continue;
			}
			if (d == '\\' && i + 1 < n)
				i++;
			if (d == '$' && i + 1 < n && cmd[i + 1] == '(')
				break;
			if (len + 1 < room)
				out[len++] = cmd[i];
			i++;
		}
		if (len == 0) {
			redir = 0;
			if (i < n && cmd[i] == '$')
				continue;
			i++;
			continue;
		}
		out[len] = '\0';
		ws->used += len + 1;
		word *w = &ws->w[ws->n++];
		w->s = out;
		if (redir) {
			/* neither a command nor an argument that changes what runs next */
			w->cmdpos = 0;
			w->piped = piped;
			w->subst = subst;
			redir = 0;
			continue;
		}
		w->cmdpos = cmdpos || (prefix_next && out[0] != '-' &&
		                       !(isdigit((unsigned char)out[0]) && !strchr(out, '/')));
		w->piped = piped;
		w->subst = subst;
		/* "sh -c 'curl ... | sh'": the argument of -c is a command line of its own */
		if (depth < 2 && ws->n >= 3 && strcmp(ws->w[ws->n - 2].s, "-c") == 0 &&
		    is_shell(ws->w[ws->n - 3].s))
			split(out, len, ws, depth + 1);
		if (w->cmdpos) {
			const char *b = mt_basename(out);
			int assign = strchr(out, '=') != NULL && out[0] != '/' && out[0] != '-';
			prefix_next = assign || in_list(b, prefixes, MT_ARRAY_LEN(prefixes)) ||
			              is_shell(out);
		} else if (!(prefix_next && (out[0] == '-' || isdigit((unsigned char)out[0])))) {
			prefix_next = 0;
		}
		cmdpos = 0;
	}
}

void mt__verdict_add(mt_cmd_verdict *v, const char *code, mt_severity sev, const mt_rule *rule,
                     const char *detail, size_t dn)
{
	if (rule && rule->has_sev)
		sev = rule->sev;
	/* the same reason again: it keeps the higher severity */
	for (unsigned i = 0; i < v->nreasons; i++)
		if (strcmp(v->reasons[i].code, code) == 0 && v->reasons[i].rule == rule) {
			if (sev > v->reasons[i].severity)
				v->reasons[i].severity = sev;
			if (sev > v->severity)
				v->severity = sev;
			return;
		}
	if (sev > v->severity)
		v->severity = sev;
	if (v->nreasons >= MT_ARRAY_LEN(v->reasons))
		return;
	unsigned i = v->nreasons++;
	v->reasons[i].code = code;
	v->reasons[i].severity = sev;
	v->reasons[i].rule = rule;
	if (dn >= sizeof(v->reasons[i].detail))
		dn = sizeof(v->reasons[i].detail) - 1;
	memcpy(v->reasons[i].detail, detail, dn);
	v->reasons[i].detail[dn] = '\0';
}

static int is_temp_path(const char *p)
{
	return strncmp(p, "/tmp/", 5) == 0 || strncmp(p, "/var/tmp/", 9) == 0 ||
	       strncmp(p, "/dev/shm/", 9) == 0 || strncmp(p, "/run/shm/", 9) == 0 ||
	       strncmp(p, "/var/run/shm/", 13) == 0;
}

/* A path component that is hidden: ".x", "...", ". " but not "." or "..". */
static int has_hidden_component(const char *p)
{
	const char *c = p;
	while (*c) {
		while (*c == '/')
			c++;
		const char *e = strchr(c, '/');
		size_t l = e ? (size_t)(e - c) : strlen(c);
		if (l > 0 && c[0] == '.' && !(l == 1 || (l == 2 && c[1] == '.')))
			return 1;
		c += l;
	}
	return 0;
}

int mt__domain_like(const char *s, size_t n)
{
	size_t dots = 0, last = 0;
	if (n < 4 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (i == 0 || s[i - 1] == '.')
				return 0;
			dots++;
			last = i;
		} else if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_') {
			return 0;
		}
	}
	if (!dots || last + 2 > n - 1 + 1)
		return 0;
	for (size_t i = last + 1; i < n; i++)
		if (!isalpha((unsigned char)s[i]))
			return 0;
	return n - last - 1 >= 2;
}

/* Looks up the host (and port) of a URL-ish word against the indicator rules. */
void mt__judge_host(const mt_rules *r, const char *w, mt_cmd_verdict *v)
{
	const char *h = strstr(w, "://");
	h = h ? h + 3 : w;
	const char *at = strchr(h, '@');
	const char *slash = strchr(h, '/');
	if (at && (!slash || at < slash))
		h = at + 1;
	size_t n = strcspn(h, "/?#");
	const char *host = h;
	size_t hl = n;
	unsigned port = 0;
	if (host[0] == '[') {
		const char *rb = memchr(host, ']', n);
		if (!rb)
			return;
		host++;
		hl = (size_t)(rb - host);
		if (rb + 1 < h + n && rb[1] == ':')
			port = (unsigned)strtoul(rb + 2, NULL, 10);
	} else {
		const char *colon = memchr(host, ':', n);
		if (colon) {
			hl = (size_t)(colon - host);
			port = (unsigned)strtoul(colon + 1, NULL, 10);
		}
	}
	if (hl == 0 || hl > 253)
		return;
	char canon[64];
	const mt_rule *x;
	if (mt_ip_canon(host, hl, canon, sizeof(canon)) == 0) {
		if (port && ((x = mt_rules_find_ipport(r, MT_RK_C2_IPPORT, host, hl, port)) ||
		             (x = mt_rules_find_ipport(r, MT_RK_POOL_IPPORT, host, hl, port))))
			mt__verdict_add(v, "ioc_ip", MT_SEV_CRITICAL, x, h, n);
		else if ((x = mt_rules_find_ip(r, MT_RK_C2_IP, host, hl)) ||
		         (x = mt_rules_find_ip(r, MT_RK_POOL_IP, host, hl)))
			mt__verdict_add(v, "ioc_ip", MT_SEV_CRITICAL, x, h, n);
		return;
	}
	if (!mt__domain_like(host, hl))
		return;
	if ((x = mt_rules_find_domain(r, MT_RK_POOL_DOMAIN, host, hl)) ||
	    (x = mt_rules_find_domain(r, MT_RK_C2_DOMAIN, host, hl)) ||
	    (x = mt_rules_find_domain(r, MT_RK_BROWSER_DOMAIN, host, hl)))
		mt__verdict_add(v, "ioc_host", MT_SEV_CRITICAL, x, host, hl);
	else if ((x = mt_rules_find_domain(r, MT_RK_PASTE_DOMAIN, host, hl)))
		mt__verdict_add(v, "paste_host", MT_SEV_HIGH, x, host, hl);
}

typedef struct match_ctx {
	mt_cmd_verdict *v;
	const char *code;
} match_ctx;

static int on_match(void *p, const mt_rule *rule)
{
	match_ctx *m = p;
	mt__verdict_add(m->v, m->code, MT_SEV_CRITICAL, rule, rule->value, strlen(rule->value));
	return 0;
}

void mt_judge_command(const mt_rules *r, const char *cmd, size_t n, mt_cmd_verdict *v)
{
	static _Thread_local words ws;
	memset(v, 0, sizeof(*v));
	ws.n = 0;
	ws.used = 0;
	split(cmd, n, &ws, 0);

	int dl = 0, dl_subst = 0, pipe_shell = 0, shell_cmd = 0, chmod_x = 0, b64 = 0;
	int run_local = 0, eval = 0;
	for (size_t i = 0; i < ws.n; i++) {
		const word *w = &ws.w[i];
		const char *b = mt_basename(w->s);
		char low[128];
		size_t bl = strlen(b);
		if (bl >= sizeof(low))
			bl = sizeof(low) - 1;
		for (size_t k = 0; k < bl; k++)
			low[k] = (char)tolower((unsigned char)b[k]);
		low[bl] = '\0';

		if (w->cmdpos) {
			if (in_list(low, downloaders, MT_ARRAY_LEN(downloaders))) {
				dl = 1;
				if (w->subst)
					dl_subst = 1;
			}
			if (is_shell(w->s)) {
				if (w->piped)
					pipe_shell = 1;
				else
					shell_cmd = 1;
			}
			if (strcmp(low, "chmod") == 0)
				chmod_x = 1;
			if (strcmp(low, "eval") == 0)
				eval = 1;
			if (strcmp(low, "base64") == 0 || strcmp(low, "openssl") == 0 ||
			    strcmp(low, "xxd") == 0)
				b64 = 1;
			if (strncmp(w->s, "./", 2) == 0)
				run_local = 1;
			const mt_rule *x = mt_rules_find(r, MT_RK_MINER_NAME, low);
			if (x)
				mt__verdict_add(v, "miner_name", MT_SEV_CRITICAL, x, w->s,
				                strlen(w->s));
			if (w->s[0] == '/' || strncmp(w->s, "./", 2) == 0 || w->s[0] == '~') {
				if (is_temp_path(w->s)) {
					mt__verdict_add(v, "tmp_exec", MT_SEV_HIGH, NULL, w->s,
					                strlen(w->s));
					run_local = 1;
				}
				if (has_hidden_component(w->s))
					mt__verdict_add(v, "hidden_exec", MT_SEV_HIGH, NULL, w->s,
					                strlen(w->s));
			}
		}
		if (strstr(w->s, "/dev/tcp/") || strstr(w->s, "/dev/udp/"))
			mt__verdict_add(v, "dev_tcp", MT_SEV_HIGH, NULL, w->s, strlen(w->s));
		if (strstr(w->s, "://") || mt__domain_like(w->s, strcspn(w->s, "/:")) ||
		    mt_ip_canon(w->s, strcspn(w->s, "/:"), low, sizeof(low)) == 0)
			mt__judge_host(r, w->s, v);
		/* a path written to or run from a temporary directory by a downloader */
		if (!w->cmdpos && dl && (is_temp_path(w->s) || has_hidden_component(w->s)) &&
		    w->s[0] == '/')
			run_local = run_local || chmod_x;
	}
	if (dl && (pipe_shell || (dl_subst && (shell_cmd || eval))))
		mt__verdict_add(v, "download_exec", MT_SEV_CRITICAL, NULL, cmd, n);
	else if (dl && (chmod_x || run_local))
		mt__verdict_add(v, "download_exec", MT_SEV_CRITICAL, NULL, cmd, n);
	else if (dl)
		mt__verdict_add(v, "download", MT_SEV_MEDIUM, NULL, cmd, n);
	/* cmd is not NUL-terminated (a slice of a cron file): search within n only;
	 * "--decode" contains "-d" */
	if (b64 && (pipe_shell || eval || shell_cmd) &&
	    (memmem(cmd, n, "-d", 2) || memmem(cmd, n, "-D", 2)))
		mt__verdict_add(v, "base64_exec", MT_SEV_CRITICAL, NULL, cmd, n);

	match_ctx m = {v, "miner_cmdline"};
	mt_rules_each_match(r, MT_RK_CMDLINE, cmd, n, on_match, &m);
	m.code = "ioc_url";
	mt_rules_each_match(r, MT_RK_URL, cmd, n, on_match, &m);
}

static const struct {
	const char *code;
	const char *text[MT_LANG_COUNT];
} reason_text[] = {
	{"download_exec", {"downloads a program and runs it", "下载并执行程序"}},
	{"download", {"downloads from the network", "从网络下载文件"}},
	{"base64_exec", {"decodes an encoded payload and runs it", "解码并执行编码后的载荷"}},
	{"paste_host", {"fetches from a paste or file-drop site", "从粘贴/文件分享站点获取内容"}},
	{"tmp_exec", {"runs a program from a temporary directory", "执行临时目录中的程序"}},
	{"hidden_exec", {"runs a program from a hidden path", "执行隐藏路径中的程序"}},
	{"dev_tcp",
         {"opens a raw /dev/tcp connection (reverse shell)", "使用/dev/tcp建立连接(反弹shell)"}},
	{"miner_name", {"runs a known miner program", "执行已知的挖矿程序"}},
	{"miner_file",
         {"runs a file that is a miner by its content (hash or code)",
          "执行的文件按内容(哈希或代码)判定为挖矿程序"}},
	{"miner_cmdline", {"has a miner's command-line pattern", "包含挖矿程序的命令行特征"}},
	{"ioc_host",
         {"contacts a known mining-pool or campaign host", "连接已知矿池或挖矿团伙的域名"}},
	{"ioc_ip",
         {"contacts a known mining-pool or campaign address", "连接已知矿池或挖矿团伙的IP"}},
	{"ioc_url", {"contains a known malware URL", "包含已知的恶意URL"}},
	{"encoded_ps", {"runs an encoded PowerShell command", "执行经过编码的PowerShell命令"}},
	{"ps_stealth",
         {"starts PowerShell hidden or with the execution policy bypassed",
          "以隐藏窗口或绕过执行策略的方式启动PowerShell"}},
	{"lolbin_exec",
         {"runs remote script code through a Windows program (mshta, regsvr32, rundll32)",
          "借助系统程序(mshta/regsvr32/rundll32)执行远程脚本"}},
	{"drop_exec",
         {"runs a program from a place miners drop their files",
          "执行挖矿木马常用落地目录中的程序"}},
	{"miner_args", {"has a miner's options (pool, wallet)", "包含挖矿程序参数(矿池、钱包)"}},
	{"wmi_exec", {"starts programs through WMI", "通过WMI启动程序"}},
	{"miner_file",
         {"runs a program that is a miner by its content", "执行的程序按内容判定为挖矿程序"}},
	{"msr_driver",
         {"loads the WinRing0 MSR driver miners use", "加载挖矿程序使用的WinRing0 MSR驱动"}},
	{"fake_system",
         {"runs a program named like a Windows one from outside System32",
          "执行位于System32之外、与系统程序同名的程序"}},
	{"lookalike",
         {"runs a program named to look like a Windows one", "执行名称仿冒系统程序的程序"}},
	{"dll_outside_system32",
         {"a svchost service DLL outside System32", "svchost服务DLL位于System32之外"}},
	{"monitor_blocked",
         {"stops a monitoring or security tool from starting", "阻止任务管理器或安全工具启动"}},
	{"accessibility_backdoor",
         {"replaces an accessibility program of the logon screen (backdoor)",
          "替换登录界面的辅助功能程序(后门)"}},
	{"wmi_consumer",
         {"a permanent WMI subscription runs code (Windows ships none that does)",
          "永久WMI订阅执行代码(Windows默认没有此类订阅)"}},
	{"pool_port", {"uses a port mining pools listen on", "使用矿池常用端口"}},
	{"port_proxy",
         {"relays connections to another host (netsh portproxy)",
          "把连接转发到其他主机(netsh portproxy)"}},
	{"blocks_smb",
         {"closes SMB (445/139/135) behind the worm, against other worms",
          "封闭SMB端口(445/139/135)，防止其他蠕虫进入"}},
	{"blocks_security",
         {"cuts off updates of security software or Windows", "阻断安全软件或Windows的更新"}},
	{"hidden_account",
         {"its name ends in '$', so net user does not list it", "名称以$结尾，net user不会列出"}},
	{"rid_hijack",
         {"its user record carries another account's RID (RID hijacking)",
          "其用户记录携带其他账户的RID(RID劫持)"}},
	{"new_account", {"created in the time window", "在时间窗口内创建"}},
	{"script_exec", {"runs a script judged malicious", "执行被判定为恶意的脚本"}},
	{"ioc_path", {"a file a campaign is known to use", "已知挖矿团伙使用的文件路径"}},
	{"ioc_hash", {"a file of a known campaign (SHA-256)", "已知挖矿团伙的文件(SHA-256)"}},
	{"ioc_service", {"a service name a campaign is known to use", "已知挖矿团伙使用的服务名"}},
	{"ioc_task",
         {"a scheduled task name a campaign is known to use", "已知挖矿团伙使用的计划任务名"}},
	{"ioc_wmi",
         {"a WMI filter, consumer or class name a campaign is known to use",
          "已知挖矿团伙使用的WMI过滤器、消费者或类名"}},
	{"ioc_port",
         {"a port a campaign is known to listen on or forward", "已知挖矿团伙监听或转发的端口"}},
	{"hidden_task",
         {"is hidden from the Task Scheduler (no security descriptor, no task file, or Hidden)",
          "在任务计划程序中被隐藏(安全描述符被删、无任务文件或设为隐藏)"}},
	{"unexpected_entry",
         {"an entry Windows does not have by default", "Windows默认不存在的条目"}},
};

static const char *reason_label(const char *code, mt_lang l)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(reason_text); i++)
		if (strcmp(reason_text[i].code, code) == 0)
			return reason_text[i].text[l];
	return code;
}

void mt_verdict_explain(mt_finding *f, const mt_cmd_verdict *v)
{
	mt_buf b;
	char codes[256] = "";
	size_t cl = 0;
	if (!f || f->err)
		return;
	for (int l = 0; l < MT_LANG_COUNT; l++) {
		mt_buf_init(&b, MT_MAX_TEXT - 1);
		if (f->explain[l] && f->explain[l][0]) {
			mt_buf_adds(&b, f->explain[l]);
			mt_buf_adds(&b, l == MT_LANG_ZH ? "：" : ": ");
		}
		for (unsigned i = 0; i < v->nreasons; i++) {
			if (i)
				mt_buf_adds(&b, l == MT_LANG_ZH ? "；" : "; ");
			mt_buf_adds(&b, reason_label(v->reasons[i].code, (mt_lang)l));
			if (strcmp(v->reasons[i].code, "download_exec") &&
			    strcmp(v->reasons[i].code, "download") &&
			    strcmp(v->reasons[i].code, "base64_exec")) {
				mt_buf_adds(&b, " (");
				size_t dl = strlen(v->reasons[i].detail);
				mt_buf_add(&b, v->reasons[i].detail, dl > 120 ? 120 : dl);
				mt_buf_adds(&b, ")");
			}
		}
		if (b.data) {
			free(f->explain[l]);
			f->explain[l] = mt_strdup(b.data);
		}
		mt_buf_free(&b);
	}
	for (unsigned i = 0; i < v->nreasons; i++) {
		int dup = 0;
		for (unsigned j = 0; j < i; j++)
			dup |= strcmp(v->reasons[j].code, v->reasons[i].code) == 0;
		int w = dup ? 0
		            : snprintf(codes + cl, sizeof(codes) - cl, "%s%s", cl ? "," : "",
		                       v->reasons[i].code);
		if (w > 0 && (size_t)w < sizeof(codes) - cl)
			cl += (size_t)w;
		if (v->reasons[i].rule)
			mt_finding_rule(f, v->reasons[i].rule);
	}
	mt_finding_str(f, "reasons", codes, 0);
}

/* Whether f has a quarantine_file action for path already. */
static int quarantines(const mt_finding *f, const char *path)
{
	for (size_t i = 0; i < f->nact; i++) {
		if (strcmp(f->act[i].type, "quarantine_file") != 0)
			continue;
		for (size_t k = 0; k < f->act[i].nparams; k++) {
			const mt_kv *kv = &f->act[i].params[k];
			if (strcmp(kv->key, "path") == 0 && kv->sval && strcmp(kv->sval, path) == 0)
				return 1;
		}
	}
	return 0;
}

void mt_finding_quarantine(mt_finding *f, const char *path)
{
	if (quarantines(f, path))
		return;
	mt_action *a = mt_finding_action(f, "quarantine_file");
	mt_action_str(f, a, "path", path);
}

void mt_verdict_remedies(mt_finding *f, const mt_cmd_verdict *v, const char *self_path)
{
	for (unsigned i = 0; i < v->nreasons; i++) {
		const char *code = v->reasons[i].code;
		const char *d = v->reasons[i].detail;
		if ((strcmp(code, "tmp_exec") == 0 || strcmp(code, "hidden_exec") == 0 ||
		     strcmp(code, "miner_name") == 0 || strcmp(code, "drop_exec") == 0 ||
		     strcmp(code, "miner_file") == 0) &&
		    d[0] == '/') {
			if (!self_path || strcmp(d, self_path) != 0)
				mt_finding_quarantine(f, d);
		} else if (strcmp(code, "ioc_ip") == 0 && v->reasons[i].rule) {
			char ip[64];
			mt_rule_ip(v->reasons[i].rule, ip, sizeof(ip));
			mt_action *a = mt_finding_action(f, "block_ip");
			mt_action_str(f, a, "ip", ip);
		}
	}
}

/* The files a command line names by absolute path, judged by content: a file whose
 * SHA-256 is a rule's or whose code is a miner's (mt_miner_identify) makes the line
 * critical, whatever it is called and wherever it lies. At most 8 paths, files up to
 * 64 MiB, read inside the root. */
void mt_judge_targets(mt_ctx *ctx, const char *cmd, size_t n, mt_cmd_verdict *v)
{
	unsigned seen = 0;
	for (size_t i = 0; i < n && seen < 8;) {
		while (i < n && (isspace((unsigned char)cmd[i]) || strchr(";|&()`'\"<>=", cmd[i])))
			i++;
		size_t j = i;
		while (j < n && !isspace((unsigned char)cmd[j]) && !strchr(";|&()`'\"<>", cmd[j]))
			j++;
		if (j > i + 1 && cmd[i] == '/' && j - i < MT_MAX_PATH) {
			char path[MT_MAX_PATH];
			memcpy(path, cmd + i, j - i);
			path[j - i] = '\0';
			seen++;
			struct stat st;
			if (mt_host_stat(ctx->host, path, 1, &st) == MT_OK && S_ISREG(st.st_mode) &&
			    st.st_size > 0 && st.st_size <= 64 * 1024 * 1024) {
				char *data;
				size_t len;
				int trunc;
				if (mt_host_read_file(ctx->host, path, 64u * 1024 * 1024, &data,
				                      &len, &trunc) == MT_OK) {
					char hex[65];
					mt_sha256_hex(data, len, hex);
					const mt_rule *x =
						mt_rules_find(ctx->rules, MT_RK_SHA256, hex);
					mt_miner_id id;
					if (!x)
						mt_miner_identify(data, len, &id);
					if (x || id.what != MT_ID_NONE)
						mt__verdict_add(v, "miner_file", MT_SEV_CRITICAL, x,
						                path, strlen(path));
					free(data);
				}
			}
		}
		i = j;
	}
}
