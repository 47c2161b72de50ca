/* html.c - the fleet report as one self-contained page a responder attaches to the
 * ticket (no script, no external resource, every string of the data escaped): the verdict,
 * the propagation graph and one time strip per host (inline SVG), then the tables of hosts,
 * spread, attempts, ruled-out logins, shared groups and patient zero's reasoning. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_int.h"

/* What one page draws and lists at most, so a page stays a page; what is left out is
 * counted on the page. */
#define MAX_OUTSIDE 60   /* graph nodes of addresses outside the fleet */
#define MAX_HOSTS   400  /* graph nodes and strips of fleet hosts */
#define MAX_PATHS   2000 /* graph edges (after joining repeats) and strip links */
#define MAX_MARKS   200  /* edge marks on one strip */
#define MAX_ROWS    500  /* rows of one table */
#define MAX_NAMED   20   /* hosts named in one group */
#define MAX_ADDRS   4    /* addresses in one cell */
#define LABEL       24   /* bytes of a name drawn (the whole name is in its title) */
#define MAX_LAYERS  8    /* columns of infected hosts by depth of the spread */

/* geometry of the graph: columns, rows, margin, node radius */
#define CW  200
#define RH  46
#define MX  24
#define NR  8
/* geometry of the strips: label width, axis width, strip height, top */
#define LW  210
#define AW  760
#define SH  22
#define TOP 30

static const char *const kind_class[] = {"propagation", "attempt", "ruled_out"};

typedef struct gnode {
	const char *name; /* host name or outside address */
	int host;         /* index in v->h, -1 outside the fleet */
	int shown;
	double x, y;
} gnode;

/* one drawn edge: an edge of the view (or a host's way in, edge -1) and its repeats */
typedef struct gpath {
	int a, b, kind; /* nodes; kind 3: a way in */
	long edge;
	int host; /* for a way in */
	unsigned n;
	int64_t last;
} gpath;

typedef struct page {
	const fleet_view *v;
	int pz, zh;
	unsigned inf;
	mt_buf *b;
	gnode *node; /* node i < nh is host i; outside addresses after */
	size_t nn;
	size_t *order; /* hosts as shown (okey_cmp) */
	size_t norder;
	size_t nout_left; /* outside addresses not drawn */
	double w, hgt;    /* of the graph */
} page;

static const char *tr(const page *p, const char *en, const char *zh)
{
	return p->zh ? zh : en;
}

static void h(mt_buf *b, const char *s)
{
	if (s)
		mt_escape_html(b, s, strlen(s), MT_MAX_SHOWN_STRING);
}

static void hcut(mt_buf *b, const char *s, size_t max)
{
	if (s)
		mt_escape_html(b, s, strlen(s), max);
}

static const char style[] =
	"body{font:14px/1.45 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
	"margin:2em auto;max-width:82em;padding:0 1em;color:#222}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}"
	"code{font-family:ui-monospace,monospace;word-break:break-all}"
	"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;"
	"padding:.2em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}"
	"td.why{max-width:40em}td.v{font-family:ui-monospace,monospace;overflow-wrap:anywhere}"
	"td.t,td.sevs{white-space:nowrap}td.name{min-width:13em}td.addr{min-width:8em}"
	".sev{display:inline-block;min-width:1.6em;text-align:center;border-radius:3px;"
	"padding:0 .3em;margin-right:.15em;font-weight:600;color:#fff}"
	".critical{background:#8b0000}.high{background:#d33}.medium{background:#e69500}"
	".low{background:#2a7ab0}.info{background:#888}.zero{opacity:.25}"
	"#verdict{font-size:1.1em;padding:.5em .8em;border-left:6px solid #888;background:#f6f6f6}"
	"#verdict.bad{border-color:#8b0000}"
	".scroll{overflow:auto;max-height:80vh;border:1px solid #eee}"
	".legend span{margin-right:1.2em;white-space:nowrap}"
	".key{display:inline-block;width:1.6em;height:.7em;margin-right:.3em;"
	"vertical-align:middle}"
	"svg text{font:11px ui-monospace,monospace;fill:#222}"
	".node circle{fill:#fff;stroke:#555;stroke-width:1.5}"
	".node.infected circle{fill:#d33;stroke:#8b0000}"
	".node.pz circle{fill:#8b0000;stroke:#000;stroke-width:3}"
	".node.outside circle{fill:#eee;stroke:#777;stroke-dasharray:3 2}"
	".node.outside text{fill:#555}"
	".edge{fill:none;stroke-width:1.6}"
	".edge.propagation{stroke:#d33;stroke-width:2.4}"
	".edge.attempt{stroke:#e69500;stroke-dasharray:6 3}"
	".edge.ruled_out{stroke:#999;stroke-dasharray:2 3}"
	".edge.way_in{stroke:#8b0000;stroke-width:2.4}"
	".k-propagation{background:#d33}.k-attempt{background:#e69500}"
	".k-ruled_out{background:#999}.k-way_in{background:#8b0000}"
	".k-infected{background:#d33;border-radius:50%;width:.8em;height:.8em}"
	".k-pz{background:#8b0000;border:2px solid #000;border-radius:50%;width:.7em;"
	"height:.7em}"
	".k-clean{border:1px solid #555;border-radius:50%;width:.8em;height:.8em}"
	".k-outside{border:1px dashed #777;background:#eee;border-radius:50%;width:.8em;"
	"height:.8em}"
	".k-first{background:#000;border-radius:50%;width:.7em;height:.7em}"
	".strip .band{fill:#fafafa}.strip.odd .band{fill:#f0f0f0}"
	".strip .compromised{fill:#f8d0d0}"
	".grid{stroke:#ddd}.span-of-axis{stroke:#888}.mark.first{fill:#000;stroke:#fff}"
	".mark.propagation,.span.propagation{fill:#d33}"
	".mark.attempt,.span.attempt{fill:#e69500}"
	".mark.ruled_out,.span.ruled_out{fill:#999}"
	".mark.out{fill-opacity:.35;stroke-width:1.5}.mark.out.propagation{stroke:#d33}"
	".mark.out.attempt{stroke:#e69500}.mark.out.ruled_out{stroke:#999}"
	".mark.way_in{fill:#8b0000}"
	".link{stroke-width:1;stroke-opacity:.55}.link.propagation{stroke:#d33}"
	".link.attempt{stroke:#e69500}.link.ruled_out{stroke:#999}";

/* ---- the nodes of the graph ---- */

static long outside_node(const page *p, const char *addr)
{
	for (size_t i = p->v->nh; addr && addr[0] && i < p->nn; i++)
		if (!strcmp(p->node[i].name, addr))
			return (long)i;
	return -1;
}

static void outside_add(page *p, const char *addr)
{
	if (!addr || !addr[0] || outside_node(p, addr) >= 0)
		return;
	if (p->nn - p->v->nh >= MAX_OUTSIDE) {
		p->nout_left++; /* their edges are counted as not drawn */
		return;
	}
	gnode *n = &p->node[p->nn++];
	n->name = addr;
	n->host = -1;
}

/* the node of one end of an edge, -1 when it is not drawn */
static long end_node(const page *p, int host, const char *addr)
{
	if (host >= 0)
		return p->node[host].shown ? host : -1;
	long k = outside_node(p, addr);
	return k >= 0 && p->node[k].shown ? k : -1;
}

/* a way in from outside the fleet, drawn as an edge into the host */
static int outside_way_in(const fleet_view *v, const fhost *x)
{
	return x->infected && x->way_ip[0] && mt__fleet_host_by_addr(v, x->way_ip) < 0;
}

/* a host's place in the order shown */
typedef struct okey {
	size_t i;
	int infected;
	int64_t first;
	size_t edges; /* that touch it */
} okey;

/* infected before the others; the infected by first sign (unknown last), the others by
 * the edges that touch them (the most first, so they are drawn near the infected); then
 * by name (v->h is by name) */
static int okey_cmp(const void *a, const void *b)
{
	const okey *x = a, *y = b;
	if (x->infected != y->infected)
		return y->infected - x->infected;
	if (x->infected && x->first != y->first) {
		if (x->first == T_NONE || y->first == T_NONE)
			return x->first == T_NONE ? 1 : -1;
		return x->first < y->first ? -1 : 1;
	}
	if (!x->infected && x->edges != y->edges)
		return x->edges > y->edges ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static unsigned isqrt_up(unsigned x)
{
	unsigned r = 0;
	while (r * r < x)
		r++;
	return r;
}

static size_t up(size_t a, size_t b)
{
	return b ? (a + b - 1) / b : 0;
}

static void place(gnode *n, size_t col, size_t row)
{
	n->x = MX + CW / 2.0 + (double)col * CW;
	n->y = MX + NR + ((double)row + (col % 2 ? 0.5 : 0)) * RH;
	n->shown = 1;
}

/* Places the nodes on a grid, each name centred below its node and odd columns half a
 * row lower, so straight runs between columns miss the nodes: the addresses outside the
 * fleet in the first columns; then the infected hosts, by depth of the spread (patient
 * zero and the other hosts no fleet host reached in the first column, the hosts they
 * reached in the next...) when that takes at most MAX_LAYERS columns, else in order of
 * first sign over at least a few columns; the others in the last columns. Sets the
 * number of columns and the lowest node's y. */
static mt_err layout(page *p, size_t *ncols, double *ymax)
{
	const fleet_view *v = p->v;
	size_t na = p->nn - v->nh, nb = 0, nc = 0;
	for (size_t i = 0; i < p->norder && i < MAX_HOSTS; i++)
		*(v->h[p->order[i]].infected ? &nb : &nc) += 1;
	unsigned total = (unsigned)(na + nb + nc);
	size_t R = isqrt_up(total * 256 / 100);
	R = R < 3 ? 3 : R;
	unsigned *depth = calloc(v->nh ? v->nh : 1, sizeof(*depth));
	int *parent = malloc((v->nh ? v->nh : 1) * sizeof(*parent));
	if (!depth || !parent) {
		free(depth);
		free(parent);
		return MT_ERR_NOMEM;
	}
	/* a host's parent: the source of the first propagation into it from a fleet host */
	for (size_t i = 0; i < v->nh; i++)
		parent[i] = -1;
	for (size_t k = 0; k < v->ne; k++) {
		const edge *e = &v->e[k];
		if (e->kind == 0 && e->from >= 0 && e->to >= 0 && e->from != e->to &&
		    parent[e->to] < 0 && v->h[e->from].infected && !v->h[e->to].pz)
			parent[e->to] = e->from;
	}
	enum { MAXD = 64 };
	int changed = 1;
	for (int pass = 0; changed && pass < MAXD; pass++) { /* a cycle stops at MAXD - 1 */
		changed = 0;
		for (size_t i = 0; i < v->nh; i++) {
			unsigned d = parent[i] >= 0 ? depth[parent[i]] + 1 : 0;
			d = d < MAXD ? d : MAXD - 1;
			if (d != depth[i]) {
				depth[i] = d;
				changed = 1;
			}
		}
	}
	size_t per_depth[MAXD] = {0}, layered = 0;
	for (size_t i = 0; i < nb; i++)
		per_depth[depth[p->order[i]]]++;
	for (int d = 0; d < MAXD; d++)
		layered += up(per_depth[d], R);
	size_t col = 0;
	for (size_t i = 0; i < na; i++)
		place(&p->node[v->nh + i], col + i / R, i % R);
	col += up(na, R);
	if (layered <= MAX_LAYERS) {
		size_t start[MAXD], seen[MAXD] = {0};
		for (int d = 0, c = 0; d < MAXD; d++) {
			start[d] = (size_t)c;
			c += (int)up(per_depth[d], R);
		}
		for (size_t i = 0; i < nb; i++) {
			unsigned d = depth[p->order[i]];
			size_t k = seen[d]++;
			place(&p->node[p->order[i]], col + start[d] + k / R, k % R);
		}
		col += layered;
	} else {
		size_t ncb = up(nb, R);
		if (ncb < (nb < 6 ? nb : 6))
			ncb = nb < 6 ? nb : 6;
		size_t per = up(nb, ncb);
		for (size_t i = 0; i < nb; i++)
			place(&p->node[p->order[i]], col + i / per, i % per);
		col += ncb;
	}
	for (size_t i = 0; i < nc; i++)
		place(&p->node[p->order[nb + i]], col + i / R, i % R);
	col += up(nc, R);
	free(depth);
	free(parent);
	*ncols = col;
	*ymax = 0;
	for (size_t i = 0; i < p->nn; i++)
		if (p->node[i].shown && p->node[i].y > *ymax)
			*ymax = p->node[i].y;
	return MT_OK;
}

/* ---- the graph ---- */

static void edge_title(const page *p, const edge *e, unsigned n, int64_t last)
{
	const fleet_view *v = p->v;
	mt_buf *b = p->b;
	mt_buf_adds(b, "<title>");
	mt__fleet_time(b, e->time);
	mt_buf_adds(b, " ");
	h(b, e->from >= 0 ? v->h[e->from].name : e->from_addr);
	mt_buf_adds(b, " \xe2\x86\x92 "); /* → */
	h(b, e->to >= 0 ? v->h[e->to].name : e->to_addr);
	mt_buf_adds(b, ": ");
	h(b, e->method);
	if (e->user[0]) {
		mt_buf_adds(b, tr(p, " as ", " 用户 "));
		h(b, e->user);
	}
	if (e->count > 1)
		mt_buf_printf(b, " x%u", e->count);
	if (n > 1) {
		mt_buf_printf(b, tr(p, " (%u times, the last ", " (共 %u 次, 最后一次 "), n);
		mt__fleet_time(b, last);
		mt_buf_adds(b, ")");
	}
	mt_buf_adds(b, " \xe2\x80\x94 "); /* — */
	h(b, p->zh ? e->why_zh : e->why);
	mt_buf_adds(b, "</title>");
}

static void way_in_title(const page *p, const fhost *x)
{
	mt_buf *b = p->b;
	mt_buf_adds(b, "<title>");
	mt__fleet_time(b, x->way_time);
	mt_buf_adds(b, tr(p, " way in of ", " 入口: "));
	h(b, x->name);
	mt_buf_adds(b, tr(p, ": a login from ", ": 来自 "));
	h(b, x->way_ip);
	if (x->way_user[0]) {
		mt_buf_adds(b, tr(p, " as ", " 用户 "));
		h(b, x->way_user);
	}
	if (x->way_method[0]) {
		mt_buf_adds(b, " (");
		h(b, x->way_method);
		mt_buf_adds(b, ")");
	}
	mt_buf_adds(b, tr(p, ", outside the fleet</title>", ", 网外</title>"));
}

/* How many other nodes the curve from a by control point (cx, cy) to b passes over (len:
 * about its length), counting up to max; max as well when it leaves the picture. */
static unsigned hits(const page *p, const gnode *a, const gnode *b, double cx, double cy,
                     double len, unsigned max)
{
	const double r = NR + 5;
	double mx = (a->x + b->x) / 4 + cx / 2, my = (a->y + b->y) / 4 + cy / 2;
	if (mx < 4 || my < 4 || mx > p->w - 4 || my > p->hgt - 4)
		return max; /* out of the picture */
	double x0 = a->x < b->x ? a->x : b->x, x1 = a->x < b->x ? b->x : a->x;
	double y0 = a->y < b->y ? a->y : b->y, y1 = a->y < b->y ? b->y : a->y;
	x0 = cx < x0 ? cx : x0, x1 = cx > x1 ? cx : x1;
	y0 = cy < y0 ? cy : y0, y1 = cy > y1 ? cy : y1;
	int steps = len < 2400 ? (int)(len / 4) + 8 : 608; /* samples 4px apart */
	unsigned n = 0;
	for (size_t i = 0; i < p->nn && n < max; i++) {
		const gnode *o = &p->node[i];
		if (!o->shown || o == a || o == b || o->x < x0 - r || o->x > x1 + r ||
		    o->y < y0 - r || o->y > y1 + r)
			continue;
		for (int s = 1; s < steps; s++) {
			double t = (double)s / steps, u = 1 - t;
			double x = u * u * a->x + 2 * u * t * cx + t * t * b->x;
			double y = u * u * a->y + 2 * u * t * cy + t * t * b->y;
			if ((o->x - x) * (o->x - x) + (o->y - y) * (o->y - y) < r * r) {
				n++;
				break;
			}
		}
	}
	return n;
}

/* The control point of a curve from a to b: off the straight line by a bend that grows
 * with the length and with the number of earlier edges between the two (par), of the
 * size and to the side where it passes over the fewest other nodes, within the picture
 * (the two directions of a pair bend to opposite sides). */
static void bend(const page *p, const gnode *a, const gnode *b, unsigned par, double *cx,
                 double *cy)
{
	static const double mult[] = {1, -1, 1.5, -1.5, 2, -2, 0.5, -0.5, 2.5, -2.5, 3, -3};
	double dx = b->x - a->x, dy = b->y - a->y;
	double ax = dx < 0 ? -dx : dx, ay = dy < 0 ? -dy : dy;
	/* the length, within 8%, without libm */
	double len = (ax > ay ? ax + 0.41 * ay : ay + 0.41 * ax);
	if (len < 1)
		len = 1;
	double base = 0.12 * len + 12 + 16.0 * par;
	unsigned best = UINT32_MAX;
	*cx = (a->x + b->x) / 2; /* straight, when every bend leaves the picture */
	*cy = (a->y + b->y) / 2;
	for (size_t k = 0; k < sizeof(mult) / sizeof(mult[0]) && best; k++) {
		double d = base * mult[k];
		double x = (a->x + b->x) / 2 - dy / len * d, y = (a->y + b->y) / 2 + dx / len * d;
		unsigned n = hits(p, a, b, x, y, len * (1 + mult[k] * mult[k] / 8), best);
		if (n < best) {
			best = n;
			*cx = x;
			*cy = y;
		}
	}
}

static void marker(mt_buf *b, const char *kind, const char *fill)
{
	/* the tip stops at the edge of the target's circle */
	mt_buf_printf(b,
	              "<marker id=\"arrow-%s\" viewBox=\"0 0 10 10\" refX=\"%d\" refY=\"5\" "
	              "markerWidth=\"10\" markerHeight=\"10\" markerUnits=\"userSpaceOnUse\" "
	              "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>",
	              kind, 10 + NR + 2, fill);
}

static void legend(const page *p, int strips)
{
	mt_buf *b = p->b;
	mt_buf_adds(b, "<p class=\"legend\">");
	if (!strips) {
		mt_buf_printf(b, "<span><i class=\"key k-pz\"></i>%s</span>",
		              tr(p, "patient zero", "零号病人"));
		mt_buf_printf(b, "<span><i class=\"key k-infected\"></i>%s</span>",
		              tr(p, "infected", "已失陷"));
		mt_buf_printf(b, "<span><i class=\"key k-clean\"></i>%s</span>",
		              tr(p, "no infection found", "未发现失陷"));
		mt_buf_printf(b, "<span><i class=\"key k-outside\"></i>%s</span>",
		              tr(p, "outside the fleet", "网外地址"));
		mt_buf_printf(b, "<span><i class=\"key k-way_in\"></i>%s</span>",
		              tr(p, "way in", "入口"));
	} else {
		mt_buf_printf(b, "<span><i class=\"key k-first\"></i>%s</span>",
		              tr(p, "first sign", "首次失陷迹象"));
		mt_buf_printf(b, "<span><i class=\"key k-way_in\"></i>%s</span>",
		              tr(p, "way in", "入口"));
	}
	mt_buf_printf(b, "<span><i class=\"key k-propagation\"></i>%s</span>",
	              tr(p, "propagation", "传播"));
	mt_buf_printf(b, "<span><i class=\"key k-attempt\"></i>%s</span>",
	              tr(p, "attempt", "尝试"));
	mt_buf_printf(b, "<span><i class=\"key k-ruled_out\"></i>%s</span>",
	              tr(p, "ruled out", "排除"));
	if (strips)
		mt_buf_adds(b, tr(p, "<span>\xe2\x96\xbc in, \xe2\x96\xb3 out</span>",
		                  "<span>\xe2\x96\xbc 进入, \xe2\x96\xb3 发出</span>"));
	mt_buf_adds(b, "</p>\n");
}

static mt_err graph(page *p)
{
	const fleet_view *v = p->v;
	mt_buf *b = p->b;
	size_t ncols;
	double ymax;
	gpath *gp = calloc(v->ne + v->nh + 1, sizeof(*gp));
	if (!gp || layout(p, &ncols, &ymax) != MT_OK) {
		free(gp);
		return MT_ERR_NOMEM;
	}
	size_t np = 0, left = 0;
	/* the ways in from outside, then the edges; repeats of one pair, kind and method
	 * are one path */
	for (size_t i = 0; i < v->nh; i++) {
		const fhost *x = &v->h[i];
		long a = outside_way_in(v, x) ? end_node(p, -1, x->way_ip) : -1;
		if (a < 0 || !p->node[i].shown)
			continue;
		gp[np++] = (gpath){(int)a, (int)i, 3, -1, (int)i, 1, x->way_time};
	}
	for (size_t k = 0; k < v->ne; k++) {
		const edge *e = &v->e[k];
		long a = end_node(p, e->from, e->from_addr), c = end_node(p, e->to, e->to_addr);
		if (a < 0 || c < 0 || a == c) {
			left += a < 0 || c < 0;
			continue;
		}
		size_t j = 0;
		for (; j < np; j++) {
			gpath *g = &gp[j];
			if (g->edge >= 0 && g->a == a && g->b == c && g->kind == e->kind &&
			    !strcmp(v->e[g->edge].method, e->method))
				break;
		}
		if (j < np) {
			gp[j].n++;
			if (e->time > gp[j].last)
				gp[j].last = e->time;
			continue;
		}
		if (np >= MAX_PATHS) {
			left++;
			continue;
		}
		gp[np++] = (gpath){(int)a, (int)c, e->kind, (long)k, -1, 1, e->time};
	}
	double W = 2 * MX + (double)(ncols ? ncols : 1) * CW, H = ymax + NR + 18 + MX;
	p->w = W;
	p->hgt = H;
	mt_buf_printf(b, "<h2>%s</h2>\n", tr(p, "Propagation", "传播图"));
	legend(p, 0);
	mt_buf_printf(
		b,
		"<div class=\"scroll\"><svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">"
		"<defs>",
		W, H, W, H);
	marker(b, "propagation", "#d33");
	marker(b, "attempt", "#e69500");
	marker(b, "ruled_out", "#999");
	marker(b, "way_in", "#8b0000");
	mt_buf_adds(b, "</defs>\n");
	for (size_t j = 0; j < np; j++) {
		const gpath *g = &gp[j];
		const gnode *a = &p->node[g->a], *c = &p->node[g->b];
		unsigned par = 0; /* earlier paths between the same two nodes */
		for (size_t i = 0; i < j; i++)
			par += (gp[i].a == g->a && gp[i].b == g->b) ||
			       (gp[i].a == g->b && gp[i].b == g->a);
		double cx, cy;
		bend(p, a, c, par, &cx, &cy);
		const char *kind = g->kind == 3 ? "way_in" : kind_class[g->kind];
		mt_buf_printf(b, "<path class=\"edge %s\" data-from=\"", kind);
		h(b, a->name);
		mt_buf_adds(b, "\" data-to=\"");
		h(b, c->name);
		mt_buf_printf(b,
		              "\" d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\" "
		              "marker-end=\"url(#arrow-%s)\">",
		              a->x, a->y, cx, cy, c->x, c->y, kind);
		if (g->kind == 3)
			way_in_title(p, &v->h[g->host]);
		else
			edge_title(p, &v->e[g->edge], g->n, g->last);
		mt_buf_adds(b, "</path>\n");
	}
	for (size_t i = 0; i < p->nn; i++) {
		const gnode *n = &p->node[i];
		if (!n->shown)
			continue;
		const fhost *x = n->host >= 0 ? &v->h[n->host] : NULL;
		mt_buf_printf(b, "<g class=\"node %s%s\" data-host=\"",
		              !x              ? "outside"
		              : x->infected   ? "infected"
		              : !x->have_scan ? "unscanned"
		                              : "clean",
		              x && x->pz ? " pz" : "");
		h(b, n->name);
		mt_buf_adds(b, "\"><title>");
		h(b, n->name);
		if (x) {
			for (unsigned k = 0; k < x->naddr && k < MAX_ADDRS; k++) {
				mt_buf_adds(b, k ? ", " : " (");
				h(b, x->addr[k]);
			}
			mt_buf_adds(b, x->naddr ? ")" : "");
			if (x->infected) {
				mt_buf_adds(
					b, tr(p, ": infected, first sign ", ": 已失陷, 首次迹象 "));
				mt__fleet_time(b, x->first);
			} else {
				mt_buf_adds(b, x->have_scan ? tr(p, ": no infection found",
				                                 ": 未发现失陷")
				                            : tr(p, ": not scanned", ": 未扫描"));
			}
			if (x->pz)
				mt_buf_adds(b, tr(p, "; patient zero", "; 零号病人"));
		} else {
			mt_buf_adds(b, tr(p, ": outside the fleet", ": 网外地址"));
		}
		mt_buf_printf(b,
		              "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"/>"
		              "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		              n->x, n->y, NR, n->x, n->y + NR + 13);
		hcut(b, n->name, LABEL);
		mt_buf_adds(b, "</text></g>\n");
	}
	mt_buf_adds(b, "</svg></div>\n");
	size_t hidden = p->norder > MAX_HOSTS ? p->norder - MAX_HOSTS : 0;
	if (hidden || p->nout_left || left)
		mt_buf_printf(b,
		              tr(p,
		                 "<p>Not drawn: %zu hosts and %zu edges (at most %d hosts and %d "
		                 "addresses outside the fleet are drawn).</p>\n",
		                 "<p>未画出: %zu 台主机和 %zu 条边 (最多画出 %d 台主机和 %d "
		                 "个网外地址)。</p>\n"),
		              hidden, left, MAX_HOSTS, MAX_OUTSIDE);
	free(gp);
	return b->err;
}

/* ---- one strip per host on a shared time axis ---- */

typedef struct axis {
	int64_t lo, hi;
} axis;

static void widen(axis *a, int64_t t)
{
	if (t == T_NONE)
		return;
	if (a->lo == T_NONE || t < a->lo)
		a->lo = t;
	if (a->hi == T_NONE || t > a->hi)
		a->hi = t;
}

static double X(const axis *a, int64_t t)
{
	return LW + 10 + (double)(t - a->lo) * AW / (double)(a->hi - a->lo);
}

static void ticks(mt_buf *b, const axis *a, double bottom)
{
	static const int64_t steps[] = {600,       1200,      1800,       3600,      2 * 3600,
	                                3 * 3600,  6 * 3600,  12 * 3600,  DAY,       2 * DAY,
	                                7 * DAY,   14 * DAY,  30 * DAY,   91 * DAY,  182 * DAY,
	                                365 * DAY, 730 * DAY, 1826 * DAY, 3652 * DAY};
	size_t ns = sizeof(steps) / sizeof(steps[0]), k = 0;
	while (k + 1 < ns && (a->hi - a->lo) / steps[k] > 6)
		k++;
	int64_t step = steps[k];
	int64_t t = a->lo / step * step;
	if (t < a->lo)
		t += step;
	mt_buf_printf(b,
	              "<g class=\"axis\"><line class=\"span-of-axis\" x1=\"%.1f\" y1=\"%d\" "
	              "x2=\"%.1f\" y2=\"%d\"/>",
	              X(a, a->lo), TOP - 3, X(a, a->hi), TOP - 3);
	for (int n = 0; t <= a->hi && n < 40; t += step, n++) {
		char iso[40];
		mt_time_iso(t, iso, sizeof(iso));
		iso[step < DAY ? 16 : 10] = '\0';
		double x = X(a, t);
		mt_buf_printf(b,
		              "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\"/>"
		              "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
		              "</text>",
		              x, TOP - 6, x, bottom, x, TOP - 10, iso);
	}
	mt_buf_adds(b, "</g>\n");
}

static void strip_mark(const page *p, const axis *a, const edge *e, int out, double y)
{
	mt_buf *b = p->b;
	double x = X(a, e->time);
	if (e->count > 1 && e->last != T_NONE && e->last > e->time)
		mt_buf_printf(b,
		              "<rect class=\"span %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		              "height=\"3\"/>",
		              kind_class[e->kind], x, y - 1.5, X(a, e->last) - x);
	/* in: a triangle pointing down onto the strip; out: one pointing up, hollow */
	if (out)
		mt_buf_printf(b, "<path class=\"mark %s out\" d=\"M%.1f,%.1f l5,8 h-10 z\">",
		              kind_class[e->kind], x, y - 4);
	else
		mt_buf_printf(b, "<path class=\"mark %s in\" d=\"M%.1f,%.1f l5,-8 h-10 z\">",
		              kind_class[e->kind], x, y + 4);
	edge_title(p, e, 1, e->time);
	mt_buf_adds(b, "</path>");
}

static mt_err strips(page *p)
{
	const fleet_view *v = p->v;
	mt_buf *b = p->b;
	axis a = {T_NONE, T_NONE};
	for (size_t i = 0; i < v->nh; i++)
		if (v->h[i].infected) {
			widen(&a, v->h[i].first);
			widen(&a, v->h[i].way_time);
		}
	for (size_t k = 0; k < v->ne; k++) {
		widen(&a, v->e[k].time);
		widen(&a, v->e[k].last);
	}
	int timed = a.lo != T_NONE;
	if (timed) {
		int64_t pad = (a.hi - a.lo) / 20;
		pad = pad < 1800 ? 1800 : pad;
		a.lo -= pad;
		a.hi += pad;
	}
	size_t n = p->norder < MAX_HOSTS ? p->norder : MAX_HOSTS;
	size_t *row = malloc((v->nh ? v->nh : 1) * sizeof(*row));
	if (!row)
		return MT_ERR_NOMEM;
	for (size_t i = 0; i < v->nh; i++)
		row[i] = (size_t)-1;
	for (size_t r = 0; r < n; r++)
		row[p->order[r]] = r;
	double bottom = TOP + (double)n * SH;
	int W = LW + 20 + AW + 70; /* room for the last tick's label */
	mt_buf_printf(b, "<h2>%s</h2>\n", tr(p, "Timeline per host (UTC)", "各主机时间线 (UTC)"));
	legend(p, 1);
	mt_buf_printf(
		b,
		"<div class=\"scroll\"><svg id=\"strips\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" role=\"img\">\n",
		W, bottom + 8, W, bottom + 8);
	if (timed)
		ticks(b, &a, bottom);
	else
		mt_buf_printf(b, "<text x=\"%d\" y=\"%d\">%s</text>\n", LW + 10, TOP - 10,
		              tr(p, "no time known", "没有已知时间"));
	for (size_t r = 0; r < n; r++) {
		size_t i = p->order[r];
		const fhost *x = &v->h[i];
		double y0 = TOP + (double)r * SH, y = y0 + SH / 2.0;
		mt_buf_printf(b, "<g class=\"strip%s%s\" data-host=\"", r % 2 ? " odd" : "",
		              x->infected ? " infected" : "");
		h(b, x->name);
		mt_buf_printf(b,
		              "\"><rect class=\"band\" x=\"0\" y=\"%.1f\" width=\"%d\" "
		              "height=\"%d\"/><text x=\"4\" y=\"%.1f\">",
		              y0, W, SH, y + 4);
		hcut(b, x->name, LABEL);
		mt_buf_adds(b, "<title>");
		h(b, x->name);
		mt_buf_adds(b, "</title></text>");
		int first = timed && x->infected && x->first != T_NONE;
		if (first)
			mt_buf_printf(b,
			              "<rect class=\"compromised\" x=\"%.1f\" y=\"%.1f\" "
			              "width=\"%.1f\" height=\"%d\"/>",
			              X(&a, x->first), y0 + 4, LW + 10 + AW - X(&a, x->first),
			              SH - 8);
		unsigned marks = 0;
		for (size_t k = 0; timed && k < v->ne && marks < MAX_MARKS; k++) {
			const edge *e = &v->e[k];
			if (e->time == T_NONE || (e->from != (int)i && e->to != (int)i))
				continue;
			if (e->from == (int)i)
				strip_mark(p, &a, e, 1, y), marks++;
			if (e->to == (int)i)
				strip_mark(p, &a, e, 0, y), marks++;
		}
		if (timed && x->infected && x->way_time != T_NONE) {
			double wx = X(&a, x->way_time);
			mt_buf_printf(
				b,
				"<path class=\"mark way_in\" d=\"M%.1f,%.1f l5,5 l-5,5 l-5,-5 z\">",
				wx, y - 5);
			way_in_title(p, x);
			mt_buf_adds(b, "</path>");
		}
		if (first) {
			mt_buf_printf(
				b, "<circle class=\"mark first\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\">",
				X(&a, x->first), y);
			mt_buf_adds(b, tr(p, "<title>first sign ", "<title>首次失陷迹象 "));
			mt__fleet_time(b, x->first);
			mt_buf_adds(b, "</title></circle>");
		}
		mt_buf_adds(b, "</g>\n");
	}
	/* an edge between two hosts joins their strips at its time */
	mt_buf_adds(b, "<g class=\"links\">");
	for (size_t k = 0, nl = 0; timed && k < v->ne && nl < MAX_PATHS; k++) {
		const edge *e = &v->e[k];
		if (e->time == T_NONE || e->from < 0 || e->to < 0 || row[e->from] == (size_t)-1 ||
		    row[e->to] == (size_t)-1)
			continue;
		double x = X(&a, e->time);
		mt_buf_printf(b,
		              "<line class=\"link %s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		              "y2=\"%.1f\"/>",
		              kind_class[e->kind], x, TOP + (double)row[e->from] * SH + SH / 2.0, x,
		              TOP + (double)row[e->to] * SH + SH / 2.0);
		nl++;
	}
	mt_buf_adds(b, "</g></svg></div>\n");
	if (p->norder > n)
		mt_buf_printf(b,
		              tr(p, "<p>Not drawn: the strips of %zu more hosts.</p>\n",
		                 "<p>未画出: 另外 %zu 台主机的时间线。</p>\n"),
		              p->norder - n);
	free(row);
	return b->err;
}

/* ---- the tables ---- */

static void more(const page *p, size_t left)
{
	if (left)
		mt_buf_printf(p->b,
		              tr(p, "<p>... and %zu more.</p>\n", "<p>... 另有 %zu 条。</p>\n"),
		              left);
}

static void way_in_cell(const page *p, const fhost *x)
{
	mt_buf *b = p->b;
	if (!x->infected || !x->way_ip[0]) {
		mt_buf_adds(b, x->infected ? tr(p, "not in its logs", "日志中未见") : "");
		return;
	}
	int from = mt__fleet_host_by_addr(p->v, x->way_ip);
	mt_buf_adds(b, tr(p, "login from ", "来自 "));
	h(b, x->way_ip);
	if (from >= 0) {
		mt_buf_adds(b, " (");
		h(b, p->v->h[from].name);
		mt_buf_adds(b, ")");
	} else {
		mt_buf_adds(b, tr(p, " (outside)", " (网外)"));
	}
	if (x->way_user[0]) {
		mt_buf_adds(b, tr(p, " as ", " 用户 "));
		h(b, x->way_user);
	}
	if (x->way_method[0]) {
		mt_buf_adds(b, ", ");
		h(b, x->way_method);
	}
	mt_buf_adds(b, ", ");
	mt__fleet_time(b, x->way_time);
}

static void hosts_table(const page *p)
{
	const fleet_view *v = p->v;
	mt_buf *b = p->b;
	static const char *const sev_class[MT_SEV_COUNT] = {"info", "low", "medium", "high",
	                                                    "critical"};
	mt_buf_printf(b,
	              "<h2>%s</h2>\n<table id=\"hosts\">\n<tr><th>%s</th><th>%s</th><th>%s</th>"
	              "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
	              tr(p, "Hosts", "主机"), tr(p, "host", "主机"), tr(p, "addresses", "地址"),
	              tr(p, "OS", "操作系统"), tr(p, "infected", "失陷"),
	              tr(p, "first sign", "首次失陷迹象"), tr(p, "way in", "入口"),
	              tr(p, "findings (critical, high, medium, low, info)",
	                 "发现 (严重, 高危, 中危, 低危, 信息)"),
	              tr(p, "exposures", "暴露"));
	size_t n = p->norder < MAX_ROWS ? p->norder : MAX_ROWS;
	for (size_t r = 0; r < n; r++) {
		const fhost *x = &v->h[p->order[r]];
		mt_buf_printf(b, "<tr class=\"%s\" data-host=\"",
		              x->infected    ? "infected"
		              : x->have_scan ? "clean"
		                             : "unscanned");
		h(b, x->name);
		mt_buf_adds(b, "\"><td class=\"v name\">");
		h(b, x->name);
		if (x->pz)
			mt_buf_printf(b, " <b>(%s)</b>", tr(p, "patient zero", "零号病人"));
		mt_buf_adds(b, "</td><td class=\"v addr\">");
		for (unsigned k = 0; k < x->naddr && k < MAX_ADDRS; k++) {
			mt_buf_adds(b, k ? ", " : "");
			h(b, x->addr[k]);
		}
		if (x->naddr > MAX_ADDRS)
			mt_buf_printf(b, " +%u", x->naddr - MAX_ADDRS);
		mt_buf_adds(b, "</td><td>");
		h(b, x->os);
		mt_buf_printf(b, "</td><td>%s</td><td class=\"t\">",
		              !x->have_scan ? tr(p, "not scanned", "未扫描")
		              : x->infected ? tr(p, "<b>infected</b>", "<b>已失陷</b>")
		                            : tr(p, "no", "否"));
		if (x->infected)
			mt__fleet_time(b, x->first);
		mt_buf_adds(b, "</td><td>");
		way_in_cell(p, x);
		mt_buf_adds(b, "</td><td class=\"sevs\">");
		for (int s = MT_SEV_COUNT - 1; s >= 0; s--)
			mt_buf_printf(b, "<span class=\"sev %s%s\">%zu</span>", sev_class[s],
			              x->counts[s] ? "" : " zero", x->counts[s]);
		mt_buf_adds(b, "</td><td>");
		for (unsigned k = 0; k < x->lacks.n; k++) {
			mt_buf_adds(b, k ? ", " : "");
			h(b, x->lacks.v[k]);
		}
		mt_buf_adds(b, "</td></tr>\n");
	}
	mt_buf_adds(b, "</table>\n");
	more(p, p->norder - n);
}

static void end_cell(const page *p, int host, const char *addr)
{
	if (host >= 0) {
		h(p->b, p->v->h[host].name);
		if (addr[0]) {
			mt_buf_adds(p->b, " (");
			h(p->b, addr);
			mt_buf_adds(p->b, ")");
		}
	} else {
		h(p->b, addr);
		mt_buf_adds(p->b, tr(p, " (outside)", " (网外)"));
	}
}

static void edges_table(const page *p, int kind)
{
	const fleet_view *v = p->v;
	mt_buf *b = p->b;
	static const char *const head[][2] = {
		{"Spread", "传播"}, {"Attempts", "尝试"}, {"Ruled out", "排除"}};
	size_t n = 0, left = 0;
	for (size_t k = 0; k < v->ne; k++) {
		const edge *e = &v->e[k];
		if (e->kind != kind)
			continue;
		if (n >= MAX_ROWS) {
			left++;
			continue;
		}
		if (!n++)
			mt_buf_printf(b,
			              "<h2>%s</h2>\n<table id=\"%s\">\n<tr><th>%s</th><th>%s</th>"
			              "<th>%s</th><th>%s</th><th>%s</th></tr>\n",
			              head[kind][p->zh], kind_class[kind], tr(p, "time", "时间"),
			              tr(p, "from", "来源"), tr(p, "to", "目标"),
			              tr(p, "method", "方式"), tr(p, "why", "依据"));
		mt_buf_printf(b, "<tr class=\"%s\"><td class=\"t\">", kind_class[kind]);
		mt__fleet_time(b, e->time);
		mt_buf_adds(b, "</td><td class=\"v\">");
		end_cell(p, e->from, e->from_addr);
		mt_buf_adds(b, "</td><td class=\"v\">");
		end_cell(p, e->to, e->to_addr);
		mt_buf_adds(b, "</td><td>");
		h(b, e->method);
		if (e->user[0]) {
			mt_buf_adds(b, tr(p, " as ", " 用户 "));
			h(b, e->user);
		}
		if (e->count > 1) {
			mt_buf_printf(b, tr(p, ", %u times until ", ", %u 次, 直到 "), e->count);
			mt__fleet_time(b, e->last);
		}
		mt_buf_adds(b, "</td><td class=\"why\">");
		h(b, p->zh ? e->why_zh : e->why);
		mt_buf_adds(b, "</td></tr>\n");
	}
	if (n)
		mt_buf_adds(b, "</table>\n");
	more(p, left);
}

typedef struct group_ctx {
	const page *p;
	unsigned rows;
} group_ctx;

static void group_row(void *ctx, const fleet_view *v, int g, const char *value,
                      const unsigned char *in, unsigned n, unsigned ninf, int all)
{
	group_ctx *gc = ctx;
	const page *p = gc->p;
	mt_buf *b = p->b;
	static const char *const what[][2] = {
		{"miner", "矿工程序"}, {"pool", "矿池"}, {"exposure", "暴露"}};
	if (n < 2 && !all)
		return; /* one host is no group */
	if (gc->rows++ >= MAX_ROWS)
		return;
	if (gc->rows == 1)
		mt_buf_printf(b,
		              "<h2>%s</h2>\n<table id=\"groups\">\n<tr><th>%s</th><th>%s</th>"
		              "<th>%s</th><th>%s</th></tr>\n",
		              tr(p, "Shared", "共同点"), tr(p, "what", "类型"),
		              tr(p, "value", "值"), tr(p, "hosts", "主机"),
		              tr(p, "infected", "已失陷"));
	mt_buf_printf(b, "<tr class=\"%s\"><td>%s</td><td class=\"v\">", what[g][0],
	              what[g][p->zh]);
	h(b, value);
	mt_buf_adds(b, "</td><td class=\"v\">");
	unsigned named = 0;
	for (size_t j = 0; j < v->nh && named < MAX_NAMED; j++)
		if (in[j]) {
			mt_buf_adds(b, named++ ? ", " : "");
			h(b, v->h[j].name);
		}
	if (n > named)
		mt_buf_printf(b, tr(p, " and %u more", " 等另 %u 台"), n - named);
	mt_buf_printf(b, "</td><td>%u / %u%s</td></tr>\n", ninf, n,
	              all ? tr(p, ": every infected host", ": 即全部失陷主机") : "");
}

static void groups_table(const page *p)
{
	group_ctx gc = {p, 0};
	mt__fleet_groups(p->v, p->inf, group_row, &gc);
	if (gc.rows)
		mt_buf_adds(p->b, "</table>\n");
	if (gc.rows > MAX_ROWS)
		more(p, gc.rows - MAX_ROWS);
}

static void patient_zero(const page *p)
{
	const fleet_view *v = p->v;
	mt_buf *b = p->b;
	mt_buf_printf(b, "<h2>%s</h2>\n<div id=\"patient-zero\">\n",
	              tr(p, "Patient zero", "零号病人"));
	if (p->pz < 0) {
		mt_buf_printf(b, "<p>%s</p>\n</div>\n",
		              p->inf ? tr(p, "None: no infected host has a known first sign.",
		                          "无: 没有已知首次失陷时间的失陷主机。")
		                     : tr(p, "None: no host is infected.", "无: 没有失陷主机。"));
		return;
	}
	const fhost *x = &v->h[p->pz];
	mt_buf_adds(b, "<p><b>");
	h(b, x->name);
	mt_buf_adds(b, "</b>");
	mt_buf_adds(b, tr(p, ", first sign ", ", 首次失陷迹象 "));
	mt__fleet_time(b, x->first);
	mt_buf_adds(b, tr(p, "; way in: ", "; 入口: "));
	way_in_cell(p, x);
	mt_buf_adds(b, "</p>\n<p class=\"why\">");
	char why[600];
	mt__fleet_pz_why(v, p->pz, p->inf, p->zh ? MT_LANG_ZH : MT_LANG_EN, why, sizeof(why));
	h(b, why);
	mt_buf_adds(b, "</p>\n");
	unsigned char *on = mt__fleet_chain(v, p->pz);
	size_t n = 0, left = 0;
	for (size_t k = 0; on && k < v->ne; k++) {
		const edge *e = &v->e[k];
		if (!on[k])
			continue;
		if (n >= MAX_ROWS) {
			left++;
			continue;
		}
		if (!n++)
			mt_buf_printf(
				b, "<p>%s</p>\n<ol id=\"chain\">\n",
				tr(p, "The chain of propagations from it:", "由它开始的传播链:"));
		mt_buf_adds(b, "<li>");
		mt__fleet_time(b, e->time);
		mt_buf_adds(b, " <code>");
		h(b, v->h[e->from].name);
		mt_buf_adds(b, "</code> \xe2\x86\x92 <code>");
		h(b, v->h[e->to].name);
		mt_buf_adds(b, "</code> (");
		h(b, e->method);
		mt_buf_adds(b, ")</li>\n");
	}
	free(on);
	if (n)
		mt_buf_adds(b, "</ol>\n");
	more(p, left);
	mt_buf_adds(b, "</div>\n");
}

static void verdict(const page *p)
{
	const fleet_view *v = p->v;
	mt_buf *b = p->b;
	mt_buf_printf(b, "<p id=\"verdict\" class=\"%s\" data-hosts=\"%zu\" data-infected=\"%u\"",
	              p->inf ? "bad" : "ok", v->nh, p->inf);
	if (p->pz >= 0) {
		mt_buf_adds(b, " data-patient-zero=\"");
		h(b, v->h[p->pz].name);
		mt_buf_adds(b, "\"");
	}
	if (p->zh)
		mt_buf_printf(b, "><b>%zu 台主机, %u 台已失陷</b>", v->nh, p->inf);
	else
		mt_buf_printf(b, "><b>%zu host%s, %u infected</b>", v->nh, v->nh == 1 ? "" : "s",
		              p->inf);
	if (p->pz >= 0) {
		const fhost *x = &v->h[p->pz];
		mt_buf_adds(b, tr(p, "; patient zero: <b>", "; 零号病人: <b>"));
		h(b, x->name);
		mt_buf_adds(b, tr(p, "</b>, first sign ", "</b>, 首次失陷迹象 "));
		mt__fleet_time(b, x->first);
		mt_buf_adds(b, tr(p, "; way in: ", "; 入口: "));
		way_in_cell(p, x);
	} else if (p->inf) {
		mt_buf_adds(b, tr(p, "; no patient zero (no first sign known)",
		                  "; 无法确定零号病人 (没有已知的首次失陷时间)"));
	}
	mt_buf_adds(b, "</p>\n");
}

void mt__fleet_html(const fleet_view *v, int pz, mt_lang lang, mt_buf *b)
{
	page p = {v, pz, lang == MT_LANG_ZH, 0, b, NULL, 0, NULL, 0, 0, 0, 0};
	for (size_t i = 0; i < v->nh; i++)
		p.inf += (unsigned)v->h[i].infected;
	mt_buf_printf(b,
	              "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
	              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	              "style-src 'unsafe-inline'\">\n<meta name=\"generator\" content=\"minetrace "
	              "%s\">\n<title>minetrace fleet</title>\n<style>%s</style></head><body>\n"
	              "<h1>minetrace %s %s</h1>\n",
	              p.zh ? "zh-CN" : "en", MT_VERSION, style, MT_VERSION,
	              tr(&p, "fleet report", "全网报告"));
	verdict(&p);
	size_t cap = v->nh + MAX_OUTSIDE + 1;
	p.node = calloc(cap, sizeof(*p.node));
	p.order = malloc((v->nh ? v->nh : 1) * sizeof(*p.order));
	if (!p.node || !p.order) {
		b->err = b->err ? b->err : MT_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < v->nh; i++) {
		p.node[i].name = v->h[i].name;
		p.node[i].host = (int)i;
		p.order[i] = i;
	}
	p.nn = p.norder = v->nh;
	okey *ok = malloc((v->nh ? v->nh : 1) * sizeof(*ok));
	if (!ok) {
		b->err = b->err ? b->err : MT_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < v->nh; i++)
		ok[i] = (okey){i, v->h[i].infected, v->h[i].first, 0};
	for (size_t k = 0; k < v->ne; k++) {
		if (v->e[k].from >= 0)
			ok[v->e[k].from].edges++;
		if (v->e[k].to >= 0)
			ok[v->e[k].to].edges++;
	}
	qsort(ok, v->nh, sizeof(*ok), okey_cmp);
	for (size_t i = 0; i < v->nh; i++)
		p.order[i] = ok[i].i;
	free(ok);
	/* outside addresses: the ways in (patient zero's first), then the edges' ends */
	if (pz >= 0 && outside_way_in(v, &v->h[pz]))
		outside_add(&p, v->h[pz].way_ip);
	for (size_t r = 0; r < p.norder; r++)
		if (outside_way_in(v, &v->h[p.order[r]]))
			outside_add(&p, v->h[p.order[r]].way_ip);
	for (size_t k = 0; k < v->ne; k++) {
		if (v->e[k].from < 0)
			outside_add(&p, v->e[k].from_addr);
		if (v->e[k].to < 0)
			outside_add(&p, v->e[k].to_addr);
	}
	if (graph(&p) != MT_OK || strips(&p) != MT_OK) {
		b->err = b->err ? b->err : MT_ERR_NOMEM;
		goto out;
	}
	hosts_table(&p);
	for (int kind = 0; kind < 3; kind++)
		edges_table(&p, kind);
	groups_table(&p);
	patient_zero(&p);
	mt_buf_adds(b, "</body></html>\n");
out:
	free(p.node);
	free(p.order);
}
