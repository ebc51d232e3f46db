#!/usr/bin/env bash
# Regenerates Sources/OpenDProtocol/Generated from proto/*.proto.
# The output is committed, so ordinary builds need neither protoc nor this script
# (SwiftPM's protobuf plugin would add about 9 minutes to every clean build).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null; then
    apt-get install -y protobuf-compiler
fi

# protoc-gen-swift must come from the same swift-protobuf as the runtime (1.39.0).
swift package resolve
plugin_src=.build/checkouts/swift-protobuf
swift build -c release --package-path "$plugin_src" --scratch-path .build-protoc --product protoc-gen-swift
plugin="$(swift build -c release --package-path "$plugin_src" --scratch-path .build-protoc --show-bin-path)/protoc-gen-swift"

out=Sources/OpenDProtocol/Generated
rm -rf "$out" && mkdir -p "$out"
protoc --plugin=protoc-gen-swift="$plugin" \
       --swift_out="$out" --swift_opt=Visibility=Public \
       --proto_path=proto proto/*.proto
echo "generated: $(ls "$out" | tr '\n' ' ')"
