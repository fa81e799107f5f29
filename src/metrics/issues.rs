//! Problem counts for the 数据问题 sheet's opening table. In: the run's problems. Out: two
//! small DataFrames, by code (code, count, branches) in the order of [`ProblemKind::ALL`]
//! and by branch (branch, errors, warnings, notes, total), most problems first; and the
//! same as rows, [`ProblemCounts`], which the pipeline computes once the problem list is
//! final (the report runs no polars of its own). Pure.

use crate::problems::{Problem, ProblemKind, Severity};
use polars::prelude::*;

/// The label of problems that name no branch (a file that could not be read, the roster).
pub const NO_BRANCH: &str = "（未注明支部）";

fn frame(problems: &[Problem]) -> PolarsResult<DataFrame> {
    let order = |k: ProblemKind| ProblemKind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u32;
    let severity = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    df!(
        "order" => problems.iter().map(|p| order(p.kind)).collect::<Vec<_>>(),
        "code" => problems.iter().map(|p| p.code()).collect::<Vec<_>>(),
        "severity" => problems.iter().map(|p| severity(p.severity)).collect::<Vec<_>>(),
        "branch" => problems.iter().map(|p| p.branch.as_str()).collect::<Vec<_>>(),
    )
}

/// code, count, branches (distinct branches named), in the README's order of codes.
pub fn by_code(problems: &[Problem]) -> PolarsResult<DataFrame> {
    frame(problems)?
        .lazy()
        .group_by([col("order"), col("code")])
        .agg([
            len().cast(DataType::Int64).alias("count"),
            col("branch")
                .filter(col("branch").neq(lit("")))
                .n_unique()
                .cast(DataType::Int64)
                .alias("branches"),
        ])
        .sort(["order"], SortMultipleOptions::default())
        .select([col("code"), col("count"), col("branches")])
        .collect()
}

/// branch ([`NO_BRANCH`] when none is named), errors, warnings, notes, total; most first.
pub fn by_branch(problems: &[Problem]) -> PolarsResult<DataFrame> {
    let count = |s: &str| col("severity").eq(lit(s)).cast(DataType::Int64).sum();
    frame(problems)?
        .lazy()
        .with_column(
            when(col("branch").eq(lit("")))
                .then(lit(NO_BRANCH))
                .otherwise(col("branch"))
                .alias("branch"),
        )
        .group_by([col("branch")])
        .agg([
            count("error").alias("errors"),
            count("warning").alias("warnings"),
            count("note").alias("notes"),
            len().cast(DataType::Int64).alias("total"),
        ])
        .sort(
            ["total", "branch"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{ints, strs};

    #[test]
    fn counts_by_code_and_branch() {
        let p = |k, b: &str| Problem::new(k, "a.xlsx", "x").branch(b);
        let problems = vec![
            p(ProblemKind::BranchClose, "甲"),
            p(ProblemKind::DateEmpty, "甲"),
            p(ProblemKind::DateEmpty, "乙"),
            p(ProblemKind::DateEmpty, "乙"),
            Problem::new(ProblemKind::FileCorrupt, "b.xlsx", "坏"),
        ];
        let c = by_code(&problems).unwrap();
        assert_eq!(
            strs(&c, "code").unwrap(),
            ["E-DATE-EMPTY", "E-FILE-CORRUPT", "W-BRANCH-CLOSE"]
        );
        assert_eq!(ints(&c, "count").unwrap(), [Some(3), Some(1), Some(1)]);
        assert_eq!(ints(&c, "branches").unwrap(), [Some(2), Some(0), Some(1)]);
        let b = by_branch(&problems).unwrap();
        assert_eq!(strs(&b, "branch").unwrap(), ["乙", "甲", NO_BRANCH]);
        assert_eq!(ints(&b, "errors").unwrap(), [Some(2), Some(1), Some(1)]);
        assert_eq!(ints(&b, "warnings").unwrap(), [Some(0), Some(1), Some(0)]);
    }
}

/// A row of [`by_code`].
#[derive(Clone, Debug, PartialEq)]
pub struct CodeCount {
    pub code: String,
    pub count: i64,
    pub branches: i64,
}

/// A row of [`by_branch`].
#[derive(Clone, Debug, PartialEq)]
pub struct BranchCount {
    pub branch: String,
    pub errors: i64,
    pub warnings: i64,
    pub notes: i64,
    pub total: i64,
}

/// The two opening tables of 数据问题, computed once per run from the final problem list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProblemCounts {
    pub by_code: Vec<CodeCount>,
    pub by_branch: Vec<BranchCount>,
}

impl ProblemCounts {
    pub fn of(problems: &[Problem]) -> PolarsResult<Self> {
        Ok(ProblemCounts {
            by_code: code_counts(problems)?,
            by_branch: branch_counts(problems)?,
        })
    }
}

/// [`by_code`] as rows.
pub fn code_counts(problems: &[Problem]) -> PolarsResult<Vec<CodeCount>> {
    let c = by_code(problems)?;
    let (count, branches) = (super::ints(&c, "count")?, super::ints(&c, "branches")?);
    Ok(super::strs(&c, "code")?
        .into_iter()
        .enumerate()
        .map(|(k, code)| CodeCount {
            code,
            count: count[k].unwrap_or(0),
            branches: branches[k].unwrap_or(0),
        })
        .collect())
}

/// [`by_branch`] as rows.
pub fn branch_counts(problems: &[Problem]) -> PolarsResult<Vec<BranchCount>> {
    let b = by_branch(problems)?;
    let n = |name: &str| super::ints(&b, name);
    let (errors, warnings, notes, total) = (n("errors")?, n("warnings")?, n("notes")?, n("total")?);
    Ok(super::strs(&b, "branch")?
        .into_iter()
        .enumerate()
        .map(|(k, branch)| BranchCount {
            branch,
            errors: errors[k].unwrap_or(0),
            warnings: warnings[k].unwrap_or(0),
            notes: notes[k].unwrap_or(0),
            total: total[k].unwrap_or(0),
        })
        .collect())
}
