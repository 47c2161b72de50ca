/* respond.h - public API of the response side: plan, apply, verify, quarantine, restore */
#ifndef MINETRACE_RESPOND_H
#define MINETRACE_RESPOND_H

#include "minetrace/minetrace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mt_plan mt_plan;

typedef enum mt_step_state {
	MT_STEP_PLANNED = 0, /* not run (plan only) */
	MT_STEP_DONE = 1,    /* carried out in this run */
	MT_STEP_ALREADY = 2, /* the journal says an earlier run did it */
	MT_STEP_SKIPPED = 3, /* re-validation failed: the host is not as the report says */
	MT_STEP_REFUSED = 4, /* unsafe (critical file, escape, pid 1...): never run */
	MT_STEP_FAILED = 5,  /* tried and failed; flags and files put back */
	MT_STEP_MANUAL = 6,  /* cannot be automated safely: the responder does it */
} mt_step_state;

/* One action of the plan. Strings live as long as the plan. */
typedef struct mt_step {
	unsigned n;          /* 1-based position in the order it runs */
	const char *action;  /* "kill_tree", "quarantine_file", ... (docs/output.md) */
	const char *finding; /* finding id "MT-..." the action came from */
	const char *check;   /* that finding's check */
	const char *severity;
	const char *title[MT_LANG_COUNT]; /* the finding's title */
	const char *target;               /* what it acts on: a path, "pid N", an address, a unit */
	const char *evidence;             /* the evidence it rests on, "key=value; ..." */
	const char *also;                 /* other findings asking for the same action, or "" */
	int manual;
	mt_step_state state;
	const char *detail;    /* after apply: what was done, or why not; "" before */
	const char *detail_zh; /* the same in Chinese (English where no translation exists) */
	const char *entries;   /* quarantine entries made, space separated, or "" */
} mt_step;

/* Reads a scan report (JSON Lines from `scan --format json`) and orders its remedy
 * actions: unmount, freeze+kill, clear flags, quarantine, edit lines, disable units,
 * firewall, then manual steps. only (NULL: all) is a comma list of finding ids. Any
 * malformed line refuses the whole report: MT_ERR_PARSE (or LIMIT/TOOBIG) and diag is
 * called with the line number and the reason. *out is the caller's (mt_plan_free). */
mt_err mt_plan_parse(const char *data, size_t len, const char *only, mt_plan **out, mt_diag_fn diag,
                     void *ctx);
void mt_plan_free(mt_plan *plan); /* accepts NULL */
size_t mt_plan_count(const mt_plan *plan);
const mt_step *mt_plan_get(const mt_plan *plan, size_t i); /* NULL when out of range */
/* Number of findings read from the report. */
size_t mt_plan_findings(const mt_plan *plan);

/* The plan of a Windows host's report as a PowerShell script for that host (a Windows
 * image itself is never changed): each step backs up what it removes, then removes it;
 * steps it cannot write safely become manual lines. report names the report in the
 * header. *out (NUL-terminated, *len bytes) is the caller's (free). docs/respond.md. */
mt_err mt_plan_script_ps1(const mt_plan *plan, const char *report, char **out, size_t *len);
/* Whether the plan holds actions only a Windows host has (registry, services, tasks). */
int mt_plan_is_windows(const mt_plan *plan);

typedef struct mt_respond_opts {
	const char *root;       /* "/" or a tree (as scan --root) */
	const char *quarantine; /* NULL: the default, see mt_quarantine_default */
	int firewall;           /* also load the written rules with nft (live root only) */
} mt_respond_opts;

/* Called after each step has run. */
typedef void (*mt_step_fn)(void *ctx, const mt_step *step);

/* Carries the plan out: each action re-validated just before it runs, journalled
 * (begin/done, fsync'ed) in the quarantine directory, safe to run again. Returns MT_OK
 * when it could run (single steps may still be skipped or failed: see each state), or
 * an error when the root or quarantine directory cannot be used. */
mt_err mt_respond_apply(mt_plan *plan, const mt_respond_opts *opts, mt_step_fn fn, void *ctx,
                        mt_diag_fn diag, void *dctx);

/* Runs the checks of the findings the plan acted on again, with the same root, into
 * report (the caller's, new). */
mt_err mt_respond_verify(const mt_plan *plan, const char *root, const mt_rules *rules,
                         mt_report *report);

/* The quarantine directory used when none is given: /var/lib/minetrace/quarantine for
 * the live root, ROOT/var/lib/minetrace/quarantine for a tree. */
void mt_quarantine_default(const char *root, char *out, size_t outlen);

typedef struct mt_qentry {
	const char *id;
	const char *kind; /* file, link, edit, flags */
	const char *path; /* inside the root */
	const char *time; /* when it was made, ISO 8601 */
	const char *finding;
	const char *sha256; /* content (file, edit) or "" */
	int restored;
} mt_qentry;
typedef void (*mt_qentry_fn)(void *ctx, const mt_qentry *e);

/* Lists the entries of the quarantine directory in id order (oldest first); qdir NULL:
 * the default inside root. The directory must be this user's, mode 0700 or stricter
 * (MT_ERR_PERM), reached without a symbolic link (MT_ERR_ESCAPE). */
mt_err mt_quarantine_list(const char *root, const char *qdir, mt_qentry_fn fn, void *ctx);

/* Puts entry id back under root exactly: content, owner, mode, atime/mtime, flags. why
 * receives the reason when it refuses (something else at the path, content damaged, an
 * edited file changed since the edit, a critical path, a set-id mode). force overrides
 * the last three, never a damaged entry. qdir NULL: the default inside root. A directory
 * on the way that is gone is made again (the recorded owner and mode of the one holding
 * the file, 0755 root for others; never through a link or over a file): on success why
 * then says which ("" otherwise). */
/* Takes the block respond --apply --firewall loaded off the live system: the quarantine's
 * firewall-undo.nft with nft, else firewall-undo.iptables with iptables-restore and
 * ip6tables-restore (--noflush). The file must be root's and written by no one else.
 * root must be "/". why gets what was done or why not. */
mt_err mt_restore_firewall(const char *root, const char *qdir, char *why, size_t whylen);
mt_err mt_restore(const char *root, const char *qdir, const char *id, int force, char *why,
                  size_t whylen);

#ifdef __cplusplus
}
#endif
#endif
