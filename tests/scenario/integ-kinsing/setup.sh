#!/bin/sh
# Builds Kinsing's /etc/libsystem.so stand-in (a readdir hider, tests/fixtures/proc_hider.c)
# inside the scratch root, and sets the set-ID bits git cannot keep.
set -e
root=$1
here=$(cd "$(dirname "$0")" && pwd)
cc -shared -fPIC -DHIDE_NAME='"kdevtmpfsi"' -o "$root/etc/libsystem.so" "$here/../../fixtures/proc_hider.c" -ldl
cp "$root/etc/libsystem.so" "$root/etc/libsystem.so.decoy-not-preloaded"
chmod 4755 "$root/usr/bin/mount"        # no package database: not judged in bin dirs
chmod 4755 "$root/dev/shm/.x/sh"        # a root shell kept in /dev/shm
chmod 2755 "$root/home/alice/bin/tool"  # set-group-ID in a home directory
chmod 2644 "$root/home/alice/bin/plain" # mandatory-locking mode, not a program
