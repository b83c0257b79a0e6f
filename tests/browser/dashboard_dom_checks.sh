#!/bin/sh
# The checks of a rendered dashboard.html, shared by every browser test so they cannot drift:
# dashboard_browser_check.sh (Chromium's --dump-dom) and dashboard_firefox_check.sh (Firefox's
# DOM, written by firefox_dump_dom.mjs). The page is tst_dashboard's writeSampleForBrowser sample.
#
# usage: dashboard_dom_checks.sh <rendered DOM as HTML> [light|dark]
#   light|dark: the colour scheme the browser was asked for (default light); the page must say it
#   drew in it.
# Prints one line per check. Exit 0: all pass, 1: at least one failed.
set -u
dom="$1"
scheme="${2:-light}"
if [ ! -s "$dom" ]; then
    echo "FAIL: the browser wrote no DOM"; exit 1
fi

fail=0
check() { # description, grep -E pattern, expected count (or "+" for at least one)
    n=$(grep -oE "$2" "$dom" | wc -l)
    if [ "$3" = "+" ]; then ok=$([ "$n" -ge 1 ] && echo 1 || echo 0); else ok=$([ "$n" -eq "$3" ] && echo 1 || echo 0); fi
    if [ "$ok" = 1 ]; then echo "ok   $1 ($n)"; else echo "FAIL $1: found $n, expected $3"; fail=1; fi
}
check "render status ok" '<div id="render-status" data-status="ok"[^>]*>ok<' 1
check "CT section" 'data-table-id="CT_Analysis"' 1
check "TUS section" 'data-table-id="TUS_Analysis"' 1
check "time-series charts drawn (one canvas each)" '<canvas' 2
check "legend entries (x + 3 series per chart)" 'class="u-series' 8
check "bar chart drawn" '<rect[^>]*class="bar' 3
check "negative bar" 'class="bar negative"' 1
check "long table paged" 'Show all 450 rows' 1
check "hostile column shown as text" '&lt;script&gt;alert\(1\)&lt;/script&gt;' +
check "no injected image element" '<img' 0
check "no error notice" '<div id="render-status" data-status="error"' 0
check "drawn in the $scheme theme" "<div id=\"render-status\" data-status=\"ok\"[^>]* data-theme=\"$scheme\"" 1
check "KPI cards first, before any table" '<section id="kpis" class="kpis"[^>]*>(<div class="kpi tone-[a-z]+">(<div class="kpi-[a-z]+( longe?r?)?">[^<]*</div>)+</div>)+</section><section' 1
check "KPI cards in every tone" 'class="kpi tone-(good|bad|neutral)"' 4
check "hostile KPI label shown as text" '<div class="kpi-label">&lt;script&gt;alert\(1\)&lt;/script&gt;</div>' 1
check "provenance closed until asked for" '<details id="provenance" class="card provenance"><summary>' 1
check "row accounting in the quality section" 'rows read = <strong>990</strong> used' 1
check "time-series charts" 'data-chart-kind="timeseries"' 2
exit $fail
