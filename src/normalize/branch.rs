//! Which roster branch a ledger means. In: the roster's branch names and aliases, and a
//! text from a branch cell, a title, a 填报单位 line, a file name or a sheet name. Out: the
//! roster branch and how it was matched (exact, alias, contained, close), or the closest
//! roster names to suggest.

use crate::text::compact;

/// How a text was matched to a roster branch.
#[derive(Clone, Debug, PartialEq)]
pub enum BranchMatch {
    /// The branch's name, or one of its aliases, exactly.
    Exact(String),
    /// The name or an alias stands inside the text (a title, a file name).
    Contained(String),
    /// A unique close match: worth a warning naming the match made.
    Close { branch: String, score: f64 },
    /// A formal name (`中共XX支部委员会`, with or without the unit in front) whose everyday
    /// form is the branch or holds it: worth a warning naming the match made.
    Formal(String),
}

impl BranchMatch {
    pub fn branch(&self) -> &str {
        match self {
            BranchMatch::Exact(b) | BranchMatch::Contained(b) | BranchMatch::Formal(b) => b,
            BranchMatch::Close { branch, .. } => branch,
        }
    }
}

/// Matches texts against the roster's branches.
#[derive(Clone, Debug, Default)]
pub struct BranchMatcher {
    /// (compact key, roster name), names and aliases, longest key first.
    keys: Vec<(String, String)>,
    /// Finds every key inside a text; pattern i is `keys[i]`.
    automaton: Option<aho_corasick::AhoCorasick>,
}

const CLOSE_ENOUGH: f64 = 0.8;

/// The distinctive part of a branch name: without `党支部`/`支部` and `党总支` endings.
fn core(key: &str) -> &str {
    ["党支部委员会", "党支部", "支部", "党总支", "总支"]
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .unwrap_or(key)
}

/// The ordinal numerals of a name (`第二` → "二"): names differing only here are different
/// branches, never typos of each other.
fn numerals(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_digit() || "一二三四五六七八九十〇零两".contains(*c))
        .collect()
}

fn similarity(a: &str, b: &str) -> f64 {
    if numerals(a) != numerals(b) {
        return 0.0;
    }
    strsim::normalized_levenshtein(core(a), core(b))
}

impl BranchMatcher {
    /// `branches`: each roster name with its aliases.
    pub fn new<'a>(branches: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Self {
        let mut keys = Vec::new();
        for (name, aliases) in branches {
            for k in std::iter::once(name)
                .chain(aliases.iter().map(|a| a.as_str()))
                .map(compact)
            {
                if k.is_empty() {
                    continue;
                }
                // A roster that writes the formal name matches ledgers that write the everyday one.
                if let Some(everyday) = everyday_form(&k) {
                    keys.push((everyday, name.to_string()));
                }
                keys.push((k, name.to_string()));
            }
        }
        keys.sort_by_key(|(k, _)| std::cmp::Reverse(k.chars().count()));
        let automaton = aho_corasick::AhoCorasick::new(keys.iter().map(|(k, _)| k.as_str())).ok();
        BranchMatcher { keys, automaton }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Matches a branch cell (or a 填报单位 value): exact, then contained, then close.
    pub fn match_name(&self, text: &str) -> Result<BranchMatch, Vec<String>> {
        let key = compact(text);
        if key.is_empty() {
            return Err(Vec::new());
        }
        if let Some(name) = self.exact(&key) {
            return Ok(BranchMatch::Exact(name));
        }
        if let Some(everyday) = everyday_form(&key) {
            if let Some(name) = self
                .exact(&everyday)
                .or_else(|| self.contained(&everyday).map(|m| m.branch().to_string()))
            {
                return Ok(BranchMatch::Formal(name));
            }
            return self.close(&everyday);
        }
        if let Some(m) = self.contained(&key) {
            return Ok(m);
        }
        self.close(&key)
    }

    fn exact(&self, key: &str) -> Option<String> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, name)| name.clone())
    }

    /// Finds a branch inside a longer text: a title, a file name, a sheet name.
    pub fn find_in(&self, text: &str) -> Option<BranchMatch> {
        let key = compact(text);
        // A text that opens with 中共 is a formal name (its unit may hold another branch's
        // alias); elsewhere `支部委员会` is as likely the meeting type after the branch's name.
        let formal_first = key.starts_with("中共") || key.starts_with("中国共产党");
        let formal = || {
            everyday_form(&key)
                .and_then(|everyday| self.contained(&everyday))
                .map(|m| BranchMatch::Formal(m.branch().to_string()))
        };
        if formal_first && let Some(m) = formal() {
            return Some(m);
        }
        if let Some(m) = self.contained(&key).or_else(formal) {
            return Some(m);
        }
        let fragment = branch_fragment(&key)?;
        self.close(&fragment).ok()
    }

    /// The longest roster name or alias standing inside `key` (first in roster order on a
    /// tie). One automaton pass instead of a substring search per roster key: a province
    /// has hundreds of branches and every sheet asks.
    fn contained(&self, key: &str) -> Option<BranchMatch> {
        let automaton = self.automaton.as_ref()?;
        automaton
            .find_overlapping_iter(key)
            .map(|m| m.pattern().as_usize())
            .filter(|&i| self.keys[i].0.chars().count() >= 2)
            .min_by_key(|&i| i)
            .map(|i| BranchMatch::Contained(self.keys[i].1.clone()))
    }

    fn close(&self, key: &str) -> Result<BranchMatch, Vec<String>> {
        let mut scored: Vec<(f64, &str)> = Vec::new();
        for (k, name) in &self.keys {
            let s = similarity(key, k);
            match scored.iter_mut().find(|(_, n)| *n == name) {
                Some(entry) if entry.0 < s => entry.0 = s,
                Some(_) => {}
                None => scored.push((s, name)),
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        match scored.as_slice() {
            [(best, name), rest @ ..] if *best >= CLOSE_ENOUGH && rest.first().is_none_or(|(s, _)| s < best) => {
                Ok(BranchMatch::Close {
                    branch: name.to_string(),
                    score: *best,
                })
            }
            _ => {
                // Suggestions by plain character similarity, ordinals included.
                let mut by_text: Vec<(f64, &str)> = scored
                    .iter()
                    .map(|(_, n)| (strsim::normalized_levenshtein(key, &compact(n)), *n))
                    .collect();
                by_text.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
                Err(by_text.into_iter().take(3).map(|(_, n)| n.to_string()).collect())
            }
        }
    }
}

/// A formal branch name in the everyday form the roster keeps: `中共XX支部委员会` → `XX党支部`,
/// `中共XX总支部委员会` → `XX党总支` (any unit in front is kept: matching finds the branch
/// inside it). None when the text holds no formal name.
pub fn everyday_form(key: &str) -> Option<String> {
    let body = key
        .strip_prefix("中国共产党")
        .or_else(|| key.strip_prefix("中共"))
        .unwrap_or(key);
    [
        ("党总支部委员会", "党总支"),
        ("总支部委员会", "党总支"),
        ("党支部委员会", "党支部"),
        ("支部委员会", "党支部"),
    ]
    .iter()
    .find_map(|(formal, everyday)| {
        body.find(formal)
            .map(|pos| format!("{}{everyday}{}", &body[..pos], &body[pos + formal.len()..]))
    })
    .filter(|everyday| everyday.chars().count() > 3)
}

/// The part of a title or file name that names a branch: the text up to `支部`, after a
/// `填报单位：` label, without a leading year or month.
pub fn branch_fragment(text: &str) -> Option<String> {
    let key = compact(text);
    let key = match key.find("单位") {
        Some(pos) => key[pos + "单位".len()..].trim_start_matches([':', '：']).to_string(),
        None => key,
    };
    let end = key.find("支部")? + "支部".len();
    let fragment: String = key[..end]
        .trim_start_matches(|c: char| c.is_ascii_digit() || "年月_-. 第".contains(c))
        .to_string();
    (fragment.chars().count() >= 3).then_some(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> BranchMatcher {
        let a = vec!["民二庭党支部".to_string(), "民二庭".to_string()];
        let b = vec!["执行二处党支部".to_string()];
        let none: Vec<String> = Vec::new();
        BranchMatcher::new([
            ("民事审判第二党支部", a.as_slice()),
            ("执行局第二党支部", b.as_slice()),
            ("刑事审判第一党支部", none.as_slice()),
        ])
    }

    #[test]
    fn exact_alias_and_contained() {
        let m = matcher();
        assert_eq!(
            m.match_name("民事审判第二党支部"),
            Ok(BranchMatch::Exact("民事审判第二党支部".into()))
        );
        assert_eq!(
            m.match_name(" 民二庭 "),
            Ok(BranchMatch::Exact("民事审判第二党支部".into()))
        );
        assert_eq!(
            m.find_in("执行局第二党支部2024年7月三会一课台账.xls")
                .map(|m| m.branch().to_string()),
            Some("执行局第二党支部".into())
        );
        assert_eq!(
            m.find_in("填报单位：民二庭党支部　填报时间：2024年4月2日")
                .unwrap()
                .branch(),
            "民事审判第二党支部"
        );
    }

    #[test]
    fn close_match_but_never_across_ordinals() {
        let m = matcher();
        assert!(matches!(
            m.match_name("民事审判二党支部"),
            Ok(BranchMatch::Close { .. })
        ));
        let err = m.match_name("刑事审判第三党支部").unwrap_err();
        assert_eq!(err[0], "刑事审判第一党支部");
        assert!(m.match_name("行政审判党支部").is_err());
    }

    #[test]
    fn formal_names() {
        let none: Vec<String> = Vec::new();
        let m = BranchMatcher::new([
            ("执行局第一党支部", none.as_slice()),
            ("执行局党总支", none.as_slice()),
            ("中共民一庭支部委员会", none.as_slice()),
        ]);
        let formal = |t: &str| m.match_name(t);
        assert_eq!(
            formal("中共执行局第一支部委员会"),
            Ok(BranchMatch::Formal("执行局第一党支部".into()))
        );
        assert_eq!(
            formal("中共某某市中级人民法院执行局第一支部委员会"),
            Ok(BranchMatch::Formal("执行局第一党支部".into()))
        );
        assert_eq!(
            formal("中共执行局总支部委员会"),
            Ok(BranchMatch::Formal("执行局党总支".into()))
        );
        assert_eq!(
            formal("民一庭党支部"),
            Ok(BranchMatch::Exact("中共民一庭支部委员会".into()))
        );
        assert_eq!(
            m.find_in("中共执行局第一支部委员会2024年3月三会一课登记表")
                .map(|b| b.branch().to_string()),
            Some("执行局第一党支部".into())
        );
        assert_eq!(everyday_form("支部委员会"), None);
    }

    #[test]
    fn fragments() {
        assert_eq!(
            branch_fragment("刑事审判第一党支部2024年3月“三会一课”登记表").as_deref(),
            Some("刑事审判第一党支部")
        );
        assert_eq!(
            branch_fragment("填报单位：民一庭党支部　填报时间：2024年4月2日").as_deref(),
            Some("民一庭党支部")
        );
        assert_eq!(branch_fragment("2024年7月“三会一课”登记表"), None);
    }
}
