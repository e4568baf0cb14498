//! The three real GitHub package pages (`tests/parser/real_pages/`, see its README for the
//! values a correct reader gets), read natively.

use ghcr_html_parser::{parse_package_page, PackagePage};

const FULL: &str = include_str!("../../../tests/parser/real_pages/package-page-full-2026-08.html");
const SIDEBAR_08: &str = include_str!("../../../tests/parser/real_pages/package-sidebar-2026-08.html");
const SIDEBAR_09: &str = include_str!("../../../tests/parser/real_pages/package-sidebar-2026-09.html");

/// (first date, last date, sum, non-zero days) of the series, oldest first.
fn series(p: &PackagePage) -> (String, String, u64, Vec<(String, u64)>) {
    let d = &p.daily_downloads;
    let nonzero = d.iter().filter(|x| x.count > 0).map(|x| (x.date[5..].to_string(), x.count)).collect();
    (d[0].date.to_string(), d[d.len() - 1].date.to_string(), d.iter().map(|x| x.count).sum(), nonzero)
}

fn days(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(d, c)| (d.to_string(), *c)).collect()
}

fn august(html: &str) -> PackagePage {
    let p = parse_package_page(html).unwrap();
    assert_eq!((p.total_downloads, p.total_exact, p.display_total.as_ref()), (248, true, "248"));
    assert_eq!(p.daily_downloads.len(), 30);
    let nonzero = days(&[("07-13", 9), ("07-23", 4), ("07-25", 9), ("07-26", 2), ("07-28", 2), ("07-29", 3)]);
    assert_eq!(series(&p), ("2026-07-10".into(), "2026-08-08".into(), 29, nonzero));
    assert_eq!(p.last_published.as_deref(), Some("2026-07-29T00:36:30-07:00"));
    p
}

#[test]
fn sidebar_2026_08() {
    let p = august(SIDEBAR_08);
    assert_eq!((p.repository, p.latest_version, p.recent_versions.len()), (None, None, 0));
}

#[test]
fn sidebar_2026_09() {
    let p = parse_package_page(SIDEBAR_09).unwrap();
    assert_eq!((p.total_downloads, p.total_exact, p.display_total.as_ref()), (302, true, "302"));
    assert_eq!(p.daily_downloads.len(), 30);
    let nonzero = days(&[("08-26", 14), ("08-28", 11), ("08-31", 2), ("09-12", 7), ("09-21", 4)]);
    assert_eq!(series(&p), ("2026-08-26".into(), "2026-09-24".into(), 38, nonzero));
    assert_eq!(p.last_published.as_deref(), Some("2026-09-24T13:19:35-07:00"));
    assert_eq!((p.repository, p.latest_version, p.recent_versions.len()), (None, None, 0));
}

#[test]
fn full_page() {
    let p = august(FULL);
    assert_eq!(p.repository.as_deref(), Some("ICICLE-ai/icicle-insights"));
    assert_eq!(p.latest_version.as_deref(), Some("c4ceb688093fd7a69caf99e7cb6730c1d92b2b66"));
    let rows: Vec<(u64, Vec<&str>, u64)> = p.recent_versions.iter().map(|v| (v.id, v.tags.iter().map(|t| t.as_ref()).collect(), v.downloads)).collect();
    assert_eq!(
        rows,
        vec![
            (1077343847, vec!["latest", "c4ceb688093fd7a69caf99e7cb6730c1d92b2b66"], 2),
            (1064871327, vec!["60a68d1539bbbc34b69a1f2f819d5eae477916a7"], 2),
            (1064843549, vec!["11ca856301afdaa191281ef089e5ec681c885cc7"], 0),
            (1061842590, vec!["0f7685ffa7c44aa42024106403a73107321fb8d1"], 1),
            (1061803495, vec!["bcf30237ab4e0564778a165a85e2987d39d1e0e6"], 1),
        ]
    );
}

/// The real page with one secondary value broken: the total and the 30 days exact, the value
/// left out, the warning naming it.
fn secondary(html: &str, field: &str) -> PackagePage {
    let p = parse_package_page(html).unwrap();
    assert_eq!((p.total_downloads, p.total_exact), (248, true));
    let nonzero = days(&[("07-13", 9), ("07-23", 4), ("07-25", 9), ("07-26", 2), ("07-28", 2), ("07-29", 3)]);
    assert_eq!(series(&p), ("2026-07-10".into(), "2026-08-08".into(), 29, nonzero));
    assert_eq!(p.warnings.iter().map(|w| w.field.as_str()).collect::<Vec<_>>(), vec![field]);
    p
}

#[test]
fn a_human_date_for_last_published_is_left_out_and_named() {
    let html = FULL.replace(r#"<h3 title="2026-07-29T00:36:30-07:00">"#, r#"<h3 title="Nov 19, 2026, 3:04 PM UTC">"#);
    let p = secondary(&html, "last-published");
    assert_eq!(p.last_published, None);
    assert!(p.warnings[0].message.contains("Nov 19, 2026, 3:04 PM UTC"));
    assert_eq!(p.recent_versions.len(), 5);
}

#[test]
fn a_version_row_without_its_count_is_skipped_and_named() {
    // The first row's count is the digits right before its first "Version downloads" label.
    let at = FULL.find(r#"<span class="sr-only">Version downloads"#).unwrap();
    let before = FULL[..at].trim_end();
    let cut = before.trim_end_matches(|c: char| c.is_ascii_digit());
    assert!(cut.len() < before.len(), "a count before the first label");
    let html = format!("{}{}", cut, &FULL[at..]);
    let p = secondary(&html, "recent-versions");
    assert_eq!(p.recent_versions.iter().map(|v| v.id).collect::<Vec<_>>(), vec![1064871327, 1064843549, 1061842590, 1061803495]);
}
