#!/usr/bin/env bash
# Migrations apply in order, once: a second run and a concurrent run change nothing; a file changed
# after it was applied is refused; a failing file leaves nothing behind.
source "$(dirname "$0")/lib.sh"

files=("$REPO"/migrations/[0-9][0-9][0-9][0-9]_*.sql)
count=${#files[@]}

# The schema's shape: enough to see that a second run changed nothing.
shape_sql="SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'finpipe')
           || '/' || (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'finpipe')
           || '/' || (SELECT count(*) FROM pg_policy)
           || '/' || (SELECT string_agg(version || ':' || applied_at, ',' ORDER BY version) FROM finpipe.schema_migrations)"

fresh_db t_migrations
expected_versions="$(for f in "${files[@]}"; do b="$(basename "$f")"; echo $((10#${b%%_*})); done | paste -sd' ')"
expect_eq "every numbered file is recorded, in order" "$expected_versions" \
    "$(q "$ADMIN" "SELECT string_agg(version::text, ' ' ORDER BY applied_at, version) FROM finpipe.schema_migrations")"
expect_eq "the record holds each file's SHA-256" \
    "$(sha256sum "${files[0]}" | cut -d' ' -f1)" "$(q "$ADMIN" "SELECT sha256 FROM finpipe.schema_migrations ORDER BY version LIMIT 1")"
expect_eq "the roles exist and cannot log in" "finpipe_analyst:false finpipe_worker:false" \
    "$(q "$ADMIN" "SELECT string_agg(rolname || ':' || rolcanlogin, ' ' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'finpipe\_%' AND rolname <> 'finpipe_admin'")"
expect_eq "the tables are there" "job_events job_outputs jobs schema_migrations storage_settings uploads workers" \
    "$(q "$ADMIN" "SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'finpipe'")"

before="$(q "$ADMIN" "$shape_sql")"
second="$(bash "$REPO/tests/cloud/migrate.sh" "$ADMIN")"
expect_eq "a second run applies nothing" "$count" "$(grep -c '^up to date ' <<<"$second")"
expect_eq "a second run changes nothing" "$before" "$(q "$ADMIN" "$shape_sql")"

# Two runners at once on a new database (the roles already exist in the cluster): both succeed,
# each file is applied by exactly one of them.
q "$FINPIPE_DATABASE_URL" "DROP DATABASE IF EXISTS t_migrations_concurrent WITH (FORCE)" >/dev/null
q "$FINPIPE_DATABASE_URL" "CREATE DATABASE t_migrations_concurrent" >/dev/null
concurrent="$(admin_url t_migrations_concurrent)"
bash "$REPO/tests/cloud/migrate.sh" "$concurrent" >"$WORK/run1" 2>&1 &
run1=$!
bash "$REPO/tests/cloud/migrate.sh" "$concurrent" >"$WORK/run2" 2>&1 &
run2=$!
status1=0 status2=0
wait $run1 || status1=$?
wait $run2 || status2=$?
expect_eq "two concurrent runs both succeed" "0 0" "$status1 $status2"
expect_eq "each file applied by exactly one of them" "$count" "$(cat "$WORK/run1" "$WORK/run2" | grep -c '^applied ')"
expect_eq "and recorded once" "$count" "$(q "$concurrent" "SELECT count(*) FROM finpipe.schema_migrations")"
q "$FINPIPE_DATABASE_URL" "DROP DATABASE t_migrations_concurrent WITH (FORCE)" >/dev/null

# pgcrypto already installed elsewhere (Supabase keeps it in the schema "extensions"): that copy
# signs, and nothing is installed twice.
q "$FINPIPE_DATABASE_URL" "DROP DATABASE IF EXISTS t_migrations_ext WITH (FORCE)" >/dev/null
q "$FINPIPE_DATABASE_URL" "CREATE DATABASE t_migrations_ext" >/dev/null
ext="$(admin_url t_migrations_ext)"
q "$ext" "CREATE SCHEMA extensions; CREATE EXTENSION pgcrypto SCHEMA extensions" >/dev/null
bash "$REPO/tests/cloud/migrate.sh" "$ext" >/dev/null
expect_eq "an existing pgcrypto stays where it is" "extensions" \
    "$(q "$ext" "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'pgcrypto'")"
expect_match "and the signer uses it" "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404$" \
    "$(q "$ext" "SELECT finpipe.sigv4_presign('GET', 'https://s3.amazonaws.com', 'us-east-1', 'examplebucket',
        'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', false, 'test.txt', 86400, '2013-05-24 00:00:00+00')")"
q "$FINPIPE_DATABASE_URL" "DROP DATABASE t_migrations_ext WITH (FORCE)" >/dev/null

# A migration changed after it was applied is refused.
mkdir "$WORK/changed"
cp "$REPO"/migrations/*.sql "$WORK/changed/"
echo "-- edited" >>"$WORK/changed/$(basename "${files[0]}")"
if out="$(bash "$REPO/tests/cloud/migrate.sh" "$ADMIN" "$WORK/changed" 2>&1)"; then
    fail "a changed migration was accepted: $out"
else
    expect_match "a changed migration is refused by name" "migration $(basename "${files[0]}" .sql) was changed" "$out"
fi

# A failing migration leaves nothing: its transaction rolls back and it is not recorded.
mkdir "$WORK/broken"
cp "$REPO"/migrations/*.sql "$WORK/broken/"
printf 'CREATE TABLE finpipe.half_done (x int);\nSELECT 1 / 0;\n' >"$WORK/broken/9999_broken.sql"
if bash "$REPO/tests/cloud/migrate.sh" "$ADMIN" "$WORK/broken" >/dev/null 2>&1; then
    fail "a failing migration was reported as applied"
else
    expect_eq "a failing migration leaves no table behind" "" "$(q "$ADMIN" "SELECT to_regclass('finpipe.half_done')")"
    expect_eq "a failing migration is not recorded" "0" "$(q "$ADMIN" "SELECT count(*) FROM finpipe.schema_migrations WHERE version = 9999")"
fi
expect_eq "the earlier migrations are untouched" "$before" "$(q "$ADMIN" "$shape_sql")"

# 0003: an input's only unique index is its SHA-256 (the key ON CONFLICT arbitrates).
expect_eq "uploads are unique by SHA-256 alone" "uploads_pkey" \
    "$(q "$ADMIN" "SELECT string_agg(indexname, ' ') FROM pg_indexes WHERE schemaname = 'finpipe' AND tablename = 'uploads' AND indexdef LIKE 'CREATE UNIQUE%'")"

finish
