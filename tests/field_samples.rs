//! The bundled field samples (a court's year, four branches, five layouts) against the
//! independently computed figures in tests/fixtures/field/truth.json.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

#[test]
fn every_truth_figure_matches() {
    let analysis = run_samples();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/fixtures/field/truth.json")).unwrap())
            .unwrap();
    let (n, bad) = compare(&truth, &metrics_json(&analysis));
    assert!(n > 300, "only {n} figures compared");
    assert!(
        bad.is_empty(),
        "{} of {n} figures differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn every_row_is_accounted_for() {
    let a = run_samples();
    let rows = a.figures.metrics.rows;
    assert_eq!(rows.read, rows.accepted + rows.rejected + rows.skipped);
    assert_eq!(rows.read, 303);
    assert_eq!(a.records.len(), rows.accepted);
}

#[test]
fn normalized_records_match_the_expected_records() {
    let a = run_samples();
    let text = std::fs::read_to_string(repo().join("tests/fixtures/field/truth_records.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let want: BTreeSet<(String, String, String, String, String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let file = r[7].trim_start_matches("submissions/").to_string();
            (
                r[0].to_string(),
                r[2].to_string(),
                r[3].to_string(),
                r[6].to_string(),
                file,
                r[9].to_string(),
            )
        })
        .collect();
    let mut got = BTreeSet::new();
    for r in a.records.iter() {
        for t in &r.types {
            got.insert((
                r.branch.clone(),
                t.code().to_string(),
                r.date.to_string(),
                r.present.map(|p| p.to_string()).unwrap_or_default(),
                r.file.clone(),
                r.row.to_string(),
            ));
        }
    }
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}\nextra {extra:?}"
    );
}

/// Figures are computed, not looked up: a late ledger for June moves them.
#[test]
fn a_new_ledger_moves_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&samples(), dir.path());
    let before = run_samples();
    write_ledger(
        &dir.path()
            .join("submissions/桥头人民法庭党支部/桥头人民法庭党支部2024年6月补报.xlsx"),
        "6月",
        &[
            vec!["桥头人民法庭党支部2024年6月补报"],
            vec!["日期", "活动类型", "活动主题", "应到", "实到"],
            vec!["2024年6月28日", "支委会", "补开支委会", "5", "5"],
        ],
    );
    let after = branchstat::pipeline::analyze(&config(
        &dir.path().join("submissions"),
        Some(&dir.path().join("roster.xlsx")),
        Some(2024),
    ))
    .unwrap();
    let (b, a) = (&before.figures.metrics, &after.figures.metrics);
    assert_eq!(
        a.totals[&branchstat::vocab::ActivityType::from_code("committee_meeting").unwrap()].activities,
        b.totals[&branchstat::vocab::ActivityType::from_code("committee_meeting").unwrap()].activities + 1
    );
    assert_eq!(a.rows.accepted, b.rows.accepted + 1);
    let gap = |m: &branchstat::metrics::Metrics| {
        m.below_target
            .iter()
            .find(|x| x.branch == "桥头人民法庭党支部" && x.activity.code() == "committee_meeting")
            .map(|x| x.missing.clone())
    };
    assert_eq!(gap(b), Some(vec!["2024-06".to_string(), "2024-09".to_string()]));
    assert_eq!(gap(a), Some(vec!["2024-09".to_string()]));
}
