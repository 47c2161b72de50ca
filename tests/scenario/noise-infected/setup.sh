#!/bin/sh
# noise-worktree's developer host (its loud parts removed) with a real miner: XMRig as
# /tmp/.X25-unix/.rsync/kswapd0 restarted every minute from alice's crontab. The miner and
# its cron line are one incident, the first one, at critical, with the way in: the password
# login after a brute force an hour before; the work trees stay low.
set -eu
r=$1
here=$(cd "$(dirname "$0")" && pwd)
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
sh "$here/../noise-worktree/setup.sh" "$r"
rm -rf "$r/tmp/.cache-x" "$r/tmp/fake" "$r/tmp/sectool/tests/fixtures/xmrig-sample"
mkdir -p "$r/tmp/.X25-unix/.rsync" "$r/var/spool/cron/crontabs"
cp "$samples/xmrig" "$r/tmp/.X25-unix/.rsync/kswapd0"
chmod 0755 "$r/tmp/.X25-unix/.rsync/kswapd0"
printf '* * * * * /tmp/.X25-unix/.rsync/kswapd0 -B -o pool.supportxmr.com:443 >/dev/null 2>&1\n' \
	>"$r/var/spool/cron/crontabs/alice"
# the way in: a password guessed for alice an hour before the miner appeared
mkdir -p "$r/var/log"
t0=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M)
t1=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M)
i=10
while [ $i -lt 40 ]; do
	printf '%s:%02d.000000+00:00 dev1 sshd[%d]: Failed password for alice from 203.0.113.50 port %d ssh2\n' \
		"$t0" $i $((5000 + i)) $((42000 + i))
	i=$((i + 1))
done >"$r/var/log/auth.log"
printf '%s:05.000000+00:00 dev1 sshd[5100]: Accepted password for alice from 203.0.113.50 port 42100 ssh2\n' \
	"$t1" >>"$r/var/log/auth.log"
printf '%s:05.000000+00:00 dev1 sshd[5100]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)\n' \
	"$t1" >>"$r/var/log/auth.log"
