/* opts.c - the command-line parser of every subcommand: option tables in, values out,
 * usage errors and --help generated from the table */
#include <string.h>

#include "cli.h"

/* The help column: "--name METAVAR" wider than this gets its help on the next line. */
#define HELP_COL 26

/* The option of the table that arg names ("--name" or "--name=..."); *inline_value is the
 * part after '=' (NULL without one). A flag never takes "=VALUE". */
static const cli_option *find(const cli_command *c, const char *arg, const char **inline_value)
{
	*inline_value = NULL;
	for (size_t i = 0; i < c->nopts; i++) {
		const cli_option *o = &c->opts[i];
		size_t n = strlen(o->name);
		if (strncmp(arg, o->name, n) != 0)
			continue;
		if (arg[n] == '\0')
			return o;
		if (arg[n] == '=' && o->kind != CLI_KIND_FLAG) {
			*inline_value = arg + n + 1;
			return o;
		}
	}
	return NULL;
}

static void unknown(const cli_command *c, const char *arg)
{
	cli_err("unknown option '%s' for %s (see minetrace %s --help)", CLI_ESC(arg), c->name,
	        c->name);
}

cli_result cli_parse(const cli_command *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			cli_usage(c, stdout);
			return CLI_HELP;
		}
		if (arg[0] != '-' || (arg[1] == '\0' && c->dash_is_arg)) {
			if (c->max_args == 0) {
				unknown(c, arg);
				return CLI_USAGE;
			}
			if (*c->nargs >= c->max_args) {
				cli_err(c->args_too_many, CLI_ESC(arg));
				return CLI_USAGE;
			}
			c->args[(*c->nargs)++] = arg;
			continue;
		}
		const char *v;
		const cli_option *o = find(c, arg, &v);
		if (!o) {
			unknown(c, arg);
			return CLI_USAGE;
		}
		if (o->kind == CLI_KIND_FLAG) {
			*o->flag = 1;
			continue;
		}
		if (!v) {
			if (i + 1 >= argc) {
				cli_err("option %s needs a value", o->name);
				return CLI_USAGE;
			}
			v = argv[++i];
		}
		if (o->kind == CLI_KIND_VALUE) {
			*o->value = v;
			continue;
		}
		if (*o->count >= o->max) {
			cli_err("too many %s options (at most %zu)", o->name, o->max);
			return CLI_USAGE;
		}
		o->list[(*o->count)++] = v;
	}
	return CLI_OK;
}

/* "  LEFT   HELP": the help in its column (two spaces at least after LEFT), or on the next
 * line when LEFT is wider. */
static void help_line(FILE *f, const char *left1, const char *left2, const char *help,
                      const char *extra)
{
	int w = fprintf(f, "  %s%s%s", left1, left2 ? " " : "", left2 ? left2 : "");
	if (w < 0)
		return;
	if (w > HELP_COL)
		fprintf(f, "\n%*s", HELP_COL + 2, "");
	else
		fprintf(f, "%*s", HELP_COL + 2 - w, "");
	fprintf(f, "%s%s\n", help, extra ? extra : "");
}

void cli_usage(const cli_command *c, FILE *f)
{
	const char *form = c->usage;
	int first = 1;
	do {
		const char *nl = strchr(form, '\n');
		int len = nl ? (int)(nl - form) : (int)strlen(form);
		fprintf(f, "%s minetrace %s%s%.*s\n", first ? "usage:" : "      ", c->name,
		        len ? " " : "", len, form);
		first = 0;
		form = nl ? nl + 1 : NULL;
	} while (form);
	if (c->args_name) {
		fputs("\narguments:\n", f);
		help_line(f, c->args_name, NULL, c->args_help, NULL);
	}
	fputs("\noptions:\n", f);
	for (size_t i = 0; i < c->nopts; i++) {
		const cli_option *o = &c->opts[i];
		char extra[64] = "";
		if (o->kind == CLI_KIND_LIST)
			snprintf(extra, sizeof(extra), " (repeatable, at most %zu)", o->max);
		help_line(f, o->name, o->metavar, o->help, extra);
	}
	help_line(f, "-h, --help", NULL, "print this help and exit", NULL);
	if (c->trailer)
		fprintf(f, "\n%s\n", c->trailer);
}
