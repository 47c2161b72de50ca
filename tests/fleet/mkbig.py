#!/usr/bin/env python3
"""mkbig.py DIR [N] - the reports of a large fleet (N hosts, 100 by default) written by
hand in the JSON Lines minetrace scan and timeline write, for the HTML report's test of
scale: host-000 is entered from outside and the attack spreads as a tree over a quarter
of the hosts by SSH logins; infected hosts fail to log in to a fifth of the others; the
last host is a bastion whose routine logins into infected hosts are ruled out (two into
host-000, drawn as one edge); a capture
shows EternalBlue from an outside address against three hosts. Long host names, so the
drawing must cut its labels.
usage: mkbig.py DIR [N]"""
import json
import os
import sys

D = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100
os.makedirs(D, exist_ok=True)
T0 = 1710000000  # 2024-03-09T16:00:00Z


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t))


def name(i):
    return "host-%03d.datacenter-frankfurt.corp.example" % i


def addr(i):
    return "10.70.%d.%d" % (i // 200, i % 200 + 10)


def write(path, recs):
    with open(os.path.join(D, path), "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")


ninf = max(2, N // 4)
bastion = N - 1
first = {0: T0}
parent = {}
for i in range(1, ninf):
    p = (i - 1) // 3  # a tree: each infected host reaches three more
    parent[i] = p
    first[i] = first[p] + 1800 + 97 * i
events = {i: [] for i in range(N)}
for i, p in parent.items():
    events[i].append((first[i], "ssh_accepted", {"source_ip": addr(p), "user": "deploy", "method": "password"}))
for k, i in enumerate(range(ninf, ninf + N // 5)):
    if i >= bastion:
        break
    a = k % ninf
    t = first[a] + 600 + 13 * k
    events[i].append((t, "ssh_failed", {"source_ip": addr(a), "user": "root", "count": 5, "last": iso(t + 120)}))
for i in range(0, ninf, 4):  # the operators, the day before (and two days before host-000)
    for days in (1, 2) if i == 0 else (1,):
        events[i].append((first[i] - days * 20 * 3600, "ssh_accepted", {"source_ip": addr(bastion), "user": "ops", "method": "publickey"}))
for i in range(N):
    hi = {"type": "host_info", "hostname": name(i), "addresses": [addr(i)], "os": "Debian GNU/Linux 12 (bookworm)", "root": "/", "version": "0.1.0", "scan_time": iso(T0 + 86400)}
    inf = i in first
    counts = {"info": 2, "low": 1, "medium": 0, "high": 1 if inf else 0, "critical": 1 if inf else 0}
    write("h%03d.scan.jsonl" % i, [dict(hi, report="scan"), {"type": "summary", "version": "0.1.0", "counts": counts, "verdict": "compromised" if inf else "clean"}])
    recs = [dict(hi, report="timeline")]
    for seq, (t, what, ev) in enumerate(sorted(events[i], key=lambda e: e[0])):
        recs.append({"type": "event", "time": iso(t), "what": what, "evidence": ev})
    c = {"type": "conclusion"}
    if i == bastion - 1:  # the timeline saw a window, the scan found nothing: not a first sign
        c["window"] = {"start": iso(T0 + 3 * 3600), "end": iso(T0 + 4 * 3600)}
    if inf:
        src = "203.0.113.9" if i == 0 else addr(parent[i])
        c["initial_access"] = {"time": iso(first[i]), "source_ip": src, "user": "root" if i == 0 else "deploy", "method": "password"}
        c["window"] = {"start": iso(first[i]), "end": iso(first[i] + 3600)}
    recs.append(c)
    write("h%03d.tl.jsonl" % i, recs)
smb = [{"type": "finding", "id": "MT-%016x" % k, "check": "net.eternalblue", "severity": "critical",
        "evidence": {"attacker": "203.0.113.50", "victim": addr(v), "first_seen": iso(T0 + 7200 + 60 * k), "indicator": "Trans2 secondary"}}
       for k, v in enumerate((ninf, ninf + 1, 1))]
write("net.pcap.jsonl", [{"type": "host_info", "report": "pcap", "version": "0.1.0"}] + smb + [{"type": "summary", "version": "0.1.0", "verdict": "compromised"}])
