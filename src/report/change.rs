//! Year-on-year wording (SPEC 10), kept apart from the summary's own text. In: this year's
//! metrics with `previous`. Out: `较上年增加 N 次（X%）` / `减少` / `持平` phrases and the
//! summary's one paragraph comparing with the earlier year.

use super::format::pct;
use crate::metrics::Metrics;
use crate::metrics::previous::Previous;
use crate::vocab::ActivityType;

/// Lists in the summary name at most this many items, then give the count (SPEC 6).
const MAX_NAMED: usize = 10;

/// `较上年增加2次（50%）`, `较上年减少1次（25%）`, `与上年持平`; no percentage when the earlier
/// year had none. None without an earlier figure.
pub fn change_text(now: i64, before: Option<i64>) -> Option<String> {
    let before = before?;
    let d = now - before;
    let share = |d: i64| {
        if before > 0 {
            format!("（{}）", pct(d.abs() as f64 / before as f64))
        } else {
            String::new()
        }
    };
    Some(match d {
        0 => "与上年持平".to_string(),
        d if d > 0 => format!("较上年增加{d}次{}", share(d)),
        d => format!("较上年减少{}次{}", -d, share(d)),
    })
}

fn names(list: &[String]) -> String {
    if list.len() > MAX_NAMED {
        format!(
            "{}等{}个（详见 metrics.json）",
            list[..MAX_NAMED].join("、"),
            list.len()
        )
    } else {
        list.join("、")
    }
}

/// The summary's paragraph comparing the totals with the earlier year and naming the
/// branches new or gone; None without `--previous`.
pub fn year_on_year(m: &Metrics) -> Option<String> {
    let prev = m.previous.as_ref()?;
    let count = |t: &std::collections::BTreeMap<ActivityType, crate::metrics::TypeTotal>, ty: ActivityType| {
        t.get(&ty).map(|v| v.activities)
    };
    let parts: Vec<String> = ActivityType::ALL
        .iter()
        .filter_map(|&ty| {
            let now = count(&m.totals, ty).unwrap_or(0);
            let before = count(&prev.totals, ty);
            (now > 0 || before.unwrap_or(0) > 0)
                .then(|| change_text(now, before.or(Some(0))).map(|c| format!("{}{now}次，{c}", ty.label())))
                .flatten()
        })
        .collect();
    let mut p = format!("与{}年相比：", prev.year);
    if parts.is_empty() {
        p.push_str("两年均无活动记录。");
    } else {
        p.push_str(&parts.join("；"));
        p.push('。');
    }
    if let Some(renamed) = renamed_text(prev) {
        p.push_str(&renamed);
    }
    if !prev.new_branches.is_empty() {
        p.push_str(&format!("本年新增支部：{}。", names(&prev.new_branches)));
    }
    if !prev.gone_branches.is_empty() {
        p.push_str(&format!("上年有而本年没有的支部：{}。", names(&prev.gone_branches)));
    }
    Some(p)
}

/// `审判监督党支部上年名为审判监督庭党支部，按同一支部比较。`; None when no branch was renamed.
pub fn renamed_text(prev: &Previous) -> Option<String> {
    if prev.renamed.is_empty() {
        return None;
    }
    let pairs: Vec<String> = prev
        .renamed
        .iter()
        .map(|r| format!("{}上年名为{}", r.now, r.before))
        .collect();
    Some(format!("{}，按同一支部比较。", names(&pairs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_in_words() {
        assert_eq!(change_text(6, Some(4)).unwrap(), "较上年增加2次（50%）");
        assert_eq!(change_text(3, Some(4)).unwrap(), "较上年减少1次（25%）");
        assert_eq!(change_text(4, Some(4)).unwrap(), "与上年持平");
        assert_eq!(change_text(2, Some(0)).unwrap(), "较上年增加2次");
        assert_eq!(change_text(2, Some(3)).unwrap(), "较上年减少1次（33.3%）");
        assert_eq!(change_text(2, None), None);
    }
}
