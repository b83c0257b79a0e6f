#!/usr/bin/env bash
# Builds finpipe and runs its main job on the bundled sample with the offline defaults:
# the desktop app opens on the sample when a display is available; otherwise finpipe-cli analyses
# it and prints where the results (tables, audit lineage, data quality, dashboard.html) went.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev

sample="samples/station_readings.csv"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    # QtWebEngine's sandbox cannot run as root; as a normal user it stays on.
    if [ "$(id -u)" -eq 0 ]; then
        export QTWEBENGINE_DISABLE_SANDBOX=1
    fi
    exec build/dev/src/app/finpipe "$sample"
fi
echo "finpipe: no display found; analysing the sample with finpipe-cli instead." >&2
exec build/dev/src/cli/finpipe-cli analyze "$sample" --out build/dev/station_readings_results
