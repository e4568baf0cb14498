//! Where a paginated listing goes next. Every shape scrapers have met: a link with
//! `rel="next"`, labelled "Next"/"Next Page", or reading "Next"; or, will_paginate's way, an
//! element carrying `data-total-pages` whose text is the current page, the next page being
//! the first link after it whose query says `page=<current + 1>` (pages are listed in order).

use crate::content::{same_words, TextOf};
use crate::count::parse_exact;
use crate::tokenizer::Tag;
use crate::ParseError;
use std::borrow::Cow;

#[derive(Default)]
pub struct Pagination<'a> {
    next: Option<Cow<'a, str>>,
    /// A link being read, to see whether its text says "Next".
    link: Option<(Cow<'a, str>, TextOf)>,
    /// `data-total-pages`, as written.
    total: Option<Cow<'a, str>>,
    /// The text of the element carrying it (the current page), while it is read.
    current: Option<TextOf>,
    /// The current page's number, once read (an error when it is not a number).
    page: Option<Result<u64, String>>,
    /// The link to the page after it.
    following: Option<Cow<'a, str>>,
}

fn is_next(words: &str) -> bool {
    same_words(words, "Next") || same_words(words, "Next Page")
}

/// The `page=N` of a link's query.
fn page_number(href: &str) -> Option<u64> {
    let query = href.split('#').next()?.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix("page=")).and_then(|n| parse_exact(n).ok())
}

impl<'a> Pagination<'a> {
    pub fn start(&mut self, tag: &Tag<'a>) {
        if self.total.is_none() {
            if let Some(total) = tag.attr("data-total-pages") {
                self.total = Some(total);
                self.current = if tag.self_closing { None } else { Some(TextOf::default()) };
            }
        }
        if self.next.is_some() || !tag.is("a") {
            return;
        }
        let href = match tag.attr("href").filter(|h| !h.is_empty() && !h.starts_with('#')) {
            Some(h) => h,
            None => return,
        };
        let rel = tag.attr("rel").map_or(false, |r| r.split_whitespace().any(|t| t.eq_ignore_ascii_case("next")));
        if rel || tag.attr("aria-label").map_or(false, |l| is_next(&l)) {
            self.next = Some(href);
            return;
        }
        if let (Some(Ok(current)), None) = (&self.page, &self.following) {
            if page_number(&href) == Some(current + 1) {
                self.following = Some(href.clone());
            }
        }
        self.link = Some((href, TextOf::default()));
    }

    pub fn end(&mut self, name: &str) {
        if name.eq_ignore_ascii_case("a") {
            if let Some((href, text)) = self.link.take() {
                if self.next.is_none() && is_next(&text.collapsed()) {
                    self.next = Some(href);
                }
            }
        }
        // The first end tag after `data-total-pages` closes its element, which holds only the number.
        if let Some(text) = self.current.take() {
            let text = text.collapsed();
            self.page = Some(parse_exact(&text).map_err(|_| text));
        }
    }

    pub fn text(&mut self, raw: &str) {
        if let Some((_, text)) = self.link.as_mut() {
            text.push(raw);
        }
        if let Some(text) = self.current.as_mut() {
            text.push(raw);
        }
    }

    /// The next page's href; none on the last page; an error when the page says there is a
    /// next page but links none, or gives page numbers that are not numbers.
    pub fn next(self) -> Result<Option<String>, ParseError> {
        if self.next.is_some() {
            return Ok(self.next.map(Cow::into_owned));
        }
        let total = match self.total {
            Some(t) => t,
            None => return Ok(None),
        };
        let total = parse_exact(&total).map_err(|_| ParseError::BadValue(format!("data-total-pages \"{}\" is not a number", total)))?;
        let current = match self.page {
            Some(Ok(n)) => n,
            Some(Err(text)) => return Err(ParseError::NotFound(format!("no current page number beside data-total-pages (\"{}\")", text))),
            None => return Err(ParseError::NotFound("no current page number beside data-total-pages".into())),
        };
        if current >= total {
            return Ok(None);
        }
        self.following.map(|f| Some(f.into_owned())).ok_or_else(|| ParseError::NotFound(format!("page {} of {}, but no link to page {} after it", current, total, current + 1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Content, Node};

    fn next(html: &str) -> Result<Option<String>, ParseError> {
        let mut p = Pagination::default();
        for node in Content::new(html) {
            match node {
                Node::Start(t) => p.start(&t),
                Node::End(n) => p.end(n),
                Node::Text(t) => p.text(t),
            }
        }
        p.next()
    }

    #[test]
    fn next_links() {
        assert_eq!(next(r#"<a rel="next" href="/o?page=2">›</a>"#).unwrap().as_deref(), Some("/o?page=2"));
        assert_eq!(next(r#"<a aria-label="Next Page" href="/o?page=2">›</a>"#).unwrap().as_deref(), Some("/o?page=2"));
        assert_eq!(next(r#"<a href="/o?page=1">Previous</a> <a class="next_page" href="/o?page=3"> Next </a>"#).unwrap().as_deref(), Some("/o?page=3"));
        assert_eq!(next(r#"<a href="/o?page=1">1</a><span>Next</span>"#).unwrap(), None);
    }

    #[test]
    fn total_pages() {
        let pages = r#"<div><a href="/o?page=1">1</a> <em class="current" data-total-pages="3">2</em> <a href="/o?page=3&amp;q=x">3</a></div>"#;
        assert_eq!(next(pages).unwrap().as_deref(), Some("/o?page=3&q=x"));
        assert_eq!(next(&pages.replace(">2</em>", ">3</em>")).unwrap(), None);
        assert!(matches!(next(&pages.replace("page=3", "page=4")), Err(ParseError::NotFound(_))));
        // A link to the following page before the current one is not it.
        assert!(matches!(next(&pages.replace("page=1", "page=3").replace("page=3&amp;", "page=4&amp;")), Err(ParseError::NotFound(_))));
        assert!(matches!(next(&pages.replace(">2</em>", "></em>")), Err(ParseError::NotFound(_))));
        assert!(matches!(next(&pages.replace("\"3\"", "\"x\"")), Err(ParseError::BadValue(_))));
    }
}
