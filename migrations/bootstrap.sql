-- Run by the migration runner before the numbered files, every time, under the advisory lock:
-- the record of applied migrations (idempotent). See docs/cloud-servers.md ("Migrations").
CREATE SCHEMA IF NOT EXISTS finpipe;
CREATE TABLE IF NOT EXISTS finpipe.schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    sha256     text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by name NOT NULL DEFAULT session_user
);
