/* events.c - the timeline's events gathered: log events and the failures of each source
 * (rendered only when written), the files the attacker left, the processes the live checks
 * saw start and the suspicious commands of shell histories; text in both languages, every
 * host string escaped, and JSON evidence */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeline/timeline_int.h"

void mt__tl_evb_init(evb *b)
{
	for (int l = 0; l < MT_LANG_COUNT; l++)
		mt_buf_init(&b->t[l], MT_MAX_TEXT);
	mt_buf_init(&b->j, 4 * MT_MAX_TEXT);
	b->nj = 0;
	b->want = W_ALL;
	b->err = MT_OK;
	mt_buf_addc(&b->j, '{');
}

/* Empties b for the next event, keeping its memory (the writers render millions). */
static void evb_reset(evb *b, unsigned want)
{
	for (int l = 0; l < MT_LANG_COUNT; l++)
		mt_buf_reset(&b->t[l]);
	mt_buf_reset(&b->j);
	b->nj = 0;
	b->want = want;
	if (want & W_JSON)
		mt_buf_addc(&b->j, '{');
}

void mt__tl_evb_free(evb *b)
{
	for (int l = 0; l < MT_LANG_COUNT; l++)
		mt_buf_free(&b->t[l]);
	mt_buf_free(&b->j);
}

/* Literal text (ours, not escaped) in one language, or both when l < 0. */
static void lit(evb *b, int l, const char *s)
{
	for (int k = 0; k < MT_LANG_COUNT; k++)
		if ((l < 0 || l == k) && (b->want & (1u << k)))
			mt_buf_adds(&b->t[k], s);
}

/* Printable ASCII without quote or backslash: needs no escaping in text or JSON. */
int mt__tl_plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return 0;
	}
	return n <= 200;
}

/* A host string into both texts, escaped. */
static void host(evb *b, const char *s)
{
	size_t n = strlen(s);
	int p = mt__tl_plain(s, n);
	for (int k = 0; k < MT_LANG_COUNT; k++)
		if (b->want & (1u << k)) {
			if (p)
				mt_buf_add(&b->t[k], s, n);
			else
				mt_escape_term(&b->t[k], s, n, 200);
		}
}

static void jkey(evb *b, const char *k)
{
	if (b->nj++)
		mt_buf_addc(&b->j, ',');
	mt_buf_addc(&b->j, '"');
	mt_buf_adds(&b->j, k);
	mt_buf_adds(&b->j, "\":");
}

static void jstr(evb *b, const char *k, const char *v)
{
	if (!v || !*v || !(b->want & W_JSON))
		return;
	jkey(b, k);
	mt_buf_addc(&b->j, '"');
	size_t n = strlen(v);
	if (mt__tl_plain(v, n))
		mt_buf_add(&b->j, v, n);
	else
		mt_escape_json(&b->j, v, n);
	mt_buf_addc(&b->j, '"');
}

static void jint(evb *b, const char *k, long long v)
{
	if (!(b->want & W_JSON))
		return;
	jkey(b, k);
	mt_buf_printf(&b->j, "%lld", v);
}

/* mt_time_iso, with the zone offset cached per quarter hour (localtime_r reads TZ each call). */
void mt__tl_iso(int64_t t, char *out, size_t n)
{
	static _Thread_local int64_t chour = INT64_MIN;
	static _Thread_local long coff;
	static _Thread_local int cok;
	int64_t hour = t >= 0 ? t / 900 : (t - 899) / 900; /* zones change on quarter hours */
	if (hour != chour) {
		struct tm tm;
		time_t tt = (time_t)t;
		cok = localtime_r(&tt, &tm) != NULL;
		coff = cok ? tm.tm_gmtoff : 0;
		chour = hour;
	}
	if (!cok || n < 26) {
		mt_time_iso(t, out, n);
		return;
	}
	int64_t l = t + coff;
	int64_t days = l >= 0 ? l / 86400 : (l - 86399) / 86400;
	int64_t sec = l - days * 86400;
	/* civil_from_days (Howard Hinnant) */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	if (y < 0 || y > 9999) {
		mt_time_iso(t, out, n);
		return;
	}
	long off = coff < 0 ? -coff : coff;
	int v[] = {(int)y / 100,
	           (int)y % 100,
	           m,
	           d,
	           (int)(sec / 3600),
	           (int)(sec % 3600 / 60),
	           (int)(sec % 60),
	           (int)(off / 3600),
	           (int)(off % 3600 / 60)};
	static const char sep[] = {0, 0, '-', '-', 'T', ':', ':', '+', ':'};
	char *o = out;
	for (int i = 0; i < 9; i++) {
		if (i == 7)
			*o++ = coff < 0 ? '-' : '+';
		else if (sep[i])
			*o++ = sep[i];
		*o++ = (char)('0' + v[i] / 10);
		*o++ = (char)('0' + v[i] % 10);
	}
	*o = '\0';
}

static void jtime(evb *b, const char *k, int64_t t)
{
	char iso[40];
	if (!(b->want & W_JSON))
		return;
	mt__tl_iso(t, iso, sizeof(iso));
	jstr(b, k, iso);
}

static mt_err evb_commit(mt_timeline *tl, evb *b, int64_t t, const char *source, const char *what)
{
	mt_buf_addc(&b->j, '}');
	mt_err e = MT_OK;
	if (tl->n >= MT_MAX_TL_EVENTS) {
		tl->dropped++;
		goto out;
	}
	if (tl->n == tl->cap) {
		size_t nc = tl->cap ? tl->cap * 2 : 256;
		tl_event *nv = realloc(tl->ev, nc * sizeof(*nv));
		if (!nv) {
			e = MT_ERR_NOMEM;
			goto out;
		}
		tl->ev = nv;
		tl->cap = nc;
	}
	tl_event *ev = &tl->ev[tl->n];
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->seq = tl->n;
	ev->what = what;
	ev->source = mt_strdup(source);
	size_t len;
	ev->text[0] = mt_buf_take(&b->t[0], &len);
	ev->text[1] = mt_buf_take(&b->t[1], &len);
	ev->json = mt_buf_take(&b->j, &len);
	if (!ev->source || !ev->text[0] || !ev->text[1] || !ev->json) {
		free(ev->source);
		free(ev->text[0]);
		free(ev->text[1]);
		free(ev->json);
		e = MT_ERR_NOMEM;
		goto out;
	}
	tl->n++;
out:
	mt__tl_evb_free(b);
	return e;
}

int mt__tl_wanted(const mt_timeline_opts *o, int64_t t)
{
	return (o->since == MT_TIME_NONE || t >= o->since) &&
	       (o->until == MT_TIME_NONE || t <= o->until);
}

const char *mt__tl_file_name(const mt_logs *l, uint32_t i)
{
	return i < l->nfiles ? l->files[i].path : "?";
}

/* The MT_LOG_SEP-separated fields of a Windows event's detail: copied into buf, f[i]
 * the i-th ("" when there are fewer than n). */
static void split_fields(const char *d, char *buf, size_t size, const char **f, size_t n)
{
	mt_copy(buf, size, d);
	char *p = buf;
	for (size_t i = 0; i < n; i++) {
		f[i] = p ? p : "";
		char *sep = p ? strchr(p, MT_LOG_SEP) : NULL;
		if (sep)
			*sep = '\0';
		p = sep ? sep + 1 : NULL;
	}
}

/* The "what" of a log event in the output: its kind's name, but a Windows service's
 * start type change and a task's action started are not installs. */
static const char *log_what(const mt_logev *e)
{
	if (e->kind == MT_LE_SERVICE && strcmp(e->method, "event 7040") == 0)
		return "service_changed";
	if (e->kind == MT_LE_TASK && strcmp(e->method, "event 200") == 0)
		return "task_run";
	return mt_logev_kind_name((mt_logev_kind)e->kind);
}

/* Renders one of the Windows events whose detail is fields (logs.h); 0 when e is none. */
static int render_winfields(evb *bp, const mt_logev *e)
{
#define b (*bp)
	char buf[MT_LOG_DETAIL_LONG];
	const char *f[5];
	split_fields(e->detail, buf, sizeof(buf), f, MT_ARRAY_LEN(f));
	switch ((mt_logev_kind)e->kind) {
	case MT_LE_SERVICE:
		if (strcmp(e->method, "event 7040") != 0)
			return 0;
		lit(&b, 0, "service start type changed: ");
		lit(&b, 1, "服务启动类型变更：");
		host(&b, f[0]);
		if (f[1][0] && strcmp(f[0], f[1]) != 0) {
			lit(&b, -1, " (");
			host(&b, f[1]);
			lit(&b, -1, ")");
		}
		lit(&b, -1, ": ");
		host(&b, f[2]);
		lit(&b, -1, " -> ");
		host(&b, f[3]);
		jstr(&b, "service", f[0]);
		jstr(&b, "display_name", f[1]);
		jstr(&b, "old_start", f[2]);
		jstr(&b, "new_start", f[3]);
		break;
	case MT_LE_TASK:
		if (strcmp(e->method, "event 200") != 0)
			return 0;
		lit(&b, 0, "scheduled task action started: ");
		lit(&b, 1, "计划任务动作启动：");
		host(&b, f[0]);
		lit(&b, -1, ": ");
		host(&b, f[1]);
		jstr(&b, "task", f[0]);
		jstr(&b, "action", f[1]);
		break;
	case MT_LE_EXPLICIT_LOGON:
		lit(&b, 0, "logon with explicit credentials: ");
		lit(&b, 1, "使用显式凭据登录：");
		host(&b, f[0]);
		lit(&b, 0, " as ");
		lit(&b, 1, " 以账户 ");
		host(&b, e->user);
		lit(&b, 0, " on ");
		lit(&b, 1, " 登录 ");
		host(&b, f[1]);
		if (e->ip[0]) {
			lit(&b, -1, " (");
			host(&b, e->ip);
			lit(&b, -1, ")");
		}
		lit(&b, 0, " by ");
		lit(&b, 1, "，进程 ");
		host(&b, f[2]);
		jstr(&b, "subject_user", f[0]);
		jstr(&b, "target_server", f[1]);
		jstr(&b, "process", f[2]);
		break;
	case MT_LE_SCRIPT:
		lit(&b, 0, "PowerShell script block (");
		lit(&b, 1, "PowerShell脚本块(");
		host(&b, f[0]);
		lit(&b, -1, ": ");
		host(&b, f[1]);
		lit(&b, 0, "): ");
		lit(&b, 1, ")：");
		host(&b, f[4]);
		jstr(&b, "severity", f[0]);
		jstr(&b, "reasons", f[1]);
		jstr(&b, "script_path", f[2]);
		jstr(&b, "user_sid", f[3]);
		jstr(&b, "script", f[4]);
		break;
	case MT_LE_PROCESS:
		lit(&b, 0, "process created (");
		lit(&b, 1, "进程创建(");
		host(&b, f[2]);
		lit(&b, 0, "): ");
		lit(&b, 1, ")：");
		host(&b, f[3]);
		if (f[1][0]) {
			lit(&b, 0, ", parent ");
			lit(&b, 1, "，父进程 ");
			host(&b, f[1]);
		}
		jstr(&b, "image", f[0]);
		jstr(&b, "parent_image", f[1]);
		jstr(&b, "why", f[2]);
		jstr(&b, "command_line", f[3]);
		if (e->pid)
			jint(&b, "pid", e->pid);
		break;
	case MT_LE_NETCONN:
		lit(&b, 0, "network connection to a pool (");
		lit(&b, 1, "连接矿池(");
		host(&b, f[4]);
		lit(&b, 0, "): ");
		lit(&b, 1, ")：");
		host(&b, f[0]);
		lit(&b, -1, " -> ");
		host(&b, f[1]);
		lit(&b, -1, ":");
		host(&b, f[2]);
		if (f[3][0]) {
			lit(&b, -1, " (");
			host(&b, f[3]);
			lit(&b, -1, ")");
		}
		jstr(&b, "image", f[0]);
		jstr(&b, "dest_ip", f[1]);
		jint(&b, "dest_port", strtol(f[2], NULL, 10));
		jstr(&b, "dest_host", f[3]);
		jstr(&b, "why", f[4]);
		if (e->pid)
			jint(&b, "pid", e->pid);
		break;
	case MT_LE_FILE_CREATE:
		lit(&b, 0, "file created in a drop place (");
		lit(&b, 1, "可疑目录中创建文件(");
		host(&b, f[2]);
		lit(&b, 0, "): ");
		lit(&b, 1, ")：");
		host(&b, f[1]);
		lit(&b, 0, " by ");
		lit(&b, 1, "，进程 ");
		host(&b, f[0]);
		jstr(&b, "image", f[0]);
		jstr(&b, "file", f[1]);
		jstr(&b, "place", f[2]);
		break;
	case MT_LE_REG_SET:
		lit(&b, 0, "autostart registry value set: ");
		lit(&b, 1, "自启动注册表值被设置：");
		host(&b, f[1]);
		lit(&b, -1, " = ");
		host(&b, f[2]);
		lit(&b, 0, " by ");
		lit(&b, 1, "，进程 ");
		host(&b, f[0]);
		jstr(&b, "image", f[0]);
		jstr(&b, "key", f[1]);
		jstr(&b, "value", f[2]);
		break;
	default:
		return 0;
	}
	return 1;
#undef b
}

/* Renders log event e into b (what b->want asks for); 0 when it is not shown. */
static int render_log(evb *bp, const mt_logs *l, const mt_logev *e)
{
#define b (*bp)
	int win = l->files[e->file].kind == 6;
	int fielded = win && render_winfields(bp, e);
	switch (fielded ? MT_LE_COUNT : (mt_logev_kind)e->kind) {
	case MT_LE_COUNT:
		break;
	case MT_LE_ACCEPTED:
		lit(&b, 0, win ? "Windows logon: " : "SSH login accepted: ");
		lit(&b, 1, win ? "Windows登录成功：" : "SSH登录成功：");
		host(&b, e->user);
		if (e->ip[0] || !win) {
			lit(&b, 0, " from ");
			lit(&b, 1, " 来自 ");
			host(&b, e->ip);
		}
		lit(&b, -1, " (");
		host(&b, e->method);
		if (e->detail[0]) {
			lit(&b, -1, ", ");
			host(&b, e->detail);
		}
		lit(&b, -1, ")");
		break;
	case MT_LE_SU:
		lit(&b, 0, "su: ");
		lit(&b, 1, "su切换：");
		host(&b, e->user);
		lit(&b, -1, " -> ");
		host(&b, e->detail);
		break;
	case MT_LE_SUDO:
		lit(&b, 0, "sudo by ");
		lit(&b, 1, "sudo执行(用户 ");
		host(&b, e->user);
		lit(&b, 0, ": ");
		lit(&b, 1, ")：");
		host(&b, e->detail);
		break;
	case MT_LE_USERADD:
	case MT_LE_USERMOD:
		lit(&b, 0, e->kind == MT_LE_USERADD ? "account added: " : "account changed: ");
		lit(&b, 1, e->kind == MT_LE_USERADD ? "新增账户：" : "账户变更：");
		host(&b, e->user);
		lit(&b, -1, " (");
		host(&b, e->detail);
		lit(&b, -1, ")");
		break;
	case MT_LE_PASSWD:
		lit(&b, 0, "password changed: ");
		lit(&b, 1, "口令被修改：");
		host(&b, e->user);
		lit(&b, -1, " (");
		host(&b, e->method);
		lit(&b, -1, ")");
		break;
	case MT_LE_LOGIN:
		lit(&b, 0, "login session (wtmp): ");
		lit(&b, 1, "登录会话(wtmp)：");
		host(&b, e->user);
		lit(&b, -1, " ");
		host(&b, e->method);
		if (e->detail[0]) {
			lit(&b, 0, " from ");
			lit(&b, 1, " 来自 ");
			host(&b, e->detail);
		}
		break;
	case MT_LE_BOOT:
		lit(&b, 0, "system boot");
		lit(&b, 1, "系统启动");
		break;
	case MT_LE_LASTLOG:
		lit(&b, 0, "last login (lastlog): ");
		lit(&b, 1, "最后登录(lastlog)：");
		host(&b, e->user);
		if (e->detail[0]) {
			lit(&b, 0, " from ");
			lit(&b, 1, " 来自 ");
			host(&b, e->detail);
		}
		break;
	case MT_LE_AUTHFAIL:
		lit(&b, 0, "authentication failure: ");
		lit(&b, 1, "认证失败：");
		host(&b, e->user);
		lit(&b, -1, " (");
		host(&b, e->method);
		lit(&b, -1, ")");
		break;
	case MT_LE_SERVICE:
		lit(&b, 0, "service installed: ");
		lit(&b, 1, "安装服务：");
		host(&b, e->detail);
		break;
	case MT_LE_TASK:
		lit(&b, 0, "scheduled task registered: ");
		lit(&b, 1, "注册计划任务：");
		host(&b, e->detail);
		if (e->user[0]) {
			lit(&b, 0, " by ");
			lit(&b, 1, " 用户 ");
			host(&b, e->user);
		}
		break;
	case MT_LE_LOG_CLEARED:
		lit(&b, 0, "event log cleared: ");
		lit(&b, 1, "事件日志被清除：");
		host(&b, e->detail);
		if (e->user[0]) {
			lit(&b, 0, " by ");
			lit(&b, 1, " 操作者 ");
			host(&b, e->user);
		}
		break;
	case MT_LE_DISCONNECT:
		lit(&b, 0, "SSH session closed: ");
		lit(&b, 1, "SSH会话断开：");
		if (e->user[0]) {
			host(&b, e->user);
			lit(&b, -1, " ");
		}
		host(&b, e->ip);
		break;
	default:
		return 0;
	}
	const char *src = mt__tl_file_name(l, e->file);
	jstr(&b, "path", src);
	if (e->lineno && l->files[e->file].kind == 0)
		jint(&b, "lineno", e->lineno);
	if (e->lineno && win)
		jint(&b, "record", e->lineno);
	jstr(&b, "user", e->user);
	jstr(&b, "source_ip", e->ip);
	if (e->port)
		jint(&b, "port", e->port);
	if (e->kind == MT_LE_ACCEPTED || e->kind == MT_LE_PASSWD || e->kind == MT_LE_AUTHFAIL)
		jstr(&b, "method", e->method);
	else if (e->kind == MT_LE_LOGIN || e->kind == MT_LE_LASTLOG)
		jstr(&b, "tty", e->method);
	else if (e->kind == MT_LE_SUDO)
		jstr(&b, "run_as", e->method);
	if (fielded)
		jstr(&b, "event", e->method);
	else if (e->kind == MT_LE_ACCEPTED)
		jstr(&b, "key", e->detail);
	else if (e->kind == MT_LE_SUDO)
		jstr(&b, "command", e->detail);
	else if (e->kind == MT_LE_SU)
		jstr(&b, "target_user", e->detail);
	else if (e->kind == MT_LE_LOGIN || e->kind == MT_LE_LASTLOG)
		jstr(&b, "host", e->detail);
	else
		jstr(&b, "detail", e->detail);
	return 1;
#undef b
}

int mt__tl_shown_kind(const mt_logev *e)
{
	switch ((mt_logev_kind)e->kind) {
	case MT_LE_ACCEPTED:
	case MT_LE_SU:
	case MT_LE_SUDO:
	case MT_LE_USERADD:
	case MT_LE_USERMOD:
	case MT_LE_PASSWD:
	case MT_LE_LOGIN:
	case MT_LE_BOOT:
	case MT_LE_LASTLOG:
	case MT_LE_AUTHFAIL:
	case MT_LE_DISCONNECT:
	case MT_LE_SERVICE:
	case MT_LE_TASK:
	case MT_LE_LOG_CLEARED:
	case MT_LE_EXPLICIT_LOGON:
	case MT_LE_SCRIPT:
	case MT_LE_PROCESS:
	case MT_LE_NETCONN:
	case MT_LE_FILE_CREATE:
	case MT_LE_REG_SET:
		return 1;
	default:
		return 0;
	}
}

static void render_fail(evb *bp, const tl_brute *a)
{
#define b (*bp)
	char n[64];
	snprintf(n, sizeof(n), "%llu", (unsigned long long)a->failures);
	lit(&b, 0, n);
	lit(&b, 0, " failed logins for ");
	lit(&b, 1, n);
	lit(&b, 1, "次登录失败：");
	host(&b, a->users);
	lit(&b, 0, " from ");
	lit(&b, 1, " 来自 ");
	host(&b, a->ip);
	char iso[40];
	mt__tl_iso(a->last, iso, sizeof(iso));
	lit(&b, 0, " until ");
	lit(&b, 1, " 持续到 ");
	lit(&b, -1, iso);
	jstr(&b, "users", a->users);
	jstr(&b, "source_ip", a->ip);
	jint(&b, "count", (long long)a->failures);
	if (a->invalid)
		jint(&b, "invalid_user", (long long)a->invalid);
	jtime(&b, "first", a->first);
	jtime(&b, "last", a->last);
#undef b
}

/* Adds an event rendered only when written. */
mt_err mt__tl_lazy_add(mt_timeline *tl, int64_t t, const mt_logev *le, const tl_brute *fa)
{
	if (tl->n >= MT_MAX_TL_EVENTS) {
		tl->dropped++;
		return MT_OK;
	}
	if (tl->n == tl->cap) {
		size_t nc = tl->cap ? tl->cap * 2 : 256;
		tl_event *nv = realloc(tl->ev, nc * sizeof(*nv));
		if (!nv)
			return MT_ERR_NOMEM;
		tl->ev = nv;
		tl->cap = nc;
	}
	tl_event *ev = &tl->ev[tl->n];
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->seq = tl->n++;
	ev->le = le;
	ev->fa = fa;
	ev->what = le ? log_what(le) : "ssh_failed";
	return MT_OK;
}

/* The texts and evidence of event e: pre-rendered, or rendered now into scratch. */
void mt__tl_event_parts(const mt_timeline *tl, const tl_event *e, evb *scratch, unsigned want,
                        const char **text, const char **json, const char **source)
{
	if (!e->le && !e->fa) {
		*text = e->text[want & W_ZH ? 1 : 0];
		*json = e->json;
		*source = e->source;
		return;
	}
	evb_reset(scratch, want);
	if (e->le) {
		render_log(scratch, tl->logs, e->le);
		*source = mt__tl_file_name(tl->logs, e->le->file);
	} else {
		render_fail(scratch, e->fa);
		*source = "auth";
	}
	if (want & W_JSON)
		mt_buf_addc(&scratch->j, '}');
	*text = scratch->t[want & W_ZH ? 1 : 0].data ? scratch->t[want & W_ZH ? 1 : 0].data : "";
	*json = scratch->j.data ? scratch->j.data : "{}";
}

mt_err mt__tl_file_events(mt_timeline *tl, const mt_timeline_opts *o)
{
	for (size_t i = 0; i < tl->arts.nart; i++) {
		const mt__artifact *a = &tl->arts.art[i];
		for (int which = 0; which < 2; which++) {
			int64_t t = which ? a->ctime : a->mtime;
			if (which && a->ctime == a->mtime)
				continue;
			if (!mt__tl_wanted(o, t))
				continue;
			evb b;
			mt__tl_evb_init(&b);
			lit(&b, 0,
			    which ? "file status changed (ctime): " : "file modified (mtime): ");
			lit(&b, 1, which ? "文件属性变更(ctime)：" : "文件被修改(mtime)：");
			host(&b, a->path);
			lit(&b, -1, a->in_window_only ? " [files.window]" : " [");
			if (!a->in_window_only) {
				lit(&b, -1, a->check);
				lit(&b, -1, "]");
			}
			jstr(&b, "path", a->path);
			jstr(&b, "check", a->check);
			jstr(&b, "severity", mt_severity_name(a->sev));
			jtime(&b, "mtime", a->mtime);
			jtime(&b, "ctime", a->ctime);
			mt_err e =
				evb_commit(tl, &b, t, "file", which ? "file_ctime" : "file_mtime");
			if (e != MT_OK)
				return e;
		}
	}
	return MT_OK;
}

mt_err mt__tl_process_events(mt_timeline *tl, const mt_report *r, const mt_timeline_opts *o)
{
	for (size_t i = 0; i < mt_report_count(r); i++) {
		const mt_finding *f = mt_report_get(r, i);
		char b1[64], b2[64];
		const char *st = mt_finding_evidence(f, "start_time", b1, sizeof(b1));
		const char *pid = mt_finding_evidence(f, "pid", b2, sizeof(b2));
		if (!st || !pid || f->severity < MT_SEV_MEDIUM)
			continue;
		int64_t t = strtoll(st, NULL, 10);
		if (t <= 0 || !mt__tl_wanted(o, t))
			continue;
		char b3[64];
		const char *exe = mt_finding_evidence(f, "exe", b3, sizeof(b3));
		evb b;
		mt__tl_evb_init(&b);
		lit(&b, 0, "process started: pid ");
		lit(&b, 1, "进程启动：pid ");
		lit(&b, -1, pid);
		lit(&b, -1, " ");
		host(&b, exe ? exe : "");
		lit(&b, -1, " [");
		lit(&b, -1, f->check->id);
		lit(&b, -1, "]");
		jint(&b, "pid", strtoll(pid, NULL, 10));
		jstr(&b, "exe", exe);
		jstr(&b, "check", f->check->id);
		jstr(&b, "finding", f->id);
		mt_err e = evb_commit(tl, &b, t, "process", "process_start");
		if (e != MT_OK)
			return e;
	}
	return MT_OK;
}

mt_err mt__tl_history_events(mt_timeline *tl, const mt_logs *l, const mt_rules *rules,
                             const mt_timeline_opts *o)
{
	for (size_t i = 0; i < l->nhist; i++) {
		const mt_history *h = &l->hist[i];
		if (h->state == 1 || h->state == 2) {
			if (h->mtime == MT_TIME_NONE || !mt__tl_wanted(o, h->mtime))
				continue;
			evb b;
			mt__tl_evb_init(&b);
			lit(&b, 0,
			    h->state == 1 ? "shell history linked to /dev/null: "
			                  : "shell history emptied: ");
			lit(&b, 1,
			    h->state == 1 ? "命令历史被链接到/dev/null：" : "命令历史被清空：");
			host(&b, h->path);
			jstr(&b, "path", h->path);
			jstr(&b, "user", h->user);
			mt_err e = evb_commit(tl, &b, h->mtime, h->path, "history_tampered");
			if (e != MT_OK)
				return e;
			continue;
		}
		for (size_t k = 0; k < h->n; k++) {
			const mt_histline *hl = &h->lines[k];
			if (hl->time == MT_TIME_NONE || !mt__tl_wanted(o, hl->time))
				continue;
			mt_cmd_verdict v;
			mt_hist_judge(rules, hl->cmd, strlen(hl->cmd), &v);
			if (v.severity < MT_SEV_MEDIUM)
				continue;
			evb b;
			mt__tl_evb_init(&b);
			lit(&b, 0, "command by ");
			lit(&b, 1, "命令(用户 ");
			host(&b, h->user);
			lit(&b, 0, ": ");
			lit(&b, 1, ")：");
			host(&b, hl->cmd);
			jstr(&b, "path", h->path);
			jint(&b, "lineno", hl->lineno);
			jstr(&b, "user", h->user);
			jstr(&b, "command", hl->cmd);
			char codes[128] = "";
			for (unsigned r = 0; r < v.nreasons; r++) {
				size_t cl = strlen(codes);
				snprintf(codes + cl, sizeof(codes) - cl, "%s%s", r ? "," : "",
				         v.reasons[r].code);
			}
			jstr(&b, "reasons", codes);
			mt_err e = evb_commit(tl, &b, hl->time, h->path, "command");
			if (e != MT_OK)
				return e;
		}
	}
	return MT_OK;
}
