#!/usr/bin/env bash
# Makes the PostgreSQL server the store suites run against answer (issue 6): starts Debian's
# clusters when they are down and creates the test role once (decnet/decnet, CREATEDB: each
# test makes and drops its own database). Idempotent; needs root for the start and the role.
set -euo pipefail
URL="${DECNET_TEST_POSTGRES_URL:-postgresql://decnet:decnet@127.0.0.1:5432/postgres}"
answers() { PGCONNECT_TIMEOUT=3 psql "$URL" -Atqc 'select 1' >/dev/null 2>&1; }
# the test role may end autovacuum workers on its own test databases: `drop database … with
# (force)` refuses otherwise (autovacuum runs as no role, so only pg_signal_backend passes)
grant_signal() {
  [ "$(id -u)" = 0 ] || return 0
  su postgres -c "psql -Atqc 'grant pg_signal_backend to decnet'" >/dev/null 2>&1 || true
}
if answers; then grant_signal; echo "postgresql answering"; exit 0; fi
pg_lsclusters -h | while read -r ver name _port status _rest; do
  [ "$status" = online ] || pg_ctlcluster "$ver" "$name" start
done
for _ in $(seq 1 30); do
  su postgres -c "psql -Atqc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -v ON_ERROR_STOP=1 -Atq" <<'SQL'
do $$ begin
  if not exists (select from pg_roles where rolname = 'decnet') then
    create role decnet login createdb password 'decnet';
  end if;
end $$;
SQL
grant_signal
if answers; then echo "postgresql ready"; exit 0; fi
echo "postgresql does not answer at ${URL%%@*}@…; see /var/log/postgresql/" >&2
exit 1
