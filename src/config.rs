//! The plan (SPEC 3.3) and the alias tables. In: an optional plan.toml text. Out: a
//! validated [`Plan`]: requirements with cadence and minimum, committee-wide targets, the
//! member-attendance threshold, extra header and type aliases, excluded branches and start
//! dates. With no file the national defaults apply.

use crate::vocab::{ActivityType, Field};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// How often a requirement falls due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cadence {
    Month,
    Quarter,
    Year,
}

impl Cadence {
    pub fn code(self) -> &'static str {
        match self {
            Cadence::Month => "month",
            Cadence::Quarter => "quarter",
            Cadence::Year => "year",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Cadence::Month => "每月",
            Cadence::Quarter => "每季度",
            Cadence::Year => "每年",
        }
    }
}

/// Whether a minimum is per branch or per party group of the branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    Branch,
    Group,
}

/// One rule: at least `minimum` activities of `activity` per period (per group if `per`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Requirement {
    pub activity: ActivityType,
    pub cadence: Cadence,
    pub minimum: u32,
    pub per: Per,
}

/// A committee-wide yearly target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub activity: ActivityType,
    pub activities: Option<u32>,
    pub person_times: Option<u32>,
}

/// The validated plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub requirements: Vec<Requirement>,
    pub targets: Vec<Target>,
    pub attendance_threshold: f64,
    /// Extra header aliases, by field.
    pub header_aliases: Vec<(Field, String)>,
    /// Extra activity-type aliases.
    pub type_aliases: Vec<(ActivityType, String)>,
    /// Header texts never taken for any field (`[ignore_headers] headers = [...]`).
    pub ignore_headers: Vec<String>,
    /// Branches left out of every figure.
    pub exclude_branches: Vec<String>,
    /// Branches founded mid-year: periods ending before this date are not due.
    pub branch_start: BTreeMap<String, NaiveDate>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan::from_toml(DEFAULT_PLAN).expect("the built-in plan is valid")
    }
}

/// The default plan.toml, printed by `plan --init`.
pub const DEFAULT_PLAN: &str = r#"# branchstat 计划文件（plan.toml）
# 不提供本文件时即按下列默认值（党支部工作的全国性规定）统计。

# 党员参与率预警线：参与率低于此值的党员列入预警名单。
attendance_threshold = 0.8

# 制度要求：type 为活动类型代码；cadence 为 month（每月）、quarter（每季度）或 year（每年）；
# minimum 为每期最少次数；per = "group" 表示按党小组个数计（每个党小组各需 minimum 次）。
[[requirement]]
type = "member_meeting"      # 支部党员大会
cadence = "quarter"
minimum = 1

[[requirement]]
type = "committee_meeting"   # 支部委员会
cadence = "month"
minimum = 1

[[requirement]]
type = "group_meeting"       # 党小组会
cadence = "month"
minimum = 1
per = "group"

[[requirement]]
type = "party_lecture"       # 党课
cadence = "quarter"
minimum = 1

[[requirement]]
type = "theme_day"           # 主题党日
cadence = "month"
minimum = 1

# 全委年度目标（全部支部合计）。
[targets]
political_study = { activities = 20 }
integrity_education = { activities = 10, person_times = 500 }

# 表头和活动类型的补充别名，例如：
# [aliases.headers]
# 日期 = ["开展日期"]
# [aliases.types]
# theme_day = ["党日活动"]

# 不作为任何字段读取的表头（例如平台导出的计划时间列）：
# [ignore_headers]
# headers = ["计划会议时间"]

# 不参加统计的支部；年中成立的支部只考核成立之后的期间：
# exclude_branches = ["某某党支部"]
# [branch_start]
# "某某党支部" = "2024-07-01"
"#;

/// A plan.toml mistake, naming the line where it can.
#[derive(Debug, Error)]
pub enum PlanError {
    #[error("plan.toml 格式错误：{0}")]
    Syntax(String),
    #[error("plan.toml 第 {line} 行：{message}")]
    Invalid { line: usize, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    attendance_threshold: Option<f64>,
    #[serde(default)]
    requirement: Option<Vec<RawRequirement>>,
    #[serde(default)]
    targets: BTreeMap<String, RawTarget>,
    #[serde(default)]
    aliases: RawAliases,
    #[serde(default)]
    ignore_headers: RawIgnore,
    #[serde(default)]
    exclude_branches: Vec<String>,
    #[serde(default)]
    branch_start: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    #[serde(rename = "type")]
    activity: String,
    cadence: String,
    minimum: i64,
    per: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    activities: Option<i64>,
    person_times: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAliases {
    #[serde(default)]
    headers: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    types: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    #[serde(default)]
    headers: Vec<String>,
}

fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle) && !l.trim_start().starts_with('#'))
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or(0)
}

fn type_code(text: &str, code: &str) -> Result<ActivityType, PlanError> {
    ActivityType::from_code(code).ok_or_else(|| PlanError::Invalid {
        line: line_of(text, code, 0),
        message: format!(
            "未知的活动类型「{code}」，可用：{}",
            ActivityType::ALL.map(|t| t.code()).join("、")
        ),
    })
}

impl Plan {
    /// Parses and validates plan.toml text. Unset parts keep their defaults. In steps, each
    /// part read and checked in file order, the first error (with its line) returned.
    pub fn from_toml(text: &str) -> Result<Plan, PlanError> {
        let text = &quote_bare_keys(text);
        let raw = parse_raw(text)?;
        let attendance_threshold = attendance_threshold(text, raw.attendance_threshold)?;
        let requirements = requirements(text, raw.requirement)?;
        let targets = targets(text, raw.targets)?;
        let header_aliases = header_aliases(text, raw.aliases.headers)?;
        let type_aliases = type_aliases(text, raw.aliases.types)?;
        let branch_start = branch_start(text, raw.branch_start)?;
        Ok(Plan {
            requirements,
            targets,
            attendance_threshold,
            header_aliases,
            type_aliases,
            ignore_headers: raw.ignore_headers.headers,
            exclude_branches: raw.exclude_branches,
            branch_start,
        })
    }
}

/// The TOML as [`RawPlan`], or the error with its line when TOML gives a place.
fn parse_raw(text: &str) -> Result<RawPlan, PlanError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        match line {
            Some(line) => PlanError::Invalid {
                line,
                message: e.message().to_string(),
            },
            None => PlanError::Syntax(e.to_string()),
        }
    })
}

/// `attendance_threshold`: 0.8 when unset, else between 0 and 1.
fn attendance_threshold(text: &str, given: Option<f64>) -> Result<f64, PlanError> {
    let threshold = given.unwrap_or(0.8);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(PlanError::Invalid {
            line: line_of(text, "attendance_threshold", 0),
            message: "attendance_threshold 应在 0 到 1 之间".into(),
        });
    }
    Ok(threshold)
}

/// The `[[requirement]]` list: the defaults when there is none, none when the file has the
/// table but empty.
fn requirements(text: &str, given: Option<Vec<RawRequirement>>) -> Result<Vec<Requirement>, PlanError> {
    match given {
        None if text.contains("[[requirement]]") => Ok(Vec::new()),
        None => Ok(default_requirements()),
        Some(list) => list
            .into_iter()
            .enumerate()
            .map(|(i, r)| requirement(text, i, r))
            .collect(),
    }
}

/// The `i`-th `[[requirement]]`: a known type, cadence month, quarter or year, a minimum not
/// negative, per branch (the default) or group.
fn requirement(text: &str, i: usize, r: RawRequirement) -> Result<Requirement, PlanError> {
    let line = line_of(text, "[[requirement]]", i);
    let activity = type_code(text, &r.activity)?;
    let cadence = match r.cadence.as_str() {
        "month" => Cadence::Month,
        "quarter" => Cadence::Quarter,
        "year" => Cadence::Year,
        other => {
            return Err(PlanError::Invalid {
                line: line_of(text, other, 0).max(line),
                message: format!("cadence「{other}」无效，应为 month、quarter 或 year"),
            });
        }
    };
    if r.minimum < 0 {
        return Err(PlanError::Invalid {
            line: line_of(text, "minimum", i).max(line),
            message: format!("minimum 不能为负数（{}）", r.minimum),
        });
    }
    let per = match r.per.as_deref() {
        None | Some("branch") => Per::Branch,
        Some("group") => Per::Group,
        Some(other) => {
            return Err(PlanError::Invalid {
                line: line_of(text, other, 0).max(line),
                message: format!("per「{other}」无效，应为 branch 或 group"),
            });
        }
    };
    Ok(Requirement {
        activity,
        cadence,
        minimum: r.minimum as u32,
        per,
    })
}

/// `[targets.<type>]`: committee-wide yearly targets, not negative, in type order.
fn targets(text: &str, given: BTreeMap<String, RawTarget>) -> Result<Vec<Target>, PlanError> {
    let mut targets = Vec::new();
    for (code, t) in given {
        let activity = type_code(text, &code)?;
        for v in [t.activities, t.person_times].into_iter().flatten() {
            if v < 0 {
                return Err(PlanError::Invalid {
                    line: line_of(text, &code, 0),
                    message: "目标不能为负数".into(),
                });
            }
        }
        targets.push(Target {
            activity,
            activities: t.activities.map(|v| v as u32),
            person_times: t.person_times.map(|v| v as u32),
        });
    }
    targets.sort_by_key(|t| t.activity);
    Ok(targets)
}

/// `[aliases.headers]`: each field (by its label or a built-in alias) with the extra names.
fn header_aliases(text: &str, given: BTreeMap<String, Vec<String>>) -> Result<Vec<(Field, String)>, PlanError> {
    let mut header_aliases = Vec::new();
    for (label, aliases) in given {
        let field = Field::from_label(&label)
            .or_else(|| {
                Field::ALL
                    .into_iter()
                    .find(|f| f.builtin_aliases().contains(&label.as_str()))
            })
            .ok_or_else(|| PlanError::Invalid {
                line: line_of(text, &label, 0),
                message: format!(
                    "未知的表头「{label}」，可用：{}",
                    Field::ALL.map(|f| f.label()).join("、")
                ),
            })?;
        header_aliases.extend(aliases.into_iter().map(|a| (field, a)));
    }
    Ok(header_aliases)
}

/// `[aliases.types]`: each type code with the extra names.
fn type_aliases(text: &str, given: BTreeMap<String, Vec<String>>) -> Result<Vec<(ActivityType, String)>, PlanError> {
    let mut type_aliases = Vec::new();
    for (code, aliases) in given {
        let activity = type_code(text, &code)?;
        type_aliases.extend(aliases.into_iter().map(|a| (activity, a)));
    }
    Ok(type_aliases)
}

/// `[branch_start]`: branch → the date (2024-07-01) it started from.
fn branch_start(text: &str, given: BTreeMap<String, String>) -> Result<BTreeMap<String, NaiveDate>, PlanError> {
    let mut branch_start = BTreeMap::new();
    for (branch, date) in given {
        let d = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| PlanError::Invalid {
            line: line_of(text, &date, 0),
            message: format!("日期「{date}」应写作 2024-07-01"),
        })?;
        branch_start.insert(branch, d);
    }
    Ok(branch_start)
}

/// TOML wants `"日期" = […]` quoted; users (and `plan --init`'s example) write `日期 = […]`.
/// Quotes a bare key holding non-ASCII text, line by line, so line numbers stay true.
fn quote_bare_keys(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            match body.split_once('=') {
                Some((key, rest))
                    if !body.starts_with(['#', '[', '"', '\''])
                        && !key.trim().is_empty()
                        && !key.is_ascii()
                        && !key.contains(['"', '\'', '.']) =>
                {
                    format!("{indent}\"{}\" ={rest}", key.trim())
                }
                _ => line.to_string(),
            }
        })
        .collect()
}

fn default_requirements() -> Vec<Requirement> {
    use ActivityType::*;
    [
        (MemberMeeting, Cadence::Quarter, Per::Branch),
        (CommitteeMeeting, Cadence::Month, Per::Branch),
        (GroupMeeting, Cadence::Month, Per::Group),
        (PartyLecture, Cadence::Quarter, Per::Branch),
        (ThemeDay, Cadence::Month, Per::Branch),
    ]
    .into_iter()
    .map(|(activity, cadence, per)| Requirement {
        activity,
        cadence,
        minimum: 1,
        per,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_plan_is_the_national_rules() {
        let plan = Plan::default();
        assert_eq!(plan.requirements, default_requirements());
        assert_eq!(plan.attendance_threshold, 0.8);
        assert_eq!(plan.targets.len(), 2);
        assert_eq!(Plan::from_toml("").unwrap().requirements, default_requirements());
    }

    #[test]
    fn errors_name_the_line() {
        let bad =
            "attendance_threshold = 0.8\n[[requirement]]\ntype = \"tea_party\"\ncadence = \"month\"\nminimum = 1\n";
        let e = Plan::from_toml(bad).unwrap_err().to_string();
        assert!(e.contains("第 3 行") && e.contains("tea_party"), "{e}");
        let bad = "[[requirement]]\ntype = \"theme_day\"\ncadence = \"weekly\"\nminimum = 1\n";
        assert!(Plan::from_toml(bad).unwrap_err().to_string().contains("第 3 行"));
        let bad = "[[requirement]]\ntype = \"theme_day\"\ncadence = \"month\"\nminimum = -1\n";
        let e = Plan::from_toml(bad).unwrap_err().to_string();
        assert!(e.contains("第 4 行") && e.contains("负数"), "{e}");
        assert!(Plan::from_toml("attendance_threshold = 2").is_err());
        assert!(
            Plan::from_toml("colour = 1")
                .unwrap_err()
                .to_string()
                .contains("第 1 行")
        );
    }

    #[test]
    fn aliases_exclusions_and_start_dates() {
        let text = "exclude_branches = [\"甲党支部\"]\n[aliases.headers]\n日期 = [\"开展日期\"]\n[aliases.types]\ntheme_day = [\"党日活动\"]\n[branch_start]\n\"乙党支部\" = \"2024-07-01\"\n";
        let plan = Plan::from_toml(text).unwrap();
        assert_eq!(plan.header_aliases, vec![(Field::Date, "开展日期".to_string())]);
        assert_eq!(
            plan.type_aliases,
            vec![(ActivityType::ThemeDay, "党日活动".to_string())]
        );
        assert_eq!(plan.exclude_branches, vec!["甲党支部"]);
        assert_eq!(
            plan.branch_start["乙党支部"],
            NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()
        );
    }
}
