#!/usr/bin/env python3
"""Hostile logs give exact skip counts, keep the good lines and never crash."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
expect(o.tl_rc in (0, 1) and o.scan_rc in (0, 1), "exit %d/%d" % (o.tl_rc, o.scan_rc))
# secure: junk, 1 MB, 70 KB, NUL, 2999, 1970, bad time, Feb 30, the NUL-only line = 9;
# secure.1.gz: 1 (not gzip); wtmp: 1 (501 bytes, not whole records)
expect(c["lines_skipped"] == 11, "lines skipped %r" % c["lines_skipped"])
d = " ".join(c["diagnostics"])
expect("/var/log/secure: 9 of" in d, "diagnostic with the count: %r" % d)
expect("secure.1.gz: gzip data damaged" in d, "gz diagnostic")
expect("/var/log/wtmp: 501 bytes" in d, "wtmp diagnostic")
acc = o.events_of("ssh_accepted")
ips = sorted(e["evidence"]["source_ip"] for e in acc)
expect(ips == ["192.0.2.1", "192.0.2.7"], "accepted %r" % ips)
# the injected address: the last " from " wins
f = o.events_of("ssh_failed")
expect(len(f) == 1 and f[0]["evidence"]["source_ip"] == "192.0.2.66", "injection %r" % f)
# terminal escapes never reach the text output raw
expect("\x1b" not in o.en and "\x07" not in o.en and "\\x1b" in o.en, "escaping")
expect(o.find("logs.tampered", kind="truncated", path="/var/log/wtmp"), "wtmp cut finding")
