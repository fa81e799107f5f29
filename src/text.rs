//! Small text helpers shared by every stage: full-width folding, whitespace removal and
//! Chinese numerals. In: `&str`. Out: cleaned `String`s and numbers. No I/O.

/// Folds full-width ASCII (Ａ-Ｚ, ０-９, （）, ：…) and the ideographic space to their
/// half-width forms, as NFKC would for the characters ledgers use.
pub fn fold_width(s: &str) -> String {
    folded(s).into_owned()
}

/// [`fold_width`] without a copy when there is nothing to fold (most cells).
pub fn folded(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().all(|c| fold_char(c) == c) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().map(fold_char).collect())
    }
}

/// One character of [`fold_width`].
pub fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{00A0}' => ' ',
        _ => c,
    }
}

/// Width-folded text with every kind of white space removed: the form used as a key when
/// comparing headers, names and branch names.
pub fn compact(s: &str) -> String {
    s.chars().map(fold_char).filter(|c| !c.is_whitespace()).collect()
}

/// `compact` and then quotes and common punctuation removed: the dedup key of a topic.
pub fn topic_key(s: &str) -> String {
    // One pass, one allocation: it runs for every activity of a province, twice.
    let mut key = String::with_capacity(s.len());
    key.extend(
        s.chars()
            .map(fold_char)
            .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !is_cjk_punctuation(*c)),
    );
    key
}

pub fn is_cjk_punctuation(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '《'
            | '》'
            | '〈'
            | '〉'
            | '【'
            | '】'
            | '〔'
            | '〕'
            | '「'
            | '」'
            | '『'
            | '』'
            | '…'
            | '—'
            | '·'
            | '（'
            | '）'
            | '～'
    )
}

fn digit_value(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' | 'O' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Parses a Chinese numeral such as `十八`, `二十三`, `一百零五` or digit-by-digit `二〇二四`.
/// Returns `None` for anything else.
pub fn chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let has_unit = s.chars().any(|c| matches!(c, '十' | '拾' | '百' | '佰' | '千' | '仟'));
    if !has_unit {
        // digit by digit: 二〇二四
        let mut v: u32 = 0;
        for c in s.chars() {
            v = v.checked_mul(10)?.checked_add(digit_value(c)?)?;
        }
        return Some(v);
    }
    let mut total: u32 = 0;
    let mut current: Option<u32> = None;
    for c in s.chars() {
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            _ => {
                current = Some(digit_value(c)?);
                continue;
            }
        };
        total += current.unwrap_or(1) * unit;
        current = None;
    }
    Some(total + current.unwrap_or(0))
}

/// Display width of text in a fixed-width grid: CJK characters count two.
pub fn display_width(s: &str) -> usize {
    // Ledger text is ASCII, CJK ideographs and CJK punctuation almost throughout, whose
    // widths are fixed: unicode-width's tables and sequence rules (which agree there) are
    // needed only for the rest. A province's 活动明细 measures a million cells.
    let mut width = 0;
    for c in s.chars() {
        match c {
            ' '..='~' => width += 1,
            '\u{4E00}'..='\u{9FFF}' | '\u{3001}'..='\u{3011}' | '\u{FF01}'..='\u{FF60}' => width += 2,
            _ => return unicode_width::UnicodeWidthStr::width(s),
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn widths_agree_with_unicode_width(
            text in "[a-z0-9 ~!党支部会議、。《》【】（）：，Ａ０\u{3000}\u{303F}\u{302A}\u{200D}\u{FE0F}é\t\r😀]{0,12}"
        ) {
            proptest::prop_assert_eq!(display_width(&text), unicode_width::UnicodeWidthStr::width(text.as_str()));
        }

        #[test]
        fn topic_key_is_compact_less_punctuation(
            text in "[a-z0-9 ~!.党支部会议、。“”《》【】（）：，Ａ０\u{3000}\u{00A0}\t\r]{0,16}"
        ) {
            let by_steps: String = compact(&text)
                .chars()
                .filter(|c| !c.is_ascii_punctuation() && !is_cjk_punctuation(*c))
                .collect();
            proptest::prop_assert_eq!(topic_key(&text), by_steps);
        }
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("十八"), Some(18));
        assert_eq!(chinese_number("二十三"), Some(23));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("一百零五"), Some(105));
        assert_eq!(chinese_number("二〇二四"), Some(2024));
        assert_eq!(chinese_number("两"), Some(2));
        assert_eq!(chinese_number("全体"), None);
        assert_eq!(chinese_number(""), None);
    }

    #[test]
    fn folding() {
        assert_eq!(fold_width("（人）１８"), "(人)18");
        assert_eq!(compact(" 应到\n人数　"), "应到人数");
        assert_eq!(topic_key("学习“两会”精神 。"), "学习两会精神");
    }
}
