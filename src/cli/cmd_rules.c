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

int cmd_rules(int argc, char **argv)
{
	if (argc < 2) {
		cli_err("usage: minetrace rules list [--rules DIR] | check DIR");
		return EXIT_ERROR;
	}
	mt_rules *r;
	if (mt_rules_new(&r) != MT_OK) {
		cli_err("out of memory");
		return EXIT_ERROR;
	}
	int rc = EXIT_CLEAN;
	if (strcmp(argv[1], "check") == 0) {
		if (argc != 3) {
			cli_err("usage: minetrace rules check DIR");
			rc = EXIT_ERROR;
			goto out;
		}
		check_ctx cc = {0};
		mt_err e = mt_rules_load_dir(r, argv[2], count_diag, &cc);
		if (e == MT_ERR_NOENT || e == MT_ERR_NOTDIR || e == MT_ERR_PERM) {
			rc = EXIT_ERROR;
		} else if (cc.errors || e != MT_OK) {
			fprintf(stderr, "minetrace: %u file(s) with errors; %zu entries valid\n",
			        cc.errors, mt_rules_count(r));
			rc = EXIT_FINDINGS;
		} else {
			printf("%zu entries valid\n", mt_rules_count(r));
		}
		goto out;
	}
	if (strcmp(argv[1], "list") != 0) {
		cli_err("unknown rules command '%s' (list or check)", argv[1]);
		rc = EXIT_ERROR;
		goto out;
	}
	if (mt_rules_load_builtin(r, cli_diag, NULL) != MT_OK) {
		rc = EXIT_ERROR;
		goto out;
	}
	cli_args a = {argc, argv, 2};
	for (; a.i < argc; a.i++) {
		const char *v;
		int m = cli_opt(&a, "--rules", &v);
		if (m < 0) {
			rc = EXIT_ERROR;
			goto out;
		}
		if (m == 0) {
			cli_err("unknown option '%s' for rules list", argv[a.i]);
			rc = EXIT_ERROR;
			goto out;
		}
		if (mt_rules_load_dir(r, v, cli_diag, NULL) != MT_OK) {
			rc = EXIT_ERROR;
			goto out;
		}
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
