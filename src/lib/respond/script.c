/* script.c - a Windows plan as a PowerShell script for the live host
 *
 * A Windows image is evidence: respond never changes it. What the findings of a Windows
 * root ask for is written instead as a script a responder reviews and runs, elevated, on
 * the host the image came from (Windows PowerShell 5.1: Get-WmiObject, NetSecurity).
 * Every step backs up what it removes into one directory before removing it (reg export,
 * the task's XML, WMI objects as CLIXML, files renamed .quarantined, the hosts file, the
 * rule or proxy table) and records it in manifest.csv; one failing step is reported and
 * the others still run; -DryRun only lists the steps.
 *
 * Everything taken from the report is attacker-controlled (names of services, tasks,
 * values, paths): it only ever reaches PowerShell inside single-quoted literals, with
 * every quote character PowerShell accepts doubled, and comments have their control
 * characters replaced, so no name can end a literal or a comment line. Values a command
 * needs in a fixed shape (addresses, ports, GUIDs, SHA-256) are checked here; a value
 * that fails is not written into a command and the step becomes a manual one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "respond/respond_int.h"

/* order of the Windows steps: what restarts the miner goes first, then the files */
static const struct {
	const char *action;
	int rank;
} order[] = {
	{"disable_service", 1},  {"delete_task", 2},     {"delete_wmi", 3},
	{"delete_reg_value", 4}, {"quarantine_file", 5}, {"delete_reg_key", 6},
	{"remove_portproxy", 7}, {"remove_fw_rule", 8},  {"remove_line", 9},
	{"disable_account", 10}, {"block_ip", 11},       {"harden", 12},
};

static int rank_of(const char *action)
{
	for (size_t i = 0; i < MT_ARRAY_LEN(order); i++)
		if (strcmp(order[i].action, action) == 0)
			return order[i].rank;
	return 100; /* not for Windows: a comment */
}

/* A PowerShell single-quoted literal: ' and the typographic single quotes PowerShell
 * also ends literals with (U+2018, U+2019, U+201A, U+201B) doubled; NUL cannot occur. */
static void psq(mt_buf *b, const char *s)
{
	mt_buf_addc(b, '\'');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\'') {
			mt_buf_adds(b, "''");
		} else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x98 && p[2] <= 0x9b) {
			mt_buf_add(b, (const char *)p, 3);
			mt_buf_add(b, (const char *)p, 3);
			p += 2;
		} else {
			mt_buf_addc(b, (char)*p);
		}
	}
	mt_buf_addc(b, '\'');
}

/* Text for a comment line: controls (CR, LF, ...) and DEL as '?', at most 300 bytes. */
static void comment_text(mt_buf *b, const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && n < 300; p++, n++)
		mt_buf_addc(b, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
	if (s && strlen(s) > 300)
		mt_buf_adds(b, "...");
}

/* The Windows path of a tree path: "/Windows/Temp/a.exe" -> '\Windows\Temp\a.exe'. */
static void win_path(mt_buf *b, const char *tree)
{
	mt_buf_adds(b, "($Sys + ");
	char *w = mt_strdup(tree ? tree : "");
	for (char *c = w; c && *c; c++)
		if (*c == '/')
			*c = '\\';
	psq(b, w);
	free(w);
	mt_buf_addc(b, ')');
}

/* The registry path of hive + key for reg.exe and Registry::, live: the control set the
 * image was read from (ControlSet001) is CurrentControlSet on the running host. */
static void reg_path(mt_buf *b, const char *hive, const char *key)
{
	mt_buf k;
	mt_buf_init(&k, 8192);
	const char *rest = key ? key : "";
	if (strncasecmp(rest, "ControlSet00", 12) == 0 && rest[12] >= '0' && rest[12] <= '9' &&
	    rest[13] == '\\') {
		mt_buf_adds(&k, "CurrentControlSet");
		rest += 13;
	}
	mt_buf_adds(&k, rest);
	const char *h = hive ? hive : "";
	if (strncasecmp(h, "HKLM\\", 5) == 0) {
		mt_buf_adds(b, "('HKEY_LOCAL_MACHINE\\' + ");
		psq(b, h + 5);
		mt_buf_adds(b, " + '\\' + ");
		psq(b, k.data ? k.data : "");
		mt_buf_adds(b, ")");
	}
	mt_buf_free(&k);
}

static int all_of(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n >= min && n <= max && strspn(s, set) == n;
}

#define HEX "0123456789abcdefABCDEF"

typedef struct ps_state {
	mt_buf *b;
	unsigned n;
	int open; /* a Step { block is open */
} ps_state;

static void begin(ps_state *st, const mt_pstep *s, const char *what)
{
	mt_buf *b = st->b;
	mt_buf_printf(b, "\n# [%u] ", st->n);
	comment_text(b, s->action);
	mt_buf_adds(b, ": ");
	comment_text(b, s->target);
	mt_buf_adds(b, "\n#     finding ");
	comment_text(b, s->finding);
	mt_buf_adds(b, " ");
	comment_text(b, s->check);
	mt_buf_adds(b, " (");
	comment_text(b, s->sev);
	mt_buf_adds(b, "): ");
	comment_text(b, s->title_en);
	if (s->also.len) {
		mt_buf_adds(b, "; also ");
		comment_text(b, s->also.data);
	}
	/* below high the finding is a suspicion: its step runs only with -IncludeMedium */
	int review = !s->sev || (strcmp(s->sev, "high") != 0 && strcmp(s->sev, "critical") != 0);
	mt_buf_printf(b, "\nStep %u %s", st->n, review ? "-Review " : "");
	psq(b, s->action);
	mt_buf_adds(b, " ");
	psq(b, what);
	mt_buf_adds(b, " {\n");
	st->open = 1;
}

static void manual(ps_state *st, const mt_pstep *s, const char *why)
{
	mt_buf *b = st->b;
	mt_buf_printf(b, "\n# [%u] MANUAL ", st->n);
	comment_text(b, s->action);
	mt_buf_adds(b, ": ");
	comment_text(b, s->target);
	mt_buf_adds(b, "\n#     ");
	comment_text(b, why);
	mt_buf_adds(b, " (finding ");
	comment_text(b, s->finding);
	mt_buf_adds(b, ")\n");
	mt_buf_printf(b, "Manual %u ", st->n);
	psq(b, s->target);
	mt_buf_addc(b, '\n');
}

static void step_ps1(ps_state *st, const mt_pstep *s)
{
	mt_buf *b = st->b;
	const char *a = s->action;
	unsigned n = st->n;
	if (strcmp(a, "disable_service") == 0 && s->name) {
		begin(st, s, s->target);
		mt_buf_adds(b, "    $svc = ");
		psq(b, s->name);
		mt_buf_printf(
			b,
			"\n    & sc.exe qc $svc | Out-File -LiteralPath (Bk %u 'service.txt')\n"
			"    & sc.exe stop $svc | Out-Null\n"
			"    & sc.exe config $svc start= disabled | Out-Null\n"
			"    if ($LASTEXITCODE -ne 0) { throw \"sc.exe config $svc failed\" }\n"
			"    Note %u 'service' $svc (Bk %u 'service.txt')\n",
			n, n, n);
	} else if (strcmp(a, "delete_task") == 0 && s->name) {
		begin(st, s, s->target);
		mt_buf_adds(b, "    $t = ");
		psq(b, s->name);
		mt_buf_printf(
			b,
			"\n    $x = Bk %u 'task.xml'\n"
			"    $xml = & schtasks.exe /query /tn $t /xml\n"
			"    if ($LASTEXITCODE -eq 0) {\n"
			"        $xml | Out-File -LiteralPath $x -Encoding Unicode\n"
			"        & schtasks.exe /delete /tn $t /f | Out-Null\n"
			"        if ($LASTEXITCODE -ne 0) { throw \"schtasks /delete $t failed\" }\n"
			"    } else {\n"
			"        # hidden from schtasks (its SD removed): the TaskCache key and the file\n"
			"        $k = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows "
			"NT\\CurrentVersion\\Schedule\\TaskCache\\Tree' + $t\n"
			"        & reg.exe export $k (Bk %u 'tasktree.reg') /y | Out-Null\n"
			"        if ($LASTEXITCODE -ne 0) { throw \"task $t not found\" }\n"
			"        Remove-Item -LiteralPath ('Registry::' + $k) -Recurse -Force\n"
			"        $f = $Sys + '\\Windows\\System32\\Tasks' + $t\n"
			"        if (Test-Path -LiteralPath $f) { Copy-Item -LiteralPath $f $x; "
			"Remove-Item -LiteralPath $f -Force }\n"
			"    }\n"
			"    Note %u 'task' $t $x\n",
			n, n, n);
	} else if (strcmp(a, "delete_wmi") == 0 && s->consumer) {
		begin(st, s, s->target);
		mt_buf_adds(b, "    $cn = ");
		psq(b, s->consumer);
		mt_buf_adds(b, "\n    $cc = ");
		psq(b, s->consumer_class ? s->consumer_class : "__EventConsumer");
		mt_buf_adds(b, "\n    $fn = ");
		psq(b, s->filter ? s->filter : "");
		mt_buf_printf(
			b,
			"\n    $ns = 'root\\subscription'\n"
			"    $c = @(Get-WmiObject -Namespace $ns -Class __EventConsumer | Where-Object "
			"{ $_.Name -ceq $cn -and $_.__CLASS -eq $cc })\n"
			"    $bd = @(Get-WmiObject -Namespace $ns -Class __FilterToConsumerBinding | "
			"Where-Object { $_.Consumer -like ('*' + $cc + '.Name=\"*') -and "
			"$_.Consumer.EndsWith('.Name=\"' + $cn + '\"') })\n"
			"    $f = @()\n"
			"    if ($fn) { $f = @(Get-WmiObject -Namespace $ns -Class __EventFilter | "
			"Where-Object { $_.Name -ceq $fn }) }\n"
			"    if ($c.Count -eq 0 -and $bd.Count -eq 0) { throw \"WMI consumer $cn not "
			"found\" }\n"
			"    ($bd + $c + $f) | Export-Clixml -LiteralPath (Bk %u 'wmi.xml')\n"
			"    $bd | Remove-WmiObject\n"
			"    $c | Remove-WmiObject\n"
			"    $f | Remove-WmiObject\n"
			"    Note %u 'wmi' $cn (Bk %u 'wmi.xml')\n",
			n, n, n);
	} else if ((strcmp(a, "delete_reg_value") == 0 || strcmp(a, "delete_reg_key") == 0) &&
	           s->hive && s->regkey) {
		int user = strncasecmp(s->hive, "HKU\\", 4) == 0;
		if (!user && strncasecmp(s->hive, "HKLM\\", 5) != 0) {
			manual(st, s, "a hive this script does not know");
			return;
		}
		begin(st, s, s->target);
		if (user) {
			mt_buf_adds(b, "    $k = (UserHive ");
			psq(b, s->hive + 4);
			mt_buf_adds(b, " ");
			if (s->profile)
				win_path(b, s->profile);
			else
				mt_buf_adds(b, "''");
			mt_buf_adds(b, ") + '\\' + ");
			psq(b, s->regkey);
			mt_buf_adds(b, "\n");
		} else {
			mt_buf_adds(b, "    $k = ");
			reg_path(b, s->hive, s->regkey);
			mt_buf_adds(b, "\n");
		}
		mt_buf_printf(
			b,
			"    & reg.exe export $k (Bk %u 'key.reg') /y | Out-Null\n"
			"    if ($LASTEXITCODE -ne 0) { throw \"reg export $k failed (gone?)\" }\n",
			n);
		if (strcmp(a, "delete_reg_value") == 0) {
			mt_buf_adds(b, "    $v = ");
			psq(b, s->value ? s->value : "");
			/* -Name takes wildcards: a value named "*" must not remove them all */
			mt_buf_adds(
				b,
				"\n    Remove-ItemProperty -LiteralPath ('Registry::' + $k) -Name "
				"([Management.Automation.WildcardPattern]::Escape($v)) -Force\n");
		} else {
			mt_buf_adds(
				b,
				"    Remove-Item -LiteralPath ('Registry::' + $k) -Recurse -Force "
				"-ErrorAction Stop\n");
		}
		mt_buf_printf(b, "    Note %u 'registry' $k (Bk %u 'key.reg')\n", n, n);
	} else if (strcmp(a, "quarantine_file") == 0 && s->path && s->path[0] == '/') {
		if (s->sha256 && !all_of(s->sha256, HEX, 64, 64)) {
			manual(st, s, "the report's sha256 is not a SHA-256");
			return;
		}
		begin(st, s, s->target);
		mt_buf_adds(b, "    $p = ");
		win_path(b, s->path);
		mt_buf_adds(b, "\n    $h = ");
		psq(b, s->sha256 ? s->sha256 : "");
		mt_buf_printf(
			b,
			"\n    if (-not (Test-Path -LiteralPath $p -PathType Leaf)) { Write-Host '    "
			"already gone'; return }\n"
			"    if ($h -and (Get-FileHash -LiteralPath $p -Algorithm SHA256).Hash -ne $h) "
			"{ throw \"$p changed since the scan: left in place\" }\n"
			"    Get-Process | Where-Object { $_.Path -eq $p } | Stop-Process -Force\n"
			"    $q = Bk %u ([IO.Path]::GetFileName($p) + '.quarantined')\n"
			"    Copy-Item -LiteralPath $p -Destination $q -Force\n"
			"    Remove-Item -LiteralPath $p -Force -ErrorAction Stop\n"
			"    Note %u 'file' $p $q\n",
			n, n);
	} else if (strcmp(a, "remove_portproxy") == 0 && s->listen) {
		const char *slash = strrchr(s->listen, '/');
		const char *kind = s->regkey && strstr(s->regkey, "v4tov6")   ? "v4tov6"
		                   : s->regkey && strstr(s->regkey, "v6tov4") ? "v6tov4"
		                   : s->regkey && strstr(s->regkey, "v6tov6") ? "v6tov6"
		                                                              : "v4tov4";
		char addr[64] = "";
		if (slash && (size_t)(slash - s->listen) < sizeof(addr))
			snprintf(addr, sizeof(addr), "%.*s", (int)(slash - s->listen), s->listen);
		if (!slash || !all_of(slash + 1, "0123456789", 1, 5) ||
		    !all_of(addr, HEX ".:*", 1, sizeof(addr) - 1)) {
			manual(st, s, "a listen address that is not address/port");
			return;
		}
		begin(st, s, s->target);
		mt_buf_printf(
			b,
			"    & netsh.exe interface portproxy show all | Out-File -LiteralPath "
			"(Bk %u 'portproxy.txt')\n"
			"    & netsh.exe interface portproxy delete %s listenport=%s%s%s | "
			"Out-Null\n"
			"    if ($LASTEXITCODE -ne 0) { throw 'netsh portproxy delete failed' }\n"
			"    Note %u 'portproxy' '%s %s' (Bk %u 'portproxy.txt')\n",
			n, kind, slash + 1, strcmp(addr, "*") ? " listenaddress=" : "",
			strcmp(addr, "*") ? addr : "", n, kind, s->listen, n);
	} else if (strcmp(a, "remove_fw_rule") == 0 && s->rule_id) {
		if (!all_of(s->rule_id,
		            HEX "{}-_ .abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 1,
		            200)) {
			manual(st, s, "a rule id with characters firewall rule ids do not have");
			return;
		}
		begin(st, s, s->target);
		mt_buf_adds(b, "    $r = ");
		psq(b, s->rule_id);
		mt_buf_printf(b,
		              "\n    $o = Get-NetFirewallRule -Name $r -ErrorAction Stop\n"
		              "    $o | Export-Clixml -LiteralPath (Bk %u 'fwrule.xml')\n"
		              "    Remove-NetFirewallRule -Name $r -ErrorAction Stop\n"
		              "    Note %u 'firewall rule' $r (Bk %u 'fwrule.xml')\n",
		              n, n, n);
	} else if (strcmp(a, "remove_line") == 0 && s->path && s->lineno > 0 && s->line_sha &&
	           all_of(s->line_sha, HEX, 64, 64)) {
		begin(st, s, s->target);
		mt_buf_adds(b, "    $p = ");
		win_path(b, s->path);
		mt_buf_adds(b, "\n    $h = ");
		psq(b, s->line_sha);
		mt_buf_printf(
			b,
			"\n    $lines = [IO.File]::ReadAllLines($p)\n"
			"    $i = %lld - 1\n"
			"    if ($i -ge $lines.Count -or ((Sha $lines[$i]) -ne $h -and (Sha ($lines[$i] + "
			"\"`r\")) -ne $h)) { throw \"line %lld of $p changed since the scan\" }\n"
			"    Copy-Item -LiteralPath $p -Destination (Bk %u 'file.bak') -Force\n"
			"    $keep = for ($j = 0; $j -lt $lines.Count; $j++) { if ($j -ne $i) { $lines[$j] } "
			"}\n"
			"    [IO.File]::WriteAllLines($p, [string[]]$keep)\n"
			"    Note %u 'line' $p (Bk %u 'file.bak')\n",
			(long long)s->lineno, (long long)s->lineno, n, n, n);
	} else if (strcmp(a, "disable_account") == 0 && s->user) {
		begin(st, s, s->target);
		mt_buf_adds(b, "    $u = ");
		psq(b, s->user);
		mt_buf_printf(
			b,
			"\n    & net.exe user $u | Out-File -LiteralPath (Bk %u 'account.txt')\n"
			"    & net.exe user $u /active:no | Out-Null\n"
			"    if ($LASTEXITCODE -ne 0) { throw \"net user $u /active:no failed\" }\n"
			"    Note %u 'account' $u (Bk %u 'account.txt')\n",
			n, n, n);
	} else if (strcmp(a, "block_ip") == 0 && s->ip) {
		if (!all_of(s->ip, HEX ".:/", 2, 64)) {
			manual(st, s, "not an address");
			return;
		}
		begin(st, s, s->target);
		mt_buf_adds(b, "    $a = ");
		psq(b, s->ip);
		mt_buf_printf(b,
		              "\n    New-NetFirewallRule -DisplayName ('minetrace block ' + $a) "
		              "-Direction Outbound -Action Block -RemoteAddress $a | Out-Null\n"
		              "    Note %u 'block' $a ''\n",
		              n);
	} else if (strcmp(a, "harden") == 0 && s->item && strcmp(s->item, "smb1") == 0) {
		begin(st, s, s->target);
		mt_buf_printf(b,
		              "    Get-SmbServerConfiguration | Export-Clixml -LiteralPath (Bk %u "
		              "'smb.xml')\n"
		              "    Set-SmbServerConfiguration -EnableSMB1Protocol $false -Force\n"
		              "    Note %u 'harden' 'SMBv1 off' (Bk %u 'smb.xml')\n",
		              n, n, n);
	} else if (strcmp(a, "harden") == 0 && s->item && strcmp(s->item, "smb_exposed") == 0) {
		/* the containment of a worm outbreak (seed 004): file sharing stops with it */
		begin(st, s, s->target);
		mt_buf_printf(
			b,
			"    & netsh.exe advfirewall show allprofiles | Out-File -LiteralPath (Bk "
			"%u 'firewall.txt')\n"
			"    & netsh.exe advfirewall set allprofiles state on | Out-Null\n"
			"    New-NetFirewallRule -DisplayName 'minetrace: block SMB 445 inbound' "
			"-Direction Inbound -Protocol TCP -LocalPort 445 -Action Block | Out-Null\n"
			"    Note %u 'harden' 'firewall on, 445 blocked inbound' (Bk %u "
			"'firewall.txt')\n",
			n, n, n);
	} else if (strcmp(a, "harden") == 0 && s->item && strcmp(s->item, "rdp_nla") == 0) {
		begin(st, s, s->target);
		mt_buf_printf(
			b,
			"    $k = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal "
			"Server\\WinStations\\RDP-Tcp'\n"
			"    & reg.exe export $k (Bk %u 'key.reg') /y | Out-Null\n"
			"    Set-ItemProperty -LiteralPath ('Registry::' + $k) -Name "
			"UserAuthentication -Value 1 -Type DWord\n"
			"    Note %u 'harden' 'RDP NLA required' (Bk %u 'key.reg')\n",
			n, n, n);
	} else if (strcmp(a, "harden") == 0) {
		manual(st, s, "hardening: done by the administrator (patch, policy)");
	} else if (rank_of(a) == 100) {
		manual(st, s, "not an action for a Windows host");
	} else {
		manual(st, s, "the report gives too little to do it safely");
	}
}

static const char prologue[] =
	"#Requires -RunAsAdministrator\n"
	"param([switch]$DryRun, [switch]$IncludeMedium, [string]$BackupDir)\n"
	"$ErrorActionPreference = 'Stop'\n"
	"$Sys = $env:SystemDrive\n"
	"if (-not $BackupDir) { $BackupDir = Join-Path $Sys ('minetrace-backup-' + (Get-Date "
	"-Format 'yyyyMMdd-HHmmss')) }\n"
	"$Failed = 0; $Loaded = @()\n"
	"if (-not $DryRun) { New-Item -ItemType Directory -Path $BackupDir -Force | Out-Null }\n"
	"$Manifest = Join-Path $BackupDir 'manifest.csv'\n"
	"function Bk([int]$n, [string]$name) { Join-Path $BackupDir ('step' + $n + '-' + "
	"($name -replace '[^A-Za-z0-9._-]', '_')) }\n"
	"function Note([int]$n, [string]$kind, [string]$what, [string]$backup) {\n"
	"    [pscustomobject]@{step = $n; kind = $kind; what = $what; backup = $backup; time = "
	"(Get-Date -Format o)} | Export-Csv -LiteralPath $Manifest -Append -NoTypeInformation "
	"-Encoding UTF8\n"
	"}\n"
	"function Sha([string]$s) { $h = [Security.Cryptography.SHA256]::Create(); "
	"-join ($h.ComputeHash([Text.Encoding]::UTF8.GetBytes($s)) | ForEach-Object { "
	"$_.ToString('X2') }) }\n"
	"# HKEY_USERS\\<SID> of a user, its NTUSER.DAT loaded when the user is not logged on\n"
	"function UserHive([string]$label, [string]$prof) {\n"
	"    $sid = $label\n"
	"    if ($label -notmatch '^S-1-[0-9-]+$') { try { $sid = (New-Object "
	"Security.Principal.NTAccount($label)).Translate([Security.Principal.SecurityIdentifier])."
	"Value } catch { $sid = '' } }\n"
	"    if ($sid -and (Test-Path -LiteralPath ('Registry::HKEY_USERS\\' + $sid))) { return "
	"'HKEY_USERS\\' + $sid }\n"
	"    if (-not $prof) { $prof = Join-Path $Sys ('Users\\' + $label) }\n"
	"    $mount = 'HKEY_USERS\\minetrace_' + ($label -replace '[^A-Za-z0-9]', '_')\n"
	"    if ($script:Loaded -notcontains $mount) {\n"
	"        & reg.exe load $mount (Join-Path $prof 'NTUSER.DAT') | Out-Null\n"
	"        if ($LASTEXITCODE -ne 0) { throw \"cannot load the hive of $label\" }\n"
	"        $script:Loaded += $mount\n"
	"    }\n"
	"    return $mount\n"
	"}\n"
	"function Step([int]$n, [switch]$Review, [string]$action, [string]$what, [scriptblock]$body) "
	"{\n"
	"    Write-Host ('[{0}] {1}: {2}' -f $n, $action, $what)\n"
	"    if ($Review -and -not $IncludeMedium) { Write-Host '    skipped: the finding is below "
	"high; confirm it, then run with -IncludeMedium'; return }\n"
	"    if ($DryRun) { return }\n"
	"    try { & $body; Write-Host '    done' }\n"
	"    catch { Write-Warning ('    failed: ' + $_.Exception.Message); $script:Failed++ }\n"
	"}\n"
	"function Manual([int]$n, [string]$what) { Write-Host ('[{0}] manual: {1}' -f $n, $what) "
	"}\n";

static const char epilogue[] =
	"\n[GC]::Collect()\n"
	"foreach ($m in $Loaded) { & reg.exe unload $m | Out-Null }\n"
	"if ($DryRun) { Write-Host 'Dry run: nothing was changed.'; exit 0 }\n"
	"Write-Host ('Backups and manifest.csv: ' + $BackupDir)\n"
	"Write-Host 'Then scan the host again: minetrace.exe scan'\n"
	"if ($Failed) { Write-Warning ('' + $Failed + ' step(s) failed'); exit 1 }\n";

mt_err mt_plan_script_ps1(const mt_plan *plan, const char *report, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	mt_buf b;
	mt_buf_init(&b, 64u * 1024 * 1024);
	char now[40];
	mt_rs_now_iso(now, sizeof(now));
	mt_buf_adds(&b, "# minetrace respond script for the Windows host of the report ");
	comment_text(&b, report);
	mt_buf_printf(&b,
	              "\n# written %s: %zu step(s) from %zu finding(s). Review every step, then "
	              "run it elevated\n# on that host (Windows PowerShell 5.1):\n"
	              "#   powershell -ExecutionPolicy Bypass -File THIS.ps1 [-DryRun] "
	              "[-IncludeMedium] [-BackupDir DIR]\n"
	              "# Steps of findings below high (-Review) run only with -IncludeMedium.\n"
	              "# Each step saves what it removes under the backup directory first and "
	              "lists it in\n# manifest.csv; to undo a step: reg import stepN-key.reg, "
	              "schtasks /create /xml stepN-task.xml /tn NAME,\n# Import-Clixml "
	              "stepN-wmi.xml | Set-WmiInstance, or copy stepN-*.quarantined back.\n",
	              now, plan ? plan->n : 0, plan ? plan->findings : 0);
	mt_buf_adds(&b, prologue);
	size_t n = plan ? plan->n : 0;
	const mt_pstep **v = n ? calloc(n, sizeof(*v)) : NULL;
	if (n && !v) {
		mt_buf_free(&b);
		return MT_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = plan->steps[i];
	/* stable: by rank, then the plan's order (edits of a file bottom up) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && rank_of(v[j - 1]->action) > rank_of(v[j]->action);
		     j--) {
			const mt_pstep *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	ps_state st = {&b, 0, 0};
	for (size_t i = 0; i < n; i++) {
		st.n = (unsigned)i + 1;
		st.open = 0;
		step_ps1(&st, v[i]);
		if (st.open)
			mt_buf_adds(&b, "}\n");
	}
	free(v);
	mt_buf_adds(&b, epilogue);
	if (b.err) {
		mt_buf_free(&b);
		return MT_ERR_TOOBIG;
	}
	*out = mt_buf_take(&b, len);
	mt_buf_free(&b);
	return *out ? MT_OK : MT_ERR_NOMEM;
}
