#!/bin/sh
# gaps.sh - respond/restore on scratch trees: a file name with a 0xff byte and a newline
# (written by the scan as \xff and \n) quarantined and restored under its exact name; a
# name holding the text "\xff" itself; restore into a parent directory that is gone
# (recreated with the recorded owner and mode, never through a link or a file); respond
# and restore read --root/--quarantine the same way. Scratch trees only.
set -eu
MT=${MINETRACE:-build/minetrace}
W=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-gaps: $*"; exit 1; }
sha() { sha256sum <"$1" | cut -c1-64; }
here=$(cd "$(dirname "$0")" && pwd)
samples=${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
XMRIG=$samples/xmrig
[ -f "$XMRIG" ] || { echo "SKIP respond-gaps: no XMRig sample"; exit 0; }
base() { # $1 root: the least a tree needs
	mkdir -p "$1/etc" "$1/tmp" "$1/var/lib" "$1/root"
	echo 'root:x:0:0::/root:/bin/sh' >"$1/etc/passwd"
}
finding() { # $1 id number, $2 remedy JSON list
	printf '{"type":"finding","id":"MT-%016x","check":"files.suspicious","severity":"high","title":"t","evidence":{},"remedy":%s}\n' "$1" "$2"
}
entry_of() { # $1 listing, $2 grep pattern: the id of the matching entry
	grep -a -- "$2" "$1" | head -n 1 | cut -d' ' -f1
}

# ---- 1. a name with a 0xff byte and a newline: the scan's \xNN decoded back ----
R=$W/t1
base "$R"
name=$(printf '/tmp/.x\377\nminer.')
name=${name%.}
cp "$XMRIG" "$R$name"
touch -d '2026-01-02 03:04:05' "$R$name"
"$MT" scan --root "$R" --format json --checks files.suspicious >"$W/r1.jsonl" || true
grep -q '"quarantine_file","path":"/tmp/.x\\\\xff\\nminer"' "$W/r1.jsonl" ||
	{ cat "$W/r1.jsonl"; fail "1: the scan does not name /tmp/.x\\xff\\nminer as expected"; }
"$MT" respond "$W/r1.jsonl" --root "$R" --format json >"$W/p1.jsonl"
python3 - "$W/p1.jsonl" <<'EOT' || fail "1: the JSON plan"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [r["target"] for r in rows] == ["/tmp/.x\\xff\nminer"], rows
EOT
rc=0
"$MT" respond "$W/r1.jsonl" --root "$R" --apply --no-verify >"$W/o1.txt" 2>&1 || rc=$?
[ $rc -eq 0 ] || { cat "$W/o1.txt"; fail "1: respond exit $rc"; }
[ ! -e "$R$name" ] || { cat "$W/o1.txt"; fail "1: the file is still there"; }
"$MT" restore --list --root "$R" >"$W/l1.txt"
id=$(entry_of "$W/l1.txt" ' file /tmp/.x\\xff\\x0aminer ')
[ -n "$id" ] || { cat "$W/l1.txt"; fail "1: no entry listed for the name"; }
"$MT" restore --root "$R" "$id" >"$W/o1r.txt" 2>&1 || { cat "$W/o1r.txt"; fail "1: restore"; }
[ -f "$R$name" ] || { ls -b "$R/tmp"; fail "1: not restored under the exact name"; }
cmp -s "$R$name" "$XMRIG" || fail "1: content differs"
[ "$(stat -c '%Y %a' "$R$name")" = "$(date -d '2026-01-02 03:04:05' +%s) $(stat -c %a "$XMRIG")" ] ||
	fail "1: mtime or mode differs"
[ "$(ls -A "$R/tmp" | wc -l)" = 2 ] || { ls -Ab "$R/tmp"; fail "1: another file appeared in /tmp"; }
echo "ok respond-gaps: a name with 0xff and a newline quarantined and restored exactly"

# ---- 2. a name that holds the text \xff: the decoded name is absent, the text is taken ----
R=$W/t2
base "$R"
cp "$XMRIG" "$R/tmp/a\\xff"
finding 2 '[{"action":"quarantine_file","path":"/tmp/a\\xff","sha256":"'"$(sha "$XMRIG")"'"}]' >"$W/r2.jsonl"
"$MT" respond "$W/r2.jsonl" --root "$R" --apply --no-verify >"$W/o2.txt" 2>&1 || { cat "$W/o2.txt"; fail "2: respond"; }
[ ! -e "$R/tmp/a\\xff" ] || { cat "$W/o2.txt"; fail "2: the file named a\\xff is still there"; }
grep -q 'no file with the decoded name, the name as written is taken' "$W/o2.txt" || { cat "$W/o2.txt"; fail "2: no note"; }
echo "ok respond-gaps: a name holding the text \\xff is taken as written when no decoded one exists"

# ---- 3. restore when the directory that held the file is gone ----
R=$W/t3
base "$R"
mkdir -p "$R/opt/.cache/sub" "$R/var/tmp/a" "$R/var/tmp/b"
chown 1234:2345 "$R/opt/.cache/sub"
chmod 0750 "$R/opt/.cache/sub"
cp "$XMRIG" "$R/opt/.cache/sub/kdevtmpfsi"
cp "$XMRIG" "$R/var/tmp/a/m1"
cp "$XMRIG" "$R/var/tmp/b/m2"
s=$(sha "$XMRIG")
finding 3 '[{"action":"quarantine_file","path":"/opt/.cache/sub/kdevtmpfsi","sha256":"'"$s"'"},{"action":"quarantine_file","path":"/var/tmp/a/m1","sha256":"'"$s"'"},{"action":"quarantine_file","path":"/var/tmp/b/m2","sha256":"'"$s"'"}]' >"$W/r3.jsonl"
"$MT" respond "$W/r3.jsonl" --root "$R" --apply --no-verify >"$W/o3.txt" 2>&1 || { cat "$W/o3.txt"; fail "3: respond"; }
"$MT" restore --list --root "$R" >"$W/l3.txt"
id1=$(entry_of "$W/l3.txt" ' /opt/.cache/sub/kdevtmpfsi ')
id2=$(entry_of "$W/l3.txt" ' /var/tmp/a/m1 ')
id3=$(entry_of "$W/l3.txt" ' /var/tmp/b/m2 ')
[ -n "$id1" ] && [ -n "$id2" ] && [ -n "$id3" ] || { cat "$W/l3.txt"; fail "3: entries"; }
rm -rf "$R/opt/.cache"
"$MT" restore --root "$R" "$id1" >"$W/o3r.txt" 2>&1 || { cat "$W/o3r.txt"; fail "3: restore into a vanished directory"; }
cmp -s "$R/opt/.cache/sub/kdevtmpfsi" "$XMRIG" || fail "3: not restored"
[ "$(stat -c '%a %u:%g' "$R/opt/.cache/sub")" = "750 1234:2345" ] || fail "3: the directory's recorded mode/owner not used: $(stat -c '%a %u:%g' "$R/opt/.cache/sub")"
[ "$(stat -c '%a %u:%g' "$R/opt/.cache")" = "755 0:0" ] || fail "3: the directory above: $(stat -c '%a %u:%g' "$R/opt/.cache")"
grep -q "recreated the directory /opt/.cache (mode 0755, owner 0:0), /opt/.cache/sub (mode 0750, owner 1234:2345)" "$W/o3r.txt" ||
	{ cat "$W/o3r.txt"; fail "3: restore does not say what it made"; }
# a component that is now a file, or a link out of the root: refused, nothing made
rm -rf "$R/var/tmp"
echo data >"$R/var/tmp"
rc=0; "$MT" restore --root "$R" "$id2" >"$W/o3f.txt" 2>&1 || rc=$?
[ $rc -eq 2 ] || { cat "$W/o3f.txt"; fail "3: a file on the way: exit $rc"; }
[ "$(cat "$R/var/tmp")" = data ] || fail "3: the file on the way changed"
grep -q "Not a directory\|not a directory" "$W/o3f.txt" || { cat "$W/o3f.txt"; fail "3: no reason for the file on the way"; }
rm -f "$R/var/tmp"
mkdir -p "$W/outside"
ln -s "$W/outside" "$R/var/tmp"
rc=0; "$MT" restore --root "$R" "$id3" >"$W/o3l.txt" 2>&1 || rc=$?
[ $rc -eq 2 ] || { cat "$W/o3l.txt"; fail "3: a link on the way: exit $rc"; }
[ -z "$(ls -A "$W/outside")" ] || fail "3: something was made through the link"
grep -q "symbolic link" "$W/o3l.txt" || { cat "$W/o3l.txt"; fail "3: no reason for the link on the way"; }
echo "ok respond-gaps: restore makes a vanished directory again (recorded owner and mode), never over a file or through a link"

# ---- 4. respond and restore take --root and --quarantine the same way ----
R=$W/t4
base "$R"
cp "$XMRIG" "$R/tmp/m"
finding 4 '[{"action":"quarantine_file","path":"/tmp/m","sha256":"'"$(sha "$XMRIG")"'"}]' >"$W/r4.jsonl"
"$MT" respond "$W/r4.jsonl" --root="$R" --quarantine="$W/q4" --apply --no-verify >"$W/o4.txt" 2>&1 || { cat "$W/o4.txt"; fail "4: respond"; }
"$MT" restore --list --root="$R" --quarantine="$W/q4" >"$W/l4.txt" || fail "4: --list with the = forms"
id=$(entry_of "$W/l4.txt" ' /tmp/m ')
[ -n "$id" ] || { cat "$W/l4.txt"; fail "4: no entry"; }
"$MT" restore --root "$R" --quarantine "$W/q4" "$id" >/dev/null || fail "4: restore"
cmp -s "$R/tmp/m" "$XMRIG" || fail "4: not restored"
for cmd in "respond $W/r4.jsonl" "restore --list" "restore $id"; do
	rc=0
	# shellcheck disable=SC2086
	"$MT" $cmd --root "$W/none" >"$W/o4e.txt" 2>&1 || rc=$?
	[ $rc -eq 2 ] || fail "4: $cmd with a missing --root: exit $rc"
	grep -q -- "--root $W/none: not a directory" "$W/o4e.txt" || { cat "$W/o4e.txt"; fail "4: $cmd: no reason"; }
	rc=0
	# shellcheck disable=SC2086
	"$MT" $cmd --quarantine >"$W/o4e.txt" 2>&1 || rc=$?
	[ $rc -eq 2 ] && grep -q "option --quarantine needs a value" "$W/o4e.txt" || fail "4: $cmd --quarantine without value"
done
echo "ok respond-gaps: respond and restore read --root and --quarantine alike"
