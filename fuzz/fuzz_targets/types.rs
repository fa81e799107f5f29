//! Arbitrary text into the activity-type parser (`TypeParser::parse`).
#![no_main]

use branchstat::normalize::types::TypeParser;
use branchstat::vocab::ActivityType;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static PARSER: OnceLock<TypeParser> = OnceLock::new();

fuzz_target!(|text: &str| {
    let parser = PARSER.get_or_init(|| TypeParser::new(&[]));
    let parsed = parser.parse(text);
    assert_eq!(parsed, parser.parse(text), "not deterministic on {text:?}");
    // At least one type, each once.
    assert!(!parsed.types.is_empty(), "no type for {text:?}");
    for (i, t) in parsed.types.iter().enumerate() {
        assert!(!parsed.types[..i].contains(t), "{t:?} twice for {text:?}: {parsed:?}");
    }
    if parsed.types.contains(&ActivityType::Other) {
        // `other` only alone, with the text shown as the one unknown part.
        assert_eq!(parsed.types, vec![ActivityType::Other], "{text:?}: {parsed:?}");
        assert_eq!(parsed.unknown.len(), 1, "{text:?}: {parsed:?}");
    } else {
        assert!(parsed.unknown.iter().all(|u| !u.is_empty()), "{text:?}: {parsed:?}");
    }
    // What a cell names does not change when the cell is padded with spaces.
    let padded = format!("  {text}  ");
    assert_eq!(parser.parse(&padded).types, parsed.types, "{text:?} vs {padded:?}");
});
