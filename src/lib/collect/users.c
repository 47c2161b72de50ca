/* users.c - collector for the accounts of the root: etc/passwd and etc/shadow */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

void mt_users_free(mt_users *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].name);
		free(u->v[i].gecos);
		free(u->v[i].home);
		free(u->v[i].shell);
		free(u->v[i].hash);
	}
	free(u->v);
	free(u);
}

/* Splits a line at ':' into at most max fields; returns the number found. */
static size_t split_colon(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		f[n++] = p;
		char *c = strchr(p, ':');
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	return n;
}

static int parse_uint(const char *s, unsigned *out)
{
	uint64_t v;
	if (mt_parse_u64(s, strlen(s), 0xffffffffu, &v) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

mt_err mt_users_load(mt_host *h, mt_report *rep, mt_users **out)
{
	char *data = NULL;
	size_t len;
	int trunc;
	mt_err e;
	*out = NULL;
	mt_users *u = calloc(1, sizeof(*u));
	if (!u)
		return MT_ERR_NOMEM;
	e = mt_host_read_file(h, "/etc/passwd", MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e == MT_OK) {
		u->passwd_found = 1;
		size_t alloc = 0;
		unsigned lineno = 0, bad = 0;
		for (char *line = data, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			lineno++;
			if (!*line || *line == '#')
				continue;
			char *f[8];
			unsigned uid, gid;
			if (split_colon(line, f, 8) != 7 || !*f[0] || parse_uint(f[2], &uid) ||
			    parse_uint(f[3], &gid)) {
				bad++;
				continue;
			}
			if (u->n == alloc) {
				size_t na = alloc ? alloc * 2 : 32;
				mt_user *nv = realloc(u->v, na * sizeof(*nv));
				if (!nv) {
					e = MT_ERR_NOMEM;
					break;
				}
				u->v = nv;
				alloc = na;
			}
			mt_user *x = &u->v[u->n];
			memset(x, 0, sizeof(*x));
			x->uid = uid;
			x->gid = gid;
			x->lastchg = -1;
			x->passwd_line = lineno;
			x->name = mt_strdup(f[0]);
			x->gecos = mt_strdup(f[4]);
			x->home = mt_strdup(f[5]);
			x->shell = mt_strdup(f[6]);
			u->n++;
			if (!x->name || !x->gecos || !x->home || !x->shell) {
				e = MT_ERR_NOMEM;
				break;
			}
		}
		if (bad)
			mt_report_diag(rep, "/etc/passwd: %u malformed line(s) skipped", bad);
		free(data);
		data = NULL;
	} else if (e != MT_ERR_NOENT) {
		mt_report_diag(rep, "/etc/passwd: %s", mt_strerror(e));
	}
	if (e == MT_ERR_NOMEM) {
		mt_users_free(u);
		return e;
	}
	e = mt_host_read_file(h, "/etc/shadow", MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e == MT_OK) {
		u->shadow_found = 1;
		unsigned lineno = 0;
		for (char *line = data, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			lineno++;
			char *f[9];
			if (!*line || *line == '#' || split_colon(line, f, 9) < 3)
				continue;
			for (size_t i = 0; i < u->n; i++) {
				mt_user *x = &u->v[i];
				if (strcmp(x->name, f[0]) != 0 || x->has_shadow)
					continue;
				x->has_shadow = 1;
				x->shadow_line = lineno;
				x->hash = mt_strdup(f[1]);
				unsigned d;
				x->lastchg = *f[2] && parse_uint(f[2], &d) == 0 ? (long)d : -1;
				if (!x->hash) {
					free(data);
					mt_users_free(u);
					return MT_ERR_NOMEM;
				}
			}
		}
		free(data);
	} else if (e != MT_ERR_NOENT) {
		mt_report_diag(rep, "/etc/shadow: %s", mt_strerror(e));
	}
	*out = u;
	return MT_OK;
}

const mt_user *mt_users_by_name(const mt_users *u, const char *name)
{
	for (size_t i = 0; u && i < u->n; i++)
		if (strcmp(u->v[i].name, name) == 0)
			return &u->v[i];
	return NULL;
}

const mt_user *mt_users_by_uid(const mt_users *u, unsigned uid)
{
	for (size_t i = 0; u && i < u->n; i++)
		if (u->v[i].uid == uid)
			return &u->v[i];
	return NULL;
}
