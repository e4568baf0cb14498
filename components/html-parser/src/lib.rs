//! Reads GitHub's container-package pages: the package page (total downloads, the last 30
//! days, last published, repository, latest version, recent tagged versions), an owner's
//! package listing and a package's tagged versions. The same shapes as
//! `wit/parser.wit`; `component` exports them as a WebAssembly component.
//!
//! Values are found by visible text labels, `aria-label`s, `data-*` attributes, link shapes
//! and element order, never by class names, and only in rendered content: scripts, JSON
//! blobs, comments and templates are skipped by the tokenizer. A page that does not read as
//! expected gives a `ParseError`, never a guessed number. Strings borrow from the input
//! where no decoding was needed.
//!
//! Strict where it counts, lenient around it: the total and the 30-day series must read, or
//! the page is an error; a secondary value that cannot be read (last published, the latest
//! version, a row of tagged versions) is left out and named in the page's `warnings`.

use std::borrow::Cow;
use std::fmt;

mod bytes;
mod content;
pub mod count;
pub mod entities;
mod install;
mod listing_page;
mod package_page;
mod pagination;
mod paths;
pub mod tokenizer;
mod version_rows;
mod versions_page;

#[cfg(target_arch = "wasm32")]
mod arena;
#[cfg(target_arch = "wasm32")]
mod component;

/// One bar of the "Downloads for the last 30 days" chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyCount<'a> {
    /// `YYYY-MM-DD`, as the page gives it.
    pub date: Cow<'a, str>,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagePage<'a> {
    /// Exact from the h3 `title`; otherwise the display value expanded (`total_exact` false).
    pub total_downloads: u64,
    pub total_exact: bool,
    /// The value as displayed ("123M").
    pub display_total: Cow<'a, str>,
    /// Oldest first.
    pub daily_downloads: Vec<DailyCount<'a>>,
    /// As the page gives it: ISO 8601 with the page's UTC offset.
    pub last_published: Option<Cow<'a, str>>,
    pub repository: Option<Cow<'a, str>>,
    /// The tag naming the latest version (never the moving `latest` unless it is the only one).
    pub latest_version: Option<Cow<'a, str>>,
    /// "Recent tagged image versions", as listed (newest first).
    pub recent_versions: Vec<TaggedVersion<'a>>,
    /// The secondary values that could not be read, and why.
    pub warnings: Vec<ParseWarning>,
}

/// A secondary value the page did not give as expected: left out, the page kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// Which value: `last-published`, `latest-version`, `recent-versions`, `version-row`.
    pub field: &'static str,
    /// What was found instead, and why it could not be read.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPackage<'a> {
    /// As GitHub shows it (`charts/flagger`), not percent-encoded.
    pub name: Cow<'a, str>,
    /// The package page's path as linked.
    pub path: Cow<'a, str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingPage<'a> {
    pub packages: Vec<ListedPackage<'a>>,
    pub next_page: Option<Cow<'a, str>>,
}

/// A version as the pages list it: the tags linking to one version id, and its downloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedVersion<'a> {
    pub id: u64,
    /// In page order, `latest` included where the page shows it.
    pub tags: Vec<Cow<'a, str>>,
    pub downloads: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionsPage<'a> {
    pub versions: Vec<TaggedVersion<'a>>,
    pub next_page: Option<Cow<'a, str>>,
    /// The rows that could not be read (skipped).
    pub warnings: Vec<ParseWarning>,
}

/// Why a page yielded no record; the text says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Not the kind of page asked for (404, login wall, another kind of GitHub page).
    WrongPage(String),
    /// The right kind of page, but a required value is missing: the markup changed.
    NotFound(String),
    /// A value was found but is not a number, or overflows u64.
    BadValue(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::WrongPage(m) => write!(f, "wrong page: {}", m),
            ParseError::NotFound(m) => write!(f, "not found: {}", m),
            ParseError::BadValue(m) => write!(f, "bad value: {}", m),
        }
    }
}

impl std::error::Error for ParseError {}

/// A package page: `/orgs/<org>/packages/container/package/<name>` and its user and
/// repository-scoped forms.
pub fn parse_package_page(html: &str) -> Result<PackagePage<'_>, ParseError> {
    package_page::parse(html)
}

/// A page of an org's or user's package listing.
pub fn parse_listing_page(html: &str) -> Result<ListingPage<'_>, ParseError> {
    listing_page::parse(html)
}

/// A page of a package's tagged versions.
pub fn parse_versions_page(html: &str) -> Result<VersionsPage<'_>, ParseError> {
    versions_page::parse(html)
}
