/* hardening_windows.c - hardening.windows: what let the worm in and will let it in again
 * (seed 004: every crashing host lacked MS17-010): the MS17-010 fix judged by the version
 * of System32\drivers\srv.sys against the fixed build of that Windows, with the installed
 * updates of component-based servicing as corroboration; SMBv1 on; 445 open to the
 * network; RDP open without network level authentication; accounts that need no
 * password, the Guest account enabled. Each is a finding with its remedy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../collect/win/winsam.h"
#include "win_common.h"

/* srv.sys of the first update that fixed MS17-010, by Windows build (KB4023262's table
 * of file versions; 15063 and later shipped fixed). */
static const struct {
	unsigned build;
	unsigned rev, rev_ldr; /* rev_ldr: the LDR branch's (revisions from 20000), 0 none */
	const char *os, *kb;
} fixed[] = {
	{2600, 7208, 0, "Windows XP", "KB4012598"},
	{3790, 6021, 0, "Windows Server 2003", "KB4012598"},
	{6002, 19743, 24067, "Windows Vista / Server 2008", "KB4012598"},
	{6003, 19743, 24067, "Windows Vista / Server 2008", "KB4012598"},
	{7601, 23689, 0, "Windows 7 / Server 2008 R2", "KB4012212 or KB4012215"},
	{9200, 22099, 0, "Windows 8 / Server 2012", "KB4012214 or KB4012217"},
	{9600, 18604, 0, "Windows 8.1 / Server 2012 R2", "KB4012213 or KB4012216"},
	{10240, 17319, 0, "Windows 10 1507", "KB4012606"},
	{10586, 839, 0, "Windows 10 1511", "KB4013198"},
	{14393, 953, 0, "Windows 10 1607 / Server 2016", "KB4013429"},
};

/* The updates that carry the fix (and the March 2017 rollups that include it). */
static const char *const ms17_kbs[] = {"KB4012598", "KB4012212", "KB4012215", "KB4012213",
                                       "KB4012216", "KB4012214", "KB4012217", "KB4012606",
                                       "KB4013198", "KB4013429"};

typedef struct hw_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_win *w;
	unsigned build;
	char product[128];
	char kb[32]; /* an MS17-010 update found installed, "" none */
	mt_err err;
} hw_state;

static void add(hw_state *s, mt_finding *f)
{
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

/* item names the setting for respond --script ps1, which knows a fixed command for some */
static void remedy(mt_finding *f, const char *item, const char *what, const char *how)
{
	mt_action *a = mt_finding_action(f, "harden");
	mt_action_str(f, a, "item", item);
	mt_action_str(f, a, "what", what);
	mt_action_str(f, a, "how", how);
}

static int on_package(void *p, mt_regf_key k)
{
	hw_state *s = p;
	char name[256];
	if (mt_regf_key_name(s->w->software.h, k, name, sizeof(name)) <= 0)
		return 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(ms17_kbs); i++) {
		if (!strstr(name, ms17_kbs[i]))
			continue;
		uint64_t state = 0;
		/* CurrentState 0x70: installed */
		if (mt_regf_get_u64(s->w->software.h, k, "", "CurrentState", &state) == MT_OK &&
		    state != 0x70)
			continue;
		snprintf(s->kb, sizeof(s->kb), "%s", ms17_kbs[i]);
		return 1;
	}
	return 0;
}

/* The version of a driver file as "a.b.c.d", 0 when read. */
static int file_version(hw_state *s, const char *path, uint16_t v[4])
{
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(s->ctx->host, path, 16u * 1024 * 1024, &data, &len, &trunc) != MT_OK)
		return -1;
	mt_pe pe;
	int rc = -1;
	if (mt_pe_parse(data, len, &pe) == MT_OK && pe.has_version) {
		memcpy(v, pe.file_ver, sizeof(pe.file_ver));
		rc = 0;
	}
	free(data);
	return rc;
}

static int smb1_on(hw_state *s)
{
	mt_regf *h = s->w->system.h;
	uint64_t v;
	if (mt_regf_get_u64(h, s->w->ccs, "Services\\LanmanServer\\Parameters", "SMB1", &v) ==
	    MT_OK)
		return v != 0;
	/* no value: on before Windows 10 1709; from then on only with the SMB1 feature,
	 * whose server driver is the srv service */
	if (s->build && s->build < 16299)
		return 1;
	uint64_t start = 4;
	if (mt_regf_get_u64(h, s->w->ccs, "Services\\srv", "Start", &start) != MT_OK)
		return 0;
	return start != 4;
}

static void ms17_010(hw_state *s, int smb1)
{
	uint16_t v[4] = {0}, v2[4] = {0};
	int have = file_version(s, "/Windows/System32/drivers/srv.sys", v) == 0;
	int have2 = file_version(s, "/Windows/System32/drivers/srv2.sys", v2) == 0;
	if (s->w->software.h) {
		mt_regf_key k;
		if (mt_regf_find(
			    s->w->software.h, mt_regf_root(s->w->software.h),
			    "Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\Packages",
			    &k) == MT_OK)
			mt_regf_each_subkey(s->w->software.h, k, on_package, s);
	}
	unsigned build = have ? v[2] : s->build;
	int patched = -1; /* unknown */
	const char *kb = "the latest cumulative update";
	const char *os = s->product[0] ? s->product : "this Windows";
	if (build >= 15063) {
		patched = 1;
	} else {
		for (size_t i = 0; i < MT_ARRAY_LEN(fixed); i++) {
			if (fixed[i].build != build)
				continue;
			kb = fixed[i].kb;
			if (have) {
				unsigned need = fixed[i].rev_ldr && v[3] >= 20000 ? fixed[i].rev_ldr
				                                                  : fixed[i].rev;
				patched = v[3] >= need;
			}
		}
		/* a build older than every fixed one (Windows 7 RTM, Vista SP1): never fixed */
		if (have && patched < 0 && build < 14393)
			patched = 0;
	}
	if (patched < 0 && s->kb[0])
		patched = 1;
	if (patched == 1)
		return;
	mt_severity sev = patched == 0 ? (smb1 ? MT_SEV_HIGH : MT_SEV_MEDIUM) : MT_SEV_LOW;
	mt_finding *f = mt_finding_new(s->self, sev, patched == 0 ? 90 : 40);
	char ver[48] = "", ver2[48] = "";
	if (have)
		snprintf(ver, sizeof(ver), "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
	if (have2)
		snprintf(ver2, sizeof(ver2), "%u.%u.%u.%u", v2[0], v2[1], v2[2], v2[3]);
	if (patched == 0) {
		mt_finding_text(f, MT_LANG_EN, "MS17-010 (EternalBlue) is not fixed",
		                "srv.sys %s is older than the fixed build of %s%s; the worm enters "
		                "and re-enters over SMB/445",
		                ver, os, smb1 ? " and SMBv1 is on" : "");
		mt_finding_text(f, MT_LANG_ZH, "未修复MS17-010(永恒之蓝)漏洞",
		                "srv.sys %s 低于%s的修复版本%s；蠕虫可通过SMB/445反复入侵", ver, os,
		                smb1 ? "，且SMBv1已启用" : "");
	} else {
		mt_finding_text(
			f, MT_LANG_EN, "MS17-010 fix could not be verified",
			"srv.sys has no readable version and no MS17-010 update is recorded");
		mt_finding_text(f, MT_LANG_ZH, "无法确认是否修复MS17-010",
		                "srv.sys无法读取版本，且未找到MS17-010补丁记录");
	}
	mt_finding_str(f, "item", "ms17_010", 1);
	if (ver[0])
		mt_finding_str(f, "srv_sys", ver, 0);
	if (ver2[0])
		mt_finding_str(f, "srv2_sys", ver2, 0);
	if (s->build)
		mt_finding_int(f, "os_build", s->build, 0);
	if (s->product[0])
		mt_finding_str(f, "os", s->product, 0);
	mt_finding_int(f, "smb1", smb1, 0);
	mt_finding_str(f, "update_needed", kb, 0);
	remedy(f, "ms17_010", "install the MS17-010 update", kb);
	add(s, f);
}

static int profile_off(hw_state *s)
{
	static const char *const prof[] = {"DomainProfile", "StandardProfile", "PublicProfile"};
	for (size_t i = 0; i < MT_ARRAY_LEN(prof); i++) {
		char key[160];
		uint64_t on = 1;
		snprintf(key, sizeof(key), "Services\\SharedAccess\\Parameters\\FirewallPolicy\\%s",
		         prof[i]);
		if (mt_regf_get_u64(s->w->system.h, s->w->ccs, key, "EnableFirewall", &on) ==
		            MT_OK &&
		    on == 0)
			return 1;
	}
	return 0;
}

static void smb_and_rdp(hw_state *s, int smb1)
{
	mt_regf *h = s->w->system.h;
	uint64_t start = 2;
	mt_regf_get_u64(h, s->w->ccs, "Services\\LanmanServer", "Start", &start);
	int fw_off = profile_off(s);
	if (smb1 && start != 4) {
		mt_finding *f = mt_finding_new(s->self, MT_SEV_MEDIUM, 80);
		mt_finding_text(f, MT_LANG_EN, "SMBv1 is enabled",
		                "The file server speaks SMBv1, the protocol EternalBlue attacks%s",
		                fw_off ? "; the firewall is off for at least one profile" : "");
		mt_finding_text(f, MT_LANG_ZH, "SMBv1已启用",
		                "文件服务器启用了永恒之蓝所攻击的SMBv1协议%s",
		                fw_off ? "；至少一个网络配置文件的防火墙已关闭" : "");
		mt_finding_str(f, "item", "smb1", 1);
		mt_finding_int(f, "firewall_off", fw_off, 0);
		remedy(f, "smb1", "turn SMBv1 off",
		       "Set-SmbServerConfiguration -EnableSMB1Protocol $false (or LanmanServer\\"
		       "Parameters SMB1=0)");
		add(s, f);
	}
	if (fw_off && start != 4) {
		mt_finding *f = mt_finding_new(s->self, MT_SEV_MEDIUM, 70);
		mt_finding_text(
			f, MT_LANG_EN, "SMB port 445 is open to the network",
			"The Windows Firewall is off for at least one profile while the file "
			"server runs: 445 can be reached by every infected neighbour");
		mt_finding_text(
			f, MT_LANG_ZH, "SMB 445端口对网络开放",
			"文件服务运行时至少一个配置文件的Windows防火墙已关闭：445端口可被同网段感染主机访问");
		mt_finding_str(f, "item", "smb_exposed", 1);
		remedy(f, "smb_exposed", "close 445 to the network",
		       "netsh advfirewall set allprofiles state on; block inbound TCP 445 from "
		       "workstations");
		add(s, f);
	}
	uint64_t deny = 1, nla = 1;
	mt_regf_get_u64(h, s->w->ccs, "Control\\Terminal Server", "fDenyTSConnections", &deny);
	mt_regf_get_u64(h, s->w->ccs, "Control\\Terminal Server\\WinStations\\RDP-Tcp",
	                "UserAuthentication", &nla);
	if (deny == 0 && nla == 0) {
		mt_finding *f = mt_finding_new(s->self, MT_SEV_MEDIUM, 70);
		mt_finding_text(
			f, MT_LANG_EN, "RDP open without network level authentication",
			"Remote Desktop accepts connections and asks for no credentials before "
			"the session (brute force, BlueKeep)");
		mt_finding_text(f, MT_LANG_ZH, "RDP开放且未启用网络级身份验证",
		                "远程桌面允许连接且会话前不验证凭据(易被暴力破解、BlueKeep)");
		mt_finding_str(f, "item", "rdp_nla", 1);
		remedy(f, "rdp_nla", "require NLA for RDP",
		       "WinStations\\RDP-Tcp UserAuthentication=1; allow 3389 only from admin hosts");
		add(s, f);
	}
}

static int on_account(void *p, const mt_sam_user *u)
{
	hw_state *s = p;
	if (!u->has_f || (u->acb & MT_ACB_DISABLED))
		return 0;
	int guest = u->rid == 501;
	int nopw = (u->acb & MT_ACB_PWNOTREQ) != 0;
	if (!guest && !nopw && (u->admin == 1 || u->rid == 500) && (u->acb & MT_ACB_PWNOEXP)) {
		/* Windows sets it on the built-in Administrator: a hint, not a sign */
		mt_finding *f = mt_finding_new(s->self, MT_SEV_LOW, 50);
		mt_finding_text(f, MT_LANG_EN, "Administrator password that never expires",
		                "The password of the administrator %s (RID %u) never expires: a "
		                "guessed or stolen one stays good",
		                u->name, u->rid);
		mt_finding_text(f, MT_LANG_ZH, "管理员口令永不过期",
		                "管理员%s(RID %u)的口令永不过期：被猜中或窃取的口令一直有效",
		                u->name, u->rid);
		mt_finding_str(f, "item", "password_never_expires", 1);
		mt_finding_str(f, "account", u->name, 1);
		mt_finding_int(f, "rid", u->rid, 0);
		remedy(f, "password_never_expires", "let the administrator password expire",
		       "Set-LocalUser -Name <account> -PasswordNeverExpires $false; a long unique "
		       "password (LAPS)");
		add(s, f);
		return s->err != MT_OK;
	}
	if (!guest && !nopw)
		return 0;
	mt_finding *f = mt_finding_new(s->self, MT_SEV_MEDIUM, 70);
	if (guest) {
		mt_finding_text(f, MT_LANG_EN, "Guest account enabled",
		                "The built-in Guest account (%s) can log on", u->name);
		mt_finding_text(f, MT_LANG_ZH, "Guest账户已启用", "内置Guest账户(%s)可以登录",
		                u->name);
	} else {
		mt_finding_text(f, MT_LANG_EN, "Account that needs no password",
		                "Account %s (RID %u) is enabled and may have an empty password%s",
		                u->name, u->rid, u->admin == 1 ? "; it is an administrator" : "");
		mt_finding_text(f, MT_LANG_ZH, "无需口令的账户",
		                "账户%s(RID %u)已启用且可能为空口令%s", u->name, u->rid,
		                u->admin == 1 ? "；该账户为管理员" : "");
	}
	mt_finding_str(f, "item", guest ? "guest" : "no_password", 1);
	mt_finding_str(f, "account", u->name, 1);
	mt_finding_int(f, "rid", u->rid, 0);
	mt_finding_int(f, "never_expires", (u->acb & MT_ACB_PWNOEXP) != 0, 0);
	if (u->admin >= 0)
		mt_finding_int(f, "admin", u->admin, 0);
	mt_action *a = mt_finding_action(f, guest ? "disable_account" : "change_password");
	mt_action_str(f, a, "user", u->name);
	add(s, f);
	return s->err != MT_OK;
}

mt_err mt_check_hardening_windows(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	if (!w || !w->system.h || !w->ccs)
		return MT_OK;
	hw_state s;
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.self = self;
	s.w = w;
	char *b = mt_win_text(&w->software, 0, "Microsoft\\Windows NT\\CurrentVersion",
	                      "CurrentBuild");
	if (!b)
		b = mt_win_text(&w->software, 0, "Microsoft\\Windows NT\\CurrentVersion",
		                "CurrentBuildNumber");
	if (b)
		s.build = (unsigned)strtoul(b, NULL, 10);
	free(b);
	char *prod = mt_win_text(&w->software, 0, "Microsoft\\Windows NT\\CurrentVersion",
	                         "ProductName");
	if (prod)
		snprintf(s.product, sizeof(s.product), "%s", prod);
	free(prod);
	int smb1 = smb1_on(&s);
	ms17_010(&s, smb1);
	smb_and_rdp(&s, smb1);
	if (w->sam.h && s.err == MT_OK)
		mt_sam_each_user(w->sam.h, on_account, &s);
	return s.err;
}
