/* fleet_scan.c - "minetrace fleet scan": the static binary to every host of an inventory
 * over the user's own OpenSSH (ssh and scp, their config and keys), scan and timeline
 * run there, the JSON brought back, the remote copy removed, the reports ingested.
 * No shell is run on this side: ssh and scp get their arguments as a vector. On the
 * remote side the command lines are made of a directory mktemp gave and fixed words only;
 * a host or user name that could be read as an option or holds other characters is
 * refused before anything runs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "minetrace/fleet.h"

#define MAX_HOSTS  4096
#define MAX_SSHOPT 16

typedef struct target {
	char name[256]; /* as the inventory names it */
	char stem[300]; /* its report files' names: safe characters only */
	char host[256], user[64];
	unsigned port;
} target;

typedef struct sweep {
	const char *binary, *outdir;
	const char *sshopt[MAX_SSHOPT];
	size_t nsshopt;
	unsigned timeout;
} sweep;

static int safe_word(const char *s, const char *extra)
{
	if (!s[0] || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return 0;
	return 1;
}

/* One inventory line: "[user@]host[:port]" or an Ansible INI host line ("name
 * ansible_host=... ansible_user=... ansible_port=..."); [groups] and comments skipped.
 * 1 a target, 0 nothing, -1 malformed (msg). */
static int parse_line(char *line, target *t, char *msg, size_t n)
{
	char *c = strchr(line, '#');
	if (c)
		*c = '\0';
	char *tok[16];
	int nt = 0;
	for (char *s = strtok(line, " \t\r\n"); s && nt < 16; s = strtok(NULL, " \t\r\n"))
		tok[nt++] = s;
	if (!nt || tok[0][0] == '[')
		return 0;
	memset(t, 0, sizeof(*t));
	t->port = 22;
	snprintf(t->name, sizeof(t->name), "%s", tok[0]);
	char *hp = tok[0], *at = strchr(hp, '@');
	if (at) {
		*at = '\0';
		snprintf(t->user, sizeof(t->user), "%s", hp);
		hp = at + 1;
	}
	char *colon = strchr(hp, ':');
	if (colon && !strchr(colon + 1, ':')) { /* host:port (an IPv6 address has more) */
		*colon = '\0';
		t->port = (unsigned)strtoul(colon + 1, NULL, 10);
	}
	snprintf(t->host, sizeof(t->host), "%s", hp);
	for (int i = 1; i < nt; i++) {
		char *eq = strchr(tok[i], '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *k = tok[i], *v = eq + 1;
		if (!strcmp(k, "ansible_host") || !strcmp(k, "host"))
			snprintf(t->host, sizeof(t->host), "%s", v);
		else if (!strcmp(k, "ansible_user") || !strcmp(k, "user"))
			snprintf(t->user, sizeof(t->user), "%s", v);
		else if (!strcmp(k, "ansible_port") || !strcmp(k, "port"))
			t->port = (unsigned)strtoul(v, NULL, 10);
	}
	if (!safe_word(t->host, ".-_:[]") || (t->user[0] && !safe_word(t->user, ".-_")) ||
	    t->port == 0 || t->port > 65535) {
		snprintf(msg, n, "host %s: a host, user or port minetrace does not pass to ssh",
		         t->name);
		return -1;
	}
	/* report files are named by host and port, never by what a path could be made of */
	snprintf(t->stem, sizeof(t->stem), "%s%s%u", t->host, t->port == 22 ? "" : "_",
	         t->port == 22 ? 0 : t->port);
	if (t->port == 22)
		t->stem[strlen(t->host)] = '\0';
	for (char *q = t->stem; *q; q++)
		if (*q == ':' || *q == '[' || *q == ']')
			*q = '_';
	return 1;
}

/* Runs argv with stdout to the file out (new, 0600) or discarded, stderr's last line into
 * err; kills it after timeout seconds. The exit status, or -1 (err says why). */
static int run(char *const argv[], const char *out, char *err, size_t errn, unsigned timeout,
               char *stdout_buf, size_t bufn)
{
	int ep[2], op[2] = {-1, -1};
	err[0] = '\0';
	if (pipe(ep) != 0 || (stdout_buf && pipe(op) != 0)) {
		snprintf(err, errn, "pipe: %s", strerror(errno));
		return -1;
	}
	int ofd = -1;
	if (out && (ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errn, "%s: %s", out, strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errn, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(ofd >= 0 ? ofd : op[1] >= 0 ? op[1] : nul, 1);
		dup2(ep[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(ep[1]);
	if (op[1] >= 0)
		close(op[1]);
	if (ofd >= 0)
		close(ofd);
	char ebuf[4096];
	size_t elen = 0, olen = 0;
	time_t end = time(NULL) + timeout;
	int status = -1, done = 0, killed = 0;
	while (!done) {
		struct pollfd pf[2] = {{ep[0], POLLIN, 0}, {op[0], POLLIN, 0}};
		int np = op[0] >= 0 ? 2 : 1;
		poll(pf, (nfds_t)np, 200);
		if (pf[0].revents) {
			char tmp[1024];
			ssize_t r = read(ep[0], tmp, sizeof(tmp));
			if (r > 0) {
				if (elen + (size_t)r > sizeof(ebuf)) { /* keep the end */
					size_t drop = elen + (size_t)r - sizeof(ebuf);
					memmove(ebuf, ebuf + drop, elen - drop);
					elen -= drop;
				}
				memcpy(ebuf + elen, tmp, (size_t)r);
				elen += (size_t)r;
			}
		}
		if (np == 2 && pf[1].revents) {
			ssize_t r = read(op[0], stdout_buf + olen,
			                 olen + 1 < bufn ? bufn - olen - 1 : 0);
			if (r > 0)
				olen += (size_t)r;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			done = 1;
		else if (time(NULL) >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			killed = done = 1;
		}
	}
	close(ep[0]);
	if (op[0] >= 0) {
		ssize_t r;
		while (olen + 1 < bufn && (r = read(op[0], stdout_buf + olen, bufn - olen - 1)) > 0)
			olen += (size_t)r;
		close(op[0]);
	}
	if (stdout_buf)
		stdout_buf[olen] = '\0';
	while (elen && (ebuf[elen - 1] == '\n' || ebuf[elen - 1] == '\r'))
		elen--;
	size_t s = elen;
	while (s && ebuf[s - 1] != '\n')
		s--;
	snprintf(err, errn, "%.*s", (int)(elen - s), ebuf + s);
	if (killed) {
		snprintf(err, errn, "no answer within %u s", timeout);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* argv of ssh or scp for t, the sweep's options, then the rest */
static size_t base_argv(const sweep *sw, const target *t, int scp, char **av, char *portbuf,
                        char *dest, size_t destn)
{
	size_t n = 0;
	av[n++] = scp ? "scp" : "ssh";
	av[n++] = "-o";
	av[n++] = "BatchMode=yes";
	av[n++] = "-o";
	av[n++] = "ServerAliveInterval=5";
	av[n++] = "-o";
	av[n++] = "ServerAliveCountMax=2";
	static char ct[32];
	snprintf(ct, sizeof(ct), "ConnectTimeout=%u", sw->timeout < 10 ? sw->timeout : 10);
	av[n++] = "-o";
	av[n++] = ct;
	for (size_t i = 0; i < sw->nsshopt; i++) {
		av[n++] = "-o";
		av[n++] = (char *)sw->sshopt[i];
	}
	snprintf(portbuf, 8, "%u", t->port);
	av[n++] = scp ? "-P" : "-p";
	av[n++] = portbuf;
	if (scp)
		av[n++] = "-q";
	snprintf(dest, destn, "%s%s%s", t->user, t->user[0] ? "@" : "", t->host);
	return n;
}

/* one host, in a child: 0 done, else the step that failed (msg) */
static int one_host(const sweep *sw, const target *t, const char *scanf_, const char *tlf,
                    char *msg, size_t msgn)
{
	char *av[64], port[8], dest[400], err[384], dir[128] = "";
	size_t n = base_argv(sw, t, 0, av, port, dest, sizeof(dest));
	av[n++] = "--";
	av[n++] = dest;
	av[n++] = "mktemp -d /tmp/minetrace.XXXXXXXX";
	av[n] = NULL;
	int rc = run(av, NULL, err, sizeof(err), sw->timeout, dir, sizeof(dir));
	dir[strcspn(dir, "\r\n")] = '\0';
	if (rc != 0 || strncmp(dir, "/tmp/minetrace.", 15) != 0 || !safe_word(dir + 15, "")) {
		/* ssh's own ConnectTimeout (connect or banner) is the same silence as ours */
		if (rc != 0 && strstr(err, "timed out") && strncmp(err, "no answer", 9) != 0)
			snprintf(msg, msgn, "unreachable: no answer within %u s (%s)", sw->timeout,
			         err);
		else
			snprintf(msg, msgn, "unreachable: %s",
			         err[0] ? err : "no temporary directory");
		return 1;
	}
	int step = 0;
	char remote[512], cmd[600];
	/* copy the binary */
	n = base_argv(sw, t, 1, av, port, dest, sizeof(dest));
	av[n++] = "--";
	av[n++] = (char *)sw->binary;
	snprintf(remote, sizeof(remote), "%s:%s/minetrace", dest, dir);
	av[n++] = remote;
	av[n] = NULL;
	if ((rc = run(av, NULL, err, sizeof(err), sw->timeout * 4, NULL, 0)) != 0) {
		snprintf(msg, msgn, "copying the binary failed: %s", err);
		step = 2;
	}
	static const char *const what[] = {"scan", "timeline"};
	for (int k = 0; k < 2 && !step; k++) {
		n = base_argv(sw, t, 0, av, port, dest, sizeof(dest));
		av[n++] = "--";
		av[n++] = dest;
		snprintf(cmd, sizeof(cmd), "%s/minetrace %s --format json", dir, what[k]);
		av[n++] = cmd;
		av[n] = NULL;
		rc = run(av, k ? tlf : scanf_, err, sizeof(err), sw->timeout * 30, NULL, 0);
		if (rc != 0 && rc != 1) {
			snprintf(msg, msgn, "%s failed there (exit %d): %s", what[k], rc, err);
			step = 3 + k;
		}
	}
	/* nothing left behind, whatever happened */
	n = base_argv(sw, t, 0, av, port, dest, sizeof(dest));
	av[n++] = "--";
	av[n++] = dest;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	av[n++] = cmd;
	av[n] = NULL;
	if (run(av, NULL, err, sizeof(err), sw->timeout, NULL, 0) != 0 && !step) {
		snprintf(msg, msgn, "could not remove %s there: %s", dir, err);
		step = 5;
	}
	if (!step)
		snprintf(msg, msgn, "scanned");
	return step;
}

int cmd_fleet_scan(int argc, char **argv)
{
	const char *inventory = NULL, *db = NULL, *binary = NULL, *outdir = NULL, *jobs_s = "8";
	const char *timeout_s = "30";
	sweep sw = {0};
	const cli_option table[] = {
		CLI_VALUE("--inventory", inventory, "FILE",
	                  "hosts, one per line: [user@]host[:port], or Ansible INI host lines"),
		CLI_VALUE("--db", db, "PATH|URI", "ingest the reports into this fleet database"),
		CLI_VALUE("--binary", binary, "FILE",
	                  "the minetrace to copy (default: minetrace-static beside this one)"),
		CLI_VALUE("--output-dir", outdir, "DIR", "where the reports go (a new directory)"),
		CLI_VALUE("--jobs", jobs_s, "N", "hosts at once (default 8)"),
		CLI_VALUE("--timeout", timeout_s, "SECONDS",
	                  "connection timeout; a scan may take 30 times it (default 30)"),
		CLI_LIST("--ssh-option", sw.sshopt, sw.nsshopt, "OPT",
	                 "passed to ssh and scp as -o OPT"),
	};
	const cli_command cmd = {
		.name = "fleet scan",
		.usage = "--inventory FILE --output-dir DIR [--db PATH|URI] [options]",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.trailer =
			"ssh and scp run with your own configuration and keys (BatchMode: no "
			"prompts)\nexit status: 0 all hosts scanned, 1 some could not be, 2 error",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	if (!inventory || !outdir) {
		cli_err("fleet scan: --inventory and --output-dir are needed");
		return EXIT_ERROR;
	}
	unsigned jobs = (unsigned)strtoul(jobs_s, NULL, 10);
	sw.timeout = (unsigned)strtoul(timeout_s, NULL, 10);
	if (jobs < 1 || jobs > 256 || sw.timeout < 1 || sw.timeout > 3600) {
		cli_err("fleet scan: --jobs 1-256 and --timeout 1-3600");
		return EXIT_ERROR;
	}
	char self[4096], bin[4200];
	if (!binary) {
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (l <= 0) {
			cli_err("fleet scan: give --binary");
			return EXIT_ERROR;
		}
		self[l] = '\0';
		char *slash = strrchr(self, '/');
		*slash = '\0';
		snprintf(bin, sizeof(bin), "%s/minetrace-static", self);
		binary = bin;
	}
	struct stat st;
	if (stat(binary, &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_err("fleet scan: no binary to copy at %s (make static, or --binary)",
		        CLI_ESC(binary));
		return EXIT_ERROR;
	}
	sw.binary = binary;
	if (mkdir(outdir, 0700) != 0) {
		cli_err("--output-dir %s: %s (a new directory)", CLI_ESC(outdir), strerror(errno));
		return EXIT_ERROR;
	}
	FILE *inv = fopen(inventory, "re");
	if (!inv) {
		cli_err("--inventory %s: %s", CLI_ESC(inventory), strerror(errno));
		return EXIT_ERROR;
	}
	target *t = calloc(MAX_HOSTS, sizeof(*t));
	size_t nt = 0;
	char line[1024], msg[512];
	int bad = 0;
	while (t && fgets(line, sizeof(line), inv) && nt < MAX_HOSTS) {
		int r = parse_line(line, &t[nt], msg, sizeof(msg));
		if (r < 0) {
			cli_err("--inventory: %s", CLI_ESC(msg));
			bad = 1;
		} else if (r) {
			nt++;
		}
	}
	fclose(inv);
	if (!t || bad || !nt) {
		if (t && !bad)
			cli_err("--inventory %s: no host in it", CLI_ESC(inventory));
		free(t);
		return EXIT_ERROR;
	}
	/* the hosts, jobs at a time: each in a child, its result on a pipe */
	int *res = calloc(nt, sizeof(*res));
	char(*msgs)[512] = calloc(nt, sizeof(*msgs));
	pid_t *pids = calloc(nt, sizeof(*pids));
	int *fds = calloc(nt, sizeof(*fds));
	if (!res || !msgs || !pids || !fds) {
		cli_err("out of memory");
		return EXIT_ERROR;
	}
	size_t next = 0, running = 0, finished = 0;
	while (finished < nt) {
		while (running < jobs && next < nt) {
			int p[2];
			if (pipe(p) != 0)
				break;
			char sf[4200], tf[4200];
			snprintf(sf, sizeof(sf), "%s/%s.scan.jsonl", outdir, t[next].stem);
			snprintf(tf, sizeof(tf), "%s/%s.timeline.jsonl", outdir, t[next].stem);
			pid_t pid = fork();
			if (pid == 0) {
				close(p[0]);
				char m[512];
				int r = one_host(&sw, &t[next], sf, tf, m, sizeof(m));
				ssize_t w = write(p[1], m, strlen(m));
				(void)w;
				_exit(r);
			}
			close(p[1]);
			pids[next] = pid;
			fds[next] = p[0];
			next++;
			running++;
		}
		int status;
		pid_t got = wait(&status);
		if (got < 0)
			break;
		for (size_t i = 0; i < next; i++)
			if (pids[i] == got) {
				ssize_t r = read(fds[i], msgs[i], sizeof(msgs[i]) - 1);
				msgs[i][r > 0 ? r : 0] = '\0';
				close(fds[i]);
				res[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 9;
				running--;
				finished++;
				fprintf(stderr, "minetrace: %s: %s\n", CLI_ESC(t[i].name),
				        CLI_ESC(msgs[i]));
			}
	}
	int rc = EXIT_CLEAN;
	for (size_t i = 0; i < nt; i++)
		if (res[i])
			rc = EXIT_FINDINGS;
	if (db) {
		mt_fleet *f = NULL;
		if (mt_fleet_open(db, &f, msg, sizeof(msg)) != MT_OK) {
			cli_err("--db: %s", CLI_ESC(msg));
			rc = EXIT_ERROR;
		}
		for (size_t i = 0; f && i < nt; i++) {
			if (res[i])
				continue;
			static const char *const kind[] = {"scan", "timeline"};
			for (int k = 0; k < 2; k++) {
				char path[4200], *data;
				size_t len;
				snprintf(path, sizeof(path), "%s/%s.%s.jsonl", outdir, t[i].stem,
				         kind[k]);
				if (cli_read_report(path, &data, &len) != 0) {
					rc = EXIT_ERROR;
					continue;
				}
				mt_ingest_result ir;
				if (mt_fleet_ingest(f, path, data, len, &ir, msg, sizeof(msg)) !=
				    MT_OK) {
					cli_err("%s: refused: %s", CLI_ESC(path), CLI_ESC(msg));
					rc = EXIT_ERROR;
				}
				free(data);
			}
		}
		mt_fleet_close(f);
	}
	free(t);
	free(res);
	free(msgs);
	free(pids);
	free(fds);
	return rc;
}
