-- finpipe cloud schema, part 2: storage settings and pre-signed URLs issued by the database.
--
-- Analysts never hold storage keys. These SECURITY DEFINER functions check that the caller may
-- have the object, then sign an AWS Signature Version 4 query-string URL (PUT for an input upload,
-- GET for an output) with pgcrypto's HMAC-SHA256, from settings that no analyst or worker can
-- read, and record every URL issued in finpipe.job_events (who, what, when, expiry; never the
-- signature).

-- pgcrypto is trusted: the database owner may create it. Where it already exists (Supabase keeps
-- it in the schema "extensions"), that copy is used.
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA finpipe;

-- Thin wrappers that name pgcrypto's schema outright, so that no search_path can put another
-- hmac() or digest() in its place. The schema name comes from the catalog, quoted with %I.
DO $wrappers$
DECLARE
    v_schema name;
BEGIN
    SELECT n.nspname INTO STRICT v_schema
      FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pgcrypto';
    EXECUTE format($f$
        CREATE FUNCTION finpipe.hmac_sha256(p_data bytea, p_key bytea) RETURNS bytea
        LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp
        AS 'SELECT %I.hmac($1, $2, ''sha256'')'$f$, v_schema);
    EXECUTE format($f$
        CREATE FUNCTION finpipe.sha256_hex(p_text text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp
        AS 'SELECT encode(%I.digest(convert_to($1, ''UTF8''), ''sha256''), ''hex'')'$f$, v_schema);
END
$wrappers$;

-- One row: where the bucket is and the key that signs. Nobody but the administrator reads it.
CREATE TABLE finpipe.storage_settings (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- Scheme, host, optional port and optional base path (Supabase Storage: .../storage/v1/s3).
    endpoint   text NOT NULL CHECK (endpoint ~ '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*$'),
    region     text NOT NULL CHECK (region ~ '^[A-Za-z0-9_-]+$'),
    bucket     text NOT NULL CHECK (bucket ~ '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'),
    access_key text NOT NULL CHECK (access_key <> ''),
    secret_key text NOT NULL CHECK (secret_key <> ''),
    path_style boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by name NOT NULL DEFAULT session_user
);
REVOKE ALL ON finpipe.storage_settings FROM PUBLIC, finpipe_worker, finpipe_analyst;

-- Stores or replaces (rotates) the storage settings. For the administrator (`cloud init`) only.
CREATE FUNCTION finpipe.set_storage_settings(p_endpoint text, p_region text, p_bucket text,
                                             p_access_key text, p_secret_key text, p_path_style boolean)
RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO finpipe.storage_settings (endpoint, region, bucket, access_key, secret_key, path_style)
    VALUES (rtrim(p_endpoint, '/'), p_region, p_bucket, p_access_key, p_secret_key, p_path_style)
    ON CONFLICT (id) DO UPDATE
       SET endpoint = EXCLUDED.endpoint, region = EXCLUDED.region, bucket = EXCLUDED.bucket,
           access_key = EXCLUDED.access_key, secret_key = EXCLUDED.secret_key,
           path_style = EXCLUDED.path_style, updated_at = now(), updated_by = session_user;
$$;

-- RFC 3986 percent-encoding of UTF-8 text as SigV4 wants it: unreserved characters stay, every
-- other byte becomes %XX (upper case); '/' stays only when p_keep_slash (object key paths).
CREATE FUNCTION finpipe.uri_encode(p_text text, p_keep_slash boolean) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(string_agg(
               CASE WHEN b BETWEEN 48 AND 57 OR b BETWEEN 65 AND 90 OR b BETWEEN 97 AND 122
                         OR b IN (45, 46, 95, 126) OR (p_keep_slash AND b = 47)
                    THEN chr(b)
                    ELSE '%' || upper(lpad(to_hex(b), 2, '0')) END, '' ORDER BY i), '')
      FROM (SELECT i, get_byte(t, i) AS b
              FROM (SELECT convert_to(p_text, 'UTF8') AS t) bytes,
                   generate_series(0, octet_length(t) - 1) AS i) AS chars;
$$;

-- A SigV4 query-string pre-signed URL (payload UNSIGNED-PAYLOAD, the only signed header host).
-- Pure: everything it uses is a parameter, so it is checked against AWS's published example.
CREATE FUNCTION finpipe.sigv4_presign(p_method text, p_endpoint text, p_region text, p_bucket text,
                                      p_access_key text, p_secret_key text, p_path_style boolean,
                                      p_key text, p_expires_seconds integer, p_at timestamptz)
RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_scheme text := substring(p_endpoint FROM '^(https?)://');
    v_host text := lower(substring(p_endpoint FROM '^https?://([A-Za-z0-9.:-]+)(/[A-Za-z0-9._~/-]*)?$'));
    v_base text := rtrim(coalesce(substring(p_endpoint FROM '^https?://[^/]+(/.*)$'), ''), '/');
    v_utc timestamp := p_at AT TIME ZONE 'UTC';
    v_date text := to_char(v_utc, 'YYYYMMDD');
    v_stamp text := to_char(v_utc, 'YYYYMMDD"T"HH24MISS"Z"');
    v_scope text;
    v_path text;
    v_query text;
    v_canonical text;
    v_to_sign text;
    v_signing_key bytea;
BEGIN
    IF v_scheme IS NULL OR v_host IS NULL THEN
        RAISE EXCEPTION 'the storage endpoint % is not an http(s)://host[:port][/path] address', p_endpoint
            USING ERRCODE = 'FP003';
    END IF;
    -- Clients leave the default port out of the Host header, so the signature must too.
    IF (v_scheme = 'http' AND v_host LIKE '%:80') OR (v_scheme = 'https' AND v_host LIKE '%:443') THEN
        v_host := regexp_replace(v_host, ':[0-9]+$', '');
    END IF;
    IF p_path_style THEN
        v_path := v_base || '/' || finpipe.uri_encode(p_bucket, false) || '/' || finpipe.uri_encode(p_key, true);
    ELSE
        v_host := p_bucket || '.' || v_host;
        v_path := v_base || '/' || finpipe.uri_encode(p_key, true);
    END IF;
    v_scope := v_date || '/' || p_region || '/s3/aws4_request';
    -- Already in byte order of the parameter names.
    v_query := 'X-Amz-Algorithm=AWS4-HMAC-SHA256'
            || '&X-Amz-Credential=' || finpipe.uri_encode(p_access_key || '/' || v_scope, false)
            || '&X-Amz-Date=' || v_stamp
            || '&X-Amz-Expires=' || p_expires_seconds
            || '&X-Amz-SignedHeaders=host';
    v_canonical := p_method || E'\n' || v_path || E'\n' || v_query || E'\n'
                || 'host:' || v_host || E'\n' || E'\n' || 'host' || E'\n' || 'UNSIGNED-PAYLOAD';
    v_to_sign := 'AWS4-HMAC-SHA256' || E'\n' || v_stamp || E'\n' || v_scope || E'\n'
              || finpipe.sha256_hex(v_canonical);
    v_signing_key := finpipe.hmac_sha256(convert_to('aws4_request', 'UTF8'),
                     finpipe.hmac_sha256(convert_to('s3', 'UTF8'),
                     finpipe.hmac_sha256(convert_to(p_region, 'UTF8'),
                     finpipe.hmac_sha256(convert_to(v_date, 'UTF8'), convert_to('AWS4' || p_secret_key, 'UTF8')))));
    RETURN v_scheme || '://' || v_host || v_path || '?' || v_query || '&X-Amz-Signature='
        || encode(finpipe.hmac_sha256(convert_to(v_to_sign, 'UTF8'), v_signing_key), 'hex');
END
$$;

-- Signs p_key with the stored settings. Expiry: 900 s when NULL, 1 s to 7 days.
CREATE FUNCTION finpipe.presign(p_method text, p_key text, p_expires_seconds integer, OUT url text,
                                OUT expires_at timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_s finpipe.storage_settings;
    v_expires integer := coalesce(p_expires_seconds, 900);
BEGIN
    IF v_expires < 1 OR v_expires > 604800 THEN
        RAISE EXCEPTION 'a link can last from 1 second to 7 days (604800 seconds), not % seconds', v_expires
            USING ERRCODE = 'FP003';
    END IF;
    SELECT * INTO v_s FROM finpipe.storage_settings;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the storage settings are missing' USING ERRCODE = 'FP006',
            HINT = 'ask your administrator to run finpipe-cli cloud init';
    END IF;
    url := finpipe.sigv4_presign(p_method, v_s.endpoint, v_s.region, v_s.bucket, v_s.access_key,
                                 v_s.secret_key, v_s.path_style, p_key, v_expires, now());
    expires_at := now() + make_interval(secs => v_expires);
END
$$;

-- Asks to upload an input (content-addressed, uploads/<sha256>); state says what to do:
--   'stored'    the bucket already holds these bytes: submit without uploading;
--   'uploading' another submission holds the reservation to upload them until expires_at: ask again
--               in a moment (the 99 of 100 simultaneous submissions of one file wait here);
--   'upload'    PUT the file to url before expires_at, then call upload_stored(sha256, reservation).
-- Passing one's own reservation again gives a fresh URL (a retry) and extends it. A reservation
-- lasts as long as its URL, at most 15 minutes, so a submission that died does not block others.
CREATE FUNCTION finpipe.presign_upload(p_sha256 text, p_size bigint, p_expires_seconds integer DEFAULT 900,
                                       p_reservation uuid DEFAULT NULL,
                                       OUT state text, OUT url text, OUT expires_at timestamptz,
                                       OUT reservation uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_upload finpipe.uploads;
    v_key text := 'uploads/' || p_sha256;
BEGIN
    IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION '"%" is not a SHA-256 (64 lower-case hexadecimal digits)', p_sha256 USING ERRCODE = 'FP003';
    END IF;
    IF p_size IS NULL OR p_size < 0 OR p_size > 5368709120 THEN
        RAISE EXCEPTION 'an input must be between 0 bytes and 5 GiB, not % bytes', p_size USING ERRCODE = 'FP003';
    END IF;
    -- The upsert locks the row: simultaneous callers for one file take turns here.
    INSERT INTO finpipe.uploads AS u (sha256, storage_key, size) VALUES (p_sha256, v_key, p_size)
    ON CONFLICT (sha256) DO UPDATE SET last_seen = now()
    RETURNING u.* INTO v_upload;
    IF v_upload.size <> p_size THEN
        RAISE EXCEPTION 'this file has the SHA-256 of an earlier upload but a different size (% bytes, not %)',
            p_size, v_upload.size USING ERRCODE = 'FP003';
    END IF;
    IF v_upload.stored OR v_upload.verified THEN
        state := 'stored';
        RETURN;
    END IF;
    IF v_upload.reserved_until > now() AND v_upload.reservation IS DISTINCT FROM p_reservation THEN
        state := 'uploading';
        expires_at := v_upload.reserved_until;
        RETURN;
    END IF;
    state := 'upload';
    SELECT p.url, p.expires_at INTO url, expires_at FROM finpipe.presign('PUT', v_key, p_expires_seconds) AS p;
    reservation := coalesce(p_reservation, gen_random_uuid());
    UPDATE finpipe.uploads AS u
       SET reservation = presign_upload.reservation, reserved_by = session_user,
           reserved_until = least(presign_upload.expires_at, now() + interval '15 minutes')
     WHERE u.sha256 = p_sha256;
    INSERT INTO finpipe.job_events (job_id, kind, actor, message, url_method, url_key, url_expires_at)
    VALUES (NULL, 'url', session_user, 'upload link issued', 'PUT', v_key, expires_at);
END
$$;

-- The uploader's PUT succeeded: the input is stored (a worker verifies its bytes before use).
CREATE FUNCTION finpipe.upload_stored(p_sha256 text, p_reservation uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE finpipe.uploads
       SET stored = true, reservation = NULL, reserved_by = NULL, reserved_until = NULL, last_seen = now()
     WHERE sha256 = p_sha256 AND reservation = p_reservation;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no upload of % is reserved under %', p_sha256, p_reservation USING ERRCODE = 'FP004';
    END IF;
END
$$;

-- A GET URL for one output of one of the caller's jobs.
CREATE FUNCTION finpipe.presign_output(p_job uuid, p_name text, p_expires_seconds integer DEFAULT 900,
                                       OUT url text, OUT expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_key text;
BEGIN
    SELECT o.storage_key INTO v_key
      FROM finpipe.job_outputs o JOIN finpipe.jobs j ON j.id = o.job_id
     WHERE o.job_id = p_job AND o.name = p_name AND j.owner = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no output "%" of a job % of yours', p_name, p_job USING ERRCODE = 'FP004';
    END IF;
    SELECT p.url, p.expires_at INTO url, expires_at FROM finpipe.presign('GET', v_key, p_expires_seconds) AS p;
    INSERT INTO finpipe.job_events (job_id, kind, actor, message, url_method, url_key, url_expires_at)
    VALUES (p_job, 'url', session_user, 'download link issued for ' || p_name, 'GET', v_key, expires_at);
END
$$;

-- Functions are executable by PUBLIC by default. (pgcrypto's own functions belong to the superuser
-- that installed the extension; they only compute and read nothing.)
REVOKE EXECUTE ON FUNCTION finpipe.hmac_sha256(bytea, bytea), finpipe.sha256_hex(text),
                           finpipe.set_storage_settings(text, text, text, text, text, boolean),
                           finpipe.uri_encode(text, boolean),
                           finpipe.sigv4_presign(text, text, text, text, text, text, boolean, text, integer, timestamptz),
                           finpipe.presign(text, text, integer), finpipe.presign_upload(text, bigint, integer, uuid),
                           finpipe.upload_stored(text, uuid),
                           finpipe.presign_output(uuid, text, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finpipe.presign_upload(text, bigint, integer, uuid), finpipe.upload_stored(text, uuid),
                          finpipe.presign_output(uuid, text, integer)
    TO finpipe_analyst;
