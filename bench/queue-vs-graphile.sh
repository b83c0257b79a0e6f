#!/usr/bin/env bash
# finpipe's queue beside graphile-worker on the same PostgreSQL server (issue 11's comparison), in
# alternating rounds, with a side-by-side summary: medians, ranges, each round's ratio and the
# targets.
#
#   bench/queue-vs-graphile.sh [ROUNDS] [JOBS] [PICKUPS]     (defaults 5, 10000, 300)
#
# FINPIPE_DATABASE_URL: an administrator's URL (CREATEDB), as for finpipe-bench-queue
# (`eval "$(scripts/cloud-servers.sh env)"` for the test server). FINPIPE_BENCH_QUEUE: the
# finpipe-bench-queue binary (default: the most recently built of build/dev, build/ci and
# build/release). FINPIPE_BENCH_WORKERS (e.g. "4,16") limits both to those concurrencies.
# One round runs finpipe-bench-queue and then bench.mjs, the next the other way round, so that a
# machine growing slower or faster during the run favours neither. The raw output of every round
# is kept in a temporary folder, printed at the end.
set -euo pipefail

readonly REPO="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${1:-5}"
JOBS="${2:-10000}"
PICKUPS="${3:-300}"

die() { echo "queue-vs-graphile: $*" >&2; exit 2; }

for n in "$ROUNDS" "$JOBS" "$PICKUPS"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS, JOBS and PICKUPS are positive whole numbers (usage: $0 [ROUNDS] [JOBS] [PICKUPS])"
done
[ -n "${FINPIPE_DATABASE_URL:-}" ] || die "FINPIPE_DATABASE_URL is not set (an administrator's URL)"
command -v node >/dev/null || die "node is not installed (graphile-worker runs on Node.js)"

BENCH="${FINPIPE_BENCH_QUEUE:-}"
if [ -z "$BENCH" ]; then
    # The most recently built of the presets' binaries.
    for candidate in "$REPO"/build/{dev,ci,release}/bench/finpipe-bench-queue; do
        if [ -x "$candidate" ] && { [ -z "$BENCH" ] || [ "$candidate" -nt "$BENCH" ]; }; then
            BENCH="$candidate"
        fi
    done
fi
[ -n "$BENCH" ] && [ -x "$BENCH" ] ||
    die "no finpipe-bench-queue built (build a preset, or set FINPIPE_BENCH_QUEUE)"

if [ ! -d "$REPO/bench/graphile/node_modules/graphile-worker" ]; then
    echo "queue-vs-graphile: installing graphile-worker from the npm registry (npm ci)" >&2
    (cd "$REPO/bench/graphile" && npm ci --no-audit --no-fund >&2)
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/queue-vs-graphile.XXXXXX")"
finpipe_round() {
    "$BENCH" "$JOBS" "$PICKUPS" >"$out/finpipe-$1.txt" 2>&1 || { cat "$out/finpipe-$1.txt" >&2; die "finpipe-bench-queue failed in round $1"; }
    tail -n 1 "$out/finpipe-$1.txt" >>"$out/finpipe.jsonl"
}
graphile_round() {
    (cd "$REPO/bench/graphile" && node bench.mjs "$JOBS" "$PICKUPS") >"$out/graphile-$1.txt" 2>&1 ||
        { cat "$out/graphile-$1.txt" >&2; die "bench.mjs failed in round $1"; }
    tail -n 1 "$out/graphile-$1.txt" >>"$out/graphile.jsonl"
}

# The load average, where the system says it (/proc on Linux, uptime elsewhere).
load() {
    if [ -r /proc/loadavg ]; then cut -d' ' -f1-3 /proc/loadavg; else uptime | sed 's/.*load average[s]*: *//'; fi
}

for ((i = 1; i <= ROUNDS; i++)); do
    echo "queue-vs-graphile: round $i of $ROUNDS ($(date -u +%H:%M:%S) UTC, load average $(load))" >&2
    if ((i % 2)); then
        finpipe_round "$i"
        graphile_round "$i"
    else
        graphile_round "$i"
        finpipe_round "$i"
    fi
done

node "$REPO/bench/graphile/compare.mjs" "$out/finpipe.jsonl" "$out/graphile.jsonl"
echo "(each round's output: $out)"
