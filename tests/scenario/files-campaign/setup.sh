#!/bin/sh
# setup.sh - what git cannot hold: the real XMRig (a copy, never run), a "..." directory,
# a UNIX socket, empty directories and binaries of this machine.
set -eu
r=$1
here=$(cd "$(dirname "$0")" && pwd)
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
[ -f "$samples/xmrig" ] || { echo "setup: no xmrig sample in $samples" >&2; exit 1; }
# Outlaw's layout: the miner as kswapd0 in /tmp/.X25-unix/.rsync beside its config.json
cp "$samples/xmrig" "$r/tmp/.X25-unix/.rsync/kswapd0"
chmod 0755 "$r/tmp/.X25-unix/.rsync/kswapd0"
# H2Miner's miner name in a directory named "..." (a harmless ELF under that name)
mkdir -p "$r/var/tmp/..."
cp /bin/true "$r/var/tmp/.../kdevtmpfsi"
# a program hidden at the top of ~/.cache
cp /bin/true "$r/home/alice/.cache/kthreadd"
# a shared library unpacked into /tmp as PyInstaller does: medium, not high
mkdir -p "$r/tmp/_MEI48213"
cp /bin/true "$r/tmp/_MEI48213/libpython3.11.so.1.0"
# benign: a tool installed by pip into ~/.local/bin, systemd's private /tmp of a service,
# the X server's socket and lock file
mkdir -p "$r/home/alice/.local/bin"
cp /bin/true "$r/home/alice/.local/bin/black"
mkdir -p "$r/tmp/systemd-private-0f1e2d3c4b5a69788796a5b4c3d2e1f0-apache2.service-Ab12Cd/tmp"
printf 'a|s:1:"b";\n' >"$r/tmp/systemd-private-0f1e2d3c4b5a69788796a5b4c3d2e1f0-apache2.service-Ab12Cd/tmp/sess_4f2a"
mkdir -p "$r/tmp/.X11-unix" "$r/tmp/.ICE-unix" "$r/dev/shm"
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$r/tmp/.X11-unix/X0"
printf '       742\n' >"$r/tmp/.X0-lock"
# a copy of minetrace itself, as a responder leaves it in /tmp: named in a diagnostic only
mt=${MINETRACE:-build/minetrace}
[ -f "$mt" ] && cp "$mt" "$r/tmp/minetrace" || true
# a miner carrying minetrace's own marker, to pass for a copy of minetrace: still a miner
mkdir -p "$r/var/tmp/.font-unix"
cat "$samples/xmrig" >"$r/var/tmp/.font-unix/Xorg"
printf '\n@source minetrace maintainers\n' >>"$r/var/tmp/.font-unix/Xorg"
chmod 0755 "$r/var/tmp/.font-unix/Xorg"
