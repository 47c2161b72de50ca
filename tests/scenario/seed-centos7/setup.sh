#!/bin/sh
# The seed case (001) on CentOS 7: /usr/bin/dhpcd is the real XMRig (a copy, never run),
# and the attacker's files carry the times of the attack window 2024-01-24 08:10-08:13
# +08:00; /etc/crontab was touched in the window but is clean.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$root/usr/bin" "$root/home/lighthouse"   # git keeps no empty directory
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
cp "$samples/xmrig" "$root/usr/bin/dhpcd"
chmod 755 "$root/usr/bin/dhpcd"
mkdir -p "$root/bin"
ln -sf ../usr/bin/dhpcd "$root/bin/dhpcd"
t() { touch -h -d "$1" "$root/$2"; }
t "2024-01-24 08:10:31 +0800" usr/bin/dhpcd
t "2024-01-24 08:11:02 +0800" etc/shadow
t "2024-01-24 08:11:40 +0800" root/.ssh/authorized_keys
t "2024-01-24 08:12:15 +0800" etc/rc.d/rc.local
t "2024-01-24 08:12:50 +0800" var/spool/cron/root
t "2024-01-24 08:13:05 +0800" etc/crontab
