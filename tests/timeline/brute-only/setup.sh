#!/bin/sh
# An SSH brute force that got in, on a host where nothing was dropped yet (or nothing is
# left): a Debian auth.log with 40 failures of root from one address and then its
# password login, another address's failures that never succeed, and an admin's key login
# days before. The login after the brute force is the initial access all the same.
set -e
root=$1
mkdir -p "$root/var/log" "$root/etc"
printf 'root:x:0:0:root:/root:/bin/bash\nadmin:x:1000:1000::/home/admin:/bin/bash\n' >"$root/etc/passwd"
echo 'Etc/UTC' >"$root/etc/timezone"
{
	echo "2025-03-10T09:00:01.000000+00:00 web1 sshd[900]: Accepted publickey for admin from 10.0.0.5 port 50000 ssh2: ED25519 SHA256:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
	i=0
	while [ $i -lt 40 ]; do
		s=$((10 + i))
		printf '2025-03-14T02:17:%02d.000000+00:00 web1 sshd[%d]: Failed password for root from 203.0.113.77 port %d ssh2\n' $((s % 60)) $((2000 + i)) $((40000 + i))
		i=$((i + 1))
	done
	i=0
	while [ $i -lt 12 ]; do
		printf '2025-03-14T03:00:%02d.000000+00:00 web1 sshd[%d]: Failed password for invalid user oracle from 198.51.100.9 port %d ssh2\n' $i $((3000 + i)) $((41000 + i))
		i=$((i + 1))
	done
	echo "2025-03-14T02:18:05.000000+00:00 web1 sshd[2100]: Accepted password for root from 203.0.113.77 port 40100 ssh2"
	echo "2025-03-14T02:18:05.000000+00:00 web1 sshd[2100]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)"
	echo "2025-03-14T05:40:00.000000+00:00 web1 sshd[2300]: Accepted password for root from 203.0.113.77 port 40200 ssh2"
} | sort >"$root/var/log/auth.log"
touch -d "2025-03-14 06:00:00 UTC" "$root/var/log/auth.log"
