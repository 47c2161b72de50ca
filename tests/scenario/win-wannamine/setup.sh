#!/bin/sh
# Seed 004, WannaMine: wmassrv and snmpstorsrv registered as svchost netsvcs services
# with their DLLs in System32 (no version resource), the EternalBlue kit unpacked into
# Windows\SpeechsTracing\Microsoft (spoolsv.exe, svchost.exe, x86.dll, x64.dll and the
# target list svchost.xml) and the miner beside it under a service-like name.
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
REG
$mk reg "$root" SYSTEM "$root/svc.reg"
cat > "$root/sw.reg" <<'REG'
[Microsoft\Windows NT\CurrentVersion\Svchost]
"netsvcs"=multi:"CertPropSvc","SCPolicySvc","lanmanserver","gpsvc","AppMgmt","IKEEXT","ProfSvc","Themes","winmgmt","schedule","SessionEnv","iphlpsvc","wuauserv","BITS","ShellHWDetection","seclogon","AppInfo","UsoSvc","wlidsvc","DsmSvc","wmassrv","snmpstorsrv"
REG
$mk reg "$root" SOFTWARE "$root/sw.reg"
rm "$root/svc.reg" "$root/sw.reg"
