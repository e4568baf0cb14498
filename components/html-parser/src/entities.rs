//! Character references (WHATWG "character reference state"): numeric ones in full, named
//! ones for the set that occurs in pages like GitHub's, including the legacy names that
//! still decode without a `;`. A name outside the set is left as written.

use std::borrow::Cow;

/// (name, expansion, decodes without `;`), sorted by name for binary search. Every name of
/// the spec's table that begins with a legacy name here is here too (`notin`, `ltimes`,
/// `copysr`...): the spec reads the longest name, and without them `&notin;` would read as
/// `&not` and the letters `in;`.
static NAMED: &[(&str, &str, bool)] = &[
    ("AMP", "&", true),
    ("Aacute", "\u{c1}", true),
    ("Agrave", "\u{c0}", true),
    ("Auml", "\u{c4}", true),
    ("COPY", "\u{a9}", true),
    ("Eacute", "\u{c9}", true),
    ("GT", ">", true),
    ("LT", "<", true),
    ("Ouml", "\u{d6}", true),
    ("QUOT", "\"", true),
    ("REG", "\u{ae}", true),
    ("Uuml", "\u{dc}", true),
    ("aacute", "\u{e1}", true),
    ("acute", "\u{b4}", true),
    ("agrave", "\u{e0}", true),
    ("amp", "&", true),
    ("apos", "'", false),
    ("auml", "\u{e4}", true),
    ("bull", "\u{2022}", false),
    ("cent", "\u{a2}", true),
    ("centerdot", "\u{b7}", false),
    ("check", "\u{2713}", false),
    ("colon", ":", false),
    ("comma", ",", false),
    ("copy", "\u{a9}", true),
    ("copysr", "\u{2117}", false),
    ("darr", "\u{2193}", false),
    ("deg", "\u{b0}", true),
    ("divide", "\u{f7}", true),
    ("divideontimes", "\u{22c7}", false),
    ("dollar", "$", false),
    ("eacute", "\u{e9}", true),
    ("egrave", "\u{e8}", true),
    ("emsp", "\u{2003}", false),
    ("ensp", "\u{2002}", false),
    ("equals", "=", false),
    ("euro", "\u{20ac}", false),
    ("excl", "!", false),
    ("frac12", "\u{bd}", true),
    ("frac14", "\u{bc}", true),
    ("frac34", "\u{be}", true),
    ("gt", ">", true),
    ("gtcc", "\u{2aa7}", false),
    ("gtcir", "\u{2a7a}", false),
    ("gtdot", "\u{22d7}", false),
    ("gtlPar", "\u{2995}", false),
    ("gtquest", "\u{2a7c}", false),
    ("gtrapprox", "\u{2a86}", false),
    ("gtrarr", "\u{2978}", false),
    ("gtrdot", "\u{22d7}", false),
    ("gtreqless", "\u{22db}", false),
    ("gtreqqless", "\u{2a8c}", false),
    ("gtrless", "\u{2277}", false),
    ("gtrsim", "\u{2273}", false),
    ("hellip", "\u{2026}", false),
    ("hyphen", "\u{2010}", false),
    ("iexcl", "\u{a1}", true),
    ("iquest", "\u{bf}", true),
    ("laquo", "\u{ab}", true),
    ("larr", "\u{2190}", false),
    ("lbrack", "[", false),
    ("ldquo", "\u{201c}", false),
    ("lowbar", "_", false),
    ("lpar", "(", false),
    ("lsaquo", "\u{2039}", false),
    ("lsquo", "\u{2018}", false),
    ("lt", "<", true),
    ("ltcc", "\u{2aa6}", false),
    ("ltcir", "\u{2a79}", false),
    ("ltdot", "\u{22d6}", false),
    ("lthree", "\u{22cb}", false),
    ("ltimes", "\u{22c9}", false),
    ("ltlarr", "\u{2976}", false),
    ("ltquest", "\u{2a7b}", false),
    ("ltrPar", "\u{2996}", false),
    ("ltri", "\u{25c3}", false),
    ("ltrie", "\u{22b4}", false),
    ("ltrif", "\u{25c2}", false),
    ("mdash", "\u{2014}", false),
    ("micro", "\u{b5}", true),
    ("middot", "\u{b7}", true),
    ("minus", "\u{2212}", false),
    ("nbsp", "\u{a0}", true),
    ("ndash", "\u{2013}", false),
    ("not", "\u{ac}", true),
    ("notin", "\u{2209}", false),
    ("notinE", "\u{22f9}\u{338}", false),
    ("notindot", "\u{22f5}\u{338}", false),
    ("notinva", "\u{2209}", false),
    ("notinvb", "\u{22f7}", false),
    ("notinvc", "\u{22f6}", false),
    ("notni", "\u{220c}", false),
    ("notniva", "\u{220c}", false),
    ("notnivb", "\u{22fe}", false),
    ("notnivc", "\u{22fd}", false),
    ("ntilde", "\u{f1}", true),
    ("num", "#", false),
    ("ouml", "\u{f6}", true),
    ("para", "\u{b6}", true),
    ("parallel", "\u{2225}", false),
    ("percnt", "%", false),
    ("period", ".", false),
    ("plus", "+", false),
    ("plusmn", "\u{b1}", true),
    ("pound", "\u{a3}", true),
    ("quest", "?", false),
    ("quot", "\"", true),
    ("raquo", "\u{bb}", true),
    ("rarr", "\u{2192}", false),
    ("rbrack", "]", false),
    ("rdquo", "\u{201d}", false),
    ("reg", "\u{ae}", true),
    ("rpar", ")", false),
    ("rsaquo", "\u{203a}", false),
    ("rsquo", "\u{2019}", false),
    ("sect", "\u{a7}", true),
    ("semi", ";", false),
    ("shy", "\u{ad}", true),
    ("sol", "/", false),
    ("star", "\u{2606}", false),
    ("szlig", "\u{df}", true),
    ("thinsp", "\u{2009}", false),
    ("times", "\u{d7}", true),
    ("timesb", "\u{22a0}", false),
    ("timesbar", "\u{2a31}", false),
    ("timesd", "\u{2a30}", false),
    ("trade", "\u{2122}", false),
    ("uarr", "\u{2191}", false),
    ("uuml", "\u{fc}", true),
    ("yen", "\u{a5}", true),
    ("zwj", "\u{200d}", false),
    ("zwnj", "\u{200c}", false),
];

/// Windows-1252 for the C1 range, as the spec maps `&#128;`..`&#159;`.
static C1: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
    0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0x9D, 0x017E, 0x0178,
];

fn lookup(name: &str) -> Option<(&'static str, bool)> {
    NAMED.binary_search_by(|e| e.0.cmp(name)).ok().map(|i| (NAMED[i].1, NAMED[i].2))
}

/// Whether `name` (without `&` and `;`) is in the table, and if so whether it decodes without
/// a `;`.
#[cfg(test)]
pub(crate) fn known(name: &str) -> Option<bool> {
    lookup(name).map(|(_, legacy)| legacy)
}

/// Decodes character references in text (`in_attr == false`) or an attribute value. Borrows
/// when there is nothing to decode.
pub fn decode(s: &str, in_attr: bool) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut amp = match crate::bytes::find(b'&', b) {
        Some(i) => i,
        None => return Cow::Borrowed(s),
    };
    let mut out = String::with_capacity(s.len());
    let mut done = 0; // bytes of `s` already copied or decoded
    loop {
        if let Some((len, ch)) = reference(&s[amp..], in_attr) {
            out.push_str(&s[done..amp]);
            ch.push_to(&mut out);
            done = amp + len;
        }
        let from = if done > amp { done } else { amp + 1 };
        match b.get(from..).and_then(|r| crate::bytes::find(b'&', r)) {
            Some(i) => amp = from + i,
            None => break,
        }
    }
    out.push_str(&s[done..]);
    Cow::Owned(out)
}

enum Expansion {
    Char(char),
    Str(&'static str),
}

impl Expansion {
    fn push_to(&self, out: &mut String) {
        match self {
            Expansion::Char(c) => out.push(*c),
            Expansion::Str(s) => out.push_str(s),
        }
    }
}

/// The reference at the start of `s` (which begins with `&`): its length and expansion.
fn reference(s: &str, in_attr: bool) -> Option<(usize, Expansion)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        return numeric(b);
    }
    let run = b[1..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if run == 0 {
        return None;
    }
    let name = &s[1..1 + run];
    if b.get(1 + run) == Some(&b';') {
        if let Some((v, _)) = lookup(name) {
            return Some((run + 2, Expansion::Str(v)));
        }
    }
    // Without `;`: the longest legacy name that prefixes the run ("&notin" -> "¬in").
    for len in (2..=run.min(6)).rev() {
        if let Some((v, true)) = lookup(&name[..len]) {
            let next = b.get(1 + len).copied();
            // In attributes a legacy name followed by `=` or an alphanumeric stays as written
            // (query strings like `?a=1&copy=2`).
            if in_attr && len < run {
                return None;
            }
            if in_attr && next == Some(b'=') {
                return None;
            }
            return Some((len + 1, Expansion::Str(v)));
        }
    }
    None
}

fn numeric(b: &[u8]) -> Option<(usize, Expansion)> {
    let hex = matches!(b.get(2), Some(b'x') | Some(b'X'));
    let start = if hex { 3 } else { 2 };
    let radix = if hex { 16 } else { 10 };
    let mut value: u32 = 0;
    let mut i = start;
    while let Some(d) = b.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        // Saturate: anything past U+10FFFF is replaced the same way.
        value = value.saturating_mul(radix).saturating_add(d).min(0x11_0000);
        i += 1;
    }
    if i == start {
        return None;
    }
    if b.get(i) == Some(&b';') {
        i += 1;
    }
    let cp = match value {
        0 | 0xD800..=0xDFFF | 0x11_0000..=u32::MAX => 0xFFFD,
        0x80..=0x9F => C1[(value - 0x80) as usize],
        v => v,
    };
    Some((i, Expansion::Char(char::from_u32(cp).unwrap_or('\u{FFFD}'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(NAMED.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn borrows_when_plain() {
        assert!(matches!(decode("no refs here", false), Cow::Borrowed(_)));
    }

    #[test]
    fn named_and_numeric() {
        assert_eq!(decode("a &amp; b &lt;&gt; &quot;x&quot; &apos;&#39;&#x27;", false), "a & b <> \"x\" '''");
        assert_eq!(decode("1&#44;234&comma;567", true), "1,234,567");
        assert_eq!(decode("&nbsp;&copy;&mdash;&hellip;", false), "\u{a0}\u{a9}\u{2014}\u{2026}");
        assert_eq!(decode("&#X41;&#x1F600;&#128;", false), "A\u{1F600}\u{20AC}");
    }

    #[test]
    fn invalid_numbers_become_replacement_chars() {
        assert_eq!(decode("&#0;&#xD800;&#99999999999999;", false), "\u{FFFD}\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn not_references() {
        assert_eq!(decode("&; & &# &#x; &bogus; &", false), "&; & &# &#x; &bogus; &");
    }

    #[test]
    fn legacy_names_without_semicolon() {
        assert_eq!(decode("&amp &copy2026 &notit", false), "& \u{a9}2026 \u{ac}it");
        // The longest name wins: `&notin;` is not `&not` and `in;`.
        assert_eq!(decode("&notin; &notin &ltimes;", false), "\u{2209} \u{ac}in \u{22c9}");
        // Attribute values keep `&name=` and `&nameX` as written.
        assert_eq!(decode("?a=1&copy=2&ampx&amp", true), "?a=1&copy=2&ampx&");
        assert_eq!(decode("/p?page=2&amp;q=1", true), "/p?page=2&q=1");
    }
}
