//! `parse-cli PAGE [--repeat N]`: the parser component as a `wasi:cli/command`, for
//! `wasmtime run`. Prints `{"total": …, "days": [[date, count], …]}` for the page; with
//! `--repeat`, then `{"call_ns": […]}`: N more calls of the import, each timed with
//! `wasi:clocks/monotonic-clock` around the call alone (wasmtime's adapter copying the page
//! into the parser's memory, the parse, the records copied back into ours).
//!
//! Built for wasm32-unknown-unknown with the canonical-ABI glue written by hand (shared with
//! the project's components: `components/cabi`): no wit-bindgen and no WASI adapter on these
//! machines, and nothing here that a user of `wasmtime run` would not also pay for. The
//! parser's result is read through `components/parser-wit`, the `#[repr(C)]` mirrors the parser
//! writes it through, whose layout `tests/build/test_wit_layout.py` holds to the WIT.

use cabi::{take_list, take_string, wasi};
use parser_wit::{PackagePageResult, WitList, WitStr};
use std::mem::MaybeUninit;

#[link(wasm_import_module = "ghcr-stats:html/parser@0.1.0")]
extern "C" {
    #[link_name = "parse-package-page"]
    fn parse_package_page(html: *const u8, len: usize, ret: *mut PackagePageResult);
}

#[link(wasm_import_module = "wasi:cli/environment@0.2.0")]
extern "C" {
    #[link_name = "get-arguments"]
    fn get_arguments(ret: *mut u8);
}

#[link(wasm_import_module = "wasi:cli/stdout@0.2.0")]
extern "C" {
    #[link_name = "get-stdout"]
    fn get_stdout() -> i32;
}

#[link(wasm_import_module = "wasi:cli/stderr@0.2.0")]
extern "C" {
    #[link_name = "get-stderr"]
    fn get_stderr() -> i32;
}

#[link(wasm_import_module = "wasi:io/streams@0.2.0")]
extern "C" {
    #[link_name = "[method]output-stream.blocking-write-and-flush"]
    fn blocking_write_and_flush(stream: i32, buf: *const u8, len: usize, ret: *mut u8);
    #[link_name = "[resource-drop]output-stream"]
    fn drop_output_stream(stream: i32);
}

#[link(wasm_import_module = "wasi:clocks/monotonic-clock@0.2.0")]
extern "C" {
    fn now() -> i64;
}

/// A return area for the WASI calls: `result<_, stream-error>` is the largest, 12 bytes (the
/// parser's result has an area of its own type, in `parse`).
type Area = cabi::Area<16>;

fn arguments() -> Vec<String> {
    let mut a = Area::new();
    unsafe {
        get_arguments(a.ptr());
        // SAFETY: the host lowered a `list<string>` into our memory through `cabi_realloc`: the
        // list and each string are ours, taken over once here.
        let args = take_list::<WitStr>(a.u32(0), a.u32(4));
        args.iter().map(|s| take_string(s.ptr, s.len)).collect()
    }
}

fn write_stdout(data: &[u8]) -> Result<(), String> {
    write(unsafe { get_stdout() }, data)
}

fn write(out: i32, mut data: &[u8]) -> Result<(), String> {
    unsafe {
        while !data.is_empty() {
            let n = data.len().min(4096); // blocking-write-and-flush takes at most 4096 bytes
            let mut a = Area::new();
            blocking_write_and_flush(out, data.as_ptr(), n, a.ptr());
            if a.u8(0) != 0 {
                drop_output_stream(out);
                return Err("cannot write".into());
            }
            data = &data[n..];
        }
        drop_output_stream(out);
    }
    Ok(())
}

/// The file at the guest path `path`, read through the preopened directory it lies under.
fn read_file(path: &str) -> Result<String, String> {
    let mut found = None;
    for (fd, name) in wasi::preopens() {
        let dir = wasi::Descriptor::from_handle(fd);
        let prefix = if name.ends_with('/') { name } else { format!("{}/", name) };
        match path.strip_prefix(&prefix) {
            Some(rest) if found.is_none() => found = Some((fd, dir, rest.to_string())),
            _ => {} // `dir` is closed here
        }
    }
    let (fd, _dir, rel) = found.ok_or_else(|| format!("{}: not under a preopened directory", path))?;
    let file = wasi::open_at(fd, &rel, 0, wasi::READ).map_err(|e| format!("{}: cannot open ({})", path, wasi::describe(e)))?;
    let data = file.read_all().map_err(|e| format!("{}: cannot read ({})", path, wasi::describe(e)))?;
    String::from_utf8(data).map_err(|_| format!("{}: not UTF-8", path))
}

struct Page {
    total: u64,
    days: Vec<(String, u64)>,
}

/// Calls `parse-package-page` on `html`; returns what the benchmark prints of the
/// `result<package-page, parse-error>` (everything else in it freed) and the call's time.
fn parse(html: &str) -> (Result<Page, String>, u64) {
    // Takes over a list as a `Vec` of its own element type, a string as a `String`.
    unsafe fn list<T>(l: WitList<T>) -> Vec<T> {
        take_list(l.ptr, l.len)
    }
    unsafe fn string(s: WitStr) -> String {
        take_string(s.ptr, s.len)
    }

    let mut ret = MaybeUninit::<PackagePageResult>::uninit();
    // The only `unsafe` that touches the parser's result.
    unsafe {
        let t = now() as u64;
        // SAFETY: the import's canonical-ABI signature: the string as pointer and length, then
        // the return area, which `ret` is: a `PackagePageResult`, of the result's size and
        // alignment (test_wit_layout.py).
        parse_package_page(html.as_ptr(), html.len(), ret.as_mut_ptr());
        let elapsed = (now() as u64).wrapping_sub(t);
        // SAFETY: the call stored a whole `result<package-page, parse-error>` in the area, laid
        // out as its mirror (same test).
        let r = ret.assume_init();
        // SAFETY (of every `list` and `string` below): each string and list in the result was
        // lowered into our memory by the host through `cabi_realloc` with the WIT type's size and
        // alignment, which the mirror types share, so a list of `T` is a valid `Vec<T>` block;
        // all are ours now and each is taken over exactly once, so freed exactly once.
        if r.tag != 0 {
            // SAFETY: case 1, `err`: the payload is a `parse-error`.
            let e = r.payload.err;
            return (Err(format!("parse error (case {}): {}", e.tag, string(e.payload))), elapsed);
        }
        // SAFETY: case 0, `ok`: the payload is a `package-page`.
        let p = r.payload.ok;
        let days = list(p.daily_downloads).into_iter().map(|d| (string(d.date), d.count)).collect();
        // The rest is dropped (freed) as soon as it is taken.
        string(p.display_total);
        for s in [p.last_published, p.repository, p.latest_version] {
            if s.tag == 1 {
                string(s.payload);
            }
        }
        for v in list(p.recent_versions) {
            for tag in list(v.tags) {
                string(tag);
            }
        }
        (Ok(Page { total: p.total_downloads, days }), elapsed)
    }
}

fn main() -> Result<(), String> {
    let args = arguments();
    let path = args.get(1).ok_or("usage: parse-cli PAGE [--repeat N]")?;
    let html = read_file(path)?;
    let page = parse(&html).0?;
    let days: Vec<String> = page.days.iter().map(|(d, c)| format!("[\"{}\", {}]", d, c)).collect();
    let mut out = format!("{{\"total\": {}, \"days\": [{}]}}\n", page.total, days.join(", "));
    if let Some(i) = args.iter().position(|a| a == "--repeat") {
        let n: usize = args.get(i + 1).and_then(|n| n.parse().ok()).ok_or("--repeat N")?;
        let mut calls = Vec::with_capacity(n);
        for _ in 0..n {
            let (again, elapsed) = parse(&html);
            if again?.total != page.total {
                return Err("a repeated call returned another total".into());
            }
            calls.push(elapsed.to_string());
        }
        out += &format!("{{\"call_ns\": [{}]}}\n", calls.join(", "));
    }
    write_stdout(out.as_bytes())
}

/// `wasi:cli/run.run: func() -> result`: 0 is ok; 1 an error (said on stderr; wasmtime exits 1).
#[export_name = "wasi:cli/run@0.2.0#run"]
pub extern "C" fn run() -> i32 {
    match main() {
        Ok(()) => 0,
        Err(e) => {
            let _ = write(unsafe { get_stderr() }, format!("parse-cli: {}\n", e).as_bytes());
            1
        }
    }
}
