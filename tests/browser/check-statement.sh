#!/usr/bin/env bash
# issue 10, statements: renders a pay statement in headless Chromium and checks what the page
# shows. Usage: tests/browser/check-statement.sh [--screenshot FILE.png]
# (IGNITION_BIN overrides the binary; needs chromium)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN=${IGNITION_BIN:-target/debug/ignition}
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  echo "statement browser check: chromium is not installed (apt-get install -y chromium)" >&2
  exit 1
fi
shot=""
if [ "${1:-}" = "--screenshot" ]; then shot=${2:?--screenshot needs a file}; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$BIN" statement plans/field-sales/plan.plan --data plans/field-sales/data \
  --period 2026-Q1 --participant r01 -o "$out/st" -q 2>/dev/null
page="$out/st/r01_2026-Q1.html"
[ -f "$page" ] || { echo "statement browser check: no $page" >&2; exit 1; }
# The flags keep Chromium off the network (this machine has none) and out of the user's profile.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$out/profile" --virtual-time-budget=2000)
"$CHROME" "${flags[@]}" --dump-dom "file://$page" > "$out/dom.html" 2>"$out/chrome.log"
if [ -n "$shot" ]; then
  "$CHROME" "${flags[@]}" --window-size=1100,1000 --screenshot="$shot" "file://$page" 2>>"$out/chrome.log"
fi
check() {
  if ! grep -qF -- "$1" "$out/dom.html"; then
    echo "statement browser check: the rendered page does not show: $1" >&2
    exit 1
  fi
}
# r01 in 2026-Q1, worked by hand: commission 50,000 × 2% + 50,000 × 8% + 30,000 × 12% =
# 8,600.00; spif 300.00; quality_bonus 1,155.56; override 0.00. The lines add up to
# 10,055.56; the cap on total (80,000 × 50% / 4 = 10,000.00) takes 55.56 off.
check "<title>Statement — r01 — 2026-Q1 — Field Sales FY2026</title>"
check 'data-section="earned"'
check '<span class="name">commission</span><span class="amount">8,600.00 EUR</span>'
check '<span class="amount">300.00 EUR</span>'
check '<span class="amount">1,155.56 EUR</span>'
check '<span class="amount neg">-55.56 EUR</span>'         # the cap on the total, as a line
check '<span class="name">Total paid this period</span><span class="amount">10,000.00 EUR</span>'
check 'class="check ok">✓ The paid lines add up to 10,055.56 EUR'
check '2026-01-01 – 2026-03-31'
check '30,000.00 EUR × 12% = 3,600.00 EUR'              # the explanation inside the line
check 'deals.csv:3'                                       # …down to the data rows
# No script is needed: the page has none, and every explanation is a closed <details>.
if grep -q '<script' "$out/dom.html"; then
  echo "statement browser check: the page has a script" >&2; exit 1
fi
check '<details class="line" id="line-commission">'
echo "statement browser check: ok ($(grep -c '<details' "$out/dom.html") details rendered)"
