#!/usr/bin/env bash
# Row-level security and privileges: an analyst sees, cancels and gets links for their own jobs
# only; nobody but the administrator reads the storage settings; writes go through the functions.
source "$(dirname "$0")/lib.sh"

fresh_db t_rls
ANA="$(make_login t_rls_ana finpipe_analyst)"
BOB="$(make_login t_rls_bob finpipe_analyst)"
WRK="$(make_login t_rls_worker finpipe_worker)"

printf 'month,amount\n2024-01,10\n' >"$WORK/ana.csv"
printf 'month,amount\n2024-02,20\n' >"$WORK/bob.csv"
ana_job="$(upload_and_submit "$ANA" "$WORK/ana.csv")"
bob_job="$(upload_and_submit "$BOB" "$WORK/bob.csv")"
ana_job2="$(upload_and_submit "$ANA" "$WORK/ana.csv")"

expect_eq "the owner is the login that submitted" "t_rls_ana" "$(q "$ADMIN" "SELECT owner FROM finpipe.jobs WHERE id = :'id'" -v id="$ana_job")"
expect_eq "an analyst sees only their own jobs" "2" "$(q "$ANA" "SELECT count(*) FROM finpipe.jobs")"
expect_eq "not even by id" "0" "$(q "$ANA" "SELECT count(*) FROM finpipe.jobs WHERE id = :'id'" -v id="$bob_job")"
expect_eq "the other analyst sees theirs" "$bob_job" "$(q "$BOB" "SELECT id FROM finpipe.jobs")"
expect_eq "nor the events of another's job" "0" "$(q "$ANA" "SELECT count(*) FROM finpipe.job_events WHERE job_id = :'id'" -v id="$bob_job")"
expect_eq "(the other's upload link is recorded)" "1" "$(q "$ADMIN" "SELECT count(*) FROM finpipe.job_events WHERE actor = 't_rls_bob' AND kind = 'url'")"
expect_eq "nor another's upload links" "0" "$(q "$ANA" "SELECT count(*) FROM finpipe.job_events WHERE actor = 't_rls_bob'")"
expect_eq "an analyst sees their own history" "2" "$(q "$ANA" "SELECT count(*) FROM finpipe.job_events WHERE kind = 'state'")"

err="$(q_err "$ANA" "SELECT finpipe.cancel_job(:'id')" -v id="$bob_job")"
expect_match "cancelling another's job is refused" "no job .* of yours" "$err"
expect_eq "and the job is still queued" "queued" "$(q "$ADMIN" "SELECT state FROM finpipe.jobs WHERE id = :'id'" -v id="$bob_job")"
expect_eq "cancelling one's own queued job works" "cancelled" "$(q "$ANA" "SELECT finpipe.cancel_job(:'id')" -v id="$ana_job2")"

err="$(q_err "$ANA" "UPDATE finpipe.jobs SET state = 'succeeded' WHERE id = :'id'" -v id="$ana_job")"
expect_match "an analyst cannot update jobs directly" "permission denied" "$err"
err="$(q_err "$ANA" "INSERT INTO finpipe.jobs (owner, dataset_type, input_name, input_size, input_sha256) SELECT 't_rls_bob', 'sales', 'x', 1, sha256 FROM finpipe.uploads LIMIT 1")"
expect_match "an analyst cannot insert jobs directly" "permission denied" "$err"
err="$(q_err "$ANA" "DELETE FROM finpipe.job_events")"
expect_match "an analyst cannot delete history" "permission denied" "$err"
err="$(q_err "$ADMIN" "UPDATE finpipe.job_events SET message = 'rewritten'")"
expect_match "the history is append-only, even for the administrator" "append-only" "$err"
err="$(q_err "$ANA" "SELECT * FROM finpipe.claim_job(gen_random_uuid(), 30)")"
expect_match "an analyst cannot claim jobs" "permission denied" "$err"

# The storage settings and the signing functions are the administrator's alone.
for who in ANA WRK; do
    err="$(q_err "${!who}" "SELECT secret_key FROM finpipe.storage_settings")"
    expect_match "$who cannot read the storage settings" "permission denied" "$err"
    err="$(q_err "${!who}" "SELECT * FROM finpipe.presign('GET', 'uploads/x', 60)")"
    expect_match "$who cannot sign arbitrary keys" "permission denied" "$err"
    err="$(q_err "${!who}" "SELECT finpipe.set_storage_settings('http://evil.example', 'r', 'bucket', 'a', 'b', true)")"
    expect_match "$who cannot change the storage settings" "permission denied" "$err"
done
expect_eq "the administrator can read them" "$FINPIPE_S3_BUCKET" "$(q "$ADMIN" "SELECT bucket FROM finpipe.storage_settings")"

# A worker completes both jobs with one output each; each analyst gets links for their own only.
worker="$(q "$WRK" "SELECT finpipe.register_worker('host-a', 1, 'test')")"
for i in 1 2; do
    q "$WRK" "SELECT id || ' ' || lease_token FROM finpipe.claim_job(:'w', 30)" -v w="$worker" >"$WORK/claim"
    read -r job token <"$WORK/claim"
    q "$WRK" "SELECT finpipe.complete_job(:'j', :'t', :'o')" -v j="$job" -v t="$token" \
        -v o='[{"name": "summary.csv", "kind": "data", "size": 3, "sha256": "'"$(printf 'abc' | sha256sum | cut -d' ' -f1)"'"}]' >/dev/null
done
expect_eq "both jobs succeeded" "succeeded succeeded" \
    "$(q "$ADMIN" "SELECT string_agg(state::text, ' ') FROM finpipe.jobs WHERE id IN (:'a', :'b')" -v a="$ana_job" -v b="$bob_job")"
expect_eq "an analyst sees only their own outputs" "$ana_job" "$(q "$ANA" "SELECT string_agg(job_id::text, ' ') FROM finpipe.job_outputs")"
err="$(q_err "$ANA" "SELECT url FROM finpipe.presign_output(:'id', 'summary.csv')" -v id="$bob_job")"
expect_match "an analyst gets no link for another's output" "no output .* of yours" "$err"
expect_match "but does for their own" "^http://.*/outputs/$ana_job/1/summary.csv\?X-Amz-" \
    "$(q "$ANA" "SELECT url FROM finpipe.presign_output(:'id', 'summary.csv')" -v id="$ana_job")"
expect_eq "the refused request issued no link" "0" \
    "$(q "$ADMIN" "SELECT count(*) FROM finpipe.job_events WHERE kind = 'url' AND job_id = :'id'" -v id="$bob_job")"
expect_eq "an analyst sees the worker's host" "host-a" "$(q "$ANA" "SELECT w.host FROM finpipe.jobs j JOIN finpipe.workers w ON w.id = j.lease_owner WHERE j.id = :'id'" -v id="$ana_job")"

finish
