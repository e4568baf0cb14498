//! The component's exports, written by hand against the Canonical ABI
//! (component-model `CanonicalABI.md`), for the `parser` interface of `wit/parser.wit`.
//!
//! * `cabi_realloc(old, old_size, align, new_size)`: the host allocates the argument string
//!   with it (`old == 0`, `align == 1`).
//! * Each function takes the flattened string `(ptr: i32, len: i32)` and, its result type
//!   flattening to more than one value (MAX_FLAT_RESULTS = 1), returns an `i32` pointer to
//!   the result in linear memory: the "return area".
//! * `cabi_post_<export name>(retptr)` runs after the host has lifted the result and empties
//!   the arena (`arena.rs`) that held what the call allocated: the argument string (results
//!   borrow from it, so matched strings are never copied), lists, decoded strings, messages.
//!
//! Layouts (`despecialize`d, `elem_size`/`alignment` per the spec; offsets in bytes):
//!
//! | type | size, align | fields |
//! |---|---|---|
//! | `string`, `list<T>` | 8, 4 | ptr @0, len @4 |
//! | `option<string>` | 12, 4 | case u8 @0 (0 none, 1 some), string @4 |
//! | `parse-error` | 12, 4 | case u8 @0 (0 wrong-page, 1 not-found, 2 bad-value), string @4 |
//! | `daily-count` | 16, 8 | date @0, count u64 @8 |
//! | `tagged-version` | 24, 8 | id u64 @0, tags list<string> @8, downloads u64 @16 |
//! | `listed-package` | 28, 4 | name @0, path @8, repository option @16 |
//! | `package-page` | 72, 8 | total u64 @0, exact bool @8, display @12, daily @20, last-published @28, repository @40, latest-version @52, recent-versions @64 |
//! | `listing-page`, `versions-page` | 20, 4 | list @0, next-page option @8 |
//! | `result<package-page, parse-error>` | 80, 8 | case u8 @0 (0 ok, 1 err), payload @8 |
//! | `result<listing-page or versions-page, parse-error>` | 24, 4 | case u8 @0, payload @4 |
//!
//! Input strings are valid UTF-8: lowering a `string` into a component guarantees it, so
//! the bytes are taken as `str` without a second check.

use crate::arena::ARENA;
use crate::{DailyCount, ListedPackage, ParseError, TaggedVersion};
use std::alloc::{alloc, dealloc, handle_alloc_error, realloc, Layout};
use std::borrow::Cow;
use std::cell::UnsafeCell;

/// Big enough for the largest result, `result<package-page, parse-error>`.
const RET_SIZE: usize = 80;

#[repr(C, align(8))]
struct RetArea([u8; RET_SIZE]);

/// The return area; wasm32-unknown-unknown runs one thread.
struct Ret(UnsafeCell<RetArea>);
unsafe impl Sync for Ret {}
static RET: Ret = Ret(UnsafeCell::new(RetArea([0; RET_SIZE])));

fn layout(size: usize, align: usize) -> Layout {
    match Layout::from_size_align(size, align) {
        Ok(l) => l,
        Err(_) => core::arch::wasm32::unreachable(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(old: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if new_size == 0 {
        if !old.is_null() && old_size != 0 {
            dealloc(old, layout(old_size, align));
        }
        return align as *mut u8;
    }
    let new = layout(new_size, align);
    let p = if old.is_null() || old_size == 0 { alloc(new) } else { realloc(old, layout(old_size, align), new_size) };
    if p.is_null() {
        handle_alloc_error(new);
    }
    p
}

/// The argument string, allocated by the host through `cabi_realloc`; it lives in the
/// arena until post-return, so results can point into it.
// SAFETY: `ptr..ptr+len` is the host's lowered string, valid UTF-8 by the canonical ABI.
unsafe fn input(ptr: *mut u8, len: usize) -> &'static str {
    if len == 0 {
        return "";
    }
    core::str::from_utf8_unchecked(core::slice::from_raw_parts(ptr, len))
}

// SAFETY: one call at a time (one thread, no reentrancy), and the host has lifted the
// previous result before the next call.
unsafe fn ret_area() -> *mut u8 {
    let p = (*RET.0.get()).0.as_mut_ptr();
    core::ptr::write_bytes(p, 0, RET_SIZE);
    p
}

// SAFETY (every `put_*`): `p` is the return area or a block `put_list` allocated for the
// list's elements, and `off` plus the value's size stays within the record's size in the
// layout table above (the return area is RET_SIZE, the largest result); writes are
// unaligned-safe.
unsafe fn put_u8(p: *mut u8, off: usize, v: u8) {
    p.add(off).write(v);
}

unsafe fn put_u32(p: *mut u8, off: usize, v: u32) {
    (p.add(off) as *mut u32).write_unaligned(v);
}

unsafe fn put_u64(p: *mut u8, off: usize, v: u64) {
    (p.add(off) as *mut u64).write_unaligned(v);
}

/// A string: borrowed ones point where they are (the input, static data); owned ones are
/// left in the arena until post-return.
unsafe fn put_str(p: *mut u8, off: usize, s: Cow<'_, str>) {
    let (ptr, len) = match s {
        Cow::Borrowed(b) => (b.as_ptr(), b.len()),
        Cow::Owned(o) => {
            let r = (o.as_ptr(), o.len());
            core::mem::forget(o);
            r
        }
    };
    put_u32(p, off, ptr as u32);
    put_u32(p, off + 4, len as u32);
}

unsafe fn put_opt_str(p: *mut u8, off: usize, s: Option<Cow<'_, str>>) {
    match s {
        Some(s) => {
            put_u8(p, off, 1);
            put_str(p, off + 4, s);
        }
        // List blocks are not zeroed: `none` is written too.
        None => put_u8(p, off, 0),
    }
}

/// A list of `items`, each written by `put` into `size` bytes aligned `align`.
unsafe fn put_list<T>(p: *mut u8, off: usize, items: Vec<T>, size: usize, align: usize, mut put: impl FnMut(*mut u8, T)) {
    let n = items.len();
    let base = if n == 0 {
        align as *mut u8
    } else {
        let l = layout(n * size, align);
        let b = alloc(l);
        if b.is_null() {
            handle_alloc_error(l);
        }
        b
    };
    for (i, item) in items.into_iter().enumerate() {
        put(base.add(i * size), item);
    }
    put_u32(p, off, base as u32);
    put_u32(p, off + 4, n as u32);
}

/// A `tagged-version` (24 bytes, aligned 8) at `e`.
// SAFETY: `e` is an element of a list block allocated with size 24 and align 8.
unsafe fn put_version(e: *mut u8, v: TaggedVersion<'_>) {
    put_u64(e, 0, v.id);
    put_list(e, 8, v.tags, 8, 4, |t, tag: Cow<'_, str>| put_str(t, 0, tag));
    put_u64(e, 16, v.downloads);
}

unsafe fn put_error(p: *mut u8, off: usize, e: ParseError) {
    let (case, msg) = match e {
        ParseError::WrongPage(m) => (0, m),
        ParseError::NotFound(m) => (1, m),
        ParseError::BadValue(m) => (2, m),
    };
    put_u8(p, off, case);
    put_str(p, off + 4, Cow::Owned(msg));
}

#[export_name = "ghcr-stats:html/parser@0.1.0#parse-package-page"]
pub unsafe extern "C" fn parse_package_page(ptr: *mut u8, len: usize) -> *mut u8 {
    let r = ret_area();
    match crate::parse_package_page(input(ptr, len)) {
        Ok(page) => {
            put_u64(r, 8, page.total_downloads);
            put_u8(r, 16, page.total_exact as u8);
            put_str(r, 20, page.display_total);
            put_list(r, 28, page.daily_downloads, 16, 8, |e, d: DailyCount<'_>| {
                put_str(e, 0, d.date);
                put_u64(e, 8, d.count);
            });
            put_opt_str(r, 36, page.last_published);
            put_opt_str(r, 48, page.repository);
            put_opt_str(r, 60, page.latest_version);
            put_list(r, 72, page.recent_versions, 24, 8, |e, v| put_version(e, v));
        }
        Err(e) => {
            put_u8(r, 0, 1);
            put_error(r, 8, e);
        }
    }
    r
}

#[export_name = "ghcr-stats:html/parser@0.1.0#parse-listing-page"]
pub unsafe extern "C" fn parse_listing_page(ptr: *mut u8, len: usize) -> *mut u8 {
    let r = ret_area();
    match crate::parse_listing_page(input(ptr, len)) {
        Ok(page) => {
            put_list(r, 4, page.packages, 28, 4, |e, p: ListedPackage<'_>| {
                put_str(e, 0, p.name);
                put_str(e, 8, p.path);
                put_opt_str(e, 16, p.repository);
            });
            put_opt_str(r, 12, page.next_page);
        }
        Err(e) => {
            put_u8(r, 0, 1);
            put_error(r, 4, e);
        }
    }
    r
}

#[export_name = "ghcr-stats:html/parser@0.1.0#parse-versions-page"]
pub unsafe extern "C" fn parse_versions_page(ptr: *mut u8, len: usize) -> *mut u8 {
    let r = ret_area();
    match crate::parse_versions_page(input(ptr, len)) {
        Ok(page) => {
            put_list(r, 4, page.versions, 24, 8, |e, v| put_version(e, v));
            put_opt_str(r, 12, page.next_page);
        }
        Err(e) => {
            put_u8(r, 0, 1);
            put_error(r, 4, e);
        }
    }
    r
}

#[export_name = "cabi_post_ghcr-stats:html/parser@0.1.0#parse-package-page"]
pub unsafe extern "C" fn post_parse_package_page(_ret: *mut u8) {
    ARENA.reset();
}

#[export_name = "cabi_post_ghcr-stats:html/parser@0.1.0#parse-listing-page"]
pub unsafe extern "C" fn post_parse_listing_page(_ret: *mut u8) {
    ARENA.reset();
}

#[export_name = "cabi_post_ghcr-stats:html/parser@0.1.0#parse-versions-page"]
pub unsafe extern "C" fn post_parse_versions_page(_ret: *mut u8) {
    ARENA.reset();
}
