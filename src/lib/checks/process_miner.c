/* process_miner.c - process.miner: running processes whose name, command line or pool
 * tell a cryptocurrency miner */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../collect/collect.h"
#include "checks.h"

/* Programs that show text: a "stratum+tcp://" in their arguments is what they look at,
 * not what they do (a responder's grep must not be reported as a miner). */
static const char *const viewers[] = {"grep", "egrep", "fgrep", "rg", "ag", "less", "more",
                                      "vi", "vim", "nvim", "nano", "emacs", "cat", "head",
                                      "tail", "strings", "yara", "minetrace", "journalctl"};

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
	       strcmp(code, "ioc_url") == 0;
}

mt_err mt_check_process_miner(mt_ctx *ctx, const mt_check_info *self)
{
	mt_proc *ps;
	size_t n;
	mt_err e = mt_proc_list(&ps, &n);
	if (e != MT_OK)
		return e;
	int me = (int)getpid();
	for (size_t i = 0; i < n && e != MT_ERR_NOMEM; i++) {
		const mt_proc *p = &ps[i];
		if (p->pid == me || p->kernel_thread || is_viewer(p->argv0))
			continue;
		mt_cmd_verdict v;
		mt_judge_command(ctx->rules, p->cmdline, p->cmdline_len, &v);
		/* the executable's and the kernel's names can differ from argv[0] */
		const char *names[2] = {p->exe[0] ? mt_basename(p->exe) : "", p->comm};
		for (int k = 0; k < 2; k++) {
			char low[64];
			size_t l = strcspn(names[k], " ");
			if (l == 0 || l >= sizeof(low))
				continue;
			for (size_t j = 0; j < l; j++)
				low[j] = (char)((names[k][j] >= 'A' && names[k][j] <= 'Z')
				                    ? names[k][j] + 32
				                    : names[k][j]);
			low[l] = '\0';
			const mt_rule *x = mt_rules_find(ctx->rules, MT_RK_MINER_NAME, low);
			if (x && v.nreasons < MT_ARRAY_LEN(v.reasons)) {
				unsigned r = v.nreasons++;
				v.reasons[r].code = "miner_name";
				v.reasons[r].severity = x->has_sev ? x->sev : MT_SEV_CRITICAL;
				v.reasons[r].rule = x;
				snprintf(v.reasons[r].detail, sizeof(v.reasons[r].detail), "%s", low);
				if (v.reasons[r].severity > v.severity)
					v.severity = v.reasons[r].severity;
			}
		}
		/* independent miner signals (a name, an option, a pool) make it certain */
		unsigned kinds = 0;
		for (unsigned r = 0; r < v.nreasons; r++) {
			int seen = 0;
			for (unsigned q = 0; q < r; q++)
				seen |= strcmp(v.reasons[q].code, v.reasons[r].code) == 0;
			kinds += !seen && miner_reason(v.reasons[r].code);
		}
		if (!kinds)
			continue;
		if (kinds >= 2)
			v.severity = MT_SEV_CRITICAL;

		mt_finding *f = mt_finding_new(self, v.severity, 95);
		mt_finding_text(f, MT_LANG_EN, "Cryptocurrency miner process", "Process %d", p->pid);
		mt_finding_text(f, MT_LANG_ZH, "挖矿进程", "进程 %d", p->pid);
		mt_finding_int(f, "pid", p->pid, 1);
		mt_finding_int(f, "ppid", p->ppid, 0);
		mt_finding_str(f, "comm", p->comm, 0);
		if (p->exe[0])
			mt_finding_str(f, "exe", p->exe, 1);
		mt_finding_strn(f, "cmdline", p->cmdline, p->cmdline_len, 1);
		mt_finding_int(f, "uid", p->uid, 0);
		mt_finding_int(f, "start_time", p->start_time, 0);
		char sha[65];
		int hash_hit = 0;
		if (p->exe[0] && mt_proc_exe_sha256(p->pid, sha) == MT_OK) {
			mt_finding_str(f, "sha256", sha, 0);
			const mt_rule *x = mt_rules_find(ctx->rules, MT_RK_SHA256, sha);
			if (x) {
				mt_finding_rule(f, x);
				mt_finding_raise(f, MT_SEV_CRITICAL);
				hash_hit = 1;
			}
		}
		mt_verdict_explain(f, &v);
		mt_action *a = mt_finding_action(f, "kill_tree");
		mt_action_int(f, a, "pid", p->pid);
		mt_action_int(f, a, "start_ticks", (long long)p->start_ticks);
		if (p->exe[0])
			mt_action_str(f, a, "exe", p->exe);
		/* quarantine the executable only when it is the miner itself, never the shell
		 * or interpreter that merely started one */
		int exe_is_miner = hash_hit;
		for (unsigned r = 0; r < v.nreasons; r++)
			if (strcmp(v.reasons[r].code, "miner_name") == 0 && p->exe[0] &&
			    mt_strcaseeq(mt_basename(v.reasons[r].detail), mt_basename(p->exe)))
				exe_is_miner = 1;
		if (p->exe[0] && !p->exe_deleted && exe_is_miner) {
			a = mt_finding_action(f, "quarantine_file");
			mt_action_str(f, a, "path", p->exe);
		}
		for (unsigned r = 0; r < v.nreasons; r++)
			if (strcmp(v.reasons[r].code, "ioc_ip") == 0 && v.reasons[r].rule) {
				char ip[64];
				mt_rule_ip(v.reasons[r].rule, ip, sizeof(ip));
				a = mt_finding_action(f, "block_ip");
				mt_action_str(f, a, "ip", ip);
			}
		e = mt_report_add(ctx->report, f);
	}
	mt_procs_free(ps, n);
	return e == MT_ERR_NOMEM ? e : MT_OK;
}
