#!/bin/sh
# sshd.sh - fleet scan against real OpenSSH servers (Debian's sshd) started by this test:
# two in UTS namespaces of their own (their own host names) on loopback addresses of a
# network namespace of the test's own (nothing reaches any other address), with
# throw-away host keys and a test key; a third address refuses, a fourth accepts and
# never answers. The two are scanned with the binary copied over scp, their reports
# pulled back and ingested; the other two get a clear per-host error; nothing is left on
# the hosts. The user's own ssh configuration is used, with the test's known_hosts and key.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL fleet-sshd: $*"; exit 1; }
[ -x /usr/sbin/sshd ] || fail "no sshd (apt-get install openssh-server)"
MT=$(cd "$(dirname "$MT")" && pwd -P)/$(basename "$MT")
BIN=$(dirname "$MT")/minetrace-static
[ -x "$BIN" ] || BIN=$MT
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
ssh-keygen -q -t ed25519 -N '' -f "$work/hostkey" || fail "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -f "$work/id" || fail "ssh-keygen"
cp "$work/id.pub" "$work/authorized_keys"
for i in 1 2; do
	cat >"$work/sshd$i.conf" <<CONF
ListenAddress 127.0.0.1$i:22
HostKey $work/hostkey
PidFile $work/sshd$i.pid
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
done
cp "$here/../../contrib/ansible/minetrace.yml" "$work/playbook.yml"
cat >"$work/inventory" <<'INV'
# the fleet: two hosts by address, one as an Ansible host line
root@127.0.0.11
[web]
web-b ansible_host=127.0.0.12 ansible_user=root
root@127.0.0.13
root@127.0.0.14
INV
# shellcheck disable=SC2016
unshare -m -n sh -c '
	work=$1 mt=$2 bin=$3
	mount --make-rprivate /
	mount -t tmpfs -o mode=755 mt-sshd /run
	mkdir -m 755 /run/sshd
	ip link set lo up
	for i in 1 2; do
		unshare -u sh -c "hostname fleet-host$i; exec /usr/sbin/sshd -D -e -f $work/sshd$i.conf" \
			>"$work/sshd$i.log" 2>&1 &
	done
	python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"127.0.0.14\", 22)); s.listen(4)
open(\"$work/silent.ready\", \"w\").close()
c = s.accept(); time.sleep(120)" &
	silent=$!
	i=0
	while [ ! -s "$work/sshd1.pid" ] || [ ! -s "$work/sshd2.pid" ] || [ ! -e "$work/silent.ready" ]; do
		i=$((i + 1)); [ $i -le 100 ] || break; sleep 0.1
	done
	rc=0
	"$mt" fleet scan --inventory "$work/inventory" --output-dir "$work/out" --db "$work/fleet.db" \
		--timeout 4 --binary "$bin" --ssh-option "UserKnownHostsFile=$work/known_hosts" \
		--ssh-option StrictHostKeyChecking=accept-new --ssh-option "IdentityFile=$work/id" \
		--ssh-option IdentitiesOnly=yes >"$work/scan.out" 2>"$work/scan.err" || rc=$?
	echo $rc >"$work/scan.rc"
	ls -d /tmp/minetrace.* >"$work/left" 2>/dev/null || true
	# the Ansible playbook of contrib/ against the same two hosts, when Ansible is there
	if command -v ansible-playbook >/dev/null; then
		printf "[fleet]\n127.0.0.11\n127.0.0.12\n" >"$work/ansible.ini"
		mkdir -p "$work/home" "$work/rtmp"
		HOME=$work/home ANSIBLE_LOCAL_TEMP=$work/home/tmp ANSIBLE_NOCOLOR=1 \
		ANSIBLE_SSH_ARGS="-o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes" \
		ansible-playbook -i "$work/ansible.ini" "$work/playbook.yml" \
			-e "ansible_user=root ansible_ssh_private_key_file=$work/id ansible_become=false" \
			-e "ansible_remote_tmp=$work/rtmp minetrace_binary=$bin minetrace_out=$work/ansible-out" \
			>"$work/ansible.log" 2>&1
		echo $? >"$work/ansible.rc"
		ls -d /tmp/minetrace.* >"$work/left-ansible" 2>/dev/null || true
	fi
	kill "$(cat "$work/sshd1.pid")" "$(cat "$work/sshd2.pid")" $silent 2>/dev/null
	wait 2>/dev/null
' sh "$work" "$MT" "$BIN" || fail "the namespace"
cat "$work/scan.err"
[ "$(cat "$work/scan.rc")" = 1 ] || { cat "$work/sshd1.log"; fail "exit $(cat "$work/scan.rc"), expected 1 (two hosts could not be scanned)"; }
grep -q "^minetrace: root@127.0.0.11: scanned" "$work/scan.err" || fail "127.0.0.11 not scanned"
grep -q "^minetrace: web-b: scanned" "$work/scan.err" || fail "web-b not scanned"
grep -q "^minetrace: root@127.0.0.13: unreachable: .*refused" "$work/scan.err" || fail "no refusal for 127.0.0.13"
grep -q "^minetrace: root@127.0.0.14: unreachable: no answer within 4 s" "$work/scan.err" || fail "no timeout for the silent 127.0.0.14"
[ ! -s "$work/left" ] || fail "left on the hosts: $(cat "$work/left")"
for f in 127.0.0.11.scan 127.0.0.11.timeline 127.0.0.12.scan 127.0.0.12.timeline; do
	[ -s "$work/out/$f.jsonl" ] || fail "no report $f"
done
if [ -f "$work/ansible.rc" ]; then
	[ "$(cat "$work/ansible.rc")" = 0 ] || { tail -30 "$work/ansible.log"; fail "ansible-playbook: exit $(cat "$work/ansible.rc")"; }
	[ ! -s "$work/left-ansible" ] || fail "the playbook left: $(cat "$work/left-ansible")"
	"$MT" fleet ingest --db "$work/ansible.db" "$work"/ansible-out/*/*.jsonl || fail "ingest of the playbook's reports"
	n=$("$MT" fleet report --db "$work/ansible.db" --format json | grep -c '"type":"fleet_host"')
	[ "$n" = 2 ] || fail "the playbook's reports give $n hosts, expected 2"
	echo "fleet-sshd: contrib/ansible/minetrace.yml swept the same two hosts"
else
	echo "skip fleet-sshd ansible part: no ansible-playbook"
fi
"$MT" fleet report --db "$work/fleet.db" --format json >"$work/fleet.jsonl"
python3 - "$work/fleet.jsonl" <<'EOT' || fail "the fleet of the two hosts"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
hosts = sorted(o["host"] for o in objs if o["type"] == "fleet_host")
assert hosts == ["fleet-host1", "fleet-host2"], hosts
assert all(o["scanned"] for o in objs if o["type"] == "fleet_host")
print("fleet-sshd: two real sshds scanned over ssh/scp (%s), one refused, one silent, nothing left behind" % ", ".join(hosts))
EOT
