//! The typed rows the report reads (issue 11): what the tables of the workbook, the
//! feedback workbooks and the charts list row by row, read once from the frames here so
//! that `report/` reads no polars column. In: the [`Figures`](super::Figures)' frames. Out:
//! [`Rows`]. Frame order is kept.

use super::{RequirementTables, bools, floats, ints, strs};
use crate::vocab::ActivityType;
use polars::prelude::*;

/// One branch's period of one requirement (SPEC 5 requirements).
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodRow {
    pub branch: String,
    pub period: String,
    pub activity: ActivityType,
    pub required: i64,
    pub count: i64,
    pub met: bool,
    pub shortfall: i64,
}

/// A branch's attendance of one type: Σ present, Σ expected and the rate (where defined).
#[derive(Clone, Debug, PartialEq)]
pub struct RateRow {
    pub branch: String,
    pub activity: ActivityType,
    pub present: i64,
    pub expected: i64,
    pub rate: Option<f64>,
}

/// All branches' attendance of one type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRateRow {
    pub activity: ActivityType,
    pub present: i64,
    pub expected: i64,
}

/// A branch's activities and person-times of one type.
#[derive(Clone, Debug, PartialEq)]
pub struct CountRow {
    pub branch: String,
    pub activity: ActivityType,
    pub activities: i64,
    pub person_times: i64,
}

/// A branch's activities of one type in one month (`2024-03`).
#[derive(Clone, Debug, PartialEq)]
pub struct MonthRow {
    pub branch: String,
    pub month: String,
    pub activity: ActivityType,
    pub activities: i64,
}

/// A member's attendance (with a roster).
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRow {
    pub name: String,
    pub branch: String,
    pub group: String,
    pub category: String,
    pub attended: i64,
    pub expected: i64,
    /// Not rounded.
    pub rate: Option<f64>,
}

/// Every row list, in the frames' order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// Every requirement's periods, the plan's requirements in order.
    pub periods: Vec<PeriodRow>,
    pub rates: Vec<RateRow>,
    pub type_rates: Vec<TypeRateRow>,
    pub counts: Vec<CountRow>,
    pub by_month: Vec<MonthRow>,
    /// None without a roster.
    pub members: Option<Vec<MemberRow>>,
    /// activities.csv and 活动明细: one per record and type (shared with the thread that
    /// writes 活动明细 while the other figures are computed).
    pub activities: std::sync::Arc<Vec<ActivityRow>>,
}

fn types(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<ActivityType>>> {
    Ok(strs(df, name)?.iter().map(|c| ActivityType::from_code(c)).collect())
}

fn periods(table: &RequirementTables) -> PolarsResult<Vec<PeriodRow>> {
    let p = &table.periods;
    let activity = table.requirement.activity;
    let (branch, period, met) = (strs(p, "branch")?, strs(p, "period")?, bools(p, "met")?);
    let (required, count, shortfall) = (ints(p, "required")?, ints(p, "count")?, ints(p, "shortfall")?);
    Ok((0..branch.len())
        .map(|k| PeriodRow {
            branch: branch[k].clone(),
            period: period[k].clone(),
            activity,
            required: required[k].unwrap_or(0),
            count: count[k].unwrap_or(0),
            met: met[k],
            shortfall: shortfall[k].unwrap_or(0),
        })
        .collect())
}

fn rates(df: &DataFrame) -> PolarsResult<Vec<RateRow>> {
    let (branch, ty) = (strs(df, "branch")?, types(df, "type")?);
    let (present, expected, rate) = (ints(df, "present")?, ints(df, "expected")?, floats(df, "rate")?);
    Ok((0..branch.len())
        .filter_map(|k| {
            Some(RateRow {
                branch: branch[k].clone(),
                activity: ty[k]?,
                present: present[k].unwrap_or(0),
                expected: expected[k].unwrap_or(0),
                rate: rate[k],
            })
        })
        .collect())
}

fn type_rates(df: &DataFrame) -> PolarsResult<Vec<TypeRateRow>> {
    let ty = types(df, "type")?;
    let (present, expected) = (ints(df, "present")?, ints(df, "expected")?);
    Ok((0..ty.len())
        .filter_map(|k| {
            Some(TypeRateRow {
                activity: ty[k]?,
                present: present[k].unwrap_or(0),
                expected: expected[k].unwrap_or(0),
            })
        })
        .collect())
}

fn counts(df: &DataFrame) -> PolarsResult<Vec<CountRow>> {
    let (branch, ty) = (strs(df, "branch")?, types(df, "type")?);
    let (activities, person_times) = (ints(df, "activities")?, ints(df, "person_times")?);
    Ok((0..branch.len())
        .filter_map(|k| {
            Some(CountRow {
                branch: branch[k].clone(),
                activity: ty[k]?,
                activities: activities[k].unwrap_or(0),
                person_times: person_times[k].unwrap_or(0),
            })
        })
        .collect())
}

fn by_month(df: &DataFrame) -> PolarsResult<Vec<MonthRow>> {
    let (branch, month, ty) = (strs(df, "branch")?, strs(df, "month")?, types(df, "type")?);
    let activities = ints(df, "activities")?;
    Ok((0..branch.len())
        .filter_map(|k| {
            Some(MonthRow {
                branch: branch[k].clone(),
                month: month[k].clone(),
                activity: ty[k]?,
                activities: activities[k].unwrap_or(0),
            })
        })
        .collect())
}

fn members(df: &DataFrame) -> PolarsResult<Vec<MemberRow>> {
    let (name, branch, group, category) = (
        strs(df, "name")?,
        strs(df, "branch")?,
        strs(df, "group")?,
        strs(df, "category")?,
    );
    let (attended, expected, rate) = (ints(df, "attended")?, ints(df, "expected")?, floats(df, "rate")?);
    Ok((0..name.len())
        .map(|k| MemberRow {
            name: name[k].clone(),
            branch: branch[k].clone(),
            group: group[k].clone(),
            category: category[k].clone(),
            attended: attended[k].unwrap_or(0),
            expected: expected[k].unwrap_or(0),
            rate: rate[k],
        })
        .collect())
}

/// The frames the report reads, as rows.
pub struct Sources<'a> {
    pub requirements: &'a [RequirementTables],
    pub rates: &'a DataFrame,
    pub rates_by_type: &'a DataFrame,
    pub counts: &'a DataFrame,
    pub by_month: &'a DataFrame,
    pub member_attendance: Option<&'a DataFrame>,
}

/// Reads every row list once, but the activities' ([`activities`], read as soon as the
/// frames are built).
pub fn build(s: &Sources) -> PolarsResult<Rows> {
    let mut all_periods = Vec::new();
    for table in s.requirements {
        all_periods.extend(periods(table)?);
    }
    Ok(Rows {
        periods: all_periods,
        rates: rates(s.rates)?,
        type_rates: type_rates(s.rates_by_type)?,
        counts: counts(s.counts)?,
        by_month: by_month(s.by_month)?,
        members: s.member_attendance.map(members).transpose()?,
        activities: Default::default(),
    })
}

/// What became of a normalized activity (activities.csv `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Counted,
    Superseded,
    OutsidePeriod,
    Excluded,
}

impl Status {
    pub const ALL: [Status; 4] = [Self::Counted, Self::Superseded, Self::OutsidePeriod, Self::Excluded];

    /// The code activities.csv writes.
    pub fn code(self) -> &'static str {
        match self {
            Self::Counted => super::frames::COUNTED,
            Self::Superseded => super::frames::SUPERSEDED,
            Self::OutsidePeriod => super::frames::OUTSIDE,
            Self::Excluded => super::frames::EXCLUDED,
        }
    }

    /// The Chinese label of 活动明细.
    pub fn label(self) -> &'static str {
        match self {
            Self::Counted => "计入",
            Self::Superseded => "重复报送（以后报为准）",
            Self::OutsidePeriod => "统计期外",
            Self::Excluded => "不参加统计的支部",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One normalized activity (one per record and type): the frame's figures, typed; the
/// record's own texts are read from `record` (an index into the analysis' records).
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRow {
    pub record: usize,
    pub activity: ActivityType,
    pub group: String,
    pub expected: Option<i64>,
    pub present: Option<i64>,
    pub names_attendance: bool,
    pub status: Status,
}

/// The activities frame as rows, in its order.
pub fn activities(df: &DataFrame) -> PolarsResult<Vec<ActivityRow>> {
    let record = ints(df, "record")?;
    let types = strs(df, "type")?;
    let groups = strs(df, "group")?;
    let expected = ints(df, "expected")?;
    let present = ints(df, "present")?;
    let status = strs(df, "status")?;
    let named = bools(df, "names_attendance")?;
    Ok(groups
        .into_iter()
        .enumerate()
        .map(|(i, group)| ActivityRow {
            record: record[i].unwrap_or(0) as usize,
            activity: ActivityType::from_code(&types[i]).unwrap_or(ActivityType::Other),
            group,
            expected: expected[i],
            present: present[i],
            names_attendance: named[i],
            status: Status::from_code(&status[i]).unwrap_or(Status::Counted),
        })
        .collect())
}
