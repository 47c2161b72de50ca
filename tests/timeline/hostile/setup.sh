#!/bin/sh
# Hostile logs: binary junk, a 1 MB line, a 70 KB line, NUL bytes, wrong years, a user
# name that injects a fake address and terminal escapes, a .gz that is not gzip, a wtmp
# cut mid-record. Expect exact skip counts and the good lines still read.
set -e
root=$1
mkdir -p "$root/etc" "$root/var/log" "$root/root"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
python3 - "$root" <<'PY'
import os, sys
root = sys.argv[1]
good = [
    b"2024-05-01T10:00:00+00:00 h sshd[1]: Accepted password for root from 192.0.2.1 port 1 ssh2\n",
    b"2024-05-01T10:05:00+00:00 h sshd[2]: Failed password for invalid user x from 6.6.6.6 port 2 ssh2 from 192.0.2.66 port 3 ssh2\n",
    b"2024-05-01T10:06:00+00:00 h sshd[3]: Accepted password for \x1b[31mevil\x07 from 192.0.2.7 port 4 ssh2\n",
]
bad = [
    os.urandom(4096).replace(b"\n", b"x") + b"\n",            # binary junk
    b"May  1 10:00:00 h sshd[4]: " + b"A" * (1 << 20) + b"\n",  # 1 MB line
    b"May  1 10:00:01 h sshd[5]: " + b"B" * 70000 + b"\n",      # over the 64 KB line cap
    b"May  1 10:00:02 h sshd[6]: Accepted password for root\x00 from 192.0.2.9 port 5 ssh2\n",
    b"2999-05-01T10:00:00+00:00 h sshd[7]: Accepted password for root from 192.0.2.10 port 6 ssh2\n",
    b"1970-05-01T10:00:00+00:00 h sshd[8]: Accepted password for root from 192.0.2.11 port 7 ssh2\n",
    b"Foo 31 25:61:61 h sshd[9]: nonsense\n",
    b"2024-02-30T10:00:00+00:00 h sshd[10]: Accepted password for root from 192.0.2.12 port 8 ssh2\n",
]
with open(root + "/var/log/secure", "wb") as f:
    f.write(good[0] + bad[0] + bad[1] + good[1] + bad[2] + bad[3] + bad[4] + bad[5] +
            bad[6] + bad[7] + good[2] + b"\x00" * 300 + b"\n")
open(root + "/var/log/secure.1.gz", "wb").write(b"this is not gzip data at all\n" * 10)
open(root + "/var/log/wtmp", "wb").write(b"\x07" + b"\x00" * 500)
PY
touch -d "2024-05-02 00:00:00 +0000" "$root/var/log/secure"
