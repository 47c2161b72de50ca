#!/usr/bin/env python3
"""A journal file written by systemd-journal-remote, read by our own journal reader (both
binaries)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia and ia["source_ip"] == "203.0.113.9" and ia["user"] == "root", "access %r" % ia)
expect(ia["failures_before"] == 3, "failures before %r (journal and auth.log not added up)" % ia)
acc = o.events_of("ssh_accepted")
expect(len(acc) == 1, "the same login in the journal and auth.log is one event: %r" % acc)
adds = [e for e in o.events_of("account_added") if e["evidence"]["user"] == "backup2"]
expect(adds and adds[0]["evidence"]["path"] == "/var/log/journal", "useradd from the journal %r" % adds)
expect(adds[0]["time"] == "2024-03-09T16:00:40+00:00", "journal time %r" % adds[0]["time"])
sudo = o.events_of("sudo")
expect(sudo and "systemctl stop auditd" in sudo[0]["evidence"]["command"], "sudo from the journal")
expect("/etc/cron.d/sysupdate" in {a["path"] for a in c["artifacts"]}, "artifact")
expect("10.1.2.3" not in c["attacker_ips"], "a forged entry (_COMM=logger _UID=1000) used")
expect("10.6.6.6" not in c["attacker_ips"], "a forged entry (_COMM=sshd _UID=33 _EXE=/tmp/.x/sshd) used")
expect("forged, not used" in o.en, "the forged entry is reported")
expect(o.tl_rc == 1, "exit %d" % o.tl_rc)
