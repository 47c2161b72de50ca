#!/bin/sh
# regf_oracle.sh - our hive reader (regfdump) against hivexml (libhivex) on every hive
# file under the hives directory: where hivexml reads a file, both must give the same
# keys and values (canonical sorted form, see tests/windows/regfdump.c); where hivexml
# refuses one, regfdump must still end by itself with 0 or 1 (no signal, no crash).
#   REGFDUMP=build/tests/regfdump sh tests/windows/regf_oracle.sh [HIVES_DIR]
set -u
REGFDUMP=${REGFDUMP:-build/tests/regfdump}
DIR=${1:-../shared/data/windows/hives}
[ -d "$DIR" ] || DIR=/work/shared/data/windows/hives
if [ ! -d "$DIR" ]; then
	echo "regf_oracle: SKIP: no hives directory (../shared/data/windows/hives)"
	exit 0
fi
if ! command -v hivexml >/dev/null 2>&1; then
	echo "regf_oracle: SKIP: hivexml not installed (libhivex-bin)"
	exit 0
fi
[ -x "$REGFDUMP" ] || { echo "regf_oracle: $REGFDUMP not built"; exit 2; }

T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

# hivexml's XML in regfdump --hivex form
cat >"$T/canon.py" <<'EOF'
import base64, sys
import xml.etree.ElementTree as ET

def esc(s, lst=False):
    out = []
    for c in s.encode('utf-8', 'surrogateescape'):
        if c < 0x20 or c == 0x7f or c == 0x25 or (lst and c == 0x2c):
            out.append('%%%02X' % c)
        else:
            out.append(chr(c))
    return ''.join(out).encode('latin-1').decode('utf-8', 'surrogateescape')

lines = []

def node(n, path):
    lines.append('K ' + esc(path))
    for v in n.findall('value'):
        name = '' if v.get('default') == '1' else v.get('key', '')
        t = v.get('type')
        if v.get('encoding') == 'base64':
            data = 'x:' + base64.b64decode(v.get('value', '')).hex()
        elif t == 'string-list':
            data = 'l:' + ','.join(esc(s.text or '', True) for s in v.findall('string'))
        elif t in ('int32', 'int64'):
            data = 'i:' + v.get('value')
        else:
            data = 's:' + esc(v.get('value', ''))
        lines.append('V %s\t%s\t%s\t%s' % (esc(path), esc(name), t, data))
    for c in n.findall('node'):
        node(c, (path + '\\' if path else '') + c.get('name', ''))

root = ET.parse(sys.argv[1]).getroot().find('node')
node(root, '')
lines.sort(key=lambda s: s.encode('utf-8', 'surrogateescape'))
sys.stdout.buffer.write(''.join(l + '\n' for l in lines).encode('utf-8', 'surrogateescape'))
EOF

# and a hive of every value type written by hivex itself (mkhive.py + hivexregedit),
# when the tools are there
MKHIVE=${MKHIVE:-$DIR/../../../tools/mkhive.py}
[ -f "$MKHIVE" ] || MKHIVE=/work/shared/tools/mkhive.py
made=
if [ -f "$MKHIVE" ] && command -v hivexregedit >/dev/null 2>&1; then
	if python3 "$(dirname "$0")/typed_reg.py" "$T/typed.reg" &&
	    python3 "$MKHIVE" "$T/typed.hive" >/dev/null 2>&1 &&
	    hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SOFTWARE' "$T/typed.hive" \
	        "$T/typed.reg" >/dev/null 2>&1; then
		made="$T/typed.hive"
	else
		echo "FAIL: could not build the typed hive with mkhive.py and hivexregedit"
		exit 1
	fi
else
	echo "regf_oracle: no mkhive.py or hivexregedit: the typed hive is left out"
fi

pass=0 fail=0 refused=0
for f in $(find "$DIR" -type f | LC_ALL=C sort) $made; do
	name=${f#"$DIR"/}
	if hivexml "$f" >"$T/x.xml" 2>/dev/null; then
		if ! python3 "$T/canon.py" "$T/x.xml" >"$T/want"; then
			echo "FAIL $name: hivexml output not understood"
			fail=$((fail + 1))
			continue
		fi
		"$REGFDUMP" --hivex "$f" >"$T/got" 2>"$T/err"
		st=$?
		if [ $st -ne 0 ]; then
			echo "FAIL $name: regfdump exited $st: $(head -c 300 "$T/err")"
			fail=$((fail + 1))
		elif LC_ALL=C cmp -s "$T/want" "$T/got"; then
			pass=$((pass + 1))
		else
			echo "FAIL $name: differs from hivexml (- hivexml, + ours):"
			diff "$T/want" "$T/got" | head -20 | cut -c1-300
			fail=$((fail + 1))
		fi
	else
		"$REGFDUMP" --hivex "$f" >/dev/null 2>"$T/err"
		st=$?
		if [ $st -gt 1 ]; then
			echo "FAIL $name (refused by hivexml): regfdump exited $st: $(head -c 300 "$T/err")"
			fail=$((fail + 1))
		else
			refused=$((refused + 1))
		fi
	fi
done
echo "regf_oracle: $pass same as hivexml, $refused refused by hivexml (ours did not crash), $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
