#!/usr/bin/env python3
"""hostile.py JDUMP DIR GOOD - the hostile variants jtool.py hostile wrote in DIR through
the test hook: each gives the counts it must (header refused, walk stopped at the bad
object, items/entries/data counted, bombs over the cap) and never a crash."""
import os
import subprocess
import sys

jdump, d, good = sys.argv[1], sys.argv[2], sys.argv[3]


def run(path):
    p = subprocess.run([jdump, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if p.returncode < 0 or p.returncode > 1:
        return None, p.returncode, []
    lines = p.stdout.decode().splitlines()
    st = dict(kv.split("=") for kv in lines[-1].split()[2:])
    return {k: int(v) for k, v in st.items()}, p.returncode, lines[:-1]


gst, _, glines = run(good)
n = gst["entries"]
bad = 0


def expect(ok, name, what, st):
    global bad
    if not ok:
        print("FAIL hostile %s: %s: %r" % (name, what, st))
        bad = 1


for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    if not os.path.isfile(path):
        continue
    st, rc, lines = run(path)
    expect(st is not None, name, "crashed (exit %d)" % rc, None)
    if st is None:
        continue
    if name in ("short.journal", "badsig.journal", "hsodd.journal", "arenawrap.journal"):
        expect(st["err"] == 8 and st["entries"] == 0, name, "not refused as PARSE", st)
    elif name == "newflag.journal":
        expect(st["err"] == 10 and st["entries"] == 0, name, "not refused as UNSUPPORTED", st)
    elif name == "cut.journal":
        expect(st["cut"] == 1 and st["stop"] > 0 and st["entries"] == n - 1, name, "cut", st)
        expect(lines == glines[:n - 1], name, "entries before the cut differ", st)
    elif name in ("size0.journal", "size15.journal", "sizehuge.journal", "badtype.journal"):
        expect(st["stop"] > 0 and st["entries"] == 1, name, "walk not stopped at entry 2", st)
        expect(lines == glines[:1], name, "the entry before differs", st)
    elif name == "items.journal":
        expect(st["bad_items"] > 0 and st["entries"] == n, name, "items", st)
        expect(all(l.split()[1:] == ["-"] * 4 for l in lines), name, "a bogus item used", st)
    elif name == "fields.journal":
        expect(st["bad_entries"] == 2 and st["bad_data"] == 1 and st["entries"] == n - 2,
               name, "fields", st)
    elif name == "online.journal~":
        expect(st["state"] == 1 and st["entries"] == n, name, "online", st)
        expect(lines == glines, name, "entries differ", st)
    elif name in ("bomb-zstd.journal", "bomb-xz.journal", "bomb-lz4.journal"):
        expect(st["over_cap"] == 1 and st["entries"] == n, name, "bomb not over the cap", st)
        expect(sum(1 for l in lines if l.split()[2] == "!") >= 1, name, "MESSAGE not marked big", st)
    elif name.startswith("bomb-"):
        expect(st["bad_data"] == 1 and st["entries"] == n, name, "junk not counted", st)
    else:
        expect(False, name, "unexpected file", st)
if not bad:
    print("ok hostile: %d files in %s" % (len(os.listdir(d)), d))
sys.exit(bad)
