//! issues.csv and activities.csv. In: the analysis. Out: UTF-8 CSV with a BOM (so Excel
//! opens the Chinese right), every text that a spreadsheet would run as a formula (`= + - @`)
//! prefixed with `'`.

use super::Exporter;
use crate::metrics::rows::{ActivityRow, Status};
use crate::normalize::Record;
use crate::pipeline::Analysis;
use crate::problems::Problem;
use anyhow::Result;
use std::borrow::Cow;
use std::path::Path;

/// Makes a cell safe for spreadsheets: text starting with `= + - @`, tab or CR gets a `'`.
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    // A byte test: a million cells at a province's size (a `char` pattern decodes each).
    if matches!(s.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn writer(path: &Path) -> Result<csv::Writer<std::fs::File>> {
    let mut file = std::fs::File::create(path)?;
    std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")?;
    // activities.csv is a province's 19 MB: written 256 KiB at a time, not 8 KiB.
    Ok(csv::WriterBuilder::new().buffer_capacity(1 << 18).from_writer(file))
}

fn write_row<W: std::io::Write, S: AsRef<str>>(w: &mut csv::Writer<W>, cells: &[S]) -> Result<()> {
    for cell in cells {
        w.write_field(safe_cell(cell.as_ref()).as_bytes())?;
    }
    w.write_record(None::<&[u8]>)?;
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

/// Where [`ISSUE_COLUMNS`] has the branch (a branch's own feedback leaves it out).
pub const ISSUE_BRANCH_COLUMN: usize = 4;

/// One problem's cells under [`ISSUE_COLUMNS`]: issues.csv, the workbook's 数据问题 and the
/// feedback's lines.
pub fn issue_cells(p: &Problem) -> [&str; 9] {
    [
        p.severity.label(),
        &p.file,
        &p.sheet,
        &p.cell,
        &p.branch,
        &p.raw,
        &p.reason,
        p.code(),
        p.hint(),
    ]
}

pub struct IssuesCsv;

impl Exporter for IssuesCsv {
    fn name(&self, _: &Analysis) -> String {
        "issues.csv".into()
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        write_row(&mut w, &ISSUE_COLUMNS)?;
        for p in &a.problems {
            write_row(&mut w, &issue_cells(p))?;
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

/// What a column of [`ACTIVITY_COLUMNS`] holds, as [`activity_values`] gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityKind {
    /// Text, the status's code included.
    Text,
    Int,
    Date,
    Flag,
}

/// The kind of a column of [`ACTIVITY_COLUMNS`].
pub fn activity_kind(column: &str) -> ActivityKind {
    match column {
        "date" => ActivityKind::Date,
        "expected" | "present" | "source_row" => ActivityKind::Int,
        "names_attendance" => ActivityKind::Flag,
        _ => ActivityKind::Text,
    }
}

/// One cell of an activity row, typed: activities.csv writes it as text, 活动明细 as a
/// typed cell, activities.parquet as a typed column (one table routine, three renderers).
#[derive(Clone, Debug, PartialEq)]
pub enum ActivityValue<'a> {
    Text(&'a str),
    Int(Option<i64>),
    Date(chrono::NaiveDate),
    Flag(bool),
    Status(Status),
}

impl ActivityValue<'_> {
    /// The text activities.csv writes (borrowed where the value is text already: a
    /// province's activities.csv has a million cells).
    pub fn csv_text(&self) -> Cow<'_, str> {
        match self {
            Self::Text(s) => Cow::Borrowed(s),
            Self::Int(v) => v.map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string())),
            Self::Date(d) => Cow::Owned(d.to_string()),
            Self::Flag(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Self::Status(s) => Cow::Borrowed(s.code()),
        }
    }
}

/// The cells of one activity row, columns as [`ACTIVITY_COLUMNS`].
pub fn activity_values<'a>(records: &'a [Record], row: &'a ActivityRow) -> [ActivityValue<'a>; 19] {
    use ActivityValue::*;
    let r = &records[row.record];
    [
        Text(&r.branch),
        Text(&row.group),
        Text(row.activity.code()),
        Text(row.activity.label()),
        Date(r.date),
        Text(&r.topic),
        Text(&r.host),
        Text(&r.location),
        Int(row.expected),
        Int(row.present),
        Flag(row.names_attendance),
        Text(r.attendees.joined()),
        Text(r.absentees.joined()),
        Status(row.status),
        Text(&r.file),
        Text(&r.sheet),
        Int(Some(r.row as i64)),
        Text(&r.type_text),
        Text(&r.note),
    ]
}

pub struct ActivitiesCsv;

impl Exporter for ActivitiesCsv {
    /// A line per activity (0.05 s at a province's size).
    fn cost(&self) -> u32 {
        4
    }

    fn name(&self, _: &Analysis) -> String {
        "activities.csv".into()
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        let mut w = writer(path)?;
        write_row(&mut w, &ACTIVITY_COLUMNS)?;
        for row in a.figures.rows.activities.iter() {
            let values = activity_values(&a.records, row);
            write_row(&mut w, &values.each_ref().map(ActivityValue::csv_text))?;
        }
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
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("\r"), "'\r");
        assert_eq!(safe_cell(""), "");
        assert_eq!(safe_cell("a=b"), "a=b");
    }
}
