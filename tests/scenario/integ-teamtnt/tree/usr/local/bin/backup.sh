#!/bin/sh
# nightly backup, not a tool name
tar czf /var/backups/etc.tgz /etc
