//! The three charts of the report (SPEC 6): activities by branch against the required
//! number, the monthly trend by type, attendance rate by branch. In: the analysis. Out: one
//! [`ChartData`] per chart, which the workbook draws as native Excel charts, and
//! charts/*.svg drawn here by hand so the output is deterministic and needs no font files.
//!
//! The figures come from metrics.json's struct where it has them (branch counts, required
//! numbers, attendance rates); only the monthly trend, which metrics.json does not hold,
//! is summed from the branch × month × type table.

use super::Exporter;
use crate::config::Per;
use crate::pipeline::Analysis;
use crate::text::display_width;
use crate::vocab::ActivityType;
use anyhow::Result;
use chrono::Datelike;
use std::fmt::Write as _;
use std::path::Path;

/// The font stack of every SVG text: the Windows font of Chinese offices first.
pub use super::format::CHART_FONT_FAMILY as FONT_FAMILY;

/// Series colours, shared by the SVG files and the Excel charts so both look alike.
pub const PALETTE: [u32; 8] = [
    0xC00000, 0x1F4E79, 0xED7D31, 0x548235, 0x7030A0, 0xBF9000, 0x2E75B6, 0x7F7F7F,
];

/// How a chart is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Vertical bars grouped by category.
    Column,
    /// One line per series over the categories.
    Line,
    /// Horizontal bars grouped by category.
    Bar,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per category; None where the figure is not defined.
    pub values: Vec<Option<f64>>,
}

/// One chart's title, axes and numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub kind: Kind,
    pub title: String,
    pub x_name: String,
    pub y_name: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Values are ratios shown as percentages.
    pub percent: bool,
}

/// The types compared with their requirement on the branch chart: 支部委员会 and 主题党日
/// (the monthly rules every branch is judged on first), else the plan's first two.
pub fn branch_chart_types(a: &Analysis) -> Vec<ActivityType> {
    let reqs: Vec<ActivityType> = a.settings.plan.requirements.iter().map(|r| r.activity).collect();
    let preferred: Vec<ActivityType> = [ActivityType::CommitteeMeeting, ActivityType::ThemeDay]
        .into_iter()
        .filter(|t| reqs.contains(t))
        .collect();
    if preferred.len() == 2 {
        return preferred;
    }
    let mut out = Vec::new();
    for t in reqs {
        if !out.contains(&t) {
            out.push(t);
        }
        if out.len() == 2 {
            break;
        }
    }
    out
}

/// Actual count and required number (required per period × periods due) of one branch and
/// type, both from metrics.json.
pub fn actual_and_required(a: &Analysis, branch: &str, t: ActivityType) -> (i64, Option<i64>) {
    let Some(b) = a.figures.metrics.branches.iter().find(|b| b.branch == branch) else {
        return (0, None);
    };
    let actual = b.counts.get(&t).copied().unwrap_or(0);
    let required = b
        .requirements
        .iter()
        .find(|r| r.activity == t)
        .map(|r| r.required_per_period * r.periods);
    (actual, required)
}

/// Most categories a chart shows (SPEC 6): beyond it, units or the branches furthest behind.
pub const MAX_CATEGORIES: usize = 30;

/// What a per-branch chart shows when there are more branches than [`MAX_CATEGORIES`].
enum Grouping {
    /// Every branch, in roster order.
    Branches(Vec<usize>),
    /// The branches furthest behind (indexes into metrics.branches), worst first.
    Behind(Vec<usize>),
    /// Units (indexes into metrics.units, lowest rank first), all of them or the lowest 30.
    Units(Vec<usize>),
}

fn grouping(a: &Analysis) -> Grouping {
    let m = &a.figures.metrics;
    if m.branches.len() <= MAX_CATEGORIES {
        return Grouping::Branches((0..m.branches.len()).collect());
    }
    if !m.units.is_empty() {
        return Grouping::Units((0..m.units.len().min(MAX_CATEGORIES)).collect());
    }
    Grouping::Behind(furthest_behind(a, MAX_CATEGORIES))
}

/// The `n` branches furthest behind: lowest mean compliance over the requirements due, then
/// the largest total gap, then roster order.
pub fn furthest_behind(a: &Analysis, n: usize) -> Vec<usize> {
    let m = &a.figures.metrics;
    let key = |i: usize| {
        let b = &m.branches[i];
        let due: Vec<f64> = b.requirements.iter().filter_map(|r| r.compliance).collect();
        let mean = if due.is_empty() {
            1.0
        } else {
            due.iter().sum::<f64>() / due.len() as f64
        };
        let gap: i64 = b.requirements.iter().map(|r| r.gap).sum();
        (mean, -gap, i)
    };
    let mut order: Vec<usize> = (0..m.branches.len()).collect();
    order.sort_by(|&x, &y| {
        let (a, b) = (key(x), key(y));
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    });
    order.truncate(n);
    order
}

/// The category names, axis name and title suffix of a grouping.
fn grouped(a: &Analysis, g: &Grouping) -> (Vec<String>, &'static str, String) {
    let m = &a.figures.metrics;
    match g {
        Grouping::Branches(ix) => (
            ix.iter().map(|&i| m.branches[i].branch.clone()).collect(),
            "党支部",
            String::new(),
        ),
        Grouping::Behind(ix) => (
            ix.iter().map(|&i| m.branches[i].branch.clone()).collect(),
            "党支部",
            format!("（差距最大的{}个支部，共{}个）", ix.len(), m.branches.len()),
        ),
        Grouping::Units(ix) => {
            let suffix = if ix.len() < m.units.len() {
                format!("（按上级党组织，达标率最低的{}个，共{}个）", ix.len(), m.units.len())
            } else {
                "（按上级党组织）".to_string()
            };
            (
                ix.iter().map(|&i| m.units[i].unit.clone()).collect(),
                "上级党组织",
                suffix,
            )
        }
    }
}

/// The branches a category stands for.
fn members_of(a: &Analysis, g: &Grouping) -> Vec<Vec<usize>> {
    let m = &a.figures.metrics;
    match g {
        Grouping::Branches(ix) | Grouping::Behind(ix) => ix.iter().map(|&i| vec![i]).collect(),
        Grouping::Units(ix) => ix
            .iter()
            .map(|&u| {
                let unit = Some(m.units[u].unit.as_str());
                (0..m.branches.len())
                    .filter(|&i| m.branches[i].unit.as_deref() == unit)
                    .collect()
            })
            .collect(),
    }
}

/// 各支部主要活动开展情况: per branch (or unit), the actual count and the required number.
pub fn branch_counts(a: &Analysis) -> ChartData {
    let m = &a.figures.metrics;
    let g = grouping(a);
    let (categories, x_name, suffix) = grouped(a, &g);
    let groups = members_of(a, &g);
    let mut series = Vec::new();
    for t in branch_chart_types(a) {
        let pairs: Vec<(i64, Option<i64>)> = groups
            .iter()
            .map(|branches| {
                branches
                    .iter()
                    .map(|&i| actual_and_required(a, &m.branches[i].branch, t))
                    .fold((0, None), |(n, r), (bn, br)| {
                        (n + bn, br.map(|br| r.unwrap_or(0) + br).or(r))
                    })
            })
            .collect();
        series.push(Series {
            name: format!("{}（实际）", t.label()),
            values: pairs.iter().map(|(n, _)| Some(*n as f64)).collect(),
        });
        series.push(Series {
            name: format!("{}（应开）", t.label()),
            values: pairs.iter().map(|(_, r)| r.map(|r| r as f64)).collect(),
        });
    }
    let whom = if x_name == "党支部" {
        "各支部"
    } else {
        "各单位"
    };
    ChartData {
        kind: Kind::Column,
        title: format!("{}年{whom}主要活动开展情况（实际与应开次数）{suffix}", m.year),
        x_name: x_name.into(),
        y_name: "次数".into(),
        categories,
        series,
        percent: false,
    }
}

/// The types drawn on the trend and attendance charts: the plan's requirements, then
/// political study and integrity education, in report order.
fn main_types(a: &Analysis) -> Vec<ActivityType> {
    let mut types: Vec<ActivityType> = a.settings.plan.requirements.iter().map(|r| r.activity).collect();
    types.extend([ActivityType::PoliticalStudy, ActivityType::IntegrityEducation]);
    types.sort_by_key(|t| t.index());
    types.dedup();
    types
}

/// Month numbers shown: January to the as-of month (activities of a month not yet ended
/// are counted too).
pub fn months_shown(a: &Analysis) -> Vec<u32> {
    (1..=a.settings.as_of.month()).collect()
}

/// All branches' activities per month and type (from the branch × month × type table).
pub fn monthly_counts(a: &Analysis) -> Result<std::collections::HashMap<(String, ActivityType), i64>> {
    let mut out = std::collections::HashMap::new();
    for r in &a.figures.rows.by_month {
        *out.entry((r.month.clone(), r.activity)).or_insert(0) += r.activities;
    }
    Ok(out)
}

/// 月度活动趋势: all branches' activities per month, one line per main type.
pub fn monthly_trend(a: &Analysis) -> Result<ChartData> {
    let year = a.settings.year;
    let counts = monthly_counts(a)?;
    let months = months_shown(a);
    let series = main_types(a)
        .into_iter()
        .map(|t| Series {
            name: t.label().to_string(),
            values: months
                .iter()
                .map(|m| {
                    let key = (format!("{year}-{m:02}"), t);
                    Some(counts.get(&key).copied().unwrap_or(0) as f64)
                })
                .collect(),
        })
        .collect();
    Ok(ChartData {
        kind: Kind::Line,
        title: format!("{year}年各类活动月度开展情况"),
        x_name: "月份".into(),
        y_name: "活动次数".into(),
        categories: months.iter().map(|m| format!("{m}月")).collect(),
        series,
        percent: false,
    })
}

/// 各支部参会率: the attendance rate of each branch (or unit), one bar per main type that has
/// a rate.
pub fn attendance(a: &Analysis) -> ChartData {
    let m = &a.figures.metrics;
    let g = grouping(a);
    let (categories, x_name, suffix) = grouped(a, &g);
    let rate_of = |i: usize, t: ActivityType| -> Option<f64> {
        match &g {
            Grouping::Units(ix) => m.units[ix[i]].attendance_rate.get(&t).copied(),
            Grouping::Branches(ix) | Grouping::Behind(ix) => m.branches[ix[i]].attendance_rate.get(&t).copied(),
        }
    };
    let series = main_types(a)
        .into_iter()
        .map(|t| Series {
            name: t.label().to_string(),
            values: (0..categories.len()).map(|i| rate_of(i, t)).collect(),
        })
        .filter(|s| s.values.iter().any(Option::is_some))
        .collect();
    let whom = if x_name == "党支部" {
        "各支部"
    } else {
        "各单位"
    };
    ChartData {
        kind: Kind::Bar,
        title: format!("{}年{whom}参会率{suffix}", m.year),
        x_name: x_name.into(),
        y_name: "参会率".into(),
        categories,
        series,
        percent: true,
    }
}

/// The requirement's wording, e.g. `党小组会（每月每个党小组1次）`.
pub fn requirement_label(r: &crate::config::Requirement) -> String {
    let per = if r.per == Per::Group { "每个党小组" } else { "" };
    format!("{}（{}{}{}次）", r.activity.label(), r.cadence.label(), per, r.minimum)
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A value as an axis or data label.
fn value_label(v: f64, percent: bool) -> String {
    if percent {
        super::format::pct(v)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A round axis maximum and step, about five ticks.
fn axis_scale(max: f64, percent: bool) -> (f64, f64) {
    if percent {
        return (1.0, 0.2);
    }
    if max <= 0.0 {
        return (5.0, 1.0);
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
        .max(1.0);
    ((max / step).ceil() * step, step)
}

/// Approximate pixel width of text at a font size (CJK characters are square).
fn text_px(s: &str, size: f64) -> f64 {
    display_width(s) as f64 * size * 0.5
}

fn color(i: usize) -> String {
    format!("#{:06X}", PALETTE[i % PALETTE.len()])
}

fn text(svg: &mut String, x: f64, y: f64, size: f64, anchor: &str, extra: &str, body: &str) {
    let _ = writeln!(
        svg,
        "  <text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{extra}>{}</text>",
        xml_escape(body)
    );
}

/// Draws a chart as a standalone SVG document.
pub fn to_svg(c: &ChartData) -> String {
    let (width, height) = (900.0, 520.0);
    let label_size = 14.0;
    let cat_label_px = c.categories.iter().map(|s| text_px(s, label_size)).fold(0.0, f64::max);
    // Horizontal bars put the category names on the left, the others below the plot.
    let left = if c.kind == Kind::Bar { cat_label_px + 40.0 } else { 70.0 };
    let legend_rows = c.series.len().div_ceil(4).max(1) as f64;
    let bottom = 70.0 + legend_rows * 22.0;
    let (top, right) = (60.0, 30.0);
    let (pw, ph) = (width - left - right, height - top - bottom);
    let max = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |m, v| m.max(*v));
    let (axis_max, step) = axis_scale(max, c.percent);

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT_FAMILY}\">"
    );
    let _ = writeln!(svg, "  <title>{}</title>", xml_escape(&c.title));
    let _ = writeln!(svg, "  <rect width=\"{width}\" height=\"{height}\" fill=\"#FFFFFF\"/>");
    text(
        &mut svg,
        width / 2.0,
        32.0,
        20.0,
        "middle",
        " font-weight=\"bold\"",
        &c.title,
    );

    // Value axis: grid lines and tick labels.
    let ticks = (axis_max / step).round() as usize;
    for i in 0..=ticks {
        let v = step * i as f64;
        let label = value_label(v, c.percent);
        if c.kind == Kind::Bar {
            let x = left + pw * v / axis_max;
            let _ = writeln!(
                svg,
                "  <line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#D9D9D9\"/>",
                top + ph
            );
            text(&mut svg, x, top + ph + 18.0, label_size, "middle", "", &label);
        } else {
            let y = top + ph - ph * v / axis_max;
            let _ = writeln!(
                svg,
                "  <line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#D9D9D9\"/>",
                left + pw
            );
            text(&mut svg, left - 8.0, y + 4.0, label_size, "end", "", &label);
        }
    }
    // Axis lines.
    let _ = writeln!(
        svg,
        "  <line x1=\"{left:.1}\" y1=\"{top:.1}\" x2=\"{left:.1}\" y2=\"{:.1}\" stroke=\"#595959\"/>",
        top + ph
    );
    let _ = writeln!(
        svg,
        "  <line x1=\"{left:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#595959\"/>",
        top + ph,
        left + pw,
        top + ph
    );

    let n_cat = c.categories.len().max(1) as f64;
    let n_ser = c.series.len().max(1) as f64;
    match c.kind {
        Kind::Column | Kind::Line => {
            let band = pw / n_cat;
            for (i, cat) in c.categories.iter().enumerate() {
                let cx = left + band * (i as f64 + 0.5);
                // Long names are shrunk to fit their band rather than overlap.
                let size = if text_px(cat, label_size) > band - 4.0 {
                    (label_size * (band - 4.0) / text_px(cat, label_size)).max(7.0)
                } else {
                    label_size
                };
                text(
                    &mut svg,
                    cx,
                    top + ph + 18.0,
                    (size * 10.0).round() / 10.0,
                    "middle",
                    "",
                    cat,
                );
            }
            if c.kind == Kind::Column {
                let bar = band * 0.8 / n_ser;
                for (s, ser) in c.series.iter().enumerate() {
                    for (i, v) in ser.values.iter().enumerate() {
                        let Some(v) = v else { continue };
                        let h = ph * v / axis_max;
                        let x = left + band * i as f64 + band * 0.1 + bar * s as f64;
                        let _ = writeln!(
                            svg,
                            "  <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                            top + ph - h,
                            bar * 0.92,
                            color(s)
                        );
                        text(
                            &mut svg,
                            x + bar * 0.46,
                            top + ph - h - 3.0,
                            12.0,
                            "middle",
                            "",
                            &value_label(*v, false),
                        );
                    }
                }
            } else {
                for (s, ser) in c.series.iter().enumerate() {
                    let points: Vec<Option<(f64, f64)>> = ser
                        .values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| v.map(|v| (left + band * (i as f64 + 0.5), top + ph - ph * v / axis_max)))
                        .collect();
                    // A missing value breaks the line instead of joining across it.
                    for run in points.split(Option::is_none) {
                        let pts: Vec<String> = run.iter().flatten().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                        if pts.len() > 1 {
                            let _ = writeln!(
                                svg,
                                "  <polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
                                pts.join(" "),
                                color(s)
                            );
                        }
                    }
                    for (x, y) in points.iter().flatten() {
                        let _ = writeln!(
                            svg,
                            "  <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{}\"/>",
                            color(s)
                        );
                    }
                }
            }
        }
        Kind::Bar => {
            let band = ph / n_cat;
            let bar = band * 0.8 / n_ser;
            for (i, cat) in c.categories.iter().enumerate() {
                text(
                    &mut svg,
                    left - 8.0,
                    top + band * (i as f64 + 0.5) + 4.0,
                    label_size,
                    "end",
                    "",
                    cat,
                );
            }
            for (s, ser) in c.series.iter().enumerate() {
                for (i, v) in ser.values.iter().enumerate() {
                    let Some(v) = v else { continue };
                    let w = pw * v / axis_max;
                    let y = top + band * i as f64 + band * 0.1 + bar * s as f64;
                    let _ = writeln!(
                        svg,
                        "  <rect x=\"{left:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                        bar * 0.92,
                        color(s)
                    );
                    if bar >= 9.0 {
                        text(
                            &mut svg,
                            left + w + 3.0,
                            y + bar * 0.46 + 3.5,
                            10.0,
                            "start",
                            "",
                            &value_label(*v, true),
                        );
                    }
                }
            }
        }
    }

    // Axis names: the category axis under its labels, the value axis beside its ticks.
    let (cat_name, val_name) = (&c.x_name, &c.y_name);
    if c.kind == Kind::Bar {
        text(&mut svg, left + pw / 2.0, top + ph + 40.0, 14.0, "middle", "", val_name);
        let (x, y) = (16.0, top + ph / 2.0);
        text(
            &mut svg,
            x,
            y,
            14.0,
            "middle",
            &format!(" transform=\"rotate(-90 {x:.1} {y:.1})\""),
            cat_name,
        );
    } else {
        text(&mut svg, left + pw / 2.0, top + ph + 40.0, 14.0, "middle", "", cat_name);
        let (x, y) = (20.0, top + ph / 2.0);
        text(
            &mut svg,
            x,
            y,
            14.0,
            "middle",
            &format!(" transform=\"rotate(-90 {x:.1} {y:.1})\""),
            val_name,
        );
    }

    // Legend, four entries a row, under the plot.
    let col_w = (width - 80.0) / 4.0;
    for (s, ser) in c.series.iter().enumerate() {
        let (row, col) = (s / 4, s % 4);
        let x = 40.0 + col_w * col as f64;
        let y = top + ph + 62.0 + 22.0 * row as f64;
        let _ = writeln!(
            svg,
            "  <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"{}\"/>",
            y - 9.0,
            color(s)
        );
        text(&mut svg, x + 20.0, y, 14.0, "start", "", &ser.name);
    }
    svg.push_str("</svg>\n");
    svg
}

/// One of the three charts, as data, SVG (charts/*.svg) and picture (charts/*.png, in
/// pictures.rs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    Branches,
    Trend,
    Attendance,
}

impl Chart {
    /// In the order of the report's figures (图1, 图2, 图3).
    pub const ALL: [Chart; 3] = [Chart::Branches, Chart::Trend, Chart::Attendance];

    /// The file name without its extension.
    pub fn stem(self) -> &'static str {
        match self {
            Chart::Branches => "branch_counts",
            Chart::Trend => "monthly_trend",
            Chart::Attendance => "attendance",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The chart's title, axes and numbers.
    pub fn data(self, a: &Analysis) -> Result<ChartData> {
        Ok(match self {
            Chart::Branches => branch_counts(a),
            Chart::Trend => monthly_trend(a)?,
            Chart::Attendance => attendance(a),
        })
    }

    /// The chart as an SVG document: the text of charts/<stem>.svg.
    pub fn svg(self, a: &Analysis) -> Result<String> {
        Ok(to_svg(&self.data(a)?))
    }
}

/// charts/<stem>.svg.
pub struct ChartSvg(pub Chart);

impl Exporter for ChartSvg {
    fn name(&self, _: &Analysis) -> String {
        format!("charts/{}.svg", self.0.stem())
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        std::fs::write(path, self.0.svg(a)?)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(xml_escape("a<b>&\"c\"'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
        assert_eq!(xml_escape("党支部"), "党支部");
    }

    #[test]
    fn round_axis() {
        assert_eq!(axis_scale(13.0, false), (15.0, 5.0));
        assert_eq!(axis_scale(0.0, false), (5.0, 1.0));
        assert_eq!(axis_scale(0.7, true), (1.0, 0.2));
        let (max, step) = axis_scale(37.0, false);
        assert!(max >= 37.0 && step > 0.0);
    }

    #[test]
    fn svg_holds_title_and_escaped_labels() {
        let c = ChartData {
            kind: Kind::Column,
            title: "测试<图>".into(),
            x_name: "支部".into(),
            y_name: "次数".into(),
            categories: vec!["甲&乙党支部".into()],
            series: vec![Series {
                name: "实际".into(),
                values: vec![Some(3.0)],
            }],
            percent: false,
        };
        let svg = to_svg(&c);
        assert!(svg.contains("测试&lt;图&gt;"));
        assert!(svg.contains("甲&amp;乙党支部"));
        assert!(!svg.contains("测试<图>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
