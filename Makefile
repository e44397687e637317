# fleetlake: `make run` runs the pipeline on the bundled sample, `make test` runs every test.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
ifdef CI
CMAKE_FLAGS += -DFLEETLAKE_WERROR=ON
endif
SAMPLE := sample/events
FL := $(BUILD)/fleetlake

.PHONY: all setup build test run clean format bench bench-s3 fuzz test-sanitize bench-memory bench-tools crashtest

all: build

setup:
	@scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(SAMPLE): | build
	$(FL) generate --out $(SAMPLE) --days 2 --vehicles 12 --seed 42 --start 2019-06-01

run: build $(SAMPLE)
	$(FL) run --config examples/door2door.yaml
	$(FL) sql --config examples/door2door.yaml \
	  "SELECT * FROM operating_period_distance ORDER BY start_at, operating_period_id"
	-$(FL) report --config examples/door2door.yaml --format html --out report.html

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc')

clean:
	rm -rf $(BUILD) sample lake warehouse.duckdb warehouse.duckdb.wal report.html

# Kills `fleetlake run` at 100 random moments and checks every outcome equals a clean run.
crashtest: build
	$(BUILD)/crash_harness --binary $(FL) --config examples/door2door.yaml --kills 100 --seed 1
	$(BUILD)/crash_harness --binary $(FL) --config examples/door2door.yaml --kills 10 --seed 2 --signal TERM

# Process throughput against the DuckDB one-liners and the lower bounds (PERFORMANCE.md). The input
# (~480 MB, 2.1 M events, ~1% rejects) is generated once under bench/data/ (ignored by git).
BENCH_LAKE := bench/data/lake
BENCH_FLAGS ?= --reps 3 --single-thread
bench-tools: build
	@cmake --build $(BUILD) -j $(JOBS) --target bench_driver micro_bench
$(BENCH_LAKE)/.generated: | bench-tools
	rm -rf $(BENCH_LAKE)
	$(FL) generate --out $(BENCH_LAKE)/raw --days 1 --hours 24 --vehicles 160 --interval 5 --seed 7
	touch $@
bench: bench-tools $(BENCH_LAKE)/.generated
	$(BUILD)/micro_bench --benchmark_min_time=0.2
	$(BUILD)/bench_driver run --lake $(BENCH_LAKE) --config examples/door2door.yaml $(BENCH_FLAGS)
	@$(MAKE) --no-print-directory bench-s3

# Peak RSS of process on ~4.3 GB of input (9 copies of the bench input) must stay under 1 GB.
bench/data/lake4g/.generated: $(BENCH_LAKE)/.generated
	rm -rf bench/data/lake4g
	$(BUILD)/bench_driver replicate --from $(BENCH_LAKE) --to bench/data/lake4g --copies 9 --group 10
	touch $@
bench-memory: bench-tools bench/data/lake4g/.generated
	$(BUILD)/bench_driver memory --lake bench/data/lake4g --config examples/door2door.yaml --limit-mb 1024

# libFuzzer targets (clang, ASan+UBSan), each run for FUZZ_SECONDS on a copy of its corpus;
# a crash leaves its input in build-fuzz/ and fails the target.
FUZZ_SECONDS ?= 600
fuzz: setup
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLEETLAKE_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_record_decoder fuzz_timestamp fuzz_config
	@for t in record_decoder timestamp config; do \
	  mkdir -p build-fuzz/corpus/$$t && cp -n tests/fuzz/corpus/$$t/* build-fuzz/corpus/$$t/ ; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  (cd build-fuzz && ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 -max_len=65536 \
	     corpus/$$t > fuzz_$$t.log 2>&1); rc=$$?; tail -2 build-fuzz/fuzz_$$t.log; \
	  [ $$rc -eq 0 ] || { echo "fuzz_$$t found a crash: see build-fuzz/fuzz_$$t.log"; exit 1; }; \
	done

# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFLEETLAKE_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# S3 transfers: fetch 5,000 small objects and one 1 GB object from s3rver on loopback, against the
# AWS CLI (aws s3 sync / aws s3 cp). The AWS CLI is installed for this target only.
bench-s3: build
	@command -v aws >/dev/null || { SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get install -y -qq awscli >/dev/null; }
	tests/s3/bench_s3.sh $(FL)
