#!/bin/sh
# mkwinnet.sh DIR - two Windows hosts of seed 004 (WannaMine) under DIR/ws-a and
# DIR/srv-b, with the addresses of the real EternalBlue/DoublePulsar captures
# (192.168.198.204 attacks 192.168.198.203): ws-a infected in the morning, srv-b after
# the exploitation in the afternoon. Their names and addresses are in their SYSTEM hives.
set -e
d=$1
here=$(cd "$(dirname "$0")" && pwd)
mk="python3 $here/../windows/mkwin.py"
for h in ws-a:WS-A:192.168.198.204:"2017-04-16 10:00:00 UTC" srv-b:SRV-B:192.168.198.203:"2017-04-16 17:30:00 UTC"; do
	dir=${h%%:*}; rest=${h#*:}; name=${rest%%:*}; rest=${rest#*:}; ip=${rest%%:*}; when=${rest#*:}
	sh "$here/../scenario/win-wannamine/setup.sh" "$d/$dir" >/dev/null
	cat >"$d/$dir.reg" <<REG
[ControlSet001\\Control\\ComputerName\\ComputerName]
"ComputerName"="$name"

[ControlSet001\\Services\\Tcpip\\Parameters]
"Hostname"="$name"

[ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces\\{4d36e972-e325-11ce-bfc1-08002be10318}]
"IPAddress"=multi:"$ip"

[ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces\\{8a2b6c1e-5f3d-4e7a-9b0c-1d2e3f4a5b6c}]
"DhcpIPAddress"=""
REG
	$mk reg "$d/$dir" SYSTEM "$d/$dir.reg"
	rm -f "$d/$dir.reg" "$d/$dir/svc.reg"
	find "$d/$dir/Windows/SpeechsTracing" "$d/$dir/Windows/System32/wmassrv.dll" \
		"$d/$dir/Windows/System32/snmpstorsrv.dll" -exec touch -h -d "$when" {} +
done
