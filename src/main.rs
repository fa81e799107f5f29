//! The `branchstat` command: parses the command line and hands over to the library.

// glibc's malloc spent a third of a province-scale run in allocation across threads.
// mimalloc 2 (Cargo.toml feature `v2`), not 3: at 12,000 files mimalloc 3 kept freed pages
// for a second before giving them back (its purge delay), and the run's peak went to
// 463–500 MiB; mimalloc 2 peaks at 422–470 MiB, as fast (eight alternating runs each).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    limit_polars_threads();
    branchstat::cli::main()
}

/// polars' own thread pool gets half the cores (one of two), unless `POLARS_MAX_THREADS`
/// says otherwise. The figures already run their queries side by side (`rayon::join`) and
/// beside 活动明细, so polars splitting each small query over every core as well cost more
/// than it gave: on two cores at 9,600 files CPU 2.05 → 1.93 s, the run 1.13 → 1.09 s and
/// the peak −25 MiB with one polars thread; at 12,000 files 1.32 → 1.25 s (six alternating
/// rounds each). polars reads the variable once, when its pool starts.
fn limit_polars_threads() {
    if std::env::var_os("POLARS_MAX_THREADS").is_some() {
        return;
    }
    let half = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1));
    // SAFETY: the first thing `main` does, before any thread is started: no other thread
    // can be reading or writing the environment.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("POLARS_MAX_THREADS", half.to_string());
    }
}
