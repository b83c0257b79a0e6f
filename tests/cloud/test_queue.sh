#!/usr/bin/env bash
# The queue: claim order, SKIP LOCKED, fenced leases (a lost lease writes nothing), expired leases
# reclaimed, retries with backoff, cancellation seen at the heartbeat, history and NOTIFY.
source "$(dirname "$0")/lib.sh"

fresh_db t_queue
ANA="$(make_login t_queue_ana finpipe_analyst)"
WRK="$(make_login t_queue_worker finpipe_worker)"
w1="$(q "$WRK" "SELECT finpipe.register_worker('host-1', 101, 'test')")"
w2="$(q "$WRK" "SELECT finpipe.register_worker('host-2', 102, 'test')")"

submit() { # name -> job id
    printf 'month,amount\n2024-01,%s\n' "$1" >"$WORK/$1.csv"
    upload_and_submit "$ANA" "$WORK/$1.csv"
}
claim() { # worker -> "id token" or empty (a lease of 5 minutes: a loaded machine may take more
    # than 30 s to reach a job's last check, and a lease must expire only where a check says so)
    q "$WRK" "SELECT id || ' ' || lease_token FROM finpipe.claim_job(:'w', 300)" -v w="$1"
}
state() { q "$ADMIN" "SELECT state FROM finpipe.jobs WHERE id = :'id'" -v id="$1"; }
outputs='[{"name": "summary.csv", "kind": "data", "size": 3, "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]'

OTHER="$(make_login t_queue_worker2 finpipe_worker)"
err="$(q_err "$OTHER" "SELECT * FROM finpipe.claim_job(:'w', 30)" -v w="$w1")"
expect_match "a worker cannot claim under another login's worker id" "not registered for t_queue_worker2" "$err"
err="$(q_err "$WRK" "SELECT * FROM finpipe.claim_job(:'w', 0)" -v w="$w1")"
expect_match "a lease must last at least a second" "a lease lasts 1 to 3600 seconds" "$err"

# Order: priority first, then age.
old="$(submit old)"
urgent="$(submit urgent)"
q "$ADMIN" "UPDATE finpipe.jobs SET priority = 5 WHERE id = :'id'" -v id="$urgent" >/dev/null
read -r first first_token <<<"$(claim "$w1")"
read -r second second_token <<<"$(claim "$w1")"
expect_eq "the higher priority is claimed first, then the oldest" "$urgent $old" "$first $second"
expect_eq "nothing more to claim" "" "$(claim "$w1")"
expect_eq "a claim counts the attempt and names the worker" "1 $w1 running" \
    "$(q "$ADMIN" "SELECT attempts || ' ' || lease_owner || ' ' || state FROM finpipe.jobs WHERE id = :'id'" -v id="$first")"

# SKIP LOCKED: while one session holds its claim uncommitted, another claims a different job at once.
# (Leases of 5 minutes, as claim's: an expired lease would put these jobs back in the queue.)
a="$(submit skip-a)"
b="$(submit skip-b)"
printf "BEGIN;\nSELECT id FROM finpipe.claim_job('%s', 300);\nSELECT pg_sleep(5);\nCOMMIT;\n" "$w1" |
    psql "$WRK" -X -q -At -v ON_ERROR_STOP=1 >"$WORK/held" 2>&1 &
holder=$!
for _ in $(seq 50); do
    [ -s "$WORK/held" ] && break
    sleep 0.1
done
other="$(q "$WRK" "SET lock_timeout = '1s'; SELECT id FROM finpipe.claim_job(:'w', 300);
                  SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(5)%'
                     AND pid <> pg_backend_pid()" -v w="$w2" 2>&1)" || true
holding="$(tail -1 <<<"$other")"
other="$(head -1 <<<"$other")"
wait $holder || true
held="$(head -1 "$WORK/held")"
expect_match "the first session claimed one of the two" "^($a|$b)$" "$held"
expect_match "the second claimed the other without waiting" "^($a|$b)$" "$other"
if [ "$held" != "$other" ]; then pass "two sessions, two different jobs"; else fail "both sessions claimed $held"; fi
expect_eq "while the first still held its claim uncommitted" "1" "$holding"

# Heartbeat: renews the lease and records progress.
# (10 s before expiry: a loaded machine may take seconds to start the next psql)
q "$ADMIN" "UPDATE finpipe.jobs SET lease_expires_at = now() + interval '10 seconds' WHERE id = :'id'" -v id="$first" >/dev/null
expect_eq "a heartbeat with the live token goes on" "running" \
    "$(q "$WRK" "SELECT finpipe.heartbeat(:'id', :'t', 0.5)" -v id="$first" -v t="$first_token")"
expect_eq "and renews the lease for its length and records progress" "true 0.5" \
    "$(q "$ADMIN" "SELECT (lease_expires_at > now() + interval '250 seconds') || ' ' || progress FROM finpipe.jobs WHERE id = :'id'" -v id="$first")"
err="$(q_err "$WRK" "SELECT finpipe.heartbeat(:'id', gen_random_uuid(), 0.6)" -v id="$first")"
expect_match "a wrong token is refused" "lease on job .* is lost" "$err"

# A lease that expires is lost: the old worker can write nothing; another worker reclaims the job.
q "$ADMIN" "UPDATE finpipe.jobs SET lease_expires_at = now() - interval '1 second' WHERE id = :'id'" -v id="$first" >/dev/null
err="$(q_err "$WRK" "SELECT finpipe.heartbeat(:'id', :'t', 0.9)" -v id="$first" -v t="$first_token")"
expect_match "an expired lease cannot write progress" "lease on job .* is lost" "$err"
err="$(q_err "$WRK" "SELECT finpipe.complete_job(:'id', :'t', :'o')" -v id="$first" -v t="$first_token" -v o="$outputs")"
expect_match "an expired lease cannot complete" "lease on job .* is lost" "$err"
read -r reclaimed new_token <<<"$(claim "$w2")"
expect_eq "another worker reclaims the expired job" "$first" "$reclaimed"
expect_eq "as its second attempt" "2 $w2" "$(q "$ADMIN" "SELECT attempts || ' ' || lease_owner FROM finpipe.jobs WHERE id = :'id'" -v id="$first")"
err="$(q_err "$WRK" "SELECT finpipe.complete_job(:'id', :'t', :'o')" -v id="$first" -v t="$first_token" -v o="$outputs")"
expect_match "the stale token still cannot complete" "lease on job .* is lost" "$err"
err="$(q_err "$WRK" "SELECT finpipe.fail_job(:'id', :'t', 'boom', false)" -v id="$first" -v t="$first_token")"
expect_match "nor fail the job" "lease on job .* is lost" "$err"
expect_eq "nothing was recorded for the stale worker" "0" "$(q "$ADMIN" "SELECT count(*) FROM finpipe.job_outputs WHERE job_id = :'id'" -v id="$first")"
q "$WRK" "SELECT finpipe.complete_job(:'id', :'t', :'o')" -v id="$first" -v t="$new_token" -v o="$outputs" >/dev/null
expect_eq "the live lease completes, outputs under its attempt" "succeeded outputs/$first/2/summary.csv" \
    "$(q "$ADMIN" "SELECT j.state || ' ' || o.storage_key FROM finpipe.jobs j JOIN finpipe.job_outputs o ON o.job_id = j.id WHERE j.id = :'id'" -v id="$first")"
err="$(q_err "$WRK" "SELECT finpipe.complete_job(:'id', :'t', :'o')" -v id="$first" -v t="$new_token" -v o="$outputs")"
expect_match "completing twice is refused" "lease on job .* is lost" "$err"
expect_eq "exactly one set of outputs" "1" "$(q "$ADMIN" "SELECT count(*) FROM finpipe.job_outputs WHERE job_id = :'id'" -v id="$first")"

# Failures: retryable ones go back to the queue after a backoff, until max_attempts.
# (One transaction: the claim right after the failure sees the same now().)
requeue="$(q "$WRK" "BEGIN; SELECT finpipe.fail_job(:'id', :'t', 'the network dropped', true);
                     SELECT count(*) FROM finpipe.claim_job(:'w', 30); COMMIT;" -v id="$second" -v t="$second_token" -v w="$w1" | paste -sd' ')"
expect_eq "a retryable failure requeues, not claimable before its time" "queued 0" "$requeue"
expect_eq "with a backoff of 1 to 2 s after the first attempt, the error kept and the lease cleared" "true true the network dropped" \
    "$(q "$ADMIN" "SELECT (run_after - updated_at BETWEEN interval '1 s' AND interval '2 s') || ' ' || (lease_token IS NULL) || ' ' || error FROM finpipe.jobs WHERE id = :'id'" -v id="$second")"
sleep 2.2
read -r again again_token <<<"$(claim "$w1")"
expect_eq "claimable after it" "$second" "$again"
q "$ADMIN" "UPDATE finpipe.jobs SET max_attempts = 2 WHERE id = :'id'" -v id="$second" >/dev/null
expect_eq "the last attempt's failure is final" "failed" \
    "$(q "$WRK" "SELECT finpipe.fail_job(:'id', :'t', 'still broken', true)" -v id="$second" -v t="$again_token")"
expect_eq "with the last error" "still broken" "$(q "$ADMIN" "SELECT error FROM finpipe.jobs WHERE id = :'id'" -v id="$second")"

nonretry="$(submit nonretry)"
read -r job token <<<"$(claim "$w1")"
expect_eq "(claimed the next job)" "$nonretry" "$job"
expect_eq "an error retrying cannot fix fails at once" "failed" \
    "$(q "$WRK" "SELECT finpipe.fail_job(:'id', :'t', 'not a spreadsheet', false)" -v id="$job" -v t="$token")"

# A lease that expires on the last attempt fails the job instead of running it again.
lastgasp="$(submit lastgasp)"
read -r job token <<<"$(claim "$w1")"
q "$ADMIN" "UPDATE finpipe.jobs SET max_attempts = 1, lease_expires_at = now() - interval '1 s' WHERE id = :'id'" -v id="$job" >/dev/null
expect_eq "(nothing else to claim)" "" "$(claim "$w2")"
expect_eq "a job whose worker died on its last attempt fails" "failed" "$(state "$lastgasp")"

# Cancellation: a queued job at once; a running one at its worker's next heartbeat.
queued="$(submit cancel-queued)"
expect_eq "cancelling a queued job" "cancelled" "$(q "$ANA" "SELECT finpipe.cancel_job(:'id')" -v id="$queued")"
running="$(submit cancel-running)"
read -r job token <<<"$(claim "$w1")"
expect_eq "(claimed the job to cancel)" "$running" "$job"
expect_eq "cancelling a running job" "cancelled" "$(q "$ANA" "SELECT finpipe.cancel_job(:'id')" -v id="$running")"
expect_eq "its worker learns it at the heartbeat" "cancelled" \
    "$(q "$WRK" "SELECT finpipe.heartbeat(:'id', :'t', 0.7)" -v id="$running" -v t="$token")"
err="$(q_err "$WRK" "SELECT finpipe.complete_job(:'id', :'t', :'o')" -v id="$running" -v t="$token" -v o="$outputs")"
expect_match "and cannot complete it" "was cancelled" "$err"
expect_eq "a finished job stays as it was" "failed" "$(q "$ANA" "SELECT finpipe.cancel_job(:'id')" -v id="$nonretry")"

# Every state change is in the history, in order, and announced.
expect_eq "the history of the reclaimed job" "-:queued queued:running running:queued queued:running running:succeeded" \
    "$(q "$ADMIN" "SELECT string_agg(coalesce(from_state::text, '-') || ':' || to_state, ' ' ORDER BY id) FROM finpipe.job_events WHERE job_id = :'id' AND kind = 'state'" -v id="$first")"
expect_eq "who made each change" "t_queue_ana $w1 $w2 $w2 $w2" \
    "$(q "$ADMIN" "SELECT string_agg(actor, ' ' ORDER BY id) FROM finpipe.job_events WHERE job_id = :'id' AND kind = 'state'" -v id="$first")"

# The listener says when it listens (psql's \! runs after LISTEN), so a loaded machine cannot make
# the submission come first.
printf 'LISTEN finpipe_jobs;\n\\! touch %s\nSELECT pg_sleep(4.5);\n' "$WORK/listening" | psql "$ANA" -X -q -At >"$WORK/notes" 2>&1 &
listener=$!
for ((i = 0; i < 100; i++)); do [ -e "$WORK/listening" ] && break; sleep 0.1; done
notified="$(submit notified)"
# A claim and a completion commit without notifying (0004_quiet_commits.sql); the worker announces
# the completion after it commits, in a transaction that does not wait for the disk.
read -r job token <<<"$(claim "$w1")"
expect_eq "(claimed the announced job)" "$notified" "$job"
q "$WRK" "SELECT finpipe.complete_job(:'id', :'t', :'o')" -v id="$job" -v t="$token" -v o="$outputs" >/dev/null
expect_eq "announcing gives the state announced" "succeeded" "$(q "$WRK" "SELECT finpipe.announce(:'id')" -v id="$job")"
err="$(q_err "$ANA" "SELECT finpipe.announce(:'id')" -v id="$job")"
expect_match "an analyst cannot announce" "permission denied" "$err"
wait $listener || true
notes="$(grep -o 'payload ".*"' "$WORK/notes" | grep -F "$notified" | sed 's/.*"state" : "\([a-z]*\)".*/\1/' | tr '\n' ' ')"
expect_eq "the listener saw the submission and the announced completion, in order, and nothing else" \
    "queued succeeded " "$notes"
expect_match "a submission is announced with its id and state" \
    "Asynchronous notification \"finpipe_jobs\" with payload \"\\{\"id\" : \"$notified\", \"state\" : \"queued\"\\}\"" \
    "$(cat "$WORK/notes")"

# complete_and_claim (0008_lean_claims.sql): one transaction completes a job and claims the next.
# (On a loaded machine leases from above may have expired into the queue by now: the jobs left
# running keep their leases and the queued ones are put aside, so that only these jobs are ready.)
q "$ADMIN" "UPDATE finpipe.jobs SET lease_expires_at = now() + interval '1 hour' WHERE state = 'running';
            UPDATE finpipe.jobs SET state = 'cancelled', finished_at = now() WHERE state = 'queued'" >/dev/null
first_done="$(submit cc-first)"
next_up="$(submit cc-next)"
read -r job token <<<"$(claim "$w1")"
expect_eq "(claimed the first of two)" "$first_done" "$job"
read -r next next_token <<<"$(q "$WRK" "SELECT id || ' ' || lease_token FROM finpipe.complete_and_claim(:'id', :'t', :'o', :'w', 30)" \
    -v id="$job" -v t="$token" -v o="$outputs" -v w="$w1")"
expect_eq "completing claims the next job for the same worker" "$next_up" "$next"
expect_eq "the completed job succeeded with its outputs, the next runs under the worker" "succeeded 1 running $w1" \
    "$(q "$ADMIN" "SELECT (SELECT state || ' ' || (SELECT count(*) FROM finpipe.job_outputs WHERE job_id = :'a') FROM finpipe.jobs WHERE id = :'a')
                   || ' ' || (SELECT state || ' ' || lease_owner FROM finpipe.jobs WHERE id = :'b')" -v a="$job" -v b="$next")"
expect_eq "both changes are in the history" "queued:running running:succeeded | -:queued queued:running" \
    "$(q "$ADMIN" "SELECT (SELECT string_agg(coalesce(from_state::text, '-') || ':' || to_state, ' ' ORDER BY id) FROM finpipe.job_events WHERE job_id = :'a' AND kind = 'state' AND id > (SELECT min(id) FROM finpipe.job_events WHERE job_id = :'a'))
                   || ' | ' || (SELECT string_agg(coalesce(from_state::text, '-') || ':' || to_state, ' ' ORDER BY id) FROM finpipe.job_events WHERE job_id = :'b' AND kind = 'state')" -v a="$job" -v b="$next")"
stale="$(submit cc-stale)"
err="$(q_err "$WRK" "SELECT * FROM finpipe.complete_and_claim(:'id', :'t', :'o', :'w', 30)" -v id="$next" -v t="$token" -v o="$outputs" -v w="$w1")"
expect_match "a stale token completes nothing" "lease on job .* is lost" "$err"
expect_eq "and claims nothing" "running queued" \
    "$(q "$ADMIN" "SELECT (SELECT state FROM finpipe.jobs WHERE id = :'a') || ' ' || (SELECT state FROM finpipe.jobs WHERE id = :'b')" -v a="$next" -v b="$stale")"
read -r last last_token <<<"$(q "$WRK" "SELECT id || ' ' || lease_token FROM finpipe.complete_and_claim(:'id', :'t', '[]', :'w', 30)" \
    -v id="$next" -v t="$next_token" -v w="$w1")"
expect_eq "(the live token completes and claims the last queued job)" "$stale" "$last"
expect_eq "with nothing ready no job comes back" "0" \
    "$(q "$WRK" "SELECT count(*) FROM finpipe.complete_and_claim(:'id', :'t', '[]', :'w', 30)" -v id="$last" -v t="$last_token" -v w="$w1")"
expect_eq "and the completion stands" "succeeded" "$(state "$last")"
err="$(q_err "$ANA" "SELECT * FROM finpipe.complete_and_claim(:'id', :'t', '[]', :'w', 30)" -v id="$last" -v t="$last_token" -v w="$w1")"
expect_match "an analyst cannot complete and claim" "permission denied" "$err"

# announce_all: several jobs in one transaction, each announced with its current state, in order.
printf 'LISTEN finpipe_jobs;\n\\! touch %s\nSELECT pg_sleep(2.5);\n' "$WORK/listening2" | psql "$ANA" -X -q -At >"$WORK/notes2" 2>&1 &
listener=$!
for ((i = 0; i < 100; i++)); do [ -e "$WORK/listening2" ] && break; sleep 0.1; done
expect_eq "announce_all announces the jobs that exist" "2" \
    "$(q "$WRK" "SELECT finpipe.announce_all(ARRAY[:'a', gen_random_uuid()::text, :'b']::uuid[])" -v a="$last" -v b="$nonretry")"
wait $listener || true
expect_eq "the listener saw each with its state, in the order given" "$last:succeeded $nonretry:failed " \
    "$(grep -o 'payload ".*"' "$WORK/notes2" | sed 's/.*"id" : "\([^"]*\)", "state" : "\([a-z]*\)".*/\1:\2/' | tr '\n' ' ')"
err="$(q_err "$ANA" "SELECT finpipe.announce_all(ARRAY[:'a']::uuid[])" -v a="$last")"
expect_match "an analyst cannot announce" "permission denied" "$err"

finish
