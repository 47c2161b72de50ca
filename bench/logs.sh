#!/bin/sh
# bench/logs.sh - parses a generated 1 GB auth log with `minetrace timeline` and counts
# `grep -c Accepted` on the same file in the same run; prints both times and the ratio
# (the goal: within 3x grep). The file is made in a scratch directory and deleted after.
#   sh bench/logs.sh [SIZE_MB]      (default 1024)
set -eu
MT=${MINETRACE:-build/minetrace}
mb=${1:-1024}
dir=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-logs.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
root="$dir/root"
mkdir -p "$root/var/log" "$root/etc"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
# a 16 MB block of mixed, realistic lines (CentOS and Debian sshd, PAM, cron, sudo,
# systemd), repeated up to the size asked for
python3 - "$dir/block" <<'PY'
import random, sys
random.seed(7)
H = "web-prod-01"
out = []
size = 0
mon = ["Jan", "Feb", "Mar"]
clock = 0  # seconds since Jan 1 00:00, growing: logs are written in time order
users = ["root", "admin", "oracle", "test", "ubuntu", "git", "postgres", "deploy"]
def ip():
    return "%d.%d.%d.%d" % (random.randint(1, 223), random.randint(0, 255), random.randint(0, 255), random.randint(1, 254))
ips = [ip() for _ in range(5000)]
cur_ip, cur_users = ips[0], users[:2]
while size < 16 * 1024 * 1024:
    clock += random.randint(0, 3)
    day = clock // 86400
    t = "%s %2d %02d:%02d:%02d" % (mon[day // 28 % 3], day % 28 + 1, clock // 3600 % 24, clock // 60 % 60, clock % 60)
    pid = random.randint(1000, 60000)
    # guessing comes in runs: one source tries a few users many times, then another
    if random.random() < 0.05:
        cur_ip, cur_users = random.choice(ips), random.sample(users, 2)
    a = cur_ip
    u = random.choice(cur_users)
    r = random.random()
    # an SSH server on the internet: mostly password guessing, some cron, few logins
    if r < 0.40:
        l = "%s %s sshd[%d]: Failed password for %s from %s port %d ssh2" % (t, H, pid, u, a, random.randint(1024, 65535))
    elif r < 0.55:
        l = "%s %s sshd[%d]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s" % (t, H, pid, a, u)
    elif r < 0.65:
        l = "%s %s sshd[%d]: Invalid user %s from %s port %d" % (t, H, pid, u + "1", a, random.randint(1024, 65535))
    elif r < 0.75:
        l = "%s %s sshd[%d]: Connection closed by authenticating user %s %s port %d [preauth]" % (t, H, pid, u, a, random.randint(1024, 65535))
    elif r < 0.757:
        l = "%s %s sshd[%d]: Accepted publickey for deploy from 10.0.%d.%d port %d ssh2: ED25519 SHA256:dEpLoYkEyDePlOyKeYdEpLoYkEyDePlOyKeY12345" % (t, H, pid, random.randint(0, 3), random.randint(1, 254), random.randint(1024, 65535))
    elif r < 0.76:
        l = "%s %s sshd[%d]: Accepted password for root from %s port %d ssh2" % (t, H, pid, a, random.randint(1024, 65535))
    elif r < 0.85:
        l = "%s %s CRON[%d]: pam_unix(cron:session): session opened for user root by (uid=0)" % (t, H, pid)
    elif r < 0.94:
        l = "%s %s CRON[%d]: pam_unix(cron:session): session closed for user root" % (t, H, pid)
    elif r < 0.95:
        l = "%s %s sudo:   deploy : TTY=pts/0 ; PWD=/srv/app ; USER=root ; COMMAND=/usr/bin/systemctl restart app" % (t, H)
    elif r < 0.97:
        l = "%s %s systemd-logind[812]: New session %d of user deploy." % (t, H, pid)
    else:
        l = "%s %s sshd[%d]: Received disconnect from %s port %d:11: Bye Bye [preauth]" % (t, H, pid, a, random.randint(1024, 65535))
    out.append(l)
    size += len(l) + 1
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
blk=$(stat -c %s "$dir/block")
n=$(( (mb * 1024 * 1024 + blk - 1) / blk ))
i=0
while [ $i -lt "$n" ]; do cat "$dir/block"; i=$((i + 1)); done >"$root/var/log/auth.log"
rm -f "$dir/block"
touch -d "2024-03-31 23:59:00" "$root/var/log/auth.log"
size=$(stat -c %s "$root/var/log/auth.log")
cat "$root/var/log/auth.log" >/dev/null # both runs read from the page cache

now() { date +%s.%N; }
t0=$(now)
acc=$(LC_ALL=C grep -c Accepted "$root/var/log/auth.log")
t1=$(now)
"$MT" timeline --root "$root" --format json >"$dir/tl.jsonl" 2>"$dir/tl.err" || [ $? -eq 1 ]
t2=$(now)
tail -1 "$dir/tl.jsonl" | python3 -c '
import json, sys
c = json.loads(sys.stdin.read())
print("minetrace read %d lines, skipped %d, kept %d events" % (c["lines_read"], c["lines_skipped"], c["events"]))'
ev=$(grep -c '"what":"ssh_accepted"' "$dir/tl.jsonl" || true)
echo "grep counted $acc Accepted lines; the timeline has $ev ssh_accepted events (duplicates in the same second from other files are one)"
awk -v s="$size" -v g0="$t0" -v g1="$t1" -v m="$t2" 'BEGIN {
	g = g1 - g0; t = m - g1;
	printf "file:      %.0f MB\n", s / 1048576;
	printf "grep -c:   %.2f s (%.0f MB/s)\n", g, s / 1048576 / g;
	printf "timeline:  %.2f s (%.0f MB/s)\n", t, s / 1048576 / t;
	printf "ratio:     %.2fx grep (goal: within 3x)\n", t / g;
}'
