-- finpipe cloud schema, part 4: a worker's state changes commit without NOTIFY, and are announced
-- right after in a transaction of their own that does not wait for the disk.
--
-- PostgreSQL serialises the commits of every transaction that calls pg_notify on one lock, held
-- until the commit record is flushed: notifying transactions cannot share an fsync (group commit),
-- so with claim_job and complete_job notifying, 16 workers completed no more jobs per second than
-- one. Now the hot path (claim, completion, a final failure) records its history and commits
-- durably without notifying; the worker then calls finpipe.announce(job), whose transaction only
-- notifies and commits with synchronous_commit = off (it changes no data, so nothing is lost if
-- the server crashes before the flush; the listeners already saw the durable change). A worker
-- announces "running" only for a job still running a moment after its claim, so a job that takes
-- milliseconds is seen going from queued to its final state.
-- Changes that wake workers or are rare keep notifying in their own transaction: a submission, a
-- cancellation, a retry put back in the queue, a lease that expired, progress at a heartbeat.
-- A client that misses an announcement (the worker died between the two calls) still sees the
-- change when it next reads the job; `submit --wait` reads it again every 30 s.

-- Appends a state change to the history without notifying; the caller announces it after commit.
CREATE FUNCTION finpipe.record_state_quietly(p_job uuid, p_from finpipe.job_state, p_to finpipe.job_state,
                                             p_actor text, p_message text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO finpipe.job_events (job_id, kind, from_state, to_state, actor, message)
    VALUES (p_job, 'state', p_from, p_to, p_actor, coalesce(p_message, ''));
$$;

-- Tells listeners (channel finpipe_jobs, {"id","state"}) a job's current state. The transaction
-- commits without waiting for the WAL flush (it only notifies), so the notification lock is held
-- for microseconds, not for an fsync. Returns the state announced.
CREATE FUNCTION finpipe.announce(p_job uuid) RETURNS finpipe.job_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_state finpipe.job_state;
BEGIN
    SELECT state INTO v_state FROM finpipe.jobs WHERE id = p_job;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no job %', p_job USING ERRCODE = 'FP004';
    END IF;
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_notify('finpipe_jobs', json_build_object('id', p_job, 'state', v_state)::text);
    RETURN v_state;
END
$$;

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

    -- Expired leases (rare: their workers died) are announced at once, so that idle workers wake.
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

    SELECT * INTO v_job FROM finpipe.jobs
     WHERE state = 'queued' AND run_after <= now()
     ORDER BY priority DESC, run_after, created_at
     LIMIT 1
     FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE finpipe.jobs
       SET state = 'running', attempts = attempts + 1, lease_owner = p_worker,
           lease_token = gen_random_uuid(), lease_expires_at = now() + make_interval(secs => p_lease_seconds),
           lease_seconds = p_lease_seconds, progress = 0, started_at = coalesce(started_at, now()),
           updated_at = now()
     WHERE id = v_job.id
    RETURNING * INTO v_job;
    PERFORM finpipe.record_state_quietly(v_job.id, 'queued', 'running', p_worker::text,
                                         format('claimed for attempt %s', v_job.attempts));
    RETURN NEXT v_job;
END
$$;

CREATE OR REPLACE FUNCTION finpipe.complete_job(p_job uuid, p_token uuid, p_outputs jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job finpipe.jobs;
BEGIN
    v_job := finpipe.leased_job(p_job, p_token);
    IF v_job.state = 'cancelled' THEN
        RAISE EXCEPTION 'job % was cancelled', p_job USING ERRCODE = 'FP005';
    END IF;
    IF jsonb_typeof(p_outputs) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'the outputs must be a JSON array' USING ERRCODE = 'FP003';
    END IF;
    INSERT INTO finpipe.job_outputs (job_id, attempt, name, kind, storage_key, size, sha256)
    SELECT p_job, v_job.attempts, o.name, o.kind,
           'outputs/' || p_job || '/' || v_job.attempts || '/' || o.name, o.size, o.sha256
      FROM jsonb_to_recordset(p_outputs) AS o(name text, kind text, size bigint, sha256 text);
    UPDATE finpipe.jobs SET state = 'succeeded', progress = 1, lease_expires_at = NULL, error = NULL,
                            finished_at = now(), updated_at = now()
     WHERE id = p_job;
    PERFORM finpipe.record_state_quietly(p_job, 'running', 'succeeded', v_job.lease_owner::text,
                                         format('attempt %s succeeded with %s outputs', v_job.attempts,
                                                jsonb_array_length(p_outputs)));
END
$$;

CREATE OR REPLACE FUNCTION finpipe.fail_job(p_job uuid, p_token uuid, p_error text, p_retryable boolean)
RETURNS finpipe.job_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job finpipe.jobs;
    v_delay double precision;
BEGIN
    v_job := finpipe.leased_job(p_job, p_token);
    IF v_job.state = 'cancelled' THEN
        RETURN 'cancelled';
    END IF;
    IF p_retryable AND v_job.attempts < v_job.max_attempts THEN
        v_delay := least(600, 2 ^ v_job.attempts) * (0.5 + random() / 2);
        UPDATE finpipe.jobs
           SET state = 'queued', run_after = now() + make_interval(secs => v_delay), lease_owner = NULL,
               lease_token = NULL, lease_expires_at = NULL, error = p_error, updated_at = now()
         WHERE id = p_job;
        PERFORM finpipe.record_state(p_job, 'running', 'queued', v_job.lease_owner::text,
            format('attempt %s of %s failed; retrying in %s s: %s', v_job.attempts, v_job.max_attempts,
                   round(v_delay::numeric, 1), p_error));
        RETURN 'queued';
    END IF;
    UPDATE finpipe.jobs SET state = 'failed', lease_expires_at = NULL, error = p_error,
                            finished_at = now(), updated_at = now()
     WHERE id = p_job;
    PERFORM finpipe.record_state_quietly(p_job, 'running', 'failed', v_job.lease_owner::text,
        format('attempt %s of %s failed: %s', v_job.attempts, v_job.max_attempts, p_error));
    RETURN 'failed';
END
$$;

REVOKE EXECUTE ON FUNCTION finpipe.record_state_quietly(uuid, finpipe.job_state, finpipe.job_state, text, text),
                           finpipe.announce(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finpipe.announce(uuid) TO finpipe_worker;
