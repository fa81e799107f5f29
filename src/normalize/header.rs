//! Finding the activity table in a sheet. In: a sheet's rows and the header aliases. Out: a
//! [`Header`]: which row(s) hold the header (two-row headers such as a merged 参会人数 over
//! 应到 | 实到 included), which column is which field, and the headers nobody knows.

use crate::ingest::{Row, Value};
use crate::text::fold_char;
use crate::vocab::Field;
use std::collections::HashMap;

/// How many non-blank rows from the top may hold the header.
pub const HEADER_SEARCH_ROWS: usize = 15;

/// Longest header text looked at (units, brackets and line breaks included).
const MAX_HEADER_CHARS: usize = 30;

/// Header aliases: normalized header text → (field, priority; lower wins a tie).
#[derive(Clone, Debug)]
pub struct HeaderAliases {
    exact: HashMap<String, (Field, usize)>,
    /// For headers that merely contain an alias (`参会人员签名`), longest alias first
    /// (aliases of two characters or more).
    by_length: Vec<(String, Field, usize)>,
    /// Finds every alias of `by_length` inside a header at once (pattern i is
    /// `by_length[i]`): every cell of a ledger's top rows is looked up, ten thousand files.
    contained: aho_corasick::AhoCorasick,
}

impl Default for HeaderAliases {
    fn default() -> Self {
        HeaderAliases::new(&[])
    }
}

impl HeaderAliases {
    pub fn new(extra: &[(Field, String)]) -> Self {
        let mut exact = HashMap::new();
        let mut by_length = Vec::new();
        for field in Field::ALL {
            for (priority, alias) in field.builtin_aliases().iter().enumerate() {
                exact.entry(header_key(alias)).or_insert((field, priority));
                by_length.push((header_key(alias), field, priority));
            }
        }
        for (field, alias) in extra {
            exact.insert(header_key(alias), (*field, 0));
            by_length.push((header_key(alias), *field, 0));
        }
        by_length.retain(|(a, _, _)| a.chars().count() >= 2);
        by_length.sort_by_key(|(a, _, _)| std::cmp::Reverse(a.chars().count()));
        let contained = aho_corasick::AhoCorasick::new(by_length.iter().map(|(a, _, _)| a.as_str()))
            .expect("header aliases are short texts");
        HeaderAliases {
            exact,
            by_length,
            contained,
        }
    }

    /// The field a header cell names, exactly (after normalizing) or by containing an alias.
    pub fn field_of(&self, text: &str) -> Option<(Field, usize)> {
        // Headers are short; body cells (name lists, topics) are not worth normalizing.
        if text.chars().count() > MAX_HEADER_CHARS {
            return None;
        }
        let key = header_key(text);
        if key.is_empty() {
            return None;
        }
        if let Some(hit) = self.exact.get(&key) {
            return Some(*hit);
        }
        if key.chars().count() > 12 {
            return None;
        }
        let counts_people = key.contains("人数");
        self.contained
            .find_overlapping_iter(&key)
            .map(|m| m.pattern().as_usize())
            .filter(|&i| !(counts_people && matches!(self.by_length[i].1, Field::Attendees | Field::Absentees)))
            .min()
            .map(|i| (self.by_length[i].1, self.by_length[i].2 + 100))
    }

    pub fn is_exact(&self, text: &str) -> bool {
        text.chars().count() <= MAX_HEADER_CHARS && self.exact.contains_key(&header_key(text))
    }
}

/// Header text with spaces, line breaks, bracketed units (`（人）`) and trailing colons removed.
pub fn header_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for ch in text.chars().map(fold_char).filter(|c| !c.is_whitespace()) {
        match ch {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            ':' | '：' | '*' | '"' | '“' | '”' => {}
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// The activity table found in a sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Index (into the sheet's rows) of the first header row.
    pub first_row: usize,
    /// Index of the last header row (the same as `first_row` unless a two-row header).
    pub last_row: usize,
    /// Field → column.
    pub columns: HashMap<Field, usize>,
    /// Header texts in no known column, in column order.
    pub unknown: Vec<String>,
    /// The width of the header.
    pub width: usize,
}

impl Header {
    pub fn col(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).copied()
    }
}

fn text_of(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    }
}

/// The distinct fields a row names.
fn fields_in_row(row: &Row, aliases: &HeaderAliases) -> Vec<Field> {
    let mut fields: Vec<Field> = row
        .cells
        .iter()
        .filter_map(text_of)
        .filter_map(|t| aliases.field_of(t).map(|(f, _)| f))
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

/// True when a row repeats the header (three or more cells are exact header names).
pub fn is_header_like(row: &Row, aliases: &HeaderAliases) -> bool {
    row.cells
        .iter()
        .enumerate()
        .filter(|(c, v)| !row.is_merged(*c) && text_of(v).is_some_and(|t| aliases.is_exact(t)))
        .count()
        >= 3
}

/// Finds the header in the first [`HEADER_SEARCH_ROWS`] rows: the row naming the most
/// fields, at least three, one of them the date or the activity type.
pub fn detect(rows: &[Row], aliases: &HeaderAliases) -> Option<Header> {
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        // Rows well below a usable header are data: looking at two more is enough to prefer
        // a fuller header line just under a partial one.
        if best.is_some_and(|(b, _)| i > b + 2) {
            break;
        }
        let fields = fields_in_row(row, aliases);
        let usable = fields.len() >= 3 && (fields.contains(&Field::Date) || fields.contains(&Field::Type));
        if usable && best.is_none_or(|(_, score)| fields.len() > score) {
            best = Some((i, fields.len()));
        }
    }
    let (first_row, _) = best?;
    let header = &rows[first_row];
    let sub = rows.get(first_row + 1).filter(|next| {
        header.index.checked_add(1) == Some(next.index) && {
            let own: Vec<&str> = next
                .cells
                .iter()
                .enumerate()
                .filter(|(c, _)| !next.is_merged(*c))
                .filter_map(|(_, v)| text_of(v))
                .collect();
            let named = own.iter().filter(|t| aliases.is_exact(t)).count();
            named >= 1 && named * 2 >= own.len()
        }
    });
    let width = header.cells.len().max(sub.map_or(0, |s| s.cells.len()));
    let mut chosen: HashMap<Field, (usize, usize)> = HashMap::new();
    let mut unknown = Vec::new();
    for col in 0..width {
        let from_sub = sub.and_then(|s| {
            text_of(s.get(col))
                .filter(|_| !s.is_merged(col))
                .and_then(|t| aliases.field_of(t))
        });
        let from_header = text_of(header.get(col)).and_then(|t| aliases.field_of(t));
        let Some((field, priority)) = from_sub.or(from_header) else {
            let own = text_of(header.get(col)).filter(|_| !header.is_merged(col));
            let own_sub = sub.and_then(|s| text_of(s.get(col)).filter(|_| !s.is_merged(col)));
            if let Some(t) = own_sub.or(own) {
                unknown.push(t.trim().to_string());
            }
            continue;
        };
        match chosen.get(&field) {
            Some(&(_, p)) if p <= priority => {}
            _ => {
                chosen.insert(field, (col, priority));
            }
        }
    }
    Some(Header {
        first_row,
        last_row: if sub.is_some() { first_row + 1 } else { first_row },
        columns: chosen.into_iter().map(|(f, (c, _))| (f, c)).collect(),
        unknown,
        width,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: u32, cells: &[&str]) -> Row {
        Row {
            index,
            cells: cells
                .iter()
                .map(|s| {
                    if s.is_empty() {
                        Value::Empty
                    } else {
                        Value::Text(s.to_string())
                    }
                })
                .collect(),
            merged: Vec::new(),
        }
    }

    #[test]
    fn header_below_a_title() {
        let a = HeaderAliases::new(&[]);
        let rows = vec![
            row(0, &["某党支部2024年3月“三会一课”登记表"]),
            row(
                1,
                &[
                    "序号",
                    "时间",
                    "活动类型",
                    "活动主题",
                    "应到人数（人）",
                    "实到\n人数",
                    "参加人员",
                    "签名",
                ],
            ),
        ];
        let h = detect(&rows, &a).unwrap();
        assert_eq!(h.first_row, 1);
        assert_eq!(h.col(Field::Date), Some(1));
        assert_eq!(h.col(Field::Expected), Some(4));
        assert_eq!(h.col(Field::Present), Some(5));
        assert_eq!(h.col(Field::Attendees), Some(6));
        assert_eq!(h.unknown, vec!["签名"]);
    }

    #[test]
    fn two_row_header() {
        let a = HeaderAliases::new(&[]);
        let mut top = row(1, &["序号", "会议时间", "会议类型", "参会人数", "参会人数", "缺席人员"]);
        top.merged = vec![false, false, false, false, true, false];
        let mut sub = row(2, &["序号", "会议时间", "会议类型", "应到", "实到", "缺席人员"]);
        sub.merged = vec![true, true, true, false, false, true];
        let h = detect(&[top, sub], &a).unwrap();
        assert_eq!(h.last_row, 1);
        assert_eq!(h.col(Field::Expected), Some(3));
        assert_eq!(h.col(Field::Present), Some(4));
        assert_eq!(h.col(Field::Absentees), Some(5));
    }

    /// Found by fuzzing: a header on the last possible row index has no row after it.
    #[test]
    fn header_on_the_last_row_index() {
        let a = HeaderAliases::new(&[]);
        let h = detect(&[row(u32::MAX, &["日期", "活动类型", "主题"])], &a).unwrap();
        assert_eq!(h.last_row, 0);
    }

    #[test]
    fn no_table_in_an_instructions_sheet() {
        let a = HeaderAliases::new(&[]);
        assert!(detect(&[row(0, &["填表说明："]), row(1, &["1. 日期请按格式填写"])], &a).is_none());
    }

    #[test]
    fn a_date_column_beats_a_time_column() {
        let a = HeaderAliases::new(&[]);
        let h = detect(&[row(0, &["时间", "日期", "类型", "主题"])], &a).unwrap();
        assert_eq!(h.col(Field::Date), Some(1));
    }
}
