#!/bin/sh
# respond-immutable.sh - respond on a crontab locked with chattr +i and an rc.local with
# chattr +a, on an ext4 loop image mounted in a private mount namespace (a scratch
# directory when the file system there takes the flags). With the report's clear_flags
# the flags go and the lines go; with only the cron finding the line goes and +i stays;
# restore puts content and flags back. Skips with a message when no flag can be set.
set -eu
MT=${MINETRACE:-build/minetrace}
MT=$(cd "$(dirname "$MT")" && pwd)/$(basename "$MT")
work=$(mktemp -d)
cleanup() {
	chattr -R -i -a "$work" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL respond-immutable: $*"; exit 1; }

unshare -m sh -eu -c '
	work=$1 mt=$2
	mount --make-rprivate / 2>/dev/null || true
	mnt=$work/mnt
	mkdir -p "$mnt"
	if truncate -s 32M "$work/img" && mkfs.ext4 -q -F "$work/img" 2>/dev/null &&
	   mount -o loop "$work/img" "$mnt" 2>/dev/null; then
		echo "on an ext4 loop image"
	else
		echo "on the scratch directory"
	fi
	fail() { echo "FAIL respond-immutable: $*"; chattr -R -i -a "$mnt" 2>/dev/null || true; umount "$mnt" 2>/dev/null || true; exit 1; }
	for case in clear keep; do
		r=$mnt/$case
		mkdir -p "$r/var/spool/cron/crontabs" "$r/etc" "$r/tmp/.x" "$r/var/lib"
		printf "root:x:0:0:root:/root:/bin/bash\n" >"$r/etc/passwd"
		printf "# m h dom mon dow command\n* * * * * /tmp/.x/kdevtmpfsi\n0 4 * * * /usr/sbin/logrotate /etc/logrotate.conf\n" \
			>"$r/var/spool/cron/crontabs/root"
		printf "#!/bin/sh\n/tmp/.x/kdevtmpfsi &\nexit 0\n" >"$r/etc/rc.local"
		chmod 755 "$r/etc/rc.local"
		printf "miner\n" >"$r/tmp/.x/kdevtmpfsi"
		cp "$r/var/spool/cron/crontabs/root" "$work/cron.orig"
		cp "$r/etc/rc.local" "$work/rc.orig"
		if ! chattr +i "$r/var/spool/cron/crontabs/root" 2>/dev/null; then
			echo "respond-immutable: skipped: cannot set chattr +i here"
			exit 0
		fi
		chattr +a "$r/etc/rc.local"
		"$mt" scan --root "$r" --checks persist.cron,persist.rclocal,files.immutable --format json \
			>"$work/$case.jsonl" || true
		grep -q clear_flags "$work/$case.jsonl" || fail "$case: no clear_flags in the report"
		only=
		if [ $case = keep ]; then
			only="--only $(python3 -c "import json,sys
print(\",\".join(o[\"id\"] for o in map(json.loads, open(sys.argv[1])) if o.get(\"check\") in (\"persist.cron\",\"persist.rclocal\")))" "$work/$case.jsonl")"
		fi
		rc=0
		# shellcheck disable=SC2086
		"$mt" respond "$work/$case.jsonl" --root "$r" --apply $only >"$work/$case.txt" || rc=$?
		[ $rc -eq 0 ] || { cat "$work/$case.txt"; fail "$case: exit $rc"; }
		grep -v kdevtmpfsi "$work/cron.orig" | cmp -s - "$r/var/spool/cron/crontabs/root" || fail "$case: cron edit"
		grep -v kdevtmpfsi "$work/rc.orig" | cmp -s - "$r/etc/rc.local" || fail "$case: rc.local edit"
		fl=$(lsattr -d "$r/var/spool/cron/crontabs/root" | cut -c1-22)
		fa=$(lsattr -d "$r/etc/rc.local" | cut -c1-22)
		if [ $case = clear ]; then
			case "$fl$fa" in *i*|*a*) fail "clear: flags left: $fl $fa";; esac
		else
			case "$fl" in *i*) ;; *) fail "keep: +i not kept: $fl";; esac
			case "$fa" in *a*) ;; *) fail "keep: +a not kept: $fa";; esac
		fi
		for id in $("$mt" restore --list --root "$r" | cut -d" " -f1 | sort -r); do
			"$mt" restore --root "$r" "$id" >/dev/null || fail "$case: restore $id"
		done
		cmp -s "$work/cron.orig" "$r/var/spool/cron/crontabs/root" || fail "$case: cron not restored"
		cmp -s "$work/rc.orig" "$r/etc/rc.local" || fail "$case: rc.local not restored"
		case "$(lsattr -d "$r/var/spool/cron/crontabs/root" | cut -c1-22)" in *i*) ;; *) fail "$case: +i not restored";; esac
		case "$(lsattr -d "$r/etc/rc.local" | cut -c1-22)" in *a*) ;; *) fail "$case: +a not restored";; esac
		echo "ok respond-immutable: $case"
	done
	chattr -R -i -a "$mnt" 2>/dev/null || true
	umount "$mnt" 2>/dev/null || true
' sh "$work" "$MT"
