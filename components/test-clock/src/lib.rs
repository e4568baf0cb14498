//! `wasi:clocks/wall-clock@0.2.0` for the end-to-end tests, and for nothing else: the tests'
//! build plugs it into the app's wall-clock import (`make test`), so that they cross a TTL or a
//! back-off by writing a time instead of waiting for it, while the app and its settings stay
//! those that ship. A deployment has no such component, so no value a user sets moves its time.
//!
//! * `now` is the seconds since the epoch written as text (Python's `repr(float)`:
//!   `1733540000.0`, `1733540000.25`) under the key `test-clock` of the key-value store
//!   `default`, read at each call: time stands still until a test writes another. While the
//!   key is absent it is the host's clock.
//! * `resolution` is the host's.
//!
//! A value it cannot read, or a store it cannot open, traps the call: a test that wrote
//! nonsense fails where it did, rather than running on another clock.

wit_bindgen::generate!({
    path: ["../../wit/deps/spin", "wit"],
    world: "ghcr-stats:test-clock/test-clock@0.1.0",
    generate_all,
});

use exports::wasi::clocks::wall_clock::{self, Datetime};
use fermyon::spin::key_value::Store;
use std::cell::OnceCell;
use wasi::clocks::wall_clock as host;

/// The key and store the tests write the time in (`testkit/served.py`).
const KEY: &str = "test-clock";
const STORE: &str = "default";

struct TestClock;

export!(TestClock);

thread_local! {
    /// The store, opened at the first call of an instance (one instance a request).
    static OPENED: OnceCell<Store> = const { OnceCell::new() };
}

impl wall_clock::Guest for TestClock {
    fn now() -> Datetime {
        let written = OPENED.with(|opened| {
            let store = opened.get_or_init(|| {
                Store::open(STORE).unwrap_or_else(|e| panic!("test clock: cannot open the store {STORE}: {e:?}"))
            });
            store.get(KEY).unwrap_or_else(|e| panic!("test clock: cannot read {KEY}: {e:?}"))
        });
        match written {
            Some(text) => parse(&text).unwrap_or_else(|| panic!("test clock: {KEY} holds {:?}, not seconds", String::from_utf8_lossy(&text))),
            None => {
                let t = host::now();
                Datetime { seconds: t.seconds, nanoseconds: t.nanoseconds }
            }
        }
    }

    fn resolution() -> Datetime {
        let r = host::resolution();
        Datetime { seconds: r.seconds, nanoseconds: r.nanoseconds }
    }
}

/// `1733540000`, `1733540000.0` or `1733540000.123456789` (digits past the ninth decimal
/// dropped) as seconds and nanoseconds, read exactly, with no float between; anything else
/// (a sign, an exponent, `nan`) is `None`.
fn parse(text: &[u8]) -> Option<Datetime> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let seconds = whole.parse().ok()?;
    let nanoseconds = fraction.bytes().chain(std::iter::repeat(b'0')).take(9).fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    Some(Datetime { seconds, nanoseconds })
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn read(text: &str) -> Option<(u64, u32)> {
        parse(text.as_bytes()).map(|t| (t.seconds, t.nanoseconds))
    }

    #[test]
    fn reads_what_python_writes() {
        assert_eq!(read("1733540000.0"), Some((1_733_540_000, 0)));
        assert_eq!(read("1733540000.25"), Some((1_733_540_000, 250_000_000)));
        assert_eq!(read("1733540000.123456789123"), Some((1_733_540_000, 123_456_789)));
        assert_eq!(read("1733540060"), Some((1_733_540_060, 0)));
    }

    #[test]
    fn refuses_what_is_not_seconds() {
        for text in ["", ".5", "-1.0", "1e9", "nan", "1.2.3", "12 34", "1.-5"] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }
}
