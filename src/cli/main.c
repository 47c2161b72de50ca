/* main.c - the minetrace command: subcommand dispatch and shared helpers */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_opt(cli_args *a, const char *name, const char **value)
{
	const char *arg = a->argv[a->i];
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	if (arg[n] != '\0')
		return 0;
	if (a->i + 1 >= a->argc) {
		cli_err("option %s needs a value", name);
		return -1;
	}
	*value = a->argv[++a->i];
	return 1;
}

int cli_flag(cli_args *a, const char *name)
{
	return strcmp(a->argv[a->i], name) == 0;
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
		cli_err("--output %s: %s", path, strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		cli_err("--output %s: %s", path, strerror(errno));
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
			cli_err("--rules %s: not loaded (see the error above)", dirs[i]);
			mt_rules_free(rules);
			return NULL;
		}
	return rules;
}

mt_host *cli_open_root(const char *root)
{
	struct stat st;
	if (stat(root, &st) != 0) {
		cli_err("--root %s: %s", root, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		cli_err("--root %s: not a directory", root);
		return NULL;
	}
	/* MINETRACE_NO_OPENAT2=1 forces the portable walk (tests run both resolvers) */
	const char *no2 = getenv("MINETRACE_NO_OPENAT2");
	mt_host *host = NULL;
	mt_err e = mt_host_open(root, no2 && *no2 == '1' ? MT_HOST_NO_OPENAT2 : 0, &host);
	if (e != MT_OK) {
		cli_err("--root %s: %s", root, mt_strerror(e));
		return NULL;
	}
	cli_use_root_zone(host);
	return host;
}

int cli_parse_window(const char *since, const char *until, int64_t *s, int64_t *u)
{
	if (since && mt_time_parse(since, s) != MT_OK) {
		cli_err("--since '%s': expected YYYY-MM-DD HH:MM[:SS] or ISO 8601 with an offset",
		        since);
		return -1;
	}
	if (until && mt_time_parse(until, u) != MT_OK) {
		cli_err("--until '%s': expected YYYY-MM-DD HH:MM[:SS] or ISO 8601 with an offset",
		        until);
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

static void usage(FILE *f)
{
	fputs("usage: minetrace <command> [options]\n"
	      "\n"
	      "  scan     [--root DIR] [--since T] [--until T] [--checks LIST|list] [--rules DIR]\n"
	      "           [--format text|json|html] [--output FILE] [--lang en|zh] [--fail-on SEV]\n"
	      "           [--sample SECONDS]\n"
	      "  timeline [--root DIR] [--since T] [--until T] [--format text|json]\n"
	      "  pcap     FILE... | --live IFACE [--seconds N] [--format text|json]\n"
	      "  respond  REPORT.json [--apply] [--only ID,...] [--quarantine DIR]\n"
	      "  restore  QUARANTINE-ENTRY | --list\n"
	      "  rules    list [--rules DIR] | check DIR\n"
	      "  version\n"
	      "\n"
	      "Exit status: 0 nothing at or above --fail-on (default medium), 1 findings at or\n"
	      "above it, 2 usage or runtime error.\n",
	      f);
}

static int cmd_version(void)
{
	mt_rules *r;
	size_t n = 0;
	if (mt_rules_new(&r) == MT_OK && mt_rules_load_builtin(r, NULL, NULL) == MT_OK)
		n = mt_rules_count(r);
	mt_rules_free(r);
	printf("minetrace %s (built-in rules: %zu entries, checks: %zu)\n", MT_VERSION, n,
	       mt_checks_count());
	return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
		return cmd_version();
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(cmd, "timeline") == 0)
		return cmd_timeline(argc - 1, argv + 1);
	if (strcmp(cmd, "pcap") == 0)
		return cmd_pcap(argc - 1, argv + 1);
	if (strcmp(cmd, "respond") == 0)
		return cmd_respond(argc - 1, argv + 1);
	if (strcmp(cmd, "restore") == 0)
		return cmd_restore(argc - 1, argv + 1);
	cli_err("unknown command '%s'", cmd);
	usage(stderr);
	return EXIT_ERROR;
}
