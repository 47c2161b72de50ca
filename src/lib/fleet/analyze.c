/* analyze.c - the fleet report: what each host's newest scan and timeline say, how the
 * attack went from host to host, which host was first, and what the hosts share.
 *
 * The reasoning, in order:
 *  1. A host is infected when its newest scan's verdict is "compromised". Its first sign
 *     of compromise is the start of its timeline's attack window, else its initial
 *     access, else unknown.
 *  2. A login (any accepted logon of the timeline: SSH, Windows 4624) to host V from an
 *     address of fleet host A is a propagation A -> V when A was compromised at that time
 *     and V's first sign comes at most a day after it; when A was not compromised yet
 *     it is ruled out (a routine login, e.g. from a bastion), and said so; when V shows
 *     no infection it is an attempt. Failed logins from a compromised A are attempts.
 *  3. pcap reports add SMB exploitation (EternalBlue, EternalRomance, EternalChampion,
 *     DoublePulsar): attacker -> victim, a propagation when the victim is infected.
 *  4. Patient zero: the infected host with the earliest first sign among those no other
 *     fleet host reached first; its own way in (the source of its initial access) and the
 *     chain of propagations from it are the evidence.
 *  5. Groups: hosts that share a miner (SHA-256), a pool, a missing MS17-010 or SMBv1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_int.h"

void mt__strs_add(strs *s, const char *x)
{
	if (!x || !x[0])
		return;
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return;
	if (s->n < MAXVALS && (s->v[s->n] = strdup(x)))
		s->n++;
}

void mt__strs_free(strs *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

static char *col(mt_db *db, mt_dbcur *c, int i)
{
	return strdup(mt_db_text(db, c, i));
}

static int64_t t_of(const char *s)
{
	int64_t t;
	return s && mt_time_parse(s, &t) == MT_OK ? t : T_NONE;
}

static edge *edge_add(fleet_view *v)
{
	if (v->ne == v->ae) {
		size_t na = v->ae ? v->ae * 2 : 64;
		edge *ne = realloc(v->e, na * sizeof(*ne));
		if (!ne)
			return NULL;
		v->e = ne;
		v->ae = na;
	}
	edge *e = &v->e[v->ne++];
	memset(e, 0, sizeof(*e));
	e->from = e->to = -1;
	return e;
}

static int ix_cmp(const void *a, const void *b)
{
	const addr_ix *x = a, *y = b;
	int c = strcmp(x->addr, y->addr);
	return c ? c : x->host - y->host;
}

/* the index of every address once the hosts are loaded (the first host wins a shared one) */
static mt_err index_addrs(fleet_view *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nh; i++)
		n += v->h[i].naddr;
	if (!n)
		return MT_OK;
	if (!(v->ix = calloc(n, sizeof(*v->ix))))
		return MT_ERR_NOMEM;
	for (size_t i = 0; i < v->nh; i++)
		for (unsigned k = 0; k < v->h[i].naddr; k++)
			v->ix[v->nix++] = (addr_ix){v->h[i].addr[k], (int)i};
	qsort(v->ix, v->nix, sizeof(*v->ix), ix_cmp);
	return MT_OK;
}

int mt__fleet_host_by_addr(const fleet_view *v, const char *a)
{
	if (!a || !a[0] || !v->nix)
		return -1;
	size_t lo = 0, hi = v->nix;
	while (lo < hi) { /* the first entry not below a */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->ix[mid].addr, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nix && !strcmp(v->ix[lo].addr, a) ? v->ix[lo].host : -1;
}

typedef mt_err (*body_fn)(fleet_view *v, size_t hi, const mt_json *j);

static mt_err each_body(mt_db *db, const char *sql, int64_t rep, fleet_view *v, size_t hi,
                        body_fn fn)
{
	mt_dbarg a[] = {DB_I(rep)};
	mt_dbcur *c = mt_db_query(db, sql, a, 1);
	if (!c)
		return MT_ERR_IO;
	mt_err e = MT_OK;
	int rc;
	while (e == MT_OK && (rc = mt_db_next(db, c)) == 1) {
		const char *b = mt_db_text(db, c, 0);
		mt_json *j = NULL;
		size_t at;
		if (b[0] && mt_json_parse(b, strlen(b), &j, &at) == MT_OK) {
			e = fn(v, hi, j);
			mt_json_free(j);
		}
	}
	mt_db_done(db, c);
	return e;
}

static mt_err on_finding(fleet_view *v, size_t hi, const mt_json *j)
{
	fhost *h = &v->h[hi];
	const char *sev = mt_json_str(j, "severity"), *check = mt_json_str(j, "check");
	mt_severity s;
	if (!sev || mt_severity_parse(sev, &s) != MT_OK)
		return MT_OK;
	const mt_json *ev = mt_json_get(j, "evidence");
	if (!ev || ev->type != MT_JSON_OBJ)
		return MT_OK;
	if (s >= MT_SEV_HIGH)
		mt__strs_add(&h->miners, mt_json_str(ev, "family") && mt_json_str(ev, "sha256")
		                                 ? mt_json_str(ev, "sha256")
		                                 : NULL);
	if (s >= MT_SEV_MEDIUM)
		mt__strs_add(&h->pools, mt_json_str(ev, "pool"));
	if (check && !strncmp(check, "hardening.", 10)) {
		const char *item = mt_json_str(ev, "item");
		if (item && !strcmp(item, "ms17_010"))
			mt__strs_add(&h->lacks, "ms17_010_missing");
		else if (item && !strcmp(item, "smb1"))
			mt__strs_add(&h->lacks, "smb1_enabled");
	}
	return MT_OK;
}

static mt_err on_record(fleet_view *v, size_t hi, const mt_json *j)
{
	fhost *h = &v->h[hi];
	const char *type = mt_json_str(j, "type");
	if (type && !strcmp(type, "summary")) {
		const char *verdict = mt_json_str(j, "verdict");
		h->infected = verdict && !strcmp(verdict, "compromised");
		const mt_json *c = mt_json_get(j, "counts");
		for (int s = 0; c && s < MT_SEV_COUNT; s++) {
			int64_t x;
			if (mt_json_int(c, mt_severity_name((mt_severity)s), &x) && x >= 0)
				h->counts[s] = (size_t)x;
		}
	} else if (type && !strcmp(type, "conclusion")) {
		const mt_json *ia = mt_json_get(j, "initial_access");
		const mt_json *w = mt_json_get(j, "window");
		if (ia && ia->type == MT_JSON_OBJ) {
			h->way_time = t_of(mt_json_str(ia, "time"));
			mt_copy(h->way_ip, sizeof(h->way_ip),
			        mt_json_str(ia, "source_ip") ? mt_json_str(ia, "source_ip") : "");
			mt_copy(h->way_user, sizeof(h->way_user),
			        mt_json_str(ia, "user") ? mt_json_str(ia, "user") : "");
			mt_copy(h->way_method, sizeof(h->way_method),
			        mt_json_str(ia, "method") ? mt_json_str(ia, "method") : "");
		}
		int64_t ws = w && w->type == MT_JSON_OBJ ? t_of(mt_json_str(w, "start")) : T_NONE;
		h->first = ws != T_NONE ? ws : h->way_time;
	}
	return MT_OK;
}

/* A service installed on V within minutes after a logon from a fleet host is how PsExec
 * and its kin move (a network logon, then a service that runs the payload): the login
 * edge says so. Events come in time order, so the logon's edge is already there. */
#define SERVICE_AFTER 600
static mt_err service_after_logon(fleet_view *v, size_t hi, const mt_json *j, const mt_json *ev)
{
	int64_t t = t_of(mt_json_str(j, "time"));
	const char *detail = mt_json_str(ev, "detail");
	if (t == T_NONE)
		return MT_OK;
	for (size_t k = v->ne; k-- > 0;) {
		edge *e = &v->e[k];
		if (e->to != (int)hi || e->from < 0 || strncmp(e->method, "login", 5) ||
		    e->time == T_NONE || t < e->time || t - e->time > SERVICE_AFTER)
			continue;
		int psexec = detail && (strstr(detail, "PSEXESVC") || strstr(detail, "psexesvc"));
		size_t ml = strlen(e->method), wl = strlen(e->why), zl = strlen(e->why_zh);
		snprintf(e->method + ml, sizeof(e->method) - ml, "%s",
		         psexec ? " + psexec service" : " + service install");
		snprintf(e->why + wl, sizeof(e->why) - wl,
		         "; then a service was installed (%.120s)", detail ? detail : "");
		snprintf(e->why_zh + zl, sizeof(e->why_zh) - zl, "; 随后安装了服务 (%.120s)",
		         detail ? detail : "");
		return MT_OK;
	}
	return MT_OK;
}

/* logins of the timeline, judged once every host's first sign is known */
static mt_err on_event(fleet_view *v, size_t hi, const mt_json *j)
{
	const char *what = mt_json_str(j, "what");
	const mt_json *ev = mt_json_get(j, "evidence");
	if (!what || !ev || ev->type != MT_JSON_OBJ)
		return MT_OK;
	int ok = !strcmp(what, "ssh_accepted"), bad = !strcmp(what, "ssh_failed");
	if (!strcmp(what, "service_installed"))
		return service_after_logon(v, hi, j, ev);
	if (!ok && !bad)
		return MT_OK;
	const char *ip = mt_json_str(ev, "source_ip");
	int from = mt__fleet_host_by_addr(v, ip);
	if (from < 0 || (size_t)from == hi)
		return MT_OK;
	int64_t t = t_of(mt_json_str(j, "time"));
	fhost *a = &v->h[from], *b = &v->h[hi];
	const char *user = mt_json_str(ev, "user") ? mt_json_str(ev, "user") : "";
	const char *method = mt_json_str(ev, "method");
	char how[48];
	snprintf(how, sizeof(how), "login%s%s", method && method[0] ? " " : "",
	         method ? method : "");
	int compromised = a->first != T_NONE && t != T_NONE && a->first <= t;
	if (bad) {
		/* the timeline counts the failures of one source in one event */
		int64_t cnt = 1, tl = t_of(mt_json_str(ev, "last"));
		if (!mt_json_int(ev, "count", &cnt) || cnt < 1)
			cnt = 1;
		if (tl == T_NONE)
			tl = t;
		if (mt_json_str(ev, "users") && !user[0])
			user = mt_json_str(ev, "users");
		if (!compromised)
			return MT_OK; /* failures before the source was compromised: not the attack */
		for (size_t k = 0; k < v->ne; k++) {
			edge *x = &v->e[k];
			if (x->kind == 1 && x->from == from && x->to == (int)hi &&
			    !strcmp(x->method, "failed login")) {
				x->count += (unsigned)cnt;
				if (tl > x->last)
					x->last = tl;
				if (t < x->time)
					x->time = t;
				return MT_OK;
			}
		}
		edge *e = edge_add(v);
		if (!e)
			return MT_ERR_NOMEM;
		e->from = from, e->to = (int)hi, e->kind = 1, e->time = t, e->last = tl;
		e->count = (unsigned)cnt;
		mt_copy(e->from_addr, sizeof(e->from_addr), ip);
		mt_copy(e->method, sizeof(e->method), "failed login");
		mt_copy(e->user, sizeof(e->user), user);
		snprintf(e->why, sizeof(e->why), "failed logins from %s after its compromise",
		         a->name);
		snprintf(e->why_zh, sizeof(e->why_zh), "%s 失陷后发起的登录 (均失败)", a->name);
		return MT_OK;
	}
	/* a login from a host not compromised then is worth a line only where a responder
	 * would suspect it: into an infected host, in the week before its first sign */
	if (!compromised && (!b->infected || b->first == T_NONE || t == T_NONE || t > b->first ||
	                     t < b->first - 7 * DAY))
		return MT_OK;
	edge *e = edge_add(v);
	if (!e)
		return MT_ERR_NOMEM;
	e->from = from, e->to = (int)hi, e->time = e->last = t, e->count = 1;
	mt_copy(e->from_addr, sizeof(e->from_addr), ip);
	mt_copy(e->method, sizeof(e->method), how);
	mt_copy(e->user, sizeof(e->user), user);
	char ta[40] = "unknown", tb[40] = "none";
	if (a->first != T_NONE)
		mt_time_iso(a->first, ta, sizeof(ta));
	if (b->first != T_NONE)
		mt_time_iso(b->first, tb, sizeof(tb));
	if (!compromised) {
		e->kind = 2;
		if (a->first == T_NONE) {
			snprintf(e->why, sizeof(e->why),
			         "%s shows no compromise: a routine login, not the way in",
			         a->name);
			snprintf(e->why_zh, sizeof(e->why_zh),
			         "%s 未见失陷迹象: 例行登录, 不是入侵入口", a->name);
		} else {
			snprintf(
				e->why, sizeof(e->why),
				"%s was not compromised yet (its first sign: %s): a routine login, "
				"not the way in",
				a->name, ta);
			snprintf(e->why_zh, sizeof(e->why_zh),
			         "%s 当时尚未失陷 (其最早失陷迹象: %s): 例行登录, 不是入侵入口",
			         a->name, ta);
		}
	} else if (b->infected && b->first != T_NONE && t <= b->first + DAY) {
		e->kind = 0;
		snprintf(e->why, sizeof(e->why),
		         "%s was compromised since %s; %s's first sign (%s) follows this login",
		         a->name, ta, b->name, tb);
		snprintf(e->why_zh, sizeof(e->why_zh),
		         "%s 自 %s 起已失陷; %s 的最早失陷迹象 (%s) 紧随这次登录", a->name, ta,
		         b->name, tb);
	} else {
		e->kind = 1;
		snprintf(e->why, sizeof(e->why),
		         b->infected
		                 ? "a login from compromised %s, but %s's first sign (%s) is not "
		                   "within a day after it"
		                 : "a login from compromised %s; %s shows no infection (%s)",
		         a->name, b->name, tb);
		snprintf(e->why_zh, sizeof(e->why_zh),
		         b->infected ? "来自已失陷主机 %s 的登录, 但 %s 的最早失陷迹象 (%s) "
		                       "不在其后一天内"
		                     : "来自已失陷主机 %s 的登录; %s 未见感染 (%s)",
		         a->name, b->name, tb);
	}
	return MT_OK;
}

/* SMB exploitation seen in captures */
static mt_err on_pcap_finding(fleet_view *v, size_t unused, const mt_json *j)
{
	(void)unused;
	const char *check = mt_json_str(j, "check");
	static const char *const smb[] = {"net.eternalblue", "net.eternalromance",
	                                  "net.eternalchampion", "net.doublepulsar"};
	int k = -1;
	for (int i = 0; check && i < 4; i++)
		if (!strcmp(check, smb[i]))
			k = i;
	const mt_json *ev = mt_json_get(j, "evidence");
	if (k < 0 || !ev || ev->type != MT_JSON_OBJ)
		return MT_OK;
	const char *att = mt_json_str(ev, "attacker"), *vic = mt_json_str(ev, "victim");
	int a = mt__fleet_host_by_addr(v, att), b = mt__fleet_host_by_addr(v, vic);
	if (b < 0 && a < 0)
		return MT_OK;
	int64_t t = t_of(mt_json_str(ev, "first_seen"));
	for (size_t i = 0; i < v->ne; i++) { /* one edge per pair and method */
		edge *x = &v->e[i];
		if (x->from == a && x->to == b && !strcmp(x->method, check + 4) &&
		    !strcmp(x->from_addr, att ? att : "") && !strcmp(x->to_addr, vic ? vic : "")) {
			if (t != T_NONE && t < x->time)
				x->time = t;
			return MT_OK;
		}
	}
	edge *e = edge_add(v);
	if (!e)
		return MT_ERR_NOMEM;
	e->from = a, e->to = b, e->time = e->last = t, e->count = 1;
	mt_copy(e->from_addr, sizeof(e->from_addr), att ? att : "");
	mt_copy(e->to_addr, sizeof(e->to_addr), vic ? vic : "");
	mt_copy(e->method, sizeof(e->method), check + 4);
	int infected = b >= 0 && v->h[b].infected;
	e->kind = infected || k == 3 ? 0 : 1;
	snprintf(e->why, sizeof(e->why), "%s seen in a capture: %s", check,
	         mt_json_str(ev, "indicator") ? mt_json_str(ev, "indicator") : "");
	snprintf(e->why_zh, sizeof(e->why_zh), "抓包中发现 %s: %s", check,
	         mt_json_str(ev, "indicator") ? mt_json_str(ev, "indicator") : "");
	return MT_OK;
}

static void view_free(fleet_view *v)
{
	for (size_t i = 0; i < v->nh; i++) {
		fhost *h = &v->h[i];
		free(h->name);
		free(h->hostname);
		free(h->os);
		free(h->scan_name);
		free(h->tl_name);
		for (unsigned k = 0; k < h->naddr; k++)
			free(h->addr[k]);
		mt__strs_free(&h->miners);
		mt__strs_free(&h->pools);
		mt__strs_free(&h->lacks);
	}
	free(v->h);
	free(v->e);
	free(v->ix);
}

static mt_err load(mt_db *db, fleet_view *v)
{
	memset(v, 0, sizeof(*v));
	mt_dbcur *c =
		mt_db_query(db, "SELECT id, name, hostname, os FROM hosts ORDER BY name", NULL, 0);
	if (!c)
		return MT_ERR_IO;
	size_t cap = 0;
	mt_err e = MT_OK;
	while (mt_db_next(db, c) == 1) {
		if (v->nh == cap) {
			cap = cap ? cap * 2 : 32;
			fhost *nh = realloc(v->h, cap * sizeof(*nh));
			if (!nh) {
				e = MT_ERR_NOMEM;
				break;
			}
			v->h = nh;
		}
		fhost *h = &v->h[v->nh++];
		memset(h, 0, sizeof(*h));
		h->id = mt_db_int(db, c, 0);
		h->name = col(db, c, 1);
		h->hostname = col(db, c, 2);
		h->os = col(db, c, 3);
		h->first = h->way_time = T_NONE;
	}
	mt_db_done(db, c);
	for (size_t i = 0; i < v->nh && e == MT_OK; i++) {
		fhost *h = &v->h[i];
		mt_dbarg a[] = {DB_I(h->id)};
		if (!(c = mt_db_query(db,
		                      "SELECT address FROM host_addresses WHERE host_id = ? "
		                      "ORDER BY address",
		                      a, 1)))
			return MT_ERR_IO;
		while (mt_db_next(db, c) == 1 && h->naddr < MAXADDR)
			h->addr[h->naddr++] = col(db, c, 0);
		mt_db_done(db, c);
		static const char *const kinds[] = {"scan", "timeline"};
		for (int k = 0; k < 2; k++) {
			mt_dbarg ka[] = {DB_I(h->id), DB_S(kinds[k])};
			if (!(c = mt_db_query(db,
			                      "SELECT id, name FROM reports WHERE host_id = ? AND "
			                      "kind = ? ORDER BY scan_time DESC, id DESC LIMIT 1",
			                      ka, 2)))
				return MT_ERR_IO;
			if (mt_db_next(db, c) == 1) {
				if (k == 0) {
					h->scan_report = mt_db_int(db, c, 0);
					h->scan_name = col(db, c, 1);
					h->have_scan = 1;
				} else {
					h->tl_report = mt_db_int(db, c, 0);
					h->tl_name = col(db, c, 1);
				}
			}
			mt_db_done(db, c);
		}
		if (h->scan_report) {
			e = each_body(db,
			              "SELECT body FROM records WHERE report_id = ? ORDER BY seq",
			              h->scan_report, v, i, on_record);
			if (e == MT_OK)
				e = each_body(
					db,
					"SELECT body FROM findings WHERE report_id = ? ORDER BY seq",
					h->scan_report, v, i, on_finding);
		}
		if (e == MT_OK && h->tl_report)
			e = each_body(db,
			              "SELECT body FROM records WHERE report_id = ? ORDER BY seq",
			              h->tl_report, v, i, on_record);
	}
	if (e == MT_OK)
		e = index_addrs(v);
	for (size_t i = 0; i < v->nh && e == MT_OK; i++)
		if (v->h[i].tl_report)
			e = each_body(db,
			              "SELECT body FROM events WHERE report_id = ? ORDER BY seq",
			              v->h[i].tl_report, v, i, on_event);
	if (e == MT_OK) {
		if (!(c = mt_db_query(db, "SELECT id FROM reports WHERE kind = 'pcap' ORDER BY id",
		                      NULL, 0)))
			return MT_ERR_IO;
		int64_t ids[256];
		size_t nids = 0;
		while (mt_db_next(db, c) == 1 && nids < 256)
			ids[nids++] = mt_db_int(db, c, 0);
		mt_db_done(db, c);
		for (size_t k = 0; k < nids && e == MT_OK; k++)
			e = each_body(db,
			              "SELECT body FROM findings WHERE report_id = ? ORDER BY seq",
			              ids[k], v, 0, on_pcap_finding);
	}
	return e;
}

static int edge_cmp(const void *a, const void *b)
{
	const edge *x = a, *y = b;
	return x->time < y->time ? -1 : x->time > y->time;
}

/* patient zero: see the top of the file */
static int patient_zero(fleet_view *v)
{
	for (size_t k = 0; k < v->ne; k++) {
		edge *e = &v->e[k];
		if (e->kind == 0 && e->to >= 0 && e->from >= 0)
			v->h[e->to].reached = 1;
	}
	int best = -1;
	for (int pass = 0; pass < 2 && best < 0; pass++)
		for (size_t i = 0; i < v->nh; i++) {
			fhost *h = &v->h[i];
			if (!h->infected || h->first == T_NONE || (pass == 0 && h->reached))
				continue;
			if (best < 0 || h->first < v->h[best].first)
				best = (int)i;
		}
	if (best >= 0)
		v->h[best].pz = 1;
	return best;
}

unsigned char *mt__fleet_chain(const fleet_view *v, int pz)
{
	unsigned char *in = calloc(v->nh ? v->nh : 1, 1);
	unsigned char *on = calloc(v->ne ? v->ne : 1, 1);
	if (!in || !on || pz < 0) {
		free(in);
		free(on);
		return NULL;
	}
	in[pz] = 1;
	for (size_t k = 0; k < v->ne; k++) { /* v->e is in time order */
		const edge *e = &v->e[k];
		if (e->kind != 0 || e->from < 0 || e->to < 0 || !in[e->from] || in[e->to])
			continue;
		in[e->to] = 1;
		on[k] = 1;
	}
	free(in);
	return on;
}

void mt__fleet_pz_why(const fleet_view *v, int pz, unsigned inf, mt_lang lang, char *out, size_t n)
{
	const fhost *h = &v->h[pz];
	char t[40] = "";
	mt_time_iso(h->first, t, sizeof(t));
	int fleet = mt__fleet_host_by_addr(v, h->way_ip) >= 0;
	if (lang == MT_LANG_ZH)
		snprintf(out, n,
		         "%u 台已失陷主机中最早出现失陷迹象 (%s), 且此前没有其他主机进入它; "
		         "入口: %s%s%s%s%s",
		         inf, t, h->way_ip[0] ? "来自 " : "日志中未见", h->way_ip,
		         h->way_user[0] ? " 用户 " : "", h->way_user,
		         !h->way_ip[0] ? ""
		         : fleet       ? " (本网主机)"
		                       : " (网外)");
	else
		snprintf(out, n,
		         "the earliest first sign of compromise among the %u infected hosts (%s), "
		         "reached by no other fleet host before it; its way in: %s%s%s%s%s",
		         inf, t, h->way_ip[0] ? "a login from " : "not in its logs", h->way_ip,
		         h->way_user[0] ? " as " : "", h->way_user,
		         fleet ? " (a fleet host)" : " (outside the fleet)");
}

/* ---- output ---- */

static void jstr(mt_buf *b, const char *s)
{
	mt_buf_addc(b, '"');
	mt_escape_json(b, s ? s : "", s ? strlen(s) : 0);
	mt_buf_addc(b, '"');
}

static void jtime(mt_buf *b, int64_t t)
{
	char x[40];
	if (t == T_NONE) {
		mt_buf_adds(b, "null");
		return;
	}
	mt_time_iso(t, x, sizeof(x));
	jstr(b, x);
}

static void jlist(mt_buf *b, const strs *s)
{
	mt_buf_addc(b, '[');
	for (unsigned i = 0; i < s->n; i++) {
		if (i)
			mt_buf_addc(b, ',');
		jstr(b, s->v[i]);
	}
	mt_buf_addc(b, ']');
}

/* ---- groups: hosts sharing a miner, a pool or a missing protection ---- */

static const char *const gk[] = {"miner", "pool", "exposure"};

static const strs *group_of(const fhost *h, int g)
{
	return g == 0 ? &h->miners : g == 1 ? &h->pools : &h->lacks;
}

/* fn(ctx, v, g, value, member flags, hosts in it, infected in it, all infected in it) */

void mt__fleet_groups(const fleet_view *v, unsigned inf, mt__group_fn fn, void *ctx)
{
	unsigned char *in = calloc(v->nh ? v->nh : 1, 1);
	if (!in)
		return;
	for (int g = 0; g < 3; g++) {
		strs seen = {{0}, 0};
		for (size_t i = 0; i < v->nh; i++) {
			const strs *s = group_of(&v->h[i], g);
			for (unsigned x = 0; x < s->n; x++) {
				int dup = 0;
				for (unsigned y = 0; y < seen.n; y++)
					dup |= !strcmp(seen.v[y], s->v[x]);
				if (dup)
					continue;
				mt__strs_add(&seen, s->v[x]);
				unsigned n = 0, ninf = 0;
				for (size_t j = 0; j < v->nh; j++) {
					const strs *t = group_of(&v->h[j], g);
					in[j] = 0;
					for (unsigned z = 0; z < t->n; z++)
						in[j] |= !strcmp(t->v[z], s->v[x]);
					n += in[j];
					ninf += in[j] && v->h[j].infected;
				}
				fn(ctx, v, g, s->v[x], in, n, ninf, inf && ninf == inf);
			}
		}
		mt__strs_free(&seen);
	}
	free(in);
}

static void json_group(void *ctx, const fleet_view *v, int g, const char *value,
                       const unsigned char *in, unsigned n, unsigned ninf, int all)
{
	mt_buf *b = ctx;
	(void)n;
	mt_buf_printf(b, "{\"type\":\"group\",\"what\":\"%s\",\"value\":", gk[g]);
	jstr(b, value);
	mt_buf_adds(b, ",\"hosts\":[");
	for (size_t j = 0, k = 0; j < v->nh; j++)
		if (in[j]) {
			if (k++)
				mt_buf_addc(b, ',');
			jstr(b, v->h[j].name);
		}
	mt_buf_printf(b, "],\"infected\":%u,\"all_infected\":%s}\n", ninf, all ? "true" : "false");
}

typedef struct text_ctx {
	mt_buf *b;
	int zh, any;
} text_ctx;

static void tesc(mt_buf *b, const char *s);

static void text_group(void *ctx, const fleet_view *v, int g, const char *value,
                       const unsigned char *in, unsigned n, unsigned ninf, int all)
{
	text_ctx *t = ctx;
	(void)v;
	(void)in;
	if (n < 2 && !all)
		return; /* one host is no group */
	static const char *const what[][2] = {{"share the miner", "使用同一矿工程序"},
	                                      {"share the pool", "连接同一矿池"},
	                                      {"have", "存在"}};
	if (!t->any++)
		mt_buf_adds(t->b, t->zh ? "\n共同点:\n" : "\nShared:\n");
	mt_buf_printf(t->b,
	              t->zh ? "  %u 台主机 (其中 %u 台已失陷%s) %s "
	                    : "  %u hosts (%u infected%s) %s ",
	              n, ninf, all ? (t->zh ? ", 即全部失陷主机" : ": every infected host") : "",
	              what[g][t->zh]);
	tesc(t->b, value);
	mt_buf_adds(t->b, "\n");
}

static const char *end_name(const fleet_view *v, int i, const char *addr)
{
	return i >= 0 ? v->h[i].name : addr;
}

static const char *const kind_type[] = {"propagation", "attempt", "ruled_out"};

static void write_json(const fleet_view *v, int pz, mt_buf *b)
{
	unsigned inf = 0;
	for (size_t i = 0; i < v->nh; i++) {
		const fhost *h = &v->h[i];
		inf += (unsigned)h->infected;
		mt_buf_adds(b, "{\"type\":\"fleet_host\",\"host\":");
		jstr(b, h->name);
		mt_buf_adds(b, ",\"hostname\":");
		jstr(b, h->hostname);
		mt_buf_adds(b, ",\"addresses\":[");
		for (unsigned k = 0; k < h->naddr; k++) {
			if (k)
				mt_buf_addc(b, ',');
			jstr(b, h->addr[k]);
		}
		mt_buf_adds(b, "],\"os\":");
		jstr(b, h->os);
		mt_buf_printf(b, ",\"scanned\":%s,\"infected\":%s,\"first_compromise\":",
		              h->have_scan ? "true" : "false", h->infected ? "true" : "false");
		jtime(b, h->infected ? h->first : T_NONE);
		mt_buf_adds(b, ",\"way_in\":");
		if (h->infected && h->way_ip[0]) {
			int from = mt__fleet_host_by_addr(v, h->way_ip);
			mt_buf_adds(b, "{\"source\":");
			jstr(b, h->way_ip);
			if (from >= 0) {
				mt_buf_adds(b, ",\"host\":");
				jstr(b, v->h[from].name);
			}
			mt_buf_adds(b, ",\"user\":");
			jstr(b, h->way_user);
			mt_buf_adds(b, ",\"method\":");
			jstr(b, h->way_method);
			mt_buf_adds(b, ",\"time\":");
			jtime(b, h->way_time);
			mt_buf_addc(b, '}');
		} else {
			mt_buf_adds(b, "null");
		}
		mt_buf_adds(b, ",\"findings\":{");
		for (int s = MT_SEV_COUNT - 1; s >= 0; s--)
			mt_buf_printf(b, "%s\"%s\":%zu", s == MT_SEV_COUNT - 1 ? "" : ",",
			              mt_severity_name((mt_severity)s), h->counts[s]);
		mt_buf_adds(b, "},\"miners\":");
		jlist(b, &h->miners);
		mt_buf_adds(b, ",\"pools\":");
		jlist(b, &h->pools);
		mt_buf_adds(b, ",\"exposures\":");
		jlist(b, &h->lacks);
		mt_buf_printf(b, ",\"patient_zero\":%s}\n", h->pz ? "true" : "false");
	}
	for (size_t k = 0; k < v->ne; k++) {
		const edge *e = &v->e[k];
		mt_buf_printf(b, "{\"type\":\"%s\",\"from\":", kind_type[e->kind]);
		jstr(b, end_name(v, e->from, e->from_addr));
		mt_buf_adds(b, ",\"from_address\":");
		jstr(b, e->from_addr);
		mt_buf_adds(b, ",\"to\":");
		jstr(b, end_name(v, e->to, e->to_addr));
		mt_buf_adds(b, ",\"time\":");
		jtime(b, e->time);
		mt_buf_adds(b, ",\"method\":");
		jstr(b, e->method);
		if (e->user[0]) {
			mt_buf_adds(b, ",\"user\":");
			jstr(b, e->user);
		}
		if (e->count > 1) {
			mt_buf_printf(b, ",\"count\":%u,\"last\":", e->count);
			jtime(b, e->last);
		}
		mt_buf_adds(b, ",\"why\":");
		jstr(b, e->why);
		mt_buf_adds(b, ",\"why_zh\":");
		jstr(b, e->why_zh);
		mt_buf_adds(b, "}\n");
	}
	mt__fleet_groups(v, inf, json_group, b);
	if (pz >= 0) {
		const fhost *h = &v->h[pz];
		mt_buf_adds(b, "{\"type\":\"patient_zero\",\"host\":");
		jstr(b, h->name);
		mt_buf_adds(b, ",\"time\":");
		jtime(b, h->first);
		mt_buf_adds(b, ",\"source\":");
		jstr(b, h->way_ip);
		mt_buf_adds(b, ",\"user\":");
		jstr(b, h->way_user);
		mt_buf_adds(b, ",\"method\":");
		jstr(b, h->way_method);
		mt_buf_adds(b, ",\"chain\":[");
		unsigned char *on = mt__fleet_chain(v, pz);
		unsigned nch = 0;
		if (on) {
			for (size_t k = 0; k < v->ne; k++) {
				const edge *e = &v->e[k];
				if (!on[k])
					continue;
				if (nch++)
					mt_buf_addc(b, ',');
				mt_buf_adds(b, "{\"from\":");
				jstr(b, v->h[e->from].name);
				mt_buf_adds(b, ",\"to\":");
				jstr(b, v->h[e->to].name);
				mt_buf_adds(b, ",\"time\":");
				jtime(b, e->time);
				mt_buf_adds(b, ",\"method\":");
				jstr(b, e->method);
				mt_buf_addc(b, '}');
			}
			free(on);
		}
		char why[600];
		mt__fleet_pz_why(v, pz, inf, MT_LANG_EN, why, sizeof(why));
		mt_buf_adds(b, "],\"why\":");
		jstr(b, why);
		mt_buf_adds(b, "}\n");
	}
	mt_buf_printf(b,
	              "{\"type\":\"fleet_summary\",\"hosts\":%zu,\"infected\":%u,\"patient_zero\":",
	              v->nh, inf);
	if (pz >= 0)
		jstr(b, v->h[pz].name);
	else
		mt_buf_adds(b, "null");
	mt_buf_printf(b, ",\"version\":\"%s\"}\n", MT_VERSION);
}

void mt__fleet_time(mt_buf *b, int64_t t)
{
	char x[40];
	if (t == T_NONE) {
		mt_buf_adds(b, "?");
		return;
	}
	mt_time_iso(t, x, sizeof(x));
	mt_buf_adds(b, x);
}

static void tesc(mt_buf *b, const char *s)
{
	mt_escape_term(b, s ? s : "", s ? strlen(s) : 0, 512);
}

static void write_text(const fleet_view *v, int pz, mt_lang lang, mt_buf *b)
{
	int zh = lang == MT_LANG_ZH;
	unsigned inf = 0;
	for (size_t i = 0; i < v->nh; i++)
		inf += (unsigned)v->h[i].infected;
	mt_buf_printf(b,
	              zh ? "== 全网: %zu 台主机, %u 台已失陷 ==\n"
	                 : "== Fleet: %zu hosts, %u infected ==\n",
	              v->nh, inf);
	if (pz >= 0) {
		const fhost *h = &v->h[pz];
		mt_buf_adds(b, zh ? "零号病人: " : "Patient zero: ");
		tesc(b, h->name);
		mt_buf_adds(b, zh ? ", 首次失陷 " : ", first sign ");
		mt__fleet_time(b, h->first);
		if (h->way_ip[0]) {
			mt_buf_adds(b, zh ? ", 入口: 来自 " : ", way in: login from ");
			tesc(b, h->way_ip);
			if (h->way_user[0]) {
				mt_buf_adds(b, zh ? " 用户 " : " as ");
				tesc(b, h->way_user);
			}
		}
		mt_buf_adds(b, "\n");
	}
	mt_buf_adds(b, zh ? "\n主机:\n" : "\nHosts:\n");
	for (size_t i = 0; i < v->nh; i++) {
		const fhost *h = &v->h[i];
		mt_buf_adds(b, "  ");
		tesc(b, h->name);
		mt_buf_adds(b, h->naddr ? " (" : "");
		if (h->naddr)
			tesc(b, h->addr[0]);
		mt_buf_adds(b, h->naddr ? ")" : "");
		if (!h->have_scan)
			mt_buf_adds(b, zh ? ": 未扫描" : ": not scanned");
		else if (h->infected) {
			mt_buf_adds(b, zh ? ": 已失陷, 始于 " : ": INFECTED since ");
			mt__fleet_time(b, h->first);
		} else
			mt_buf_adds(b, zh ? ": 未发现失陷" : ": no infection found");
		mt_buf_printf(b,
		              zh ? " [严重 %zu, 高危 %zu, 中危 %zu]"
		                 : " [critical %zu, high %zu, medium %zu]",
		              h->counts[MT_SEV_CRITICAL], h->counts[MT_SEV_HIGH],
		              h->counts[MT_SEV_MEDIUM]);
		if (h->lacks.n) {
			mt_buf_adds(b, zh ? " 暴露: " : " exposed: ");
			for (unsigned k = 0; k < h->lacks.n; k++) {
				mt_buf_adds(b, k ? ", " : "");
				tesc(b, h->lacks.v[k]);
			}
		}
		mt_buf_adds(b, "\n");
	}
	static const char *const head[][2] = {
		{"Spread:", "传播:"}, {"Attempts:", "尝试:"}, {"Ruled out:", "排除:"}};
	text_ctx tc = {b, zh, 0};
	mt__fleet_groups(v, inf, text_group, &tc);
	for (int kind = 0; kind < 3; kind++) {
		int any = 0;
		for (size_t k = 0; k < v->ne; k++) {
			const edge *e = &v->e[k];
			if (e->kind != kind)
				continue;
			if (!any++) {
				mt_buf_adds(b, "\n");
				mt_buf_adds(b, head[kind][zh]);
				mt_buf_adds(b, "\n");
			}
			mt_buf_adds(b, "  ");
			mt__fleet_time(b, e->time);
			mt_buf_adds(b, "  ");
			tesc(b, end_name(v, e->from, e->from_addr));
			mt_buf_adds(b, " -> ");
			tesc(b, end_name(v, e->to, e->to_addr));
			mt_buf_adds(b, " (");
			tesc(b, e->method);
			if (e->count > 1)
				mt_buf_printf(b, " x%u", e->count);
			mt_buf_adds(b, "): ");
			tesc(b, zh ? e->why_zh : e->why);
			mt_buf_adds(b, "\n");
		}
	}
}

mt_err mt_fleet_report(mt_fleet *f, mt_fleet_format format, mt_lang lang, mt_write_fn write,
                       void *ctx, unsigned *infected)
{
	fleet_view v;
	mt_err e = load(&f->db, &v);
	*infected = 0;
	if (e != MT_OK) {
		view_free(&v);
		return e;
	}
	if (v.ne) /* v.e is NULL without edges */
		qsort(v.e, v.ne, sizeof(*v.e), edge_cmp);
	int pz = patient_zero(&v);
	for (size_t i = 0; i < v.nh; i++)
		*infected += (unsigned)v.h[i].infected;
	mt_buf b;
	mt_buf_init(&b, 256u << 20);
	if (format == MT_FLEET_JSON)
		write_json(&v, pz, &b);
	else if (format == MT_FLEET_HTML)
		mt__fleet_html(&v, pz, lang, &b);
	else
		write_text(&v, pz, lang, &b);
	e = b.err;
	if (e == MT_OK && b.len && write(ctx, b.data, b.len) != 0)
		e = MT_ERR_IO;
	mt_buf_free(&b);
	view_free(&v);
	return e;
}
