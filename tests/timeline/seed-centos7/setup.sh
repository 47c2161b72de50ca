#!/bin/sh
# The seed case (001) for the timeline: the CentOS 7 tree of the scan scenario with its
# attack-window times, plus /var/log/secure* (classic syslog times: the year comes from
# the files' mtimes) and an Asia/Shanghai /etc/localtime.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
cp -a "$here/../../scenario/seed-centos7/tree/." "$root/"
sh "$here/../../scenario/seed-centos7/setup.sh" "$root"
mkdir -p "$root/var/log"
cp "$here/log/secure" "$here/log/secure-20240121" "$root/var/log/"
cp /usr/share/zoneinfo/Asia/Shanghai "$root/etc/localtime"
cp "$here/log/bash_history" "$root/root/.bash_history"
touch -d "2024-01-28 03:10:00 +0800" "$root/var/log/secure"
touch -d "2024-01-21 03:10:00 +0800" "$root/var/log/secure-20240121"
