#!/usr/bin/env bash
# Province-scale benchmark (issue: 9,600 files end to end close to the raw read floor).
# Builds the release binary and examples, generates the synthetic corpus once per size,
# then times (a) the raw floor: calamine alone reading every cell of every file, and
# (b) `branchstat run` end to end (read, normalize, metrics, workbook, exports), each under
# /usr/bin/time -v for wall time and peak RSS. Not run in CI.
#
#   bench/scale.sh                # 800 branches × 12 months = 9,600 files
#   SIZES="84 400 800" bench/scale.sh   # 1,008 / 4,800 / 9,600 files: how cost grows
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-800}
WORK=${WORK:-/tmp/branchstat-bench}
cargo build --release --bin branchstat --example synth --example rawread
T=${CARGO_TARGET_DIR:-target}/release
mkdir -p "$WORK"
printf '%-8s %-7s %-7s %-7s %-6s %-9s %-11s %-9s\n' branches files raw_s run_s ratio run_MiB +feedback_s +fb_MiB
for n in $SIZES; do
  corpus="$WORK/corpus-$n"
  [ -f "$corpus/roster.xlsx" ] || $T/examples/synth --branches "$n" --year 2024 --out "$corpus" >/dev/null
  files=$(find "$corpus/submissions" -name '*.xlsx' | wc -l)
  sync
  # Warm the page cache once so both measurements read from memory.
  cat $(find "$corpus/submissions" -name '*.xlsx') > /dev/null
  /usr/bin/time -v $T/examples/rawread "$corpus/submissions" > "$WORK/raw-$n.out" 2> "$WORK/raw-$n.time"
  /usr/bin/time -v $T/branchstat run "$corpus/submissions" --roster "$corpus/roster.xlsx" --year 2024 \
      --out "$WORK/out-$n" --quiet --no-feedback > "$WORK/run-$n.out" 2> "$WORK/run-$n.time"
  /usr/bin/time -v $T/branchstat run "$corpus/submissions" --roster "$corpus/roster.xlsx" --year 2024 \
      --out "$WORK/out-fb-$n" --quiet > "$WORK/fb-$n.out" 2> "$WORK/fb-$n.time"
  wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"; }
  rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
  raw=$(wall "$WORK/raw-$n.time"); run=$(wall "$WORK/run-$n.time"); fb=$(wall "$WORK/fb-$n.time")
  ratio=$(awk -v a="$run" -v b="$raw" 'BEGIN { printf "%.2f", a/b }')
  printf '%-8s %-7s %-7s %-7s %-6s %-9s %-11s %-9s\n' "$n" "$files" "$raw" "$run" "$ratio" "$(rss "$WORK/run-$n.time")" "$fb" "$(rss "$WORK/fb-$n.time")"
done
