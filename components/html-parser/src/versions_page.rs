//! A package's tagged versions: rows as `version_rows` reads them (the tag links to one
//! version id, its count before "Version downloads" or the first count in the row).

use crate::content::{text_is, Content, Node};
use crate::listing_page::says_none;
use crate::package_page::{install_command, TOTAL_LABEL};
use crate::pagination::Pagination;
use crate::version_rows::Rows;
use crate::{ParseError, ParseWarning, VersionsPage};

pub fn parse(html: &str) -> Result<VersionsPage, ParseError> {
    let mut rows = Rows::default();
    let mut pages = Pagination::default();
    let mut package_page = false;
    let mut empty_state = false;
    for node in Content::new(html) {
        match node {
            Node::Start(tag) => {
                pages.start(&tag);
                rows.start(&tag);
            }
            Node::End(name) => {
                pages.end(name);
                rows.end(name);
            }
            Node::Text(raw) => {
                pages.text(raw);
                if text_is(raw, TOTAL_LABEL) || install_command(raw).is_some() {
                    package_page = true;
                }
                if rows.versions.is_empty() && !rows.open() && !empty_state {
                    empty_state = says_none(raw, &[b"no tagged versions", b"no versions"]);
                }
                rows.text(raw);
            }
        }
    }
    rows.close();
    if package_page {
        return Err(ParseError::WrongPage("a package page, not its versions".into()));
    }
    if rows.versions.is_empty() {
        // No row read: the page is not what it seems, whatever the reason for the first.
        match rows.skipped.into_iter().next() {
            Some(e) => return Err(e),
            None if !empty_state => return Err(ParseError::WrongPage("not a versions page: no links to tagged versions".into())),
            None => {}
        }
        return Ok(VersionsPage { versions: Vec::new(), next_page: pages.next()?, warnings: Vec::new() });
    }
    let warnings = rows.skipped.into_iter().map(|e| ParseWarning { field: "version-row".into(), message: format!("a row skipped: {}", e.describe()) }).collect();
    Ok(VersionsPage { versions: rows.versions, next_page: pages.next()?, warnings })
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
        let got: Vec<(u64, &str, u64)> = v.versions.iter().map(|r| (r.id, &*r.tags[0], r.downloads)).collect();
        assert_eq!(got, vec![(10, "v2.7.5", 1234), (9, "2024", 27_182_818_284)]);
        assert_eq!(v.next_page.as_deref(), Some("/orgs/fluxcd/packages/container/flux-cli/versions?filters%5Bversion_type%5D=tagged&page=2"));
    }

    #[test]
    fn a_row_that_cannot_be_read_is_skipped_and_named() {
        let html = ROWS.replace(" 1,234", " n/a");
        let page = parse(&html).unwrap();
        assert_eq!(page.versions.iter().map(|v| v.id).collect::<Vec<_>>(), vec![9]);
        assert!(matches!(&page.warnings[..], [ParseWarning { field, message }] if field == "version-row" && message.contains("v2.7.5")));
        let html = ROWS.replace("1,234", "99999999999999999999");
        let page = parse(&html).unwrap();
        assert!(matches!(&page.warnings[..], [w] if w.message.contains("overflows")));
        assert!(parse(ROWS).unwrap().warnings.is_empty());
    }

    #[test]
    fn with_no_row_readable_the_page_is_an_error() {
        let none = ROWS.replace(" 1,234", " n/a").replace("27182818284 downloads", "many");
        assert!(matches!(parse(&none), Err(ParseError::NotFound(m)) if m.contains("v2.7.5")));
        assert!(matches!(parse(&ROWS.replace("1,234", "99999999999999999999").replace("27182818284 downloads", "")), Err(ParseError::BadValue(_))));
    }

    #[test]
    fn rows_as_on_the_package_page() {
        let html = r#"<ul><li class="Box-row"><a href="/orgs/o/packages/container/n/7?tag=latest">latest</a>
            <a href="/orgs/o/packages/container/n/7?tag=v2">v2</a> <small>Published 3 days ago</small>
            17,118 <span class="sr-only">Version downloads</span></li>
            <li class="Box-row"><a href="/o/r/pkgs/container/n/6?tag=v1">v1</a> 0 <span>Version downloads</span></li></ul>"#;
        let page = parse(html).unwrap();
        let got: Vec<(u64, Vec<&str>, u64)> = page.versions.iter().map(|v| (v.id, v.tags.iter().map(|t| t.as_ref()).collect(), v.downloads)).collect();
        assert_eq!(got, vec![(7, vec!["latest", "v2"], 17_118), (6, vec!["v1"], 0)]);
    }

    #[test]
    fn empty_and_wrong() {
        assert_eq!(parse("<h3>No tagged versions</h3>").unwrap().versions, vec![]);
        assert!(matches!(parse("<p>hello</p>"), Err(ParseError::WrongPage(_))));
        assert!(matches!(parse(&format!("{}<pre>docker pull ghcr.io/a/b:1</pre>", ROWS)), Err(ParseError::WrongPage(_))));
    }
}
