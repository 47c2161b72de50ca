#!/bin/sh
# Seed 000's Fonts miner and ProtectionX, on a copy whose directories are upper case
# (WINDOWS, system32): the real XMRig as Fonts\arial\explorer.exe started by a Run value
# named "Registered font", the WinRing0 driver dropped in Windows\Temp under a random name
# and registered as driver service hy5.5, and a shortcut in the user's Startup folder that
# starts wuauc1t.exe (a look-alike of wuauclt.exe) from AppData with miner options.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
mk="python3 $here/../../windows/mkwin.py"
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig.exe" ] || samples=/work/shared/data/samples
$mk base "$root" --case upper
$mk file "$root" 'C:\Windows\Fonts\arial\explorer.exe' "$samples/xmrig.exe"
$mk file "$root" 'C:\Windows\Temp\a8d3k2.sys' "$samples/WinRing0x64.sys"
$mk file "$root" 'C:\Users\Administrator\AppData\Roaming\wuauc1t.exe'
$mk lnk "$root" 'C:\Users\Administrator\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\Windows Update.lnk' \
	'C:\Users\Administrator\AppData\Roaming\wuauc1t.exe' '-o stratum+tcp://xmr.pool.minergate.com:45560 -u x@y.z --donate-level=1'
cat > "$root/fonts.reg" <<'REG'
[Microsoft\Windows\CurrentVersion\Run]
"Registered font"="C:\Windows\Fonts\arial\explorer.exe -B"
REG
$mk reg "$root" SOFTWARE "$root/fonts.reg"
cat > "$root/drv.reg" <<'REG'
[ControlSet001\Services\hy5.5]
"ImagePath"=expand:"\??\C:\Windows\Temp\a8d3k2.sys"
"Type"=dword:00000001
"Start"=dword:00000001
REG
$mk reg "$root" SYSTEM "$root/drv.reg"
rm "$root/fonts.reg" "$root/drv.reg"
