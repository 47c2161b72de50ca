#!/bin/sh
# cli.sh - the command-line contract: exit statuses, clear errors on bad input, --output,
# --lang, --fail-on, stable ids, escaping, rules list/check.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
scen="$here/../scenario"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
failed=0 passed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL cli: $*"; failed=$((failed + 1)); }

# expect STATUS PATTERN-IN-STDERR -- command...
expect() {
	want=$1 pat=$2
	shift 3
	"$@" >"$work/out" 2>"$work/err"
	rc=$?
	if [ $rc -ne "$want" ]; then
		bad "'$*' exited $rc, expected $want: $(head -c 300 "$work/err")"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$work/err"; then
		bad "'$*': stderr lacks '$pat': $(head -c 300 "$work/err")"
	else
		ok
	fi
}

camp="$work/campaign"
cp -a "$scen/campaign-mix/tree" "$camp"
benign="$work/benign"
cp -a "$scen/debian-benign/tree" "$benign"

# ---- usage and runtime errors: exit 2 with a message that names the problem ----
expect 2 "unknown option '--bogus'" -- "$MT" scan --bogus
expect 2 "unknown command 'scna'" -- "$MT" scna
expect 2 "usage:" -- "$MT"
expect 2 "needs a value" -- "$MT" scan --root
expect 2 "No such file or directory" -- "$MT" scan --root "$work/does-not-exist"
touch "$work/plainfile"
expect 2 "not a directory" -- "$MT" scan --root "$work/plainfile"
expect 2 "--format must be text, json or html" -- "$MT" scan --root "$benign" --format xml
expect 2 "--fail-on must be" -- "$MT" scan --root "$benign" --fail-on severe
expect 2 "--lang must be en or zh" -- "$MT" scan --root "$benign" --lang fr
expect 2 "unknown check 'persist.nope'" -- "$MT" scan --root "$benign" --checks persist.nope
expect 2 "--since '2024-02-30 10:00'" -- "$MT" scan --root "$benign" --since "2024-02-30 10:00"
expect 2 "unknown option '--bogus' for timeline" -- "$MT" timeline --bogus
expect 2 "--since '2024-02-30 10:00'" -- "$MT" timeline --root "$benign" --since "2024-02-30 10:00"
expect 2 "--format must be text or json" -- "$MT" timeline --root "$benign" --format xml
expect 2 "not a directory" -- "$MT" timeline --root "$work/plainfile"
expect 0 "" -- "$MT" timeline --root "$benign"
mkdir -p "$work/rules-bad" "$work/rules-fifo" "$work/rules-good"
printf '@source test\npool-domain good.example.com\npool-ip 1.2.3.999\n' >"$work/rules-bad/x.rules"
expect 2 "rules-bad/x.rules:3: not an IP address" -- "$MT" scan --root "$benign" --rules "$work/rules-bad"
mkfifo "$work/rules-fifo/y.rules"
expect 2 "rules-fifo/y.rules: not a regular file" -- timeout 10 "$MT" scan --root "$benign" --rules "$work/rules-fifo"
expect 2 "rules-none" -- "$MT" scan --root "$benign" --rules "$work/rules-none"

# ---- exit status by --fail-on ----
expect 0 "" -- "$MT" scan --root "$benign"
expect 1 "" -- "$MT" scan --root "$camp"
expect 1 "" -- "$MT" scan --root "$camp" --fail-on critical
expect 0 "" -- "$MT" scan --root "$camp" --checks process.miner
high_only="$work/high-only"
mkdir -p "$high_only/etc"
printf '1\t5\tx\t/dev/shm/.x/upd\n' >"$high_only/etc/anacrontab"
expect 0 "" -- "$MT" scan --root "$high_only" --fail-on critical
expect 1 "" -- "$MT" scan --root "$high_only" --fail-on high

# ---- --checks ----
expect 0 "" -- "$MT" scan --checks list
grep -q "^persist.cron	T1053.003	high	live,root,window	linux	" "$work/out" && ok || bad "--checks list: $(cat "$work/out")"
expect 1 "" -- "$MT" scan --root "$camp" --checks persist. --format json
grep -q '"checks":\["persist.cron",' "$work/out" && ! grep -q '"checks":\[[^]]*"process\.' "$work/out" &&
	! grep -q '"checks":\[[^]]*"account\.' "$work/out" && ok || bad "--checks persist. selects persist.* only"

# ---- --output: written 0600, never through a symlink ----
expect 1 "" -- "$MT" scan --root "$camp" --format json --output "$work/report.json"
[ "$(stat -c %a "$work/report.json")" = 600 ] && ok || bad "--output mode"
python3 "$scen/contract.py" "$work/report.json" && ok || bad "--output content"
[ ! -s "$work/out" ] && ok || bad "--output also wrote to stdout"
echo precious >"$work/victim"
ln -s "$work/victim" "$work/link.json"
expect 2 "--output $work/link.json" -- "$MT" scan --root "$camp" --output "$work/link.json"
[ "$(cat "$work/victim")" = precious ] && ok || bad "--output followed a symlink"

# ---- languages ----
expect 1 "" -- "$MT" scan --root "$camp" --format json --lang zh
grep -q '"title":"恶意计划任务"' "$work/out" && ok || bad "--lang zh title"
LANG=zh_CN.UTF-8 "$MT" scan --root "$camp" >"$work/zh.txt" 2>/dev/null
grep -q "建议处置" "$work/zh.txt" && ok || bad "LANG=zh_CN gives Chinese text"
LC_ALL=en_US.UTF-8 LANG=zh_CN.UTF-8 "$MT" scan --root "$camp" >"$work/en.txt" 2>/dev/null
grep -q "Recommended actions" "$work/en.txt" && ok || bad "LC_ALL wins over LANG"

# ---- stable ids: the same evidence at another root, another run, gives the same ids ----
cp -a "$camp" "$work/campaign-copy"
"$MT" scan --root "$camp" --format json | grep -o '"id":"MT-[0-9a-f]*"' | sort >"$work/ids1"
"$MT" scan --root "$work/campaign-copy" --format json | grep -o '"id":"MT-[0-9a-f]*"' | sort >"$work/ids2"
[ -s "$work/ids1" ] && cmp -s "$work/ids1" "$work/ids2" && ok || bad "ids differ between runs"
printf '# changed\n' >>"$work/campaign-copy/var/spool/cron/crontabs/alice"
sed -i 's/xmrig/xmrig2/' "$work/campaign-copy/var/spool/cron/crontabs/alice"
"$MT" scan --root "$work/campaign-copy" --format json | grep -o '"id":"MT-[0-9a-f]*"' | sort >"$work/ids3"
cmp -s "$work/ids1" "$work/ids3" && bad "changed evidence kept its id" || ok

# ---- escaping: attacker bytes never reach the terminal raw ----
esc="$work/esc"
mkdir -p "$esc/var/spool/cron/crontabs"
printf '* * * * * /tmp/.x/\033[2J\033]0;owned\007m\377\n' >"$esc/var/spool/cron/crontabs/root"
"$MT" scan --root "$esc" >"$work/esc.txt" 2>&1
if grep -q "$(printf '\033')" "$work/esc.txt"; then bad "raw ESC in text output"; else ok; fi
grep -qF '/tmp/.x/\x1b[2J\x1b]0;owned\x07m\xff' "$work/esc.txt" && ok || bad "escaped form missing: $(grep tmp "$work/esc.txt" | head -2)"
"$MT" scan --root "$esc" --format json >"$work/esc.json"
python3 "$scen/contract.py" "$work/esc.json" && ok || bad "JSON with hostile bytes"
# HTML: one well-formed page with every finding of the JSON report, host strings escaped
expect 1 "" -- "$MT" scan --root "$esc" --format html --output "$work/esc.html" --lang zh
"$MT" scan --root "$esc" --format json | grep -o '"id":"MT-[0-9a-f]*"' | cut -d'"' -f4 >"$work/esc.ids"
python3 - "$work/esc.html" "$work/esc.ids" <<'PY' && ok || bad "HTML report"
import sys, html.parser
page = open(sys.argv[1], encoding="utf-8").read()
ids = open(sys.argv[2]).read().split()
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.tags = []; s.ids = set(); s.bad = []
    def handle_starttag(s, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "img", "link"): s.bad.append(tag)
        if any(k.startswith("on") for k, _ in attrs): s.bad.append("on* attribute")
        s.ids.update(v for k, v in attrs if k == "id")
p = P(); p.feed(page); p.close()
assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>"), "not one page"
assert not p.bad, p.bad
assert ids and set(ids) <= p.ids, (ids, p.ids)
assert "\x1b" not in page and "\\x1b[2J" in page, "escaping"
assert "严重" in page or "高危" in page, "--lang zh"
PY

# ---- rules list / check ----
expect 0 "" -- "$MT" rules list
grep -q "^sha256	eca7a5e81277f043939f09d36c40acb4ade4be39020e25a1cc8f85e02404ca32	dhpcd	" "$work/out" && ok || bad "rules list lacks the dhpcd hash"
grep -q "^c2-ipport	93.240.52.232:3389	" "$work/out" && ok || bad "rules list lacks the seed C2"
grep -q "^pool-domain	junk.soquare.com	" "$work/out" && ok || bad "rules list lacks the WannaMine pool"
printf '@source test list\npool-domain pool.test-only.example\ncmdline "*--my-miner-flag*" sev=high\n' >"$work/rules-good/a.rules"
expect 0 "" -- "$MT" rules check "$work/rules-good"
grep -q "^2 entries valid" "$work/out" && ok || bad "rules check count: $(cat "$work/out")"
expect 1 "x.rules:3" -- "$MT" rules check "$work/rules-bad"
expect 2 "" -- "$MT" rules check "$work/rules-none"
expect 0 "" -- "$MT" rules list --rules "$work/rules-good"
grep -q "^pool-domain	pool.test-only.example	-	-	$work/rules-good/a.rules:2	test list$" "$work/out" && ok || bad "rules list --rules"
# a rule added with --rules takes part in the scan
extra="$work/extra"
mkdir -p "$extra/etc/cron.d"
printf '* * * * * root /usr/local/bin/helper --my-miner-flag\n' >"$extra/etc/cron.d/job"
expect 0 "" -- "$MT" scan --root "$extra"
expect 1 "" -- "$MT" scan --root "$extra" --rules "$work/rules-good"

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
