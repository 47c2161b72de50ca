/* winlogs.c - the event logs of a Windows system tree (System32\winevt\Logs\*.evtx) into
 * the login and account event store the Linux auth logs fill: logons (4624, RDP 1149,
 * LocalSessionManager 21/25), failed logons (4625, which the store adds up per source like
 * sshd's failures), explicit credentials (4648), accounts created, changed, added to groups
 * and password resets (4720, 4722, 4738, 4728/4732/4756, 4723/4724), services installed
 * (7045, 4697) or their start type changed (7040), tasks registered (4698, TaskScheduler
 * 106) and their actions started (200), logs cleared (1102, 104); and, judged with the
 * rules so that only what looks like an intrusion is kept, PowerShell script blocks
 * (4104) and Sysmon's process creations, connections, files and registry values (1, 3,
 * 11, 13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "winlogs.h"
#include "../collect/win/winpath.h"

#define LOGDIR "/Windows/System32/winevt/Logs"

#define MAX_SIDS 256

typedef struct wl_state {
	mt_logs *l;
	mt_report *rep; /* NULL: no diagnostics (mt_winlogs_record) */
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

/* A field that must be there: NULL when absent or empty (the event is then skipped). */
static const char *need(const mt_evtx_record *r, const char *name)
{
	const char *v = mt_evtx_field_get(r, name);
	return v && v[0] ? v : NULL;
}

/* The fields of a detail, MT_LOG_SEP between them, each cut at a character boundary. */
typedef struct fields {
	char b[MT_LOG_DETAIL_LONG];
	size_t n;
	unsigned k;
} fields;

static void fadd(fields *f, const char *s, size_t max)
{
	if (f->k++ && f->n + 1 < sizeof(f->b))
		f->b[f->n++] = MT_LOG_SEP;
	size_t len = strlen(s), n = len;
	if (n > max)
		n = max;
	if (n > sizeof(f->b) - 1 - f->n)
		n = sizeof(f->b) - 1 - f->n;
	if (n < len)
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	for (size_t i = 0; i < n; i++)
		f->b[f->n++] = s[i] == MT_LOG_SEP ? ' ' : s[i];
	f->b[f->n] = '\0';
}

/* "DOMAIN\\user" -> "user" */
static const char *bare_user(const char *u)
{
	const char *b = strrchr(u, '\\');
	return b ? b + 1 : u;
}

/* The drop place (mt_win_drop_dir) a Windows path lies in, NULL for none. */
static const char *drop_place(const char *winpath)
{
	char tree[512];
	if (mt_win_path_to_root(winpath, strlen(winpath), NULL, tree, sizeof(tree)) != 0)
		return NULL;
	return mt_win_drop_dir(tree);
}

/* The reason codes of a verdict, "download_exec,base64_exec". */
static void reason_codes(const mt_cmd_verdict *v, char *out, size_t n)
{
	out[0] = '\0';
	for (unsigned i = 0; i < v->nreasons && i < MT_ARRAY_LEN(v->reasons); i++) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%s", i ? "," : "", v->reasons[i].code);
	}
}

static int ends_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Whether a registry value (Sysmon's TargetObject, "HKLM\\...\\Run\\x" or
 * "\\REGISTRY\\MACHINE\\...") is one Windows starts programs from: Run and RunOnce keys,
 * Winlogon, Image File Execution Options, and the values of a service that say what it
 * runs and when (ImagePath, ServiceDll, Start, FailureCommand; not the state services
 * keep under their keys). */
static int autostart_value(const char *key)
{
	char low[1024];
	size_t n = strlen(key);
	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] - 'A' + 'a' : key[i]);
	low[n] = '\0';
	static const char *const keys[] = {
		"\\currentversion\\run\\",
		"\\currentversion\\runonce\\",
		"\\currentversion\\runonceex\\",
		"\\currentversion\\runservices\\",
		"\\currentversion\\runservicesonce\\",
		"\\policies\\explorer\\run\\",
		"\\currentversion\\winlogon\\",
		"\\image file execution options\\",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(keys); i++)
		if (strstr(low, keys[i]))
			return 1;
	const char *svc = strstr(low, "\\services\\");
	if (!svc || !strstr(low, "controlset"))
		return 0;
	const char *value = strrchr(low, '\\') + 1;
	return strcmp(value, "imagepath") == 0 || strcmp(value, "servicedll") == 0 ||
	       strcmp(value, "start") == 0 || strcmp(value, "failurecommand") == 0;
}

/* Whether a Sysmon connection goes to a pool or C2 the rules know, or to a pool port;
 * why says which. */
static int pool_dest(const mt_rules *R, const char *ip, unsigned port, const char *host, char *why,
                     size_t n)
{
	size_t il = strlen(ip), hl = strlen(host);
	const mt_rule *x;
	const char *what = NULL;
	if ((x = mt_rules_find_ipport(R, MT_RK_POOL_IPPORT, ip, il, port)))
		what = "pool endpoint";
	else if ((x = mt_rules_find_ipport(R, MT_RK_C2_IPPORT, ip, il, port)))
		what = "c2 endpoint";
	else if ((x = mt_rules_find_ip(R, MT_RK_POOL_IP, ip, il)))
		what = "pool address";
	else if ((x = mt_rules_find_ip(R, MT_RK_C2_IP, ip, il)))
		what = "c2 address";
	else if (hl && (x = mt_rules_find_domain(R, MT_RK_POOL_DOMAIN, host, hl)))
		what = "pool domain";
	else if (hl && (x = mt_rules_find_domain(R, MT_RK_C2_DOMAIN, host, hl)))
		what = "c2 domain";
	else if (mt_rules_is_pool_port(R, port))
		what = "pool port";
	if (!what)
		return 0;
	if (x && x->family && x->family[0])
		snprintf(why, n, "%s (%s)", what, x->family);
	else
		snprintf(why, n, "%s", what);
	return 1;
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
	fields f; /* the detail of the kinds with several fields */
	f.n = f.k = 0;
	f.b[0] = '\0';
	const mt_rules *R = s->l->rules;
	s->lines++;
	int sec = strcasecmp(r->provider, "Microsoft-Windows-Security-Auditing") == 0;
	int sysmon = strstr(r->provider, "Sysmon") != NULL;
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
	case 4648: {
		/* a logon with explicit credentials (runas, a task's or a tool's stored ones,
		 * PsExec -u): the subject used the target account's credentials */
		const char *u = need(r, "TargetUserName");
		if (!sec || !u)
			return 0;
		ev.kind = MT_LE_EXPLICIT_LOGON;
		copy(ev.user, sizeof(ev.user), u);
		set_ip(&ev, fv(r, "IpAddress"));
		ev.port = (uint16_t)strtoul(fv(r, "IpPort"), NULL, 10);
		snprintf(ev.method, sizeof(ev.method), "event 4648");
		fadd(&f, fv(r, "SubjectUserName"), MT_LOG_USER);
		fadd(&f, fv(r, "TargetServerName"), 96);
		fadd(&f, fv(r, "ProcessName"), 260);
		break;
	}
	case 7040: {
		/* Service Control Manager: param1 display name, param2 old and param3 new
		 * start type, param4 the service's key name (Windows 8 and later) */
		const char *disp = need(r, "param1"), *from = need(r, "param2"),
			   *to = need(r, "param3");
		if (!disp || !from || !to || !strstr(r->provider, "Service Control Manager"))
			return 0;
		const char *name = fv(r, "param4");
		ev.kind = MT_LE_SERVICE;
		snprintf(ev.method, sizeof(ev.method), "event 7040");
		fadd(&f, name[0] ? name : disp, 80);
		fadd(&f, disp, 120);
		fadd(&f, from, 24);
		fadd(&f, to, 24);
		break;
	}
	case 200: {
		/* TaskScheduler: an action of a task started */
		const char *task = need(r, "TaskName"), *action = need(r, "ActionName");
		if (!task || !action || !strstr(r->provider, "TaskScheduler"))
			return 0;
		ev.kind = MT_LE_TASK;
		snprintf(ev.method, sizeof(ev.method), "event 200");
		fadd(&f, task, 200);
		fadd(&f, action, 260);
		break;
	}
	case 21:
	case 25: {
		/* LocalSessionManager: a session logon (21) or reconnection (25); Address is
		 * "LOCAL" at the console */
		const char *u = need(r, "User");
		if (!u || !strstr(r->provider, "LocalSessionManager"))
			return 0;
		ev.kind = MT_LE_ACCEPTED;
		ev.backed = 1;
		copy(ev.user, sizeof(ev.user), bare_user(u));
		set_ip(&ev, fv(r, "Address"));
		snprintf(ev.method, sizeof(ev.method), "%s", ev.ip[0] ? "rdp" : "interactive");
		snprintf(detail, sizeof(detail), "session %s, session %s",
		         r->event_id == 21 ? "logon" : "reconnection", fv(r, "SessionID"));
		break;
	}
	case 4104: {
		/* PowerShell script block logging: only the blocks the command judge finds
		 * suspicious (Windows logs thousands of its own modules' blocks) */
		const char *text = need(r, "ScriptBlockText");
		if (!text || !R || !strstr(r->provider, "PowerShell"))
			return 0;
		mt_cmd_verdict v;
		mt_judge_wincmd(R, text, strlen(text), &v);
		if (v.severity < MT_SEV_MEDIUM)
			return 0;
		char codes[128];
		reason_codes(&v, codes, sizeof(codes));
		ev.kind = MT_LE_SCRIPT;
		snprintf(ev.method, sizeof(ev.method), "event 4104");
		fadd(&f, mt_severity_name(v.severity), 16);
		fadd(&f, codes, sizeof(codes));
		fadd(&f, fv(r, "Path"), 200);
		fadd(&f, r->user_sid, 72); /* a SID does not fit the user field */
		fadd(&f, text, MT_LOG_SCRIPT);
		break;
	}
	case 1: {
		/* Sysmon process creation: a suspicious command line or a program run from
		 * a place miners drop theirs in */
		const char *img = need(r, "Image"), *cmd = need(r, "CommandLine");
		if (!sysmon || !img || !cmd)
			return 0;
		char why[160];
		why[0] = '\0';
		if (R) {
			mt_cmd_verdict v;
			mt_judge_wincmd(R, cmd, strlen(cmd), &v);
			if (v.severity >= MT_SEV_MEDIUM) {
				char codes[128];
				reason_codes(&v, codes, sizeof(codes));
				snprintf(why, sizeof(why), "%s: %s", mt_severity_name(v.severity),
				         codes);
			}
		}
		const char *place = drop_place(img);
		if (!why[0] && place)
			snprintf(why, sizeof(why), "drop place %s", place);
		if (!why[0])
			return 0;
		ev.kind = MT_LE_PROCESS;
		copy(ev.user, sizeof(ev.user), bare_user(fv(r, "User")));
		ev.pid = (uint32_t)strtoul(fv(r, "ProcessId"), NULL, 10);
		snprintf(ev.method, sizeof(ev.method), "sysmon 1");
		fadd(&f, img, 200);
		fadd(&f, fv(r, "ParentImage"), 160);
		fadd(&f, why, sizeof(why));
		fadd(&f, cmd, sizeof(f.b));
		break;
	}
	case 3: {
		/* Sysmon network connection: only to what the rules call a pool or C2 */
		const char *ip = need(r, "DestinationIp"), *port = need(r, "DestinationPort");
		if (!sysmon || !ip || !port || !R)
			return 0;
		char *end;
		unsigned long pn = strtoul(port, &end, 10);
		if (*end || pn > 65535)
			return 0;
		const char *hostname = fv(r, "DestinationHostname");
		char why[96];
		if (!pool_dest(R, ip, (unsigned)pn, hostname, why, sizeof(why)))
			return 0;
		ev.kind = MT_LE_NETCONN;
		copy(ev.user, sizeof(ev.user), bare_user(fv(r, "User")));
		ev.pid = (uint32_t)strtoul(fv(r, "ProcessId"), NULL, 10);
		snprintf(ev.method, sizeof(ev.method), "sysmon 3");
		fadd(&f, fv(r, "Image"), 260);
		fadd(&f, ip, MT_LOG_IP);
		fadd(&f, port, 8);
		fadd(&f, hostname, 160);
		fadd(&f, why, sizeof(why));
		break;
	}
	case 11: {
		/* Sysmon file created: a program or script in a drop place */
		const char *file = need(r, "TargetFilename");
		if (!sysmon || !file)
			return 0;
		static const char *const exts[] = {".exe", ".dll", ".sys", ".ps1", ".vbs", ".bat"};
		int prog = 0;
		for (size_t i = 0; i < MT_ARRAY_LEN(exts) && !prog; i++)
			prog = ends_ci(file, exts[i]);
		const char *place = prog ? drop_place(file) : NULL;
		if (!place)
			return 0;
		ev.kind = MT_LE_FILE_CREATE;
		copy(ev.user, sizeof(ev.user), bare_user(fv(r, "User")));
		ev.pid = (uint32_t)strtoul(fv(r, "ProcessId"), NULL, 10);
		snprintf(ev.method, sizeof(ev.method), "sysmon 11");
		fadd(&f, fv(r, "Image"), 260);
		fadd(&f, file, 300);
		fadd(&f, place, 32);
		break;
	}
	case 13: {
		/* Sysmon registry value set: in an autostart location */
		const char *key = need(r, "TargetObject");
		if (!sysmon || !key || !autostart_value(key))
			return 0;
		ev.kind = MT_LE_REG_SET;
		copy(ev.user, sizeof(ev.user), bare_user(fv(r, "User")));
		ev.pid = (uint32_t)strtoul(fv(r, "ProcessId"), NULL, 10);
		snprintf(ev.method, sizeof(ev.method), "sysmon 13");
		fadd(&f, fv(r, "Image"), 200);
		fadd(&f, key, 300);
		fadd(&f, fv(r, "Details"), sizeof(f.b));
		break;
	}
	default:
		return 0;
	}
	if (f.k)
		mt_logev_set_detail_long(&ev, f.b, f.n);
	else if (detail[0])
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
	if (s->rep && s->diags++ < 8)
		mt_report_diag(s->rep, "%s: %s", s->l->files[s->file].path, msg);
}

/* The logs read and the event ids of each (the others are only counted). */
static const unsigned main_ids[] = {4624, 4625, 4720, 4722, 4738, 4728, 4732, 4756, 4723, 4724,
                                    7045, 4697, 4698, 106,  1102, 104,  1149, 4648, 7040, 200};
static const unsigned lsm_ids[] = {21, 25};
static const unsigned ps_ids[] = {4104};
static const unsigned sysmon_ids[] = {1, 3, 11, 13};
static const struct {
	const char *name;
	const unsigned *ids;
	size_t nids;
} logs[] = {
	{"Security.evtx", main_ids, MT_ARRAY_LEN(main_ids)},
	{"System.evtx", main_ids, MT_ARRAY_LEN(main_ids)},
	{"Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx", main_ids,
         MT_ARRAY_LEN(main_ids)},
	{"Microsoft-Windows-TaskScheduler%4Operational.evtx", main_ids, MT_ARRAY_LEN(main_ids)},
	{"Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx", lsm_ids,
         MT_ARRAY_LEN(lsm_ids)},
	{"Microsoft-Windows-PowerShell%4Operational.evtx", ps_ids, MT_ARRAY_LEN(ps_ids)},
	{"Microsoft-Windows-Sysmon%4Operational.evtx", sysmon_ids, MT_ARRAY_LEN(sysmon_ids)},
};

static mt_err read_one(mt_logs *l, mt_host *host, mt_report *rep, const char *path,
                       const unsigned *ids, size_t nids)
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
	mt_evtx_opts o = {on_record, on_diag, s, ids, nids};
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

mt_err mt_winlogs_record(mt_logs *l, uint32_t file, const mt_evtx_record *r)
{
	if (file >= l->nfiles)
		return MT_ERR_INVAL;
	wl_state *s = calloc(1, sizeof(*s));
	if (!s)
		return MT_ERR_NOMEM;
	s->l = l;
	s->file = file;
	s->last_time = MT_TIME_NONE;
	on_record(s, r);
	mt_err e = s->err;
	l->files[file].lines += s->lines;
	l->files[file].events += s->events;
	free(s);
	return e;
}

mt_err mt_logs_read_evtx(mt_logs *l, mt_host *host, mt_report *rep)
{
	if (mt_host_os(host) != MT_OS_WINDOWS)
		return MT_OK;
	mt_err e = MT_OK;
	for (size_t i = 0; i < MT_ARRAY_LEN(logs) && e == MT_OK; i++) {
		char p[300];
		snprintf(p, sizeof(p), "%s/%s", LOGDIR, logs[i].name);
		e = read_one(l, host, rep, p, logs[i].ids, logs[i].nids);
	}
	return e;
}
