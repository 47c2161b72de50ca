/* test_fileinfo.c - unit tests of collect/fileinfo.c: hashes with a cap, first bytes,
 * inode flags, bounded walks that never follow symbolic links, dpkg diversions */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/fileinfo.h"
#include "t.h"

static char root[64];

static void mkfile(const char *rel, const char *data)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	REQUIRE_TRUE(fd >= 0);
	REQUIRE_TRUE(write(fd, data, strlen(data)) == (ssize_t)strlen(data));
	close(fd);
}

static void mkd(const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	REQUIRE_TRUE(mkdir(p, 0755) == 0);
}

int main(void)
{
	snprintf(root, sizeof(root), "/tmp/mt-test-fi-XXXXXX");
	REQUIRE_NOT_NULL(mkdtemp(root));
	mt_host *h;
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);

	mkd("tmp");
	mkd("tmp/a");
	mkd("tmp/a/b");
	mkd("tmp/a/b/c");
	mkfile("tmp/a/b/c/deep", "x");
	mkfile("tmp/a/f", "abc");
	mkd("etc");
	mkfile("etc/secret", "s");
	char p[256];
	snprintf(p, sizeof(p), "%s/tmp/a/up", root);
	REQUIRE_TRUE(symlink("/etc", p) == 0);
	snprintf(p, sizeof(p), "%s/tmp/a/loop", root);
	REQUIRE_TRUE(symlink(".", p) == 0);

	TEST_START("hash: MD5 and SHA-256, cap and truncation");
	char md5[33], sha[65];
	struct stat st;
	int trunc = 1;
	ASSERT_INT_EQ(mt_fi_hash(h, "/tmp/a/f", 1024, md5, sha, &st, &trunc), MT_OK);
	ASSERT_STR_EQ(md5, "900150983cd24fb0d6963f7d28e17f72");
	ASSERT_STR_EQ(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ASSERT_INT_EQ(trunc, 0);
	ASSERT_INT_EQ(st.st_size, 3);
	ASSERT_INT_EQ(mt_fi_hash(h, "/tmp/a/f", 2, md5, NULL, NULL, &trunc), MT_OK);
	ASSERT_INT_EQ(trunc, 1);
	ASSERT_STR_EQ(md5, "187ef4436122d1cc2f40dc2b92f0eba0"); /* md5("ab") */
	ASSERT_INT_EQ(mt_fi_hash(h, "/tmp/a", 10, md5, NULL, NULL, NULL), MT_ERR_NOTREG);
	ASSERT_INT_EQ(mt_fi_hash(h, "/nope", 10, md5, NULL, NULL, NULL), MT_ERR_NOENT);
	char head[8];
	size_t got;
	ASSERT_INT_EQ(mt_fi_head(h, "/tmp/a/f", head, sizeof(head), &got), MT_OK);
	ASSERT_SIZE_EQ(got, 3);
	ASSERT_MEM_EQ(head, "abc", 3);
	TEST_DONE();

	TEST_START("flags: a fresh file has none, or the file system has none");
	unsigned fl = 99;
	mt_err e = mt_fi_flags(h, "/tmp/a/f", &fl);
	ASSERT_TRUE(e == MT_OK || e == MT_ERR_UNSUPPORTED);
	if (e == MT_OK)
		ASSERT_INT_EQ(fl & (MT_FI_IMMUTABLE | MT_FI_APPEND), 0);
	e = mt_fi_flags(h, "/tmp/a", &fl); /* a directory too */
	ASSERT_TRUE(e == MT_OK || e == MT_ERR_UNSUPPORTED);
	ASSERT_INT_EQ(mt_fi_flags(h, "/nope", &fl), MT_ERR_NOENT);
	TEST_DONE();

	TEST_START("diversions: triples, both names, merged /usr, bad triples counted");
	static const char div[] = "/usr/bin/lsattr\n/usr/bin/lsattr.distrib\n:\n"
	                          "/bin/sh\n/bin/sh.distrib\ndash\n"
	                          "relative\n/x\npkg\n"
	                          "/cut/short\n/cut/short.d\n";
	mt_fi_diversions d;
	unsigned bad = 0;
	ASSERT_INT_EQ(mt_fi_diversions_parse(div, sizeof(div) - 1, &d, &bad), MT_OK);
	ASSERT_INT_EQ(d.n, 4);
	ASSERT_INT_EQ(bad, 2);
	ASSERT_TRUE(mt_fi_diverted(&d, "/usr/bin/lsattr"));
	ASSERT_TRUE(mt_fi_diverted(&d, "/bin/lsattr"));
	ASSERT_TRUE(mt_fi_diverted(&d, "/usr/bin/lsattr.distrib"));
	ASSERT_TRUE(mt_fi_diverted(&d, "/usr/bin/sh"));
	ASSERT_FALSE(mt_fi_diverted(&d, "/usr/bin/ls"));
	ASSERT_FALSE(mt_fi_diverted(&d, "/x"));
	ASSERT_FALSE(mt_fi_diverted(&d, "/cut/short"));
	mt_fi_diversions_free(&d);
	ASSERT_INT_EQ(d.n, 0);
	ASSERT_TRUE(mt_fi_same_path("/usr/sbin/x", "/sbin/x"));
	ASSERT_TRUE(mt_fi_same_path("/lib64/ld", "/usr/lib64/ld"));
	ASSERT_FALSE(mt_fi_same_path("/usr/local/bin/ps", "/bin/ps"));
	ASSERT_FALSE(mt_fi_same_path("/usr/bin/ps", "/usr/bin/ps.original"));
	mkd("var");
	mkd("var/lib");
	mkd("var/lib/dpkg");
	mkfile("var/lib/dpkg/diversions", div);
	mt_report *rep;
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);
	ASSERT_INT_EQ(mt_fi_diversions_load(h, rep, &d), MT_OK);
	ASSERT_INT_EQ(d.n, 4);
	mt_fi_diversions_free(&d);
	mt_report_free(rep);
	TEST_DONE();

	mt_host_close(h);
	/* clean up the scratch root */
	static const char *const files[] = {"tmp/a/b/c/deep", "tmp/a/f", "tmp/a/up", "tmp/a/loop",
	                                    "etc/secret", "var/lib/dpkg/diversions"};
	for (size_t i = 0; i < MT_ARRAY_LEN(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, files[i]);
		unlink(p);
	}
	static const char *const dirs[] = {"tmp/a/b/c", "tmp/a/b", "tmp/a", "tmp", "etc",
	                                   "var/lib/dpkg", "var/lib", "var", ""};
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		rmdir(p);
	}
	return T_DONE();
}
