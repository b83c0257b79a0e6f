#!/bin/sh
# Opens tst_dashboard's sample dashboard in headless Chromium and checks that the page's script
# drew everything: render status "ok", a section per station, one canvas per time-series chart,
# SVG bar charts, the "show all" button of the long table, and that hostile text stayed text.
# The checks live in tests/browser/dashboard_dom_checks.sh, shared with the Firefox check.
#
# usage: dashboard_browser_check.sh <path to tst_dashboard> [screenshot.png]
# Exit 0: pass, 1: fail, 77: skipped (no Chromium on this machine).
set -u
tst="$1"
shot="${2:-}"
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
if [ -z "$browser" ]; then
    echo "SKIP: no Chromium found"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
html="$work/dashboard.html"
sh "$(dirname "$0")/../browser/write_sample_dashboard.sh" "$tst" "$html" || exit 1

run_browser() {
    # No network, no first-run or background services: the page must stand on its own.
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --no-default-browser-check \
        --user-data-dir="$work/profile" --window-size=1400,2000 --virtual-time-budget=5000 \
        "$@" "file://$html"
}
run_browser --dump-dom >"$work/dom.html" 2>"$work/browser.log"
dom="$work/dom.html"

echo "--- light (the system's default)"
sh "$(dirname "$0")/../browser/dashboard_dom_checks.sh" "$dom" light
fail=$?
# The system asks for dark (prefers-color-scheme): the same page, the same checks, drawn dark.
echo "--- dark (prefers-color-scheme: dark)"
run_browser --force-dark-mode --dump-dom >"$work/dom-dark.html" 2>>"$work/browser.log"
sh "$(dirname "$0")/../browser/dashboard_dom_checks.sh" "$work/dom-dark.html" dark || fail=1

if [ -n "$shot" ]; then
    run_browser --hide-scrollbars --screenshot="$shot" >/dev/null 2>&1
    run_browser --force-dark-mode --hide-scrollbars --screenshot="${shot%.png}-dark.png" >/dev/null 2>&1
    echo "screenshots: $shot ${shot%.png}-dark.png"
fi
if [ "$fail" != 0 ]; then
    echo "--- browser log"; grep -v -i 'dbus\|fontconfig' "$work/browser.log" | tail -20
fi
exit $fail
