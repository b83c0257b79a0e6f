# Shared by the cloud tests (sourced). The servers of scripts/cloud-servers.sh must be running in
# FINPIPE_CLOUD_DIR (default build/cloud-servers); CTest's fixture starts them.
set -eEuo pipefail
# A command that fails outside a check ends the test: say where.
trap 'echo "FAIL - stopped by an unexpected error at line $LINENO of $(basename "$0")"' ERR

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLOUD_DIR="${FINPIPE_CLOUD_DIR:-$REPO/build/cloud-servers}"
servers_env="$(bash "$REPO/scripts/cloud-servers.sh" env "$CLOUD_DIR")" ||
    { echo "the cloud test servers are not running: scripts/cloud-servers.sh start $CLOUD_DIR" >&2; exit 1; }
eval "$servers_env"
unset servers_env

# postgresql://admin:pw@host:port/finpipe?query -> pieces to build other URLs from.
PG_BASE="${FINPIPE_DATABASE_URL%/*}"     # postgresql://admin:pw@host:port
PG_HOSTPORT="${PG_BASE#*@}"              # host:port
PG_QUERY="?${FINPIPE_DATABASE_URL#*\?}"  # ?sslmode=disable

export PGOPTIONS="-c client_min_messages=warning"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PASSES=0
FAILS=0

pass() { PASSES=$((PASSES + 1)); echo "ok - $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $*"; }

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
    if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# expect_match DESCRIPTION EXTENDED-REGEX ACTUAL
expect_match() {
    if [[ "$3" =~ $2 ]]; then pass "$1"; else fail "$1: '$3' does not match /$2/"; fi
}

finish() {
    trap - ERR
    echo "$PASSES passed, $FAILS failed"
    ((FAILS == 0 && PASSES > 0))
}

admin_url() { echo "$PG_BASE/$1$PG_QUERY"; }             # admin_url DB
login_url() { echo "postgresql://$1:$2@$PG_HOSTPORT/$3$PG_QUERY"; } # login_url USER PASSWORD DB

# q URL SQL [psql options, e.g. -v name=value for :'name' in SQL]: one unaligned result, errors fatal.
q() {
    local url="$1" sql="$2"
    shift 2
    printf '%s\n' "$sql" | psql "$url" -X -q -At -v ON_ERROR_STOP=1 "$@"
}

# q_err URL SQL [psql options]: the statement must fail; prints its error text (empty if it succeeded).
q_err() {
    local url="$1" sql="$2" out
    shift 2
    if out="$(printf '%s\n' "$sql" | psql "$url" -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=default "$@" 2>&1)"; then
        echo ""
    else
        echo "${out:-failed without a message}"
    fi
}

secret() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# fresh_db NAME: a new database, migrated, with the test servers' storage settings. Sets DB and ADMIN.
fresh_db() {
    DB="$1"
    ADMIN="$(admin_url "$DB")"
    q "$FINPIPE_DATABASE_URL" "DROP DATABASE IF EXISTS $DB WITH (FORCE)">/dev/null
    q "$FINPIPE_DATABASE_URL" "CREATE DATABASE $DB" >/dev/null
    bash "$REPO/tests/cloud/migrate.sh" "$ADMIN" >/dev/null
    q "$ADMIN" "SELECT finpipe.set_storage_settings(:'e', :'r', :'b', :'a', :'s', :'p' = '1')" \
        -v e="$FINPIPE_S3_ENDPOINT" -v r="$FINPIPE_S3_REGION" -v b="$FINPIPE_S3_BUCKET" \
        -v a="$FINPIPE_S3_ACCESS_KEY" -v s="$FINPIPE_S3_SECRET_KEY" -v p="$FINPIPE_S3_PATH_STYLE" >/dev/null
}

# make_login NAME GROUP: a login role in finpipe_analyst or finpipe_worker; prints its URL for $DB.
make_login() {
    local pw
    pw="$(secret)"
    q "$FINPIPE_DATABASE_URL" "DROP ROLE IF EXISTS $1; CREATE ROLE $1 LOGIN PASSWORD :'pw' IN ROLE $2" -v pw="$pw" \
       >/dev/null
    login_url "$1" "$pw" "$DB"
}

# upload_and_submit URL FILE [DATASET_TYPE]: as an analyst, uploads FILE as the database directs
# (PUT through the issued URL and report it stored; or nothing when the bucket has it; or wait
# while another submission uploads it) and submits a job on it; prints the job id.
upload_and_submit() {
    local url="$1" file="$2" sha size answer state put reservation i
    sha="$(sha256sum "$file" | cut -d' ' -f1)"
    size="$(stat -c %s "$file")"
    for ((i = 0; i < 100; i++)); do
        answer="$(q "$url" "SELECT state || ' ' || coalesce(url, '-') || ' ' || coalesce(reservation::text, '-')
                            FROM finpipe.presign_upload(:'sha', :'size')" -v sha="$sha" -v size="$size")"
        read -r state put reservation <<<"$answer"
        case "$state" in
            upload)
                curl -fsS -o /dev/null -T "$file" "$put"
                q "$url" "SELECT finpipe.upload_stored(:'sha', :'r')" -v sha="$sha" -v r="$reservation" >/dev/null
                break ;;
            stored) break ;;
            *) sleep 0.2 ;;
        esac
    done
    q "$url" "SELECT finpipe.submit_job(:'name', :'size', :'sha', :'type')" \
        -v name="$(basename "$file")" -v size="$size" -v sha="$sha" -v type="${3:-sales}"
}

# http_status URL [curl options]: the HTTP status code (000 when nothing answered); the body goes
# to $WORK/body.
http_status() {
    local url="$1"
    shift
    curl -s -o "$WORK/body" -w '%{http_code}' "$@" "$url" || true
}
