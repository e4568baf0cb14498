//! The package page. Each value hangs off a label:
//!
//! * total: the `<h3>` after the text "Total downloads"; its `title` is exact, its text the
//!   rounded display ("123M"), which must agree with the title;
//! * the last 30 days: the `<svg>` labelled "Downloads for the last 30 days" (its own
//!   `aria-label`, a labelled wrapper's, or a heading right before it), one
//!   `<rect data-date data-merge-count>` a day;
//! * last published: the `<relative-time>`/`<time>` after the text "Last published";
//! * repository: a link `<a href="/owner/repo">owner/repo</a>`;
//! * latest version: the tag in the install command `docker pull ghcr.io/owner/name:tag`.
//!
//! A label and what it labels may have only tags and whitespace between them: any other
//! text cancels the label (so "total downloads" in prose never picks up a later heading).

use crate::content::{is_blank, same_words, sub, sub_str, text_is, Content, Node, TextOf};
use crate::bytes::find_str;
use crate::count::{parse_display, parse_exact, CountError};
use crate::paths::repo_link;
use crate::tokenizer::Tag;
use crate::{entities, DailyCount, PackagePage, ParseError};
use std::borrow::Cow;

pub const TOTAL_LABEL: &str = "Total downloads";
pub const CHART_LABEL: &str = "Downloads for the last 30 days";
const PUBLISHED_LABEL: &str = "Last published";

/// Whether text is the install command `docker pull ghcr.io/...` (a package page's mark).
pub fn install_command(raw: &str) -> Option<Cow<'_, str>> {
    find_str(b"docker", raw.as_bytes(), false)?;
    let text = entities::decode(raw, false);
    let at = find_str(b"docker pull ", text.as_bytes(), false)?;
    let rest = &text[at + "docker pull ".len()..];
    let image_start = at + "docker pull ".len() + (rest.len() - rest.trim_start().len());
    let image_len = text[image_start..].find(char::is_whitespace).unwrap_or(text.len() - image_start);
    let image = &text[image_start..image_start + image_len];
    if !image.starts_with("ghcr.io/") {
        return None;
    }
    Some(sub(&text, image_start, image_start + image_len))
}

/// The tag of an image reference (`ghcr.io/o/n:tag`, `...:tag@sha256:...`); none for a digest.
fn image_tag<'a>(image: &Cow<'a, str>) -> Option<Cow<'a, str>> {
    let end = image.find('@').unwrap_or(image.len());
    let last = image[..end].rfind('/')? + 1;
    let colon = image[last..end].find(':')? + last;
    if colon + 1 < end {
        Some(sub(image, colon + 1, end))
    } else {
        None
    }
}

#[derive(PartialEq)]
enum Chart {
    Unseen,
    /// The label was seen; the next svg is the chart.
    Labelled,
    /// Inside the chart svg, at this svg nesting depth.
    In(u32),
    Done,
}

struct Total<'a> {
    title: Option<Cow<'a, str>>,
    text: TextOf,
    closed: bool,
}

#[derive(Default)]
struct Pending {
    total: bool,
    published: bool,
}

struct Scan<'a> {
    package_page: bool,
    pending: Pending,
    total_label: bool,
    total: Option<Total<'a>>,
    chart: Chart,
    daily: Vec<DailyCount<'a>>,
    published: Option<Cow<'a, str>>,
    repository: Option<Cow<'a, str>>,
    /// A link that may name the repository: (owner/repo from its href, its text so far).
    repo_link: Option<(Cow<'a, str>, TextOf)>,
    latest: Option<Option<Cow<'a, str>>>,
}

impl<'a> Scan<'a> {
    fn complete(&self) -> bool {
        self.chart == Chart::Done
            && self.total.as_ref().map_or(false, |t| t.closed)
            && self.published.is_some()
            && self.repository.is_some()
            && self.latest.is_some()
    }

    fn start(&mut self, tag: Tag<'a>) -> Result<(), ParseError> {
        if let Chart::In(depth) = self.chart {
            if tag.is("svg") && !tag.self_closing {
                self.chart = Chart::In(depth + 1);
            } else if tag.is("rect") {
                self.rect(&tag)?;
            }
            return Ok(());
        }
        if self.chart == Chart::Unseen || self.chart == Chart::Labelled {
            let labelled = tag.has_aria_label && tag.raw_attr("aria-label").map_or(false, |a| same_words(&a.value(), CHART_LABEL));
            if labelled {
                self.package_page = true;
            }
            if tag.is("svg") && (labelled || self.chart == Chart::Labelled) {
                self.chart = if tag.self_closing { Chart::Done } else { Chart::In(1) };
                return Ok(());
            }
            if labelled {
                self.chart = Chart::Labelled;
            }
        }
        if self.pending.total && tag.is("h3") {
            self.pending.total = false;
            self.total = Some(Total { title: tag.attr("title"), text: TextOf::default(), closed: false });
        } else if self.pending.published && (tag.is("relative-time") || tag.is("time")) {
            if let Some(dt) = tag.attr("datetime") {
                self.pending.published = false;
                self.published = Some(dt);
            }
        } else if self.repository.is_none() && self.repo_link.is_none() && tag.is("a") {
            if let Some(href) = tag.attr("href") {
                if let Some(nwo) = repo_link(&href) {
                    self.repo_link = Some((sub_str(&href, nwo), TextOf::default()));
                }
            }
        }
        Ok(())
    }

    fn rect(&mut self, tag: &Tag<'a>) -> Result<(), ParseError> {
        let (date, count) = (tag.attr("data-date"), tag.attr("data-merge-count"));
        match (date, count) {
            (None, None) => Ok(()),
            (Some(date), Some(count)) => {
                if !is_iso_date(&date) {
                    return Err(ParseError::BadValue(format!("chart bar date \"{}\" is not YYYY-MM-DD", date)));
                }
                let count = parse_exact(&count).map_err(|e| bad_count(e, &format!("chart bar for {}", date), &count))?;
                self.daily.push(DailyCount { date, count });
                Ok(())
            }
            (Some(date), None) => Err(ParseError::BadValue(format!("chart bar for {} has no data-merge-count", date))),
            (None, Some(_)) => Err(ParseError::BadValue("chart bar without data-date".into())),
        }
    }

    fn end(&mut self, name: &str) {
        if let Chart::In(depth) = self.chart {
            if name.eq_ignore_ascii_case("svg") {
                self.chart = if depth == 1 { Chart::Done } else { Chart::In(depth - 1) };
            }
            return;
        }
        if let Some(t) = self.total.as_mut() {
            if !t.closed && name.eq_ignore_ascii_case("h3") {
                t.closed = true;
            }
        }
        if name.eq_ignore_ascii_case("a") {
            if let Some((nwo, text)) = self.repo_link.take() {
                if text.reads(&nwo) {
                    self.repository = Some(nwo);
                }
            }
        }
    }

    fn text(&mut self, raw: &'a str) {
        if let Chart::In(_) = self.chart {
            return;
        }
        if let Some(t) = self.total.as_mut() {
            if !t.closed {
                t.text.push(raw);
                return;
            }
        }
        if let Some((_, text)) = self.repo_link.as_mut() {
            text.push(raw);
        }
        if is_blank(raw) {
            return;
        }
        self.pending = Pending::default();
        if self.chart == Chart::Labelled {
            // Text between the chart's label and an svg: that svg is not the chart.
            self.chart = Chart::Unseen;
        }
        if text_is(raw, TOTAL_LABEL) {
            self.package_page = true;
            self.total_label = true;
            self.pending.total = self.total.is_none();
        } else if text_is(raw, CHART_LABEL) {
            self.package_page = true;
            if self.chart == Chart::Unseen {
                self.chart = Chart::Labelled;
            }
        } else if text_is(raw, PUBLISHED_LABEL) {
            self.pending.published = self.published.is_none();
        } else if self.latest.is_none() {
            if let Some(image) = install_command(raw) {
                self.package_page = true;
                self.latest = Some(image_tag(&image));
            }
        }
    }

    fn finish(self) -> Result<PackagePage<'a>, ParseError> {
        if !self.package_page {
            return Err(ParseError::WrongPage(format!(
                "not a package page: no \"{}\" label, no \"{}\" chart, no install command",
                TOTAL_LABEL, CHART_LABEL
            )));
        }
        let total = match self.total {
            Some(t) if t.closed => t,
            Some(_) => return Err(ParseError::NotFound("the total's h3 is not closed".into())),
            None if self.total_label => return Err(ParseError::NotFound(format!("no h3 right after \"{}\"", TOTAL_LABEL))),
            None => return Err(ParseError::NotFound(format!("no \"{}\" label", TOTAL_LABEL))),
        };
        let display = total.text.collapsed();
        let (total_downloads, total_exact) = match &total.title {
            Some(title) => {
                let exact = parse_exact(title).map_err(|e| bad_count(e, "total title", title))?;
                // The rounded text must describe the same number, or one of them is not the total.
                if let Ok(approx) = parse_display(&display) {
                    if !approx.admits(exact) {
                        return Err(ParseError::BadValue(format!("total title {} disagrees with its text \"{}\"", exact, display)));
                    }
                }
                (exact, true)
            }
            None if display.is_empty() => return Err(ParseError::NotFound("the total's h3 has neither title nor text".into())),
            None => (parse_display(&display).map_err(|e| bad_count(e, "total", &display))?.value, false),
        };
        match self.chart {
            Chart::Done => {}
            Chart::In(_) => return Err(ParseError::NotFound("the chart's svg is not closed".into())),
            Chart::Labelled => return Err(ParseError::NotFound(format!("no svg right after \"{}\"", CHART_LABEL))),
            Chart::Unseen => return Err(ParseError::NotFound(format!("no \"{}\" chart", CHART_LABEL))),
        }
        let mut daily = self.daily;
        daily.sort_by(|a, b| a.date.cmp(&b.date));
        if let Some(w) = daily.windows(2).find(|w| w[0].date == w[1].date) {
            return Err(ParseError::BadValue(format!("two chart bars for {}", w[0].date)));
        }
        Ok(PackagePage {
            total_downloads,
            total_exact,
            display_total: Cow::Owned(display),
            daily_downloads: daily,
            last_published: self.published,
            repository: self.repository,
            latest_version: self.latest.flatten(),
        })
    }
}

pub fn bad_count(e: CountError, what: &str, value: &str) -> ParseError {
    match e {
        CountError::Overflow => ParseError::BadValue(format!("{} \"{}\" overflows 64 bits", what, value)),
        CountError::Invalid => ParseError::BadValue(format!("{} \"{}\" is not a count", what, value)),
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, &c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() })
}

pub fn parse(html: &str) -> Result<PackagePage<'_>, ParseError> {
    let mut scan = Scan {
        package_page: false,
        pending: Pending::default(),
        total_label: false,
        total: None,
        chart: Chart::Unseen,
        daily: Vec::with_capacity(30),
        published: None,
        repository: None,
        repo_link: None,
        latest: None,
    };
    for node in Content::new(html) {
        match node {
            Node::Start(tag) => scan.start(tag)?,
            Node::End(name) => scan.end(name),
            Node::Text(raw) => scan.text(raw),
        }
        if scan.complete() {
            break;
        }
    }
    scan.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDEBAR: &str = r#"<div class="x"><span>Last published</span> <relative-time datetime="2026-02-20T07:00:01Z">Feb 20</relative-time></div>
        <div><a href="/fluxcd/flux2"><svg class="octicon"><path d="M0"/></svg> fluxcd/flux2</a></div>
        <pre><code>docker pull ghcr.io/fluxcd/flux-cli:v2.7.5</code></pre>
        <div><span class="tmp-mb-1">Total downloads</span>
        <h3 title="27182818284">27.1B</h3></div>
        <div aria-label="Downloads for the last 30 days"><svg><rect width="1"/>
        <rect data-date="2026-02-02" data-merge-count="5"/><rect data-merge-count="7" data-date="2026-02-01"></rect></svg></div>"#;

    fn page(body: &str) -> String {
        format!("<!DOCTYPE html><html><head><title>x</title></head><body>{}</body></html>", body)
    }

    #[test]
    fn reads_every_value() {
        let html = page(SIDEBAR);
        let p = parse(&html).unwrap();
        assert_eq!(p.total_downloads, 27_182_818_284);
        assert!(p.total_exact);
        assert_eq!(p.display_total, "27.1B");
        assert_eq!(
            p.daily_downloads,
            vec![DailyCount { date: "2026-02-01".into(), count: 7 }, DailyCount { date: "2026-02-02".into(), count: 5 }]
        );
        assert_eq!(p.last_published.as_deref(), Some("2026-02-20T07:00:01Z"));
        assert_eq!(p.repository.as_deref(), Some("fluxcd/flux2"));
        assert_eq!(p.latest_version.as_deref(), Some("v2.7.5"));
    }

    #[test]
    fn comma_title_and_entities() {
        let html = page(&SIDEBAR.replace(r#"title="27182818284""#, r#"title="27&#44;182,818&comma;284""#));
        assert_eq!(parse(&html).unwrap().total_downloads, 27_182_818_284);
    }

    #[test]
    fn display_only_is_not_exact() {
        let html = page(&SIDEBAR.replace(r#" title="27182818284""#, ""));
        let p = parse(&html).unwrap();
        assert_eq!((p.total_downloads, p.total_exact), (27_100_000_000, false));
    }

    #[test]
    fn title_must_agree_with_text() {
        let html = page(&SIDEBAR.replace(r#"title="27182818284""#, r#"title="999""#));
        assert!(matches!(parse(&html), Err(ParseError::BadValue(_))));
    }

    #[test]
    fn script_and_comment_lookalikes_are_ignored() {
        let body = SIDEBAR.replace("<span class=\"tmp-mb-1\">Total downloads</span>", "<script>x='Total downloads'</script><!-- Total downloads -->");
        let html = page(&format!("<script>var s='<span>Total downloads</span><h3 title=\"5\">5</h3>';</script>{}", body));
        assert_eq!(parse(&html), Err(ParseError::NotFound(format!("no {:?} label", TOTAL_LABEL))));
    }

    #[test]
    fn prose_between_label_and_h3_cancels_the_label() {
        let html = page(&SIDEBAR.replace("Total downloads</span>", "Total downloads</span> are shown below <h3>Usage</h3>"));
        assert!(matches!(parse(&html), Err(ParseError::NotFound(_))));
    }

    #[test]
    fn other_pages_are_wrong_pages() {
        assert!(matches!(parse(&page("<h1>Sign in to GitHub</h1>")), Err(ParseError::WrongPage(_))));
        assert!(matches!(parse(""), Err(ParseError::WrongPage(_))));
    }

    #[test]
    fn chart_errors() {
        let no_chart = page(&SIDEBAR.replace("Downloads for the last 30 days", "Something else"));
        assert!(matches!(parse(&no_chart), Err(ParseError::NotFound(_))));
        let bad = page(&SIDEBAR.replace(r#"data-merge-count="5""#, r#"data-merge-count="5x""#));
        assert!(matches!(parse(&bad), Err(ParseError::BadValue(_))));
        let dup = page(&SIDEBAR.replace("2026-02-01", "2026-02-02"));
        assert!(matches!(parse(&dup), Err(ParseError::BadValue(_))));
        let cut = page(SIDEBAR.split("</svg></div>").next().unwrap());
        assert!(matches!(parse(&cut), Err(ParseError::NotFound(_))));
        let overflow = page(&SIDEBAR.replace(r#"data-merge-count="5""#, r#"data-merge-count="18446744073709551616""#));
        assert!(matches!(parse(&overflow), Err(ParseError::BadValue(_))));
    }

    #[test]
    fn chart_label_as_heading() {
        let html = page(&SIDEBAR.replace(r#"<div aria-label="Downloads for the last 30 days"><svg>"#, r#"<div><h4>Downloads for the last 30 days</h4><svg aria-hidden="true">"#));
        assert_eq!(parse(&html).unwrap().daily_downloads.len(), 2);
    }

    #[test]
    fn digest_install_has_no_latest_version() {
        let html = page(&SIDEBAR.replace("flux-cli:v2.7.5", "flux-cli@sha256:abc"));
        assert_eq!(parse(&html).unwrap().latest_version, None);
    }

    #[test]
    fn total_overflow_is_bad_value() {
        let html = page(&SIDEBAR.replace(r#"title="27182818284">27.1B"#, r#"title="99999999999999999999">99999999T"#));
        assert!(matches!(parse(&html), Err(ParseError::BadValue(m)) if m.contains("overflows")));
    }
}
