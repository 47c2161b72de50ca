/* systemd.h - collector for systemd units: unit files, drop-ins, enablement links,
 * masks and timers of the system and user scopes, parsed into one merged view per unit */
#ifndef MT_SYSTEMD_H
#define MT_SYSTEMD_H

#include "../internal.h"

struct mt_users;

typedef enum mt_unit_scope {
	MT_UNIT_SYSTEM = 0,      /* /etc/systemd/system, /run/..., /lib/..., /usr/lib/... */
	MT_UNIT_USER_GLOBAL = 1, /* /etc/systemd/user, /usr/lib/systemd/user, ... */
	MT_UNIT_USER_HOME = 2,   /* one account's ~/.config/systemd/user */
} mt_unit_scope;

/* One command of an Exec*= setting after merging, as systemd would run it. */
typedef struct mt_unit_exec {
	const char *key; /* "ExecStart", "ExecStartPre", ... (static) */
	char *command;   /* the value without the prefixes - @ : + ! !! | */
	char *line;      /* the logical line as written, continuations joined by a blank */
	char *path;      /* the file it was read from (the unit file or a drop-in) */
	unsigned lineno; /* first physical line of the setting in that file */
	int dropin;      /* 1 when path is a drop-in */
} mt_unit_exec;

typedef struct mt_unit {
	char *name; /* "bot.service"; for type-wide drop-ins "service" */
	mt_unit_scope scope;
	char *user;             /* MT_UNIT_USER_HOME: the account; NULL otherwise */
	char *path;             /* unit file as found in a search directory; NULL: drop-ins only */
	char *real_path;        /* what path resolves to when it is a symlink, else = path */
	int masked;             /* the highest-priority file is a symlink to /dev/null */
	int enabled;            /* a *.wants/, *.requires/ or *.upholds/ link names it */
	char *enabled_by;       /* the first such link, NULL when none */
	char *restart;          /* Restart= (last value), NULL when unset */
	char *exec_user;        /* User= of [Service] */
	char *trigger;          /* timers and path units: Unit= (NULL: the same-name .service) */
	char *schedule;         /* timers: "OnCalendar=...; OnBootSec=..." as written */
	char *triggered_by;     /* services: the timer or path unit that starts it */
	char *trigger_schedule; /* the schedule of that timer */
	int trigger_enabled;    /* that timer or path unit is enabled */
	char *dropins[MT_MAX_UNIT_DROPINS]; /* drop-in files applied, in order */
	size_t ndropins;
	mt_unit_exec *exec;
	size_t nexec, aexec;
	struct stat st; /* of the unit file (zeroed when none) */
	unsigned bad;   /* lines that were not valid settings (or over a limit) */
	unsigned cut;   /* logical lines cut at MT_MAX_LINE */
} mt_unit;

/* Applies one unit file or drop-in (data, len bytes; need not be NUL-terminated) to u,
 * the way systemd merges them: sections, key=value, comments (# and ;), a trailing
 * backslash continues the line (comment lines inside are skipped), a later value
 * overrides an earlier one, Exec*= values add to their list and an empty one resets it.
 * path is kept (copied) in the Exec entries. Lines that are not settings are counted in
 * u->bad. Returns MT_ERR_NOMEM only; u keeps what was parsed so far. */
mt_err mt_unit_parse(mt_unit *u, const char *path, const char *data, size_t len, int dropin);
/* Frees what u owns (not u itself) and zeroes it. */
void mt_unit_clear(mt_unit *u);

typedef struct mt_units {
	mt_unit *v;
	size_t n, alloc;
} mt_units;

/* Finds every unit of the root: the system search path, the global user directories
 * and the ~/.config/systemd/user of every account of users (may be NULL). Only .service,
 * .socket, .timer and .path units are parsed (the ones that run or start commands);
 * enablement links are looked for in every *.wants, *.requires and *.upholds directory.
 * Units of a home directory are kept only when something of them (file or drop-in) is
 * in that home. Unreadable files are report diagnostics. The caller frees *out with
 * mt_units_free. */
mt_err mt_units_collect(mt_host *host, mt_report *report, const struct mt_users *users,
                        mt_units **out);
void mt_units_free(mt_units *u); /* accepts NULL */

/* The unit of scope (and user, for home units) named name; NULL when absent. */
const mt_unit *mt_units_find(const mt_units *u, mt_unit_scope scope, const char *user,
                             const char *name);

/* Reads the target of a symlink inside the root (without following it). out gets the
 * target as stored, NUL-terminated. MT_ERR_INVAL when path is not a symlink. */
mt_err mt_host_readlink_in(mt_host *host, const char *path, char *out, size_t outlen);

/* The target of link path made absolute inside the root (a relative target is taken
 * from the link's directory; "." and ".." are folded). 0 on success. */
int mt_link_target_abs(const char *linkpath, const char *target, char *out, size_t n);

#endif
