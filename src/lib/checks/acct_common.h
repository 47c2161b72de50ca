/* acct_common.h - helpers shared by the account, SSH and shell start-up checks
 * (account_*.c, persist_ssh_key.c, persist_shell_rc.c, hardening_sshd.c) */
#ifndef MT_ACCT_COMMON_H
#define MT_ACCT_COMMON_H

#include <sys/stat.h>

#include "../collect/facts.h"
#include "../internal.h"

/* Whether --since/--until was given, and whether t falls inside it. */
int acct_window_set(const mt_scan_opts *o);
int acct_in_window(const mt_scan_opts *o, int64_t t);
/* Whether a file's mtime or ctime falls inside the window (0 without a window). */
int acct_changed_in_window(const mt_scan_opts *o, const struct stat *st);

/* UID_MIN of etc/login.defs of the root, 1000 when absent or unreadable. */
unsigned acct_uid_min(mt_host *host);
/* A system account: below UID_MIN, or nobody/nfsnobody (65534 and above). */
int acct_is_system(unsigned uid, unsigned uid_min);

/* A shell that gives an interactive login: not empty, not nologin, false, true, sync,
 * shutdown, halt or /dev/null. */
int acct_login_shell(const char *shell);

/* The state of a shadow password field: "usable", "empty", "locked" ('!' or '*'
 * first), or "none" (no shadow entry). */
const char *acct_hash_state(const mt_user *u);

/* Line lineno (1-based) of a file of the root, without its newline; *line is the
 * caller's (free). MT_ERR_NOENT when the file has fewer lines. */
mt_err acct_file_line(mt_host *host, const char *path, unsigned lineno, char **line, size_t *len);

/* Adds a remove_line {path, lineno, line_sha256} remedy for the exact line. */
void acct_remedy_remove_line(mt_finding *f, const char *path, unsigned lineno, const char *line,
                             size_t len);
/* Adds a remedy action with one "user" parameter (lock_account, change_password). */
void acct_remedy_user(mt_finding *f, const char *action, const char *user);

/* Raises the confidence of f by d (at most 100). */
void acct_confidence_add(mt_finding *f, unsigned d);

#endif
