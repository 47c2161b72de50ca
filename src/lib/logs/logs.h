/* logs.h - the log layer (src/lib/logs/): login and account evidence of a root, auth logs
 * (secure*, auth.log*, .gz), the journal, wtmp/btmp/utmp/lastlog, Windows event logs and
 * shell histories, parsed into events (no judgement). Loaded once per scan through the
 * context (mt_ctx_logs). The one header of the layer the rest of the library includes;
 * journal_file.h and evtx.h (the readers of the journal's and EVTX files) and winlogs.h
 * (a record seam) are for the layer itself and its tests. */
#ifndef MT_LOGS_H
#define MT_LOGS_H

#include "../internal.h"

typedef enum mt_logev_kind {
	MT_LE_ACCEPTED = 0,  /* sshd: Accepted password|publickey|... for USER from IP */
	MT_LE_FAILED,        /* sshd: Failed password for [invalid user] USER from IP */
	MT_LE_INVALID_USER,  /* sshd: Invalid user USER from IP */
	MT_LE_AUTHFAIL,      /* pam: authentication failure; ... rhost=IP user=USER */
	MT_LE_PREAUTH_CLOSE, /* sshd: Connection closed / Disconnected ... [preauth] */
	MT_LE_DISCONNECT,    /* sshd: Disconnected from user USER IP (after a session) */
	MT_LE_SU,            /* su: session or switch to another user */
	MT_LE_SUDO,          /* sudo: USER : ... COMMAND=... */
	MT_LE_USERADD,       /* useradd/groupadd: new user or group */
	MT_LE_USERMOD,       /* usermod/userdel/gpasswd: account changed */
	MT_LE_PASSWD,        /* passwd/chpasswd: password changed */
	MT_LE_LOGIN,         /* wtmp: a login session (USER_PROCESS) */
	MT_LE_BOOT,          /* wtmp: system boot */
	MT_LE_BTMP,          /* btmp: a failed login */
	MT_LE_LASTLOG,       /* lastlog: the last login of a user */
	MT_LE_SESSION,       /* sshd: pam_unix(sshd:session): session opened (marks the
	                       * Accepted line of the same pid as backed; not stored) */
	MT_LE_SERVICE,       /* Windows: a service installed (7045, 4697); detail name: path;
	                       * or its start type changed (method "event 7040", detail
	                       * MT_LOG_SEP fields: service, display name, old, new) */
	MT_LE_TASK,          /* Windows: a scheduled task registered (4698, 106); or an action
	                       * of one started (method "event 200", fields: task, action) */
	MT_LE_LOG_CLEARED,   /* Windows: an event log cleared (1102, 104) */
	/* Windows events whose detail is MT_LOG_SEP-separated fields, in this order: */
	MT_LE_EXPLICIT_LOGON, /* 4648: user the target account, ip the network address;
	                        * fields subject, target server, process */
	MT_LE_SCRIPT,         /* PowerShell 4104 judged medium or worse: fields severity,
	                        * reasons, script path, user SID, the first MT_LOG_SCRIPT
	                        * bytes of the block */
	MT_LE_PROCESS,        /* Sysmon 1 judged or run from a drop place: fields image,
	                        * parent image, why, command line; pid the new process */
	MT_LE_NETCONN,        /* Sysmon 3 to a pool (rules): fields image, destination
	                        * address, port, host name, why */
	MT_LE_FILE_CREATE,    /* Sysmon 11, a program or script in a drop place: fields image,
	                        * file, place */
	MT_LE_REG_SET,        /* Sysmon 13 in an autostart key: fields image, key, value */
	MT_LE_COUNT
} mt_logev_kind;

/* "ssh_accepted", "ssh_failed", ...: static names used in output. */
const char *mt_logev_kind_name(mt_logev_kind k);

#define MT_LOG_USER        33
#define MT_LOG_IP          48
#define MT_LOG_DETAIL      160
/* The detail of the Windows events that carry a command line or a script (MT_LE_SCRIPT,
 * MT_LE_PROCESS, ...); of it at most MT_LOG_SCRIPT bytes of a script block. */
#define MT_LOG_DETAIL_LONG 640
#define MT_LOG_SCRIPT      300
/* Separates the fields of the detail of the Windows kinds that have several (a field
 * never holds it: the reader replaces it by a blank). */
#define MT_LOG_SEP         '\x1f'

/* One event. Small on purpose: a log holds a million of them. */
typedef struct mt_logev {
	int64_t time;         /* Unix seconds */
	uint8_t kind;         /* mt_logev_kind */
	uint8_t invalid_user; /* Failed ... for invalid user */
	uint8_t backed;       /* Accepted: a PAM session of the same pid followed */
	uint16_t port;
	uint32_t count;  /* "message repeated N times" gives N; else 1 */
	uint32_t pid;    /* prog[pid] of a text line, 0 when none */
	uint32_t file;   /* index into mt_logs.files */
	uint32_t lineno; /* line (or record) in that file; 0 for the journal */
	char user[MT_LOG_USER];
	char ip[MT_LOG_IP]; /* canonical source address, "" when none */
	char method[24];    /* password, publickey, keyboard-interactive, ... */
	/* key fingerprint, sudo command, su target, new user: at most MT_LOG_DETAIL - 1
	 * bytes (MT_LOG_DETAIL_LONG - 1 for the Windows kinds that say so), "" when none.
	 * In the store a string of the store (the same text kept once); from a parser
	 * valid until the next parse on the same thread. */
	const char *detail;
} mt_logev;

/* Sets ev->detail to [s, s+n) (cut to MT_LOG_DETAIL - 1) in the parser's buffer. */
void mt_logev_set_detail(mt_logev *ev, const char *s, size_t n);
/* The same cut to MT_LOG_DETAIL_LONG - 1 (the Windows kinds with a command line). */
void mt_logev_set_detail_long(mt_logev *ev, const char *s, size_t n);

/* One parsed line: parse_line fills ev and returns MT_AL_EVENT, MT_AL_OTHER for a valid
 * line that carries nothing of interest, MT_AL_BAD for a line that is not a log line. */
#define MT_AL_EVENT 1
#define MT_AL_OTHER 0
#define MT_AL_BAD   (-1)

/* Parses one syslog line (no newline) of an auth log: classic "Jan 24 08:10:27 host
 * prog[pid]: msg" (the year inferred: the latest year that does not put the line more
 * than a day after ref, the file's mtime; local time by the process's TZ) or RFC 3339
 * "2024-01-24T08:10:27.123456+08:00 host prog[pid]: msg". Never reads past n. */
int mt_authlog_parse_line(const char *line, size_t n, int64_t ref, mt_logev *ev);
/* Parses the message of program prog (sshd, su, sudo, useradd, ...) into ev (time not
 * touched). Same results as parse_line. The journal uses it too. */
int mt_authlog_parse_msg(const char *prog, size_t plen, const char *msg, size_t mlen, mt_logev *ev);

/* glibc struct utmp on Linux (x86_64, aarch64 and the other 64-bit ABIs): 384 bytes. */
#define MT_UTMP_SIZE    384
#define MT_LASTLOG_SIZE 292
/* Decodes one 384-byte record through a bounded reader. Returns MT_AL_EVENT with kind
 * LOGIN, BOOT or BTMP (btmp=1 reads failures), MT_AL_OTHER for records of no interest,
 * MT_AL_BAD for a malformed record; *zeroed is set for a record of only NUL bytes (what
 * log cleaners leave behind). */
int mt_utmp_parse_record(const unsigned char *p, size_t n, int btmp, mt_logev *ev, int *zeroed);

/* Per file read. */
typedef struct mt_logfile {
	char path[256];
	int64_t mtime;
	uint64_t size;  /* on disk */
	uint64_t lines; /* lines or records read */
	uint64_t events;
	uint64_t skipped;     /* lines or records that could not be read */
	uint64_t zeroed;      /* utmp records of only NUL bytes */
	uint64_t after_mtime; /* lines dated after the file's mtime (set back?) */
	int64_t first, last;  /* times of the first and last line, MT_TIME_NONE if none */
	int64_t max_back;     /* the largest step back in time between lines (seconds) */
	int64_t max_gap;      /* the largest gap between consecutive lines */
	int64_t gap_from;     /* where that gap started */
	unsigned kind;        /* 0 auth text log, 1 wtmp, 2 btmp, 3 utmp, 4 lastlog, 5 journal,
	                         6 Windows event log (lineno is the record id) */
	int truncated;        /* stopped at a cap */
	int gz;
	/* year inference of classic syslog lines (logs review 7) */
	uint64_t yearless; /* lines with a classic (yearless) time */
	int64_t ctime;     /* of the file, MT_TIME_NONE if unknown */
	int year_shift;    /* years added to what the mtime gives (cross-checked) */
} mt_logfile;

/* A text log whose yearless lines belong to another year than its mtime says: found by
 * mt_logs_check_years, applied when the logs are read again. */
typedef struct mt_yearfix {
	char path[256];
	int shift; /* years to add */
} mt_yearfix;
#define MT_MAX_YEARFIX 16

/* Failures aggregated per source address and user (brute force leaves millions). A
 * source counts at most MT_LOG_FAIL_USERS users by name; the failures for its other
 * users add up under the user MT_LOG_FAIL_OTHERS (a dictionary attack tries thousands). */
#define MT_LOG_FAIL_USERS  16
#define MT_LOG_FAIL_OTHERS "..."
typedef struct mt_failagg {
	char ip[MT_LOG_IP];
	char user[MT_LOG_USER];
	uint64_t count;
	uint64_t invalid; /* of them, for users that do not exist */
	int64_t first, last;
} mt_failagg;

/* One shell history file. */
typedef struct mt_histline {
	unsigned lineno;
	int64_t time; /* from "#1700000000" or ": 1700000000:0;", else MT_TIME_NONE */
	char *cmd;
} mt_histline;

typedef struct mt_history {
	char path[256];
	char user[MT_LOG_USER];
	int state;        /* 0 read, 1 symlink to /dev/null, 2 empty, 3 other symlink */
	char target[128]; /* symlink target */
	int64_t mtime;
	mt_histline *lines;
	size_t n;
	uint64_t skipped;
} mt_history;

typedef struct mt_logs {
	mt_logev *ev; /* sorted by time after load */
	size_t nev, ev_cap;
	uint64_t ev_dropped; /* over MT_MAX_LOG_EVENTS (or replaced by a worthier one) */
	size_t ev_max;       /* the cap; 0 for MT_MAX_LOG_EVENTS (tests set it lower) */
	size_t evict_cur[2]; /* internal: where to look for a victim of each value */
	uint64_t text_read;  /* bytes of text logs read (uncompressed), all files */
	uint64_t text_max;   /* their budget; 0 for MT_MAX_LOG_TOTAL (tests set it lower) */
	mt_failagg *fail;
	size_t nfail;
	uint64_t fail_dropped;
	mt_logfile *files;
	size_t nfiles;
	mt_history *hist;
	size_t nhist;
	int journal_state;         /* 0 none, 1 read, -2 error */
	const mt_yearfix *yearfix; /* applied by mt_logs_read_authlog; NULL for none */
	size_t nyearfix;
	/* internal: the failure sources, their users' entries in fail, by address */
	struct mt_failsrc *fsrc;
	uint32_t nsrc, asrc, afail;
	uint32_t src_last; /* the source of the last failure (brute force repeats it) */
	mt_itab src_index;
	/* internal: the event details, each text once (blocks of strings and an index) */
	char **tblk;
	uint32_t ntblk, atblk;
	size_t tused;
	const char **tstr;
	uint32_t ntstr, atstr;
	mt_itab tidx;
	uint64_t detail_dropped; /* details not kept: over MT_MAX_LOG_TEXT */
	/* the rules the Windows event log reader judges command lines, scripts and
	 * destinations with (not owned); NULL: those events are not kept */
	const mt_rules *rules;
} mt_logs;

/* Reads every log of the root (missing ones are fine). Per-file problems go to rep.
 * rules (may be NULL; must outlive *out) judge the Windows events that are kept only
 * when they look like an intrusion (scripts, Sysmon). */
mt_err mt_logs_load(mt_host *host, const mt_rules *rules, mt_report *rep, mt_logs **out);
void mt_logs_free(mt_logs *l);

/* Adds an event (the parsers call it; counts drops over the cap). */
mt_err mt_logs_add(mt_logs *l, const mt_logev *ev);

/* Reads one text auth log of the root (plain or .gz) into l. */
mt_err mt_logs_read_authlog(mt_logs *l, mt_host *host, mt_report *rep, const char *path);
/* Reads a whole text log from memory (tests, fuzzing, benchmark). */
mt_err mt_logs_parse_buffer(mt_logs *l, const char *name, const char *data, size_t len,
                            int64_t ref);
mt_err mt_logs_read_utmp(mt_logs *l, mt_host *host, mt_report *rep, const char *path,
                         unsigned kind);
mt_err mt_logs_read_lastlog(mt_logs *l, mt_host *host, mt_report *rep);
mt_err mt_logs_read_histories(mt_logs *l, mt_host *host, mt_report *rep);
/* The event logs of a Windows root (winlogs.c, evtx.c): logons, failed logons, explicit
 * credentials, account changes, services and tasks installed or changed, logs cleared,
 * suspicious PowerShell script blocks and Sysmon events (with l->rules). MT_OK on other
 * roots. */
mt_err mt_logs_read_evtx(mt_logs *l, mt_host *host, mt_report *rep);
/* The journal of the root (journal.c, our own reader of journal files, the same in both
 * binaries): MT_ERR_NOENT without var/log/journal, MT_ERR_NOMEM; problems of single files
 * go to rep. */
mt_err mt_logs_read_journal(mt_logs *l, mt_host *host, mt_report *rep);
/* Cross-checks the year of classic (yearless) lines, inferred from each file's mtime,
 * against records that carry their year (wtmp, the journal, lastlog, RFC 3339 logs):
 * a file whose logins match them only some years off gets a fix (at most cap), and the
 * mismatch is reported. Needs the events sorted (after mt_logs_finish). Returns the
 * number of fixes. */
size_t mt_logs_check_years(const mt_logs *l, mt_report *rep, mt_yearfix *fix, size_t cap);
/* Sorts events by time and removes duplicates (the journal and auth.log, secure and
 * secure.1 overlapping). */
void mt_logs_finish(mt_logs *l);
/* Whether the failures of user from ip are not all known by name: some over the
 * counters' cap, or counted with other users under MT_LOG_FAIL_OTHERS. */
int mt_logs_fail_unknown(const mt_logs *l, const char *ip, const char *user);
/* Whether a text auth log read so far covers time t: from its first to its last line,
 * not in its longest silence over an hour (lines cut out). There the failures the journal
 * or btmp also hold are counted already. */
int mt_logs_text_covers(const mt_logs *l, int64_t t);
/* Adds a new logfile entry; returns its index or -1 (no memory). */
int mt_logs_file(mt_logs *l, const char *path, unsigned kind);

/* Through the scan context: loaded on first use, freed by mt_scan. Never NULL. */
const mt_logs *mt_ctx_logs(mt_ctx *ctx);

#endif
