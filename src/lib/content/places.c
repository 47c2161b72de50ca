/* places.c - where a file lies: the Docker/containerd layer (its container and image) or the
 * Samba share holding a path of the scan root, from the root's own metadata (layerdb,
 * imagedb, repositories.json, config.v2.json, snapshots, smb.conf), read once at load and
 * then looked up per file by binary search */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "places.h"

/* Limits of this module; each kind of item (layers, containers, images, shares, snapshots)
 * is counted on its own. */
#define PL_MAX_ITEMS    4096u                /* records of one kind */
#define PL_MAX_JSON     (1u * 1024 * 1024)   /* config.v2.json, an image config, daemon.json */
#define PL_MAX_REPOS    (4u * 1024 * 1024)   /* repositories.json: every tag of every image */
#define PL_MAX_IDFILE   256u                 /* cache-id, mount-id, init-id */
#define PL_MAX_CHAIN    128u                 /* layers of one image (overlay2 stacks 128) */
#define PL_MAX_SMB      (1u * 1024 * 1024)   /* smb.conf and each file it includes */
#define PL_MAX_INCLUDES 64u                  /* include = lines followed */
#define PL_MAX_BYTES    (256u * 1024 * 1024) /* all metadata read by one load */

#define DOCKER_ROOT     "var/lib/docker"
#define CONTAINERD_SNAP "var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/"

/* the kinds of a layer; the higher wins when two records name one overlay2 directory */
enum { LK_NONE, LK_IMAGE, LK_CONTAINER };

typedef struct pl_layer {
	char id[80];  /* overlay2 directory name */
	char ref[65]; /* LK_IMAGE: its chain id (hex); LK_CONTAINER: its container's id */
	uint8_t kind;
	int32_t image;     /* image[] reported for it, -1 */
	int32_t container; /* ctr[] reported for it, -1 */
} pl_layer;

typedef struct pl_image {
	char id[65];
	char tag[256];   /* its preferred repository tag, "" */
	uint32_t *chain; /* layer[] indices of its chain ids that have a layer, bottom first */
	uint32_t nfound;
	uint32_t nchain; /* diff ids it lists (its depth) */
} pl_image;

typedef struct pl_ctr {
	char id[65];
	char name[128];
	char cfg_image[256]; /* Config.Image: what docker run was given */
	char image_id[65];   /* "Image" without "sha256:", "" */
	int32_t image;       /* image[], -1 */
} pl_ctr;

typedef struct pl_share {
	char name[64];
	char raw[256];  /* the path as smb.conf gives it */
	char norm[256]; /* without the leading and trailing '/', "" for "/" */
	size_t nlen;
	int has_path; /* 1 set by path =, 2 the default of [homes] */
} pl_share;

typedef struct pl_chainref {
	const char *chain; /* the layer's ref */
	uint32_t layer;
} pl_chainref;

typedef struct pl_span {
	const char *s;
	size_t n;
} pl_span;

struct ct_places {
	char docker[256]; /* Docker's data root, root-relative without the leading '/' */
	size_t docker_len;
	pl_layer *layer; /* sorted by id */
	uint32_t nlayer, alayer;
	pl_chainref *bychain; /* the image layers by chain id */
	uint32_t nbychain;
	pl_image *image; /* sorted by id */
	uint32_t nimage, aimage;
	pl_ctr *ctr; /* sorted by id */
	uint32_t nctr, actr;
	uint64_t *snap; /* containerd snapshot numbers, sorted */
	uint32_t nsnap, asnap;
	pl_share *share; /* sorted by norm, one per path */
	uint32_t nshare, ashare;
	pl_span *first; /* the shares' first path components, sorted, for a quick no */
	uint32_t nfirst;
	int32_t root_share; /* the share of "/", -1 */
};

/* ---- loading: problems are counted by kind and reported once each ------------ */

enum { T_LIST, T_IDFILE, T_DUP, T_CONTAINER, T_IMAGE, T_DOCKER, T_LIMIT, T_SAMBA, T_COUNT };
static const char *const tally_what[T_COUNT] = {
	"metadata directories could not be listed",
	"layer id files (cache-id, mount-id, init-id) unreadable or not an id",
	"overlay2 directories named by two layer records (the first kept)",
	"container configs (config.v2.json) unreadable or not valid",
	"image configs unreadable, not valid or not matching their id",
	"Docker files (daemon.json, repositories.json) unreadable or not valid",
	"items left out at a limit",
	"Samba configuration problems",
};

typedef struct ld {
	mt_host *host;
	mt_report *rep;
	ct_places *p;
	mt_err err;   /* MT_ERR_NOMEM once memory ran out: the load fails */
	size_t bytes; /* metadata read so far (PL_MAX_BYTES) */
	unsigned n[T_COUNT];
	char first[T_COUNT][320];
} ld;

static void note(ld *l, int t, const char *fmt, ...) MT_PRINTF(3, 4);
static void note(ld *l, int t, const char *fmt, ...)
{
	if (l->n[t]++)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->first[t], sizeof(l->first[t]), fmt, ap);
	va_end(ap);
}

static void notes_flush(ld *l)
{
	if (!l->rep)
		return;
	for (int t = 0; t < T_COUNT; t++)
		if (l->n[t])
			mt_report_diag(l->rep, "places: %u %s (first: %s)", l->n[t], tally_what[t],
			               l->first[t]);
}

static int missing(mt_err e)
{
	return e == MT_ERR_NOENT || e == MT_ERR_NOTDIR;
}

static void grow_failed(ld *l, mt_err e, const char *what)
{
	if (e == MT_ERR_NOMEM)
		l->err = e;
	else
		note(l, T_LIMIT, "more than %u %s", PL_MAX_ITEMS, what);
}

/* Lists path; 0 when missing (silently) or not listable (counted). */
static int list_dir(ld *l, const char *path, mt_dirent **ents, size_t *n)
{
	mt_err e = mt_host_list(l->host, path, MT_LIST_GETDENTS, ents, n);
	if (e == MT_OK)
		return 1;
	if (e == MT_ERR_NOMEM)
		l->err = e;
	else if (!missing(e))
		note(l, T_LIST, "%s: %s", path, mt_strerror(e));
	return 0;
}

/* Reads path whole, at most cap bytes (and within the load's budget); NULL with *why set
 * when it is missing, not readable or longer (MT_ERR_TOOBIG). */
static char *read_small(ld *l, const char *path, size_t cap, size_t *len, mt_err *why)
{
	char *data = NULL;
	int trunc = 0;
	*len = 0;
	if (l->bytes >= PL_MAX_BYTES) {
		note(l, T_LIMIT, "%s: more than %u bytes of metadata", path, PL_MAX_BYTES);
		*why = MT_ERR_LIMIT;
		return NULL;
	}
	if (cap > PL_MAX_BYTES - l->bytes)
		cap = PL_MAX_BYTES - l->bytes;
	mt_err e = mt_host_read_file(l->host, path, cap, &data, len, &trunc);
	if (e == MT_OK && trunc)
		e = MT_ERR_TOOBIG;
	if (e != MT_OK) {
		free(data);
		data = NULL;
		*len = 0;
	}
	if (e == MT_ERR_NOMEM)
		l->err = e;
	l->bytes += *len;
	*why = e;
	return data;
}

/* Reads and parses a JSON file; digest (when not NULL) gets the sha256 of its bytes. */
static mt_json *read_json(ld *l, const char *path, size_t cap, char digest[65], mt_err *why)
{
	size_t len;
	char *data = read_small(l, path, cap, &len, why);
	if (!data)
		return NULL;
	if (digest)
		mt_sha256_hex(data, len, digest);
	mt_json *j = NULL;
	*why = mt_json_parse(data, len, &j, NULL);
	if (*why == MT_ERR_NOMEM)
		l->err = *why;
	free(data);
	return j;
}

/* ---- ids ------------------------------------------------------------------------ */

static int is_hex(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* a sha256 in hex: image, chain and container ids */
static int is_digest(const char *s)
{
	return strlen(s) == 64 && is_hex(s, 64);
}

/* an overlay2 directory name: 12 to 64 hex digits, "-init" after them for the init layer */
static int is_layer_id(const char *s, size_t n)
{
	if (n > 5 && memcmp(s + n - 5, "-init", 5) == 0)
		n -= 5;
	return n >= 12 && n <= 64 && is_hex(s, n);
}

/* "sha256:<64 hex>" -> the hex; 0 for anything else */
static int sha256_ref(const char *s, char out[65])
{
	if (!s || strncmp(s, "sha256:", 7) != 0 || !is_digest(s + 7))
		return 0;
	memcpy(out, s + 7, 65);
	return 1;
}

/* Compares NUL-terminated a with s[0..n) in strcmp order. */
static int cmp_n(const char *a, const char *s, size_t n)
{
	int r = strncmp(a, s, n);
	if (r)
		return r;
	return a[n] ? 1 : 0;
}

/* Reads a cache-id, mount-id or init-id file into out; 0 when missing or not an id. */
static int read_id(ld *l, const char *path, char *out, size_t outlen)
{
	size_t len;
	mt_err why;
	char *d = read_small(l, path, PL_MAX_IDFILE, &len, &why);
	if (!d) {
		if (!missing(why) && why != MT_ERR_NOMEM && why != MT_ERR_LIMIT)
			note(l, T_IDFILE, "%s: %s", path, mt_strerror(why));
		return 0;
	}
	while (len && (d[len - 1] == '\n' || d[len - 1] == '\r' || d[len - 1] == ' ' ||
	               d[len - 1] == '\t'))
		len--;
	int ok = len < outlen && !memchr(d, '\0', len) && is_layer_id(d, len);
	if (ok) {
		memcpy(out, d, len);
		out[len] = '\0';
	} else {
		note(l, T_IDFILE, "%s: not a layer id", path);
	}
	free(d);
	return ok;
}

/* "/srv//share/." -> "srv/share" ("" for "/"); -1 when not absolute, holding "..", or too
 * long. With pct a component holding '%' (a macro: /home/%U) ends the path, *cut set. */
static int norm_path(const char *s, int pct, char *out, size_t outlen, int *cut)
{
	size_t o = 0;
	*cut = 0;
	if (*s != '/')
		return -1;
	while (*s) {
		while (*s == '/')
			s++;
		const char *c = s;
		while (*s && *s != '/')
			s++;
		size_t n = (size_t)(s - c);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return -1;
		if (pct && memchr(c, '%', n)) {
			*cut = 1;
			break;
		}
		if (n >= outlen || o + 1 + n >= outlen)
			return -1;
		if (o)
			out[o++] = '/';
		memcpy(out + o, c, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

/* ---- Docker ----------------------------------------------------------------------- */

static pl_layer *layer_add(ld *l, const char *id, uint8_t kind, const char *ref)
{
	ct_places *p = l->p;
	mt_err e = MT_OK;
	p->layer =
		mt__grow(p->layer, &p->alayer, p->nlayer + 1, sizeof(*p->layer), PL_MAX_ITEMS, &e);
	if (e != MT_OK) {
		grow_failed(l, e, "layers");
		return NULL;
	}
	pl_layer *L = &p->layer[p->nlayer++];
	mt_copy(L->id, sizeof(L->id), id);
	mt_copy(L->ref, sizeof(L->ref), ref);
	L->kind = kind;
	L->image = L->container = -1;
	return L;
}

static int32_t layer_find(const ct_places *p, uint32_t n, const char *id, size_t idlen)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = cmp_n(p->layer[mid].id, id, idlen);
		if (r == 0)
			return (int32_t)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int layer_cmp(const void *a, const void *b)
{
	const pl_layer *x = a, *y = b;
	int r = strcmp(x->id, y->id);
	if (r)
		return r;
	if (x->kind != y->kind)
		return x->kind > y->kind ? -1 : 1;
	return strcmp(x->ref, y->ref);
}

/* Sorts the layers by id and keeps one record per directory: a container's over an
 * image's over none. */
static void layers_sort(ld *l)
{
	ct_places *p = l->p;
	if (!p->nlayer)
		return;
	qsort(p->layer, p->nlayer, sizeof(*p->layer), layer_cmp);
	uint32_t o = 1;
	for (uint32_t i = 1; i < p->nlayer; i++) {
		if (strcmp(p->layer[i].id, p->layer[o - 1].id) == 0) {
			note(l, T_DUP, "overlay2 directory %s", p->layer[i].id);
			continue;
		}
		p->layer[o++] = p->layer[i];
	}
	p->nlayer = o;
}

static pl_ctr *ctr_add(ld *l, const char *id)
{
	ct_places *p = l->p;
	mt_err e = MT_OK;
	p->ctr = mt__grow(p->ctr, &p->actr, p->nctr + 1, sizeof(*p->ctr), PL_MAX_ITEMS, &e);
	if (e != MT_OK) {
		grow_failed(l, e, "containers");
		return NULL;
	}
	pl_ctr *c = &p->ctr[p->nctr++];
	mt_copy(c->id, sizeof(c->id), id);
	c->image = -1;
	return c;
}

static int32_t ctr_find(const ct_places *p, uint32_t n, const char *id)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = strcmp(p->ctr[mid].id, id);
		if (r == 0)
			return (int32_t)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int ctr_cmp(const void *a, const void *b)
{
	return strcmp(((const pl_ctr *)a)->id, ((const pl_ctr *)b)->id);
}

static int32_t image_find(const ct_places *p, const char *id)
{
	uint32_t lo = 0, hi = p->nimage;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = strcmp(p->image[mid].id, id);
		if (r == 0)
			return (int32_t)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int image_cmp(const void *a, const void *b)
{
	return strcmp(((const pl_image *)a)->id, ((const pl_image *)b)->id);
}

/* the layer of a chain id (hex), -1 */
static int32_t chain_find(const ct_places *p, const char *chain)
{
	uint32_t lo = 0, hi = p->nbychain;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = strcmp(p->bychain[mid].chain, chain);
		if (r == 0)
			return (int32_t)p->bychain[mid].layer;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int bychain_cmp(const void *a, const void *b)
{
	return strcmp(((const pl_chainref *)a)->chain, ((const pl_chainref *)b)->chain);
}

static void chain_index(ld *l)
{
	ct_places *p = l->p;
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->nlayer; i++)
		n += p->layer[i].kind == LK_IMAGE;
	if (!n)
		return;
	p->bychain = malloc((size_t)n * sizeof(*p->bychain));
	if (!p->bychain) {
		l->err = MT_ERR_NOMEM;
		return;
	}
	for (uint32_t i = 0; i < p->nlayer; i++)
		if (p->layer[i].kind == LK_IMAGE) {
			p->bychain[p->nbychain].chain = p->layer[i].ref;
			p->bychain[p->nbychain++].layer = i;
		}
	qsort(p->bychain, p->nbychain, sizeof(*p->bychain), bychain_cmp);
}

/* daemon.json's data-root (or the old "graph") moves Docker's tree */
static void docker_root(ld *l)
{
	ct_places *p = l->p;
	mt_copy(p->docker, sizeof(p->docker), DOCKER_ROOT);
	p->docker_len = strlen(p->docker);
	mt_err why;
	const char *path = "etc/docker/daemon.json";
	mt_json *j = read_json(l, path, PL_MAX_JSON, NULL, &why);
	if (!j) {
		if (!missing(why) && why != MT_ERR_NOMEM && why != MT_ERR_LIMIT)
			note(l, T_DOCKER, "%s: %s", path, mt_strerror(why));
		return;
	}
	const char *dr = mt_json_str(j, "data-root");
	if (!dr)
		dr = mt_json_str(j, "graph");
	char norm[sizeof(p->docker)];
	int cut;
	if (dr && norm_path(dr, 0, norm, sizeof(norm), &cut) == 0 && norm[0]) {
		mt_copy(p->docker, sizeof(p->docker), norm);
		p->docker_len = strlen(p->docker);
	} else if (dr) {
		note(l, T_DOCKER, "%s: data-root %.100s is not a clean absolute path", path, dr);
	}
	mt_json_free(j);
}

/* image/overlay2/layerdb/sha256/<chain id>/cache-id: the image layers */
static void load_layerdb(ld *l)
{
	char dir[320], path[420], id[80];
	mt_dirent *ents;
	size_t n;
	snprintf(dir, sizeof(dir), "%s/image/overlay2/layerdb/sha256", l->p->docker);
	if (!list_dir(l, dir, &ents, &n))
		return;
	for (size_t i = 0; i < n && !l->err; i++) {
		if (!is_digest(ents[i].name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/cache-id", dir, ents[i].name);
		if (read_id(l, path, id, sizeof(id)))
			layer_add(l, id, LK_IMAGE, ents[i].name);
	}
	mt_dirents_free(ents, n);
}

/* image/overlay2/layerdb/mounts/<container id>/{mount-id,init-id}: the containers' own
 * layers; each makes a container record */
static void load_mounts(ld *l)
{
	char dir[320], path[420], id[80];
	static const char *const files[] = {"mount-id", "init-id"};
	mt_dirent *ents;
	size_t n;
	snprintf(dir, sizeof(dir), "%s/image/overlay2/layerdb/mounts", l->p->docker);
	if (!list_dir(l, dir, &ents, &n))
		return;
	for (size_t i = 0; i < n && !l->err; i++) {
		if (!is_digest(ents[i].name) || !ctr_add(l, ents[i].name))
			continue;
		for (size_t f = 0; f < MT_ARRAY_LEN(files); f++) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, ents[i].name, files[f]);
			if (read_id(l, path, id, sizeof(id)))
				layer_add(l, id, LK_CONTAINER, ents[i].name);
		}
	}
	mt_dirents_free(ents, n);
}

static void ctr_config(ld *l, pl_ctr *c, const char *path)
{
	mt_err why;
	mt_json *j = read_json(l, path, PL_MAX_JSON, NULL, &why);
	if (!j) {
		if (!missing(why) && why != MT_ERR_NOMEM && why != MT_ERR_LIMIT)
			note(l, T_CONTAINER, "%s: %s", path, mt_strerror(why));
		return;
	}
	if (j->type != MT_JSON_OBJ) {
		note(l, T_CONTAINER, "%s: not an object", path);
		mt_json_free(j);
		return;
	}
	const char *id = mt_json_str(j, "ID");
	if (id && strcmp(id, c->id) != 0)
		note(l, T_CONTAINER, "%s: ID %.80s is not its directory's", path, id);
	const char *name = mt_json_str(j, "Name");
	if (name)
		mt_copy(c->name, sizeof(c->name), name);
	const char *img = mt_json_str(mt_json_get(j, "Config"), "Image");
	if (img)
		mt_copy(c->cfg_image, sizeof(c->cfg_image), img);
	const char *iid = mt_json_str(j, "Image");
	if (iid && !sha256_ref(iid, c->image_id))
		note(l, T_CONTAINER, "%s: Image %.80s is not a sha256 id", path, iid);
	mt_json_free(j);
}

/* containers/<id>/config.v2.json: names and images */
static void load_containers(ld *l)
{
	ct_places *p = l->p;
	char dir[320], path[420];
	mt_dirent *ents;
	size_t n;
	uint32_t nsorted = p->nctr; /* those of load_mounts, in name order */
	snprintf(dir, sizeof(dir), "%s/containers", p->docker);
	if (!list_dir(l, dir, &ents, &n))
		return;
	for (size_t i = 0; i < n && !l->err; i++) {
		if (!is_digest(ents[i].name))
			continue;
		int32_t k = ctr_find(p, nsorted, ents[i].name);
		pl_ctr *c = k >= 0 ? &p->ctr[k] : ctr_add(l, ents[i].name);
		if (!c)
			continue;
		snprintf(path, sizeof(path), "%s/%s/config.v2.json", dir, ents[i].name);
		ctr_config(l, c, path);
	}
	mt_dirents_free(ents, n);
	if (p->nctr)
		qsort(p->ctr, p->nctr, sizeof(*p->ctr), ctr_cmp);
}

/* overlay2/<id>: directories no record names are layers of unknown kind */
static void load_overlay2(ld *l)
{
	ct_places *p = l->p;
	char dir[320];
	mt_dirent *ents;
	size_t n;
	uint32_t nsorted = p->nlayer;
	snprintf(dir, sizeof(dir), "%s/overlay2", p->docker);
	if (!list_dir(l, dir, &ents, &n))
		return;
	for (size_t i = 0; i < n && !l->err; i++) {
		size_t len = strlen(ents[i].name);
		if (!is_layer_id(ents[i].name, len) || len >= sizeof(p->layer[0].id))
			continue;
		if (layer_find(p, nsorted, ents[i].name, len) < 0)
			layer_add(l, ents[i].name, LK_NONE, "");
	}
	mt_dirents_free(ents, n);
}

/* One image config: its chain ids from rootfs.diff_ids, each matched to its layer. */
static void image_config(ld *l, const char *dir, const char *name)
{
	ct_places *p = l->p;
	char path[420], digest[65];
	mt_err why;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	mt_json *j = read_json(l, path, PL_MAX_JSON, digest, &why);
	if (!j) {
		if (!missing(why) && why != MT_ERR_NOMEM && why != MT_ERR_LIMIT)
			note(l, T_IMAGE, "%s: %s", path, mt_strerror(why));
		return;
	}
	if (strcmp(digest, name) != 0) /* Docker names it by its sha256: it was changed */
		note(l, T_IMAGE, "%s: content does not match its id", path);
	const mt_json *ids = mt_json_get(mt_json_get(j, "rootfs"), "diff_ids");
	if (!ids || ids->type != MT_JSON_ARR) {
		note(l, T_IMAGE, "%s: no rootfs.diff_ids", path);
		mt_json_free(j);
		return;
	}
	mt_err e = MT_OK;
	p->image =
		mt__grow(p->image, &p->aimage, p->nimage + 1, sizeof(*p->image), PL_MAX_ITEMS, &e);
	uint32_t cap = ids->count < PL_MAX_CHAIN ? (uint32_t)ids->count : PL_MAX_CHAIN;
	uint32_t *chain = e == MT_OK && cap ? malloc((size_t)cap * sizeof(*chain)) : NULL;
	if (e != MT_OK || (cap && !chain)) {
		grow_failed(l, e != MT_OK ? e : MT_ERR_NOMEM, "images");
		free(chain);
		mt_json_free(j);
		return;
	}
	pl_image *img = &p->image[p->nimage++];
	mt_copy(img->id, sizeof(img->id), name);
	img->chain = chain;
	if (ids->count > PL_MAX_CHAIN)
		note(l, T_LIMIT, "%s: more than %u layers", path, PL_MAX_CHAIN);
	/* chain[0] = diff[0]; chain[i] = sha256(chain[i-1] + " " + diff[i]) */
	char hex[65], cur[72] = "";
	const mt_json *d = ids->child;
	for (uint32_t k = 0; d && k < cap; k++, d = d->next) {
		if (d->type != MT_JSON_STR || !sha256_ref(d->str, hex)) {
			note(l, T_IMAGE, "%s: diff_ids[%u] is not a sha256 digest", path, k);
			break;
		}
		if (k == 0) {
			snprintf(cur, sizeof(cur), "sha256:%s", hex);
		} else {
			char buf[160];
			int bn = snprintf(buf, sizeof(buf), "%s sha256:%s", cur, hex);
			mt_sha256_hex(buf, (size_t)bn, hex);
			snprintf(cur, sizeof(cur), "sha256:%s", hex);
		}
		img->nchain = k + 1;
		int32_t li = chain_find(p, cur + 7);
		if (li >= 0)
			img->chain[img->nfound++] = (uint32_t)li;
	}
	mt_json_free(j);
}

/* image/overlay2/imagedb/content/sha256/<image id> */
static void load_images(ld *l)
{
	ct_places *p = l->p;
	char dir[320];
	mt_dirent *ents;
	size_t n;
	snprintf(dir, sizeof(dir), "%s/image/overlay2/imagedb/content/sha256", p->docker);
	if (!list_dir(l, dir, &ents, &n))
		return;
	for (size_t i = 0; i < n && !l->err; i++)
		if (is_digest(ents[i].name))
			image_config(l, dir, ents[i].name);
	mt_dirents_free(ents, n);
	if (p->nimage)
		qsort(p->image, p->nimage, sizeof(*p->image), image_cmp);
}

/* "name:tag" before "name@sha256:...", then the smaller */
static int better_tag(const char *a, const char *cur)
{
	if (!cur[0])
		return 1;
	int da = strchr(a, '@') != NULL, dc = strchr(cur, '@') != NULL;
	if (da != dc)
		return da < dc;
	return strcmp(a, cur) < 0;
}

/* image/overlay2/repositories.json: {"Repositories":{"nginx":{"nginx:latest":"sha256:.."}}} */
static void load_repos(ld *l)
{
	ct_places *p = l->p;
	char path[320], hex[65];
	mt_err why;
	snprintf(path, sizeof(path), "%s/image/overlay2/repositories.json", p->docker);
	mt_json *j = read_json(l, path, PL_MAX_REPOS, NULL, &why);
	if (!j) {
		if (!missing(why) && why != MT_ERR_NOMEM && why != MT_ERR_LIMIT)
			note(l, T_DOCKER, "%s: %s", path, mt_strerror(why));
		return;
	}
	const mt_json *repos = mt_json_get(j, "Repositories");
	if (!repos || repos->type != MT_JSON_OBJ)
		note(l, T_DOCKER, "%s: no Repositories object", path);
	for (const mt_json *r = repos ? repos->child : NULL; r; r = r->next) {
		if (r->type != MT_JSON_OBJ)
			continue;
		for (const mt_json *t = r->child; t; t = t->next) {
			if (t->type != MT_JSON_STR || !sha256_ref(t->str, hex))
				continue;
			int32_t i = image_find(p, hex);
			if (i < 0 || strlen(t->key) >= sizeof(p->image[0].tag))
				continue;
			if (better_tag(t->key, p->image[i].tag))
				mt_copy(p->image[i].tag, sizeof(p->image[i].tag), t->key);
		}
	}
	mt_json_free(j);
}

/* a tagged image first, then the shallower (the layer came from the base image), then the
 * smaller id */
static int better_image(const ct_places *p, int32_t a, int32_t b)
{
	const pl_image *x = &p->image[a], *y = &p->image[b];
	if (!x->tag[0] != !y->tag[0])
		return x->tag[0] != '\0';
	if (x->nchain != y->nchain)
		return x->nchain < y->nchain;
	return strcmp(x->id, y->id) < 0;
}

/* Joins the records: containers to images, layers to containers and images. */
static void resolve(ct_places *p)
{
	for (uint32_t c = 0; c < p->nctr; c++)
		p->ctr[c].image = p->ctr[c].image_id[0] ? image_find(p, p->ctr[c].image_id) : -1;
	for (uint32_t i = 0; i < p->nlayer; i++) {
		pl_layer *L = &p->layer[i];
		if (L->kind == LK_CONTAINER) {
			L->container = ctr_find(p, p->nctr, L->ref);
			L->image = L->container >= 0 ? p->ctr[L->container].image : -1;
		}
	}
	for (uint32_t i = 0; i < p->nimage; i++)
		for (uint32_t k = 0; k < p->image[i].nfound; k++) {
			pl_layer *L = &p->layer[p->image[i].chain[k]];
			if (L->image < 0 || better_image(p, (int32_t)i, L->image))
				L->image = (int32_t)i;
		}
	/* containers in id order: the first one using a layer is the smallest id */
	for (uint32_t c = 0; c < p->nctr; c++) {
		int32_t im = p->ctr[c].image;
		for (uint32_t k = 0; im >= 0 && k < p->image[im].nfound; k++) {
			pl_layer *L = &p->layer[p->image[im].chain[k]];
			if (L->container < 0)
				L->container = (int32_t)c;
		}
	}
}

static void load_docker(ld *l)
{
	docker_root(l);
	load_layerdb(l);
	load_mounts(l);
	if (l->err)
		return;
	layers_sort(l);
	load_overlay2(l);
	layers_sort(l);
	load_containers(l);
	if (l->err)
		return;
	chain_index(l);
	if (l->err)
		return;
	load_images(l);
	load_repos(l);
	if (!l->err)
		resolve(l->p);
}

/* ---- containerd ----------------------------------------------------------------- */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* a snapshot number as containerd writes it: decimal, no leading zero */
static int snap_number(const char *s, size_t n, uint64_t *out)
{
	if (!n || n > 19 || (s[0] == '0' && n > 1))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return mt_parse_u64(s, n, UINT64_MAX, out) == 0;
}

static void load_containerd(ld *l)
{
	ct_places *p = l->p;
	char dir[sizeof(CONTAINERD_SNAP)];
	mt_dirent *ents;
	size_t n;
	mt_copy(dir, sizeof(dir), CONTAINERD_SNAP);
	dir[sizeof(dir) - 2] = '\0'; /* without the trailing '/' */
	if (!list_dir(l, dir, &ents, &n))
		return;
	for (size_t i = 0; i < n && !l->err; i++) {
		uint64_t v;
		if (!snap_number(ents[i].name, strlen(ents[i].name), &v))
			continue;
		mt_err e = MT_OK;
		p->snap = mt__grow(p->snap, &p->asnap, p->nsnap + 1, sizeof(*p->snap), PL_MAX_ITEMS,
		                   &e);
		if (e != MT_OK) {
			grow_failed(l, e, "containerd snapshots");
			break;
		}
		p->snap[p->nsnap++] = v;
	}
	mt_dirents_free(ents, n);
	if (p->nsnap)
		qsort(p->snap, p->nsnap, sizeof(*p->snap), u64_cmp);
}

/* ---- Samba ----------------------------------------------------------------------- */

typedef struct smb_st {
	int32_t cur; /* share[] of the section being read, -1 outside a share */
	unsigned includes;
} smb_st;

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* [section]: a share made or found again (Samba merges repeated sections) */
static void smb_section(ld *l, smb_st *st, const char *name, size_t n)
{
	ct_places *p = l->p;
	char nm[64];
	st->cur = -1;
	if (!n)
		return;
	size_t c = n < sizeof(nm) - 1 ? n : sizeof(nm) - 1; /* a longer name is shown cut */
	memcpy(nm, name, c);
	nm[c] = '\0';
	if (mt_strcaseeq(nm, "global") || mt_strcaseeq(nm, "printers"))
		return;
	for (uint32_t i = 0; i < p->nshare; i++)
		if (mt_strcaseeq(p->share[i].name, nm)) {
			st->cur = (int32_t)i;
			return;
		}
	mt_err e = MT_OK;
	p->share =
		mt__grow(p->share, &p->ashare, p->nshare + 1, sizeof(*p->share), PL_MAX_ITEMS, &e);
	if (e != MT_OK) {
		grow_failed(l, e, "Samba shares");
		return;
	}
	pl_share *sh = &p->share[p->nshare];
	st->cur = (int32_t)p->nshare++;
	mt_copy(sh->name, sizeof(sh->name), nm);
	if (mt_strcaseeq(nm, "homes")) { /* each user's home, /home/<user> unless path = */
		mt_copy(sh->raw, sizeof(sh->raw), "/home");
		mt_copy(sh->norm, sizeof(sh->norm), "home");
		sh->nlen = 4;
		sh->has_path = 2;
	}
}

static void smb_path(ld *l, smb_st *st, const char *file, const char *v)
{
	pl_share *sh = &l->p->share[st->cur];
	char norm[sizeof(sh->norm)];
	int cut;
	if (strlen(v) >= sizeof(sh->raw) || norm_path(v, 1, norm, sizeof(norm), &cut) != 0 ||
	    (cut && !norm[0])) {
		note(l, T_SAMBA, "%s: [%s] path %.100s not used", file, sh->name, v);
		sh->has_path = 0;
		return;
	}
	mt_copy(sh->raw, sizeof(sh->raw), v);
	mt_copy(sh->norm, sizeof(sh->norm), norm);
	sh->nlen = strlen(norm);
	sh->has_path = 1;
}

static void smb_file(ld *l, smb_st *st, const char *file, int depth);

static void smb_include(ld *l, smb_st *st, const char *file, int depth, const char *v)
{
	if (depth > 0)
		note(l, T_SAMBA, "%s: include %.100s inside an include not followed", file, v);
	else if (strchr(v, '%'))
		note(l, T_SAMBA, "%s: include %.100s with a macro not followed", file, v);
	else if (v[0] != '/' || strlen(v) >= MT_MAX_PATH)
		note(l, T_SAMBA, "%s: include %.100s is not an absolute path", file, v);
	else if (++st->includes > PL_MAX_INCLUDES)
		note(l, T_LIMIT, "%s: more than %u includes", file, PL_MAX_INCLUDES);
	else
		smb_file(l, st, v, depth + 1);
}

/* One logical line: [section], key = value, or nothing we use. */
static void smb_line(ld *l, smb_st *st, const char *file, int depth, const char *s, size_t n)
{
	trim(&s, &n);
	if (!n)
		return;
	if (s[0] == '[') {
		const char *end = memchr(s, ']', n);
		if (!end) {
			note(l, T_SAMBA, "%s: section %.60s without ']'", file, s);
			st->cur = -1;
			return;
		}
		const char *name = s + 1;
		size_t nn = (size_t)(end - name);
		trim(&name, &nn);
		smb_section(l, st, name, nn);
		return;
	}
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return;
	/* parameter names ignore case and white space: "Path", "p a t h" */
	char key[32];
	size_t k = 0;
	for (const char *c = s; c < eq; c++) {
		if (is_space(*c))
			continue;
		if (k + 1 >= sizeof(key))
			return;
		key[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	}
	key[k] = '\0';
	const char *v = eq + 1;
	size_t vn = n - (size_t)(v - s);
	trim(&v, &vn);
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	int is_path = !strcmp(key, "path") || !strcmp(key, "directory");
	if (strcmp(key, "include") != 0 && !(is_path && st->cur >= 0))
		return;
	char *val = mt_strndup(v, vn);
	if (!val) {
		l->err = MT_ERR_NOMEM;
		return;
	}
	if (is_path)
		smb_path(l, st, file, val);
	else
		smb_include(l, st, file, depth, val);
	free(val);
}

/* Samba's continuation: a '\' last on the line (white space after it allowed); its offset */
static long continuation(const char *s, size_t n)
{
	while (n && is_space(s[n - 1]))
		n--;
	return n && s[n - 1] == '\\' ? (long)(n - 1) : -1;
}

/* White space runs become one space, as Samba reads every line (tini.c); the new length */
static size_t squeeze(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_space(s[i]))
			s[o++] = s[i];
		else if (!o || s[o - 1] != ' ')
			s[o++] = ' ';
	}
	s[o] = '\0';
	return o;
}

static void smb_file(ld *l, smb_st *st, const char *file, int depth)
{
	size_t len;
	mt_err why;
	char *d = read_small(l, file, PL_MAX_SMB, &len, &why);
	if (!d) {
		if ((depth || !missing(why)) && why != MT_ERR_NOMEM && why != MT_ERR_LIMIT)
			note(l, T_SAMBA, "%s: %s", file, mt_strerror(why));
		return;
	}
	mt_buf line;
	mt_buf_init(&line, MT_MAX_LINE);
	int started = 0, bad = 0;
	size_t i = 0;
	while (i < len && !l->err) {
		const char *s = d + i;
		const char *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;
		i += n + (nl ? 1 : 0);
		if (!started) {
			size_t k = 0;
			while (k < n && is_space(s[k]))
				k++;
			if (k < n && (s[k] == ';' || s[k] == '#'))
				continue; /* a comment line */
		}
		long c = continuation(s, n);
		if (memchr(s, '\0', n))
			bad = 1;
		else if (mt_buf_add(&line, s, c >= 0 ? (size_t)c : n) == MT_ERR_NOMEM)
			l->err = MT_ERR_NOMEM;
		started = 1;
		if (c >= 0 && i < len)
			continue;
		if (bad || line.err != MT_OK)
			note(l, T_SAMBA, "%s: a line too long or holding NUL skipped", file);
		else if (line.len)
			smb_line(l, st, file, depth, line.data, squeeze(line.data, line.len));
		mt_buf_reset(&line);
		started = bad = 0;
	}
	mt_buf_free(&line);
	free(d);
}

static int share_cmp(const void *a, const void *b)
{
	const pl_share *x = a, *y = b;
	int r = strcmp(x->norm, y->norm);
	return r ? r : strcmp(x->name, y->name);
}

static int span_cmp(const void *a, const void *b)
{
	const pl_span *x = a, *y = b;
	size_t m = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->s, y->s, m);
	return r ? r : (x->n > y->n) - (x->n < y->n);
}

static void load_samba(ld *l)
{
	ct_places *p = l->p;
	smb_st st = {-1, 0};
	smb_file(l, &st, "etc/samba/smb.conf", 0);
	if (l->err || !p->nshare)
		return;
	uint32_t o = 0; /* the shares with a path, one per path */
	for (uint32_t i = 0; i < p->nshare; i++)
		if (p->share[i].has_path)
			p->share[o++] = p->share[i];
	p->nshare = o;
	if (!o)
		return;
	qsort(p->share, p->nshare, sizeof(*p->share), share_cmp);
	o = 1;
	for (uint32_t i = 1; i < p->nshare; i++)
		if (strcmp(p->share[i].norm, p->share[o - 1].norm) != 0)
			p->share[o++] = p->share[i];
	p->nshare = o;
	p->first = malloc((size_t)p->nshare * sizeof(*p->first));
	if (!p->first) {
		l->err = MT_ERR_NOMEM;
		return;
	}
	for (uint32_t i = 0; i < p->nshare; i++) {
		const pl_share *sh = &p->share[i];
		if (!sh->nlen) {
			p->root_share = (int32_t)i;
			continue;
		}
		p->first[p->nfirst].s = sh->norm;
		p->first[p->nfirst++].n = strcspn(sh->norm, "/");
	}
	if (!p->nfirst)
		return;
	qsort(p->first, p->nfirst, sizeof(*p->first), span_cmp);
	o = 1;
	for (uint32_t i = 1; i < p->nfirst; i++)
		if (span_cmp(&p->first[i], &p->first[o - 1]) != 0)
			p->first[o++] = p->first[i];
	p->nfirst = o;
}

/* ---- the table ------------------------------------------------------------------- */

mt_err ct_places_load(mt_host *host, mt_report *rep, ct_places **out)
{
	if (!out)
		return MT_ERR_INVAL;
	*out = NULL;
	if (!host)
		return MT_ERR_INVAL;
	ct_places *p = calloc(1, sizeof(*p));
	if (!p)
		return MT_ERR_NOMEM;
	p->root_share = -1;
	ld l;
	memset(&l, 0, sizeof(l));
	l.host = host;
	l.rep = rep;
	l.p = p;
	load_docker(&l);
	if (!l.err)
		load_containerd(&l);
	if (!l.err)
		load_samba(&l);
	notes_flush(&l);
	if (l.err) {
		ct_places_free(p);
		return l.err;
	}
	*out = p;
	return MT_OK;
}

void ct_places_free(ct_places *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nimage; i++)
		free(p->image[i].chain);
	free(p->image);
	free(p->layer);
	free(p->bychain);
	free(p->ctr);
	free(p->snap);
	free(p->share);
	free(p->first);
	free(p);
}

/* s begins with the path component w */
static int comp_is(const char *s, const char *w)
{
	size_t n = strlen(w);
	return strncmp(s, w, n) == 0 && (s[n] == '/' || s[n] == '\0');
}

static void image_shown(const pl_image *img, char *out, size_t n)
{
	if (img->tag[0])
		mt_copy(out, n, img->tag);
	else
		snprintf(out, n, "sha256:%s", img->id);
}

static void fill_layer(const ct_places *p, const pl_layer *L, ct_place *o)
{
	mt_copy(o->layer_kind, sizeof(o->layer_kind),
	        L->kind == LK_IMAGE       ? "image"
	        : L->kind == LK_CONTAINER ? "container"
	                                  : "");
	mt_copy(o->layer, sizeof(o->layer), L->id);
	const pl_ctr *c = L->container >= 0 ? &p->ctr[L->container] : NULL;
	if (c) {
		mt_copy(o->container, sizeof(o->container), c->id);
		mt_copy(o->container_name, sizeof(o->container_name), c->name);
	} else if (L->kind == LK_CONTAINER) {
		mt_copy(o->container, sizeof(o->container), L->ref);
	}
	if (L->kind == LK_IMAGE && L->image >= 0) {
		image_shown(&p->image[L->image], o->image, sizeof(o->image));
	} else if (L->kind == LK_CONTAINER && c) {
		/* the image's tag now, else what docker run was given, else its id */
		if (c->image >= 0 && p->image[c->image].tag[0])
			mt_copy(o->image, sizeof(o->image), p->image[c->image].tag);
		else if (c->cfg_image[0])
			mt_copy(o->image, sizeof(o->image), c->cfg_image);
		else if (c->image_id[0])
			snprintf(o->image, sizeof(o->image), "sha256:%s", c->image_id);
	}
}

/* <docker>/overlay2/<id>/{diff,merged}[/...] */
static int docker_match(const ct_places *p, const char *s, ct_place *o)
{
	if (!p->nlayer || strncmp(s, p->docker, p->docker_len) != 0 || s[p->docker_len] != '/')
		return 0;
	s += p->docker_len + 1;
	if (strncmp(s, "overlay2/", 9) != 0)
		return 0;
	s += 9;
	size_t n = strcspn(s, "/");
	if (!n || s[n] != '/' || !(comp_is(s + n + 1, "diff") || comp_is(s + n + 1, "merged")))
		return 0;
	int32_t i = layer_find(p, p->nlayer, s, n);
	if (i < 0)
		return 0;
	fill_layer(p, &p->layer[i], o);
	return 1;
}

/* var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/<N>/fs[/...] */
static int containerd_match(const ct_places *p, const char *s, ct_place *o)
{
	size_t pre = sizeof(CONTAINERD_SNAP) - 1;
	if (!p->nsnap || strncmp(s, CONTAINERD_SNAP, pre) != 0)
		return 0;
	s += pre;
	size_t n = strcspn(s, "/");
	uint64_t v;
	if (s[n] != '/' || !comp_is(s + n + 1, "fs") || !snap_number(s, n, &v))
		return 0;
	uint32_t lo = 0, hi = p->nsnap;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (p->snap[mid] == v) {
			snprintf(o->layer, sizeof(o->layer), "%llu", (unsigned long long)v);
			return 1;
		}
		if (p->snap[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int32_t share_find(const ct_places *p, const char *s, size_t n)
{
	uint32_t lo = 0, hi = p->nshare;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int r = cmp_n(p->share[mid].norm, s, n);
		if (r == 0)
			return (int32_t)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* the share with the longest path that is s or a directory above it */
static int share_match(const ct_places *p, const char *s, ct_place *o)
{
	if (!p->nshare)
		return 0;
	if (p->root_share < 0) { /* most paths stop at their first component */
		pl_span key = {s, strcspn(s, "/")};
		uint32_t lo = 0, hi = p->nfirst;
		int found = 0;
		while (lo < hi && !found) {
			uint32_t mid = lo + (hi - lo) / 2;
			int r = span_cmp(&p->first[mid], &key);
			if (r == 0)
				found = 1;
			else if (r < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!found)
			return 0;
	}
	int32_t best = p->root_share;
	for (size_t i = 1; s[0] && s[i - 1]; i++) {
		if (s[i] == '/' || s[i] == '\0') {
			int32_t k = share_find(p, s, i);
			if (k >= 0)
				best = k;
		}
	}
	if (best < 0)
		return 0;
	mt_copy(o->share, sizeof(o->share), p->share[best].name);
	mt_copy(o->share_path, sizeof(o->share_path), p->share[best].raw);
	return 1;
}

/* a ".." component: the path is not the clean one a walk gives and may lie elsewhere */
static int has_dotdot(const char *s)
{
	for (const char *c = s; (c = strstr(c, "..")) != NULL; c += 2)
		if ((c == s || c[-1] == '/') && (c[2] == '/' || c[2] == '\0'))
			return 1;
	return 0;
}

int ct_places_lookup(const ct_places *p, const char *path, ct_place *out)
{
	ct_place scratch;
	ct_place *o = out ? out : &scratch;
	memset(o, 0, sizeof(*o));
	if (!p || !path)
		return 0;
	while (*path == '/')
		path++;
	int hit = docker_match(p, path, o) || containerd_match(p, path, o);
	if (share_match(p, path, o))
		hit = 1;
	if (hit && has_dotdot(path)) {
		memset(o, 0, sizeof(*o));
		hit = 0;
	}
	return hit;
}
