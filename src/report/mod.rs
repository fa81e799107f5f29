//! Figures out. In: an [`Analysis`]. Out: the files of SPEC 2 in the output folder, each
//! through an [`Exporter`]: metrics.json, issues.csv, activities.csv and .parquet, the
//! committee workbook, charts (SVG and PNG) and the summary. The only user of
//! rust_xlsxwriter and resvg.
//!
//! Everything is first written into a temporary folder beside the outputs and moved into
//! place only when every exporter succeeded, so a failed run leaves the previous outputs
//! as they were and no file is ever half written.

pub mod change;
pub mod charts;
pub mod csv_out;
pub mod docx;
pub mod explain;
pub mod feedback;
pub mod format;
pub mod json;
pub mod parquet;
pub mod pictures;
pub mod report_docx;
pub mod summary;
pub mod template;
pub mod workbook;

use crate::pipeline::Analysis;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// One output of a run.
pub trait Exporter: Send + Sync {
    /// File name (or `charts/…` path) relative to the output folder.
    fn name(&self, analysis: &Analysis) -> String;
    /// Writes the output to `path`.
    fn write(&self, analysis: &Analysis, path: &Path) -> Result<()>;
    /// What the run should tell the user about this output once it is written (the font
    /// the chart pictures were drawn with), in plain Chinese.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// Roughly how long it takes at a province's size, relative to the others: the run
    /// starts the longest first, so the committee workbook (the longest, one sheet of a row
    /// per activity) never waits behind small outputs at the end.
    fn cost(&self) -> u32 {
        1
    }
    /// The part of this output begun while the figures are computed, if any
    /// ([`crate::pipeline::analyze_beside`]).
    fn early(&self) -> Option<&dyn crate::pipeline::EarlyOutput> {
        None
    }
}

/// Saves a workbook through one buffer: rust_xlsxwriter's zip writer hands the file many
/// small writes (118,000 system calls for a province's 836 feedback workbooks unbuffered).
pub fn save_workbook(wb: &mut rust_xlsxwriter::Workbook, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("无法创建 {}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    wb.save_to_writer(&mut out)?;
    std::io::Write::flush(&mut out).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

/// The output folder of a staged output path: exporters write into
/// `out/.branchstat-tmp-PID/`, whose parent is the folder the outputs end up in.
pub fn final_dir(staged: &Path) -> Option<PathBuf> {
    let staging = staged.parent()?;
    let name = staging.file_name()?.to_string_lossy();
    name.starts_with(".branchstat-tmp-")
        .then(|| staging.parent().map(Path::to_path_buf))
        .flatten()
}

/// The relative path from folder `from` to folder `to`, with `/` and a trailing `/`
/// (`../submissions/`), for links written into a workbook in `from`. None when the two are
/// on different roots (another drive) or cannot be resolved.
pub fn link_base(from: &Path, to: &Path) -> Option<String> {
    let from = std::fs::canonicalize(from).ok()?;
    let to = std::fs::canonicalize(to).ok()?;
    let (f, t): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    if f.first() != t.first() {
        return None;
    }
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); f.len() - common];
    parts.extend(t[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    Some(parts.iter().map(|p| format!("{p}/")).collect())
}

/// Every exporter of `run`, in writing order; `feedback` and `report` are the per-branch
/// workbooks and 报告_<year>.docx (`--no-feedback`, `--no-report`).
pub fn exporters(feedback: bool, report: bool) -> Vec<Box<dyn Exporter>> {
    let mut list: Vec<Box<dyn Exporter>> = vec![
        Box::new(json::MetricsJson),
        Box::new(csv_out::IssuesCsv),
        Box::new(csv_out::ActivitiesCsv),
        Box::new(parquet::ActivitiesParquet),
        Box::new(workbook::CommitteeWorkbook::default()),
        Box::new(summary::SummaryMarkdown),
    ];
    list.extend(charts::Chart::ALL.map(|c| Box::new(charts::ChartSvg(c)) as Box<dyn Exporter>));
    let pictures = pictures::Pictures::new();
    list.extend(charts::Chart::ALL.map(|chart| {
        Box::new(pictures::ChartPng {
            chart,
            pictures: pictures.clone(),
        }) as Box<dyn Exporter>
    }));
    if report {
        list.push(Box::new(report_docx::ReportDocx { pictures }));
    }
    if feedback {
        list.push(Box::new(feedback::BranchFeedback));
    }
    list
}

/// The exporters' notes, each once, in exporter order.
pub fn notes(exporters: &[Box<dyn Exporter>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for note in exporters.iter().flat_map(|e| e.notes()) {
        if !out.contains(&note) {
            out.push(note);
        }
    }
    out
}

/// Writes every output (feedback workbooks and report included) into `out`, whole or not at all.
pub fn write_outputs(analysis: &Analysis, out: &Path) -> Result<Vec<PathBuf>> {
    write_selected(analysis, out, &exporters(true, true))
}

/// Writes the given outputs into `out`, whole or not at all.
pub fn write_selected(analysis: &Analysis, out: &Path, exporters: &[Box<dyn Exporter>]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("无法创建输出文件夹 {}", out.display()))?;
    let staging = out.join(format!(".branchstat-tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)?;
    // Exporters write different files: run them side by side, the longest started first
    // (FIFO), each on a worker of its own until the workers run out.
    let mut order: Vec<usize> = (0..exporters.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(exporters[i].cost()));
    let slots: Vec<std::sync::Mutex<Option<Result<String>>>> =
        exporters.iter().map(|_| std::sync::Mutex::new(None)).collect();
    rayon::scope_fifo(|scope| {
        for &i in &order {
            let (exporter, slot, staging) = (&exporters[i], &slots[i], &staging);
            scope.spawn_fifo(move |_| {
                let written = write_one(exporter.as_ref(), analysis, staging);
                *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(written);
            });
        }
    });
    let result: Result<Vec<String>> = slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .unwrap_or_else(|| Err(anyhow::anyhow!("输出未写出")))
        })
        .collect();
    let names = match result {
        Ok(names) => names,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let written = move_into_place(&staging, out, &names);
    let _ = std::fs::remove_dir_all(&staging);
    written
}

/// Runs one exporter into the staging folder; gives the name it wrote.
fn write_one(exporter: &dyn Exporter, analysis: &Analysis, staging: &Path) -> Result<String> {
    let started = std::time::Instant::now();
    let name = exporter.name(analysis);
    let path = staging.join(&name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    exporter
        .write(analysis, &path)
        .with_context(|| format!("写出 {name} 失败"))?;
    crate::timing::phase(&name, started);
    Ok(name)
}

/// Moves the staged outputs into `out`, all or none: each output it replaces (a folder
/// output such as feedback/ whole) is first set aside in the staging folder, and when any
/// move fails (a folder in the way, a workbook held open in Excel on Windows) the new outputs
/// are taken out again and the old ones put back.
fn move_into_place(staging: &Path, out: &Path, names: &[String]) -> Result<Vec<PathBuf>> {
    let previous = staging.join(".previous");
    let mut moved: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let result = (|| -> Result<()> {
        for name in names {
            let target = out.join(name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("无法创建 {}", parent.display()))?;
            }
            let backup = if target.symlink_metadata().is_ok() {
                let backup = previous.join(name);
                if let Some(parent) = backup.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&target, &backup).with_context(|| format!("无法替换 {}", target.display()))?;
                Some(backup)
            } else {
                None
            };
            moved.push((target.clone(), backup));
            std::fs::rename(staging.join(name), &target).with_context(|| format!("无法写入 {}", target.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (target, backup) in moved.iter().rev() {
            let _ = if target.is_dir() {
                std::fs::remove_dir_all(target)
            } else {
                std::fs::remove_file(target)
            };
            if let Some(backup) = backup {
                let _ = std::fs::rename(backup, target);
            }
        }
        return Err(e);
    }
    Ok(moved.into_iter().map(|(target, _)| target).collect())
}

/// The short summary printed at the end of a run.
pub fn terminal_summary(a: &Analysis, out: &Path) -> String {
    let m = &a.figures.metrics;
    let mut s = String::new();
    s.push_str(&format!(
        "branchstat：{} 年度（截至 {}）\n  文件：读取 {}，失败 {}，跳过 {}\n  行：读取 {}，计入 {}，拒绝 {}，跳过 {}，不在统计期 {}\n",
        m.year, m.as_of, m.files.read, m.files.failed, m.files.skipped, m.rows.read, m.rows.accepted, m.rows.rejected, m.rows.skipped, m.rows.outside_period
    ));
    let errors = a
        .problems
        .iter()
        .filter(|p| p.severity == crate::problems::Severity::Error)
        .count();
    let warnings = a
        .problems
        .iter()
        .filter(|p| p.severity == crate::problems::Severity::Warning)
        .count();
    s.push_str(&format!(
        "  数据问题：错误 {errors}，警告 {warnings}（见 issues.csv）\n"
    ));
    let mut below: Vec<&str> = m.below_target.iter().map(|b| b.branch.as_str()).collect();
    below.sort();
    below.dedup();
    let shown: Vec<&str> = below.iter().take(SUMMARY_ROWS).copied().collect();
    s.push_str(&format!(
        "  未达标支部：{} 个{}\n",
        below.len(),
        match below.len() {
            0 => String::new(),
            n if n > SUMMARY_ROWS => format!("（{} 等，详见工作簿“预警清单”）", shown.join("、")),
            _ => format!("（{}）", shown.join("、")),
        }
    ));
    if !m.units.is_empty() {
        let lowest: Vec<&str> = m.units.iter().take(3).map(|u| u.unit.as_str()).collect();
        s.push_str(&format!(
            "  上级党组织：{} 个，平均达标率最低的是 {}（详见工作簿“单位汇总”）\n",
            m.units.len(),
            lowest.join("、")
        ));
    }
    s.push_str(&branch_table(m));
    s.push_str(&format!("  输出：{}\n", out.display()));
    s
}

/// Pads text to a display width (CJK characters count two columns).
fn pad(text: &str, width: usize) -> String {
    let w = crate::text::display_width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// One line per branch: activities, active months, requirements below target.
/// How many items of a list the terminal names (SPEC 6: at most 10); a province's full
/// lists are in the workbook.
const SUMMARY_ROWS: usize = 10;

/// One line per branch (the branches furthest behind first when there are many):
/// activities, active months, requirements below target.
fn branch_table(m: &crate::metrics::Metrics) -> String {
    let name_width = m
        .branches
        .iter()
        .map(|b| crate::text::display_width(&b.branch))
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!(
        "  {}  {:>6}  {:>8}  未达标要求\n",
        pad("支部", name_width),
        "活动数",
        "活跃月份"
    );
    let gap_of = |branch: &str| -> i64 {
        m.below_target
            .iter()
            .filter(|x| x.branch == branch)
            .map(|x| x.gap)
            .sum()
    };
    let mut order: Vec<&crate::metrics::BranchFigures> = m.branches.iter().collect();
    if order.len() > SUMMARY_ROWS {
        order.sort_by_key(|b| std::cmp::Reverse(gap_of(&b.branch)));
    }
    for b in order.iter().take(SUMMARY_ROWS) {
        let total: i64 = b.counts.values().sum();
        let below: Vec<String> = m
            .below_target
            .iter()
            .filter(|x| x.branch == b.branch)
            .map(|x| format!("{}缺{}次", x.activity.label(), x.gap))
            .collect();
        s.push_str(&format!(
            "  {}  {:>9}  {:>12}  {}\n",
            pad(&b.branch, name_width),
            total,
            b.active_months,
            if below.is_empty() {
                "—".to_string()
            } else {
                below.join("，")
            }
        ));
    }
    if m.branches.len() > SUMMARY_ROWS {
        s.push_str(&format!("  ……共 {} 个支部，其余见工作簿“支部达标”\n", m.branches.len()));
    }
    s
}
