/* collect.h - collectors: each parses one kind of artifact into typed facts, no judgement */
#ifndef MT_COLLECT_H
#define MT_COLLECT_H

#include "../internal.h"

/* ---- cron ---- */

typedef enum mt_cron_format {
	MT_CRON_SYSTEM = 0,  /* /etc/crontab, /etc/cron.d: schedule, user, command */
	MT_CRON_USER = 1,    /* spool crontabs: schedule, command; the user is the file's */
	MT_CRON_ANACRON = 2, /* anacrontab: period, delay, job id, command */
	MT_CRON_SCRIPT = 3,  /* cron.daily scripts and at jobs: every line is a command */
} mt_cron_format;

typedef struct mt_cron_entry {
	const char *path;      /* inside the root */
	mt_cron_format format;
	unsigned lineno;
	const char *line;      /* the whole raw line, without its newline */
	size_t line_len;
	const char *schedule;  /* "@reboot", "7 * * * *", "1 5 cron.daily"; "" for scripts */
	size_t schedule_len;
	const char *user;      /* from the user field or the spool file's name; may be NULL */
	size_t user_len;
	const char *command;
	size_t command_len;
	const struct stat *st; /* of the file */
} mt_cron_entry;

typedef int (*mt_cron_fn)(void *ctx, const mt_cron_entry *e);

/* Parses one cron file. Lines that are not valid entries are counted in *bad (they may
 * be an attacker's tampering too, but cron would ignore them). Environment lines are
 * skipped. Calls fn for each entry; stops early when fn returns non-zero. */
mt_err mt_cron_parse(const char *path, const char *data, size_t len, mt_cron_format fmt,
                     const char *owner, const struct stat *st, mt_cron_fn fn, void *ctx,
                     unsigned *bad);

/* The same on a piece of a file whose first line is line lineno+1; returns non-zero
 * when fn asked to stop. */
int mt_cron_parse_at(const char *path, const char *data, size_t len, unsigned lineno,
                     mt_cron_format fmt, const char *owner, const struct stat *st,
                     mt_cron_fn fn, void *ctx, unsigned *bad);

/* Finds and parses every cron file of the root (crontab, cron.d, spool crontabs of
 * RHEL and Debian, anacrontab, cron.{hourly,daily,weekly,monthly}, at jobs). Files that
 * cannot be read are recorded as report diagnostics. */
mt_err mt_cron_collect(mt_host *host, mt_report *report, mt_cron_fn fn, void *ctx);


/* ---- processes (live /proc only) ---- */

#ifndef MT_COLLECT_PROC
#define MT_COLLECT_PROC
typedef struct mt_proc {
	int pid, ppid;
	unsigned uid;
	char comm[64];             /* as the kernel has it (escaped on output) */
	char *cmdline;             /* arguments joined by single blanks; owned */
	size_t cmdline_len;
	char *argv0;               /* first argument; owned */
	char exe[MT_MAX_PATH];     /* readlink of /proc/PID/exe, "" for kernel threads */
	int exe_deleted;           /* the link ends in " (deleted)" */
	unsigned long long start_ticks; /* since boot, from stat field 22 */
	int64_t start_time;        /* Unix seconds */
	int kernel_thread;
} mt_proc;

/* Lists the processes of the running system from /proc (raw getdents64). The caller
 * frees the list with mt_procs_free. Processes that vanish while read are skipped. */
mt_err mt_proc_list(mt_proc **out, size_t *n);
void mt_procs_free(mt_proc *v, size_t n);
/* SHA-256 of a process's executable through /proc/PID/exe (works when deleted). */
mt_err mt_proc_exe_sha256(int pid, char out[65]);
#endif

#endif
