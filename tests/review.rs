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

// ---- 2. Plausibility (需说明) ----------------------------------------------------------------

const HEADER: [&str; 7] = ["支部", "日期", "活动类型", "主题", "应到", "实到", "参会人员"];

/// One ledger of the given rows (branch, date, type, topic, expected, present, attendees).
fn ledger(f: &Fixture, name: &str, rows: &[[&str; 7]]) {
    let mut all: Vec<&[&str]> = vec![&HEADER];
    all.extend(rows.iter().map(|r| &r[..]));
    write_book(&f.sub(name), &[sheet("台账", &all)]);
}

fn with_kind(a: &Analysis, kind: ProblemKind) -> Vec<&branchstat::problems::Problem> {
    a.problems.iter().filter(|p| p.kind == kind).collect()
}

/// `n` committee meetings of 刑一庭, one a month from January, with these present counts.
fn committee_meetings(present: &[&'static str]) -> Vec<[String; 7]> {
    present
        .iter()
        .enumerate()
        .map(|(i, p)| {
            [
                XING.to_string(),
                format!("2024-{:02}-10", i + 1),
                "支委会".into(),
                format!("研究议题{}", ["甲", "乙", "丙", "丁", "戊", "己", "庚"][i]),
                "5".into(),
                p.to_string(),
                String::new(),
            ]
        })
        .collect()
}

fn run_rows(rows: &[[String; 7]]) -> Analysis {
    let f = Fixture::new();
    let rows: Vec<[&str; 7]> = rows.iter().map(|r| std::array::from_fn(|i| r[i].as_str())).collect();
    ledger(&f, "台账.xlsx", &rows);
    f.analyze(Some(2024))
}

#[test]
fn same_present_at_six_meetings_is_warned_five_is_not() {
    let a = run_rows(&committee_meetings(&["5"; 6]));
    let found = with_kind(&a, ProblemKind::SameCount);
    assert_eq!(found.len(), 1, "{:#?}", a.problems);
    assert_eq!(found[0].branch, XING);
    assert!(
        found[0].reason.contains("6 次支部委员会实到人数均为 5 人"),
        "{}",
        found[0].reason
    );
    assert_eq!(found[0].file, "台账.xlsx");
    assert_eq!(
        a.figures.metrics.totals[&branchstat::vocab::ActivityType::CommitteeMeeting].activities,
        6,
        "figures unchanged"
    );

    for near in [
        &["5"; 5][..],
        &["5", "5", "5", "4", "5", "5"],
        &["5", "5", "", "5", "5", "5"],
    ] {
        let a = run_rows(&committee_meetings(near));
        assert!(with_kind(&a, ProblemKind::SameCount).is_empty(), "{near:?}");
    }
}

#[test]
fn same_attendee_list_at_six_meetings_is_warned_five_is_not() {
    let lists = |n: usize| -> Vec<[String; 7]> {
        committee_meetings(&vec![""; n])
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                r[6] = if i % 2 == 0 {
                    "张三、李四、王五"
                } else {
                    "王五，张三，李四"
                }
                .into();
                r
            })
            .collect()
    };
    let a = run_rows(&lists(6));
    let found = with_kind(&a, ProblemKind::SameList);
    assert_eq!(found.len(), 1, "{:#?}", a.problems);
    assert!(found[0].reason.contains("参会名单完全相同"));
    assert!(with_kind(&a, ProblemKind::SameCount).is_empty(), "no 实到 given");
    assert!(with_kind(&run_rows(&lists(5)), ProblemKind::SameList).is_empty());
    let mut differ = lists(6);
    differ[3][6] = "张三、李四".into();
    assert!(with_kind(&run_rows(&differ), ProblemKind::SameList).is_empty());
}

fn row(branch: &str, date: &str, topic: &str) -> [String; 7] {
    [branch, date, "主题党日", topic, "", "", ""].map(String::from)
}

#[test]
fn one_topic_in_three_months_is_warned_two_are_not() {
    let a = run_rows(&[
        row(XING, "2024-01-05", "1月 学习党章"),
        row(XING, "2024-02-05", "二月份：学习党章。"),
        row(XING, "2024-03-05", "2024年3月学习《党章》"),
        row(XING, "2024-04-05", ""),
        row(XING, "2024-05-05", ""),
        row(XING, "2024-06-05", ""),
    ]);
    let found = with_kind(&a, ProblemKind::CopiedTopic);
    assert_eq!(found.len(), 1, "empty topics never count: {:#?}", a.problems);
    assert!(found[0].reason.contains("3 个月份"), "{}", found[0].reason);
    assert!(
        found[0].reason.contains("2024-01、2024-02、2024-03"),
        "{}",
        found[0].reason
    );

    let two = run_rows(&[
        row(XING, "2024-01-05", "学习党章"),
        row(XING, "2024-01-20", "学习党章"),
        row(XING, "2024-02-05", "学习党章"),
        row(XING, "2024-03-05", "学习党规"),
    ]);
    assert!(
        with_kind(&two, ProblemKind::CopiedTopic).is_empty(),
        "{:#?}",
        two.problems
    );
    // Outside the window (December of the year before) is not looked at.
    let outside = run_rows(&[
        row(XING, "2023-12-05", "学习党章"),
        row(XING, "2024-01-05", "学习党章"),
        row(XING, "2024-02-05", "学习党章"),
    ]);
    assert!(with_kind(&outside, ProblemKind::CopiedTopic).is_empty());
}

#[test]
fn a_topic_shared_by_many_branches_is_one_warning_for_the_group() {
    let f = Fixture::new();
    let names: Vec<String> = (1..=11).map(|i| format!("第{i}党支部")).collect();
    let rows: Vec<[String; 7]> = names.iter().map(|b| row(b, "2024-03-05", "学习全会精神")).collect();
    let rows: Vec<[&str; 7]> = rows.iter().map(|r| std::array::from_fn(|i| r[i].as_str())).collect();
    ledger(&f, "台账.xlsx", &rows);
    // No roster: the branches are those the ledger names.
    let a = branchstat::pipeline::analyze(&common::config(&f.submissions(), None, Some(2024))).unwrap();
    let found = with_kind(&a, ProblemKind::SharedTopic);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].branch, "", "the group's warning belongs to no one branch");
    assert!(found[0].reason.contains("2024-03 有 11 个支部"), "{}", found[0].reason);
    let named = found[0]
        .reason
        .split_once('（')
        .unwrap()
        .1
        .split_once("等）")
        .unwrap()
        .0;
    assert_eq!(named.split('、').count(), 10, "ten named: {}", found[0].reason);
}

#[test]
fn one_topic_in_one_month_of_three_branches_is_warned_two_are_not() {
    let a = run_rows(&[
        row(XING, "2024-03-05", "参观红色教育基地"),
        row("民事审判第一党支部", "2024-03-12", "参观红色教育基地！"),
        row("行政审判党支部", "2024-03-20", "3月参观红色教育基地"),
        row("执行局第二党支部", "2024-04-20", "参观红色教育基地"),
    ]);
    let found = with_kind(&a, ProblemKind::SharedTopic);
    let mut branches: Vec<&str> = found.iter().map(|p| p.branch.as_str()).collect();
    branches.sort();
    assert_eq!(branches, ["刑事审判第一党支部", "民事审判第一党支部", "行政审判党支部"]);
    assert!(found[0].reason.contains("2024-03 有 3 个支部"), "{}", found[0].reason);

    let two = run_rows(&[
        row(XING, "2024-03-05", "参观红色教育基地"),
        row("民事审判第一党支部", "2024-03-12", "参观红色教育基地"),
        row("行政审判党支部", "2024-04-20", "参观红色教育基地"),
    ]);
    assert!(with_kind(&two, ProblemKind::SharedTopic).is_empty());
}

#[test]
fn expected_far_from_the_roster_is_warned_near_is_not() {
    // 刑一庭 has 5 members: 4 is 20 % off (not more), 3 is 40 %.
    let a = run_rows(&[
        [XING, "2024-03-05", "支部党员大会", "议题甲", "4", "4", ""].map(String::from),
        [XING, "2024-06-05", "支部党员大会", "议题乙", "3", "3", ""].map(String::from),
    ]);
    let found = with_kind(&a, ProblemKind::ExpectedOff);
    assert_eq!(found.len(), 1, "{:#?}", a.problems);
    assert_eq!(found[0].cell, "E3");
}

// ---- 3. --previous -----------------------------------------------------------------------

use serde_json::Value;
use std::path::{Path, PathBuf};

fn branchstat(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_branchstat"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs `run` on `dir/submissions` with `dir/roster.xlsx`; returns the output and its exit.
fn run_year(dir: &Path, year: &str, out: &Path, previous: Option<&Path>) -> std::process::Output {
    let (subs, roster) = (dir.join("submissions"), dir.join("roster.xlsx"));
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "run".as_ref(),
        subs.as_os_str(),
        "--roster".as_ref(),
        roster.as_os_str(),
        "--year".as_ref(),
        year.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
        "--no-feedback".as_ref(),
    ];
    if let Some(p) = previous {
        args.extend(["--previous".as_ref(), p.as_os_str()]);
    }
    branchstat(&args)
}

fn metrics(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap()
}

/// Two years of the same branches: 2023's roster has 旧支部 instead of 行政审判党支部.
/// 刑一庭 holds 2 committee meetings in 2023 and 3 in 2024; 民一庭 4 lectures, then 3.
fn two_years() -> (Fixture, PathBuf) {
    let f = Fixture::new();
    let meetings = |year: i32, n: usize, ty: &str, branch: &str| -> Vec<[String; 7]> {
        (1..=n)
            .map(|m| {
                [
                    branch.to_string(),
                    format!("{year}-{m:02}-08"),
                    ty.to_string(),
                    format!("{ty}{m}"),
                    "5".into(),
                    format!("{}", 2 + m),
                    String::new(),
                ]
            })
            .collect()
    };
    let write = |dir: &Path, rows: Vec<[String; 7]>| {
        let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let mut all: Vec<&[&str]> = vec![&HEADER];
        all.extend(rows.iter().map(|r| &r[..]));
        write_book(&dir.join("submissions").join("台账.xlsx"), &[sheet("台账", &all)]);
    };
    let mut now = meetings(2024, 3, "支委会", XING);
    now.extend(meetings(2024, 3, "党课", "民事审判第一党支部"));
    write(f.dir.path(), now);

    let earlier = f.dir.path().join("2023");
    let mut before = meetings(2023, 2, "支委会", XING);
    before.extend(meetings(2023, 4, "党课", "民事审判第一党支部"));
    write(&earlier, before);
    let branches = sheet(
        "支部",
        &[
            &["支部名称"],
            &[XING],
            &["民事审判第一党支部"],
            &["执行局第二党支部"],
            &["旧支部"],
        ],
    );
    let members = sheet(
        "党员",
        &[
            &["姓名", "所在支部"],
            &["张三", XING],
            &["孙一", "民事审判第一党支部"],
            &["郑甲", "执行局第二党支部"],
            &["老王", "旧支部"],
        ],
    );
    write_book(&earlier.join("roster.xlsx"), &[branches, members]);
    (f, earlier)
}

#[test]
fn previous_year_given_as_folder_or_file_matches_both_runs() {
    let (f, earlier) = two_years();
    let out23 = f.dir.path().join("out2023");
    let done = run_year(&earlier, "2023", &out23, None);
    assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
    let plain = f.dir.path().join("out_plain");
    assert_eq!(run_year(f.dir.path(), "2024", &plain, None).status.code(), Some(0));
    assert!(
        metrics(&plain).get("previous").is_none(),
        "no previous without --previous"
    );

    let (m23, m_plain) = (metrics(&out23), metrics(&plain));
    let mut seen = Vec::new();
    for (name, given) in [("folder", out23.clone()), ("file", out23.join("metrics.json"))] {
        let out = f.dir.path().join(format!("out_{name}"));
        let done = run_year(f.dir.path(), "2024", &out, Some(&given));
        assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
        let m24 = metrics(&out);
        let p = &m24["previous"];
        assert_eq!(p["year"], 2023);
        assert_eq!(p["totals"], m23["totals"], "earlier totals as written");
        assert_eq!(p["coverage"], m23["coverage"]);
        for b in m23["branches"].as_array().unwrap() {
            let got = p["branches"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["branch"] == b["branch"])
                .unwrap();
            assert_eq!(got["counts"], b["counts"]);
        }
        assert_eq!(p["new_branches"], serde_json::json!(["行政审判党支部"]));
        assert_eq!(p["gone_branches"], serde_json::json!(["旧支部"]));
        // Every change is this year's figure minus the earlier one.
        for (ty, t) in m24["totals"].as_object().unwrap() {
            for k in ["activities", "person_times"] {
                let want = t[k].as_i64().unwrap() - m23["totals"][ty][k].as_i64().unwrap();
                assert_eq!(p["change"]["totals"][ty][k].as_i64(), Some(want), "{ty} {k}");
            }
        }
        for (ty, c) in m24["coverage"]["requirements"].as_object().unwrap() {
            let want = c.as_f64().unwrap() - m23["coverage"]["requirements"][ty].as_f64().unwrap();
            let got = p["change"]["coverage"]["requirements"][ty].as_f64().unwrap();
            assert!((got - want).abs() < 1e-6, "{ty}: {got} vs {want}");
        }
        for b in p["change"]["branches"].as_array().unwrap() {
            let now = m24["branches"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["branch"] == b["branch"])
                .unwrap();
            let was = m23["branches"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["branch"] == b["branch"])
                .unwrap();
            for (ty, d) in b["counts"].as_object().unwrap() {
                let want = now["counts"][ty].as_i64().unwrap() - was["counts"][ty].as_i64().unwrap();
                assert_eq!(d.as_i64(), Some(want), "{} {ty}", b["branch"]);
            }
        }
        assert_eq!(p["change"]["totals"]["committee_meeting"]["activities"], 1);
        assert_eq!(p["change"]["totals"]["party_lecture"]["activities"], -1);
        // The rest of metrics.json is what a run without --previous writes.
        let mut rest = m24.clone();
        rest.as_object_mut().unwrap().remove("previous");
        assert_eq!(rest, m_plain);

        let summary = std::fs::read_to_string(out.join("summary_2024.md")).unwrap();
        assert!(summary.contains("与2023年相比"), "{summary}");
        assert!(summary.contains("支部委员会3次，较上年增加1次（50%）"), "{summary}");
        assert!(summary.contains("党课3次，较上年减少1次（25%）"), "{summary}");
        assert!(summary.contains("本年新增支部：行政审判党支部"), "{summary}");
        assert!(summary.contains("上年有而本年没有的支部：旧支部"), "{summary}");
        seen.push(p.clone());
    }
    assert_eq!(seen[0], seen[1], "folder and file give the same");
}

#[test]
fn previous_shows_in_the_workbook() {
    let (f, earlier) = two_years();
    let out23 = f.dir.path().join("out2023");
    assert_eq!(run_year(&earlier, "2023", &out23, None).status.code(), Some(0));
    let out = f.dir.path().join("out");
    assert_eq!(
        run_year(f.dir.path(), "2024", &out, Some(&out23)).status.code(),
        Some(0)
    );
    let mut wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(out.join("党建统计_2024.xlsx")).unwrap();
    let cells = |wb: &mut calamine::Xlsx<_>, name: &str| -> Vec<Vec<String>> {
        calamine::Reader::worksheet_range(wb, name)
            .unwrap()
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    };
    let overview = cells(&mut wb, "总览");
    let h = overview.iter().position(|r| r[0] == "活动类型").unwrap();
    assert_eq!(overview[h][3..7], ["上年次数", "次数增减", "上年人次", "人次增减"]);
    let cm = overview.iter().find(|r| r[0] == "支部委员会").unwrap();
    assert_eq!((cm[1].as_str(), cm[3].as_str(), cm[4].as_str()), ("3", "2", "1"));
    assert!(
        overview.iter().any(|r| r[0].contains("新增支部：行政审判党支部")),
        "new branches named"
    );
    let compliance = cells(&mut wb, "支部达标");
    let h = compliance.iter().position(|r| r[0] == "党支部").unwrap();
    assert_eq!(compliance[h][11..13], ["上年次数", "次数增减"]);
    let row = compliance
        .iter()
        .find(|r| r[0] == XING && r[1].contains("支部委员会"))
        .unwrap();
    assert_eq!(row[4..5], ["3"]);
    assert_eq!(row[11..13], ["2", "1"]);
    let new = compliance.iter().find(|r| r[0] == "行政审判党支部").unwrap();
    assert_eq!(new[11..13], ["—", "—"], "a branch new this year has no earlier figure");
}

#[test]
fn previous_must_be_metrics_of_an_earlier_year() {
    let (f, _) = two_years();
    let out = f.dir.path().join("out");
    assert_eq!(run_year(f.dir.path(), "2024", &out, None).status.code(), Some(0));
    let again = f.dir.path().join("again");
    let same = run_year(f.dir.path(), "2024", &again, Some(&out));
    assert_eq!(same.status.code(), Some(2));
    let err = String::from_utf8_lossy(&same.stderr);
    assert!(err.contains("与本次统计年度相同"), "{err}");
    assert!(!again.join("metrics.json").exists(), "nothing written");

    let missing = run_year(f.dir.path(), "2024", &again, Some(&f.dir.path().join("nowhere")));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("不是"));
    let bogus = f.dir.path().join("bogus.json");
    std::fs::write(&bogus, "{\"hello\": 1}").unwrap();
    let not_metrics = run_year(f.dir.path(), "2024", &again, Some(&bogus));
    assert_eq!(not_metrics.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&not_metrics.stderr).contains("不是 branchstat 写出的 metrics.json"));
}

/// A branch renamed since the earlier year, this year's roster listing the earlier name as
/// an alias, is one branch across the years: compared by its counts, neither new nor gone,
/// and said to be renamed. An alias naming an earlier branch whose own name the earlier
/// year also had is two branches merged, not one renamed: that one stays gone.
#[test]
fn a_branch_renamed_since_is_compared_under_its_earlier_name() {
    const RENAMED: &str = "审判监督党支部";
    const EARLIER: &str = "审判监督庭党支部";
    let f = Fixture::new();
    let year = |dir: &Path, year: i32, branches: &[&[&str]], meetings: &[(&str, usize)]| {
        let mut rows: Vec<Vec<String>> = Vec::new();
        for (branch, n) in meetings {
            for m in 1..=*n {
                let date = format!("{year}-{m:02}-08");
                rows.push(
                    [*branch, &date, "支委会", &format!("会{m}"), "5", "5", ""]
                        .map(String::from)
                        .to_vec(),
                );
            }
        }
        let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let mut all: Vec<&[&str]> = vec![&HEADER];
        all.extend(rows.iter().map(|r| &r[..]));
        write_book(&dir.join("submissions").join("台账.xlsx"), &[sheet("台账", &all)]);
        let members: Vec<[&str; 2]> = branches.iter().skip(1).map(|b| ["某人", b[0]]).collect();
        let mut member_rows: Vec<&[&str]> = vec![&["姓名", "所在支部"]];
        member_rows.extend(members.iter().map(|m| &m[..]));
        write_book(
            &dir.join("roster.xlsx"),
            &[sheet("支部", branches), sheet("党员", &member_rows)],
        );
    };
    let (earlier, now) = (f.dir.path().join("2023"), f.dir.path().join("2024"));
    year(
        &earlier,
        2023,
        &[
            &["支部名称"],
            &[EARLIER],
            &[XING],
            &["立案庭党支部"],
            &["民一庭党支部"],
            &["民事审判第一党支部"],
        ],
        &[(EARLIER, 1), (XING, 1), ("民一庭党支部", 1), ("民事审判第一党支部", 1)],
    );
    year(
        &now,
        2024,
        &[
            &["支部名称", "别名"],
            &[RENAMED, EARLIER],
            &[XING, ""],
            &["民事审判第一党支部", "民一庭党支部"],
            &["行政审判党支部", ""],
        ],
        &[(RENAMED, 3), (XING, 1), ("民事审判第一党支部", 2)],
    );
    let out23 = f.dir.path().join("out2023");
    assert_eq!(run_year(&earlier, "2023", &out23, None).status.code(), Some(0));
    let out = f.dir.path().join("out");
    let done = run_year(&now, "2024", &out, Some(&out23));
    assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));

    let p = &metrics(&out)["previous"];
    assert_eq!(p["renamed"], serde_json::json!([{"before": EARLIER, "now": RENAMED}]));
    assert_eq!(p["new_branches"], serde_json::json!(["行政审判党支部"]));
    assert_eq!(p["gone_branches"], serde_json::json!(["立案庭党支部", "民一庭党支部"]));
    assert!(
        p["branches"].as_array().unwrap().iter().any(|b| b["branch"] == EARLIER),
        "the earlier year's branches as written: {p}"
    );
    let change = |branch: &str| {
        p["change"]["branches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["branch"] == branch)
            .map(|b| b["counts"]["committee_meeting"].as_i64().unwrap())
    };
    assert_eq!(change(RENAMED), Some(2));
    assert_eq!(change("民事审判第一党支部"), Some(1));
    assert_eq!(change("行政审判党支部"), None);

    let summary = std::fs::read_to_string(out.join("summary_2024.md")).unwrap();
    assert!(
        summary.contains("审判监督党支部上年名为审判监督庭党支部，按同一支部比较。"),
        "{summary}"
    );
    assert!(!summary.contains(&format!("本年新增支部：{RENAMED}")), "{summary}");
    let mut wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(out.join("党建统计_2024.xlsx")).unwrap();
    let rows: Vec<Vec<String>> = calamine::Reader::worksheet_range(&mut wb, "支部达标")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let row = rows
        .iter()
        .find(|r| r[0] == RENAMED && r[1].contains("支部委员会"))
        .unwrap();
    assert_eq!(row[11..13], ["1", "2"], "{row:?}");
}
