/* timeline_int.h - the attack timeline (溯源), declarations shared by its stages and by
 * them only (src/lib/timeline/): build.c reads the logs, runs the scans and calls the
 * stages; the window and its artifacts come from window.h; conclude.c draws the other
 * conclusions (attacker IPs, passwords, brute force); events.c gathers the events in one
 * order; output.c writes them and the conclusion */
#ifndef MT_TIMELINE_INT_H
#define MT_TIMELINE_INT_H

#include "collect/hostid.h"
#include "internal.h"
#include "logs/logs.h"
#include "minetrace/timeline.h"
#include "window.h"

/* Failures from one address that make it a brute-forcer. */
#define TL_BRUTE_MIN 3
#define TL_MAX_IPS   64

typedef struct tl_event {
	int64_t time;
	size_t seq;
	char *source; /* raw; NULL for a log event rendered when written */
	const char *what;
	char *text[MT_LANG_COUNT]; /* escaped for a terminal */
	char *json;                /* the evidence object, JSON */
	const struct mt_logev *le; /* a log event, rendered when written */
	const struct tl_brute *fa; /* or the failures of one source */
} tl_event;

typedef struct tl_brute {
	char ip[MT_LOG_IP];
	char users[96];
	uint64_t failures, invalid;
	int64_t first, last;
	int64_t success; /* first success after the failures, MT_TIME_NONE */
	char success_user[MT_LOG_USER];
	char method[24];
} tl_brute;

struct mt_timeline {
	tl_event *ev;
	size_t n, cap;
	uint64_t dropped;
	/* conclusion */
	int has_access;
	mt_logev access;
	char access_source[256];
	uint64_t access_failures;
	int access_failures_unknown; /* some not counted by name: "at least" */
	size_t access_candidates;    /* successful logins in the look-back period */
	const char *access_why;      /* why this one: pam_session, wtmp, only, ... */
	int64_t wstart, wend;
	const char *anchor; /* what placed the window: artifact_mtimes, ... */
	mt__artifacts arts; /* the attacker's files, timestomped ones counted (window.h) */
	char ips[TL_MAX_IPS][MT_LOG_IP];
	size_t nips;
	tl_brute *brute;
	size_t nbrute;
	char pw_users[8][MT_LOG_USER];
	size_t npw;
	char keys[8][MT_LOG_DETAIL];
	size_t nkeys;
	/* what was read */
	uint64_t lines, skipped, events_read;
	size_t nlogs;
	char **diag;
	size_t ndiag, diag_total;
	mt_logs *logs; /* the log events the lazy events point into */
	/* who: the host_info record (from the scan the timeline runs) */
	mt_hostid host;
	int has_host;
	int64_t built; /* when the timeline was made (unix seconds) */
	char root[MT_MAX_PATH];
};

/* An event builder: text in both languages (host strings escaped) and JSON evidence. */
#define W_EN   1u
#define W_ZH   2u
#define W_JSON 4u
#define W_ALL  7u

typedef struct evb {
	mt_buf t[MT_LANG_COUNT];
	mt_buf j;
	int nj;
	unsigned want; /* W_EN, W_ZH, W_JSON: what to render */
	mt_err err;
} evb;

/* ---- events.c: building and rendering events ------------------------------------ */

void mt__tl_evb_init(evb *b);
void mt__tl_evb_free(evb *b);
/* Printable ASCII without quote or backslash, at most 200 bytes: needs no escaping in
 * text or JSON. */
int mt__tl_plain(const char *s, size_t n);
/* mt_time_iso, with the zone offset cached per quarter hour. */
void mt__tl_iso(int64_t t, char *out, size_t n);
/* Whether t is inside the --since/--until of o. */
int mt__tl_wanted(const mt_timeline_opts *o, int64_t t);
/* The path of log file i of l, "?" when out of range (a pointer into l). */
const char *mt__tl_file_name(const mt_logs *l, uint32_t i);
/* Whether log events of e's kind are shown in the timeline. */
int mt__tl_shown_kind(const mt_logev *e);
/* Adds the event of a log event le or of the failures fa of one source, rendered only
 * when written (both must outlive tl). MT_ERR_NOMEM; over MT_MAX_TL_EVENTS it is counted
 * as dropped. */
mt_err mt__tl_lazy_add(mt_timeline *tl, int64_t t, const mt_logev *le, const tl_brute *fa);
/* The text (in the language of want), JSON evidence and source of event e: pre-rendered,
 * or rendered now into scratch (valid until scratch is reset or freed). */
void mt__tl_event_parts(const mt_timeline *tl, const tl_event *e, evb *scratch, unsigned want,
                        const char **text, const char **json, const char **source);
/* The events of the artifacts' mtimes and ctimes, of the processes the findings of r saw
 * start, and of the suspicious commands and tampered files of the shell histories of l;
 * inside the --since/--until of o. MT_ERR_NOMEM. */
mt_err mt__tl_file_events(mt_timeline *tl, const mt_timeline_opts *o);
mt_err mt__tl_process_events(mt_timeline *tl, const mt_report *r, const mt_timeline_opts *o);
mt_err mt__tl_history_events(mt_timeline *tl, const mt_logs *l, const mt_rules *rules,
                             const mt_timeline_opts *o);

/* ---- conclude.c: attacker IPs, users, brute force ----------------------------- */

/* Adds an attacker address (once; "" is none; at most TL_MAX_IPS). */
void mt__tl_add_ip(mt_timeline *tl, const char *ip);
/* Whether a login of this method proves the password. */
int mt__tl_pw_method(const char *m);
/* Adds a user whose password must change (once, at most 8). */
void mt__tl_add_pw_user(mt_timeline *tl, const char *u);
/* Failures per source address of l into tl->brute, with each source's first success
 * after its first failure. MT_ERR_NOMEM. */
mt_err mt__tl_find_brute(mt_timeline *tl, const mt_logs *l);
/* With no artifact to place the attack: a password login right after a brute force from
 * the same address is the initial access, and places the window when none is. Needs
 * mt__tl_find_brute first. */
void mt__tl_access_from_brute(mt_timeline *tl, const mt_logs *l);

#endif
