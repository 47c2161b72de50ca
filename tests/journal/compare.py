#!/usr/bin/env python3
"""compare.py JDUMP FILE [expect...] - every entry of a journal file as our reader gives
it (jdump) equals what journalctl --file=FILE -o export gives: realtime and the first
SYSLOG_IDENTIFIER, MESSAGE, _COMM and _UID of each entry, in order. expect: compact,
regular, xz, lz4, zstd (the file must be so, or the test proves nothing)."""
import struct
import subprocess
import sys

FIELDS = [b"SYSLOG_IDENTIFIER", b"MESSAGE", b"_COMM", b"_UID"]


def journalctl(path):
    out = subprocess.run(["journalctl", "--file=" + path, "-o", "export", "--no-pager"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True).stdout
    ents, cur, i = [], {}, 0
    while i < len(out):
        nl = out.index(b"\n", i)
        line = out[i:nl]
        if line == b"":
            ents.append(cur)
            cur, i = {}, nl + 1
            continue
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:  # binary: NAME\n, le64 size, data, \n
            k = line
            n = struct.unpack_from("<Q", out, nl + 1)[0]
            v = out[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        cur.setdefault(k, v)
    if cur:
        ents.append(cur)
    rows = []
    for e in ents:
        r = [e[b"__REALTIME_TIMESTAMP"].decode()]
        for f in FIELDS:
            r.append("-" if f not in e else (e[f].hex() or "="))
        rows.append(" ".join(r))
    return rows


def main():
    jdump, path, expect = sys.argv[1], sys.argv[2], sys.argv[3:]
    p = subprocess.run([jdump, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = p.stdout.decode().splitlines()
    if p.returncode != 0 or not lines or not lines[-1].startswith("# stats"):
        print("FAIL %s: jdump exit %d: %s" % (path, p.returncode, p.stderr.decode()[:300]))
        return 1
    stats = dict(kv.split("=") for kv in lines[-1].split()[2:])
    ours, theirs = lines[:-1], journalctl(path)
    bad = 0
    if not theirs:
        print("FAIL %s: journalctl gives no entries" % path)
        bad = 1
    if ours != theirs:
        print("FAIL %s: %d entries from our reader, %d from journalctl" % (path, len(ours), len(theirs)))
        for a, b in zip(ours, theirs):
            if a != b:
                print("  ours:       %s\n  journalctl: %s" % (a[:300], b[:300]))
                break
        bad = 1
    for x in expect:
        ok = {"compact": stats["compact"] == "1", "regular": stats["compact"] == "0",
              "xz": int(stats["xz"]) > 0, "lz4": int(stats["lz4"]) > 0,
              "zstd": int(stats["zstd"]) > 0}[x]
        if not ok:
            print("FAIL %s: not %s: %s" % (path, x, lines[-1]))
            bad = 1
    for k in ("bad_entries", "bad_items", "bad_data", "over_cap", "stop"):
        if stats[k] != "0":
            print("FAIL %s: %s on a file systemd wrote: %s" % (path, k, lines[-1]))
            bad = 1
    if not bad:
        print("ok %s: %d entries equal (%s)" % (path.split("/")[-1], len(ours), " ".join(expect) or "-"))
    return bad


sys.exit(main())
