#!/bin/sh
# Plants TeamTNT's tool tampering with this machine's real programs, so that package
# ownership and MD5 sums are real: a minimal dpkg database (procps and e2fsprogs .list
# and .md5sums, the lines of the real ones), ps moved to ps.original under a wrapper,
# a top that differs from its package, chattr copied as /usr/bin/zzhcht and into
# /tmp/.ICE-unix, a diverted lsattr that differs (must stay quiet).
set -e
root=$1
info=/var/lib/dpkg/info
mkdir -p "$root$info" "$root/tmp/.ICE-unix" # empty directories git does not keep
real() { # the machine's file of a tool, merged /usr or not
	for d in /usr/bin /bin /usr/sbin /sbin; do
		[ -f "$d/$1" ] && [ ! -L "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	echo "setup: $1 not found on this machine" >&2
	return 1
}
grep -E '^/(usr/)?bin/(ps|top|kill)$' "$info/procps.list" >"$root$info/procps.list"
grep -E ' (usr/)?bin/(ps|top|kill)$' "$info/procps.md5sums" >"$root$info/procps.md5sums"
grep -E '^/(usr/)?(s)?bin/(chattr|lsattr)$' "$info/e2fsprogs.list" >"$root$info/e2fsprogs.list"
grep -E ' (usr/)?(s)?bin/(chattr|lsattr)$' "$info/e2fsprogs.md5sums" >"$root$info/e2fsprogs.md5sums"
[ "$(wc -l <"$root$info/procps.md5sums")" -eq 3 ] || { echo "setup: procps sums" >&2; exit 1; }
[ "$(wc -l <"$root$info/e2fsprogs.md5sums")" -eq 2 ] || { echo "setup: e2fsprogs sums" >&2; exit 1; }
bin=$root/usr/bin
cp "$(real ps)" "$bin/ps.original"
cp "$(real kill)" "$bin/kill"              # unchanged: quiet
cp "$(real top)" "$bin/top"
printf 'trojan' >>"$bin/top"               # differs from its package
cp "$(real chattr)" "$bin/chattr"          # the packaged one: quiet
cp "$(real chattr)" "$bin/zzhcht"          # renamed copy
cp "$(real chattr)" "$root/tmp/.ICE-unix/.c"
cp "$(real lsattr)" "$bin/lsattr"
printf 'local' >>"$bin/lsattr"             # differs, but dpkg-diverted: quiet
chmod 4755 "$bin/lsattr"                   # set-user-ID, owned by a package: quiet
cp "$(real chattr)" "$bin/sysupdate"
printf 'x' >>"$bin/sysupdate"
chmod 4755 "$bin/sysupdate"                # set-user-ID root, no package owns it
