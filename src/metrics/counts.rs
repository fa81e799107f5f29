//! Activity counts (SPEC 5 count(b, t, p)), the year's totals with person-times, and active
//! months. In: the counted activities. Out: long DataFrames keyed by branch and type.

use polars::prelude::*;

/// branch, type, activities, person_times (Σ present where known): every (branch in B,
/// type) pair, zeros included.
pub fn by_branch_type(counted: LazyFrame, branches: &DataFrame, type_codes: &[&str]) -> PolarsResult<DataFrame> {
    let types = df!("type" => type_codes)?.lazy();
    let grid = branches
        .clone()
        .lazy()
        .select([col("branch"), col("branch_order")])
        .cross_join(types, None);
    let counts = counted.group_by([col("branch"), col("type")]).agg([
        len().cast(DataType::Int64).alias("activities"),
        col("present").cast(DataType::Int64).sum().alias("person_times"),
    ]);
    grid.join(
        counts,
        [col("branch"), col("type")],
        [col("branch"), col("type")],
        JoinArgs::new(JoinType::Left),
    )
    .with_columns([
        col("activities").fill_null(lit(0i64)),
        col("person_times").fill_null(lit(0i64)),
    ])
    .sort(
        ["branch_order"],
        SortMultipleOptions::default().with_maintain_order(true),
    )
    .collect()
}

/// type, activities, person_times: every type, zeros included. Person-times are the sum of
/// present over activities where present is known.
pub fn totals(counted: LazyFrame, type_codes: &[&str]) -> PolarsResult<DataFrame> {
    let types = df!("type" => type_codes, "type_order" => (0..type_codes.len() as u32).collect::<Vec<_>>())?.lazy();
    let sums = counted.group_by([col("type")]).agg([
        len().cast(DataType::Int64).alias("activities"),
        col("present").cast(DataType::Int64).sum().alias("person_times"),
    ]);
    types
        .join(sums, [col("type")], [col("type")], JoinArgs::new(JoinType::Left))
        .with_columns([
            col("activities").fill_null(lit(0i64)),
            col("person_times").fill_null(lit(0i64)),
        ])
        .sort(["type_order"], SortMultipleOptions::default())
        .collect()
}

/// branch, month, activities: the (branch, month) pairs with at least one activity.
pub fn by_branch_month(counted: LazyFrame) -> PolarsResult<DataFrame> {
    counted
        .group_by([col("branch"), col("month")])
        .agg([len().cast(DataType::Int64).alias("activities")])
        .sort(["branch", "month"], SortMultipleOptions::default())
        .collect()
}

/// branch, month, type, activities: the heat map of 月度明细.
pub fn by_branch_month_type(counted: LazyFrame) -> PolarsResult<DataFrame> {
    counted
        .group_by([col("branch"), col("month"), col("type")])
        .agg([len().cast(DataType::Int64).alias("activities")])
        .sort(["branch", "month", "type"], SortMultipleOptions::default())
        .collect()
}

/// branch, active_months: months (of those ended by the as-of date) with any activity.
pub fn active_months(counted: LazyFrame, branches: &DataFrame, months_due: &[String]) -> PolarsResult<DataFrame> {
    let due = df!("month" => months_due)?.lazy();
    let active = counted
        .select([col("branch"), col("month")])
        .unique(None, UniqueKeepStrategy::Any)
        .join(due, [col("month")], [col("month")], JoinArgs::new(JoinType::Inner))
        .group_by([col("branch")])
        .agg([len().cast(DataType::Int64).alias("active_months")]);
    branches
        .clone()
        .lazy()
        .join(active, [col("branch")], [col("branch")], JoinArgs::new(JoinType::Left))
        .with_column(col("active_months").fill_null(lit(0i64)))
        .sort(["branch_order"], SortMultipleOptions::default())
        .collect()
}
