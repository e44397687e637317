// An HTTP proxy for fault-injection tests: forwards requests to 127.0.0.1:TARGET, except that a
// fraction of them get a 500 or 503 (SlowDown), a connection reset, or a delay.
// Usage: node fault_proxy.js TARGET_PORT FRACTION SEED
// Prints "PORT <n>" once listening; GET /__faults answers the counts as JSON; stops when stdin
// closes.
'use strict';
const http = require('http');

const [target, fraction, seed] = [Number(process.argv[2]), Number(process.argv[3] || 0.1),
  Number(process.argv[4] || 1)];
// Deterministic choices (mulberry32), so a failing run can be replayed.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const counts = { requests: 0, e500: 0, e503: 0, reset: 0, delay: 0, midbody_reset: 0 };

function forward(req, res, body, cutBody) {
  const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url,
    headers: req.headers }, (upRes) => {
    res.writeHead(upRes.statusCode, upRes.headers);
    if (cutBody) {
      // Send part of the body, then reset: the client sees a truncated transfer.
      upRes.once('data', (chunk) => {
        res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
        setTimeout(() => res.socket.destroy(), 5);
      });
      upRes.on('error', () => {});
      return;
    }
    upRes.pipe(res);
  });
  up.on('error', () => res.socket && res.socket.destroy());
  up.end(body);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/__faults') {
      res.end(JSON.stringify(counts));
      return;
    }
    counts.requests++;
    const r = random();
    const kind = random();
    if (r >= fraction) return forward(req, res, body, false);
    if (kind < 0.2) {
      counts.e500++;
      res.writeHead(500, { 'Content-Type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>');
    } else if (kind < 0.4) {
      counts.e503++;
      res.writeHead(503, { 'Content-Type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>injected</Message></Error>');
    } else if (kind < 0.6) {
      counts.reset++;
      req.socket.destroy();
    } else if (kind < 0.8 && req.method === 'GET') {
      counts.midbody_reset++;
      forward(req, res, body, true);
    } else {
      counts.delay++;
      setTimeout(() => forward(req, res, body, false), 50 + Math.floor(random() * 250));
    }
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
