# fleetlake: `make run` runs the pipeline on the bundled sample, `make test` runs every test.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
ifdef CI
CMAKE_FLAGS += -DFLEETLAKE_WERROR=ON
endif
SAMPLE := sample/events
FL := $(BUILD)/fleetlake

.PHONY: all setup build test run clean format bench crashtest

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

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc')

clean:
	rm -rf $(BUILD) sample lake warehouse.duckdb warehouse.duckdb.wal

# Kills `fleetlake run` at 100 random moments and checks every outcome equals a clean run.
crashtest: build
	$(BUILD)/crash_harness --binary $(FL) --config examples/door2door.yaml --kills 100 --seed 1
	$(BUILD)/crash_harness --binary $(FL) --config examples/door2door.yaml --kills 10 --seed 2 --signal TERM
