#!/usr/bin/env python3
"""An independent SigV4 query-string presigner (Python standard library) to cross-check the
database's signer on cases the test servers cannot serve (a base path, https, other hosts).
usage: sigv4_reference.py METHOD ENDPOINT REGION BUCKET ACCESS_KEY SECRET_KEY PATH_STYLE(0|1) KEY EXPIRES YYYYMMDDTHHMMSSZ"""
import hashlib, hmac, sys, urllib.parse, datetime
method, endpoint, region, bucket, ak, sk, path_style, key, expires, at = sys.argv[1:]
u = urllib.parse.urlsplit(endpoint)
host = u.netloc.lower()
if (u.scheme == 'http' and host.endswith(':80')) or (u.scheme == 'https' and host.endswith(':443')):
    host = host.rsplit(':', 1)[0]
q = lambda s, safe: urllib.parse.quote(s, safe=safe)
base = u.path.rstrip('/')
if path_style == '1':
    path = base + '/' + q(bucket, '') + '/' + q(key, '/')
else:
    host = bucket + '.' + host
    path = base + '/' + q(key, '/')
t = datetime.datetime.strptime(at, '%Y%m%dT%H%M%SZ')
date = t.strftime('%Y%m%d'); stamp = at
scope = f'{date}/{region}/s3/aws4_request'
params = {'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': f'{ak}/{scope}', 'X-Amz-Date': stamp,
          'X-Amz-Expires': expires, 'X-Amz-SignedHeaders': 'host'}
query = '&'.join(f'{q(k, "")}={q(v, "")}' for k, v in sorted(params.items()))
canonical = '\n'.join([method, path, query, f'host:{host}\n', 'host', 'UNSIGNED-PAYLOAD'])
sts = '\n'.join(['AWS4-HMAC-SHA256', stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
k = ('AWS4' + sk).encode()
for part in (date, region, 's3', 'aws4_request'):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
print(f'{u.scheme}://{host}{path}?{query}&X-Amz-Signature={sig}')
