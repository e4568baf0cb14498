//! `parse-cli PAGE [--repeat N]`: the parser component as a `wasi:cli/command`, for
//! `wasmtime run`. Prints `{"total": …, "days": [[date, count], …]}` for the page; with
//! `--repeat`, then `{"call_ns": […]}`: N more calls of the import, each timed with
//! `wasi:clocks/monotonic-clock` around the call alone (wasmtime's adapter copying the page
//! into the parser's memory, the parse, the records copied back into ours).

wit_bindgen::generate!({ path: ["../../../wit", "wit"], world: "bench:parse-cli/parse-cli@0.1.0", generate_all });

use ghcr_stats::html::parser::{parse_package_page, PackagePage};
use std::io::Write;
use wasip2::clocks::monotonic_clock::now;
use wasip2::filesystem::preopens::get_directories;
use wasip2::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};

/// The file at the guest path `path`, read through the preopened directory it lies under.
fn read_file(path: &str) -> Result<String, String> {
    let (dir, rel) = get_directories()
        .into_iter()
        .find_map(|(dir, name)| {
            let prefix = if name.ends_with('/') { name } else { format!("{name}/") };
            path.strip_prefix(&prefix).map(|rel| (dir, rel.to_string()))
        })
        .ok_or_else(|| format!("{path}: not under a preopened directory"))?;
    let file = dir
        .open_at(PathFlags::empty(), &rel, OpenFlags::empty(), DescriptorFlags::READ)
        .map_err(|e| format!("{path}: cannot open ({})", e.name()))?;
    let mut data = Vec::new();
    loop {
        let (chunk, end) = file.read(1 << 16, data.len() as u64).map_err(|e| format!("{path}: cannot read ({})", e.name()))?;
        data.extend_from_slice(&chunk);
        if end || chunk.is_empty() {
            break;
        }
    }
    String::from_utf8(data).map_err(|_| format!("{path}: not UTF-8"))
}

/// Calls `parse-package-page` on `html`: the page, or the error said, and the call's time.
fn parse(html: &str) -> (Result<PackagePage, String>, u64) {
    let t = now();
    let page = parse_package_page(html);
    let elapsed = now().wrapping_sub(t);
    (page.map_err(|e| format!("parse error: {e:?}")), elapsed)
}

fn main() -> Result<(), String> {
    let args = wasip2::cli::environment::get_arguments();
    let path = args.get(1).ok_or("usage: parse-cli PAGE [--repeat N]")?;
    let html = read_file(path)?;
    let page = parse(&html).0?;
    let days: Vec<String> = page.daily_downloads.iter().map(|d| format!("[\"{}\", {}]", d.date, d.count)).collect();
    let mut out = format!("{{\"total\": {}, \"days\": [{}]}}\n", page.total_downloads, days.join(", "));
    if let Some(i) = args.iter().position(|a| a == "--repeat") {
        let n: usize = args.get(i + 1).and_then(|n| n.parse().ok()).ok_or("--repeat N")?;
        let mut calls = Vec::with_capacity(n);
        for _ in 0..n {
            let (again, elapsed) = parse(&html);
            if again?.total_downloads != page.total_downloads {
                return Err("a repeated call returned another total".into());
            }
            calls.push(elapsed.to_string());
        }
        out += &format!("{{\"call_ns\": [{}]}}\n", calls.join(", "));
    }
    let mut stdout = wasip2::cli::stdout::get_stdout();
    stdout.write_all(out.as_bytes()).and_then(|()| Write::flush(&mut stdout)).map_err(|e| format!("cannot write: {e}"))
}

struct Command;

impl wasip2::exports::cli::run::Guest for Command {
    /// 0 is ok; an error is said on stderr, and wasmtime exits 1.
    fn run() -> Result<(), ()> {
        main().map_err(|e| {
            let _ = writeln!(wasip2::cli::stderr::get_stderr(), "parse-cli: {e}");
        })
    }
}

wasip2::cli::command::export!(Command);
