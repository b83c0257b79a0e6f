-- finpipe cloud schema, part 5: an upload that failed gives its reservation back.
--
-- A submission whose PUT failed (the storage went away, the network dropped) held its reservation
-- until the link expired (up to 15 minutes), and every later submission of the same file waited
-- that long as "uploading". Now the submitter releases it: the next submission uploads at once.

-- Gives back the caller's reservation to upload p_sha256 (nothing happens when it is not theirs
-- or no longer held). Returns whether a reservation was released.
CREATE FUNCTION finpipe.release_upload(p_sha256 text, p_reservation uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE finpipe.uploads
       SET reservation = NULL, reserved_by = NULL, reserved_until = NULL, last_seen = now()
     WHERE sha256 = p_sha256 AND reservation = p_reservation AND reserved_by = session_user
       AND NOT stored AND NOT verified;
    RETURN FOUND;
END
$$;

REVOKE EXECUTE ON FUNCTION finpipe.release_upload(text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION finpipe.release_upload(text, uuid) TO finpipe_analyst;
