//! The guard in front of calamine's `.xls` reader. In: the bytes of an OLE compound file
//! (the container of `.xls`). Out: `Ok` when calamine can read it in memory proportional to
//! the file, else what is wrong, in plain words.
//!
//! calamine follows the file's sector chains without looking for loops, and sizes a sheet's
//! grid from the sheet's declared dimensions and its first and last cells, all before it
//! returns. So a few-KB file with a looping chain, or a sheet declaring A1:IV4294967295,
//! makes it allocate gigabytes, and an allocation that fails aborts the whole process (no
//! panic to catch). Here the same structures are walked the way calamine walks them, with
//! every chain checked to end inside the file and visit each sector once, and every sheet's
//! grid measured against a limit, so that calamine only ever sees files it can read.

use super::Refusal;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const HEADER_DIFAT: std::ops::Range<usize> = 76..512;
const MINI_SECTOR: usize = 64;
/// calamine reads a stream shorter than this from the mini stream.
const MINI_CUTOFF: usize = 4096;

fn damaged(why: impl Into<String>) -> Refusal {
    Refusal::Damaged(why.into())
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2).map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The sectors of a compound file as calamine addresses them: sector `id` starts right
/// after the header, at `(id + 1) × size`.
struct Sectors<'a> {
    bytes: &'a [u8],
    size: usize,
    /// calamine's bound: ids above `len / size` are refused.
    max_id: u32,
}

impl<'a> Sectors<'a> {
    fn get(&self, id: u32) -> Result<&'a [u8], Refusal> {
        let start = (id as usize + 1) * self.size;
        if id > self.max_id || start >= self.bytes.len() {
            return Err(damaged(format!("sector {id} lies past the end of the file")));
        }
        Ok(&self.bytes[start..self.bytes.len().min(start + self.size)])
    }
}

/// Follows a chain from `first` through `table` (the FAT or the mini FAT) the way calamine's
/// `get_chain` does, stopping at ENDOFCHAIN or once `want` bytes are gathered, and calls
/// `sector(id)` for each sector's bytes. Refuses a chain that visits a sector twice or leaves
/// the table: calamine would loop (and grow) forever or index out of bounds.
fn walk<'a>(
    first: u32,
    table: &[u32],
    want: usize,
    mut sector: impl FnMut(u32) -> Result<&'a [u8], Refusal>,
    what: &str,
) -> Result<Vec<u8>, Refusal> {
    let mut out = Vec::new();
    let mut seen = vec![false; table.len()];
    let mut id = first;
    while id != ENDOFCHAIN {
        let bytes = sector(id)?;
        let take = bytes.len().min(want - out.len());
        out.extend_from_slice(&bytes[..take]);
        if out.len() >= want {
            break;
        }
        let ix = id as usize;
        match seen.get_mut(ix) {
            None => return Err(damaged(format!("the {what} chain leaves the allocation table"))),
            Some(true) => return Err(damaged(format!("the {what} chain loops"))),
            Some(s) => *s = true,
        }
        id = table[ix];
    }
    Ok(out)
}

fn to_u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// One directory entry: a stream's name, first sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// Checks the container and returns the workbook stream as calamine would read it.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    if bytes.len() < 512 {
        return Err(damaged("shorter than an OLE header"));
    }
    let size = match u16_at(bytes, 30) {
        9 => 512,
        12 => 4096,
        other => return Err(damaged(format!("sector shift {other}"))),
    };
    if bytes.len() < size {
        return Err(damaged("shorter than its header sector"));
    }
    let sectors = Sectors {
        bytes,
        size,
        max_id: (bytes.len() / size) as u32,
    };
    let sector_count = sectors.max_id as usize + 1;

    // The FAT's own sectors: the header's 109, then the DIFAT chain, whose every sector's last
    // entry is the next DIFAT sector.
    let mut difat: Vec<u32> = to_u32s(&bytes[HEADER_DIFAT]).collect();
    let mut next = u32_at(bytes, 68);
    let mut hops = 0usize;
    while next < RESERVED {
        hops += 1;
        if hops > sector_count {
            return Err(damaged("the DIFAT chain loops"));
        }
        difat.extend(to_u32s(sectors.get(next)?));
        next = difat.pop().unwrap_or(ENDOFCHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if fat_sectors.len() > sector_count {
        return Err(damaged("more FAT sectors than the file has sectors"));
    }
    let mut fat = Vec::with_capacity(fat_sectors.len() * size / 4);
    for id in fat_sectors {
        fat.extend(to_u32s(sectors.get(id)?));
    }

    let dir = walk(u32_at(bytes, 48), &fat, usize::MAX, |id| sectors.get(id), "directory")?;
    let entries: Vec<Entry> = dir
        .chunks_exact(128)
        .map(|e| {
            let name = encoding_rs::UTF_16LE.decode(&e[..64]).0;
            let name = name.split('\0').next().unwrap_or("").to_string();
            let len = if size == 512 {
                u32_at(e, 120) as usize
            } else {
                u64::from_le_bytes(e[120..128].try_into().expect("8 bytes")) as usize
            };
            Entry {
                name,
                start: u32_at(e, 116),
                len,
            }
        })
        .collect();
    let Some(root) = entries.first() else {
        return Err(damaged("no root directory entry"));
    };

    let (mini_fat, mini_stream) = if u32_at(bytes, 64) > 0 {
        let mini_stream = walk(root.start, &fat, root.len, |id| sectors.get(id), "mini stream")?;
        let mini_fat_bytes = (u32_at(bytes, 64) as usize).saturating_mul(size);
        let mini_fat = walk(
            u32_at(bytes, 60),
            &fat,
            mini_fat_bytes,
            |id| sectors.get(id),
            "mini FAT",
        )?;
        (to_u32s(&mini_fat).collect::<Vec<u32>>(), mini_stream)
    } else {
        (Vec::new(), Vec::new())
    };

    let named = |wanted: &str| entries.iter().find(|e| e.name.eq_ignore_ascii_case(wanted));
    let Some(book) = named("Workbook").or_else(|| named("Book")) else {
        // calamine says so itself, safely.
        return Ok(Vec::new());
    };
    if book.len < MINI_CUTOFF {
        let mini = |id: u32| -> Result<&[u8], Refusal> {
            let start = id as usize * MINI_SECTOR;
            if start >= mini_stream.len() {
                return Err(damaged(format!(
                    "mini sector {id} lies past the end of the mini stream"
                )));
            }
            Ok(&mini_stream[start..mini_stream.len().min(start + MINI_SECTOR)])
        };
        walk(book.start, &mini_fat, book.len, mini, "workbook stream")
    } else {
        walk(book.start, &fat, book.len, |id| sectors.get(id), "workbook stream")
    }
}

/// The BIFF records of a stream: (type, data), as calamine's record reader splits them.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        if rest.len() < 4 {
            return None;
        }
        let typ = u16_at(rest, 0);
        let len = u16_at(rest, 2) as usize;
        if rest.len() < len + 4 {
            return None;
        }
        let data = &rest[4..len + 4];
        rest = &rest[len + 4..];
        Some((typ, data))
    })
}

/// The bounding box of a sheet's cells.
#[derive(Default)]
struct Bounds(Option<(u32, u32, u32, u32)>);

impl Bounds {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
        })
    }
}

/// The cells calamine will reserve for a DIMENSIONS record, with calamine's arithmetic
/// (including its wrap-around on inverted bounds).
fn declared_cells(data: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)),
            u32::from(u16_at(data, 2)),
            u32::from(u16_at(data, 4)),
            u32::from(u16_at(data, 6)),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u32::from(u16_at(data, 8)),
            u32::from(u16_at(data, 10)),
        ),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = end.0.wrapping_sub(start.0).wrapping_add(1) as u64;
    let cols = end.1.wrapping_sub(start.1).wrapping_add(1) as u64;
    rows.saturating_mul(cols)
}

/// The largest grid a sheet makes calamine allocate: its declared dimensions, the box around
/// its value cells, the box around its formula cells.
fn sheet_grid<'a>(records: impl Iterator<Item = (u16, &'a [u8])>) -> u64 {
    let (mut values, mut formulas) = (Bounds::default(), Bounds::default());
    let mut declared = 0u64;
    let mut depth = 0usize;
    let mut seen_bof = false;
    for (typ, data) in records {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let (row, col) = (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)));
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => declared = declared.max(declared_cells(data)),
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if data.len() >= 4 => values.add(row, col),
            0x0006 if data.len() >= 20 => {
                values.add(row, col);
                formulas.add(row, col);
            }
            // MULRK: a run of 6-byte values from the first column on, then the last column.
            0x00BD if data.len() >= 12 => {
                let n = ((data.len() - 6) / 6) as u32;
                values.add(row, col);
                values.add(row, col + n.saturating_sub(1));
            }
            _ => {}
        }
    }
    declared.max(values.cells()).max(formulas.cells())
}

/// A BOUNDSHEET's sheet name: a count of characters, a flag for two-byte characters, the
/// characters.
fn sheet_name(boundsheet: &[u8]) -> String {
    let count = usize::from(boundsheet.get(6).copied().unwrap_or(0));
    let wide = boundsheet.get(7).is_some_and(|f| f & 1 == 1);
    let chars = boundsheet.get(8..).unwrap_or_default();
    if wide {
        let end = chars.len().min(2 * count);
        encoding_rs::UTF_16LE
            .decode_without_bom_handling(&chars[..end])
            .0
            .into_owned()
    } else {
        chars.iter().take(count).map(|&b| char::from(b)).collect()
    }
}

/// Checks an `.xls`: its container, then every sheet's grid against `max_cells`.
pub fn check_xls(bytes: &[u8], max_cells: u64) -> Result<(), Refusal> {
    let stream = workbook_stream(bytes)?;
    for (typ, data) in records(&stream) {
        // BOUNDSHEET: where a sheet's records start in the stream, and its name.
        if typ != 0x0085 || data.len() < 8 {
            continue;
        }
        let at = u32_at(data, 0) as usize;
        let Some(sheet) = stream.get(at..) else { continue };
        let cells = sheet_grid(records(sheet));
        if cells > max_cells {
            return Err(Refusal::Grid {
                sheet: sheet_name(data),
                cells,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal compound file: header, one FAT sector (0), one directory sector (1), and
    /// `workbook` in big sectors from 2 on.
    fn compound(workbook: &[u8], fat_patch: impl Fn(&mut Vec<u32>)) -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[26..28].copy_from_slice(&3u16.to_le_bytes());
        b[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        b[30..32].copy_from_slice(&9u16.to_le_bytes());
        b[32..34].copy_from_slice(&6u16.to_le_bytes());
        b[44..48].copy_from_slice(&1u32.to_le_bytes());
        b[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        b[60..64].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        b[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        for i in 0..109 {
            let v = if i == 0 { 0u32 } else { 0xFFFF_FFFF };
            b[76 + 4 * i..80 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        let padded = workbook.len().div_ceil(512).max(8) * 512;
        let book_sectors = padded / 512;
        let mut fat = vec![0xFFFF_FFFDu32, ENDOFCHAIN];
        for i in 0..book_sectors {
            fat.push(if i + 1 == book_sectors {
                ENDOFCHAIN
            } else {
                (i + 3) as u32
            });
        }
        fat.resize(128, 0xFFFF_FFFF);
        fat_patch(&mut fat);
        b.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
        let mut dir = vec![0u8; 512];
        let mut entry = |at: usize, name: &str, start: u32, len: u32| {
            for (i, u) in name.encode_utf16().enumerate() {
                dir[at + 2 * i..at + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            dir[at + 116..at + 120].copy_from_slice(&start.to_le_bytes());
            dir[at + 120..at + 124].copy_from_slice(&len.to_le_bytes());
        };
        entry(0, "Root Entry", ENDOFCHAIN, 0);
        entry(128, "Workbook", 2, padded as u32);
        b.extend(dir);
        let mut book = workbook.to_vec();
        book.resize(padded, 0);
        b.extend(book);
        b
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    /// Globals with one BOUNDSHEET pointing at a sheet made of `body` records.
    fn workbook(body: &[Vec<u8>]) -> Vec<u8> {
        let bof = record(0x0809, &[0; 16]);
        let eof = record(0x000A, &[]);
        let globals_len = bof.len() + (4 + 8 + 2) + eof.len();
        let mut sheet_name = vec![2u8, 0];
        sheet_name.extend(b"S1");
        let mut boundsheet = (globals_len as u32).to_le_bytes().to_vec();
        boundsheet.extend([0, 0]);
        boundsheet.extend(&sheet_name);
        let mut s = bof.clone();
        s.extend(record(0x0085, &boundsheet));
        s.extend(&eof);
        assert_eq!(s.len(), globals_len);
        s.extend(&bof);
        for r in body {
            s.extend(r);
        }
        s.extend(eof);
        s
    }

    fn cell(typ: u16, row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 10]);
        record(typ, &d)
    }

    #[test]
    fn a_sound_small_sheet_passes() {
        let book = workbook(&[cell(0x0203, 0, 0), cell(0x0203, 40, 9)]);
        assert_eq!(check_xls(&compound(&book, |_| {}), 1_000), Ok(()));
    }

    #[test]
    fn a_looping_chain_is_refused() {
        let book = workbook(&[cell(0x0203, 0, 0)]);
        // The workbook stream's third sector points back to its first.
        let file = compound(&book, |fat| fat[4] = 2);
        match check_xls(&file, 1_000) {
            Err(Refusal::Damaged(why)) => assert!(why.contains("loops"), "{why}"),
            other => panic!("{other:?}"),
        }
        // The directory chain looping on itself.
        let file = compound(&book, |fat| fat[1] = 1);
        assert!(matches!(check_xls(&file, 1_000), Err(Refusal::Damaged(_))));
    }

    #[test]
    fn a_chain_leaving_the_file_is_refused() {
        let book = workbook(&[cell(0x0203, 0, 0)]);
        let file = compound(&book, |fat| fat[3] = 90);
        assert!(matches!(check_xls(&file, 1_000), Err(Refusal::Damaged(_))));
    }

    #[test]
    fn far_apart_cells_and_huge_dimensions_are_measured() {
        let far = workbook(&[cell(0x0203, 0, 0), cell(0x027E, 65_000, 200)]);
        match check_xls(&compound(&far, |_| {}), 1_000_000) {
            Err(Refusal::Grid { sheet, cells }) => {
                assert_eq!(sheet, "S1");
                assert_eq!(cells, 65_001 * 201);
            }
            other => panic!("{other:?}"),
        }
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(u32::MAX.to_le_bytes());
        dims.extend([0, 0, 0xFF, 0, 0, 0]);
        let declared = workbook(&[record(0x0200, &dims), cell(0x0203, 0, 0)]);
        assert!(matches!(
            check_xls(&compound(&declared, |_| {}), 1_000_000),
            Err(Refusal::Grid { .. })
        ));
        // The same within the limit passes.
        assert_eq!(check_xls(&compound(&far, |_| {}), 20_000_000), Ok(()));
    }
}
