/* acct_common.c - helpers shared by the account, SSH and shell start-up checks */
#include <stdlib.h>
#include <string.h>

#include "acct_common.h"

int acct_window_set(const mt_scan_opts *o)
{
	return o->since != MT_TIME_NONE || o->until != MT_TIME_NONE;
}

int acct_in_window(const mt_scan_opts *o, int64_t t)
{
	if (!acct_window_set(o))
		return 0;
	return (o->since == MT_TIME_NONE || t >= o->since) &&
	       (o->until == MT_TIME_NONE || t <= o->until);
}

int acct_changed_in_window(const mt_scan_opts *o, const struct stat *st)
{
	return st && (acct_in_window(o, (int64_t)st->st_mtime) ||
	              acct_in_window(o, (int64_t)st->st_ctime));
}

unsigned acct_uid_min(mt_host *host)
{
	char *data;
	size_t len;
	int trunc;
	unsigned v = 1000;
	if (mt_host_read_file(host, "/etc/login.defs", 1u << 20, &data, &len, &trunc) != MT_OK)
		return v;
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, "UID_MIN", 7) != 0 || (line[7] != ' ' && line[7] != '\t'))
			continue;
		char *p = line + 7;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, " \t\r#");
		uint64_t u;
		if (n && mt_parse_u64(p, n, 0x7fffffff, &u) == 0 && u > 0)
			v = (unsigned)u;
	}
	free(data);
	return v;
}

int acct_is_system(unsigned uid, unsigned uid_min)
{
	return uid < uid_min || uid >= 65534;
}

int acct_login_shell(const char *shell)
{
	static const char *const no[] = {"nologin", "false", "true", "sync", "shutdown", "halt"};
	if (!shell || !*shell || strcmp(shell, "/dev/null") == 0)
		return 0;
	const char *b = mt_basename(shell);
	for (size_t i = 0; i < MT_ARRAY_LEN(no); i++)
		if (strcmp(b, no[i]) == 0)
			return 0;
	return 1;
}

const char *acct_hash_state(const mt_user *u)
{
	if (!u->has_shadow || !u->hash)
		return "none";
	if (!u->hash[0])
		return "empty";
	if (u->hash[0] == '!' || u->hash[0] == '*' || strlen(u->hash) < 4)
		return "locked";
	return "usable";
}

mt_err acct_file_line(mt_host *host, const char *path, unsigned lineno, char **line, size_t *len)
{
	char *data;
	size_t n;
	int trunc;
	*line = NULL;
	*len = 0;
	mt_err e = mt_host_read_file(host, path, MT_MAX_FILE_READ, &data, &n, &trunc);
	if (e != MT_OK)
		return e;
	const char *p = data, *end = data + n;
	for (unsigned i = 1; p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (i == lineno) {
			*len = (size_t)(le - p);
			*line = mt_strndup(p, *len);
			free(data);
			return *line ? MT_OK : MT_ERR_NOMEM;
		}
		p = nl ? nl + 1 : end;
	}
	free(data);
	return MT_ERR_NOENT;
}

void acct_remedy_remove_line(mt_finding *f, const char *path, unsigned lineno, const char *line,
                             size_t len)
{
	char h[65];
	mt_sha256_hex(line, len, h);
	mt_action *a = mt_finding_action(f, "remove_line");
	mt_action_str(f, a, "path", path);
	mt_action_int(f, a, "lineno", lineno);
	mt_action_str(f, a, "line_sha256", h);
}

void acct_remedy_user(mt_finding *f, const char *action, const char *user)
{
	mt_action *a = mt_finding_action(f, action);
	mt_action_str(f, a, "user", user);
}

void acct_confidence_add(mt_finding *f, unsigned d)
{
	if (f)
		f->confidence = f->confidence + d > 100 ? 100 : f->confidence + d;
}
