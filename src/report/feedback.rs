//! feedback/<branch>.xlsx: one small workbook per branch, to send back to it. In: the
//! analysis. Out: for each branch, its figures against the plan, the activities it still
//! misses by period, and its data problems with file, sheet and cell.

use super::Exporter;
use crate::metrics::{floats, ints, strs};
use crate::pipeline::Analysis;
use anyhow::Result;
use rayon::prelude::*;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet};
use std::collections::HashSet;
use std::path::Path;

pub struct BranchFeedback;

/// A file name that is safe on every file system.
pub fn file_name_for(branch: &str) -> String {
    let clean: String = branch
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{clean}.xlsx")
}

fn header(ws: &mut Worksheet, row: u32, cells: &[&str], fmt: &Format, widths: &[f64]) -> Result<()> {
    for (c, h) in cells.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, fmt)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(12.0))?;
    }
    Ok(())
}

fn write_branch(a: &Analysis, branch: &str, path: &Path) -> Result<()> {
    let m = &a.figures.metrics;
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(3);
    let base = Format::new().set_font_name("宋体").set_font_size(11);
    let bold = base.clone().set_bold();
    let head = bold
        .clone()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2");
    let pct = base.clone().set_num_format("0.0%");
    let as_of = &m.as_of;

    let ws = wb.add_worksheet().set_name("考核情况")?;
    ws.write_string_with_format(
        0,
        0,
        format!("{branch}{}年度组织生活考核情况（截至 {as_of}）", m.year),
        &bold,
    )?;
    header(
        ws,
        2,
        &[
            "要求",
            "周期",
            "每期应开",
            "应考核期数",
            "达标期数",
            "达标率",
            "缺口（次）",
            "未达标期间",
        ],
        &head,
        &[14.0, 8.0, 10.0, 12.0, 10.0, 10.0, 10.0, 40.0],
    )?;
    let figures = m.branches.iter().find(|b| b.branch == branch);
    for (r, req) in (3..).zip(figures.map(|b| b.requirements.as_slice()).unwrap_or_default()) {
        let label = crate::vocab::ActivityType::from_code(&req.activity)
            .map(|t| t.label())
            .unwrap_or("");
        let cadence = match req.cadence.as_str() {
            "month" => "每月",
            "quarter" => "每季度",
            _ => "每年",
        };
        ws.write_string_with_format(r, 0, label, &base)?;
        ws.write_string_with_format(r, 1, cadence, &base)?;
        ws.write_number_with_format(r, 2, req.required_per_period as f64, &base)?;
        ws.write_number_with_format(r, 3, req.periods as f64, &base)?;
        ws.write_number_with_format(r, 4, req.met as f64, &base)?;
        match req.compliance {
            Some(c) => ws.write_number_with_format(r, 5, c, &pct)?,
            None => ws.write_string_with_format(r, 5, "未到期", &base)?,
        };
        ws.write_number_with_format(r, 6, req.gap as f64, &base)?;
        ws.write_string_with_format(r, 7, req.missing.join("、"), &base)?;
    }
    ws.set_freeze_panes(3, 0)?;
    ws.set_landscape();

    let ws = wb.add_worksheet().set_name("缺项明细")?;
    ws.write_string_with_format(0, 0, format!("{branch} 未达标的期间（截至 {as_of}）"), &bold)?;
    header(
        ws,
        2,
        &["期间", "要求", "应开（次）", "已开（次）", "还差（次）"],
        &head,
        &[12.0, 14.0, 10.0, 10.0, 10.0],
    )?;
    let mut r = 3;
    for table in &a.figures.requirements {
        let p = &table.periods;
        let rows = strs(p, "branch")?
            .into_iter()
            .zip(strs(p, "period")?)
            .zip(ints(p, "required")?.into_iter().zip(ints(p, "count")?))
            .zip(ints(p, "shortfall")?);
        for (((b, period), (required, count)), shortfall) in rows {
            if b != branch || shortfall.unwrap_or(0) == 0 {
                continue;
            }
            ws.write_string_with_format(r, 0, &period, &base)?;
            ws.write_string_with_format(r, 1, table.requirement.activity.label(), &base)?;
            ws.write_number_with_format(r, 2, required.unwrap_or(0) as f64, &base)?;
            ws.write_number_with_format(r, 3, count.unwrap_or(0) as f64, &base)?;
            ws.write_number_with_format(r, 4, shortfall.unwrap_or(0) as f64, &base)?;
            r += 1;
        }
    }
    if r == 3 {
        ws.write_string_with_format(3, 0, "无：各期均已达标。", &base)?;
    }

    let ws = wb.add_worksheet().set_name("数据问题")?;
    ws.write_string_with_format(
        0,
        0,
        format!("{branch} 报送材料中的数据问题（请核实后更正重报）"),
        &bold,
    )?;
    header(
        ws,
        2,
        &["级别", "文件", "工作表", "单元格", "原值", "原因"],
        &head,
        &[8.0, 50.0, 12.0, 8.0, 20.0, 60.0],
    )?;
    let files: HashSet<&str> = a
        .records
        .iter()
        .filter(|r| r.branch == branch)
        .map(|r| r.file.as_str())
        .collect();
    let mut r = 3;
    for p in a
        .problems
        .iter()
        .filter(|p| p.severity != crate::problems::Severity::Note)
    {
        if p.branch == branch || (p.branch.is_empty() && files.contains(p.file.as_str())) {
            for (c, v) in [p.severity.label(), &p.file, &p.sheet, &p.cell, &p.raw, &p.reason]
                .iter()
                .enumerate()
            {
                ws.write_string_with_format(r, c as u16, *v, &base)?;
            }
            r += 1;
        }
    }
    if r == 3 {
        ws.write_string_with_format(3, 0, "未发现数据问题。", &base)?;
    }
    // Attendance rates, where defined.
    let rates = &a.figures.rates;
    let ws = wb.add_worksheet().set_name("参与率")?;
    header(
        ws,
        0,
        &["活动类型", "实到人次", "应到人次", "参与率"],
        &head,
        &[14.0, 10.0, 10.0, 10.0],
    )?;
    let mut r = 1;
    for (((b, t), (present, expected)), rate) in strs(rates, "branch")?
        .into_iter()
        .zip(strs(rates, "type")?)
        .zip(ints(rates, "present")?.into_iter().zip(ints(rates, "expected")?))
        .zip(floats(rates, "rate")?)
    {
        if b != branch {
            continue;
        }
        let label = crate::vocab::ActivityType::from_code(&t)
            .map(|t| t.label())
            .unwrap_or("");
        ws.write_string_with_format(r, 0, label, &base)?;
        ws.write_number_with_format(r, 1, present.unwrap_or(0) as f64, &base)?;
        ws.write_number_with_format(r, 2, expected.unwrap_or(0) as f64, &base)?;
        ws.write_number_with_format(r, 3, rate.unwrap_or(0.0), &pct)?;
        r += 1;
    }
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title(format!("{branch}组织生活考核反馈"))
        .set_author("branchstat")
        .set_custom_property(crate::ingest::OUTPUT_MARKER, "反馈工作簿")
        .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(m.year as u16, 1, 1)?);
    wb.set_properties(&props);
    wb.save(path)?;
    Ok(())
}

impl Exporter for BranchFeedback {
    fn name(&self, _: &Analysis) -> String {
        "feedback".into()
    }
    /// `path` is a folder: one workbook per branch.
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        std::fs::create_dir_all(path)?;
        a.figures
            .metrics
            .branches
            .par_iter()
            .try_for_each(|b| write_branch(a, &b.branch, &path.join(file_name_for(&b.branch))))
    }
}
