#!/usr/bin/env bash
# Province-scale benchmark (issue 13): the default run — every output of SPEC 2, feedback
# workbooks included — against the raw read floor (calamine alone reading every cell of every
# file, in parallel) and against a polars + fastexcel peer (bench/peer_polars.py), on the
# synthetic corpus (examples/synth.rs: courts of 20–30 branches, twelve monthly ledgers each).
# For each size the three are run alternately, ROUNDS times (default 3), each under
# /usr/bin/time -v; the medians are printed with the ratio, the time and memory per file.
# Not run in CI: targets are checked here, never by a timed test.
#
#   bench/scale.sh                          # 400, 800, 1000 branches = 4,800 / 9,600 / 12,000 files
#   SIZES=800 ROUNDS=5 bench/scale.sh
#   PEER=0 bench/scale.sh                   # without the Python peer
#   OUTS_DIR=/tmp/branchstat-bench bench/scale.sh   # the runs' outputs on the disk, not a tmpfs
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"400 800 1000"}
ROUNDS=${ROUNDS:-3}
PEER=${PEER:-1}
WORK=${WORK:-/tmp/branchstat-bench}
cargo build --release --bin branchstat --example synth --example rawread
T=${CARGO_TARGET_DIR:-target}/release
mkdir -p "$WORK"
# The runs' outputs (a province's 850 files per run) go to a tmpfs when there is one, as
# the floor and the peer write nothing: on this VM's disk (ext4 without a journal) the time
# to create a file depends on what was deleted there in the last minutes. The kernel will
# not reuse an inode within 60 s of its deletion, 360 s while its inode table block is dirty
# (`recently_deleted` in fs/ext4/ialloc.c), and scans past each such inode for every file it
# creates: within minutes of deleting the last benchmark's ~8,000 files, a run at 9,600
# files took 0.1-0.3 s longer (system time 0.6-1.0 s instead of 0.3-0.4 s; `perf`:
# `recently_deleted`, `find_inode_bit`), and a minute's wait after `sync` did not help, as
# the new files dirty the same blocks again. OUTS_DIR=$WORK writes them to the disk.
if [ -z "${OUTS_DIR:-}" ]; then
  OUTS_DIR=$WORK
  [ -d /dev/shm ] && [ -w /dev/shm ] && OUTS_DIR=/dev/shm
fi
OUTS=$(mktemp -d "$OUTS_DIR/outs.XXXXXX")
trap 'rm -rf "$OUTS"' EXIT
if [ "$PEER" = 1 ] && ! python3 -c 'import polars, fastexcel' 2>/dev/null; then
  pip install -q polars fastexcel
fi

wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "commit $(git rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $ROUNDS rounds (medians), outputs in $OUTS_DIR"
printf '%-6s %-8s %-8s %-8s %-6s %-10s %-9s %-10s %-8s %-7s\n' \
  files floor_s run_s ratio MiB ms/file KiB/file peer_s peer/run nofb_s
for n in $SIZES; do
  corpus="$WORK/corpus-$n"
  [ -f "$corpus/roster.xlsx" ] || $T/examples/synth --branches "$n" --year 2024 --out "$corpus" >/dev/null
  files=$(find "$corpus/submissions" -name '*.xlsx' | wc -l)
  # Warm the page cache so every measurement reads from memory.
  find "$corpus/submissions" -name '*.xlsx' -exec cat {} + > /dev/null
  raws=""; runs=""; rsss=""; peers=""; nofbs=""
  for k in $(seq "$ROUNDS"); do
    /usr/bin/time -v $T/examples/rawread "$corpus/submissions" > /dev/null 2> "$WORK/raw.time"
    raws="$raws $(wall "$WORK/raw.time")"
    # Each run writes into a folder of its own on the bench's file system: deleting the last
    # run's 850 files just before creating as many makes a journal-less ext4 (this VM's)
    # skip its recently deleted inodes one by one (+0.8 s of system time, not the program's).
    out="$OUTS/run-$n-$k"
    /usr/bin/time -v $T/branchstat run "$corpus/submissions" --roster "$corpus/roster.xlsx" --year 2024 \
        --out "$out" --quiet > /dev/null 2> "$WORK/run.time"
    runs="$runs $(wall "$WORK/run.time")"; rsss="$rsss $(rss "$WORK/run.time")"
    /usr/bin/time -v $T/branchstat run "$corpus/submissions" --roster "$corpus/roster.xlsx" --year 2024 \
        --out "$out-nofb" --quiet --no-feedback > /dev/null 2> "$WORK/nofb.time"
    nofbs="$nofbs $(wall "$WORK/nofb.time")"
    if [ "$PEER" = 1 ]; then
      /usr/bin/time -v python3 bench/peer_polars.py "$corpus/submissions" > /dev/null 2> "$WORK/peer.time"
      peers="$peers $(wall "$WORK/peer.time")"
    fi
  done
  raw=$(echo "$raws" | median); run=$(echo "$runs" | median); mib=$(echo "$rsss" | median)
  nofb=$(echo "$nofbs" | median)
  peer=$([ "$PEER" = 1 ] && echo "$peers" | median || echo "-")
  ratio=$(awk -v a="$run" -v b="$raw" 'BEGIN { printf "%.2f", a/b }')
  per=$(awk -v a="$run" -v f="$files" 'BEGIN { printf "%.3f", 1000*a/f }')
  kib=$(awk -v m="$mib" -v f="$files" 'BEGIN { printf "%.1f", 1024*m/f }')
  speedup=$([ "$PEER" = 1 ] && awk -v p="$peer" -v r="$run" 'BEGIN { printf "%.1f", p/r }' || echo "-")
  printf '%-6s %-8s %-8s %-8s %-6s %-10s %-9s %-10s %-8s %-7s\n' \
    "$files" "$raw" "$run" "$ratio" "$mib" "$per" "$kib" "$peer" "$speedup" "$nofb"
done
