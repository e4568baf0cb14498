//! Byte searches, a word at a time (SWAR): `wasm32-unknown-unknown` has no SIMD by default
//! and the crate takes no dependencies, so this stands in for `memchr`.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of the result is set where `v` has a zero byte; the lowest set bit is
/// exact (higher ones may be false positives from the borrow), which is all `find` uses.
#[inline(always)]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(LO) & !v & HI
}

#[inline(always)]
fn load(hay: &[u8], i: usize) -> u64 {
    debug_assert!(i + 8 <= hay.len());
    // SAFETY: callers keep `i + 8 <= hay.len()`.
    u64::from_le(unsafe { core::ptr::read_unaligned(hay.as_ptr().add(i) as *const u64) })
}

/// Index of the first `needle` in `hay`.
#[inline]
pub fn find(needle: u8, hay: &[u8]) -> Option<usize> {
    let rep = LO.wrapping_mul(needle as u64);
    let mut i = 0;
    // Four words a round: one branch per 32 bytes while nothing matches.
    while i + 32 <= hay.len() {
        let (a, b, c, d) = (load(hay, i) ^ rep, load(hay, i + 8) ^ rep, load(hay, i + 16) ^ rep, load(hay, i + 24) ^ rep);
        if (zero_bytes(a) | zero_bytes(b) | zero_bytes(c) | zero_bytes(d)) != 0 {
            break;
        }
        i += 32;
    }
    while i + 8 <= hay.len() {
        let z = zero_bytes(load(hay, i) ^ rep);
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while i < hay.len() {
        if hay[i] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Index of the first `a` or `b` in `hay`.
#[inline]
pub fn find2(a: u8, b: u8, hay: &[u8]) -> Option<usize> {
    let (ra, rb) = (LO.wrapping_mul(a as u64), LO.wrapping_mul(b as u64));
    let mut i = 0;
    while i + 8 <= hay.len() {
        let w = load(hay, i);
        let z = zero_bytes(w ^ ra) | zero_bytes(w ^ rb);
        if z != 0 {
            // Either half's lowest bit is exact, so the lowest of the union is too.
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while i < hay.len() {
        if hay[i] == a || hay[i] == b {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Index of the first occurrence of `needle` (non-empty) in `hay`, ASCII case-insensitively
/// when `fold` is set (then `needle` must be lowercase).
pub fn find_str(needle: &[u8], hay: &[u8], fold: bool) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    loop {
        let rest = hay.get(from..)?;
        let i = if fold && first.is_ascii_alphabetic() {
            find2(first, first.to_ascii_uppercase(), rest)?
        } else {
            find(first, rest)?
        };
        let at = from + i;
        let cand = hay.get(at..at + needle.len())?;
        let same = if fold { cand.eq_ignore_ascii_case(needle) } else { cand == needle };
        if same {
            return Some(at);
        }
        from = at + 1;
    }
}

/// Byte classes for the tokenizer's scanning loops.
pub const WS: u8 = 1;
/// Ends an attribute name: whitespace, `/`, `>`, `=`.
pub const NAME_END: u8 = 2;
/// Ends an unquoted attribute value or a tag name: whitespace, `>` (and `/` for names).
pub const VALUE_END: u8 = 4;
pub const TAG_NAME_END: u8 = 8;

const fn classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let ws = [b'\t', b'\n', b'\x0c', b'\r', b' '];
    let mut i = 0;
    while i < ws.len() {
        t[ws[i] as usize] = WS | NAME_END | VALUE_END | TAG_NAME_END;
        i += 1;
    }
    t[b'/' as usize] = NAME_END | TAG_NAME_END;
    t[b'>' as usize] = NAME_END | VALUE_END | TAG_NAME_END;
    t[b'=' as usize] = NAME_END;
    t
}

pub static CLASS: [u8; 256] = classes();

/// HTML's ASCII whitespace (tab, LF, FF, CR, space).
#[inline(always)]
pub fn is_ws(b: u8) -> bool {
    CLASS[b as usize] & WS != 0
}

/// The index of the first byte at or after `from` in class `class`, or `hay.len()`.
#[inline(always)]
pub fn until(hay: &[u8], mut from: usize, class: u8) -> usize {
    while from < hay.len() && CLASS[hay[from] as usize] & class == 0 {
        from += 1;
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_matches_naive_search() {
        let hay: Vec<u8> = (0..300u32).map(|i| (i * 37 % 251) as u8).collect();
        for start in 0..40 {
            for needle in [0u8, 1, 60, 128, 200, 255] {
                let h = &hay[start..];
                assert_eq!(find(needle, h), h.iter().position(|&b| b == needle));
                assert_eq!(find2(needle, 7, h), h.iter().position(|&b| b == needle || b == 7));
            }
        }
    }

    #[test]
    fn find_sees_needle_after_a_zero_borrow() {
        // 0x01 right after the match byte is where naive SWAR variants report a false hit.
        let hay = [b'a', b'a', 0x3c, 0x3d, b'a', b'a', b'a', b'a', b'a'];
        assert_eq!(find(0x3c, &hay), Some(2));
        assert_eq!(find(0x3d, &hay), Some(3));
    }

    #[test]
    fn find_str_folds_case() {
        assert_eq!(find_str(b"</script", b"x</SCRipt>", true), Some(1));
        assert_eq!(find_str(b"</script", b"x</SCRipt>", false), None);
        assert_eq!(find_str(b"ab", b"a", false), None);
    }
}
