//! The shapes of github.com links the pages carry: package pages, repositories, tagged
//! versions. Links are matched on their path, never on the markup around them.

use std::borrow::Cow;

/// The path (and query) of a github.com link: relative, or absolute on github.com.
fn site_path(href: &str) -> Option<&str> {
    let rest = href
        .strip_prefix("https://github.com")
        .or_else(|| href.strip_prefix("http://github.com"))
        .or_else(|| href.strip_prefix("//github.com"))
        .unwrap_or(href);
    if rest.starts_with('/') && !rest.starts_with("//") {
        Some(rest)
    } else {
        None
    }
}

/// (path segments without the leading `/`, query) with the fragment dropped.
fn split(href: &str) -> Option<(&str, Option<&str>)> {
    let p = site_path(href)?;
    let p = p.split('#').next().unwrap_or(p);
    let (path, query) = match p.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (p, None),
    };
    Some((path.strip_prefix('/').unwrap_or(path), query))
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// A package page link: `/orgs|users/<owner>/packages/container/package/<name>` or
/// `/<owner>/<repo>/pkgs/container/<name>`. Gives the name as linked (percent-encoded).
pub fn package_link(href: &str) -> Option<&str> {
    let (path, _) = split(href)?;
    let s: Vec<&str> = path.split('/').collect();
    let name = match s.as_slice() {
        [kind, owner, "packages", "container", "package", name] if (*kind == "orgs" || *kind == "users") && is_name(owner) => name,
        [owner, repo, "pkgs", "container", name] if is_name(owner) && is_name(repo) => name,
        _ => return None,
    };
    if name.is_empty() {
        None
    } else {
        Some(name)
    }
}

/// A repository link `/<owner>/<repo>`: gives `owner/repo`.
pub fn repo_link(href: &str) -> Option<&str> {
    let (path, query) = split(href)?;
    let path = path.strip_suffix('/').unwrap_or(path);
    if query.is_none() && is_repo(path) {
        Some(path)
    } else {
        None
    }
}

/// Whether text is a repository's `owner/repo`.
pub fn is_repo(nwo: &str) -> bool {
    match nwo.split_once('/') {
        Some((owner, repo)) => is_name(owner) && is_name(repo) && repo != "." && repo != "..",
        None => false,
    }
}

/// A tagged version link: `/orgs|users/<owner>/packages/container/<name>/<id>?tag=<tag>` or
/// `/<owner>/<repo>/pkgs/container/<name>/<id>?tag=<tag>`. Gives the version id (digits)
/// and the tag, decoded.
pub fn version_link(href: &str) -> Option<(&str, Cow<'_, str>)> {
    let (path, query) = split(href)?;
    let s: Vec<&str> = path.split('/').collect();
    let id = match s.as_slice() {
        [kind, owner, "packages", "container", name, id] if (*kind == "orgs" || *kind == "users") && is_name(owner) && !name.is_empty() => id,
        [owner, repo, "pkgs", "container", name, id] if is_name(owner) && is_name(repo) && !name.is_empty() => id,
        _ => return None,
    };
    if !is_id(id) {
        return None;
    }
    let tag = query?.split('&').find_map(|kv| kv.strip_prefix("tag="))?;
    if tag.is_empty() {
        return None;
    }
    Some((id, percent_decode(tag)))
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// `%XX` escapes decoded; the input unchanged when it has none or they are not UTF-8.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c))) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages() {
        assert_eq!(package_link("/orgs/fluxcd/packages/container/package/flux-cli"), Some("flux-cli"));
        assert_eq!(package_link("https://github.com/users/me/packages/container/package/charts%2Fx?x=1"), Some("charts%2Fx"));
        assert_eq!(package_link("/fluxcd/flux2/pkgs/container/flux-cli"), Some("flux-cli"));
        assert_eq!(package_link("/orgs/fluxcd/packages?page=2"), None);
        assert_eq!(package_link("/orgs/fluxcd/packages/container/package/"), None);
        assert_eq!(package_link("https://example.com/orgs/fluxcd/packages/container/package/x"), None);
        assert_eq!(package_link("/orgs/fluxcd/packages/npm/package/x"), None);
    }

    #[test]
    fn repos() {
        assert_eq!(repo_link("/fluxcd/flux2"), Some("fluxcd/flux2"));
        assert_eq!(repo_link("https://github.com/fluxcd/flux2/"), Some("fluxcd/flux2"));
        assert_eq!(repo_link("/fluxcd"), None);
        assert_eq!(repo_link("/fluxcd/flux2/issues"), None);
        assert_eq!(repo_link("/login?return_to=x"), None);
        assert_eq!(repo_link("//evil.example/a"), None);
    }

    #[test]
    fn versions() {
        assert_eq!(version_link("/orgs/fluxcd/packages/container/flux-cli/123?tag=v2.7.5"), Some(("123", "v2.7.5".into())));
        assert_eq!(version_link("/orgs/fluxcd/packages/container/charts%2Fflagger/9?x=1&tag=1.0%2Bbuild"), Some(("9", "1.0+build".into())));
        assert_eq!(version_link("/fluxcd/flux2/pkgs/container/flux-cli/5?tag=latest"), Some(("5", "latest".into())));
        assert_eq!(version_link("/orgs/fluxcd/packages/container/flux-cli/123"), None);
        assert_eq!(version_link("/orgs/fluxcd/packages/container/flux-cli/versions?tag=x"), None);
    }

    #[test]
    fn percent() {
        assert_eq!(percent_decode("charts%2Fflagger"), "charts/flagger");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%FF"), "%FF");
        assert_eq!(percent_decode("%+1%-1"), "%+1%-1");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
