//! 报告_<year>.docx and charts/*.png of the bundled samples, read back: the package unzipped
//! and its XML parsed with quick-xml. Checks the page (A4, GB/T 9704 margins, `— n —`
//! footer), the fonts and sizes named in the styles, the text against summary_<year>.md and
//! the tables against metrics.json, the three pictures (≥ 1600 px, decodable, not blank),
//! the schema order of the elements we write, unique picture ids, the same bytes on every
//! run, `--no-report` and `--as-of`.

mod common;

use branchstat::pipeline::{Analysis, analyze};
use branchstat::report::pictures::{ChartFonts, PNG_WIDTH, Pictures, png_size};
use branchstat::report::{report_docx, summary};
use common::*;
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The samples' analysis and its outputs, computed once for every test here.
fn outputs() -> &'static (Analysis, PathBuf) {
    static OUT: OnceLock<(Analysis, PathBuf)> = OnceLock::new();
    OUT.get_or_init(|| {
        let a = run_samples();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_docx");
        branchstat::report::write_outputs(&a, &dir).expect("outputs written");
        (a, dir)
    })
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        out.insert(f.name().expect("entry name").to_string(), buf);
    }
    out
}

fn package() -> &'static BTreeMap<String, Vec<u8>> {
    static P: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    P.get_or_init(|| {
        let (a, dir) = outputs();
        unzip(&std::fs::read(dir.join(report_docx::file_name(a.settings.year))).expect("report written"))
    })
}

/// A parsed XML element: name, attributes, children, and the text directly inside it.
#[derive(Debug, Default, Clone)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    /// Every descendant (and self) of the given name, in document order.
    fn all<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        if self.name == name {
            out.push(self);
        }
        for c in &self.children {
            c.all(name, out);
        }
    }
    fn find_all(&self, name: &str) -> Vec<&Node> {
        let mut out = Vec::new();
        self.all(name, &mut out);
        out
    }
    /// The text of every `w:t` inside, joined.
    fn w_text(&self) -> String {
        self.find_all("w:t").iter().map(|t| t.text.as_str()).collect()
    }
    /// A paragraph's style id.
    fn style(&self) -> Option<&str> {
        self.child("w:pPr")
            .and_then(|p| p.child("w:pStyle"))
            .and_then(|s| s.attr("w:val"))
    }
}

fn start_node(e: &quick_xml::events::BytesStart) -> Node {
    Node {
        name: e.name().as_ref().to_string(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (a.key.as_ref().to_string(), unescape(&a.value))
            })
            .collect(),
        ..Default::default()
    }
}

fn parse(xml: &[u8]) -> Node {
    let text = std::str::from_utf8(xml).expect("UTF-8 XML");
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(start_node(&e)),
            Event::Empty(e) => {
                let n = start_node(&e);
                stack.last_mut().unwrap().children.push(n);
            }
            Event::End(_) => {
                let n = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(n);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&unescape(&t)),
            Event::GeneralRef(r) => {
                let name = r.to_string();
                stack.last_mut().unwrap().text.push_str(&unescape(&format!("&{name};")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut doc = stack.pop().unwrap();
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap()
}

fn part(name: &str) -> Node {
    parse(package().get(name).unwrap_or_else(|| panic!("{name} in the package")))
}

fn document() -> &'static Node {
    static D: OnceLock<Node> = OnceLock::new();
    D.get_or_init(|| part("word/document.xml"))
}

fn metrics() -> Value {
    let (_, dir) = outputs();
    serde_json::from_slice(&std::fs::read(dir.join("metrics.json")).unwrap()).unwrap()
}

#[test]
fn package_has_every_part() {
    let p = package();
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "word/document.xml",
        "word/styles.xml",
        "word/fontTable.xml",
        "word/settings.xml",
        "word/footer1.xml",
        "word/_rels/document.xml.rels",
        "word/media/image1.png",
        "word/media/image2.png",
        "word/media/image3.png",
    ] {
        assert!(p.contains_key(name), "{name}");
    }
    // Every relationship of the document points at a part that exists.
    let rels = part("word/_rels/document.xml.rels");
    for r in rels.find_all("Relationship") {
        let target = format!("word/{}", r.attr("Target").unwrap());
        assert!(p.contains_key(&target), "{target}");
    }
    for part_name in p.keys().filter(|k| k.ends_with(".xml") || k.ends_with(".rels")) {
        parse(&p[part_name]);
    }
}

#[test]
fn a4_page_with_gb_t_9704_margins_and_page_numbers() {
    let sect = document().find_all("w:sectPr")[0].clone();
    let sz = sect.child("w:pgSz").unwrap();
    assert_eq!((sz.attr("w:w"), sz.attr("w:h")), (Some("11906"), Some("16838")));
    let mar = sect.child("w:pgMar").unwrap();
    let twips = |k: &str| mar.attr(k).unwrap().parse::<f64>().unwrap() * 25.4 / 1440.0;
    for (k, mm) in [("w:top", 37.0), ("w:bottom", 35.0), ("w:left", 28.0), ("w:right", 26.0)] {
        assert!((twips(k) - mm).abs() < 0.05, "{k}: {} mm", twips(k));
    }
    let footer_ref = sect.child("w:footerReference").unwrap();
    assert_eq!(footer_ref.attr("w:type"), Some("default"));
    let footer = part("word/footer1.xml");
    let p = &footer.find_all("w:p")[0];
    assert_eq!(p.w_text(), "— 1 —");
    let instr: String = footer.find_all("w:instrText").iter().map(|t| t.text.clone()).collect();
    assert_eq!(instr.trim(), "PAGE");
    let styles = part("word/styles.xml");
    let footer_style = style_of(&styles, p.style().unwrap());
    assert_eq!(jc(footer_style), Some("center"));
}

fn style_of<'a>(styles: &'a Node, id: &str) -> &'a Node {
    styles
        .find_all("w:style")
        .into_iter()
        .find(|s| s.attr("w:styleId") == Some(id))
        .unwrap_or_else(|| panic!("style {id}"))
}

fn east_asia(style: &Node) -> &str {
    style.find_all("w:rFonts")[0].attr("w:eastAsia").unwrap()
}

fn size(style: &Node) -> u32 {
    style.find_all("w:sz")[0].attr("w:val").unwrap().parse().unwrap()
}

fn jc(style: &Node) -> Option<&str> {
    style.find_all("w:jc").first().and_then(|j| j.attr("w:val"))
}

#[test]
fn fonts_sizes_indent_and_spacing_named_in_the_styles() {
    let styles = part("word/styles.xml");
    let normal = style_of(&styles, "Normal");
    assert_eq!(east_asia(normal), "仿宋_GB2312");
    assert_eq!(size(normal), 32, "三号");
    let ind = &normal.find_all("w:ind")[0];
    assert_eq!(ind.attr("w:firstLineChars"), Some("200"));
    assert_eq!(ind.attr("w:firstLine"), Some("640"));
    let sp = &normal.find_all("w:spacing")[0];
    assert_eq!(sp.attr("w:lineRule"), Some("exact"));
    let line: u32 = sp.attr("w:line").unwrap().parse().unwrap();
    assert!((560..=600).contains(&line), "28–30 pt: {line}");

    let title = style_of(&styles, "Title");
    assert_eq!(east_asia(title), "方正小标宋简体");
    assert_eq!(size(title), 44, "二号");
    assert_eq!(jc(title), Some("center"));
    let h1 = style_of(&styles, "Heading1");
    assert_eq!((east_asia(h1), size(h1)), ("黑体", 32));
    let h2 = style_of(&styles, "Heading2");
    assert_eq!((east_asia(h2), size(h2)), ("楷体_GB2312", 32));

    let fonts = part("word/fontTable.xml");
    let alt: BTreeMap<&str, &str> = fonts
        .find_all("w:font")
        .iter()
        .map(|f| {
            (
                f.attr("w:name").unwrap(),
                f.child("w:altName").unwrap().attr("w:val").unwrap(),
            )
        })
        .collect();
    assert_eq!(alt["方正小标宋简体"], "宋体");
    assert_eq!(alt["仿宋_GB2312"], "仿宋");
    assert_eq!(alt["楷体_GB2312"], "楷体");
    assert!(alt.contains_key("黑体"));
    // Every font a style names is in the font table.
    for f in styles.find_all("w:rFonts") {
        assert!(alt.contains_key(f.attr("w:eastAsia").unwrap()));
    }
}

/// The document's paragraphs of a style, as text.
fn paragraphs(style: &str) -> Vec<String> {
    document()
        .find_all("w:p")
        .into_iter()
        .filter(|p| p.style() == Some(style))
        .map(|p| p.w_text())
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn text_is_the_summary_text() {
    let (a, dir) = outputs();
    let s = summary::build(a);
    assert_eq!(paragraphs("Title"), vec![s.title.clone()]);
    let headings: Vec<String> = s.sections.iter().map(|x| x.heading.clone()).collect();
    assert_eq!(paragraphs("Heading1"), headings);
    let mut body = s.intro.clone();
    body.extend(s.sections.iter().flat_map(|x| x.paragraphs.clone()));
    assert_eq!(paragraphs("Normal"), body);
    // …and the same as summary_2024.md, line for line.
    let md = std::fs::read_to_string(dir.join("summary_2024.md")).unwrap();
    let md_body: Vec<&str> = md.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    assert_eq!(paragraphs("Normal"), md_body);
    assert!(paragraphs("Subtitle").is_empty(), "no 截至 line for the whole year");
}

#[test]
fn figures_in_text_and_tables_equal_metrics_json() {
    let m = metrics();
    let meetings = m["totals"]["member_meeting"]["activities"].as_i64().unwrap();
    let body = paragraphs("Normal").join("");
    assert!(body.contains(&format!("共召开支部党员大会{meetings}次")), "{body}");

    let tables = document().find_all("w:tbl");
    assert_eq!(tables.len(), 2);
    let cells = |t: &Node| -> Vec<Vec<String>> {
        t.find_all("w:tr")
            .iter()
            .map(|r| r.find_all("w:tc").iter().map(|c| c.w_text()).collect())
            .collect()
    };
    // 表1: every type of metrics.json's totals, in order.
    let t1 = cells(tables[0]);
    assert_eq!(t1[0], ["活动类型", "活动次数", "参与人次"]);
    let totals = m["totals"].as_object().unwrap();
    assert_eq!(t1.len() - 1, totals.len());
    for (row, (code, v)) in t1[1..].iter().zip(totals) {
        let label = branchstat::vocab::ActivityType::from_code(code).unwrap().label();
        assert_eq!(
            row,
            &[
                label.to_string(),
                v["activities"].to_string(),
                v["person_times"].to_string()
            ]
        );
    }
    assert_eq!(t1[1][1], meetings.to_string());
    // 表2: per branch, met/periods of each requirement, then active months.
    let t2 = cells(tables[1]);
    let branches = m["branches"].as_array().unwrap();
    assert_eq!(t2.len() - 1, branches.len());
    assert_eq!(t2[0][0], "党支部");
    for (row, b) in t2[1..].iter().zip(branches) {
        assert_eq!(row[0], b["branch"].as_str().unwrap());
        let reqs = b["requirements"].as_array().unwrap();
        for (cell, r) in row[1..].iter().zip(reqs) {
            assert_eq!(cell, &format!("{}/{}", r["met"], r["periods"]));
        }
        assert_eq!(row.last().unwrap(), &b["active_months"].to_string());
    }
    // The header row repeats on every page.
    for t in tables {
        assert!(t.find_all("w:tr")[0].find_all("w:tblHeader").len() == 1);
    }
}

#[test]
fn three_pictures_with_captions_wide_decodable_and_not_blank() {
    let (_, dir) = outputs();
    let captions = paragraphs("FigureCaption");
    assert_eq!(captions.len(), 3);
    for (i, c) in captions.iter().enumerate() {
        assert!(c.starts_with(&format!("图{}　", i + 1)), "{c}");
    }
    let drawings = document().find_all("w:drawing");
    assert_eq!(drawings.len(), 3);
    let mut embedded = Vec::new();
    for n in 1..=3 {
        let png = &package()[&format!("word/media/image{n}.png")];
        let (w, h) = png_size(png).expect("a PNG");
        assert!(w >= 1600, "image{n}: {w} px");
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(png).expect("decodes");
        assert_eq!((pixmap.width(), pixmap.height()), (w, h));
        let inked = pixmap
            .pixels()
            .iter()
            .filter(|p| p.red() < 200 || p.green() < 200 || p.blue() < 200)
            .count();
        assert!(
            inked * 100 > pixmap.pixels().len(),
            "image{n}: only {inked} dark pixels"
        );
        embedded.push(png.clone());
    }
    // The same pictures as charts/*.png (图1 trend, 图2 branches, 图3 attendance).
    for stem in ["branch_counts", "monthly_trend", "attendance"] {
        let file = std::fs::read(dir.join(format!("charts/{stem}.png"))).unwrap();
        assert_eq!(png_size(&file).unwrap().0, PNG_WIDTH);
        assert!(embedded.contains(&file), "{stem}.png embedded");
    }
}

#[test]
fn chinese_text_is_drawn_when_a_cjk_font_is_installed() {
    let fonts = ChartFonts::load();
    let Some(family) = fonts.family() else {
        eprintln!("no CJK font on this machine: the glyph check is skipped (.ci/run installs fonts-noto-cjk)");
        return;
    };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"100\" font-family=\"{}\"><text x=\"10\" y=\"60\" font-size=\"40\">党支部参会率</text></svg>",
        branchstat::report::charts::FONT_FAMILY
    );
    let png = fonts.render_png(&svg).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    let inked = pixmap.pixels().iter().filter(|p| p.red() < 128).count();
    assert!(inked > 1000, "{family}: the text was not drawn ({inked} dark pixels)");
}

/// Schema sequences (ECMA-376 Part 1, wml.xsd and dml-*.xsd) of the elements we write:
/// the children present must appear in this order, and only these.
fn sequences() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "w:rPr",
            vec![
                "w:rStyle",
                "w:rFonts",
                "w:b",
                "w:bCs",
                "w:i",
                "w:iCs",
                "w:caps",
                "w:smallCaps",
                "w:strike",
                "w:dstrike",
                "w:outline",
                "w:shadow",
                "w:emboss",
                "w:imprint",
                "w:noProof",
                "w:snapToGrid",
                "w:vanish",
                "w:webHidden",
                "w:color",
                "w:spacing",
                "w:w",
                "w:kern",
                "w:position",
                "w:sz",
                "w:szCs",
                "w:highlight",
                "w:u",
                "w:effect",
                "w:bdr",
                "w:shd",
                "w:fitText",
                "w:vertAlign",
                "w:rtl",
                "w:cs",
                "w:em",
                "w:lang",
                "w:eastAsianLayout",
                "w:specVanish",
                "w:oMath",
            ],
        ),
        (
            "w:pPr",
            vec![
                "w:pStyle",
                "w:keepNext",
                "w:keepLines",
                "w:pageBreakBefore",
                "w:framePr",
                "w:widowControl",
                "w:numPr",
                "w:suppressLineNumbers",
                "w:pBdr",
                "w:shd",
                "w:tabs",
                "w:suppressAutoHyphens",
                "w:kinsoku",
                "w:wordWrap",
                "w:overflowPunct",
                "w:topLinePunct",
                "w:autoSpaceDE",
                "w:autoSpaceDN",
                "w:bidi",
                "w:adjustRightInd",
                "w:snapToGrid",
                "w:spacing",
                "w:ind",
                "w:contextualSpacing",
                "w:mirrorIndents",
                "w:suppressOverlap",
                "w:jc",
                "w:textDirection",
                "w:textAlignment",
                "w:textboxTightWrap",
                "w:outlineLvl",
                "w:divId",
                "w:cnfStyle",
                "w:rPr",
                "w:sectPr",
                "w:pPrChange",
            ],
        ),
        (
            "w:sectPr",
            vec![
                "w:headerReference|w:footerReference",
                "w:footnotePr",
                "w:endnotePr",
                "w:type",
                "w:pgSz",
                "w:pgMar",
                "w:paperSrc",
                "w:pgBorders",
                "w:lnNumType",
                "w:pgNumType",
                "w:cols",
                "w:formProt",
                "w:vAlign",
                "w:noEndnote",
                "w:titlePg",
                "w:textDirection",
                "w:bidi",
                "w:rtlGutter",
                "w:docGrid",
                "w:printerSettings",
                "w:sectPrChange",
            ],
        ),
        ("w:tbl", vec!["w:tblPr", "w:tblGrid", "w:tr"]),
        (
            "w:tblPr",
            vec![
                "w:tblStyle",
                "w:tblpPr",
                "w:tblOverlap",
                "w:bidiVisual",
                "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize",
                "w:tblW",
                "w:jc",
                "w:tblCellSpacing",
                "w:tblInd",
                "w:tblBorders",
                "w:shd",
                "w:tblLayout",
                "w:tblCellMar",
                "w:tblLook",
                "w:tblCaption",
                "w:tblDescription",
            ],
        ),
        (
            "w:tblBorders",
            vec![
                "w:top",
                "w:left|w:start",
                "w:bottom",
                "w:right|w:end",
                "w:insideH",
                "w:insideV",
            ],
        ),
        ("w:tr", vec!["w:tblPrEx", "w:trPr", "w:tc"]),
        ("w:tc", vec!["w:tcPr", "w:p|w:tbl"]),
        (
            "w:tcPr",
            vec![
                "w:cnfStyle",
                "w:tcW",
                "w:gridSpan",
                "w:hMerge",
                "w:vMerge",
                "w:tcBorders",
                "w:shd",
                "w:noWrap",
                "w:tcMar",
                "w:textDirection",
                "w:tcFitText",
                "w:vAlign",
                "w:hideMark",
            ],
        ),
        (
            "w:p",
            vec!["w:pPr", "w:r|w:hyperlink|w:fldSimple|w:bookmarkStart|w:bookmarkEnd"],
        ),
        ("w:r", vec!["w:rPr", "w:t|w:drawing|w:fldChar|w:instrText|w:tab|w:br"]),
        ("w:drawing", vec!["wp:inline|wp:anchor"]),
        (
            "wp:inline",
            vec![
                "wp:extent",
                "wp:effectExtent",
                "wp:docPr",
                "wp:cNvGraphicFramePr",
                "a:graphic",
            ],
        ),
        ("pic:pic", vec!["pic:nvPicPr", "pic:blipFill", "pic:spPr"]),
        ("pic:nvPicPr", vec!["pic:cNvPr", "pic:cNvPicPr"]),
        ("pic:blipFill", vec!["a:blip", "a:srcRect", "a:tile|a:stretch"]),
        ("pic:spPr", vec!["a:xfrm", "a:custGeom|a:prstGeom"]),
        ("a:xfrm", vec!["a:off", "a:ext"]),
        (
            "w:style",
            vec![
                "w:name",
                "w:aliases",
                "w:basedOn",
                "w:next",
                "w:link",
                "w:autoRedefine",
                "w:hidden",
                "w:uiPriority",
                "w:semiHidden",
                "w:unhideWhenUsed",
                "w:qFormat",
                "w:locked",
                "w:personal",
                "w:personalCompose",
                "w:personalReply",
                "w:rsid",
                "w:pPr",
                "w:rPr",
                "w:tblPr",
                "w:trPr",
                "w:tcPr",
                "w:tblStylePr",
            ],
        ),
        ("w:styles", vec!["w:docDefaults", "w:latentStyles", "w:style"]),
        (
            "w:font",
            vec![
                "w:altName",
                "w:panose1",
                "w:charset",
                "w:family",
                "w:notTrueType",
                "w:pitch",
                "w:sig",
            ],
        ),
        ("w:body", vec!["w:p|w:tbl", "w:sectPr"]),
    ]
}

/// Asserts the children of every element named in [`sequences`] follow the schema order.
fn check_order(node: &Node, seqs: &[(&str, Vec<&str>)], where_: &str) {
    if let Some((_, seq)) = seqs.iter().find(|(n, _)| *n == node.name) {
        let pos = |child: &str| seq.iter().position(|s| s.split('|').any(|x| x == child));
        let mut last = 0;
        for c in &node.children {
            let p = pos(&c.name).unwrap_or_else(|| panic!("{where_}: <{}> may not hold <{}>", node.name, c.name));
            assert!(
                p >= last,
                "{where_}: in <{}>, <{}> comes after {:?}",
                node.name,
                c.name,
                seq[last]
            );
            last = p;
        }
    }
    for c in &node.children {
        check_order(c, seqs, where_);
    }
}

#[test]
fn elements_in_schema_order() {
    let seqs = sequences();
    for name in [
        "word/document.xml",
        "word/styles.xml",
        "word/footer1.xml",
        "word/fontTable.xml",
    ] {
        check_order(&part(name), &seqs, name);
    }
    // The checker itself catches an element out of order.
    let bad = parse(b"<w:rPr><w:sz w:val=\"32\"/><w:rFonts w:eastAsia=\"x\"/></w:rPr>");
    let caught = std::panic::catch_unwind(|| check_order(&bad, &sequences(), "test"));
    assert!(caught.is_err());
}

#[test]
fn picture_ids_are_unique() {
    let doc = document();
    let ids: Vec<&str> = doc.find_all("wp:docPr").iter().map(|d| d.attr("id").unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "{ids:?}");
    let embeds: Vec<&str> = doc
        .find_all("a:blip")
        .iter()
        .map(|b| b.attr("r:embed").unwrap())
        .collect();
    assert_eq!(embeds.iter().collect::<HashSet<_>>().len(), 3, "{embeds:?}");
}

fn branchstat(args: &[&str], out: &Path) -> std::process::Output {
    let s = samples();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_branchstat"))
        .arg("run")
        .arg(s.join("submissions"))
        .arg("--roster")
        .arg(s.join("roster.xlsx"))
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--no-feedback"])
        .args(args)
        .output()
        .expect("branchstat runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output
}

#[test]
fn same_bytes_on_every_run_and_no_report_skips_it() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two, three) = (dir.path().join("1"), dir.path().join("2"), dir.path().join("3"));
    branchstat(&[], &one);
    branchstat(&[], &two);
    let name = report_docx::file_name(2024);
    let first = std::fs::read(one.join(&name)).unwrap();
    assert_eq!(first, std::fs::read(two.join(&name)).unwrap(), "two processes");
    // In one process too, with fonts loaded again.
    let (a, _) = outputs();
    let again = report_docx::report_bytes(a, &Pictures::new()).unwrap();
    assert_eq!(again, report_docx::report_bytes(a, &Pictures::new()).unwrap());
    assert_eq!(unzip(&again)["word/document.xml"], unzip(&first)["word/document.xml"]);

    branchstat(&["--no-report"], &three);
    assert!(!three.join(&name).exists());
    assert!(
        three.join("charts/attendance.png").exists(),
        "the PNG charts are still written"
    );
    assert!(three.join("summary_2024.md").exists());
}

#[test]
fn as_of_puts_jiezhi_under_the_title_and_in_the_text() {
    let s = samples();
    let mut c = config(&s.join("submissions"), Some(&s.join("roster.xlsx")), Some(2024));
    c.as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30);
    let a = analyze(&c).unwrap();
    let bytes = report_docx::report_bytes(&a, &Pictures::new()).unwrap();
    let doc = parse(&unzip(&bytes)["word/document.xml"]);
    let texts: Vec<(Option<String>, String)> = doc
        .find_all("w:p")
        .iter()
        .map(|p| (p.style().map(String::from), p.w_text()))
        .collect();
    assert!(texts.contains(&(Some("Subtitle".into()), "（截至2024年6月30日）".into())));
    let md = summary::render(&a);
    let first = md.lines().find(|l| l.starts_with("截至")).unwrap();
    assert!(first.starts_with("截至2024年6月30日，共召开"));
    assert!(texts.iter().any(|(s, t)| s.as_deref() == Some("Normal") && t == first));
}
