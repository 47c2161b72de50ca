#!/bin/sh
# bench/pcap.sh - throughput of minetrace pcap against ndpiReader -i (nDPI, libndpi-bin) and
# tshark -r with a stratum display filter, on the same capture in the same run. The capture
# (SIZE_MB, default 1100 MB) is built here: the sample captures of ../shared/data/pcaps
# replicated COPIES times with shifted addresses (the third octet, so internal hosts stay
# internal) and times, mixed into bulk benign traffic (TLS and HTTP flows of full-size
# segments, DNS). Each tool reads it once, on one core (taskset); prints wall time, MB/s,
# the ratio to minetrace and what each one detected. The capture is deleted at the end.
# A benchmark, not a test: it asserts nothing about speed.
# Env: MINETRACE (default build/minetrace), SIZE_MB, COPIES (default 40), KEEP=1 keeps it.
set -u
cd "$(dirname "$0")/.." || exit 2
MT=${MINETRACE:-build/minetrace}
SIZE_MB=${SIZE_MB:-1100}
COPIES=${COPIES:-40}
PCAPS=${MINETRACE_PCAPS:-../shared/data/pcaps}
[ -d "$PCAPS" ] || PCAPS=/work/shared/data/pcaps
[ -x "$MT" ] || { echo "no minetrace binary at $MT: make -j2 all"; exit 2; }
sh tools/deps.sh bench || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-pcap.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cap="$work/bench.pcap"

# the samples as classic pcap (the generator reads only that)
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng; do
	editcap -F pcap "$f" "$work/$(basename "$f").s.pcap" 2>/dev/null || echo "skip $f"
done
echo "building a ${SIZE_MB} MB capture (samples x $COPIES in bulk traffic) ..."
python3 - "$cap" "$SIZE_MB" "$COPIES" "$work"/*.s.pcap <<'EOT' || exit 2
import os, random, struct, sys
out, size_mb, copies, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
rnd = random.Random(1)
def read(path):
    d = open(path, "rb").read()
    assert struct.unpack("<I", d[:4])[0] == 0xa1b2c3d4 and struct.unpack("<I", d[20:24])[0] == 1, path
    off, pk = 24, []
    while off + 16 <= len(d):
        cap = struct.unpack("<I", d[off + 8:off + 12])[0]
        pk.append(d[off + 16:off + 16 + cap]); off += 16 + cap
    return pk
sample_pk = [read(s) for s in samples]
def shift(p, i):
    # Ethernet/IPv4 (possibly one VLAN tag): add i to the third octet of both addresses
    o = 12
    et = struct.unpack(">H", p[o:o + 2])[0]
    if et == 0x8100:
        o += 4; et = struct.unpack(">H", p[o:o + 2])[0]
    if et != 0x0800 or len(p) < o + 22:
        return p
    b = bytearray(p)
    for a in (o + 2 + 12, o + 2 + 16):
        b[a + 2] = (b[a + 2] + i) & 0xff
    return bytes(b)
mixed = []
for i in range(copies):
    for pk in sample_pk:
        mixed.extend(shift(p, i) for p in pk)
rndpay = bytes(rnd.getrandbits(8) for _ in range(4096))
def ip4(src, dst, proto, pl):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(pl), 0, 0x4000, 64, proto, 0, src, dst) + pl
def tcp(sp, dp, seq, fl, pl=b""):
    return struct.pack(">HHIIBBHHH", sp, dp, seq, 0, 0x50, fl, 65535, 0, 0) + pl
def eth(p):
    return b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + p
def hello(sni):
    s = sni.encode()
    ext = struct.pack(">HHHBH", 0, len(s) + 5, len(s) + 3, 0, len(s)) + s
    body = b"\x03\x03" + rndpay[:32] + b"\x00\x00\x02\x13\x01\x01\x00" + struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs
f = open(out, "wb")
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = 1700000000 * 1000000
limit = size_mb * 1000000
written, flows, mi = 24, 0, 0
every = max(1, int(limit / 1500 / max(1, len(mixed))))  # one sample packet per this many bulk ones
n = 0
while written < limit:
    flows += 1
    cli = bytes([10, 20 + flows % 50, (flows >> 8) & 0xff, flows & 0xff or 1])
    srv = bytes([93, 184, flows % 200, 34 + flows % 100])
    sp, dp = 1024 + flows % 60000, (443 if flows % 4 else 80)
    segs = 60 + flows % 80
    first = hello("www.example%d.com" % (flows % 1000)) if dp == 443 else \
        b"GET /index%d.html HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: curl/8\r\n\r\n" % flows
    pkts = [tcp(sp, dp, 1, 2), tcp(dp, sp, 1, 0x12), tcp(sp, dp, 2, 0x18, first)]
    seq = 1
    for s in range(segs):
        o = (s * 1460) % 2600
        pkts.append(tcp(dp, sp, 2 + seq, 0x10, rndpay[o:o + 1460])); seq += 1460
    if flows % 16 == 0:  # some DNS
        q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03org\x00\x00\x01\x00\x01"
        pkts.append(None); pkts[-1] = ("udp", q)
    for p in pkts:
        if isinstance(p, tuple):
            raw = eth(ip4(cli, bytes([10, 0, 0, 53]), 17, struct.pack(">HHHH", sp, 53, 8 + len(p[1]), 0) + p[1]))
        else:
            sport = struct.unpack(">H", p[:2])[0]
            raw = eth(ip4(cli, srv, 6, p) if sport == sp else ip4(srv, cli, 6, p))
        f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(raw), len(raw)) + raw)
        written += 16 + len(raw); t += 20; n += 1
        if n % every == 0 and mi < len(mixed):
            m = mixed[mi]; mi += 1
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(m), len(m)) + m)
            written += 16 + len(m); t += 20
for m in mixed[mi:]:
    f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(m), len(m)) + m)
    written += 16 + len(m); t += 20
f.close()
print("capture: %d bytes, %d bulk flows, %d sample packets mixed in" % (written, flows, len(mixed)))
EOT
bytes=$(stat -c %s "$cap")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')

# stratum and its variants, as a tshark display filter (no stratum dissector exists)
FILTER='frame contains "mining.subscribe" || frame contains "mining.authorize" || frame contains "\"login\"" || frame contains "eth_submitLogin" || frame contains "getblocktemplate"'

run() { # name, command...: wall seconds into $work/$1.time, output into $work/$1.out
	name=$1; shift
	cat "$cap" >/dev/null # same page cache for everyone
	s=$(date +%s.%N)
	taskset -c 0 "$@" >"$work/$name.out" 2>"$work/$name.err"
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }' >"$work/$name.time"
}
run minetrace "$MT" pcap "$cap" --format json
run ndpi ndpiReader -i "$cap" -n 1
run tshark tshark -r "$cap" -Y "$FILTER" -T fields -e ip.src -e ip.dst -e tcp.dstport

t_mt=$(cat "$work/minetrace.time") t_nd=$(cat "$work/ndpi.time") t_ts=$(cat "$work/tshark.time")
mt_sess=$(grep -c '"check":"net.stratum"' "$work/minetrace.out")
mt_crit=$(grep -c '"check":"net.stratum","severity":"critical"' "$work/minetrace.out")
mt_hosts=$(grep '"type":"host"' "$work/minetrace.out" | grep -c '"verdict":"mining"')
mt_eb=$(grep -c '"check":"net.eternalblue"' "$work/minetrace.out")
mt_dp=$(grep -c '"check":"net.doublepulsar"' "$work/minetrace.out")
mt_scan=$(grep -c '"check":"net.smb_scan"' "$work/minetrace.out")
mt_br=$(grep -c '"check":"net.browser_miner"' "$work/minetrace.out")
# the protocol table of ndpiReader: "Mining  packets: N  bytes: N  flows: N"
nd_mining=$(awk '$1 == "Mining" && $2 == "packets:" { print $NF; exit }' "$work/ndpi.out")
ts_pk=$(wc -l <"$work/tshark.out")
ts_pairs=$(sort -u "$work/tshark.out" | awk '{ print $1, $2 }' | sort -u | wc -l)
echo
echo "capture: $mb MB ($bytes bytes); sample copies: $COPIES; one core each (taskset -c 0)"
printf '%-12s %8s %9s %14s  %s\n' tool seconds MB/s "vs minetrace" detected
printf '%-12s %8s %9.0f %14s  %s\n' minetrace "$t_mt" "$(awk -v m="$mb" -v t="$t_mt" 'BEGIN{print m/t}')" 1.0 \
	"$mt_sess stratum sessions ($mt_crit confirmed), $mt_hosts mining hosts, $mt_br browser-miner, $mt_eb EternalBlue, $mt_dp DoublePulsar, $mt_scan 445 scanners"
printf '%-12s %8s %9.0f %14s  %s\n' ndpiReader "$t_nd" "$(awk -v m="$mb" -v t="$t_nd" 'BEGIN{print m/t}')" \
	"$(awk -v a="$t_nd" -v b="$t_mt" 'BEGIN{printf "%.1fx slower", a/b}')" "${nd_mining:-0} Mining flows"
printf '%-12s %8s %9.0f %14s  %s\n' tshark "$t_ts" "$(awk -v m="$mb" -v t="$t_ts" 'BEGIN{print m/t}')" \
	"$(awk -v a="$t_ts" -v b="$t_mt" 'BEGIN{printf "%.1fx slower", a/b}')" "$ts_pk packets match the filter ($ts_pairs address pairs)"
echo "(the capture holds $COPIES copies of the samples: 10 stratum sessions, 4 miners and a"
echo " browser miner, one EternalBlue+DoublePulsar pair, one DoublePulsar, one 445 scanner each)"
