#!/bin/sh
# The seed case (001) with its logs: the tree and times of seed-centos7 plus /var/log/secure*
# and root's history (tests/timeline/seed-centos7), judged by the log checks only.
set -e
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../../timeline/seed-centos7/setup.sh" "$1"
