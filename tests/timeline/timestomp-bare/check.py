#!/usr/bin/env python3
"""Timestomped artifacts and nothing else to date the attack: the window falls back to
the stomped mtimes and the files are named."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
w = c["window"]
expect(w is not None, "no window: the stomped mtimes were dropped with nothing instead")
expect(w["start"].startswith("2019-05-01") and w["anchor"] == "artifact_times", "window %r" % w)
expect(c["initial_access"] is None, "no login in 2019: %r" % c["initial_access"])
stomped = {a["path"] for a in c["artifacts"] if a["timestomp_suspected"]}
expect({"/etc/rc.d/rc.local", "/var/spool/cron/root"} <= stomped and len(stomped) >= 3,
       "stomped %r" % stomped)
expect(any("possible timestomping" in d for d in c["diagnostics"]), "diagnostic")
expect(o.tl_rc == 1, "timeline exit %d" % o.tl_rc)
