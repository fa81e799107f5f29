//! The committee workbook 党建统计_<year>.xlsx (SPEC 6). In: the analysis (figures taken
//! from metrics.json's struct wherever it holds them, so the workbook and the JSON never
//! disagree). Out: a formatted, printable workbook: 总览 (key figures, targets, coverage,
//! chart data and three native charts), 支部达标, 月度明细, 参与率, 党员参与, 预警清单,
//! 数据问题 and 活动明细.
//!
//! Every sheet has a title row and the as-of date, the header frozen and filtered, widths
//! measured with unicode-width (rust_xlsxwriter's autofit measures CJK at half width), a
//! Chinese font, landscape A4 fit to one page wide with the header repeated. The document
//! date is pinned to the as-of date so the same input gives the same file.

use super::Exporter;
use super::charts::{self, ChartData, Kind};
use super::csv_out::{ISSUE_COLUMNS, issue_cells};
use super::format::{cn_date, pct, period_list, period_text};
use crate::metrics;
use crate::metrics::Settings;
use crate::metrics::rows::ActivityRow;
use crate::normalize::Record;
use crate::pipeline::{ActivitiesReady, Analysis, EarlyOutput};
use crate::problems::{ProblemKind, Severity, column_letters};
use crate::text::display_width;
use crate::vocab::ActivityType;
use anyhow::Result;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Chart, ChartFont, ChartFormat, ChartLegendPosition, ChartLine, ChartSolidFill, ConditionalFormat3ColorScale,
    ConditionalFormatFormula, DocProperties, Format, FormatAlign, FormatBorder, FormatIndex, FormatUnderline, RowCell,
    Url, Workbook, Worksheet,
};
use std::collections::HashMap;
use std::path::Path;

/// The workbook font: the default of Chinese Excel since 2016.
pub use super::format::WORKBOOK_FONT as FONT;

/// Sheet names, in order.
pub const SHEETS: [&str; 8] = [
    "总览",
    "支部达标",
    "月度明细",
    "参与率",
    "党员参与",
    "预警清单",
    "数据问题",
    "活动明细",
];

/// The units sheet, after 总览, when the roster gives units (SPEC 6).
pub const UNIT_SHEET: &str = "单位汇总";

/// The last sheet, a row per activity.
const DETAIL_SHEET: &str = "活动明细";

/// The sheets of this run's workbook, in order: [`SHEETS`], with [`UNIT_SHEET`] after 总览
/// when there are units.
pub fn sheet_names(a: &Analysis) -> Vec<&'static str> {
    let mut names = SHEETS.to_vec();
    if !a.figures.metrics.units.is_empty() {
        names.insert(1, UNIT_SHEET);
    }
    names
}

/// Widest column, in characters, so long topics and name lists do not make a sheet unusable.
const MAX_WIDTH: usize = 50;

/// One line of text in points (19 pixels) and the most lines a wrapped row is given (a long
/// name list is cut there on paper; the cell holds it whole).
pub(super) const ROW_POINTS: f64 = 14.25;
pub(super) const MAX_WRAPPED_LINES: usize = 6;

#[derive(Default)]
pub struct CommitteeWorkbook {
    /// The thread writing 活动明细 since the activities were known ([`EarlyOutput`]), joined
    /// when the workbook is written.
    begun: std::sync::Mutex<Option<std::thread::JoinHandle<Result<Begun>>>>,
}

pub fn file_name(year: i32) -> String {
    format!("党建统计_{year}.xlsx")
}

impl Exporter for CommitteeWorkbook {
    /// The longest output: 活动明细 has a row per activity.
    fn cost(&self) -> u32 {
        10
    }

    fn name(&self, a: &Analysis) -> String {
        file_name(a.settings.year)
    }
    fn early(&self) -> Option<&dyn EarlyOutput> {
        Some(self)
    }

    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        let links = super::final_dir(path).and_then(|out| super::link_base(&out, &a.submissions));
        let begun = self
            .begun
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("活动明细未能写出（内部错误）")))
            })
            .transpose()?;
        let mut workbook = match begun {
            Some(begun) => finish(begun, a, links.as_deref())?,
            None => build_with_links(a, links.as_deref())?,
        };
        let started = std::time::Instant::now();
        super::save_workbook(&mut workbook, path)?;
        crate::timing::phase("  save (XML, zip)", started);
        Ok(())
    }
}

impl CommitteeWorkbook {
    /// Whether 活动明细 was begun beside the figures and waits to be written.
    pub fn has_begun(&self) -> bool {
        self.begun
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some()
    }
}

impl EarlyOutput for CommitteeWorkbook {
    /// 活动明细, the workbook's longest part, written and compressed on a thread of its own
    /// from the moment the activities are known (SPEC 9's scale: the figures leave part of
    /// both cores idle, and the thread runs on into the other outputs). Not a task of the
    /// thread pool: there it held one of the two workers for a quarter of a second while the
    /// figures' joins waited behind it (9,600 files: metrics 0.30 → 0.52 s).
    fn begin(&self, ready: &ActivitiesReady<'_>) {
        let (records, rows) = (ready.records.clone(), ready.rows.clone());
        let (settings, units) = (ready.settings.clone(), ready.units);
        let thread = std::thread::Builder::new().name("活动明细".into()).spawn(move || {
            let t = std::time::Instant::now();
            let begun = detail_ahead(&records, &rows, &settings, units);
            timed("活动明细 (begun beside the figures)", t);
            begun
        });
        // Without a thread (the system refused one), the workbook is built whole when written.
        *self.begun.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = thread.ok();
    }
}

/// The committee workbook begun on the activities: its settings and 活动明细, written and
/// compressed, waiting for the sheets before it.
pub struct Begun {
    wb: Workbook,
    detail: Worksheet,
    /// The sheet count 活动明细 (the last sheet) was compressed as the last of.
    sheets: usize,
}

/// A workbook with the settings every committee workbook has.
fn new_workbook() -> Result<Workbook> {
    let mut wb = Workbook::new();
    // Level 2: at 9,600 files 0.19 s to compress against 0.25 s at 3 and 0.15 s at 1, for
    // a 7.9 MB workbook against 7.2 MB and 10.5 MB (bench/scale.sh).
    wb.set_zip_compression_level(2);
    // Chinese Excel's own default: 等线 11 with 19-pixel rows and 72-pixel columns.
    wb.set_default_format(&base(), 19, 72)?;
    Ok(wb)
}

/// Writes 活动明细 into a new workbook and compresses it as the last sheet of the workbook
/// the figures will make (the unit sheet counted when the roster names `units`).
fn detail_ahead(records: &[Record], rows: &[ActivityRow], settings: &Settings, units: bool) -> Result<Begun> {
    let mut wb = new_workbook()?;
    let mut detail = wb.new_worksheet_with_constant_memory()?;
    detail.set_name(DETAIL_SHEET)?;
    let st = Styles::new();
    let sw = activities_head(&mut detail, &st, settings)?;
    activity_rows(sw, records, rows)?;
    let sheets = SHEETS.len() + usize::from(units);
    wb.compress_worksheet(&mut detail, sheets)?;
    Ok(Begun { wb, detail, sheets })
}

/// Cell formats, all in the Chinese font (a rust_xlsxwriter format does not inherit the
/// workbook's default font).
struct Styles {
    title: Format,
    subtitle: Format,
    section: Format,
    header: Format,
    text: Format,
    int: Format,
    pct: Format,
    note: Format,
    link: Format,
    /// Column formats of the long detail sheet, whose cells are written unformatted: a
    /// format per cell costs a hash of the whole format in rust_xlsxwriter, a third of the
    /// workbook's time at a million cells. Gridlines are printed instead of cell borders.
    plain: Format,
    plain_int: Format,
    plain_date: Format,
    /// Text that wraps within a column narrowed to be printed readably ([`SheetWriter::narrow`]).
    wrap: Format,
    plain_wrap: Format,
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_font_charset(134)
}

impl Styles {
    fn new() -> Styles {
        // Top-aligned, so that a row made taller by wrapped text reads from its top line.
        let top = || base().set_align(FormatAlign::Top);
        let cell = top().set_border(FormatBorder::Thin).set_border_color(0xBFBFBF);
        Styles {
            title: base().set_bold().set_font_size(16),
            subtitle: base().set_font_color(0x595959),
            section: base().set_bold().set_font_size(12).set_font_color(0x1F4E79),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(0xD9E1F2)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text: cell.clone(),
            int: cell.clone().set_num_format("0"),
            pct: cell.clone().set_num_format("0.0%"),
            note: base().set_font_color(0x7F7F7F),
            link: cell
                .clone()
                .set_font_color(0x0563C1)
                .set_underline(FormatUnderline::Single),
            plain: top(),
            plain_int: top().set_num_format("0"),
            plain_date: top().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Left),
            wrap: cell.clone().set_text_wrap(),
            plain_wrap: top().set_text_wrap(),
        }
    }
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Text(String),
    Int(i64),
    /// A ratio shown as a percentage; None is written as "—" (not defined).
    Pct(Option<f64>),
    /// Text that links to a URL (a source workbook).
    Link(String, String),
    Blank,
}

/// What a column of a plainly written table holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ColumnKind {
    Text,
    Int,
    Date,
}

/// Excel's serial day number of a date (days since 1899-12-30).
fn excel_serial(d: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    (d - epoch).num_days() as f64
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

impl Cell {
    /// Width in character columns as Excel will show the cell.
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) | Cell::Link(s, _) => text_width(s),
            Cell::Int(n) => int_width(*n),
            Cell::Pct(_) => 6,
            Cell::Blank => 0,
        }
    }
}

/// Width of a text in character columns: its widest line.
fn text_width(s: &str) -> usize {
    // Most cells are one line (a million of them in a province's 活动明细).
    if !s.contains('\n') {
        return display_width(s);
    }
    s.lines().map(display_width).max().unwrap_or(0)
}

/// Width of a whole number in character columns.
fn int_width(n: i64) -> usize {
    n.unsigned_abs()
        .checked_ilog10()
        .map_or(1, |digits| digits as usize + 1)
        + usize::from(n < 0)
}

/// A cell of a plain row ([`SheetWriter::plain_cells`]): text borrowed from the analysis,
/// a whole number or a date.
enum Plain<'s> {
    Text(&'s str),
    Int(i64),
    Date(NaiveDate),
    Blank,
}

impl Plain<'_> {
    /// Width in character columns, as [`Cell::width`].
    fn width(&self) -> usize {
        match self {
            Plain::Text(s) => text_width(s),
            Plain::Int(n) => int_width(*n),
            Plain::Date(_) => 10,
            Plain::Blank => 0,
        }
    }
}

/// Writes one sheet top to bottom and remembers how wide each column must be.
struct SheetWriter<'a> {
    ws: &'a mut Worksheet,
    st: &'a Styles,
    widths: Vec<usize>,
    row: u32,
    /// The first table's header row and column count: frozen, filtered, printed on every page.
    first_table: Option<(u32, u16)>,
    /// False on sheets of several small tables (总览), where repeating the first table's
    /// header on every printed page would label the wrong table.
    repeat_header: bool,
    /// False when the rows above the first table are too many to freeze.
    freeze: bool,
    /// Columns narrowed to at most this many character widths, their text wrapped: the long
    /// sheets' wide text columns, so that one page wide still prints at a readable size.
    narrow: Vec<(usize, usize)>,
    /// Each cell style's index in the sheet's format table, looked up at its first use (a
    /// lookup hashes and compares the whole `Format`; the order of first use numbers the
    /// formats in styles.xml, so it stays that of the cells).
    indices: [Option<FormatIndex>; CellStyle::COUNT],
}

/// The formats [`SheetWriter::cells`] writes table cells in.
#[derive(Clone, Copy)]
enum CellStyle {
    Text,
    Wrap,
    Int,
    Pct,
    /// A missing percentage: a dash, right-aligned like the numbers around it.
    Dash,
}

impl CellStyle {
    const COUNT: usize = 5;
}

impl<'a> SheetWriter<'a> {
    fn new(ws: &'a mut Worksheet, st: &'a Styles, title: &str, a: &Analysis) -> Result<Self> {
        Self::with_settings(ws, st, title, &a.settings)
    }

    fn with_settings(ws: &'a mut Worksheet, st: &'a Styles, title: &str, settings: &Settings) -> Result<Self> {
        ws.write_string_with_format(0, 0, title, &st.title)?;
        ws.set_row_height(0, 24)?;
        ws.write_string_with_format(
            1,
            0,
            format!("统计年度：{}年　截至{}", settings.year, cn_date(settings.as_of)),
            &st.subtitle,
        )?;
        Ok(SheetWriter {
            ws,
            st,
            widths: Vec::new(),
            row: 3,
            first_table: None,
            repeat_header: true,
            freeze: true,
            narrow: Vec::new(),
            indices: [None; CellStyle::COUNT],
        })
    }

    fn format_index(&mut self, style: CellStyle) -> FormatIndex {
        if let Some(index) = self.indices[style as usize] {
            return index;
        }
        let st = self.st;
        let index = match style {
            CellStyle::Text => self.ws.format_index(&st.text),
            CellStyle::Wrap => self.ws.format_index(&st.wrap),
            CellStyle::Int => self.ws.format_index(&st.int),
            CellStyle::Pct => self.ws.format_index(&st.pct),
            CellStyle::Dash => self.ws.format_index(&st.text.clone().set_align(FormatAlign::Right)),
        };
        self.indices[style as usize] = Some(index);
        index
    }

    fn measure(&mut self, col: usize, w: usize) {
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(w);
    }

    /// A bold line above a table; not measured, it may overflow into empty cells.
    fn section(&mut self, text: &str) -> Result<()> {
        self.ws.write_string_with_format(self.row, 0, text, &self.st.section)?;
        self.row += 1;
        Ok(())
    }

    fn note(&mut self, text: &str) -> Result<()> {
        self.ws.write_string_with_format(self.row, 0, text, &self.st.note)?;
        self.row += 1;
        Ok(())
    }

    /// Writes a header row; the sheet's first header is the one frozen and filtered.
    fn header(&mut self, cols: &[&str]) -> Result<u32> {
        let r = self.row;
        for (c, h) in cols.iter().enumerate() {
            self.ws.write_string_with_format(r, c as u16, *h, &self.st.header)?;
            self.measure(c, display_width(h));
        }
        if self.first_table.is_none() {
            self.first_table = Some((r, cols.len() as u16));
        }
        self.row += 1;
        Ok(r)
    }

    fn cells(&mut self, cells: &[Cell]) -> Result<u32> {
        let r = self.row;
        self.fit_row_height(r, cells)?;
        for (c, cell) in cells.iter().enumerate() {
            let col = c as u16;
            let st = self.st;
            match cell {
                Cell::Text(s) if self.is_narrow(c) => {
                    let wrap = self.format_index(CellStyle::Wrap);
                    self.ws.write_string_with_format_index(r, col, s, wrap)?;
                }
                Cell::Text(s) => {
                    let text = self.format_index(CellStyle::Text);
                    self.ws.write_string_with_format_index(r, col, s, text)?;
                }
                Cell::Int(n) => {
                    let int = self.format_index(CellStyle::Int);
                    self.ws.write_number_with_format_index(r, col, *n as f64, int)?;
                }
                Cell::Pct(Some(x)) => {
                    let pct = self.format_index(CellStyle::Pct);
                    self.ws.write_number_with_format_index(r, col, *x, pct)?;
                }
                Cell::Pct(None) => {
                    let dash = self.format_index(CellStyle::Dash);
                    self.ws.write_string_with_format_index(r, col, "—", dash)?;
                }
                Cell::Blank => {
                    let text = self.format_index(CellStyle::Text);
                    self.ws.write_blank_with_format_index(r, col, text)?;
                }
                Cell::Link(text, url) => {
                    let link = Url::new(url.as_str()).set_text(text.as_str());
                    // A path too long for Excel's link limit stays plain text.
                    if self.ws.write_url_with_format(r, col, link, &st.link).is_err() {
                        self.ws.write_string_with_format(r, col, text, &st.text)?;
                    }
                }
            }
            self.measure(c, cell.width());
        }
        self.row += 1;
        Ok(r)
    }

    fn is_narrow(&self, col: usize) -> bool {
        self.narrow.iter().any(|(c, _)| *c == col)
    }

    /// Makes row `r` tall enough for its wrapped text: the workbook's default row height is
    /// fixed (Chinese Excel's 19 pixels), so neither Excel nor LibreOffice grows it by itself.
    fn fit_row_height(&mut self, r: u32, cells: &[Cell]) -> Result<()> {
        let width = |c: usize| cells.get(c).map_or(0, Cell::width);
        self.fit_row_height_to(r, width)
    }

    /// [`Self::fit_row_height`] from the cells' widths, `width(column)`.
    fn fit_row_height_to(&mut self, r: u32, width: impl Fn(usize) -> usize) -> Result<()> {
        let lines = self
            .narrow
            .iter()
            .map(|(c, cap)| width(*c).div_ceil((*cap).max(1)))
            .max()
            .unwrap_or(1);
        if lines > 1 {
            self.ws
                .set_row_height(r, ROW_POINTS * lines.min(MAX_WRAPPED_LINES) as f64)?;
        }
        Ok(())
    }

    /// Gives each column its format for [`Self::plain_cells`] (set [`Self::narrow`] first).
    fn plain_columns(&mut self, kinds: &[ColumnKind]) -> Result<()> {
        for (c, kind) in kinds.iter().enumerate() {
            let format = match kind {
                ColumnKind::Int => &self.st.plain_int,
                ColumnKind::Date => &self.st.plain_date,
                ColumnKind::Text if self.is_narrow(c) => &self.st.plain_wrap,
                ColumnKind::Text => &self.st.plain,
            };
            self.ws.set_column_format(c as u16, format)?;
        }
        self.ws.set_print_gridlines(true);
        Ok(())
    }

    /// A table row written without cell formats: the columns' formats (set by
    /// [`Self::plain_columns`]) apply. The cells are borrowed and each measured once: the
    /// long sheets write a row per activity.
    fn plain_cells<const N: usize>(&mut self, cells: &[Plain<'_>; N]) -> Result<u32> {
        let r = self.row;
        let widths = cells.each_ref().map(Plain::width);
        self.fit_row_height_to(r, |c| widths.get(c).copied().unwrap_or(0))?;
        let row = cells.each_ref().map(|cell| match cell {
            Plain::Text(s) => RowCell::String(s),
            Plain::Int(n) => RowCell::Number(*n as f64),
            Plain::Date(d) => RowCell::Number(excel_serial(*d)),
            Plain::Blank => RowCell::Blank,
        });
        // Straight to the sheet's XML: a row per activity, a million cells at a province's size.
        self.ws.write_row_cells(r, 0, &row)?;
        for (c, w) in widths.into_iter().enumerate() {
            self.measure(c, w);
        }
        self.row += 1;
        Ok(r)
    }

    /// Column widths, frozen header, filter over the first table (to `filter_last` row),
    /// print set-up.
    fn finish(self, filter_last: Option<u32>) -> Result<()> {
        for (c, w) in self.widths.iter().enumerate() {
            let cap = self
                .narrow
                .iter()
                .find(|(n, _)| *n == c)
                .map_or(MAX_WIDTH, |(_, cap)| *cap);
            // Excel's width unit is one digit of the default font; CJK glyphs are about two.
            let w = (*w).clamp(6, cap.max(6)) as f64 * 1.1 + 2.0;
            self.ws.set_column_width(c as u16, w)?;
        }
        self.ws.set_landscape();
        self.ws.set_paper_size(9);
        self.ws.set_print_fit_to_pages(1, 0);
        self.ws.set_footer("&C第 &P 页，共 &N 页");
        if let Some((header, ncols)) = self.first_table {
            if self.freeze {
                self.ws.set_freeze_panes(header + 1, 0)?;
            }
            if self.repeat_header {
                self.ws.set_repeat_rows(header, header)?;
            }
            let last = filter_last.unwrap_or(self.row.saturating_sub(1)).max(header);
            self.ws.autofilter(header, 0, last, ncols.saturating_sub(1))?;
        } else {
            self.ws.set_freeze_panes(3, 0)?;
        }
        Ok(())
    }
}

/// The whole workbook, its 数据问题 lines without links.
pub fn build(a: &Analysis) -> Result<Workbook> {
    build_with_links(a, None)
}

/// The whole workbook; `links` is the relative path from the output folder to the
/// submissions folder (`../submissions/`), which 数据问题 links each source file with.
pub fn build_with_links(a: &Analysis, links: Option<&str>) -> Result<Workbook> {
    let mut wb = new_workbook()?;
    let mut detail = wb.new_worksheet_with_constant_memory()?;
    detail.set_name(DETAIL_SHEET)?;
    let st = Styles::new();
    let sw = activities_head(&mut detail, &st, &a.settings)?;
    // 活动明细, a row per activity, is filled beside the other sheets: each worksheet keeps
    // its own cells and formats until the workbook is saved, so the two share nothing but
    // the read-only analysis.
    let (detail_done, summary) = rayon::join(
        || {
            let t = std::time::Instant::now();
            let done = activity_rows(sw, &a.records, &a.figures.rows.activities);
            timed("活动明细", t);
            done
        },
        || summary_sheets(&mut wb, &st, a, links),
    );
    summary?;
    detail_done?;
    wb.push_worksheet(detail);
    Ok(wb)
}

/// The workbook begun on the activities, finished: every sheet before 活动明细 added and
/// filled, then 活动明细. When the figures' sheets are not the ones 活动明细 was compressed
/// after (it cannot happen unless the unit table and the roster disagree), the workbook is
/// built anew.
fn finish(begun: Begun, a: &Analysis, links: Option<&str>) -> Result<Workbook> {
    if sheet_names(a).len() != begun.sheets {
        return build_with_links(a, links);
    }
    let Begun { mut wb, detail, .. } = begun;
    summary_sheets(&mut wb, &Styles::new(), a, links)?;
    wb.push_worksheet(detail);
    Ok(wb)
}

/// Adds and fills every sheet before 活动明细, with the document properties.
fn summary_sheets(wb: &mut Workbook, st: &Styles, a: &Analysis, links: Option<&str>) -> Result<()> {
    let as_of = a.settings.as_of;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{}年度党支部活动统计", a.settings.year))
            .set_subject("党支部活动台账统计")
            .set_author("branchstat")
            .set_custom_property(crate::ingest::OUTPUT_MARKER, "统计工作簿")
            .set_creation_datetime(&as_of),
    );
    // 数据问题, which grows with the input, is streamed to a temporary file row by row.
    let names = sheet_names(a);
    for name in &names[..names.len() - 1] {
        let ws = if *name == "数据问题" {
            wb.add_worksheet_with_constant_memory()?
        } else {
            wb.add_worksheet()
        };
        ws.set_name(*name)?;
    }
    let t = std::time::Instant::now();
    let done = fill_summary_sheets(wb.worksheets_mut(), st, a, links);
    timed("summary sheets", t);
    done
}

fn timed(sheet: &str, started: std::time::Instant) {
    crate::timing::phase(&format!("  {sheet}"), started);
}

/// Every sheet before 活动明细, in order, each timed.
fn fill_summary_sheets(sheets: &mut [Worksheet], st: &Styles, a: &Analysis, links: Option<&str>) -> Result<()> {
    let mut sheets = sheets.iter_mut();
    let mut next = || sheets.next().expect("a worksheet per sheet name");
    let sheet = |name: &str, result: Result<()>, started: std::time::Instant| {
        timed(name, started);
        result
    };
    let now = std::time::Instant::now;
    let s = now();
    sheet("总览", overview(next(), st, a), s)?;
    if !a.figures.metrics.units.is_empty() {
        let s = now();
        sheet(UNIT_SHEET, units_sheet(next(), st, a), s)?;
    }
    let s = now();
    sheet("支部达标", compliance(next(), st, a), s)?;
    let s = now();
    sheet("月度明细", monthly(next(), st, a), s)?;
    let s = now();
    sheet("参与率", participation(next(), st, a), s)?;
    let s = now();
    sheet("党员参与", members(next(), st, a), s)?;
    let s = now();
    sheet("预警清单", warnings(next(), st, a), s)?;
    let s = now();
    sheet("数据问题", problems(next(), st, a, links), s)
}

/// Writes a chart's numbers as a table (category column, one column per series) and
/// returns the header row, for the native chart to point at.
fn chart_block(sw: &mut SheetWriter, c: &ChartData, first: &str) -> Result<u32> {
    let mut cols = vec![first];
    cols.extend(c.series.iter().map(|s| s.name.as_str()));
    let header = sw.header(&cols)?;
    for (i, cat) in c.categories.iter().enumerate() {
        let mut cells = vec![t(cat.clone())];
        for s in &c.series {
            cells.push(match (s.values[i], c.percent) {
                (Some(v), true) => Cell::Pct(Some(v)),
                (Some(v), false) => Cell::Int(v.round() as i64),
                (None, _) => Cell::Blank,
            });
        }
        sw.cells(&cells)?;
    }
    Ok(header)
}

/// A native chart over a block written by [`chart_block`].
fn excel_chart(c: &ChartData, sheet: &str, header: u32) -> Chart {
    let mut chart = match c.kind {
        Kind::Column => Chart::new_column(),
        Kind::Line => Chart::new_line(),
        Kind::Bar => Chart::new_bar(),
    };
    let n = c.categories.len().max(1) as u32;
    for k in 0..c.series.len() {
        let col = 1 + k as u16;
        let color = charts::PALETTE[k % charts::PALETTE.len()];
        let series = chart.add_series();
        series
            .set_name((sheet, header, col))
            .set_categories((sheet, header + 1, 0, header + n, 0))
            .set_values((sheet, header + 1, col, header + n, col));
        if c.kind == Kind::Line {
            series.set_format(ChartFormat::new().set_line(ChartLine::new().set_color(color).set_width(2.25)));
        } else {
            series.set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(color)));
        }
    }
    chart
        .title()
        .set_name(&c.title)
        .set_font(ChartFont::new().set_name(FONT).set_size(13).set_bold());
    // In a bar chart Excel's x axis is the value axis, drawn horizontally, and the y axis
    // holds the categories: name and format each by its role, not its letter.
    let bar = c.kind == Kind::Bar;
    let category_axis = if bar { chart.y_axis() } else { chart.x_axis() };
    category_axis
        .set_name(&c.x_name)
        .set_name_font(ChartFont::new().set_name(FONT))
        .set_font(ChartFont::new().set_name(FONT).set_size(9));
    if bar {
        // Bar charts draw the first category at the bottom; the table reads top-down.
        chart
            .y_axis()
            .set_reverse()
            .set_crossing(rust_xlsxwriter::ChartAxisCrossing::Max);
    }
    let value_axis = if bar { chart.x_axis() } else { chart.y_axis() };
    value_axis
        .set_name(&c.y_name)
        .set_name_font(ChartFont::new().set_name(FONT))
        .set_font(ChartFont::new().set_name(FONT).set_size(9));
    if c.percent {
        value_axis.set_num_format("0%").set_min(0.0).set_max(1.0);
    } else {
        value_axis.set_min(0.0);
    }
    chart
        .legend()
        .set_position(ChartLegendPosition::Bottom)
        .set_font(ChartFont::new().set_name(FONT));
    chart.set_width(720).set_height(native_chart_height(c));
    chart
}

/// A native chart's height in pixels: 360, or for horizontal bars room for each of them (a
/// province's 30 units × 7 types), up to what one landscape page holds beside nothing else.
fn native_chart_height(c: &ChartData) -> u32 {
    if c.kind != Kind::Bar {
        return 360;
    }
    let bars = (c.categories.len() * c.series.len().max(1)) as u32;
    (bars * 4 + 120).clamp(360, 900)
}

/// Rows of the default 19-pixel height a chart covers, and one spare.
fn rows_under(height_px: u32) -> u32 {
    height_px.div_ceil(19) + 1
}

/// 总览 一: the year's totals per type, with the earlier year and the change under
/// `--previous`, and the branches new or gone. Returns the table's last row (filtered).
fn overview_totals(sw: &mut SheetWriter, m: &metrics::Metrics) -> Result<u32> {
    sw.section("一、全年活动开展情况")?;
    let prev = m.previous.as_ref();
    let mut cols = vec!["活动类型", "活动次数", "参与人次"];
    if let Some(p) = prev {
        cols.extend(["上年次数", "次数增减", "上年人次", "人次增减"]);
        sw.note(&format!("上年为 {} 年度；增减为本年减上年。", p.year))?;
    }
    sw.header(&cols)?;
    for ty in ActivityType::ALL {
        let now = m.totals.get(&ty);
        let mut cells = vec![
            t(ty.label()),
            Cell::Int(now.map_or(0, |v| v.activities)),
            Cell::Int(now.map_or(0, |v| v.person_times)),
        ];
        if let Some(p) = prev {
            let (before, change) = (p.totals.get(&ty), p.change.totals.get(&ty));
            cells.push(int_or_dash(before.map(|v| v.activities)));
            cells.push(int_or_dash(change.and_then(|v| v.activities)));
            cells.push(int_or_dash(before.map(|v| v.person_times)));
            cells.push(int_or_dash(change.and_then(|v| v.person_times)));
        }
        sw.cells(&cells)?;
    }
    let filter_last = sw.row - 1;
    if let Some(p) = prev {
        sw.note(&branches_since(p))?;
    }
    sw.row += 1;

    Ok(filter_last)
}

/// 总览 四: every coverage ratio, with the earlier year and the change under `--previous`.
fn overview_coverage(sw: &mut SheetWriter, a: &Analysis) -> Result<()> {
    let m = &a.figures.metrics;
    let prev = m.previous.as_ref();
    sw.section("四、覆盖情况")?;
    sw.header(if prev.is_some() {
        &["指标", "比率", "上年", "增减"][..]
    } else {
        &["指标", "比率"][..]
    })?;
    // (label, this year, which ratio of coverage) for each ratio.
    enum Ratio {
        Requirement(ActivityType),
        ActiveMonths,
        Members(ActivityType),
    }
    let mut ratios: Vec<(String, Option<f64>, Ratio)> = Vec::new();
    for req in &a.settings.plan.requirements {
        let v = m.coverage.requirements.get(&req.activity).copied();
        let label = format!("制度要求达标率：{}", charts::requirement_label(req));
        ratios.push((label, v, Ratio::Requirement(req.activity)));
    }
    ratios.push((
        "支部活动月份覆盖率".into(),
        m.coverage.active_months,
        Ratio::ActiveMonths,
    ));
    for ty in ActivityType::ALL {
        if let Some(&v) = m.coverage.members.get(&ty) {
            let label = format!("党员参加{}的覆盖率", ty.label());
            ratios.push((label, Some(v), Ratio::Members(ty)));
        }
    }
    for (label, v, which) in ratios {
        let mut cells = vec![t(label), Cell::Pct(v)];
        if let Some(p) = prev {
            let (before, change) = match which {
                Ratio::Requirement(ty) => (
                    p.coverage.requirements.get(&ty).copied(),
                    p.change.coverage.requirements.get(&ty).copied().flatten(),
                ),
                Ratio::ActiveMonths => (p.coverage.active_months, p.change.coverage.active_months),
                Ratio::Members(ty) => (
                    p.coverage.members.get(&ty).copied(),
                    p.change.coverage.members.get(&ty).copied().flatten(),
                ),
            };
            cells.push(Cell::Pct(before));
            cells.push(Cell::Pct(change));
        }
        sw.cells(&cells)?;
    }
    sw.row += 1;

    Ok(())
}

fn overview(ws: &mut Worksheet, st: &Styles, a: &Analysis) -> Result<()> {
    let m = &a.figures.metrics;
    let mut sw = SheetWriter::new(ws, st, &format!("{}年度党支部活动统计总览", m.year), a)?;

    let filter_last = overview_totals(&mut sw, m)?;
    sw.section("二、数据读取情况")?;
    sw.header(&["项目", "数量"])?;
    let count = |s: Severity| a.problems.iter().filter(|p| p.severity == s).count() as i64;
    let rows: [(&str, i64); 11] = [
        ("读取文件数", m.files.read as i64),
        ("无法读取的文件数", m.files.failed as i64),
        ("跳过的文件数（临时或隐藏文件）", m.files.skipped as i64),
        ("读取数据行数", m.rows.read as i64),
        ("计入行数", m.rows.accepted as i64),
        ("拒绝行数（数据错误）", m.rows.rejected as i64),
        ("跳过行数（表尾、合计、重复表头等）", m.rows.skipped as i64),
        ("统计期外行数", m.rows.outside_period as i64),
        ("数据问题：错误", count(Severity::Error)),
        ("数据问题：警告", count(Severity::Warning)),
        ("数据问题：提示", count(Severity::Note)),
    ];
    for (k, v) in rows {
        sw.cells(&[t(k), Cell::Int(v)])?;
    }
    sw.row += 1;

    sw.section("三、全委年度目标完成情况")?;
    if m.targets.is_empty() {
        sw.note("计划未设全委年度目标。")?;
    } else {
        sw.header(&["活动类型", "目标次数", "实际次数", "目标人次", "实际人次", "完成情况"])?;
        for tg in &m.targets {
            let opt = |v: Option<u32>| v.map(|v| Cell::Int(v as i64)).unwrap_or_else(|| t("—"));
            sw.cells(&[
                t(tg.activity.label()),
                opt(tg.activities_target),
                Cell::Int(tg.activities),
                opt(tg.person_times_target),
                Cell::Int(tg.person_times),
                t(if tg.met { "已完成" } else { "未完成" }),
            ])?;
        }
    }
    sw.row += 1;

    overview_coverage(&mut sw, a)?;
    let mut numerals = ["五", "六", "七", "八"].into_iter();
    if !m.units.is_empty() {
        overview_units(&mut sw, a, numerals.next().unwrap_or_default())?;
    }
    let branch_chart = charts::branch_counts(a);
    let attendance_chart = charts::attendance(a);
    let whom = |c: &charts::ChartData| {
        if c.x_name == "党支部" {
            "各支部"
        } else {
            "各单位"
        }
    };
    let charts_data = [
        (
            format!("{}主要活动开展情况（图表数据）", whom(&branch_chart)),
            branch_chart.clone(),
        ),
        (
            "月度活动趋势（图表数据，全部支部合计）".to_string(),
            charts::monthly_trend(a)?,
        ),
        (
            format!("{}参会率（图表数据）", whom(&attendance_chart)),
            attendance_chart.clone(),
        ),
    ];
    let mut placed = Vec::new();
    for (title, data) in &charts_data {
        let first = data.x_name.as_str();
        sw.section(&format!("{}、{title}", numerals.next().unwrap_or_default()))?;
        if data.series.is_empty() || data.categories.is_empty() {
            sw.note("无数据。")?;
        } else {
            let header = chart_block(&mut sw, data, first)?;
            placed.push((excel_chart(data, SHEETS[0], header), native_chart_height(data)));
        }
        sw.row += 1;
    }
    // Below the tables rather than beside them: fitted to one page wide, charts to the right
    // would shrink every table to an unreadable size.
    sw.repeat_header = false;
    // Each chart starts a printed page of its own, so that no page break cuts one in two.
    let mut row = sw.row + 1;
    let mut breaks = Vec::new();
    for (chart, height) in &placed {
        breaks.push(row);
        sw.ws.insert_chart(row, 0, chart)?;
        row += rows_under(*height);
    }
    sw.ws.set_page_breaks(&breaks)?;
    sw.finish(Some(filter_last))
}

/// 总览's unit lines: how many units, and the three lowest (SPEC 6, issue 14).
fn overview_units(sw: &mut SheetWriter, a: &Analysis, numeral: &str) -> Result<()> {
    let m = &a.figures.metrics;
    sw.section(&format!(
        "{numeral}、各单位情况（共{}个上级党组织，详见“{UNIT_SHEET}”）",
        m.units.len()
    ))?;
    sw.header(&[
        "排名",
        "上级党组织（平均达标率最低的三个）",
        "支部数",
        "平均达标率",
        "未达标支部数",
    ])?;
    for u in m.units.iter().take(3) {
        sw.cells(&[
            Cell::Int(u.rank),
            t(&u.unit),
            Cell::Int(u.branches),
            Cell::Pct(u.mean_coverage()),
            Cell::Int(u.below_target_branches),
        ])?;
    }
    sw.row += 1;
    Ok(())
}

fn int_or_dash(v: Option<i64>) -> Cell {
    v.map(Cell::Int).unwrap_or_else(|| t("—"))
}

/// The line under the totals naming the branches new or gone since the earlier year.
fn branches_since(p: &metrics::previous::Previous) -> String {
    let list = |v: &[String]| if v.is_empty() { "无".to_string() } else { v.join("、") };
    let renamed = super::change::renamed_text(p).unwrap_or_default();
    format!(
        "与 {} 年度相比，新增支部：{}；上年有而本年没有的支部：{}。{renamed}",
        p.year,
        list(&p.new_branches),
        list(&p.gone_branches)
    )
}

/// Red, amber and green on a ratio column; text cells ("—") stay uncoloured.
fn traffic_lights(ws: &mut Worksheet, first: u32, last: u32, col: u16) -> Result<()> {
    if last < first {
        return Ok(());
    }
    let cell = format!("{}{}", column_letters(col as u32), first + 1);
    let rules = [
        (format!("=AND(ISNUMBER({cell}),{cell}>=1)"), 0xC6EFCE, 0x006100),
        (
            format!("=AND(ISNUMBER({cell}),{cell}>=0.8,{cell}<1)"),
            0xFFEB9C,
            0x9C5700,
        ),
        (format!("=AND(ISNUMBER({cell}),{cell}<0.8)"), 0xFFC7CE, 0x9C0006),
    ];
    for (rule, fill, font) in rules {
        let cf = ConditionalFormatFormula::new()
            .set_rule(rule.as_str())
            .set_format(Format::new().set_background_color(fill).set_font_color(font));
        ws.add_conditional_format(first, col, last, col, &cf)?;
    }
    Ok(())
}

/// A header with 上级党组织 after its first column (党支部) when there are units.
fn with_unit_column<'h>(with_units: bool, cols: &[&'h str]) -> Vec<&'h str> {
    let mut out = cols.to_vec();
    if with_units {
        out.insert(1, "上级党组织");
    }
    out
}

/// A row with the unit after its first cell, when given.
fn with_unit_cell<const N: usize>(unit: Option<String>, cells: [Cell; N]) -> Vec<Cell> {
    let mut out: Vec<Cell> = cells.into();
    if let Some(u) = unit {
        out.insert(1, t(u));
    }
    out
}

/// 单位汇总: a row per unit, lowest mean coverage first (SPEC 6).
fn units_sheet(ws: &mut Worksheet, st: &Styles, a: &Analysis) -> Result<()> {
    let m = &a.figures.metrics;
    let mut sw = SheetWriter::new(ws, st, &format!("{}年度各单位党支部组织生活情况汇总", m.year), a)?;
    let reqs = &a.settings.plan.requirements;
    let req_heads: Vec<String> = reqs.iter().map(|r| format!("{}达标率", r.activity.label())).collect();
    let mut head: Vec<&str> = vec!["排名", "上级党组织", "支部数"];
    head.extend(req_heads.iter().map(String::as_str));
    head.extend(["平均达标率", "活动月份覆盖率", "未达标支部数", "参与率偏低党员数"]);
    // With an earlier year that had units: its mean coverage and the change, per unit.
    let prev = m.previous.as_ref().filter(|p| !p.units.is_empty());
    if prev.is_some() {
        head.extend(["上年平均达标率", "平均达标率增减"]);
    }
    sw.header(&head)?;
    let first = sw.row;
    for u in &m.units {
        let mut cells = vec![Cell::Int(u.rank), t(&u.unit), Cell::Int(u.branches)];
        cells.extend(
            reqs.iter()
                .map(|r| Cell::Pct(u.coverage.requirements.get(&r.activity).copied())),
        );
        cells.extend([
            Cell::Pct(u.mean_coverage()),
            Cell::Pct(u.coverage.active_months),
            Cell::Int(u.below_target_branches),
            Cell::Int(u.members_below_threshold),
        ]);
        if let Some(p) = prev {
            let before = p
                .units
                .iter()
                .find(|b| b.unit == u.unit)
                .and_then(|b| b.mean_coverage());
            let change = u
                .mean_coverage()
                .zip(before)
                .map(|(now, was)| metrics::ratio(now - was));
            cells.extend([Cell::Pct(before), Cell::Pct(change)]);
        }
        sw.cells(&cells)?;
    }
    let last = sw.row.saturating_sub(1);
    for col in 3..3 + reqs.len() as u16 + 2 {
        traffic_lights(sw.ws, first, last, col)?;
    }
    sw.row += 1;
    sw.note("按各项制度要求达标率的平均值从低到高排名；达标率为本单位各支部达标期数之和除以应考核期数之和。")?;
    if let Some(p) = prev {
        sw.note(&format!(
            "上年为 {} 年度；增减为本年减上年；上年没有的单位记“—”。",
            p.year
        ))?;
    }
    sw.finish(Some(last))
}

fn compliance(ws: &mut Worksheet, st: &Styles, a: &Analysis) -> Result<()> {
    let m = &a.figures.metrics;
    let mut sw = SheetWriter::new(ws, st, &format!("{}年度各支部制度要求完成情况", m.year), a)?;
    let with_units = !m.units.is_empty();
    let mut cols = with_unit_column(
        with_units,
        &[
            "党支部",
            "制度要求",
            "考核周期",
            "每期应开次数",
            "实际次数",
            "应开次数",
            "应考核期数",
            "达标期数",
            "达标率",
            "缺口（次）",
            "未达标期间",
        ],
    );
    let prev = m.previous.as_ref();
    if prev.is_some() {
        cols.extend(["上年次数", "次数增减"]);
    }
    sw.header(&cols)?;
    let first = sw.row;
    let reqs = &a.settings.plan.requirements;
    for b in &m.branches {
        for (k, r) in b.requirements.iter().enumerate() {
            let req = reqs
                .get(k)
                .filter(|q| q.activity == r.activity)
                .or_else(|| reqs.iter().find(|q| q.activity == r.activity));
            let actual = b.counts.get(&r.activity).copied().unwrap_or(0);
            let unit = with_units.then(|| b.unit.clone().unwrap_or_default());
            let mut cells = with_unit_cell(
                unit,
                [
                    t(&b.branch),
                    t(req
                        .map(charts::requirement_label)
                        .unwrap_or_else(|| r.activity.label().to_string())),
                    t(req.map(|q| q.cadence.label()).unwrap_or("")),
                    Cell::Int(r.required_per_period),
                    Cell::Int(actual),
                    Cell::Int(r.required_per_period * r.periods),
                    Cell::Int(r.periods),
                    Cell::Int(r.met),
                    Cell::Pct(r.compliance),
                    Cell::Int(r.gap),
                    t(period_list(&r.missing, a.settings.year)),
                ],
            );
            if let Some(p) = prev {
                // A branch the earlier year did not have shows "—" for both; a renamed one
                // its earlier name's count.
                let before = p.earlier_counts(&b.branch).and_then(|c| c.get(&r.activity).copied());
                let change = p
                    .change
                    .branches
                    .iter()
                    .find(|x| x.branch == b.branch)
                    .and_then(|x| x.counts.get(&r.activity))
                    .copied();
                cells.push(int_or_dash(before.map(|v| v.max(0))));
                cells.push(int_or_dash(before.and(change)));
            }
            sw.cells(&cells)?;
        }
    }
    let last = sw.row.saturating_sub(1);
    traffic_lights(sw.ws, first, last, 8 + with_units as u16)?;
    sw.row += 1;
    sw.note("达标率：绿色为全部达标，黄色为80%至100%，红色为低于80%；“—”表示尚无到期的考核期。")?;
    sw.finish(Some(last))
}

fn monthly(ws: &mut Worksheet, st: &Styles, a: &Analysis) -> Result<()> {
    let m = &a.figures.metrics;
    let year = a.settings.year;
    let mut sw = SheetWriter::new(ws, st, &format!("{year}年度各支部月度活动明细（次）"), a)?;
    let months = charts::months_shown(a);
    let month_names: Vec<String> = months.iter().map(|m| format!("{m}月")).collect();
    let mut cols = vec!["党支部", "活动类型"];
    cols.extend(month_names.iter().map(String::as_str));
    cols.push("合计");
    sw.header(&cols)?;

    // (branch, month, type) is the rows' key: a lookup, no arithmetic.
    let n: HashMap<(&str, &str, ActivityType), i64> = a
        .figures
        .rows
        .by_month
        .iter()
        .map(|r| ((r.branch.as_str(), r.month.as_str(), r.activity), r.activities))
        .collect();
    let month_keys: Vec<String> = months.iter().map(|mo| format!("{year}-{mo:02}")).collect();
    // Every planned type, and any other type some branch held: a compact, comparable grid.
    let types: Vec<ActivityType> = ActivityType::ALL
        .into_iter()
        .filter(|ty| {
            a.settings.plan.requirements.iter().any(|r| r.activity == *ty)
                || m.totals.get(ty).map_or(0, |v| v.activities) > 0
        })
        .collect();
    let first = sw.row;
    for b in &m.branches {
        for ty in &types {
            let mut cells = vec![t(&b.branch), t(ty.label())];
            for mo in &month_keys {
                let key = (b.branch.as_str(), mo.as_str(), *ty);
                cells.push(Cell::Int(n.get(&key).copied().unwrap_or(0)));
            }
            cells.push(Cell::Int(b.counts.get(ty).copied().unwrap_or(0)));
            sw.cells(&cells)?;
        }
    }
    let last = sw.row.saturating_sub(1);
    if last >= first && !months.is_empty() {
        let scale = ConditionalFormat3ColorScale::new()
            .set_minimum_color(0xFFFFFF)
            .set_midpoint_color(0xFFEB84)
            .set_maximum_color(0x63BE7B);
        sw.ws
            .add_conditional_format(first, 2, last, 1 + months.len() as u16, &scale)?;
    }
    sw.finish(Some(last))
}

fn participation(ws: &mut Worksheet, st: &Styles, a: &Analysis) -> Result<()> {
    let m = &a.figures.metrics;
    let mut sw = SheetWriter::new(ws, st, &format!("{}年度各支部参会率与参与人次", m.year), a)?;
    sw.header(&[
        "党支部",
        "活动类型",
        "活动次数",
        "参与人次",
        "实到人次（有应到数）",
        "应到人次",
        "参会率",
    ])?;

    // Person-times per branch and type (SPEC 5), the branch-level split of metrics.json's
    // totals.
    let rows = &a.figures.rows;
    let person_times: HashMap<(&str, ActivityType), i64> = rows
        .counts
        .iter()
        .map(|r| ((r.branch.as_str(), r.activity), r.person_times))
        .collect();
    let pe: HashMap<(&str, ActivityType), (i64, i64)> = rows
        .rates
        .iter()
        .map(|r| ((r.branch.as_str(), r.activity), (r.present, r.expected)))
        .collect();
    let first = sw.row;
    for b in &m.branches {
        for ty in ActivityType::ALL {
            let count = b.counts.get(&ty).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let key = (b.branch.as_str(), ty);
            let (p, e) = pe
                .get(&key)
                .copied()
                .map(|(p, e)| (Cell::Int(p), Cell::Int(e)))
                .unwrap_or((t("—"), t("—")));
            sw.cells(&[
                t(&b.branch),
                t(ty.label()),
                Cell::Int(count),
                Cell::Int(person_times.get(&(b.branch.as_str(), ty)).copied().unwrap_or(0)),
                p,
                e,
                Cell::Pct(b.attendance_rate.get(&ty).copied()),
            ])?;
        }
    }
    let all: HashMap<ActivityType, (i64, i64)> = rows
        .type_rates
        .iter()
        .map(|r| (r.activity, (r.present, r.expected)))
        .collect();
    for ty in ActivityType::ALL {
        let total = m.totals.get(&ty).copied().unwrap_or_default();
        if total.activities == 0 {
            continue;
        }
        let (p, e, rate) = match all.get(&ty) {
            Some(&(p, e)) if e > 0 => (Cell::Int(p), Cell::Int(e), Cell::Pct(Some(p as f64 / e as f64))),
            _ => (t("—"), t("—"), Cell::Pct(None)),
        };
        sw.cells(&[
            t("全部支部"),
            t(ty.label()),
            Cell::Int(total.activities),
            Cell::Int(total.person_times),
            p,
            e,
            rate,
        ])?;
    }
    let last = sw.row.saturating_sub(1);
    traffic_lights(sw.ws, first, last, 6)?;
    sw.row += 1;
    sw.note("参会率 = 实到人次 ÷ 应到人次，只计应到、实到都已填写的活动；参与人次为已知实到人数之和。")?;
    sw.finish(Some(last))
}

fn members(ws: &mut Worksheet, st: &Styles, a: &Analysis) -> Result<()> {
    let threshold = a.settings.plan.attendance_threshold;
    let mut sw = SheetWriter::new(ws, st, &format!("{}年度党员个人参与情况", a.settings.year), a)?;
    let Some(rows) = &a.figures.rows.members else {
        sw.note("未提供党员名册（--roster），不统计党员个人参与情况。")?;
        return sw.finish(None);
    };
    sw.header(&[
        "姓名",
        "所在支部",
        "党小组",
        "类别",
        "参加次数",
        "应参加次数",
        "参与率",
        "预警",
    ])?;
    let first = sw.row;
    for row in rows {
        let rate = row.rate.map(crate::metrics::ratio);
        let below = rate.is_some_and(|r| r < threshold);
        sw.cells(&[
            t(&row.name),
            t(&row.branch),
            t(&row.group),
            t(&row.category),
            Cell::Int(row.attended),
            Cell::Int(row.expected),
            Cell::Pct(rate),
            t(if below { "低于预警线" } else { "" }),
        ])?;
    }
    let last = sw.row.saturating_sub(1);
    if last >= first {
        let rule = format!("=AND(ISNUMBER($G{0}),$G{0}<{threshold})", first + 1);
        let cf = ConditionalFormatFormula::new()
            .set_rule(rule.as_str())
            .set_format(Format::new().set_background_color(0xFFC7CE).set_font_color(0x9C0006));
        sw.ws.add_conditional_format(first, 0, last, 7, &cf)?;
    }
    sw.row += 1;
    sw.note(&format!(
        "参与率 = 参加次数 ÷ 应参加次数（只计登记了参会或缺席人员名单的活动）；低于{}的标红。",
        pct(threshold)
    ))?;
    sw.finish(Some(last))
}

fn warnings(ws: &mut Worksheet, st: &Styles, a: &Analysis) -> Result<()> {
    let m = &a.figures.metrics;
    let mut sw = SheetWriter::new(ws, st, &format!("{}年度预警清单", m.year), a)?;
    sw.section("一、未达到制度要求的支部（按缺口从大到小）")?;
    let with_units = !m.units.is_empty();
    let unit_of: std::collections::HashMap<&str, &str> = m
        .branches
        .iter()
        .map(|b| (b.branch.as_str(), b.unit.as_deref().unwrap_or("")))
        .collect();
    let unit = |branch: &str| with_units.then(|| unit_of.get(branch).copied().unwrap_or("").to_string());
    let mut head = vec!["序号", "党支部"];
    if with_units {
        head.push("上级党组织");
    }
    head.extend(["制度要求", "达标率", "缺口（次）", "未达标期间"]);
    sw.header(&head)?;
    let first = sw.row;
    let reqs = &a.settings.plan.requirements;
    for (i, b) in m.below_target.iter().enumerate() {
        let req = reqs
            .iter()
            .find(|q| q.activity == b.activity)
            .map(charts::requirement_label)
            .unwrap_or_else(|| b.activity.label().to_string());
        let mut cells = vec![Cell::Int(i as i64 + 1), t(&b.branch)];
        cells.extend(unit(&b.branch).map(t));
        cells.extend([
            t(req),
            Cell::Pct(b.compliance),
            Cell::Int(b.gap),
            t(period_list(&b.missing, a.settings.year)),
        ]);
        sw.cells(&cells)?;
    }
    let last = sw.row.saturating_sub(1);
    if m.below_target.is_empty() {
        sw.note("各支部均达到制度要求。")?;
    } else {
        traffic_lights(sw.ws, first, last, 3 + with_units as u16)?;
    }
    sw.row += 1;

    let threshold = a.settings.plan.attendance_threshold;
    sw.section(&format!("二、参与率低于{}的党员（按参与率从低到高）", pct(threshold)))?;
    if a.figures.member_attendance.is_none() {
        sw.note("未提供党员名册，不统计党员个人参与情况。")?;
    } else if m.members_below_threshold.is_empty() {
        sw.note("无参与率低于预警线的党员。")?;
    } else {
        sw.header(&["序号", "姓名", "所在支部", "参加次数", "应参加次数", "参与率"])?;
        for (i, p) in m.members_below_threshold.iter().enumerate() {
            sw.cells(&[
                Cell::Int(i as i64 + 1),
                t(&p.name),
                t(&p.branch),
                Cell::Int(p.attended),
                Cell::Int(p.expected),
                Cell::Pct(Some(p.rate)),
            ])?;
        }
    }
    sw.row += 1;

    sw.section(&format!(
        "三、本期待办（截至{}，本月、本季度尚需开展的活动）",
        cn_date(a.settings.as_of)
    ))?;
    if m.outstanding.is_empty() {
        sw.note("本月、本季度的规定活动均已开展。")?;
    } else {
        sw.header(&[
            "序号",
            "党支部",
            "制度要求",
            "期间",
            "应开（次）",
            "已开（次）",
            "还差（次）",
        ])?;
        for (i, o) in m.outstanding.iter().enumerate() {
            sw.cells(&[
                Cell::Int(i as i64 + 1),
                t(&o.branch),
                t(o.activity.label()),
                t(period_text(&o.period, a.settings.year)),
                Cell::Int(o.required),
                Cell::Int(o.done),
                Cell::Int(o.owed),
            ])?;
        }
    }
    sw.finish(Some(last))
}

fn problems(ws: &mut Worksheet, st: &Styles, a: &Analysis, links: Option<&str>) -> Result<()> {
    let mut sw = SheetWriter::new(ws, st, &format!("{}年度报送数据问题清单", a.settings.year), a)?;
    if !a.problems.is_empty() {
        problem_counts(&mut sw, a)?;
    }
    // The lines' header is the one frozen and filtered; the counts above are not frozen
    // when they are long (a province's branches), lest the frozen part fill the screen.
    sw.first_table = None;
    sw.freeze = sw.row < 12;
    // 文件/级别, 工作表/问题, 党支部/涉及支部数, 原始内容/处理建议, 问题说明, 处理建议 (the
    // lines' columns and the counts' above them).
    sw.narrow = vec![(1, 24), (2, 16), (4, 16), (5, 20), (6, 28), (8, 22)];
    sw.header(&ISSUE_COLUMNS)?;
    for (i, p) in a.problems.iter().enumerate() {
        // Roster problems name the roster, which is not in the submissions folder.
        let roster = matches!(
            p.kind,
            ProblemKind::RosterEmpty | ProblemKind::RosterMember | ProblemKind::RosterBranch
        );
        let mut cells = issue_cells(p).map(t);
        if let Some(base) = links.filter(|_| i < MAX_LINKS && !p.file.is_empty() && !roster) {
            cells[1] = Cell::Link(p.file.clone(), source_link(base, p));
        }
        sw.cells(&cells)?;
    }
    let last = sw.row.saturating_sub(1);
    if a.problems.is_empty() {
        sw.note("未发现数据问题。")?;
    }
    sw.finish(Some(last))
}

/// Excel keeps at most 65,530 hyperlinks a sheet; lines beyond show the file as text.
const MAX_LINKS: usize = 65_000;

/// The two opening tables of 数据问题: problems by code, then by branch.
fn problem_counts(sw: &mut SheetWriter, a: &Analysis) -> Result<()> {
    sw.section("一、按问题类型统计")?;
    sw.header(&["代码", "级别", "问题", "条数", "涉及支部数", "处理建议"])?;
    for c in &a.problem_counts.by_code {
        let kind = ProblemKind::ALL.iter().find(|k| k.code() == c.code);
        sw.cells(&[
            t(&c.code),
            t(kind.map(|k| k.severity().label()).unwrap_or("")),
            t(kind.map(|k| k.meaning()).unwrap_or("")),
            Cell::Int(c.count),
            Cell::Int(c.branches),
            t(kind.map(|k| k.hint()).unwrap_or("")),
        ])?;
    }
    sw.row += 1;
    sw.section("二、按支部统计")?;
    sw.header(&["党支部", "错误", "警告", "提示", "合计"])?;
    for b in &a.problem_counts.by_branch {
        let int = Cell::Int;
        sw.cells(&[t(&b.branch), int(b.errors), int(b.warnings), int(b.notes), int(b.total)])?;
    }
    sw.row += 1;
    sw.section("三、问题明细（点击文件名打开报送的台账）")?;
    Ok(())
}

/// A relative hyperlink from the output folder to the problem's source workbook, to the
/// sheet and cell where the format has them (a CSV has no sheets).
fn source_link(base: &str, p: &crate::problems::Problem) -> String {
    let mut url = format!("file:///{base}{}", p.file);
    let lower = p.file.to_lowercase();
    let addressable = [
        ".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm", ".xlt", ".et", ".ett",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    if addressable && !p.sheet.is_empty() {
        let cell = if p.cell.is_empty() { "A1" } else { &p.cell };
        url.push_str(&format!("#'{}'!{cell}", p.sheet.replace('\'', "''")));
    }
    url
}

use super::csv_out::ActivityKind;

/// Chinese headers of the 活动明细 sheet, in the order of `csv_out::ACTIVITY_COLUMNS`.
const ACTIVITY_HEADERS: [&str; 19] = [
    "党支部",
    "党小组",
    "类型代码",
    "活动类型",
    "日期",
    "主题",
    "主持人",
    "地点",
    "应到",
    "实到",
    "记名考勤",
    "参会人员",
    "缺席人员",
    "状态",
    "来源文件",
    "来源工作表",
    "来源行",
    "原类型文本",
    "备注",
];

/// 活动明细's title, header and column formats: every format the sheet uses, so that its
/// rows, written on a thread of their own, add none (the workbook's format numbers then do
/// not depend on which thread came first, and the file is the same every run).
fn activities_head<'w>(ws: &'w mut Worksheet, st: &'w Styles, settings: &Settings) -> Result<SheetWriter<'w>> {
    let mut sw = SheetWriter::with_settings(
        ws,
        st,
        &format!("{}年度活动明细（规范化记录）", settings.year),
        settings,
    )?;
    sw.header(&ACTIVITY_HEADERS)?;
    // 党支部, 类型代码, 主题, 地点, 参会人员, 缺席人员, 备注 wrap in narrowed columns.
    sw.narrow = vec![(0, 16), (2, 18), (5, 20), (7, 10), (11, 16), (12, 12), (18, 12)];
    let kinds: Vec<ColumnKind> = super::csv_out::ACTIVITY_COLUMNS
        .iter()
        .map(|c| match super::csv_out::activity_kind(c) {
            ActivityKind::Date => ColumnKind::Date,
            ActivityKind::Int => ColumnKind::Int,
            // The flag is written as 是 / 否.
            ActivityKind::Text | ActivityKind::Flag => ColumnKind::Text,
        })
        .collect();
    sw.plain_columns(&kinds)?;
    Ok(sw)
}

/// 活动明细's rows, a row per activity, under [`activities_head`].
fn activity_rows(mut sw: SheetWriter<'_>, records: &[Record], rows: &[ActivityRow]) -> Result<()> {
    use super::csv_out::ActivityValue as V;
    for row in rows {
        let values = super::csv_out::activity_values(records, row);
        let cells = values.each_ref().map(|v| match v {
            V::Text(s) => Plain::Text(s),
            V::Int(n) => n.map_or(Plain::Blank, Plain::Int),
            V::Date(d) => Plain::Date(*d),
            V::Flag(b) => Plain::Text(if *b { "是" } else { "否" }),
            V::Status(s) => Plain::Text(s.label()),
        });
        sw.plain_cells(&cells)?;
    }
    let last = sw.row.saturating_sub(1);
    // Printed: the activity's own columns (党支部 … 状态); its source columns stay on screen.
    sw.ws.set_print_area(0, 0, last.max(3), PRINTED_ACTIVITY_COLUMNS - 1)?;
    sw.finish(Some(last))
}

/// 活动明细's printed columns: up to 状态, before 来源文件.
const PRINTED_ACTIVITY_COLUMNS: u16 = 14;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_as_written() {
        for n in [0i64, 7, 9, 10, 99, 100, 12345, -1, -10, -999, i64::MAX, i64::MIN] {
            assert_eq!(int_width(n), n.to_string().len(), "{n}");
        }
        for s in ["", "abc", "党支部", "a\r", "第一行\n第二行更长", "x\r\nyy"] {
            assert_eq!(text_width(s), s.lines().map(display_width).max().unwrap_or(0), "{s:?}");
        }
    }

    /// The XML of each worksheet of a saved workbook, in sheet order.
    fn sheet_xml(wb: &mut Workbook) -> Vec<String> {
        let bytes = wb.save_to_buffer().expect("saved");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        (1..)
            .map_while(|n| {
                let mut part = zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).ok()?;
                let mut xml = String::new();
                std::io::Read::read_to_string(&mut part, &mut xml).expect("utf-8");
                Some(xml)
            })
            .collect()
    }

    fn row_numbers(xml: &str) -> Vec<u32> {
        xml.match_indices("<row r=\"")
            .map(|(at, tag)| {
                let digits = &xml[at + tag.len()..];
                digits[..digits.find('"').expect("closing quote")]
                    .parse()
                    .expect("a number")
            })
            .collect()
    }

    const STREAMED: [[RowCell<'static>; 5]; 4] = [
        [
            RowCell::String("党支部"),
            RowCell::Blank,
            RowCell::Number(3.0),
            RowCell::String(""),
            RowCell::String(" a<b & \"c\" "),
        ],
        [
            RowCell::Blank,
            RowCell::Blank,
            RowCell::Blank,
            RowCell::Blank,
            RowCell::Blank,
        ],
        [
            RowCell::Number(45301.0),
            RowCell::String("x\ny"),
            RowCell::Number(-2.5),
            RowCell::Blank,
            RowCell::String("_x0041_"),
        ],
        [
            RowCell::String("末行"),
            RowCell::Number(f64::NAN),
            RowCell::Blank,
            RowCell::Blank,
            RowCell::Number(1e20),
        ],
    ];

    /// A constant memory sheet as 活动明细 is made: column formats, a title cell written the
    /// usual way, row heights set before each row, the last row with a height of its own.
    fn detail_like(wb: &mut Workbook, streamed: bool) {
        let wrap = Format::new().set_text_wrap();
        let ws = wb.add_worksheet_with_constant_memory().expect("a sheet");
        ws.set_column_format(0, &wrap).expect("format");
        ws.set_column_format(2, &Format::new().set_num_format("0"))
            .expect("format");
        ws.write_string(0, 0, "标题").expect("title");
        for (i, row) in STREAMED.iter().enumerate() {
            let r = 2 + 2 * i as u32;
            ws.set_row_height_pixels(r, 19 + 10 * i as u32).expect("height");
            if streamed {
                ws.write_row_cells(r, 1, row).expect("row");
            } else {
                for (c, cell) in row.iter().enumerate() {
                    let c = 1 + c as u16;
                    match *cell {
                        RowCell::Blank => {}
                        RowCell::String(s) => {
                            ws.write_string(r, c, s).expect("string");
                        }
                        RowCell::Number(n) => {
                            ws.write_number(r, c, n).expect("number");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rows_written_whole_are_the_same_xml_as_cell_by_cell() {
        let mut by_row = Workbook::new();
        detail_like(&mut by_row, true);
        let mut by_cell = Workbook::new();
        detail_like(&mut by_cell, false);
        let (by_row, by_cell) = (sheet_xml(&mut by_row), sheet_xml(&mut by_cell));
        assert_eq!(by_row, by_cell);
        assert!(by_row[0].contains("&lt;b &amp;"), "{}", by_row[0]);
    }

    /// Cells of every kind [`SheetWriter::cells`] writes, each format first used in the same
    /// order, written by format or by format index; the default format in a formatted column
    /// takes the column's format either way.
    fn formatted_cells(wb: &mut Workbook, by_index: bool) -> (String, String) {
        enum Value {
            Text(&'static str),
            Number(f64),
            Blank,
        }
        let text = Format::new().set_bold();
        let pct = Format::new().set_num_format("0.0%");
        let plain = Format::new();
        let ws = wb.add_worksheet();
        ws.set_column_format(3, &Format::new().set_italic()).expect("format");
        let cells = [
            (0, 0, Value::Text("党支部"), &text),
            (0, 1, Value::Number(0.5), &pct),
            (1, 0, Value::Text(""), &text),
            (1, 1, Value::Number(f64::NAN), &pct),
            (2, 1, Value::Number(f64::NEG_INFINITY), &pct),
            (2, 3, Value::Blank, &plain),
            (3, 3, Value::Blank, &text),
            (4, 3, Value::Text("列"), &plain),
        ];
        for (r, c, value, format) in cells {
            if by_index {
                let index = ws.format_index(format);
                match value {
                    Value::Text(s) => ws.write_string_with_format_index(r, c, s, index),
                    Value::Number(n) => ws.write_number_with_format_index(r, c, n, index),
                    Value::Blank => ws.write_blank_with_format_index(r, c, index),
                }
            } else {
                match value {
                    Value::Text(s) => ws.write_string_with_format(r, c, s, format),
                    Value::Number(n) => ws.write_number_with_format(r, c, n, format),
                    Value::Blank => ws.write_blank(r, c, format),
                }
            }
            .expect("written");
        }
        let bytes = wb.save_to_buffer().expect("saved");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut part = |name: &str| {
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).expect("a part"), &mut xml).expect("utf-8");
            xml
        };
        (part("xl/worksheets/sheet1.xml"), part("xl/styles.xml"))
    }

    #[test]
    fn cells_written_by_format_index_are_the_same_as_by_format() {
        let by_index = formatted_cells(&mut Workbook::new(), true);
        let by_format = formatted_cells(&mut Workbook::new(), false);
        assert_eq!(by_index, by_format);
        // The written sheet has what the cases are for: a NaN as a string cell, an empty
        // string as a formatted blank, a blank in the default format taking the column's.
        for expected in [
            "<c r=\"B2\" s=\"3\" t=\"s\">",
            "<c r=\"A2\" s=\"2\"/>",
            "<c r=\"D3\" s=\"1\"/>",
        ] {
            assert!(by_index.0.contains(expected), "{expected}: {}", by_index.0);
        }
    }

    /// Every part of a saved workbook, by name.
    /// The unzipped parts of `wb` saved with a fixed creation date: left at its default,
    /// `docProps/core.xml` carries the second of the save, and two workbooks saved either
    /// side of a second's turn would differ there.
    fn parts(wb: &mut Workbook) -> Result<std::collections::BTreeMap<String, Vec<u8>>> {
        wb.set_properties(
            &DocProperties::new().set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1)?),
        );
        let bytes = wb.save_to_buffer()?;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
        let mut out = std::collections::BTreeMap::new();
        for i in 0..zip.len() {
            let mut part = zip.by_index(i)?;
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut part, &mut bytes)?;
            out.insert(part.name()?.to_string(), bytes);
        }
        Ok(out)
    }

    /// A sheet as 活动明细 is made: title, header, column formats, plain rows, widths.
    fn fill_detail(ws: &mut Worksheet) -> Result<()> {
        let st = Styles::new();
        let mut sw = SheetWriter::with_settings(ws, &st, "标题", &test_settings())?;
        sw.header(&["甲", "乙"])?;
        sw.plain_columns(&[ColumnKind::Text, ColumnKind::Int])?;
        sw.plain_cells(&[Plain::Text("党支部 a<b"), Plain::Int(3)])?;
        sw.plain_cells(&[Plain::Blank, Plain::Text("x\ny")])?;
        sw.finish(None)
    }

    /// A workbook of a small sheet and, second, a constant memory sheet as 活动明细 is made:
    /// made apart and compressed ahead of the save as sheet `compressed_as`, or, without it,
    /// added by the workbook and compressed by the save.
    fn with_detail_second(compressed_as: Option<usize>) -> Result<std::collections::BTreeMap<String, Vec<u8>>> {
        let mut wb = new_workbook()?;
        let mut ahead = compressed_as
            .map(|_| wb.new_worksheet_with_constant_memory())
            .transpose()?;
        wb.add_worksheet().set_name("总览")?.write_string(0, 0, "总览")?;
        match (&mut ahead, compressed_as) {
            (Some(ws), Some(index)) => {
                ws.set_name(DETAIL_SHEET)?;
                fill_detail(ws)?;
                wb.compress_worksheet(ws, index)?;
            }
            _ => {
                let ws = wb.add_worksheet_with_constant_memory()?;
                ws.set_name(DETAIL_SHEET)?;
                fill_detail(ws)?;
            }
        }
        if let Some(ws) = ahead {
            wb.push_worksheet(ws);
        }
        parts(&mut wb)
    }

    fn test_settings() -> Settings {
        Settings {
            year: 2024,
            as_of: NaiveDate::from_ymd_opt(2024, 12, 31).expect("a date"),
            plan: crate::config::Plan::default(),
        }
    }

    /// `Workbook::compress_worksheet` (the rust_xlsxwriter patch): a constant memory sheet
    /// compressed before the save unzips to the same parts as one the save compresses, in a
    /// workbook with a default format of its own (which a standalone constant memory sheet
    /// did not take before the patch).
    #[test]
    fn a_sheet_compressed_ahead_is_saved_as_it_would_have_been() {
        let ahead = with_detail_second(Some(2)).expect("saved");
        let at_save = with_detail_second(None).expect("saved");
        assert_eq!(ahead.keys().collect::<Vec<_>>(), at_save.keys().collect::<Vec<_>>());
        for (name, bytes) in &at_save {
            assert!(ahead[name] == *bytes, "{name} differs");
        }
        let sheet = String::from_utf8_lossy(&ahead["xl/worksheets/sheet2.xml"]).into_owned();
        assert!(
            sheet.contains("党支部 a&lt;b") && sheet.contains("defaultRowHeight=\"14.25\""),
            "{sheet}"
        );
    }

    /// `Workbook::set_reuse_compressed_parts` (the rust_xlsxwriter patch): workbooks saved one
    /// after another with the option, alike and not (another style, another sheet name),
    /// unzip to the parts each has without it: a part is copied only where its bytes are
    /// the same.
    #[test]
    fn parts_reused_across_workbooks_are_the_parts_each_would_have() {
        let book = |sheet: &str, bold: bool, reuse: bool| {
            let mut wb = Workbook::new();
            wb.set_zip_compression_level(1);
            wb.set_reuse_compressed_parts(reuse);
            let format = Format::new().set_font_name("宋体");
            let format = if bold { format.set_bold() } else { format };
            let ws = wb.add_worksheet().set_name(sheet).expect("a name");
            ws.write_string_with_format(0, 0, sheet, &format).expect("written");
            parts(&mut wb).expect("saved")
        };
        for (sheet, bold) in [
            ("考核情况", false),
            ("考核情况", false),
            ("缺项明细", true),
            ("考核情况", false),
        ] {
            let reused = book(sheet, bold, true);
            assert!(reused == book(sheet, bold, false), "{sheet} {bold}");
            let styles = String::from_utf8_lossy(&reused["xl/styles.xml"]).into_owned();
            assert_eq!(styles.contains("<b/>"), bold, "{styles}");
        }
    }

    #[test]
    fn a_sheet_compressed_for_another_place_is_refused() {
        let err = with_detail_second(Some(3)).expect_err("saved as sheet 2");
        assert!(err.to_string().contains("sheet3.xml"), "{err}");
    }

    #[test]
    fn constant_memory_sheets_write_each_row_once() {
        for streamed in [true, false] {
            let mut wb = Workbook::new();
            detail_like(&mut wb, streamed);
            let rows = row_numbers(&sheet_xml(&mut wb)[0]);
            assert!(
                rows.windows(2).all(|w| w[0] < w[1]),
                "streamed {streamed}: rows {rows:?}"
            );
            assert_eq!(
                rows.last(),
                Some(&9),
                "streamed {streamed}: the last row, whose height was set"
            );
        }
    }

    /// rust_xlsxwriter's text escapes as they were before the vendored byte-wise scan:
    /// `_xHHHH_` protected by `_x005F`, then `& < >`, control characters and U+FFFE/U+FFFF.
    fn escaped_as_before(text: &str) -> String {
        let mut protected = String::new();
        for (i, ch) in text.char_indices() {
            let rest = &text.as_bytes()[i..];
            if rest.len() >= 7
                && rest.starts_with(b"_x")
                && rest[2..6].iter().all(u8::is_ascii_hexdigit)
                && rest[6] == b'_'
            {
                protected.push_str("_x005F");
            }
            protected.push(ch);
        }
        protected
            .chars()
            .map(|ch| match ch {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '\t' | '\n' => ch.to_string(),
                '\0'..='\x1f' => format!("_x{:04X}_", ch as u32),
                '\u{fffe}' | '\u{ffff}' => format!("_x{:04X}_", ch as u32),
                _ => ch.to_string(),
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn cell_text_escaped_as_before(text in "[a-z_x0-9A-F&<>\"' \t\n\\x00-\\x1f\u{fffe}\u{ffff}\u{ff08}\u{ff0c}\u{fffd}党支部]{1,40}") {
            let mut wb = Workbook::new();
            wb.add_worksheet_with_constant_memory().expect("a sheet").write_string(0, 0, text.as_str()).expect("written");
            let xml = sheet_xml(&mut wb).remove(0);
            let start = xml.find("<is><t").expect("an inline string") + "<is><t".len();
            let start = start + xml[start..].find('>').expect("tag end") + 1;
            let end = start + xml[start..].find("</t>").expect("closing tag");
            proptest::prop_assert_eq!(&xml[start..end], escaped_as_before(&text));
        }
    }
}
