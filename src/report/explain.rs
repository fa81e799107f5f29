//! `check --explain`. In: how each sheet's header was read ([`SheetLayout`]). Out: the text
//! printed for the user: per file and sheet, the header row(s), the header cell taken for
//! each field (`实际会议时间 (H3) → 日期`) and the cells passed over with why
//! (`计划会议时间 (G3): 计划时间，以实际召开时间为准`).

use crate::normalize::SheetLayout;
use crate::normalize::header::PassedOver;
use crate::problems::cell_ref;

/// The whole explanation, a block per sheet.
pub fn render(layouts: &[SheetLayout]) -> String {
    let mut out = String::new();
    for layout in layouts {
        let (first, last) = layout.rows;
        let rows = if first == last {
            format!("第 {first} 行")
        } else {
            format!("第 {first}–{last} 行")
        };
        out.push_str(&format!("{}:{}: 表头在{rows}\n", layout.file, layout.sheet));
        for (row, note) in &layout.columns {
            let cell = cell_ref(row - 1, note.col as u32);
            let line = match &note.taken {
                Ok(field) => format!("{} ({cell}) → {}", note.text, field.label()),
                Err(why) => format!("{} ({cell}): {}", note.text, passed_over_text(why, layout)),
            };
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn passed_over_text(why: &PassedOver, layout: &SheetLayout) -> String {
    match why {
        PassedOver::Qualified { field, qualifier } => format!("{qualifier}，不作{}", field.label()),
        PassedOver::Lost { field, column, why } => {
            let winner = layout
                .columns
                .iter()
                .find(|(_, n)| n.col == *column)
                .map_or(String::new(), |(_, n)| n.text.clone());
            format!("{}，{}取「{winner}」", why.words(), field.label())
        }
        PassedOver::Ignored => "plan.toml 设为忽略".to_string(),
        PassedOver::Unknown => "未识别，已忽略".to_string(),
    }
}
