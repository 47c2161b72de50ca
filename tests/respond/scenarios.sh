#!/bin/sh
# scenarios.sh - respond on scratch copies of other scenario trees: TeamTNT's tampered
# ps/top wrappers go while an unchanged packaged program is refused; Kinsing-style units
# are disabled (their .wants links and unit files quarantined) and everything restores
# to an identical tree. Scratch trees only.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
sc=$here/../scenario
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-scenarios: $*"; exit 1; }

mkroot() { # $1 scenario, $2 directory
	mkdir -p "$2/var/lib"
	cp -a "$sc/$1/tree/." "$2/"
	[ ! -f "$sc/$1/setup.sh" ] || sh "$sc/$1/setup.sh" "$2" >/dev/null
}
tree_sum() { # every path, type, mode, owner, mtime, link target and content hash
	# (a directory's mtime changes with every entry taken out or put back: not compared)
	(cd "$1" && find . -path ./var/lib/minetrace -prune -o ! -type d -printf '%p %y %m %U %G %T@ %l\n' | LC_ALL=C sort
	 find . -path ./var/lib/minetrace -prune -o -type d -printf '%p %m %U %G\n' | LC_ALL=C sort
	 find . -path ./var/lib/minetrace -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# ---- TeamTNT: packaged programs replaced ----
r=$work/teamtnt
mkroot integ-teamtnt "$r"
# shellcheck disable=SC2046
"$MT" scan --root "$r" --format json $(cat "$sc/integ-teamtnt/args" 2>/dev/null) >"$work/t.jsonl" || true
kill_sha=$(sha256sum <"$r/usr/bin/kill" | cut -c1-64)
cat >>"$work/t.jsonl.extra" <<EOT
{"type":"finding","id":"MT-00000000000000aa","check":"files.suspicious","severity":"high","title":"t","evidence":{},"remedy":[{"action":"quarantine_file","path":"/usr/bin/kill","sha256":"$kill_sha"},{"action":"quarantine_file","path":"/usr/bin/chattr"}]}
EOT
cat "$work/t.jsonl.extra" "$work/t.jsonl" >"$work/t2.jsonl"
rc=0
"$MT" respond "$work/t2.jsonl" --root "$r" --apply >"$work/t.txt" || rc=$?
[ $rc -eq 1 ] || { cat "$work/t.txt"; fail "teamtnt: exit $rc, expected 1 (two refusals)"; }
grep -q "/usr/bin/kill belongs to package procps and matches what the package installed" "$work/t.txt" || fail "teamtnt: kill not refused"
grep -q "/usr/bin/chattr belongs to package e2fsprogs" "$work/t.txt" || fail "teamtnt: chattr not refused"
[ -f "$r/usr/bin/kill" ] && [ -f "$r/usr/bin/chattr" ] || fail "teamtnt: a packaged program was removed"
for f in usr/bin/ps usr/bin/top usr/bin/zzhcht usr/bin/sysupdate tmp/.ICE-unix/.c; do
	[ ! -e "$r/$f" ] || fail "teamtnt: $f still there"
done
grep -q "reinstall package procps" "$work/t.txt" || fail "teamtnt: no manual reinstall step"
grep -q "verify: clean" "$work/t.txt" || fail "teamtnt: verify"
echo "ok respond-scenarios: teamtnt wrappers quarantined, unchanged packaged programs refused"

# ---- CentOS (rpm): packaged programs judged by the rpm database's own digests ----
for db in bdb sqlite; do
	r=$work/rpm-$db
	mkdir -p "$r/var/lib"
	cp -a "$sc/rpm-centos/tree/." "$r/" 2>/dev/null || true
	RPMDB=$db sh "$sc/rpm-centos/setup.sh" "$r" >/dev/null
	# shellcheck disable=SC2046
	"$MT" scan --root "$r" --format json $(cat "$sc/rpm-centos/args") >"$work/r.jsonl" || true
	top_sha=$(sha256sum <"$r/usr/bin/top" | cut -c1-64)
	printf '{"type":"finding","id":"MT-00000000000000bb","check":"files.suspicious","severity":"high","title":"t","evidence":{},"remedy":[{"action":"quarantine_file","path":"/usr/bin/top","sha256":"%s"}]}\n' \
		"$top_sha" | cat - "$work/r.jsonl" >"$work/r2.jsonl"
	rc=0
	"$MT" respond "$work/r2.jsonl" --root "$r" --apply >"$work/r.txt" || rc=$?
	[ $rc -eq 1 ] || { cat "$work/r.txt"; fail "rpm-$db: exit $rc, expected 1 (one refusal)"; }
	grep -q "/usr/bin/top belongs to package procps-ng-3.3.10-28.el7.x86_64 and matches" "$work/r.txt" ||
		{ cat "$work/r.txt"; fail "rpm-$db: the unchanged rpm-owned top was not refused"; }
	[ -f "$r/usr/bin/top" ] || fail "rpm-$db: top removed"
	for f in usr/bin/ps usr/bin/netstat usr/bin/dhpcd; do # SHA-256, MD5 and unowned
		[ ! -e "$r/$f" ] || { cat "$work/r.txt"; fail "rpm-$db: $f still there"; }
	done
done
echo "ok respond-scenarios: rpm (Packages and rpmdb.sqlite): changed programs quarantined, unchanged refused"

# ---- Kinsing units: disable and restore ----
r=$work/kinsing
mkroot svc-kinsing "$r"
# shellcheck disable=SC2046
"$MT" scan --root "$r" --format json $(cat "$sc/svc-kinsing/args" 2>/dev/null) >"$work/k.jsonl" || true
tree_sum "$r" >"$work/k-before.txt"
"$MT" respond "$work/k.jsonl" --root "$r" --apply --format json >"$work/k.out" || true
python3 - "$work/k.out" <<'EOT' || fail "kinsing: json steps"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
steps = [r for r in rows if r["type"] == "step"]
units = [s for s in steps if s["action"] == "disable_unit"]
assert len(units) >= 4, units
for s in units:
    assert s["state"] == "done", s
    assert s["entries"], s
v = [r for r in rows if r["type"] == "verify"]
assert v and v[0]["clean"], v
EOT
[ ! -e "$r/etc/systemd/system/multi-user.target.wants/bot.service" ] || fail "kinsing: bot.service still enabled"
[ ! -e "$r/lib/systemd/system/bot.service" ] || fail "kinsing: bot.service unit still there"
[ ! -e "$r/etc/systemd/system/timers.target.wants/apt-daily-check.timer" ] || fail "kinsing: timer still enabled"
for id in $("$MT" restore --list --root "$r" | cut -d' ' -f1 | sort -r); do
	"$MT" restore --root "$r" "$id" >/dev/null || fail "kinsing: restore $id"
done
tree_sum "$r" >"$work/k-after.txt"
diff "$work/k-before.txt" "$work/k-after.txt" || fail "kinsing: restore is not identical"
echo "ok respond-scenarios: kinsing units disabled and restored identically"

# ---- accounts: a backdoor account locked, its uid-0 line and sudo rules removed ----
r=$work/acct
mkroot acct-outlaw "$r"
# shellcheck disable=SC2046
"$MT" scan --root "$r" --format json $(cat "$sc/acct-outlaw/args" 2>/dev/null) >"$work/a.jsonl" || true
tree_sum "$r" >"$work/a-before.txt"
cp "$r/etc/shadow" "$work/shadow.orig"
cp "$r/etc/sudoers.d/ops" "$work/ops.orig"
"$MT" respond "$work/a.jsonl" --root "$r" --apply >"$work/a.txt" || true
grep -q '^\[done\].*lock the account: user sysadm' "$work/a.txt" || { cat "$work/a.txt"; fail "acct: sysadm not locked"; }
grep '^sysadm:' "$r/etc/shadow" | grep -q '^sysadm:!\$6\$[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:1:$' || fail "acct: shadow line not locked+expired"
[ "$(grep -v '^sysadm:' "$r/etc/shadow" | sha256sum)" = "$(grep -v '^sysadm:' "$work/shadow.orig" | sha256sum)" ] || fail "acct: other shadow lines changed"
# line 4 (medium: NOPASSWD shells) goes; line 5 (low: NOPASSWD restart of nginx) is a hint
# only, and a low finding proposes no change
[ "$(wc -l <"$r/etc/sudoers.d/ops")" -eq $(($(wc -l <"$work/ops.orig") - 1)) ] || fail "acct: sudoers.d/ops line 4"
sed '4d' "$work/ops.orig" | cmp -s - "$r/etc/sudoers.d/ops" || fail "acct: sudoers.d/ops edit"
grep -q "verify: clean" "$work/a.txt" || { cat "$work/a.txt"; fail "acct: verify"; }
for id in $("$MT" restore --list --root "$r" | cut -d' ' -f1 | sort -r); do
	"$MT" restore --root "$r" "$id" >/dev/null || fail "acct: restore $id"
done
tree_sum "$r" >"$work/a-after.txt"
diff "$work/a-before.txt" "$work/a-after.txt" || fail "acct: restore is not identical"
echo "ok respond-scenarios: backdoor account locked, uid-0 line and sudo rules removed, restored"
