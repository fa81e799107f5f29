//! Hostile and broken input (SPEC 8): a corpus of broken files that the tests build
//! themselves, each beside a good ledger, with the outcome it must have: exactly one problem
//! line naming the file, the run going on with the rest, every row accounted for.
//! The encrypted workbook is the one fixture kept as a file (tests/fixtures/broken/): it was
//! made once with msoffcrypto-tool (password `branchstat`), since no Rust crate here writes one.

use branchstat::config::Plan;
use branchstat::ingest::{self, Limits, Value};
use branchstat::pipeline::{Analysis, RunConfig, analyze};
use branchstat::problems::{Problem, Severity};
use rust_xlsxwriter::{Format, Formula, Workbook};
use std::io::{Cursor, Read, Write};
use std::path::PathBuf;

const BRANCH: &str = "桥头人民法庭党支部";
const GOOD: &str = "桥头人民法庭党支部/桥头人民法庭党支部2024年1月三会一课登记表.xlsx";
/// Data rows of the good ledger: all accepted.
const GOOD_ROWS: usize = 3;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn roster() -> PathBuf {
    repo().join("samples/roster.xlsx")
}

fn sample_xls() -> PathBuf {
    let dir = repo().join("samples/submissions/2024年07月");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xls"))
        .expect("a sample .xls")
}

/// A one-sheet workbook: row 0 the header; numbers as numbers, the rest as text.
fn ledger_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("1月").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

fn header() -> Vec<String> {
    ["日期", "活动类型", "活动主题", "应到", "实到"]
        .map(String::from)
        .to_vec()
}

fn row(date: &str, kind: &str, topic: &str, expected: &str, present: &str) -> Vec<String> {
    [date, kind, topic, expected, present].map(String::from).to_vec()
}

fn good_ledger() -> Vec<u8> {
    let mut rows = vec![vec![format!("{BRANCH}2024年1月“三会一课”登记表")], header()];
    for day in 1..=GOOD_ROWS {
        rows.push(row(&format!("2024年1月{day}日"), "支委会", "研究支部工作", "5", "5"));
    }
    ledger_bytes(&rows)
}

/// A submissions folder holding the good ledger and the given files.
struct Corpus {
    dir: tempfile::TempDir,
}

impl Corpus {
    fn new() -> Self {
        let c = Corpus {
            dir: tempfile::tempdir().unwrap(),
        };
        c.add(GOOD, &good_ledger());
        c
    }

    fn submissions(&self) -> PathBuf {
        self.dir.path().join("submissions")
    }

    fn add(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.submissions().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    fn run(&self, limits: Limits) -> Analysis {
        analyze(&RunConfig {
            submissions: self.submissions(),
            roster: Some(roster()),
            plan: Plan::default(),
            year: Some(2024),
            as_of: None,
            limits,
            explain: false,
        })
        .expect("the run goes on whatever the files")
    }
}

fn problems_of<'a>(a: &'a Analysis, rel: &str) -> Vec<&'a Problem> {
    a.problems.iter().filter(|p| p.file == rel).collect()
}

fn assert_rows_add_up(a: &Analysis) {
    let r = a.figures.metrics.rows;
    assert_eq!(r.read, r.accepted + r.rejected + r.skipped, "{r:?}");
    assert_eq!(a.rows.read, a.rows.accepted + a.rows.rejected + a.rows.skipped);
}

/// One broken file beside the good ledger: the file fails with exactly one error line whose
/// reason contains `expect`; the good ledger is read and its rows counted.
fn assert_one_failure(rel: &str, bytes: &[u8], limits: Limits, expect: &str) -> Problem {
    let corpus = Corpus::new();
    corpus.add(rel, bytes);
    let a = corpus.run(limits);
    let lines = problems_of(&a, rel);
    assert_eq!(lines.len(), 1, "{rel}: expected one problem line, got {lines:#?}");
    let p = lines[0].clone();
    eprintln!("{p}");
    assert_eq!(p.severity, Severity::Error, "{p:?}");
    assert!(
        p.reason.contains(expect),
        "{rel}: reason {:?} lacks {expect:?}",
        p.reason
    );
    assert!(p.to_string().starts_with(rel), "the check line names the file: {p}");
    let files = a.figures.metrics.files;
    assert_eq!((files.read, files.failed, files.skipped), (1, 1, 0), "{rel}: {files:?}");
    assert_eq!(a.rows.accepted, GOOD_ROWS, "{rel}: the good ledger is still counted");
    assert_rows_add_up(&a);
    p
}

fn dir_of(rel: &str) -> String {
    format!("{BRANCH}/{rel}")
}

#[test]
fn zero_byte_file() {
    assert_one_failure(&dir_of("空文件.xlsx"), b"", Limits::default(), "0 字节");
}

#[test]
fn truncated_xlsx() {
    let good = good_ledger();
    let p = assert_one_failure(
        &dir_of("截断.xlsx"),
        &good[..good.len() * 3 / 5],
        Limits::default(),
        "损坏或不完整",
    );
    let plain = p.reason.split("（技术信息").next().unwrap();
    assert!(
        !plain.chars().any(|c| c.is_ascii_alphabetic()),
        "plain Chinese first: {}",
        p.reason
    );
}

#[test]
fn pdf_renamed_xlsx() {
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
    assert_one_failure(&dir_of("台账.xlsx"), pdf, Limits::default(), "PDF");
}

#[test]
fn password_protected_workbook() {
    let bytes = std::fs::read(repo().join("tests/fixtures/broken/encrypted.xlsx")).unwrap();
    assert!(bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]), "an OLE compound file");
    assert_one_failure(&dir_of("加密台账.xlsx"), &bytes, Limits::default(), "加密");
}

#[test]
fn html_table_saved_as_xls() {
    let html = "<html><head><meta charset=\"utf-8\"></head><body><table>\
                <tr><td>日期</td><td>活动类型</td></tr><tr><td>2024年1月5日</td><td>支委会</td></tr>\
                </table></body></html>";
    let p = assert_one_failure(
        &dir_of("网页台账.xls"),
        html.as_bytes(),
        Limits::default(),
        "网页（HTML）",
    );
    assert!(p.reason.contains(".xls"), "says what it claims to be: {}", p.reason);
}

#[test]
fn all_zero_bytes() {
    assert_one_failure(&dir_of("未下载完.xlsx"), &[0u8; 4096], Limits::default(), "空字节");
}

#[test]
fn truncated_xls() {
    let xls = std::fs::read(sample_xls()).unwrap();
    assert_one_failure(&dir_of("截断.xls"), &xls[..xls.len() / 2], Limits::default(), "损坏");
}

/// The good ledger with bytes flipped inside its compressed sheet: a CRC or inflate error.
#[test]
fn corrupt_inside_the_zip() {
    let mut bytes = good_ledger();
    let at = find(&bytes, b"xl/worksheets/sheet1.xml").expect("sheet part") + 40;
    for b in &mut bytes[at..at + 64] {
        *b ^= 0x5A;
    }
    assert_one_failure(&dir_of("损坏.xlsx"), &bytes, Limits::default(), "损坏");
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn xls_renamed_xlsx_is_read_by_content() {
    let original = sample_xls();
    let bytes = std::fs::read(&original).unwrap();
    let by_name = ingest::read_bytes(&bytes, "a.xls", &Limits::default()).unwrap();
    let renamed = ingest::read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap();
    assert!(!by_name.sheets.is_empty());
    assert_eq!(by_name.sheets.len(), renamed.sheets.len());
    for (a, b) in by_name.sheets.iter().zip(&renamed.sheets) {
        assert_eq!(a.rows.len(), b.rows.len());
        assert!(a.rows.iter().zip(&b.rows).all(|(x, y)| x.cells == y.cells));
    }
    // Through the pipeline: the renamed copy counts like the original.
    let name = original.file_name().unwrap().to_string_lossy().replace(".xls", ".xlsx");
    let rel = format!("执行局第二党支部/{name}");
    let corpus = Corpus::new();
    corpus.add(&rel, &bytes);
    let a = corpus.run(Limits::default());
    assert_eq!(a.files.read, 2);
    assert_eq!(a.files.failed, 0);
    assert!(a.records.iter().filter(|r| r.file == rel).count() > 0, "rows accepted");
    assert!(
        problems_of(&a, &rel).iter().all(|p| p.severity != Severity::Error),
        "{:#?}",
        problems_of(&a, &rel)
    );
    assert_rows_add_up(&a);
}

/// The good ledger with `part` replaced by `size` bytes of XML that deflate to almost nothing.
fn with_huge_part(part: &str, size: usize) -> Vec<u8> {
    let good = good_ledger();
    let mut src = zip::ZipArchive::new(Cursor::new(&good[..])).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let entry = src.by_index_raw(i).unwrap();
        if entry.name().unwrap() != part {
            out.raw_copy_file(entry).unwrap();
        }
    }
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    out.start_file(part, options).unwrap();
    out.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#)
        .unwrap();
    let chunk = vec![b'a'; 1 << 16];
    for _ in 0..size / chunk.len() {
        out.write_all(&chunk).unwrap();
    }
    out.write_all(b"</t></si></sst>").unwrap();
    out.finish().unwrap().into_inner()
}

const BOMB_PART: &str = "xl/sharedStrings.xml";
const BOMB_SIZE: usize = 8 << 20;

fn bomb_limits() -> Limits {
    Limits {
        max_unzipped_bytes: 256 << 10,
        ..Limits::default()
    }
}

#[test]
fn zip_bomb_is_refused_before_inflating() {
    let bomb = with_huge_part(BOMB_PART, BOMB_SIZE);
    assert!(bomb.len() < BOMB_SIZE / 50, "a bomb: {} bytes compressed", bomb.len());
    assert_one_failure(&dir_of("炸弹.xlsx"), &bomb, bomb_limits(), "超过上限");
}

/// Shared strings are held in memory whole: they have a tighter limit than streamed sheets.
#[test]
fn held_part_limit_names_the_part() {
    let bomb = with_huge_part(BOMB_PART, BOMB_SIZE);
    let limits = Limits {
        max_held_part_bytes: 1 << 20,
        ..Limits::default()
    };
    assert_one_failure(&dir_of("共享字符串过大.xlsx"), &bomb, limits, BOMB_PART);
}

/// The same bomb whose zip headers lie about the part's size: the check of declared sizes
/// passes, so the reader itself must stop at the declared size.
#[test]
fn zip_bomb_with_lying_sizes() {
    let mut bomb = with_huge_part(BOMB_PART, BOMB_SIZE);
    let name = BOMB_PART.as_bytes();
    let mut patched = 0;
    for i in 0..bomb.len().saturating_sub(46 + name.len()) {
        let (sig, size_at, name_at) = match &bomb[i..i + 4] {
            b"PK\x03\x04" => (true, i + 22, i + 30),
            b"PK\x01\x02" => (true, i + 24, i + 46),
            _ => (false, 0, 0),
        };
        if sig && bomb[name_at..].starts_with(name) {
            bomb[size_at..size_at + 4].copy_from_slice(&2000u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local and central headers");
    let p = assert_one_failure(&dir_of("说谎的炸弹.xlsx"), &bomb, bomb_limits(), "不符");
    assert!(p.reason.starts_with("文件已损坏"), "{}", p.reason);
}

/// A sheet declaring A1:XFD1048576 (one styled empty cell in the far corner) costs only its
/// real cells: read normally, rows counted.
#[test]
fn whole_sheet_dimension_with_one_styled_cell() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("1月").unwrap();
    for (c, h) in header().iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for r in 1..=4u32 {
        ws.write_string(r, 0, format!("2024年2月{r}日")).unwrap();
        ws.write_string(r, 1, "主题党日").unwrap();
        ws.write_string(r, 2, format!("二月主题党日{r}")).unwrap();
        ws.write_number(r, 3, 5).unwrap();
        ws.write_number(r, 4, 5).unwrap();
    }
    ws.write_blank(1_048_575, 16_383, &Format::new().set_bold()).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains(r#"<dimension ref="A1:XFD1048576"/>"#),
        "the test declares the whole sheet"
    );

    let raw = ingest::read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap();
    assert_eq!(raw.sheets[0].rows.len(), 5);
    assert!(raw.sheets[0].rows.iter().all(|r| r.cells.len() <= 5));

    let rel = dir_of("整表范围.xlsx");
    let corpus = Corpus::new();
    corpus.add(&rel, &bytes);
    let a = corpus.run(Limits::default());
    assert_eq!((a.files.read, a.files.failed), (2, 0));
    assert_eq!(a.rows.accepted, GOOD_ROWS + 4);
    assert_rows_add_up(&a);
}

#[test]
fn more_rows_than_the_limit() {
    // The roster (92 members) is read under the same limits, so the limit stays above it.
    let limits = Limits {
        max_rows: 200,
        ..Limits::default()
    };
    let mut rows = vec![header()];
    for i in 0..250 {
        rows.push(row(
            &format!("2024-03-{:02}", i % 28 + 1),
            "党小组会",
            &format!("学习{i}"),
            "5",
            "5",
        ));
    }
    let p = assert_one_failure(&dir_of("超长.xlsx"), &ledger_bytes(&rows), limits, "200 行");
    assert!(p.reason.contains("--max-rows"), "{}", p.reason);
    assert_eq!(p.sheet, "1月", "the sheet over the limit is the problem's place");
}

/// #REF! and #DIV/0! cached results: reported with their cell and raw value, never numbers.
#[test]
fn formula_errors_in_date_and_count_columns() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("3月").unwrap();
    for (c, h) in header().iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let text_row = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, topic: &str| {
        ws.write_string(r, 1, "支委会").unwrap();
        ws.write_string(r, 2, topic).unwrap();
    };
    // Row 2: date #REF!.
    ws.write_formula(1, 0, Formula::new("=#REF!+1").set_result("#REF!"))
        .unwrap();
    text_row(ws, 1, "日期引用失效");
    ws.write_number(1, 3, 5).unwrap();
    ws.write_number(1, 4, 5).unwrap();
    // Row 3: 应到 #DIV/0!.
    ws.write_string(2, 0, "2024年3月5日").unwrap();
    text_row(ws, 2, "应到除零");
    ws.write_formula(2, 3, Formula::new("=5/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_number(2, 4, 5).unwrap();
    // Row 4: 实到 #REF!.
    ws.write_string(3, 0, "2024年3月6日").unwrap();
    text_row(ws, 3, "实到引用失效");
    ws.write_number(3, 3, 5).unwrap();
    ws.write_formula(3, 4, Formula::new("=#REF!").set_result("#REF!"))
        .unwrap();
    // Row 5: date #DIV/0!.
    ws.write_formula(4, 0, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    text_row(ws, 4, "日期除零");
    let bytes = wb.save_to_buffer().unwrap();

    let raw = ingest::read_bytes(&bytes, "a.xlsx", &Limits::default()).unwrap();
    assert_eq!(raw.sheets[0].rows[1].get(0), &Value::Error("#REF!".into()));
    assert_eq!(raw.sheets[0].rows[2].get(3), &Value::Error("#DIV/0!".into()));

    let rel = dir_of("公式错误.xlsx");
    let corpus = Corpus::new();
    corpus.add(&rel, &bytes);
    let a = corpus.run(Limits::default());
    let at = |cell: &str| -> Vec<&Problem> { problems_of(&a, &rel).into_iter().filter(|p| p.cell == cell).collect() };
    for (cell, raw, severity) in [
        ("A2", "#REF!", Severity::Error),
        ("D3", "#DIV/0!", Severity::Warning),
        ("E4", "#REF!", Severity::Warning),
        ("A5", "#DIV/0!", Severity::Error),
    ] {
        let found = at(cell);
        assert_eq!(found.len(), 1, "{cell}: {:#?}", problems_of(&a, &rel));
        assert_eq!((found[0].raw.as_str(), found[0].severity), (raw, severity), "{cell}");
        assert_eq!(found[0].sheet, "3月");
    }
    let mine: Vec<_> = a.records.iter().filter(|r| r.file == rel).collect();
    assert_eq!(mine.len(), 2, "the rows with a bad date are rejected");
    let by_topic = |t: &str| mine.iter().find(|r| r.topic == t).unwrap();
    assert_eq!(by_topic("应到除零").expected, None);
    assert_eq!(by_topic("应到除零").present_given, Some(5));
    assert_eq!(by_topic("实到引用失效").present_given, None);
    assert_eq!(a.rows.rejected, 2);
    assert_eq!(a.rows.accepted, GOOD_ROWS + 2);
    assert_rows_add_up(&a);
}

#[test]
fn lock_and_hidden_files_are_skipped_and_counted() {
    let corpus = Corpus::new();
    let lock = [b"\x0c".as_slice(), "张三".as_bytes(), &[0u8; 150]].concat();
    corpus
        .add(&dir_of("~$桥头人民法庭党支部2024年1月三会一课登记表.xlsx"), &lock)
        .add(
            &dir_of(".~lock.桥头人民法庭党支部2024年1月三会一课登记表.xlsx#"),
            ",张三,host,24.01.2024 09:00,file:///;".as_bytes(),
        )
        .add(&dir_of(".隐藏的台账.xlsx"), &good_ledger())
        .add(".hidden/台账.xlsx", &good_ledger());
    let a = corpus.run(Limits::default());
    let files = a.figures.metrics.files;
    assert_eq!(
        (files.read, files.failed, files.skipped),
        (1, 0, 4),
        "{:#?}",
        a.problems
    );
    assert_eq!(a.rows.accepted, GOOD_ROWS, "hidden ledgers are not counted");
    let skipped: Vec<_> = a
        .problems
        .iter()
        .filter(|p| p.reason.contains("已跳过") && p.sheet.is_empty())
        .collect();
    assert_eq!(skipped.len(), 4, "{skipped:#?}");
    assert!(skipped.iter().all(|p| p.severity == Severity::Note));
}

/// Every field of every CSV under `dir`, BOM stripped.
fn csv_fields(dir: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "csv") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let text = text.trim_start_matches('\u{feff}');
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let fields = reader
                .records()
                .flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
                .collect();
            out.push((entry.file_name().to_string_lossy().into_owned(), fields));
        }
    }
    out
}

/// Text starting with `= + - @` stays text in the records and is defused in every CSV.
#[test]
fn formula_like_text_is_kept_and_defused_in_every_csv() {
    let hostile = [
        "=HYPERLINK(\"http://example.com\",\"点我\")",
        "=cmd|' /C calc'!A0",
        "+86 138 0000 0000",
        "-请假两人",
        "@SUM(1+1)",
    ];
    let mut rows = vec![
        ["日期", "活动类型", "活动主题", "主持人", "地点", "备注", "应到", "实到"]
            .map(String::from)
            .to_vec(),
    ];
    rows.push(
        [
            "2024年4月2日",
            hostile[1],
            hostile[0],
            hostile[4],
            hostile[2],
            hostile[3],
            "5",
            "5",
        ]
        .map(String::from)
        .to_vec(),
    );
    let rel = dir_of("公式文本.xlsx");
    let corpus = Corpus::new();
    corpus.add(&rel, &ledger_bytes(&rows));
    let a = corpus.run(Limits::default());
    let r = a.records.iter().find(|r| r.file == rel).expect("the row is accepted");
    assert_eq!(
        (r.topic.as_str(), r.host.as_str(), r.location.as_str(), r.note.as_str()),
        (hostile[0], hostile[4], hostile[2], hostile[3]),
        "kept as text, unchanged"
    );
    let out = corpus.dir.path().join("out");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let csvs = csv_fields(&out);
    let names: Vec<&str> = csvs.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"issues.csv") && names.contains(&"activities.csv"),
        "{names:?}"
    );
    for (name, fields) in &csvs {
        for f in fields {
            assert!(!f.starts_with(['=', '+', '-', '@']), "{name}: live formula {f:?}");
        }
    }
    let all: Vec<&String> = csvs.iter().flat_map(|(_, f)| f).collect();
    for h in hostile {
        assert!(all.iter().any(|f| **f == format!("'{h}")), "{h:?} written, defused");
    }
}

/// The whole corpus in one folder: one line per broken file in issues.csv, the rest read.
#[test]
fn whole_corpus_in_one_run() {
    let good = good_ledger();
    let xls = std::fs::read(sample_xls()).unwrap();
    let mut broken: Vec<(String, Vec<u8>)> = vec![
        (dir_of("空文件.xlsx"), Vec::new()),
        (dir_of("截断.xlsx"), good[..good.len() / 2].to_vec()),
        (dir_of("截断.xls"), xls[..xls.len() / 2].to_vec()),
        (dir_of("台账.xlsx"), b"%PDF-1.4\n%%EOF\n".to_vec()),
        (
            dir_of("网页台账.xls"),
            b"<html><table><tr><td>1</td></tr></table></html>".to_vec(),
        ),
        (dir_of("炸弹.xlsx"), with_huge_part(BOMB_PART, BOMB_SIZE)),
        (
            dir_of("加密台账.xlsx"),
            std::fs::read(repo().join("tests/fixtures/broken/encrypted.xlsx")).unwrap(),
        ),
    ];
    broken.sort();
    let corpus = Corpus::new();
    for (rel, bytes) in &broken {
        corpus.add(rel, bytes);
    }
    corpus.add(&dir_of("~$台账.xlsx"), b"lock");
    let a = corpus.run(bomb_limits());
    let files = a.figures.metrics.files;
    assert_eq!((files.read, files.failed, files.skipped), (1, broken.len(), 1));
    assert_eq!(a.rows.accepted, GOOD_ROWS);
    assert_rows_add_up(&a);

    let out = corpus.dir.path().join("out");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let text = std::fs::read_to_string(out.join("issues.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let file_col = reader.headers().unwrap().iter().position(|h| h == "文件").unwrap();
    let files_listed: Vec<String> = reader.records().map(|r| r.unwrap()[file_col].to_string()).collect();
    for (rel, _) in &broken {
        assert_eq!(
            files_listed.iter().filter(|f| *f == rel).count(),
            1,
            "{rel} has one line in issues.csv"
        );
    }
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["files"]["failed"], broken.len());
    assert_eq!(metrics["files"]["skipped"], 1);
}

fn branchstat(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_branchstat"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn run_args<'a>(corpus: &'a Corpus, out: &'a std::path::Path, year: &'a str) -> Vec<std::ffi::OsString> {
    let mut v: Vec<std::ffi::OsString> = vec!["run".into(), corpus.submissions().into(), "--roster".into()];
    v.extend([
        roster().into(),
        "--year".into(),
        year.into(),
        "--out".into(),
        out.into(),
        "--quiet".into(),
    ]);
    v
}

fn os(v: &[std::ffi::OsString]) -> Vec<&std::ffi::OsStr> {
    v.iter().map(|s| s.as_os_str()).collect()
}

/// Exit codes as README says: 0 done, 1 problems under --strict (and `check`), 2 not done.
#[test]
fn exit_codes() {
    let corpus = Corpus::new();
    corpus.add(&dir_of("台账.xlsx"), b"%PDF-1.4\n");
    let out = corpus.dir.path().join("out");
    let mut args = run_args(&corpus, &out, "2024");
    let plain = branchstat(&os(&args));
    assert_eq!(
        plain.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    args.push("--strict".into());
    let strict = branchstat(&os(&args));
    assert_eq!(
        strict.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&strict.stderr)
    );
    assert!(out.join("metrics.json").is_file(), "--strict still writes the outputs");

    let check = branchstat(&os(&["check".into(), corpus.submissions().into_os_string()]));
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains(&dir_of("台账.xlsx")));

    let missing = corpus.dir.path().join("没有这个文件夹");
    let gone = branchstat(&os(&["run".into(), missing.into_os_string(), "--quiet".into()]));
    assert_eq!(gone.status.code(), Some(2));

    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for code in ["`0` done", "`1` problems found", "`2` the run could not be done"] {
        assert!(readme.contains(code), "README documents {code}");
    }
}

fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn out_pointing_at_a_file_fails_and_leaves_it() {
    let corpus = Corpus::new();
    let file = corpus.dir.path().join("output");
    std::fs::write(&file, "not a folder").unwrap();
    let o = branchstat(&os(&run_args(&corpus, &file, "2024")));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("错误"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a folder");
}

/// A run that fails while putting its outputs in place leaves every previous output as it
/// was and no temporary folder behind. Root ignores read-only folders, so the failure is made
/// by a plain file squatting where the `charts/` folder must go (on Windows, a workbook left
/// open in Excel fails the same step).
#[test]
fn failed_run_leaves_previous_outputs_intact() {
    let corpus = Corpus::new();
    let out = corpus.dir.path().join("out");
    let first = branchstat(&os(&run_args(&corpus, &out, "2024")));
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let charts = out.join("charts");
    assert!(charts.is_dir(), "the run writes charts/");
    std::fs::remove_dir_all(&charts).unwrap();
    std::fs::write(&charts, "squatter").unwrap();
    let before = snapshot(&out);
    assert!(before.keys().any(|p| p.ends_with("metrics.json")));
    // The second run has more to say, so every output would change.
    let mut rows = vec![header()];
    rows.push(row("2024年5月8日", "党员大会", "第二次运行", "5", "5"));
    corpus.add(&dir_of("补报.xlsx"), &ledger_bytes(&rows));
    let second = branchstat(&os(&run_args(&corpus, &out, "2024")));
    assert_eq!(
        second.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let after = snapshot(&out);
    let changed: Vec<_> = before.keys().filter(|p| after.get(*p) != before.get(*p)).collect();
    assert!(changed.is_empty(), "previous outputs changed: {changed:?}");
    assert_eq!(after.len(), before.len(), "no new files: {:?}", after.keys());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The sample .xls with every end-of-chain mark in its first FAT sector turned into a link
/// to itself: each stream's chain now loops. Unchecked, calamine follows the directory chain
/// forever, growing a buffer until the process is killed.
#[test]
fn xls_with_looping_sector_chains() {
    let mut xls = std::fs::read(sample_xls()).unwrap();
    let shift = u16::from_le_bytes([xls[30], xls[31]]);
    let size = 1usize << shift;
    let first_fat = u32::from_le_bytes(xls[76..80].try_into().unwrap()) as usize;
    let at = (first_fat + 1) * size;
    let mut looped = 0;
    for (i, entry) in xls[at..at + size].chunks_exact_mut(4).enumerate() {
        if entry == 0xFFFF_FFFEu32.to_le_bytes() {
            entry.copy_from_slice(&(i as u32).to_le_bytes());
            looped += 1;
        }
    }
    assert!(looped > 0, "the sample has chains to loop");
    let p = assert_one_failure(&dir_of("循环扇区.xls"), &xls, Limits::default(), "损坏");
    assert!(p.reason.contains("loops"), "{}", p.reason);
}

/// The sample .xls with one cell moved to row 65,001, column GS: the sheet's grid from A1 to
/// there is 13 million cells, which calamine would allocate whole.
#[test]
fn xls_with_far_apart_cells() {
    let mut xls = std::fs::read(sample_xls()).unwrap();
    // A LABELSST record (type 0x00FD, 10 bytes): row, column, format, string index.
    let at = find(&xls, &[0xFD, 0x00, 0x0A, 0x00]).expect("a text cell") + 4;
    xls[at..at + 2].copy_from_slice(&65_000u16.to_le_bytes());
    xls[at + 2..at + 4].copy_from_slice(&200u16.to_le_bytes());
    assert!(
        ingest::read_bytes(
            &xls,
            "a.xls",
            &Limits {
                max_grid_cells: 20_000_000,
                ..Limits::default()
            }
        )
        .is_ok()
    );
    let p = assert_one_failure(&dir_of("远处单元格.xls"), &xls, Limits::default(), "单元格区域过大");
    assert!(p.reason.contains("上限 4000000 格"), "{}", p.reason);
}

/// An .ods of a few hundred bytes whose one used cell in row 1 and one in row 900,001,
/// column 1000, with the rows between written as one repeated row: calamine would lay out
/// the 900 million cells between them.
#[test]
fn ods_with_repeated_rows_between_far_apart_cells() {
    let cell = r#"<table:table-cell office:value-type="string"><text:p>支委会</text:p></table:table-cell>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="台账"><table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated="900000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/>{cell}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).unwrap();
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    out.start_file("content.xml", stored).unwrap();
    out.write_all(content.as_bytes()).unwrap();
    let ods = out.finish().unwrap().into_inner();
    assert!(ods.len() < 2048, "{} bytes", ods.len());
    let p = assert_one_failure(&dir_of("远处单元格.ods"), &ods, Limits::default(), "单元格区域过大");
    assert!(p.reason.contains("台账"), "{}", p.reason);
}
