/* main.c - the minetrace command: subcommand dispatch and shared helpers */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The length of the valid UTF-8 sequence at p (1 for ASCII), 0 when it is not one:
 * overlong forms, surrogates and code points above U+10FFFF are not. */
size_t cli_utf8_len(const unsigned char *p)
{
	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf && (p[1] & 0xc0) == 0x80)
		return 2;
	if (*p >= 0xe0 && *p <= 0xef && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    !(*p == 0xe0 && p[1] < 0xa0) && !(*p == 0xed && p[1] >= 0xa0))
		return 3;
	if (*p >= 0xf0 && *p <= 0xf4 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80 && !(*p == 0xf0 && p[1] < 0x90) && !(*p == 0xf4 && p[1] >= 0x90))
		return 4;
	return 0;
}

const char *cli_esc(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0, room = size - 4; /* "..." and the NUL always fit */
	while (*p) {
		char piece[5];
		size_t k = cli_utf8_len(p), n;
		if ((k == 1 && (*p < 0x20 || *p == 0x7f)) || (k == 2 && *p == 0xc2 && p[1] < 0xa0))
			k = 0; /* a C0 or C1 control, DEL */
		if (k == 0) {
			snprintf(piece, sizeof(piece), "\\x%02x", *p);
			k = 1;
			n = 4;
		} else if (*p == '\\') {
			memcpy(piece, "\\\\", 2);
			n = 2;
		} else {
			memcpy(piece, p, k);
			n = k;
		}
		if (n > room - o) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, piece, n);
		o += n;
		p += k;
	}
	buf[o] = '\0';
	return buf;
}

void cli_err(const char *fmt, ...)
{
	va_list ap;
	fputs("minetrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_err_escaped(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
}

void cli_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	(void)ctx;
	fputs("minetrace: ", stderr);
	cli_err_escaped(file ? file : "");
	if (line)
		fprintf(stderr, ":%u", line);
	fputs(": ", stderr);
	cli_err_escaped(msg);
	fputc('\n', stderr);
}

int cli_write_file(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

FILE *cli_open_output(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		cli_err("--output %s: %s", CLI_ESC(path), strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		cli_err("--output %s: %s", CLI_ESC(path), strerror(errno));
		close(fd);
	}
	return f;
}

mt_rules *cli_load_rules(const char *const *dirs, size_t ndirs)
{
	mt_rules *rules = NULL;
	if (mt_rules_new(&rules) != MT_OK) {
		cli_err("out of memory");
		return NULL;
	}
	if (mt_rules_load_builtin(rules, cli_diag, NULL) != MT_OK) {
		cli_err("the built-in rules did not load");
		mt_rules_free(rules);
		return NULL;
	}
	for (size_t i = 0; i < ndirs; i++)
		if (mt_rules_load_dir(rules, dirs[i], cli_diag, NULL) != MT_OK) {
			cli_err("--rules %s: not loaded (see the error above)", CLI_ESC(dirs[i]));
			mt_rules_free(rules);
			return NULL;
		}
	return rules;
}

mt_host *cli_open_root(const char *root)
{
	struct stat st;
	if (stat(root, &st) != 0) {
		cli_err("--root %s: %s", CLI_ESC(root), strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		cli_err("--root %s: not a directory", CLI_ESC(root));
		return NULL;
	}
	/* MINETRACE_NO_OPENAT2=1 forces the portable walk (tests run both resolvers) */
	const char *no2 = getenv("MINETRACE_NO_OPENAT2");
	mt_host *host = NULL;
	mt_err e = mt_host_open(root, no2 && *no2 == '1' ? MT_HOST_NO_OPENAT2 : 0, &host);
	if (e != MT_OK) {
		cli_err("--root %s: %s", CLI_ESC(root), mt_strerror(e));
		return NULL;
	}
	cli_use_root_zone(host);
	return host;
}

int cli_parse_window(const char *since, const char *until, int64_t *s, int64_t *u)
{
	if (since && mt_time_parse(since, s) != MT_OK) {
		cli_err("--since '%s': expected YYYY-MM-DD HH:MM[:SS] or ISO 8601 with an offset",
		        CLI_ESC(since));
		return -1;
	}
	if (until && mt_time_parse(until, u) != MT_OK) {
		cli_err("--until '%s': expected YYYY-MM-DD HH:MM[:SS] or ISO 8601 with an offset",
		        CLI_ESC(until));
		return -1;
	}
	return 0;
}

mt_lang cli_default_lang(void)
{
	return mt_lang_from_locale(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
}

int cli_parse_lang(const char *s, mt_lang *out)
{
	if (strcmp(s, "en") == 0)
		*out = MT_LANG_EN;
	else if (strcmp(s, "zh") == 0)
		*out = MT_LANG_ZH;
	else
		return -1;
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	const cli_command cmd = {
		.name = "version",
		.usage = "",
		.trailer = "Prints the version and how many built-in rules and checks it has.",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	mt_rules *r;
	size_t n = 0;
	if (mt_rules_new(&r) == MT_OK && mt_rules_load_builtin(r, NULL, NULL) == MT_OK)
		n = mt_rules_count(r);
	mt_rules_free(r);
	printf("minetrace %s (built-in rules: %zu entries, checks: %zu)\n", MT_VERSION, n,
	       mt_checks_count());
	return EXIT_CLEAN;
}

/* The subcommands: each parses its own arguments with cli_parse (argv[0] is its name). */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"scan", cmd_scan, "checks this system, or the tree at --root DIR, for an intrusion"},
	{"timeline", cmd_timeline, "logs, files and processes in one order, and the conclusion"},
	{"pcap", cmd_pcap, "mining, scans and C2 in capture files or on a live interface"},
	{"collect", cmd_collect, "the evidence bundle: files findings name, logs, hives, manifest"},
	{"fleet", cmd_fleet, "many hosts' reports in one database: the spread and patient zero"},
	{"respond", cmd_respond, "the response plan of a scan report; --apply carries it out"},
	{"restore", cmd_restore, "puts back what respond took away (--list shows it)"},
	{"rules", cmd_rules, "lists the rules loaded, or checks a rules directory"},
	{"version", cmd_version, "prints the version"},
};

static void usage(FILE *f)
{
	fputs("usage: minetrace <command> [options]\n\n", f);
	for (size_t i = 0; i < CLI_COUNT(commands); i++)
		fprintf(f, "  %-9s%s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "minetrace <command> --help lists the options of a command.\n"
	      "Exit status: 0 nothing at or above --fail-on (default medium), 1 findings at or\n"
	      "above it, 2 usage or runtime error.\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0)
		cmd = "version";
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < CLI_COUNT(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_err("unknown command '%s'", CLI_ESC(cmd));
	usage(stderr);
	return EXIT_ERROR;
}
