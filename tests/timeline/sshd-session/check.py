#!/usr/bin/env python3
"""OpenSSH 9.8+ sshd-session/sshd-auth lines are sshd lines (review finding 4)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia and ia["source_ip"] == "203.0.113.9" and ia["user"] == "root", "access %r" % ia)
expect(ia["failures_before"] == 3, "failures before %r" % ia)
expect(len(o.events_of("ssh_accepted")) == 1, "one accepted event")
expect(o.tl_rc == 1, "exit %d" % o.tl_rc)
