#!/bin/sh
# static.sh - the static binary is one self-contained file and an /etc/ld.so.preload
# entry (a hooking library, as miners install) does not reach it. The preload is put in
# place only inside a private mount namespace, over a copy of /etc.
set -eu
BIN=${MINETRACE_STATIC:-build/minetrace-static}
DYN=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL static: $*"; exit 1; }

file -L "$BIN" | grep -q "statically linked" || fail "$(file -L "$BIN")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
cc -shared -fPIC -o "$work/libmark.so" "$here/../fixtures/preload_marker.c"

unshare -m sh -eu -c '
	work=$1 dyn=$2 bin=$3
	mount --make-rprivate /
	cp -a /etc "$work/etc"
	echo "$work/libmark.so" >"$work/etc/ld.so.preload"
	mount --bind "$work/etc" /etc
	MT_PRELOAD_MARK="$work/mark-dynamic" "$dyn" version >/dev/null
	rc=0
	MT_PRELOAD_MARK="$work/mark-static" "$bin" scan --checks persist.cron --format json \
		>"$work/out.jsonl" || rc=$?
	[ $rc -le 1 ] || exit 3
' sh "$work" "$DYN" "$BIN" || fail "the namespace run failed"

# the control: without it the test could not tell a dead preload from a clean binary
[ -e "$work/mark-dynamic" ] || fail "the preload library was not active for the dynamic binary"
[ ! -e "$work/mark-static" ] || fail "the static binary loaded the /etc/ld.so.preload library"
python3 "$here/../scenario/contract.py" "$work/out.jsonl" || fail "report of the static binary"
# libsqlite3 is linked in: both rpm database formats read as by the normal binary
for sc in rpm-centos rpm-fedora; do
	d=$here/../scenario/$sc
	mkdir -p "$work/$sc"
	sh "$d/setup.sh" "$work/$sc" || fail "$sc setup"
	rc=0
	# shellcheck disable=SC2046
	"$BIN" scan --root "$work/$sc" --format json $(cat "$d/args") >"$work/$sc.jsonl" || rc=$?
	[ $rc -eq 1 ] || fail "$sc: exit $rc"
	python3 "$here/../scenario/contract.py" "$work/$sc.jsonl" "$d/expect.jsonl" || fail "$sc"
done
echo "static: statically linked, unaffected by /etc/ld.so.preload, reads rpm databases"
