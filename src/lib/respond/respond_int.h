/* respond_int.h - declarations shared inside src/lib/respond/ (not installed) */
#ifndef MT_RESPOND_INT_H
#define MT_RESPOND_INT_H

#include <stdint.h>
#include <sys/stat.h>

#include "internal.h"
#include "minetrace/respond.h"

/* ---- edit.c: line editor --------------------------------------------------- */

/* Finds the line to remove: line lineno (1-based) when its bytes (without "\n", and
 * without a final "\r" if that is what matches) hash to sha_hex; else the only line
 * anywhere that does. Writes the content without that line to *out (caller frees),
 * every other byte untouched, and the line number used to *at. MT_ERR_CHANGED when no
 * line matches, MT_ERR_LIMIT when several others do. */
mt_err mt_edit_remove_line(const char *data, size_t len, unsigned lineno, const char *sha_hex,
                           char **out, size_t *outlen, unsigned *at);

/* ---- fsops.c: the write side of the root ----------------------------------- */

/* Resolves an absolute path of the root for changing it: no "..", ".", empty or
 * over-long component, no symbolic link on the way except the merged-/usr links at
 * the top (/bin -> usr/bin and the like). *dirfd (O_RDONLY|O_DIRECTORY) holds the
 * last component name; canon receives the path with those links replaced. why says
 * why it refused. */
mt_err mt_rs_walk(int rootfd, const char *path, int *dirfd, char *name, size_t namelen, char *canon,
                  size_t canonlen, char *why, size_t whylen);
/* mt_rs_walk that creates the missing directories on the way (restore into a tree whose
 * directory is gone): each made 0700, then given its owner and mode - the last one
 * (holding the name) mode/uid/gid when mode is not 0, every other one 0755 and root
 * (the caller's user when not root). Never through a link: a component that is a link
 * or not a directory is refused as by mt_rs_walk. made receives the directories created
 * ("" when none), space separated. */
typedef struct mt_rs_mk {
	unsigned mode; /* 0: not recorded */
	unsigned uid, gid;
} mt_rs_mk;
mt_err mt_rs_walk_mk(int rootfd, const char *path, const mt_rs_mk *mk, int *dirfd, char *name,
                     size_t namelen, char *canon, size_t canonlen, char *made, size_t madelen,
                     char *why, size_t whylen);
/* 1 for files respond never removes or edits (passwd, shadow, shells, init, libc...). */
int mt_rs_critical(const char *canon);

/* The critical files of a root by identity: the (st_dev, st_ino) of every path
 * mt_rs_critical names, resolved inside the root (links followed inside it), both with
 * and without /usr, of the C library, loader, PAM and libsystemd in the library
 * directories, and of /etc/pam.d and /boot. A bind mount or another name of one of them
 * is the same file. proc marks the programs whose processes are never killed (sshd,
 * systemd, init...). */
typedef struct mt_rs_crit {
	uint64_t dev, ino;
	int proc;
	char path[128];
} mt_rs_crit;
typedef struct mt_rs_critset {
	mt_rs_crit *v;
	size_t n, alloc;
	int full; /* MT_MAX_CRITICAL_IDS reached: some were not recorded */
} mt_rs_critset;
mt_err mt_rs_critset_load(mt_host *host, mt_rs_critset *cs);
/* The critical file with this identity, or NULL. */
const mt_rs_crit *mt_rs_critset_find(const mt_rs_critset *cs, uint64_t dev, uint64_t ino);
/* The same, once a fresh stat of its path (inside host's root) confirms it: an inode
 * freed when respond replaced a file (an edit of /etc/shadow) may be given to the next new
 * file, which is not shadow. A stale entry takes the path's identity of now. */
const mt_rs_crit *mt_rs_critset_check(mt_rs_critset *cs, mt_host *host, uint64_t dev, uint64_t ino);
void mt_rs_critset_free(mt_rs_critset *cs);
/* 1 when a and b name the same critical path (/bin/x and /usr/bin/x are the same). */
int mt_rs_same_name(const char *a, const char *b);
/* Reads a regular file name of dirfd without following a symlink or updating its
 * atime, at most cap bytes (MT_ERR_TOOBIG beyond). */
mt_err mt_rs_read(int dirfd, const char *name, size_t cap, char **data, size_t *len,
                  struct stat *st);
int mt_rs_getflags(int dirfd, const char *name, unsigned *flags); /* 0 ok, -errno */
int mt_rs_setflags(int dirfd, const char *name, unsigned flags);
/* Replaces name in dirfd atomically with data: temp file beside it (O_EXCL), owner
 * and mode of st, times too when keep_times, fsync, rename, fsync of the directory. */
mt_err mt_rs_replace(int dirfd, const char *name, const char *data, size_t len,
                     const struct stat *st, int keep_times, int norepl);
int mt_rs_fsync_dir(int dirfd);
void mt_rs_sha256_hex(const char *data, size_t len, char out[65]);
#define MT_RS_FL_IMMUTABLE 0x00000010u
#define MT_RS_FL_APPEND    0x00000020u

/* ---- quarantine.c ---------------------------------------------------------- */

typedef struct mt_quar {
	int fd; /* the quarantine directory */
	char path[MT_MAX_PATH];
	unsigned seq;
} mt_quar;

/* Opens (creating, mode 0700) the quarantine directory. A default inside the root is
 * created through mt_rs_walk rules (no symlink). */
mt_err mt_quar_open(const char *root, const char *qdir, int create, mt_quar *q);
void mt_quar_close(mt_quar *q);

typedef struct mt_qmeta {
	char id[64];
	char kind[16]; /* file link edit flags */
	char path[MT_MAX_PATH];
	char target[MT_MAX_PATH]; /* link */
	char sha256[65];
	char after[65]; /* edit: the file's sha256 right after the edit (restore checks it) */
	char finding[40];
	char key[40];
	char time[40];
	uint64_t uid, gid, mode, size, flags;
	uint64_t dir_flags; /* the directory's i/a flags before respond cleared them */
	uint64_t dir_uid, dir_gid, dir_mode; /* the directory holding it (dir_mode 0: unknown) */
	int64_t atime, atime_ns, mtime, mtime_ns;
} mt_qmeta;

/* Makes a new entry (directory id) holding content (NULL for link/flags) stored so it
 * cannot run, and meta; every file fsync'ed. m->id is filled in. */
mt_err mt_quar_put(mt_quar *q, mt_qmeta *m, const char *content, size_t len);
mt_err mt_quar_get(mt_quar *q, const char *id, mt_qmeta *m, char **content, size_t *len);
void mt_quar_discard(mt_quar *q, const char *id);
void mt_qmeta_from_stat(mt_qmeta *m, const struct stat *st);

/* ---- journal.c ------------------------------------------------------------- */

typedef struct mt_journal mt_journal;
typedef struct mt_jstate {
	int state; /* 0 none, 1 begun (no done), 2 done */
	char result[16];
	char before[65];
	char after[65];
	char entry[64];
} mt_jstate;

mt_err mt_journal_open(mt_quar *q, mt_journal **out);
void mt_journal_close(mt_journal *j);
void mt_journal_state(const mt_journal *j, const char *key, mt_jstate *st);
/* Appends one record, fsync'ed. Fields may be NULL. */
mt_err mt_journal_begin(mt_journal *j, const char *key, unsigned step, const char *action,
                        const char *path, const char *before, const char *after, const char *entry);
mt_err mt_journal_done(mt_journal *j, const char *key, const char *result, const char *detail,
                       const char *after);

/* ---- kill.c ---------------------------------------------------------------- */

/* Freezes (SIGSTOP, parents first) and then kills (SIGKILL) the tree of pid, its
 * parent alone (not its other children) when ppid/pstart are given, still match and the
 * parent is a shell/interpreter or runs the same file, and the processes running the same
 * file (dev/ino of /proc/PID/exe) with their children.
 * Refuses pid 1, kernel threads, this process and its ancestors. msg says what was
 * done or why not (msg_zh the same in Chinese, may be NULL). Returns MT_STEP_DONE, SKIPPED, REFUSED or FAILED. */
int mt_kill_tree(const char *procdir, int64_t pid, uint64_t start, const char *exe, int64_t ppid,
                 uint64_t pstart, mt_buf *msg, mt_buf *msg_zh);

/* ---- plan.c: the plan's steps --------------------------------------------- */

enum {
	MT_PH_UNMOUNT = 0,
	MT_PH_KILL,
	MT_PH_FLAGS,
	MT_PH_QUARANTINE,
	MT_PH_EDIT,
	MT_PH_UNIT,
	MT_PH_FIREWALL,
	MT_PH_MANUAL,
};

typedef struct mt_pstep {
	mt_step pub;
	int phase;
	size_t seq;
	size_t group; /* edits: seq of the first edit of the same file */
	char *action, *finding, *check, *sev, *title_en, *title_zh, *target, *evidence;
	mt_buf also, detail, detail_zh, entries;
	char *path, *line_sha, *sha256, *exe, *ip, *unit, *flags, *user, *package, *scope;
	char *path_lit; /* the report's path as written when it held \xNN escapes, else NULL */
	/* Windows actions (docs/output.md): registry, service, task, WMI, network, hardening */
	char *hive, *regkey, *value, *name, *consumer, *consumer_class, *filter, *listen, *rule_id,
		*what, *how, *profile, *item;
	int64_t lineno, pid, start, ppid, pstart;
	char key[17]; /* the journal's name for this action */
} mt_pstep;

struct mt_plan {
	mt_pstep **steps;
	size_t n, alloc;
	size_t findings;
};

/* Decodes in place the \xNN escapes (NN 80..ff) the scan writes for bytes of a name
 * that are not UTF-8 (util.c mt_escape_json): back to the raw byte. Returns 1 when
 * something was decoded. */
int mt_rs_unescape_bytes(char *s);
/* Hex of the bytes of s ("" for ""), and back (0 ok, -1 not hex or too long). */
void mt_rs_hex(const char *s, char *out, size_t n);
int mt_rs_unhex(const char *hex, char *out, size_t n);

/* Whether an action is one of a Windows host's (delete_reg_value, disable_service, ...). */
int mt_rs_windows_action(const char *action);

/* ---- notes.c --------------------------------------------------------------- */

/* Appends a detail message to en ("; " between messages) and its Chinese, from a table
 * keyed by fmt, to zh (the English when fmt is not in the table; zh may be NULL). */
void mt_rs_vnote(mt_buf *en, mt_buf *zh, const char *fmt, va_list ap);
void mt_rs_note(mt_buf *en, mt_buf *zh, const char *fmt, ...) MT_PRINTF(3, 4);

/* ---- util ------------------------------------------------------------------ */
void mt_rs_now_iso(char *out, size_t n);

#endif
