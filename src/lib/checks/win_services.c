/* win_services.c - win.services: services and drivers of the current control set whose
 * program or service DLL is a miner by content, sits where miners drop files, imitates
 * a Windows program, runs an encoded or downloading command, or is a svchost service
 * whose DLL lies outside System32 (WannaMine's snmpstorsrv, wmassrv...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "win_common.h"

/* The members of svchost's netsvcs group that Windows itself registers (XP to Server
 * 2022); a service a miner adds there (WannaMine's wmassrv, snmpstorsrv) is not one. */
static const char *const netsvcs_default[] = {
	"6to4",
	"AeLookupSvc",
	"AppInfo",
	"AppMgmt",
	"AudioSrv",
	"BDESVC",
	"BITS",
	"Browser",
	"CertPropSvc",
	"DcpSvc",
	"DmWapPushService",
	"dmwappushsvc",
	"DsmSvc",
	"EapHost",
	"FastUserSwitchingCompatibility",
	"gpsvc",
	"hkmsvc",
	"helpsvc",
	"IKEEXT",
	"Ias",
	"iphlpsvc",
	"Irmon",
	"lanmanserver",
	"lfsvc",
	"LogonHours",
	"MMCSS",
	"msiscsi",
	"napagent",
	"NetSetupSvc",
	"Nla",
	"Ntmssvc",
	"NWCWorkstation",
	"Nwsapagent",
	"PCAudit",
	"ProfSvc",
	"Rasauto",
	"Rasman",
	"Remoteaccess",
	"schedule",
	"SCPolicySvc",
	"seclogon",
	"SENS",
	"SessionEnv",
	"Sharedaccess",
	"ShellHWDetection",
	"SRService",
	"Tapisrv",
	"TermService",
	"Themes",
	"tiledatamodelsvc",
	"uploadmgr",
	"UsoSvc",
	"wercplsupport",
	"winmgmt",
	"wlidsvc",
	"Wmi",
	"WmdmPmSp",
	"WpnService",
	"wuauserv",
	"XblAuthManager",
	"XblGameSave",
	"ias",
	"NetMan",
	"Nla",
	"WdiServiceHost",
	"DiagTrack",
	"lmhosts",
	"TokenBroker",
	"UserManager",
	"wisvc",
	"InstallService",
	"LicenseManager",
	"PushToInstall",
	"CDPSvc",
	"Appinfo",
	"StateRepository",
	"AppXSvc",
	"ClipSVC",
	"camsvc",
	"DusmSvc",
	"TabletInputService",
	"WaaSMedicSvc",
	"wlansvc",
	"RmSvc",
	"XboxNetApiSvc",
	"XboxGipSvc",
	"WManSvc",
	"Winmgmt",
	"SystemEventsBroker",
	"BrokerInfrastructure",
	"TimeBrokerSvc",
	"WinHttpAutoProxySvc",
	"WSearch",
	"ualsvc",
	"wuauserv",
	"SecurityHealthService",
	"CryptSvc",
	"gpsvc",
	"NcaSvc",
	"NcdAutoSetup",
	"lltdsvc",
	"SNMPTRAP",
	"PolicyAgent",
	"TrkWks",
	"W32Time",
	"ssh-agent",
	"NgcSvc",
	"NgcCtnrSvc",
	"WbioSrvc",
	"SensorService",
	"SharedRealitySvc",
	"spectrum",
	"perceptionsimulation",
	"MapsBroker",
	"RetailDemo",
	"shpamsvc",
	"Netlogon",
	"KtmRm",
	"PeerDistSvc",
	"SstpSvc",
	"RemoteAccess",
	"RasMan",
	"DmEnrollmentSvc",
	"sacsvr",
	"xmlprov",
	"WmdmPmSN",
	"hidserv",
	"wscsvc",
	"DoSvc",
	"wcncsvc",
	"fdPHost",
	"FDResPub",
	"SSDPSRV",
	"upnphost",
	"EventSystem",
	"Dhcp",
	"Dnscache",
	"LanmanWorkstation",
	"NlaSvc",
	"WinRM",
	"WdiSystemHost",
	"EntAppSvc",
	"embeddedmode",
	"WpcMonSvc",
	"wlpasvc",
	"VaultSvc",
	"SEMgrSvc",
	"PhoneSvc",
	"NaturalAuthentication",
	"dot3svc",
	"WwanSvc",
	"icssvc",
	"CscService",
	"DeviceAssociationService",
	"Wcmsvc",
	"AppReadiness",
	"wisvc",
	"SgrmBroker",
};

typedef struct svc_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_win *w;
	char *netsvcs; /* SOFTWARE ...\Svchost\netsvcs, '\n'-separated, lower case */
	mt_err err;
} svc_state;

static const char *start_name(uint64_t s)
{
	static const char *const n[] = {"boot", "system", "auto", "demand", "disabled"};
	return s < MT_ARRAY_LEN(n) ? n[s] : "unknown";
}

static int in_group(const char *list, const char *name)
{
	if (!list)
		return 0;
	size_t nl = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == nl && strncasecmp(p, name, nl) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int on_service(void *p, mt_regf_key k)
{
	svc_state *s = p;
	mt_regf *h = s->w->system.h;
	char name[256];
	if (mt_regf_key_name(h, k, name, sizeof(name)) <= 0)
		return 0;
	char *image = NULL, *dll = NULL, *display = NULL, *objname = NULL;
	uint64_t type = 0, start = 3;
	mt_regf_get_text(h, k, "", "ImagePath", &image);
	mt_regf_get_text(h, k, "Parameters", "ServiceDll", &dll);
	if (!dll)
		mt_regf_get_text(h, k, "", "ServiceDll", &dll);
	mt_regf_get_text(h, k, "", "DisplayName", &display);
	mt_regf_get_text(h, k, "", "ObjectName", &objname);
	mt_regf_get_u64(h, k, "", "Type", &type);
	mt_regf_get_u64(h, k, "", "Start", &start);
	int driver = (type & 0x0f) != 0;
	if (!image && !dll)
		goto done;

	mt_cmd_verdict v, dv;
	memset(&dv, 0, sizeof(dv));
	win_target t, dt;
	memset(&dt, 0, sizeof(dt));
	if (image) {
		mt_judge_wincmd(s->ctx->rules, image, strlen(image), &v);
		if (driver)
			win_target_of_path(s->ctx, image, NULL, &t);
		else
			win_target_of_cmd(s->ctx, image, NULL, &t);
	} else {
		memset(&v, 0, sizeof(v));
		memset(&t, 0, sizeof(t));
	}
	win_target_reasons(&t, &v);
	int hosted = 0;
	if (dll) {
		mt_judge_wincmd(s->ctx->rules, dll, strlen(dll), &dv);
		win_target_of_path(s->ctx, dll, NULL, &dt);
		win_target_reasons(&dt, &dv);
		hosted = t.tree[0] && strcasecmp(mt_basename(t.tree), "svchost.exe") == 0;
		if (dt.tree[0] && !dt.system_dir)
			mt__verdict_add(&dv, "dll_outside_system32",
			                hosted ? MT_SEV_HIGH : MT_SEV_MEDIUM, NULL, dt.tree,
			                strlen(dt.tree));
		for (unsigned i = 0; i < dv.nreasons; i++)
			mt__verdict_add(&v, dv.reasons[i].code, dv.reasons[i].severity,
			                dv.reasons[i].rule, dv.reasons[i].detail,
			                strlen(dv.reasons[i].detail));
	}
	/* a service added to svchost's netsvcs group that Windows does not put there, whose
	 * DLL does not say it is Microsoft's */
	if (hosted && in_group(s->netsvcs, name)) {
		int known = 0;
		for (size_t i = 0; i < MT_ARRAY_LEN(netsvcs_default) && !known; i++)
			known = strcasecmp(name, netsvcs_default[i]) == 0;
		if (!known)
			mt__verdict_add(&v, "unexpected_entry",
			                strstr(dt.company, "Microsoft") ? MT_SEV_MEDIUM
			                                                : MT_SEV_HIGH,
			                NULL, name, strlen(name));
	}
	win_name_rule(s->ctx, MT_RK_SERVICE, name, "ioc_service", &v);
	if (v.nreasons == 0)
		goto done;
	/* a disabled service is a leftover, not a running miner */
	mt_severity sev = v.severity;
	if (start == 4 && sev > MT_SEV_MEDIUM)
		sev = sev == MT_SEV_CRITICAL ? MT_SEV_HIGH : MT_SEV_MEDIUM;

	mt_finding *f = mt_finding_new(s->self, sev, win_confidence(sev));
	const char *what = driver ? "driver" : "service";
	mt_finding_text(
		f, MT_LANG_EN,
		driver ? "Malicious or suspicious driver" : "Malicious or suspicious service",
		"%s %s (%s start%s%s%s)", driver ? "Driver" : "Service", name, start_name(start),
		display ? ", shown as \"" : "", display ? display : "", display ? "\"" : "");
	mt_finding_text(f, MT_LANG_ZH, driver ? "恶意或可疑的驱动" : "恶意或可疑的服务",
	                "%s %s(启动类型 %s%s%s)", driver ? "驱动" : "服务", name, start_name(start),
	                display ? "，显示名称 " : "", display ? display : "");
	mt_finding_str(f, "service", name, 1);
	mt_finding_str(f, "kind", what, 0);
	if (image)
		mt_finding_str(f, "image_path", image, 0);
	if (dll)
		mt_finding_str(f, "service_dll", dll, 0);
	if (display)
		mt_finding_str(f, "display_name", display, 0);
	if (objname)
		mt_finding_str(f, "run_as", objname, 0);
	mt_finding_str(f, "start", start_name(start), 0);
	mt_finding_int(f, "type", (long long)type, 0);
	if (hosted)
		mt_finding_int(f, "svchost_netsvcs", in_group(s->netsvcs, name), 0);
	char keypath[400];
	snprintf(keypath, sizeof(keypath), "%s\\Services\\%s", s->w->ccs_name, name);
	mt_finding_str(f, "key", keypath, 0);
	win_key_time(f, h, k);
	win_target_evidence(f, &t);
	if (dt.tree[0])
		mt_finding_str(f, "dll", dt.tree, 0);
	if (dt.id.what != MT_ID_NONE)
		mt_finding_str(f, "dll_identified_as", dt.id.family, 0);
	mt_verdict_explain(f, &v);

	mt_action *a = mt_finding_action(f, "disable_service");
	mt_action_str(f, a, "name", name);
	if (sev >= MT_SEV_HIGH) {
		win_remedy_reg_key(f, "HKLM\\SYSTEM", keypath);
		win_target_quarantine(f, &t);
		win_target_quarantine(f, &dt);
		mt_verdict_remedies(f, &v, t.system_dir ? t.tree : NULL);
	}
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
done:
	free(image);
	free(dll);
	free(display);
	free(objname);
	return s->err != MT_OK;
}

mt_err mt_check_win_services(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	if (!w || !w->system.h || !w->ccs)
		return MT_OK;
	svc_state s = {ctx, self, w, NULL, MT_OK};
	mt_regf_key svcs;
	if (mt_regf_find(w->system.h, w->ccs, "Services", &svcs) != MT_OK) {
		mt_report_diag(ctx->report, "SYSTEM: no %s\\Services key", w->ccs_name);
		return MT_OK;
	}
	s.netsvcs = mt_win_text(&w->software, 0, "Microsoft\\Windows NT\\CurrentVersion\\Svchost",
	                        "netsvcs");
	mt_regf_each_subkey(w->system.h, svcs, on_service, &s);
	free(s.netsvcs);
	return s.err;
}
