//! Member-level figures (SPEC 5): who was expected at and present at each activity that
//! names attendance, member attendance and member coverage per type. In: counted
//! activities, the names they list, the roster members. Out: DataFrames.
//!
//! Expected: the whole branch, or for a group meeting the members of its group (a group
//! meeting with no group given expects the whole branch). Present: listed in 参会人员; or,
//! where only 缺席人员 is listed, expected and not listed there. Names are matched to
//! members of the activity's own branch.
//!
//! Who was expected is never listed member by member (a province would list over a million
//! pairs): it is counted per branch and group, and each member takes its branch's and its
//! group's counts. Only the names the ledgers list are looked at one by one, each with the
//! activity and the member it joins.

use polars::prelude::*;

/// What the member figures are computed from.
#[derive(Clone, Debug)]
pub struct Attendance {
    /// The counted activities that name attendance: `id`, `branch_ix`, `type`, `type_ix`
    /// (the type as an integer, for the million-row tables below), `group` (the
    /// group a group meeting expects, null for a branch-wide activity), `listed` (its
    /// attendees are listed; else only its absentees are).
    pub named: DataFrame,
    /// Each (activity, member) listed in 参会人员, once: `id`, `member`, `type_ix`, `expected`.
    pub attendees: DataFrame,
    /// Each (activity, member) listed in 缺席人员 of an activity that lists no attendees,
    /// once, where the member was expected: `id`, `member`, `type_ix`.
    pub absent: DataFrame,
}

fn roster(members: &DataFrame) -> LazyFrame {
    members.clone().lazy().select([
        col("member_order").alias("member"),
        col("branch_ix"),
        col("group_key").alias("member_group"),
    ])
}

/// The members listed as absent (缺席人员) or not (参会人员) at the named activities (the
/// mentions list each member once per list): `id`, `member`, `type_ix`, `listed`, `expected`
/// (the member's branch, or the group a group meeting is of), with `type_ix` for the type.
fn listed(mentions: &DataFrame, absent: bool, named: &DataFrame, members: &DataFrame) -> LazyFrame {
    let expected = col("group")
        .is_null()
        .or(col("group").eq(col("member_group")))
        .fill_null(lit(false))
        .alias("expected");
    mentions
        .clone()
        .lazy()
        .filter(col("absent").eq(lit(absent)))
        .join(
            named.clone().lazy(),
            [col("id")],
            [col("id")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            roster(members).select([col("member"), col("member_group")]),
            [col("member")],
            [col("member")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("id"), col("member"), col("type_ix"), col("listed"), expected])
}

/// Builds the named activities and the listed names the figures need.
pub fn attendance_sources(counted: LazyFrame, mentions: &DataFrame, members: &DataFrame) -> PolarsResult<Attendance> {
    let by_group = col("type").eq(lit("group_meeting")).and(col("group_key").is_not_null());
    let named = counted
        .filter(col("names_attendance"))
        .select([
            col("id"),
            col("branch_ix"),
            col("type"),
            col("type_ix"),
            when(by_group)
                .then(col("group_key"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("group"),
            col("attendees_listed").alias("listed"),
        ])
        .collect()?;
    let attendees = listed(mentions, false, &named, members)
        .select([col("id"), col("member"), col("type_ix"), col("expected")])
        .collect()?;
    let absent = listed(mentions, true, &named, members)
        .filter(col("expected").and(col("listed").not()))
        .select([col("id"), col("member"), col("type_ix")])
        .collect()?;
    Ok(Attendance {
        named,
        attendees,
        absent,
    })
}

/// How many of the activities `acts` expect each member, by `by` (none, or `type`):
/// `member`, `by`…, `n`. A branch-wide activity expects every member of its branch, a group
/// meeting the members of its group.
fn expected_counts(acts: LazyFrame, members: &DataFrame, by: &[&str]) -> PolarsResult<LazyFrame> {
    let keys = |first: &[&str]| -> Vec<Expr> { first.iter().chain(by).map(|c| col(*c)).collect() };
    let wide = acts
        .clone()
        .filter(col("group").is_null())
        .group_by(keys(&["branch_ix"]))
        .agg([len().cast(DataType::Int64).alias("n")])
        .join(
            roster(members),
            [col("branch_ix")],
            [col("branch_ix")],
            JoinArgs::new(JoinType::Inner),
        )
        .select(keys(&["member"]).into_iter().chain([col("n")]).collect::<Vec<_>>());
    let group = acts
        .filter(col("group").is_not_null())
        .group_by(keys(&["branch_ix", "group"]))
        .agg([len().cast(DataType::Int64).alias("n")])
        .join(
            roster(members),
            [col("branch_ix"), col("group")],
            [col("branch_ix"), col("member_group")],
            JoinArgs::new(JoinType::Inner),
        )
        .select(keys(&["member"]).into_iter().chain([col("n")]).collect::<Vec<_>>());
    Ok(concat([wide, group], UnionArgs::default())?
        .group_by(keys(&["member"]))
        .agg([col("n").sum()]))
}

/// Counts per member: `member`, `name`.
fn per_member(df: LazyFrame, name: &str) -> LazyFrame {
    df.group_by([col("member")])
        .agg([len().cast(DataType::Int64).alias(name)])
}

/// name, branch, group, category, attended, expected, rate (null where expected is 0): every
/// roster member in roster order. `attended` counts only activities where the member was
/// expected: the attendee lists that name the member where expected, and the activities
/// that list only absentees, less those that list the member among them.
pub fn attendance(sources: &Attendance, members: &DataFrame) -> PolarsResult<DataFrame> {
    let named = sources.named.clone().lazy();
    let absentee_only = named.clone().filter(col("listed").not());
    let expected = expected_counts(named, members, &[])?.select([col("member"), col("n").alias("expected")]);
    let by_absence =
        expected_counts(absentee_only, members, &[])?.select([col("member"), col("n").alias("by_absence")]);
    let listed = per_member(sources.attendees.clone().lazy().filter(col("expected")), "listed");
    let absent = per_member(sources.absent.clone().lazy(), "absent");
    let left = |df: LazyFrame, other: LazyFrame| {
        df.join(
            other,
            [col("member_order")],
            [col("member")],
            JoinArgs::new(JoinType::Left),
        )
    };
    let mut joined = members.clone().lazy();
    for other in [expected, by_absence, listed, absent] {
        joined = left(joined, other);
    }
    joined
        .with_columns([
            col("expected").fill_null(lit(0i64)),
            (col("listed").fill_null(lit(0i64)) + col("by_absence").fill_null(lit(0i64))
                - col("absent").fill_null(lit(0i64)))
            .alias("attended"),
        ])
        .with_column(
            when(col("expected").gt(lit(0i64)))
                .then(col("attended").cast(DataType::Float64) / col("expected").cast(DataType::Float64))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("rate"),
        )
        .select([all().exclude_cols(["listed", "by_absence", "absent"]).as_expr()])
        .sort(["member_order"], SortMultipleOptions::default())
        .collect()
}

/// type, members_present, coverage: share of roster members present at ≥ 1 activity of the
/// type, for types with at least one activity that names attendance. Present: listed as an
/// attendee (expected there or not), or expected at an activity that lists only absentees
/// without being among them.
pub fn coverage(sources: &Attendance, members: &DataFrame) -> PolarsResult<DataFrame> {
    let total = members.height() as f64;
    let named = sources.named.clone().lazy();
    let named_types = named
        .clone()
        .select([col("type"), col("type_ix")])
        .unique(None, UniqueKeepStrategy::Any);
    let absent = sources
        .absent
        .clone()
        .lazy()
        .group_by([col("member"), col("type_ix")])
        .agg([len().cast(DataType::Int64).alias("absent")]);
    let by_absence = expected_counts(named.filter(col("listed").not()), members, &["type_ix"])?
        .join(
            absent,
            [col("member"), col("type_ix")],
            [col("member"), col("type_ix")],
            JoinArgs::new(JoinType::Left),
        )
        .filter(col("n").gt(col("absent").fill_null(lit(0i64))))
        .select([col("type_ix"), col("member")]);
    let listed = sources.attendees.clone().lazy().select([col("type_ix"), col("member")]);
    let present = concat([listed, by_absence], UnionArgs::default())?
        .group_by([col("type_ix")])
        .agg([col("member").n_unique().cast(DataType::Int64).alias("members_present")]);
    named_types
        .join(
            present,
            [col("type_ix")],
            [col("type_ix")],
            JoinArgs::new(JoinType::Left),
        )
        .select([all().exclude_cols(["type_ix"]).as_expr()])
        .with_column(col("members_present").fill_null(lit(0i64)))
        .with_column((col("members_present").cast(DataType::Float64) / lit(total.max(1.0))).alias("coverage"))
        .sort(["type"], SortMultipleOptions::default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::frames;
    use crate::normalize::Record;
    use crate::normalize::roster::{Member, Roster};
    use crate::vocab::ActivityType;
    use chrono::NaiveDate;

    fn member(branch: &str, name: &str, group: Option<&str>) -> Member {
        Member {
            name: name.into(),
            branch: branch.into(),
            group: group.map(str::to_string),
            category: "正式党员".into(),
        }
    }

    fn activity(row: u32, branch: &str, activity: ActivityType, group: Option<&str>, names: [&[&str]; 2]) -> Record {
        let list = |l: &[&str]| l.iter().copied().collect::<crate::normalize::Names>();
        Record {
            branch: branch.into(),
            group: group.map(str::to_string),
            types: vec![activity],
            type_text: String::new(),
            date: NaiveDate::from_ymd_opt(2024, 3, row).unwrap(),
            topic: format!("活动{row}"),
            host: String::new(),
            location: String::new(),
            note: String::new(),
            expected: None,
            present_given: None,
            present: None,
            attendees: list(names[0]),
            absentees: list(names[1]),
            file: "a.xlsx".into(),
            sheet: "Sheet1".into(),
            sheet_position: 0,
            row,
        }
    }

    /// Every rule of SPEC 5's member attendance once: a branch-wide meeting (a name listed
    /// twice, a non-member), a group's meeting attended by a member of another group, a group
    /// meeting without a group (the whole branch), absentee-only lists (a member of another
    /// group or branch listed absent changes nothing), an activity naming nobody.
    #[test]
    fn attendance_and_coverage_by_the_rules() {
        use ActivityType::{GroupMeeting, ThemeDay};
        let (one, two, a, b) = ("一支部", "二支部", Some("第一党小组"), Some("第二党小组"));
        let roster = Roster {
            members: vec![
                member(one, "甲", a),
                member(one, "乙", a),
                member(one, "丙", b),
                member(one, "丁", None),
                member(two, "戊", None),
            ],
            ..Default::default()
        };
        let records = vec![
            activity(1, one, ThemeDay, None, [&["甲", "乙", "甲", "外人"], &[]]),
            activity(2, one, GroupMeeting, a, [&["甲", "丙"], &[]]),
            activity(3, one, GroupMeeting, None, [&[], &["丁", "戊"]]),
            activity(4, one, GroupMeeting, b, [&[], &["甲", "丙"]]),
            activity(5, two, ThemeDay, None, [&["戊"], &[]]),
            activity(6, one, ActivityType::PartyLecture, None, [&[], &[]]),
        ];
        let branches = vec![(one.to_string(), 2), (two.to_string(), 0)];
        let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let f = frames::build(&records, Some(&roster), &branches, 2024, as_of, &mut Vec::new(), None).unwrap();
        let sources = attendance_sources(f.counted(), &f.mentions, &f.members).unwrap();
        let table = attendance(&sources, &f.members).unwrap();
        let ints = |c: &str| crate::metrics::ints(&table, c).unwrap();
        // 甲: 1 listed, 2 listed in own group, 3 by absence. 乙: 1, 3. 丙: 3 only (2 is not its
        // group's, at 4 it is absent). 丁: absent at 3. 戊: 5.
        assert_eq!(
            crate::metrics::strs(&table, "name").unwrap(),
            ["甲", "乙", "丙", "丁", "戊"]
        );
        assert_eq!(ints("expected"), [Some(3), Some(3), Some(3), Some(2), Some(1)]);
        assert_eq!(ints("attended"), [Some(3), Some(2), Some(1), Some(0), Some(1)]);
        let cover = coverage(&sources, &f.members).unwrap();
        assert_eq!(
            crate::metrics::strs(&cover, "type").unwrap(),
            ["group_meeting", "theme_day"]
        );
        // Group meetings: 甲 and 丙 listed at 2 (丙 outside its group still took part), 乙 by
        // absence at 3. Theme days: 甲, 乙 and 戊.
        assert_eq!(
            crate::metrics::ints(&cover, "members_present").unwrap(),
            [Some(3), Some(3)]
        );
    }
}
