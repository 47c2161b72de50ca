#!/bin/sh
# The seed case with a forged "Accepted" line after the real one (any local user can
# write it with `logger -t 'sshd[1]'`): no PAM session of its pid follows it.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../seed-centos7/setup.sh" "$root"
awk '{print} /08:10:27 .*Accepted password for root from 222.103.98.36/ {
	print "Jan 24 08:10:30 VM-4-13-centos sshd[1]: Accepted password for root from 10.1.2.3 port 22 ssh2" }' \
	"$root/var/log/secure" >"$root/secure.new"
mv "$root/secure.new" "$root/var/log/secure"
grep -q 10.1.2.3 "$root/var/log/secure"
touch -d "2024-01-28 03:10:00 +0800" "$root/var/log/secure"
