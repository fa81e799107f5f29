//! issues.csv and activities.csv. In: the analysis. Out: UTF-8 CSV with a BOM (so Excel
//! opens the Chinese right), every text that a spreadsheet would run as a formula (`= + - @`)
//! prefixed with `'`.

use super::Exporter;
use crate::metrics::{bools, ints, strs};
use crate::pipeline::Analysis;
use crate::vocab::ActivityType;
use anyhow::Result;
use std::path::Path;

/// Makes a cell safe for spreadsheets: text starting with `= + - @`, tab or CR gets a `'`.
pub fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn writer(path: &Path) -> Result<csv::Writer<std::fs::File>> {
    let mut file = std::fs::File::create(path)?;
    std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")?;
    Ok(csv::Writer::from_writer(file))
}

fn write_row<W: std::io::Write>(w: &mut csv::Writer<W>, cells: &[String]) -> Result<()> {
    w.write_record(cells.iter().map(|c| safe_cell(c)))?;
    Ok(())
}

/// The columns of issues.csv and of the 数据问题 lines.
pub const ISSUE_COLUMNS: [&str; 9] = [
    "级别",
    "文件",
    "工作表",
    "单元格",
    "支部",
    "原值",
    "原因",
    "代码",
    "处理建议",
];

pub struct IssuesCsv;

impl Exporter for IssuesCsv {
    fn name(&self, _: &Analysis) -> String {
        "issues.csv".into()
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        write_row(&mut w, &ISSUE_COLUMNS.map(String::from))?;
        for p in &a.problems {
            write_row(
                &mut w,
                &[
                    p.severity.label().into(),
                    p.file.clone(),
                    p.sheet.clone(),
                    p.cell.clone(),
                    p.branch.clone(),
                    p.raw.clone(),
                    p.reason.clone(),
                    p.code().into(),
                    p.hint().into(),
                ],
            )?;
        }
        w.flush()?;
        Ok(())
    }
}

pub const ACTIVITY_COLUMNS: [&str; 19] = [
    "branch",
    "group",
    "type",
    "type_label",
    "date",
    "topic",
    "host",
    "location",
    "expected",
    "present",
    "names_attendance",
    "attendees",
    "absentees",
    "status",
    "source_file",
    "source_sheet",
    "source_row",
    "type_text",
    "note",
];

/// Hands each normalized activity (columns as [`ACTIVITY_COLUMNS`]) to `f`, one row at a
/// time: activities.csv and the 活动明细 sheet stream them rather than hold a province's
/// hundred thousand rows of text twice.
pub fn for_each_activity_row(a: &Analysis, mut f: impl FnMut(&[String]) -> Result<()>) -> Result<()> {
    let df = &a.figures.frames.activities;
    let record = ints(df, "record")?;
    let types = strs(df, "type")?;
    let groups = strs(df, "group")?;
    let expected = ints(df, "expected")?;
    let present = ints(df, "present")?;
    let status = strs(df, "status")?;
    let named = bools(df, "names_attendance")?;
    let mut row: Vec<String> = Vec::with_capacity(ACTIVITY_COLUMNS.len());
    for i in 0..df.height() {
        let r = &a.records[record[i].unwrap_or(0) as usize];
        let t = ActivityType::from_code(&types[i]).unwrap_or(ActivityType::Other);
        row.clear();
        row.extend([
            r.branch.clone(),
            groups[i].clone(),
            types[i].clone(),
            t.label().to_string(),
            r.date.to_string(),
            r.topic.clone(),
            r.host.clone(),
            r.location.clone(),
            expected[i].map(|v| v.to_string()).unwrap_or_default(),
            present[i].map(|v| v.to_string()).unwrap_or_default(),
            named[i].to_string(),
            r.attendees.join("、"),
            r.absentees.join("、"),
            status[i].clone(),
            r.file.clone(),
            r.sheet.clone(),
            r.row.to_string(),
            r.type_text.clone(),
            r.note.clone(),
        ]);
        f(&row)?;
    }
    Ok(())
}

pub struct ActivitiesCsv;

impl Exporter for ActivitiesCsv {
    fn name(&self, _: &Analysis) -> String {
        "activities.csv".into()
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        write_row(&mut w, &ACTIVITY_COLUMNS.map(String::from))?;
        for_each_activity_row(a, |row| write_row(&mut w, row))?;
        w.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(safe_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-2"), "'-2");
        assert_eq!(safe_cell("@cmd"), "'@cmd");
        assert_eq!(safe_cell("学习"), "学习");
    }
}
