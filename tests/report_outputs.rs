//! The report outputs of the bundled samples: the committee workbook read back with
//! calamine and checked against metrics.json, the native charts inside it, the SVG charts,
//! and the summary text against a golden file.
//!
//! The golden summary is tests/fixtures/golden/summary_2024.md. After a deliberate change
//! of wording, regenerate it with
//! `UPDATE_GOLDEN=1 cargo test --test report_outputs summary_matches_golden`, then read the
//! diff (`git diff tests/fixtures/golden`) before committing it.

mod common;

use branchstat::pipeline::{Analysis, analyze};
use branchstat::report::{charts, format, summary, workbook};
use calamine::{Data, Reader};
use common::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The samples' analysis and its outputs, computed once for every test here.
fn outputs() -> &'static (Analysis, PathBuf) {
    static OUT: OnceLock<(Analysis, PathBuf)> = OnceLock::new();
    OUT.get_or_init(|| {
        let a = run_samples();
        // Kept after the run for a look by hand; replaced whole by the next run.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_outputs");
        branchstat::report::write_outputs(&a, &dir).expect("outputs written");
        (a, dir)
    })
}

fn workbook_path() -> PathBuf {
    let (a, dir) = outputs();
    dir.join(workbook::file_name(a.settings.year))
}

fn read_sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(path).expect("workbook opens");
    let range = wb.worksheet_range(name).expect("sheet exists");
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// Index of the first row whose first cells are `header`.
fn header_row(rows: &[Vec<Data>], header: &[&str]) -> usize {
    rows.iter()
        .position(|r| {
            header
                .iter()
                .enumerate()
                .all(|(i, h)| r.get(i).map(text).as_deref() == Some(*h))
        })
        .unwrap_or_else(|| panic!("no header {header:?}"))
}

fn label(code: impl std::fmt::Display) -> &'static str {
    branchstat::vocab::ActivityType::from_code(&code.to_string())
        .unwrap()
        .label()
}

#[test]
fn workbook_has_every_sheet_in_order() {
    let wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(workbook_path()).unwrap();
    assert_eq!(wb.sheet_names(), workbook::SHEETS.map(String::from).to_vec());
    let (a, _) = outputs();
    for name in workbook::SHEETS {
        let rows = read_sheet(&workbook_path(), name);
        assert!(text(&rows[0][0]).contains(&a.settings.year.to_string()), "{name} title");
        assert!(text(&rows[1][0]).contains("截至2024年12月31日"), "{name} as-of line");
    }
}

#[test]
fn overview_totals_equal_metrics() {
    let (a, _) = outputs();
    let m = &a.figures.metrics;
    let rows = read_sheet(&workbook_path(), "总览");
    let h = header_row(&rows, &["活动类型", "活动次数", "参与人次"]);
    assert_eq!(m.totals.len(), 13);
    for (ty, total) in &m.totals {
        let code = ty.code();
        let row = rows[h + 1..]
            .iter()
            .find(|r| text(&r[0]) == label(code))
            .unwrap_or_else(|| panic!("no row for {code}"));
        assert_eq!(num(&row[1]), Some(total.activities as f64), "{code} activities");
        assert_eq!(num(&row[2]), Some(total.person_times as f64), "{code} person-times");
    }
    let find = |key: &str| {
        rows.iter()
            .find(|r| text(&r[0]) == key)
            .and_then(|r| num(&r[1]))
            .unwrap_or_else(|| panic!("no {key}"))
    };
    assert_eq!(find("读取文件数"), m.files.read as f64);
    assert_eq!(find("计入行数"), m.rows.accepted as f64);
    assert_eq!(find("拒绝行数（数据错误）"), m.rows.rejected as f64);
    assert_eq!(find("支部活动月份覆盖率"), m.coverage.active_months.unwrap());
    let t = header_row(&rows, &["活动类型", "目标次数", "实际次数"]);
    for (i, target) in m.targets.iter().enumerate() {
        let r = &rows[t + 1 + i];
        assert_eq!(text(&r[0]), label(target.activity.code()));
        assert_eq!(num(&r[2]), Some(target.activities as f64));
        assert_eq!(num(&r[4]), Some(target.person_times as f64));
    }
}

#[test]
fn compliance_sheet_equals_metrics() {
    let (a, _) = outputs();
    let m = &a.figures.metrics;
    let rows = read_sheet(&workbook_path(), "支部达标");
    let h = header_row(&rows, &["党支部", "制度要求"]);
    let body: Vec<&Vec<Data>> = rows[h + 1..].iter().filter(|r| num(&r[3]).is_some()).collect();
    let expected_rows: usize = m.branches.iter().map(|b| b.requirements.len()).sum();
    assert_eq!(body.len(), expected_rows);
    let mut checked_below = 0;
    for b in &m.branches {
        for r in &b.requirements {
            let row = body
                .iter()
                .find(|row| text(&row[0]) == b.branch && text(&row[1]).starts_with(label(r.activity)))
                .unwrap_or_else(|| panic!("no row for {} {}", b.branch, r.activity));
            assert_eq!(num(&row[6]), Some(r.periods as f64));
            assert_eq!(num(&row[7]), Some(r.met as f64));
            match r.compliance {
                Some(c) => assert!((num(&row[8]).unwrap() - c).abs() < 1e-9, "{} {}", b.branch, r.activity),
                None => assert_eq!(text(&row[8]), "—"),
            }
            assert_eq!(num(&row[9]), Some(r.gap as f64));
            assert_eq!(text(&row[10]), format::period_list(&r.missing, m.year));
            if r.compliance.is_some_and(|c| c < 1.0) {
                checked_below += 1;
            }
        }
    }
    assert_eq!(checked_below, m.below_target.len());
}

#[test]
fn warning_list_is_worst_first_like_metrics() {
    let (a, _) = outputs();
    let m = &a.figures.metrics;
    assert!(!m.below_target.is_empty(), "the samples have branches below target");
    let rows = read_sheet(&workbook_path(), "预警清单");
    let h = header_row(&rows, &["序号", "党支部", "制度要求"]);
    for (i, b) in m.below_target.iter().enumerate() {
        let r = &rows[h + 1 + i];
        assert_eq!(num(&r[0]), Some(i as f64 + 1.0));
        assert_eq!(text(&r[1]), b.branch);
        assert!(text(&r[2]).starts_with(label(b.activity)));
        assert_eq!(num(&r[4]), Some(b.gap as f64));
        assert_eq!(text(&r[5]), format::period_list(&b.missing, m.year));
    }
    let gaps: Vec<f64> = (0..m.below_target.len())
        .map(|i| num(&rows[h + 1 + i][4]).unwrap())
        .collect();
    assert!(gaps.windows(2).all(|w| w[0] >= w[1]), "worst first: {gaps:?}");
    let mh = header_row(&rows, &["序号", "姓名", "所在支部"]);
    for (i, p) in m.members_below_threshold.iter().enumerate() {
        let r = &rows[mh + 1 + i];
        assert_eq!(text(&r[1]), p.name);
        assert_eq!(num(&r[4]), Some(p.expected as f64));
        assert!((num(&r[5]).unwrap() - p.rate).abs() < 1e-9);
    }
}

#[test]
fn monthly_grid_and_participation_add_up_to_metrics() {
    let (a, _) = outputs();
    let m = &a.figures.metrics;
    let rows = read_sheet(&workbook_path(), "月度明细");
    let h = header_row(&rows, &["党支部", "活动类型", "1月"]);
    let total_col = rows[h].iter().position(|c| text(c) == "合计").unwrap();
    assert_eq!(total_col, 2 + 12);
    let mut grid_rows = 0;
    for r in &rows[h + 1..] {
        let b = m
            .branches
            .iter()
            .find(|b| b.branch == text(&r[0]))
            .expect("a roster branch");
        let code = branchstat::vocab::ActivityType::ALL
            .into_iter()
            .find(|t| t.label() == text(&r[1]))
            .unwrap();
        let months: f64 = (2..total_col).map(|c| num(&r[c]).unwrap()).sum();
        assert_eq!(months, num(&r[total_col]).unwrap(), "{} {code}", b.branch);
        assert_eq!(num(&r[total_col]), Some(b.counts[&code] as f64), "{} {code}", b.branch);
        grid_rows += 1;
    }
    assert!(grid_rows >= 5 * m.branches.len());

    let rows = read_sheet(&workbook_path(), "参与率");
    let h = header_row(&rows, &["党支部", "活动类型", "活动次数", "参与人次"]);
    for (code, total) in &m.totals {
        let per_branch: f64 = rows[h + 1..]
            .iter()
            .filter(|r| text(&r[0]) != "全部支部" && text(&r[1]) == label(code))
            .map(|r| num(&r[3]).unwrap())
            .sum();
        assert_eq!(per_branch, total.person_times as f64, "{code}");
    }
    for b in &m.branches {
        for (code, rate) in &b.attendance_rate {
            let r = rows[h + 1..]
                .iter()
                .find(|r| text(&r[0]) == b.branch && text(&r[1]) == label(code))
                .unwrap();
            assert!((num(&r[6]).unwrap() - *rate).abs() < 1e-9);
        }
    }
}

#[test]
fn member_and_problem_sheets_list_everything() {
    let (a, _) = outputs();
    let rows = read_sheet(&workbook_path(), "党员参与");
    let h = header_row(&rows, &["姓名", "所在支部"]);
    let members = a.roster.as_ref().unwrap().members.len();
    let listed: Vec<&Vec<Data>> = rows[h + 1..].iter().filter(|r| num(&r[4]).is_some()).collect();
    assert_eq!(listed.len(), members);
    let flagged = listed.iter().filter(|r| text(&r[7]) == "低于预警线").count();
    assert_eq!(flagged, a.figures.metrics.members_below_threshold.len());

    let rows = read_sheet(&workbook_path(), "数据问题");
    let h = header_row(
        &rows,
        &[
            "级别",
            "文件",
            "工作表",
            "单元格",
            "支部",
            "原值",
            "原因",
            "代码",
            "处理建议",
        ],
    );
    assert_eq!(rows.len() - h - 1, a.problems.len());
    for (p, r) in a.problems.iter().zip(&rows[h + 1..]) {
        assert_eq!(text(&r[0]), p.severity.label());
        assert_eq!(text(&r[1]), p.file);
        assert_eq!(text(&r[3]), p.cell);
        assert_eq!(text(&r[6]), p.reason);
        assert_eq!(text(&r[7]), p.code());
        assert_eq!(text(&r[8]), p.hint());
    }
    // The sheet opens with the counts by code: one line per code found, adding up.
    let c = header_row(&rows, &["代码", "级别", "问题", "条数"]);
    let counted: f64 = rows[c + 1..]
        .iter()
        .take_while(|r| !text(&r[0]).is_empty())
        .map(|r| num(&r[3]).unwrap())
        .sum();
    assert_eq!(counted as usize, a.problems.len());

    let rows = read_sheet(&workbook_path(), "活动明细");
    let h = header_row(&rows, &["党支部", "党小组", "类型代码"]);
    assert_eq!(rows.len() - h - 1, a.figures.activities.height());
}

#[test]
fn workbook_holds_three_native_charts_and_is_reproducible() {
    let file = std::fs::File::open(workbook_path()).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    for i in 1..=3 {
        let mut xml = String::new();
        zip.by_name(&format!("xl/charts/chart{i}.xml"))
            .unwrap_or_else(|_| panic!("chart{i} missing"))
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains("总览"), "chart{i} points at 总览");
    }
    assert!(zip.by_name("xl/charts/chart4.xml").is_err());
    let mut core = String::new();
    zip.by_name("docProps/core.xml")
        .unwrap()
        .read_to_string(&mut core)
        .unwrap();
    assert!(core.contains("2024-12-31T00:00:00Z"), "creation date pinned: {core}");

    // 活动明细's rows are written on a thread of their own beside the other sheets: the
    // format numbers must not depend on which comes first (they did, one run in two).
    let (a, dir) = outputs();
    let links = branchstat::report::link_base(dir, &a.submissions);
    let written = std::fs::read(workbook_path()).unwrap();
    for _ in 0..6 {
        let again = workbook::build_with_links(a, links.as_deref())
            .unwrap()
            .save_to_buffer()
            .unwrap();
        assert_eq!(again, written, "same input, same bytes");
    }
}

/// Checks that tags open and close in order and every `&` starts an entity.
fn assert_xml_ish(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("tag closes") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.trim()), "closing {name}");
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            stack.push(tag.split_whitespace().next().unwrap().to_string());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    for (i, _) in svg.match_indices('&') {
        let entity = &svg[i..svg[i..].find(';').map(|j| i + j + 1).unwrap_or(svg.len())];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity),
            "bare & at {i}"
        );
    }
}

#[test]
fn svg_charts_are_well_formed_with_chinese_titles() {
    let (a, dir) = outputs();
    let titles = [
        ("branch_counts.svg", charts::branch_counts(a).title),
        ("monthly_trend.svg", charts::monthly_trend(a).unwrap().title),
        ("attendance.svg", charts::attendance(a).title),
    ];
    for (file, title) in titles {
        let svg = std::fs::read_to_string(dir.join("charts").join(file)).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{file}");
        assert_xml_ish(&svg);
        assert!(title.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{title}");
        assert!(svg.contains(&format!("<title>{title}</title>")), "{file} title");
        assert!(svg.contains(charts::FONT_FAMILY), "{file} font");
        for b in &a.figures.metrics.branches {
            if file != "monthly_trend.svg" {
                assert!(svg.contains(&b.branch), "{file} names {}", b.branch);
            }
        }
    }
    // A branch name with markup in it stays text.
    let mut c = charts::attendance(a);
    c.categories[0] = "A&B<党支部>".into();
    let svg = charts::to_svg(&c);
    assert_xml_ish(&svg);
    assert!(svg.contains("A&amp;B&lt;党支部&gt;"));
}

#[test]
fn summary_matches_golden() {
    let (a, dir) = outputs();
    let got = std::fs::read_to_string(dir.join("summary_2024.md")).unwrap();
    assert_eq!(got, summary::render(a));
    let golden = repo().join("tests/fixtures/golden/summary_2024.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).expect("golden file (UPDATE_GOLDEN=1 to create)");
    assert_eq!(
        got, want,
        "summary changed; see the module doc to update the golden file"
    );
}

#[test]
fn summary_numbers_come_from_metrics_and_respect_as_of() {
    let s = samples();
    let mut cfg = config(&s.join("submissions"), Some(&s.join("roster.xlsx")), Some(2024));
    cfg.as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30);
    let a = analyze(&cfg).unwrap();
    let text = summary::render(&a);
    let m = &a.figures.metrics;
    assert!(text.contains("截至2024年6月30日，共召开"), "{text}");
    assert!(!text.contains("全年共召开"));
    let n = |code: &str| m.totals[&branchstat::vocab::ActivityType::from_code(code).unwrap()].activities;
    let pt = |code: &str| m.totals[&branchstat::vocab::ActivityType::from_code(code).unwrap()].person_times;
    assert!(text.contains(&format!(
        "共召开支部党员大会{}次，支部委员会{}次，党小组会{}次，上党课{}次",
        n("member_meeting"),
        n("committee_meeting"),
        n("group_meeting"),
        n("party_lecture")
    )));
    assert!(text.contains(&format!(
        "开展廉政教育{}次，受教育{}人次",
        n("integrity_education"),
        pt("integrity_education")
    )));
    assert!(text.contains(&format!("共有{}名党员", m.members_below_threshold.len())));
    for b in &m.below_target {
        assert!(text.contains(&format!("{}{}缺{}次", b.branch, label(b.activity), b.gap)));
    }
    // Periods after the as-of date are not due, so none is named missing.
    assert!(!text.contains("第三季度") && !text.contains("7月、"));
}

#[test]
fn without_roster_member_sheet_is_a_note() {
    let s = samples();
    let a = analyze(&config(&s.join("submissions"), None, Some(2024))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wb.xlsx");
    workbook::build(&a).unwrap().save(&path).unwrap();
    let rows = read_sheet(&path, "党员参与");
    assert!(rows.iter().any(|r| text(&r[0]).contains("未提供党员名册")));
    assert!(!rows.iter().any(|r| text(&r[0]) == "姓名"));
    assert!(summary::render(&a).contains("未提供党员名册"));
}

/// Each line of 数据问题 links its source workbook, relative to the output folder, to the
/// sheet and cell.
#[test]
fn problem_lines_link_to_their_sources() {
    let (a, dir) = outputs();
    let file = std::fs::File::open(workbook_path()).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut rels = String::new();
    zip.by_name("xl/worksheets/_rels/sheet7.xml.rels")
        .expect("数据问题 has hyperlinks")
        .read_to_string(&mut rels)
        .unwrap();
    let targets: Vec<&str> = rels
        .split("Target=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let linked = a.problems.iter().filter(|p| !p.file.is_empty()).count();
    assert!(linked > 0 && !targets.is_empty());
    for target in &targets {
        assert!(target.starts_with("../"), "relative: {target}");
        assert!(dir.join(target).is_file(), "{target} resolves from the output folder");
    }
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet7.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let p = a
        .problems
        .iter()
        .find(|p| !p.sheet.is_empty() && !p.cell.is_empty() && p.file.ends_with(".xlsx"))
        .expect("a problem with a cell");
    let anchor = format!("location=\"'{}'!{}\"", p.sheet, p.cell);
    assert!(xml.contains(&anchor), "{anchor} in the sheet");
}

/// The sheet XML of a committee workbook's sheet, by name.
fn sheet_xml(name: &str) -> String {
    let (a, _) = outputs();
    let position = workbook::sheet_names(a).iter().position(|n| *n == name).expect("sheet");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(workbook_path()).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{}.xml", position + 1))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The width of each column of a sheet XML, from its `<col min max width>` runs.
fn column_widths(xml: &str) -> Vec<f64> {
    let attr =
        |c: &str, name: &str| -> Option<f64> { c.split(&format!("{name}=\"")).nth(1)?.split('"').next()?.parse().ok() };
    let mut widths = Vec::new();
    for c in xml.split("<col ").skip(1) {
        let (Some(min), Some(max), Some(width)) = (attr(c, "min"), attr(c, "max"), attr(c, "width")) else {
            continue;
        };
        widths.extend(std::iter::repeat_n(width, (max - min + 1.0) as usize));
    }
    widths
}

#[test]
fn long_sheets_print_readably_narrow_wrapped_columns_and_the_activity_columns_only() {
    // 数据问题: its widest columns are capped (问题说明 at 28 characters) and wrap; Excel
    // stores a width rounded up to whole pixels, hence the one character of slack.
    let problems = sheet_xml("数据问题");
    let widest = column_widths(&problems).into_iter().fold(0.0, f64::max);
    assert!(
        widest > 0.0 && widest <= 28.0 * 1.1 + 3.0,
        "widest 数据问题 column {widest}"
    );
    // 活动明细 prints 党支部 … 状态 (A:N), not its source columns.
    let wb = calamine::open_workbook::<calamine::Xlsx<_>, _>(workbook_path()).unwrap();
    let print_area = wb
        .defined_names()
        .iter()
        .find(|(name, formula)| name == "_xlnm.Print_Area" && formula.contains("活动明细"))
        .map(|(_, formula)| formula.clone())
        .expect("活动明细 has a print area");
    assert!(print_area.contains("$A$1:$N$"), "{print_area}");
    // The printed columns fit one landscape page at a readable size: narrowed, ≤ 22 wide.
    let widths = column_widths(&sheet_xml("活动明细"));
    assert!(widths.len() >= 14, "{widths:?}");
    assert!(widths[..14].iter().all(|w| *w <= 20.0 * 1.1 + 3.0), "{widths:?}");
}

#[test]
fn each_overview_chart_starts_a_printed_page() {
    let overview = sheet_xml("总览");
    assert!(
        overview.contains("<rowBreaks count=\"3\""),
        "three page breaks, one per chart"
    );
}
