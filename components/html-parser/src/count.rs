//! Download counts as GitHub writes them: exact ("1234", "1,234,567") and rounded for
//! display ("950", "1.2K", "123M", "2.4B").

use crate::ParseError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountError {
    /// Not a count at all.
    Invalid,
    /// More than `u64::MAX`.
    Overflow,
}

/// The parse error of a count (`what`, read as `value`) that is not one.
pub fn bad_count(e: CountError, what: &str, value: &str) -> ParseError {
    match e {
        CountError::Overflow => ParseError::BadValue(format!("{} \"{}\" overflows 64 bits", what, value)),
        CountError::Invalid => ParseError::BadValue(format!("{} \"{}\" is not a count", what, value)),
    }
}

/// A rounded display value expanded: `value` is what it says, `step` the size of its last
/// digit (the true count lies within one step of `value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approx {
    pub value: u64,
    pub step: u64,
}

impl Approx {
    /// Whether an exact count could have been displayed as this.
    pub fn admits(&self, exact: u64) -> bool {
        self.value.abs_diff(exact) < self.step
    }
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Digits, optionally grouped by commas in threes: "1234", "1,234", "12,345,678".
fn digits_grouped(s: &str) -> Result<u64, CountError> {
    let b = s.as_bytes();
    if b.is_empty() || b[0] == b',' || b[b.len() - 1] == b',' {
        return Err(CountError::Invalid);
    }
    if b.contains(&b',') {
        let mut groups = s.split(',');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || groups.clone().any(|g| g.len() != 3) {
            return Err(CountError::Invalid);
        }
    }
    let mut n: u64 = 0;
    for &c in b {
        if c == b',' {
            continue;
        }
        if !c.is_ascii_digit() {
            return Err(CountError::Invalid);
        }
        n = n.checked_mul(10).and_then(|n| n.checked_add((c - b'0') as u64)).ok_or(CountError::Overflow)?;
    }
    Ok(n)
}

/// An exact count: "1234" or "1,234,567" (surrounding whitespace allowed).
pub fn parse_exact(s: &str) -> Result<u64, CountError> {
    digits_grouped(trim(s))
}

/// A display value: an exact count or a decimal with a K/M/B/T suffix ("1.2M").
pub fn parse_display(s: &str) -> Result<Approx, CountError> {
    let s = trim(s);
    let unit: u64 = match s.as_bytes().last() {
        Some(b'k') | Some(b'K') => 1_000,
        Some(b'm') | Some(b'M') => 1_000_000,
        Some(b'b') | Some(b'B') => 1_000_000_000,
        Some(b't') | Some(b'T') => 1_000_000_000_000,
        _ => return parse_exact(s).map(|value| Approx { value, step: 1 }),
    };
    let number = &s[..s.len() - 1];
    let (whole, frac) = match number.split_once('.') {
        Some((_, "")) => return Err(CountError::Invalid),
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if !frac.bytes().all(|c| c.is_ascii_digit()) || frac.len() > 12 {
        return Err(CountError::Invalid);
    }
    let scale = 10u64.pow(frac.len() as u32);
    if unit % scale != 0 {
        // More decimals than the unit has digits: not a count.
        return Err(CountError::Invalid);
    }
    let step = unit / scale;
    let frac_value = if frac.is_empty() { 0 } else { digits_grouped(frac)? };
    let value = digits_grouped(whole)?
        .checked_mul(unit)
        .and_then(|w| w.checked_add(frac_value * step))
        .ok_or(CountError::Overflow)?;
    Ok(Approx { value, step })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact() {
        assert_eq!(parse_exact("0"), Ok(0));
        assert_eq!(parse_exact(" 27182818284\n"), Ok(27_182_818_284));
        assert_eq!(parse_exact("1,234,567"), Ok(1_234_567));
        assert_eq!(parse_exact("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_exact("18446744073709551616"), Err(CountError::Overflow));
        assert_eq!(parse_exact("18,446,744,073,709,551,616"), Err(CountError::Overflow));
    }

    #[test]
    fn exact_rejects_non_counts() {
        for s in ["", " ", "1,23", "1234,567", ",123", "123,", "1,,234", "12a", "-1", "+1", "1.5", "1 234", "１２"] {
            assert_eq!(parse_exact(s), Err(CountError::Invalid), "{:?}", s);
        }
    }

    #[test]
    fn display() {
        assert_eq!(parse_display("950"), Ok(Approx { value: 950, step: 1 }));
        assert_eq!(parse_display("1.2K"), Ok(Approx { value: 1_200, step: 100 }));
        assert_eq!(parse_display("123M"), Ok(Approx { value: 123_000_000, step: 1_000_000 }));
        assert_eq!(parse_display("27.1B"), Ok(Approx { value: 27_100_000_000, step: 100_000_000 }));
        assert_eq!(parse_display("2.45t"), Ok(Approx { value: 2_450_000_000_000, step: 10_000_000_000 }));
        assert_eq!(parse_display("1,234"), Ok(Approx { value: 1_234, step: 1 }));
        assert_eq!(parse_display("99999999999T"), Err(CountError::Overflow));
    }

    #[test]
    fn display_rejects_non_counts() {
        for s in ["", "K", ".5K", "1.K", "1.2345K", "1.2", "1.2X", "M1", "1..2M", "1.-2M", "12 M"] {
            assert!(parse_display(s).is_err(), "{:?}", s);
        }
    }

    #[test]
    fn admits() {
        let a = parse_display("1.2M").unwrap();
        assert!(a.admits(1_234_567));
        assert!(a.admits(1_150_001));
        assert!(!a.admits(1_300_000));
        assert!(!a.admits(999));
        assert!(parse_display("27.1B").unwrap().admits(27_182_818_284));
    }
}
