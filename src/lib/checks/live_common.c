/* live_common.c - what the live checks add to a process finding: CPU, container, tree,
 * sockets, and the remedy that freezes and kills the tree */
#include <stdio.h>
#include <string.h>

#include "../collect/collect.h"
#include "live_common.h"

/* Parents that manage services rather than respawn one miner: never part of a kill. */
static const char *const managers[] = {"systemd",
                                       "init",
                                       "containerd-shim",
                                       "containerd-shim-runc-v2",
                                       "runc",
                                       "sshd",
                                       "sshd-session",
                                       "login",
                                       "cron",
                                       "crond",
                                       "atd",
                                       "supervisord",
                                       "tini",
                                       "dockerd",
                                       "containerd",
                                       "docker-proxy",
                                       "conmon",
                                       "podman",
                                       "kubelet",
                                       "tmux: server",
                                       "screen",
                                       "SCREEN",
                                       "redis-server",
                                       "java",
                                       "postgres",
                                       "mysqld",
                                       "mariadbd",
                                       "php-fpm",
                                       "nginx",
                                       "httpd",
                                       "apache2",
                                       "node",
                                       "su",
                                       "sudo"};

int mt_proc_is_manager(const mt_proc *p)
{
	if (!p || p->pid <= 1)
		return 1;
	for (size_t i = 0; i < MT_ARRAY_LEN(managers); i++)
		if (strcmp(p->comm, managers[i]) == 0)
			return 1;
	return p->kernel_thread;
}

void mt_live_evidence(mt_finding *f, const mt_live *l, const mt_proc *p)
{
	mt_buf b;
	mt_finding_int(f, "pid", p->pid, 1);
	mt_finding_int(f, "ppid", p->ppid, 0);
	mt_finding_str(f, "comm", p->comm, 0);
	if (p->exe[0])
		mt_finding_str(f, "exe", p->exe, 1);
	mt_finding_strn(f, "cmdline", p->cmdline, p->cmdline_len, 1);
	mt_finding_int(f, "uid", p->uid, 0);
	if (p->euid != p->uid)
		mt_finding_int(f, "euid", p->euid, 0);
	mt_finding_int(f, "start_time", p->start_time, 0);
	if (p->cwd[0])
		mt_finding_str(f, "cwd", p->cwd, 0);
	if (p->cpu_pct >= 0) {
		char pct[32];
		snprintf(pct, sizeof(pct), "%.1f", p->cpu_pct);
		mt_finding_str(f, "cpu_pct", pct, 0);
	}
	mt_finding_int(f, "threads", p->threads, 0);
	if (p->container_id[0]) {
		mt_finding_str(f, "container_id", p->container_id, 0);
		mt_finding_str(f, "container_runtime", p->container_rt, 0);
	}
	if (p->ld_preload)
		mt_finding_str(f, "ld_preload", p->ld_preload, 0);
	mt_buf_init(&b, 8192);
	mt_buf a;
	mt_buf_init(&a, 8192);
	if (mt_live_tree(l, p->pid, &a, &b) == MT_OK) {
		if (a.len)
			mt_finding_str(f, "ancestors", a.data, 0);
		if (b.len)
			mt_finding_str(f, "descendants", b.data, 0);
	}
	mt_buf_free(&a);
	mt_buf_reset(&b);
	size_t n;
	if (mt_live_sockets(l, p->pid, &b, &n) == MT_OK && n)
		mt_finding_str(f, "sockets", b.data, 0);
	mt_buf_free(&b);
}

void mt_live_kill_action(mt_finding *f, const mt_live *l, const mt_proc *p)
{
	mt_action *a = mt_finding_action(f, "kill_tree");
	mt_action_int(f, a, "pid", p->pid);
	mt_action_int(f, a, "start_ticks", (long long)p->start_ticks);
	if (p->exe[0])
		mt_action_str(f, a, "exe", p->exe);
	/* the parent that would start it again: a shell loop or a copy of itself */
	const mt_proc *pp = mt_live_proc(l, p->ppid);
	if (pp && !mt_proc_is_manager(pp)) {
		mt_action_int(f, a, "parent_pid", pp->pid);
		mt_action_int(f, a, "parent_start_ticks", (long long)pp->start_ticks);
	}
}
