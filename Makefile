# shortinterest: `make demo` runs the main job, `make test` runs every test.
SWIFT ?= swift
PYTHON ?= python3
PREFIX ?= /usr/local
SOVERSION := 1
VERSION := 1.2.0

# Release builds link the Swift runtime into each artifact, so users need no
# Swift installed (-static-stdlib at compile and link time, see
# ../shared/guides/swift-c-abi.md). They get their own scratch folder so that
# debug builds and `swift test` keep theirs.
# Every function goes in a section of its own, so that the linker can place
# the ones a page call runs side by side (hot-path.order, below). SwiftPM
# does not recompile when -Xswiftc or -Xcc flags change: after changing
# them, `make clean`.
RELEASE := $(SWIFT) build -c release --scratch-path .build-release -Xswiftc -static-stdlib \
           -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
# The .so exports si_* only and leaves no symbol unresolved. The functions a
# page call runs, listed in hot-path.order (`make hot-path-order` remakes it),
# sit together instead of across 106 pages of its 15 MB of code: about 3 µs
# less user time a call (BENCHMARKS.md). --section-ordering-file is gold's,
# the linker swiftc uses here.
LIB_LINK_WITH_SYMBOLS := -Xlinker --version-script=$(CURDIR)/exports.map -Xlinker -soname=libshortinterest.so.$(SOVERSION) \
                         -Xlinker -z -Xlinker defs -Xlinker --section-ordering-file=$(CURDIR)/hot-path.order
LIB_LINK := $(LIB_LINK_WITH_SYMBOLS) -Xlinker --strip-all

.PHONY: all setup python-setup lib cli demo test test-swift test-c test-python bench clean install
.PHONY: lib-tsan lib-asan test-sanitizers test-fuzz hot-path-lib hot-path-order test-hot-path-order

all: lib cli

setup:
	./scripts/setup.sh

lib:
	$(RELEASE) --product shortinterest $(LIB_LINK)
	mkdir -p build/lib
	cp .build-release/release/libshortinterest.so build/lib/libshortinterest.so.$(VERSION)
	ln -sf libshortinterest.so.$(VERSION) build/lib/libshortinterest.so.$(SOVERSION)
	ln -sf libshortinterest.so.$(SOVERSION) build/lib/libshortinterest.so
	sed -e 's|@PREFIX@|$(CURDIR)/build|; s|@INCLUDEDIR@|$(CURDIR)/include|; s|@VERSION@|$(VERSION)|' \
	    shortinterest.pc.in > build/lib/shortinterest.pc

# The library's Swift code instrumented for ThreadSanitizer or AddressSanitizer,
# each in its own scratch folder. The Swift runtime stays dynamic and the
# sanitizer runtime is left to the C program that loads the library (built
# with the toolchain's clang), so the process has exactly one of each.
SANITIZED := $(SWIFT) build -c release --product shortinterest

lib-tsan:
	$(SANITIZED) --scratch-path .build-tsan --sanitize=thread

lib-asan:
	$(SANITIZED) --scratch-path .build-asan --sanitize=address

cli:
	$(RELEASE) --product shortinterest-cli -Xlinker --strip-all
	mkdir -p build/bin
	cp .build-release/release/shortinterest-cli build/bin/shortinterest.new && mv -f build/bin/shortinterest.new build/bin/shortinterest

install: lib cli
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin
	install -m 755 build/lib/libshortinterest.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libshortinterest.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libshortinterest.so.$(SOVERSION)
	ln -sf libshortinterest.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libshortinterest.so
	install -m 644 include/shortinterest.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 build/bin/shortinterest $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@INCLUDEDIR@|$(PREFIX)/include|; s|@VERSION@|$(VERSION)|' \
	    shortinterest.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/shortinterest.pc

# The Python binding and what its tests compare against (futu-api from PyPI).
python-setup:
	$(PYTHON) -m pip install -q --disable-pip-version-check "futu-api==10.11.7108" pandas numpy pytest
	$(PYTHON) -m pip install -q --disable-pip-version-check -e bindings/python

demo: setup python-setup lib cli
	./scripts/demo.sh

test: setup test-swift test-c test-python test-hot-path-order test-sanitizers test-fuzz

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-c: lib cli
	./bindings/c/tests/run.sh

# The C stress program and consumers with the instrumented libraries.
test-sanitizers: setup cli lib-tsan lib-asan
	./bindings/c/tests/sanitizers.sh

# A short libFuzzer run of every target (scripts/fuzz.sh; the long runs are
# in RELIABILITY.md).
test-fuzz:
	./scripts/fuzz.sh all 60

test-python: python-setup lib cli
	$(PYTHON) -m pytest bindings/python/tests -q

# The benchmark programs (bench/c) in build/bench; bench/*/*.py run them
# (BENCHMARKS.md has the commands). Not part of `make test`: timings on a
# shared machine are no pass/fail signal.
BENCH_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -pthread
BENCH_LIB := -I$(CURDIR)/include -L$(CURDIR)/build/lib -Wl,-rpath,$(CURDIR)/build/lib -lshortinterest

bench: lib cli
	mkdir -p build/bench
	$(CC) $(BENCH_CFLAGS) bench/c/floor.c -o build/bench/floor -lcrypto
	$(CC) $(BENCH_CFLAGS) bench/c/two_floors.c -o build/bench/two_floors -lcrypto
	$(CC) $(BENCH_CFLAGS) bench/c/api_calls.c -o build/bench/api_calls $(BENCH_LIB)
	$(CC) $(BENCH_CFLAGS) bench/c/interleaved.c -o build/bench/interleaved $(BENCH_LIB) -lcrypto
	$(CC) $(BENCH_CFLAGS) bench/c/store_latency.c -o build/bench/store_latency $(BENCH_LIB)
	$(CC) $(BENCH_CFLAGS) -I$(CURDIR)/include bench/c/dlopen_first.c -o build/bench/dlopen_first -ldl

# The library linked with its symbols, which callgrind and nm name functions
# by (valgrind cannot read the DWARF 5 debug information, so that is
# stripped), in build/hot-path for the two targets below. build/lib keeps
# `make lib`'s copy.
hot-path-lib: lib
	$(RELEASE) --product shortinterest $(LIB_LINK_WITH_SYMBOLS)
	mkdir -p build/hot-path
	strip --strip-debug -o build/hot-path/libshortinterest.so.1 .build-release/release/libshortinterest.so

# Remakes hot-path.order from the library as built now (commit the file),
# profiled by scripts/hot_path_order.py, and relinks `make lib`'s library
# in the new order.
hot-path-order: bench hot-path-lib
	$(PYTHON) scripts/hot_path_order.py build/hot-path hot-path.order
	$(MAKE) lib

# Fails when hot-path.order names a function the library no longer defines
# (renamed or removed: the linker would leave it out of the packed hot path
# without a word).
test-hot-path-order: hot-path-lib
	$(PYTHON) scripts/hot_path_order.py --check build/hot-path hot-path.order

clean:
	rm -rf .build .build-release .build-tsan .build-asan .build-fuzz build
