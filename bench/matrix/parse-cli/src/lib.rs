//! `parse-cli PAGE [--repeat N]`: the parser component as a `wasi:cli/command`, for
//! `wasmtime run`. Prints `{"total": …, "days": [[date, count], …]}` for the page; with
//! `--repeat`, then `{"call_ns": […]}`: N more calls of the import, each timed with
//! `wasi:clocks/monotonic-clock` around the call alone (wasmtime's adapter copying the page
//! into the parser's memory, the parse, the records copied back into ours).
//!
//! Built for wasm32-unknown-unknown with the canonical-ABI glue written by hand (shared with
//! the project's components: `components/cabi`): no wit-bindgen and no WASI adapter on these
//! machines, and nothing here that a user of `wasmtime run` would not also pay for.

use cabi::wasi;
use std::alloc::{dealloc, Layout};

#[link(wasm_import_module = "ghcr-stats:html/parser@0.1.0")]
extern "C" {
    #[link_name = "parse-package-page"]
    fn parse_package_page(html: *const u8, len: usize, ret: *mut u8);
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

/// A return area: `result<package-page, parse-error>` is the largest, 80 bytes.
type Area = cabi::Area<80>;

unsafe fn u32_at(p: u32) -> u32 {
    *(p as *const u32)
}

unsafe fn u64_at(p: u32) -> u64 {
    *(p as *const u64)
}

/// A string the host lowered into our memory (allocated with align 1), copied out.
unsafe fn str_at(ptr: u32, len: u32) -> String {
    String::from_utf8_lossy(std::slice::from_raw_parts(ptr as *const u8, len as usize)).into_owned()
}

unsafe fn free(ptr: u32, size: u32, align: usize) {
    if size != 0 {
        dealloc(ptr as *mut u8, Layout::from_size_align_unchecked(size as usize, align));
    }
}

fn arguments() -> Vec<String> {
    let mut a = Area::new();
    unsafe {
        get_arguments(a.ptr());
        let (ptr, len) = (a.u32(0), a.u32(4));
        let out = (0..len).map(|i| str_at(u32_at(ptr + i * 8), u32_at(ptr + i * 8 + 4))).collect();
        for i in 0..len {
            free(u32_at(ptr + i * 8), u32_at(ptr + i * 8 + 4), 1);
        }
        free(ptr, len * 8, 4);
        out
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

/// Reads the returned `result<package-page, parse-error>` and frees what it points to.
unsafe fn take_result(a: &Area) -> Result<Page, String> {
    if a.u8(0) != 0 {
        let message = str_at(a.u32(12), a.u32(16));
        free(a.u32(12), a.u32(16), 1);
        return Err(format!("parse error (case {}): {}", a.u8(8), message));
    }
    let (list, n) = (a.u32(28), a.u32(32));
    let mut days = Vec::with_capacity(n as usize);
    for i in 0..n {
        let e = list + i * 16;
        days.push((str_at(u32_at(e), u32_at(e + 4)), u64_at(e + 8)));
        free(u32_at(e), u32_at(e + 4), 1);
    }
    free(list, n * 16, 8);
    free(a.u32(20), a.u32(24), 1); // display-total
    for option in [36, 48, 60] {
        if a.u8(option) != 0 {
            free(a.u32(option + 4), a.u32(option + 8), 1);
        }
    }
    Ok(Page { total: a.u64(8), days })
}

fn parse(html: &str) -> (Result<Page, String>, u64) {
    let mut a = Area::new();
    unsafe {
        let t = now() as u64;
        parse_package_page(html.as_ptr(), html.len(), a.ptr());
        let elapsed = (now() as u64).wrapping_sub(t);
        (take_result(&a), elapsed)
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
