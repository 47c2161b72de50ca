/* fleet_int.h - shared by src/lib/fleet/ only: the database handle */
#ifndef MT_FLEET_INT_H
#define MT_FLEET_INT_H

#include "db.h"
#include "internal.h"
#include "minetrace/fleet.h"

struct mt_fleet {
	mt_db db;
};

/* ---- the fleet as the report sees it (analyze.c) ---- */
#define T_NONE  MT_TIME_NONE
#define DAY     86400
#define MAXADDR 16
#define MAXVALS 16

typedef struct strs {
	char *v[MAXVALS];
	unsigned n;
} strs;

/* a value once into s (at most MAXVALS) */
void mt__strs_add(strs *s, const char *x);
void mt__strs_free(strs *s);

typedef struct fhost {
	int64_t id;
	char *name, *hostname, *os;
	char *addr[MAXADDR];
	unsigned naddr;
	int64_t scan_report, tl_report;
	char *scan_name, *tl_name;
	int infected, have_scan;
	size_t counts[MT_SEV_COUNT];
	int64_t first; /* first sign of compromise, T_NONE unknown */
	char way_ip[64], way_user[96], way_method[64];
	int64_t way_time;
	strs miners, pools, lacks; /* exposures: ms17_010_missing, smb1_enabled */
	int reached;               /* a propagation from another fleet host reached it first */
	int pz;
} fhost;

typedef struct edge {
	int from, to; /* host indexes, -1 outside the fleet */
	char from_addr[64], to_addr[64];
	int64_t time, last;
	char method[48], user[96];
	unsigned count;
	int kind;                   /* 0 propagation, 1 attempt, 2 ruled out */
	char why[320], why_zh[320]; /* why it is this kind, in en and zh */
} edge;

typedef struct addr_ix {
	const char *addr; /* a host's address (owned by the host) */
	int host;
} addr_ix;

typedef struct fleet_view {
	fhost *h;
	size_t nh;
	edge *e;
	size_t ne, ae;
	addr_ix *ix; /* every address of every host, sorted: mt__fleet_host_by_addr */
	size_t nix;
} fleet_view;

/* The groups of hosts sharing a miner (g 0), a pool (1) or an exposure (2): fn gets the
 * value, which hosts are in it (in[i]), how many, how many infected, and whether every
 * infected host is. */
typedef void (*mt__group_fn)(void *ctx, const fleet_view *v, int g, const char *value,
                             const unsigned char *in, unsigned n, unsigned ninf, int all);
void mt__fleet_groups(const fleet_view *v, unsigned inf, mt__group_fn fn, void *ctx);
int mt__fleet_host_by_addr(const fleet_view *v, const char *a);
/* t as RFC 3339 text into b, "?" when unknown (the text report and the page) */
void mt__fleet_time(mt_buf *b, int64_t t);
/* Patient zero's chain: the propagations reachable from host pz, in time order. Returns
 * one flag per edge of v (set: on the chain), the caller's (free); NULL when pz < 0 or
 * out of memory. */
unsigned char *mt__fleet_chain(const fleet_view *v, int pz);
/* Why pz is patient zero, in lang, into out[n]; inf is the number of infected hosts. */
void mt__fleet_pz_why(const fleet_view *v, int pz, unsigned inf, mt_lang lang, char *out, size_t n);
/* The HTML page of the fleet report (html.c): pz is patient zero's index or -1. */
void mt__fleet_html(const fleet_view *v, int pz, mt_lang lang, mt_buf *b);

#endif
