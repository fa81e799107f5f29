#!/usr/bin/env bash
# Fuzzes the parsers for a bounded time each (cargo-fuzz / libFuzzer). Not run in CI.
#
#   bench/fuzz.sh                                # every target, 600 s each
#   SECONDS_PER_TARGET=60 bench/fuzz.sh          # a quick pass
#   bench/fuzz.sh ingest header                  # some targets only
#
# Targets (fuzz/fuzz_targets/): dates, types, header, ingest. Installs cargo-fuzz when it is
# missing. cargo-fuzz passes nightly-only flags (-Zsanitizer=address ...); RUSTC_BOOTSTRAP=1
# lets the stable toolchain accept them. The first build compiles every dependency (polars
# included) with coverage instrumentation: expect many minutes.
#
# Stops at the first crash and prints where the crashing input was written and how to replay
# it. Logs go to fuzz/logs/TARGET.log, crashes to fuzz/artifacts/TARGET/, the growing corpora
# to fuzz/corpus/TARGET/ (none of them committed). The build stays in fuzz/target.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_PER_TARGET="${SECONDS_PER_TARGET:-600}"
RSS_LIMIT_MB="${RSS_LIMIT_MB:-2048}"
# One input taking longer than this is reported as a hang (libFuzzer's own default is 1200 s).
TIMEOUT_PER_INPUT="${TIMEOUT_PER_INPUT:-60}"
if [[ $# -gt 0 ]]; then TARGETS=("$@"); else TARGETS=(dates types header ingest); fi

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

cd "$ROOT/fuzz"
mkdir -p logs
echo "== building ${TARGETS[*]}"
for t in "${TARGETS[@]}"; do
    nice -n 10 cargo fuzz build "$t"
done

for t in "${TARGETS[@]}"; do
    log="logs/$t.log"
    echo "== $t: ${SECONDS_PER_TARGET} s (log: fuzz/$log)"
    start=$(date +%s)
    set +e
    cargo fuzz run "$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb="$RSS_LIMIT_MB" \
        -timeout="$TIMEOUT_PER_INPUT" -print_final_stats=1 >"$log" 2>&1
    status=$?
    set -e
    secs=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    if [[ -z "$execs" ]]; then
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    if [[ $status -ne 0 ]]; then
        crash=$(grep -oE '(Test unit|crash|timeout|oom|leak)[^ ]* written to [^ ]+' "$log" \
            | grep -oE '[^ ]+$' | tail -1)
        echo "!! $t failed after ${secs} s, ${execs:-?} executions (exit $status)"
        grep -E '^(thread .* panicked|==[0-9]+==ERROR|SUMMARY)' "$log" | head -5 || true
        if [[ -n "$crash" ]]; then
            echo "!! crashing input: $crash"
            echo "   replay:   (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $t $crash)"
            echo "   minimize: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz tmin $t $crash)"
        fi
        echo "   full output: fuzz/$log"
        exit 1
    fi
    echo "ok $t: ${secs} s, ${execs:-?} executions, no crash"
done
echo "== no crash in ${TARGETS[*]}"
