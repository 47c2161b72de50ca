/* cmd_collect.c - "minetrace collect": the evidence bundle (证据固化) of this host or the
 * tree at --root, and --verify of a bundle */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "minetrace/collect.h"

static void problem(void *ctx, const char *p)
{
	(void)ctx;
	fprintf(stdout, "MISMATCH %s\n", CLI_ESC(p));
}

int cmd_collect(int argc, char **argv)
{
	const char *root = "/", *output = NULL, *verify = NULL;
	const char *rules_dirs[16];
	size_t nrules_dirs = 0;
	const cli_option table[] = {
		CLI_OPT_ROOT(root),
		CLI_VALUE(
			"--output", output, "BUNDLE.tar.gz",
			"the bundle to write (a new file); its SHA-256 goes to BUNDLE.tar.gz.sha256"),
		CLI_VALUE("--verify", verify, "BUNDLE.tar.gz",
	                  "check a bundle against its manifest and its .sha256"),
		CLI_OPT_RULES(rules_dirs, nrules_dirs),
	};
	const cli_command cmd = {
		.name = "collect",
		.usage = "[--root DIR] --output BUNDLE.tar.gz\n--verify BUNDLE.tar.gz",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.trailer =
			"exit status: 0 written (or verified), 1 --verify found a mismatch or damage, 2 error",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	char msg[1024] = "";
	if (verify) {
		unsigned problems = 0, members = 0;
		mt_err e = mt_collect_verify(verify, problem, NULL, &problems, &members, msg,
		                             sizeof(msg));
		if (e == MT_ERR_PARSE) { /* a flipped or cut byte: gzip or tar no longer whole */
			char line[1200];
			snprintf(line, sizeof(line), "the bundle is damaged: %s", msg);
			problem(NULL, line);
			problems++;
			e = MT_OK;
		}
		if (e != MT_OK) {
			cli_err("--verify %s: %s", CLI_ESC(verify),
			        msg[0] ? CLI_ESC(msg) : mt_strerror(e));
			return EXIT_ERROR;
		}
		printf("%s: %u members, %s\n", CLI_ESC(verify), members,
		       problems ? "MISMATCHES (see above)" : "all match the manifest");
		return problems ? EXIT_FINDINGS : EXIT_CLEAN;
	}
	if (!output) {
		cli_err("collect: --output BUNDLE.tar.gz is needed (or --verify BUNDLE)");
		return EXIT_ERROR;
	}
	mt_host *host = cli_open_root(root);
	if (!host)
		return EXIT_ERROR;
	mt_rules *rules = cli_load_rules(rules_dirs, nrules_dirs);
	if (!rules) {
		mt_host_close(host);
		return EXIT_ERROR;
	}
	cli_use_root_zone(host);
	fprintf(stderr, "minetrace: collecting the evidence of %s ...\n", CLI_ESC(root));
	mt_collect_stats st;
	mt_err e = mt_collect(host, rules, output, &st, msg, sizeof(msg));
	mt_rules_free(rules);
	mt_host_close(host);
	if (e != MT_OK) {
		cli_err("collect: %s", msg[0] ? CLI_ESC(msg) : mt_strerror(e));
		return EXIT_ERROR;
	}
	fprintf(stderr, "minetrace: %s: %u files (%llu bytes), %u named but not taken\n",
	        CLI_ESC(output), st.files, (unsigned long long)st.bytes, st.skipped);
	printf("%s  %s\n", st.sha256, CLI_ESC(output));
	return EXIT_CLEAN;
}
