#!/usr/bin/env bash
# Makes a Docker engine answer on this machine: installs Debian's docker.io when missing and
# starts dockerd in the background when nothing answers. Needs root for the install/start.
set -euo pipefail
if docker info >/dev/null 2>&1; then echo "docker engine answering"; exit 0; fi
if ! command -v dockerd >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
nohup dockerd >/var/log/decnet-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && { echo "docker engine started"; exit 0; }
  sleep 1
done
echo "dockerd did not answer within 60 s; see /var/log/decnet-dockerd.log" >&2
exit 1
