#!/usr/bin/env bash
# The dashboard in a real browser: builds edgeai and runs dashboard_browser.py (headless
# chromium through chromium-driver) against `edgeai up --demo` and a second agent.
# Needs Debian's chromium and chromium-driver and PyPI selenium (.ci/run installs them).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
fail() { echo "dashboard: FAIL: $*" >&2; exit 1; }
command -v chromium >/dev/null 2>&1 || fail "chromium is not installed (apt-get install chromium chromium-driver)"
command -v chromedriver >/dev/null 2>&1 || fail "chromedriver is not installed (apt-get install chromium-driver)"
python3 -c 'import selenium' 2>/dev/null || fail "selenium is not installed (pip install selenium)"
echo "dashboard: building edgeai (debug)"
swift build --product edgeai >/tmp/edgeai-dashboard-build.log 2>&1 || { tail -40 /tmp/edgeai-dashboard-build.log; fail "swift build"; }
EDGEAI_BIN="$(swift build --product edgeai --show-bin-path)/edgeai" timeout 600 python3 "$HERE/dashboard_browser.py"
