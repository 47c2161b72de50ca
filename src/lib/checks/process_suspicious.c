/* process_suspicious.c - process.suspicious: processes that hide what they are: a
 * deleted or in-memory executable, a kernel thread's name on a user program, a name one
 * letter away from a system daemon's, a program in a temporary or hidden directory, an
 * LD_PRELOAD in the environment; worse when they burn CPU */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../collect/collect.h"
#include "../collect/facts.h"
#include "checks.h"
#include "live_common.h"

/* Names the kernel gives its threads (prefixes). */
static const char *const kthread_names[] = {
	"kworker",     "ksoftirqd",  "kswapd",      "migration", "kthreadd",    "rcu_",
	"watchdog",    "kdevtmpfs",  "khugepaged",  "kauditd",   "jbd2",        "kblockd",
	"kcompactd",   "ksmd",       "kintegrityd", "cpuhp",     "idle_inject", "irq/",
	"kthrotld",    "oom_reaper", "writeback",   "kstrp",     "netns",       "scsi_",
	"edac-poller", "xfsaild",    "md",          "zswap",     "kpsmoused",   "ipv6_addrconf"};

/* Daemons whose names miners imitate with one letter changed (dhpcd for dhcpcd). */
static const char *const daemons[] = {"dhcpcd",          "dhclient",       "sshd",
                                      "systemd",         "crond",          "cron",
                                      "rsyslogd",        "syslogd",        "atd",
                                      "dbus-daemon",     "udevd",          "agetty",
                                      "polkitd",         "snapd",          "containerd",
                                      "dockerd",         "kthreadd",       "networkd",
                                      "auditd",          "chronyd",        "ntpd",
                                      "nginx",           "httpd",          "apache2",
                                      "mysqld",          "redis-server",   "postgres",
                                      "getty",           "irqbalance",     "tuned",
                                      "firewalld",       "NetworkManager", "systemd-journald",
                                      "systemd-logind",  "systemd-udevd",  "systemd-resolved",
                                      "systemd-networkd"};

/* Shells are named one letter apart from each other (dash, bash): not a disguise. */
static int is_shell(const char *name)
{
	static const char *const shells[] = {"sh",  "ash",  "bash", "dash", "zsh",
	                                     "ksh", "mksh", "tcsh", "csh",  "fish"};
	for (size_t i = 0; i < MT_ARRAY_LEN(shells); i++)
		if (strcmp(name, shells[i]) == 0)
			return 1;
	return 0;
}

static int looks_like_kthread(const char *name)
{
	if (name[0] == '[')
		return 1;
	for (size_t i = 0; i < MT_ARRAY_LEN(kthread_names); i++)
		if (strncmp(name, kthread_names[i], strlen(kthread_names[i])) == 0)
			return 1;
	return 0;
}

/* Damerau-Levenshtein distance 1 exactly (one insertion, deletion, substitution or
 * adjacent transposition). */
static int one_edit(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (strcmp(a, b) == 0 || (la > lb ? la - lb : lb - la) > 1)
		return 0;
	size_t i = 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (strcmp(a + i + 1, b + i + 1) == 0)
			return 1; /* substitution */
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		       strcmp(a + i + 2, b + i + 2) == 0;
	}
	return la > lb ? strcmp(a + i + 1, b + i) == 0 : strcmp(a + i, b + i + 1) == 0;
}

static int is_temp(const char *p)
{
	return strncmp(p, "/tmp/", 5) == 0 || strncmp(p, "/var/tmp/", 9) == 0 ||
	       strncmp(p, "/dev/shm/", 9) == 0 || strncmp(p, "/run/shm/", 9) == 0;
}

/* Hidden directories where tools install themselves in a home (pyenv, cargo, nvm...). */
static const char *const tool_dirs[] = {
	".local/",  ".pyenv/",  ".cargo/",         ".nvm/",       ".rbenv/", ".npm/",
	".deno/",   ".bun/",    ".vscode-server/", ".sdkman/",    ".asdf/",  ".volta/",
	".rustup/", ".dotnet/", ".conda/",         ".linuxbrew/", ".gem/"};

static int hidden_dir(const char *p)
{
	const char *s = strrchr(p, '/');
	for (const char *c = p; c && c < s; c = strchr(c + 1, '/')) {
		if (c[1] != '.' || c[2] == '/')
			continue;
		int tool = 0;
		for (size_t i = 0; i < MT_ARRAY_LEN(tool_dirs) && !tool; i++)
			tool = strncmp(c + 1, tool_dirs[i], strlen(tool_dirs[i])) == 0;
		if (!tool)
			return 1; /* "/.x/", "/../" as a name, "/.../" */
	}
	return 0;
}

typedef struct why {
	const char *code;
	mt_severity sev;
	char detail[160];
} why;

static void because(why *w, unsigned *n, const char *code, mt_severity sev, const char *detail)
{
	if (*n >= 8)
		return;
	w[*n].code = code;
	w[*n].sev = sev;
	mt_copy(w[*n].detail, sizeof(w[*n].detail), detail);
	(*n)++;
}

static const struct {
	const char *code;
	const char *text[MT_LANG_COUNT];
} texts[] = {
	{"exe_deleted", {"its executable file was deleted", "其可执行文件已被删除"}},
	{"exe_memfd", {"runs from memory only (memfd)", "仅在内存中运行(memfd)"}},
	{"exe_memfd_sealed",
         {"runs from a sealed in-memory copy (memfd), as runc and sandboxes do",
          "从已封存的内存副本(memfd)运行, runc 与沙箱也这样做"}},
	{"kthread_name",
         {"wears a kernel thread's name but is a user program", "伪装成内核线程名的用户态程序"}},
	{"daemon_lookalike",
         {"has a name one letter away from a system daemon", "名称与系统守护进程仅差一个字母"}},
	{"tmp_exe", {"runs from a temporary directory", "从临时目录运行"}},
	{"hidden_exe", {"runs from a hidden directory", "从隐藏目录运行"}},
	{"ld_preload", {"has LD_PRELOAD in its environment", "环境变量中含有LD_PRELOAD"}},
	{"high_cpu", {"uses much CPU", "CPU占用高"}},
};

static const char *text(const char *code, mt_lang l)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(texts); i++)
		if (strcmp(texts[i].code, code) == 0)
			return texts[i].text[l];
	return code;
}

mt_err mt_check_process_suspicious(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_live *l = mt_ctx_live(ctx);
	if (!l)
		return MT_ERR_IO;
	mt_pkgdb *db = mt_ctx_pkgdb(ctx);
	int me = (int)getpid();
	mt_err e = MT_OK;
	for (size_t i = 0; i < l->nprocs && e != MT_ERR_NOMEM; i++) {
		const mt_proc *p = &l->procs[i];
		if (p->pid == me || p->kernel_thread || !p->exe[0])
			continue;
		why w[8];
		unsigned n = 0;
		char exe[MT_MAX_PATH];
		mt_copy(exe, sizeof(exe), p->exe);
		if (p->exe_deleted)
			exe[strlen(exe) - 10] = '\0';
		const char *ebase = mt_basename(exe);
		int odd_place = is_temp(exe) || hidden_dir(exe);
		/* a daemon still running after its package was upgraded is not suspect */
		int owned = db && !p->container_id[0] && mt_pkgdb_owner(db, exe);
		/* runc and sandboxes run memfd copies of themselves sealed against writes;
		 * fileless loaders (ezuri and its kind) leave theirs unsealed */
		if (p->exe_memfd && p->exe_sealed)
			because(w, &n, "exe_memfd_sealed", MT_SEV_LOW, p->exe);
		else if (p->exe_memfd)
			because(w, &n, "exe_memfd", MT_SEV_MEDIUM, p->exe);
		else if (p->exe_deleted && !owned)
			because(w, &n, "exe_deleted", odd_place ? MT_SEV_HIGH : MT_SEV_MEDIUM,
			        p->exe);
		if (looks_like_kthread(p->comm) || looks_like_kthread(mt_basename(p->argv0)))
			because(w, &n, "kthread_name", MT_SEV_HIGH, p->comm);
		for (size_t k = 0; k < MT_ARRAY_LEN(daemons) && !owned && !is_shell(ebase); k++) {
			if (strlen(daemons[k]) < 4)
				continue;
			if (one_edit(p->comm, daemons[k]) || one_edit(ebase, daemons[k])) {
				char d[160];
				snprintf(d, sizeof(d), "%s ~ %s", p->comm, daemons[k]);
				because(w, &n, "daemon_lookalike", MT_SEV_MEDIUM, d);
				break;
			}
		}
		if (is_temp(exe))
			because(w, &n, "tmp_exe", MT_SEV_MEDIUM, exe);
		else if (hidden_dir(exe))
			because(w, &n, "hidden_exe", MT_SEV_MEDIUM, exe);
		if (p->ld_preload)
			because(w, &n, "ld_preload",
			        is_temp(p->ld_preload) || hidden_dir(p->ld_preload) ? MT_SEV_HIGH
			                                                            : MT_SEV_MEDIUM,
			        p->ld_preload);
		if (n == 0)
			continue;
		mt_severity sev = MT_SEV_INFO;
		for (unsigned k = 0; k < n; k++)
			if (w[k].sev > sev)
				sev = w[k].sev;
		/* a disguised program that burns CPU is what a miner looks like */
		if (p->cpu_pct >= 50) {
			char d[64];
			snprintf(d, sizeof(d), "%.0f%%", p->cpu_pct);
			because(w, &n, "high_cpu", MT_SEV_HIGH, d);
			sev = sev >= MT_SEV_MEDIUM ? MT_SEV_CRITICAL : MT_SEV_HIGH;
		} else if (n >= 3 && sev < MT_SEV_HIGH) {
			sev = MT_SEV_HIGH;
		}
		mt_finding *f = mt_finding_new(self, sev, n >= 2 ? 85 : 60);
		mt_buf t[MT_LANG_COUNT];
		char codes[160] = "";
		size_t cl = 0;
		for (int lg = 0; lg < MT_LANG_COUNT; lg++) {
			mt_buf_init(&t[lg], MT_MAX_TEXT - 1);
			mt_buf_printf(&t[lg], lg ? "进程 %d：" : "Process %d: ", p->pid);
			for (unsigned k = 0; k < n; k++)
				mt_buf_printf(&t[lg], "%s%s (%s)", k ? (lg ? "；" : "; ") : "",
				              text(w[k].code, (mt_lang)lg), w[k].detail);
		}
		for (unsigned k = 0; k < n; k++) {
			int wr = snprintf(codes + cl, sizeof(codes) - cl, "%s%s", k ? "," : "",
			                  w[k].code);
			if (wr > 0 && (size_t)wr < sizeof(codes) - cl)
				cl += (size_t)wr;
		}
		mt_finding_text(f, MT_LANG_EN, "Disguised or suspicious process", "%s",
		                t[0].data ? t[0].data : "");
		mt_finding_text(f, MT_LANG_ZH, "伪装或可疑的进程", "%s",
		                t[1].data ? t[1].data : "");
		mt_buf_free(&t[0]);
		mt_buf_free(&t[1]);
		mt_live_evidence(f, l, p);
		mt_finding_str(f, "reasons", codes, 0);
		if (sev >= MT_SEV_HIGH)
			mt_live_kill_action(f, l, p);
		if (!p->exe_deleted && !p->exe_memfd && odd_place && sev >= MT_SEV_HIGH) {
			mt_action *a = mt_finding_action(f, "quarantine_file");
			mt_action_str(f, a, "path", exe);
		}
		e = mt_report_add(ctx->report, f);
	}
	return e == MT_ERR_NOMEM ? e : MT_OK;
}
