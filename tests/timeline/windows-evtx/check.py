#!/usr/bin/env python3
"""Windows event logs in the timeline: accounts, group changes, logons, explicit
credentials, services installed and changed, log clearing, RDP authentications and the
Sysmon events that matter for a miner, read from real EVTX files (the values were read
with evtxexport)."""
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

def ev_at(what, record):
    return [e for e in o.events_of(what) if e["evidence"].get("record") == record]


# Security 4648: 45 in the log, winlogon's and consent.exe's (UAC with credentials)
explicit = o.events_of("explicit_logon")
expect(len(explicit) == 45, "explicit credentials: %d of 45" % len(explicit))
x = ev_at("explicit_logon", 127)
expect(len(x) == 1 and x[0]["evidence"]["user"] == "fsir" and
       x[0]["evidence"]["subject_user"] == "WIN-03DLIIOFRRA$" and
       x[0]["evidence"]["target_server"] == "localhost" and
       x[0]["evidence"]["process"] == "C:\\Windows\\System32\\winlogon.exe" and
       x[0]["time"].startswith("2016-07-08T18:15:51") and
       not x[0]["evidence"].get("source_ip"), "4648 record 127 %r" % x)
x = ev_at("explicit_logon", 811)
expect(len(x) == 1 and x[0]["evidence"]["user"] == "archir" and
       x[0]["evidence"]["process"] == "C:\\Windows\\System32\\consent.exe", "4648 record 811 %r" % x)
expect(not [e for e in o.events_of("windows_logon") if e["evidence"].get("event")],
       "explicit credentials are not logons")

# System 7040: 24 start type changes (BITS, TrustedInstaller, ws2ifsl, wanarp)
changed = o.events_of("service_changed")
expect(len(changed) == 24, "start type changes: %d of 24" % len(changed))
x = ev_at("service_changed", 242)
expect(len(x) == 1 and x[0]["evidence"]["service"] == "BITS" and
       x[0]["evidence"]["display_name"] == "Background Intelligent Transfer Service" and
       x[0]["evidence"]["old_start"] == "demand start" and
       x[0]["evidence"]["new_start"] == "auto start", "7040 record 242 %r" % x)
x = ev_at("service_changed", 284)
expect(len(x) == 1 and x[0]["evidence"]["service"] == "ws2ifsl" and
       x[0]["evidence"]["old_start"] == "disabled" and
       x[0]["evidence"]["new_start"] == "system start", "7040 record 284 %r" % x)
expect(not any(s.startswith("BITS") for s in svc), "a start type change is not an install")
expect("service start type changed: BITS (Background Intelligent Transfer Service): "
       "demand start -> auto start" in o.en, "7040 in the English text")
expect("服务启动类型变更：BITS" in o.zh, "7040 in the Chinese text")

# Sysmon 1: 227 process creations, 131 of them PING.EXE; kept: the 10 run from Temp
procs = o.events_of("process_created")
images = sorted(e["evidence"]["image"] for e in procs)
expect(len(procs) == 10, "process creations kept: %d %r" % (len(procs), images))
expect(all("\\Temp\\" in i for i in images), "only programs run from Temp %r" % images)
expect(not any(i.upper().endswith("PING.EXE") or i.endswith("Sysmon64.exe") or
               i.endswith("schtasks.exe") for i in images), "benign creations left out")
x = [e for e in procs if e["evidence"].get("pid") == 5116]
expect(len(x) == 1 and x[0]["evidence"]["image"] ==
       "C:\\Users\\tony\\AppData\\Local\\Temp\\Temp1_ProcessMonitor.zip\\Procmon.exe" and
       x[0]["evidence"]["parent_image"] == "C:\\Windows\\explorer.exe" and
       x[0]["evidence"]["user"] == "tony" and x[0]["evidence"]["why"] and
       x[0]["time"].startswith("2017-12-26T13:18:02"), "Procmon.exe process %r" % x)
x = [e for e in procs if e["evidence"].get("pid") == 2024]
expect(len(x) == 1 and x[0]["evidence"]["command_line"] ==
       '"C:\\Windows\\TEMP\\opera autoupdate\\installer.exe" --version' and
       x[0]["evidence"]["user"] == "SYSTEM", "Opera's installer from Temp %r" % x)
expect("process created (" in o.en and "进程创建(" in o.zh, "Sysmon 1 in the texts")

# Sysmon 11: 34 files created; kept: the 11 programs written to Temp
files = o.events_of("file_created")
targets = sorted(e["evidence"]["file"] for e in files)
expect(len(files) == 11, "files created kept: %d %r" % (len(files), targets))
expect(all(e["evidence"]["place"] == "Temp" for e in files), "all in Temp")
expect("C:\\Users\\tony\\AppData\\Local\\Temp\\Procmon64.exe" in targets, "Procmon64.exe %r" % targets)
x = ev_at("file_created", 1867)
expect(len(x) == 1 and x[0]["evidence"]["image"] ==
       "C:\\Users\\tony\\AppData\\Local\\Temp\\Temp1_ProcessMonitor.zip\\Procmon.exe",
       "Procmon64.exe written by Procmon.exe %r" % x)
expect(not any(t.upper().endswith("PROCMON23.SYS") or t.endswith(".zip") or
               t.startswith("C:\\Program Files") or "Definition Updates" in t for t in targets),
       "drivers in System32, archives, Program Files and Defender left out %r" % targets)

# Sysmon 13: 24 values set; kept: the 5 service values (Defender's MpKsl drivers, PROCMON23)
regs = o.events_of("registry_set")
keys = sorted(e["evidence"]["key"] for e in regs)
expect(len(regs) == 5, "registry values kept: %d %r" % (len(regs), keys))
expect(all("\\Services\\" in k for k in keys), "service values %r" % keys)
x = [e for e in regs if e["evidence"]["key"].endswith("\\PROCMON23\\ImagePath")]
expect(len(x) == 1 and x[0]["evidence"]["value"] == "\\??\\C:\\Windows\\system32\\Drivers\\PROCMON23.SYS" and
       x[0]["evidence"]["image"] == "C:\\Users\\tony\\AppData\\Local\\Temp\\Procmon64.exe",
       "PROCMON23 ImagePath %r" % x)
expect(not any("FriendlyName" in k or "Uninstall" in k or "shell\\open" in k for k in keys),
       "printers, uninstall entries and file associations left out %r" % keys)
expect("autostart registry value set: " in o.en and "自启动注册表值被设置：" in o.zh,
       "Sysmon 13 in the texts")

# Sysmon 3: two connections, to 443 and 80 of web hosts: no pool, none kept
expect(not o.events_of("network_connection"), "connections to web hosts are not pools")
