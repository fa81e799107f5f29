//! Member-level figures (SPEC 5): who was expected at and present at each activity that
//! names attendance, member attendance and member coverage per type. In: counted
//! activities, the names they list, the roster members. Out: DataFrames.
//!
//! Expected: the whole branch, or for a group meeting the members of its group (a group
//! meeting with no group given expects the whole branch). Present: listed in 参会人员; or,
//! where only 缺席人员 is listed, expected and not listed there. Names are matched to
//! members of the activity's own branch.

use polars::prelude::*;

/// id, name, branch: (activity, member) pairs where the member was expected.
pub fn expected_pairs(counted: LazyFrame, members: &DataFrame) -> LazyFrame {
    let named =
        counted
            .filter(col("names_attendance"))
            .select([col("id"), col("branch"), col("type"), col("group_key")]);
    let members = members
        .clone()
        .lazy()
        .select([col("name"), col("branch"), col("group_key").alias("member_group")]);
    let by_group = col("type").eq(lit("group_meeting")).and(col("group_key").is_not_null());
    let branch_wide = named
        .clone()
        .filter(by_group.clone().not())
        .join(
            members.clone(),
            [col("branch")],
            [col("branch")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("id"), col("name"), col("branch")]);
    let group = named
        .filter(by_group)
        .join(
            members,
            [col("branch"), col("group_key")],
            [col("branch"), col("member_group")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("id"), col("name"), col("branch")]);
    concat([branch_wide, group], UnionArgs::default())
        .expect("same schema")
        .unique(None, UniqueKeepStrategy::Any)
}

/// id, name, branch: (activity, member) pairs where the member was present.
pub fn present_pairs(counted: LazyFrame, mentions: &DataFrame, members: &DataFrame) -> LazyFrame {
    let acts = counted
        .clone()
        .select([col("id"), col("branch"), col("attendees_listed")]);
    let roster = members.clone().lazy().select([col("name"), col("branch")]);
    let listed = mentions
        .clone()
        .lazy()
        .filter(col("role").eq(lit("attendee")))
        .join(acts.clone(), [col("id")], [col("id")], JoinArgs::new(JoinType::Inner))
        .join(
            roster,
            [col("branch"), col("name")],
            [col("branch"), col("name")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("id"), col("name"), col("branch")]);
    let absent = mentions
        .clone()
        .lazy()
        .filter(col("role").eq(lit("absentee")))
        .select([col("id"), col("name")]);
    let absentee_only_ids = acts.filter(col("attendees_listed").not()).select([col("id")]);
    let by_absence = expected_pairs(counted, members)
        .join(
            absentee_only_ids,
            [col("id")],
            [col("id")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            absent,
            [col("id"), col("name")],
            [col("id"), col("name")],
            JoinArgs::new(JoinType::Anti),
        );
    concat([listed, by_absence], UnionArgs::default())
        .expect("same schema")
        .unique(None, UniqueKeepStrategy::Any)
}

/// name, branch, group, category, attended, expected, rate (null where expected is 0): every
/// roster member in roster order.
pub fn attendance(counted: LazyFrame, mentions: &DataFrame, members: &DataFrame) -> PolarsResult<DataFrame> {
    let expected = expected_pairs(counted.clone(), members);
    let attended = present_pairs(counted, mentions, members)
        .join(
            expected.clone(),
            [col("id"), col("name"), col("branch")],
            [col("id"), col("name"), col("branch")],
            JoinArgs::new(JoinType::Semi),
        )
        .group_by([col("name"), col("branch")])
        .agg([len().cast(DataType::Int64).alias("attended")]);
    let expected = expected
        .group_by([col("name"), col("branch")])
        .agg([len().cast(DataType::Int64).alias("expected")]);
    members
        .clone()
        .lazy()
        .join(
            expected,
            [col("name"), col("branch")],
            [col("name"), col("branch")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            attended,
            [col("name"), col("branch")],
            [col("name"), col("branch")],
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
pub fn coverage(counted: LazyFrame, mentions: &DataFrame, members: &DataFrame) -> PolarsResult<DataFrame> {
    let total = members.height() as f64;
    let named_types = counted
        .clone()
        .filter(col("names_attendance"))
        .select([col("type")])
        .unique(None, UniqueKeepStrategy::Any);
    let types = counted.clone().select([col("id"), col("type")]);
    let present = present_pairs(counted, mentions, members)
        .join(types, [col("id")], [col("id")], JoinArgs::new(JoinType::Inner))
        .select([col("type"), col("name"), col("branch")])
        .unique(None, UniqueKeepStrategy::Any)
        .group_by([col("type")])
        .agg([len().cast(DataType::Int64).alias("members_present")]);
    named_types
        .join(present, [col("type")], [col("type")], JoinArgs::new(JoinType::Left))
        .with_column(col("members_present").fill_null(lit(0i64)))
        .with_column((col("members_present").cast(DataType::Float64) / lit(total.max(1.0))).alias("coverage"))
        .sort(["type"], SortMultipleOptions::default())
        .collect()
}
