#!/bin/sh
# First start of the primary (docker-entrypoint-initdb.d): the application role, the
# replication role, and streaming replication allowed from the compose network.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE hub LOGIN PASSWORD '${HUB_DB_PASSWORD}';
ALTER DATABASE "$POSTGRES_DB" OWNER TO hub;
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
