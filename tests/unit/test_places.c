/* test_places.c - unit tests of content/places.c: a planted Docker tree (one image of two
 * layers with real chain ids, two containers of it, an orphan layer), containerd snapshots
 * and smb.conf with an include; lookups give the layer, container, image and share, and
 * hostile metadata (bad JSON, ids with "../") neither crashes nor matches */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/places.h"
#include "t.h"

static char base[256]; /* mkdtemp directory */

/* the ids of the planted tree, all sha256 hex */
static char diff0[72], diff1[72];   /* "sha256:..." diff ids */
static char chain0[65], chain1[65]; /* chain ids (hex) */
static char cache0[65], cache1[65]; /* overlay2 directories of the image layers */
static char image_id[65];
static char ctr_a[65], ctr_b[65]; /* two containers of the image */
static char mount_a[65], mount_b[65];
static char orphan[65];                 /* an overlay2 directory no record names */
static char bad_ctr[65], bad_mount[65]; /* a container whose config.v2.json is not JSON */
static char bad_chain[65], bad_mnt_ctr[65], bad_mount2[65];

static void hex_of(const char *s, char out[65])
{
	mt_sha256_hex(s, strlen(s), out);
}

static void mkdirs(const char *path)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s", path);
	for (char *c = p + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			REQUIRE_TRUE(!"mkdir");
		*c = '/';
	}
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		REQUIRE_TRUE(!"mkdir");
}

/* writes data to <root>/rel, making its directories */
static void put(const char *root, const char *rel, const char *data)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	mkdirs(p);
	*slash = '/';
	FILE *f = fopen(p, "w");
	REQUIRE_NOT_NULL(f);
	fputs(data, f);
	REQUIRE_INT_EQ(fclose(f), 0);
}

static void putf(const char *root, const char *data, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void putf(const char *root, const char *data, const char *fmt, ...)
{
	char rel[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	put(root, rel, data);
}

static void dirf(const char *root, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dirf(const char *root, const char *fmt, ...)
{
	char rel[1024], p[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdirs(p);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

#define D "var/lib/docker"

static void build_docker(const char *root)
{
	char buf[4096], h[65];
	/* an image of two layers: diff ids, then chain ids by Docker's formula */
	hex_of("layer 0 tar", h);
	snprintf(diff0, sizeof(diff0), "sha256:%s", h);
	hex_of("layer 1 tar", h);
	snprintf(diff1, sizeof(diff1), "sha256:%s", h);
	memcpy(chain0, diff0 + 7, 65);
	snprintf(buf, sizeof(buf), "%s %s", diff0, diff1);
	hex_of(buf, chain1);
	hex_of("cache 0", cache0);
	hex_of("cache 1", cache1);

	putf(root, cache0, D "/image/overlay2/layerdb/sha256/%s/cache-id", chain0);
	putf(root, diff0, D "/image/overlay2/layerdb/sha256/%s/diff", chain0);
	putf(root, cache1, D "/image/overlay2/layerdb/sha256/%s/cache-id", chain1);
	putf(root, diff1, D "/image/overlay2/layerdb/sha256/%s/diff", chain1);
	snprintf(buf, sizeof(buf), "sha256:%s", chain0);
	putf(root, buf, D "/image/overlay2/layerdb/sha256/%s/parent", chain1);
	putf(root, "#!/bin/sh\n", D "/overlay2/%s/diff/bin/sh", cache0);
	putf(root, "nginx\n", D "/overlay2/%s/diff/usr/sbin/nginx", cache1);
	dirf(root, D "/overlay2/%s/work", cache1);

	/* the image config, named by its own sha256 as Docker does */
	snprintf(
		buf, sizeof(buf),
		"{\"architecture\":\"amd64\",\"config\":{\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"]},"
		"\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}",
		diff0, diff1);
	hex_of(buf, image_id);
	putf(root, buf, D "/image/overlay2/imagedb/content/sha256/%s", image_id);
	snprintf(buf, sizeof(buf),
	         "{\"Repositories\":{\"nginx\":{\"nginx@sha256:%064d\":\"sha256:%s\","
	         "\"nginx:latest\":\"sha256:%s\"}}}",
	         7, image_id, image_id);
	put(root, D "/image/overlay2/repositories.json", buf);

	/* two containers of the image, each with its writable and init layer */
	struct {
		const char *seed, *mseed, *name;
		char *id, *mount;
	} ctr[] = {{"container a", "mount a", "/web", ctr_a, mount_a},
	           {"container b", "mount b", "/worker", ctr_b, mount_b}};
	for (size_t i = 0; i < 2; i++) {
		hex_of(ctr[i].seed, ctr[i].id);
		hex_of(ctr[i].mseed, ctr[i].mount);
		putf(root, ctr[i].mount, D "/image/overlay2/layerdb/mounts/%s/mount-id", ctr[i].id);
		snprintf(buf, sizeof(buf), "%s-init", ctr[i].mount);
		putf(root, buf, D "/image/overlay2/layerdb/mounts/%s/init-id", ctr[i].id);
		snprintf(buf, sizeof(buf),
		         "{\"StreamConfig\":{},\"State\":{\"Running\":true,\"Pid\":4242},"
		         "\"ID\":\"%s\",\"Created\":\"2024-01-24T08:10:27Z\",\"Path\":\"nginx\","
		         "\"Config\":{\"Hostname\":\"%.12s\",\"Image\":\"nginx:latest\"},"
		         "\"Image\":\"sha256:%s\",\"Name\":\"%s\",\"Driver\":\"overlay2\"}",
		         ctr[i].id, ctr[i].id, image_id, ctr[i].name);
		putf(root, buf, D "/containers/%s/config.v2.json", ctr[i].id);
		putf(root, "xmrig\n", D "/overlay2/%s/diff/tmp/.x/xmrig", ctr[i].mount);
		dirf(root, D "/overlay2/%s/merged/etc", ctr[i].mount);
		putf(root, "", D "/overlay2/%s-init/diff/.dockerenv", ctr[i].mount);
	}
	hex_of("orphan", orphan);
	putf(root, "old\n", D "/overlay2/%s/diff/opt/old", orphan);
	put(root, D "/overlay2/l/ABCDEFGHIJKLMNOPQRSTUVWXYZ", "");

	/* hostile: a config that is not JSON (its layer still known from layerdb/mounts), ids
	 * with "../" in cache-id and mount-id */
	hex_of("bad container", bad_ctr);
	hex_of("bad mount", bad_mount);
	putf(root, "{\"ID\": \"not json", D "/containers/%s/config.v2.json", bad_ctr);
	putf(root, bad_mount, D "/image/overlay2/layerdb/mounts/%s/mount-id", bad_ctr);
	putf(root, "x\n", D "/overlay2/%s/diff/x", bad_mount);
	hex_of("bad chain", bad_chain);
	putf(root, "../../../../etc", D "/image/overlay2/layerdb/sha256/%s/cache-id", bad_chain);
	hex_of("bad mount container", bad_mnt_ctr);
	putf(root, "../../../../../../etc\n", D "/image/overlay2/layerdb/mounts/%s/mount-id",
	     bad_mnt_ctr);
	put(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	/* a mounts entry whose name is no container id: its layer stays of no container */
	hex_of("not a container", bad_mount2);
	putf(root, bad_mount2, D "/image/overlay2/layerdb/mounts/not-a-container/mount-id");
	putf(root, "y\n", D "/overlay2/%s/diff/y", bad_mount2);
}

static void build_samba(const char *root)
{
	put(root, "etc/samba/smb.conf",
	    "# Samba config\n"
	    "[global]\n"
	    "   workgroup = WORKGROUP\n"
	    "   path = /var/lib/global-is-no-share\n"
	    "   include = /etc/samba/shares.conf\n"
	    "; [ghost]\n"
	    ";   path = /srv/ghost\n"
	    "; a comment goes on no line after it \\\n"
	    "[after]\n"
	    "   path = /srv/after\n"
	    "[share]\n"
	    "   comment = team files\n"
	    "   PATH = /srv/share/\n"
	    "   read only = no\n"
	    "[homes]\n"
	    "   browseable = no\n"
	    "[printers]\n"
	    "   path = /var/spool/samba\n"
	    "   printable = yes\n");
	/* the included file: a share inside the other (longest wins), a continued line, an
	 * include of its own that is not followed */
	put(root, "etc/samba/shares.conf",
	    "[Public Data]\n"
	    "   Path = /srv/share/\\\n"
	    "public\n"
	    "   comment = white space \\  \n"
	    "      runs are one space\n"
	    "   include = /etc/samba/deeper.conf\n");
	put(root, "etc/samba/deeper.conf", "[deep]\n   path = /srv/deep\n");
}

/* looks path up, checks the answer; expect NULL = no match */
typedef struct want {
	const char *kind, *layer, *container, *name, *image, *share, *share_path;
} want;

static void check(const ct_places *p, const char *path, const want *w)
{
	ct_place o;
	memset(&o, 'Z', sizeof(o)); /* lookup must fill every field */
	int r = ct_places_lookup(p, path, &o);
	if (!w) {
		ASSERT_INT_EQ(r, 0);
		ASSERT_STR_EQ(o.layer, "");
		ASSERT_STR_EQ(o.container, "");
		ASSERT_STR_EQ(o.share, "");
		return;
	}
	ASSERT_INT_EQ(r, 1);
	ASSERT_STR_EQ(o.layer_kind, w->kind ? w->kind : "");
	ASSERT_STR_EQ(o.layer, w->layer ? w->layer : "");
	ASSERT_STR_EQ(o.container, w->container ? w->container : "");
	ASSERT_STR_EQ(o.container_name, w->name ? w->name : "");
	ASSERT_STR_EQ(o.image, w->image ? w->image : "");
	ASSERT_STR_EQ(o.share, w->share ? w->share : "");
	ASSERT_STR_EQ(o.share_path, w->share_path ? w->share_path : "");
}

static int diag_has(const mt_report *r, const char *needle)
{
	size_t total;
	const char *const *d;
	size_t n = mt__report_ndiag(r, &total, &d);
	for (size_t i = 0; i < n; i++)
		if (strstr(d[i], needle))
			return 1;
	return 0;
}

static void test_tree(const char *root)
{
	mt_host *h = NULL;
	mt_report *rep = NULL;
	ct_places *p = NULL;
	char path[512], init[80];
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);
	REQUIRE_INT_EQ(ct_places_load(h, rep, &p), MT_OK);
	REQUIRE_NOT_NULL(p);
	/* the container of the image layers is the smaller id of the two */
	const char *first = strcmp(ctr_a, ctr_b) < 0 ? ctr_a : ctr_b;
	const char *first_name = first == ctr_a ? "/web" : "/worker";

	TEST_START("places: a container's writable layer");
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/tmp/.x/xmrig", mount_a);
	check(p, path,
	      &(want){.kind = "container",
	              .layer = mount_a,
	              .container = ctr_a,
	              .name = "/web",
	              .image = "nginx:latest"});
	snprintf(path, sizeof(path), D "/overlay2/%s/diff/tmp/.x/xmrig", mount_b); /* no '/' */
	check(p, path,
	      &(want){.kind = "container",
	              .layer = mount_b,
	              .container = ctr_b,
	              .name = "/worker",
	              .image = "nginx:latest"});
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/merged/etc", mount_a);
	check(p, path,
	      &(want){.kind = "container",
	              .layer = mount_a,
	              .container = ctr_a,
	              .name = "/web",
	              .image = "nginx:latest"});
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff", mount_a);
	check(p, path,
	      &(want){.kind = "container",
	              .layer = mount_a,
	              .container = ctr_a,
	              .name = "/web",
	              .image = "nginx:latest"});
	snprintf(init, sizeof(init), "%s-init", mount_b);
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/.dockerenv", init);
	check(p, path,
	      &(want){.kind = "container",
	              .layer = init,
	              .container = ctr_b,
	              .name = "/worker",
	              .image = "nginx:latest"});
	TEST_DONE();

	TEST_START("places: image layers, lower and upper");
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/bin/sh", cache0);
	check(p, path,
	      &(want){.kind = "image",
	              .layer = cache0,
	              .container = first,
	              .name = first_name,
	              .image = "nginx:latest"});
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/usr/sbin/nginx", cache1);
	check(p, path,
	      &(want){.kind = "image",
	              .layer = cache1,
	              .container = first,
	              .name = first_name,
	              .image = "nginx:latest"});
	TEST_DONE();

	TEST_START("places: not a layer's files");
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/work/x", cache1);
	check(p, path, NULL);
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/difference/x", cache1);
	check(p, path, NULL);
	snprintf(path, sizeof(path), "/" D "/overlay2/%s", cache1);
	check(p, path, NULL);
	check(p, "/" D "/overlay2/l/ABCDEFGHIJKLMNOPQRSTUVWXYZ", NULL);
	snprintf(path, sizeof(path), "/" D "/overlay2/%.63s/diff/x", cache1); /* a shorter id */
	check(p, path, NULL);
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/../../../../../etc/passwd", cache1);
	check(p, path, NULL);
	snprintf(path, sizeof(path), "/" D "/containers/%s/config.v2.json", ctr_a);
	check(p, path, NULL);
	check(p, "/usr/bin/xmrig", NULL);
	check(p, "/", NULL);
	check(p, "", NULL);
	ASSERT_INT_EQ(ct_places_lookup(p, NULL, NULL), 0);
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/x", mount_a);
	ASSERT_INT_EQ(ct_places_lookup(p, path, NULL), 1); /* out may be NULL */
	TEST_DONE();

	TEST_START("places: an orphan overlay2 directory");
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/opt/old", orphan);
	check(p, path, &(want){.kind = "", .layer = orphan});
	TEST_DONE();

	TEST_START("places: hostile metadata");
	/* the broken config gives no name or image; layerdb/mounts still names its layer */
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/x", bad_mount);
	check(p, path, &(want){.kind = "container", .layer = bad_mount, .container = bad_ctr});
	check(p, "/" D "/overlay2/../../../../etc/diff/passwd", NULL);
	check(p, "/" D "/overlay2/../../../../../../etc/diff/passwd", NULL);
	check(p, "/etc/passwd", NULL);
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/y", bad_mount2);
	check(p, path, &(want){.kind = "", .layer = bad_mount2});
	ASSERT_TRUE(diag_has(rep, "config.v2.json"));
	ASSERT_TRUE(diag_has(rep, "not a layer id"));
	TEST_DONE();

	TEST_START("places: Samba shares");
	check(p, "/srv/share/report.xlsx", &(want){.share = "share", .share_path = "/srv/share/"});
	check(p, "/srv/share", &(want){.share = "share", .share_path = "/srv/share/"});
	check(p, "srv/share/a/b/c", &(want){.share = "share", .share_path = "/srv/share/"});
	check(p, "/srv/share/public/x.exe",
	      &(want){.share = "Public Data", .share_path = "/srv/share/public"});
	check(p, "/srv/share/public",
	      &(want){.share = "Public Data", .share_path = "/srv/share/public"});
	check(p, "/srv/share/publicity/x", &(want){.share = "share", .share_path = "/srv/share/"});
	check(p, "/home/alice/.bashrc", &(want){.share = "homes", .share_path = "/home"});
	check(p, "/srv/share2/x", NULL); /* a longer name, not a directory of the share */
	check(p, "/srv/sharex", NULL);
	check(p, "/srv/shar", NULL);
	check(p, "/srv", NULL);
	check(p, "/srv/ghost/x", NULL); /* commented out */
	check(p, "/srv/after/x", &(want){.share = "after", .share_path = "/srv/after"});
	check(p, "/srv/deep/x", NULL);                   /* an include inside an include */
	check(p, "/var/spool/samba/job1", NULL);         /* [printers] */
	check(p, "/var/lib/global-is-no-share/x", NULL); /* [global] */
	check(p, "/homes/x", NULL);
	ASSERT_TRUE(diag_has(rep, "inside an include"));
	TEST_DONE();

	ct_places_free(p);
	mt_report_free(rep);
	mt_host_close(h);
}

/* a share holding Docker's tree, containerd snapshots, daemon.json's data-root */
static void test_moved(const char *root)
{
	mt_host *h = NULL;
	ct_places *p = NULL;
	char path[512], id[65];
	hex_of("moved layer", id);
	put(root, "etc/docker/daemon.json", "{\"data-root\": \"/data/docker/\", \"debug\": true}");
	putf(root, "x", "data/docker/overlay2/%s/diff/usr/bin/x", id);
	putf(root, "x", D "/overlay2/%s/diff/usr/bin/x", id);
	put(root, "etc/samba/smb.conf", "[data]\npath=/data\n");
	put(root, "var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs/bin/x",
	    "x");
	dirf(root, "var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/3/work");
	dirf(root, "var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/07/fs");
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);
	REQUIRE_INT_EQ(ct_places_load(h, NULL, &p), MT_OK); /* rep may be NULL */
	REQUIRE_NOT_NULL(p);

	TEST_START("places: data-root moves Docker");
	snprintf(path, sizeof(path), "/data/docker/overlay2/%s/diff/usr/bin/x", id);
	check(p, path, &(want){.kind = "", .layer = id, .share = "data", .share_path = "/data"});
	snprintf(path, sizeof(path), "/" D "/overlay2/%s/diff/usr/bin/x", id);
	check(p, path, NULL);
	TEST_DONE();

	TEST_START("places: containerd snapshots");
	const char *sn = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/";
	snprintf(path, sizeof(path), "%s12/fs/bin/x", sn);
	check(p, path, &(want){.kind = "", .layer = "12"});
	snprintf(path, sizeof(path), "%s12/fs", sn);
	check(p, path, &(want){.kind = "", .layer = "12"});
	snprintf(path, sizeof(path), "%s3/fs/bin/x", sn); /* known, but not its fs */
	check(p, path, &(want){.kind = "", .layer = "3"});
	snprintf(path, sizeof(path), "%s3/work/x", sn);
	check(p, path, NULL);
	snprintf(path, sizeof(path), "%s07/fs/x", sn); /* not a number containerd writes */
	check(p, path, NULL);
	snprintf(path, sizeof(path), "%s99/fs/x", sn);
	check(p, path, NULL);
	TEST_DONE();

	ct_places_free(p);
	mt_host_close(h);
}

/* an empty root: an empty table; hostile Samba and daemon.json files */
static void test_empty(const char *root)
{
	mt_host *h = NULL;
	mt_report *rep = NULL;
	ct_places *p = NULL;
	REQUIRE_INT_EQ(mt_host_open(root, 0, &h), MT_OK);
	REQUIRE_INT_EQ(mt_report_new(&rep), MT_OK);

	TEST_START("places: an empty root");
	ASSERT_INT_EQ(ct_places_load(h, rep, &p), MT_OK);
	ASSERT_NOT_NULL(p);
	check(p, "/" D "/overlay2/x/diff/y", NULL);
	check(p, "/srv/share/x", NULL);
	size_t total;
	const char *const *d;
	ASSERT_SIZE_EQ(mt__report_ndiag(rep, &total, &d), 0);
	ct_places_free(p);
	ct_places_free(NULL);
	TEST_DONE();

	TEST_START("places: hostile smb.conf and daemon.json");
	put(root, "etc/docker/daemon.json", "{\"data-root\": \"../../etc\"}");
	char big[70000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	FILE *f;
	char pth[512];
	snprintf(pth, sizeof(pth), "%s/etc/samba/smb.conf", root);
	dirf(root, "etc/samba");
	f = fopen(pth, "w");
	REQUIRE_NOT_NULL(f);
	fprintf(f, "[x\npath = /srv/x\n[long]\npath = /srv/%s\n[rel]\npath = srv/rel\n", big);
	fprintf(f, "[dots]\npath = /srv/../etc\n[user]\npath = /%%U\n[ok]\npath = /srv/ok/%%U\n");
	fprintf(f, "[nul]\npath = /srv/n");
	fputc('\0', f);
	fprintf(f, "ul\ninclude = /etc/samba/smb.conf\ninclude = ../../x.conf\n");
	fprintf(f, "[end]\npath = /srv/end\\");
	fclose(f);
	p = NULL;
	ASSERT_INT_EQ(ct_places_load(h, rep, &p), MT_OK);
	REQUIRE_NOT_NULL(p);
	check(p, "/etc/passwd", NULL);
	check(p, "/srv/x/a", NULL);
	check(p, "/srv/rel/a", NULL);
	check(p, "/srv/nul/a", NULL);
	check(p, "/srv/n/a", NULL);
	check(p, "/x", NULL); /* [user]: /%U cut to / is no share */
	check(p, "/srv/ok/bob/a", &(want){.share = "ok", .share_path = "/srv/ok/%U"});
	check(p, "/srv/end/a", &(want){.share = "end", .share_path = "/srv/end"});
	/* the self-include read the file once more: its shares stay one each */
	ASSERT_TRUE(diag_has(rep, "places:"));
	ASSERT_TRUE(diag_has(rep, "data-root"));
	ct_places_free(p);
	TEST_DONE();

	mt_report_free(rep);
	mt_host_close(h);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char r1[300], r2[300], r3[300];
	snprintf(base, sizeof(base), "%s/mt-test-places-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	REQUIRE_NOT_NULL(mkdtemp(base));
	snprintf(r1, sizeof(r1), "%s/docker", base);
	snprintf(r2, sizeof(r2), "%s/moved", base);
	snprintf(r3, sizeof(r3), "%s/empty", base);
	mkdirs(r1);
	mkdirs(r2);
	mkdirs(r3);
	build_docker(r1);
	build_samba(r1);
	test_tree(r1);
	test_moved(r2);
	test_empty(r3);
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return T_DONE();
}
