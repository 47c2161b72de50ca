#!/bin/sh
# Seed 004, WannaMine: wmassrv and snmpstorsrv registered as svchost netsvcs services
# with their DLLs in System32 (no version resource), the EternalBlue kit unpacked into
# Windows\SpeechsTracing\Microsoft (spoolsv.exe, svchost.exe, x86.dll, x64.dll and the
# target list svchost.xml) and the miner beside it under a service-like name; a port proxy
# to the pool, a firewall rule that closes 445 behind the worm, hosts entries that cut
# off Windows Update and antivirus. Benign beside them: a vendor's allow rule, an intranet
# name in hosts, a pool blocked by the admin with 0.0.0.0. The host was never patched
# (srv.sys before MS17-010's fix), SMBv1 on, the firewall off; the intruder added a hidden
# account support$ and enabled the Guest with the Administrator's RID in its record.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
mk="python3 $here/../../windows/mkwin.py"
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig.exe" ] || samples=/work/shared/data/samples
$mk base "$root"
kit='C:\Windows\SpeechsTracing\Microsoft'
for f in spoolsv.exe svchost.exe x86.dll x64.dll; do $mk file "$root" "$kit\\$f"; done
printf '<?xml version="1.0"?><config><target>192.168.1.0/24</target></config>\n' \
	>"$root/Windows/SpeechsTracing/Microsoft/svchost.xml"
$mk file "$root" "$kit\\TrustedHostServices.exe" "$samples/xmrig.exe"
$mk file "$root" 'C:\Windows\System32\wmassrv.dll'
# never patched: srv.sys of Server 2016 before KB4013429, SMBv1 on, the firewall off
$mk file "$root" 'C:\Windows\System32\drivers\srv.sys' version=10.0.14393.447
$mk account "$root" 'support$' 1008 0x0210
$mk account "$root" Guest 501 0x0214 500
$mk file "$root" 'C:\Windows\System32\snmpstorsrv.dll'
cat > "$root/svc.reg" <<'REG'
[ControlSet001\Services\wmassrv]
"DisplayName"="Windows Media Assistant Service"
"ImagePath"=expand:"%SystemRoot%\system32\svchost.exe -k netsvcs"
"ObjectName"="LocalSystem"
"Start"=dword:00000002
"Type"=dword:00000020

[ControlSet001\Services\wmassrv\Parameters]
"ServiceDll"=expand:"C:\Windows\System32\wmassrv.dll"

[ControlSet001\Services\snmpstorsrv]
"DisplayName"="Snmp Storage Service"
"ImagePath"=expand:"%SystemRoot%\system32\svchost.exe -k netsvcs"
"Start"=dword:00000002
"Type"=dword:00000020

[ControlSet001\Services\snmpstorsrv\Parameters]
"ServiceDll"=expand:"%SystemRoot%\System32\snmpstorsrv.dll"

[ControlSet001\Services\LanmanServer\Parameters]
"SMB1"=dword:00000001

[ControlSet001\Services\SharedAccess\Parameters\FirewallPolicy\StandardProfile]
"EnableFirewall"=dword:00000000

[ControlSet001\Services\PortProxy\v4tov4\tcp]
"0.0.0.0/65531"="xmr.pool.minergate.com/45700"

[ControlSet001\Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules]
"{5D4A29F1-8B1C-4E8B-9A3B-2F36D1E0C445}"="v2.10|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=445|Name=Block 445|"
"{0E2F58C7-3A11-4C6A-B1B4-87A0D8F1A2B9}"="v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8443|App=C:\Program Files\Contoso\agent.exe|Name=Contoso Agent|"
REG
$mk reg "$root" SYSTEM "$root/svc.reg"
cat >>"$root/Windows/System32/drivers/etc/hosts" <<'HOSTS'
127.0.0.1 update.microsoft.com
127.0.0.1 www.kaspersky.com
0.0.0.0 xmr.pool.minergate.com
10.1.2.3 intranet.contoso.local
HOSTS
cat > "$root/sw.reg" <<'REG'
[Microsoft\Windows NT\CurrentVersion\Svchost]
"netsvcs"=multi:"CertPropSvc","SCPolicySvc","lanmanserver","gpsvc","AppMgmt","IKEEXT","ProfSvc","Themes","winmgmt","schedule","SessionEnv","iphlpsvc","wuauserv","BITS","ShellHWDetection","seclogon","AppInfo","UsoSvc","wlidsvc","DsmSvc","wmassrv","snmpstorsrv"
REG
$mk reg "$root" SOFTWARE "$root/sw.reg"
rm "$root/svc.reg" "$root/sw.reg"
