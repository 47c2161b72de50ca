/* walk.h - bounded walk of a directory tree inside the scan root: never follows a
 * symbolic link, never enters /proc or /sys (or a mount of them), caps depth and entries */
#ifndef MT_WALK_H
#define MT_WALK_H

#include "../internal.h"

typedef struct mt_walk_entry {
	const char *path;      /* inside the root, "/tmp/.x/a" */
	const char *name;      /* last component */
	const struct stat *st; /* lstat: a symlink is described as a symlink */
	unsigned depth;        /* 0 for the entries of the start directory */
	unsigned hidden_depth; /* how many components below the start begin with '.' */
} mt_walk_entry;

/* What the callback returns: go on, do not enter this directory, or stop the walk. */
#define MT_WALK_CONTINUE 0
#define MT_WALK_SKIP     1
#define MT_WALK_STOP     2

typedef int (*mt_walk_fn)(void *ctx, const mt_walk_entry *e);

typedef struct mt_walk_opts {
	unsigned max_depth; /* levels of entries seen (1: the start's own); 0: MT_MAX_DEPTH */
	size_t max_entries; /* 0 means MT_MAX_WALK_ENTRIES */
	const char *what;   /* names the walk in diagnostics ("files.suspicious") */
	unsigned flags;     /* MT_WALK_* below */
} mt_walk_opts;

#define MT_WALK_FOLLOW_START 0x1u /* the start may be a symlink (resolved inside the root) */
#define MT_WALK_SAME_DEVICE  0x2u /* do not enter directories of another file system */
#define MT_WALK_SCOPED       0x4u /* max_depth is the intended scope: no diagnostic for it */

/* Walks the tree under start (a directory of the root; a missing start is not an error;
 * a symlink as start is walked only with MT_WALK_FOLLOW_START)
 * depth first in name order, listing with getdents64 and describing every entry with
 * lstat. fn sees every entry (directories before their contents). Directories that
 * cannot be listed are recorded as diagnostics and skipped. *visited (may be NULL) gets
 * the number of entries seen. Returns MT_OK, MT_ERR_NOMEM, or MT_ERR_LIMIT when the
 * entry cap stopped it (also recorded as a diagnostic). */
mt_err mt_walk(mt_host *host, mt_report *rep, const char *start, const mt_walk_opts *o,
               mt_walk_fn fn, void *ctx, size_t *visited);

#endif
