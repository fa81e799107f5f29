//! charts/*.png: the three charts as pictures for Word and WPS. In: the analysis (through
//! [`Chart::svg`], the very text of charts/*.svg). Out: PNG bytes at least
//! [`PNG_WIDTH`] pixels wide, written beside the SVGs and embedded in the report
//! (report_docx.rs) from the same [`Pictures`], so each chart is drawn once per run.
//!
//! resvg draws text only with fonts it finds, so the system's fonts are loaded once per run
//! (when the first picture is drawn) and a family with Chinese glyphs is looked for: the
//! fonts of Chinese offices first (宋体/SimSun, 微软雅黑), then the free CJK families of
//! Linux. The family found is set as `sans-serif`, the last family of the SVG's font stack.
//! Which font was used, or that none was found, is the run's note ([`ChartFonts::note`]);
//! without a CJK font the pictures are still written, their Chinese text as empty boxes.

use super::Exporter;
use super::charts::Chart;
use crate::pipeline::Analysis;
use anyhow::{Context, Result, anyhow};
use resvg::usvg::fontdb;
use resvg::{tiny_skia, usvg};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Width of every chart picture in pixels (the SVGs are 900 wide; SPEC 2 asks ≥ 1600).
pub const PNG_WIDTH: u32 = 1600;

/// CJK families looked for, in order: Windows, then Linux, then macOS.
pub const CJK_FAMILIES: [&str; 12] = [
    "SimSun",
    "NSimSun",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "PingFang SC",
    "Heiti SC",
];

/// Characters a chart font must have: the common words of the charts' titles and labels.
const PROBE: &str = "党支部各类活动月度开展情况参会率实际应开次数";

/// The font database of a run and the CJK family found in it.
pub struct ChartFonts {
    db: Arc<fontdb::Database>,
    family: Option<String>,
}

/// Whether the face has a glyph for every character of `text`.
fn covers(db: &fontdb::Database, id: fontdb::ID, text: &str) -> bool {
    use skrifa::MetadataProvider;
    db.with_face_data(id, |data, index| {
        skrifa::FontRef::from_index(data, index)
            .map(|f| {
                let map = f.charmap();
                text.chars().all(|c| map.map(c).is_some())
            })
            .unwrap_or(false)
    })
    .unwrap_or(false)
}

/// The first of [`CJK_FAMILIES`] installed with Chinese glyphs, else any face that has them.
fn find_cjk_family(db: &fontdb::Database) -> Option<String> {
    for name in CJK_FAMILIES {
        let query = fontdb::Query {
            families: &[fontdb::Family::Name(name)],
            ..Default::default()
        };
        if let Some(id) = db.query(&query)
            && covers(db, id, PROBE)
        {
            return Some(name.to_string());
        }
    }
    db.faces()
        .find(|f| covers(db, f.id, PROBE))
        .and_then(|f| f.families.first().map(|(name, _)| name.clone()))
}

/// Maps the font files of `family` once for the run. fontdb otherwise maps a font's file
/// anew for every look at its data: four times per glyph drawn (colour, outline, bitmap,
/// SVG glyph), a thousand maps and unmaps of a 20 MB file per run at a province's size.
fn map_family_once(db: &mut fontdb::Database, family: &str) {
    let ids: Vec<fontdb::ID> = db
        .faces()
        .filter(|face| face.families.iter().any(|(name, _)| name == family))
        .map(|face| face.id)
        .collect();
    for id in ids {
        // SAFETY: the mapping stays valid as long as no other process truncates or rewrites
        // the font file during the run; fontdb's own per-glyph mappings assume the same.
        #[allow(unsafe_code)]
        let _ = unsafe { db.make_shared_face_data(id) };
    }
}

impl ChartFonts {
    /// Loads the system's fonts and looks for a CJK family (10–90 ms).
    pub fn load() -> Self {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        Self::from_database(db)
    }

    /// Uses the given fonts (tests: an empty database stands for a machine without fonts).
    pub fn from_database(mut db: fontdb::Database) -> Self {
        let family = find_cjk_family(&db);
        if let Some(f) = &family {
            db.set_sans_serif_family(f.clone());
            db.set_serif_family(f.clone());
            map_family_once(&mut db, f);
        }
        ChartFonts {
            db: Arc::new(db),
            family,
        }
    }

    /// The CJK family the charts are drawn with, if one was found.
    pub fn family(&self) -> Option<&str> {
        self.family.as_deref()
    }

    /// The run's note on the chart font, in plain Chinese.
    pub fn note(&self) -> String {
        match &self.family {
            Some(f) => format!("图表图片（charts/*.png）使用字体：{f}"),
            None => {
                "未找到中文字体：图表图片（charts/*.png）中的中文无法显示（可安装 Noto Sans CJK SC 或宋体后重新运行）"
                    .to_string()
            }
        }
    }

    /// Draws an SVG document as a PNG [`PNG_WIDTH`] pixels wide on white.
    pub fn render_png(&self, svg: &str) -> Result<Vec<u8>> {
        let opt = usvg::Options {
            fontdb: self.db.clone(),
            font_family: self.family.clone().unwrap_or_else(|| "sans-serif".into()),
            ..Default::default()
        };
        let tree = usvg::Tree::from_str(svg, &opt).context("图表 SVG 无法解析")?;
        let scale = PNG_WIDTH as f32 / tree.size().width();
        let height = (tree.size().height() * scale).ceil() as u32;
        let mut pixmap = tiny_skia::Pixmap::new(PNG_WIDTH, height).ok_or_else(|| anyhow!("图表图片尺寸无效"))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        encode_opaque(&pixmap).context("图表图片编码失败")
    }
}

/// The picture as an RGB PNG at zlib level 3: drawn on white, every pixel is opaque, so the
/// alpha channel and the demultiplying tiny-skia's own encoder does are dropped. Against
/// tiny-skia's RGBA at level 6 (the charts of the 800-branch province): 0.042 → 0.027 s to
/// encode the three, 3 % larger; png's fdeflate setting took 0.011 s but made them 2–8 times
/// larger. A picture with any transparent pixel goes through tiny-skia's encoder.
fn encode_opaque(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>> {
    let rgba = pixmap.data();
    if rgba.chunks_exact(4).any(|p| p[3] != 255) {
        return Ok(pixmap.encode_png()?);
    }
    let rgb: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let mut png_bytes = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut png_bytes, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(3));
    encoder.set_filter(png::Filter::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(png_bytes)
}

/// What a run's PNG charts and its report share: the fonts, loaded once, and each chart's
/// picture, drawn once (whichever exporter asks first; the others wait for it).
#[derive(Default)]
pub struct Pictures {
    fonts: OnceLock<ChartFonts>,
    pngs: [OnceLock<Result<Arc<Vec<u8>>, String>>; 3],
}

impl Pictures {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Pictures drawn with the given fonts instead of the system's.
    pub fn with_fonts(fonts: ChartFonts) -> Arc<Self> {
        let p = Self::default();
        let _ = p.fonts.set(fonts);
        Arc::new(p)
    }

    /// The run's fonts, loaded on first use.
    pub fn fonts(&self) -> &ChartFonts {
        self.fonts.get_or_init(ChartFonts::load)
    }

    /// The chart's PNG, drawn on first use.
    pub fn png(&self, a: &Analysis, chart: Chart) -> Result<Arc<Vec<u8>>> {
        self.pngs[chart.index()]
            .get_or_init(|| {
                chart
                    .svg(a)
                    .and_then(|svg| self.fonts().render_png(&svg))
                    .map(Arc::new)
                    .map_err(|e| format!("{e:#}"))
            })
            .clone()
            .map_err(|e| anyhow!(e))
    }

    /// The font note, once the fonts were loaded (None when no picture was drawn).
    pub fn note(&self) -> Option<String> {
        self.fonts.get().map(ChartFonts::note)
    }
}

/// charts/<stem>.png.
pub struct ChartPng {
    pub chart: Chart,
    pub pictures: Arc<Pictures>,
}

impl Exporter for ChartPng {
    /// 0.01–0.03 s each at a province's size: started after activities.csv, before
    /// activities.parquet and the quick outputs, so that these, not three pictures and the
    /// report waiting for them, end the run.
    fn cost(&self) -> u32 {
        3
    }

    fn name(&self, _: &Analysis) -> String {
        format!("charts/{}.png", self.chart.stem())
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        std::fs::write(path, &*self.pictures.png(a, self.chart)?)?;
        Ok(())
    }
    fn notes(&self) -> Vec<String> {
        self.pictures.note().into_iter().collect()
    }
}

/// Width and height of a PNG from its IHDR chunk.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" || &png[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&png[16..20]), be(&png[20..24])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_pictures_are_written_as_rgb_with_the_same_pixels() {
        let mut pixmap = tiny_skia::Pixmap::new(40, 20).unwrap();
        pixmap.fill(tiny_skia::Color::WHITE);
        let mut paint = tiny_skia::Paint::default();
        paint.set_color_rgba8(192, 0, 0, 128);
        let rect = tiny_skia::Rect::from_xywh(5.0, 5.0, 10.0, 7.5).unwrap();
        pixmap.fill_rect(rect, &paint, tiny_skia::Transform::identity(), None);
        let png = encode_opaque(&pixmap).unwrap();
        // Colour type 2 (RGB) in the IHDR chunk.
        assert_eq!(png[25], 2);
        assert_eq!(tiny_skia::Pixmap::decode_png(&png).unwrap().data(), pixmap.data());
        // A transparent picture keeps its alpha (colour type 6, RGBA).
        let clear = tiny_skia::Pixmap::new(4, 4).unwrap();
        let png = encode_opaque(&clear).unwrap();
        assert_eq!(png[25], 6);
        assert_eq!(tiny_skia::Pixmap::decode_png(&png).unwrap().data(), clear.data());
    }

    const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"520\" viewBox=\"0 0 900 520\"><rect x=\"10\" y=\"10\" width=\"100\" height=\"50\" fill=\"#C00000\"/><text x=\"450\" y=\"40\" font-size=\"18\" font-family=\"SimSun, sans-serif\">党支部</text></svg>";

    #[test]
    fn without_fonts_the_picture_is_still_drawn() {
        let fonts = ChartFonts::from_database(fontdb::Database::new());
        assert_eq!(fonts.family(), None);
        assert!(fonts.note().contains("未找到中文字体"));
        let png = fonts.render_png(SVG).unwrap();
        assert_eq!(png_size(&png), Some((PNG_WIDTH, 925)));
    }

    #[test]
    fn same_bytes_each_time() {
        let fonts = ChartFonts::load();
        assert_eq!(fonts.render_png(SVG).unwrap(), fonts.render_png(SVG).unwrap());
    }
}
