#!/usr/bin/env python3
"""A .gz cut in half: the lines before the cut are counted, the cut is said, no crash."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
expect(o.tl_rc in (0, 1), "exit %d" % o.tl_rc)
expect(any("auth.log.1.gz: gzip data ends early" in d for d in c["diagnostics"]), "diag %r" % c["diagnostics"])
f = [e for e in o.events_of("ssh_failed") if e["evidence"]["source_ip"] == "203.0.113.50"]
expect(f and 100 < f[0]["evidence"]["count"] < 3000, "failures before the cut %r" % f)
expect(not o.events_of("ssh_accepted"), "the login after the cut cannot be read")
