// Starts s3rver on 127.0.0.1 with a free port for fleetlake's tests and benchmark.
// Usage: node --openssl-legacy-provider start_s3rver.js DATA_DIR [BUCKET...]
// (s3rver encrypts ListObjectsV2 continuation tokens with DES, in OpenSSL 3's legacy provider.)
// Prints "PORT <n>" on stdout once listening; stops when stdin closes (the parent died or is done).
'use strict';
const S3rver = require('s3rver');

const [dir, ...buckets] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node start_s3rver.js DATA_DIR [BUCKET...]');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dir,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
server.run().then(({ port }) => {
  process.stdout.write(`PORT ${port}\n`);
});
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
