//! Year on year (SPEC 7 and 10, `--previous`). In: this run's [`Metrics`] and an earlier
//! year's metrics.json, parsed. Out: [`Previous`]: the earlier year's totals, coverage and
//! per-branch counts as they were written (and its units' coverage, when it had units), the
//! branches new or gone since then, and every change (this year − the earlier one). Pure.

use super::{Metrics, ratio};
use serde::Serialize;
use serde_json::{Map, Value as Json};

/// metrics.json `previous`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Previous {
    pub year: i64,
    pub totals: Map<String, Json>,
    pub coverage: Json,
    pub branches: Vec<PreviousBranch>,
    /// The earlier year's units with their coverage as written; empty (and not written)
    /// when that year had no units.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<PreviousUnit>,
    /// Branches of this year that the earlier year did not have.
    pub new_branches: Vec<String>,
    /// Branches of the earlier year that this year does not have.
    pub gone_branches: Vec<String>,
    pub change: Change,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PreviousBranch {
    pub branch: String,
    pub counts: Map<String, Json>,
}

/// An earlier year's unit: its name and its `coverage` (requirements, active_months) as
/// that year's metrics.json wrote them.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PreviousUnit {
    pub unit: String,
    pub coverage: Json,
}

impl PreviousUnit {
    /// The mean of the unit's requirement coverages that year, as
    /// [`UnitFigures::mean_coverage`](super::units::UnitFigures::mean_coverage) computes it.
    pub fn mean_coverage(&self) -> Option<f64> {
        let requirements = self.coverage.get("requirements").and_then(Json::as_object)?;
        super::units::mean(requirements)
    }
}

/// This year minus the earlier year: totals per type (activities, person_times), coverage
/// ratios, counts of the branches both years have. Null where either year lacks the figure.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Change {
    pub totals: Map<String, Json>,
    pub coverage: Json,
    pub branches: Vec<PreviousBranch>,
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

fn diff_int(now: Option<i64>, before: Option<i64>) -> Json {
    now.zip(before).map_or(Json::Null, |(n, b)| Json::from(n - b))
}

fn diff_ratio(now: Option<f64>, before: Option<f64>) -> Json {
    now.zip(before).map_or(Json::Null, |(n, b)| Json::from(ratio(n - b)))
}

/// Compares this run with the earlier year's metrics.json.
pub fn compare(now: &Metrics, before: &Json) -> Result<Previous, PreviousError> {
    let year = int(before.get("year")).ok_or(PreviousError::NotMetrics)?;
    let totals = before
        .get("totals")
        .and_then(Json::as_object)
        .cloned()
        .ok_or(PreviousError::NotMetrics)?;
    match year.cmp(&(now.year as i64)) {
        std::cmp::Ordering::Equal => return Err(PreviousError::SameYear(year)),
        std::cmp::Ordering::Greater => return Err(PreviousError::LaterYear(year, now.year)),
        std::cmp::Ordering::Less => {}
    }
    let coverage = before.get("coverage").cloned().unwrap_or(Json::Null);
    let branches = earlier_branches(before);
    let units = earlier_units(before);
    let was = |b: &str| branches.iter().any(|p| p.branch == b);
    let is = |b: &str| now.branches.iter().any(|n| n.branch == b);
    let change = Change {
        totals: total_changes(now, &totals),
        coverage: coverage_changes(now, &coverage),
        branches: branch_changes(now, &branches),
    };
    Ok(Previous {
        year,
        new_branches: now
            .branches
            .iter()
            .filter(|b| !was(&b.branch))
            .map(|b| b.branch.clone())
            .collect(),
        gone_branches: branches
            .iter()
            .filter(|b| !is(&b.branch))
            .map(|b| b.branch.clone())
            .collect(),
        totals,
        coverage,
        branches,
        units,
        change,
    })
}

/// The earlier year's `units` (name and coverage), none when it had none.
fn earlier_units(before: &Json) -> Vec<PreviousUnit> {
    before
        .get("units")
        .and_then(Json::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|u| {
                    Some(PreviousUnit {
                        unit: u.get("unit")?.as_str()?.to_string(),
                        coverage: u.get("coverage").cloned().unwrap_or(Json::Null),
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
                        counts: b.get("counts").and_then(Json::as_object).cloned().unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn total_changes(now: &Metrics, before: &Map<String, Json>) -> Map<String, Json> {
    now.totals
        .iter()
        .map(|(ty, t)| {
            let b = before.get(ty);
            let field = |k: &str| diff_int(int(t.get(k)), int(b.and_then(|b| b.get(k))));
            let mut m = Map::new();
            m.insert("activities".into(), field("activities"));
            m.insert("person_times".into(), field("person_times"));
            (ty.clone(), Json::Object(m))
        })
        .collect()
}

fn coverage_changes(now: &Metrics, before: &Json) -> Json {
    let ratios = |now: &Map<String, Json>, key: &str| -> Map<String, Json> {
        now.iter()
            .map(|(ty, v)| {
                let b = before.get(key).and_then(|m| m.get(ty)).and_then(Json::as_f64);
                (ty.clone(), diff_ratio(v.as_f64(), b))
            })
            .collect()
    };
    let active = diff_ratio(
        now.coverage.active_months,
        before.get("active_months").and_then(Json::as_f64),
    );
    serde_json::json!({
        "requirements": ratios(&now.coverage.requirements, "requirements"),
        "active_months": active,
        "members": ratios(&now.coverage.members, "members"),
    })
}

fn branch_changes(now: &Metrics, before: &[PreviousBranch]) -> Vec<PreviousBranch> {
    now.branches
        .iter()
        .filter_map(|b| {
            let was = before.iter().find(|p| p.branch == b.branch)?;
            let counts = b
                .counts
                .iter()
                .map(|(ty, n)| (ty.clone(), diff_int(n.as_i64(), int(was.counts.get(ty)).or(Some(0)))))
                .collect();
            Some(PreviousBranch {
                branch: b.branch.clone(),
                counts,
            })
        })
        .collect()
}
