/* places.h - where a file lies: a Docker/containerd layer (which container, image,
 * layer) or a Samba share, from the scan root's own metadata */
#ifndef MT_CONTENT_PLACES_H
#define MT_CONTENT_PLACES_H
#include "../internal.h"
typedef struct ct_places ct_places;
typedef struct ct_place {
	char layer_kind[16];      /* "image", "container" (a container's writable layer), "" */
	char layer[80];           /* overlay2 directory id or containerd snapshot number */
	char container[72];       /* full container id, "" when an image layer no container uses */
	char container_name[128]; /* "/web" as docker names it */
	char image[256];          /* "nginx:latest" (a repository tag) or "sha256:..." */
	char share[64];           /* Samba share name, "" */
	char share_path[256];     /* the share's path as smb.conf gives it */
} ct_place;
/* Reads the root's Docker (var/lib/docker: image/overlay2/layerdb, imagedb, repositories.json,
 * containers/<id>/config.v2.json), containerd (var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/N/fs — number only is fine) and Samba (etc/samba/smb.conf with include = lines one level deep) metadata; problems go to rep's diagnostics (rep may be NULL). Never fails for missing parts: *out is an empty table then. */
mt_err ct_places_load(mt_host *host, mt_report *rep, ct_places **out);
void ct_places_free(ct_places *p); /* accepts NULL */
/* 1 when path (root-relative, "/var/lib/docker/overlay2/<id>/diff/usr/bin/x") lies in a
 * known layer or share; out filled (fields "" when unknown). Thread-safe (read-only). */
int ct_places_lookup(const ct_places *p, const char *path, ct_place *out);
#endif
