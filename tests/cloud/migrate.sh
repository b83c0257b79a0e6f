#!/usr/bin/env bash
# The migration protocol of docs/cloud-servers.md, with psql (the tests' stand-in for
# `finpipe-cli migrate`, which follows the same steps):
#   one session holds pg_advisory_lock(1718185584) ('finp') for the whole run;
#   migrations/bootstrap.sql runs (idempotent) in its own transaction;
#   each NNNN_name.sql in order: skipped when finpipe.schema_migrations has its version (refused
#   when the recorded SHA-256 differs: a file must not change after it was applied), otherwise run
#   in one transaction together with its record.
# usage: migrate.sh DATABASE_URL [MIGRATIONS_DIR]   Prints "applied NNNN_name" or "up to date NNNN_name" per file.
set -euo pipefail
url="$1"
dir="${2:-$(cd "$(dirname "$0")/../.." && pwd)/migrations}"

script="$(mktemp)"
trap 'rm -f "$script"' EXIT
{
    echo '\set ON_ERROR_STOP 1'
    echo 'SET client_min_messages = warning;'
    echo 'SELECT pg_advisory_lock(1718185584) AS locked \gset'
    echo 'BEGIN;'
    echo "\\i '$dir/bootstrap.sql'"
    echo 'COMMIT;'
    shopt -s nullglob
    for f in "$dir"/[0-9][0-9][0-9][0-9]_*.sql; do
        base="$(basename "$f" .sql)"
        version=$((10#${base%%_*}))
        name="${base#*_}"
        sum="$(sha256sum "$f" | cut -d' ' -f1)"
        cat <<EOF
BEGIN;
SELECT coalesce((SELECT sha256 FROM finpipe.schema_migrations WHERE version = $version), '') AS recorded \\gset
SELECT :'recorded' = '' AS pending, :'recorded' NOT IN ('', '$sum') AS changed \\gset
\\if :changed
\\echo 'migration $base was changed after it was applied'
SELECT 1/0 AS migration_changed;
\\elif :pending
\\i '$f'
INSERT INTO finpipe.schema_migrations (version, name, sha256) VALUES ($version, '$name', '$sum');
\\echo 'applied $base'
\\else
\\echo 'up to date $base'
\\endif
COMMIT;
EOF
    done
    echo 'SELECT pg_advisory_unlock(1718185584) AS unlocked \gset'
} >"$script"
psql "$url" -X -q -At -v ON_ERROR_STOP=1 -f "$script"
