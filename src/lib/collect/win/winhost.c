/* winhost.c - the registry hives and profiles of a Windows system tree */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winhost.h"
#include "winpath.h"

#define MAX_PROFILES 512

static void load_hive(mt_host *host, mt_report *rep, const char *path, mt_win_hive *hv)
{
	snprintf(hv->path, sizeof(hv->path), "%s", path);
	char *data;
	size_t len;
	int trunc;
	mt_err e = mt_host_read_file(host, path, MT_MAX_HIVE_FILE, &data, &len, &trunc);
	if (e == MT_ERR_NOENT)
		return;
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: %s", path, mt_strerror(e));
		return;
	}
	if (trunc)
		mt_report_diag(rep, "%s: larger than %llu bytes: only the start was read", path,
		               (unsigned long long)MT_MAX_HIVE_FILE);
	static const char *const exts[] = {".LOG1", ".LOG2", ".LOG"};
	char *logs[MT_ARRAY_LEN(exts)] = {NULL};
	size_t lens[MT_ARRAY_LEN(exts)] = {0};
	for (size_t i = 0; i < MT_ARRAY_LEN(exts); i++) {
		char lp[MT_MAX_PATH];
		int lt;
		if ((size_t)snprintf(lp, sizeof(lp), "%s%s", path, exts[i]) >= sizeof(lp))
			continue;
		if (mt_host_read_file(host, lp, MT_MAX_HIVE_LOG, &logs[i], &lens[i], &lt) != MT_OK)
			logs[i] = NULL, lens[i] = 0;
		else if (lens[i] == 0) {
			free(logs[i]);
			logs[i] = NULL;
		}
	}
	e = mt_regf_open((uint8_t *)data, len, (const uint8_t *const *)logs, lens,
	                 MT_ARRAY_LEN(exts), &hv->h, &hv->info);
	for (size_t i = 0; i < MT_ARRAY_LEN(exts); i++)
		free(logs[i]);
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: not a registry hive that can be read: %s", path,
		               mt_strerror(e));
		hv->h = NULL;
		return;
	}
	if (hv->info.bad_checksum)
		mt_report_diag(rep, "%s: the hive's header checksum is wrong (read anyway)", path);
	if (hv->info.log_entries)
		mt_report_diag(rep,
		               "%s: the hive was not cleanly closed: %u change(s) replayed from "
		               "its transaction logs",
		               path, hv->info.log_entries);
	if (hv->info.bad_cells)
		mt_report_diag(rep, "%s: %u damaged cell(s) skipped", path, hv->info.bad_cells);
}

static void free_hive(mt_win_hive *hv)
{
	mt_regf_free(hv->h);
	hv->h = NULL;
}

char *mt_win_text(mt_win_hive *hv, mt_regf_key base, const char *path, const char *name)
{
	if (!hv || !hv->h)
		return NULL;
	char *out = NULL;
	if (!base)
		base = mt_regf_root(hv->h);
	if (mt_regf_get_text(hv->h, base, path, name, &out) != MT_OK)
		return NULL;
	return out;
}

const char *mt_win_user_label(const mt_win_user *u)
{
	return u->name[0] ? u->name : u->sid;
}

static mt_err add_profile(mt_win *w, mt_host *host, mt_report *rep, const char *name,
                          const char *profile)
{
	if (w->nusers >= MAX_PROFILES)
		return MT_OK;
	char p[MT_MAX_PATH];
	struct stat st;
	if ((size_t)snprintf(p, sizeof(p), "%s/NTUSER.DAT", profile) >= sizeof(p) ||
	    mt_host_stat(host, p, 0, &st) != MT_OK || !S_ISREG(st.st_mode))
		return MT_OK;
	mt_win_user *nu = realloc(w->users, (w->nusers + 1) * sizeof(*nu));
	if (!nu)
		return MT_ERR_NOMEM;
	w->users = nu;
	mt_win_user *u = &w->users[w->nusers++];
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->profile, sizeof(u->profile), "%s", profile);
	load_hive(host, rep, p, &u->ntuser);
	if ((size_t)snprintf(p, sizeof(p), "%s/AppData/Local/Microsoft/Windows/UsrClass.dat",
	                     profile) < sizeof(p))
		load_hive(host, rep, p, &u->usrclass);
	return MT_OK;
}

typedef struct sid_ctx {
	mt_win *w;
	mt_regf *h;
} sid_ctx;

/* ProfileList\<SID>\ProfileImagePath: which SID a profile directory belongs to. */
static int on_profile_sid(void *p, mt_regf_key k)
{
	sid_ctx *c = p;
	char sid[96];
	if (mt_regf_key_name(c->h, k, sid, sizeof(sid)) < 0)
		return 0;
	char *img = NULL;
	if (mt_regf_get_text(c->h, k, "", "ProfileImagePath", &img) != MT_OK || !img)
		return 0;
	char tree[MT_MAX_PATH];
	if (mt_win_path_to_root(img, strlen(img), NULL, tree, sizeof(tree)) == 0)
		for (size_t i = 0; i < c->w->nusers; i++)
			if (strcasecmp(c->w->users[i].profile, tree) == 0)
				snprintf(c->w->users[i].sid, sizeof(c->w->users[i].sid), "%s", sid);
	free(img);
	return 0;
}

mt_err mt_win_load(mt_host *host, mt_report *rep, mt_win **out)
{
	mt_win *w = calloc(1, sizeof(*w));
	*out = NULL;
	if (!w)
		return MT_ERR_NOMEM;
	load_hive(host, rep, "/Windows/System32/config/SYSTEM", &w->system);
	load_hive(host, rep, "/Windows/System32/config/SOFTWARE", &w->software);
	load_hive(host, rep, "/Windows/System32/config/SAM", &w->sam);
	load_hive(host, rep, "/Windows/System32/config/SECURITY", &w->security);
	if (w->system.h) {
		uint64_t cur = 1;
		mt_regf_key root = mt_regf_root(w->system.h);
		if (mt_regf_get_u64(w->system.h, root, "Select", "Current", &cur) != MT_OK ||
		    cur == 0 || cur > 999)
			cur = 1;
		snprintf(w->ccs_name, sizeof(w->ccs_name), "ControlSet%03u", (unsigned)cur);
		if (mt_regf_find(w->system.h, root, w->ccs_name, &w->ccs) != MT_OK) {
			mt_report_diag(rep, "SYSTEM: no %s (Select\\Current)", w->ccs_name);
			w->ccs = 0;
		}
	}
	static const char *const homes[] = {"/Users", "/Documents and Settings"};
	mt_err e = MT_OK;
	for (size_t i = 0; i < MT_ARRAY_LEN(homes) && e == MT_OK; i++) {
		mt_dirent *d;
		size_t n;
		if (mt_host_list(host, homes[i], MT_LIST_GETDENTS, &d, &n) != MT_OK)
			continue;
		for (size_t k = 0; k < n && e == MT_OK; k++) {
			char prof[MT_MAX_PATH];
			if ((size_t)snprintf(prof, sizeof(prof), "%s/%s", homes[i], d[k].name) <
			    sizeof(prof))
				e = add_profile(w, host, rep, d[k].name, prof);
		}
		mt_dirents_free(d, n);
	}
	static const struct {
		const char *name, *dir;
	} svc[] = {
		{"LocalService", "/Windows/ServiceProfiles/LocalService"},
		{"NetworkService", "/Windows/ServiceProfiles/NetworkService"},
		{"SYSTEM", "/Windows/System32/config/systemprofile"},
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(svc) && e == MT_OK; i++)
		e = add_profile(w, host, rep, svc[i].name, svc[i].dir);
	if (w->software.h) {
		mt_regf_key pl;
		sid_ctx c = {w, w->software.h};
		if (mt_regf_find(w->software.h, mt_regf_root(w->software.h),
		                 "Microsoft\\Windows NT\\CurrentVersion\\ProfileList",
		                 &pl) == MT_OK)
			mt_regf_each_subkey(w->software.h, pl, on_profile_sid, &c);
	}
	if (e != MT_OK) {
		mt_win_free(w);
		return e;
	}
	*out = w;
	return MT_OK;
}

void mt_win_free(mt_win *w)
{
	if (!w)
		return;
	free_hive(&w->system);
	free_hive(&w->software);
	free_hive(&w->sam);
	free_hive(&w->security);
	for (size_t i = 0; i < w->nusers; i++) {
		free_hive(&w->users[i].ntuser);
		free_hive(&w->users[i].usrclass);
	}
	free(w->users);
	free(w);
}

mt_win *mt_ctx_win(mt_ctx *ctx)
{
	if (mt_host_os(ctx->host) != MT_OS_WINDOWS)
		return NULL;
	if (!ctx->win && !ctx->win_failed) {
		if (mt_win_load(ctx->host, ctx->report, &ctx->win) != MT_OK) {
			ctx->win_failed = 1;
			mt_report_diag(ctx->report, "registry: out of memory");
		}
	}
	return ctx->win;
}
