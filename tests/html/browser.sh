#!/bin/sh
# browser.sh - the HTML report in a real browser (Debian's chromium, headless): the page
# a browser builds from it has the verdict at the top, the incidents, and the attack drawn
# on a time axis (inline SVG, one mark per finding with a time), for an infected Windows
# tree and a Linux one; a clean tree says clean and draws nothing. The DOM chromium
# dumps is what is checked, so markup the browser would not accept fails.
set -u
MT=${MINETRACE:-build/minetrace}
here=$(cd "$(dirname "$0")" && pwd)
sc=$here/../scenario
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
command -v chromium >/dev/null || { echo "FAIL html: chromium missing (apt-get install chromium)"; exit 1; }
fail=0
for case in "win-fonts compromised 3" "noise-infected compromised 1" "win-clean clean 0"; do
	set -- $case
	name=$1 want=$2 nmin=$3
	root=$work/$name
	mkdir -p "$root"
	[ -d "$sc/$name/tree" ] && cp -a "$sc/$name/tree/." "$root/"
	[ -f "$sc/$name/setup.sh" ] && sh "$sc/$name/setup.sh" "$root" >/dev/null 2>&1
	# shellcheck disable=SC2046
	"$MT" scan --root "$root" --format html --output "$work/$name.html" $(cat "$sc/$name/args" 2>/dev/null) 2>/dev/null
	HOME=$work XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache \
		timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
		--dump-dom "file://$work/$name.html" >"$work/$name.dom" 2>"$work/$name.err"
	if ! python3 - "$work/$name.dom" "$want" "$nmin" <<'PY'
import re, sys
dom, want, nmin = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], int(sys.argv[3])
def fail(m):
    print("  " + m); sys.exit(1)
m = re.search(r'<p id="verdict" data-verdict="(\w+)"', dom)
if not m or m.group(1) != want:
    fail("verdict %r, wanted %s" % (m and m.group(1), want))
if dom.index('id="verdict"') > dom.index("<details") if "<details" in dom else False:
    fail("the verdict is not above the findings")
svg = re.search(r'<svg id="timeline".*?</svg>', dom, re.S)
marks = len(re.findall(r'<circle class="mark"', svg.group(0))) if svg else 0
if want == "clean":
    if svg or 'id="incidents"' in dom:
        fail("a clean host draws no attack")
else:
    if marks < nmin:
        fail("%d marks on the time axis, wanted %d or more" % (marks, nmin))
    inc = re.search(r'<ol id="incidents">(.*?)</ol>', dom, re.S)
    if not inc or len(re.findall(r"<li>", inc.group(1))) < 1:
        fail("no incidents listed")
    # every mark links to a finding of the page
    for ref in re.findall(r'<a href="#(MT-[0-9a-f]{16})"><circle', dom):
        if 'id="%s"' % ref not in dom:
            fail("mark links to %s, not on the page" % ref)
PY
	then
		echo "FAIL html: $name"; fail=1
	else
		echo "ok html: $name: verdict $want in chromium$( [ "$want" = clean ] || echo ', incidents and the time axis drawn')"
	fi
done
exit $fail
