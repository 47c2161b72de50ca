#!/bin/sh
# noise-worktree's developer host (its loud parts removed) with a real miner: XMRig as
# /tmp/.X25-unix/.rsync/kswapd0 restarted every minute from alice's crontab. The miner and
# its cron line are one incident, the first one, at critical; the work trees stay low.
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
