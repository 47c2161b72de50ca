/* rules.c - the rules pack: parse *.rules files, keep provenance, index for lookups */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/content.h"
#include "internal.h"

/* Provided by the generated build/gen/rules_builtin.c */
struct mt_builtin_rule_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct mt_builtin_rule_file mt_builtin_rule_files[];
extern const size_t mt_builtin_rule_files_count;

static const char *const kind_names[MT_RK_COUNT] = {
	"pool-domain", "pool-ip",     "pool-ipport", "pool-port",    "browser-domain", "c2-domain",
	"c2-ip",       "c2-ipport",   "url",         "miner-name",   "cmdline",        "sha256",
	"md5",         "path",        "ssh-key",     "paste-domain", "service",        "task",
	"wmi",         "listen-port", "tls-ja3",     "tls-ja4"};

struct mt_rules {
	mt_rule *v;
	size_t n, alloc;
	uint32_t *index; /* open addressing: rule number + 1, 0 = empty */
	size_t index_size;
	char **strings; /* every string owned by the rules (sources, file names) */
	size_t nstrings, astrings;
	uint8_t ports[65536 / 8];
	size_t *bykind[MT_RK_COUNT]; /* rule numbers of glob/substring kinds */
	size_t nbykind[MT_RK_COUNT], abykind[MT_RK_COUNT];
	struct yara_src {
		char *name, *text;
		size_t len;
	} * yara; /* YARA sources (*.yar, *.yara): compiled by the content engine */
	size_t nyara, ayara;
};

const char *mt_rule_kind_name(mt_rule_kind k)
{
	return (unsigned)k < MT_RK_COUNT ? kind_names[k] : "unknown";
}

mt_err mt_rules_new(mt_rules **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? MT_OK : MT_ERR_NOMEM;
}

static void free_rule_strings(mt_rule *r)
{
	free((char *)r->value);
	free((char *)r->note);
	free((char *)r->family);
}

void mt_rules_free(mt_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free_rule_strings(&r->v[i]);
	free(r->v);
	free(r->index);
	for (size_t i = 0; i < r->nstrings; i++)
		free(r->strings[i]);
	free(r->strings);
	for (int k = 0; k < MT_RK_COUNT; k++)
		free(r->bykind[k]);
	for (size_t i = 0; i < r->nyara; i++) {
		free(r->yara[i].name);
		free(r->yara[i].text);
	}
	free(r->yara);
	free(r);
}

size_t mt_rules_yara_count(const mt_rules *r)
{
	return r ? r->nyara : 0;
}

const char *mt_rules_yara(const mt_rules *r, size_t i, const char **name, size_t *len)
{
	if (!r || i >= r->nyara)
		return NULL;
	*name = r->yara[i].name;
	*len = r->yara[i].len;
	return r->yara[i].text;
}

static int is_yara_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return (n > 4 && strcmp(name + n - 4, ".yar") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".yara") == 0);
}

/* A YARA source: checked on its own now (a bad file is named at load, as a bad .rules
 * file is), compiled with the others when a content scan starts. */
static mt_err add_yara(mt_rules *r, const char *name, const char *data, size_t len, mt_diag_fn diag,
                       void *ctx)
{
	char msg[256];
	if (len > MT_MAX_RULES_FILE) {
		if (diag)
			diag(ctx, name, 0, "file too large");
		return MT_ERR_TOOBIG;
	}
	mt_err e = ct_yara_validate(name, data, len, msg, sizeof(msg));
	if (e != MT_OK && e != MT_ERR_UNSUPPORTED) {
		unsigned line = 0;
		const char *m = msg;
		if (sscanf(msg, "line %u: ", &line) == 1 && strstr(msg, ": "))
			m = strstr(msg, ": ") + 2;
		if (diag)
			diag(ctx, name, line, m[0] ? m : mt_strerror(e));
		return e;
	}
	if (r->nyara == r->ayara) {
		size_t na = r->ayara ? r->ayara * 2 : 8;
		void *nv = realloc(r->yara, na * sizeof(*r->yara));
		if (!nv)
			return MT_ERR_NOMEM;
		r->yara = nv;
		r->ayara = na;
	}
	char *n = mt_strdup(name), *t = malloc(len + 1);
	if (!n || !t) {
		free(n);
		free(t);
		return MT_ERR_NOMEM;
	}
	memcpy(t, data, len);
	t[len] = '\0';
	r->yara[r->nyara++] = (struct yara_src){n, t, len};
	return MT_OK;
}

size_t mt_rules_count(const mt_rules *r)
{
	return r->n;
}

mt_err mt_rules_get(const mt_rules *r, size_t i, mt_rule_info *out)
{
	if (i >= r->n)
		return MT_ERR_INVAL;
	const mt_rule *x = &r->v[i];
	out->kind = kind_names[x->kind];
	out->value = x->value;
	out->family = x->family;
	out->note = x->note;
	out->source = x->source;
	out->file = x->file;
	out->line = x->line;
	out->has_sev = x->has_sev;
	out->sev = x->sev;
	return MT_OK;
}

static uint64_t hash_key(mt_rule_kind k, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)k;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void index_insert(uint32_t *ix, size_t size, const mt_rule *v, size_t idx)
{
	const mt_rule *x = &v[idx];
	uint64_t h = hash_key(x->kind, x->value, strlen(x->value)) & (size - 1);
	while (ix[h]) {
		const mt_rule *y = &v[ix[h] - 1];
		if (y->kind == x->kind && strcmp(y->value, x->value) == 0)
			return; /* the first entry with this value answers lookups */
		h = (h + 1) & (size - 1);
	}
	ix[h] = (uint32_t)idx + 1;
}

/* Makes room for want rules in the index (load factor at most 1/2). */
static mt_err index_reserve(mt_rules *r, size_t want)
{
	if (want * 2 <= r->index_size)
		return MT_OK;
	size_t ns = r->index_size ? r->index_size : 1024;
	while (ns < want * 2)
		ns *= 2;
	uint32_t *ni = calloc(ns, sizeof(*ni));
	if (!ni)
		return MT_ERR_NOMEM;
	for (size_t i = 0; i < r->n; i++)
		index_insert(ni, ns, r->v, i);
	free(r->index);
	r->index = ni;
	r->index_size = ns;
	return MT_OK;
}

static const mt_rule *find_n(const mt_rules *r, mt_rule_kind k, const char *v, size_t n)
{
	if (!r->index_size)
		return NULL;
	uint64_t h = hash_key(k, v, n) & (r->index_size - 1);
	while (r->index[h]) {
		const mt_rule *y = &r->v[r->index[h] - 1];
		if (y->kind == k && strncmp(y->value, v, n) == 0 && y->value[n] == '\0')
			return y;
		h = (h + 1) & (r->index_size - 1);
	}
	return NULL;
}

const mt_rule *mt_rules_find(const mt_rules *r, mt_rule_kind k, const char *value)
{
	return find_n(r, k, value, strlen(value));
}

const mt_rule *mt_rules_find_domain(const mt_rules *r, mt_rule_kind k, const char *name, size_t n)
{
	char low[256];
	if (n == 0 || n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	if (low[n - 1] == '.')
		n--;
	low[n] = '\0';
	/* the name, then each parent domain: a.b.pool.com, b.pool.com, pool.com */
	for (size_t off = 0; off < n;) {
		const mt_rule *x = find_n(r, k, low + off, n - off);
		if (x)
			return x;
		const char *dot = memchr(low + off, '.', n - off);
		if (!dot)
			break;
		off = (size_t)(dot - low) + 1;
		if (!memchr(low + off, '.', n - off))
			break; /* never match a bare top-level domain */
	}
	return NULL;
}

int mt_ip_canon(const char *s, size_t n, char *out, size_t outlen)
{
	char tmp[64];
	unsigned char addr[16];
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, addr) == 1)
		return inet_ntop(AF_INET, addr, out, (socklen_t)outlen) ? 0 : -1;
	if (inet_pton(AF_INET6, tmp, addr) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(addr, mapped, 12) == 0)
			return inet_ntop(AF_INET, addr + 12, out, (socklen_t)outlen) ? 0 : -1;
		return inet_ntop(AF_INET6, addr, out, (socklen_t)outlen) ? 0 : -1;
	}
	return -1;
}

const mt_rule *mt_rules_find_ip(const mt_rules *r, mt_rule_kind k, const char *ip, size_t n)
{
	char canon[64];
	if (mt_ip_canon(ip, n, canon, sizeof(canon)) != 0)
		return NULL;
	return mt_rules_find(r, k, canon);
}

const mt_rule *mt_rules_find_ipport(const mt_rules *r, mt_rule_kind k, const char *ip, size_t n,
                                    unsigned port)
{
	char canon[64], key[80];
	if (mt_ip_canon(ip, n, canon, sizeof(canon)) != 0)
		return NULL;
	if (strchr(canon, ':'))
		snprintf(key, sizeof(key), "[%s]:%u", canon, port);
	else
		snprintf(key, sizeof(key), "%s:%u", canon, port);
	return mt_rules_find(r, k, key);
}

void mt_rule_ip(const mt_rule *r, char *out, size_t n)
{
	const char *v = r->value;
	const char *colon = strchr(v, ':');
	if (v[0] == '[')
		snprintf(out, n, "%.*s", (int)strcspn(v + 1, "]"), v + 1);
	else if (colon && !strchr(colon + 1, ':'))
		snprintf(out, n, "%.*s", (int)(colon - v), v);
	else
		snprintf(out, n, "%s", v);
}

int mt_rules_is_pool_port(const mt_rules *r, unsigned port)
{
	return port < 65536 && (r->ports[port / 8] >> (port % 8)) & 1;
}

static int contains_ci(const char *text, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return m == 0;
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;
		while (j < m &&
		       tolower((unsigned char)text[i + j]) == tolower((unsigned char)needle[j]))
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

void mt_rules_each_match(const mt_rules *r, mt_rule_kind k, const char *text, size_t n,
                         int (*fn)(void *ctx, const mt_rule *rule), void *ctx)
{
	if ((unsigned)k >= MT_RK_COUNT)
		return;
	for (size_t i = 0; i < r->nbykind[k]; i++) {
		const mt_rule *x = &r->v[r->bykind[k][i]];
		int hit = k == MT_RK_URL ? contains_ci(text, n, x->value)
		                         : mt_glob_match(x->value, text, n);
		if (hit && fn(ctx, x))
			return;
	}
}

/* ---- Parsing ----------------------------------------------------------------- */

typedef struct parse_state {
	const char *file;
	unsigned line;
	char msg[256];
} parse_state;

/* Reads the next token: a bare word or a "quoted string". Returns 1 with the token in
 * out, 0 at the end of the line, -1 on error (message in ps). key=value attributes come
 * back whole as bare tokens unless the value is quoted, then as key= plus the value. */
static int next_token(const char **pp, const char *end, mt_buf *out, parse_state *ps)
{
	const char *p = *pp;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	mt_buf_reset(out);
	if (p >= end) {
		*pp = p;
		return 0;
	}
	int quoted = 0;
	while (p < end && *p != ' ' && *p != '\t') {
		if (*p == '"') {
			quoted = 1;
			p++;
			for (;;) {
				if (p >= end) {
					snprintf(ps->msg, sizeof(ps->msg),
					         "unterminated quoted string");
					return -1;
				}
				if (*p == '"') {
					p++;
					break;
				}
				if (*p == '\\') {
					if (p + 1 >= end || (p[1] != '\\' && p[1] != '"')) {
						snprintf(
							ps->msg, sizeof(ps->msg),
							"bad escape in quoted string (only \\\\ and \\\")");
						return -1;
					}
					p++;
				}
				if (mt_buf_addc(out, *p) != MT_OK) {
					snprintf(ps->msg, sizeof(ps->msg), "value too long");
					return -1;
				}
				p++;
			}
			if (p < end && *p != ' ' && *p != '\t') {
				snprintf(ps->msg, sizeof(ps->msg), "text after closing quote");
				return -1;
			}
			break;
		}
		if (mt_buf_addc(out, *p) != MT_OK) {
			snprintf(ps->msg, sizeof(ps->msg), "value too long");
			return -1;
		}
		p++;
	}
	(void)quoted;
	*pp = p;
	if (!out->data) {
		/* an empty quoted string */
		if (mt_buf_add(out, "", 0) != MT_OK)
			return -1;
	}
	return 1;
}

static int valid_domain(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (n == 0 || n > 253 || !strchr(s, '.'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-' || c == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0;
}

static int all_hex(const char *s, size_t want)
{
	size_t n = strlen(s);
	if (n != want)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Checks and normalises a value of kind k in place (it may shrink). */
static int normalise(mt_rule_kind k, char *v, size_t vcap, parse_state *ps)
{
	char canon[80];
	uint64_t port;
	switch (k) {
	case MT_RK_POOL_DOMAIN:
	case MT_RK_BROWSER_DOMAIN:
	case MT_RK_C2_DOMAIN:
	case MT_RK_PASTE_DOMAIN:
		lower(v);
		if (v[0] && v[strlen(v) - 1] == '.')
			v[strlen(v) - 1] = '\0';
		if (!valid_domain(v)) {
			snprintf(ps->msg, sizeof(ps->msg), "not a DNS name: \"%.100s\"", v);
			return -1;
		}
		return 0;
	case MT_RK_POOL_IP:
	case MT_RK_C2_IP:
		if (mt_ip_canon(v, strlen(v), canon, sizeof(canon)) != 0) {
			snprintf(ps->msg, sizeof(ps->msg), "not an IP address: \"%.100s\"", v);
			return -1;
		}
		snprintf(v, vcap, "%s", canon);
		return 0;
	case MT_RK_POOL_IPPORT:
	case MT_RK_C2_IPPORT: {
		const char *host = v, *colon;
		size_t hl;
		if (v[0] == '[') {
			const char *rb = strchr(v, ']');
			if (!rb || rb[1] != ':')
				goto bad_ipport;
			host = v + 1;
			hl = (size_t)(rb - host);
			colon = rb + 1;
		} else {
			colon = strrchr(v, ':');
			if (!colon)
				goto bad_ipport;
			hl = (size_t)(colon - v);
		}
		if (mt_ip_canon(host, hl, canon, sizeof(canon)) != 0 ||
		    mt_parse_u64(colon + 1, strlen(colon + 1), 65535, &port) != 0 || port == 0)
			goto bad_ipport;
		if (strchr(canon, ':'))
			snprintf(v, vcap, "[%s]:%u", canon, (unsigned)port);
		else
			snprintf(v, vcap, "%s:%u", canon, (unsigned)port);
		return 0;
	bad_ipport:
		snprintf(ps->msg, sizeof(ps->msg), "not ip:port: \"%.100s\"", v);
		return -1;
	}
	case MT_RK_POOL_PORT:
	case MT_RK_LISTEN_PORT:
		if (mt_parse_u64(v, strlen(v), 65535, &port) != 0 || port == 0) {
			snprintf(ps->msg, sizeof(ps->msg), "not a port (1-65535): \"%.100s\"", v);
			return -1;
		}
		snprintf(v, vcap, "%u", (unsigned)port); /* "0443" is 443 */
		return 0;
	case MT_RK_TLS_JA4: {
		/* JA4: [tqd] version(2) [di] ciphers(2) extensions(2) alpn(2) _ 12 hex _ 12 hex */
		lower(v);
		int ok = strlen(v) == 36 && strchr("tqd", v[0]) && v[3] && strchr("di", v[3]) &&
		         v[10] == '_' && v[23] == '_';
		for (int i = 4; ok && i < 8; i++)
			ok = v[i] >= '0' && v[i] <= '9';
		for (int i = 11; ok && i < 36; i++)
			ok = i == 23 || (v[i] >= '0' && v[i] <= '9') ||
			     (v[i] >= 'a' && v[i] <= 'f');
		if (!ok) {
			snprintf(ps->msg, sizeof(ps->msg), "not a JA4 fingerprint: \"%.100s\"", v);
			return -1;
		}
		return 0;
	}
	case MT_RK_TLS_JA3:
	case MT_RK_SHA256:
	case MT_RK_MD5:
		if (!all_hex(v, k == MT_RK_SHA256 ? 64 : 32)) {
			snprintf(ps->msg, sizeof(ps->msg), "not a %s hex digest: \"%.100s\"",
			         k == MT_RK_SHA256 ? "sha256" : "md5", v);
			return -1;
		}
		lower(v);
		return 0;
	case MT_RK_MINER_NAME:
		lower(v);
		if (!v[0] || strchr(v, '/')) {
			snprintf(ps->msg, sizeof(ps->msg), "a name has no '/' and is not empty");
			return -1;
		}
		return 0;
	case MT_RK_URL:
		lower(v);
		if (strlen(v) < 4 || strstr(v, "://")) {
			snprintf(ps->msg, sizeof(ps->msg),
			         "url is written without scheme and has at least 4 characters");
			return -1;
		}
		return 0;
	case MT_RK_CMDLINE:
	case MT_RK_PATH:
	case MT_RK_SERVICE:
	case MT_RK_TASK:
	case MT_RK_WMI: {
		size_t lit = 0;
		for (const char *c = v; *c; c++)
			if (*c != '*' && *c != '?')
				lit++;
		if (lit < 3) {
			snprintf(ps->msg, sizeof(ps->msg),
			         "pattern needs at least 3 literal characters: \"%.100s\"", v);
			return -1;
		}
		return 0;
	}
	case MT_RK_SSH_KEY:
		for (const char *c = v; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '+' && *c != '/' && *c != '=') {
				snprintf(ps->msg, sizeof(ps->msg),
				         "ssh-key is the base64 key body");
				return -1;
			}
		if (strlen(v) < 32) {
			snprintf(ps->msg, sizeof(ps->msg), "ssh-key body too short");
			return -1;
		}
		return 0;
	case MT_RK_COUNT:
		break;
	}
	return -1;
}

static mt_err reserve(void **v, size_t *alloc, size_t want, size_t elem)
{
	if (want <= *alloc)
		return MT_OK;
	size_t na = *alloc ? *alloc : 16;
	while (na < want)
		na *= 2;
	void *nv = realloc(*v, na * elem);
	if (!nv)
		return MT_ERR_NOMEM;
	*v = nv;
	*alloc = na;
	return MT_OK;
}

typedef struct pending {
	mt_rule *v;
	size_t n, alloc;
	char **sources; /* sources seen in this file, moved to the rules on success */
	size_t nsources;
} pending;

static void pending_free(pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		free_rule_strings(&p->v[i]);
	free(p->v);
	for (size_t i = 0; i < p->nsources; i++)
		free(p->sources[i]);
	free(p->sources);
}

/* Parses one line into p. Returns 0, or -1 with ps->msg set. */
static int parse_line(const char *line, size_t n, const char **source, pending *p, parse_state *ps,
                      mt_buf *tok)
{
	const char *s = line, *end = line + n;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (s == end || *s == '#')
		return 0;
	if (memchr(s, '\0', (size_t)(end - s))) {
		snprintf(ps->msg, sizeof(ps->msg), "NUL byte in line");
		return -1;
	}
	if (*s == '@') {
		if ((size_t)(end - s) < 8 || strncmp(s, "@source", 7) != 0 ||
		    (s[7] != ' ' && s[7] != '\t')) {
			snprintf(ps->msg, sizeof(ps->msg), "unknown directive (only @source)");
			return -1;
		}
		const char *t = s + 8;
		while (t < end && (*t == ' ' || *t == '\t'))
			t++;
		if (t == end) {
			snprintf(ps->msg, sizeof(ps->msg), "@source needs a text");
			return -1;
		}
		char **ns = realloc(p->sources, (p->nsources + 1) * sizeof(*ns));
		if (!ns)
			return -1;
		p->sources = ns;
		ns[p->nsources] = mt_strndup(t, (size_t)(end - t));
		if (!ns[p->nsources])
			return -1;
		*source = ns[p->nsources++];
		return 0;
	}
	int r = next_token(&s, end, tok, ps);
	if (r < 0)
		return -1;
	mt_rule_kind kind = MT_RK_COUNT;
	for (int k = 0; k < MT_RK_COUNT; k++)
		if (strcmp(tok->data, kind_names[k]) == 0)
			kind = (mt_rule_kind)k;
	if (kind == MT_RK_COUNT) {
		snprintf(ps->msg, sizeof(ps->msg), "unknown kind \"%.60s\"", tok->data);
		return -1;
	}
	if (!*source) {
		snprintf(ps->msg, sizeof(ps->msg), "entry before any @source line");
		return -1;
	}
	r = next_token(&s, end, tok, ps);
	if (r < 0)
		return -1;
	if (r == 0 || tok->len == 0) {
		snprintf(ps->msg, sizeof(ps->msg), "%s needs a value", kind_names[kind]);
		return -1;
	}
	char value[MT_MAX_RULE_VALUE + 80];
	if (tok->len > MT_MAX_RULE_VALUE) {
		snprintf(ps->msg, sizeof(ps->msg), "value longer than %u bytes",
		         (unsigned)MT_MAX_RULE_VALUE);
		return -1;
	}
	memcpy(value, tok->data, tok->len + 1);
	if (normalise(kind, value, sizeof(value), ps) != 0)
		return -1;

	mt_rule rule;
	memset(&rule, 0, sizeof(rule));
	rule.kind = kind;
	rule.source = *source;
	rule.file = ps->file;
	rule.line = ps->line;
	char *family = NULL, *note = NULL;
	while ((r = next_token(&s, end, tok, ps)) > 0) {
		char *eq = strchr(tok->data, '=');
		if (!eq) {
			snprintf(ps->msg, sizeof(ps->msg), "expected attr=value, got \"%.60s\"",
			         tok->data);
			goto fail;
		}
		*eq = '\0';
		const char *val = eq + 1;
		if (strcmp(tok->data, "family") == 0 && !family) {
			family = mt_strdup(val);
			if (!family)
				goto fail;
		} else if (strcmp(tok->data, "note") == 0 && !note) {
			note = mt_strdup(val);
			if (!note)
				goto fail;
		} else if (strcmp(tok->data, "sev") == 0 && !rule.has_sev) {
			if (mt_severity_parse(val, &rule.sev) != MT_OK) {
				snprintf(ps->msg, sizeof(ps->msg), "bad severity \"%.40s\"", val);
				goto fail;
			}
			rule.has_sev = 1;
		} else {
			snprintf(ps->msg, sizeof(ps->msg),
			         "unknown or repeated attribute \"%.40s\"", tok->data);
			goto fail;
		}
	}
	if (r < 0)
		goto fail;
	rule.value = mt_strdup(value);
	rule.family = family ? family : mt_strdup("");
	rule.note = note ? note : mt_strdup("");
	family = note = NULL;
	if (!rule.value || !rule.family || !rule.note) {
		free_rule_strings(&rule);
		snprintf(ps->msg, sizeof(ps->msg), "out of memory");
		return -1;
	}
	if (p->n == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 64;
		mt_rule *nv = realloc(p->v, na * sizeof(*nv));
		if (!nv) {
			free_rule_strings(&rule);
			snprintf(ps->msg, sizeof(ps->msg), "out of memory");
			return -1;
		}
		p->v = nv;
		p->alloc = na;
	}
	p->v[p->n++] = rule;
	return 0;
fail:
	free(family);
	free(note);
	return -1;
}

mt_err mt_rules_load_buffer(mt_rules *r, const char *name, const char *data, size_t len,
                            mt_diag_fn diag, void *ctx)
{
	pending p;
	parse_state ps;
	mt_buf tok;
	const char *source = NULL;
	mt_err err = MT_OK;

	memset(&p, 0, sizeof(p));
	memset(&ps, 0, sizeof(ps));
	mt_buf_init(&tok, MT_MAX_RULE_VALUE + 64);
	ps.file = name ? name : "(rules)";
	if (is_yara_name(name)) {
		mt_buf_free(&tok);
		return add_yara(r, name, data, len, diag, ctx);
	}

	if (len > MT_MAX_RULES_FILE) {
		snprintf(ps.msg, sizeof(ps.msg), "file larger than %u bytes",
		         (unsigned)MT_MAX_RULES_FILE);
		err = MT_ERR_TOOBIG;
		goto out;
	}
	const char *s = data, *end = data + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t ll = nl ? (size_t)(nl - s) : (size_t)(end - s);
		ps.line++;
		if (ll > MT_MAX_LINE) {
			snprintf(ps.msg, sizeof(ps.msg), "line longer than %u bytes",
			         (unsigned)MT_MAX_LINE);
			err = MT_ERR_PARSE;
			goto out;
		}
		if (parse_line(s, ll, &source, &p, &ps, &tok) != 0) {
			if (!ps.msg[0])
				snprintf(ps.msg, sizeof(ps.msg), "out of memory");
			err = MT_ERR_PARSE;
			goto out;
		}
		if (r->n + p.n > MT_MAX_RULES) {
			snprintf(ps.msg, sizeof(ps.msg), "more than %u rules",
			         (unsigned)MT_MAX_RULES);
			err = MT_ERR_LIMIT;
			goto out;
		}
		s = nl ? nl + 1 : end;
	}
	ps.line = 0;

	/* Commit: reserve all room first, so that moving the entries cannot fail. */
	size_t nk[MT_RK_COUNT] = {0};
	for (size_t i = 0; i < p.n; i++)
		nk[p.v[i].kind]++;
	err = reserve((void **)&r->v, &r->alloc, r->n + p.n, sizeof(*r->v));
	if (err == MT_OK)
		err = reserve((void **)&r->strings, &r->astrings, r->nstrings + p.nsources + 1,
		              sizeof(*r->strings));
	for (int k = 0; k < MT_RK_COUNT && err == MT_OK; k++)
		err = reserve((void **)&r->bykind[k], &r->abykind[k], r->nbykind[k] + nk[k],
		              sizeof(*r->bykind[k]));
	if (err == MT_OK)
		err = index_reserve(r, r->n + p.n);
	char *fname = err == MT_OK ? mt_strdup(ps.file) : NULL;
	if (!fname) {
		snprintf(ps.msg, sizeof(ps.msg), "out of memory");
		err = MT_ERR_NOMEM;
		goto out;
	}
	r->strings[r->nstrings++] = fname;
	for (size_t i = 0; i < p.nsources; i++) {
		r->strings[r->nstrings++] = p.sources[i];
		p.sources[i] = NULL;
	}
	for (size_t i = 0; i < p.n; i++) {
		size_t idx = r->n++;
		mt_rule *x = &r->v[idx];
		*x = p.v[i];
		x->file = fname;
		if (x->kind == MT_RK_POOL_PORT) {
			unsigned port = (unsigned)strtoul(x->value, NULL, 10);
			r->ports[port / 8] |= (uint8_t)(1u << (port % 8));
		}
		if (x->kind == MT_RK_CMDLINE || x->kind == MT_RK_PATH || x->kind == MT_RK_URL ||
		    x->kind == MT_RK_SERVICE || x->kind == MT_RK_TASK || x->kind == MT_RK_WMI)
			r->bykind[x->kind][r->nbykind[x->kind]++] = idx;
		index_insert(r->index, r->index_size, r->v, idx);
	}
	p.n = 0;
out:
	pending_free(&p);
	if (err != MT_OK && diag)
		diag(ctx, ps.file, ps.line, ps.msg[0] ? ps.msg : mt_strerror(err));
	mt_buf_free(&tok);
	return err;
}

mt_err mt_rules_load_builtin(mt_rules *r, mt_diag_fn diag, void *ctx)
{
	mt_err first = MT_OK;
	for (size_t i = 0; i < mt_builtin_rule_files_count; i++) {
		const struct mt_builtin_rule_file *f = &mt_builtin_rule_files[i];
		mt_err e =
			mt_rules_load_buffer(r, f->name, (const char *)f->data, f->len, diag, ctx);
		if (e != MT_OK && first == MT_OK)
			first = e;
	}
	return first;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

static mt_err load_file_at(mt_rules *r, int dfd, const char *name, const char *path,
                           mt_diag_fn diag, void *ctx)
{
	int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	mt_err fe = MT_OK;
	char *data = NULL;
	size_t len = 0;
	int trunc = 0;
	if (fd < 0)
		fe = mt_errno_to_err(errno);
	else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		fe = MT_ERR_NOTREG;
	else
		fe = mt_read_fd(fd, MT_MAX_RULES_FILE, &data, &len, &trunc);
	if (fd >= 0)
		close(fd);
	if (fe == MT_OK && trunc)
		fe = MT_ERR_TOOBIG;
	if (fe != MT_OK) {
		if (diag)
			diag(ctx, path, 0, mt_strerror(fe));
	} else {
		fe = mt_rules_load_buffer(r, path, data, len, diag, ctx);
	}
	free(data);
	return fe;
}

/* *.rules of dir; *.yar and *.yara of dir and its subdirectories (rule sets such as
 * signature-base keep them in folders), depth bounded */
static mt_err load_dir_at(mt_rules *r, int dfd, const char *dir, unsigned depth, mt_diag_fn diag,
                          void *ctx)
{
	mt_dirent *ents;
	size_t n;
	mt_err e = mt_list_fd(dfd, MT_LIST_READDIR, &ents, &n);
	if (e != MT_OK) {
		if (diag)
			diag(ctx, dir, 0, mt_strerror(e));
		return e;
	}
	mt_err first = MT_OK;
	for (size_t i = 0; i < n; i++) {
		char path[MT_MAX_PATH];
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i].name);
		mt_err fe = MT_OK;
		if ((depth == 0 && ends_with(ents[i].name, ".rules")) ||
		    is_yara_name(ents[i].name)) {
			fe = load_file_at(r, dfd, ents[i].name, path, diag, ctx);
		} else if (depth < 3 && ents[i].name[0] != '.' &&
		           (ents[i].type == DT_DIR || ents[i].type == DT_UNKNOWN)) {
			int sub = openat(dfd, ents[i].name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				fe = load_dir_at(r, sub, path, depth + 1, diag, ctx);
				close(sub);
			}
		}
		if (fe != MT_OK && first == MT_OK)
			first = fe;
	}
	mt_dirents_free(ents, n);
	return first;
}

mt_err mt_rules_load_dir(mt_rules *r, const char *dir, mt_diag_fn diag, void *ctx)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 && errno == ENOTDIR) /* one rules file named on its own */
		return load_file_at(r, AT_FDCWD, dir, dir, diag, ctx);
	if (dfd < 0) {
		mt_err e = mt_errno_to_err(errno);
		if (diag)
			diag(ctx, dir, 0, mt_strerror(e));
		return e;
	}
	mt_err e = load_dir_at(r, dfd, dir, 0, diag, ctx);
	close(dfd);
	return e;
}
