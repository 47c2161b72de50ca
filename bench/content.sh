#!/bin/sh
# bench/content.sh - scan --content throughput on one corpus of at least 1 GB and 50,000
# files (the cached clean Debian root of tests/live/debroot.sh as the system, with copies of the real XMRig
# and xmrig.exe, generated text and source-like files, tar.gz and zip archives), beside
#   yara -p 2 -r -N  with the same rule set minetrace compiles (rules/miners.yar; -N: the
#                    corpus holds a root whose absolute links would lead yara into this host),
#   clamscan -r      with a database it can load here (no network: an .hdb of the samples'
#                    MD5s and an .ndb of stratum strings, built in the run),
#   cat              every file once (the floor: reading the bytes),
# each RUNS times (default 3) on a warm page cache; prints median wall time, throughput,
# peak RSS and the ratios. A benchmark, not a test: it asserts nothing about speed.
# Env: MINETRACE (default build-bench/minetrace), DEBROOT (default build/debroot), RUNS,
#      CORPUS_MB (default 1100), JOBS (default 2), CORPUS (a directory to keep the corpus in).
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
MT=${MINETRACE:-build-bench/minetrace}
DEBROOT=${DEBROOT:-build/debroot}
RUNS=${RUNS:-3}
CORPUS_MB=${CORPUS_MB:-1100}
JOBS=${JOBS:-2}
DATA=${MINETRACE_DATA:-$top/../shared/data}
[ -d "$DATA/samples" ] || DATA=/work/shared/data
[ -x "$MT" ] || { echo "no minetrace binary at $MT: make -j2 B=build-bench all"; exit 2; }
if [ ! -f "$DEBROOT/.minetrace-debroot" ]; then
	echo "no cached Debian root at $DEBROOT: building it with tests/live/debroot.sh"
	MINETRACE=$MT DEBROOT=$DEBROOT sh tests/live/debroot.sh || { echo "debroot.sh failed"; exit 2; }
fi
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
DEBROOT=$(cd "$DEBROOT" && pwd)
need=""
[ -x /usr/bin/time ] || need="$need time"
command -v yara >/dev/null 2>&1 || need="$need yara"
command -v clamscan >/dev/null 2>&1 || need="$need clamav"
if [ -n "$need" ]; then
	echo "installing:$need"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $need >/dev/null || { echo "apt-get install failed"; exit 2; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
# CORPUS=DIR keeps the corpus there (built when DIR does not exist, reused when it does)
C=${CORPUS:-$work/corpus}
if [ -n "${CORPUS:-}" ] && [ -d "$C" ]; then
	echo "content bench: reusing the corpus in $C" >&2
else
mkdir -p "$C"
echo "content bench: building a corpus of about $CORPUS_MB MB in $C ..." >&2
cp -a "$DEBROOT/." "$C/" 2>/dev/null # the corpus is a system: the clean root with the rest added
python3 - "$C" "$DATA" "$CORPUS_MB" <<'EOT'
import io, os, random, sys, tarfile, zipfile
c, data, want = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1000 * 1000
rnd = random.Random(7)
def size():
    t = 0
    for d, _, fs in os.walk(c):
        for f in fs:
            p = os.path.join(d, f)
            if os.path.isfile(p) and not os.path.islink(p):
                t += os.path.getsize(p)
    return t
def count():
    return sum(len(fs) for _, _, fs in os.walk(c))
xm = open(os.path.join(data, "samples", "xmrig"), "rb").read()
xe = open(os.path.join(data, "samples", "xmrig.exe"), "rb").read()
words = open("/usr/share/dict/words").read().split() if os.path.exists("/usr/share/dict/words") else \
    ["alpha", "beta", "gamma", "delta", "server", "config", "value", "return", "struct", "printf"]
# binaries: the real miners under other names (a few), benign ELF copies (many)
os.makedirs(f"{c}/opt/bin", exist_ok=True)
for i in range(8):
    open(f"{c}/opt/bin/svc{i}", "wb").write(xm if i % 2 == 0 else xe)
# source-like text: 40,000 small files in a tree
n = 0
for a in range(40):
    for b in range(25):
        d = f"{c}/src/mod{a}/pkg{b}"
        os.makedirs(d, exist_ok=True)
        for k in range(40):
            lines = [" ".join(rnd.choice(words) for _ in range(rnd.randint(4, 12))) for _ in range(rnd.randint(10, 120))]
            open(f"{d}/f{k}.c", "w").write("\n".join(lines) + "\n")
            n += 1
# archives: tar.gz and zip of source trees and one with a miner inside
for i in range(20):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w:gz") as t:
        for k in range(50):
            b = ("\n".join(" ".join(rnd.choice(words) for _ in range(8)) for _ in range(200))).encode()
            ti = tarfile.TarInfo(f"pkg{i}/file{k}.txt"); ti.size = len(b)
            t.addfile(ti, io.BytesIO(b))
        if i == 3:
            ti = tarfile.TarInfo(f"pkg{i}/helper"); ti.size = len(xm); t.addfile(ti, io.BytesIO(xm))
    open(f"{c}/opt/pkg{i}.tar.gz", "wb").write(bio.getvalue())
    with zipfile.ZipFile(f"{c}/opt/pkg{i}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(50):
            z.writestr(f"doc{k}.txt", " ".join(rnd.choice(words) for _ in range(2000)))
# bulk: large data files (logs, blobs) until the size is reached
i = 0
os.makedirs(f"{c}/var/data", exist_ok=True)
have = size()
while have < want:
    chunk = min(64 << 20, want - have)
    if i % 2:
        open(f"{c}/var/data/blob{i}.bin", "wb").write(os.urandom(chunk))
    else:
        line = (" ".join(rnd.choice(words) for _ in range(14)) + "\n").encode()
        open(f"{c}/var/data/app{i}.log", "wb").write(line * (chunk // len(line) + 1))
    have += chunk
    i += 1
while count() < 50000:
    d = f"{c}/src/extra{i}"; os.makedirs(d, exist_ok=True)
    for k in range(1000):
        open(f"{d}/n{k}.txt", "w").write(" ".join(rnd.choice(words) for _ in range(30)))
    i += 1
print("corpus: %d files, %.0f MB" % (count(), size() / 1e6), file=sys.stderr)
EOT
fi
files=$(find "$C" -type f | wc -l)
bytes=$(find "$C" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "content bench: $files files, $((bytes / 1000000)) MB; $RUNS runs each, $(nproc) CPUs, warm cache" >&2

# ClamAV: a database it loads without the network
python3 - "$work/db" "$DATA" <<'EOT'
import hashlib, os, sys
db, data = sys.argv[1], sys.argv[2]
os.makedirs(db, exist_ok=True)
with open(f"{db}/mt.hdb", "w") as f:
    for n in ("xmrig", "xmrig.exe", "WinRing0x64.sys"):
        b = open(os.path.join(data, "samples", n), "rb").read()
        f.write("%s:%d:MT.Miner.%s\n" % (hashlib.md5(b).hexdigest(), len(b), n.replace(".", "_")))
with open(f"{db}/mt.ndb", "w") as f:
    f.write("MT.Stratum.Login:0:*:%s\n" % b'"method":"login"'.hex())
    f.write("MT.Donate.Level:0:*:%s\n" % b"--donate-level".hex())
EOT

run() {
	name=$1; shift
	: >"$work/$name.t"
	i=1
	while [ "$i" -le "$RUNS" ]; do
		/usr/bin/time -o "$work/$name.one" -f '%e %M' "$@" >"$work/$name.out" 2>"$work/$name.err"
		tail -1 "$work/$name.one" >>"$work/$name.t"
		echo "  $name run $i: $(tail -1 "$work/$name.one") (wall s, peak KB)" >&2
		i=$((i + 1))
	done
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

find "$C" -type f -exec cat {} + >/dev/null 2>&1 # warm the page cache
run cat sh -c 'find "$1" -type f -exec cat {} + >/dev/null' sh "$C"
run minetrace "$MT" scan --content --root "$C" --checks content.files --jobs "$JOBS" --format json
run yara yara -p "$JOBS" -r -N -w "$top/rules/miners.yar" "$C"
run clamscan clamscan -r --follow-dir-symlinks=0 --follow-file-symlinks=0 --infected --no-summary -d "$work/db" "$C"

t_of() { cut -d' ' -f1 "$work/$1.t" | median; }
m_of() { cut -d' ' -f2 "$work/$1.t" | sort -n | tail -1; }
mt=$(t_of minetrace)
found=$(grep -c '"check":"content.files"' "$work/minetrace.out")
echo
printf '%-10s %9s %11s %11s %10s\n' tool "wall s" "MB/s" "peak MiB" "mt speed x"
for n in cat minetrace yara clamscan; do
	t=$(t_of $n)
	m=$(m_of $n)
	awk -v n="$n" -v t="$t" -v m="$m" -v b="$bytes" -v mt="$mt" 'BEGIN {
		printf "%-10s %9.2f %11.0f %11.1f %10.2f\n", n, t, b / 1e6 / t, m / 1024, t / mt }'
done
echo
awk -v c="$(t_of cat)" -v mt="$mt" -v y="$(t_of yara)" 'BEGIN {
	printf "minetrace: %.2f of the cat floor (goal 0.8), %.2f times yara -p 2 (goal 3)\n", c / mt, y / mt }'
echo "minetrace found $found content findings; yara matched $(wc -l <"$work/yara.out") files; clamscan $(grep -c FOUND "$work/clamscan.out") files"
