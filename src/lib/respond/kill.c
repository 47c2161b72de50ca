/* kill.c - freeze (SIGSTOP, parents first) and kill (SIGKILL) a process tree safely */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "respond/respond_int.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#define PF_KTHREAD 0x00200000u

typedef struct pinfo {
	int64_t pid, ppid;
	uint64_t start;
	unsigned flags;
	char state;
	int ok;
} pinfo;

static int read_stat(const char *procdir, int64_t pid, pinfo *pi)
{
	char p[96], buf[4096];
	memset(pi, 0, sizeof(*pi));
	snprintf(p, sizeof(p), "%s/%lld/stat", procdir, (long long)pid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *rp = strrchr(buf, ')');
	if (!rp || rp[1] != ' ')
		return -1;
	/* fields from 3 (state) on, separated by single blanks */
	char *f = rp + 2;
	uint64_t v[24] = {0};
	char state = *f;
	unsigned idx = 3;
	while (*f && idx <= 22) {
		char *sp = strchr(f, ' ');
		size_t l = sp ? (size_t)(sp - f) : strlen(f);
		if (idx >= 4) {
			uint64_t x;
			if (f[0] == '-')
				x = 0;
			else if (mt_parse_u64(f, l, UINT64_MAX, &x) != 0)
				return -1;
			v[idx] = x;
		}
		if (!sp)
			break;
		f = sp + 1;
		idx++;
	}
	if (idx < 22)
		return -1;
	pi->pid = pid;
	pi->state = state;
	pi->ppid = (int64_t)v[4];
	pi->flags = (unsigned)v[9];
	pi->start = v[22];
	pi->ok = 1;
	return 0;
}

static void read_exe(const char *procdir, int64_t pid, char *out, size_t n)
{
	char p[96];
	snprintf(p, sizeof(p), "%s/%lld/exe", procdir, (long long)pid);
	ssize_t l = readlink(p, out, n - 1);
	out[l > 0 ? l : 0] = '\0';
}

/* 1 when pid is this process or one of its ancestors */
static int is_self_or_ancestor(const char *procdir, int64_t pid)
{
	int64_t cur = getpid();
	for (unsigned i = 0; i < 4096 && cur > 0; i++) {
		if (cur == pid)
			return 1;
		pinfo pi;
		if (read_stat(procdir, cur, &pi) != 0)
			break;
		cur = pi.ppid;
	}
	return 0;
}

/* Why pid must not be signalled (a format taking the pid), or NULL. */
static const char *refuse(const char *procdir, const pinfo *pi)
{
	if (pi->pid <= 1)
		return "pid %lld refused: pid 1 (init) is never killed";
	if (pi->flags & PF_KTHREAD) /* kthreadd and its children; pid 2 is no sign in a namespace */
		return "pid %lld refused: a kernel thread is never killed";
	if (is_self_or_ancestor(procdir, pi->pid))
		return "pid %lld refused: minetrace itself or one of its ancestors";
	return NULL;
}

typedef struct member {
	int64_t pid;
	uint64_t start;
	int pidfd;
	int grows; /* its children join the tree (not the parent's: they are not the miner's) */
} member;

typedef struct tree {
	member m[MT_MAX_TREE_PROCS];
	size_t n;
} tree;

static int in_tree(const tree *t, int64_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->m[i].pid == pid)
			return 1;
	return 0;
}

static int sig(const char *procdir, member *m, int signo)
{
	/* a pidfd pins the process: a pid reused after the check is never signalled */
	if (m->pidfd < 0) {
		m->pidfd = (int)syscall(SYS_pidfd_open, (int)m->pid, 0);
		if (m->pidfd >= 0) {
			pinfo pi;
			if (read_stat(procdir, m->pid, &pi) != 0 || pi.start != m->start) {
				close(m->pidfd);
				m->pidfd = -2; /* gone or reused */
				return -1;
			}
		} else if (errno != ENOSYS) {
			m->pidfd = -2;
			return -1;
		}
	}
	if (m->pidfd == -2)
		return -1;
	if (m->pidfd >= 0)
		return (int)syscall(SYS_pidfd_send_signal, m->pidfd, signo, NULL, 0);
	pinfo pi;
	if (read_stat(procdir, m->pid, &pi) != 0 || pi.start != m->start)
		return -1;
	return kill((pid_t)m->pid, signo);
}

static int grows_from(const tree *t, int64_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->m[i].pid == pid)
			return t->m[i].grows;
	return 0;
}

static int add(const char *procdir, tree *t, int64_t pid, uint64_t start, int grows, mt_buf *msg)
{
	if (in_tree(t, pid))
		return 0;
	if (t->n >= MT_MAX_TREE_PROCS)
		return -1;
	member *m = &t->m[t->n++];
	m->pid = pid;
	m->start = start;
	m->pidfd = -1;
	m->grows = grows;
	if (sig(procdir, m, SIGSTOP) != 0)
		return 0;
	mt_buf_printf(msg, "%s%lld", msg->len ? " " : "", (long long)pid);
	return 1;
}

/* Adds every process whose parent is in the tree; returns how many were added. */
static int grow(const char *procdir, tree *t, mt_buf *msg)
{
	DIR *d = opendir(procdir);
	if (!d)
		return 0;
	int added = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		uint64_t pid;
		if (mt_parse_u64(de->d_name, strlen(de->d_name), INT32_MAX, &pid) != 0)
			continue;
		if (in_tree(t, (int64_t)pid))
			continue;
		pinfo pi;
		if (read_stat(procdir, (int64_t)pid, &pi) != 0 || !grows_from(t, pi.ppid))
			continue;
		if (refuse(procdir, &pi))
			continue;
		if (add(procdir, t, pi.pid, pi.start, 1, msg) > 0)
			added++;
	}
	closedir(d);
	return added;
}

/* 1 for shells and interpreters that run many unrelated programs */
static int interpreter(const char *exe)
{
	static const char *const names[] = {
		"sh",   "bash",   "dash", "ash", "zsh", "ksh", "busybox", "python", "perl", "ruby",
		"node", "nodejs", "java", "php", "lua", "env", "sudo",    "su",     "tclsh"};
	const char *b = mt_basename(exe);
	for (size_t i = 0; i < MT_ARRAY_LEN(names); i++) {
		size_t l = strlen(names[i]);
		/* "python3", "python3.11", "php8.2" too */
		if (strncmp(b, names[i], l) == 0 &&
		    (b[l] == '\0' || (b[l] >= '0' && b[l] <= '9') || b[l] == ' '))
			return 1;
	}
	return 0;
}

/* The program file a process runs (stat of /proc/PID/exe): 0 when unknown. */
static int exe_id(const char *procdir, int64_t pid, dev_t *dev, ino_t *ino)
{
	char p[96];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%lld/exe", procdir, (long long)pid);
	if (stat(p, &st) != 0)
		return 0;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 1;
}

/* 1 for a shell or script interpreter: a parent that may be the loop starting the miner
 * again. Services (redis-server, java, php-fpm, sshd...) never are. */
static int loop_parent(const char *exe)
{
	static const char *const names[] = {"sh",      "bash",   "dash", "ash",  "zsh", "ksh",
	                                    "busybox", "python", "perl", "ruby", "lua", "tclsh"};
	const char *b = mt_basename(exe);
	for (size_t i = 0; i < MT_ARRAY_LEN(names); i++) {
		size_t l = strlen(names[i]);
		if (strncmp(b, names[i], l) == 0 &&
		    (b[l] == '\0' || (b[l] >= '0' && b[l] <= '9') || b[l] == ' '))
			return 1;
	}
	return 0;
}

static void siblings(const char *procdir, tree *t, dev_t dev, ino_t ino, mt_buf *msg)
{
	DIR *d = opendir(procdir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		uint64_t pid;
		if (mt_parse_u64(de->d_name, strlen(de->d_name), INT32_MAX, &pid) != 0)
			continue;
		pinfo pi;
		if (in_tree(t, (int64_t)pid) || read_stat(procdir, (int64_t)pid, &pi) != 0 ||
		    refuse(procdir, &pi))
			continue;
		/* the same file, not the same path string: a path can name another file */
		dev_t d2;
		ino_t i2;
		if (exe_id(procdir, pi.pid, &d2, &i2) && d2 == dev && i2 == ino)
			add(procdir, t, pi.pid, pi.start, 1, msg);
	}
	closedir(d);
}

static int gone(const char *procdir, const member *m)
{
	pinfo pi;
	if (read_stat(procdir, m->pid, &pi) != 0 || pi.start != m->start)
		return 1;
	return pi.state == 'Z' || pi.state == 'X';
}

int mt_kill_tree(const char *procdir, int64_t pid, uint64_t start, const char *exe, int64_t ppid,
                 uint64_t pstart, mt_buf *msg, mt_buf *msg_zh)
{
	pinfo pi;
	if (read_stat(procdir, pid, &pi) != 0) {
		mt_rs_note(msg, msg_zh, "pid %lld is no longer running: nothing to do",
		           (long long)pid);
		return MT_STEP_ALREADY;
	}
	if (pi.start != start) {
		mt_rs_note(msg, msg_zh,
		           "pid %lld was reused: start time %llu, the report says %llu",
		           (long long)pid, (unsigned long long)pi.start, (unsigned long long)start);
		return MT_STEP_SKIPPED;
	}
	const char *r = refuse(procdir, &pi);
	if (r) {
		mt_rs_note(msg, msg_zh, r, (long long)pid);
		return MT_STEP_REFUSED;
	}
	char cur[MT_MAX_PATH];
	read_exe(procdir, pid, cur, sizeof(cur));
	if (exe && *exe && strcmp(cur, exe) != 0) {
		mt_rs_note(msg, msg_zh,
		           "pid %lld now runs another program (%.200s), the report says %.200s",
		           (long long)pid, cur, exe);
		return MT_STEP_SKIPPED;
	}
	tree *t = calloc(1, sizeof(*t));
	if (!t) {
		mt_rs_note(msg, msg_zh, "out of memory");
		return MT_STEP_FAILED;
	}
	mt_buf frozen;
	mt_buf_init(&frozen, 64 * 1024);
	int pnote = 0;
	/* the parent loop first, so that nothing starts it again: only a shell or interpreter,
	 * or a copy of the miner; signalled alone, its other children are not the miner's */
	dev_t mdev = 0;
	ino_t mino = 0;
	int have_id = exe_id(procdir, pid, &mdev, &mino);
	if (ppid > 1) {
		pinfo pp;
		char pexe[MT_MAX_PATH];
		dev_t pd;
		ino_t pino;
		if (read_stat(procdir, ppid, &pp) != 0 || pp.start != pstart ||
		    refuse(procdir, &pp)) {
			pnote = 1;
		} else {
			read_exe(procdir, ppid, pexe, sizeof(pexe));
			int same = have_id && exe_id(procdir, ppid, &pd, &pino) && pd == mdev &&
			           pino == mino;
			if (same || (pexe[0] && loop_parent(pexe)))
				add(procdir, t, ppid, pstart, 0, &frozen);
			else
				pnote = 2;
		}
	}
	add(procdir, t, pid, start, 1, &frozen);
	/* every other copy of the same flagged program, whoever started it (not when the
	 * program is a shell or interpreter: that would hit innocent scripts) */
	if (have_id && cur[0] && exe && *exe && !interpreter(cur))
		siblings(procdir, t, mdev, mino, &frozen);
	for (unsigned round = 0; round < 64; round++)
		if (grow(procdir, t, &frozen) == 0)
			break;
	size_t killed = 0;
	for (size_t i = 0; i < t->n; i++)
		if (sig(procdir, &t->m[i], SIGKILL) == 0)
			killed++;
	/* wait (at most 3 s) until every one is gone */
	for (unsigned w = 0; w < 300; w++) {
		size_t left = 0;
		for (size_t i = 0; i < t->n; i++)
			left += !gone(procdir, &t->m[i]);
		if (!left)
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	size_t alive = 0;
	for (size_t i = 0; i < t->n; i++) {
		alive += !gone(procdir, &t->m[i]);
		if (t->m[i].pidfd >= 0)
			close(t->m[i].pidfd);
	}
	int st = alive ? MT_STEP_FAILED : MT_STEP_DONE;
	mt_rs_note(msg, msg_zh, "froze and killed %zu process(es): %s", killed,
	           frozen.data ? frozen.data : "");
	if (pnote == 1)
		mt_rs_note(msg, msg_zh, "its parent is gone, reused or protected: not touched");
	else if (pnote == 2)
		mt_rs_note(
			msg, msg_zh,
			"its parent is neither a shell nor a copy of the miner (a service?): not touched");
	if (alive)
		mt_rs_note(msg, msg_zh, "some are still there");
	mt_buf_free(&frozen);
	free(t);
	return st;
}
