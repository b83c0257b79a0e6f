#!/usr/bin/env bash
# Builds the Debian package from the ci build folder, installs it with apt on this machine, uses
# what it installed (finpipe-cli analyze on a sample at a path with spaces and non-ASCII letters,
# the app under Xvfb with a screenshot checked to be not blank and a second start handing its
# file over, the worker under plain supervision), then purges it and checks nothing is left in
# /usr. Needs root (apt) and the ci preset's build (scripts/test.sh makes it).
# Usage: installer/test-deb.sh [SCREENSHOT.png]   (default build/ci/packages/installed-app.png)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shot=${1:-$repo/build/ci/packages/installed-app.png}
say() { echo "== deb: $*"; }
fail() { echo "deb test FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs and purges a package)"
export DEBIAN_FRONTEND=noninteractive

say "building the package from build/ci"
cmake --preset ci >/dev/null
cmake --build --preset ci --target finpipe finpipe-cli finpipe-worker finpipe_manpages
rm -f build/ci/packages/finpipe_*.deb
(cd build/ci && cpack -G DEB >/dev/null)
debs=(build/ci/packages/finpipe_*_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one finpipe_<version>_<arch>.deb, found: ${debs[*]}"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg-deb -f "$deb" Architecture)
[ "$(basename "$deb")" = "finpipe_${version}_${arch}.deb" ] || fail "package name $(basename "$deb")"
say "$(basename "$deb"): $(stat -c %s "$deb") bytes"

installed_status() { dpkg-query -W -f='${Status}' finpipe 2>/dev/null || true; }
if [ "$(installed_status)" = "install ok installed" ]; then
    apt-get purge -y -qq finpipe >/dev/null
fi
say "apt-get install ./$deb"
apt-get install -y -qq "./$deb" >/dev/null
[ "$(installed_status)" = "install ok installed" ] || fail "finpipe is not installed"
installed=$(mktemp)
dpkg -L finpipe >"$installed"

say "installed files"
for f in /usr/bin/finpipe /usr/bin/finpipe-cli /usr/bin/finpipe-worker \
         /usr/share/applications/finpipe.desktop /usr/share/icons/hicolor/scalable/apps/finpipe.svg \
         /usr/share/man/man1/finpipe-cli.1.gz /usr/share/man/man1/finpipe-worker.1.gz \
         /usr/lib/systemd/system/finpipe-worker.service /usr/share/finpipe/rules/bank_transactions.json; do
    grep -qxF "$f" "$installed" || fail "$f is not in the package"
    [ -e "$f" ] || fail "$f was not installed"
done
grep -q '^MimeType=.*text/csv;.*application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;' \
    /usr/share/applications/finpipe.desktop || fail "the .desktop entry does not claim CSV and XLSX"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate /usr/share/applications/finpipe.desktop
fi
# The man pages were written from --help at build time: each option of the worker is in its page.
for option in --concurrency --lease --once; do
    grep -qF -- "${option//-/\\-}" <(zcat /usr/share/man/man1/finpipe-worker.1.gz) \
        || fail "finpipe-worker's man page lacks $option"
done
grep -qxF '.SS finpipe\-cli analyze' <(zcat /usr/share/man/man1/finpipe-cli.1.gz) \
    || fail "finpipe-cli's man page lacks the analyze command"
# The worker's service: installed, not enabled, settings only in a file that root alone reads.
[ "$(stat -c '%a %U %G' /etc/finpipe/worker.env)" = "600 root root" ] \
    || fail "/etc/finpipe/worker.env is $(stat -c '%a %U %G' /etc/finpipe/worker.env), not 600 root root"
grep -q '^EnvironmentFile=/etc/finpipe/worker.env$' /usr/lib/systemd/system/finpipe-worker.service \
    || fail "the unit does not read /etc/finpipe/worker.env"
if grep -qE '^Environment=.*FINPIPE_' /usr/lib/systemd/system/finpipe-worker.service; then
    fail "the unit sets a FINPIPE_ setting itself"
fi
[ ! -e /etc/systemd/system/multi-user.target.wants/finpipe-worker.service ] || fail "the worker was enabled"
if command -v systemd-analyze >/dev/null 2>&1; then
    # Every directive known to this systemd (a missing `man` program is not the unit's fault).
    problems=$(systemd-analyze verify /usr/lib/systemd/system/finpipe-worker.service 2>&1 | grep -v "Command 'man " || true)
    [ -z "$problems" ] || fail "systemd-analyze verify: $problems"
fi

say "--version"
for program in finpipe finpipe-cli finpipe-worker; do
    text=$(env -u DISPLAY "/usr/bin/$program" --version) || fail "$program --version failed"
    echo "$text" | sed 's/^/   /'
    grep -qE "^$program( \(finpipe\))? $version$" <<<"${text%%$'\n'*}" || fail "$program --version: first line"
    grep -qE '^commit ([0-9a-f]{12}(-dirty)?|unknown)$' <<<"$text" || fail "$program --version: no commit line"
    grep -qE '^Qt 6\.' <<<"$text" || fail "$program --version: no Qt line"
done

work=$(mktemp -d)
app_pid=""
cleanup() {
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
        kill "$app_pid" 2>/dev/null || true
    fi
    rm -rf "$work" "$installed"
}
trap cleanup EXIT
owner="$work/Zoë Müller"
mkdir -p "$owner"
cp samples/station_readings.csv "$owner/Q3 sales.csv"

say "installed finpipe-cli analyze on a file in \"Zoë Müller\""
/usr/bin/finpipe-cli analyze "$owner/Q3 sales.csv" --out "$owner/Q3 résultats" --quiet \
    || fail "finpipe-cli analyze exited $?"
/usr/bin/finpipe-cli verify "$owner/Q3 résultats" >/dev/null || fail "the results do not match their manifest"
ls "$owner/Q3 résultats" | sed 's/^/   /'
[ -s "$owner/Q3 résultats/dashboard.html" ] || fail "no dashboard"

say "installed finpipe under Xvfb"
mkdir -p "$work/home" "$work/runtime"
chmod 700 "$work/runtime"
store="$work/home/.local/share/finpipe/finpipe/jobs.sqlite"
cat >"$work/jobs.py" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, timeout=5)
for path, state in db.execute(
        "SELECT j.input_path, r.state FROM jobs j JOIN runs r ON r.job_id = j.id "
        "WHERE r.number = (SELECT MAX(number) FROM runs WHERE job_id = j.id) ORDER BY j.id"):
    print(f"{state}\t{path}")
PY
# Another file than the one handed over later (the same bytes twice would ask about the duplicate).
head -n -1 samples/station_readings.csv >"$work/first.csv"
cat >"$work/app.sh" <<'SH'
#!/usr/bin/env bash
# Runs inside xvfb-run: the app, a second start handing over a file, a screenshot.
set -euo pipefail
work=$1 shot=$2 store=$3
jobs() { python3 "$work/jobs.py" "$store" 2>/dev/null || true; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local limit=$1 what=$2; shift 2
    for ((i = 0; i < limit * 5; i++)); do "$@" && return 0; sleep 0.2; done
    echo "deb test FAILED: $what" >&2; return 1
}
/usr/bin/finpipe "$work/first.csv" >"$work/app.log" 2>&1 &
echo $! >"$work/app.pid"
wait_for 60 "the app's window did not appear" bash -c 'xwininfo -root -tree | grep -q "\"finpipe"'
wait_for 90 "the app did not finish the file it was started with" \
    bash -c "python3 '$work/jobs.py' '$store' 2>/dev/null | grep -q '^succeeded	$work/first.csv\$'"
# Opening a file from the file manager while the app runs: the second start hands it over.
start=$(date +%s)
timeout 20 /usr/bin/finpipe "$work/Zoë Müller/Q3 sales.csv" >"$work/second.log" 2>&1 \
    || { cat "$work/second.log" >&2; echo "deb test FAILED: the second start did not hand its file over" >&2; exit 1; }
echo "   second start handed its file over and exited after $(($(date +%s) - start)) s"
wait_for 90 "the running app did not open the file handed over" \
    bash -c "python3 '$work/jobs.py' '$store' 2>/dev/null | grep -q '^succeeded	$work/Zoë Müller/Q3 sales.csv\$'"
jobs | sed 's/^/   /'
sleep 3 # the dashboard draws
import -window root "$shot"
# Every library the app and its WebEngine helpers have loaded by now (plugins included).
app=$(cat "$work/app.pid")
for pid in "$app" $(pgrep -P "$app" || true); do
    cat "/proc/$pid/maps" 2>/dev/null || true
done | awk '$6 ~ /\.so/ {print $6}' | sort -u >"$work/loaded.txt"
SH
chmod +x "$work/app.sh"
if [ "$(id -u)" -eq 0 ]; then
    export QTWEBENGINE_DISABLE_SANDBOX=1 # Chromium's sandbox refuses root
fi
HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" XDG_CONFIG_HOME="$work/home/.config" \
XDG_DATA_HOME="$work/home/.local/share" QTWEBENGINE_CHROMIUM_FLAGS="--disable-gpu" \
    timeout 300 xvfb-run -a -s "-screen 0 1400x900x24" "$work/app.sh" "$work" "$shot" "$store" \
    || { sed 's/^/   app: /' "$work/app.log" | tail -20 >&2; fail "the installed app"; }
app_pid=$(cat "$work/app.pid")
colours=$(identify -format %k "$shot")
size=$(identify -format '%wx%h' "$shot")
say "screenshot $shot: $size, $colours colours"
[ "$colours" -ge 200 ] || fail "the screenshot looks blank ($colours colours)"
if kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid" 2>/dev/null || true
fi

say "every library the app loaded comes with the package's dependencies"
# dpkg-shlibdeps sees only what is linked; plugins and dlopen()ed libraries must be named in
# Depends. Each loaded file's package must be in the installed dependency closure of finpipe.
closure=$(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances finpipe 2>/dev/null | grep -v '^ ' | sed 's/:.*//' | sort -u)
missing=""
while IFS= read -r so; do
    owner=$(dpkg -S "$so" 2>/dev/null || dpkg -S "${so#/usr}" 2>/dev/null || true)
    owner=${owner%%:*}
    [ -n "$owner" ] || continue # not from a package (none expected; nothing to depend on)
    grep -qxF "$owner" <<<"$closure" || missing+=" $owner($(basename "$so"))"
done <"$work/loaded.txt"
echo "   $(wc -l <"$work/loaded.txt") libraries loaded, $(grep -c /plugins/ "$work/loaded.txt") of them Qt plugins"
[ -z "$missing" ] || fail "loaded at run time but not in the package's dependencies:$missing"

say "installed finpipe-worker under plain supervision"
# The settings file as installed (every line commented out) gives the worker nothing: it must stop
# at once, naming the missing setting, with the settings exit code 2 (the unit does not restart it).
set +e
env -i PATH=/usr/bin:/bin $(grep -E '^[A-Z_]+=' /etc/finpipe/worker.env) \
    timeout 5 /usr/bin/finpipe-worker 2>"$work/worker.log"
code=$?
set -e
sed 's/^/   /' "$work/worker.log"
[ "$code" -eq 2 ] || fail "the worker without settings exited $code, not 2"
grep -q '"message":"FINPIPE_DATABASE_URL is not set"' "$work/worker.log" || fail "the worker did not name the missing setting"
# With its settings but no database to reach, it runs (trying to connect) or stops with exit 8; a
# SIGTERM after a second must end it cleanly.
set +e
env -i PATH=/usr/bin:/bin FINPIPE_DATABASE_URL="postgresql://finpipe@127.0.0.1:9/finpipe?connect_timeout=2" \
    FINPIPE_S3_ENDPOINT=http://127.0.0.1:9 FINPIPE_S3_REGION=us-east-1 FINPIPE_S3_BUCKET=finpipe \
    FINPIPE_S3_ACCESS_KEY=unused FINPIPE_S3_SECRET_KEY=unused FINPIPE_S3_PATH_STYLE=true \
    /usr/bin/finpipe-worker 2>"$work/worker.log" &
worker_pid=$!
sleep 1
if kill -0 "$worker_pid" 2>/dev/null; then
    kill -TERM "$worker_pid"
    for ((i = 0; i < 50; i++)); do
        kill -0 "$worker_pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$worker_pid" 2>/dev/null; then
        kill -KILL "$worker_pid"
        fail "the worker did not stop within 10 s of SIGTERM"
    fi
fi
wait "$worker_pid"
code=$?
set -e
tail -3 "$work/worker.log" | sed 's/^/   /'
case $code in
    0 | 8) echo "   worker with an unreachable database: exit $code" ;;
    *) fail "the worker with an unreachable database exited $code" ;;
esac

say "apt-get purge finpipe"
apt-get purge -y -qq finpipe >/dev/null
left=0
while IFS= read -r path; do
    case $path in /usr/*) ;; *) continue ;; esac
    [ -d "$path" ] && continue # shared folders (/usr/share/man/man1…) stay
    if [ -e "$path" ]; then echo "   left behind: $path" >&2; left=1; fi
done <"$installed"
for path in /usr/share/finpipe /usr/share/doc/finpipe /etc/finpipe; do
    if [ -e "$path" ]; then echo "   left behind: $path" >&2; left=1; fi
done
stray=$(find /usr -xdev -iname '*finpipe*' 2>/dev/null | head)
if [ -n "$stray" ]; then echo "   left behind: $stray" >&2; left=1; fi
[ "$left" -eq 0 ] || fail "files were left behind after the purge"
say "passed: built, installed, used and purged $(basename "$deb")"
