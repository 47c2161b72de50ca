#!/bin/sh
# hostile.sh - the hostile captures of the pcap review (tests/pcap/hostile.py): spoofed,
# one-sided and flooded input must not hide a miner or make a clean host critical.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
PCAPS=${MINETRACE_PCAPS:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/../pcaps}
[ -d "$PCAPS" ] || PCAPS=/work/shared/data/pcaps
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
python3 "$here/hostile.py" "$MT" "$work" "$PCAPS"
