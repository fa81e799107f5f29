//! Raw tables to ledger records. In: a [`RawFile`] from `ingest`, the roster, the plan's
//! aliases and the year. Out: one [`Record`] per accepted row (branch matched, date and
//! counts parsed, types named, present derived by SPEC 5), row counts (read = accepted +
//! rejected + skipped) and a [`Problem`] for every row or sheet that needs one. No I/O.

pub mod branch;
pub mod header;
pub mod roster;
pub mod types;
pub mod values;

use crate::ingest::{RawFile, RawSheet, Row, Value};
use crate::maps::{HashMap, HashSet};
use crate::problems::{Problem, ProblemKind};
use crate::text::{chinese_number, compact};
use crate::vocab::{ActivityType, Field};
use branch::{BranchMatch, BranchMatcher, branch_fragment};
use chrono::NaiveDate;
use header::{Header, HeaderAliases};
use roster::Roster;
use std::collections::BTreeSet;
use types::TypeParser;
pub use values::Names;
use values::{CountError, DateError, parse_count, parse_date, split_names, year_in_text};

/// One accepted ledger row.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub branch: String,
    /// The party group as the roster names it (or as written when the roster does not).
    pub group: Option<String>,
    pub types: Vec<ActivityType>,
    pub type_text: String,
    pub date: NaiveDate,
    pub topic: String,
    pub host: String,
    pub location: String,
    pub note: String,
    pub expected: Option<u32>,
    /// 实到 as written.
    pub present_given: Option<u32>,
    /// Present by the SPEC 5 rule.
    pub present: Option<u32>,
    pub attendees: Names,
    pub absentees: Names,
    pub file: String,
    pub sheet: String,
    pub sheet_position: usize,
    /// 1-based, as Excel shows it.
    pub row: u32,
}

impl Record {
    /// True when its 参会人员 or 缺席人员 cell holds at least one name.
    pub fn names_attendance(&self) -> bool {
        !self.attendees.is_empty() || !self.absentees.is_empty()
    }
}

/// Rows under a detected header: `read = accepted + rejected + skipped`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub skipped: usize,
}

impl RowCounts {
    pub fn add(&mut self, other: RowCounts) {
        self.read += other.read;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.skipped += other.skipped;
    }
}

/// What one file gave.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub records: Vec<Record>,
    pub problems: Vec<Problem>,
    pub rows: RowCounts,
    /// How each sheet's columns were read (only when [`Context::explain`] asks).
    pub layouts: Vec<SheetLayout>,
}

/// How one sheet's header was read, for `check --explain`.
#[derive(Clone, Debug)]
pub struct SheetLayout {
    pub file: String,
    pub sheet: String,
    /// The header rows, 1-based as Excel shows them.
    pub rows: (u32, u32),
    /// Every header cell: taken for what, or passed over why (its row 1-based too).
    pub columns: Vec<(u32, header::ColumnNote)>,
}

/// Everything normalization needs besides the file.
pub struct Context<'a> {
    pub headers: HeaderAliases,
    pub types: TypeParser,
    pub matcher: BranchMatcher,
    pub roster: Option<&'a Roster>,
    /// `--year` (or the year inferred from the submissions).
    pub year: Option<i32>,
    /// Keep each sheet's [`SheetLayout`] (`check --explain`).
    pub explain: bool,
    /// Roster member names per branch, for the names-not-in-roster warning.
    member_names: HashMap<String, HashSet<String>>,
    /// (branch, group key) → the roster's spelling of the group: looked up per row, so
    /// precomputed rather than scanned (a province roster has tens of thousands of members).
    roster_groups: HashMap<(String, String), String>,
}

impl<'a> Context<'a> {
    pub fn new(plan: &crate::config::Plan, roster: Option<&'a Roster>, year: Option<i32>) -> Self {
        let matcher = roster.map(Roster::matcher).unwrap_or_default();
        let mut member_names: HashMap<String, HashSet<String>> = HashMap::default();
        let mut roster_groups: HashMap<(String, String), String> = HashMap::default();
        for m in roster.map(|r| r.members.as_slice()).unwrap_or_default() {
            member_names.entry(m.branch.clone()).or_default().insert(m.name.clone());
            if let Some(g) = &m.group {
                roster_groups
                    .entry((m.branch.clone(), group_key(g)))
                    .or_insert_with(|| g.clone());
            }
        }
        Context {
            headers: HeaderAliases::new(&plan.header_aliases).ignoring(&plan.ignore_headers),
            types: TypeParser::new(&plan.type_aliases),
            matcher,
            roster,
            year,
            explain: false,
            member_names,
            roster_groups,
        }
    }
}

/// The canonical form of a party-group name, so `第1党小组`, `第一党小组` and `一组` agree.
pub fn group_key(name: &str) -> String {
    let key = compact(name);
    let body = key.trim_start_matches('第');
    let end = body
        .find("党小组")
        .or_else(|| body.find("小组"))
        .or_else(|| body.find('组'));
    if let Some(end) = end {
        let numeral = &body[..end];
        let n = numeral.parse::<u32>().ok().or_else(|| chinese_number(numeral));
        if let Some(n) = n {
            return format!("第{n}组");
        }
    }
    key
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.trim().to_string(),
        other => other.display(),
    }
}

/// Row classes under the header.
enum RowClass {
    Blank,
    Skipped,
    Data,
}

const FOOTER_PREFIXES: [&str; 27] = [
    "填表人",
    "填报人",
    "审核人",
    "制表人",
    "制表",
    "负责人",
    "联系人",
    "联系电话",
    "填报日期",
    "填表日期",
    "填报时间",
    "备注",
    "注:",
    "说明",
    "合计",
    "小计",
    "总计",
    "共计",
    "累计",
    "以下空白",
    "以下无",
    "支部书记",
    "书记签字",
    "签字",
    "签名",
    "盖章",
    "审批",
];

fn classify(row: &Row, header: &Header, ctx: &Context, year: Option<i32>) -> RowClass {
    let seq_col = header.col(Field::Seq);
    let own: Vec<(usize, &Value)> = row
        .cells
        .iter()
        .enumerate()
        .filter(|(c, v)| !row.is_merged(*c) && !v.is_empty())
        .collect();
    let content: Vec<&(usize, &Value)> = own
        .iter()
        // A 序号 alone (a number, or number text as CSV has it) is a pre-numbered empty row.
        .filter(|(c, v)| {
            !(Some(*c) == seq_col
                && match v {
                    Value::Number(_) => true,
                    Value::Text(t) => t.trim().parse::<f64>().is_ok(),
                    _ => false,
                })
        })
        .collect();
    if content.is_empty() {
        return RowClass::Blank;
    }
    if let Some((_, first)) = own.first() {
        let first = compact(&text(first));
        if FOOTER_PREFIXES.iter().any(|p| first.starts_with(p)) && !records_activity(row, header, ctx, year, &first) {
            return RowClass::Skipped;
        }
    }
    // Every total word ends in 计: other cells (names, topics, numbers) are not compacted.
    let is_total = |v: &Value| matches!(v, Value::Text(s) if s.contains('计') && matches!(compact(s).as_str(), "合计" | "小计" | "总计" | "共计"));
    if own.iter().any(|(_, v)| is_total(v)) {
        return RowClass::Skipped;
    }
    if header::is_header_like(row, &ctx.headers) {
        return RowClass::Skipped;
    }
    if let [(col, Value::Text(t))] = content.as_slice() {
        if is_section_label(t) {
            return RowClass::Skipped;
        }
        // Cells merged down from the rows above make this a data row with one cell of its
        // own; a line merged across repeats its own text and stays a lone line.
        let merged_down = row
            .cells
            .iter()
            .enumerate()
            .any(|(c, v)| row.is_merged(c) && !v.is_empty() && Some(c) != seq_col && text(v) != t.trim());
        if !merged_down {
            let date_col = header.col(Field::Date);
            let is_date = parse_date(&Value::Text(t.clone()), year).is_ok();
            let names_type = ctx.types.parse(t).unknown.is_empty();
            let merged_across = row.merged.iter().any(|m| *m);
            if !is_date && !names_type && (Some(*col) != date_col || merged_across) {
                return RowClass::Skipped;
            }
        }
    }
    RowClass::Data
}

/// True when a row holds a readable date and an activity (a known type, or a topic under a
/// first cell that is no `label：`): data, whatever word its first cell starts with
/// (`支部书记培训` is an activity, `支部书记：张三` a signature line).
fn records_activity(row: &Row, header: &Header, ctx: &Context, year: Option<i32>, first: &str) -> bool {
    let cell = |f: Field| header.col(f).map(|c| row.get(c)).filter(|v| !v.is_empty());
    let dated = cell(Field::Date).is_some_and(|v| parse_date(v, year).is_ok());
    let typed = cell(Field::Type).is_some_and(|v| {
        let parsed = ctx.types.parse(&text(v));
        parsed.unknown.is_empty() && parsed.types != [ActivityType::Other]
    });
    let labelled = first.contains([':', '：']);
    dated && (typed || cell(Field::Topic).is_some() && !labelled)
}

/// A line that heads a part of the table rather than recording an activity: a month or
/// quarter (`一月份`, `2024年3月`, `第二季度`) or a numbered heading (`一、支部党员大会`).
fn is_section_label(t: &str) -> bool {
    let key = compact(t);
    let key = key.trim_end_matches([':', '：']);
    let enumerated = key
        .split_once('、')
        .is_some_and(|(n, rest)| !rest.is_empty() && chinese_number(n).is_some())
        || key.starts_with('(') && key.find(')').is_some_and(|end| chinese_number(&key[1..end]).is_some());
    if enumerated {
        return true;
    }
    let key = match key.find('年') {
        Some(pos) if key[..pos].chars().all(|c| c.is_ascii_digit()) => &key[pos + '年'.len_utf8()..],
        _ => key,
    };
    let mut key = key;
    for tail in ["活动记录", "活动情况", "活动", "台账", "记录", "情况"] {
        key = key.strip_suffix(tail).unwrap_or(key);
    }
    let Some(numeral) = ["月份", "季度", "月"].iter().find_map(|u| key.strip_suffix(u)) else {
        return matches!(key, "上半年" | "下半年" | "全年");
    };
    let numeral = numeral.trim_start_matches('第');
    numeral
        .parse::<u32>()
        .ok()
        .or_else(|| chinese_number(numeral))
        .is_some_and(|n| (1..=12).contains(&n))
}

/// The year a title line gives the ledger. The date a form was filled in (`填报时间：2025年1月3日`
/// under a December ledger) is not it.
fn title_year(t: &str) -> Option<i32> {
    let t = compact(t);
    let end = ["填报", "填表", "报送", "制表"]
        .iter()
        .filter_map(|label| t.find(label))
        .min()
        .unwrap_or(t.len());
    year_in_text(&t[..end])
}

/// The one activity type a sheet without a type column is about, from its name, a title
/// line or the file name (`主题党日` sheet, `…主题党日活动登记表`). A formal branch name is read
/// as the branch first, so the `支部委员会` of `中共XX支部委员会` names no meeting.
fn sheet_type(ctx: &Context, sheet: &str, titles: &[String], stem: &str) -> Option<String> {
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    std::iter::once(sheet)
        .chain(titles.iter().map(String::as_str))
        .chain(std::iter::once(stem))
        .map(|t| {
            let key = compact(t);
            let formal = key.starts_with("中共") || key.starts_with("中国共产党");
            match branch::everyday_form(&key) {
                Some(everyday) if formal => everyday,
                _ => t.to_string(),
            }
        })
        .find(|t| {
            let parsed = ctx.types.parse(t);
            parsed.unknown.is_empty() && parsed.types.len() == 1
        })
}

/// How the sheet's branch was found, for rows without a branch cell.
#[derive(Clone, Debug)]
enum SheetBranch {
    Found(BranchMatch, &'static str),
    /// No roster: the name as the ledger gives it.
    Seen(String),
    Unknown {
        shown: String,
        suggestions: Vec<String>,
    },
}

fn sheet_branch(ctx: &Context, titles: &[String], file: &str, sheet: &str) -> SheetBranch {
    let stem = file.rsplit('/').next().unwrap_or(file);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    let folders: Vec<&str> = file.split('/').rev().skip(1).collect();
    let mut sources: Vec<(&str, &'static str)> = titles.iter().map(|t| (t.as_str(), "标题")).collect();
    sources.push((stem, "文件名"));
    sources.push((sheet, "工作表名"));
    sources.extend(folders.iter().map(|f| (*f, "文件夹名")));
    if ctx.matcher.is_empty() {
        for (s, _) in &sources {
            if let Some(f) = branch_fragment(s) {
                return SheetBranch::Seen(f);
            }
        }
        return SheetBranch::Unknown {
            shown: stem.to_string(),
            suggestions: Vec::new(),
        };
    }
    for (s, what) in &sources {
        if let Some(m) = ctx.matcher.find_in(s) {
            return SheetBranch::Found(m, what);
        }
    }
    let shown = sources
        .iter()
        .find_map(|(s, _)| branch_fragment(s))
        .unwrap_or_else(|| stem.to_string());
    let suggestions = ctx.matcher.match_name(&shown).err().unwrap_or_default();
    SheetBranch::Unknown { shown, suggestions }
}

fn unmatched_reason(shown: &str, suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        format!("支部「{shown}」不在名册中，本行未计入")
    } else {
        format!(
            "支部「{shown}」不在名册中，本行未计入；最接近的名册支部：{}",
            suggestions.join("、")
        )
    }
}

/// The branch of each row of one sheet: its branch cell matched against the roster (each
/// distinct text once), else the branch the sheet's title or names gave. A match worth a
/// warning (close, formal) is reported once per sheet and text.
struct SheetBranches {
    fallback: SheetBranch,
    cell_matches: HashMap<String, Result<BranchMatch, Vec<String>>>,
    reported: HashSet<String>,
}

impl SheetBranches {
    fn new(fallback: SheetBranch) -> Self {
        SheetBranches {
            fallback,
            cell_matches: HashMap::default(),
            reported: HashSet::default(),
        }
    }

    /// The row's branch and the warning to give with it, or the rejection.
    fn for_row(
        &mut self,
        ctx: &Context,
        header: &Header,
        row: &Row,
        rel: &str,
        sheet: &str,
    ) -> Result<(String, Option<Problem>), Problem> {
        let problem = |kind: ProblemKind, col: Option<usize>, reason: String| {
            Problem::new(kind, rel, reason)
                .sheet(sheet)
                .at(row.index, col.unwrap_or(0) as u32)
        };
        let Some(c) = header.col(Field::Branch).filter(|c| !row.get(*c).is_empty()) else {
            return self.sheet_fallback(header, row, rel, sheet);
        };
        let raw = text(row.get(c));
        if ctx.matcher.is_empty() {
            return Ok((compact(&raw), None));
        }
        let m = self
            .cell_matches
            .entry(raw.clone())
            .or_insert_with(|| ctx.matcher.match_name(&raw))
            .clone();
        match m {
            // Close matches are warned on every row: each is a guess the branch should confirm.
            Ok(BranchMatch::Close { branch, .. }) => {
                let reason = format!("支部「{raw}」按近似名称匹配为名册中的「{branch}」");
                Ok((
                    branch,
                    Some(problem(ProblemKind::BranchClose, Some(c), reason).raw(&raw)),
                ))
            }
            Ok(BranchMatch::Formal(branch)) => {
                let first = self.reported.insert(raw.clone());
                let reason = format!("支部「{raw}」按正式名称对应名册中的「{branch}」");
                let note = first.then(|| problem(ProblemKind::BranchFormal, Some(c), reason).raw(&raw));
                Ok((branch, note))
            }
            Ok(m) => Ok((m.branch().to_string(), None)),
            Err(s) => Err(problem(ProblemKind::BranchUnknown, Some(c), unmatched_reason(&raw, &s)).raw(&raw)),
        }
    }

    fn sheet_fallback(
        &mut self,
        header: &Header,
        row: &Row,
        rel: &str,
        sheet: &str,
    ) -> Result<(String, Option<Problem>), Problem> {
        match &self.fallback {
            SheetBranch::Found(m, what) => {
                let how = match m {
                    BranchMatch::Close { .. } => Some((ProblemKind::BranchClose, "按近似名称匹配为")),
                    BranchMatch::Formal(_) => Some((ProblemKind::BranchFormal, "按正式名称对应")),
                    _ => None,
                };
                let note = how.filter(|_| self.reported.insert(String::new())).map(|(kind, how)| {
                    Problem::new(kind, rel, format!("由{what}{how}名册中的支部「{}」", m.branch())).sheet(sheet)
                });
                Ok((m.branch().to_string(), note))
            }
            SheetBranch::Seen(name) => Ok((name.clone(), None)),
            SheetBranch::Unknown { shown, suggestions } => {
                Err(
                    Problem::new(ProblemKind::BranchUnknown, rel, unmatched_reason(shown, suggestions))
                        .sheet(sheet)
                        .at(row.index, header.col(Field::Branch).unwrap_or(0) as u32)
                        .raw(shown),
                )
            }
        }
    }
}

/// Normalizes every sheet of a file.
pub fn normalize_file(file: &RawFile, ctx: &Context) -> FileOutcome {
    let mut out = FileOutcome {
        problems: file.notes.clone(),
        ..Default::default()
    };
    let mut unknown_columns: BTreeSet<String> = BTreeSet::new();
    let mut tables = 0;
    for sheet in &file.sheets {
        if normalize_sheet(file, sheet, ctx, &mut out, &mut unknown_columns) {
            tables += 1;
        }
    }
    if !unknown_columns.is_empty() {
        out.problems.push(Problem::new(
            ProblemKind::ColumnUnknown,
            &file.rel_path,
            format!(
                "未识别的列，已忽略：{}",
                unknown_columns.into_iter().collect::<Vec<_>>().join("、")
            ),
        ));
    }
    if tables == 0 {
        out.problems.push(Problem::new(
            ProblemKind::NoTable,
            &file.rel_path,
            "文件中没有找到活动登记表（未识别到表头），未计入任何记录",
        ));
    }
    out
}

/// Reads one sheet: finds its header, then classifies each row under it, parses the data
/// rows ([`SheetReader::parse_row`]) and counts them. Returns true when the sheet held an
/// activity table.
fn normalize_sheet(
    file: &RawFile,
    sheet: &RawSheet,
    ctx: &Context,
    out: &mut FileOutcome,
    unknown_columns: &mut BTreeSet<String>,
) -> bool {
    let rel = file.rel_path.as_str();
    let Some(header) = header::detect(&sheet.rows, &ctx.headers) else {
        if !sheet.rows.is_empty() {
            out.problems.push(
                Problem::new(
                    ProblemKind::SheetSkipped,
                    rel,
                    "工作表中没有活动登记表（说明页或空表），已跳过",
                )
                .sheet(&sheet.name),
            );
        }
        return false;
    };
    unknown_columns.extend(header.unknown.iter().cloned());
    if ctx.explain {
        out.layouts.push(sheet_layout(rel, sheet, &header));
    }
    let mut reader = SheetReader::new(ctx, rel, sheet, header);
    for row in &sheet.rows[reader.header.last_row + 1..] {
        match classify(row, &reader.header, ctx, reader.year) {
            RowClass::Blank => continue,
            RowClass::Skipped => {
                out.rows.read += 1;
                out.rows.skipped += 1;
                continue;
            }
            RowClass::Data => out.rows.read += 1,
        }
        match reader.parse_row(row, &mut out.problems) {
            Ok(record) => {
                out.rows.accepted += 1;
                out.records.push(record);
            }
            Err(p) => {
                out.rows.rejected += 1;
                out.problems.push(p);
            }
        }
    }
    true
}

/// How the sheet's header was read, for `check --explain`.
fn sheet_layout(rel: &str, sheet: &RawSheet, header: &Header) -> SheetLayout {
    let excel_row = |i: usize| sheet.rows[i].index + 1;
    SheetLayout {
        file: rel.to_string(),
        sheet: sheet.name.clone(),
        rows: (excel_row(header.first_row), excel_row(header.last_row)),
        columns: header.notes.iter().map(|n| (excel_row(n.row), n.clone())).collect(),
    }
}

/// One sheet's context for its rows. In: the run's [`Context`], the file's path, the sheet
/// and its detected header. It reads the lines above the header once (the title's year, the
/// branch a title or name gives, the one activity type a sheet without a type column is
/// about); out, per data row, a [`Record`] or the one [`Problem`] that rejects the row.
struct SheetReader<'s> {
    ctx: &'s Context<'s>,
    rel: &'s str,
    sheet: &'s RawSheet,
    header: Header,
    /// The year partial dates take: the title's, else the file name's, the sheet name's,
    /// the run's.
    year: Option<i32>,
    /// The type of every row when the sheet has no type column and its name or title names one.
    sheet_type: Option<String>,
    branches: SheetBranches,
}

impl<'s> SheetReader<'s> {
    fn new(ctx: &'s Context<'s>, rel: &'s str, sheet: &'s RawSheet, header: Header) -> Self {
        let mut titles: Vec<String> = Vec::new();
        for row in &sheet.rows[..header.first_row] {
            for (c, v) in row.cells.iter().enumerate() {
                if !row.is_merged(c) && !v.is_empty() {
                    titles.push(text(v));
                }
            }
        }
        let stem = rel.rsplit('/').next().unwrap_or(rel);
        let year = titles
            .iter()
            .find_map(|t| title_year(t))
            .or_else(|| year_in_text(stem))
            .or_else(|| year_in_text(&sheet.name))
            .or(ctx.year);
        let fallback = sheet_branch(ctx, &titles, rel, &sheet.name);
        // A 三会一课 book often keeps one sheet per kind of meeting and no type column: the
        // sheet name or the title then names the type, when it names exactly one.
        let sheet_type = header
            .col(Field::Type)
            .is_none()
            .then(|| sheet_type(ctx, &sheet.name, &titles, stem))
            .flatten();
        SheetReader {
            ctx,
            rel,
            sheet,
            header,
            year,
            sheet_type,
            branches: SheetBranches::new(fallback),
        }
    }

    /// One data row as a record, or the problem that rejects it (an unknown branch, an
    /// unreadable date, a negative count). Warnings that keep the row go to `warnings`, in
    /// the order they are found, also before a rejection.
    fn parse_row(&mut self, row: &Row, warnings: &mut Vec<Problem>) -> Result<Record, Problem> {
        let (branch, branch_note) = self
            .branches
            .for_row(self.ctx, &self.header, row, self.rel, &self.sheet.name)?;
        if let Some(p) = branch_note {
            warnings.push(p.branch(&branch));
        }
        let date = self.date(row, &branch)?;
        let expected = self.count(row, &branch, Field::Expected, "应到人数", warnings)?;
        let present_given = self.count(row, &branch, Field::Present, "实到人数", warnings)?;
        let absent_count = self.count(row, &branch, Field::AbsentCount, "请假人数", warnings)?;
        let (type_text, types) = self.types(row, &branch, warnings);
        let attendees = split_names(self.get(row, Field::Attendees));
        let absentees = split_names(self.get(row, Field::Absentees));
        let present = present_by_rule(present_given, expected, absent_count, &attendees, &absentees);
        let group_raw = text(self.get(row, Field::Group));
        let group = (!group_raw.is_empty()).then(|| roster_group(self.ctx, &branch, &group_raw));
        let record = Record {
            branch,
            group,
            types,
            type_text,
            date,
            topic: text(self.get(row, Field::Topic)),
            host: text(self.get(row, Field::Host)),
            location: text(self.get(row, Field::Location)),
            note: text(self.get(row, Field::Note)),
            expected,
            present_given,
            present,
            attendees,
            absentees,
            file: self.rel.to_string(),
            sheet: self.sheet.name.clone(),
            sheet_position: self.sheet.position,
            row: row.index + 1,
        };
        quality_warnings(&record, &self.header, self.ctx, row, warnings);
        Ok(record)
    }

    /// The row's cell under a field, empty when the sheet has no such column.
    fn get<'r>(&self, row: &'r Row, f: Field) -> &'r Value {
        self.header.col(f).map(|c| row.get(c)).unwrap_or(&Value::Empty)
    }

    /// A problem at a cell of the row (column 0 when the field has no column).
    fn problem(&self, row: &Row, kind: ProblemKind, col: Option<usize>, reason: String) -> Problem {
        Problem::new(kind, self.rel, reason)
            .sheet(&self.sheet.name)
            .at(row.index, col.unwrap_or(0) as u32)
    }

    /// The row's date, or its rejection (empty, without a year, unreadable).
    fn date(&self, row: &Row, branch: &str) -> Result<NaiveDate, Problem> {
        let cell = self.get(row, Field::Date);
        parse_date(cell, self.year).map_err(|e| {
            let (kind, reason) = match e {
                DateError::Empty => (ProblemKind::DateEmpty, self.empty_date_reason(row)),
                DateError::NoYear => (ProblemKind::DateNoYear, format!("{e}，本行未计入")),
                other => (ProblemKind::DateBad, format!("{other}，本行未计入")),
            };
            self.problem(row, kind, self.header.col(Field::Date), reason)
                .raw(text(cell))
                .branch(branch)
        })
    }

    /// Why an empty date rejects the row. Where the sheet also has a planned date and the
    /// row fills it in, the meeting was planned and not (yet) held, or its held date was
    /// left out: the reason names both columns and the plan, so the clerk knows which.
    fn empty_date_reason(&self, row: &Row) -> String {
        let planned = self
            .header
            .planned_date()
            .map(|note| (note, row.get(note.col)))
            .filter(|(_, cell)| !text(cell).is_empty());
        let held = self.header.taken(Field::Date).map(|note| note.text.as_str());
        match (planned, held) {
            (Some((note, cell)), Some(held)) => {
                let plan = parse_date(cell, self.year).map_or_else(|_| text(cell), |d| d.to_string());
                format!(
                    "{held}为空（{}：{plan}），会议尚未召开或未填召开时间，本行未计入",
                    note.text
                )
            }
            _ => "日期为空，本行未计入".to_string(),
        }
    }

    /// A count cell: a number or none; a negative one rejects the row, an unreadable one is
    /// taken as not filled in, with a warning.
    fn count(
        &self,
        row: &Row,
        branch: &str,
        field: Field,
        label: &str,
        warnings: &mut Vec<Problem>,
    ) -> Result<Option<u32>, Problem> {
        let col = self.header.col(field);
        let cell = self.get(row, field);
        match parse_count(cell) {
            Ok(v) => Ok(v),
            Err(CountError::Negative) => Err(self
                .problem(
                    row,
                    ProblemKind::CountNegative,
                    col,
                    format!("{label}为负数，本行未计入"),
                )
                .raw(text(cell))
                .branch(branch)),
            Err(e) => {
                warnings.push(
                    self.problem(
                        row,
                        ProblemKind::CountUnreadable,
                        col,
                        format!("{e}（{label}），按未填处理"),
                    )
                    .raw(text(cell))
                    .branch(branch),
                );
                Ok(None)
            }
        }
    }

    /// The type text (the sheet's type, else the cell) and the types read from it; an empty
    /// or unknown text is warned on and counted as 其他.
    fn types(&self, row: &Row, branch: &str, warnings: &mut Vec<Problem>) -> (String, Vec<ActivityType>) {
        let type_text = self
            .sheet_type
            .clone()
            .unwrap_or_else(|| text(self.get(row, Field::Type)));
        let parsed = self.ctx.types.parse(&type_text);
        if !parsed.unknown.is_empty() {
            let (kind, reason) = if type_text.is_empty() {
                (ProblemKind::TypeEmpty, "活动类型为空，计入“其他”".to_string())
            } else if parsed.types == [ActivityType::Other] {
                (
                    ProblemKind::TypeUnknown,
                    format!("活动类型「{type_text}」无法识别，计入“其他”"),
                )
            } else {
                (
                    ProblemKind::TypeUnknown,
                    format!("活动类型中「{}」无法识别，已忽略", parsed.unknown.join("、")),
                )
            };
            warnings.push(
                self.problem(row, kind, self.header.col(Field::Type), reason)
                    .raw(&type_text)
                    .branch(branch),
            );
        }
        (type_text, parsed.types)
    }
}

/// Present by the SPEC 5 rule: 实到 as written, else the attendee list's length, else
/// 应到 − 请假人数, else 应到 − the absentee list's length.
fn present_by_rule(
    given: Option<u32>,
    expected: Option<u32>,
    absent_count: Option<u32>,
    attendees: &Names,
    absentees: &Names,
) -> Option<u32> {
    given
        .or_else(|| (!attendees.is_empty()).then_some(attendees.len() as u32))
        .or_else(|| expected.zip(absent_count).map(|(e, a)| e.saturating_sub(a)))
        .or_else(|| {
            expected
                .filter(|_| !absentees.is_empty())
                .map(|e| e.saturating_sub(absentees.len() as u32))
        })
}

/// The roster's spelling of a group of the branch, when the canonical keys agree.
fn roster_group(ctx: &Context, branch: &str, raw: &str) -> String {
    ctx.roster_groups
        .get(&(branch.to_string(), group_key(raw)))
        .cloned()
        .unwrap_or_else(|| compact(raw))
}

/// A branch-wide meeting's 应到 is off when it differs from the roster size of its branch
/// by more than 20 % of that size (SPEC 10).
pub fn expected_off(expected: u32, roster_size: u32) -> bool {
    (expected.abs_diff(roster_size) as u64) * 5 > roster_size as u64
}

/// Warnings that keep the row (issue: quality flags).
fn quality_warnings(r: &Record, header: &Header, ctx: &Context, row: &Row, warnings: &mut Vec<Problem>) {
    let warn = |kind: ProblemKind, col: Option<usize>, reason: String| {
        Problem::new(kind, &r.file, reason)
            .sheet(&r.sheet)
            .at(row.index, col.unwrap_or(0) as u32)
            .branch(&r.branch)
    };
    if let (Some(e), Some(p)) = (r.expected, r.present_given)
        && p > e
    {
        warnings.push(
            warn(
                ProblemKind::PresentOver,
                header.col(Field::Present),
                format!("实到人数（{p}）多于应到人数（{e}）"),
            )
            .raw(p.to_string()),
        );
    }
    if ctx.roster.is_none() {
        return;
    }
    let size = ctx.member_names.get(&r.branch).map_or(0, |names| names.len() as u32);
    if size > 0
        && r.types.contains(&ActivityType::MemberMeeting)
        && let Some(p) = r.present
        && p * 2 <= size
    {
        warnings.push(warn(
            ProblemKind::MeetingHalf,
            header.col(Field::Present),
            format!("支部党员大会到会 {p} 人，未超过全体党员（{size} 人）的半数"),
        ));
    }
    let branch_wide = r.types.iter().any(|t| {
        matches!(
            t,
            ActivityType::MemberMeeting
                | ActivityType::PartyLecture
                | ActivityType::OrgLifeMeeting
                | ActivityType::DemocraticReview
        )
    });
    if let (true, Some(e)) = (branch_wide && size > 0, r.expected)
        && expected_off(e, size)
    {
        warnings.push(
            warn(
                ProblemKind::ExpectedOff,
                header.col(Field::Expected),
                format!("应到人数（{e}）与名册中本支部党员人数（{size}）相差超过 20%"),
            )
            .raw(e.to_string()),
        );
    }
    if let Some(names) = ctx.member_names.get(&r.branch) {
        for (list, field) in [(&r.attendees, Field::Attendees), (&r.absentees, Field::Absentees)] {
            let strangers: Vec<&str> = list.iter().filter(|n| !names.contains(*n)).collect();
            if !strangers.is_empty() {
                warnings.push(
                    warn(
                        ProblemKind::NameUnknown,
                        header.col(field),
                        format!("名单中有不在本支部名册中的姓名：{}", strangers.join("、")),
                    )
                    .raw(strangers.join("、")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_off_by_more_than_a_fifth() {
        assert!(!expected_off(4, 5), "20 % is not more than 20 %");
        assert!(!expected_off(6, 5));
        assert!(expected_off(3, 5));
        assert!(expected_off(13, 10));
        assert!(!expected_off(12, 10));
    }

    #[test]
    fn group_names_agree() {
        assert_eq!(group_key("第一党小组"), group_key("第1党小组"));
        assert_eq!(group_key("一组"), group_key("第一党小组"));
        assert_eq!(group_key("第十二党小组"), "第12组");
        assert_eq!(group_key("机关党小组"), "机关党小组");
    }

    #[test]
    fn section_labels() {
        for t in [
            "一月份",
            "1月",
            "2024年3月",
            "第二季度",
            "三月份活动记录：",
            "一、支部党员大会",
            "（二）党课",
            "下半年",
        ] {
            assert!(is_section_label(t), "{t}");
        }
        for t in ["支委会", "3月5日", "学习二十大精神", "十三月", "研究一季度工作"] {
            assert!(!is_section_label(t), "{t}");
        }
    }
}
