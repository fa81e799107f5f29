#!/usr/bin/env bash
# Differential check against SPEC 5: generated courts whose figures were computed from the
# SPEC's definitions alone, by a generator written without reading branchstat's code
# (bench/diffcheck/gen.py: 4-5 branches, a year of ledgers in varied layouts — title rows,
# two-row headers in .xls/.ett/.xlt, yearly books with a sheet per month, owip's full and
# slim templates, a growing sheet sent twice, a header at row 15, .ods, CSV, combined
# entries, re-sent months, out-of-year rows, broken files — with truth.json,
# truth_records.csv and, with units, truth_units.json). Each court is run and scored with
# ../shared/tools/check_metrics.py (and bench/diffcheck/cmp_units.py for the units).
# Not run in CI (it needs Python packages); run it before a landing that touches figures.
#
#   bench/diffcheck.sh                 # the eight courts below
#   COURTS="c1 c4" bench/diffcheck.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${WORK:-/tmp/branchstat-diffcheck}
CHECK=${CHECK:-$ROOT/../shared/tools/check_metrics.py}
cargo build --release --bin branchstat
mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q openpyxl xlwt
fi
PY=$WORK/venv/bin/python

# name seed layouts generator-flags (the run takes --as-of and --plan from them)
COURT_SPECS="
c1 1 title_monthly,two_row_xls,cumulative,owip
c2 2 growing,csv_md,owip_slim,cumulative,two_row_xls
c3 3 csv_md,title_monthly,growing,owip --as-of=2024-10-15 --plan
c4 4 deep,combined_split,sheetname,sheetname,two_row_xls --extras --units
c5 5 ods,two_row_xls,deep,title_monthly,cumulative --dupname --as-of=2024-09-30
c6 6 owip,deep,ods,combined_split,growing --plan --as-of=2024-06-20 --units --extras --dupname
c7 7 sheetname,sheetname,title_monthly,csv_md,owip_slim --dupname
c8 8 sheetname,sheetname,title_monthly,csv_md,owip_slim --dupname
"
COURTS=${COURTS:-"c1 c2 c3 c4 c5 c6 c7 c8"}
failed=0
for name in $COURTS; do
  spec=$(echo "$COURT_SPECS" | awk -v n="$name" '$1 == n')
  [ -n "$spec" ] || { echo "no court $name"; exit 2; }
  read -r _ seed layouts flags <<< "$spec"
  dir="$WORK/$name"; out="$WORK/out-$name"
  # shellcheck disable=SC2086
  "$PY" bench/diffcheck/gen.py "$seed" "$dir" --layouts "$layouts" ${flags//=/ } > /dev/null
  run_flags=()
  [[ $flags =~ --as-of=([0-9-]+) ]] && run_flags+=(--as-of "${BASH_REMATCH[1]}")
  [ -f "$dir/plan.toml" ] && run_flags+=(--plan "$dir/plan.toml")
  rm -rf "$out"
  target/release/branchstat run "$dir/submissions" --roster "$dir/roster.xlsx" --year 2024 \
    --out "$out" --quiet "${run_flags[@]}" > "$out.log" 2>&1 || true
  score=$("$PY" "$CHECK" "$dir/truth.json" "$out/metrics.json" | tail -1)
  units=""
  [ -f "$dir/truth_units.json" ] && units=$("$PY" bench/diffcheck/cmp_units.py "$dir/truth_units.json" "$out/metrics.json" | tail -1)
  echo "$name: $score ${units}"
  if ! [[ $score =~ score:\ ([0-9]+)/([0-9]+) ]] || [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ]; then failed=1; fi
  if [[ $units =~ units:\ ([0-9]+)/([0-9]+) ]] && [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ]; then failed=1; fi
done
exit $failed
