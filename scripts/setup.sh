#!/usr/bin/env bash
# Installs what building and testing need on a fresh machine of this project's
# kind (Debian with Swift at /opt/swift). Safe to run again: it skips what is there.
set -euo pipefail

missing=()
for pkg in libjansson-dev pkg-config valgrind libasan8 libssl-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null && [ -x /opt/swift/usr/bin/swift ]; then
    echo "setup: add /opt/swift/usr/bin to PATH" >&2
fi
