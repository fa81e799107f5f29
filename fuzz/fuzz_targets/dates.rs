//! Arbitrary text and numbers into the cell-value parsers: `parse_date`, `parse_count`,
//! `split_names`. Beyond "no panic" it checks what must hold whatever the input.
#![no_main]

use branchstat::ingest::Value;
use branchstat::normalize::values::{parse_count, parse_date, split_names};
use chrono::Datelike;
use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

fn value(u: &mut Unstructured) -> libfuzzer_sys::arbitrary::Result<Value> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 => Value::Empty,
        1 => Value::Number(f64::arbitrary(u)?),
        // numbers of the shapes ledgers hold: 20240305, 45357, 3.5, 18
        2 => {
            let n = f64::from(u.int_in_range(0..=30_000_000u32)?);
            Value::Number(n / f64::from(*u.choose(&[1u32, 10, 100])?))
        },
        3 => Value::Bool(bool::arbitrary(u)?),
        4 => Value::Error(String::arbitrary(u)?),
        _ => Value::Text(String::arbitrary(u)?),
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(v) = value(&mut u) else { return };
    let year = match u.int_in_range(0..=3u8).unwrap_or(0) {
        0 => None,
        1 => Some(2024),
        _ => i32::arbitrary(&mut u).ok(),
    };

    // parse_date: deterministic; a date it returns reads back as itself; outside the
    // month-day form (which takes `year`) no year beyond Excel's range comes out.
    let date = parse_date(&v, year);
    assert_eq!(date, parse_date(&v, year), "parse_date not deterministic on {v:?}");
    if let Ok(d) = date {
        let iso = d.format("%Y-%m-%d").to_string();
        let y = d.year();
        if (1900..=2200).contains(&y) {
            assert_eq!(parse_date(&Value::Text(iso.clone()), None), Ok(d), "{iso} from {v:?} does not read back");
        }
        let from_year = year == Some(y);
        match &v {
            Value::Text(_) => assert!(
                (1900..=2200).contains(&y) || from_year,
                "text {v:?} (year {year:?}) gave {iso}"
            ),
            Value::Number(_) => assert!(
                (1900..=9999).contains(&y) || from_year,
                "number {v:?} (year {year:?}) gave {iso}"
            ),
            _ => {}
        }
        // `2024-03-05`, `2024/3/5`, `2024.03.05`: the date is exactly the three numbers.
        if let Value::Text(s) = &v {
            let runs: Vec<&str> = s.split(['-', '/', '.']).collect();
            if runs.len() == 3
                && runs[0].len() == 4
                && runs.iter().all(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
                && [s.contains('-'), s.contains('/'), s.contains('.')].iter().filter(|x| **x).count() == 1
            {
                let n: Vec<u128> = runs.iter().map(|r| r.parse::<u128>().unwrap_or(u128::MAX)).collect();
                let got = [y as u128, u128::from(d.month()), u128::from(d.day())];
                assert_eq!(n, got, "{s:?} read as {iso}");
            }
        }
    }

    // parse_count: deterministic; plain digits up to a million are taken as they are.
    let count = parse_count(&v);
    assert_eq!(count, parse_count(&v));
    if let Value::Text(s) = &v
        && !s.is_empty()
        && s.len() <= 7
        && s.bytes().all(|b| b.is_ascii_digit())
    {
        let n: u32 = s.parse().unwrap();
        if n <= 1_000_000 {
            assert_eq!(count, Ok(Some(n)), "{s:?}");
        }
    }
    if let Value::Number(n) = v
        && n.fract() == 0.0
        && (0.0..=1e6).contains(&n)
    {
        assert_eq!(count, Ok(Some(n as u32)), "{n}");
    }

    // split_names: no empty name, no name holding a separator or whitespace.
    for name in split_names(&v) {
        assert!(!name.is_empty(), "empty name from {v:?}");
        assert!(
            !name.chars().any(|c| "、,;，；/|".contains(c) || c.is_whitespace()),
            "name {name:?} from {v:?} holds a separator"
        );
    }
});
