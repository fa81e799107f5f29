//! The `branchstat` command: parses the command line and hands over to the library.

// glibc's malloc spent a third of a province-scale run in allocation across threads.
// mimalloc 2 (Cargo.toml feature `v2`), not 3: at 12,000 files mimalloc 3 kept freed pages
// for a second before giving them back (its purge delay), and the run's peak went to
// 463–500 MiB; mimalloc 2 peaks at 422–470 MiB, as fast (eight alternating runs each).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The whole command runs on polars' thread pool, one pool for our parallel steps
// (`rayon::join`, `par_iter`) and polars' queries alike. With the pools apart, a query
// started on one of ours was handed to polars' pool and its thread waited (taking other
// jobs of ours, when there were any), so the two pools' threads (four on two cores) took
// turns, and with polars' pool cut to one thread every query ran there one after another,
// leaving a core idle at the end of the figures. One pool of a thread per core: 1.10 →
// 1.04 s and 0.99 → 0.97 s at 9,600 files (twelve alternating rounds each), peak −20 MiB.
// `POLARS_MAX_THREADS` sets its size, as for polars.
fn main() -> std::process::ExitCode {
    polars_core::runtime::THREAD_POOL.install(branchstat::cli::main)
}
