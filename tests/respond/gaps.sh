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
