//! Rows of short arbitrary text cells (mixed with real header words) into header detection.
#![no_main]

use branchstat::ingest::{Row, Value};
use branchstat::normalize::header::{HEADER_SEARCH_ROWS, HeaderAliases, detect};
use branchstat::vocab::Field;
use libfuzzer_sys::arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use std::sync::OnceLock;

static ALIASES: OnceLock<HeaderAliases> = OnceLock::new();
static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();

fn cell(u: &mut Unstructured, words: &[&'static str]) -> Result<Value> {
    Ok(match u.int_in_range(0..=9u8)? {
        0 => Value::Empty,
        1 => Value::Number(f64::arbitrary(u)?),
        2..=5 => Value::Text(u.choose(words)?.to_string()),
        6 => {
            // a header word with something around it: `参会人员签名`, ` 日期\n(年月日)`
            let w = u.choose(words)?;
            let before: String = String::arbitrary(u)?.chars().take(4).collect();
            let after: String = String::arbitrary(u)?.chars().take(8).collect();
            Value::Text(format!("{before}{w}{after}"))
        }
        _ => Value::Text(String::arbitrary(u)?.chars().take(12).collect()),
    })
}

fn rows(u: &mut Unstructured, words: &[&'static str]) -> Result<Vec<Row>> {
    let n = u.int_in_range(0..=20usize)?;
    let mut index: u32 = u32::arbitrary(u)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let width = u.int_in_range(0..=12usize)?;
        let cells = (0..width).map(|_| cell(u, words)).collect::<Result<Vec<_>>>()?;
        let merged = if bool::arbitrary(u)? {
            (0..width).map(|_| bool::arbitrary(u)).collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        out.push(Row { index, cells, merged });
        // rows are in sheet order, blank rows left out
        index = index.saturating_add(u.int_in_range(1..=3u32)?);
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let aliases = ALIASES.get_or_init(|| HeaderAliases::new(&[]));
    let words = WORDS.get_or_init(|| Field::ALL.iter().flat_map(|f| f.builtin_aliases().iter().copied()).collect());
    let mut u = Unstructured::new(data);
    let Ok(rows) = rows(&mut u, words) else { return };

    let found = detect(&rows, aliases);
    let again = detect(&rows, aliases);
    assert_eq!(found.is_some(), again.is_some(), "not deterministic");
    let Some(h) = found else { return };
    let a = again.unwrap();
    assert_eq!((h.first_row, h.last_row, &h.columns, &h.unknown, h.width), (a.first_row, a.last_row, &a.columns, &a.unknown, a.width));

    assert!(h.first_row < rows.len().min(HEADER_SEARCH_ROWS), "header row {} of {}", h.first_row, rows.len());
    assert!(h.last_row == h.first_row || h.last_row == h.first_row + 1, "{}..{}", h.first_row, h.last_row);
    assert!(h.last_row < rows.len());
    if h.last_row > h.first_row {
        assert_eq!(rows[h.last_row].index, rows[h.first_row].index + 1, "a sub-header row is the next sheet row");
    }
    // The width covers the header rows, every column is inside it, no column is two fields.
    assert_eq!(h.width, rows[h.first_row..=h.last_row].iter().map(|r| r.cells.len()).max().unwrap());
    let mut seen = HashSet::new();
    for (field, col) in &h.columns {
        assert!(*col < h.width, "{field:?} at column {col} of {}", h.width);
        assert!(seen.insert(*col), "column {col} is two fields: {:?}", h.columns);
    }
    assert!(h.columns.len() + h.unknown.len() <= h.width);
    assert!(h.unknown.iter().all(|t| !t.is_empty() && t.trim() == t));
});
