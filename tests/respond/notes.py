#!/usr/bin/env python3
# notes.py - the Chinese detail messages of respond (src/lib/respond/notes.c) take the
# same printf conversions as their English keys, in the same order (or numbered), and
# every key is a format the code really uses: a drifted translation would be undefined
# behaviour in vsnprintf.
import re, sys, os
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../src/lib/respond")
s = open(os.path.join(src, "notes.c")).read()
a = s.index("zh_notes[] = {")
body = s[a:s.index("};", a)]
pairs = re.findall(r'\{((?:"(?:[^"\\]|\\.)*"\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}', body)
spec = re.compile(r'%(?:(\d+)\$)?[-+ #0]*(?:\d+)?(?:\.\d+)?(hh|h|ll|l|z|j|t)?([diouxXsc%])')
lit = lambda x: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', x))
code = "".join(re.sub(r'"\s*\n\s*"', "", open(os.path.join(src, f)).read())
               for f in ("apply.c", "kill.c"))
bad = 0
for en, zh in pairs:
    en, zh = lit(en), lit(zh)
    e = [(m.group(2) or "") + m.group(3) for m in spec.finditer(en) if m.group(3) != "%"]
    z, seq = {}, 0
    for m in spec.finditer(zh):
        if m.group(3) == "%":
            continue
        seq += 1
        z[int(m.group(1)) if m.group(1) else seq] = (m.group(2) or "") + m.group(3)
    if [z.get(i + 1) for i in range(len(e))] != e or len(z) != len(e):
        print("FAIL notes: conversions differ: %r / %r" % (en, zh)); bad += 1
    if '"%s"' % en not in code and en != "%s":
        print("FAIL notes: not used in the code: %r" % en); bad += 1
if len(pairs) < 40:
    print("FAIL notes: only %d messages found" % len(pairs)); bad += 1
if bad:
    sys.exit(1)
print("ok respond-notes: %d messages, conversions match" % len(pairs))
