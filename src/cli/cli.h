/* cli.h - shared helpers of the minetrace command-line tool */
#ifndef MT_CLI_H
#define MT_CLI_H

#include <stdio.h>

#include "minetrace/minetrace.h"

#define EXIT_CLEAN    0
#define EXIT_FINDINGS 1
#define EXIT_ERROR    2

/* ---- Options: one table per subcommand, one parser (opts.c) ------------------- */

typedef enum cli_kind {
	CLI_KIND_FLAG, /* --name: *flag = 1 */
	CLI_KIND_VALUE, /* --name VALUE or --name=VALUE: *value = VALUE; given twice, the last wins */
	CLI_KIND_LIST, /* repeatable --name VALUE: list[(*count)++] = VALUE, at most max times */
} cli_kind;

/* One option of a subcommand: where its value goes and the line --help shows for it.
 * Build it with CLI_FLAG, CLI_VALUE or CLI_LIST; the pointers are the command's locals. */
typedef struct cli_option {
	const char *name; /* "--root" */
	cli_kind kind;
	int *flag;           /* CLI_KIND_FLAG */
	const char **value;  /* CLI_KIND_VALUE */
	const char **list;   /* CLI_KIND_LIST: max slots */
	size_t *count;       /* CLI_KIND_LIST: how many are filled */
	size_t max;          /* CLI_KIND_LIST */
	const char *metavar; /* "DIR" in "--root DIR"; NULL for a flag */
	const char *help;    /* one line of English for --help */
} cli_option;

#define CLI_FLAG(n, var, h)                                                     \
	{                                                                       \
		.name = (n), .kind = CLI_KIND_FLAG, .flag = &(var), .help = (h) \
	}
#define CLI_VALUE(n, var, mv, h)                                                                   \
	{                                                                                          \
		.name = (n), .kind = CLI_KIND_VALUE, .value = &(var), .metavar = (mv), .help = (h) \
	}
#define CLI_LIST(n, arr, cnt, mv, h)                                                \
	{                                                                           \
		.name = (n), .kind = CLI_KIND_LIST, .list = (arr), .count = &(cnt), \
		.max = CLI_COUNT(arr), .metavar = (mv), .help = (h)                 \
	}
#define CLI_COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

/* The options several subcommands share, alike in each. */
#define CLI_OPT_ROOT(var) \
	CLI_VALUE("--root", var, "DIR", "the tree of a mounted image or copied system (default /)")
#define CLI_OPT_RULES(arr, cnt) CLI_LIST("--rules", arr, cnt, "DIR", "the *.rules files of DIR too")
#define CLI_OPT_LANG(var) \
	CLI_VALUE("--lang", var, "en|zh", "the language (default from LC_ALL, LC_MESSAGES, LANG)")
#define CLI_OPT_FAIL_ON(var)               \
	CLI_VALUE("--fail-on", var, "SEV", \
	          "exit 1 from SEV up: info, low, medium, high, critical (default medium)")

/* A subcommand's whole command line: its options, its positional arguments, its help. */
typedef struct cli_command {
	const char *name;       /* "scan", "rules list": in messages and the usage */
	const char *usage;      /* the forms after "minetrace NAME", one per line */
	const cli_option *opts; /* nopts entries */
	size_t nopts;
	/* positional arguments: up to max_args into args[], *nargs of them; with max_args 0
	 * any other argument is an unknown option */
	const char **args;
	size_t *nargs;
	size_t max_args;
	int dash_is_arg;       /* a lone "-" (standard input) is an argument, not an option */
	const char *args_name; /* "FILE..." for --help; NULL: no line */
	const char *args_help;
	/* printf format of the error for one argument too many; a %s in it, if any, is the
	 * argument (escaped) */
	const char *args_too_many;
	const char *trailer; /* printed after the options by --help; NULL: none */
} cli_command;

typedef enum cli_result {
	CLI_OK,    /* parsed: the command runs */
	CLI_HELP,  /* -h or --help: the usage is on stdout, exit EXIT_CLEAN */
	CLI_USAGE, /* a usage error, its message on stderr: exit EXIT_ERROR */
} cli_result;

/* Walks argv[1..argc-1] in order: "--name VALUE" and "--name=VALUE" for values (the next
 * argument is taken as the value whatever it looks like), "--name" for flags, positional
 * arguments into cmd->args. Stops at the first -h or --help (usage to stdout) or error
 * (message to stderr, with any argument of the command line escaped). The stored values
 * point into argv. */
cli_result cli_parse(const cli_command *cmd, int argc, char **argv);
/* The usage of cmd, generated from its table, to f. */
void cli_usage(const cli_command *cmd, FILE *f);
/* The exit status for a result other than CLI_OK. */
#define CLI_EXIT(r) ((r) == CLI_HELP ? EXIT_CLEAN : EXIT_ERROR)

/* ---- Messages ----------------------------------------------------------------- */

/* s for a terminal, into buf (size bytes, at least 4): controls, DEL, C1 and invalid UTF-8
 * as \xNN, a backslash doubled, cut with "..." where buf is full. Returns buf. */
const char *cli_esc(const char *s, char *buf, size_t size);
#define CLI_ESC_SIZE (MT_MAX_SHOWN_STRING + 4)
/* cli_esc into a buffer that lives until the end of the enclosing block: for arguments of
 * cli_err, e.g. cli_err("--format %s: ...", CLI_ESC(format)). */
#define CLI_ESC(s)   cli_esc((s), (char[CLI_ESC_SIZE]){0}, CLI_ESC_SIZE)
/* The length of the valid UTF-8 sequence at p (1 for ASCII), 0 when it is not one. */
size_t cli_utf8_len(const unsigned char *p);

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes a string to stderr with control characters escaped. */
void cli_err_escaped(const char *s);
void cli_diag(void *ctx, const char *file, unsigned line, const char *msg);

int cli_write_file(void *ctx, const char *data, size_t len);
/* Opens --output: created 0600, never through a symlink. NULL and a message on error. */
FILE *cli_open_output(const char *path);
/* A report file (or "-": standard input), whole, at most MT_MAX_REPORT bytes, into a
 * malloc'd NUL-terminated buffer; -1 with the message printed. */
int cli_read_report(const char *path, char **data, size_t *len);
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
int cmd_timeline(int argc, char **argv);
int cmd_fleet(int argc, char **argv);      /* cmd_fleet.c */
int cmd_fleet_scan(int argc, char **argv); /* fleet_scan.c */
int cmd_collect(int argc, char **argv);    /* cmd_collect.c */
int cmd_pcap(int argc, char **argv);       /* cmd_pcap.c */
int cmd_respond(int argc, char **argv);    /* cmd_respond.c */
int cmd_restore(int argc, char **argv);    /* cmd_respond.c */

#endif
