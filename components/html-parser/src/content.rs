//! What a browser renders, as a token stream: tags and text, without comments, doctypes,
//! raw-text content (scripts, styles, JSON blobs) or `<template>` contents. Every extractor
//! reads this, which is what keeps script and JSON look-alikes out of the results.

use crate::entities;
use crate::tokenizer::{Tag, Token, Tokenizer};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Start(Tag<'a>),
    End(&'a str),
    /// Text, character references not decoded.
    Text(&'a str),
}

pub struct Content<'a> {
    tokens: Tokenizer<'a>,
    /// Open `<template>` elements: their content is inert.
    template: u32,
}

impl<'a> Content<'a> {
    pub fn new(html: &'a str) -> Self {
        Content { tokens: Tokenizer::new(html), template: 0 }
    }
}

impl<'a> Iterator for Content<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        loop {
            let node = match self.tokens.next()? {
                Token::StartTag(t) => {
                    if t.is("template") {
                        self.template += 1;
                        continue;
                    }
                    Node::Start(t)
                }
                Token::EndTag(n) => {
                    if n.eq_ignore_ascii_case("template") {
                        self.template = self.template.saturating_sub(1);
                        continue;
                    }
                    Node::End(n)
                }
                Token::Text(t) => Node::Text(t),
                Token::RawText(_) | Token::Comment(_) | Token::Doctype(_) => continue,
            };
            if self.template == 0 {
                return Some(node);
            }
        }
    }
}

/// Whether raw text is nothing but whitespace (which never separates a label from its value).
#[inline]
pub fn is_blank(raw: &str) -> bool {
    raw.bytes().all(crate::bytes::is_ws)
}

/// Whether two strings are the same words, ignoring ASCII case and how whitespace runs.
pub fn same_words(a: &str, b: &str) -> bool {
    let mut x = a.split_whitespace();
    let mut y = b.split_whitespace();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p.eq_ignore_ascii_case(q) => {}
            _ => return false,
        }
    }
}

/// Whether raw text reads `label` (words compared as in `same_words`, references decoded).
pub fn text_is(raw: &str, label: &str) -> bool {
    let first = match raw.bytes().find(|&c| !crate::bytes::is_ws(c)) {
        Some(c) => c,
        None => return false,
    };
    // Cheap reject on the first letter unless a reference could stand for it.
    if first != b'&' && !first.eq_ignore_ascii_case(&label.as_bytes()[0]) {
        return false;
    }
    same_words(&entities::decode(raw, false), label)
}

/// Decoded text with whitespace runs collapsed to one space and trimmed.
pub fn collapse(raw: &str) -> String {
    let decoded = entities::decode(raw, false);
    let mut out = String::with_capacity(decoded.len());
    for w in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A piece of `cow` (given as a range of its text), borrowing when `cow` does.
pub fn sub<'a>(cow: &Cow<'a, str>, from: usize, to: usize) -> Cow<'a, str> {
    match cow {
        Cow::Borrowed(s) => Cow::Borrowed(&s[from..to]),
        Cow::Owned(s) => Cow::Owned(s[from..to].to_string()),
    }
}

/// The part of `cow` that `part` (a slice of it) is, borrowing when `cow` does.
pub fn sub_str<'a>(cow: &Cow<'a, str>, part: &str) -> Cow<'a, str> {
    let from = part.as_ptr() as usize - cow.as_ptr() as usize;
    sub(cow, from, from + part.len())
}

/// Collects the text of an element (a link, a heading) until its end tag.
#[derive(Default)]
pub struct TextOf {
    text: String,
}

impl TextOf {
    pub fn push(&mut self, raw: &str) {
        self.text.push_str(&entities::decode(raw, false));
    }

    pub fn reads(&self, expected: &str) -> bool {
        same_words(&self.text, expected)
    }

    pub fn collapsed(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        for w in self.text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<&str> {
        Content::new(html).filter_map(|n| if let Node::Text(t) = n { Some(t) } else { None }).collect()
    }

    #[test]
    fn skips_what_is_not_rendered() {
        let html = "<script>Total downloads</script><!--Total downloads--><template><p>Total downloads<template>x</template>y</template>\
                    <style>a{}</style><textarea>t</textarea>seen";
        assert_eq!(texts(html), vec!["seen"]);
        // A browser runs this as one script: its `</script>` inside `<!--<script>` ends nothing.
        let html = "<script><!--<script>x</script><h3>Total downloads</h3>--></script>seen";
        assert_eq!(texts(html), vec!["seen"]);
    }

    #[test]
    fn labels() {
        assert!(text_is("\n  Total   downloads ", "Total downloads"));
        assert!(text_is("total&nbsp;DOWNLOADS", "Total downloads"));
        assert!(text_is("&#84;otal downloads", "Total downloads"));
        assert!(!text_is("Total downloads today", "Total downloads"));
        assert!(!text_is("Total", "Total downloads"));
        assert!(!text_is("  ", "Total downloads"));
    }

    #[test]
    fn collapsing() {
        assert_eq!(collapse("  27.1B\n &amp; more "), "27.1B & more");
        let mut t = TextOf::default();
        t.push(" fluxcd/");
        t.push("flux2 ");
        assert!(t.reads("fluxcd/flux2"));
        assert_eq!(t.collapsed(), "fluxcd/flux2");
    }
}
