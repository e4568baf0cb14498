//! Reads GitHub's container-package pages: the package page (total downloads, the last 30
//! days, last published, repository, latest version, recent tagged versions), an owner's
//! package listing and a package's tagged versions, into the records `wit/parser.wit` defines
//! (the types wit-bindgen generates from it); `component` exports the three readers as a
//! WebAssembly component.
//!
//! Values are found by visible text labels, `aria-label`s, `data-*` attributes, link shapes
//! and element order, never by class names, and only in rendered content: scripts, JSON
//! blobs, comments and templates are skipped by the tokenizer. A page that does not read as
//! expected gives a `ParseError`, never a guessed number.
//!
//! Strict where it counts, lenient around it: the total and the 30-day series must read, or
//! the page is an error; a secondary value that cannot be read (last published, the latest
//! version, a row of tagged versions) is left out and named in the page's `warnings`.

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
mod component;

/// The bindings of `wit/parser.wit`'s `html-parser` world, on every target: their records are
/// the crate's, so a field exists once, in the WIT (where its docs are).
mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "html-parser",
        // Tests compare whole records.
        additional_derives: [PartialEq, Eq],
    });
}

pub use bindings::exports::ghcr_stats::html::parser::{
    DailyCount, ListedPackage, ListingPage, PackagePage, ParseError, ParseWarning, TaggedVersion, VersionsPage,
};

impl ParseError {
    /// The error in words, "not found: no h3 right after …", as warnings and logs say it.
    /// (wit-bindgen gives every WIT error type a `Display`, and `Error`; its `Display` prints
    /// the Rust form, `ParseError::NotFound("…")`.)
    pub fn describe(&self) -> String {
        let (what, m) = match self {
            ParseError::WrongPage(m) => ("wrong page: ", m),
            ParseError::NotFound(m) => ("not found: ", m),
            ParseError::BadValue(m) => ("bad value: ", m),
        };
        [what, m.as_str()].concat()
    }
}

/// A package page: `/orgs/<org>/packages/container/package/<name>` and its user and
/// repository-scoped forms.
pub fn parse_package_page(html: &str) -> Result<PackagePage, ParseError> {
    package_page::parse(html)
}

/// A page of an org's or user's package listing.
pub fn parse_listing_page(html: &str) -> Result<ListingPage, ParseError> {
    listing_page::parse(html)
}

/// A page of a package's tagged versions.
pub fn parse_versions_page(html: &str) -> Result<VersionsPage, ParseError> {
    versions_page::parse(html)
}
