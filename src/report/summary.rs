//! summary_<year>.md: the summary paragraphs in formal Chinese with the figures filled in.
//! In: the analysis. Out: Markdown text.

use super::Exporter;
use crate::pipeline::Analysis;
use anyhow::Result;
use std::path::Path;

pub struct SummaryMarkdown;

/// A date as formal Chinese writes it: `2024年6月30日`.
pub fn cn_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The summary text.
pub fn render(a: &Analysis) -> String {
    let m = &a.figures.metrics;
    let n = |code: &str| {
        m.totals
            .get(code)
            .and_then(|v| v.get("activities"))
            .and_then(|v| v.as_i64())
            .unwrap_or(0)
    };
    format!(
        "# {}年度党支部组织生活情况\n\n全年共召开支部党员大会{}次，支部委员会{}次，党小组会{}次，上党课{}次。\n",
        m.year,
        n("member_meeting"),
        n("committee_meeting"),
        n("group_meeting"),
        n("party_lecture")
    )
}

impl Exporter for SummaryMarkdown {
    fn name(&self, a: &Analysis) -> String {
        format!("summary_{}.md", a.settings.year)
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        std::fs::write(path, render(a))?;
        Ok(())
    }
}
