#!/bin/sh
# Has tst_dashboard write its browser sample (writeSampleForBrowser) to <html>: the page every
# browser check opens.
#
# usage: write_sample_dashboard.sh <path to tst_dashboard> <html to write>
# Exit 0: written, 1: tst_dashboard failed (its log is printed).
set -u
tst="$1"
html="$2"
log="$html.log"
FINPIPE_DASHBOARD_SAMPLE="$html" QT_QPA_PLATFORM=offscreen "$tst" writeSampleForBrowser >"$log" 2>&1
if [ ! -s "$html" ]; then
    echo "FAIL: tst_dashboard did not write the sample dashboard"; cat "$log"; exit 1
fi
rm -f "$log"
