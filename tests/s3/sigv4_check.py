#!/usr/bin/env python3
"""A stand-in S3 endpoint that checks every request's SigV4 signature against botocore's signer.

s3rver does not verify signatures, so this server does: for each request it rebuilds the same
request as botocore would send it (path encoded by botocore's own rules, query from the decoded
parameters, the same signed headers, the same X-Amz-Date), signs it with botocore.auth.S3SigV4Auth
and compares the Authorization header byte for byte. It answers 200 with a plausible S3 body when
they match, 403 SignatureDoesNotMatch with both canonical forms when they do not.

Usage: python3 sigv4_check.py ACCESS_KEY SECRET_KEY REGION
Prints "PORT <n>"; stops when stdin closes. Needs Debian's python3-botocore.
"""
import hashlib
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.utils import percent_encode

ACCESS, SECRET, REGION = sys.argv[1], sys.argv[2], sys.argv[3]
AUTH_RE = re.compile(
    r'^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, ?'
    r'SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$')
STATS = {'checked': 0, 'failed': 0}


def expected_authorization(handler, body, signed):
    raw_path, _, raw_query = handler.path.partition('?')
    problems = []
    path = percent_encode(unquote(raw_path), safe='/~')
    if path != raw_path:
        problems.append(f'path {raw_path!r} is not encoded as botocore would: {path!r}')
    params = {}
    if raw_query:
        for pair in raw_query.split('&'):
            k, _, v = pair.partition('=')
            params[unquote(k)] = unquote(v)
    headers = {'host': handler.headers['Host']}
    for name in signed:
        if name not in ('host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'):
            headers[name] = handler.headers.get(name, '')
    request = AWSRequest(method=handler.command, url=f'http://{headers["host"]}{path}',
                         headers=headers, data=body, params=params)
    payload = handler.headers.get('x-amz-content-sha256', '')
    if payload == 'UNSIGNED-PAYLOAD':
        request.context['client_config'] = Config(s3={'payload_signing_enabled': False})
    elif payload != hashlib.sha256(body).hexdigest():
        problems.append(f'x-amz-content-sha256 {payload} is not the SHA-256 of the body')
    token = handler.headers.get('x-amz-security-token')
    signer = S3SigV4Auth(Credentials(ACCESS, SECRET, token), 's3', REGION)
    request.context['timestamp'] = handler.headers.get('x-amz-date', '')
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    signer._inject_signature_to_request(request, signature)
    return request.headers['Authorization'], canonical, problems


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def reply(self, status, body=b'', headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def handle_any(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if self.path == '/__stats':
            return self.reply(200, repr(STATS).encode())
        auth = self.headers.get('Authorization', '')
        m = AUTH_RE.match(auth)
        problems = []
        if not m:
            problems.append(f'malformed or missing Authorization: {auth!r}')
            signed = []
        else:
            signed = m.group(4).split(';')
            if m.group(1) != ACCESS or m.group(3) != REGION:
                problems.append(f'credential scope {m.group(1)}/{m.group(3)}, expected '
                                f'{ACCESS}/{REGION}')
            if m.group(2) != self.headers.get('x-amz-date', '')[:8]:
                problems.append('scope date differs from x-amz-date')
            for required in ('host', 'x-amz-content-sha256', 'x-amz-date'):
                if required not in signed:
                    problems.append(f'{required} is not signed')
            for name in self.headers.keys():
                if name.lower().startswith('x-amz-') and name.lower() not in signed:
                    problems.append(f'{name} is sent but not signed')
        expected, canonical = '', ''
        if m:
            expected, canonical, more = expected_authorization(self, body, signed)
            problems += more
            if expected != auth:
                problems.append('signature differs from botocore')
        STATS['checked'] += 1
        if problems:
            STATS['failed'] += 1
            detail = '\n'.join(problems) + f'\nsent:     {auth}\nbotocore: {expected}\n' \
                f'botocore canonical request:\n{canonical}\n'
            sys.stderr.write(detail)
            xml = ('<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>'
                   + detail.replace('&', '&amp;').replace('<', '&lt;') + '</Message></Error>')
            return self.reply(403, xml.encode(), {'Content-Type': 'application/xml'})
        return self.answer(body)

    def answer(self, body):
        path, _, query = self.path.partition('?')
        if 'list-type=2' in query:
            # Two pages, so a continuation token (with characters that need encoding) is sent.
            truncated = 'continuation-token' not in query
            key = 'p/first key.json' if truncated else 'p/second+key.json'
            xml = ('<?xml version="1.0"?><ListBucketResult><IsTruncated>'
                   f'{"true" if truncated else "false"}</IsTruncated>'
                   '<NextContinuationToken>t+k/n=1 2</NextContinuationToken>'
                   f'<Contents><Key>{key}</Key><Size>1</Size><ETag>"x"</ETag>'
                   '<LastModified>2019-06-01T00:00:00.000Z</LastModified></Contents>'
                   '</ListBucketResult>')
            return self.reply(200, xml.encode())
        if self.command == 'POST' and 'uploads=' in query:
            xml = ('<InitiateMultipartUploadResult><UploadId>up+id/1=2 3</UploadId>'
                   '</InitiateMultipartUploadResult>')
            return self.reply(200, xml.encode())
        if self.command == 'POST':
            return self.reply(200, b'<CompleteMultipartUploadResult/>')
        if self.command == 'PUT':
            return self.reply(200, b'', {'ETag': '"' + hashlib.md5(body).hexdigest() + '"'})
        if self.command == 'DELETE':
            return self.reply(204)
        return self.reply(200, b'ok', {'ETag': '"' + hashlib.md5(b'ok').hexdigest() + '"',
                                       'Last-Modified': 'Sat, 01 Jun 2019 00:00:00 GMT'})

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(f'PORT {server.server_address[1]}', flush=True)
sys.stdin.read()
server.shutdown()
