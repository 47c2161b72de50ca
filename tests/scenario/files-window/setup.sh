#!/bin/sh
# setup.sh - file times that git does not keep: everything old, then some files inside
# the window of args (2024-01-24 08:10 to 09:10 at +08:00, 00:10 to 01:10 UTC) and two
# just outside it. ctime cannot be set: it is the time of the copy, outside the window.
set -eu
r=$1
find "$r" -exec touch -h -d '2023-06-01 00:00:00 UTC' {} +
for f in etc/rc.local root/.ssh/authorized_keys usr/bin/dhpcd var/spool/cron/crontabs/root; do
	touch -d '2024-01-24 00:31:07 UTC' "$r/$f"
done
touch -d '2024-01-24 00:45:00 UTC' "$r/usr/bin/hello" "$r/usr/bin/hello-helper"
touch -d '2024-01-24 01:10:00 UTC' "$r/home/alice/edge-until.txt"
touch -d '2024-01-24 00:09:59 UTC' "$r/home/alice/edge-since.txt"
touch -d '2024-01-24 00:09:00 UTC' "$r/tmp/before.txt"
touch -d '2024-01-24 01:11:00 UTC' "$r/tmp/after.txt"
