//! Records to the DataFrames every figure is computed from. In: the accepted records, the
//! roster and the reporting window. Out: [`Frames`]: one row per activity and type (with
//! its status: counted, superseded by a re-sent row, or outside the window), the names each
//! activity lists, the branches with their party-group counts, and the roster members.
//! Re-sent rows and every row's status are decided in one step, `resolve` (SPEC 5: the
//! last row by file, sheet, row wins); the frames are built from its activities.

use super::rows::{ActivityRow, Status};
use crate::maps::{HashMap, HashSet};
use crate::normalize::roster::{Member, Roster};
use crate::normalize::{Record, group_key};
use crate::problems::{Problem, ProblemKind};
use crate::text::topic_key;
use crate::vocab::ActivityType;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const COUNTED: &str = "counted";
pub const SUPERSEDED: &str = "superseded";
pub const OUTSIDE: &str = "outside_period";
/// A branch not in B (not in the roster, or excluded by the plan).
pub const EXCLUDED: &str = "excluded";

/// The frames of a run.
#[derive(Clone, Debug)]
pub struct Frames {
    /// The activities typed, in the activities frame's order (activities.csv, 活动明细).
    pub activity_rows: Arc<Vec<ActivityRow>>,
    /// id, record, branch, branch_ix, group, group_key, type, type_ix ([`ActivityType::index`],
    /// for tables that group a million rows by type), date, month, quarter, topic, expected,
    /// present, names_attendance, attendees_listed, status, source_file, source_sheet, source_row.
    pub activities: DataFrame,
    /// id, member (roster position), absent (listed in 缺席人员, else in 参会人员): the listed names of
    /// counted activities that are members of the activity's branch.
    pub mentions: DataFrame,
    /// branch, groups: the branches B of SPEC 5, in roster order.
    pub branches: DataFrame,
    /// name, branch, group, group_key, category.
    pub members: DataFrame,
}

pub fn month_label(d: NaiveDate) -> String {
    format!("{}-{:02}", d.year(), d.month())
}

pub fn quarter_label(d: NaiveDate) -> String {
    format!("{}Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// Builds the frames. `branches` is B (roster order, exclusions applied); records of other
/// branches are kept in `activities` as `excluded`. In steps: `resolve` the activities and
/// their status, then the activities, mentions, branches and members frames.
///
/// `beside`, if given, is handed the typed activities as soon as they are resolved, before
/// the frames are built (the committee workbook's 活动明细 begins on them).
pub fn build(
    records: &[Record],
    roster: Option<&Roster>,
    branches: &[(String, u32)],
    year: i32,
    as_of: NaiveDate,
    notes: &mut Vec<Problem>,
    beside: Option<&super::Beside<'_>>,
) -> PolarsResult<Frames> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let in_b: HashSet<&str> = branches.iter().map(|(b, _)| b.as_str()).collect();
    let t = std::time::Instant::now();
    let acts = resolve(records, &in_b, start, as_of, notes);
    crate::timing::phase("    resolve", t);
    let activity_rows = Arc::new(activity_rows(records, &acts));
    if let Some(beside) = beside {
        beside(&activity_rows);
    }
    let members: Vec<&Member> = roster
        .map(|r| r.members.iter().filter(|m| in_b.contains(m.branch.as_str())).collect())
        .unwrap_or_default();
    let branch_ix_of: HashMap<&str, u32> = branches
        .iter()
        .enumerate()
        .map(|(i, (b, _))| (b.as_str(), i as u32))
        .collect();
    // The four frames read the same inputs and nothing of each other: built side by side
    // (the activity and mention frames are a province's hundred thousand rows each).
    let ((activities, mentions), (branches, members)) = rayon::join(
        || {
            rayon::join(
                || {
                    let t = std::time::Instant::now();
                    let frame = activities_frame(records, &acts, &branch_ix_of);
                    crate::timing::phase("    activities frame", t);
                    frame
                },
                || {
                    let t = std::time::Instant::now();
                    let frame = mentions_frame(records, &acts, &members);
                    crate::timing::phase("    mentions frame", t);
                    frame
                },
            )
        },
        || (branches_frame(branches), members_frame(&members, &branch_ix_of)),
    );
    Ok(Frames {
        activity_rows,
        activities: activities?,
        mentions: mentions?,
        branches: branches?,
        members: members?,
    })
}

/// The activities typed, in their order: what the activities frame holds of each, read
/// straight from the records.
fn activity_rows(records: &[Record], acts: &[Activity]) -> Vec<ActivityRow> {
    acts.iter()
        .map(|a| {
            let r = &records[a.record];
            ActivityRow {
                record: a.record,
                activity: a.activity,
                group: r.group.clone().unwrap_or_default(),
                expected: r.expected.map(i64::from),
                present: r.present.map(i64::from),
                names_attendance: r.names_attendance(),
                status: Status::from_code(a.status).unwrap_or(Status::Counted),
            }
        })
        .collect()
}

/// One activity: a record and one of its types, with the row status it was given.
struct Activity {
    record: usize,
    activity: ActivityType,
    /// [`COUNTED`], [`SUPERSEDED`], [`OUTSIDE`] or [`EXCLUDED`].
    status: &'static str,
}

/// Dedup and row status, in one place. In: the accepted records, the branches B (`in_b`)
/// and the window (`start` ..= `as_of`). Out: one [`Activity`] per record and type in source
/// order (file, sheet, row); of the activities sharing a dedup key (branch, group, type,
/// date, topic) the last is the one kept (SPEC 5), the others are superseded, each with a
/// note in `notes`; the kept ones are counted, or outside the period by date; any of a
/// branch not in B is excluded.
fn resolve(
    records: &[Record],
    in_b: &HashSet<&str>,
    start: NaiveDate,
    as_of: NaiveDate,
    notes: &mut Vec<Problem>,
) -> Vec<Activity> {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&records[a], &records[b]);
        (&ra.file, ra.sheet_position, ra.row).cmp(&(&rb.file, rb.sheet_position, rb.row))
    });
    type Key<'r> = (&'r str, Option<String>, ActivityType, NaiveDate, String);
    let mut acts: Vec<(usize, ActivityType)> = Vec::new();
    for &i in &order {
        for &t in &records[i].types {
            acts.push((i, t));
        }
    }
    // The keys' texts are normalized on both cores: a province's fifty thousand topics.
    let keys: Vec<Key> = acts
        .par_iter()
        .map(|&(i, t)| {
            let r = &records[i];
            (
                r.branch.as_str(),
                r.group.as_deref().map(group_key),
                t,
                r.date,
                topic_key(&r.topic),
            )
        })
        .collect();
    // key → (record, position in order) of its last activity
    let mut winner: HashMap<&Key, (usize, usize)> = HashMap::with_capacity_and_hasher(keys.len(), Default::default());
    for (pos, (key, &(i, _))) in keys.iter().zip(&acts).enumerate() {
        winner.insert(key, (i, pos));
    }
    acts.iter()
        .enumerate()
        .map(|(pos, &(i, t))| {
            let r = &records[i];
            let (wi, wpos) = winner[&keys[pos]];
            let status = if wpos != pos {
                notes.push(superseded_note(r, &records[wi]));
                SUPERSEDED
            } else if r.date < start || r.date > as_of {
                OUTSIDE
            } else {
                COUNTED
            };
            let status = if in_b.contains(r.branch.as_str()) {
                status
            } else {
                EXCLUDED
            };
            Activity {
                record: i,
                activity: t,
                status,
            }
        })
        .collect()
}

/// The note on a row re-sent later (`w`, the row that wins).
fn superseded_note(r: &Record, w: &Record) -> Problem {
    Problem::new(
        ProblemKind::Superseded,
        &r.file,
        format!(
            "与 {} 「{}」第 {} 行重复（同一支部、党小组、类型、日期、主题），以后者为准",
            w.file, w.sheet, w.row
        ),
    )
    .sheet(&r.sheet)
    .at(r.row - 1, 0)
    .branch(&r.branch)
}

/// The activities frame ([`Frames::activities`]): a row per [`Activity`], `id` its position.
fn activities_frame(
    records: &[Record],
    acts: &[Activity],
    branch_ix_of: &HashMap<&str, u32>,
) -> PolarsResult<DataFrame> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid");
    // Month and quarter labels made once per month (a province's activities fall in a few
    // dozen), and the texts borrowed from the records: polars copies them into its own
    // buffers, so a `String` per cell would be made only to be dropped.
    let mut labels: BTreeMap<(i32, u32), (String, String)> = BTreeMap::new();
    for a in acts {
        let d = records[a.record].date;
        labels
            .entry((d.year(), d.month()))
            .or_insert_with(|| (month_label(d), quarter_label(d)));
    }
    let label = |d: NaiveDate| &labels[&(d.year(), d.month())];
    let n = acts.len();
    let mut id = Vec::with_capacity(n);
    let mut record_ix = Vec::with_capacity(n);
    let mut branch = Vec::with_capacity(n);
    let mut group: Vec<Option<&str>> = Vec::with_capacity(n);
    let mut gkey: Vec<Option<String>> = Vec::with_capacity(n);
    let mut typ = Vec::with_capacity(n);
    let mut type_ix = Vec::with_capacity(n);
    let mut date = Vec::with_capacity(n);
    let mut month = Vec::with_capacity(n);
    let mut quarter = Vec::with_capacity(n);
    let mut topic = Vec::with_capacity(n);
    let mut expected: Vec<Option<u32>> = Vec::with_capacity(n);
    let mut present: Vec<Option<u32>> = Vec::with_capacity(n);
    let mut named = Vec::with_capacity(n);
    let mut listed = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    let mut file = Vec::with_capacity(n);
    let mut sheet = Vec::with_capacity(n);
    let mut row = Vec::with_capacity(n);
    let mut branch_ix: Vec<Option<u32>> = Vec::with_capacity(n);
    for (pos, a) in acts.iter().enumerate() {
        let r = &records[a.record];
        id.push(pos as u32);
        record_ix.push(a.record as u32);
        branch.push(r.branch.as_str());
        group.push(r.group.as_deref());
        gkey.push(r.group.as_deref().map(group_key));
        typ.push(a.activity.code());
        type_ix.push(a.activity.index() as u32);
        date.push((r.date - epoch).num_days() as i32);
        let (m, q) = label(r.date);
        month.push(m.as_str());
        quarter.push(q.as_str());
        topic.push(r.topic.as_str());
        expected.push(r.expected);
        present.push(r.present);
        named.push(r.names_attendance());
        listed.push(!r.attendees.is_empty());
        status.push(a.status);
        file.push(r.file.as_str());
        sheet.push(r.sheet.as_str());
        row.push(r.row);
        branch_ix.push(branch_ix_of.get(r.branch.as_str()).copied());
    }
    DataFrame::new_infer_height(vec![
        Column::new("id".into(), id),
        Column::new("record".into(), record_ix),
        Column::new("branch".into(), branch),
        Column::new("branch_ix".into(), branch_ix),
        Column::new("group".into(), group),
        Column::new("group_key".into(), gkey),
        Column::new("type".into(), typ),
        Column::new("type_ix".into(), type_ix),
        Column::new("date".into(), date).cast(&DataType::Date)?,
        Column::new("month".into(), month),
        Column::new("quarter".into(), quarter),
        Column::new("topic".into(), topic),
        Column::new("expected".into(), expected),
        Column::new("present".into(), present),
        Column::new("names_attendance".into(), named),
        Column::new("attendees_listed".into(), listed),
        Column::new("status".into(), status),
        Column::new("source_file".into(), file),
        Column::new("source_sheet".into(), sheet),
        Column::new("source_row".into(), row),
    ])
}

/// The mentions frame ([`Frames::mentions`]): the listed names of counted activities that
/// are members (positions in `members`) of the activity's own branch, each member once per
/// list. Names resolve to
/// members here, once, so the member figures join integers rather than a million
/// (branch, name) strings.
fn mentions_frame(records: &[Record], acts: &[Activity], members: &[&Member]) -> PolarsResult<DataFrame> {
    // Members by branch, then by name: a million names are looked up by the name alone,
    // the branch once per activity.
    let mut member_of: HashMap<&str, HashMap<&str, u32>> = HashMap::default();
    for (i, m) in members.iter().enumerate() {
        member_of
            .entry(m.branch.as_str())
            .or_default()
            .insert(m.name.as_str(), i as u32);
    }
    let nobody = HashMap::default();
    let (mut m_id, mut m_member, mut m_absent) = (Vec::new(), Vec::new(), Vec::new());
    let mut listed: Vec<u32> = Vec::new();
    for (pos, a) in acts.iter().enumerate().filter(|(_, a)| a.status == COUNTED) {
        let r = &records[a.record];
        let of_branch = member_of.get(r.branch.as_str()).unwrap_or(&nobody);
        for (names, absent) in [(&r.attendees, false), (&r.absentees, true)] {
            // A name listed twice in one list is one mention.
            listed.clear();
            listed.extend(names.iter().filter_map(|name| of_branch.get(name).copied()));
            listed.sort_unstable();
            listed.dedup();
            m_id.extend(std::iter::repeat_n(pos as u32, listed.len()));
            m_member.extend_from_slice(&listed);
            m_absent.extend(std::iter::repeat_n(absent, listed.len()));
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new("id".into(), m_id),
        Column::new("member".into(), m_member),
        Column::new("absent".into(), m_absent),
    ])
}

/// The branches frame ([`Frames::branches`]): B with its group counts and order.
fn branches_frame(branches: &[(String, u32)]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "branch".into(),
            branches.iter().map(|(b, _)| b.clone()).collect::<Vec<_>>(),
        ),
        Column::new("groups".into(), branches.iter().map(|(_, g)| *g).collect::<Vec<_>>()),
        Column::new("branch_order".into(), (0..branches.len() as u32).collect::<Vec<_>>()),
    ])
}

/// The members frame ([`Frames::members`]): the roster members of B, in roster order.
fn members_frame(members: &[&Member], branch_ix_of: &HashMap<&str, u32>) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "branch_ix".into(),
            members
                .iter()
                .map(|m| branch_ix_of.get(m.branch.as_str()).copied())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "name".into(),
            members.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "branch".into(),
            members.iter().map(|m| m.branch.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "group".into(),
            members.iter().map(|m| m.group.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "group_key".into(),
            members
                .iter()
                .map(|m| m.group.as_deref().map(group_key))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "category".into(),
            members.iter().map(|m| m.category.clone()).collect::<Vec<_>>(),
        ),
        Column::new("member_order".into(), (0..members.len() as u32).collect::<Vec<_>>()),
    ])
}

impl Frames {
    /// The activities every figure counts: not superseded, in the window, of a branch in B.
    pub fn counted(&self) -> LazyFrame {
        self.activities.clone().lazy().filter(col("status").eq(lit(COUNTED)))
    }
}
