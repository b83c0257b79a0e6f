#!/usr/bin/env bash
# Runs a command with a real, unlocked, throw-away system keychain: a private D-Bus session bus
# (dbus-run-session) with gnome-keyring-daemon's Secret Service on it, unlocked with a random
# password that nobody keeps. Everything stored in it goes when the command ends.
# Usage: scripts/with-keyring.sh <command> [arguments...]
# Needs dbus (dbus-run-session) and gnome-keyring (scripts/install-deps.sh installs both).
set -euo pipefail
if [ $# -eq 0 ]; then
    echo "usage: $0 <command> [arguments...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool is missing (scripts/install-deps.sh installs it)" >&2
        exit 127
    fi
done
# The keyring's files go into a folder of its own, not into the user's home.
keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/finpipe-keyring.XXXXXX")"
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# The keyring daemon leaves when its session bus closes, at the end of dbus-run-session.
status=0
dbus-run-session -- bash -c '
    set -euo pipefail
    pw="$(head -c 24 /dev/urandom | base64)"
    # --unlock reads the new login keyring'"'"'s password on stdin and creates it unlocked.
    printf "%s" "$pw" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    unset pw
    # The daemon registers its D-Bus name shortly after it forks: wait for it.
    for _ in $(seq 1 50); do
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
               org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
            break
        fi
        sleep 0.1
    done
    exec "$@"
' bash "$@" || status=$?
exit "$status"
