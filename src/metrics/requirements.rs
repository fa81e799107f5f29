//! Requirements against the plan (SPEC 5): per branch and requirement, the periods due,
//! the count and required number in each, met periods, compliance, gap and the missing
//! periods; and requirement coverage over all branches. In: counted activities, branches
//! with their group counts, one requirement and its due periods. Out: DataFrames.

use crate::config::{Cadence, Per, Requirement};
use polars::prelude::*;

/// branch, period, count, required, met, shortfall: one row per branch and due period.
/// `due` holds branch, period: the periods due for each branch (start dates applied).
pub fn periods(
    counted: LazyFrame,
    branches: &DataFrame,
    due: &DataFrame,
    req: &Requirement,
) -> PolarsResult<DataFrame> {
    let period_col = match req.cadence {
        Cadence::Month => col("month"),
        Cadence::Quarter => col("quarter"),
        Cadence::Year => col("date").dt().year().cast(DataType::String),
    };
    let counts = counted
        .filter(col("type").eq(lit(req.activity.code())))
        .with_column(period_col.alias("period"))
        .group_by([col("branch"), col("period")])
        .agg([len().cast(DataType::Int64).alias("count")]);
    let required = match req.per {
        Per::Branch => lit(req.minimum as i64),
        Per::Group => col("groups").cast(DataType::Int64) * lit(req.minimum as i64),
    };
    due.clone()
        .lazy()
        .join(
            branches.clone().lazy(),
            [col("branch")],
            [col("branch")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            counts,
            [col("branch"), col("period")],
            [col("branch"), col("period")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("count").fill_null(lit(0i64)))
        .with_column(required.cast(DataType::Int64).alias("required"))
        .with_columns([
            col("count").gt_eq(col("required")).alias("met"),
            when(col("required").gt(col("count")))
                .then(col("required") - col("count"))
                .otherwise(lit(0i64))
                .alias("shortfall"),
        ])
        .sort(["branch_order", "period"], SortMultipleOptions::default())
        .collect()
}

/// branch, periods, met, gap, compliance: one row per branch in B.
pub fn summary(periods: &DataFrame, branches: &DataFrame) -> PolarsResult<DataFrame> {
    let per_branch = periods.clone().lazy().group_by([col("branch")]).agg([
        len().cast(DataType::Int64).alias("periods"),
        col("met").cast(DataType::Int64).sum().alias("met"),
        col("shortfall").sum().alias("gap"),
    ]);
    branches
        .clone()
        .lazy()
        .join(
            per_branch,
            [col("branch")],
            [col("branch")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("periods").fill_null(lit(0i64)),
            col("met").fill_null(lit(0i64)),
            col("gap").fill_null(lit(0i64)),
        ])
        .with_column(
            when(col("periods").gt(lit(0i64)))
                .then(col("met").cast(DataType::Float64) / col("periods").cast(DataType::Float64))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("compliance"),
        )
        .sort(["branch_order"], SortMultipleOptions::default())
        .collect()
}

/// Σ_b met periods / Σ_b due periods (= |B| × |P(r)| without start dates); None if none due.
pub fn coverage(summary: &DataFrame) -> PolarsResult<Option<f64>> {
    let totals = summary
        .clone()
        .lazy()
        .select([col("met").sum(), col("periods").sum()])
        .collect()?;
    let met = totals
        .column("met")?
        .cast(&DataType::Float64)?
        .f64()?
        .get(0)
        .unwrap_or(0.0);
    let due = totals
        .column("periods")?
        .cast(&DataType::Float64)?
        .f64()?
        .get(0)
        .unwrap_or(0.0);
    Ok((due > 0.0).then(|| met / due))
}
