#!/bin/sh
# hostile.sh - the security review's reproductions (docs/respond.md "What respond refuses"):
# each case is a scratch tree under mktemp -d where a report, honest or edited, would make
# respond or restore touch what the plan does not name. Scratch trees only.
set -eu
MT=${MINETRACE:-build/minetrace}
W=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
trap 'exit 130' INT TERM HUP
fail() { echo "FAIL respond-hostile: $*"; exit 1; }
sha() { sha256sum <"$1" | cut -c1-64; }
base() { # $1 root: the least a tree needs
	mkdir -p "$1/etc" "$1/tmp" "$1/var/lib" "$1/var/spool/cron" "$1/root"
	echo 'root:x:0:0::/root:/bin/sh' >"$1/etc/passwd"
}
finding() { # $1 id number, $2 remedy JSON list
	printf '{"type":"finding","id":"MT-%016x","check":"files.suspicious","severity":"high","title":"t","evidence":{},"remedy":%s}\n' "$1" "$2"
}

# ---- 1. a cron line naming a symlink to a key: only the link goes ----
R=$W/t1
base "$R"
mkdir -p "$R/etc/ssl/private"
echo KEY >"$R/etc/ssl/private/server.key"
ln -s /etc/ssl/private/server.key "$R/tmp/.x"
echo '* * * * * /tmp/.x' >"$R/var/spool/cron/root"
"$MT" scan --root "$R" --format json --checks persist. >"$W/r1.jsonl" || true
grep -q '"quarantine_file","path":"/tmp/.x"' "$W/r1.jsonl" || fail "1: the scan names no quarantine of /tmp/.x"
"$MT" respond "$W/r1.jsonl" --root "$R" --apply --no-verify >"$W/o1.txt" 2>&1 || true
[ -f "$R/etc/ssl/private/server.key" ] || { cat "$W/o1.txt"; fail "1: server.key was taken through the link"; }
[ ! -L "$R/tmp/.x" ] || fail "1: the link itself is still there"
# an edited report: the link's sha256 names some other content: the target stays too
ln -s /etc/ssl/private/server.key "$R/tmp/.y"
finding 1 '[{"action":"quarantine_file","path":"/tmp/.y","sha256":"'"$(printf 'other' | sha256sum | cut -c1-64)"'"}]' >"$W/r1b.jsonl"
"$MT" respond "$W/r1b.jsonl" --root "$R" --apply --no-verify >"$W/o1b.txt" 2>&1 || true
[ -f "$R/etc/ssl/private/server.key" ] || { cat "$W/o1b.txt"; fail "1: target taken though its hash differs"; }
# a file named directly with no sha256 that is not a program, and a key file without
# its hash: refused
mkdir -p "$R/root/.ssh"
echo 'ssh-ed25519 AAAA admin' >"$R/root/.ssh/authorized_keys"
echo 'data' >"$R/tmp/notes.txt"
finding 2 '[{"action":"quarantine_file","path":"/root/.ssh/authorized_keys"},{"action":"quarantine_file","path":"/tmp/notes.txt"}]' >"$W/r1c.jsonl"
"$MT" respond "$W/r1c.jsonl" --root "$R" --apply --no-verify >"$W/o1c.txt" 2>&1 || true
[ -f "$R/root/.ssh/authorized_keys" ] || { cat "$W/o1c.txt"; fail "1: authorized_keys quarantined on a path alone"; }
[ -f "$R/tmp/notes.txt" ] || fail "1: a non-program quarantined without a sha256"
grep -q "holds keys or system configuration" "$W/o1c.txt" || { cat "$W/o1c.txt"; fail "1: no reason for the key file"; }
grep -q "is not a program" "$W/o1c.txt" || fail "1: no reason for the text file"
# the honest case still works: an ELF-less script with #! and x, and a link whose target
# the scan hashed
printf '#!/bin/sh\nsleep 1\n' >"$R/tmp/.m"; chmod 755 "$R/tmp/.m"
ln -s /tmp/.m "$R/tmp/.l"
echo '* * * * * /tmp/.l' >"$R/var/spool/cron/root"
"$MT" scan --root "$R" --format json --checks persist. >"$W/r1d.jsonl" || true
"$MT" respond "$W/r1d.jsonl" --root "$R" --apply --no-verify >"$W/o1d.txt" 2>&1 || true
[ ! -e "$R/tmp/.m" ] && [ ! -L "$R/tmp/.l" ] || { cat "$W/o1d.txt"; fail "1: the hashed target was not followed"; }
echo "ok respond-hostile 1: links removed alone, targets only with a matching sha256, keys and text refused"

# ---- 6. a hard link to a critical file: never quarantined, edited or its flags cleared ----
R=$W/t6
base "$R"
echo 'root:$6$x:19000:0:99999:7:::' >"$R/etc/shadow"
ln "$R/etc/shadow" "$R/tmp/.s"
printf '\177ELF' >>"$R/tmp/.s" # the file looks like a program and the report gives its hash
h=$(sha "$R/etc/shadow")
lh=$(head -n 1 "$R/etc/shadow" | tr -d '\n' | sha256sum | cut -c1-64)
finding 6 '[{"action":"quarantine_file","path":"/tmp/.s","sha256":"'"$h"'"},{"action":"remove_line","path":"/tmp/.s","lineno":1,"line_sha256":"'"$lh"'"},{"action":"clear_flags","path":"/tmp/.s","flags":"i"}]' >"$W/r6.jsonl"
"$MT" respond "$W/r6.jsonl" --root "$R" --apply --no-verify >"$W/o6.txt" 2>&1 || true
[ -f "$R/etc/shadow" ] && [ "$(sha "$R/etc/shadow")" = "$h" ] || { cat "$W/o6.txt"; fail "6: shadow changed through a hard link"; }
[ "$(stat -c %h "$R/etc/shadow")" = 2 ] || { cat "$W/o6.txt"; fail "6: the hard link was taken"; }
[ "$(grep -c 'hard links' "$W/o6.txt")" -ge 3 ] || { cat "$W/o6.txt"; fail "6: not refused three times"; }
echo "ok respond-hostile 6: hard links refused for quarantine, edit and clear_flags"

# ---- 3. restoring an edit must not undo what was done to the file since ----
R=$W/t3
base "$R"
printf 'root:$6$old:19000:0:99999:7:::\nevil:$6$x:19000:0:99999:7:::\n' >"$R/etc/shadow"
echo 'evil:x:0:0::/root:/bin/sh' >>"$R/etc/passwd"
finding 3 '[{"action":"lock_account","user":"evil"}]' >"$W/r3.jsonl"
"$MT" respond "$W/r3.jsonl" --root "$R" --apply --no-verify >"$W/o3.txt" 2>&1 || { cat "$W/o3.txt"; fail "3: lock exit"; }
grep -q '^evil:!' "$R/etc/shadow" || { cat "$W/o3.txt"; fail "3: not locked"; }
# the responder then sets a new root password
sed -i 's/^root:[^:]*:/root:$6$NEW:/' "$R/etc/shadow"
cp "$R/etc/shadow" "$W/shadow.new"
id=$("$MT" restore --list --root "$R" | awk '$2 == "edit" { print $1 }')
[ -n "$id" ] || fail "3: no edit entry"
rc=0
"$MT" restore --root "$R" "$id" >"$W/o3b.txt" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "3: the restore over a changed file succeeded"
grep -q "changed since the edit" "$W/o3b.txt" || { cat "$W/o3b.txt"; fail "3: no reason"; }
cmp -s "$R/etc/shadow" "$W/shadow.new" || fail "3: the new root password was undone"
"$MT" restore --root "$R" --force "$id" >/dev/null 2>&1 || fail "3: --force refused"
grep -q '^root:$6$old:' "$R/etc/shadow" || fail "3: --force did not restore"
echo "ok respond-hostile 3: an edit is restored only while the file is what the edit left (or --force)"

# ---- 4. the quarantine directory, journal and entries must be respond's own ----
mkr4() { # $1 root with a program to quarantine and the report for it
	base "$1"
	printf '\177ELFminer' >"$1/tmp/.m"; chmod 755 "$1/tmp/.m"
	finding 4 '[{"action":"quarantine_file","path":"/tmp/.m","sha256":"'"$(sha "$1/tmp/.m")"'"}]' >"$W/r4.jsonl"
}
# a default quarantine made beforehand by another user, open to all
R=$W/t4a; mkr4 "$R"
mkdir -p "$R/var/lib/minetrace/quarantine"
chown 1000:1000 "$R/var/lib/minetrace/quarantine"; chmod 0777 "$R/var/lib/minetrace/quarantine"
rc=0; "$MT" respond "$W/r4.jsonl" --root "$R" --apply --no-verify >"$W/o4a.txt" 2>&1 || rc=$?
[ $rc -ne 0 ] && [ -f "$R/tmp/.m" ] || { cat "$W/o4a.txt"; fail "4: a quarantine owned by uid 1000 was used"; }
# the journal a hard link to /etc/shadow, or a FIFO
R=$W/t4b; mkr4 "$R"
echo 'root:$6$x:19000:0:99999:7:::' >"$R/etc/shadow"; hs=$(sha "$R/etc/shadow")
mkdir -p "$R/var/lib/minetrace/quarantine"; chmod 700 "$R/var/lib/minetrace/quarantine"
ln "$R/etc/shadow" "$R/var/lib/minetrace/quarantine/journal.jsonl"
rc=0; "$MT" respond "$W/r4.jsonl" --root "$R" --apply --no-verify >"$W/o4b.txt" 2>&1 || rc=$?
[ "$(sha "$R/etc/shadow")" = "$hs" ] || fail "4: JSON appended to /etc/shadow through the journal"
[ $rc -ne 0 ] && [ -f "$R/tmp/.m" ] || { cat "$W/o4b.txt"; fail "4: ran with a hard-linked journal"; }
rm "$R/var/lib/minetrace/quarantine/journal.jsonl"
mkfifo "$R/var/lib/minetrace/quarantine/journal.jsonl"
rc=0; timeout 20 "$MT" respond "$W/r4.jsonl" --root "$R" --apply --no-verify >"$W/o4c.txt" 2>&1 || rc=$?
[ $rc -ne 124 ] || fail "4: a FIFO journal hangs respond"
[ $rc -ne 0 ] && [ -f "$R/tmp/.m" ] || { cat "$W/o4c.txt"; fail "4: ran with a FIFO journal"; }
# restore --list through a symbolic link ROOT/var: refused, not read outside the root
R=$W/t4d; mkr4 "$R"
mkdir -p "$W/outside"
"$MT" respond "$W/r4.jsonl" --root "$R" --apply --no-verify >/dev/null 2>&1 || fail "4: honest run"
mv "$R/var" "$W/outside/var"; ln -s "$W/outside/var" "$R/var"
rc=0; "$MT" restore --list --root "$R" >"$W/o4d.txt" 2>&1 || rc=$?
[ $rc -ne 0 ] || { cat "$W/o4d.txt"; fail "4: restore --list followed a symlinked ROOT/var"; }
rm "$R/var"; mv "$W/outside/var" "$R/var"
# an entry's meta.json edited to give the file a setuid mode: restore refuses it
id=$("$MT" restore --list --root "$R" | awk '$2 == "file" { print $1 }')
mj=$R/var/lib/minetrace/quarantine/$id/meta.json
chmod 600 "$mj"; sed -i 's/"mode":[0-9]*/"mode":2541/' "$mj"; chmod 400 "$mj"
rc=0; "$MT" restore --root "$R" "$id" >"$W/o4e.txt" 2>&1 || rc=$?
[ $rc -ne 0 ] && [ ! -e "$R/tmp/.m" ] || { cat "$W/o4e.txt"; fail "4: a setuid mode from meta.json restored"; }
grep -q "setuid" "$W/o4e.txt" || { cat "$W/o4e.txt"; fail "4: no reason for the setuid refusal"; }
# an entry whose meta.json belongs to another user: not trusted
chown 1000 "$mj"
rc=0; "$MT" restore --root "$R" --force "$id" >"$W/o4f.txt" 2>&1 || rc=$?
[ $rc -ne 0 ] && [ ! -e "$R/tmp/.m" ] || { cat "$W/o4f.txt"; fail "4: meta.json of uid 1000 trusted"; }
echo "ok respond-hostile 4: foreign quarantine, linked or FIFO journal, symlinked root path, set-id and foreign metadata refused"

# ---- 5. reinfection after a run: the same report takes the miner and its line again ----
R=$W/t5
base "$R"
printf '\177ELFminer' >"$R/tmp/.m"; chmod 755 "$R/tmp/.m"
echo '* * * * * /tmp/.m' >"$R/var/spool/cron/root"
cp "$R/tmp/.m" "$W/m5"; cp "$R/var/spool/cron/root" "$W/cron5"
"$MT" scan --root "$R" --format json --checks persist. >"$W/r5.jsonl" || true
"$MT" respond "$W/r5.jsonl" --root "$R" --apply --no-verify >"$W/o5.txt" 2>&1 || { cat "$W/o5.txt"; fail "5: first run"; }
[ ! -e "$R/tmp/.m" ] && ! grep -q tmp "$R/var/spool/cron/root" || { cat "$W/o5.txt"; fail "5: first run left the miner"; }
cp -p "$W/m5" "$R/tmp/.m"; cp "$W/cron5" "$R/var/spool/cron/root"
"$MT" respond "$W/r5.jsonl" --root "$R" --apply --no-verify >"$W/o5b.txt" 2>&1 || true
[ ! -e "$R/tmp/.m" ] || { cat "$W/o5b.txt"; fail "5: the miner put back survives the second run (already done)"; }
! grep -q tmp "$R/var/spool/cron/root" || { cat "$W/o5b.txt"; fail "5: the cron line put back survives"; }
# a third run with nothing back: already done
"$MT" respond "$W/r5.jsonl" --root "$R" --apply --no-verify >"$W/o5c.txt" 2>&1 || { cat "$W/o5c.txt"; fail "5: third run"; }
[ "$(grep -c '^\[already done\]' "$W/o5c.txt")" -eq 2 ] || { cat "$W/o5c.txt"; fail "5: third run not already done"; }
echo "ok respond-hostile 5: a reinfected host is cleaned again by the same report"

# ---- 7. a crash between clearing the i flag and the edit: the rerun puts i back ----
R=$W/t7
base "$R"
echo '* * * * * /tmp/.gone' >"$R/var/spool/cron/root"
if chattr +i "$R/var/spool/cron/root" 2>/dev/null; then
	chattr -i "$R/var/spool/cron/root"
	"$MT" scan --root "$R" --format json --checks persist. >"$W/r7.jsonl" || true
	grep -q '"remove_line"' "$W/r7.jsonl" || fail "7: no remove_line in the report"
	chattr +i "$R/var/spool/cron/root"
	rc=0
	MINETRACE_RESPOND_CRASH_AT=1 "$MT" respond "$W/r7.jsonl" --root "$R" --apply --no-verify >/dev/null 2>&1 || rc=$?
	[ $rc -eq 86 ] || { chattr -i "$R/var/spool/cron/root"; fail "7: exit $rc, expected the crash hook's 86"; }
	"$MT" respond "$W/r7.jsonl" --root "$R" --apply --no-verify >"$W/o7.txt" 2>&1 || true
	fl=$(lsattr -d "$R/var/spool/cron/root" | cut -d' ' -f1)
	chattr -i "$R/var/spool/cron/root" 2>/dev/null || true
	grep -q tmp "$R/var/spool/cron/root" && { cat "$W/o7.txt"; fail "7: the line is still there"; }
	case "$fl" in *i*) ;; *) cat "$W/o7.txt"; fail "7: the i flag was lost after the crash ($fl)";; esac
	echo "ok respond-hostile 7: the i flag survives a crash in the middle of the edit"
else
	echo "respond-hostile 7: skipped: chattr +i does not work under $W"
fi

# ---- 8. terminal escapes from the report or meta.json never reach the terminal ----
R=$W/t8
base "$R"
esc=$(printf '\033')
printf '{"type":"finding","id":"MT-0000000000000008","check":"files.suspicious","severity":"high\\u001b]0;pwned\\u0007","title":"t","evidence":{},"remedy":[{"action":"block_ip","ip":"1.2.3.4"}]}\n' >"$W/r8.jsonl"
"$MT" respond "$W/r8.jsonl" --root "$R" >"$W/o8.txt" 2>&1 || true
grep -q "1.2.3.4" "$W/o8.txt" || { cat "$W/o8.txt"; fail "8: no plan"; }
! grep -q "$esc" "$W/o8.txt" || fail "8: an escape from the report's severity reached the terminal"
printf '\177ELFminer' >"$R/tmp/.m"; chmod 755 "$R/tmp/.m"
finding 8 '[{"action":"quarantine_file","path":"/tmp/.m","sha256":"'"$(sha "$R/tmp/.m")"'"}]' >"$W/r8b.jsonl"
"$MT" respond "$W/r8b.jsonl" --root "$R" --apply --no-verify >/dev/null 2>&1 || fail "8: quarantine"
for mj in "$R"/var/lib/minetrace/quarantine/*/meta.json; do
	chmod 600 "$mj"; sed -i 's/"kind":"file"/"kind":"file\\u001b[2J"/; s/"time":"/"time":"\\u001b]0;x\\u0007/' "$mj"; chmod 400 "$mj"
done
"$MT" restore --list --root "$R" >"$W/o8b.txt" 2>&1 || true
grep -q "tmp/.m" "$W/o8b.txt" || { cat "$W/o8b.txt"; fail "8: the entry is not listed"; }
! grep -q "$esc" "$W/o8b.txt" || fail "8: an escape from meta.json reached the terminal"
echo "ok respond-hostile 8: severity, kind and time shown escaped"

# ---- 9. block_ip never cuts the host off: mapped loopback, link-local, its name server ----
R=$W/t9
base "$R"
echo 'nameserver 192.0.2.53' >"$R/etc/resolv.conf"
finding 9 '[{"action":"block_ip","ip":"::ffff:127.0.0.1"},{"action":"block_ip","ip":"169.254.169.254"},{"action":"block_ip","ip":"fe80::1"},{"action":"block_ip","ip":"192.0.2.53"},{"action":"block_ip","ip":"203.0.113.7"}]' >"$W/r9.jsonl"
"$MT" respond "$W/r9.jsonl" --root "$R" --apply --no-verify >"$W/o9.txt" 2>&1 || true
for w in "::ffff:127.0.0.1 is an IPv4-mapped address" "169.254.169.254 is a link-local address" \
	"fe80::1 is a link-local address" "192.0.2.53 is this host's own address, gateway or name server"; do
	grep -q -- "$w" "$W/o9.txt" || { cat "$W/o9.txt"; fail "9: no '$w'"; }
done
nft=$R/var/lib/minetrace/quarantine/firewall.nft
grep -q "203.0.113.7" "$nft" || { cat "$W/o9.txt"; fail "9: the attacker address is not blocked"; }
! grep -q -e "169.254" -e "192.0.2.53" -e "fe80" -e "ffff" "$nft" || fail "9: a refused address is in the rules"
echo "ok respond-hostile 9: mapped loopback, link-local and the host's name server not blocked"
