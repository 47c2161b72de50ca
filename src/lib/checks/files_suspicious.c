/* files_suspicious.c - files.suspicious: programs and scripts in temporary and hidden
 * directories, files of known miner hashes, binaries with miner strings, miner
 * configuration files, browser miners in web roots, and programs of the system bin
 * directories that no package installed (when the root has a package database) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <unistd.h>

#include "../collect/facts.h"
#include "../collect/filescan.h"
#include "../collect/walk.h"
#include "../collect/win/pe.h"
#include "acct_common.h"
#include "checks.h"

/* Where a walk starts, and so how its files are judged. */
typedef enum { LOC_TEMP, LOC_HOME, LOC_WEB, LOC_SYSBIN } loc_kind;

typedef enum { KIND_DATA, KIND_ELF, KIND_SCRIPT, KIND_PE } file_kind;

/* Reasons a file is reported; bit numbers index reason_text. */
enum {
	R_TMP,
	R_HIDDEN,
	R_DECEPTIVE,
	R_CAMPAIGN_DIR,
	R_SOCKET_DIR,
	R_HASH,
	R_STRINGS,
	R_MINER_NAME,
	R_IOC_PATH,
	R_CONFIG,
	R_WEB,
	R_UNOWNED,
	R_WORKTREE,
	R_COUNT
};

static const struct {
	const char *code;
	const char *text[MT_LANG_COUNT];
} reason_text[R_COUNT] = {
	{"tmp_dir", {"lies in a temporary directory", "位于临时目录"}},
	{"hidden_dir", {"lies in a hidden place", "位于隐藏位置"}},
	{"deceptive_name",
         {"lies under a directory named to deceive (dots and blanks)",
          "所在目录名称具有欺骗性(由点和空格组成)"}},
	{"campaign_dir",
         {"lies under a directory name used by mining campaigns", "所在目录名称是挖矿团伙常用的"}},
	{"x11_socket_dir",
         {"lies in an X11/ICE socket directory, which holds only sockets",
          "位于只应存放套接字的X11/ICE目录中"}},
	{"known_hash", {"its hash is a known miner's", "文件哈希与已知挖矿程序一致"}},
	{"miner_strings", {"holds the strings of miner code", "包含挖矿程序特征字符串"}},
	{"miner_name", {"has the name of a known miner", "文件名是已知挖矿程序名称"}},
	{"ioc_path", {"is a known campaign artifact path", "是已知挖矿团伙的文件路径"}},
	{"miner_config",
         {"is a miner configuration (pools, wallet, donate-level)",
          "是挖矿配置文件(矿池、钱包、donate-level)"}},
	{"browser_miner", {"loads a browser miner", "加载了浏览器挖矿脚本"}},
	{"not_packaged",
         {"lies in a system program directory but no package installed it",
          "位于系统程序目录，但不属于任何软件包"}},
	{"in_worktree",
         {"lies in a source, build or environment tree of a login user (a .git, virtualenv, "
          "node_modules or build directory above it): at most low unless its content is a "
          "miner's",
          "位于登录用户的源码、构建或环境目录树中(上层有.git、virtualenv、node_modules或构建目录)："
          "除非内容即挖矿程序，最多为低危"}},
};

/* Directory names of mining campaigns (Outlaw's /tmp/.X25-unix/.rsync, ~/.configrc). */
static const char *const campaign_dirs[] = {".X25-unix", ".configrc", ".configrc5", ".rsync"};
/* Directories that hold only sockets and lock files. */
static const char *const socket_dirs[] = {".X11-unix", ".ICE-unix", ".font-unix", ".XIM-unix",
                                          ".Test-unix"};
/* Hidden directories of a home whose direct children are odd places for a program. */
static const char *const home_odd_dirs[] = {".cache", ".config", ".ssh", ".local", ".gnupg"};
/* Hidden directories of a home where tools keep programs of their own. */
static const char *const home_tool_dirs[] = {
	".local",         ".cargo",  ".rustup",      ".npm",     ".nvm",   ".pyenv",
	".vscode-server", ".vscode", ".m2",          ".gradle",  ".conda", ".dotnet",
	".bun",           ".deno",   ".sdkman",      ".wine",    ".steam", ".var",
	".docker",        ".kube",   ".terraform.d", ".ansible", ".go",    ".mozilla"};

#define CHUNK      (64u * 1024)
#define SMALL_FILE (256u * 1024) /* other files hashed up to this size */

typedef struct fs_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_err err;
	loc_kind loc;
	const char *start;
	size_t start_len;
	mt_pkgdb *db; /* LOC_SYSBIN: packaged files are left alone */
	struct wt_memo {
		char dir[MT_MAX_PATH];
		char top[MT_MAX_PATH]; /* the tree's top, "" when dir is in none */
	} * wt;                        /* work-tree answers of recent directories (WT_MEMO) */
	unsigned wt_next;
} fs_state;

#define WT_MEMO 16

typedef struct fileinfo {
	file_kind kind;
	int hashed;
	char sha256[65];
	char md5[33];
	mt_strscan ss;
	int strings; /* ss is valid */
	char *text;  /* first bytes for scripts, configurations and pages; owned */
	size_t text_len;
	int text_whole; /* text holds the whole file */
	struct stat st;
} fileinfo;

static int in_list(const char *name, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], name, n) == 0)
			return 1;
	return 0;
}

static int has_suffix(const char *name, const char *suf)
{
	size_t n = strlen(name), m = strlen(suf);
	return n > m && strcasecmp(name + n - m, suf) == 0;
}

static int web_file(const char *name, int *is_js)
{
	static const char *const ext[] = {".html", ".htm", ".php", ".jsp", ".js"};
	for (size_t i = 0; i < MT_ARRAY_LEN(ext); i++)
		if (has_suffix(name, ext[i])) {
			*is_js = i == MT_ARRAY_LEN(ext) - 1;
			return 1;
		}
	return 0;
}

/* ".", "..." and ". " style names: only dots and blanks, or a dot then a blank, or a
 * blank at the end, or a control character. ".." itself never reaches here. */
static int deceptive_name(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	int only = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return 1;
		if (c != '.' && c != ' ' && c != '\t')
			only = 0;
	}
	if (only && !(n == 1 && s[0] == '.'))
		return 1;
	return (n >= 2 && s[0] == '.' && s[1] == ' ') || s[n - 1] == ' ';
}

typedef struct placement {
	unsigned reasons; /* R_HIDDEN, R_DECEPTIVE, R_CAMPAIGN_DIR, R_SOCKET_DIR bits */
	int home_odd;     /* home: a hidden program at the top or in .cache, .config... */
	int home_unknown; /* home: directly in a hidden directory of no known tool */
} placement;

/* Looks at the directories between the start of the walk and the file. */
static void place(const fs_state *s, const mt_walk_entry *e, placement *p)
{
	memset(p, 0, sizeof(*p));
	const char *rel = e->path + s->start_len;
	while (*rel == '/')
		rel++;
	unsigned ncomp = 0;
	const char *first = rel;
	size_t first_len = 0;
	while (*rel) {
		const char *slash = strchr(rel, '/');
		size_t n = slash ? (size_t)(slash - rel) : strlen(rel);
		int last = slash == NULL;
		if (ncomp == 0) {
			first = rel;
			first_len = n;
		}
		if (rel[0] == '.')
			p->reasons |= 1u << R_HIDDEN;
		if (deceptive_name(rel, n))
			p->reasons |= 1u << R_DECEPTIVE;
		if (!last && in_list(rel, n, campaign_dirs, MT_ARRAY_LEN(campaign_dirs)))
			p->reasons |= 1u << R_CAMPAIGN_DIR;
		if (!last && in_list(rel, n, socket_dirs, MT_ARRAY_LEN(socket_dirs)))
			p->reasons |= 1u << R_SOCKET_DIR;
		ncomp++;
		if (last)
			break;
		rel = slash + 1;
	}
	if (s->loc != LOC_HOME || first_len == 0 || first[0] != '.')
		return;
	if (ncomp == 1)
		p->home_odd = 1; /* ~/.name itself */
	else if (ncomp == 2 &&
	         in_list(first, first_len, home_odd_dirs, MT_ARRAY_LEN(home_odd_dirs)))
		p->home_odd = 1; /* ~/.cache/name */
	else if (ncomp == 2 &&
	         !in_list(first, first_len, home_tool_dirs, MT_ARRAY_LEN(home_tool_dirs)))
		p->home_unknown = 1; /* ~/.unknown/name */
}

static file_kind kind_of(const unsigned char *p, size_t n)
{
	if (n >= 4 && memcmp(p,
	                     "\x7f"
	                     "ELF",
	                     4) == 0) {
		/* a relocatable object (a compiler's .o) cannot run: not a program */
		if (n >= 18) {
			unsigned type = p[5] == 2 ? (unsigned)(p[16] << 8 | p[17])
			                          : (unsigned)(p[17] << 8 | p[16]);
			if (type == 1)
				return KIND_DATA;
		}
		return KIND_ELF;
	}
	if (n >= 2 && p[0] == '#' && p[1] == '!')
		return KIND_SCRIPT;
	if (n >= 2 && p[0] == 'M' && p[1] == 'Z')
		return KIND_PE;
	return KIND_DATA;
}

/* Reads the file once: its kind, hashes (programs up to hash_cap, other files when
 * small), miner strings of ELF files, and up to text_cap bytes of text. */
static mt_err analyse(fs_state *s, const mt_walk_entry *e, uint64_t hash_cap, size_t text_cap,
                      fileinfo *fi)
{
	int fd;
	memset(fi, 0, sizeof(*fi));
	mt_err err = mt_host_open_file(s->ctx->host, e->path, &fd, &fi->st);
	if (err != MT_OK)
		return err;
	if (fi->st.st_dev != e->st->st_dev || fi->st.st_ino != e->st->st_ino) {
		close(fd);
		return MT_ERR_CHANGED;
	}
	unsigned char *buf = malloc(CHUNK);
	if (!buf) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	mt_sha256 sh;
	mt_md5 md;
	mt_buf text;
	mt_buf_init(&text, text_cap);
	mt_sha256_init(&sh);
	mt_md5_init(&md);
	uint64_t total = 0;
	uint64_t size = (uint64_t)fi->st.st_size;
	int do_hash = 0, keep_text = 0, text_full = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0) {
			err = mt_errno_to_err(errno);
			break;
		}
		if (n == 0)
			break;
		if (total == 0) {
			fi->kind = kind_of(buf, (size_t)n);
			do_hash = (fi->kind != KIND_DATA && size <= hash_cap) || size <= SMALL_FILE;
			fi->strings = fi->kind == KIND_ELF && size <= hash_cap;
			keep_text = text_cap && fi->kind != KIND_ELF && fi->kind != KIND_PE &&
			            !memchr(buf, '\0', (size_t)n);
		}
		total += (uint64_t)n;
		if (do_hash) {
			mt_sha256_update(&sh, buf, (size_t)n);
			mt_md5_update(&md, buf, (size_t)n);
		}
		if (fi->strings)
			mt_strscan_feed(&fi->ss, buf, (size_t)n);
		if (keep_text && !text_full) {
			size_t room = text_cap - text.len;
			if ((size_t)n > room)
				text_full = 1;
			if (mt_buf_add(&text, buf, (size_t)n > room ? room : (size_t)n) ==
			    MT_ERR_NOMEM) {
				err = MT_ERR_NOMEM;
				break;
			}
		}
		if (!do_hash && !fi->strings && (!keep_text || text_full))
			break;
		if (total > hash_cap && do_hash) {
			do_hash = 0; /* grew while read */
			fi->strings = 0;
		}
	}
	close(fd);
	free(buf);
	if (err == MT_OK && do_hash) {
		uint8_t d[32], m5[16];
		mt_sha256_final(&sh, d);
		mt_md5_final(&md, m5);
		mt_hex(d, 32, fi->sha256);
		mt_hex(m5, 16, fi->md5);
		fi->hashed = 1;
	}
	if (err == MT_OK && keep_text) {
		fi->text_whole = !text_full && total == text.len;
		fi->text = mt_buf_take(&text, &fi->text_len);
		if (!fi->text && err == MT_OK)
			fi->text_len = 0;
	}
	mt_buf_free(&text);
	return err;
}

/* SHA-256 of a file read again (for files analyse did not hash, when reported). */
static void hash_again(fs_state *s, const char *path, uint64_t cap, fileinfo *fi)
{
	char *data = NULL;
	size_t len;
	int trunc;
	if (fi->hashed || (uint64_t)fi->st.st_size > cap)
		return;
	if (mt_host_read_file(s->ctx->host, path, (size_t)cap, &data, &len, &trunc) != MT_OK)
		return;
	if (!trunc) {
		mt_sha256_hex(data, len, fi->sha256);
		fi->hashed = 1;
	}
	free(data);
}

static int shell_interpreter(const char *t, size_t n)
{
	static const char *const shells[] = {"sh", "bash", "dash", "ash", "ksh", "zsh", "busybox"};
	const char *nl = memchr(t, '\n', n);
	size_t ln = nl ? (size_t)(nl - t) : n;
	char first[256];
	snprintf(first, sizeof(first), "%.*s", (int)(ln < 255 ? ln : 255), t);
	/* "#!/bin/sh", "#! /usr/bin/env bash -e" */
	char *p = first + 2;
	while (*p == ' ')
		p++;
	char *end = p + strcspn(p, " \t\r");
	char save = *end;
	*end = '\0';
	const char *b = mt_basename(p);
	if (strcmp(b, "env") == 0 && save) {
		p = end + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, " \t\r")] = '\0';
		b = p;
	}
	for (size_t i = 0; i < MT_ARRAY_LEN(shells); i++)
		if (strcmp(b, shells[i]) == 0)
			return 1;
	return 0;
}

/* The worst line of a shell script by the command judge. */
static void judge_script(const mt_rules *rules, const char *t, size_t n, mt_cmd_verdict *worst,
                         unsigned *wline, size_t *woff, size_t *wlen)
{
	memset(worst, 0, sizeof(*worst));
	worst->severity = MT_SEV_INFO;
	*wline = 0;
	size_t off = 0;
	unsigned lineno = 0;
	while (off < n) {
		const char *nl = memchr(t + off, '\n', n - off);
		size_t len = nl ? (size_t)(nl - (t + off)) : n - off;
		lineno++;
		size_t k = 0;
		while (k < len && (t[off + k] == ' ' || t[off + k] == '\t'))
			k++;
		if (k < len && t[off + k] != '#' && len <= MT_MAX_LINE) {
			mt_cmd_verdict v;
			mt_judge_command(rules, t + off, len, &v);
			if (v.nreasons && (worst->nreasons == 0 || v.severity > worst->severity)) {
				*worst = v;
				*wline = lineno;
				*woff = off;
				*wlen = len;
			}
		}
		off += len + 1;
	}
}

static mt_severity rule_sev(const mt_rule *r, mt_severity dflt)
{
	return r && r->has_sev ? r->sev : dflt;
}

typedef struct verdict {
	unsigned reasons;
	mt_severity sev;
	unsigned conf;
	const mt_rule *rules[4];
	size_t nrules;
	mt_cmd_verdict script; /* script lines judged */
	unsigned script_line;
	size_t script_off, script_len;
	mt_minercfg cfg;
	char cfg_codes[96];
	size_t web_offs[4]; /* browser miner: where in the page */
	size_t nweb;
	char web_what[300];
} verdict;

static void add_rule(verdict *v, const mt_rule *r)
{
	if (r && v->nrules < MT_ARRAY_LEN(v->rules))
		v->rules[v->nrules++] = r;
}

static void v_raise(verdict *v, mt_severity sev, unsigned conf)
{
	if (sev > v->sev || v->conf == 0)
		v->sev = sev > v->sev ? sev : v->sev;
	if (conf > v->conf)
		v->conf = conf;
}

static int miner_rule_hit(void *ctx, const mt_rule *r)
{
	add_rule(ctx, r);
	((verdict *)ctx)->reasons |= 1u << R_IOC_PATH;
	v_raise(ctx, rule_sev(r, MT_SEV_HIGH), 80);
	return 1;
}

typedef struct web_ctx {
	const mt_rules *rules;
	verdict *v;
} web_ctx;

static int on_web(void *p, const mt_webhit *h)
{
	web_ctx *w = p;
	if (strcmp(h->what, "script_src") == 0) {
		const mt_rule *r =
			mt_rules_find_domain(w->rules, MT_RK_BROWSER_DOMAIN, h->host, h->host_len);
		if (!r)
			return 0;
		add_rule(w->v, r);
	}
	verdict *v = w->v;
	size_t used = strlen(v->web_what);
	if (strcmp(h->what, "script_src") == 0)
		snprintf(v->web_what + used, sizeof(v->web_what) - used, "%sscript src %.*s",
		         used ? ", " : "", (int)(h->host_len < 200 ? h->host_len : 200), h->host);
	else
		snprintf(v->web_what + used, sizeof(v->web_what) - used, "%s%s", used ? ", " : "",
		         h->what);
	v->web_offs[v->nweb++] = h->offset;
	v->reasons |= 1u << R_WEB;
	v_raise(v, MT_SEV_HIGH, 85);
	return v->nweb == MT_ARRAY_LEN(v->web_offs);
}

/* The pool rule of a configuration's "url" ("stratum+tcp://host:port", "host:port"). */
static const mt_rule *pool_rule(const mt_rules *rules, const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, ":/?#");
	if (p[0] == '[') { /* [ipv6]:port */
		p++;
		n = strcspn(p, "]");
	}
	if (!n)
		return NULL;
	const mt_rule *r = mt_rules_find_domain(rules, MT_RK_POOL_DOMAIN, p, n);
	return r ? r : mt_rules_find_ip(rules, MT_RK_POOL_IP, p, n);
}

static const char *title_of(const verdict *v, file_kind k, mt_lang l)
{
	int en = l == MT_LANG_EN;
	if (v->reasons & (1u << R_HASH))
		return en ? "Known miner file" : "已知挖矿程序文件";
	if (v->reasons & (1u << R_STRINGS))
		return en ? "Miner program" : "挖矿程序";
	if (v->reasons & (1u << R_CONFIG))
		return en ? "Miner configuration file" : "挖矿配置文件";
	if (v->reasons & (1u << R_WEB))
		return en ? "Browser miner in a web page" : "网页中的浏览器挖矿脚本";
	if (v->reasons & (1u << R_MINER_NAME))
		return en ? "File named like a miner" : "以挖矿程序命名的文件";
	if (k == KIND_SCRIPT)
		return (v->reasons & (1u << R_TMP))
		               ? (en ? "Script in a temporary directory" : "临时目录中的脚本")
		               : (en ? "Script in a hidden directory" : "隐藏目录中的脚本");
	return (v->reasons & (1u << R_TMP))
	               ? (en ? "Program in a temporary directory" : "临时目录中的可执行程序")
	               : (en ? "Program in a hidden place" : "隐藏位置中的可执行程序");
}

static const char *kind_name(file_kind k, const verdict *v)
{
	if (v->reasons & (1u << R_CONFIG))
		return "config";
	if (v->reasons & (1u << R_WEB))
		return "web";
	switch (k) {
	case KIND_ELF:
		return "elf";
	case KIND_SCRIPT:
		return "script";
	case KIND_PE:
		return "pe";
	case KIND_DATA:
		break;
	}
	return "data";
}

static void report(fs_state *s, const mt_walk_entry *e, fileinfo *fi, verdict *v)
{
	mt_finding *f = mt_finding_new(s->self, v->sev, v->conf);
	char codes[384] = "";
	size_t cl = 0;
	for (int l = 0; l < MT_LANG_COUNT; l++) {
		mt_buf b;
		mt_buf_init(&b, MT_MAX_TEXT - 1);
		mt_buf_adds(&b, l == MT_LANG_EN ? "The file " : "该文件");
		int first = 1;
		for (unsigned r = 0; r < R_COUNT; r++) {
			if (!(v->reasons & (1u << r)))
				continue;
			if (!first)
				mt_buf_adds(&b, l == MT_LANG_EN ? "; " : "；");
			first = 0;
			mt_buf_adds(&b, reason_text[r].text[l]);
			if (r == R_STRINGS) {
				char names[160];
				mt_strscan_names(&fi->ss, names, sizeof(names));
				mt_buf_printf(&b, " (%s)", names);
			} else if (r == R_CONFIG) {
				mt_buf_printf(&b, " (%s)", v->cfg_codes);
			} else if (r == R_WEB) {
				mt_buf_printf(&b, " (%s)", v->web_what);
			}
		}
		if (v->script.nreasons)
			mt_buf_printf(&b, l == MT_LANG_EN ? "; its line %u" : "；其第%u行",
			              v->script_line);
		else
			mt_buf_adds(&b, l == MT_LANG_EN ? "." : "。");
		mt_finding_text(f, (mt_lang)l, title_of(v, fi->kind, (mt_lang)l), "%s",
		                b.data ? b.data : "");
		mt_buf_free(&b);
	}
	for (unsigned r = 0; r < R_COUNT; r++)
		if (v->reasons & (1u << r)) {
			int w = snprintf(codes + cl, sizeof(codes) - cl, "%s%s", cl ? "," : "",
			                 reason_text[r].code);
			if (w > 0 && (size_t)w < sizeof(codes) - cl)
				cl += (size_t)w;
		}
	if (v->script.nreasons) {
		mt_verdict_explain(f, &v->script); /* sets "reasons" to the line's codes */
		char lc[256];
		const char *old = mt_finding_evidence(f, "reasons", lc, sizeof(lc));
		if (old && *old && cl + 1 < sizeof(codes))
			snprintf(codes + cl, sizeof(codes) - cl, ",%s", old);
		mt_finding_int(f, "lineno", v->script_line, 0);
		mt_finding_strn(f, "line", fi->text + v->script_off, v->script_len, 0);
	}
	mt_finding_str(f, "path", e->path, 1);
	mt_finding_str(f, "kind", kind_name(fi->kind, v), 0);
	mt_finding_str(f, "reasons", codes, 0);
	if (fi->hashed) {
		mt_finding_str(f, "sha256", fi->sha256, 1);
		if (fi->md5[0])
			mt_finding_str(f, "md5", fi->md5, 0);
	}
	mt_finding_int(f, "size", (long long)fi->st.st_size, 0);
	mt_finding_int(f, "mtime", (long long)fi->st.st_mtime, 0);
	mt_finding_int(f, "ctime", (long long)fi->st.st_ctime, 0);
	mt_finding_int(f, "uid", (long long)fi->st.st_uid, 0);
	const mt_user *u = mt_users_by_uid(mt_ctx_users(s->ctx), (unsigned)fi->st.st_uid);
	if (u)
		mt_finding_str(f, "user", u->name, 0);
	if (v->reasons & (1u << R_STRINGS)) {
		char names[160];
		mt_strscan_names(&fi->ss, names, sizeof(names));
		mt_finding_str(f, "strings", names, 0);
	}
	if (v->reasons & (1u << R_CONFIG)) {
		if (v->cfg.first_url[0])
			mt_finding_str(f, "pool", v->cfg.first_url, 0);
		if (v->cfg.first_wallet[0])
			mt_finding_str(f, "wallet", v->cfg.first_wallet, 0);
	}
	for (size_t i = 0; i < v->nrules; i++)
		mt_finding_rule(f, v->rules[i]);

	/* remedy: a page loses the miner's line; every other file is quarantined */
	int is_js = 0;
	int page = (v->reasons & (1u << R_WEB)) && fi->text && web_file(e->name, &is_js) && !is_js;
	if (page) {
		/* one remove_line for each line that holds a hit, in file order */
		size_t starts[MT_ARRAY_LEN(v->web_offs)];
		size_t ns = 0;
		for (size_t k = 0; k < v->nweb; k++) {
			size_t a = v->web_offs[k] < fi->text_len ? v->web_offs[k] : fi->text_len;
			while (a > 0 && fi->text[a - 1] != '\n')
				a--;
			size_t j = 0;
			while (j < ns && starts[j] != a)
				j++;
			if (j < ns)
				continue;
			j = ns++;
			while (j > 0 && starts[j - 1] > a) {
				starts[j] = starts[j - 1];
				j--;
			}
			starts[j] = a;
		}
		for (size_t k = 0; k < ns; k++) {
			size_t a = starts[k], b = a;
			while (b < fi->text_len && fi->text[b] != '\n')
				b++;
			unsigned lineno = 1;
			for (size_t i = 0; i < a; i++)
				lineno += fi->text[i] == '\n';
			char lh[65];
			mt_sha256_hex(fi->text + a, b - a, lh);
			if (k == 0) {
				mt_finding_int(f, "lineno", lineno, 0);
				mt_finding_strn(f, "line", fi->text + a, b - a, 0);
			}
			mt_action *act = mt_finding_action(f, "remove_line");
			mt_action_str(f, act, "path", e->path);
			mt_action_int(f, act, "lineno", lineno);
			mt_action_str(f, act, "line_sha256", lh);
		}
	} else {
		mt_action *act = mt_finding_action(f, "quarantine_file");
		mt_action_str(f, act, "path", e->path);
		if (fi->hashed)
			mt_action_str(f, act, "sha256", fi->sha256);
	}
	/* what a script's worst line runs from temporary or hidden places, and its hosts */
	mt_verdict_remedies(f, &v->script, e->path);
	if (!fi->hashed)
		mt_report_diag(s->ctx->report, "%s: %s not hashed (larger than the limit)",
		               s->self->id, e->path);
	mt_err err = mt_report_add(s->ctx->report, f);
	if (err == MT_ERR_NOMEM)
		s->err = err;
}

static int config_name(const char *name)
{
	return has_suffix(name, ".json") || has_suffix(name, ".conf") || has_suffix(name, ".cfg") ||
	       has_suffix(name, ".txt");
}

/* Directories of a home not entered: git objects, and what lies more than two levels
 * down in the trees of toolchains and caches (~/.rustup, ~/.pyenv hold 100,000 files);
 * their first two levels are still looked at (~/.local/bin/x, ~/.cache/x). */
static int shallow_only(const fs_state *s, const mt_walk_entry *e)
{
	if (strcmp(e->name, ".git") == 0)
		return 1;
	if (e->depth < 2)
		return 0;
	const char *rel = e->path + s->start_len;
	while (*rel == '/')
		rel++;
	size_t n = strcspn(rel, "/");
	return rel[0] == '.' && (in_list(rel, n, home_tool_dirs, MT_ARRAY_LEN(home_tool_dirs)) ||
	                         (n == 6 && memcmp(rel, ".cache", 6) == 0));
}

/* Entries that make a directory the top of a tree of sources, builds or environments. */
static const char *const worktree_marks[] = {
	".git",           ".hg",           ".svn", "pyvenv.cfg",
	"CMakeCache.txt", "config.status", ".tox", "build.ninja"};
/* Directory names that are such trees themselves. */
static const char *const worktree_dirs[] = {"node_modules", "site-packages", "__pycache__",
                                            "vendor",       ".venv",         "venv"};

/* The top of the work tree dir lies in, below the walk's start, into top ("" for none):
 * the nearest directory holding a version-control directory, a virtualenv, a build
 * configuration, or named like a package tree. Answers are cached per directory. */
static void worktree_of(fs_state *s, const char *dir, char *top, size_t n)
{
	for (unsigned i = 0; s->wt && i < WT_MEMO; i++)
		if (strcmp(s->wt[i].dir, dir) == 0) {
			snprintf(top, n, "%s", s->wt[i].top);
			return;
		}
	char d[MT_MAX_PATH];
	snprintf(d, sizeof(d), "%s", dir);
	top[0] = '\0';
	while (strlen(d) > s->start_len && !top[0]) {
		const char *base = mt_basename(d);
		for (size_t i = 0; i < MT_ARRAY_LEN(worktree_dirs) && !top[0]; i++)
			if (strcmp(base, worktree_dirs[i]) == 0)
				snprintf(top, n, "%s", d);
		for (size_t i = 0; i < MT_ARRAY_LEN(worktree_marks) && !top[0]; i++) {
			char p[MT_MAX_PATH + 32];
			struct stat st;
			snprintf(p, sizeof(p), "%s/%s", d, worktree_marks[i]);
			if (mt_host_stat(s->ctx->host, p, 0, &st) != MT_OK)
				continue;
			/* a .git is a repository (HEAD in it) or a worktree's "gitdir:" file, not
			 * an empty directory made to look like one */
			if (i == 0 && S_ISDIR(st.st_mode)) {
				snprintf(p, sizeof(p), "%s/.git/HEAD", d);
				if (mt_host_stat(s->ctx->host, p, 0, &st) != MT_OK ||
				    !S_ISREG(st.st_mode))
					continue;
			}
			snprintf(top, n, "%s", d);
		}
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = '\0';
	}
	if (!s->wt && !(s->wt = calloc(WT_MEMO, sizeof(*s->wt))))
		return; /* no memo: asked again next time */
	unsigned k = s->wt_next++ % WT_MEMO;
	snprintf(s->wt[k].dir, sizeof(s->wt[k].dir), "%s", dir);
	snprintf(s->wt[k].top, sizeof(s->wt[k].top), "%s", top);
}

/* A file of a login user's work tree (a checkout with its test scripts and fixtures, a
 * virtualenv, node_modules, a build directory) is at most low: where it lies says
 * nothing there. What its content is (a known hash, a miner's code) still counts. */
static void worktree_cap(fs_state *s, const mt_walk_entry *e, verdict *v)
{
	if (v->sev <= MT_SEV_LOW || (v->reasons & ((1u << R_HASH) | (1u << R_STRINGS))))
		return;
	char dir[MT_MAX_PATH], top[MT_MAX_PATH];
	snprintf(dir, sizeof(dir), "%s", e->path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	worktree_of(s, dir, top, sizeof(top));
	if (!top[0])
		return;
	/* a tree put in a hidden or deceptive place is no excuse (/tmp/.x/repo/.git) */
	for (const char *c = top + s->start_len; *c; c++)
		if (*c == '/' && (c[1] == '.' || c[1] == ' '))
			return;
	/* nor for a file changed inside the window the responder gave */
	const mt_scan_opts *o = s->ctx->opts;
	if (o && (o->since != MT_TIME_NONE || o->until != MT_TIME_NONE)) {
		int64_t t = (int64_t)e->st->st_ctime > (int64_t)e->st->st_mtime
		                    ? (int64_t)e->st->st_ctime
		                    : (int64_t)e->st->st_mtime;
		if ((o->since == MT_TIME_NONE || t >= o->since) &&
		    (o->until == MT_TIME_NONE || t <= o->until))
			return;
	}
	const mt_user *u = mt_users_by_uid(mt_ctx_users(s->ctx), (unsigned)e->st->st_uid);
	if (e->st->st_uid != 0 && !(u && acct_login_shell(u->shell)))
		return; /* a tree of a service account or of nobody known: no excuse */
	v->reasons |= 1u << R_WORKTREE;
	v->sev = MT_SEV_LOW;
	if (v->conf > 40)
		v->conf = 40;
}

/* A file with minetrace's marker that is no minetrace: a known hash, or RandomX's
 * constants (which minetrace's binary does not hold: pe.c keeps them inverted). */
static int forged_self(fs_state *s, const char *path, const fileinfo *fi)
{
	if (fi->hashed && (mt_rules_find(s->ctx->rules, MT_RK_SHA256, fi->sha256) ||
	                   mt_rules_find(s->ctx->rules, MT_RK_MD5, fi->md5)))
		return 1;
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(s->ctx->host, path, 64u * 1024 * 1024, &data, &len, &trunc) != MT_OK)
		return 0;
	mt_miner_id id;
	mt_miner_identify(data, len, &id);
	free(data);
	return id.what != MT_ID_NONE;
}

static int on_file(void *p, const mt_walk_entry *e)
{
	fs_state *s = p;
	if (s->err != MT_OK)
		return MT_WALK_STOP;
	if (S_ISDIR(e->st->st_mode))
		return s->loc == LOC_HOME && shallow_only(s, e) ? MT_WALK_SKIP : MT_WALK_CONTINUE;
	if (!S_ISREG(e->st->st_mode))
		return MT_WALK_CONTINUE;

	placement pl;
	place(s, e, &pl);
	int exec = (e->st->st_mode & 0111) != 0;
	int odd_dir = (pl.reasons &
	               ((1u << R_DECEPTIVE) | (1u << R_CAMPAIGN_DIR) | (1u << R_SOCKET_DIR))) != 0;
	int odd = odd_dir || pl.home_odd;
	char low[256];
	snprintf(low, sizeof(low), "%s", e->name);
	for (char *c = low; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	const mt_rule *name_rule = mt_rules_find(s->ctx->rules, MT_RK_MINER_NAME, low);
	int is_js = 0;
	int web = s->loc == LOC_WEB && web_file(e->name, &is_js) &&
	          (uint64_t)e->st->st_size <= MT_MAX_WEB_READ * 4ull;

	/* which files are worth opening */
	int open_it;
	if (s->loc == LOC_TEMP)
		open_it = 1;
	else if (s->loc == LOC_HOME)
		open_it = exec || odd || pl.home_unknown || name_rule ||
		          (config_name(e->name) && e->st->st_size <= MT_MAX_SCRIPT_READ);
	else if (s->loc == LOC_SYSBIN)
		open_it = (exec || name_rule) && !mt_pkgdb_owner(s->db, e->path);
	else
		open_it = web || exec || name_rule;
	if (!open_it)
		return MT_WALK_CONTINUE;

	fileinfo fi;
	uint64_t hash_cap = s->loc == LOC_TEMP ? MT_MAX_HASH_READ : MT_MAX_HOME_HASH;
	mt_err err = analyse(s, e, hash_cap, web ? MT_MAX_WEB_READ : MT_MAX_SCRIPT_READ, &fi);
	if (err != MT_OK) {
		if (err == MT_ERR_NOMEM)
			s->err = err;
		else if (err != MT_ERR_NOENT && err != MT_ERR_CHANGED)
			mt_report_diag(s->ctx->report, "%s: cannot read %s: %s", s->self->id,
			               e->path, mt_strerror(err));
		free(fi.text);
		return s->err ? MT_WALK_STOP : MT_WALK_CONTINUE;
	}

	verdict *v = calloc(1, sizeof(*v));
	if (!v) {
		free(fi.text);
		s->err = MT_ERR_NOMEM;
		return MT_WALK_STOP;
	}
	int program = fi.kind == KIND_ELF || fi.kind == KIND_SCRIPT || fi.kind == KIND_PE;

	/* minetrace itself (a responder copies it to /tmp): its rules hold every miner
	 * string; it is named in a diagnostic, not reported */
	if (fi.kind == KIND_ELF && fi.strings && fi.ss.self && !forged_self(s, e->path, &fi)) {
		mt_report_diag(s->ctx->report, "%s: %s is a minetrace binary, not reported",
		               s->self->id, e->path);
		goto out;
	}
	if (fi.hashed) {
		const mt_rule *r = mt_rules_find(s->ctx->rules, MT_RK_SHA256, fi.sha256);
		if (!r)
			r = mt_rules_find(s->ctx->rules, MT_RK_MD5, fi.md5);
		if (r) {
			v->reasons |= 1u << R_HASH;
			add_rule(v, r);
			v_raise(v, rule_sev(r, MT_SEV_CRITICAL), 99);
		}
	}
	if (fi.kind == KIND_ELF && fi.strings && mt_strscan_count(&fi.ss) >= 2) {
		v->reasons |= 1u << R_STRINGS;
		v_raise(v, MT_SEV_CRITICAL, mt_strscan_count(&fi.ss) >= 3 ? 95 : 85);
	}
	if (name_rule && (program || exec)) {
		v->reasons |= 1u << R_MINER_NAME;
		add_rule(v, name_rule);
		v_raise(v, rule_sev(name_rule, MT_SEV_HIGH), 75);
	}
	if (program || exec)
		mt_rules_each_match(s->ctx->rules, MT_RK_PATH, e->path, strlen(e->path),
		                    miner_rule_hit, v);

	/* the place */
	if (s->loc == LOC_TEMP || odd || pl.home_unknown) {
		unsigned where = pl.reasons;
		if (s->loc == LOC_TEMP)
			where |= 1u << R_TMP;
		if (s->loc == LOC_HOME && (odd || pl.home_unknown))
			where |= 1u << R_HIDDEN;
		if (fi.kind == KIND_ELF) {
			v->reasons |= where;
			/* shared libraries unpacked by Java (netty, sqlite-jdbc) and PyInstaller
			 * into /tmp are common: medium; programs are high */
			int lib = strstr(e->name, ".so") &&
			          (has_suffix(e->name, ".so") || strstr(e->name, ".so."));
			if ((s->loc == LOC_TEMP || odd) && !lib)
				v_raise(v, MT_SEV_HIGH, 70);
			else
				v_raise(v, MT_SEV_MEDIUM, 50);
		} else if (fi.kind == KIND_SCRIPT && (s->loc == LOC_TEMP || odd_dir)) {
			v->reasons |= where;
			v_raise(v, MT_SEV_MEDIUM, 50);
			if (fi.text && shell_interpreter(fi.text, fi.text_len)) {
				judge_script(s->ctx->rules, fi.text, fi.text_len, &v->script,
				             &v->script_line, &v->script_off, &v->script_len);
				if (v->script.nreasons)
					v_raise(v, v->script.severity,
					        v->script.severity >= MT_SEV_HIGH ? 80 : 60);
			}
		} else if (v->reasons) {
			v->reasons |= where;
		}
	}

	/* miner configuration */
	if (s->loc != LOC_WEB && !program && fi.text && fi.text_len &&
	    mt_minercfg_looks_json(fi.text, fi.text_len)) {
		mt_minercfg_scan(fi.text, fi.text_len, &v->cfg);
		if (mt_minercfg_verdict(&v->cfg, v->cfg_codes, sizeof(v->cfg_codes))) {
			v->reasons |= 1u << R_CONFIG;
			v_raise(v, MT_SEV_HIGH, (v->cfg.pools || v->cfg.pool_list) ? 90 : 75);
			if (s->loc == LOC_TEMP)
				v->reasons |= 1u << R_TMP;
			v->reasons |= pl.reasons & ((1u << R_DECEPTIVE) | (1u << R_CAMPAIGN_DIR));
			add_rule(v, pool_rule(s->ctx->rules, v->cfg.first_url));
		}
	}

	/* browser miner */
	if (web && fi.text && fi.text_len) {
		web_ctx w = {s->ctx->rules, v};
		mt_webscan(fi.text, fi.text_len, is_js, on_web, &w);
	}

	/* in a bin directory only what the file is counts, and that no package has it */
	if (s->loc == LOC_SYSBIN && (v->reasons & ((1u << R_HASH) | (1u << R_STRINGS) |
	                                           (1u << R_MINER_NAME) | (1u << R_IOC_PATH))))
		v->reasons |= 1u << R_UNOWNED;
	if (v->reasons &
	    ((1u << R_HASH) | (1u << R_STRINGS) | (1u << R_MINER_NAME) | (1u << R_IOC_PATH) |
	     (1u << R_CONFIG) | (1u << R_WEB) | (1u << R_TMP) | (1u << R_HIDDEN) |
	     (1u << R_DECEPTIVE) | (1u << R_CAMPAIGN_DIR) | (1u << R_SOCKET_DIR))) {
		if (s->loc == LOC_TEMP || s->loc == LOC_HOME)
			worktree_cap(s, e, v);
		if (!fi.hashed)
			hash_again(s, e->path, hash_cap, &fi);
		report(s, e, &fi, v);
	}
out:
	free(v);
	free(fi.text);
	return s->err ? MT_WALK_STOP : MT_WALK_CONTINUE;
}

static mt_err walk_one(fs_state *s, const char *start, loc_kind loc)
{
	mt_walk_opts o = {MT_MAX_DEPTH, 0, s->self->id, 0};
	if (loc == LOC_SYSBIN)
		o = (mt_walk_opts){1, 0, s->self->id, MT_WALK_SCOPED}; /* a symlink (/bin ->
		                                                          usr/bin) is not walked */
	s->loc = loc;
	s->start = start;
	s->start_len = strlen(start);
	while (s->start_len > 1 && start[s->start_len - 1] == '/')
		s->start_len--;
	mt_err e = mt_walk(s->ctx->host, s->ctx->report, start, &o, on_file, s, NULL);
	if (e == MT_ERR_LIMIT)
		e = MT_OK; /* said in a diagnostic */
	return s->err != MT_OK ? s->err : e;
}

/* Home directories worth walking: not "/" and not system directories that hold the
 * system's own programs (bin's home is /bin, sys's is /dev). */
static int home_walkable(const char *h)
{
	static const char *const sys[] = {
		"/bin",         "/sbin",      "/usr",     "/lib",       "/lib64",    "/lib32",
		"/dev",         "/proc",      "/sys",     "/run",       "/etc",      "/boot",
		"/nonexistent", "/var/cache", "/var/lib", "/var/spool", "/var/mail", "/var/backups",
		"/var/list",    "/var/run",   "/var/www", "/tmp",       "/var/tmp",  "/root"};
	if (!h || h[0] != '/' || h[1] == '\0')
		return 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(sys); i++) {
		size_t n = strlen(sys[i]);
		if (strncmp(h, sys[i], n) == 0 && (h[n] == '\0' || h[n] == '/'))
			return 0;
	}
	return 1;
}

mt_err mt_check_files_suspicious(mt_ctx *ctx, const mt_check_info *self)
{
	fs_state s = {ctx, self, MT_OK, LOC_TEMP, NULL, 0, mt_ctx_pkgdb(ctx), NULL, 0};
	static const char *const temps[] = {"/tmp", "/var/tmp", "/dev/shm", "/run/shm"};
	static const char *const webs[] = {"/var/www", "/usr/share/nginx/html", "/srv/www",
	                                   "/srv/http"};
	mt_err e = MT_OK;
	for (size_t i = 0; i < MT_ARRAY_LEN(temps) && e == MT_OK; i++)
		e = walk_one(&s, temps[i], LOC_TEMP);
	if (e == MT_OK)
		e = walk_one(&s, "/root", LOC_HOME);
	const mt_users *u = mt_ctx_users(ctx);
	for (size_t i = 0; i < u->n && e == MT_OK; i++) {
		const char *h = u->v[i].home;
		if (!home_walkable(h))
			continue;
		int dup = 0; /* several accounts may share a home */
		for (size_t j = 0; j < i && !dup; j++)
			dup = u->v[j].home && strcmp(u->v[j].home, h) == 0;
		if (!dup)
			e = walk_one(&s, h, LOC_HOME);
	}
	for (size_t i = 0; i < MT_ARRAY_LEN(webs) && e == MT_OK; i++)
		e = walk_one(&s, webs[i], LOC_WEB);
	/* without a package database every system program would have to be read */
	static const char *const bins[] = {"/usr/bin", "/usr/sbin",      "/bin",
	                                   "/sbin",    "/usr/local/bin", "/usr/local/sbin"};
	for (size_t i = 0; i < MT_ARRAY_LEN(bins) && e == MT_OK && mt_pkgdb_present(s.db); i++)
		e = walk_one(&s, bins[i], LOC_SYSBIN);
	/* /var/lib/tomcat*\/webapps */
	mt_dirent *ents = NULL;
	size_t n = 0;
	if (e == MT_OK &&
	    mt_host_list(ctx->host, "/var/lib", MT_LIST_GETDENTS, &ents, &n) == MT_OK) {
		for (size_t i = 0; i < n && e == MT_OK; i++) {
			if (strncmp(ents[i].name, "tomcat", 6) != 0)
				continue;
			char path[MT_MAX_PATH];
			snprintf(path, sizeof(path), "/var/lib/%s/webapps", ents[i].name);
			e = walk_one(&s, path, LOC_WEB);
		}
		mt_dirents_free(ents, n);
	}
	free(s.wt);
	return e;
}
