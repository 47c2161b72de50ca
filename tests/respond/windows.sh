#!/bin/sh
# windows.sh - respond on Windows roots: --apply refuses a Windows image and leaves it as
# it was; --script ps1 writes each Windows remedy as a step that backs up before it
# deletes, in an order where nothing can restart the miner while its files go; steps of
# findings below high wait for -IncludeMedium; and a hostile report (names that try to
# end PowerShell literals or comments, odd quote characters, addresses with commands)
# cannot put code outside the script's literals (tests/respond/ps1check.py tokenises).
# PowerShell itself is not in Debian: the script is checked as text and by tokenising.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail=0
bad() { echo "FAIL respond-windows: $*"; fail=1; }
ok() { echo "ok respond-windows: $*"; }
chk="python3 $here/ps1check.py"

for s in win-fonts win-wannamine win-campaigns win-fileless win-tasks; do
	root="$work/$s"
	mkdir -p "$root"
	sh "$here/../scenario/$s/setup.sh" "$root" >/dev/null 2>&1 || { bad "$s: setup failed"; continue; }
	"$MT" scan --root "$root" --format json --checks win.,hardening.windows \
		--output "$work/$s.json" 2>/dev/null
	[ $? -eq 1 ] || { bad "$s: scan did not report findings"; continue; }

	# --apply never changes an image
	before=$(cd "$root" && find . -printf '%p %s %T@\n' | sort | sha256sum)
	"$MT" respond "$work/$s.json" --apply --root "$root" >"$work/out" 2>"$work/err"
	rc=$?
	after=$(cd "$root" && find . -printf '%p %s %T@\n' | sort | sha256sum)
	if [ $rc -ne 2 ] || ! grep -q -- "--script ps1" "$work/err"; then
		bad "$s: --apply on a Windows report: exit $rc"; cat "$work/err"
	elif [ "$before" != "$after" ]; then
		bad "$s: the image changed under --apply"
	else
		ok "$s: --apply refused, the image unchanged"
	fi

	# the plan tells how to carry it out
	"$MT" respond "$work/$s.json" >"$work/plan" 2>&1
	grep -q -- "--script ps1" "$work/plan" || bad "$s: the plan does not point at --script ps1"

	if ! "$MT" respond "$work/$s.json" --script ps1 --output "$work/$s.ps1" 2>"$work/err"; then
		bad "$s: --script ps1 failed"; cat "$work/err"; continue
	fi
	if $chk "$work/$s.json" "$work/$s.ps1"; then
		ok "$s: every Windows remedy is a step that backs up first, in order"
	else
		bad "$s: script check"
	fi
done

# --output never overwrites, never follows a symlink
ln -s "$work/elsewhere" "$work/link.ps1"
if "$MT" respond "$work/win-fonts.json" --script ps1 --output "$work/link.ps1" 2>/dev/null ||
	[ -e "$work/elsewhere" ]; then
	bad "--output followed a symlink"
elif "$MT" respond "$work/win-fonts.json" --script ps1 --output "$work/win-fonts.ps1" \
	2>"$work/err" || ! grep -q "not overwritten" "$work/err"; then
	bad "--output overwrote a file"
else
	ok "--output: no symlink followed, nothing overwritten"
fi
"$MT" respond "$work/win-fonts.json" --script sh >/dev/null 2>&1
[ $? -eq 2 ] || bad "--script sh accepted"
"$MT" respond "$work/win-fonts.json" --script ps1 --apply >/dev/null 2>&1
[ $? -eq 2 ] || bad "--script with --apply accepted"

# a hostile report: every name tries to leave its literal
python3 - "$work/hostile.json" <<'PY'
import json, sys
P = "PWNED"
names = [
    "x'; Remove-Item C:\\ -Recurse -Force; " + P + "; '",
    "x\u2019; " + P + " ;\u2018",
    "x\u201b " + P + " \u201a",
    "x\u201a; " + P + "; \u201b",
    "line\n" + P + "\nnext",
    "cr\r" + P,
    "$(" + P + ")",
    "`" + P + "`",
    "\"; " + P + " #",
]
out = open(sys.argv[1], "w")
for i, n in enumerate(names):
    rem = [
        {"action": "disable_service", "name": n},
        {"action": "delete_task", "name": "\\" + n},
        {"action": "delete_wmi", "consumer": n, "consumer_class": "CommandLineEventConsumer",
         "filter": n},
        {"action": "delete_reg_value", "hive": "HKLM\\SOFTWARE", "key": n, "value": n},
        {"action": "delete_reg_value", "hive": "HKU\\" + n, "key": n, "value": n,
         "profile": "/Users/" + n},
        {"action": "delete_reg_key", "hive": "HKLM\\SYSTEM", "key": "ControlSet001\\" + n},
        {"action": "quarantine_file", "path": "/Windows/Temp/" + n,
         "sha256": "a" * 64},
        {"action": "quarantine_file", "path": "/Windows/Temp/y", "sha256": n},
        {"action": "remove_portproxy", "listen": "0.0.0.0/1;" + n, "key": n},
        {"action": "remove_portproxy", "listen": n + "/80", "key": n},
        {"action": "remove_fw_rule", "rule_id": n},
        {"action": "remove_line", "path": "/Windows/System32/drivers/etc/hosts",
         "lineno": 3, "line_sha256": n},
        {"action": "disable_account", "user": n},
        {"action": "block_ip", "ip": n},
        {"action": "harden", "what": n, "how": n},
        {"action": "kill_tree", "pid": 1},
    ]
    f = {"type": "finding", "id": "MT-%016x" % i, "check": "win.services",
         "severity": "critical", "confidence": 95, "title": n, "title_en": n,
         "title_zh": n, "evidence": {"service": n}, "remedy": rem}
    out.write(json.dumps(f) + "\n")
out.write(json.dumps({"type": "summary", "counts": {}}) + "\n")
PY
if ! "$MT" respond "$work/hostile.json" --script ps1 --output "$work/hostile.ps1" 2>"$work/err"; then
	bad "hostile report: --script failed"; cat "$work/err"
elif $chk --hostile PWNED "$work/hostile.json" "$work/hostile.ps1"; then
	ok "hostile report: every name stays inside a literal or a comment"
else
	bad "hostile report: script check"
fi

[ $fail -eq 0 ] && echo "respond-windows: all passed"
exit $fail
