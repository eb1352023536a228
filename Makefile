# moat: two commands for a newcomer on Debian 12 — `make demo` and `make test`.
# Everything else here is what those two are made of.

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
DEMO_DIR    ?= $(BUILD)/aurora-demo
DEMO_LISTEN ?= 127.0.0.1:8080
WEB_DIR     ?= $(BUILD)/web
JOBS        ?= $(shell nproc)
WERROR      := $(if $(CI),ON,OFF)
# Debug information costs a third of the compile time; CI builds without it.
BUILD_TYPE  ?= $(if $(CI),Release,RelWithDebInfo)
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DMOAT_WERROR=$(WERROR)

.PHONY: all deps build web demo test asan fuzz-build fuzz format tidy clean

all: build

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DMOAT_FUZZ_DIR=$(abspath $(FUZZ_BUILD))/fuzz \
	  -DMOAT_WEB_DIR=$(abspath $(WEB_DIR)) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The web dashboard: npm packages from package-lock.json, bundled by web/build.mjs.
web: deps
	cd web && npm ci --no-audit --no-fund --loglevel=error
	node web/build.mjs $(abspath $(WEB_DIR))

# The Aurora demo, then its dashboard served on loopback until Ctrl-C.
demo: build web
	rm -rf $(DEMO_DIR)
	$(BUILD)/src/cli/moat demo $(DEMO_DIR) --sign-ins
	@echo
	@echo "The demo workspace is $(DEMO_DIR); try: $(BUILD)/src/cli/moat -w $(DEMO_DIR) list suppliers"
	@echo "The dashboard: open the address below in a browser and sign in with a name and password above."
	$(BUILD)/src/cli/moat -w $(DEMO_DIR) serve --listen $(DEMO_LISTEN) --static $(abspath $(WEB_DIR))

# libFuzzer targets need clang; they are smoke-run by CTest (tests named fuzz.*).
fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DMOAT_FUZZ=ON -DMOAT_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target csv_fuzz json_fuzz body_fuzz mark_fuzz picture_fuzz instance_fuzz

# Every store, app and CLI test runs on SQLite and on a throwaway PostgreSQL server.
test: build web fuzz-build
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
	$(FUZZ_BUILD)/fuzz/body_fuzz -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/body
	$(FUZZ_BUILD)/fuzz/mark_fuzz -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/mark
	$(FUZZ_BUILD)/fuzz/picture_fuzz -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/picture
	$(FUZZ_BUILD)/fuzz/instance_fuzz -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/instance

# Rewrites the C++ sources as .clang-format says (CTest's format.clang_format checks them).
format:
	scripts/check-format --fix

tidy: build
	clang-tidy -p $(BUILD) $$(git ls-files 'src/*.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
