# moat: two commands for a newcomer on Debian 12 — `make demo` and `make test`.
# Everything else here is what those two are made of.

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
DEMO_DIR    ?= $(BUILD)/aurora-demo
JOBS        ?= $(shell nproc)
WERROR      := $(if $(CI),ON,OFF)
# Debug information costs a third of the compile time; CI builds without it.
BUILD_TYPE  ?= $(if $(CI),Release,RelWithDebInfo)
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DMOAT_WERROR=$(WERROR)

.PHONY: all deps build demo test asan fuzz-build fuzz format tidy clean

all: build

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DMOAT_FUZZ_DIR=$(abspath $(FUZZ_BUILD))/fuzz >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	rm -rf $(DEMO_DIR)
	$(BUILD)/src/cli/moat demo $(DEMO_DIR)
	@echo
	@echo "The demo workspace is $(DEMO_DIR); try: $(BUILD)/src/cli/moat -w $(DEMO_DIR) list suppliers"

# libFuzzer targets need clang; they are smoke-run by CTest (tests named fuzz.*).
fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DMOAT_FUZZ=ON -DMOAT_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target csv_fuzz json_fuzz

# Every store, app and CLI test runs on SQLite and on a throwaway PostgreSQL server.
test: build fuzz-build
	scripts/with-postgres bash -c 'cd $(BUILD) && ctest --output-on-failure -j $(JOBS)'

asan: deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug -DMOAT_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(abspath scripts/lsan.supp) \
	  UBSAN_OPTIONS=print_stacktrace=1 scripts/with-postgres \
	  bash -c 'cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) -E "^fuzz\."'

# Longer fuzzing by hand: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	$(FUZZ_BUILD)/fuzz/csv_fuzz -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/csv
	$(FUZZ_BUILD)/fuzz/json_fuzz -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/json

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'fuzz/*.cc' 'tests/*.cc')

tidy: build
	clang-tidy -p $(BUILD) $$(git ls-files 'src/*.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
