#!/bin/sh
# seed_fuzz_regf.sh DIR - adds the first 64 KiB of every real hive and log of the shared
# test data to the fuzzer's seeds in DIR (at run time: the data is not copied into the
# project, as ../shared/data/windows/README.md asks)
set -eu
out=$1
src=${MINETRACE_DATA:-$(dirname "$0")/../../../shared/data}/windows/hives
[ -d "$src" ] || src=/work/shared/data/windows/hives
[ -d "$src" ] || exit 0
mkdir -p "$out"
find "$src" -type f | while read -r f; do
	n=$(printf '%s' "${f#"$src"/}" | tr '/' '_')
	head -c 65536 "$f" >"$out/$n"
done
# dirty hives with their logs, in the target's format: hive, then "MTLOG>>>" and each log
for d in "$src"/*/; do
	[ -d "$d" ] || continue
	n=$(basename "$d")
	for hv in "$d"*; do
		case $hv in *.LOG*|*Recovered*) continue ;; esac
		{
			head -c 32768 "$hv"
			for l in "$hv".LOG*; do
				[ -f "$l" ] && { printf 'MTLOG>>>'; head -c 14000 "$l"; }
			done
		} >"$out/dirty-$n-$(basename "$hv")"
	done
done
