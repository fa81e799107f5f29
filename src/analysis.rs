//! What a run hands the report: the records, every problem and the figures. In: built by
//! [`crate::pipeline`]. Out: read by [`crate::report`] and the command line; it knows
//! neither.

use crate::metrics::issues::ProblemCounts;
use crate::metrics::{Figures, FileCounts, Settings};
use crate::normalize::roster::Roster;
use crate::normalize::{Record, RowCounts, SheetLayout};
use crate::problems::{Problem, Severity};

/// The result of reading and computing.
#[derive(Debug)]
pub struct Analysis {
    pub settings: Settings,
    /// The submissions folder as given (problems' files are relative to it).
    pub submissions: std::path::PathBuf,
    pub roster: Option<Roster>,
    /// Shared with the thread that writes 活动明细 while the figures are computed.
    pub records: std::sync::Arc<Vec<Record>>,
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
    /// [`Self::problems`] counted by code and by branch (数据问题's opening tables).
    pub problem_counts: ProblemCounts,
    pub figures: Figures,
    pub files: FileCounts,
    pub rows: RowCounts,
    /// How each sheet's header was read, when `RunConfig::explain` asked.
    pub layouts: Vec<SheetLayout>,
}

impl Analysis {
    /// The problems in what was sent (read, rows, names), without the plausibility
    /// warnings (需说明) found across a year's activities.
    pub fn data_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.kind.is_plausibility())
    }

    /// Problems that matter for `--strict` and `check`: errors and warnings.
    pub fn serious_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity != Severity::Note)
    }
}
