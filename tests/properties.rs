//! Property tests (SPEC 8): generated ledgers, random mixes of good rows, blank rows,
//! footers, bad dates, negative counts, repeated headers and random text, written as xlsx and
//! as CSV, always satisfy read = accepted + rejected + skipped, count every non-blank row
//! under the header, and never panic.

use branchstat::config::Plan;
use branchstat::ingest::{self, Limits};
use branchstat::normalize::{self, Context};
use proptest::prelude::*;

const HEADER: [&str; 6] = ["序号", "日期", "活动类型", "活动主题", "应到", "实到"];

/// One generated ledger row: cells by column of `HEADER`, `None` for an empty cell.
#[derive(Clone, Debug)]
enum Line {
    Good {
        month: u32,
        day: u32,
        kind: usize,
        expected: u32,
        present: u32,
        as_numbers: bool,
    },
    Blank {
        spaces: bool,
    },
    Footer(usize),
    BadDate(usize),
    Negative {
        which: bool,
        value: u32,
    },
    RepeatedHeader,
    Random(Vec<Option<String>>),
}

const KINDS: [&str; 8] = [
    "支委会",
    "党员大会",
    "党小组会",
    "讲党课",
    "主题党日",
    "理论学习",
    "廉政教育",
    "座谈",
];
const FOOTERS: [&str; 5] = ["填表人：张三", "审核人：李四", "合计", "备注：无", "以下空白"];
const BAD_DATES: [&str; 5] = ["2024年13月5日", "某日", "2024-02-30", "#REF!", "下周"];

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        4 => (1u32..=12, 1u32..=28, 0..KINDS.len(), 0u32..40, 0u32..40, any::<bool>()).prop_map(
            |(month, day, kind, expected, present, as_numbers)| Line::Good {
                month,
                day,
                kind,
                expected,
                present,
                as_numbers
            }
        ),
        1 => any::<bool>().prop_map(|spaces| Line::Blank { spaces }),
        1 => (0..FOOTERS.len()).prop_map(Line::Footer),
        1 => (0..BAD_DATES.len()).prop_map(Line::BadDate),
        1 => (any::<bool>(), 1u32..50).prop_map(|(which, value)| Line::Negative { which, value }),
        1 => Just(Line::RepeatedHeader),
        2 => proptest::collection::vec(proptest::option::of("\\PC{1,12}"), HEADER.len()).prop_map(Line::Random),
    ]
}

impl Line {
    fn cells(&self, n: usize) -> Vec<Option<String>> {
        let s = |x: &str| Some(x.to_string());
        let seq = Some((n + 1).to_string());
        match self {
            Line::Good {
                month,
                day,
                kind,
                expected,
                present,
                as_numbers,
            } => {
                let count = |v: u32| if *as_numbers { v.to_string() } else { format!("{v}人") };
                vec![
                    seq,
                    Some(format!("2024年{month}月{day}日")),
                    s(KINDS[*kind]),
                    Some(format!("第{n}次活动")),
                    Some(count(*expected)),
                    Some(count(*present)),
                ]
            }
            Line::Blank { spaces } => {
                let v = if *spaces { s("  ") } else { None };
                vec![v.clone(), v.clone(), None, v, None, None]
            }
            Line::Footer(i) => vec![s(FOOTERS[*i]), None, None, None, None, None],
            Line::BadDate(i) => vec![seq, s(BAD_DATES[*i]), s("支委会"), s("研究工作"), s("5"), s("5")],
            Line::Negative { which, value } => {
                let neg = Some(format!("-{value}"));
                let (e, p) = if *which { (neg, s("5")) } else { (s("5"), neg) };
                vec![seq, s("2024年3月1日"), s("支委会"), s("负数"), e, p]
            }
            Line::RepeatedHeader => HEADER.iter().map(|h| s(h)).collect(),
            Line::Random(cells) => cells.clone(),
        }
    }
}

/// Blank as the README defines it: nothing but white space, or nothing but a 序号 number
/// (a pre-numbered empty template row).
fn is_blank(cells: &[Option<String>]) -> bool {
    let filled = |c: &Option<String>| c.as_deref().is_some_and(|t| !t.trim().is_empty());
    let seq_only_number = cells
        .first()
        .is_none_or(|c| !filled(c) || c.as_deref().is_some_and(|t| t.trim().parse::<f64>().is_ok()));
    cells.iter().skip(1).all(|c| !filled(c)) && seq_only_number
}

/// Cells that parse as numbers are written as numbers, as Excel would store them.
fn xlsx(title: &str, rows: &[Vec<Option<String>>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, title).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let Some(cell) = cell else { continue };
            let (r, c) = (r as u32 + 2, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if n.is_finite() => ws.write_number(r, c, n).unwrap(),
                _ => ws.write_string(r, c, cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

fn csv(title: &str, rows: &[Vec<Option<String>>]) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    w.write_record([title]).unwrap();
    w.write_record(HEADER).unwrap();
    for row in rows {
        w.write_record(row.iter().map(|c| c.clone().unwrap_or_default()))
            .unwrap();
    }
    w.into_inner().unwrap()
}

fn check(bytes: &[u8], rel: &str, nonblank: usize) -> Result<(), TestCaseError> {
    let raw = ingest::read_bytes(bytes, rel, &Limits::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let plan = Plan::default();
    let ctx = Context::new(&plan, None, Some(2024));
    let out = normalize::normalize_file(&raw, &ctx);
    let r = out.rows;
    prop_assert_eq!(r.read, r.accepted + r.rejected + r.skipped, "{:?}", r);
    prop_assert_eq!(r.accepted, out.records.len());
    prop_assert_eq!(r.read, nonblank, "every non-blank row under the header is read once");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_row_is_accounted_for(lines in proptest::collection::vec(line(), 0..40)) {
        let rows: Vec<Vec<Option<String>>> = lines.iter().enumerate().map(|(i, l)| l.cells(i)).collect();
        // A copy of the header on the very next row reads as the second row of a two-row
        // header, not as data (a header has at most two rows).
        let absorbed = usize::from(matches!(lines.first(), Some(Line::RepeatedHeader)));
        let nonblank = rows.iter().filter(|r| !is_blank(r)).count() - absorbed;
        let title = "桥头人民法庭党支部2024年“三会一课”登记表";
        check(&xlsx(title, &rows), "桥头人民法庭党支部/台账.xlsx", nonblank)?;
        check(&csv(title, &rows), "桥头人民法庭党支部/台账.csv", nonblank)?;
    }

    /// Arbitrary bytes, under any ledger extension, give a table or an error, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in 0usize..4) {
        let rel = ["a.xlsx", "a.xls", "a.csv", "a.ods"][ext];
        if let Ok(raw) = ingest::read_bytes(&bytes, rel, &Limits::default()) {
            let plan = Plan::default();
            let ctx = Context::new(&plan, None, Some(2024));
            let r = normalize::normalize_file(&raw, &ctx).rows;
            prop_assert_eq!(r.read, r.accepted + r.rejected + r.skipped);
        }
    }
}
