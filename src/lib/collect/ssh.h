/* ssh.h - collector for SSH: authorized_keys entries and the sshd_config settings that
 * decide which key files sshd reads and who may log in how */
#ifndef MT_COLLECT_SSH_H
#define MT_COLLECT_SSH_H

#include "../internal.h"
#include "facts.h"

/* ---- authorized_keys lines ---- */

/* One parsed authorized_keys line. Every pointer points into the caller's line (not
 * NUL-terminated: use the lengths); nothing is owned. */
typedef struct mt_authkey {
	const char *options; /* the whole option list as written, or NULL */
	size_t options_len;
	const char *type; /* "ssh-ed25519", "sk-ssh-ed25519@openssh.com", ... */
	size_t type_len;
	const char *body; /* the base64 key blob */
	size_t body_len;
	const char *comment; /* the rest of the line after the body, or NULL */
	size_t comment_len;
	unsigned noptions; /* options found (at most MT_MAX_SSH_OPTIONS kept) */
	struct {
		const char *name; /* "command", "from", "no-pty", ... */
		size_t name_len;
		const char *value; /* inside the quotes (escapes \" kept as written), or NULL */
		size_t value_len;
	} opt[MT_MAX_SSH_OPTIONS];
} mt_authkey;

typedef enum mt_authkey_status {
	MT_AUTHKEY_OK = 0,   /* a key was parsed */
	MT_AUTHKEY_SKIP = 1, /* blank line or comment */
	MT_AUTHKEY_BAD = 2,  /* neither: sshd ignores it */
} mt_authkey_status;

/* Parses one line (without its newline) the way sshd does: a known key type first, or
 * an option list (comma-separated, double quotes may hold commas and blanks) and then
 * the key type, the base64 body, and an optional comment. */
mt_authkey_status mt_authkey_parse(const char *line, size_t n, mt_authkey *out);

/* The value of option name (case-insensitive) in *val; 1 when present (a flag option
 * gives a NULL value), 0 when absent. */
int mt_authkey_option(const mt_authkey *k, const char *name, const char **val, size_t *val_len);

/* Whether type names a key type sshd knows (plain, sk-* and certificate types). */
int mt_ssh_key_type_known(const char *type, size_t n);

/* "SHA256:" and the unpadded base64 of the SHA-256 of the decoded blob, as ssh-keygen -l
 * prints it. Returns 0, or -1 when body is not valid base64. out must hold 64 bytes.
 * When blob_type is not NULL it receives the type name written inside the blob (at
 * most 63 bytes, "" when the blob is too short to hold one). */
int mt_ssh_fingerprint(const char *body, size_t n, char out[64], char blob_type[64]);

/* ---- sshd_config ---- */

#define MT_SSHD_MAX_AKF 16

typedef struct mt_sshd_setting {
	char *value; /* first value sshd obtains (owned), NULL when not set */
	char *path;  /* file that set it (owned) */
	unsigned lineno;
} mt_sshd_setting;

typedef struct mt_sshd_config {
	int found;                         /* etc/ssh/sshd_config exists */
	mt_sshd_setting permit_root_login; /* "yes", "prohibit-password", ... */
	mt_sshd_setting password_auth;
	mt_sshd_setting permit_empty;
	mt_sshd_setting pubkey_auth;
	mt_sshd_setting akf_line;   /* the AuthorizedKeysFile line as a whole */
	char *akf[MT_SSHD_MAX_AKF]; /* its file patterns (owned); the default when
	                                       not set: .ssh/authorized_keys and
	                                       .ssh/authorized_keys2 */
	size_t nakf;
	unsigned files; /* config files read (main and includes) */
	unsigned bad;   /* lines that could not be understood */
	int in_match;   /* parser state: inside a Match block */
} mt_sshd_config;

/* Called by the parser for every Include argument (glob patterns allowed), relative
 * patterns being relative to etc/ssh as sshd does. */
typedef void (*mt_sshd_include_fn)(void *ctx, const char *pattern, mt_sshd_config *c,
                                   unsigned depth);

/* Parses one sshd_config text into c: keywords are case-insensitive, "Keyword=value"
 * and quoted arguments are accepted, the first value obtained wins, and settings
 * inside Match blocks are not taken as global. inc may be NULL (Include then ignored). */
void mt_sshd_config_parse(mt_sshd_config *c, const char *path, const char *data, size_t len,
                          mt_sshd_include_fn inc, void *ctx, unsigned depth);

/* Reads etc/ssh/sshd_config of the root and the files it includes (sshd_config.d/ *.conf
 * on Debian), at most 8 levels deep. A missing file leaves c->found 0 and the defaults.
 * Always returns a usable c; free it with mt_sshd_config_free. */
mt_err mt_sshd_config_load(mt_host *host, mt_report *rep, mt_sshd_config *c);
void mt_sshd_config_free(mt_sshd_config *c);

/* The AuthorizedKeysFile patterns to use (the configured ones or the default). */
size_t mt_sshd_akf(const mt_sshd_config *c, const char *const **out);

/* Expands one AuthorizedKeysFile pattern for an account: %h home, %u name, %U uid, %%
 * a '%'; a relative result is taken relative to the home. Returns 0, or -1 when the
 * result does not fit, uses an unknown token or is "none". */
int mt_sshd_expand_akf(const char *pattern, const char *user, unsigned uid, const char *home,
                       char *out, size_t outlen);

/* ---- key files of every account ---- */

typedef struct mt_authkey_entry {
	const char *path;      /* the file, inside the root */
	const mt_user *user;   /* the account whose pattern gave the file */
	const struct stat *st; /* of the file (followed) */
	int symlink;           /* the path itself is a symbolic link */
	unsigned lineno;
	const char *line; /* the whole raw line without its newline */
	size_t line_len;
	const mt_authkey *key;
	const char *fingerprint; /* "SHA256:..." or "" when the body is not base64 */
	const char *blob_type;   /* the type named inside the blob, "" when unknown */
} mt_authkey_entry;

typedef int (*mt_authkey_fn)(void *ctx, const mt_authkey_entry *e);

/* Reads the authorized_keys files of every account with a home directory, per the
 * AuthorizedKeysFile patterns of cfg; each file once even when several accounts share
 * it. Calls fn for every key; stops when fn returns non-zero. Unreadable files and
 * lines that are not keys are recorded as report diagnostics. */
mt_err mt_authkeys_collect(mt_host *host, mt_report *rep, const mt_users *users,
                           const mt_sshd_config *cfg, mt_authkey_fn fn, void *ctx);

#endif
