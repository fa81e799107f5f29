//! A small writer of WordprocessingML (.docx) packages. In: paragraphs, tables and PNG
//! pictures appended to a [`DocxBuilder`], and the fixed parts (styles, font table,
//! settings, footer) as XML text. Out: the bytes of a .docx zip.
//!
//! Written by hand rather than with docx-rs 0.4.22, which writes elements out of schema
//! order (its issue #724: Word may refuse to repair such files), gives every picture the
//! same `wp:docPr id`, and cannot write a first-line indent in characters
//! (`w:firstLineChars`). Here every element is written in the order of the ECMA-376
//! schema sequences (CT_PPr, CT_RPr, CT_SectPr, CT_Tbl, CT_Inline; checked by
//! tests/report_docx.rs), picture ids count up from 1, and the zip is stored (no
//! compression: the PNGs are compressed already) with fixed entry times, so the same input
//! gives the same bytes.

use super::charts::xml_escape;
use anyhow::Result;
use std::fmt::Write as _;
use std::io::Write as _;

/// English Metric Units per millimetre (pictures are sized in EMU).
pub const EMU_PER_MM: u64 = 36_000;

/// Twips (1/20 pt) from millimetres, rounded.
pub fn mm(x: f64) -> u32 {
    (x * 1440.0 / 25.4).round() as u32
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const WP_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";

/// The opening tag of a WordprocessingML part's root, with the namespaces every part uses
/// (`wp` at the root as Word writes it; `a` and `pic` are declared where they are used).
pub fn root(tag: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:{tag} xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\" xmlns:wp=\"{WP_NS}\">"
    )
}

/// A run of text, optionally bold; its font and size come from the paragraph's style.
pub fn run(text: &str, bold: bool) -> String {
    let props = if bold { "<w:rPr><w:b/><w:bCs/></w:rPr>" } else { "" };
    format!(
        "<w:r>{props}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        xml_escape(text)
    )
}

/// A paragraph of the given style holding the given runs (XML).
pub fn paragraph(style: &str, runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{runs}</w:p>")
}

/// A table: column widths in twips, a header row repeated on every page, body rows.
pub struct Table {
    pub widths: Vec<u32>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Paragraph style of the body cells and of the header cells.
    pub cell_style: String,
    pub header_style: String,
}

impl Table {
    fn row(&self, cells: &[String], header: bool) -> String {
        let mut x = String::from("<w:tr><w:trPr><w:cantSplit/>");
        if header {
            x.push_str("<w:tblHeader/>");
        }
        x.push_str("</w:trPr>");
        let style = if header { &self.header_style } else { &self.cell_style };
        for (i, cell) in cells.iter().enumerate() {
            let w = self.widths.get(i).copied().unwrap_or(1000);
            let _ = write!(
                x,
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
                paragraph(style, &run(cell, false))
            );
        }
        x.push_str("</w:tr>");
        x
    }

    /// The table's XML (CT_Tbl: tblPr, tblGrid, tr…).
    pub fn to_xml(&self) -> String {
        let total: u32 = self.widths.iter().sum();
        let border = |side: &str| format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>");
        let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
            .into_iter()
            .map(border)
            .collect();
        let mut x = format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>"
        );
        for w in &self.widths {
            let _ = write!(x, "<w:gridCol w:w=\"{w}\"/>");
        }
        x.push_str("</w:tblGrid>");
        x.push_str(&self.row(&self.header, true));
        for r in &self.rows {
            x.push_str(&self.row(r, false));
        }
        x.push_str("</w:tbl>");
        x
    }
}

/// An inline picture (CT_Inline: extent, effectExtent, docPr, cNvGraphicFramePr, graphic).
fn inline_picture(rel_id: &str, id: usize, name: &str, cx: u64, cy: u64) -> String {
    let name = xml_escape(name);
    format!(
        "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
<wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
<wp:docPr id=\"{id}\" name=\"图片 {id}\" descr=\"{name}\"/>\
<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
<a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
<pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
<pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"image{id}.png\" descr=\"{name}\"/><pic:cNvPicPr/></pic:nvPicPr>\
<pic:blipFill><a:blip r:embed=\"{rel_id}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>\
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )
}

/// Page size, margins and footer distance, in twips.
pub struct Page {
    pub width: u32,
    pub height: u32,
    pub top: u32,
    pub bottom: u32,
    pub left: u32,
    pub right: u32,
    pub header: u32,
    pub footer: u32,
}

/// The parts of a package besides the body and the pictures, as XML text.
pub struct Parts {
    pub styles: String,
    pub font_table: String,
    pub settings: String,
    /// The footer of every page (word/footer1.xml).
    pub footer: String,
    /// Document title for docProps/core.xml.
    pub title: String,
    /// Creation and modification time for docProps/core.xml (`2024-12-31T00:00:00Z`): fixed
    /// by the input, so two runs give the same bytes.
    pub created: String,
}

/// Builds the body of word/document.xml and collects its pictures.
#[derive(Default)]
pub struct DocxBuilder {
    body: String,
    images: Vec<Vec<u8>>,
}

/// The relationship id of the n-th picture (1-based); rId1–rId4 are the fixed parts.
fn image_rel(n: usize) -> String {
    format!("rId{}", n + 4)
}

impl DocxBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a paragraph of one run of text.
    pub fn text(&mut self, style: &str, text: &str) {
        self.body.push_str(&paragraph(style, &run(text, false)));
    }

    /// Appends raw body XML (a paragraph or table built by the caller).
    pub fn xml(&mut self, xml: &str) {
        self.body.push_str(xml);
    }

    pub fn table(&mut self, table: &Table) {
        self.body.push_str(&table.to_xml());
    }

    /// Appends a paragraph holding a PNG picture `width_mm` wide, its height from the
    /// picture's own proportions; `descr` is its alternative text.
    pub fn picture(&mut self, style: &str, png: &[u8], width_mm: f64, descr: &str) {
        let (w, h) = super::pictures::png_size(png).unwrap_or((4, 3));
        let cx = (width_mm * EMU_PER_MM as f64).round() as u64;
        let cy = cx * u64::from(h) / u64::from(w.max(1));
        self.images.push(png.to_vec());
        let n = self.images.len();
        let xml = inline_picture(&image_rel(n), n, descr, cx, cy);
        self.body.push_str(&paragraph(style, &xml));
    }

    /// The whole package as .docx bytes.
    pub fn finish(self, page: &Page, parts: &Parts) -> Result<Vec<u8>> {
        let document = self.document_xml(page);
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("[Content_Types].xml".into(), content_types().into_bytes()),
            ("_rels/.rels".into(), PACKAGE_RELS.as_bytes().to_vec()),
            ("docProps/core.xml".into(), core_xml(parts).into_bytes()),
            ("docProps/app.xml".into(), APP_XML.as_bytes().to_vec()),
            ("word/document.xml".into(), document.into_bytes()),
            ("word/styles.xml".into(), parts.styles.clone().into_bytes()),
            ("word/settings.xml".into(), parts.settings.clone().into_bytes()),
            ("word/fontTable.xml".into(), parts.font_table.clone().into_bytes()),
            ("word/footer1.xml".into(), parts.footer.clone().into_bytes()),
            (
                "word/_rels/document.xml.rels".into(),
                document_rels(self.images.len()).into_bytes(),
            ),
        ];
        for (i, png) in self.images.into_iter().enumerate() {
            files.push((format!("word/media/image{}.png", i + 1), png));
        }
        zip_stored(&files)
    }

    fn document_xml(&self, page: &Page) -> String {
        let Page {
            width,
            height,
            top,
            bottom,
            left,
            right,
            header,
            footer,
        } = page;
        format!(
            "{}<w:body>{}<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId4\"/><w:pgSz w:w=\"{width}\" w:h=\"{height}\"/><w:pgMar w:top=\"{top}\" w:right=\"{right}\" w:bottom=\"{bottom}\" w:left=\"{left}\" w:header=\"{header}\" w:footer=\"{footer}\" w:gutter=\"0\"/><w:cols w:space=\"425\"/></w:sectPr></w:body></w:document>",
            root("document"),
            self.body
        )
    }
}

fn content_types() -> String {
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"{wml}.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"{wml}.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"{wml}.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"{wml}.fontTable+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"{wml}.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>"
    )
}

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>branchstat</Application><DocSecurity>0</DocSecurity></Properties>";

fn core_xml(parts: &Parts) -> String {
    let t = xml_escape(&parts.created);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<dc:title>{}</dc:title><dc:creator>branchstat</dc:creator>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{t}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{t}</dcterms:modified>\
</cp:coreProperties>",
        xml_escape(&parts.title)
    )
}

fn document_rels(images: usize) -> String {
    let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"{base}/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"{base}/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"{base}/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rId4\" Type=\"{base}/footer\" Target=\"footer1.xml\"/>"
    );
    for n in 1..=images {
        let _ = write!(
            x,
            "<Relationship Id=\"{}\" Type=\"{base}/image\" Target=\"media/image{n}.png\"/>",
            image_rel(n)
        );
    }
    x.push_str("</Relationships>");
    x
}

/// A zip of stored entries, each dated 1980-01-01 (zip's default), in the given order.
fn zip_stored(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millimetres_to_twips() {
        assert_eq!(mm(210.0), 11906);
        assert_eq!(mm(297.0), 16838);
        assert_eq!(mm(37.0), 2098);
        assert_eq!(mm(28.0), 1587);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            run("a<b&c", false),
            "<w:r><w:t xml:space=\"preserve\">a&lt;b&amp;c</w:t></w:r>"
        );
    }
}
