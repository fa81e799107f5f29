//! The `branchstat` command: parses the command line and hands over to the library.

// glibc's malloc spent a third of a province-scale run in allocation across threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    branchstat::cli::main()
}
