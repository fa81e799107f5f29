//! Helpers shared by the integration tests: running the library on a folder, comparing
//! figures with an expected truth.json, writing small ledgers with rust_xlsxwriter.
#![allow(dead_code)]

use branchstat::config::Plan;
use branchstat::ingest::Limits;
use branchstat::pipeline::{Analysis, RunConfig, analyze};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    repo().join("samples")
}

pub fn config(submissions: &Path, roster: Option<&Path>, year: Option<i32>) -> RunConfig {
    RunConfig {
        submissions: submissions.to_path_buf(),
        roster: roster.map(Path::to_path_buf),
        plan: Plan::default(),
        year,
        as_of: None,
        limits: Limits::default(),
    }
}

pub fn run_samples() -> Analysis {
    let s = samples();
    analyze(&config(
        &s.join("submissions"),
        Some(&s.join("roster.xlsx")),
        Some(2024),
    ))
    .expect("samples run")
}

/// Compares every figure of `truth` with `got` as check_metrics.py does; returns mismatches.
pub fn compare(truth: &Value, got: &Value) -> (usize, Vec<String>) {
    let mut n = 0;
    let mut bad = Vec::new();
    walk("", truth, got, &mut n, &mut bad);
    (n, bad)
}

fn is_ratio(key: &str) -> bool {
    key == "compliance" || key == "rate" || key.ends_with("_rate") || key.ends_with("coverage")
}

fn walk(path: &str, want: &Value, got: &Value, n: &mut usize, bad: &mut Vec<String>) {
    let key = path.rsplit('.').next().unwrap_or("");
    match want {
        Value::Object(map) => {
            for (k, v) in map {
                if path.is_empty() && (k == "ambiguous" || k == "conventions") {
                    continue;
                }
                let sub = got.get(k).unwrap_or(&Value::Null);
                walk(&format!("{path}.{k}"), v, sub, n, bad);
            }
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
            *n += 1;
            let mut w: Vec<String> = items.iter().map(|v| v.to_string()).collect();
            let mut g: Vec<String> = got
                .as_array()
                .map(|a| a.iter().map(|v| v.to_string()).collect())
                .unwrap_or_default();
            w.sort();
            g.sort();
            if w != g {
                bad.push(format!("{path}: expected {w:?}, got {g:?}"));
            }
        }
        Value::Array(items) => {
            let id = |v: &Value| -> String {
                ["branch", "type", "name"]
                    .iter()
                    .filter_map(|k| v.get(*k).map(|x| x.to_string()))
                    .collect::<Vec<_>>()
                    .join("/")
            };
            let empty = Vec::new();
            let got_items = got.as_array().unwrap_or(&empty);
            *n += 1;
            if items.len() != got_items.len() {
                bad.push(format!(
                    "{path}: expected {} items, got {}",
                    items.len(),
                    got_items.len()
                ));
            }
            for item in items {
                let k = id(item);
                match got_items.iter().find(|g| id(g) == k) {
                    Some(g) => walk(&format!("{path}[{k}]"), item, g, n, bad),
                    None => bad.push(format!("{path}: missing {k}")),
                }
            }
        }
        Value::Number(w) => {
            *n += 1;
            let w = w.as_f64().unwrap_or(f64::NAN);
            let g = got.as_f64();
            let ok = match g {
                Some(g) if is_ratio(key) || w.fract() != 0.0 => (g - w).abs() <= 0.0005,
                Some(g) => g == w,
                None => false,
            };
            if !ok {
                bad.push(format!("{path}: expected {w}, got {got}"));
            }
        }
        other => {
            *n += 1;
            if other != got {
                bad.push(format!("{path}: expected {other}, got {got}"));
            }
        }
    }
}

pub fn metrics_json(a: &Analysis) -> Value {
    serde_json::to_value(&a.figures.metrics).expect("serializable")
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes a one-sheet ledger: `rows[0]` is the header; cells are text unless they parse
/// as numbers.
pub fn write_ledger(path: &Path, sheet: &str, rows: &[Vec<&str>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) if !cell.starts_with('0') || *cell == "0" => ws.write_number(r as u32, c as u16, n).unwrap(),
                _ => ws.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    wb.save(path).unwrap();
}
