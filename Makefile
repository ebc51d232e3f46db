# shortinterest: `make demo` runs the main job, `make test` runs every test.
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: all setup demo test test-swift clean

all: demo

setup:
	./scripts/setup.sh

test: setup test-swift

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build build
