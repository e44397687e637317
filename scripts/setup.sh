#!/usr/bin/env bash
# Installs what fleetlake needs on a fresh Debian 12 machine. Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential cmake pkg-config libsimdjson-dev libyaml-cpp-dev libcli11-dev libfmt-dev
  libcurl4-openssl-dev libpugixml-dev libssl-dev libxxhash-dev zlib1g-dev libgtest-dev libgmock-dev
  libbenchmark-dev python3
  python3-botocore  # checks the S3 request signatures in the S3 tests
  chromium)  # headless, for the HTML report's browser test

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (it brings its own npm): only install it when absent.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# DuckDB is not packaged in Debian 12: take the official prebuilt library and header from npm.
DUCK_DIR=third_party/duckdb
LIB_SHA=1ef33048e12235115ac0d277a0aaccbb560e33248144f488b5ac005cd9ba81b5
HDR_SHA=cbe6a827284375c5a646b8f27dbd3a00808ce8738b5bbb49c190cb1e08540281
check() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
if ! check "$DUCK_DIR/lib/libduckdb.so" "$LIB_SHA" || ! check "$DUCK_DIR/include/duckdb.h" "$HDR_SHA"; then
  echo "setup: fetching DuckDB 1.4.4 from npm"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent @duckdb/node-bindings-linux-x64@1.4.4-r.4 duckdb@1.4.4 >/dev/null)
  mkdir -p "$tmp/lib" "$tmp/hdr" "$DUCK_DIR/lib" "$DUCK_DIR/include"
  tar xzf "$tmp"/duckdb-node-bindings-linux-x64-1.4.4-r.4.tgz -C "$tmp/lib" package/libduckdb.so
  tar xzf "$tmp"/duckdb-1.4.4.tgz -C "$tmp/hdr" package/src/duckdb/src/include/duckdb.h
  check "$tmp/lib/package/libduckdb.so" "$LIB_SHA" || { echo "setup: libduckdb.so sha256 mismatch" >&2; exit 1; }
  check "$tmp/hdr/package/src/duckdb/src/include/duckdb.h" "$HDR_SHA" || { echo "setup: duckdb.h sha256 mismatch" >&2; exit 1; }
  mv "$tmp/lib/package/libduckdb.so" "$DUCK_DIR/lib/"
  mv "$tmp/hdr/package/src/duckdb/src/include/duckdb.h" "$DUCK_DIR/include/"
fi

# The S3 tests' server (s3rver), pinned by tests/s3/package-lock.json; reinstalled when the lock
# changes.
S3_LOCK=tests/s3/package-lock.json
if [ ! -f tests/s3/node_modules/.fleetlake-lock ] || ! cmp -s "$S3_LOCK" tests/s3/node_modules/.fleetlake-lock; then
  echo "setup: installing the S3 test server (npm ci in tests/s3)"
  (cd tests/s3 && npm ci --silent --no-audit --no-fund >/dev/null)
  cp "$S3_LOCK" tests/s3/node_modules/.fleetlake-lock
fi
