//! The install command `docker pull ghcr.io/<owner>/<name>:<tag>`, which names the version a
//! package page shows (its latest). GitHub splits the image reference over spans
//! (`docker pull ghcr.io/<span>owner</span>/<span>name</span><span>:tag</span>`), so it is
//! read from the text that starts with "docker pull" to the first end tag of an element
//! that is not one of those inline pieces (or an icon).

use crate::bytes::find_str;
use crate::content::{is_blank, sub};
use crate::entities;
use std::borrow::Cow;

/// Elements the pieces of a command come in; the end of any other ends the command.
const INLINE: [&str; 9] = ["span", "a", "em", "strong", "b", "i", "small", "svg", "path"];

/// `word` followed by at least one whitespace character (words of rendered text may be
/// separated by any whitespace run): what follows, trimmed.
fn after_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let rest = text.strip_prefix(word)?;
    let trimmed = rest.trim_start();
    if trimmed.len() < rest.len() {
        Some(trimmed)
    } else {
        None
    }
}

/// Whether text starts an install command; gives what follows "docker pull " (a mark of
/// package pages, used by the other readers too).
pub fn install_command(raw: &str) -> Option<Cow<'_, str>> {
    find_str(b"docker", raw.as_bytes(), false)?;
    let text = entities::decode(raw, false);
    let mut from = 0;
    while let Some(at) = find_str(b"docker", text[from..].as_bytes(), false) {
        let start = from + at;
        if let Some(rest) = after_word(&text[start..], "docker").and_then(|r| after_word(r, "pull")) {
            if rest.starts_with("ghcr.io/") {
                let from = text.len() - rest.len();
                return Some(sub(&text, from, text.len()));
            }
        }
        from = start + "docker".len();
    }
    None
}

/// An install command being read, piece by piece.
pub struct Install {
    image: String,
    done: bool,
}

impl Install {
    /// Starts at text for which `install_command` gave `rest`.
    pub fn new(rest: &str) -> Install {
        let mut install = Install { image: String::new(), done: false };
        install.piece(rest);
        install
    }

    /// Appends a piece of the reference; whitespace inside a piece ends it.
    fn piece(&mut self, text: &str) {
        let text = text.trim();
        match text.find(char::is_whitespace) {
            Some(end) => {
                self.image.push_str(&text[..end]);
                self.done = true;
            }
            None => self.image.push_str(text),
        }
    }

    pub fn end(&mut self, name: &str) {
        if !INLINE.iter().any(|n| name.eq_ignore_ascii_case(n)) {
            self.done = true;
        }
    }

    pub fn text(&mut self, raw: &str) {
        if !is_blank(raw) {
            self.piece(&entities::decode(raw, false));
        }
    }

    pub fn done(&self) -> bool {
        self.done
    }

    /// The tag the command pulls; none for a digest (`…@sha256:…`) or a reference without one.
    pub fn tag(&self) -> Option<String> {
        let image = self.image.as_str();
        let end = image.find('@').unwrap_or(image.len());
        let last = image[..end].rfind('/')? + 1;
        let colon = image[last..end].find(':')? + last;
        if colon + 1 < end && image[..last].starts_with("ghcr.io/") {
            Some(image[colon + 1..end].to_string())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Content, Node};

    fn tag_of(html: &str) -> Option<String> {
        let mut install: Option<Install> = None;
        for node in Content::new(html) {
            match (node, install.as_mut()) {
                (Node::Text(t), None) => install = install_command(t).map(|rest| Install::new(&rest)),
                (Node::Text(t), Some(i)) => i.text(t),
                (Node::End(n), Some(i)) => i.end(n),
                _ => {}
            }
            if install.as_ref().map_or(false, |i| i.done()) {
                break;
            }
        }
        install.and_then(|i| i.tag())
    }

    #[test]
    fn one_piece_or_many() {
        assert_eq!(tag_of("<pre><code>docker pull ghcr.io/fluxcd/flux-cli:v2.7.5</code></pre>").as_deref(), Some("v2.7.5"));
        let split = "<clipboard-copy><span>$</span>\n docker pull ghcr.io/\n <span>icicle-ai</span>\n /\n <span>insights</span>\n\
                     <span>:c4ce</span><svg><path d=\"M0\"></path></svg><br></clipboard-copy><span>:not-this</span>";
        assert_eq!(tag_of(split).as_deref(), Some("c4ce"));
        assert_eq!(tag_of("<code>docker pull ghcr.io/o/n:v1 && docker run x</code>").as_deref(), Some("v1"));
        // Words as rendered: any whitespace between them, pieces wrapped in more spans.
        assert_eq!(tag_of("<div>dockerpull ghcr.io/o/x:0 <span>docker\n\tpull</span> ghcr.io/o/n:v2</div>").as_deref(), None);
        assert_eq!(tag_of("<div>docker\n\tpull ghcr.io/<em><span>o</span></em>/n:v2</div>").as_deref(), Some("v2"));
    }

    #[test]
    fn no_tag() {
        assert_eq!(tag_of("<code>docker pull ghcr.io/o/n@sha256:abc</code>"), None);
        assert_eq!(tag_of("<code>docker pull ghcr.io/o/n</code>"), None);
        assert_eq!(tag_of("<code>docker pull ghcr.io/</code><span>o</span>"), None);
        assert_eq!(tag_of("<code>docker pull docker.io/o/n:v1</code>"), None);
        assert_eq!(tag_of("<code>docker pull ghcr.io/o:n/x</code>"), None);
    }
}
