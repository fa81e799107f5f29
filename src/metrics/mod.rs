//! Figures (SPEC 5 and 7). In: the accepted records, the roster, the plan, the reporting
//! year and as-of date. Out: [`Figures`]: the DataFrames behind every table of the report
//! and the [`Metrics`] written as metrics.json. Pure: no I/O. One file per family:
//! [`counts`], [`requirements`], [`attendance`], [`members`]; [`frames`] builds the inputs;
//! [`plausibility`] adds the 需说明 warnings to `notes`, [`issues`] counts the problems.

pub mod attendance;
pub mod counts;
pub mod frames;
pub mod issues;
pub mod members;
pub mod plausibility;
pub mod previous;
pub mod requirements;
pub mod rows;
pub mod units;

use crate::config::{Cadence, Plan, Requirement};
use crate::normalize::roster::Roster;
use crate::normalize::{Record, RowCounts};
use crate::problems::Problem;
use crate::vocab::ActivityType;
use chrono::{Datelike, NaiveDate};
use frames::Frames;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The reporting window and plan.
#[derive(Clone, Debug)]
pub struct Settings {
    pub year: i32,
    pub as_of: NaiveDate,
    pub plan: Plan,
}

/// File and row counts of the run (SPEC 7 `files`, `rows`).
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct FileCounts {
    pub read: usize,
    pub failed: usize,
    pub skipped: usize,
}

#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct RowFigures {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub skipped: usize,
    pub outside_period: usize,
}

#[derive(Clone, Copy, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct TypeTotal {
    pub activities: i64,
    pub person_times: i64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RequirementFigures {
    #[serde(rename = "type")]
    pub activity: ActivityType,
    pub cadence: Cadence,
    pub required_per_period: i64,
    pub periods: i64,
    pub met: i64,
    pub compliance: Option<f64>,
    pub gap: i64,
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BranchFigures {
    pub branch: String,
    /// Its unit (上级党组织); null without units.
    pub unit: Option<String>,
    pub counts: BTreeMap<ActivityType, i64>,
    pub active_months: i64,
    pub attendance_rate: BTreeMap<ActivityType, f64>,
    pub requirements: Vec<RequirementFigures>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Coverage {
    pub requirements: BTreeMap<ActivityType, f64>,
    pub active_months: Option<f64>,
    pub members: BTreeMap<ActivityType, f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BelowTarget {
    pub branch: String,
    #[serde(rename = "type")]
    pub activity: ActivityType,
    pub gap: i64,
    pub missing: Vec<String>,
    pub compliance: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MemberBelow {
    pub name: String,
    pub branch: String,
    pub attended: i64,
    pub expected: i64,
    pub rate: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TargetFigures {
    #[serde(rename = "type")]
    pub activity: ActivityType,
    pub activities: i64,
    pub activities_target: Option<u32>,
    pub person_times: i64,
    pub person_times_target: Option<u32>,
    pub met: bool,
}

/// metrics.json (SPEC 7), key order as written there.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Metrics {
    pub year: i32,
    pub as_of: String,
    pub files: FileCounts,
    pub rows: RowFigures,
    pub totals: BTreeMap<ActivityType, TypeTotal>,
    pub branches: Vec<BranchFigures>,
    pub coverage: Coverage,
    pub below_target: Vec<BelowTarget>,
    pub members_below_threshold: Vec<MemberBelow>,
    /// The units' figures, lowest mean coverage first; empty without units.
    pub units: Vec<units::UnitFigures>,
    /// Committee-wide yearly targets of the plan, with the year's figures.
    pub targets: Vec<TargetFigures>,
    /// 本期待办: what each branch still owes in the month and quarter holding the as-of date.
    pub outstanding: Vec<Outstanding>,
    /// The earlier year and the changes, with `--previous` (SPEC 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<previous::Previous>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Outstanding {
    pub branch: String,
    #[serde(rename = "type")]
    pub activity: ActivityType,
    pub period: String,
    pub required: i64,
    pub done: i64,
    pub owed: i64,
}

/// One requirement's tables.
#[derive(Clone, Debug)]
pub struct RequirementTables {
    pub requirement: Requirement,
    /// branch, period, count, required, met, shortfall.
    pub periods: DataFrame,
    /// branch, periods, met, gap, compliance.
    pub summary: DataFrame,
    pub coverage: Option<f64>,
}

/// Every table of the report, and metrics.json.
#[derive(Clone, Debug)]
pub struct Figures {
    /// The activities frame (the Parquet exporter's input). The other frames (a million
    /// mentions at a province's size) are freed once the figures are built, before the
    /// outputs are written.
    pub activities: DataFrame,
    pub counts: DataFrame,
    pub totals: DataFrame,
    pub by_month: DataFrame,
    pub active_months: DataFrame,
    pub rates: DataFrame,
    pub rates_by_type: DataFrame,
    pub requirements: Vec<RequirementTables>,
    /// Present when a roster was given.
    pub member_attendance: Option<DataFrame>,
    pub member_coverage: Option<DataFrame>,
    pub months_due: Vec<String>,
    /// branch, period, count, required, met, shortfall, type: the current month and quarter.
    pub outstanding: DataFrame,
    pub metrics: Metrics,
    /// The typed rows the report reads, from the frames above.
    pub rows: rows::Rows,
}

/// Rounds a ratio to 6 decimals (SPEC 7: not rounded beyond 4).
pub fn ratio(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid") - chrono::Duration::days(1)
}

/// The periods of the year that have ended by `as_of`, with their first days.
pub fn periods_due(cadence: Cadence, year: i32, as_of: NaiveDate) -> Vec<(String, NaiveDate)> {
    match cadence {
        Cadence::Month => (1..=12)
            .filter(|m| last_day_of_month(year, *m) <= as_of)
            .map(|m| {
                (
                    format!("{year}-{m:02}"),
                    NaiveDate::from_ymd_opt(year, m, 1).expect("valid"),
                )
            })
            .collect(),
        Cadence::Quarter => (1..=4)
            .filter(|q| last_day_of_month(year, q * 3) <= as_of)
            .map(|q| {
                (
                    format!("{year}Q{q}"),
                    NaiveDate::from_ymd_opt(year, q * 3 - 2, 1).expect("valid"),
                )
            })
            .collect(),
        Cadence::Year => (last_day_of_month(year, 12) <= as_of)
            .then(|| (year.to_string(), NaiveDate::from_ymd_opt(year, 1, 1).expect("valid")))
            .into_iter()
            .collect(),
    }
}

/// The month or quarter holding `as_of` (the current period, ended or not).
pub fn current_period(cadence: Cadence, as_of: NaiveDate) -> String {
    match cadence {
        Cadence::Month => frames::month_label(as_of),
        Cadence::Quarter => frames::quarter_label(as_of),
        Cadence::Year => as_of.year().to_string(),
    }
}

/// String values of a column ("" for null).
pub fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

pub fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    let c = df.column(name)?.cast(&DataType::Int64)?;
    Ok(c.i64()?.iter().collect())
}

pub fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().collect())
}

pub fn bools(df: &DataFrame, name: &str) -> PolarsResult<Vec<bool>> {
    Ok(df.column(name)?.bool()?.iter().map(|v| v.unwrap_or(false)).collect())
}

/// The branches B: roster branches (or those seen when there is no roster) less the plan's
/// exclusions, with G(b).
pub fn branch_set(roster: Option<&Roster>, records: &[Record], plan: &Plan) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = match roster {
        Some(r) => r.group_counts(),
        None => {
            let mut groups: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> =
                std::collections::BTreeMap::new();
            for r in records {
                let seen = groups.entry(r.branch.as_str()).or_default();
                if let Some(g) = r.group.as_deref() {
                    seen.insert(crate::normalize::group_key(g));
                }
            }
            groups
                .into_iter()
                .map(|(b, g)| (b.to_string(), (g.len() as u32).max(1)))
                .collect()
        }
    };
    out.retain(|(b, _)| !plan.exclude_branches.iter().any(|x| crate::text::compact(x) == *b));
    out
}

/// What is handed the typed activities as soon as their statuses are resolved ([`compute`]).
pub type Beside<'a> = dyn Fn(&std::sync::Arc<Vec<rows::ActivityRow>>) + Sync + 'a;

/// Computes every figure, in steps: the frames, the counts and rates, the requirement
/// tables, what is outstanding in the current period, the members' tables, the
/// plausibility warnings, then metrics.json ([`assemble`], the units, the outstanding list).
///
/// `beside`, if given, is handed the typed activities as soon as their statuses are
/// resolved, before the frames are built (the pipeline has the committee workbook begin
/// 活动明细 on them, on a thread of its own: the figures alone leave part of both cores
/// idle); it is expected to return at once.
pub fn compute(
    records: &[Record],
    roster: Option<&Roster>,
    settings: &Settings,
    files: FileCounts,
    rows: RowCounts,
    notes: &mut Vec<Problem>,
    beside: Option<&Beside<'_>>,
) -> PolarsResult<Figures> {
    let Settings { year, as_of, plan } = settings;
    let (year, as_of) = (*year, *as_of);
    let t = std::time::Instant::now();
    let branches = branch_set(roster, records, plan);
    let frames = frames::build(records, roster, &branches, year, as_of, notes, beside)?;
    let activities = frames.activity_rows.clone();
    crate::timing::phase("  frames", t);
    // The plausibility checks read only the frames and the records: they run beside the
    // figures, on the other core, instead of after them (a frame's clone shares its columns).
    let (figures, plausible) = rayon::join(
        || figures_from(frames.clone(), &branches, records, roster, settings, files, rows),
        || {
            let t = std::time::Instant::now();
            let found = plausibility::check(&frames, records);
            crate::timing::phase("  plausibility", t);
            found
        },
    );
    notes.extend(plausible?);
    let mut figures = figures?;
    figures.rows.activities = activities;
    Ok(figures)
}

/// Every figure and typed row of SPEC 5 from the frames.
fn figures_from(
    frames: Frames,
    branches: &[(String, u32)],
    records: &[Record],
    roster: Option<&Roster>,
    settings: &Settings,
    files: FileCounts,
    rows: RowCounts,
) -> PolarsResult<Figures> {
    let Settings { year, as_of, .. } = settings;
    let (year, as_of) = (*year, *as_of);
    // The member tables (a million activity-member pairs at a province's size) need only
    // the frames: they are built beside the branch tables.
    let (branch_tables, member_tables) = rayon::join(
        || BranchTables::build(&frames, branches, settings),
        || {
            let t = std::time::Instant::now();
            let built = member_tables(&frames, roster.is_some());
            crate::timing::phase("  members", t);
            built
        },
    );
    let bt = branch_tables?;
    let (member_attendance, member_coverage) = member_tables?;
    let t = std::time::Instant::now();
    let tables = Tables {
        branches,
        counts: &bt.counts,
        totals: &bt.totals,
        active: &bt.active_months,
        rates: &bt.rates,
        reqs: &bt.requirement_tables,
        member_attendance: member_attendance.as_ref(),
        member_coverage: member_coverage.as_ref(),
        months_due: bt.months_due.len(),
    };
    let mut metrics = assemble(&tables, settings, files, row_figures(records, rows, year, as_of))?;
    if let Some(units) = roster.and_then(Roster::units) {
        add_units(&mut metrics, &units, &tables)?;
    }
    crate::timing::phase("  assemble", t);
    metrics.outstanding = outstanding_list(&bt.outstanding)?;
    let rows = rows::build(&rows::Sources {
        requirements: &bt.requirement_tables,
        rates: &bt.rates,
        rates_by_type: &bt.rates_by_type,
        counts: &bt.counts,
        by_month: &bt.by_month,
        member_attendance: member_attendance.as_ref(),
    })?;
    Ok(Figures {
        activities: frames.activities,
        counts: bt.counts,
        totals: bt.totals,
        by_month: bt.by_month,
        active_months: bt.active_months,
        rates: bt.rates,
        rates_by_type: bt.rates_by_type,
        requirements: bt.requirement_tables,
        member_attendance,
        member_coverage,
        months_due: bt.months_due,
        outstanding: bt.outstanding,
        metrics,
        rows,
    })
}

/// The tables per branch (and type, month, period) that the figures are read from.
struct BranchTables {
    counts: DataFrame,
    totals: DataFrame,
    by_month: DataFrame,
    months_due: Vec<String>,
    active_months: DataFrame,
    rates: DataFrame,
    rates_by_type: DataFrame,
    requirement_tables: Vec<RequirementTables>,
    outstanding: DataFrame,
}

impl BranchTables {
    /// Counts and rates, then the requirements' periods, then what is outstanding.
    fn build(frames: &Frames, branches: &[(String, u32)], settings: &Settings) -> PolarsResult<Self> {
        let codes: Vec<&str> = ActivityType::ALL.iter().map(|t| t.code()).collect();
        let counted = frames.counted();
        let months_due: Vec<String> = periods_due(Cadence::Month, settings.year, settings.as_of)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        // Each table is a small query that leaves cores idle; the tables read only the frames,
        // so they are built side by side.
        let timed = |name: &str, build: &dyn Fn() -> PolarsResult<DataFrame>| {
            let t = std::time::Instant::now();
            let built = build();
            crate::timing::phase(name, t);
            built
        };
        let counts_and_rates = || {
            rayon::join(
                || {
                    rayon::join(
                        || {
                            timed("  counts", &|| {
                                counts::by_branch_type(counted.clone(), &frames.branches, &codes)
                            })
                        },
                        || timed("  totals", &|| counts::totals(counted.clone(), &codes)),
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || timed("  by month", &|| counts::by_branch_month_type(counted.clone())),
                                || {
                                    timed("  active months", &|| {
                                        counts::active_months(counted.clone(), &frames.branches, &months_due)
                                    })
                                },
                            )
                        },
                        || {
                            rayon::join(
                                || timed("  rates", &|| attendance::rates(counted.clone())),
                                || timed("  rates by type", &|| attendance::rates_by_type(counted.clone())),
                            )
                        },
                    )
                },
            )
        };
        let periods = || {
            rayon::join(
                || {
                    let t = std::time::Instant::now();
                    let built = requirement_tables(frames, branches, settings);
                    crate::timing::phase("  requirements", t);
                    built
                },
                || {
                    timed("  outstanding", &|| {
                        outstanding(frames, branches, &settings.plan, settings.as_of)
                    })
                },
            )
        };
        let (
            ((counts, totals), ((by_month, active_months), (rates, rates_by_type))),
            (requirement_tables, outstanding),
        ) = rayon::join(counts_and_rates, periods);
        let (counts, totals, by_month, active_months) = (counts?, totals?, by_month?, active_months?);
        let (rates, rates_by_type, requirement_tables, outstanding) =
            (rates?, rates_by_type?, requirement_tables?, outstanding?);
        Ok(BranchTables {
            counts,
            totals,
            by_month,
            months_due,
            active_months,
            rates,
            rates_by_type,
            requirement_tables,
            outstanding,
        })
    }
}

/// One [`RequirementTables`] per requirement of the plan: each branch's periods due by the
/// as-of date (from its start date, when the plan gives one), their counts and the summary.
fn requirement_tables(
    frames: &Frames,
    branches: &[(String, u32)],
    settings: &Settings,
) -> PolarsResult<Vec<RequirementTables>> {
    let plan = &settings.plan;
    let counted = frames.counted();
    let mut tables = Vec::new();
    for req in &plan.requirements {
        let due_periods = periods_due(req.cadence, settings.year, settings.as_of);
        let (mut b_col, mut p_col) = (Vec::new(), Vec::new());
        for (b, _) in branches {
            let start = plan.branch_start.get(b).copied();
            for (label, first_day) in &due_periods {
                if start.is_none_or(|s| *first_day >= s) {
                    b_col.push(b.clone());
                    p_col.push(label.clone());
                }
            }
        }
        let due = df!("branch" => b_col, "period" => p_col)?;
        let periods = requirements::periods(counted.clone(), &frames.branches, &due, req)?;
        let summary = requirements::summary(&periods, &frames.branches)?;
        let coverage = requirements::coverage(&summary)?;
        tables.push(RequirementTables {
            requirement: req.clone(),
            periods,
            summary,
            coverage,
        });
    }
    Ok(tables)
}

/// 本期待办: for every monthly and quarterly requirement, the branches short in the month or
/// quarter holding the as-of date. Out: branch, branch_order, type, period, required, count,
/// shortfall, in branch order.
fn outstanding(frames: &Frames, branches: &[(String, u32)], plan: &Plan, as_of: NaiveDate) -> PolarsResult<DataFrame> {
    let counted = frames.counted();
    let mut current = Vec::new();
    for req in plan.requirements.iter().filter(|r| r.cadence != Cadence::Year) {
        let label = current_period(req.cadence, as_of);
        let due = df!(
            "branch" => branches.iter().map(|(b, _)| b.clone()).collect::<Vec<_>>(),
            "period" => vec![label; branches.len()]
        )?;
        let table = requirements::periods(counted.clone(), &frames.branches, &due, req)?
            .lazy()
            .filter(col("shortfall").gt(lit(0i64)))
            .with_column(lit(req.activity.code()).alias("type"))
            .select([
                col("branch"),
                col("branch_order"),
                col("type"),
                col("period"),
                col("required"),
                col("count"),
                col("shortfall"),
            ])
            .collect()?;
        current.push(table.lazy());
    }
    if current.is_empty() {
        return df!("branch" => Vec::<String>::new(), "branch_order" => Vec::<u32>::new(), "type" => Vec::<String>::new(),
            "period" => Vec::<String>::new(), "required" => Vec::<i64>::new(), "count" => Vec::<i64>::new(), "shortfall" => Vec::<i64>::new());
    }
    concat(current, UnionArgs::default())?
        .sort(
            ["branch_order"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
}

/// The members' attendance and coverage tables, when a roster gave the members.
fn member_tables(frames: &Frames, with_roster: bool) -> PolarsResult<(Option<DataFrame>, Option<DataFrame>)> {
    if !with_roster {
        return Ok((None, None));
    }
    let sources = members::attendance_sources(frames.counted(), &frames.mentions, &frames.members)?;
    let (attendance, coverage) = rayon::join(
        || members::attendance(&sources, &frames.members),
        || members::coverage(&sources, &frames.members),
    );
    Ok((Some(attendance?), Some(coverage?)))
}

/// SPEC 7 `rows`: normalization's counts and the records dated outside the period.
fn row_figures(records: &[Record], rows: RowCounts, year: i32, as_of: NaiveDate) -> RowFigures {
    let first_day = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid");
    RowFigures {
        read: rows.read,
        accepted: rows.accepted,
        rejected: rows.rejected,
        skipped: rows.skipped,
        outside_period: records.iter().filter(|r| r.date < first_day || r.date > as_of).count(),
    }
}

/// Gives each branch its unit and fills `metrics.units` (the roster's units: branch → unit,
/// a branch the roster gives none under [`NO_UNIT`](crate::normalize::roster::NO_UNIT)).
fn add_units(metrics: &mut Metrics, units: &[(String, String)], tables: &Tables) -> PolarsResult<()> {
    let of_b: std::collections::HashMap<&str, &str> = units.iter().map(|(b, u)| (b.as_str(), u.as_str())).collect();
    let in_b: Vec<(String, String)> = tables
        .branches
        .iter()
        .map(|(b, _)| {
            (
                b.clone(),
                of_b.get(b.as_str())
                    .copied()
                    .unwrap_or(crate::normalize::roster::NO_UNIT)
                    .to_string(),
            )
        })
        .collect();
    for (fig, (_, unit)) in metrics.branches.iter_mut().zip(&in_b) {
        fig.unit = Some(unit.clone());
    }
    metrics.units = units::figures(&units::UnitInputs {
        units: &units::unit_table(&in_b)?,
        counts: tables.counts,
        active: tables.active,
        rates: tables.rates,
        requirements: tables.reqs,
        below_target: &metrics.below_target,
        members_below: &metrics.members_below_threshold,
        months_due: tables.months_due,
    })?;
    Ok(())
}

/// The outstanding table as metrics.json's `outstanding` list.
fn outstanding_list(outstanding: &DataFrame) -> PolarsResult<Vec<Outstanding>> {
    Ok(strs(outstanding, "branch")?
        .into_iter()
        .zip(strs(outstanding, "type")?)
        .zip(strs(outstanding, "period")?)
        .zip(
            ints(outstanding, "required")?
                .into_iter()
                .zip(ints(outstanding, "count")?),
        )
        .filter_map(|(((branch, activity), period), (required, done))| {
            let (required, done) = (required.unwrap_or(0), done.unwrap_or(0));
            Some(Outstanding {
                branch,
                activity: ActivityType::from_code(&activity)?,
                period,
                required,
                done,
                owed: (required - done).max(0),
            })
        })
        .collect())
}

/// The tables metrics.json is read from, as [`compute`]'s steps made them.
struct Tables<'a> {
    /// The branches B with G(b), in roster order.
    branches: &'a [(String, u32)],
    /// branch, type, activities, person_times.
    counts: &'a DataFrame,
    /// type, activities, person_times.
    totals: &'a DataFrame,
    /// branch, active_months.
    active: &'a DataFrame,
    /// branch, type, rate (and present, expected).
    rates: &'a DataFrame,
    reqs: &'a [RequirementTables],
    member_attendance: Option<&'a DataFrame>,
    member_coverage: Option<&'a DataFrame>,
    months_due: usize,
}

/// metrics.json from the tables, in steps: totals, the branches' figures, coverage, below
/// target, members below the threshold, targets. `units` and `outstanding` are left empty
/// and `previous` none, for [`compute`] and the pipeline to fill in.
fn assemble(tables: &Tables, settings: &Settings, files: FileCounts, rows: RowFigures) -> PolarsResult<Metrics> {
    let totals = totals(tables.totals)?;
    let targets = targets(&settings.plan, &totals);
    let index: std::collections::HashMap<String, usize> = tables
        .branches
        .iter()
        .enumerate()
        .map(|(i, (b, _))| (b.clone(), i))
        .collect();
    let branches = branch_figures(tables, &index)?;
    Ok(Metrics {
        year: settings.year,
        as_of: settings.as_of.to_string(),
        files,
        rows,
        totals,
        coverage: coverage(tables, &branches)?,
        below_target: below_target(&branches, &index),
        branches,
        members_below_threshold: members_below(tables.member_attendance, settings.plan.attendance_threshold)?,
        units: Vec::new(),
        targets,
        outstanding: Vec::new(),
        previous: None,
    })
}

/// metrics.json's `totals` (type → activities, person-times) and the same by type code.
fn totals(totals: &DataFrame) -> PolarsResult<BTreeMap<ActivityType, TypeTotal>> {
    let mut totals_map = BTreeMap::new();
    for ((t, a), p) in strs(totals, "type")?
        .into_iter()
        .zip(ints(totals, "activities")?)
        .zip(ints(totals, "person_times")?)
    {
        let total = TypeTotal {
            activities: a.unwrap_or(0),
            person_times: p.unwrap_or(0),
        };
        if let Some(t) = ActivityType::from_code(&t) {
            totals_map.insert(t, total);
        }
    }
    Ok(totals_map)
}

/// One [`BranchFigures`] per branch of B, in its order (`index`: branch → position): counts
/// by type, active months, attendance rates by type, the requirements' figures. No unit yet.
fn branch_figures(
    tables: &Tables,
    index: &std::collections::HashMap<String, usize>,
) -> PolarsResult<Vec<BranchFigures>> {
    let (counts, active, rates) = (tables.counts, tables.active, tables.rates);
    let mut figs: Vec<BranchFigures> = tables
        .branches
        .iter()
        .map(|(b, _)| BranchFigures {
            branch: b.clone(),
            unit: None,
            counts: BTreeMap::new(),
            active_months: 0,
            attendance_rate: BTreeMap::new(),
            requirements: Vec::new(),
        })
        .collect();
    for ((b, t), n) in strs(counts, "branch")?
        .into_iter()
        .zip(strs(counts, "type")?)
        .zip(ints(counts, "activities")?)
    {
        if let (Some(&i), Some(t)) = (index.get(&b), ActivityType::from_code(&t)) {
            figs[i].counts.insert(t, n.unwrap_or(0));
        }
    }
    for (b, n) in strs(active, "branch")?.into_iter().zip(ints(active, "active_months")?) {
        if let Some(&i) = index.get(&b) {
            figs[i].active_months = n.unwrap_or(0);
        }
    }
    let rate_rows: Vec<(String, String, f64)> = strs(rates, "branch")?
        .into_iter()
        .zip(strs(rates, "type")?)
        .zip(floats(rates, "rate")?)
        .filter_map(|((b, t), r)| r.map(|r| (b, t, r)))
        .collect();
    for t in ActivityType::ALL {
        for (b, _, r) in rate_rows.iter().filter(|(_, rt, _)| rt == t.code()) {
            if let Some(&i) = index.get(b) {
                figs[i].attendance_rate.insert(t, ratio(*r));
            }
        }
    }
    for table in tables.reqs {
        for (i, fig) in requirement_figures(table, tables.branches, index)? {
            figs[i].requirements.push(fig);
        }
    }
    Ok(figs)
}

/// One requirement's figures for each branch of its summary, with the branch's position:
/// periods, met, gap, compliance, and the periods missed.
fn requirement_figures(
    table: &RequirementTables,
    branches: &[(String, u32)],
    index: &std::collections::HashMap<String, usize>,
) -> PolarsResult<Vec<(usize, RequirementFigures)>> {
    let req = &table.requirement;
    let branch_col = strs(&table.periods, "branch")?;
    let period_col = strs(&table.periods, "period")?;
    let met_col = bools(&table.periods, "met")?;
    let required_col = ints(&table.periods, "required")?;
    // branch → (required per period, missing periods), from the long table in one pass.
    let mut per_branch: std::collections::HashMap<&str, (Option<i64>, Vec<String>)> = std::collections::HashMap::new();
    for k in 0..branch_col.len() {
        let entry = per_branch
            .entry(branch_col[k].as_str())
            .or_insert((required_col[k], Vec::new()));
        if !met_col[k] {
            entry.1.push(period_col[k].clone());
        }
    }
    let s = &table.summary;
    let mut out = Vec::new();
    for ((((b, periods), met), gap), compliance) in strs(s, "branch")?
        .into_iter()
        .zip(ints(s, "periods")?)
        .zip(ints(s, "met")?)
        .zip(ints(s, "gap")?)
        .zip(floats(s, "compliance")?)
    {
        let Some(&i) = index.get(&b) else { continue };
        let (required, missing) = per_branch.get(b.as_str()).cloned().unwrap_or((None, Vec::new()));
        let required_per_period = required.unwrap_or_else(|| {
            let groups = branches[i].1 as i64;
            req.minimum as i64
                * if req.per == crate::config::Per::Group {
                    groups
                } else {
                    1
                }
        });
        out.push((
            i,
            RequirementFigures {
                activity: req.activity,
                cadence: req.cadence,
                required_per_period,
                periods: periods.unwrap_or(0),
                met: met.unwrap_or(0),
                compliance: compliance.map(ratio),
                gap: gap.unwrap_or(0),
                missing,
            },
        ));
    }
    Ok(out)
}

/// SPEC 7 `coverage`: each requirement's, the active months' (of every branch and month
/// due) and the members' by type.
fn coverage(tables: &Tables, branches: &[BranchFigures]) -> PolarsResult<Coverage> {
    let mut requirements = BTreeMap::new();
    for table in tables.reqs {
        if let Some(c) = table.coverage {
            requirements.insert(table.requirement.activity, ratio(c));
        }
    }
    let active_sum: i64 = branches.iter().map(|b| b.active_months).sum();
    let months_due = tables.months_due;
    let active_months = (months_due > 0 && !tables.branches.is_empty())
        .then(|| ratio(active_sum as f64 / (months_due * tables.branches.len()) as f64));
    let mut members = BTreeMap::new();
    if let Some(mc) = tables.member_coverage {
        let covs: Vec<(String, f64)> = strs(mc, "type")?
            .into_iter()
            .zip(floats(mc, "coverage")?)
            .filter_map(|(t, c)| c.map(|c| (t, c)))
            .collect();
        for t in ActivityType::ALL {
            if let Some((_, c)) = covs.iter().find(|(ct, _)| ct == t.code()) {
                members.insert(t, ratio(*c));
            }
        }
    }
    Ok(Coverage {
        requirements,
        active_months,
        members,
    })
}

/// Every branch's requirement below full compliance, the largest gap first, then the lower
/// compliance, then branch order (a branch's requirements in plan order).
fn below_target(branches: &[BranchFigures], index: &std::collections::HashMap<String, usize>) -> Vec<BelowTarget> {
    let mut below: Vec<BelowTarget> = branches
        .iter()
        .flat_map(|b| {
            b.requirements
                .iter()
                .filter(|f| f.compliance.is_some_and(|c| c < 1.0))
                .map(|f| BelowTarget {
                    branch: b.branch.clone(),
                    activity: f.activity,
                    gap: f.gap,
                    missing: f.missing.clone(),
                    compliance: f.compliance,
                })
        })
        .collect();
    below.sort_by(|a, b| {
        b.gap
            .cmp(&a.gap)
            .then(a.compliance.unwrap_or(1.0).total_cmp(&b.compliance.unwrap_or(1.0)))
            .then(index[&a.branch].cmp(&index[&b.branch]))
    });
    below
}

/// The members whose attendance rate is under the plan's threshold, lowest rate first.
fn members_below(member_attendance: Option<&DataFrame>, threshold: f64) -> PolarsResult<Vec<MemberBelow>> {
    let mut members_below = Vec::new();
    let Some(ma) = member_attendance else {
        return Ok(members_below);
    };
    for ((((name, branch), attended), expected), rate) in strs(ma, "name")?
        .into_iter()
        .zip(strs(ma, "branch")?)
        .zip(ints(ma, "attended")?)
        .zip(ints(ma, "expected")?)
        .zip(floats(ma, "rate")?)
    {
        if let Some(rate) = rate.filter(|r| *r < threshold) {
            members_below.push(MemberBelow {
                name,
                branch,
                attended: attended.unwrap_or(0),
                expected: expected.unwrap_or(0),
                rate: ratio(rate),
            });
        }
    }
    members_below.sort_by(|a, b| a.rate.total_cmp(&b.rate).then(a.name.cmp(&b.name)));
    Ok(members_below)
}

/// The plan's committee-wide targets with the year's totals, and whether each is met.
fn targets(plan: &Plan, total_by_type: &BTreeMap<ActivityType, TypeTotal>) -> Vec<TargetFigures> {
    plan.targets
        .iter()
        .map(|t| {
            let total = total_by_type.get(&t.activity).cloned().unwrap_or(TypeTotal {
                activities: 0,
                person_times: 0,
            });
            let met = t.activities.is_none_or(|a| total.activities >= a as i64)
                && t.person_times.is_none_or(|p| total.person_times >= p as i64);
            TargetFigures {
                activity: t.activity,
                activities: total.activities,
                activities_target: t.activities,
                person_times: total.person_times,
                person_times_target: t.person_times,
                met,
            }
        })
        .collect()
}

/// Today's year, used when nothing else tells the reporting year.
pub fn current_year() -> i32 {
    chrono::Local::now().year()
}
