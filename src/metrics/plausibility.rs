//! Plausibility (需说明, SPEC 10): patterns that suggest a ledger was copied rather than
//! kept. In: the activity frames and the records behind them. Out: warnings, one per
//! pattern found, that join the run's problems; no figure changes. Only counted activities
//! (not superseded, inside the window, of a branch in B) are looked at.
//!
//! - `W-SAME-COUNT`: the same 实到 at every activity of a type of a branch (≥ 6 of them);
//! - `W-SAME-LIST`: the same attendee list at every activity of a type (≥ 6);
//! - `W-COPIED-TOPIC`: the same topic in ≥ 3 months of one branch;
//! - `W-SHARED-TOPIC`: the same topic in the same month of ≥ 3 branches (one warning per branch).
//!
//! Topics are compared by [`topic_core`]: no spaces, punctuation or date words; an empty
//! topic never counts. (`W-EXPECTED-OFF`, 应到 against the roster, is checked row by row
//! in `normalize`, where the cell is known.)

use super::frames::Frames;
use super::{ints, strs};
use crate::normalize::{Names, Record};
use crate::problems::{Problem, ProblemKind};
use crate::text::topic_key;
use crate::vocab::ActivityType;
use polars::prelude::*;
use rayon::prelude::*;

/// Activities of one type of a branch before "the same every time" means something.
pub const SAME_EVERY_TIME_MIN: u32 = 6;
/// Months of one branch with one topic before it looks copied.
pub const COPIED_TOPIC_MONTHS: u32 = 3;
/// Branches with one topic in one month before it looks shared.
pub const SHARED_TOPIC_BRANCHES: u32 = 3;

/// Every plausibility warning of the counted activities.
pub fn check(frames: &Frames, records: &[Record]) -> PolarsResult<Vec<Problem>> {
    let df = counted_with_details(frames, records)?;
    // The four patterns read the same frame and nothing of each other: side by side, so the
    // cores the small queries leave idle are used.
    let ((same_count, same_list), (copied, shared)) = rayon::join(
        || {
            rayon::join(
                || same_every_time(&df, records, "present_given", ProblemKind::SameCount),
                || same_every_time(&df, records, "attendee_count", ProblemKind::SameList),
            )
        },
        || rayon::join(|| copied_topics(&df, records), || shared_topics(&df, records)),
    );
    let mut out = same_count?;
    out.extend(same_list?);
    out.extend(copied?);
    out.extend(shared?);
    Ok(out)
}

/// A topic as compared here: [`topic_key`] (no spaces or punctuation) less its date words
/// (`2024年`, `3月`, `三月份`, `5日`, `第一季度`, `上半年` …). Walks the text once, on `&str`
/// prefixes: it runs for every counted activity of a province.
pub fn topic_core(topic: &str) -> String {
    let key = topic_key(topic);
    let mut out = String::with_capacity(key.len());
    let mut rest = key.as_str();
    while let Some(c) = rest.chars().next() {
        if let Some(word) = HALF_WORDS.iter().find(|w| rest.starts_with(*w)) {
            rest = &rest[word.len()..];
            continue;
        }
        let number = rest.strip_prefix('第').unwrap_or(rest);
        let digits = number.find(|c| !is_numeral(c)).unwrap_or(number.len());
        if digits > 0
            && let Some(unit) = DATE_UNITS.iter().find(|u| number[digits..].starts_with(*u))
        {
            rest = &number[digits + unit.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Date words that stand alone.
const HALF_WORDS: [&str; 5] = ["上半年", "下半年", "上旬", "中旬", "下旬"];
/// Units after a number that make it a date word, longest first.
const DATE_UNITS: [&str; 7] = ["年度", "月份", "季度", "年", "月", "日", "号"];

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "〇零一二三四五六七八九十两".contains(c)
}

/// The counted activities, by branch and date, with what the frames leave out: the given
/// 实到, the number of names in the attendee list (null when none: lists of a number are
/// compared name by name only where all of a group's are as long, [`same_lists`]) and the
/// compared topic (null when empty). What a warning shows (the list, the topic as written)
/// is read from the `record` of the activities it names, not made for every activity:
/// sorting a province's million names as text was a fifth of the plausibility checks.
fn counted_with_details(frames: &Frames, records: &[Record]) -> PolarsResult<DataFrame> {
    let df = frames
        .counted()
        .select([
            col("branch"),
            col("branch_ix"),
            col("type"),
            col("date"),
            col("month"),
            col("record"),
            col("source_file"),
            col("source_sheet"),
            col("source_row"),
        ])
        .sort(
            ["branch_ix", "date"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    let recs: Vec<&Record> = ints(&df, "record")?
        .into_iter()
        .map(|i| &records[i.unwrap_or(0) as usize])
        .collect();
    let present: Vec<Option<u32>> = recs.iter().map(|r| r.present_given).collect();
    let listed: Vec<Option<u32>> = recs
        .iter()
        .map(|r| Some(r.attendees.len() as u32).filter(|&n| n > 0))
        .collect();
    // A province's fifty thousand topic cores, built on every core.
    let topics: Vec<Option<String>> = recs
        .par_iter()
        .map(|r| Some(topic_core(&r.topic)).filter(|t| !t.is_empty()))
        .collect();
    let mut df = df;
    df.with_column(Column::new("present_given".into(), present))?;
    df.with_column(Column::new("attendee_count".into(), listed))?;
    df.with_column(Column::new("topic_core".into(), topics))?;
    Ok(df)
}

fn sorted_names(names: &Names) -> Vec<&str> {
    let mut names: Vec<&str> = names.iter().collect();
    names.sort_unstable();
    names
}

/// An attendee list as a warning shows it: the names sorted, joined with `、`.
fn attendee_text(names: &Names) -> String {
    sorted_names(names).join("、")
}

/// Whether the lists are the same names, in any order.
fn same_lists<'a>(lists: impl IntoIterator<Item = &'a Names>) -> bool {
    let mut lists = lists.into_iter().map(sorted_names);
    let first = lists.next();
    lists.all(|l| Some(l) == first)
}

/// The record of the first activity of each found row (`first`).
fn first_records(found: &DataFrame) -> PolarsResult<Vec<usize>> {
    Ok(ints(found, "first")?
        .into_iter()
        .map(|i| i.unwrap_or(0) as usize)
        .collect())
}

/// A topic as a warning shows it: as written in the first activity, trimmed.
fn topic_shown(records: &[Record], first: usize) -> String {
    records[first].topic.trim().to_string()
}

/// Where a pattern's warning points: the first activity's file and sheet, and its record
/// (`first`), which the warning's texts are read from.
fn first_source() -> [Expr; 3] {
    [
        col("source_file").first().alias("file"),
        col("source_sheet").first().alias("sheet"),
        col("record").first().alias("first"),
    ]
}

/// A list-of-text column, each list joined with `、`.
fn joined(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    let lists = df.column(name)?.list()?.clone();
    (0..lists.len())
        .map(|i| lists.get_as_series(i))
        .map(|l| {
            let Some(l) = l else { return Ok(String::new()) };
            let l = l.cast(&DataType::String)?;
            Ok(l.str()?.iter().flatten().collect::<Vec<_>>().join("、"))
        })
        .collect()
}

fn label(code: &str) -> &'static str {
    ActivityType::from_code(code).map(|t| t.label()).unwrap_or("其他")
}

/// `value` is the same at every activity of a type of a branch (≥ [`SAME_EVERY_TIME_MIN`]);
/// for [`ProblemKind::SameList`] `value` is the lists' length, and the lists found as long
/// are then compared name by name.
fn same_every_time(df: &DataFrame, records: &[Record], value: &str, kind: ProblemKind) -> PolarsResult<Vec<Problem>> {
    let [file, sheet, first] = first_source();
    let found = df
        .clone()
        .lazy()
        .group_by_stable([col("branch"), col("type")])
        .agg([
            len().cast(DataType::Int64).alias("n"),
            col(value).null_count().cast(DataType::Int64).alias("nulls"),
            col(value).n_unique().cast(DataType::Int64).alias("values"),
            col(value).first().cast(DataType::String).alias("value"),
            col("date").min().cast(DataType::String).alias("from"),
            col("date").max().cast(DataType::String).alias("to"),
            file,
            sheet,
            first,
            col("record").alias("records"),
        ])
        .filter(
            col("n")
                .gt_eq(lit(SAME_EVERY_TIME_MIN as i64))
                .and(col("nulls").eq(lit(0i64)))
                .and(col("values").eq(lit(1i64))),
        )
        .collect()?;
    let n = ints(&found, "n")?;
    let firsts = first_records(&found)?;
    let same = match kind {
        ProblemKind::SameList => group_records(&found)?
            .iter()
            .map(|which| same_lists(which.iter().map(|&i| &records[i].attendees)))
            .collect(),
        _ => vec![true; found.height()],
    };
    let rows = strs(&found, "branch")?
        .into_iter()
        .zip(strs(&found, "type")?)
        .zip(strs(&found, "value")?)
        .zip(strs(&found, "from")?.into_iter().zip(strs(&found, "to")?))
        .zip(strs(&found, "file")?.into_iter().zip(strs(&found, "sheet")?));
    Ok(rows
        .zip(n)
        .zip(firsts)
        .zip(same)
        .filter(|(_, same)| *same)
        .map(|(((row, n), first), _)| {
            let ((((branch, ty), v), (from, to)), (file, sheet)) = row;
            let n = n.unwrap_or(0);
            let (what, v) = match kind {
                ProblemKind::SameCount => (format!("实到人数均为 {v} 人"), v),
                _ => {
                    let list = attendee_text(&records[first].attendees);
                    (format!("参会名单完全相同（{list}）"), list)
                }
            };
            let reason = format!("{from} 至 {to} 的 {n} 次{}{what}，请说明", label(&ty));
            Problem::new(kind, &file, reason).sheet(&sheet).branch(&branch).raw(v)
        })
        .collect())
}

/// The records of each found row's activities (`records`).
fn group_records(found: &DataFrame) -> PolarsResult<Vec<Vec<usize>>> {
    let lists = found.column("records")?.list()?.clone();
    (0..lists.len())
        .map(|i| {
            let Some(l) = lists.get_as_series(i) else {
                return Ok(Vec::new());
            };
            let l = l.cast(&DataType::Int64)?;
            Ok(l.i64()?.iter().flatten().map(|i| i as usize).collect())
        })
        .collect()
}

/// One topic in ≥ [`COPIED_TOPIC_MONTHS`] months of one branch.
fn copied_topics(df: &DataFrame, records: &[Record]) -> PolarsResult<Vec<Problem>> {
    let [file, sheet, first] = first_source();
    let found = df
        .clone()
        .lazy()
        .filter(col("topic_core").is_not_null())
        .group_by_stable([col("branch"), col("topic_core")])
        .agg([
            col("month").n_unique().cast(DataType::Int64).alias("months"),
            col("month").unique_stable().alias("which"),
            file,
            sheet,
            first,
        ])
        .filter(col("months").gt_eq(lit(COPIED_TOPIC_MONTHS as i64)))
        .collect()?;
    let topics = first_records(&found)?.into_iter().map(|i| topic_shown(records, i));
    let rows = strs(&found, "branch")?
        .into_iter()
        .zip(topics)
        .zip(ints(&found, "months")?.into_iter().zip(joined(&found, "which")?))
        .zip(strs(&found, "file")?.into_iter().zip(strs(&found, "sheet")?));
    Ok(rows
        .map(|(((branch, topic), (months, which)), (file, sheet))| {
            let reason = format!(
                "会议主题「{topic}」在 {} 个月份重复出现（{which}），请说明",
                months.unwrap_or(0)
            );
            Problem::new(ProblemKind::CopiedTopic, &file, reason)
                .sheet(&sheet)
                .branch(&branch)
                .raw(topic)
        })
        .collect())
}

/// Branches of one topic and month beyond which the topic reads as one the higher level
/// assigned to all (统一学习主题): one warning for the group instead of one per branch, so a
/// province's shared themes do not become tens of thousands of lines.
pub const SHARED_TOPIC_PER_BRANCH: u32 = 10;

/// One topic in one month of ≥ [`SHARED_TOPIC_BRANCHES`] branches: a warning per branch
/// (naming the others) when at most [`SHARED_TOPIC_PER_BRANCH`] share it, else one for the
/// group naming the first of them and how many.
fn shared_topics(df: &DataFrame, records: &[Record]) -> PolarsResult<Vec<Problem>> {
    let with_topic = df.clone().lazy().filter(col("topic_core").is_not_null());
    let [file, sheet, first] = first_source();
    let groups = with_topic
        .clone()
        .group_by_stable([col("month"), col("topic_core")])
        .agg([
            col("branch").n_unique().cast(DataType::Int64).alias("branches"),
            col("branch")
                .unique_stable()
                .head(Some(SHARED_TOPIC_PER_BRANCH as usize))
                .alias("which"),
            file.clone(),
            sheet.clone(),
            first.clone(),
        ])
        .filter(col("branches").gt_eq(lit(SHARED_TOPIC_BRANCHES as i64)));
    let few = col("branches").lt_eq(lit(SHARED_TOPIC_PER_BRANCH as i64));
    let per_branch = with_topic
        .join(
            groups
                .clone()
                .filter(few.clone())
                .select([col("month"), col("topic_core"), col("branches"), col("which")]),
            [col("month"), col("topic_core")],
            [col("month"), col("topic_core")],
            // The activities' own order (branch, date), so the first source and the
            // warnings' order do not depend on the hash join's threads.
            JoinArgs {
                maintain_order: MaintainOrderJoin::Left,
                ..JoinArgs::new(JoinType::Inner)
            },
        )
        .group_by_stable([col("month"), col("topic_core"), col("branch")])
        .agg([col("branches").first(), col("which").first(), file, sheet, first])
        .collect()?;
    let mut out = shared_topic_problems(&per_branch, records, true)?;
    out.extend(shared_topic_problems(
        &groups.filter(few.not()).collect()?,
        records,
        false,
    )?);
    Ok(out)
}

/// The warnings of [`shared_topics`]: per branch (a `branch` column) or per group.
fn shared_topic_problems(found: &DataFrame, records: &[Record], per_branch: bool) -> PolarsResult<Vec<Problem>> {
    let topics = first_records(found)?.into_iter().map(|i| topic_shown(records, i));
    let branches = if per_branch {
        strs(found, "branch")?
    } else {
        vec![String::new(); found.height()]
    };
    let rows = branches
        .into_iter()
        .zip(strs(found, "month")?.into_iter().zip(topics))
        .zip(ints(found, "branches")?.into_iter().zip(joined(found, "which")?))
        .zip(strs(found, "file")?.into_iter().zip(strs(found, "sheet")?));
    Ok(rows
        .map(|(((branch, (month, topic)), (n, which)), (file, sheet))| {
            let n = n.unwrap_or(0);
            let reason = if per_branch {
                format!("{month} 有 {n} 个支部的会议主题同为「{topic}」（{which}），请说明")
            } else {
                format!(
                    "{month} 有 {n} 个支部的会议主题同为「{topic}」（{which}等），多为统一安排的学习主题，请核实各支部是否各自开展了活动"
                )
            };
            let p = Problem::new(ProblemKind::SharedTopic, &file, reason)
                .sheet(&sheet)
                .raw(topic);
            if branch.is_empty() { p } else { p.branch(&branch) }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_words_are_not_the_topic() {
        assert_eq!(topic_core("2024年3月主题党日"), "主题党日");
        assert_eq!(topic_core("三月份 支委会：研究工作"), "支委会研究工作");
        assert_eq!(topic_core("第一季度党员大会"), "党员大会");
        assert_eq!(topic_core("2024年度民主评议"), "民主评议");
        assert_eq!(topic_core("学习二十大精神（5日）"), "学习二十大精神");
        assert_eq!(topic_core("上半年工作总结"), "工作总结");
        assert_eq!(topic_core("3月"), "");
        assert_eq!(topic_core("学习第一议题"), "学习第一议题");
        assert_eq!(topic_core("第第3月份学习"), "第学习");
        assert_eq!(topic_core("第十年度"), "");
    }

    #[test]
    fn lists_as_long_are_compared_name_by_name_in_any_order() {
        let names = |list: &str| list.split('、').collect::<Names>();
        let lists = [names("张三、李四"), names("李四、张三"), names("张三、王五")];
        assert!(same_lists(&lists[..2]));
        assert!(!same_lists(&lists));
        let twice = [names("张三、李四、李四"), names("张三、张三、李四")];
        assert!(!same_lists(&twice), "a name listed twice counts twice");
        assert_eq!(attendee_text(&lists[1]), "张三、李四");
    }

    /// The rule as first written, a char at a time: the walk on `&str` prefixes must agree.
    fn topic_core_by_chars(topic: &str) -> String {
        let chars: Vec<char> = topic_key(topic).chars().collect();
        let starts = |at: &[char], w: &str| at.starts_with(&w.chars().collect::<Vec<_>>());
        let (mut out, mut i) = (String::new(), 0);
        while i < chars.len() {
            if let Some(w) = HALF_WORDS.iter().find(|w| starts(&chars[i..], w)) {
                i += w.chars().count();
                continue;
            }
            let start = i + usize::from(chars[i] == '第');
            let mut j = start;
            while j < chars.len() && is_numeral(chars[j]) {
                j += 1;
            }
            if j > start
                && let Some(u) = DATE_UNITS.iter().find(|u| starts(&chars[j..], u))
            {
                i = j + u.chars().count();
                continue;
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn walk_on_prefixes_agrees_with_chars(
            topic in "[第上下中半年旬度月份季日号〇一二十两0-9学习 ，a]{0,16}"
        ) {
            proptest::prop_assert_eq!(topic_core(&topic), topic_core_by_chars(&topic));
        }
    }
}
