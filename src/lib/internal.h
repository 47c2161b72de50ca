/* internal.h - declarations shared inside libminetrace (not installed) */
#ifndef MT_INTERNAL_H
#define MT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "minetrace/minetrace.h"

#define MT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define MT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MT_PRINTF(f, a)
#endif

/* ---- Growable buffer with a cap (curl's dynbuf) ------------------------------ */

typedef struct mt_buf {
	char *data; /* always NUL-terminated when not NULL */
	size_t len;
	size_t alloc;
	size_t cap; /* the most bytes it may ever hold */
	mt_err err; /* the first failed append since init/reset/take, so a writer may
	               * append a whole record piece by piece and look at err once */
} mt_buf;

void mt_buf_init(mt_buf *b, size_t cap);
void mt_buf_free(mt_buf *b);
void mt_buf_reset(mt_buf *b);
/* MT_ERR_TOOBIG when the cap would be passed (nothing is appended), MT_ERR_NOMEM. The
 * first failure is also kept in b->err until mt_buf_reset or mt_buf_take. */
mt_err mt_buf_add(mt_buf *b, const void *p, size_t n);
mt_err mt_buf_adds(mt_buf *b, const char *s);
mt_err mt_buf_addc(mt_buf *b, char c);
mt_err mt_buf_printf(mt_buf *b, const char *fmt, ...) MT_PRINTF(2, 3);
/* Hands the data over: the caller frees *out; b is empty afterwards. */
char *mt_buf_take(mt_buf *b, size_t *len);

/* ---- Strings ----------------------------------------------------------------- */

char *mt_strdup(const char *s); /* NULL on NULL or no memory */
char *mt_strndup(const char *s, size_t n);
int mt_strcaseeq(const char *a, const char *b);
/* Case-insensitive glob match with '*' and '?' over [s, s+n); no backtracking blowup. */
int mt_glob_match(const char *pat, const char *s, size_t n);
/* Parses a decimal unsigned integer filling the whole [s, s+n); 0 on success. */
int mt_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void mt_hex(const uint8_t *p, size_t n, char *out);
/* Copies src into dst[n] (n > 0), cut to fit and always terminated; returns dst. */
char *mt_copy(char *dst, size_t n, const char *src);
/* "/a/b/c" -> "c"; a pointer into path. */
const char *mt_basename(const char *path);
/* Appends UTF-16LE text of nbytes bytes (an odd last byte is ignored) as UTF-8; with
 * stop_nul the text ends at the first U+0000. Unpaired surrogates become U+FFFD. */
mt_err mt_utf16le_to_utf8(const uint8_t *p, size_t nbytes, int stop_nul, mt_buf *out);
/* Decodes standard or URL-safe base64 (padding optional, whitespace skipped) into
 * out[cap]; returns the bytes written, or -1 when s holds another character or the
 * result would not fit. */
long mt_base64_decode(const char *s, size_t n, uint8_t *out, size_t cap);

/* ---- Growable tables (table.c): dense records and a hash index over them ------ */
typedef struct mt_islot {
	uint32_t hash, idx1; /* idx1: record number + 1, 0 empty */
} mt_islot;
typedef struct mt_itab {
	mt_islot *slot;
	uint32_t size, n;
} mt_itab;
/* Makes room for need records of esz bytes (new ones zeroed), doubling up to cap; on
 * failure *err is set (MT_ERR_LIMIT, MT_ERR_NOMEM) and arr returned unchanged. */
void *mt__grow(void *arr, uint32_t *alloc, uint32_t need, size_t esz, uint32_t cap, mt_err *err);
int64_t mt__itab_find(const mt_itab *t, uint32_t h, int (*eq)(const void *ctx, uint32_t idx),
                      const void *ctx);
mt_err mt__itab_add(mt_itab *t, uint32_t h, uint32_t idx);
/* Removes the entry of record idx stored under hash h (if present). */
void mt__itab_del(mt_itab *t, uint32_t h, uint32_t idx);
void mt__itab_free(mt_itab *t);
/* A random key of this process (getrandom), never 0: tables indexed by what an attacker
 * writes (addresses, names) hash with it, so nobody can choose colliding keys. */
uint64_t mt__hash_seed(void);
/* Hash of [s, s+n) keyed with mt__hash_seed. */
uint32_t mt__str_hash(const char *s, size_t n);

/* ---- Escaping for output ----------------------------------------------------- */

/* Appends s[0..n) for a terminal: control characters, DEL, C1 and invalid UTF-8 as
 * \xNN (and '\\' doubled), cut after max shown bytes with "...". */
mt_err mt_escape_term(mt_buf *b, const char *s, size_t n, size_t max);
/* Appends s[0..n) as the inside of a JSON string: invalid UTF-8 bytes become the text
 * \xNN (documented in docs/output.md). */
mt_err mt_escape_json(mt_buf *b, const char *s, size_t n);
/* Appends s[0..n) for HTML text and attribute values: first as for a terminal
 * (mt_escape_term, cut after max bytes), then &<>"' as entities, so nothing from a host
 * can open a tag or leave an attribute. */
mt_err mt_escape_html(mt_buf *b, const char *s, size_t n, size_t max);

/* ---- Hashes ------------------------------------------------------------------ */

typedef struct mt_sha256 {
	uint32_t h[8];
	uint64_t total;
	uint8_t block[64];
	size_t used;
} mt_sha256;
void mt_sha256_init(mt_sha256 *c);
void mt_sha256_update(mt_sha256 *c, const void *p, size_t n);
void mt_sha256_final(mt_sha256 *c, uint8_t out[32]);
void mt_sha256_hex(const void *p, size_t n, char out[65]);

typedef struct mt_md5 {
	uint32_t h[4];
	uint64_t total;
	uint8_t block[64];
	size_t used;
} mt_md5;
void mt_md5_init(mt_md5 *c);
void mt_md5_update(mt_md5 *c, const void *p, size_t n);
void mt_md5_final(mt_md5 *c, uint8_t out[16]);

/* ---- Host layer -------------------------------------------------------------- */

/* Paths given to these functions are inside the scan root: "/etc/crontab" and
 * "etc/crontab" mean the same file. Symbolic links are resolved inside the root ("/"
 * and ".." stop at the root); nothing outside it is ever opened. */

/* Reads a whole regular file, at most cap bytes; *truncated says whether more was
 * there. *data is NUL-terminated and the caller's (free). */
mt_err mt_host_read_file(mt_host *host, const char *path, size_t cap, char **data, size_t *len,
                         int *truncated);
/* stat inside the root; follow=0 describes a symlink itself. */
mt_err mt_host_stat(mt_host *host, const char *path, int follow, struct stat *st);
/* Opens a directory of the root (O_DIRECTORY); *fd is the caller's. */
mt_err mt_host_open_dir(mt_host *host, const char *path, int *fd);

typedef struct mt_dirent {
	char *name;
	unsigned char type; /* DT_* from the directory, DT_UNKNOWN possible */
	uint64_t ino;
} mt_dirent;

#define MT_LIST_READDIR  0 /* libc opendir/readdir: what hooked tools see */
#define MT_LIST_GETDENTS 1 /* raw getdents64 syscall: what the kernel says */

/* Lists a directory without "." and "..", sorted by name. Free with mt_dirents_free. */
mt_err mt_host_list(mt_host *host, const char *path, int how, mt_dirent **out, size_t *n);
mt_err mt_list_fd(int dirfd, int how, mt_dirent **out, size_t *n);
void mt_dirents_free(mt_dirent *ents, size_t n);

/* Reads all of fd (from its current offset), at most cap bytes. */
mt_err mt_read_fd(int fd, size_t cap, char **data, size_t *len, int *truncated);
mt_err mt_errno_to_err(int e);

/* ---- Rules lookups ----------------------------------------------------------- */

typedef enum mt_rule_kind {
	MT_RK_POOL_DOMAIN = 0,
	MT_RK_POOL_IP,
	MT_RK_POOL_IPPORT,
	MT_RK_POOL_PORT,
	MT_RK_BROWSER_DOMAIN,
	MT_RK_C2_DOMAIN,
	MT_RK_C2_IP,
	MT_RK_C2_IPPORT,
	MT_RK_URL,
	MT_RK_MINER_NAME,
	MT_RK_CMDLINE,
	MT_RK_SHA256,
	MT_RK_MD5,
	MT_RK_PATH,
	MT_RK_SSH_KEY,
	MT_RK_PASTE_DOMAIN,
	MT_RK_SERVICE,     /* a Windows service name (glob) */
	MT_RK_TASK,        /* a scheduled task: its name or its path under \ (glob) */
	MT_RK_WMI,         /* a WMI filter, consumer or class name (glob) */
	MT_RK_LISTEN_PORT, /* a port campaigns listen on or forward (portproxy, firewall) */
	MT_RK_TLS_JA3,     /* the JA3 digest of a TLS client (32 hex) */
	MT_RK_TLS_JA4,     /* the JA4 fingerprint of a TLS client (t13d1516h2_x_y) */
	MT_RK_COUNT
} mt_rule_kind;

typedef struct mt_rule {
	mt_rule_kind kind;
	const char *value;  /* normalised (lower case for names, canonical IPs) */
	const char *family; /* "" when none */
	const char *note;
	const char *source;
	const char *file;
	unsigned line;
	int has_sev;
	mt_severity sev;
} mt_rule;

const char *mt_rule_kind_name(mt_rule_kind k);

/* Exact lookup of a normalised value of kind k; NULL if absent. */
const mt_rule *mt_rules_find(const mt_rules *r, mt_rule_kind k, const char *value);
/* The YARA sources of the rules (builtin ones and the .yar and .yara files of --rules): text and
 * its name, for the content engine to compile. */
size_t mt_rules_yara_count(const mt_rules *r);
const char *mt_rules_yara(const mt_rules *r, size_t i, const char **name, size_t *len);
/* A DNS name or any parent domain of it, of kind k (pool, browser or c2 domain). */
const mt_rule *mt_rules_find_domain(const mt_rules *r, mt_rule_kind k, const char *name, size_t n);
/* An IP address (any textual form) of kind k (pool-ip, c2-ip). */
const mt_rule *mt_rules_find_ip(const mt_rules *r, mt_rule_kind k, const char *ip, size_t n);
const mt_rule *mt_rules_find_ipport(const mt_rules *r, mt_rule_kind k, const char *ip, size_t n,
                                    unsigned port);
int mt_rules_is_pool_port(const mt_rules *r, unsigned port);
/* Calls fn for every rule of kind k (cmdline, path, url) that matches text; stops when
 * fn returns non-zero. */
void mt_rules_each_match(const mt_rules *r, mt_rule_kind k, const char *text, size_t n,
                         int (*fn)(void *ctx, const mt_rule *rule), void *ctx);

/* The address of an ip or ip:port rule, without port and brackets. */
void mt_rule_ip(const mt_rule *rule, char *out, size_t n);
/* Canonical text of an IP address ("::ffff:1.2.3.4" -> "1.2.3.4"); 0 on success. */
int mt_ip_canon(const char *s, size_t n, char *out, size_t outlen);

/* ---- Findings (built by checks) ---------------------------------------------- */

typedef struct mt_kv {
	const char *key; /* static string */
	char *sval;      /* owned; NULL for an integer */
	long long ival;
	int identity; /* part of the finding's stable id */
} mt_kv;

typedef struct mt_action {
	const char *type; /* "kill_tree", "quarantine_file", "remove_line", ... */
	mt_kv params[MT_MAX_ACTION_PARAMS];
	size_t nparams;
} mt_action;

struct mt_finding {
	char id[32];
	const mt_check_info *check;
	mt_severity severity;
	unsigned confidence; /* 0-100 */
	char *title[MT_LANG_COUNT];
	char *explain[MT_LANG_COUNT];
	mt_kv ev[MT_MAX_EVIDENCE];
	size_t nev;
	mt_action act[MT_MAX_ACTIONS];
	size_t nact;
	mt_err err; /* first error met while building; checked at commit */
};

/* Builder: functions record the first error in f->err and become no-ops after it, so
 * a check writes its finding straight through and looks at the result of commit. */
mt_finding *mt_finding_new(const mt_check_info *check, mt_severity sev, unsigned confidence);
void mt_finding_free(mt_finding *f);
void mt_finding_text(mt_finding *f, mt_lang lang, const char *title, const char *fmt, ...)
	MT_PRINTF(4, 5);
void mt_finding_str(mt_finding *f, const char *key, const char *val, int identity);
void mt_finding_strn(mt_finding *f, const char *key, const char *val, size_t n, int identity);
void mt_finding_int(mt_finding *f, const char *key, long long val, int identity);
/* Adds evidence "rule", "rule_source" (and "family") from a rule. */
void mt_finding_rule(mt_finding *f, const mt_rule *rule);
mt_action *mt_finding_action(mt_finding *f, const char *type);
void mt_action_str(mt_finding *f, mt_action *a, const char *key, const char *val);
void mt_action_int(mt_finding *f, mt_action *a, const char *key, long long val);
void mt_finding_raise(mt_finding *f, mt_severity sev); /* severity = max(sev, current) */

/* Computes the id and hands f to the report (which owns it from then on, also on
 * error). A finding whose id is already present is merged: the higher severity wins. */
mt_err mt_report_add(mt_report *report, mt_finding *f);
/* Records a diagnostic line (capped at MT_MAX_DIAGNOSTICS; the rest only counted). */
void mt_report_diag(mt_report *report, const char *fmt, ...) MT_PRINTF(2, 3);
void mt_report_set_meta(mt_report *report, const char *root, int64_t started, int64_t duration_ms,
                        uint64_t checks);
void mt_report_sort(mt_report *report);
/* Lines written before the summary (JSON: complete JSON Lines such as pcap's "host"
 * verdicts) and after the findings (text, per language); copied. */
mt_err mt__report_set_extra(mt_report *r, const char *json, const char *text_en,
                            const char *text_zh);
const char *mt__report_extra(const mt_report *r, int json, mt_lang lang);
/* Counts n more findings dropped at MT_MAX_FINDINGS (e.g. by a report merged into r). */
void mt__report_add_dropped(mt_report *r, size_t n);

/* Adds the sha256 of the file to each quarantine_file action that has none. */
void mt_report_hash_quarantines(mt_report *report, mt_host *host);
size_t mt__report_ndiag(const mt_report *r, size_t *total, const char *const **diag);
void mt__report_meta(const mt_report *r, const char **root, int64_t *started, int64_t *duration_ms,
                     uint64_t *checks, size_t *dropped);

const mt_check_info *mt_check_by_id(const char *id);
/* Runs check i of the registry. */
struct mt_ctx;
mt_err mt_check_run(size_t i, struct mt_ctx *ctx);
/* Shared by the reporters (report.c): the to-do label of a remedy action type, the
 * upper-case severity label, whether an evidence key holds Unix seconds. */
const char *mt__action_label(const char *type, mt_lang lang);
const char *mt__sev_label(mt_lang lang, mt_severity sev);
int mt__is_time_key(const char *k);
/* Whether a remedy parameter is shown in a to-do table (hashes and ticks are for respond). */
int mt__action_param_shown(const char *key);
/* What the human-readable reporters print at the top and need throughout. */
typedef struct mt__report_head {
	mt_lang lang;
	const char *root; /* never NULL */
	char when[40];    /* the start as ISO 8601 */
	int64_t duration_ms;
	size_t n;       /* findings */
	size_t nact;    /* remedy actions of all findings */
	size_t dropped; /* findings over the limit */
	size_t counts[MT_SEV_COUNT];
} mt__report_head;
void mt__report_head_get(const mt_report *r, const mt_output_opts *o, mt__report_head *h);
/* The to-do tables list an action once even when several findings call for it (the same
 * block_ip for every flow to a pool). mt__act_new says whether a is the first of its kind
 * (type and every parameter) in seen; a set that cannot grow says yes. */
typedef struct mt__act_seen {
	uint64_t *slot; /* open addressing, 0 = empty */
	size_t cap, n;
} mt__act_seen;
int mt__act_new(mt__act_seen *seen, const mt_action *a);
void mt__act_seen_free(mt__act_seen *seen);
/* Incidents (incident.c): findings at medium or above joined by what they share (a file,
 * a hash, a pid, an address). of[i] is finding i's incident (1-based, 0 for lows), v[k]
 * incident k+1: its worst severity, its lead finding (the worst, first in report order)
 * and how many findings it holds. Numbered in report order. */
typedef struct mt__incident {
	mt_severity severity;
	size_t lead, count;
} mt__incident;
typedef struct mt__incidents {
	size_t n;
	size_t *of;
	mt__incident *v;
} mt__incidents;
mt_err mt__incidents_build(const mt_report *r, mt__incidents *out);
void mt__incidents_free(mt__incidents *in);
/* "compromised" with an incident at high or above, "suspicious" at medium, else "clean". */
const char *mt__verdict(const mt__incidents *inc);
/* What a finding is about, for a one-line summary: its path, program, service... or "". */
const char *mt__incident_subject(const mt_finding *f);
/* What made a report, for the reporters' headings: NULL (a scan) or "pcap"; kind must be
 * a static string. */
void mt__report_set_kind(mt_report *r, const char *kind);
/* who the report is about (collect/hostid.h): the host_info record of JSON reports */
struct mt_hostid;
void mt__report_set_host(mt_report *r, const struct mt_hostid *h);
const struct mt_hostid *mt__report_host(const mt_report *r);
/* The host_info line (with its newline) of h into b: the report's kind ("scan",
 * "timeline", "pcap"), the root, the time of the scan (unix seconds). */
void mt__hostinfo_json(mt_buf *b, const struct mt_hostid *h, const char *kind, const char *root,
                       int64_t when);
const char *mt__report_kind(const mt_report *r);
/* ISO 8601 with the local offset, "2024-01-24T08:10:27+08:00". */
void mt_time_iso(int64_t t, char *out, size_t outlen);

/* ---- Check context ----------------------------------------------------------- */

struct mt_users;
struct mt_pkgdb;
struct mt_live;
struct mt_logs;
typedef struct mt_ctx {
	mt_host *host;
	const mt_rules *rules;
	const mt_scan_opts *opts;
	mt_report *report;
	struct mt_users *users; /* shared facts, loaded on first use (collect/facts.h) */
	struct mt_pkgdb *pkgdb;
	struct mt_live *live; /* the live snapshot (collect.h), live roots only */
	int live_failed;
	struct mt_live_bg *live_bg; /* the snapshot being taken (its CPU sample) while the
	                             * file checks run; mt_ctx_live waits for it */
	struct mt_logs *logs;       /* login logs and histories (logs/logs.h) */
	struct mt_win *win;         /* hives and profiles of a Windows root (winhost.h) */
	int win_failed;
	int64_t auto_since, auto_until; /* attack window from the evidence, MT_TIME_NONE */
} mt_ctx;

/* The verdict of one shell command line (cron, rc.local, unit ExecStart, shell rc). */
typedef struct mt_cmd_verdict {
	mt_severity severity; /* MT_SEV_INFO when nothing was found */
	unsigned nreasons;
	struct {
		const char *code; /* "download_exec", "base64_exec", ... */
		mt_severity severity;
		const mt_rule *rule; /* the matching rule, or NULL */
		char detail[256];    /* the matched piece (host, path, pattern) */
	} reasons[8];
} mt_cmd_verdict;

void mt_judge_command(const mt_rules *rules, const char *cmd, size_t n, mt_cmd_verdict *v);
/* Adds to v what the files cmd names by absolute path are by content (a miner's hash or
 * code: "miner_file", critical); the persistence checks call it after mt_judge_command. */
void mt_judge_targets(mt_ctx *ctx, const char *cmd, size_t n, mt_cmd_verdict *v);
/* The same for one shell history command (checks/history_suspicious.c): the command judge
 * plus what only matters in a history (history -c, HISTFILE unset, logs deleted, chattr,
 * chmod +x, downloads). */
void mt_hist_judge(const mt_rules *rules, const char *cmd, size_t n, mt_cmd_verdict *v);
/* The same for a Windows command line (Run values, services, tasks, WMI consumers):
 * encoded PowerShell decoded and judged, download cradles, mshta/regsvr32/rundll32
 * script tricks, programs in drop places, miner options, indicators. tree paths of
 * programs in reasons' details start with '/'. */
void mt_judge_wincmd(const mt_rules *rules, const char *cmd, size_t n, mt_cmd_verdict *v);
/* The same for a command run in a user's logon: profile (the tree path of the profile,
 * "/Users/bob") gives %APPDATA%, %TEMP% and the like; NULL for the machine. */
void mt_judge_wincmd_as(const mt_rules *rules, const char *cmd, size_t n, const char *profile,
                        mt_cmd_verdict *v);
/* Pieces of the judges shared by cmdjudge.c and wincmd.c. */
void mt__verdict_add(mt_cmd_verdict *v, const char *code, mt_severity sev, const mt_rule *rule,
                     const char *detail, size_t dn);
void mt__judge_host(const mt_rules *r, const char *w, mt_cmd_verdict *v);
int mt__domain_like(const char *s, size_t n);
/* Adds the reasons of v to f as evidence and explanation text in both languages. */
void mt_verdict_explain(mt_finding *f, const mt_cmd_verdict *v);
/* Adds the remedies a verdict calls for: quarantine_file for each program it runs from a
 * temporary or hidden place or under a miner's name (once each, not self_path, not a path
 * f already quarantines; self_path may be NULL) and block_ip for each indicator address. */
void mt_verdict_remedies(mt_finding *f, const mt_cmd_verdict *v, const char *self_path);
/* Adds a quarantine_file action for path unless f has one for it already. */
void mt_finding_quarantine(mt_finding *f, const char *path);

/* ---- json.c: bounded JSON parser (respond's reports, fleet ingest) ------------------------------------------ */

typedef enum mt_json_type {
	MT_JSON_NULL,
	MT_JSON_BOOL,
	MT_JSON_NUM,
	MT_JSON_STR,
	MT_JSON_ARR,
	MT_JSON_OBJ,
} mt_json_type;

typedef struct mt_json mt_json;
struct mt_json {
	mt_json_type type;
	char *key; /* member name inside an object, else NULL */
	char *str; /* STR: decoded UTF-8 without NUL; NUM: the number's text */
	size_t len;
	int is_int;     /* NUM fits int64 */
	int64_t num;    /* NUM (when is_int), BOOL */
	size_t count;   /* members of ARR/OBJ */
	mt_json *child; /* first member */
	mt_json *next;  /* next sibling */
};

/* Parses exactly one JSON value filling s[0..n) (white space around allowed), with
 * the MT_MAX_JSON_* caps; input must be valid UTF-8, \u0000 is refused. *out is the
 * caller's (mt_json_free). On error *erroff is the byte offset where it stopped. */
mt_err mt_json_parse(const char *s, size_t n, mt_json **out, size_t *erroff);
void mt_json_free(mt_json *j);
const mt_json *mt_json_get(const mt_json *obj, const char *key);
const char *mt_json_str(const mt_json *obj, const char *key);       /* NULL unless a string */
int mt_json_int(const mt_json *obj, const char *key, int64_t *out); /* 1 when found */

#endif
