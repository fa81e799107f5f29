//! The normalized-data exports: activities.csv and activities.parquet carry every activity
//! with its source, and `--parquet-dataset` partitions them by year and month.

mod common;

use common::*;
use polars::prelude::*;

fn read_parquet(path: &std::path::Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap()).finish().unwrap()
}

#[test]
fn parquet_and_csv_hold_every_activity_with_its_source() {
    let a = run_samples();
    let dir = tempfile::tempdir().unwrap();
    branchstat::report::write_outputs(&a, dir.path()).unwrap();
    let df = read_parquet(&dir.path().join("activities.parquet"));
    let activities: usize = a.records.iter().map(|r| r.types.len()).sum();
    assert_eq!(df.height(), activities);
    for name in [
        "branch",
        "type",
        "date",
        "present",
        "status",
        "source_file",
        "source_sheet",
        "source_row",
    ] {
        assert!(df.column(name).is_ok(), "missing column {name}");
    }
    assert_eq!(df.column("date").unwrap().dtype(), &DataType::Date);
    let csv_text = std::fs::read_to_string(dir.path().join("activities.csv")).unwrap();
    assert!(csv_text.starts_with('\u{feff}'), "Excel needs the BOM to read UTF-8");
    assert_eq!(csv_text.lines().count(), activities + 1);
}

#[test]
fn parquet_dataset_is_partitioned_by_year_and_month() {
    let a = run_samples();
    let dir = tempfile::tempdir().unwrap();
    branchstat::report::parquet::write_dataset(&a, dir.path()).unwrap();
    let mut total = 0;
    for month in 1..=12 {
        let part = dir.path().join(format!("year=2024/month={month:02}/part-0.parquet"));
        let df = read_parquet(&part);
        let months = branchstat::metrics::strs(&df, "month").unwrap();
        assert!(months.iter().all(|m| *m == format!("2024-{month:02}")), "{part:?}");
        total += df.height();
    }
    assert_eq!(total, a.figures.activities.height());
}
