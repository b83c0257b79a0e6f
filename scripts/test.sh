#!/usr/bin/env bash
# Builds finpipe with warnings as errors and runs the whole test suite.
# Usage: scripts/test.sh [extra ctest arguments, e.g. -L core]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci

# App tests need a display: give them a virtual one.
runner=()
if command -v xvfb-run >/dev/null 2>&1; then
    runner=(xvfb-run -a -s "-screen 0 1600x1000x24")
fi
"${runner[@]}" ctest --preset ci -j2 "$@"
