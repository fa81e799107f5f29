//! Arbitrary bytes as a submitted file (.xlsx, .xls, .csv, .ods names) through
//! `ingest::read_bytes` and then `normalize::normalize_file`.
//!
//! `read_bytes` catches a panic of the spreadsheet readers on purpose (the file is reported
//! as broken, the run goes on), so a panic inside it is not a crash here: it is printed once
//! per place and the input goes on. Set `FUZZ_STRICT_PANICS=1` to make those crash too (to
//! hunt reader bugs). Any panic outside `read_bytes`, and every broken invariant, crashes.
#![no_main]

use branchstat::config::Plan;
use branchstat::ingest::{Limits, RawFile, read_bytes};
use branchstat::normalize::{Context, normalize_file};
use libfuzzer_sys::fuzz_target;
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::{Mutex, Once, OnceLock};

/// File names with a year in them, as the branches send; the extension only matters for
/// text files (the format of the others is told from the content).
const NAMES: [&str; 4] = [
    "执行局第二党支部/执行局第二党支部2024年3月台账.xlsx",
    "执行局第二党支部/2024年03月三会一课.xls",
    "执行局第二党支部/台账-2024.03.csv",
    "执行局第二党支部/台账 2024.ods",
];

thread_local! {
    static IN_READER: Cell<bool> = const { Cell::new(false) };
}
static HOOK: Once = Once::new();
static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
static CONTEXT: OnceLock<(Plan, Limits)> = OnceLock::new();

fn install_hook() {
    let strict = std::env::var_os("FUZZ_STRICT_PANICS").is_some_and(|v| v == "1");
    // The hook libfuzzer-sys installed (print, then abort) stays in charge outside read_bytes.
    let abort_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if strict || !IN_READER.with(Cell::get) {
            abort_hook(info);
            return;
        }
        let place = info.location().map(|l| l.to_string()).unwrap_or_default();
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if seen.get_or_insert_with(HashSet::new).insert(place.clone()) {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            eprintln!("ingest: reader panic caught by read_bytes (not a crash) at {place}: {msg}");
        }
    }));
}

fn read(bytes: &[u8], name: &str, limits: &Limits) -> Option<RawFile> {
    IN_READER.with(|f| f.set(true));
    let raw = read_bytes(bytes, name, limits);
    IN_READER.with(|f| f.set(false));
    raw.ok()
}

fn check(raw: &RawFile, name: &str, plan: &Plan) {
    assert_eq!(raw.rel_path, name);
    for sheet in &raw.sheets {
        let mut last: Option<u32> = None;
        for row in &sheet.rows {
            assert!(last.is_none_or(|l| l < row.index), "row indices not increasing in {}", sheet.name);
            last = Some(row.index);
            assert!(row.cells.len() <= Limits::default().max_cols as usize);
        }
    }
    let ctx = Context::new(plan, None, Some(2024));
    let outcome = normalize_file(raw, &ctx);
    let r = &outcome.rows;
    assert_eq!(
        r.read,
        r.accepted + r.rejected + r.skipped,
        "read {} != accepted {} + rejected {} + skipped {}",
        r.read,
        r.accepted,
        r.rejected,
        r.skipped
    );
    assert_eq!(r.accepted, outcome.records.len(), "accepted count vs records");
}

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(install_hook);
    let (plan, limits) = CONTEXT.get_or_init(|| (Plan::default(), Limits::default()));
    // Zip and OLE files are read by content whatever the name: one name is enough.
    let binary = data.starts_with(b"PK") || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let names: &[&str] = if binary { &NAMES[..1] } else { &NAMES };
    for name in names {
        if let Some(raw) = read(data, name, limits) {
            check(&raw, name, plan);
        }
    }
});
