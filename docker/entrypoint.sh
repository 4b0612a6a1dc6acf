#!/bin/sh
# starts sshd in the foreground, logging to stderr so `docker logs` shows every connection.
mkdir -p /run/sshd
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A >/dev/null
exec /usr/sbin/sshd -D -e
