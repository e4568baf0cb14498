//! The package page. Each value hangs off a label:
//!
//! * total: the `<h3>` after the text "Total downloads"; its `title` is exact, its text the
//!   rounded display ("123M"), which must agree with the title;
//! * the last 30 days: the `<svg>` labelled "Downloads for the last 30 days" (its own
//!   `aria-label`, a labelled wrapper's, or a heading right before it), one
//!   `<rect data-date data-merge-count>` a day;
//! * last published: the `title` of the `<h3>` after the text "Last published" (or the
//!   `datetime` of a `<relative-time>`/`<time>` there), as the page writes it;
//! * repository: a link to `/owner/repo` that reads `owner/repo`, or `repo` as the
//!   sidebar's details show it;
//! * latest version: the tag the install command pulls (`install`), else the tag beside
//!   `latest` in the recent versions;
//! * recent versions: the rows (`version_rows`) of the first list after the heading
//!   "Recent tagged image versions".
//!
//! A label and what it labels may have only tags and whitespace between them: any other
//! text cancels the label (so "total downloads" in prose never picks up a later heading).
//!
//! The total and the chart are what the page is read for: without them, or with them
//! malformed, the page is an error. The rest is left out where it cannot be read, with a
//! warning: last published (every package page has it), the latest version (where the page
//! has no install command and no `latest` tag), each row of the recent versions. A missing
//! repository is no warning: a package need not be linked to one.

use crate::content::{is_blank, same_words, sub_str, text_is, Content, Node, TextOf};
use crate::count::{bad_count, parse_display, parse_exact};
use crate::install::Install;
pub use crate::install::install_command;
use crate::paths::repo_link;
use crate::tokenizer::Tag;
use crate::version_rows::{version_name, Rows, LATEST_TAG};
use crate::{DailyCount, PackagePage, ParseError, ParseWarning};
use std::borrow::Cow;

pub const TOTAL_LABEL: &str = "Total downloads";
pub const CHART_LABEL: &str = "Downloads for the last 30 days";
const PUBLISHED_LABEL: &str = "Last published";
const VERSIONS_LABEL: &str = "Recent tagged image versions";

#[derive(PartialEq)]
enum Chart {
    Unseen,
    /// The label was seen; the next svg is the chart.
    Labelled,
    /// Inside the chart svg, at this svg nesting depth.
    In(u32),
    Done,
}

/// The recent versions box: its heading, then the first list after it.
#[derive(PartialEq)]
enum Recent<'a> {
    Unseen,
    Labelled,
    /// Inside the list (`ul`, `ol`, or `role="list"` on this element), at this nesting depth.
    In(&'a str, u32),
    Done,
}

fn is_list(tag: &Tag<'_>) -> bool {
    tag.is("ul") || tag.is("ol") || tag.attr("role").map_or(false, |r| r.eq_ignore_ascii_case("list"))
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
    daily: Vec<DailyCount>,
    published: Option<Cow<'a, str>>,
    repository: Option<Cow<'a, str>>,
    /// A link that may name the repository: (owner/repo from its href, its text so far).
    repo_link: Option<(Cow<'a, str>, TextOf)>,
    /// The install command being read.
    install: Option<Install>,
    /// The tag it pulls, once read (none for a digest).
    installed: Option<Option<String>>,
    recent: Recent<'a>,
    rows: Rows,
}

/// Whether a link's text names the repository it links: `owner/repo`, or `repo` exactly.
fn names_repository(text: &TextOf, nwo: &str) -> bool {
    text.reads(nwo) || nwo.split_once('/').map_or(false, |(_, repo)| text.collapsed() == repo)
}

impl<'a> Scan<'a> {
    fn complete(&self) -> bool {
        self.chart == Chart::Done
            && self.total.as_ref().map_or(false, |t| t.closed)
            && self.published.is_some()
            && self.repository.is_some()
            && self.installed.is_some()
            && self.recent == Recent::Done
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
        match self.recent {
            Recent::In(name, depth) => {
                if tag.is(name) && !tag.self_closing {
                    self.recent = Recent::In(name, depth + 1);
                }
                self.rows.start(&tag);
            }
            Recent::Labelled if !tag.self_closing && is_list(&tag) => self.recent = Recent::In(tag.name, 1),
            _ => {}
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
        } else if self.pending.published {
            let when = if tag.is("h3") {
                tag.attr("title")
            } else if tag.is("relative-time") || tag.is("time") {
                tag.attr("datetime")
            } else {
                None
            };
            if let Some(when) = when.filter(|w| !w.trim().is_empty()) {
                self.pending.published = false;
                self.published = Some(when);
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
                self.daily.push(DailyCount { date: date.into_owned(), count });
                Ok(())
            }
            (Some(date), None) => Err(ParseError::BadValue(format!("chart bar for {} has no data-merge-count", date))),
            (None, Some(_)) => Err(ParseError::BadValue("chart bar without data-date".into())),
        }
    }

    fn end(&mut self, name: &str) -> Result<(), ParseError> {
        if let Chart::In(depth) = self.chart {
            if name.eq_ignore_ascii_case("svg") {
                self.chart = if depth == 1 { Chart::Done } else { Chart::In(depth - 1) };
            }
            return Ok(());
        }
        if let Some(install) = self.install.as_mut() {
            install.end(name);
            self.install_read();
        }
        if let Recent::In(list, depth) = self.recent {
            self.rows.end(name);
            if name.eq_ignore_ascii_case(list) {
                if depth == 1 {
                    self.recent = Recent::Done;
                    self.rows.close();
                } else {
                    self.recent = Recent::In(list, depth - 1);
                }
            }
        }
        if let Some(t) = self.total.as_mut() {
            if !t.closed && name.eq_ignore_ascii_case("h3") {
                t.closed = true;
            }
        }
        if name.eq_ignore_ascii_case("a") {
            if let Some((nwo, text)) = self.repo_link.take() {
                if names_repository(&text, &nwo) {
                    self.repository = Some(nwo);
                }
            }
        }
        Ok(())
    }

    fn install_read(&mut self) {
        if let Some(install) = self.install.take() {
            if install.done() {
                self.installed = Some(install.tag());
            } else {
                self.install = Some(install);
            }
        }
    }

    fn text(&mut self, raw: &'a str) -> Result<(), ParseError> {
        if let Chart::In(_) = self.chart {
            return Ok(());
        }
        if let Recent::In(..) = self.recent {
            self.rows.text(raw);
        }
        if let Some(t) = self.total.as_mut() {
            if !t.closed {
                t.text.push(raw);
                return Ok(());
            }
        }
        if let Some((_, text)) = self.repo_link.as_mut() {
            text.push(raw);
        }
        if let Some(install) = self.install.as_mut() {
            install.text(raw);
            self.install_read();
        }
        if is_blank(raw) {
            return Ok(());
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
        } else if self.recent == Recent::Unseen && text_is(raw, VERSIONS_LABEL) {
            self.recent = Recent::Labelled;
        } else if self.installed.is_none() && self.install.is_none() {
            if let Some(rest) = install_command(raw) {
                self.package_page = true;
                self.install = Some(Install::new(&rest));
                self.install_read();
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<PackagePage, ParseError> {
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
        // Unstable is enough: two bars of one date are an error below.
        // The page draws the bars oldest first: an insertion sort is one pass over them, and
        // far smaller code than the standard library's sort.
        for i in 1..daily.len() {
            let mut j = i;
            while j > 0 && daily[j - 1].date > daily[j].date {
                daily.swap(j - 1, j);
                j -= 1;
            }
        }
        if let Some(w) = daily.windows(2).find(|w| w[0].date == w[1].date) {
            return Err(ParseError::BadValue(format!("two chart bars for {}", w[0].date)));
        }
        let mut warnings = Vec::new();
        let mut warn = |field: &str, message: String| warnings.push(ParseWarning { field: field.into(), message });
        if let Recent::In(..) = self.recent {
            self.rows.abandon();
            warn("recent-versions", format!("the \"{}\" list is not closed", VERSIONS_LABEL));
        }
        for e in self.rows.skipped.drain(..) {
            warn("recent-versions", format!("a row skipped: {}", e.describe()));
        }
        let last_published = match self.published {
            Some(when) if is_iso_instant(&when) => Some(when.into_owned()),
            Some(when) => {
                warn("last-published", format!("\"{}\" is not an ISO 8601 instant with an offset", when));
                None
            }
            None => {
                warn("last-published", format!("no value after \"{}\"", PUBLISHED_LABEL));
                None
            }
        };
        let recent = self.rows.versions;
        let latest_version = match self.installed {
            Some(Some(tag)) => Some(tag),
            installed => {
                let beside_latest = recent.iter().find(|v| v.tags.iter().any(|t| t == LATEST_TAG)).map(|v| version_name(v).clone());
                if installed.is_none() && beside_latest.is_none() {
                    warn("latest-version", "no install command, and no version tagged \"latest\"".into());
                }
                beside_latest
            }
        };
        Ok(PackagePage {
            total_downloads,
            total_exact,
            display_total: display,
            daily_downloads: daily,
            last_published,
            repository: self.repository.map(Cow::into_owned),
            latest_version,
            recent_versions: recent,
            warnings,
        })
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, &c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() })
}

/// Two digits at `b[i..]` as a number.
fn two(b: &[u8], i: usize) -> Option<u32> {
    match (b.get(i), b.get(i + 1)) {
        (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => Some(((x - b'0') * 10 + (y - b'0')) as u32),
        _ => None,
    }
}

/// A calendar instant `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`: the day exists, the time and
/// offset are in range. What readers downstream convert to UTC, so nothing else gets through.
pub fn is_iso_instant(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !is_iso_date(&s[..10]) || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return false;
    }
    let year = two(b, 0).unwrap_or(0) * 100 + two(b, 2).unwrap_or(0);
    let (month, day) = (two(b, 5).unwrap_or(0), two(b, 8).unwrap_or(0));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    let time_ok = matches!((two(b, 11), two(b, 14), two(b, 17)), (Some(h), Some(m), Some(sec)) if h < 24 && m < 60 && sec < 60);
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += digits;
    }
    let offset_ok = match &b[i..] {
        [b'Z'] => true,
        [sign, _, _, b':', _, _] if *sign == b'+' || *sign == b'-' => matches!((two(b, i + 1), two(b, i + 4)), (Some(h), Some(m)) if h < 24 && m < 60),
        _ => false,
    };
    day >= 1 && day <= days && time_ok && offset_ok
}

pub fn parse(html: &str) -> Result<PackagePage, ParseError> {
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
        install: None,
        installed: None,
        recent: Recent::Unseen,
        rows: Rows::default(),
    };
    for node in Content::new(html) {
        match node {
            Node::Start(tag) => scan.start(tag)?,
            Node::End(name) => scan.end(name)?,
            Node::Text(raw) => scan.text(raw)?,
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
    fn text_between_the_chart_label_and_an_svg_unlabels_it() {
        let labelled = r#"<div aria-label="Downloads for the last 30 days"><svg>"#;
        let heading = r#"<div><h4>Downloads for the last 30 days</h4><svg aria-hidden="true">"#;
        assert!(parse(&page(&SIDEBAR.replace(labelled, heading))).is_ok());
        let apart = r#"<div><h4>Downloads for the last 30 days</h4><p>No data yet</p><svg aria-hidden="true">"#;
        assert_eq!(
            parse(&page(&SIDEBAR.replace(labelled, apart))),
            Err(ParseError::NotFound(format!("no \"{}\" chart", CHART_LABEL)))
        );
    }

    #[test]
    fn the_total_label_is_the_whole_text_not_a_part() {
        let longer = page(&SIDEBAR.replace(">Total downloads<", ">Total downloads of the org<"));
        assert_eq!(parse(&longer), Err(ParseError::NotFound(format!("no \"{}\" label", TOTAL_LABEL))));
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
    fn instants() {
        for ok in ["2026-07-29T00:36:30-07:00", "2026-02-20T07:00:01Z", "2024-02-29T23:59:59.123+05:30"] {
            assert!(is_iso_instant(ok), "{}", ok);
        }
        for bad in ["2026-07-29", "2026-07-29T00:36:30", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-07-29T24:00:00Z", "2026-07-29T00:36:30-07", "2026-07-29T00:36:30.Z", "11 days ago", "2026-07-29T00:36:30-07:00x"] {
            assert!(!is_iso_instant(bad), "{}", bad);
        }
    }

    #[test]
    fn last_published_from_the_h3_title() {
        let html = page(&SIDEBAR.replace(r#"<span>Last published</span> <relative-time datetime="2026-02-20T07:00:01Z">Feb 20</relative-time>"#, r#"<span>Last published</span><h3 title="2026-07-29T00:36:30-07:00">11 days ago</h3><span>Issues</span><h3 title="0">0</h3>"#));
        assert_eq!(parse(&html).unwrap().last_published.as_deref(), Some("2026-07-29T00:36:30-07:00"));
        assert!(parse(&html).unwrap().warnings.is_empty());
    }

    /// The fields of a page read whole, but for what each test changes.
    fn fields(p: &PackagePage) -> (u64, bool, usize, Option<String>, Option<String>, usize) {
        (p.total_downloads, p.total_exact, p.daily_downloads.len(), p.repository.clone(), p.latest_version.clone(), p.recent_versions.len())
    }

    fn warned(p: &PackagePage) -> Vec<&str> {
        p.warnings.iter().map(|w| w.field.as_str()).collect()
    }

    #[test]
    fn a_last_published_that_cannot_be_read_is_left_out_and_named() {
        let html = page(SIDEBAR);
        let whole = parse(&html).unwrap();
        for (changed, says) in [
            ("2026-02-20T07:00:01Z", "Nov 19, 2026, 3:04 PM UTC"),
            (r#"datetime="2026-02-20T07:00:01Z""#, r#"data-x="1""#),
            ("Last published", "Published"),
        ] {
            let html = page(&SIDEBAR.replace(changed, says));
            let p = parse(&html).unwrap();
            assert_eq!((fields(&p), p.last_published.clone()), (fields(&whole), None), "{}", says);
            assert_eq!(warned(&p), vec!["last-published"], "{}", says);
        }
        let html = page(&SIDEBAR.replace("2026-02-20T07:00:01Z", "Nov 19, 2026, 3:04 PM UTC"));
        let human = parse(&html).unwrap();
        assert!(human.warnings[0].message.contains("Nov 19, 2026, 3:04 PM UTC"));
    }

    #[test]
    fn a_latest_version_with_nothing_to_name_it_is_named_missing() {
        let html = page(&SIDEBAR.replace("docker pull ghcr.io/fluxcd/flux-cli:v2.7.5", ""));
        let p = parse(&html).unwrap();
        assert_eq!((p.total_downloads, p.daily_downloads.len(), p.latest_version.clone()), (27_182_818_284, 2, None));
        assert_eq!(warned(&p), vec!["latest-version"]);
        // A digest is an install command with no tag: nothing is missing.
        let digest = page(&SIDEBAR.replace("flux-cli:v2.7.5", "flux-cli@sha256:abc"));
        assert!(parse(&digest).unwrap().warnings.is_empty());
    }

    #[test]
    fn repository_link_reading_only_the_repo() {
        let html = page(&SIDEBAR.replace("> fluxcd/flux2</a>", "> flux2</a>"));
        assert_eq!(parse(&html).unwrap().repository.as_deref(), Some("fluxcd/flux2"));
        let other = page(&SIDEBAR.replace("> fluxcd/flux2</a>", "> Code</a>"));
        assert_eq!(parse(&other).unwrap().repository, None);
    }

    #[test]
    fn recent_versions_and_latest() {
        let recent = r#"<div><h3>Recent tagged image versions</h3></div><ul>
            <li><a href="/orgs/fluxcd/packages/container/flux-cli/9?tag=latest">latest</a><a href="/orgs/fluxcd/packages/container/flux-cli/9?tag=v2.7.5">v2.7.5</a>
            <span>1,234 <span>Version downloads</span></span></li>
            <li><a href="/orgs/fluxcd/packages/container/flux-cli/8?tag=v2.7.4">v2.7.4</a> <span>5</span><span>Version downloads</span></li></ul>
            <a href="/orgs/fluxcd/packages/container/flux-cli/7?tag=v0">not listed</a>"#;
        let html = page(&format!("{}{}", recent, SIDEBAR));
        let p = parse(&html).unwrap();
        let rows: Vec<(u64, usize, u64)> = p.recent_versions.iter().map(|v| (v.id, v.tags.len(), v.downloads)).collect();
        assert_eq!(rows, vec![(9, 2, 1234), (8, 1, 5)]);
        // Without an install command, the tag beside `latest` names the latest version.
        let no_install = html.replace("docker pull ghcr.io/fluxcd/flux-cli:v2.7.5", "");
        assert_eq!(parse(&no_install).unwrap().latest_version.as_deref(), Some("v2.7.5"));
        assert!(p.warnings.is_empty());
        // A list cut short, a row without its count: the rows read are kept, the rest named.
        let cut = page(&format!("{}{}", recent.split("</ul>").next().unwrap(), SIDEBAR));
        let cut = parse(&cut).unwrap();
        assert_eq!((cut.total_downloads, cut.daily_downloads.len()), (27_182_818_284, 2));
        assert_eq!(cut.recent_versions.iter().map(|v| v.id).collect::<Vec<_>>(), vec![9]);
        assert_eq!(warned(&cut), vec!["recent-versions", "recent-versions"]);
        let uncounted = html.replace("<span>5</span>", "");
        let uncounted = parse(&uncounted).unwrap();
        assert_eq!(uncounted.recent_versions.iter().map(|v| v.id).collect::<Vec<_>>(), vec![9]);
        assert!(matches!(&uncounted.warnings[..], [w] if w.field == "recent-versions" && w.message.contains("version 8")));
    }

    #[test]
    fn total_overflow_is_bad_value() {
        let html = page(&SIDEBAR.replace(r#"title="27182818284">27.1B"#, r#"title="99999999999999999999">99999999T"#));
        assert!(matches!(parse(&html), Err(ParseError::BadValue(m)) if m.contains("overflows")));
    }
}
