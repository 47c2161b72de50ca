#!/usr/bin/env python3
"""A forged Accepted line must not replace the real initial access (review finding 1)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia and ia["source_ip"] == "222.103.98.36" and ia["user"] == "root", "access %r" % ia)
expect(ia["time"] == "2024-01-24T08:10:27+08:00", "time %r" % ia["time"])
expect(ia["chosen_because"] == "pam_session", "why %r" % ia)
expect(ia["candidates"] >= 2, "candidates %r" % ia)
ips = c["attacker_ips"]
expect("222.103.98.36" in ips and "10.1.2.3" in ips, "the contesting login is an attacker IP: %r" % ips)
expect("222.186.16.196" not in ips and "222.186.16.186" not in ips, "brute-forcers %r" % ips)
expect("chosen among" in o.en and "PAM session" in o.en, "the text says why")
expect("选择依据" in o.zh, "the zh text says why")
expect(o.tl_rc == 1, "exit %d" % o.tl_rc)
