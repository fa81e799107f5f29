//! Unit figures (SPEC 5 "Units"): the courts' Party committees or 党总支 that branches report
//! to. In: the branch → unit table and the branch-level frames and lists already computed
//! (counts with person-times, active months, each requirement's per-branch summary, the
//! below-target and members-below lists). Out: one [`UnitFigures`] per unit, ranked by the
//! mean of its requirement coverages, lowest first (ties by name). Every figure is a polars
//! sum over the unit's branches, so the units add up to the committee-wide figures.

use super::{BelowTarget, MemberBelow, RequirementTables, TypeTotal, floats, ints, ratio, strs};
use crate::vocab::ActivityType;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct UnitCoverage {
    pub requirements: BTreeMap<ActivityType, f64>,
    pub active_months: Option<f64>,
}

/// metrics.json `units[]` (SPEC 7).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnitFigures {
    pub unit: String,
    pub branches: i64,
    pub totals: BTreeMap<ActivityType, TypeTotal>,
    pub coverage: UnitCoverage,
    pub below_target_branches: i64,
    pub members_below_threshold: i64,
    /// 1 = the lowest mean requirement coverage.
    pub rank: i64,
    /// Σ present / Σ expected over the unit's branches, per type where defined.
    pub attendance_rate: BTreeMap<ActivityType, f64>,
}

impl UnitFigures {
    /// The mean of the unit's requirement coverages (those with periods due).
    pub fn mean_coverage(&self) -> Option<f64> {
        mean(&self.coverage.requirements)
    }
}

/// The mean of a coverage map's ratios (type → ratio), none when no ratio is known.
pub fn mean(requirements: &BTreeMap<ActivityType, f64>) -> Option<f64> {
    let values: Vec<f64> = requirements.values().copied().collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// What the unit figures are computed from.
pub struct UnitInputs<'a> {
    /// branch, unit: every branch of B with its unit.
    pub units: &'a DataFrame,
    /// branch, type, activities, person_times.
    pub counts: &'a DataFrame,
    /// branch, active_months.
    pub active: &'a DataFrame,
    /// branch, type, present, expected (where both are known).
    pub rates: &'a DataFrame,
    pub requirements: &'a [RequirementTables],
    pub below_target: &'a [BelowTarget],
    pub members_below: &'a [MemberBelow],
    pub months_due: usize,
}

/// The branch → unit table, in the order given.
pub fn unit_table(units: &[(String, String)]) -> PolarsResult<DataFrame> {
    df!(
        "branch" => units.iter().map(|(b, _)| b.as_str()).collect::<Vec<_>>(),
        "unit" => units.iter().map(|(_, u)| u.as_str()).collect::<Vec<_>>()
    )
}

/// Every unit's figures, ranked.
pub fn figures(inputs: &UnitInputs) -> PolarsResult<Vec<UnitFigures>> {
    let map = inputs.units.clone().lazy();
    let with_unit = |df: LazyFrame| {
        df.join(
            map.clone(),
            [col("branch")],
            [col("branch")],
            JoinArgs::new(JoinType::Inner),
        )
    };
    let sizes = per_unit_ints(
        inputs
            .units
            .clone()
            .lazy()
            .group_by([col("unit")])
            .agg([len().cast(DataType::Int64).alias("n")]),
        "n",
    )?;
    let mut units: Vec<UnitFigures> = sizes
        .iter()
        .map(|(unit, n)| UnitFigures {
            unit: unit.clone(),
            branches: *n,
            totals: BTreeMap::new(),
            coverage: UnitCoverage {
                requirements: BTreeMap::new(),
                active_months: None,
            },
            below_target_branches: 0,
            members_below_threshold: 0,
            rank: 0,
            attendance_rate: BTreeMap::new(),
        })
        .collect();
    let index: HashMap<String, usize> = units.iter().enumerate().map(|(i, u)| (u.unit.clone(), i)).collect();
    add_totals(&mut units, with_unit(inputs.counts.clone().lazy()))?;
    add_requirement_coverage(&mut units, &index, inputs.requirements, &with_unit)?;
    add_active_months(
        &mut units,
        &index,
        with_unit(inputs.active.clone().lazy()),
        inputs.months_due,
    )?;
    let below = df!("branch" => inputs.below_target.iter().map(|b| b.branch.as_str()).collect::<Vec<_>>())?;
    let below = with_unit(below.lazy())
        .group_by([col("unit")])
        .agg([col("branch").n_unique().cast(DataType::Int64).alias("n")]);
    for (unit, n) in per_unit_ints(below, "n")? {
        units[index[&unit]].below_target_branches = n;
    }
    let members = df!("branch" => inputs.members_below.iter().map(|m| m.branch.as_str()).collect::<Vec<_>>())?;
    let members = with_unit(members.lazy())
        .group_by([col("unit")])
        .agg([len().cast(DataType::Int64).alias("n")]);
    for (unit, n) in per_unit_ints(members, "n")? {
        units[index[&unit]].members_below_threshold = n;
    }
    add_rates(&mut units, &index, with_unit(inputs.rates.clone().lazy()))?;
    rank(&mut units);
    Ok(units)
}

/// (unit, value) of a per-unit frame, sorted by unit.
fn per_unit_ints(frame: LazyFrame, value: &str) -> PolarsResult<Vec<(String, i64)>> {
    let df = frame.sort(["unit"], SortMultipleOptions::default()).collect()?;
    Ok(strs(&df, "unit")?
        .into_iter()
        .zip(ints(&df, value)?)
        .map(|(u, n)| (u, n.unwrap_or(0)))
        .collect())
}

fn add_totals(units: &mut [UnitFigures], counts: LazyFrame) -> PolarsResult<()> {
    let sums = counts
        .group_by([col("unit"), col("type")])
        .agg([col("activities").sum(), col("person_times").sum()])
        .collect()?;
    let mut by_unit: HashMap<(String, String), TypeTotal> = HashMap::new();
    for ((unit, t), (a, p)) in strs(&sums, "unit")?
        .into_iter()
        .zip(strs(&sums, "type")?)
        .zip(ints(&sums, "activities")?.into_iter().zip(ints(&sums, "person_times")?))
    {
        by_unit.insert(
            (unit, t),
            TypeTotal {
                activities: a.unwrap_or(0),
                person_times: p.unwrap_or(0),
            },
        );
    }
    for u in units.iter_mut() {
        for t in ActivityType::ALL {
            let total = by_unit
                .remove(&(u.unit.clone(), t.code().to_string()))
                .unwrap_or(TypeTotal {
                    activities: 0,
                    person_times: 0,
                });
            u.totals.insert(t, total);
        }
    }
    Ok(())
}

/// Σ met periods / Σ periods due over the unit's branches, per requirement.
fn add_requirement_coverage(
    units: &mut [UnitFigures],
    index: &HashMap<String, usize>,
    requirements: &[RequirementTables],
    with_unit: &dyn Fn(LazyFrame) -> LazyFrame,
) -> PolarsResult<()> {
    for table in requirements {
        let coverage = with_unit(table.summary.clone().lazy())
            .group_by([col("unit")])
            .agg([col("met").sum(), col("periods").sum()])
            .with_column(
                when(col("periods").gt(lit(0i64)))
                    .then(col("met").cast(DataType::Float64) / col("periods").cast(DataType::Float64))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("coverage"),
            )
            .collect()?;
        for (unit, c) in strs(&coverage, "unit")?.into_iter().zip(floats(&coverage, "coverage")?) {
            if let (Some(&i), Some(c)) = (index.get(&unit), c) {
                units[i]
                    .coverage
                    .requirements
                    .insert(table.requirement.activity, ratio(c));
            }
        }
    }
    Ok(())
}

/// Active (branch, month) pairs of the unit over its branches × the months due.
fn add_active_months(
    units: &mut [UnitFigures],
    index: &HashMap<String, usize>,
    active: LazyFrame,
    months_due: usize,
) -> PolarsResult<()> {
    if months_due == 0 {
        return Ok(());
    }
    let sums = active
        .group_by([col("unit")])
        .agg([
            col("active_months").sum(),
            len().cast(DataType::Int64).alias("branches"),
        ])
        .collect()?;
    for ((unit, active), branches) in strs(&sums, "unit")?
        .into_iter()
        .zip(ints(&sums, "active_months")?)
        .zip(ints(&sums, "branches")?)
    {
        let (active, branches) = (active.unwrap_or(0), branches.unwrap_or(0));
        if let (Some(&i), true) = (index.get(&unit), branches > 0) {
            units[i].coverage.active_months = Some(ratio(active as f64 / (branches as f64 * months_due as f64)));
        }
    }
    Ok(())
}

fn add_rates(units: &mut [UnitFigures], index: &HashMap<String, usize>, rates: LazyFrame) -> PolarsResult<()> {
    let sums = rates
        .group_by([col("unit"), col("type")])
        .agg([col("present").sum(), col("expected").sum()])
        .filter(col("expected").gt(lit(0i64)))
        .with_column((col("present").cast(DataType::Float64) / col("expected").cast(DataType::Float64)).alias("rate"))
        .collect()?;
    let mut found: HashMap<(String, String), f64> = HashMap::new();
    for ((unit, t), rate) in strs(&sums, "unit")?
        .into_iter()
        .zip(strs(&sums, "type")?)
        .zip(floats(&sums, "rate")?)
    {
        if let Some(rate) = rate {
            found.insert((unit, t), rate);
        }
    }
    for (unit, &i) in index {
        for t in ActivityType::ALL {
            if let Some(rate) = found.get(&(unit.clone(), t.code().to_string())) {
                units[i].attendance_rate.insert(t, ratio(*rate));
            }
        }
    }
    Ok(())
}

/// Lowest mean coverage first (units with nothing due last), ties by name; rank 1, 2, ….
fn rank(units: &mut [UnitFigures]) {
    units.sort_by(|a, b| match (a.mean_coverage(), b.mean_coverage()) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.unit.cmp(&b.unit)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.unit.cmp(&b.unit),
    });
    for (i, u) in units.iter_mut().enumerate() {
        u.rank = i as i64 + 1;
    }
}
