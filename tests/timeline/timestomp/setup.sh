#!/bin/sh
# The seed case with the attacker's five files timestomped (logs review 8): touch -d
# "2019-05-01 12:00" on each. Their identical mtimes must not move the attack window
# away from the real login: the shell history and the password change in the log say
# when the attacker worked.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../seed-centos7/setup.sh" "$root"
for f in usr/bin/dhpcd etc/shadow root/.ssh/authorized_keys etc/rc.d/rc.local var/spool/cron/root; do
	touch -d "2019-05-01 12:00" "$root/$f"
done
