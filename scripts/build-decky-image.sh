#!/usr/bin/env bash
# Builds the decky image (openssh-server + python3). Cached: exits at once when the image exists.
# Uses `docker build` when a registry is reachable (DECKY_BUILD=dockerfile), otherwise
# debootstrap + `docker import`, which needs only Debian's package mirror.
set -euo pipefail
IMAGE="${DECKY_IMAGE:-decnet-decky:bookworm}"
MODE="${DECKY_BUILD:-auto}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "decky image $IMAGE already present"
  exit 0
fi

if [ "$MODE" = dockerfile ] || { [ "$MODE" = auto ] && timeout 20 docker pull -q debian:bookworm-slim >/dev/null 2>&1; }; then
  docker build -t "$IMAGE" "$HERE/docker"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "debootstrap is required (apt-get install debootstrap)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "debootstrap needs root" >&2; exit 1; }
ROOTFS="$(mktemp -d /tmp/decky-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
debootstrap --variant=minbase --include=python3-minimal,openssh-server,procps bookworm "$ROOTFS" >/tmp/decky-debootstrap.log 2>&1 \
  || { tail -20 /tmp/decky-debootstrap.log >&2; exit 1; }
mkdir -p "$ROOTFS/run/sshd"
chroot "$ROOTFS" ssh-keygen -A >/dev/null
rm -rf "$ROOTFS/var/cache/apt/archives/"*.deb "$ROOTFS/var/lib/apt/lists/"*
install -m 0755 "$HERE/docker/entrypoint.sh" "$ROOTFS/usr/local/sbin/decky-entrypoint"
tar -C "$ROOTFS" -c . | docker import -c 'CMD ["/usr/local/sbin/decky-entrypoint"]' -c 'EXPOSE 22' - "$IMAGE" >/dev/null
echo "decky image $IMAGE built with debootstrap"
