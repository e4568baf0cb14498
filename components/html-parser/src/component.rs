//! The component: `wit/parser.wit`'s `parser` interface, exported through the bindings
//! wit-bindgen generates from it. The crate's records borrow from the page; the WIT's own its
//! strings, so each value read is copied once here (a few dozen short strings a page).

wit_bindgen::generate!({ path: "../../wit", world: "html-parser" });

use exports::ghcr_stats::html::parser as wit;
use std::borrow::Cow;

struct Parser;

export!(Parser);

impl wit::Guest for Parser {
    fn parse_package_page(html: String) -> Result<wit::PackagePage, wit::ParseError> {
        let page = crate::parse_package_page(&html).map_err(error)?;
        Ok(wit::PackagePage {
            total_downloads: page.total_downloads,
            total_exact: page.total_exact,
            display_total: page.display_total.into_owned(),
            daily_downloads: page
                .daily_downloads
                .into_iter()
                .map(|d| wit::DailyCount { date: d.date.into_owned(), count: d.count })
                .collect(),
            last_published: page.last_published.map(Cow::into_owned),
            repository: page.repository.map(Cow::into_owned),
            latest_version: page.latest_version.map(Cow::into_owned),
            recent_versions: page.recent_versions.into_iter().map(version).collect(),
            warnings: page.warnings.into_iter().map(warning).collect(),
        })
    }

    fn parse_listing_page(html: String) -> Result<wit::ListingPage, wit::ParseError> {
        let page = crate::parse_listing_page(&html).map_err(error)?;
        Ok(wit::ListingPage {
            packages: page
                .packages
                .into_iter()
                .map(|p| wit::ListedPackage {
                    name: p.name.into_owned(),
                    path: p.path.into_owned(),
                })
                .collect(),
            next_page: page.next_page.map(Cow::into_owned),
        })
    }

    fn parse_versions_page(html: String) -> Result<wit::VersionsPage, wit::ParseError> {
        let page = crate::parse_versions_page(&html).map_err(error)?;
        Ok(wit::VersionsPage {
            versions: page.versions.into_iter().map(version).collect(),
            next_page: page.next_page.map(Cow::into_owned),
            warnings: page.warnings.into_iter().map(warning).collect(),
        })
    }
}

fn version(v: crate::TaggedVersion<'_>) -> wit::TaggedVersion {
    wit::TaggedVersion { id: v.id, tags: v.tags.into_iter().map(Cow::into_owned).collect(), downloads: v.downloads }
}

fn warning(w: crate::ParseWarning) -> wit::ParseWarning {
    wit::ParseWarning { field: w.field.to_string(), message: w.message }
}

fn error(e: crate::ParseError) -> wit::ParseError {
    match e {
        crate::ParseError::WrongPage(m) => wit::ParseError::WrongPage(m),
        crate::ParseError::NotFound(m) => wit::ParseError::NotFound(m),
        crate::ParseError::BadValue(m) => wit::ParseError::BadValue(m),
    }
}
