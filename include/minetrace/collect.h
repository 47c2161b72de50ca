/* collect.h - the evidence bundle (证据固化): the files findings point at, the logs, hives
 * and persistence files of the host, live process and socket listings, the reports, and
 * a manifest with every file's SHA-256, size, times and owner, in one .tar.gz whose own
 * SHA-256 is written beside it */
#ifndef MINETRACE_COLLECT_H
#define MINETRACE_COLLECT_H

#include "minetrace/minetrace.h"

typedef struct mt_collect_stats {
	unsigned files, skipped; /* collected; named but not taken (too large, not regular) */
	uint64_t bytes;
	char sha256[65]; /* of the bundle */
} mt_collect_stats;

/* Writes the bundle for host to output (a new file). msg says why on failure. */
mt_err mt_collect(mt_host *host, const mt_rules *rules, const char *output, mt_collect_stats *st,
                  char *msg, size_t msglen);

/* Checks a bundle: the .sha256 beside it (when there), then every member against the
 * manifest and the manifest against the members. fn gets one line per problem;
 * *problems their count. */
typedef void (*mt_verify_fn)(void *ctx, const char *problem);
mt_err mt_collect_verify(const char *bundle, mt_verify_fn fn, void *ctx, unsigned *problems,
                         unsigned *members, char *msg, size_t msglen);

#endif
