#!/bin/sh
# The Debian 12 case with the auth logs' mtimes set back to 2023-06-01: their RFC 3339
# lines carry the year and must not be rejected because of the mtime (finding 7).
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../debian12/setup.sh" "$root"
for f in "$root"/var/log/auth.log*; do
	touch -d "2023-06-01 00:00:00 UTC" "$f"
done
