#!/usr/bin/env python3
"""Windows event logs in the timeline: accounts, group changes, logons, services, log
clearing and RDP authentications read from real EVTX files."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
adds = [e["evidence"]["user"] for e in o.events_of("account_added")]
expect("fsir" in adds and "archir" in adds, "accounts added %r" % adds)
groups = [e["evidence"]["detail"] for e in o.events_of("account_changed")
          if e["evidence"]["user"] == "fsir"]
expect(any("added to group Administrators" in g for g in groups), "fsir to Administrators %r" % groups)
expect(not any("group None" in g for g in groups), "the None group is noise %r" % groups)
logons = o.events_of("windows_logon")
expect(logons and all(e["evidence"]["method"] in ("interactive", "network", "rdp", "unlock",
                                                  "cached", "batch", "network-cleartext",
                                                  "new-credentials", "other")
                      for e in logons), "logon methods")
expect(not o.events_of("ssh_accepted"), "Windows logons are not SSH ones")
svc = [e["evidence"]["detail"] for e in o.events_of("service_installed")]
expect(any(s.startswith("Sysmon:") and "Sysmon.exe" in s for s in svc), "Sysmon service %r" % svc[:5])
cleared = o.events_of("log_cleared")
expect(cleared and cleared[0]["evidence"]["user"] == "tony", "log cleared %r" % cleared[:1])
rdp = [e for e in logons if e["evidence"]["method"] == "rdp"]
expect(rdp and all(e["evidence"].get("source_ip") for e in rdp), "RDP logons with addresses")


