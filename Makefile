# The two commands of the README, and the pieces CI uses.
#   make demo   set up, build and run the demo
#   make test   set up, build (warnings as errors) and run the whole test suite through ctest
JOBS ?= 2
BUILD ?= build
BUILD_ASAN ?= build-asan
CMAKE_FLAGS ?=
KAFKATRACE := $(BUILD)/tools/kafkatrace/kafkatrace

.PHONY: demo test test-asan test-tsan fuzz build setup-demo setup-test format format-check clean

demo: setup-demo
	cmake -S . -B $(BUILD) -G Ninja -DKAFKATRACE_BUILD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS) --target kafkatrace
	$(KAFKATRACE) demo

test: setup-test
	cmake -S . -B $(BUILD) -G Ninja -DKAFKATRACE_BUILD_TESTS=ON -DKAFKATRACE_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)
	ctest --test-dir $(BUILD) -j$(JOBS) --output-on-failure

# The suite built with AddressSanitizer + UndefinedBehaviorSanitizer (CI runs it after `test`).
test-asan: setup-test
	cmake -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKAFKATRACE_WERROR=ON \
	  -DKAFKATRACE_SANITIZE=address,undefined $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(BUILD_ASAN) -j$(JOBS) --output-on-failure

# ThreadSanitizer: the unit tests (the tracing and metrics stress suites live there). Left out:
# everything that starts librdkafka threads (the integration tests and the EmbeddedBroker unit
# tests). Debian's librdkafka is not built with TSan, and its uninstrumented threads crash the
# TSan runtime as soon as the mock cluster starts.
BUILD_TSAN ?= build-tsan
test-tsan: setup-test
	cmake -S . -B $(BUILD_TSAN) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAFKATRACE_WERROR=ON \
	  -DKAFKATRACE_SANITIZE=thread -DKAFKATRACE_BUILD_TOOLS=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_TSAN) -j$(JOBS) --target kafkatrace_unit_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --test-dir $(BUILD_TSAN) -L unit -E '^EmbeddedBrokerTest\.' -j$(JOBS) --output-on-failure

# libFuzzer (clang, ASan+UBSan) on every target of tests/fuzz, FUZZ_SECONDS each (CI: 20), from
# the seed corpora in the repo; prints executions and crashes, fails on any crash.
FUZZ_SECONDS ?= 20
fuzz: setup-test
	FUZZ_JOBS=$(JOBS) scripts/fuzz.sh $(FUZZ_SECONDS)

setup-demo:
	scripts/setup.sh demo

setup-test:
	scripts/setup.sh test

SOURCES = $(shell git ls-files '*.h' '*.cpp')
format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) build-fuzz
