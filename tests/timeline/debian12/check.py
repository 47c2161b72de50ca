#!/usr/bin/env python3
"""Debian 12: RFC 3339 auth.log lines, a rotated .gz, a key login by the attacker."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia and ia["source_ip"] == "203.0.113.77" and ia["user"] == "debian", "access %r" % ia)
expect(ia["method"] == "publickey" and "Att4ckerKey" in ia.get("key", ""), "key %r" % ia)
expect(ia["time"] == "2024-02-15T03:12:44+01:00", "time %r" % ia["time"])
arts = {a["path"] for a in c["artifacts"]}
expect("/var/spool/cron/crontabs/root" in arts and "/etc/passwd" in arts, "artifacts %r" % arts)
acts = [(f["action"], f.get("ip") or f.get("user") or f.get("fingerprint")) for f in c["followups"]]
expect(("block_ip", "203.0.113.77") in acts, "block %r" % acts)
expect(any(a[0] == "remove_key" and "Att4ckerKey" in a[1] for a in acts), "remove_key %r" % acts)
expect("45.95.147.10" not in c["attacker_ips"] and "10.0.0.5" not in c["attacker_ips"], "ips")
# the .gz was read: failures 30 + "message repeated 5 times"
fails = [e for e in o.events_of("ssh_failed") if e["evidence"]["source_ip"] == "45.95.147.10"]
expect(len(fails) == 1 and fails[0]["evidence"]["count"] == 35, "gz failures %r" % fails)
inv = [e for e in o.events_of("ssh_failed") if e["evidence"]["source_ip"] == "193.32.162.5"]
expect(sum(e["evidence"]["count"] for e in inv) == 6 and all(e["evidence"].get("invalid_user") for e in inv), "invalid users")
adds = o.events_of("account_added")
expect(adds and adds[0]["evidence"]["user"] == "sysupdate", "useradd event")
sudo = o.events_of("sudo")
expect(sudo and sudo[0]["evidence"]["command"] == "/usr/bin/bash" and sudo[0]["evidence"]["run_as"] == "root", "sudo")
expect(c["lines_skipped"] == 0, "skipped %r" % c["lines_skipped"])
paths = {e["evidence"].get("path") for e in o.events}
expect({"/var/log/auth.log", "/var/log/auth.log.1"} <= paths, "paths %r" % paths)
expect(o.tl_rc == 1, "exit %d" % o.tl_rc)
bf = o.find("auth.bruteforce", remote="45.95.147.10")
expect(bf and bf[0]["evidence"]["failures"] == 35 and bf[0]["severity"] == "low", "bruteforce finding %r" % bf)
expect(o.find("auth.compromise", remote="203.0.113.77", kind="new_source"), "new source login")
expect("2024-02-15 03:12:44 +01:00" in o.en, "text time with the offset")
