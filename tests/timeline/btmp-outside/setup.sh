#!/bin/sh
# The binary-logs case plus an auth.log whose only failures are three days before btmp's
# and whose last line is after them, with nothing between (logs review 6): btmp's
# failures are dropped only where a text log covers their time (not in its longest
# silence, where lines were cut out), so the brute force btmp alone recorded counts.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../binary-logs/setup.sh" "$root"
cat >"$root/var/log/auth.log" <<'L'
2024-03-06T15:50:00.000000+00:00 deb sshd[70]: Failed password for root from 192.0.2.77 port 1 ssh2
2024-03-06T15:50:03.000000+00:00 deb sshd[70]: Failed password for root from 192.0.2.77 port 2 ssh2
2024-03-09T16:01:00.000000+00:00 deb CRON[90]: pam_unix(cron:session): session opened for user root
L
touch -d @1710000100 "$root/var/log/auth.log"
