# entente: a thin wrapper over CMake. The README's two commands:
#   make run    install what is missing, build, ingest corpus/ and summarise
#   make test   install what is missing, build, run every test (also under ASan+UBSan)
# Other targets: build, bench (ingest, extraction and the report row),
# bench-reports (the report row alone), format, lint, clean.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DB         ?= entente.db
ENTENTE    := $(BUILD)/entente

.PHONY: all deps build asan run test test-fast test-asan bench bench-reports format lint clean

all: build

deps:
	@./tools/ensure-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DENTENTE_SANITIZE=ON >/dev/null

asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	@./tools/run-demo $(ENTENTE) $(DB)

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -LE 'perf|valgrind'

test: test-fast test-asan

bench: build
	@./tools/bench $(ENTENTE)

bench-reports: build
	@./tools/bench-reports $(ENTENTE)

format:
	clang-format -i engine/*.c engine/*.h tests/c/*.c

lint:
	luacheck lib scripts tests/lua

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
