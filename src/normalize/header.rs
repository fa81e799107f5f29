//! Finding the activity table in a sheet and deciding what each of its columns holds. In: a
//! sheet's rows, the header aliases and the headers plan.toml says to pass over. Out: a
//! [`Header`]: which row(s) hold the header (two-row headers such as a merged 参会人数 over
//! 应到 | 实到 included), which column is which field, and for every header cell why it was
//! taken or passed over (`check --explain` prints these).
//!
//! Columns are decided as one assignment over all header cells, not first match wins
//! (SPEC 3.1, competing columns): a header is read as every field whose alias it holds; an
//! alias beside a qualifier that changes what the column holds (`所在党支部编码`, `主持人学工号`,
//! `时长（分钟）`) is not that field; then each field takes its best-ranked column: an exact
//! alias before a contained one, a held date (`实际会议时间`) before a planned one
//! (`计划会议时间`), a type column before a meeting-name column (`会议名称` gives the type only
//! where no type column exists, else the topic where none exists).

use crate::ingest::{Row, Value};
use crate::maps::{HashMap, HashSet};
use crate::text::fold_char;
use crate::vocab::Field;

/// How many non-blank rows from the top may hold the header.
pub const HEADER_SEARCH_ROWS: usize = 15;

/// Longest header text looked at (units, brackets and line breaks included).
const MAX_HEADER_CHARS: usize = 30;

/// Words beside an alias that make the column hold something else than the field: a code,
/// an id or a phone number instead of a name, a duration or an ordinal instead of a count
/// of people, a rate instead of a count.
const QUALIFIERS: [(&str, &str); 20] = [
    ("学工号", "学工号"),
    ("工号", "工号"),
    ("证号", "证号"),
    ("身份证", "身份证号"),
    ("编码", "编码"),
    ("代码", "代码"),
    ("编号", "编号"),
    ("电话", "电话"),
    ("手机", "电话"),
    ("联系方式", "联系方式"),
    ("第几次", "次数"),
    ("次数", "次数"),
    ("时长", "时长"),
    ("分钟", "时长"),
    ("小时", "时长"),
    ("学时", "时长"),
    ("比例", "比例"),
    ("占比", "比例"),
    ("率", "比率"),
    ("ID", "编号"),
];

/// True when a header holds a qualifier word (`时长（分钟）`): such a sub-header names its own
/// column, never a part of the merged header above it.
fn has_qualifier(text: &str) -> bool {
    let folded: String = text.chars().map(fold_char).collect();
    QUALIFIERS.iter().any(|(q, _)| folded.contains(q))
}

/// Words that make a date column the planned date rather than the held one.
const PLANNED: [&str; 5] = ["计划", "拟", "预计", "预定", "原定"];

/// Headers naming a meeting or activity: the type where no type column exists, else the
/// topic where no topic column exists.
const NAME_HEADERS: [&str; 2] = ["会议名称", "活动名称"];

/// How strongly a header cell claims a field; lower wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    /// 0 exact alias, 1 contained alias, 2 planned date, 3 a name column standing in.
    class: u8,
    /// The alias's place in its field's list (plan.toml aliases first).
    priority: usize,
}

/// One way a header text can be read.
#[derive(Clone, Debug)]
struct Claim {
    field: Field,
    rank: Rank,
}

/// What a header text says, before the columns compete.
#[derive(Clone, Debug, Default)]
struct Reading {
    claims: Vec<Claim>,
    /// Fields the text holds an alias of but does not mean, with the qualifier that says so.
    refused: Vec<(Field, &'static str)>,
    /// plan.toml's `[ignore_headers]` names it.
    ignored: bool,
}

/// Header aliases: normalized header text → (field, priority; lower wins a tie).
#[derive(Debug)]
pub struct HeaderAliases {
    exact: HashMap<String, (Field, usize)>,
    /// For headers that merely contain an alias (`参会人员签名`), longest alias first
    /// (aliases of two characters or more).
    by_length: Vec<(String, Field, usize)>,
    /// Finds every alias of `by_length` inside a header at once (pattern i is
    /// `by_length[i]`): every cell of a ledger's top rows is looked up, ten thousand files.
    contained: aho_corasick::AhoCorasick,
    /// Header keys plan.toml says to pass over.
    ignored: HashSet<String>,
    /// Which aliases these are, for the readings each thread remembers ([`SEEN`]): a copy
    /// passing over other headers is other aliases.
    id: u64,
}

/// What a cell text is as a header: every field it could be ([`Reading`]), its likeliest
/// field, and whether it is an exact alias.
#[derive(Debug, Default)]
struct CellReading {
    reading: Reading,
    field: Option<(Field, usize)>,
    exact: bool,
}

/// Texts a thread remembers the readings of at most; it forgets them all when full (the
/// header texts come back first).
const SEEN_TEXTS: usize = 4096;

thread_local! {
    /// What each cell text was read as, by the aliases of the id beside it: ten thousand
    /// ledgers repeat the same few header texts, and the top rows of every sheet are read.
    /// One per reading thread, so the threads share no lock and no counter.
    static SEEN: std::cell::RefCell<(u64, HashMap<String, CellReading>)> = Default::default();
}

/// The next [`HeaderAliases::id`].
fn next_aliases_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Clone for HeaderAliases {
    fn clone(&self) -> Self {
        HeaderAliases {
            exact: self.exact.clone(),
            by_length: self.by_length.clone(),
            contained: self.contained.clone(),
            ignored: self.ignored.clone(),
            id: self.id,
        }
    }
}

impl Default for HeaderAliases {
    fn default() -> Self {
        HeaderAliases::new(&[])
    }
}

impl HeaderAliases {
    pub fn new(extra: &[(Field, String)]) -> Self {
        let mut exact = HashMap::default();
        let mut by_length = Vec::new();
        for (field, alias) in extra {
            exact.insert(header_key(alias), (*field, 0));
            by_length.push((header_key(alias), *field, 0));
        }
        for field in Field::ALL {
            for (priority, alias) in field.builtin_aliases().iter().enumerate() {
                exact.entry(header_key(alias)).or_insert((field, priority + 1));
                by_length.push((header_key(alias), field, priority + 1));
            }
        }
        by_length.retain(|(a, _, _)| a.chars().count() >= 2);
        by_length.sort_by_key(|(a, _, _)| std::cmp::Reverse(a.chars().count()));
        let contained = aho_corasick::AhoCorasick::new(by_length.iter().map(|(a, _, _)| a.as_str()))
            .expect("header aliases are short texts");
        HeaderAliases {
            exact,
            by_length,
            contained,
            ignored: HashSet::default(),
            id: next_aliases_id(),
        }
    }

    /// The same aliases, passing over the given header texts (plan.toml `[ignore_headers]`).
    pub fn ignoring(mut self, headers: &[String]) -> Self {
        self.ignored = headers.iter().map(|h| header_key(h)).collect();
        self.id = next_aliases_id();
        self
    }

    /// Every field a header text could be, ranked, and the fields it names but does not mean.
    fn read(&self, text: &str) -> Reading {
        self.cell_reading(text, |known| known.reading.clone())
    }

    /// [`Self::read`] worked out, for a text not seen yet.
    fn read_anew(&self, text: &str) -> Reading {
        let mut reading = Reading::default();
        if text.chars().count() > MAX_HEADER_CHARS {
            return reading;
        }
        let key = header_key(text);
        if key.is_empty() {
            return reading;
        }
        if self.ignored.contains(&key) {
            reading.ignored = true;
            return reading;
        }
        let bracketed = bracketed_text(text);
        let planned = PLANNED.iter().any(|p| key.contains(p));
        let mut consider = |field: Field, alias: &str, class: u8, priority: usize| {
            let rest = format!("{}{}", key.replacen(alias, "", 1), bracketed);
            let counts_people =
                matches!(field, Field::Attendees | Field::Absentees | Field::Observers) && rest.contains("人数");
            let qualifier = QUALIFIERS
                .iter()
                .find(|(q, _)| rest.contains(q) && !alias.contains(q))
                .map(|(_, why)| *why)
                .or(counts_people.then_some("人数"));
            if let Some(why) = qualifier {
                if !reading.refused.iter().any(|(f, _)| *f == field) {
                    reading.refused.push((field, why));
                }
                return;
            }
            let class = if field == Field::Date && planned { 2 } else { class };
            if !reading.claims.iter().any(|c| c.field == field) {
                reading.claims.push(Claim {
                    field,
                    rank: Rank { class, priority },
                });
            }
        };
        if NAME_HEADERS.contains(&key.as_str()) {
            consider(Field::Type, &key.clone(), 3, 0);
            consider(Field::Topic, &key.clone(), 3, 0);
            return reading;
        }
        if let Some(&(field, priority)) = self.exact.get(&key) {
            consider(field, &key.clone(), 0, priority);
        } else if key.chars().count() <= 12 {
            for m in self.contained.find_overlapping_iter(&key) {
                let (alias, field, priority) = &self.by_length[m.pattern().as_usize()];
                consider(*field, alias, 1, *priority);
            }
        }
        reading
    }

    /// The field a header cell most likely names (for finding the header row).
    pub fn field_of(&self, text: &str) -> Option<(Field, usize)> {
        self.cell_reading(text, |known| known.field)
    }

    /// True when the text is exactly a header alias (a repeated header row). Every text cell
    /// of every data row is asked this: a text this thread has not read as a header is
    /// checked against the exact names directly, neither read in full nor remembered (a
    /// province's topics would push the header texts out of the thread's memory).
    pub fn is_exact(&self, text: &str) -> bool {
        if beyond_any_header(text) {
            return false;
        }
        SEEN.with_borrow(|(id, seen)| (*id == self.id).then(|| seen.get(text).map(|known| known.exact)))
            .flatten()
            .unwrap_or_else(|| self.exact_name(text))
    }

    /// Whether the text, as a header key, is one of the exact names.
    fn exact_name(&self, text: &str) -> bool {
        text.chars().count() <= MAX_HEADER_CHARS && self.exact.contains_key(&header_key(text))
    }

    /// What `answer` says of the text's [`CellReading`], remembered by this thread.
    fn cell_reading<T>(&self, text: &str, answer: impl FnOnce(&CellReading) -> T) -> T {
        // Longer than any header: read as nothing, and not remembered (data cells).
        if beyond_any_header(text) {
            return answer(&CellReading::default());
        }
        SEEN.with_borrow_mut(|(id, seen)| {
            if *id != self.id || seen.len() >= SEEN_TEXTS {
                *id = self.id;
                seen.clear();
            }
            if let Some(known) = seen.get(text) {
                return answer(known);
            }
            let reading = self.read_anew(text);
            let known = CellReading {
                field: reading
                    .claims
                    .iter()
                    .min_by_key(|c| c.rank)
                    .map(|c| (c.field, c.rank.priority)),
                exact: self.exact_name(text),
                reading,
            };
            answer(seen.entry(text.to_string()).or_insert(known))
        })
    }
}

/// Longer in bytes than any header can be (a data cell: a name list, a long topic).
fn beyond_any_header(text: &str) -> bool {
    text.len() > 4 * MAX_HEADER_CHARS
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

/// What a header holds in brackets (`时长（分钟）` → `分钟`): units and qualifiers.
fn bracketed_text(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in text.chars().map(fold_char).filter(|c| !c.is_whitespace()) {
        match ch {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// Why a header cell was not taken for a field.
#[derive(Clone, Debug, PartialEq)]
pub enum PassedOver {
    /// It names the field but a qualifier says it holds something else (`编码`).
    Qualified { field: Field, qualifier: &'static str },
    /// Another column won the field (`column`, 0-based).
    Lost { field: Field, column: usize, why: LostTo },
    /// plan.toml `[ignore_headers]`.
    Ignored,
    /// It names no field.
    Unknown,
}

/// What became of one header cell.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnNote {
    pub col: usize,
    /// Index (into the sheet's rows) of the row whose text decided.
    pub row: usize,
    pub text: String,
    /// The field taken, or why none.
    pub taken: Result<Field, PassedOver>,
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
    /// Every header cell with text, in column order: taken for what, or passed over why.
    pub notes: Vec<ColumnNote>,
}

impl Header {
    pub fn col(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).copied()
    }

    /// The header cell taken for a field.
    pub fn taken(&self, field: Field) -> Option<&ColumnNote> {
        self.notes.iter().find(|n| n.taken == Ok(field))
    }

    /// The planned date column that lost the date to a held one, if the sheet has both
    /// (owip's 计划会议时间 beside 实际会议时间).
    pub fn planned_date(&self) -> Option<&ColumnNote> {
        self.notes.iter().find(|n| {
            matches!(
                n.taken,
                Err(PassedOver::Lost {
                    why: LostTo::HeldDate,
                    ..
                })
            )
        })
    }
}

fn text_of(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    }
}

/// The distinct fields a row names in its own cells: a merged region's copies are its top
/// cell's, so a header merged down over two rows (`日期` in A3:A4 over a second row of
/// `应到` | `实到`) is found in its first row, the second read as its sub-header.
fn fields_in_row(row: &Row, aliases: &HeaderAliases) -> Vec<Field> {
    let mut fields: Vec<Field> = row
        .cells
        .iter()
        .enumerate()
        .filter(|(c, _)| !row.is_merged(*c))
        .filter_map(|(_, v)| text_of(v))
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

/// The header row: in the first [`HEADER_SEARCH_ROWS`] rows, the row naming the most
/// fields, at least three, one of them the date or the activity type.
fn header_row(rows: &[Row], aliases: &HeaderAliases) -> Option<usize> {
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
    best.map(|(i, _)| i)
}

/// The row under the header when it is a second header row (`应到` | `实到` under a merged
/// `参会人数`): the next sheet row, at least half of its own texts exact header names.
fn sub_header<'a>(rows: &'a [Row], first_row: usize, aliases: &HeaderAliases) -> Option<&'a Row> {
    let header = &rows[first_row];
    rows.get(first_row + 1).filter(|next| {
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
    })
}

/// The text that decides what a column holds, with its row and reading: the second header
/// row's own text when it says something (a field, a qualifier, an ignore), else the text
/// above it (a merged `参会人数` over its parts).
fn column_reading(
    col: usize,
    header: (usize, &Row),
    sub: Option<(usize, &Row)>,
    aliases: &HeaderAliases,
) -> Option<(usize, String, Reading)> {
    let own_sub = sub.and_then(|(i, s)| text_of(s.get(col)).filter(|_| !s.is_merged(col)).map(|t| (i, t)));
    if let Some((i, t)) = own_sub {
        let reading = aliases.read(t);
        if !reading.claims.is_empty() || !reading.refused.is_empty() || reading.ignored || has_qualifier(t) {
            return Some((i, t.trim().to_string(), reading));
        }
        let above = text_of(header.1.get(col)).map(|h| aliases.read(h));
        return match above {
            Some(r) if !r.claims.is_empty() => Some((header.0, text_of(header.1.get(col))?.trim().to_string(), r)),
            _ => Some((i, t.trim().to_string(), reading)),
        };
    }
    let t = text_of(header.1.get(col))?;
    Some((header.0, t.trim().to_string(), aliases.read(t)))
}

/// Why the winner of a contested field beat a loser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostTo {
    /// A planned date (`计划会议时间`) beside a held one.
    HeldDate,
    /// A name column (`会议名称`) beside a type or topic column.
    OwnColumn,
    /// A contained alias beside an exact one.
    ExactHeader,
    /// Anything else: an alias of lower priority.
    BetterColumn,
}

impl LostTo {
    fn of(winner: Rank, loser: Rank) -> Self {
        match (winner.class, loser.class) {
            (_, 2) => LostTo::HeldDate,
            (_, 3) => LostTo::OwnColumn,
            (0, 1) => LostTo::ExactHeader,
            _ => LostTo::BetterColumn,
        }
    }

    /// In the words `--explain` prints.
    pub fn words(self) -> &'static str {
        match self {
            LostTo::HeldDate => "计划时间，以实际召开时间为准",
            LostTo::OwnColumn => "名称列，已有类型列或主题列",
            LostTo::ExactHeader => "表头不如另一列确切",
            LostTo::BetterColumn => "同一字段已有更合适的列",
        }
    }
}

/// Decides every column at once: each field takes its best-ranked claim, each column serves
/// one field.
fn assign(readings: &[(usize, usize, String, Reading)]) -> (HashMap<Field, (usize, Rank)>, Vec<ColumnNote>) {
    let mut claims: Vec<(Rank, usize, Field)> = readings
        .iter()
        .flat_map(|(col, _, _, r)| r.claims.iter().map(move |c| (c.rank, *col, c.field)))
        .collect();
    claims.sort();
    let mut chosen: HashMap<Field, (usize, Rank)> = HashMap::default();
    let mut used: HashSet<usize> = HashSet::default();
    for (rank, col, field) in &claims {
        if !chosen.contains_key(field) && !used.contains(col) {
            chosen.insert(*field, (*col, *rank));
            used.insert(*col);
        }
    }
    let notes = readings
        .iter()
        .map(|(col, row, text, reading)| {
            let taken = chosen
                .iter()
                .find(|(_, (c, _))| c == col)
                .map(|(f, _)| *f)
                .ok_or_else(|| passed_over(reading, &chosen));
            ColumnNote {
                col: *col,
                row: *row,
                text: text.clone(),
                taken,
            }
        })
        .collect();
    (chosen, notes)
}

fn passed_over(reading: &Reading, chosen: &HashMap<Field, (usize, Rank)>) -> PassedOver {
    if reading.ignored {
        return PassedOver::Ignored;
    }
    let best = reading.claims.iter().min_by_key(|c| c.rank);
    match best.and_then(|c| chosen.get(&c.field).map(|w| (c, w))) {
        Some((claim, &(winner, rank))) => PassedOver::Lost {
            field: claim.field,
            column: winner,
            why: LostTo::of(rank, claim.rank),
        },
        None => match reading.refused.first() {
            Some(&(field, qualifier)) => PassedOver::Qualified { field, qualifier },
            None => PassedOver::Unknown,
        },
    }
}

/// Finds the header and decides what each column holds.
pub fn detect(rows: &[Row], aliases: &HeaderAliases) -> Option<Header> {
    let first_row = header_row(rows, aliases)?;
    let header = &rows[first_row];
    let sub = sub_header(rows, first_row, aliases);
    let width = header.cells.len().max(sub.map_or(0, |s| s.cells.len()));
    let readings: Vec<(usize, usize, String, Reading)> = (0..width)
        .filter_map(|col| {
            column_reading(col, (first_row, header), sub.map(|s| (first_row + 1, s)), aliases)
                .map(|(row, text, reading)| (col, row, text, reading))
        })
        .collect();
    let (chosen, notes) = assign(&readings);
    // A merged header's copies over its other columns are no headers of their own.
    let merged_copy = |n: &ColumnNote| {
        let row = &rows[n.row];
        row.is_merged(n.col)
    };
    let unknown = notes
        .iter()
        .filter(|n| matches!(n.taken, Err(PassedOver::Unknown)) && !merged_copy(n))
        .map(|n| n.text.clone())
        .collect();
    Some(Header {
        first_row,
        last_row: if sub.is_some() { first_row + 1 } else { first_row },
        columns: chosen.into_iter().map(|(f, (c, _))| (f, c)).collect(),
        unknown,
        width,
        notes,
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

    /// A header merged down over two rows (`日期` in A1:A2, …) with `参会人数` merged across
    /// over `应到` | `实到`: the merge copies the top cells' text into the second row, which
    /// must not make that row the header (`check --explain` then cited A2 for 日期).
    #[test]
    fn a_header_merged_down_starts_in_its_first_row() {
        let a = HeaderAliases::new(&[]);
        let mut top = row(0, &["日期", "活动类型", "主题", "参会人数", "参会人数"]);
        top.merged = vec![false, false, false, false, true];
        let mut second = row(1, &["日期", "活动类型", "主题", "应到", "实到"]);
        second.merged = vec![true, true, true, false, false];
        let rows = vec![top, second, row(2, &["2024-03-05", "支委会", "学习", "5", "4"])];
        let h = detect(&rows, &a).unwrap();
        assert_eq!((h.first_row, h.last_row), (0, 1));
        assert_eq!(h.col(Field::Date), Some(0));
        assert_eq!(h.col(Field::Expected), Some(3));
        assert_eq!(h.col(Field::Present), Some(4));
        let date = h.taken(Field::Date).unwrap();
        assert_eq!((date.row, date.col), (0, 0), "日期 is cited where it is written");
        let present = h.taken(Field::Present).unwrap();
        assert_eq!((present.row, present.col), (1, 4));
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
    fn remembered_readings_follow_the_aliases() {
        let a = HeaderAliases::new(&[]);
        assert_eq!(a.field_of("主题").map(|(f, _)| f), Some(Field::Topic));
        assert!(a.is_exact("主题"));
        // A copy passing over 主题 must not answer from what the original remembered.
        let b = a.clone().ignoring(&["主题".to_string()]);
        assert_eq!(b.field_of("主题"), None);
        // More texts than it remembers: it forgets them and still reads right.
        for i in 0..SEEN_TEXTS + 10 {
            assert_eq!(a.field_of(&format!("张三{i}")), None);
        }
        assert_eq!(a.field_of("主题").map(|(f, _)| f), Some(Field::Topic));
        assert_eq!(a.field_of("会议时间").map(|(f, _)| f), Some(Field::Date));
        assert!(!a.is_exact("参会人员签名") && a.field_of("参会人员签名").is_some());
    }

    #[test]
    fn a_date_column_beats_a_time_column() {
        let a = HeaderAliases::new(&[]);
        let h = detect(&[row(0, &["时间", "日期", "类型", "主题"])], &a).unwrap();
        assert_eq!(h.col(Field::Date), Some(1));
    }
}
