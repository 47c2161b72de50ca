#!/usr/bin/env python3
"""contract.py - checks minetrace JSON Lines against the command-line contract and, when
given an expect file, compares the findings field by field.

usage: contract.py OUTPUT.jsonl [EXPECT.jsonl]

An expect file holds one JSON object per expected finding; every key given must be equal
in the real finding (nested "evidence" keys too). Each real finding must match exactly
one expected object and each expected object exactly one real finding, so a missed
detection and a false positive both fail."""
import json
import re
import sys

SEVS = ["info", "low", "medium", "high", "critical"]


def fail(msg):
    print("contract: " + msg, file=sys.stderr)
    sys.exit(1)


HOST_INFO = None


def check_contract(lines):
    objs = []
    for n, line in enumerate(lines, 1):
        try:
            o = json.loads(line)
        except ValueError as e:
            fail("line %d is not JSON: %s" % (n, e))
        if not isinstance(o, dict) or "type" not in o:
            fail("line %d has no type" % n)
        objs.append(o)
    if not objs or objs[-1]["type"] != "summary":
        fail("the last line is not the summary")
    # the first line says who was scanned (a fleet joins reports by it)
    hi = objs.pop(0) if objs[0]["type"] == "host_info" else None
    if hi is None:
        fail("the first line is not host_info")
    for k, t in (("hostname", str), ("addresses", list), ("os", str), ("version", str),
                 ("scan_time", str), ("report", str), ("root", str), ("address_source", str)):
        if not isinstance(hi.get(k), t):
            fail("host_info: %s missing or not %s" % (k, t.__name__))
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", hi["scan_time"]):
        fail("host_info: scan_time %r is not RFC 3339" % hi["scan_time"])
    global HOST_INFO
    HOST_INFO = hi
    counts = dict((s, 0) for s in SEVS)
    ids = set()
    for o in objs[:-1]:
        if o["type"] != "finding":
            fail("unexpected type %r before the summary" % o["type"])
        for k, t in (("id", str), ("check", str), ("severity", str), ("title", str),
                     ("attack", str), ("evidence", dict), ("remedy", list),
                     ("title_en", str), ("title_zh", str), ("confidence", int)):
            if not isinstance(o.get(k), t):
                fail("finding %s: %s missing or not %s" % (o.get("id"), k, t.__name__))
        if not re.fullmatch(r"MT-[0-9a-f]{16}", o["id"]):
            fail("bad id %r" % o["id"])
        if o["id"] in ids:
            fail("id %s twice" % o["id"])
        ids.add(o["id"])
        if o["severity"] not in SEVS:
            fail("bad severity %r" % o["severity"])
        if not re.fullmatch(r"T\d{4}(\.\d{3})?", o["attack"]):
            fail("bad ATT&CK id %r" % o["attack"])
        if not re.fullmatch(r"[a-z]+\.[a-z0-9_.]+", o["check"]):
            fail("bad check id %r" % o["check"])
        if not o["title_zh"] or not o["title_en"]:
            fail("finding %s lacks a title in both languages" % o["id"])
        for a in o["remedy"]:
            if not isinstance(a, dict) or not isinstance(a.get("action"), str):
                fail("finding %s: remedy entry without action" % o["id"])
        counts[o["severity"]] += 1
    s = objs[-1]
    if s.get("counts") != counts:
        fail("summary counts %r but findings give %r" % (s.get("counts"), counts))
    if s.get("total") != len(objs) - 1:
        fail("summary total %r, findings %d" % (s.get("total"), len(objs) - 1))
    # incidents: every finding at medium or above in exactly one, lows in none; the
    # summary lists each with its findings, worst first, and the verdict follows them
    incs = s.get("incidents")
    if not isinstance(incs, list):
        fail("summary without incidents")
    members = {}
    for o in objs[:-1]:
        inc = o.get("incident")
        if SEVS.index(o["severity"]) >= SEVS.index("medium"):
            if not isinstance(inc, int) or not 1 <= inc <= len(incs):
                fail("finding %s (%s) in no incident" % (o["id"], o["severity"]))
            members.setdefault(inc, []).append(o)
        elif inc is not None:
            fail("low finding %s in incident %r" % (o["id"], inc))
    last = None
    for k, i in enumerate(incs, 1):
        got = [o["id"] for o in members.get(k, [])]
        if i.get("id") != k or sorted(i.get("findings", [])) != sorted(got):
            fail("incident %d lists %r, findings say %r" % (k, i.get("findings"), got))
        worst = max(SEVS.index(o["severity"]) for o in members[k])
        if i.get("severity") != SEVS[worst] or i.get("lead") not in got:
            fail("incident %d: severity %r lead %r" % (k, i.get("severity"), i.get("lead")))
        if last is not None and worst > last:
            fail("incident %d is worse than the one before it" % k)
        last = worst
    top = SEVS.index(incs[0]["severity"]) if incs else 0
    want = "compromised" if top >= 3 else "suspicious" if top == 2 else "clean"
    if s.get("verdict") != want:
        fail("verdict %r, incidents say %r" % (s.get("verdict"), want))
    return objs[:-1], s


def matches(exp, real):
    for k, v in exp.items():
        if isinstance(v, dict):
            if not isinstance(real.get(k), dict) or not matches(v, real[k]):
                return False
        elif real.get(k) != v:
            return False
    return True


def main():
    if len(sys.argv) < 2:
        fail("usage: contract.py OUTPUT.jsonl [EXPECT.jsonl]")
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = [l for l in f.read().split("\n") if l]
    findings, _ = check_contract(lines)
    if len(sys.argv) < 3:
        return
    with open(sys.argv[2], encoding="utf-8") as f:
        expect = [json.loads(l) for l in f if l.strip() and not l.startswith("#")]
    used = set()
    for e in [e for e in expect if e.get("type") == "host_info"]:
        if not matches(e, HOST_INFO):
            fail("host_info %s, expected %s" % (json.dumps(HOST_INFO), json.dumps(e)))
    expect = [e for e in expect if e.get("type") != "host_info"]
    for e in expect:
        hits = [i for i, r in enumerate(findings) if i not in used and matches(e, r)]
        if len(hits) != 1:
            fail("expected finding %s matched %d real findings" % (json.dumps(e), len(hits)))
        used.add(hits[0])
    extra = [findings[i] for i in range(len(findings)) if i not in used]
    for r in extra:
        print("unexpected finding: %s %s %s" % (r["check"], r["severity"],
              json.dumps(r["evidence"], ensure_ascii=False)), file=sys.stderr)
    if extra:
        fail("%d unexpected finding(s)" % len(extra))


main()
