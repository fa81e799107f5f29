//! Merged regions of an `.xlsx`'s sheets. In: the workbook's bytes. Out: a sheet's merged
//! regions, or `None` when the package is laid out in a way this does not follow (the
//! caller then asks calamine).
//!
//! calamine reads merged regions with a second XML parse of the whole sheet, which cost a
//! sixth of reading a ledger at province scale. The regions are `<mergeCell ref="A1:C3"/>`
//! elements after the cells, so here the sheet's XML is inflated and searched for them as
//! bytes, in fixed-size chunks.

use calamine::Dimensions;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// Where a workbook's sheets are, by name.
pub struct SheetParts<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    paths: HashMap<String, String>,
}

/// The attributes of every element named `local` (any namespace prefix) in a small XML part,
/// values unescaped.
fn elements(xml: &str, local: &str) -> Vec<HashMap<String, String>> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let value = quick_xml::escape::unescape(&a.value)
                            .map(|v| v.into_owned())
                            .unwrap_or_else(|_| a.value.to_string());
                        (a.key.as_ref().to_string(), value)
                    })
                    .collect();
                out.push(attrs);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// A relationship target resolved against the folder of the part that names it.
fn resolve(dir: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

impl<'a> SheetParts<'a> {
    /// Finds the sheets through the package's relationships (`_rels/.rels` → the workbook →
    /// its `.rels`), as calamine does. Parts are read within `max_part` bytes each.
    pub fn open(bytes: &'a [u8], max_part: u64) -> Option<Self> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let mut text = |name: &str| -> Option<String> {
            let mut part = zip.by_name(name).ok()?;
            let mut s = String::new();
            (&mut part).take(max_part).read_to_string(&mut s).ok()?;
            Some(s)
        };
        let root = text("_rels/.rels")?;
        let workbook = elements(&root, "Relationship")
            .into_iter()
            .find(|r| r.get("Type").is_some_and(|t| t.ends_with("/officeDocument")))
            .and_then(|r| r.get("Target").map(|t| resolve("", t)))?;
        let (dir, file) = workbook.rsplit_once('/').unwrap_or(("", workbook.as_str()));
        let rels_path = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let targets: HashMap<String, String> = elements(&text(&rels_path)?, "Relationship")
            .into_iter()
            .filter_map(|mut r| Some((r.remove("Id")?, resolve(dir, &r.remove("Target")?))))
            .collect();
        let paths = elements(&text(&workbook)?, "sheet")
            .into_iter()
            .filter_map(|s| {
                let id = s.iter().find(|(k, _)| k.ends_with(":id")).map(|(_, v)| v)?;
                Some((s.get("name")?.clone(), targets.get(id)?.clone()))
            })
            .collect();
        Some(SheetParts { zip, paths })
    }

    /// The merged regions of the sheet called `name`.
    pub fn merges(&mut self, name: &str) -> Option<Vec<Dimensions>> {
        let path = self.paths.get(name)?;
        let part = self.zip.by_name(path).ok()?;
        merge_cells(part).ok()
    }
}

/// Column letters and row digits (`AB12`) to a 0-based (row, column).
fn cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.trim_start_matches('$');
    let split = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = s.split_at(split);
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        acc.checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    let row: u32 = digits.trim_start_matches('$').parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// `A1:C3` (or a single `A1`) to a region.
fn region(reference: &str) -> Option<Dimensions> {
    let (a, b) = reference.split_once(':').unwrap_or((reference, reference));
    let (start, end) = (cell_ref(a)?, cell_ref(b)?);
    Some(Dimensions {
        start: (start.0.min(end.0), start.1.min(end.1)),
        end: (start.0.max(end.0), start.1.max(end.1)),
    })
}

/// The `ref` of one `mergeCell` tag (the bytes from the element name to its `>`).
fn tag_ref(tag: &[u8]) -> Option<Dimensions> {
    let at = memchr::memmem::find(tag, b"ref=")? + 4;
    let quote = *tag.get(at)?;
    let rest = &tag[at + 1..];
    let end = memchr::memchr(quote, rest)?;
    region(std::str::from_utf8(&rest[..end]).ok()?)
}

/// Searches XML for `<mergeCell …>` elements (any namespace prefix), chunk by chunk.
pub fn merge_cells(mut xml: impl Read) -> std::io::Result<Vec<Dimensions>> {
    const CHUNK: usize = 1 << 16;
    const NAME: &[u8] = b"mergeCell";
    let finder = memchr::memmem::Finder::new(NAME);
    let mut buf = vec![0u8; CHUNK * 2];
    let (mut kept, mut found) = (0usize, Vec::new());
    loop {
        let n = xml.read(&mut buf[kept..kept + CHUNK])?;
        let filled = kept + n;
        let data = &buf[..filled];
        // Everything before `carry` is done with; the rest is kept for the next chunk.
        let mut carry = filled.saturating_sub(NAME.len() + 1);
        for at in finder.find_iter(data) {
            let named = at > 0 && matches!(data[at - 1], b'<' | b':');
            let after = data.get(at + NAME.len()).copied();
            if after.is_none() {
                carry = carry.min(at.saturating_sub(1));
                break;
            }
            if !named || !after.is_some_and(|b| b.is_ascii_whitespace()) {
                continue;
            }
            match memchr::memchr(b'>', &data[at..]) {
                Some(end) => found.extend(tag_ref(&data[at..at + end])),
                None if n > 0 => {
                    carry = carry.min(at - 1);
                    break;
                }
                None => {}
            }
        }
        if n == 0 {
            return Ok(found);
        }
        // A tag longer than a chunk is no merge a spreadsheet writes: drop it.
        let carry = if filled - carry > CHUNK { filled } else { carry };
        buf.copy_within(carry..filled, 0);
        kept = filled - carry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(r0: u32, c0: u32, r1: u32, c1: u32) -> Dimensions {
        Dimensions {
            start: (r0, c0),
            end: (r1, c1),
        }
    }

    #[test]
    fn references() {
        assert_eq!(region("A1:C3"), Some(dims(0, 0, 2, 2)));
        assert_eq!(region("$B$2:AA10"), Some(dims(1, 1, 9, 26)));
        assert_eq!(region("D4"), Some(dims(3, 3, 3, 3)));
        assert_eq!(region("A0:B1"), None);
        assert_eq!(region("1:2"), None);
    }

    #[test]
    fn finds_merge_cells_but_not_look_alikes() {
        let xml = r#"<sheetData><row><c t="inlineStr"><is><t>mergeCell ref="Z9:Z10"</t></is></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:H1"/><x:mergeCell  ref='B3:B4'/></mergeCells>"#;
        assert_eq!(
            merge_cells(xml.as_bytes()).unwrap(),
            vec![dims(0, 0, 0, 7), dims(2, 1, 3, 1)]
        );
    }

    /// A reader handing out a few bytes at a time: tags fall across chunk boundaries.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn tags_across_reads_are_found_once() {
        let mut xml = String::from("<worksheet><sheetData>");
        xml.push_str(&"<row><c><v>1</v></c></row>".repeat(5000));
        xml.push_str("</sheetData><mergeCells>");
        for r in 1..=300 {
            xml.push_str(&format!(r#"<mergeCell ref="A{r}:C{r}"/>"#));
        }
        xml.push_str("</mergeCells></worksheet>");
        let want: Vec<Dimensions> = (0..300).map(|r| dims(r, 0, r, 2)).collect();
        for step in [1, 7, 64, 1 << 16] {
            assert_eq!(
                merge_cells(Trickle(xml.as_bytes(), step)).unwrap(),
                want,
                "reads of {step}"
            );
        }
    }
}
