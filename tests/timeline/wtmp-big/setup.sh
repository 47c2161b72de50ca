#!/bin/sh
# A wtmp padded with a hole past the read cap (review 5: `truncate -s +300M /var/log/wtmp`
# before logging in): the login appended after the hole must still be seen, the login
# before it is allowed to go, and the diagnostic says only the last part was read.
set -e
root=$1
mkdir -p "$root/etc" "$root/var/log"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
python3 - "$root" <<'PY'
import socket, struct, sys
root = sys.argv[1]
FMT = "<h2xi32s4s32s256shhiii16s20s"
assert struct.calcsize(FMT) == 384
def rec(typ, pid, line, user, host, t, ip):
    return struct.pack(FMT, typ, pid, line.encode(), b"ts/0", user.encode(), host.encode(),
                       0, 0, 0, t, 0, socket.inet_aton(ip) + b"\0" * 12, b"\0" * 20)
T = 1710000000
with open(root + "/var/log/wtmp", "wb") as f:
    f.write(rec(7, 811, "pts/0", "ops", "192.0.2.10", T - 7200, "192.0.2.10"))
    f.seek(384 * 800000)              # ~307 MB of hole: past the 256 MB cap
    f.write(rec(7, 901, "pts/1", "root", "203.0.113.50", T + 30, "203.0.113.50"))
PY
