#!/usr/bin/env bash
# Renders the coaching dashboard (plans/coaching) in headless Chromium: DOM assertions on
# what the page shows, a screenshot at a laptop's size, and a PDF through the print CSS.
# Usage: tests/browser/check-dashboard.sh [--screenshot FILE.png]
#   (IGNITION_BIN overrides the binary; needs chromium)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN=${IGNITION_BIN:-target/debug/ignition}
SHOT=""
if [ "${1:-}" = "--screenshot" ]; then
  SHOT=${2:?--screenshot needs a file}
fi
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  echo "dashboard check: chromium is not installed (apt-get install -y chromium)" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$BIN" dashboard plans/coaching/plan.plan --data plans/coaching/data \
  --period 2026-03-23 --manager m1 -o "$out/m1.html" 2>/dev/null
# The flags keep Chromium off the network (this machine has none) and out of the user's profile.
chrome() {
  "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$out/profile" --hide-scrollbars "$@" 2>>"$out/chrome.log"
}
chrome --virtual-time-budget=2000 --dump-dom "file://$out/m1.html" > "$out/dom.html"
check() {
  if ! grep -qF -- "$1" "$out/dom.html"; then
    echo "dashboard check: the rendered page does not show: $1" >&2
    exit 1
  fi
}
check "Coaching dashboard: team of m1 (Alice Martin)"     # the title
check '<b id="period">2026-03-23</b>'                      # the period shown
check '<span id="count">5</span> reps'                     # m1's five reps, not m2's
check '<caption>activity</caption>'                        # the three families
check '<caption>result</caption>'
check '<caption>quality</caption>'
check '✖ red</span>'                                       # status in words, not colour alone
check '<svg class="spark"'                                 # a trend per KPI
check 'href="#how-win_rate"'                               # a figure links to its KPI's definition
check 'id="how-win_rate"'
check 'Below target, worst first'                          # the gaps of a rep below target
check 'scorecard coaching_score <b>'                       # each rep's scorecard score
check '<li>deals_won: -7,000.00</li><li>avg_deal: 6,000.00</li>' # r03's bookings gap by driver
# r02, r04 and r05 have the most red KPIs (6) on this week's data; r02 the most amber of
# them (5): first; m2's reps are not on the page.
first=$(grep -o 'id="rep-[a-z0-9]*"' "$out/dom.html" | head -n 1)
if [ "$first" != 'id="rep-r02"' ]; then
  echo "dashboard check: the first rep is $first, expected r02 (most red, then amber)" >&2
  exit 1
fi
if grep -qF 'id="rep-r06"' "$out/dom.html"; then
  echo "dashboard check: m2's rep r06 is on m1's page" >&2
  exit 1
fi
# Every section is in attention order: red counts never rise down the page.
grep -o 'data-red="[0-9]*"' "$out/dom.html" | tr -dc '0-9\n' | awk 'NR > 1 && $1 > prev { bad = 1 } { prev = $1 } END { exit bad }' || {
  echo "dashboard check: reps are not in attention order (red counts rise)" >&2
  exit 1
}
# Printable: the print CSS gives a PDF.
chrome --print-to-pdf="$out/m1.pdf" --no-pdf-header-footer "file://$out/m1.html"
if [ ! -s "$out/m1.pdf" ]; then
  echo "dashboard check: printing to PDF gave nothing" >&2
  exit 1
fi
# A laptop's screen.
chrome --window-size=1366,800 --screenshot="$out/m1.png" "file://$out/m1.html"
if [ ! -s "$out/m1.png" ]; then
  echo "dashboard check: no screenshot" >&2
  exit 1
fi
if [ -n "$SHOT" ]; then
  cp "$out/m1.png" "$SHOT"
fi
echo "dashboard check: ok ($(grep -c '<section class="rep' "$out/dom.html") reps, $(grep -c '<svg class="spark"' "$out/dom.html") trends, PDF $(wc -c < "$out/m1.pdf") bytes)"
