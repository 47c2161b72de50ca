#!/usr/bin/env python3
"""A password login right after a brute force is the initial access even with no
artifact on disk: the source with the failures, not the admin's key login days before."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia is not None, "no initial access concluded")
expect(ia["source_ip"] == "203.0.113.77" and ia["user"] == "root", "access %r" % ia)
expect(ia["time"].startswith("2025-03-14T02:18:05"), "time %r" % ia["time"])
expect(ia["method"] == "password", "method %r" % ia)
expect(ia["chosen_because"] == "brute_force_success", "why %r" % ia)
expect(ia["failures_before"] == 40, "failures %r" % ia)
ips = c["attacker_ips"]
expect("203.0.113.77" in ips, "attacker ips %r" % ips)
expect("10.0.0.5" not in ips and "198.51.100.9" not in ips, "not attackers %r" % ips)
w = c["window"]
expect(w and w["start"].startswith("2025-03-14T02:18:05") and w["end"].startswith("2025-03-14T05:40:00"),
       "window %r" % w)
expect("203.0.113.77" in o.en, "the text names the source")
