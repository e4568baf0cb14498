//! Prints the layout of `src/lib.rs`'s types as JSON, `{name: {size, align, fields: {field:
//! [offset, size]}}}` under their WIT names, for `tests/build/test_wit_layout.py`, which
//! compares it with the Canonical ABI layout of `wit/parser.wit`: `cargo run --example layout`.

use parser_wit::*;
use std::mem::{align_of, size_of, MaybeUninit};
use std::ptr::addr_of;

type StrOption = WitOption<WitStr>;

fn size_of_field<T, F>(_: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

macro_rules! layout {
    ($wit:literal, $t:ident { $($f:ident),* }) => {{
        // Names every field: one added to the type but not here does not compile.
        let _ = |v: &$t| {
            let $t { $($f: _),* } = v;
        };
        let v = MaybeUninit::<$t>::uninit();
        let base = v.as_ptr();
        let fields: Vec<String> = vec![$({
            // SAFETY: the field's address, taken without reading or referencing the value.
            let at = unsafe { addr_of!((*base).$f) } as usize - base as usize;
            let size = size_of_field(|v: &$t| &v.$f);
            format!("\"{}\": [{}, {}]", stringify!($f).replace('_', "-"), at, size)
        }),*];
        format!("\"{}\": {{\"size\": {}, \"align\": {}, \"fields\": {{{}}}}}", $wit, size_of::<$t>(), align_of::<$t>(), fields.join(", "))
    }};
}

fn main() {
    let types = [
        layout!("daily-count", DailyCount { date, count }),
        layout!(
            "package-page",
            PackagePage {
                total_downloads,
                total_exact,
                display_total,
                daily_downloads,
                last_published,
                repository,
                latest_version,
                recent_versions,
                warnings
            }
        ),
        layout!("parse-warning", ParseWarning { field, message }),
        layout!("listed-package", ListedPackage { name, path, repository }),
        layout!("listing-page", ListingPage { packages, next_page }),
        layout!("tagged-version", TaggedVersion { id, tags, downloads }),
        layout!("versions-page", VersionsPage { versions, next_page, warnings }),
        layout!("parse-error", ParseError { tag, payload }),
        layout!("option<string>", StrOption { tag, payload }),
        layout!("result<package-page, parse-error>", PackagePageResult { tag, payload }),
        layout!("result<listing-page, parse-error>", ListingPageResult { tag, payload }),
        layout!("result<versions-page, parse-error>", VersionsPageResult { tag, payload }),
    ];
    println!("{{\n  {}\n}}", types.join(",\n  "));
}
