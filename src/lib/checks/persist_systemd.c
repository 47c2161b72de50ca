/* persist_systemd.c - persist.systemd: service units (and their drop-ins and timers)
 * whose commands download, mine or run hidden programs, and unpackaged units that keep a
 * program alive for ever the way Kinsing's bot.service does */
#include <stdio.h>
#include <string.h>

#include "../collect/facts.h"
#include "../collect/systemd.h"
#include "checks.h"

typedef struct sd_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_pkgdb *db;
	int havedb;
	const mt_users *users;
	const mt_units *units;
} sd_state;

/* The program of a command line: its first word, quotes removed. */
static void first_word(const char *cmd, char *out, size_t n)
{
	size_t o = 0;
	const char *p = cmd;
	while (*p == ' ' || *p == '\t')
		p++;
	char q = 0;
	for (; *p && o + 1 < n; p++) {
		if (!q && (*p == '"' || *p == '\'')) {
			q = *p;
			continue;
		}
		if (q && *p == q) {
			q = 0;
			continue;
		}
		if (!q && (*p == ' ' || *p == '\t'))
			break;
		out[o++] = *p;
	}
	out[o] = '\0';
}

/* The package of program prog (a bare name is looked for in the usual bin dirs). */
static const char *prog_owner(const mt_pkgdb *db, const char *prog)
{
	static const char *const bins[] = {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/",
	                                   "/usr/local/bin/"};
	if (prog[0] == '/')
		return mt_pkgdb_owner(db, prog);
	for (size_t i = 0; i < MT_ARRAY_LEN(bins); i++) {
		char p[MT_MAX_PATH];
		snprintf(p, sizeof(p), "%s%s", bins[i], prog);
		const char *o = mt_pkgdb_owner(db, p);
		if (o)
			return o;
	}
	return NULL;
}

/* A program in a home directory: /root, /home, or the home of a login account. */
static int in_home(const mt_users *users, const char *prog)
{
	if (strncmp(prog, "/root/", 6) == 0 || strncmp(prog, "/home/", 6) == 0)
		return 1;
	for (size_t i = 0; i < users->n; i++) {
		const char *h = users->v[i].home;
		size_t hl = h ? strlen(h) : 0;
		if (users->v[i].uid < 1000 || hl < 2 || strcmp(h, "/nonexistent") == 0)
			continue;
		if (strncmp(prog, h, hl) == 0 && prog[hl] == '/')
			return 1;
	}
	return 0;
}

/* Where third-party software is installed by hand (FHS): cloud agents, vendor tools. */
static int vendor_dir(const char *prog)
{
	return strncmp(prog, "/opt/", 5) == 0 || strncmp(prog, "/usr/local/", 11) == 0;
}

static const char *scope_name(const mt_unit *u)
{
	return u->scope == MT_UNIT_SYSTEM ? "system" : "user";
}

static mt_err report_exec(sd_state *st, const mt_unit *u, const mt_unit_exec *x)
{
	mt_cmd_verdict v;
	mt_judge_command(st->ctx->rules, x->command, strlen(x->command), &v);
	mt_judge_targets(st->ctx, x->command, strlen(x->command), &v);

	const char *src = x->dropin ? x->path : (u->real_path ? u->real_path : x->path);
	const char *owner = st->havedb ? mt_pkgdb_owner(st->db, src) : NULL;
	int unowned = st->havedb && !owner;
	int always = u->restart && strcmp(u->restart, "always") == 0;
	int timer = u->triggered_by != NULL;
	int runs = u->enabled || (timer && u->trigger_enabled);
	char prog[MT_MAX_PATH];
	first_word(x->command, prog, sizeof(prog));

	mt_severity sev;
	unsigned conf;
	const char *extra = NULL; /* reasons of our own when the judge found nothing */
	if (v.nreasons) {
		sev = v.severity;
		conf = sev >= MT_SEV_CRITICAL ? 95 : sev >= MT_SEV_HIGH ? 80 : 50;
		if (unowned && (always || timer) && conf < 95)
			conf += 10;
	} else if (unowned && (always || timer) && in_home(st->users, prog)) {
		sev = MT_SEV_MEDIUM;
		conf = 50;
		extra = always ? "unowned_unit,restart_always,home_exec"
		               : "unowned_unit,timer,home_exec";
	} else if (unowned && always && strcmp(x->key, "ExecStart") == 0) {
		/* Kinsing's bot.service and miner watchdogs: a unit no package installed that
		 * systemd restarts for ever. A packaged program (an interpreter) or one in the
		 * vendor directories (cloud agents) makes it weaker; so does a unit that is
		 * neither enabled nor started by a timer. */
		const char *po = st->havedb ? prog_owner(st->db, prog) : NULL;
		sev = (!po && !vendor_dir(prog) && runs) ? MT_SEV_MEDIUM : MT_SEV_LOW;
		conf = sev == MT_SEV_MEDIUM ? 40 : 25;
		extra = po ? "unowned_unit,restart_always"
		           : "unowned_unit,restart_always,unowned_program";
	} else {
		return MT_OK;
	}
	/* a masked unit does not run: what is left is a file to clean up */
	if (u->masked && sev > MT_SEV_MEDIUM)
		sev = MT_SEV_MEDIUM;

	mt_finding *f = mt_finding_new(st->self, sev, conf);
	const char *te, *tz;
	if (extra && strstr(extra, "home_exec")) {
		te = "Unpackaged service runs a program from a home directory";
		tz = "非软件包安装的服务执行家目录中的程序";
	} else if (extra) {
		te = "Unpackaged service that systemd restarts for ever";
		tz = "非软件包安装且总是自动重启的服务";
	} else if (x->dropin) {
		te = "Drop-in makes a service run a malicious command";
		tz = "drop-in配置让服务执行恶意命令";
	} else if (timer) {
		te = "Timer starts a malicious command";
		tz = "定时器触发恶意命令";
	} else if (u->scope != MT_UNIT_SYSTEM) {
		te = "User service runs a malicious command";
		tz = "用户级服务执行恶意命令";
	} else {
		te = "Service runs a malicious command";
		tz = "服务执行恶意命令";
	}
	/* our own reasons, when the command judge found nothing */
	char ren[512] = "", rzh[512] = "";
	if (extra) {
		static const struct {
			const char *code, *en, *zh;
		} txt[] = {
			{"unowned_unit", "no package installed the unit", "该单元不属于任何软件包"},
			{"restart_always", "Restart=always keeps it running",
		         "Restart=always使其一直运行"},
			{"timer", "a timer starts it", "由定时器启动"},
			{"home_exec", "the program is in a home directory", "程序位于家目录"},
			{"unowned_program", "no package installed the program",
		         "程序不属于任何软件包"},
		};
		size_t el = 0, zl = 0;
		for (size_t i = 0; i < MT_ARRAY_LEN(txt); i++) {
			if (!strstr(extra, txt[i].code))
				continue;
			int w = snprintf(ren + el, sizeof(ren) - el, "%s%s", el ? "; " : ": ",
			                 txt[i].en);
			if (w > 0 && (size_t)w < sizeof(ren) - el)
				el += (size_t)w;
			w = snprintf(rzh + zl, sizeof(rzh) - zl, "%s%s", zl ? "；" : "：",
			             txt[i].zh);
			if (w > 0 && (size_t)w < sizeof(rzh) - zl)
				zl += (size_t)w;
		}
	}
	mt_finding_text(f, MT_LANG_EN, te, "%s of %s %s unit %s (%s line %u)%s%s%s%s", x->key,
	                u->enabled ? "enabled" : "not enabled", scope_name(u), u->name,
	                x->dropin ? "drop-in" : "file", x->lineno, timer ? ", started by " : "",
	                timer ? u->triggered_by : "", u->masked ? ", masked (does not run)" : "",
	                ren);
	mt_finding_text(f, MT_LANG_ZH, tz, "%s单元%s(%s%s)的%s(%s第%u行)%s%s%s%s",
	                u->scope == MT_UNIT_SYSTEM ? "系统" : "用户", u->name,
	                u->enabled ? "已启用" : "未启用", u->masked ? "，已屏蔽不会运行" : "",
	                x->key, x->dropin ? "drop-in" : "文件", x->lineno, timer ? "，由" : "",
	                timer ? u->triggered_by : "", timer ? "触发" : "", rzh);

	mt_finding_str(f, "unit", u->name, 1);
	if (u->scope != MT_UNIT_SYSTEM)
		mt_finding_str(f, "scope", scope_name(u), 0);
	if (u->user)
		mt_finding_str(f, "user", u->user, 1);
	if (u->path)
		mt_finding_str(f, "path", u->path, 1);
	if (u->path && u->real_path && strcmp(u->path, u->real_path) != 0)
		mt_finding_str(f, "link_target", u->real_path, 0);
	if (x->dropin)
		mt_finding_str(f, "dropin", x->path, 1);
	mt_finding_str(f, "key", x->key, 0);
	mt_finding_str(f, "line", x->line, 1);
	mt_finding_int(f, "lineno", x->lineno, 0);
	mt_finding_str(f, "command", x->command, 0);
	if (st->havedb)
		mt_finding_str(f, "owner", owner ? owner : "unowned", 0);
	if (st->havedb && x->dropin && u->real_path) {
		const char *uo = mt_pkgdb_owner(st->db, u->real_path);
		mt_finding_str(f, "unit_owner", uo ? uo : "unowned", 0);
	}
	mt_finding_int(f, "enabled", u->enabled, 0);
	if (u->enabled_by)
		mt_finding_str(f, "enabled_by", u->enabled_by, 0);
	mt_finding_int(f, "masked", u->masked, 0);
	if (u->restart)
		mt_finding_str(f, "restart", u->restart, 0);
	if (u->exec_user)
		mt_finding_str(f, "run_as", u->exec_user, 0);
	if (timer) {
		mt_finding_str(f, "timer", u->triggered_by, 0);
		if (u->trigger_schedule)
			mt_finding_str(f, "schedule", u->trigger_schedule, 0);
	}
	struct stat fst;
	if (mt_host_stat(st->ctx->host, x->path, 1, &fst) == MT_OK) {
		mt_finding_int(f, "mtime", (long long)fst.st_mtime, 0);
		mt_finding_int(f, "ctime", (long long)fst.st_ctime, 0);
	}
	if (extra) {
		mt_finding_str(f, "program", prog, 0);
		mt_finding_str(f, "reasons", extra, 0);
	} else {
		mt_verdict_explain(f, &v);
	}

	/* remedy: a drop-in is taken out (the packaged unit then runs as shipped); a unit
	 * is disabled (and stopped) by respond; programs from temporary or hidden places
	 * and known miners are quarantined */
	mt_action *a;
	if (x->dropin) {
		mt_finding_quarantine(f, x->path);
	} else if (u->masked && u->path) {
		mt_finding_quarantine(f, u->path);
	} else {
		a = mt_finding_action(f, "disable_unit");
		mt_action_str(f, a, "unit", u->name);
		if (u->path)
			mt_action_str(f, a, "path", u->path);
		mt_action_str(f, a, "scope", scope_name(u));
		if (u->user)
			mt_action_str(f, a, "user", u->user);
		if (timer) {
			const mt_unit *t =
				mt_units_find(st->units, u->scope, u->user, u->triggered_by);
			a = mt_finding_action(f, "disable_unit");
			mt_action_str(f, a, "unit", u->triggered_by);
			if (t && t->path)
				mt_action_str(f, a, "path", t->path);
			mt_action_str(f, a, "scope", scope_name(u));
			if (u->user)
				mt_action_str(f, a, "user", u->user);
		}
	}
	mt_verdict_remedies(f, &v, NULL);
	if (extra && strstr(extra, "home_exec") && prog[0] == '/')
		mt_finding_quarantine(f, prog);
	mt_err err = mt_report_add(st->ctx->report, f);
	return err == MT_ERR_NOMEM ? err : MT_OK;
}

mt_err mt_check_persist_systemd(mt_ctx *ctx, const mt_check_info *self)
{
	sd_state st = {ctx, self, mt_ctx_pkgdb(ctx), 0, mt_ctx_users(ctx), NULL};
	st.havedb = mt_pkgdb_present(st.db);
	mt_units *units;
	mt_err e = mt_units_collect(ctx->host, ctx->report, st.users, &units);
	if (e != MT_OK)
		return e;
	st.units = units;
	for (size_t i = 0; i < units->n && e == MT_OK; i++) {
		const mt_unit *u = &units->v[i];
		for (size_t j = 0; j < u->nexec && e == MT_OK; j++)
			e = report_exec(&st, u, &u->exec[j]);
	}
	mt_units_free(units);
	return e;
}
