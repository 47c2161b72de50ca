#!/bin/sh
# A CentOS 7-like root whose rpm database is the Berkeley DB Packages file (made by
# tests/fixtures/rpmdb/make.sh with rpmbuild and db5.3_load): /usr/bin/ps is a TeamTNT
# style wrapper script (its SHA-256 is not procps-ng's), /bin/netstat (MD5 package, seen
# through merged /usr as /usr/bin/netstat) is a different binary, /usr/bin/dhpcd is the
# real XMRig that no package owns (the seed case); ls, top and pgrep are what their
# packages installed and /etc/coreutils.conf is a locally edited %config file: quiet.
# RPMDB selects the database layout: bdb (default) or sqlite (Fedora 33+, RHEL 9).
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/../../fixtures/rpmdb
mkdir -p "$root/usr/bin" "$root/etc" "$root/tmp"
ln -sfn usr/bin "$root/bin"
case "${RPMDB:-bdb}" in
bdb)
	mkdir -p "$root/var/lib/rpm"
	cp "$fx/Packages" "$root/var/lib/rpm/Packages" ;;
sqlite)
	mkdir -p "$root/usr/lib/sysimage/rpm" "$root/var/lib"
	cp "$fx/rpmdb.sqlite" "$root/usr/lib/sysimage/rpm/rpmdb.sqlite"
	ln -sfn ../../usr/lib/sysimage/rpm "$root/var/lib/rpm" ;;
esac
for f in ls top pgrep; do install -m 0755 "$fx/files/$f" "$root/usr/bin/$f"; done
printf '# coreutils configuration, edited by the admin\nfoo=1\n' >"$root/etc/coreutils.conf"
cat >"$root/usr/bin/ps" <<'PS'
#!/bin/bash
/usr/lib/.procps/ps "$@" | grep -v -E 'xmrig|dhpcd|kdevtmpfsi'
PS
chmod 0755 "$root/usr/bin/ps"
printf '\177ELF a netstat that hides :3333\n' >"$root/usr/bin/netstat"
chmod 0755 "$root/usr/bin/netstat"
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
install -m 0755 "$samples/xmrig" "$root/usr/bin/dhpcd"
