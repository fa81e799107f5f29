//! The raw read floor of the benchmark: calamine alone opening every workbook under a folder
//! and touching every cell, in parallel as branchstat reads. Prints files, cells and time.
//!
//! ```sh
//! cargo run --release --example rawread -- /tmp/corpus/submissions
//! ```

use calamine::{Data, Reader, open_workbook_auto};
use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: rawread DIR");
    let files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| ["xlsx", "xls", "xlsm", "xlsb", "ods"].contains(&e.to_string_lossy().as_ref()))
        })
        .collect();
    let start = std::time::Instant::now();
    let cells: usize = files
        .par_iter()
        .map(|path| {
            let Ok(mut book) = open_workbook_auto(path) else {
                return 0;
            };
            let mut n = 0;
            for name in book.sheet_names() {
                if let Ok(range) = book.worksheet_range(&name) {
                    n += range.used_cells().filter(|(_, _, v)| !matches!(v, Data::Empty)).count();
                }
            }
            n
        })
        .sum();
    println!(
        "raw read: {} files, {} cells, {:.3} s",
        files.len(),
        cells,
        start.elapsed().as_secs_f64()
    );
}
