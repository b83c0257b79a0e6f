#!/usr/bin/env bash
# Real cloud test servers on 127.0.0.1 for finpipe's cloud tests and for developers:
# PostgreSQL 15 and OpenStack Swift with its S3 API (s3api + tempauth + slo), from Debian's packages.
#
#   scripts/cloud-servers.sh start|stop|status|env|stop-s3|start-s3 [DIR]
#
# DIR (default: build/cloud-servers in the repository) holds the data, logs, pid files and the
# secrets generated at each start (mode 600). `start` from stopped makes fresh, empty servers;
# `start` while running does nothing. `env` prints the FINPIPE_* variables as export lines (and
# FINPIPE_TEST_PG_CA, the CA of the server's TLS certificate). `stop-s3` and `start-s3` stop and start
# the S3 endpoint alone.
# Ports (override with the variables): PostgreSQL FINPIPE_TEST_PG_PORT (55432), the S3 endpoint
# FINPIPE_TEST_S3_PORT (58080); internal: FINPIPE_TEST_SWIFT_PORT_BASE (58010: object, +1 container,
# +2 account) and FINPIPE_TEST_MEMCACHED_PORT (51211).
# PostgreSQL refuses to run as root, so it runs as the `postgres` user; Swift as `swift`, memcached
# as `memcache`. Starting needs root (or those users' rights); the data directory must be on a file
# system with user extended attributes (ext4 is fine).
set -euo pipefail

readonly REPO="$(cd "$(dirname "$0")/.." && pwd)"
readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly DEB_PYTHON=/usr/bin/python3   # Debian's: has the swift module (a pyenv python3 may not)
readonly PG_PORT="${FINPIPE_TEST_PG_PORT:-55432}"
readonly S3_PORT="${FINPIPE_TEST_S3_PORT:-58080}"
readonly SWIFT_BASE="${FINPIPE_TEST_SWIFT_PORT_BASE:-58010}"
readonly OBJECT_PORT=$((SWIFT_BASE)) CONTAINER_PORT=$((SWIFT_BASE + 1)) ACCOUNT_PORT=$((SWIFT_BASE + 2))
readonly MEMCACHED_PORT="${FINPIPE_TEST_MEMCACHED_PORT:-51211}"
readonly REGION=finpipe-test-1
readonly BUCKET=finpipe-test
readonly S3_ACCOUNT=finpipe S3_USER=worker
readonly SWIFT_SERVERS=(object container account proxy)

die() { echo "cloud-servers: $*" >&2; exit 1; }
note() { echo "cloud-servers: $*" >&2; }

usage() {
    echo "usage: $0 start|stop|status|env|stop-s3|start-s3 [DIR]" >&2
    exit 2
}

# ---------------------------------------------------------------- paths

# The servers run as other users, who must be able to reach DIR.
reachable_by() { # user dir
    runuser -u "$1" -- test -x "$2" 2>/dev/null
}

# Whether every folder above $1 lets other users through.
open_to_others() { # dir
    local d="$1"
    while [ "$d" != / ]; do
        d="$(dirname "$d")"
        (($(stat -c '0%a' "$d") & 1)) || return 1
    done
}

# DIR, or when a folder above it is closed to other users (a clone under /root, say), a folder
# in /var/tmp named after it, so that start, env and stop all find the same place.
resolve_dir() {
    local dir="${1:-$REPO/build/cloud-servers}"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if ! open_to_others "$dir"; then
        local moved
        moved="/var/tmp/finpipe-cloud-servers-$(printf '%s' "$dir" | sha256sum | cut -c1-12)"
        note "$dir is inside a folder closed to other users: using $moved"
        mkdir -p "$moved"
        dir="$moved"
    fi
    echo "$dir"
}

check_reachable() {
    local u
    for u in postgres swift memcache; do
        getent passwd "$u" >/dev/null || die "user '$u' is missing: run scripts/install-deps.sh"
        reachable_by "$u" "$DIR" ||
            die "the user '$u' cannot reach $DIR (a parent folder is closed to other users); give another DIR"
    done
}

# A process that exited stays a zombie until init reaps it: that counts as gone.
proc_running() { # pid
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [ "${stat%% *}" != Z ]
}

pid_alive() { # name cmdline-fragment -> pid on stdout if the recorded process runs
    local f="$DIR/run/$1.pid" pid
    [ -s "$f" ] || return 1
    pid="$(cat "$f")"
    proc_running "$pid" || return 1
    # Guard against a reused pid: the process must be the one we started.
    grep -qa -- "$2" "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

pg_running() {
    [ -d "$DIR/pg/data" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1
}

all_running() {
    pg_running || return 1
    pid_alive memcached memcached >/dev/null || return 1
    local s
    for s in "${SWIFT_SERVERS[@]}"; do
        pid_alive "swift-$s" "$DIR/swift/etc/$s-server.conf" >/dev/null || return 1
    done
}

port_free() { # port
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_http() { # url seconds
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# ---------------------------------------------------------------- PostgreSQL

# A throw-away CA ($DIR/tls/ca.crt; its key is deleted) and a server certificate for localhost and
# 127.0.0.1 signed by it, in the data directory $1, owned by postgres.
make_tls() { # datadir
    local tls="$DIR/tls" work
    rm -rf "$tls"
    install -d -m 755 "$tls"
    work="$(mktemp -d)"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
        -subj "/CN=finpipe test CA" -keyout "$work/ca.key" -out "$tls/ca.crt" 2>"$DIR/log/tls.log" &&
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
            -keyout "$work/server.key" -out "$work/server.csr" 2>>"$DIR/log/tls.log" &&
        printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\n' >"$work/san.ext" &&
        openssl x509 -req -in "$work/server.csr" -CA "$tls/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
            -days 7 -extfile "$work/san.ext" -out "$1/server.crt" 2>>"$DIR/log/tls.log" ||
        { rm -rf "$work"; die "could not make the test TLS certificates; see $DIR/log/tls.log"; }
    install -o postgres -g postgres -m 600 "$work/server.key" "$1/server.key"
    chown postgres:postgres "$1/server.crt"
    chmod 644 "$tls/ca.crt"
    rm -rf "$work"
}

start_pg() {
    local pgdir="$DIR/pg"
    rm -rf "$pgdir"
    install -d -o postgres -g postgres -m 700 "$pgdir" "$pgdir/run"
    local superpw adminpw
    superpw="$(secret)"
    adminpw="$(secret)"
    # The password file is read by initdb as postgres, then removed.
    install -o postgres -g postgres -m 600 /dev/null "$pgdir/pwfile"
    printf '%s\n' "$superpw" >"$pgdir/pwfile"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$pgdir/data" -U postgres --pwfile="$pgdir/pwfile" \
        --auth=scram-sha-256 --no-sync --encoding=UTF8 --locale=C.UTF-8 >"$DIR/log/initdb.log" 2>&1 ||
        die "initdb failed; see $DIR/log/initdb.log"
    rm -f "$pgdir/pwfile"
    make_tls "$pgdir/data"
    cat >>"$pgdir/data/postgresql.conf" <<EOF
# finpipe test server
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$pgdir/run'
# TLS with a certificate for localhost and 127.0.0.1 from a CA made at each start ($DIR/tls/ca.crt),
# so that clients can be tested with sslmode=verify-full. Clients may still connect without TLS.
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF
    install -o postgres -g postgres -m 600 /dev/null "$DIR/log/postgresql.log"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pgdir/data" -l "$DIR/log/postgresql.log" -w -t 30 start >/dev/null ||
        die "PostgreSQL did not start; see $DIR/log/postgresql.log"
    # A database administrator who is not a superuser, as on managed services.
    PGPASSWORD="$superpw" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
        -v pw="$adminpw" >/dev/null <<'EOF' || die "could not create the finpipe database"
CREATE ROLE finpipe_admin LOGIN CREATEROLE CREATEDB PASSWORD :'pw';
CREATE DATABASE finpipe OWNER finpipe_admin;
EOF
    printf '%s\n' "$superpw" >"$DIR/secrets/pg-superuser-password"
    printf '%s\n' "$adminpw" >"$DIR/secrets/pg-admin-password"
}

stop_pg() {
    if pg_running; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m fast -w -t 30 stop >/dev/null ||
            note "PostgreSQL did not stop cleanly"
    fi
}

# ---------------------------------------------------------------- Swift

write_swift_config() {
    local etc="$DIR/swift/etc" key="$1"
    local common="[DEFAULT]
bind_ip = 127.0.0.1
workers = 0
user = swift
swift_dir = $etc
devices = $DIR/swift/srv
mount_check = false
log_level = INFO
"
    local s port
    for s in object container account; do
        case $s in
            object) port=$OBJECT_PORT ;;
            container) port=$CONTAINER_PORT ;;
            account) port=$ACCOUNT_PORT ;;
        esac
        cat >"$etc/$s-server.conf" <<EOF
${common}bind_port = $port
disable_fallocate = true

[pipeline:main]
pipeline = healthcheck $s-server

[app:$s-server]
use = egg:swift#$s

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
    done
    cat >"$etc/proxy-server.conf" <<EOF
${common}bind_port = $S3_PORT

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = $REGION
# Virtual-hosted addressing: <bucket>.localhost:<port>
storage_domain = localhost

[filter:tempauth]
use = egg:swift#tempauth
user_${S3_ACCOUNT}_${S3_USER} = $key .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHED_PORT

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
EOF
}

build_rings() {
    # One python process builds the three one-replica rings (much faster than swift-ring-builder x9).
    "$DEB_PYTHON" - "$DIR/swift/etc" "$OBJECT_PORT" "$CONTAINER_PORT" "$ACCOUNT_PORT" <<'EOF'
import sys
from swift.common.ring import RingBuilder
etc, ports = sys.argv[1], dict(zip(("object", "container", "account"), map(int, sys.argv[2:5])))
for name, port in ports.items():
    b = RingBuilder(6, 1, 1)
    b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port,
               "replication_ip": "127.0.0.1", "replication_port": port,
               "device": "d1", "weight": 100, "meta": ""})
    b.rebalance()
    b.save(f"{etc}/{name}.builder")
    b.get_ring().save(f"{etc}/{name}.ring.gz")
EOF
}

check_xattrs() {
    "$DEB_PYTHON" -c 'import os, sys; os.setxattr(sys.argv[1], "user.finpipe.check", b"1")' "$1" 2>/dev/null ||
        die "$1 is on a file system without user extended attributes, which Swift needs; give a DIR on ext4 or xfs"
}

start_swift() {
    [ -r /etc/swift/swift.conf ] || die "/etc/swift/swift.conf is missing: reinstall Debian's swift package"
    rm -rf "$DIR/swift"
    mkdir -p "$DIR/swift/etc" "$DIR/swift/srv/d1"
    check_xattrs "$DIR/swift/srv/d1"
    local key
    key="$(secret)"
    write_swift_config "$key"
    build_rings
    # With workers = 0 (one process per server, quick to start) Swift does not drop privileges
    # itself: the servers are started as the swift user, who owns their files.
    chown -R swift:swift "$DIR/swift"
    printf '%s\n' "$key" >"$DIR/secrets/s3-secret-key"

    setsid memcached -u memcache -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 32 \
        </dev/null >"$DIR/log/memcached.log" 2>&1 &
    echo $! >"$DIR/run/memcached.pid"
    local s
    for s in "${SWIFT_SERVERS[@]}"; do
        : >"$DIR/log/swift-$s.log"
        start_swift_server "$s"
    done
    local port
    for port in "$OBJECT_PORT" "$CONTAINER_PORT" "$ACCOUNT_PORT" "$S3_PORT"; do
        wait_http "http://127.0.0.1:$port/healthcheck" 30 ||
            die "Swift did not answer on port $port; see $DIR/log/swift-*.log"
    done
    # The bucket, made through Swift's own API with tempauth (the S3 API sees it as a bucket).
    local auth token url
    auth="$(curl -fsS -D - -o /dev/null -H "X-Auth-User: $S3_ACCOUNT:$S3_USER" -H "X-Auth-Key: $key" \
        "http://127.0.0.1:$S3_PORT/auth/v1.0")" || die "tempauth refused the test user; see $DIR/log/swift-proxy.log"
    token="$(printf '%s' "$auth" | tr -d '\r' | sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: //p')"
    url="$(printf '%s' "$auth" | tr -d '\r' | sed -n 's/^[Xx]-[Ss]torage-[Uu]rl: //p')"
    curl -fsS -o /dev/null -X PUT -H "X-Auth-Token: $token" "$url/$BUCKET" ||
        die "could not create the bucket $BUCKET"
}

start_swift_server() { # object|container|account|proxy
    setsid setpriv --reuid=swift --regid=swift --init-groups -- "$DEB_PYTHON" "/usr/bin/swift-$1-server" "$DIR/swift/etc/$1-server.conf" -v \
        </dev/null >>"$DIR/log/swift-$1.log" 2>&1 &
    echo $! >"$DIR/run/swift-$1.pid"
}

stop_pid() { # name cmdline-fragment
    local pid i
    pid="$(pid_alive "$1" "$2")" || { rm -f "$DIR/run/$1.pid"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        proc_running "$pid" || break
        sleep 0.1
    done
    if proc_running "$pid"; then
        note "$1 (pid $pid) ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/run/$1.pid"
}

stop_swift() {
    local s
    for s in proxy account container object; do
        stop_pid "swift-$s" "$DIR/swift/etc/$s-server.conf"
    done
    stop_pid memcached memcached
}

# ---------------------------------------------------------------- commands

cmd_start() {
    if all_running; then
        note "already running in $DIR"
        return 0
    fi
    command -v memcached >/dev/null && [ -x /usr/bin/swift-proxy-server ] && [ -x "$PG_BIN/initdb" ] ||
        die "PostgreSQL 15, Swift or memcached is not installed: run scripts/install-deps.sh"
    [ "$(id -u)" -eq 0 ] || die "start needs root (the servers run as the postgres, swift and memcache users)"
    chmod 755 "$DIR"
    check_reachable
    # Something half started (or a crash) is stopped first; start always gives fresh servers.
    stop_swift
    stop_pg
    local port
    for port in "$PG_PORT" "$S3_PORT" "$OBJECT_PORT" "$CONTAINER_PORT" "$ACCOUNT_PORT" "$MEMCACHED_PORT"; do
        port_free "$port" || die "port $port on 127.0.0.1 is taken by another program (override with FINPIPE_TEST_*_PORT)"
    done
    local t0=$SECONDS
    install -d -m 700 "$DIR/secrets"
    install -d -m 755 "$DIR/log" "$DIR/run"
    umask 077
    # Swift (python start-up is the slow part) and PostgreSQL start side by side.
    start_swift &
    local swift_job=$! failed=0
    (start_pg) || failed=1
    wait "$swift_job" || failed=1
    if ((failed)); then
        stop_swift
        stop_pg
        die "start failed (see the message above and $DIR/log)"
    fi
    umask 022
    note "started in $((SECONDS - t0)) s: PostgreSQL on 127.0.0.1:$PG_PORT, S3 (Swift) on 127.0.0.1:$S3_PORT"
}

cmd_stop() {
    stop_swift
    stop_pg
    note "stopped"
}

cmd_status() {
    local ok=0 s
    if pg_running; then echo "postgresql: running on 127.0.0.1:$PG_PORT"; else echo "postgresql: stopped"; ok=1; fi
    if pid_alive memcached memcached >/dev/null; then echo "memcached: running"; else echo "memcached: stopped"; ok=1; fi
    for s in "${SWIFT_SERVERS[@]}"; do
        if pid_alive "swift-$s" "$DIR/swift/etc/$s-server.conf" >/dev/null; then
            echo "swift-$s: running"
        else
            echo "swift-$s: stopped"
            ok=1
        fi
    done
    return $ok
}

# The S3 endpoint alone (Swift's proxy) stopped and started again, for tests of a storage outage;
# the data and the other servers stay.
cmd_stop_s3() {
    stop_pid swift-proxy "$DIR/swift/etc/proxy-server.conf"
    note "S3 endpoint stopped"
}

cmd_start_s3() {
    [ -r "$DIR/swift/etc/proxy-server.conf" ] || die "the servers were never started in $DIR: run $0 start"
    if ! pid_alive swift-proxy "$DIR/swift/etc/proxy-server.conf" >/dev/null; then
        start_swift_server proxy
    fi
    wait_http "http://127.0.0.1:$S3_PORT/healthcheck" 30 || die "the S3 endpoint did not answer; see $DIR/log/swift-proxy.log"
    note "S3 endpoint started"
}

cmd_env() {
    all_running || die "the servers are not running in $DIR: run $0 start"
    local adminpw key
    adminpw="$(cat "$DIR/secrets/pg-admin-password")"
    key="$(cat "$DIR/secrets/s3-secret-key")"
    printf 'export %s=%q\n' \
        FINPIPE_DATABASE_URL "postgresql://finpipe_admin:$adminpw@127.0.0.1:$PG_PORT/finpipe?sslmode=disable" \
        FINPIPE_S3_ENDPOINT "http://127.0.0.1:$S3_PORT" \
        FINPIPE_S3_REGION "$REGION" \
        FINPIPE_S3_BUCKET "$BUCKET" \
        FINPIPE_S3_ACCESS_KEY "$S3_ACCOUNT:$S3_USER" \
        FINPIPE_S3_SECRET_KEY "$key" \
        FINPIPE_S3_PATH_STYLE 1 \
        FINPIPE_TEST_PG_CA "$DIR/tls/ca.crt"
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
command="$1"
case "$command" in
    start | stop | status | env | stop-s3 | start-s3) ;;
    *) usage ;;
esac
DIR="$(resolve_dir "${2:-}")"
readonly DIR
"cmd_${command//-/_}"
