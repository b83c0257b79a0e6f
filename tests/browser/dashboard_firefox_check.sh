#!/bin/sh
# Opens tst_dashboard's sample dashboard in the system's headless Firefox (driven over WebDriver
# BiDi by firefox_dump_dom.mjs) and runs the same checks as the Chromium test on the rendered
# DOM (dashboard_dom_checks.sh). Also fails when the page asks the network for anything.
#
# usage: dashboard_firefox_check.sh <path to tst_dashboard> <npm dir> [screenshot.png]
#   <npm dir>: a build-tree folder where the pinned puppeteer-core (package-lock.json here) is
#   installed with `npm ci` on first use and whenever the lock file changes.
# Exit 0: pass, 1: fail, 77: skipped (no Firefox, Node.js or npm on this machine).
set -u
tst="$1"
npmdir="$2"
shot="${3:-}"

firefox=""
for b in firefox-esr firefox; do
    if command -v "$b" >/dev/null 2>&1; then firefox=$(command -v "$b"); break; fi
done
if [ -z "$firefox" ]; then
    echo "SKIP: no Firefox found (Debian: apt-get install firefox-esr)"
    exit 77
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIP: Node.js or npm not found"
    exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)

# puppeteer-core, pinned and integrity-checked by package-lock.json; it downloads no browser.
if [ ! -f "$npmdir/npm-ci.stamp" ] || ! cmp -s "$here/package-lock.json" "$npmdir/package-lock.json" \
    || ! cmp -s "$here/package.json" "$npmdir/package.json"; then
    mkdir -p "$npmdir" && rm -f "$npmdir/npm-ci.stamp"
    cp "$here/package.json" "$here/package-lock.json" "$npmdir/" || exit 1
    if ! (cd "$npmdir" && npm ci --no-audit --no-fund --ignore-scripts --prefer-offline --loglevel=error); then
        echo "FAIL: npm ci of the browser driver (tests/browser/package-lock.json) failed"; exit 1
    fi
    touch "$npmdir/npm-ci.stamp"
fi
# Node resolves an ES module's imports from its own folder: run the driver next to node_modules.
cp "$here/firefox_dump_dom.mjs" "$npmdir/" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
html="$work/dashboard.html"
sh "$here/write_sample_dashboard.sh" "$tst" "$html" || exit 1

# Firefox wants a writable home for its caches; keep it out of the user's.
HOME="$work" timeout 120 node "$npmdir/firefox_dump_dom.mjs" "$firefox" "$html" "$work/dom.html" ${shot:+"$shot"} \
    2>"$work/browser.log"
driver=$?
echo "browser: $("$firefox" --version 2>/dev/null)"

echo "--- light (prefers-color-scheme: light)"
sh "$here/dashboard_dom_checks.sh" "$work/dom.html" light
fail=$?
if [ "$driver" != 0 ]; then
    echo "FAIL firefox driver exited with $driver"; fail=1
fi
# The same page when the system asks for dark: the same checks, drawn dark.
echo "--- dark (prefers-color-scheme: dark)"
FINPIPE_COLOR_SCHEME=dark HOME="$work" timeout 120 node "$npmdir/firefox_dump_dom.mjs" "$firefox" "$html" \
    "$work/dom-dark.html" ${shot:+"${shot%.png}-dark.png"} 2>>"$work/browser.log" || {
    echo "FAIL firefox driver (dark) failed"; fail=1
}
sh "$here/dashboard_dom_checks.sh" "$work/dom-dark.html" dark || fail=1
if [ -n "$shot" ] && [ -s "$shot" ]; then
    echo "screenshot: $shot"
fi
if [ "$fail" != 0 ] || [ -s "$work/browser.log" ]; then
    echo "--- browser log"; tail -20 "$work/browser.log"
fi
exit $fail
