/* fsops.c - the write side of the root: no-symlink walk, flags, atomic replace */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "respond/respond_int.h"

void mt_rs_sha256_hex(const char *data, size_t len, char out[65])
{
	mt_sha256_hex(data, len, out);
}

void mt_rs_now_iso(char *out, size_t n)
{
	mt_time_iso((int64_t)time(NULL), out, n);
}

/* The merged-/usr links a distribution has at the top of its root. */
static int usrmerge_link(int rootfd, const char *comp)
{
	static const char *const names[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32"};
	int known = 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(names); i++)
		known |= strcmp(comp, names[i]) == 0;
	if (!known)
		return 0;
	char t[64], a[300], b[300];
	ssize_t n = readlinkat(rootfd, comp, t, sizeof(t) - 1);
	if (n <= 0)
		return 0;
	t[n] = '\0';
	snprintf(a, sizeof(a), "usr/%s", comp);
	snprintf(b, sizeof(b), "/usr/%s", comp);
	return strcmp(t, a) == 0 || strcmp(t, b) == 0;
}

/* Makes the missing directory comp below fd (made 0700, then chown and chmod through
 * its own fd, never by name) and opens it; last: it will hold the final name. */
static int mk_dir(int fd, const char *comp, const mt_rs_mk *mk, int last, mt_buf *made,
                  const char *parent)
{
	unsigned mode = 0755, uid = 0, gid = 0;
	if (geteuid() != 0) {
		uid = (unsigned)geteuid();
		gid = (unsigned)getegid();
	}
	if (last && mk->mode) {
		mode = mk->mode & 03777; /* no setuid bit on a directory */
		uid = mk->uid;
		gid = mk->gid;
	}
	if (mkdirat(fd, comp, 0700) != 0)
		return -1; /* EEXIST too: something appeared, the caller's walk refuses or retries */
	int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nfd < 0)
		return -1;
	if (fchown(nfd, (uid_t)uid, (gid_t)gid) != 0 || fchmod(nfd, (mode_t)mode) != 0) {
		int er = errno;
		close(nfd);
		errno = er;
		return -1;
	}
	fsync(nfd);
	mt_rs_fsync_dir(fd);
	mt_buf_printf(made, "%s%s/%s (mode %04o, owner %u:%u)", made->len ? ", " : "", parent, comp,
	              mode, uid, gid);
	return nfd;
}

static mt_err walk(int rootfd, const char *path, const mt_rs_mk *mk, int *dirfd, char *name,
                   size_t namelen, char *canon, size_t canonlen, mt_buf *made, char *why,
                   size_t whylen);

mt_err mt_rs_walk(int rootfd, const char *path, int *dirfd, char *name, size_t namelen, char *canon,
                  size_t canonlen, char *why, size_t whylen)
{
	return walk(rootfd, path, NULL, dirfd, name, namelen, canon, canonlen, NULL, why, whylen);
}

mt_err mt_rs_walk_mk(int rootfd, const char *path, const mt_rs_mk *mk, int *dirfd, char *name,
                     size_t namelen, char *canon, size_t canonlen, char *made, size_t madelen,
                     char *why, size_t whylen)
{
	mt_buf m;
	mt_buf_init(&m, MT_MAX_PATH * 2);
	mt_err e = walk(rootfd, path, mk, dirfd, name, namelen, canon, canonlen, &m, why, whylen);
	snprintf(made, madelen, "%s", m.data ? m.data : "");
	mt_buf_free(&m);
	return e;
}

static mt_err walk(int rootfd, const char *path, const mt_rs_mk *mk, int *dirfd, char *name,
                   size_t namelen, char *canon, size_t canonlen, mt_buf *made, char *why,
                   size_t whylen)
{
	*dirfd = -1;
	why[0] = '\0';
	if (!path || path[0] != '/') {
		snprintf(why, whylen, "not an absolute path");
		return MT_ERR_INVAL;
	}
	size_t pl = strlen(path);
	if (pl >= MT_MAX_PATH) {
		snprintf(why, whylen, "path too long");
		return MT_ERR_TOOBIG;
	}
	mt_buf c;
	mt_buf_init(&c, MT_MAX_PATH);
	int fd = dup(rootfd);
	if (fd < 0) {
		snprintf(why, whylen, "cannot open the root: %s", strerror(errno));
		return mt_errno_to_err(errno);
	}
	const char *p = path + 1;
	unsigned depth = 0;
	mt_err e = MT_OK;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t cl = slash ? (size_t)(slash - p) : strlen(p);
		char comp[256];
		if (cl == 0 || cl > 255 || cl >= namelen) {
			snprintf(why, whylen,
			         cl == 0 ? "empty path component" : "path component too long");
			e = MT_ERR_INVAL;
			break;
		}
		memcpy(comp, p, cl);
		comp[cl] = '\0';
		if (strcmp(comp, "..") == 0 || strcmp(comp, ".") == 0) {
			snprintf(why, whylen, "path contains '%s': refused", comp);
			e = MT_ERR_ESCAPE;
			break;
		}
		if (!slash || slash[1] == '\0') {
			if (slash) {
				snprintf(why, whylen, "path ends in '/'");
				e = MT_ERR_INVAL;
				break;
			}
			snprintf(name, namelen, "%s", comp);
			if (mt_buf_addc(&c, '/') || mt_buf_adds(&c, comp)) {
				e = MT_ERR_TOOBIG;
				break;
			}
			*dirfd = fd;
			fd = -1;
			break;
		}
		int nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && mk) {
			/* restore: the directory is gone, made again (only where nothing is) */
			nfd = mk_dir(fd, comp, mk, strchr(slash + 1, '/') == NULL, made,
			             c.data ? c.data : "");
			if (nfd < 0 && errno == EEXIST)
				nfd = openat(fd, comp,
				             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
			struct stat st;
			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode)) {
				if (depth == 0 && usrmerge_link(rootfd, comp)) {
					int u = openat(rootfd, "usr",
					               O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					                       O_CLOEXEC);
					nfd = u < 0 ? -1
					            : openat(u, comp,
					                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					                             O_CLOEXEC);
					if (u >= 0)
						close(u);
					if (nfd >= 0 && mt_buf_adds(&c, "/usr")) {
						close(nfd);
						e = MT_ERR_TOOBIG;
						break;
					}
				} else {
					snprintf(
						why, whylen,
						"path goes through a symbolic link at '%.200s': refused",
						c.data ? c.data : "");
					if (c.len == 0)
						snprintf(
							why, whylen,
							"path goes through a symbolic link at '/%.200s': refused",
							comp);
					else
						snprintf(
							why, whylen,
							"path goes through a symbolic link at '%.200s/%.200s': refused",
							c.data, comp);
					e = MT_ERR_ESCAPE;
					break;
				}
			} else {
				errno = ENOTDIR;
			}
		}
		if (nfd < 0) {
			int er = errno;
			snprintf(why, whylen, "cannot open directory '%.200s/%.200s': %s",
			         c.data ? c.data : "", comp, strerror(er));
			e = mt_errno_to_err(er);
			break;
		}
		if (mt_buf_addc(&c, '/') || mt_buf_adds(&c, comp)) {
			close(nfd);
			e = MT_ERR_TOOBIG;
			break;
		}
		close(fd);
		fd = nfd;
		depth++;
		p = slash + 1;
	}
	if (fd >= 0)
		close(fd);
	if (e == MT_OK)
		snprintf(canon, canonlen, "%s", c.data ? c.data : "/");
	mt_buf_free(&c);
	return e;
}

static const char *const crit_exact[] = {
	"/etc/passwd",      "/etc/shadow",          "/etc/group",
	"/etc/gshadow",     "/etc/sudoers",         "/etc/fstab",
	"/etc/hosts",       "/etc/resolv.conf",     "/etc/nsswitch.conf",
	"/etc/pam.conf",    "/etc/ssh/sshd_config", "/etc/login.defs",
	"/etc/ld.so.cache", "/etc/ld.so.conf",      "/etc/inittab",
	"/etc/os-release",  "/etc/crontab",         "/etc/rc.d/rc.local",
	"/etc/rc.local",    "/etc/profile",         "/etc/bashrc",
	"/etc/bash.bashrc", "/etc/environment",     "/etc/ld.so.preload",
	"/usr/bin/sh",      "/usr/bin/bash",        "/usr/bin/dash",
	"/usr/sbin/sshd",   "/usr/bin/sudo",        "/usr/bin/su",
	"/usr/bin/login",   "/usr/sbin/init",       "/usr/lib/systemd/systemd",
	"/usr/bin/passwd",  "/usr/sbin/nologin",    "/usr/bin/env",
	"/usr/bin/mount",   "/usr/bin/systemctl",
};

/* The programs whose processes respond never kills, whatever the report says: the
 * service manager, the login daemon, the journal. (A shell is critical as a file but a
 * shell loop respawning the miner is killed.) */
static const char *const crit_proc[] = {
	"/usr/sbin/sshd",
	"/usr/lib/systemd/systemd",
	"/usr/sbin/init",
	"/usr/lib/systemd/systemd-journald",
	"/usr/lib/systemd/systemd-logind",
	"/usr/lib/systemd/systemd-udevd",
	"/usr/bin/dbus-daemon",
	"/usr/sbin/agetty",
};

/* "/bin/x" -> "/usr/bin/x" (the same file seen through a merged-/usr link) */
static const char *usr_name(const char *canon, char *alt, size_t n)
{
	static const char *const tops[] = {"/bin/", "/sbin/", "/lib/", "/lib64/"};
	for (size_t i = 0; i < MT_ARRAY_LEN(tops); i++)
		if (strncmp(canon, tops[i], strlen(tops[i])) == 0) {
			snprintf(alt, n, "/usr%s", canon);
			return alt;
		}
	return canon;
}

int mt_rs_same_name(const char *a, const char *b)
{
	char x[MT_MAX_PATH], y[MT_MAX_PATH];
	return strcmp(usr_name(a, x, sizeof(x)), usr_name(b, y, sizeof(y))) == 0;
}

/* the C library, the dynamic loader, PAM and libsystemd by file name */
static int crit_lib(const char *b)
{
	return strncmp(b, "libc.so", 7) == 0 || strncmp(b, "libc-", 5) == 0 ||
	       strncmp(b, "ld-linux", 8) == 0 || strncmp(b, "libpam.so", 9) == 0 ||
	       strncmp(b, "libsystemd.so", 13) == 0;
}

int mt_rs_critical(const char *canon)
{
	char alt[MT_MAX_PATH];
	const char *c = usr_name(canon, alt, sizeof(alt));
	for (size_t i = 0; i < MT_ARRAY_LEN(crit_exact); i++)
		if (strcmp(c, crit_exact[i]) == 0)
			return 1;
	if (crit_lib(mt_basename(c)))
		return 1;
	if (strncmp(c, "/etc/pam.d/", 11) == 0 || strncmp(c, "/boot/", 6) == 0)
		return 1;
	return 0;
}

static void crit_add(mt_host *host, mt_rs_critset *cs, const char *path, int proc)
{
	struct stat st;
	if (mt_host_stat(host, path, 1, &st) != MT_OK || S_ISDIR(st.st_mode))
		return;
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].dev == (uint64_t)st.st_dev && cs->v[i].ino == (uint64_t)st.st_ino) {
			cs->v[i].proc |= proc;
			return;
		}
	if (cs->n == cs->alloc) {
		if (cs->alloc >= MT_MAX_CRITICAL_IDS) {
			cs->full = 1;
			return;
		}
		size_t na = cs->alloc ? cs->alloc * 2 : 128;
		mt_rs_crit *nv = realloc(cs->v, na * sizeof(*nv));
		if (!nv) {
			cs->full = 1;
			return;
		}
		cs->v = nv;
		cs->alloc = na;
	}
	mt_rs_crit *c = &cs->v[cs->n++];
	c->dev = (uint64_t)st.st_dev;
	c->ino = (uint64_t)st.st_ino;
	c->proc = proc;
	snprintf(c->path, sizeof(c->path), "%s", path);
}

/* path and, for /usr/..., the same name without /usr (a root without merged /usr) */
static void crit_add2(mt_host *host, mt_rs_critset *cs, const char *path, int proc)
{
	crit_add(host, cs, path, proc);
	if (strncmp(path, "/usr/", 5) == 0)
		crit_add(host, cs, path + 4, proc);
}

/* every entry of dir (all, or only the critical library names) */
static void crit_dir(mt_host *host, mt_rs_critset *cs, const char *dir, int libs_only)
{
	mt_dirent *ents = NULL;
	size_t n = 0;
	if (mt_host_list(host, dir, MT_LIST_READDIR, &ents, &n) != MT_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		if (libs_only && !crit_lib(ents[i].name))
			continue;
		char p[MT_MAX_PATH];
		if (snprintf(p, sizeof(p), "%s/%s", dir, ents[i].name) < (int)sizeof(p))
			crit_add(host, cs, p, 0);
	}
	mt_dirents_free(ents, n);
}

mt_err mt_rs_critset_load(mt_host *host, mt_rs_critset *cs)
{
	memset(cs, 0, sizeof(*cs));
	if (!host)
		return MT_ERR_INVAL;
	for (size_t i = 0; i < MT_ARRAY_LEN(crit_proc); i++)
		crit_add2(host, cs, crit_proc[i], 1);
	for (size_t i = 0; i < MT_ARRAY_LEN(crit_exact); i++)
		crit_add2(host, cs, crit_exact[i], 0);
	static const char *const libdirs[] = {"/usr/lib",       "/usr/lib64",
	                                      "/usr/lib32",     "/usr/libx32",
	                                      "/lib",           "/lib64",
	                                      "/lib32",         "/usr/lib/security",
	                                      "/lib/security",  "/usr/lib64/security",
	                                      "/lib64/security"};
	for (size_t i = 0; i < MT_ARRAY_LEN(libdirs); i++) {
		crit_dir(host, cs, libdirs[i], 1);
		/* the multiarch directories: /usr/lib/x86_64-linux-gnu and the like */
		mt_dirent *ents = NULL;
		size_t n = 0;
		if (i >= 2 && i != 4)
			continue;
		if (mt_host_list(host, libdirs[i], MT_LIST_READDIR, &ents, &n) != MT_OK)
			continue;
		for (size_t k = 0; k < n; k++) {
			char p[MT_MAX_PATH];
			if (strstr(ents[k].name, "-linux-gnu") &&
			    snprintf(p, sizeof(p), "%s/%s", libdirs[i], ents[k].name) <
			            (int)sizeof(p)) {
				crit_dir(host, cs, p, 1);
				char sec[MT_MAX_PATH + 16];
				snprintf(sec, sizeof(sec), "%s/security", p);
				crit_dir(host, cs, sec, 1);
			}
		}
		mt_dirents_free(ents, n);
	}
	crit_dir(host, cs, "/etc/pam.d", 0);
	crit_dir(host, cs, "/boot", 0);
	return MT_OK;
}

const mt_rs_crit *mt_rs_critset_find(const mt_rs_critset *cs, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; cs && i < cs->n; i++)
		if (cs->v[i].dev == dev && cs->v[i].ino == ino)
			return &cs->v[i];
	return NULL;
}

const mt_rs_crit *mt_rs_critset_check(mt_rs_critset *cs, mt_host *host, uint64_t dev, uint64_t ino)
{
	for (size_t round = 0; cs && round <= cs->n; round++) {
		mt_rs_crit *c = (mt_rs_crit *)mt_rs_critset_find(cs, dev, ino);
		if (!c)
			return NULL;
		struct stat st;
		if (mt_host_stat(host, c->path, 1, &st) != MT_OK) {
			c->dev = c->ino = UINT64_MAX; /* gone: no file has this identity */
			continue;
		}
		if ((uint64_t)st.st_dev == dev && (uint64_t)st.st_ino == ino)
			return c;
		c->dev = (uint64_t)st.st_dev;
		c->ino = (uint64_t)st.st_ino;
	}
	return NULL;
}

void mt_rs_critset_free(mt_rs_critset *cs)
{
	if (!cs)
		return;
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

mt_err mt_rs_read(int dirfd, const char *name, size_t cap, char **data, size_t *len,
                  struct stat *st)
{
	*data = NULL;
	*len = 0;
	struct stat a;
	if (fstatat(dirfd, name, &a, AT_SYMLINK_NOFOLLOW) != 0)
		return mt_errno_to_err(errno);
	if (!S_ISREG(a.st_mode))
		return MT_ERR_NOTREG;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mt_errno_to_err(errno);
	struct stat b;
	if (fstat(fd, &b) != 0 || !S_ISREG(b.st_mode) || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev) {
		close(fd);
		return MT_ERR_CHANGED;
	}
	if ((uint64_t)b.st_size > cap) {
		close(fd);
		return MT_ERR_TOOBIG;
	}
	int trunc = 0;
	mt_err e = mt_read_fd(fd, cap, data, len, &trunc);
	close(fd);
	if (e == MT_OK && trunc) {
		free(*data);
		*data = NULL;
		return MT_ERR_TOOBIG;
	}
	if (e == MT_OK && st)
		*st = b;
	return e;
}

static int flags_fd(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -EOPNOTSUPP;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int mt_rs_getflags(int dirfd, const char *name, unsigned *flags)
{
	*flags = 0;
	int fd = flags_fd(dirfd, name);
	if (fd < 0)
		return fd;
	int v = 0;
	int r = ioctl(fd, FS_IOC_GETFLAGS, &v);
	int er = errno;
	close(fd);
	if (r != 0)
		return -er;
	*flags = (unsigned)v;
	return 0;
}

int mt_rs_setflags(int dirfd, const char *name, unsigned flags)
{
	int fd = flags_fd(dirfd, name);
	if (fd < 0)
		return fd;
	int v = (int)flags;
	int r = ioctl(fd, FS_IOC_SETFLAGS, &v);
	int er = errno;
	close(fd);
	return r != 0 ? -er : 0;
}

int mt_rs_fsync_dir(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fsync(fd);
	close(fd);
	return r;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

mt_err mt_rs_replace(int dirfd, const char *name, const char *data, size_t len,
                     const struct stat *st, int keep_times, int norepl)
{
	char tmp[300];
	int fd = -1;
	for (unsigned i = 0; i < 100 && fd < 0; i++) {
		snprintf(tmp, sizeof(tmp), ".%.200s.mt-%ld-%u", name, (long)getpid(), i);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return mt_errno_to_err(errno);
	}
	if (fd < 0)
		return MT_ERR_IO;
	mt_err e = MT_OK;
	if (write_all(fd, data, len) != 0 || fchown(fd, st->st_uid, st->st_gid) != 0 ||
	    fchmod(fd, st->st_mode & 07777) != 0)
		e = mt_errno_to_err(errno);
	if (e == MT_OK && keep_times) {
		struct timespec ts[2] = {st->st_atim, st->st_mtim};
		if (futimens(fd, ts) != 0)
			e = mt_errno_to_err(errno);
	}
	if (e == MT_OK && fsync(fd) != 0)
		e = mt_errno_to_err(errno);
	close(fd);
	if (e == MT_OK) {
		int r = norepl ? renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE)
		               : renameat(dirfd, tmp, dirfd, name);
		if (r != 0)
			e = mt_errno_to_err(errno);
	}
	if (e != MT_OK) {
		unlinkat(dirfd, tmp, 0);
		return e;
	}
	mt_rs_fsync_dir(dirfd);
	return MT_OK;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

int mt_rs_unescape_bytes(char *s)
{
	if (!s)
		return 0;
	char *w = s;
	int changed = 0;
	for (const char *r = s; *r;) {
		int h, l;
		if (r[0] == '\\' && r[1] == 'x' && (h = hexval(r[2])) >= 8 &&
		    (l = hexval(r[3])) >= 0) {
			/* only 80..ff: the scan writes the bytes below as \u00NN, which JSON decodes */
			*w++ = (char)(h * 16 + l);
			r += 4;
			changed = 1;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return changed;
}

void mt_rs_hex(const char *s, char *out, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 2 < n; p++) {
		out[o++] = dig[*p >> 4];
		out[o++] = dig[*p & 15];
	}
	if (n)
		out[o < n ? o : n - 1] = '\0';
}

int mt_rs_unhex(const char *hex, char *out, size_t n)
{
	size_t l = strlen(hex), o = 0;
	if (l % 2 || l / 2 >= n)
		return -1;
	for (size_t i = 0; i < l; i += 2) {
		int h = hexval(hex[i]), lo = hexval(hex[i + 1]);
		if (h < 0 || lo < 0 || (h == 0 && lo == 0))
			return -1;
		out[o++] = (char)(h * 16 + lo);
	}
	out[o] = '\0';
	return 0;
}
