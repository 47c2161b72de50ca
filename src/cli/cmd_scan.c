/* cmd_scan.c - "minetrace scan": options, rules, host, report, exit status */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void list_checks(mt_lang lang)
{
	printf("# id\tATT&CK\tseverity\tscope\tsystems\ttitle\n");
	for (size_t i = 0; i < mt_checks_count(); i++) {
		const mt_check_info *c = mt_checks_get(i);
		printf("%s\t%s\t%s\t%s\t%s\t%s\n", c->id, c->attack, mt_severity_name(c->severity),
		       c->needs_live      ? "live"
		       : c->weighs_window ? "live,root,window"
		                          : "live,root",
		       c->os_mask == 3u                      ? "linux,windows"
		       : c->os_mask == (1u << MT_OS_WINDOWS) ? "windows"
		                                             : "linux",
		       c->title[lang]);
	}
}

/* Times given without an offset are the scanned system's local time: with --root, the
 * zone file of that tree, opened inside it (never the host's file by a symlink). */
void cli_use_root_zone(mt_host *host)
{
	static char tz[64];
	int fd;
	if (mt_host_is_live(host))
		return;
	if (mt_host_open_file(host, "/etc/localtime", &fd, NULL) == MT_OK)
		snprintf(tz, sizeof(tz), "TZ=:/proc/self/fd/%d", fd); /* fd stays open */
	else
		snprintf(tz, sizeof(tz), "TZ=UTC0");
	putenv(tz);
	tzset();
}

int cmd_scan(int argc, char **argv)
{
	const char *root = "/", *since = NULL, *until = NULL, *checks = NULL, *format = "text";
	const char *output = NULL, *lang_s = NULL, *fail_on = "medium", *sample = NULL;
	const char *rules_dirs[16];
	size_t nrules_dirs = 0;
	int all = 0, content = 0;
	const char *jobs_s = NULL;
	const cli_option table[] = {
		CLI_OPT_ROOT(root),
		CLI_VALUE("--since", since, "T",
	                  "evidence from T on: YYYY-MM-DD HH:MM[:SS] or ISO 8601 with an offset"),
		CLI_VALUE("--until", until, "T", "evidence up to T (the same forms)"),
		CLI_VALUE("--checks", checks, "LIST|list",
	                  "ids or prefixes (persist.), comma-separated; list: print them"),
		CLI_OPT_RULES(rules_dirs, nrules_dirs),
		CLI_VALUE("--format", format, "text|json|html",
	                  "the report's format (default text)"),
		CLI_VALUE("--output", output, "FILE",
	                  "the report into FILE (a new 0600 file) instead of standard output"),
		CLI_OPT_LANG(lang_s),
		CLI_OPT_FAIL_ON(fail_on),
		CLI_VALUE("--sample", sample, "SECONDS",
	                  "the CPU sample of the live checks, 0 to 60 (default 1, 0 skips it)"),
		CLI_FLAG("--all", all, "every low and info finding on its own line (see below)"),
		CLI_FLAG("--content", content,
	                 "every file by content (YARA, code, configs, archives); live, memory too"),
		CLI_VALUE("--jobs", jobs_s, "N", "workers of --content (default: one a CPU)"),
	};
	const cli_command cmd = {
		.name = "scan",
		.usage = "[options]",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.trailer =
			"--all: in the text report, every low and info finding on its own\n"
			"(they are collapsed by kind otherwise)\n"
			"--rules DIR also loads the *.yar and *.yara files of DIR and its\n"
			"subdirectories for --content; --rules FILE loads one file\n"
			"exit status: 0 nothing at or above --fail-on, 1 findings at or above it, "
			"2 error",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);

	mt_lang lang = cli_default_lang();
	if (lang_s && cli_parse_lang(lang_s, &lang) != 0) {
		cli_err("--lang must be en or zh, not '%s'", CLI_ESC(lang_s));
		return EXIT_ERROR;
	}
	if (checks && strcmp(checks, "list") == 0) {
		list_checks(lang);
		return EXIT_CLEAN;
	}
	int json = 0, html = 0;
	if (strcmp(format, "json") == 0) {
		json = 1;
	} else if (strcmp(format, "html") == 0) {
		html = 1;
	} else if (strcmp(format, "text") != 0) {
		cli_err("--format must be text, json or html, not '%s'", CLI_ESC(format));
		return EXIT_ERROR;
	}
	mt_severity fail_sev;
	if (mt_severity_parse(fail_on, &fail_sev) != MT_OK) {
		cli_err("--fail-on must be info, low, medium, high or critical, not '%s'",
		        CLI_ESC(fail_on));
		return EXIT_ERROR;
	}
	mt_scan_opts opts;
	mt_scan_opts_init(&opts);
	char bad[256];
	if (mt_checks_select(checks, &opts.checks, bad, sizeof(bad)) != MT_OK) {
		cli_err("--checks: unknown check '%s' (see --checks list)", CLI_ESC(bad));
		return EXIT_ERROR;
	}
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

	opts.content = (unsigned)content;
	opts.progress = content && isatty(STDERR_FILENO);
	if (jobs_s) {
		char *end;
		errno = 0;
		long j = strtol(jobs_s, &end, 10);
		if (errno || end == jobs_s || *end || j < 1 || j > 64) {
			cli_err("--jobs must be a number from 1 to 64, not '%s'", CLI_ESC(jobs_s));
			return EXIT_ERROR;
		}
		opts.jobs = (unsigned)j;
	}

	int rc = EXIT_ERROR;
	mt_host *host = NULL;
	mt_rules *rules = NULL;
	mt_report *report = NULL;
	FILE *out = stdout;
	mt_err e;
	if (!(host = cli_open_root(root)))
		return EXIT_ERROR;
	if (cli_parse_window(since, until, &opts.since, &opts.until) != 0 ||
	    !(rules = cli_load_rules(rules_dirs, nrules_dirs)))
		goto done;
	if (mt_report_new(&report) != MT_OK) {
		cli_err("out of memory");
		goto done;
	}
	if (output && !(out = cli_open_output(output))) {
		out = stdout;
		goto done;
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "minetrace: scanning %s ...\n", CLI_ESC(root));
	e = mt_scan(host, rules, &opts, report);
	if (e != MT_OK) {
		cli_err("scan failed: %s", mt_strerror(e));
		goto done;
	}
	mt_output_opts oo = {
		lang, !json && !html && !output && isatty(fileno(out)) && !getenv("NO_COLOR"), all};
	e = json   ? mt_report_write_json(report, &oo, cli_write_file, out)
	    : html ? mt_report_write_html(report, &oo, cli_write_file, out)
	           : mt_report_write_text(report, &oo, cli_write_file, out);
	if (e == MT_OK && fflush(out) != 0)
		e = MT_ERR_IO;
	if (e != MT_OK) {
		cli_err("writing the report: %s", output ? strerror(errno) : mt_strerror(e));
		goto done;
	}
	rc = mt_report_count_at_least(report, fail_sev) ? EXIT_FINDINGS : EXIT_CLEAN;
done:
	if (out != stdout && fclose(out) != 0 && rc != EXIT_ERROR) {
		cli_err("--output %s: %s", CLI_ESC(output), strerror(errno));
		rc = EXIT_ERROR;
	}
	mt_report_free(report);
	mt_rules_free(rules);
	mt_host_close(host);
	return rc;
}
