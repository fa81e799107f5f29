//! charts/*.svg for the written report. In: the analysis. Out: SVG files.

use super::Exporter;
use crate::pipeline::Analysis;
use anyhow::Result;
use std::path::Path;

pub struct BranchChart;
pub struct TrendChart;
pub struct AttendanceChart;

fn not_yet(path: &Path, title: &str) -> Result<()> {
    std::fs::write(
        path,
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"40\"><text x=\"10\" y=\"25\">{title}</text></svg>\n"
        ),
    )?;
    Ok(())
}

impl Exporter for BranchChart {
    fn name(&self, _: &Analysis) -> String {
        "charts/branch_counts.svg".into()
    }
    fn write(&self, _: &Analysis, path: &Path) -> Result<()> {
        not_yet(path, "各支部活动次数")
    }
}
impl Exporter for TrendChart {
    fn name(&self, _: &Analysis) -> String {
        "charts/monthly_trend.svg".into()
    }
    fn write(&self, _: &Analysis, path: &Path) -> Result<()> {
        not_yet(path, "月度趋势")
    }
}
impl Exporter for AttendanceChart {
    fn name(&self, _: &Analysis) -> String {
        "charts/attendance.svg".into()
    }
    fn write(&self, _: &Analysis, path: &Path) -> Result<()> {
        not_yet(path, "参与率")
    }
}
