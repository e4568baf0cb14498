//! Native timing of the same extraction the component does, for `bench/parser/run.py`:
//! `cargo run --release --example bench -- <kind> <file> <iterations>` prints one JSON line
//! `{"ns_per_iter": ..., "bytes": ..., "total": ..., "daily": [...]}`; kind is `package`,
//! `listing` or `versions`.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: bench <package|listing|versions> <file> <iterations>");
        std::process::exit(2);
    }
    let html = std::fs::read_to_string(&args[2]).expect("readable UTF-8 file");
    let iters: u32 = args[3].parse().expect("iteration count");
    let run = |html: &str| -> String {
        match args[1].as_str() {
            "package" => match ghcr_html_parser::parse_package_page(html) {
                Ok(p) => {
                    let daily: Vec<String> = p.daily_downloads.iter().map(|d| format!("[\"{}\",{}]", d.date, d.count)).collect();
                    format!("\"total\":{},\"daily\":[{}]", p.total_downloads, daily.join(","))
                }
                Err(e) => format!("\"error\":\"{}\"", e.describe()),
            },
            "listing" => format!("\"rows\":{}", ghcr_html_parser::parse_listing_page(html).map_or(0, |l| l.packages.len())),
            "versions" => format!("\"rows\":{}", ghcr_html_parser::parse_versions_page(html).map_or(0, |v| v.versions.len())),
            other => panic!("unknown kind {}", other),
        }
    };
    let summary = run(&html);
    let mut sink = 0usize;
    let start = Instant::now();
    for _ in 0..iters {
        // An opaque input keeps the optimiser from hoisting the loop-invariant parse, without
        // the `unsafe` a volatile read needs.
        let input: &str = std::hint::black_box(html.as_str());
        sink = sink.wrapping_add(run(input).len());
    }
    let ns = start.elapsed().as_nanos() as f64 / iters.max(1) as f64;
    println!("{{\"ns_per_iter\":{:.0},\"bytes\":{},\"sink\":{},{}}}", ns, html.len(), sink, summary);
}
