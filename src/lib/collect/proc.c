/* proc.c - collector for processes of the running system, read from /proc directly */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"

void mt_procs_free(mt_proc *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].cmdline);
		free(v[i].argv0);
		free(v[i].ld_preload);
	}
	free(v);
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Finds a 64-hex container id after one of the runtime markers of a cgroup path. */
int mt_cgroup_container(const char *cg, size_t n, char *id, size_t idlen, char *rt, size_t rtlen)
{
	static const struct {
		const char *marker;
		const char *runtime;
	} m[] = {
		{"/docker-", "docker"},
		{"/docker/", "docker"},
		{"/cri-containerd-", "containerd"},
		{"/containerd/", "containerd"},
		{"/libpod-", "podman"},
		{"/libpod_parent/", "podman"},
		{"/crio-", "cri-o"},
		{"/lxc.payload.", "lxc"},
		{"/lxc/", "lxc"},
	};
	int kube = 0;
	for (size_t i = 0; i + 8 <= n; i++)
		if (memcmp(cg + i, "kubepods", 8) == 0)
			kube = 1;
	for (size_t k = 0; k < MT_ARRAY_LEN(m); k++) {
		size_t ml = strlen(m[k].marker);
		for (size_t i = 0; i + ml <= n; i++) {
			if (memcmp(cg + i, m[k].marker, ml) != 0)
				continue;
			const char *p = cg + i + ml;
			size_t rest = n - i - ml;
			size_t l = 0;
			while (l < rest && p[l] != '.' && p[l] != '/' && p[l] != '\n')
				l++;
			if (strcmp(m[k].runtime, "lxc") == 0 ? l == 0 : (l != 64 || !is_hex(p, l)))
				continue;
			snprintf(id, idlen, "%.*s", (int)l, p);
			snprintf(rt, rtlen, "%s", kube ? "kubernetes" : m[k].runtime);
			return 1;
		}
	}
	return 0;
}

static mt_err read_at(int dfd, const char *name, size_t cap, char **data, size_t *len)
{
	int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return mt_errno_to_err(errno);
	mt_err e = mt_read_fd(fd, cap, data, len, NULL);
	close(fd);
	return e;
}

static int64_t boot_time(int procfd)
{
	char *d;
	size_t n;
	int64_t bt = 0;
	if (read_at(procfd, "stat", 1u << 20, &d, &n) != MT_OK)
		return 0;
	const char *p = strstr(d, "\nbtime ");
	if (p)
		bt = strtoll(p + 7, NULL, 10);
	free(d);
	return bt;
}

/* Fills p from /proc/PID; returns non-zero when the process is gone or unreadable. */
static int read_proc(int procfd, int pid, int64_t btime, long hz, mt_proc *p)
{
	char name[32], *d = NULL;
	size_t n;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(name, sizeof(name), "%d", pid);
	int dfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	if (read_at(dfd, "stat", 4096, &d, &n) != MT_OK) {
		close(dfd);
		return -1;
	}
	/* "pid (comm) state ppid ...": comm may hold ')' and blanks, so use the last ')' */
	char *lp = strchr(d, '('), *rp = strrchr(d, ')');
	if (!lp || !rp || rp < lp) {
		free(d);
		close(dfd);
		return -1;
	}
	size_t cl = (size_t)(rp - lp - 1);
	if (cl >= sizeof(p->comm))
		cl = sizeof(p->comm) - 1;
	memcpy(p->comm, lp + 1, cl);
	p->comm[cl] = '\0';
	/* fields after comm: 3 state, 4 ppid, ... 9 flags, ... 22 starttime */
	char *f = rp + 1;
	unsigned long long vals[22] = {0};
	int idx = 3;
	while (*f && idx <= 22) {
		while (*f == ' ')
			f++;
		char *end;
		if (idx >= 4)
			vals[idx - 1] = strtoull(f, &end, 10);
		while (*f && *f != ' ')
			f++;
		idx++;
	}
	p->ppid = (int)vals[3];
	p->state = rp[1] == ' ' ? rp[2] : '?';
	p->cpu_ticks = vals[13] + vals[14];
	p->child_ticks = vals[15] + vals[16];
	p->threads = (unsigned)vals[19];
	p->cpu_pct = -1;
	p->start_ticks = vals[21];
	p->kernel_thread = (vals[8] & 0x00200000ull) != 0; /* PF_KTHREAD */
	p->start_time = hz > 0 ? btime + (int64_t)(p->start_ticks / (unsigned long long)hz) : 0;
	free(d);

	if (read_at(dfd, "status", 65536, &d, &n) == MT_OK) {
		const char *u = strstr(d, "\nUid:");
		if (u) {
			char *end;
			p->uid = (unsigned)strtoul(u + 5, &end, 10);
			p->euid = (unsigned)strtoul(end, NULL, 10);
		}
		free(d);
	}

	if (read_at(dfd, "cmdline", MT_MAX_CMDLINE, &d, &n) == MT_OK) {
		while (n > 0 && d[n - 1] == '\0')
			n--;
		size_t a0 = strnlen(d, n);
		p->argv0 = mt_strndup(d, a0);
		for (size_t i = 0; i < n; i++)
			if (d[i] == '\0')
				d[i] = ' ';
		d[n] = '\0';
		p->cmdline = d;
		p->cmdline_len = n;
	}
	if (read_at(dfd, "cgroup", 65536, &d, &n) == MT_OK) {
		mt_cgroup_container(d, n, p->container_id, sizeof(p->container_id), p->container_rt,
		                    sizeof(p->container_rt));
		free(d);
	}
	if (read_at(dfd, "environ", MT_MAX_CMDLINE, &d, &n) == MT_OK) {
		for (size_t i = 0; i < n;) {
			size_t l = strnlen(d + i, n - i);
			if (l > 11 && memcmp(d + i, "LD_PRELOAD=", 11) == 0 && !p->ld_preload)
				p->ld_preload = mt_strndup(d + i + 11, l - 11);
			i += l + 1;
		}
		free(d);
	}
	ssize_t cl2 = readlinkat(dfd, "cwd", p->cwd, sizeof(p->cwd) - 1);
	p->cwd[cl2 > 0 ? cl2 : 0] = '\0';
	char nsl[64];
	ssize_t nl = readlinkat(dfd, "ns/net", nsl, sizeof(nsl) - 1);
	if (nl > 5) {
		nsl[nl] = '\0';
		const char *b = strchr(nsl, '[');
		if (b)
			p->netns = strtoull(b + 1, NULL, 10);
	}
	ssize_t l = readlinkat(dfd, "exe", p->exe, sizeof(p->exe) - 1);
	if (l > 0) {
		p->exe[l] = '\0';
		static const char del[] = " (deleted)";
		size_t dl = sizeof(del) - 1;
		if ((size_t)l > dl && strcmp(p->exe + l - dl, del) == 0)
			p->exe_deleted = 1;
		if (strncmp(p->exe, "/memfd:", 7) == 0) {
			p->exe_memfd = 1;
			/* the memfd itself, through the exe link: a memory file, so the open
			 * neither blocks nor has side effects */
			int mfd = openat(dfd, "exe", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
			if (mfd >= 0) {
				int seals = fcntl(mfd, F_GET_SEALS);
				const int need = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
				p->exe_sealed = seals > 0 && (seals & need) == need;
				close(mfd);
			}
		}
	} else {
		p->exe[0] = '\0';
	}
	close(dfd);
	if (!p->cmdline)
		p->cmdline = mt_strdup("");
	if (!p->argv0)
		p->argv0 = mt_strdup("");
	return p->cmdline && p->argv0 ? 0 : -1;
}

mt_err mt_proc_list(mt_proc **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return mt_errno_to_err(errno);
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_list_fd(procfd, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		close(procfd);
		return e;
	}
	int64_t bt = boot_time(procfd);
	long hz = sysconf(_SC_CLK_TCK);
	mt_proc *v = calloc(n ? n : 1, sizeof(*v));
	size_t k = 0;
	if (!v)
		e = MT_ERR_NOMEM;
	for (size_t i = 0; v && i < n && k < MT_MAX_PROCS; i++) {
		uint64_t pid;
		if (mt_parse_u64(ents[i].name, strlen(ents[i].name), 0x7fffffff, &pid) != 0)
			continue;
		if (read_proc(procfd, (int)pid, bt, hz, &v[k]) == 0)
			k++;
		else {
			free(v[k].cmdline);
			free(v[k].argv0);
			free(v[k].ld_preload);
		}
	}
	mt_dirents_free(ents, n);
	close(procfd);
	if (e != MT_OK) {
		mt_procs_free(v, k);
		return e;
	}
	*out = v;
	*count = k;
	return MT_OK;
}

mt_err mt_proc_exe_sha256(int pid, char out[65])
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return mt_errno_to_err(errno);
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return MT_ERR_NOTREG;
	}
	mt_sha256 c;
	uint8_t buf[65536], d[32];
	unsigned long long total = 0;
	mt_sha256_init(&c);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return mt_errno_to_err(errno);
		}
		if (r == 0)
			break;
		total += (unsigned long long)r;
		if (total > MT_MAX_HASH_READ) {
			close(fd);
			return MT_ERR_TOOBIG;
		}
		mt_sha256_update(&c, buf, (size_t)r);
	}
	close(fd);
	mt_sha256_final(&c, d);
	mt_hex(d, 32, out);
	return MT_OK;
}
