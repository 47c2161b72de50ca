#!/usr/bin/env python3
"""Hostile journal files next to the real one: each named in a diagnostic, none read
past its bounds, the real file's events read once (copies not added up)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia and ia["source_ip"] == "203.0.113.9" and ia["user"] == "root", "access %r" % ia)
expect(ia["failures_before"] == 3, "failures before %r (copies added up?)" % ia)
acc = o.events_of("ssh_accepted")
expect(len(acc) == 1, "one accepted event from the real file and its copies: %r" % acc)
adds = [e for e in o.events_of("account_added") if e["evidence"]["user"] == "backup2"]
expect(len(adds) == 1 and adds[0]["evidence"]["path"] == "/var/log/journal", "useradd once, from the journal %r" % adds)
expect("10.1.2.3" not in c["attacker_ips"], "the forged entry used")
en = o.en
for what in ("fifo.journal: not read: not a regular file",
             "shadow.journal: not read: a symbolic link, not followed",
             "0123456789abcdef0123456789abcdef: a symbolic link, not followed",
             "newflag.journal: not read: unknown incompatible header flags",
             "badsig.journal: not a journal file",
             "short.journal: not a journal file",
             "hsodd.journal: not a journal file",
             "arenawrap.journal: not a journal file",
             "size0.journal: read as far as it is consistent",
             "sizehuge.journal: read as far as it is consistent",
             "badtype.journal: read as far as it is consistent",
             "cut.journal: read as far as it is consistent",
             "items.journal: ",
             "fields.journal: 3 corrupt objects skipped (2 entries, 0 entry items, 1 data)",
             "bomb-zstd.journal: 1 fields decompress to more than",
             "bomb-xz.journal: 1 fields decompress to more than",
             "bomb-lz4.journal: 1 fields decompress to more than",
             "bomb-lz4lie.journal: 1 corrupt objects skipped",
             "bomb-zstdjunk.journal: 1 corrupt objects skipped",
             "bomb-xzjunk.journal: 1 corrupt objects skipped",
             "0f.journal: not a journal file (bad header), not read"):
    expect(what in en, "diagnostic %r missing" % what)
expect("dir.journal" not in en or "dir.journal: not read: not a regular file" in en, "the directory")
expect(o.tl_rc == 1, "exit %d" % o.tl_rc)
