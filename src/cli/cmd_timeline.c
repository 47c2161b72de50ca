/* cmd_timeline.c - "minetrace timeline": the events of the logs, files and processes in
 * one order and the conclusion (initial access, window, artifacts, attacker IPs) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "minetrace/timeline.h"

int cmd_timeline(int argc, char **argv)
{
	const char *root = "/", *since = NULL, *until = NULL, *format = "text";
	const char *output = NULL, *lang_s = NULL, *sample = NULL;
	const char *rules_dirs[16];
	size_t nrules_dirs = 0;
	const cli_option table[] = {
		CLI_OPT_ROOT(root),
		CLI_VALUE("--since", since, "T",
	                  "events from T on: YYYY-MM-DD HH:MM[:SS] or ISO 8601 with an offset"),
		CLI_VALUE("--until", until, "T", "events up to T (the same forms)"),
		CLI_VALUE("--format", format, "text|json", "the timeline's format (default text)"),
		CLI_VALUE("--output", output, "FILE",
	                  "the timeline into FILE (a new 0600 file) instead of standard output"),
		CLI_OPT_LANG(lang_s),
		CLI_OPT_RULES(rules_dirs, nrules_dirs),
		CLI_VALUE("--sample", sample, "SECONDS",
	                  "the CPU sample of the live processes, 0 to 60 (default 1, 0 skips it)"),
	};
	const cli_command cmd = {
		.name = "timeline",
		.usage = "[options]",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.trailer =
			"exit status: 0 no attack found, 1 the evidence names an attack, 2 error",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	mt_lang lang = cli_default_lang();
	if (lang_s && cli_parse_lang(lang_s, &lang) != 0) {
		cli_err("--lang must be en or zh, not '%s'", CLI_ESC(lang_s));
		return EXIT_ERROR;
	}
	int json = 0;
	if (strcmp(format, "json") == 0) {
		json = 1;
	} else if (strcmp(format, "html") == 0) {
		cli_err("--format html is not in this version yet; use text or json");
		return EXIT_ERROR;
	} else if (strcmp(format, "text") != 0) {
		cli_err("--format must be text or json, not '%s'", CLI_ESC(format));
		return EXIT_ERROR;
	}
	mt_timeline_opts opts;
	mt_timeline_opts_init(&opts);
	if (sample) {
		char *end;
		errno = 0;
		double secs = strtod(sample, &end);
		if (errno || end == sample || *end || secs < 0 || secs > 60) {
			cli_err("--sample must be seconds between 0 and 60, not '%s'",
			        CLI_ESC(sample));
			return EXIT_ERROR;
		}
		opts.sample_ms = (unsigned)(secs * 1000 + 0.5);
	}
	int rc = EXIT_ERROR;
	mt_host *host = NULL;
	mt_rules *rules = NULL;
	mt_timeline *tl = NULL;
	FILE *out = stdout;
	mt_err e;
	if (!(host = cli_open_root(root)))
		return EXIT_ERROR;
	if (cli_parse_window(since, until, &opts.since, &opts.until) != 0 ||
	    !(rules = cli_load_rules(rules_dirs, nrules_dirs)))
		goto done;
	if (output && !(out = cli_open_output(output))) {
		out = stdout;
		goto done;
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "minetrace: reading the logs of %s ...\n", CLI_ESC(root));
	e = mt_timeline_build(host, rules, &opts, &tl);
	if (e != MT_OK) {
		cli_err("timeline failed: %s", mt_strerror(e));
		goto done;
	}
	mt_output_opts oo = {lang, !json && !output && isatty(fileno(out)) && !getenv("NO_COLOR"),
	                     0};
	e = json ? mt_timeline_write_json(tl, &oo, cli_write_file, out)
	         : mt_timeline_write_text(tl, &oo, cli_write_file, out);
	if (e == MT_OK && fflush(out) != 0)
		e = MT_ERR_IO;
	if (e != MT_OK) {
		cli_err("writing the timeline: %s", output ? strerror(errno) : mt_strerror(e));
		goto done;
	}
	rc = mt_timeline_has_attack(tl) ? EXIT_FINDINGS : EXIT_CLEAN;
done:
	if (out != stdout && fclose(out) != 0 && rc != EXIT_ERROR) {
		cli_err("--output %s: %s", CLI_ESC(output), strerror(errno));
		rc = EXIT_ERROR;
	}
	mt_timeline_free(tl);
	mt_rules_free(rules);
	mt_host_close(host);
	return rc;
}
