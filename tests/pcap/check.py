#!/usr/bin/env python3
"""check.py - checks `minetrace pcap --format json` output against the JSON Lines contract
(host_info, findings, then one "host" line per host, then the summary) and compares it with an
expect file field by field.

usage: check.py [--merged] OUTPUT.jsonl EXPECT...

EXPECT files are joined. --merged (several captures in one run): identical expected
findings count once (the same evidence gives the same id), and a host's expected
verdicts are joined and must all be among the real ones.

The expect file holds JSON objects, one per line:
  {"type":"finding", "check":..., "severity":..., "evidence":{...}}   every key given
      must be equal in the real finding; real findings and expected ones must pair up
      one to one (a missed detection and a false positive both fail);
  {"type":"host", "ip":..., "verdict":..., "verdicts":[...]}           the host line of
      that address must have these values; every host with a verdict other than "clean"
      must be expected.
Lines starting with # are comments."""
import json
import sys

SEVS = ["info", "low", "medium", "high", "critical"]


def fail(msg):
    print("check.py: " + msg, file=sys.stderr)
    sys.exit(1)


def sub(want, have):
    for k, v in want.items():
        if isinstance(v, dict):
            if not isinstance(have.get(k), dict) or not sub(v, have[k]):
                return False
        elif have.get(k) != v:
            return False
    return True


def main():
    args = sys.argv[1:]
    merged = args[0] == "--merged"
    if merged:
        args = args[1:]
    out, exps = args[0], args[1:]
    objs = []
    for n, line in enumerate(open(out, encoding="utf-8"), 1):
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            fail("line %d is not JSON: %s" % (n, e))
    if not objs or objs[-1].get("type") != "summary":
        fail("the last line is not the summary")
    summ = objs[-1]
    # the first line names the machine that read the capture (host_info)
    if objs[0].get("type") != "host_info" or objs[0].get("report") != "pcap":
        fail("the first line is not the pcap report's host_info: %r" % objs[0])
    for k in ("hostname", "addresses", "os", "version", "scan_time", "root"):
        if k not in objs[0]:
            fail("host_info without %s" % k)
    objs = objs[1:]
    stage = 0  # 0 findings, 1 hosts
    finds, hosts = [], []
    for o in objs[:-1]:
        t = o.get("type")
        if t == "finding":
            if stage:
                fail("a finding after a host line")
            for k in ("id", "check", "severity", "title", "title_en", "title_zh", "attack",
                      "evidence", "remedy", "explanation_en", "explanation_zh"):
                if k not in o:
                    fail("finding without %s: %r" % (k, o))
            if o["severity"] not in SEVS:
                fail("bad severity %r" % o["severity"])
            if not o["id"].startswith("MT-") or len(o["id"]) != 19:
                fail("bad id %r" % o["id"])
            ev = o["evidence"]
            if o["check"] != "net.infection_chain" and "src" not in ev:
                fail("finding without evidence src: %r" % o)
            finds.append(o)
        elif t == "host":
            stage = 1
            for k in ("ip", "internal", "verdict", "verdicts", "severity", "reasons",
                      "first_seen", "last_seen", "flows", "reasons_zh"):
                if k not in o:
                    fail("host line without %s: %r" % (k, o))
            if (o["verdict"] == "clean") != (o["verdicts"] == []):
                fail("verdict and verdicts disagree: %r" % o)
            hosts.append(o)
        else:
            fail("unexpected type %r" % t)
    counts = dict((s, 0) for s in SEVS)
    for f in finds:
        counts[f["severity"]] += 1
    if summ.get("counts") != counts or summ.get("total") != len(finds):
        fail("summary counts %r do not match the findings %r" % (summ.get("counts"), counts))
    if len(set(f["id"] for f in finds)) != len(finds):
        fail("duplicate finding ids")
    if len(set(h["ip"] for h in hosts)) != len(hosts):
        fail("duplicate host lines")

    want_f, want_h, seen = [], [], set()
    for exp in exps:
        for line in open(exp, encoding="utf-8"):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            o = json.loads(line)
            if merged and o["type"] == "finding":
                key = json.dumps(o, sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
            (want_f if o["type"] == "finding" else want_h).append(o)
    if merged:
        join = {}
        for w in want_h:
            j = join.setdefault(w["ip"], {"type": "host", "ip": w["ip"], "verdicts": []})
            j["verdicts"] = sorted(set(j["verdicts"]) | set(w["verdicts"]))
        want_h = list(join.values())
    used = set()
    for w in want_f:
        m = [i for i, f in enumerate(finds) if i not in used and sub(w, f)]
        if not m:
            fail("expected finding not reported: %s" % json.dumps(w))
        used.add(m[0])
    extra = [f for i, f in enumerate(finds) if i not in used]
    if extra:
        fail("unexpected findings: %s" % "; ".join(
            "%s %s %s -> %s" % (f["check"], f["severity"], f["evidence"].get("src"),
                                f["evidence"].get("dst")) for f in extra))
    byip = dict((h["ip"], h) for h in hosts)
    for w in want_h:
        h = byip.get(w["ip"])
        if not h:
            fail("no host line for %s" % w["ip"])
        if merged:
            if not set(w["verdicts"]) <= set(h["verdicts"]):
                fail("host %s: expected verdicts %s among %s" % (w["ip"], w["verdicts"],
                                                                 h["verdicts"]))
        elif not sub(w, h):
            fail("host %s: expected %s, got verdict %s %s (%s)" % (
                w["ip"], json.dumps(w), h["verdict"], h["verdicts"], h["reasons"]))
    wanted = set(w["ip"] for w in want_h)
    for h in hosts:
        if h["verdict"] != "clean" and h["ip"] not in wanted:
            fail("unexpected verdict %s for %s (%s)" % (h["verdict"], h["ip"], h["reasons"]))


main()
