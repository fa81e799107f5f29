//! Cell values to typed ledger values: dates, head counts, name lists. In: one
//! [`Value`] and the year the ledger's title or file name implies. Out: a date, a count or
//! names, or a typed reason the value cannot be used. No I/O.

use crate::ingest::Value;
use crate::text::{chinese_number, fold_width};
use chrono::NaiveDate;
use thiserror::Error;

/// Why a date cell cannot be used. Rows with these are rejected.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum DateError {
    #[error("日期为空")]
    Empty,
    #[error("日期不存在（如 13 月或 2 月 30 日）")]
    Impossible,
    #[error("无法识别的日期")]
    Unreadable,
    #[error("日期只有月日，无法从标题、文件名或 --year 确定年份")]
    NoYear,
    #[error("日期单元格是公式错误值")]
    FormulaError,
}

/// Why a count cell cannot be used.
#[derive(Debug, Error, PartialEq, Eq, Clone)]
pub enum CountError {
    #[error("人数为负数")]
    Negative,
    #[error("人数无法识别")]
    Unreadable,
    #[error("人数单元格是公式错误值")]
    FormulaError,
}

/// Excel's serial day 0 is 1899-12-30 (the 1900 leap-year bug included).
fn from_serial(serial: f64) -> Option<NaiveDate> {
    let days = serial.floor() as i64;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}

fn ymd(y: i64, m: i64, d: i64) -> Result<NaiveDate, DateError> {
    if !(1900..=2200).contains(&y) {
        return Err(DateError::Unreadable);
    }
    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32).ok_or(DateError::Impossible)
}

fn md(year: Option<i32>, m: i64, d: i64) -> Result<NaiveDate, DateError> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(DateError::Impossible);
    }
    let y = year.ok_or(DateError::NoYear)?;
    ymd(y as i64, m, d)
}

/// Parses a date cell. `year` is the year implied by the ledger (title, file name, then
/// `--year`), used only when the cell gives month and day alone.
pub fn parse_date(value: &Value, year: Option<i32>) -> Result<NaiveDate, DateError> {
    match value {
        Value::Empty => Err(DateError::Empty),
        Value::DateTime(dt) => Ok(dt.date()),
        Value::Number(n) => parse_number_date(*n, year),
        Value::Text(s) => parse_text_date(s, year),
        Value::Bool(_) => Err(DateError::Unreadable),
        Value::Error(_) => Err(DateError::FormulaError),
    }
}

fn parse_number_date(n: f64, year: Option<i32>) -> Result<NaiveDate, DateError> {
    if (19_000_101.0..=22_001_231.0).contains(&n) && n.fract() == 0.0 {
        let v = n as i64;
        return ymd(v / 10000, v / 100 % 100, v % 100);
    }
    if (1.0..2_958_466.0).contains(&n) && n >= 367.0 {
        return from_serial(n).ok_or(DateError::Unreadable);
    }
    if n > 0.0 && n < 13.0 {
        // `3.5` typed into a general cell: month.day
        let text = format!("{n}");
        return parse_text_date(&text, year);
    }
    Err(DateError::Unreadable)
}

/// Splits text into runs of ASCII digits, remembering the separators between them.
fn digit_runs(s: &str) -> Vec<(i64, usize)> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            current.push(ch);
        } else if !current.is_empty() {
            runs.push((current.parse().unwrap_or(i64::MAX), current.len()));
            current.clear();
        }
    }
    if !current.is_empty() {
        runs.push((current.parse().unwrap_or(i64::MAX), current.len()));
    }
    runs
}

/// Replaces Chinese-numeral dates (`二〇二四年三月五日`) by digits.
fn chinese_date_to_digits(s: &str) -> String {
    let mut out = String::new();
    let mut numeral = String::new();
    let flush = |numeral: &mut String, out: &mut String| {
        if !numeral.is_empty() {
            match chinese_number(numeral) {
                Some(v) => out.push_str(&v.to_string()),
                None => out.push_str(numeral),
            }
            numeral.clear();
        }
    };
    for ch in s.chars() {
        if "〇零○一二两三四五六七八九十".contains(ch) {
            numeral.push(ch);
        } else {
            flush(&mut numeral, &mut out);
            out.push(ch);
        }
    }
    flush(&mut numeral, &mut out);
    out
}

fn parse_text_date(raw: &str, year: Option<i32>) -> Result<NaiveDate, DateError> {
    let mut s: String = fold_width(raw).trim().to_string();
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    if s.contains('年') || s.contains('月') {
        s = chinese_date_to_digits(&s);
    }
    // Whatever follows the day is a time or a weekday: `3月5日14:30`, `3月5日(周二)`.
    if let Some(pos) = s.find(['日', '号']) {
        s.truncate(pos + '日'.len_utf8());
    }
    // Drop a time of day: `2024-03-05 14:30`, `2024-03-05T14:30:00`, `3月5日下午`.
    for cut in [" ", "T", "上午", "下午", "晚上", "(", "（"] {
        if let Some(pos) = s.find(cut)
            && pos > 0
        {
            s.truncate(pos);
        }
    }
    // A range such as `3月5日-6日` or `2024.3.5-3.6`: the first day.
    for sep in ['~', '～', '至', '—'] {
        if let Some(pos) = s.find(sep)
            && pos > 0
        {
            s.truncate(pos);
        }
    }
    let runs = digit_runs(&s);
    let has_cjk = s.contains('年') || s.contains('月') || s.contains('日') || s.contains('号');
    match runs.as_slice() {
        [(v, 8)] if !has_cjk && s.chars().all(|c| c.is_ascii_digit()) => ymd(v / 10000, v / 100 % 100, v % 100),
        // A serial typed as text: only real days (1901 on) count; `00000` is no date.
        [(v, 5)] if !has_cjk && s.chars().all(|c| c.is_ascii_digit() || c == '.') => {
            if *v < 367 {
                return Err(DateError::Unreadable);
            }
            from_serial(*v as f64).ok_or(DateError::Unreadable)
        }
        [(y, 4), (m, _), (d, _), ..] => {
            if has_cjk && !s.contains('年') || !separated_as_a_date(&s, 3) {
                return Err(DateError::Unreadable);
            }
            ymd(*y, *m, *d)
        }
        [(y, 4), (_, _)] if s.contains('年') => Err(DateError::Unreadable),
        [(m, 1..=2), (d, 1..=2)] => {
            if has_cjk && !s.contains('月') || !separated_as_a_date(&s, 2) {
                return Err(DateError::Unreadable);
            }
            md(year, *m, *d)
        }
        // `2024-3-5` typed with a two-digit year is too rare to guess at.
        _ => Err(DateError::Unreadable),
    }
}

/// What may stand between a date's numbers: `2024-03-05`, `2024/3/5`, `2024.3.5`,
/// `2024年3月5日`. Anything else (`1+2`, `=1+2`, `3*5`, `1、2`, `1,2`) makes the text no date.
const DATE_SEPARATORS: &str = "-/.。年月日号";

/// True when the text between the first `numbers` runs of digits is date separators only
/// (what comes before the first or after the last is not looked at: `约3月5日`).
fn separated_as_a_date(s: &str, numbers: usize) -> bool {
    let mut seen = 0;
    let mut in_number = false;
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            seen += usize::from(!in_number);
            in_number = true;
        } else {
            in_number = false;
            if (1..numbers).contains(&seen) && !DATE_SEPARATORS.contains(ch) {
                return false;
            }
        }
    }
    true
}

/// Parses a head count: `18`, `18.0`, `"18"`, `18人`, `18 人`, `十八`. Empty is `Ok(None)`.
pub fn parse_count(value: &Value) -> Result<Option<u32>, CountError> {
    match value {
        Value::Empty => Ok(None),
        Value::Number(n) => number_count(*n),
        Value::Text(s) => text_count(s),
        Value::Error(_) => Err(CountError::FormulaError),
        Value::DateTime(_) | Value::Bool(_) => Err(CountError::Unreadable),
    }
}

fn number_count(n: f64) -> Result<Option<u32>, CountError> {
    if n < 0.0 {
        return Err(CountError::Negative);
    }
    if n.fract() != 0.0 || n > 1e6 {
        return Err(CountError::Unreadable);
    }
    Ok(Some(n as u32))
}

fn text_count(raw: &str) -> Result<Option<u32>, CountError> {
    let s: String = fold_width(raw).chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() || matches!(s.as_str(), "/" | "-" | "—" | "无") {
        return Ok(None);
    }
    let s = s.trim_end_matches(['人', '名', '位']).trim_end_matches('个');
    if let Ok(n) = s.parse::<f64>() {
        return number_count(n);
    }
    if let Some(rest) = s.strip_prefix('负')
        && chinese_number(rest).is_some()
    {
        return Err(CountError::Negative);
    }
    chinese_number(s).map(Some).ok_or(CountError::Unreadable)
}

/// Words that fill a name cell without naming anyone.
const NOBODY: [&str; 12] = [
    "无",
    "没有",
    "/",
    "-",
    "—",
    "——",
    "无人",
    "无缺席",
    "无人缺席",
    "全到",
    "全员参加",
    "全部参加",
];

/// Words that say "everyone" without naming anyone: no names (the count columns say how many).
const EVERYONE: [&str; 5] = ["全体党员", "全体人员", "全体", "全体支部党员", "全体成员"];

/// The names one cell lists (参会人员, 缺席人员), in the order written. Kept as one text,
/// the names joined with `、` (which no name holds: it is one of the separators a cell's
/// names are split on): a province's million listed names are fifty thousand allocations,
/// not a million, and 活动明细 and activities.csv show the list as it is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    joined: String,
    count: u32,
}

impl Names {
    /// The separator between names in [`Names::joined`].
    pub const SEPARATOR: char = '、';

    /// Adds a name at the end; a name is never empty and never holds the separator.
    pub fn push(&mut self, name: &str) {
        debug_assert!(!name.is_empty() && !name.contains(Self::SEPARATOR), "{name:?}");
        if self.count > 0 {
            self.joined.push(Self::SEPARATOR);
        }
        self.joined.push_str(name);
        self.count += 1;
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The names, in the order written.
    pub fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        self.joined.split(Self::SEPARATOR).take(self.len())
    }

    /// The names joined with `、`, as 活动明细 and activities.csv show them.
    pub fn joined(&self) -> &str {
        &self.joined
    }
}

impl<'a> FromIterator<&'a str> for Names {
    fn from_iter<I: IntoIterator<Item = &'a str>>(names: I) -> Self {
        let mut list = Names::default();
        names.into_iter().for_each(|n| list.push(n));
        list
    }
}

/// Splits a name list on `、，,;；`, spaces and line breaks. Bracketed remarks (`张三（出差）`)
/// are dropped; a cell that says nobody (`无`) gives no names.
pub fn split_names(value: &Value) -> Names {
    let text = match value {
        Value::Text(s) => crate::text::folded(s),
        _ => return Names::default(),
    };
    let mut names = Names {
        joined: String::with_capacity(text.len()),
        count: 0,
    };
    // A name with a remark or punctuation is cleaned here; most are taken as they stand.
    let mut cleaned = String::new();
    for part in text.split(|c: char| matches!(c, '、' | ',' | ';' | '，' | '；' | '/' | '|') || c.is_whitespace()) {
        let mut name = if part.contains(is_name_noise) {
            cleaned.clear();
            let mut depth = 0;
            for ch in part.chars() {
                match ch {
                    '(' | '（' | '[' | '【' => depth += 1,
                    ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
                    _ if depth == 0 && !is_name_noise(ch) => cleaned.push(ch),
                    _ => {}
                }
            }
            cleaned.as_str()
        } else {
            part
        };
        // `李四等12人`, `王五等`: the tally is not a name.
        if let Some(pos) = name.find('等') {
            let tally = name[pos + '等'.len_utf8()..].trim_end_matches(['人', '名', '位']);
            if pos > 0 && (tally.is_empty() || tally.parse::<u32>().is_ok() || chinese_number(tally).is_some()) {
                name = &name[..pos];
            }
        }
        if !name.is_empty() && !NOBODY.contains(&name) && !EVERYONE.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Brackets and punctuation that are no part of a listed name.
fn is_name_noise(c: char) -> bool {
    matches!(
        c,
        '(' | '（' | '[' | '【' | ')' | '）' | ']' | '】' | '.' | '。' | ':' | '：' | '"' | '“' | '”'
    )
}

/// The year written in a text such as a title or file name (`2024年`, `2024.03`, `_2024`).
pub fn year_in_text(s: &str) -> Option<i32> {
    let s = chinese_date_to_digits(&fold_width(s));
    digit_runs(&s)
        .into_iter()
        .find(|(v, len)| *len == 4 && (2000..=2099).contains(v))
        .map(|(v, _)| v as i32)
        .or_else(|| {
            digit_runs(&s)
                .into_iter()
                .find(|(v, len)| *len == 6 && (200_001..=209_912).contains(v))
                .map(|(v, _)| (v / 100) as i32)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_dates() {
        for s in [
            "2024年3月5日",
            "2024-03-05",
            "2024/3/5",
            "2024.3.5",
            "20240305",
            "2024-03-05 14:30",
            "2024年3月5号",
            "２０２４年３月５日",
            "2024-03-05T09:00:00",
            "二〇二四年三月五日",
        ] {
            assert_eq!(parse_date(&t(s), None), Ok(d(2024, 3, 5)), "{s}");
        }
        assert_eq!(parse_date(&t("3月5日"), Some(2024)), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date(&t("3.5"), Some(2024)), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date(&t("3月5日14:30"), Some(2024)), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date(&t("2024年3月5日星期二"), None), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date(&t("3月5日"), None), Err(DateError::NoYear));
        assert_eq!(parse_date(&t("2024年13月5日"), None), Err(DateError::Impossible));
        assert_eq!(parse_date(&t("2024年2月30日"), None), Err(DateError::Impossible));
        assert_eq!(parse_date(&t(""), None), Err(DateError::Empty));
        assert_eq!(parse_date(&Value::Empty, None), Err(DateError::Empty));
        assert_eq!(parse_date(&t("上旬"), None), Err(DateError::Unreadable));
        // Found by fuzzing: text serials of day 0 or 1 are no dates.
        assert_eq!(parse_date(&t("00000"), None), Err(DateError::Unreadable));
        assert_eq!(parse_date(&t(" 00001 "), None), Err(DateError::Unreadable));
        assert_eq!(parse_date(&t("45356"), None), Ok(d(2024, 3, 5)));
        // Numbers joined by anything but a date's separators are no date (a differential
        // check found `1+2` and `3*5` read as 2 January and 5 March).
        for s in ["1+2", "=1+2", "1_2", "1,2", "1、2", "3*5", "2024+3+5", "2024,3,5"] {
            assert_eq!(parse_date(&t(s), Some(2024)), Err(DateError::Unreadable), "{s}");
        }
        for s in ["3.5", "3/5", "3-5", "3月5日", "3。5", "约3月5日", "3.5."] {
            assert_eq!(parse_date(&t(s), Some(2024)), Ok(d(2024, 3, 5)), "{s}");
        }
    }

    #[test]
    fn number_dates() {
        assert_eq!(parse_date(&Value::Number(45356.0), None), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date(&Value::Number(45356.6), None), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date(&Value::Number(20240305.0), None), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date(&Value::Number(3.5), Some(2024)), Ok(d(2024, 3, 5)));
        assert_eq!(
            parse_date(&Value::Error("#REF!".into()), None),
            Err(DateError::FormulaError)
        );
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(&Value::Number(18.0)), Ok(Some(18)));
        assert_eq!(parse_count(&t("18")), Ok(Some(18)));
        assert_eq!(parse_count(&t("18人")), Ok(Some(18)));
        assert_eq!(parse_count(&t("18 人")), Ok(Some(18)));
        assert_eq!(parse_count(&t("18.0")), Ok(Some(18)));
        assert_eq!(parse_count(&t("十八")), Ok(Some(18)));
        assert_eq!(parse_count(&t("二十三人")), Ok(Some(23)));
        assert_eq!(parse_count(&Value::Number(-2.0)), Err(CountError::Negative));
        assert_eq!(parse_count(&t("-2")), Err(CountError::Negative));
        assert_eq!(parse_count(&t("若干")), Err(CountError::Unreadable));
        assert_eq!(parse_count(&Value::Empty), Ok(None));
        assert_eq!(
            parse_count(&Value::Error("#DIV/0!".into())),
            Err(CountError::FormulaError)
        );
    }

    #[test]
    fn names() {
        assert_eq!(split_names(&t("张三、李四，王五,赵六;钱七；孙八 周九\n吴十")).len(), 8);
        let names = |list: &str| split_names(&t(list)).iter().map(String::from).collect::<Vec<_>>();
        assert_eq!(names("张三（出差）、李四(病假)"), vec!["张三", "李四"]);
        assert!(split_names(&t("无")).is_empty());
        assert_eq!(names("张三、李四等12人"), vec!["张三", "李四"]);
        assert_eq!(names("张三等"), vec!["张三"]);
        assert_eq!(split_names(&t("张三，李四 王五")).joined(), "张三、李四、王五");
        assert!(split_names(&t("全体党员")).is_empty());
        assert!(split_names(&t("  ")).is_empty());
        assert!(split_names(&Value::Number(0.0)).is_empty());
    }

    /// The char-by-char split that [`split_names`] replaced (it built every name a char at a
    /// time): kept to check the faster one against.
    fn split_names_by_chars(value: &Value) -> Vec<String> {
        let text = match value {
            Value::Text(s) => crate::text::fold_width(s),
            _ => return Vec::new(),
        };
        let mut names = Vec::new();
        for part in text.split(|c: char| matches!(c, '、' | ',' | ';' | '，' | '；' | '/' | '|') || c.is_whitespace())
        {
            let mut name = String::new();
            let mut depth = 0;
            for ch in part.chars() {
                match ch {
                    '(' | '（' | '[' | '【' => depth += 1,
                    ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
                    _ if depth == 0 && !matches!(ch, '.' | '。' | ':' | '：' | '"' | '“' | '”') => name.push(ch),
                    _ => {}
                }
            }
            if let Some(pos) = name.find('等') {
                let tally = name[pos + '等'.len_utf8()..].trim_end_matches(['人', '名', '位']);
                if pos > 0 && (tally.is_empty() || tally.parse::<u32>().is_ok() || chinese_number(tally).is_some()) {
                    name.truncate(pos);
                }
            }
            if !name.is_empty() && !NOBODY.contains(&name.as_str()) && !EVERYONE.contains(&name.as_str()) {
                names.push(name);
            }
        }
        names
    }

    proptest::proptest! {
        #[test]
        fn names_taken_as_they_stand_agree_with_chars(
            list in r#"[张三李四王五等人名位十二0-9无全体党员、，,;；/| \n（）()【】\[\]。.:：“”"Ａ０　]{0,24}"#
        ) {
            let names = split_names(&t(&list));
            proptest::prop_assert_eq!(names.iter().collect::<Vec<_>>(), split_names_by_chars(&t(&list)));
            proptest::prop_assert_eq!(names.joined(), split_names_by_chars(&t(&list)).join("、"));
        }
    }

    #[test]
    fn years_in_titles_and_names() {
        assert_eq!(year_in_text("桥头人民法庭党支部-2024.02组织生活登记.xlsx"), Some(2024));
        assert_eq!(year_in_text("执行局第二党支部_2024年01月"), Some(2024));
        assert_eq!(year_in_text("1月"), None);
        assert_eq!(year_in_text("202403台账"), Some(2024));
    }
}
