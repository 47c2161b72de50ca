#!/usr/bin/env python3
"""Timestomped seed artifacts (logs review 8): the same initial access and window as the
seed case, the five files named as possibly timestomped."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia is not None, "no initial access: the timestomped mtimes moved the window")
expect(ia["source_ip"] == "222.103.98.36" and ia["user"] == "root", "access %r" % ia)
expect(ia["time"] == "2024-01-24T08:10:27+08:00", "time %r" % ia["time"])
expect(c["attacker_ips"] == ["222.103.98.36"], "attacker ips %r" % c["attacker_ips"])
w = c["window"]
expect(w["start"] == "2024-01-24T08:10:27+08:00", "window start %r" % w)
expect("2024-01-24T08:12:50+08:00" <= w["end"] <= "2024-01-24T08:30:00+08:00", "window end %r" % w)
expect(w["anchor"] == "attacker_commands", "anchor %r" % w)
# (authorized_keys is high only when changed in the window, so with its mtime in 2019
# it is no artifact; dhpcd is named by the cron line's /bin/dhpcd, the same file)
stomped = {a["path"] for a in c["artifacts"] if a["timestomp_suspected"]}
expect({"/etc/shadow", "/etc/rc.d/rc.local", "/var/spool/cron/root"} <= stomped and
       stomped & {"/usr/bin/dhpcd", "/bin/dhpcd"}, "stomped %r" % stomped)
expect("/etc/crontab" in c["changed_in_window"], "crontab changed in the window")
expect(any("possible timestomping" in d for d in c["diagnostics"]), "diagnostic")
expect("possible timestomping" in o.en and "timestomping" in o.zh, "said in the text")
acts = [(f["action"], f.get("ip") or f.get("user")) for f in c["followups"]]
expect(("block_ip", "222.103.98.36") in acts, "follow-ups %r" % acts)
expect(o.tl_rc == 1, "timeline exit %d" % o.tl_rc)
# scan's automatic window (files.window) is placed the same way
expect(o.find("files.window", path="/etc/crontab"), "auto window: files.window crontab")
