#!/bin/sh
# The seed case with its auth logs' mtimes set back a year (logs review 7): touch -d
# 2023-02-01 on secure and secure-20240121 would date every yearless line in 2023. wtmp
# (records carry their year) has the sessions of the logins of both files in 2024: the
# year is taken from there and the mismatch reported.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../seed-centos7/setup.sh" "$root"
python3 - "$root" <<'PY'
import socket, struct, sys
root = sys.argv[1]
FMT = "<h2xi32s4s32s256shhiii16s20s"
def rec(typ, pid, line, user, host, t, ip=None):
    addr = socket.inet_aton(ip) + b"\0" * 12 if ip else b"\0" * 16
    return struct.pack(FMT, typ, pid, line.encode(), b"ts/0", user.encode(), host.encode(),
                       0, 0, 0, t, 0, addr, b"\0" * 20)
# the sessions of the logins of both files (2024-01-14 to 01-24 +08:00) but the last one
logins = [(8620, "root", "222.186.16.196", 1706040437),
          (9161, "root", "222.186.16.186", 1706046544),
          (10233, "root", "222.103.98.36", 1706055027),
          (5120, "lighthouse", "119.28.5.17", 1705894803),
          (1021, "lighthouse", "119.28.5.17", 1705194072),
          (2210, "root", "119.28.5.17", 1705472560),
          (3012, "root", "119.28.5.18", 1705629835)]
w = b"".join(rec(7, pid, "pts/%d" % i, u, ip, t, ip) for i, (pid, u, ip, t) in enumerate(sorted(logins, key=lambda x: x[3])))
open(root + "/var/log/wtmp", "wb").write(w)
PY
touch -d "2023-02-01 00:00 +0800" "$root/var/log/secure" "$root/var/log/secure-20240121"
