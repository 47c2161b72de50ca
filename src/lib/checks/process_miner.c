/* process_miner.c - process.miner: running processes whose name, command line, wallet,
 * config, executable hash or pool tell a cryptocurrency miner */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../collect/collect.h"
#include "checks.h"
#include "live_common.h"

/* Programs that show text: a "stratum+tcp://" in their arguments is what they look at,
 * not what they do (a responder's grep must not be reported as a miner). */
static const char *const viewers[] = {"grep",    "egrep", "fgrep",     "rg",        "ag",
                                      "less",    "more",  "vi",        "vim",       "nvim",
                                      "nano",    "emacs", "cat",       "head",      "tail",
                                      "strings", "yara",  "minetrace", "journalctl"};

static int is_viewer(const char *argv0)
{
	const char *b = mt_basename(argv0);
	for (size_t i = 0; i < MT_ARRAY_LEN(viewers); i++)
		if (strcmp(b, viewers[i]) == 0)
			return 1;
	return 0;
}

static int miner_reason(const char *code)
{
	return strcmp(code, "miner_cmdline") == 0 || strcmp(code, "miner_name") == 0 ||
	       strcmp(code, "ioc_host") == 0 || strcmp(code, "ioc_ip") == 0 ||
	       strcmp(code, "ioc_url") == 0 || strcmp(code, "wallet") == 0 ||
	       strcmp(code, "miner_config") == 0 || strcmp(code, "miner_hash") == 0;
}

static void add(mt_cmd_verdict *v, const char *code, mt_severity sev, const mt_rule *rule,
                const char *detail)
{
	if (v->nreasons >= MT_ARRAY_LEN(v->reasons))
		return;
	unsigned r = v->nreasons++;
	v->reasons[r].code = code;
	v->reasons[r].severity = rule && rule->has_sev ? rule->sev : sev;
	v->reasons[r].rule = rule;
	/* a detail is cut, the evidence is not */
	mt_copy(v->reasons[r].detail, sizeof(v->reasons[r].detail), detail);
	if (v->reasons[r].severity > v->severity)
		v->severity = v->reasons[r].severity;
}

static int base58(char c)
{
	return isalnum((unsigned char)c) && c != '0' && c != 'O' && c != 'I' && c != 'l';
}

/* A Monero address (95 characters, or 106 integrated) anywhere in the text. */
static int find_wallet(const char *s, size_t n, char *out, size_t outlen)
{
	for (size_t i = 0; i < n; i++) {
		if ((s[i] != '4' && s[i] != '8') || (i > 0 && base58(s[i - 1])))
			continue;
		size_t l = 0;
		while (i + l < n && base58(s[i + l]))
			l++;
		if (l == 95 || l == 106) {
			snprintf(out, outlen, "%.*s", (int)l, s + i);
			return 1;
		}
		i += l;
	}
	return 0;
}

/* The config file a miner was started with (--config=F, -c F), else config.json in its
 * working directory; read through /proc/PID/root so a container's file is the one read. */
static int find_config(const mt_proc *p, char *path, size_t plen, char *url, size_t ulen)
{
	const char *c = p->cmdline, *name = NULL;
	size_t nl = 0;
	for (const char *q = c; (q = strstr(q, "-c")) != NULL; q++) {
		if (q != c && q[-1] != ' ' && q[-1] != '-')
			continue;
		const char *v = NULL;
		if (strncmp(q, "-c ", 3) == 0 && (q == c || q[-1] == ' '))
			v = q + 3;
		else if (q >= c + 1 && q[-1] == '-' && strncmp(q - 1, "--config", 8) == 0 &&
		         (q[7] == '=' || q[7] == ' '))
			v = q + 8;
		if (v) {
			name = v;
			nl = strcspn(v, " ");
			break;
		}
	}
	char rel[MT_MAX_PATH];
	if (name && nl)
		snprintf(rel, sizeof(rel), "%.*s", (int)nl, name);
	else
		snprintf(rel, sizeof(rel), "config.json");
	char full[MT_MAX_PATH + 64];
	if (rel[0] == '/')
		snprintf(full, sizeof(full), "/proc/%d/root%s", p->pid, rel);
	else
		snprintf(full, sizeof(full), "/proc/%d/cwd/%s", p->pid, rel);
	int fd = open(full, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	char *d = NULL;
	size_t n = 0;
	int trunc, hit = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    mt_read_fd(fd, 1u << 20, &d, &n, &trunc) == MT_OK) {
		if (strstr(d, "\"pools\"") && (strstr(d, "\"url\"") || strstr(d, "\"user\""))) {
			hit = 1;
			mt_buf pb;
			mt_buf_init(&pb, plen - 1);
			if (rel[0] != '/') {
				mt_buf_adds(&pb, p->cwd);
				mt_buf_addc(&pb, '/');
			}
			mt_buf_adds(&pb, rel);
			snprintf(path, plen, "%s", pb.data ? pb.data : rel);
			mt_buf_free(&pb);
			url[0] = '\0';
			const char *u = strstr(d, "\"url\"");
			if (u && (u = strchr(u + 5, '"')) != NULL) {
				size_t ul = strcspn(u + 1, "\"\n");
				snprintf(url, ulen, "%.*s", (int)(ul < 200 ? ul : 200), u + 1);
			}
		}
	}
	free(d);
	close(fd);
	return hit;
}

mt_err mt_check_process_miner(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_live *l = mt_ctx_live(ctx);
	if (!l)
		return MT_ERR_IO;
	int me = (int)getpid();
	mt_err e = MT_OK;
	for (size_t i = 0; i < l->nprocs && e != MT_ERR_NOMEM; i++) {
		const mt_proc *p = &l->procs[i];
		if (p->pid == me || p->kernel_thread || is_viewer(p->argv0))
			continue;
		mt_cmd_verdict v;
		mt_judge_command(ctx->rules, p->cmdline, p->cmdline_len, &v);
		/* the executable's and the kernel's names can differ from argv[0] */
		const char *names[2] = {p->exe[0] ? mt_basename(p->exe) : "", p->comm};
		for (int k = 0; k < 2; k++) {
			char low[64];
			size_t nl = strcspn(names[k], " ");
			if (nl == 0 || nl >= sizeof(low))
				continue;
			for (size_t j = 0; j < nl; j++)
				low[j] = (char)tolower((unsigned char)names[k][j]);
			low[nl] = '\0';
			const mt_rule *x = mt_rules_find(ctx->rules, MT_RK_MINER_NAME, low);
			if (x)
				add(&v, "miner_name", MT_SEV_CRITICAL, x, k == 0 ? p->exe : low);
		}
		char buf[MT_MAX_PATH], url[256];
		if (find_wallet(p->cmdline, p->cmdline_len, buf, sizeof(buf)))
			add(&v, "wallet", MT_SEV_HIGH, NULL, buf);
		/* the config is read only for processes already suspect or on a pool port */
		int suspect = v.nreasons > 0 || (p->cpu_pct >= 50);
		if (suspect && find_config(p, buf, sizeof(buf), url, sizeof(url)))
			add(&v, "miner_config", MT_SEV_HIGH, NULL, buf);
		char sha[65];
		int hash_hit = 0;
		int have_sha = p->exe[0] && v.nreasons && mt_proc_exe_sha256(p->pid, sha) == MT_OK;
		if (have_sha) {
			const mt_rule *x = mt_rules_find(ctx->rules, MT_RK_SHA256, sha);
			if (x) {
				add(&v, "miner_hash", MT_SEV_CRITICAL, x, sha);
				hash_hit = 1;
			}
		}
		/* independent miner signals (a name, an option, a pool, a hash) make it certain */
		unsigned kinds = 0;
		for (unsigned r = 0; r < v.nreasons; r++) {
			int seen = 0;
			for (unsigned q = 0; q < r; q++)
				seen |= strcmp(v.reasons[q].code, v.reasons[r].code) == 0;
			kinds += !seen && miner_reason(v.reasons[r].code);
		}
		if (!kinds)
			continue;
		if (kinds >= 2 || hash_hit)
			v.severity = MT_SEV_CRITICAL;

		mt_finding *f = mt_finding_new(self, v.severity, kinds >= 2 ? 95 : 80);
		mt_finding_text(f, MT_LANG_EN, "Cryptocurrency miner process", "Process %d",
		                p->pid);
		mt_finding_text(f, MT_LANG_ZH, "挖矿进程", "进程 %d", p->pid);
		mt_live_evidence(f, l, p);
		if (have_sha)
			mt_finding_str(f, "sha256", sha, 0);
		for (unsigned r = 0; r < v.nreasons; r++)
			if (strcmp(v.reasons[r].code, "miner_config") == 0) {
				mt_finding_str(f, "config", v.reasons[r].detail, 0);
				if (url[0])
					mt_finding_str(f, "pool", url, 0);
			} else if (strcmp(v.reasons[r].code, "wallet") == 0) {
				mt_finding_str(f, "wallet", v.reasons[r].detail, 0);
			}
		mt_verdict_explain(f, &v);
		mt_live_kill_action(f, l, p);
		/* quarantine the executable only when it is the miner itself, never the shell
		 * or interpreter that merely started one */
		int exe_is_miner = hash_hit;
		for (unsigned r = 0; r < v.nreasons; r++)
			if (strcmp(v.reasons[r].code, "miner_name") == 0 && p->exe[0] &&
			    mt_strcaseeq(mt_basename(v.reasons[r].detail), mt_basename(p->exe)))
				exe_is_miner = 1;
		if (p->exe[0] && !p->exe_deleted && !p->exe_memfd && exe_is_miner) {
			mt_action *a = mt_finding_action(f, "quarantine_file");
			mt_action_str(f, a, "path", p->exe);
			if (have_sha)
				mt_action_str(f, a, "sha256", sha);
		}
		for (unsigned r = 0; r < v.nreasons; r++)
			if (strcmp(v.reasons[r].code, "ioc_ip") == 0 && v.reasons[r].rule) {
				char ip[64];
				mt_rule_ip(v.reasons[r].rule, ip, sizeof(ip));
				mt_action *a = mt_finding_action(f, "block_ip");
				mt_action_str(f, a, "ip", ip);
			}
		e = mt_report_add(ctx->report, f);
	}
	return e == MT_ERR_NOMEM ? e : MT_OK;
}
