//! Rows of tagged versions, as the package page's "Recent tagged image versions" box and the
//! versions pages list them. A version is the run of tag links to the same version id
//! (`…/<id>?tag=latest`, `…/<id>?tag=v1.2.3`); its downloads are the count text right before
//! the label "Version downloads" (GitHub's screen-reader label), or, in rows without that
//! label, the first count text outside its links ("1,234", "1,234 downloads").
//!
//! A row that cannot be read (a version id or a count that is no number, no count at all) is
//! skipped, and why is kept in `skipped`: one odd row never costs the others.

use crate::content::{collapse, text_is};
use crate::count::{bad_count, parse_exact, CountError};
use crate::paths::version_link;
use crate::tokenizer::Tag;
use crate::{ParseError, TaggedVersion};

pub const DOWNLOADS_LABEL: &str = "Version downloads";
/// The moving alias GitHub puts on the newest version.
pub const LATEST_TAG: &str = "latest";

struct Row {
    id: u64,
    tags: Vec<String>,
    /// The first count text after the links.
    first: Option<u64>,
    /// The latest non-blank text outside links, when it was a count.
    last: Option<u64>,
    /// The count the "Version downloads" label names.
    labelled: Option<u64>,
    /// Why the row cannot be read, once that is known.
    broken: Option<ParseError>,
}

#[derive(Default)]
pub struct Rows {
    pub versions: Vec<TaggedVersion>,
    /// Why each row that could not be read was skipped, in page order.
    pub skipped: Vec<ParseError>,
    row: Option<Row>,
    in_link: bool,
}

/// A row's count text: "1,234", optionally followed by "downloads".
fn count_text(raw: &str) -> Option<Result<u64, ParseError>> {
    let text = collapse(raw);
    let number = text.strip_suffix(" downloads").or_else(|| text.strip_suffix(" download")).unwrap_or(&text);
    match parse_exact(number) {
        Ok(n) => Some(Ok(n)),
        Err(CountError::Invalid) => None,
        Err(e) => Some(Err(bad_count(e, "version downloads", number))),
    }
}

impl Rows {
    /// Whether the scan is inside a row (a version link was seen and not yet closed).
    pub fn open(&self) -> bool {
        self.row.is_some()
    }

    pub fn start(&mut self, tag: &Tag<'_>) {
        if !tag.is("a") {
            return;
        }
        let href = match tag.attr("href") {
            Some(h) => h,
            None => return,
        };
        let (id, name) = match version_link(&href) {
            Some(v) => v,
            None => return,
        };
        let id = match parse_exact(id) {
            Ok(id) => id,
            Err(e) => {
                self.close();
                self.skipped.push(bad_count(e, "version id", id));
                return;
            }
        };
        if let Some(row) = self.row.as_mut().filter(|r| r.id == id) {
            if !row.tags.iter().any(|t| *t == name) {
                row.tags.push(name.into_owned());
            }
        } else {
            self.close();
            self.row = Some(Row { id, tags: vec![name.into_owned()], first: None, last: None, labelled: None, broken: None });
        }
        self.in_link = true;
    }

    pub fn end(&mut self, name: &str) {
        if name.eq_ignore_ascii_case("a") {
            self.in_link = false;
        }
    }

    pub fn text(&mut self, raw: &str) {
        let row = match self.row.as_mut() {
            Some(r) if !self.in_link && r.broken.is_none() => r,
            _ => return,
        };
        if crate::content::is_blank(raw) {
            return;
        }
        if text_is(raw, DOWNLOADS_LABEL) {
            match row.last {
                Some(n) => row.labelled = Some(n),
                None => row.broken = Some(ParseError::NotFound(format!("no count before \"{}\" for version {}", DOWNLOADS_LABEL, row.id))),
            }
        } else {
            row.last = match count_text(raw) {
                Some(Ok(n)) => Some(n),
                Some(Err(e)) => {
                    row.broken = Some(e);
                    None
                }
                None => None,
            };
            if row.first.is_none() {
                row.first = row.last;
            }
        }
    }

    /// Ends the open row, if any: kept if its downloads were read, else skipped.
    pub fn close(&mut self) {
        if let Some(row) = self.row.take() {
            match (row.broken, row.labelled.or(row.first)) {
                (Some(e), _) => self.skipped.push(e),
                (None, Some(downloads)) => self.versions.push(TaggedVersion { id: row.id, tags: row.tags, downloads }),
                (None, None) => self.skipped.push(ParseError::NotFound(format!("no download count for version {} (tag \"{}\")", row.id, row.tags[0]))),
            }
        }
        self.in_link = false;
    }

    /// Drops the open row, read only in part (its list was cut short).
    pub fn abandon(&mut self) {
        if let Some(row) = self.row.take() {
            self.skipped.push(ParseError::NotFound(format!("the row of version {} is cut short", row.id)));
        }
    }
}

/// The tag that names a version: its first tag other than the moving `latest`.
pub fn version_name(v: &TaggedVersion) -> &String {
    v.tags.iter().find(|t| *t != LATEST_TAG).unwrap_or(&v.tags[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Content, Node};

    /// The rows read, or the first reason one was skipped.
    fn read(html: &str) -> Result<Vec<TaggedVersion>, ParseError> {
        let rows = all(html);
        match rows.skipped.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(rows.versions),
        }
    }

    fn all(html: &str) -> Rows {
        let mut rows = Rows::default();
        for node in Content::new(html) {
            match node {
                Node::Start(t) => rows.start(&t),
                Node::End(n) => rows.end(n),
                Node::Text(t) => rows.text(t),
            }
        }
        rows.close();
        rows
    }

    #[test]
    fn a_row_that_cannot_be_read_is_skipped_and_the_others_kept() {
        let html = REAL_ROW.replace("17,118", "n/a");
        let rows = all(&html);
        assert_eq!(rows.versions.iter().map(|v| (v.id, v.downloads)).collect::<Vec<_>>(), vec![(6, 3)]);
        assert!(matches!(&rows.skipped[..], [ParseError::NotFound(m)] if m.contains("version 7")));
        let big_id = REAL_ROW.replace("/7?tag=latest", "/99999999999999999999?tag=latest").replace("/7?tag=c4ce", "/99999999999999999999?tag=c4ce");
        let rows = all(&big_id);
        assert_eq!(rows.versions.iter().map(|v| v.id).collect::<Vec<_>>(), vec![6]);
        assert_eq!(rows.skipped.len(), 2); // each of its two links
    }

    const REAL_ROW: &str = r#"<li class="Box-row"><a class="Label" href="/orgs/o/packages/container/n/7?tag=latest">latest</a>
        <a class="Label" href="/orgs/o/packages/container/n/7?tag=c4ce">c4ce</a>
        <small>Published 11 days ago · Digest <code>sha256:6ad5</code></small>
        <span><svg><path d="M0"></path></svg>
            17,118
            <span class="sr-only">Version downloads</span></span></li>
        <li><a href="/orgs/o/packages/container/n/6?tag=2024">2024</a> 3 <span>Version downloads</span></li>"#;

    #[test]
    fn tags_of_one_id_are_one_version() {
        let v = read(REAL_ROW).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!((v[0].id, v[0].tags.clone(), v[0].downloads), (7, vec!["latest".to_string(), "c4ce".to_string()], 17_118));
        assert_eq!(version_name(&v[0]), "c4ce");
        // A numeric tag is link text, never the count.
        assert_eq!((v[1].id, v[1].downloads, version_name(&v[1]).as_str()), (6, 3, "2024"));
    }

    #[test]
    fn the_label_names_the_count_before_it() {
        let html = REAL_ROW.replace("Published 11 days ago", "5");
        assert_eq!(read(&html).unwrap()[0].downloads, 17_118);
        let unlabelled = REAL_ROW.replace("<span class=\"sr-only\">Version downloads</span>", "");
        assert_eq!(read(&unlabelled).unwrap()[0].downloads, 17_118);
    }

    #[test]
    fn missing_or_bad_counts() {
        let no_count = REAL_ROW.replace("17,118", "n/a");
        assert!(matches!(read(&no_count), Err(ParseError::NotFound(m)) if m.contains("Version downloads")));
        let none = REAL_ROW.replace("17,118", "").replace("<span class=\"sr-only\">Version downloads</span>", "");
        assert!(matches!(read(&none), Err(ParseError::NotFound(m)) if m.contains("version 7")));
        let big = REAL_ROW.replace("17,118", "18446744073709551616");
        assert!(matches!(read(&big), Err(ParseError::BadValue(_))));
        let big_id = REAL_ROW.replace("/7?", "/99999999999999999999?");
        assert!(matches!(read(&big_id), Err(ParseError::BadValue(m)) if m.contains("version id")));
    }
}
