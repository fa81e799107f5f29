//! How the report writes figures as text, in one place: percentages, Chinese dates, the
//! fonts the workbook, the charts and the .docx name. Labels are the types' own
//! ([`ActivityType::label`](crate::vocab::ActivityType::label),
//! [`Cadence::label`](crate::config::Cadence::label),
//! [`Status::label`](crate::metrics::rows::Status::label)).

use chrono::{Datelike, NaiveDate};

/// A date as formal Chinese writes it: `2024年6月30日`.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A ratio as a percentage: one decimal, none when whole (`95.8%`, `100%`).
pub fn pct(x: f64) -> String {
    let p = (x * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// The workbooks' font (cells and native charts).
pub const WORKBOOK_FONT: &str = "等线";

/// The SVG charts' font-family list.
pub const CHART_FONT_FAMILY: &str = "SimSun, 'Noto Sans CJK SC', sans-serif";

/// The report's fonts (GB/T 9704), each with the fallback `word/fontTable.xml` names.
pub const TITLE_FONT: (&str, &str) = ("方正小标宋简体", "宋体");
pub const BODY_FONT: (&str, &str) = ("仿宋_GB2312", "仿宋");
pub const HEADING1_FONT: (&str, &str) = ("黑体", "SimHei");
pub const HEADING2_FONT: (&str, &str) = ("楷体_GB2312", "楷体");
pub const PAGE_NUMBER_FONT: (&str, &str) = ("宋体", "SimSun");

/// A period code as prose: `2024-07` → `7月`, `2024Q3` → `第三季度`, `2024` → `全年`.
/// The year is left out when it is the reporting year.
pub fn period_text(code: &str, year: i32) -> String {
    let y = year.to_string();
    // get() rather than split_at: a non-ASCII code must not panic on a char boundary.
    let (Some(prefix), Some(rest)) = (code.get(..4), code.get(4..)) else {
        return code.to_string();
    };
    if prefix.len() != 4 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return code.to_string();
    }
    let own_year = prefix == y;
    let body = if let Some(q) = rest.strip_prefix('Q') {
        let q = match q {
            "1" => "一",
            "2" => "二",
            "3" => "三",
            "4" => "四",
            _ => return code.to_string(),
        };
        format!("第{q}季度")
    } else if let Some(mo) = rest.strip_prefix('-') {
        match mo.parse::<u32>() {
            Ok(mo) => format!("{mo}月"),
            Err(_) => return code.to_string(),
        }
    } else if rest.is_empty() {
        return if own_year {
            "全年".into()
        } else {
            format!("{prefix}年")
        };
    } else {
        return code.to_string();
    };
    if own_year { body } else { format!("{prefix}年{body}") }
}

/// Period codes as a clerk reads them, joined with `、` (`3月、第二季度`).
pub fn period_list(codes: &[String], year: i32) -> String {
    codes
        .iter()
        .map(|c| period_text(c, year))
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(pct(0.958333), "95.8%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(pct(0.875), "87.5%");
        assert_eq!(pct(0.0), "0%");
    }

    #[test]
    fn period_lists_read_as_prose() {
        let codes = ["2024-03", "2024Q2", "2023-12"].map(String::from);
        assert_eq!(period_list(&codes, 2024), "3月、第二季度、2023年12月");
        assert_eq!(period_list(&[], 2024), "");
    }

    #[test]
    fn chinese_dates() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        assert_eq!(cn_date(d), "2024年6月30日");
    }
}
