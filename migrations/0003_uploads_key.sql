-- finpipe cloud schema, part 3: uploads.storage_key loses its UNIQUE constraint.
--
-- storage_key is 'uploads/' || sha256 (a CHECK) and sha256 is the primary key, so the UNIQUE added
-- nothing but a second unique index. INSERT ... ON CONFLICT (sha256) in presign_upload arbitrates
-- only the primary key: two first submissions of one file at the same moment could both pass the
-- conflict check and the second then failed on the storage_key index (unique_violation) instead
-- of waiting for the first and sharing its upload.
ALTER TABLE finpipe.uploads DROP CONSTRAINT IF EXISTS uploads_storage_key_key;
