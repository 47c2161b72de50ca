#!/usr/bin/env python3
"""The seed case (001): the conclusion names 222.103.98.36, root, password and
2024-01-24 08:10:27 +08:00, not the brute-forcers that got in at 04:07 and 05:48."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tlcheck import Out, expect  # noqa: E402

o = Out(sys.argv[1])
c = o.c
ia = c["initial_access"]
expect(ia is not None, "no initial access")
expect(ia["source_ip"] == "222.103.98.36", "initial access from %r" % ia["source_ip"])
expect(ia["user"] == "root" and ia["method"] == "password", "user/method %r" % ia)
expect(ia["time"] == "2024-01-24T08:10:27+08:00", "time %r" % ia["time"])
expect(ia["failures_before"] == 0, "failures before %r" % ia["failures_before"])
expect(c["attacker_ips"] == ["222.103.98.36"], "attacker ips %r" % c["attacker_ips"])
bf = {b["ip"]: b for b in c["bruteforce_outside_window"]}
expect(set(bf) == {"222.186.16.196", "222.186.16.186"}, "brute-forcers %r" % bf)
expect(bf["222.186.16.196"]["success"] == "2024-01-24T04:07:17+08:00", "196 success")
expect(bf["222.186.16.186"]["success"] == "2024-01-24T05:49:04+08:00", "186 success")
expect(bf["222.186.16.186"]["failures"] == 4, "message repeated counted: %r" % bf)
w = c["window"]
expect(w["start"] == "2024-01-24T08:10:27+08:00", "window start %r" % w)
expect("2024-01-24T08:12:50+08:00" <= w["end"] <= "2024-01-24T08:30:00+08:00", "window end %r" % w)
arts = {a["path"] for a in c["artifacts"]}
for p in ("/etc/shadow", "/root/.ssh/authorized_keys", "/etc/rc.d/rc.local",
          "/var/spool/cron/root"):
    expect(p in arts, "artifact %s missing: %r" % (p, arts))
expect("/usr/bin/dhpcd" in arts, "dhpcd (by its own path, not the /bin symlink) not an artifact: %r" % arts)
expect("/etc/crontab" in c["changed_in_window"] and "/etc/crontab" not in arts,
       "crontab is changed in the window, not an artifact")
acts = [(f["action"], f.get("ip") or f.get("user")) for f in c["followups"]]
for a in (("block_ip", "222.103.98.36"), ("block_ip", "222.186.16.196"),
          ("change_password", "root")):
    expect(a in acts, "follow-up %r missing: %r" % (a, acts))
expect(c["lines_skipped"] == 0, "lines skipped %r" % c["lines_skipped"])
expect(o.tl_rc == 1, "timeline exit %d" % o.tl_rc)
# the events: the login, the brute force (aggregated), history commands, file times
acc = [e for e in o.events_of("ssh_accepted") if e["evidence"].get("source_ip") == "222.103.98.36"]
expect(len(acc) == 1 and acc[0]["time"] == "2024-01-24T08:10:27+08:00", "accepted event")
expect(acc[0]["evidence"]["path"] == "/var/log/secure" and acc[0]["evidence"]["lineno"] > 0, "line")
years = {e["time"][:4] for e in o.events_of("ssh_accepted")}
expect(years == {"2024"}, "years inferred from the mtimes: %r" % years)
cmds = [e["evidence"]["command"] for e in o.events_of("command")]
expect(any("wget" in x for x in cmds) and "history -c" in cmds, "history events %r" % cmds)
expect(any(e["evidence"]["path"] == "/var/spool/cron/root" for e in o.events_of("file_mtime")), "file event")
pw = o.events_of("password_changed")
expect(pw and pw[0]["evidence"]["user"] == "root", "passwd event")
# text, both languages
for needle in ("2024-01-24 08:10:27 +08:00", "222.103.98.36", "password", "root"):
    expect(needle in o.en, "text (en) lacks %r" % needle)
expect("初始入侵" in o.zh and "222.103.98.36" in o.zh and "攻击时间窗口不吻合" in o.zh, "zh text")
expect("does not fit the attack window" in o.en, "en brute-force sentence")
# scan: the log checks and the automatic window
expect(o.find("auth.bruteforce", remote="222.186.16.196"), "auth.bruteforce 196")
expect(o.find("auth.compromise", remote="222.186.16.196", kind="success_after_failures"), "compromise 196")
expect(o.find("auth.compromise", remote="222.103.98.36", kind="new_source"), "new source 222.103.98.36")
expect(o.find("history.suspicious", line="history -c"), "history -c")
expect(o.find("files.window", path="/etc/crontab"), "auto window: files.window crontab")
expect(any("used the attack window" in d for d in o.summary["diagnostics"]), "window said")
