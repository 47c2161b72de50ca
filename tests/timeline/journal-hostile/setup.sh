#!/bin/sh
# The journal case with hostile journal files next to the real one (our own reader,
# both binaries): cut, bad header, unknown incompatible flags, object sizes 0/15/huge,
# items pointing anywhere, compression bombs (ZSTD, XZ, LZ4 of 16 MiB), garbage
# compressed data, an online file with garbage after its last object; a FIFO, a device
# node, symbolic links (to /etc/shadow and a machine-id directory) and a directory named
# like a journal file. Copies of the real file must not count its logins twice.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../journal/setup.sh" "$root"
mid=fedcba9876543210fedcba9876543210
j="$root/var/log/journal/$mid"
python3 "$here/../../journal/jtool.py" hostile "$j/remote.journal" "$j"
cp "$j/remote.journal" "$j/system@0001-0002.journal~"
# sixteen sparse files of zeros that sort first (40 KB on disk, 4 GB of reading if the
# header were not looked at first): the real journal must still be read
for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do truncate -s 256M "$j/0$i.journal"; done
mkfifo "$j/fifo.journal"
mknod "$j/null.journal" c 1 3 2>/dev/null || true
ln -s /etc/shadow "$j/shadow.journal"
mkdir "$j/dir.journal"
mkdir -p "$root/srv/other"
cp "$j/remote.journal" "$root/srv/other/x.journal"
ln -s /srv/other "$root/var/log/journal/0123456789abcdef0123456789abcdef"
