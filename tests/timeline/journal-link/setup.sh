#!/bin/sh
# The journal case with the journal hidden the cheap ways (logs review 6): the directory
# moved and var/log/journal made an absolute symbolic link to it (inside the root: it is
# followed there), and auth.log cut to one byte (its "lines" must not make the journal's
# failures count for nothing).
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../journal/setup.sh" "$root"
mkdir -p "$root/srv"
mv "$root/var/log/journal" "$root/srv/journal"
ln -s /srv/journal "$root/var/log/journal"
printf 'x' >"$root/var/log/auth.log"
touch -d @1710000100 "$root/var/log/auth.log"
