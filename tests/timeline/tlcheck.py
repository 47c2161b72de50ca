"""tlcheck.py - shared assertions of the timeline tests: the JSON Lines contract of
`timeline` (host_info, events, then one conclusion) and helpers to read the outputs of run.sh."""
import json
import os
import re
import sys

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


class Out:
    def __init__(self, d):
        self.d = d
        self.tl_rc = int(open(os.path.join(d, "tl.rc")).read())
        self.scan_rc = int(open(os.path.join(d, "scan.rc")).read())
        self.en = open(os.path.join(d, "tl.en"), encoding="utf-8", errors="replace").read()
        self.zh = open(os.path.join(d, "tl.zh"), encoding="utf-8", errors="replace").read()
        self.err = open(os.path.join(d, "tl.err"), errors="replace").read()
        lines = open(os.path.join(d, "tl.jsonl"), encoding="utf-8").read().splitlines()
        objs = [json.loads(l) for l in lines]
        if not objs or objs[-1].get("type") != "conclusion":
            fail("the last timeline line is not the conclusion")
        # the first line says who the host is (host_info), as scan's does
        if objs[0].get("type") != "host_info" or objs[0].get("report") != "timeline":
            fail("the first timeline line is not its host_info: %r" % objs[0])
        for k in ("hostname", "addresses", "os", "version", "scan_time"):
            if k not in objs[0]:
                fail("host_info without %s" % k)
        self.host = objs[0]
        self.events = objs[1:-1]
        self.c = objs[-1]
        last = None
        for e in self.events:
            if e.get("type") != "event":
                fail("type %r before the conclusion" % e.get("type"))
            for k in ("time", "source", "what", "evidence"):
                if k not in e:
                    fail("event without %s: %r" % (k, e))
            if not ISO.match(e["time"]):
                fail("event time is not ISO 8601 with an offset: %r" % e["time"])
            if not isinstance(e["evidence"], dict):
                fail("evidence is not an object")
            if last is not None and e["time"][:19] < last[:19] and e["time"][19:] == last[19:]:
                fail("events out of order: %s after %s" % (e["time"], last))
            last = e["time"]
        for k in ("initial_access", "window", "artifacts", "attacker_ips", "followups",
                  "bruteforce_outside_window", "lines_skipped"):
            if k not in self.c:
                fail("conclusion without %s" % k)
        self.findings = []
        for l in open(os.path.join(d, "scan.jsonl"), encoding="utf-8").read().splitlines():
            o = json.loads(l)
            if o["type"] == "finding":
                self.findings.append(o)
            elif o["type"] == "summary":
                self.summary = o

    def events_of(self, what):
        return [e for e in self.events if e["what"] == what]

    def find(self, check, **ev):
        return [f for f in self.findings if f["check"] == check and
                all(f["evidence"].get(k) == v for k, v in ev.items())]


def fail(msg):
    print("timeline check: " + msg, file=sys.stderr)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)
