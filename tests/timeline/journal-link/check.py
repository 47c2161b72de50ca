#!/usr/bin/env python3
"""var/log/journal is a symbolic link inside the root and auth.log is one byte: the
journal is read through the link, its failures count, and the link is named."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia and ia["source_ip"] == "203.0.113.9" and ia["user"] == "root", "access %r" % ia)
expect(ia["path"] == "/var/log/journal", "login from the journal %r" % ia)
expect(ia["failures_before"] == 3, "failures before %r (a one-byte auth.log hid them)" % ia)
adds = [e for e in o.events_of("account_added") if e["evidence"]["user"] == "backup2"]
expect(adds, "useradd from the journal behind the link")
expect("a symbolic link, followed inside the root" in o.en, "the link is named")
expect(o.tl_rc == 1, "exit %d" % o.tl_rc)
