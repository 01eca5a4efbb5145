#!/bin/sh
# The image's build step (the Dockerfile's build stage runs exactly this): `edgeai` in release
# mode with the Swift standard library and Foundation linked in, stripped, installed at $1.
#   deploy/build-static.sh /out/edgeai
# Runs on any Linux machine with a Swift 6 toolchain and libsqlite3-dev; takes several minutes.
set -eu
out="${1:?usage: deploy/build-static.sh OUTPUT-PATH}"
swift build -c release --product edgeai --static-swift-stdlib
bin="$(swift build -c release --product edgeai --static-swift-stdlib --show-bin-path)/edgeai"
install -D -m 0755 "$bin" "$out"
strip "$out"
# The one binary needs only the C library and SQLite from the base image.
if command -v ldd >/dev/null 2>&1; then
  if ldd "$out" | grep -q 'libswift\|libFoundation'; then
    echo "build-static.sh: $out links a shared Swift library" >&2
    exit 1
  fi
fi
echo "build-static.sh: wrote $out"
