#!/bin/sh
# bench/evtx.sh - reads a ~1 GB event log with our EVTX reader (tests/windows/evtxdump:
# every record with its System values and fields) and with libevtx's `evtxexport -f xml`
# on the same file in the same run; prints both times, the ratio and our peak RSS (the
# goals: 10x faster than evtxexport, at most 64 MiB). The input is made of the valid
# chunks of the shared corpus repeated behind one file header (chunk count and header
# CRC32 set), in a scratch directory deleted after.
#   sh bench/evtx.sh [SIZE_MB]      (default 1024; needs evtxexport and /usr/bin/time)
set -eu
DUMP=${EVTXDUMP:-build/tests/evtxdump}
mb=${1:-1024}
src=${EVTX_DIR:-../shared/data/windows/evtx}
[ -d "$src" ] || src=/work/shared/data/windows/evtx
[ -x "$DUMP" ] || { echo "bench/evtx.sh: $DUMP missing (make $DUMP)"; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-evtx.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
f="$dir/big.evtx"
python3 - "$src" "$f" "$mb" <<'PY'
import os, struct, sys, zlib
src, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunks, header = [], None
for name in sorted(os.listdir(src)):
    if not name.endswith('.evtx'):
        continue
    d = open(os.path.join(src, name), 'rb').read()
    if header is None and name == 'security.evtx':
        header = bytearray(d[:4096])
    for off in range(4096, len(d) - 65535, 65536):
        c = d[off:off + 65536]
        flags = struct.unpack('<I', c[120:124])[0]
        crc = zlib.crc32(c[128:512], zlib.crc32(c[:120]))
        if c[:8] == b'ElfChnk\0' and (flags & 4 or crc == struct.unpack('<I', c[124:128])[0]):
            chunks.append(c)
n = max(1, mb * 1024 * 1024 // 65536)
n = min(n, 65535)  # the header counts chunks in 16 bits
struct.pack_into('<QQ', header, 8, 0, n - 1)  # first and last chunk number
struct.pack_into('<H', header, 42, n)
struct.pack_into('<I', header, 120, 0)  # clean, not full
struct.pack_into('<I', header, 124, zlib.crc32(bytes(header[:120])))
with open(out, 'wb') as f:
    f.write(header)
    for i in range(n):
        f.write(chunks[i % len(chunks)])
print('bench/evtx.sh: %d chunks (%d distinct from the corpus), %.0f MB' %
      (n, len(chunks), (4096 + n * 65536) / 1e6))
PY
t() { # wall seconds and peak RSS in KiB of a command, its output thrown away
	/usr/bin/time -f '%e %M' -o "$dir/time" "$@" >/dev/null 2>"$dir/err" || {
		echo "bench/evtx.sh: $1 failed:"; tail -3 "$dir/err"; exit 1; }
	cat "$dir/time"
}
set -- $(t "$DUMP" "$f")
ours=$1 rss=$2
recs=$("$DUMP" -q "$f" 2>/dev/null | sed 's/.* records=\([0-9]*\).*/\1/')
set -- $(t evtxexport -f xml "$f")
theirs=$1 theirs_rss=$2
python3 - "$ours" "$rss" "$theirs" "$theirs_rss" "$recs" "$f" <<'PY'
import os, sys
ours, rss, theirs, trss, recs, f = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
mb = os.path.getsize(f) / 1e6
print('evtxdump:   %6.2f s  %7.1f MB/s  peak RSS %5.1f MiB  (%d records)' %
      (ours, mb / max(ours, 0.01), rss / 1024, recs))
print('evtxexport: %6.2f s  %7.1f MB/s  peak RSS %5.1f MiB' %
      (theirs, mb / max(theirs, 0.01), trss / 1024))
print('ratio: %.1fx faster than evtxexport (goal 10x); RSS %s 64 MiB' %
      (theirs / max(ours, 0.01), 'within' if rss <= 65536 else 'OVER'))
PY
