//! A province, not just a court (issue 14, SPEC 3.2, 5 "Units", 6, 7): a synthetic province
//! of 40 branches in three courts, built by the test. Every unit figure is checked against a
//! sum computed here from the branch figures of metrics.json; 单位汇总 is read back with
//! calamine; charts hold at most 30 categories; feedback is written per unit.

mod common;

use branchstat::pipeline::Analysis;
use branchstat::report::{charts, workbook};
use calamine::{Data, Reader, open_workbook_auto};
use common::*;
use serde_json::Value;
use std::path::Path;

const COURTS: [&str; 3] = ["甲市中级人民法院党组", "乙区人民法院党组", "丙县人民法院党组"];
const BRANCHES: usize = 40;

fn branch_name(i: usize) -> String {
    format!("{}第{}党支部", ["刑事", "民事", "行政", "执行"][i % 4], i + 1)
}

/// Branch i reports to court i % 3, except the last, whose unit cell is left empty.
fn court_of(i: usize) -> Option<&'static str> {
    (i + 1 < BRANCHES).then_some(COURTS[i % 3])
}

fn as_refs(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
    rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect()
}

fn write_province(dir: &Path, units: bool) {
    let mut branch_rows: Vec<Vec<String>> = vec![if units {
        vec!["支部名称".into(), "上级党组织".into(), "党小组数".into()]
    } else {
        vec!["支部名称".into(), "党小组数".into()]
    }];
    let mut member_rows: Vec<Vec<String>> =
        vec![vec!["姓名".into(), "所在支部".into(), "党小组".into(), "类别".into()]];
    for i in 0..BRANCHES {
        let mut row = vec![branch_name(i)];
        if units {
            // Spaces and full-width letters are no part of a unit's name.
            row.push(
                court_of(i)
                    .map(|c| if i % 5 == 0 { format!(" {c} ") } else { c.to_string() })
                    .unwrap_or_default(),
            );
        }
        row.push("1".into());
        branch_rows.push(row);
        for k in 0..2 {
            member_rows.push(vec![
                format!("党员{i}号{k}"),
                branch_name(i),
                "第一党小组".into(),
                "正式党员".into(),
            ]);
        }
    }
    let (b, m) = (as_refs(&branch_rows), as_refs(&member_rows));
    let b: Vec<&[&str]> = b.iter().map(Vec::as_slice).collect();
    let m: Vec<&[&str]> = m.iter().map(Vec::as_slice).collect();
    write_book(&dir.join("roster.xlsx"), &[sheet("支部", &b), sheet("党员", &m)]);
    for i in 0..BRANCHES {
        let name = branch_name(i);
        let mut rows: Vec<Vec<String>> = vec![
            ["支部", "日期", "活动类型", "主题", "应到", "实到", "参会人员"]
                .map(String::from)
                .to_vec(),
        ];
        // Branch i holds its committee meeting in the first (i % 12) + 1 months; every
        // third branch's second member misses them all.
        for month in 1..=(i % 12) + 1 {
            let present = if i % 3 == 0 {
                format!("党员{i}号0")
            } else {
                format!("党员{i}号0、党员{i}号1")
            };
            let n = present.split('、').count().to_string();
            rows.push(vec![
                name.clone(),
                format!("2024-{month:02}-05"),
                "支委会".into(),
                format!("{month}月支委会"),
                "2".into(),
                n,
                present,
            ]);
        }
        if i % 2 == 0 {
            rows.push(vec![
                name.clone(),
                "2024-03-20".into(),
                "党员大会".into(),
                "一季度党员大会".into(),
                "2".into(),
                "2".into(),
                String::new(),
            ]);
        }
        let r = as_refs(&rows);
        let r: Vec<&[&str]> = r.iter().map(Vec::as_slice).collect();
        write_book(
            &dir.join("submissions").join(format!("{name}2024年台账.xlsx")),
            &[sheet("台账", &r)],
        );
    }
}

/// The synthetic province in a new folder, and the run's configuration for it.
fn province(units: bool) -> (tempfile::TempDir, branchstat::pipeline::RunConfig) {
    let dir = tempfile::tempdir().unwrap();
    write_province(dir.path(), units);
    let c = config(
        &dir.path().join("submissions"),
        Some(&dir.path().join("roster.xlsx")),
        Some(2024),
    );
    (dir, c)
}

fn analyze_province(units: bool) -> (tempfile::TempDir, Analysis) {
    let (dir, c) = province(units);
    let a = branchstat::pipeline::analyze(&c).unwrap();
    (dir, a)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn unit_figures_are_sums_of_their_branches() {
    let (_dir, a) = analyze_province(true);
    let m = metrics_json(&a);
    let units = m["units"].as_array().unwrap();
    assert_eq!(units.len(), 4, "three courts and the branch with no unit");
    let branches = m["branches"].as_array().unwrap();
    for (i, b) in branches.iter().enumerate() {
        let want = court_of(i).unwrap_or("（未填上级党组织）");
        assert_eq!(b["unit"], want, "{}", b["branch"]);
    }
    let below = m["below_target"].as_array().unwrap();
    let members_below = m["members_below_threshold"].as_array().unwrap();
    assert!(!members_below.is_empty());
    for u in units {
        let name = u["unit"].as_str().unwrap();
        let mine: Vec<&Value> = branches.iter().filter(|b| b["unit"] == name).collect();
        assert_eq!(u["branches"], mine.len());
        for code in ["committee_meeting", "member_meeting", "theme_day"] {
            let (met, periods) = mine
                .iter()
                .flat_map(|b| b["requirements"].as_array().unwrap())
                .filter(|r| r["type"] == code)
                .fold((0.0, 0.0), |(m, p), r| (m + f(&r["met"]), p + f(&r["periods"])));
            let got = f(&u["coverage"]["requirements"][code]);
            assert!(
                (got - met / periods).abs() < 1e-6,
                "{name} {code}: {got} vs {met}/{periods}"
            );
        }
        let active: f64 = mine.iter().map(|b| f(&b["active_months"])).sum();
        let got = f(&u["coverage"]["active_months"]);
        assert!((got - active / (12.0 * mine.len() as f64)).abs() < 1e-6);
        let activities: i64 = mine
            .iter()
            .map(|b| b["counts"]["committee_meeting"].as_i64().unwrap())
            .sum();
        assert_eq!(u["totals"]["committee_meeting"]["activities"], activities);
        let mut behind: Vec<&str> = below
            .iter()
            .filter(|x| mine.iter().any(|b| b["branch"] == x["branch"]))
            .map(|x| x["branch"].as_str().unwrap())
            .collect();
        behind.sort();
        behind.dedup();
        assert_eq!(u["below_target_branches"], behind.len());
        let low = members_below
            .iter()
            .filter(|p| mine.iter().any(|b| b["branch"] == p["branch"]))
            .count();
        assert_eq!(u["members_below_threshold"], low);
    }
    // The committee-wide figure is the same sum over every branch.
    let all_met: f64 = units
        .iter()
        .map(|u| f(&u["coverage"]["requirements"]["committee_meeting"]) * f(&u["branches"]) * 12.0)
        .sum();
    let committee = f(&m["coverage"]["requirements"]["committee_meeting"]) * BRANCHES as f64 * 12.0;
    assert!((all_met - committee).abs() < 1e-3);
    // Ranked by the mean of the requirement coverages, lowest first, 1, 2, 3, 4.
    let mean = |u: &Value| {
        let v: Vec<f64> = u["coverage"]["requirements"]
            .as_object()
            .unwrap()
            .values()
            .map(f)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    for pair in units.windows(2) {
        assert!(mean(&pair[0]) <= mean(&pair[1]) + 1e-12);
    }
    let ranks: Vec<i64> = units.iter().map(|u| u["rank"].as_i64().unwrap()).collect();
    assert_eq!(ranks, vec![1, 2, 3, 4]);
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(x) => x.to_string(),
        Data::Int(x) => x.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn units_sheet_and_unit_columns_read_back() {
    let (dir, a) = analyze_province(true);
    let out = dir.path().join("out");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let mut book = open_workbook_auto(out.join(workbook::file_name(2024))).unwrap();
    assert_eq!(book.sheet_names()[..3], ["总览", "单位汇总", "支部达标"]);
    let sheet = book.worksheet_range("单位汇总").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "排名"))
        .unwrap();
    let m = metrics_json(&a);
    let reqs = a.settings.plan.requirements.len();
    for (k, u) in m["units"].as_array().unwrap().iter().enumerate() {
        let row = &rows[header + 1 + k];
        assert_eq!(row[0], u["rank"].to_string());
        assert_eq!(row[1], u["unit"].as_str().unwrap());
        assert_eq!(row[2], u["branches"].to_string());
        for (c, req) in a.settings.plan.requirements.iter().enumerate() {
            let want = f(&u["coverage"]["requirements"][req.activity.code()]);
            let got: f64 = row[3 + c].parse().unwrap();
            assert!((got - want).abs() < 1e-9, "{} {}", row[1], req.activity.code());
        }
        assert_eq!(row[3 + reqs + 2], u["below_target_branches"].to_string());
        assert_eq!(row[3 + reqs + 3], u["members_below_threshold"].to_string());
    }
    let compliance = book.worksheet_range("支部达标").unwrap();
    let rows: Vec<Vec<String>> = compliance.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "党支部"))
        .unwrap();
    assert_eq!(rows[header][1], "上级党组织");
    assert_eq!(rows[header + 1][0], branch_name(0));
    assert_eq!(rows[header + 1][1], COURTS[0]);
    let warnings = book.worksheet_range("预警清单").unwrap();
    let rows: Vec<Vec<String>> = warnings.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    assert!(rows.iter().any(|r| r.get(2).is_some_and(|c| c == "上级党组织")));
    let overview = book.worksheet_range("总览").unwrap();
    let text: Vec<String> = overview
        .rows()
        .flat_map(|r| r.iter().map(cell_text).collect::<Vec<_>>())
        .collect();
    assert!(text.iter().any(|c| c.contains("共4个上级党组织")), "{text:?}");
    // Feedback per unit, and the branches' workbooks in their unit's folder.
    for u in m["units"].as_array().unwrap() {
        let name = u["unit"].as_str().unwrap();
        assert!(out.join("feedback").join(format!("{name}.xlsx")).is_file(), "{name}");
    }
    let first = out
        .join("feedback")
        .join(COURTS[0])
        .join(format!("{}.xlsx", branch_name(0)));
    assert!(first.is_file(), "{}", first.display());
    let mut unit_book = open_workbook_auto(out.join("feedback").join(format!("{}.xlsx", COURTS[0]))).unwrap();
    let listed = unit_book.worksheet_range("各支部情况").unwrap();
    let names: Vec<String> = listed.rows().skip(3).map(|r| cell_text(&r[1])).collect();
    let mine = (0..BRANCHES).filter(|&i| court_of(i) == Some(COURTS[0])).count();
    assert_eq!(names.len(), mine);
    // The unit's 数据问题: its branches' errors and warnings as issues.csv has them, each
    // with its code and hint (SPEC 10), as in a branch's own workbook. A topic shared by
    // many branches is one line of issues.csv for the group, and a line for each branch in
    // the feedback.
    let sheet = unit_book.worksheet_range("数据问题").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    assert_eq!(
        rows[2],
        [
            "党支部",
            "级别",
            "文件",
            "工作表",
            "单元格",
            "原值",
            "原因",
            "代码",
            "处理建议"
        ]
    );
    let issues = std::fs::read_to_string(out.join("issues.csv")).unwrap();
    let mut csv = csv::ReaderBuilder::new().from_reader(issues.trim_start_matches('\u{feff}').as_bytes());
    let mut want: Vec<Vec<String>> = csv
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] != "提示" && names.iter().any(|n| *n == r[4]))
        .map(|r| [4, 0, 1, 2, 3, 5, 6, 7, 8].iter().map(|&c| r[c].to_string()).collect())
        .collect();
    let (mut got, shared): (Vec<Vec<String>>, Vec<Vec<String>>) =
        rows[3..].iter().cloned().partition(|r| r[7] != "W-SHARED-TOPIC");
    want.retain(|r| r[7] != "W-SHARED-TOPIC");
    want.sort();
    got.sort();
    assert!(!want.is_empty(), "the fixture has problems in the unit's branches");
    assert_eq!(got, want);
    assert!(
        !shared.is_empty()
            && shared
                .iter()
                .all(|r| r[8] == branchstat::problems::ProblemKind::SharedTopic.hint())
    );
}

#[test]
fn charts_show_at_most_thirty_categories() {
    let (_dir, a) = analyze_province(true);
    for chart in [charts::branch_counts(&a), charts::attendance(&a)] {
        assert_eq!(chart.categories.len(), 4, "per unit: {}", chart.title);
        assert!(chart.title.contains("上级党组织"), "{}", chart.title);
        let svg = charts::to_svg(&chart);
        assert!(svg.contains(COURTS[0]));
    }
    let (_dir, plain) = analyze_province(false);
    for chart in [charts::branch_counts(&plain), charts::attendance(&plain)] {
        assert_eq!(chart.categories.len(), 30, "{}", chart.title);
        assert!(chart.title.contains("差距最大的30个支部，共40个"), "{}", chart.title);
    }
    // The 30 furthest behind: none shown is less behind (higher mean compliance) than one left out.
    let m = metrics_json(&plain);
    let mean_of = |name: &str| {
        let b = m["branches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["branch"] == name)
            .unwrap();
        let v: Vec<f64> = b["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["compliance"].as_f64())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let shown = &charts::branch_counts(&plain).categories;
    let worst_left_out = (0..BRANCHES)
        .map(branch_name)
        .filter(|b| !shown.contains(b))
        .map(|b| mean_of(&b))
        .fold(f64::INFINITY, f64::min);
    assert!(shown.iter().all(|b| mean_of(b) <= worst_left_out), "{shown:?}");
    for pair in shown.windows(2) {
        assert!(mean_of(&pair[0]) <= mean_of(&pair[1]), "worst first: {shown:?}");
    }
}

#[test]
fn without_units_nothing_changes() {
    let (dir, a) = analyze_province(false);
    let m = metrics_json(&a);
    assert_eq!(m["units"], Value::Array(Vec::new()));
    assert!(m["branches"].as_array().unwrap().iter().all(|b| b["unit"].is_null()));
    let out = dir.path().join("out");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let book = open_workbook_auto(out.join(workbook::file_name(2024))).unwrap();
    assert_eq!(book.sheet_names(), workbook::SHEETS.map(String::from).to_vec());
    assert!(out.join("feedback").join(format!("{}.xlsx", branch_name(0))).is_file());
}

/// 单位汇总's rows below its header, as text.
fn units_rows(out: &Path) -> Vec<Vec<String>> {
    let mut book = open_workbook_auto(out.join(workbook::file_name(2024))).unwrap();
    let sheet = book.worksheet_range("单位汇总").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "排名"))
        .unwrap();
    rows[header..].to_vec()
}

/// Issue 15: with `--previous` and units, 单位汇总 shows each unit's earlier mean coverage
/// and the change; a unit the earlier year lacked gets `—`; an earlier year without units
/// adds nothing.
#[test]
fn units_sheet_shows_the_earlier_year() {
    let (dir, mut a) = analyze_province(true);
    let now = metrics_json(&a);
    // The earlier year: every unit's coverage 0.5 for each requirement, but the last unit
    // missing.
    let mut before = now.clone();
    before["year"] = Value::from(2023);
    let units = before["units"].as_array_mut().unwrap();
    let gone = units.pop().unwrap()["unit"].as_str().unwrap().to_string();
    for u in units.iter_mut() {
        for v in u["coverage"]["requirements"].as_object_mut().unwrap().values_mut() {
            *v = Value::from(0.5);
        }
    }
    let p = branchstat::metrics::previous::compare(&a.figures.metrics, &before, |_| None).unwrap();
    assert_eq!(p.units.len(), now["units"].as_array().unwrap().len() - 1);
    a.figures.metrics.previous = Some(p);
    let out = dir.path().join("out");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    for (w, b) in written["previous"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .zip(before["units"].as_array().unwrap())
    {
        assert_eq!(w["unit"], b["unit"]);
        assert_eq!(w["coverage"], b["coverage"], "the earlier coverage as written");
    }

    let rows = units_rows(&out);
    let reqs = a.settings.plan.requirements.len();
    let (was, change) = (3 + reqs + 4, 3 + reqs + 5);
    assert_eq!(rows[0][was..=change], ["上年平均达标率", "平均达标率增减"]);
    for u in now["units"].as_array().unwrap() {
        let row = rows.iter().find(|r| r[1] == u["unit"].as_str().unwrap()).unwrap();
        if row[1] == gone {
            assert_eq!(row[was..=change], ["—", "—"], "a unit new this year");
            continue;
        }
        let values: Vec<f64> = u["coverage"]["requirements"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(Value::as_f64)
            .collect();
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert_eq!(row[was].parse::<f64>().unwrap(), 0.5);
        assert!(
            (row[change].parse::<f64>().unwrap() - (mean - 0.5)).abs() < 1e-6,
            "{}",
            row[1]
        );
    }
    assert!(rows.iter().any(|r| r[0].contains("上年为 2023 年度")));

    // An earlier metrics.json without units: no 上年 columns, no `units` in `previous`.
    before.as_object_mut().unwrap().remove("units");
    a.figures.metrics.previous =
        Some(branchstat::metrics::previous::compare(&a.figures.metrics, &before, |_| None).unwrap());
    let out = dir.path().join("out_no_units");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert!(written["previous"].get("units").is_none());
    let rows = units_rows(&out);
    assert!(!rows[0].iter().any(|c| c.starts_with("上年")), "{:?}", rows[0]);
}

#[test]
fn summary_and_report_stay_short_and_go_by_unit() {
    let (dir, a) = analyze_province(true);
    let out = dir.path().join("out");
    branchstat::report::write_outputs(&a, &out).unwrap();
    let summary = std::fs::read_to_string(out.join("summary_2024.md")).unwrap();
    assert!(summary.chars().count() < 4000, "{} characters", summary.chars().count());
    assert!(summary.contains("分单位看，4个上级党组织"), "{summary}");
    // At most ten items named in any list: the below-target list is longer than that here.
    assert!(metrics_json(&a)["below_target"].as_array().unwrap().len() > 10);
    let listed = summary.lines().find(|l| l.contains("项要求未达标")).unwrap();
    assert_eq!(listed.matches("缺").count(), 10, "{listed}");
    assert!(
        listed.contains("全部见统计工作簿“预警清单”表") || listed.contains("见统计工作簿“预警清单”表"),
        "{listed}"
    );
    // The report's requirement table is per unit.
    let docx = std::fs::read(out.join("报告_2024.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("各单位制度要求达标情况"));
    for court in COURTS {
        assert!(xml.contains(court), "{court}");
    }
}

/// The committee workbook begun beside the figures (its 活动明细 written and compressed while
/// the figures are computed, as `run` does) unzips to the same parts as the workbook built
/// after them, with units (活动明细 the ninth sheet) and without (the eighth); begun for the
/// wrong sheet count, it is built anew, the same.
#[test]
fn the_workbook_begun_beside_the_figures_is_the_one_built_after() {
    use branchstat::pipeline::{ActivitiesReady, EarlyOutput};
    use branchstat::report::Exporter;
    for units in [true, false] {
        let (dir, c) = province(units);
        let begun = workbook::CommitteeWorkbook::default();
        let a = branchstat::pipeline::analyze_beside(&c, &|_, _| {}, &[&begun]).unwrap();
        assert!(begun.has_begun(), "units {units}");
        let built = dir.path().join("built.xlsx");
        workbook::build(&a).unwrap().save(&built).unwrap();
        let written = dir.path().join("begun.xlsx");
        begun.write(&a, &written).unwrap();
        assert!(!begun.has_begun());
        assert_same_parts(&built, &written, units);

        let miscounted = workbook::CommitteeWorkbook::default();
        miscounted.begin(&ActivitiesReady {
            records: &a.records,
            rows: &a.figures.rows.activities,
            settings: &a.settings,
            units: !units,
        });
        assert!(miscounted.has_begun());
        let rebuilt = dir.path().join("rebuilt.xlsx");
        miscounted.write(&a, &rebuilt).unwrap();
        assert_same_parts(&built, &rebuilt, units);
    }
}

fn assert_same_parts(a: &Path, b: &Path, units: bool) {
    let read = |path: &Path| {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut part = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut part, &mut bytes).unwrap();
                (part.name().unwrap().to_string(), bytes)
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (a, b) = (read(a), read(b));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "units {units}"
    );
    for (name, bytes) in &a {
        assert!(b[name] == *bytes, "units {units}: {name} differs");
    }
    let last = if units { "sheet9.xml" } else { "sheet8.xml" };
    let detail = String::from_utf8_lossy(&a[&format!("xl/worksheets/{last}")]).into_owned();
    assert!(
        detail.contains("活动明细") && detail.contains("计入"),
        "units {units}: {last}"
    );
}
