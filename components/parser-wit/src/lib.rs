//! `wit/parser.wit`'s types as the Canonical ABI lays them out in linear memory, as
//! `#[repr(C)]` Rust types, so that the compiler derives every offset and size.
//!
//! C's placement rules are the spec's `elem_size`/`alignment` for what these are made of:
//! integers and `bool` at their natural alignment, a record's fields in WIT order, a
//! variant's payload after its `u8` case at the payload's alignment (an `option` or a
//! `result` is a variant; cases with different payloads share a `union`). Pointers are `u32`,
//! wasm32's address width, so the layout is the same in a native build:
//! `examples/layout.rs` prints it there and `tests/build/test_wit_layout.py` checks it
//! against the WIT.
//!
//! Both sides of the import use these: the parser component writes its results through them
//! (`components/html-parser/src/abi.rs`) and the benchmark's `parse-cli` reads them back
//! (`bench/matrix/parse-cli`). A list's elements are laid out as `T`, so a list the host
//! allocated with the WIT element type's size and alignment is also a valid `[T]` allocation.

use std::marker::PhantomData;

/// `string`: `len` bytes of UTF-8 at `ptr`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WitStr {
    pub ptr: u32,
    pub len: u32,
}

/// `list<T>`: `len` elements, each laid out as `T`, at `ptr`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WitList<T> {
    pub ptr: u32,
    pub len: u32,
    pub elem: PhantomData<T>,
}

/// `option<T>`: case 0 `none` (payload unread), 1 `some`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WitOption<T> {
    pub tag: u8,
    pub payload: T,
}

/// `result<T, E>`: case 0 `ok`, 1 `err`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WitResult<T: Copy, E: Copy> {
    pub tag: u8,
    pub payload: OkOrErr<T, E>,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union OkOrErr<T: Copy, E: Copy> {
    pub ok: T,
    pub err: E,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct DailyCount {
    pub date: WitStr,
    pub count: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct PackagePage {
    pub total_downloads: u64,
    pub total_exact: bool,
    pub display_total: WitStr,
    pub daily_downloads: WitList<DailyCount>,
    pub last_published: WitOption<WitStr>,
    pub repository: WitOption<WitStr>,
    pub latest_version: WitOption<WitStr>,
    pub recent_versions: WitList<TaggedVersion>,
    pub warnings: WitList<ParseWarning>,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ParseWarning {
    pub field: WitStr,
    pub message: WitStr,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ListedPackage {
    pub name: WitStr,
    pub path: WitStr,
    pub repository: WitOption<WitStr>,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ListingPage {
    pub packages: WitList<ListedPackage>,
    pub next_page: WitOption<WitStr>,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct TaggedVersion {
    pub id: u64,
    pub tags: WitList<WitStr>,
    pub downloads: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct VersionsPage {
    pub versions: WitList<TaggedVersion>,
    pub next_page: WitOption<WitStr>,
    pub warnings: WitList<ParseWarning>,
}

/// `variant parse-error`: case 0 `wrong-page`, 1 `not-found`, 2 `bad-value`, each with a
/// string, so the payload needs no union.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ParseError {
    pub tag: u8,
    pub payload: WitStr,
}

/// What `parse-package-page` returns.
pub type PackagePageResult = WitResult<PackagePage, ParseError>;
/// What `parse-listing-page` returns.
pub type ListingPageResult = WitResult<ListingPage, ParseError>;
/// What `parse-versions-page` returns.
pub type VersionsPageResult = WitResult<VersionsPage, ParseError>;
