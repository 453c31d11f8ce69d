#!/usr/bin/env bash
# Benchmark `ignition run` on the field-sales reference plan with generated data.
#
# usage: bench/run.sh SCALE [RUNS] [--] [EXTRA...]
#
#   SCALE  tiny  =    200 reps /     10k deals /     20k activities (~1 MB)
#          small =   2000 reps /      1M deals /      2M activities (~111 MB)
#          large = 20,000 reps /     10M deals /     20M activities (~1.1 GB)
#          huge  = 20,000 reps /    100M deals /    200M activities (~11.4 GB: past memory
#                  for the row path; the row layer's peak grows with reps × periods)
#   RUNS   number of timed runs (default 5)
#   EXTRA  passed through verbatim to `ignition run`, after `-o OUT`
#
# Builds with `cargo build --release --bins`, generates the data once into
# target/bench-data/SCALE/ (regenerated only when the scale, the seed or the
# generator's source changes), then times each run with GNU time and prints
# the wall seconds and peak RSS of every run, and a summary line:
#
#   median wall 0.84 s, peak RSS 512 MiB over 5 runs
#
# Peers: the same workload written for other engines (bench/peers/ENGINE_field_sales.py,
# DuckDB and polars today) is timed the same way on the same data when its Python module
# imports (`pip install duckdb polars`), on CSV or Parquet data alike, each run of Ignition
# followed by one of each peer (the machine's speed drifts: each engine's runs then share the
# same minutes), and each peer's median and peak are printed with their ratio to Ignition's:
#
#   peer duckdb: median wall 4.20 s, peak RSS 230 MiB over 5 runs (Ignition is 2.10x faster, uses 0.50x its memory)
#
# Environment: IGNITION_BIN overrides the binary under test (default
# target/release/ignition), IGNITION_DATAGEN the generator (default
# target/release/ignition-datagen); BENCH_BUILD=0 skips the build; BENCH_SEED overrides the data
# seed (default 42); BENCH_FORMAT=parquet generates the same data as Parquet files
# (ignition-datagen --format parquet) into target/bench-data/SCALE-parquet/ and times the
# run on them (default csv); BENCH_PEERS
# lists the peers to time (default: every one installed; `none` for none); PYTHON the
# interpreter of the peers (default python3).
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit "${1:-2}"
}

die() {
    echo "bench/run.sh: $*" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
SCALE=$1
shift
case "$SCALE" in
    tiny) REPS=200 DEALS=10000 ACTIVITIES=20000 ;;
    small) REPS=2000 DEALS=1000000 ACTIVITIES=2000000 ;;
    large) REPS=20000 DEALS=10000000 ACTIVITIES=20000000 ;;
    huge) REPS=20000 DEALS=100000000 ACTIVITIES=200000000 ;;
    -h | --help) usage 0 ;;
    *) die "unknown scale '$SCALE' (expected tiny, small, large or huge)" ;;
esac

RUNS=5
if [[ $# -ge 1 && $1 != -* ]]; then
    RUNS=$1
    shift
fi
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
if [[ $# -ge 1 && $1 == -- ]]; then
    shift
fi
EXTRA=("$@")

cd "$(dirname "${BASH_SOURCE[0]}")/.."

TIME=/usr/bin/time
if [[ ! -x $TIME ]] || ! "$TIME" --version 2>&1 | grep -q GNU; then
    echo "bench/run.sh: GNU time is required at $TIME; install it with: apt-get install -y time" >&2
    exit 1
fi

SEED=${BENCH_SEED:-42}
IGNITION=${IGNITION_BIN:-target/release/ignition}
DATAGEN=${IGNITION_DATAGEN:-target/release/ignition-datagen}
FORMAT=${BENCH_FORMAT:-csv}
case "$FORMAT" in
    csv) DATA=target/bench-data/$SCALE OUT=target/bench-data/$SCALE.out.csv ;;
    parquet) DATA=target/bench-data/$SCALE-parquet OUT=target/bench-data/$SCALE-parquet.out.csv ;;
    *) die "BENCH_FORMAT is csv or parquet, not '$FORMAT'" ;;
esac
PLAN=plans/field-sales/plan.plan

if [[ ${BENCH_BUILD:-1} == 0 ]]; then
    echo "== not building (BENCH_BUILD=0)" >&2
else
    echo "== building (cargo build --release --bins)" >&2
    cargo build --release --bins
fi

# ---- data: generated once, stamped with what produced it ----------------
gen_src=src/bin/ignition-datagen.rs
src_hash=$(sha256sum "$gen_src" 2>/dev/null | cut -d' ' -f1 || true)
stamp_want="reps=$REPS deals=$DEALS activities=$ACTIVITIES seed=$SEED format=$FORMAT gen=${src_hash:-unknown}"
stamp_file=$DATA/.generated
if [[ -f $stamp_file && "$(cat "$stamp_file")" == "$stamp_want" ]]; then
    echo "== using existing data in $DATA" >&2
else
    echo "== generating $SCALE data into $DATA" >&2
    rm -rf "$DATA"
    gen_start=$(date +%s.%N)
    "$DATAGEN" --reps "$REPS" --deals "$DEALS" --activities "$ACTIVITIES" \
        --seed "$SEED" --format "$FORMAT" --out "$DATA"
    gen_end=$(date +%s.%N)
    echo "$stamp_want" >"$stamp_file"
    awk -v a="$gen_start" -v b="$gen_end" 'BEGIN { printf "   generated in %.2f s\n", b - a }' >&2
fi
du -b "$DATA"/*."$FORMAT" | awk '{ t += $1; printf "   %-40s %8.1f MB\n", $2, $1 / 1e6 }
    END { printf "   %-40s %8.1f MB\n", "total", t / 1e6 }' >&2

# ---- timed runs ----------------------------------------------------------
[[ -x $IGNITION ]] || { echo "bench/run.sh: $IGNITION not found or not executable" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmd=("$IGNITION" run "$PLAN" --data "$DATA" --format csv -o "$OUT" ${EXTRA[@]+"${EXTRA[@]}"})
echo "== $RUNS runs of: ${cmd[*]}" >&2

# time_one LABEL I CMD...: run I of LABEL, timed; its wall (s) and peak RSS (KiB) are kept in
# $tmp/LABEL.times.
time_one() {
    local label=$1 i=$2
    shift 2
    local rc=0 wall rss_kib
    "$TIME" -f '%e %M' -o "$tmp/time" "$@" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
    if [[ $rc -ne 0 ]]; then
        echo "bench/run.sh: $label run $i failed: $* exited with status $rc" >&2
        echo "---- stderr ----" >&2
        cat "$tmp/stderr" >&2
        if [[ -s $tmp/stdout ]]; then
            echo "---- stdout ----" >&2
            cat "$tmp/stdout" >&2
        fi
        exit "$rc"
    fi
    # GNU time may prefix notes ("Command terminated by signal ..."): the
    # measurement is always the last line.
    read -r wall rss_kib < <(tail -n 1 "$tmp/time")
    [[ $wall =~ ^[0-9.]+$ && $rss_kib =~ ^[0-9]+$ ]] ||
        { echo "bench/run.sh: cannot parse GNU time output: $(cat "$tmp/time")" >&2; exit 1; }
    echo "$wall $rss_kib" >>"$tmp/${label// /_}.times"
    awk -v l="$label" -v i="$i" -v n="$RUNS" -v w="$wall" -v r="$rss_kib" \
        'BEGIN { printf "%s run %d/%d: wall %.2f s, peak RSS %.0f MiB\n", l, i, n, w, r / 1024 }'
}

# summary LABEL: sets $median (s) and $peak (MiB) of LABEL's runs.
summary() {
    local times="$tmp/${1// /_}.times"
    median=$(cut -d' ' -f1 "$times" | sort -g |
        awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m }')
    peak=$(cut -d' ' -f2 "$times" |
        awk 'BEGIN { m = 0 } { if ($1 > m) m = $1 } END { printf "%.0f", m / 1024 }')
}

# ---- peers: the same workload in other engines, when installed ---------------
PYTHON=${PYTHON:-python3}
PEERS=${BENCH_PEERS:-auto}
peers=()
if [[ $PEERS != none ]]; then
    for script in bench/peers/*_field_sales.py; do
        [[ -f $script ]] || continue
        peer=$(basename "$script" _field_sales.py)
        if [[ $PEERS != auto && ",$PEERS," != *",$peer,"* ]]; then
            continue
        fi
        if ! "$PYTHON" -c "import $peer" 2>/dev/null; then
            echo "== peer $peer: not installed (pip install $peer), skipped" >&2
            continue
        fi
        echo "== and of peer $peer: $PYTHON $script $DATA" >&2
        peers+=("$peer")
    done
fi

# Run i of Ignition, then run i of each peer: on a machine whose speed drifts, each
# engine's runs are spread over the same minutes.
for ((i = 1; i <= RUNS; i++)); do
    time_one ignition "$i" "${cmd[@]}"
    for peer in ${peers[@]+"${peers[@]}"}; do
        time_one "peer $peer" "$i" "$PYTHON" "bench/peers/${peer}_field_sales.py" "$DATA" \
            "${OUT%.out.csv}.$peer.csv"
    done
done

summary ignition
ign_median=$median
ign_peak=$peak
echo "median wall $median s, peak RSS $peak MiB over $RUNS runs"
for peer in ${peers[@]+"${peers[@]}"}; do
    summary "peer $peer"
    awk -v p="$peer" -v m="$median" -v r="$peak" -v n="$RUNS" -v im="$ign_median" -v ir="$ign_peak" \
        'BEGIN { printf "peer %s: median wall %.2f s, peak RSS %d MiB over %d runs (Ignition is %.2fx faster, uses %.2fx its memory)\n", p, m, r, n, (im > 0 ? m / im : 0), (r > 0 ? ir / r : 0) }'
done
