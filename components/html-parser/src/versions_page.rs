//! A package's tagged versions: one row per link to a tagged version (`...?tag=<tag>`); the
//! row's downloads are the first text in it that is a count ("1,234", "1,234 downloads"),
//! not counting the version link's own text.

use crate::content::{collapse, next_link, sub_str, text_is, Content, Node};
use crate::count::{parse_exact, CountError};
use crate::listing_page::says_none;
use crate::package_page::{bad_count, install_command, TOTAL_LABEL};
use crate::paths::version_link;
use crate::{ParseError, VersionCount, VersionsPage};
use std::borrow::Cow;

struct Row<'a> {
    tag: Cow<'a, str>,
    href: Cow<'a, str>,
    downloads: Option<u64>,
}

fn close(row: Row<'_>) -> Result<VersionCount<'_>, ParseError> {
    match row.downloads {
        Some(downloads) => Ok(VersionCount { tag: row.tag, downloads }),
        None => Err(ParseError::NotFound(format!("no download count for tag \"{}\"", row.tag))),
    }
}

/// A row's count text: "1,234", optionally followed by "downloads".
fn count_text(raw: &str) -> Option<Result<u64, ParseError>> {
    let text = collapse(raw);
    let number = text
        .strip_suffix(" downloads")
        .or_else(|| text.strip_suffix(" download"))
        .unwrap_or(&text);
    match parse_exact(number) {
        Ok(n) => Some(Ok(n)),
        Err(CountError::Invalid) => None,
        Err(e) => Some(Err(bad_count(e, "version downloads", number))),
    }
}

pub fn parse(html: &str) -> Result<VersionsPage<'_>, ParseError> {
    let mut versions = Vec::new();
    let mut row: Option<Row<'_>> = None;
    let mut in_link = false;
    let mut next_page = None;
    let mut package_page = false;
    let mut empty_state = false;
    for node in Content::new(html) {
        match node {
            Node::Start(tag) if tag.is("a") => {
                if next_page.is_none() {
                    next_page = next_link(&tag);
                }
                let href = match tag.attr("href") {
                    Some(h) => h,
                    None => continue,
                };
                let tag_name = match version_link(&href) {
                    Some(Cow::Borrowed(t)) => sub_str(&href, t),
                    Some(Cow::Owned(t)) => Cow::Owned(t),
                    None => continue,
                };
                in_link = true;
                if row.as_ref().map_or(false, |r| r.href == href) {
                    continue;
                }
                if let Some(done) = row.take() {
                    versions.push(close(done)?);
                }
                row = Some(Row { tag: tag_name, href, downloads: None });
            }
            Node::Start(_) => {}
            Node::End(name) => {
                if name.eq_ignore_ascii_case("a") {
                    in_link = false;
                }
            }
            Node::Text(raw) => {
                if text_is(raw, TOTAL_LABEL) || install_command(raw).is_some() {
                    package_page = true;
                }
                if in_link {
                    continue;
                }
                if let Some(r) = row.as_mut().filter(|r| r.downloads.is_none()) {
                    if let Some(n) = count_text(raw) {
                        r.downloads = Some(n?);
                    }
                } else if versions.is_empty() && row.is_none() && !empty_state {
                    empty_state = says_none(raw, &[b"no tagged versions", b"no versions"]);
                }
            }
        }
    }
    if let Some(done) = row.take() {
        versions.push(close(done)?);
    }
    if package_page {
        return Err(ParseError::WrongPage("a package page, not its versions".into()));
    }
    if versions.is_empty() && !empty_state {
        return Err(ParseError::WrongPage("not a versions page: no links to tagged versions".into()));
    }
    Ok(VersionsPage { versions, next_page })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = r#"<ul><li><a href="/orgs/fluxcd/packages/container/flux-cli/10?tag=v2.7.5">v2.7.5</a><span>latest</span>
        <div>Published <relative-time datetime="2026-01-01">Jan 1, 2026</relative-time> · <code>sha256:0123</code></div>
        <span><svg></svg> 1,234</span><a href="/orgs/fluxcd/packages/container/flux-cli/10?tag=v2.7.5">…</a></li>
        <li><a href="/orgs/fluxcd/packages/container/flux-cli/9?tag=2024">2024</a><span>27182818284 downloads</span></li></ul>
        <a rel="next" href="/orgs/fluxcd/packages/container/flux-cli/versions?filters%5Bversion_type%5D=tagged&amp;page=2">Next</a>"#;

    #[test]
    fn rows_and_next() {
        let v = parse(ROWS).unwrap();
        let got: Vec<(&str, u64)> = v.versions.iter().map(|r| (&*r.tag, r.downloads)).collect();
        assert_eq!(got, vec![("v2.7.5", 1234), ("2024", 27_182_818_284)]);
        assert_eq!(v.next_page.as_deref(), Some("/orgs/fluxcd/packages/container/flux-cli/versions?filters%5Bversion_type%5D=tagged&page=2"));
    }

    #[test]
    fn missing_or_bad_counts() {
        assert!(matches!(parse(&ROWS.replace(" 1,234", " n/a")), Err(ParseError::NotFound(m)) if m.contains("v2.7.5")));
        assert!(matches!(parse(&ROWS.replace("1,234", "99999999999999999999")), Err(ParseError::BadValue(_))));
    }

    #[test]
    fn empty_and_wrong() {
        assert_eq!(parse("<h3>No tagged versions</h3>").unwrap().versions, vec![]);
        assert!(matches!(parse("<p>hello</p>"), Err(ParseError::WrongPage(_))));
        assert!(matches!(parse(&format!("{}<pre>docker pull ghcr.io/a/b:1</pre>", ROWS)), Err(ParseError::WrongPage(_))));
    }
}
