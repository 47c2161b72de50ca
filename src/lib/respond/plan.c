/* plan.c - a scan report's remedy actions into an ordered, explained plan */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respond/respond_int.h"

static const struct {
	const char *action;
	int phase;
	int manual;
} kinds[] = {
	{"unmount", MT_PH_UNMOUNT, 0},          {"kill_tree", MT_PH_KILL, 0},
	{"clear_flags", MT_PH_FLAGS, 0},        {"quarantine_file", MT_PH_QUARANTINE, 0},
	{"remove_line", MT_PH_EDIT, 0},         {"remove_key", MT_PH_EDIT, 0},
	{"disable_unit", MT_PH_UNIT, 0},        {"block_ip", MT_PH_FIREWALL, 0},
	{"change_password", MT_PH_MANUAL, 1},   {"lock_account", MT_PH_EDIT, 0},
	{"reinstall_package", MT_PH_MANUAL, 1},
};

static const char *const windows_actions[] = {
	"delete_reg_value", "delete_reg_key", "disable_service", "delete_task", "delete_wmi",
	"remove_portproxy", "remove_fw_rule", "disable_account", "harden"};

int mt_rs_windows_action(const char *action)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(windows_actions); i++)
		if (strcmp(windows_actions[i], action) == 0)
			return 1;
	return 0;
}

static void step_free(mt_pstep *s)
{
	if (!s)
		return;
	char **strs[] = {&s->action,   &s->finding, &s->check,    &s->sev,      &s->title_en,
	                 &s->title_zh, &s->target,  &s->evidence, &s->path,     &s->line_sha,
	                 &s->sha256,   &s->exe,     &s->ip,       &s->unit,     &s->flags,
	                 &s->user,     &s->package, &s->scope,    &s->path_lit, &s->hive,
	                 &s->regkey,   &s->value,   &s->name,     &s->consumer, &s->consumer_class,
	                 &s->filter,   &s->listen,  &s->rule_id,  &s->what,     &s->how,
	                 &s->profile,  &s->item};
	for (size_t i = 0; i < MT_ARRAY_LEN(strs); i++)
		free(*strs[i]);
	mt_buf_free(&s->also);
	mt_buf_free(&s->detail);
	mt_buf_free(&s->detail_zh);
	mt_buf_free(&s->entries);
	free(s);
}

void mt_plan_free(mt_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		step_free(p->steps[i]);
	free(p->steps);
	free(p);
}

size_t mt_plan_count(const mt_plan *p)
{
	return p ? p->n : 0;
}

size_t mt_plan_findings(const mt_plan *p)
{
	return p ? p->findings : 0;
}

const mt_step *mt_plan_get(const mt_plan *p, size_t i)
{
	if (!p || i >= p->n)
		return NULL;
	mt_pstep *s = p->steps[i];
	s->pub.also = s->also.data ? s->also.data : "";
	s->pub.detail = s->detail.data ? s->detail.data : "";
	s->pub.detail_zh = s->detail_zh.data ? s->detail_zh.data : s->pub.detail;
	s->pub.entries = s->entries.data ? s->entries.data : "";
	return &s->pub;
}

static char *dupstr(const mt_json *o, const char *k)
{
	const char *v = mt_json_str(o, k);
	if (v)
		return mt_strdup(v);
	const mt_json *n = mt_json_get(o, k);
	if (n && n->type == MT_JSON_NUM)
		return mt_strdup(n->str);
	return NULL;
}

static int only_has(const char *only, const char *id)
{
	if (!only || !*only)
		return 1;
	size_t il = strlen(id);
	for (const char *p = only; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == il && memcmp(p, id, l) == 0)
			return 1;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* "key=value; ..." of the evidence fields a responder needs to judge the action */
static char *evidence_text(const mt_json *ev)
{
	static const char *const keys[] = {"path", "lineno",  "line",    "pid",    "ppid",
	                                   "exe",  "cmdline", "sha256",  "remote", "user",
	                                   "unit", "command", "reasons", "rule",   "kind"};
	mt_buf b;
	mt_buf_init(&b, 8192);
	for (size_t i = 0; i < MT_ARRAY_LEN(keys); i++) {
		const mt_json *v = mt_json_get(ev, keys[i]);
		if (!v || (v->type != MT_JSON_STR && v->type != MT_JSON_NUM))
			continue;
		size_t l = v->len > 200 ? 200 : v->len;
		if (mt_buf_printf(&b, "%s%s=%.*s%s", b.len ? "; " : "", keys[i], (int)l, v->str,
		                  l < v->len ? "..." : ""))
			break;
	}
	char *s = b.data ? mt_buf_take(&b, NULL) : mt_strdup("");
	mt_buf_free(&b);
	return s;
}

static char *target_text(mt_pstep *s)
{
	mt_buf b;
	mt_buf_init(&b, 2 * MT_MAX_PATH);
	const char *a = s->action;
	if (strcmp(a, "kill_tree") == 0) {
		mt_buf_printf(&b, "pid %lld", (long long)s->pid);
		if (s->exe)
			mt_buf_printf(&b, " (%s)", s->exe);
		if (s->ppid > 0)
			mt_buf_printf(&b, ", parent pid %lld", (long long)s->ppid);
	} else if (strcmp(a, "remove_line") == 0 || strcmp(a, "remove_key") == 0) {
		mt_buf_printf(&b, "%s line %lld", s->path ? s->path : "?", (long long)s->lineno);
	} else if (strcmp(a, "disable_unit") == 0) {
		mt_buf_printf(&b, "%s", s->unit ? s->unit : "?");
		if (s->path)
			mt_buf_printf(&b, " (%s)", s->path);
	} else if (strcmp(a, "clear_flags") == 0) {
		mt_buf_printf(&b, "%s (%s)", s->path ? s->path : "?", s->flags ? s->flags : "");
	} else if (strcmp(a, "delete_reg_value") == 0) {
		mt_buf_printf(&b, "%s\\%s value \"%s\"", s->hive ? s->hive : "?",
		              s->regkey ? s->regkey : "?", s->value ? s->value : "");
	} else if (strcmp(a, "delete_reg_key") == 0) {
		mt_buf_printf(&b, "%s\\%s", s->hive ? s->hive : "?", s->regkey ? s->regkey : "?");
	} else if (strcmp(a, "disable_service") == 0) {
		mt_buf_printf(&b, "service %s", s->name ? s->name : "?");
	} else if (strcmp(a, "delete_task") == 0) {
		mt_buf_printf(&b, "task %s", s->name ? s->name : "?");
	} else if (strcmp(a, "delete_wmi") == 0) {
		mt_buf_printf(&b, "WMI %s \"%s\"",
		              s->consumer_class ? s->consumer_class : "consumer",
		              s->consumer ? s->consumer : "?");
		if (s->filter)
			mt_buf_printf(&b, ", filter \"%s\"", s->filter);
	} else if (strcmp(a, "remove_portproxy") == 0) {
		mt_buf_printf(&b, "portproxy %s", s->listen ? s->listen : "?");
	} else if (strcmp(a, "remove_fw_rule") == 0) {
		mt_buf_printf(&b, "firewall rule %s", s->rule_id ? s->rule_id : "?");
	} else if (strcmp(a, "harden") == 0) {
		mt_buf_printf(&b, "%s", s->what ? s->what : "?");
		if (s->how)
			mt_buf_printf(&b, " (%s)", s->how);
	} else if (s->ip) {
		mt_buf_adds(&b, s->ip);
	} else if (s->path) {
		mt_buf_adds(&b, s->path);
	} else if (s->user) {
		mt_buf_printf(&b, "user %s", s->user);
	} else if (s->package) {
		mt_buf_printf(&b, "package %s", s->package);
	}
	char *t = b.data ? mt_buf_take(&b, NULL) : mt_strdup("");
	mt_buf_free(&b);
	return t;
}

/* The identity of an action: the same action asked by two findings runs once, and the
 * journal knows it again on the next run. */
static void make_key(mt_pstep *s, mt_buf *id)
{
	mt_buf_printf(id, "%s|%s|%lld|%s|%s|%lld|%lld|%s|%s|%s|%s|%s", s->action,
	              s->path ? s->path : "", (long long)s->lineno, s->line_sha ? s->line_sha : "",
	              s->exe ? s->exe : "", (long long)s->pid, (long long)s->start,
	              s->ip ? s->ip : "", s->unit ? s->unit : "", s->flags ? s->flags : "",
	              s->user ? s->user : "", s->package ? s->package : "");
	const char *const w[] = {s->hive,     s->regkey,         s->value,  s->name,
	                         s->consumer, s->consumer_class, s->filter, s->listen,
	                         s->rule_id,  s->what,           s->how};
	for (size_t i = 0; i < MT_ARRAY_LEN(w); i++)
		mt_buf_printf(id, "|%s", w[i] ? w[i] : "");
	char h[65];
	mt_sha256_hex(id->data ? id->data : "", id->len, h);
	memcpy(s->key, h, 16);
	s->key[16] = '\0';
}

static mt_err add_finding(mt_plan *p, const mt_json *f, const char *only)
{
	const char *id = mt_json_str(f, "id");
	const mt_json *rem = mt_json_get(f, "remedy");
	if (!id)
		return MT_ERR_PARSE;
	p->findings++;
	if (!only_has(only, id) || !rem || rem->type != MT_JSON_ARR)
		return rem && rem->type != MT_JSON_ARR ? MT_ERR_PARSE : MT_OK;
	const mt_json *ev = mt_json_get(f, "evidence");
	for (const mt_json *a = rem->child; a; a = a->next) {
		const char *act = mt_json_str(a, "action");
		if (!act)
			return MT_ERR_PARSE;
		mt_pstep *s = calloc(1, sizeof(*s));
		if (!s)
			return MT_ERR_NOMEM;
		mt_buf_init(&s->also, 64 * 1024);
		mt_buf_init(&s->detail, 8192);
		mt_buf_init(&s->detail_zh, 8192);
		mt_buf_init(&s->entries, 4096);
		s->phase = MT_PH_MANUAL;
		s->pub.manual = 1;
		for (size_t k = 0; k < MT_ARRAY_LEN(kinds); k++)
			if (strcmp(kinds[k].action, act) == 0) {
				s->phase = kinds[k].phase;
				s->pub.manual = kinds[k].manual;
			}
		s->action = mt_strdup(act);
		s->finding = mt_strdup(id);
		s->check = dupstr(f, "check");
		s->sev = dupstr(f, "severity");
		s->title_en = dupstr(f, "title_en");
		s->title_zh = dupstr(f, "title_zh");
		if (!s->title_en)
			s->title_en = dupstr(f, "title");
		s->path = dupstr(a, "path");
		/* a name with bytes that are not UTF-8 reaches the report as \xNN: back to
		 * the bytes on disk (the text as written is kept: a name may hold "\xff") */
		if (s->path) {
			char *lit = mt_strdup(s->path);
			if (lit && mt_rs_unescape_bytes(s->path))
				s->path_lit = lit;
			else
				free(lit);
		}
		s->line_sha = dupstr(a, "line_sha256");
		s->sha256 = dupstr(a, "sha256");
		s->exe = dupstr(a, "exe");
		mt_rs_unescape_bytes(s->exe); /* compared with readlink(/proc/PID/exe) */
		s->ip = dupstr(a, "ip");
		s->unit = dupstr(a, "unit");
		s->flags = dupstr(a, "flags");
		s->user = dupstr(a, "user");
		s->package = dupstr(a, "package");
		s->scope = dupstr(a, "scope");
		s->hive = dupstr(a, "hive");
		s->regkey = dupstr(a, "key");
		s->value = dupstr(a, "value");
		s->name = dupstr(a, "name");
		s->consumer = dupstr(a, "consumer");
		s->consumer_class = dupstr(a, "consumer_class");
		s->filter = dupstr(a, "filter");
		s->listen = dupstr(a, "listen");
		s->rule_id = dupstr(a, "rule_id");
		s->what = dupstr(a, "what");
		s->how = dupstr(a, "how");
		s->profile = dupstr(a, "profile");
		s->item = dupstr(a, "item");
		mt_json_int(a, "lineno", &s->lineno);
		mt_json_int(a, "pid", &s->pid);
		int64_t v = 0;
		if (mt_json_int(a, "start_ticks", &v))
			s->start = v;
		mt_json_int(a, "parent_pid", &s->ppid);
		if (mt_json_int(a, "parent_start_ticks", &v))
			s->pstart = v;
		s->evidence = ev ? evidence_text(ev) : mt_strdup("");
		s->target = target_text(s);
		if (!s->action || !s->finding || !s->evidence || !s->target) {
			step_free(s);
			return MT_ERR_NOMEM;
		}
		mt_buf kb;
		mt_buf_init(&kb, 4 * MT_MAX_PATH + 4096);
		make_key(s, &kb);
		mt_buf_free(&kb);
		/* asked for already by another finding: one step naming both */
		mt_pstep *dup = NULL;
		for (size_t i = 0; i < p->n && !dup; i++)
			if (strcmp(p->steps[i]->key, s->key) == 0)
				dup = p->steps[i];
		if (dup) {
			mt_buf_printf(&dup->also, "%s%s", dup->also.len ? " " : "", id);
			step_free(s);
			continue;
		}
		if (p->n >= MT_MAX_PLAN_STEPS) {
			step_free(s);
			return MT_ERR_LIMIT;
		}
		if (p->n == p->alloc) {
			size_t na = p->alloc ? p->alloc * 2 : 32;
			mt_pstep **ns = realloc(p->steps, na * sizeof(*ns));
			if (!ns) {
				step_free(s);
				return MT_ERR_NOMEM;
			}
			p->steps = ns;
			p->alloc = na;
		}
		s->seq = p->n;
		p->steps[p->n++] = s;
	}
	return MT_OK;
}

static int step_cmp(const void *a, const void *b)
{
	const mt_pstep *x = *(mt_pstep *const *)a, *y = *(mt_pstep *const *)b;
	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	/* the edits of one file together, its lines from the bottom up, so that the line
	 * numbers above stay right */
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->phase == MT_PH_EDIT && x->lineno != y->lineno)
		return x->lineno > y->lineno ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

mt_err mt_plan_parse(const char *data, size_t len, const char *only, mt_plan **out, mt_diag_fn diag,
                     void *ctx)
{
	*out = NULL;
	mt_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return MT_ERR_NOMEM;
	mt_err e = MT_OK;
	unsigned lineno = 0;
	int summary = 0;
	char msg[256];
	for (size_t off = 0; off < len && e == MT_OK;) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t l = end - off;
		lineno++;
		const char *s = data + off;
		off = nl ? end + 1 : len;
		size_t k = 0;
		while (k < l && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
			k++;
		if (k == l)
			continue;
		mt_json *o = NULL;
		size_t at = 0;
		e = mt_json_parse(s, l, &o, &at);
		if (e != MT_OK) {
			snprintf(msg, sizeof(msg),
			         "not valid JSON (%s at byte %zu): the report is refused",
			         mt_strerror(e), at);
			if (diag)
				diag(ctx, "report", lineno, msg);
			break;
		}
		const char *type = mt_json_str(o, "type");
		if (!type || o->type != MT_JSON_OBJ) {
			e = MT_ERR_PARSE;
			if (diag)
				diag(ctx, "report", lineno,
				     "a record without \"type\": not a scan report");
		} else if (strcmp(type, "finding") == 0) {
			e = add_finding(p, o, only);
			if (e != MT_OK && diag) {
				snprintf(msg, sizeof(msg),
				         "a finding without id or with a malformed remedy (%s)",
				         mt_strerror(e));
				diag(ctx, "report", lineno, msg);
			}
		} else if (strcmp(type, "summary") == 0) {
			summary = 1;
		}
		mt_json_free(o);
	}
	if (e == MT_OK && !summary && p->findings == 0) {
		if (diag)
			diag(ctx, "report", lineno, "no finding and no summary: not a scan report");
		e = MT_ERR_PARSE;
	}
	if (e != MT_OK) {
		mt_plan_free(p);
		return e;
	}
	for (size_t i = 0; i < p->n; i++) {
		mt_pstep *s = p->steps[i];
		s->group = s->seq;
		for (size_t j = 0; j < i && s->phase == MT_PH_EDIT && s->path; j++)
			if (p->steps[j]->phase == MT_PH_EDIT && p->steps[j]->path &&
			    strcmp(p->steps[j]->path, s->path) == 0) {
				s->group = p->steps[j]->seq;
				break;
			}
	}
	if (p->n)
		qsort(p->steps, p->n, sizeof(*p->steps), step_cmp);
	for (size_t i = 0; i < p->n; i++) {
		mt_pstep *s = p->steps[i];
		s->pub.n = (unsigned)i + 1;
		s->pub.action = s->action;
		s->pub.finding = s->finding;
		s->pub.check = s->check ? s->check : "";
		s->pub.severity = s->sev ? s->sev : "";
		s->pub.title[MT_LANG_EN] = s->title_en ? s->title_en : "";
		s->pub.title[MT_LANG_ZH] = s->title_zh ? s->title_zh : s->pub.title[MT_LANG_EN];
		s->pub.target = s->target;
		s->pub.evidence = s->evidence;
		s->pub.state = s->pub.manual ? MT_STEP_MANUAL : MT_STEP_PLANNED;
	}
	*out = p;
	return MT_OK;
}

int mt_plan_is_windows(const mt_plan *p)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (mt_rs_windows_action(p->steps[i]->action) ||
		    (p->steps[i]->check && strncmp(p->steps[i]->check, "win.", 4) == 0))
			return 1;
	return 0;
}
