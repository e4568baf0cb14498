//! The component: `wit/parser.wit`'s `parser` interface, whose records the readers build
//! (`crate::bindings`), exported as the three reader functions.

use crate::bindings::exports::ghcr_stats::html::parser::{Guest, ListingPage, PackagePage, ParseError, VersionsPage};

// Built on every target so that native builds check it; only wasm32 exports it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Parser;

#[cfg(target_arch = "wasm32")]
crate::bindings::export!(Parser with_types_in crate::bindings);

impl Guest for Parser {
    fn parse_package_page(html: String) -> Result<PackagePage, ParseError> {
        crate::parse_package_page(&html)
    }

    fn parse_listing_page(html: String) -> Result<ListingPage, ParseError> {
        crate::parse_listing_page(&html)
    }

    fn parse_versions_page(html: String) -> Result<VersionsPage, ParseError> {
        crate::parse_versions_page(&html)
    }
}
