//! feedback/<branch>.xlsx: one small workbook per branch, to send back to it. In: the
//! analysis. Out: for each branch, its figures against the plan, the activities it still
//! misses by period, its data problems with file, sheet, cell, code and hint, its attendance
//! rates and (with a roster) its members below the attendance threshold. When the roster gives
//! units, each unit gets feedback/<unit>.xlsx (its branches ranked, their shortfalls by
//! period, their data problems) and its branches' workbooks move to feedback/<unit>/.
//!
//! The tables are split by branch once per run ([`BranchSlices`]), then each workbook reads
//! only its own slice: a province's 800 workbooks no longer scan every table 800 times.

use super::Exporter;
use super::csv_out::{ISSUE_BRANCH_COLUMN, ISSUE_COLUMNS, issue_cells};
use super::format::{period_list, period_text};
use super::workbook::{MAX_WRAPPED_LINES, ROW_POINTS};
use crate::maps::{HashMap, HashSet};
use crate::metrics::MemberBelow;
use crate::pipeline::Analysis;
use crate::problems::{Problem, Severity};
use crate::text::display_width;
use crate::vocab::ActivityType;
use anyhow::Result;
use rayon::prelude::*;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, FormatIndex, Workbook, Worksheet};
use std::path::Path;

pub struct BranchFeedback;

/// A file name that is safe on every file system.
pub fn file_name_for(branch: &str) -> String {
    let clean: String = branch
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{clean}.xlsx")
}

/// The folder of a unit's branch workbooks: its file name without `.xlsx`.
pub fn folder_name_for(unit: &str) -> String {
    file_name_for(unit).trim_end_matches(".xlsx").to_string()
}

fn header(ws: &mut Cells<'_>, row: u32, cells: &[&str], widths: &[f64]) -> Result<()> {
    for (c, h) in cells.iter().enumerate() {
        ws.text(row, c as u16, *h, Style::Head)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(12.0))?;
    }
    Ok(())
}

/// A period a branch fell short in.
struct Shortfall {
    period: String,
    activity: ActivityType,
    required: i64,
    count: i64,
    shortfall: i64,
}

/// A branch's attendance for one type, where defined.
struct Rate {
    activity: ActivityType,
    present: i64,
    expected: i64,
    rate: f64,
}

/// One branch's share of the run's tables.
#[derive(Default)]
struct BranchSlice<'a> {
    shortfalls: Vec<Shortfall>,
    problems: Vec<&'a Problem>,
    rates: Vec<Rate>,
    /// Its members below the attendance threshold, lowest first as metrics.json lists them.
    members_below: Vec<&'a MemberBelow>,
}

/// Every table split by branch, once per run.
struct BranchSlices<'a> {
    by_branch: HashMap<&'a str, BranchSlice<'a>>,
}

impl<'a> BranchSlices<'a> {
    fn new(a: &'a Analysis) -> Result<Self> {
        let mut by_branch: HashMap<&'a str, BranchSlice<'a>> = a
            .figures
            .metrics
            .branches
            .iter()
            .map(|b| (b.branch.as_str(), BranchSlice::default()))
            .collect();
        Self::add_shortfalls(a, &mut by_branch)?;
        Self::add_problems(a, &mut by_branch);
        Self::add_rates(a, &mut by_branch)?;
        for member in &a.figures.metrics.members_below_threshold {
            if let Some(slice) = by_branch.get_mut(member.branch.as_str()) {
                slice.members_below.push(member);
            }
        }
        Ok(BranchSlices { by_branch })
    }

    fn add_shortfalls(a: &Analysis, by_branch: &mut HashMap<&str, BranchSlice>) -> Result<()> {
        for row in a.figures.rows.periods.iter().filter(|r| r.shortfall != 0) {
            if let Some(slice) = by_branch.get_mut(row.branch.as_str()) {
                slice.shortfalls.push(Shortfall {
                    period: row.period.clone(),
                    activity: row.activity,
                    required: row.required,
                    count: row.count,
                    shortfall: row.shortfall,
                });
            }
        }
        Ok(())
    }

    /// A problem belongs to its branch, or (no branch known, e.g. an unknown column) to every
    /// branch whose rows came from its file.
    fn add_problems(a: &'a Analysis, by_branch: &mut HashMap<&'a str, BranchSlice<'a>>) {
        let mut branches_of_file: HashMap<&str, HashSet<&str>> = HashMap::default();
        // Records come file by file: a branch is looked up once per run of rows.
        let mut last: Option<(&str, &str)> = None;
        for r in a.records.iter() {
            let pair = (r.file.as_str(), r.branch.as_str());
            if last != Some(pair) {
                branches_of_file.entry(pair.0).or_default().insert(pair.1);
                last = Some(pair);
            }
        }
        for p in a.problems.iter().filter(|p| p.severity != Severity::Note) {
            if !p.branch.is_empty() {
                if let Some(slice) = by_branch.get_mut(p.branch.as_str()) {
                    slice.problems.push(p);
                }
                continue;
            }
            let Some(branches) = branches_of_file.get(p.file.as_str()) else {
                continue;
            };
            let mut owners: Vec<&&str> = branches.iter().collect();
            owners.sort();
            for branch in owners {
                if let Some(slice) = by_branch.get_mut(*branch) {
                    slice.problems.push(p);
                }
            }
        }
    }

    fn add_rates(a: &Analysis, by_branch: &mut HashMap<&str, BranchSlice>) -> Result<()> {
        for row in &a.figures.rows.rates {
            if let Some(slice) = by_branch.get_mut(row.branch.as_str()) {
                slice.rates.push(Rate {
                    activity: row.activity,
                    present: row.present,
                    expected: row.expected,
                    rate: row.rate.unwrap_or(0.0),
                });
            }
        }
        // In the order of the committee workbook and the plan (ActivityType::ALL), not the
        // frame's order of type codes.
        for slice in by_branch.values_mut() {
            slice.rates.sort_by_key(|r| r.activity);
        }
        Ok(())
    }
}

/// The feedback workbooks' cell formats.
struct Formats {
    base: Format,
    bold: Format,
    head: Format,
    pct: Format,
    /// Long texts (a path, a reason, a hint) wrapped in a narrower column, top-aligned.
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name("宋体").set_font_size(11);
        let bold = base.clone().set_bold();
        let head = bold
            .clone()
            .set_border(FormatBorder::Thin)
            .set_background_color("#D9E1F2");
        let pct = base.clone().set_num_format("0.0%");
        let wrap = base.clone().set_text_wrap().set_align(FormatAlign::Top);
        Formats {
            base,
            bold,
            head,
            pct,
            wrap,
        }
    }
}

/// A feedback sheet's cell formats, as [`Style`]s.
#[derive(Clone, Copy)]
enum Style {
    Base,
    Bold,
    Head,
    Pct,
    Wrap,
}

/// A feedback sheet, its cells written in [`Formats`] whose indices are looked up once per
/// sheet, at each one's first use (rust_xlsxwriter hashes and compares the whole `Format`
/// at every `write_*_with_format`; the order of first use numbers the formats in
/// styles.xml, so it stays that of the cells).
struct Cells<'w> {
    ws: &'w mut Worksheet,
    formats: &'w Formats,
    indices: [Option<FormatIndex>; 5],
}

impl<'w> Cells<'w> {
    fn new(ws: &'w mut Worksheet, formats: &'w Formats) -> Self {
        Cells {
            ws,
            formats,
            indices: [None; 5],
        }
    }

    fn index(&mut self, style: Style) -> FormatIndex {
        if let Some(index) = self.indices[style as usize] {
            return index;
        }
        let f = self.formats;
        let index = self.ws.format_index(match style {
            Style::Base => &f.base,
            Style::Bold => &f.bold,
            Style::Head => &f.head,
            Style::Pct => &f.pct,
            Style::Wrap => &f.wrap,
        });
        self.indices[style as usize] = Some(index);
        index
    }

    fn text(&mut self, row: u32, col: u16, text: impl Into<String>, style: Style) -> Result<()> {
        let index = self.index(style);
        self.ws.write_string_with_format_index(row, col, text, index)?;
        Ok(())
    }

    fn number(&mut self, row: u32, col: u16, number: f64, style: Style) -> Result<()> {
        let index = self.index(style);
        self.ws.write_number_with_format_index(row, col, number, index)?;
        Ok(())
    }
}

impl std::ops::Deref for Cells<'_> {
    type Target = Worksheet;
    fn deref(&self) -> &Worksheet {
        self.ws
    }
}

impl std::ops::DerefMut for Cells<'_> {
    fn deref_mut(&mut self) -> &mut Worksheet {
        self.ws
    }
}

/// A feedback workbook: zip level 1, the output marker, a pinned date. Level 1 is zlib's
/// "quick" matcher, 2 the "fast" and 3–6 the "medium" one: a province's 836 small workbooks
/// took 0.1–0.2 s of CPU to compress at 2–3 (perf); at 1 they are 15 % larger (10.9 MB
/// against 9.5 MB in all, some 13 KB each).
fn feedback_book() -> Workbook {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(1);
    // Their theme, styles, relationships and properties are the same in every branch's
    // workbook: compressed once, copied into the rest (the rust_xlsxwriter patch).
    wb.set_reuse_compressed_parts(true);
    wb
}

/// Every sheet prints as the committee workbook does: A4 landscape, one page wide, the
/// header rows (rows 1–3) repeated, page numbers at the foot.
fn print_setup(wb: &mut Workbook) {
    for ws in wb.worksheets_mut() {
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_footer("&C第 &P 页，共 &N 页");
        let _ = ws.set_repeat_rows(0, 2);
    }
}

fn set_properties(wb: &mut Workbook, title: String, year: i32) -> Result<()> {
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title(title)
        .set_author("branchstat")
        .set_custom_property(crate::ingest::OUTPUT_MARKER, "反馈工作簿")
        .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(year as u16, 1, 1)?);
    wb.set_properties(&props);
    Ok(())
}

/// feedback/<branch>.xlsx, a sheet per step: 考核情况 (its requirements' figures), 缺项明细
/// (its shortfalls by period), 数据问题 (its problems), 参与率 (its attendance rates).
fn write_branch(a: &Analysis, branch: &str, slice: &BranchSlice, path: &Path) -> Result<()> {
    let m = &a.figures.metrics;
    let mut wb = feedback_book();
    let f = Formats::new();
    branch_figures_sheet(&mut wb, &f, a, branch)?;
    branch_shortfalls_sheet(&mut wb, &f, branch, (m.year, &m.as_of), slice)?;
    branch_problems_sheet(&mut wb, &f, branch, slice)?;
    branch_rates_sheet(&mut wb, &f, a, slice)?;
    set_properties(&mut wb, format!("{branch}组织生活考核反馈"), m.year)?;
    print_setup(&mut wb);
    super::save_workbook(&mut wb, path)?;
    Ok(())
}

/// 考核情况: a row per requirement of the branch against the plan.
fn branch_figures_sheet(wb: &mut Workbook, f: &Formats, a: &Analysis, branch: &str) -> Result<()> {
    let m = &a.figures.metrics;
    let ws = &mut Cells::new(wb.add_worksheet().set_name("考核情况")?, f);
    ws.text(
        0,
        0,
        format!("{branch}{}年度组织生活考核情况（截至 {}）", m.year, m.as_of),
        Style::Bold,
    )?;
    header(
        ws,
        2,
        &[
            "要求",
            "周期",
            "每期应开",
            "应考核期数",
            "达标期数",
            "达标率",
            "缺口（次）",
            "未达标期间",
        ],
        &[14.0, 8.0, 10.0, 12.0, 10.0, 10.0, 10.0, 40.0],
    )?;
    let figures = m.branches.iter().find(|b| b.branch == branch);
    for (r, req) in (3..).zip(figures.map(|b| b.requirements.as_slice()).unwrap_or_default()) {
        let label = req.activity.label();
        let cadence = req.cadence.label();
        ws.text(r, 0, label, Style::Base)?;
        ws.text(r, 1, cadence, Style::Base)?;
        ws.number(r, 2, req.required_per_period as f64, Style::Base)?;
        ws.number(r, 3, req.periods as f64, Style::Base)?;
        ws.number(r, 4, req.met as f64, Style::Base)?;
        match req.compliance {
            Some(c) => ws.number(r, 5, c, Style::Pct)?,
            None => ws.text(r, 5, "未到期", Style::Base)?,
        };
        ws.number(r, 6, req.gap as f64, Style::Base)?;
        ws.text(r, 7, period_list(&req.missing, m.year), Style::Base)?;
    }
    ws.set_freeze_panes(3, 0)?;
    ws.set_landscape();
    Ok(())
}

/// 缺项明细: the branch's periods short of a requirement, or a line saying there are none.
fn branch_shortfalls_sheet(
    wb: &mut Workbook,
    f: &Formats,
    branch: &str,
    (year, as_of): (i32, &str),
    slice: &BranchSlice,
) -> Result<()> {
    let ws = &mut Cells::new(wb.add_worksheet().set_name("缺项明细")?, f);
    ws.text(0, 0, format!("{branch} 未达标的期间（截至 {as_of}）"), Style::Bold)?;
    header(
        ws,
        2,
        &["期间", "要求", "应开（次）", "已开（次）", "还差（次）"],
        &[12.0, 14.0, 10.0, 10.0, 10.0],
    )?;
    let mut r = 3;
    for s in &slice.shortfalls {
        ws.text(r, 0, period_text(&s.period, year), Style::Base)?;
        ws.text(r, 1, s.activity.label(), Style::Base)?;
        ws.number(r, 2, s.required as f64, Style::Base)?;
        ws.number(r, 3, s.count as f64, Style::Base)?;
        ws.number(r, 4, s.shortfall as f64, Style::Base)?;
        r += 1;
    }
    if r == 3 {
        ws.text(3, 0, "无：各期均已达标。", Style::Base)?;
    }
    Ok(())
}

/// The widths of [`ISSUE_COLUMNS`] in a feedback's 数据问题. The long texts wrap in narrower
/// columns, so that a page's width holds the line at a size that prints readably (A4
/// landscape, one page wide).
const ISSUE_WIDTHS: [f64; 9] = [6.0, 30.0, 9.0, 7.0, 20.0, 14.0, 40.0, 17.0, 26.0];

/// Writes the 数据问题 header at row 2, then each (branch, problem) a line under
/// [`ISSUE_COLUMNS`] (where and what, its code and the hint saying what to do, SPEC 10) with
/// the branch first when `branch_column` and left out otherwise, or a line saying there are
/// none. The branch shown is the one whose feedback lists the problem (a problem of a file
/// names none of its own).
fn problem_lines<'p>(
    ws: &mut Cells<'_>,
    branch_column: bool,
    problems: impl Iterator<Item = (&'p str, &'p Problem)>,
) -> Result<()> {
    let order: Vec<usize> = branch_column
        .then_some(ISSUE_BRANCH_COLUMN)
        .into_iter()
        .chain((0..ISSUE_COLUMNS.len()).filter(|&i| i != ISSUE_BRANCH_COLUMN))
        .collect();
    let names: Vec<&str> = order
        .iter()
        .map(|&i| {
            if i == ISSUE_BRANCH_COLUMN {
                "党支部"
            } else {
                ISSUE_COLUMNS[i]
            }
        })
        .collect();
    let widths: Vec<f64> = order.iter().map(|&i| ISSUE_WIDTHS[i]).collect();
    header(ws, 2, &names, &widths)?;
    let mut r = 3;
    for (branch, p) in problems {
        let mut issue = issue_cells(p);
        issue[ISSUE_BRANCH_COLUMN] = branch;
        let cells: Vec<&str> = order.iter().map(|&i| issue[i]).collect();
        // The row tall enough for its wrapped texts: the row height is not grown by itself.
        // A line holds about three quarters of the column's width in text (lines break at
        // punctuation and between a date's digits, not anywhere).
        let lines = cells
            .iter()
            .zip(&widths)
            .map(|(text, width)| display_width(text).div_ceil(((*width * 0.75) as usize).max(1)))
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(r, ROW_POINTS * lines.min(MAX_WRAPPED_LINES) as f64)?;
        }
        // Every cell top-aligned like the wrapped ones, so a line's cells stand level.
        for (c, text) in cells.iter().enumerate() {
            ws.text(r, c as u16, *text, Style::Wrap)?;
        }
        r += 1;
    }
    if r == 3 {
        ws.text(3, 0, "未发现数据问题。", Style::Base)?;
    }
    Ok(())
}

/// 数据问题: the branch's problems with file, sheet, cell, code and hint, or a line saying
/// there are none.
fn branch_problems_sheet(wb: &mut Workbook, f: &Formats, branch: &str, slice: &BranchSlice) -> Result<()> {
    let ws = &mut Cells::new(wb.add_worksheet().set_name("数据问题")?, f);
    ws.text(
        0,
        0,
        format!("{branch} 报送材料中的数据问题（请核实后更正重报）"),
        Style::Bold,
    )?;
    problem_lines(ws, false, slice.problems.iter().map(|p| (branch, *p)))
}

/// 参与率: the branch's attendance rate by type, where defined.
/// Under it, with a roster, the branch's members below the attendance threshold: whom the
/// branch should follow up with.
fn branch_rates_sheet(wb: &mut Workbook, f: &Formats, a: &Analysis, slice: &BranchSlice) -> Result<()> {
    let ws = &mut Cells::new(wb.add_worksheet().set_name("参与率")?, f);
    header(
        ws,
        0,
        &["活动类型", "实到人次", "应到人次", "参与率"],
        &[14.0, 10.0, 10.0, 10.0],
    )?;
    let mut r = 1;
    for rate in &slice.rates {
        let label = rate.activity.label();
        ws.text(r, 0, label, Style::Base)?;
        ws.number(r, 1, rate.present as f64, Style::Base)?;
        ws.number(r, 2, rate.expected as f64, Style::Base)?;
        ws.number(r, 3, rate.rate, Style::Pct)?;
        r += 1;
    }
    if a.roster.is_none() {
        return Ok(());
    }
    let threshold = super::format::pct(a.settings.plan.attendance_threshold);
    ws.text(r + 1, 0, format!("参与率低于 {threshold} 的党员"), Style::Bold)?;
    if slice.members_below.is_empty() {
        ws.text(r + 2, 0, "无。", Style::Base)?;
        return Ok(());
    }
    header(
        ws,
        r + 2,
        &["姓名", "参加次数", "应参加次数", "参与率"],
        &[14.0, 10.0, 10.0, 10.0],
    )?;
    for (r, member) in (r + 3..).zip(&slice.members_below) {
        ws.text(r, 0, &member.name, Style::Base)?;
        ws.number(r, 1, member.attended as f64, Style::Base)?;
        ws.number(r, 2, member.expected as f64, Style::Base)?;
        ws.number(r, 3, member.rate, Style::Pct)?;
    }
    Ok(())
}

/// feedback/<unit>.xlsx: the unit's branches furthest behind first (各支部情况), their
/// shortfalls by period (缺项明细) and their data problems (数据问题). `branches` indexes
/// metrics.branches.
fn write_unit(a: &Analysis, unit: &str, branches: &[usize], slices: &BranchSlices, path: &Path) -> Result<()> {
    let m = &a.figures.metrics;
    let mut wb = feedback_book();
    let f = Formats::new();
    unit_branches_sheet(&mut wb, &f, a, unit, branches)?;
    unit_shortfalls_sheet(&mut wb, &f, a, unit, branches, slices)?;
    unit_problems_sheet(&mut wb, &f, a, unit, branches, slices)?;
    set_properties(&mut wb, format!("{unit}组织生活考核反馈"), m.year)?;
    print_setup(&mut wb);
    super::save_workbook(&mut wb, path)?;
    Ok(())
}

/// 各支部情况: a row per branch of the unit, each requirement's compliance, the gap and the
/// requirements below target.
fn unit_branches_sheet(wb: &mut Workbook, f: &Formats, a: &Analysis, unit: &str, branches: &[usize]) -> Result<()> {
    let m = &a.figures.metrics;
    let reqs = &a.settings.plan.requirements;
    let ws = &mut Cells::new(wb.add_worksheet().set_name("各支部情况")?, f);
    let title = format!("{unit}所属党支部{}年度组织生活考核情况（截至 {}）", m.year, m.as_of);
    ws.text(0, 0, title, Style::Bold)?;
    let req_heads: Vec<String> = reqs.iter().map(|r| format!("{}达标率", r.activity.label())).collect();
    let mut cols: Vec<&str> = vec!["序号", "党支部"];
    cols.extend(req_heads.iter().map(String::as_str));
    cols.extend(["缺口合计（次）", "未达标要求数"]);
    let mut widths = vec![6.0, 36.0];
    widths.extend(std::iter::repeat_n(14.0, reqs.len() + 2));
    header(ws, 2, &cols, &widths)?;
    for (r, &i) in (3..).zip(branches) {
        let b = &m.branches[i];
        ws.number(r, 0, (r - 2) as f64, Style::Base)?;
        ws.text(r, 1, &b.branch, Style::Base)?;
        for (c, req) in (2..).zip(reqs) {
            match b
                .requirements
                .iter()
                .find(|x| x.activity == req.activity)
                .and_then(|x| x.compliance)
            {
                Some(v) => ws.number(r, c, v, Style::Pct)?,
                None => ws.text(r, c, "未到期", Style::Base)?,
            };
        }
        let gap: i64 = b.requirements.iter().map(|x| x.gap).sum();
        let below = b
            .requirements
            .iter()
            .filter(|x| x.compliance.is_some_and(|c| c < 1.0))
            .count();
        let c = 2 + reqs.len() as u16;
        ws.number(r, c, gap as f64, Style::Base)?;
        ws.number(r, c + 1, below as f64, Style::Base)?;
    }
    ws.set_freeze_panes(3, 2)?;
    ws.set_landscape();
    Ok(())
}

/// 缺项明细: the unit's branches' periods short of a requirement, branch by branch.
fn unit_shortfalls_sheet(
    wb: &mut Workbook,
    f: &Formats,
    a: &Analysis,
    unit: &str,
    branches: &[usize],
    slices: &BranchSlices,
) -> Result<()> {
    let m = &a.figures.metrics;
    let ws = &mut Cells::new(wb.add_worksheet().set_name("缺项明细")?, f);
    ws.text(0, 0, format!("{unit}所属党支部未达标的期间"), Style::Bold)?;
    header(
        ws,
        2,
        &["党支部", "期间", "要求", "应开（次）", "已开（次）", "还差（次）"],
        &[36.0, 12.0, 14.0, 10.0, 10.0, 10.0],
    )?;
    let mut r = 3;
    for &i in branches {
        let b = &m.branches[i].branch;
        for s in slices
            .by_branch
            .get(b.as_str())
            .map_or(&[][..], |x| x.shortfalls.as_slice())
        {
            ws.text(r, 0, b, Style::Base)?;
            ws.text(r, 1, period_text(&s.period, a.settings.year), Style::Base)?;
            ws.text(r, 2, s.activity.label(), Style::Base)?;
            ws.number(r, 3, s.required as f64, Style::Base)?;
            ws.number(r, 4, s.count as f64, Style::Base)?;
            ws.number(r, 5, s.shortfall as f64, Style::Base)?;
            r += 1;
        }
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(())
}

/// 数据问题: the unit's branches' problems, branch by branch.
fn unit_problems_sheet(
    wb: &mut Workbook,
    f: &Formats,
    a: &Analysis,
    unit: &str,
    branches: &[usize],
    slices: &BranchSlices,
) -> Result<()> {
    let m = &a.figures.metrics;
    let ws = &mut Cells::new(wb.add_worksheet().set_name("数据问题")?, f);
    ws.text(0, 0, format!("{unit}所属党支部报送材料中的数据问题"), Style::Bold)?;
    let problems = branches.iter().flat_map(|&i| {
        let b = m.branches[i].branch.as_str();
        let mine = slices.by_branch.get(b).map_or(&[][..], |x| x.problems.as_slice());
        mine.iter().map(move |p| (b, *p))
    });
    problem_lines(ws, true, problems)?;
    ws.set_freeze_panes(3, 0)?;
    Ok(())
}

/// Each unit's branches (indexes into metrics.branches), furthest behind first.
fn branches_by_unit(a: &Analysis) -> Vec<(&str, Vec<usize>)> {
    let m = &a.figures.metrics;
    let order = super::charts::furthest_behind(a, m.branches.len());
    m.units
        .iter()
        .map(|u| {
            let mine = order
                .iter()
                .copied()
                .filter(|&i| m.branches[i].unit.as_deref() == Some(u.unit.as_str()))
                .collect();
            (u.unit.as_str(), mine)
        })
        .collect()
}

impl Exporter for BranchFeedback {
    /// A workbook per branch and per unit (spread over the workers itself).
    fn cost(&self) -> u32 {
        8
    }

    fn name(&self, _: &Analysis) -> String {
        "feedback".into()
    }
    /// `path` is a folder: one workbook per branch.
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        std::fs::create_dir_all(path)?;
        let slices = BranchSlices::new(a)?;
        let empty = BranchSlice::default();
        let units = branches_by_unit(a);
        units.par_iter().try_for_each(|(unit, branches)| {
            std::fs::create_dir_all(path.join(folder_name_for(unit)))?;
            write_unit(a, unit, branches, &slices, &path.join(file_name_for(unit)))
        })?;
        // A few workbooks per job, so the last of them do not wait on one thread (see the
        // read's FILES_PER_JOB).
        a.figures.metrics.branches.par_iter().with_max_len(4).try_for_each(|b| {
            let slice = slices.by_branch.get(b.branch.as_str()).unwrap_or(&empty);
            let folder = b
                .unit
                .as_deref()
                .map_or_else(|| path.to_path_buf(), |u| path.join(folder_name_for(u)));
            write_branch(a, &b.branch, slice, &folder.join(file_name_for(&b.branch)))
        })
    }
}
