/* account_sudo.c - account.sudo: sudoers rules that give root without a password
 * (NOPASSWD) to users and groups other than the distributions' defaults */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acct_common.h"
#include "checks.h"

#define MAX_ALIASES 128
#define MAX_DEPTH   8

typedef struct sudo_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	unsigned uid_min;
	mt_err err;
	size_t nread;
	struct {
		dev_t dev;
		ino_t ino;
	} read[256]; /* files already read: sudo refuses include loops, we skip them */
	size_t nalias;
	struct {
		char name[64];
		char *value;
		int cmnd; /* Cmnd_Alias (else User_Alias) */
	} alias[MAX_ALIASES];
} sudo_state;

/* Default users of cloud images that cloud-init gives NOPASSWD: ALL on purpose. */
static const char *const cloud_users[] = {"admin",     "debian",     "ubuntu",  "ec2-user",
                                          "centos",    "cloud-user", "fedora",  "rocky",
                                          "almalinux", "opc",        "vagrant", "azureuser"};

static const char *const shells[] = {"sh",   "bash", "dash", "zsh",    "ksh",     "csh",
                                     "tcsh", "su",   "sudo", "python", "python3", "perl"};

static const char *alias_value(sudo_state *s, const char *name, int cmnd)
{
	for (size_t i = 0; i < s->nalias; i++)
		if (s->alias[i].cmnd == cmnd && strcmp(s->alias[i].name, name) == 0)
			return s->alias[i].value;
	return NULL;
}

static void trim(char **p, char **e)
{
	while (*p < *e && isspace((unsigned char)**p))
		(*p)++;
	while (*e > *p && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* Alias definitions: "Cmnd_Alias A = x, y : B = z". */
static void add_aliases(sudo_state *s, char *rest, int cmnd)
{
	char *save = rest;
	while (save && *save) {
		char *colon = NULL;
		/* split at ':' outside "(...)"; commands hold no ':' in practice */
		for (char *c = save; *c; c++)
			if (*c == ':' && (c == save || c[-1] != '\\')) {
				colon = c;
				break;
			}
		if (colon)
			*colon = '\0';
		char *eq = strchr(save, '=');
		if (eq && s->nalias < MAX_ALIASES) {
			char *np = save, *ne = eq;
			trim(&np, &ne);
			char *vp = eq + 1, *ve = eq + strlen(eq);
			trim(&vp, &ve);
			size_t nl = (size_t)(ne - np);
			if (nl > 0 && nl < sizeof(s->alias[0].name)) {
				memcpy(s->alias[s->nalias].name, np, nl);
				s->alias[s->nalias].name[nl] = '\0';
				s->alias[s->nalias].value = mt_strndup(vp, (size_t)(ve - vp));
				s->alias[s->nalias].cmnd = cmnd;
				if (s->alias[s->nalias].value)
					s->nalias++;
			}
		}
		save = colon ? colon + 1 : NULL;
	}
}

static int is_alias_name(const char *w)
{
	if (!isupper((unsigned char)w[0]))
		return 0;
	for (const char *c = w; *c; c++)
		if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			return 0;
	return 1;
}

/* Whether a command item gives everything: ALL, a shell, or an alias holding one. */
static int gives_all(sudo_state *s, const char *item, int depth)
{
	if (strcmp(item, "ALL") == 0)
		return 1;
	if (item[0] == '/') {
		char first[256];
		size_t n = strcspn(item, " \t");
		snprintf(first, sizeof(first), "%.*s", (int)(n < 255 ? n : 255), item);
		const char *b = mt_basename(first);
		for (size_t i = 0; i < MT_ARRAY_LEN(shells); i++)
			if (strcmp(b, shells[i]) == 0)
				return 1;
		return 0;
	}
	const char *v = is_alias_name(item) && depth < 4 ? alias_value(s, item, 1) : NULL;
	if (!v)
		return 0;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", v);
	char *p = buf;
	while (p && *p) {
		char *c = strchr(p, ',');
		if (c)
			*c = '\0';
		char *e = p + strlen(p);
		trim(&p, &e);
		*e = '\0';
		if (*p && gives_all(s, p, depth + 1))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

static int is_cloud_user(const char *w)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(cloud_users); i++)
		if (strcmp(w, cloud_users[i]) == 0)
			return 1;
	return 0;
}

typedef struct spec {
	char users[512];   /* principals, aliases expanded */
	char cmds[1024];   /* commands that run without a password */
	int all;           /* those include everything */
	int everyone;      /* the user list is ALL */
	int system;        /* a principal is a system account or unknown user */
	int only_defaults; /* only root and cloud default users */
	int root_only;
} spec;

static void add_user(sudo_state *s, spec *sp, const char *u, int depth, int *nusers, int *ndefault,
                     int *nroot)
{
	if (u[0] == '!')
		return;
	if (is_alias_name(u) && strcmp(u, "ALL") != 0 && depth < 4) {
		const char *v = alias_value(s, u, 0);
		if (v) {
			char buf[1024];
			snprintf(buf, sizeof(buf), "%s", v);
			char *p = buf;
			while (p && *p) {
				char *c = strchr(p, ',');
				if (c)
					*c = '\0';
				char *e = p + strlen(p);
				trim(&p, &e);
				*e = '\0';
				if (*p)
					add_user(s, sp, p, depth + 1, nusers, ndefault, nroot);
				p = c ? c + 1 : NULL;
			}
			return;
		}
	}
	size_t ul = strlen(sp->users);
	snprintf(sp->users + ul, sizeof(sp->users) - ul, "%s%s", ul ? "," : "", u);
	(*nusers)++;
	if (strcmp(u, "ALL") == 0) {
		sp->everyone = 1;
		return;
	}
	if (strcmp(u, "root") == 0) {
		(*nroot)++;
		(*ndefault)++;
		return;
	}
	if (u[0] == '%' || u[0] == '+')
		return;
	const mt_users *us = mt_ctx_users(s->ctx);
	const mt_user *acc = NULL;
	if (u[0] == '#') {
		uint64_t id;
		if (mt_parse_u64(u + 1, strlen(u + 1), 0xffffffffu, &id) == 0)
			acc = mt_users_by_uid(us, (unsigned)id);
	} else {
		acc = mt_users_by_name(us, u);
	}
	if (!acc || acct_is_system(acc->uid, s->uid_min))
		sp->system = 1;
	else if (is_cloud_user(u))
		(*ndefault)++;
}

/* Reads a user specification "users hosts = (runas) TAGS: cmds, ..." */
static int parse_spec(sudo_state *s, char *line, spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	char *eq = strchr(line, '=');
	if (!eq)
		return -1;
	*eq = '\0';
	/* users: everything up to the blank that ends the (comma-separated) list */
	char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	char ulist[1024];
	size_t ul = 0;
	while (*p && ul + 1 < sizeof(ulist)) {
		if (isspace((unsigned char)*p)) {
			char *q = p;
			while (isspace((unsigned char)*q))
				q++;
			if (ul && ulist[ul - 1] != ',' && *q != ',')
				break; /* the host list follows */
			p = q;
			continue;
		}
		ulist[ul++] = *p++;
	}
	ulist[ul] = '\0';
	int nusers = 0, ndefault = 0, nroot = 0;
	for (char *u = ulist, *c; u && *u; u = c ? c + 1 : NULL) {
		c = strchr(u, ',');
		if (c)
			*c = '\0';
		if (*u)
			add_user(s, sp, u, 0, &nusers, &ndefault, &nroot);
	}
	if (!nusers)
		return -1;
	sp->only_defaults = !sp->everyone && !sp->system && ndefault == nusers;
	sp->root_only = nroot == nusers;
	/* commands, with the tag state carried from item to item */
	int nopw = 0;
	char *r = eq + 1;
	size_t cl = 0;
	while (*r) {
		while (*r == ',' || isspace((unsigned char)*r))
			r++;
		if (!*r || *r == ':')
			break; /* a second "host = cmds" part is not read */
		if (*r == '(') {
			char *close = strchr(r, ')');
			if (!close)
				break;
			r = close + 1;
			continue;
		}
		/* tags: NOPASSWD: PASSWD: SETENV: NOEXEC: ... */
		char *t = r;
		while (isupper((unsigned char)*t) || *t == '_')
			t++;
		if (t > r && *t == ':') {
			if ((size_t)(t - r) == 8 && strncmp(r, "NOPASSWD", 8) == 0)
				nopw = 1;
			else if ((size_t)(t - r) == 6 && strncmp(r, "PASSWD", 6) == 0)
				nopw = 0;
			r = t + 1;
			continue;
		}
		char *end = strchr(r, ',');
		char *ie = end ? end : r + strlen(r);
		char *ip = r;
		trim(&ip, &ie);
		char item[512];
		snprintf(item, sizeof(item), "%.*s", (int)(ie - ip), ip);
		if (nopw && item[0]) {
			snprintf(sp->cmds + cl, sizeof(sp->cmds) - cl, "%s%s", cl ? ", " : "",
			         item);
			cl = strlen(sp->cmds);
			if (gives_all(s, item, 0))
				sp->all = 1;
		}
		r = end ? end + 1 : r + strlen(r);
	}
	return cl ? 0 : 1;
}

static void report_spec(sudo_state *s, const char *path, unsigned lineno, const char *raw,
                        size_t rawlen, int single, const struct stat *st, const spec *sp)
{
	int win = acct_changed_in_window(s->ctx->opts, st);
	mt_severity sev;
	if (sp->root_only)
		return;
	if (sp->only_defaults)
		sev = MT_SEV_INFO;
	else if (!sp->all)
		sev = win ? MT_SEV_MEDIUM : MT_SEV_LOW;
	else if (sp->everyone || sp->system || win)
		sev = MT_SEV_HIGH;
	else
		sev = MT_SEV_MEDIUM;
	mt_finding *f = mt_finding_new(s->self, sev, sev >= MT_SEV_HIGH ? 80 : 50);
	mt_finding_text(f, MT_LANG_EN,
	                sp->all ? "sudo gives root without a password"
	                        : "sudo runs commands as root without a password",
	                "%s may run %s through sudo without a password%s%s", sp->users, sp->cmds,
	                sp->only_defaults ? " (a cloud image's default user)" : "",
	                sp->system ? "; a system or unknown account holds it" : "");
	mt_finding_text(f, MT_LANG_ZH,
	                sp->all ? "sudo无需口令即可获得root权限" : "sudo无需口令即可以root运行命令",
	                "%s可通过sudo无需口令运行%s%s%s", sp->users, sp->cmds,
	                sp->only_defaults ? "(云镜像的默认用户)" : "",
	                sp->system ? ";该规则属于系统账户或不存在的账户" : "");
	mt_finding_str(f, "path", path, 1);
	mt_finding_int(f, "lineno", lineno, 0);
	mt_finding_strn(f, "line", raw, rawlen, 1);
	mt_finding_str(f, "user", sp->users, 0);
	mt_finding_str(f, "command", sp->cmds, 0);
	if (st) {
		mt_finding_int(f, "mtime", (long long)st->st_mtime, 0);
		mt_finding_int(f, "ctime", (long long)st->st_ctime, 0);
	}
	if (win)
		mt_finding_int(f, "changed_in_window", 1, 0);
	if (single && sev >= MT_SEV_LOW)
		acct_remedy_remove_line(f, path, lineno, raw, rawlen);
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

static void read_sudoers(sudo_state *s, const char *path, unsigned depth);

static void include_dir(sudo_state *s, const char *dir, unsigned depth)
{
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_host_list(s->ctx->host, dir, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(s->ctx->report, "%s: %s", dir, mt_strerror(e));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *nm = ents[i].name;
		size_t l = strlen(nm);
		/* sudo skips names ending in '~' or holding a '.' */
		if (!l || nm[l - 1] == '~' || strchr(nm, '.'))
			continue;
		char p[MT_MAX_PATH];
		int w = snprintf(p, sizeof(p), "%s/%s", dir, nm);
		if (w > 0 && (size_t)w < sizeof(p))
			read_sudoers(s, p, depth + 1);
	}
	mt_dirents_free(ents, n);
}

/* sudo reads a relative include path relative to the including file's directory. */
static int resolve_rel(const char *cur, const char *arg, char *out, size_t n)
{
	int w;
	if (arg[0] == '/') {
		w = snprintf(out, n, "%s", arg);
	} else {
		const char *sl = strrchr(cur, '/');
		int dl = sl ? (int)(sl - cur) : 0;
		w = snprintf(out, n, "%.*s/%s", dl, cur, arg);
	}
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

static void read_sudoers(sudo_state *s, const char *path, unsigned depth)
{
	if (depth > MAX_DEPTH) {
		mt_report_diag(s->ctx->report, "%s: sudoers includes nested too deep", path);
		return;
	}
	int fd;
	struct stat st;
	mt_err e = mt_host_open_file(s->ctx->host, path, &fd, &st);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(s->ctx->report, "%s: %s", path, mt_strerror(e));
		return;
	}
	for (size_t i = 0; i < s->nread; i++)
		if (s->read[i].dev == st.st_dev && s->read[i].ino == st.st_ino) {
			mt_report_diag(s->ctx->report, "%s: included again (a loop); read once",
			               path);
			close(fd);
			return;
		}
	if (s->nread < MT_ARRAY_LEN(s->read)) {
		s->read[s->nread].dev = st.st_dev;
		s->read[s->nread].ino = st.st_ino;
		s->nread++;
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
	unsigned lineno = 0, bad = 0;
	const char *p = data, *end = data + len;
	while (p < end && s->err == MT_OK) {
		/* one logical line: backslash-newline continues it */
		unsigned first = lineno + 1;
		const char *raw = p;
		size_t rawlen = 0;
		int single = 1;
		mt_buf lb;
		mt_buf_init(&lb, MT_MAX_LINE);
		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end;
			lineno++;
			if (lineno == first)
				rawlen = (size_t)(le - p);
			size_t ll = (size_t)(le - p);
			int cont = ll && p[ll - 1] == '\\';
			mt_buf_add(&lb, p, cont ? ll - 1 : ll);
			p = nl ? nl + 1 : end;
			if (!cont || p >= end)
				break;
			mt_buf_addc(&lb, ' ');
			single = 0;
		}
		char *line = lb.data ? lb.data : (char *)"";
		while (isspace((unsigned char)*line))
			line++;
		char arg[MT_MAX_PATH];
		int inc = 0, incdir = 0;
		if (!strncmp(line, "#includedir", 11) || !strncmp(line, "@includedir", 11))
			incdir = 1;
		else if (!strncmp(line, "#include", 8) || !strncmp(line, "@include", 8))
			inc = 1;
		if (inc || incdir) {
			char *a = line + (incdir ? 11 : 8);
			if (isspace((unsigned char)*a)) {
				while (isspace((unsigned char)*a))
					a++;
				char *ae = a + strlen(a);
				trim(&a, &ae);
				if (ae > a && *a == '"' && ae[-1] == '"') {
					a++;
					ae--;
				}
				char tmp[MT_MAX_PATH];
				int w = snprintf(tmp, sizeof(tmp), "%.*s", (int)(ae - a), a);
				if (w < 0 || (size_t)w >= sizeof(tmp) ||
				    resolve_rel(path, tmp, arg, sizeof(arg)) != 0)
					bad++;
				else if (incdir)
					include_dir(s, arg, depth);
				else
					read_sudoers(s, arg, depth + 1);
			}
		} else if (*line && *line != '#' && strncmp(line, "Defaults", 8) != 0) {
			static const struct {
				const char *kw;
				int cmnd;
			} kws[] = {{"User_Alias", 0},
			           {"Runas_Alias", 2},
			           {"Host_Alias", 3},
			           {"Cmnd_Alias", 1},
			           {"Cmd_Alias", 1}};
			int done = 0;
			for (size_t k = 0; k < MT_ARRAY_LEN(kws) && !done; k++) {
				size_t kl = strlen(kws[k].kw);
				if (strncmp(line, kws[k].kw, kl) == 0 &&
				    isspace((unsigned char)line[kl])) {
					if (kws[k].cmnd <= 1)
						add_aliases(s, line + kl, kws[k].cmnd);
					done = 1;
				}
			}
			if (!done) {
				spec sp;
				int r = parse_spec(s, line, &sp);
				if (r < 0)
					bad++;
				else if (r == 0)
					report_spec(s, path, first, raw, rawlen, single, &st, &sp);
			}
		}
		mt_buf_free(&lb);
	}
	if (bad)
		mt_report_diag(s->ctx->report, "%s: %u line(s) not understood", path, bad);
	free(data);
}

mt_err mt_check_account_sudo(mt_ctx *ctx, const mt_check_info *self)
{
	sudo_state *s = calloc(1, sizeof(*s));
	if (!s)
		return MT_ERR_NOMEM;
	s->ctx = ctx;
	s->self = self;
	s->uid_min = acct_uid_min(ctx->host);
	read_sudoers(s, "/etc/sudoers", 0);
	mt_err e = s->err;
	for (size_t i = 0; i < s->nalias; i++)
		free(s->alias[i].value);
	free(s);
	return e;
}
