/* yara_dyn.c - YARA through libyara: the rules compiled once, one scanner a worker,
 * matches with the rule, its file and the strings that matched */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yara.h>

#include "content.h"

struct ct_yara {
	YR_RULES *rules;
	unsigned count;
};

struct ct_yscan {
	YR_SCANNER *sc;
	ct_ymatches *out; /* of the scan running */
};

/* the externals community rule sets (signature-base, LOKI, THOR) use */
static const char *const externals[] = {"filename", "filepath", "extension", "filetype", "owner"};

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned init_refs;

static int lib_up(void)
{
	int ok = 1;
	pthread_mutex_lock(&init_lock);
	if (init_refs == 0 && yr_initialize() != ERROR_SUCCESS)
		ok = 0;
	if (ok)
		init_refs++;
	pthread_mutex_unlock(&init_lock);
	return ok;
}

static void lib_down(void)
{
	pthread_mutex_lock(&init_lock);
	if (init_refs && --init_refs == 0)
		yr_finalize();
	pthread_mutex_unlock(&init_lock);
}

typedef struct cmsg {
	char *msg;
	size_t n;
	int errors;
} cmsg;

static void on_compile(int level, const char *file, int line, const YR_RULE *rule,
                       const char *message, void *user)
{
	(void)file;
	(void)rule;
	cmsg *m = user;
	if (level != YARA_ERROR_LEVEL_ERROR || m->errors++)
		return;
	if (m->msg && m->n)
		snprintf(m->msg, m->n, "line %d: %s", line, message);
}

static YR_COMPILER *compiler_new(cmsg *m)
{
	YR_COMPILER *c;
	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return NULL;
	yr_compiler_set_callback(c, on_compile, m);
	for (size_t i = 0; i < MT_ARRAY_LEN(externals); i++)
		yr_compiler_define_string_variable(c, externals[i], "");
	return c;
}

/* libyara reads NUL-terminated text */
static char *terminated(const char *text, size_t len)
{
	char *s = malloc(len + 1);
	if (s) {
		memcpy(s, text, len);
		s[len] = '\0';
	}
	return s;
}

mt_err ct_yara_validate(const char *name, const char *text, size_t len, char *msg, size_t msgn)
{
	if (msg && msgn)
		msg[0] = '\0';
	if (!lib_up())
		return MT_ERR_NOMEM;
	cmsg m = {msg, msgn, 0};
	mt_err e = MT_OK;
	char *s = terminated(text, len);
	YR_COMPILER *c = s ? compiler_new(&m) : NULL;
	if (!c)
		e = MT_ERR_NOMEM;
	else if (yr_compiler_add_string(c, s, name ? name : "rules") != 0 || m.errors)
		e = MT_ERR_PARSE;
	if (c)
		yr_compiler_destroy(c);
	free(s);
	lib_down();
	return e;
}

mt_err ct_yara_build(const mt_rules *rules, ct_yara **out, char *msg, size_t msgn)
{
	*out = NULL;
	if (msg && msgn)
		msg[0] = '\0';
	size_t n = mt_rules_yara_count(rules);
	if (!n)
		return MT_OK;
	if (!lib_up())
		return MT_ERR_NOMEM;
	cmsg m = {msg, msgn, 0};
	YR_COMPILER *c = compiler_new(&m);
	if (!c) {
		lib_down();
		return MT_ERR_NOMEM;
	}
	mt_err e = MT_OK;
	for (size_t i = 0; i < n && e == MT_OK; i++) {
		const char *name;
		size_t len;
		const char *text = mt_rules_yara(rules, i, &name, &len);
		char *s = terminated(text, len);
		if (!s)
			e = MT_ERR_NOMEM;
		else if (yr_compiler_add_string(c, s, name) != 0 || m.errors) {
			if (msg && msgn) {
				char first[256];
				snprintf(first, sizeof(first), "%s", msg);
				snprintf(msg, msgn, "%s: %s", name, first);
			}
			e = MT_ERR_PARSE;
		}
		free(s);
	}
	ct_yara *y = e == MT_OK ? calloc(1, sizeof(*y)) : NULL;
	if (e == MT_OK && !y)
		e = MT_ERR_NOMEM;
	if (e == MT_OK && yr_compiler_get_rules(c, &y->rules) != ERROR_SUCCESS)
		e = MT_ERR_NOMEM;
	yr_compiler_destroy(c);
	if (e != MT_OK) {
		free(y);
		lib_down();
		return e;
	}
	const YR_RULE *r;
	yr_rules_foreach(y->rules, r) y->count++;
	*out = y;
	return MT_OK;
}

void ct_yara_free(ct_yara *y)
{
	if (!y)
		return;
	yr_rules_destroy(y->rules);
	free(y);
	lib_down();
}

unsigned ct_yara_count(const ct_yara *y)
{
	return y ? y->count : 0;
}

mt_err ct_yscan_new(ct_yara *y, ct_yscan **out)
{
	*out = NULL;
	if (!y)
		return MT_ERR_INVAL;
	ct_yscan *s = calloc(1, sizeof(*s));
	if (!s)
		return MT_ERR_NOMEM;
	if (yr_scanner_create(y->rules, &s->sc) != ERROR_SUCCESS) {
		free(s);
		return MT_ERR_NOMEM;
	}
	yr_scanner_set_timeout(s->sc, 20);
	*out = s;
	return MT_OK;
}

void ct_yscan_free(ct_yscan *s)
{
	if (!s)
		return;
	yr_scanner_destroy(s->sc);
	free(s);
}

/* appends $id="text" (printable bytes, others as \xNN) to out */
static void add_string(char *out, size_t outn, const char *id, const uint8_t *p, size_t n)
{
	size_t l = strlen(out);
	if (l + 8 >= outn)
		return;
	l += (size_t)snprintf(out + l, outn - l, "%s%s=\"", l ? "," : "", id);
	for (size_t i = 0; i < n && i < 40 && l + 6 < outn; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			out[l++] = (char)p[i];
		else
			l += (size_t)snprintf(out + l, outn - l, "\\x%02x", p[i]);
	}
	if (l + 2 < outn) {
		out[l++] = '"';
		out[l] = '\0';
	} else {
		out[outn - 1] = '\0';
	}
}

static int sev_of(const char *s)
{
	mt_severity v;
	return s && mt_severity_parse(s, &v) == MT_OK ? (int)v : -1;
}

/* libyara keeps the matches in a notebook that packs each YR_MATCH right after the bytes
 * of the one before, so a match may sit at any address (x86 reads it; UBSan says so):
 * the alignment check is off for the walk over them, nothing else */
__attribute__((no_sanitize("alignment"))) static int on_scan(YR_SCAN_CONTEXT *ctx, int message,
                                                             void *data, void *user)
{
	ct_yscan *s = user;
	if (message != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	YR_RULE *rule = data;
	ct_ymatches *o = s->out;
	o->total++;
	if (o->n >= CT_YMATCH_MAX)
		return CALLBACK_CONTINUE;
	ct_ymatch *m = &o->m[o->n++];
	memset(m, 0, sizeof(*m));
	m->sev = -1;
	snprintf(m->rule, sizeof(m->rule), "%s", rule->identifier);
	snprintf(m->ns, sizeof(m->ns), "%s", rule->ns && rule->ns->name ? rule->ns->name : "");
	const YR_META *meta;
	yr_rule_metas_foreach(rule, meta)
	{
		if (meta->type != META_TYPE_STRING || !meta->string)
			continue;
		if (!strcasecmp(meta->identifier, "description") && !m->desc[0])
			snprintf(m->desc, sizeof(m->desc), "%s", meta->string);
		else if (!strcasecmp(meta->identifier, "family"))
			snprintf(m->family, sizeof(m->family), "%s", meta->string);
		else if (!strcasecmp(meta->identifier, "severity"))
			m->sev = sev_of(meta->string);
	}
	const YR_STRING *str;
	yr_rule_strings_foreach(rule, str)
	{
		const YR_MATCH *match;
		yr_string_matches_foreach(ctx, str, match)
		{
			add_string(m->strings, sizeof(m->strings), str->identifier, match->data,
			           (size_t)match->data_length);
			break; /* one match a string */
		}
	}
	return CALLBACK_CONTINUE;
}

mt_err ct_yscan_run(ct_yscan *s, const void *data, size_t len, const char *path, ct_ymatches *out)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : (path ? path : "");
	const char *dot = strrchr(base, '.');
	char ext[32] = "";
	if (dot && dot != base)
		snprintf(ext, sizeof(ext), "%s", dot + 1);
	yr_scanner_define_string_variable(s->sc, "filename", base);
	yr_scanner_define_string_variable(s->sc, "filepath", path ? path : "");
	yr_scanner_define_string_variable(s->sc, "extension", ext);
	s->out = out;
	yr_scanner_set_callback(s->sc, on_scan, s);
	int r = yr_scanner_scan_mem(s->sc, data, len);
	s->out = NULL;
	if (r == ERROR_SCAN_TIMEOUT)
		return MT_ERR_LIMIT;
	return r == ERROR_SUCCESS ? MT_OK : MT_ERR_IO;
}
