//! Phase timings for the benchmark, a leaf every stage may use without knowing the pipeline.
//! In: a phase name and when it started. Out: one line on stderr when `BRANCHSTAT_TIMINGS`
//! is set, nothing otherwise.

/// When the run began: the first of [`begin`] and [`phase`] sets it.
static BEGUN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Marks the start of the run, which each [`phase`] line measures its end from.
pub fn begin() {
    BEGUN.get_or_init(std::time::Instant::now);
}

/// Prints how long a phase took when `BRANCHSTAT_TIMINGS` is set (for the benchmark), with
/// the process's resident and peak memory where the system tells them (Linux).
pub fn phase(phase: &str, since: std::time::Instant) {
    if std::env::var_os("BRANCHSTAT_TIMINGS").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kib = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .map_or(String::new(), |k| format!("{} MiB", k / 1024))
        };
        let begun = *BEGUN.get_or_init(|| since);
        eprintln!(
            "[timing] {phase}: {:.3} s (ends at {:.3} s; rss {}, peak {})",
            since.elapsed().as_secs_f64(),
            begun.elapsed().as_secs_f64(),
            kib("VmRSS:"),
            kib("VmHWM:")
        );
    }
}
