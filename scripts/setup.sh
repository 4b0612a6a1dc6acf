#!/usr/bin/env bash
# One-time (cached) set-up for the tests and the demo: Debian packages the tests drive
# (docker.io, debootstrap, systemd for unit verification, postgresql, mariadb-server, nats-server,
# chromium, openssh), a running Docker engine, PostgreSQL and MariaDB servers, the decky image, and node_modules. Safe to run again:
# every step skips when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v systemd-analyze >/dev/null || need+=(systemd)
# issue 6: the store suites run on PostgreSQL too, the bus suites against a real nats-server
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
# issue 11: and on MariaDB, DECNET's MySQL option
command -v mariadbd >/dev/null || need+=(mariadb-server)
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
# issue 4: the dashboard tests drive Debian's Chromium through playwright-core (never a downloaded browser)
[ -x /usr/bin/chromium ] || need+=(chromium)
# issue 15: the ssh:// engine tests run Debian's sshd on loopback with a real ssh-agent
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh-agent >/dev/null && command -v ssh-keygen >/dev/null || need+=(openssh-client)
# the NATS TLS tests make their CA and certificates with openssl
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

bash scripts/ensure-docker.sh
# nats-server is not started here: each NATS test starts (and stops, for outages) its own
bash scripts/ensure-postgres.sh
bash scripts/ensure-mariadb.sh
bash scripts/build-decky-image.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit
fi
