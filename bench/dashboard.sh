#!/usr/bin/env bash
# Benchmark `ignition dashboard` (issue 11) on the coaching plan with generated data:
# the whole organisation's page, end to end (load, evaluate every week, build, write).
#
# usage: bench/dashboard.sh [SCALE] [RUNS] [--] [EXTRA...]
#
#   SCALE  tiny  =  200 reps /  10k deals /  20k activities
#          small = 2000 reps /  1M deals  /  2M activities (the issue's figure: under 2 s)
#   RUNS   number of timed runs (default 5)
#   EXTRA  passed to `ignition dashboard` after `-o OUT` (e.g. --format xlsx, --manager ID)
#
# Builds with `cargo build --release --bins`, generates the data once into
# target/bench-data/coaching-SCALE/ (`ignition-datagen --plan coaching`), then prints the
# wall seconds and peak RSS of each run (GNU time) and the median.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCALE=${1:-small}
[[ $# -ge 1 ]] && shift
case "$SCALE" in
    tiny) REPS=200 DEALS=10000 ACTIVITIES=20000 ;;
    small) REPS=2000 DEALS=1000000 ACTIVITIES=2000000 ;;
    *) echo "bench/dashboard.sh: unknown scale '$SCALE' (tiny or small)" >&2; exit 2 ;;
esac
RUNS=5
if [[ $# -ge 1 && $1 != -* ]]; then RUNS=$1; shift; fi
if [[ $# -ge 1 && $1 == -- ]]; then shift; fi
EXTRA=("$@")
TIME=/usr/bin/time
if [[ ! -x $TIME ]] || ! "$TIME" --version 2>&1 | grep -q GNU; then
    echo "bench/dashboard.sh: GNU time is required at $TIME (apt-get install -y time)" >&2
    exit 1
fi
SEED=${BENCH_SEED:-42}
IGNITION=${IGNITION_BIN:-target/release/ignition}
DATA=target/bench-data/coaching-$SCALE
OUT=target/bench-data/coaching-$SCALE.dashboard
cargo build --release --bins >&2
stamp="reps=$REPS deals=$DEALS activities=$ACTIVITIES seed=$SEED gen=$(sha256sum src/bin/ignition-datagen.rs | cut -d' ' -f1)"
if [[ ! -f $DATA/.generated || "$(cat "$DATA/.generated")" != "$stamp" ]]; then
    echo "== generating $SCALE coaching data into $DATA" >&2
    rm -rf "$DATA"
    target/release/ignition-datagen --plan coaching --reps "$REPS" --deals "$DEALS" \
        --activities "$ACTIVITIES" --seed "$SEED" --out "$DATA"
    echo "$stamp" >"$DATA/.generated"
fi
du -b "$DATA"/*.csv | awk '{ t += $1 } END { printf "   data %.1f MB\n", t / 1e6 }' >&2
cmd=("$IGNITION" dashboard plans/coaching/plan.plan --data "$DATA" --period 2026-03-23
    --quiet -o "$OUT" ${EXTRA[@]+"${EXTRA[@]}"})
echo "== $RUNS runs of: ${cmd[*]}" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
walls=()
for ((i = 1; i <= RUNS; i++)); do
    "$TIME" -f '%e %M' -o "$tmp/time" "${cmd[@]}" 2>"$tmp/stderr" || {
        cat "$tmp/stderr" >&2
        exit 1
    }
    read -r wall rss < <(tail -n 1 "$tmp/time")
    walls+=("$wall")
    awk -v i="$i" -v n="$RUNS" -v w="$wall" -v r="$rss" \
        'BEGIN { printf "run %d/%d: wall %.2f s, peak RSS %.0f MiB\n", i, n, w, r / 1024 }'
done
printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "median wall %.2f s over %d runs; output %s\n", m, NR, "'"$OUT"'" }'
ls -l "$OUT" | awk '{ printf "   output %.1f MB\n", $5 / 1e6 }' >&2
