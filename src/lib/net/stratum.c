/* stratum.c - mining protocols, port-agnostic: stratum (mining.subscribe, authorize,
 * configure, notify, submit), the Monero/XMRig variant (login, job, submit, keepalived),
 * Ethereum stratum (eth_submitLogin, eth_getWork) and getwork/getblocktemplate; requests
 * are paired with their answers before a session counts as mining */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* ---- a minimal JSON reader over [s, e): spans, never copies, bounded depth ---- */
typedef struct jv {
	const char *p; /* value start (for strings: after the quote) */
	size_t n;      /* for strings: raw length between the quotes */
	char t;        /* 's' 'n' 'o' 'a' 't' 'f' 'z'; 0 absent */
} jv;

static const char *ws(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return s;
}

static const char *str_end(const char *s, const char *e)
{
	/* s after the opening quote; returns the closing quote or NULL */
	for (; s < e; s++) {
		if (*s == '\\') {
			s++;
			continue;
		}
		if (*s == '"')
			return s;
	}
	return NULL;
}

/* Parses the value at s; fills v; returns the end of it or NULL. */
static const char *value(const char *s, const char *e, jv *v, int depth)
{
	s = ws(s, e);
	if (s >= e || depth > MT_PCAP_MAX_JSON_DEPTH)
		return NULL;
	v->p = s;
	switch (*s) {
	case '"': {
		const char *q = str_end(s + 1, e);
		if (!q)
			return NULL;
		v->t = 's';
		v->p = s + 1;
		v->n = (size_t)(q - s - 1);
		return q + 1;
	}
	case '{':
	case '[': {
		char close = *s == '{' ? '}' : ']';
		v->t = *s == '{' ? 'o' : 'a';
		const char *q = ws(s + 1, e);
		if (q < e && *q == close) {
			v->n = (size_t)(q + 1 - s);
			return q + 1;
		}
		for (;;) {
			jv k;
			if (v->t == 'o') {
				q = ws(q, e);
				if (q >= e || *q != '"' || !(q = value(q, e, &k, depth + 1)))
					return NULL;
				q = ws(q, e);
				if (q >= e || *q != ':')
					return NULL;
				q++;
			}
			if (!(q = value(q, e, &k, depth + 1)))
				return NULL;
			q = ws(q, e);
			if (q >= e)
				return NULL;
			if (*q == ',') {
				q++;
				continue;
			}
			if (*q != close)
				return NULL;
			v->n = (size_t)(q + 1 - s);
			return q + 1;
		}
	}
	case 't':
		v->t = 't';
		v->n = 4;
		return e - s >= 4 && !memcmp(s, "true", 4) ? s + 4 : NULL;
	case 'f':
		v->t = 'f';
		v->n = 5;
		return e - s >= 5 && !memcmp(s, "false", 5) ? s + 5 : NULL;
	case 'n':
		v->t = 'z';
		v->n = 4;
		return e - s >= 4 && !memcmp(s, "null", 4) ? s + 4 : NULL;
	default:
		if (*s == '-' || (*s >= '0' && *s <= '9')) {
			const char *q = s;
			while (q < e && (*q == '-' || *q == '+' || *q == '.' || *q == 'e' ||
			                 *q == 'E' || (*q >= '0' && *q <= '9')))
				q++;
			v->t = 'n';
			v->n = (size_t)(q - s);
			return q;
		}
		return NULL;
	}
}

static int hexv(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* raw JSON string p[0..n) with its escapes undone equals the ASCII text s */
static int unesc_eq(const char *p, size_t n, const char *s)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = (unsigned char)p[i++];
		if (c == '\\') {
			if (i >= n)
				return 0;
			char e = p[i++];
			switch (e) {
			case 'u':
				if (n - i < 4)
					return 0;
				c = 0;
				for (int k = 0; k < 4; k++) {
					int h = hexv(p[i++]);
					if (h < 0)
						return 0;
					c = c << 4 | (unsigned)h;
				}
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case '/':
			case '\\':
			case '"':
				c = (unsigned char)e;
				break;
			default:
				return 0;
			}
		}
		if (!*s || c != (unsigned char)*s)
			return 0;
		s++;
	}
	return *s == '\0';
}

/* v is the string s; escapes count as what they stand for ("log\u0069n" is "login",
 * review 10) */
static int jeq(const jv *v, const char *s)
{
	size_t n = strlen(s);
	if (v->t != 's')
		return 0;
	if (v->n == n && !memcmp(v->p, s, n))
		return 1;
	return v->n > n && memchr(v->p, '\\', v->n) && unesc_eq(v->p, v->n, s);
}

/* Member key of object o (already parsed); v->t = 0 when absent. */
static void member(const jv *o, const char *key, jv *v)
{
	v->t = 0;
	if (o->t != 'o')
		return;
	const char *s = o->p + 1, *e = o->p + o->n;
	size_t kl = strlen(key);
	for (;;) {
		jv k, x;
		s = ws(s, e);
		if (s >= e || *s != '"' || !(s = value(s, e, &k, 1)))
			return;
		s = ws(s, e);
		if (s >= e || *s != ':')
			return;
		if (!(s = value(s + 1, e, &x, 1)))
			return;
		if ((k.n == kl && !memcmp(k.p, key, kl)) ||
		    (k.n > kl && memchr(k.p, '\\', k.n) && unesc_eq(k.p, k.n, key))) {
			*v = x;
			return;
		}
		s = ws(s, e);
		if (s >= e || *s != ',')
			return;
		s++;
	}
}

static void element(const jv *a, size_t idx, jv *v)
{
	v->t = 0;
	if (a->t != 'a')
		return;
	const char *s = a->p + 1, *e = a->p + a->n;
	for (size_t i = 0;; i++) {
		jv x;
		if (!(s = value(s, e, &x, 1)))
			return;
		if (i == idx) {
			*v = x;
			return;
		}
		s = ws(s, e);
		if (s >= e || *s != ',')
			return;
		s++;
	}
}

/* Copies a string (raw, escapes kept) or a number into out. */
static void jcopy(const jv *v, char *out, size_t n)
{
	if (!v->t || (v->t != 's' && v->t != 'n') || n == 0)
		return;
	size_t c = v->n < n - 1 ? v->n : n - 1;
	memcpy(out, v->p, c);
	out[c] = '\0';
}

static void jset(const jv *v, char *out, size_t n)
{
	if (!out[0])
		jcopy(v, out, n);
}

/* ---- sessions ---- */

enum { W_LOGIN = 1, W_SUBSCRIBE, W_AUTHORIZE, W_GETWORK, W_SUBMIT, W_OTHER };

/* Unconfirmed sessions are on one of two lists: [1] sessions of one message (a login or a
 * push nobody followed up), in creation order, and [2] sessions with more, most recently
 * active first. At the cap the oldest of [1] makes room, then the least recently active
 * of [2]; a confirmed session is on no list and is never forgotten (review 2). */
static void sl_unlink(mt_pcap *p, int32_t i)
{
	mt_session *s = &p->sess[i];
	if (!s->lst)
		return;
	if (s->lprev >= 0)
		p->sess[s->lprev].lnext = s->lnext;
	else
		p->slh[s->lst] = s->lnext;
	if (s->lnext >= 0)
		p->sess[s->lnext].lprev = s->lprev;
	else
		p->slt[s->lst] = s->lprev;
	s->lprev = s->lnext = -1;
	s->lst = 0;
}

/* list 1 is appended to (oldest at the head), list 2 pushed at the head */
static void sl_put(mt_pcap *p, int32_t i, uint8_t which)
{
	mt_session *s = &p->sess[i];
	sl_unlink(p, i);
	s->lst = which;
	if (which == 1) {
		s->lnext = -1;
		s->lprev = p->slt[1];
		if (p->slt[1] >= 0)
			p->sess[p->slt[1]].lnext = i;
		else
			p->slh[1] = i;
		p->slt[1] = i;
	} else {
		s->lprev = -1;
		s->lnext = p->slh[2];
		if (p->slh[2] >= 0)
			p->sess[p->slh[2]].lprev = i;
		else
			p->slt[2] = i;
		p->slh[2] = i;
	}
}

/* after a message of session s: keep it on the right list */
static void sess_touch(mt_pcap *p, mt_session *s)
{
	int32_t i = (int32_t)(s - p->sess);
	if (s->confirmed)
		sl_unlink(p, i);
	else if (s->requests + s->jobs > 1 && !(s->lst == 2 && p->slh[2] == i))
		sl_put(p, i, 2);
}

typedef struct sess_key {
	const mt_pcap *p;
	const mt_addr *c, *v;
	unsigned cp, vp;
} sess_key;

static int sess_eq(const void *ctx, uint32_t idx)
{
	const sess_key *k = ctx;
	const mt_session *o = &k->p->sess[idx];
	return o->cport == k->cp && o->sport == k->vp && !memcmp(&o->cli, k->c, 16) &&
	       !memcmp(&o->srv, k->v, 16);
}

static uint32_t sess_hash(const mt_addr *c, unsigned cp, const mt_addr *v, unsigned vp)
{
	uint8_t m[36];
	memcpy(m, c->b, 16);
	memcpy(m + 16, v->b, 16);
	m[32] = (uint8_t)(cp >> 8);
	m[33] = (uint8_t)cp;
	m[34] = (uint8_t)(vp >> 8);
	m[35] = (uint8_t)vp;
	return mt__hash_bytes(m, sizeof(m), 13);
}

/* A free session slot: a new one below the cap, else an unconfirmed one forgotten. */
static int64_t sess_slot(mt_pcap *p)
{
	if (p->nsess < MT_PCAP_MAX_SESSIONS) {
		mt_err e = MT_OK;
		p->sess = mt__grow(p->sess, &p->asess, p->nsess + 1, sizeof(*p->sess),
		                   MT_PCAP_MAX_SESSIONS, &e);
		if (e != MT_OK) {
			if (e == MT_ERR_NOMEM)
				p->err = e;
			return -1;
		}
		return p->nsess++;
	}
	int32_t i = p->slh[1] >= 0 ? p->slh[1] : p->slt[2];
	if (i < 0)
		return -1; /* every session is confirmed mining: keep them all */
	mt_session *o = &p->sess[i];
	sl_unlink(p, i);
	mt__itab_del(&p->sessidx, o->hash, (uint32_t)i);
	mt_flow *g = mt__flow_find(p, &o->cli, o->cport, &o->srv, o->sport, 6);
	if (g && g->session == i)
		g->session = -1;
	p->sess_evicted++;
	return i;
}

static mt_session *session_of(mt_pcap *p, mt_flow *f, int dir, int create)
{
	if (f->session >= 0)
		return &p->sess[f->session];
	if (!create)
		return NULL;
	/* a flow evicted while idle and seen again continues its session */
	const mt_addr *c = dir == 0 ? &f->a : &f->b, *v = dir == 0 ? &f->b : &f->a;
	unsigned cp = dir == 0 ? f->ap : f->bp, vp = dir == 0 ? f->bp : f->ap;
	uint32_t h = sess_hash(c, cp, v, vp);
	sess_key k = {p, c, v, cp, vp};
	int64_t i = mt__itab_find(&p->sessidx, h, sess_eq, &k);
	if (i >= 0) {
		f->session = (int32_t)i;
		return &p->sess[i];
	}
	if ((i = sess_slot(p)) < 0) {
		p->st.dropped++;
		return NULL;
	}
	mt_session *s = &p->sess[i];
	memset(s, 0, sizeof(*s));
	s->lprev = s->lnext = -1;
	if (mt__itab_add(&p->sessidx, h, (uint32_t)i) != MT_OK) {
		p->err = MT_ERR_NOMEM;
		return NULL; /* the slot stays empty: no requests, never reported */
	}
	s->hash = h;
	f->session = (int32_t)i;
	/* the client is the side that sends requests (dir of the request) */
	s->cli = *c;
	s->srv = *v;
	s->cport = (uint16_t)cp;
	s->sport = (uint16_t)vp;
	sl_put(p, (int32_t)i, 1);
	const mt_dnsrec *dn = mt__dns_lookup(p, &s->srv);
	if (dn)
		mt_copy(s->pool, sizeof(s->pool), dn->name);
	return s;
}

/* 1 when direction dir of f is sent by the session's server (pool) side */
static int from_server(const mt_session *s, const mt_flow *f, int dir)
{
	const mt_addr *a = dir == 0 ? &f->a : &f->b;
	unsigned ap = dir == 0 ? f->ap : f->bp;
	return ap == s->sport && !memcmp(a, &s->srv, sizeof(*a));
}

static int method_kind(const jv *m, uint8_t *variant, int *server_push)
{
	static const struct {
		const char *name;
		uint8_t what, variant, push;
	} tab[] = {
		{"login", W_LOGIN, MT_MP_XMR, 0},
		{"submit", W_SUBMIT, MT_MP_XMR, 0},
		{"keepalived", W_OTHER, MT_MP_XMR, 0},
		{"getjob", W_OTHER, MT_MP_XMR, 0},
		{"job", 0, MT_MP_XMR, 1},
		{"mining.subscribe", W_SUBSCRIBE, MT_MP_STRATUM, 0},
		{"mining.authorize", W_AUTHORIZE, MT_MP_STRATUM, 0},
		{"mining.configure", W_OTHER, MT_MP_STRATUM, 0},
		{"mining.extranonce.subscribe", W_OTHER, MT_MP_STRATUM, 0},
		{"mining.submit", W_SUBMIT, MT_MP_STRATUM, 0},
		{"mining.suggest_difficulty", W_OTHER, MT_MP_STRATUM, 0},
		{"mining.notify", 0, MT_MP_STRATUM, 1},
		{"mining.set_difficulty", 0, MT_MP_STRATUM, 1},
		{"mining.set_target", 0, MT_MP_STRATUM, 1},
		{"mining.set_extranonce", 0, MT_MP_STRATUM, 1},
		{"eth_submitLogin", W_LOGIN, MT_MP_ETH, 0},
		{"eth_login", W_LOGIN, MT_MP_ETH, 0},
		{"eth_getWork", W_GETWORK, MT_MP_ETH, 0},
		{"eth_submitWork", W_SUBMIT, MT_MP_ETH, 0},
		{"eth_submitHashrate", W_OTHER, MT_MP_ETH, 0},
		{"getwork", W_GETWORK, MT_MP_GETWORK, 0},
		{"getblocktemplate", W_GETWORK, MT_MP_GETWORK, 0},
		{"submitblock", W_SUBMIT, MT_MP_GETWORK, 0},
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(tab); i++)
		if (jeq(m, tab[i].name)) {
			*variant = tab[i].variant;
			*server_push = tab[i].push;
			return tab[i].what;
		}
	return -1;
}

/* a Monero job: blob, job_id and target strings (a "job" object of any other API is not
 * mining work, review 10) */
static int xmr_job(const jv *job)
{
	jv x;
	if (job->t != 'o')
		return 0;
	member(job, "blob", &x);
	if (x.t != 's' || !x.n)
		return 0;
	member(job, "job_id", &x);
	if (x.t != 's' && x.t != 'n')
		return 0;
	member(job, "target", &x);
	return x.t == 's' && x.n;
}

static void algo_of(const jv *obj, mt_session *s)
{
	jv a;
	member(obj, "algo", &a);
	if (a.t == 'a') {
		jv x;
		element(&a, 0, &x);
		jset(&x, s->algo, sizeof(s->algo));
	} else {
		jset(&a, s->algo, sizeof(s->algo));
	}
}

void mt__jsonrpc_msg(mt_pcap *p, mt_flow *f, int dir, const char *m, size_t n, int http)
{
	const char *e = m + n;
	jv o, meth, id, params, result, error;
	if (!value(m, e, &o, 0) || o.t != 'o')
		return;
	member(&o, "method", &meth);
	member(&o, "id", &id);
	uint8_t variant = 0;
	int push = 0;
	if (meth.t == 's') {
		int what = method_kind(&meth, &variant, &push);
		if (what < 0)
			return;
		if (http && variant != MT_MP_GETWORK && variant != MT_MP_ETH)
			return;
		member(&o, "params", &params);
		mt_session *s;
		if (push) {
			/* from the pool: a job, a target; the receiver is the miner */
			if (variant == MT_MP_XMR && !xmr_job(&params))
				return;
			if (!(s = session_of(p, f, !dir, 1)))
				return;
			/* a push counts only when it comes from the pool side (review 3) */
			if (!from_server(s, f, dir))
				return;
			if (!s->variant)
				s->variant = variant;
			s->jobs++;
			if (params.t == 'o')
				algo_of(&params, s);
			if (s->submits && s->requests)
				s->confirmed = 1;
			sess_touch(p, s);
			return;
		}
		if (what == W_LOGIN && variant == MT_MP_XMR) {
			/* the Monero login carries its login (wallet) in an object */
			jv lg;
			member(&params, "login", &lg);
			if (lg.t != 's')
				return;
		}
		/* only a login-like request starts a session; a submit or keepalive alone is
		 * no mining attempt and costs a flooder nothing (review 2) */
		int starts = what == W_LOGIN || what == W_SUBSCRIBE || what == W_AUTHORIZE ||
		             what == W_GETWORK;
		if (!(s = session_of(p, f, dir, starts)))
			return;
		/* requests only from the client side of the session */
		if (from_server(s, f, dir))
			return;
		if (!s->variant || (what == W_LOGIN && s->variant != variant))
			s->variant = variant;
		s->requests++;
		if (!s->first_us)
			s->first_us = f->last_us;
		s->last_us = f->last_us;
		if (what == W_SUBMIT) {
			s->submits++;
			if (s->jobs && s->requests > s->submits)
				s->confirmed = 1;
		}
		if (what != W_SUBMIT && what != W_OTHER && !s->method[0])
			jcopy(&meth, s->method, sizeof(s->method));
		jv x;
		if (params.t == 'o') {
			member(&params, "login", &x);
			jset(&x, s->login, sizeof(s->login));
			member(&params, "agent", &x);
			jset(&x, s->agent, sizeof(s->agent));
			algo_of(&params, s);
		} else if (params.t == 'a') {
			element(&params, 0, &x);
			if (what == W_SUBSCRIBE) {
				jset(&x, s->agent, sizeof(s->agent));
				jv host;
				element(&params, 2, &host);
				if (host.t == 's' && !s->pool[0])
					jcopy(&host, s->pool, sizeof(s->pool));
			} else if (what == W_AUTHORIZE || what == W_LOGIN) {
				jset(&x, s->login, sizeof(s->login));
			}
		}
		if (variant == MT_MP_ETH) {
			member(&o, "worker", &x);
			if (x.t == 's' && x.n && !s->agent[0]) {
				snprintf(s->agent, sizeof(s->agent), "worker ");
				jcopy(&x, s->agent + 7, sizeof(s->agent) - 7);
			}
		}
		if (id.t == 's' || id.t == 'n') {
			unsigned slot = s->npend < 8 ? s->npend++ : (s->requests % 8);
			jcopy(&id, s->pend[slot].id, sizeof(s->pend[slot].id));
			s->pend[slot].what = (uint8_t)what;
		}
		sess_touch(p, s);
		return;
	}
	/* an answer: pair it with a request of the other side */
	mt_session *s = session_of(p, f, dir, 0);
	/* only the other side (the server) answers: a request and its "answer" from one
	 * side, e.g. one spoofed packet, confirm nothing (review 3) */
	if (!s || (id.t != 's' && id.t != 'n') || !from_server(s, f, dir))
		return;
	member(&o, "result", &result);
	member(&o, "error", &error);
	char ids[24] = "";
	jcopy(&id, ids, sizeof(ids));
	for (unsigned i = 0; i < s->npend; i++) {
		if (strcmp(s->pend[i].id, ids) != 0)
			continue;
		int ok = result.t && result.t != 'z' && result.t != 'f' &&
		         (error.t == 0 || error.t == 'z');
		if (!ok)
			return;
		s->answers++;
		switch (s->pend[i].what) {
		case W_LOGIN:
			if (s->variant == MT_MP_XMR) {
				jv job;
				member(&result, "job", &job);
				if (xmr_job(&job)) {
					s->confirmed = 1;
					s->jobs++;
					algo_of(&job, s);
				}
			} else if (result.t == 't') {
				s->confirmed = 1;
			}
			break;
		case W_SUBSCRIBE:
			if (result.t == 'a')
				s->confirmed = 1;
			break;
		case W_AUTHORIZE:
			if (result.t == 't')
				s->confirmed = 1;
			break;
		case W_GETWORK:
			if (result.t == 'a' || result.t == 'o') {
				s->confirmed = 1;
				s->jobs++;
			}
			break;
		case W_SUBMIT:
			s->accepted++;
			break;
		}
		sess_touch(p, s);
		return;
	}
}

/* An HTTP JSON-RPC body: one call, or a batch (an array of calls, JSON-RPC 2.0), each
 * read as a message of its own; at most 32 of a batch. */
void mt__jsonrpc_body(mt_pcap *p, mt_flow *f, int dir, const char *m, size_t n)
{
	const char *e = m + n, *q = ws(m, e);
	if (q >= e || *q != '[') {
		mt__jsonrpc_msg(p, f, dir, m, n, 1);
		return;
	}
	q++;
	for (int k = 0; k < 32; k++) {
		jv x;
		const char *a = ws(q, e), *z = value(a, e, &x, 1);
		if (!z)
			return;
		if (x.t == 'o')
			mt__jsonrpc_msg(p, f, dir, a, (size_t)(z - a), 1);
		q = ws(z, e);
		if (q >= e || *q != ',')
			return;
		q++;
	}
}

/* What the HTTP headers of a request add to its session: the client program
 * (User-Agent) and the worker (the user of Basic authorization), when the body did not
 * name them. */
void mt__session_http_hints(mt_pcap *p, mt_flow *f, const char *agent, size_t an, const char *user,
                            size_t un)
{
	if (f->session < 0 || (uint32_t)f->session >= p->nsess)
		return;
	mt_session *s = &p->sess[f->session];
	if (an && !s->agent[0]) {
		size_t c = an < sizeof(s->agent) - 1 ? an : sizeof(s->agent) - 1;
		memcpy(s->agent, agent, c);
		s->agent[c] = '\0';
	}
	if (un && !s->login[0]) {
		size_t c = un < sizeof(s->login) - 1 ? un : sizeof(s->login) - 1;
		memcpy(s->login, user, c);
		s->login[c] = '\0';
	}
}

static const char *span_find(const char *s, size_t n, const char *pat)
{
	size_t pl = strlen(pat);
	for (size_t i = 0; pl <= n && i <= n - pl; i++)
		if (s[i] == pat[0] && !memcmp(s + i, pat, pl))
			return s + i;
	return NULL;
}

/* The start of a body larger than the stream buffer (a getblocktemplate answer carries
 * the whole mempool, a submitblock request the whole block): a request counts by its
 * method; an answer confirms a pending getwork when its result object holds at least
 * a field only work templates have and two more of their shape. Nothing is guessed from the id. */
void mt__jsonrpc_prefix(mt_pcap *p, mt_flow *f, int dir, const char *m, size_t n)
{
	/* only work templates have these; bitcoind sends previousblockhash before the
	 * transactions, the rest after them */
	static const char *const work_keys[] = {
		"\"previousblockhash\"", "\"coinbasevalue\"", "\"coinbaseaux\"",
		"\"noncerange\"",        "\"longpollid\"",    "\"default_witness_commitment\"",
		"\"midstate\"",          "\"hash1\"",         "\"vbavailable\"",
	};
	/* common to templates and other answers */
	static const char *const shape_keys[] = {
		"\"transactions\"", "\"version\"", "\"rules\"",  "\"capabilities\"",
		"\"curtime\"",      "\"bits\"",    "\"target\"", "\"data\"",
	};
	const char *q = ws(m, m + n);
	if (q >= m + n || *q != '{')
		return;
	const char *meth = span_find(m, n, "\"method\"");
	if (meth) {
		const char *v = ws(meth + 8, m + n);
		if (v >= m + n || *v != ':')
			return;
		v = ws(v + 1, m + n);
		jv name;
		if (!value(v, m + n, &name, 1) || name.t != 's' || name.n > 24)
			return;
		if (!jeq(&name, "submitblock") && !jeq(&name, "getblocktemplate") &&
		    !jeq(&name, "getwork"))
			return;
		/* the id, when the start holds it, pairs the answer */
		char idtxt[32] = "null";
		const char *idk = span_find(m, n, "\"id\"");
		jv id;
		if (idk && (v = ws(idk + 4, m + n)) < m + n && *v == ':' &&
		    value(v + 1, m + n, &id, 1) && (id.t == 'n' || id.t == 's') && id.n < 24)
			snprintf(idtxt, sizeof(idtxt), id.t == 's' ? "\"%.*s\"" : "%.*s", (int)id.n,
			         id.p);
		char small[96];
		int k = snprintf(small, sizeof(small), "{\"method\":\"%.*s\",\"id\":%s}",
		                 (int)name.n, name.p, idtxt);
		if (k > 0 && (size_t)k < sizeof(small))
			mt__jsonrpc_msg(p, f, dir, small, (size_t)k, 1);
		return;
	}
	const char *res = span_find(m, n, "\"result\"");
	if (!res)
		return;
	const char *v = ws(res + 8, m + n);
	if (v >= m + n || *v != ':' || (v = ws(v + 1, m + n)) >= m + n || *v != '{')
		return;
	int hits = 0, shape = 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(work_keys); i++)
		hits += span_find(v, (size_t)(m + n - v), work_keys[i]) != NULL;
	for (size_t i = 0; i < MT_ARRAY_LEN(shape_keys); i++)
		shape += span_find(v, (size_t)(m + n - v), shape_keys[i]) != NULL;
	mt_session *s = session_of(p, f, dir, 0);
	if (hits < 1 || hits + shape < 3 || !s || !from_server(s, f, dir))
		return;
	for (unsigned i = 0; i < s->npend; i++) {
		if (s->pend[i].what != W_GETWORK)
			continue;
		s->answers++;
		s->confirmed = 1;
		s->jobs++;
		s->pend[i].what = W_OTHER; /* answered */
		sess_touch(p, s);
		return;
	}
}

/* A TLS client whose fingerprint is a miner's (tls.c): a session of its own kind, whose
 * evidence is the fingerprint and the shape of the records, never their content. */
void mt__session_tls(mt_pcap *p, mt_flow *f, const char *ja3, const char *ja4, const mt_rule *x,
                     int sni)
{
	mt_session *s = session_of(p, f, 0, 1);
	if (!s)
		return;
	if (!s->variant)
		s->variant = MT_MP_TLS;
	if (s->variant != MT_MP_TLS)
		return;
	mt_copy(s->ja3, sizeof(s->ja3), ja3);
	mt_copy(s->ja4, sizeof(s->ja4), ja4);
	s->tls_rule = x;
	s->tls_sni = (uint8_t)sni;
	if (!s->first_us)
		s->first_us = f->last_us;
	s->last_us = f->last_us;
	sess_touch(p, s);
}

/* Application data records: the client's count as requests, the server's as answers; a
 * miner's messages (login, submit, keepalive) are small. */
#define TLS_SMALL (1024 + 64) /* a record of at most 1 KB of data and its overhead */
void mt__session_tls_record(mt_pcap *p, mt_flow *f, int dir, uint8_t type, size_t len)
{
	if (type != 23 || f->session < 0 || (uint32_t)f->session >= p->nsess)
		return;
	mt_session *s = &p->sess[f->session];
	if (s->variant != MT_MP_TLS)
		return;
	if (from_server(s, f, dir)) {
		s->answers++;
	} else {
		s->requests++;
		if (len > TLS_SMALL)
			s->tls_big++;
	}
	s->last_us = f->last_us;
	/* a dialogue of small messages: the client's handshake end, a login and at least
	 * one more message, all small, and the server answering */
	s->confirmed = s->requests >= 3 && s->answers >= 1 && !s->tls_big;
	sess_touch(p, s);
}

void mt__session_tls_name(mt_pcap *p, mt_flow *f, const char *name, size_t n)
{
	if (f->session < 0 || (uint32_t)f->session >= p->nsess)
		return;
	mt_session *s = &p->sess[f->session];
	if (s->variant == MT_MP_TLS && !s->pool[0]) {
		size_t c = n < sizeof(s->pool) - 1 ? n : sizeof(s->pool) - 1;
		memcpy(s->pool, name, c);
		s->pool[c] = '\0';
	}
}

void mt__json_stream(mt_pcap *p, mt_flow *f, int dir)
{
	mt_stream *st = &f->s[dir];
	size_t start = 0;
	for (;;) {
		const uint8_t *nl = memchr(st->buf + start, '\n', st->blen - start);
		if (!nl)
			break;
		size_t end = (size_t)(nl - st->buf);
		const char *line = (const char *)st->buf + start;
		size_t ll = end - start;
		const char *q = ws(line, line + ll);
		if (q < line + ll && *q == '{') {
			mt__jsonrpc_msg(p, f, dir, line, ll, 0);
		} else if (q < line + ll && f->session < 0) {
			/* a line that is neither JSON nor blank (blank lines are skipped, review 10) */
			st->blen = 0; /* not line-delimited JSON */
			f->s[dir].mode = MT_DIR_MODE_DONE;
			return;
		}
		start = end + 1;
	}
	if (start) {
		memmove(st->buf, st->buf + start, st->blen - start);
		st->blen -= (uint32_t)start;
	}
}

static const char *variant_name(int v)
{
	switch (v) {
	case MT_MP_STRATUM:
		return "stratum";
	case MT_MP_XMR:
		return "stratum-monero";
	case MT_MP_ETH:
		return "stratum-ethereum";
	case MT_MP_GETWORK:
		return "getwork-http";
	case MT_MP_TLS:
		return "stratum-tls";
	}
	return "unknown";
}

/* A TLS flow of a client with a miner's fingerprint. The fingerprint alone is weak
 * (other clients of the same TLS library share it): high only with the dialogue of small
 * messages a miner keeps with its pool off the web port, medium on 443 or to a pool
 * port without it, low otherwise. */
static mt_err tls_session_report(mt_pcap *p, mt_report *r, const mt_session *s)
{
	int pool_port = mt_rules_is_pool_port(p->rules, s->sport);
	mt_severity sev = s->confirmed && s->sport != 443 ? MT_SEV_HIGH
	                  : s->confirmed || pool_port     ? MT_SEV_MEDIUM
	                                                  : MT_SEV_LOW;
	mt_finding *f = mt_finding_new(mt__det(MT_DET_stratum), sev, s->confirmed ? 70 : 40);
	if (!f)
		return MT_ERR_NOMEM;
	char cli[80], srv[80], t[40];
	mt__endpoint_text(&s->cli, s->cport, cli, sizeof(cli));
	mt__endpoint_text(&s->srv, s->sport, srv, sizeof(srv));
	const char *fam = s->tls_rule && s->tls_rule->family[0] ? s->tls_rule->family : "a miner";
	const char *pool = s->pool[0] ? s->pool : "";
	mt_finding_text(
		f, MT_LANG_EN,
		s->confirmed ? "Mining protocol inside TLS" : "TLS client of a miner",
		"%s speaks TLS to %s%s%s%s with the client fingerprint of %s (JA3 %s, JA4 "
		"%s)%s: %u messages sent (%u larger than a miner's), %u received%s",
		cli, srv, pool[0] ? " (" : "", pool, pool[0] ? ")" : "", fam, s->ja3, s->ja4,
		s->tls_sni ? "" : ", no server name", s->requests, s->tls_big, s->answers,
		s->confirmed ? ": the dialogue of small messages miners keep with a pool" : "");
	mt_finding_text(f, MT_LANG_ZH, s->confirmed ? "TLS加密的挖矿协议" : "矿工程序的TLS客户端",
	                "%s 以 %s 的TLS客户端指纹 (JA3 %s, JA4 %s) 连接 %s%s%s%s%s: 发送 %u 条消息 "
	                "(%u 条超出矿工消息大小), 接收 %u 条%s",
	                cli, fam, s->ja3, s->ja4, srv, pool[0] ? " (" : "", pool,
	                pool[0] ? ")" : "", s->tls_sni ? "" : ", 未带服务器名", s->requests,
	                s->tls_big, s->answers, s->confirmed ? ": 与矿池之间的小消息往来特征" : "");
	mt__ev_endpoints(f, &s->cli, s->cport, &s->srv, s->sport, 1);
	mt_finding_int(f, "dst_port", s->sport, 1);
	mt_finding_str(f, "protocol", "stratum-tls", 0);
	mt_finding_str(f, "ja3", s->ja3, 0);
	mt_finding_str(f, "ja4", s->ja4, 0);
	mt_finding_str(f, "sni", s->tls_sni ? "yes" : "no", 0);
	if (pool[0])
		mt_finding_str(f, "pool", pool, 0);
	mt_finding_str(f, "confirmed", s->confirmed ? "shape" : "no", 0);
	mt_finding_int(f, "records_sent", s->requests, 0);
	mt_finding_int(f, "records_received", s->answers, 0);
	mt_time_iso(s->first_us / 1000000, t, sizeof(t));
	mt_finding_str(f, "first_seen", t, 0);
	if (pool_port)
		mt_finding_str(f, "pool_port", "yes", 0);
	if (s->tls_rule)
		mt_finding_rule(f, s->tls_rule);
	mt_err e = mt_report_add(r, f);
	if (e == MT_ERR_NOMEM)
		return e;
	if (sev >= MT_SEV_MEDIUM) {
		char why[300], whyzh[300];
		snprintf(why, sizeof(why), "TLS to %s with the fingerprint of %s%s", srv, fam,
		         s->confirmed ? " and a miner's message shape" : "");
		snprintf(whyzh, sizeof(whyzh), "以 %s 的TLS指纹连接 %s%s", fam, srv,
		         s->confirmed ? " 且消息特征与矿工一致" : "");
		mt__host_flag(p, &s->cli, MT_HF_MINING_TRY, why, whyzh);
	}
	return MT_OK;
}

mt_err mt__sessions_report(mt_pcap *p, mt_report *r)
{
	for (uint32_t i = 0; i < p->nsess; i++) {
		mt_session *s = &p->sess[i];
		if (s->variant == MT_MP_TLS) {
			mt_err e = tls_session_report(p, r, s);
			if (e != MT_OK)
				return e;
			continue;
		}
		if (!s->requests && !s->confirmed)
			continue;
		mt_severity sev = s->confirmed ? MT_SEV_CRITICAL : MT_SEV_MEDIUM;
		mt_finding *f =
			mt_finding_new(mt__det(MT_DET_stratum), sev, s->confirmed ? 95 : 50);
		if (!f)
			return MT_ERR_NOMEM;
		char cli[80], srv[80], t[40];
		mt__endpoint_text(&s->cli, s->cport, cli, sizeof(cli));
		mt__endpoint_text(&s->srv, s->sport, srv, sizeof(srv));
		const char *pool = s->pool[0] ? s->pool : "";
		mt_finding_text(
			f, MT_LANG_EN,
			s->confirmed ? "Mining protocol session"
				     : "Mining protocol request without an answer",
			"%s mines with %s to %s%s%s%s: %u requests, %u answered, %u jobs, %u "
			"shares submitted (%u accepted)",
			cli, variant_name(s->variant), srv, pool[0] ? " (" : "", pool,
			pool[0] ? ")" : "", s->requests, s->answers, s->jobs, s->submits,
			s->accepted);
		mt_finding_text(
			f, MT_LANG_ZH, s->confirmed ? "挖矿协议会话" : "挖矿协议请求(无应答)",
			"%s 使用 %s 协议连接矿池 %s%s%s%s: 请求 %u, 应答 %u, 任务 %u, 提交 %u (接受 %u)",
			cli, variant_name(s->variant), srv, pool[0] ? " (" : "", pool,
			pool[0] ? ")" : "", s->requests, s->answers, s->jobs, s->submits,
			s->accepted);
		mt__ev_endpoints(f, &s->cli, s->cport, &s->srv, s->sport, 1);
		mt_finding_int(f, "dst_port", s->sport, 1);
		mt_finding_str(f, "protocol", variant_name(s->variant), 0);
		mt_finding_str(f, "method", s->method[0] ? s->method : "", 0);
		if (s->login[0])
			mt_finding_str(f, "login", s->login, 1);
		if (s->agent[0])
			mt_finding_str(f, "agent", s->agent, 0);
		if (s->algo[0])
			mt_finding_str(f, "algo", s->algo, 0);
		if (pool[0])
			mt_finding_str(f, "pool", pool, 0);
		mt_finding_str(f, "confirmed", s->confirmed ? "yes" : "no", 0);
		mt_finding_int(f, "requests", s->requests, 0);
		mt_finding_int(f, "jobs", s->jobs, 0);
		mt_finding_int(f, "shares", s->submits, 0);
		mt_time_iso(s->first_us / 1000000, t, sizeof(t));
		mt_finding_str(f, "first_seen", t, 0);
		if (mt_rules_is_pool_port(p->rules, s->sport))
			mt_finding_str(f, "pool_port", "yes", 0);
		mt_err e = mt_report_add(r, f);
		if (e == MT_ERR_NOMEM)
			return e;
		char why[800], whyzh[800];
		snprintf(why, sizeof(why), "%s %s to %s%s%s%s%s",
		         s->confirmed ? "mines" : "tried mining", variant_name(s->variant), srv,
		         pool[0] ? " " : "", pool, s->agent[0] ? " agent " : "", s->agent);
		snprintf(whyzh, sizeof(whyzh), "%s (%s) %s%s%s%s%s",
		         s->confirmed ? "挖矿" : "尝试挖矿", variant_name(s->variant), srv,
		         pool[0] ? " " : "", pool, s->agent[0] ? " 程序 " : "", s->agent);
		mt__host_flag(p, &s->cli, s->confirmed ? MT_HF_MINING : MT_HF_MINING_TRY, why,
		              whyzh);
	}
	return MT_OK;
}
