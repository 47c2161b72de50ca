/* finding.c - the finding model (evidence, remedy, stable id) and the report holding them */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/fileinfo.h"
#include "collect/hostid.h"
#include "internal.h"

struct mt_report {
	mt_finding **v;
	size_t n, alloc;
	uint32_t *index; /* open addressing by id: finding number + 1 */
	size_t index_size;
	size_t dropped;            /* findings refused by MT_MAX_FINDINGS */
	size_t sevn[MT_SEV_COUNT]; /* findings held per severity */
	size_t evict_at;           /* where the search for a finding to give up goes on */
	char **diag;
	size_t ndiag, diag_total;
	char *root;
	int64_t started, duration_ms;
	uint64_t checks;
	char *extra_json, *extra_text[MT_LANG_COUNT]; /* pcap host verdicts */
	const char *kind;       /* what made the report: NULL for a scan, "pcap" */
	struct mt_hostid *host; /* who was scanned (host_info), or NULL */
};

void mt__report_set_host(mt_report *r, const struct mt_hostid *h)
{
	if (!r->host)
		r->host = malloc(sizeof(*r->host));
	if (r->host)
		*r->host = *h;
}

const struct mt_hostid *mt__report_host(const mt_report *r)
{
	return r->host;
}

void mt__report_set_kind(mt_report *r, const char *kind)
{
	r->kind = kind;
}

const char *mt__report_kind(const mt_report *r)
{
	return r->kind;
}

mt_err mt_report_new(mt_report **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? MT_OK : MT_ERR_NOMEM;
}

void mt_report_free(mt_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		mt_finding_free(r->v[i]);
	free(r->v);
	free(r->index);
	for (size_t i = 0; i < r->ndiag; i++)
		free(r->diag[i]);
	free(r->diag);
	free(r->root);
	free(r->host);
	free(r->extra_json);
	for (int l = 0; l < MT_LANG_COUNT; l++)
		free(r->extra_text[l]);
	free(r);
}

mt_finding *mt_finding_new(const mt_check_info *check, mt_severity sev, unsigned confidence)
{
	mt_finding *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->check = check;
	f->severity = sev;
	f->confidence = confidence > 100 ? 100 : confidence;
	return f;
}

static void kv_free(mt_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(kv[i].sval);
}

void mt_finding_free(mt_finding *f)
{
	if (!f)
		return;
	for (int l = 0; l < MT_LANG_COUNT; l++) {
		free(f->title[l]);
		free(f->explain[l]);
	}
	kv_free(f->ev, f->nev);
	for (size_t i = 0; i < f->nact; i++)
		kv_free(f->act[i].params, f->act[i].nparams);
	free(f);
}

void mt_finding_text(mt_finding *f, mt_lang lang, const char *title, const char *fmt, ...)
{
	if (!f || f->err || (unsigned)lang >= MT_LANG_COUNT)
		return;
	char buf[MT_MAX_TEXT];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(f->title[lang]);
	free(f->explain[lang]);
	f->title[lang] = mt_strdup(title);
	f->explain[lang] = mt_strdup(buf);
	if (!f->title[lang] || !f->explain[lang])
		f->err = MT_ERR_NOMEM;
}

static mt_kv *kv_slot(mt_finding *f, mt_kv *arr, size_t *n, size_t max, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(arr[i].key, key) == 0) {
			free(arr[i].sval);
			arr[i].sval = NULL;
			return &arr[i];
		}
	if (*n >= max) {
		f->err = MT_ERR_LIMIT;
		return NULL;
	}
	mt_kv *kv = &arr[(*n)++];
	memset(kv, 0, sizeof(*kv));
	kv->key = key;
	return kv;
}

void mt_finding_strn(mt_finding *f, const char *key, const char *val, size_t n, int identity)
{
	if (!f || f->err || !val)
		return;
	mt_kv *kv = kv_slot(f, f->ev, &f->nev, MT_MAX_EVIDENCE, key);
	if (!kv)
		return;
	kv->identity = identity;
	kv->sval = mt_strndup(val, n);
	if (!kv->sval) {
		f->nev--;
		f->err = MT_ERR_NOMEM;
	}
}

void mt_finding_str(mt_finding *f, const char *key, const char *val, int identity)
{
	if (val)
		mt_finding_strn(f, key, val, strlen(val), identity);
}

void mt_finding_int(mt_finding *f, const char *key, long long val, int identity)
{
	if (!f || f->err)
		return;
	mt_kv *kv = kv_slot(f, f->ev, &f->nev, MT_MAX_EVIDENCE, key);
	if (!kv)
		return;
	kv->identity = identity;
	kv->ival = val;
}

/* Sets key to val, or appends "; val" when the key already holds other values. */
static void ev_append(mt_finding *f, const char *key, const char *val)
{
	for (size_t i = 0; f && !f->err && i < f->nev; i++) {
		const char *old = f->ev[i].sval;
		if (strcmp(f->ev[i].key, key) != 0 || !old)
			continue;
		size_t ol = strlen(old), vl = strlen(val);
		for (const char *p = old; (p = strstr(p, val)) != NULL; p++)
			if ((p == old || (p >= old + 2 && p[-2] == ';')) &&
			    (p[vl] == '\0' || p[vl] == ';'))
				return; /* already there */
		char *n = malloc(ol + vl + 3);
		if (!n) {
			f->err = MT_ERR_NOMEM;
			return;
		}
		memcpy(n, old, ol);
		memcpy(n + ol, "; ", 2);
		memcpy(n + ol + 2, val, vl + 1);
		free(f->ev[i].sval);
		f->ev[i].sval = n;
		return;
	}
	mt_finding_str(f, key, val, 0);
}

void mt_finding_rule(mt_finding *f, const mt_rule *rule)
{
	if (!rule)
		return;
	char desc[MT_MAX_RULE_VALUE + 64];
	snprintf(desc, sizeof(desc), "%s %s", mt_rule_kind_name(rule->kind), rule->value);
	ev_append(f, "rule", desc);
	ev_append(f, "rule_source", rule->source);
	if (rule->family[0])
		ev_append(f, "family", rule->family);
}

void mt_finding_raise(mt_finding *f, mt_severity sev)
{
	if (f && sev > f->severity)
		f->severity = sev;
}

mt_action *mt_finding_action(mt_finding *f, const char *type)
{
	if (!f || f->err)
		return NULL;
	if (f->nact >= MT_MAX_ACTIONS) {
		f->err = MT_ERR_LIMIT;
		return NULL;
	}
	mt_action *a = &f->act[f->nact++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

void mt_action_str(mt_finding *f, mt_action *a, const char *key, const char *val)
{
	if (!f || f->err || !a || !val)
		return;
	mt_kv *kv = kv_slot(f, a->params, &a->nparams, MT_MAX_ACTION_PARAMS, key);
	if (!kv)
		return;
	kv->sval = mt_strdup(val);
	if (!kv->sval) {
		a->nparams--;
		f->err = MT_ERR_NOMEM;
	}
}

void mt_action_int(mt_finding *f, mt_action *a, const char *key, long long val)
{
	if (!f || f->err || !a)
		return;
	mt_kv *kv = kv_slot(f, a->params, &a->nparams, MT_MAX_ACTION_PARAMS, key);
	if (kv)
		kv->ival = val;
}

/* "MT-" and 16 hex digits of SHA-256 over the check id and the identity evidence:
 * the same evidence gives the same id on every run and every host. */
static void compute_id(mt_finding *f)
{
	mt_sha256 c;
	uint8_t d[32];
	char hex[65], num[32];
	mt_sha256_init(&c);
	mt_sha256_update(&c, f->check->id, strlen(f->check->id) + 1);
	for (size_t i = 0; i < f->nev; i++) {
		if (!f->ev[i].identity)
			continue;
		mt_sha256_update(&c, f->ev[i].key, strlen(f->ev[i].key) + 1);
		if (f->ev[i].sval) {
			mt_sha256_update(&c, f->ev[i].sval, strlen(f->ev[i].sval) + 1);
		} else {
			int n = snprintf(num, sizeof(num), "%lld", f->ev[i].ival);
			mt_sha256_update(&c, num, (size_t)n + 1);
		}
	}
	mt_sha256_final(&c, d);
	mt_hex(d, 8, hex);
	snprintf(f->id, sizeof(f->id), "MT-%.16s", hex);
}

static uint64_t id_hash(const char *id)
{
	uint64_t h = 1469598103934665603ull;
	for (; *id; id++) {
		h ^= (unsigned char)*id;
		h *= 1099511628211ull;
	}
	return h;
}

static mt_err index_grow(mt_report *r)
{
	size_t ns = r->index_size ? r->index_size * 2 : 256;
	uint32_t *ni = calloc(ns, sizeof(*ni));
	if (!ni)
		return MT_ERR_NOMEM;
	for (size_t i = 0; i < r->n; i++) {
		uint64_t h = id_hash(r->v[i]->id) & (ns - 1);
		while (ni[h])
			h = (h + 1) & (ns - 1);
		ni[h] = (uint32_t)i + 1;
	}
	free(r->index);
	r->index = ni;
	r->index_size = ns;
	return MT_OK;
}

/* Removes the index entry of finding number j (backward shift, no tombstones). */
static void index_del(mt_report *r, size_t j)
{
	size_t m = r->index_size - 1, i = id_hash(r->v[j]->id) & m;
	while (r->index[i] && r->index[i] != j + 1)
		i = (i + 1) & m;
	if (!r->index[i])
		return;
	for (size_t k = (i + 1) & m; r->index[k]; k = (k + 1) & m) {
		size_t home = id_hash(r->v[r->index[k] - 1]->id) & m;
		if (i <= k ? (i < home && home <= k) : (i < home || home <= k))
			continue;
		r->index[i] = r->index[k];
		i = k;
	}
	r->index[i] = 0;
}

/* Full report: a finding of the lowest severity held, below sev, is given up for the new
 * one, so a flood of weak findings cannot push out a critical one. SIZE_MAX: none. */
static size_t evict_pick(mt_report *r, mt_severity sev)
{
	int low = 0;
	while (low < (int)sev && !r->sevn[low])
		low++;
	if (low >= (int)sev)
		return SIZE_MAX;
	for (size_t k = 0; k < r->n; k++) {
		size_t j = (r->evict_at + k) % r->n;
		if ((int)r->v[j]->severity == low) {
			r->evict_at = j + 1;
			return j;
		}
	}
	return SIZE_MAX;
}

void mt__report_add_dropped(mt_report *r, size_t n)
{
	r->dropped += n;
}

/* Below medium a finding is a hint: it proposes no change to the host (no lock, no
 * deletion, no kill), only advice (harden, change a password, reinstall a package). */
static void advisory_only(mt_finding *f)
{
	static const char *const advice[] = {"harden", "change_password", "reinstall_package"};
	if (f->severity >= MT_SEV_MEDIUM)
		return;
	size_t k = 0;
	for (size_t i = 0; i < f->nact; i++) {
		int keep = 0;
		for (size_t j = 0; j < MT_ARRAY_LEN(advice) && !keep; j++)
			keep = strcmp(f->act[i].type, advice[j]) == 0;
		if (keep)
			f->act[k++] = f->act[i];
		else
			kv_free(f->act[i].params, f->act[i].nparams);
	}
	f->nact = k;
}

mt_err mt_report_add(mt_report *r, mt_finding *f)
{
	mt_err e;
	if (!f)
		return MT_ERR_NOMEM;
	if (f->err) {
		e = f->err;
		mt_finding_free(f);
		return e;
	}
	for (int l = 0; l < MT_LANG_COUNT; l++)
		if (!f->title[l]) {
			f->title[l] = mt_strdup(f->check->title[l]);
			f->explain[l] = mt_strdup("");
			if (!f->title[l] || !f->explain[l]) {
				mt_finding_free(f);
				return MT_ERR_NOMEM;
			}
		}
	advisory_only(f);
	compute_id(f);
	if ((r->n + 1) * 2 > r->index_size && (e = index_grow(r)) != MT_OK) {
		mt_finding_free(f);
		return e;
	}
	uint64_t h = id_hash(f->id) & (r->index_size - 1);
	while (r->index[h]) {
		mt_finding *old = r->v[r->index[h] - 1];
		if (strcmp(old->id, f->id) == 0) {
			if (f->severity > old->severity) {
				r->sevn[old->severity]--;
				r->sevn[f->severity]++;
				r->v[r->index[h] - 1] = f;
				mt_finding_free(old);
			} else {
				mt_finding_free(f);
			}
			return MT_OK;
		}
		h = (h + 1) & (r->index_size - 1);
	}
	if (r->n >= MT_MAX_FINDINGS) {
		size_t j = evict_pick(r, f->severity);
		r->dropped++;
		if (j == SIZE_MAX) {
			mt_finding_free(f);
			return MT_ERR_LIMIT;
		}
		mt_finding *old = r->v[j];
		index_del(r, j);
		h = id_hash(f->id) & (r->index_size - 1);
		while (r->index[h])
			h = (h + 1) & (r->index_size - 1);
		r->index[h] = (uint32_t)j + 1;
		r->v[j] = f;
		r->sevn[old->severity]--;
		r->sevn[f->severity]++;
		mt_finding_free(old);
		return MT_OK;
	}
	if (r->n == r->alloc) {
		size_t na = r->alloc ? r->alloc * 2 : 64;
		mt_finding **nv = realloc(r->v, na * sizeof(*nv));
		if (!nv) {
			mt_finding_free(f);
			return MT_ERR_NOMEM;
		}
		r->v = nv;
		r->alloc = na;
	}
	r->index[h] = (uint32_t)r->n + 1;
	r->v[r->n++] = f;
	r->sevn[f->severity]++;
	return MT_OK;
}

void mt_report_diag(mt_report *r, const char *fmt, ...)
{
	r->diag_total++;
	if (r->ndiag >= MT_MAX_DIAGNOSTICS)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char **nd = realloc(r->diag, (r->ndiag + 1) * sizeof(*nd));
	if (!nd)
		return;
	r->diag = nd;
	if ((nd[r->ndiag] = mt_strdup(buf)) != NULL)
		r->ndiag++;
}

void mt_report_set_meta(mt_report *r, const char *root, int64_t started, int64_t duration_ms,
                        uint64_t checks)
{
	free(r->root);
	r->root = mt_strdup(root);
	r->started = started;
	r->duration_ms = duration_ms;
	r->checks = checks;
}

static int finding_cmp(const void *pa, const void *pb)
{
	const mt_finding *a = *(mt_finding *const *)pa, *b = *(mt_finding *const *)pb;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	int c = strcmp(a->check->id, b->check->id);
	return c ? c : strcmp(a->id, b->id);
}

void mt_report_sort(mt_report *r)
{
	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), finding_cmp);
	if (r->index_size) {
		memset(r->index, 0, r->index_size * sizeof(*r->index));
		for (size_t i = 0; i < r->n; i++) {
			uint64_t h = id_hash(r->v[i]->id) & (r->index_size - 1);
			while (r->index[h])
				h = (h + 1) & (r->index_size - 1);
			r->index[h] = (uint32_t)i + 1;
		}
	}
}

size_t mt_report_count(const mt_report *r)
{
	return r->n;
}

size_t mt_report_count_at_least(const mt_report *r, mt_severity min)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i]->severity >= min)
			c++;
	return c;
}

const mt_finding *mt_report_get(const mt_report *r, size_t i)
{
	return i < r->n ? r->v[i] : NULL;
}

const char *mt_finding_id(const mt_finding *f)
{
	return f->id;
}

const char *mt_finding_check(const mt_finding *f)
{
	return f->check->id;
}

mt_severity mt_finding_severity(const mt_finding *f)
{
	return f->severity;
}

const char *mt_finding_evidence(const mt_finding *f, const char *key, char *buf, size_t buflen)
{
	for (size_t i = 0; i < f->nev; i++)
		if (strcmp(f->ev[i].key, key) == 0) {
			if (f->ev[i].sval)
				return f->ev[i].sval;
			snprintf(buf, buflen, "%lld", f->ev[i].ival);
			return buf;
		}
	return NULL;
}

/* Accessors for the reporters in report.c */
size_t mt__report_ndiag(const mt_report *r, size_t *total, const char *const **diag)
{
	*total = r->diag_total;
	*diag = (const char *const *)r->diag;
	return r->ndiag;
}

void mt__report_meta(const mt_report *r, const char **root, int64_t *started, int64_t *duration_ms,
                     uint64_t *checks, size_t *dropped)
{
	*root = r->root;
	*started = r->started;
	*duration_ms = r->duration_ms;
	*checks = r->checks;
	*dropped = r->dropped;
}

mt_err mt__report_set_extra(mt_report *r, const char *json, const char *text_en,
                            const char *text_zh)
{
	char *j = mt_strdup(json), *en = mt_strdup(text_en), *zh = mt_strdup(text_zh);
	if (!j || !en || !zh) {
		free(j);
		free(en);
		free(zh);
		return MT_ERR_NOMEM;
	}
	free(r->extra_json);
	free(r->extra_text[0]);
	free(r->extra_text[1]);
	r->extra_json = j;
	r->extra_text[MT_LANG_EN] = en;
	r->extra_text[MT_LANG_ZH] = zh;
	return MT_OK;
}

const char *mt__report_extra(const mt_report *r, int json, mt_lang lang)
{
	const char *s = json ? r->extra_json : r->extra_text[lang == MT_LANG_ZH];
	return s ? s : "";
}

/* Gives each quarantine_file action without a sha256 the SHA-256 of the regular file it
 * names (read through the host layer, links resolved inside the root, at most
 * MT_MAX_QUARANTINE_FILE bytes): respond takes a file, or a link's target, on a report's
 * word only while it still hashes the same. */
void mt_report_hash_quarantines(mt_report *r, mt_host *h)
{
	for (size_t i = 0; r && h && i < r->n; i++) {
		mt_finding *f = r->v[i];
		for (size_t k = 0; k < f->nact; k++) {
			mt_action *a = &f->act[k];
			const char *path = NULL;
			int has = 0;
			if (strcmp(a->type, "quarantine_file") != 0)
				continue;
			for (size_t p = 0; p < a->nparams; p++) {
				if (strcmp(a->params[p].key, "path") == 0)
					path = a->params[p].sval;
				has |= strcmp(a->params[p].key, "sha256") == 0;
			}
			char hx[65];
			int cut = 0;
			if (!path || has || path[0] != '/' ||
			    mt_fi_hash(h, path, MT_MAX_QUARANTINE_FILE, NULL, hx, NULL, &cut) !=
			            MT_OK ||
			    cut)
				continue;
			mt_action_str(f, a, "sha256", hx);
		}
	}
}
