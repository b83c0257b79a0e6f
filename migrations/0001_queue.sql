-- finpipe cloud schema, part 1: the job queue, its history, uploads, workers and roles.
--
-- Applied by `finpipe-cli migrate` as docs/cloud-servers.md ("Migrations") describes: each file in
-- one transaction, under an advisory lock, recorded in finpipe.schema_migrations (made by
-- migrations/bootstrap.sql).
-- Run by the database administrator (owner of the database, CREATEROLE; no superuser needed).
-- The objects belong to the administrator; SECURITY DEFINER functions run as the administrator and
-- are the only way analysts and workers change anything.

CREATE SCHEMA IF NOT EXISTS finpipe;

-- Group roles (cluster-wide, so created only when missing). Logins are made members of them.
-- The advisory lock covers one database only: a migration of another database on the same server
-- may create a role at the same moment, which is as good.
DO $roles$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['finpipe_worker', 'finpipe_analyst'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = v_role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$roles$;

REVOKE ALL ON SCHEMA finpipe FROM PUBLIC;
GRANT USAGE ON SCHEMA finpipe TO finpipe_worker, finpipe_analyst;

CREATE TYPE finpipe.job_state AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

CREATE TABLE finpipe.workers (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    login          name NOT NULL DEFAULT session_user,
    host           text NOT NULL,
    pid            integer NOT NULL,
    version        text NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT now(),
    last_heartbeat timestamptz NOT NULL DEFAULT now()
);

-- Inputs, content-addressed: one object per distinct file, whoever submitted it. One submission
-- at a time holds the reservation to upload it (the others wait for "stored"); stored means its
-- uploader reported the PUT done; verified means a worker checked the bytes against the SHA-256.
CREATE TABLE finpipe.uploads (
    sha256         text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key    text NOT NULL UNIQUE,
    size           bigint NOT NULL CHECK (size >= 0),
    stored         boolean NOT NULL DEFAULT false,
    verified       boolean NOT NULL DEFAULT false,
    reservation    uuid,
    reserved_by    name,
    reserved_until timestamptz,
    first_seen     timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    use_count      integer NOT NULL DEFAULT 0,
    CHECK (storage_key = 'uploads/' || sha256)
);

CREATE TABLE finpipe.jobs (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner            name NOT NULL DEFAULT session_user,
    state            finpipe.job_state NOT NULL DEFAULT 'queued',
    dataset_type     text NOT NULL CHECK (dataset_type <> ''),
    detection        jsonb NOT NULL DEFAULT '{}',
    mapping          jsonb NOT NULL DEFAULT '{}',
    parameters       jsonb NOT NULL DEFAULT '{}',
    input_name       text NOT NULL CHECK (input_name <> ''),
    input_size       bigint NOT NULL CHECK (input_size >= 0),
    input_sha256     text NOT NULL REFERENCES finpipe.uploads (sha256),
    priority         integer NOT NULL DEFAULT 0,
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    run_after        timestamptz NOT NULL DEFAULT now(),
    lease_owner      uuid REFERENCES finpipe.workers (id) ON DELETE SET NULL,
    lease_token      uuid,
    lease_expires_at timestamptz,
    lease_seconds    integer,
    progress         real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    CHECK (state <> 'running' OR (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- The claim's order (priority, then run_after, then age) over queued jobs, and expired leases.
CREATE INDEX jobs_claim_idx ON finpipe.jobs (priority DESC, run_after, created_at) WHERE state = 'queued';
CREATE INDEX jobs_lease_idx ON finpipe.jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_owner_idx ON finpipe.jobs (owner, created_at DESC);

CREATE TABLE finpipe.job_outputs (
    job_id      uuid NOT NULL REFERENCES finpipe.jobs (id) ON DELETE CASCADE,
    attempt     integer NOT NULL CHECK (attempt >= 1),
    name        text NOT NULL CHECK (name <> '' AND name !~ '(^|/)\.\.?(/|$)' AND left(name, 1) <> '/'),
    kind        text NOT NULL,
    storage_key text NOT NULL UNIQUE,
    size        bigint NOT NULL CHECK (size >= 0),
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (job_id, name),
    CHECK (storage_key = 'outputs/' || job_id || '/' || attempt || '/' || name)
);

-- Append-only history: state changes (kind 'state') and every pre-signed URL issued (kind 'url';
-- an upload URL is issued before its job exists, so job_id may be empty).
CREATE TABLE finpipe.job_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id         uuid REFERENCES finpipe.jobs (id) ON DELETE CASCADE,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind           text NOT NULL CHECK (kind IN ('state', 'progress', 'url')),
    from_state     finpipe.job_state,
    to_state       finpipe.job_state,
    actor          text NOT NULL,
    message        text NOT NULL DEFAULT '',
    url_method     text CHECK (url_method IN ('GET', 'PUT')),
    url_key        text,
    url_expires_at timestamptz,
    CHECK (kind <> 'url' OR (url_method IS NOT NULL AND url_key IS NOT NULL AND url_expires_at IS NOT NULL))
);
CREATE INDEX job_events_job_idx ON finpipe.job_events (job_id, at);

CREATE OR REPLACE FUNCTION finpipe.forbid_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'finpipe.job_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
-- Deleting a job (prune) removes its events through the cascade; nobody edits them.
CREATE TRIGGER job_events_append_only BEFORE UPDATE ON finpipe.job_events
    FOR EACH ROW EXECUTE FUNCTION finpipe.forbid_change();

-- ---------------------------------------------------------------- row-level security
-- The administrator owns the tables and is not subject to these policies.
ALTER TABLE finpipe.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE finpipe.job_outputs ENABLE ROW LEVEL SECURITY;
ALTER TABLE finpipe.job_events ENABLE ROW LEVEL SECURITY;

CREATE POLICY analyst_own_jobs ON finpipe.jobs FOR SELECT TO finpipe_analyst
    USING (owner = current_user);
CREATE POLICY worker_all_jobs ON finpipe.jobs FOR SELECT TO finpipe_worker
    USING (true);
CREATE POLICY analyst_own_outputs ON finpipe.job_outputs FOR SELECT TO finpipe_analyst
    USING (EXISTS (SELECT FROM finpipe.jobs j WHERE j.id = job_id AND j.owner = current_user));
CREATE POLICY worker_all_outputs ON finpipe.job_outputs FOR SELECT TO finpipe_worker
    USING (true);
CREATE POLICY analyst_own_events ON finpipe.job_events FOR SELECT TO finpipe_analyst
    USING (CASE WHEN job_id IS NULL THEN actor = current_user
                ELSE EXISTS (SELECT FROM finpipe.jobs j WHERE j.id = job_id AND j.owner = current_user) END);
CREATE POLICY worker_all_events ON finpipe.job_events FOR SELECT TO finpipe_worker
    USING (true);

-- Reads only; every write goes through the functions below.
GRANT SELECT ON finpipe.jobs, finpipe.job_outputs, finpipe.job_events TO finpipe_analyst, finpipe_worker;
GRANT SELECT (id, host, version, last_heartbeat) ON finpipe.workers TO finpipe_analyst;
GRANT SELECT ON finpipe.workers, finpipe.uploads, finpipe.schema_migrations TO finpipe_worker;
GRANT SELECT ON finpipe.schema_migrations TO finpipe_analyst;

-- ---------------------------------------------------------------- history and notification

-- Appends a state change to the history and tells listeners (channel finpipe_jobs, {"id","state"}).
CREATE FUNCTION finpipe.record_state(p_job uuid, p_from finpipe.job_state, p_to finpipe.job_state,
                                     p_actor text, p_message text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO finpipe.job_events (job_id, kind, from_state, to_state, actor, message)
    VALUES (p_job, 'state', p_from, p_to, p_actor, coalesce(p_message, ''));
    PERFORM pg_notify('finpipe_jobs', json_build_object('id', p_job, 'state', p_to)::text);
END
$$;

-- ---------------------------------------------------------------- analysts

-- Queues a job on an input already in the bucket (stored or verified). Returns the job id.
CREATE FUNCTION finpipe.submit_job(p_input_name text, p_input_size bigint, p_input_sha256 text,
                                   p_dataset_type text, p_detection jsonb DEFAULT '{}',
                                   p_mapping jsonb DEFAULT '{}', p_parameters jsonb DEFAULT '{}')
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_id uuid;
BEGIN
    UPDATE finpipe.uploads SET use_count = use_count + 1, last_seen = now()
     WHERE sha256 = p_input_sha256 AND size = p_input_size AND (stored OR verified);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the input file % has not been uploaded yet', p_input_name
            USING ERRCODE = 'FP002', HINT = 'upload it through finpipe.presign_upload and finpipe.upload_stored first';
    END IF;
    INSERT INTO finpipe.jobs (owner, dataset_type, detection, mapping, parameters,
                              input_name, input_size, input_sha256)
    VALUES (session_user, p_dataset_type, coalesce(p_detection, '{}'), coalesce(p_mapping, '{}'),
            coalesce(p_parameters, '{}'), p_input_name, p_input_size, p_input_sha256)
    RETURNING id INTO v_id;
    PERFORM finpipe.record_state(v_id, NULL, 'queued', session_user, 'submitted');
    RETURN v_id;
END
$$;

-- Cancels one of the caller's jobs: a queued job at once; a running one is told at its next
-- heartbeat. Returns the state after the call.
CREATE FUNCTION finpipe.cancel_job(p_job uuid) RETURNS finpipe.job_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_state finpipe.job_state;
BEGIN
    SELECT state INTO v_state FROM finpipe.jobs WHERE id = p_job AND owner = session_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no job % of yours', p_job USING ERRCODE = 'FP004';
    END IF;
    IF v_state IN ('succeeded', 'failed', 'cancelled') THEN
        RETURN v_state;
    END IF;
    -- The lease token stays, so the running worker's next heartbeat learns of the cancellation.
    UPDATE finpipe.jobs SET state = 'cancelled', lease_expires_at = NULL, finished_at = now(),
                            updated_at = now()
     WHERE id = p_job;
    PERFORM finpipe.record_state(p_job, v_state, 'cancelled', session_user, 'cancelled by its owner');
    RETURN 'cancelled';
END
$$;

-- ---------------------------------------------------------------- workers

CREATE FUNCTION finpipe.register_worker(p_host text, p_pid integer, p_version text) RETURNS uuid
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO finpipe.workers (login, host, pid, version) VALUES (session_user, p_host, p_pid, p_version)
    RETURNING id;
$$;

CREATE FUNCTION finpipe.worker_heartbeat(p_worker uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE finpipe.workers SET last_heartbeat = now() WHERE id = p_worker AND login = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'worker % is not registered for %', p_worker, session_user USING ERRCODE = 'FP004';
    END IF;
END
$$;

-- Claims the next job: the most urgent queued job whose run_after has come (priority, then
-- run_after, then age), skipping rows other workers hold (FOR UPDATE SKIP LOCKED); sets a fresh
-- lease token and expiry and counts the attempt. First it sweeps expired leases (their workers
-- died): such a job goes back to the queue, or fails when that was its last attempt; the lease
-- token is cleared, so the lost worker can write nothing more. Returns no row when nothing is ready.
CREATE FUNCTION finpipe.claim_job(p_worker uuid, p_lease_seconds integer DEFAULT 30)
RETURNS SETOF finpipe.jobs
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job finpipe.jobs;
    v_expired record;
BEGIN
    IF p_lease_seconds IS NULL OR p_lease_seconds < 1 OR p_lease_seconds > 3600 THEN
        RAISE EXCEPTION 'a lease lasts 1 to 3600 seconds, not %', p_lease_seconds USING ERRCODE = 'FP003';
    END IF;
    UPDATE finpipe.workers SET last_heartbeat = now() WHERE id = p_worker AND login = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'worker % is not registered for %', p_worker, session_user USING ERRCODE = 'FP004';
    END IF;

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
    PERFORM finpipe.record_state(v_job.id, 'queued', 'running', p_worker::text,
                                 format('claimed for attempt %s', v_job.attempts));
    RETURN NEXT v_job;
END
$$;

-- The job row locked, if p_token is its live lease; otherwise raises FP001 (the lease was lost:
-- the worker must abandon the job). A cancelled job with a matching token is returned as is.
CREATE FUNCTION finpipe.leased_job(p_job uuid, p_token uuid) RETURNS finpipe.jobs
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job finpipe.jobs;
BEGIN
    SELECT * INTO v_job FROM finpipe.jobs WHERE id = p_job FOR UPDATE;
    IF NOT FOUND OR v_job.lease_token IS DISTINCT FROM p_token
       OR (v_job.state = 'running' AND v_job.lease_expires_at < now())
       OR v_job.state NOT IN ('running', 'cancelled') THEN
        RAISE EXCEPTION 'the lease on job % is lost', p_job USING ERRCODE = 'FP001';
    END IF;
    RETURN v_job;
END
$$;

-- Renews the lease (same length as claimed) and records progress (0..1). Returns the job's state:
-- 'running' to go on, 'cancelled' to stop. Raises FP001 when the lease was lost.
CREATE FUNCTION finpipe.heartbeat(p_job uuid, p_token uuid, p_progress real DEFAULT NULL)
RETURNS finpipe.job_state
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job finpipe.jobs;
BEGIN
    v_job := finpipe.leased_job(p_job, p_token);
    IF v_job.state = 'cancelled' THEN
        RETURN 'cancelled';
    END IF;
    UPDATE finpipe.jobs
       SET lease_expires_at = now() + make_interval(secs => v_job.lease_seconds),
           progress = coalesce(least(greatest(p_progress, 0), 1), progress), updated_at = now()
     WHERE id = p_job;
    IF p_progress IS NOT NULL THEN
        PERFORM pg_notify('finpipe_jobs', json_build_object('id', p_job, 'state', 'running',
                                                            'progress', least(greatest(p_progress, 0), 1))::text);
    END IF;
    RETURN 'running';
END
$$;

-- Records the attempt's outputs and marks the job succeeded, in one transaction. p_outputs is a JSON
-- array of {"name","kind","size","sha256"}; each is stored at outputs/<job>/<attempt>/<name>.
-- Raises FP001 when the lease was lost (nothing is recorded) and FP005 when the job was cancelled.
CREATE FUNCTION finpipe.complete_job(p_job uuid, p_token uuid, p_outputs jsonb) RETURNS void
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
    PERFORM finpipe.record_state(p_job, 'running', 'succeeded', v_job.lease_owner::text,
                                 format('attempt %s succeeded with %s outputs', v_job.attempts,
                                        jsonb_array_length(p_outputs)));
END
$$;

-- Records a failed attempt. A retryable error puts the job back in the queue after an exponential
-- backoff with jitter (about 2^attempts seconds, at most 10 minutes) while attempts remain;
-- otherwise the job fails with p_error. Returns the job's new state. Raises FP001 when the lease
-- was lost.
CREATE FUNCTION finpipe.fail_job(p_job uuid, p_token uuid, p_error text, p_retryable boolean)
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
    PERFORM finpipe.record_state(p_job, 'running', 'failed', v_job.lease_owner::text,
        format('attempt %s of %s failed: %s', v_job.attempts, v_job.max_attempts, p_error));
    RETURN 'failed';
END
$$;

-- A worker checked an input's SHA-256: a match makes it trusted (no more upload URLs for it); after a
-- mismatch the worker deletes the object and the next submission gets an upload URL again.
CREATE FUNCTION finpipe.mark_upload(p_sha256 text, p_matches boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE finpipe.uploads SET verified = p_matches, stored = p_matches, last_seen = now(),
                               reservation = NULL, reserved_by = NULL, reserved_until = NULL
     WHERE sha256 = p_sha256;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no upload has the SHA-256 %', p_sha256 USING ERRCODE = 'FP004';
    END IF;
END
$$;

-- Functions are executable by PUBLIC by default: only the roles below may call them.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA finpipe FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finpipe.submit_job(text, bigint, text, text, jsonb, jsonb, jsonb),
                          finpipe.cancel_job(uuid)
    TO finpipe_analyst;
GRANT EXECUTE ON FUNCTION finpipe.register_worker(text, integer, text), finpipe.worker_heartbeat(uuid),
                          finpipe.claim_job(uuid, integer), finpipe.heartbeat(uuid, uuid, real),
                          finpipe.complete_job(uuid, uuid, jsonb),
                          finpipe.fail_job(uuid, uuid, text, boolean), finpipe.mark_upload(text, boolean)
    TO finpipe_worker;
