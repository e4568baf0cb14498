//! The tokenizer against html5lib-tests' tokenizer cases (`tests/html5lib/tokenizer/`, the
//! upstream files unchanged): each case is run once per initial state it names, from that
//! state, and its tokens are compared with the expected ones. Character data is decoded as
//! the crate's readers decode it (`entities::decode`: text and RCDATA as text, attribute values
//! as attribute values); names are compared lowercased (the crate keeps them as written and
//! compares them ASCII-case-insensitively); duplicate attributes keep the first, as
//! `Tag::raw_attr` does; parse errors are not compared (the crate reports none); input is
//! preprocessed (CR LF and CR to LF), as the test format asks of the harness.
//!
//! `excluded` says which cases do not apply and why, `harmless` which differences are allowed
//! and why; the counts are asserted, so that a change in what is checked shows.

use super::{RawKind, Token, Tokenizer};
use crate::entities;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

// A JSON reader, enough for the test files (the crate takes no dependencies, not even for tests).

#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Num,
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(kv) => kv.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }

    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }
}

struct JsonReader<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonReader<'_> {
    fn parse(text: &str) -> Json {
        let mut r = JsonReader { b: text.as_bytes(), i: 0 };
        let v = r.value();
        r.ws();
        assert_eq!(r.i, r.b.len(), "trailing bytes after the JSON value");
        v
    }

    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.b[self.i], c, "JSON: expected {:?} at byte {}", c as char, self.i);
        self.i += 1;
    }

    /// After `[` or `{` and each item: whether another item follows.
    fn more(&mut self, close: u8) -> bool {
        self.ws();
        match self.b[self.i] {
            b',' => {
                self.i += 1;
                true
            }
            c if c == close => {
                self.i += 1;
                false
            }
            c => panic!("JSON: unexpected {:?} at byte {}", c as char, self.i),
        }
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.b[self.i] {
            b'{' => {
                self.i += 1;
                let mut kv = Vec::new();
                self.ws();
                if self.b[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(kv);
                }
                loop {
                    self.ws();
                    let k = self.string();
                    self.eat(b':');
                    kv.push((k, self.value()));
                    if !self.more(b'}') {
                        return Json::Obj(kv);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(items);
                }
                loop {
                    items.push(self.value());
                    if !self.more(b']') {
                        return Json::Arr(items);
                    }
                }
            }
            b'"' => Json::Str(self.string()),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'n' => self.word("null", Json::Null),
            _ => {
                while matches!(self.b.get(self.i), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    self.i += 1;
                }
                Json::Num
            }
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Json {
        assert!(self.b[self.i..].starts_with(w.as_bytes()));
        self.i += w.len();
        v
    }

    fn hex4(&mut self) -> u32 {
        let h = std::str::from_utf8(&self.b[self.i..self.i + 4]).unwrap();
        self.i += 4;
        u32::from_str_radix(h, 16).expect("JSON: bad \\u escape")
    }

    fn string(&mut self) -> String {
        assert_eq!(self.b[self.i], b'"');
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return out;
                }
                b'\\' => {
                    let e = self.b[self.i + 1];
                    self.i += 2;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let u = self.hex4();
                            let u = if (0xD800..0xDC00).contains(&u) && self.b[self.i..].starts_with(b"\\u") {
                                self.i += 2;
                                0x10000 + ((u - 0xD800) << 10) + (self.hex4() - 0xDC00)
                            } else {
                                u
                            };
                            char::from_u32(u).expect("JSON: a lone surrogate")
                        }
                        c => panic!("JSON: bad escape \\{}", c as char),
                    });
                }
                _ => {
                    let start = self.i;
                    while !matches!(self.b[self.i], b'"' | b'\\') {
                        self.i += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.b[start..self.i]).unwrap());
                }
            }
        }
    }
}

/// The second unescaping of `doubleEscaped` cases (`\uHHHH`); `None` where it makes a lone
/// surrogate, which no `str` holds.
fn unescape(s: &str) -> Option<String> {
    let mut units: Vec<u16> = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find("\\u") {
        units.extend(rest[..at].encode_utf16());
        units.push(u16::from_str_radix(&rest[at + 2..at + 6], 16).unwrap());
        rest = &rest[at + 6..];
    }
    units.extend(rest.encode_utf16());
    String::from_utf16(&units).ok()
}

// The tokens, as the tests write them.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// Compared as a token only: the crate hands a doctype's source to nobody.
    Doctype,
    Start { name: String, attrs: Vec<(String, String)>, self_closing: bool },
    End(String),
    Comment(String),
    Chars(String),
}

pub(super) fn push(out: &mut Vec<Tok>, t: Tok) {
    if let Tok::Chars(s) = &t {
        if s.is_empty() {
            return;
        }
        if let Some(Tok::Chars(prev)) = out.last_mut() {
            prev.push_str(s);
            return;
        }
    }
    out.push(t);
}

fn expected(output: &Json, double_escaped: bool) -> Option<Vec<Tok>> {
    let s = |j: &Json| if double_escaped { unescape(j.str()) } else { Some(j.str().to_string()) };
    let mut out = Vec::new();
    for t in output.arr() {
        let t = t.arr();
        let tok = match t[0].str() {
            "DOCTYPE" => Tok::Doctype,
            "StartTag" => {
                let mut attrs = Vec::new();
                if let Json::Obj(kv) = &t[2] {
                    for (k, v) in kv {
                        attrs.push((if double_escaped { unescape(k)? } else { k.clone() }, s(v)?));
                    }
                }
                attrs.sort();
                Tok::Start { name: s(&t[1])?, attrs, self_closing: matches!(t.get(3), Some(Json::Bool(true))) }
            }
            "EndTag" => Tok::End(s(&t[1])?),
            "Comment" => Tok::Comment(s(&t[1])?),
            "Character" => Tok::Chars(s(&t[1])?),
            other => panic!("unknown token {other}"),
        };
        push(&mut out, tok);
    }
    Some(out)
}

// The cases.

const FILES: [&str; 14] = [
    "contentModelFlags.test",
    "domjs.test",
    "entities.test",
    "escapeFlag.test",
    "namedEntities.test",
    "numericEntities.test",
    "pendingSpecChanges.test",
    "test1.test",
    "test2.test",
    "test3.test",
    "test4.test",
    "unicodeChars.test",
    "unicodeCharsProblematic.test",
    "xmlViolation.test",
];

struct Case {
    file: &'static str,
    description: String,
    state: String,
    last_start_tag: Option<String>,
    /// `None` where the input is not a `str` (a lone surrogate).
    input: Option<String>,
    output: Option<Vec<Tok>>,
}

impl Case {
    fn name(&self) -> String {
        format!("{}: {:?} in the {}", self.file, self.description, self.state)
    }
}

fn read(file: &str) -> Json {
    let path = format!("{}/tests/html5lib/tokenizer/{file}", env!("CARGO_MANIFEST_DIR"));
    JsonReader::parse(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for file in FILES {
        let json = read(file);
        let tests = json.get("tests").or_else(|| json.get("xmlViolationTests")).expect("no tests");
        for t in tests.arr() {
            let double = matches!(t.get("doubleEscaped"), Some(Json::Bool(true)));
            let input = t.get("input").unwrap().str();
            let input = if double { unescape(input) } else { Some(input.to_string()) };
            let states: Vec<String> = match t.get("initialStates") {
                Some(s) => s.arr().iter().map(|s| s.str().to_string()).collect(),
                None => vec!["Data state".to_string()],
            };
            for state in states {
                out.push(Case {
                    file,
                    description: t.get("description").unwrap().str().to_string(),
                    state,
                    last_start_tag: t.get("lastStartTag").map(|s| s.str().to_string()),
                    input: input.clone(),
                    output: expected(t.get("output").unwrap(), double),
                });
            }
        }
    }
    out
}

/// The spec's named references, from namedEntities.test (one case per name, with and
/// without `;`): name (with its `;` where it needs one) -> expansion.
pub(super) fn spec_table() -> HashMap<String, String> {
    let mut table = HashMap::new();
    let json = read("namedEntities.test");
    for t in json.get("tests").unwrap().arr() {
        let input = t.get("input").unwrap().str();
        let name = &input[1..];
        let output = expected(t.get("output").unwrap(), false).unwrap();
        if let [Tok::Chars(s)] = &output[..] {
            if s != input && name.trim_end_matches(';').bytes().all(|c| c.is_ascii_alphanumeric()) {
                table.insert(name.to_string(), s.clone());
            }
        }
    }
    assert_eq!(table.len(), 2231, "the spec has 2231 names (2125 with `;`, 106 also without)");
    table
}

/// The reference the spec reads at `s` (after an `&`): (name, whether with `;`).
pub(super) fn spec_match<'s>(s: &'s str, table: &HashMap<String, String>) -> Option<(&'s str, bool)> {
    let run = s.bytes().take_while(|c| c.is_ascii_alphanumeric()).count();
    if s.as_bytes().get(run) == Some(&b';') && table.contains_key(&s[..run + 1]) {
        return Some((&s[..run], true));
    }
    (1..=run).rev().map(|len| &s[..len]).find(|name| table.contains_key(*name)).map(|name| (name, false))
}

// Why a case does not apply.

pub(super) type Rule = (&'static str, &'static str);

const NOT_TOKENIZING: Rule = ("xml-infoset", "xmlViolation.test expects tokens coerced to an XML infoset, which is not tokenizing");
const NOT_A_STR: Rule = ("lone-surrogate", "a lone surrogate in the input: no `str` holds one, and the crate reads `str`s");
const SWITCHES_STATE: Rule = ("tree-builder-switch", "a start tag the crate switches state at (a raw-text element, svg, math): the tests \
     run the tokenizer without a tree builder, the crate switches as a tree builder would");
const UNKNOWN_REFERENCE: Rule = ("unknown-reference", "a named reference the crate's table does not have (entities.rs: the names pages \
     like GitHub's use), which it leaves as written");

/// Start tags after which the crate's tokenizer is in another state (`RAW_TEXT`, and the
/// foreign elements that allow CDATA).
fn switches(name: &str) -> bool {
    super::RAW_TEXT.contains(&name) || name == "svg" || name == "math"
}

fn excluded(case: &Case, table: &HashMap<String, String>) -> Option<Rule> {
    if case.file == "xmlViolation.test" {
        return Some(NOT_TOKENIZING);
    }
    let (input, output) = match (&case.input, &case.output) {
        (Some(i), Some(o)) => (i, o),
        _ => return Some(NOT_A_STR),
    };
    if output.iter().any(|t| matches!(t, Tok::Start { name, .. } if switches(name))) {
        return Some(SWITCHES_STATE);
    }
    if unknown_reference(input, table) {
        return Some(UNKNOWN_REFERENCE);
    }
    None
}

/// Whether `input` has an `&` where the spec reads a name the crate's table does not have.
pub(super) fn unknown_reference(input: &str, table: &HashMap<String, String>) -> bool {
    input.match_indices('&').any(|(at, _)| match spec_match(&input[at + 1..], table) {
        Some((name, true)) => entities::known(name).is_none(),
        Some((name, false)) => entities::known(name) != Some(true),
        None => false,
    })
}

// Running one.

fn run(case: &Case) -> Vec<Tok> {
    let input = case.input.as_deref().unwrap().replace("\r\n", "\n").replace('\r', "\n");
    let end: Option<&'static str> = case.last_start_tag.clone().map(|s| &*Box::leak(s.into_boxed_str()));
    let (kind, rcdata) = match case.state.as_str() {
        "Data state" => (None, false),
        "RCDATA state" => (Some(RawKind::Text), true),
        "RAWTEXT state" => (Some(RawKind::Text), false),
        "Script data state" => (Some(RawKind::Script), false),
        "PLAINTEXT state" => (Some(RawKind::Plaintext), false),
        "CDATA section state" => (Some(RawKind::Cdata), false),
        other => panic!("unknown initial state {other}"),
    };
    let tokens = match kind {
        None => Tokenizer::new(&input),
        Some(kind) => Tokenizer::in_raw(&input, kind, end),
    };
    tokens_of(tokens, rcdata)
}

/// The crate's tokens as the tests write them, decoded where its readers decode: text as
/// text, attribute values as attribute values, and RCDATA (`title`, `textarea`, or the
/// content the run starts in when `rcdata`) as text.
pub(super) fn tokens_of(tokens: Tokenizer<'_>, mut rcdata: bool) -> Vec<Tok> {
    let mut out = Vec::new();
    // As the tokenizer counts them: inside svg or math, `title` is no RCDATA.
    let mut foreign = 0u32;
    for t in tokens {
        let tok = match t {
            Token::Text(s) => Tok::Chars(entities::decode(s, false).into_owned()),
            Token::RawText(s) if rcdata => Tok::Chars(entities::decode(s, false).into_owned()),
            Token::RawText(s) => Tok::Chars(s.to_string()),
            Token::StartTag(tag) => {
                let mut attrs: Vec<(String, String)> = Vec::new();
                for a in tag.attrs() {
                    let name = a.name.to_ascii_lowercase();
                    if !attrs.iter().any(|(n, _)| *n == name) {
                        attrs.push((name, a.value().into_owned()));
                    }
                }
                attrs.sort();
                Tok::Start { name: tag.name.to_ascii_lowercase(), attrs, self_closing: tag.self_closing }
            }
            Token::EndTag(name) => Tok::End(name.to_ascii_lowercase()),
            Token::Comment(s) => Tok::Comment(s.to_string()),
            Token::Doctype(_) => Tok::Doctype,
        };
        rcdata = false;
        if let Tok::Start { name, self_closing, .. } = &tok {
            if name == "svg" || name == "math" {
                foreign += u32::from(!self_closing);
            } else {
                rcdata = foreign == 0 && (name == "title" || name == "textarea");
            }
        }
        if let Tok::End(name) = &tok {
            if foreign > 0 && (name == "svg" || name == "math") {
                foreign -= 1;
            }
        }
        push(&mut out, tok);
    }
    out
}

// Differences that cannot change what the crate's readers see.

/// The spec replaces U+0000 by U+FFFD everywhere but in data and CDATA; the crate hands out
/// text as written. A NUL or a U+FFFD reads as neither a digit nor a label's letter.
const NUL: Rule = ("nul", "U+0000 where the spec has U+FFFD: the crate does not replace it, and a reader \
     compares digits and labels, which neither is");
/// The crate keeps the `-`, `--` or `--!` before the end of input in an unclosed comment,
/// which the spec drops.
const COMMENT_TEXT: Rule = ("comment-text", "the text of a comment the end of input cuts: no reader sees comments \
     (content.rs drops them), only where they end, which is compared");

fn map_strings(toks: &[Tok], f: &dyn Fn(&str) -> String) -> Vec<Tok> {
    toks.iter()
        .map(|t| match t {
            Tok::Start { name, attrs, self_closing } => {
                let mut attrs: Vec<_> = attrs.iter().map(|(k, v)| (f(k), f(v))).collect();
                attrs.sort();
                Tok::Start { name: f(name), attrs, self_closing: *self_closing }
            }
            Tok::End(n) => Tok::End(f(n)),
            Tok::Comment(s) => Tok::Comment(f(s)),
            Tok::Chars(s) => Tok::Chars(f(s)),
            Tok::Doctype => Tok::Doctype,
        })
        .collect()
}

fn without_nul(toks: &[Tok]) -> Vec<Tok> {
    map_strings(toks, &|s| s.replace('\0', "\u{FFFD}"))
}

/// Only the last token's: a comment the end of input cuts is the last token.
fn without_comment_text(toks: &[Tok]) -> Vec<Tok> {
    let mut toks = toks.to_vec();
    if let Some(Tok::Comment(text)) = toks.last_mut() {
        text.clear();
    }
    toks
}

/// The allowed differences that make `got` what the case expects: `Some(vec![])` when it
/// matches as it is, `None` when nothing allowed makes it match.
pub(super) fn harmless(got: &[Tok], want: &[Tok]) -> Option<Vec<Rule>> {
    type Norm = fn(&[Tok]) -> Vec<Tok>;
    let combos: [&[(Rule, Norm)]; 4] = [
        &[],
        &[(NUL, without_nul)],
        &[(COMMENT_TEXT, without_comment_text)],
        &[(NUL, without_nul), (COMMENT_TEXT, without_comment_text)],
    ];
    combos.into_iter().find_map(|combo| {
        let (mut g, mut w) = (got.to_vec(), want.to_vec());
        for (_, f) in combo {
            g = f(&g);
            w = f(&w);
        }
        (g == w).then(|| combo.iter().map(|(why, _)| *why).collect())
    })
}

/// What the run found, by rule; `html5lib_tokenizer_cases` asserts it.
const EXPECTED: &str = "\
runs 7036: applied 4975 (passed 4933, harmless 42), excluded 2061
excluded lone-surrogate 4
excluded tree-builder-switch 1
excluded unknown-reference 2052
excluded xml-infoset 4
harmless comment-text 13
harmless nul 29
";

#[derive(Default)]
struct Counts {
    runs: usize,
    applied: usize,
    passed: usize,
    /// "excluded <rule>" and "harmless <rules>" -> count.
    by_rule: BTreeMap<String, usize>,
}

impl Counts {
    fn summary(&self) -> String {
        let count = |prefix: &str| self.by_rule.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(_, n)| n).sum::<usize>();
        let mut out = format!(
            "runs {}: applied {} (passed {}, harmless {}), excluded {}\n",
            self.runs,
            self.applied,
            self.passed,
            count("harmless "),
            count("excluded ")
        );
        for (k, n) in &self.by_rule {
            let _ = writeln!(out, "{k} {n}");
        }
        out
    }
}

#[test]
fn html5lib_tokenizer_cases() {
    let table = spec_table();
    let mut counts = Counts::default();
    let mut failures = String::new();
    for case in cases() {
        counts.runs += 1;
        if let Some((rule, _)) = excluded(&case, &table) {
            *counts.by_rule.entry(format!("excluded {rule}")).or_default() += 1;
            continue;
        }
        counts.applied += 1;
        let want = case.output.as_ref().unwrap();
        let got = run(&case);
        match harmless(&got, want) {
            Some(rules) if rules.is_empty() => counts.passed += 1,
            Some(rules) => {
                let ids: Vec<_> = rules.iter().map(|(id, _)| *id).collect();
                *counts.by_rule.entry(format!("harmless {}", ids.join("+"))).or_default() += 1;
            }
            None => {
                let _ = writeln!(
                    failures,
                    "{}\n  input:    {:?}\n  expected: {want:?}\n  got:      {got:?}",
                    case.name(),
                    case.input.as_deref().unwrap()
                );
            }
        }
    }
    assert!(failures.is_empty(), "cases that differ from the HTML standard's tokenizer:\n{failures}");
    let legend: String = [NOT_TOKENIZING, NOT_A_STR, SWITCHES_STATE, UNKNOWN_REFERENCE, NUL, COMMENT_TEXT]
        .iter()
        .map(|(id, why)| format!("  {id}: {why}\n"))
        .collect();
    assert_eq!(
        counts.summary(),
        EXPECTED,
        "the counts changed: if that is meant, update EXPECTED and docs/testing.md. The rules:\n{legend}"
    );
}

/// What the spec decodes `s` to, with the whole table: `Some` only when it differs.
fn spec_decode(s: &str, in_attr: bool, table: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match spec_match(after, table) {
            Some((name, true)) => {
                out.push_str(&table[&format!("{name};")]);
                rest = &after[name.len() + 1..];
            }
            // In an attribute value, a name without `;` before `=` or a letter or digit is
            // left as written.
            Some((name, false))
                if !(in_attr && after[name.len()..].starts_with(|c: char| c == '=' || c.is_ascii_alphanumeric())) =>
            {
                out.push_str(&table[name]);
                rest = &after[name.len()..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every name of the spec's table, with `;` and without, followed by nothing, a letter, a
/// digit or `=`, in text and in attribute values: the crate decodes it as the spec does when
/// its table has the name the spec reads, and otherwise leaves it as written (which is what
/// `UNKNOWN_REFERENCE` excuses), never as a shorter name and letters (`&notin;` as `¬in;`).
#[test]
fn named_references_decode_as_the_spec_or_not_at_all() {
    let table = spec_table();
    let mut wrong = Vec::new();
    let mut names: Vec<&String> = table.keys().collect();
    names.sort();
    for name in names {
        let bare = name.trim_end_matches(';');
        for written in [name.as_str(), bare] {
            // (`&name;` and `&name` + `;` are the same input.)
            let afters: &[&str] = if written == bare { &["", "x", "1", "="] } else { &["", "x", "1", "=", ";"] };
            for after in afters {
                let input = format!("&{written}{after}");
                for in_attr in [false, true] {
                    let spec = spec_decode(&input, in_attr, &table);
                    let known = match spec_match(&input[1..], &table) {
                        Some((n, true)) => entities::known(n).is_some(),
                        Some((n, false)) => entities::known(n) == Some(true),
                        None => true,
                    };
                    let got = entities::decode(&input, in_attr);
                    let ok = if known { got == spec } else { got == input };
                    if !ok {
                        wrong.push(format!("{input:?} in {}: {got:?}, spec {spec:?}", if in_attr { "an attribute" } else { "text" }));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} decodes differ:\n{}", wrong.len(), wrong.join("\n"));
}
