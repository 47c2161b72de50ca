#!/usr/bin/env python3
"""psexec.py - writes the scan and timeline reports of two Windows hosts as minetrace
writes them (--format json), for the fleet's reasoning on Windows logons: WS-1 compromised
first; on SRV-2 a network logon (4624 type 3) from WS-1 and, 40 seconds later, the
PSEXESVC service installed (7045), then its first sign. A third host, FS-3, gets a network
logon from WS-1 with no service and no infection (an attempt).
usage: psexec.py DIR"""
import json, os, sys

D = sys.argv[1]


def hi(name, ip, kind):
    return {"type": "host_info", "hostname": name, "addresses": [ip], "address_source": "registry",
            "os": "Windows Server 2016 Standard build 14393", "root": "/mnt/" + name, "report": kind,
            "version": "0.1.0", "scan_time": "2024-05-02T09:00:00+00:00"}


def summary(verdict, crit):
    return {"type": "summary", "version": "0.1.0", "root": "/", "verdict": verdict,
            "counts": {"info": 0, "low": 0, "medium": 0, "high": 0, "critical": crit},
            "total": crit, "incidents": []}


def conclusion(start, ia=None):
    return {"type": "conclusion", "initial_access": ia,
            "window": {"start": start, "end": start, "anchor": "artifact_times"} if start else None,
            "artifacts": [], "attacker_ips": []}


def ev(t, what, **e):
    return {"type": "event", "time": t, "source": "/Windows/System32/winevt/Logs/Security.evtx",
            "what": what, "text": what, "evidence": e}


def write(name, lines):
    with open(os.path.join(D, name), "w") as f:
        for l in lines:
            f.write(json.dumps(l) + "\n")


write("ws1.scan.jsonl", [hi("WS-1", "10.70.0.21", "scan"), summary("compromised", 3)])
write("ws1.tl.jsonl", [hi("WS-1", "10.70.0.21", "timeline"),
                       conclusion("2024-05-01T22:10:00+00:00",
                                  {"time": "2024-05-01T22:09:30+00:00", "source_ip": "185.220.101.7",
                                   "user": "Administrator", "method": "network (3)"})])
write("srv2.scan.jsonl", [hi("SRV-2", "10.70.0.22", "scan"), summary("compromised", 2)])
write("srv2.tl.jsonl", [hi("SRV-2", "10.70.0.22", "timeline"),
                        ev("2024-05-01T23:00:00+00:00", "ssh_accepted", user="Administrator",
                           source_ip="10.70.0.21", port=51000, method="network (3)",
                           detail="logon type 3, NTLM, workstation WS-1"),
                        ev("2024-05-01T23:00:40+00:00", "service_installed", user="LocalSystem",
                           detail="PSEXESVC: %SystemRoot%\\PSEXESVC.exe", method="event 7045"),
                        conclusion("2024-05-01T23:00:40+00:00")])
write("fs3.scan.jsonl", [hi("FS-3", "10.70.0.23", "scan"), summary("clean", 0)])
write("fs3.tl.jsonl", [hi("FS-3", "10.70.0.23", "timeline"),
                       ev("2024-05-01T23:05:00+00:00", "ssh_accepted", user="Administrator",
                          source_ip="10.70.0.21", port=51001, method="network (3)",
                          detail="logon type 3, NTLM, workstation WS-1"),
                       conclusion(None)])
