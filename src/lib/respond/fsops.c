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

mt_err mt_rs_walk(int rootfd, const char *path, int *dirfd, char *name, size_t namelen,
                  char *canon, size_t canonlen, char *why, size_t whylen)
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
			snprintf(why, whylen, cl == 0 ? "empty path component" : "path component too long");
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
		if (nfd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
			struct stat st;
			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
				if (depth == 0 && usrmerge_link(rootfd, comp)) {
					int u = openat(rootfd, "usr", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
					nfd = u < 0 ? -1
					            : openat(u, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
					if (u >= 0)
						close(u);
					if (nfd >= 0 && mt_buf_adds(&c, "/usr")) {
						close(nfd);
						e = MT_ERR_TOOBIG;
						break;
					}
				} else {
					snprintf(why, whylen, "path goes through a symbolic link at '%.200s': refused",
					         c.data ? c.data : "");
					if (c.len == 0)
						snprintf(why, whylen, "path goes through a symbolic link at '/%.200s': refused", comp);
					else
						snprintf(why, whylen, "path goes through a symbolic link at '%.200s/%.200s': refused", c.data, comp);
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

int mt_rs_critical(const char *canon)
{
	static const char *const exact[] = {
		"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers",
		"/etc/fstab", "/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf",
		"/etc/pam.conf", "/etc/ssh/sshd_config", "/etc/login.defs", "/etc/ld.so.cache",
		"/etc/ld.so.conf", "/etc/inittab", "/etc/os-release", "/etc/crontab",
		"/etc/rc.d/rc.local", "/etc/rc.local", "/etc/profile", "/etc/bashrc",
		"/etc/bash.bashrc", "/etc/environment", "/etc/ld.so.preload",
		"/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash", "/usr/sbin/sshd", "/usr/bin/sudo",
		"/usr/bin/su", "/usr/bin/login", "/usr/sbin/init", "/usr/lib/systemd/systemd",
		"/usr/bin/passwd", "/usr/sbin/nologin", "/usr/bin/env",
		"/usr/bin/mount", "/usr/bin/systemctl",
	};
	char alt[MT_MAX_PATH];
	const char *c = canon;
	/* the same file seen through a merged-/usr link */
	static const char *const tops[] = {"/bin/", "/sbin/", "/lib/", "/lib64/"};
	for (size_t i = 0; i < MT_ARRAY_LEN(tops); i++)
		if (strncmp(canon, tops[i], strlen(tops[i])) == 0) {
			snprintf(alt, sizeof(alt), "/usr%s", canon);
			c = alt;
		}
	for (size_t i = 0; i < MT_ARRAY_LEN(exact); i++)
		if (strcmp(c, exact[i]) == 0)
			return 1;
	/* the C library and the dynamic loader */
	const char *b = mt_basename(c);
	if (strncmp(b, "libc.so", 7) == 0 || strncmp(b, "libc-", 5) == 0 ||
	    strncmp(b, "ld-linux", 8) == 0 || strncmp(b, "libpam.so", 9) == 0 ||
	    strncmp(b, "libsystemd.so", 13) == 0)
		return 1;
	if (strncmp(c, "/etc/pam.d/", 11) == 0 || strncmp(c, "/boot/", 6) == 0)
		return 1;
	return 0;
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
