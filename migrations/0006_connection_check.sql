-- finpipe cloud schema, part 6: a link an analyst's app can use to check that the storage answers
-- requests signed by the database ("Test connection" in the app, `finpipe-cli cloud check`).
--
-- The link is a GET of a fixed key no job uses (checks/connection-check), valid for a minute: the
-- storage answers a correctly signed request for a missing object with 404, and a wrongly signed
-- one (rotated keys, wrong region) with 403, so the answer tells the analyst what to ask for. It
-- is recorded in the history like every link the database issues.
CREATE FUNCTION finpipe.presign_check(OUT url text, OUT expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    SELECT p.url, p.expires_at INTO url, expires_at FROM finpipe.presign('GET', 'checks/connection-check', 60) AS p;
    INSERT INTO finpipe.job_events (job_id, kind, actor, message, url_method, url_key, url_expires_at)
    VALUES (NULL, 'url', session_user, 'connection check link issued', 'GET', 'checks/connection-check', expires_at);
END
$$;

REVOKE EXECUTE ON FUNCTION finpipe.presign_check() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finpipe.presign_check() TO finpipe_analyst;
