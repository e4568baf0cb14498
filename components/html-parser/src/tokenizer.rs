//! An HTML tokenizer after the WHATWG tokenization rules, for the parts a reader of pages
//! needs: tags with their attributes (quoted, unquoted, bare; names case-insensitive),
//! text, comments (including `<!-->` and unterminated ones), doctypes, bogus comments, the
//! raw-text elements (`script`, `style`, `textarea`, `title`, ...), whose content is never
//! markup (in scripts, with the escape states that let `<!--<script>` hide a `</script>`),
//! and `<![CDATA[` inside SVG/MathML. Tokens borrow from the input; nothing is
//! decoded until asked for (`Tag::attr`, `entities::decode`).
//!
//! Not done, because no extraction depends on it: tree construction (implied end tags,
//! foster parenting) and charset sniffing (input is already a `str`).

use crate::bytes::{find, find2, find_str, is_ws, until, NAME_END, TAG_NAME_END, VALUE_END};
use crate::entities;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// Character data between tags, character references not decoded.
    Text(&'a str),
    /// The content of a raw-text or RCDATA element, or a CDATA section: never markup.
    RawText(&'a str),
    StartTag(Tag<'a>),
    /// An end tag's name as written.
    EndTag(&'a str),
    Comment(&'a str),
    Doctype(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag<'a> {
    /// The name as written; compare with `is`.
    pub name: &'a str,
    /// The source between the name and the closing `>` (attributes, maybe a trailing `/`).
    attrs: &'a str,
    pub self_closing: bool,
    /// Whether the tag has an `aria-label` (noted while finding the tag's end, so that
    /// readers looking for labels need not read every tag's attributes again).
    pub has_aria_label: bool,
}

impl<'a> Tag<'a> {
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    pub fn attrs(&self) -> Attrs<'a> {
        Attrs { src: self.attrs.as_bytes(), pos: 0, end: None, closed: true }
    }

    /// The first attribute called `name` (HTML keeps the first of duplicates), raw.
    pub fn raw_attr(&self, name: &str) -> Option<Attr<'a>> {
        self.attrs().find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The decoded value of attribute `name`; `Some("")` for a bare attribute.
    pub fn attr(&self, name: &str) -> Option<Cow<'a, str>> {
        self.raw_attr(name).map(|a| a.value())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr<'a> {
    pub name: &'a str,
    /// The value as written, without quotes; `None` for a bare attribute.
    pub raw: Option<&'a str>,
}

impl<'a> Attr<'a> {
    pub fn value(&self) -> Cow<'a, str> {
        match self.raw {
            Some(v) => entities::decode(v, true),
            None => Cow::Borrowed(""),
        }
    }
}

/// How a tag's attribute list ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagEnd {
    /// At the `>` (index into the attribute source); self-closing when `/>`.
    Closed { gt: usize, self_closing: bool },
    /// End of input inside the tag: the tag is dropped, as the spec does.
    Eof,
}

/// The attributes of a tag: the "before/after attribute name", "attribute value" states.
pub struct Attrs<'a> {
    src: &'a [u8],
    pos: usize,
    end: Option<TagEnd>,
    /// Whether `src` stops at the tag's `>` (a `Tag`'s attributes) rather than running on to
    /// the end of input (finding where the tag ends).
    closed: bool,
}

impl<'a> Attrs<'a> {
    fn str_at(&self, from: usize, to: usize) -> &'a str {
        // SAFETY: `src` comes from a `str` and every boundary used is next to an ASCII byte
        // (a delimiter, a quote, `=`) or the end, so it is a char boundary.
        unsafe { core::str::from_utf8_unchecked(&self.src[from..to]) }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.src.len() && is_ws(self.src[self.pos]) {
            self.pos += 1;
        }
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        if self.end.is_some() {
            return None;
        }
        let s = self.src;
        loop {
            self.skip_ws();
            let c = match s.get(self.pos) {
                Some(&c) => c,
                None => {
                    self.end = Some(TagEnd::Eof);
                    return None;
                }
            };
            match c {
                b'>' => {
                    self.end = Some(TagEnd::Closed { gt: self.pos, self_closing: false });
                    return None;
                }
                b'/' => {
                    if s.get(self.pos + 1) == Some(&b'>') {
                        self.end = Some(TagEnd::Closed { gt: self.pos + 1, self_closing: true });
                        return None;
                    }
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            // Attribute name: a leading `=` belongs to it.
            let name_start = self.pos;
            self.pos = until(s, self.pos + 1, NAME_END);
            let name = self.str_at(name_start, self.pos);
            self.skip_ws();
            if s.get(self.pos) != Some(&b'=') {
                return Some(Attr { name, raw: None });
            }
            self.pos += 1;
            self.skip_ws();
            let raw = match s.get(self.pos) {
                // `a=` right before the `>`: an empty value.
                None if self.closed => "",
                None => {
                    self.end = Some(TagEnd::Eof);
                    return None;
                }
                Some(&q) if q == b'"' || q == b'\'' => {
                    let from = self.pos + 1;
                    match find(q, &s[from..]) {
                        Some(i) => {
                            self.pos = from + i + 1;
                            self.str_at(from, from + i)
                        }
                        None => {
                            self.end = Some(TagEnd::Eof);
                            return None;
                        }
                    }
                }
                Some(&b'>') => "",
                Some(_) => {
                    let from = self.pos;
                    self.pos = until(s, self.pos, VALUE_END);
                    self.str_at(from, self.pos)
                }
            };
            return Some(Attr { name, raw: Some(raw) });
        }
    }
}

/// Elements whose content is text up to their end tag.
const RAW_TEXT: [&str; 10] = ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];

/// How text that is never markup ends: the spec's RCDATA, RAWTEXT, script data, PLAINTEXT and
/// CDATA section states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// RCDATA and RAWTEXT: at the appropriate end tag (character references are the reader's
    /// business, as everywhere else).
    Text,
    /// Script data: at the appropriate end tag, unless a `<!--` ... `<script>` hides it.
    Script,
    /// Never.
    Plaintext,
    /// A CDATA section: at `]]>`, which is not part of the token.
    Cdata,
}

#[derive(Debug, Clone, Copy)]
struct Raw {
    kind: RawKind,
    /// The name of the start tag that opened it: only its end tag is an end tag in there.
    end: Option<&'static str>,
}

impl Raw {
    fn of(name: &'static str) -> Raw {
        let kind = match name {
            "script" => RawKind::Script,
            "plaintext" => RawKind::Plaintext,
            _ => RawKind::Text,
        };
        Raw { kind, end: Some(name) }
    }
}

/// A byte that ends a tag name: the delimiters after `</name` or `<script` that make it one.
fn ends_name(c: u8) -> bool {
    is_ws(c) || c == b'/' || c == b'>'
}

pub struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    /// Set after a raw-text start tag: its content comes next.
    raw_until: Option<Raw>,
    /// Open `<svg>`/`<math>` elements: CDATA sections are only sections there.
    foreign: u32,
}

impl<'a> Tokenizer<'a> {
    pub fn new(src: &'a str) -> Self {
        Tokenizer { src, pos: 0, raw_until: None, foreign: 0 }
    }

    /// Starts inside raw text of `kind`, as if a start tag named `end` had just been read
    /// (the html5lib tokenizer tests' initial states).
    #[cfg(test)]
    pub(crate) fn in_raw(src: &'a str, kind: RawKind, end: Option<&'static str>) -> Self {
        Tokenizer { src, pos: 0, raw_until: Some(Raw { kind, end }), foreign: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        // SAFETY: every index the tokenizer produces is the end of input or next to an ASCII
        // byte it matched (`<`, `>`, `/`, `-`, a delimiter), hence a char boundary.
        unsafe { self.src.get_unchecked(from..to) }
    }

    /// The end of a tag name starting at `from`.
    fn name_end(&self, from: usize) -> usize {
        until(self.bytes(), from, TAG_NAME_END)
    }

    /// Runs the attribute states from `from` to find where the tag ends; also tells
    /// whether an `aria-label` was among the attributes.
    fn tag_end(&self, from: usize) -> (TagEnd, bool) {
        let mut attrs = Attrs { src: &self.bytes()[from..], pos: 0, end: None, closed: false };
        let mut aria = false;
        for a in attrs.by_ref() {
            aria |= a.name.len() == 10 && a.name.eq_ignore_ascii_case("aria-label");
        }
        (attrs.end.unwrap_or(TagEnd::Eof), aria)
    }

    /// Whether `</name` followed by whitespace, `/` or `>` is at `lt` (at the end of input,
    /// `</name` is text: the spec's end tag name state has not seen the name end).
    fn end_tag_at(&self, lt: usize, name: Option<&str>) -> bool {
        let b = self.bytes();
        let name = match name {
            Some(n) => n.as_bytes(),
            None => return false,
        };
        let n = lt + 2 + name.len();
        b.get(lt + 1) == Some(&b'/')
            && b.get(lt + 2..n).map_or(false, |s| s.eq_ignore_ascii_case(name))
            && b.get(n).map_or(false, |&c| ends_name(c))
    }

    /// Raw text from `pos`: the token, if not empty; `pos` moves to what follows it.
    fn raw_text(&mut self, raw: Raw) -> Option<Token<'a>> {
        let b = self.bytes();
        let start = self.pos;
        let (end, resume) = match raw.kind {
            RawKind::Plaintext => (b.len(), b.len()),
            RawKind::Cdata => match find_str(b"]]>", &b[start..], false) {
                Some(i) => (start + i, start + i + 3),
                None => (b.len(), b.len()),
            },
            RawKind::Text => {
                let mut from = start;
                let end = loop {
                    match find(b'<', &b[from..]) {
                        None => break b.len(),
                        Some(i) if self.end_tag_at(from + i, raw.end) => break from + i,
                        Some(i) => from = from + i + 1,
                    }
                };
                (end, end)
            }
            RawKind::Script => {
                let end = self.script_end(start, raw.end);
                (end, end)
            }
        };
        self.pos = resume;
        if end > start {
            Some(Token::RawText(self.slice(start, end)))
        } else {
            None
        }
    }

    /// Where script data from `from` ends. `<!--` starts an escape, in which the end tag
    /// still ends the script but `<script` (a delimiter after it) starts a double escape, in
    /// which it does not, until `</script` leaves it; `-->` leaves either. Browsers run these
    /// states, so `<script><!--<script></script>text</script>` is one script.
    fn script_end(&self, from: usize, name: Option<&str>) -> usize {
        #[derive(PartialEq)]
        enum State {
            Data,
            Escaped,
            DoubleEscaped,
        }
        let b = self.bytes();
        // `<script` (any case) and a delimiter at `at`.
        let script_at = |at: usize| {
            b.get(at..at + 6).map_or(false, |s| s.eq_ignore_ascii_case(b"script")) && b.get(at + 6).map_or(false, |&c| ends_name(c))
        };
        let mut state = State::Data;
        let mut i = from;
        loop {
            let found = if state == State::Data { find(b'<', &b[i..]) } else { find2(b'<', b'>', &b[i..]) };
            let at = match found {
                Some(k) => i + k,
                None => return b.len(),
            };
            i = at + 1;
            if b[at] == b'>' {
                // An escape is entered past `<!--`, so two bytes precede any `>` seen in one;
                // the dashes may be those of the `<!--` itself (`<!-->`).
                if &b[at - 2..at] == b"--" {
                    state = State::Data;
                }
                continue;
            }
            match state {
                State::Data | State::Escaped if self.end_tag_at(at, name) => return at,
                State::Data if b.get(at + 1..at + 4) == Some(b"!--") => {
                    state = State::Escaped;
                    i = at + 4;
                }
                State::Escaped if script_at(at + 1) => {
                    // The delimiter is consumed with the name.
                    state = State::DoubleEscaped;
                    i = at + 8;
                }
                State::DoubleEscaped if b.get(at + 1) == Some(&b'/') && script_at(at + 2) => {
                    state = State::Escaped;
                    i = at + 9;
                }
                _ => {}
            }
        }
    }

    /// `<!--` at `at`: the comment's text and where scanning resumes.
    fn comment(&self, at: usize) -> (usize, usize, usize) {
        let b = self.bytes();
        let body = at + 4;
        // `<!-->` and `<!--->` close at once.
        if b.get(body) == Some(&b'>') {
            return (body, body, body + 1);
        }
        if b.get(body..body + 2) == Some(b"->") {
            return (body, body, body + 2);
        }
        let mut from = body;
        while let Some(i) = find(b'>', &b[from..]) {
            let gt = from + i;
            if gt >= body + 2 && &b[gt - 2..gt] == b"--" {
                return (body, gt - 2, gt + 1);
            }
            if gt >= body + 3 && &b[gt - 3..gt] == b"--!" {
                return (body, gt - 3, gt + 1);
            }
            from = gt + 1;
        }
        (body, b.len(), b.len())
    }

    /// Up to the next `>` (bogus comments, doctypes): (content end, resume).
    fn to_gt(&self, from: usize) -> (usize, usize) {
        match find(b'>', &self.bytes()[from..]) {
            Some(i) => (from + i, from + i + 1),
            None => (self.src.len(), self.src.len()),
        }
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(raw) = self.raw_until.take() {
            if let Some(t) = self.raw_text(raw) {
                return Some(t);
            }
        }
        let b = self.bytes();
        loop {
            let text_start = self.pos;
            let mut from = self.pos;
            let lt = loop {
                let lt = match find(b'<', &b[from..]) {
                    Some(i) => from + i,
                    None => {
                        self.pos = b.len();
                        return if text_start < b.len() { Some(Token::Text(self.slice(text_start, b.len()))) } else { None };
                    }
                };
                let opens = match b.get(lt + 1) {
                    Some(c) if c.is_ascii_alphabetic() => true,
                    Some(b'/') => lt + 2 < b.len(),
                    Some(b'!') | Some(b'?') => true,
                    _ => false,
                };
                if opens {
                    break lt;
                }
                from = lt + 1;
            };
            if lt > text_start {
                // The text first; the markup is read on the next call.
                self.pos = lt;
                return Some(Token::Text(self.slice(text_start, lt)));
            }
            if let Some(t) = self.markup(lt) {
                return Some(t);
            }
            // Markup that yields no token (`</>`, a tag cut off by the end): read on.
            if self.pos >= b.len() {
                return None;
            }
        }
    }
}

impl<'a> Tokenizer<'a> {
    /// Reads the markup at `lt` (a `<` that opens something), advancing `pos`.
    fn markup(&mut self, lt: usize) -> Option<Token<'a>> {
        let b = self.bytes();
        match b.get(lt + 1).copied() {
            Some(b'!') => {
                if b.get(lt + 2..lt + 4) == Some(b"--") {
                    let (s, e, resume) = self.comment(lt);
                    self.pos = resume;
                    return Some(Token::Comment(self.slice(s, e)));
                }
                if b.get(lt + 2..lt + 9).map_or(false, |s| s.eq_ignore_ascii_case(b"doctype")) {
                    let (e, resume) = self.to_gt(lt + 9);
                    self.pos = resume;
                    return Some(Token::Doctype(self.slice(lt + 9, e)));
                }
                if self.foreign > 0 && b.get(lt + 2..lt + 9) == Some(b"[CDATA[") {
                    self.pos = lt + 9;
                    return self.raw_text(Raw { kind: RawKind::Cdata, end: None });
                }
                let (e, resume) = self.to_gt(lt + 2);
                self.pos = resume;
                Some(Token::Comment(self.slice(lt + 2, e)))
            }
            Some(b'?') => {
                let (e, resume) = self.to_gt(lt + 1);
                self.pos = resume;
                Some(Token::Comment(self.slice(lt + 1, e)))
            }
            Some(b'/') => match b.get(lt + 2).copied() {
                Some(c) if c.is_ascii_alphabetic() => {
                    let name_end = self.name_end(lt + 2);
                    let name = self.slice(lt + 2, name_end);
                    match self.tag_end(name_end).0 {
                        TagEnd::Closed { gt, .. } => {
                            self.pos = name_end + gt + 1;
                            if self.foreign > 0 && (name.eq_ignore_ascii_case("svg") || name.eq_ignore_ascii_case("math")) {
                                self.foreign -= 1;
                            }
                            Some(Token::EndTag(name))
                        }
                        TagEnd::Eof => {
                            self.pos = b.len();
                            None
                        }
                    }
                }
                Some(b'>') => {
                    self.pos = lt + 3;
                    None
                }
                _ => {
                    let (e, resume) = self.to_gt(lt + 2);
                    self.pos = resume;
                    Some(Token::Comment(self.slice(lt + 2, e)))
                }
            },
            _ => {
                let name_end = self.name_end(lt + 1);
                let name = self.slice(lt + 1, name_end);
                match self.tag_end(name_end) {
                    (TagEnd::Closed { gt, self_closing }, has_aria_label) => {
                        let attrs_end = if self_closing { gt - 1 } else { gt };
                        let tag = Tag { name, attrs: self.slice(name_end, name_end + attrs_end), self_closing, has_aria_label };
                        self.pos = name_end + gt + 1;
                        if tag.is("svg") || tag.is("math") {
                            if !self_closing {
                                self.foreign += 1;
                            }
                        } else if self.foreign == 0 {
                            self.raw_until = RAW_TEXT.iter().copied().find(|r| tag.is(r)).map(Raw::of);
                        }
                        Some(Token::StartTag(tag))
                    }
                    (TagEnd::Eof, _) => {
                        self.pos = b.len();
                        None
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod differential;
#[cfg(test)]
mod html5lib;

#[cfg(test)]
mod tests {
    use super::*;
    use Token::*;

    fn toks(s: &str) -> Vec<Token<'_>> {
        Tokenizer::new(s).collect()
    }

    fn attrs(t: &Token<'_>) -> Vec<(String, Option<String>)> {
        match t {
            StartTag(tag) => tag.attrs().map(|a| (a.name.to_string(), a.raw.map(|_| a.value().into_owned()))).collect(),
            _ => panic!("not a start tag: {:?}", t),
        }
    }

    #[test]
    fn text_and_tags() {
        let t = toks("a<B>b</b >c");
        assert_eq!(t.len(), 5);
        assert_eq!(t[0], Text("a"));
        assert!(matches!(t[1], StartTag(tag) if tag.is("b") && tag.name == "B"));
        assert_eq!(t[2], Text("b"));
        assert_eq!(t[3], EndTag("b"));
        assert_eq!(t[4], Text("c"));
    }

    #[test]
    fn attribute_forms() {
        let t = toks(r#"<a HREF="/x?a=1&amp;b=2" title='1&#44;234' data-x=y z w = "v" =q checked>"#);
        assert_eq!(
            attrs(&t[0]),
            vec![
                ("HREF".into(), Some("/x?a=1&b=2".into())),
                ("title".into(), Some("1,234".into())),
                ("data-x".into(), Some("y".into())),
                ("z".into(), None),
                ("w".into(), Some("v".into())),
                ("=q".into(), None),
                ("checked".into(), None),
            ]
        );
        match t[0] {
            StartTag(tag) => {
                assert_eq!(tag.attr("href").as_deref(), Some("/x?a=1&b=2"));
                assert_eq!(tag.attr("missing"), None);
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn quotes_hide_gt_and_self_closing() {
        let t = toks(r#"<rect data-x="a>b" /><img src=a/b/>x"#);
        assert_eq!(attrs(&t[0]), vec![("data-x".into(), Some("a>b".into()))]);
        assert!(matches!(t[0], StartTag(tag) if tag.self_closing));
        // An unquoted value swallows the slash: not self-closing.
        assert!(matches!(t[1], StartTag(tag) if !tag.self_closing));
        assert_eq!(attrs(&t[1]), vec![("src".into(), Some("a/b/".into()))]);
        assert_eq!(t[2], Text("x"));
    }

    #[test]
    fn equals_and_no_value_is_an_empty_value() {
        for html in ["<a b=>", "<a b= >", "<a b=\n>", "<a b =>"] {
            assert_eq!(attrs(&toks(html)[0]), vec![("b".into(), Some("".into()))], "{html:?}");
        }
        assert_eq!(attrs(&toks("<a b= c>")[0]), vec![("b".into(), Some("c".into()))]);
        assert!(matches!(toks("<h3 title=>")[0], StartTag(tag) if tag.attr("title").as_deref() == Some("")));
        assert_eq!(toks("a<b c= "), vec![Text("a")]);
    }

    #[test]
    fn quote_in_attribute_name_is_not_a_quote() {
        let t = toks(r#"<a b"c>d"#);
        assert_eq!(attrs(&t[0]), vec![("b\"c".into(), None)]);
        assert_eq!(t[1], Text("d"));
    }

    #[test]
    fn comments() {
        assert_eq!(toks("<!-- a <b> -->x"), vec![Comment(" a <b> "), Text("x")]);
        assert_eq!(toks("<!-->x"), vec![Comment(""), Text("x")]);
        assert_eq!(toks("<!--->x"), vec![Comment(""), Text("x")]);
        assert_eq!(toks("<!--a--!>x"), vec![Comment("a"), Text("x")]);
        assert_eq!(toks("<!-- never closed <h3 title=1>"), vec![Comment(" never closed <h3 title=1>")]);
        assert_eq!(toks("<?xml x?>y"), vec![Comment("?xml x?"), Text("y")]);
        assert_eq!(toks("<!x>y"), vec![Comment("x"), Text("y")]);
        assert_eq!(toks("</ x>y"), vec![Comment(" x"), Text("y")]);
    }

    #[test]
    fn doctype() {
        assert_eq!(toks("<!DOCTYPE html><p>"), vec![Doctype(" html"), StartTag(Tag { name: "p", attrs: "", self_closing: false, has_aria_label: false })]);
        assert_eq!(toks("<!doctype html"), vec![Doctype(" html")]);
    }

    #[test]
    fn raw_text_elements() {
        let t = toks(r#"<script>if(a<b){x='<h3 title="9">'}</scriptx></SCRIPT >z"#);
        assert_eq!(t[1], RawText(r#"if(a<b){x='<h3 title="9">'}</scriptx>"#));
        assert_eq!(t[2], EndTag("SCRIPT"));
        assert_eq!(t[3], Text("z"));
        assert_eq!(toks("<title>a</title")[1], RawText("a</title"));
        let t = toks("<title>a <b> &amp;</title><textarea><p></textarea><style>p>a{}</style>");
        assert_eq!(t[1], RawText("a <b> &amp;"));
        assert_eq!(t[4], RawText("<p>"));
        assert_eq!(t[7], RawText("p>a{}"));
        // Unterminated: the rest of the input is script.
        assert_eq!(toks("<script>a</scr")[1], RawText("a</scr"));
        assert_eq!(toks("<script></script>").len(), 2);
    }

    #[test]
    fn script_escapes() {
        // `<!--` alone hides nothing; after `<!--<script>`, a `</script>` is script until `-->`
        // or another `</script>` leaves the double escape.
        assert_eq!(toks("<script><!--</script>x")[1..], [RawText("<!--"), EndTag("script"), Text("x")]);
        let t = toks("<script><!--<script></script><h3>--></script>x");
        assert_eq!(t[1..], [RawText("<!--<script></script><h3>-->"), EndTag("script"), Text("x")]);
        let t = toks("<script><!--<SCRIPT>a</script>b</script>x");
        assert_eq!(t[1..], [RawText("<!--<SCRIPT>a</script>b"), EndTag("script"), Text("x")]);
        // `-->` ends either escape, its dashes may be those of `<!--`; `<scripts>` is not `<script`.
        assert_eq!(toks("<script><!--><script></script>x")[1..], [RawText("<!--><script>"), EndTag("script"), Text("x")]);
        assert_eq!(toks("<script><!--<scripts></script>x")[1..], [RawText("<!--<scripts>"), EndTag("script"), Text("x")]);
        // Not closed: the rest of the input is script.
        assert_eq!(toks("<script><!--<script></script><p>")[1..], [RawText("<!--<script></script><p>")]);
        // Only scripts have these states.
        assert_eq!(toks("<style><!--<script></style>x")[1..], [RawText("<!--<script>"), EndTag("style"), Text("x")]);
    }

    #[test]
    fn cdata_only_in_foreign_content() {
        assert_eq!(toks("<svg><![CDATA[a>b]]></svg>")[1], RawText("a>b"));
        assert_eq!(toks("<p><![CDATA[a>b]]>")[1], Comment("[CDATA[a"));
    }

    #[test]
    fn svg_script_is_markup() {
        // Inside SVG, `<title>` is an ordinary element.
        let t = toks("<svg><title>t</title><rect/></svg>");
        assert_eq!(t[2], Text("t"));
    }

    #[test]
    fn lone_lt_is_text() {
        assert_eq!(toks("a < b <3 <"), vec![Text("a < b <3 <")]);
        assert_eq!(toks("x</"), vec![Text("x</")]);
        assert_eq!(toks("</>y"), vec![Text("y")]);
    }

    #[test]
    fn eof_inside_tag_drops_it() {
        assert_eq!(toks("a<h3 title=\"12"), vec![Text("a")]);
        assert_eq!(toks("a<h3 title="), vec![Text("a")]);
        assert_eq!(toks("a</h3"), vec![Text("a")]);
    }

    #[test]
    fn non_ascii_everywhere() {
        let t = toks("é<aä ö='ü'>ß</aä><ä>");
        assert_eq!(t[0], Text("é"));
        assert_eq!(attrs(&t[1]), vec![("ö".into(), Some("ü".into()))]);
        assert_eq!(t[3], EndTag("aä"));
        // A tag name starts with an ASCII letter; `<ä` is text.
        assert_eq!(t[4], Text("<ä>"));
    }
}
