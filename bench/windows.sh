#!/bin/sh
# bench/windows.sh - times `minetrace scan` of a generated Windows tree (2,000 services,
# 1,500 Run/RunOnce values, 1,500 scheduled tasks, 10 hives written by hivex, a few hundred
# files in drop places and one planted XMRig) against hivexml dumping its SYSTEM and
# SOFTWARE, and our EVTX reader (build/tests/evtxdump) against libevtx's `evtxexport -f
# xml` on the corpus's security.evtx, on one core, in the same run (issue 15). Goals: the
# tree in under 1 s; EVTX at least 10x evtxexport; at most 64 MiB on a 1 GB log (--big,
# which runs bench/evtx.sh). The tree is built with tests/windows/mkwin.py in a scratch
# directory deleted after; nothing else is written. A benchmark: it fails only when a tool
# is missing, a command fails, or the scan misses the planted miner.
#   sh bench/windows.sh [--big [SIZE_MB]]
# Env: MINETRACE (default build/minetrace), EVTXDUMP (default build/tests/evtxdump),
#      RUNS (scan runs, default 3), KEEP=1 keeps the scratch directory.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
MT=${MINETRACE:-build/minetrace}
DUMP=${EVTXDUMP:-build/tests/evtxdump}
RUNS=${RUNS:-3}
big=
case ${1:-} in
--big) big=${2:-1024} ;;
'') ;;
*) echo "usage: sh bench/windows.sh [--big [SIZE_MB]]"; exit 2 ;;
esac

need=
for t in python3:python3 hivexregedit:libwin-hivex-perl hivexml:libhivex-bin \
	evtxexport:libevtx-utils; do
	command -v "${t%%:*}" >/dev/null 2>&1 || need="$need ${t#*:}"
done
[ -x /usr/bin/time ] || need="$need time"
if [ -n "$need" ]; then
	echo "bench/windows.sh: missing tools; install them with: apt-get install -y$need"
	exit 2
fi
for b in "$MT" "$DUMP"; do
	[ -x "$b" ] || { echo "bench/windows.sh: no $b (make -j2 all $DUMP)"; exit 2; }
done
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
DUMP=$(cd "$(dirname "$DUMP")" && pwd)/$(basename "$DUMP")
samples=${MINETRACE_SAMPLES:-../shared/data/samples}
[ -f "$samples/xmrig.exe" ] || samples=/work/shared/data/samples
evtx=${EVTX:-../shared/data/windows/evtx/security.evtx}
[ -f "$evtx" ] || evtx=/work/shared/data/windows/evtx/security.evtx
for f in "$samples/xmrig.exe" "$evtx"; do
	[ -f "$f" ] || { echo "bench/windows.sh: no $f (the shared test data)"; exit 2; }
done
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

dir=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-win.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM HUP
# mkwin.py's temporary .reg files and Python's byte code stay out of the checkout and /tmp
export TMPDIR="$dir" PYTHONDONTWRITEBYTECODE=1
root=$dir/root
mk="python3 $top/tests/windows/mkwin.py"

t0=$(date +%s)
echo "bench/windows.sh: building the tree in $root ($(nproc) CPUs)"
$mk base "$root"
mkdir "$dir/gen"
python3 - "$top/tests/windows" "$root" "$dir/gen" "$samples/xmrig.exe" <<'PY'
# Writes the .reg files (one per hive) into GEN, the task XML files and the programs and
# drop-place files straight into ROOT, in mkwin.py's formats (its functions, imported).
import os, random, shutil, sys, uuid
sys.path.insert(0, sys.argv[1])
import mkwin
root, gen, miner = sys.argv[2], sys.argv[3], sys.argv[4]
R = random.Random(15)
VENDORS = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Litware", "Adatum", "Proseware",
           "Wingtip", "Woodgrove", "Fourth Coffee", "Lucerne", "Margie", "Trey Research",
           "Wide World", "Coho", "Alpine Ski", "Blue Yonder", "Humongous", "VanArsdel", "Relecloud"]
PRODUCTS = ["Agent", "Backup", "Sync", "Update", "Monitor", "Print", "Inventory", "Scanner",
            "Telemetry", "License", "Helper", "Broker", "Gateway", "Indexer", "Launcher"]
USERS = ["Administrator", "alice", "bob", "carol", "dave", "erin", "svc_sql"]
made = set()


def program(winpath, version=True):
    """A small benign PE at winpath (once), so the entries point at real files."""
    if winpath.lower() in made:
        return
    made.add(winpath.lower())
    mkwin.put_file(root, winpath, "version=%d.%d.%d.%d" % (R.randint(1, 20), R.randint(0, 9),
                   R.randint(0, 9999), R.randint(0, 999)) if version else None)


def pf(i, x86=False):
    v, p = VENDORS[i % len(VENDORS)], PRODUCTS[(i // len(VENDORS)) % len(PRODUCTS)]
    base = "C:\\Program Files (x86)" if x86 else "C:\\Program Files"
    return "%s\\%s\\%s %s\\%s%s%d.exe" % (base, v, v, p, v.split()[0].lower(), p.lower(), i)


def q(s):  # a .reg string value: quotes escaped, single backslashes stay literal
    return '"' + s.replace('"', '\\"') + '"'


# ---- services in SYSTEM
reg, groups, n = [], {}, {"services": 0}
GROUPS = ["LocalServiceNetworkRestricted", "LocalSystemNetworkRestricted", "LocalServiceNoNetwork",
          "LocalServiceAndNoImpersonation", "NetworkServiceNetworkRestricted", "UnistackSvcGroup",
          "wsappx", "appmodel", "rpcss", "DcomLaunch"]
for i in range(2000):
    kind = "pf" if i < 800 else "svchost" if i < 1300 else "driver" if i < 1900 else "sys" \
        if i < 1994 else "drop"
    name = "%s%s%04d" % (kind.capitalize(), PRODUCTS[i % len(PRODUCTS)], i)
    key = "[ControlSet001\\Services\\%s]" % name
    vals = ['"DisplayName"=%s' % q("%s %s Service %d" % (VENDORS[i % 20], PRODUCTS[i % 15], i))]
    if kind == "pf":
        p = pf(i, x86=i % 3 == 0)
        program(p)
        args = R.choice(["", " -service", " /run", " --config \"C:\\ProgramData\\%s\\agent.conf\"" % VENDORS[i % 20]])
        vals += ['"ImagePath"=expand:%s' % q('"%s"%s' % (p, args)), '"Type"=dword:00000010',
                 '"ObjectName"="LocalSystem"']
    elif kind == "svchost":
        g = GROUPS[i % len(GROUPS)]
        groups.setdefault(g, []).append(name)
        dll = "%%SystemRoot%%\\System32\\%ssvc%d.dll" % (PRODUCTS[i % 15].lower(), i)
        program(dll.replace("%SystemRoot%", "C:\\Windows"))
        vals += ['"ImagePath"=expand:%s' % q("%%SystemRoot%%\\system32\\svchost.exe -k %s -p" % g),
                 '"Type"=dword:00000020', '"ObjectName"="NT AUTHORITY\\LocalService"']
        reg.append("\n".join([key] + vals + ['"Start"=dword:0000000%d' % R.choice((2, 3))]) + "\n")
        key = "[ControlSet001\\Services\\%s\\Parameters]" % name
        vals = ['"ServiceDll"=expand:%s' % q(dll), '"ServiceDllUnloadOnStop"=dword:00000001']
    elif kind == "driver":
        sysf = "%s%d.sys" % (R.choice(["vm", "hp", "nv", "intel", "rt", "usb", "stor", "net"]), i)
        program("C:\\Windows\\System32\\drivers\\" + sysf)
        ip = R.choice(["System32\\drivers\\%s", "\\SystemRoot\\System32\\drivers\\%s",
                       "\\??\\C:\\Windows\\System32\\drivers\\%s"]) % sysf
        vals += ['"ImagePath"=expand:%s' % q(ip), '"Type"=dword:00000001', '"Group"="PnP Filter"']
    elif kind == "sys":
        p = "C:\\Windows\\System32\\%ssrv%d.exe" % (PRODUCTS[i % 15].lower(), i)
        program(p)
        vals += ['"ImagePath"=expand:%s' % q(p), '"Type"=dword:00000010']
    else:  # a few in drop places, as an admin's quick hack or an installer leaves them
        p = R.choice(["C:\\ProgramData\\%s\\svc%d.exe", "C:\\Windows\\Temp\\%s%d.exe",
                      "C:\\Users\\Public\\%s%d.exe"]) % (PRODUCTS[i % 15].lower(), i)
        program(p, version=False)
        vals += ['"ImagePath"=expand:%s' % q(p), '"Type"=dword:00000010']
    if kind != "svchost":
        vals.append('"Start"=dword:0000000%d' % R.choice((2, 3, 3, 4)))
    reg.append("\n".join([key] + vals) + "\n")
    n["services"] += 1
open(os.path.join(gen, "SYSTEM.reg"), "w", encoding="utf-8").write("\n".join(reg))

# ---- Run/RunOnce values: HKLM, Wow6432Node, every user; the svchost groups; profiles
sw, user = [], {u: [] for u in USERS}
RUNKEYS = [("Microsoft\\Windows\\CurrentVersion\\Run", 300, False),
           ("Microsoft\\Windows\\CurrentVersion\\RunOnce", 80, False),
           ("Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Run", 300, True),
           ("Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\RunOnce", 40, True)]
n["values"] = 0
k = 3000
for key, count, x86 in RUNKEYS:
    lines = ["[%s]" % key]
    for j in range(count):
        p = pf(k, x86)
        program(p)
        lines.append('"%s%s%d"=%s' % (VENDORS[k % 20].replace(" ", ""), PRODUCTS[k % 15], k,
                                      q('"%s"%s' % (p, R.choice(["", " /tray", " -minimized", " --startup"])))))
        k += 1
        n["values"] += 1
    sw.append("\n".join(lines) + "\n")
for ui, u in enumerate(USERS):
    for key, count in (("Software\\Microsoft\\Windows\\CurrentVersion\\Run", 100),
                       ("Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce", 12)):
        lines = ["[%s]" % key]
        for j in range(count):
            if j % 2:
                p = "C:\\Users\\%s\\AppData\\Local\\Programs\\%s\\%s%d.exe" % (
                    u, VENDORS[k % 20], PRODUCTS[k % 15].lower(), k)
            else:
                p = pf(k, x86=j % 4 == 0)
            program(p)
            lines.append('"%s%d"=%s' % (PRODUCTS[k % 15], k, q('"%s" --autostart' % p)))
            k += 1
            n["values"] += 1
        user[u].append("\n".join(lines) + "\n")
    if u != "Administrator":
        sw.append("[Microsoft\\Windows NT\\CurrentVersion\\ProfileList\\"
                  "S-1-5-21-3623811015-3361044348-30300820-%d]\n"
                  '"ProfileImagePath"=expand:"C:\\Users\\%s"\n' % (1001 + ui, u))
        os.makedirs(mkwin.existing(root, "Users/%s/AppData/Local/Temp" % u), exist_ok=True)
# the one miner: XMRig under a vendor's name, started by a Run value
mpath = "C:\\Program Files (x86)\\Intel\\Graphics Update\\igfxupd.exe"
mkwin.put_file(root, mpath, miner)
sw.append('[Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Run]\n"IntelGraphicsUpdate"=%s\n'
          % q('"%s" --background' % mpath))
n["values"] += 1
sw.append("[Microsoft\\Windows NT\\CurrentVersion\\Svchost]\n" + "\n".join(
    '"%s"=multi:%s' % (g, ",".join('"%s"' % m for m in ms)) for g, ms in sorted(groups.items())) + "\n")

# ---- scheduled tasks: XML under System32\Tasks and the TaskCache in SOFTWARE
XML = """<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>%(vendor)s</Author>
    <URI>\\%(name)s</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2021-%(m)02d-%(d)02dT%(h)02d:%(mi)02d:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal>
  </Principals>
  <Settings>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
  </Settings>
  <Actions Context="Author">
    <Exec><Command>%(cmd)s</Command><Arguments>%(args)s</Arguments></Exec>
  </Actions>
</Task>
"""
def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
tc = []
n["tasks"] = 0
for i in range(1500):
    v = VENDORS[i % 20]
    name = "%s\\%s%s%d" % (v, v.split()[0], PRODUCTS[i % 15], i) if i % 4 else \
        "%s%sTask%d" % (v.split()[0], PRODUCTS[i % 15], i)
    cmd = pf(6000 + i, x86=i % 2 == 0)
    program(cmd)
    args = R.choice(["/check", "-update", "--scheduled", "/c /quiet", ""])
    guid = "{%s}" % str(uuid.UUID(int=R.getrandbits(128))).upper()
    text = XML % dict(vendor=esc(v), name=esc(name), m=R.randint(1, 12), d=R.randint(1, 28),
                      h=R.randint(0, 23), mi=R.randint(0, 59), cmd=esc(cmd), args=esc(args))
    dst = mkwin.existing(root, "Windows/System32/Tasks/" + name.replace("\\", "/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:  # as mkwin.py put_task: UTF-16LE with a BOM, CRLF
        f.write(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    tc.append("[Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\%s]\n"
              '"Id"="%s"\n"Index"=dword:00000003\n'
              '"SD"=hex:01,00,04,80,78,00,00,00,88,00,00,00,00,00,00,00,14,00,00,00\n\n'
              "[Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tasks\\%s]\n"
              '"Path"="\\%s"\n"Actions"=hex:%s\n' % (name, guid, guid, name,
                                                     mkwin.hexbytes(mkwin.actions_blob(cmd, args))))
    n["tasks"] += 1
open(os.path.join(gen, "SOFTWARE.reg"), "w", encoding="utf-8").write("\n".join(sw + tc))
for u in USERS:
    open(os.path.join(gen, "NTUSER_%s.reg" % u), "w", encoding="utf-8").write("\n".join(user[u]))

# ---- a few hundred files in ProgramData and the Temp directories (logs, caches, leftovers)
n["files"] = 0
def put(winpath, data):
    dst = mkwin.existing(root, winpath)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:
        f.write(data)
    n["files"] += 1
for i in range(150):
    put("C:\\ProgramData\\%s\\Logs\\%s%d.log" % (VENDORS[i % 20], PRODUCTS[i % 15].lower(), i),
        ("2021-03-%02d 10:%02d:00 service started, version 2.%d\r\n" % (i % 28 + 1, i % 60, i)).encode() * R.randint(5, 200))
for i in range(60):
    put("C:\\ProgramData\\%s\\cache%d.dat" % (VENDORS[i % 20], i), os.urandom(R.randint(256, 16384)))
for i in range(100):
    put("C:\\Windows\\Temp\\%s.tmp" % str(uuid.UUID(int=R.getrandbits(128))), os.urandom(R.randint(128, 8192)))
for i in range(100):
    u = USERS[i % len(USERS)]
    ext = R.choice([".log", ".tmp", ".json", ".txt"])
    put("C:\\Users\\%s\\AppData\\Local\\Temp\\%s%d%s" % (u, PRODUCTS[i % 15].lower(), i, ext),
        b'{"session": %d, "state": "ok"}\r\n' % i * R.randint(1, 50))
print("generated: %(services)d services, %(values)d Run/RunOnce values, %(tasks)d tasks, "
      "%(files)d drop-place files" % n + ", %d programs" % len(made))
open(os.path.join(gen, "miner"), "w").write(mpath)
PY
$mk reg "$root" SYSTEM "$dir/gen/SYSTEM.reg"
$mk reg "$root" SOFTWARE "$dir/gen/SOFTWARE.reg"
for f in "$dir"/gen/NTUSER_*.reg; do
	u=${f##*/NTUSER_}
	$mk reg "$root" "NTUSER:${u%.reg}" "$f"
done
echo "bench/windows.sh: tree built in $(($(date +%s) - t0)) s"

# What the tree holds, counted from the hives themselves (hivexml) and the files.
python3 - "$root" <<'PY'
import os, subprocess, sys
import xml.etree.ElementTree as ET
root = sys.argv[1]
hives = []
for d, _, fs in os.walk(root):
    for f in fs:
        p = os.path.join(d, f)
        with open(p, "rb") as h:
            if h.read(4) == b"regf":
                hives.append(p)
def load(p):
    return ET.fromstring(subprocess.run(["hivexml", p], check=True, capture_output=True).stdout)
def node(t, path):
    for part in path.split("\\"):
        t = next((c for c in t.findall("node") if c.get("name").lower() == part.lower()), None) \
            if t is not None else None
    return t
cfg = os.path.join(root, "Windows", "System32", "config")
sysh = load(os.path.join(cfg, "SYSTEM")).find("node")
swh = load(os.path.join(cfg, "SOFTWARE")).find("node")
services = len(node(sysh, "ControlSet001\\Services").findall("node"))
runs = 0
for h, pre in [(swh, ""), (swh, "Wow6432Node\\")]:
    for k in ("Run", "RunOnce"):
        n = node(h, pre + "Microsoft\\Windows\\CurrentVersion\\" + k)
        runs += len(n.findall("value")) if n is not None else 0
users = [p for p in hives if os.path.basename(p).upper() == "NTUSER.DAT"]
for p in users:
    u = load(p).find("node")
    for k in ("Run", "RunOnce"):
        n = node(u, "Software\\Microsoft\\Windows\\CurrentVersion\\" + k)
        runs += len(n.findall("value")) if n is not None else 0
cache = len(node(swh, "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tasks").findall("node"))
tasks = sum(len(fs) for _, _, fs in os.walk(os.path.join(root, "Windows", "System32", "Tasks")))
files = sum(len(fs) for _, _, fs in os.walk(root))
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
print("tree: %d services, %d Run/RunOnce values, %d task files (%d in the TaskCache), "
      "%d hives (%d user profiles, %.1f MB of hives), %d files, %.1f MB" %
      (services, runs, tasks, cache, len(hives), len(users),
       sum(os.path.getsize(p) for p in hives) / 1e6, files, size / 1e6))
PY

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# one timed run: appends "wall_s peak_KiB user_s sys_s" to $dir/$1.t; the scan exits 1 when it finds
# something at or above medium, which is not a failure here
timed() {
	name=$1
	shift
	rc=0
	/usr/bin/time -f '%e %M %U %S' -o "$dir/$name.one" "$@" >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
	if [ "$rc" -gt 1 ] || { [ "$rc" -eq 1 ] && [ "${name#hivexml}" != "$name" ]; }; then
		echo "bench/windows.sh: $1 failed (exit $rc):"
		tail -3 "$dir/$name.err"
		exit 1
	fi
	tail -1 "$dir/$name.one" >>"$dir/$name.t"
}
cfg=$root/Windows/System32/config
i=1
while [ "$i" -le "$RUNS" ]; do
	timed scan "$MT" scan --root "$root" --format json --checks win.,hardening.windows
	timed hivexml_system hivexml "$cfg/SYSTEM"
	timed hivexml_software hivexml "$cfg/SOFTWARE"
	i=$((i + 1))
done
paste -d' ' "$dir/hivexml_system.t" "$dir/hivexml_software.t" |
	awk '{ print $1 + $5, ($2 > $6 ? $2 : $6), $3 + $7, $4 + $8 }' >"$dir/hivexml.t"
scan_s=$(cut -d' ' -f1 "$dir/scan.t" | median)
scan_k=$(cut -d' ' -f2 "$dir/scan.t" | sort -n | tail -1)
scan_c=$(awk '{ print $3 + $4 }' "$dir/scan.t" | median)
hx_s=$(cut -d' ' -f1 "$dir/hivexml.t" | median)
hx_k=$(cut -d' ' -f2 "$dir/hivexml.t" | sort -n | tail -1)
hx_c=$(awk '{ print $3 + $4 }' "$dir/hivexml.t" | median)

# The planted miner must be found, through its Run value.
python3 - "$dir/scan.out" "$(cat "$dir/gen/miner")" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
s = lines[-1]
c = s.get("counts", {})
print("scan findings: " + " ".join("%s=%d" % (k, c.get(k, 0)) for k in
      ("critical", "high", "medium", "low", "info")) + " total=%d" % s.get("total", 0))
want = sys.argv[2].split(":", 1)[-1].replace("\\", "/").lower()
hit = [f for f in lines if f.get("type") == "finding" and f.get("check") == "win.autoruns"
       and want in json.dumps(f).lower() and "xmrig" in json.dumps(f).lower()]
if not hit:
    sys.exit("bench/windows.sh: FAIL: the scan did not report the planted miner (%s) "
             "from its Run value" % sys.argv[2])
print("planted miner found: %s (%s, %s)" % (sys.argv[2], hit[0]["check"], hit[0]["severity"]))
PY

echo
printf '%-34s %9s %9s %9s %7s\n' "Windows tree ($RUNS runs)" "median s" "CPU s" "peak MiB" ratio
awk -v s="$scan_s" -v c="$scan_c" -v k="$scan_k" -v hs="$hx_s" -v hc="$hx_c" -v hk="$hx_k" 'BEGIN {
	printf "%-34s %9.3f %9.2f %9.1f %6.2fx\n", "minetrace scan --checks win.,...", s, c, k / 1024, 1
	printf "%-34s %9.3f %9.2f %9.1f %6.2fx\n", "hivexml SYSTEM + SOFTWARE", hs, hc, hk / 1024, (s > 0 ? hs / s : 0)
	printf "(ratio = tool / minetrace scan, median wall time; CPU = user + system, median)\n"
	printf "goal: the tree in under 1 s: %s (%.3f s); hivexml only dumps two hives, minetrace judges the whole tree\n",
		(s < 1 ? "met" : "NOT met"), s }'

# Where the time goes: each Windows check alone, one run (hives loaded each time).
printf 'per check (one run each, hives loaded by each):'
for c in $("$MT" scan --checks list | awk -F'\t' '$5 ~ /windows/ && $1 ~ /^(win\.|hardening\.windows)/ { print $1 }'); do
	: >"$dir/one.t"
	timed one "$MT" scan --root "$root" --format json --checks "$c"
	printf ' %s %s s' "$c" "$(cut -d' ' -f1 "$dir/one.t")"
done
echo

# EVTX read rate: each reader run N times in a row on one core, N doubled until the
# loop takes at least 0.5 s; then that loop again RUNS times, the two readers taking turns
# (the machine is shared), and the median loop time kept. Rate = N x file size / time.
loop() { # n command...: wall seconds of n runs of the command, pinned to core 0
	# shellcheck disable=SC2016,SC2086
	/usr/bin/time -f '%e' -o "$dir/rate.t" $pin sh -c \
		'n=$1; shift; i=0; while [ $i -lt $n ]; do "$@" >/dev/null || exit 1; i=$((i + 1)); done' \
		sh "$@" 2>"$dir/rate.err" || {
		echo "bench/windows.sh: $2 failed:" >&2; tail -3 "$dir/rate.err" >&2; exit 1; }
	tail -1 "$dir/rate.t"
}
calibrate() {
	n=1
	while :; do
		s=$(loop "$n" "$@") || exit 1
		awk -v s="$s" 'BEGIN { exit !(s >= 0.5) }' && break
		n=$((n * 2))
	done
	echo "$n"
}
ours_n=$(calibrate "$DUMP" "$evtx") || exit 1
theirs_n=$(calibrate evtxexport -f xml "$evtx") || exit 1
: >"$dir/ours.t"
: >"$dir/theirs.t"
i=1
while [ "$i" -le "$RUNS" ]; do
	loop "$ours_n" "$DUMP" "$evtx" >>"$dir/ours.t"
	loop "$theirs_n" evtxexport -f xml "$evtx" >>"$dir/theirs.t"
	i=$((i + 1))
done
ours_s=$(median <"$dir/ours.t")
theirs_s=$(median <"$dir/theirs.t")
ours_recs=$("$DUMP" -q "$evtx" 2>/dev/null | sed -n 's/.* records=\([0-9]*\).*/\1/p')
theirs_recs=$(evtxexport -f xml "$evtx" 2>/dev/null | grep -c '^<Event ' || true)
echo
python3 - "$evtx" "$ours_n" "$ours_s" "$theirs_n" "$theirs_s" "$ours_recs" "$theirs_recs" "${pin:-unpinned}" <<'PY'
import os, sys
f, on, os_, tn, ts, orec, trec, pin = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), \
    int(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
mb = os.path.getsize(f) / 1e6
print("EVTX %s (%.1f MB), %s, median of the loops" % (os.path.basename(f), mb, pin))
print("%-22s %4d runs in %5.2f s %8.1f MB/s  (%s records)" % ("evtxdump", on, os_, on * mb / os_, orec))
print("%-22s %4d runs in %5.2f s %8.1f MB/s  (%s records)" % ("evtxexport -f xml", tn, ts, tn * mb / ts, trec))
r = (on / os_) / (tn / ts)
print("ratio: %.1fx evtxexport (goal 10x: %s)" % (r, "met" if r >= 10 else "NOT met"))
PY
if [ -n "$big" ]; then
	echo
	EVTXDUMP=$DUMP sh bench/evtx.sh "$big"
else
	echo "peak RSS on a 1 GB log (goal 64 MiB): sh bench/windows.sh --big (or sh bench/evtx.sh 1024)"
fi
