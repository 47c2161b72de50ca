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
	const char *path; /* inside the root */
	mt_cron_format format;
	unsigned lineno;
	const char *line; /* the whole raw line, without its newline */
	size_t line_len;
	const char *schedule; /* "@reboot", "7 * * * *", "1 5 cron.daily"; "" for scripts */
	size_t schedule_len;
	const char *user; /* from the user field or the spool file's name; may be NULL */
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
                     mt_cron_format fmt, const char *owner, const struct stat *st, mt_cron_fn fn,
                     void *ctx, unsigned *bad);

/* Finds and parses every cron file of the root (crontab, cron.d, spool crontabs of
 * RHEL and Debian, anacrontab, cron.{hourly,daily,weekly,monthly}, at jobs). Files that
 * cannot be read are recorded as report diagnostics. */
mt_err mt_cron_collect(mt_host *host, mt_report *report, mt_cron_fn fn, void *ctx);

/* ---- processes (live /proc only) ---- */

#ifndef MT_COLLECT_PROC
#define MT_COLLECT_PROC
typedef struct mt_proc {
	int pid, ppid;
	unsigned uid, euid;
	char state; /* R, S, D, Z, ... */
	unsigned threads;
	unsigned long long cpu_ticks;   /* utime + stime of the whole process */
	unsigned long long child_ticks; /* cutime + cstime: its children that were reaped */
	double cpu_pct;                 /* over the sample, 100 = one CPU; -1 when not sampled */
	char cwd[MT_MAX_PATH];          /* "" when unreadable */
	char *ld_preload;               /* LD_PRELOAD of its environment, or NULL; owned */
	char container_id[72];          /* from the cgroup path, "" when none */
	char container_rt[16];          /* docker, containerd, podman, kubernetes, lxc */
	int exe_memfd;                  /* the executable is a memfd: (fileless) */
	int exe_sealed;                 /* a memfd sealed against writes and resizing (F_GET_SEALS),
	                            * as runc and sandboxes keep their own copies */
	unsigned long long netns;       /* inode of its network namespace, 0 when unknown */
	char comm[64];                  /* as the kernel has it (escaped on output) */
	char *cmdline;                  /* arguments joined by single blanks; owned */
	size_t cmdline_len;
	char *argv0;                    /* first argument; owned */
	char exe[MT_MAX_PATH];          /* readlink of /proc/PID/exe, "" for kernel threads */
	int exe_deleted;                /* the link ends in " (deleted)" */
	unsigned long long start_ticks; /* since boot, from stat field 22 */
	int64_t start_time;             /* Unix seconds */
	int kernel_thread;
} mt_proc;

/* Lists the processes of the running system from /proc (raw getdents64). The caller
 * frees the list with mt_procs_free. Processes that vanish while read are skipped. */
mt_err mt_proc_list(mt_proc **out, size_t *n);
void mt_procs_free(mt_proc *v, size_t n);
/* SHA-256 of a process's executable through /proc/PID/exe (works when deleted). */
mt_err mt_proc_exe_sha256(int pid, char out[65]);
/* Container runtime and id from the text of /proc/PID/cgroup; 0 when none found. */
int mt_cgroup_container(const char *cgroup, size_t n, char *id, size_t idlen, char *rt,
                        size_t rtlen);

/* ---- sockets (live /proc/net and /proc/PID/net of every network namespace) ---- */

typedef struct mt_sock {
	char proto[5];              /* tcp, tcp6, udp, udp6 */
	char local[48], remote[48]; /* canonical addresses */
	unsigned lport, rport;
	unsigned state; /* TCP state number: 1 ESTABLISHED, 2 SYN_SENT, 10 LISTEN */
	unsigned long long inode;
	unsigned uid;
	int pid; /* owning process, -1 when no visible process holds it */
	unsigned long long netns;
} mt_sock;

/* Parses the text of a /proc/net/{tcp,tcp6,udp,udp6} file; bad lines are counted. */
mt_err mt_sock_parse(const char *proto, const char *data, size_t len, mt_sock **v, size_t *n,
                     size_t *alloc, unsigned *bad);
const char *mt_tcp_state_name(unsigned state);

/* ---- the live snapshot shared by the live checks ---- */

typedef struct mt_live {
	mt_proc *procs;
	size_t nprocs;
	mt_sock *socks;
	size_t nsocks;
	int sampled;
	double sample_secs;
	double busy_pct;    /* CPU time the kernel counted busy, 100 = one CPU */
	double visible_pct; /* the sum over the processes listed in /proc */
	unsigned ncpu;
	unsigned bad_lines;
} mt_live;

/* Takes the snapshot: processes (with CPU over sample_ms when it is not 0) and sockets
 * mapped to their processes. */
mt_err mt_live_load(unsigned sample_ms, mt_live **out);
void mt_live_free(mt_live *l);
const mt_proc *mt_live_proc(const mt_live *l, int pid);
/* The snapshot of the scan (taken once, on first use); NULL when /proc is unreadable. */
const mt_live *mt_ctx_live(mt_ctx *ctx);
/* "1 systemd > 812 sshd > 4242 bash" and "4243 xmrig, 4250 sh" for a process. */
mt_err mt_live_tree(const mt_live *l, int pid, mt_buf *ancestors, mt_buf *descendants);
/* The sockets of pid, as "tcp 10.0.0.5:41234 -> 1.2.3.4:3333 ESTABLISHED; ...". */
mt_err mt_live_sockets(const mt_live *l, int pid, mt_buf *out, size_t *count);
#endif

#endif
