#!/usr/bin/env bash
# Regenerates Sources/KubeProtobuf/Generated/*.pb.swift from Protos/k8s/*.proto. Run by hand
# after changing a .proto; the output is committed and neither CI nor `swift build` runs this.
#
# Needs protoc (Debian: apt-get install protobuf-compiler; 3.21 was used) and protoc-gen-swift
# of the swift-protobuf version in Package.swift (1.39.0), built once from its source:
#   git clone https://github.com/apple/swift-protobuf.git /tmp/swift-protobuf-src
#   git -C /tmp/swift-protobuf-src checkout 1.39.0
#   (cd /tmp/swift-protobuf-src && swift build -c release --product protoc-gen-swift)
# PROTOC_GEN_SWIFT may point at the plugin; the default is that build's output.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PLUGIN="${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf-src/.build/release/protoc-gen-swift}"
[ -x "$PLUGIN" ] || { echo "protoc-gen-swift not found at $PLUGIN (see the comment above)" >&2; exit 1; }
OUT="$ROOT/Sources/KubeProtobuf/Generated"
rm -f "$OUT"/*.pb.swift
mkdir -p "$OUT"
protoc --plugin=protoc-gen-swift="$PLUGIN" --proto_path="$ROOT/Protos/k8s" \
  --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath --swift_out="$OUT" \
  "$ROOT"/Protos/k8s/*.proto
echo "generated: $(ls "$OUT")"
