#!/usr/bin/env python3
"""Auth logs with their mtimes set back a year (logs review 7): wtmp's years win, the
conclusion is the seed's, and the mismatch is reported."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia is not None, "no initial access: the set-back mtime moved the lines to 2023")
expect(ia["source_ip"] == "222.103.98.36" and ia["user"] == "root", "access %r" % ia)
expect(ia["time"] == "2024-01-24T08:10:27+08:00", "time %r" % ia["time"])
expect(ia["path"] == "/var/log/secure", "from the auth log %r" % ia)
expect(c["attacker_ips"] == ["222.103.98.36"], "attacker ips %r" % c["attacker_ips"])
bf = {b["ip"]: b for b in c["bruteforce_outside_window"]}
expect(set(bf) == {"222.186.16.196", "222.186.16.186"}, "brute-forcers %r" % bf)
expect(bf["222.186.16.186"]["failures"] == 4, "failures of the fixed year counted: %r" % bf)
years = {e["time"][:4] for e in o.events_of("ssh_accepted")}
expect(years == {"2024"}, "years %r" % years)
for p in ("/var/log/secure", "/var/log/secure-20240121"):
    expect(any(d.startswith(p + ": its mtime") and "1 year(s) later" in d and "(mtime set back?" in d for d in c["diagnostics"]),
           "mismatch of %s not reported: %r" % (p, c["diagnostics"]))
expect(sum("its mtime" in d for d in c["diagnostics"]) == 2, "reported once each")
expect(o.tl_rc == 1, "timeline exit %d" % o.tl_rc)
