//! The committee workbook 党建统计_<year>.xlsx (SPEC 6). In: the analysis. Out: a formatted
//! workbook for printing.

use super::Exporter;
use crate::metrics::{floats, ints, strs};
use crate::pipeline::Analysis;
use crate::vocab::ActivityType;
use anyhow::Result;
use rust_xlsxwriter::{Format, Workbook};
use std::path::Path;

pub struct CommitteeWorkbook;

pub fn file_name(year: i32) -> String {
    format!("党建统计_{year}.xlsx")
}

impl Exporter for CommitteeWorkbook {
    fn name(&self, a: &Analysis) -> String {
        file_name(a.settings.year)
    }
    fn write(&self, a: &Analysis, path: &Path) -> Result<()> {
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let m = &a.figures.metrics;
        let ws = wb.add_worksheet().set_name("总览")?;
        ws.write_string_with_format(0, 0, "活动类型", &bold)?;
        ws.write_string_with_format(0, 1, "活动次数", &bold)?;
        ws.write_string_with_format(0, 2, "参与人次", &bold)?;
        let totals = &a.figures.totals;
        for (i, ((t, n), p)) in strs(totals, "type")?
            .iter()
            .zip(ints(totals, "activities")?)
            .zip(ints(totals, "person_times")?)
            .enumerate()
        {
            let label = ActivityType::from_code(t).map(|t| t.label()).unwrap_or("");
            ws.write_string(i as u32 + 1, 0, label)?;
            ws.write_number(i as u32 + 1, 1, n.unwrap_or(0) as f64)?;
            ws.write_number(i as u32 + 1, 2, p.unwrap_or(0) as f64)?;
        }
        let ws = wb.add_worksheet().set_name("支部达标")?;
        for (c, h) in ["支部", "要求", "应考核期数", "达标期数", "达标率", "缺口"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        let mut r = 1;
        for table in &a.figures.requirements {
            let s = &table.summary;
            for (((b, p), met), (gap, comp)) in strs(s, "branch")?
                .iter()
                .zip(ints(s, "periods")?)
                .zip(ints(s, "met")?)
                .zip(ints(s, "gap")?.into_iter().zip(floats(s, "compliance")?))
            {
                ws.write_string(r, 0, b)?;
                ws.write_string(r, 1, table.requirement.activity.label())?;
                ws.write_number(r, 2, p.unwrap_or(0) as f64)?;
                ws.write_number(r, 3, met.unwrap_or(0) as f64)?;
                if let Some(c) = comp {
                    ws.write_number(r, 4, c)?;
                }
                ws.write_number(r, 5, gap.unwrap_or(0) as f64)?;
                r += 1;
            }
        }
        let ws = wb.add_worksheet().set_name("预警清单")?;
        for (c, h) in ["支部", "要求", "缺口", "未达标期间"].iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, b) in m.below_target.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &b.branch)?;
            ws.write_string(
                r,
                1,
                ActivityType::from_code(&b.activity).map(|t| t.label()).unwrap_or(""),
            )?;
            ws.write_number(r, 2, b.gap as f64)?;
            ws.write_string(r, 3, b.missing.join("、"))?;
        }
        wb.save(path)?;
        Ok(())
    }
}
