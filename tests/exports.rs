//! The normalized-data exports: activities.csv and activities.parquet carry every activity
//! with its source, and `--parquet-dataset` partitions them by year and month.

mod common;

use common::*;
use polars::prelude::*;

fn read_parquet(path: &std::path::Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap()).finish().unwrap()
}

/// A parquet cell as activities.csv writes it: null as empty, dates in ISO form, flags as
/// true / false, text made safe for spreadsheets.
fn as_csv_text(v: AnyValue<'_>) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => branchstat::report::csv_out::safe_cell(s).into_owned(),
        AnyValue::Date(days) => {
            (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(days as u64)).to_string()
        }
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::Int64(n) => n.to_string(),
        AnyValue::UInt32(n) => n.to_string(),
        other => panic!("a parquet value of an unexpected type: {other:?}"),
    }
}

/// activities.parquet is activities.csv typed: the same columns in the same order, the same
/// rows, every cell the same (null where the CSV cell is empty).
#[test]
fn parquet_and_csv_hold_every_activity_with_its_source() {
    let a = run_samples();
    let dir = tempfile::tempdir().unwrap();
    branchstat::report::write_outputs(&a, dir.path()).unwrap();
    let df = read_parquet(&dir.path().join("activities.parquet"));
    let activities: usize = a.records.iter().map(|r| r.types.len()).sum();
    assert_eq!(df.height(), activities);
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, branchstat::report::csv_out::ACTIVITY_COLUMNS);
    for (name, dtype) in [
        ("date", DataType::Date),
        ("present", DataType::UInt32),
        ("names_attendance", DataType::Boolean),
        ("attendees", DataType::String),
    ] {
        assert_eq!(df.column(name).unwrap().dtype(), &dtype, "{name}");
    }
    let csv_text = std::fs::read_to_string(dir.path().join("activities.csv")).unwrap();
    assert!(csv_text.starts_with('\u{feff}'), "Excel needs the BOM to read UTF-8");
    let mut csv = csv::ReaderBuilder::new().from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), activities);
    let mut nulls = 0;
    for (i, row) in rows.iter().enumerate() {
        for (c, column) in df.columns().iter().enumerate() {
            let value = column.get(i).unwrap();
            nulls += usize::from(value.is_null());
            assert_eq!(as_csv_text(value), row[c], "row {i}, {}", column.name());
        }
    }
    assert!(nulls > 0, "unknown values are null, not empty text");
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
        for i in 0..df.height() {
            let date = as_csv_text(df.column("date").unwrap().get(i).unwrap());
            assert!(date.starts_with(&format!("2024-{month:02}-")), "{part:?}: {date}");
        }
        total += df.height();
    }
    assert_eq!(total, a.figures.activities.height());
}
