//! Ledgers as party-affairs platforms and offices really keep them (issue 12, SPEC 3.1
//! "Competing columns" and "More of what branches send", SPEC 8): platform import templates
//! whose columns compete for one field, formal branch names, leave counts, observers,
//! footer words at the start of data rows, WPS and template files, and a run's own outputs
//! left among the ledgers. Each fixture is built by its test and named for what it shows.

mod common;

use branchstat::config::Plan;
use branchstat::pipeline::Analysis;
use branchstat::problems::Severity;
use branchstat::vocab::ActivityType::{self, *};
use chrono::NaiveDate;
use common::*;
use std::process::Command;

const XING: &str = "刑事审判第一党支部";
const MIN: &str = "民事审判第一党支部";
const ZHI: &str = "执行局第二党支部";

/// owip's 三会一课 import template, as SPEC 3.1 lists its headers (plus place and content).
const OWIP_HEADER: &[&str] = &[
    "所在党支部编码",
    "所在党支部",
    "会议类型",
    "主持人学工号",
    "主持人姓名",
    "会议名称",
    "计划会议时间",
    "实际会议时间",
    "应到人数",
    "实到人数",
    "请假人数",
    "列席人员",
    "会议地点",
    "会议内容",
];

fn errors(a: &Analysis) -> Vec<String> {
    a.problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect()
}

/// A ledger of one sheet, `Sheet1`, of these rows (the header first).
fn one_sheet_book(f: &Fixture, rel: &str, rows: &[&[&str]]) {
    write_book(&f.sub(rel), &[sheet("Sheet1", rows)]);
}

fn owip_book(f: &Fixture, rel: &str, rows: &[&[&str]]) {
    let mut all: Vec<&[&str]> = vec![OWIP_HEADER];
    all.extend_from_slice(rows);
    write_book(&f.sub(rel), &[sheet("三会一课", &all)]);
}

/// The month codes a branch is missing for a requirement, from metrics.json.
fn missing(a: &Analysis, branch: &str, activity: ActivityType) -> Vec<String> {
    let m = metrics_json(a);
    let b = m["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["branch"] == branch)
        .unwrap();
    let r = b["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == activity.code())
        .unwrap();
    r["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn owip_meeting_template() {
    let f = Fixture::new();
    owip_book(
        &f,
        "owip/刑一庭2024年8月.xlsx",
        &[
            &[
                "text:010203",
                "中共刑事审判第一支部委员会",
                "支部委员会",
                "text:20050123",
                "张三",
                "2024年第8次支委会",
                "2024-07-30",
                "2024-08-02",
                "5",
                "5",
                "0",
                "王局长、李处长",
                "三楼会议室",
                "研究八月工作",
            ],
            &[
                "text:010203",
                "中共刑事审判第一支部委员会",
                "支部党员大会",
                "text:20050123",
                "张三",
                "2024年第三季度党员大会",
                "2024-08-20",
                "2024-08-21",
                "5",
                "",
                "1",
                "",
                "三楼会议室",
                "民主评议准备",
            ],
        ],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(errors(&a), Vec::<String>::new());
    assert_eq!((a.rows.read, a.rows.accepted), (2, 2));
    let committee = by_topic(&a, "研究八月工作");
    assert_eq!(committee.branch, XING, "the code column 010203 is not the branch");
    assert_eq!(committee.types, vec![CommitteeMeeting]);
    assert_eq!(committee.date, d(2024, 8, 2), "held, not planned");
    assert_eq!(committee.host, "张三", "the name, not the staff number");
    assert_eq!((committee.expected, committee.present), (Some(5), Some(5)));
    assert!(committee.attendees.is_empty(), "observers are no attendance");
    assert!(!committee.names_attendance());
    let meeting = by_topic(&a, "民主评议准备");
    assert_eq!(meeting.types, vec![MemberMeeting]);
    assert_eq!(
        (meeting.expected, meeting.present_given, meeting.present),
        (Some(5), None, Some(4))
    );
    assert!(
        a.problems
            .iter()
            .any(|p| p.severity == Severity::Warning
                && p.reason.contains("按正式名称对应名册中的「刑事审判第一党支部」")),
        "{:#?}",
        a.problems
    );
    // The formal name is reported once for the sheet, not once per row.
    assert_eq!(a.problems.iter().filter(|p| p.reason.contains("按正式名称")).count(), 1);
    // Every column of the template is understood: none is reported as unknown.
    assert!(
        !a.problems.iter().any(|p| p.reason.contains("未识别的列")),
        "{:#?}",
        a.problems
    );
}

#[test]
fn owip_slim_template_type_from_name() {
    let f = Fixture::new();
    write_book(
        &f.sub("slim.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &[
                    "所在党支部",
                    "主持人姓名",
                    "会议名称",
                    "实际会议时间",
                    "应到人数",
                    "实到人数",
                ],
                &[XING, "张三", "2024年第一季度支部党员大会", "2024-03-05", "5", "5"],
                &[XING, "张三", "3月支部委员会会议", "2024-03-06", "3", "3"],
                &[XING, "李四", "学习二十大精神专题党课", "2024-03-07", "5", "4"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(errors(&a), Vec::<String>::new());
    let mut got: Vec<(NaiveDate, Vec<ActivityType>)> = a.records.iter().map(|r| (r.date, r.types.clone())).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (d(2024, 3, 5), vec![MemberMeeting]),
            (d(2024, 3, 6), vec![CommitteeMeeting]),
            (d(2024, 3, 7), vec![PartyLecture]),
        ]
    );
    assert!(
        !a.problems.iter().any(|p| p.reason.contains("活动类型")),
        "{:#?}",
        a.problems
    );
}

#[test]
fn a_name_column_beside_a_type_column_is_the_topic() {
    let f = Fixture::new();
    write_book(
        &f.sub("named.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["支部", "会议类型", "会议名称", "会议时间", "应到", "实到"],
                &[XING, "支部委员会", "党课备课会", "2024-03-06", "3", "3"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    let r = by_topic(&a, "党课备课会");
    assert_eq!(r.types, vec![CommitteeMeeting], "the type column decides, not the name");
}

#[test]
fn planned_vs_held_dates_across_months() {
    let f = Fixture::new();
    // 计划 first in one file, 实际 first in the other: the order of the columns never decides.
    for (rel, planned_first) in [("a.xlsx", true), ("b.xlsx", false)] {
        let (h1, h2, v1, v2) = if planned_first {
            ("计划会议时间", "实际会议时间", "2024-07-30", "2024-08-02")
        } else {
            ("实际会议时间", "计划会议时间", "2024-08-02", "2024-07-30")
        };
        write_book(
            &f.sub(rel),
            &[sheet(
                "Sheet1",
                &[
                    &["支部", "会议类型", h1, h2, "会议内容"],
                    &[MIN, "支委会", v1, v2, &format!("七月的会{rel}")],
                ],
            )],
        );
    }
    let a = f.analyze(Some(2024));
    for rel in ["a.xlsx", "b.xlsx"] {
        assert_eq!(by_topic(&a, &format!("七月的会{rel}")).date, d(2024, 8, 2), "{rel}");
    }
    let gaps = missing(&a, MIN, CommitteeMeeting);
    assert!(gaps.contains(&"2024-07".to_string()), "{gaps:?}");
    assert!(!gaps.contains(&"2024-08".to_string()), "{gaps:?}");
}

/// A platform lists meetings ahead with only their planned date: such a row counts nowhere,
/// and its rejection names the held-date column and the plan, so the clerk can tell a
/// meeting not yet held from a held date left out. A sheet with no planned column keeps the
/// plain reason.
#[test]
fn planned_but_not_held_is_rejected_naming_the_plan() {
    let f = Fixture::new();
    one_sheet_book(
        &f,
        "a.xlsx",
        &[
            &["支部", "会议类型", "计划会议时间", "实际会议时间", "会议内容"],
            &[MIN, "支委会", "2024-07-30", "2024-08-02", "开过的会"],
            &[MIN, "支委会", "2024年9月27日", "", "计划中的会"],
            &[MIN, "支委会", "", "", "两个日期都空"],
        ],
    );
    one_sheet_book(
        &f,
        "b.xlsx",
        &[
            &["支部", "会议类型", "会议时间", "会议内容"],
            &[MIN, "支委会", "", "没有日期"],
        ],
    );
    let a = f.analyze(Some(2024));
    let errors = errors(&a);
    assert_eq!(
        errors,
        [
            "a.xlsx:Sheet1!D3: 实际会议时间为空（计划会议时间：2024-09-27），会议尚未召开或未填召开时间，本行未计入",
            "a.xlsx:Sheet1!D4: 日期为空，本行未计入",
            "b.xlsx:Sheet1!C2: 日期为空，本行未计入",
        ],
        "{errors:#?}"
    );
    assert_eq!(by_topic(&a, "开过的会").date, d(2024, 8, 2));
    let gaps = missing(&a, MIN, CommitteeMeeting);
    assert!(gaps.contains(&"2024-09".to_string()), "{gaps:?}");
}

#[test]
fn ignore_headers_in_plan_toml_pass_a_column_over() {
    let f = Fixture::new();
    one_sheet_book(
        &f,
        "a.xlsx",
        &[
            &["支部", "会议类型", "计划会议时间", "实际会议时间", "会议内容"],
            &[MIN, "支委会", "2024-07-30", "2024-08-02", "忽略实际时间"],
        ],
    );
    let plan = Plan::from_toml("[ignore_headers]\nheaders = [\"实际会议时间\"]\n").unwrap();
    let a = f.analyze_with(Some(2024), plan);
    assert_eq!(by_topic(&a, "忽略实际时间").date, d(2024, 7, 30));
}

#[test]
fn formal_branch_names() {
    let f = Fixture::new();
    let rows: &[&[&str]] = &[
        &["支部", "日期", "活动类型", "主题"],
        &[
            "中共某某市中级人民法院执行局第二支部委员会",
            "2024-03-01",
            "支委会",
            "单位在前",
        ],
        &["中共民事审判第一支部委员会", "2024-03-02", "支委会", "正式名称"],
        &["中共民事审判第一支部委员会", "2024-03-03", "支委会", "正式名称又一行"],
    ];
    write_book(&f.sub("cells.xlsx"), &[sheet("Sheet1", rows)]);
    write_book(
        &f.sub("title.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["中共刑事审判第一支部委员会2024年3月“三会一课”登记表"],
                &["日期", "活动类型", "主题"],
                &["2024-03-04", "支委会", "标题里的正式名称"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(errors(&a), Vec::<String>::new());
    assert_eq!(by_topic(&a, "单位在前").branch, ZHI);
    assert_eq!(by_topic(&a, "正式名称").branch, MIN);
    assert_eq!(by_topic(&a, "正式名称又一行").branch, MIN);
    assert_eq!(by_topic(&a, "标题里的正式名称").branch, XING);
    let formal: Vec<&str> = a
        .problems
        .iter()
        .filter(|p| p.reason.contains("按正式名称"))
        .map(|p| p.reason.as_str())
        .collect();
    assert_eq!(formal.len(), 3, "once per sheet and name: {formal:#?}");
    assert!(formal.iter().any(|r| r.contains(&format!("「{ZHI}」"))));
    assert!(formal.iter().any(|r| r.contains(&format!("「{XING}」"))));
}

#[test]
fn leave_count_gives_present() {
    let f = Fixture::new();
    write_book(
        &f.sub("leave.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["支部", "日期", "活动类型", "主题", "应到人数", "实到人数", "请假人数"],
                &[XING, "2024-03-01", "党员大会", "请假一人", "5", "", "1"],
                &[XING, "2024-03-02", "党员大会", "实到为准", "5", "5", "1"],
                &[XING, "2024-03-03", "党员大会", "只有请假", "", "", "2"],
            ],
        )],
    );
    write_book(
        &f.sub("absent.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["支部", "日期", "活动类型", "主题", "应到", "缺席人数"],
                &[MIN, "2024-03-01", "支委会", "缺席两人", "3", "二"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(by_topic(&a, "请假一人").present, Some(4));
    assert_eq!(by_topic(&a, "实到为准").present, Some(5), "实到 when given");
    assert_eq!(by_topic(&a, "只有请假").present, None, "no 应到: unknown");
    assert_eq!(by_topic(&a, "缺席两人").present, Some(1));
    assert!(by_topic(&a, "缺席两人").absentees.is_empty(), "a count names nobody");
    let m = metrics_json(&a);
    assert_eq!(m["totals"]["member_meeting"]["person_times"], 9);
}

#[test]
fn observers_not_attendance() {
    let f = Fixture::new();
    write_book(
        &f.sub("observers.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["支部", "日期", "活动类型", "主题", "参会人员", "列席人员"],
                &[XING, "2024-03-01", "党员大会", "有列席", "张三、李四", "王五、院领导甲"],
                &[XING, "2024-03-02", "党员大会", "只有列席", "", "王五"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    let with = by_topic(&a, "有列席");
    assert_eq!(with.attendees.iter().collect::<Vec<_>>(), vec!["张三", "李四"]);
    assert_eq!(with.present, Some(2));
    let only = by_topic(&a, "只有列席");
    assert!(!only.names_attendance(), "observers name nobody for the member figures");
    assert_eq!(only.present, None);
    assert!(
        !a.problems.iter().any(|p| p.reason.contains("院领导甲")),
        "observers are not checked against the roster: {:#?}",
        a.problems
    );
}

#[test]
fn duration_and_ordinal_are_not_counts() {
    let f = Fixture::new();
    write_book(
        &f.sub("minutes.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &[
                    "支部",
                    "日期",
                    "活动类型",
                    "主题",
                    "参会人数",
                    "参会人数",
                    "参会人数",
                    "次数（第几次）",
                ],
                &[
                    "支部",
                    "日期",
                    "活动类型",
                    "主题",
                    "应到",
                    "实到",
                    "时长（分钟）",
                    "次数（第几次）",
                ],
                &[XING, "2024-03-01", "党员大会", "九十分钟", "5", "4", "90", "3"],
            ],
        )
        .merge(0, 4, 0, 6)
        .merge(0, 0, 1, 0)
        .merge(0, 1, 1, 1)
        .merge(0, 2, 1, 2)
        .merge(0, 3, 1, 3)
        .merge(0, 7, 1, 7)],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let r = by_topic(&a, "九十分钟");
    assert_eq!((r.expected, r.present_given, r.present), (Some(5), Some(4), Some(4)));
}

#[test]
fn secretary_training_is_data() {
    let f = Fixture::new();
    write_book(
        &f.sub("刑一庭党支部2024年3月台账.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["活动类型", "日期", "主题"],
                &["支部书记培训", "2024-03-01", "书记轮训"],
                &["政治学习", "2024-03-02", "说明会"],
                &["备注栏", "2024-03-03", "备注栏填写规范"],
                &["支部书记：张三"],
                &["填表人：李四", "2024-04-02"],
                &["备注：本月无其他活动"],
            ],
        )],
    );
    // A ledger whose first column is the topic: 说明会 and 备注栏 start data rows too.
    write_book(
        &f.sub("民一庭党支部2024年3月台账.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["主题", "日期", "活动类型"],
                &["说明会：党费收缴", "2024-03-04", "政治学习"],
                &["备注栏填写培训", "2024-03-05", "集中学习"],
                &["填表人：李四", "2024-04-02"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(errors(&a), Vec::<String>::new());
    assert_eq!((a.rows.accepted, a.rows.skipped), (5, 4), "{:#?}", a.records);
    assert_eq!(by_topic(&a, "书记轮训").types, vec![SecretaryTraining]);
    assert_eq!(by_topic(&a, "说明会").types, vec![PoliticalStudy]);
    assert_eq!(by_topic(&a, "备注栏填写规范").date, d(2024, 3, 3));
    assert_eq!(by_topic(&a, "说明会：党费收缴").branch, MIN);
    assert_eq!(by_topic(&a, "备注栏填写培训").types, vec![PoliticalStudy]);
    assert_eq!(metrics_json(&a)["totals"]["secretary_training"]["activities"], 1);
}

/// A platform's "Excel" export that is really text: tab-separated GBK under an `.xls` name,
/// comma-separated UTF-8 under `.xlsx` with a title line first. Both are read as the CSVs
/// they are; text with no table in it is still refused, one line naming the file.
#[test]
fn delimited_text_under_a_spreadsheet_name_is_read() {
    let f = Fixture::new();
    let tsv = format!("支部\t日期\t活动类型\t主题\r\n{XING}\t2024-03-01\t支委会\t导出的制表符文本\r\n");
    std::fs::write(f.sub("平台导出.xls"), encoding_rs::GBK.encode(&tsv).0).unwrap();
    std::fs::write(
        f.sub("平台导出2.xlsx"),
        format!("三会一课台账\n支部,日期,活动类型,主题\n{MIN},2024-03-02,党课,导出的逗号文本\n"),
    )
    .unwrap();
    std::fs::write(f.sub("说明.xlsx"), "请各支部按时报送台账。\n").unwrap();
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(by_topic(&a, "导出的制表符文本").branch, XING);
    assert_eq!(by_topic(&a, "导出的逗号文本").branch, MIN);
    assert_eq!(a.files.failed, 1, "{:#?}", a.problems);
    let refused: Vec<String> = errors(&a).into_iter().filter(|e| e.starts_with("说明.xlsx")).collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("纯文本文件"), "{refused:?}");
}

#[test]
fn wps_et_file() {
    let f = Fixture::new();
    let xls = samples().join("submissions/2024年07月/执行局第二党支部2024年7月三会一课台账.xls");
    let plain = f.dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::copy(&xls, plain.join("执行局第二党支部2024年7月台账.xls")).unwrap();
    for ext in ["et", "ett", "xlt"] {
        std::fs::copy(&xls, f.sub(&format!("执行局第二党支部2024年7月台账.{ext}"))).unwrap();
    }
    let xlsx_rows: &[&[&str]] = &[
        &["支部", "日期", "活动类型", "主题"],
        &[XING, "2024-03-01", "支委会", "模板文件"],
    ];
    write_book(&f.sub("刑一庭.xltx"), &[sheet("Sheet1", xlsx_rows)]);
    write_book(&f.sub("刑一庭宏.xltm"), &[sheet("Sheet1", xlsx_rows)]);
    // A WPS .et saved in the zip format reads like .xlsx.
    write_book(
        &f.sub("刑一庭新版.et"),
        &[sheet(
            "Sheet1",
            &[xlsx_rows[0], &[XING, "2024-03-02", "支委会", "新版et"]],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(a.files.failed, 0, "{:#?}", a.problems);
    let mut reference = config(&plain, Some(&f.roster()), Some(2024));
    reference.plan = Plan::default();
    let one = branchstat::pipeline::analyze(&reference).unwrap();
    assert!(one.rows.accepted >= 5);
    for ext in ["et", "ett", "xlt"] {
        let n = a
            .records
            .iter()
            .filter(|r| r.file == format!("执行局第二党支部2024年7月台账.{ext}"))
            .count();
        assert_eq!(n, one.rows.accepted, ".{ext} read like the .xls");
    }
    assert_eq!(a.records.iter().filter(|r| r.topic == "模板文件").count(), 2);
    assert_eq!(by_topic(&a, "新版et").branch, XING);
}

#[test]
fn own_outputs_skipped() {
    let f = Fixture::new();
    write_book(
        &f.sub("刑一庭党支部2024年3月台账.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["日期", "活动类型", "主题", "应到", "实到", "参会人员"],
                &["2024-03-01", "支委会", "三月支委会", "3", "3", "张三、李四、王五"],
                &[
                    "2024-03-15",
                    "党员大会",
                    "一季度党员大会",
                    "5",
                    "5",
                    "张三、李四、王五、赵六、钱七",
                ],
            ],
        )],
    );
    let first = f.analyze(Some(2024));
    // `--out` inside the submissions folder, and copies of the outputs renamed among the ledgers.
    let out = f.sub("output");
    branchstat::report::write_outputs(&first, &out).unwrap();
    let year_book = out.join("党建统计_2024.xlsx");
    std::fs::copy(&year_book, f.sub("刑一庭党支部2024年台账汇总.xlsx")).unwrap();
    std::fs::copy(out.join("issues.csv"), f.sub("问题.csv")).unwrap();
    std::fs::copy(out.join("activities.csv"), f.sub("明细.csv")).unwrap();
    let feedback = walkdir::WalkDir::new(out.join("feedback"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file())
        .expect("a feedback workbook")
        .into_path();
    std::fs::copy(&feedback, f.sub("刑一庭党支部反馈.xlsx")).unwrap();

    let second = f.analyze(Some(2024));
    assert_eq!(second.rows, first.rows, "row counts equal the first run's");
    let (mut m1, mut m2) = (metrics_json(&first), metrics_json(&second));
    m1.as_object_mut().unwrap().remove("files");
    m2.as_object_mut().unwrap().remove("files");
    assert_eq!(m1, m2, "figures equal the first run's");
    assert_eq!(second.files.read, first.files.read);
    assert_eq!(second.files.failed, 0);
    let skipped: Vec<&str> = second
        .problems
        .iter()
        .filter(|p| p.reason.contains("branchstat 写出的"))
        .map(|p| p.file.as_str())
        .collect();
    for name in [
        "刑一庭党支部2024年台账汇总.xlsx",
        "问题.csv",
        "明细.csv",
        "刑一庭党支部反馈.xlsx",
    ] {
        assert!(skipped.contains(&name), "{name} not recognized: {skipped:?}");
    }
    assert!(skipped.iter().any(|s| s.starts_with("output/")), "{skipped:?}");
    // The blank template is no output: a branch fills it in and sends it back.
    let template = f.dir.path().join("模板.xlsx");
    let status = Command::new(env!("CARGO_BIN_EXE_branchstat"))
        .args(["template", "--year", "2024", "--roster"])
        .arg(f.roster())
        .arg("--out")
        .arg(&template)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&template).unwrap();
    let limits = branchstat::ingest::Limits::default();
    assert!(branchstat::ingest::read_bytes(&bytes, "模板.xlsx", &limits).is_ok());
}

#[test]
fn explain_names_taken_and_passed_over() {
    let f = Fixture::new();
    owip_book(
        &f,
        "owip.xlsx",
        &[&[
            "text:010203",
            XING,
            "支部委员会",
            "text:20050123",
            "张三",
            "第8次支委会",
            "2024-07-30",
            "2024-08-02",
            "5",
            "5",
            "0",
            "",
            "三楼",
            "研究工作",
        ]],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_branchstat"))
        .arg("check")
        .arg(f.submissions())
        .arg("--roster")
        .arg(f.roster())
        .args(["--year", "2024", "--explain"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "owip.xlsx:三会一课: 表头在第 1 行",
        "  所在党支部编码 (A1): 编码，不作支部",
        "  所在党支部 (B1) → 支部",
        "  会议类型 (C1) → 活动类型",
        "  主持人学工号 (D1): 学工号，不作主持人",
        "  主持人姓名 (E1) → 主持人",
        "  计划会议时间 (G1): 计划时间，以实际召开时间为准，日期取「实际会议时间」",
        "  实际会议时间 (H1) → 日期",
        "  请假人数 (K1) → 请假人数",
        "  列席人员 (L1) → 列席人员",
        "  会议内容 (N1) → 主题",
    ] {
        assert!(text.lines().any(|l| l == line), "missing «{line}» in:\n{text}");
    }
    assert!(text.contains("  会议名称 (F1): "), "{text}");
}

#[test]
fn owip_theme_day_template_type_from_the_file_name() {
    let f = Fixture::new();
    write_book(
        &f.sub("中共刑事审判第一支部委员会2024年主题党日活动.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &[
                    "所在党支部编码",
                    "所在党支部",
                    "活动主题",
                    "计划活动时间",
                    "实际活动时间",
                    "活动地点",
                    "应到人数",
                    "实到人数",
                    "请假人数",
                ],
                &[
                    "text:010203",
                    "中共刑事审判第一支部委员会",
                    "参观红色教育基地",
                    "2024-03-29",
                    "2024-04-01",
                    "纪念馆",
                    "5",
                    "",
                    "1",
                ],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    assert_eq!(errors(&a), Vec::<String>::new());
    let r = by_topic(&a, "参观红色教育基地");
    assert_eq!(
        (r.branch.as_str(), r.types.clone(), r.date, r.present),
        (XING, vec![ThemeDay], d(2024, 4, 1), Some(4))
    );
}
