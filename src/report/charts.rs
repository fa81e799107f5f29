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

/// A small SVG writer: one element a line, coordinates to a tenth of a pixel, text escaped.
struct Svg {
    out: String,
}

impl Svg {
    /// The document's opening: size, font, title and a white background.
    fn new(width: f64, height: f64, title: &str) -> Svg {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"{FONT_FAMILY}\">"
        );
        let _ = writeln!(out, "  <title>{}</title>", xml_escape(title));
        let _ = writeln!(out, "  <rect width=\"{width}\" height=\"{height}\" fill=\"#FFFFFF\"/>");
        Svg { out }
    }

    fn text(&mut self, (x, y): (f64, f64), size: f64, anchor: &str, extra: &str, body: &str) {
        let _ = writeln!(
            self.out,
            "  <text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{extra}>{}</text>",
            xml_escape(body)
        );
    }

    /// Text turned a quarter to the left about its own anchor (a vertical axis name).
    fn vertical_text(&mut self, (x, y): (f64, f64), size: f64, body: &str) {
        self.text(
            (x, y),
            size,
            "middle",
            &format!(" transform=\"rotate(-90 {x:.1} {y:.1})\""),
            body,
        );
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str) {
        let _ = writeln!(
            self.out,
            "  <line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\"/>"
        );
    }

    fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), fill: &str) {
        let _ = writeln!(
            self.out,
            "  <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"/>"
        );
    }

    /// A legend key: its size is whole pixels.
    fn key(&mut self, (x, y): (f64, f64), fill: &str) {
        let _ = writeln!(
            self.out,
            "  <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"14\" height=\"10\" fill=\"{fill}\"/>"
        );
    }

    fn polyline(&mut self, points: &[(f64, f64)], stroke: &str) {
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = writeln!(
            self.out,
            "  <polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"2\"/>",
            pts.join(" ")
        );
    }

    fn dot(&mut self, (x, y): (f64, f64), fill: &str) {
        let _ = writeln!(
            self.out,
            "  <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{fill}\"/>"
        );
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// Where a chart's parts go: the picture's size, the plot area and the value axis.
struct Layout {
    width: f64,
    height: f64,
    left: f64,
    top: f64,
    /// Plot width and height.
    pw: f64,
    ph: f64,
    axis_max: f64,
    step: f64,
    label_size: f64,
    /// The title, on two lines when one would run off the picture.
    title: Vec<String>,
    /// Category names under the plot turned 45° (too many to stand side by side), at this size.
    slanted: Option<f64>,
    /// Room the slanted names take below the plot beyond the usual line of labels.
    slant_room: f64,
}

impl Layout {
    fn of(c: &ChartData) -> Layout {
        let width = 900.0;
        let label_size = 14.0;
        let cat_label_px = c.categories.iter().map(|s| text_px(s, label_size)).fold(0.0, f64::max);
        // Horizontal bars put the category names on the left, the others below the plot.
        let right = 30.0;
        let (slanted, slant_room) = slant(c, width - 70.0 - right, label_size);
        // Slanted names reach left of their band: the first must not leave the picture.
        let first_reach = match (slanted, c.categories.first()) {
            (Some(size), Some(first)) => {
                text_px(first, size) * std::f64::consts::FRAC_1_SQRT_2
                    - (width - 100.0) / c.categories.len() as f64 / 2.0
            }
            _ => 0.0,
        };
        let left = if c.kind == Kind::Bar {
            cat_label_px + 40.0
        } else {
            (first_reach + 12.0).max(70.0)
        };
        let pw = width - left - right;
        let title = title_lines(&c.title, width - 40.0);
        let top = 60.0 + 24.0 * (title.len() - 1) as f64;
        let legend_rows = c.series.len().div_ceil(4).max(1) as f64;
        let bottom = 70.0 + legend_rows * 22.0 + slant_room;
        let ph = plot_height(c, 520.0 - 60.0 - 70.0 - legend_rows * 22.0);
        let height = top + ph + bottom;
        let max = c
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0f64, |m, v| m.max(*v));
        let (axis_max, step) = axis_scale(max, c.percent);
        Layout {
            width,
            height,
            left,
            top,
            pw,
            ph,
            axis_max,
            step,
            label_size,
            title,
            slanted,
            slant_room,
        }
    }

    /// The bottom edge of the plot.
    fn base(&self) -> f64 {
        self.top + self.ph
    }
}

/// A title that does not fit `room` pixels at 20 px, split in two: before its bracket when
/// it has one (`……（各单位平均）`), else in the middle.
fn title_lines(title: &str, room: f64) -> Vec<String> {
    if text_px(title, 20.0) <= room {
        return vec![title.to_string()];
    }
    let chars: Vec<char> = title.chars().collect();
    let middle = chars.len() / 2;
    let at = chars
        .iter()
        .rposition(|c| *c == '（' || *c == '(')
        .filter(|i| *i > 0 && text_px(&chars[..*i].iter().collect::<String>(), 20.0) <= room)
        .unwrap_or(middle);
    vec![chars[..at].iter().collect(), chars[at..].iter().collect()]
}

/// Whether category names under the plot must be turned 45° to be read: when shrinking them
/// to fit their band would take them under 10 px. Gives their size and the extra room below.
fn slant(c: &ChartData, pw: f64, label_size: f64) -> (Option<f64>, f64) {
    if c.kind == Kind::Bar || c.categories.is_empty() {
        return (None, 0.0);
    }
    let band = pw / c.categories.len() as f64;
    let fits = c.categories.iter().all(|cat| {
        text_px(cat, label_size) <= band - 4.0 || label_size * (band - 4.0) / text_px(cat, label_size) >= 10.0
    });
    if fits {
        return (None, 0.0);
    }
    let size = (band * 0.8).clamp(9.0, label_size).round();
    let longest = c.categories.iter().map(|cat| text_px(cat, size)).fold(0.0, f64::max);
    (Some(size), (longest * std::f64::consts::FRAC_1_SQRT_2 - 8.0).max(0.0))
}

/// The plot's height: `usual`, or taller for horizontal bars when each bar would be thinner
/// than its 9-pixel value label, up to a picture that still fits the report's A4 text area (1,250 px).
fn plot_height(c: &ChartData, usual: f64) -> f64 {
    if c.kind != Kind::Bar {
        return usual;
    }
    let bars = (c.categories.len() * c.series.len().max(1)) as f64;
    (bars * 9.0 / 0.8).clamp(usual, 1250.0 - 220.0)
}

/// Draws a chart as a standalone SVG document, in steps: title, value axis, the categories
/// with their bars or lines, the axis names, the legend.
pub fn to_svg(c: &ChartData) -> String {
    let l = Layout::of(c);
    let mut svg = Svg::new(l.width, l.height, &c.title);
    for (i, line) in l.title.iter().enumerate() {
        let y = 32.0 + 24.0 * i as f64;
        svg.text((l.width / 2.0, y), 20.0, "middle", " font-weight=\"bold\"", line);
    }
    value_axis(&mut svg, c, &l);
    match c.kind {
        Kind::Column | Kind::Line => {
            category_labels_below(&mut svg, c, &l);
            if c.kind == Kind::Column {
                columns(&mut svg, c, &l);
            } else {
                lines(&mut svg, c, &l);
            }
        }
        Kind::Bar => bars(&mut svg, c, &l),
    }
    axis_names(&mut svg, c, &l);
    legend(&mut svg, c, &l);
    svg.finish()
}

/// Grid lines and tick labels of the value axis, then both axis lines.
fn value_axis(svg: &mut Svg, c: &ChartData, l: &Layout) {
    let ticks = (l.axis_max / l.step).round() as usize;
    for i in 0..=ticks {
        let v = l.step * i as f64;
        let label = value_label(v, c.percent);
        if c.kind == Kind::Bar {
            let x = l.left + l.pw * v / l.axis_max;
            svg.line((x, l.top), (x, l.base()), "#D9D9D9");
            svg.text((x, l.base() + 18.0), l.label_size, "middle", "", &label);
        } else {
            let y = l.base() - l.ph * v / l.axis_max;
            svg.line((l.left, y), (l.left + l.pw, y), "#D9D9D9");
            svg.text((l.left - 8.0, y + 4.0), l.label_size, "end", "", &label);
        }
    }
    svg.line((l.left, l.top), (l.left, l.base()), "#595959");
    svg.line((l.left, l.base()), (l.left + l.pw, l.base()), "#595959");
}

/// The width of one category on a horizontal category axis.
fn band(c: &ChartData, l: &Layout) -> f64 {
    l.pw / c.categories.len().max(1) as f64
}

/// Category names under the plot, each shrunk to fit its band rather than overlap.
fn category_labels_below(svg: &mut Svg, c: &ChartData, l: &Layout) {
    let band = band(c, l);
    for (i, cat) in c.categories.iter().enumerate() {
        let cx = l.left + band * (i as f64 + 0.5);
        if let Some(size) = l.slanted {
            let (x, y) = (cx + size * 0.35, l.base() + 12.0);
            let turn = format!(" transform=\"rotate(-45 {x:.1} {y:.1})\"");
            svg.text((x, y), size, "end", &turn, cat);
            continue;
        }
        let size = if text_px(cat, l.label_size) > band - 4.0 {
            (l.label_size * (band - 4.0) / text_px(cat, l.label_size)).max(7.0)
        } else {
            l.label_size
        };
        svg.text((cx, l.base() + 18.0), (size * 10.0).round() / 10.0, "middle", "", cat);
    }
}

/// Vertical bars, a group per category, each with its value above it.
fn columns(svg: &mut Svg, c: &ChartData, l: &Layout) {
    let band = band(c, l);
    let bar = band * 0.8 / c.series.len().max(1) as f64;
    for (s, ser) in c.series.iter().enumerate() {
        for (i, v) in ser.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let h = l.ph * v / l.axis_max;
            let x = l.left + band * i as f64 + band * 0.1 + bar * s as f64;
            svg.rect((x, l.base() - h), (bar * 0.92, h), &color(s));
            // A value wider than its bar would run into its neighbours': smaller, or left out.
            let label = value_label(*v, false);
            let fits = [12.0, 10.0]
                .into_iter()
                .find(|size| text_px(&label, *size) <= bar + 4.0);
            if let Some(size) = fits {
                svg.text((x + bar * 0.46, l.base() - h - 3.0), size, "middle", "", &label);
            }
        }
    }
}

/// A line per series with a dot at each value; a missing value breaks the line instead of
/// joining across it.
fn lines(svg: &mut Svg, c: &ChartData, l: &Layout) {
    let band = band(c, l);
    for (s, ser) in c.series.iter().enumerate() {
        let points: Vec<Option<(f64, f64)>> = ser
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| v.map(|v| (l.left + band * (i as f64 + 0.5), l.base() - l.ph * v / l.axis_max)))
            .collect();
        for run in points.split(Option::is_none) {
            let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
            if run.len() > 1 {
                svg.polyline(&run, &color(s));
            }
        }
        for point in points.iter().flatten() {
            svg.dot(*point, &color(s));
        }
    }
}

/// Horizontal bars: category names on the left, percentages beside the bars when they fit.
fn bars(svg: &mut Svg, c: &ChartData, l: &Layout) {
    let band = l.ph / c.categories.len().max(1) as f64;
    let bar = band * 0.8 / c.series.len().max(1) as f64;
    // Names as tall as their band allows (a province's thirty courts), never over 14 px.
    let size = (band * 0.9).min(l.label_size).round();
    for (i, cat) in c.categories.iter().enumerate() {
        let y = l.top + band * (i as f64 + 0.5) + size * 2.0 / 7.0;
        svg.text((l.left - 8.0, y), size, "end", "", cat);
    }
    for (s, ser) in c.series.iter().enumerate() {
        for (i, v) in ser.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let w = l.pw * v / l.axis_max;
            let y = l.top + band * i as f64 + band * 0.1 + bar * s as f64;
            svg.rect((l.left, y), (w, bar * 0.92), &color(s));
            if bar >= 9.0 {
                svg.text(
                    (l.left + w + 3.0, y + bar * 0.46 + 3.5),
                    10.0,
                    "start",
                    "",
                    &value_label(*v, true),
                );
            }
        }
    }
}

/// The category axis's name under its labels, the value axis's beside its ticks.
fn axis_names(svg: &mut Svg, c: &ChartData, l: &Layout) {
    let under = (l.left + l.pw / 2.0, l.base() + 40.0 + l.slant_room);
    let mid = l.top + l.ph / 2.0;
    if c.kind == Kind::Bar {
        svg.text(under, 14.0, "middle", "", &c.y_name);
        svg.vertical_text((16.0, mid), 14.0, &c.x_name);
    } else {
        svg.text(under, 14.0, "middle", "", &c.x_name);
        svg.vertical_text((20.0, mid), 14.0, &c.y_name);
    }
}

/// Four entries a row, under the plot.
fn legend(svg: &mut Svg, c: &ChartData, l: &Layout) {
    let col_w = (l.width - 80.0) / 4.0;
    for (s, ser) in c.series.iter().enumerate() {
        let (row, col) = (s / 4, s % 4);
        let x = 40.0 + col_w * col as f64;
        let y = l.base() + l.slant_room + 62.0 + 22.0 * row as f64;
        svg.key((x, y - 9.0), &color(s));
        svg.text((x + 20.0, y), 14.0, "start", "", &ser.name);
    }
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

    fn chart(kind: Kind, title: &str, n: usize, series: usize) -> ChartData {
        ChartData {
            kind,
            title: title.into(),
            x_name: "上级党组织".into(),
            y_name: "次数".into(),
            categories: (0..n).map(|i| format!("第{i}中级人民法院党组")).collect(),
            series: (0..series)
                .map(|s| Series {
                    name: format!("系列{s}"),
                    values: vec![Some(0.5 + s as f64 * 0.05); n],
                })
                .collect(),
            percent: kind == Kind::Bar,
        }
    }

    #[test]
    fn a_few_categories_stand_upright_in_the_usual_picture() {
        let c = chart(Kind::Column, "各支部活动次数", 4, 2);
        let l = Layout::of(&c);
        assert_eq!((l.width, l.height, l.slanted), (900.0, 520.0, None));
        assert!(!to_svg(&c).contains("rotate(-45"));
    }

    #[test]
    fn thirty_long_names_are_slanted_and_stay_inside_the_picture() {
        let c = chart(Kind::Column, "各单位主要活动开展情况", 30, 4);
        let l = Layout::of(&c);
        let size = l.slanted.expect("slanted");
        assert!(size >= 9.0, "{size}");
        assert!(l.height > 520.0, "room made below the plot");
        // The first name's far end, 45° down to the left of its band's middle.
        let reach = text_px(&c.categories[0], size) * std::f64::consts::FRAC_1_SQRT_2;
        assert!(l.left + band(&c, &l) / 2.0 - reach >= 0.0);
        let svg = to_svg(&c);
        assert_eq!(svg.matches("rotate(-45").count(), 30);
        // Values wider than their bars are left out rather than drawn over each other.
        assert!(!svg.contains(">0.5</text>"));
    }

    #[test]
    fn many_horizontal_bars_make_a_taller_picture_that_fits_a_page() {
        let small = Layout::of(&chart(Kind::Bar, "参会率", 4, 2));
        assert_eq!(small.height, 520.0);
        let tall = Layout::of(&chart(Kind::Bar, "参会率", 30, 7));
        assert!(tall.height > 1000.0 && tall.height <= 1250.0, "{}", tall.height);
    }

    #[test]
    fn a_long_title_is_split_before_its_bracket() {
        let title = "2024年各单位主要活动开展情况（实际与应开次数）（按上级党组织，达标率最低的30个，共32个）";
        let lines = title_lines(title, 860.0);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.concat(), title);
        assert!(lines[1].starts_with('（'));
        assert!(lines.iter().all(|l| text_px(l, 20.0) <= 860.0));
        assert_eq!(title_lines("各支部参会率", 860.0), vec!["各支部参会率".to_string()]);
    }
}
