/* rootkit_hidden.c - rootkit.hidden_process: processes that exist but are kept out of
 * sight: absent from the /proc listing while the kernel answers for their pid, hidden
 * from libc's readdir (an LD_PRELOAD hider) but not from getdents64, covered by a bind
 * mount over /proc/PID, or CPU time that no visible process accounts for */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../collect/collect.h"
#include "checks.h"
#include "live_common.h"

static int has_pid(const int *v, size_t n, int pid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] == pid)
			return 1;
		if (v[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

/* The numeric names of /proc listed one way, sorted. */
static mt_err list_pids(int how, int **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return mt_errno_to_err(errno);
	mt_dirent *ents;
	size_t ne;
	mt_err e = mt_list_fd(fd, how, &ents, &ne);
	close(fd);
	if (e != MT_OK)
		return e;
	int *v = malloc((ne ? ne : 1) * sizeof(*v));
	if (!v) {
		mt_dirents_free(ents, ne);
		return MT_ERR_NOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < ne; i++) {
		uint64_t pid;
		if (mt_parse_u64(ents[i].name, strlen(ents[i].name), 0x7fffffff, &pid) == 0)
			v[k++] = (int)pid;
	}
	mt_dirents_free(ents, ne);
	qsort(v, k, sizeof(*v), int_cmp);
	*out = v;
	*n = k;
	return MT_OK;
}

/* The thread group of a pid, from /proc/PID/status (readable even when not listed). */
static int tgid_of(int pid, char *comm, size_t commlen)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	if (strncmp(buf, "Name:\t", 6) == 0)
		snprintf(comm, commlen, "%.*s", (int)strcspn(buf + 6, "\n"), buf + 6);
	const char *t = strstr(buf, "\nTgid:");
	return t ? (int)strtol(t + 6, NULL, 10) : -1;
}

static mt_err report_hidden(mt_ctx *ctx, const mt_check_info *self, const mt_live *l, int pid,
                            const char *comm, const char *method, const char *how_en,
                            const char *how_zh, mt_severity sev)
{
	mt_finding *f = mt_finding_new(self, sev, 90);
	mt_finding_text(f, MT_LANG_EN, "Hidden process", "Process %d (%s) is %s", pid, comm,
	                how_en);
	mt_finding_text(f, MT_LANG_ZH, "隐藏进程", "进程 %d (%s) %s", pid, comm, how_zh);
	mt_finding_str(f, "method", method, 1);
	const mt_proc *p = mt_live_proc(l, pid);
	if (p) {
		mt_live_evidence(f, l, p);
		mt_live_kill_action(f, l, p);
	} else {
		mt_finding_int(f, "pid", pid, 1);
		mt_finding_str(f, "comm", comm, 0);
		mt_action *a = mt_finding_action(f, "kill_tree");
		mt_action_int(f, a, "pid", pid);
	}
	return mt_report_add(ctx->report, f);
}

static void proc_comm(int pid, char *out, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t r = read(fd, out, n - 1);
	close(fd);
	out[r > 0 ? r : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

mt_err mt_check_rootkit_hidden(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_live *l = mt_ctx_live(ctx);
	if (!l)
		return MT_ERR_IO;
	int *raw = NULL, *libc = NULL;
	size_t nraw = 0, nlibc = 0;
	mt_err e = list_pids(MT_LIST_GETDENTS, &raw, &nraw);
	if (e == MT_OK)
		e = list_pids(MT_LIST_READDIR, &libc, &nlibc);
	if (e != MT_OK)
		goto out;

	/* 1. what libc's readdir leaves out of what the kernel lists: a user-space hider.
	 * A process that came or went between the two listings is not hidden: a pid must be
	 * missing from a second readdir too, and be listed by a second getdents64. */
	int *libc2 = NULL, *raw2 = NULL;
	size_t nlibc2 = 0, nraw2 = 0;
	for (size_t i = 0; i < nraw && e != MT_ERR_NOMEM; i++) {
		if (has_pid(libc, nlibc, raw[i]))
			continue;
		if (!libc2 && (list_pids(MT_LIST_READDIR, &libc2, &nlibc2) != MT_OK ||
		               list_pids(MT_LIST_GETDENTS, &raw2, &nraw2) != MT_OK))
			break;
		if (has_pid(libc2, nlibc2, raw[i]) || !has_pid(raw2, nraw2, raw[i]))
			continue;
		char comm[64];
		proc_comm(raw[i], comm, sizeof(comm));
		if (!comm[0])
			continue; /* gone meanwhile */
		e = report_hidden(ctx, self, l, raw[i], comm, "readdir",
		                  "missing from libc's readdir of /proc but listed by getdents64: "
		                  "a library hooks readdir (LD_PRELOAD or /etc/ld.so.preload)",
		                  "在libc readdir的/proc列表中缺失, 但getdents64可见: "
		                  "有库劫持了readdir(LD_PRELOAD或/etc/ld.so.preload)",
		                  MT_SEV_CRITICAL);
	}

	/* 2. every pid the kernel knows, against the listing: a kernel rootkit */
	int pid_max = 4194304;
	{
		char buf[32];
		int fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t r = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (r > 0) {
				buf[r] = '\0';
				long v = strtol(buf, NULL, 10);
				if (v > 0 && v <= 4194304)
					pid_max = (int)v;
			}
		}
	}
	for (int pid = 1; pid < pid_max && e != MT_ERR_NOMEM; pid++) {
		if (has_pid(raw, nraw, pid))
			continue;
		if (kill(pid, 0) != 0 && errno != EPERM)
			continue;
		/* threads answer kill() too; a thread is hidden only if its process is */
		char comm[64] = "";
		int tgid = tgid_of(pid, comm, sizeof(comm));
		if (tgid > 0 && tgid != pid && has_pid(raw, nraw, tgid))
			continue;
		if (tgid > 0 && tgid != pid)
			continue; /* judged by its own pid */
		/* born after the listing? list again before saying anything */
		int *again = NULL;
		size_t nagain = 0;
		if (list_pids(MT_LIST_GETDENTS, &again, &nagain) != MT_OK)
			continue;
		int listed = has_pid(again, nagain, pid);
		free(again);
		if (listed || (kill(pid, 0) != 0 && errno != EPERM))
			continue;
		e = report_hidden(ctx, self, l, pid, comm[0] ? comm : "?", "pid_probe",
		                  "alive (kill 0 answers) but not listed in /proc: "
		                  "a kernel-level hider",
		                  "存活(kill 0有响应)但不在/proc列表中: 内核级隐藏",
		                  MT_SEV_CRITICAL);
	}

	/* 3. bind mounts over /proc/PID (mount -o bind /proc/1 /proc/<miner>) */
	{
		int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		char *d = NULL;
		size_t n = 0;
		int trunc;
		if (fd >= 0 && mt_read_fd(fd, 8u << 20, &d, &n, &trunc) == MT_OK) {
			for (char *line = d, *next; line && *line && e != MT_ERR_NOMEM;
			     line = next) {
				next = strchr(line, '\n');
				if (next)
					*next++ = '\0';
				/* id parent major:minor root mountpoint ... */
				char *f = line;
				for (int k = 0; k < 4 && f; k++) {
					f = strchr(f, ' ');
					if (f)
						f++;
				}
				if (!f || strncmp(f, "/proc/", 6) != 0)
					continue;
				size_t ml = strcspn(f, " ");
				uint64_t pid;
				size_t dl = strspn(f + 6, "0123456789");
				if (dl == 0 || (6 + dl != ml && f[6 + dl] != '/') ||
				    mt_parse_u64(f + 6, dl, 0x7fffffff, &pid) != 0)
					continue;
				char mp[128];
				snprintf(mp, sizeof(mp), "%.*s", (int)(ml < 100 ? ml : 100), f);
				mt_finding *fi = mt_finding_new(self, MT_SEV_CRITICAL, 95);
				mt_finding_text(
					fi, MT_LANG_EN, "Hidden process",
					"%s has a file system mounted over it: what /proc shows for "
					"pid %d is not that process",
					mp, (int)pid);
				mt_finding_text(
					fi, MT_LANG_ZH, "隐藏进程",
					"%s 上挂载了其他文件系统: /proc显示的并非进程 %d 的真实信息",
					mp, (int)pid);
				mt_finding_str(fi, "method", "bind_mount", 1);
				mt_finding_int(fi, "pid", (long long)pid, 1);
				mt_finding_str(fi, "mountpoint", mp, 0);
				mt_finding_str(fi, "mountinfo", line, 0);
				mt_action *a = mt_finding_action(fi, "unmount");
				mt_action_str(fi, a, "path", mp);
				a = mt_finding_action(fi, "kill_tree");
				mt_action_int(fi, a, "pid", (long long)pid);
				e = mt_report_add(ctx->report, fi);
			}
		}
		free(d);
		if (fd >= 0)
			close(fd);
	}

	/* 4. CPU time the kernel counted that no listed process accounts for. /proc/stat
	 * counts the whole machine: only meaningful from the initial PID namespace (its
	 * inode is the kernel constant PROC_PID_INIT_INO), where every process is listed. */
	char nsl[64];
	ssize_t nsn = readlink("/proc/self/ns/pid", nsl, sizeof(nsl) - 1);
	int init_ns = nsn > 0 && (size_t)nsn == strlen("pid:[4026531836]") &&
	              memcmp(nsl, "pid:[4026531836]", (size_t)nsn) == 0;
	if (l->sampled && !init_ns)
		mt_report_diag(ctx->report, "rootkit.hidden_process: CPU accounting skipped, "
		                            "minetrace runs in a PID namespace that does not see "
		                            "every process of the machine");
	if (l->sampled && init_ns && l->sample_secs >= 0.5) {
		double unexplained = l->busy_pct - l->visible_pct;
		if (unexplained >= 50 && unexplained >= 0.3 * l->busy_pct) {
			mt_finding *fi = mt_finding_new(self, MT_SEV_MEDIUM, 50);
			mt_finding_text(
				fi, MT_LANG_EN, "CPU time of hidden processes",
				"Over %.1f s the system was busy %.0f%% of a CPU, the listed "
				"processes account for %.0f%%",
				l->sample_secs, l->busy_pct, l->visible_pct);
			mt_finding_text(fi, MT_LANG_ZH, "隐藏进程占用CPU",
			                "%.1f 秒内系统CPU忙碌 %.0f%%(单核), 可见进程仅占 %.0f%%",
			                l->sample_secs, l->busy_pct, l->visible_pct);
			char b[32];
			mt_finding_str(fi, "method", "cpu_accounting", 1);
			snprintf(b, sizeof(b), "%.1f", l->busy_pct);
			mt_finding_str(fi, "busy_pct", b, 0);
			snprintf(b, sizeof(b), "%.1f", l->visible_pct);
			mt_finding_str(fi, "visible_pct", b, 0);
			e = mt_report_add(ctx->report, fi);
		}
	}
	free(libc2);
	free(raw2);
out:
	free(raw);
	free(libc);
	return e == MT_ERR_NOMEM ? e : MT_OK;
}
