//! The `branchstat` command: parses the command line and hands over to the library.

// glibc's malloc spent a third of a province-scale run in allocation across threads.
// mimalloc 2 (Cargo.toml feature `v2`), not 3: at 12,000 files mimalloc 3 kept freed pages
// for a second before giving them back (its purge delay), and the run's peak went to
// 463–500 MiB; mimalloc 2 peaks at 422–470 MiB, as fast (eight alternating runs each).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    branchstat::cli::main()
}
