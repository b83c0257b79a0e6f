#!/usr/bin/env bash
# Installs every Debian 12 package that building, running and testing finpipe needs.
# Idempotent: installs only what is missing. Runs as root, or through sudo.
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config file dpkg-dev python3 git ca-certificates procps
    qt6-base-dev qt6-webengine-dev qt6-charts-dev qt6-svg-dev libqt6sql6-sqlite libgl-dev
    qcoro-qt6-dev qtkeychain-qt6-dev libminizip-dev libxlsxwriter-dev libpq-dev libssl-dev
    postgresql-15 xvfb xauth dbus gnome-keyring
    # The package's test (installer/test-deb.sh): screenshots, window list, the .desktop check.
    imagemagick x11-utils desktop-file-utils
    # Cloud tests: real S3 (OpenStack Swift with s3api) beside PostgreSQL (scripts/cloud-servers.sh).
    swift swift-proxy swift-object swift-container swift-account memcached curl openssl
    # Tests: the dashboard is opened in real headless browsers.
    chromium firefox-esr
)
# The dashboard's chart library comes from the npm registry at build time.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi
echo "finpipe: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
