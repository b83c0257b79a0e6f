#!/usr/bin/env bash
# Builds finpipe and runs its main job on the bundled sample with the offline defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev

sample="samples/station_readings.csv"
exec build/dev/src/cli/finpipe-cli analyze "$sample" --out build/dev/station_readings_results
