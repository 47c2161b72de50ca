#!/bin/sh
# A rotated auth.log.1.gz cut in the middle (a copy interrupted, a disk filled): the
# lines before the cut are read and a diagnostic says the file ends early.
set -e
root=$1
mkdir -p "$root/var/log"
python3 - "$root" <<'PY'
import gzip, io, sys
root = sys.argv[1]
lines = "".join("2024-01-01T00:%02d:%02dZ h sshd[1]: Failed password for root from 203.0.113.50 port %d ssh2\n"
                % (i // 60 % 60, i % 60, 1000 + i) for i in range(3000))
lines += "2024-01-01T01:00:00Z h sshd[2]: Accepted password for root from 203.0.113.50 port 4000 ssh2\n"
data = gzip.compress(lines.encode(), mtime=0)
open(root + "/var/log/auth.log.1.gz", "wb").write(data[: len(data) // 2])
PY
touch -d "2024-01-02 00:00:00 UTC" "$root/var/log/auth.log.1.gz"
