/* cmd_pcap.c - "minetrace pcap": captures or a live interface in, findings and one verdict
 * per host out */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "minetrace/pcap.h"

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

int cmd_pcap(int argc, char **argv)
{
	const char *live = NULL, *seconds_s = NULL, *filter = NULL, *format = "text";
	const char *output = NULL, *lang_s = NULL, *fail_on = "medium";
	const char *rules_dirs[16], *files[256];
	size_t nrules_dirs = 0, nfiles = 0;
	int list = 0;
	const cli_option table[] = {
		CLI_VALUE("--live", live, "IFACE",
	                  "capture on this interface instead of reading files"),
		CLI_VALUE("--seconds", seconds_s, "N",
	                  "with --live: stop after N seconds, 1 to 604800 (default: Ctrl-C)"),
		CLI_VALUE("--filter", filter, "BPF", "only the packets this BPF filter takes"),
		CLI_VALUE("--format", format, "text|json", "the report's format (default text)"),
		CLI_VALUE("--output", output, "FILE",
	                  "the report into FILE (a new 0600 file) instead of standard output"),
		CLI_OPT_LANG(lang_s),
		CLI_OPT_FAIL_ON(fail_on),
		CLI_OPT_RULES(rules_dirs, nrules_dirs),
		CLI_FLAG("--list-detectors", list, "list the detectors and exit"),
	};
	const cli_command cmd = {
		.name = "pcap",
		.usage = "FILE... [options]\n"
			 "--live IFACE [--seconds N] [options]\n"
			 "--list-detectors",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.args = files,
		.nargs = &nfiles,
		.max_args = CLI_COUNT(files),
		.dash_is_arg = 1,
		.args_name = "FILE...",
		.args_help = "pcap or pcapng captures, read in order",
		.args_too_many = "too many capture files (at most 256)",
		.trailer =
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
	if (list) {
		printf("# id\tATT&CK\tseverity\ttitle\n");
		for (size_t i = 0; i < mt_pcap_detectors_count(); i++) {
			const mt_check_info *c = mt_pcap_detector_get(i);
			printf("%s\t%s\t%s\t%s\n", c->id, c->attack, mt_severity_name(c->severity),
			       c->title[lang]);
		}
		return EXIT_CLEAN;
	}
	int json = 0;
	if (strcmp(format, "json") == 0)
		json = 1;
	else if (strcmp(format, "text") != 0) {
		cli_err("--format must be text or json, not '%s'", CLI_ESC(format));
		return EXIT_ERROR;
	}
	mt_severity fail_sev;
	if (mt_severity_parse(fail_on, &fail_sev) != MT_OK) {
		cli_err("--fail-on must be info, low, medium, high or critical, not '%s'",
		        CLI_ESC(fail_on));
		return EXIT_ERROR;
	}
	if (!live == !nfiles) {
		cli_err(live ? "give capture files or --live IFACE, not both"
		             : "give one or more capture files, or --live IFACE (see --help)");
		return EXIT_ERROR;
	}
	unsigned seconds = 0;
	if (seconds_s) {
		char *end;
		errno = 0;
		unsigned long s = strtoul(seconds_s, &end, 10);
		if (!live || errno || end == seconds_s || *end || s == 0 || s > 86400 * 7) {
			cli_err("--seconds goes with --live and is 1 to 604800, not '%s'",
			        CLI_ESC(seconds_s));
			return EXIT_ERROR;
		}
		seconds = (unsigned)s;
	}

	int rc = EXIT_ERROR;
	mt_rules *rules = NULL;
	mt_report *report = NULL;
	mt_pcap *pc = NULL;
	FILE *out = stdout;
	char err[512];
	if (!(rules = cli_load_rules(rules_dirs, nrules_dirs)))
		goto done;
	if (mt_report_new(&report) != MT_OK) {
		cli_err("out of memory");
		goto done;
	}
	if (mt_pcap_new(rules, &pc) != MT_OK) {
		cli_err("out of memory");
		goto done;
	}
	if (output && !(out = cli_open_output(output))) {
		out = stdout;
		goto done;
	}
	char root[1024] = "";
	mt_err e = MT_OK;
	if (live) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "minetrace: capturing on %s%s ...\n", CLI_ESC(live),
			        seconds ? "" : " until Ctrl-C");
		e = mt_pcap_live(pc, live, seconds, filter, &stop_flag, err, sizeof(err));
		if (e != MT_OK) {
			cli_err("--live %s: %s", CLI_ESC(live),
			        CLI_ESC(err[0] ? err : mt_strerror(e)));
			goto done;
		}
		snprintf(root, sizeof(root), "live:%s", live);
	} else {
		size_t o = 0;
		for (size_t i = 0; i < nfiles; i++) {
			mt_pcap_stats before, after;
			mt_pcap_stats_get(pc, &before);
			err[0] = '\0';
			e = mt_pcap_read_file(pc, files[i], filter, err, sizeof(err));
			mt_pcap_stats_get(pc, &after);
			if (e == MT_ERR_NOMEM) {
				cli_err("out of memory");
				goto done;
			}
			if (e != MT_OK && after.capture_errors == before.capture_errors) {
				cli_err("%s: %s", CLI_ESC(files[i]),
				        CLI_ESC(err[0] ? err : mt_strerror(e)));
				goto done;
			}
			if (e != MT_OK) {
				char note[1024];
				snprintf(note, sizeof(note), "%s: read stopped: %s", files[i], err);
				mt_pcap_note(pc, note);
			}
			if (o < sizeof(root) - 1)
				o += (size_t)snprintf(root + o, sizeof(root) - o, "%s%s",
				                      i ? " " : "", files[i]);
		}
	}
	if ((e = mt_pcap_finish(pc, report, root)) != MT_OK) {
		cli_err("analysis failed: %s", mt_strerror(e));
		goto done;
	}
	mt_pcap_stats st;
	mt_pcap_stats_get(pc, &st);
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "minetrace: %llu packets, %llu flows, %llu malformed\n",
		        (unsigned long long)st.packets, (unsigned long long)st.flows,
		        (unsigned long long)st.malformed);
	mt_output_opts oo = {lang, !json && !output && isatty(fileno(out)) && !getenv("NO_COLOR"),
	                     0};
	e = json ? mt_report_write_json(report, &oo, cli_write_file, out)
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
	mt_pcap_free(pc);
	mt_report_free(report);
	mt_rules_free(rules);
	return rc;
}
