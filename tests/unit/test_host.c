/* test_host.c - unit tests of host.c: paths resolved inside the scan root, never through
 * a FIFO or device, bounded reads, directory listings; every test runs twice, with
 * openat2 RESOLVE_IN_ROOT (where the kernel has it) and with the portable walk */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"
#include "t.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static char base[64];    /* mkdtemp directory: holds root/ and an outside secret */
static char root[128];   /* the scan root */
static int have_chardev; /* mknod worked (we are root) */
static int have_socket;

static const char inside_passwd[] = "root-INSIDE:x:0:0:scan root copy:/root:/bin/sh\n";
static const char inside_hostname[] = "inside-hostname\n";
static const char outside_secret[] = "OUTSIDE SECRET - must never be read\n";
#define NMANY   2000
#define BIGSIZE 200000

static void mkfile(const char *rel, const void *data, size_t n)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	REQUIRE_TRUE(fd >= 0);
	REQUIRE_TRUE(write(fd, data, n) == (ssize_t)n);
	close(fd);
}

static void mkdir_in(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	REQUIRE_INT_EQ(mkdir(p, 0755), 0);
}

static void symlink_in(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	REQUIRE_INT_EQ(symlink(target, p), 0);
}

static void build_tree(void)
{
	char p[512];
	snprintf(base, sizeof(base), "/tmp/mt-test-host-XXXXXX");
	REQUIRE_NOT_NULL(mkdtemp(base));
	snprintf(root, sizeof(root), "%s/root", base);
	REQUIRE_INT_EQ(mkdir(root, 0755), 0);
	snprintf(p, sizeof(p), "%s/secret", base);
	FILE *f = fopen(p, "w");
	REQUIRE_NOT_NULL(f);
	fputs(outside_secret, f);
	fclose(f);

	mkdir_in("etc");
	mkfile("etc/passwd", inside_passwd, strlen(inside_passwd));
	mkfile("etc/hostname", inside_hostname, strlen(inside_hostname));
	mkfile("file.txt", "hello file\n", 11);
	mkfile("empty", "", 0);
	char *big = malloc(BIGSIZE);
	REQUIRE_NOT_NULL(big);
	for (size_t i = 0; i < BIGSIZE; i++)
		big[i] = (char)('A' + i % 23);
	mkfile("big", big, BIGSIZE);
	free(big);

	mkdir_in("d1");
	mkdir_in("d1/d2");
	symlink_in("/etc/passwd", "abs_link");               /* absolute: inside the root */
	symlink_in("../../../../etc/hostname", "d1/d2/esc"); /* climbs past the root */
	symlink_in("d1/d2/esc", "chain1");
	symlink_in("/chain1", "chain2");
	symlink_in("/d1", "dirlink");
	symlink_in("../..", "d1/up");
	symlink_in("/etc/passwd", "d1/d2/abs"); /* absolute, from below */
	symlink_in("/../../etc/hostname", "d1/d2/absup");
	symlink_in("../secret", "rel_out"); /* the real parent has it */
	snprintf(p, sizeof(p), "%s/secret", base);
	symlink_in(p, "abs_out"); /* absolute host path */
	symlink_in("../../../../../../../..", "to_top");
	symlink_in("loop2", "loop1");
	symlink_in("loop1", "loop2");
	symlink_in("self", "self");
	symlink_in("/nonexistent", "dangling");
	symlink_in("/fifo", "fifo_link");
	/* ten links in a row, then a file */
	symlink_in("/etc/passwd", "c0");
	for (int i = 1; i < 10; i++) {
		char t[16], n[16];
		snprintf(t, sizeof(t), "c%d", i - 1);
		snprintf(n, sizeof(n), "c%d", i);
		symlink_in(t, n);
	}

	snprintf(p, sizeof(p), "%s/fifo", root);
	REQUIRE_INT_EQ(mkfifo(p, 0644), 0);
	snprintf(p, sizeof(p), "%s/null", root);
	have_chardev = mknod(p, S_IFCHR | 0666, makedev(1, 3)) == 0;
	if (!have_chardev)
		fprintf(stderr, "note: mknod failed (%s): character device case skipped\n",
		        strerror(errno));
	snprintf(p, sizeof(p), "%s/sock", root);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (s >= 0 && strlen(p) < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, p, strlen(p) + 1);
		have_socket = bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	}
	if (s >= 0)
		close(s);

	{
		char deep[600] = "deep";
		mkdir_in(deep);
		for (int i = 0; i < 100; i++) {
			strcat(deep, "/a");
			mkdir_in(deep);
		}
		strcat(deep, "/f");
		mkfile(deep, "deep file 100\n", 14);
		snprintf(deep, sizeof(deep), "deep");
		for (int i = 0; i < 60; i++)
			strcat(deep, "/a");
		strcat(deep, "/f");
		mkfile(deep, "deep file 60\n", 13);
	}
	mkdir_in("many");
	/* created in a scrambled order so that sorting is tested */
	for (int i = 0; i < NMANY; i++) {
		int k = (i * 7919) % NMANY;
		char n[32];
		snprintf(n, sizeof(n), "many/f%04d", k);
		mkfile(n, "", 0);
	}
	mkdir_in("many/zz-subdir");
}

static int rm_cb(const char *dir)
{
	/* remove the scratch tree without a shell: two levels are enough here */
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *de;
	char p[1024];
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_cb(p);
		else
			unlink(p);
	}
	closedir(d);
	return rmdir(dir);
}

static int have_openat2;

/* Whether this host handle resolves with the portable walk. */
static int use_walk(unsigned flags)
{
	return (flags & MT_HOST_NO_OPENAT2) || !have_openat2;
}

static int kernel_has_openat2(void)
{
	struct open_how how;
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT;
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Reads path of the host; returns the error and fills a static copy of the data. */
static char rdata[BIGSIZE + 1];
static size_t rlen;
static int rtrunc;
static mt_err rd(mt_host *h, const char *path, size_t cap)
{
	char *data = (char *)"sentinel";
	size_t len = 12345;
	int trunc = -1;
	rdata[0] = '\0';
	rlen = 0;
	rtrunc = -1;
	alarm(10); /* a FIFO or device opened for reading could block forever */
	mt_err e = mt_host_read_file(h, path, cap, &data, &len, &trunc);
	alarm(0);
	if (e == MT_OK) {
		if (data && len <= BIGSIZE) {
			memcpy(rdata, data, len);
			rdata[len] = '\0';
			/* the contract: NUL-terminated */
			ASSERT_INT_EQ(data[len], '\0');
		}
		rlen = len;
		rtrunc = trunc;
		free(data);
	} else {
		ASSERT_NULL(data);
		ASSERT_SIZE_EQ(len, 0);
	}
	return e;
}

static void test_open(unsigned flags)
{
	mt_host *h = (mt_host *)1;
	char p[512];

	TEST_START("host_open: bad roots");
	ASSERT_INT_EQ(mt_host_open("", flags, &h), MT_ERR_INVAL);
	ASSERT_NULL(h);
	ASSERT_INT_EQ(mt_host_open(NULL, flags, &h), MT_ERR_INVAL);
	snprintf(p, sizeof(p), "%s/nonexistent", base);
	ASSERT_INT_EQ(mt_host_open(p, flags, &h), MT_ERR_NOENT);
	ASSERT_NULL(h);
	snprintf(p, sizeof(p), "%s/secret", base);
	ASSERT_INT_EQ(mt_host_open(p, flags, &h), MT_ERR_NOTDIR);
	mt_host_close(NULL);
	TEST_DONE();

	TEST_START("host_open: the root, live or not");
	REQUIRE_INT_EQ(mt_host_open(root, flags, &h), MT_OK);
	ASSERT_STR_EQ(mt_host_root(h), root);
	ASSERT_FALSE(mt_host_is_live(h));
	mt_host_close(h);
	REQUIRE_INT_EQ(mt_host_open("/", flags, &h), MT_OK);
	ASSERT_TRUE(mt_host_is_live(h));
	mt_host_close(h);
	TEST_DONE();
}

static void test_resolve(unsigned flags)
{
	mt_host *h;
	REQUIRE_INT_EQ(mt_host_open(root, flags, &h), MT_OK);

	TEST_START("read: plain file under several spellings");
	static const char *const spell[] = {"file.txt",
	                                    "/file.txt",
	                                    "//file.txt",
	                                    "./file.txt",
	                                    "d1/../file.txt",
	                                    "/d1/d2/../../file.txt",
	                                    "d1//d2/./../..//file.txt"};
	for (size_t i = 0; i < MT_ARRAY_LEN(spell); i++) {
		ASSERT_INT_EQ(rd(h, spell[i], 1024), MT_OK);
		ASSERT_STR_EQ(rdata, "hello file\n");
		ASSERT_SIZE_EQ(rlen, 11);
		ASSERT_INT_EQ(rtrunc, 0);
	}
	TEST_DONE();

	TEST_START("read: absolute symlink /etc/passwd resolves inside the root");
	ASSERT_INT_EQ(rd(h, "abs_link", 4096), MT_OK);
	ASSERT_STR_EQ(rdata, inside_passwd);
	ASSERT_INT_EQ(rd(h, "/etc/passwd", 4096), MT_OK);
	ASSERT_STR_EQ(rdata, inside_passwd);
	ASSERT_INT_EQ(rd(h, "d1/d2/abs", 4096), MT_OK);
	ASSERT_STR_EQ(rdata, inside_passwd);
	ASSERT_INT_EQ(rd(h, "dirlink/d2/absup", 4096), MT_OK);
	ASSERT_STR_EQ(rdata, inside_hostname);
	ASSERT_INT_EQ(rd(h, "c9", 4096), MT_OK); /* ten links deep */
	ASSERT_STR_EQ(rdata, inside_passwd);
	TEST_DONE();

	TEST_START("read: .. and relative symlinks stop at the root");
	static const char *const host_name[] = {"d1/d2/esc", "chain1", "chain2", "dirlink/d2/esc",
	                                        "/dirlink/d2/../d2/esc"};
	for (size_t i = 0; i < MT_ARRAY_LEN(host_name); i++) {
		ASSERT_INT_EQ(rd(h, host_name[i], 4096), MT_OK);
		ASSERT_STR_EQ(rdata, inside_hostname);
	}
	static const char *const passwd[] = {"../../../../etc/passwd",
	                                     "/../etc/passwd",
	                                     "d1/../../etc/passwd",
	                                     "d1/up/etc/passwd",
	                                     "d1/up/d1/up/etc/passwd",
	                                     "to_top/etc/passwd",
	                                     "..",
	                                     "../..//etc/../etc/passwd"};
	for (size_t i = 0; i < MT_ARRAY_LEN(passwd); i++) {
		mt_err e = rd(h, passwd[i], 4096);
		if (strcmp(passwd[i], "..") == 0) {
			ASSERT_INT_EQ(e, MT_ERR_NOTREG); /* the root directory itself */
			continue;
		}
		ASSERT_INT_EQ(e, MT_OK);
		ASSERT_STR_EQ(rdata, inside_passwd);
	}
	TEST_DONE();

	TEST_START("read: links aimed outside the root never reach it");
	/* ../secret from the root is ROOT/secret, which does not exist */
	ASSERT_INT_EQ(rd(h, "rel_out", 4096), MT_ERR_NOENT);
	ASSERT_STR_LACKS(rdata, "OUTSIDE");
	ASSERT_INT_EQ(rd(h, "abs_out", 4096), MT_ERR_NOENT);
	ASSERT_STR_LACKS(rdata, "OUTSIDE");
	ASSERT_INT_EQ(rd(h, "../secret", 4096), MT_ERR_NOENT);
	ASSERT_INT_EQ(rd(h, "d1/up/../secret", 4096), MT_ERR_NOENT);
	TEST_DONE();

	TEST_START("read: loops, dangling links, missing files");
	ASSERT_INT_EQ(rd(h, "loop1", 4096), MT_ERR_LOOP);
	ASSERT_INT_EQ(rd(h, "self", 4096), MT_ERR_LOOP);
	ASSERT_INT_EQ(rd(h, "loop1/x", 4096), MT_ERR_LOOP);
	ASSERT_INT_EQ(rd(h, "dangling", 4096), MT_ERR_NOENT);
	ASSERT_INT_EQ(rd(h, "nope", 4096), MT_ERR_NOENT);
	ASSERT_INT_EQ(rd(h, "nope/x", 4096), MT_ERR_NOENT);
	ASSERT_INT_EQ(rd(h, "file.txt/x", 4096), MT_ERR_NOTDIR);
	TEST_DONE();

	TEST_START("read: a trailing slash asks for a directory");
	ASSERT_INT_EQ(rd(h, "file.txt/", 4096), MT_ERR_NOTDIR);
	ASSERT_INT_EQ(rd(h, "abs_link/", 4096), MT_ERR_NOTDIR);
	ASSERT_INT_EQ(rd(h, "file.txt/.", 4096), MT_ERR_NOTDIR);
	ASSERT_INT_EQ(rd(h, "d1/", 4096), MT_ERR_NOTREG);
	ASSERT_INT_EQ(rd(h, "dirlink/", 4096), MT_ERR_NOTREG);
	TEST_DONE();

	TEST_START("read: deep directories");
	{
		/* within MT_MAX_DEPTH both ways give the file */
		char deep[600] = "deep";
		for (int i = 0; i < 60; i++)
			strcat(deep, "/a");
		strcat(deep, "/f");
		ASSERT_INT_EQ(rd(h, deep, 100), MT_OK);
		ASSERT_STR_EQ(rdata, "deep file 60\n");
		/* deeper: openat2 resolves it; the portable walk keeps one fd per level for
		 * "..", so it stops with MT_ERR_LIMIT rather than open something else */
		snprintf(deep, sizeof(deep), "deep");
		for (int i = 0; i < 100; i++)
			strcat(deep, "/a");
		strcat(deep, "/f");
		mt_err e = rd(h, deep, 100);
		if (use_walk(flags)) {
			ASSERT_INT_EQ(e, MT_ERR_LIMIT);
		} else {
			ASSERT_INT_EQ(e, MT_OK);
			ASSERT_STR_EQ(rdata, "deep file 100\n");
		}
	}
	TEST_DONE();

	TEST_START("read: caps and the truncated flag");
	ASSERT_INT_EQ(rd(h, "big", 1000), MT_OK);
	ASSERT_SIZE_EQ(rlen, 1000);
	ASSERT_INT_EQ(rtrunc, 1);
	ASSERT_INT_EQ(rdata[0], 'A');
	ASSERT_INT_EQ(rdata[999], 'A' + 999 % 23);
	ASSERT_INT_EQ(rd(h, "big", BIGSIZE - 1), MT_OK);
	ASSERT_SIZE_EQ(rlen, BIGSIZE - 1);
	ASSERT_INT_EQ(rtrunc, 1);
	ASSERT_INT_EQ(rd(h, "big", BIGSIZE), MT_OK);
	ASSERT_SIZE_EQ(rlen, BIGSIZE);
	ASSERT_INT_EQ(rtrunc, 0);
	ASSERT_INT_EQ(rdata[BIGSIZE - 1], 'A' + (BIGSIZE - 1) % 23);
	ASSERT_INT_EQ(rd(h, "big", 1 << 24), MT_OK);
	ASSERT_SIZE_EQ(rlen, BIGSIZE);
	ASSERT_INT_EQ(rtrunc, 0);
	ASSERT_INT_EQ(rd(h, "big", 65536), MT_OK); /* exactly one read chunk */
	ASSERT_SIZE_EQ(rlen, 65536);
	ASSERT_INT_EQ(rtrunc, 1);
	ASSERT_INT_EQ(rd(h, "big", 0), MT_OK);
	ASSERT_SIZE_EQ(rlen, 0);
	ASSERT_INT_EQ(rtrunc, 1);
	ASSERT_INT_EQ(rd(h, "empty", 0), MT_OK);
	ASSERT_SIZE_EQ(rlen, 0);
	ASSERT_INT_EQ(rtrunc, 0);
	ASSERT_INT_EQ(rd(h, "empty", 100), MT_OK);
	ASSERT_SIZE_EQ(rlen, 0);
	ASSERT_INT_EQ(rtrunc, 0);
	ASSERT_INT_EQ(rd(h, "file.txt", 11), MT_OK);
	ASSERT_INT_EQ(rtrunc, 0);
	ASSERT_INT_EQ(rd(h, "file.txt", 10), MT_OK);
	ASSERT_STR_EQ(rdata, "hello file");
	ASSERT_INT_EQ(rtrunc, 1);
	TEST_DONE();

	TEST_START("read: over-long paths and names");
	char longp[MT_MAX_PATH + 10];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ASSERT_INT_EQ(rd(h, longp, 100), MT_ERR_TOOBIG);
	char longn[300];
	memset(longn, 'b', sizeof(longn) - 1);
	longn[sizeof(longn) - 1] = '\0';
	ASSERT_INT_EQ(rd(h, longn, 100), MT_ERR_TOOBIG);
	ASSERT_INT_EQ(mt_host_read_file(h, NULL, 100, (char **)&longn, &rlen, NULL), MT_ERR_INVAL);
	TEST_DONE();

	mt_host_close(h);
}

static void test_stat_open(unsigned flags)
{
	mt_host *h;
	struct stat st, want;
	char p[512];
	REQUIRE_INT_EQ(mt_host_open(root, flags, &h), MT_OK);

	TEST_START("stat: follow or not, inside the root");
	snprintf(p, sizeof(p), "%s/etc/passwd", root);
	REQUIRE_INT_EQ(stat(p, &want), 0);
	ASSERT_INT_EQ(mt_host_stat(h, "abs_link", 1, &st), MT_OK);
	ASSERT_TRUE(S_ISREG(st.st_mode));
	ASSERT_U64_EQ(st.st_ino, want.st_ino);
	ASSERT_U64_EQ(st.st_size, strlen(inside_passwd));
	ASSERT_INT_EQ(mt_host_stat(h, "abs_link", 0, &st), MT_OK);
	ASSERT_TRUE(S_ISLNK(st.st_mode));
	ASSERT_INT_EQ(mt_host_stat(h, "dangling", 0, &st), MT_OK);
	ASSERT_TRUE(S_ISLNK(st.st_mode));
	ASSERT_INT_EQ(mt_host_stat(h, "dangling", 1, &st), MT_ERR_NOENT);
	ASSERT_INT_EQ(mt_host_stat(h, "loop1", 0, &st), MT_OK);
	ASSERT_INT_EQ(mt_host_stat(h, "loop1", 1, &st), MT_ERR_LOOP);
	ASSERT_INT_EQ(mt_host_stat(h, "fifo", 1, &st), MT_OK);
	ASSERT_TRUE(S_ISFIFO(st.st_mode));
	if (have_chardev) {
		ASSERT_INT_EQ(mt_host_stat(h, "null", 1, &st), MT_OK);
		ASSERT_TRUE(S_ISCHR(st.st_mode));
		ASSERT_U64_EQ(st.st_rdev, makedev(1, 3));
	}
	/* a link in the middle of the path is followed even with follow=0 */
	ASSERT_INT_EQ(mt_host_stat(h, "dirlink/d2/esc", 0, &st), MT_OK);
	ASSERT_TRUE(S_ISLNK(st.st_mode));
	ASSERT_INT_EQ(mt_host_stat(h, "dirlink/d2/esc", 1, &st), MT_OK);
	ASSERT_TRUE(S_ISREG(st.st_mode));
	/* so is a link followed by a slash, which must then be a directory */
	ASSERT_INT_EQ(mt_host_stat(h, "dirlink/", 0, &st), MT_OK);
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	ASSERT_INT_EQ(mt_host_stat(h, "abs_link/", 0, &st), MT_ERR_NOTDIR);
	ASSERT_INT_EQ(mt_host_stat(h, "dangling/", 0, &st), MT_ERR_NOENT);
	REQUIRE_INT_EQ(stat(root, &want), 0);
	static const char *const rootnames[] = {"/", ".", "..", "", "d1/up", "to_top", "/../.."};
	for (size_t i = 0; i < MT_ARRAY_LEN(rootnames); i++) {
		ASSERT_INT_EQ(mt_host_stat(h, rootnames[i], 1, &st), MT_OK);
		ASSERT_U64_EQ(st.st_ino, want.st_ino);
	}
	TEST_DONE();

	TEST_START("open_file: fd and stat of the very file");
	int fd = -1;
	ASSERT_INT_EQ(mt_host_open_file(h, "chain2", &fd, &st), MT_OK);
	REQUIRE_TRUE(fd >= 0);
	snprintf(p, sizeof(p), "%s/etc/hostname", root);
	REQUIRE_INT_EQ(stat(p, &want), 0);
	ASSERT_U64_EQ(st.st_ino, want.st_ino);
	char buf[64] = {0};
	ASSERT_INT_EQ(read(fd, buf, sizeof(buf) - 1), (ssize_t)strlen(inside_hostname));
	ASSERT_STR_EQ(buf, inside_hostname);
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	fd = 77;
	ASSERT_INT_EQ(mt_host_open_file(h, "d1", &fd, NULL), MT_ERR_NOTREG);
	ASSERT_INT_EQ(fd, -1);
	TEST_DONE();

	TEST_START("open_dir: directories, links to them, and not-directories");
	ASSERT_INT_EQ(mt_host_open_dir(h, "dirlink", &fd), MT_OK);
	snprintf(p, sizeof(p), "%s/d1", root);
	REQUIRE_INT_EQ(stat(p, &want), 0);
	REQUIRE_INT_EQ(fstat(fd, &st), 0);
	ASSERT_U64_EQ(st.st_ino, want.st_ino);
	close(fd);
	ASSERT_INT_EQ(mt_host_open_dir(h, "/", &fd), MT_OK);
	REQUIRE_INT_EQ(fstat(fd, &st), 0);
	REQUIRE_INT_EQ(stat(root, &want), 0);
	ASSERT_U64_EQ(st.st_ino, want.st_ino);
	close(fd);
	ASSERT_INT_EQ(mt_host_open_dir(h, "file.txt", &fd), MT_ERR_NOTDIR);
	ASSERT_INT_EQ(mt_host_open_dir(h, "abs_link", &fd), MT_ERR_NOTDIR);
	ASSERT_INT_EQ(mt_host_open_dir(h, "nope", &fd), MT_ERR_NOENT);
	alarm(10);
	ASSERT_INT_EQ(mt_host_open_dir(h, "fifo", &fd), MT_ERR_NOTDIR);
	alarm(0);
	TEST_DONE();

	mt_host_close(h);
}

static void test_list(unsigned flags)
{
	mt_host *h;
	mt_dirent *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	REQUIRE_INT_EQ(mt_host_open(root, flags, &h), MT_OK);

	TEST_START("list: readdir and getdents64 agree on 2000 files, sorted");
	ASSERT_INT_EQ(mt_host_list(h, "many", MT_LIST_READDIR, &a, &na), MT_OK);
	ASSERT_INT_EQ(mt_host_list(h, "/many/", MT_LIST_GETDENTS, &b, &nb), MT_OK);
	ASSERT_SIZE_EQ(na, NMANY + 1);
	ASSERT_SIZE_EQ(nb, NMANY + 1);
	size_t bad_order = 0, differ = 0, wrong_name = 0, wrong_type = 0;
	for (size_t i = 0; i < na && i < nb; i++) {
		if (i && strcmp(a[i - 1].name, a[i].name) >= 0)
			bad_order++;
		if (strcmp(a[i].name, b[i].name) != 0 || a[i].ino != b[i].ino)
			differ++;
		char want[32];
		if (i < NMANY)
			snprintf(want, sizeof(want), "f%04zu", i);
		else
			snprintf(want, sizeof(want), "zz-subdir");
		if (strcmp(a[i].name, want) != 0)
			wrong_name++;
		unsigned char wt = i < NMANY ? DT_REG : DT_DIR;
		if ((a[i].type != DT_UNKNOWN && a[i].type != wt) ||
		    (b[i].type != DT_UNKNOWN && b[i].type != wt))
			wrong_type++;
	}
	ASSERT_SIZE_EQ(bad_order, 0);
	ASSERT_SIZE_EQ(differ, 0);
	ASSERT_SIZE_EQ(wrong_name, 0);
	ASSERT_SIZE_EQ(wrong_type, 0);
	mt_dirents_free(a, na);
	mt_dirents_free(b, nb);
	TEST_DONE();

	TEST_START("list: the root, through links, without . and ..");
	ASSERT_INT_EQ(mt_host_list(h, "/", MT_LIST_GETDENTS, &a, &na), MT_OK);
	ASSERT_INT_EQ(mt_host_list(h, "d1/up", MT_LIST_READDIR, &b, &nb), MT_OK);
	ASSERT_SIZE_EQ(na, nb);
	int dots = 0, seen_etc = 0, seen_fifo = 0;
	for (size_t i = 0; i < na; i++) {
		dots += strcmp(a[i].name, ".") == 0 || strcmp(a[i].name, "..") == 0;
		seen_etc += strcmp(a[i].name, "etc") == 0;
		seen_fifo += strcmp(a[i].name, "fifo") == 0;
		if (i < nb)
			ASSERT_STR_EQ(a[i].name, b[i].name);
	}
	ASSERT_INT_EQ(dots, 0);
	ASSERT_INT_EQ(seen_etc, 1);
	ASSERT_INT_EQ(seen_fifo, 1);
	mt_dirents_free(a, na);
	mt_dirents_free(b, nb);
	ASSERT_INT_EQ(mt_host_list(h, "d1/d2", MT_LIST_GETDENTS, &a, &na), MT_OK);
	REQUIRE_INT_EQ(na, 3);
	ASSERT_STR_EQ(a[0].name, "abs");
	ASSERT_STR_EQ(a[1].name, "absup");
	ASSERT_STR_EQ(a[2].name, "esc");
	ASSERT_INT_EQ(a[2].type, DT_LNK);
	mt_dirents_free(a, na);
	TEST_DONE();

	TEST_START("list: errors");
	a = (mt_dirent *)1;
	na = 99;
	ASSERT_INT_EQ(mt_host_list(h, "file.txt", MT_LIST_READDIR, &a, &na), MT_ERR_NOTDIR);
	ASSERT_NULL(a);
	ASSERT_SIZE_EQ(na, 0);
	ASSERT_INT_EQ(mt_host_list(h, "nope", MT_LIST_GETDENTS, &a, &na), MT_ERR_NOENT);
	ASSERT_INT_EQ(mt_host_list(h, "loop1", MT_LIST_GETDENTS, &a, &na), MT_ERR_LOOP);
	ASSERT_INT_EQ(mt_host_list(h, "rel_out", MT_LIST_GETDENTS, &a, &na), MT_ERR_NOENT);
	mt_dirents_free(NULL, 0);
	TEST_DONE();

	mt_host_close(h);
}

static void test_read_fd(void)
{
	TEST_START("read_fd: from the current offset, with a cap");
	char p[512];
	snprintf(p, sizeof(p), "%s/file.txt", root);
	int fd = open(p, O_RDONLY);
	REQUIRE_TRUE(fd >= 0);
	REQUIRE_INT_EQ(lseek(fd, 6, SEEK_SET), 6);
	char *data = NULL;
	size_t len = 0;
	ASSERT_INT_EQ(mt_read_fd(fd, 100, &data, &len, NULL), MT_OK); /* truncated may be NULL */
	ASSERT_STR_EQ(data, "file\n");
	ASSERT_SIZE_EQ(len, 5);
	free(data);
	close(fd);
	ASSERT_INT_EQ(mt_read_fd(-1, 100, &data, &len, NULL), MT_ERR_IO);
	ASSERT_NULL(data);
	TEST_DONE();
}

/* A Windows tree: found by its SYSTEM hive in any case, then case-insensitive lookups
 * with the same guarantees (no escape, no FIFO opened). */
static void test_nocase(unsigned flags)
{
	char p[600], win[512];
	snprintf(win, sizeof(win), "%s/win", base);
	mkdir(win, 0755);
	static const char *const dirs[] = {"win/WINDOWS", "win/WINDOWS/system32",
	                                   "win/WINDOWS/system32/Config", "win/WINDOWS/Fonts"};
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, dirs[i]);
		mkdir(p, 0755);
	}
	snprintf(p, sizeof(p), "%s/win/WINDOWS/system32/Config/SYSTEM", base);
	FILE *f = fopen(p, "w");
	REQUIRE_NOT_NULL(f);
	fputs("regf", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/win/WINDOWS/Fonts/Arial.TTF", base);
	f = fopen(p, "w");
	REQUIRE_NOT_NULL(f);
	fputs("font", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/win/WINDOWS/Fonts/arial.ttf", base);
	f = fopen(p, "w"); /* two names that differ in case: the exact one wins */
	REQUIRE_NOT_NULL(f);
	fputs("lower", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/win/WINDOWS/Esc", base);
	unlink(p);
	REQUIRE_INT_EQ(symlink("../../secret", p), 0);
	snprintf(p, sizeof(p), "%s/win/WINDOWS/Pipe", base);
	unlink(p);
	REQUIRE_INT_EQ(mkfifo(p, 0600), 0);

	TEST_START("nocase: a Windows tree is found in any case");
	mt_host *h;
	REQUIRE_INT_EQ(mt_host_open(win, flags, &h), MT_OK);
	ASSERT_INT_EQ(mt_host_os(h), MT_OS_WINDOWS);
	ASSERT_INT_EQ(mt_host_nocase(h), 1);
	ASSERT_INT_EQ(rd(h, "/Windows/System32/config/SYSTEM", 100), MT_OK);
	ASSERT_STR_EQ(rdata, "regf");
	ASSERT_INT_EQ(rd(h, "windows/fonts/ARIAL.ttf", 100), MT_OK);
	ASSERT_STR_EQ(rdata, "font");
	ASSERT_INT_EQ(rd(h, "Windows/Fonts/arial.ttf", 100), MT_OK);
	ASSERT_STR_EQ(rdata, "lower");
	ASSERT_INT_EQ(rd(h, "Windows/Fonts/nothere.ttf", 100), MT_ERR_NOENT);
	TEST_DONE();

	TEST_START("nocase: the guarantees hold");
	ASSERT_INT_EQ(rd(h, "windows/ESC", 100), MT_ERR_NOENT); /* the link climbs out */
	int fd = -1;
	ASSERT_INT_EQ(mt_host_open_file(h, "windows/PIPE", &fd, NULL), MT_ERR_NOTREG);
	ASSERT_INT_EQ(fd, -1);
	mt_dirent *a;
	size_t na;
	ASSERT_INT_EQ(mt_host_list(h, "WINDOWS/FONTS", MT_LIST_GETDENTS, &a, &na), MT_OK);
	ASSERT_SIZE_EQ(na, 2);
	mt_dirents_free(a, na);
	mt_host_close(h);
	TEST_DONE();

	TEST_START("nocase: 8.3 aliases (PROGRA~3) find their long names");
	static const char *const longs[] = {"win/Program Files", "win/Program Files (x86)",
	                                    "win/ProgramData", "win/ProgramData/Microsoft Office",
	                                    "win/Users"};
	for (size_t i = 0; i < MT_ARRAY_LEN(longs); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, longs[i]);
		mkdir(p, 0755);
	}
	static const char *const files[][2] = {
		{"win/Program Files/a.txt", "pf"},
		{"win/Program Files (x86)/a.txt", "pf86"},
		{"win/ProgramData/Microsoft Office/setup.exe.config", "cfg"},
		{"win/ProgramData/Microsoft Office/winword.exe", "word"},
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, files[i][0]);
		f = fopen(p, "w");
		REQUIRE_NOT_NULL(f);
		fputs(files[i][1], f);
		fclose(f);
	}
	REQUIRE_INT_EQ(mt_host_open(win, flags, &h), MT_OK);
	ASSERT_INT_EQ(rd(h, "/PROGRA~1/a.txt", 100), MT_OK);
	ASSERT_STR_EQ(rdata, "pf");
	ASSERT_INT_EQ(rd(h, "/progra~2/A.TXT", 100), MT_OK);
	ASSERT_STR_EQ(rdata, "pf86");
	ASSERT_INT_EQ(rd(h, "/PROGRA~3/MICROS~1/winword.exe", 100), MT_OK);
	ASSERT_STR_EQ(rdata, "word");
	/* "setup.exe.config": base SETUPE, extension CON */
	ASSERT_INT_EQ(rd(h, "/ProgramData/MICROS~1/SETUPE~1.CON", 100), MT_OK);
	ASSERT_STR_EQ(rdata, "cfg");
	ASSERT_INT_EQ(rd(h, "/PROGRA~4/a.txt", 100), MT_ERR_NOENT);
	ASSERT_INT_EQ(rd(h, "/USERS~1", 100), MT_ERR_NOENT); /* an 8.3 name has no alias */
	ASSERT_INT_EQ(rd(h, "/P~1/a.txt", 100), MT_ERR_NOENT);
	mt_host_close(h);
	TEST_DONE();

	TEST_START("nocase: a Linux tree keeps exact names");
	REQUIRE_INT_EQ(mt_host_open(root, flags, &h), MT_OK);
	ASSERT_INT_EQ(mt_host_os(h), MT_OS_LINUX);
	ASSERT_INT_EQ(mt_host_nocase(h), 0);
	ASSERT_INT_EQ(rd(h, "ETC/passwd", 100), MT_ERR_NOENT);
	mt_host_close(h);
	REQUIRE_INT_EQ(mt_host_open(root, flags | MT_HOST_NOCASE, &h), MT_OK);
	ASSERT_INT_EQ(rd(h, "ETC/PASSWD", 1000), MT_OK);
	mt_host_close(h);
	TEST_DONE();
}

int main(void)
{
	build_tree();
	have_openat2 = kernel_has_openat2();
	if (!have_openat2)
		fprintf(stderr,
		        "note: this kernel has no openat2: both runs use the portable walk\n");
	static const unsigned modes[] = {0, MT_HOST_NO_OPENAT2};
	for (size_t m = 0; m < MT_ARRAY_LEN(modes); m++) {
		int before = t_nfails;
		test_open(modes[m]);
		test_resolve(modes[m]);
		test_stat_open(modes[m]);
		test_list(modes[m]);
		test_nocase(modes[m]);
		if (t_nfails != before)
			fprintf(stderr, "^^^ failures above are in mode %s\n",
			        modes[m] ? "MT_HOST_NO_OPENAT2 (portable walk)"
			                 : "default (openat2)");
	}
	test_read_fd();
	rm_cb(base);
	return T_DONE();
}
