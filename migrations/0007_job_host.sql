-- finpipe cloud schema, part 7: an analyst may see which host runs (or ran) each of their jobs, so
-- the desktop app can say "running on build-7". The workers table stays closed to analysts.

-- The host of the worker that holds (or last held) the job's lease; NULL before a worker claimed it.
-- Raises FP004 when the job is not the caller's (workers see every job).
CREATE FUNCTION finpipe.job_host(p_job uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_owner name;
    v_host text;
BEGIN
    SELECT j.owner, w.host INTO v_owner, v_host
      FROM finpipe.jobs j LEFT JOIN finpipe.workers w ON w.id = j.lease_owner
     WHERE j.id = p_job;
    IF NOT FOUND OR (v_owner <> session_user AND NOT pg_has_role(session_user, 'finpipe_worker', 'MEMBER')) THEN
        RAISE EXCEPTION 'there is no job % of yours', p_job USING ERRCODE = 'FP004';
    END IF;
    RETURN v_host;
END
$$;
REVOKE ALL ON FUNCTION finpipe.job_host(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finpipe.job_host(uuid) TO finpipe_analyst, finpipe_worker;
