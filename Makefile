# shortinterest: `make demo` runs the main job, `make test` runs every test.
SWIFT ?= swift
PYTHON ?= python3
PREFIX ?= /usr/local
SOVERSION := 1
VERSION := 1.0.0

# Release builds link the Swift runtime into each artifact, so users need no
# Swift installed (-static-stdlib at compile and link time, see
# ../shared/guides/swift-c-abi.md). They get their own scratch folder so that
# debug builds and `swift test` keep theirs.
RELEASE := $(SWIFT) build -c release --scratch-path .build-release -Xswiftc -static-stdlib
LIB_LINK := -Xlinker --version-script=$(CURDIR)/exports.map -Xlinker -soname=libshortinterest.so.$(SOVERSION) \
            -Xlinker --strip-all -Xlinker -z -Xlinker defs

.PHONY: all setup python-setup lib cli demo test test-swift test-c test-python clean install

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

test: setup test-swift test-c test-python

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-c: lib cli
	./bindings/c/tests/run.sh

test-python: python-setup lib cli
	$(PYTHON) -m pytest bindings/python/tests -q

clean:
	rm -rf .build .build-release build

# A short libFuzzer run of every target, in `make test` (scripts/fuzz.sh;
# the long runs are in RELIABILITY.md). Kept in its own lines, prerequisites
# added to `test` and `clean` here, so the lines above stay as they were.
.PHONY: test-fuzz clean-fuzz
test: test-fuzz
clean: clean-fuzz

test-fuzz:
	./scripts/fuzz.sh all 60

clean-fuzz:
	rm -rf .build-fuzz
