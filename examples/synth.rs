//! Synthetic province-scale corpus for the benchmark: a roster and a year of monthly ledgers
//! per branch in four layouts real branches use (plain table with a branch column; title
//! and 填报单位 lines; a merged two-row header with `18人` counts; text dates with name
//! lists). The roster's 支部 sheet names each branch's court (上级党组织), courts of 20–30
//! branches in turn; `--no-units` leaves the column out. Deterministic for a given seed.
//!
//! ```sh
//! cargo run --release --example synth -- --branches 800 --year 2024 --out /tmp/corpus
//! ```

use rust_xlsxwriter::{Format, Workbook};
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift), so the corpus is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂",
];
const COURTS: &[&str] = &[
    "市中级人民法院",
    "东城区人民法院",
    "西城区人民法院",
    "南湖区人民法院",
    "北山县人民法院",
    "江口县人民法院",
    "新河县人民法院",
    "清水县人民法院",
];
const CITIES: &[&str] = &[
    "江城", "云州", "临川", "安平", "青阳", "白沙", "石门", "长宁", "永和", "南溪", "东阳", "西林",
];
const COURT_LEVELS: &[&str] = &[
    "中级人民法院",
    "第一人民法院",
    "第二人民法院",
    "铁路运输法院",
    "海事法院",
    "知识产权法院",
    "互联网法院",
];
const UNITS: &[&str] = &[
    "刑事审判",
    "民事审判",
    "行政审判",
    "执行局",
    "立案庭",
    "审判监督",
    "办公室",
    "政治部",
    "研究室",
    "司法警察",
];
const ORDINALS: &[&str] = &[
    "第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十",
];
const TOPICS: &[&str] = &[
    "学习习近平法治思想",
    "传达上级会议精神",
    "研究部署支部工作",
    "学习党章党规",
    "交流学习体会",
    "开展廉政警示教育",
    "参观红色教育基地",
    "重温入党誓词",
];

struct Branch {
    name: String,
    groups: usize,
    members: Vec<(String, usize)>,
}

fn branches(n: usize, rng: &mut Rng) -> Vec<Branch> {
    let mut out = Vec::with_capacity(n);
    let mut used = std::collections::HashSet::new();
    for i in 0..n {
        let name = format!(
            "{}{}{}党支部",
            COURTS[i % COURTS.len()],
            UNITS[(i / COURTS.len()) % UNITS.len()],
            ORDINALS[(i / (COURTS.len() * UNITS.len())) % ORDINALS.len()]
        );
        let name = if used.insert(name.clone()) {
            name
        } else {
            format!("{}{}号党支部", name.trim_end_matches("党支部"), i)
        };
        let groups = 1 + rng.below(3) as usize;
        let size = 12 + rng.below(16) as usize;
        let mut names = std::collections::HashSet::new();
        let mut members = Vec::with_capacity(size);
        while members.len() < size {
            let m = format!(
                "{}{}{}",
                SURNAMES[rng.below(SURNAMES.len() as u64) as usize],
                GIVEN[rng.below(GIVEN.len() as u64) as usize],
                if rng.below(2) == 0 {
                    GIVEN[rng.below(GIVEN.len() as u64) as usize]
                } else {
                    ""
                }
            );
            if names.insert(m.clone()) {
                members.push((m, members.len() % groups));
            }
        }
        out.push(Branch { name, groups, members });
    }
    out
}

struct Activity {
    day: u32,
    kind: &'static str,
    group: Option<usize>,
    expected: usize,
    present: Vec<String>,
    absent: Vec<String>,
}

fn month_activities(b: &Branch, month: u32, rng: &mut Rng) -> Vec<Activity> {
    let mut kinds: Vec<(&'static str, Option<usize>)> = vec![("支部委员会", None), ("主题党日", None)];
    for g in 0..b.groups {
        kinds.push(("党小组会", Some(g)));
    }
    if month % 3 == 1 {
        kinds.push(("支部党员大会", None));
    }
    if month % 3 == 2 {
        kinds.push(("党课", None));
    }
    if rng.below(2) == 0 {
        kinds.push(("政治学习", None));
    }
    if rng.below(4) == 0 {
        kinds.push(("廉政教育", None));
    }
    // Some branches miss a month's committee meeting.
    if rng.below(10) == 0 {
        kinds.remove(0);
    }
    kinds
        .into_iter()
        .map(|(kind, group)| {
            let expected_members: Vec<&(String, usize)> = b
                .members
                .iter()
                .filter(|(_, g)| group.is_none_or(|x| x == *g))
                .collect();
            let mut present = Vec::new();
            let mut absent = Vec::new();
            for (m, _) in &expected_members {
                if rng.below(8) == 0 {
                    absent.push(m.clone())
                } else {
                    present.push(m.clone())
                }
            }
            Activity {
                day: 1 + rng.below(28) as u32,
                kind,
                group,
                expected: expected_members.len(),
                present,
                absent,
            }
        })
        .collect()
}

fn write_ledger(
    path: &Path,
    b: &Branch,
    year: i32,
    month: u32,
    acts: &[Activity],
    layout: usize,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name(format!("{month}月"))?;
    let group_name = |g: Option<usize>| g.map(|g| format!("{}党小组", ORDINALS[g])).unwrap_or_default();
    match layout {
        0 => {
            let header = [
                "序号",
                "日期",
                "支部名称",
                "党小组",
                "活动类型",
                "活动主题",
                "主持人",
                "应到人数",
                "实到人数",
                "参会人员",
                "缺席人员",
                "备注",
            ];
            for (c, h) in header.iter().enumerate() {
                ws.write_string(0, c as u16, *h)?;
            }
            for (i, a) in acts.iter().enumerate() {
                let r = i as u32 + 1;
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(year as u16, month as u8, a.day as u8)?;
                ws.write_number(r, 0, (i + 1) as f64)?;
                ws.write_datetime_with_format(r, 1, &date, &date_fmt)?;
                ws.write_string(r, 2, &b.name)?;
                ws.write_string(r, 3, group_name(a.group))?;
                ws.write_string(r, 4, a.kind)?;
                ws.write_string(r, 5, TOPICS[(i + month as usize) % TOPICS.len()])?;
                ws.write_string(r, 6, &b.members[0].0)?;
                ws.write_number(r, 7, a.expected as f64)?;
                ws.write_number(r, 8, a.present.len() as f64)?;
                ws.write_string(r, 9, a.present.join("、"))?;
                ws.write_string(r, 10, a.absent.join("、"))?;
            }
        }
        1 => {
            ws.merge_range(
                0,
                0,
                0,
                9,
                &format!("{}{year}年{month}月“三会一课”登记表", b.name),
                &Format::new(),
            )?;
            ws.merge_range(
                1,
                0,
                1,
                9,
                &format!("填报单位：{}　　填报时间：{year}年{}月3日", b.name, month % 12 + 1),
                &Format::new(),
            )?;
            let header = [
                "序号",
                "时间",
                "活动类型",
                "活动主题",
                "主持人",
                "党小组",
                "应到",
                "实到",
                "参加人员",
                "备注",
            ];
            for (c, h) in header.iter().enumerate() {
                ws.write_string(2, c as u16, *h)?;
            }
            for (i, a) in acts.iter().enumerate() {
                let r = i as u32 + 3;
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(year as u16, month as u8, a.day as u8)?;
                ws.write_number(r, 0, (i + 1) as f64)?;
                ws.write_datetime_with_format(r, 1, &date, &date_fmt)?;
                ws.write_string(r, 2, a.kind)?;
                ws.write_string(r, 3, TOPICS[i % TOPICS.len()])?;
                ws.write_string(r, 4, &b.members[0].0)?;
                ws.write_string(r, 5, group_name(a.group))?;
                ws.write_number(r, 6, a.expected as f64)?;
                ws.write_number(r, 7, a.present.len() as f64)?;
                ws.write_string(r, 8, a.present.join("、"))?;
            }
            let r = acts.len() as u32 + 3;
            ws.write_string(r, 0, format!("填表人：{}", b.members[1 % b.members.len()].0))?;
            ws.write_string(r, 5, format!("审核人：{}", b.members[0].0))?;
        }
        2 => {
            ws.merge_range(
                0,
                0,
                0,
                9,
                &format!("{}{year}年{month}月组织生活情况登记表", b.name),
                &Format::new(),
            )?;
            for (c, h) in ["序号", "会议时间", "会议类型", "会议主题", "主持人", "党小组"]
                .iter()
                .enumerate()
            {
                ws.merge_range(1, c as u16, 2, c as u16, h, &Format::new())?;
            }
            ws.merge_range(1, 6, 1, 7, "参会人数", &Format::new())?;
            ws.write_string(2, 6, "应到")?;
            ws.write_string(2, 7, "实到")?;
            ws.merge_range(1, 8, 2, 8, "缺席人员", &Format::new())?;
            ws.merge_range(1, 9, 2, 9, "备注", &Format::new())?;
            for (i, a) in acts.iter().enumerate() {
                let r = i as u32 + 3;
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(year as u16, month as u8, a.day as u8)?;
                ws.write_number(r, 0, (i + 1) as f64)?;
                ws.write_datetime_with_format(r, 1, &date, &date_fmt)?;
                ws.write_string(
                    r,
                    2,
                    if a.kind == "支部委员会" {
                        "支委会"
                    } else {
                        a.kind
                    },
                )?;
                ws.write_string(r, 3, TOPICS[i % TOPICS.len()])?;
                ws.write_string(r, 4, &b.members[0].0)?;
                ws.write_string(r, 5, group_name(a.group))?;
                ws.write_string(r, 6, format!("{}人", a.expected))?;
                ws.write_string(r, 7, format!("{}人", a.present.len()))?;
                ws.write_string(r, 8, a.absent.join("，"))?;
            }
            let r = acts.len() as u32 + 3;
            ws.merge_range(r, 0, r, 9, "填表人：　　　　审核人：", &Format::new())?;
        }
        _ => {
            ws.write_string(0, 0, format!("{year}年{month}月“三会一课”及主题党日活动登记表"))?;
            let header = ["日期", "类型", "内容", "主持人", "小组", "应到", "参会人员", "缺席人员"];
            for (c, h) in header.iter().enumerate() {
                ws.write_string(1, c as u16, *h)?;
            }
            for (i, a) in acts.iter().enumerate() {
                let r = i as u32 + 2;
                ws.write_string(r, 0, format!("{year}年{month}月{}日", a.day))?;
                ws.write_string(r, 1, a.kind)?;
                ws.write_string(r, 2, TOPICS[i % TOPICS.len()])?;
                ws.write_string(r, 3, &b.members[0].0)?;
                ws.write_string(r, 4, group_name(a.group))?;
                ws.write_number(r, 5, a.expected as f64)?;
                ws.write_string(r, 6, a.present.join(" "))?;
                ws.write_string(r, 7, a.absent.join(" "))?;
            }
        }
    }
    wb.save(path)
}

/// The court of each branch: consecutive runs of 20–30 branches, one court each.
fn courts(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    let mut k = 0;
    while out.len() < n {
        let court = format!(
            "{}{}党组",
            CITIES[k % CITIES.len()],
            COURT_LEVELS[(k / CITIES.len()) % COURT_LEVELS.len()]
        );
        let size = 20 + (k * 7) % 11;
        out.extend(std::iter::repeat_n(court, size.min(n - out.len())));
        k += 1;
    }
    out
}

fn write_roster(path: &Path, branches: &[Branch], units: bool) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("支部")?;
    let headers: &[&str] = if units {
        &["支部名称", "别名", "党小组数", "上级党组织"]
    } else {
        &["支部名称", "别名", "党小组数"]
    };
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    let courts = courts(branches.len());
    for (i, b) in branches.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, &b.name)?;
        ws.write_number(i as u32 + 1, 2, b.groups as f64)?;
        if units {
            ws.write_string(i as u32 + 1, 3, &courts[i])?;
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("党员")?;
    for (c, h) in ["姓名", "所在支部", "党小组", "类别"].iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    let mut r = 1;
    for b in branches {
        for (m, g) in &b.members {
            ws.write_string(r, 0, m)?;
            ws.write_string(r, 1, &b.name)?;
            ws.write_string(r, 2, format!("{}党小组", ORDINALS[*g]))?;
            ws.write_string(r, 3, "正式党员")?;
            r += 1;
        }
    }
    wb.save(path)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let n: usize = arg("--branches", "800").parse()?;
    let year: i32 = arg("--year", "2024").parse()?;
    let months: u32 = arg("--months", "12").parse()?;
    let out = PathBuf::from(arg("--out", "corpus"));
    let seed: u64 = arg("--seed", "20241231").parse()?;
    let mut rng = Rng(seed | 1);
    let branches = branches(n, &mut rng);
    std::fs::create_dir_all(out.join("submissions"))?;
    write_roster(
        &out.join("roster.xlsx"),
        &branches,
        !args.iter().any(|a| a == "--no-units"),
    )?;
    let mut jobs = Vec::new();
    for (i, b) in branches.iter().enumerate() {
        for month in 1..=months {
            let acts = month_activities(b, month, &mut rng);
            jobs.push((i, month, acts));
        }
    }
    use rayon::prelude::*;
    jobs.par_iter().try_for_each(|(i, month, acts)| -> Result<(), String> {
        let b = &branches[*i];
        let dir = out.join("submissions").join(format!("{year}年{month:02}月"));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(format!("{}_{year}年{month:02}月台账.xlsx", b.name));
        write_ledger(&path, b, year, *month, acts, *i % 4).map_err(|e| e.to_string())
    })?;
    println!("wrote {} ledgers for {} branches to {}", jobs.len(), n, out.display());
    Ok(())
}
