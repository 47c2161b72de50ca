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

# ---- option parsing: one table per subcommand (src/cli/opts.c) ----
# opts CMD OPTION...: CMD --help (and -h) lists exactly these options; each option it lists
# is in CMD's parse table (a value option needs its value and takes it as "--o v" and
# "--o=v", a flag takes no "=v"); an unknown option is refused, pointing to --help.
opts() {
	cmd=$1
	shift
	# shellcheck disable=SC2086
	expect 0 "" -- "$MT" $cmd --help
	cp "$work/out" "$work/help"
	grep -q "^usage: minetrace $cmd" "$work/help" && grep -q '^  -h, --help  ' "$work/help" &&
		ok || bad "$cmd --help: no usage or -h line: $(head -c 300 "$work/help")"
	grep -o '^  --[a-z-]*' "$work/help" | sed 's/^  //' | sort >"$work/listed"
	: >"$work/want"
	for o in "$@"; do echo "$o" >>"$work/want"; done
	sort -o "$work/want" "$work/want"
	cmp -s "$work/listed" "$work/want" && ok ||
		bad "$cmd --help lists [$(tr '\n' ' ' <"$work/listed")], the table has [$*]"
	awk 'length($0) > 100' "$work/help" | grep -q . && bad "$cmd --help: a line over 100 columns" || ok
	for o in $(cat "$work/listed"); do
		# shellcheck disable=SC2086
		if grep -q "^  $o [^ ]" "$work/help"; then # a metavar: a value option
			expect 2 "^minetrace: option $o needs a value$" -- "$MT" $cmd "$o"
			expect 2 "unknown option '--after' for $cmd " -- "$MT" $cmd "$o" x --after
			expect 2 "unknown option '--after' for $cmd " -- "$MT" $cmd "$o=x" --after
		else
			expect 2 "unknown option '--after' for $cmd " -- "$MT" $cmd "$o" --after
			expect 2 "unknown option '$o=1' for $cmd " -- "$MT" $cmd "$o=1"
		fi
	done
	# shellcheck disable=SC2086
	expect 2 "^minetrace: unknown option '--bogus' for $cmd (see minetrace $cmd --help)$" -- \
		"$MT" $cmd --bogus
	# shellcheck disable=SC2086
	expect 0 "" -- "$MT" $cmd -h
	cmp -s "$work/out" "$work/help" && ok || bad "$cmd -h differs from --help"
}
opts scan --root --since --until --checks --rules --format --output --lang --fail-on --sample --all --content --jobs
opts timeline --root --since --until --format --output --lang --rules --sample
opts pcap --live --seconds --filter --format --output --lang --fail-on --rules --list-detectors
opts respond --apply --firewall --no-verify --only --root --quarantine --format --lang --script --output
opts restore --list --force --firewall --root --quarantine
opts "rules list" --rules
opts "rules check"
opts version
grep -q -- "--all: in the text report, every low and info finding on its own" "$work/out" &&
	bad "version --help has scan's trailer" || ok
"$MT" scan --help | grep -q -- "^--all: in the text report, every low and info finding on its own" &&
	ok || bad "scan --help lacks the --all note"
expect 0 "" -- "$MT" --help
for c in scan timeline pcap respond restore rules version; do
	grep -q "^  $c " "$work/out" && ok || bad "minetrace --help lacks $c"
done
expect 0 "" -- "$MT" rules --help
grep -q "^usage: minetrace rules list" "$work/out" && grep -q "^       minetrace rules check DIR" "$work/out" &&
	ok || bad "rules --help: $(cat "$work/out")"

# "--opt value" and "--opt=value" alike, with an effect to see; the last of a repeated
# option wins; the next argument is the value whatever it looks like
for f in "--format json" "--format=json"; do
	# shellcheck disable=SC2086
	expect 0 "" -- "$MT" scan --root "$benign" $f
	grep -q '^{"type":"summary"' "$work/out" && ok || bad "scan $f: no JSON report"
	# shellcheck disable=SC2086
	expect 0 "" -- "$MT" timeline --root "$benign" $f
	grep -q '^{"type":"conclusion"' "$work/out" && ok || bad "timeline $f: no JSON"
done
expect 1 "" -- "$MT" scan --root="$camp" --format=json --output="$work/eq.json"
grep -q "\"root\":\"$camp\"" "$work/eq.json" && ok || bad "scan --root= --output=: $(head -c 200 "$work/eq.json")"
expect 0 "" -- "$MT" scan --root "$benign" --format text --format json
grep -q '^{"type":"summary"' "$work/out" && ok || bad "scan: the last --format does not win"
expect 0 "" -- "$MT" scan --root "$camp" --root "$benign"
expect 1 "" -- "$MT" scan --root "$extra" --rules="$work/rules-good"
expect 2 "^minetrace: --format must be text, json or html, not '--help'$" -- "$MT" scan --format --help
set --
for i in $(seq 17); do set -- "$@" --rules "$work/rules-good"; done
expect 2 "^minetrace: too many --rules options (at most 16)$" -- "$MT" scan --root "$benign" "$@"
expect 2 "^minetrace: too many --rules options (at most 16)$" -- "$MT" rules list "$@"
shift 2
expect 0 "" -- "$MT" rules list "$@"
for f in "--rules $work/rules-good" "--rules=$work/rules-good"; do
	# shellcheck disable=SC2086
	expect 0 "" -- "$MT" rules list $f
	grep -q "^pool-domain	pool.test-only.example	" "$work/out" && ok || bad "rules list $f"
done
expect 2 "^minetrace: usage: minetrace rules check DIR$" -- "$MT" rules check "$work/rules-good" x
# pcap: capture files as positional arguments, beside options of either form
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\001\000\000\000' \
	>"$work/empty.pcap"
cp "$work/empty.pcap" "$work/empty2.pcap"
for f in "--format json" "--format=json"; do
	# shellcheck disable=SC2086
	expect 0 "" -- "$MT" pcap "$work/empty.pcap" $f "$work/empty2.pcap"
	grep -q "^{\"type\":\"summary\",.*\"root\":\"$work/empty.pcap $work/empty2.pcap\"" "$work/out" &&
		ok || bad "pcap FILE $f FILE: $(head -c 300 "$work/out")"
done
"$MT" pcap --lang zh --list-detectors >"$work/zh1" 2>&1
"$MT" pcap --lang=zh --list-detectors >"$work/zh2" 2>&1
"$MT" pcap --lang=en --list-detectors >"$work/en1" 2>&1
cmp -s "$work/zh1" "$work/zh2" && ! cmp -s "$work/zh1" "$work/en1" && ok || bad "pcap --lang=zh and --lang zh"
set --
for i in $(seq 257); do set -- "$@" "$work/empty.pcap"; done
expect 2 "^minetrace: too many capture files (at most 256)$" -- "$MT" pcap "$@"
# respond: the report as its one positional argument ("-": standard input)
"$MT" scan --root "$camp" --format json --output "$work/resp.json" 2>/dev/null
for f in "--format json" "--format=json"; do
	# shellcheck disable=SC2086
	expect 0 "" -- "$MT" respond "$work/resp.json" $f
	grep -q '^{"type":"step","n":1,' "$work/out" && ok || bad "respond $f: no JSON steps"
done
"$MT" respond - --format json <"$work/resp.json" >"$work/stdin.out" 2>&1
grep -q '^{"type":"step","n":1,' "$work/stdin.out" && ok || bad "respond - (standard input)"
expect 2 "^minetrace: respond takes one report, not also 'b'$" -- "$MT" respond a b
expect 2 "^minetrace: respond needs the scan report" -- "$MT" respond --format json
# restore: --root and --quarantine of either form, entries as positional arguments
rroot="$work/restore-root"
cp -a "$camp" "$rroot"
# exit 1: files named by the report but not in the tree are skipped
expect 1 "" -- "$MT" respond "$work/resp.json" --root="$rroot" --quarantine="$work/q" --apply --no-verify
grep -q '^\[done\]  7. remove the line: /etc/cron.d/apache' "$work/out" && ok || bad "respond --root= --apply: $(head -c 300 "$work/out")"
expect 0 "" -- "$MT" restore --list --root "$rroot" --quarantine "$work/q"
cp "$work/out" "$work/list1"
expect 0 "" -- "$MT" restore --list --root="$rroot" --quarantine="$work/q"
[ -s "$work/list1" ] && cmp -s "$work/out" "$work/list1" && ok || bad "restore --list: = and space forms"
entry=$(head -n 1 "$work/list1" | cut -d' ' -f1)
expect 0 "" -- "$MT" restore --root "$rroot" "$entry" --quarantine="$work/q"
grep -q "^restored $entry" "$work/out" && ok || bad "restore ENTRY: $(cat "$work/out")"
set --
for i in $(seq 257); do set -- "$@" "$entry"; done
expect 2 "^minetrace: at most 256 entries at once$" -- "$MT" restore --root "$rroot" --quarantine "$work/q" "$@"
expect 2 "^minetrace: unknown option '-' for restore " -- "$MT" restore -
# arguments echoed in errors are escaped, and a long one is cut
expect 2 "" -- "$MT" scan "$(printf -- '--x\033[2J\377')"
if grep -q "$(printf '\033')" "$work/err"; then bad "raw ESC in an unknown option"; else ok; fi
grep -qF "unknown option '--x\x1b[2J\xff' for scan" "$work/err" && ok || bad "unknown option not escaped: $(cat -v "$work/err")"
expect 2 "" -- "$MT" scan --root "$benign" --format "$(printf 'x\033]0;t\007\302\233')"
grep -qF "not 'x\x1b]0;t\x07\xc2\x9b'" "$work/err" && ok || bad "--format value not escaped: $(cat -v "$work/err")"
expect 2 "" -- "$MT" respond a "$(printf 'b\033c')"
grep -qF "not also 'b\x1bc'" "$work/err" && ok || bad "respond argument not escaped: $(cat -v "$work/err")"
long=$(head -c 3000 /dev/zero | tr '\0' a)
expect 2 "" -- "$MT" scan "--$long"
[ "$(wc -c <"$work/err")" -lt 700 ] && grep -q "\.\.\.' for scan" "$work/err" && ok || bad "a long argument is not cut"

echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
