/* ssh.c - collector for SSH: authorized_keys lines, key fingerprints, the sshd_config
 * settings (with its includes) and the key files of every account */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ssh.h"

/* ---- authorized_keys lines ---------------------------------------------------- */

static const char *const key_types[] = {
	"ssh-rsa",
	"ssh-dss",
	"ssh-ed25519",
	"ssh-xmss@openssh.com",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ecdsa-sha2-nistp256@openssh.com",
	"sk-ssh-ed25519@openssh.com",
	"ssh-rsa-cert-v01@openssh.com",
	"ssh-dss-cert-v01@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com",
	"ssh-xmss-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com",
	"ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
};

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

int mt_ssh_key_type_known(const char *type, size_t n)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(key_types); i++)
		if (strlen(key_types[i]) == n && memcmp(key_types[i], type, n) == 0)
			return 1;
	return 0;
}

static size_t token_len(const char *p, const char *end)
{
	const char *s = p;
	while (p < end && !blank(*p))
		p++;
	return (size_t)(p - s);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes standard base64 (padding optional, only at the end) into out (cap bytes);
 * returns the decoded length or -1. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad)
			return -1; /* data after padding */
		int v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (pad > 2 || bits >= 6 || (pad && (n % 4) != 0))
		return -1;
	return (long)o;
}

static void b64_encode_nopad(const unsigned char *p, size_t n, char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = al[(v >> 18) & 63];
		out[o++] = al[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = al[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = al[v & 63];
	}
	out[o] = '\0';
}

int mt_ssh_fingerprint(const char *body, size_t n, char out[64], char blob_type[64])
{
	static _Thread_local unsigned char blob[MT_MAX_LINE];
	out[0] = '\0';
	if (blob_type)
		blob_type[0] = '\0';
	long bl = b64_decode(body, n, blob, sizeof(blob));
	if (bl <= 0)
		return -1;
	uint8_t h[32];
	mt_sha256 c;
	mt_sha256_init(&c);
	mt_sha256_update(&c, blob, (size_t)bl);
	mt_sha256_final(&c, h);
	memcpy(out, "SHA256:", 7);
	b64_encode_nopad(h, sizeof(h), out + 7);
	if (blob_type && bl >= 4) {
		uint32_t tl = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
		              (uint32_t)blob[2] << 8 | blob[3];
		if (tl < 64 && tl <= (uint32_t)bl - 4) {
			memcpy(blob_type, blob + 4, tl);
			blob_type[tl] = '\0';
			for (uint32_t i = 0; i < tl; i++)
				if ((unsigned char)blob_type[i] < 0x21 ||
				    (unsigned char)blob_type[i] > 0x7e)
					blob_type[i] = '?';
		}
	}
	return 0;
}

/* Splits the option list [s, s+n) at commas outside double quotes. */
static void split_options(mt_authkey *k, const char *s, size_t n)
{
	size_t i = 0;
	k->noptions = 0;
	while (i < n) {
		size_t start = i;
		int quoted = 0;
		while (i < n && (quoted || s[i] != ',')) {
			if (s[i] == '\\' && i + 1 < n && s[i + 1] == '"')
				i++;
			else if (s[i] == '"')
				quoted = !quoted;
			i++;
		}
		const char *o = s + start;
		size_t ol = i - start;
		if (i < n)
			i++; /* the comma */
		if (ol == 0)
			continue;
		if (k->noptions >= MT_MAX_SSH_OPTIONS) {
			k->noptions++;
			continue;
		}
		unsigned j = k->noptions++;
		const char *eq = memchr(o, '=', ol);
		k->opt[j].name = o;
		k->opt[j].name_len = eq ? (size_t)(eq - o) : ol;
		k->opt[j].value = NULL;
		k->opt[j].value_len = 0;
		if (eq) {
			const char *v = eq + 1;
			size_t vl = ol - (size_t)(v - o);
			if (vl >= 1 && v[0] == '"') {
				v++;
				vl--;
				if (vl >= 1 && v[vl - 1] == '"')
					vl--;
			}
			k->opt[j].value = v;
			k->opt[j].value_len = vl;
		}
	}
}

mt_authkey_status mt_authkey_parse(const char *line, size_t n, mt_authkey *k)
{
	const char *p = line, *end = line + n;
	memset(k, 0, sizeof(*k));
	while (end > p && (end[-1] == '\r' || end[-1] == '\n' || blank(end[-1])))
		end--;
	while (p < end && blank(*p))
		p++;
	if (p == end || *p == '#')
		return MT_AUTHKEY_SKIP;
	size_t tl = token_len(p, end);
	if (!mt_ssh_key_type_known(p, tl)) {
		/* an option list first: up to the first blank outside quotes */
		const char *o = p;
		int quoted = 0;
		while (p < end && (quoted || !blank(*p))) {
			if (*p == '\\' && p + 1 < end && p[1] == '"')
				p++;
			else if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (quoted)
			return MT_AUTHKEY_BAD;
		k->options = o;
		k->options_len = (size_t)(p - o);
		split_options(k, o, k->options_len);
		while (p < end && blank(*p))
			p++;
		tl = token_len(p, end);
		if (!mt_ssh_key_type_known(p, tl))
			return MT_AUTHKEY_BAD;
	}
	k->type = p;
	k->type_len = tl;
	p += tl;
	while (p < end && blank(*p))
		p++;
	size_t bl = token_len(p, end);
	if (bl == 0)
		return MT_AUTHKEY_BAD;
	for (size_t i = 0; i < bl; i++)
		if (p[i] != '=' && b64_value((unsigned char)p[i]) < 0)
			return MT_AUTHKEY_BAD;
	k->body = p;
	k->body_len = bl;
	p += bl;
	while (p < end && blank(*p))
		p++;
	if (p < end) {
		k->comment = p;
		k->comment_len = (size_t)(end - p);
	}
	return MT_AUTHKEY_OK;
}

int mt_authkey_option(const mt_authkey *k, const char *name, const char **val, size_t *val_len)
{
	size_t nl = strlen(name);
	unsigned n = k->noptions < MT_MAX_SSH_OPTIONS ? k->noptions : MT_MAX_SSH_OPTIONS;
	for (unsigned i = 0; i < n; i++) {
		if (k->opt[i].name_len == nl && strncasecmp(k->opt[i].name, name, nl) == 0) {
			if (val)
				*val = k->opt[i].value;
			if (val_len)
				*val_len = k->opt[i].value_len;
			return 1;
		}
	}
	return 0;
}

/* ---- sshd_config ----------------------------------------------------------------- */

static void setting_free(mt_sshd_setting *s)
{
	free(s->value);
	free(s->path);
	s->value = s->path = NULL;
}

void mt_sshd_config_free(mt_sshd_config *c)
{
	if (!c)
		return;
	setting_free(&c->permit_root_login);
	setting_free(&c->password_auth);
	setting_free(&c->permit_empty);
	setting_free(&c->pubkey_auth);
	setting_free(&c->akf_line);
	for (size_t i = 0; i < c->nakf; i++)
		free(c->akf[i]);
	memset(c, 0, sizeof(*c));
}

static void set_once(mt_sshd_setting *s, const char *val, const char *path, unsigned line)
{
	if (s->value)
		return; /* sshd keeps the first value it obtains */
	s->value = mt_strdup(val);
	s->path = mt_strdup(path);
	s->lineno = line;
}

#define MAX_ARGS 32

/* Splits the arguments of a line into NUL-terminated words in buf; '#' at the start
 * of a word ends the line, double quotes group. Returns the count. */
static size_t split_args(const char *p, const char *end, char *buf, size_t bufn, char **argv)
{
	size_t n = 0, o = 0;
	while (p < end && n < MAX_ARGS) {
		while (p < end && (blank(*p) || *p == '\r'))
			p++;
		if (p == end || *p == '#')
			break;
		if (o + 1 >= bufn)
			break;
		argv[n++] = buf + o;
		if (*p == '"') {
			p++;
			while (p < end && *p != '"' && o + 1 < bufn)
				buf[o++] = *p++;
			if (p < end)
				p++;
		} else {
			while (p < end && !blank(*p) && *p != '\r' && o + 1 < bufn)
				buf[o++] = *p++;
		}
		buf[o++] = '\0';
	}
	return n;
}

void mt_sshd_config_parse(mt_sshd_config *c, const char *path, const char *data, size_t len,
                          mt_sshd_include_fn inc, void *ctx, unsigned depth)
{
	static _Thread_local char buf[4096];
	const char *p = data, *end = data + len;
	unsigned lineno = 0;
	c->files++;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p;
		p = nl ? nl + 1 : end;
		lineno++;
		while (s < le && (blank(*s) || *s == '\r'))
			s++;
		if (s == le || *s == '#')
			continue;
		const char *kw = s;
		while (s < le && !blank(*s) && *s != '=' && *s != '\r')
			s++;
		size_t kl = (size_t)(s - kw);
		while (s < le && blank(*s))
			s++;
		if (s < le && *s == '=') {
			s++;
			while (s < le && blank(*s))
				s++;
		}
		char *argv[MAX_ARGS];
		size_t argc = split_args(s, le, buf, sizeof(buf), argv);
		char keyword[64];
		if (kl == 0 || kl >= sizeof(keyword)) {
			c->bad++;
			continue;
		}
		memcpy(keyword, kw, kl);
		keyword[kl] = '\0';
		if (strcasecmp(keyword, "Match") == 0) {
			/* "Match all" applies to every connection: settings after it are global */
			c->in_match = !(argc == 1 && strcasecmp(argv[0], "all") == 0);
			continue;
		}
		if (strcasecmp(keyword, "Include") == 0) {
			if (!inc || argc == 0)
				continue;
			/* argv lives in the static buffer: copy the patterns before recursing */
			char pats[MAX_ARGS][512];
			size_t np = 0;
			for (size_t i = 0; i < argc && np < MAX_ARGS; i++)
				if (strlen(argv[i]) < sizeof(pats[0]))
					snprintf(pats[np++], sizeof(pats[0]), "%s", argv[i]);
			for (size_t i = 0; i < np; i++) {
				int saved = c->in_match;
				inc(ctx, pats[i], c, depth + 1);
				c->in_match = saved;
			}
			continue;
		}
		if (c->in_match || argc == 0)
			continue;
		if (strcasecmp(keyword, "PermitRootLogin") == 0)
			set_once(&c->permit_root_login, argv[0], path, lineno);
		else if (strcasecmp(keyword, "PasswordAuthentication") == 0)
			set_once(&c->password_auth, argv[0], path, lineno);
		else if (strcasecmp(keyword, "PermitEmptyPasswords") == 0)
			set_once(&c->permit_empty, argv[0], path, lineno);
		else if (strcasecmp(keyword, "PubkeyAuthentication") == 0)
			set_once(&c->pubkey_auth, argv[0], path, lineno);
		else if (strcasecmp(keyword, "AuthorizedKeysFile") == 0 && !c->akf_line.value) {
			char joined[2048];
			size_t jl = 0;
			joined[0] = '\0';
			for (size_t i = 0; i < argc; i++) {
				int w = snprintf(joined + jl, sizeof(joined) - jl, "%s%s",
				                 i ? " " : "", argv[i]);
				if (w < 0 || (size_t)w >= sizeof(joined) - jl)
					break;
				jl += (size_t)w;
				if (c->nakf < MT_SSHD_MAX_AKF) {
					char *d = mt_strdup(argv[i]);
					if (d)
						c->akf[c->nakf++] = d;
				}
			}
			set_once(&c->akf_line, joined, path, lineno);
		}
	}
}

typedef struct load_ctx {
	mt_host *host;
	mt_report *rep;
} load_ctx;

static void include_cb(void *ctx, const char *pattern, mt_sshd_config *c, unsigned depth);

static void load_one(load_ctx *lc, const char *path, mt_sshd_config *c, unsigned depth)
{
	char *data;
	size_t len;
	int trunc;
	mt_err e = mt_host_read_file(lc->host, path, MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(lc->rep, "%s: %s", path, mt_strerror(e));
		return;
	}
	if (depth == 0)
		c->found = 1;
	if (trunc)
		mt_report_diag(lc->rep, "%s: only the first %u bytes were read", path,
		               (unsigned)MT_MAX_FILE_READ);
	unsigned bad0 = c->bad;
	mt_sshd_config_parse(c, path, data, len, include_cb, lc, depth);
	if (c->bad > bad0)
		mt_report_diag(lc->rep, "%s: %u line(s) not understood", path, c->bad - bad0);
	free(data);
}

static int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static void include_cb(void *ctx, const char *pattern, mt_sshd_config *c, unsigned depth)
{
	load_ctx *lc = ctx;
	char full[MT_MAX_PATH];
	if (depth > 8) {
		mt_report_diag(lc->rep, "sshd_config: Include nested too deep at %s", pattern);
		return;
	}
	int w = pattern[0] == '/' ? snprintf(full, sizeof(full), "%s", pattern)
	                          : snprintf(full, sizeof(full), "/etc/ssh/%s", pattern);
	if (w < 0 || (size_t)w >= sizeof(full))
		return;
	if (!has_glob(full)) {
		load_one(lc, full, c, depth);
		return;
	}
	char *slash = strrchr(full, '/');
	*slash = '\0';
	const char *dir = full[0] ? full : "/";
	const char *pat = slash + 1;
	if (has_glob(dir)) {
		mt_report_diag(lc->rep,
		               "sshd_config: Include %s: globs in directory names are "
		               "not followed",
		               pattern);
		return;
	}
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_host_list(lc->host, dir, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(lc->rep, "%s: %s", dir, mt_strerror(e));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (fnmatch(pat, ents[i].name, FNM_PERIOD) != 0)
			continue;
		char path[MT_MAX_PATH];
		w = snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "",
		             ents[i].name);
		if (w > 0 && (size_t)w < sizeof(path))
			load_one(lc, path, c, depth);
	}
	mt_dirents_free(ents, n);
}

mt_err mt_sshd_config_load(mt_host *host, mt_report *rep, mt_sshd_config *c)
{
	memset(c, 0, sizeof(*c));
	load_ctx lc = {host, rep};
	load_one(&lc, "/etc/ssh/sshd_config", c, 0);
	return MT_OK;
}

static const char *const default_akf[] = {".ssh/authorized_keys", ".ssh/authorized_keys2"};

size_t mt_sshd_akf(const mt_sshd_config *c, const char *const **out)
{
	if (c && c->nakf) {
		*out = (const char *const *)c->akf;
		return c->nakf;
	}
	*out = default_akf;
	return MT_ARRAY_LEN(default_akf);
}

int mt_sshd_expand_akf(const char *pattern, const char *user, unsigned uid, const char *home,
                       char *out, size_t outlen)
{
	mt_buf b;
	if (strcasecmp(pattern, "none") == 0 || outlen == 0)
		return -1;
	mt_buf_init(&b, outlen - 1);
	int bad = 0;
	for (const char *p = pattern; *p && !bad; p++) {
		if (*p != '%') {
			bad = mt_buf_addc(&b, *p) != MT_OK;
			continue;
		}
		if (!p[1]) {
			bad = 1; /* a lone '%' at the end */
			break;
		}
		p++;
		switch (*p) {
		case '%':
			bad = mt_buf_addc(&b, '%') != MT_OK;
			break;
		case 'h':
			bad = mt_buf_adds(&b, home) != MT_OK;
			break;
		case 'u':
			bad = mt_buf_adds(&b, user) != MT_OK;
			break;
		case 'U':
			bad = mt_buf_printf(&b, "%u", uid) != MT_OK;
			break;
		default:
			bad = 1;
			break;
		}
	}
	if (bad || !b.data || !b.data[0]) {
		mt_buf_free(&b);
		return -1;
	}
	int w;
	if (b.data[0] == '/')
		w = snprintf(out, outlen, "%s", b.data);
	else if (home[0] == '/') /* relative: relative to the home, as sshd does */
		w = snprintf(out, outlen, "%s%s%s", home, home[strlen(home) - 1] == '/' ? "" : "/",
		             b.data);
	else
		w = -1; /* a relative home cannot be placed in the root */
	mt_buf_free(&b);
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* ---- key files of every account -------------------------------------------------- */

static int scan_file(mt_host *host, mt_report *rep, const char *path, const mt_user *u,
                     mt_authkey_fn fn, void *ctx)
{
	struct stat lst, st;
	int symlink = 0, fd;
	if (mt_host_stat(host, path, 0, &lst) != MT_OK)
		return 0;
	symlink = S_ISLNK(lst.st_mode);
	mt_err e = mt_host_open_file(host, path, &fd, &st);
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: %s", path, mt_strerror(e));
		return 0;
	}
	char *data;
	size_t len;
	int trunc;
	e = mt_read_fd(fd, MT_MAX_FILE_READ, &data, &len, &trunc);
	close(fd);
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: %s", path, mt_strerror(e));
		return 0;
	}
	if (trunc)
		mt_report_diag(rep, "%s: only the first %u bytes were read", path,
		               (unsigned)MT_MAX_FILE_READ);
	unsigned lineno = 0, bad = 0;
	int stop = 0;
	const char *p = data, *end = data + len;
	while (p < end && !stop) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		lineno++;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		mt_authkey k;
		mt_authkey_status s =
			ll > MT_MAX_LINE ? MT_AUTHKEY_BAD : mt_authkey_parse(p, ll, &k);
		if (s == MT_AUTHKEY_BAD) {
			bad++;
		} else if (s == MT_AUTHKEY_OK) {
			char fp[64], bt[64];
			mt_ssh_fingerprint(k.body, k.body_len, fp, bt);
			mt_authkey_entry en = {path, u, &st, symlink, lineno, p, ll, &k, fp, bt};
			stop = fn(ctx, &en);
		}
		p = nl ? nl + 1 : end;
	}
	if (bad)
		mt_report_diag(rep, "%s: %u line(s) are not valid keys", path, bad);
	free(data);
	return stop;
}

mt_err mt_authkeys_collect(mt_host *host, mt_report *rep, const mt_users *users,
                           const mt_sshd_config *cfg, mt_authkey_fn fn, void *ctx)
{
	const char *const *pats;
	size_t npat = mt_sshd_akf(cfg, &pats);
	char **seen = NULL;
	size_t nseen = 0, aseen = 0;
	mt_err err = MT_OK;
	for (size_t i = 0; i < users->n && err == MT_OK; i++) {
		const mt_user *u = &users->v[i];
		if (!u->home || !u->home[0])
			continue;
		for (size_t j = 0; j < npat; j++) {
			char path[MT_MAX_PATH];
			if (mt_sshd_expand_akf(pats[j], u->name, u->uid, u->home, path,
			                       sizeof(path)) != 0)
				continue;
			int dup = 0;
			for (size_t k = 0; k < nseen && !dup; k++)
				dup = strcmp(seen[k], path) == 0;
			if (dup)
				continue;
			if (nseen == aseen) {
				size_t na = aseen ? aseen * 2 : 64;
				char **ns = realloc(seen, na * sizeof(*ns));
				if (!ns) {
					err = MT_ERR_NOMEM;
					break;
				}
				seen = ns;
				aseen = na;
			}
			if (!(seen[nseen] = mt_strdup(path))) {
				err = MT_ERR_NOMEM;
				break;
			}
			nseen++;
			if (scan_file(host, rep, path, u, fn, ctx)) {
				i = users->n;
				break;
			}
		}
	}
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	free(seen);
	return err;
}
