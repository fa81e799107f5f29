//! The guard in front of calamine's `.ods` reader, and the merged cells calamine does not
//! report for ODS. In: the bytes of an OpenDocument spreadsheet. Out: each table's merged
//! regions when calamine can read every table in memory proportional to its cells, else the
//! first table that is too large.
//!
//! An ODS row or cell can say "repeated 16,000 times" in a few bytes, and calamine expands
//! the repeats into a grid from the first to the last used cell before it returns (it stops
//! only at 100 million cells, gigabytes). Here `content.xml` is scanned once with the same
//! rules, counting instead of expanding, and noting the cells that span others
//! (`table:number-rows-spanned`, `table:number-columns-spanned`) at calamine's positions.

use super::Refusal;
use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{BufReader, Cursor};

/// calamine's caps on one table.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
/// Merged regions kept per table; a real ledger has dozens.
const MAX_MERGES: usize = 100_000;

/// A number attribute (repeats, spans), 1 when absent or unreadable.
fn repeats(e: &BytesStart<'_>, attr: &str) -> u64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == attr)
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

fn has_value(e: &BytesStart<'_>) -> bool {
    e.attributes().flatten().any(|a| {
        let key = a.key.as_ref();
        key.starts_with("office:") && key != "office:value-type" || key == "table:formula"
    })
}

/// One table as calamine would lay it out.
#[derive(Default)]
struct Table {
    name: String,
    rows: u64,
    /// Cells calamine stores before it builds the grid (each row up to its last used cell,
    /// once per row element).
    stored: u64,
    /// Rows from the first used row to the last, repeats expanded.
    span: u64,
    /// Rows seen since the last used row, repeats expanded.
    pending: u64,
    first_col: Option<u64>,
    last_col: u64,
    merges: Vec<Dimensions>,
}

/// One row element being read.
#[derive(Default)]
struct Row {
    /// The row's position in the sheet (repeats of the rows above counted).
    index: u64,
    repeats: u64,
    len: u64,
    deferred_empty: u64,
    first_used: Option<u64>,
    last_used: u64,
}

impl Row {
    fn new(e: &BytesStart<'_>, table: &mut Table) -> Row {
        let wanted = repeats(e, "table:number-rows-repeated");
        let repeats = wanted.min(MAX_ROWS.saturating_sub(table.rows));
        let index = table.rows;
        table.rows += repeats;
        Row {
            index,
            repeats,
            ..Row::default()
        }
    }

    /// A cell repeated `n` times. Empty cells are stored only once a used cell follows them.
    /// Returns the cell's column.
    fn cell(&mut self, n: u64, used: bool) -> u64 {
        self.len += self.deferred_empty.min(MAX_COLUMNS.saturating_sub(self.len));
        self.deferred_empty = 0;
        let col = self.len;
        let n = n.min(MAX_COLUMNS.saturating_sub(self.len));
        if used && n > 0 {
            self.first_used.get_or_insert(self.len);
            self.last_used = self.len + n - 1;
            self.len += n;
        } else {
            self.deferred_empty = n;
        }
        col
    }
}

impl Table {
    fn end_row(&mut self, row: Row) {
        self.stored += row.len;
        match row.first_used {
            Some(first) => {
                self.span += if self.first_col.is_some() { self.pending } else { 0 } + row.repeats;
                self.pending = 0;
                self.first_col = Some(self.first_col.map_or(first, |c| c.min(first)));
                self.last_col = self.last_col.max(row.last_used);
            }
            None => self.pending += row.repeats,
        }
    }

    fn cells(&self) -> u64 {
        let grid = self
            .first_col
            .map_or(0, |first| self.span.saturating_mul(self.last_col - first + 1));
        grid.max(self.stored)
    }
}

/// Checks every table of an `.ods` against `max_cells`; returns each table's merged regions.
pub fn scan(bytes: &[u8], max_cells: u64) -> Result<HashMap<String, Vec<Dimensions>>, Refusal> {
    let damaged = |e: &dyn std::fmt::Display| Refusal::Damaged(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut merges = HashMap::new();
    let Ok(content) = zip.by_name("content.xml") else {
        // calamine says so itself.
        return Ok(merges);
    };
    let mut reader = Reader::from_reader(BufReader::new(content));
    reader.config_mut().check_end_names = false;
    let (mut buf, mut skipped) = (Vec::new(), Vec::new());
    let mut table: Option<Table> = None;
    let mut row: Option<Row> = None;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| damaged(&e))?;
        match event {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                let name = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "table:name")
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                table = Some(Table {
                    name,
                    ..Table::default()
                });
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some(t) = table.take() {
                    let cells = t.cells();
                    if cells > max_cells {
                        return Err(Refusal::Grid { sheet: t.name, cells });
                    }
                    merges.insert(t.name, t.merges);
                }
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(t) = table.as_mut() {
                    row = Some(Row::new(&e, t));
                }
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(t) = table.as_mut() {
                    let r = Row::new(&e, t);
                    t.end_row(r);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                    t.end_row(r);
                }
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") =>
            {
                // A cell with content (text, a value) may be used; one with neither is not.
                let open = matches!(event, Event::Start(_));
                if let (Some(t), Some(r)) = (table.as_mut(), row.as_mut()) {
                    let col = r.cell(repeats(e, "table:number-columns-repeated"), open || has_value(e));
                    let rows = repeats(e, "table:number-rows-spanned");
                    let cols = repeats(e, "table:number-columns-spanned");
                    let at = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                    if (rows > 1 || cols > 1) && t.merges.len() < MAX_MERGES {
                        t.merges.push(Dimensions {
                            start: (at(r.index), at(col)),
                            end: (at(r.index + rows - 1), at(col + cols - 1)),
                        });
                    }
                }
                if open {
                    let end = e.name().as_ref().to_string();
                    reader
                        .read_to_end_into(quick_xml::name::QName(&end), &mut skipped)
                        .map_err(|e| damaged(&e))?;
                    skipped.clear();
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(merges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn ods(body: &str) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        out.start_file("content.xml", options).unwrap();
        write!(
            out,
            r#"<?xml version="1.0"?><office:document-content><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        )
        .unwrap();
        out.finish().unwrap().into_inner()
    }

    const VALUE: &str =
        r#"<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#;

    #[test]
    fn an_ordinary_table_passes() {
        let rows = format!(
            r#"<table:table-row>{VALUE}{VALUE}<table:table-cell table:number-columns-repeated="1020"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
        );
        let file = ods(&format!(r#"<table:table table:name="1月">{rows}</table:table>"#));
        assert_eq!(scan(&file, 1_000).map(|m| m["1月"].len()), Ok(0));
    }

    #[test]
    fn repeated_rows_between_used_cells_count() {
        let rows = format!(
            r#"<table:table-row>{VALUE}</table:table-row><table:table-row table:number-rows-repeated="100000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="99"/>{VALUE}</table:table-row>"#
        );
        let file = ods(&format!(r#"<table:table table:name="台账">{rows}</table:table>"#));
        assert_eq!(
            scan(&file, 1_000_000).map(|_| ()),
            Err(Refusal::Grid {
                sheet: "台账".into(),
                cells: 100_002 * 100
            })
        );
        assert_eq!(scan(&file, 20_000_000).map(|_| ()), Ok(()));
    }

    #[test]
    fn a_used_cell_repeated_across_a_repeated_row_counts() {
        let rows = r#"<table:table-row table:number-rows-repeated="5000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string" office:string-value="x"/></table:table-row>"#;
        let file = ods(&format!(r#"<table:table table:name="S">{rows}</table:table>"#));
        assert!(matches!(
            scan(&file, 4_000_000),
            Err(Refusal::Grid { cells: 81_920_000, .. })
        ));
    }

    #[test]
    fn empty_cells_before_a_used_one_are_stored_once_per_row() {
        let row = format!(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="16000"/>{VALUE}</table:table-row>"#
        );
        let file = ods(&format!(
            r#"<table:table table:name="S">{}</table:table>"#,
            row.repeat(300)
        ));
        assert!(matches!(
            scan(&file, 4_000_000),
            Err(Refusal::Grid { cells: 4_800_300, .. })
        ));
    }

    #[test]
    fn spanned_cells_are_merged_regions_at_calamine_positions() {
        let rows = format!(
            r#"<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell table:number-rows-spanned="3" table:number-columns-spanned="2" office:value-type="string"><text:p>x</text:p></table:table-cell><table:covered-table-cell/>{VALUE}</table:table-row>"#
        );
        let file = ods(&format!(r#"<table:table table:name="S">{rows}</table:table>"#));
        let merges = scan(&file, 1_000).unwrap();
        assert_eq!(
            merges["S"],
            vec![Dimensions {
                start: (2, 2),
                end: (4, 3)
            }]
        );
    }
}
