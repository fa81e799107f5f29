//! activities.parquet and the `--parquet-dataset` folder partitioned by year and month
//! (year=2024/month=03/part-0.parquet) for DuckDB, Spark or DataFusion. In: the analysis.
//! Out: Parquet files of the normalized records, the columns of activities.csv
//! ([`ACTIVITY_COLUMNS`]) typed: dates as dates, counts as integers, the flag as a boolean,
//! and null where activities.csv has an empty cell (the topic excepted: empty text).

use super::Exporter;
use super::csv_out::{ACTIVITY_COLUMNS, ActivityKind, ActivityValue, activity_kind, activity_values};
use crate::pipeline::Analysis;
use anyhow::{Context, Result};
use polars::prelude::*;
use std::path::Path;

/// One column of the frame being built, of its column's [`ActivityKind`].
enum ColumnBuilder {
    Text(StringChunkedBuilder),
    Int(Vec<Option<i64>>),
    /// Days since 1970-01-01.
    Date(Vec<i32>),
    Flag(Vec<bool>),
}

impl ColumnBuilder {
    fn new(name: &str, rows: usize) -> Self {
        match activity_kind(name) {
            ActivityKind::Text => ColumnBuilder::Text(StringChunkedBuilder::new(name.into(), rows)),
            ActivityKind::Int => ColumnBuilder::Int(Vec::with_capacity(rows)),
            ActivityKind::Date => ColumnBuilder::Date(Vec::with_capacity(rows)),
            ActivityKind::Flag => ColumnBuilder::Flag(Vec::with_capacity(rows)),
        }
    }

    fn push(&mut self, value: &ActivityValue<'_>) -> Result<()> {
        match (self, value) {
            (ColumnBuilder::Text(b), ActivityValue::Text(s)) => b.append_option((!s.is_empty()).then_some(*s)),
            (ColumnBuilder::Text(b), ActivityValue::Status(s)) => b.append_value(s.code()),
            (ColumnBuilder::Int(v), ActivityValue::Int(n)) => v.push(*n),
            (ColumnBuilder::Date(v), ActivityValue::Date(d)) => v.push(days_since_epoch(*d)),
            (ColumnBuilder::Flag(v), ActivityValue::Flag(b)) => v.push(*b),
            (_, other) => anyhow::bail!("activities.parquet: a value of another kind than its column: {other:?}"),
        }
        Ok(())
    }

    fn finish(self, name: &str) -> Result<Column> {
        Ok(match self {
            ColumnBuilder::Text(b) => b.finish().into_column(),
            ColumnBuilder::Int(v) => Column::new(name.into(), v),
            ColumnBuilder::Date(v) => Column::new(name.into(), v).cast(&DataType::Date)?,
            ColumnBuilder::Flag(v) => Column::new(name.into(), v),
        })
    }
}

/// Parquet's and polars' date: days since 1970-01-01.
fn days_since_epoch(d: chrono::NaiveDate) -> i32 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    (d - epoch).num_days() as i32
}

/// Columns of [`ACTIVITY_COLUMNS`] the activities frame already holds, with the same values
/// row for row (its rows are the activity rows, in their order): taken from it rather than
/// copied from the records again (a province's texts copied cost 20 ms and 20 MiB).
const FROM_THE_FRAME: [&str; 12] = [
    "branch",
    "group",
    "type",
    "date",
    "topic",
    "expected",
    "present",
    "names_attendance",
    "status",
    "source_file",
    "source_sheet",
    "source_row",
];

/// The normalized records as activities.csv has them, column for column, typed: the
/// activities frame's columns, and the rest made from [`activity_values`], the routine that
/// writes activities.csv and 活动明细.
pub fn export_frame(a: &Analysis) -> Result<DataFrame> {
    let rows = &a.figures.rows.activities;
    let frame = &a.figures.activities;
    anyhow::ensure!(
        frame.height() == rows.len(),
        "activities.parquet: the frame and the rows differ in length"
    );
    let built: Vec<(usize, &str)> = ACTIVITY_COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, name)| !FROM_THE_FRAME.contains(name))
        .map(|(i, name)| (i, *name))
        .collect();
    let mut builders: Vec<ColumnBuilder> = built
        .iter()
        .map(|(_, name)| ColumnBuilder::new(name, rows.len()))
        .collect();
    for row in rows.iter() {
        let values = activity_values(&a.records, row);
        for (builder, (i, _)) in builders.iter_mut().zip(&built) {
            builder.push(&values[*i])?;
        }
    }
    let mut made: Vec<Option<Column>> = vec![None; ACTIVITY_COLUMNS.len()];
    for (builder, (i, name)) in builders.into_iter().zip(&built) {
        made[*i] = Some(builder.finish(name)?);
    }
    let columns = ACTIVITY_COLUMNS
        .iter()
        .zip(made)
        .map(|(name, column)| match column {
            Some(column) => Ok(column),
            None => Ok(frame.column(name)?.clone()),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DataFrame::new_infer_height(columns)?)
}

fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("无法创建 {}", path.display()))?;
    ParquetWriter::new(std::io::BufWriter::with_capacity(1 << 16, file)).finish(df)?;
    Ok(())
}

pub struct ActivitiesParquet;

impl Exporter for ActivitiesParquet {
    /// A row per activity, its texts copied into the frame and encoded (0.06 s at a
    /// province's size, a little more than activities.csv).
    fn cost(&self) -> u32 {
        5
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
    let months: Vec<String> = a
        .figures
        .rows
        .activities
        .iter()
        .map(|row| a.records[row.record].date.format("%Y-%m").to_string())
        .collect();
    let mut labels = months.clone();
    labels.sort();
    labels.dedup();
    for label in labels {
        let (year, month) = label.split_once('-').unwrap_or((&label, "00"));
        let part_dir = dir.join(format!("year={year}")).join(format!("month={month}"));
        std::fs::create_dir_all(&part_dir)?;
        let mask: BooleanChunked = months.iter().map(|m| *m == label).collect();
        let mut part = df.filter(&mask)?;
        let tmp = part_dir.join(".part-0.parquet.tmp");
        write_parquet(&mut part, &tmp)?;
        std::fs::rename(&tmp, part_dir.join("part-0.parquet"))?;
    }
    Ok(())
}
