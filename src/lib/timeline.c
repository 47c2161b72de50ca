/* timeline.c - the attack timeline (溯源): log, file, process and account events in one
 * order, and the conclusion a responder writes (initial access, window, artifacts, IPs) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "logs/logs.h"
#include "minetrace/timeline.h"

/* Artifacts closer than this to the next one belong to the same burst of activity. */
#define TL_BURST_GAP     (6 * 3600)
/* The login that gave access happened at most this long before the first artifact. */
#define TL_ACCESS_BEFORE (24 * 3600)
/* Failures from one address that make it a brute-forcer. */
#define TL_BRUTE_MIN     3
#define TL_MAX_ARTIFACTS 256
#define TL_MAX_IPS       64

typedef struct tl_event {
	int64_t time;
	size_t seq;
	char *source; /* raw; NULL for a log event rendered when written */
	const char *what;
	char *text[MT_LANG_COUNT]; /* escaped for a terminal */
	char *json;                /* the evidence object, JSON */
	const struct mt_logev *le; /* a log event, rendered when written */
	const struct tl_brute *fa; /* or the failures of one source */
} tl_event;

typedef struct tl_artifact {
	char path[256];
	char check[40];
	mt_severity sev;
	int64_t mtime, ctime;
	long mtime_ns;
	int64_t when; /* the time it places the burst at: mtime, the ctime of a
	                     * timestomped file on the live host, MT_TIME_NONE when stomped */
	int stomped;  /* shares its exact mtime with another artifact: set with touch */
	uint64_t dev, ino;
	int in_window_only; /* files.window: changed inside the window, not flagged */
} tl_artifact;

typedef struct tl_brute {
	char ip[MT_LOG_IP];
	char users[96];
	uint64_t failures, invalid;
	int64_t first, last;
	int64_t success; /* first success after the failures, MT_TIME_NONE */
	char success_user[MT_LOG_USER];
	char method[24];
} tl_brute;

struct mt_timeline {
	tl_event *ev;
	size_t n, cap;
	uint64_t dropped;
	/* conclusion */
	int has_access;
	mt_logev access;
	char access_source[256];
	uint64_t access_failures;
	int access_failures_unknown; /* some not counted by name: "at least" */
	size_t access_candidates;    /* successful logins in the look-back period */
	const char *access_why;      /* why this one: pam_session, wtmp, only, ... */
	int64_t wstart, wend;
	const char *anchor; /* what placed the window: artifact_mtimes, ... */
	size_t nstomped;    /* artifacts with identical mtimes (timestomping?) */
	tl_artifact art[TL_MAX_ARTIFACTS];
	size_t nart;
	char ips[TL_MAX_IPS][MT_LOG_IP];
	size_t nips;
	tl_brute *brute;
	size_t nbrute;
	char pw_users[8][MT_LOG_USER];
	size_t npw;
	char keys[8][MT_LOG_DETAIL];
	size_t nkeys;
	/* what was read */
	uint64_t lines, skipped, events_read;
	size_t nlogs;
	char **diag;
	size_t ndiag, diag_total;
	mt_logs *logs; /* the log events the lazy events point into */
};

void mt_timeline_opts_init(mt_timeline_opts *o)
{
	o->since = MT_TIME_NONE;
	o->until = MT_TIME_NONE;
	o->sample_ms = 1000;
}

void mt_timeline_free(mt_timeline *tl)
{
	if (!tl)
		return;
	for (size_t i = 0; i < tl->n; i++) {
		free(tl->ev[i].source);
		free(tl->ev[i].text[0]);
		free(tl->ev[i].text[1]);
		free(tl->ev[i].json);
	}
	free(tl->ev);
	free(tl->brute);
	mt_logs_free(tl->logs);
	for (size_t i = 0; i < tl->ndiag; i++)
		free(tl->diag[i]);
	free(tl->diag);
	free(tl);
}

int mt_timeline_has_attack(const mt_timeline *tl)
{
	size_t flagged = 0;
	for (size_t i = 0; i < tl->nart; i++)
		flagged += !tl->art[i].in_window_only;
	return tl->has_access || flagged > 0;
}

size_t mt_timeline_event_count(const mt_timeline *tl)
{
	return tl->n;
}

/* ---- building events ----------------------------------------------------------- */

/* An event builder: text in both languages (host strings escaped) and JSON evidence. */
#define W_EN   1u
#define W_ZH   2u
#define W_JSON 4u
#define W_ALL  7u

typedef struct evb {
	mt_buf t[MT_LANG_COUNT];
	mt_buf j;
	int nj;
	unsigned want; /* W_EN, W_ZH, W_JSON: what to render */
	mt_err err;
} evb;

static void evb_init(evb *b)
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

static void evb_free(evb *b)
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
static int plain(const char *s, size_t n)
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
	int p = plain(s, n);
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
	if (plain(v, n))
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
static void tl_iso(int64_t t, char *out, size_t n)
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
	tl_iso(t, iso, sizeof(iso));
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
	evb_free(b);
	return e;
}

static int wanted(const mt_timeline_opts *o, int64_t t)
{
	return (o->since == MT_TIME_NONE || t >= o->since) &&
	       (o->until == MT_TIME_NONE || t <= o->until);
}

static const char *file_name(const mt_logs *l, uint32_t i)
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
	const char *src = file_name(l, e->file);
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

static int shown_kind(const mt_logev *e)
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
	tl_iso(a->last, iso, sizeof(iso));
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
static mt_err lazy_add(mt_timeline *tl, int64_t t, const mt_logev *le, const tl_brute *fa)
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
static void event_parts(const mt_timeline *tl, const tl_event *e, evb *scratch, unsigned want,
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
		*source = file_name(tl->logs, e->le->file);
	} else {
		render_fail(scratch, e->fa);
		*source = "auth";
	}
	if (want & W_JSON)
		mt_buf_addc(&scratch->j, '}');
	*text = scratch->t[want & W_ZH ? 1 : 0].data ? scratch->t[want & W_ZH ? 1 : 0].data : "";
	*json = scratch->j.data ? scratch->j.data : "{}";
}

/* ---- artifacts from the findings of a scan ------------------------------------- */

static int art_find(const mt_timeline *tl, const char *path)
{
	for (size_t i = 0; i < tl->nart; i++)
		if (strcmp(tl->art[i].path, path) == 0)
			return (int)i;
	return -1;
}

static void art_add(mt_timeline *tl, mt_host *host, const char *path, const char *check,
                    mt_severity sev, int window_only)
{
	int i = art_find(tl, path);
	if (i >= 0) {
		if (!window_only && tl->art[i].in_window_only) {
			tl->art[i].in_window_only = 0;
			mt_copy(tl->art[i].check, sizeof(tl->art[i].check), check);
		}
		if (sev > tl->art[i].sev)
			tl->art[i].sev = sev;
		return;
	}
	if (tl->nart >= TL_MAX_ARTIFACTS || !path || path[0] != '/')
		return;
	struct stat st;
	if (mt_host_stat(host, path, 1, &st) != MT_OK || !S_ISREG(st.st_mode))
		return;
	for (size_t k = 0; k < tl->nart; k++) /* /bin/dhpcd and /usr/bin/dhpcd: one file */
		if (tl->art[k].dev == (uint64_t)st.st_dev &&
		    tl->art[k].ino == (uint64_t)st.st_ino) {
			/* name the file by its own path, not by a symlink to it */
			struct stat l1, l2;
			if (mt_host_stat(host, tl->art[k].path, 0, &l1) == MT_OK &&
			    S_ISLNK(l1.st_mode) && mt_host_stat(host, path, 0, &l2) == MT_OK &&
			    !S_ISLNK(l2.st_mode))
				mt_copy(tl->art[k].path, sizeof(tl->art[k].path), path);
			if (!window_only && tl->art[k].in_window_only) {
				tl->art[k].in_window_only = 0;
				mt_copy(tl->art[k].check, sizeof(tl->art[k].check), check);
			}
			if (sev > tl->art[k].sev)
				tl->art[k].sev = sev;
			return;
		}
	tl_artifact *a = &tl->art[tl->nart++];
	a->dev = (uint64_t)st.st_dev;
	a->ino = (uint64_t)st.st_ino;
	mt_copy(a->path, sizeof(a->path), path);
	mt_copy(a->check, sizeof(a->check), check);
	a->sev = sev;
	a->mtime = (int64_t)st.st_mtime;
	a->mtime_ns = st.st_mtim.tv_nsec;
	a->ctime = (int64_t)st.st_ctime;
	a->when = a->mtime;
	a->in_window_only = window_only;
}

static int check_is(const mt_finding *f, const char *prefix)
{
	return strncmp(f->check->id, prefix, strlen(prefix)) == 0;
}

/* The program a command runs: its first absolute word. */
static void first_abs_word(const char *cmd, char *out, size_t n)
{
	out[0] = '\0';
	const char *p = strchr(cmd ? cmd : "", '/');
	if (!p || (p > cmd && p[-1] != ' ' && p[-1] != '"' && p[-1] != '\''))
		return;
	size_t k = strcspn(p, " \t;&|'\"><)");
	if (k >= n)
		return;
	memcpy(out, p, k);
	out[k] = '\0';
}

static void collect_artifacts(mt_timeline *tl, mt_host *host, const mt_report *r)
{
	for (size_t i = 0; i < mt_report_count(r); i++) {
		const mt_finding *f = mt_report_get(r, i);
		char buf[64];
		if (check_is(f, "hardening.") || check_is(f, "auth.") || check_is(f, "logs.") ||
		    check_is(f, "history."))
			continue;
		int window_only = strcmp(f->check->id, "files.window") == 0;
		if (!window_only && f->severity < MT_SEV_HIGH)
			continue;
		if (window_only && f->severity < MT_SEV_LOW)
			continue; /* a package file with its packaged content */
		const char *path = mt_finding_evidence(f, "path", buf, sizeof(buf));
		if (path)
			art_add(tl, host, path, f->check->id, f->severity, window_only);
		if (window_only)
			continue;
		static const char *const keys[] = {"command", "exe"};
		for (size_t k = 0; k < MT_ARRAY_LEN(keys); k++) {
			const char *c = mt_finding_evidence(f, keys[k], buf, sizeof(buf));
			char prog[256];
			first_abs_word(c, prog, sizeof(prog));
			if (prog[0] && strncmp(prog, "/proc/", 6) != 0)
				art_add(tl, host, prog, f->check->id, f->severity, 0);
		}
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Timestomping: artifacts (files the attacker left) sharing their exact mtime, to the
 * nanosecond, were set with touch -d or touch -r (files written by programs differ in
 * the nanoseconds; two written in the same clock tick share them too, but then their
 * ctime is their mtime: a shared mtime counts when it has no nanoseconds or lies a day
 * before the ctime). Their mtimes do not place the burst; on the live host their
 * ctime does (it is when touch ran; a root copy has the copy's ctime instead). */
static void mark_stomped(mt_timeline *tl, int live)
{
	tl->nstomped = 0;
	for (size_t i = 0; i < tl->nart; i++) {
		tl_artifact *a = &tl->art[i];
		a->stomped = 0;
		a->when = a->mtime;
		if (a->in_window_only)
			continue;
		for (size_t k = 0; k < tl->nart && !a->stomped; k++)
			if (k != i && !tl->art[k].in_window_only && tl->art[k].mtime == a->mtime &&
			    tl->art[k].mtime_ns == a->mtime_ns &&
			    (a->mtime_ns == 0 || a->ctime > a->mtime + 86400))
				a->stomped = 1;
		if (a->stomped) {
			tl->nstomped++;
			a->when = live && a->ctime > a->mtime ? a->ctime : MT_TIME_NONE;
		}
	}
}

/* The last cluster of the sorted times t[0..n): from the latest back while the gaps
 * stay under TL_BURST_GAP; skip leaves out that many of the latest clusters. */
static int cluster(const int64_t *t, size_t n, size_t skip, int64_t *first, int64_t *last)
{
	size_t end = n;
	for (;;) {
		if (end == 0)
			return 0;
		size_t k = end - 1;
		while (k > 0 && t[k] - t[k - 1] <= TL_BURST_GAP)
			k--;
		if (skip-- == 0) {
			*first = t[k];
			*last = t[end - 1];
			return 1;
		}
		end = k;
	}
}

/* The last burst of artifact times: from the latest plausible one back while the gaps
 * stay under TL_BURST_GAP; timestomped mtimes only with stomped (when nothing else is
 * left). 0 when there is none. */
static int burst(const mt_timeline *tl, int64_t from, int stomped, int64_t *first, int64_t *last)
{
	int64_t t[TL_MAX_ARTIFACTS];
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);
	for (size_t i = 0; i < tl->nart; i++) {
		if (tl->art[i].in_window_only)
			continue;
		int64_t m = stomped && tl->art[i].stomped ? tl->art[i].mtime : tl->art[i].when;
		if (m < 631152000 || m > now + 86400 || (from != MT_TIME_NONE && m < from))
			continue; /* before 1990 or in the future: set by hand, not evidence */
		t[n++] = m;
	}
	if (n == 0)
		return 0;
	qsort(t, n, sizeof(t[0]), cmp_i64);
	return cluster(t, n, 0, first, last);
}

/* Times of what the attacker did that the logs date by themselves, whatever the files'
 * mtimes say: suspicious shell commands (judged with rules; without rules, the
 * history.suspicious findings of r) and account changes. Sorted; *out is the caller's. */
static size_t attacker_times(const mt_logs *l, const mt_rules *rules, const mt_report *r,
                             int64_t **out)
{
	size_t n = 0, cap = 4096;
	int64_t *t = malloc(cap * sizeof(*t));
	*out = t;
	if (!t)
		return 0;
	for (size_t i = 0; l && i < l->nev && n < cap; i++) {
		unsigned k = l->ev[i].kind;
		if (k == MT_LE_USERADD || k == MT_LE_USERMOD || k == MT_LE_PASSWD)
			t[n++] = l->ev[i].time;
	}
	if (rules && l) {
		for (size_t i = 0; i < l->nhist; i++)
			for (size_t k = 0; k < l->hist[i].n && n < cap; k++) {
				const mt_histline *hl = &l->hist[i].lines[k];
				if (hl->time == MT_TIME_NONE)
					continue;
				mt_cmd_verdict v;
				mt_hist_judge(rules, hl->cmd, strlen(hl->cmd), &v);
				if (v.severity >= MT_SEV_MEDIUM)
					t[n++] = hl->time;
			}
	} else if (r) {
		for (size_t i = 0; i < mt_report_count(r) && n < cap; i++) {
			const mt_finding *f = mt_report_get(r, i);
			char buf[64];
			const char *ts;
			if (strcmp(f->check->id, "history.suspicious") == 0 &&
			    (ts = mt_finding_evidence(f, "time", buf, sizeof(buf))) != NULL)
				t[n++] = strtoll(ts, NULL, 10);
		}
	}
	qsort(t, n, sizeof(*t), cmp_i64);
	return n;
}

/* A wtmp session of the same user and address within seconds of an Accepted line. */
static int wtmp_backs(const mt_logs *l, size_t i)
{
	const mt_logev *a = &l->ev[i];
	size_t lo = i > 64 ? i - 64 : 0, hi = i + 64 < l->nev ? i + 64 : l->nev;
	for (size_t j = lo; j < hi; j++) {
		const mt_logev *w = &l->ev[j];
		if (w->kind == MT_LE_LOGIN && w->ip[0] && strcmp(w->ip, a->ip) == 0 &&
		    strcmp(w->user, a->user) == 0 && w->time - a->time <= 5 &&
		    a->time - w->time <= 5)
			return 1;
	}
	return 0;
}

/* The initial access among the successful logins before t (within TL_ACCESS_BEFORE):
 * a line anyone can forge (logger) must not hide the real one, so the latest login
 * backed by a PAM session of the same pid or a wtmp record wins over a later unbacked
 * one; wtmp sessions with an address when the logs have no sshd line. *ncand gets the
 * number of candidates, *why the reason of the choice. */
static const mt_logev *access_before(const mt_logs *l, int64_t t, size_t *ncand, const char **why)
{
	const mt_logev *best = NULL, *backed = NULL;
	const char *bwhy = NULL;
	*ncand = 0;
	for (int pass = 0; pass < 2 && !best; pass++)
		for (size_t i = 0; i < l->nev; i++) {
			const mt_logev *e = &l->ev[i];
			if (e->time > t)
				break;
			if (e->time < t - TL_ACCESS_BEFORE)
				continue;
			if (pass == 0 && e->kind == MT_LE_ACCEPTED) {
				best = e;
				(*ncand)++;
				if (e->backed) {
					backed = e;
					bwhy = "pam_session";
				} else if (wtmp_backs(l, i)) {
					backed = e;
					bwhy = "wtmp";
				}
			} else if (pass == 1 && e->kind == MT_LE_LOGIN && e->ip[0]) {
				best = e;
				(*ncand)++;
			}
		}
	if (backed) {
		*why = bwhy;
		return backed;
	}
	*why = !best                       ? ""
	       : best->kind == MT_LE_LOGIN ? "wtmp_only"
	       : *ncand == 1               ? "only"
	                                   : "latest_unbacked";
	return best;
}

/* When the artifacts' times place no burst after a login (all timestomped, or set to
 * times of no login), the attacker's own commands and account changes do: the latest
 * burst of them that a login precedes. 1 with *first, *last and the access. */
static int anchor_on_attacker(const mt_logs *l, const mt_rules *rules, const mt_report *r,
                              int64_t *first, int64_t *last, const mt_logev **acc, size_t *ncand,
                              const char **why)
{
	int64_t *t = NULL;
	size_t n = attacker_times(l, rules, r, &t);
	int found = 0;
	int64_t f, e;
	for (size_t skip = 0; !found && skip < 16 && cluster(t, n, skip, &f, &e); skip++) {
		const mt_logev *a = access_before(l, f, ncand, why);
		if (a) {
			*first = f;
			*last = e;
			*acc = a;
			found = 1;
		}
	}
	free(t);
	return found;
}

static void add_ip(mt_timeline *tl, const char *ip)
{
	if (!ip[0])
		return;
	for (size_t i = 0; i < tl->nips; i++)
		if (strcmp(tl->ips[i], ip) == 0)
			return;
	if (tl->nips < TL_MAX_IPS)
		mt_copy(tl->ips[tl->nips++], MT_LOG_IP, ip);
}

/* A login that proves the password: sshd's password methods, a Windows logon with
 * credentials (network, RDP, interactive...) */
static int pw_method(const char *m)
{
	static const char *const pw[] = {
		"password",    "keyboard-interactive/pam", "network", "rdp",
		"interactive", "network-cleartext",        "cached",  "unlock"};
	for (size_t i = 0; i < MT_ARRAY_LEN(pw); i++)
		if (strcmp(m, pw[i]) == 0)
			return 1;
	return 0;
}

static void add_pw_user(mt_timeline *tl, const char *u)
{
	for (size_t i = 0; i < tl->npw; i++)
		if (strcmp(tl->pw_users[i], u) == 0)
			return;
	if (tl->npw < MT_ARRAY_LEN(tl->pw_users))
		mt_copy(tl->pw_users[tl->npw++], MT_LOG_USER, u);
}

/* No artifact placed the attack (nothing found on disk yet, or nothing left): a password
 * login right after a brute force from the same address is the way in all the same. Of
 * several, the source with the most failures; the window runs from that login to the
 * last login from that address. */
static void access_from_brute(mt_timeline *tl, const mt_logs *l)
{
	const tl_brute *best = NULL;
	for (size_t k = 0; k < tl->nbrute; k++) {
		const tl_brute *b = &tl->brute[k];
		if (b->success == MT_TIME_NONE || b->failures < TL_BRUTE_MIN ||
		    !pw_method(b->method))
			continue;
		if (!best || b->failures > best->failures)
			best = b;
	}
	if (!best)
		return;
	const mt_logev *acc = NULL;
	int64_t last = best->success;
	for (size_t i = 0; i < l->nev; i++) {
		const mt_logev *ev = &l->ev[i];
		if (ev->kind != MT_LE_ACCEPTED || strcmp(ev->ip, best->ip) != 0)
			continue;
		if (!acc && ev->time == best->success && strcmp(ev->user, best->success_user) == 0)
			acc = ev;
		if (acc && ev->time > last)
			last = ev->time;
	}
	if (!acc)
		return;
	tl->has_access = 1;
	tl->access = *acc;
	tl->access_candidates = 1;
	tl->access_why = "brute_force_success";
	mt_copy(tl->access_source, sizeof(tl->access_source), file_name(l, acc->file));
	add_ip(tl, acc->ip);
	add_pw_user(tl, acc->user);
	for (size_t i = 0; i < l->nfail; i++)
		if (strcmp(l->fail[i].ip, acc->ip) == 0 &&
		    strcmp(l->fail[i].user, acc->user) == 0 && l->fail[i].first <= acc->time)
			tl->access_failures += l->fail[i].count;
	tl->access_failures_unknown = mt_logs_fail_unknown(l, acc->ip, acc->user);
	if (tl->wstart == MT_TIME_NONE) {
		tl->wstart = acc->time;
		tl->wend = last;
		tl->anchor = "brute_force";
	}
}

static int agg_by_ip(const void *a, const void *b)
{
	return strcmp(((const mt_failagg *)a)->ip, ((const mt_failagg *)b)->ip);
}

/* Failures per source address (every user added up), and each source's first success
 * after its first failure. */
static mt_err find_brute(mt_timeline *tl, const mt_logs *l)
{
	if (l->nfail == 0)
		return MT_OK;
	mt_failagg *agg = malloc(l->nfail * sizeof(*agg));
	tl->brute = calloc(l->nfail, sizeof(*tl->brute));
	if (!agg || !tl->brute) {
		free(agg);
		return MT_ERR_NOMEM;
	}
	memcpy(agg, l->fail, l->nfail * sizeof(*agg));
	qsort(agg, l->nfail, sizeof(*agg), agg_by_ip);
	for (size_t i = 0; i < l->nfail; i++) {
		const mt_failagg *a = &agg[i];
		if (!a->ip[0])
			continue;
		tl_brute *b = tl->nbrute ? &tl->brute[tl->nbrute - 1] : NULL;
		if (!b || strcmp(b->ip, a->ip) != 0) {
			b = &tl->brute[tl->nbrute++];
			mt_copy(b->ip, sizeof(b->ip), a->ip);
			b->first = a->first;
			b->last = a->last;
			b->success = MT_TIME_NONE;
		}
		b->failures += a->count;
		b->invalid += a->invalid;
		if (a->first < b->first)
			b->first = a->first;
		if (a->last > b->last)
			b->last = a->last;
		size_t ul = strlen(b->users);
		if (ul + strlen(a->user) + 2 < sizeof(b->users))
			snprintf(b->users + ul, sizeof(b->users) - ul, "%s%s", ul ? "," : "",
			         a->user);
	}
	free(agg);
	for (size_t i = 0; i < l->nev; i++) {
		const mt_logev *e = &l->ev[i];
		if (e->kind != MT_LE_ACCEPTED || !e->ip[0])
			continue;
		size_t lo = 0, hi = tl->nbrute;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(tl->brute[mid].ip, e->ip) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		tl_brute *b = lo < tl->nbrute ? &tl->brute[lo] : NULL;
		if (b && strcmp(b->ip, e->ip) == 0 && b->success == MT_TIME_NONE &&
		    e->time >= b->first) {
			b->success = e->time;
			mt_copy(b->success_user, sizeof(b->success_user), e->user);
			mt_copy(b->method, sizeof(b->method), e->method);
		}
	}
	return MT_OK;
}

/* Scan with the file checks (and the process checks on the live root), without the
 * log checks the timeline does itself. With a window (the second pass) only the checks
 * whose verdicts weigh it run again: the rest said all they had in the first pass. */
static mt_err run_scan(mt_host *host, const mt_rules *rules, const mt_timeline_opts *o,
                       int64_t since, int64_t until, mt_report **out)
{
	mt_scan_opts so;
	mt_scan_opts_init(&so);
	so.sample_ms = since == MT_TIME_NONE ? o->sample_ms : 0;
	so.since = since;
	so.until = until;
	so.checks = 0;
	for (size_t i = 0; i < mt_checks_count(); i++) {
		const mt_check_info *c = mt_checks_get(i);
		if (strncmp(c->id, "auth.", 5) == 0 || strncmp(c->id, "logs.", 5) == 0 ||
		    strncmp(c->id, "history.", 8) == 0 || strncmp(c->id, "hardening.", 10) == 0 ||
		    (c->needs_live && !mt_host_is_live(host)))
			continue;
		if (since == MT_TIME_NONE && strcmp(c->id, "files.window") == 0)
			continue;
		if (since != MT_TIME_NONE && !c->weighs_window)
			continue;
		so.checks |= 1ull << i;
	}
	mt_report *r = NULL;
	mt_err e = mt_report_new(&r);
	if (e != MT_OK)
		return e;
	if ((e = mt_scan(host, rules, &so, r)) != MT_OK) {
		mt_report_free(r);
		return e;
	}
	*out = r;
	return MT_OK;
}

static void keep_diag(mt_timeline *tl, const mt_report *r)
{
	size_t total;
	const char *const *d;
	size_t n = mt__report_ndiag(r, &total, &d);
	tl->diag_total += total;
	for (size_t i = 0; i < n && tl->ndiag < MT_MAX_DIAGNOSTICS; i++) {
		if (strstr(d[i], "skipped, it reads the running system"))
			continue;
		char **nd = realloc(tl->diag, (tl->ndiag + 1) * sizeof(*nd));
		if (!nd)
			return;
		tl->diag = nd;
		if ((tl->diag[tl->ndiag] = mt_strdup(d[i])) != NULL)
			tl->ndiag++;
	}
}

static mt_err file_events(mt_timeline *tl, const mt_timeline_opts *o)
{
	for (size_t i = 0; i < tl->nart; i++) {
		const tl_artifact *a = &tl->art[i];
		for (int which = 0; which < 2; which++) {
			int64_t t = which ? a->ctime : a->mtime;
			if (which && a->ctime == a->mtime)
				continue;
			if (!wanted(o, t))
				continue;
			evb b;
			evb_init(&b);
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

static mt_err process_events(mt_timeline *tl, const mt_report *r, const mt_timeline_opts *o)
{
	for (size_t i = 0; i < mt_report_count(r); i++) {
		const mt_finding *f = mt_report_get(r, i);
		char b1[64], b2[64];
		const char *st = mt_finding_evidence(f, "start_time", b1, sizeof(b1));
		const char *pid = mt_finding_evidence(f, "pid", b2, sizeof(b2));
		if (!st || !pid || f->severity < MT_SEV_MEDIUM)
			continue;
		int64_t t = strtoll(st, NULL, 10);
		if (t <= 0 || !wanted(o, t))
			continue;
		char b3[64];
		const char *exe = mt_finding_evidence(f, "exe", b3, sizeof(b3));
		evb b;
		evb_init(&b);
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

static mt_err history_events(mt_timeline *tl, const mt_logs *l, const mt_rules *rules,
                             const mt_timeline_opts *o)
{
	for (size_t i = 0; i < l->nhist; i++) {
		const mt_history *h = &l->hist[i];
		if (h->state == 1 || h->state == 2) {
			if (h->mtime == MT_TIME_NONE || !wanted(o, h->mtime))
				continue;
			evb b;
			evb_init(&b);
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
			if (hl->time == MT_TIME_NONE || !wanted(o, hl->time))
				continue;
			mt_cmd_verdict v;
			mt_hist_judge(rules, hl->cmd, strlen(hl->cmd), &v);
			if (v.severity < MT_SEV_MEDIUM)
				continue;
			evb b;
			evb_init(&b);
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

static int art_cmp(const void *a, const void *b)
{
	const tl_artifact *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int ev_cmp(const void *a, const void *b)
{
	const tl_event *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

mt_err mt_timeline_build(mt_host *host, const mt_rules *rules, const mt_timeline_opts *o,
                         mt_timeline **out)
{
	*out = NULL;
	if (!host || !rules || !o)
		return MT_ERR_INVAL;
	mt_timeline *tl = calloc(1, sizeof(*tl));
	mt_report *r0 = NULL, *r1 = NULL, *r2 = NULL;
	mt_logs *l = NULL;
	mt_err e;
	if (!tl)
		return MT_ERR_NOMEM;
	tl->wstart = tl->wend = MT_TIME_NONE;
	if ((e = mt_report_new(&r0)) != MT_OK)
		goto out;
	if ((e = mt_logs_load(host, rules, r0, &l)) != MT_OK)
		goto out;
	for (size_t i = 0; i < l->nfiles; i++) {
		tl->lines += l->files[i].lines;
		tl->skipped += l->files[i].skipped;
		tl->events_read += l->files[i].events;
	}
	tl->nlogs = l->nfiles;
	if ((e = run_scan(host, rules, o, MT_TIME_NONE, MT_TIME_NONE, &r1)) != MT_OK)
		goto out;
	collect_artifacts(tl, host, r1);
	int live = mt_host_is_live(host);
	mark_stomped(tl, live);

	int64_t first, last;
	size_t ncand = 0;
	const char *why = "";
	const mt_logev *acc = NULL;
	int have = burst(tl, MT_TIME_NONE, 0, &first, &last);
	if (have)
		acc = access_before(l, first, &ncand, &why);
	tl->anchor = "artifact_times";
	if (!acc && (have || tl->nstomped) &&
	    anchor_on_attacker(l, rules, NULL, &first, &last, &acc, &ncand, &why)) {
		have = 1;
		tl->anchor = "attacker_commands";
	} else if (!have && (have = burst(tl, MT_TIME_NONE, 1, &first, &last)) != 0) {
		acc = access_before(l, first, &ncand, &why); /* nothing better than those */
	}
	if (have) {
		int64_t start = acc ? acc->time : first;
		if (acc) {
			tl->has_access = 1;
			tl->access_candidates = ncand;
			tl->access_why = why;
			/* the logins of the look-back period that contest the choice are attacker
			 * IPs too: the later ones when a backed login was chosen (a forged line
			 * comes after the real one to replace it), all of them when none is
			 * backed (no way to tell which one is real) */
			int64_t from = (strcmp(why, "latest_unbacked") == 0)
			                       ? first - TL_ACCESS_BEFORE
			                       : acc->time;
			for (size_t i = 0; i < l->nev && l->ev[i].time <= first; i++)
				if (l->ev[i].kind == acc->kind && l->ev[i].ip[0] &&
				    l->ev[i].time >= from)
					add_ip(tl, l->ev[i].ip);
			tl->access = *acc;
			mt_copy(tl->access_source, sizeof(tl->access_source),
			        file_name(l, acc->file));
		}
		/* again with the window: files changed in it, and checks that weigh it */
		if ((e = run_scan(host, rules, o, start, last + 600, &r2)) != MT_OK)
			goto out;
		collect_artifacts(tl, host, r2);
		mark_stomped(tl, live);
		int64_t f2, l2;
		if (burst(tl, start, 0, &f2, &l2) && l2 > last)
			last = l2;
		/* suspicious commands typed right after the last artifact belong to it */
		for (size_t i = 0; i < l->nhist; i++)
			for (size_t k = 0; k < l->hist[i].n; k++) {
				const mt_histline *hl = &l->hist[i].lines[k];
				if (hl->time == MT_TIME_NONE || hl->time < start ||
				    hl->time <= last || hl->time > last + 3600)
					continue;
				mt_cmd_verdict v;
				mt_hist_judge(rules, hl->cmd, strlen(hl->cmd), &v);
				if (v.severity >= MT_SEV_MEDIUM)
					last = hl->time;
			}
		tl->wstart = start;
		tl->wend = last;
		if (acc) {
			add_ip(tl, acc->ip);
			for (size_t i = 0; i < l->nfail; i++)
				if (strcmp(l->fail[i].ip, acc->ip) == 0 &&
				    strcmp(l->fail[i].user, acc->user) == 0 &&
				    l->fail[i].first <= acc->time)
					tl->access_failures += l->fail[i].count;
			tl->access_failures_unknown = mt_logs_fail_unknown(l, acc->ip, acc->user);
			if (pw_method(acc->method) || acc->kind == MT_LE_LOGIN)
				add_pw_user(tl, acc->user);
			else if (acc->detail[0] && tl->nkeys < MT_ARRAY_LEN(tl->keys))
				mt_copy(tl->keys[tl->nkeys++], MT_LOG_DETAIL, acc->detail);
		}
		/* other logins inside the window come from the attacker too */
		for (size_t i = 0; i < l->nev; i++) {
			const mt_logev *ev = &l->ev[i];
			if (ev->kind == MT_LE_ACCEPTED && ev->time >= start && ev->time <= last) {
				add_ip(tl, ev->ip);
				if (pw_method(ev->method))
					add_pw_user(tl, ev->user);
			}
		}
	}
	if ((e = find_brute(tl, l)) != MT_OK)
		goto out;
	if (!tl->has_access && tl->nart == 0)
		access_from_brute(tl, l); /* artifacts that date nothing (stomped) are no gap */
	for (size_t k = 0; k < tl->nbrute; k++)
		if (tl->brute[k].success != MT_TIME_NONE && tl->brute[k].failures >= TL_BRUTE_MIN &&
		    pw_method(tl->brute[k].method))
			add_pw_user(tl, tl->brute[k].success_user);

	/* the events */
	for (size_t i = 0; i < l->nev && e == MT_OK; i++)
		if (wanted(o, l->ev[i].time) && shown_kind(&l->ev[i]))
			e = lazy_add(tl, l->ev[i].time, &l->ev[i], NULL);
	for (size_t i = 0; i < tl->nbrute && e == MT_OK; i++)
		if (wanted(o, tl->brute[i].first) || wanted(o, tl->brute[i].last))
			e = lazy_add(tl, tl->brute[i].first, NULL, &tl->brute[i]);
	if (e == MT_OK)
		e = history_events(tl, l, rules, o);
	if (e == MT_OK)
		e = file_events(tl, o);
	if (e == MT_OK)
		e = process_events(tl, r1, o);
	if (e != MT_OK)
		goto out;
	if (tl->nstomped) {
		char when[40];
		const tl_artifact *sa = NULL;
		for (size_t i = 0; i < tl->nart && !sa; i++)
			if (tl->art[i].stomped)
				sa = &tl->art[i];
		mt_time_iso(sa->mtime, when, sizeof(when));
		mt_report_diag(r0,
		               "possible timestomping: %zu attacker files share their exact "
		               "mtime (%s, e.g. %s): set with touch; %s",
		               tl->nstomped, when, sa->path,
		               live ? "their ctime is used instead"
		                    : "their mtimes are not used to place the attack window");
	}
	if (tl->n > 1)
		qsort(tl->ev, tl->n, sizeof(*tl->ev), ev_cmp);
	if (tl->nart > 1)
		qsort(tl->art, tl->nart, sizeof(tl->art[0]), art_cmp);
	keep_diag(tl, r0);
	keep_diag(tl, r1);
	/* a Windows event log's logons are not SSH ones */
	for (size_t i = 0; i < tl->n; i++)
		if (tl->ev[i].le && tl->ev[i].le->kind == MT_LE_ACCEPTED &&
		    tl->ev[i].le->file < l->nfiles && l->files[tl->ev[i].le->file].kind == 6)
			tl->ev[i].what = "windows_logon";
	tl->logs = l;
	l = NULL;
	*out = tl;
	tl = NULL;
out:
	mt_logs_free(l);
	mt_report_free(r0);
	mt_report_free(r1);
	mt_report_free(r2);
	mt_timeline_free(tl);
	return e;
}

/* ---- the window for scan (files.window without --since) ------------------------ */

mt_err mt_attack_window(mt_host *host, const mt_report *r, const struct mt_logs *l, int64_t *since,
                        int64_t *until)
{
	mt_timeline *tl = calloc(1, sizeof(*tl));
	if (!tl)
		return MT_ERR_NOMEM;
	collect_artifacts(tl, host, r);
	mark_stomped(tl, mt_host_is_live(host));
	int64_t first, last;
	mt_err e = MT_ERR_NOENT;
	size_t ncand;
	const char *why;
	const mt_logev *acc = NULL;
	int have = burst(tl, MT_TIME_NONE, 0, &first, &last);
	if (have && l)
		acc = access_before(l, first, &ncand, &why);
	if (!acc && (have || tl->nstomped) && l &&
	    anchor_on_attacker(l, NULL, r, &first, &last, &acc, &ncand, &why))
		have = 1;
	else if (!have && (have = burst(tl, MT_TIME_NONE, 1, &first, &last)) != 0 && l)
		acc = access_before(l, first, &ncand, &why);
	if (have) {
		*since = acc ? acc->time : first - 600;
		*until = last + 600;
		e = MT_OK;
	}
	mt_timeline_free(tl);
	return e;
}

/* ---- output -------------------------------------------------------------------- */

typedef struct out {
	mt_buf b;
	mt_write_fn write;
	void *ctx;
	mt_err err;
} out;

static void flush(out *w)
{
	if (w->err == MT_OK && w->b.len && w->write(w->ctx, w->b.data, w->b.len) != 0)
		w->err = MT_ERR_IO;
	mt_buf_reset(&w->b);
}

static void jq(mt_buf *b, const char *s)
{
	size_t n = strlen(s);
	mt_buf_addc(b, '"');
	if (n < 4096 && plain(s, n < 200 ? n : 200) && (n <= 200 || plain(s + 200, n - 200)))
		mt_buf_add(b, s, n);
	else
		mt_escape_json(b, s, n);
	mt_buf_addc(b, '"');
}

static void jt(mt_buf *b, int64_t t)
{
	char iso[40];
	if (t == MT_TIME_NONE) {
		mt_buf_adds(b, "null");
		return;
	}
	tl_iso(t, iso, sizeof(iso));
	jq(b, iso);
}

static int outside_window(const mt_timeline *tl, const tl_brute *b)
{
	if (b->success == MT_TIME_NONE || b->failures < TL_BRUTE_MIN)
		return 0;
	if (tl->has_access && strcmp(b->ip, tl->access.ip) == 0)
		return 0;
	return tl->wstart == MT_TIME_NONE || b->success < tl->wstart || b->success > tl->wend;
}

static int is_attacker_ip(const mt_timeline *tl, const char *ip)
{
	for (size_t i = 0; i < tl->nips; i++)
		if (strcmp(tl->ips[i], ip) == 0)
			return 1;
	return 0;
}

static int brute_cmp(const void *a, const void *b)
{
	const tl_brute *x = a, *y = b;
	return x->failures < y->failures ? 1 : x->failures > y->failures ? -1 : 0;
}

mt_err mt_timeline_write_json(const mt_timeline *tl, const mt_output_opts *opts, mt_write_fn write,
                              void *ctx)
{
	out w = {{0}, write, ctx, MT_OK};
	mt_buf_init(&w.b, 64u * 1024 * 1024);
	evb sc;
	evb_init(&sc);
	unsigned lang = opts && opts->lang == MT_LANG_ZH ? W_ZH : W_EN;
	for (size_t i = 0; i < tl->n && w.err == MT_OK; i++) {
		const tl_event *e = &tl->ev[i];
		const char *text, *json, *src;
		event_parts(tl, e, &sc, lang | W_JSON, &text, &json, &src);
		mt_buf_adds(&w.b, "{\"type\":\"event\",\"time\":");
		jt(&w.b, e->time);
		mt_buf_adds(&w.b, ",\"source\":");
		jq(&w.b, src);
		mt_buf_adds(&w.b, ",\"what\":");
		jq(&w.b, e->what);
		mt_buf_adds(&w.b, ",\"text\":");
		jq(&w.b, text);
		mt_buf_adds(&w.b, ",\"evidence\":");
		mt_buf_adds(&w.b, json);
		mt_buf_adds(&w.b, "}\n");
		if (w.b.len > 1u << 20)
			flush(&w);
	}
	evb_free(&sc);
	mt_buf *b = &w.b;
	mt_buf_adds(b, "{\"type\":\"conclusion\",\"initial_access\":");
	if (tl->has_access) {
		const mt_logev *a = &tl->access;
		mt_buf_adds(b, "{\"time\":");
		jt(b, a->time);
		mt_buf_adds(b, ",\"source_ip\":");
		jq(b, a->ip);
		mt_buf_adds(b, ",\"user\":");
		jq(b, a->user);
		mt_buf_adds(b, ",\"method\":");
		jq(b, a->kind == MT_LE_LOGIN ? "login" : a->method);
		if (a->kind == MT_LE_ACCEPTED && a->detail[0]) {
			mt_buf_adds(b, ",\"key\":");
			jq(b, a->detail);
		}
		mt_buf_printf(b, ",\"failures_before\":%llu,\"failures_complete\":%s,\"path\":",
		              (unsigned long long)tl->access_failures,
		              tl->access_failures_unknown ? "false" : "true");
		jq(b, tl->access_source);
		mt_buf_printf(b, ",\"candidates\":%zu,\"chosen_because\":", tl->access_candidates);
		jq(b, tl->access_why ? tl->access_why : "");
		mt_buf_adds(b, "}");
	} else {
		mt_buf_adds(b, "null");
	}
	mt_buf_adds(b, ",\"window\":");
	if (tl->wstart != MT_TIME_NONE) {
		mt_buf_adds(b, "{\"start\":");
		jt(b, tl->wstart);
		mt_buf_adds(b, ",\"end\":");
		jt(b, tl->wend);
		mt_buf_adds(b, ",\"anchor\":");
		jq(b, tl->anchor ? tl->anchor : "artifact_times");
		mt_buf_adds(b, "}");
	} else {
		mt_buf_adds(b, "null");
	}
	mt_buf_adds(b, ",\"artifacts\":[");
	int n = 0;
	for (size_t i = 0; i < tl->nart; i++) {
		const tl_artifact *a = &tl->art[i];
		if (a->in_window_only)
			continue;
		mt_buf_adds(b, n++ ? ",{\"path\":" : "{\"path\":");
		jq(b, a->path);
		mt_buf_adds(b, ",\"check\":");
		jq(b, a->check);
		mt_buf_printf(b, ",\"severity\":\"%s\",\"mtime\":", mt_severity_name(a->sev));
		jt(b, a->mtime);
		mt_buf_adds(b, ",\"ctime\":");
		jt(b, a->ctime);
		mt_buf_printf(b, ",\"timestomp_suspected\":%s}", a->stomped ? "true" : "false");
	}
	mt_buf_adds(b, "],\"changed_in_window\":[");
	n = 0;
	for (size_t i = 0; i < tl->nart; i++)
		if (tl->art[i].in_window_only) {
			if (n++)
				mt_buf_addc(b, ',');
			jq(b, tl->art[i].path);
		}
	mt_buf_adds(b, "],\"attacker_ips\":[");
	for (size_t i = 0; i < tl->nips; i++) {
		if (i)
			mt_buf_addc(b, ',');
		jq(b, tl->ips[i]);
	}
	mt_buf_adds(b, "],\"bruteforce_outside_window\":[");
	n = 0;
	for (size_t i = 0; i < tl->nbrute; i++) {
		const tl_brute *br = &tl->brute[i];
		if (!outside_window(tl, br))
			continue;
		mt_buf_adds(b, n++ ? ",{\"ip\":" : "{\"ip\":");
		jq(b, br->ip);
		mt_buf_adds(b, ",\"user\":");
		jq(b, br->success_user);
		mt_buf_printf(b, ",\"failures\":%llu,\"first_failure\":",
		              (unsigned long long)br->failures);
		jt(b, br->first);
		mt_buf_adds(b, ",\"success\":");
		jt(b, br->success);
		mt_buf_adds(b, "}");
	}
	uint64_t bf_ips = 0, bf_fail = 0;
	for (size_t i = 0; i < tl->nbrute; i++)
		if (tl->brute[i].failures >= TL_BRUTE_MIN) {
			bf_ips++;
			bf_fail += tl->brute[i].failures;
		}
	mt_buf_printf(b, "],\"bruteforce\":{\"sources\":%llu,\"failures\":%llu}",
	              (unsigned long long)bf_ips, (unsigned long long)bf_fail);
	/* follow-ups, structured like remedy actions */
	mt_buf_adds(b, ",\"followups\":[");
	n = 0;
	for (size_t i = 0; i < tl->nips; i++) {
		mt_buf_adds(b, n++ ? ",{\"action\":\"block_ip\",\"ip\":"
		                   : "{\"action\":\"block_ip\",\"ip\":");
		jq(b, tl->ips[i]);
		mt_buf_adds(b, "}");
	}
	for (size_t i = 0; i < tl->nbrute; i++)
		if (outside_window(tl, &tl->brute[i]) && !is_attacker_ip(tl, tl->brute[i].ip)) {
			mt_buf_adds(b, n++ ? ",{\"action\":\"block_ip\",\"ip\":"
			                   : "{\"action\":\"block_ip\",\"ip\":");
			jq(b, tl->brute[i].ip);
			mt_buf_adds(b, "}");
		}
	for (size_t i = 0; i < tl->npw; i++) {
		mt_buf_adds(b, n++ ? ",{\"action\":\"change_password\",\"user\":"
		                   : "{\"action\":\"change_password\",\"user\":");
		jq(b, tl->pw_users[i]);
		mt_buf_adds(b, "}");
	}
	for (size_t i = 0; i < tl->nkeys; i++) {
		mt_buf_adds(b, n++ ? ",{\"action\":\"remove_key\",\"fingerprint\":"
		                   : "{\"action\":\"remove_key\",\"fingerprint\":");
		jq(b, tl->keys[i]);
		mt_buf_adds(b, "}");
	}
	mt_buf_printf(b,
	              "],\"events\":%zu,\"events_dropped\":%llu,\"logs_read\":%zu,"
	              "\"lines_read\":%llu,\"lines_skipped\":%llu,\"diagnostics_total\":%zu,"
	              "\"diagnostics\":[",
	              tl->n, (unsigned long long)tl->dropped, tl->nlogs,
	              (unsigned long long)tl->lines, (unsigned long long)tl->skipped,
	              tl->diag_total);
	for (size_t i = 0; i < tl->ndiag; i++) {
		if (i)
			mt_buf_addc(b, ',');
		jq(b, tl->diag[i]);
	}
	mt_buf_adds(b, "]}\n");
	flush(&w);
	mt_err e = w.err;
	mt_buf_free(&w.b);
	return e;
}

static void tq(mt_buf *b, const char *s)
{
	mt_escape_term(b, s, strlen(s), MT_MAX_SHOWN_STRING);
}

static void tt(mt_buf *b, int64_t t)
{
	char iso[40];
	tl_iso(t, iso, sizeof(iso));
	/* "2024-01-24T08:10:27+08:00" -> "2024-01-24 08:10:27 +08:00" */
	if (strlen(iso) == 25)
		mt_buf_printf(b, "%.10s %.8s %s", iso, iso + 11, iso + 19);
	else
		mt_buf_adds(b, iso);
}

mt_err mt_timeline_write_text(const mt_timeline *tl, const mt_output_opts *opts, mt_write_fn write,
                              void *ctx)
{
	int zh = opts && opts->lang == MT_LANG_ZH;
	int color = opts && opts->color;
	out w = {{0}, write, ctx, MT_OK};
	mt_buf_init(&w.b, 64u * 1024 * 1024);
	mt_buf *b = &w.b;
	mt_buf_adds(b, zh ? "== 时间线 ==\n" : "== Timeline ==\n");
	evb sc;
	evb_init(&sc);
	for (size_t i = 0; i < tl->n && w.err == MT_OK; i++) {
		const tl_event *e = &tl->ev[i];
		const char *text, *json, *src;
		event_parts(tl, e, &sc, zh ? W_ZH : W_EN, &text, &json, &src);
		tt(b, e->time);
		mt_buf_adds(b, "  ");
		mt_buf_adds(b, text);
		mt_buf_adds(b, "  <");
		tq(b, src);
		mt_buf_adds(b, ">\n");
		if (b->len > 1u << 20)
			flush(&w);
	}
	evb_free(&sc);
	if (tl->n == 0)
		mt_buf_adds(b, zh ? "(没有事件)\n" : "(no events)\n");
	mt_buf_adds(b, color ? "\n\033[1m" : "\n");
	mt_buf_adds(b, zh ? "== 溯源结论 ==" : "== Conclusion ==");
	mt_buf_adds(b, color ? "\033[0m\n" : "\n");
	if (tl->has_access) {
		const mt_logev *a = &tl->access;
		tt(b, a->time);
		if (zh) {
			mt_buf_adds(b, " 初始入侵：攻击源IP ");
			tq(b, a->ip);
			mt_buf_adds(b, " 通过SSH(");
			tq(b, a->kind == MT_LE_LOGIN ? "login" : a->method);
			mt_buf_adds(b, ")登录 ");
			tq(b, a->user);
			mt_buf_adds(b, " 账户");
			if (tl->access_failures_unknown)
				mt_buf_printf(
					b,
					"，此前至少有%llu次失败（部分失败超出计数上限或未按用户记录）",
					(unsigned long long)tl->access_failures);
			else if (tl->access_failures)
				mt_buf_printf(b, "，此前有%llu次失败",
				              (unsigned long long)tl->access_failures);
			else
				mt_buf_adds(b, "，没有登录失败记录");
			mt_buf_adds(b, "。\n");
		} else {
			mt_buf_adds(b, " initial access: ");
			tq(b, a->ip);
			mt_buf_adds(b, " logged in to ");
			tq(b, a->user);
			mt_buf_adds(b, " over SSH with ");
			tq(b, a->kind == MT_LE_LOGIN ? "a login" : a->method);
			if (tl->access_failures_unknown)
				mt_buf_printf(
					b,
					", after at least %llu failed attempts (some were over "
					"the counting limit or not counted by user)",
					(unsigned long long)tl->access_failures);
			else if (tl->access_failures)
				mt_buf_printf(b, ", after %llu failed attempts",
				              (unsigned long long)tl->access_failures);
			else
				mt_buf_adds(b, ", with no failed attempts");
			mt_buf_adds(b, ".\n");
		}
		if (a->kind == MT_LE_ACCEPTED && a->detail[0]) {
			mt_buf_adds(b, zh ? "  使用的公钥：" : "  key used: ");
			tq(b, a->detail);
			mt_buf_addc(b, '\n');
		}
		if (tl->access_candidates > 1) {
			const char *aw = tl->access_why ? tl->access_why : "";
			int pam = strcmp(aw, "pam_session") == 0, wt = strcmp(aw, "wtmp") == 0;
			if (zh)
				mt_buf_printf(
					b,
					"  选择依据：攻击痕迹前24小时内共有%zu次成功登录，%s；"
					"它们的来源IP都列为攻击者IP。\n",
					tl->access_candidates,
					pam ? "这是有同一进程号PAM会话记录的最近一次"
					: wt ? "这是有wtmp登录记录的最近一次"
					     : "都没有PAM会话或wtmp记录佐证，取最近一次（可能是伪造的日志行）");
			else
				mt_buf_printf(
					b,
					"  chosen among %zu successful logins in the 24 hours "
					"before the artifacts: %s; every one of their sources is "
					"listed as an attacker IP.\n",
					tl->access_candidates,
					pam  ? "the latest backed by a PAM session of the same pid"
					: wt ? "the latest backed by a wtmp record"
					     : "none is backed by a PAM session or a wtmp record, so "
					       "the latest (it may be a forged line)");
		}
	} else {
		mt_buf_adds(
			b, zh ? "未找到与攻击痕迹对应的成功登录。\n"
			      : "No successful login was found before the attacker's artifacts.\n");
	}
	if (tl->wstart != MT_TIME_NONE) {
		mt_buf_adds(b, zh ? "攻击时间窗口：" : "attack window: ");
		tt(b, tl->wstart);
		mt_buf_adds(b, zh ? " 至 " : " to ");
		tt(b, tl->wend);
		mt_buf_addc(b, '\n');
		mt_buf_adds(b,
		            zh ? "攻击者留下的文件：\n" : "files the attacker left or changed:\n");
		for (size_t i = 0; i < tl->nart; i++) {
			const tl_artifact *a = &tl->art[i];
			if (a->in_window_only)
				continue;
			mt_buf_adds(b, "  ");
			tt(b, a->mtime);
			mt_buf_adds(b, "  ");
			tq(b, a->path);
			mt_buf_printf(b, "  [%s, %s]%s\n", a->check, mt_severity_name(a->sev),
			              !a->stomped ? ""
			              : zh        ? "  (mtime疑被篡改)"
			                          : "  (mtime set by hand?)");
		}
		if (tl->nstomped)
			mt_buf_printf(
				b,
				zh ? "  %zu个文件的mtime完全相同，疑似被touch篡改(timestomping)%s。\n"
				   : "  %zu files share their exact mtime: possible timestomping "
				     "(touch)%s.\n",
				tl->nstomped,
				tl->anchor && strcmp(tl->anchor, "attacker_commands") == 0
					? (zh ? "；攻击时间窗口依据攻击者的命令历史和账号变更日志确定"
			                      : "; the window is placed by the attacker's commands and "
			                        "account changes in the logs")
					: "");
		int any = 0;
		for (size_t i = 0; i < tl->nart; i++)
			if (tl->art[i].in_window_only) {
				if (!any++)
					mt_buf_adds(
						b,
						zh ? "窗口内还变动了(未判定为恶意，请核查)：\n"
						   : "also changed inside the window (not flagged, "
						     "review them):\n");
				mt_buf_adds(b, "  ");
				tq(b, tl->art[i].path);
				mt_buf_addc(b, '\n');
			}
	}
	if (tl->nips) {
		mt_buf_adds(b, zh ? "攻击者IP：" : "attacker IPs: ");
		for (size_t i = 0; i < tl->nips; i++) {
			if (i)
				mt_buf_adds(b, ", ");
			tq(b, tl->ips[i]);
		}
		mt_buf_addc(b, '\n');
	}
	tl_brute *sorted = NULL;
	if (tl->nbrute && (sorted = malloc(tl->nbrute * sizeof(*sorted))) != NULL) {
		memcpy(sorted, tl->brute, tl->nbrute * sizeof(*sorted));
		qsort(sorted, tl->nbrute, sizeof(*sorted), brute_cmp);
	}
	for (size_t i = 0; sorted && i < tl->nbrute; i++) {
		const tl_brute *br = &sorted[i];
		if (!outside_window(tl, br))
			continue;
		if (zh) {
			tq(b, br->ip);
			mt_buf_printf(b, " 暴力破解(%llu次失败)后于 ",
			              (unsigned long long)br->failures);
			tt(b, br->success);
			mt_buf_adds(b, " 成功登录 ");
			tq(b, br->success_user);
			mt_buf_adds(b, "，但与攻击时间窗口不吻合(口令同样已泄露)。\n");
		} else {
			tq(b, br->ip);
			mt_buf_printf(b, " brute-forced (%llu failures) and logged in to ",
			              (unsigned long long)br->failures);
			tq(b, br->success_user);
			mt_buf_adds(b, " at ");
			tt(b, br->success);
			mt_buf_adds(b,
			            ", but that login does not fit the attack window (the password "
			            "is known to it all the same).\n");
		}
	}
	uint64_t bf = 0;
	for (size_t i = 0; i < tl->nbrute; i++)
		bf += tl->brute[i].failures >= TL_BRUTE_MIN && tl->brute[i].success == MT_TIME_NONE;
	if (bf)
		mt_buf_printf(b,
		              zh ? "另有%llu个IP暴力破解未成功。\n"
		                 : "%llu more sources brute-forced without success.\n",
		              (unsigned long long)bf);
	/* follow-ups */
	mt_buf_adds(b, zh ? "\n后续待办：\n" : "\nfollow-ups:\n");
	int todo = 0;
	for (size_t i = 0; i < tl->nips; i++) {
		mt_buf_adds(b, zh ? "  在边界封禁IP " : "  block at the border: ");
		tq(b, tl->ips[i]);
		mt_buf_addc(b, '\n');
		todo++;
	}
	for (size_t i = 0; sorted && i < tl->nbrute; i++)
		if (outside_window(tl, &sorted[i]) && !is_attacker_ip(tl, sorted[i].ip)) {
			mt_buf_adds(b, zh ? "  在边界封禁IP " : "  block at the border: ");
			tq(b, sorted[i].ip);
			mt_buf_addc(b, '\n');
			todo++;
		}
	free(sorted);
	for (size_t i = 0; i < tl->npw; i++) {
		mt_buf_adds(b, zh ? "  修改口令：passwd " : "  change the password: passwd ");
		tq(b, tl->pw_users[i]);
		mt_buf_addc(b, '\n');
		todo++;
	}
	for (size_t i = 0; i < tl->nkeys; i++) {
		mt_buf_adds(b, zh ? "  删除公钥：" : "  remove the key: ");
		tq(b, tl->keys[i]);
		mt_buf_addc(b, '\n');
		todo++;
	}
	if (tl->nart) {
		mt_buf_adds(b, zh ? "  清除上述文件与持久化：minetrace scan --format json 然后 "
		                    "minetrace respond\n"
		                  : "  remove the files and persistence above: minetrace scan "
		                    "--format json, then minetrace respond\n");
		todo++;
	}
	if (!todo)
		mt_buf_adds(b, zh ? "  (无)\n" : "  (none)\n");
	mt_buf_printf(b,
	              zh ? "\n读取日志%zu个，%llu行，跳过%llu行无法解析的行。\n"
	                 : "\n%zu logs read, %llu lines, %llu lines skipped (not readable "
	                   "as log lines).\n",
	              tl->nlogs, (unsigned long long)tl->lines, (unsigned long long)tl->skipped);
	if (tl->ndiag) {
		mt_buf_adds(b, zh ? "未能完整检查：\n" : "not fully checked:\n");
		for (size_t i = 0; i < tl->ndiag; i++) {
			mt_buf_adds(b, "  ");
			tq(b, tl->diag[i]);
			mt_buf_addc(b, '\n');
		}
	}
	flush(&w);
	mt_err e = w.err;
	mt_buf_free(&w.b);
	return e;
}
