/* persist_initd.c - persist.initd: SysV init scripts (/etc/init.d, and what the
 * /etc/rc?.d/S* links start) that no package installed and whose commands download,
 * mine or run hidden programs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../collect/collect.h"
#include "../collect/facts.h"
#include "../collect/systemd.h"
#include "checks.h"

#define MAX_LINKS        16   /* rc?.d links listed per script */
#define WHOLE_SCRIPT_MAX 4096 /* bytes of a script judged as one command line as well */

typedef struct script {
	char *path;
	struct stat st;
	char *links[MAX_LINKS];
	size_t nlinks;
} script;

typedef struct scripts {
	script *v;
	size_t n, alloc;
	unsigned dropped;
} scripts;

static void scripts_free(scripts *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		for (size_t j = 0; j < s->v[i].nlinks; j++)
			free(s->v[i].links[j]);
	}
	free(s->v);
}

static script *find_ino(scripts *s, const struct stat *st)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].st.st_dev == st->st_dev && s->v[i].st.st_ino == st->st_ino)
			return &s->v[i];
	return NULL;
}

static mt_err add_script(scripts *s, const char *path, const struct stat *st, script **out)
{
	*out = NULL;
	if (s->n >= MT_MAX_INIT_SCRIPTS) {
		s->dropped++;
		return MT_OK;
	}
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 64;
		script *nv = realloc(s->v, na * sizeof(*nv));
		if (!nv)
			return MT_ERR_NOMEM;
		s->v = nv;
		s->alloc = na;
	}
	script *x = &s->v[s->n];
	memset(x, 0, sizeof(*x));
	x->path = mt_strdup(path);
	if (!x->path)
		return MT_ERR_NOMEM;
	x->st = *st;
	s->n++;
	*out = x;
	return MT_OK;
}

#define MAX_FLAGGED 6 /* flagged lines remembered per script (for remove_line) */

typedef struct judge_state {
	const mt_rules *rules;
	mt_cmd_verdict all; /* the reasons of every flagged line together */
	mt_severity worst_sev;
	unsigned worst_line;
	char line[512];
	unsigned flagged;
	struct {
		unsigned lineno;
		mt_severity sev;
		char sha[65];
	} fl[MAX_FLAGGED];
	size_t nfl;
} judge_state;

/* Adds the reasons of v to the script's verdict (each code and rule once). */
static void merge(mt_cmd_verdict *all, const mt_cmd_verdict *v)
{
	if (v->severity > all->severity)
		all->severity = v->severity;
	for (unsigned i = 0; i < v->nreasons; i++) {
		int dup = 0;
		/* the same code and rule once; paths (tmp_exec, hidden_exec) once each */
		for (unsigned j = 0; j < all->nreasons && !dup; j++)
			dup = strcmp(all->reasons[j].code, v->reasons[i].code) == 0 &&
			      all->reasons[j].rule == v->reasons[i].rule &&
			      (v->reasons[i].detail[0] != '/' ||
			       strcmp(all->reasons[j].detail, v->reasons[i].detail) == 0);
		if (!dup && all->nreasons < MT_ARRAY_LEN(all->reasons))
			all->reasons[all->nreasons++] = v->reasons[i];
	}
	/* "download" says less than "download_exec": keep the stronger one */
	int dx = 0;
	for (unsigned j = 0; j < all->nreasons; j++)
		dx |= strcmp(all->reasons[j].code, "download_exec") == 0;
	if (dx) {
		unsigned k = 0;
		for (unsigned j = 0; j < all->nreasons; j++)
			if (strcmp(all->reasons[j].code, "download") != 0)
				all->reasons[k++] = all->reasons[j];
		all->nreasons = k;
	}
}

static int on_line(void *p, const mt_cron_entry *e)
{
	judge_state *js = p;
	mt_cmd_verdict v;
	mt_judge_command(js->rules, e->command, e->command_len, &v);
	if (!v.nreasons)
		return 0;
	js->flagged++;
	merge(&js->all, &v);
	if (js->nfl < MAX_FLAGGED) {
		js->fl[js->nfl].lineno = e->lineno;
		js->fl[js->nfl].sev = v.severity;
		mt_sha256_hex(e->line, e->line_len, js->fl[js->nfl].sha);
		js->nfl++;
	}
	if (js->flagged > 1 && v.severity <= js->worst_sev)
		return 0;
	js->worst_sev = v.severity;
	js->worst_line = e->lineno;
	size_t n = e->line_len < sizeof(js->line) - 1 ? e->line_len : sizeof(js->line) - 1;
	memcpy(js->line, e->line, n);
	js->line[n] = '\0';
	return 0;
}

static mt_err judge_script(mt_ctx *ctx, const mt_check_info *self, mt_pkgdb *db, int havedb,
                           const script *s)
{
	const char *owner = havedb ? mt_pkgdb_owner(db, s->path) : NULL;
	char *data;
	size_t len;
	int trunc;
	mt_err e = mt_host_read_file(ctx->host, s->path, MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e != MT_OK) {
		mt_report_diag(ctx->report, "%s: %s", s->path, mt_strerror(e));
		return e == MT_ERR_NOMEM ? e : MT_OK;
	}
	if (trunc)
		mt_report_diag(ctx->report, "%s: only the first %u bytes were read", s->path,
		               (unsigned)MT_MAX_FILE_READ);
	judge_state js;
	memset(&js, 0, sizeof(js));
	js.rules = ctx->rules;
	unsigned bad = 0;
	mt_cron_parse(s->path, data, len, MT_CRON_SCRIPT, NULL, &s->st, on_line, &js, &bad);
	/* a small script no package owns is also judged as a whole: a download on one line
	 * and "chmod +x" and running it on the next ones are download-and-execute. (Not
	 * for packaged scripts: unrelated lines of a long script would be combined.) */
	if (!owner && js.flagged && len <= WHOLE_SCRIPT_MAX) {
		mt_cmd_verdict whole;
		mt_judge_command(ctx->rules, data, len, &whole);
		merge(&js.all, &whole);
	}
	free(data);
	if (bad)
		mt_report_diag(ctx->report, "%s: %u line(s) too long to judge", s->path, bad);
	if (!js.flagged)
		return MT_OK;
	/* A packaged script is an edited conffile at worst (admins do edit them): only a
	 * critical command in it (a miner, a campaign host, download-and-run) is reported. */
	if (owner && js.all.severity < MT_SEV_CRITICAL)
		return MT_OK;

	mt_severity sev = js.all.severity;
	unsigned conf = sev >= MT_SEV_CRITICAL ? 90 : sev >= MT_SEV_HIGH ? 75 : 45;
	mt_finding *f = mt_finding_new(self, sev, conf);
	mt_finding_text(f, MT_LANG_EN,
	                s->nlinks ? "Boot script runs a malicious command"
	                          : "Init script holds a malicious command",
	                "SysV init script %s (%s, %s), %u flagged line(s), the worst at line %u",
	                s->path,
	                owner    ? owner
	                : havedb ? "no package owns it"
	                         : "no package database",
	                s->nlinks ? "started at boot by an rc?.d/S link" : "no rc?.d/S link",
	                js.flagged, js.worst_line);
	mt_finding_text(f, MT_LANG_ZH,
	                s->nlinks ? "开机启动脚本执行恶意命令" : "init脚本包含恶意命令",
	                "SysV启动脚本%s(%s，%s)，共%u行可疑，最严重的是第%u行", s->path,
	                owner    ? owner
	                : havedb ? "不属于任何软件包"
	                         : "无软件包数据库",
	                s->nlinks ? "有rc?.d/S开机链接" : "无开机链接", js.flagged, js.worst_line);
	mt_finding_str(f, "path", s->path, 1);
	mt_finding_int(f, "lineno", js.worst_line, 0);
	mt_finding_str(f, "line", js.line, 0);
	mt_finding_int(f, "flagged_lines", js.flagged, 0);
	if (havedb)
		mt_finding_str(f, "owner", owner ? owner : "unowned", 0);
	mt_finding_int(f, "enabled", s->nlinks > 0, 0);
	if (s->nlinks) {
		char buf[1024];
		size_t bl = 0;
		buf[0] = '\0';
		for (size_t i = 0; i < s->nlinks; i++) {
			int w = snprintf(buf + bl, sizeof(buf) - bl, "%s%s", i ? " " : "",
			                 s->links[i]);
			if (w < 0 || (size_t)w >= sizeof(buf) - bl)
				break;
			bl += (size_t)w;
		}
		mt_finding_str(f, "rc_links", buf, 0);
	}
	mt_finding_int(f, "mtime", (long long)s->st.st_mtime, 0);
	mt_finding_int(f, "ctime", (long long)s->st.st_ctime, 0);
	mt_verdict_explain(f, &js.all);

	/* remedy: a script of its own goes to quarantine (its rc links then start
	 * nothing); in a packaged script only the critical lines are taken out. Programs
	 * run from temporary or hidden places are quarantined too. */
	mt_action *a;
	if (owner) {
		for (size_t i = 0; i < js.nfl; i++) {
			if (js.fl[i].sev < MT_SEV_CRITICAL)
				continue;
			a = mt_finding_action(f, "remove_line");
			mt_action_str(f, a, "path", s->path);
			mt_action_int(f, a, "lineno", js.fl[i].lineno);
			mt_action_str(f, a, "line_sha256", js.fl[i].sha);
		}
	} else {
		a = mt_finding_action(f, "quarantine_file");
		mt_action_str(f, a, "path", s->path);
	}
	mt_verdict_remedies(f, &js.all, s->path);
	e = mt_report_add(ctx->report, f);
	return e == MT_ERR_NOMEM ? e : MT_OK;
}

/* Lists the directories of paths once each (CentOS: /etc/init.d -> rc.d/init.d). */
static int dir_seen(mt_host *h, const char *dir, struct stat *seen, size_t *nseen, size_t max)
{
	struct stat st;
	if (mt_host_stat(h, dir, 1, &st) != MT_OK || !S_ISDIR(st.st_mode))
		return 1;
	for (size_t i = 0; i < *nseen; i++)
		if (seen[i].st_dev == st.st_dev && seen[i].st_ino == st.st_ino)
			return 1;
	if (*nseen < max)
		seen[(*nseen)++] = st;
	return 0;
}

mt_err mt_check_persist_initd(mt_ctx *ctx, const mt_check_info *self)
{
	/* RHEL/CentOS keep the real directories under /etc/rc.d (with /etc/init.d and
	 * /etc/rc?.d symlinks to them): listed first, so paths are reported as they are */
	static const char *const init_dirs[] = {"/etc/rc.d/init.d", "/etc/init.d"};
	static const char *const rc_dirs[] = {
		"/etc/rc.d/rc0.d", "/etc/rc.d/rc1.d", "/etc/rc.d/rc2.d", "/etc/rc.d/rc3.d",
		"/etc/rc.d/rc4.d", "/etc/rc.d/rc5.d", "/etc/rc.d/rc6.d", "/etc/rcS.d",
		"/etc/rc0.d",      "/etc/rc1.d",      "/etc/rc2.d",      "/etc/rc3.d",
		"/etc/rc4.d",      "/etc/rc5.d",      "/etc/rc6.d"};
	struct stat seen[32];
	size_t nseen = 0;
	scripts ss;
	memset(&ss, 0, sizeof(ss));
	mt_pkgdb *db = mt_ctx_pkgdb(ctx);
	int havedb = mt_pkgdb_present(db);
	mt_err e = MT_OK;

	for (size_t d = 0; d < MT_ARRAY_LEN(init_dirs) && e == MT_OK; d++) {
		if (dir_seen(ctx->host, init_dirs[d], seen, &nseen, MT_ARRAY_LEN(seen)))
			continue;
		mt_dirent *ents;
		size_t n;
		mt_err le = mt_host_list(ctx->host, init_dirs[d], MT_LIST_GETDENTS, &ents, &n);
		if (le != MT_OK) {
			mt_report_diag(ctx->report, "%s: %s", init_dirs[d], mt_strerror(le));
			continue;
		}
		for (size_t i = 0; i < n && e == MT_OK; i++) {
			char path[MT_MAX_PATH];
			struct stat st;
			script *x;
			if (snprintf(path, sizeof(path), "%s/%s", init_dirs[d], ents[i].name) >=
			    (int)sizeof(path))
				continue;
			if (mt_host_stat(ctx->host, path, 1, &st) != MT_OK ||
			    !S_ISREG(st.st_mode) || find_ino(&ss, &st))
				continue;
			e = add_script(&ss, path, &st, &x);
		}
		mt_dirents_free(ents, n);
	}

	/* S links of the runlevels: to a script above, or to something else entirely */
	for (size_t d = 0; d < MT_ARRAY_LEN(rc_dirs) && e == MT_OK; d++) {
		if (dir_seen(ctx->host, rc_dirs[d], seen, &nseen, MT_ARRAY_LEN(seen)))
			continue;
		mt_dirent *ents;
		size_t n;
		if (mt_host_list(ctx->host, rc_dirs[d], MT_LIST_GETDENTS, &ents, &n) != MT_OK)
			continue;
		for (size_t i = 0; i < n && e == MT_OK; i++) {
			char path[MT_MAX_PATH];
			struct stat st;
			if (ents[i].name[0] != 'S')
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", rc_dirs[d], ents[i].name) >=
			    (int)sizeof(path))
				continue;
			mt_err se = mt_host_stat(ctx->host, path, 1, &st);
			if (se != MT_OK) {
				mt_report_diag(ctx->report, "%s: %s", path,
				               se == MT_ERR_NOENT
				                       ? "symbolic link to nothing inside the root"
				                       : mt_strerror(se));
				continue;
			}
			if (!S_ISREG(st.st_mode))
				continue;
			script *x = find_ino(&ss, &st);
			if (!x) {
				/* started from elsewhere: judged by the path it points to */
				char t[MT_MAX_PATH], real[MT_MAX_PATH];
				const char *p = path;
				if (mt_host_readlink_in(ctx->host, path, t, sizeof(t)) == MT_OK &&
				    mt_link_target_abs(path, t, real, sizeof(real)) == 0) {
					struct stat rst;
					if (mt_host_stat(ctx->host, real, 0, &rst) == MT_OK &&
					    S_ISREG(rst.st_mode))
						p = real;
				}
				e = add_script(&ss, p, &st, &x);
				if (e != MT_OK || !x)
					continue;
			}
			if (x->nlinks < MAX_LINKS) {
				x->links[x->nlinks] = mt_strdup(path);
				if (!x->links[x->nlinks])
					e = MT_ERR_NOMEM;
				else
					x->nlinks++;
			}
		}
		mt_dirents_free(ents, n);
	}
	if (ss.dropped)
		mt_report_diag(ctx->report, "init scripts: %u more than %u were not judged",
		               ss.dropped, (unsigned)MT_MAX_INIT_SCRIPTS);
	for (size_t i = 0; i < ss.n && e == MT_OK; i++)
		e = judge_script(ctx, self, db, havedb, &ss.v[i]);
	scripts_free(&ss);
	return e;
}
