//! Every ledger layout SPEC 3.1 lists (issue 3), one fixture per kind, each built by its
//! test in a temp dir and run through `pipeline::analyze` with a small roster (see
//! `common::write_roster`): formats, header aliases, merged cells, dates, counts,
//! absentee-only ledgers, activity types, branch matching, re-sent months, quality flags
//! and the `check` command, then the layouts branches really send.

mod common;

use branchstat::config::Plan;
use branchstat::normalize::Record;
use branchstat::pipeline::Analysis;
use branchstat::problems::{Problem, Severity};
use branchstat::vocab::ActivityType::{self, *};
use chrono::NaiveDate;
use common::*;

const XING: &str = "刑事审判第一党支部";
const MIN: &str = "民事审判第一党支部";
const ZHI: &str = "执行局第二党支部";
const XINGZHENG: &str = "行政审判党支部";

/// The problems of one file (by the end of its relative path) at one cell.
fn at<'a>(a: &'a Analysis, file_end: &str, cell: &str) -> Vec<&'a Problem> {
    a.problems
        .iter()
        .filter(|p| p.file.ends_with(file_end) && p.cell == cell)
        .collect()
}

fn has_problem(a: &Analysis, file_end: &str, cell: &str, sev: Severity, reason_part: &str) -> bool {
    at(a, file_end, cell)
        .iter()
        .any(|p| p.severity == sev && p.reason.contains(reason_part))
}

#[track_caller]
fn assert_problem(a: &Analysis, file_end: &str, cell: &str, sev: Severity, reason_part: &str) {
    assert!(
        has_problem(a, file_end, cell, sev, reason_part),
        "no {sev:?} «{reason_part}» at {file_end} {cell}; problems there: {:#?}\nall: {:#?}",
        at(a, file_end, cell),
        a.problems
    );
}

/// (branch, types, date, expected, present, group) of a record.
type Fig = (
    String,
    Vec<ActivityType>,
    NaiveDate,
    Option<u32>,
    Option<u32>,
    Option<String>,
);

fn fig(r: &Record) -> Fig {
    (
        r.branch.clone(),
        r.types.clone(),
        r.date,
        r.expected,
        r.present,
        r.group.clone(),
    )
}

fn want(
    branch: &str,
    types: &[ActivityType],
    date: NaiveDate,
    expected: Option<u32>,
    present: Option<u32>,
    group: Option<&str>,
) -> Fig {
    (
        branch.to_string(),
        types.to_vec(),
        date,
        expected,
        present,
        group.map(str::to_string),
    )
}

fn json(a: &Analysis) -> serde_json::Value {
    metrics_json(a)
}

// ---- 1. Formats -------------------------------------------------------------------------

const FORMAT_HEADER: &[&str] = &["日期", "活动类型", "主题", "应到", "实到"];

#[test]
fn every_format_read_by_content() {
    let f = Fixture::new();
    let book = |name: &str, date: &str, topic: &str| {
        write_book(
            &f.sub(name),
            &[sheet("Sheet1", &[FORMAT_HEADER, &[date, "支委会", topic, "5", "4"]])],
        )
    };
    book("xlsx/刑一庭党支部2024年3月台账.xlsx", "date:2024-03-01", "xlsx台账");
    book("xlsm/刑一庭党支部2024年3月台账.xlsm", "date:2024-03-02", "xlsm台账");
    // An xlsx saved under an .xls name: the content decides.
    book(
        "misnamed/刑一庭党支部2024年3月台账.xls",
        "date:2024-03-03",
        "改名的xlsx",
    );
    write_ods(
        &f.sub("ods/刑一庭党支部2024年3月台账.ods"),
        "Sheet1",
        &[FORMAT_HEADER, &["date:2024-03-04", "支委会", "ods台账", "5", "4"]],
    );
    for (i, enc) in [
        CsvEncoding::Utf8,
        CsvEncoding::Utf8Bom,
        CsvEncoding::Gbk,
        CsvEncoding::Gb18030,
    ]
    .into_iter()
    .enumerate()
    {
        let topic =
            format!("csv台账{enc:?}学习𠀀").replace("𠀀", if matches!(enc, CsvEncoding::Gbk) { "" } else { "𠀀" });
        let date = format!("2024-03-{:02}", 5 + i);
        write_csv(
            &f.sub(&format!("csv/刑一庭党支部2024年3月台账_{enc:?}.csv")),
            &[FORMAT_HEADER, &[&date, "支委会", &topic, "5", "4"]],
            enc,
        );
    }
    // The real .xls of the field samples (BIFF8), branch from its file name.
    let xls = "执行局第二党支部2024年7月三会一课台账.xls";
    std::fs::create_dir_all(f.sub("xls")).unwrap();
    std::fs::copy(
        samples().join("submissions/2024年07月").join(xls),
        f.sub(&format!("xls/{xls}")),
    )
    .unwrap();

    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(a.files.read, 9, "{:#?}", a.problems);
    assert_eq!(a.files.failed, 0);
    let expect = |topic: &str, day: u32, file_end: &str| {
        let r = by_topic(&a, topic);
        assert_eq!(
            fig(r),
            want(XING, &[CommitteeMeeting], d(2024, 3, day), Some(5), Some(4), None)
        );
        assert!(r.file.ends_with(file_end), "{}", r.file);
        assert_eq!(r.row, 2);
    };
    expect("xlsx台账", 1, ".xlsx");
    expect("xlsm台账", 2, ".xlsm");
    expect("改名的xlsx", 3, ".xls");
    expect("ods台账", 4, ".ods");
    expect("csv台账Utf8学习𠀀", 5, "Utf8.csv");
    expect("csv台账Utf8Bom学习𠀀", 6, "Utf8Bom.csv");
    expect("csv台账Gbk学习", 7, "Gbk.csv");
    expect("csv台账Gb18030学习𠀀", 8, "Gb18030.csv");
    let r = by_topic(&a, "研究党费收缴和使用情况");
    assert_eq!(
        fig(r),
        want(ZHI, &[CommitteeMeeting], d(2024, 7, 2), Some(5), Some(5), None)
    );
    assert_eq!((r.sheet.as_str(), r.row), ("Sheet1", 3));
    let from_xls = a
        .records
        .iter()
        .filter(|r| r.file.ends_with(".xls") && r.branch == ZHI)
        .count();
    assert!(from_xls >= 5, "only {from_xls} rows read from the real .xls");
}

// ---- 2. Headers ---------------------------------------------------------------------------

/// SPEC 3.1's header aliases, field by field, in the SPEC's order.
const HEADER_ALIASES: [&[&str]; 12] = [
    &["日期", "时间", "活动时间", "会议时间", "召开时间"],
    &["活动类型", "会议类型", "类型", "活动形式", "会议名称"],
    &["主题", "内容", "会议主题", "活动主题", "学习内容", "议题"],
    &["主持人", "讲课人", "授课人", "主讲人"],
    &["应到", "应到人数", "应参加人数"],
    &["实到", "实到人数", "参加人数", "参会人数"],
    &["参会人员", "参加人员", "出席人员"],
    &["缺席人员", "缺席", "请假人员"],
    &["地点", "活动地点"],
    &["党小组", "小组"],
    &["支部", "党支部", "支部名称", "所在支部"],
    &["备注"],
];

/// How branches dress a header: spaces, a line break, a full-width bracketed remark, a
/// trailing `（人）`, a full-width colon.
fn dress(variant: usize, field: usize, h: &str) -> String {
    let chars: Vec<char> = h.chars().collect();
    let (head, tail): (String, String) = (chars[..1].iter().collect(), chars[1..].iter().collect());
    match variant % 5 {
        0 => h.to_string(),
        1 => format!(" {head} {tail} "),
        2 => format!("{head}\n{tail}"),
        3 if field == 4 || field == 5 => format!("{h}（人）"),
        3 => format!("{h}（必填）"),
        _ => format!("{h}："),
    }
}

#[test]
fn every_header_alias_in_any_order() {
    let f = Fixture::new();
    let files = 6;
    for i in 0..files {
        // Values by field, in HEADER_ALIASES order.
        let topic = format!("表头写法{i}");
        let note = format!("备注{i}");
        let values = [
            format!("2024-03-{:02}", i + 1),
            "党小组会".to_string(),
            topic,
            "张三".to_string(),
            "2".to_string(),
            "1".to_string(),
            "张三".to_string(),
            "李四（请假）".to_string(),
            "第三会议室".to_string(),
            "第1党小组".to_string(),
            if i % 2 == 0 { "刑一庭" } else { XING }.to_string(),
            note,
        ];
        let mut cols: Vec<(String, String)> = HEADER_ALIASES
            .iter()
            .enumerate()
            .map(|(field, aliases)| (dress(i, field, aliases[i % aliases.len()]), values[field].clone()))
            .collect();
        cols.push(("照片".to_string(), "附后".to_string()));
        cols.push(("签名".to_string(), "张三".to_string()));
        let n = cols.len();
        cols.rotate_left(i * 5 % n);
        if i % 2 == 1 {
            cols.reverse();
        }
        let header: Vec<&str> = cols.iter().map(|(h, _)| h.as_str()).collect();
        let row: Vec<&str> = cols.iter().map(|(_, v)| v.as_str()).collect();
        let mut sheets = vec![sheet("3月", &[&header, &row])];
        if i == 0 {
            // The unknown columns again on a second sheet: still one note for the file.
            let mut second = row.clone();
            let topic2 = "第二张表".to_string();
            let pos = header.iter().position(|h| h.contains("主题")).unwrap();
            second[pos] = &topic2;
            sheets.push(sheet("4月", &[&header, &second]));
        }
        write_book(&f.sub(&format!("表头{i}.xlsx")), &sheets);
    }
    // A header only plan.toml knows.
    let plan = Plan::from_toml("[aliases.headers]\n日期 = [\"开展日期\"]\n实到 = [\"到会人数\"]\n").unwrap();
    write_book(
        &f.sub("表头plan.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["到会人数", "活动类型", "开展日期", "主题", "支部"],
                &["4", "支委会", "2024-03-20", "计划别名", "刑一庭"],
            ],
        )],
    );
    let a = f.analyze_with(Some(2024), plan);
    rows_balance(&a);
    for i in 0..files {
        let r = by_topic(&a, &format!("表头写法{i}"));
        assert_eq!(
            fig(r),
            want(
                XING,
                &[GroupMeeting],
                d(2024, 3, i as u32 + 1),
                Some(2),
                Some(1),
                Some("第一党小组")
            ),
            "file {i}"
        );
        assert_eq!(r.host, "张三", "file {i}");
        assert_eq!(r.location, "第三会议室", "file {i}");
        assert_eq!(r.note, format!("备注{i}"), "file {i}");
        assert_eq!(r.attendees.iter().collect::<Vec<_>>(), vec!["张三"], "file {i}");
        assert_eq!(r.absentees.iter().collect::<Vec<_>>(), vec!["李四"], "file {i}");
        let notes: Vec<&Problem> = a
            .problems
            .iter()
            .filter(|p| p.file == format!("表头{i}.xlsx") && p.reason.contains("未识别的列"))
            .collect();
        assert_eq!(notes.len(), 1, "file {i}: {notes:#?}");
        assert!(notes[0].reason.contains("照片") && notes[0].reason.contains("签名"));
        assert!(!notes[0].reason.contains("主题") && !notes[0].reason.contains("日期"));
    }
    assert_eq!(by_topic(&a, "第二张表").date, d(2024, 3, 1));
    let r = by_topic(&a, "计划别名");
    assert_eq!(
        fig(r),
        want(XING, &[CommitteeMeeting], d(2024, 3, 20), None, Some(4), None)
    );
    assert!(
        !a.problems
            .iter()
            .any(|p| p.file == "表头plan.xlsx" && p.reason.contains("未识别的列")),
        "{:#?}",
        a.problems
    );
}

// ---- 3. Merged cells ----------------------------------------------------------------------

/// ODS marks a merged region on its top-left cell (`number-rows-spanned`); calamine does not
/// report it, the ingest guard's scan does.
#[test]
fn merged_body_cells_in_ods_hold_for_every_row() {
    let f = Fixture::new();
    let text =
        |t: &str| format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#);
    let spanned = |t: &str| {
        format!(
            r#"<table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    let num = |n: u32| {
        format!(
            r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
        )
    };
    let covered = "<table:covered-table-cell/>";
    let row = |cells: Vec<String>| format!("<table:table-row>{}</table:table-row>", cells.concat());
    let body = [
        row(["日期", "活动类型", "主题", "应到", "实到"].map(text).to_vec()),
        row(vec![
            spanned("2024-03-05"),
            spanned("支委会"),
            text("合并甲"),
            num(5),
            num(5),
        ]),
        row(vec![covered.into(), covered.into(), text("合并乙"), num(5), num(4)]),
    ]
    .concat();
    write_ods_xml(&f.sub("ods/刑一庭党支部2024年3月台账.ods"), "3月", &body);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(a.rows.accepted, 2, "{:#?}", a.problems);
    assert_eq!(
        fig(by_topic(&a, "合并乙")),
        want(XING, &[CommitteeMeeting], d(2024, 3, 5), Some(5), Some(4), None)
    );
}

#[test]
fn merged_body_cells_hold_for_every_row() {
    let f = Fixture::new();
    let s = sheet(
        "一季度",
        &[
            &["2024年第一季度“三会一课”登记表"],
            &["序号", "月份", "支部", "日期", "活动类型", "主题", "应到", "实到"],
            &["1", "3月", "刑一庭", "2024-03-05", "支委会", "合并甲", "5", "5"],
            // Only its topic is its own: the rest comes from merges above.
            &["2", "", "", "", "", "合并乙", "", ""],
            &["3", "", "民一庭", "2024-03-12", "主题党日", "合并丙", "3", "3"],
            &["4", "4月", "民一庭", "2024-04-02", "支部党员大会", "合并丁", "3", "3"],
            &["5", "", "", "2024-04-09", "", "合并戊", "3", "2"],
        ],
    )
    .merge(0, 0, 0, 7)
    .merge(2, 1, 4, 1)
    .merge(2, 2, 3, 2)
    .merge(2, 3, 3, 3)
    .merge(2, 4, 3, 4)
    .merge(5, 1, 6, 1)
    .merge(5, 2, 6, 2)
    .merge(5, 4, 6, 4);
    write_book(&f.sub("2024年一季度台账.xlsx"), &[s]);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(a.rows.accepted, 5, "{:#?}", a.problems);
    let cases = [
        ("合并甲", XING, CommitteeMeeting, d(2024, 3, 5), Some(5), Some(5)),
        ("合并乙", XING, CommitteeMeeting, d(2024, 3, 5), None, None),
        ("合并丙", MIN, ThemeDay, d(2024, 3, 12), Some(3), Some(3)),
        ("合并丁", MIN, MemberMeeting, d(2024, 4, 2), Some(3), Some(3)),
        ("合并戊", MIN, MemberMeeting, d(2024, 4, 9), Some(3), Some(2)),
    ];
    for (topic, branch, t, date, e, p) in cases {
        assert_eq!(
            fig(by_topic(&a, topic)),
            want(branch, &[t], date, e, p, None),
            "{topic}"
        );
    }
    assert_eq!(by_topic(&a, "合并乙").row, 4);
}

// ---- 4. Dates -----------------------------------------------------------------------------

#[test]
fn dates_in_every_written_form() {
    let f = Fixture::new();
    let header: &[&str] = &["序号", "时间", "活动类型", "主题"];
    let rows: Vec<(&str, &str)> = vec![
        ("45356", "序列号"),
        ("2024-03-06", "横线"),
        ("2024/3/7", "斜线"),
        ("2024.3.8", "圆点"),
        ("text:20240309", "八位文本"),
        ("20240310", "八位数字"),
        ("2024-03-11 14:30", "日期时间文本"),
        ("date:2024-03-12 09:30", "日期时间单元格"),
        ("date:2024-03-13", "日期单元格"),
        ("3月14日", "月日"),
        ("text:3.15", "点分月日"),
        ("3.16", "点分月日数字"),
        ("2024年3月17日", "年月日"),
        ("2024年3月18日上午", "上午"),
        ("3月19日（周二）", "星期"),
        ("3月20日14:30", "月日时间"),
        ("2024年13月5日", "不存在的日期"),
        ("", "空日期"),
    ];
    let mut table: Vec<Vec<String>> = vec![
        vec!["刑事审判第一党支部2024年3月“三会一课”登记表".to_string()],
        header.iter().map(|s| s.to_string()).collect(),
    ];
    for (i, (date, topic)) in rows.iter().enumerate() {
        table.push(vec![
            (i + 1).to_string(),
            date.to_string(),
            "支委会".into(),
            topic.to_string(),
        ]);
    }
    let table_refs: Vec<Vec<&str>> = table.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    let table_slices: Vec<&[&str]> = table_refs.iter().map(Vec::as_slice).collect();
    write_book(&f.sub("日期/刑一庭台账.xlsx"), &[sheet("Sheet1", &table_slices)]);
    // The year from the file name, then from --year.
    write_book(
        &f.sub("日期/刑一庭党支部2023年台账.xlsx"),
        &[sheet("Sheet1", &[header, &["1", "12月20日", "支委会", "文件名年份"]])],
    );
    write_book(
        &f.sub("日期/刑一庭党支部台账.xlsx"),
        &[sheet("Sheet1", &[header, &["1", "4月2日", "支委会", "命令行年份"]])],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let days: [(&str, u32); 16] = [
        ("序列号", 5),
        ("横线", 6),
        ("斜线", 7),
        ("圆点", 8),
        ("八位文本", 9),
        ("八位数字", 10),
        ("日期时间文本", 11),
        ("日期时间单元格", 12),
        ("日期单元格", 13),
        ("月日", 14),
        ("点分月日", 15),
        ("点分月日数字", 16),
        ("年月日", 17),
        ("上午", 18),
        ("星期", 19),
        ("月日时间", 20),
    ];
    for (topic, day) in days {
        assert_eq!(by_topic(&a, topic).date, d(2024, 3, day), "{topic}");
    }
    assert_eq!(by_topic(&a, "文件名年份").date, d(2023, 12, 20));
    assert_eq!(by_topic(&a, "命令行年份").date, d(2024, 4, 2));
    // Row 19 (Excel) holds 2024年13月5日, row 20 the empty date; both in column B.
    assert_problem(&a, "刑一庭台账.xlsx", "B19", Severity::Error, "日期不存在");
    assert_problem(&a, "刑一庭台账.xlsx", "B20", Severity::Error, "日期为空");
    assert_eq!(a.rows.rejected, 2);
    assert_eq!(json(&a)["rows"]["outside_period"], 1);
}

// ---- 5. Counts ----------------------------------------------------------------------------

#[test]
fn counts_in_words_units_and_decimals() {
    let f = Fixture::new();
    write_book(
        &f.sub("刑一庭党支部2024年5月台账.xlsx"),
        &[sheet(
            "5月",
            &[
                &["日期", "活动类型", "主题", "应到人数", "实到人数"],
                &["2024-05-06", "政治学习", "中文数字", "二十三", "十八"],
                &["2024-05-07", "政治学习", "带单位", "18人", "18 人"],
                &["2024-05-08", "政治学习", "小数", "text:18.0", "17.0"],
                &["2024-05-09", "政治学习", "文本数字", "text:18", "十八人"],
                &["2024-05-10", "政治学习", "负数", "-2", "5"],
                &["2024-05-11", "政治学习", "负数文本", "5", "text:-3"],
                &["2024-05-12", "政治学习", "若干", "5", "若干"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let counts = |t: &str| (by_topic(&a, t).expected, by_topic(&a, t).present);
    assert_eq!(counts("中文数字"), (Some(23), Some(18)));
    assert_eq!(counts("带单位"), (Some(18), Some(18)));
    assert_eq!(counts("小数"), (Some(18), Some(17)));
    assert_eq!(counts("文本数字"), (Some(18), Some(18)));
    assert_eq!(counts("若干"), (Some(5), None));
    assert_problem(&a, "5月台账.xlsx", "E8", Severity::Warning, "人数无法识别");
    assert_problem(&a, "5月台账.xlsx", "D6", Severity::Error, "负数");
    assert_problem(&a, "5月台账.xlsx", "E7", Severity::Error, "负数");
    assert!(!a.records.iter().any(|r| r.topic.starts_with("负数")));
    assert_eq!((a.rows.accepted, a.rows.rejected), (5, 2));
}

// ---- 6. Absentee-only ledgers -------------------------------------------------------------

#[test]
fn absentee_only_ledger() {
    let f = Fixture::new();
    write_book(
        &f.sub("刑一庭党支部2024年6月台账.xlsx"),
        &[sheet(
            "6月",
            &[
                &["日期", "会议类型", "党小组", "会议主题", "应到", "缺席人员"],
                &["2024-06-03", "支部党员大会", "", "缺席两人", "5", "王五（出差）、赵六"],
                &["2024-06-10", "党小组会", "第一党小组", "小组缺一人", "2", "李四"],
                &["2024-06-17", "主题党日", "", "无人缺席", "5", "无"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(
        fig(by_topic(&a, "缺席两人")),
        want(XING, &[MemberMeeting], d(2024, 6, 3), Some(5), Some(3), None)
    );
    assert_eq!(
        fig(by_topic(&a, "小组缺一人")),
        want(
            XING,
            &[GroupMeeting],
            d(2024, 6, 10),
            Some(2),
            Some(1),
            Some("第一党小组")
        )
    );
    // `无` names nobody: present stays unknown (SPEC 5).
    assert_eq!(by_topic(&a, "无人缺席").present, None);
    let m = json(&a);
    assert_eq!(m["totals"]["member_meeting"]["person_times"], 3);
    assert_eq!(m["totals"]["group_meeting"]["person_times"], 1);
    // Member attendance from absentees alone: 张三 and 钱七 2/2 and 1/1 are fine.
    let mut below: Vec<(String, i64, i64)> = m["members_below_threshold"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap().to_string(),
                x["attended"].as_i64().unwrap(),
                x["expected"].as_i64().unwrap(),
            )
        })
        .collect();
    below.sort();
    let mut expect = vec![
        ("李四".to_string(), 1, 2),
        ("王五".to_string(), 0, 1),
        ("赵六".to_string(), 0, 1),
    ];
    expect.sort();
    assert_eq!(below, expect, "{m:#}");
}

// ---- 7. Activity types --------------------------------------------------------------------

/// SPEC 4's table: code, label and aliases.
const SPEC_TYPES: [(ActivityType, &[&str]); 12] = [
    (MemberMeeting, &["支部党员大会", "党员大会", "全体党员大会", "支部大会"]),
    (
        CommitteeMeeting,
        &["支部委员会", "支委会", "支委会议", "支部委员会会议"],
    ),
    (GroupMeeting, &["党小组会", "党小组会议", "小组会"]),
    (PartyLecture, &["党课", "讲党课", "上党课", "专题党课", "微党课"]),
    (ThemeDay, &["主题党日", "主题党日活动", "固定党日", "党员活动日"]),
    (
        PoliticalStudy,
        &["政治学习", "理论学习", "集中学习", "专题学习", "学习研讨"],
    ),
    (IntegrityEducation, &["廉政教育", "警示教育", "廉洁教育"]),
    (
        DisciplineInspection,
        &["纪律作风检查", "作风检查", "明察暗访", "专项检查"],
    ),
    (SecretaryTraining, &["支部书记培训", "书记培训"]),
    (OrgLifeMeeting, &["组织生活会", "专题组织生活会"]),
    (DemocraticReview, &["民主评议党员", "民主评议"]),
    (VolunteerService, &["志愿服务", "志愿活动"]),
];

#[test]
fn activity_types_aliases_combined_and_qualified() {
    let f = Fixture::new();
    let mut rows: Vec<Vec<String>> = vec![vec!["日期".into(), "活动类型".into(), "主题".into()]];
    let mut day = 0;
    let mut next_date = || {
        day += 1;
        format!("2024-{:02}-{:02}", 1 + day / 28, 1 + day % 28)
    };
    for (_, aliases) in SPEC_TYPES {
        for alias in aliases {
            rows.push(vec![next_date(), alias.to_string(), format!("别名{alias}")]);
        }
    }
    let combined: [(&str, &[ActivityType]); 8] = [
        ("支部党员大会暨党课", &[MemberMeeting, PartyLecture]),
        ("党员大会、上党课", &[MemberMeeting, PartyLecture]),
        ("组织生活会暨民主评议党员", &[OrgLifeMeeting, DemocraticReview]),
        ("主题党日（志愿服务）", &[ThemeDay]),
        ("主题党日活动(参观红色教育基地)", &[ThemeDay]),
        ("党课、讲党课", &[PartyLecture]),
        ("支委会暨主题党日", &[CommitteeMeeting, ThemeDay]),
        ("读书分享会", &[Other]),
    ];
    for (text, _) in combined {
        rows.push(vec![next_date(), text.to_string(), format!("组合{text}")]);
    }
    let refs: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    write_book(&f.sub("刑一庭党支部2024年台账.xlsx"), &[sheet("全年", &slices)]);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    for (t, aliases) in SPEC_TYPES {
        for alias in aliases {
            assert_eq!(by_topic(&a, &format!("别名{alias}")).types, vec![t], "{alias}");
        }
    }
    for (text, types) in combined {
        assert_eq!(by_topic(&a, &format!("组合{text}")).types, types.to_vec(), "{text}");
    }
    let other = by_topic(&a, "组合读书分享会");
    assert_problem(
        &a,
        "2024年台账.xlsx",
        &format!("B{}", other.row),
        Severity::Warning,
        "无法识别",
    );
    let m = json(&a);
    // Four aliases plus two combined entries; each combined entry counts once per type.
    assert_eq!(m["totals"]["member_meeting"]["activities"], 6);
    assert_eq!(m["totals"]["party_lecture"]["activities"], 5 + 3);
    assert_eq!(m["totals"]["theme_day"]["activities"], 4 + 3);
    assert_eq!(m["totals"]["other"]["activities"], 1);
}

// ---- 8. Branch matching -------------------------------------------------------------------

const PLAIN_HEADER: &[&str] = &["日期", "活动类型", "主题", "应到", "实到"];

#[test]
fn branch_from_column_title_unit_line_file_and_sheet() {
    let f = Fixture::new();
    write_book(
        &f.sub("2024年3月汇总.xlsx"),
        &[sheet(
            "汇总",
            &[
                &["支部名称", "日期", "活动类型", "主题"],
                &[XING, "2024-03-01", "支委会", "列全称"],
                &["刑一庭", "2024-03-02", "支委会", "列别名"],
                &["刑事审批第一党支部", "2024-03-03", "支委会", "列近似"],
                &["知识产权审判党支部", "2024-03-04", "支委会", "列无匹配"],
                &["刑事审判第三党支部", "2024-03-05", "支委会", "列序号不同"],
            ],
        )],
    );
    write_book(
        &f.sub("标题/2024年3月登记表.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["民事审判第一党支部2024年3月“三会一课”登记表"],
                PLAIN_HEADER,
                &["2024-03-06", "支委会", "来自标题", "3", "3"],
            ],
        )
        .merge(0, 0, 0, 4)],
    );
    write_book(
        &f.sub("填报单位/12月登记表.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["“三会一课”登记表"],
                &["填报单位：民一庭党支部　填报时间：2025年1月3日"],
                PLAIN_HEADER,
                &["12月28日", "支委会", "来自填报单位", "3", "3"],
            ],
        )],
    );
    write_book(
        &f.sub("文件名/执行二处党支部-2024.03.xlsx"),
        &[sheet(
            "Sheet1",
            &[PLAIN_HEADER, &["2024-03-07", "支委会", "来自文件名", "1", "1"]],
        )],
    );
    write_book(
        &f.sub("工作表名/2024年台账.xlsx"),
        &[sheet(
            "行政审判党支部",
            &[PLAIN_HEADER, &["2024-03-08", "支委会", "来自工作表名", "1", "1"]],
        )],
    );
    write_book(
        &f.sub("标题近似/2024年3月登记表.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["刑事审判第一支部2024年3月“三会一课”登记表"],
                PLAIN_HEADER,
                &["2024-03-09", "支委会", "标题近似", "5", "5"],
            ],
        )],
    );
    write_book(
        &f.sub("标题无匹配/2024年3月登记表.xlsx"),
        &[sheet(
            "Sheet1",
            &[
                &["知识产权审判党支部2024年3月“三会一课”登记表"],
                PLAIN_HEADER,
                &["2024-03-10", "支委会", "标题无匹配甲", "5", "5"],
                &["2024-03-11", "支委会", "标题无匹配乙", "5", "5"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let branch = |t: &str| by_topic(&a, t).branch.clone();
    assert_eq!(branch("列全称"), XING);
    assert_eq!(branch("列别名"), XING);
    assert_eq!(branch("列近似"), XING);
    assert_problem(&a, "2024年3月汇总.xlsx", "A4", Severity::Warning, XING);
    assert!(at(&a, "2024年3月汇总.xlsx", "A4")[0].reason.contains("近似"));
    assert_eq!(branch("来自标题"), MIN);
    assert_eq!(branch("来自填报单位"), MIN);
    // The 填报时间 year is not the ledger's year: 12月28日 takes --year's.
    assert_eq!(by_topic(&a, "来自填报单位").date, d(2024, 12, 28));
    assert_eq!(branch("来自文件名"), ZHI);
    assert_eq!(branch("来自工作表名"), XINGZHENG);
    assert_eq!(branch("标题近似"), XING);
    assert!(
        a.problems
            .iter()
            .any(|p| p.file.starts_with("标题近似/") && p.severity == Severity::Warning && p.reason.contains(XING)),
        "{:#?}",
        a.problems
    );
    // No match: every row rejected, with the closest roster names.
    for (file, cell) in [("2024年3月汇总.xlsx", "A5"), ("2024年3月汇总.xlsx", "A6")] {
        assert_problem(&a, file, cell, Severity::Error, "不在名册中");
    }
    assert!(at(&a, "2024年3月汇总.xlsx", "A6")[0].reason.contains(XING));
    assert!(
        !a.records
            .iter()
            .any(|r| r.topic.starts_with("列无匹配") || r.topic.starts_with("列序号不同"))
    );
    let unmatched: Vec<&Problem> = a
        .problems
        .iter()
        .filter(|p| p.file.starts_with("标题无匹配/") && p.severity == Severity::Error)
        .collect();
    assert_eq!(unmatched.len(), 2, "{unmatched:#?}");
    assert!(unmatched.iter().all(|p| p.reason.contains("最接近的名册支部")));
    assert!(!a.records.iter().any(|r| r.topic.starts_with("标题无匹配")));
    assert_eq!(a.rows.rejected, 4);
}

// ---- 9. Re-sent months, lock and hidden files, rows outside the window ---------------------

#[test]
fn resent_month_counted_once_later_file_wins() {
    let f = Fixture::new();
    let header: &[&str] = &["日期", "活动类型", "主题", "应到", "实到"];
    write_book(
        &f.sub("3月/刑一庭党支部2024年3月台账.xlsx"),
        &[sheet(
            "3月",
            &[
                header,
                &["2024-03-05", "支委会", "研究三月工作", "5", "3"],
                &["2024-03-20", "主题党日", "参观展览", "5", "4"],
            ],
        )],
    );
    // The revision: corrected figures, the topic re-typed with other spacing and punctuation.
    write_book(
        &f.sub("3月/刑一庭党支部2024年3月台账（修订）.xlsx"),
        &[sheet(
            "3月",
            &[
                header,
                &["2024-03-05", "支委会", "研究 三月工作。", "5", "5"],
                &["2024-03-20", "主题党日", "参观展览", "5", "5"],
                &["2023-12-28", "支委会", "上年度补登", "5", "5"],
            ],
        )],
    );
    write_book(
        &f.sub("3月/~$刑一庭党支部2024年3月台账.xlsx"),
        &[sheet("3月", &[header])],
    );
    write_book(&f.sub("3月/.刑一庭党支部备份.xlsx"), &[sheet("3月", &[header])]);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let m = json(&a);
    assert_eq!(m["files"]["read"], 2);
    assert_eq!(m["files"]["skipped"], 2);
    assert_eq!(m["rows"]["accepted"], 5);
    assert_eq!(m["rows"]["outside_period"], 1);
    assert_eq!(m["totals"]["committee_meeting"]["activities"], 1);
    assert_eq!(m["totals"]["committee_meeting"]["person_times"], 5);
    assert_eq!(m["totals"]["theme_day"]["activities"], 1);
    assert_eq!(m["totals"]["theme_day"]["person_times"], 5);
    let superseded: Vec<&Problem> = a
        .problems
        .iter()
        .filter(|p| p.file.ends_with("3月台账.xlsx") && p.reason.contains("重复"))
        .collect();
    assert_eq!(superseded.len(), 2, "{:#?}", a.problems);
    assert!(superseded.iter().all(|p| p.reason.contains("修订")));
    let skipped: Vec<&str> = a
        .problems
        .iter()
        .filter(|p| p.reason.contains("已跳过") && p.sheet.is_empty())
        .map(|p| p.file.as_str())
        .collect();
    assert!(skipped.iter().any(|f| f.contains("~$")), "{skipped:?}");
    assert!(skipped.iter().any(|f| f.contains("/.")), "{skipped:?}");
    // The typed activities (activities.csv, 活动明细), read from the records and their
    // resolved statuses before the frames are built, are the activities frame's rows.
    use branchstat::metrics::rows::{Status, activities};
    let from_frame = activities(&a.figures.activities).unwrap();
    assert_eq!(*a.figures.rows.activities, from_frame);
    for status in [Status::Counted, Status::Superseded, Status::OutsidePeriod] {
        assert!(from_frame.iter().any(|r| r.status == status), "{status:?}");
    }
}

// ---- 10. Quality flags --------------------------------------------------------------------

#[test]
fn quality_flags_kept_as_warnings() {
    let f = Fixture::new();
    write_book(
        &f.sub("刑一庭党支部2024年7月台账.xlsx"),
        &[sheet(
            "7月",
            &[
                &["日期", "活动类型", "主题", "应到", "实到", "参会人员"],
                &["2024-07-01", "支委会", "实到多于应到", "3", "4", ""],
                &["2024-07-02", "支部党员大会", "半数未到", "5", "2", "张三、李四"],
                &[
                    "2024-07-03",
                    "主题党日",
                    "名册外人员",
                    "5",
                    "",
                    "张三、李四、王五、陌生人",
                ],
                &["2024-07-04", "党课", "应到不符", "3", "3", ""],
                &[
                    "2024-07-05",
                    "支部党员大会",
                    "正常大会",
                    "5",
                    "5",
                    "张三、李四、王五、赵六、钱七",
                ],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(a.rows.accepted, 5, "flags never reject a row");
    let file = "7月台账.xlsx";
    assert_problem(&a, file, "E2", Severity::Warning, "多于应到");
    assert_problem(&a, file, "E3", Severity::Warning, "半数");
    assert_problem(&a, file, "F4", Severity::Warning, "陌生人");
    assert!(!at(&a, file, "F4")[0].reason.contains("张三"));
    assert_problem(&a, file, "D5", Severity::Warning, "名册");
    assert_eq!(by_topic(&a, "名册外人员").present, Some(4));
    // A well-kept row raises nothing.
    assert!(a.problems.iter().all(|p| !p.cell.ends_with('6')), "{:#?}", a.problems);
}

// ---- 11. The check command ----------------------------------------------------------------

fn check(dir: &std::path::Path, roster: &std::path::Path) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_branchstat"))
        .arg("check")
        .arg(dir)
        .arg("--roster")
        .arg(roster)
        .args(["--year", "2024"])
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn check_prints_one_line_per_problem() {
    let f = Fixture::new();
    write_book(
        &f.sub("刑一庭党支部2024年8月台账.xlsx"),
        &[sheet(
            "8月",
            &[
                &["日期", "活动类型", "主题", "应到", "实到"],
                &["2024-08-01", "支委会", "好的一行", "5", "5"],
                &["2024年13月5日", "支委会", "坏日期", "5", "5"],
                &["2024-08-03", "支委会", "负人数", "-1", "5"],
            ],
        )],
    );
    let (code, out) = check(&f.submissions(), &f.roster());
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("刑一庭党支部2024年8月台账.xlsx:8月!A3: "), "{out}");
    assert!(lines[0].contains("日期不存在"), "{out}");
    assert!(lines[1].starts_with("刑一庭党支部2024年8月台账.xlsx:8月!D4: "), "{out}");

    let clean = Fixture::new();
    write_book(
        &clean.sub("刑一庭党支部2024年8月台账.xlsx"),
        &[sheet(
            "8月",
            &[
                &["日期", "活动类型", "主题", "应到", "实到"],
                &["2024-08-01", "支委会", "好的一行", "5", "5"],
            ],
        )],
    );
    let (code, out) = check(&clean.submissions(), &clean.roster());
    assert_eq!((code, out.as_str()), (0, ""));
}

// ---- Layouts branches really send ----------------------------------------------------------

#[test]
fn cumulative_year_in_one_growing_sheet_with_month_lines() {
    let f = Fixture::new();
    let s = sheet(
        "2024年",
        &[
            &["刑事审判第一党支部2024年度党建活动台账"],
            &["序号", "日期", "活动类型", "主题", "应到", "实到", "备注"],
            &["一月份"],
            &["1", "1月9日", "支委会", "一月支委会", "5", "5", ""],
            &["2", "1月26日", "主题党日", "一月党日", "5", "5", ""],
            &["二月份"],
            &["1", "2月6日", "支委会", "二月支委会", "5", "4", ""],
            &["合计", "", "", "", "10", "9", ""],
            &["2024年3月"],
            &["1", "3月5日", "支委会", "三月支委会", "5", "5", ""],
            &["2", "", "", "", "", "", ""],
            &["填表人：张三", "", "", "审核人：李四"],
        ],
    )
    .merge(0, 0, 0, 6)
    .merge(2, 0, 2, 6)
    .merge(5, 0, 5, 6)
    .merge(8, 0, 8, 6);
    write_book(&f.sub("刑一庭党支部2024年度台账.xlsx"), &[s]);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let dates: Vec<NaiveDate> = a.records.iter().map(|r| r.date).collect();
    assert_eq!(dates, vec![d(2024, 1, 9), d(2024, 1, 26), d(2024, 2, 6), d(2024, 3, 5)]);
    assert!(a.records.iter().all(|r| r.branch == XING));
    // Three month lines, the total and the footer are skipped; the numbered empty row is blank.
    assert_eq!(
        (a.rows.read, a.rows.skipped, a.rows.rejected),
        (9, 5, 0),
        "{:#?}",
        a.problems
    );
}

#[test]
fn workbook_with_a_sheet_per_month() {
    let f = Fixture::new();
    let header: &[&str] = &["日期", "活动类型", "主题", "应到", "实到"];
    let month = |m: u32| {
        let date = format!("2024-{m:02}-10");
        let topic = format!("{m}月支委会");
        sheet(&format!("{m}月"), &[header, &[&date, "支委会", &topic, "5", "5"]])
    };
    write_book(
        &f.sub("刑一庭党支部2024年台账.xlsx"),
        &[
            sheet(
                "填表说明",
                &[&["填表说明："], &["1. 每月10日前报送"], &["2. 日期请写全"]],
            ),
            month(1),
            month(2),
            sheet("旧表", &[header, &["2024-02-11", "支委会", "隐藏表", "5", "5"]]).hidden(),
            month(3),
            sheet("空表", &[]),
        ],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let got: Vec<(String, usize, NaiveDate)> = a
        .records
        .iter()
        .map(|r| (r.sheet.clone(), r.sheet_position, r.date))
        .collect();
    assert_eq!(
        got,
        vec![
            ("1月".to_string(), 1, d(2024, 1, 10)),
            ("2月".to_string(), 2, d(2024, 2, 10)),
            ("3月".to_string(), 4, d(2024, 3, 10)),
        ]
    );
    assert!(
        a.problems
            .iter()
            .any(|p| p.sheet == "填表说明" && p.severity == Severity::Note)
    );
    assert!(
        a.problems
            .iter()
            .any(|p| p.sheet == "旧表" && p.reason.contains("隐藏"))
    );
    assert_eq!(json(&a)["branches"][0]["counts"]["committee_meeting"], 3);
}

#[test]
fn prenumbered_empty_template_rows_are_blank() {
    let f = Fixture::new();
    let mut rows: Vec<Vec<String>> = vec![
        vec!["民事审判第一党支部2024年4月“三会一课”登记表".into()],
        ["序号", "日期", "活动类型", "主题", "主持人", "应到", "实到"]
            .map(String::from)
            .to_vec(),
        ["1", "2024-04-03", "支委会", "四月支委会", "孙一", "3", "3"]
            .map(String::from)
            .to_vec(),
    ];
    for n in 2..=20 {
        rows.push(vec![n.to_string()]);
    }
    let refs: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    write_book(&f.sub("民一庭2024年4月.xlsx"), &[sheet("Sheet1", &slices)]);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!((a.rows.read, a.rows.accepted), (1, 1), "{:#?}", a.problems);
    assert_eq!(a.records[0].branch, MIN);
    assert_eq!(a.records[0].host, "孙一");
}

#[test]
fn date_column_beside_a_time_of_day_column() {
    let f = Fixture::new();
    write_book(
        &f.sub("刑一庭党支部2024年9月台账.xlsx"),
        &[sheet(
            "9月",
            &[
                &["序号", "时间", "日期", "会议类型", "会议主题", "地点"],
                &["1", "time:14:30", "date:2024-09-03", "支委会", "下午开会", "会议室"],
                &["2", "上午9:00", "2024-09-10", "党小组会", "上午开会", "会议室"],
                &["3", "9:00-11:00", "9月12日", "党课", "时段", "会议室"],
            ],
        )],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(by_topic(&a, "下午开会").date, d(2024, 9, 3));
    assert_eq!(by_topic(&a, "上午开会").date, d(2024, 9, 10));
    assert_eq!(by_topic(&a, "时段").date, d(2024, 9, 12));
    assert_eq!(a.rows.rejected, 0);
}

#[test]
fn header_in_row_twelve_below_instructions() {
    let f = Fixture::new();
    let mut rows: Vec<Vec<String>> = vec![vec!["执行局第二党支部“三会一课”记录本".into()]];
    for i in 1..=10 {
        rows.push(vec![format!("{i}. 说明第{i}条：请如实填写。")]);
    }
    rows.push(
        ["序号", "召开时间", "会议名称", "议题", "应参加人数", "参会人数"]
            .map(String::from)
            .to_vec(),
    );
    rows.push(
        ["1", "2024-10-08", "支部委员会会议", "十月支委会", "1", "1"]
            .map(String::from)
            .to_vec(),
    );
    let refs: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    write_book(&f.sub("2024年10月.xlsx"), &[sheet("记录", &slices)]);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(
        fig(by_topic(&a, "十月支委会")),
        want(ZHI, &[CommitteeMeeting], d(2024, 10, 8), Some(1), Some(1), None)
    );
    assert_eq!(by_topic(&a, "十月支委会").row, 13);
}

#[test]
fn two_row_header_under_a_merged_title() {
    let f = Fixture::new();
    let s = sheet(
        "Sheet1",
        &[
            &["刑事审判第一党支部2024年11月“三会一课”登记表"],
            &["填报单位：刑一庭党支部", "", "", "", "填报时间：2024年12月2日"],
            &["序号", "日期", "活动类型", "党小组", "参会人数", "", "缺席人员"],
            &["", "", "", "", "应到", "实到", ""],
            &["1", "2024-11-05", "党小组会", "第二党小组", "3", "3", ""],
            &["2", "2024-11-12", "支部党员大会", "", "5", "", "钱七"],
        ],
    )
    .merge(0, 0, 0, 6)
    .merge(1, 0, 1, 3)
    .merge(1, 4, 1, 6)
    .merge(2, 0, 3, 0)
    .merge(2, 1, 3, 1)
    .merge(2, 2, 3, 2)
    .merge(2, 3, 3, 3)
    .merge(2, 4, 2, 5)
    .merge(2, 6, 3, 6);
    write_book(&f.sub("刑一庭2024年11月.xlsx"), &[s]);
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    let got: Vec<Fig> = a.records.iter().map(fig).collect();
    assert_eq!(
        got,
        vec![
            want(
                XING,
                &[GroupMeeting],
                d(2024, 11, 5),
                Some(3),
                Some(3),
                Some("第二党小组")
            ),
            want(XING, &[MemberMeeting], d(2024, 11, 12), Some(5), Some(4), None),
        ]
    );
    assert_eq!(a.rows.read, 2);
    assert!(
        !a.problems.iter().any(|p| p.reason.contains("未识别的列")),
        "{:#?}",
        a.problems
    );
}

#[test]
fn sheet_per_kind_of_meeting_without_a_type_column() {
    let f = Fixture::new();
    let header: &[&str] = &["序号", "会议时间", "会议主题", "应到人数", "实到人数"];
    write_book(
        &f.sub("刑一庭党支部2024年三会一课记录.xlsx"),
        &[
            sheet("支部委员会", &[header, &["1", "2024-05-07", "五月支委", "3", "3"]]),
            sheet(
                "Sheet2",
                &[
                    &["刑事审判第一党支部2024年党课记录"],
                    header,
                    &["1", "2024-05-20", "五月党课", "5", "5"],
                ],
            ),
            sheet("其他活动", &[header, &["1", "2024-05-28", "五月其他", "5", "5"]]),
        ],
    );
    let a = f.analyze(Some(2024));
    rows_balance(&a);
    assert_eq!(by_topic(&a, "五月支委").types, vec![CommitteeMeeting]);
    assert_eq!(by_topic(&a, "五月党课").types, vec![PartyLecture]);
    // A sheet that names no type leaves its rows as `other`, with a warning each.
    assert_eq!(by_topic(&a, "五月其他").types, vec![Other]);
    assert!(
        a.problems
            .iter()
            .any(|p| p.sheet == "其他活动" && p.severity == Severity::Warning)
    );
}
