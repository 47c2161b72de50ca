/* systemd.c - collector for systemd units: search paths, unit files, drop-ins, masks,
 * enablement links and timers, merged the way systemd merges them */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"
#include "systemd.h"

#define SCHEDULE_CAP 1024 /* bytes of a timer's schedule text kept */

/* ---- small helpers ---------------------------------------------------------------- */

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

/* The unit kinds whose files are parsed: they run commands or start units that do. */
static int parsed_unit_name(const char *s)
{
	return ends_with(s, ".service") || ends_with(s, ".socket") || ends_with(s, ".timer") ||
	       ends_with(s, ".path");
}

/* Any unit name (for enablement links). */
static int any_unit_name(const char *s)
{
	static const char *const sfx[] = {".service", ".socket", ".timer",     ".path",
	                                  ".target",  ".mount",  ".automount", ".swap",
	                                  ".slice",   ".scope",  ".device"};
	for (size_t i = 0; i < MT_ARRAY_LEN(sfx); i++)
		if (ends_with(s, sfx[i]))
			return 1;
	return 0;
}

/* "foo@bar.service" -> "foo@.service"; 0 when name is not an instance. */
static int template_of(const char *name, char *out, size_t n)
{
	const char *at = strchr(name, '@');
	const char *dot = strrchr(name, '.');
	if (!at || !dot || dot < at || dot == at + 1)
		return 0;
	return snprintf(out, n, "%.*s%s", (int)(at - name + 1), name, dot) < (int)n;
}

static char *xstrndup_trim(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return mt_strndup(s, n);
}

static mt_err set_str(char **dst, const char *s, size_t n)
{
	char *v = NULL;
	if (n) {
		v = xstrndup_trim(s, n);
		if (!v)
			return MT_ERR_NOMEM;
		if (!*v) {
			free(v);
			v = NULL;
		}
	}
	free(*dst);
	*dst = v;
	return MT_OK;
}

/* ---- the parser ---------------------------------------------------------------- */

static const char *const exec_keys[] = {"ExecCondition", "ExecStartPre", "ExecStart",
                                        "ExecStartPost", "ExecReload",   "ExecStop",
                                        "ExecStopPost",  "ExecStopPre"};

static const char *exec_key(const char *k, size_t kl)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(exec_keys); i++)
		if (strlen(exec_keys[i]) == kl && memcmp(exec_keys[i], k, kl) == 0)
			return exec_keys[i];
	return NULL;
}

static const char *const timer_keys[] = {"OnCalendar",  "OnBootSec",       "OnStartupSec",
                                         "OnActiveSec", "OnUnitActiveSec", "OnUnitInactiveSec"};

static int key_is(const char *k, size_t kl, const char *name)
{
	return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

static void exec_free(mt_unit_exec *x)
{
	free(x->command);
	free(x->line);
	free(x->path);
}

void mt_unit_clear(mt_unit *u)
{
	if (!u)
		return;
	free(u->name);
	free(u->user);
	free(u->path);
	free(u->real_path);
	free(u->enabled_by);
	free(u->restart);
	free(u->exec_user);
	free(u->trigger);
	free(u->schedule);
	free(u->triggered_by);
	free(u->trigger_schedule);
	for (size_t i = 0; i < u->ndropins; i++)
		free(u->dropins[i]);
	for (size_t i = 0; i < u->nexec; i++)
		exec_free(&u->exec[i]);
	free(u->exec);
	memset(u, 0, sizeof(*u));
}

/* "ExecStart=" alone: the list of that key starts over. */
static void exec_reset(mt_unit *u, const char *key)
{
	size_t j = 0;
	for (size_t i = 0; i < u->nexec; i++) {
		if (u->exec[i].key == key)
			exec_free(&u->exec[i]);
		else
			u->exec[j++] = u->exec[i];
	}
	u->nexec = j;
}

static mt_err exec_add(mt_unit *u, const char *key, const char *val, size_t vl, const char *line,
                       size_t ll, const char *path, unsigned lineno, int dropin)
{
	/* prefixes: - (failure ignored) @ (argv[0] given) : (no expansion) + ! !! (privilege)
	 * | (login shell, systemd 256); any order, any number */
	size_t i = 0;
	vl = strnlen(val, vl); /* a NUL byte ends the value, as it ends the copies below */
	while (i < vl && (strchr("-@:+!|", val[i]) || val[i] == ' ' || val[i] == '\t'))
		i++;
	if (i == vl) {
		u->bad++;
		return MT_OK;
	}
	if (u->nexec >= MT_MAX_UNIT_EXEC) {
		u->bad++;
		return MT_OK;
	}
	if (u->nexec == u->aexec) {
		size_t na = u->aexec ? u->aexec * 2 : 8;
		mt_unit_exec *nx = realloc(u->exec, na * sizeof(*nx));
		if (!nx)
			return MT_ERR_NOMEM;
		u->exec = nx;
		u->aexec = na;
	}
	mt_unit_exec *x = &u->exec[u->nexec];
	memset(x, 0, sizeof(*x));
	x->key = key;
	x->command = xstrndup_trim(val + i, vl - i);
	x->line = xstrndup_trim(line, ll);
	x->path = mt_strdup(path);
	x->lineno = lineno;
	x->dropin = dropin;
	if (!x->command || !x->line || !x->path) {
		exec_free(x);
		return MT_ERR_NOMEM;
	}
	u->nexec++;
	return MT_OK;
}

/* Timer settings: a list per key, an empty value resets that key's list. */
static mt_err schedule_set(mt_unit *u, const char *k, size_t kl, const char *v, size_t vl)
{
	mt_buf b;
	mt_err e = MT_OK;
	mt_buf_init(&b, SCHEDULE_CAP);
	/* entries are "Key=value" separated by "; "; a reset drops those of its key */
	const char *s = u->schedule;
	while (s && *s) {
		const char *end = strstr(s, "; ");
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (vl || !(n > kl && memcmp(s, k, kl) == 0 && s[kl] == '=')) {
			if (b.len)
				mt_buf_adds(&b, "; ");
			mt_buf_add(&b, s, n);
		}
		s = end ? end + 2 : s + n;
	}
	if (vl) {
		/* over the cap the entry is dropped: the schedule is evidence, not judged */
		if (b.len)
			mt_buf_adds(&b, "; ");
		mt_buf_add(&b, k, kl);
		mt_buf_addc(&b, '=');
		if (mt_buf_add(&b, v, vl) == MT_ERR_NOMEM)
			e = MT_ERR_NOMEM;
	}
	size_t have = b.len;
	char *ns = have ? mt_buf_take(&b, NULL) : NULL;
	mt_buf_free(&b);
	if (have && !ns)
		e = MT_ERR_NOMEM;
	free(u->schedule);
	u->schedule = ns;
	return e;
}

static mt_err apply(mt_unit *u, const char *sect, const char *line, size_t ll, const char *path,
                    unsigned lineno, int dropin)
{
	const char *eq = memchr(line, '=', ll);
	if (!eq) {
		u->bad++;
		return MT_OK;
	}
	size_t kl = (size_t)(eq - line);
	while (kl && (line[kl - 1] == ' ' || line[kl - 1] == '\t'))
		kl--;
	if (kl == 0) {
		u->bad++;
		return MT_OK;
	}
	const char *v = eq + 1, *end = line + ll;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	size_t vl = (size_t)(end - v);
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;

	int service = strcmp(sect, "Service") == 0, socket = strcmp(sect, "Socket") == 0;
	if (service || socket) {
		const char *key = exec_key(line, kl);
		if (key && (service || (strcmp(key, "ExecStart") && strcmp(key, "ExecReload") &&
		                        strcmp(key, "ExecStop") && strcmp(key, "ExecCondition")))) {
			if (vl == 0) {
				exec_reset(u, key);
				return MT_OK;
			}
			return exec_add(u, key, v, vl, line, ll, path, lineno, dropin);
		}
	}
	if (service && key_is(line, kl, "Restart"))
		return set_str(&u->restart, v, vl);
	if (service && key_is(line, kl, "User"))
		return set_str(&u->exec_user, v, vl);
	if (strcmp(sect, "Timer") == 0) {
		if (key_is(line, kl, "Unit"))
			return set_str(&u->trigger, v, vl);
		for (size_t i = 0; i < MT_ARRAY_LEN(timer_keys); i++)
			if (key_is(line, kl, timer_keys[i]))
				return schedule_set(u, line, kl, v, vl);
	}
	if (strcmp(sect, "Path") == 0 && key_is(line, kl, "Unit"))
		return set_str(&u->trigger, v, vl);
	return MT_OK;
}

mt_err mt_unit_parse(mt_unit *u, const char *path, const char *data, size_t len, int dropin)
{
	char sect[64] = "";
	const char *p = data, *end = data + len;
	unsigned lineno = 0;
	mt_buf lb;
	mt_err err = MT_OK;
	mt_buf_init(&lb, MT_MAX_LINE);

	while (p < end && err == MT_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p;
		p = nl ? nl + 1 : end;
		lineno++;
		if (le > s && le[-1] == '\r')
			le--;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (s == le || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *rb = memchr(s, ']', (size_t)(le - s));
			if (!rb || (size_t)(rb - s - 1) >= sizeof(sect)) {
				u->bad++;
				sect[0] = '\0';
				continue;
			}
			memcpy(sect, s + 1, (size_t)(rb - s - 1));
			sect[rb - s - 1] = '\0';
			continue;
		}
		/* a logical line: a trailing backslash joins the next line with a blank;
		 * comment lines inside it are skipped (systemd.syntax(7)) */
		unsigned first = lineno;
		int cut = 0;
		mt_buf_reset(&lb);
		for (;;) {
			int cont = le > s && le[-1] == '\\';
			size_t n = (size_t)(le - s) - (cont ? 1 : 0);
			size_t room = lb.cap - lb.len;
			mt_err be = mt_buf_add(&lb, s, n < room ? n : room);
			if (be == MT_OK && n > room)
				be = MT_ERR_TOOBIG;
			if (be == MT_OK && cont)
				be = mt_buf_addc(&lb, ' ');
			if (be == MT_ERR_NOMEM) {
				err = be;
				break;
			}
			if (be == MT_ERR_TOOBIG)
				cut = 1; /* keep the first MT_MAX_LINE bytes, judge those */
			if (!cont)
				break;
			/* the next physical line that is not a comment */
			int more = 0;
			while (p < end) {
				nl = memchr(p, '\n', (size_t)(end - p));
				le = nl ? nl : end;
				s = p;
				p = nl ? nl + 1 : end;
				lineno++;
				if (le > s && le[-1] == '\r')
					le--;
				const char *t = s;
				while (t < le && (*t == ' ' || *t == '\t'))
					t++;
				if (t < le && (*t == '#' || *t == ';'))
					continue;
				more = 1;
				break;
			}
			if (!more)
				break;
		}
		if (err != MT_OK)
			break;
		if (cut)
			u->cut++;
		err = apply(u, sect, lb.data ? lb.data : "", lb.len, path, first, dropin);
	}
	mt_buf_free(&lb);
	return err;
}

/* ---- symlinks inside the root ------------------------------------------------------ */

mt_err mt_host_readlink_in(mt_host *h, const char *path, char *out, size_t outlen)
{
	char dir[MT_MAX_PATH];
	const char *slash = strrchr(path, '/');
	if (!slash || !slash[1] || outlen < 2)
		return MT_ERR_INVAL;
	if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >= (int)sizeof(dir))
		return MT_ERR_TOOBIG;
	if (!dir[0])
		snprintf(dir, sizeof(dir), "/");
	int fd;
	mt_err e = mt_host_open_dir(h, dir, &fd);
	if (e != MT_OK)
		return e;
	/* the directory was resolved inside the root; the last component is not followed */
	ssize_t n = readlinkat(fd, slash + 1, out, outlen - 1);
	int saved = errno;
	close(fd);
	if (n < 0)
		return saved == EINVAL ? MT_ERR_INVAL : mt_errno_to_err(saved);
	if ((size_t)n >= outlen - 1)
		return MT_ERR_TOOBIG;
	out[n] = '\0';
	return MT_OK;
}

int mt_link_target_abs(const char *linkpath, const char *target, char *out, size_t n)
{
	char tmp[MT_MAX_PATH * 2];
	int w;
	if (target[0] == '/') {
		w = snprintf(tmp, sizeof(tmp), "%s", target);
	} else {
		const char *slash = strrchr(linkpath, '/');
		int dl = slash ? (int)(slash - linkpath) : 0;
		w = snprintf(tmp, sizeof(tmp), "%.*s/%s", dl, linkpath, target);
	}
	if (w < 0 || (size_t)w >= sizeof(tmp))
		return -1;
	/* fold "." and ".." ("..": never above the root) */
	size_t ol = 0;
	char *c = tmp;
	while (*c) {
		while (*c == '/')
			c++;
		if (!*c)
			break;
		char *e = strchr(c, '/');
		size_t l = e ? (size_t)(e - c) : strlen(c);
		if (l == 1 && c[0] == '.') {
		} else if (l == 2 && c[0] == '.' && c[1] == '.') {
			while (ol > 0 && out[ol - 1] != '/')
				ol--;
			if (ol > 0)
				ol--;
		} else {
			if (ol + 1 + l + 1 > n)
				return -1;
			out[ol++] = '/';
			memcpy(out + ol, c, l);
			ol += l;
		}
		c += l;
	}
	if (ol == 0) {
		if (n < 2)
			return -1;
		out[ol++] = '/';
	}
	out[ol] = '\0';
	return 0;
}

/* ---- the collector ---------------------------------------------------------------- */

typedef struct cand {
	char *unit; /* unit name; for drop-ins the name of the .d directory without .d */
	char *base; /* drop-ins: the .conf file name */
	char *path;
	unsigned prio; /* index of the search directory: lower wins */
	int masked;    /* a symlink to /dev/null */
	int own;       /* in a directory of the scope's own (home units) */
} cand;

typedef struct cands {
	cand *v;
	size_t n, alloc;
} cands;

static void cands_free(cands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].unit);
		free(c->v[i].base);
		free(c->v[i].path);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static mt_err cands_add(cands *c, const char *unit, size_t ul, const char *base, const char *path,
                        unsigned prio, int masked, int own)
{
	if (c->n == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 64;
		cand *nv = realloc(c->v, na * sizeof(*nv));
		if (!nv)
			return MT_ERR_NOMEM;
		c->v = nv;
		c->alloc = na;
	}
	cand *x = &c->v[c->n];
	memset(x, 0, sizeof(*x));
	x->unit = mt_strndup(unit, ul);
	x->base = base ? mt_strdup(base) : NULL;
	x->path = mt_strdup(path);
	x->prio = prio;
	x->masked = masked;
	x->own = own;
	if (!x->unit || !x->path || (base && !x->base)) {
		free(x->unit);
		free(x->base);
		free(x->path);
		return MT_ERR_NOMEM;
	}
	c->n++;
	return MT_OK;
}

static int cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	int c = strcmp(x->unit, y->unit);
	if (c)
		return c;
	if (x->base && y->base && (c = strcmp(x->base, y->base)) != 0)
		return c;
	return (x->prio > y->prio) - (x->prio < y->prio);
}

typedef struct scope_ctx {
	mt_host *h;
	mt_report *rep;
	mt_units *out;
	mt_unit_scope scope;
	const char *user;
	cands files, dropins, links;
	dev_t devs[16];
	ino_t inos[16];
	size_t ndirs;
} scope_ctx;

/* A symlink whose target is /dev/null: systemd's mask. */
static int is_mask(mt_host *h, const char *path, unsigned char type)
{
	char t[MT_MAX_PATH];
	if (type != DT_LNK && type != DT_UNKNOWN)
		return 0;
	return mt_host_readlink_in(h, path, t, sizeof(t)) == MT_OK && strcmp(t, "/dev/null") == 0;
}

static mt_err list_dropins(scope_ctx *sc, const char *dir, const char *unit, size_t ul,
                           unsigned prio, int own)
{
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_host_list(sc->h, dir, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT && e != MT_ERR_NOTDIR)
			mt_report_diag(sc->rep, "%s: %s", dir, mt_strerror(e));
		return MT_OK;
	}
	e = MT_OK;
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		char path[MT_MAX_PATH];
		if (!ends_with(ents[i].name, ".conf"))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, ents[i].name) >= (int)sizeof(path))
			continue;
		e = cands_add(&sc->dropins, unit, ul, ents[i].name, path, prio,
		              is_mask(sc->h, path, ents[i].type), own);
	}
	mt_dirents_free(ents, n);
	return e;
}

static mt_err list_links(scope_ctx *sc, const char *dir, unsigned prio)
{
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_host_list(sc->h, dir, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT && e != MT_ERR_NOTDIR)
			mt_report_diag(sc->rep, "%s: %s", dir, mt_strerror(e));
		return MT_OK;
	}
	e = MT_OK;
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		char path[MT_MAX_PATH];
		if (!any_unit_name(ents[i].name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, ents[i].name) >= (int)sizeof(path))
			continue;
		e = cands_add(&sc->links, ents[i].name, strlen(ents[i].name), NULL, path, prio, 0,
		              0);
	}
	mt_dirents_free(ents, n);
	return e;
}

static mt_err list_dir(scope_ctx *sc, const char *dir, unsigned prio, int own)
{
	struct stat st;
	if (mt_host_stat(sc->h, dir, 1, &st) != MT_OK || !S_ISDIR(st.st_mode))
		return MT_OK;
	/* the same directory twice (merged /usr: /lib -> usr/lib) is read once */
	for (size_t i = 0; i < sc->ndirs; i++)
		if (sc->devs[i] == st.st_dev && sc->inos[i] == st.st_ino)
			return MT_OK;
	if (sc->ndirs < MT_ARRAY_LEN(sc->devs)) {
		sc->devs[sc->ndirs] = st.st_dev;
		sc->inos[sc->ndirs++] = st.st_ino;
	}
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_host_list(sc->h, dir, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		mt_report_diag(sc->rep, "%s: %s", dir, mt_strerror(e));
		return MT_OK;
	}
	e = MT_OK;
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		const char *name = ents[i].name;
		char path[MT_MAX_PATH];
		if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
			continue;
		size_t nl = strlen(name);
		if (ends_with(name, ".wants") || ends_with(name, ".requires") ||
		    ends_with(name, ".upholds")) {
			e = list_links(sc, path, prio);
		} else if (ends_with(name, ".d")) {
			char unit[256];
			if (nl - 2 >= sizeof(unit))
				continue;
			memcpy(unit, name, nl - 2);
			unit[nl - 2] = '\0';
			/* a unit's drop-ins, or a type's ("service.d": every service) */
			if (parsed_unit_name(unit) || strcmp(unit, "service") == 0 ||
			    strcmp(unit, "socket") == 0 || strcmp(unit, "timer") == 0 ||
			    strcmp(unit, "path") == 0)
				e = list_dropins(sc, path, unit, nl - 2, prio, own);
		} else if (parsed_unit_name(name)) {
			int masked = is_mask(sc->h, path, ents[i].type);
			if (!masked && ents[i].type == DT_DIR)
				continue;
			e = cands_add(&sc->files, name, nl, NULL, path, prio, masked, own);
		}
	}
	mt_dirents_free(ents, n);
	return e;
}

static mt_unit *unit_new(scope_ctx *sc, const char *name)
{
	mt_units *o = sc->out;
	if (o->n == o->alloc) {
		size_t na = o->alloc ? o->alloc * 2 : 64;
		mt_unit *nv = realloc(o->v, na * sizeof(*nv));
		if (!nv)
			return NULL;
		o->v = nv;
		o->alloc = na;
	}
	mt_unit *u = &o->v[o->n];
	memset(u, 0, sizeof(*u));
	u->scope = sc->scope;
	u->name = mt_strdup(name);
	u->user = sc->user ? mt_strdup(sc->user) : NULL;
	if (!u->name || (sc->user && !u->user)) {
		mt_unit_clear(u);
		return NULL;
	}
	o->n++;
	return u;
}

static mt_err parse_file(scope_ctx *sc, mt_unit *u, const char *path, int dropin)
{
	char *data;
	size_t len;
	int trunc;
	mt_err e = mt_host_read_file(sc->h, path, MT_MAX_FILE_READ, &data, &len, &trunc);
	if (e != MT_OK) {
		mt_report_diag(sc->rep, "%s: %s", path,
		               e == MT_ERR_NOENT ? "symbolic link to nothing inside the root"
		                                 : mt_strerror(e));
		return e == MT_ERR_NOMEM ? e : MT_OK;
	}
	if (trunc)
		mt_report_diag(sc->rep, "%s: only the first %u bytes were read", path,
		               (unsigned)MT_MAX_FILE_READ);
	unsigned bad = u->bad, cut = u->cut;
	e = mt_unit_parse(u, path, data, len, dropin);
	free(data);
	if (u->bad > bad)
		mt_report_diag(sc->rep, "%s: %u line(s) are not valid settings", path,
		               u->bad - bad);
	if (u->cut > cut)
		mt_report_diag(sc->rep, "%s: %u setting(s) longer than %u bytes were cut", path,
		               u->cut - cut, (unsigned)MT_MAX_LINE);
	return e;
}

/* Applies the drop-ins of unit (from every directory: one per file name, the
 * highest-priority directory's, in file-name order). Sets *own when one is own. */
static mt_err apply_dropins(scope_ctx *sc, mt_unit *u, const char *dname, int *own)
{
	mt_err e = MT_OK;
	for (size_t i = 0; i < sc->dropins.n && e == MT_OK; i++) {
		cand *d = &sc->dropins.v[i];
		if (strcmp(d->unit, dname) != 0)
			continue;
		/* sorted by unit, base, prio: skip the lower-priority files of the same name */
		if (i > 0 && strcmp(sc->dropins.v[i - 1].unit, d->unit) == 0 &&
		    strcmp(sc->dropins.v[i - 1].base, d->base) == 0)
			continue;
		if (d->masked)
			continue;
		if (u->ndropins >= MT_MAX_UNIT_DROPINS) {
			mt_report_diag(sc->rep, "%s: more than %u drop-ins, the rest not read",
			               u->name, (unsigned)MT_MAX_UNIT_DROPINS);
			break;
		}
		u->dropins[u->ndropins] = mt_strdup(d->path);
		if (!u->dropins[u->ndropins])
			return MT_ERR_NOMEM;
		u->ndropins++;
		*own |= d->own;
		e = parse_file(sc, u, d->path, 1);
	}
	return e;
}

static int has_dropins(const scope_ctx *sc, const char *name)
{
	for (size_t i = 0; i < sc->dropins.n; i++)
		if (strcmp(sc->dropins.v[i].unit, name) == 0)
			return 1;
	return 0;
}

/* Builds one unit from its cn file candidates c (same name, by priority; none for a
 * unit of drop-ins only) and its drop-ins. */
static mt_err build_unit(scope_ctx *sc, const cand *c, size_t cn, const char *name)
{
	mt_unit *u = unit_new(sc, name);
	if (!u)
		return MT_ERR_NOMEM;
	size_t ui = sc->out->n - 1;
	int own = 0;
	const cand *f = NULL;
	if (cn && c[0].masked)
		u->masked = 1;
	for (size_t i = 0; i < cn; i++)
		if (!c[i].masked) {
			f = &c[i];
			break;
		}
	if (cn && c[0].own)
		own = 1;
	mt_err e = MT_OK;
	if (f) {
		own |= f->own;
		u->path = mt_strdup(f->path);
		char t[MT_MAX_PATH], abs[MT_MAX_PATH];
		if (mt_host_readlink_in(sc->h, f->path, t, sizeof(t)) == MT_OK &&
		    mt_link_target_abs(f->path, t, abs, sizeof(abs)) == 0)
			u->real_path = mt_strdup(abs);
		else
			u->real_path = mt_strdup(f->path);
		if (!u->path || !u->real_path)
			return MT_ERR_NOMEM;
		mt_host_stat(sc->h, f->path, 1, &u->st);
		e = parse_file(sc, u, f->path, 0);
		u = &sc->out->v[ui];
	}
	/* a masked unit is not loaded at all: its drop-ins do not apply either */
	if (e == MT_OK && !u->masked) {
		char tmpl[256];
		if (template_of(name, tmpl, sizeof(tmpl)))
			e = apply_dropins(sc, u, tmpl, &own);
		if (e == MT_OK)
			e = apply_dropins(sc, u, name, &own);
	}
	if (e == MT_OK && sc->scope == MT_UNIT_USER_HOME && !own) {
		/* a global user unit seen from a home: reported with the global scope */
		mt_unit_clear(&sc->out->v[ui]);
		sc->out->n--;
	}
	return e;
}

static mt_unit *find_in(mt_units *o, size_t from, const char *name)
{
	for (size_t i = from; i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return &o->v[i];
	return NULL;
}

static mt_err mark_links(scope_ctx *sc, size_t from)
{
	mt_units *o = sc->out;
	for (size_t i = 0; i < sc->links.n; i++) {
		cand *l = &sc->links.v[i];
		mt_unit *u = find_in(o, from, l->unit);
		char tmpl[256];
		if (!u && template_of(l->unit, tmpl, sizeof(tmpl)))
			u = find_in(o, from, tmpl);
		if (!u && parsed_unit_name(l->unit) && sc->scope != MT_UNIT_USER_HOME) {
			/* a link to a unit file outside the search path (systemctl link, or a
			 * hand-made link): the file it points to is what runs */
			char t[MT_MAX_PATH], abs[MT_MAX_PATH];
			struct stat st;
			if (mt_host_readlink_in(sc->h, l->path, t, sizeof(t)) != MT_OK ||
			    mt_link_target_abs(l->path, t, abs, sizeof(abs)) != 0 ||
			    strcmp(t, "/dev/null") == 0 ||
			    mt_host_stat(sc->h, l->path, 1, &st) != MT_OK || !S_ISREG(st.st_mode))
				continue;
			u = unit_new(sc, l->unit);
			if (!u)
				return MT_ERR_NOMEM;
			size_t ui = o->n - 1;
			u->path = mt_strdup(l->path);
			u->real_path = mt_strdup(abs);
			if (!u->path || !u->real_path)
				return MT_ERR_NOMEM;
			u->st = st;
			mt_err e = parse_file(sc, u, l->path, 0);
			if (e != MT_OK)
				return e;
			u = &o->v[ui];
		}
		if (!u || u->enabled)
			continue;
		u->enabled = 1;
		u->enabled_by = mt_strdup(l->path);
		if (!u->enabled_by)
			return MT_ERR_NOMEM;
	}
	return MT_OK;
}

/* Timers and path units start a unit: Unit= or the same name as a .service. */
static mt_err mark_triggers(mt_units *o, size_t from)
{
	for (size_t i = from; i < o->n; i++) {
		mt_unit *t = &o->v[i];
		int timer = ends_with(t->name, ".timer");
		if ((!timer && !ends_with(t->name, ".path")) || t->masked)
			continue;
		char target[256];
		if (t->trigger)
			snprintf(target, sizeof(target), "%s", t->trigger);
		else if (snprintf(target, sizeof(target), "%.*s.service",
		                  (int)(strlen(t->name) - (timer ? 6 : 5)),
		                  t->name) >= (int)sizeof(target))
			continue;
		mt_unit *s = find_in(o, from, target);
		if (!s || (s->triggered_by && (s->trigger_enabled || !t->enabled)))
			continue;
		free(s->triggered_by);
		free(s->trigger_schedule);
		s->triggered_by = mt_strdup(t->name);
		s->trigger_schedule = t->schedule ? mt_strdup(t->schedule) : NULL;
		s->trigger_enabled = t->enabled;
		if (!s->triggered_by || (t->schedule && !s->trigger_schedule))
			return MT_ERR_NOMEM;
	}
	return MT_OK;
}

static mt_err collect_scope(mt_host *h, mt_report *rep, mt_units *out, mt_unit_scope scope,
                            const char *user, const char *const *dirs, size_t ndirs, size_t nown)
{
	scope_ctx sc;
	memset(&sc, 0, sizeof(sc));
	sc.h = h;
	sc.rep = rep;
	sc.out = out;
	sc.scope = scope;
	sc.user = user;
	size_t from = out->n;
	mt_err e = MT_OK;
	for (size_t i = 0; i < ndirs && e == MT_OK; i++)
		e = list_dir(&sc, dirs[i], (unsigned)i, i < nown);
	if (e == MT_OK && sc.files.n)
		qsort(sc.files.v, sc.files.n, sizeof(cand), cand_cmp);
	if (e == MT_OK && sc.dropins.n)
		qsort(sc.dropins.v, sc.dropins.n, sizeof(cand), cand_cmp);
	for (size_t i = 0; i < sc.files.n && e == MT_OK;) {
		size_t j = i;
		while (j < sc.files.n && strcmp(sc.files.v[j].unit, sc.files.v[i].unit) == 0)
			j++;
		e = build_unit(&sc, &sc.files.v[i], j - i, sc.files.v[i].unit);
		i = j;
	}
	/* units that only exist as drop-ins (also the type-wide "service.d") */
	for (size_t i = 0; i < sc.dropins.n && e == MT_OK; i++) {
		const char *un = sc.dropins.v[i].unit;
		if (i > 0 && strcmp(sc.dropins.v[i - 1].unit, un) == 0)
			continue;
		int have = 0;
		for (size_t k = 0; k < sc.files.n && !have; k++)
			have = strcmp(sc.files.v[k].unit, un) == 0;
		char tmpl[256];
		if (!have && template_of(un, tmpl, sizeof(tmpl)))
			for (size_t k = 0; k < sc.files.n && !have; k++)
				have = strcmp(sc.files.v[k].unit, tmpl) == 0;
		if (!have && has_dropins(&sc, un))
			e = build_unit(&sc, NULL, 0, un);
	}
	if (e == MT_OK)
		e = mark_links(&sc, from);
	if (e == MT_OK)
		e = mark_triggers(out, from);
	cands_free(&sc.files);
	cands_free(&sc.dropins);
	cands_free(&sc.links);
	return e;
}

void mt_units_free(mt_units *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++)
		mt_unit_clear(&u->v[i]);
	free(u->v);
	free(u);
}

const mt_unit *mt_units_find(const mt_units *u, mt_unit_scope scope, const char *user,
                             const char *name)
{
	for (size_t i = 0; u && i < u->n; i++) {
		const mt_unit *x = &u->v[i];
		if (x->scope == scope && strcmp(x->name, name) == 0 &&
		    (scope != MT_UNIT_USER_HOME || (user && x->user && strcmp(user, x->user) == 0)))
			return x;
	}
	return NULL;
}

mt_err mt_units_collect(mt_host *h, mt_report *rep, const mt_users *users, mt_units **out)
{
	/* systemd.unit(5) search paths, highest priority first */
	static const char *const sys_dirs[] = {
		"/etc/systemd/system.control", "/run/systemd/system.control",
		"/run/systemd/transient",      "/etc/systemd/system",
		"/run/systemd/system",         "/usr/local/lib/systemd/system",
		"/lib/systemd/system",         "/usr/lib/systemd/system"};
	static const char *const user_dirs[] = {"/etc/systemd/user",
	                                        "/run/systemd/user",
	                                        "/usr/local/share/systemd/user",
	                                        "/usr/share/systemd/user",
	                                        "/usr/local/lib/systemd/user",
	                                        "/lib/systemd/user",
	                                        "/usr/lib/systemd/user"};
	*out = NULL;
	mt_units *u = calloc(1, sizeof(*u));
	if (!u)
		return MT_ERR_NOMEM;
	mt_err e =
		collect_scope(h, rep, u, MT_UNIT_SYSTEM, NULL, sys_dirs, MT_ARRAY_LEN(sys_dirs), 0);
	if (e == MT_OK)
		e = collect_scope(h, rep, u, MT_UNIT_USER_GLOBAL, NULL, user_dirs,
		                  MT_ARRAY_LEN(user_dirs), 0);
	/* every account's own units: ~/.config/systemd/user and ~/.local/share/systemd/user
	 * before the global user directories */
	for (size_t i = 0; users && i < users->n && e == MT_OK; i++) {
		const mt_user *a = &users->v[i];
		if (!a->home || a->home[0] != '/')
			continue;
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = users->v[j].home && strcmp(users->v[j].home, a->home) == 0;
		if (seen)
			continue;
		const char *hm = strcmp(a->home, "/") == 0 ? "" : a->home;
		char d0[MT_MAX_PATH], d1[MT_MAX_PATH];
		struct stat st0, st1;
		if (snprintf(d0, sizeof(d0), "%s/.config/systemd/user", hm) >= (int)sizeof(d0) ||
		    snprintf(d1, sizeof(d1), "%s/.local/share/systemd/user", hm) >= (int)sizeof(d1))
			continue;
		int h0 = mt_host_stat(h, d0, 1, &st0) == MT_OK && S_ISDIR(st0.st_mode);
		int h1 = mt_host_stat(h, d1, 1, &st1) == MT_OK && S_ISDIR(st1.st_mode);
		if (!h0 && !h1)
			continue;
		const char *dirs[2 + MT_ARRAY_LEN(user_dirs)];
		size_t nd = 0;
		dirs[nd++] = d0;
		dirs[nd++] = d1;
		for (size_t k = 0; k < MT_ARRAY_LEN(user_dirs); k++)
			dirs[nd++] = user_dirs[k];
		e = collect_scope(h, rep, u, MT_UNIT_USER_HOME, a->name, dirs, nd, 2);
	}
	if (e != MT_OK) {
		mt_units_free(u);
		return e;
	}
	*out = u;
	return MT_OK;
}
