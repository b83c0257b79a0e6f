#!/usr/bin/env bash
# Pre-signed URLs issued by the database, checked by a real S3 server (OpenStack Swift's s3api,
# which verifies SigV4 signatures and expiry): an upload URL puts the input, a download URL gets an
# output's bytes back; another key, a tampered signature or expiry, an expired URL, a rotated key
# and an unsigned request are all refused. Every URL issued is in the history, without signature.
source "$(dirname "$0")/lib.sh"

fresh_db t_presign
ANA="$(make_login t_presign_ana finpipe_analyst)"
BOB="$(make_login t_presign_bob finpipe_analyst)"
WRK="$(make_login t_presign_worker finpipe_worker)"

# The signer against the example AWS publishes for query-string authentication (S3 docs,
# "Authenticating Requests: Using Query Parameters", GET examplebucket/test.txt).
expect_eq "the signature of AWS's published example" "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404" \
    "$(q "$ADMIN" "SELECT substring(finpipe.sigv4_presign('GET', 'https://s3.amazonaws.com', 'us-east-1', 'examplebucket',
        'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', false, 'test.txt', 86400,
        '2013-05-24 00:00:00+00') FROM 'X-Amz-Signature=([0-9a-f]+)')")"
# Cases the test servers cannot serve, against an independent signer (Python's standard library):
# a base path (Supabase Storage's S3 endpoint), https with its default port, virtual-hosted with a
# port, a key that needs encoding, an access key with a colon.
while IFS='|' read -r method endpoint region bucket style key; do
    from_db="$(q "$ADMIN" "SELECT finpipe.sigv4_presign(:'m', :'e', :'r', :'b', 'finpipe:ak', 's3cr/t+key', :'p' = '1', :'k', 3600, '2026-02-03 04:05:06+00')" \
        -v m="$method" -v e="$endpoint" -v r="$region" -v b="$bucket" -v p="$style" -v k="$key")"
    reference="$(python3 "$REPO/tests/cloud/sigv4_reference.py" "$method" "$endpoint" "$region" "$bucket" \
        'finpipe:ak' 's3cr/t+key' "$style" "$key" 3600 20260203T040506Z)"
    expect_eq "the signer agrees with the reference: $method $endpoint $([ "$style" = 1 ] && echo path || echo virtual)-style" "$reference" "$from_db"
done <<'CASES'
PUT|https://abcdefgh.supabase.co/storage/v1/s3|eu-central-1|finpipe|1|uploads/0123abcd
GET|https://s3.eu-west-3.amazonaws.com:443|eu-west-3|team-bucket|0|outputs/7f/1/résumé 2024+Q1 (final).csv
GET|http://minio.internal:9000|us-east-1|team.bucket|0|outputs/x/2/a~b_c-d.e
PUT|https://ACCOUNT.r2.cloudflarestorage.com|auto|finpipe|1|uploads/ff
CASES
expect_match "a base path comes before the bucket" "^https://abcdefgh\.supabase\.co/storage/v1/s3/team/k\?" \
    "$(q "$ADMIN" "SELECT finpipe.sigv4_presign('GET', 'https://abcdefgh.supabase.co/storage/v1/s3', 'r', 'team', 'a', 's', true, 'k', 60, now())")"
err="$(q_err "$ADMIN" "SELECT finpipe.set_storage_settings('ftp://x', 'r', 'team', 'a', 's', true)")"
expect_match "an endpoint that is not http(s) is refused" "storage_settings_endpoint_check" "$err"

expect_eq "RFC 3986 key encoding keeps / in paths, encodes the rest" "a/r%C3%A9sum%C3%A9%201%2B1~_.-%21 a%2Fb" \
    "$(q "$ADMIN" "SELECT finpipe.uri_encode('a/résumé 1+1~_.-!', true) || ' ' || finpipe.uri_encode('a/b', false)")"

# Upload: the analyst's PUT URL stores the input in the bucket.
head -c 70000 /dev/urandom >"$WORK/input.bin"
sha="$(sha256sum "$WORK/input.bin" | cut -d' ' -f1)"
size="$(stat -c %s "$WORK/input.bin")"
q "$ANA" "SELECT state || ' ' || url || ' ' || reservation FROM finpipe.presign_upload(:'sha', :'size')" \
    -v sha="$sha" -v size="$size" >"$WORK/issued"
read -r state put reservation <"$WORK/issued"
expect_eq "an upload URL is issued for new bytes" "upload" "$state"
expect_match "for uploads/<sha256>, path-style, with the access key in the credential" \
    "^$FINPIPE_S3_ENDPOINT/$FINPIPE_S3_BUCKET/uploads/$sha\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=finpipe%3Aworker%2F[0-9]{8}%2F$FINPIPE_S3_REGION%2Fs3%2Faws4_request&.*X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$" \
    "$put"
expect_eq "the database-issued PUT URL uploads to Swift" "200" "$(http_status "$put" -T "$WORK/input.bin")"

# One submission at a time uploads a file; the input counts once its uploader says it is stored.
expect_eq "meanwhile another analyst is told to wait" "uploading  " \
    "$(q "$BOB" "SELECT state || ' ' || coalesce(url, '') || ' ' || coalesce(reservation::text, '') FROM finpipe.presign_upload(:'sha', :'size')" -v sha="$sha" -v size="$size")"
err="$(q_err "$ANA" "SELECT finpipe.submit_job('input.bin', :'size', :'sha', 'sales')" -v size="$size" -v sha="$sha")"
expect_match "a job cannot be submitted on an input not yet stored" "has not been uploaded yet" "$err"
err="$(q_err "$BOB" "SELECT finpipe.upload_stored(:'sha', gen_random_uuid())" -v sha="$sha")"
expect_match "only the reservation's holder reports it stored" "no upload of .* is reserved" "$err"
sleep 1.1 # a URL signed within the same second as the first would be the same URL
again="$(q "$ANA" "SELECT state || ' ' || (url <> :'put') || ' ' || reservation FROM finpipe.presign_upload(:'sha', :'size', 900, :'r')" \
    -v sha="$sha" -v size="$size" -v r="$reservation" -v put="$put")"
expect_eq "the holder may ask again (a retry) under its reservation" "upload true $reservation" "$again"
q "$ANA" "SELECT finpipe.upload_stored(:'sha', :'r')" -v sha="$sha" -v r="$reservation" >/dev/null
expect_eq "once stored, nobody uploads it again" "stored" \
    "$(q "$BOB" "SELECT state || coalesce(url, '') FROM finpipe.presign_upload(:'sha', :'size')" -v sha="$sha" -v size="$size")"

# Twenty simultaneous submissions of one new file by four analysts: exactly one uploads.
CAROL="$(make_login t_presign_carol finpipe_analyst)"
DAN="$(make_login t_presign_dan finpipe_analyst)"
crowd="$(printf 'crowd' | sha256sum | cut -d' ' -f1)"
for i in $(seq 20); do
    case $((i % 4)) in 0) who="$ANA" ;; 1) who="$BOB" ;; 2) who="$CAROL" ;; 3) who="$DAN" ;; esac
    q "$who" "SELECT state FROM finpipe.presign_upload(:'sha', 5)" -v sha="$crowd" >"$WORK/crowd.$i" 2>&1 &
done
wait
expect_eq "twenty at once: one is told to upload, nineteen to wait" "1 upload,19 uploading" \
    "$(cat "$WORK"/crowd.* | sort | uniq -c | awk '{print $1 " " $2}' | sort -t' ' -k2 | paste -sd,)"

# What is in the bucket, read with a GET URL signed for the administrator (the workers' view).
admin_get() { q "$ADMIN" "SELECT url FROM finpipe.presign('GET', :'k', :'e')" -v k="$1" -v e="${2:-60}"; }
get="$(admin_get "uploads/$sha")"
expect_eq "a GET URL for the same key downloads" "200" "$(http_status "$get")"
expect_eq "the same bytes" "$sha" "$(sha256sum <"$WORK/body" | cut -d' ' -f1)"

# A URL is good for its own key, method and terms only.
other="uploads/$(printf 'other' | sha256sum | cut -d' ' -f1)"
expect_eq "a PUT URL moved to another key is refused" "403" \
    "$(http_status "${put/uploads\/$sha/$other}" -T "$WORK/input.bin")"
expect_eq "and put nothing there" "404" "$(http_status "$(admin_get "$other")")"
expect_eq "a GET URL used for PUT is refused" "403" "$(http_status "$get" -T "$WORK/input.bin")"
last="${get: -1}"
if [ "$last" = 0 ]; then flip=1; else flip=0; fi
expect_eq "a tampered signature is refused" "403" "$(http_status "${get%?}$flip")"
expect_eq "a lengthened expiry is refused" "403" "$(http_status "${get/X-Amz-Expires=60/X-Amz-Expires=600}")"
expect_eq "a request without a signature is refused" "400" \
    "$(http_status "$FINPIPE_S3_ENDPOINT/$FINPIPE_S3_BUCKET/uploads/$sha")"
printf 'poison' >"$WORK/poison"
status="$(http_status "$FINPIPE_S3_ENDPOINT/$FINPIPE_S3_BUCKET/uploads/$sha" -T "$WORK/poison")"
expect_match "an unsigned PUT is refused" "^4[0-9][0-9]$" "$status"
http_status "$get" >/dev/null
expect_eq "and changed nothing" "$sha" "$(sha256sum <"$WORK/body" | cut -d' ' -f1)"

short="$(admin_get "uploads/$sha" 1)"
sleep 2.5
expect_eq "an expired URL is refused" "403" "$(http_status "$short")"
expect_match "because it expired" "expired" "$(cat "$WORK/body")"

# Rotated keys: a URL signed with a secret the server does not know is refused.
q "$ADMIN" "SELECT finpipe.set_storage_settings(endpoint, region, bucket, access_key, 'not-the-secret', path_style) FROM finpipe.storage_settings" >/dev/null
expect_eq "a URL signed with the wrong secret is refused" "403" "$(http_status "$(admin_get "uploads/$sha")")"
q "$ADMIN" "SELECT finpipe.set_storage_settings(endpoint, region, bucket, access_key, :'s', path_style) FROM finpipe.storage_settings" \
    -v s="$FINPIPE_S3_SECRET_KEY" >/dev/null

# Virtual-hosted addressing (<bucket>.localhost resolves to 127.0.0.1).
port="${FINPIPE_S3_ENDPOINT##*:}"
q "$ADMIN" "SELECT finpipe.set_storage_settings(:'e', region, bucket, access_key, secret_key, false) FROM finpipe.storage_settings" \
    -v e="http://localhost:$port" >/dev/null
vhost="$(admin_get "uploads/$sha")"
expect_match "virtual-hosted URLs name the bucket in the host" "^http://$FINPIPE_S3_BUCKET\.localhost:$port/uploads/$sha\?" "$vhost"
expect_eq "and work" "200" "$(http_status "$vhost" --resolve "$FINPIPE_S3_BUCKET.localhost:$port:127.0.0.1")"
expect_eq "the same bytes" "$sha" "$(sha256sum <"$WORK/body" | cut -d' ' -f1)"
q "$ADMIN" "SELECT finpipe.set_storage_settings(:'e', region, bucket, access_key, secret_key, true) FROM finpipe.storage_settings" \
    -v e="$FINPIPE_S3_ENDPOINT" >/dev/null

# A worker's check: bytes that do not match their hash are uploaded again; matching ones never.
job="$(q "$ANA" "SELECT finpipe.submit_job('input.bin', :'size', :'sha', 'sales')" -v size="$size" -v sha="$sha")"
q "$WRK" "SELECT finpipe.mark_upload(:'sha', false)" -v sha="$sha" >/dev/null
expect_eq "a damaged input gets an upload URL again" "upload" \
    "$(q "$BOB" "SELECT state FROM finpipe.presign_upload(:'sha', :'size')" -v sha="$sha" -v size="$size")"
q "$WRK" "SELECT finpipe.mark_upload(:'sha', true)" -v sha="$sha" >/dev/null
expect_eq "a verified input is stored: no URL" "stored" \
    "$(q "$BOB" "SELECT state || coalesce(url, '') FROM finpipe.presign_upload(:'sha', :'size')" -v sha="$sha" -v size="$size")"
err="$(q_err "$BOB" "SELECT url FROM finpipe.presign_upload(:'sha', 5)" -v sha="$sha")"
expect_match "the same hash with another size is refused" "different size" "$err"
err="$(q_err "$ANA" "SELECT url FROM finpipe.presign_upload('not-a-hash', 5)")"
expect_match "a malformed hash is refused" "is not a SHA-256" "$err"
err="$(q_err "$ANA" "SELECT url FROM finpipe.presign_upload(:'sha', 5, 604801)" -v sha="$(printf x | sha256sum | cut -d' ' -f1)")"
expect_match "links last at most 7 days" "at most|from 1 second to 7 days" "$err"
expect_eq "7 days is allowed" "604800" \
    "$(q "$ANA" "SELECT round(extract(epoch FROM expires_at - now())) FROM finpipe.presign_upload(:'sha', 5, 604800)" -v sha="$(printf x | sha256sum | cut -d' ' -f1)")"

# Output: the worker uploads it (its own keys; here a URL the administrator signs), completes the
# job, and the owner's GET URL fetches the same bytes. The name needs encoding.
read -r claimed token <<<"$(q "$WRK" "SELECT id || ' ' || lease_token FROM finpipe.claim_job(:'w', 30)" \
    -v w="$(q "$WRK" "SELECT finpipe.register_worker('host', 1, 'test')")")"
expect_eq "(the worker claimed the job)" "$job" "$claimed"
name="résumé 2024+Q1 (final).csv"
printf 'month,amount\n2024-01,10\n' >"$WORK/out.csv"
outsha="$(sha256sum "$WORK/out.csv" | cut -d' ' -f1)"
key="outputs/$job/1/$name"
expect_eq "(the worker's upload of the output)" "200" \
    "$(http_status "$(q "$ADMIN" "SELECT url FROM finpipe.presign('PUT', :'k', 60)" -v k="$key")" -T "$WORK/out.csv")"
q "$WRK" "SELECT finpipe.complete_job(:'j', :'t', jsonb_build_array(jsonb_build_object('name', :'n', 'kind', 'data', 'size', 26, 'sha256', :'s')))" \
    -v j="$job" -v t="$token" -v n="$name" -v s="$outsha" >/dev/null
q "$ANA" "SELECT url || ' ' || expires_at FROM finpipe.presign_output(:'j', :'n')" -v j="$job" -v n="$name" >"$WORK/issued"
read -r out_url _ <"$WORK/issued"
expect_match "the output URL encodes the name" "/outputs/$job/1/r%C3%A9sum%C3%A9%202024%2BQ1%20%28final%29\.csv\?" "$out_url"
expect_eq "the owner's GET URL downloads the output" "200" "$(http_status "$out_url")"
expect_eq "the same bytes" "$outsha" "$(sha256sum <"$WORK/body" | cut -d' ' -f1)"
expect_eq "it cannot upload" "403" "$(http_status "$out_url" -T "$WORK/poison")"
err="$(q_err "$BOB" "SELECT url FROM finpipe.presign_output(:'j', :'n')" -v j="$job" -v n="$name")"
expect_match "another analyst gets no URL for it" "no output" "$err"
expect_eq "the default expiry is 15 minutes" "900" \
    "$(q "$ANA" "SELECT round(extract(epoch FROM expires_at - now())) FROM finpipe.presign_output(:'j', :'n')" -v j="$job" -v n="$name")"

# The history: who, what, when, until when; never the signature.
expect_eq "the download URLs are in the job's history" "GET|outputs/$job/1/$name|t_presign_ana" \
    "$(q "$ANA" "SELECT DISTINCT url_method || '|' || url_key || '|' || actor FROM finpipe.job_events WHERE job_id = :'j' AND kind = 'url'" -v j="$job")"
expect_eq "the upload URLs too (first and retry)" "2 PUT|uploads/$sha|true" \
    "$(q "$ANA" "SELECT count(*) || ' ' || url_method || '|' || url_key || '|' || (url_expires_at > at) FROM finpipe.job_events WHERE kind = 'url' AND url_method = 'PUT' AND url_key = :'k' GROUP BY url_method, url_key, url_expires_at > at" -v k="uploads/$sha")"
sig="${out_url##*X-Amz-Signature=}"
expect_eq "no signature is stored anywhere in the history" "0" \
    "$(q "$ADMIN" "SELECT count(*) FROM finpipe.job_events e WHERE e::text LIKE '%' || :'s' || '%' OR e::text LIKE '%X-Amz-Signature%'" -v s="$sig")"

finish
