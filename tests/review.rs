//! Issue 15, the office's review: problem codes and hints (issues.csv, 数据问题, feedback),
//! plausibility warnings (需说明) and `--previous` (year on year). Ledgers are built here.

mod common;

use branchstat::pipeline::Analysis;
use branchstat::problems::{ProblemKind, Severity};
use common::{Fixture, sheet, write_book};

const XING: &str = "刑事审判第一党支部";

fn codes(a: &Analysis) -> Vec<&'static str> {
    a.problems.iter().map(|p| p.code()).collect()
}

/// Reads a UTF-8 CSV with a BOM into rows of fields.
fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

// ---- 1. Codes and hints ---------------------------------------------------------------------

#[test]
fn every_problem_carries_its_code_and_hint() {
    let f = Fixture::new();
    let rows: &[&[&str]] = &[
        &["支部", "日期", "活动类型", "主题", "应到", "实到"],
        &["刑事审批第一党支部", "2024-03-03", "支委会", "近似支部", "5", "5"],
        &[XING, "", "支委会", "没有日期", "5", "5"],
        &[XING, "2024-03-09", "党课", "重报", "5", "5"],
    ];
    write_book(&f.sub("a_3月.xlsx"), &[sheet("3月", rows)]);
    write_book(&f.sub("b_3月重报.xlsx"), &[sheet("3月", rows)]);
    let a = f.analyze(Some(2024));
    let found = codes(&a);
    for code in ["E-DATE-EMPTY", "W-BRANCH-CLOSE", "N-SUPERSEDED"] {
        assert!(found.contains(&code), "{code} in {found:?}");
    }
    for p in &a.problems {
        assert_eq!(p.severity, p.kind.severity());
        if p.severity != Severity::Note {
            assert!(!p.hint().is_empty(), "{p:?}");
        }
    }
    let empty = a.problems.iter().find(|p| p.kind == ProblemKind::DateEmpty).unwrap();
    assert_eq!(empty.hint(), "请补填会议日期");
    assert_eq!(
        empty.to_string(),
        "a_3月.xlsx:3月!B3: 日期为空，本行未计入",
        "check line unchanged"
    );

    let out = f.dir.path().join("out");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let csv = read_csv(&out.join("issues.csv"));
    assert_eq!(
        csv[0],
        [
            "级别",
            "文件",
            "工作表",
            "单元格",
            "支部",
            "原值",
            "原因",
            "代码",
            "处理建议"
        ]
    );
    assert_eq!(csv.len() - 1, a.problems.len());
    for (p, row) in a.problems.iter().zip(&csv[1..]) {
        assert_eq!(row[6], p.reason);
        assert_eq!(row[7], p.code());
        assert_eq!(row[8], p.hint());
    }
    // The branch's feedback workbook lists its problems with the same codes and hints.
    let fb = out.join("feedback").join(format!("{XING}.xlsx"));
    let mut wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(&fb).unwrap();
    let range = calamine::Reader::worksheet_range(&mut wb, "数据问题").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[2][6..8], ["代码".to_string(), "处理建议".to_string()]);
    assert!(
        rows[3..]
            .iter()
            .any(|r| r[6] == "E-DATE-EMPTY" && r[7] == "请补填会议日期"),
        "{rows:?}"
    );
}
