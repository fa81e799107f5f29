//! The standard blank ledger (`branchstat template`). In: the roster's branch names (maybe
//! none) and the year. Out: an .xlsx that branches fill in: an instructions sheet and the
//! 登记表 with SPEC header names, drop-down lists for 活动类型 (SPEC 4 labels) and 支部
//! (roster names, from a hidden sheet because Excel caps inline lists at 255 characters),
//! date and whole-number validation with input messages, a frozen header. What the
//! template writes, `run` and `check` read without a single problem.
//!
//! ```no_run
//! branchstat::report::template::write_template(&["民事审判第二党支部".to_string()], 2024, &[],
//!     std::path::Path::new("台账模板.xlsx")).unwrap();
//! ```

use crate::vocab::{ActivityType, Field};
use anyhow::Result;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatBorder, Formula, Workbook, Worksheet,
};
use std::path::Path;

/// The columns of the standard ledger, in order; 支部 only when there are several branches.
pub fn columns(several_branches: bool) -> Vec<Field> {
    let mut cols = vec![
        Field::Date,
        Field::Type,
        Field::Topic,
        Field::Host,
        Field::Expected,
        Field::Present,
        Field::Attendees,
        Field::Absentees,
        Field::Group,
        Field::Location,
        Field::Note,
    ];
    if several_branches {
        cols.insert(0, Field::Branch);
    }
    cols
}

/// Rows of the ledger body start here (0-based): a title row, then the header.
pub const FIRST_DATA_ROW: u32 = 2;
/// Rows prepared with validation.
const PREPARED_ROWS: u32 = 200;

fn width(field: Field) -> f64 {
    match field {
        Field::Date => 14.0,
        Field::Type => 16.0,
        Field::Topic | Field::Attendees => 36.0,
        Field::Absentees => 20.0,
        Field::Branch => 24.0,
        Field::Expected | Field::Present => 8.0,
        _ => 12.0,
    }
}

/// Writes the template. `rows` pre-fills the ledger body (cells in column order, dates as
/// `YYYY-MM-DD`), used by tests to fill a template the way a branch would. In steps: the
/// 登记表's title and header, its validations, the pre-filled rows, the hidden 名单 of
/// branches, the 填表说明.
pub fn write_template(branches: &[String], year: i32, rows: &[Vec<String>], out: &Path) -> Result<()> {
    let several = branches.len() != 1;
    let cols = columns(several);
    let formats = Formats::new();
    let labels = type_labels();
    let last = FIRST_DATA_ROW + PREPARED_ROWS.max(rows.len() as u32) - 1;
    let mut wb = Workbook::new();
    let ledger = wb.add_worksheet().set_name("登记表")?;
    let title_text = match branches {
        [only] => format!("{only}{year}年“三会一课”等组织生活登记表"),
        _ => format!("{year}年“三会一课”等组织生活登记表"),
    };
    ledger_head(ledger, &cols, &title_text, &formats)?;
    add_validations(ledger, &cols, year, last, &labels)?;
    fill_rows(ledger, &cols, rows, &formats)?;
    if several && !branches.is_empty() {
        let c = cols.iter().position(|x| *x == Field::Branch).unwrap_or(0) as u16;
        add_branch_list(&mut wb, branches, c, last)?;
    }
    add_help(&mut wb, year, &labels, &formats.base)?;
    let mut props = rust_xlsxwriter::DocProperties::new().set_title("党支部组织生活登记表");
    props = props.set_creation_datetime(&ExcelDateTime::from_ymd(year as u16, 1, 1)?);
    wb.set_properties(&props);
    super::save_workbook(&mut wb, out)?;
    Ok(())
}

/// The template's cell formats: 宋体 11 (`base`), the title, the header, dates.
struct Formats {
    base: Format,
    title: Format,
    head: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name("宋体").set_font_size(11);
        let title = base
            .clone()
            .set_bold()
            .set_font_size(16)
            .set_align(rust_xlsxwriter::FormatAlign::Center);
        let head = base
            .clone()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color("#D9E1F2")
            .set_text_wrap();
        let date = base.clone().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
        Formats {
            base,
            title,
            head,
            date,
        }
    }
}

/// The activity types' labels offered in the drop-down (all but 其他).
fn type_labels() -> Vec<&'static str> {
    ActivityType::ALL
        .iter()
        .filter(|t| **t != ActivityType::Other)
        .map(|t| t.label())
        .collect()
}

/// The title row, the header row with the column widths, the frozen header and the print
/// set-up.
fn ledger_head(ledger: &mut Worksheet, cols: &[Field], title_text: &str, formats: &Formats) -> Result<()> {
    ledger.merge_range(0, 0, 0, cols.len() as u16 - 1, title_text, &formats.title)?;
    for (c, field) in cols.iter().enumerate() {
        ledger.write_string_with_format(1, c as u16, field.label(), &formats.head)?;
        ledger.set_column_width(c as u16, width(*field))?;
    }
    ledger.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    ledger.set_landscape().set_repeat_rows(0, 1)?;
    ledger.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The validations of the body down to row `last`: the type list (a warning only), dates of
/// the year, whole-number counts, the name lists' input message.
fn add_validations(ledger: &mut Worksheet, cols: &[Field], year: i32, last: u32, labels: &[&str]) -> Result<()> {
    let col_of = |f: Field| cols.iter().position(|x| *x == f).map(|c| c as u16);
    if let Some(c) = col_of(Field::Type) {
        let v = DataValidation::new()
            .allow_list_strings(labels)?
            .set_input_title("活动类型")?
            .set_input_message("请从下拉列表选择；同时开展两项活动可写作“支部党员大会暨党课”")?;
        // A warning, not a stop: combined entries such as 暨 must stay possible.
        let v = v.set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Warning);
        ledger.add_data_validation(FIRST_DATA_ROW, c, last, c, &v)?;
    }
    if let Some(c) = col_of(Field::Date) {
        let from = ExcelDateTime::from_ymd(year as u16, 1, 1)?;
        let to = ExcelDateTime::from_ymd(year as u16, 12, 31)?;
        let v = DataValidation::new()
            .allow_date(DataValidationRule::Between(from, to))
            .set_input_title("日期")?
            .set_input_message(format!("请填写活动日期，如 {year}-03-05"))?;
        ledger.add_data_validation(FIRST_DATA_ROW, c, last, c, &v)?;
    }
    for field in [Field::Expected, Field::Present] {
        if let Some(c) = col_of(field) {
            let v = DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(0, 10_000))
                .set_input_title(field.label())?
                .set_input_message("请填写人数（整数）")?;
            ledger.add_data_validation(FIRST_DATA_ROW, c, last, c, &v)?;
        }
    }
    for field in [Field::Attendees, Field::Absentees] {
        if let Some(c) = col_of(field) {
            let v = DataValidation::new()
                .allow_any_value()
                .set_input_title(field.label())?
                .set_input_message("姓名之间用顿号“、”分隔；无人缺席请留空")?;
            ledger.add_data_validation(FIRST_DATA_ROW, c, last, c, &v)?;
        }
    }
    Ok(())
}

/// The pre-filled rows: dates as dates, counts as numbers where they read as such, the rest
/// as text; empty cells left empty.
fn fill_rows(ledger: &mut Worksheet, cols: &[Field], rows: &[Vec<String>], formats: &Formats) -> Result<()> {
    let base = &formats.base;
    for (r, row) in rows.iter().enumerate() {
        let r = FIRST_DATA_ROW + r as u32;
        for (c, value) in row.iter().enumerate().take(cols.len()) {
            if value.is_empty() {
                continue;
            }
            let field = cols[c];
            match field {
                Field::Date => match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                    Ok(d) => {
                        let d = ExcelDateTime::from_ymd(
                            chrono::Datelike::year(&d) as u16,
                            chrono::Datelike::month(&d) as u8,
                            chrono::Datelike::day(&d) as u8,
                        )?;
                        ledger.write_datetime_with_format(r, c as u16, &d, &formats.date)?
                    }
                    Err(_) => ledger.write_string_with_format(r, c as u16, value, base)?,
                },
                Field::Expected | Field::Present => match value.parse::<f64>() {
                    Ok(n) => ledger.write_number_with_format(r, c as u16, n, base)?,
                    Err(_) => ledger.write_string_with_format(r, c as u16, value, base)?,
                },
                _ => ledger.write_string_with_format(r, c as u16, value, base)?,
            };
        }
    }
    Ok(())
}

/// The hidden 名单 sheet of the roster's branches and the 支部 column's (`c`) drop-down
/// reading from it.
fn add_branch_list(wb: &mut Workbook, branches: &[String], c: u16, last: u32) -> Result<()> {
    let lists = wb.add_worksheet().set_name("名单")?;
    lists.write_string(0, 0, "支部名称")?;
    for (i, b) in branches.iter().enumerate() {
        lists.write_string(i as u32 + 1, 0, b)?;
    }
    lists.set_hidden(true);
    let v = DataValidation::new()
        .allow_list_formula(Formula::new(format!("=名单!$A$2:$A${}", branches.len() + 1)))
        .set_input_title("支部")?
        .set_input_message("请从下拉列表选择本支部名称")?;
    wb.worksheet_from_name("登记表")?
        .add_data_validation(FIRST_DATA_ROW, c, last, c, &v)?;
    Ok(())
}

/// The 填表说明 sheet.
fn add_help(wb: &mut Workbook, year: i32, labels: &[&str], base: &Format) -> Result<()> {
    let help = wb.add_worksheet().set_name("填表说明")?;
    help.set_column_width(0, 100)?;
    let lines = [
        "填表说明：".to_string(),
        "1. 每项活动填写一行；日期请填写为日期格式（如 2024-03-05），也可写作“2024年3月5日”。".to_string(),
        format!("2. 活动类型请从下拉列表选择：{}；不在列表中的活动如实填写，统计时计入“其他”。", labels.join("、")),
        "3. 同时开展两项活动时写作“支部党员大会暨党课”，每项各计一次；括号中的说明（如“主题党日（志愿服务）”）不另计类型。".to_string(),
        "4. 应到、实到填写人数（整数）；参会人员、缺席人员填写姓名，姓名之间用顿号“、”分隔。".to_string(),
        "5. 党小组会请在“党小组”一栏填写小组名称（如“第一党小组”）。".to_string(),
        format!("6. 示例：{year}-03-05 | 支部党员大会暨党课 | 学习党章 | 张三 | 25 | 23 | 张三、李四…… | 王五、赵六 |  | 党员活动室 |"),
        "7. 请勿修改表头和表格结构；每月5日前报送机关党委。".to_string(),
    ];
    for (i, line) in lines.iter().enumerate() {
        help.write_string_with_format(i as u32, 0, line, base)?;
    }
    Ok(())
}
