#!/usr/bin/env python3
"""wtmp/btmp/utmp/lastlog with the real record layout, zeroed records, histories."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia and ia["source_ip"] == "198.51.100.23" and ia["user"] == "root", "access %r" % ia)
expect(ia["method"] == "login" and ia["time"] == "2024-03-09T16:00:30+00:00", "wtmp login %r" % ia)
expect("/etc/rc.local" in {a["path"] for a in c["artifacts"]}, "rc.local artifact")
logins = o.events_of("login")
expect({e["evidence"]["user"] for e in logins} == {"ops", "root"}, "wtmp logins %r" % logins)
expect(o.events_of("boot"), "boot record")
fails = o.events_of("ssh_failed")
expect(len(fails) == 1 and fails[0]["evidence"]["count"] == 5 and
       fails[0]["evidence"]["source_ip"] == "198.51.100.99", "btmp failures %r" % fails)
ll = o.events_of("last_login")
expect(ll and ll[0]["evidence"]["user"] == "root" and ll[0]["evidence"]["host"] == "198.51.100.23", "lastlog")
cmds = [e["evidence"]["command"] for e in o.events_of("command")]
expect(any(x.startswith("curl") for x in cmds) and "unset HISTFILE" in cmds, "zsh history %r" % cmds)
expect(o.find("logs.tampered", kind="zeroed_records", path="/var/log/wtmp"), "zeroed records")
expect(o.find("logs.tampered", kind="history_devnull", path="/home/ops/.bash_history"), "history devnull")
expect(o.find("history.suspicious", line="unset HISTFILE"), "unset HISTFILE")
expect(o.find("auth.bruteforce", remote="198.51.100.99"), "btmp brute force")
expect(o.tl_rc == 1, "exit %d" % o.tl_rc)
