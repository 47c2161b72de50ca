#!/usr/bin/env python3
"""mkcorpus_pcap.py - writes the seed corpus of fuzz_pcap (tests/fuzz/corpus/fuzz_pcap/):
synthetic packets made here (no third-party capture): a Monero login and its answer, a
stratum subscribe, a DNS query and answer for a pool, a TLS ClientHello with SNI, an HTTP
request for a browser-miner script, SMB1 NT Trans + Trans2 secondary and a DoublePulsar
reply, IPv6 with extension headers, VLAN tags, and the same as pcap and pcapng files."""
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "fuzz_pcap")
os.makedirs(out, exist_ok=True)
A, B = bytes([10, 0, 0, 5]), bytes([203, 0, 113, 9])


def ip4(src, dst, proto, payload):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, src, dst)
    return h + payload


def tcp(sp, dp, seq, flags, payload=b""):
    return struct.pack(">HHIIBBHHH", sp, dp, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload


def udp(sp, dp, payload):
    return struct.pack(">HHHH", sp, dp, 8 + len(payload), 0) + payload


def eth(p, et=0x0800, vlan=0):
    h = b"\x00" * 12
    if vlan:
        h += struct.pack(">HH", 0x8100, vlan)
    return h + struct.pack(">H", et) + p


def dns(name, answer=None):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\x00" + b"\x00\x01\x00\x01"
    if answer is None:
        return struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0) + q
    return struct.pack(">HHHHHH", 7, 0x8180, 1, 1, 0, 0) + q + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + answer


def smb(cmd, status, flags, mid, words, nbody=0):
    h = b"\xffSMB" + bytes([cmd]) + struct.pack("<IBH", status, flags, 0xc807) + b"\x00" * 12 + struct.pack("<HHHH", 0, 0xfeff, 0, mid)
    body = h + bytes([len(words) // 2]) + words + struct.pack("<H", nbody) + b"\x00" * nbody
    return struct.pack(">I", len(body)) + body


def client_hello(sni):
    s = sni.encode()
    ext = struct.pack(">HHHBH", 0, len(s) + 5, len(s) + 3, 0, len(s)) + s
    body = b"\x03\x03" + b"\x00" * 32 + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00" + struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


login = b'{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"4wallet","pass":"x","agent":"XMRig/6.16.0"}}\n'
answer = b'{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"1","job":{"blob":"07","job_id":"1","target":"ff","algo":"cn/0"},"status":"OK"}}\n'
sub = b'{"id":1,"method":"mining.subscribe","params":["cpuminer/2.5",null,"pool.example","3333"]}\n{"id":2,"method":"mining.authorize","params":["w.1","x"]}\n'
flows = {
    "stratum-xmr": [tcp(40000, 3333, 1, 2), tcp(3333, 40000, 9, 0x12), tcp(40000, 3333, 2, 0x18, login),
                    tcp(3333, 40000, 10, 0x18, answer)],
    "stratum-sub": [tcp(40001, 443, 1, 0x18, sub), tcp(443, 40001, 1, 0x18, b'{"id":1,"result":[null,"ab"],"error":null}\n{"id":2,"result":true,"error":null}\n')],
    "tls": [tcp(40002, 443, 1, 0x18, client_hello("pool.supportxmr.com"))],
    "http": [tcp(40003, 80, 1, 0x18, b"GET /lib/coinhive.min.js HTTP/1.1\r\nHost: coinhive.com\r\n\r\n")],
    "getwork": [tcp(40004, 8332, 1, 0x18, b'POST / HTTP/1.1\r\nContent-Length: 44\r\n\r\n{"id":1,"method":"getwork","params":[]}     '),
                tcp(8332, 40004, 1, 0x18, b'HTTP/1.1 200 OK\r\nContent-Length: 44\r\n\r\n{"id":1,"result":{"data":"00"},"error":null}')],
    "smb": [tcp(40005, 445, 1, 0x18, smb(0xa0, 0, 0x18, 65, b"\x00" * 38)),
            tcp(40005, 445, 1 + len(smb(0xa0, 0, 0x18, 65, b"\x00" * 38)), 0x18,
                smb(0x33, 0, 0x18, 66, struct.pack("<9H", 0, 100, 0, 0, 0, 200, 0, 0, 0))),
            tcp(445, 40005, 1, 0x18, smb(0x32, 0xc0000002, 0x98, 0x51, b""))],
}
for name, segs in flows.items():
    pk = []
    for s in segs:
        sp, dp = struct.unpack(">HH", s[:4])
        src, dst = (A, B) if dp in (3333, 443, 80, 8332, 445) else (B, A)
        pk.append(eth(ip4(src, dst, 6, s)))
    # packet mode: link ethernet (low bits 0), 2-byte lengths
    open(os.path.join(out, name + ".pkts"), "wb").write(b"\x00" + b"".join(struct.pack(">H", len(p)) + p for p in pk))
    # capture mode: a classic pcap
    cap = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for i, p in enumerate(pk):
        cap += struct.pack("<IIII", 1500000000 + i, 0, len(p), len(p)) + p
    open(os.path.join(out, name + ".pcap"), "wb").write(b"\x80" + cap)
# DNS over UDP with a VLAN tag, raw IPv4 link type
q = eth(ip4(A, bytes([10, 0, 0, 1]), 17, udp(5353, 53, dns("la01.supportxmr.com"))), vlan=5)
r = eth(ip4(bytes([10, 0, 0, 1]), A, 17, udp(53, 5353, dns("la01.supportxmr.com", B))), vlan=5)
open(os.path.join(out, "dns-vlan.pkts"), "wb").write(b"\x00" + b"".join(struct.pack(">H", len(p)) + p for p in (q, r)))
raw = ip4(A, B, 6, tcp(40000, 3333, 2, 0x18, login))
open(os.path.join(out, "raw.pkts"), "wb").write(b"\x01" + struct.pack(">H", len(raw)) + raw)
# IPv6 with a hop-by-hop header, Linux cooked v2
six = struct.pack(">IHBB", 0x60000000, 8 + 20 + len(login), 0, 64) + b"\xfd" + b"\x00" * 14 + b"\x05" + b"\x20\x01\x0d\xb8" + b"\x00" * 11 + b"\x09"
six += bytes([6, 0]) + b"\x00" * 6 + tcp(40000, 3333, 2, 0x18, login)
sll2 = struct.pack(">HHIHBB", 0x86dd, 0, 1, 1, 4, 6) + b"\x00" * 8
open(os.path.join(out, "ipv6-sll2.pkts"), "wb").write(b"\x03" + struct.pack(">H", len(sll2 + six)) + sll2 + six)
# a pcapng with one interface (nanosecond resolution) and one enhanced packet block
p0 = eth(ip4(A, B, 6, tcp(40000, 3333, 2, 0x18, login)))
pad = (4 - len(p0) % 4) % 4
shb = struct.pack("<IIIHHq", 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0, -1) + struct.pack("<I", 28)
idb_opts = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)
idb_len = 20 + len(idb_opts)
idb = struct.pack("<IIHHI", 1, idb_len, 1, 0, 0) + idb_opts + struct.pack("<I", idb_len)
epb_len = 32 + len(p0) + pad
epb = struct.pack("<IIIIIII", 6, epb_len, 0, 0x0005, 0x12345678, len(p0), len(p0)) + p0 + b"\x00" * pad + struct.pack("<I", epb_len)
open(os.path.join(out, "login.pcapng"), "wb").write(b"\x80" + shb + idb + epb)
