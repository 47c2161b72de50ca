#!/usr/bin/env python3
"""A wtmp padded past the read cap: the newest login (at the end) is still read."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
expect(o.tl_rc in (0, 1) and o.scan_rc in (0, 1), "exit %d/%d" % (o.tl_rc, o.scan_rc))
ips = [e["evidence"].get("source_ip") for e in o.events_of("login")]
expect("203.0.113.50" in ips, "the login after the hole is missing: %r" % ips)
d = " ".join(o.c.get("diagnostics", []) + o.summary.get("diagnostics", []))
expect("only the last" in d, "no diagnostic about the part read: %r" % d[:400])
expect("not a multiple" not in d, "the file is blamed for the cap: %r" % d[:400])
