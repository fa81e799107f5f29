//! summary_<year>.md: the summary paragraphs in the formal Chinese of a Party committee's
//! annual report, ready to paste into a Word document. In: the analysis. Out: a structured
//! [`Summary`] (title, numbered sections, paragraphs), rendered here as Markdown and by
//! report_docx.rs as the text of 报告_<year>.docx.
//!
//! Every figure is read from metrics.json's struct (`a.figures.metrics`), so the text never
//! says something the JSON does not; the only other numbers are the problem counts by
//! severity (the rows of issues.csv) and the plan's own threshold. With `--as-of` before
//! 31 December the text says 截至… instead of 全年.

use super::Exporter;
use super::charts::requirement_label;
use crate::metrics::Metrics;
use crate::pipeline::Analysis;
use crate::problems::Severity;
use crate::vocab::ActivityType;
use anyhow::Result;
use chrono::Datelike;
use std::path::Path;

pub struct SummaryMarkdown;

pub use super::format::{cn_date, pct, period_text};

fn activities(m: &Metrics, t: ActivityType) -> i64 {
    m.totals.get(&t).map_or(0, |v| v.activities)
}

fn person_times(m: &Metrics, t: ActivityType) -> i64 {
    m.totals.get(&t).map_or(0, |v| v.person_times)
}

/// Which part of the summary a section is; the report puts its tables and figures after
/// the part they belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Activities,
    Rules,
    Members,
    DataQuality,
}

/// One numbered section: its heading (`一、组织生活开展情况`) and paragraphs.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    pub part: Part,
    pub heading: String,
    pub paragraphs: Vec<String>,
}

/// The summary as a structured document, rendered as Markdown (summary_<year>.md) and as
/// the report's text (报告_<year>.docx), so the two never disagree.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub title: String,
    /// The paragraphs before the first section.
    pub intro: Vec<String>,
    pub sections: Vec<Section>,
}

impl Summary {
    /// The Markdown text: `#` title, `##` section headings, a blank line between blocks.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.title);
        for p in &self.intro {
            out.push_str(&format!("{p}\n\n"));
        }
        for s in &self.sections {
            out.push_str(&format!("## {}\n\n", s.heading));
            for p in &s.paragraphs {
                out.push_str(&format!("{p}\n\n"));
            }
        }
        out.truncate(out.trim_end_matches('\n').len());
        out.push('\n');
        out
    }
}

/// `全年` for a whole year, else `截至2024年6月30日，`.
fn lead(a: &Analysis) -> String {
    let as_of = a.settings.as_of;
    if as_of.month() == 12 && as_of.day() == 31 {
        "全年".to_string()
    } else {
        format!("截至{}，", cn_date(as_of))
    }
}

/// The summary of a run.
pub fn build(a: &Analysis) -> Summary {
    let m = &a.figures.metrics;
    let year = m.year;
    let intro = format!(
        "本统计依据{}个党支部报送的{}年活动台账，统计期间为{}年1月1日至{}。",
        m.branches.len(),
        year,
        year,
        cn_date(a.settings.as_of).trim_start_matches(&format!("{year}年"))
    );
    let section = |part, heading: &str, paragraphs| Section {
        part,
        heading: heading.to_string(),
        paragraphs,
    };
    let mut activities = vec![activities_paragraph(a)];
    activities.extend(super::change::year_on_year(m));
    activities.extend(targets_paragraph(m));
    Summary {
        title: format!("{year}年度党支部组织生活情况统计"),
        intro: vec![intro],
        sections: vec![
            section(Part::Activities, "一、组织生活开展情况", activities),
            section(
                Part::Rules,
                "二、制度执行情况",
                std::iter::once(rules_paragraph(a)).chain(units_paragraph(m)).collect(),
            ),
            section(Part::Members, "三、党员参与情况", vec![members_paragraph(a)]),
            section(Part::DataQuality, "四、数据质量情况", vec![data_paragraph(a)]),
        ],
    }
}

/// The summary text (summary_<year>.md).
pub fn render(a: &Analysis) -> String {
    build(a).to_markdown()
}

/// 一: how many activities of each type were held.
fn activities_paragraph(a: &Analysis) -> String {
    use ActivityType::*;
    let m = &a.figures.metrics;
    let n = |t| activities(m, t);
    let pt = |t| person_times(m, t);
    let mut p = format!(
        "{}共召开支部党员大会{}次，支部委员会{}次，党小组会{}次，上党课{}次；开展主题党日活动{}次",
        lead(a),
        n(MemberMeeting),
        n(CommitteeMeeting),
        n(GroupMeeting),
        n(PartyLecture),
        n(ThemeDay)
    );
    match m.coverage.requirements.get(&ThemeDay).copied() {
        Some(c) if c >= 1.0 => p.push_str("，各支部均做到每月开展主题党日"),
        Some(c) => p.push_str(&format!("，按每月一次的要求，主题党日达标率为{}", pct(c))),
        None => {}
    }
    p.push('。');
    p.push_str(&format!(
        "组织政治学习{}次，参学{}人次；开展廉政教育{}次，受教育{}人次。",
        n(PoliticalStudy),
        pt(PoliticalStudy),
        n(IntegrityEducation),
        pt(IntegrityEducation)
    ));
    let mut others = Vec::new();
    if n(OrgLifeMeeting) > 0 {
        others.push(format!("召开组织生活会{}次", n(OrgLifeMeeting)));
    }
    let held: Vec<String> = [
        DemocraticReview,
        VolunteerService,
        DisciplineInspection,
        SecretaryTraining,
    ]
    .into_iter()
    .filter(|t| n(*t) > 0)
    .map(|t| format!("{}{}次", t.label(), n(t)))
    .collect();
    if !held.is_empty() {
        others.push(format!("开展{}", held.join("、")));
    }
    if !others.is_empty() {
        p.push_str(&format!("此外，{}。", others.join("，")));
    }
    p
}

/// 一, second paragraph: the committee's yearly targets, when the plan sets any.
fn targets_paragraph(m: &Metrics) -> Option<String> {
    if m.targets.is_empty() {
        return None;
    }
    let parts: Vec<String> = m
        .targets
        .iter()
        .map(|t| {
            let mut goal = Vec::new();
            let mut done = Vec::new();
            if let Some(x) = t.activities_target {
                goal.push(format!("{x}次"));
                done.push(format!("{}次", t.activities));
            }
            if let Some(x) = t.person_times_target {
                goal.push(format!("{x}人次"));
                done.push(format!("{}人次", t.person_times));
            }
            format!(
                "{}目标{}，实际{}，{}",
                t.activity.label(),
                goal.join("、"),
                done.join("、"),
                if t.met { "已完成" } else { "尚未完成" }
            )
        })
        .collect();
    Some(format!("对照全委年度目标，{}。", parts.join("；")))
}

/// 二: each requirement's compliance, active months, the branches below target.
fn rules_paragraph(a: &Analysis) -> String {
    let m = &a.figures.metrics;
    let rates: Vec<String> = a
        .settings
        .plan
        .requirements
        .iter()
        .map(|r| {
            let v = m.coverage.requirements.get(&r.activity).copied();
            format!(
                "{}{}",
                requirement_label(r),
                v.map(pct).unwrap_or_else(|| "尚无到期考核期".into())
            )
        })
        .collect();
    let mut p = String::new();
    // With nothing due yet (an early --as-of) there is nothing to judge a branch on.
    let any_due = !m.coverage.requirements.is_empty();
    if !any_due {
        p.push_str("截至统计日，各项制度要求尚无到期的考核期，暂不评价达标情况。");
    } else if !rates.is_empty() {
        p.push_str(&format!(
            "按照“三会一课”和主题党日制度要求，各项要求的达标率分别为：{}。",
            rates.join("，")
        ));
    }
    if let Some(c) = m.coverage.active_months {
        if c >= 1.0 {
            p.push_str("各支部每月均开展了组织生活。");
        } else {
            p.push_str(&format!("支部有活动的月份占应统计月份的{}。", pct(c)));
        }
    }
    if m.below_target.is_empty() {
        if any_due {
            p.push_str("各支部均达到上述制度要求。");
        }
    } else {
        p.push_str(&below_target_sentence(m));
    }
    p
}

/// `有3个支部的4项要求未达标：…。`
fn below_target_sentence(m: &Metrics) -> String {
    let mut branches: Vec<&str> = m.below_target.iter().map(|b| b.branch.as_str()).collect();
    branches.sort();
    branches.dedup();
    let items: Vec<String> = m
        .below_target
        .iter()
        .map(|b| {
            let periods: Vec<String> = b.missing.iter().map(|x| period_text(x, m.year)).collect();
            format!(
                "{}{}缺{}次（{}）",
                b.branch,
                b.activity.label(),
                b.gap,
                periods.join("、")
            )
        })
        .collect();
    format!(
        "有{}个支部的{}项要求未达标：{}。",
        branches.len(),
        m.below_target.len(),
        capped(&items, "；", "项", "预警清单")
    )
}

/// Most items of a list the summary names (SPEC 6); the sheet named lists them all.
pub const MAX_LISTED: usize = 10;

/// The items joined, or the first [`MAX_LISTED`] of them, the count and where the rest are.
/// `measure` counts the items: `项`, `名`, `个`.
fn capped(items: &[String], separator: &str, measure: &str, sheet: &str) -> String {
    if items.len() <= MAX_LISTED {
        return items.join(separator);
    }
    format!(
        "{}等（此处列出前{MAX_LISTED}{measure}，全部{}{measure}见统计工作簿“{sheet}”表）",
        items[..MAX_LISTED].join(separator),
        items.len()
    )
}

/// 二, with units: the units, lowest mean coverage first.
fn units_paragraph(m: &Metrics) -> Option<String> {
    if m.units.is_empty() {
        return None;
    }
    let items: Vec<String> = m
        .units
        .iter()
        .map(|u| match u.mean_coverage() {
            Some(c) => format!("{}（{}个支部，平均达标率{}）", u.unit, u.branches, pct(c)),
            None => format!("{}（{}个支部，尚无到期考核期）", u.unit, u.branches),
        })
        .collect();
    let behind: usize = m.units.iter().filter(|u| u.below_target_branches > 0).count();
    Some(format!(
        "分单位看，{}个上级党组织中有{}个存在未达标支部。按各项制度要求平均达标率从低到高依次为：{}。",
        m.units.len(),
        behind,
        capped(&items, "；", "个", "单位汇总")
    ))
}

/// 三: members' coverage by type and the members below the threshold.
fn members_paragraph(a: &Analysis) -> String {
    let m = &a.figures.metrics;
    let mut p = String::new();
    if a.figures.member_attendance.is_none() {
        p.push_str("本次统计未提供党员名册，未统计党员个人参与情况。");
        return p;
    }
    let cov: Vec<String> = ActivityType::ALL
        .iter()
        .filter_map(|t| m.coverage.members.get(t).map(|c| format!("{}{}", t.label(), pct(*c))))
        .collect();
    if !cov.is_empty() {
        p.push_str(&format!("参加过各类活动的党员占党员总数的比例为：{}。", cov.join("，")));
    }
    let threshold = pct(a.settings.plan.attendance_threshold);
    if m.members_below_threshold.is_empty() {
        p.push_str(&format!("全体党员的参与率均不低于{threshold}。"));
    } else {
        let names: Vec<String> = m
            .members_below_threshold
            .iter()
            .map(|x| format!("{}（{}，{}）", x.name, x.branch, pct(x.rate)))
            .collect();
        p.push_str(&format!(
            "按参与率低于{threshold}的预警线，共有{}名党员参与率偏低：{}。",
            m.members_below_threshold.len(),
            capped(&names, "、", "名", "预警清单")
        ));
    }
    p
}

/// 四: files and rows read, and the data problems found.
fn data_paragraph(a: &Analysis) -> String {
    let m = &a.figures.metrics;
    let count = |s: Severity| a.data_problems().filter(|p| p.severity == s).count();
    let mut p = format!(
        "本次共读取报送文件{}个（无法读取{}个，跳过{}个），数据行{}行，其中计入统计{}行，因数据错误未计入{}行，表尾、合计等非活动行{}行",
        m.files.read, m.files.failed, m.files.skipped, m.rows.read, m.rows.accepted, m.rows.rejected, m.rows.skipped
    );
    if m.rows.outside_period > 0 {
        p.push_str(&format!("；计入行中统计期外{}行", m.rows.outside_period));
    }
    p.push('。');
    if a.data_problems().next().is_none() {
        p.push_str("审核未发现数据问题。");
    } else {
        p.push_str(&format!(
            "审核发现数据问题{}条，其中错误{}条、警告{}条、提示{}条，详见统计工作簿“数据问题”表和issues.csv。",
            a.data_problems().count(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Note)
        ));
    }
    let plausibility = a.problems.iter().filter(|p| p.kind.is_plausibility()).count();
    if plausibility > 0 {
        p.push_str(&format!(
            "另有需核实的真实性提示{plausibility}条（会议主题、到会人数或参会名单雷同等），请相关支部说明。"
        ));
    }
    p
}

impl Exporter for SummaryMarkdown {
    fn name(&self, a: &Analysis) -> String {
        format!("summary_{}.md", a.settings.year)
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        std::fs::write(path, render(a))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_in_prose() {
        assert_eq!(period_text("2024-07", 2024), "7月");
        assert_eq!(period_text("2024Q3", 2024), "第三季度");
        assert_eq!(period_text("2024", 2024), "全年");
        assert_eq!(period_text("2023-12", 2024), "2023年12月");
        assert_eq!(period_text("odd", 2024), "odd");
        assert_eq!(period_text("全年", 2024), "全年");
    }
}
