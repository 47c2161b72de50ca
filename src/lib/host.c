/* host.c - the host layer: every path resolved inside the scan root, bounded reads */
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

struct mt_host {
	char *root;  /* as given, for reports */
	int rootfd;  /* O_PATH directory */
	int openat2; /* 1 when RESOLVE_IN_ROOT is usable */
	int live;    /* the root is the running system's "/" */
	int nocase;  /* names compare case-insensitively (Windows trees) */
	int os;      /* MT_OS_* */
};

static mt_err host_openat(mt_host *h, const char *path, int flags, int follow, int *out);

static int sys_openat2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how;
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)flags;
	how.resolve = resolve;
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

mt_err mt_host_open(const char *root, unsigned flags, mt_host **out)
{
	*out = NULL;
	if (!root || !*root)
		return MT_ERR_INVAL;
	mt_host *h = calloc(1, sizeof(*h));
	if (!h)
		return MT_ERR_NOMEM;
	h->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfd < 0) {
		mt_err e = mt_errno_to_err(errno);
		free(h);
		return e;
	}
	h->root = mt_strdup(root);
	if (!h->root) {
		mt_host_close(h);
		return MT_ERR_NOMEM;
	}
	struct stat a, b;
	h->live = stat("/", &a) == 0 && fstat(h->rootfd, &b) == 0 && a.st_dev == b.st_dev &&
	          a.st_ino == b.st_ino;
	if (!(flags & MT_HOST_NO_OPENAT2)) {
		int fd = sys_openat2(h->rootfd, ".", O_PATH | O_CLOEXEC,
		                     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd >= 0) {
			h->openat2 = 1;
			close(fd);
		}
	}
	/* A Windows system tree: its hive of the machine's configuration, in whatever case
	 * the copy kept (Windows, WINDOWS; System32, system32). */
	if (!h->live) {
		struct stat st;
		h->nocase = 1;
		if (mt_host_stat(h, "Windows/System32/config/SYSTEM", 1, &st) == MT_OK &&
		    S_ISREG(st.st_mode))
			h->os = MT_OS_WINDOWS;
		h->nocase = h->os == MT_OS_WINDOWS || (flags & MT_HOST_NOCASE);
	}
	*out = h;
	return MT_OK;
}

int mt_host_os(const mt_host *h)
{
	return h->os;
}

int mt_host_nocase(const mt_host *h)
{
	return h->nocase;
}

void mt_host_close(mt_host *h)
{
	if (!h)
		return;
	if (h->rootfd >= 0)
		close(h->rootfd);
	free(h->root);
	free(h);
}

const char *mt_host_root(const mt_host *h)
{
	return h->root;
}

int mt_host_is_live(const mt_host *h)
{
	return h->live;
}

/* An 8.3 alias "PROGRA~3" or "MICROS~1.EXE": *plen gets the length of its prefix (before
 * '~'), *num the number, ext its extension ("" none). 0 when comp is not one. */
static int short_alias(const char *comp, size_t *plen, unsigned *num, const char **ext)
{
	const char *dot = strrchr(comp, '.');
	size_t bl = dot ? (size_t)(dot - comp) : strlen(comp);
	const char *tilde = memchr(comp, '~', bl);
	if (!tilde || tilde == comp || bl > 8 || (dot && strlen(dot + 1) > 3))
		return 0;
	size_t dl = bl - (size_t)(tilde + 1 - comp);
	if (dl == 0 || strspn(tilde + 1, "0123456789") < dl)
		return 0;
	*plen = (size_t)(tilde - comp);
	*num = (unsigned)strtoul(tilde + 1, NULL, 10);
	*ext = dot ? dot + 1 : "";
	return *num > 0;
}

/* The 8.3 form Windows derives a long name's alias from: upper case, without blanks,
 * dots but the last one dropped from the base; 0 when the name is a valid 8.3 name
 * itself (it has no alias). base and ext are NUL-terminated, cut to 6 and 3. */
static int short_form(const char *name, char base[7], char ext[4])
{
	const char *dot = strrchr(name, '.');
	if (dot == name)
		dot = NULL;
	size_t bl = dot ? (size_t)(dot - name) : strlen(name);
	size_t el = dot ? strlen(dot + 1) : 0;
	int plain = bl <= 8 && el <= 3 && bl > 0;
	size_t k = 0;
	for (size_t i = 0; i < bl; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == ' ' || c == '.') {
			plain = 0;
			continue;
		}
		if (c >= 0x80 || strchr("+,;=[]", c))
			plain = 0, c = '_';
		if (k < 6)
			base[k++] = (char)toupper(c);
	}
	base[k] = '\0';
	k = 0;
	for (size_t i = 0; i < el && k < 3; i++) {
		unsigned char c = (unsigned char)dot[1 + i];
		if (c == ' ')
			continue;
		ext[k++] = (char)toupper(c >= 0x80 ? '_' : c);
	}
	ext[k] = '\0';
	return !plain;
}

static int by_name(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* The long name of an 8.3 alias among ents: the entries whose 8.3 form has the alias's
 * prefix and extension, in name order, the alias's number counting them (Windows numbers
 * them in the order they were made, which name order matches for the usual PROGRA~1
 * Program Files, PROGRA~2 Program Files (x86), PROGRA~3 ProgramData); the only one when
 * there is just one. NULL when none. */
static const char *short_name(mt_dirent *ents, size_t n, const char *comp)
{
	size_t plen;
	unsigned num;
	const char *ext;
	if (!short_alias(comp, &plen, &num, &ext))
		return NULL;
	const char *cand[64];
	size_t nc = 0;
	for (size_t i = 0; i < n && nc < MT_ARRAY_LEN(cand); i++) {
		char b[7], x[4];
		if (!short_form(ents[i].name, b, x))
			continue;
		/* the alias keeps as much of the name as "~N" leaves room for in 8 */
		size_t digits = strlen(comp) - strlen(ext) - (ext[0] ? 1 : 0) - plen - 1;
		size_t keep = strlen(b) < 7 - digits ? strlen(b) : 7 - digits;
		if (plen == keep && strncasecmp(b, comp, plen) == 0 && strcasecmp(x, ext) == 0)
			cand[nc++] = ents[i].name;
	}
	if (nc == 0)
		return NULL;
	qsort(cand, nc, sizeof(cand[0]), by_name);
	return nc == 1 ? cand[0] : num <= nc ? cand[num - 1] : NULL;
}

/* The entry of directory dirfd (an O_PATH fd) whose name equals comp ignoring ASCII
 * case, into out; the exact name wins over others that differ only in case. Failing
 * that, the long name of comp when it is an 8.3 alias (C:\PROGRA~3 in a Run value). */
static mt_err nocase_name(int dirfd, const char *comp, char *out, size_t outlen)
{
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_list_fd(dirfd, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK)
		return e;
	e = MT_ERR_NOENT;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(ents[i].name, comp) != 0 || strlen(ents[i].name) >= outlen)
			continue;
		int exact = strcmp(ents[i].name, comp) == 0;
		if (e != MT_OK || exact)
			snprintf(out, outlen, "%s", ents[i].name);
		e = MT_OK;
		if (exact)
			break;
	}
	if (e != MT_OK) {
		const char *l = short_name(ents, n, comp);
		if (l && strlen(l) < outlen) {
			snprintf(out, outlen, "%s", l);
			e = MT_OK;
		}
	}
	mt_dirents_free(ents, n);
	return e;
}

/* The portable walk: resolves path component by component from the root with
 * O_NOFOLLOW, expanding symlinks itself so that "/" and ".." never pass the root.
 * On success *parent is an O_PATH fd of the directory holding the last component and
 * name its name ("." for the root itself). */
static mt_err walk(mt_host *h, const char *path, int follow, int *parent, char *name,
                   size_t namelen)
{
	int stack[MT_MAX_DEPTH + 1];
	size_t depth = 0;
	unsigned links = 0;
	mt_err err = MT_OK;
	char *rest = NULL;
	size_t restcap = 2 * MT_MAX_PATH + 2;

	*parent = -1;
	if (strlen(path) >= MT_MAX_PATH)
		return MT_ERR_TOOBIG;
	rest = malloc(restcap);
	if (!rest)
		return MT_ERR_NOMEM;
	snprintf(rest, restcap, "%s", path);
	stack[0] = h->rootfd;

	for (;;) {
		char *p = rest;
		while (*p == '/')
			p++;
		if (*p == '\0') {
			/* the path names the directory on top of the stack */
			snprintf(name, namelen, ".");
			break;
		}
		char *end = strchr(p, '/');
		size_t clen = end ? (size_t)(end - p) : strlen(p);
		char *after = end ? end : p + clen;
		while (*after == '/')
			after++;
		int last = *after == '\0';
		/* "name/" at the end: a directory is wanted, and a symlink is followed */
		int want_dir = last && end != NULL;
		if (clen >= namelen || clen > 255) {
			err = MT_ERR_TOOBIG;
			goto out;
		}
		char comp[256];
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		memmove(rest, after, strlen(after) + 1);

		if (strcmp(comp, ".") == 0) {
			if (last) {
				snprintf(name, namelen, ".");
				break;
			}
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			if (depth > 0)
				close(stack[depth--]);
			if (last) {
				snprintf(name, namelen, ".");
				break;
			}
			continue;
		}
		int fd = openat(stack[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && h->nocase) {
			char real[256];
			if (nocase_name(stack[depth], comp, real, sizeof(real)) == MT_OK) {
				snprintf(comp, sizeof(comp), "%s", real);
				fd = openat(stack[depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			} else
				errno = ENOENT;
		}
		if (fd < 0) {
			err = mt_errno_to_err(errno);
			goto out;
		}
		struct stat st;
		if (fstat(fd, &st) != 0) {
			err = mt_errno_to_err(errno);
			close(fd);
			goto out;
		}
		if (S_ISLNK(st.st_mode) && (follow || !last || want_dir)) {
			char target[MT_MAX_PATH];
			ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
			close(fd);
			if (n < 0) {
				err = mt_errno_to_err(errno);
				goto out;
			}
			target[n] = '\0';
			if (++links > MT_MAX_SYMLINKS) {
				err = MT_ERR_LOOP;
				goto out;
			}
			if (target[0] == '/')
				while (depth > 0)
					close(stack[depth--]);
			size_t tl = (size_t)n, rl = strlen(rest);
			if (tl + 1 + rl + 1 > restcap) {
				err = MT_ERR_TOOBIG;
				goto out;
			}
			memmove(rest + tl + 1, rest, rl + 1);
			memcpy(rest, target, tl);
			rest[tl] = '/';
			if (rl == 0 && !want_dir)
				rest[tl] = '\0';
			continue;
		}
		if (last) {
			close(fd);
			if (want_dir && !S_ISDIR(st.st_mode)) {
				err = MT_ERR_NOTDIR;
				goto out;
			}
			snprintf(name, namelen, "%s", comp);
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			err = MT_ERR_NOTDIR;
			goto out;
		}
		if (depth >= MT_MAX_DEPTH) {
			close(fd);
			err = MT_ERR_LIMIT;
			goto out;
		}
		stack[++depth] = fd;
	}
	*parent = depth > 0 ? stack[depth--] : dup(h->rootfd);
	if (*parent < 0)
		err = mt_errno_to_err(errno);
out:
	while (depth > 0)
		close(stack[depth--]);
	free(rest);
	return err;
}

/* Opens path inside the root with open flags (O_PATH, O_RDONLY|O_DIRECTORY...). */
static mt_err host_openat(mt_host *h, const char *path, int flags, int follow, int *out)
{
	*out = -1;
	if (!path)
		return MT_ERR_INVAL;
	/* openat2 refuses flags that O_PATH does not use */
	flags |= O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY);
	if (h->openat2) {
		const char *rel = path;
		while (*rel == '/')
			rel++;
		if (!*rel)
			rel = ".";
		if (strlen(rel) >= MT_MAX_PATH)
			return MT_ERR_TOOBIG;
		int fd = sys_openat2(h->rootfd, rel, flags | (follow ? 0 : O_NOFOLLOW),
		                     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd >= 0) {
			*out = fd;
			return MT_OK;
		}
		/* a Windows tree: the name may differ in case; the walk finds it */
		if (errno != ENOENT || !h->nocase)
			return mt_errno_to_err(errno);
	}
	int parent;
	char name[256];
	mt_err e = walk(h, path, follow, &parent, name, sizeof(name));
	if (e != MT_OK)
		return e;
	int fd = openat(parent, name, flags | O_NOFOLLOW);
	int saved = errno;
	close(parent);
	if (fd < 0)
		return mt_errno_to_err(saved);
	*out = fd;
	return MT_OK;
}

mt_err mt_host_stat(mt_host *h, const char *path, int follow, struct stat *st)
{
	int fd;
	mt_err e = host_openat(h, path, O_PATH, follow, &fd);
	if (e != MT_OK)
		return e;
	e = fstat(fd, st) == 0 ? MT_OK : mt_errno_to_err(errno);
	close(fd);
	return e;
}

mt_err mt_host_open_file(mt_host *h, const char *path, int *out, struct stat *st)
{
	struct stat a, b;
	int pfd, fd;
	*out = -1;
	/* Look before opening: opening a device or FIFO can block or have effects. */
	mt_err e = host_openat(h, path, O_PATH, 1, &pfd);
	if (e != MT_OK)
		return e;
	if (fstat(pfd, &a) != 0) {
		e = mt_errno_to_err(errno);
		close(pfd);
		return e;
	}
	close(pfd);
	if (!S_ISREG(a.st_mode))
		return S_ISDIR(a.st_mode) ? MT_ERR_NOTREG : MT_ERR_NOTREG;
	/* reading leaves the access time as it was (evidence), where the kernel lets us:
	 * O_NOATIME needs the owner or CAP_FOWNER, else the plain open */
	e = host_openat(h, path, O_RDONLY | O_NONBLOCK | O_NOATIME, 1, &fd);
	if (e == MT_ERR_PERM)
		e = host_openat(h, path, O_RDONLY | O_NONBLOCK, 1, &fd);
	if (e != MT_OK)
		return e;
	if (fstat(fd, &b) != 0 || !S_ISREG(b.st_mode) || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(fd);
		return MT_ERR_CHANGED;
	}
	if (st)
		*st = b;
	*out = fd;
	return MT_OK;
}

mt_err mt_host_open_dir(mt_host *h, const char *path, int *fd)
{
	return host_openat(h, path, O_RDONLY | O_DIRECTORY, 1, fd);
}

mt_err mt_read_fd(int fd, size_t cap, char **data, size_t *len, int *truncated)
{
	mt_buf b;
	char chunk[65536];
	mt_err e = MT_OK;
	*data = NULL;
	*len = 0;
	if (truncated)
		*truncated = 0;
	mt_buf_init(&b, cap);
	for (;;) {
		size_t want = sizeof(chunk);
		if (cap - b.len < want)
			want = cap - b.len;
		if (want == 0) {
			char probe;
			ssize_t more = read(fd, &probe, 1);
			if (more > 0 && truncated)
				*truncated = 1;
			break;
		}
		ssize_t n = read(fd, chunk, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = mt_errno_to_err(errno);
			break;
		}
		if (n == 0)
			break;
		if ((e = mt_buf_add(&b, chunk, (size_t)n)) != MT_OK)
			break;
	}
	if (e != MT_OK) {
		mt_buf_free(&b);
		return e;
	}
	*data = mt_buf_take(&b, len);
	return *data ? MT_OK : MT_ERR_NOMEM;
}

mt_err mt_host_read_file(mt_host *h, const char *path, size_t cap, char **data, size_t *len,
                         int *truncated)
{
	int fd;
	*data = NULL;
	*len = 0;
	mt_err e = mt_host_open_file(h, path, &fd, NULL);
	if (e != MT_OK)
		return e;
	e = mt_read_fd(fd, cap, data, len, truncated);
	close(fd);
	return e;
}

static int dirent_cmp(const void *a, const void *b)
{
	return strcmp(((const mt_dirent *)a)->name, ((const mt_dirent *)b)->name);
}

void mt_dirents_free(mt_dirent *ents, size_t n)
{
	for (size_t i = 0; ents && i < n; i++)
		free(ents[i].name);
	free(ents);
}

static mt_err push_ent(mt_dirent **ents, size_t *n, size_t *alloc, const char *name,
                       unsigned char type, uint64_t ino)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return MT_OK;
	if (*n >= MT_MAX_DIR_ENTRIES)
		return MT_ERR_LIMIT;
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 64;
		mt_dirent *ne = realloc(*ents, na * sizeof(*ne));
		if (!ne)
			return MT_ERR_NOMEM;
		*ents = ne;
		*alloc = na;
	}
	(*ents)[*n].name = mt_strdup(name);
	if (!(*ents)[*n].name)
		return MT_ERR_NOMEM;
	(*ents)[*n].type = type;
	(*ents)[*n].ino = ino;
	(*n)++;
	return MT_OK;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

mt_err mt_list_fd(int dirfd, int how, mt_dirent **out, size_t *count)
{
	mt_dirent *ents = NULL;
	size_t n = 0, alloc = 0;
	mt_err e = MT_OK;
	*out = NULL;
	*count = 0;
	if (how == MT_LIST_READDIR) {
		int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return mt_errno_to_err(errno);
		DIR *d = fdopendir(fd);
		if (!d) {
			e = mt_errno_to_err(errno);
			close(fd);
			return e;
		}
		struct dirent *de;
		errno = 0;
		while (e == MT_OK && (de = readdir(d)) != NULL)
			e = push_ent(&ents, &n, &alloc, de->d_name, de->d_type, de->d_ino);
		closedir(d);
	} else {
		int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return mt_errno_to_err(errno);
		/* aligned for the kernel's 8-byte records */
		static _Thread_local uint64_t buf[4096];
		for (;;) {
			long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
			if (r < 0) {
				e = mt_errno_to_err(errno);
				break;
			}
			if (r == 0)
				break;
			size_t off = 0;
			const char *base = (const char *)buf;
			while (e == MT_OK && off + sizeof(struct linux_dirent64) <= (size_t)r) {
				const struct linux_dirent64 *d = (const void *)(base + off);
				if (d->d_reclen < sizeof(*d) || d->d_reclen > (size_t)r - off)
					break;
				size_t maxname =
					d->d_reclen - offsetof(struct linux_dirent64, d_name);
				if (memchr(d->d_name, '\0', maxname))
					e = push_ent(&ents, &n, &alloc, d->d_name, d->d_type,
					             d->d_ino);
				off += d->d_reclen;
			}
			if (e != MT_OK)
				break;
		}
		close(fd);
	}
	if (e != MT_OK) {
		mt_dirents_free(ents, n);
		return e;
	}
	if (n > 1)
		qsort(ents, n, sizeof(*ents), dirent_cmp);
	*out = ents;
	*count = n;
	return MT_OK;
}

mt_err mt_host_list(mt_host *h, const char *path, int how, mt_dirent **out, size_t *n)
{
	int fd;
	*out = NULL;
	*n = 0;
	mt_err e = mt_host_open_dir(h, path, &fd);
	if (e != MT_OK)
		return e;
	e = mt_list_fd(fd, how, out, n);
	close(fd);
	return e;
}
