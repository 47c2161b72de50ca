/* cmd_rules.c - "minetrace rules list|check": show and validate rules packs */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_escaped(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

typedef struct check_ctx {
	unsigned errors;
} check_ctx;

static void count_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	((check_ctx *)ctx)->errors++;
	cli_diag(NULL, file, line, msg);
}

/* "rules check DIR": every file of DIR, its errors as file:line; 1 when any has one. */
static int rules_check(int argc, char **argv)
{
	const char *dir = NULL;
	size_t ndirs = 0;
	const cli_command cmd = {
		.name = "rules check",
		.usage = "DIR",
		.args = &dir,
		.nargs = &ndirs,
		.max_args = 1,
		.args_name = "DIR",
		.args_help = "a directory of *.rules files to validate",
		.args_too_many = "usage: minetrace rules check DIR",
		.trailer = "exit status: 0 every entry valid, 1 files with errors (file:line on "
			   "stderr), 2 DIR not read",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	if (!dir) {
		cli_err("usage: minetrace rules check DIR");
		return EXIT_ERROR;
	}
	mt_rules *r;
	if (mt_rules_new(&r) != MT_OK) {
		cli_err("out of memory");
		return EXIT_ERROR;
	}
	int rc = EXIT_CLEAN;
	check_ctx cc = {0};
	mt_err e = mt_rules_load_dir(r, dir, count_diag, &cc);
	if (e == MT_ERR_NOENT || e == MT_ERR_NOTDIR || e == MT_ERR_PERM) {
		rc = EXIT_ERROR;
	} else if (cc.errors || e != MT_OK) {
		fprintf(stderr, "minetrace: %u file(s) with errors; %zu entries valid\n", cc.errors,
		        mt_rules_count(r));
		rc = EXIT_FINDINGS;
	} else {
		printf("%zu entries valid\n", mt_rules_count(r));
	}
	mt_rules_free(r);
	if (fflush(stdout) != 0 && rc == EXIT_CLEAN)
		rc = EXIT_ERROR;
	return rc;
}

/* "rules list": the built-in rules and those of each --rules DIR, one line each. */
static int rules_list(int argc, char **argv)
{
	const char *dirs[16];
	size_t ndirs = 0;
	const cli_option table[] = {
		CLI_OPT_RULES(dirs, ndirs),
	};
	const cli_command cmd = {
		.name = "rules list",
		.usage = "[options]",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.trailer = "one line per entry: kind, value, family, severity, file:line, source",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	mt_rules *r;
	if (mt_rules_new(&r) != MT_OK) {
		cli_err("out of memory");
		return EXIT_ERROR;
	}
	int rc = EXIT_CLEAN;
	if (mt_rules_load_builtin(r, cli_diag, NULL) != MT_OK) {
		rc = EXIT_ERROR;
		goto out;
	}
	for (size_t i = 0; i < ndirs; i++)
		if (mt_rules_load_dir(r, dirs[i], cli_diag, NULL) != MT_OK) {
			rc = EXIT_ERROR;
			goto out;
		}
	printf("# kind\tvalue\tfamily\tseverity\tfile:line\tsource\n");
	for (size_t i = 0; i < mt_rules_count(r); i++) {
		mt_rule_info ri;
		mt_rules_get(r, i, &ri);
		printf("%s\t", ri.kind);
		print_escaped(ri.value);
		printf("\t%s\t%s\t", ri.family[0] ? ri.family : "-",
		       ri.has_sev ? mt_severity_name(ri.sev) : "-");
		print_escaped(ri.file);
		printf(":%u\t", ri.line);
		print_escaped(ri.source);
		putchar('\n');
	}
out:
	mt_rules_free(r);
	if (fflush(stdout) != 0 && rc == EXIT_CLEAN)
		rc = EXIT_ERROR;
	return rc;
}

int cmd_rules(int argc, char **argv)
{
	const cli_command cmd = {
		.name = "rules",
		.usage = "list [--rules DIR]...\n"
			 "check DIR",
		.trailer = "minetrace rules list --help and minetrace rules check --help tell more",
	};
	if (argc < 2) {
		cli_err("usage: minetrace rules list [--rules DIR] | check DIR");
		return EXIT_ERROR;
	}
	if (strcmp(argv[1], "check") == 0)
		return rules_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return rules_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_usage(&cmd, stdout);
		return EXIT_CLEAN;
	}
	cli_err("unknown rules command '%s' (list or check)", CLI_ESC(argv[1]));
	return EXIT_ERROR;
}
