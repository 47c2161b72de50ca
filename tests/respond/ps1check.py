#!/usr/bin/env python3
"""ps1check.py - checks a `minetrace respond --script ps1` script against its report.

usage: ps1check.py [--hostile MARKER] REPORT.json SCRIPT.ps1

Tokenises the script the way PowerShell does for what the script uses: single-quoted
literals (' and U+2018..U+201B, a doubled quote character inside is one quote), double-
quoted strings (" and U+201C..U+201E, backtick escapes), line comments (# to CR or LF)
and code. It fails when a literal or string is left open, when braces outside them do
not balance, and with --hostile when MARKER occurs in code (outside every literal and
comment): then a name from the report got out of its literal.

Without --hostile it also checks the steps against the report: each distinct Windows
remedy of the report is one Step (or a Manual line), steps run in the order that stops
what restarts the miner first, a step of a finding below high carries -Review, and in
each step what is removed was saved first (reg export, task XML, CLIXML, a copy)."""
import json
import re
import sys

SQ = "'\u2018\u2019\u201a\u201b"
DQ = "\"\u201c\u201d\u201e"


def tokenise(text):
    """Returns (code, problems): code is the script with literals, strings and comments
    blanked (newlines kept), so that what is left is what PowerShell runs as code."""
    out, problems = [], []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in SQ:
            j = i + 1
            while True:
                if j >= n:
                    problems.append("single-quoted literal left open at %d" % i)
                    break
                if text[j] in SQ:
                    if j + 1 < n and text[j + 1] in SQ:
                        j += 2
                        continue
                    break
                j += 1
            out.append("''" + "".join("\n" for ch in text[i:j] if ch == "\n"))
            i = j + 1
        elif c in DQ:
            j = i + 1
            while True:
                if j >= n:
                    problems.append("double-quoted string left open at %d" % i)
                    break
                if text[j] == "`":
                    j += 2
                    continue
                if text[j] in DQ:
                    if j + 1 < n and text[j + 1] in DQ:
                        j += 2
                        continue
                    break
                j += 1
            s = text[i:j + 1]
            out.append('""' + "".join("\n" for ch in s if ch == "\n"))
            # only the script's own strings are double-quoted: no subexpressions in them
            if "$(" in s:
                problems.append("a $( ) subexpression in a double-quoted string: %r" % s[:80])
            i = j + 1
        elif c == "#":
            j = i
            while j < n and text[j] not in "\r\n":
                j += 1
            out.append("#")
            i = j
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    depth = 0
    for ch in code:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            problems.append("a } without its {")
            break
    if depth > 0:
        problems.append("%d { left open" % depth)
    return code, problems


RANK = {"disable_service": 1, "delete_task": 2, "delete_wmi": 3, "delete_reg_value": 4,
        "quarantine_file": 5, "delete_reg_key": 6, "remove_portproxy": 7,
        "remove_fw_rule": 8, "remove_line": 9, "disable_account": 10, "block_ip": 11,
        "harden": 12}

# in a step of this action, the first pattern (the backup) comes before the second (removal)
BACKUP = {
    "disable_service": [("sc.exe qc", "start= disabled")],
    "delete_task": [("/query", "/delete"), ("reg.exe export", "Remove-Item")],
    "delete_wmi": [("Export-Clixml", "Remove-WmiObject")],
    "delete_reg_value": [("reg.exe export", "Remove-ItemProperty")],
    "delete_reg_key": [("reg.exe export", "Remove-Item ")],
    "quarantine_file": [("Get-FileHash", "Remove-Item"), ("Copy-Item", "Remove-Item")],
    "remove_portproxy": [("portproxy show all", "portproxy delete")],
    "remove_fw_rule": [("Export-Clixml", "Remove-NetFirewallRule")],
    "remove_line": [("Copy-Item", "WriteAllLines")],
    "disable_account": [("net.exe user $u |", "/active:no")],
    "harden": [("Export-Clixml", "Set-SmbServerConfiguration"),
               ("advfirewall show", "New-NetFirewallRule"), ("reg.exe export", "Set-ItemProperty")],
}


def fail(msg):
    print("ps1check: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    marker = None
    if args and args[0] == "--hostile":
        marker = args[1]
        args = args[2:]
    report, script = args
    text = open(script, encoding="utf-8").read()
    code, problems = tokenise(text)
    if problems:
        fail("; ".join(problems))
    if marker:
        if marker in code:
            k = code.index(marker)
            fail("%s outside any literal or comment: %r" % (marker, code[max(0, k - 80):k + 40]))
        if text.count("\nStep ") + text.count("\nManual ") == 0:
            fail("no steps")
        return

    # the report's distinct remedies (the plan runs one step for an action asked twice)
    want, sev_of = {}, {}
    for line in open(report, encoding="utf-8"):
        o = json.loads(line)
        if o.get("type") != "finding":
            continue
        for a in o.get("remedy", []):
            key = json.dumps(a, sort_keys=True)
            if key not in want:
                want[key] = a["action"]
                sev_of[key] = o["severity"]
    steps = re.findall(r"^(Step|Manual) (\d+) ?(-Review )?(?:'([a-z_]+)')?", text, re.M)
    have = {}
    for act in re.findall(r"^# \[\d+\] (?:MANUAL )?([a-z_]+): ", text, re.M):
        have[act] = have.get(act, 0) + 1
    counts = {}
    for k, act in want.items():
        counts[act] = counts.get(act, 0) + 1
    for act, c in counts.items():
        if have.get(act, 0) != c:
            fail("%d %s remedies in the report, %d steps" % (c, act, have.get(act, 0)))
    # order, -Review
    last = 0
    for kind, num, review, act in steps:
        if kind != "Step":
            continue
        r = RANK.get(act, 100)
        if r < last:
            fail("step %s (%s) after a later kind of step" % (num, act))
        last = r
    for m in re.finditer(r"^#     finding (\S+) \S+ \((\w+)\).*\n(Step|Manual) (\d+) (-Review )?",
                         text, re.M):
        sev, kind, review = m.group(2), m.group(3), m.group(5)
        if kind == "Step" and bool(review) != (sev not in ("high", "critical")):
            fail("step %s of a %s finding %s -Review" % (m.group(4), sev,
                                                       "with" if review else "without"))
    # backups first
    for m in re.finditer(r"^Step (\d+) (?:-Review )?'([a-z_]+)' .*? \{\n(.*?)\n\}\n", text,
                         re.M | re.S):
        num, act, body = m.group(1), m.group(2), m.group(3)
        for first, then in BACKUP.get(act, []):
            if then in body and (first not in body or body.index(first) > body.index(then)):
                fail("step %s (%s): %r does not come before %r" % (num, act, first, then))
            if then not in body and act not in ("delete_task", "harden"):
                fail("step %s (%s): no %r" % (num, act, then))


if __name__ == "__main__":
    main()
