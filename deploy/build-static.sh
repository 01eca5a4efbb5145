#!/bin/sh
# The image's build step (the Dockerfile's build stage runs exactly this): `edgeai` and the lean
# `edgeai-node` (what the DaemonSet runs) in release mode with the Swift standard library and
# Foundation linked in, stripped, installed in the directory $1.
#   deploy/build-static.sh /out
# Runs on any Linux machine with a Swift 6 toolchain and libsqlite3-dev; takes several minutes.
# SCRATCH (default .build) is the build directory, as `swift build --scratch-path`.
set -eu
out="${1:?usage: deploy/build-static.sh OUTPUT-DIRECTORY}"
scratch="${SCRATCH:-.build}"
for product in edgeai edgeai-node; do
  swift build -c release --product "$product" --static-swift-stdlib --scratch-path "$scratch"
done
bin="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)"
for product in edgeai edgeai-node; do
  install -D -m 0755 "$bin/$product" "$out/$product"
  strip "$out/$product"
  # Each binary needs only the C library and SQLite from the base image.
  if command -v ldd >/dev/null 2>&1; then
    if ldd "$out/$product" | grep -q 'libswift\|libFoundation'; then
      echo "build-static.sh: $out/$product links a shared Swift library" >&2
      exit 1
    fi
  fi
  echo "build-static.sh: wrote $out/$product"
done
