//! Files in, raw tables out. The only user of calamine: finds the ledger files under a
//! folder, tells what each file really is from its first bytes (not its name), guards
//! against hostile files (zip sizes, rows; `.xls` sector chains and `.xls`/`.ods` grids in
//! `ole` and `ods`, before calamine sees them), and turns every visible sheet into rows of cell
//! values with their 0-based positions, merged regions filled from their top-left cell.
//! Knows nothing of ledgers: headers, dates and branches are `normalize`'s business.

use crate::problems::{Problem, ProblemKind};
use calamine::{Data, DataRef, Reader, SheetVisible};
use chrono::NaiveDateTime;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use thiserror::Error;

mod ods;
mod ole;

/// One cell's value as read.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
    /// A formula error such as `#REF!`.
    Error(String),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as a user would read it in the cell.
    pub fn display(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.clone(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::DateTime(d) if d.time() == chrono::NaiveTime::MIN => d.date().to_string(),
            Value::DateTime(d) => d.to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Error(e) => e.clone(),
        }
    }
}

/// A non-blank row of a sheet. `cells[c]` is column `c` (0-based); `merged[c]` says the value
/// was copied from the top-left cell of a merged region rather than stored in the cell.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub index: u32,
    pub cells: Vec<Value>,
    pub merged: Vec<bool>,
}

impl Row {
    pub fn get(&self, col: usize) -> &Value {
        self.cells.get(col).unwrap_or(&Value::Empty)
    }

    pub fn is_merged(&self, col: usize) -> bool {
        self.merged.get(col).copied().unwrap_or(false)
    }
}

/// A sheet as read: its name, its position in the workbook and its non-blank rows in order.
#[derive(Clone, Debug, Default)]
pub struct RawSheet {
    pub name: String,
    pub position: usize,
    pub rows: Vec<Row>,
}

/// A readable file: its path relative to the submissions folder and its visible sheets.
#[derive(Clone, Debug, Default)]
pub struct RawFile {
    pub rel_path: String,
    pub sheets: Vec<RawSheet>,
    /// Sheets passed over (hidden), for the record.
    pub notes: Vec<Problem>,
}

/// Guards against hostile input.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest file read at all.
    pub max_file_bytes: u64,
    /// Largest total of a zip-based workbook's parts once decompressed (pictures and other
    /// media, which are never inflated, do not count).
    pub max_unzipped_bytes: u64,
    /// Largest single part that the reader holds in memory whole once decompressed (shared
    /// strings, styles, the workbook part): it costs about three times its size in memory,
    /// while worksheets are streamed.
    pub max_held_part_bytes: u64,
    /// Most non-blank rows in one sheet.
    pub max_rows: usize,
    /// Columns past this are ignored.
    pub max_cols: u32,
    /// Largest grid (rows × columns, from the first to the last used cell) of a sheet in a
    /// format that calamine reads whole into a grid (.xls, .ods): a grid costs 32 bytes a
    /// cell, empty or not.
    pub max_grid_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 200 << 20,
            max_unzipped_bytes: 512 << 20,
            max_held_part_bytes: 64 << 20,
            max_rows: 500_000,
            max_cols: 256,
            max_grid_cells: 4_000_000,
        }
    }
}

/// Why a file could not be read. Each is one problem line for the user.
#[derive(Debug, Error, PartialEq)]
pub enum IngestError {
    #[error("文件为空（0 字节），请重新报送")]
    EmptyFile,
    #[error("文件已加密（设有打开密码），无法读取，请去掉密码后重新报送")]
    Encrypted,
    #[error("这不是电子表格，而是{0}，请另存为 .xlsx 后重新报送")]
    NotSpreadsheet(String),
    #[error("这是网页（HTML）格式的文件，只是扩展名为 {0}；请在 Excel 中打开后另存为 .xlsx 再报送")]
    Html(String),
    #[error("文件过大：{what}为 {}，超过上限 {}，已拒绝读取（防止恶意或异常文件耗尽内存）", human_size(*.size), human_size(*.limit))]
    TooLarge { what: String, size: u64, limit: u64 },
    #[error(
        "工作表「{sheet}」的单元格区域过大（从第一个到最后一个有内容的单元格共 {cells} 格，上限 {limit} 格），已拒绝读取；多半是远处的单元格误填了内容，请删除后另存为 .xlsx 再报送"
    )]
    GridTooLarge { sheet: String, cells: u64, limit: u64 },
    #[error("工作表「{sheet}」超过 {limit} 行的上限，已拒绝读取；确属正常台账时可用 --max-rows 调高上限")]
    TooManyRows { sheet: String, limit: usize },
    /// `why` is plain Chinese for the branch; `tech` the library's words, for whoever debugs.
    #[error("文件已损坏或不完整，无法打开：{why}。请让支部重新保存后报送{}", tech_note(.tech))]
    Corrupt { why: String, tech: String },
    #[error("无法读取文件：{0}")]
    Io(String),
    /// A file branchstat itself wrote (SPEC 8: a run never reads its own outputs).
    #[error("这是 branchstat 写出的{0}，不是支部报送的台账，已跳过")]
    OwnOutput(String),
}

/// The custom document property branchstat writes into every workbook it makes (the
/// statistics workbook, the feedback workbooks; not the blank template, which branches fill
/// in): how a later run knows its own outputs by content, whatever they are named.
pub const OUTPUT_MARKER: &str = "branchstat-output";

/// The first columns of the CSV files branchstat writes.
pub const OWN_CSV_HEADERS: [(&str, &str); 2] = [
    ("级别,文件,工作表,单元格,支部", "问题清单 issues.csv"),
    ("branch,group,type,type_label,date", "明细数据 activities.csv"),
];

fn tech_note(tech: &str) -> String {
    if tech.is_empty() {
        String::new()
    } else {
        format!("（技术信息：{tech}）")
    }
}

/// `1.5 MB`-style sizes: byte counts of nine digits mean nothing to the office.
fn human_size(bytes: u64) -> String {
    const MB: f64 = (1u64 << 20) as f64;
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else if bytes >= 1 << 10 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} 字节")
    }
}

impl IngestError {
    /// The problem code of a file that could not be read.
    pub fn kind(&self) -> ProblemKind {
        match self {
            IngestError::EmptyFile => ProblemKind::FileEmpty,
            IngestError::Encrypted => ProblemKind::FileEncrypted,
            IngestError::NotSpreadsheet(_) | IngestError::Html(_) => ProblemKind::FileNotSheet,
            IngestError::TooLarge { .. } | IngestError::GridTooLarge { .. } | IngestError::TooManyRows { .. } => {
                ProblemKind::FileTooLarge
            }
            IngestError::Corrupt { .. } | IngestError::Io(_) => ProblemKind::FileCorrupt,
            IngestError::OwnOutput(_) => ProblemKind::OwnOutput,
        }
    }

    /// The sheet the refusal is about, when it is one sheet's (its rows, its grid): the
    /// problem's place, so issues.csv's 工作表 column names it.
    pub fn sheet(&self) -> Option<&str> {
        match self {
            IngestError::GridTooLarge { sheet, .. } | IngestError::TooManyRows { sheet, .. } => Some(sheet),
            _ => None,
        }
    }

    fn corrupt(why: &str, tech: impl std::fmt::Display) -> Self {
        IngestError::Corrupt {
            why: why.to_string(),
            tech: tech.to_string(),
        }
    }
}

/// Why a guard refused a file before calamine saw it (calamine reads .xls and .ods whole
/// into grids, and follows .xls sector chains blindly).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Refusal {
    /// The file's structure is damaged (a chain loops or points outside the file ...).
    Damaged(String),
    /// A sheet's grid is larger than the limit.
    Grid { sheet: String, cells: u64 },
}

impl Refusal {
    fn into_error(self, why: &str, limits: &Limits) -> IngestError {
        match self {
            Refusal::Grid { sheet, cells } => IngestError::GridTooLarge {
                sheet,
                cells,
                limit: limits.max_grid_cells,
            },
            Refusal::Damaged(tech) => IngestError::corrupt(why, tech),
        }
    }
}

/// What was found under the submissions folder.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Ledger files to read, sorted by relative path.
    pub files: Vec<(PathBuf, String)>,
    /// Lock and hidden files, one note each.
    pub skipped: Vec<Problem>,
    /// Files of other kinds, ignored.
    pub ignored: Vec<Problem>,
}

/// Read by content whatever the extension says; `.et`/`.ett` are WPS Spreadsheets files
/// (OLE like `.xls`, or zip like `.xlsx`), `.xltx`/`.xltm`/`.xlt` Excel templates.
const LEDGER_EXTENSIONS: [&str; 11] = [
    "xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "et", "ett", "xltx", "xltm", "xlt",
];

/// Walks `dir` and sorts its files into ledger files, skipped lock/hidden files and others.
pub fn discover(dir: &Path) -> anyhow::Result<Discovered> {
    use anyhow::Context;
    let mut found = Discovered::default();
    if dir.is_file() {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        found.files.push((dir.to_path_buf(), name));
        return Ok(found);
    }
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name();
    for entry in walker {
        let entry = entry.with_context(|| format!("无法读取文件夹 {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let name = entry.file_name().to_string_lossy();
        let hidden_dir = rel.split('/').rev().skip(1).any(|part| part.starts_with('.'));
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let is_ledger = LEDGER_EXTENSIONS.contains(&ext.as_str());
        if name.starts_with("~$") || name.starts_with(".~lock.") {
            found.skipped.push(Problem::new(
                ProblemKind::FileLock,
                &rel,
                "Office/WPS/LibreOffice 临时锁定文件（~$ 或 .~lock. 开头），已跳过",
            ));
        } else if name.starts_with('.') || hidden_dir {
            if is_ledger || hidden_dir {
                found
                    .skipped
                    .push(Problem::new(ProblemKind::FileHidden, &rel, "隐藏文件，已跳过"));
            }
        } else if is_ledger {
            found.files.push((path.to_path_buf(), rel));
        } else {
            found.ignored.push(Problem::new(
                ProblemKind::FileOther,
                &rel,
                "不是台账文件（只读取 .xlsx .xlsm .xls .xlsb .ods .csv .et .ett .xltx .xltm .xlt），已忽略",
            ));
        }
    }
    found.files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    Csv,
}

/// Reads one file from disk.
pub fn read_path(path: &Path, rel: &str, limits: &Limits) -> Result<RawFile, IngestError> {
    let io = |e: std::io::Error| IngestError::Io(e.to_string());
    // One open: the size is read from the open file (ten thousand paths looked up once, not
    // twice), and the bytes go into a buffer of that size.
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limits.max_file_bytes {
        return Err(IngestError::TooLarge {
            what: "文件".into(),
            size,
            limit: limits.max_file_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, limits.max_file_bytes), &mut bytes).map_err(io)?;
    read_bytes(&bytes, rel, limits)
}

/// Reads one file from its bytes; `rel` names it (its extension matters only for text files).
pub fn read_bytes(bytes: &[u8], rel: &str, limits: &Limits) -> Result<RawFile, IngestError> {
    let format = sniff(bytes, rel, limits)?;
    // A parser's panic on a malformed file must cost that file only, not the run (the other
    // files are read on other threads of the same process).
    let parsed = std::panic::catch_unwind(|| match format {
        Format::Xlsx => read_xlsx(bytes, limits),
        Format::Xls => ole::check_xls(bytes, limits.max_grid_cells)
            .map_err(|refusal| refusal.into_error(XLS_BROKEN, limits))
            .and_then(|()| calamine::Xls::new(Cursor::new(bytes)).map_err(xls_error))
            .and_then(|mut book| {
                read_sheets(&mut book, limits, |book, name, builder| {
                    grid_cells(book, name, builder, XLS_BROKEN)?;
                    Ok(book.merge_cells_by_sheet_name(name).unwrap_or_default())
                })
            }),
        Format::Xlsb => read_xlsb(bytes, limits),
        Format::Ods => ods::scan(bytes, limits.max_grid_cells)
            .map_err(|refusal| refusal.into_error(ODS_BROKEN, limits))
            .and_then(|merges| {
                let mut book =
                    calamine::Ods::new(Cursor::new(bytes)).map_err(|e| IngestError::corrupt(ODS_BROKEN, e))?;
                // calamine reports no merged cells for ODS: the guard's scan found them.
                read_sheets(&mut book, limits, |book, name, builder| {
                    grid_cells(book, name, builder, ODS_BROKEN)?;
                    Ok(merges.get(name).cloned().unwrap_or_default())
                })
            }),
        Format::Csv => read_csv(bytes, rel, limits).map(|sheet| (vec![sheet], Vec::new())),
    });
    let (sheets, hidden) = match parsed {
        Ok(result) => result?,
        Err(panic) => {
            let tech = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Err(IngestError::corrupt(BOOK_BROKEN, format!("panic: {tech}")));
        }
    };
    let notes = hidden
        .into_iter()
        .map(|name| Problem::new(ProblemKind::SheetHidden, rel, "隐藏的工作表，已跳过").sheet(&name))
        .collect();
    Ok(RawFile {
        rel_path: rel.to_string(),
        sheets,
        notes,
    })
}

const ZIP_BROKEN: &str = "压缩结构不完整，文件可能没有保存完，或在传输中被截断";
const ZIP_DATA_BROKEN: &str = "压缩的数据已损坏（校验不符），文件可能在传输或存储中出错";
const XML_BROKEN: &str = "表格内部的内容（XML）已损坏";
const XLS_BROKEN: &str = "旧版 Excel（.xls）文件的结构已损坏或不完整";
const ODS_BROKEN: &str = "OpenDocument 表格（.ods）的内容已损坏";
const BOOK_BROKEN: &str = "工作簿的结构不正确";
const LYING_SIZE: &str = "文件内部某部分解压后的实际大小与其声明的不符（可能是异常或恶意构造的文件）";

/// Plain words for a zip-level failure; the zip crate refuses a part that inflates past its
/// declared size, and that deserves its own words.
fn zip_why(tech: &str) -> &'static str {
    if tech.contains("declared uncompressed size") {
        LYING_SIZE
    } else {
        ZIP_BROKEN
    }
}

/// XML errors that are really the zip underneath failing (a bad deflate stream, a CRC).
fn xml_why(tech: &str) -> &'static str {
    if tech.contains("declared uncompressed size") {
        LYING_SIZE
    } else if ["deflate", "checksum", "Zip", "I/O error"]
        .iter()
        .any(|k| tech.contains(k))
    {
        ZIP_DATA_BROKEN
    } else {
        XML_BROKEN
    }
}

fn xlsx_error(e: calamine::XlsxError) -> IngestError {
    use calamine::XlsxError as E;
    let tech = e.to_string();
    match e {
        E::Password => IngestError::Encrypted,
        E::Zip(_) | E::Io(_) => IngestError::corrupt(zip_why(&tech), tech),
        E::Xml(_) | E::XmlAttr(_) | E::XmlEof(_) | E::Encoding(_) => IngestError::corrupt(xml_why(&tech), tech),
        _ => IngestError::corrupt(BOOK_BROKEN, tech),
    }
}

fn xls_error(e: calamine::XlsError) -> IngestError {
    match e {
        calamine::XlsError::Password => IngestError::Encrypted,
        other => IngestError::corrupt(XLS_BROKEN, other),
    }
}

fn xlsb_error(e: calamine::XlsbError) -> IngestError {
    let tech = e.to_string();
    match e {
        calamine::XlsbError::Password => IngestError::Encrypted,
        calamine::XlsbError::Zip(_) | calamine::XlsbError::Io(_) => IngestError::corrupt(zip_why(&tech), tech),
        _ => IngestError::corrupt(BOOK_BROKEN, tech),
    }
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Tells the format from the content. Zip parts' declared sizes are checked here, before
/// any part is decompressed.
pub fn sniff(bytes: &[u8], rel: &str, limits: &Limits) -> Result<Format, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::EmptyFile);
    }
    // An interrupted copy or a cloud-drive placeholder leaves the size right and the bytes zero.
    if bytes.iter().all(|&b| b == 0) {
        return Err(IngestError::corrupt(
            "文件内容全部是空字节（0x00），可能是复制或下载没有完成",
            "",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes, limits);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        let marker: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
            return Err(IngestError::Encrypted);
        }
        if contains_utf16(bytes, "WordDocument") {
            return Err(IngestError::NotSpreadsheet("Word 文档（.doc）".into()));
        }
        return Ok(Format::Xls);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(IngestError::NotSpreadsheet("PDF 文件".into()));
    }
    for (magic, what) in [
        (&b"\x89PNG"[..], "PNG 图片"),
        (&b"\xFF\xD8\xFF"[..], "JPEG 图片"),
        (&b"GIF8"[..], "GIF 图片"),
        (&b"Rar!"[..], "RAR 压缩包"),
        (&b"7z\xBC\xAF"[..], "7z 压缩包"),
        (&b"{\\rtf"[..], "RTF 文档"),
    ] {
        if bytes.starts_with(magic) {
            return Err(IngestError::NotSpreadsheet(what.into()));
        }
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let ext = rel.rsplit('.').next().unwrap_or("").to_lowercase();
    if head.starts_with("mime-version:") || head.contains("multipart/related") {
        return Err(IngestError::NotSpreadsheet(format!(
            "单个文件网页（MHTML）格式的文件，只是扩展名为 .{ext}"
        )));
    }
    if head.starts_with('<') {
        if head.contains("<html") || head.contains("<table") || head.contains("<!doctype") {
            return Err(IngestError::Html(format!(".{ext}")));
        }
        if head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Err(IngestError::NotSpreadsheet("Excel 2003 XML 表格".into()));
        }
    }
    let looks_text = bytes.iter().take(4096).all(|&b| b >= 0x09 && b != 0x7F || b == 0);
    let plain_text = looks_text && !bytes.iter().take(4096).any(|&b| b == 0);
    // Platforms export "Excel" that is comma- or tab-separated text under an .xls name: by
    // content, that is a CSV.
    let delimited = plain_text && head.lines().take(TEXT_HEAD_LINES).any(|l| l.contains([',', '\t']));
    if ext == "csv" || delimited {
        let first_line = head.lines().next().unwrap_or("");
        if let Some((_, what)) = OWN_CSV_HEADERS
            .iter()
            .find(|(h, _)| first_line.starts_with(&h.to_lowercase()))
        {
            return Err(IngestError::OwnOutput(what.to_string()));
        }
        return Ok(Format::Csv);
    }
    if plain_text {
        return Err(IngestError::NotSpreadsheet(format!("纯文本文件（扩展名为 .{ext}）")));
    }
    Err(IngestError::corrupt("无法识别文件格式", ""))
}

/// Lines of a text file looked at for its delimiter (title lines may come first).
const TEXT_HEAD_LINES: usize = 5;

fn contains_utf16(bytes: &[u8], s: &str) -> bool {
    let marker: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(marker.len()).any(|w| w == marker.as_slice())
}

fn sniff_zip(bytes: &[u8], limits: &Limits) -> Result<Format, IngestError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| IngestError::corrupt(ZIP_BROKEN, e))?;
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| IngestError::corrupt(ZIP_BROKEN, e))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let lower = name.to_lowercase();
        let media = lower.contains("/media/") || lower.starts_with("pictures/") || lower.starts_with("thumbnails/");
        if !media {
            total = total.saturating_add(entry.size());
        }
        // calamine streams xlsx worksheets cell by cell; it reads every other part whole.
        let streamed = lower.starts_with("xl/worksheets/") && lower.ends_with(".xml");
        if !media && !streamed && entry.size() > limits.max_held_part_bytes {
            return Err(IngestError::TooLarge {
                what: format!("解压后的内部部件 {name} "),
                size: entry.size(),
                limit: limits.max_held_part_bytes,
            });
        }
        if total > limits.max_unzipped_bytes {
            return Err(IngestError::TooLarge {
                what: format!("解压后的总大小（读到 {name} 时）"),
                size: total,
                limit: limits.max_unzipped_bytes,
            });
        }
        names.push(name);
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    if let Some(what) = marked_output(&mut zip, limits) {
        return Err(IngestError::OwnOutput(what));
    }
    if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("content.xml") {
        Ok(Format::Ods)
    } else if has("word/document.xml") {
        if legacy_output(&mut zip, limits) {
            return Err(IngestError::OwnOutput("报告".into()));
        }
        Err(IngestError::NotSpreadsheet("Word 文档（.docx）".into()))
    } else if has("ppt/presentation.xml") {
        Err(IngestError::NotSpreadsheet("PowerPoint 演示文稿".into()))
    } else {
        Err(IngestError::NotSpreadsheet("zip 压缩包".into()))
    }
}

/// A zip part's text, at most `max_held_part_bytes` of it; None when absent or unreadable.
fn zip_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, limits: &Limits) -> Option<String> {
    let entry = zip.by_name(name).ok()?;
    // Sized from the zip directory up front: no probing reads and regrowing per file.
    let mut text = String::with_capacity(entry.size().min(limits.max_held_part_bytes) as usize);
    std::io::Read::read_to_string(&mut std::io::Read::take(entry, limits.max_held_part_bytes), &mut text).ok()?;
    Some(text)
}

/// What branchstat output a zip file is, by the custom [`OUTPUT_MARKER`] document property
/// (its value names the output). A ledger has no custom properties part, so this costs
/// ledgers a look in the zip directory only.
fn marked_output(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, limits: &Limits) -> Option<String> {
    let custom = zip_part(zip, "docProps/custom.xml", limits)?;
    let at = custom.find(&format!("name=\"{OUTPUT_MARKER}\""))?;
    let value = custom[at..]
        .split_once("<vt:lpwstr>")
        .and_then(|(_, rest)| rest.split_once("</vt:lpwstr>"))
        .map_or("工作簿", |(v, _)| v);
    Some(value.to_string())
}

/// Whether `branchstat` is the file's author: the outputs of versions before the marker.
fn legacy_output(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, limits: &Limits) -> bool {
    zip_part(zip, "docProps/core.xml", limits).is_some_and(|core| core.contains("<dc:creator>branchstat</dc:creator>"))
}

/// Sheet names of the workbooks branchstat wrote before the marker (the statistics workbook
/// and the feedback workbooks), by which an unmarked workbook of an older version is told
/// from a ledger before its author is looked at: reading the author unzips a part of every
/// ledger. Frozen history, not the report's current names: a later rename must not change it.
const OUTPUT_SHEETS: [&str; 5] = ["总览", "活动明细", "考核情况", "缺项明细", "各支部情况"];

/// An output of a version before the marker: one of [`OUTPUT_SHEETS`] and `branchstat` as
/// the author.
fn legacy_workbook(bytes: &[u8], sheet_names: &[String], limits: &Limits) -> bool {
    sheet_names.iter().any(|name| OUTPUT_SHEETS.contains(&name.as_str()))
        && zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|mut zip| legacy_output(&mut zip, limits))
}

type Sheets = (Vec<RawSheet>, Vec<String>);

/// Collects sparse cells into rows, then fills merged regions.
struct SheetBuilder {
    cells: Vec<(u32, u32, Value)>,
    limits: Limits,
    name: String,
    /// Row changes seen while streaming: at least the number of distinct rows, so the row
    /// limit trips while reading, before the cells of a huge sheet pile up.
    row_changes: usize,
    last_row: Option<u32>,
}

impl SheetBuilder {
    fn new(name: &str, limits: &Limits) -> Self {
        SheetBuilder {
            cells: Vec::new(),
            limits: *limits,
            name: name.to_string(),
            row_changes: 0,
            last_row: None,
        }
    }

    fn push(&mut self, row: u32, col: u32, value: Value) -> Result<(), IngestError> {
        if value.is_empty() || col >= self.limits.max_cols {
            return Ok(());
        }
        if self.last_row != Some(row) {
            self.last_row = Some(row);
            self.row_changes += 1;
            if self.row_changes > self.limits.max_rows {
                return Err(IngestError::TooManyRows {
                    sheet: self.name.clone(),
                    limit: self.limits.max_rows,
                });
            }
        }
        self.cells.push((row, col, value));
        // Guard on cells too: a sheet of max_rows rows of max_cols columns is the ceiling.
        if self.cells.len() > self.limits.max_rows.saturating_mul(64) {
            return Err(IngestError::TooManyRows {
                sheet: self.name.clone(),
                limit: self.limits.max_rows,
            });
        }
        Ok(())
    }

    fn finish(mut self, position: usize, merges: &[calamine::Dimensions]) -> Result<RawSheet, IngestError> {
        self.cells.sort_by_key(|(r, c, _)| (*r, *c));
        let mut rows: Vec<Row> = Vec::new();
        for (r, c, v) in self.cells {
            if rows.last().map(|row| row.index) != Some(r) {
                if rows.len() >= self.limits.max_rows {
                    return Err(IngestError::TooManyRows {
                        sheet: self.name,
                        limit: self.limits.max_rows,
                    });
                }
                rows.push(Row {
                    index: r,
                    cells: Vec::new(),
                    merged: Vec::new(),
                });
            }
            let row = rows.last_mut().expect("pushed above");
            let c = c as usize;
            if row.cells.len() <= c {
                row.cells.resize(c + 1, Value::Empty);
            }
            row.cells[c] = v;
        }
        fill_merges(&mut rows, merges, self.limits.max_cols);
        Ok(RawSheet {
            name: self.name,
            position,
            rows,
        })
    }
}

/// Copies each merged region's top-left value into the region's other cells, on the rows
/// that exist (a merge never creates a row of its own).
fn fill_merges(rows: &mut [Row], merges: &[calamine::Dimensions], max_cols: u32) {
    for m in merges {
        let (r0, c0) = m.start;
        let (r1, c1) = m.end;
        if r1 == r0 && c1 == c0 {
            continue;
        }
        let Ok(first) = rows.binary_search_by_key(&r0, |row| row.index) else {
            continue;
        };
        let value = rows[first].get(c0 as usize).clone();
        if value.is_empty() {
            continue;
        }
        let c1 = c1.min(max_cols.saturating_sub(1));
        let start = rows.partition_point(|row| row.index < r0);
        for row in rows[start..].iter_mut().take_while(|row| row.index <= r1) {
            for c in c0..=c1 {
                let c = c as usize;
                if row.index == r0 && c == c0 as usize {
                    continue;
                }
                if row.cells.len() <= c {
                    row.cells.resize(c + 1, Value::Empty);
                }
                if row.cells[c].is_empty() {
                    if row.merged.len() < row.cells.len() {
                        row.merged.resize(row.cells.len(), false);
                    }
                    row.cells[c] = value.clone();
                    row.merged[c] = true;
                }
            }
        }
    }
    for row in rows.iter_mut() {
        if !row.merged.is_empty() {
            row.merged.resize(row.cells.len(), false);
        }
    }
}

fn error_text(e: &calamine::CellErrorType) -> String {
    e.to_string()
}

fn from_data_ref(d: DataRef<'_>) -> Value {
    match d {
        DataRef::Empty => Value::Empty,
        DataRef::Int(i) => Value::Number(i as f64),
        DataRef::Float(f) => Value::Number(f),
        DataRef::String(s) => Value::Text(s),
        DataRef::SharedString(s) => Value::Text(s.to_string()),
        DataRef::Bool(b) => Value::Bool(b),
        DataRef::DateTime(dt) => dt
            .as_datetime()
            .map(Value::DateTime)
            .unwrap_or(Value::Number(dt.as_f64())),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s),
        DataRef::Error(e) => Value::Error(error_text(&e)),
    }
}

fn from_data(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::String(s) => Value::Text(s.clone()),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(Value::DateTime)
            .unwrap_or(Value::Number(dt.as_f64())),
        Data::DateTimeIso(s) => match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
            Ok(dt) => Value::DateTime(dt),
            Err(_) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Value::DateTime(d.and_time(chrono::NaiveTime::MIN)),
                Err(_) => Value::Text(s.clone()),
            },
        },
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(error_text(e)),
    }
}

fn is_visible(v: &SheetVisible) -> bool {
    matches!(v, SheetVisible::Visible)
}

/// The workbook's worksheets (chart sheets left out), in order, with their visibility.
fn worksheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(book: &R) -> Vec<(String, bool)> {
    book.sheets_metadata()
        .iter()
        .filter(|s| matches!(s.typ, calamine::SheetType::WorkSheet))
        .map(|s| (s.name.clone(), is_visible(&s.visible)))
        .collect()
}

/// Reads every visible worksheet of `book`: `sheet` feeds one sheet's cells to its builder
/// and gives the sheet's merged regions.
fn read_sheets<RS, R>(
    book: &mut R,
    limits: &Limits,
    mut sheet: impl FnMut(&mut R, &str, &mut SheetBuilder) -> Result<Vec<calamine::Dimensions>, IngestError>,
) -> Result<Sheets, IngestError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
{
    let mut sheets = Vec::new();
    let mut hidden = Vec::new();
    for (position, (name, visible)) in worksheets(book).into_iter().enumerate() {
        if !visible {
            hidden.push(name);
            continue;
        }
        let mut builder = SheetBuilder::new(&name, limits);
        let merged = sheet(book, &name, &mut builder)?;
        sheets.push(builder.finish(position, &merged)?);
    }
    Ok((sheets, hidden))
}

/// Feeds a calamine cell reader (xlsx, xlsb) to a builder, cell by cell, so a sheet
/// declaring A1:XFD1048576 or two far-apart cells costs only its real cells; gives back the
/// reader, positioned after the cells.
macro_rules! stream_cells {
    ($reader:expr, $error:expr, $builder:expr) => {{
        let mut reader = $reader.map_err($error)?;
        while let Some(cell) = reader.next_cell().map_err($error)? {
            let (r, c) = cell.get_position();
            $builder.push(r, c, from_data_ref(cell.get_value().clone()))?;
        }
        reader
    }};
}

/// The merged regions come from the same pass over the sheet as the cells (they follow
/// `<sheetData>`): `XlsxCellReader::merge_cells` is this project's patch of calamine
/// (vendor/calamine, README "Performance"), which saves inflating and parsing every sheet
/// twice.
///
/// Styles (the cell formats that tell a date from a number) and theme colours are parsed
/// once per distinct styles and theme part, not once per workbook: ledgers are made from a
/// few templates. `calamine::share_styles` and `calamine::share_theme_colors`, the same
/// patch.
fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Sheets, IngestError> {
    calamine::share_styles(true);
    calamine::share_theme_colors(true);
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    if legacy_workbook(bytes, &book.sheet_names(), limits) {
        return Err(IngestError::OwnOutput("统计工作簿".into()));
    }
    read_sheets(&mut book, limits, |book, name, builder| {
        let mut reader = stream_cells!(book.worksheet_cells_reader(name), xlsx_error, builder);
        Ok(reader.merge_cells().unwrap_or_default())
    })
}

/// calamine keeps no merged regions for xlsb.
fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Sheets, IngestError> {
    let mut book = calamine::Xlsb::new(Cursor::new(bytes)).map_err(xlsb_error)?;
    read_sheets(&mut book, limits, |book, name, builder| {
        stream_cells!(book.worksheet_cells_reader(name), xlsb_error, builder);
        Ok(Vec::new())
    })
}

/// Feeds a sheet that calamine reads whole into a grid (.xls, .ods; guarded before) to a
/// builder.
fn grid_cells<RS, R>(book: &mut R, name: &str, builder: &mut SheetBuilder, why: &str) -> Result<(), IngestError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let range = book.worksheet_range(name).map_err(|e| IngestError::corrupt(why, e))?;
    let (sr, sc) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        builder.push(sr + r as u32, sc + c as u32, from_data(v))?;
    }
    Ok(())
}

/// Decodes text as UTF-8 (with or without BOM) or, failing that, GB18030, which covers the
/// GBK that Chinese Excel saves "CSV" in. UTF-8 is borrowed, not copied: a CSV may be
/// 200 MB.
pub fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
                return encoding_rs::UTF_16LE.decode_without_bom_handling(rest).0;
            }
            encoding_rs::GB18030.decode_without_bom_handling(bytes).0
        }
    }
}

fn read_csv(bytes: &[u8], rel: &str, limits: &Limits) -> Result<RawSheet, IngestError> {
    let text = decode_text(bytes);
    let head = text.lines().take(TEXT_HEAD_LINES);
    let (tabs, commas) = head.fold((0, 0), |(t, c), l| {
        (t + l.matches('\t').count(), c + l.matches(',').count())
    });
    let delimiter = if tabs > commas { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let name = Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut builder = SheetBuilder::new(&name, limits);
    let mut record = csv::StringRecord::new();
    let mut r: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(IngestError::corrupt(&format!("CSV 第 {} 行无法解析", r + 1), e)),
        }
        for (c, field) in record.iter().enumerate() {
            builder.push(r, c as u32, Value::Text(field.to_string()))?;
        }
        r += 1;
    }
    builder.finish(0, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook of one sheet with one ledger row, with `author` as its author.
    fn book_by(author: &str, sheet: &str) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_author(author));
        let ws = wb.add_worksheet().set_name(sheet).expect("a name");
        for (c, (head, value)) in [("日期", "2024-03-01"), ("活动类型", "支委会"), ("主题", "三月支委会")]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *head).expect("written");
            ws.write_string(1, c as u16, *value).expect("written");
        }
        wb.save_to_buffer().expect("saved")
    }

    #[test]
    fn unmarked_outputs_of_older_versions_are_told_by_sheet_and_author() {
        let l = Limits::default();
        assert_eq!(
            read_bytes(&book_by("branchstat", "总览"), "党建统计_2024.xlsx", &l).err(),
            Some(IngestError::OwnOutput("统计工作簿".into()))
        );
        assert_eq!(
            read_bytes(&book_by("branchstat", "考核情况"), "反馈.xlsx", &l).err(),
            Some(IngestError::OwnOutput("统计工作簿".into()))
        );
        // Ours by sheet name, not by author: a branch's ledger.
        assert!(read_bytes(&book_by("刑一庭", "总览"), "台账.xlsx", &l).is_ok());
        // The author alone, with a ledger's sheet: read (its author is not looked at).
        assert!(read_bytes(&book_by("branchstat", "Sheet1"), "台账.xlsx", &l).is_ok());
    }

    #[test]
    fn sniffs_by_content_not_name() {
        let l = Limits::default();
        assert_eq!(sniff(b"", "a.xlsx", &l), Err(IngestError::EmptyFile));
        assert!(matches!(
            sniff(b"%PDF-1.7 ...", "a.xlsx", &l),
            Err(IngestError::NotSpreadsheet(_))
        ));
        assert!(matches!(
            sniff(b"<html><table><tr><td>1</td></tr></table>", "a.xls", &l),
            Err(IngestError::Html(_))
        ));
        assert_eq!(sniff("日期,类型\n".as_bytes(), "a.csv", &l), Ok(Format::Csv));
        // Delimited text under a spreadsheet's name (a platform's "Excel" export) is a CSV,
        // a title line before its header or not; text without a delimiter is no table.
        assert_eq!(sniff("日期\t类型\n".as_bytes(), "a.xls", &l), Ok(Format::Csv));
        assert_eq!(sniff("台账\n日期,类型\n".as_bytes(), "a.xlsx", &l), Ok(Format::Csv));
        let (gbk, _, _) = encoding_rs::GBK.encode("日期,活动类型\n");
        assert_eq!(sniff(&gbk, "a.xls", &l), Ok(Format::Csv));
        assert!(matches!(
            sniff("只是一段说明文字\n".as_bytes(), "a.xlsx", &l),
            Err(IngestError::NotSpreadsheet(_))
        ));
        assert!(matches!(
            sniff(b"PK\x03\x04garbage", "a.xlsx", &l),
            Err(IngestError::Corrupt { .. })
        ));
    }

    #[test]
    fn decodes_gbk_and_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("日期,活动类型");
        assert_eq!(decode_text(&gbk), "日期,活动类型");
        assert_eq!(decode_text("\u{feff}日期".as_bytes()), "日期");
    }

    #[test]
    fn merges_fill_only_existing_rows() {
        let l = Limits::default();
        let mut b = SheetBuilder::new("s", &l);
        b.push(0, 0, Value::Text("一月".into())).unwrap();
        b.push(0, 1, Value::Number(1.0)).unwrap();
        b.push(1, 1, Value::Number(2.0)).unwrap();
        b.push(3, 1, Value::Number(3.0)).unwrap();
        let merges = [calamine::Dimensions::new((0, 0), (5, 0))];
        let sheet = b.finish(0, &merges).unwrap();
        assert_eq!(sheet.rows.len(), 3);
        assert_eq!(sheet.rows[1].get(0), &Value::Text("一月".into()));
        assert!(sheet.rows[1].is_merged(0));
        assert!(!sheet.rows[0].is_merged(0));
        assert_eq!(sheet.rows[2].index, 3);
    }
}
