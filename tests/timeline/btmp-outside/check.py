#!/usr/bin/env python3
"""btmp failures outside the time an auth.log covers are kept (logs review 6)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
fails = {e["evidence"]["source_ip"]: e["evidence"]["count"] for e in o.events_of("ssh_failed")}
expect(fails.get("198.51.100.99") == 5, "btmp failures dropped: %r" % fails)
expect(fails.get("192.0.2.77") == 2, "auth.log failures %r" % fails)
expect(o.find("auth.bruteforce", remote="198.51.100.99"), "btmp brute force")
expect(o.c["initial_access"]["source_ip"] == "198.51.100.23", "access %r" % o.c["initial_access"])
