//! The component's exports, written by hand against the Canonical ABI
//! (component-model `CanonicalABI.md`), for the `parser` interface of `wit/parser.wit`.
//!
//! * `cabi_realloc` (from the `cabi` crate): the host allocates the argument string with it.
//! * Each function takes the flattened string `(ptr: i32, len: i32)` and, its result type
//!   flattening to more than one value (MAX_FLAT_RESULTS = 1), returns an `i32` pointer to
//!   the result in linear memory: the "return area".
//! * `cabi_post_<export name>(retptr)` runs after the host has lifted the result and empties
//!   the arena (`arena.rs`) that held what the call allocated: the argument string (results
//!   borrow from it, so matched strings are never copied), lists, decoded strings, messages.
//!
//! The results are built as the `#[repr(C)]` mirrors of the `parser-wit` crate
//! (`components/parser-wit`), whose layout is the Canonical ABI's, in safe code; lists and owned strings are left in the arena. The only
//! `unsafe` here takes the argument string and writes the return area.
//!
//! Input strings are valid UTF-8: lowering a `string` into a component guarantees it, so
//! the bytes are taken as `str` without a second check.

use cabi::Global;
use crate::arena::ARENA;
use crate::ParseError;
use parser_wit::{self as wit, OkOrErr, WitList, WitOption, WitResult, WitStr};
use std::borrow::Cow;
use std::marker::PhantomData;
use std::mem::{self, MaybeUninit};

/// The return area: room for the largest result.
#[repr(C)]
pub union RetArea {
    package: wit::PackagePageResult,
    listing: wit::ListingPageResult,
    versions: wit::VersionsPageResult,
}

static RET: Global<MaybeUninit<RetArea>> = Global::new(MaybeUninit::uninit());

/// The argument string, allocated by the host through `cabi_realloc`; it lives in the
/// arena until post-return, so results can point into it.
fn input<'a>(ptr: *const u8, len: usize) -> &'a str {
    if len == 0 {
        return "";
    }
    // SAFETY: `ptr..ptr+len` is the string the host lowered into our memory, valid UTF-8 by
    // the Canonical ABI, and nothing frees it before post-return.
    unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(ptr, len)) }
}

/// Stores `result` in the return area and gives its address to the host.
fn ret(result: RetArea) -> *mut RetArea {
    let p = RET.get() as *mut RetArea;
    // SAFETY: one call at a time (one thread, no reentrancy), and the host has lifted the
    // previous result before the next call, so nothing reads the area while it is written.
    unsafe { p.write(result) };
    p
}

/// A string: borrowed ones point where they are (the input, static data); owned ones are
/// left in the arena until post-return.
fn string(s: Cow<'_, str>) -> WitStr {
    let lowered = WitStr { ptr: s.as_ptr() as u32, len: s.len() as u32 };
    if let Cow::Owned(o) = s {
        mem::forget(o);
    }
    lowered
}

fn option(s: Option<Cow<'_, str>>) -> WitOption<WitStr> {
    match s {
        Some(s) => WitOption { tag: 1, payload: string(s) },
        None => WitOption { tag: 0, payload: WitStr { ptr: 0, len: 0 } },
    }
}

/// A list whose elements are `lower`ed into a block of the arena, left there until post-return.
fn list<T, L>(items: Vec<T>, lower: impl FnMut(T) -> L) -> WitList<L> {
    let lowered: Vec<L> = items.into_iter().map(lower).collect();
    let list = WitList { ptr: lowered.as_ptr() as u32, len: lowered.len() as u32, elem: PhantomData };
    mem::forget(lowered);
    list
}

fn version(v: crate::TaggedVersion<'_>) -> wit::TaggedVersion {
    wit::TaggedVersion { id: v.id, tags: list(v.tags, string), downloads: v.downloads }
}

fn warning(w: crate::ParseWarning) -> wit::ParseWarning {
    wit::ParseWarning { field: string(Cow::Borrowed(w.field)), message: string(Cow::Owned(w.message)) }
}

fn ok<T: Copy>(value: T) -> WitResult<T, wit::ParseError> {
    WitResult { tag: 0, payload: OkOrErr { ok: value } }
}

fn err<T: Copy>(e: ParseError) -> WitResult<T, wit::ParseError> {
    let (tag, message) = match e {
        ParseError::WrongPage(m) => (0, m),
        ParseError::NotFound(m) => (1, m),
        ParseError::BadValue(m) => (2, m),
    };
    WitResult { tag: 1, payload: OkOrErr { err: wit::ParseError { tag, payload: string(Cow::Owned(message)) } } }
}

#[export_name = "ghcr-stats:html/parser@0.1.0#parse-package-page"]
pub extern "C" fn parse_package_page(ptr: *const u8, len: usize) -> *mut RetArea {
    let result = match crate::parse_package_page(input(ptr, len)) {
        Ok(page) => ok(wit::PackagePage {
            total_downloads: page.total_downloads,
            total_exact: page.total_exact,
            display_total: string(page.display_total),
            daily_downloads: list(page.daily_downloads, |d| wit::DailyCount { date: string(d.date), count: d.count }),
            last_published: option(page.last_published),
            repository: option(page.repository),
            latest_version: option(page.latest_version),
            recent_versions: list(page.recent_versions, version),
            warnings: list(page.warnings, warning),
        }),
        Err(e) => err(e),
    };
    ret(RetArea { package: result })
}

#[export_name = "ghcr-stats:html/parser@0.1.0#parse-listing-page"]
pub extern "C" fn parse_listing_page(ptr: *const u8, len: usize) -> *mut RetArea {
    let result = match crate::parse_listing_page(input(ptr, len)) {
        Ok(page) => ok(wit::ListingPage {
            packages: list(page.packages, |p| wit::ListedPackage {
                name: string(p.name),
                path: string(p.path),
                repository: option(p.repository),
            }),
            next_page: option(page.next_page),
        }),
        Err(e) => err(e),
    };
    ret(RetArea { listing: result })
}

#[export_name = "ghcr-stats:html/parser@0.1.0#parse-versions-page"]
pub extern "C" fn parse_versions_page(ptr: *const u8, len: usize) -> *mut RetArea {
    let result = match crate::parse_versions_page(input(ptr, len)) {
        Ok(page) => ok(wit::VersionsPage {
            versions: list(page.versions, version),
            next_page: option(page.next_page),
            warnings: list(page.warnings, warning),
        }),
        Err(e) => err(e),
    };
    ret(RetArea { versions: result })
}

#[export_name = "cabi_post_ghcr-stats:html/parser@0.1.0#parse-package-page"]
pub extern "C" fn post_parse_package_page(_ret: *mut RetArea) {
    ARENA.reset();
}

#[export_name = "cabi_post_ghcr-stats:html/parser@0.1.0#parse-listing-page"]
pub extern "C" fn post_parse_listing_page(_ret: *mut RetArea) {
    ARENA.reset();
}

#[export_name = "cabi_post_ghcr-stats:html/parser@0.1.0#parse-versions-page"]
pub extern "C" fn post_parse_versions_page(_ret: *mut RetArea) {
    ARENA.reset();
}
