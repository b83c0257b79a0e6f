-- finpipe cloud schema, part 8: a claim and a completion do less work (issue 11's throughput).
--
-- Measured with finpipe-bench-queue on a 2-core machine whose disk flushes quickly, the queue was
-- bound by the database's CPU, and each job cost about twice what a graphile-worker job costs.
-- Same guarantees, fewer statements:
-- - a claim sweeps expired leases only when one is due (one look at the lease index), not by
--   locking and updating through a loop at every claim;
-- - a claim picks and takes the job in one UPDATE (the pick locked with SKIP LOCKED as before);
-- - a completion is one fenced UPDATE (the live lease token and an unexpired lease in its WHERE)
--   instead of locking the row and then updating it; only when it matches nothing does it look
--   why (cancelled: FP005, else the lease is lost: FP001), and the outputs are inserted only when
--   there are any;
-- - finpipe.complete_and_claim completes a job and claims the next in one transaction (one commit,
--   one WAL flush, one round trip), for a worker whose slot the completed job frees;
-- - finpipe.announce_all(ids) announces several jobs in one transaction: a worker sends the
--   announcements that piled up while the last one was in flight together.

CREATE OR REPLACE FUNCTION finpipe.claim_job(p_worker uuid, p_lease_seconds integer DEFAULT 30)
RETURNS SETOF finpipe.jobs
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job finpipe.jobs;
    v_expired record;
BEGIN
    IF p_lease_seconds IS NULL OR p_lease_seconds < 1 OR p_lease_seconds > 3600 THEN
        RAISE EXCEPTION 'a lease lasts 1 to 3600 seconds, not %', p_lease_seconds USING ERRCODE = 'FP003';
    END IF;
    -- A claim counts as the worker's heartbeat; written at most once a second (a busy worker claims
    -- hundreds of jobs a second, and each write is a new row version).
    UPDATE finpipe.workers SET last_heartbeat = now()
     WHERE id = p_worker AND login = session_user AND last_heartbeat < now() - interval '1 second';
    IF NOT FOUND AND NOT EXISTS (SELECT FROM finpipe.workers WHERE id = p_worker AND login = session_user) THEN
        RAISE EXCEPTION 'worker % is not registered for %', p_worker, session_user USING ERRCODE = 'FP004';
    END IF;

    -- Expired leases (rare: their workers died) go back to the queue, or fail on their last
    -- attempt, and are announced at once so that idle workers wake. Looked for through the lease
    -- index first: usually there is none, and the look costs one index probe.
    IF EXISTS (SELECT FROM finpipe.jobs WHERE state = 'running' AND lease_expires_at < now()) THEN
        FOR v_expired IN
            WITH expired AS (
                SELECT id, lease_owner FROM finpipe.jobs
                 WHERE state = 'running' AND lease_expires_at < now()
                 FOR UPDATE SKIP LOCKED)
            UPDATE finpipe.jobs j
               SET state = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END::finpipe.job_state,
                   lease_owner = CASE WHEN j.attempts >= j.max_attempts THEN j.lease_owner END,
                   lease_token = NULL, lease_expires_at = NULL, run_after = now(), updated_at = now(),
                   error = CASE WHEN j.attempts >= j.max_attempts
                                THEN 'the worker stopped responding on the last attempt' ELSE j.error END,
                   finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END
              FROM expired e
             WHERE j.id = e.id
            RETURNING j.id, j.state, j.attempts, j.max_attempts, e.lease_owner AS lost_by
        LOOP
            PERFORM finpipe.record_state(v_expired.id, 'running', v_expired.state, p_worker::text,
                format('the lease of worker %s expired on attempt %s of %s', v_expired.lost_by,
                       v_expired.attempts, v_expired.max_attempts));
        END LOOP;
    END IF;

    -- The most urgent ready job, skipping rows other sessions hold, taken in the same statement.
    UPDATE finpipe.jobs j
       SET state = 'running', attempts = j.attempts + 1, lease_owner = p_worker,
           lease_token = gen_random_uuid(), lease_expires_at = now() + make_interval(secs => p_lease_seconds),
           lease_seconds = p_lease_seconds, progress = 0, started_at = coalesce(j.started_at, now()),
           updated_at = now()
     WHERE j.id = (SELECT id FROM finpipe.jobs
                    WHERE state = 'queued' AND run_after <= now()
                    ORDER BY priority DESC, run_after, created_at
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
    RETURNING j.* INTO v_job;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO finpipe.job_events (job_id, kind, from_state, to_state, actor, message)
    VALUES (v_job.id, 'state', 'queued', 'running', p_worker::text, 'claimed for attempt ' || v_job.attempts);
    RETURN NEXT v_job;
END
$$;

CREATE OR REPLACE FUNCTION finpipe.complete_job(p_job uuid, p_token uuid, p_outputs jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job finpipe.jobs;
    v_attempt integer;
    v_owner uuid;
    v_count integer;
BEGIN
    IF jsonb_typeof(p_outputs) IS DISTINCT FROM 'array' THEN
        -- The lease is checked first, as before: a lost lease says so whatever the outputs.
        v_job := finpipe.leased_job(p_job, p_token);
        IF v_job.state = 'cancelled' THEN
            RAISE EXCEPTION 'job % was cancelled', p_job USING ERRCODE = 'FP005';
        END IF;
        RAISE EXCEPTION 'the outputs must be a JSON array' USING ERRCODE = 'FP003';
    END IF;
    -- Fenced: only the live lease of a running job whose lease has not expired matches.
    UPDATE finpipe.jobs SET state = 'succeeded', progress = 1, lease_expires_at = NULL, error = NULL,
                            finished_at = now(), updated_at = now()
     WHERE id = p_job AND lease_token = p_token AND state = 'running' AND lease_expires_at >= now()
    RETURNING attempts, lease_owner INTO v_attempt, v_owner;
    IF NOT FOUND THEN
        -- Why not: leased_job raises FP001 unless the token is live on a cancelled job.
        v_job := finpipe.leased_job(p_job, p_token);
        RAISE EXCEPTION 'job % was cancelled', p_job USING ERRCODE = 'FP005';
    END IF;
    v_count := jsonb_array_length(p_outputs);
    IF v_count > 0 THEN
        INSERT INTO finpipe.job_outputs (job_id, attempt, name, kind, storage_key, size, sha256)
        SELECT p_job, v_attempt, o.name, o.kind,
               'outputs/' || p_job || '/' || v_attempt || '/' || o.name, o.size, o.sha256
          FROM jsonb_to_recordset(p_outputs) AS o(name text, kind text, size bigint, sha256 text);
    END IF;
    INSERT INTO finpipe.job_events (job_id, kind, from_state, to_state, actor, message)
    VALUES (p_job, 'state', 'running', 'succeeded', v_owner::text,
            format('attempt %s succeeded with %s outputs', v_attempt, v_count));
END
$$;

-- complete_job, then claim_job for the same worker, in one transaction: the slot the completed job
-- held goes to the next job without a second commit. When the completion is refused (a lost lease,
-- a cancellation, bad outputs) nothing is claimed and its error is raised as complete_job raises
-- it; when nothing is ready, no row comes back and the completion stands.
CREATE FUNCTION finpipe.complete_and_claim(p_job uuid, p_token uuid, p_outputs jsonb, p_worker uuid,
                                           p_lease_seconds integer DEFAULT 30)
RETURNS SETOF finpipe.jobs
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM finpipe.complete_job(p_job, p_token, p_outputs);
    RETURN QUERY SELECT * FROM finpipe.claim_job(p_worker, p_lease_seconds);
END
$$;

-- Tells listeners the current state of each job in p_jobs (channel finpipe_jobs, one {"id","state"}
-- per job, in the order given), in one transaction that does not wait for the WAL flush, like
-- finpipe.announce. Ids of jobs that no longer exist are skipped. Returns how many were announced.
CREATE FUNCTION finpipe.announce_all(p_jobs uuid[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_count integer := 0;
    v_job record;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR v_job IN
        SELECT j.id, j.state FROM unnest(p_jobs) WITH ORDINALITY AS a(id, n)
          JOIN finpipe.jobs j ON j.id = a.id
         ORDER BY a.n
    LOOP
        PERFORM pg_notify('finpipe_jobs', json_build_object('id', v_job.id, 'state', v_job.state)::text);
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$$;

REVOKE EXECUTE ON FUNCTION finpipe.announce_all(uuid[]),
                           finpipe.complete_and_claim(uuid, uuid, jsonb, uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finpipe.announce_all(uuid[]),
                          finpipe.complete_and_claim(uuid, uuid, jsonb, uuid, integer) TO finpipe_worker;
