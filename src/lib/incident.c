/* incident.c - related findings joined into incidents, for the reporters' verdict
 *
 * A responder reads "the miner /tmp/.X25-unix/.rsync/kswapd0, restarted by a cron line,
 * connected to a pool", not three separate rows. Findings at medium or above are joined
 * when they share what they are about: a file (the path of one is the program another
 * runs, in any of their evidence values or command lines), a content hash, a process id,
 * a remote address. Paths every system has (shells, interpreters, the hosts file) join
 * nothing. The incident's severity is its worst finding's; its lead is that finding. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* programs that command lines name on every host: they tie nothing together */
static const char *const common[] = {
	"/bin/sh",
	"/bin/bash",
	"/bin/dash",
	"/usr/bin/sh",
	"/usr/bin/bash",
	"/usr/bin/env",
	"/bin/busybox",
	"/usr/bin/curl",
	"/usr/bin/wget",
	"/usr/bin/python3",
	"/usr/bin/python",
	"/usr/bin/perl",
	"/usr/bin/nohup",
	"/dev/null",
	"/dev/tcp",
	"/etc/passwd",
	"/etc/shadow",
	"/tmp",
	"/var/tmp",
	"/dev/shm",
	"/windows/system32/cmd.exe",
	"/windows/system32/windowspowershell/v1.0/powershell.exe",
	"/windows/system32/powershell.exe",
	"/windows/system32/svchost.exe",
	"/windows/system32/rundll32.exe",
	"/windows/system32/regsvr32.exe",
	"/windows/system32/mshta.exe",
	"/windows/system32/wscript.exe",
	"/windows/system32/cscript.exe",
	"/windows/system32/schtasks.exe",
	"/windows/system32/drivers/etc/hosts",
	"/windows/system32/wbem/repository/objects.data",
};

typedef struct ikey {
	char *k;
	size_t f; /* finding number */
} ikey;

typedef struct kset {
	ikey *v;
	size_t n, cap;
	int nomem;
} kset;

static void add_key(kset *s, const char *pfx, const char *val, size_t len, size_t f)
{
	if (s->nomem || len < 2 || len > MT_MAX_PATH)
		return;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		ikey *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv) {
			s->nomem = 1;
			return;
		}
		s->v = nv;
		s->cap = nc;
	}
	size_t pl = strlen(pfx);
	char *k = malloc(pl + len + 1);
	if (!k) {
		s->nomem = 1;
		return;
	}
	memcpy(k, pfx, pl);
	for (size_t i = 0; i < len; i++)
		k[pl + i] = (char)tolower((unsigned char)val[i]);
	k[pl + len] = '\0';
	if (pfx[0] == 'p')
		for (size_t i = 0; i < MT_ARRAY_LEN(common); i++)
			if (strcmp(k + pl, common[i]) == 0) {
				free(k);
				return;
			}
	s->v[s->n].k = k;
	s->v[s->n].f = f;
	s->n++;
}

/* Paths inside a command line: "/tmp/x -o pool" gives /tmp/x; "C:\Windows\Temp\a.exe"
 * gives /windows/temp/a.exe. */
static void command_paths(kset *s, const char *c, size_t f)
{
	for (const char *p = c; *p;) {
		const char *start = NULL;
		int win = 0;
		if (*p == '/' && (p == c || strchr(" \t\"'=;|&(<>", p[-1])))
			start = p;
		else if (isalpha((unsigned char)p[0]) && p[1] == ':' && p[2] == '\\' &&
		         (p == c || strchr(" \t\"'=;|&(", p[-1])))
			start = p + 2, win = 1;
		if (!start) {
			p++;
			continue;
		}
		size_t n = strcspn(start, " \t\"';|&)<>,");
		if (win) {
			char w[MT_MAX_PATH];
			size_t l = n < sizeof(w) - 1 ? n : sizeof(w) - 1;
			for (size_t i = 0; i < l; i++)
				w[i] = start[i] == '\\' ? '/' : start[i];
			add_key(s, "p:", w, l, f);
		} else {
			add_key(s, "p:", start, n, f);
		}
		p = start + (n ? n : 1);
	}
}

static int kcmp(const void *a, const void *b)
{
	const ikey *x = a, *y = b;
	int c = strcmp(x->k, y->k);
	return c ? c : (x->f < y->f ? -1 : x->f > y->f);
}

static size_t uf_find(size_t *p, size_t i)
{
	while (p[i] != i) {
		p[i] = p[p[i]];
		i = p[i];
	}
	return i;
}

static int is_key(const char *k, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k, names[i]) == 0)
			return 1;
	return 0;
}

/* The earliest file time (mtime, ctime) a finding's evidence gives, INT64_MAX for none. */
static int64_t earliest(const mt_finding *f)
{
	int64_t t = INT64_MAX;
	for (size_t k = 0; k < f->nev; k++)
		if (!f->ev[k].sval && f->ev[k].ival > 0 &&
		    (strcmp(f->ev[k].key, "mtime") == 0 || strcmp(f->ev[k].key, "ctime") == 0) &&
		    f->ev[k].ival < t)
			t = f->ev[k].ival;
	return t;
}

/* The way in: a login the auth checks judged (after a brute force, from a new source)
 * belongs to the worst incident whose files appeared within a day after it, as the
 * timeline places the initial access before the attacker's burst. */
static void join_way_in(const mt_report *r, size_t *parent, size_t n)
{
	int64_t *first = malloc(n * sizeof(*first));
	mt_severity *worst = malloc(n * sizeof(*worst));
	if (!first || !worst) {
		free(first);
		free(worst);
		return; /* no join: the logins stay incidents of their own */
	}
	for (size_t i = 0; i < n; i++) {
		first[i] = INT64_MAX;
		worst[i] = MT_SEV_INFO;
	}
	for (size_t i = 0; i < n; i++) {
		const mt_finding *f = mt_report_get(r, i);
		if (f->severity < MT_SEV_MEDIUM || strncmp(f->check->id, "auth.", 5) == 0)
			continue;
		size_t root = uf_find(parent, i);
		int64_t t = earliest(f);
		if (t < first[root])
			first[root] = t;
		if (f->severity > worst[root])
			worst[root] = f->severity;
	}
	for (size_t i = 0; i < n; i++) {
		const mt_finding *f = mt_report_get(r, i);
		if (f->severity < MT_SEV_MEDIUM || strcmp(f->check->id, "auth.compromise") != 0)
			continue;
		int64_t t = INT64_MIN;
		for (size_t k = 0; k < f->nev; k++)
			if (!f->ev[k].sval && strcmp(f->ev[k].key, "time") == 0)
				t = f->ev[k].ival;
		if (t == INT64_MIN)
			continue;
		size_t best = SIZE_MAX;
		for (size_t j = 0; j < n; j++) {
			if (parent[j] != j || first[j] == INT64_MAX || first[j] < t ||
			    first[j] - t > 86400)
				continue;
			if (best == SIZE_MAX || worst[j] > worst[best] ||
			    (worst[j] == worst[best] && first[j] < first[best]))
				best = j;
		}
		if (best != SIZE_MAX) {
			size_t a = uf_find(parent, i), b = uf_find(parent, best);
			if (a != b) { /* the files' incident stays the root: later logins find it */
				parent[a] = b;
				if (first[a] < first[b])
					first[b] = first[a];
				if (worst[a] > worst[b])
					worst[b] = worst[a];
			}
		}
	}
	free(first);
	free(worst);
}

mt_err mt__incidents_build(const mt_report *r, mt__incidents *out)
{
	static const char *const path_keys[] = {"path",      "program", "exe",
	                                        "dll",       "file",    "target",
	                                        "unit_path", "image",   "script_path"};
	static const char *const cmd_keys[] = {"command",    "cmdline",      "line",      "exec",
	                                       "image_path", "command_line", "exec_start"};
	static const char *const addr_keys[] = {"remote",    "remote_ip", "ip",
	                                        "source_ip", "dest_ip",   "pool"};
	memset(out, 0, sizeof(*out));
	size_t n = mt_report_count(r);
	if (n == 0)
		return MT_OK;
	out->of = calloc(n, sizeof(*out->of));
	size_t *parent = malloc(n * sizeof(*parent));
	kset s = {NULL, 0, 0, 0};
	if (!out->of || !parent) {
		free(parent);
		free(out->of);
		out->of = NULL;
		return MT_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		parent[i] = i;
		const mt_finding *f = mt_report_get(r, i);
		if (f->severity < MT_SEV_MEDIUM)
			continue;
		for (size_t k = 0; k < f->nev; k++) {
			const mt_kv *kv = &f->ev[k];
			if (!kv->sval) {
				if (strcmp(kv->key, "pid") == 0) {
					char b[32];
					int l = snprintf(b, sizeof(b), "%lld", kv->ival);
					add_key(&s, "pid:", b, (size_t)l, i);
				}
				continue;
			}
			const char *v = kv->sval;
			if (is_key(kv->key, path_keys, MT_ARRAY_LEN(path_keys)) && v[0] == '/')
				add_key(&s, "p:", v, strlen(v), i);
			else if (is_key(kv->key, cmd_keys, MT_ARRAY_LEN(cmd_keys)))
				command_paths(&s, v, i);
			else if (strcmp(kv->key, "sha256") == 0)
				add_key(&s, "h:", v, strlen(v), i);
			else if (is_key(kv->key, addr_keys, MT_ARRAY_LEN(addr_keys))) {
				/* "1.2.3.4:3333", "[2001:db8::1]:443": the address without its port */
				size_t l = strlen(v);
				const char *c = strrchr(v, ':');
				if (v[0] == '[' && strchr(v, ']'))
					add_key(&s, "a:", v + 1, (size_t)(strchr(v, ']') - v - 1),
					        i);
				else if (c && strchr(v, '.') && strchr(v, ':') == c)
					add_key(&s, "a:", v, (size_t)(c - v), i);
				else
					add_key(&s, "a:", v, l, i);
			}
		}
	}
	if (s.nomem) {
		for (size_t i = 0; i < s.n; i++)
			free(s.v[i].k);
		free(s.v);
		free(parent);
		free(out->of);
		out->of = NULL;
		return MT_ERR_NOMEM;
	}
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), kcmp);
	for (size_t i = 1; i < s.n; i++)
		if (strcmp(s.v[i].k, s.v[i - 1].k) == 0) {
			size_t a = uf_find(parent, s.v[i].f), b = uf_find(parent, s.v[i - 1].f);
			if (a != b)
				parent[a > b ? a : b] = a < b ? a : b;
		}
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].k);
	free(s.v);
	join_way_in(r, parent, n);

	/* numbered in report order (worst first): the incident of the first finding is 1 */
	size_t *num = calloc(n, sizeof(*num));
	out->v = calloc(n, sizeof(*out->v));
	if (!num || !out->v) {
		free(num);
		free(parent);
		mt__incidents_free(out);
		return MT_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const mt_finding *f = mt_report_get(r, i);
		if (f->severity < MT_SEV_MEDIUM)
			continue;
		size_t root = uf_find(parent, i);
		if (!num[root]) {
			num[root] = ++out->n;
			out->v[out->n - 1].lead = i;
			out->v[out->n - 1].severity = f->severity;
		}
		mt__incident *in = &out->v[num[root] - 1];
		out->of[i] = num[root];
		in->count++;
		if (f->severity > in->severity) {
			in->severity = f->severity;
			in->lead = i;
		}
	}
	free(num);
	free(parent);
	return MT_OK;
}

void mt__incidents_free(mt__incidents *in)
{
	free(in->of);
	free(in->v);
	memset(in, 0, sizeof(*in));
}

const char *mt__incident_subject(const mt_finding *f)
{
	static const char *const keys[] = {"path",     "program", "exe",  "service", "task",
	                                   "consumer", "value",   "unit", "remote",  "user"};
	for (size_t k = 0; k < MT_ARRAY_LEN(keys); k++)
		for (size_t i = 0; i < f->nev; i++)
			if (f->ev[i].sval && strcmp(f->ev[i].key, keys[k]) == 0)
				return f->ev[i].sval;
	return "";
}

const char *mt__verdict(const mt__incidents *inc)
{
	mt_severity worst = MT_SEV_INFO;
	for (size_t k = 0; k < inc->n; k++)
		if (inc->v[k].severity > worst)
			worst = inc->v[k].severity;
	return worst >= MT_SEV_HIGH     ? "compromised"
	       : worst >= MT_SEV_MEDIUM ? "suspicious"
	                                : "clean";
}
