/* fleet.h - many hosts' reports in one database: which hosts are infected, how the attack
 * spread between them and which host was first (patient zero) */
#ifndef MINETRACE_FLEET_H
#define MINETRACE_FLEET_H

#include "minetrace/minetrace.h"

typedef struct mt_fleet mt_fleet;

/* Opens (creating it and applying the schema's migrations) the SQLite database at path.
 * On failure *out is NULL and msg says why. */
mt_err mt_fleet_open(const char *path, mt_fleet **out, char *msg, size_t msglen);
void mt_fleet_close(mt_fleet *f);

/* What one ingest did. */
typedef enum mt_ingest_result {
	MT_INGEST_ADDED = 0, /* a new report */
	MT_INGEST_KNOWN,     /* the same report (same bytes) was there: nothing changed */
} mt_ingest_result;

/* Stores one report (the JSON Lines of scan, timeline or pcap --format json). name is
 * for messages. A report that is not one of ours is refused (MT_ERR_PARSE, msg says
 * which line); nothing of a refused report is stored. */
mt_err mt_fleet_ingest(mt_fleet *f, const char *name, const char *data, size_t len,
                       mt_ingest_result *res, char *msg, size_t msglen);

typedef enum mt_fleet_format {
	MT_FLEET_TEXT = 0,
	MT_FLEET_JSON, /* JSON Lines */
	MT_FLEET_HTML, /* one self-contained page: the propagation graph, per-host strips */
} mt_fleet_format;

/* The fleet report: per host, the propagation between hosts, the attempts, patient zero
 * and the groups of hosts sharing a miner, a pool or a missing patch, in lang.
 * *infected: the number of infected hosts. */
mt_err mt_fleet_report(mt_fleet *f, mt_fleet_format format, mt_lang lang, mt_write_fn write,
                       void *ctx, unsigned *infected);

#endif
