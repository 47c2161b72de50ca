#!/bin/sh
# setup.sh - an mtime set back before the window (as touch -r /etc/hosts does after a
# drop) and one inside it; the ctime of every file is the copy's, inside the open window.
set -eu
r=$1
touch -d '2019-03-01 12:00:00 UTC' "$r/etc/passwd"
touch -d '2024-01-24 00:31:07 UTC' "$r/usr/local/bin/update"
