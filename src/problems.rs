//! Data problems found anywhere in a run: what, where (file, sheet, cell), the raw value
//! and why, in plain Chinese. In: pushed by `ingest` and `normalize`. Out: the rows of
//! `issues.csv`, the workbook's 数据问题 sheet and the `check` command's lines.

use serde::Serialize;
use std::fmt;

/// How much a problem matters to the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A row or file was left out of the figures.
    Error,
    /// Kept, but the branch should look at it.
    Warning,
    /// For the record: skipped sheets, superseded re-sent rows, fuzzy matches made.
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Note => "提示",
        }
    }
}

/// One data problem. `cell` is an A1 reference (`C12`) or empty for a whole file/sheet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub branch: String,
    pub raw: String,
    pub reason: String,
}

impl Problem {
    pub fn new(severity: Severity, file: &str, reason: impl Into<String>) -> Self {
        Problem {
            severity,
            file: file.to_string(),
            sheet: String::new(),
            cell: String::new(),
            branch: String::new(),
            raw: String::new(),
            reason: reason.into(),
        }
    }

    pub fn sheet(mut self, sheet: &str) -> Self {
        self.sheet = sheet.to_string();
        self
    }

    /// Sets the cell from 0-based row and column.
    pub fn at(mut self, row: u32, col: u32) -> Self {
        self.cell = cell_ref(row, col);
        self
    }

    pub fn raw(mut self, raw: impl Into<String>) -> Self {
        self.raw = raw.into();
        self
    }

    pub fn branch(mut self, branch: &str) -> Self {
        self.branch = branch.to_string();
        self
    }
}

/// `file:sheet!C12: reason`, the `check` command's line (SPEC 2). The severity is in
/// issues.csv; here the reason itself says whether the row was left out (本行未计入).
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.sheet.is_empty() {
            write!(f, ":{}", self.sheet)?;
            if !self.cell.is_empty() {
                write!(f, "!{}", self.cell)?;
            }
        }
        write!(f, ": {}", self.reason)?;
        if !self.raw.is_empty() {
            write!(f, "（原值：{}）", self.raw)?;
        }
        Ok(())
    }
}

/// Excel column letters for a 0-based column: 0 → A, 26 → AA.
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A1 reference for 0-based row and column.
pub fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(11, 2), "C12");
        assert_eq!(cell_ref(0, 25), "Z1");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_ref(1048575, 16383), "XFD1048576");
    }

    #[test]
    fn check_line() {
        let p = Problem::new(Severity::Error, "a/b.xlsx", "日期为空")
            .sheet("1月")
            .at(11, 1)
            .raw("");
        assert_eq!(p.to_string(), "a/b.xlsx:1月!B12: 日期为空");
    }
}
