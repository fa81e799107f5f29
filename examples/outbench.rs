//! Profiling aid: analyzes a corpus once, then writes chosen outputs again and again, so a
//! profiler sees one exporter alone. Not part of the product.
//!
//!   outbench SUBMISSIONS ROSTER YEAR OUT ROUNDS NAME...   (NAME: an output's file name, or
//!   `feedback`, as `run` writes it)
use anyhow::Result;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use branchstat::pipeline::{self, RunConfig};
use branchstat::report;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let config = RunConfig {
        submissions: args[1].clone().into(),
        roster: Some(args[2].clone().into()),
        plan: Default::default(),
        year: Some(args[3].parse()?),
        as_of: None,
        limits: Default::default(),
        explain: false,
    };
    let out = std::path::PathBuf::from(&args[4]);
    let rounds: usize = args[5].parse()?;
    let analysis = pipeline::analyze(&config)?;
    let chosen: Vec<Box<dyn report::Exporter>> = report::exporters(true, true)
        .into_iter()
        .filter(|e| args[6..].contains(&e.name(&analysis)))
        .collect();
    for _ in 0..rounds {
        let started = std::time::Instant::now();
        report::write_selected(&analysis, &out, &chosen)?;
        eprintln!("{:.3} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}
