#!/usr/bin/env bash
# Renders an HTML explanation in headless Chromium and checks what the page shows.
# Usage: tests/browser/check-html.sh   (IGNITION_BIN overrides the binary; needs chromium)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN=${IGNITION_BIN:-target/debug/ignition}
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  echo "browser check: chromium is not installed (apt-get install -y chromium)" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$BIN" explain plans/field-sales/plan.plan --data plans/field-sales/data \
  --participant r01 --period 2026-Q1 --format html -o "$out/r01.html" 2>/dev/null
# The flags keep Chromium off the network (this machine has none) and out of the user's profile.
"$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$out/profile" --virtual-time-budget=2000 \
  --dump-dom "file://$out/r01.html" > "$out/dom.html" 2>"$out/chrome.log"
check() {
  if ! grep -qF -- "$1" "$out/dom.html"; then
    echo "browser check: the rendered page does not show: $1" >&2
    exit 1
  fi
}
check "Field Sales FY2026 — r01 in 2026-Q1"   # the title
check ">10,000.00 EUR<"                       # the total after its cap (10,055.56 → 10,000.00)
check "3,600.00 EUR"                          # the third band: 30,000.00 × 12% = 3,600.00
check "cap at"                                # the cap's note
check "when attainment &gt;= 25%: yes, paid"  # the gate's note
check "deals.csv:3"                           # a contributing row with its file and line
check 'id="L56"'                              # the plan source beside the tree
echo "browser check: ok ($(grep -c '<details' "$out/dom.html") nodes rendered)"
