//! Year on year (SPEC 7 and 10, `--previous`). In: this run's [`Metrics`], an earlier
//! year's metrics.json, parsed, and which of this year's branches an earlier name is (the
//! roster's aliases: a branch renamed since). Out: [`Previous`]: the earlier year's totals,
//! coverage and per-branch counts as they were written (and its units' coverage, when it
//! had units), the branches renamed, new or gone since then, and every change (this year −
//! the earlier one). Pure.

use super::units::UnitCoverage;
use super::{Metrics, TypeTotal, ratio};
use crate::vocab::ActivityType;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// metrics.json `previous`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Previous {
    pub year: i64,
    pub totals: BTreeMap<ActivityType, TypeTotal>,
    pub coverage: PreviousCoverage,
    pub branches: Vec<PreviousBranch>,
    /// The earlier year's units with their coverage as written; empty (and not written)
    /// when that year had no units.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<PreviousUnit>,
    /// Branches the earlier year had under another name (this year's roster lists it as an
    /// alias): compared as one branch, and neither new nor gone. Not written when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renamed: Vec<Renamed>,
    /// Branches of this year that the earlier year did not have.
    pub new_branches: Vec<String>,
    /// Branches of the earlier year that this year does not have.
    pub gone_branches: Vec<String>,
    pub change: Change,
}

/// The earlier year's `coverage` as it wrote it (SPEC 7), types it does not know left out.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PreviousCoverage {
    pub requirements: BTreeMap<ActivityType, f64>,
    pub active_months: Option<f64>,
    pub members: BTreeMap<ActivityType, f64>,
}

/// A branch's earlier name and this year's.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Renamed {
    pub before: String,
    pub now: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PreviousBranch {
    pub branch: String,
    pub counts: BTreeMap<ActivityType, i64>,
}

/// An earlier year's unit: its name and its `coverage` (requirements, active_months) as
/// that year's metrics.json wrote them.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PreviousUnit {
    pub unit: String,
    pub coverage: UnitCoverage,
}

impl PreviousUnit {
    /// The mean of the unit's requirement coverages that year, as
    /// [`UnitFigures::mean_coverage`](super::units::UnitFigures::mean_coverage) computes it.
    pub fn mean_coverage(&self) -> Option<f64> {
        super::units::mean(&self.coverage.requirements)
    }
}

/// This year minus the earlier year: totals per type (activities, person_times), coverage
/// ratios, counts of the branches both years have. Null where either year lacks the figure.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Change {
    pub totals: BTreeMap<ActivityType, TotalChange>,
    pub coverage: CoverageChange,
    pub branches: Vec<PreviousBranch>,
}

/// One type's change of totals; none where the earlier year lacks the figure.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct TotalChange {
    pub activities: Option<i64>,
    pub person_times: Option<i64>,
}

/// The change of each coverage ratio; none where the earlier year lacks it.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CoverageChange {
    pub requirements: BTreeMap<ActivityType, Option<f64>>,
    pub active_months: Option<f64>,
    pub members: BTreeMap<ActivityType, Option<f64>>,
}

impl Previous {
    /// The name this year's branch had in the earlier year: its own unless renamed since.
    pub fn earlier_name<'a>(&'a self, now: &'a str) -> &'a str {
        self.renamed
            .iter()
            .find(|r| r.now == now)
            .map_or(now, |r| r.before.as_str())
    }

    /// The earlier year's counts of this year's branch, under its earlier name.
    pub fn earlier_counts(&self, now: &str) -> Option<&BTreeMap<ActivityType, i64>> {
        let before = self.earlier_name(now);
        self.branches.iter().find(|b| b.branch == before).map(|b| &b.counts)
    }
}

/// Why an earlier metrics.json cannot be compared with.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PreviousError {
    #[error("不是 branchstat 写出的 metrics.json（缺少 year 或 totals）")]
    NotMetrics,
    #[error("上年数据是 {0} 年度的，与本次统计年度相同，请指定较早年度的输出")]
    SameYear(i64),
    #[error("上年数据是 {0} 年度的，晚于本次统计年度 {1}，请指定较早年度的输出")]
    LaterYear(i64, i32),
}

fn int(v: Option<&Json>) -> Option<i64> {
    v.and_then(Json::as_i64)
}

fn diff_int(now: Option<i64>, before: Option<i64>) -> Option<i64> {
    now.zip(before).map(|(n, b)| n - b)
}

fn diff_ratio(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    now.zip(before).map(|(n, b)| ratio(n - b))
}

/// A JSON object keyed by type code as a typed map: the codes known and values `value` reads.
fn by_type<T>(v: Option<&Json>, value: impl Fn(&Json) -> Option<T>) -> BTreeMap<ActivityType, T> {
    v.and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((ActivityType::from_code(k)?, value(v)?)))
                .collect()
        })
        .unwrap_or_default()
}

/// An earlier `coverage` object, typed.
fn parse_coverage(v: &Json) -> PreviousCoverage {
    PreviousCoverage {
        requirements: by_type(v.get("requirements"), Json::as_f64),
        active_months: v.get("active_months").and_then(Json::as_f64),
        members: by_type(v.get("members"), Json::as_f64),
    }
}

/// Compares this run with the earlier year's metrics.json. `this_years` names the branch of
/// this year an earlier branch name is, if any (by the roster's names and aliases).
pub fn compare(
    now: &Metrics,
    before: &Json,
    this_years: impl Fn(&str) -> Option<String>,
) -> Result<Previous, PreviousError> {
    let year = int(before.get("year")).ok_or(PreviousError::NotMetrics)?;
    let totals_json: &Map<String, Json> = before
        .get("totals")
        .and_then(Json::as_object)
        .ok_or(PreviousError::NotMetrics)?;
    match year.cmp(&(now.year as i64)) {
        std::cmp::Ordering::Equal => return Err(PreviousError::SameYear(year)),
        std::cmp::Ordering::Greater => return Err(PreviousError::LaterYear(year, now.year)),
        std::cmp::Ordering::Less => {}
    }
    let totals: BTreeMap<ActivityType, TypeTotal> = totals_json
        .iter()
        .filter_map(|(k, v)| {
            Some((
                ActivityType::from_code(k)?,
                TypeTotal {
                    activities: int(v.get("activities"))?,
                    person_times: int(v.get("person_times"))?,
                },
            ))
        })
        .collect();
    let coverage = before.get("coverage").map(parse_coverage).unwrap_or_default();
    let branches = earlier_branches(before);
    let units = earlier_units(before);
    let renamed = renamed_since(now, &branches, this_years);
    let mut previous = Previous {
        year,
        totals,
        coverage,
        branches,
        units,
        renamed,
        new_branches: Vec::new(),
        gone_branches: Vec::new(),
        change: Change {
            totals: total_changes(now, totals_json),
            coverage: CoverageChange::default(),
            branches: Vec::new(),
        },
    };
    previous.change.coverage = coverage_changes(now, &previous.coverage);
    previous.change.branches = branch_changes(now, &previous);
    previous.new_branches = now
        .branches
        .iter()
        .filter(|b| previous.earlier_counts(&b.branch).is_none())
        .map(|b| b.branch.clone())
        .collect();
    let is = |b: &str| now.branches.iter().any(|n| n.branch == b) || previous.renamed.iter().any(|r| r.before == b);
    previous.gone_branches = previous
        .branches
        .iter()
        .filter(|b| !is(&b.branch))
        .map(|b| b.branch.clone())
        .collect();
    Ok(previous)
}

/// The earlier branches this year has under another name: an earlier name this year does
/// not have, that `this_years` makes a branch of this year which the earlier year did not
/// have under its own name (else it would be two branches merged, not one renamed), each
/// branch of this year taken once.
fn renamed_since(
    now: &Metrics,
    earlier: &[PreviousBranch],
    this_years: impl Fn(&str) -> Option<String>,
) -> Vec<Renamed> {
    let is = |b: &str| now.branches.iter().any(|n| n.branch == b);
    let was = |b: &str| earlier.iter().any(|p| p.branch == b);
    let mut renamed: Vec<Renamed> = Vec::new();
    for b in earlier.iter().filter(|b| !is(&b.branch)) {
        if let Some(name) = this_years(&b.branch).filter(|n| is(n) && !was(n))
            && !renamed.iter().any(|r| r.now == name)
        {
            renamed.push(Renamed {
                before: b.branch.clone(),
                now: name,
            });
        }
    }
    renamed
}

/// The earlier year's `units` (name and coverage), none when it had none.
fn earlier_units(before: &Json) -> Vec<PreviousUnit> {
    before
        .get("units")
        .and_then(Json::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|u| {
                    let coverage = u.get("coverage");
                    Some(PreviousUnit {
                        unit: u.get("unit")?.as_str()?.to_string(),
                        coverage: UnitCoverage {
                            requirements: by_type(coverage.and_then(|c| c.get("requirements")), Json::as_f64),
                            active_months: coverage.and_then(|c| c.get("active_months")).and_then(Json::as_f64),
                        },
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn earlier_branches(before: &Json) -> Vec<PreviousBranch> {
    before
        .get("branches")
        .and_then(Json::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|b| {
                    Some(PreviousBranch {
                        branch: b.get("branch")?.as_str()?.to_string(),
                        counts: by_type(b.get("counts"), Json::as_i64),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn total_changes(now: &Metrics, before: &Map<String, Json>) -> BTreeMap<ActivityType, TotalChange> {
    now.totals
        .iter()
        .map(|(ty, t)| {
            let b = before.get(ty.code());
            let field = |now: i64, k: &str| diff_int(Some(now), int(b.and_then(|b| b.get(k))));
            (
                *ty,
                TotalChange {
                    activities: field(t.activities, "activities"),
                    person_times: field(t.person_times, "person_times"),
                },
            )
        })
        .collect()
}

fn coverage_changes(now: &Metrics, before: &PreviousCoverage) -> CoverageChange {
    let ratios = |now: &BTreeMap<ActivityType, f64>, before: &BTreeMap<ActivityType, f64>| {
        now.iter()
            .map(|(ty, v)| (*ty, diff_ratio(Some(*v), before.get(ty).copied())))
            .collect()
    };
    CoverageChange {
        requirements: ratios(&now.coverage.requirements, &before.requirements),
        active_months: diff_ratio(now.coverage.active_months, before.active_months),
        members: ratios(&now.coverage.members, &before.members),
    }
}

/// Each branch both years have (under this year's name): this year's counts less the earlier.
fn branch_changes(now: &Metrics, previous: &Previous) -> Vec<PreviousBranch> {
    now.branches
        .iter()
        .filter_map(|b| {
            let was = previous.earlier_counts(&b.branch)?;
            let counts = b
                .counts
                .iter()
                .map(|(ty, n)| (*ty, n - was.get(ty).copied().unwrap_or(0)))
                .collect();
            Some(PreviousBranch {
                branch: b.branch.clone(),
                counts,
            })
        })
        .collect()
}
