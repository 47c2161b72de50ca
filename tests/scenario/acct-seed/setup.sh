#!/bin/sh
# Times of seed 001 (Asia/Shanghai, +08:00): the attacker logged in at 08:10:27 and wrote
# /root/.ssh/authorized_keys and /etc/shadow between 08:11:09 and 08:14:16; the rest of
# the tree is older. ctime cannot be set, so only mtime lies in the window.
set -e
root=$1
find "$root" -exec touch -h -d '2023-06-01 10:00:00 +0800' {} +
touch -d '2024-01-24 08:13:40 +0800' "$root/root/.ssh/authorized_keys"
touch -d '2024-01-24 08:12:05 +0800' "$root/etc/shadow"
chmod 700 "$root/root/.ssh"
chmod 600 "$root/root/.ssh/authorized_keys" "$root/etc/shadow"
