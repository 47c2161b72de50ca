/* window.h - the attack window the evidence gives (window.c): the attacker's files among
 * the findings of a scan, the last burst of their times and the login before it. Shared by
 * scan.c (files.window without --since) and the timeline (timeline/), and calling neither:
 * the timeline runs the scan, the scan never runs the timeline. */
#ifndef MT_WINDOW_H
#define MT_WINDOW_H

#include "internal.h"
#include "logs/logs.h"

/* Artifacts closer than this to the next one belong to the same burst of activity. */
#define MT__BURST_GAP     (6 * 3600)
/* The login that gave access happened at most this long before the first artifact. */
#define MT__ACCESS_BEFORE (24 * 3600)
#define MT__MAX_ARTIFACTS 256

/* One file the attacker left (or, in_window_only, that changed inside the window). */
typedef struct mt__artifact {
	char path[256];
	char check[40];
	mt_severity sev;
	int64_t mtime, ctime;
	long mtime_ns;
	int64_t when; /* the time it places the burst at: mtime, the ctime of a
	                     * timestomped file on the live host, MT_TIME_NONE when stomped */
	int stomped;  /* shares its exact mtime with another artifact: set with touch */
	uint64_t dev, ino;
	int in_window_only; /* files.window: changed inside the window, not flagged */
} mt__artifact;

/* The files the attacker left, as the findings of one or more scans name them. */
typedef struct mt__artifacts {
	mt__artifact art[MT__MAX_ARTIFACTS];
	size_t nart;
	size_t nstomped; /* artifacts with identical mtimes (timestomping?) */
} mt__artifacts;

/* Adds to set the files the findings of r name, but for the hardening, auth, logs and
 * history checks: the path and the program of the command or exe of a finding at high or
 * above, the path of a files.window finding at low or above (in_window_only). A file
 * already in set (by path, or by device and inode) keeps its one entry; what is not a
 * regular file of the root, and what is over MT__MAX_ARTIFACTS, is left out. */
void mt__collect_artifacts(mt__artifacts *set, mt_host *host, const mt_report *r);
/* Marks the artifacts whose shared exact mtimes say they were set with touch (stomped)
 * and counts them in set->nstomped; the time such a one places the burst at (when) is
 * then its ctime on the live host (live) when later than its mtime, else MT_TIME_NONE. */
void mt__mark_stomped(mt__artifacts *set, int live);
/* The last burst of the artifacts' times from from on (MT_TIME_NONE: all), timestomped
 * mtimes only with stomped. 1 with *first and *last, 0 when there is none. */
int mt__artifact_burst(const mt__artifacts *set, int64_t from, int stomped, int64_t *first,
                       int64_t *last);
/* The initial access among the successful logins of l (sorted) before t, within
 * MT__ACCESS_BEFORE; NULL when none. *ncand gets the number of candidates, *why the
 * reason of the choice (a static string): pam_session, wtmp, wtmp_only, only,
 * latest_unbacked. The event lives as long as l. */
const mt_logev *mt__access_before(const mt_logs *l, int64_t t, size_t *ncand, const char **why);
/* The latest burst of the attacker's own commands (judged with rules, or without rules
 * the history.suspicious findings of r; r may then be NULL) and account changes that a
 * login precedes: 1 with *first, *last, the access *acc and what mt__access_before gives
 * for it, else 0. */
int mt__anchor_on_attacker(const mt_logs *l, const mt_rules *rules, const mt_report *r,
                           int64_t *first, int64_t *last, const mt_logev **acc, size_t *ncand,
                           const char **why);

/* The attack window the findings of r give: from the login closest before the first
 * attacker artifact (or that artifact) to the last one. MT_ERR_NOENT when the findings
 * name no artifact, MT_ERR_NOMEM. l may be NULL. */
mt_err mt_attack_window(mt_host *host, const mt_report *r, const mt_logs *l, int64_t *since,
                        int64_t *until);

#endif
