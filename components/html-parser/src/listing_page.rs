//! An owner's package listing: one row per package, found by its link to a package page
//! (`/orgs|users/<owner>/packages/container/package/<name>` or the repository-scoped
//! `/<owner>/<repo>/pkgs/container/<name>`, with or without a `title`). The next page as
//! `pagination` finds it.

use crate::content::{text_is, Content, Node};
use crate::pagination::Pagination;
use crate::package_page::{install_command, TOTAL_LABEL};
use crate::paths::{package_link, percent_decode};
use crate::{bytes, ListedPackage, ListingPage, ParseError};

/// Texts that say an owner has no packages (an empty listing is still a listing).
pub fn says_none(raw: &str, what: &[&[u8]]) -> bool {
    what.iter().any(|w| bytes::find_str(w, raw.as_bytes(), true).is_some())
}

pub fn parse(html: &str) -> Result<ListingPage, ParseError> {
    let mut rows: Vec<ListedPackage> = Vec::new();
    let mut pages = Pagination::default();
    let mut package_page = false;
    let mut empty_state = false;
    for node in Content::new(html) {
        match node {
            Node::Start(tag) if tag.is("a") => {
                pages.start(&tag);
                let href = match tag.attr("href") {
                    Some(h) => h,
                    None => continue,
                };
                if let Some(encoded) = package_link(&href) {
                    let path_end = href.find(['?', '#']).unwrap_or(href.len());
                    let start = bytes::find_str(b"//github.com", href.as_bytes(), false).map_or(0, |i| i + "//github.com".len());
                    let path = &href[start..path_end];
                    if rows.iter().any(|r| r.path == path) {
                        continue;
                    }
                    rows.push(ListedPackage { name: percent_decode(encoded).into_owned(), path: path.to_string() });
                }
            }
            Node::Start(tag) => pages.start(&tag),
            Node::End(name) => pages.end(name),
            Node::Text(raw) => {
                pages.text(raw);
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
    Ok(ListingPage { packages: rows, next_page: pages.next()? })
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
    fn rows_and_next() {
        let l = parse(LISTING).unwrap();
        let got: Vec<(&str, &str)> = l.packages.iter().map(|p| (&*p.name, &*p.path)).collect();
        assert_eq!(
            got,
            vec![
                ("flux-cli", "/orgs/fluxcd/packages/container/package/flux-cli"),
                ("charts/flagger", "/orgs/fluxcd/packages/container/package/charts%2Fflagger"),
                ("x", "/orgs/fluxcd/packages/container/package/x"),
            ]
        );
        assert_eq!(l.next_page.as_deref(), Some("/orgs/fluxcd/packages?page=2&q=1"));
    }

    #[test]
    fn scraper_variants() {
        let html = r#"<ul><li class="Box-row"><a class="Link--primary" title="flux-cli" href="/fluxcd/flux2/pkgs/container/flux-cli">flux-cli</a>
            <span>Published 2 days ago by fluxcd in fluxcd/flux2.</span></li>
            <li class="Box-row"><a title="charts/flagger" href="/users/me/packages/container/package/charts%2Fflagger">charts/flagger</a> in no/repo/here</li></ul>
            <div><a href="/orgs/fluxcd/packages?page=1">1</a><em data-total-pages="2">1</em><a href="/orgs/fluxcd/packages?page=2">2</a></div>"#;
        let l = parse(html).unwrap();
        let got: Vec<(&str, &str)> = l.packages.iter().map(|p| (&*p.name, &*p.path)).collect();
        assert_eq!(got, vec![("flux-cli", "/fluxcd/flux2/pkgs/container/flux-cli"), ("charts/flagger", "/users/me/packages/container/package/charts%2Fflagger")]);
        assert_eq!(l.next_page.as_deref(), Some("/orgs/fluxcd/packages?page=2"));
    }

    #[test]
    fn last_page_has_no_next() {
        let html = LISTING.replace(r#"<a rel="next" href="/orgs/fluxcd/packages?page=2&amp;q=1">Next</a>"#, "<span>Next</span>");
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
