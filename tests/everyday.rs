//! Everyday use: the template round trip (write, fill, check, run), plan.toml through the
//! command line, `--as-of` figures to date, excluded branches and start dates, feedback
//! workbooks for the branches.

mod common;

use branchstat::config::Plan;
use branchstat::pipeline::analyze;
use calamine::Reader;
use common::*;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_branchstat"))
}

fn roster_branches() -> Vec<String> {
    let (roster, _) = branchstat::pipeline::load_roster(&samples().join("roster.xlsx"), &Default::default()).unwrap();
    roster.branches.into_iter().map(|b| b.name).collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_filled_template_passes_check_and_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("submissions");
    std::fs::create_dir_all(&subs).unwrap();
    let branches = roster_branches();
    let cols = branchstat::report::template::columns(true);
    assert_eq!(cols[0].label(), "支部");
    // 支部, 日期, 活动类型, 主题, 主持人, 应到, 实到, 参会人员, 缺席人员, 党小组, 地点, 备注
    let rows = vec![
        row(&[
            &branches[0],
            "2024-03-05",
            "支部委员会",
            "研究季度工作",
            "邵鑫阳",
            "5",
            "5",
            "",
            "",
            "",
            "党员活动室",
            "",
        ]),
        row(&[
            &branches[0],
            "2024-03-12",
            "支部党员大会暨党课",
            "学习党章",
            "邵鑫阳",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
        row(&[
            &branches[1],
            "2024-03-20",
            "主题党日",
            "重温入党誓词",
            "",
            "28",
            "27",
            "",
            "",
            "",
            "",
            "",
        ]),
    ];
    let path = subs.join("三月台账.xlsx");
    branchstat::report::template::write_template(&branches, 2024, &rows, &path).unwrap();

    // The template's own structure: the ledger, a hidden list of branches, instructions.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names, vec!["登记表", "名单", "填表说明"]);
    let range = book.worksheet_range("登记表").unwrap();
    assert_eq!(range.get_value((1, 1)).map(|v| v.to_string()), Some("日期".to_string()));

    let out = bin()
        .args([
            "check",
            subs.to_str().unwrap(),
            "--roster",
            samples().join("roster.xlsx").to_str().unwrap(),
            "--year",
            "2024",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check found problems:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.trim().is_empty(), "{stdout}");

    let a = analyze(&config(&subs, Some(&samples().join("roster.xlsx")), Some(2024))).unwrap();
    assert_eq!(a.figures.metrics.rows.accepted, 3);
    assert_eq!(
        a.figures.metrics.totals[&branchstat::vocab::ActivityType::from_code("member_meeting").unwrap()].activities,
        1
    );
    assert_eq!(
        a.figures.metrics.totals[&branchstat::vocab::ActivityType::from_code("party_lecture").unwrap()].activities,
        1
    );
    assert_eq!(
        a.figures.metrics.totals[&branchstat::vocab::ActivityType::from_code("theme_day").unwrap()].person_times,
        27
    );
}

#[test]
fn template_command_writes_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("模板.xlsx");
    let status = bin()
        .args([
            "template",
            "--roster",
            samples().join("roster.xlsx").to_str().unwrap(),
            "--year",
            "2025",
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert!(book.sheet_names().contains(&"登记表".to_string()));
}

#[test]
fn plan_init_round_trips_and_errors_name_the_line() {
    let out = bin().args(["plan", "--init"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(Plan::from_toml(&text).unwrap(), Plan::default());

    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        "[[requirement]]\ntype = \"theme_day\"\ncadence = \"fortnight\"\nminimum = 1\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "run",
            samples().join("submissions").to_str().unwrap(),
            "--plan",
            plan.to_str().unwrap(),
            "--out",
        ])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("第 3 行") && err.contains("fortnight"), "{err}");
}

#[test]
fn as_of_counts_only_periods_ended() {
    let s = samples();
    let mut cfg = config(&s.join("submissions"), Some(&s.join("roster.xlsx")), Some(2024));
    cfg.as_of = chrono::NaiveDate::from_ymd_opt(2024, 8, 15);
    let a = analyze(&cfg).unwrap();
    let m = &a.figures.metrics;
    assert_eq!(m.as_of, "2024-08-15");
    let b = &m.branches[0];
    let req = |t: &str| b.requirements.iter().find(|r| r.activity.code() == t).unwrap();
    assert_eq!(req("committee_meeting").periods, 7); // January to July
    assert_eq!(req("member_meeting").periods, 2); // Q1, Q2
    // Activities after the as-of date are outside the period and counted nowhere.
    assert!(m.rows.outside_period > 0);
    let counted: i64 = m.totals.values().map(|t| t.activities).sum();
    let full = run_samples();
    let full_counted: i64 = full.figures.metrics.totals.values().map(|t| t.activities).sum();
    assert!(counted < full_counted);
    // What is still owed this month and quarter.
    assert!(
        m.outstanding
            .iter()
            .all(|o| o.period == "2024-08" || o.period == "2024Q3")
    );
    assert!(
        m.outstanding
            .iter()
            .all(|o| o.owed > 0 && o.owed == o.required - o.done)
    );
}

#[test]
fn excluded_branches_and_start_dates() {
    let s = samples();
    let mut cfg = config(&s.join("submissions"), Some(&s.join("roster.xlsx")), Some(2024));
    cfg.plan = Plan::from_toml(
        "exclude_branches = [\"执行局第二党支部\"]\n[branch_start]\n\"桥头人民法庭党支部\" = \"2024-07-01\"\n",
    )
    .unwrap();
    let a = analyze(&cfg).unwrap();
    let m = &a.figures.metrics;
    assert_eq!(m.branches.len(), 3);
    assert!(m.branches.iter().all(|b| b.branch != "执行局第二党支部"));
    let qiaotou = m.branches.iter().find(|b| b.branch == "桥头人民法庭党支部").unwrap();
    let committee = qiaotou
        .requirements
        .iter()
        .find(|r| r.activity.code() == "committee_meeting")
        .unwrap();
    assert_eq!(committee.periods, 6); // July to December
    assert_eq!(committee.missing, vec!["2024-09"]); // June is no longer due
    // The excluded branch's activities are in no total.
    let full = run_samples();
    assert!(
        m.totals[&branchstat::vocab::ActivityType::CommitteeMeeting].activities
            < full.figures.metrics.totals[&branchstat::vocab::ActivityType::CommitteeMeeting].activities
    );
}

#[test]
fn feedback_workbooks_for_every_branch() {
    let a = run_samples();
    let dir = tempfile::tempdir().unwrap();
    branchstat::report::write_outputs(&a, dir.path()).unwrap();
    for b in &a.figures.metrics.branches {
        let path = dir
            .path()
            .join("feedback")
            .join(branchstat::report::feedback::file_name_for(&b.branch));
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let range = book.worksheet_range("考核情况").unwrap();
        // One row per requirement, with the same missing periods as metrics.json.
        for (i, req) in b.requirements.iter().enumerate() {
            let missing = range
                .get_value((3 + i as u32, 7))
                .map(|v| v.to_string())
                .unwrap_or_default();
            let expected = branchstat::report::format::period_list(&req.missing, a.settings.year);
            assert_eq!(missing, expected, "{} {}", b.branch, req.activity);
        }
        // 参与率 lists the types in the plan's order (ActivityType::ALL), as the workbook does.
        let rates = book.worksheet_range("参与率").unwrap();
        let position = |label: String| {
            branchstat::vocab::ActivityType::ALL
                .iter()
                .position(|t| t.label() == label)
                .unwrap_or_else(|| panic!("a type label: {label}"))
        };
        let column: Vec<String> = (0..rates.height() as u32)
            .map(|r| rates.get_value((r, 0)).map(|v| v.to_string()).unwrap_or_default())
            .collect();
        let order: Vec<usize> = column[1..]
            .iter()
            .take_while(|v| !v.is_empty())
            .cloned()
            .map(position)
            .collect();
        assert!(order.len() > 1, "{} has rates", b.branch);
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{}: {order:?}", b.branch);
        // Under the rates, the branch's members below the threshold as metrics.json lists
        // them, or 无.
        let title = column
            .iter()
            .position(|v| v == "参与率低于 80% 的党员")
            .unwrap_or_else(|| panic!("{}: {column:?}", b.branch));
        let listed: Vec<(String, String)> = (title as u32 + 2..rates.height() as u32)
            .map(|r| {
                let cell = |c| rates.get_value((r, c)).map(|v| v.to_string()).unwrap_or_default();
                (cell(0), cell(3))
            })
            .collect();
        let want: Vec<(String, String)> = a
            .figures
            .metrics
            .members_below_threshold
            .iter()
            .filter(|m| m.branch == b.branch)
            .map(|m| (m.name.clone(), m.rate.to_string()))
            .collect();
        if want.is_empty() {
            assert_eq!(column[title + 1], "无。", "{}", b.branch);
        } else {
            assert_eq!(listed, want, "{}", b.branch);
        }
    }
    let with_members = a.figures.metrics.members_below_threshold.len();
    assert!(with_members > 0, "the samples have members below the threshold");
}

#[test]
fn the_workbook_lists_what_is_still_owed_this_period() {
    let s = samples();
    let mut cfg = config(&s.join("submissions"), Some(&s.join("roster.xlsx")), Some(2024));
    cfg.as_of = chrono::NaiveDate::from_ymd_opt(2024, 8, 15);
    let a = analyze(&cfg).unwrap();
    assert!(!a.figures.metrics.outstanding.is_empty());
    let dir = tempfile::tempdir().unwrap();
    branchstat::report::write_outputs(&a, dir.path()).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join("党建统计_2024.xlsx")).unwrap();
    let range = book.worksheet_range("预警清单").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let start = rows
        .iter()
        .position(|r| r[0].starts_with("三、本期待办"))
        .expect("本期待办 section");
    for (i, o) in a.figures.metrics.outstanding.iter().enumerate() {
        let row = &rows[start + 2 + i];
        let period = branchstat::report::format::period_text(&o.period, 2024);
        assert_eq!(
            (row[1].as_str(), row[3].as_str(), row[6].as_str()),
            (o.branch.as_str(), period.as_str(), o.owed.to_string().as_str())
        );
    }
}
