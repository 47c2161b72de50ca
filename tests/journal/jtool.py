#!/usr/bin/env python3
"""jtool.py - journal files for the tests of our journal reader.

  jtool.py export [small]       export-format input for systemd-journal-remote: auth
                                lines, big (compressed) messages, binary values, a field
                                twice, entries without _COMM or with an empty _UID
  jtool.py recompress IN OUT xz|lz4
                                appends an XZ or LZ4 compressed copy of every DATA object
                                of 512+ bytes of an uncompressed file written by systemd
                                and points the entries at it (systemd 252 writes only ZSTD)
  jtool.py shrink IN OUT        the objects of a real file without its hash tables (the
                                entry items renumbered): a small seed for the fuzzer
  jtool.py hostile IN DIR       hostile variants of a real file, one per name, in DIR
"""
import lzma
import os
import struct
import subprocess
import sys

H_INCOMPAT, H_HS, H_ARENA, H_TAIL, H_NOBJ = 12, 88, 96, 136, 144


def u64(d, o):
    return struct.unpack_from("<Q", d, o)[0]


def al8(n):
    return (n + 7) & ~7


def walk(d):
    hs, arena = u64(d, H_HS), u64(d, H_ARENA)
    end = min(hs + arena, len(d))
    off, objs = hs, []
    while off + 16 <= end:
        t, fl, sz = d[off], d[off + 1], u64(d, off + 8)
        if t == 0 and sz == 0:
            break
        assert sz >= 16 and off + sz <= end, "bad object at %d" % off
        objs.append((off, t, fl, sz))
        off += al8(sz)
    return objs


def compact(d):
    return bool(struct.unpack_from("<I", d, H_INCOMPAT)[0] & 0x10)


def items(d, off, sz):
    """(position of the offset field, width) of each item of an entry"""
    w = 4 if compact(d) else 16
    return [(off + 64 + i * w, 4 if w == 4 else 8) for i in range((sz - 64) // w)]


def get_item(d, pos, w):
    return struct.unpack_from("<I" if w == 4 else "<Q", d, pos)[0]


def set_item(d, pos, w, v):
    struct.pack_into("<I" if w == 4 else "<Q", d, pos, v)


def lz4_block(data):
    """one real LZ4 block (made by the lz4 tool, taken out of its frame) with systemd's
    8-byte size in front"""
    fr = subprocess.run(["lz4", "-c", "-q", "--no-frame-crc"], input=bytes(data),
                        stdout=subprocess.PIPE, check=True).stdout
    assert fr[:4] == b"\x04\x22\x4d\x18"
    flg = fr[4]
    p = 4 + 2 + (8 if flg & 0x08 else 0) + (4 if flg & 0x01 else 0) + 1
    bsz = struct.unpack_from("<I", fr, p)[0]
    assert not bsz & 0x80000000, "stored uncompressed"
    blk = fr[p + 4:p + 4 + bsz]
    assert struct.unpack_from("<I", fr, p + 4 + bsz)[0] == 0, "one block only"
    return struct.pack("<Q", len(data)) + blk


def recompress(src, dst, how):
    d = bytearray(open(src, "rb").read())
    objs = walk(d)
    po = 72 if compact(d) else 64
    last = objs[-1]
    tail, new_tail = al8(last[0] + last[3]), last[0]
    remap, n = {}, 0
    for off, t, fl, sz in objs:
        if t != 1 or fl != 0 or sz - po < 512:
            continue
        payload = bytes(d[off + po:off + sz])
        if how == "xz":
            comp = lzma.compress(payload, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE)
            flag = 1
        else:
            comp = lz4_block(payload)
            flag = 2
        obj = bytearray(d[off:off + po]) + comp
        obj[1] = flag
        struct.pack_into("<Q", obj, 8, len(obj))
        assert tail + len(obj) <= u64(d, H_HS) + u64(d, H_ARENA) <= len(d)
        d[tail:tail + len(obj)] = obj
        remap[off] = tail
        new_tail = tail
        tail = al8(tail + len(obj))
        n += 1
    assert n, "no DATA object of 512+ bytes"
    for off, t, fl, sz in objs:
        if t == 3:
            for pos, w in items(d, off, sz):
                v = get_item(d, pos, w)
                if v in remap:
                    set_item(d, pos, w, remap[v])
    inc = struct.unpack_from("<I", d, H_INCOMPAT)[0] | (1 if how == "xz" else 2)
    struct.pack_into("<I", d, H_INCOMPAT, inc)
    struct.pack_into("<Q", d, H_TAIL, new_tail)
    struct.pack_into("<Q", d, H_NOBJ, u64(d, H_NOBJ) + n)
    open(dst, "wb").write(d)


def shrink(src, dst):
    d = open(src, "rb").read()
    hs = u64(d, H_HS)
    keep = [o for o in walk(d) if o[1] not in (4, 5)]  # no hash tables
    out, remap, pos = bytearray(d[:hs]), {}, hs
    for off, t, fl, sz in keep:
        remap[off] = pos
        out += d[off:off + sz] + b"\0" * (al8(sz) - sz)
        pos += al8(sz)
    for off, t, fl, sz in keep:
        if t == 3:
            base = remap[off]
            for p, w in items(out, base, sz):
                v = get_item(out, p, w)
                set_item(out, p, w, remap.get(v, 0))
    struct.pack_into("<Q", out, H_ARENA, len(out) - hs)
    struct.pack_into("<Q", out, H_TAIL, remap[keep[-1][0]])
    open(dst, "wb").write(out)


def hostile(src, outdir):
    d = bytes(open(src, "rb").read())
    objs = walk(d)
    os.makedirs(outdir, exist_ok=True)
    ents = [o for o in objs if o[1] == 3]
    datas = [o for o in objs if o[1] == 1]
    used = al8(objs[-1][0] + objs[-1][3])

    def w(name, b):
        open(os.path.join(outdir, name), "wb").write(b)

    w("short.journal", d[:100])
    w("badsig.journal", b"XPKSHHRH" + d[8:used])
    b = bytearray(d[:used]); struct.pack_into("<I", b, H_INCOMPAT, 0x1c | 0x400)
    w("newflag.journal", b)
    b = bytearray(d[:used]); struct.pack_into("<Q", b, H_HS, 7)
    w("hsodd.journal", b)
    b = bytearray(d[:used]); struct.pack_into("<Q", b, H_ARENA, 2**64 - 1 - u64(d, H_HS) + 5)
    w("arenawrap.journal", b)
    # cut in the middle of the last entry
    w("cut.journal", d[:ents[-1][0] + 20])
    # the size of the second entry 0, then huge: the walk stops there
    for name, v in (("size0.journal", 0), ("sizehuge.journal", 2**63), ("size15.journal", 15)):
        b = bytearray(d[:used]); struct.pack_into("<Q", b, ents[1][0] + 8, v)
        w(name, b)
    b = bytearray(d[:used]); b[ents[1][0]] = 42
    w("badtype.journal", b)
    # entry items pointing anywhere: past the end, into the header, unaligned, at an entry
    b = bytearray(d[:used])
    for i, e in enumerate(ents):
        its = items(b, e[0], e[3])
        for k, (p, wd) in enumerate(its):
            bogus = [2**32 - 8, 8, e[0] + 3, e[0], len(b) + 64][(i + k) % 5]
            set_item(b, p, wd, bogus & (0xffffffff if wd == 4 else 2**64 - 1))
    w("items.journal", b)
    # an entry of seqnum 0 and one of a wild realtime; a data object of wild compression
    b = bytearray(d[:used])
    struct.pack_into("<Q", b, ents[0][0] + 16, 0)
    struct.pack_into("<Q", b, ents[1][0] + 24, 2**63)
    b[datas[0][0] + 1] = 7
    w("fields.journal", b)
    # the file online (being written) with garbage after its last object
    b = bytearray(d[:used]) + os.urandom(64)
    b[16] = 1
    struct.pack_into("<Q", b, H_ARENA, len(b) - u64(d, H_HS))
    w("online.journal~", b)
    # compression bombs: a MESSAGE of 16 MiB (LZ4: 4 MiB, one block) in each compression, and garbage
    po = 72 if compact(d) else 64
    msg = [o for o in datas if d[o[0] + po:o[0] + po + 8] == b"MESSAGE="][0]
    big = b"MESSAGE=" + b"A" * (16 << 20)
    bombs = {
        "zstd": (4, subprocess.run(["zstd", "-q", "-c", "-3"], input=big,
                                   stdout=subprocess.PIPE, check=True).stdout),
        "xz": (1, lzma.compress(big, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE)),
        "lz4": (2, lz4_block(big[:(4 << 20) - 4096])),
        "lz4lie": (2, struct.pack("<Q", 100) + b"\x10garbage"),
        "zstdjunk": (4, b"\x28\xb5\x2f\xfd" + os.urandom(40)),
        "xzjunk": (1, b"\xfd7zXZ\x00" + os.urandom(40)),
    }
    for name, (flag, comp) in bombs.items():
        b = bytearray(d[:used])
        obj = bytearray(d[msg[0]:msg[0] + po]) + comp
        obj[1] = flag
        struct.pack_into("<Q", obj, 8, len(obj))
        at = len(b)
        b += obj + b"\0" * (al8(len(obj)) - len(obj))
        for e in ents:
            for p, wd in items(b, e[0], e[3]):
                if get_item(b, p, wd) == msg[0]:
                    set_item(b, p, wd, at)
        struct.pack_into("<Q", b, H_ARENA, len(b) - u64(d, H_HS))
        w("bomb-%s.journal" % name, b)


def export(small=False):
    T = 1710000000
    out = sys.stdout.buffer
    rows = [
        ("sshd", "Failed password for root from 203.0.113.9 port 1 ssh2", "sshd", "0"),
        ("sshd", "Accepted password for root from 203.0.113.9 port 4 ssh2", "sshd", "0"),
        ("sshd", "Accepted publickey for root from 198.51.100.7 port 9 ssh2: RSA SHA256:"
         + "k" * 600, "sshd", "0"),
        ("useradd", "new user: name=backup2, UID=1002, GID=1002, home=/home/backup2, shell=/bin/bash"
         + " " * 1100, "useradd", "0"),
        ("sshd", "x" * 4000, None, "0"),
        ("logger", "L" * 100000, "logger", "1000"),
        ("sudo", "    root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/sh -c " + "y" * 2000,
         "sudo", "0"),
        ("sshd", "a\nbinary\0message", "sshd", ""),
        ("CRON", "pam_unix(cron:session): session opened for user root", "cron", "0"),
    ]
    if small:  # seeds of the fuzzer (64 KiB at most)
        rows = [r for r in rows if len(r[1]) < 1500]
    for i, (ident, msg, comm, uid) in enumerate(rows):
        out.write(b"__REALTIME_TIMESTAMP=%d\n" % ((T + i) * 1000000 + 123456 + i))
        out.write(b"__MONOTONIC_TIMESTAMP=%d\n" % (5000000 + i))
        out.write(b"_BOOT_ID=0123456789abcdef0123456789abcdef\n")
        out.write(b"_HOSTNAME=deb\n")
        out.write(b"SYSLOG_IDENTIFIER=" + ident.encode() + b"\n")
        if comm is not None:
            out.write(b"_COMM=" + comm.encode() + b"\n")
        out.write(b"_UID=" + uid.encode() + b"\n")
        m = msg.encode()
        if b"\n" in m or b"\0" in m:
            out.write(b"MESSAGE\n" + struct.pack("<Q", len(m)) + m + b"\n")
        else:
            out.write(b"MESSAGE=" + m + b"\n")
        if i == 1:
            out.write(b"MESSAGE=a second MESSAGE of the same entry\n")
        out.write(b"\n")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "export":
        export(len(sys.argv) > 2 and sys.argv[2] == "small")
    elif cmd == "recompress":
        recompress(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "shrink":
        shrink(sys.argv[2], sys.argv[3])
    elif cmd == "hostile":
        hostile(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
