/* minetrace.h - public API of libminetrace: rules, host, scan, findings, reports */
#ifndef MINETRACE_H
#define MINETRACE_H

#include <stddef.h>
#include <stdint.h>

#include "minetrace/limits.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MT_VERSION "0.1.0"

/* One error enum for the whole library. The numbers are pinned: never reuse one. */
typedef enum mt_err {
	MT_OK = 0,
	MT_ERR_NOMEM = 1,        /* allocation failed */
	MT_ERR_INVAL = 2,        /* invalid argument */
	MT_ERR_IO = 3,           /* read or open failed */
	MT_ERR_NOENT = 4,        /* no such file */
	MT_ERR_ESCAPE = 5,       /* the path would leave the scan root */
	MT_ERR_NOTREG = 6,       /* not a regular file (FIFO, device, socket, directory) */
	MT_ERR_TOOBIG = 7,       /* input larger than its limit */
	MT_ERR_PARSE = 8,        /* malformed input */
	MT_ERR_LIMIT = 9,        /* too many items (findings, entries, depth) */
	MT_ERR_UNSUPPORTED = 10, /* not available on this host or build */
	MT_ERR_PERM = 11,        /* permission denied */
	MT_ERR_LOOP = 12,        /* too many symbolic links */
	MT_ERR_CHANGED = 13,     /* the file changed while it was being opened */
	MT_ERR_NOTDIR = 14,      /* not a directory */
} mt_err;

/* Returns a static English description; never NULL. */
const char *mt_strerror(mt_err err);

typedef enum mt_severity {
	MT_SEV_INFO = 0,
	MT_SEV_LOW = 1,
	MT_SEV_MEDIUM = 2,
	MT_SEV_HIGH = 3,
	MT_SEV_CRITICAL = 4,
} mt_severity;
#define MT_SEV_COUNT 5

/* "info" ... "critical"; static string. */
const char *mt_severity_name(mt_severity sev);
/* Parses a severity name; returns MT_ERR_INVAL for anything else. */
mt_err mt_severity_parse(const char *name, mt_severity *out);

typedef enum mt_lang { MT_LANG_EN = 0, MT_LANG_ZH = 1 } mt_lang;
#define MT_LANG_COUNT 2

/* Picks the language from LC_ALL, LC_MESSAGES and LANG values (any may be NULL), in
 * POSIX precedence: zh_* gives Chinese, anything else English. */
mt_lang mt_lang_from_locale(const char *lc_all, const char *lc_messages, const char *lang);

/* Where a library function reports a problem with one input item (a rules file line,
 * a skipped file) without printing: file may be NULL, line 0 when unknown. */
typedef void (*mt_diag_fn)(void *ctx, const char *file, unsigned line, const char *msg);

/* ---- Rules ------------------------------------------------------------------- */

typedef struct mt_rules mt_rules;

mt_err mt_rules_new(mt_rules **out);
void mt_rules_free(mt_rules *rules); /* accepts NULL */

/* Loads the rules compiled into the binary. */
mt_err mt_rules_load_builtin(mt_rules *rules, mt_diag_fn diag, void *ctx);

/* Loads one rules file from memory. On any error nothing from it is added, diag (if
 * not NULL) is called once with the file name and line, and MT_ERR_PARSE is returned. */
mt_err mt_rules_load_buffer(mt_rules *rules, const char *name, const char *data, size_t len,
                            mt_diag_fn diag, void *ctx);

/* Loads every "*.rules" regular file of dir in name order. A file with an error adds
 * nothing and is reported through diag; the others still load. Returns the first error
 * met (MT_ERR_PARSE, MT_ERR_IO...) or MT_OK. */
mt_err mt_rules_load_dir(mt_rules *rules, const char *dir, mt_diag_fn diag, void *ctx);

size_t mt_rules_count(const mt_rules *rules);

typedef struct mt_rule_info {
	const char *kind; /* "pool-domain", ... */
	const char *value;
	const char *family; /* "" when none */
	const char *note;   /* "" when none */
	const char *source; /* the @source text */
	const char *file;   /* rules file name */
	unsigned line;
	int has_sev;
	mt_severity sev;
} mt_rule_info;

/* Fills out for entry i (0 <= i < count); strings live as long as rules. */
mt_err mt_rules_get(const mt_rules *rules, size_t i, mt_rule_info *out);

/* ---- Checks ------------------------------------------------------------------ */

typedef struct mt_check_info {
	const char *id;       /* "persist.cron" */
	const char *attack;   /* ATT&CK technique, "T1053.003" */
	mt_severity severity; /* default severity of its findings */
	const char *title[MT_LANG_COUNT];
	unsigned needs_live;    /* 1: reads the running system (/proc), skipped with --root */
	unsigned weighs_window; /* 1: --since/--until (or the attack window) changes its verdicts */
	unsigned os_mask;       /* the roots it applies to: bit MT_OS_LINUX, bit MT_OS_WINDOWS */
	unsigned needs_content; /* 1: runs only with scan --content (reads every file) */
} mt_check_info;

size_t mt_checks_count(void);
const mt_check_info *mt_checks_get(size_t i); /* NULL when out of range */

/* Bit i of the set selects check i. "all", "" and NULL select every check. Names are
 * separated by commas; a name may be a prefix ending in '.' ("persist.") or end in '*'.
 * On an unknown name returns MT_ERR_INVAL and copies it into bad. */
mt_err mt_checks_select(const char *list, uint64_t *set, char *bad, size_t badlen);

/* ---- Host -------------------------------------------------------------------- */

typedef struct mt_host mt_host;

#define MT_HOST_NO_OPENAT2 0x1u /* use the portable walk even where openat2 exists */
#define MT_HOST_NOCASE     0x2u /* names compare case-insensitively in any root */

/* What the root holds: a tree with Windows/System32/config/SYSTEM (in any case) is a
 * Windows system, whose path lookups are then case-insensitive (ASCII), as on NTFS. */
#define MT_OS_LINUX   0
#define MT_OS_WINDOWS 1

/* Opens a scan root: "/" for the live system, or a mounted image or copied tree. The
 * directory must exist. *out is owned by the caller (mt_host_close). */
mt_err mt_host_open(const char *root, unsigned flags, mt_host **out);
void mt_host_close(mt_host *host); /* accepts NULL */
const char *mt_host_root(const mt_host *host);
int mt_host_is_live(const mt_host *host);
int mt_host_os(const mt_host *host);     /* MT_OS_* */
int mt_host_nocase(const mt_host *host); /* 1 when names compare ignoring case */

struct stat;
/* Opens a regular file of the root for reading: resolved inside the root, never through
 * a FIFO or device, without blocking. *fd is the caller's to close; st may be NULL. */
mt_err mt_host_open_file(mt_host *host, const char *path, int *fd, struct stat *st);

/* ---- Reports and findings --------------------------------------------------- */

typedef struct mt_report mt_report;
typedef struct mt_finding mt_finding;

mt_err mt_report_new(mt_report **out);
void mt_report_free(mt_report *report); /* accepts NULL */

size_t mt_report_count(const mt_report *report);
/* Number of findings at or above min. */
size_t mt_report_count_at_least(const mt_report *report, mt_severity min);
/* Finding i in report order (by severity, then check, then id); NULL when out of range.
 * Lives as long as report. */
const mt_finding *mt_report_get(const mt_report *report, size_t i);

const char *mt_finding_id(const mt_finding *f);
const char *mt_finding_check(const mt_finding *f);
mt_severity mt_finding_severity(const mt_finding *f);
/* Evidence field by key as text (integers formatted); NULL if absent. */
const char *mt_finding_evidence(const mt_finding *f, const char *key, char *buf, size_t buflen);

/* Where reporters write. Returns 0 on success, -1 to stop (the reporter then returns
 * MT_ERR_IO). */
typedef int (*mt_write_fn)(void *ctx, const char *data, size_t len);

typedef struct mt_output_opts {
	mt_lang lang;
	int color; /* ANSI colour (the caller decides: only on a terminal) */
	int all;   /* text: every low and info finding on its own, not collapsed by kind */
} mt_output_opts;

mt_err mt_report_write_text(const mt_report *report, const mt_output_opts *opts, mt_write_fn write,
                            void *ctx);
/* JSON Lines: one "finding" object per finding, then one "summary". */
mt_err mt_report_write_json(const mt_report *report, const mt_output_opts *opts, mt_write_fn write,
                            void *ctx);
/* One self-contained HTML page (no script, no external resource; a Content-Security-
 * Policy forbids both): the same content as the text report, every host string escaped. */
mt_err mt_report_write_html(const mt_report *report, const mt_output_opts *opts, mt_write_fn write,
                            void *ctx);

/* ---- Scan -------------------------------------------------------------------- */

#define MT_TIME_NONE INT64_MIN

typedef struct mt_scan_opts {
	uint64_t checks; /* from mt_checks_select */
	int64_t since;   /* Unix seconds, MT_TIME_NONE when not set */
	int64_t until;
	unsigned sample_ms; /* CPU sample of the live checks (default 1000, 0 to skip) */
	unsigned content;   /* 1: the content checks too (scan --content: every file, memory) */
	unsigned jobs;      /* workers of the content engine, 0: one a CPU */
	unsigned progress;  /* 1: a progress line on standard error while content is scanned */
} mt_scan_opts;

void mt_scan_opts_init(mt_scan_opts *opts);

/* Runs the selected checks on host and adds findings to report. Problems with single
 * items (unreadable file, parse error) are recorded in the report's diagnostics and do
 * not stop the scan. Returns MT_OK unless the scan could not run at all. */
mt_err mt_scan(mt_host *host, const mt_rules *rules, const mt_scan_opts *opts, mt_report *report);

/* ---- Time -------------------------------------------------------------------- */

/* Parses "YYYY-MM-DD HH:MM[:SS]" in the process's local zone (TZ), or ISO 8601 with a
 * "T" or blank, optional seconds and "Z" or "+HH:MM"/"-HHMM". */
mt_err mt_time_parse(const char *s, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
