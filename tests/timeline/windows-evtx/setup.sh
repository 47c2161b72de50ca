#!/bin/sh
# A Windows tree whose event logs are real ones (the shared EVTX corpus, copied at run
# time): Security with accounts created and put in Administrators and interactive logons,
# System with services installed (Sysmon, Defender's drivers), start types changed and a
# log cleared, the RDP log with its authentications, and Sysmon's log (process creations,
# connections, files and registry values of a desktop: Procmon and Opera's updater run
# from Temp, hundreds of benign ones).
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
data=${MINETRACE_DATA:-$here/../../../../shared/data}
[ -d "$data/windows/evtx" ] || data=/work/shared/data
ev=$data/windows/evtx
[ -f "$ev/security.evtx" ] || { echo "SKIP: no shared EVTX corpus"; exit 1; }
python3 "$here/../../windows/mkwin.py" base "$root"
logs=$root/Windows/System32/winevt/Logs
mkdir -p "$logs"
cp "$ev/security.evtx" "$logs/Security.evtx"
cp "$ev/system.evtx" "$logs/System.evtx"
cp "$ev/2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx" \
	"$logs/Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx"
cp "$ev/sysmon.evtx" "$logs/Microsoft-Windows-Sysmon%4Operational.evtx"
