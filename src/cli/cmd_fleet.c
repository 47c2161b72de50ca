/* cmd_fleet.c - "minetrace fleet": reports of many hosts into one database (ingest) and
 * what they say together (report): infected hosts, the spread, patient zero */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "minetrace/fleet.h"

/* the database named in messages without its password (user:secret@, password=) */
static const char *shown_db(const char *db, char *out, size_t n)
{
	snprintf(out, n, "%s", db);
	char *at = strstr(out, "://");
	if (at) {
		char *host = strchr(at + 3, '@'), *colon = strchr(at + 3, ':');
		if (host && colon && colon < host)
			memmove(colon + 1 + 3, host, strlen(host) + 1), memcpy(colon + 1, "***", 3);
	}
	for (char *p = strstr(out, "password="); p; p = strstr(p + 1, "password=")) {
		char *v = p + 9;
		size_t l = strcspn(v, "&; ");
		memmove(v + 3, v + l, strlen(v + l) + 1);
		memcpy(v, "***", 3);
	}
	return out;
}

static mt_fleet *open_db(const char *db)
{
	char msg[512] = "";
	mt_fleet *f = NULL;
	if (!db) {
		cli_err("--db is needed: an SQLite file (created when missing) or postgresql://...");
		return NULL;
	}
	if (mt_fleet_open(db, &f, msg, sizeof(msg)) != MT_OK) {
		char shown[1024];
		cli_err("--db %s: %s", CLI_ESC(shown_db(db, shown, sizeof(shown))), CLI_ESC(msg));
		return NULL;
	}
	return f;
}

static int fleet_ingest(int argc, char **argv)
{
	const char *db = NULL;
	const char *files[4096];
	size_t nfiles = 0;
	const cli_option table[] = {
		CLI_VALUE("--db", db, "PATH",
	                  "the fleet database (SQLite file, created when missing)"),
	};
	const cli_command cmd = {
		.name = "fleet ingest",
		.usage = "--db PATH REPORT...",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.args = files,
		.nargs = &nfiles,
		.max_args = sizeof(files) / sizeof(files[0]),
		.dash_is_arg = 1,
		.args_name = "REPORT...",
		.args_help =
			"JSON Lines of scan, timeline or pcap --format json; - is standard input",
		.args_too_many = "too many reports (at most 4096 at once)",
		.trailer = "a report already in the database (the same bytes) changes nothing\n"
			   "exit status: 0 all stored, 2 a report was refused or an error",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	if (!nfiles) {
		cli_err("fleet ingest: no report given (see minetrace fleet ingest --help)");
		return EXIT_ERROR;
	}
	mt_fleet *f = open_db(db);
	if (!f)
		return EXIT_ERROR;
	int rc = EXIT_CLEAN;
	unsigned added = 0, known = 0;
	for (size_t i = 0; i < nfiles; i++) {
		char *data;
		size_t len;
		if (cli_read_report(files[i], &data, &len) != 0) {
			rc = EXIT_ERROR;
			continue;
		}
		char msg[512] = "";
		mt_ingest_result res;
		mt_err e = mt_fleet_ingest(f, files[i], data, len, &res, msg, sizeof(msg));
		free(data);
		if (e != MT_OK) {
			cli_err("%s: refused: %s", CLI_ESC(files[i]),
			        msg[0] ? CLI_ESC(msg) : mt_strerror(e));
			rc = EXIT_ERROR;
			continue;
		}
		res == MT_INGEST_ADDED ? added++ : known++;
	}
	if (isatty(STDERR_FILENO) || rc != EXIT_CLEAN)
		fprintf(stderr, "minetrace: %u report(s) stored, %u already there\n", added, known);
	mt_fleet_close(f);
	return rc;
}

static int fleet_report(int argc, char **argv)
{
	const char *db = NULL, *format = "text", *lang_s = NULL, *output = NULL;
	const cli_option table[] = {
		CLI_VALUE("--db", db, "PATH|URI",
	                  "the fleet database (SQLite file or postgresql://...)"),
		CLI_VALUE("--format", format, "text|json|html",
	                  "the report's format (default text)"),
		CLI_VALUE("--output", output, "FILE",
	                  "the report into FILE (a new 0600 file) instead of standard output"),
		CLI_OPT_LANG(lang_s),
	};
	const cli_command cmd = {
		.name = "fleet report",
		.usage = "--db PATH [options]",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.trailer = "exit status: 0 no infected host, 1 infected hosts, 2 error",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	mt_lang lang = cli_default_lang();
	if (lang_s && cli_parse_lang(lang_s, &lang) != 0) {
		cli_err("--lang must be en or zh, not '%s'", CLI_ESC(lang_s));
		return EXIT_ERROR;
	}
	mt_fleet_format fmt = !strcmp(format, "json")   ? MT_FLEET_JSON
	                      : !strcmp(format, "html") ? MT_FLEET_HTML
	                                                : MT_FLEET_TEXT;
	if (fmt == MT_FLEET_TEXT && strcmp(format, "text")) {
		cli_err("--format must be text, json or html, not '%s'", CLI_ESC(format));
		return EXIT_ERROR;
	}
	mt_fleet *f = open_db(db);
	if (!f)
		return EXIT_ERROR;
	FILE *out = stdout;
	int rc = EXIT_ERROR;
	if (output && !(out = cli_open_output(output))) {
		mt_fleet_close(f);
		return EXIT_ERROR;
	}
	unsigned infected = 0;
	mt_err e = mt_fleet_report(f, fmt, lang, cli_write_file, out, &infected);
	if (e == MT_OK && fflush(out) != 0)
		e = MT_ERR_IO;
	if (e != MT_OK)
		cli_err("fleet report: %s", mt_strerror(e));
	else
		rc = infected ? EXIT_FINDINGS : EXIT_CLEAN;
	if (out != stdout && fclose(out) != 0 && rc != EXIT_ERROR) {
		cli_err("--output %s: %s", CLI_ESC(output), strerror(errno));
		rc = EXIT_ERROR;
	}
	mt_fleet_close(f);
	return rc;
}

int cmd_fleet(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "ingest"))
		return fleet_ingest(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "report"))
		return fleet_report(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "scan"))
		return cmd_fleet_scan(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: minetrace fleet scan --inventory FILE --output-dir DIR [--db PATH|URI]\n"
		       "       minetrace fleet ingest --db PATH REPORT...\n"
		       "       minetrace fleet report --db PATH [--format text|json|html] [--lang en|zh]\n"
		       "ingest stores scan, timeline and pcap reports (--format json) of many hosts;\n"
		       "report says which hosts are infected, how the attack spread and which host\n"
		       "was first (patient zero). See minetrace fleet ingest --help.\n");
		return EXIT_CLEAN;
	}
	cli_err("fleet: scan, ingest or report (see minetrace fleet --help)%s%s",
	        argc >= 2 ? ", not " : "", argc >= 2 ? CLI_ESC(argv[1]) : "");
	return EXIT_ERROR;
}
