/* walk.c - bounded walk of a directory tree inside the scan root (no symlinks followed,
 * no /proc or /sys, depth and entry caps) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walk.h"

typedef struct walk_state {
	mt_host *host;
	mt_report *rep;
	const mt_walk_opts *o;
	mt_walk_fn fn;
	void *ctx;
	unsigned max_depth;
	size_t max_entries;
	size_t seen;
	dev_t special[3]; /* st_dev of /proc, /sys, /dev where they are mounts of their own */
	size_t nspecial;
	dev_t start_dev;
	int stopped;
	int limited;
	char path[MT_MAX_PATH];
} walk_state;

static int is_special_path(const char *p)
{
	static const char *const dirs[] = {"/proc", "/sys"};
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++) {
		size_t n = strlen(dirs[i]);
		if (strncmp(p, dirs[i], n) == 0 && (p[n] == '\0' || p[n] == '/'))
			return 1;
	}
	return 0;
}

static int on_special_fs(const walk_state *w, const struct stat *st)
{
	if (st->st_dev == w->start_dev)
		return 0;
	for (size_t i = 0; i < w->nspecial; i++)
		if (st->st_dev == w->special[i])
			return 1;
	return 0;
}

static mt_err walk_dir(walk_state *w, size_t plen, unsigned depth, unsigned hidden)
{
	mt_dirent *ents = NULL;
	size_t n = 0;
	const char *dir = plen ? w->path : "/";
	mt_err e = mt_host_list(w->host, dir, MT_LIST_GETDENTS, &ents, &n);
	if (e == MT_ERR_NOMEM)
		return e;
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(w->rep, "%s: cannot list %s: %s", w->o->what, dir,
			               mt_strerror(e));
		return MT_OK;
	}
	for (size_t i = 0; i < n && !w->stopped; i++) {
		size_t nl = strlen(ents[i].name);
		if (plen + 1 + nl >= sizeof(w->path)) {
			mt_report_diag(w->rep, "%s: path too long under %s", w->o->what, dir);
			continue;
		}
		w->path[plen] = '/';
		memcpy(w->path + plen + 1, ents[i].name, nl + 1);
		if (w->seen >= w->max_entries) {
			w->path[plen] = '\0';
			mt_report_diag(w->rep, "%s: stopped after %zu entries (limit) in %s",
			               w->o->what, w->seen, plen ? w->path : "/");
			w->stopped = w->limited = 1;
			break;
		}
		w->seen++;
		struct stat st;
		e = mt_host_stat(w->host, w->path, 0, &st);
		if (e != MT_OK) {
			if (e == MT_ERR_NOMEM) {
				mt_dirents_free(ents, n);
				return e;
			}
			if (e != MT_ERR_NOENT) /* vanished while walked: not worth a line */
				mt_report_diag(w->rep, "%s: cannot stat %s: %s", w->o->what,
				               w->path, mt_strerror(e));
			continue;
		}
		unsigned hd = hidden + (ents[i].name[0] == '.');
		mt_walk_entry we = {w->path, w->path + plen + 1, &st, depth, hd};
		int r = w->fn(w->ctx, &we);
		if (r == MT_WALK_STOP) {
			w->stopped = 1;
			break;
		}
		if (r == MT_WALK_SKIP || !S_ISDIR(st.st_mode))
			continue;
		if (is_special_path(w->path) || on_special_fs(w, &st))
			continue;
		if ((w->o->flags & MT_WALK_SAME_DEVICE) && st.st_dev != w->start_dev)
			continue;
		if (depth + 1 >= w->max_depth) {
			if (w->o->flags & MT_WALK_SCOPED)
				continue;
			mt_report_diag(w->rep, "%s: not entering %s: deeper than %u levels",
			               w->o->what, w->path, w->max_depth);
			continue;
		}
		e = walk_dir(w, plen + 1 + nl, depth + 1, hd);
		if (e != MT_OK) {
			mt_dirents_free(ents, n);
			return e;
		}
	}
	w->path[plen] = '\0';
	mt_dirents_free(ents, n);
	return MT_OK;
}

mt_err mt_walk(mt_host *host, mt_report *rep, const char *start, const mt_walk_opts *o,
               mt_walk_fn fn, void *ctx, size_t *visited)
{
	static const mt_walk_opts defaults = {0, 0, "walk", 0};
	walk_state *w;
	struct stat st, rs;
	if (visited)
		*visited = 0;
	if (!host || !start || !fn)
		return MT_ERR_INVAL;
	if (!o)
		o = &defaults;
	if (mt_host_stat(host, start, (o->flags & MT_WALK_FOLLOW_START) != 0, &st) != MT_OK ||
	    !S_ISDIR(st.st_mode))
		return MT_OK; /* missing, or a symlink or file where a directory should be */
	if (is_special_path(start))
		return MT_OK;
	w = calloc(1, sizeof(*w));
	if (!w)
		return MT_ERR_NOMEM;
	w->host = host;
	w->rep = rep;
	w->o = o;
	w->fn = fn;
	w->ctx = ctx;
	w->max_depth = o->max_depth && o->max_depth < MT_MAX_DEPTH ? o->max_depth : MT_MAX_DEPTH;
	w->max_entries = o->max_entries ? o->max_entries : MT_MAX_WALK_ENTRIES;
	w->start_dev = st.st_dev;
	if (mt_host_stat(host, "/", 0, &rs) == MT_OK) {
		static const char *const sp[] = {"/proc", "/sys", "/dev"};
		for (size_t i = 0; i < MT_ARRAY_LEN(sp); i++) {
			struct stat ss;
			if (mt_host_stat(host, sp[i], 0, &ss) == MT_OK && S_ISDIR(ss.st_mode) &&
			    ss.st_dev != rs.st_dev)
				w->special[w->nspecial++] = ss.st_dev;
		}
	}
	/* the start without trailing slashes; "/" becomes "" */
	size_t sl = strlen(start);
	while (sl && start[sl - 1] == '/')
		sl--;
	if (sl >= sizeof(w->path)) {
		free(w);
		return MT_ERR_TOOBIG;
	}
	memcpy(w->path, start, sl);
	w->path[sl] = '\0';
	mt_err e = walk_dir(w, sl, 0, 0);
	if (visited)
		*visited = w->seen;
	if (e == MT_OK && w->limited)
		e = MT_ERR_LIMIT;
	free(w);
	return e;
}
