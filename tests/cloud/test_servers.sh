#!/usr/bin/env bash
# scripts/cloud-servers.sh itself: a second start changes nothing, the servers listen on 127.0.0.1
# only, as the right users, secrets are private, and env names everything a client needs.
source "$(dirname "$0")/lib.sh"
script="$REPO/scripts/cloud-servers.sh"

before="$(cat "$CLOUD_DIR"/secrets/* | sha256sum)"
t0=$SECONDS
out="$(bash "$script" start "$CLOUD_DIR" 2>&1)"
expect_match "a second start says it is already running" "already running" "$out"
if ((SECONDS - t0 <= 3)); then pass "and returns at once"; else fail "a second start took $((SECONDS - t0)) s"; fi
expect_eq "and keeps the secrets (so clients keep working)" "$before" "$(cat "$CLOUD_DIR"/secrets/* | sha256sum)"
bash "$script" status "$CLOUD_DIR" >/dev/null && pass "status says all run" || fail "status says something is stopped"

expect_eq "secrets are readable by their owner only" "600 600 600" \
    "$(stat -c %a "$CLOUD_DIR"/secrets/* | paste -sd' ')"
expect_eq "the secrets folder too" "700" "$(stat -c %a "$CLOUD_DIR/secrets")"
expect_eq "env names every setting" \
    "FINPIPE_DATABASE_URL FINPIPE_S3_ACCESS_KEY FINPIPE_S3_BUCKET FINPIPE_S3_ENDPOINT FINPIPE_S3_PATH_STYLE FINPIPE_S3_REGION FINPIPE_S3_SECRET_KEY FINPIPE_TEST_PG_CA" \
    "$(bash "$script" env "$CLOUD_DIR" | sed -n 's/^export \([A-Z0-9_]*\)=.*/\1/p' | sort | paste -sd' ')"
# TLS: the server's certificate is issued for localhost and 127.0.0.1 by the CA env names, whose
# key was deleted; the server's key is the postgres user's alone.
expect_eq "the TLS CA is there without its key" "yes no" \
    "$([ -s "$CLOUD_DIR/tls/ca.crt" ] && echo yes || echo no) $([ -e "$CLOUD_DIR/tls/ca.key" ] && echo yes || echo no)"
expect_eq "the server's certificate verifies against it, for localhost and 127.0.0.1" "OK OK" \
    "$(for n in localhost 127.0.0.1; do openssl verify -CAfile "$CLOUD_DIR/tls/ca.crt" $([ $n = localhost ] && echo -verify_hostname $n || echo -verify_ip $n) "$CLOUD_DIR/pg/data/server.crt" 2>&1 | sed -n 's/.*: \(OK\)$/\1/p'; done | paste -sd' ')"
expect_eq "the server's key is private to postgres" "600 postgres" "$(stat -c '%a %U' "$CLOUD_DIR/pg/data/server.key")"

# Listening sockets, from /proc/net/tcp{,6} (state 0A): every port of ours on 127.0.0.1 only.
pg_port="${PG_HOSTPORT##*:}"
s3_port="${FINPIPE_S3_ENDPOINT##*:}"
base="${FINPIPE_TEST_SWIFT_PORT_BASE:-58010}"
for port in "$pg_port" "$s3_port" "$base" $((base + 1)) $((base + 2)) "${FINPIPE_TEST_MEMCACHED_PORT:-51211}"; do
    hex="$(printf '%04X' "$port")"
    addrs="$(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $2 }' /proc/net/tcp /proc/net/tcp6 | sort -u | paste -sd' ')"
    expect_eq "port $port listens on 127.0.0.1 only" "0100007F:$hex" "$addrs"
done

owner_of() { ps -o user= -p "$(cat "$CLOUD_DIR/run/$1.pid")"; }
expect_eq "Swift runs as swift" "swift swift swift swift" \
    "$(for s in proxy account container object; do owner_of "swift-$s"; done | paste -sd' ')"
expect_eq "memcached as memcache" "memcache" "$(owner_of memcached)"
expect_eq "PostgreSQL as postgres" "postgres" \
    "$(ps -o user= -p "$(head -1 "$CLOUD_DIR/pg/data/postmaster.pid")")"
expect_eq "the administrator is not a superuser" "f" \
    "$(q "$FINPIPE_DATABASE_URL" "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")"
expect_match "the S3 API answers with Swift's s3api" "<Code>AccessDenied</Code>|<Code>SignatureDoesNotMatch</Code>" \
    "$(curl -s "$FINPIPE_S3_ENDPOINT/$FINPIPE_S3_BUCKET/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=nobody%2F20260101%2F$FINPIPE_S3_REGION%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00")"

finish
