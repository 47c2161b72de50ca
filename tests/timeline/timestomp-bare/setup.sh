#!/bin/sh
# The timestomp case without what dates the attacker's actions (no shell history, no
# password change in the log): the stomped mtimes are all there is, so they still place
# a window (as before), and the files are still named as possibly timestomped.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../timestomp/setup.sh" "$root"
rm -f "$root/root/.bash_history"
grep -v 'password changed' "$root/var/log/secure" >"$root/secure.tmp"
mv "$root/secure.tmp" "$root/var/log/secure"
touch -d "2024-01-28 03:10:00 +0800" "$root/var/log/secure"
