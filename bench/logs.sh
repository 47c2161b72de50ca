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
# mixed, realistic lines (CentOS and Debian sshd, PAM, cron, sudo, systemd) in time
# order from Jan 1, written straight to the size asked for
end=$(python3 - "$root/var/log/auth.log" "$mb" <<'PY'
import random, sys, time
random.seed(7)
H = "web-prod-01"
want = int(sys.argv[2]) * 1024 * 1024
users = ["root", "admin", "oracle", "test", "ubuntu", "git", "postgres", "deploy"]
def ip():
    return "%d.%d.%d.%d" % (random.randint(1, 223), random.randint(0, 255), random.randint(0, 255), random.randint(1, 254))
ips = [ip() for _ in range(5000)]
cur_ip, cur_users = ips[0], users[:2]
base = 1704067200  # 2024-01-01 00:00 UTC; the stamps are written as local time
clock = 0
day_s, day_n = "", -1
size = 0
f = open(sys.argv[1], "w")
buf = []
while size < want:
    clock += random.randint(0, 2)
    if clock // 86400 != day_n:
        day_n = clock // 86400
        day_s = time.strftime("%b %e", time.gmtime(base + clock))
    t = "%s %02d:%02d:%02d" % (day_s, clock // 3600 % 24, clock // 60 % 60, clock % 60)
    pid = random.randint(1000, 60000)
    r = random.random()
    # guessing comes in runs: one source tries a few users many times, then another
    if random.random() < 0.05:
        cur_ip, cur_users = random.choice(ips), random.sample(users, 2)
    a = cur_ip
    u = random.choice(cur_users)
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
    if size + len(l) + 1 > want:  # never past the size asked (1 GB is the reader's cap)
        break
    buf.append(l)
    size += len(l) + 1
    if len(buf) >= 100000:
        f.write("\n".join(buf) + "\n")
        buf = []
if buf:
    f.write("\n".join(buf) + "\n")
f.close()
print(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(base + clock + 60)))
PY
)
# the root has no zone file: its times are UTC; the year comes from the mtime
touch -d "$end UTC" "$root/var/log/auth.log"
size=$(stat -c %s "$root/var/log/auth.log")
cat "$root/var/log/auth.log" >/dev/null # both runs read from the page cache

# wall and CPU (user + system) seconds of each: the machine may be shared, and CPU
# time is what the work costs. Each runs ${RUNS:-3} times, in turns; the best of each
# counts (the least disturbed run), as hyperfine's min.
: >"$dir/grep.time"
: >"$dir/mt.time"
for _ in $(seq "${RUNS:-3}"); do
	/usr/bin/time -a -f "%e %U %S" -o "$dir/grep.time" sh -c 'LC_ALL=C grep -c Accepted "$1" >"$2"' sh \
		"$root/var/log/auth.log" "$dir/grep.out"
	/usr/bin/time -a -f "%e %U %S" -o "$dir/mt.time" sh -c '"$1" timeline --root "$2" --format json >"$3" 2>"$4"; [ $? -le 1 ]' sh \
		"$MT" "$root" "$dir/tl.jsonl" "$dir/tl.err"
done
acc=$(cat "$dir/grep.out")
tail -1 "$dir/tl.jsonl" | python3 -c '
import json, sys
c = json.loads(sys.stdin.read())
print("minetrace read %d lines, skipped %d, kept %d events" % (c["lines_read"], c["lines_skipped"], c["events"]))
for d in c["diagnostics"]:
    print("diagnostic: " + d)'
ev=$(grep -c '"what":"ssh_accepted"' "$dir/tl.jsonl" || true)
echo "grep counted $acc Accepted lines; the timeline has $ev ssh_accepted events (duplicates in the same second from other files are one)"
best() { awk -v c="$2" 'NF == 3 { v = c == "wall" ? $1 : $2 + $3; if (b == "" || v < b) b = v } END { print b }' "$1"; }
gw=$(best "$dir/grep.time" wall)
gc=$(best "$dir/grep.time" cpu)
mw=$(best "$dir/mt.time" wall)
mc=$(best "$dir/mt.time" cpu)
awk -v s="$size" -v gw="$gw" -v gc="$gc" -v mw="$mw" -v mc="$mc" -v runs="${RUNS:-3}" 'BEGIN {
	printf "best of %d runs each, in turns\n", runs;
	printf "file:      %.0f MB\n", s / 1048576;
	printf "grep -c:   %.2f s wall, %.2f s CPU (%.0f MB/s)\n", gw, gc, s / 1048576 / gw;
	printf "timeline:  %.2f s wall, %.2f s CPU (%.0f MB/s)\n", mw, mc, s / 1048576 / mw;
	printf "ratio:     %.2fx grep wall, %.2fx grep CPU (goal: within 3x)\n", mw / gw, mc / (gc > 0 ? gc : 0.01);
}'
