#!/bin/sh
# bench/pkgdb_rpm.sh - the load cost of the package database on a CentOS-sized root
# (PKGS packages x FILES files, default 400 x 100 = 40k paths, each header padded with a
# 20 KB changelog as real ones are): dpkg .list files against rpm's Berkeley DB Packages
# (written by db5.3_load) and rpmdb.sqlite, in the same run. Each is timed as
# `minetrace scan --checks files.suid` (which loads the database) minus the same scan of a
# root without one; prints the median of RUNS runs in ms and the ratio to dpkg.
# A benchmark, not a test: it asserts nothing about speed. Needs python3, db5.3_load.
# Env: MINETRACE (default build/minetrace), PKGS, FILES, RUNS.
set -u
cd "$(dirname "$0")/.." || exit 2
MT=${MINETRACE:-build/minetrace}
PKGS=${PKGS:-400}
FILES=${FILES:-100}
RUNS=${RUNS:-5}
[ -x "$MT" ] || { echo "no minetrace binary at $MT: make all"; exit 2; }
command -v db5.3_load >/dev/null || { echo "db5.3_load missing: apt-get install db5.3-util"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/none" "$work/dpkg/var/lib/dpkg/info" "$work/bdb/var/lib/rpm" \
	"$work/sqlite/var/lib/rpm"
python3 - "$work" "$PKGS" "$FILES" <<'PY'
import hashlib, sqlite3, struct, sys
work, npk, nf = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def header(tags):
    data, ents = b"", []
    for tag, typ, count, blob in tags:
        align = {3: 2, 4: 4}.get(typ, 1)
        data += b"\0" * ((-len(data)) % align)
        ents.append(struct.pack(">IIII", tag, typ, len(data), count))
        data += blob
    return struct.pack(">II", len(ents), len(data)) + b"".join(ents) + data

def strs(xs):
    return b"".join(x.encode() + b"\0" for x in xs)

dump = ["VERSION=3", "format=bytevalue", "type=hash", "db_pagesize=4096", "HEADER=END"]
db = sqlite3.connect(work + "/sqlite/var/lib/rpm/rpmdb.sqlite")
db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
for p in range(npk):
    name = "pkg%03d" % p
    dirs = ["/usr/lib64/%s/" % name, "/usr/share/doc/%s/" % name]
    bases = ["file%03d" % i for i in range(nf)]
    digs = [hashlib.sha256(("%s%d" % (name, i)).encode()).hexdigest() for i in range(nf)]
    h = header([
        (1000, 6, 1, strs([name])), (1001, 6, 1, strs(["1.0"])),
        (1002, 6, 1, strs(["1.el7"])), (1022, 6, 1, strs(["x86_64"])),
        (1030, 3, nf, b"".join(struct.pack(">H", 0o100644) for _ in range(nf))),
        (1035, 8, nf, strs(digs)),
        (1037, 4, nf, b"".join(struct.pack(">I", 0) for _ in range(nf))),
        (1082, 8, 1, strs(["- changelog line " * 1200])),
        (1116, 4, nf, b"".join(struct.pack(">I", i % 2) for i in range(nf))),
        (1117, 8, nf, strs(bases)), (1118, 8, 2, strs(dirs)),
        (5011, 4, 1, struct.pack(">I", 8)),
    ])
    dump.append(" " + struct.pack("<I", p + 1).hex())
    dump.append(" " + h.hex())
    db.execute("INSERT INTO Packages (blob) VALUES (?)", (h,))
    with open("%s/dpkg/var/lib/dpkg/info/%s:amd64.list" % (work, name), "w") as f:
        for i in range(nf):
            f.write(dirs[i % 2] + bases[i] + "\n")
db.commit()
db.close()
dump.append("DATA=END")
with open(work + "/dump", "w") as f:
    f.write("\n".join(dump) + "\n")
PY
db5.3_load "$work/bdb/var/lib/rpm/Packages" <"$work/dump" || { echo "db5.3_load failed"; exit 2; }
ms() { # ROOT: median wall time of the scan in ms
	for i in $(seq "$RUNS"); do
		s=$(date +%s%N)
		"$MT" scan --root "$1" --checks files.suid --format json >/dev/null 2>&1
		e=$(date +%s%N)
		echo $(((e - s) / 1000000))
	done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
base=$(ms "$work/none")
d=$(( $(ms "$work/dpkg") - base ))
b=$(( $(ms "$work/bdb") - base ))
q=$(( $(ms "$work/sqlite") - base ))
echo "package database load, $PKGS packages x $FILES files (median of $RUNS, ms over an empty root of ${base} ms):"
echo "  sizes: Packages $(du -k "$work/bdb/var/lib/rpm/Packages" | cut -f1) KB, rpmdb.sqlite $(du -k "$work/sqlite/var/lib/rpm/rpmdb.sqlite" | cut -f1) KB"
awk -v d="$d" -v b="$b" -v q="$q" 'BEGIN {
	if (d < 1) d = 1
	printf "  dpkg .list      %5d ms  1.00\n", d
	printf "  rpm BDB         %5d ms  %.2f x dpkg\n", b, b / d
	printf "  rpm SQLite      %5d ms  %.2f x dpkg\n", q, q / d }'
