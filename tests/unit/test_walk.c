/* test_walk.c - the bounded tree walk: no symlink followed, /proc and /sys left out,
 * depth and entry caps, hidden depth, skipping a directory */
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/walk.h"
#include "t.h"

typedef struct seen {
	char paths[64][128];
	unsigned hidden[64];
	size_t n;
	const char *skip; /* a directory path to answer MT_WALK_SKIP for */
	size_t stop_after;
} seen;

static int on_entry(void *p, const mt_walk_entry *e)
{
	seen *s = p;
	if (s->n < 64) {
		snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s%s", e->path,
		         S_ISLNK(e->st->st_mode) ? "@" : S_ISDIR(e->st->st_mode) ? "/" : "");
		s->hidden[s->n] = e->hidden_depth;
	}
	s->n++;
	if (s->stop_after && s->n >= s->stop_after)
		return MT_WALK_STOP;
	if (s->skip && strcmp(e->path, s->skip) == 0)
		return MT_WALK_SKIP;
	return MT_WALK_CONTINUE;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int has(const seen *s, const char *p)
{
	for (size_t i = 0; i < s->n && i < 64; i++)
		if (strcmp(s->paths[i], p) == 0)
			return 1;
	return 0;
}

static void mk(const char *root, const char *rel, int dir)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (dir) {
		if (mkdir(p, 0755) != 0)
			perror(p);
	} else {
		FILE *f = fopen(p, "w");
		if (f)
			fclose(f);
	}
}

int main(void)
{
	char root[] = "/tmp/mt-walk-XXXXXX";
	REQUIRE_NOT_NULL(mkdtemp(root));
	mk(root, "tmp", 1);
	mk(root, "tmp/.X25-unix", 1);
	mk(root, "tmp/.X25-unix/.rsync", 1);
	mk(root, "tmp/.X25-unix/.rsync/a", 0);
	mk(root, "tmp/b", 0);
	mk(root, "tmp/d1", 1);
	mk(root, "tmp/d1/d2", 1);
	mk(root, "tmp/d1/d2/d3", 1);
	mk(root, "tmp/d1/d2/d3/deep", 0);
	mk(root, "proc", 1);
	mk(root, "proc/1", 0);
	char p[512];
	snprintf(p, sizeof(p), "%s/tmp/up", root);
	REQUIRE_INT_EQ(symlink("/", p), 0);        /* would loop back to the root */
	snprintf(p, sizeof(p), "%s/tmp/etc", root);
	REQUIRE_INT_EQ(symlink("../proc", p), 0);

	mt_host *h = NULL;
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);
	mt_report *rep = NULL;
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);

	TEST_START("walk lists everything once, symlinks not followed");
	seen s;
	memset(&s, 0, sizeof(s));
	size_t visited = 0;
	mt_walk_opts o = {0, 0, "test", 0};
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(visited, 10);
	ASSERT_SIZE_EQ(s.n, 10);
	ASSERT_TRUE(has(&s, "/tmp/.X25-unix/"));
	ASSERT_TRUE(has(&s, "/tmp/.X25-unix/.rsync/a"));
	ASSERT_TRUE(has(&s, "/tmp/d1/d2/d3/deep"));
	ASSERT_TRUE(has(&s, "/tmp/up@"));
	ASSERT_TRUE(has(&s, "/tmp/etc@"));
	ASSERT_FALSE(has(&s, "/tmp/up/tmp/"));
	ASSERT_FALSE(has(&s, "/tmp/etc/1"));
	/* name order: ".X25-unix" sorts first; its file is two hidden levels down */
	ASSERT_STR_EQ(s.paths[0], "/tmp/.X25-unix/");
	ASSERT_INT_EQ(s.hidden[0], 1);
	ASSERT_STR_EQ(s.paths[2], "/tmp/.X25-unix/.rsync/a");
	ASSERT_INT_EQ(s.hidden[2], 2);
	TEST_DONE();

	TEST_START("trailing slash, missing start, a file as start");
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp/d1/", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(s.n, 3);
	ASSERT_STR_EQ(s.paths[0], "/tmp/d1/d2/");
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/nonexistent", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(visited, 0);
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp/b", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp/up", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(s.n, 0);
	ASSERT_INT_EQ(mt_walk(NULL, rep, "/tmp", &o, on_entry, &s, &visited), MT_ERR_INVAL);
	TEST_DONE();

	TEST_START("the root walked: /proc left out");
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_TRUE(has(&s, "/proc/"));
	ASSERT_FALSE(has(&s, "/proc/1"));
	ASSERT_TRUE(has(&s, "/tmp/b"));
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/proc", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(s.n, 0);
	TEST_DONE();

	TEST_START("depth and entry caps, skip and stop");
	mt_walk_opts shallow = {2, 0, "test", 0};
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp", &shallow, on_entry, &s, &visited), MT_OK);
	ASSERT_TRUE(has(&s, "/tmp/d1/d2/"));
	ASSERT_FALSE(has(&s, "/tmp/d1/d2/d3/"));
	mt_walk_opts few = {0, 4, "test", 0};
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp", &few, on_entry, &s, &visited), MT_ERR_LIMIT);
	ASSERT_SIZE_EQ(visited, 4);
	ASSERT_SIZE_EQ(s.n, 4);
	memset(&s, 0, sizeof(s));
	s.skip = "/tmp/d1";
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_TRUE(has(&s, "/tmp/d1/"));
	ASSERT_FALSE(has(&s, "/tmp/d1/d2/"));
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(s.n, 2);
	TEST_DONE();

	TEST_START("a symlink as start: walked only when asked, resolved inside the root");
	snprintf(p, sizeof(p), "%s/tmp/to-d1", root);
	REQUIRE_INT_EQ(symlink("/tmp/d1", p), 0);
	mt_walk_opts follow = {0, 0, "test", MT_WALK_FOLLOW_START};
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp/to-d1", &o, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(s.n, 0);
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp/to-d1", &follow, on_entry, &s, &visited), MT_OK);
	ASSERT_SIZE_EQ(s.n, 3);
	ASSERT_TRUE(has(&s, "/tmp/to-d1/d2/d3/deep"));
	memset(&s, 0, sizeof(s));
	/* "/" inside the root is the root: up -> / walks the scratch tree, not this machine */
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp/up", &follow, on_entry, &s, &visited), MT_OK);
	ASSERT_TRUE(has(&s, "/tmp/up/tmp/b"));
	ASSERT_FALSE(has(&s, "/tmp/up/usr/")); /* this machine has /usr; the tree has not */
	unlink(p);
	TEST_DONE();

	TEST_START("depth as the intended scope: no diagnostic; as a cap: one");
	size_t d0 = 0, d1 = 0, d2 = 0;
	const char *const *dg;
	mt__report_ndiag(rep, &d0, &dg);
	mt_walk_opts scoped = {2, 0, "test", MT_WALK_SCOPED};
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp", &scoped, on_entry, &s, &visited), MT_OK);
	ASSERT_FALSE(has(&s, "/tmp/d1/d2/d3/"));
	mt__report_ndiag(rep, &d1, &dg);
	ASSERT_SIZE_EQ(d1, d0);
	ASSERT_INT_EQ(mt_walk(h, rep, "/tmp", &shallow, on_entry, &s, &visited), MT_OK);
	mt__report_ndiag(rep, &d2, &dg);
	ASSERT_TRUE(d2 > d1);
	TEST_DONE();

	mt_report_free(rep);
	mt_host_close(h);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return T_DONE();
}
