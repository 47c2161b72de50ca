#!/bin/sh
# run.sh - our journal reader (src/lib/logs/journal_file.c) against journalctl, the peer:
# every entry's realtime, SYSLOG_IDENTIFIER, MESSAGE, _COMM and _UID equal on
#  - the journal files the timeline tests build (systemd-journal-remote from export input),
#  - files of tests/journal/jtool.py export: compact and regular, ZSTD-compressed big
#    fields (systemd 252's default), uncompressed, and XZ/LZ4 copies (jtool.py recompress),
#  - a real journal written by systemd-journald, run in its own mount and pid namespace
#    (skipped when that is not possible);
# then hostile variants (jtool.py hostile) through the test hook: the expected counts, no
# crash. JDUMP is the hook (tests/journal/jdump.c).
set -u
JD=${JDUMP:-build/tests/jdump}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
pass=0 failed=0
jr=""
for p in /usr/lib/systemd/systemd-journal-remote /lib/systemd/systemd-journal-remote; do
	[ -x "$p" ] && jr=$p && break
done
if [ -z "$jr" ] || ! command -v journalctl >/dev/null; then
	echo "journal: SKIP: systemd-journal-remote or journalctl missing (packages systemd-journal-remote, systemd)"
	exit 0
fi

cmp1() { # FILE EXPECT...
	if python3 "$here/compare.py" "$JD" "$@"; then pass=$((pass + 1)); else failed=$((failed + 1)); fi
}

# 1. the fixtures of the timeline tests
for c in journal journal-sshd-session; do
	mkdir -p "$work/tl-$c"
	sh "$here/../timeline/$c/setup.sh" "$work/tl-$c" >/dev/null 2>&1 || { echo "FAIL setup $c"; failed=$((failed + 1)); continue; }
	for f in $(find "$work/tl-$c/var/log/journal" -name '*.journal'); do cmp1 "$f" compact; done
done

# 2. big fields in every compression, compact and regular
python3 "$here/jtool.py" export >"$work/in.export"
w=$work/gen
mkdir -p "$w"
"$jr" -o "$w/zstd-compact.journal" - <"$work/in.export" >/dev/null 2>&1
SYSTEMD_JOURNAL_COMPACT=0 "$jr" -o "$w/zstd-regular.journal" - <"$work/in.export" >/dev/null 2>&1
"$jr" --compress=no -o "$w/plain-compact.journal" - <"$work/in.export" >/dev/null 2>&1
SYSTEMD_JOURNAL_COMPACT=0 "$jr" --compress=no -o "$w/plain-regular.journal" - <"$work/in.export" >/dev/null 2>&1
for m in xz lz4; do
	for k in compact regular; do
		python3 "$here/jtool.py" recompress "$w/plain-$k.journal" "$w/$m-$k.journal" $m ||
			{ echo "FAIL recompress $m $k"; failed=$((failed + 1)); }
	done
done
cmp1 "$w/zstd-compact.journal" compact zstd
cmp1 "$w/zstd-regular.journal" regular zstd
cmp1 "$w/plain-compact.journal" compact
cmp1 "$w/plain-regular.journal" regular
for m in xz lz4; do
	cmp1 "$w/$m-compact.journal" compact $m
	cmp1 "$w/$m-regular.journal" regular $m
done

# 3. a real journald: private /run, /var/log and /etc/systemd (tmpfs in its own mount
#    namespace: nothing of this machine changes), no kernel messages, killed at the end
jd=""
for p in /usr/lib/systemd/systemd-journald /lib/systemd/systemd-journald; do
	[ -x "$p" ] && jd=$p && break
done
if [ -n "$jd" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	mkdir -p "$work/jd/out" "$work/jd/conf"
	printf '[Journal]\nStorage=persistent\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n' \
		>"$work/jd/conf/test.conf"
	cat >"$work/jd/run.sh" <<EOF
set -e
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/journal
mount -t tmpfs tmpfs /var/log
mkdir -p /var/log/journal
mount --bind "$work/jd/out" /var/log/journal
mount -t tmpfs tmpfs /etc/systemd
mkdir -p /etc/systemd/journald.conf.d
mount --bind "$work/jd/conf" /etc/systemd/journald.conf.d
"$jd" >/dev/null 2>&1 &
jp=\$!
for i in \$(seq 100); do [ -S /run/systemd/journal/stdout ] && break; sleep 0.1; done
echo "Accepted password for root from 203.0.113.9 port 4 ssh2" | systemd-cat -t sshd
echo "root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/true" | systemd-cat -t sudo
python3 -c "print('z' * 3000)" | systemd-cat -t big
python3 -c "print('q' * 700)" | systemd-cat -t big
journalctl --flush >/dev/null 2>&1
sleep 0.5
kill \$jp
wait \$jp || true
EOF
	if timeout 60 unshare -m -p -f --mount-proc sh "$work/jd/run.sh" >"$work/jd/log" 2>&1 &&
		f=$(find "$work/jd/out" -name 'system.journal' | head -1) && [ -n "$f" ]; then
		cmp1 "$f" zstd
		n=$(journalctl --file="$f" -o export | grep -ac '^SYSLOG_IDENTIFIER=sshd')
		[ "$n" = 1 ] || { echo "FAIL journald: the sshd entry is not in the file ($n)"; failed=$((failed + 1)); }
	else
		echo "skip journald: could not run it in a namespace: $(tail -2 "$work/jd/log")"
	fi
else
	echo "skip journald: not root, or no systemd-journald/unshare"
fi

# 4. hostile files: counts and no crash (the hook exits 0 or 1, never by a signal)
h=$work/hostile
python3 "$here/jtool.py" hostile "$w/zstd-compact.journal" "$h" || { echo "FAIL jtool hostile"; failed=$((failed + 1)); }
python3 "$here/jtool.py" hostile "$w/zstd-regular.journal" "$h/regular" || { echo "FAIL jtool hostile"; failed=$((failed + 1)); }
if python3 "$here/hostile.py" "$JD" "$h" "$w/zstd-compact.journal" &&
	python3 "$here/hostile.py" "$JD" "$h/regular" "$w/zstd-regular.journal"; then
	pass=$((pass + 1))
else
	failed=$((failed + 1))
fi

echo "journal: $pass passed, $failed failed"
[ $failed -eq 0 ] && [ $pass -gt 0 ]
