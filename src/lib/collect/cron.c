/* cron.c - collector for cron, anacron and at jobs: files found, entries parsed */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Moves past one blank-separated field; returns its length. */
static size_t field(const char **p, const char *end, const char **start)
{
	while (*p < end && is_blank(**p))
		(*p)++;
	*start = *p;
	while (*p < end && !is_blank(**p))
		(*p)++;
	return (size_t)(*p - *start);
}

static int valid_time_field(const char *s, size_t n)
{
	if (n == 0 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || c == '*' || c == '/' || c == ',' || c == '-' ||
		      c == '~' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

static const char *const specials[] = {"@reboot", "@yearly", "@annually", "@monthly",
                                       "@weekly", "@daily",  "@midnight", "@hourly"};

/* An environment line: NAME=value with the name a shell identifier. */
static int is_env_line(const char *s, const char *end)
{
	const char *p = s;
	while (p < end &&
	       (p == s ? (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
	               : (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	                  (*p >= '0' && *p <= '9'))))
		p++;
	while (p < end && is_blank(*p))
		p++;
	return p > s && p < end && *p == '=';
}

mt_err mt_cron_parse(const char *path, const char *data, size_t len, mt_cron_format fmt,
                     const char *owner, const struct stat *st, mt_cron_fn fn, void *ctx,
                     unsigned *bad)
{
	mt_cron_parse_at(path, data, len, 0, fmt, owner, st, fn, ctx, bad);
	return MT_OK;
}

int mt_cron_parse_at(const char *path, const char *data, size_t len, unsigned lineno,
                     mt_cron_format fmt, const char *owner, const struct stat *st, mt_cron_fn fn,
                     void *ctx, unsigned *bad)
{
	const char *s = data, *end = data + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		lineno++;
		mt_cron_entry e;
		memset(&e, 0, sizeof(e));
		e.path = path;
		e.format = fmt;
		e.lineno = lineno;
		e.line = s;
		e.line_len = (size_t)(le - s);
		if (e.line_len && s[e.line_len - 1] == '\r')
			e.line_len--;
		e.st = st;
		const char *p = s, *lend = s + e.line_len;
		s = nl ? nl + 1 : end;
		while (p < lend && is_blank(*p))
			p++;
		if (p == lend || *p == '#')
			continue;
		if (e.line_len > MT_MAX_LINE) {
			(*bad)++;
			continue;
		}
		if (fmt == MT_CRON_SCRIPT) {
			e.schedule = "";
			e.command = p;
			e.command_len = (size_t)(lend - p);
		} else {
			if (is_env_line(p, lend))
				continue;
			const char *f;
			size_t fl;
			const char *sched = p;
			if (*p == '@' && fmt != MT_CRON_ANACRON) {
				fl = field(&p, lend, &f);
				int ok = 0;
				for (size_t i = 0; i < MT_ARRAY_LEN(specials); i++)
					if (strlen(specials[i]) == fl &&
					    strncmp(f, specials[i], fl) == 0)
						ok = 1;
				if (!ok) {
					(*bad)++;
					continue;
				}
			} else {
				/* five time fields for cron; period, delay and job id for anacron */
				int nf = fmt == MT_CRON_ANACRON ? 3 : 5, ok = 1;
				for (int i = 0; i < nf && ok; i++) {
					fl = field(&p, lend, &f);
					if (fmt == MT_CRON_ANACRON && i == 2)
						ok = fl > 0;
					else if (fmt == MT_CRON_ANACRON && i == 0)
						ok = fl > 0 &&
						     (valid_time_field(f, fl) || f[0] == '@');
					else
						ok = valid_time_field(f, fl);
				}
				if (!ok) {
					(*bad)++;
					continue;
				}
			}
			e.schedule = sched;
			e.schedule_len = (size_t)(p - sched);
			if (fmt == MT_CRON_SYSTEM) {
				fl = field(&p, lend, &f);
				if (fl == 0) {
					(*bad)++;
					continue;
				}
				e.user = f;
				e.user_len = fl;
			} else if (owner) {
				e.user = owner;
				e.user_len = strlen(owner);
			}
			while (p < lend && is_blank(*p))
				p++;
			if (p == lend) {
				(*bad)++;
				continue;
			}
			e.command = p;
			e.command_len = (size_t)(lend - p);
		}
		if (fn(ctx, &e))
			return 1;
	}
	return 0;
}

/* Reads a cron file in chunks, so that a file padded past any cap still has all its
 * lines judged (cron reads the whole file too). Only lines longer than the chunk are
 * dropped, and counted. */
#define CRON_CHUNK (1u << 20)
static void parse_file(mt_host *h, mt_report *rep, const char *path, mt_cron_format fmt,
                       const char *owner, mt_cron_fn fn, void *ctx, int must_exist)
{
	int fd;
	struct stat st;
	mt_err e = mt_host_open_file(h, path, &fd, &st);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT || must_exist)
			mt_report_diag(rep, "%s: %s", path, mt_strerror(e));
		return;
	}
	char *buf = malloc(CRON_CHUNK);
	if (!buf) {
		close(fd);
		mt_report_diag(rep, "%s: %s", path, mt_strerror(MT_ERR_NOMEM));
		return;
	}
	size_t have = 0;
	unsigned long long total = 0;
	unsigned lineno = 0, bad = 0;
	int eof = 0, skipping = 0, stop = 0;
	while (!stop && !(eof && have == 0)) {
		if (!eof) {
			ssize_t r = read(fd, buf + have, CRON_CHUNK - have);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				mt_report_diag(rep, "%s: %s", path,
				               mt_strerror(mt_errno_to_err(errno)));
				break;
			}
			eof = r == 0;
			have += (size_t)r;
			total += (unsigned long long)r;
			if (total > MT_MAX_TEXT_FILE) {
				mt_report_diag(rep, "%s: only the first %llu bytes were read", path,
				               (unsigned long long)MT_MAX_TEXT_FILE);
				eof = 1;
			}
		}
		if (skipping) {
			/* the rest of a line longer than a chunk */
			char *nl = memchr(buf, '\n', have);
			if (!nl) {
				have = 0;
				continue;
			}
			size_t drop = (size_t)(nl - buf) + 1;
			memmove(buf, buf + drop, have - drop);
			have -= drop;
			lineno++;
			skipping = 0;
		}
		char *last = have ? memrchr(buf, '\n', have) : NULL;
		size_t upto = last ? (size_t)(last - buf) + 1 : (eof ? have : 0);
		if (upto == 0) {
			if (have == CRON_CHUNK) {
				bad++;
				skipping = 1;
				have = 0;
			}
			continue;
		}
		stop = mt_cron_parse_at(path, buf, upto, lineno, fmt, owner, &st, fn, ctx, &bad);
		for (size_t i = 0; i < upto; i++)
			lineno += buf[i] == '\n';
		memmove(buf, buf + upto, have - upto);
		have -= upto;
	}
	free(buf);
	close(fd);
	if (bad)
		mt_report_diag(rep, "%s: %u line(s) are not valid cron entries", path, bad);
}

static void parse_dir(mt_host *h, mt_report *rep, const char *dir, mt_cron_format fmt,
                      int owner_is_name, mt_cron_fn fn, void *ctx)
{
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_host_list(h, dir, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		if (e != MT_ERR_NOENT)
			mt_report_diag(rep, "%s: %s", dir, mt_strerror(e));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char path[MT_MAX_PATH];
		struct stat st;
		if (snprintf(path, sizeof(path), "%s/%s", dir, ents[i].name) >= (int)sizeof(path))
			continue;
		/* directories inside (the crontabs/ of Debian under cron/) are not crontabs */
		mt_err se = mt_host_stat(h, path, 1, &st);
		if (se != MT_OK) {
			/* a dangling, looping or root-escaping symlink: say so, read nothing */
			mt_report_diag(rep, "%s: %s", path,
			               se == MT_ERR_NOENT
			                       ? "symbolic link to nothing inside the root"
			                       : mt_strerror(se));
			continue;
		}
		if (S_ISDIR(st.st_mode))
			continue;
		parse_file(h, rep, path, fmt, owner_is_name ? ents[i].name : NULL, fn, ctx, 1);
	}
	mt_dirents_free(ents, n);
}

mt_err mt_cron_collect(mt_host *h, mt_report *rep, mt_cron_fn fn, void *ctx)
{
	static const char *const script_dirs[] = {"/etc/cron.hourly",       "/etc/cron.daily",
	                                          "/etc/cron.weekly",       "/etc/cron.monthly",
	                                          "/var/spool/cron/atjobs", "/var/spool/at"};
	parse_file(h, rep, "/etc/crontab", MT_CRON_SYSTEM, NULL, fn, ctx, 0);
	parse_dir(h, rep, "/etc/cron.d", MT_CRON_SYSTEM, 0, fn, ctx);
	parse_dir(h, rep, "/var/spool/cron", MT_CRON_USER, 1, fn, ctx);
	parse_dir(h, rep, "/var/spool/cron/crontabs", MT_CRON_USER, 1, fn, ctx);
	parse_dir(h, rep, "/var/spool/cron/tabs", MT_CRON_USER, 1, fn, ctx); /* SUSE */
	parse_file(h, rep, "/etc/anacrontab", MT_CRON_ANACRON, NULL, fn, ctx, 0);
	for (size_t i = 0; i < MT_ARRAY_LEN(script_dirs); i++)
		parse_dir(h, rep, script_dirs[i], MT_CRON_SCRIPT, 0, fn, ctx);
	return MT_OK;
}
