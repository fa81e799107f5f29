//! 报告_<year>.docx: the statistics report the office hands in (SPEC 6.1). In: the analysis,
//! its [`Summary`](super::summary::Summary) (the same text as summary_<year>.md) and the
//! chart pictures of [`Pictures`]. Out: the .docx bytes, through the writer of docx.rs.
//!
//! Content: the title (and 截至… under it when the as-of date is not the year's end), the
//! summary's paragraphs, and after the section each belongs to: 表1 the totals of every
//! type (activities, person-times), 图1 the monthly trend, 表2 each branch's periods met of
//! each requirement, 图2 activities by branch, 图3 attendance by branch. Every number comes
//! from metrics.json's struct, as in the summary.
//!
//! Layout of GB/T 9704: A4, margins 37/35/28/26 mm; title 方正小标宋简体 二号 centred; body
//! 仿宋_GB2312 三号, first line indented two characters, exact line spacing 29 pt; 一、
//! headings 黑体 三号, （一） headings 楷体_GB2312 三号 (style Heading2); page numbers
//! `— 1 —` in 宋体 四号 centred at the bottom. OOXML names one font per run, with no
//! fallback list, so the fonts of the standard are named and fontTable.xml gives each a
//! `w:altName` (方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 黑体 → SimHei):
//! the name SPEC 6.1 gives as the fallback, for a Word or WPS that lacks the GB2312 fonts.

use super::Exporter;
use super::charts::{self, Chart};
use super::docx::{self, DocxBuilder, Page, Parts, Table};
use super::format::{cn_date, pct};
use super::pictures::Pictures;
use super::summary::{self, Part};
use crate::pipeline::Analysis;
use crate::text::display_width;
use anyhow::Result;
use chrono::Datelike;
use std::path::Path;
use std::sync::Arc;

/// The fonts of GB/T 9704 and the alternative each is given in fontTable.xml.
pub use super::format::{BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_NUMBER_FONT, TITLE_FONT};

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
const ERHAO: u32 = 44;
const SANHAO: u32 = 32;
const SIHAO: u32 = 28;
const XIAOSI: u32 = 24;
/// 五号 (10.5 pt): the wide tables, a column per requirement.
const WUHAO: u32 = 21;

/// Body line spacing, exact, in twips (29 pt: 22 lines on the page, as GB/T 9704 asks).
pub const LINE: u32 = 580;

/// Table text line spacing, exact, in twips (20 pt for 小四).
const TABLE_LINE: u32 = 400;

/// Width of a chart picture on the page (the text block is 156 mm wide).
const PICTURE_MM: f64 = 150.0;

/// A4 with the margins of GB/T 9704.
pub fn page() -> Page {
    Page {
        width: docx::mm(210.0),
        height: docx::mm(297.0),
        top: docx::mm(37.0),
        bottom: docx::mm(35.0),
        left: docx::mm(28.0),
        right: docx::mm(26.0),
        header: docx::mm(15.0),
        footer: docx::mm(21.0),
    }
}

/// Width of the text block in twips.
fn text_width() -> u32 {
    let p = page();
    p.width - p.left - p.right
}

pub fn file_name(year: i32) -> String {
    format!("报告_{year}.docx")
}

fn fonts(font: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{font}\" w:eastAsia=\"{font}\" w:hAnsi=\"{font}\" w:cs=\"{font}\" w:hint=\"eastAsia\"/>"
    )
}

/// `w:rPr` of a style (CT_RPr order: rFonts, b, bCs, kern, sz, szCs).
fn rpr(font: &str, size: u32, bold: bool) -> String {
    let b = if bold { "<w:b/><w:bCs/>" } else { "" };
    format!(
        "<w:rPr>{}{b}<w:kern w:val=\"0\"/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr>",
        fonts(font)
    )
}

/// `w:spacing`: exact `line` twips, or single spacing when 0.
fn spacing(line: u32) -> String {
    if line == 0 {
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>".into()
    } else {
        format!("<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{line}\" w:lineRule=\"exact\"/>")
    }
}

/// First line indented two characters of `size` half-points (in characters for Word and
/// WPS, in twips for readers that ignore `firstLineChars`).
fn indent_two_chars(size: u32) -> String {
    format!("<w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/>", size * 20)
}

const NO_INDENT: &str = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>";

/// One paragraph style; `ppr` holds its CT_PPr children (keepNext, spacing, ind, jc,
/// outlineLvl, in that order).
fn style(id: &str, name: &str, ppr: &str, rpr: &str) -> String {
    let based = if id == "Normal" {
        String::from("<w:qFormat/>")
    } else {
        "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>".into()
    };
    let default = if id == "Normal" { " w:default=\"1\"" } else { "" };
    format!(
        "<w:style w:type=\"paragraph\"{default} w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{based}<w:pPr>{ppr}</w:pPr>{rpr}</w:style>"
    )
}

/// A table's cell and heading styles (`{kind}TableText`, `{kind}TableHeading`) at `size`.
fn table_styles(kind: &str, size: u32) -> [String; 2] {
    let center = "<w:jc w:val=\"center\"/>";
    let spaced = |text: &str, heading: bool| {
        let keep = if heading { "<w:keepNext/>" } else { "" };
        let name = format!("{kind} Table {text}").trim_start().to_string();
        (name, format!("{keep}{}{NO_INDENT}{center}", spacing(TABLE_LINE)))
    };
    let ((text_name, text_ppr), (heading_name, heading_ppr)) = (spaced("Text", false), spaced("Heading", true));
    [
        style(
            &format!("{kind}TableText"),
            &text_name,
            &text_ppr,
            &rpr(BODY_FONT.0, size, false),
        ),
        style(
            &format!("{kind}TableHeading"),
            &heading_name,
            &heading_ppr,
            &rpr(HEADING1_FONT.0, size, false),
        ),
    ]
}

/// word/styles.xml.
pub fn styles_xml() -> String {
    let center = "<w:jc w:val=\"center\"/>";
    let body = BODY_FONT.0;
    let mut list = vec![
        style(
            "Normal",
            "Normal",
            &format!("{}{}<w:jc w:val=\"both\"/>", spacing(LINE), indent_two_chars(SANHAO)),
            &rpr(body, SANHAO, false),
        ),
        style(
            "Title",
            "Title",
            &format!(
                "<w:keepNext/>{}{NO_INDENT}{center}<w:outlineLvl w:val=\"0\"/>",
                spacing(700)
            ),
            &rpr(TITLE_FONT.0, ERHAO, false),
        ),
        style(
            "Subtitle",
            "Subtitle",
            &format!("<w:keepNext/>{}{NO_INDENT}{center}", spacing(LINE)),
            &rpr(HEADING2_FONT.0, SANHAO, false),
        ),
        style(
            "Heading1",
            "heading 1",
            &format!(
                "<w:keepNext/>{}{}<w:outlineLvl w:val=\"0\"/>",
                spacing(LINE),
                indent_two_chars(SANHAO)
            ),
            &rpr(HEADING1_FONT.0, SANHAO, false),
        ),
        style(
            "Heading2",
            "heading 2",
            &format!(
                "<w:keepNext/>{}{}<w:outlineLvl w:val=\"1\"/>",
                spacing(LINE),
                indent_two_chars(SANHAO)
            ),
            &rpr(HEADING2_FONT.0, SANHAO, false),
        ),
        style(
            "TableCaption",
            "Table Caption",
            &format!("<w:keepNext/>{}{NO_INDENT}{center}", spacing(LINE)),
            &rpr(HEADING1_FONT.0, SIHAO, false),
        ),
        style(
            "FigureCaption",
            "caption",
            &format!("{}{NO_INDENT}{center}", spacing(LINE)),
            &rpr(HEADING1_FONT.0, SIHAO, false),
        ),
        style(
            "Figure",
            "Figure",
            &format!(
                "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>{NO_INDENT}{center}"
            ),
            &rpr(body, SANHAO, false),
        ),
        style(
            "TableNote",
            "Table Note",
            &format!("{}{NO_INDENT}<w:jc w:val=\"both\"/>", spacing(TABLE_LINE)),
            &rpr(body, XIAOSI, false),
        ),
        style(
            "Footer",
            "footer",
            &format!("{}{NO_INDENT}{center}", spacing(0)),
            &rpr(PAGE_NUMBER_FONT.0, SIHAO, false),
        ),
    ];
    list.extend(table_styles("", XIAOSI));
    list.extend(table_styles("Wide", WUHAO));
    format!(
        "{}<w:docDefaults><w:rPrDefault>{}</w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>{}<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style></w:styles>",
        docx::root("styles"),
        rpr(body, SANHAO, false).replace(
            "</w:rPr>",
            "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr>"
        ),
        list.concat()
    )
}

/// word/fontTable.xml: every font named, each with its alternative.
pub fn font_table_xml() -> String {
    let mut x = docx::root("fonts");
    for (name, alt) in [TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_NUMBER_FONT] {
        x.push_str(&format!(
            "<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>"
        ));
    }
    x.push_str("</w:fonts>");
    x
}

/// word/settings.xml.
fn settings_xml() -> String {
    format!(
        "{}<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>",
        docx::root("settings")
    )
}

/// word/footer1.xml: `— n —`, n the PAGE field.
fn footer_xml() -> String {
    let field = |kind: &str| format!("<w:r><w:fldChar w:fldCharType=\"{kind}\"/></w:r>");
    format!(
        "{}<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>{}{}<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>{}{}{}{}</w:p></w:ftr>",
        docx::root("ftr"),
        docx::run("— ", false),
        field("begin"),
        field("separate"),
        docx::run("1", false),
        field("end"),
        docx::run(" —", false)
    )
}

/// `（截至2024年6月30日）` when the as-of date is not the year's end.
pub fn as_of_line(a: &Analysis) -> Option<String> {
    let d = a.settings.as_of;
    (d.month() != 12 || d.day() != 31).then(|| format!("（截至{}）", cn_date(d)))
}

/// 表1: activities and person-times of every type (metrics.json `totals`).
pub fn totals_table(a: &Analysis) -> Table {
    let w = text_width();
    let rows = a
        .figures
        .metrics
        .totals
        .iter()
        .map(|(t, v)| {
            vec![
                t.label().to_string(),
                v.activities.to_string(),
                v.person_times.to_string(),
            ]
        })
        .collect();
    Table {
        widths: vec![w - 2 * (w * 3 / 10), w * 3 / 10, w * 3 / 10],
        header: vec!["活动类型".into(), "活动次数".into(), "参与人次".into()],
        rows,
        cell_style: "TableText".into(),
        header_style: "TableHeading".into(),
    }
}

/// 表2: per branch, each requirement's periods met of periods due (`—` when none is due
/// yet), and the months with any activity.
pub fn requirement_table(a: &Analysis) -> Table {
    let m = &a.figures.metrics;
    let reqs = &a.settings.plan.requirements;
    let mut header = vec!["党支部".to_string()];
    header.extend(reqs.iter().map(charts::requirement_label));
    header.push("有活动的月份".into());
    let rows = m
        .branches
        .iter()
        .map(|b| {
            let mut row = vec![b.branch.clone()];
            for r in reqs {
                let cell = b
                    .requirements
                    .iter()
                    .find(|x| x.activity == r.activity)
                    .filter(|x| x.periods > 0)
                    .map(|x| format!("{}/{}", x.met, x.periods))
                    .unwrap_or_else(|| "—".into());
                row.push(cell);
            }
            row.push(b.active_months.to_string());
            row
        })
        .collect();
    name_first_table(header, rows)
}

/// 表2 with units (SPEC 6.1: per unit when units are given): each unit, lowest mean coverage
/// first, with its branches, each requirement's coverage, and its branches below target.
pub fn unit_requirement_table(a: &Analysis) -> Table {
    let m = &a.figures.metrics;
    let reqs = &a.settings.plan.requirements;
    let mut header = vec!["上级党组织".to_string(), "支部数".to_string()];
    // The caption says 达标率; the headers name the requirement only, so they wrap less.
    header.extend(reqs.iter().map(|r| r.activity.label().to_string()));
    header.push("未达标支部数".into());
    let rows = m
        .units
        .iter()
        .map(|u| {
            let mut row = vec![u.unit.clone(), u.branches.to_string()];
            row.extend(reqs.iter().map(|r| {
                u.coverage
                    .requirements
                    .get(&r.activity)
                    .copied()
                    .map_or_else(|| "—".to_string(), pct)
            }));
            row.push(u.below_target_branches.to_string());
            row
        })
        .collect();
    name_first_table(header, rows)
}

/// A table of a name column (a branch or unit) and a column per figure, in 五号: each column
/// as wide as its widest value (so `89.2%` never breaks) and its header on two lines (three
/// when long), the name column taking what is left, up to its longest name.
fn name_first_table(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    Table {
        widths: content_widths(&header, &rows, text_width()),
        header,
        rows,
        cell_style: "WideTableText".into(),
        header_style: "WideTableHeading".into(),
    }
}

/// Column widths in twips summing to `total`; see [`name_first_table`].
fn content_widths(header: &[String], rows: &[Vec<String>], total: u32) -> Vec<u32> {
    // A half-width character of 五号 is 105 twips; the cell margins take 108 on each side.
    let twips = |chars: usize| chars as u32 * 105 + 2 * 108 + 60;
    let widest = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|v| display_width(v))
            .max()
            .unwrap_or(0)
    };
    let mut widths: Vec<u32> = (1..header.len())
        .map(|c| {
            let h = display_width(&header[c]);
            twips(widest(c).max(h.div_ceil(if h > 12 { 3 } else { 2 })))
        })
        .collect();
    let figures: u32 = widths.iter().sum();
    let name_wanted = twips(widest(0).max(display_width(&header[0])));
    let name = name_wanted.min(total.saturating_sub(figures)).max(total / 5);
    // What is left over goes to the figures, evenly; when too little is left, all shrink alike.
    let spare = total.saturating_sub(name + figures);
    let share = spare / widths.len().max(1) as u32;
    widths.iter_mut().for_each(|w| *w += share);
    let sum: u32 = name + widths.iter().sum::<u32>();
    if sum > total {
        widths
            .iter_mut()
            .for_each(|w| *w = (*w as u64 * (total - name) as u64 / (sum - name) as u64) as u32);
    }
    let mut out = vec![total - widths.iter().sum::<u32>()];
    out.extend(widths);
    out
}

/// Numbers the tables and figures in the order they appear.
struct Numbering {
    tables: usize,
    figures: usize,
}

/// Writes the tables and figures that follow a section.
fn attachments(d: &mut DocxBuilder, a: &Analysis, pictures: &Pictures, part: Part, n: &mut Numbering) -> Result<()> {
    let year = a.settings.year;
    let mut table = |d: &mut DocxBuilder, title: String, t: Table, note: Option<&str>| {
        n.tables += 1;
        d.text("TableCaption", &format!("表{}　{title}", n.tables));
        d.table(&t);
        if let Some(note) = note {
            d.text("TableNote", note);
        }
    };
    let mut charts_here = Vec::new();
    match part {
        Part::Activities => {
            table(d, format!("{year}年各类活动开展情况"), totals_table(a), None);
            charts_here.push(Chart::Trend);
        }
        Part::Rules if !a.figures.metrics.units.is_empty() => {
            table(
                d,
                format!("{year}年各单位制度要求达标情况（按平均达标率从低到高）"),
                unit_requirement_table(a),
                Some(
                    "注：达标率为本单位各支部达标期数之和除以应考核期数之和，“—”表示尚无到期的考核期；各支部明细见统计工作簿“支部达标”表。",
                ),
            );
            charts_here.push(Chart::Branches);
        }
        Part::Rules => {
            table(
                d,
                format!("{year}年各支部制度要求完成情况（达标期数/应考核期数）"),
                requirement_table(a),
                Some(
                    "注：表中为达标的考核期数/应考核的考核期数，“—”表示尚无到期的考核期；各期明细见统计工作簿“支部达标”表。",
                ),
            );
            charts_here.push(Chart::Branches);
        }
        Part::Members => charts_here.push(Chart::Attendance),
        Part::DataQuality => {}
    }
    for chart in charts_here {
        let title = chart.data(a)?.title;
        let png = pictures.png(a, chart)?;
        n.figures += 1;
        d.picture("Figure", &png, PICTURE_MM, &title);
        d.text("FigureCaption", &format!("图{}　{title}", n.figures));
    }
    Ok(())
}

/// The report's bytes.
pub fn report_bytes(a: &Analysis, pictures: &Pictures) -> Result<Vec<u8>> {
    let s = summary::build(a);
    let mut d = DocxBuilder::new();
    d.text("Title", &s.title);
    if let Some(line) = as_of_line(a) {
        d.text("Subtitle", &line);
    }
    d.xml(&docx::paragraph("Normal", ""));
    for p in &s.intro {
        d.text("Normal", p);
    }
    let mut n = Numbering { tables: 0, figures: 0 };
    for section in &s.sections {
        d.text("Heading1", &section.heading);
        for p in &section.paragraphs {
            d.text("Normal", p);
        }
        attachments(&mut d, a, pictures, section.part, &mut n)?;
    }
    let parts = Parts {
        styles: styles_xml(),
        font_table: font_table_xml(),
        settings: settings_xml(),
        footer: footer_xml(),
        title: s.title.clone(),
        created: format!("{}T00:00:00Z", a.settings.as_of),
    };
    d.finish(&page(), &parts)
}

/// 报告_<year>.docx.
pub struct ReportDocx {
    pub pictures: Arc<Pictures>,
}

impl Exporter for ReportDocx {
    fn name(&self, a: &Analysis) -> String {
        file_name(a.settings.year)
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        std::fs::write(path, report_bytes(a, &self.pictures)?)?;
        Ok(())
    }
    fn notes(&self) -> Vec<String> {
        self.pictures.note().into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn wide_table_columns_fit_their_values_and_fill_the_text_width() {
        let header = strings(&["上级党组织", "支部数", "支部党员大会", "支部委员会", "未达标支部数"]);
        let rows = vec![
            strings(&["江城中级人民法院党组", "20", "100%", "85.8%", "17"]),
            strings(&["临川第一人民法院党组", "3", "—", "89.2%", "2"]),
        ];
        let total = text_width();
        let widths = content_widths(&header, &rows, total);
        assert_eq!(widths.len(), header.len());
        assert_eq!(widths.iter().sum::<u32>(), total);
        // 85.8% (5 half-width characters) on one line, the longest name on one line.
        assert!(widths[3] >= 5 * 105 + 2 * 108, "{widths:?}");
        assert!(
            widths[0] >= display_width("江城中级人民法院党组") as u32 * 105 + 2 * 108,
            "{widths:?}"
        );
    }

    #[test]
    fn too_many_columns_shrink_alike_and_still_sum_to_the_width() {
        let header: Vec<String> = (0..12).map(|i| format!("要求{i}（每月每个党小组1次）")).collect();
        let rows = vec![header.iter().map(|_| "12/12".to_string()).collect()];
        let widths = content_widths(&header, &rows, 4000);
        assert_eq!(widths.iter().sum::<u32>(), 4000);
        assert!(widths.iter().all(|w| *w > 0), "{widths:?}");
    }
}
