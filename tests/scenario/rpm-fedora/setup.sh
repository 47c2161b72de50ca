#!/bin/sh
# The rpm-centos root with rpmdb.sqlite under /usr/lib/sysimage/rpm and /var/lib/rpm a
# link to it (Fedora 33+, RHEL 9): the same findings from the other database format.
here=$(cd "$(dirname "$0")" && pwd)
RPMDB=sqlite exec sh "$here/../rpm-centos/setup.sh" "$@"
