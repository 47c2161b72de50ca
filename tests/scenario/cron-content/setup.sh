#!/bin/sh
# The real XMRig renamed /usr/local/bin/sysmond (no miner's name, no temporary or hidden
# place), run by a cron.d line and a unit: both are critical because of what the file they
# run is (its hash, its code), not where it lies or what it is called.
set -e
here=$(cd "$(dirname "$0")" && pwd)
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
mkdir -p "$1/usr/local/bin"
cp "$samples/xmrig" "$1/usr/local/bin/sysmond"
chmod 755 "$1/usr/local/bin/sysmond"
