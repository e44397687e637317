#!/usr/bin/env bash
# S3 transfer benchmark: `fleetlake fetch` from s3rver on loopback against the AWS CLI doing the
# same (`aws s3 sync` for many small objects, `aws s3 cp` for one large object).
# Usage: tests/s3/bench_s3.sh FLEETLAKE_BINARY   (env: SMALL=5000 objects, BIG_MB=1024)
set -euo pipefail
cd "$(dirname "$0")/../.."
FL=$(realpath "$1")
SMALL=${SMALL:-5000}
BIG_MB=${BIG_MB:-1024}
command -v aws >/dev/null || { echo "bench-s3 needs the AWS CLI (Debian package awscli)" >&2; exit 1; }
AWS=$(command -v /usr/bin/aws || command -v aws)

work=$(mktemp -d "${TMPDIR:-/tmp}/fleetlake-bench-s3-XXXXXX")
cleanup() { exec 3>&- 2>/dev/null || true; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/s3data" "$work/small" "$work/big"

# s3rver stops when fd 3 (its stdin) closes.
exec 3> >(node --openssl-legacy-provider tests/s3/start_s3rver.js "$work/s3data" bench > "$work/port")
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
PORT=$(awk '{print $2}' "$work/port")
EP="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null

echo "bench-s3: $SMALL small objects and one $BIG_MB MB object on s3rver at $EP"
python3 - "$work/small" "$SMALL" <<'PY'
import os, sys, random
d, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
for i in range(n):
    with open(os.path.join(d, f"2019-06-01-{i // 3600}-{i // 60 % 60}-{i % 60}-events.json"), "w") as f:
        f.write("".join(f'{{"event":"update","on":"vehicle","at":"2019-06-01T00:00:{j:02d}Z","data":{{"id":"v{rng.randrange(999)}"}}}}\n' for j in range(rng.randrange(5, 30))))
PY
head -c $((BIG_MB << 20)) /dev/urandom > "$work/big/2019-06-01-0-0-0-big.json"
"$AWS" --endpoint-url "$EP" s3 sync --only-show-errors "$work/small" s3://bench/small/
"$AWS" --endpoint-url "$EP" s3 cp --only-show-errors "$work/big/2019-06-01-0-0-0-big.json" s3://bench/big/

now() { date +%s.%N; }
fetch() {  # source prefix, lake dir
  "$FL" fetch --config examples/door2door.yaml --set "source.uri=s3://bench/$1/" \
    --set "source.endpoint=$EP" --set source.anonymous=false --set "lake.uri=$2" \
    --set "warehouse.path=$work/w-$1.duckdb" >/dev/null
}
time_of() { local t0; t0=$(now); "$@"; python3 -c 'import sys; print(float(sys.argv[1]) - float(sys.argv[2]))' "$(now)" "$t0"; }
ratio() { python3 -c 'import sys; print(float(sys.argv[1]) / float(sys.argv[2]))' "$1" "$2"; }

t_fl_small=$(time_of fetch small "$work/lake-small")
t_aws_small=$(time_of "$AWS" --endpoint-url "$EP" s3 sync --only-show-errors s3://bench/small/ "$work/aws-small")
t_fl_big=$(time_of fetch big "$work/lake-big")
t_aws_big=$(time_of "$AWS" --endpoint-url "$EP" s3 cp --only-show-errors s3://bench/big/2019-06-01-0-0-0-big.json "$work/aws-big.json")
cmp -s "$work/aws-big.json" "$work/lake-big/raw/2019-06-01-0-0-0-big.json" || { echo "bench-s3: big object differs" >&2; exit 1; }
[ "$(find "$work/lake-small/raw" -type f | wc -l)" = "$SMALL" ] || { echo "bench-s3: small objects missing" >&2; exit 1; }

printf '%-34s %10s %10s %8s\n' "transfer" "fleetlake" "aws cli" "ratio"
printf '%-34s %9.2fs %9.2fs %7.2fx\n' "$SMALL small objects (sync)" "$t_fl_small" "$t_aws_small" "$(ratio "$t_aws_small" "$t_fl_small")"
printf '%-34s %9.2fs %9.2fs %7.2fx\n' "one $BIG_MB MB object (cp)" "$t_fl_big" "$t_aws_big" "$(ratio "$t_aws_big" "$t_fl_big")"
echo "(ratio = aws time / fleetlake time; above 1 means fleetlake is faster)"
