/* win_tasks.c - win.tasks: scheduled tasks from both places Windows keeps them, the XML
 * definitions under System32\Tasks and the TaskCache keys of the SOFTWARE hive, judged by
 * what they run; a task in one place and not the other, or whose security descriptor was
 * removed from the cache (hidden from schtasks and the Task Scheduler), is itself a
 * reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../collect/walk.h"
#include "../collect/win/wintask.h"
#include "win_common.h"

#define TASKS_DIR "/Windows/System32/Tasks"
#define MAX_CACHE 8192

/* A task of the TaskCache: its name (Tree path) and what the cache holds for it. */
typedef struct cached {
	char name[512]; /* "\Microsoft\Windows\Defrag\ScheduledDefrag" */
	char id[64];    /* {GUID} */
	int has_sd;
	int has_file;
	int64_t written; /* the Tree key's last write */
	char *actions;   /* command lines from the Tasks\{GUID} Actions blob, '\n' joined */
} cached;

typedef struct tk_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_win *w;
	cached *c;
	size_t nc;
	cached **byname; /* c sorted by name, for the task files' lookups */
	unsigned files, bad;
	mt_err err;
} tk_state;

static int cmp_name(const void *a, const void *b)
{
	return strcasecmp((*(cached *const *)a)->name, (*(cached *const *)b)->name);
}

static int cmp_id(const void *a, const void *b)
{
	return strcasecmp((*(cached *const *)a)->id, (*(cached *const *)b)->id);
}

static cached *find_cached(tk_state *s, const char *name)
{
	if (!s->byname)
		return NULL;
	cached key, *kp = &key;
	snprintf(key.name, sizeof(key.name), "%s", name);
	cached **hit = bsearch(&kp, s->byname, s->nc, sizeof(*s->byname), cmp_name);
	return hit ? *hit : NULL;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A length-prefixed UTF-16 string of the Actions blob at *off. */
static int blob_str(const uint8_t *d, size_t n, size_t *off, mt_buf *out)
{
	if (*off + 4 > n)
		return -1;
	uint32_t l = le32(d + *off);
	*off += 4;
	if (l > n - *off || l % 2)
		return -1;
	mt_utf16le_to_utf8(d + *off, l, 1, out);
	*off += l;
	return 0;
}

/* The Exec actions of a TaskCache Actions value (version 1 or 3: a version word, a
 * context string for version 3, then per action its type 0x6666 for Exec followed by an
 * id string, the command, the arguments and the working directory). */
static char *cache_actions(const uint8_t *d, size_t n)
{
	mt_buf out;
	mt_buf_init(&out, 64 * 1024);
	if (n < 2)
		return NULL;
	unsigned ver = (unsigned)d[0] | (unsigned)d[1] << 8;
	size_t off = 2;
	if (ver >= 3) {
		mt_buf skip;
		mt_buf_init(&skip, 4096);
		int bad = blob_str(d, n, &off, &skip);
		mt_buf_free(&skip);
		if (bad)
			return NULL;
	}
	for (unsigned k = 0; k < 16 && off + 2 <= n; k++) {
		unsigned type = (unsigned)d[off] | (unsigned)d[off + 1] << 8;
		off += 2;
		if (type != 0x6666)
			break;
		mt_buf id, cmd, args, wd;
		mt_buf_init(&id, 4096);
		mt_buf_init(&cmd, 32 * 1024);
		mt_buf_init(&args, 32 * 1024);
		mt_buf_init(&wd, 4096);
		int ok = (ver < 3 || blob_str(d, n, &off, &id) == 0) &&
		         blob_str(d, n, &off, &cmd) == 0 && blob_str(d, n, &off, &args) == 0 &&
		         blob_str(d, n, &off, &wd) == 0;
		if (ver >= 3 && off + 2 <= n)
			off += 2; /* flags */
		if (ok && cmd.data && cmd.len)
			mt_buf_printf(&out, "%s%s%s%s", out.len ? "\n" : "", cmd.data,
			              args.len ? " " : "", args.len ? args.data : "");
		mt_buf_free(&id);
		mt_buf_free(&cmd);
		mt_buf_free(&args);
		mt_buf_free(&wd);
		if (!ok)
			break;
	}
	return mt_buf_take(&out, NULL);
}

typedef struct tree_ctx {
	tk_state *s;
	mt_regf *h;
	mt_regf_key tasks; /* TaskCache\Tasks */
	char path[512];
	unsigned depth;
} tree_ctx;

static int on_tree(void *p, mt_regf_key k)
{
	tree_ctx *t = p;
	tk_state *s = t->s;
	char name[256];
	if (mt_regf_key_name(t->h, k, name, sizeof(name)) <= 0 || s->nc >= MAX_CACHE)
		return 0;
	size_t pl = strlen(t->path);
	if (pl + strlen(name) + 2 >= sizeof(t->path))
		return 0;
	snprintf(t->path + pl, sizeof(t->path) - pl, "\\%s", name);
	mt_regf_value v;
	char *id = NULL;
	if (mt_regf_get_text(t->h, k, "", "Id", &id) == MT_OK && id) {
		cached *c = &s->c[s->nc++];
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", t->path);
		snprintf(c->id, sizeof(c->id), "%s", id);
		c->has_sd = mt_regf_value_get(t->h, k, "SD", &v) == MT_OK && v.len > 0;
		int64_t w = mt_filetime_unix(mt_regf_key_mtime(t->h, k));
		c->written = w == INT64_MIN ? 0 : w;
	}
	free(id);
	if (t->depth < 32) {
		t->depth++;
		mt_regf_each_subkey(t->h, k, on_tree, t);
		t->depth--;
	}
	t->path[pl] = '\0';
	return 0;
}

typedef struct ids_ctx {
	mt_regf *h;
	cached **byid;
	size_t n;
} ids_ctx;

/* One key of TaskCache\Tasks: its Actions to the Tree entry with that {GUID}. One pass
 * over the keys with a sorted index, not one search per task (5,000 tasks stay fast). */
static int on_task_key(void *p, mt_regf_key k)
{
	ids_ctx *x = p;
	cached key, *kp = &key;
	if (mt_regf_key_name(x->h, k, key.id, sizeof(key.id)) <= 0)
		return 0;
	cached **hit = bsearch(&kp, x->byid, x->n, sizeof(*x->byid), cmp_id);
	mt_regf_value v;
	if (!hit || mt_regf_value_get(x->h, k, "Actions", &v) != MT_OK)
		return 0;
	while (hit > x->byid && cmp_id(hit - 1, &kp) == 0)
		hit--; /* two Tree entries may name one {GUID}: each gets the actions */
	for (; hit < x->byid + x->n && cmp_id(hit, &kp) == 0; hit++)
		if (!(*hit)->actions)
			(*hit)->actions = cache_actions(v.data, v.len);
	return 0;
}

static void load_cache(tk_state *s)
{
	mt_regf *h = s->w->software.h;
	if (!h)
		return;
	mt_regf_key tree;
	const char *base = "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache";
	char p[200];
	snprintf(p, sizeof(p), "%s\\Tree", base);
	if (mt_regf_find(h, mt_regf_root(h), p, &tree) != MT_OK)
		return;
	tree_ctx t;
	memset(&t, 0, sizeof(t));
	t.s = s;
	t.h = h;
	snprintf(p, sizeof(p), "%s\\Tasks", base);
	if (mt_regf_find(h, mt_regf_root(h), p, &t.tasks) != MT_OK)
		t.tasks = 0;
	mt_regf_each_subkey(h, tree, on_tree, &t);
	if (s->nc == 0)
		return;
	s->byname = malloc(s->nc * sizeof(*s->byname));
	cached **byid = malloc(s->nc * sizeof(*byid));
	if (!s->byname || !byid) {
		free(s->byname);
		free(byid);
		s->byname = NULL;
		s->err = MT_ERR_NOMEM;
		return;
	}
	for (size_t i = 0; i < s->nc; i++)
		s->byname[i] = byid[i] = &s->c[i];
	qsort(s->byname, s->nc, sizeof(*s->byname), cmp_name);
	qsort(byid, s->nc, sizeof(*byid), cmp_id);
	if (t.tasks) {
		ids_ctx x = {h, byid, s->nc};
		mt_regf_each_subkey(h, t.tasks, on_task_key, &x);
	}
	free(byid);
}

/* Judges the actions of one task (from its file, or from the cache when it has none). */
static void judge_task(tk_state *s, const char *name, const char *file, const mt_task *task,
                       const char *cache_cmds, const cached *c)
{
	mt_cmd_verdict v;
	memset(&v, 0, sizeof(v));
	win_target first;
	memset(&first, 0, sizeof(first));
	char line0[4200] = "";
	mt_buf lines;
	mt_buf_init(&lines, 64 * 1024);
	int n = 0;
	for (size_t i = 0; task && i < task->nactions; i++) {
		mt_buf b;
		mt_buf_init(&b, 64 * 1024);
		mt_task_action_line(&task->actions[i], &b);
		if (b.data && b.len) {
			mt_cmd_verdict av;
			win_target t;
			win_judge(s->ctx, b.data, NULL, &av, &t);
			for (unsigned k = 0; k < av.nreasons; k++)
				mt__verdict_add(&v, av.reasons[k].code, av.reasons[k].severity,
				                av.reasons[k].rule, av.reasons[k].detail,
				                strlen(av.reasons[k].detail));
			if (n++ == 0) {
				first = t;
				snprintf(line0, sizeof(line0), "%s", b.data);
			}
			mt_buf_printf(&lines, "%s%s", lines.len ? "\n" : "", b.data);
		}
		mt_buf_free(&b);
	}
	for (const char *p = cache_cmds; !task && p && *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char cmd[4096];
		snprintf(cmd, sizeof(cmd), "%.*s", (int)l, p);
		mt_cmd_verdict av;
		win_target t;
		win_judge(s->ctx, cmd, NULL, &av, &t);
		for (unsigned k = 0; k < av.nreasons; k++)
			mt__verdict_add(&v, av.reasons[k].code, av.reasons[k].severity,
			                av.reasons[k].rule, av.reasons[k].detail,
			                strlen(av.reasons[k].detail));
		if (n++ == 0) {
			first = t;
			snprintf(line0, sizeof(line0), "%s", cmd);
		}
		mt_buf_printf(&lines, "%s%s", lines.len ? "\n" : "", cmd);
		p = e ? e + 1 : NULL;
	}
	/* a campaign's task name, as a path (\Microsoft\Windows\Bluetooths) or a leaf */
	const char *leaf = strrchr(name, '\\');
	if (!win_name_rule(s->ctx, MT_RK_TASK, name, "ioc_task", &v) && leaf)
		win_name_rule(s->ctx, MT_RK_TASK, leaf + 1, "ioc_task", &v);
	/* hiding is a reason only for a task that also runs something judged */
	int sd_removed = c && !c->has_sd;
	int no_file = c && !file;
	int not_cached = file && !c && s->nc > 0;
	if (v.nreasons && task && task->hidden)
		mt__verdict_add(&v, "hidden_task", MT_SEV_MEDIUM, NULL, name, strlen(name));
	if (sd_removed)
		mt__verdict_add(&v, "hidden_task", MT_SEV_HIGH, NULL, "SD value removed", 16);
	if (no_file && v.nreasons)
		mt__verdict_add(&v, "hidden_task", MT_SEV_HIGH, NULL, "no task file", 12);
	if (v.nreasons == 0) {
		mt_buf_free(&lines);
		return;
	}
	mt_severity sev = v.severity;
	if (task && !task->enabled && sev > MT_SEV_MEDIUM)
		sev = MT_SEV_MEDIUM;
	mt_finding *f = mt_finding_new(s->self, sev, win_confidence(sev));
	mt_finding_text(f, MT_LANG_EN, "Malicious or suspicious scheduled task", "Task %s runs %s",
	                name, line0[0] ? line0 : "(no program)");
	mt_finding_text(f, MT_LANG_ZH, "恶意或可疑的计划任务", "计划任务 %s 执行 %s", name,
	                line0[0] ? line0 : "(无程序)");
	mt_finding_str(f, "task", name, 1);
	if (file)
		mt_finding_str(f, "path", file, 0);
	mt_finding_str(f, "actions", lines.data ? lines.data : "", 0);
	if (task) {
		if (task->user_id)
			mt_finding_str(f, "run_as", task->user_id, 0);
		if (task->run_level)
			mt_finding_str(f, "run_level", task->run_level, 0);
		if (task->author)
			mt_finding_str(f, "author", task->author, 0);
		if (task->date)
			mt_finding_str(f, "registered", task->date, 0);
		mt_finding_int(f, "hidden", task->hidden, 0);
		mt_finding_int(f, "enabled", task->enabled, 0);
		unsigned every = 0;
		for (size_t i = 0; i < task->ntriggers; i++)
			if (task->triggers[i].interval &&
			    (!every || task->triggers[i].interval < every))
				every = task->triggers[i].interval;
		if (every)
			mt_finding_int(f, "repeat_seconds", every, 0);
	}
	if (c) {
		mt_finding_str(f, "cache_id", c->id, 0);
		mt_finding_int(f, "cache_sd", c->has_sd, 0);
		if (c->written)
			mt_finding_int(f, "key_written", c->written, 0);
	}
	mt_finding_int(f, "in_task_files", file != NULL, 0);
	mt_finding_int(f, "in_task_cache", c != NULL, 0);
	(void)not_cached;
	win_target_evidence(f, &first);
	mt_verdict_explain(f, &v);
	mt_action *a = mt_finding_action(f, "delete_task");
	mt_action_str(f, a, "name", name);
	if (sev >= MT_SEV_HIGH) {
		win_target_quarantine(f, &first);
		mt_verdict_remedies(f, &v, first.system_dir ? first.tree : NULL);
	}
	mt_buf_free(&lines);
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

static int on_file(void *p, const mt_walk_entry *e)
{
	tk_state *s = p;
	if (s->err != MT_OK)
		return MT_WALK_STOP;
	if (!S_ISREG(e->st->st_mode))
		return MT_WALK_CONTINUE;
	if (++s->files > MT_MAX_TASK_FILES)
		return MT_WALK_STOP;
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(s->ctx->host, e->path, MT_MAX_TASK_FILE, &data, &len, &trunc) !=
	    MT_OK)
		return MT_WALK_CONTINUE;
	mt_task task;
	int cut = 0;
	mt_err pe = mt_task_parse((const uint8_t *)data, len, &task, &cut);
	free(data);
	/* the task's name is its path below Tasks, with backslashes */
	char name[512];
	snprintf(name, sizeof(name), "%s", e->path + strlen(TASKS_DIR));
	for (char *c = name; *c; c++)
		if (*c == '/')
			*c = '\\';
	if (pe != MT_OK) {
		s->bad++;
		mt_report_diag(s->ctx->report, "%s: not a task definition that can be read: %s",
		               e->path, mt_strerror(pe));
		mt_task_free(&task);
		return MT_WALK_CONTINUE;
	}
	cached *c = find_cached(s, name);
	if (c)
		c->has_file = 1;
	judge_task(s, name, e->path, &task, NULL, c);
	mt_task_free(&task);
	return MT_WALK_CONTINUE;
}

mt_err mt_check_win_tasks(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	if (!w)
		return MT_OK;
	tk_state s;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.self = self;
	s.w = w;
	s.c = calloc(MAX_CACHE, sizeof(*s.c));
	if (!s.c)
		return MT_ERR_NOMEM;
	load_cache(&s);
	mt_walk_opts o = {16, 0, "win.tasks", MT_WALK_SCOPED};
	mt_err e = mt_walk(ctx->host, ctx->report, TASKS_DIR, &o, on_file, &s, NULL);
	if (e == MT_ERR_NOMEM)
		s.err = e;
	/* tasks the cache knows and no file defines: judged by the cache's own actions */
	for (size_t i = 0; i < s.nc && s.err == MT_OK; i++)
		if (!s.c[i].has_file)
			judge_task(&s, s.c[i].name, NULL, NULL, s.c[i].actions, &s.c[i]);
	for (size_t i = 0; i < s.nc; i++)
		free(s.c[i].actions);
	free(s.c);
	free(s.byname);
	return s.err;
}
