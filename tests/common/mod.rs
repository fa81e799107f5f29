//! Helpers shared by the integration tests: running the library on a folder, comparing
//! figures with an expected truth.json, writing small ledgers with rust_xlsxwriter.
#![allow(dead_code)]

use branchstat::config::Plan;
use branchstat::ingest::Limits;
use branchstat::pipeline::{Analysis, RunConfig, analyze};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    repo().join("samples")
}

pub fn config(submissions: &Path, roster: Option<&Path>, year: Option<i32>) -> RunConfig {
    RunConfig {
        submissions: submissions.to_path_buf(),
        roster: roster.map(Path::to_path_buf),
        plan: Plan::default(),
        year,
        as_of: None,
        limits: Limits::default(),
        explain: false,
    }
}

pub fn run_samples() -> Analysis {
    let s = samples();
    analyze(&config(
        &s.join("submissions"),
        Some(&s.join("roster.xlsx")),
        Some(2024),
    ))
    .expect("samples run")
}

/// Compares every figure of `truth` with `got` as check_metrics.py does; returns mismatches.
pub fn compare(truth: &Value, got: &Value) -> (usize, Vec<String>) {
    let mut n = 0;
    let mut bad = Vec::new();
    walk("", truth, got, &mut n, &mut bad);
    (n, bad)
}

fn is_ratio(key: &str) -> bool {
    key == "compliance" || key == "rate" || key.ends_with("_rate") || key.ends_with("coverage")
}

fn walk(path: &str, want: &Value, got: &Value, n: &mut usize, bad: &mut Vec<String>) {
    let key = path.rsplit('.').next().unwrap_or("");
    match want {
        Value::Object(map) => {
            for (k, v) in map {
                if path.is_empty() && (k == "ambiguous" || k == "conventions") {
                    continue;
                }
                let sub = got.get(k).unwrap_or(&Value::Null);
                walk(&format!("{path}.{k}"), v, sub, n, bad);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
            *n += 1;
            let mut w: Vec<String> = items.iter().map(|v| v.to_string()).collect();
            let mut g: Vec<String> = got
                .as_array()
                .map(|a| a.iter().map(|v| v.to_string()).collect())
                .unwrap_or_default();
            w.sort();
            g.sort();
            if w != g {
                bad.push(format!("{path}: expected {w:?}, got {g:?}"));
            }
        }
        Value::Array(items) => {
            let id = |v: &Value| -> String {
                ["branch", "type", "name"]
                    .iter()
                    .filter_map(|k| v.get(*k).map(|x| x.to_string()))
                    .collect::<Vec<_>>()
                    .join("/")
            };
            let empty = Vec::new();
            let got_items = got.as_array().unwrap_or(&empty);
            *n += 1;
            if items.len() != got_items.len() {
                bad.push(format!(
                    "{path}: expected {} items, got {}",
                    items.len(),
                    got_items.len()
                ));
            }
            for item in items {
                let k = id(item);
                match got_items.iter().find(|g| id(g) == k) {
                    Some(g) => walk(&format!("{path}[{k}]"), item, g, n, bad),
                    None => bad.push(format!("{path}: missing {k}")),
                }
            }
        }
        Value::Number(w) => {
            *n += 1;
            let w = w.as_f64().unwrap_or(f64::NAN);
            let g = got.as_f64();
            let ok = match g {
                Some(g) if is_ratio(key) || w.fract() != 0.0 => (g - w).abs() <= 0.0005,
                Some(g) => g == w,
                None => false,
            };
            if !ok {
                bad.push(format!("{path}: expected {w}, got {got}"));
            }
        }
        other => {
            *n += 1;
            if other != got {
                bad.push(format!("{path}: expected {other}, got {got}"));
            }
        }
    }
}

pub fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The one record with this topic.
#[track_caller]
pub fn by_topic<'a>(a: &'a Analysis, topic: &str) -> &'a branchstat::normalize::Record {
    let found: Vec<_> = a.records.iter().filter(|r| r.topic == topic).collect();
    assert_eq!(
        found.len(),
        1,
        "records with topic {topic}: {found:#?}\nproblems: {:#?}",
        a.problems
    );
    found[0]
}

/// SPEC 8: every row under a header is accepted, rejected or skipped; a record per accepted row.
#[track_caller]
pub fn rows_balance(a: &Analysis) {
    let r = a.rows;
    assert_eq!(r.read, r.accepted + r.rejected + r.skipped, "{r:?}");
    assert_eq!(a.records.len(), r.accepted);
}

pub fn metrics_json(a: &Analysis) -> Value {
    serde_json::to_value(&a.figures.metrics).expect("serializable")
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes a one-sheet ledger: `rows[0]` is the header; cells are text unless they parse
/// as numbers.
pub fn write_ledger(path: &Path, sheet: &str, rows: &[Vec<&str>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) if !cell.starts_with('0') || *cell == "0" => ws.write_number(r as u32, c as u16, n).unwrap(),
                _ => ws.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    wb.save(path).unwrap();
}

// ---- Layout fixtures (tests/layouts.rs): workbooks, ODS, CSV and a roster built in a test.

/// One sheet of a fixture workbook. `rows[r]` is Excel row `r + 1`. A cell is text unless it
/// parses as a number (then a number in a general cell) or carries a prefix: `date:2024-03-05`
/// (a date cell), `date:2024-03-05 14:30` (a date-time cell), `time:14:30` (a time cell),
/// `text:18` (a number kept as text). `merges` are (first row, first col, last row, last col),
/// 0-based; the top-left cell's value fills the range.
#[derive(Clone, Debug, Default)]
pub struct SheetSpec {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    pub merges: Vec<(u32, u16, u32, u16)>,
    pub hidden: bool,
}

impl SheetSpec {
    pub fn new(name: &str, rows: &[&[&str]]) -> Self {
        SheetSpec {
            name: name.to_string(),
            rows: rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect(),
            ..Default::default()
        }
    }

    pub fn merge(mut self, r0: u32, c0: u16, r1: u32, c1: u16) -> Self {
        self.merges.push((r0, c0, r1, c1));
        self
    }

    pub fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }
}

fn write_cell(ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, cell: &str) {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
    use rust_xlsxwriter::Format;
    if cell.is_empty() {
        return;
    }
    if let Some(d) = cell.strip_prefix("date:") {
        if let Ok(dt) = NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M") {
            let f = Format::new().set_num_format("yyyy-mm-dd hh:mm");
            ws.write_datetime_with_format(r, c, dt, &f).unwrap();
        } else {
            let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date: cell");
            let f = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
            ws.write_datetime_with_format(r, c, day, &f).unwrap();
        }
    } else if let Some(t) = cell.strip_prefix("time:") {
        let t = NaiveTime::parse_from_str(t, "%H:%M").expect("time: cell");
        let f = Format::new().set_num_format("hh:mm");
        ws.write_datetime_with_format(r, c, t, &f).unwrap();
    } else if let Some(t) = cell.strip_prefix("text:") {
        ws.write_string(r, c, t).unwrap();
    } else {
        match cell.parse::<f64>() {
            Ok(n) if !cell.starts_with('0') || cell == "0" || cell.starts_with("0.") => {
                ws.write_number(r, c, n).unwrap();
            }
            _ => {
                ws.write_string(r, c, cell).unwrap();
            }
        }
    }
}

/// Writes an xlsx workbook (whatever the extension of `path`: an `.xlsm` or a mislabelled
/// `.xls` is the same bytes).
pub fn write_book(path: &Path, sheets: &[SheetSpec]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for spec in sheets {
        let ws = wb.add_worksheet().set_name(&spec.name).unwrap();
        let inside = |r: u32, c: u16| {
            spec.merges
                .iter()
                .any(|&(r0, c0, r1, c1)| (r0..=r1).contains(&r) && (c0..=c1).contains(&c) && (r, c) != (r0, c0))
        };
        for (r, row) in spec.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !inside(r as u32, c as u16) {
                    write_cell(ws, r as u32, c as u16, cell);
                }
            }
        }
        for &(r0, c0, r1, c1) in &spec.merges {
            let first = spec
                .rows
                .get(r0 as usize)
                .and_then(|row| row.get(c0 as usize))
                .cloned()
                .unwrap_or_default();
            ws.merge_range(r0, c0, r1, c1, "", &rust_xlsxwriter::Format::new())
                .unwrap();
            // merge_range writes a string; the real value (a number, a date) goes over it.
            write_cell(ws, r0, c0, &first);
        }
        if spec.hidden {
            ws.set_hidden(true);
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    wb.save(path).unwrap();
}

/// `rows` of string slices to owned rows, for `SheetSpec`.
pub fn sheet(name: &str, rows: &[&[&str]]) -> SheetSpec {
    SheetSpec::new(name, rows)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes a minimal valid OpenDocument spreadsheet of one sheet: `mimetype` stored first,
/// the manifest, and content.xml. Cells as in [`SheetSpec`] (`date:` cells become
/// `office:date-value` cells, numbers `office:value` cells).
pub fn write_ods(path: &Path, sheet_name: &str, rows: &[&[&str]]) {
    let mut body = String::new();
    for row in rows {
        body.push_str("<table:table-row>");
        for cell in *row {
            if cell.is_empty() {
                body.push_str("<table:table-cell/>");
            } else if let Some(d) = cell.strip_prefix("date:") {
                body.push_str(&format!(
                    "<table:table-cell office:value-type=\"date\" office:date-value=\"{d}\"><text:p>{d}</text:p></table:table-cell>"
                ));
            } else if cell.parse::<f64>().is_ok() {
                body.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{cell}\"><text:p>{cell}</text:p></table:table-cell>"
                ));
            } else {
                let t = xml_escape(cell.strip_prefix("text:").unwrap_or(cell));
                body.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
                ));
            }
        }
        body.push_str("</table:table-row>");
    }
    write_ods_xml(path, sheet_name, &body);
}

/// An .ods whose one table (`sheet_name`) holds the given `<table:table-row>` elements.
pub fn write_ods_xml(path: &Path, sheet_name: &str, body: &str) {
    use std::io::Write;
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
<office:body><office:spreadsheet><table:table table:name=\"{}\">{body}</table:table>\
</office:spreadsheet></office:body></office:document-content>",
        xml_escape(sheet_name)
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
</manifest:manifest>";
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

/// The text encodings a CSV ledger arrives in.
#[derive(Clone, Copy, Debug)]
pub enum CsvEncoding {
    Utf8,
    Utf8Bom,
    Gbk,
    Gb18030,
}

/// Writes `rows` as CSV (fields quoted where needed) in the given encoding.
pub fn write_csv(path: &Path, rows: &[&[&str]], encoding: CsvEncoding) {
    let mut text = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|f| {
                if f.contains([',', '"', '\n']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.to_string()
                }
            })
            .collect();
        text.push_str(&fields.join(","));
        text.push_str("\r\n");
    }
    let bytes: Vec<u8> = match encoding {
        CsvEncoding::Utf8 => text.into_bytes(),
        CsvEncoding::Utf8Bom => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
        CsvEncoding::Gbk => encoding_rs::GBK.encode(&text).0.into_owned(),
        CsvEncoding::Gb18030 => encoding_rs::GB18030.encode(&text).0.into_owned(),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// The fixture roster: four branches (one with aliases and two party groups) and their
/// members. 刑事审判第一党支部 has 5 members: 张三 李四 (第一党小组), 王五 赵六 钱七 (第二党小组).
pub fn write_roster(path: &Path) {
    let branches = sheet(
        "支部",
        &[
            &["支部名称", "别名", "党小组数"],
            &["刑事审判第一党支部", "刑一庭党支部、刑一庭", "2"],
            &["民事审判第一党支部", "民一庭党支部、民一庭", "1"],
            &["执行局第二党支部", "执行二处党支部", ""],
            &["行政审判党支部", "", "1"],
        ],
    );
    let members = sheet(
        "党员",
        &[
            &["姓名", "所在支部", "党小组", "类别"],
            &["张三", "刑事审判第一党支部", "第一党小组", "正式党员"],
            &["李四", "刑事审判第一党支部", "第一党小组", "正式党员"],
            &["王五", "刑事审判第一党支部", "第二党小组", "正式党员"],
            &["赵六", "刑事审判第一党支部", "第二党小组", "预备党员"],
            &["钱七", "刑事审判第一党支部", "第二党小组", "正式党员"],
            &["孙一", "民事审判第一党支部", "第一党小组", "正式党员"],
            &["周二", "民事审判第一党支部", "第一党小组", "正式党员"],
            &["吴三", "民事审判第一党支部", "第一党小组", "正式党员"],
            &["郑甲", "执行局第二党支部", "第一党小组", "正式党员"],
            &["冯乙", "行政审判党支部", "第一党小组", "正式党员"],
        ],
    );
    write_book(path, &[branches, members]);
}

/// A fresh temp dir with the fixture roster beside a `submissions/` folder.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("submissions")).unwrap();
        write_roster(&dir.path().join("roster.xlsx"));
        Fixture { dir }
    }

    pub fn sub(&self, rel: &str) -> PathBuf {
        self.dir.path().join("submissions").join(rel)
    }

    pub fn roster(&self) -> PathBuf {
        self.dir.path().join("roster.xlsx")
    }

    pub fn submissions(&self) -> PathBuf {
        self.dir.path().join("submissions")
    }

    /// Runs the pipeline on `submissions/` with the roster, `--year` and a plan.
    pub fn analyze_with(&self, year: Option<i32>, plan: Plan) -> Analysis {
        let mut c = config(&self.submissions(), Some(&self.roster()), year);
        c.plan = plan;
        analyze(&c).expect("analysis runs")
    }

    pub fn analyze(&self, year: Option<i32>) -> Analysis {
        self.analyze_with(year, Plan::default())
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}
