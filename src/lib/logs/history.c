/* history.c - shell histories of every account (.bash_history with "#epoch" lines,
 * .zsh_history ": epoch:0;cmd", .ash_history, .sh_history); a history linked to
 * /dev/null or emptied is recorded as such */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../collect/facts.h"
#include "logs.h"

static const char *const hist_names[] = {".bash_history", ".zsh_history", ".ash_history",
                                         ".sh_history", ".history"};

/* ": 1700000000:0;cmd" -> time and the command's offset; 0 when not that form. */
static size_t zsh_stamp(const char *s, size_t n, int64_t *t)
{
	if (n < 4 || s[0] != ':' || s[1] != ' ')
		return 0;
	size_t i = 2;
	uint64_t v = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && i < 14)
		v = v * 10 + (uint64_t)(s[i++] - '0');
	if (i == 2 || i >= n || s[i] != ':')
		return 0;
	const char *semi = memchr(s + i, ';', n - i);
	if (!semi)
		return 0;
	*t = (int64_t)v;
	return (size_t)(semi - s) + 1;
}

static mt_err add_line(mt_logs *l, mt_history *h, unsigned lineno, int64_t t, const char *s,
                       size_t n, size_t *total)
{
	if (*total >= MT_MAX_HIST_LINES) {
		h->skipped++;
		return MT_OK;
	}
	if (h->n % 64 == 0) {
		mt_histline *nl = realloc(h->lines, (h->n + 64) * sizeof(*nl));
		if (!nl)
			return MT_ERR_NOMEM;
		h->lines = nl;
	}
	if (n > MT_MAX_HIST_CMD) /* judged and shown by its start: a miner's command is short */
		n = MT_MAX_HIST_CMD;
	char *c = mt_strndup(s, n);
	if (!c)
		return MT_ERR_NOMEM;
	h->lines[h->n].lineno = lineno;
	h->lines[h->n].time = t;
	h->lines[h->n].cmd = c;
	h->n++;
	(*total)++;
	(void)l;
	return MT_OK;
}

/* Parses a history file's text into h. */
static mt_err parse_history(mt_logs *l, mt_history *h, const char *d, size_t len, size_t *total)
{
	int64_t pending = MT_TIME_NONE;
	unsigned lineno = 0;
	size_t p = 0;
	while (p < len) {
		const char *nl = memchr(d + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - d) : len;
		const char *s = d + p;
		size_t n = e - p;
		p = e + 1;
		lineno++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		if (n > MT_MAX_LINE || memchr(s, '\0', n)) {
			h->skipped++;
			continue;
		}
		if (s[0] == '#' && n >= 2 && n <= 12) { /* bash HISTTIMEFORMAT stamp */
			uint64_t v;
			if (mt_parse_u64(s + 1, n - 1, 99999999999ull, &v) == 0) {
				pending = (int64_t)v;
				continue;
			}
		}
		int64_t t = pending;
		pending = MT_TIME_NONE;
		size_t off = zsh_stamp(s, n, &t);
		mt_err e2 = add_line(l, h, lineno, t, s + off, n - off, total);
		if (e2 != MT_OK)
			return e2;
	}
	return MT_OK;
}

static mt_err add_history(mt_logs *l, mt_history **out)
{
	mt_history *nh = realloc(l->hist, (l->nhist + 1) * sizeof(*nh));
	if (!nh)
		return MT_ERR_NOMEM;
	l->hist = nh;
	*out = &nh[l->nhist++];
	memset(*out, 0, sizeof(**out));
	(*out)->mtime = MT_TIME_NONE;
	return MT_OK;
}

static int seen_home(char **homes, size_t n, const char *h)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(homes[i], h) == 0)
			return 1;
	return 0;
}

/* Whether the file (dev, ino) was read already: one history under several names (hard
 * links, homes such as /x and /x/.) is read once. */
static int seen_file(struct stat *seen, size_t *n, size_t cap, const struct stat *st)
{
	for (size_t i = 0; i < *n; i++)
		if (seen[i].st_dev == st->st_dev && seen[i].st_ino == st->st_ino)
			return 1;
	if (*n < cap)
		seen[(*n)++] = *st;
	return 0;
}

mt_err mt_logs_read_histories(mt_logs *l, mt_host *host, mt_report *rep)
{
	mt_users *users = NULL;
	mt_err e = mt_users_load(host, rep, &users);
	if (e != MT_OK)
		return e;
	size_t total = 0, nh = 0, nseen = 0, seen_cap = MT_MAX_HOMES * MT_ARRAY_LEN(hist_names);
	uint64_t bytes = 0; /* read from all histories, capped by MT_MAX_HIST_TOTAL */
	unsigned dups = 0, unread = 0;
	char **homes = calloc(users->n + 2, sizeof(*homes));
	struct stat *seen = calloc(seen_cap, sizeof(*seen));
	if (!homes || !seen) {
		free(homes);
		free(seen);
		mt_users_free(users);
		return MT_ERR_NOMEM;
	}
	for (size_t i = 0; i < users->n && e == MT_OK && nh < MT_MAX_HOMES; i++) {
		const mt_user *u = &users->v[i];
		if (!u->home || u->home[0] != '/' || strcmp(u->home, "/") == 0 ||
		    seen_home(homes, nh, u->home) || strlen(u->home) > 200)
			continue;
		homes[nh++] = u->home;
		int dfd = -1;
		for (size_t k = 0; k < MT_ARRAY_LEN(hist_names) && e == MT_OK; k++) {
			char path[256];
			snprintf(path, sizeof(path), "%s/%s", u->home, hist_names[k]);
			struct stat lst;
			if (mt_host_stat(host, path, 0, &lst) != MT_OK)
				continue;
			mt_history *h;
			if ((e = add_history(l, &h)) != MT_OK)
				break;
			mt_copy(h->path, sizeof(h->path), path);
			mt_copy(h->user, sizeof(h->user), u->name);
			h->mtime = (int64_t)lst.st_mtime;
			if (S_ISLNK(lst.st_mode)) {
				if (dfd < 0 && mt_host_open_dir(host, u->home, &dfd) != MT_OK)
					dfd = -1;
				ssize_t r = dfd >= 0 ? readlinkat(dfd, hist_names[k], h->target,
				                                  sizeof(h->target) - 1)
				                     : -1;
				h->target[r > 0 ? r : 0] = '\0';
				struct stat st;
				int null = strcmp(h->target, "/dev/null") == 0 ||
				           (mt_host_stat(host, path, 1, &st) == MT_OK &&
				            S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
				h->state = null ? 1 : 3;
				continue;
			}
			if (!S_ISREG(lst.st_mode)) {
				h->state = 3;
				continue;
			}
			if (lst.st_size == 0) {
				h->state = 2;
				continue;
			}
			if (seen_file(seen, &nseen, seen_cap, &lst)) {
				l->nhist--; /* the same file under another name: already read */
				dups++;
				continue;
			}
			if (bytes >= MT_MAX_HIST_TOTAL) {
				unread++;
				continue;
			}
			char *d = NULL;
			size_t len = 0;
			int trunc = 0;
			uint64_t left = MT_MAX_HIST_TOTAL - bytes;
			mt_err re = mt_host_read_file(host, path,
			                              left < MT_MAX_HIST_FILE ? (size_t)left
			                                                      : MT_MAX_HIST_FILE,
			                              &d, &len, &trunc);
			if (re != MT_OK) {
				mt_report_diag(rep, "%s: not read: %s", path, mt_strerror(re));
				if (re == MT_ERR_NOMEM)
					e = re;
				continue;
			}
			bytes += len;
			if (trunc)
				mt_report_diag(rep, "%s: only the first %zu bytes read", path, len);
			e = parse_history(l, h, d, len, &total);
			if (h->skipped)
				mt_report_diag(rep,
				               "%s: %llu lines skipped (binary or over %u bytes)",
				               path, (unsigned long long)h->skipped, MT_MAX_LINE);
			free(d);
		}
		if (dfd >= 0)
			close(dfd);
	}
	if (dups)
		mt_report_diag(rep,
		               "histories: %u file(s) seen again under another name, read once",
		               dups);
	if (unread)
		mt_report_diag(rep,
		               "histories: %u file(s) not read: over %u bytes of history in all",
		               unread, MT_MAX_HIST_TOTAL);
	free(seen);
	free(homes);
	mt_users_free(users);
	return e;
}
