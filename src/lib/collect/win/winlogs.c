/* winlogs.c - the event logs of a Windows system tree (System32\winevt\Logs\*.evtx) into
 * the login and account event store the Linux auth logs fill: logons (4624, RDP 1149),
 * failed logons (4625, which the store adds up per source like sshd's failures), accounts
 * created, changed, added to groups and password resets (4720, 4722, 4738, 4728/4732/4756,
 * 4723/4724), services installed (7045, 4697), tasks registered (4698, TaskScheduler
 * 106) and logs cleared (1102, 104). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../logs.h"
#include "evtx.h"

#define LOGDIR "/Windows/System32/winevt/Logs"

#define MAX_SIDS 256

typedef struct wl_state {
	mt_logs *l;
	mt_report *rep;
	uint32_t file;
	uint64_t lines, events;
	unsigned diags;
	mt_err err;
	/* the last logon, to drop the second of Windows' linked pair (elevated token) */
	int64_t last_time;
	char last_key[160];
	/* SIDs of accounts named in earlier events, for group changes that give only the
	 * member's SID */
	struct {
		char sid[72];
		char name[MT_LOG_USER];
	} sids[MAX_SIDS];
	size_t nsids;
} wl_state;

static void sid_learn(wl_state *s, const char *sid, const char *name)
{
	if (!sid[0] || !name[0] || strcmp(name, "-") == 0)
		return;
	for (size_t i = 0; i < s->nsids; i++)
		if (strcmp(s->sids[i].sid, sid) == 0)
			return;
	if (s->nsids >= MAX_SIDS)
		return;
	snprintf(s->sids[s->nsids].sid, sizeof(s->sids[0].sid), "%s", sid);
	snprintf(s->sids[s->nsids].name, sizeof(s->sids[0].name), "%s", name);
	s->nsids++;
}

static const char *sid_name(const wl_state *s, const char *sid)
{
	for (size_t i = 0; i < s->nsids; i++)
		if (strcmp(s->sids[i].sid, sid) == 0)
			return s->sids[i].name;
	return sid;
}

static const char *fv(const mt_evtx_record *r, const char *name)
{
	const char *v = mt_evtx_field_get(r, name);
	return v ? v : "";
}

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

/* A source address as the store keeps it: "" for none, local or "-". */
static void set_ip(mt_logev *ev, const char *ip)
{
	if (!ip[0] || strcmp(ip, "-") == 0 || strcmp(ip, "::1") == 0 ||
	    strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "LOCAL") == 0)
		return;
	const char *p = strncmp(ip, "::ffff:", 7) == 0 ? ip + 7 : ip;
	char canon[MT_LOG_IP];
	if (mt_ip_canon(p, strlen(p), canon, sizeof(canon)) == 0)
		copy(ev->ip, sizeof(ev->ip), canon);
}

static const char *logon_type(unsigned t)
{
	switch (t) {
	case 2:
		return "interactive";
	case 3:
		return "network";
	case 4:
		return "batch";
	case 5:
		return "service";
	case 7:
		return "unlock";
	case 8:
		return "network-cleartext";
	case 9:
		return "new-credentials";
	case 10:
		return "rdp";
	case 11:
		return "cached";
	default:
		return "other";
	}
}

/* Accounts of Windows itself whose logons say nothing about an intruder. */
static int machine_account(const char *u)
{
	size_t n = strlen(u);
	return n == 0 || u[n - 1] == '$' || strcasecmp(u, "SYSTEM") == 0 ||
	       strcasecmp(u, "LOCAL SERVICE") == 0 || strcasecmp(u, "NETWORK SERVICE") == 0 ||
	       strcasecmp(u, "ANONYMOUS LOGON") == 0 || strncasecmp(u, "DWM-", 4) == 0 ||
	       strncasecmp(u, "UMFD-", 5) == 0 || strcmp(u, "-") == 0;
}

static int on_record(void *p, const mt_evtx_record *r)
{
	wl_state *s = p;
	mt_logev ev;
	memset(&ev, 0, sizeof(ev));
	ev.time = r->time;
	ev.count = 1;
	ev.file = s->file;
	ev.lineno = r->record_id > UINT32_MAX ? 0 : (uint32_t)r->record_id;
	ev.pid = r->pid;
	ev.detail = "";
	char detail[MT_LOG_DETAIL];
	detail[0] = '\0';
	s->lines++;
	int sec = strcasecmp(r->provider, "Microsoft-Windows-Security-Auditing") == 0;
	switch (r->event_id) {
	case 4624: {
		if (!sec)
			return 0;
		unsigned t = (unsigned)strtoul(fv(r, "LogonType"), NULL, 10);
		const char *u = fv(r, "TargetUserName");
		if (machine_account(u) || t == 5 || t == 0)
			return 0;
		char key[160];
		snprintf(key, sizeof(key), "%s|%u|%s|%s", u, t, fv(r, "IpAddress"),
		         fv(r, "WorkstationName"));
		if (r->time == s->last_time && strcmp(key, s->last_key) == 0)
			return 0; /* the linked logon of the same sign-in */
		s->last_time = r->time;
		snprintf(s->last_key, sizeof(s->last_key), "%s", key);
		sid_learn(s, fv(r, "TargetUserSid"), u);
		ev.kind = MT_LE_ACCEPTED;
		ev.backed = 1;
		copy(ev.user, sizeof(ev.user), u);
		set_ip(&ev, fv(r, "IpAddress"));
		ev.port = (uint16_t)strtoul(fv(r, "IpPort"), NULL, 10);
		snprintf(ev.method, sizeof(ev.method), "%s", logon_type(t));
		snprintf(detail, sizeof(detail), "logon type %u, %s, workstation %s", t,
		         fv(r, "AuthenticationPackageName"), fv(r, "WorkstationName"));
		break;
	}
	case 4625: {
		if (!sec)
			return 0;
		const char *u = fv(r, "TargetUserName");
		ev.kind = MT_LE_FAILED;
		copy(ev.user, sizeof(ev.user), u[0] ? u : "-");
		set_ip(&ev, fv(r, "IpAddress"));
		/* 0xc0000064: no such user */
		ev.invalid_user = strcasecmp(fv(r, "SubStatus"), "0xc0000064") == 0;
		snprintf(ev.method, sizeof(ev.method), "%s",
		         logon_type((unsigned)strtoul(fv(r, "LogonType"), NULL, 10)));
		break;
	}
	case 4720:
	case 4722:
	case 4738:
	case 4728:
	case 4732:
	case 4756:
	case 4723:
	case 4724: {
		if (!sec)
			return 0;
		ev.kind = r->event_id == 4720                          ? MT_LE_USERADD
		          : r->event_id == 4723 || r->event_id == 4724 ? MT_LE_PASSWD
		                                                       : MT_LE_USERMOD;
		int group = r->event_id == 4728 || r->event_id == 4732 || r->event_id == 4756;
		/* every local account is put in the group "None" when it is made */
		if (group && strcasecmp(fv(r, "TargetUserName"), "None") == 0)
			return 0;
		if (!group)
			sid_learn(s, fv(r, "TargetSid"), fv(r, "TargetUserName"));
		const char *target = fv(r, group ? "MemberName" : "TargetUserName");
		if (group && (!target[0] || strcmp(target, "-") == 0))
			target = sid_name(s, fv(r, "MemberSid"));
		copy(ev.user, sizeof(ev.user), target);
		snprintf(ev.method, sizeof(ev.method), "event %u", r->event_id);
		if (group)
			snprintf(detail, sizeof(detail), "added to group %s by %s",
			         fv(r, "TargetUserName"), fv(r, "SubjectUserName"));
		else
			snprintf(detail, sizeof(detail), "%s by %s",
			         r->event_id == 4720   ? "created"
			         : r->event_id == 4722 ? "enabled"
			         : r->event_id == 4738 ? "changed"
			                               : "password set",
			         fv(r, "SubjectUserName"));
		break;
	}
	case 7045:
	case 4697: {
		if (r->event_id == 4697 && !sec)
			return 0;
		ev.kind = MT_LE_SERVICE;
		copy(ev.user, sizeof(ev.user),
		     r->event_id == 7045 ? fv(r, "AccountName") : fv(r, "SubjectUserName"));
		snprintf(detail, sizeof(detail), "%s: %s", fv(r, "ServiceName"),
		         r->event_id == 7045 ? fv(r, "ImagePath") : fv(r, "ServiceFileName"));
		snprintf(ev.method, sizeof(ev.method), "event %u", r->event_id);
		break;
	}
	case 4698:
	case 106: {
		if (r->event_id == 4698 && !sec)
			return 0;
		if (r->event_id == 106 && !strstr(r->provider, "TaskScheduler"))
			return 0;
		ev.kind = MT_LE_TASK;
		copy(ev.user, sizeof(ev.user),
		     r->event_id == 106 ? fv(r, "UserContext") : fv(r, "SubjectUserName"));
		snprintf(detail, sizeof(detail), "%s", fv(r, "TaskName"));
		snprintf(ev.method, sizeof(ev.method), "event %u", r->event_id);
		break;
	}
	case 1102:
	case 104: {
		if (!strstr(r->provider, "Eventlog") && !strstr(r->provider, "EventLog"))
			return 0;
		ev.kind = MT_LE_LOG_CLEARED;
		const char *u = fv(r, "SubjectUserName");
		copy(ev.user, sizeof(ev.user), u[0] ? u : fv(r, "BackupPath"));
		snprintf(detail, sizeof(detail), "%s",
		         r->event_id == 1102 ? "Security" : fv(r, "Channel"));
		snprintf(ev.method, sizeof(ev.method), "event %u", r->event_id);
		break;
	}
	case 1149: {
		/* RemoteConnectionManager: RDP authentication succeeded (Param1 user, Param2
		 * domain, Param3 address) */
		if (!strstr(r->provider, "RemoteConnectionManager"))
			return 0;
		ev.kind = MT_LE_ACCEPTED;
		ev.backed = 1;
		copy(ev.user, sizeof(ev.user), fv(r, "Param1"));
		set_ip(&ev, fv(r, "Param3"));
		snprintf(ev.method, sizeof(ev.method), "rdp");
		snprintf(detail, sizeof(detail), "RDP authentication, domain %s", fv(r, "Param2"));
		break;
	}
	default:
		return 0;
	}
	if (detail[0])
		mt_logev_set_detail(&ev, detail, strlen(detail));
	s->events++;
	mt_err e = mt_logs_add(s->l, &ev);
	if (e == MT_ERR_NOMEM) {
		s->err = e;
		return 1;
	}
	return 0;
}

static void on_diag(void *p, const char *msg)
{
	wl_state *s = p;
	if (s->diags++ < 8)
		mt_report_diag(s->rep, "%s: %s", s->l->files[s->file].path, msg);
}

static const unsigned wanted_ids[] = {4624, 4625, 4720, 4722, 4738, 4728, 4732, 4756, 4723,
                                      4724, 7045, 4697, 4698, 106,  1102, 104,  1149};

static mt_err read_one(mt_logs *l, mt_host *host, mt_report *rep, const char *path)
{
	int fd;
	struct stat st;
	mt_err e = mt_host_open_file(host, path, &fd, &st);
	if (e == MT_ERR_NOENT)
		return MT_OK;
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: %s", path, mt_strerror(e));
		return MT_OK;
	}
	int idx = mt_logs_file(l, path, 6);
	if (idx < 0) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	l->files[idx].mtime = (int64_t)st.st_mtime;
	l->files[idx].size = (uint64_t)st.st_size;
	wl_state *s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	s->l = l;
	s->rep = rep;
	s->file = (uint32_t)idx;
	s->last_time = MT_TIME_NONE;
	mt_evtx_opts o = {on_record, on_diag, s, wanted_ids, MT_ARRAY_LEN(wanted_ids)};
	mt_evtx_stats stats;
	memset(&stats, 0, sizeof(stats));
	e = mt_evtx_read_fd(fd, &o, &stats);
	close(fd);
	l->files[idx].lines = stats.records + stats.filtered;
	l->files[idx].events = s->events;
	l->files[idx].skipped = stats.bad_records;
	if (e == MT_ERR_PARSE)
		mt_report_diag(rep, "%s: not an event log that can be read", path);
	if (stats.bad_chunks || stats.bad_records)
		mt_report_diag(rep, "%s: %llu damaged chunk(s) and %llu damaged record(s) skipped",
		               path, (unsigned long long)stats.bad_chunks,
		               (unsigned long long)stats.bad_records);
	e = s->err;
	free(s);
	return e;
}

mt_err mt_logs_read_evtx(mt_logs *l, mt_host *host, mt_report *rep)
{
	if (mt_host_os(host) != MT_OS_WINDOWS)
		return MT_OK;
	static const char *const logs[] = {
		"Security.evtx",
		"System.evtx",
		"Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx",
		"Microsoft-Windows-TaskScheduler%4Operational.evtx",
	};
	mt_err e = MT_OK;
	for (size_t i = 0; i < MT_ARRAY_LEN(logs) && e == MT_OK; i++) {
		char p[300];
		snprintf(p, sizeof(p), "%s/%s", LOGDIR, logs[i]);
		e = read_one(l, host, rep, p);
	}
	return e;
}
