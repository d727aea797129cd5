#!/bin/sh
# The streaming replica: on first start, copy the primary (pg_basebackup -R writes
# primary_conninfo and standby.signal), then run as a hot standby that follows it.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h pg-primary -U postgres; do sleep 1; done
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h pg-primary -U replicator \
    -D "$PGDATA" -R -X stream -c fast --slot=replica1 --create-slot
  chmod 700 "$PGDATA"
fi
exec docker-entrypoint.sh postgres -c hot_standby=on
