//! `parse-rs PAGE [--repeat N]`: prints `{"total": …, "days": [[date, count], …]}` for a package
//! page, read with `ghcr_html_parser::parse_package_page`; with `--repeat`, then the in-process
//! timing of N more parses as `{"call_ns": […]}`.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let html = std::fs::read_to_string(&args[1]).expect("cannot read the page");
    let page = match ghcr_html_parser::parse_package_page(&html) {
        Ok(page) => page,
        Err(e) => {
            eprintln!("parse error: {:?}", e);
            std::process::exit(1);
        }
    };
    let days: Vec<String> = page
        .daily_downloads
        .iter()
        .map(|d| format!("[\"{}\", {}]", d.date, d.count))
        .collect();
    println!("{{\"total\": {}, \"days\": [{}]}}", page.total_downloads, days.join(", "));

    if let Some(i) = args.iter().position(|a| a == "--repeat") {
        let n: usize = args[i + 1].parse().expect("--repeat N");
        let mut calls = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let again = ghcr_html_parser::parse_package_page(&html);
            let elapsed = t.elapsed().as_nanos();
            // Using the result keeps the optimizer from dropping the parse.
            assert_eq!(again.map(|p| p.total_downloads).ok(), Some(page.total_downloads));
            calls.push(elapsed.to_string());
        }
        println!("{{\"call_ns\": [{}]}}", calls.join(", "));
    }
}
