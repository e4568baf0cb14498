//! An owner's package listing: one row per package, found by its link to a package page;
//! the row's repository is the first link `<a href="/owner/repo">owner/repo</a>` after it.
//! The next page is the `rel="next"` (or "Next Page") link.

use crate::content::{next_link, sub_str, text_is, Content, Node, TextOf};
use crate::package_page::{install_command, TOTAL_LABEL};
use crate::paths::{package_link, percent_decode, repo_link};
use crate::{bytes, ListedPackage, ListingPage, ParseError};
use std::borrow::Cow;

/// Texts that say an owner has no packages (an empty listing is still a listing).
pub fn says_none(raw: &str, what: &[&[u8]]) -> bool {
    what.iter().any(|w| bytes::find_str(w, raw.as_bytes(), true).is_some())
}

pub fn parse(html: &str) -> Result<ListingPage<'_>, ParseError> {
    let mut rows: Vec<ListedPackage<'_>> = Vec::new();
    let mut repo: Option<(Cow<'_, str>, TextOf)> = None;
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
                if let Some(encoded) = package_link(&href) {
                    let path_end = href.find(['?', '#']).unwrap_or(href.len());
                    let start = bytes::find_str(b"//github.com", href.as_bytes(), false).map_or(0, |i| i + "//github.com".len());
                    let path = sub_str(&href, &href[start..path_end]);
                    if rows.iter().any(|r| r.path == path) {
                        continue;
                    }
                    let name = match percent_decode(encoded) {
                        Cow::Borrowed(n) => sub_str(&href, n),
                        Cow::Owned(n) => Cow::Owned(n),
                    };
                    rows.push(ListedPackage { name, path, repository: None });
                    repo = None;
                } else if rows.last().map_or(false, |r| r.repository.is_none()) && repo.is_none() {
                    if let Some(nwo) = repo_link(&href) {
                        repo = Some((sub_str(&href, nwo), TextOf::default()));
                    }
                }
            }
            Node::Start(_) => {}
            Node::End(name) => {
                if name.eq_ignore_ascii_case("a") {
                    if let Some((nwo, text)) = repo.take() {
                        if text.reads(&nwo) {
                            if let Some(row) = rows.last_mut() {
                                row.repository = Some(nwo);
                            }
                        }
                    }
                }
            }
            Node::Text(raw) => {
                if let Some((_, text)) = repo.as_mut() {
                    text.push(raw);
                }
                if text_is(raw, TOTAL_LABEL) || install_command(raw).is_some() {
                    package_page = true;
                }
                if rows.is_empty() && !empty_state {
                    empty_state = says_none(raw, &[b"no packages", b"no public packages"]);
                }
            }
        }
    }
    if package_page {
        return Err(ParseError::WrongPage("a package page, not a package listing".into()));
    }
    if rows.is_empty() && !empty_state {
        return Err(ParseError::WrongPage("not a package listing: no links to package pages".into()));
    }
    Ok(ListingPage { packages: rows, next_page })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = r#"<ul><li><a href="/orgs/fluxcd/packages/container/package/flux-cli"><svg></svg>flux-cli</a>
        <a href="/orgs/fluxcd/packages/container/package/flux-cli">again</a>
        <p>Published by <a href="/fluxcd">fluxcd</a> in <a href="/fluxcd/flux2">fluxcd/flux2</a></p></li>
        <li><a href="https://github.com/orgs/fluxcd/packages/container/package/charts%2Fflagger">charts/flagger</a>
        <p>by <a href="/fluxcd">fluxcd</a></p></li>
        <li><a href="/orgs/fluxcd/packages/container/package/x">x</a> in <a href="/fluxcd/y">fluxcd/z</a></li></ul>
        <script>'<a href="/orgs/fluxcd/packages/container/package/decoy">'</script>
        <a rel="next" href="/orgs/fluxcd/packages?page=2&amp;q=1">Next</a>"#;

    #[test]
    fn rows_repositories_and_next() {
        let l = parse(LISTING).unwrap();
        let got: Vec<(&str, &str, Option<&str>)> = l.packages.iter().map(|p| (&*p.name, &*p.path, p.repository.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("flux-cli", "/orgs/fluxcd/packages/container/package/flux-cli", Some("fluxcd/flux2")),
                ("charts/flagger", "/orgs/fluxcd/packages/container/package/charts%2Fflagger", None),
                ("x", "/orgs/fluxcd/packages/container/package/x", None),
            ]
        );
        assert_eq!(l.next_page.as_deref(), Some("/orgs/fluxcd/packages?page=2&q=1"));
    }

    #[test]
    fn last_page_has_no_next() {
        let html = LISTING.replace("rel=\"next\"", "");
        assert_eq!(parse(&html).unwrap().next_page, None);
    }

    #[test]
    fn empty_and_wrong() {
        assert_eq!(parse("<h3>No packages</h3>").unwrap().packages, vec![]);
        assert!(matches!(parse("<h1>404</h1>"), Err(ParseError::WrongPage(_))));
        let pkg = format!("{}<span>Total downloads</span><h3 title=\"1\">1</h3>", LISTING);
        assert!(matches!(parse(&pkg), Err(ParseError::WrongPage(_))));
    }
}
