//! Member-level figures (SPEC 5): who was expected at and present at each activity that
//! names attendance, member attendance and member coverage per type. In: counted
//! activities, the names they list, the roster members. Out: DataFrames.
//!
//! Expected: the whole branch, or for a group meeting the members of its group (a group
//! meeting with no group given expects the whole branch). Present: listed in 参会人员; or,
//! where only 缺席人员 is listed, expected and not listed there. Names are matched to
//! members of the activity's own branch.
//!
//! Pairs are (activity id, member id) of two integers, built once and shared by every
//! figure: a province has tens of thousands of members and a million such pairs. Each pair
//! is also one `u64` key (`pair`), so joins and uniques on a pair hash one integer column
//! rather than row-encode two.

use polars::prelude::*;

/// The key of an (activity, member) pair: `id` in the high half, `member` in the low.
fn pair_expr() -> Expr {
    (col("id").cast(DataType::UInt64) * lit(1u64 << 32) + col("member").cast(DataType::UInt64)).alias("pair")
}

/// (activity, member) pairs: `id`, `member` (the roster position), `pair` (their key).
#[derive(Clone, Debug)]
pub struct Pairs {
    pub expected: DataFrame,
    pub present: DataFrame,
}

fn roster(members: &DataFrame) -> LazyFrame {
    members.clone().lazy().select([
        col("member_order").alias("member"),
        col("branch_ix"),
        col("group_key").alias("member_group"),
    ])
}

/// The members listed in one role (`attendee`, `absentee`): `id`, `member`, `pair` (a name
/// listed twice counts once).
fn listed(mentions: &DataFrame, role: &str) -> LazyFrame {
    mentions
        .clone()
        .lazy()
        .filter(col("role").eq(lit(role)))
        .with_column(pair_expr())
        .group_by([col("pair")])
        .agg([col("id").first(), col("member").first()])
        .select([col("id"), col("member"), col("pair")])
}

/// Builds the expected and present pairs.
pub fn pairs(counted: LazyFrame, mentions: &DataFrame, members: &DataFrame) -> PolarsResult<Pairs> {
    let named = counted.clone().filter(col("names_attendance")).select([
        col("id"),
        col("branch_ix"),
        col("type"),
        col("group_key"),
        col("attendees_listed"),
    ]);
    let by_group = col("type").eq(lit("group_meeting")).and(col("group_key").is_not_null());
    // An activity is either branch-wide or a group's, and (branch, name) is one member: no
    // pair can come twice, so no unique is needed.
    let branch_wide = named
        .clone()
        .filter(by_group.clone().not())
        .join(
            roster(members),
            [col("branch_ix")],
            [col("branch_ix")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("id"), col("member")]);
    let group = named
        .clone()
        .filter(by_group)
        .join(
            roster(members),
            [col("branch_ix"), col("group_key")],
            [col("branch_ix"), col("member_group")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("id"), col("member")]);
    let expected = concat([branch_wide, group], UnionArgs::default())?
        .with_column(pair_expr())
        .collect()?;

    let attended = listed(mentions, "attendee");
    let absent = listed(mentions, "absentee");
    let absentee_only = named.filter(col("attendees_listed").not()).select([col("id")]);
    let by_absence = expected
        .clone()
        .lazy()
        .join(absentee_only, [col("id")], [col("id")], JoinArgs::new(JoinType::Semi))
        .join(absent, [col("pair")], [col("pair")], JoinArgs::new(JoinType::Anti));
    let present = concat([attended, by_absence], UnionArgs::default())?.collect()?;
    Ok(Pairs { expected, present })
}

/// name, branch, group, category, attended, expected, rate (null where expected is 0): every
/// roster member in roster order. `attended` counts only activities where the member was
/// expected.
pub fn attendance(pairs: &Pairs, members: &DataFrame) -> PolarsResult<DataFrame> {
    let expected = pairs.expected.clone().lazy();
    let attended = pairs
        .present
        .clone()
        .lazy()
        .join(
            expected.clone(),
            [col("pair")],
            [col("pair")],
            JoinArgs::new(JoinType::Semi),
        )
        .group_by([col("member")])
        .agg([len().cast(DataType::Int64).alias("attended")]);
    let expected = expected
        .group_by([col("member")])
        .agg([len().cast(DataType::Int64).alias("expected")]);
    members
        .clone()
        .lazy()
        .join(
            expected,
            [col("member_order")],
            [col("member")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            attended,
            [col("member_order")],
            [col("member")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("expected").fill_null(lit(0i64)),
            col("attended").fill_null(lit(0i64)),
        ])
        .with_column(
            when(col("expected").gt(lit(0i64)))
                .then(col("attended").cast(DataType::Float64) / col("expected").cast(DataType::Float64))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("rate"),
        )
        .sort(["member_order"], SortMultipleOptions::default())
        .collect()
}

/// type, members_present, coverage: share of roster members present at ≥ 1 activity of the
/// type, for types with at least one activity that names attendance.
pub fn coverage(counted: LazyFrame, pairs: &Pairs, members: &DataFrame) -> PolarsResult<DataFrame> {
    let total = members.height() as f64;
    let named_types = counted
        .clone()
        .filter(col("names_attendance"))
        .select([col("type")])
        .unique(None, UniqueKeepStrategy::Any);
    let present = pairs
        .present
        .clone()
        .lazy()
        .join(
            counted.select([col("id"), col("type")]),
            [col("id")],
            [col("id")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("type")])
        .agg([col("member").n_unique().cast(DataType::Int64).alias("members_present")]);
    named_types
        .join(present, [col("type")], [col("type")], JoinArgs::new(JoinType::Left))
        .with_column(col("members_present").fill_null(lit(0i64)))
        .with_column((col("members_present").cast(DataType::Float64) / lit(total.max(1.0))).alias("coverage"))
        .sort(["type"], SortMultipleOptions::default())
        .collect()
}
