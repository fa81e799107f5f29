//! activities.parquet and the `--parquet-dataset` folder partitioned by year and month
//! (year=2024/month=03/part-0.parquet) for DuckDB, Spark or DataFusion. In: the analysis.
//! Out: Parquet files of the normalized activities with their sources.

use super::Exporter;
use crate::pipeline::Analysis;
use anyhow::{Context, Result};
use polars::prelude::*;
use std::path::Path;

/// The activities frame as exported: the internal ids dropped.
pub fn export_frame(a: &Analysis) -> Result<DataFrame> {
    let df = a
        .figures
        .activities
        .clone()
        .lazy()
        .select([all().exclude_cols(["id", "record", "group_key", "type_ix"]).as_expr()])
        .collect()?;
    Ok(df)
}

fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("无法创建 {}", path.display()))?;
    ParquetWriter::new(std::io::BufWriter::with_capacity(1 << 16, file)).finish(df)?;
    Ok(())
}

pub struct ActivitiesParquet;

impl Exporter for ActivitiesParquet {
    /// A row per activity.
    fn cost(&self) -> u32 {
        2
    }

    fn name(&self, _: &Analysis) -> String {
        "activities.parquet".into()
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        write_parquet(&mut export_frame(a)?, path)
    }
}

/// Writes year=YYYY/month=MM/part-0.parquet under `dir`, replacing what was there.
pub fn write_dataset(a: &Analysis, dir: &Path) -> Result<()> {
    let df = export_frame(a)?;
    let months = crate::metrics::strs(&df, "month")?;
    let mut labels = months.clone();
    labels.sort();
    labels.dedup();
    for label in labels {
        let (year, month) = label.split_once('-').unwrap_or((&label, "00"));
        let part_dir = dir.join(format!("year={year}")).join(format!("month={month}"));
        std::fs::create_dir_all(&part_dir)?;
        let mut part = df
            .clone()
            .lazy()
            .filter(col("month").eq(lit(label.clone())))
            .collect()?;
        let tmp = part_dir.join(".part-0.parquet.tmp");
        write_parquet(&mut part, &tmp)?;
        std::fs::rename(&tmp, part_dir.join("part-0.parquet"))?;
    }
    Ok(())
}
