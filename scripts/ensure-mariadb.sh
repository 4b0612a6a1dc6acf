#!/usr/bin/env bash
# Makes the MariaDB server the store suites run against answer (issue 11, DECNET's MySQL option):
# starts Debian's mariadbd in the background when it is down (no systemd here) and creates the
# test user once (decnet/decnet, may create and drop `decnet_test_*` databases: each test file
# makes its own). Idempotent; needs root for the start and the user.
set -euo pipefail
URL="${DECNET_TEST_MARIADB_URL:-mysql://decnet:decnet@127.0.0.1:3306/}"
answers() { mariadb -h127.0.0.1 -P3306 -udecnet -pdecnet --connect-timeout=3 -e 'select 1' >/dev/null 2>&1; }
if [ -n "${DECNET_TEST_MARIADB_URL:-}" ]; then echo "mariadb: using DECNET_TEST_MARIADB_URL"; exit 0; fi
if answers; then echo "mariadb answering"; exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "ensure-mariadb: not answering at ${URL%%@*}@…; run as root to start it" >&2; exit 1; fi
root_answers() { mariadb -e 'select 1' >/dev/null 2>&1; }
if ! root_answers; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  nohup mariadbd --user=mysql --bind-address=127.0.0.1 >/var/log/mariadbd.log 2>&1 &
  for _ in $(seq 1 30); do root_answers && break; sleep 1; done
fi
mariadb <<'SQL'
create user if not exists 'decnet'@'127.0.0.1' identified by 'decnet';
create user if not exists 'decnet'@'localhost' identified by 'decnet';
grant all privileges on `decnet\_test\_%`.* to 'decnet'@'127.0.0.1';
grant all privileges on `decnet\_test\_%`.* to 'decnet'@'localhost';
flush privileges;
SQL
if answers; then echo "mariadb ready"; exit 0; fi
echo "mariadb does not answer at ${URL%%@*}@…; see /var/log/mariadbd.log" >&2
exit 1
