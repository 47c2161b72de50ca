#!/bin/sh
# tamper-ctime.sh - tamper.tools hashes only what changed since dpkg installed it: a root
# with procps's real dpkg records and /usr/bin/ps; while ps's inode is older than the
# package's info/procps.list (dpkg writes it after the files) it is not hashed, and once
# ps is replaced (its ctime moves past the list) it is hashed and its MD5 mismatch found.
set -eu
MT=${MINETRACE:-build/minetrace}
fail() { echo "FAIL tamper-ctime: $*"; exit 1; }
[ -f /var/lib/dpkg/info/procps.md5sums ] || { echo "SKIP tamper-ctime: no procps package here"; exit 0; }
# the path dpkg lists for ps (/bin/ps on Debian 12, /usr/bin/ps later)
ps=$(grep -E '^(/usr)?/bin/ps$' /var/lib/dpkg/info/procps.list | head -1)
[ -n "$ps" ] && [ -x "$ps" ] || { echo "SKIP tamper-ctime: procps lists no ps"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
R=$work/root
mkdir -p "$R$(dirname "$ps")" "$R/var/lib/dpkg/info"
printf 'Package: procps\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2:4.0.2-3\n\n' >"$R/var/lib/dpkg/status"
cp -p "$ps" "$R$ps"
echo "$ps" >"$R/var/lib/dpkg/info/procps.list"
grep -E " ${ps#/}\$" /var/lib/dpkg/info/procps.md5sums >"$R/var/lib/dpkg/info/procps.md5sums"
touch "$R/var/lib/dpkg/info/procps.list" # written after the files, as dpkg does
# 1: untouched since the install: not hashed, nothing reported
"$MT" scan --root "$R" --checks tamper.tools --format json >"$work/a.jsonl" || true
grep -q 'unchanged since their package was installed' "$work/a.jsonl" || fail "the untouched ps was hashed"
grep -q '"type":"finding"' "$work/a.jsonl" && fail "a finding for the untouched ps"
# 2: ps replaced after the install: hashed, the mismatch found
sleep 0.05
printf 'x' >>"$R$ps"
"$MT" scan --root "$R" --checks tamper.tools --format json >"$work/b.jsonl" || true
grep -q '"check":"tamper.tools"' "$work/b.jsonl" || fail "the replaced ps was not found"
grep -q 'md5' "$work/b.jsonl" || fail "no MD5 evidence for the replaced ps"
echo "tamper-ctime: an untouched packaged file is not hashed; replaced after the install, it is and its MD5 mismatch is found"
