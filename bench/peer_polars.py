#!/usr/bin/env python3
"""The tool a data engineer would pick (issue 13): polars + fastexcel reading every ledger of
the synthetic corpus in two processes and counting activities per branch, type and month.
No tolerance for messy layouts beyond finding the header row among the first rows, and no
outputs but the count: the peer branchstat's default run is measured against in
bench/scale.sh. Not run in CI.

    pip install polars fastexcel
    python3 bench/peer_polars.py /tmp/branchstat-bench/corpus-800/submissions
"""

import sys
import time
from multiprocessing import Pool
from pathlib import Path

import fastexcel
import polars as pl

TYPE_HEADERS = ("活动类型", "会议类型", "类型")


def count_file(path: str) -> pl.DataFrame:
    """(branch, type, month, n) of one ledger: the branch from the file name, the month from
    its folder, the type from the column under a type header in the first six rows."""
    p = Path(path)
    branch = p.name.split("_")[0]
    month = p.parent.name
    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None)
    df = sheet.to_polars()
    type_col = None
    start = 0
    for i, row in enumerate(df.head(6).iter_rows()):
        for j, v in enumerate(row):
            if isinstance(v, str) and v.strip() in TYPE_HEADERS:
                type_col, start = df.columns[j], i + 1
                break
        if type_col is not None:
            break
    if type_col is None:
        return pl.DataFrame(schema={"branch": pl.String, "type": pl.String, "month": pl.String, "n": pl.UInt32})
    body = df.slice(start).select(pl.col(type_col).cast(pl.String).alias("type")).drop_nulls()
    return (
        body.with_columns(pl.lit(branch).alias("branch"), pl.lit(month).alias("month"))
        .group_by("branch", "type", "month")
        .agg(pl.len().alias("n"))
        .select("branch", "type", "month", "n")
    )


def main() -> None:
    root = Path(sys.argv[1])
    files = sorted(str(p) for p in root.rglob("*.xlsx"))
    started = time.perf_counter()
    with Pool(2) as pool:
        parts = pool.map(count_file, files, chunksize=64)
    counts = pl.concat(parts).group_by("branch", "type", "month").agg(pl.col("n").sum())
    elapsed = time.perf_counter() - started
    print(f"peer polars+fastexcel: {len(files)} files, {counts['n'].sum()} rows counted, {elapsed:.3f} s")


if __name__ == "__main__":
    main()
