//! The member roster (党员名册, SPEC 3.2). In: the roster workbook as raw sheets. Out: the
//! branches (name, aliases, declared number of party groups, unit) and the members (name,
//! branch, party group, category), with problems for rows that cannot be used.

use super::branch::BranchMatcher;
use super::group_key;
use crate::ingest::{RawFile, RawSheet, Row, Value};
use crate::problems::{Problem, ProblemKind};
use crate::text::compact;
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Debug, PartialEq)]
pub struct BranchInfo {
    pub name: String,
    pub aliases: Vec<String>,
    pub declared_groups: Option<u32>,
    /// The unit it reports to (上级党组织), when the roster has the column.
    pub unit: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub branch: String,
    /// The group as the roster writes it.
    pub group: Option<String>,
    pub category: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roster {
    pub branches: Vec<BranchInfo>,
    pub members: Vec<Member>,
    /// The 支部 sheet has a 上级党组织 column: units group every output.
    pub has_units: bool,
}

/// Headers of the 支部 sheet's unit column (SPEC 3.2).
const UNIT_HEADERS: [&str; 6] = ["上级党组织", "所属党组织", "上级党委", "所属党委", "所属单位", "单位"];

/// The unit of a branch whose 上级党组织 cell is empty: its own group in every unit table, so
/// the units' sums still add up to the committee's.
pub const NO_UNIT: &str = "（未填上级党组织）";

impl Roster {
    /// Matches texts against the roster's branch names and aliases.
    pub fn matcher(&self) -> BranchMatcher {
        BranchMatcher::new(self.branches.iter().map(|b| (b.name.as_str(), b.aliases.as_slice())))
    }

    /// The unit of each branch, in roster order; None without units.
    pub fn units(&self) -> Option<Vec<(String, String)>> {
        self.has_units.then(|| {
            self.branches
                .iter()
                .map(|b| (b.name.clone(), b.unit.clone().unwrap_or_else(|| NO_UNIT.to_string())))
                .collect()
        })
    }

    /// G(b): the declared 党小组数, else the distinct groups of its members, else 1.
    pub fn group_count(&self, branch: &str) -> u32 {
        self.group_counts()
            .into_iter()
            .find(|(b, _)| b == branch)
            .map_or(1, |(_, g)| g)
    }

    /// G(b) of every branch, in roster order, from one pass over the members.
    pub fn group_counts(&self) -> Vec<(String, u32)> {
        let mut groups: HashMap<&str, BTreeSet<String>> = HashMap::new();
        for m in &self.members {
            if let Some(g) = m.group.as_deref() {
                groups.entry(m.branch.as_str()).or_default().insert(group_key(g));
            }
        }
        self.branches
            .iter()
            .map(|b| {
                let seen = groups.get(b.name.as_str()).map_or(0, BTreeSet::len) as u32;
                (b.name.clone(), b.declared_groups.unwrap_or(seen).max(1))
            })
            .collect()
    }
}

fn text(v: &Value) -> String {
    v.display().trim().to_string()
}

/// Finds the header row with the given labels; returns its index and each label's column.
fn find_columns(rows: &[Row], wanted: &[&[&str]]) -> Option<(usize, Vec<Option<usize>>)> {
    for (i, row) in rows.iter().enumerate().take(10) {
        let cols: Vec<Option<usize>> = wanted
            .iter()
            .map(|aliases| {
                row.cells
                    .iter()
                    .position(|v| aliases.contains(&compact(&text(v)).as_str()))
            })
            .collect();
        if cols[0].is_some() && cols[1].is_some() {
            return Some((i, cols));
        }
    }
    None
}

/// Reads a roster workbook: a sheet of branches (支部名称, 别名, 党小组数) and a sheet of
/// members (姓名, 所在支部, 党小组, 类别). Either may be missing; branches are then taken
/// from the members. In steps: each sheet read as members or branches, the members'
/// branches resolved through aliases, the branches only members name added.
pub fn parse(file: &RawFile) -> (Roster, Vec<Problem>) {
    let mut roster = Roster::default();
    let mut problems = Vec::new();
    for sheet in &file.sheets {
        if let Some((h, cols)) = member_columns(sheet) {
            read_members(file, sheet, h, &cols, &mut roster, &mut problems);
        } else if let Some((h, cols)) = branch_columns(sheet) {
            read_branches(sheet, h, &cols, &mut roster);
        }
    }
    resolve_member_branches(&mut roster);
    add_member_only_branches(file, &mut roster, &mut problems);
    if roster.branches.is_empty() {
        problems.push(Problem::new(
            ProblemKind::RosterEmpty,
            &file.rel_path,
            "名册中没有找到支部表（支部名称）或党员表（姓名、所在支部）",
        ));
    }
    (roster, problems)
}

/// A members sheet's header row and its 姓名, 所在支部, 党小组, 类别 columns.
fn member_columns(sheet: &RawSheet) -> Option<(usize, Vec<Option<usize>>)> {
    find_columns(
        &sheet.rows,
        &[
            &["姓名", "党员姓名"],
            &["所在支部", "支部", "党支部", "支部名称"],
            &["党小组", "所在党小组", "小组"],
            &["类别", "党员类别", "人员类别"],
        ],
    )
}

/// The members under the header row `h`; a member without a name or branch is left out,
/// with a problem.
fn read_members(
    file: &RawFile,
    sheet: &RawSheet,
    h: usize,
    cols: &[Option<usize>],
    roster: &mut Roster,
    problems: &mut Vec<Problem>,
) {
    for row in &sheet.rows[h + 1..] {
        let name = compact(&text(row.get(cols[0].unwrap_or(0))));
        let branch = text(row.get(cols[1].unwrap_or(0)));
        if name.is_empty() && branch.is_empty() {
            continue;
        }
        if name.is_empty() || branch.is_empty() {
            problems.push(
                Problem::new(
                    ProblemKind::RosterMember,
                    &file.rel_path,
                    "名册中的党员缺少姓名或所在支部，未计入",
                )
                .sheet(&sheet.name)
                .at(row.index, 0),
            );
            continue;
        }
        let group = cols[2].map(|c| text(row.get(c))).filter(|g| !g.is_empty());
        let category = cols[3].map(|c| text(row.get(c))).unwrap_or_default();
        roster.members.push(Member {
            name,
            branch,
            group,
            category,
        });
    }
}

/// A branches sheet's header row and its 支部名称, (别名), 党小组数 columns.
fn branch_columns(sheet: &RawSheet) -> Option<(usize, Vec<Option<usize>>)> {
    find_columns(
        &sheet.rows,
        &[
            &["支部名称", "支部", "党支部", "党支部名称"],
            &["别名", "简称", "党小组数", "党小组个数"],
            &["党小组数", "党小组个数"],
        ],
    )
    .or_else(|| {
        find_columns(
            &sheet.rows,
            &[&["支部名称", "党支部名称"], &["支部名称", "党支部名称"], &["党小组数"]],
        )
    })
}

/// The branches under the header row `h`: name, aliases, declared group count, unit.
fn read_branches(sheet: &RawSheet, h: usize, cols: &[Option<usize>], roster: &mut Roster) {
    let column = |names: &[&str]| {
        sheet.rows[h]
            .cells
            .iter()
            .position(|v| names.contains(&compact(&text(v)).as_str()))
    };
    let alias_col = column(&["别名", "简称"]);
    let unit_col = column(&UNIT_HEADERS);
    roster.has_units |= unit_col.is_some();
    for row in &sheet.rows[h + 1..] {
        let name = compact(&text(row.get(cols[0].unwrap_or(0))));
        if name.is_empty() {
            continue;
        }
        let aliases = alias_col
            .map(|c| {
                text(row.get(c))
                    .split(|ch: char| "、,，;；/".contains(ch))
                    .map(compact)
                    .filter(|a| !a.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let declared_groups = cols[2].and_then(|c| match row.get(c) {
            Value::Number(n) if *n >= 0.0 => Some(*n as u32),
            Value::Text(t) => t.trim().parse().ok(),
            _ => None,
        });
        // Units are matched like branch names: spaces and full-width forms do not count.
        let unit = unit_col.map(|c| compact(&text(row.get(c)))).filter(|u| !u.is_empty());
        roster.branches.push(BranchInfo {
            name,
            aliases,
            declared_groups,
            unit,
        });
    }
}

/// A member's 所在支部 may be written as the branch's alias (民二庭党支部): the member
/// belongs to the named branch, not to a new one.
fn resolve_member_branches(roster: &mut Roster) {
    let by_alias: std::collections::HashMap<String, String> = roster
        .branches
        .iter()
        .flat_map(|b| {
            b.aliases
                .iter()
                .chain(std::iter::once(&b.name))
                .map(|a| (compact(a), b.name.clone()))
        })
        .collect();
    for m in &mut roster.members {
        if let Some(name) = by_alias.get(&compact(&m.branch)) {
            m.branch = name.clone();
        }
    }
}

/// The branches only the members name become branches too (sorted, after the listed ones),
/// with a problem when there is a branches sheet they are missing from.
fn add_member_only_branches(file: &RawFile, roster: &mut Roster, problems: &mut Vec<Problem>) {
    let known: BTreeSet<String> = roster.branches.iter().map(|b| b.name.clone()).collect();
    let mut extra: Vec<String> = roster
        .members
        .iter()
        .map(|m| m.branch.clone())
        .filter(|b| !known.contains(b))
        .collect();
    extra.sort();
    extra.dedup();
    if !known.is_empty() && !extra.is_empty() {
        problems.push(Problem::new(
            ProblemKind::RosterBranch,
            &file.rel_path,
            format!("名册党员所在支部不在支部表中：{}（已作为支部加入）", extra.join("、")),
        ));
    }
    for name in extra {
        roster.branches.push(BranchInfo {
            name,
            aliases: Vec::new(),
            declared_groups: None,
            unit: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{RawSheet, Row};

    fn row(index: u32, cells: &[&str]) -> Row {
        Row {
            index,
            cells: cells.iter().map(|s| Value::Text(s.to_string())).collect(),
            merged: Vec::new(),
        }
    }

    #[test]
    fn members_written_with_a_branch_alias_belong_to_the_branch() {
        let file = RawFile {
            rel_path: "名册.xlsx".into(),
            sheets: vec![
                RawSheet {
                    name: "支部".into(),
                    position: 0,
                    rows: vec![
                        row(0, &["支部名称", "别名", "党小组数"]),
                        row(1, &["民事审判第二党支部", "民二庭党支部、民二庭", "2"]),
                    ],
                },
                RawSheet {
                    name: "党员".into(),
                    position: 1,
                    rows: vec![
                        row(0, &["姓名", "所在支部", "党小组", "类别"]),
                        row(1, &["张三", "民二庭", "第一党小组", "正式党员"]),
                        row(2, &["李四", "民事审判第二党支部", "第二党小组", "预备党员"]),
                    ],
                },
            ],
            notes: Vec::new(),
        };
        let (roster, problems) = parse(&file);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(roster.branches.len(), 1);
        assert!(roster.members.iter().all(|m| m.branch == "民事审判第二党支部"));
        assert_eq!(roster.group_count("民事审判第二党支部"), 2);
    }
}
