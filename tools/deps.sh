#!/bin/sh
# deps.sh - installs the Debian packages minetrace needs that are missing.
#   sh tools/deps.sh build   what building needs
#   sh tools/deps.sh test    what the whole test suite needs
#   sh tools/deps.sh bench   what the benchmarks compare against (ndpiReader, tshark)
set -eu
build="gcc make libc6-dev libpcap-dev libpq-dev libsqlite3-dev zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libyara-dev libarchive-dev libssl-dev"
test="$build clang clang-format libclang-rt-14-dev python3 file util-linux e2fsprogs procps iproute2 debootstrap tcpdump systemd-journal-remote systemd lz4 zstd nftables iptables libhivex-bin libwin-hivex-perl libevtx-utils python3-evtx gcc-mingw-w64-x86-64 chromium tshark openssl postgresql openssh-server openssh-client ansible-core libarchive-tools yara zip"
# peers of the benchmarks in bench/ (not needed by the tests)
bench="$build libndpi-bin tshark yara clamav"
case "${1:-build}" in
build) want=$build ;;
test) want=$test ;;
bench) want=$bench ;;
*) echo "usage: deps.sh build|test|bench" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=900 update -qq
# shellcheck disable=SC2086
$sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing >/dev/null
