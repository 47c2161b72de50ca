/* cli.h - shared helpers of the minetrace command-line tool */
#ifndef MT_CLI_H
#define MT_CLI_H

#include <stdio.h>

#include "minetrace/minetrace.h"

#define EXIT_CLEAN    0
#define EXIT_FINDINGS 1
#define EXIT_ERROR    2

/* Argument cursor for "--name value" and "--name=value". */
typedef struct cli_args {
	int argc;
	char **argv;
	int i;
} cli_args;

/* Matches option name at argv[i]; stores its value (from "=" or the next argument).
 * Returns 1 when matched, 0 when not, -1 when the value is missing (error printed). */
int cli_opt(cli_args *a, const char *name, const char **value);
int cli_flag(cli_args *a, const char *name);

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes a string to stderr with control characters escaped. */
void cli_err_escaped(const char *s);
void cli_diag(void *ctx, const char *file, unsigned line, const char *msg);

int cli_write_file(void *ctx, const char *data, size_t len);
/* Opens --output: created 0600, never through a symlink. NULL and a message on error. */
FILE *cli_open_output(const char *path);
mt_lang cli_default_lang(void);
int cli_parse_lang(const char *s, mt_lang *out);

/* Sets TZ to the scanned root's etc/localtime (opened inside the root), UTC without one;
 * nothing for the live root. Times without an offset and log times use it. */
void cli_use_root_zone(mt_host *host);

/* The built-in rules plus each --rules directory; NULL and a message on error. */
mt_rules *cli_load_rules(const char *const *dirs, size_t ndirs);
/* Opens --root (a directory; MINETRACE_NO_OPENAT2=1 forces the portable walk) and takes
 * its time zone; NULL and a message on error. */
mt_host *cli_open_root(const char *root);
/* Parses --since and --until (either may be NULL) into *s and *u; -1 and a message. */
int cli_parse_window(const char *since, const char *until, int64_t *s, int64_t *u);

int cmd_scan(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_timeline(int argc, char **argv); /* cmd_timeline.c */
int cmd_pcap(int argc, char **argv);     /* cmd_pcap.c */
int cmd_respond(int argc, char **argv);  /* cmd_respond.c */
int cmd_restore(int argc, char **argv);  /* cmd_respond.c */

#endif
