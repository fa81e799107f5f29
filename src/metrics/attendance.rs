//! Attendance (SPEC 5): attendance rate per branch and type, Σ present / Σ expected over
//! activities where both are known. In: counted activities. Out: branch, type, present,
//! expected, rate (only pairs where the rate is defined).

use polars::prelude::*;

pub fn rates(counted: LazyFrame) -> PolarsResult<DataFrame> {
    counted
        .filter(col("present").is_not_null().and(col("expected").is_not_null()))
        .group_by([col("branch"), col("type")])
        .agg([
            col("present").cast(DataType::Int64).sum().alias("present"),
            col("expected").cast(DataType::Int64).sum().alias("expected"),
        ])
        .filter(col("expected").gt(lit(0i64)))
        .with_column((col("present").cast(DataType::Float64) / col("expected").cast(DataType::Float64)).alias("rate"))
        .sort(["branch", "type"], SortMultipleOptions::default())
        .collect()
}

/// type, present, expected, rate over all branches.
pub fn rates_by_type(counted: LazyFrame) -> PolarsResult<DataFrame> {
    counted
        .filter(col("present").is_not_null().and(col("expected").is_not_null()))
        .group_by([col("type")])
        .agg([
            col("present").cast(DataType::Int64).sum().alias("present"),
            col("expected").cast(DataType::Int64).sum().alias("expected"),
        ])
        .filter(col("expected").gt(lit(0i64)))
        .with_column((col("present").cast(DataType::Float64) / col("expected").cast(DataType::Float64)).alias("rate"))
        .collect()
}
