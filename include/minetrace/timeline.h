/* timeline.h - public API of the attack timeline (溯源): log, file, process and account
 * events in one order, and the conclusion (initial access, window, artifacts, IPs) */
#ifndef MINETRACE_TIMELINE_H
#define MINETRACE_TIMELINE_H

#include "minetrace/minetrace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mt_timeline mt_timeline;

typedef struct mt_timeline_opts {
	int64_t since; /* events shown from (Unix seconds), MT_TIME_NONE for all */
	int64_t until;
	unsigned sample_ms; /* CPU sample of the live checks (live root only) */
} mt_timeline_opts;

void mt_timeline_opts_init(mt_timeline_opts *o);

/* Reads the logs of host, runs the file (and, on the live root, process) checks with
 * rules, and builds the ordered events and the conclusion. Times are shown in the
 * process's local zone (TZ): the CLI sets it from the root's /etc/localtime. *out is
 * the caller's (mt_timeline_free). Problems with single files are kept as diagnostics. */
mt_err mt_timeline_build(mt_host *host, const mt_rules *rules, const mt_timeline_opts *opts,
                         mt_timeline **out);
void mt_timeline_free(mt_timeline *tl); /* accepts NULL */

/* 1 when the evidence names an attack (artifacts or an initial access), else 0. */
int mt_timeline_has_attack(const mt_timeline *tl);
size_t mt_timeline_event_count(const mt_timeline *tl);

/* Text: the events, then the conclusion in the chosen language, every host string
 * escaped. JSON Lines: one "event" object per event, then one "conclusion". */
mt_err mt_timeline_write_text(const mt_timeline *tl, const mt_output_opts *opts, mt_write_fn write,
                              void *ctx);
mt_err mt_timeline_write_json(const mt_timeline *tl, const mt_output_opts *opts, mt_write_fn write,
                              void *ctx);

#ifdef __cplusplus
}
#endif
#endif
