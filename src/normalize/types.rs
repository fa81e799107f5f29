//! Activity-type text to type codes (SPEC 4). In: the 活动类型 cell's text and the alias
//! table. Out: the types it names, once each: `支部党员大会暨党课` names two,
//! `主题党日（志愿服务）` names one (a bracketed qualifier adds no type).

use crate::text::compact;
use crate::vocab::ActivityType;

/// What a type cell says.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedTypes {
    pub types: Vec<ActivityType>,
    /// Parts of the text that name no known type (empty when all is understood).
    pub unknown: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct TypeParser {
    /// (compact alias, type), longest alias first.
    aliases: Vec<(String, ActivityType)>,
}

const SEPARATORS: &[char] = &['暨', '、', '及', '和', '与', '+', '/', ',', '，', ';', '；', '&', '＆'];

fn strip_brackets(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in s.chars() {
        match ch {
            '(' | '（' | '[' | '【' | '〔' => depth += 1,
            ')' | '）' | ']' | '】' | '〕' => depth = (depth - 1).max(0),
            '"' | '“' | '”' | '「' | '」' | '《' | '》' => {}
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

impl TypeParser {
    pub fn new(extra: &[(ActivityType, String)]) -> Self {
        let mut aliases: Vec<(String, ActivityType)> = ActivityType::ALL
            .iter()
            .filter(|t| **t != ActivityType::Other)
            .flat_map(|t| t.builtin_aliases().iter().map(move |a| (compact(a), *t)))
            .chain(extra.iter().map(|(t, a)| (compact(a), *t)))
            .collect();
        aliases.sort_by_key(|(a, _)| std::cmp::Reverse(a.chars().count()));
        TypeParser { aliases }
    }

    fn one(&self, part: &str) -> Option<ActivityType> {
        self.aliases
            .iter()
            .find(|(a, _)| a == part)
            .or_else(|| self.aliases.iter().find(|(a, _)| part.contains(a.as_str())))
            .map(|(_, t)| *t)
    }

    /// The types a cell names. Empty text names `other`, reported as unknown.
    pub fn parse(&self, text: &str) -> ParsedTypes {
        let key = compact(text);
        let mut bare = strip_brackets(&key);
        if bare.is_empty() {
            bare = key.chars().filter(|c| !"()（）[]【】".contains(*c)).collect();
        }
        let mut types = Vec::new();
        let mut unknown = Vec::new();
        for part in bare.split(SEPARATORS).filter(|p| !p.is_empty()) {
            match self.one(part) {
                Some(t) if !types.contains(&t) => types.push(t),
                Some(_) => {}
                None => unknown.push(part.to_string()),
            }
        }
        if types.is_empty() {
            // `学习与研讨`: the separators may have cut an alias in two.
            if let Some(t) = self.one(&bare.replace(SEPARATORS, "")) {
                return ParsedTypes {
                    types: vec![t],
                    unknown: Vec::new(),
                };
            }
            let shown = if key.is_empty() {
                String::new()
            } else {
                text.trim().to_string()
            };
            return ParsedTypes {
                types: vec![ActivityType::Other],
                unknown: vec![shown],
            };
        }
        ParsedTypes { types, unknown }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActivityType::*;

    fn p(s: &str) -> Vec<ActivityType> {
        TypeParser::new(&[]).parse(s).types
    }

    #[test]
    fn every_builtin_alias() {
        for t in ActivityType::ALL.into_iter().filter(|t| *t != Other) {
            for a in t.builtin_aliases() {
                assert_eq!(p(a), vec![t], "{a}");
            }
        }
    }

    #[test]
    fn combined_and_qualified() {
        assert_eq!(p("支部党员大会暨党课"), vec![MemberMeeting, PartyLecture]);
        assert_eq!(p("组织生活会暨民主评议"), vec![OrgLifeMeeting, DemocraticReview]);
        assert_eq!(p("主题党日（志愿服务）"), vec![ThemeDay]);
        assert_eq!(p("主题党日活动（参观红色教育基地）"), vec![ThemeDay]);
        assert_eq!(p("主题党日暨志愿服务"), vec![ThemeDay, VolunteerService]);
        assert_eq!(p("党员大会、党课"), vec![MemberMeeting, PartyLecture]);
        assert_eq!(p("党课暨党课"), vec![PartyLecture]);
        assert_eq!(p(" 支 委 会 "), vec![CommitteeMeeting]);
    }

    #[test]
    fn unknown_is_other_with_the_text() {
        let parsed = TypeParser::new(&[]).parse("读书分享会");
        assert_eq!(parsed.types, vec![Other]);
        assert_eq!(parsed.unknown, vec!["读书分享会"]);
        assert_eq!(p(""), vec![Other]);
    }

    #[test]
    fn plan_aliases() {
        let parser = TypeParser::new(&[(ThemeDay, "党日活动".to_string())]);
        assert_eq!(parser.parse("党日活动").types, vec![ThemeDay]);
    }
}
